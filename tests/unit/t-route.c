/* t-route.c: route matching, methods and declared parameters (route.c) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "extern.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
h_dummy(struct mkt_req *r)
{
	(void)r;
	return 200;
}

#define R(m, pat)	{ m, pat, MKT_FMT_BOTH, MKT_ROLE_ANON, h_dummy, NULL, \
			  NULL, NULL }

static const struct mkt_route routes[] = {
	R(MKT_GET, "/"),				/* 0 */
	R(MKT_GET, "/services"),			/* 1 */
	R(MKT_POST, "/services"),			/* 2 */
	R(MKT_GET, "/services/{id}"),			/* 3 */
	R(MKT_DELETE, "/services/{id}"),		/* 4 */
	R(MKT_GET, "/services/{id}/versions/{v}"),	/* 5 */
	R(MKT_PUT, "/providers/{p}"),			/* 6 */
	R(MKT_GET, "/services/new"),			/* 7: shadowed by 3 */
	R(MKT_GET, NULL)
};

struct found {
	enum mkt_match		 m;
	const struct mkt_route	*rt;
	const char		*args[MKT_MAX_ROUTE_ARGS];
	char			 allow[128];
};

/* Splits "/a/b" like the request parser and looks the route up. */
static struct found
find_in(const struct mkt_route *table, enum mkt_method method,
    const char *path)
{
	static char	 buf[256];
	const char	*segs[MKT_MAX_SEGS];
	size_t		 nsegs = 0;
	char		*p, *slash;
	struct mkt_buf	 allow;
	struct found	 f;

	memset(&f, 0, sizeof(f));
	snprintf(buf, sizeof(buf), "%s", path + 1);
	for (p = buf; path[1] != '\0' && nsegs < MKT_MAX_SEGS; p = slash + 1) {
		segs[nsegs++] = p;
		if ((slash = strchr(p, '/')) == NULL)
			break;
		*slash = '\0';
	}
	mkt_buf_init(&allow);
	f.m = mkt_route_find(table, method, segs, nsegs, &f.rt, f.args,
	    &allow);
	snprintf(f.allow, sizeof(f.allow), "%s", allow.ptr ? allow.ptr : "");
	mkt_buf_free(&allow);
	return f;
}

static struct found
find(enum mkt_method method, const char *path)
{
	return find_in(routes, method, path);
}

/* ---- mkt_route_find ---- */

static void
test_route_exact_match(void)
{
	struct found	 f = find(MKT_GET, "/services");

	CU_ASSERT_EQUAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[1]);
	f = find(MKT_POST, "/services");
	CU_ASSERT_EQUAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[2]);
}

static void
test_route_root_matches_no_segments(void)
{
	struct found	 f = find(MKT_GET, "/");

	CU_ASSERT_EQUAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[0]);
}

static void
test_route_captures_param(void)
{
	struct found	 f = find(MKT_GET, "/services/gpt-4o");

	CU_ASSERT_EQUAL_FATAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[3]);
	CU_ASSERT_STRING_EQUAL(f.args[0], "gpt-4o");
}

static void
test_route_captures_two_params(void)
{
	struct found	 f = find(MKT_GET, "/services/gpt-4o/versions/2024");

	CU_ASSERT_EQUAL_FATAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[5]);
	CU_ASSERT_STRING_EQUAL(f.args[0], "gpt-4o");
	CU_ASSERT_STRING_EQUAL(f.args[1], "2024");
}

static void
test_route_first_declared_wins(void)
{
	struct found	 f = find(MKT_GET, "/services/new");

	CU_ASSERT_PTR_EQUAL(f.rt, &routes[3]);
	CU_ASSERT_STRING_EQUAL(f.args[0], "new");
}

static const char *const no_route[] = {
	"/nothing", "/Services", "/servicesx", "/service", "/services/x/extra",
	"/services/x/versions", "/providers", "/x/services",
	"/services/x/versions/1/more",
};

static void
test_route_none_for_unknown_paths(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(no_route); i++) {
		struct found f = find(MKT_GET, no_route[i]);

		CU_ASSERT_EQUAL(f.m, MKT_MATCH_NONE);
		CU_ASSERT_STRING_EQUAL(f.allow, "");
	}
}

static void
test_route_param_rejects_empty_segment(void)
{
	/* "/services/" splits into "services" and "": the pattern's
	 * "{id}" takes "any one non-empty segment" (route.c). */
	struct found	 f = find(MKT_GET, "/services/");

	CU_ASSERT_EQUAL(f.m, MKT_MATCH_NONE);
}

