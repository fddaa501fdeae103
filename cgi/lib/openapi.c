/* openapi.c: OpenAPI 3.1 contracts: parsing, checks, changes, probes */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yaml.h>

#include "market.h"

#define DEPTH_MAX	64	/* nesting of a contract, JSON or YAML */
#define NODES_MAX	500000	/* YAML nodes (keys included) */
#define WALK_MAX	128	/* nesting the checks descend to */

static const char *const methods[] = {
	"get", "put", "post", "delete", "options", "head", "patch", "trace"
};
static const char *const methods_uc[] = {
	"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"
};
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))

/* ---- small json-c helpers ---- */

/* The member key of o, or NULL when o is no object or lacks it. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static bool
is_object(struct json_object *o)
{
	return json_object_is_type(o, json_type_object);
}

static const char *
str_member(struct json_object *o, const char *key)
{
	struct json_object	*v = member(o, key);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static bool
true_member(struct json_object *o, const char *key)
{
	struct json_object	*v = member(o, key);

	return json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

static const char *
type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:
	case json_type_int:	return "a number";
	case json_type_string:	return "a string";
	case json_type_array:	return "an array";
	case json_type_object:	return "an object";
	}
	return "something else";
}

static int
method_index(const char *key)
{
	size_t	 i;

	for (i = 0; i < NMETHODS; i++)
		if (strcmp(key, methods[i]) == 0)
			return (int)i;
	return -1;
}

/* Whether k is one of set[0..n); the first byte is compared first since
 * this runs for most members of a document. */
static bool
in_set(const char *k, const char *const *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (k[0] == set[i][0] && strcmp(k, set[i]) == 0)
			return true;
	return false;
}

#define IN_SET(k, set)	in_set((k), (set), sizeof(set) / sizeof((set)[0]))

/* Appends "/" and key escaped as an RFC 6901 reference token. */
static void
ptr_add(struct mkt_buf *b, const char *key)
{
	const char	*p;

	mkt_buf_putc(b, '/');
	for (p = key; *p != '\0'; p++)
		if (*p == '~')
			mkt_buf_append(b, "~0", 2);
		else if (*p == '/')
			mkt_buf_append(b, "~1", 2);
		else
			mkt_buf_putc(b, *p);
}

static void
ptr_set(struct mkt_buf *b, size_t len)
{
	b->len = len;
	if (b->ptr != NULL)
		b->ptr[len] = '\0';
}

static const char *
ptr_str(const struct mkt_buf *b)
{
	return b->ptr == NULL ? "" : b->ptr;
}

static void
add_finding(struct json_object *arr, const char *pointer, const char *msg)
{
	struct json_object	*f;

	if (arr == NULL)
		return;
	f = json_object_new_object();
	json_object_object_add(f, "pointer", json_object_new_string(pointer));
	json_object_object_add(f, "message", json_object_new_string(msg));
	json_object_array_add(arr, f);
}

/* ---- parsing ---- */

/* Line and column (from 1, in bytes) of offset off of s. */
static void
line_col(const char *s, size_t off, size_t *line, size_t *col)
{
	size_t	 i, bol = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (s[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = off - bol + 1;
}

/* Whether o nests collections deeper than max (o itself counts). */
static bool
nested_deeper(struct json_object *o, int max)
{
	size_t	 i, n;

	if (json_object_is_type(o, json_type_object)) {
		if (max == 0)
			return true;
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (nested_deeper(v, max - 1))
				return true;
		}
	} else if (json_object_is_type(o, json_type_array)) {
		if (max == 0)
			return true;
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (nested_deeper(json_object_array_get_idx(o, i),
			    max - 1))
				return true;
	}
	return false;
}

static struct json_object *
parse_json(const char *s, size_t n, char *err, size_t errsz)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	size_t			 off, line, col;

	/* json-c counts a member's value as a level of its own: one more
	 * lets 64 objects through, the walk below refuses 65 arrays. */
	if ((tok = json_tokener_new_ex(DEPTH_MAX + 1)) == NULL) {
		mkt_errf(err, errsz, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o == NULL || jerr != json_tokener_success) {
		json_object_put(o);
		line_col(s, off, &line, &col);
		if (jerr == json_tokener_error_depth)
			mkt_errf(err, errsz, "line %zu, column %zu: the JSON "
			    "document is nested more than %d levels deep",
			    line, col, DEPTH_MAX);
		else if (jerr == json_tokener_success ||
		    jerr == json_tokener_continue)
			mkt_errf(err, errsz, "the JSON document is truncated");
		else
			mkt_errf(err, errsz, "line %zu, column %zu: invalid JSON: "
			    "%s", line, col, json_tokener_error_desc(jerr));
		return NULL;
	}
	while (off < n && (s[off] == ' ' || s[off] == '\t' ||
	    s[off] == '\n' || s[off] == '\r'))
		off++;
	if (off != n) {
		json_object_put(o);
		line_col(s, off, &line, &col);
		mkt_errf(err, errsz, "line %zu, column %zu: data after the end "
		    "of the JSON document", line, col);
		return NULL;
	}
	if (nested_deeper(o, DEPTH_MAX)) {
		json_object_put(o);
		mkt_errf(err, errsz, "the JSON document is nested more than %d "
		    "levels deep", DEPTH_MAX);
		return NULL;
	}
	return o;
}

/* A YAML collection being filled, and the key waiting for its value. */
struct frame {
	struct json_object	*o;
	char			*key;
};

struct yaml_ctx {
	struct frame		 st[DEPTH_MAX];
	int			 depth;
	size_t			 nodes;
	struct json_object	*root;
	bool			 have_root;
};

static bool
all_of(const char *s, const char *end, const char *set)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (strchr(set, *s) == NULL || *s == '\0')
			return false;
	return true;
}

/* YAML 1.2 core schema floats:
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
is_float(const char *s, const char *end)
{
	size_t	 d1 = 0, d2 = 0;

	if (s < end && (*s == '-' || *s == '+'))
		s++;
	while (s < end && *s >= '0' && *s <= '9') {
		s++;
		d1++;
	}
	if (s < end && *s == '.') {
		s++;
		while (s < end && *s >= '0' && *s <= '9') {
			s++;
			d2++;
		}
	} else if (d1 == 0)
		return false;
	if (d1 == 0 && d2 == 0)
		return false;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '-' || *s == '+'))
			s++;
		if (!all_of(s, end, "0123456789"))
			return false;
		return true;
	}
	return s == end;
}

/*
 * A plain scalar resolved by the YAML 1.2 core schema: null, booleans,
 * integers (decimal, 0o octal, 0x hex), floats, else a string.  s is
 * NUL-terminated (libyaml's).  False for values JSON cannot hold.
 */
