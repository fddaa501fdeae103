/* render.c: view model to JSON or HTML (XSLT), problems, the response */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

#include "extern.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

static const struct {
	int		 code;
	const char	*text;
} statuses[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 301, "Moved Permanently" }, { 302, "Found" },
	{ 303, "See Other" }, { 304, "Not Modified" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 402, "Payment Required" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 409, "Conflict" }, { 410, "Gone" }, { 413, "Content Too Large" },
	{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
};

const char *
mkt_status_text(int code)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == code)
			return statuses[i].text;
	return "Unknown";
}

/* Problem types (RFC 9457 "type", relative to the site) and titles. */
static const struct {
	const char	*type;
	const char	*title;
} problems[] = {
	{ "bad-request",		N_("Bad request") },
	{ "invalid-parameter",		N_("Invalid parameter") },
	{ "invalid-json",		N_("Invalid JSON") },
	{ "invalid-utf8",		N_("Invalid text encoding") },
	{ "unauthenticated",		N_("Sign-in required") },
	{ "forbidden",			N_("Forbidden") },
	{ "csrf",			N_("Form expired") },
	{ "conflict",			N_("Conflict") },
	{ "invalid-token",		N_("Invalid token") },
	{ "too-many-requests",		N_("Too many attempts") },
	{ "not-found",			N_("Not found") },
	{ "method-not-allowed",		N_("Method not allowed") },
	{ "payload-too-large",		N_("Request too large") },
	{ "uri-too-long",		N_("Address too long") },
	{ "unsupported-media-type",	N_("Unsupported media type") },
	{ "service-unavailable",	N_("Service unavailable") },
	{ "internal-error",		N_("Internal error") },
	{ "not-implemented",		N_("Not available yet") },
	{ "invalid-api-key",		N_("Invalid API key") },
	{ "not-subscribed",		N_("Not subscribed") },
	{ "model-not-found",		N_("Unknown model") },
	{ "rate-limited",		N_("Rate limit reached") },
	{ "rate-limit-unavailable",	N_("Rate limits unavailable") },
	{ "quota-exceeded",		N_("Monthly quota used up") },
	{ "budget-exhausted",		N_("Budget exhausted") },
	{ "provider-error",		N_("Provider error") },
	{ "provider-timeout",		N_("Provider timeout") },
	{ "usage-not-recorded",		N_("Usage could not be recorded") },
};

static void
json_put(void *p)
{
	json_object_put(p);
}

struct json_object *
mkt_json_own(struct mkt_req *r, struct json_object *o)
{
	if (o != NULL)
		mkt_arena_defer(r->arena, json_put, o);
	return o;
}

struct json_object *
mkt_view(struct mkt_req *r, const char *view)
{
	r->view = mkt_json_own(r, json_object_new_object());
	if (view != NULL)
		r->view_name = view;
	return r->view;
}

/*
 * Answers with a view model already serialised (from a cache): JSON
 * answers send the text as it is, HTML parses it for the stylesheet.
 */
enum mkt_err
mkt_view_cached(struct mkt_req *r, const char *json, size_t len)
{
	struct json_object	*v;

	if (r->fmt == MKT_FMT_JSON) {
		r->view_text = json;
		r->view_text_len = len;
		return MKT_OK;
	}
	if ((v = json_tokener_parse(json)) == NULL)
		return MKT_EINVAL;
	r->view = mkt_json_own(r, v);
	return MKT_OK;
}

