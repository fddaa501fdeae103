/* t-handle.c: whole requests through mkt_handle, in memory: routing,
 * parameters, bodies and their limits, problems, HEAD, threads */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>
#include <libxml/parserInternals.h>

#include "extern.h"
#include "tests.h"

/* ---- a small program to drive ---- */

static int
h_list(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);
	const struct mkt_pval	*n = mkt_param(r, "n");

	json_object_object_add(v, "n", json_object_new_int64(n->present ?
	    n->i : -1));
	json_object_object_add(v, "lang", json_object_new_string(r->lang));
	return 200;
}

static int
h_echo(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);

	json_object_object_add(v, "json", json_object_new_string(r->json ?
	    json_type_to_name(json_object_get_type(r->json)) : "none"));
	json_object_object_add(v, "form", json_object_new_int64(
	    (int64_t)r->nform));
	return 201;
}

static int
h_thing(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);

	json_object_object_add(v, "id",
	    json_object_new_string(mkt_route_arg(r, 0)));
	return 200;
}

static const struct mkt_param list_params[] = {
	{ "n", MKT_P_INT, 1, 10, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static const struct mkt_route routes[] = {
	{ MKT_GET, "/things", MKT_FMT_JSON, MKT_ROLE_ANON, h_list, NULL,
	  NULL, list_params },
	{ MKT_POST, "/things", MKT_FMT_JSON, MKT_ROLE_ANON, h_echo, NULL,
	  NULL, NULL },
	{ MKT_GET, "/things/{id}", MKT_FMT_JSON, MKT_ROLE_ANON, h_thing, NULL,
	  NULL, NULL },
	{ MKT_GET, "/secret", MKT_FMT_JSON, MKT_ROLE_ADMIN, h_list, NULL,
	  NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program prog = { "unit", "unit test program",
	routes, NULL, NULL };

static struct mkt_app		 app;
static struct mkt_config	*cfg;
static bool			 app_ok;
static xmlExternalEntityLoader	 saved_loader;

/* ---- an in-memory transport ---- */

struct mem_io {
	const char	*in;
	size_t		 inlen, inpos;
	size_t		 reads;
	size_t		 out_at_first_read;	/* bytes answered by then */
	struct mkt_buf	 out;
};

static size_t
mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_io	*m = ctx;
	size_t		 k = m->inlen - m->inpos;

	if (m->reads++ == 0)
		m->out_at_first_read = m->out.len;
	if (k > n)
		k = n;
	memcpy(buf, m->in + m->inpos, k);
	m->inpos += k;
	return k;
}

static bool
mem_write(void *ctx, const char *buf, size_t n)
{
	mkt_buf_append(&((struct mem_io *)ctx)->out, buf, n);
	return true;
}

static const struct mkt_io mem = { mem_read, mem_write, NULL };

struct answer {
	int		 status;
	char		*head;
	char		*body;
	size_t		 reads;
	size_t		 out_at_first_read;
};

static void
answer_free(struct answer *a)
{
	free(a->head);
	free(a->body);
}

/* Runs one request; env is a NULL-terminated list of "NAME=value". */
static struct answer
run(struct mkt_worker *w, const char *const *env, const char *body,
    size_t bodylen)
{
	struct mem_io	 m = { body, bodylen, 0, 0, 0, { NULL, 0, 0 } };
	struct answer	 a = { 0, NULL, NULL, 0, 0 };
	const char	*sep;

	mkt_handle(w, &mem, &m, (char *const *)env);
	sep = m.out.ptr ? strstr(m.out.ptr, "\r\n\r\n") : NULL;
	if (sep != NULL) {
		a.head = strndup(m.out.ptr, (size_t)(sep - m.out.ptr) + 2);
		a.body = strdup(sep + 4);
		a.status = atoi(m.out.ptr + 8);
	}
	a.reads = m.reads;
	a.out_at_first_read = m.out_at_first_read;
	mkt_buf_free(&m.out);
	return a;
}

static struct answer
get(const char *method, const char *uri, const char *extra)
{
	struct mkt_worker	 w;
	struct answer		 a;
	char			 m[64], u[5100];
	const char		*env[] = { m, u, "REMOTE_ADDR=127.0.0.1", extra,
	    NULL };

	snprintf(m, sizeof(m), "REQUEST_METHOD=%s", method);
	snprintf(u, sizeof(u), "REQUEST_URI=%s", uri);
	mkt_worker_init(&w, &app);
	a = run(&w, env, "", 0);
	mkt_worker_free(&w);
	return a;
}

static struct answer
post(const char *ctype, const char *body, size_t len, const char *clen)
{
	struct mkt_worker	 w;
	struct answer		 a;
	char			 ct[128], cl[64];
	/* An API client: Authorization instead of cookies, so no CSRF. */
	const char		*env[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/v1/things", ct, cl,
	    "HTTP_AUTHORIZATION=Basic dGVzdDp0ZXN0", NULL };

	snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s", ctype);
	if (clen != NULL)
		snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s", clen);
	else
		snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", len);
	mkt_worker_init(&w, &app);
	a = run(&w, env, body, len);
	mkt_worker_free(&w);
	return a;
}

static bool
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* ---- tests ---- */

static void
test_get_with_valid_parameter(void)
{
	struct answer	 a = get("GET", "/api/v1/things?n=3", NULL);

	CU_ASSERT_EQUAL(a.status, 200);
	CU_ASSERT(has(a.head, "Content-Type: application/json"));
	CU_ASSERT(has(a.body, "\"n\":3"));
	answer_free(&a);
}

static void
test_parameter_out_of_range_is_a_problem(void)
{
	struct answer	 a = get("GET", "/api/v1/things?n=11", NULL);

	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.head, "Content-Type: application/problem+json"));
	CU_ASSERT(has(a.body, "\"type\":\"/problems/invalid-parameter\""));
	CU_ASSERT(has(a.body, "\"name\":\"n\""));
	CU_ASSERT(has(a.body, "\"status\":400"));
	CU_ASSERT(has(a.body, "\"instance\":\"/api/v1/things\""));
	answer_free(&a);
}

static void
test_parameter_given_twice_is_refused(void)
{
	struct answer	 a = get("GET", "/api/v1/things?n=1&n=2", NULL);

	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.body, "more than once"));
	answer_free(&a);
}