static bool
resolve_plain(const char *s, size_t n, struct json_object **out,
    const char **why)
{
	const char		*end = s + n, *p = s;
	unsigned long long	 u;
	long long		 ll;
	char			*e;

	*out = NULL;
	if (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return true;
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0) {
		*out = json_object_new_boolean(1);
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0) {
		*out = json_object_new_boolean(0);
		return true;
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x') &&
	    all_of(s + 2, end, s[1] == 'o' ? "01234567" :
	    "0123456789abcdefABCDEF")) {
		errno = 0;
		u = strtoull(s + 2, &e, s[1] == 'o' ? 8 : 16);
		if (errno == ERANGE) {
			*why = "the integer is too large";
			return false;
		}
		*out = u > INT64_MAX ? json_object_new_uint64(u) :
		    json_object_new_int64((int64_t)u);
		return true;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (all_of(p, end, "0123456789")) {
		errno = 0;
		ll = strtoll(s, &e, 10);
		if (errno != ERANGE) {
			*out = json_object_new_int64(ll);
			return true;
		}
		errno = 0;
		if (*s != '-' && (u = strtoull(s, &e, 10), errno != ERANGE)) {
			*out = json_object_new_uint64(u);
			return true;
		}
		*out = json_object_new_double(strtod(s, &e));
		return true;
	}
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
	    strcmp(p, ".INF") == 0 || strcmp(s, ".nan") == 0 ||
	    strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0) {
		*why = "infinity and NaN cannot be represented in JSON";
		return false;
	}
	if (is_float(s, end)) {
		*out = json_object_new_double(strtod(s, &e));
		return true;
	}
	*out = json_object_new_string_len(s, (int)n);
	return true;
}

/* Whether a node's tag (resolved by libyaml) is one we accept. */
static bool
tag_ok(const yaml_char_t *tag, const char *want)
{
	return tag == NULL || strcmp((const char *)tag, want) == 0 ||
	    strcmp((const char *)tag, "!") == 0;
}

/* Adds v under the pending key of the top frame, or to its array. */
static void
yaml_attach(struct yaml_ctx *y, struct json_object *v)
{
	struct frame	*f;

	if (y->depth == 0) {
		y->root = v;
		y->have_root = true;
		return;
	}
	f = &y->st[y->depth - 1];
	if (json_object_is_type(f->o, json_type_array))
		json_object_array_add(f->o, v);
	else {
		json_object_object_add(f->o, f->key, v);
		free(f->key);
		f->key = NULL;
	}
}

/* Whether the next node of the top frame is a mapping key. */
static bool
yaml_want_key(const struct yaml_ctx *y)
{
	const struct frame	*f;

	if (y->depth == 0)
		return false;
	f = &y->st[y->depth - 1];
	return json_object_is_type(f->o, json_type_object) && f->key == NULL;
}

/*
 * One event into the tree; false with a reason (why, or a formatted one
 * in err) to stop.
 */
static bool
yaml_event(struct yaml_ctx *y, const yaml_event_t *ev, char *err,
    size_t errsz)
{
	const yaml_char_t	*anchor = NULL, *tag = NULL;
	struct json_object	*v;
	struct frame		*f;
	const char		*s, *why = NULL;
	size_t			 n, line, col;

	line = ev->start_mark.line + 1;
	col = ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		mkt_errf(err, errsz, "line %zu, column %zu: YAML aliases (*%s) "
		    "are not supported; write the value out in full", line,
		    col, (const char *)ev->data.alias.anchor);
		return false;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		y->depth--;
		return true;
	default:
		return true;
	}
	if (anchor != NULL) {
		mkt_errf(err, errsz, "line %zu, column %zu: YAML anchors (&%s) "
		    "are not supported; write the value out in full", line,
		    col, (const char *)anchor);
		return false;
	}
	if (++y->nodes > NODES_MAX) {
		mkt_errf(err, errsz, "line %zu, column %zu: the YAML document "
		    "has more than %d nodes", line, col, NODES_MAX);
		return false;
	}

	if (ev->type != YAML_SCALAR_EVENT) {
		bool map = ev->type == YAML_MAPPING_START_EVENT;

		if (yaml_want_key(y)) {
			mkt_errf(err, errsz, "line %zu, column %zu: mapping keys "
			    "must be strings, not %s", line, col,
			    map ? "mappings" : "sequences");
			return false;
		}
		if (!tag_ok(tag, map ? YAML_MAP_TAG : YAML_SEQ_TAG)) {
			mkt_errf(err, errsz, "line %zu, column %zu: the YAML tag "
			    "%s is not supported", line, col,
			    (const char *)tag);
			return false;
		}
		if (y->depth == DEPTH_MAX) {
			mkt_errf(err, errsz, "line %zu, column %zu: the YAML "
			    "document is nested more than %d levels deep",
			    line, col, DEPTH_MAX);
			return false;
		}
		v = map ? json_object_new_object() : json_object_new_array();
		yaml_attach(y, v);
		f = &y->st[y->depth++];
		f->o = v;
		f->key = NULL;
		return true;
	}

	s = (const char *)ev->data.scalar.value;
	n = ev->data.scalar.length;
	if (n > INT_MAX || !mkt_utf8_valid(s, n)) {
		mkt_errf(err, errsz, "line %zu, column %zu: the scalar is not "
		    "valid UTF-8 text (or holds a NUL character)", line, col);
		return false;
	}
	if (!tag_ok(tag, YAML_STR_TAG)) {
		mkt_errf(err, errsz, "line %zu, column %zu: the YAML tag %s is "
		    "not supported", line, col, (const char *)tag);
		return false;
	}
	if (yaml_want_key(y)) {
		/* Any scalar names a key by its text: '200:' is "200". */
		f = &y->st[y->depth - 1];
		if (n == 0 && ev->data.scalar.style ==
		    YAML_PLAIN_SCALAR_STYLE) {
			mkt_errf(err, errsz, "line %zu, column %zu: a mapping "
			    "key is empty", line, col);
			return false;
		}
		if (json_object_object_get_ex(f->o, s, NULL)) {
			mkt_errf(err, errsz, "line %zu, column %zu: the key "
			    "\"%s\" appears twice in the same mapping", line,
			    col, s);
			return false;
		}
		f->key = mkt_xstrdup(s);
		return true;
	}
	if (tag != NULL || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		v = json_object_new_string_len(s, (int)n);
	else if (!resolve_plain(s, n, &v, &why)) {
		mkt_errf(err, errsz, "line %zu, column %zu: %s", line, col, why);
		return false;
	}
	yaml_attach(y, v);
	return true;
}

static struct json_object *
parse_yaml(const char *s, size_t n, char *err, size_t errsz)
{
	struct yaml_ctx	 y;
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	bool		 ok = true, done = false;
	int		 docs = 0, i;

	memset(&y, 0, sizeof(y));
	if (!yaml_parser_initialize(&p)) {
		mkt_errf(err, errsz, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)s, n);
	while (ok && !done) {
		if (!yaml_parser_parse(&p, &ev)) {
			mkt_errf(err, errsz, "line %zu, column %zu: invalid "
			    "YAML: %s%s%s", p.problem_mark.line + 1,
			    p.problem_mark.column + 1, p.problem != NULL ?
			    p.problem : "syntax error", p.context != NULL ?
			    " " : "", p.context != NULL ? p.context : "");
			ok = false;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		else if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			mkt_errf(err, errsz, "line %zu, column %zu: a contract "
			    "is one YAML document, this is a second one",
			    ev.start_mark.line + 1, ev.start_mark.column + 1);
			ok = false;
		} else
			ok = yaml_event(&y, &ev, err, errsz);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	for (i = 0; i < DEPTH_MAX; i++)
		free(y.st[i].key);
	if (ok && (!y.have_root || y.root == NULL)) {
		/* No document, or a null one: no contract either way. */
		mkt_errf(err, errsz, "the YAML document is empty (or null)");
		ok = false;
	}
	if (!ok) {
		json_object_put(y.root);
		return NULL;
	}
	return y.root;
}

/*
 * JSON when the text starts with '{' or '[' (after a byte order mark and
 * blanks), YAML otherwise.  The caller owns the object returned (put it
 * with json_object_put()); YAML's null document gives an error, since
 * NULL means failure here.
 */
struct json_object *
mkt_contract_parse(const char *text, size_t len, char *err, size_t errsz)
{
	size_t	 i = 0;

	mkt_errf(err, errsz, "%s", "");
	if (text == NULL || len == 0) {
		mkt_errf(err, errsz, "the document is empty");
		return NULL;
	}
	if (len > MKT_CONTRACT_MAX) {
		mkt_errf(err, errsz, "the document is larger than %u bytes",
		    MKT_CONTRACT_MAX);
		return NULL;
	}
	if (!mkt_utf8_valid(text, len)) {
		mkt_errf(err, errsz, "the document is not valid UTF-8 text");
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
	    text[i] == '\n' || text[i] == '\r'))
		i++;
	if (i == len) {
		mkt_errf(err, errsz, "the document is empty");
		return NULL;
	}
	if (text[i] == '{' || text[i] == '[')
		return parse_json(text + i, len - i, err, errsz);
	return parse_yaml(text, len, err, errsz);
}

