/* policy.c: checking a service's metadata against declarative rules */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "market.h"

/*
 * Rules are written by administrators and evaluated against metadata that
 * providers write, so both sides are distrusted in their own way: a rule
 * is refused as a whole when anything in it is off (a misspelt member
 * would otherwise silently weaken it), and a subject field of the wrong
 * shape breaks the rule rather than passing it.
 *
 * A field that is absent or null breaks every operator, exists included,
 * unless the rule has a "when" that does not hold: then the rule does not
 * apply at all.  exists also fails for "", [] and {}.  in and not_in
 * want a string, number or boolean field; contains_any, contains_all and
 * subset_of an array one (subset_of passes an empty array); max_length
 * counts the characters of a string or the elements of an array.
 *
 * Comparing strings (eq, ne, in, not_in, contains_any, contains_all,
 * subset_of) ignores ASCII case, so "soc2" matches "SOC2"; prefix is
 * byte for byte.  Numbers may arrive as strings ("2.50": PostgreSQL's
 * numeric comes that way) and compare as numbers (doubles) with a number
 * or a numeric string.
 */

#define ID_MAX		64	/* bytes of a rule id */
#define FIELD_MAX	200	/* bytes of a dotted path */
#define LIST_MAX	256	/* values in an array value */
#define NUM_MAX		64	/* bytes of a numeric string */

enum op {
	OP_EXISTS, OP_EQ, OP_NE, OP_IN, OP_NOT_IN, OP_CONTAINS_ANY,
	OP_CONTAINS_ALL, OP_SUBSET_OF, OP_LT, OP_LTE, OP_GT, OP_GTE,
	OP_PREFIX, OP_MAX_LENGTH, OP__MAX
};

/* What "value" must be for an operator. */
enum vkind {
	V_NONE,		/* absent */
	V_SCALAR,	/* string, number or boolean */
	V_LIST,		/* non-empty array of strings and numbers */
	V_NUMBER,	/* a finite number */
	V_STRING,	/* a non-empty string */
	V_COUNT		/* an integer >= 0 */
};

static const struct {
	const char	*name;
	enum vkind	 value;
} ops[OP__MAX] = {
	[OP_EXISTS] = { "exists", V_NONE },
	[OP_EQ] = { "eq", V_SCALAR },
	[OP_NE] = { "ne", V_SCALAR },
	[OP_IN] = { "in", V_LIST },
	[OP_NOT_IN] = { "not_in", V_LIST },
	[OP_CONTAINS_ANY] = { "contains_any", V_LIST },
	[OP_CONTAINS_ALL] = { "contains_all", V_LIST },
	[OP_SUBSET_OF] = { "subset_of", V_LIST },
	[OP_LT] = { "lt", V_NUMBER },
	[OP_LTE] = { "lte", V_NUMBER },
	[OP_GT] = { "gt", V_NUMBER },
	[OP_GTE] = { "gte", V_NUMBER },
	[OP_PREFIX] = { "prefix", V_STRING },
	[OP_MAX_LENGTH] = { "max_length", V_COUNT },
};

static const char *const vkind_names[] = {
	[V_NONE] = "absent",
	[V_SCALAR] = "a string, number or boolean",
	[V_LIST] = "a non-empty array of strings and numbers",
	[V_NUMBER] = "a number",
	[V_STRING] = "a non-empty string",
	[V_COUNT] = "an integer of 0 or more",
};

/* Members a rule may have; a condition ("when") has the first three. */
static const char *const rule_members[] = {
	"field", "op", "value", "id", "severity", "message", "when",
	"description"
};
#define COND_MEMBERS	3

static enum op
op_parse(struct json_object *v)
{
	size_t	 i;

	if (!json_object_is_type(v, json_type_string))
		return OP__MAX;
	for (i = 0; i < OP__MAX; i++)
		if (strcmp(json_object_get_string(v), ops[i].name) == 0)
			return (enum op)i;
	return OP__MAX;
}

static const char *
member_str(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* ---- rule validation ---- */

/* "sla.max_latency_ms": names of [A-Za-z0-9_-] joined by dots. */
static bool
field_ok(const char *s)
{
	size_t	 n, seg = 0;

	for (n = 0; s[n] != '\0'; n++) {
		if (n >= FIELD_MAX)
			return false;
		if (s[n] == '.') {
			if (seg == 0)
				return false;
			seg = 0;
		} else if (isalnum((unsigned char)s[n]) || s[n] == '_' ||
		    s[n] == '-')
			seg++;
		else
			return false;
	}
	return seg > 0;
}

static bool
finite_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    (json_object_is_type(v, json_type_double) &&
	    isfinite(json_object_get_double(v)));
}

