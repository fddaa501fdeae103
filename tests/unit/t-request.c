/* t-request.c: query/cookie parsing, negotiation and whole requests
 * (request.c), driven through a fake I/O layer without a database */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "extern.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct mkt_arena	*arena;

static int
request_init(void)
{
	arena = mkt_arena_new(0);
	return 0;
}

static int
request_clean(void)
{
	mkt_arena_free(arena);
	arena = NULL;
	return 0;
}

/* Parses a C string as a query string (or cookies when sep is ';'). */
static enum mkt_err
pairs(const char *s, char sep, bool plus, size_t max, struct mkt_kv **kv,
    size_t *n)
{
	mkt_arena_reset(arena);
	return mkt_parse_pairs(arena, s, strlen(s), sep, plus, max, kv, n);
}

/* ---- mkt_parse_pairs ---- */

static void
test_pairs_splits_on_ampersand(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("a=1&b=2", '&', true, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(kv[0].key, "a");
	CU_ASSERT_STRING_EQUAL(kv[0].val, "1");
	CU_ASSERT_EQUAL(kv[0].vlen, 1);
	CU_ASSERT_STRING_EQUAL(kv[1].key, "b");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "2");
}

static void
test_pairs_skips_empty_pairs(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("&a=1&&b=2&", '&', true, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(kv[0].key, "a");
	CU_ASSERT_STRING_EQUAL(kv[1].key, "b");
	CU_ASSERT_EQUAL(pairs("&&&", '&', true, 16, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(pairs("", '&', true, 16, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_pairs_key_without_equals_has_empty_value(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("a&b=&c==d", '&', true, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(kv[0].key, "a");
	CU_ASSERT_STRING_EQUAL(kv[0].val, "");
	CU_ASSERT_EQUAL(kv[0].vlen, 0);
	CU_ASSERT_STRING_EQUAL(kv[1].key, "b");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "");
	CU_ASSERT_STRING_EQUAL(kv[2].key, "c");
	CU_ASSERT_STRING_EQUAL(kv[2].val, "=d");
}

static void
test_pairs_rejects_empty_key(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL(pairs("=1", '&', true, 16, &kv, &n), MKT_EINVAL);
	CU_ASSERT_EQUAL(pairs("a=1&=2", '&', true, 16, &kv, &n), MKT_EINVAL);
}

static void
test_pairs_decodes_escapes_and_plus(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("q=hello+world&%61%3Db=%41%2b&e=caf%C3%A9",
	    '&', true, 16, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "hello world");
	CU_ASSERT_EQUAL(kv[0].vlen, 11);
	CU_ASSERT_STRING_EQUAL(kv[1].key, "a=b");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "A+");
	CU_ASSERT_STRING_EQUAL(kv[2].val, "caf\xc3\xa9");
	CU_ASSERT_EQUAL(kv[2].vlen, 5);
}

static void
test_pairs_keeps_plus_when_not_asked(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("q=a+b", '&', false, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "a+b");
}

static void
test_pairs_keeps_duplicates_in_order(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("a=1&a=2", '&', true, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "1");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "2");
}

static void
test_pairs_respects_length(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	mkt_arena_reset(arena);
	CU_ASSERT_EQUAL_FATAL(mkt_parse_pairs(arena, "a=1&b=2", 3, '&', true,
	    16, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "1");
}

static const char *const pairs_bad_escape[] = {
	"a=%zz", "a=%2", "a=%", "a%2=1", "%=1", "a=1&b=%g0", "a=%%41",
};

static void
test_pairs_rejects_bad_escape(void)
{
	struct mkt_kv	*kv;
	size_t		 i, n;

	for (i = 0; i < NELEM(pairs_bad_escape); i++) {
		CU_ASSERT_EQUAL(pairs(pairs_bad_escape[i], '&', true, 16, &kv,
		    &n), MKT_EINVAL);
		CU_ASSERT_EQUAL(n, 0);
	}
}

static const char *const pairs_bad_text[] = {
	"a=%C0%AF",		/* overlong '/' after decoding */
	"%C0%AF=1",		/* the same in a key */
	"a=%FF", "a=%ED%A0%80", "a=%C3",
	"a=%00", "a=x%00y", "%00=1",
	"a=%01", "a=%1B%5B31m", "a=%7F",
	"a=\x01", "a=\xc3",
};

static void
test_pairs_rejects_invalid_text(void)
{
	struct mkt_kv	*kv;
	size_t		 i, n;

	for (i = 0; i < NELEM(pairs_bad_text); i++)
		CU_ASSERT_EQUAL(pairs(pairs_bad_text[i], '&', true, 16, &kv,
		    &n), MKT_EUTF8);
}

static void
test_pairs_accepts_tab_and_line_breaks(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("t=a%09b%0D%0Ac", '&', true, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "a\tb\r\nc");
}

static void
test_pairs_rejects_too_many(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL(pairs("a=1&b=2&c=3", '&', true, 3, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(pairs("a=1&b=2&c=3&d=4", '&', true, 3, &kv, &n),
	    MKT_ETOOBIG);
	/* Empty pairs do not count, but a flood of separators does. */
	CU_ASSERT_EQUAL(pairs("a=1&&&&b=2", '&', true, 2, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL(pairs("&&&&&&&&&&&&&&&&&&&&", '&', true, 2, &kv, &n),
	    MKT_ETOOBIG);
}

static void
test_pairs_cookie_mode(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("  lang=de;session=abc;   theme=dark", ';',
	    false, 16, &kv, &n), MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(kv[0].key, "lang");
	CU_ASSERT_STRING_EQUAL(kv[0].val, "de");
	CU_ASSERT_STRING_EQUAL(kv[1].key, "session");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "abc");
	CU_ASSERT_STRING_EQUAL(kv[2].key, "theme");
	CU_ASSERT_STRING_EQUAL(kv[2].val, "dark");
}

static void
test_pairs_cookie_mode_does_not_decode(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("v=%41+b; w=%zz", ';', false, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(kv[0].val, "%41+b");
	CU_ASSERT_STRING_EQUAL(kv[1].val, "%zz");
}

static void
test_pairs_cookie_mode_skips_empty(void)
{
	struct mkt_kv	*kv;
	size_t		 n;

	CU_ASSERT_EQUAL_FATAL(pairs("a=1;; ;b=2; ", ';', false, 16, &kv, &n),
	    MKT_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(pairs("a=\x01", ';', false, 16, &kv, &n), MKT_EUTF8);
}

/* ---- mkt_negotiate_fmt ---- */

static const struct {
	const char	*accept;
	enum mkt_fmt	 fmt;
} negotiations[] = {
	{ NULL, MKT_FMT_HTML },
	{ "", MKT_FMT_HTML },
	{ "application/json", MKT_FMT_JSON },
	{ "APPLICATION/JSON", MKT_FMT_JSON },
	{ "application/json; charset=utf-8", MKT_FMT_JSON },
	{ "text/html,application/xhtml+xml,*/*;q=0.8", MKT_FMT_HTML },
	{ "text/html,application/xhtml+xml,application/xml;q=0.9,"
	  "image/avif,image/webp,*/*;q=0.8", MKT_FMT_HTML },
	{ "application/json;q=0.5, text/html", MKT_FMT_HTML },
	{ "text/html;q=0.5, application/json", MKT_FMT_JSON },
	{ "application/json, text/html", MKT_FMT_HTML },	/* a tie */
	{ "application/json;q=0", MKT_FMT_HTML },
	{ "application/json ; q=0.9 , text/html;q=0.8", MKT_FMT_JSON },
	{ "*/*", MKT_FMT_HTML },
	{ "application/*", MKT_FMT_HTML },
	{ "application/jsonx", MKT_FMT_HTML },
	{ "application/problem+json", MKT_FMT_JSON },
	{ "application/problem+json;q=0.9, text/html;q=0.5", MKT_FMT_JSON },
	{ "text/html;q=0.9, application/problem+json;q=0.5", MKT_FMT_HTML },
	{ "text/plain", MKT_FMT_HTML },
	{ ",,;;q=,", MKT_FMT_HTML },
};

static void
test_negotiate_fmt_table(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(negotiations); i++)
		CU_ASSERT_EQUAL(mkt_negotiate_fmt(negotiations[i].accept),
		    negotiations[i].fmt);
}

/* ---- request accessors ---- */

static void
test_req_env_matches_whole_name(void)
{
	static char *const env[] = {
		"HTTP_ACCEPT_LANGUAGE=de", "HTTP_ACCEPT=text/html",
		"EMPTY=", "NOEQUALS", NULL
	};
	struct mkt_req	 r;

	memset(&r, 0, sizeof(r));
	r.envp = env;
	CU_ASSERT_STRING_EQUAL(mkt_req_env(&r, "HTTP_ACCEPT"), "text/html");
	CU_ASSERT_STRING_EQUAL(mkt_req_header(&r, "HTTP_ACCEPT_LANGUAGE"),
	    "de");
	CU_ASSERT_STRING_EQUAL(mkt_req_env(&r, "EMPTY"), "");
	CU_ASSERT_PTR_NULL(mkt_req_env(&r, "HTTP_ACCEPT_L"));
	CU_ASSERT_PTR_NULL(mkt_req_env(&r, "NOEQUALS"));
	CU_ASSERT_PTR_NULL(mkt_req_env(&r, "MISSING"));
	r.envp = NULL;
	CU_ASSERT_PTR_NULL(mkt_req_env(&r, "HTTP_ACCEPT"));
}

static void
test_req_cookie_finds_by_name(void)
{
	struct mkt_kv	 kv[] = { { "lang", "de", 2 }, { "l", "x", 1 } };
	struct mkt_req	 r;

	memset(&r, 0, sizeof(r));
	CU_ASSERT_PTR_NULL(mkt_req_cookie(&r, "lang"));
	r.cookies = kv;
	r.ncookies = 2;
	CU_ASSERT_STRING_EQUAL(mkt_req_cookie(&r, "lang"), "de");
	CU_ASSERT_STRING_EQUAL(mkt_req_cookie(&r, "l"), "x");
	CU_ASSERT_PTR_NULL(mkt_req_cookie(&r, "la"));
}

static void
test_req_id_and_tr_accept_null(void)
{
	CU_ASSERT_PTR_NULL(mkt_req_id(NULL));
	CU_ASSERT_STRING_EQUAL(mkt_tr(NULL, "Services"), "Services");
}

static void
test_strerror_names_every_error(void)
{
	int	 e;

	CU_ASSERT_STRING_EQUAL(mkt_strerror(MKT_OK), "success");
	CU_ASSERT_STRING_EQUAL(mkt_strerror(MKT_EUTF8), "invalid UTF-8");
	for (e = 0; e < MKT_ERR__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(mkt_strerror((enum mkt_err)e));
		CU_ASSERT_STRING_NOT_EQUAL(mkt_strerror((enum mkt_err)e),
		    "unknown error");
	}
	CU_ASSERT_STRING_EQUAL(mkt_strerror(MKT_ERR__MAX), "unknown error");
}

/* ---- whole requests through mkt_handle (JSON only, no database) ---- */

struct fake_io {
	const char	*in;
	size_t		 inlen, inpos;
	struct mkt_buf	 out;
};

static size_t
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake_io	*io = ctx;

	if (n > io->inlen - io->inpos)
		n = io->inlen - io->inpos;
	if (n > 7)
		n = 7;		/* short reads, as from a socket */
	memcpy(buf, io->in + io->inpos, n);
	io->inpos += n;
	return n;
}

static bool
fake_write(void *ctx, const char *buf, size_t n)
{
	struct fake_io	*io = ctx;

	mkt_buf_append(&io->out, buf, n);
	return true;
}

static const struct mkt_io fake = { fake_read, fake_write, NULL };

static int
h_hello(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);
	const struct mkt_pval	*n = mkt_param(r, "n"), *sort;

	json_object_object_add(v, "hello", json_object_new_string("world"));
	if (n->present)
		json_object_object_add(v, "n", json_object_new_int64(n->i));
	sort = mkt_param(r, "sort");
	if (sort->present)
		json_object_object_add(v, "sort",
		    json_object_new_string(sort->s));
	return 200;
}

static int
h_item(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);

	json_object_object_add(v, "id",
	    json_object_new_string(mkt_route_arg(r, 0)));
	json_object_object_add(v, "self", json_object_new_string(
	    mkt_link(r, "/items/%s", mkt_route_arg(r, 0))));
	return 200;
}

static int
h_echo(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL), *name = NULL;
	const struct mkt_pval	*p = mkt_param(r, "name");

	if (r->json != NULL &&
	    json_object_object_get_ex(r->json, "name", &name))
		json_object_object_add(v, "json", json_object_get(name));
	if (p->present)
		json_object_object_add(v, "form",
		    json_object_new_string(p->s));
	mkt_header(r, "Location", "/echo/%d", 1);
	mkt_header(r, "X-Evil", "a\r\nSet-Cookie: pwned=1");
	return 201;
}

static const char *const sorts[] = { "name", "price", NULL };

static const struct mkt_param hello_params[] = {
	{ "n", MKT_P_INT, 1, 100, NULL },
	{ "sort", MKT_P_ENUM, 0, 0, sorts },
	{ NULL, MKT_P_INT, 0, 0, NULL }
};

static const struct mkt_param echo_params[] = {
	{ "name", MKT_P_TEXT, 0, 20, NULL },
	{ NULL, MKT_P_INT, 0, 0, NULL }
};

static const struct mkt_route handle_routes[] = {
	{ MKT_GET, "/hello", MKT_FMT_JSON, MKT_ROLE_ANON, h_hello, NULL,
	    NULL, hello_params },
	{ MKT_GET, "/items/{id}", MKT_FMT_JSON, MKT_ROLE_ANON, h_item, NULL,
	    NULL, NULL },
	{ MKT_POST, "/echo", MKT_FMT_JSON, MKT_ROLE_ANON, h_echo, NULL,
	    NULL, echo_params },
	{ MKT_GET, "/admin", MKT_FMT_JSON, MKT_ROLE_ADMIN, h_hello, NULL,
	    NULL, NULL },
	{ MKT_GET, NULL, 0, MKT_ROLE_ANON, NULL, NULL, NULL, NULL }
};

static const struct mkt_program handle_prog = {
	"unit", "unit tests", handle_routes, NULL, NULL
};

/*
 * Runs one request: env is a NULL-terminated list of CGI variables.
 * Returns the whole answer (head and body) in a malloc'd string.
 */
static char *
handle(char *const *env, const char *body)
{
	struct mkt_app		 app;
	struct mkt_worker	 w;
	struct fake_io		 io;

	memset(&app, 0, sizeof(app));
	app.prog = &handle_prog;
	app.static_url = "/static";
	app.max_body = 256;
	app.max_query = 512;
	mkt_worker_init(&w, &app);
	memset(&io, 0, sizeof(io));
	io.in = body ? body : "";
	io.inlen = strlen(io.in);
	mkt_buf_init(&io.out);
	mkt_handle(&w, &fake, &io, env);
	mkt_worker_free(&w);
	mkt_buf_putc(&io.out, '\0');
	return io.out.ptr;
}

static char *
get(const char *uri)
{
	char	 m[] = "REQUEST_METHOD=GET";
	char	 u[1024];
	char	*env[] = { m, u, NULL };

	snprintf(u, sizeof(u), "REQUEST_URI=%s", uri);
	return handle(env, NULL);
}

static const char *
body_of(const char *answer)
{
	const char	*p = strstr(answer, "\r\n\r\n");

	return p ? p + 4 : "";
}

static void
test_handle_answers_json(void)
{
	char	*a = get("/api/v1/hello");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 200 OK\r\n", 16), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Content-Type: application/json\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "X-Content-Type-Options: nosniff"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Cache-Control: no-store\r\n"));
	CU_ASSERT_STRING_EQUAL(body_of(a), "{\"hello\":\"world\"}\n");
	free(a);
}

static void
test_handle_validates_params(void)
{
	char	*a = get("/api/v1/hello?n=42&sort=price&other=ignored");

	CU_ASSERT_STRING_EQUAL(body_of(a),
	    "{\"hello\":\"world\",\"n\":42,\"sort\":\"price\"}\n");
	free(a);
	a = get("/api/v1/hello?n=1e3");
	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a,
	    "Content-Type: application/problem+json"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(a),
	    "\"type\":\"/problems/invalid-parameter\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(a),
	    "\"errors\":[{\"name\":\"n\",\"reason\":\"must be a whole number\"}]"));
	free(a);
}

static void
test_handle_rejects_repeated_param(void)
{
	char	*a = get("/api/v1/hello?n=1&n=2");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "is given more than once"));
	free(a);
}