/* ---- JSON Pointer ---- */

/*
 * The value at pointer p (RFC 6901) in doc; false when nothing is there.
 * *out may be NULL for a JSON null found.
 */
static bool
pointer_get(struct json_object *doc, const char *p, struct json_object **out)
{
	struct json_object	*cur = doc, *next;
	char			 small[128], *tok = small;
	size_t			 n, plen, idx;
	bool			 ok = false;

	*out = NULL;
	if (*p == '\0') {
		*out = doc;
		return true;
	}
	if (*p != '/')
		return false;
	if ((plen = strlen(p)) >= sizeof(small))
		tok = mkt_xmalloc(plen + 1);
	while (*p == '/') {
		for (p++, n = 0; *p != '\0' && *p != '/'; n++) {
			if (*p != '~')
				tok[n] = *p++;
			else if (p[1] == '0' || p[1] == '1') {
				tok[n] = p[1] == '0' ? '~' : '/';
				p += 2;
			} else
				goto out;
		}
		tok[n] = '\0';
		if (json_object_is_type(cur, json_type_object)) {
			if (!json_object_object_get_ex(cur, tok, &next))
				goto out;
		} else if (json_object_is_type(cur, json_type_array)) {
			/* "0" or digits without a leading zero, in range. */
			if (n == 0 || n > 19 || (tok[0] == '0' && n > 1) ||
			    !all_of(tok, tok + n, "0123456789"))
				goto out;
			idx = (size_t)strtoull(tok, NULL, 10);
			if (idx >= json_object_array_length(cur))
				goto out;
			next = json_object_array_get_idx(cur, idx);
		} else
			goto out;
		cur = next;
	}
	*out = cur;
	ok = true;
out:
	if (tok != small)
		free(tok);
	return ok;
}

struct json_object *
mkt_json_pointer(struct json_object *doc, const char *pointer)
{
	struct json_object	*v;

	if (pointer == NULL || !pointer_get(doc, pointer, &v))
		return NULL;
	return v;
}

/*
 * The JSON Pointer of a local reference "#/a/b" (its fragment without
 * '#', percent-decoded as RFC 6901 section 6 asks) in out; false for
 * anything else.
 */
static bool
ref_pointer(const char *ref, struct mkt_buf *out)
{
	size_t	 n;

	if (ref == NULL || ref[0] != '#' || (ref[1] != '/' && ref[1] != '\0'))
		return false;
	mkt_buf_reset(out);
	mkt_buf_puts(out, ref + 1);
	if (strchr(out->ptr, '%') == NULL)
		return true;
	n = out->len;
	if (mkt_url_decode(out->ptr, &n, false) != MKT_OK ||
	    strlen(out->ptr) != n)
		return false;
	out->len = n;
	return true;
}

/*
 * One level of $ref: the target of o when o is a Reference Object with a
 * local reference that resolves, else o itself.  When ptr is not NULL it
 * is set to the target's pointer.
 */
static struct json_object *
deref(struct json_object *doc, struct json_object *o, struct mkt_buf *ptr)
{
	struct json_object	*t;
	struct mkt_buf		 b;
	const char		*ref;

	if ((ref = str_member(o, "$ref")) == NULL)
		return o;
	mkt_buf_init(&b);
	if (!ref_pointer(ref, &b) || !pointer_get(doc, ptr_str(&b), &t) ||
	    t == NULL) {
		mkt_buf_free(&b);
		return o;
	}
	if (ptr != NULL) {
		mkt_buf_reset(ptr);
		mkt_buf_puts(ptr, ptr_str(&b));
	}
	mkt_buf_free(&b);
	return t;
}

/* ---- validation ---- */

/* A step of the path from the root: a member name, or an array index. */
struct seg {
	const char	*key;		/* NULL: index */
	size_t		 idx;
};

struct vctx {
	struct json_object	*doc;
	struct json_object	*findings;
	size_t			 count;
	bool			 loopback;
	struct seg		 path[WALK_MAX];
	int			 depth;
	bool			 too_deep;	/* reported once */
	struct json_object	*opids;	/* operationId: its pointer */
	struct json_object	*anchors;	/* $anchor names */
	struct json_object	*named_refs;	/* [pointer, name] */
	struct mkt_buf		 b;		/* scratch */
};

static bool
push_key(struct vctx *c, const char *key)
{
	if (c->depth == WALK_MAX)
		return false;
	c->path[c->depth].key = key;
	c->path[c->depth++].idx = 0;
	return true;
}

static bool
push_idx(struct vctx *c, size_t idx)
{
	if (c->depth == WALK_MAX)
		return false;
	c->path[c->depth].key = NULL;
	c->path[c->depth++].idx = idx;
	return true;
}

static void
pop(struct vctx *c)
{
	c->depth--;
}

/* The pointer of the current path, plus child when not NULL, in out. */
static void
cur_pointer(const struct vctx *c, const char *child, struct mkt_buf *out)
{
	char	 num[24];
	int	 i;

	mkt_buf_reset(out);
	mkt_buf_reserve(out, 1);
	out->ptr[0] = '\0';
	for (i = 0; i < c->depth; i++) {
		if (c->path[i].key != NULL)
			ptr_add(out, c->path[i].key);
		else {
			snprintf(num, sizeof(num), "%zu", c->path[i].idx);
			ptr_add(out, num);
		}
	}
	if (child != NULL)
		ptr_add(out, child);
}

static void
finding(struct vctx *c, const char *child, const char *fmt, ...)
    MKT_PRINTF(3, 4);

/* A finding at the current path (or its member child). */
static void
finding(struct vctx *c, const char *child, const char *fmt, ...)
{
	struct mkt_buf	 msg;
	va_list		 ap;

	c->count++;
	if (c->findings == NULL)
		return;
	mkt_buf_init(&msg);
	va_start(ap, fmt);
	mkt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	cur_pointer(c, child, &c->b);
	add_finding(c->findings, ptr_str(&c->b), ptr_str(&msg));
	mkt_buf_free(&msg);
}

static void
too_deep(struct vctx *c)
{
	if (c->too_deep)
		return;
	c->too_deep = true;
	finding(c, NULL, "the document is nested more than %d levels deep "
	    "here; the checks stop at this depth", WALK_MAX);
}

