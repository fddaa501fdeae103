/* t-render.c: the view model as XML (README.render), rendering and the
 * XSLT lock-down (render.c) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

#include "extern.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FFFD		"\xef\xbf\xbd"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

/* ---- helpers ---- */

/* Serialises a document's root element as UTF-8, without declaration. */
static char *
dump_root(xmlDocPtr doc)
{
	xmlChar		*mem = NULL;
	int		 len = 0;
	const char	*p;
	char		*s;
	size_t		 n;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
	if (mem == NULL)
		return mkt_xstrdup("(dump failed)");
	p = strstr((const char *)mem, "?>\n");
	p = p ? p + 3 : (const char *)mem;
	s = mkt_xstrdup(p);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	xmlFree(mem);
	return s;
}

/* Maps a JSON value into <data> and returns the serialised element. */
static char *
xml_of_obj(struct json_object *v)
{
	xmlDocPtr	 doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr	 root = xmlNewDocNode(doc, NULL, BAD_CAST "data", NULL);
	char		*s;

	xmlDocSetRootElement(doc, root);
	mkt_json_to_xml(root, v);
	s = dump_root(doc);
	xmlFreeDoc(doc);
	return s;
}

static char *
xml_of(const char *json)
{
	struct json_object	*v = json_tokener_parse(json);
	char			*s;

	if (v == NULL)
		return mkt_xstrdup("(invalid JSON in the test)");
	s = xml_of_obj(v);
	json_object_put(v);
	return s;
}

/* The text content of the first child of <data> of a mapped value. */
static char *
text_of_obj(struct json_object *v)
{
	xmlDocPtr	 doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr	 root = xmlNewDocNode(doc, NULL, BAD_CAST "data", NULL);
	xmlChar		*c;
	char		*s;

	xmlDocSetRootElement(doc, root);
	mkt_json_to_xml(root, v);
	c = xmlNodeGetContent(root);
	s = mkt_xstrdup(c ? (const char *)c : "");
	xmlFree(c);
	xmlFreeDoc(doc);
	return s;
}

/* The mapping of one string given with its length (may hold any byte). */
static char *
text_of_bytes(const char *s, size_t n)
{
	struct json_object	*v = json_object_new_string_len(s, (int)n);
	char			*t = text_of_obj(v);

	json_object_put(v);
	return t;
}

static bool
well_formed(const char *xml)
{
	xmlDocPtr	 doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml",
	    "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	xmlFreeDoc(doc);
	return doc != NULL;
}

/* ---- mkt_status_text ---- */

static void
test_status_text_known_codes(void)
{
	static const struct {
		int		 code;
		const char	*text;
	} t[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 303, "See Other" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		CU_ASSERT_STRING_EQUAL(mkt_status_text(t[i].code), t[i].text);
}

static void
test_status_text_unknown_codes(void)
{
	CU_ASSERT_STRING_EQUAL(mkt_status_text(0), "Unknown");
	CU_ASSERT_STRING_EQUAL(mkt_status_text(299), "Unknown");
	CU_ASSERT_STRING_EQUAL(mkt_status_text(-1), "Unknown");
	CU_ASSERT_STRING_EQUAL(mkt_status_text(999), "Unknown");
}

/* ---- mkt_json_to_xml: the mapping rules ---- */

static const struct {
	const char	*json;
	const char	*xml;
} mappings[] = {
	/* README.render's example */
	{ "{\"services\":[{\"name\":\"gpt-4o\",\"tags\":[\"vision\"],"
	  "\"x y\":null}]}",
	  "<data><services><item><name>gpt-4o</name><tags><item>vision</item>"
	  "</tags><entry key=\"x y\" null=\"true\"/></item></services></data>" },
	/* 1: objects, in member order */
	{ "{}", "<data/>" },
	{ "{\"a\":\"b\"}", "<data><a>b</a></data>" },
	{ "{\"z\":1,\"a\":2,\"m\":3}", "<data><z>1</z><a>2</a><m>3</m></data>" },
	{ "{\"a\":{\"b\":{\"c\":\"d\"}}}",
	  "<data><a><b><c>d</c></b></a></data>" },
	{ "{\"a\":{}}", "<data><a/></data>" },
	{ "{\"_a\":1,\"a.b-c_9\":2,\"Zz\":3,\"xm\":4,\"xmclass\":5}",
	  "<data><_a>1</_a><a.b-c_9>2</a.b-c_9><Zz>3</Zz><xm>4</xm>"
	  "<xmclass>5</xmclass></data>" },
	/* 2: keys that are not safe XML names */
	{ "{\"1a\":1}", "<data><entry key=\"1a\">1</entry></data>" },
	{ "{\"-a\":1}", "<data><entry key=\"-a\">1</entry></data>" },
	{ "{\".a\":1}", "<data><entry key=\".a\">1</entry></data>" },
	{ "{\"a:b\":1}", "<data><entry key=\"a:b\">1</entry></data>" },
	{ "{\"a b\":1}", "<data><entry key=\"a b\">1</entry></data>" },
	{ "{\"\":1}", "<data><entry key=\"\">1</entry></data>" },
	{ "{\"caf\xc3\xa9\":1}",
	  "<data><entry key=\"caf\xc3\xa9\">1</entry></data>" },
	{ "{\"a\\\"><b c=\\\"\":1}",
	  "<data><entry key=\"a&quot;&gt;&lt;b c=&quot;\">1</entry></data>" },
	{ "{\"a&b\":1}", "<data><entry key=\"a&amp;b\">1</entry></data>" },
	/* 2: "xml" in any case starts no element name */
	{ "{\"xml\":1}", "<data><entry key=\"xml\">1</entry></data>" },
	{ "{\"xmlns\":1}", "<data><entry key=\"xmlns\">1</entry></data>" },
	{ "{\"XMLfoo\":1}", "<data><entry key=\"XMLfoo\">1</entry></data>" },
	{ "{\"xMl-data\":1}", "<data><entry key=\"xMl-data\">1</entry></data>" },
	/* 3: arrays */
	{ "{\"a\":[1,2]}", "<data><a><item>1</item><item>2</item></a></data>" },
	{ "{\"a\":[]}", "<data><a/></data>" },
	{ "{\"a\":[[1,2],[],[[3]]]}",
	  "<data><a><item><item>1</item><item>2</item></item><item/>"
	  "<item><item><item>3</item></item></item></a></data>" },
	{ "[1,\"x\",{\"k\":true}]",
	  "<data><item>1</item><item>x</item><item><k>true</k></item></data>" },
	/* 4: strings as text, markup escaped */
	{ "{\"s\":\"\"}", "<data><s/></data>" },
	{ "{\"s\":\"<script>alert(1)</script>\"}",
	  "<data><s>&lt;script&gt;alert(1)&lt;/script&gt;</s></data>" },
	{ "{\"s\":\"a & b ]]> c\"}", "<data><s>a &amp; b ]]&gt; c</s></data>" },
	{ "{\"s\":\"<!-- x --><![CDATA[y]]>\"}",
	  "<data><s>&lt;!-- x --&gt;&lt;![CDATA[y]]&gt;</s></data>" },
	{ "{\"s\":\"&lt;\"}", "<data><s>&amp;lt;</s></data>" },
	{ "{\"s\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"}",
	  "<data><s>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</s></data>" },
	/* 5: numbers */
	{ "{\"i\":-42,\"z\":0}", "<data><i>-42</i><z>0</z></data>" },
	{ "{\"max\":9223372036854775807,\"min\":-9223372036854775808}",
	  "<data><max>9223372036854775807</max>"
	  "<min>-9223372036854775808</min></data>" },
	{ "{\"d\":2.5}", "<data><d>2.5</d></data>" },
	{ "{\"d\":1e-05}", "<data><d>1e-05</d></data>" },
	{ "{\"d\":-0.125}", "<data><d>-0.125</d></data>" },
	/* 6: booleans */
	{ "{\"t\":true,\"f\":false}", "<data><t>true</t><f>false</f></data>" },
	/* 7: null */
	{ "{\"n\":null}", "<data><n null=\"true\"/></data>" },
	{ "[null]", "<data><item null=\"true\"/></data>" },
};