static void
test_handle_empty_param_is_absent(void)
{
	char	*a = get("/api/v1/hello?n=");

	CU_ASSERT_STRING_EQUAL(body_of(a), "{\"hello\":\"world\"}\n");
	free(a);
}

static void
test_handle_rejects_bad_query(void)
{
	char	*a = get("/api/v1/hello?n=%zz");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "percent-escapes"));
	free(a);
	a = get("/api/v1/hello?q=%C0%AF");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "/problems/invalid-utf8"));
	free(a);
}

static void
test_handle_captures_route_arg(void)
{
	char	*a = get("/api/v1/items/gpt-4o");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 200 OK\r\n", 16), 0);
	CU_ASSERT_STRING_EQUAL(body_of(a),
	    "{\"id\":\"gpt-4o\",\"self\":\"/api/v1/items/gpt-4o\"}\n");
	free(a);
	a = get("/api/v1/items/claude%203");	/* decoded segment */
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(a), "\"id\":\"claude 3\""));
	free(a);
}

static void
test_handle_unknown_path_is_404(void)
{
	char	*a = get("/api/v1/nothing/here");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 404 Not Found\r\n", 23), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(a),
	    "\"type\":\"/problems/not-found\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(a),
	    "\"instance\":\"/api/v1/nothing/here\""));
	free(a);
}