/* A $ref value at the current path ("$ref" pushed). */
static void
check_ref(struct vctx *c, const char *ref)
{
	struct json_object	*t, *pair;

	if (ref[0] != '#') {
		finding(c, NULL, "the reference \"%s\" points outside this "
		    "document; only local references are supported "
		    "(\"#/components/...\")", ref);
		return;
	}
	if (ref[1] != '/' && ref[1] != '\0') {
		/* A plain name ($anchor): checked once all are known. */
		cur_pointer(c, NULL, &c->b);
		pair = json_object_new_array();
		json_object_array_add(pair,
		    json_object_new_string(ptr_str(&c->b)));
		json_object_array_add(pair, json_object_new_string(ref + 1));
		json_object_array_add(c->named_refs, pair);
		return;
	}
	if (!ref_pointer(ref, &c->b)) {
		finding(c, NULL, "the reference \"%s\" is not a valid JSON "
		    "Pointer fragment (bad percent-encoding)", ref);
		return;
	}
	if (!pointer_get(c->doc, ptr_str(&c->b), &t))
		finding(c, NULL, "the reference \"%s\" does not resolve: "
		    "nothing in this document is at %s", ref, ptr_str(&c->b));
}

/* How the walk reads the members of an object. */
enum wmode {
	W_OBJ,		/* an OpenAPI or Schema Object */
	W_NAMES,	/* a map of names to such objects */
	W_EXAMPLES,	/* a map of names to Example Objects */
	W_EXAMPLE	/* an Example Object: its value is data */
};

/* Members whose values are maps of user-chosen names. */
static const char *const names_keys[] = {
	"properties", "patternProperties", "$defs", "dependentSchemas",
	"paths", "webhooks", "callbacks", "schemas", "responses",
	"parameters", "requestBodies", "headers", "securitySchemes", "links",
	"pathItems", "content", "encoding", "variables"
};

/* Members whose values are literal data, never references. */
static const char *const data_keys[] = {
	"example", "default", "const", "enum"
};

/* Finds every $ref (and $anchor) outside literal data. */
static void
walk_refs(struct vctx *c, struct json_object *o, enum wmode m)
{
	enum json_type	 t;
	enum wmode	 cm;
	size_t		 i, n;

	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (!push_idx(c, i)) {
				too_deep(c);
				return;
			}
			walk_refs(c, json_object_array_get_idx(o, i), W_OBJ);
			pop(c);
		}
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, v) {
		t = json_object_get_type(v);
		if (m == W_NAMES || m == W_EXAMPLES)
			cm = m == W_NAMES ? W_OBJ : W_EXAMPLE;
		else if (k[0] == '$') {
			if (t != json_type_string)
				cm = strcmp(k, "$defs") == 0 ? W_NAMES : W_OBJ;
			else if (strcmp(k, "$ref") == 0) {
				if (!push_key(c, k)) {
					too_deep(c);
					return;
				}
				check_ref(c, json_object_get_string(v));
				pop(c);
				continue;
			} else if (strcmp(k, "$anchor") == 0 ||
			    strcmp(k, "$dynamicAnchor") == 0) {
				json_object_object_add(c->anchors,
				    json_object_get_string(v), NULL);
				continue;
			}
		} else if (t != json_type_object && t != json_type_array)
			continue;
		else if (IN_SET(k, data_keys) || (k[0] == 'x' && k[1] == '-') ||
		    (m == W_EXAMPLE && strcmp(k, "value") == 0))
			continue;
		else if (strcmp(k, "examples") == 0) {
			if (t != json_type_object)
				continue;	/* a schema's: data */
			cm = W_EXAMPLES;
		} else
			cm = IN_SET(k, names_keys) ? W_NAMES : W_OBJ;
		if (t != json_type_object && t != json_type_array)
			continue;
		if (!push_key(c, k)) {
			too_deep(c);
			return;
		}
		walk_refs(c, v, cm);
		pop(c);
	}
}

/* Subschemas of a JSON Schema 2020-12 schema, by how they are held. */
static const char *const sub_one[] = {
	"items", "additionalProperties", "not", "if", "then", "else",
	"contains", "propertyNames", "unevaluatedItems",
	"unevaluatedProperties", "contentSchema"
};
static const char *const sub_map[] = {
	"properties", "patternProperties", "$defs", "dependentSchemas"
};
static const char *const sub_list[] = {
	"allOf", "anyOf", "oneOf", "prefixItems"
};

/* A schema at the current path: an object or a boolean, and so on
 * for the subschemas it holds. */
static void
check_schema(struct vctx *c, struct json_object *s)
{
	size_t	 j, n;

	if (json_object_is_type(s, json_type_boolean))
		return;
	if (!is_object(s)) {
		finding(c, NULL, "a schema must be a JSON object or a boolean "
		    "(OpenAPI 3.1), not %s", type_name(s));
		return;
	}
	if (c->depth + 2 >= WALK_MAX) {
		too_deep(c);
		return;
	}
	/* One pass over the members: schemas have few, keywords are many. */
	json_object_object_foreach(s, k, v) {
		if (IN_SET(k, sub_one)) {
			push_key(c, k);
			check_schema(c, v);
			pop(c);
		} else if (IN_SET(k, sub_map)) {
			push_key(c, k);
			if (!is_object(v))
				finding(c, NULL, "%s must be an object that "
				    "maps names to schemas, not %s", k,
				    type_name(v));
			else {
				json_object_object_foreach(v, name, sv) {
					push_key(c, name);
					check_schema(c, sv);
					pop(c);
				}
			}
			pop(c);
		} else if (IN_SET(k, sub_list)) {
			push_key(c, k);
			if (!json_object_is_type(v, json_type_array) ||
			    (n = json_object_array_length(v)) == 0)
				finding(c, NULL, "%s must be a non-empty array "
				    "of schemas, not %s", k, type_name(v));
			else
				for (j = 0; j < n; j++) {
					push_idx(c, j);
					check_schema(c,
					    json_object_array_get_idx(v, j));
					pop(c);
				}
			pop(c);
		}
	}
}

/* The schemas of a content map (Media Type Objects) at the current path. */
static void
check_content(struct vctx *c, struct json_object *content)
{
	struct json_object	*s;

	if (!is_object(content))
		return;
	json_object_object_foreach(content, type, mt) {
		if (!json_object_object_get_ex(mt, "schema", &s))
			continue;
		push_key(c, type);
		push_key(c, "schema");
		check_schema(c, s);
		pop(c);
		pop(c);
	}
}

static void
check_child_content(struct vctx *c, struct json_object *o)
{
	struct json_object	*content;

	if ((content = member(o, "content")) == NULL)
		return;
	push_key(c, "content");
	check_content(c, content);
	pop(c);
}

static void
check_parameter(struct vctx *c, struct json_object *p)
{
	struct json_object	*s;

	if (!is_object(p)) {
		finding(c, NULL, "a parameter must be an object, not %s",
		    type_name(p));
		return;
	}
	if (json_object_object_get_ex(p, "schema", &s)) {
		push_key(c, "schema");
		check_schema(c, s);
		pop(c);
	}
	check_child_content(c, p);
}

/* The member "parameters" of o, when present. */
static void
check_parameters(struct vctx *c, struct json_object *o)
{
	struct json_object	*a;
	size_t			 i, n;

	if (!json_object_object_get_ex(o, "parameters", &a))
		return;
	push_key(c, "parameters");
	if (!json_object_is_type(a, json_type_array))
		finding(c, NULL, "parameters must be an array, not %s",
		    type_name(a));
	else {
		n = json_object_array_length(a);
		for (i = 0; i < n; i++) {
			push_idx(c, i);
			check_parameter(c, json_object_array_get_idx(a, i));
			pop(c);
		}
	}
	pop(c);
}