static void
test_json_to_xml_mapping_table(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(mappings); i++) {
		char *x = xml_of(mappings[i].json);

		CU_ASSERT_STRING_EQUAL(x, mappings[i].xml);
		CU_ASSERT_TRUE(well_formed(x));
		free(x);
	}
}

static void
test_json_to_xml_key_length_limit(void)
{
	char	 key[130], json[200], want[400];
	char	*x;

	memset(key, 'k', 128);
	key[128] = '\0';
	snprintf(json, sizeof(json), "{\"%s\":1}", key);
	snprintf(want, sizeof(want), "<data><%s>1</%s></data>", key, key);
	x = xml_of(json);
	CU_ASSERT_STRING_EQUAL(x, want);
	free(x);

	key[128] = 'k';
	key[129] = '\0';
	snprintf(json, sizeof(json), "{\"%s\":1}", key);
	snprintf(want, sizeof(want), "<data><entry key=\"%s\">1</entry></data>",
	    key);
	x = xml_of(json);
	CU_ASSERT_STRING_EQUAL(x, want);
	free(x);
}

static void
test_json_to_xml_markup_stays_text(void)
{
	char	*x = xml_of("{\"name\":\"<script>alert('x')</script>\","
	    "\"<img src=x onerror=alert(1)>\":\"\\\"/><b>\"}");

	CU_ASSERT_PTR_NOT_NULL(strstr(x, "&lt;script&gt;"));
	CU_ASSERT_PTR_NULL(strstr(x, "<script"));
	CU_ASSERT_PTR_NULL(strstr(x, "<img"));
	CU_ASSERT_PTR_NULL(strstr(x, "<b>"));
	CU_ASSERT_TRUE(well_formed(x));
	free(x);
}

static void
test_json_to_xml_markup_escaped_by_node_dump(void)
{
	struct json_object	*v = json_tokener_parse(
	    "{\"s\":\"<script>x</script>\"}");
	xmlDocPtr		 doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr		 root = xmlNewDocNode(doc, NULL,
	    BAD_CAST "data", NULL);
	xmlBufferPtr		 buf = xmlBufferCreate();
	const char		*out;

	xmlDocSetRootElement(doc, root);
	mkt_json_to_xml(root, v);
	xmlNodeDump(buf, doc, root, 0, 0);
	out = (const char *)xmlBufferContent(buf);
	CU_ASSERT_STRING_EQUAL(out,
	    "<data><s>&lt;script&gt;x&lt;/script&gt;</s></data>");
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	json_object_put(v);
}