static void
test_route_argument_is_decoded(void)
{
	struct answer	 a = get("GET", "/api/v1/things/caf%C3%A9", NULL);

	CU_ASSERT_EQUAL(a.status, 200);
	CU_ASSERT(has(a.body, "\"id\":\"caf\xc3\xa9\""));
	answer_free(&a);
}

static void
test_bad_paths_are_refused(void)
{
	static const char *const bad[] = {
		"/api/v1/things/a%2fb", "/api/v1/things/..", "/api/v1/things/%2e%2e",
		"/api/v1/things/%00", "/api/v1/things/%C0%AF", "/api/v1/things/%zz",
		"/api/v1/things/%", "relative", NULL
	};
	size_t	 i;

	for (i = 0; bad[i] != NULL; i++) {
		struct answer a = get("GET", bad[i], NULL);

		CU_ASSERT(a.status == 400 || a.status == 404);
		if (!(a.status == 400 || a.status == 404))
			fprintf(stderr, "%s: %d\n", bad[i], a.status);
		answer_free(&a);
	}
}

static void
test_unknown_route_is_404_problem(void)
{
	struct answer	 a = get("GET", "/api/v1/nothing", NULL);

	CU_ASSERT_EQUAL(a.status, 404);
	CU_ASSERT(has(a.body, "\"type\":\"/problems/not-found\""));
	answer_free(&a);
}

static void
test_unknown_route_is_an_html_page_for_browsers(void)
{
	struct answer	 a = get("GET", "/nothing/%3Cscript%3Ealert(1)",
	    "HTTP_ACCEPT=text/html,*/*;q=0.8");

	CU_ASSERT_EQUAL(a.status, 404);
	CU_ASSERT(has(a.head, "Content-Type: text/html"));
	CU_ASSERT(has(a.head, "Content-Security-Policy:"));
	CU_ASSERT(has(a.body, "<html"));
	CU_ASSERT(!has(a.body, "<script>alert(1)"));
	answer_free(&a);
}

