/* request.c: one request from parameters to response, and its parsing */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "extern.h"

#define MAX_PATH	2048
#define MAX_COOKIES	4096
#define MAX_PAIRS	128
#define MAX_JSON_VALUES	10000

const char *
mkt_req_id(const struct mkt_req *r)
{
	return r != NULL ? r->id : NULL;
}

/* The value of NAME in a NULL-terminated array of "NAME=value". */
const char *
mkt_env_get(char *const *envp, const char *name)
{
	size_t		 n = strlen(name);
	char *const	*e;

	if (envp == NULL)
		return NULL;
	for (e = envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *
mkt_req_env(const struct mkt_req *r, const char *name)
{
	return mkt_env_get(r->envp, name);
}

/* Headers arrive as CGI variables: "Accept-Language" is HTTP_ACCEPT_LANGUAGE. */
const char *
mkt_req_header(const struct mkt_req *r, const char *env_name)
{
	return mkt_req_env(r, env_name);
}

const char *
mkt_req_cookie(const struct mkt_req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->ncookies; i++)
		if (strcmp(r->cookies[i].key, name) == 0)
			return r->cookies[i].val;
	return NULL;
}

const char *
mkt_tr(const struct mkt_req *r, const char *msgid)
{
	return mkt_catalog_lookup(r != NULL ? r->catalog : NULL, msgid);
}

/*
 * Splits "a=1&b=2" (or cookies, "a=1; b=2") into decoded pairs copied to
 * the arena.  Malformed escapes and too many pairs are errors.
 */
enum mkt_err
mkt_parse_pairs(struct mkt_arena *a, const char *s, size_t len, char sep,
    bool plus_is_space, size_t maxpairs, struct mkt_kv **out, size_t *nout)
{
	struct mkt_kv	*kv;
	size_t		 n = 0, cap = 0, i, start;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < len; i++)
		if (s[i] == sep)
			cap++;
	cap++;
	if (cap > maxpairs * 4)
		return MKT_ETOOBIG;
	kv = mkt_arena_alloc(a, cap * sizeof(*kv));
	for (start = 0; start <= len; start = i + 1) {
		const char	*p = s + start, *eq;
		size_t		 plen, klen, vlen;
		char		*k, *v;

		for (i = start; i < len && s[i] != sep; i++)
			;
		plen = i - start;
		if (sep == ';')
			while (plen > 0 && *p == ' ') {
				p++;
				plen--;
			}
		if (plen == 0)
			continue;
		if (n >= maxpairs)
			return MKT_ETOOBIG;
		eq = memchr(p, '=', plen);
		klen = eq ? (size_t)(eq - p) : plen;
		vlen = eq ? plen - klen - 1 : 0;
		k = mkt_arena_strndup(a, p, klen);
		v = mkt_arena_strndup(a, eq ? eq + 1 : "", vlen);
		if (sep != ';') {
			if (mkt_url_decode(k, &klen, plus_is_space) != MKT_OK ||
			    mkt_url_decode(v, &vlen, plus_is_space) != MKT_OK)
				return MKT_EINVAL;
		}
		if (klen == 0)
			return MKT_EINVAL;
		if (!mkt_text_clean(k, klen) || !mkt_text_clean(v, vlen))
			return MKT_EUTF8;
		kv[n].key = k;
		kv[n].val = v;
		kv[n].vlen = vlen;
		n++;
	}
	*out = kv;
	*nout = n;
	return MKT_OK;
}

/* q-value of one media type in an Accept header; -1 when not listed. */
static double
accept_q(const char *accept, const char *type, size_t typelen)
{
	const char	*p = accept;
	double		 best = -1;

	while (p != NULL && *p != '\0') {
		const char	*end, *semi;
		size_t		 len;
		double		 q = 1.0;

		p = mkt_skip_ws(p);
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		semi = memchr(p, ';', len);
		if (semi != NULL) {
			const char *qp = strstr(semi, "q=");

			if (qp != NULL && qp < p + len)
				q = strtod(qp + 2, NULL);
			len = (size_t)(semi - p);
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == typelen && strncasecmp(p, type, len) == 0 &&
		    q > best)
			best = q;
		p = end ? end + 1 : NULL;
	}
	return best;
}