static const struct {
	enum mkt_method	 method;
	const char	*path;
	const char	*allow;
} not_allowed[] = {
	{ MKT_PUT, "/services", "GET, HEAD, POST, OPTIONS" },
	{ MKT_DELETE, "/services", "GET, HEAD, POST, OPTIONS" },
	{ MKT_OPTIONS, "/services", "GET, HEAD, POST, OPTIONS" },
	{ MKT_PATCH, "/services/x", "GET, HEAD, DELETE, OPTIONS" },
	{ MKT_POST, "/services/x/versions/1", "GET, HEAD, OPTIONS" },
	{ MKT_GET, "/providers/p", "PUT, OPTIONS" },
	{ MKT_HEAD, "/providers/p", "PUT, OPTIONS" },
	{ MKT_POST, "/", "GET, HEAD, OPTIONS" },
	{ MKT_METHOD__MAX, "/services", "GET, HEAD, POST, OPTIONS" },
};

static void
test_route_method_not_allowed_builds_allow(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(not_allowed); i++) {
		struct found f = find(not_allowed[i].method,
		    not_allowed[i].path);

		CU_ASSERT_EQUAL(f.m, MKT_MATCH_METHOD);
		CU_ASSERT_STRING_EQUAL(f.allow, not_allowed[i].allow);
	}
}

static void
test_route_head_matched_by_get(void)
{
	struct found	 f = find(MKT_HEAD, "/services");

	CU_ASSERT_EQUAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[1]);
	f = find(MKT_HEAD, "/services/abc");
	CU_ASSERT_EQUAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &routes[3]);
	CU_ASSERT_STRING_EQUAL(f.args[0], "abc");
}

static void
test_route_unused_args_are_null(void)
{
	/* A route of another method captures two segments first; the
	 * matching route captures one.  Its second argument must not be
	 * left over from the other route. */
	static const struct mkt_route table[] = {
		R(MKT_POST, "/{a}/{b}"),
		R(MKT_GET, "/x/{b}"),
		R(MKT_GET, NULL)
	};
	struct found	 f;

	f = find_in(table, MKT_GET, "/x/y");
	CU_ASSERT_EQUAL_FATAL(f.m, MKT_MATCH_OK);
	CU_ASSERT_PTR_EQUAL(f.rt, &table[1]);
	CU_ASSERT_STRING_EQUAL(f.args[0], "y");
	CU_ASSERT_PTR_NULL(f.args[1]);
}

static void
test_route_empty_table(void)
{
	static const struct mkt_route table[] = { R(MKT_GET, NULL) };
	struct found	 f = find_in(table, MKT_GET, "/");

	CU_ASSERT_EQUAL(f.m, MKT_MATCH_NONE);
}

/* ---- methods ---- */

static void
test_method_parse_known(void)
{
	static const char *const names[MKT_METHOD__MAX] = {
		"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
	};
	int	 m;

	for (m = 0; m < MKT_METHOD__MAX; m++) {
		CU_ASSERT_EQUAL((int)mkt_method_parse(names[m]), m);
		CU_ASSERT_STRING_EQUAL(mkt_method_name((enum mkt_method)m),
		    names[m]);
	}
}