static const struct {
	const char	*in;
	size_t		 n;
	const char	*out;
} texts[] = {
	{ "a\x01" "b", 3, "a" FFFD "b" },
	{ "\x1b[31m", 5, FFFD "[31m" },
	{ "\x08\x0b\x0c\x1f", 4, FFFD FFFD FFFD FFFD },
	{ "tab\tnl\ncr\r", 10, "tab\tnl\ncr\r" },	/* allowed */
	{ "\x7f", 1, "\x7f" },
	{ "\xef\xbf\xbd", 3, FFFD },			/* U+FFFD itself */
	{ "\xef\xbf\xbc", 3, "\xef\xbf\xbc" },		/* U+FFFC is fine */
	{ "\xc0\xaf", 2, FFFD FFFD },			/* overlong */
	{ "ok\xff", 3, "ok" FFFD },
	{ "\x80z", 2, FFFD "z" },
	{ "abc\xc3", 4, "abc" FFFD },			/* truncated */
	{ "\xe2\x82", 2, FFFD FFFD },
	{ "\xed\xa0\x80", 3, FFFD FFFD FFFD },		/* surrogate */
	{ "\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD },	/* > U+10FFFF */
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
};

static void
test_json_to_xml_replaces_forbidden_characters(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(texts); i++) {
		char *t = text_of_bytes(texts[i].in, texts[i].n);

		CU_ASSERT_STRING_EQUAL(t, texts[i].out);
		CU_ASSERT_TRUE(mkt_utf8_valid(t, strlen(t)));
		free(t);
	}
}

static void
test_json_to_xml_control_in_parsed_json(void)
{
	char	*x = xml_of("{\"s\":\"bell\\u0007!\"}");

	CU_ASSERT_STRING_EQUAL(x, "<data><s>bell" FFFD "!</s></data>");
	CU_ASSERT_TRUE(well_formed(x));
	free(x);
}

static void
test_json_to_xml_invalid_utf8_key(void)
{
	struct json_object	*v = json_object_new_object();
	char			*x;

	json_object_object_add(v, "k\xff\x01", json_object_new_int(1));
	x = xml_of_obj(v);
	CU_ASSERT_STRING_EQUAL(x,
	    "<data><entry key=\"k" FFFD FFFD "\">1</entry></data>");
	CU_ASSERT_TRUE(well_formed(x));
	free(x);
	json_object_put(v);
}

/* Rule 4: the noncharacters U+FFFE and U+FFFF are valid UTF-8, one
 * character each, and each becomes one U+FFFD. */
static void
test_json_to_xml_noncharacter_becomes_one_replacement(void)
{
	char	*t = text_of_bytes("a\xef\xbf\xbe" "b", 5);

	CU_ASSERT_STRING_EQUAL(t, "a" FFFD "b");
	free(t);
	t = text_of_bytes("\xef\xbf\xbf", 3);
	CU_ASSERT_STRING_EQUAL(t, FFFD);
	CU_ASSERT_PTR_NULL(strstr(t, "\xef\xbf\xbf"));
	free(t);
}

/* Rule 4: NUL is a C0 control like the others, so it becomes U+FFFD;
 * the rest of the string is kept (the JSON answer keeps it too). */
static void
test_json_to_xml_nul_becomes_replacement(void)
{
	char	*t = text_of_bytes("a\0b", 3);

	CU_ASSERT_STRING_EQUAL(t, "a" FFFD "b");
	free(t);
}