static bool
value_ok(enum vkind kind, struct json_object *v, bool present)
{
	struct json_object	*e;
	size_t			 i, n;

	switch (kind) {
	case V_NONE:
		return !present;
	case V_SCALAR:
		return present && (json_object_is_type(v, json_type_string) ||
		    json_object_is_type(v, json_type_boolean) ||
		    finite_number(v));
	case V_LIST:
		if (!json_object_is_type(v, json_type_array) ||
		    (n = json_object_array_length(v)) == 0 || n > LIST_MAX)
			return false;
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_string) &&
			    !finite_number(e))
				return false;
		}
		return true;
	case V_NUMBER:
		return finite_number(v);
	case V_STRING:
		return json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) > 0;
	case V_COUNT:
		return json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) >= 0;
	}
	return false;
}

/* The shape shared by a rule and its condition; in names where we are. */
static bool
cond_ok(struct json_object *o, const char *in, size_t nmembers, char *err,
    size_t errsz)
{
	struct json_object	*v;
	const char		*field;
	size_t			 i;
	enum op			 op;
	bool			 present;

	if (!json_object_is_type(o, json_type_object)) {
		mkt_errf(err, errsz, "%s is not a JSON object",
		    *in != '\0' ? "\"when\"" : "the rule");
		return false;
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; i < nmembers; i++)
			if (strcmp(key, rule_members[i]) == 0)
				break;
		if (i == nmembers) {
			mkt_errf(err, errsz, "%s\"%.64s\" is not a member a %s may "
			    "have", in, key, *in != '\0' ? "condition" :
			    "rule");
			return false;
		}
	}
	if ((field = member_str(o, "field")) == NULL || !field_ok(field)) {
		mkt_errf(err, errsz, "%s\"field\" must be a dotted path such as "
		    "\"sla.max_latency_ms\"", in);
		return false;
	}
	json_object_object_get_ex(o, "op", &v);
	if ((op = op_parse(v)) == OP__MAX) {
		mkt_errf(err, errsz, "%s\"op\" must be one of exists, eq, ne, in, "
		    "not_in, contains_any, contains_all, subset_of, lt, lte, "
		    "gt, gte, prefix, max_length", in);
		return false;
	}
	present = json_object_object_get_ex(o, "value", &v);
	if (!value_ok(ops[op].value, v, present)) {
		mkt_errf(err, errsz, "%s\"value\" must be %s for \"op\" \"%s\"",
		    in, vkind_names[ops[op].value], ops[op].name);
		return false;
	}
	return true;
}

bool
mkt_policy_rule_ok(struct json_object *rule, char *err, size_t errsz)
{
	struct json_object	*when;
	const char		*s;

	mkt_errf(err, errsz, "%s", "");
	if (!cond_ok(rule, "", sizeof(rule_members) /
	    sizeof(rule_members[0]), err, errsz))
		return false;
	if ((s = member_str(rule, "id")) == NULL || !mkt_slug_ok(s, ID_MAX)) {
		mkt_errf(err, errsz, "\"id\" must be a slug of at most %d "
		    "characters ([a-z0-9][a-z0-9._-]*)", ID_MAX);
		return false;
	}
	if ((s = member_str(rule, "severity")) == NULL ||
	    (strcmp(s, "block") != 0 && strcmp(s, "warn") != 0)) {
		mkt_errf(err, errsz, "\"severity\" must be \"block\" or \"warn\"");
		return false;
	}
	if ((s = member_str(rule, "message")) == NULL || *s == '\0') {
		mkt_errf(err, errsz, "\"message\" must be a non-empty string");
		return false;
	}
	if (json_object_object_get_ex(rule, "when", &when) &&
	    !cond_ok(when, "when.", COND_MEMBERS, err, errsz))
		return false;
	return true;
}

/* ---- evaluation ---- */

/*
 * The subject's value at a dotted path; a name of digits indexes an
 * array.  NULL when absent (or JSON null, which json-c represents so).
 */
