/* schema.c: a practical subset of JSON Schema (2020-12) for contracts */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "market.h"

#define MAX_FINDINGS	100	/* then one "too many errors" finding */
#define MAX_REF_DEPTH	64	/* $ref followed inside $ref ... */
#define MAX_DEPTH	512	/* nested checks of any kind */
#define MAX_STEPS	200000	/* schema nodes visited in one call */
#define MAX_LISTED	10	/* enum values named in a message */

/* What is known of one $ref being followed: a cycle revisits both. */
struct frame {
	struct json_object	*schema;
	struct json_object	*inst;
};

struct ctx {
	struct json_object	*root;
	struct json_object	*findings;
	struct mkt_buf		 ptr;		/* pointer of the instance */
	struct frame		 refs[MAX_REF_DEPTH];
	size_t			 nrefs;
	size_t			 depth;
	size_t			 steps;
	size_t			 added;		/* findings appended */
	size_t			 errors;	/* failures seen, quiet or not */
	bool			 quiet;		/* count, do not append */
	bool			 full;		/* the cap was reached */
	bool			 aborted;	/* step budget spent */
};

static void	check(struct ctx *, struct json_object *,
		    struct json_object *);

static void
append(struct ctx *c, const char *ptr, const char *msg, size_t len)
{
	struct json_object	*f;

	f = json_object_new_object();
	json_object_object_add(f, "pointer", json_object_new_string(ptr));
	json_object_object_add(f, "message",
	    json_object_new_string_len(msg, (int)len));
	json_object_array_add(c->findings, f);
	c->added++;
}

/*
 * Records a failure.  Inside anyOf, oneOf and not only the count matters
 * (the branch as a whole is reported), so nothing is appended there; nor
 * when the caller passed no findings array.
 */
static void
fail(struct ctx *c, const char *fmt, ...) MKT_PRINTF(2, 3);

static void
fail(struct ctx *c, const char *fmt, ...)
{
	struct mkt_buf		 msg;
	va_list			 ap;

	c->errors++;
	if (c->quiet || c->full || c->findings == NULL)
		return;
	mkt_buf_init(&msg);
	if (c->added == MAX_FINDINGS) {
		/* about the whole instance, not this value */
		c->full = true;
		mkt_buf_printf(&msg, "too many errors; only the first %d are "
		    "shown", MAX_FINDINGS);
		append(c, "", msg.ptr, msg.len);
	} else {
		va_start(ap, fmt);
		mkt_buf_vprintf(&msg, fmt, ap);
		va_end(ap);
		append(c, c->ptr.ptr, msg.ptr, msg.len);
	}
	mkt_buf_free(&msg);
}

/* Whether checking should stop: the caller only wants to know whether
 * there is an error and there is one, or no more findings may be added. */
static bool
done(const struct ctx *c)
{
	return c->full || c->aborted || (c->quiet && c->errors > 0);
}

/* ---- the instance pointer (RFC 6901) ---- */

static size_t
ptr_push(struct ctx *c, const char *token)
{
	size_t	 mark = c->ptr.len;

	mkt_buf_putc(&c->ptr, '/');
	for (; *token != '\0'; token++) {
		if (*token == '~')
			mkt_buf_append(&c->ptr, "~0", 2);
		else if (*token == '/')
			mkt_buf_append(&c->ptr, "~1", 2);
		else
			mkt_buf_putc(&c->ptr, *token);
	}
	return mark;
}

static size_t
ptr_push_index(struct ctx *c, size_t i)
{
	size_t	 mark = c->ptr.len;

	mkt_buf_printf(&c->ptr, "/%zu", i);
	return mark;
}

static void
ptr_pop(struct ctx *c, size_t mark)
{
	c->ptr.len = mark;
	if (c->ptr.ptr != NULL)
		c->ptr.ptr[mark] = '\0';
}

/* ---- JSON values ---- */

static bool
is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

/* JSON Schema counts 1.0 as an integer: the value decides, not the
 * spelling. */