/* Rule 5: "a double its shortest round-trip form in the C locale". */
static void
test_json_to_xml_double_shortest_form(void)
{
	static const struct {
		double		 d;
		const char	*text;
	} t[] = {
		{ 2.5, "2.5" },
		{ -0.125, "-0.125" },
		{ 1e-05, "1e-05" },
		{ 0.1, "0.1" },
		{ 19.99, "19.99" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		struct json_object *v = json_object_new_double(t[i].d);
		char		   *s = text_of_obj(v);

		CU_ASSERT_STRING_EQUAL(s, t[i].text);
		CU_ASSERT_EQUAL(strtod(s, NULL), t[i].d);
		free(s);
		json_object_put(v);
	}
}

static void
test_json_to_xml_constructed_values(void)
{
	struct json_object	*v = json_object_new_object();
	char			*x;

	json_object_object_add(v, "i", json_object_new_int64(INT64_MIN));
	json_object_object_add(v, "b", json_object_new_boolean(0));
	json_object_object_add(v, "n", NULL);
	json_object_object_add(v, "a", json_object_new_array());
	x = xml_of_obj(v);
	CU_ASSERT_STRING_EQUAL(x, "<data><i>-9223372036854775808</i>"
	    "<b>false</b><n null=\"true\"/><a/></data>");
	free(x);
	json_object_put(v);
	x = xml_of_obj(NULL);		/* json-c's null */
	CU_ASSERT_STRING_EQUAL(x, "<data null=\"true\"/>");
	free(x);
}

/* ---- mkt_view_to_xml and mkt_render (no stylesheet) ---- */

static int
h_none(struct mkt_req *r)
{
	(void)r;
	return 200;
}

static const struct mkt_route render_routes[] = {
	{ MKT_GET, "/services", MKT_FMT_BOTH, MKT_ROLE_ANON, h_none, NULL,
	    "services", NULL },
	{ MKT_GET, NULL, 0, MKT_ROLE_ANON, NULL, NULL, NULL, NULL }
};

static const struct mkt_program render_prog = {
	"unit", "unit tests", render_routes, NULL, NULL
};

struct fake_out {
	struct mkt_buf	 buf;
};

static size_t
out_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

static bool
out_write(void *ctx, const char *buf, size_t n)
{
	struct fake_out	*o = ctx;

	mkt_buf_append(&o->buf, buf, n);
	return true;
}

static const struct mkt_io out_io = { out_read, out_write, NULL };

/* A request as mkt_handle leaves it before rendering. */
struct fake_req {
	struct mkt_app		 app;
	struct mkt_worker	 w;
	struct fake_out		 out;
	struct mkt_req		 r;
};

static void
fake_req_init(struct fake_req *f, struct mkt_app *app)
{
	memset(f, 0, sizeof(*f));
	if (app == NULL) {
		f->app.prog = &render_prog;
		f->app.static_url = "/static";
		f->app.langs[0] = "en";
		f->app.langs[1] = "de";
		f->app.nlangs = 2;
		app = &f->app;
	}
	f->w.app = app;
	f->w.arena = mkt_arena_new(0);
	mkt_buf_init(&f->w.out);
	mkt_buf_init(&f->out.buf);
	f->r.arena = f->w.arena;
	f->r.app = app;
	f->r.worker = &f->w;
	f->r.io = &out_io;
	f->r.io_ctx = &f->out;
	f->r.method = MKT_GET;
	f->r.method_name = "GET";
	f->r.fmt = MKT_FMT_HTML;
	f->r.lang = "de";
	f->r.path = f->r.full_path = "/services";
	f->r.query = "page=2";
	snprintf(f->r.id, sizeof(f->r.id), "%s", "req-1");
	f->r.status = 200;
	mkt_buf_init(&f->r.headers);
}

static void
fake_req_free(struct fake_req *f)
{
	mkt_buf_free(&f->r.headers);
	mkt_arena_free(f->w.arena);
	mkt_buf_free(&f->w.out);
	mkt_buf_free(&f->out.buf);
}

static const char *
answer_body(const struct fake_req *f)
{
	const char	*p = f->out.buf.ptr ? strstr(f->out.buf.ptr,
	    "\r\n\r\n") : NULL;

	return p ? p + 4 : "";
}

static void
test_view_to_xml_builds_page(void)
{
	struct fake_req		 f;
	struct json_object	*data = json_tokener_parse("{\"n\":1}");
	xmlDocPtr		 doc;
	char			*x;

	fake_req_init(&f, NULL);
	f.r.route = &render_routes[0];
	f.r.view_name = "search/list";
	doc = mkt_view_to_xml(&f.r, data);
	x = dump_root(doc);
	CU_ASSERT_STRING_EQUAL(x, "<page view=\"search/list\" program=\"unit\" "
	    "lang=\"de\"><meta><lang>de</lang><languages><item>en</item>"
	    "<item>de</item></languages><path>/services</path>"
	    "<query>page=2</query><lang-query>page=2</lang-query>"
	    "<request-id>req-1</request-id>"
	    "<static>/static</static><asset-version>" PACKAGE_VERSION
	    "</asset-version><section>services</section>"
	    "<api>/api/v1/services?page=2</api></meta><data><n>1</n></data>"
	    "</page>");
	free(x);
	json_object_put(data);
	fake_req_free(&f);	/* the arena frees the document */
}

static void
test_view_to_xml_error_page_has_no_api_link(void)
{
	struct fake_req		 f;
	struct json_object	*data = json_object_new_object();
	xmlDocPtr		 doc;
	char			*x;

	fake_req_init(&f, NULL);
	f.r.route = &render_routes[0];
	f.r.status = 404;
	f.r.query = "";
	doc = mkt_view_to_xml(&f.r, data);
	x = dump_root(doc);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "view=\"common/error\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<query/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<api/>"));
	free(x);
	json_object_put(data);
	fake_req_free(&f);
}

static void
test_view_to_xml_meta_is_escaped(void)
{
	struct fake_req		 f;
	struct json_object	*data = json_object_new_object();
	xmlDocPtr		 doc;
	char			*x;

	fake_req_init(&f, NULL);
	f.r.full_path = "/<script>";
	f.r.query = "q=\"><x>&\x01";
	doc = mkt_view_to_xml(&f.r, data);
	x = dump_root(doc);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<path>/&lt;script&gt;</path>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x,
	    "<query>q=\"&gt;&lt;x&gt;&amp;" FFFD "</query>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<section/>"));
	CU_ASSERT_TRUE(well_formed(x));
	free(x);
	json_object_put(data);
	fake_req_free(&f);
}