static void
test_wrong_method_is_405_with_allow(void)
{
	struct answer	 a = get("DELETE", "/api/v1/things", NULL);

	CU_ASSERT_EQUAL(a.status, 405);
	CU_ASSERT(has(a.head, "Allow: GET, HEAD, POST, OPTIONS"));
	answer_free(&a);
	a = get("PROPFIND", "/api/v1/things", NULL);
	CU_ASSERT_EQUAL(a.status, 405);
	answer_free(&a);
	a = get("OPTIONS", "/api/v1/things/1", NULL);
	CU_ASSERT_EQUAL(a.status, 204);
	CU_ASSERT(has(a.head, "Allow: GET, HEAD, OPTIONS"));
	answer_free(&a);
}

static void
test_head_has_headers_but_no_body(void)
{
	struct answer	 a = get("HEAD", "/api/v1/things?n=2", NULL);

	CU_ASSERT_EQUAL(a.status, 200);
	CU_ASSERT(has(a.head, "Content-Length: "));
	CU_ASSERT_STRING_EQUAL(a.body ? a.body : "?", "");
	answer_free(&a);
}

static void
test_role_required_without_sign_in_is_401(void)
{
	struct answer	 a = get("GET", "/api/v1/secret", NULL);

	CU_ASSERT_EQUAL(a.status, 401);
	CU_ASSERT(has(a.body, "/problems/unauthenticated"));
	answer_free(&a);
}

static void
test_request_id_is_echoed_only_when_safe(void)
{
	struct answer	 a = get("GET", "/api/v1/things",
	    "HTTP_X_REQUEST_ID=abc-123.X_y");

	CU_ASSERT(has(a.head, "X-Request-ID: abc-123.X_y\r\n"));
	answer_free(&a);
	a = get("GET", "/api/v1/things",
	    "HTTP_X_REQUEST_ID=abc\r\nSet-Cookie: x=1");
	CU_ASSERT(!has(a.head, "Set-Cookie: x=1"));
	CU_ASSERT(!has(a.head, "X-Request-ID: abc"));
	CU_ASSERT(has(a.head, "X-Request-ID: "));
	answer_free(&a);
}

static void
test_json_body_is_parsed(void)
{
	const char	*b = "{\"model\":\"gpt-4o\",\"messages\":[]}";
	struct answer	 a = post("application/json; charset=utf-8", b,
	    strlen(b), NULL);

	CU_ASSERT_EQUAL(a.status, 201);
	CU_ASSERT(has(a.body, "\"json\":\"object\""));
	answer_free(&a);
}

static void
test_truncated_json_says_where(void)
{
	const char	*b = "{\"model\":\"gpt-4o\",\"messages\":[";
	struct answer	 a = post("application/json", b, strlen(b), NULL);

	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.body, "/problems/invalid-json"));
	CU_ASSERT(has(a.body, "byte"));
	answer_free(&a);
}

static void
test_deep_json_is_refused(void)
{
	char		*b = malloc(20001);
	struct answer	 a;

	memset(b, '[', 10000);
	memset(b + 10000, ']', 10000);
	b[20000] = '\0';
	a = post("application/json", b, 20000, NULL);
	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.body, "nests deeper"));
	answer_free(&a);
	free(b);
}

static void
test_json_with_too_many_values_is_refused(void)
{
	struct mkt_buf	 b;
	struct answer	 a;
	int		 i;

	mkt_buf_init(&b);
	mkt_buf_putc(&b, '[');
	for (i = 0; i < 20000; i++)
		mkt_buf_puts(&b, i ? ",1" : "1");
	mkt_buf_putc(&b, ']');
	a = post("application/json", b.ptr, b.len, NULL);
	CU_ASSERT_EQUAL(a.status, 413);
	answer_free(&a);
	mkt_buf_free(&b);
}

static void
test_json_trailing_garbage_is_refused(void)
{
	struct answer	 a = post("application/json", "{} x", 4, NULL);

	CU_ASSERT_EQUAL(a.status, 400);
	answer_free(&a);
}