/* JSON only when the client prefers it explicitly; browsers get HTML. */
enum mkt_fmt
mkt_negotiate_fmt(const char *accept)
{
	double	 json, html;

	if (accept == NULL)
		return MKT_FMT_HTML;
	json = accept_q(accept, "application/json", 16);
	if (accept_q(accept, "application/problem+json", 24) > json)
		json = accept_q(accept, "application/problem+json", 24);
	html = accept_q(accept, "text/html", 9);
	return (json > 0 && json > html) ? MKT_FMT_JSON : MKT_FMT_HTML;
}

/*
 * Splits REQUEST_URI into path and query and decodes the path segment by
 * segment.  Encoded slashes, NULs, "." and ".." segments and invalid
 * UTF-8 are refused: nothing path-like ever reaches a file name, but a
 * strict parser leaves no doubt.
 */
static int
parse_target(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	const char		*uri = mkt_req_env(r, "REQUEST_URI");
	const char		*q, *p;
	struct mkt_buf		 full;
	size_t			 plen;

	if (uri == NULL || uri[0] != '/')
		return mkt_fail(r, 400, "bad-request",
		    mkt_tr(r, "the request target must be an absolute path"));
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	r->query = q ? mkt_arena_strdup(r->arena, q + 1) : "";
	if (plen > MAX_PATH)
		return mkt_fail(r, 414, "uri-too-long",
		    mkt_tr(r, "the request path is too long"));
	w->nsegs = 0;
	for (p = uri + 1; plen > 1; p++) {
		const char	*e = memchr(p, '/', (size_t)(uri + plen - p));
		size_t		 len;
		char		*seg;

		if (e == NULL)
			e = uri + plen;
		len = (size_t)(e - p);
		if (w->nsegs >= MKT_MAX_SEGS)
			return mkt_fail(r, 404, "not-found",
			    mkt_tr(r, "there is nothing at this address"));
		seg = mkt_arena_strndup(r->arena, p, len);
		if (mkt_url_decode(seg, &len, false) != MKT_OK ||
		    memchr(seg, '/', len) != NULL || strlen(seg) != len ||
		    strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0 ||
		    !mkt_text_clean(seg, len))
			return mkt_fail(r, 400, "bad-request",
			    mkt_tr(r, "the request path is malformed"));
		w->segs[w->nsegs++] = seg;
		if (e == uri + plen)
			break;
		p = e;
	}
	mkt_buf_init(&full);
	for (size_t i = 0; i < w->nsegs; i++) {
		mkt_buf_putc(&full, '/');
		mkt_buf_puts(&full, w->segs[i]);
	}
	r->full_path = full.ptr ? mkt_arena_strdup(r->arena, full.ptr) : "/";
	mkt_buf_free(&full);
	if (w->nsegs >= 2 && strcmp(w->segs[0], "api") == 0 &&
	    strcmp(w->segs[1], "v1") == 0) {
		r->api = true;
		r->fmt = MKT_FMT_JSON;
		memmove(w->segs, w->segs + 2, (w->nsegs - 2) * sizeof(char *));
		w->nsegs -= 2;
		r->path = r->full_path + 7;
		if (*r->path == '\0')
			r->path = "/";
	} else
		r->path = r->full_path;
	return 0;
}