static void
test_view_to_xml_lang_query_drops_lang_pairs(void)
{
	static const struct {
		const char	*query;
		const char	*xml;
	} t[] = {
		{ "", "<lang-query/>" },
		{ "lang=de", "<lang-query/>" },
		{ "lang", "<lang-query/>" },
		{ "lang=de&page=2", "<lang-query>page=2</lang-query>" },
		{ "page=2&lang=en&q=x", "<lang-query>page=2&amp;q=x</lang-query>" },
		{ "langx=1&language=de&lan=2",
		  "<lang-query>langx=1&amp;language=de&amp;lan=2</lang-query>" },
		{ "&&page=2&&lang=de&", "<lang-query>page=2</lang-query>" },
		{ "q=%3Cb%3E&lang=de", "<lang-query>q=%3Cb%3E</lang-query>" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		struct fake_req		 f;
		struct json_object	*data = json_object_new_object();
		char			*x;

		fake_req_init(&f, NULL);
		f.r.query = t[i].query;
		x = dump_root(mkt_view_to_xml(&f.r, data));
		CU_ASSERT_PTR_NOT_NULL(strstr(x, t[i].xml));
		free(x);
		json_object_put(data);
		fake_req_free(&f);
	}
}

static void
test_render_json_view(void)
{
	struct fake_req		 f;
	struct json_object	*v;

	fake_req_init(&f, NULL);
	f.r.fmt = MKT_FMT_JSON;
	f.r.api = true;
	v = mkt_view(&f.r, NULL);
	json_object_object_add(v, "html", json_object_new_string("</script>"));
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_EQUAL(strncmp(f.out.buf.ptr, "Status: 200 OK\r\n", 16), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr,
	    "Content-Type: application/json\r\nContent-Length: 21\r\n"));
	CU_ASSERT_STRING_EQUAL(answer_body(&f), "{\"html\":\"</script>\"}\n");
	CU_ASSERT_EQUAL(f.r.bytes_out, 21);
	fake_req_free(&f);
}

static void
test_render_cached_view_text(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	f.r.fmt = MKT_FMT_JSON;
	CU_ASSERT_EQUAL(mkt_view_cached(&f.r, "{\"c\":1}", 7), MKT_OK);
	mkt_render(&f.r);
	CU_ASSERT_STRING_EQUAL(answer_body(&f), "{\"c\":1}\n");
	fake_req_free(&f);
}

static void
test_view_cached_rejects_bad_json_for_html(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	CU_ASSERT_EQUAL(mkt_view_cached(&f.r, "{\"c\":", 5), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_view_cached(&f.r, "{\"c\":1}", 7), MKT_OK);
	CU_ASSERT_PTR_NOT_NULL(f.r.view);
	fake_req_free(&f);
}

static void
test_render_problem_json(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	f.r.fmt = MKT_FMT_JSON;
	f.r.status = mkt_failf(&f.r, 503, "service-unavailable", "down for %d s",
	    5);
	CU_ASSERT_EQUAL(f.r.status, 503);
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr, "Retry-After: 5\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr,
	    "Content-Type: application/problem+json\r\n"));
	CU_ASSERT_STRING_EQUAL(answer_body(&f),
	    "{\"type\":\"/problems/service-unavailable\","
	    "\"title\":\"Service unavailable\",\"status\":503,"
	    "\"detail\":\"down for 5 s\",\"instance\":\"/services\","
	    "\"request_id\":\"req-1\"}\n");
	fake_req_free(&f);
}

static void
test_render_error_status_without_problem(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	f.r.fmt = MKT_FMT_JSON;
	f.r.status = 500;	/* a handler returned 500 and set nothing */
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL(strstr(answer_body(&f),
	    "\"type\":\"/problems/internal-error\""));
	fake_req_free(&f);
}

static void
test_render_no_content(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	f.r.status = 204;
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_PTR_NULL(strstr(f.out.buf.ptr, "\nContent-Type:"));
	CU_ASSERT_PTR_NULL(strstr(f.out.buf.ptr, "\nContent-Length:"));
	CU_ASSERT_STRING_EQUAL(answer_body(&f), "");
	fake_req_free(&f);
}

static void
test_header_drops_line_breaks(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	mkt_header(&f.r, "X-Ok", "v=%d", 1);
	mkt_header(&f.r, "X-Bad", "a\r\nSet-Cookie: x=1");
	mkt_header(&f.r, "X-Bad\r\nSet-Cookie", "x");
	mkt_header(&f.r, "X-Bad: y", "x");
	CU_ASSERT_STRING_EQUAL(f.r.headers.ptr, "X-Ok: v=1\r\n");
	fake_req_free(&f);
}

static void
test_link_prefixes_api(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	CU_ASSERT_STRING_EQUAL(mkt_link(&f.r, "/services/%s", "x"),
	    "/services/x");
	f.r.api = true;
	CU_ASSERT_STRING_EQUAL(mkt_link(&f.r, "/services/%s", "x"),
	    "/api/v1/services/x");
	fake_req_free(&f);
}

static void
test_redirect_sets_location(void)
{
	struct fake_req	 f;

	fake_req_init(&f, NULL);
	CU_ASSERT_EQUAL(mkt_redirect(&f.r, 303, "/services?ok=1"), 303);
	CU_ASSERT_STRING_EQUAL(f.r.headers.ptr, "Location: /services?ok=1\r\n");
	fake_req_free(&f);
}

/* ---- XSLT: the library's real set-up and its lock-down ---- */

static char			 tmpdir[64];
static char			 secret_path[128], out_path[128];
static xsltStylesheetPtr	 probe_secret, probe_passwd, probe_write;
static xmlExternalEntityLoader	 plain_loader;
static struct mkt_app		 xapp;
static bool			 xapp_ready;

static const struct mkt_route xslt_routes[] = {
	{ MKT_GET, "/services", MKT_FMT_BOTH, MKT_ROLE_ANON, h_none, NULL,
	    "services", NULL },
	{ MKT_GET, NULL, 0, MKT_ROLE_ANON, NULL, NULL, NULL, NULL }
};

static const struct mkt_program xslt_prog = {
	"unit", "unit tests", xslt_routes, NULL, NULL
};