static bool
is_loopback(const char *host, size_t n)
{
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n == 9 && memcmp(host, "127.0.0.1", 9) == 0) ||
	    (n == 5 && memcmp(host, "[::1]", 5) == 0);
}

/* A server URL at the current path (its "url" member). */
static void
check_url(struct vctx *c, const char *url, struct json_object *vars)
{
	const char	*p, *q, *auth, *host_end;
	bool		 http;
	size_t		 n;

	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			finding(c, NULL, "the server URL \"%s\" contains a "
			    "space or a control character", url);
			return;
		}
	for (p = url; (p = strchr(p, '{')) != NULL; p = q + 1) {
		if ((q = strchr(p, '}')) == NULL) {
			finding(c, NULL, "the server URL \"%s\" has a '{' "
			    "without its '}'", url);
			return;
		}
		mkt_buf_reset(&c->b);
		mkt_buf_append(&c->b, p + 1, (size_t)(q - p - 1));
		if (member(vars, ptr_str(&c->b)) == NULL) {
			finding(c, NULL, "the server URL \"%s\" uses the "
			    "variable {%s}, which is not declared in this "
			    "server's variables", url, ptr_str(&c->b));
			return;
		}
	}
	if (strncasecmp(url, "https://", 8) == 0) {
		auth = url + 8;
		http = false;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		auth = url + 7;
		http = true;
	} else {
		if ((p = strstr(url, "://")) != NULL &&
		    strcspn(url, "/?#") > (size_t)(p - url))
			finding(c, NULL, "the server URL \"%s\" uses the "
			    "scheme %.*s; server URLs must be absolute "
			    "https:// URLs", url, (int)(p - url), url);
		else
			finding(c, NULL, "the server URL \"%s\" is relative; "
			    "server URLs must be absolute https:// URLs",
			    url);
		return;
	}
	n = strcspn(auth, "/?#");
	if (n == 0) {
		finding(c, NULL, "the server URL \"%s\" has no host", url);
		return;
	}
	if (memchr(auth, '@', n) != NULL) {
		finding(c, NULL, "the server URL \"%s\" contains user "
		    "credentials; leave them out of the contract", url);
		return;
	}
	if (!http)
		return;
	/* The host without its port, if the port is all digits. */
	host_end = auth + n;
	for (p = host_end; p > auth && p[-1] >= '0' && p[-1] <= '9'; p--)
		continue;
	if (p > auth && p[-1] == ':' && p < host_end)
		host_end = p - 1;
	if (!c->loopback)
		finding(c, NULL, "the server URL \"%s\" uses http://; server "
		    "URLs must use https:// (http:// is accepted only for "
		    "127.0.0.1, [::1] and localhost in development mode)",
		    url);
	else if (!is_loopback(auth, (size_t)(host_end - auth)))
		finding(c, NULL, "the server URL \"%s\" uses http:// with "
		    "the host %.*s; http:// is accepted only for 127.0.0.1, "
		    "[::1] and localhost", url, (int)(host_end - auth), auth);
}

/* The member "servers" of o, when present. */
static void
check_servers(struct vctx *c, struct json_object *o)
{
	struct json_object	*a, *s, *url;
	size_t			 i, n;

	if (!json_object_object_get_ex(o, "servers", &a))
		return;
	push_key(c, "servers");
	if (!json_object_is_type(a, json_type_array)) {
		finding(c, NULL, "servers must be an array, not %s",
		    type_name(a));
		pop(c);
		return;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(a, i);
		push_idx(c, i);
		if (!is_object(s))
			finding(c, NULL, "a server must be an object, not %s",
			    type_name(s));
		else if (!json_object_object_get_ex(s, "url", &url) ||
		    !json_object_is_type(url, json_type_string))
			finding(c, "url", "a server needs a url string");
		else {
			push_key(c, "url");
			check_url(c, json_object_get_string(url),
			    member(s, "variables"));
			pop(c);
		}
		pop(c);
	}
	pop(c);
}

static void
check_operation(struct vctx *c, struct json_object *op, bool count_ids)
{
	struct json_object	*v, *first;

	if (!is_object(op)) {
		finding(c, NULL, "an operation must be an object, not %s",
		    type_name(op));
		return;
	}
	if (json_object_object_get_ex(op, "operationId", &v)) {
		if (!json_object_is_type(v, json_type_string))
			finding(c, "operationId", "operationId must be a "
			    "string, not %s", type_name(v));
		else if (count_ids && json_object_object_get_ex(c->opids,
		    json_object_get_string(v), &first))
			finding(c, "operationId", "operationId \"%s\" is "
			    "already used by the operation at %s; "
			    "operationIds must be unique",
			    json_object_get_string(v),
			    json_object_get_string(first));
		else if (count_ids) {
			cur_pointer(c, NULL, &c->b);
			json_object_object_add(c->opids,
			    json_object_get_string(v),
			    json_object_new_string(ptr_str(&c->b)));
		}
	}
	check_parameters(c, op);
	check_servers(c, op);
	if ((v = member(op, "requestBody")) != NULL) {
		push_key(c, "requestBody");
		check_child_content(c, v);
		pop(c);
	}
	if (json_object_object_get_ex(op, "responses", &v)) {
		push_key(c, "responses");
		if (!is_object(v))
			finding(c, NULL, "responses must be an object that "
			    "maps status codes to responses, not %s",
			    type_name(v));
		else {
			json_object_object_foreach(v, code, r) {
				if (strncmp(code, "x-", 2) == 0)
					continue;
				push_key(c, code);
				check_child_content(c, r);
				pop(c);
			}
		}
		pop(c);
	}
}

static void
check_path_item(struct vctx *c, struct json_object *item, bool count_ids)
{
	if (!is_object(item)) {
		finding(c, NULL, "a path item must be an object, not %s",
		    type_name(item));
		return;
	}
	check_servers(c, item);
	check_parameters(c, item);
	json_object_object_foreach(item, k, op) {
		if (method_index(k) < 0)
			continue;
		push_key(c, k);
		check_operation(c, op, count_ids);
		pop(c);
	}
}

/* A map member of o (paths, webhooks, ...) whose values are checked by
 * fn, or a finding when it is no object. */
static void
check_map(struct vctx *c, struct json_object *o, const char *key,
    const char *what, void (*fn)(struct vctx *, const char *,
    struct json_object *))
{
	struct json_object	*m;

	if (!json_object_object_get_ex(o, key, &m))
		return;
	push_key(c, key);
	if (!is_object(m))
		finding(c, NULL, "%s must be an object that maps %s, not %s",
		    key, what, type_name(m));
	else {
		json_object_object_foreach(m, k, v) {
			push_key(c, k);
			fn(c, k, v);
			pop(c);
		}
	}
	pop(c);
}

static void
each_path(struct vctx *c, const char *k, struct json_object *v)
{
	if (strncmp(k, "x-", 2) == 0)
		return;		/* an extension */
	if (k[0] != '/')
		finding(c, NULL, "the path \"%s\" must start with '/'", k);
	check_path_item(c, v, true);
}

static void
each_webhook(struct vctx *c, const char *k, struct json_object *v)
{
	(void)k;
	check_path_item(c, v, true);
}

static void
each_path_item(struct vctx *c, const char *k, struct json_object *v)
{
	(void)k;
	check_path_item(c, v, false);
}