static void
pick_language(struct mkt_req *r)
{
	const struct mkt_app	*app = r->app;
	const char		*want = NULL;
	size_t			 i;

	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].key, "lang") == 0)
			want = r->args[i].val;
	if (want != NULL) {
		for (i = 0; i < app->nlangs; i++)
			if (strcmp(want, app->langs[i]) == 0) {
				/* remember an explicit choice */
				mkt_header(r, "Set-Cookie", "lang=%s; Path=/; "
				    "Max-Age=31536000; SameSite=Lax; HttpOnly",
				    app->langs[i]);
				break;
			}
		if (i == app->nlangs)
			want = NULL;
	}
	if (want == NULL)
		want = mkt_req_cookie(r, "lang");
	for (i = 0; want != NULL && i < app->nlangs; i++)
		if (strcmp(want, app->langs[i]) == 0)
			break;
	if (want == NULL || i == app->nlangs) {
		want = mkt_lang_negotiate(mkt_req_header(r,
		    "HTTP_ACCEPT_LANGUAGE"), app->langs, app->nlangs);
		for (i = 0; i < app->nlangs; i++)
			if (strcmp(want, app->langs[i]) == 0)
				break;
	}
	r->lang = i < app->nlangs ? app->langs[i] : "en";
	r->catalog = i < app->nlangs ? app->catalogs[i] : NULL;
}

static size_t
count_values(struct json_object *o, size_t limit)
{
	size_t	 n = 1, i, len;

	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += count_values(v, limit);
			if (n > limit)
				return n;
		}
		break;
	}
	case json_type_array:
		len = json_object_array_length(o);
		for (i = 0; i < len && n <= limit; i++)
			n += count_values(json_object_array_get_idx(o, i),
			    limit);
		break;
	default:
		break;
	}
	return n;
}

/*
 * Reads and checks a request body: size first (413 before reading a
 * byte), then the media type (415), then the syntax (400).
 */
static int
parse_body(struct mkt_req *r)
{
	const char		*cl = mkt_req_env(r, "CONTENT_LENGTH");
	const char		*ct = mkt_req_env(r, "CONTENT_TYPE");
	char			*end, *buf;
	unsigned long long	 len;
	size_t			 got = 0, n;

	if (cl == NULL || *cl == '\0')
		return 0;
	len = strtoull(cl, &end, 10);
	if (*end != '\0' || cl[0] == '-')
		return mkt_fail(r, 400, "bad-request",
		    mkt_tr(r, "the Content-Length header is malformed"));
	if (len == 0)
		return 0;
	if (len > r->app->max_body)
		return mkt_failf(r, 413, "payload-too-large",
		    mkt_tr(r, "the request body is larger than %zu bytes"),
		    r->app->max_body);
	if (ct == NULL)
		ct = "";
	if (strncasecmp(ct, "application/json", 16) == 0) {
		const char *cs = strcasestr(ct, "charset=");

		if (cs != NULL && strncasecmp(cs + 8, "utf-8", 5) != 0 &&
		    strncasecmp(cs + 8, "\"utf-8\"", 7) != 0)
			return mkt_fail(r, 415, "unsupported-media-type",
			    mkt_tr(r, "JSON bodies must be encoded as UTF-8"));
	} else if (strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) != 0)
		return mkt_fail(r, 415, "unsupported-media-type",
		    mkt_tr(r, "send the body as application/json or "
		    "application/x-www-form-urlencoded"));
	buf = mkt_arena_alloc(r->arena, (size_t)len + 1);
	while (got < len && (n = r->io->read(r->io_ctx, buf + got,
	    (size_t)len - got)) > 0)
		got += n;
	if (got != len)
		return mkt_fail(r, 400, "bad-request",
		    mkt_tr(r, "the request body ended early"));
	buf[got] = '\0';
	r->body = buf;
	r->body_len = got;
	if (ct[12] == 'j' || ct[12] == 'J') {	/* application/json */
		struct json_object	*o;
		int			 jerr;
		size_t			 off;

		if (!mkt_utf8_valid(buf, got))
			return mkt_fail(r, 400, "invalid-utf8",
			    mkt_tr(r, "the JSON body is not valid UTF-8"));
		o = mkt_json_parse_ex(buf, got, JSON_TOKENER_STRICT |
		    JSON_TOKENER_VALIDATE_UTF8, &off, &jerr);
		mkt_json_own(r, o);
		if (jerr != json_tokener_success || o == NULL) {
			if (jerr == json_tokener_error_depth)
				return mkt_failf(r, 400, "invalid-json",
				    mkt_tr(r, "the JSON body nests deeper "
				    "than %d levels"), MKT_JSON_DEPTH);
			return mkt_failf(r, 400, "invalid-json",
			    mkt_tr(r, "the JSON body is malformed at byte "
			    "%zu: %s"), off, json_tokener_error_desc(
			    (enum json_tokener_error)jerr));
		}
		while (off < got && (buf[off] == ' ' || buf[off] == '\n' ||
		    buf[off] == '\r' || buf[off] == '\t'))
			off++;
		if (off != got)
			return mkt_failf(r, 400, "invalid-json",
			    mkt_tr(r, "unexpected data after the JSON value "
			    "at byte %zu"), off);
		if (count_values(o, MAX_JSON_VALUES) > MAX_JSON_VALUES)
			return mkt_failf(r, 413, "payload-too-large",
			    mkt_tr(r, "the JSON body holds more than %d "
			    "values"), MAX_JSON_VALUES);
		r->json = o;
	} else {
		switch (mkt_parse_pairs(r->arena, buf, got, '&', true,
		    MAX_PAIRS, &r->form, &r->nform)) {
		case MKT_OK:
			break;
		case MKT_EUTF8:
			return mkt_fail(r, 400, "invalid-utf8",
			    mkt_tr(r, "a form field is not valid text"));
		case MKT_ETOOBIG:
			return mkt_fail(r, 413, "payload-too-large",
			    mkt_tr(r, "the form has too many fields"));
		default:
			return mkt_fail(r, 400, "bad-request",
			    mkt_tr(r, "the form data is malformed"));
		}
	}
	return 0;
}