static int
write_text(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

static xsltStylesheetPtr
compile(const char *name, const char *text)
{
	char	 path[192];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (write_text(path, text) != 0)
		return NULL;
	return xsltParseStylesheetFile(BAD_CAST path);
}

static int
xslt_init(void)
{
	char	 xsl[1024];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mkt-unit-xslt-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(secret_path, sizeof(secret_path), "%s/secret.xml", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/written.txt", tmpdir);
	if (write_text(secret_path, "<secret>root:x:0:0:secret</secret>\n"))
		return -1;
	exsltRegisterAll();
	snprintf(xsl, sizeof(xsl),
	    "<xsl:stylesheet version='1.0' "
	    "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
	    "<xsl:output method='text'/>"
	    "<xsl:template match='/'>[<xsl:value-of "
	    "select=\"document('file://%s')\"/>]</xsl:template>"
	    "</xsl:stylesheet>", secret_path);
	probe_secret = compile("secret.xsl", xsl);
	probe_passwd = compile("passwd.xsl",
	    "<xsl:stylesheet version='1.0' "
	    "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
	    "<xsl:output method='text'/>"
	    "<xsl:template match='/'>[<xsl:value-of "
	    "select=\"document('file:///etc/passwd')\"/>"
	    "<xsl:copy-of select=\"document('/etc/passwd')\"/>]"
	    "</xsl:template></xsl:stylesheet>");
	snprintf(xsl, sizeof(xsl),
	    "<xsl:stylesheet version='1.0' "
	    "xmlns:xsl='http://www.w3.org/1999/XSL/Transform' "
	    "xmlns:exsl='http://exslt.org/common' "
	    "extension-element-prefixes='exsl'>"
	    "<xsl:output method='text'/>"
	    "<xsl:template match='/'>[<exsl:document href='%s' "
	    "method='text'>pwned</exsl:document>]</xsl:template>"
	    "</xsl:stylesheet>", out_path);
	probe_write = compile("write.xsl", xsl);
	if (probe_secret == NULL || probe_passwd == NULL || probe_write == NULL)
		return -1;

	/* The library's own set-up, as mkt_app_init runs it. */
	plain_loader = xmlGetExternalEntityLoader();
	memset(&xapp, 0, sizeof(xapp));
	xapp.prog = &xslt_prog;
	xapp.template_dir = SRCDIR "/templates";
	xapp.static_url = "/static";
	if (mkt_xslt_setup(&xapp) != 0)
		return -1;
	xapp_ready = true;
	return 0;
}

static void
rm(const char *name)
{
	char	 path[192];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

static int
xslt_clean(void)
{
	if (xapp_ready)
		mkt_app_free(&xapp);
	xapp_ready = false;
	if (plain_loader != NULL)
		xmlSetExternalEntityLoader(plain_loader);
	xmlSetGenericErrorFunc(NULL, NULL);
	xsltSetGenericErrorFunc(NULL, NULL);
	if (probe_secret)
		xsltFreeStylesheet(probe_secret);
	if (probe_passwd)
		xsltFreeStylesheet(probe_passwd);
	if (probe_write)
		xsltFreeStylesheet(probe_write);
	probe_secret = probe_passwd = probe_write = NULL;
	rm("secret.xml");
	rm("secret.xsl");
	rm("passwd.xsl");
	rm("write.xsl");
	rm("written.txt");
	rmdir(tmpdir);
	return 0;
}

/* Applies a stylesheet to <x/>; prefs NULL means none.  Returns the
 * serialised result (malloc'd, "" when the transform failed). */
static char *
apply(xsltStylesheetPtr style, xsltSecurityPrefsPtr prefs)
{
	xmlDocPtr		 in = xmlNewDoc(BAD_CAST "1.0"), res;
	xsltTransformContextPtr	 ctxt;
	xmlChar			*s = NULL;
	int			 len = 0;
	char			*out;

	xmlDocSetRootElement(in, xmlNewDocNode(in, NULL, BAD_CAST "x", NULL));
	ctxt = xsltNewTransformContext(style, in);
	if (prefs != NULL)
		xsltSetCtxtSecurityPrefs(prefs, ctxt);
	res = xsltApplyStylesheetUser(style, in, NULL, NULL, NULL, ctxt);
	if (res != NULL)
		xsltSaveResultToString(&s, &len, res, style);
	out = mkt_xstrdup(s ? (const char *)s : "");
	xmlFree(s);
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	xmlFreeDoc(in);
	return out;
}

/* Runs f with the entity loader libxml2 had before the library's set-up,
 * so that only the security preferences stand in the way. */
static char *
apply_plain_loader(xsltStylesheetPtr style, xsltSecurityPrefsPtr prefs)
{
	xmlExternalEntityLoader	 locked = xmlGetExternalEntityLoader();
	char			*out;

	xmlSetExternalEntityLoader(plain_loader);
	out = apply(style, prefs);
	xmlSetExternalEntityLoader(locked);
	return out;
}

static void
test_xslt_probe_reads_without_prefs(void)
{
	/* The control: with no preferences and the plain loader the probe
	 * does read the file, so the tests below prove something. */
	char	*out = apply_plain_loader(probe_secret, NULL);

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "root:x:0:0:secret"));
	free(out);
}

static void
test_xslt_forbid_prefs_block_document(void)
{
	xsltSecurityPrefsPtr	 sec = xsltNewSecurityPrefs();
	char			*out;

	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
	    xsltSecurityForbid);
	out = apply_plain_loader(probe_secret, sec);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
	out = apply_plain_loader(probe_passwd, sec);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
	xsltFreeSecurityPrefs(sec);
}