static const char *const bad_paths[] = {
	"/api/v1/items/%2e%2e", "/api/v1/items/..", "/api/v1/./hello",
	"/api/v1/items/a%2Fb", "/api/v1/items/a%00b", "/api/v1/items/%zz",
	"/api/v1/items/%C0%AF", "/api/v1/items/%01", "/api/v1/items/%7F",
};

static void
test_handle_rejects_malformed_paths(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_paths); i++) {
		char *a = get(bad_paths[i]);

		CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
		free(a);
	}
}

static void
test_handle_rejects_relative_target(void)
{
	char	 m[] = "REQUEST_METHOD=GET", u[] = "REQUEST_URI=hello";
	char	 acc[] = "HTTP_ACCEPT=application/json";
	char	*env[] = { m, u, acc, NULL };
	char	*a = handle(env, NULL);

	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	free(a);
}

static void
test_handle_method_not_allowed_lists_allow(void)
{
	char	 m[] = "REQUEST_METHOD=DELETE", u[] = "REQUEST_URI=/api/v1/hello";
	char	*env[] = { m, u, NULL };
	char	*a = handle(env, NULL);

	CU_ASSERT_EQUAL(strncmp(a, "Status: 405 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Allow: GET, HEAD, OPTIONS\r\n"));
	free(a);
}