static int
parse_query(struct mkt_req *r)
{
	size_t	 qlen = strlen(r->query);

	if (qlen > r->app->max_query)
		return mkt_fail(r, 414, "uri-too-long",
		    mkt_tr(r, "the query string is too long"));
	switch (mkt_parse_pairs(r->arena, r->query, qlen, '&', true,
	    MAX_PAIRS, &r->args, &r->nargs)) {
	case MKT_OK:
		return 0;
	case MKT_EUTF8:
		return mkt_fail(r, 400, "invalid-utf8",
		    mkt_tr(r, "a query parameter is not valid text "
		    "(invalid UTF-8 or control characters)"));
	case MKT_ETOOBIG:
		return mkt_fail(r, 400, "bad-request",
		    mkt_tr(r, "the query string has too many parameters"));
	default:
		return mkt_fail(r, 400, "bad-request",
		    mkt_tr(r, "the query string is malformed "
		    "(check its percent-escapes)"));
	}
}

static void
parse_cookies(struct mkt_req *r)
{
	const char	*c = mkt_req_header(r, "HTTP_COOKIE");

	/* Cookies are a hint (language now, session later): a malformed
	 * header is ignored rather than refused. */
	if (c == NULL || strlen(c) > MAX_COOKIES ||
	    mkt_parse_pairs(r->arena, c, strlen(c), ';', false, 64,
	    &r->cookies, &r->ncookies) != MKT_OK) {
		r->cookies = NULL;
		r->ncookies = 0;
	}
}