static void
test_json_invalid_utf8_is_refused(void)
{
	static const char *const bad[] = {
		"{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":\"\xe2\x82\"}", NULL
	};
	size_t	 i;

	for (i = 0; bad[i] != NULL; i++) {
		struct answer a = post("application/json", bad[i],
		    strlen(bad[i]), NULL);

		CU_ASSERT_EQUAL(a.status, 400);
		CU_ASSERT(has(a.body, "/problems/invalid-utf8"));
		answer_free(&a);
	}
}

static void
test_wrong_media_type_is_415(void)
{
	struct answer	 a = post("text/plain", "hello", 5, NULL);

	CU_ASSERT_EQUAL(a.status, 415);
	answer_free(&a);
	a = post("application/json; charset=utf-16", "{}", 2, NULL);
	CU_ASSERT_EQUAL(a.status, 415);
	answer_free(&a);
	a = post("", "{}", 2, NULL);
	CU_ASSERT_EQUAL(a.status, 415);
	answer_free(&a);
}

static void
test_oversized_body_is_refused_before_reading(void)
{
	struct answer	 a = post("application/json", "{}", 2, "20000000");

	CU_ASSERT_EQUAL(a.status, 413);
	/* answered in full before a byte of the body was read (the rest is
	 * only drained afterwards, for the web server's sake) */
	CU_ASSERT(a.reads == 0 || a.out_at_first_read > 0);
	answer_free(&a);
	a = post("application/json", "{}", 2, "-5");
	CU_ASSERT_EQUAL(a.status, 400);
	answer_free(&a);
}

static void
test_short_body_is_refused(void)
{
	struct answer	 a = post("application/json", "{}", 2, "100");

	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.body, "ended early"));
	answer_free(&a);
}

static void
test_form_body(void)
{
	struct answer	 a = post("application/x-www-form-urlencoded",
	    "a=1&b=two+words", 15, NULL);

	CU_ASSERT_EQUAL(a.status, 201);
	CU_ASSERT(has(a.body, "\"form\":2"));
	answer_free(&a);
	a = post("application/x-www-form-urlencoded", "a=%zz", 5, NULL);
	CU_ASSERT_EQUAL(a.status, 400);
	answer_free(&a);
	a = post("application/x-www-form-urlencoded", "a=%01", 5, NULL);
	CU_ASSERT_EQUAL(a.status, 400);
	answer_free(&a);
}

static void
test_query_limits(void)
{
	char		 uri[5000];
	struct answer	 a;

	a = get("GET", "/api/v1/things?n=%zz", NULL);
	CU_ASSERT_EQUAL(a.status, 400);
	answer_free(&a);
	a = get("GET", "/api/v1/things?x=%ED%A0%80", NULL);
	CU_ASSERT_EQUAL(a.status, 400);
	CU_ASSERT(has(a.body, "invalid-utf8"));
	answer_free(&a);
	memset(uri, 'a', sizeof(uri) - 1);
	uri[sizeof(uri) - 1] = '\0';
	memcpy(uri, "/api/v1/things?q=", 17);
	a = get("GET", uri, NULL);	/* over max_query_bytes (4096) */
	CU_ASSERT_EQUAL(a.status, 414);
	answer_free(&a);
}