static void
test_method_parse_unknown(void)
{
	static const char *const bad[] = {
		"", "get", "Get", "GETX", "GE", "CONNECT", "TRACE", " GET",
		"GET ", "PROPFIND",
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		CU_ASSERT_EQUAL(mkt_method_parse(bad[i]), MKT_METHOD__MAX);
	CU_ASSERT_STRING_EQUAL(mkt_method_name(MKT_METHOD__MAX), "?");
}

/* ---- mkt_param_check ---- */

static const char *const sort_choices[] = { "name", "price", NULL };

static const struct mkt_param p_int = { "n", MKT_P_INT, -10, 100, NULL };
static const struct mkt_param p_int64 = { "big", MKT_P_INT, INT64_MIN,
    INT64_MAX, NULL };
static const struct mkt_param p_slug = { "s", MKT_P_SLUG, 0, 10, NULL };
static const struct mkt_param p_text = { "t", MKT_P_TEXT, 0, 10, NULL };
static const struct mkt_param p_enum = { "e", MKT_P_ENUM, 0, 0,
    sort_choices };

/* Runs the check on a C string; *reason is NULL when it passes. */
static bool
check(const struct mkt_param *p, const char *v, struct mkt_pval *out,
    const char **reason)
{
	memset(out, 0, sizeof(*out));
	*reason = NULL;
	return mkt_param_check(p, v, strlen(v), out, reason);
}

static const struct {
	const char	*v;
	int64_t		 i;
} int_ok[] = {
	{ "0", 0 }, { "42", 42 }, { "100", 100 }, { "-10", -10 },
	{ "007", 7 }, { "-0", 0 }, { "-1", -1 },
};

static void
test_param_int_accepts(void)
{
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;

	for (i = 0; i < NELEM(int_ok); i++) {
		CU_ASSERT_TRUE(check(&p_int, int_ok[i].v, &out, &reason));
		CU_ASSERT_TRUE(out.present);
		CU_ASSERT_EQUAL(out.i, int_ok[i].i);
		CU_ASSERT_PTR_NULL(reason);
	}
}

static const char *const int_not_number[] = {
	"", "-", "+1", " 1", "1 ", "1e3", "0x10", "abc", "1.5", "1,000",
	"--1", "1-", "\xef\xbc\x91",		/* fullwidth digit one */
	"99999999999999999999",			/* 20 digits */
	"9999999999999999999",			/* 19 digits, overflows */
	"-9999999999999999999",
	"00000000000000000000001",
};

static void
test_param_int_rejects_non_numbers(void)
{
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;

	for (i = 0; i < NELEM(int_not_number); i++) {
		CU_ASSERT_FALSE(check(&p_int, int_not_number[i], &out,
		    &reason));
		CU_ASSERT_FALSE(out.present);
		CU_ASSERT_PTR_NOT_NULL_FATAL(reason);
		CU_ASSERT_STRING_EQUAL(reason, "must be a whole number");
	}
}

static void
test_param_int_rejects_out_of_range(void)
{
	static const char *const v[] = { "101", "-11", "1000", "-100000" };
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;

	for (i = 0; i < NELEM(v); i++) {
		CU_ASSERT_FALSE(check(&p_int, v[i], &out, &reason));
		CU_ASSERT_FALSE(out.present);
		CU_ASSERT_PTR_NOT_NULL_FATAL(reason);
		CU_ASSERT_STRING_EQUAL(reason, "is out of range");
	}
}

static void
test_param_int_full_range(void)
{
	struct mkt_pval	 out;
	const char	*reason;

	CU_ASSERT_TRUE(check(&p_int64, "9223372036854775807", &out, &reason));
	CU_ASSERT_EQUAL(out.i, INT64_MAX);
	CU_ASSERT_FALSE(check(&p_int64, "9223372036854775808", &out,
	    &reason));
	CU_ASSERT_TRUE(check(&p_int64, "-922337203685477580", &out, &reason));
	CU_ASSERT_EQUAL(out.i, -922337203685477580LL);
}

static void
test_param_slug(void)
{
	static const char *const ok[] = {
		"gpt-4o", "a", "abcdefghij", "v1.2_x",
	};
	static const char *const bad[] = {
		"", "abcdefghijk", "GPT", "-a", "a b", "a/b", "caf\xc3\xa9",
	};
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;

	for (i = 0; i < NELEM(ok); i++) {
		CU_ASSERT_TRUE(check(&p_slug, ok[i], &out, &reason));
		CU_ASSERT_TRUE(out.present);
		CU_ASSERT_PTR_EQUAL(out.s, ok[i]);
	}
	for (i = 0; i < NELEM(bad); i++) {
		CU_ASSERT_FALSE(check(&p_slug, bad[i], &out, &reason));
		CU_ASSERT_FALSE(out.present);
		CU_ASSERT_PTR_NOT_NULL(reason);
	}
}

static void
test_param_text(void)
{
	static const char *const ok[] = {
		"hello", "", "a\tb\r\nc", "caf\xc3\xa9", "1234567890",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",	/* 10 bytes */
	};
	static const struct {
		const char	*v;
		const char	*reason;
	} bad[] = {
		{ "12345678901", "is too long" },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		  "is too long" },		/* 6 characters, 12 bytes */
		{ "\x01", "contains control characters or invalid UTF-8" },
		{ "\x7f", "contains control characters or invalid UTF-8" },
		{ "\xc0\xaf", "contains control characters or invalid UTF-8" },
		{ "ok\xc3", "contains control characters or invalid UTF-8" },
	};
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;

	for (i = 0; i < NELEM(ok); i++) {
		CU_ASSERT_TRUE(check(&p_text, ok[i], &out, &reason));
		CU_ASSERT_PTR_EQUAL(out.s, ok[i]);
	}
	for (i = 0; i < NELEM(bad); i++) {
		CU_ASSERT_FALSE(check(&p_text, bad[i].v, &out, &reason));
		CU_ASSERT_PTR_NOT_NULL_FATAL(reason);
		CU_ASSERT_STRING_EQUAL(reason, bad[i].reason);
	}
}