static struct json_object *
lookup(struct json_object *subject, const char *path)
{
	struct json_object	*cur = subject;
	const char		*p = path, *end;
	char			 name[FIELD_MAX + 1];
	size_t			 n;
	char			*stop;
	unsigned long		 idx;

	while (cur != NULL) {
		end = p + strcspn(p, ".");
		if ((n = (size_t)(end - p)) >= sizeof(name))
			return NULL;
		memcpy(name, p, n);
		name[n] = '\0';
		if (json_object_is_type(cur, json_type_object)) {
			if (!json_object_object_get_ex(cur, name, &cur))
				return NULL;
		} else if (json_object_is_type(cur, json_type_array) &&
		    n > 0 && strspn(name, "0123456789") == n) {
			idx = strtoul(name, &stop, 10);
			if (idx >= json_object_array_length(cur))
				return NULL;
			cur = json_object_array_get_idx(cur, idx);
		} else
			return NULL;
		if (*end == '\0')
			return cur;
		p = end + 1;
	}
	return NULL;
}

/*
 * A number from a JSON number or a numeric string in JSON's syntax
 * (no spaces, hex, "inf" or "nan"), as PostgreSQL prints numeric.
 */
static bool
get_num(struct json_object *v, double *out)
{
	const char	*s, *p;
	char		*end;
	size_t		 n;

	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) {
		*out = json_object_get_double(v);
		return isfinite(*out);
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = p = json_object_get_string(v);
	if ((n = (size_t)json_object_get_string_len(v)) == 0 || n > NUM_MAX ||
	    strlen(s) != n)
		return false;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0')
		return false;
	*out = strtod(s, &end);
	return end == p && isfinite(*out);
}

static bool
is_scalar(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) ||
	    json_object_is_type(v, json_type_boolean) ||
	    json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

static bool
scalar_eq(struct json_object *a, struct json_object *b)
{
	double	 x, y;
	size_t	 i, n;
	bool	 as_str, bs_str;

	as_str = json_object_is_type(a, json_type_string);
	bs_str = json_object_is_type(b, json_type_string);
	if (json_object_is_type(a, json_type_boolean) ||
	    json_object_is_type(b, json_type_boolean))
		return json_object_is_type(a, json_type_boolean) &&
		    json_object_is_type(b, json_type_boolean) &&
		    json_object_get_boolean(a) == json_object_get_boolean(b);
	if (as_str && bs_str) {
		n = (size_t)json_object_get_string_len(a);
		if (n != (size_t)json_object_get_string_len(b))
			return false;
		for (i = 0; i < n; i++)
			if (tolower((unsigned char)json_object_get_string(a)[i])
			    != tolower((unsigned char)
			    json_object_get_string(b)[i]))
				return false;
		return true;
	}
	/* a number on at least one side */
	return get_num(a, &x) && get_num(b, &y) && x == y;
}

/* Whether some element of list equals v. */
static bool
list_has(struct json_object *list, struct json_object *v)
{
	size_t	 i, n;

	if (!is_scalar(v))
		return false;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++)
		if (scalar_eq(json_object_array_get_idx(list, i), v))
			return true;
	return false;
}

/* Whether the condition holds for the subject's field f (NULL: absent
 * or null, for which no operator holds). */