static void
test_handle_options_is_204_with_allow(void)
{
	char	 m[] = "REQUEST_METHOD=OPTIONS", u[] = "REQUEST_URI=/api/v1/echo";
	char	*env[] = { m, u, NULL };
	char	*a = handle(env, NULL);

	CU_ASSERT_EQUAL(strncmp(a, "Status: 204 No Content\r\n", 24), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Allow: POST, OPTIONS\r\n"));
	CU_ASSERT_STRING_EQUAL(body_of(a), "");
	free(a);
}

static void
test_handle_head_sends_no_body(void)
{
	char	 m[] = "REQUEST_METHOD=HEAD", u[] = "REQUEST_URI=/api/v1/hello";
	char	*env[] = { m, u, NULL };
	char	*a = handle(env, NULL);

	CU_ASSERT_EQUAL(strncmp(a, "Status: 200 OK\r\n", 16), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Content-Length: 18\r\n"));
	CU_ASSERT_STRING_EQUAL(body_of(a), "");
	free(a);
}

static void
test_handle_role_required_is_401(void)
{
	char	*a = get("/api/v1/admin");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 401 ", 12), 0);
	free(a);
}

static void
test_handle_echoes_safe_request_id_only(void)
{
	char	 m[] = "REQUEST_METHOD=GET", u[] = "REQUEST_URI=/api/v1/hello";
	char	 good[] = "HTTP_X_REQUEST_ID=abc-123";
	char	 bad[] = "HTTP_X_REQUEST_ID=abc\r\nX-Injected: 1";
	char	*env1[] = { m, u, good, NULL }, *env2[] = { m, u, bad, NULL };
	char	*a = handle(env1, NULL), *b = handle(env2, NULL);

	CU_ASSERT_PTR_NOT_NULL(strstr(a, "X-Request-ID: abc-123\r\n"));
	CU_ASSERT_PTR_NULL(strstr(b, "X-Injected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "X-Request-ID: "));
	free(a);
	free(b);
}

static void
test_handle_accept_json_on_plain_path(void)
{
	char	 m[] = "REQUEST_METHOD=GET", u[] = "REQUEST_URI=/hello";
	char	 acc[] = "HTTP_ACCEPT=application/json";
	char	*env[] = { m, u, acc, NULL };
	char	*a = handle(env, NULL);

	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Content-Type: application/json\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Vary: Accept"));
	CU_ASSERT_STRING_EQUAL(body_of(a), "{\"hello\":\"world\"}\n");
	free(a);
}

static char *
post(const char *ctype, const char *body, const char *clen)
{
	char	 m[] = "REQUEST_METHOD=POST", u[] = "REQUEST_URI=/api/v1/echo";
	char	 ct[256], cl[64];
	/* an API client (Authorization, no cookies): no CSRF token needed */
	char	 au[] = "HTTP_AUTHORIZATION=Basic dGVzdDp0ZXN0";
	char	*env[] = { m, u, ct, cl, au, NULL };

	snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s", ctype);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s", clen);
	return handle(env, body);
}

static char *
post_body(const char *ctype, const char *body)
{
	char	 len[32];

	snprintf(len, sizeof(len), "%zu", strlen(body));
	return post(ctype, body, len);
}

static void
test_handle_post_json_body(void)
{
	char	*a = post_body("application/json; charset=utf-8",
	    " {\"name\": \"caf\xc3\xa9\"} \n");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 201 Created\r\n", 21), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "Location: /echo/1\r\n"));
	CU_ASSERT_PTR_NULL(strstr(a, "pwned"));	/* CRLF header dropped */
	CU_ASSERT_STRING_EQUAL(body_of(a), "{\"json\":\"caf\xc3\xa9\"}\n");
	free(a);
}

static void
test_handle_post_form_body(void)
{
	char	*a = post_body("application/x-www-form-urlencoded",
	    "name=Ada+L%C3%B6we&x=1");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 201 ", 12), 0);
	CU_ASSERT_STRING_EQUAL(body_of(a), "{\"form\":\"Ada L\xc3\xb6we\"}\n");
	free(a);
	a = post_body("application/x-www-form-urlencoded",
	    "name=much+too+long+for+the+limit");
	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "is too long"));
	free(a);
}

static const struct {
	const char	*ctype;
	const char	*body;
	const char	*status;	/* "Status: NNN " */
	const char	*type;		/* problem type */
} bad_bodies[] = {
	{ "application/json", "{\"name\":", "Status: 400 ", "invalid-json" },
	{ "application/json", "{} {}", "Status: 400 ", "invalid-json" },
	{ "application/json", "{\"name\":\"\xc0\xaf\"}", "Status: 400 ",
	  "invalid-utf8" },
	{ "application/json; charset=latin1", "{}", "Status: 415 ",
	  "unsupported-media-type" },
	{ "text/plain", "name=x", "Status: 415 ", "unsupported-media-type" },
	{ "application/x-www-form-urlencoded", "name=%zz", "Status: 400 ",
	  "bad-request" },
	{ "application/x-www-form-urlencoded", "name=%01", "Status: 400 ",
	  "invalid-utf8" },
	{ "application/json",
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	  "Status: 400 ", "invalid-json" },
};

static void
test_handle_rejects_bad_bodies(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_bodies); i++) {
		char *a = post_body(bad_bodies[i].ctype, bad_bodies[i].body);
		char  want[64];

		snprintf(want, sizeof(want), "/problems/%s",
		    bad_bodies[i].type);
		CU_ASSERT_EQUAL(strncmp(a, bad_bodies[i].status,
		    strlen(bad_bodies[i].status)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(a, want));
		free(a);
	}
}