static bool
is_integer(struct json_object *v)
{
	double	 d;

	if (json_object_is_type(v, json_type_int))
		return true;
	if (!json_object_is_type(v, json_type_double))
		return false;
	d = json_object_get_double(v);
	return isfinite(d) && floor(d) == d;
}

static const char *
type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_int:
		return "integer";
	case json_type_double:
		return is_integer(v) ? "integer" : "number";
	case json_type_string:
		return "string";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	}
	return "unknown";
}

/*
 * Numeric order of two JSON numbers: <0, 0, >0.  Integers compare
 * exactly (json-c keeps large unsigned values apart), others as doubles.
 */
static int
num_cmp(struct json_object *a, struct json_object *b)
{
	double		 x, y;
	int64_t		 i, j;
	uint64_t	 u, w;

	if (json_object_is_type(a, json_type_int) &&
	    json_object_is_type(b, json_type_int)) {
		i = json_object_get_int64(a);
		j = json_object_get_int64(b);
		if (i < 0 || j < 0)
			return i < j ? -1 : i > j;
		/* both >= 0: as unsigned, since json-c clamps past INT64_MAX */
		u = json_object_get_uint64(a);
		w = json_object_get_uint64(b);
		return u < w ? -1 : u > w;
	}
	x = json_object_get_double(a);
	y = json_object_get_double(b);
	return x < y ? -1 : x > y;
}

/* JSON equality as JSON Schema means it: 1 equals 1.0, member order
 * does not matter. */