int
mkt_fail(struct mkt_req *r, int status, const char *type, const char *detail)
{
	size_t	 i;

	r->problem_type = type;
	r->problem_title = mkt_status_text(status);
	for (i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (strcmp(problems[i].type, type) == 0)
			r->problem_title = mkt_tr(r, problems[i].title);
	r->problem_detail = detail;
	r->view = NULL;
	r->view_text = NULL;
	return status;
}

int
mkt_failf(struct mkt_req *r, int status, const char *type, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*detail;

	va_start(ap, fmt);
	detail = mkt_arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	return mkt_fail(r, status, type, detail);
}

int
mkt_redirect(struct mkt_req *r, int status, const char *location)
{
	mkt_header(r, "Location", "%s", location);
	return status;
}

/* Response headers; a value with CR or LF is dropped, never sent. */
void
mkt_header(struct mkt_req *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*v;

	va_start(ap, fmt);
	v = mkt_arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	if (strpbrk(v, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL) {
		mkt_log_warn(r, "dropped response header \"%s\" holding a "
		    "line break", name);
		return;
	}
	mkt_buf_printf(&r->headers, "%s: %s\r\n", name, v);
}

/* Forgets the headers a handler set (e.g. a cookie for a session whose
 * transaction then failed). */
void
mkt_headers_clear(struct mkt_req *r)
{
	mkt_buf_reset(&r->headers);
}

/* Routes of capabilities still to come answer honestly with 501. */
int
mkt_not_yet(struct mkt_req *r)
{
	return mkt_fail(r, 501, "not-implemented",
	    mkt_tr(r, "this part of the marketplace is not available yet"));
}

/* A link to this program's resource, under /api/v1 for API answers. */
char *
mkt_link(struct mkt_req *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = mkt_arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	return r->api ? mkt_arena_printf(r->arena, "/api/v1%s", p) : p;
}

/* ---- JSON view model to XML (README.render) ---- */

static bool
xml_name_ok(const char *s)
{
	const char	*p;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return false;
	if (strncasecmp(s, "xml", 3) == 0)
		return false;
	for (p = s + 1; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '-'))
			return false;
	return p - s <= 128;
}

/*
 * Copies s, replacing what XML 1.0 cannot carry (C0 controls but tab,
 * CR, LF; U+FFFE/U+FFFF; invalid UTF-8) with U+FFFD.
 */
static void
xml_text(struct mkt_buf *b, const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n) {
		unsigned char	 c = (unsigned char)s[i];
		size_t		 len = 1;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				mkt_buf_puts(b, "\xef\xbf\xbd");
			else
				mkt_buf_putc(b, (char)c);
			i++;
			continue;
		}
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (i + len > n || !mkt_utf8_valid(s + i, len)) {
			mkt_buf_puts(b, "\xef\xbf\xbd");
			i++;		/* resynchronise on the next byte */
			continue;
		}
		if (len == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] & 0xfe) == 0xbe) {
			mkt_buf_puts(b, "\xef\xbf\xbd");	/* U+FFFE/FFFF */
			i += len;
			continue;
		}
		mkt_buf_append(b, s + i, len);
		i += len;
	}
}

static void
add_text(xmlNodePtr node, const char *s, size_t n)
{
	struct mkt_buf	 b;

	if (n == 0)
		return;
	mkt_buf_init(&b);
	xml_text(&b, s, n);
	xmlAddChild(node, xmlNewTextLen(BAD_CAST b.ptr, (int)b.len));
	mkt_buf_free(&b);
}

static xmlNodePtr
add_elem(xmlNodePtr parent, const char *key)
{
	xmlNodePtr	 e;
	struct mkt_buf	 b;

	if (xml_name_ok(key))
		return xmlNewChild(parent, NULL, BAD_CAST key, NULL);
	e = xmlNewChild(parent, NULL, BAD_CAST "entry", NULL);
	mkt_buf_init(&b);
	xml_text(&b, key, strlen(key));
	xmlNewProp(e, BAD_CAST "key", BAD_CAST(b.ptr ? b.ptr : ""));
	mkt_buf_free(&b);
	return e;
}

/* The shortest "%g" text that reads back as the same double ("1e-05",
 * "0.1", "19.99"), in the C locale the programs never leave. */