static void
test_param_text_uses_given_length(void)
{
	struct mkt_pval	 out;
	const char	*reason = NULL;

	/* A NUL inside the value (from %00) counts and is refused. */
	memset(&out, 0, sizeof(out));
	CU_ASSERT_FALSE(mkt_param_check(&p_text, "a\0b", 3, &out, &reason));
}

static void
test_param_enum(void)
{
	static const char *const bad[] = {
		"", "Name", "pric", "prices", "name ", "price\n",
	};
	struct mkt_pval	 out;
	const char	*reason;
	size_t		 i;
	char		 copy[] = "price";

	CU_ASSERT_TRUE(check(&p_enum, "name", &out, &reason));
	CU_ASSERT_PTR_EQUAL(out.s, sort_choices[0]);
	/* The value handed on is the declaration's own string. */
	CU_ASSERT_TRUE(check(&p_enum, copy, &out, &reason));
	CU_ASSERT_PTR_EQUAL(out.s, sort_choices[1]);
	for (i = 0; i < NELEM(bad); i++) {
		CU_ASSERT_FALSE(check(&p_enum, bad[i], &out, &reason));
		CU_ASSERT_FALSE(out.present);
		CU_ASSERT_PTR_NOT_NULL_FATAL(reason);
		CU_ASSERT_STRING_EQUAL(reason,
		    "is not one of the allowed values");
	}
}

/* mkt_arg_one_of: only a listed value, and the list's own string. */
static void
test_arg_one_of(void)
{
	static const char *const choices[] = { "saved", "revoked", NULL };
	struct mkt_kv	 args[] = {
		{ "page", "2", 1 },
		{ "notice", "revoked", 7 },
	};
	struct mkt_kv	 bad[] = { { "notice", "<script>", 8 } };
	struct mkt_req	 r;

	memset(&r, 0, sizeof(r));
	r.args = args;
	r.nargs = 2;
	CU_ASSERT_PTR_EQUAL(mkt_arg_one_of(&r, "notice", choices), choices[1]);
	CU_ASSERT_PTR_NULL(mkt_arg_one_of(&r, "page", choices));
	CU_ASSERT_PTR_NULL(mkt_arg_one_of(&r, "missing", choices));
	r.args = bad;
	r.nargs = 1;
	CU_ASSERT_PTR_NULL(mkt_arg_one_of(&r, "notice", choices));
	r.nargs = 0;
	CU_ASSERT_PTR_NULL(mkt_arg_one_of(&r, "notice", choices));
}

void
add_route_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("route", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_route_exact_match);
	CU_ADD_TEST(s, test_route_root_matches_no_segments);
	CU_ADD_TEST(s, test_route_captures_param);
	CU_ADD_TEST(s, test_route_captures_two_params);
	CU_ADD_TEST(s, test_route_first_declared_wins);
	CU_ADD_TEST(s, test_route_none_for_unknown_paths);
	CU_ADD_TEST(s, test_route_param_rejects_empty_segment);
	CU_ADD_TEST(s, test_route_method_not_allowed_builds_allow);
	CU_ADD_TEST(s, test_route_head_matched_by_get);
	CU_ADD_TEST(s, test_route_unused_args_are_null);
	CU_ADD_TEST(s, test_route_empty_table);
	CU_ADD_TEST(s, test_method_parse_known);
	CU_ADD_TEST(s, test_method_parse_unknown);

	if ((s = CU_add_suite("params", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_param_int_accepts);
	CU_ADD_TEST(s, test_param_int_rejects_non_numbers);
	CU_ADD_TEST(s, test_param_int_rejects_out_of_range);
	CU_ADD_TEST(s, test_param_int_full_range);
	CU_ADD_TEST(s, test_param_slug);
	CU_ADD_TEST(s, test_param_text);
	CU_ADD_TEST(s, test_param_text_uses_given_length);
	CU_ADD_TEST(s, test_param_enum);
	CU_ADD_TEST(s, test_arg_one_of);
}