static bool
holds(enum op op, struct json_object *f, struct json_object *val)
{
	size_t	 i, n;
	double	 x, y;
	bool	 arr = json_object_is_type(f, json_type_array);

	if (f == NULL)
		return false;
	switch (op) {
	case OP_EXISTS:
		if (json_object_is_type(f, json_type_string))
			return json_object_get_string_len(f) > 0;
		if (arr)
			return json_object_array_length(f) > 0;
		if (json_object_is_type(f, json_type_object))
			return json_object_object_length(f) > 0;
		return true;
	case OP_EQ:
		return is_scalar(f) && scalar_eq(f, val);
	case OP_NE:
		return is_scalar(f) && !scalar_eq(f, val);
	case OP_IN:
		return list_has(val, f);
	case OP_NOT_IN:
		return is_scalar(f) && !list_has(val, f);
	case OP_CONTAINS_ANY:
		if (!arr)
			return false;
		n = json_object_array_length(f);
		for (i = 0; i < n; i++)
			if (list_has(val, json_object_array_get_idx(f, i)))
				return true;
		return false;
	case OP_CONTAINS_ALL:
		if (!arr)
			return false;
		n = json_object_array_length(val);
		for (i = 0; i < n; i++)
			if (!list_has(f, json_object_array_get_idx(val, i)))
				return false;
		return true;
	case OP_SUBSET_OF:
		if (!arr)
			return false;
		n = json_object_array_length(f);
		for (i = 0; i < n; i++)
			if (!list_has(val, json_object_array_get_idx(f, i)))
				return false;
		return true;
	case OP_LT:
	case OP_LTE:
	case OP_GT:
	case OP_GTE:
		if (!get_num(f, &x) || !get_num(val, &y))
			return false;
		return op == OP_LT ? x < y : op == OP_LTE ? x <= y :
		    op == OP_GT ? x > y : x >= y;
	case OP_PREFIX:
		return json_object_is_type(f, json_type_string) &&
		    json_object_get_string_len(f) >=
		    json_object_get_string_len(val) &&
		    memcmp(json_object_get_string(f),
		    json_object_get_string(val),
		    (size_t)json_object_get_string_len(val)) == 0;
	case OP_MAX_LENGTH:
		if (arr)
			n = json_object_array_length(f);
		else if (json_object_is_type(f, json_type_string))
			n = mkt_utf8_chars(json_object_get_string(f),
			    (size_t)json_object_get_string_len(f));
		else
			return false;
		return (uint64_t)n <= json_object_get_uint64(val);
	case OP__MAX:
		break;
	}
	return false;
}

/* A valid condition (rule or "when") against the subject. */
static bool
cond_holds(struct json_object *cond, struct json_object *subject)
{
	struct json_object	*op, *val = NULL;

	json_object_object_get_ex(cond, "op", &op);
	json_object_object_get_ex(cond, "value", &val);
	return holds(op_parse(op), lookup(subject, member_str(cond, "field")),
	    val);
}

/*
 * Every rule is checked before any is evaluated, so that a malformed one
 * leaves violations as it was.  Rule ids must be unique: violations name
 * rules by id.
 */
int
mkt_policy_eval(struct json_object *rules, struct json_object *subject,
    struct json_object *violations, char *err, size_t errsz)
{
	struct json_object	*rule, *when, *v;
	const char		*id;
	char			 why[256];
	size_t			 i, j, n;
	int			 blocks = 0;

	mkt_errf(err, errsz, "%s", "");
	if (rules == NULL)
		return 0;
	if (!json_object_is_type(rules, json_type_array)) {
		mkt_errf(err, errsz, "the rules are not a JSON array");
		return -1;
	}
	n = json_object_array_length(rules);
	for (i = 0; i < n; i++) {
		rule = json_object_array_get_idx(rules, i);
		if (!mkt_policy_rule_ok(rule, why, sizeof(why))) {
			if ((id = member_str(rule, "id")) != NULL)
				mkt_errf(err, errsz, "rule %zu (\"%.64s\"): %s", i,
				    id, why);
			else
				mkt_errf(err, errsz, "rule %zu: %s", i, why);
			return -1;
		}
		id = member_str(rule, "id");
		for (j = 0; j < i; j++)
			if (strcmp(id, member_str(json_object_array_get_idx(
			    rules, j), "id")) == 0) {
				mkt_errf(err, errsz, "rule %zu (\"%s\"): the id is "
				    "that of rule %zu already", i, id, j);
				return -1;
			}
	}

	for (i = 0; i < n; i++) {
		rule = json_object_array_get_idx(rules, i);
		if (json_object_object_get_ex(rule, "when", &when) &&
		    !cond_holds(when, subject))
			continue;
		if (cond_holds(rule, subject))
			continue;
		if (strcmp(member_str(rule, "severity"), "block") == 0)
			blocks++;
		if (violations == NULL ||
		    !json_object_is_type(violations, json_type_array))
			continue;
		v = json_object_new_object();
		json_object_object_add(v, "rule",
		    json_object_new_string(member_str(rule, "id")));
		json_object_object_add(v, "field",
		    json_object_new_string(member_str(rule, "field")));
		json_object_object_add(v, "severity",
		    json_object_new_string(member_str(rule, "severity")));
		json_object_object_add(v, "message",
		    json_object_new_string(member_str(rule, "message")));
		json_object_array_add(violations, v);
	}
	return blocks;
}