static void
test_handle_checks_content_length(void)
{
	char	*a = post("application/json", "{}", "1000");

	CU_ASSERT_EQUAL(strncmp(a, "Status: 413 ", 12), 0);
	free(a);
	a = post("application/json", "{}", "-2");
	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	free(a);
	a = post("application/json", "{}", "2x");
	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	free(a);
	a = post("application/json", "{}", "10");	/* body ends early */
	CU_ASSERT_EQUAL(strncmp(a, "Status: 400 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "ended early"));
	free(a);
}

void
add_request_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("request", request_init, request_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_pairs_splits_on_ampersand);
	CU_ADD_TEST(s, test_pairs_skips_empty_pairs);
	CU_ADD_TEST(s, test_pairs_key_without_equals_has_empty_value);
	CU_ADD_TEST(s, test_pairs_rejects_empty_key);
	CU_ADD_TEST(s, test_pairs_decodes_escapes_and_plus);
	CU_ADD_TEST(s, test_pairs_keeps_plus_when_not_asked);
	CU_ADD_TEST(s, test_pairs_keeps_duplicates_in_order);
	CU_ADD_TEST(s, test_pairs_respects_length);
	CU_ADD_TEST(s, test_pairs_rejects_bad_escape);
	CU_ADD_TEST(s, test_pairs_rejects_invalid_text);
	CU_ADD_TEST(s, test_pairs_accepts_tab_and_line_breaks);
	CU_ADD_TEST(s, test_pairs_rejects_too_many);
	CU_ADD_TEST(s, test_pairs_cookie_mode);
	CU_ADD_TEST(s, test_pairs_cookie_mode_does_not_decode);
	CU_ADD_TEST(s, test_pairs_cookie_mode_skips_empty);
	CU_ADD_TEST(s, test_negotiate_fmt_table);
	CU_ADD_TEST(s, test_req_env_matches_whole_name);
	CU_ADD_TEST(s, test_req_cookie_finds_by_name);
	CU_ADD_TEST(s, test_req_id_and_tr_accept_null);
	CU_ADD_TEST(s, test_strerror_names_every_error);

	if ((s = CU_add_suite("request-handle", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_handle_answers_json);
	CU_ADD_TEST(s, test_handle_validates_params);
	CU_ADD_TEST(s, test_handle_rejects_repeated_param);
	CU_ADD_TEST(s, test_handle_empty_param_is_absent);
	CU_ADD_TEST(s, test_handle_rejects_bad_query);
	CU_ADD_TEST(s, test_handle_captures_route_arg);
	CU_ADD_TEST(s, test_handle_unknown_path_is_404);
	CU_ADD_TEST(s, test_handle_rejects_malformed_paths);
	CU_ADD_TEST(s, test_handle_rejects_relative_target);
	CU_ADD_TEST(s, test_handle_method_not_allowed_lists_allow);
	CU_ADD_TEST(s, test_handle_options_is_204_with_allow);
	CU_ADD_TEST(s, test_handle_head_sends_no_body);
	CU_ADD_TEST(s, test_handle_role_required_is_401);
	CU_ADD_TEST(s, test_handle_echoes_safe_request_id_only);
	CU_ADD_TEST(s, test_handle_accept_json_on_plain_path);
	CU_ADD_TEST(s, test_handle_post_json_body);
	CU_ADD_TEST(s, test_handle_post_form_body);
	CU_ADD_TEST(s, test_handle_rejects_bad_bodies);
	CU_ADD_TEST(s, test_handle_checks_content_length);
}