/* Routes, validates and runs the handler; returns the HTTP status. */
static int
dispatch(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	const struct mkt_route	*rt = NULL;
	struct mkt_buf		 allow;
	struct json_object	*errors;
	enum mkt_match		 m;
	int			 status;
	const char		*uri = mkt_req_env(r, "REQUEST_URI");

	/* Format and language first, so that even an error in the path or
	 * the query is answered in the form and language the client wants. */
	if (uri != NULL && strncmp(uri, "/api/", 5) == 0)
		r->fmt = MKT_FMT_JSON;
	else
		r->fmt = mkt_negotiate_fmt(mkt_req_header(r, "HTTP_ACCEPT"));
	parse_cookies(r);
	pick_language(r);
	if ((status = parse_target(r)) != 0)
		return status;
	if ((status = parse_query(r)) != 0)
		return status;
	pick_language(r);	/* now with ?lang= */
	if (r->method == MKT_METHOD__MAX)
		r->method_name = "?";
	mkt_buf_init(&allow);
	m = mkt_route_find(r->app->prog->routes, r->method,
	    (const char *const *)w->segs, w->nsegs, &rt, r->route_args,
	    &allow);
	if (m == MKT_MATCH_NONE) {
		mkt_buf_free(&allow);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is nothing at this address"));
	}
	if (m == MKT_MATCH_METHOD) {
		mkt_header(r, "Allow", "%s", allow.ptr);
		mkt_buf_free(&allow);
		if (r->method == MKT_OPTIONS)
			return 204;
		return mkt_failf(r, 405, "method-not-allowed",
		    mkt_tr(r, "this address does not accept %s"),
		    r->method_name);
	}
	mkt_buf_free(&allow);
	if (r->api && !(rt->formats & MKT_FMT_JSON))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is nothing at this address"));
	if (!(rt->formats & r->fmt))
		r->fmt = (rt->formats & MKT_FMT_HTML) ? MKT_FMT_HTML :
		    MKT_FMT_JSON;
	r->route = rt;
	if ((status = mkt_authenticate(r)) != 0)
		return status;
	if (!mkt_has_role(r->user, rt->role)) {
		if (r->user != NULL)
			return mkt_fail(r, 403, "forbidden",
			    mkt_tr(r, "your account does not have the role "
			    "this page needs"));
		if (r->fmt == MKT_FMT_HTML && (r->method == MKT_GET ||
		    r->method == MKT_HEAD)) {
			struct mkt_buf	 next;

			mkt_buf_init(&next);
			mkt_buf_puts(&next, "/login?next=");
			mkt_esc_url(&next, r->full_path);
			mkt_redirect(r, 303, mkt_arena_strdup(r->arena,
			    next.ptr));
			mkt_buf_free(&next);
			return 303;
		}
		return mkt_fail(r, 401, "unauthenticated",
		    mkt_tr(r, "sign in to use this page"));
	}
	if (r->method == MKT_POST || r->method == MKT_PUT ||
	    r->method == MKT_PATCH || r->method == MKT_DELETE) {
		if ((status = parse_body(r)) != 0)
			return status;
		if (rt->role != MKT_ROLE_SIGNED && !mkt_csrf_ok(r))
			return mkt_fail(r, 403, "csrf",
			    mkt_tr(r, "this form has expired or did not come "
			    "from this site; reload the page and try again"));
	}
	errors = mkt_json_own(r, json_object_new_array());
	if (mkt_params_validate(r, errors) != MKT_OK) {
		status = mkt_fail(r, 400, "invalid-parameter",
		    mkt_tr(r, "some parameters are not valid"));
		r->problem_extra = errors;
		return status;
	}
	r->view_name = rt->view;
	return rt->handler(r);
}

static void
set_request_id(struct mkt_req *r)
{
	const char	*hdr = mkt_req_header(r, "HTTP_X_REQUEST_ID");

	/* Echo a caller's id only when it is harmless; otherwise make one. */
	if (hdr != NULL && mkt_request_id_ok(hdr))
		snprintf(r->id, sizeof(r->id), "%s", hdr);
	else
		mkt_random_hex(r->id, 16);
}

/*
 * Reads what is left of a body the request did not use (a 405 or 413
 * answered first).  The web server is still sending it; closing on it
 * makes lighttpd turn the answer already given into a 500.
 */