static void
each_schema(struct vctx *c, const char *k, struct json_object *v)
{
	(void)k;
	check_schema(c, v);
}

static void
each_parameter(struct vctx *c, const char *k, struct json_object *v)
{
	(void)k;
	check_parameter(c, v);
}

static void
each_content_holder(struct vctx *c, const char *k, struct json_object *v)
{
	(void)k;
	check_child_content(c, v);
}

static bool
is_31(const char *v)
{
	if (strncmp(v, "3.1.", 4) != 0)
		return false;
	v += 4;
	return all_of(v, v + strlen(v), "0123456789");
}

static void
check_root(struct vctx *c)
{
	struct json_object	*doc = c->doc, *v, *info, *comp;

	if (!json_object_object_get_ex(doc, "openapi", &v))
		finding(c, "openapi", "the document has no openapi member; "
		    "an OpenAPI 3.1 document starts with \"openapi\": "
		    "\"3.1.0\"");
	else if (!json_object_is_type(v, json_type_string))
		finding(c, "openapi", "openapi must be a version string such "
		    "as \"3.1.0\", not %s", type_name(v));
	else if (!is_31(json_object_get_string(v)))
		finding(c, "openapi", "the document is OpenAPI \"%s\"; only "
		    "OpenAPI 3.1 documents (\"3.1.x\") are supported",
		    json_object_get_string(v));

	if (!json_object_object_get_ex(doc, "info", &info))
		finding(c, "info", "the document has no info object (with "
		    "title and version)");
	else if (!is_object(info))
		finding(c, "info", "info must be an object with title and "
		    "version, not %s", type_name(info));
	else {
		push_key(c, "info");
		if (!json_object_is_type(member(info, "title"),
		    json_type_string))
			finding(c, "title", "info.title must be a string: the "
			    "name of the API");
		if (!json_object_is_type(member(info, "version"),
		    json_type_string))
			finding(c, "version", "info.version must be a string: "
			    "the version of the document");
		pop(c);
	}

	if (member(doc, "paths") == NULL && member(doc, "webhooks") == NULL)
		finding(c, "paths", "the document has neither paths nor "
		    "webhooks: it describes no operation");
	check_map(c, doc, "paths", "paths to path items", each_path);
	check_map(c, doc, "webhooks", "names to path items", each_webhook);
	check_servers(c, doc);

	if (!json_object_object_get_ex(doc, "components", &comp))
		return;
	if (!is_object(comp)) {
		finding(c, "components", "components must be an object, not "
		    "%s", type_name(comp));
		return;
	}
	push_key(c, "components");
	check_map(c, comp, "schemas", "names to schemas", each_schema);
	check_map(c, comp, "parameters", "names to parameters",
	    each_parameter);
	check_map(c, comp, "requestBodies", "names to request bodies",
	    each_content_holder);
	check_map(c, comp, "responses", "names to responses",
	    each_content_holder);
	check_map(c, comp, "pathItems", "names to path items",
	    each_path_item);
	pop(c);
}

/*
 * Structure first, then every $ref.  References are only looked up,
 * never followed, so cycles cost nothing and the walk is linear in the
 * size of the document.
 */
size_t
mkt_openapi_validate(struct json_object *doc, bool allow_http_loopback,
    struct json_object *findings)
{
	struct vctx		 c;
	struct json_object	*pair;
	const char		*name;
	size_t			 i, n;

	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.findings = findings;
	c.loopback = allow_http_loopback;
	mkt_buf_init(&c.b);
	if (!is_object(doc)) {
		finding(&c, NULL, "the document must be a JSON object (an "
		    "OpenAPI document), not %s", type_name(doc));
		mkt_buf_free(&c.b);
		return c.count;
	}
	c.opids = json_object_new_object();
	c.anchors = json_object_new_object();
	c.named_refs = json_object_new_array();

	check_root(&c);
	walk_refs(&c, doc, W_OBJ);

	n = json_object_array_length(c.named_refs);
	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(c.named_refs, i);
		name = json_object_get_string(json_object_array_get_idx(pair,
		    1));
		if (json_object_object_get_ex(c.anchors, name, NULL))
			continue;
		c.count++;
		mkt_buf_reset(&c.b);
		mkt_buf_printf(&c.b, "the reference \"#%s\" names no $anchor "
		    "of this document", name);
		add_finding(findings, json_object_get_string(
		    json_object_array_get_idx(pair, 0)), ptr_str(&c.b));
	}

	json_object_put(c.opids);
	json_object_put(c.anchors);
	json_object_put(c.named_refs);
	mkt_buf_free(&c.b);
	return c.count;
}

/* ---- breaking changes ---- */

struct bctx {
	struct json_object	*old, *newer;
	struct json_object	*changes;
	size_t			 count;
	const char		*path;		/* the path template */
	const char		*method;	/* upper case */
};

static void
change(struct bctx *c, const char *pointer, const char *fmt, ...)
    MKT_PRINTF(3, 4);

static void
change(struct bctx *c, const char *pointer, const char *fmt, ...)
{
	struct mkt_buf	 msg;
	va_list		 ap;

	c->count++;
	if (c->changes == NULL)
		return;
	mkt_buf_init(&msg);
	va_start(ap, fmt);
	mkt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	add_finding(c->changes, pointer, ptr_str(&msg));
	mkt_buf_free(&msg);
}

static bool
param_required(struct json_object *p)
{
	const char	*in = str_member(p, "in");

	return true_member(p, "required") ||
	    (in != NULL && strcmp(in, "path") == 0);
}

/*
 * The parameter name/in of an operation: its own list first, then the
 * path item's, which the operation's override.  NULL if none.
 */
static struct json_object *
find_param(struct json_object *doc, struct json_object *item,
    struct json_object *op, const char *name, const char *in)
{
	struct json_object	*lists[2], *p;
	const char		*pn, *pi;
	size_t			 i, j, n;

	lists[0] = member(op, "parameters");
	lists[1] = member(item, "parameters");
	for (i = 0; i < 2; i++) {
		if (!json_object_is_type(lists[i], json_type_array))
			continue;
		n = json_object_array_length(lists[i]);
		for (j = 0; j < n; j++) {
			p = deref(doc, json_object_array_get_idx(lists[i], j),
			    NULL);
			pn = str_member(p, "name");
			pi = str_member(p, "in");
			if (pn != NULL && pi != NULL && strcmp(pn, name) == 0 &&
			    strcmp(pi, in) == 0)
				return p;
		}
	}
	return NULL;
}

static void
diff_params(struct bctx *c, struct json_object *oitem, struct json_object *oop,
    struct json_object *nitem, struct json_object *nop, const char *nitem_ptr,
    const char *nop_ptr)
{
	struct json_object	*lists[2], *p, *eff, *old;
	const char		*name, *in, *base[2];
	struct mkt_buf		 b;
	size_t			 i, j, n;

	lists[0] = member(nop, "parameters");
	lists[1] = member(nitem, "parameters");
	base[0] = nop_ptr;
	base[1] = nitem_ptr;
	mkt_buf_init(&b);
	for (i = 0; i < 2; i++) {
		if (!json_object_is_type(lists[i], json_type_array))
			continue;
		n = json_object_array_length(lists[i]);
		for (j = 0; j < n; j++) {
			p = deref(c->newer, json_object_array_get_idx(lists[i],
			    j), NULL);
			if ((name = str_member(p, "name")) == NULL ||
			    (in = str_member(p, "in")) == NULL)
				continue;
			/* A path-level one the operation overrides. */
			eff = find_param(c->newer, nitem, nop, name, in);
			if (eff != p || !param_required(p))
				continue;
			mkt_buf_reset(&b);
			mkt_buf_printf(&b, "%s/parameters/%zu", base[i], j);
			old = find_param(c->old, oitem, oop, name, in);
			if (old == NULL)
				change(c, ptr_str(&b), "operation %s %s has a "
				    "new required %s parameter \"%s\"",
				    c->method, c->path, in, name);
			else if (!param_required(old))
				change(c, ptr_str(&b), "the %s parameter "
				    "\"%s\" of operation %s %s became required",
				    in, name, c->method, c->path);
		}
	}
	mkt_buf_free(&b);
}