static bool
json_eq(struct json_object *a, struct json_object *b)
{
	struct json_object	*w;
	size_t			 i, n;

	if (is_number(a) && is_number(b))
		return num_cmp(a, b) == 0;
	if (json_object_get_type(a) != json_object_get_type(b))
		return false;
	switch (json_object_get_type(a)) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a), json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (i = 0; i < n; i++)
			if (!json_eq(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i)))
				return false;
		return true;
	case json_type_object:
		if (json_object_object_length(a) !=
		    json_object_object_length(b))
			return false;
		json_object_object_foreach(a, k, v) {
			if (!json_object_object_get_ex(b, k, &w) ||
			    !json_eq(v, w))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* A value for a message: strings as they are, numbers and literals as
 * JSON, composite values as compact JSON. */
static void
put_value(struct mkt_buf *b, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		mkt_buf_puts(b, "null");
		break;
	case json_type_boolean:
		mkt_buf_puts(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX)
			mkt_buf_printf(b, "%" PRIu64,
			    json_object_get_uint64(v));
		else
			mkt_buf_printf(b, "%" PRId64,
			    json_object_get_int64(v));
		break;
	case json_type_double:
		mkt_buf_printf(b, "%.15g", json_object_get_double(v));
		break;
	case json_type_string:
		mkt_buf_append(b, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	default:
		mkt_buf_puts(b, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		break;
	}
}

/* A non-negative integer keyword ("minLength": 3), or false. */
static bool
get_count(struct json_object *schema, const char *key, uint64_t *out)
{
	struct json_object	*v;
	double			 d;

	if (!json_object_object_get_ex(schema, key, &v) || !is_integer(v))
		return false;
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return false;
		*out = json_object_get_uint64(v);
		return true;
	}
	d = json_object_get_double(v);
	if (d < 0 || d >= 18446744073709551616.0)
		return false;
	*out = (uint64_t)d;
	return true;
}

/* ---- $ref ---- */

/*
 * Resolves a local reference "#" or "#/a/b~1c" against the root.  The
 * fragment is percent-decoded first (it is a URI fragment), then read as
 * a JSON Pointer.  NULL when it is not local or leads nowhere.
 */
static struct json_object *
resolve_ref(struct json_object *root, const char *ref, bool *found)
{
	struct json_object	*cur = root, *next;
	struct mkt_buf		 tok;
	char			*frag, *p, *end;
	size_t			 n, i;
	unsigned long		 idx;

	*found = false;
	if (ref[0] != '#')
		return NULL;
	frag = mkt_xstrdup(ref + 1);
	n = strlen(frag);
	if (mkt_url_decode(frag, &n, false) != MKT_OK ||
	    (n > 0 && frag[0] != '/') || strlen(frag) != n) {
		free(frag);
		return NULL;
	}
	mkt_buf_init(&tok);
	for (p = frag; *p == '/'; p = end) {
		p++;
		end = p + strcspn(p, "/");
		mkt_buf_reset(&tok);
		mkt_buf_append(&tok, "", 0);
		for (i = 0; p + i < end; i++) {
			/* p[i + 1] is at most the '/' or NUL at end */
			if (p[i] != '~')
				mkt_buf_putc(&tok, p[i]);
			else if (p[++i] == '0')
				mkt_buf_putc(&tok, '~');
			else if (p[i] == '1')
				mkt_buf_putc(&tok, '/');
			else
				goto bad;	/* "~" alone or "~2" */
		}
		if (json_object_is_type(cur, json_type_object)) {
			if (!json_object_object_get_ex(cur, tok.ptr, &next))
				goto bad;
		} else if (json_object_is_type(cur, json_type_array)) {
			/* decimal, no sign, no leading zero */
			if (tok.len == 0 || tok.len > 9 ||
			    strspn(tok.ptr, "0123456789") != tok.len ||
			    (tok.ptr[0] == '0' && tok.len > 1))
				goto bad;
			idx = strtoul(tok.ptr, NULL, 10);
			if (idx >= json_object_array_length(cur))
				goto bad;
			next = json_object_array_get_idx(cur, idx);
		} else
			goto bad;
		cur = next;
	}
	mkt_buf_free(&tok);
	free(frag);
	*found = true;
	return cur;
bad:
	mkt_buf_free(&tok);
	free(frag);
	return NULL;
}

static void
check_ref(struct ctx *c, struct json_object *ref, struct json_object *inst)
{
	struct json_object	*target;
	const char		*s;
	size_t			 i;
	bool			 found;

	if (!json_object_is_type(ref, json_type_string))
		return;
	s = json_object_get_string(ref);
	if (s[0] != '#') {
		fail(c, "the schema refers to \"%s\", which is not a local "
		    "reference (\"#/...\") and cannot be checked", s);
		return;
	}
	target = resolve_ref(c->root, s, &found);
	if (!found) {
		fail(c, "the schema refers to \"%s\", which does not exist",
		    s);
		return;
	}
	/* The same schema for the same value again: a loop that never
	 * reaches deeper into the instance. */
	for (i = 0; i < c->nrefs; i++)
		if (c->refs[i].schema == target && c->refs[i].inst == inst) {
			fail(c, "the schema's references loop at \"%s\"", s);
			return;
		}
	if (c->nrefs == MAX_REF_DEPTH) {
		fail(c, "the schema's references nest deeper than %d levels",
		    MAX_REF_DEPTH);
		return;
	}
	c->refs[c->nrefs].schema = target;
	c->refs[c->nrefs].inst = inst;
	c->nrefs++;
	check(c, target, inst);
	c->nrefs--;
}

/* ---- keywords ---- */

static bool
type_is(struct json_object *inst, const char *t)
{
	enum json_type	 jt = json_object_get_type(inst);

	if (strcmp(t, "integer") == 0)
		return is_integer(inst);
	if (strcmp(t, "number") == 0)
		return is_number(inst);
	if (strcmp(t, "string") == 0)
		return jt == json_type_string;
	if (strcmp(t, "object") == 0)
		return jt == json_type_object;
	if (strcmp(t, "array") == 0)
		return jt == json_type_array;
	if (strcmp(t, "boolean") == 0)
		return jt == json_type_boolean;
	if (strcmp(t, "null") == 0)
		return jt == json_type_null;
	return false;
}

/*
 * "type": a name or a list of names.  OpenAPI 3.0's "nullable": true is
 * honoured as well, since contracts moving to 3.1 still carry it.
 */
static void
check_type(struct ctx *c, struct json_object *schema,
    struct json_object *type, struct json_object *inst)
{
	struct json_object	*v, *nullable;
	struct mkt_buf		 want;
	size_t			 i, n;

	if (inst == NULL &&
	    json_object_object_get_ex(schema, "nullable", &nullable) &&
	    json_object_is_type(nullable, json_type_boolean) &&
	    json_object_get_boolean(nullable))
		return;
	if (json_object_is_type(type, json_type_string)) {
		if (!type_is(inst, json_object_get_string(type)))
			fail(c, "expected type %s, got %s",
			    json_object_get_string(type), type_name(inst));
		return;
	}
	if (!json_object_is_type(type, json_type_array) ||
	    (n = json_object_array_length(type)) == 0)
		return;
	mkt_buf_init(&want);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(type, i);
		if (!json_object_is_type(v, json_type_string))
			continue;
		if (type_is(inst, json_object_get_string(v))) {
			mkt_buf_free(&want);
			return;
		}
		if (want.len > 0)
			mkt_buf_puts(&want, i + 1 == n ? " or " : ", ");
		mkt_buf_puts(&want, json_object_get_string(v));
	}
	if (want.len > 0)
		fail(c, "expected type %s, got %s", want.ptr, type_name(inst));
	mkt_buf_free(&want);
}