static void
test_xslt_library_prefs_block_document(void)
{
	char	*out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(xapp.secprefs);
	out = apply_plain_loader(probe_secret, xapp.secprefs);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
	out = apply_plain_loader(probe_passwd, xapp.secprefs);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
}

static void
test_xslt_library_loader_blocks_document(void)
{
	/* After set-up even a context without preferences loads nothing. */
	char	*out = apply(probe_secret, NULL);

	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
	out = apply(probe_passwd, xapp.secprefs);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
}

static void
test_xslt_library_prefs_block_exsl_write(void)
{
	char	*out = apply_plain_loader(probe_write, xapp.secprefs);

	CU_ASSERT_EQUAL(access(out_path, F_OK), -1);
	free(out);
	unlink(out_path);
}

static void
test_xslt_loader_blocks_external_entities(void)
{
	char		 xml[512];
	xmlDocPtr	 doc;
	char		*x;

	snprintf(xml, sizeof(xml), "<!DOCTYPE x [<!ENTITY e SYSTEM "
	    "\"file://%s\">]><x>&e;</x>", secret_path);
	doc = xmlReadMemory(xml, (int)strlen(xml), "x.xml", NULL,
	    XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	x = doc ? dump_root(doc) : mkt_xstrdup("");
	CU_ASSERT_PTR_NULL(strstr(x, "root:"));
	free(x);
	xmlFreeDoc(doc);
}

static void
test_xslt_setup_compiles_error_view(void)
{
	size_t	 i;
	bool	 found = false;

	for (i = 0; i < xapp.nviews; i++)
		if (strcmp(xapp.views[i].name, "common/error") == 0)
			found = xapp.views[i].style != NULL;
	CU_ASSERT_TRUE(found);
}

static void
test_xslt_setup_fails_on_missing_view(void)
{
	static const struct mkt_route routes[] = {
		{ MKT_GET, "/x", MKT_FMT_HTML, MKT_ROLE_ANON, h_none,
		    "no/such-view", NULL, NULL },
		{ MKT_GET, NULL, 0, MKT_ROLE_ANON, NULL, NULL, NULL, NULL }
	};
	static const struct mkt_program prog = { "unit", "", routes, NULL,
	    NULL };
	struct mkt_app		 app;
	xmlExternalEntityLoader	 locked = xmlGetExternalEntityLoader();
	int			 saved, devnull;

	memset(&app, 0, sizeof(app));
	app.prog = &prog;
	app.template_dir = SRCDIR "/templates";
	/* common/error compiles; the missing view must fail the set-up.
	 * Its complaint on standard error is expected: hide it. */
	xmlSetExternalEntityLoader(plain_loader);
	fflush(stderr);
	saved = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, 2);
	CU_ASSERT_EQUAL(mkt_xslt_setup(&app), -1);
	fflush(stderr);
	if (saved >= 0 && devnull >= 0)
		dup2(saved, 2);
	if (saved >= 0)
		close(saved);
	if (devnull >= 0)
		close(devnull);
	CU_ASSERT_EQUAL(app.nviews, 1);
	CU_ASSERT_PTR_NULL(app.secprefs);
	CU_ASSERT_PTR_EQUAL(xmlGetExternalEntityLoader(), plain_loader);
	xmlSetExternalEntityLoader(locked);
	mkt_app_free(&app);
}

static void
test_render_html_escapes_problem_detail(void)
{
	struct fake_req	 f;
	const char	*body;

	fake_req_init(&f, &xapp);
	f.r.lang = "en";
	f.r.status = mkt_fail(&f.r, 404, "not-found",
	    "<script>alert(1)</script>");
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_EQUAL(strncmp(f.out.buf.ptr, "Status: 404 Not Found\r\n", 23),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr,
	    "Content-Type: text/html; charset=utf-8\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr,
	    "Content-Security-Policy: default-src 'self'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr, "Content-Language: en\r\n"));
	body = answer_body(&f);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "<html"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "Not found"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "&lt;script&gt;alert(1)"));
	CU_ASSERT_PTR_NULL(strstr(body, "<script>alert"));
	fake_req_free(&f);
}