static void
drain_body(struct mkt_req *r)
{
	const char		*cl = mkt_req_env(r, "CONTENT_LENGTH");
	unsigned long long	 left;
	char			 scratch[16384];
	size_t			 n;

	if (r->body != NULL || cl == NULL || *cl < '0' || *cl > '9')
		return;
	left = strtoull(cl, NULL, 10);
	if (left > 64ULL * 1024 * 1024)
		return;		/* the server's own limit stops such bodies */
	while (left > 0 && (n = r->io->read(r->io_ctx, scratch,
	    left < sizeof(scratch) ? (size_t)left : sizeof(scratch))) > 0)
		left -= n;
}

/*
 * The whole life of one request.  Everything it allocates lives in the
 * worker's arena, reset at the end whatever happened.
 */
void
mkt_handle(struct mkt_worker *w, const struct mkt_io *io, void *ioctx,
    char *const *envp)
{
	struct mkt_req	 r;
	const char	*method;
	double		 ms;

	memset(&r, 0, sizeof(r));
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.arena = w->arena;
	r.app = w->app;
	r.worker = w;
	r.io = io;
	r.io_ctx = ioctx;
	r.envp = envp;
	r.fmt = MKT_FMT_HTML;
	r.lang = w->app->nlangs ? w->app->langs[0] : "en";
	r.catalog = w->app->nlangs ? w->app->catalogs[0] : NULL;
	r.path = r.full_path = "/";
	r.query = "";
	mkt_buf_init(&r.headers);
	set_request_id(&r);
	method = mkt_req_env(&r, "REQUEST_METHOD");
	r.method = mkt_method_parse(method ? method : "");
	r.method_name = r.method < MKT_METHOD__MAX ?
	    mkt_method_name(r.method) : "?";
	r.addr = mkt_req_env(&r, "REMOTE_ADDR");

	r.status = dispatch(&r);
	mkt_render(&r);
	drain_body(&r);

	ms = mkt_elapsed_ms(&r.t0);
	mkt_log_access(r.id, r.method_name, r.full_path, r.status,
	    r.bytes_out, ms, r.addr);
	mkt_metrics_count(r.status, ms);
	mkt_db_request_end(w);
	mkt_buf_free(&r.headers);
	mkt_arena_reset(w->arena);
	w->served++;
}

/* A program's own thread: a worker and a request that is no request. */
struct mkt_task {
	struct mkt_worker	 w;
	struct mkt_req		 r;
};

static char *const no_env[] = { NULL };

struct mkt_req *
mkt_task_new(const struct mkt_app *app, const char *name)
{
	struct mkt_task	*t = mkt_xcalloc(1, sizeof(*t));

	mkt_worker_init(&t->w, app);
	t->r.arena = t->w.arena;
	t->r.app = app;
	t->r.worker = &t->w;
	t->r.envp = no_env;
	t->r.fmt = MKT_FMT_JSON;
	t->r.lang = app->nlangs ? app->langs[0] : "en";
	t->r.catalog = app->nlangs ? app->catalogs[0] : NULL;
	t->r.path = t->r.full_path = "/";
	t->r.query = "";
	t->r.method_name = "-";
	clock_gettime(CLOCK_MONOTONIC, &t->r.t0);
	mkt_buf_init(&t->r.headers);
	snprintf(t->r.id, sizeof(t->r.id), "%s", name);
	return &t->r;
}

void
mkt_task_done(struct mkt_req *r)
{
	mkt_db_request_end(r->worker);
	mkt_buf_reset(&r->headers);
	mkt_arena_reset(r->arena);
}

void
mkt_task_free(struct mkt_req *r)
{
	struct mkt_task	*t;

	if (r == NULL)
		return;
	t = (struct mkt_task *)((char *)r - offsetof(struct mkt_task, r));
	mkt_db_request_end(&t->w);
	mkt_buf_free(&t->r.headers);
	mkt_worker_free(&t->w);
	free(t);
}

long long
mkt_monotonic_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
mkt_fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

double
mkt_elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}