static void
shortest_double(char *buf, size_t sz, double d)
{
	int	 prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Fills node with the mapping of one JSON value. */
void
mkt_json_to_xml(xmlNodePtr node, struct json_object *v)
{
	size_t	 i, n;
	char	 num[32];

	switch (json_object_get_type(v)) {
	case json_type_null:
		xmlNewProp(node, BAD_CAST "null", BAD_CAST "true");
		break;
	case json_type_boolean:
		add_text(node, json_object_get_boolean(v) ? "true" : "false",
		    json_object_get_boolean(v) ? 4 : 5);
		break;
	case json_type_int:
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_object_get_int64(v));
		add_text(node, num, strlen(num));
		break;
	case json_type_double:
		shortest_double(num, sizeof(num), json_object_get_double(v));
		add_text(node, num, strlen(num));
		break;
	case json_type_string:
		/* by length: a "\u0000" inside must become U+FFFD, not an end */
		add_text(node, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			mkt_json_to_xml(xmlNewChild(node, NULL,
			    BAD_CAST "item", NULL),
			    json_object_array_get_idx(v, i));
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val)
			mkt_json_to_xml(add_elem(node, key), val);
		break;
	}
	}
}

static void
meta_add(xmlNodePtr meta, const char *name, const char *val)
{
	add_text(xmlNewChild(meta, NULL, BAD_CAST name, NULL), val,
	    strlen(val));
}

/* The raw query string less any "lang" pair: the language switcher keeps
 * the rest of the page's address. */
static const char *
query_without_lang(struct mkt_req *r)
{
	struct mkt_buf	 b;
	const char	*p = r->query, *out;

	mkt_buf_init(&b);
	while (*p != '\0') {
		const char	*e = strchr(p, '&');
		size_t		 n = e ? (size_t)(e - p) : strlen(p);

		if (n > 0 && !(n >= 4 && strncmp(p, "lang", 4) == 0 &&
		    (n == 4 || p[4] == '='))) {
			if (b.len > 0)
				mkt_buf_putc(&b, '&');
			mkt_buf_append(&b, p, n);
		}
		p += n;
		if (*p == '&')
			p++;
	}
	out = mkt_arena_strdup(r->arena, b.ptr ? b.ptr : "");
	mkt_buf_free(&b);
	return out;
}

static void
doc_free(void *p)
{
	xmlFreeDoc(p);
}

/* Builds <page><meta/><data/></page> for one request (README.render). */
xmlDocPtr
mkt_view_to_xml(struct mkt_req *r, struct json_object *data)
{
	xmlDocPtr	 doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr	 root, meta, langs;
	size_t		 i;

	mkt_arena_defer(r->arena, doc_free, doc);
	root = xmlNewDocNode(doc, NULL, BAD_CAST "page", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "view",
	    BAD_CAST(r->view_name ? r->view_name : "common/error"));
	xmlNewProp(root, BAD_CAST "program", BAD_CAST r->app->prog->name);
	xmlNewProp(root, BAD_CAST "lang", BAD_CAST r->lang);
	meta = xmlNewChild(root, NULL, BAD_CAST "meta", NULL);
	meta_add(meta, "lang", r->lang);
	langs = xmlNewChild(meta, NULL, BAD_CAST "languages", NULL);
	for (i = 0; i < r->app->nlangs; i++)
		meta_add(langs, "item", r->app->langs[i]);
	meta_add(meta, "path", r->full_path);
	meta_add(meta, "query", r->query);
	meta_add(meta, "lang-query", query_without_lang(r));
	meta_add(meta, "request-id", r->id);
	meta_add(meta, "static", r->app->static_url);
	meta_add(meta, "asset-version", PACKAGE_VERSION);
	meta_add(meta, "section", (r->route && r->route->section) ?
	    r->route->section : "");
	if (r->route != NULL && (r->route->formats & MKT_FMT_JSON) &&
	    r->status < 400)
		meta_add(meta, "api", mkt_arena_printf(r->arena,
		    "/api/v1%s%s%s", r->path, *r->query ? "?" : "", r->query));
	else
		meta_add(meta, "api", "");
	if (r->user != NULL) {
		xmlNodePtr	 user = xmlNewChild(meta, NULL, BAD_CAST "user",
		    NULL), roles;
		int		 k;

		meta_add(user, "name", r->user->name ? r->user->name : "");
		meta_add(user, "email", r->user->email ? r->user->email : "");
		roles = xmlNewChild(user, NULL, BAD_CAST "roles", NULL);
		for (k = MKT_ROLE_CONSUMER; k < MKT_ROLE__MAX; k++)
			if (r->user->roles & (1u << k))
				meta_add(roles, "item", mkt_role_name(k));
		meta_add(meta, "csrf", r->user->csrf ? r->user->csrf : "");
	}
	mkt_json_to_xml(xmlNewChild(root, NULL, BAD_CAST "data", NULL), data);
	return doc;
}