static void
test_arena_is_empty_after_each_request(void)
{
	struct mkt_worker	 w;
	const char		*env[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/v1/things?n=4", NULL };
	struct answer		 a;
	int			 i;

	mkt_worker_init(&w, &app);
	for (i = 0; i < 50; i++) {
		a = run(&w, env, "", 0);
		CU_ASSERT_EQUAL(a.status, 200);
		answer_free(&a);
		CU_ASSERT_EQUAL(mkt_arena_used(w.arena), 0);
	}
	CU_ASSERT_EQUAL(w.served, 50);
	mkt_worker_free(&w);
}

/* Several threads, each with its worker, answering different languages
 * at once: nothing of one request may show in another. */
struct thread_job {
	const char	*lang;
	int		 wrong;
};

static void *
thread_main(void *arg)
{
	struct thread_job	*job = arg;
	struct mkt_worker	 w;
	char			 al[64], want[32];
	const char		*env[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/v1/things?n=5", al, NULL };
	int			 i;

	snprintf(al, sizeof(al), "HTTP_ACCEPT_LANGUAGE=%s", job->lang);
	snprintf(want, sizeof(want), "\"lang\":\"%s\"", job->lang);
	mkt_worker_init(&w, &app);
	for (i = 0; i < 300; i++) {
		struct answer a = run(&w, env, "", 0);

		if (a.status != 200 || !has(a.body, want))
			job->wrong++;
		answer_free(&a);
	}
	mkt_worker_free(&w);
	return NULL;
}

static void
test_threads_do_not_share_request_state(void)
{
	struct thread_job	 jobs[4] = { { "en", 0 }, { "de", 0 },
	    { "en", 0 }, { "de", 0 } };
	pthread_t		 t[4];
	int			 i;

	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(pthread_create(&t[i], NULL, thread_main,
		    &jobs[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(jobs[i].wrong, 0);
	}
}

static int
setup(void)
{
	char	 err[256];

	setenv("MKT_TEMPLATE_DIR", SRCDIR "/templates", 1);
	setenv("MKT_LOCALE_DIR", "/nonexistent", 1);
	setenv("MKT_LANGUAGES", "en de", 1);
	setenv("MKT_MAX_BODY_BYTES", "1048576", 1);
	setenv("MKT_MAX_QUERY_BYTES", "4096", 1);
	setenv("MKT_MEMCACHED", "", 1);
	mkt_log_open("unit", "/dev/null", "error");
	/* The app locks libxml2's entity loader; later suites need it back. */
	saved_loader = xmlGetExternalEntityLoader();
	if ((cfg = mkt_config_load(NULL, err, sizeof(err))) == NULL)
		return -1;
	app_ok = mkt_app_init(&app, &prog, cfg, false) == 0;
	return app_ok ? 0 : -1;
}

static int
teardown(void)
{
	mkt_app_free(&app);
	mkt_config_free(cfg);
	mkt_log_close();
	xmlSetExternalEntityLoader(saved_loader);
	return 0;
}

void
add_handle_suite(void)
{
	CU_pSuite	 s = CU_add_suite("handle", setup, teardown);

	CU_add_test(s, "GET with a valid parameter",
	    test_get_with_valid_parameter);
	CU_add_test(s, "parameter out of range",
	    test_parameter_out_of_range_is_a_problem);
	CU_add_test(s, "parameter given twice", test_parameter_given_twice_is_refused);
	CU_add_test(s, "route argument decoded", test_route_argument_is_decoded);
	CU_add_test(s, "bad paths refused", test_bad_paths_are_refused);
	CU_add_test(s, "unknown route 404", test_unknown_route_is_404_problem);
	CU_add_test(s, "unknown route HTML page",
	    test_unknown_route_is_an_html_page_for_browsers);
	CU_add_test(s, "405 with Allow", test_wrong_method_is_405_with_allow);
	CU_add_test(s, "HEAD", test_head_has_headers_but_no_body);
	CU_add_test(s, "role needs sign-in", test_role_required_without_sign_in_is_401);
	CU_add_test(s, "request id", test_request_id_is_echoed_only_when_safe);
	CU_add_test(s, "JSON body", test_json_body_is_parsed);
	CU_add_test(s, "truncated JSON", test_truncated_json_says_where);
	CU_add_test(s, "deep JSON", test_deep_json_is_refused);
	CU_add_test(s, "JSON value count", test_json_with_too_many_values_is_refused);
	CU_add_test(s, "JSON trailing data", test_json_trailing_garbage_is_refused);
	CU_add_test(s, "JSON invalid UTF-8", test_json_invalid_utf8_is_refused);
	CU_add_test(s, "415", test_wrong_media_type_is_415);
	CU_add_test(s, "413 before reading", test_oversized_body_is_refused_before_reading);
	CU_add_test(s, "short body", test_short_body_is_refused);
	CU_add_test(s, "form body", test_form_body);
	CU_add_test(s, "query limits", test_query_limits);
	CU_add_test(s, "arena reset", test_arena_is_empty_after_each_request);
	CU_add_test(s, "threads", test_threads_do_not_share_request_state);
}