static void
check_enum(struct ctx *c, struct json_object *list, struct json_object *inst)
{
	struct mkt_buf	 msg;
	size_t		 i, n;

	if (!json_object_is_type(list, json_type_array))
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++)
		if (json_eq(inst, json_object_array_get_idx(list, i)))
			return;
	if (c->quiet || c->findings == NULL) {
		c->errors++;
		return;
	}
	mkt_buf_init(&msg);
	for (i = 0; i < n && i < MAX_LISTED; i++) {
		if (i > 0)
			mkt_buf_puts(&msg, ", ");
		put_value(&msg, json_object_array_get_idx(list, i));
	}
	if (n > MAX_LISTED)
		mkt_buf_printf(&msg, ", ... (%zu values)", n);
	fail(c, "value is not one of: %s", n > 0 ? msg.ptr : "(none)");
	mkt_buf_free(&msg);
}

static void
check_const(struct ctx *c, struct json_object *want, struct json_object *inst)
{
	struct mkt_buf	 msg;

	if (json_eq(inst, want))
		return;
	mkt_buf_init(&msg);
	put_value(&msg, want);
	fail(c, "value must be %s", msg.ptr);
	mkt_buf_free(&msg);
}

static void
check_number(struct ctx *c, struct json_object *schema,
    struct json_object *inst)
{
	static const struct {
		const char	*key;
		int		 bad;		/* sign of a failing num_cmp */
		bool		 strict;	/* equality fails as well */
		const char	*what;
	} lim[] = {
		{ "minimum", -1, false, "less than the minimum" },
		{ "maximum", 1, false, "greater than the maximum" },
		{ "exclusiveMinimum", -1, true, "not greater than" },
		{ "exclusiveMaximum", 1, true, "not less than" },
	};
	struct json_object	*v;
	struct mkt_buf		 a, b;
	size_t			 i;
	int			 cmp;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		if (!json_object_object_get_ex(schema, lim[i].key, &v) ||
		    !is_number(v))
			continue;
		cmp = num_cmp(inst, v);
		if (cmp != lim[i].bad && !(lim[i].strict && cmp == 0))
			continue;
		mkt_buf_init(&a);
		mkt_buf_init(&b);
		put_value(&a, inst);
		put_value(&b, v);
		fail(c, "value %s is %s %s", a.ptr, lim[i].what, b.ptr);
		mkt_buf_free(&a);
		mkt_buf_free(&b);
	}
}

static void
check_string(struct ctx *c, struct json_object *schema,
    struct json_object *inst)
{
	uint64_t	 lim;
	size_t		 n;

	/* Characters, not bytes, as JSON Schema counts them. */
	n = mkt_utf8_chars(json_object_get_string(inst),
	    (size_t)json_object_get_string_len(inst));
	if (get_count(schema, "minLength", &lim) && n < lim)
		fail(c, "string is shorter than %" PRIu64 " character%s",
		    lim, lim == 1 ? "" : "s");
	if (get_count(schema, "maxLength", &lim) && n > lim)
		fail(c, "string is longer than %" PRIu64 " character%s",
		    lim, lim == 1 ? "" : "s");
}