/*
 * Adds the names a schema requires (its own "required" and those of
 * its allOf members, one $ref deep each) to set as name -> pointer.
 */
static void
required_names(struct json_object *doc, struct json_object *schema,
    const char *ptr, struct json_object *set, int depth)
{
	struct json_object	*req, *all, *s, *name;
	struct mkt_buf		 b, sp;
	size_t			 i, n;

	mkt_buf_init(&b);
	mkt_buf_init(&sp);
	mkt_buf_puts(&sp, ptr);
	s = deref(doc, schema, &sp);
	if (json_object_is_type(req = member(s, "required"),
	    json_type_array)) {
		n = json_object_array_length(req);
		for (i = 0; i < n; i++) {
			name = json_object_array_get_idx(req, i);
			if (!json_object_is_type(name, json_type_string) ||
			    member(set, json_object_get_string(name)) != NULL)
				continue;
			mkt_buf_reset(&b);
			mkt_buf_printf(&b, "%s/required/%zu", ptr_str(&sp), i);
			json_object_object_add(set,
			    json_object_get_string(name),
			    json_object_new_string(ptr_str(&b)));
		}
	}
	if (depth < 2 && json_object_is_type(all = member(s, "allOf"),
	    json_type_array)) {
		n = json_object_array_length(all);
		for (i = 0; i < n; i++) {
			mkt_buf_reset(&b);
			mkt_buf_printf(&b, "%s/allOf/%zu", ptr_str(&sp), i);
			required_names(doc, json_object_array_get_idx(all, i),
			    ptr_str(&b), set, depth + 1);
		}
	}
	mkt_buf_free(&b);
	mkt_buf_free(&sp);
}

static void
diff_body(struct bctx *c, struct json_object *oop, struct json_object *nop,
    const char *nop_ptr)
{
	struct json_object	*orb, *nrb, *ocontent, *omt, *oset, *nset;
	struct mkt_buf		 p;
	size_t			 plen;

	mkt_buf_init(&p);
	mkt_buf_printf(&p, "%s/requestBody", nop_ptr);
	orb = deref(c->old, member(oop, "requestBody"), NULL);
	nrb = deref(c->newer, member(nop, "requestBody"), &p);
	if (nrb == NULL) {
		mkt_buf_free(&p);
		return;
	}
	plen = p.len;
	if (true_member(nrb, "required") && !true_member(orb, "required")) {
		ptr_add(&p, "required");
		change(c, ptr_str(&p), "the request body of operation %s %s "
		    "became required", c->method, c->path);
		ptr_set(&p, plen);
	}
	ocontent = member(orb, "content");
	if (orb != NULL && is_object(member(nrb, "content"))) {
		json_object_object_foreach(member(nrb, "content"), type, nmt) {
			if ((omt = member(ocontent, type)) == NULL)
				continue;
			oset = json_object_new_object();
			nset = json_object_new_object();
			required_names(c->old, member(omt, "schema"), "",
			    oset, 0);
			ptr_set(&p, plen);
			ptr_add(&p, "content");
			ptr_add(&p, type);
			ptr_add(&p, "schema");
			required_names(c->newer, member(nmt, "schema"),
			    ptr_str(&p), nset, 0);
			json_object_object_foreach(nset, name, where) {
				if (member(oset, name) != NULL)
					continue;
				change(c, json_object_get_string(where),
				    "property \"%s\" of the %s request body "
				    "of operation %s %s became required", name,
				    type, c->method, c->path);
			}
			json_object_put(oset);
			json_object_put(nset);
		}
	}
	mkt_buf_free(&p);
}

static bool
is_2xx(const char *code)
{
	return code[0] == '2' && strlen(code) == 3 &&
	    ((code[1] >= '0' && code[1] <= '9' && code[2] >= '0' &&
	    code[2] <= '9') || strcmp(code, "2XX") == 0 ||
	    strcmp(code, "2xx") == 0);
}

static void
diff_responses(struct bctx *c, struct json_object *oop,
    struct json_object *nop, const char *oop_ptr)
{
	struct json_object	*ores, *nresps, *nres, *ocontent, *ncontent;
	struct mkt_buf		 p;
	size_t			 plen;

	if (!is_object(member(oop, "responses")))
		return;
	nresps = member(nop, "responses");
	mkt_buf_init(&p);
	json_object_object_foreach(member(oop, "responses"), code, r) {
		if (!is_2xx(code))
			continue;
		mkt_buf_reset(&p);
		mkt_buf_puts(&p, oop_ptr);
		ptr_add(&p, "responses");
		ptr_add(&p, code);
		if ((nres = member(nresps, code)) == NULL) {
			change(c, ptr_str(&p), "response %s of operation %s "
			    "%s was removed", code, c->method, c->path);
			continue;
		}
		ores = deref(c->old, r, &p);
		nres = deref(c->newer, nres, NULL);
		if (!is_object(ocontent = member(ores, "content")))
			continue;
		ncontent = member(nres, "content");
		plen = p.len;
		json_object_object_foreach(ocontent, type, mt) {
			(void)mt;
			if (member(ncontent, type) != NULL)
				continue;
			ptr_set(&p, plen);
			ptr_add(&p, "content");
			ptr_add(&p, type);
			change(c, ptr_str(&p), "response %s of operation %s %s "
			    "no longer offers %s", code, c->method, c->path,
			    type);
		}
	}
	mkt_buf_free(&p);
}

size_t
mkt_openapi_breaking(struct json_object *old, struct json_object *newer,
    struct json_object *changes)
{
	struct bctx		 c;
	struct json_object	*npaths, *nitem, *nop;
	struct mkt_buf		 op_, np_, oi_, ni_;
	int			 m;