/* ---- XSLT ---- */

/* mkt:tr("msgid"): the message in the request's language. */
static void
xslt_tr(xmlXPathParserContextPtr ctxt, int nargs)
{
	xsltTransformContextPtr	 tctxt;
	const struct mkt_req	*r;
	xmlChar			*s;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	s = xmlXPathPopString(ctxt);
	if (xmlXPathCheckError(ctxt) || s == NULL) {
		xmlFree(s);
		return;
	}
	tctxt = xsltXPathGetTransformContext(ctxt);
	r = tctxt ? tctxt->_private : NULL;
	valuePush(ctxt, xmlXPathNewString(BAD_CAST mkt_tr(r,
	    (const char *)s)));
	xmlFree(s);
}

/* After start-up no stylesheet or document may load anything more. */
static xmlParserInputPtr
deny_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
	    "refused to load external resource \"%s\"", url ? url : "");
	return NULL;
}

static void
xml_error(void *ctx, const char *fmt, ...)
{
	va_list		 ap;
	struct mkt_buf	 b;

	(void)ctx;
	mkt_buf_init(&b);
	va_start(ap, fmt);
	mkt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	while (b.len > 0 && b.ptr[b.len - 1] == '\n')
		b.ptr[--b.len] = '\0';
	if (b.len > 0)
		mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
		    "libxml2/libxslt: %s", b.ptr);
	mkt_buf_free(&b);
}

static int
load_view(struct mkt_app *app, const char *name)
{
	char			 path[4096];
	xsltStylesheetPtr	 s;
	size_t			 i;

	for (i = 0; i < app->nviews; i++)
		if (strcmp(app->views[i].name, name) == 0)
			return 0;
	if (app->nviews >= MKT_MAX_VIEWS) {
		fprintf(stderr, "too many views (at most %d)\n", MKT_MAX_VIEWS);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.xsl", app->template_dir, name);
	if ((s = xsltParseStylesheetFile(BAD_CAST path)) == NULL) {
		fprintf(stderr, "could not compile stylesheet \"%s\"; check "
		    "template_dir in the configuration\n", path);
		return -1;
	}
	app->views[app->nviews].name = name;
	app->views[app->nviews].style = s;
	app->nviews++;
	return 0;
}

/*
 * Compiles every stylesheet the route table names, then locks the XML
 * stack down: forbid-all security preferences for every transform and an
 * entity loader that refuses everything (no document(), no XXE).
 */
int
mkt_xslt_setup(struct mkt_app *app)
{
	static const int	 forbid[] = {
		XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE,
		XSLT_SECPREF_CREATE_DIRECTORY, XSLT_SECPREF_READ_NETWORK,
		XSLT_SECPREF_WRITE_NETWORK
	};
	const struct mkt_route	*rt;
	size_t			 i;

	xmlInitParser();
	exsltRegisterAll();
	xmlSetGenericErrorFunc(NULL, xml_error);
	xsltSetGenericErrorFunc(NULL, xml_error);
	xsltRegisterExtModuleFunction(BAD_CAST "tr", BAD_CAST MKT_XSLT_NS,
	    xslt_tr);
	if (load_view(app, "common/error") != 0)
		return -1;
	for (rt = app->prog->routes; rt->pattern != NULL; rt++)
		if (rt->view != NULL && load_view(app, rt->view) != 0)
			return -1;
	app->secprefs = xsltNewSecurityPrefs();
	for (i = 0; i < sizeof(forbid) / sizeof(forbid[0]); i++)
		xsltSetSecurityPrefs(app->secprefs, forbid[i],
		    xsltSecurityForbid);
	xmlSetExternalEntityLoader(deny_entity_loader);
	return 0;
}

static xsltStylesheetPtr
find_view(const struct mkt_app *app, const char *name)
{
	size_t	 i;

	for (i = 0; i < app->nviews; i++)
		if (strcmp(app->views[i].name, name) == 0)
			return app->views[i].style;
	return NULL;
}

/* Transforms the view model; false when the stylesheet failed. */
static bool
render_html(struct mkt_req *r, struct json_object *data, struct mkt_buf *out)
{
	xsltStylesheetPtr	 style;
	xsltTransformContextPtr	 ctxt;
	xmlDocPtr		 doc, res;
	xmlChar			*html = NULL;
	int			 len = 0;
	bool			 ok;

	style = find_view(r->app, r->view_name);
	if (style == NULL) {
		mkt_log_error(r, "no stylesheet compiled for view \"%s\"",
		    r->view_name);
		return false;
	}
	doc = mkt_view_to_xml(r, data);
	ctxt = xsltNewTransformContext(style, doc);
	if (ctxt == NULL)
		return false;
	ctxt->_private = r;
	xsltSetCtxtSecurityPrefs(r->app->secprefs, ctxt);
	res = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, ctxt);
	ok = res != NULL && ctxt->state != XSLT_STATE_ERROR &&
	    ctxt->state != XSLT_STATE_STOPPED &&
	    xsltSaveResultToString(&html, &len, res, style) == 0;
	if (ok && html != NULL)
		mkt_buf_append(out, html, (size_t)len);
	xmlFree(html);
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	if (!ok)
		mkt_log_error(r, "stylesheet \"%s\" failed", r->view_name);
	return ok;
}