static void
check_array(struct ctx *c, struct json_object *schema,
    struct json_object *inst)
{
	struct json_object	*items, *prefix = NULL, *sub;
	uint64_t		 lim;
	size_t			 i, n, npre = 0, mark;

	n = json_object_array_length(inst);
	if (get_count(schema, "minItems", &lim) && n < lim)
		fail(c, "array has %zu item%s, fewer than the minimum of %"
		    PRIu64, n, n == 1 ? "" : "s", lim);
	if (get_count(schema, "maxItems", &lim) && n > lim)
		fail(c, "array has %zu item%s, more than the maximum of %"
		    PRIu64, n, n == 1 ? "" : "s", lim);

	/* 2020-12 "prefixItems", or the older tuple form of "items". */
	if (!json_object_object_get_ex(schema, "items", &items))
		items = NULL;
	if (json_object_object_get_ex(schema, "prefixItems", &prefix) &&
	    json_object_is_type(prefix, json_type_array))
		npre = json_object_array_length(prefix);
	else if (json_object_is_type(items, json_type_array)) {
		prefix = items;
		npre = json_object_array_length(prefix);
		items = NULL;
	}
	for (i = 0; i < n && !done(c); i++) {
		if (i < npre)
			sub = json_object_array_get_idx(prefix, i);
		else if (items != NULL)
			sub = items;
		else
			break;
		mark = ptr_push_index(c, i);
		check(c, sub, json_object_array_get_idx(inst, i));
		ptr_pop(c, mark);
	}
}

static void
check_object(struct ctx *c, struct json_object *schema,
    struct json_object *inst)
{
	struct json_object	*req, *props, *addl, *v, *sub;
	size_t			 i, n, mark;
	bool			 patterns;

	if (json_object_object_get_ex(schema, "required", &req) &&
	    json_object_is_type(req, json_type_array)) {
		n = json_object_array_length(req);
		for (i = 0; i < n && !done(c); i++) {
			v = json_object_array_get_idx(req, i);
			if (json_object_is_type(v, json_type_string) &&
			    !json_object_object_get_ex(inst,
			    json_object_get_string(v), NULL))
				fail(c, "required property \"%s\" is missing",
				    json_object_get_string(v));
		}
	}
	if (!json_object_object_get_ex(schema, "properties", &props) ||
	    !json_object_is_type(props, json_type_object))
		props = NULL;
	if (!json_object_object_get_ex(schema, "additionalProperties", &addl))
		addl = NULL;
	/* patternProperties is not checked here; so that its names are
	 * not taken for extra ones, additionalProperties then stands down. */
	patterns = json_object_object_get_ex(schema, "patternProperties",
	    NULL);
	json_object_object_foreach(inst, key, val) {
		if (done(c))
			break;
		if (props != NULL &&
		    json_object_object_get_ex(props, key, &sub)) {
			mark = ptr_push(c, key);
			check(c, sub, val);
			ptr_pop(c, mark);
			continue;
		}
		if (addl == NULL || patterns)
			continue;
		mark = ptr_push(c, key);
		if (json_object_is_type(addl, json_type_boolean) &&
		    !json_object_get_boolean(addl))
			fail(c, "property \"%s\" is not allowed", key);
		else
			check(c, addl, val);
		ptr_pop(c, mark);
	}
}

/* Whether inst passes sub, without reporting anything. */
static bool
passes(struct ctx *c, struct json_object *sub, struct json_object *inst)
{
	size_t	 errors = c->errors;
	bool	 quiet = c->quiet, ok;

	c->quiet = true;
	c->errors = 0;
	check(c, sub, inst);
	ok = c->errors == 0 && !c->aborted;
	c->quiet = quiet;
	c->errors = errors;
	return ok;
}

static void
check_combinators(struct ctx *c, struct json_object *schema,
    struct json_object *inst)
{
	struct json_object	*list, *sub;
	size_t			 i, n, matched, first = 0, second = 0;