	memset(&c, 0, sizeof(c));
	c.old = old;
	c.newer = newer;
	c.changes = changes;
	if (!is_object(member(old, "paths")))
		return 0;
	npaths = member(newer, "paths");
	mkt_buf_init(&op_);
	mkt_buf_init(&np_);
	mkt_buf_init(&oi_);
	mkt_buf_init(&ni_);
	json_object_object_foreach(member(old, "paths"), path, oitem) {
		c.path = path;
		mkt_buf_reset(&oi_);
		mkt_buf_puts(&oi_, "/paths");
		ptr_add(&oi_, path);
		mkt_buf_reset(&ni_);
		mkt_buf_puts(&ni_, ptr_str(&oi_));
		if ((nitem = member(npaths, path)) == NULL) {
			change(&c, ptr_str(&oi_), "path %s was removed", path);
			continue;
		}
		oitem = deref(old, oitem, &oi_);
		nitem = deref(newer, nitem, &ni_);
		if (!is_object(oitem))
			continue;
		json_object_object_foreach(oitem, key, oop) {
			if ((m = method_index(key)) < 0 || !is_object(oop))
				continue;
			c.method = methods_uc[m];
			mkt_buf_reset(&op_);
			mkt_buf_puts(&op_, ptr_str(&oi_));
			ptr_add(&op_, key);
			if (!is_object(nop = member(nitem, key))) {
				change(&c, ptr_str(&op_), "operation %s %s was "
				    "removed", c.method, path);
				continue;
			}
			mkt_buf_reset(&np_);
			mkt_buf_puts(&np_, ptr_str(&ni_));
			ptr_add(&np_, key);
			diff_params(&c, oitem, oop, nitem, nop, ptr_str(&ni_),
			    ptr_str(&np_));
			diff_body(&c, oop, nop, ptr_str(&np_));
			diff_responses(&c, oop, nop, ptr_str(&op_));
		}
	}
	mkt_buf_free(&op_);
	mkt_buf_free(&np_);
	mkt_buf_free(&oi_);
	mkt_buf_free(&ni_);
	return c.count;
}

/* ---- operations and probes ---- */

static struct json_object *
string_or_null(struct json_object *o, const char *key)
{
	const char	*s = str_member(o, key);

	return s == NULL ? NULL : json_object_new_string(s);
}

/* A new array the caller owns (json_object_put()). */
struct json_object *
mkt_openapi_operations(struct json_object *doc)
{
	struct json_object	*ops = json_object_new_array(), *o, *item;
	int			 m;

	if (!is_object(member(doc, "paths")))
		return ops;
	json_object_object_foreach(member(doc, "paths"), path, pitem) {
		item = deref(doc, pitem, NULL);
		if (!is_object(item))
			continue;
		json_object_object_foreach(item, key, op) {
			if ((m = method_index(key)) < 0 || !is_object(op))
				continue;
			o = json_object_new_object();
			json_object_object_add(o, "method",
			    json_object_new_string(methods_uc[m]));
			json_object_object_add(o, "path",
			    json_object_new_string(path));
			json_object_object_add(o, "operation_id",
			    string_or_null(op, "operationId"));
			json_object_object_add(o, "summary",
			    string_or_null(op, "summary"));
			json_object_object_add(o, "deprecated",
			    json_object_new_boolean(true_member(op,
			    "deprecated")));
			json_object_array_add(ops, o);
		}
	}
	return ops;
}

/* The JSON example body of a POST, or NULL (see the header). */
static struct json_object *
body_example(struct json_object *doc, struct json_object *op)
{
	struct json_object	*rb, *mt, *v, *s;

	rb = deref(doc, member(op, "requestBody"), NULL);
	mt = deref(doc, member(member(rb, "content"), "application/json"),
	    NULL);
	if (!is_object(mt))
		return NULL;
	if ((v = member(mt, "example")) != NULL)
		return v;
	if (is_object(v = member(mt, "examples"))) {
		json_object_object_foreach(v, name, ex) {
			(void)name;
			ex = member(deref(doc, ex, NULL), "value");
			if (ex != NULL)
				return ex;
			break;
		}
	}
	s = deref(doc, member(mt, "schema"), NULL);
	if ((v = member(s, "example")) != NULL)
		return v;
	if (json_object_is_type(v = member(s, "examples"), json_type_array) &&
	    json_object_array_length(v) > 0)
		return json_object_array_get_idx(v, 0);
	return NULL;
}

/* The lowest 2xx status key, else "2XX", else "default"; NULL if none. */
static const char *
ok_status(struct json_object *op)
{
	struct json_object	*r = member(op, "responses");
	const char		*best = NULL, *range = NULL, *def = NULL;

	if (!is_object(r))
		return NULL;
	json_object_object_foreach(r, code, v) {
		(void)v;
		if (code[0] == '2' && code[1] >= '0' && code[1] <= '9' &&
		    code[2] >= '0' && code[2] <= '9' && code[3] == '\0') {
			if (best == NULL || strcmp(code, best) < 0)
				best = code;
		} else if (strcmp(code, "2XX") == 0 || strcmp(code, "2xx") == 0)
			range = code;
		else if (strcmp(code, "default") == 0)
			def = code;
	}
	return best != NULL ? best : range != NULL ? range : def;
}

static bool
has_required_params(struct json_object *doc, struct json_object *item,
    struct json_object *op)
{
	struct json_object	*lists[2];
	size_t			 i, j, n;

	lists[0] = member(op, "parameters");
	lists[1] = member(item, "parameters");
	for (i = 0; i < 2; i++) {
		if (!json_object_is_type(lists[i], json_type_array))
			continue;
		n = json_object_array_length(lists[i]);
		for (j = 0; j < n; j++)
			if (param_required(deref(doc,
			    json_object_array_get_idx(lists[i], j), NULL)))
				return true;
	}
	return false;
}

/*
 * The operation's pointer has '/' escaped, so it cannot point into the
 * document; it lives here, valid until the thread's next probe.  (Userdata
 * on the document would last longer but makes json_object_deep_copy()
 * of it fail.)
 */
#define PROBE_POINTER_MAX	1024
static _Thread_local char	 probe_pointer[PROBE_POINTER_MAX];

/* False when the pointer does not fit (a path of absurd length). */
static bool
op_pointer(const char *path, const char *method)
{
	struct mkt_buf	 b;
	bool		 ok;

	mkt_buf_init(&b);
	mkt_buf_puts(&b, "/paths");
	ptr_add(&b, path);
	ptr_add(&b, method);
	if ((ok = b.len < sizeof(probe_pointer)))
		memcpy(probe_pointer, b.ptr, b.len + 1);
	mkt_buf_free(&b);
	return ok;
}

static void
probe_fill(struct json_object *doc, struct mkt_openapi_probe *pr,
    struct json_object *op, const char *path, int m, const char *status,
    struct json_object *body)
{
	struct json_object	*res, *mt;

	res = deref(doc, member(member(op, "responses"), status), NULL);
	mt = deref(doc, member(member(res, "content"), "application/json"),
	    NULL);
	pr->method = methods_uc[m];
	pr->path = path;
	pr->body = body;
	pr->status = status;
	pr->schema = member(mt, "schema");
	pr->pointer = probe_pointer;
}

/*
 * A POST with a JSON example body first, else a GET; both without path
 * templates or required parameters, and with a success response to
 * expect.  All but pointer point into doc; pointer is valid until the
 * calling thread probes again.
 */
bool
mkt_openapi_probe(struct json_object *doc, struct mkt_openapi_probe *pr)
{
	struct json_object	*paths, *item, *op, *body;
	const char		*status;
	int			 pass, m;

	memset(pr, 0, sizeof(*pr));
	if (!is_object(paths = member(doc, "paths")))
		return false;
	for (pass = 0; pass < 2; pass++) {
		m = pass == 0 ? 2 : 0;		/* post, then get */
		json_object_object_foreach(paths, path, pitem) {
			if (strchr(path, '{') != NULL)
				continue;
			item = deref(doc, pitem, NULL);
			if (!is_object(op = member(item, methods[m])) ||
			    has_required_params(doc, item, op) ||
			    (status = ok_status(op)) == NULL)
				continue;
			body = NULL;
			if (pass == 0 && (body = body_example(doc, op)) == NULL)
				continue;
			if (!op_pointer(path, methods[m]))
				continue;
			probe_fill(doc, pr, op, path, m, status, body);
			return true;
		}
	}
	return false;
}