static void
test_render_html_missing_view_falls_back(void)
{
	struct fake_req	 f;

	fake_req_init(&f, &xapp);
	mkt_view(&f.r, "no/such-view");
	mkt_log_open("test-core", "/dev/null", "error");	/* expected */
	mkt_render(&f.r);
	mkt_log_close();
	CU_ASSERT_EQUAL(f.r.status, 500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_EQUAL(strncmp(f.out.buf.ptr, "Status: 500 ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(answer_body(&f), "Internal error"));
	fake_req_free(&f);
}

static void
test_render_head_sends_headers_only(void)
{
	struct fake_req	 f;

	fake_req_init(&f, &xapp);
	f.r.method = MKT_HEAD;
	f.r.status = mkt_fail(&f.r, 404, "not-found", "gone");
	mkt_render(&f.r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.out.buf.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.out.buf.ptr, "Content-Length: "));
	CU_ASSERT_STRING_EQUAL(answer_body(&f), "");
	CU_ASSERT(f.r.bytes_out > 0);
	fake_req_free(&f);
}

/* ---- streams: head without a length, each piece pushed at once ---- */

struct flush_out {
	struct mkt_buf	 buf;
	size_t		 flushes;
	size_t		 at_flush;	/* bytes written at the last flush */
};

static bool
flush_write(void *ctx, const char *buf, size_t n)
{
	struct flush_out	*o = ctx;

	mkt_buf_append(&o->buf, buf, n);
	return true;
}

static bool
flush_flush(void *ctx)
{
	struct flush_out	*o = ctx;

	o->flushes++;
	o->at_flush = o->buf.len;
	return true;
}

static const struct mkt_io flush_io = { out_read, flush_write, flush_flush };

static void
test_stream_head_then_pieces_flushed(void)
{
	struct fake_req		 f;
	struct flush_out	 o;

	fake_req_init(&f, NULL);
	memset(&o, 0, sizeof(o));
	mkt_buf_init(&o.buf);
	f.r.io = &flush_io;
	f.r.io_ctx = &o;
	mkt_header(&f.r, "X-Accel-Buffering", "no");
	CU_ASSERT_TRUE(mkt_stream_begin(&f.r, 200, "text/event-stream"));
	CU_ASSERT_EQUAL(o.flushes, 1);
	CU_ASSERT_EQUAL(o.at_flush, o.buf.len);
	CU_ASSERT_EQUAL(strncmp(o.buf.ptr, "Status: 200 OK\r\n", 16), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf.ptr,
	    "Content-Type: text/event-stream\r\n"));
	CU_ASSERT_PTR_NULL(strstr(o.buf.ptr, "Content-Length"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf.ptr, "X-Accel-Buffering: no\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf.ptr, "\r\n\r\n"));
	CU_ASSERT_TRUE(mkt_stream_write(&f.r, "data: 1\n\n", 9));
	CU_ASSERT_EQUAL(o.flushes, 2);
	CU_ASSERT_EQUAL(o.at_flush, o.buf.len);
	CU_ASSERT_TRUE(mkt_stream_write(&f.r, "data: [DONE]\n\n", 14));
	CU_ASSERT_EQUAL(f.r.bytes_out, 23);
	/* The answer was sent: rendering adds nothing. */
	o.at_flush = o.buf.len;
	mkt_render(&f.r);
	CU_ASSERT_EQUAL(o.buf.len, o.at_flush);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf.ptr, "\r\n\r\ndata: 1\n\n"
	    "data: [DONE]\n\n"));
	mkt_buf_free(&o.buf);
	fake_req_free(&f);
}

void
add_render_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("render", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_status_text_known_codes);
	CU_ADD_TEST(s, test_status_text_unknown_codes);
	CU_ADD_TEST(s, test_json_to_xml_mapping_table);
	CU_ADD_TEST(s, test_json_to_xml_key_length_limit);
	CU_ADD_TEST(s, test_json_to_xml_markup_stays_text);
	CU_ADD_TEST(s, test_json_to_xml_markup_escaped_by_node_dump);
	CU_ADD_TEST(s, test_json_to_xml_replaces_forbidden_characters);
	CU_ADD_TEST(s, test_json_to_xml_control_in_parsed_json);
	CU_ADD_TEST(s, test_json_to_xml_invalid_utf8_key);
	CU_ADD_TEST(s, test_json_to_xml_noncharacter_becomes_one_replacement);
	CU_ADD_TEST(s, test_json_to_xml_nul_becomes_replacement);
	CU_ADD_TEST(s, test_json_to_xml_double_shortest_form);
	CU_ADD_TEST(s, test_json_to_xml_constructed_values);
	CU_ADD_TEST(s, test_view_to_xml_builds_page);
	CU_ADD_TEST(s, test_view_to_xml_error_page_has_no_api_link);
	CU_ADD_TEST(s, test_view_to_xml_meta_is_escaped);
	CU_ADD_TEST(s, test_view_to_xml_lang_query_drops_lang_pairs);
	CU_ADD_TEST(s, test_render_json_view);
	CU_ADD_TEST(s, test_render_cached_view_text);
	CU_ADD_TEST(s, test_view_cached_rejects_bad_json_for_html);
	CU_ADD_TEST(s, test_render_problem_json);
	CU_ADD_TEST(s, test_render_error_status_without_problem);
	CU_ADD_TEST(s, test_render_no_content);
	CU_ADD_TEST(s, test_header_drops_line_breaks);
	CU_ADD_TEST(s, test_link_prefixes_api);
	CU_ADD_TEST(s, test_redirect_sets_location);
	CU_ADD_TEST(s, test_stream_head_then_pieces_flushed);

	if ((s = CU_add_suite("render-xslt", xslt_init, xslt_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_xslt_probe_reads_without_prefs);
	CU_ADD_TEST(s, test_xslt_forbid_prefs_block_document);
	CU_ADD_TEST(s, test_xslt_library_prefs_block_document);
	CU_ADD_TEST(s, test_xslt_loader_blocks_external_entities);
	CU_ADD_TEST(s, test_xslt_library_loader_blocks_document);
	CU_ADD_TEST(s, test_xslt_library_prefs_block_exsl_write);
	CU_ADD_TEST(s, test_xslt_setup_compiles_error_view);
	CU_ADD_TEST(s, test_xslt_setup_fails_on_missing_view);
	CU_ADD_TEST(s, test_render_html_escapes_problem_detail);
	CU_ADD_TEST(s, test_render_html_missing_view_falls_back);
	CU_ADD_TEST(s, test_render_head_sends_headers_only);
}