	if (json_object_object_get_ex(schema, "allOf", &list) &&
	    json_object_is_type(list, json_type_array)) {
		n = json_object_array_length(list);
		for (i = 0; i < n && !done(c); i++)
			check(c, json_object_array_get_idx(list, i), inst);
	}
	if (!done(c) && json_object_object_get_ex(schema, "anyOf", &list) &&
	    json_object_is_type(list, json_type_array) &&
	    (n = json_object_array_length(list)) > 0) {
		for (i = 0; i < n; i++)
			if (passes(c, json_object_array_get_idx(list, i),
			    inst))
				break;
		if (i == n && !c->aborted)
			fail(c, "value does not match any of the %zu "
			    "alternatives (anyOf)", n);
	}
	if (!done(c) && json_object_object_get_ex(schema, "oneOf", &list) &&
	    json_object_is_type(list, json_type_array) &&
	    (n = json_object_array_length(list)) > 0) {
		for (matched = 0, i = 0; i < n && matched < 2; i++) {
			if (!passes(c, json_object_array_get_idx(list, i),
			    inst))
				continue;
			if (matched++ == 0)
				first = i;
			else
				second = i;
		}
		if (c->aborted)
			return;
		if (matched == 0)
			fail(c, "value does not match any of the %zu "
			    "alternatives (oneOf)", n);
		else if (matched > 1)
			fail(c, "value matches more than one alternative "
			    "(oneOf): %zu and %zu, counting from 0", first,
			    second);
	}
	if (!done(c) && json_object_object_get_ex(schema, "not", &sub) &&
	    passes(c, sub, inst) && !c->aborted)
		fail(c, "value matches a schema it must not match (not)");
}

/* Checks inst against one schema, boolean or object. */
static void
check(struct ctx *c, struct json_object *schema, struct json_object *inst)
{
	struct json_object	*v;

	if (done(c))
		return;
	if (++c->steps > MAX_STEPS || c->depth >= MAX_DEPTH) {
		/* Reported even inside a branch (no branch result can be
		 * trusted any more), then everything stops. */
		static const char msg[] =
		    "the schema is too complex to check this value";

		c->errors++;
		c->aborted = true;
		if (c->findings != NULL && !c->full)
			append(c, c->ptr.ptr, msg, sizeof(msg) - 1);
		return;
	}
	if (json_object_is_type(schema, json_type_boolean)) {
		if (!json_object_get_boolean(schema))
			fail(c, "no value is allowed here");
		return;
	}
	if (!json_object_is_type(schema, json_type_object)) {
		fail(c, "the schema for this value is neither an object nor "
		    "a boolean");
		return;
	}
	c->depth++;

	if (json_object_object_get_ex(schema, "$ref", &v))
		check_ref(c, v, inst);
	if (!done(c) && json_object_object_get_ex(schema, "type", &v))
		check_type(c, schema, v, inst);
	if (!done(c) && json_object_object_get_ex(schema, "enum", &v))
		check_enum(c, v, inst);
	if (!done(c) && json_object_object_get_ex(schema, "const", &v))
		check_const(c, v, inst);
	if (!done(c)) {
		switch (json_object_get_type(inst)) {
		case json_type_int:
		case json_type_double:
			check_number(c, schema, inst);
			break;
		case json_type_string:
			check_string(c, schema, inst);
			break;
		case json_type_array:
			check_array(c, schema, inst);
			break;
		case json_type_object:
			check_object(c, schema, inst);
			break;
		default:
			break;
		}
	}
	if (!done(c))
		check_combinators(c, schema, inst);

	c->depth--;
}

/*
 * findings may be NULL to learn only whether the instance is valid: the
 * check then stops at the first error and returns 1.
 */
size_t
mkt_schema_validate(struct json_object *root, struct json_object *schema,
    struct json_object *instance, struct json_object *findings)
{
	struct ctx	 c;

	memset(&c, 0, sizeof(c));
	c.root = root != NULL ? root : schema;
	if (json_object_is_type(findings, json_type_array))
		c.findings = findings;
	else
		c.quiet = true;
	mkt_buf_init(&c.ptr);
	mkt_buf_append(&c.ptr, "", 0);
	check(&c, schema, instance);
	mkt_buf_free(&c.ptr);
	return c.findings != NULL ? c.added : (c.errors > 0);
}