static struct json_object *
problem_json(struct mkt_req *r)
{
	struct json_object	*p = mkt_json_own(r, json_object_new_object());

	json_object_object_add(p, "type", json_object_new_string(
	    mkt_arena_printf(r->arena, "/problems/%s", r->problem_type)));
	json_object_object_add(p, "title",
	    json_object_new_string(r->problem_title));
	json_object_object_add(p, "status", json_object_new_int(r->status));
	if (r->problem_detail != NULL)
		json_object_object_add(p, "detail",
		    json_object_new_string(r->problem_detail));
	json_object_object_add(p, "instance",
	    json_object_new_string(r->full_path));
	json_object_object_add(p, "request_id", json_object_new_string(r->id));
	/* An array is the list of bad fields; an object carries extension
	 * members (RFC 9457 section 3.2), such as a pipeline's report. */
	if (r->problem_extra != NULL &&
	    json_object_is_type(r->problem_extra, json_type_object)) {
		json_object_object_foreach(r->problem_extra, k, v)
			if (json_object_object_get_ex(p, k, NULL) == 0)
				json_object_object_add(p, k,
				    json_object_get(v));
	} else if (r->problem_extra != NULL)
		json_object_object_add(p, "errors",
		    json_object_get(r->problem_extra));
	return p;
}

/* len (size_t)-1: a stream, whose length nobody knows yet. */
static void
write_head(struct mkt_req *r, struct mkt_buf *h, const char *ctype,
    size_t len)
{
	mkt_buf_printf(h, "Status: %d %s\r\n", r->status,
	    mkt_status_text(r->status));
	if (ctype != NULL && len == (size_t)-1)
		mkt_buf_printf(h, "Content-Type: %s\r\n", ctype);
	else if (ctype != NULL)
		mkt_buf_printf(h, "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    ctype, len);
	mkt_buf_printf(h, "X-Request-ID: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n", r->id);
	if (ctype != NULL && strncmp(ctype, "text/html", 9) == 0)
		mkt_buf_puts(h, "Content-Security-Policy: default-src 'self'; "
		    "img-src 'self' data:; style-src 'self'; script-src 'self'; "
		    "object-src 'none'; base-uri 'none'; form-action 'self'; "
		    "frame-ancestors 'none'\r\n"
		    "Content-Language: ");
	if (ctype != NULL && strncmp(ctype, "text/html", 9) == 0)
		mkt_buf_printf(h, "%s\r\n", r->lang);
	/* API answers are never stored: under /api/v1, and at addresses
	 * that only speak JSON (the gateway, health), which are still
	 * negotiated like pages. */
	if (r->api)
		mkt_buf_puts(h, "Cache-Control: no-store\r\n");
	else
		mkt_buf_printf(h, "Cache-Control: %s\r\n"
		    "Vary: Accept, Accept-Language, Cookie\r\n",
		    r->route != NULL && !(r->route->formats & MKT_FMT_HTML) ?
		    "no-store" : "private, no-cache");
	if (r->headers.len > 0)
		mkt_buf_append(h, r->headers.ptr, r->headers.len);
	mkt_buf_puts(h, "\r\n");
}

static const char fallback_html[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Internal error</title></head><body><h1>Internal error</h1>"
    "<p>The page could not be rendered. Please try again later.</p>"
    "</body></html>\n";

/* Renders the answer to the worker's output buffer and sends it. */
void
mkt_render(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	struct mkt_buf		 body, head;
	struct json_object	*data = r->view;
	const char		*ctype = NULL;
	bool			 problem = r->problem_type != NULL;

	if (r->streamed)
		return;		/* the handler sent everything itself */
	mkt_buf_init(&body);
	mkt_buf_init(&head);
	if (!problem && r->status >= 400 && data == NULL)
		mkt_fail(r, r->status, "internal-error", NULL);
	problem = r->problem_type != NULL;
	if (problem) {
		data = problem_json(r);
		r->view_name = "common/error";
		if (r->status == 503)
			mkt_header(r, "Retry-After", "5");
	}
	if (r->status == 204 || r->status == 304 ||
	    (data == NULL && r->view_text == NULL && r->status < 400)) {
		/* no body */
	} else if (r->view_text != NULL && !problem) {
		mkt_buf_append(&body, r->view_text, r->view_text_len);
		mkt_buf_putc(&body, '\n');
		ctype = "application/json";
	} else if (r->fmt == MKT_FMT_JSON) {
		const char *s = json_object_to_json_string_ext(data,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		mkt_buf_puts(&body, s);
		mkt_buf_putc(&body, '\n');
		ctype = problem ? "application/problem+json" :
		    "application/json";
	} else if (r->view_name != NULL && render_html(r, data, &body)) {
		ctype = "text/html; charset=utf-8";
	} else {
		r->status = 500;
		mkt_buf_reset(&body);
		mkt_buf_puts(&body, fallback_html);
		ctype = "text/html; charset=utf-8";
	}
	write_head(r, &head, ctype, body.len);
	mkt_buf_reset(&w->out);
	mkt_buf_append(&w->out, head.ptr, head.len);
	if (r->method != MKT_HEAD && body.len > 0)
		mkt_buf_append(&w->out, body.ptr, body.len);
	if (!r->io->write(r->io_ctx, w->out.ptr, w->out.len))
		mkt_log_info(r, "client went away before the answer was sent");
	r->bytes_out = body.len;
	mkt_buf_free(&head);
	mkt_buf_free(&body);
}

bool
mkt_stream_begin(struct mkt_req *r, int status, const char *ctype)
{
	struct mkt_buf	 head;
	bool		 ok;

	r->status = status;
	r->streamed = true;
	mkt_buf_init(&head);
	write_head(r, &head, ctype, (size_t)-1);
	ok = r->io->write(r->io_ctx, head.ptr, head.len) &&
	    (r->io->flush == NULL || r->io->flush(r->io_ctx));
	mkt_buf_free(&head);
	return ok;
}

bool
mkt_stream_write(struct mkt_req *r, const char *p, size_t n)
{
	r->bytes_out += n;
	return r->io->write(r->io_ctx, p, n) &&
	    (r->io->flush == NULL || r->io->flush(r->io_ctx));
}
