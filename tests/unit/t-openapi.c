/* t-openapi.c: OpenAPI 3.1 contracts (openapi.c) against real documents */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FIXTURES	SRCDIR "/tests/fixtures/openapi/"

/* Parsed once for the suite; tests change deep copies only. */
static struct json_object	*mistral_json;
static struct json_object	*mistral_yaml;
static struct json_object	*oai_webhook;
static struct json_object	*oai_scopes;

static char *
read_fixture(const char *name, size_t *len)
{
	char	 path[1024];
	FILE	*f;
	char	*buf;
	long	 n;

	snprintf(path, sizeof(path), "%s%s", FIXTURES, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = mkt_xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static struct json_object *
parse_fixture(const char *name)
{
	struct json_object	*o;
	char			 err[256];
	char			*text;
	size_t			 len;

	if ((text = read_fixture(name, &len)) == NULL) {
		fprintf(stderr, "cannot read %s%s\n", FIXTURES, name);
		return NULL;
	}
	o = mkt_contract_parse(text, len, err, sizeof(err));
	if (o == NULL)
		fprintf(stderr, "%s: %s\n", name, err);
	free(text);
	return o;
}

static int
openapi_init(void)
{
	mistral_json = parse_fixture("openapi31_mistral_openapi.json");
	mistral_yaml = parse_fixture("openapi31_mistral_openapi.yaml");
	oai_webhook = parse_fixture("openapi31_oai_webhook-example.json");
	oai_scopes = parse_fixture("openapi31_oai_non-oauth-scopes.json");
	return mistral_json != NULL && mistral_yaml != NULL &&
	    oai_webhook != NULL && oai_scopes != NULL ? 0 : -1;
}

static int
openapi_clean(void)
{
	json_object_put(mistral_json);
	json_object_put(mistral_yaml);
	json_object_put(oai_webhook);
	json_object_put(oai_scopes);
	return 0;
}

/* ---- helpers ---- */

static struct json_object *
mistral(void)
{
	struct json_object	*copy = NULL;

	if (json_object_deep_copy(mistral_json, &copy, NULL) != 0)
		CU_FAIL_FATAL("could not copy the Mistral document");
	return copy;
}

/* Parses a small document the test expects to be well-formed. */
static struct json_object *
parse(const char *text)
{
	struct json_object	*o;
	char			 err[256];

	o = mkt_contract_parse(text, strlen(text), err, sizeof(err));
	if (o == NULL)
		fprintf(stderr, "\nparse: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

/* Sets member key of the object at pointer (which must exist). */
static void
set(struct json_object *doc, const char *pointer, const char *key,
    struct json_object *v)
{
	struct json_object	*o = mkt_json_pointer(doc, pointer);

	CU_ASSERT_FATAL(json_object_is_type(o, json_type_object));
	json_object_object_add(o, key, v);
}

static void
del(struct json_object *doc, const char *pointer, const char *key)
{
	struct json_object	*o = mkt_json_pointer(doc, pointer);

	CU_ASSERT_FATAL(json_object_is_type(o, json_type_object));
	CU_ASSERT_FATAL(json_object_object_get_ex(o, key, NULL));
	json_object_object_del(o, key);
}

/* Whether one of findings has this pointer and a message holding text. */
static bool
has_finding(struct json_object *findings, const char *pointer,
    const char *text)
{
	struct json_object	*f, *p, *m;
	size_t			 i, n;

	n = json_object_array_length(findings);

	for (i = 0; i < n; i++) {
		f = json_object_array_get_idx(findings, i);
		if (json_object_object_get_ex(f, "pointer", &p) &&
		    json_object_object_get_ex(f, "message", &m) &&
		    strcmp(json_object_get_string(p), pointer) == 0 &&
		    strstr(json_object_get_string(m), text) != NULL)
			return true;
	}
	return false;
}

static void
dump(const char *what, struct json_object *findings)
{
	fprintf(stderr, "\n%s: %s\n", what, json_object_to_json_string_ext(
	    findings, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * Validates doc and checks that there are exactly n findings, one of
 * them at pointer with text in its message (when pointer is not NULL).
 * Puts doc.
 */
static void
expect(struct json_object *doc, bool loopback, size_t n,
    const char *pointer, const char *text)
{
	struct json_object	*f = json_object_new_array();
	size_t			 got;

	got = mkt_openapi_validate(doc, loopback, f);
	if (got != n || (pointer != NULL && !has_finding(f, pointer, text)))
		dump(pointer != NULL ? pointer : "findings", f);
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(json_object_array_length(f), n);
	if (pointer != NULL)
		CU_ASSERT_TRUE(has_finding(f, pointer, text));
	json_object_put(f);
	json_object_put(doc);
}

/* Runs mkt_openapi_breaking and checks like expect().  Puts newer. */
static void
expect_breaking(struct json_object *old, struct json_object *newer,
    size_t n, const char *pointer, const char *text)
{
	struct json_object	*f = json_object_new_array();
	size_t			 got;

	got = mkt_openapi_breaking(old, newer, f);
	if (got != n || (pointer != NULL && !has_finding(f, pointer, text)))
		dump(pointer != NULL ? pointer : "changes", f);
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(json_object_array_length(f), n);
	if (pointer != NULL)
		CU_ASSERT_TRUE(has_finding(f, pointer, text));
	json_object_put(f);
	json_object_put(newer);
}

/* Parses text expecting a refusal whose reason holds want. */
static void
refused(const char *text, size_t len, const char *want)
{
	struct json_object	*o;
	char			 err[256];

	strcpy(err, "unchanged");
	o = mkt_contract_parse(text, len, err, sizeof(err));
	CU_ASSERT_PTR_NULL(o);
	json_object_put(o);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "\nwanted \"%s\" in \"%s\"\n", want, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

#define REFUSED(text, want)	refused((text), strlen(text), (want))

/* ---- the real documents ---- */

/*
 * The JSON fixture was converted with PyYAML, which reads YAML 1.1:
 * there "1e-08" (no dot) is a string, while YAML 1.2's core schema (ours)
 * reads a float.  Those five scalars aside, both give the same tree.
 */
static void
test_mistral_yaml_equals_json(void)
{
	static const struct {
		const char	*pointer;
		const char	*text;
		double		 value;
	} floats[] = {
		{ "/components/schemas/ClassifierTrainingParameters/"
		    "properties/learning_rate/minimum", "1e-08", 1e-08 },
		{ "/components/schemas/CompletionTrainingParameters/"
		    "properties/learning_rate/minimum", "1e-08", 1e-08 },
		{ "/components/schemas/ClassifierTrainingParametersIn/"
		    "properties/learning_rate/minimum", "1e-08", 1e-08 },
		{ "/components/schemas/CompletionTrainingParametersIn/"
		    "properties/learning_rate/minimum", "1e-08", 1e-08 },
		{ "/components/schemas/JudgeRegressionOutput/properties/max/"
		    "exclusiveMaximum", "1e+09", 1e9 },
	};
	struct json_object	*j = mistral(), *v, *parent;
	char			 parent_ptr[256], *slash;
	size_t			 i;

	CU_ASSERT_FALSE(json_object_equal(mistral_yaml, j));
	for (i = 0; i < NELEM(floats); i++) {
		v = mkt_json_pointer(j, floats[i].pointer);
		CU_ASSERT_FATAL(json_object_is_type(v, json_type_string));
		CU_ASSERT_STRING_EQUAL(json_object_get_string(v),
		    floats[i].text);
		v = mkt_json_pointer(mistral_yaml, floats[i].pointer);
		CU_ASSERT_FATAL(json_object_is_type(v, json_type_double));
		CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(v),
		    floats[i].value, floats[i].value * 1e-12);

		snprintf(parent_ptr, sizeof(parent_ptr), "%s",
		    floats[i].pointer);
		slash = strrchr(parent_ptr, '/');
		*slash = '\0';
		parent = mkt_json_pointer(j, parent_ptr);
		json_object_object_add(parent, slash + 1,
		    json_object_new_double(floats[i].value));
	}
	CU_ASSERT_TRUE(json_object_equal(mistral_yaml, j));

	/* What the document is: 131 paths, 481 schemas, 173 operations. */
	CU_ASSERT_EQUAL(json_object_object_length(mkt_json_pointer(j,
	    "/paths")), 131);
	CU_ASSERT_EQUAL(json_object_object_length(mkt_json_pointer(j,
	    "/components/schemas")), 481);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(mkt_json_pointer(
	    mistral_yaml, "/info/title")), "Mistral AI API");
	json_object_put(j);
}

static void
test_real_documents_validate_clean(void)
{
	struct json_object	*docs[4], *f;
	size_t			 i;

	docs[0] = mistral_json;
	docs[1] = mistral_yaml;
	docs[2] = oai_webhook;
	docs[3] = oai_scopes;
	for (i = 0; i < NELEM(docs); i++) {
		f = json_object_new_array();
		if (mkt_openapi_validate(docs[i], false, f) != 0)
			dump("real document", f);
		CU_ASSERT_EQUAL(mkt_openapi_validate(docs[i], false, NULL), 0);
		CU_ASSERT_EQUAL(json_object_array_length(f), 0);
		CU_ASSERT_EQUAL(mkt_openapi_validate(docs[i], true, f), 0);
		json_object_put(f);
	}
}

/* ---- validation: broken variants of the Mistral document ---- */

static void
test_openapi_version(void)
{
	struct json_object	*d;

	d = mistral();
	set(d, "", "openapi", json_object_new_string("3.0.3"));
	expect(d, false, 1, "/openapi", "\"3.0.3\"");
	d = mistral();
	set(d, "", "openapi", json_object_new_string("3.1"));
	expect(d, false, 1, "/openapi", "3.1.x");
	d = mistral();
	set(d, "", "openapi", json_object_new_string("3.1.0-rc1"));
	expect(d, false, 1, "/openapi", "3.1.x");
	d = mistral();
	set(d, "", "openapi", json_object_new_double(3.1));
	expect(d, false, 1, "/openapi", "not a number");
	d = mistral();
	del(d, "", "openapi");
	expect(d, false, 1, "/openapi", "no openapi member");
	d = mistral();
	set(d, "", "openapi", json_object_new_string("3.1.12"));
	expect(d, false, 0, NULL, NULL);
}

static void
test_info(void)
{
	struct json_object	*d;

	d = mistral();
	del(d, "/info", "title");
	expect(d, false, 1, "/info/title", "info.title must be a string");
	d = mistral();
	set(d, "/info", "version", json_object_new_int(1));
	expect(d, false, 1, "/info/version", "info.version");
	d = mistral();
	del(d, "", "info");
	expect(d, false, 1, "/info", "no info object");
	d = mistral();
	set(d, "", "info", json_object_new_string("Mistral"));
	expect(d, false, 1, "/info", "not a string");
}

static void
test_root(void)
{
	struct json_object	*d;

	d = mistral();
	del(d, "", "paths");
	/* The only references into paths were none: one finding. */
	expect(d, false, 1, "/paths", "neither paths nor webhooks");
	d = mistral();
	set(d, "", "paths", json_object_new_array());
	expect(d, false, 1, "/paths", "must be an object");
	d = parse("[1, 2]");
	expect(d, false, 1, "", "must be a JSON object");
	d = parse("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", "
	    "\"version\": \"1\"}, \"paths\": {}}");
	expect(d, false, 0, NULL, NULL);
	d = parse("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", "
	    "\"version\": \"1\"}, \"webhooks\": {}, \"components\": 7}");
	expect(d, false, 1, "/components", "must be an object");
}

static void
test_dangling_ref(void)
{
	struct json_object	*d;

	d = mistral();
	set(d, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/schema", "$ref",
	    json_object_new_string("#/components/schemas/NoSuchSchema"));
	expect(d, false, 1, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/schema/$ref", "does not resolve");

	/* A schema removed: every reference to it is reported. */
	d = mistral();
	del(d, "/components/schemas", "ModelList");
	expect(d, false, 1, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/schema/$ref",
	    "\"#/components/schemas/ModelList\" does not resolve");

	/* Into an array, out of range. */
	d = mistral();
	set(d, "/components/schemas/ModelList", "$ref",
	    json_object_new_string("#/tags/999"));
	expect(d, false, 1, "/components/schemas/ModelList/$ref",
	    "nothing in this document is at /tags/999");
}

static void
test_nonlocal_ref(void)
{
	static const char *const refs[] = {
		"https://example.com/schemas.json#/Foo", "common.yaml",
		"./common.yaml#/components/schemas/Foo",
		"file:///etc/passwd",
	};
	struct json_object	*d;
	size_t			 i;

	for (i = 0; i < NELEM(refs); i++) {
		d = mistral();
		set(d, "/components/schemas/ModelList", "$ref",
		    json_object_new_string(refs[i]));
		expect(d, false, 1, "/components/schemas/ModelList/$ref",
		    "only local references are supported");
	}
}

static void
test_ref_forms(void)
{
	static const char *const good[] = {
		"#", "#/openapi", "#/paths/~1v1~1models/get",
		"#/components/schemas/Model%4Cist", "#/tags/0",
		"#/components/schemas/ModelList/properties",
	};
	static const char *const bad[] = {
		"#/components/schemas/Model%4", "#/components/schemas/%00",
		"#/paths/~2v1", "#/tags/00", "#/tags/-",
	};
	struct json_object	*d;
	size_t			 i;

	for (i = 0; i < NELEM(good); i++) {
		d = mistral();
		set(d, "/components/schemas/ModelList", "$ref",
		    json_object_new_string(good[i]));
		expect(d, false, 0, NULL, NULL);
	}
	for (i = 0; i < NELEM(bad); i++) {
		d = mistral();
		set(d, "/components/schemas/ModelList", "$ref",
		    json_object_new_string(bad[i]));
		expect(d, false, 1, "/components/schemas/ModelList/$ref",
		    bad[i]);
	}

	/* Plain-name fragments name an $anchor. */
	d = mistral();
	set(d, "/components/schemas/ModelList", "$anchor",
	    json_object_new_string("models"));
	set(d, "/components/schemas/ModelCapabilities", "$ref",
	    json_object_new_string("#models"));
	expect(d, false, 0, NULL, NULL);
	d = mistral();
	set(d, "/components/schemas/ModelCapabilities", "$ref",
	    json_object_new_string("#models"));
	expect(d, false, 1, "/components/schemas/ModelCapabilities/$ref",
	    "names no $anchor");
}

/* Examples, defaults, enums and extensions are data, not references;
 * a property named like a keyword is a schema, checked as one. */
static void
test_refs_in_data_ignored(void)
{
	static const char *const where[] = { "example", "default", "const",
	    "x-vendor" };
	struct json_object	*d, *v;
	size_t			 i;

	for (i = 0; i < NELEM(where); i++) {
		d = mistral();
		v = parse("{\"$ref\": \"#/nowhere\", \"a\": [{\"$ref\": "
		    "\"http://x\"}]}");
		set(d, "/components/schemas/ModelList", where[i], v);
		expect(d, false, 0, NULL, NULL);
	}
	d = mistral();
	set(d, "/components/schemas/ModelList", "enum",
	    parse("[{\"$ref\": \"#/nowhere\"}]"));
	set(d, "/components/schemas/ModelList", "examples",
	    parse("[{\"$ref\": \"#/nowhere\"}]"));
	set(d, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/examples/userExample", "value",
	    parse("{\"$ref\": \"#/nowhere\"}"));
	expect(d, false, 0, NULL, NULL);

	/* ... but an Example Object may itself be a reference. */
	d = mistral();
	set(d, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/examples", "other",
	    parse("{\"$ref\": \"#/components/examples/Missing\"}"));
	expect(d, false, 1, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/examples/other/$ref", "does not resolve");

	/* A property named "default" or "example" holds a schema. */
	d = mistral();
	set(d, "/components/schemas/ModelList/properties", "default",
	    parse("{\"$ref\": \"#/components/schemas/Gone\"}"));
	set(d, "/components/schemas/ModelList/properties", "example",
	    parse("{\"$ref\": \"#/components/schemas/Gone\"}"));
	expect(d, false, 2, "/components/schemas/ModelList/properties/"
	    "default/$ref", "does not resolve");
}

static void
test_duplicate_operation_id(void)
{
	struct json_object	*d;

	d = mistral();
	set(d, "/paths/~1v1~1files/post", "operationId",
	    json_object_new_string("list_models_v1_models_get"));
	expect(d, false, 1, "/paths/~1v1~1files/post/operationId",
	    "already used by the operation at /paths/~1v1~1models/get");

	/* Across paths and webhooks. */
	d = mistral();
	set(d, "", "webhooks", parse("{\"done\": {\"post\": {"
	    "\"operationId\": \"list_models_v1_models_get\", "
	    "\"responses\": {\"200\": {\"description\": \"ok\"}}}}}"));
	expect(d, false, 1, "/webhooks/done/post/operationId",
	    "operationIds must be unique");

	d = mistral();
	set(d, "/paths/~1v1~1files/post", "operationId",
	    json_object_new_int(5));
	expect(d, false, 1, "/paths/~1v1~1files/post/operationId",
	    "must be a string");
}

/* The URL of Mistral's first server set to url. */
static void
server_url(const char *url, bool loopback, size_t n, const char *text)
{
	struct json_object	*d = mistral();

	set(d, "/servers/0", "url", json_object_new_string(url));
	expect(d, loopback, n, n > 0 ? "/servers/0/url" : NULL, text);
}

static void
test_servers(void)
{
	struct json_object	*d;

	server_url("http://api.mistral.ai", false, 1, "must use https://");
	server_url("http://api.mistral.ai", true, 1, "accepted only for");
	server_url("http://127.0.0.1:9000", false, 1, "must use https://");
	server_url("http://127.0.0.1:9000", true, 0, NULL);
	server_url("http://localhost:8080/v1", true, 0, NULL);
	server_url("http://LOCALHOST", true, 0, NULL);
	server_url("http://[::1]:9000/", true, 0, NULL);
	server_url("http://127.0.0.2:9000", true, 1, "127.0.0.2");
	server_url("http://localhost.evil.example", true, 1,
	    "accepted only for");
	server_url("http://127.0.0.1.evil.example:80", true, 1,
	    "accepted only for");
	server_url("http://user@localhost:9000", true, 1, "credentials");
	server_url("https://u:p@api.example.com", false, 1, "credentials");
	server_url("/v1", false, 1, "is relative");
	server_url("api.mistral.ai/v1", false, 1, "is relative");
	server_url("ftp://api.mistral.ai", false, 1, "scheme ftp");
	server_url("https://", false, 1, "no host");
	server_url("https://api.example.com/a b", false, 1, "space");
	server_url("HTTPS://API.example.com", false, 0, NULL);
	server_url("https://{region}.example.com", false, 1,
	    "variable {region}, which is not declared");
	server_url("https://{region.example.com", false, 1, "without its '}'");

	d = mistral();
	set(d, "/servers/0", "url",
	    json_object_new_string("https://{region}.example.com/{v}"));
	set(d, "/servers/0", "variables", parse("{\"region\": {\"default\": "
	    "\"eu\"}, \"v\": {\"default\": \"v1\"}}"));
	expect(d, false, 0, NULL, NULL);

	/* Path and operation servers are checked as well. */
	d = mistral();
	set(d, "/paths/~1v1~1models", "servers",
	    parse("[{\"url\": \"http://models.example\"}]"));
	set(d, "/paths/~1v1~1models/get", "servers",
	    parse("[{\"url\": \"https://ok.example\"}, {\"description\": "
	    "\"no url\"}, \"junk\"]"));
	expect(d, false, 3, "/paths/~1v1~1models/servers/0/url", "https");
	d = mistral();
	set(d, "/paths/~1v1~1models/get", "servers",
	    parse("[{\"url\": \"https://ok.example\"}, {\"description\": "
	    "\"no url\"}]"));
	expect(d, false, 1, "/paths/~1v1~1models/get/servers/1/url",
	    "needs a url");
	d = mistral();
	set(d, "", "servers", json_object_new_string("https://x"));
	expect(d, false, 1, "/servers", "must be an array");
}

static void
test_schemas(void)
{
	struct json_object	*d;

	d = mistral();
	set(d, "/components/schemas", "ModelList",
	    json_object_new_string("array"));
	expect(d, false, 1, "/components/schemas/ModelList",
	    "must be a JSON object or a boolean");

	/* Boolean schemas are fine in 3.1. */
	d = mistral();
	set(d, "/components/schemas", "ModelList",
	    json_object_new_boolean(1));
	set(d, "/components/schemas", "Nothing", json_object_new_boolean(0));
	expect(d, false, 0, NULL, NULL);

	d = mistral();
	set(d, "/paths/~1v1~1models/get/parameters/0", "schema",
	    json_object_new_int(42));
	expect(d, false, 1, "/paths/~1v1~1models/get/parameters/0/schema",
	    "not a number");

	d = mistral();
	set(d, "/paths/~1v1~1chat~1completions/post/requestBody/content/"
	    "application~1json", "schema", json_object_new_array());
	expect(d, false, 1, "/paths/~1v1~1chat~1completions/post/"
	    "requestBody/content/application~1json/schema", "not an array");

	d = mistral();
	set(d, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json", "schema", json_object_new_string("x"));
	expect(d, false, 1, "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/schema", "not a string");

	/* Subschemas, however deep. */
	d = mistral();
	set(d, "/components/schemas/ModelList/properties", "broken",
	    json_object_new_string("string"));
	set(d, "/components/schemas/ModelList", "allOf",
	    json_object_new_object());
	expect(d, false, 2, "/components/schemas/ModelList/properties/broken",
	    "must be a JSON object or a boolean");
	d = mistral();
	set(d, "/components/schemas/ModelList", "allOf",
	    parse("[{\"items\": {\"anyOf\": [true, 3]}}]"));
	expect(d, false, 1, "/components/schemas/ModelList/allOf/0/items/"
	    "anyOf/1", "not a number");
}

static void
test_paths_and_operations(void)
{
	struct json_object	*d;

	d = mistral();
	set(d, "/paths", "v1/things", parse("{\"get\": {\"responses\": "
	    "{}}}"));
	expect(d, false, 1, "/paths/v1~1things", "must start with '/'");

	/* Extensions are no paths. */
	d = mistral();
	set(d, "/paths", "x-internal", json_object_new_boolean(1));
	expect(d, false, 0, NULL, NULL);

	d = mistral();
	set(d, "/paths/~1v1~1models/get", "responses",
	    json_object_new_array());
	expect(d, false, 1, "/paths/~1v1~1models/get/responses",
	    "must be an object");

	d = mistral();
	set(d, "/paths/~1v1~1models", "put", json_object_new_string("x"));
	expect(d, false, 1, "/paths/~1v1~1models/put",
	    "an operation must be an object");

	d = mistral();
	set(d, "/paths/~1v1~1models/get", "parameters",
	    json_object_new_object());
	expect(d, false, 1, "/paths/~1v1~1models/get/parameters",
	    "must be an array");

	d = mistral();
	set(d, "/paths", "/v1/x", json_object_new_int(1));
	expect(d, false, 1, "/paths/~1v1~1x", "a path item must be an object");
}

/* A document built in memory may nest deeper than any parsed one: the
 * checks stop at their depth and say so once. */
static void
test_validate_deep_document(void)
{
	struct json_object	*d, *o, *f;
	int			 i;

	d = mistral();
	o = mkt_json_pointer(d, "/components/schemas/ModelList");
	for (i = 0; i < 300; i++) {
		struct json_object *props = json_object_new_object();
		struct json_object *child = json_object_new_object();

		json_object_object_add(props, "p", child);
		json_object_object_add(o, "properties", props);
		o = child;
	}
	json_object_object_add(o, "$ref", json_object_new_string("#/x"));
	f = json_object_new_array();
	CU_ASSERT_EQUAL(mkt_openapi_validate(d, false, f), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string(
	    json_object_object_get(json_object_array_get_idx(f, 0),
	    "message")), "nested more than 128 levels"));
	json_object_put(f);
	json_object_put(d);
}

/* ---- parsing ---- */

static void
test_yaml_scalars(void)
{
	static const char text[] =
	    "n1: null\nn2: ~\nn3:\nn4: NULL\n"
	    "b1: true\nb2: False\nb3: yes\nb4: 'true'\n"
	    "i1: 42\ni2: -7\ni3: 0o17\ni4: 0x1F\ni5: +3\ni6: 007\n"
	    "i7: 18446744073709551615\n"
	    "f1: 1.5\nf2: 1e3\nf3: -.5\nf4: 2.\nf5: 6.02E+23\n"
	    "s1: '1.5'\ns2: \"42\"\ns3: 1.2.3\ns4: 0o9\ns5: |\n  text\n"
	    "s6: 12:30\ns7: 1_000\ns8: !!str 7\ns9: .5x\n"
	    "200: ok\n'201': quoted\n";
	static const struct {
		const char	*key;
		enum json_type	 type;
		const char	*text;	/* as json-c prints it */
	} want[] = {
		{ "n1", json_type_null, "null" },
		{ "n2", json_type_null, "null" },
		{ "n3", json_type_null, "null" },
		{ "n4", json_type_null, "null" },
		{ "b1", json_type_boolean, "true" },
		{ "b2", json_type_boolean, "false" },
		{ "b3", json_type_string, "yes" },	/* YAML 1.2 */
		{ "b4", json_type_string, "true" },
		{ "i1", json_type_int, "42" },
		{ "i2", json_type_int, "-7" },
		{ "i3", json_type_int, "15" },
		{ "i4", json_type_int, "31" },
		{ "i5", json_type_int, "3" },
		{ "i6", json_type_int, "7" },
		{ "i7", json_type_int, "18446744073709551615" },
		{ "f1", json_type_double, "1.5" },
		{ "f2", json_type_double, "1000.0" },
		{ "f3", json_type_double, "-0.5" },
		{ "f4", json_type_double, "2.0" },
		{ "f5", json_type_double, "6.02e+23" },
		{ "s1", json_type_string, "1.5" },
		{ "s2", json_type_string, "42" },
		{ "s3", json_type_string, "1.2.3" },
		{ "s4", json_type_string, "0o9" },
		{ "s5", json_type_string, "text\n" },
		{ "s6", json_type_string, "12:30" },	/* not 1.1's 750 */
		{ "s7", json_type_string, "1_000" },
		{ "s8", json_type_string, "7" },
		{ "s9", json_type_string, ".5x" },
		{ "200", json_type_string, "ok" },
		{ "201", json_type_string, "quoted" },
	};
	struct json_object	*o, *v;
	const char		*s;
	size_t			 i;

	o = parse(text);
	CU_ASSERT_EQUAL(json_object_object_length(o), (int)NELEM(want));
	for (i = 0; i < NELEM(want); i++) {
		CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(o, want[i].key,
		    &v));
		CU_ASSERT_EQUAL(json_object_get_type(v), want[i].type);
		s = want[i].type == json_type_string ?
		    json_object_get_string(v) : json_object_to_json_string(v);
		if (strcmp(s, want[i].text) != 0)
			fprintf(stderr, "\n%s: %s\n", want[i].key, s);
		CU_ASSERT_STRING_EQUAL(s, want[i].text);
	}
	json_object_put(o);

	/* Document order is kept (the service page lists operations so). */
	o = parse("z: 1\na: 2\nm: [x, {q: 1, b: 2}]\n");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), "{\"z\":1,\"a\":2,\"m\":[\"x\","
	    "{\"q\":1,\"b\":2}]}");
	json_object_put(o);
}

static void
test_yaml_refusals(void)
{
	REFUSED("a: &x {b: 1}\nc: *x\n", "anchors (&x) are not supported");
	REFUSED("a: &x 1\n", "line 1, column 4: YAML anchors");
	REFUSED("a: 1\nb:\n  - 2\n  - *x\n", "line 4, column 5: YAML "
	    "aliases (*x) are not supported");
	REFUSED("a: 1\nb: 2\na: 3\n", "line 3, column 1: the key \"a\" "
	    "appears twice");
	REFUSED("? [a, b]\n: 1\n", "mapping keys must be strings, not "
	    "sequences");
	REFUSED("a:\n  ? {b: 1}\n  : 2\n", "line 2, column 5: mapping keys "
	    "must be strings, not mappings");
	REFUSED("? \n: 1\n", "a mapping key is empty");
	REFUSED("a: !!binary aGVsbG8=\n", "tag tag:yaml.org,2002:binary is "
	    "not supported");
	REFUSED("a: !custom 1\n", "tag !custom");
	REFUSED("a: !!map [1]\n", "not supported");
	REFUSED("a: 1\n---\nb: 2\n", "line 2, column 1: a contract is one "
	    "YAML document");
	REFUSED("a: .inf\n", "infinity and NaN");
	REFUSED("a: -.Inf\n", "infinity and NaN");
	REFUSED("a: .nan\n", "infinity and NaN");
	REFUSED("a: 0x10000000000000000\n", "too large");
	REFUSED("a: \"nul\\0here\"\n", "NUL");
	REFUSED("# only a comment\n", "empty");
	REFUSED("---\n...\n", "empty");
}

static void
test_yaml_syntax_error_line(void)
{
	REFUSED("openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n"
	    "paths: {}\n", "line 4, column 10: invalid YAML: did not find "
	    "expected ',' or ']'");
	REFUSED("openapi: 3.1.0\ninfo:\n  title: x\n version: 1\n",
	    "line 4, column 2: invalid YAML");
	REFUSED("a: 'open\n", "invalid YAML");
	REFUSED("a:\tb: c\n\t- x\n", "line ");
}

static void
test_json_errors(void)
{
	REFUSED("{\"openapi\": \"3.1.0\",\n \"info\": {\"title\": x}}",
	    "line 2, column 20: invalid JSON");
	REFUSED("{\"a\": 1} {\"b\": 2}", "line 1, column 10: ");
	REFUSED("{\"a\": 1}\n\n x", "line 3, column 2: ");
	REFUSED("{\"a\": [1, 2}", "invalid JSON");
	REFUSED("{\"a\": 1", "truncated");
	REFUSED("{\"a\": 1,}", "invalid JSON");
	REFUSED("[1, 2", "truncated");
}

/* Both syntaxes are capped at 64 levels. */
static void
test_depth_limits(void)
{
	struct mkt_buf		 b;
	struct json_object	*o;
	char			 err[256];
	int			 depth, i;

	mkt_buf_init(&b);
	for (depth = 63; depth <= 66; depth++) {
		mkt_buf_reset(&b);
		for (i = 0; i < depth; i++)
			mkt_buf_puts(&b, "{\"a\":");
		mkt_buf_puts(&b, "1");
		for (i = 0; i < depth; i++)
			mkt_buf_putc(&b, '}');
		o = mkt_contract_parse(b.ptr, b.len, err, sizeof(err));
		CU_ASSERT_EQUAL(o != NULL, depth <= 64);
		if (o == NULL)
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 64 "
			    "levels"));
		json_object_put(o);

		/* The same in YAML's block style. */
		mkt_buf_reset(&b);
		for (i = 0; i < depth; i++) {
			mkt_buf_printf(&b, "%*sa:\n", i, "");
		}
		mkt_buf_printf(&b, "%*sb: 1\n", depth, "");
		o = mkt_contract_parse(b.ptr, b.len, err, sizeof(err));
		CU_ASSERT_EQUAL(o != NULL, depth < 64);
		if (o == NULL)
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested more than "
			    "64 levels"));
		json_object_put(o);
	}

	/* Far deeper: refused without recursion or huge memory. */
	mkt_buf_reset(&b);
	for (i = 0; i < 100000; i++)
		mkt_buf_putc(&b, '[');
	REFUSED(b.ptr, "more than 64 levels");
	b.ptr[0] = '-';
	b.ptr[1] = ' ';
	refused(b.ptr, b.len, "more than 64 levels");
	mkt_buf_free(&b);
}

static void
test_node_limit(void)
{
	struct mkt_buf		 b;
	struct json_object	*o;
	char			 err[256];
	size_t			 i;

	/* A mapping, its key, a sequence and 499997 scalars: 500000
	 * nodes; then one more. */
	mkt_buf_init(&b);
	mkt_buf_puts(&b, "a: [");
	for (i = 0; i < 499996; i++)
		mkt_buf_puts(&b, "1,");
	mkt_buf_puts(&b, "1]\n");
	o = mkt_contract_parse(b.ptr, b.len, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(o);
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o,
	    "a")), 499997);
	json_object_put(o);
	b.len -= 2;
	mkt_buf_puts(&b, ",1]\n");
	refused(b.ptr, b.len, "more than 500000 nodes");
	mkt_buf_free(&b);
}

static void
test_parse_input_checks(void)
{
	struct json_object	*o;
	char			*big;

	refused("", 0, "empty");
	refused(NULL, 0, "empty");
	REFUSED(" \n\t\r\n", "empty");
	REFUSED("a: \xff\xfe\n", "not valid UTF-8");
	refused("a: 1\0b: 2", 9, "not valid UTF-8");

	big = mkt_xmalloc(MKT_CONTRACT_MAX + 1);
	memset(big, ' ', MKT_CONTRACT_MAX + 1);
	refused(big, MKT_CONTRACT_MAX + 1, "larger than");
	free(big);

	/* A byte order mark and blanks before JSON; err may be NULL. */
	o = mkt_contract_parse("\xef\xbb\xbf \n{\"a\": [1]}\n",
	    strlen("\xef\xbb\xbf \n{\"a\": [1]}\n"), NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(o);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_array_get_idx(
	    json_object_object_get(o, "a"), 0)), 1);
	json_object_put(o);

	/* JSON-looking YAML that is no JSON is reported as JSON. */
	REFUSED("{a: 1}", "invalid JSON");
}

static void
test_json_pointer(void)
{
	/* RFC 6901 section 5. */
	static const char doc_text[] = "{\"foo\": [\"bar\", \"baz\"], "
	    "\"\": 0, \"a/b\": 1, \"c%d\": 2, \"e^f\": 3, \"g|h\": 4, "
	    "\"i\\\\j\": 5, \"k\\\"l\": 6, \" \": 7, \"m~n\": 8, "
	    "\"n\": null}";
	static const struct {
		const char	*pointer;
		int		 value;
	} t[] = {
		{ "/", 0 }, { "/a~1b", 1 }, { "/c%d", 2 }, { "/e^f", 3 },
		{ "/g|h", 4 }, { "/i\\j", 5 }, { "/k\"l", 6 }, { "/ ", 7 },
		{ "/m~0n", 8 },
	};
	static const char *const missing[] = {
		"/nope", "/foo/2", "/foo/-", "/foo/01", "/foo/-1", "/foo/+1",
		"/foo/1x", "/foo/", "/foo/0/x", "/a~2b", "/m~", "foo",
		"#/foo", "/a/b", "/foo/99999999999999999999",
	};
	struct json_object	*doc = parse(doc_text), *v;
	size_t			 i;

	CU_ASSERT_PTR_EQUAL(mkt_json_pointer(doc, ""), doc);
	v = mkt_json_pointer(doc, "/foo");
	CU_ASSERT_EQUAL(json_object_array_length(v), 2);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(mkt_json_pointer(doc,
	    "/foo/0")), "bar");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(mkt_json_pointer(doc,
	    "/foo/1")), "baz");
	for (i = 0; i < NELEM(t); i++) {
		v = mkt_json_pointer(doc, t[i].pointer);
		CU_ASSERT_TRUE(json_object_is_type(v, json_type_int));
		CU_ASSERT_EQUAL(json_object_get_int(v), t[i].value);
	}
	for (i = 0; i < NELEM(missing); i++)
		CU_ASSERT_PTR_NULL(mkt_json_pointer(doc, missing[i]));
	CU_ASSERT_PTR_NULL(mkt_json_pointer(doc, "/n"));
	CU_ASSERT_PTR_NULL(mkt_json_pointer(doc, NULL));
	CU_ASSERT_PTR_NULL(mkt_json_pointer(NULL, "/foo"));
	json_object_put(doc);

	/* Long tokens, past any small buffer. */
	CU_ASSERT_PTR_NOT_NULL(mkt_json_pointer(mistral_json,
	    "/paths/~1v1~1observability~1chat-completion-fields~1"
	    "{field_name}~1options-counts/post/requestBody/content/"
	    "application~1json/schema/$ref"));
}

/* ---- operations ---- */

static void
test_operations(void)
{
	struct json_object	*ops, *o, *v;
	size_t			 i, n, deprecated = 0;

	ops = mkt_openapi_operations(mistral_json);
	n = json_object_array_length(ops);
	CU_ASSERT_EQUAL(n, 173);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(ops, i);
		CU_ASSERT_EQUAL(json_object_object_length(o), 5);
		CU_ASSERT_TRUE(json_object_object_get_ex(o, "deprecated", &v));
		CU_ASSERT_TRUE(json_object_is_type(v, json_type_boolean));
		deprecated += json_object_get_boolean(v) ? 1 : 0;
	}
	CU_ASSERT_EQUAL(deprecated, 3);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_array_get_idx(ops, 0), JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), "{\"method\":\"GET\","
	    "\"path\":\"/v1/models\",\"operation_id\":"
	    "\"list_models_v1_models_get\",\"summary\":\"List Models\","
	    "\"deprecated\":false}");
	o = json_object_array_get_idx(ops, n - 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    o, "method")), "DELETE");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    o, "path")), "/v1/connectors/{connector_id}#id");
	json_object_put(ops);

	/* Missing members are null; the order is the document's. */
	o = parse("{\"paths\": {\"/b\": {\"post\": {}, \"get\": "
	    "{\"deprecated\": true, \"operationId\": 3}, \"parameters\": "
	    "[]}, \"/a\": {\"$ref\": \"#/components/pathItems/A\"}}, "
	    "\"components\": {\"pathItems\": {\"A\": {\"put\": {\"summary\": "
	    "\"s\"}}}}}");
	ops = mkt_openapi_operations(o);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(ops,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "[{\"method\":\"POST\",\"path\":\"/b\",\"operation_id\":null,"
	    "\"summary\":null,\"deprecated\":false},{\"method\":\"GET\","
	    "\"path\":\"/b\",\"operation_id\":null,\"summary\":null,"
	    "\"deprecated\":true},{\"method\":\"PUT\",\"path\":\"/a\","
	    "\"operation_id\":null,\"summary\":\"s\",\"deprecated\":false}]");
	json_object_put(ops);
	json_object_put(o);

	ops = mkt_openapi_operations(oai_webhook);
	CU_ASSERT_EQUAL(json_object_array_length(ops), 0);
	json_object_put(ops);
}

/* ---- breaking changes ---- */

static void
test_breaking_none(void)
{
	struct json_object	*d;

	expect_breaking(mistral_json, mistral(), 0, NULL, NULL);
	expect_breaking(mistral_json, json_object_get(mistral_yaml), 0, NULL,
	    NULL);

	/* Additions are not breaking: a path, an optional parameter, an
	 * optional property, a response media type. */
	d = mistral();
	set(d, "/paths", "/v1/new", parse("{\"get\": {\"responses\": {}}}"));
	json_object_array_add(mkt_json_pointer(d, "/paths/~1v1~1models/get/"
	    "parameters"), parse("{\"name\": \"page\", \"in\": \"query\", "
	    "\"schema\": {\"type\": \"integer\"}}"));
	json_object_array_add(mkt_json_pointer(d, "/paths/~1v1~1models/get/"
	    "parameters"), parse("{\"name\": \"X-Trace\", \"in\": "
	    "\"header\", \"required\": false}"));
	set(d, "/components/schemas/ChatCompletionRequest/properties", "new",
	    parse("{\"type\": \"string\"}"));
	set(d, "/paths/~1v1~1models/get/responses/200/content",
	    "application/x-ndjson", parse("{}"));
	expect_breaking(mistral_json, d, 0, NULL, NULL);

	/* A required parameter made optional is no break either. */
	d = mistral();
	set(d, "/paths/~1v1~1agents~1{agent_id}~1aliases/put/parameters/1",
	    "required", json_object_new_boolean(0));
	expect_breaking(mistral_json, d, 0, NULL, NULL);
}

static void
test_breaking_removals(void)
{
	struct json_object	*d;

	d = mistral();
	del(d, "/paths", "/v1/models");
	expect_breaking(mistral_json, d, 1, "/paths/~1v1~1models",
	    "path /v1/models was removed");

	d = mistral();
	del(d, "/paths/~1v1~1chat~1completions", "post");
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1chat~1completions/post",
	    "operation POST /v1/chat/completions was removed");

	d = mistral();
	del(d, "/paths/~1v1~1chat~1completions/post/responses/200/content",
	    "text/event-stream");
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1chat~1completions/post/responses/200/content/"
	    "text~1event-stream", "response 200 of operation POST "
	    "/v1/chat/completions no longer offers text/event-stream");

	d = mistral();
	del(d, "/paths/~1v1~1models/get/responses", "200");
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1models/get/responses/200",
	    "response 200 of operation GET /v1/models was removed");

	/* Error responses may change freely. */
	d = mistral();
	del(d, "/paths/~1v1~1models/get/responses", "422");
	expect_breaking(mistral_json, d, 0, NULL, NULL);
}

static void
test_breaking_parameters(void)
{
	struct json_object	*d;

	d = mistral();
	json_object_array_add(mkt_json_pointer(d, "/paths/~1v1~1models/get/"
	    "parameters"), parse("{\"name\": \"tenant\", \"in\": \"query\", "
	    "\"required\": true, \"schema\": {\"type\": \"string\"}}"));
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1models/get/parameters/2", "operation GET "
	    "/v1/models has a new required query parameter \"tenant\"");

	d = mistral();
	set(d, "/paths/~1v1~1models/get/parameters/1", "required",
	    json_object_new_boolean(1));
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1models/get/parameters/1", "the query parameter "
	    "\"model\" of operation GET /v1/models became required");

	/* At path level, it applies to every operation there. */
	d = mistral();
	set(d, "/paths/~1v1~1chat~1completions", "parameters",
	    parse("[{\"name\": \"X-Org\", \"in\": \"header\", \"required\": "
	    "true}]"));
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1chat~1completions/parameters/0",
	    "new required header parameter \"X-Org\"");

	/* Same name elsewhere (in) is another parameter. */
	d = mistral();
	json_object_array_add(mkt_json_pointer(d, "/paths/~1v1~1models/get/"
	    "parameters"), parse("{\"name\": \"model\", \"in\": "
	    "\"header\", \"required\": true}"));
	expect_breaking(mistral_json, d, 1,
	    "/paths/~1v1~1models/get/parameters/2", "header parameter "
	    "\"model\"");
}

static void
test_breaking_request_body(void)
{
	static const char old_text[] =
	    "{\"openapi\": \"3.1.0\", \"paths\": {\"/p\": {\"post\": {"
	    "\"requestBody\": {\"$ref\": \"#/components/requestBodies/B\"}"
	    "}}}, \"components\": {\"requestBodies\": {\"B\": {\"content\": "
	    "{\"application/json\": {\"schema\": {\"$ref\": "
	    "\"#/components/schemas/S\"}}}}}, \"schemas\": {\"S\": {"
	    "\"allOf\": [{\"$ref\": \"#/components/schemas/Base\"}, "
	    "{\"required\": [\"b\"]}]}, \"Base\": {\"required\": [\"a\"]}}}}";
	struct json_object	*old, *d;

	d = mistral();
	json_object_array_add(mkt_json_pointer(d, "/components/schemas/"
	    "ChatCompletionRequest/required"),
	    json_object_new_string("temperature"));
	expect_breaking(mistral_json, d, 1,
	    "/components/schemas/ChatCompletionRequest/required/2",
	    "property \"temperature\" of the application/json request body "
	    "of operation POST /v1/chat/completions became required");

	/* Through a request body $ref, and allOf (one $ref deep). */
	old = parse(old_text);
	expect_breaking(old, parse(old_text), 0, NULL, NULL);
	d = parse(old_text);
	json_object_array_add(mkt_json_pointer(d,
	    "/components/schemas/Base/required"), json_object_new_string("c"));
	expect_breaking(old, d, 1, "/components/schemas/Base/required/1",
	    "property \"c\" of the application/json request body of "
	    "operation POST /p became required");
	d = parse(old_text);
	json_object_array_add(mkt_json_pointer(d,
	    "/components/schemas/S/allOf/1/required"),
	    json_object_new_string("a"));	/* already required */
	expect_breaking(old, d, 0, NULL, NULL);

	/* The body itself. */
	d = parse(old_text);
	set(d, "/components/requestBodies/B", "required",
	    json_object_new_boolean(1));
	expect_breaking(old, d, 1, "/components/requestBodies/B/required",
	    "the request body of operation POST /p became required");
	json_object_put(old);

	old = parse("{\"paths\": {\"/p\": {\"put\": {}}}}");
	expect_breaking(old, parse("{\"paths\": {\"/p\": {\"put\": {"
	    "\"requestBody\": {\"required\": true, \"content\": {}}}}}}"),
	    1, "/paths/~1p/put/requestBody/required", "became required");
	expect_breaking(old, parse("{\"paths\": {\"/p\": {\"put\": {"
	    "\"requestBody\": {\"content\": {}}}}}}"), 0, NULL, NULL);
	json_object_put(old);
}

/* ---- probes ---- */

static void
test_probe_mistral(void)
{
	struct mkt_openapi_probe	 p;
	struct json_object		*d, *ex;

	/* No POST of the real document has a JSON example body (only its
	 * properties do), so the probe falls back to the first safe GET. */
	memset(&p, 0xff, sizeof(p));
	CU_ASSERT_TRUE_FATAL(mkt_openapi_probe(mistral_json, &p));
	CU_ASSERT_STRING_EQUAL(p.method, "GET");
	CU_ASSERT_STRING_EQUAL(p.path, "/v1/models");
	CU_ASSERT_PTR_NULL(p.body);
	CU_ASSERT_STRING_EQUAL(p.status, "200");
	CU_ASSERT_STRING_EQUAL(p.pointer, "/paths/~1v1~1models/get");
	CU_ASSERT_PTR_EQUAL(p.schema, mkt_json_pointer(mistral_json,
	    "/paths/~1v1~1models/get/responses/200/content/"
	    "application~1json/schema"));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    p.schema, "$ref")), "#/components/schemas/ModelList");

	/* With an example on the chat request schema: that POST. */
	d = mistral();
	ex = parse("{\"model\": \"mistral-small-latest\", \"messages\": "
	    "[{\"role\": \"user\", \"content\": \"ping\"}]}");
	set(d, "/components/schemas/ChatCompletionRequest", "example", ex);
	CU_ASSERT_TRUE_FATAL(mkt_openapi_probe(d, &p));
	CU_ASSERT_STRING_EQUAL(p.method, "POST");
	CU_ASSERT_STRING_EQUAL(p.path, "/v1/chat/completions");
	CU_ASSERT_PTR_EQUAL(p.body, ex);
	CU_ASSERT_STRING_EQUAL(p.status, "200");
	CU_ASSERT_STRING_EQUAL(p.pointer,
	    "/paths/~1v1~1chat~1completions/post");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    p.schema, "$ref")), "#/components/schemas/ChatCompletionResponse");

	/* The same answer again. */
	CU_ASSERT_TRUE(mkt_openapi_probe(d, &p));
	CU_ASSERT_STRING_EQUAL(p.pointer,
	    "/paths/~1v1~1chat~1completions/post");

	/* An earlier POST with a media type example wins; schema examples
	 * (a list) count too. */
	set(d, "/components/schemas/EmbeddingRequest", "examples",
	    parse("[{\"model\": \"mistral-embed\", \"input\": [\"a\"]}]"));
	set(d, "/paths/~1v1~1chat~1completions/post/requestBody/content/"
	    "application~1json", "examples", parse("{\"first\": {\"value\": "
	    "{\"model\": \"m\"}}, \"second\": {\"value\": 2}}"));
	CU_ASSERT_TRUE_FATAL(mkt_openapi_probe(d, &p));
	CU_ASSERT_STRING_EQUAL(p.path, "/v1/chat/completions");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string(p.body),
	    "{ \"model\": \"m\" }");
	del(d, "/paths/~1v1~1chat~1completions", "post");
	CU_ASSERT_TRUE_FATAL(mkt_openapi_probe(d, &p));
	CU_ASSERT_STRING_EQUAL(p.path, "/v1/embeddings");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    p.body, "model")), "mistral-embed");
	json_object_put(d);
}

static void
test_probe_choices(void)
{
	static const struct {
		const char	*doc;
		bool		 ok;
		const char	*method, *path, *status;
	} t[] = {
		/* Lowest 2xx; then 2XX; then default. */
		{ "{\"paths\": {\"/a\": {\"get\": {\"responses\": "
		    "{\"202\": {}, \"201\": {}, \"400\": {}}}}}}", true, "GET",
		    "/a", "201" },
		{ "{\"paths\": {\"/a\": {\"get\": {\"responses\": "
		    "{\"2XX\": {}, \"default\": {}}}}}}", true, "GET", "/a",
		    "2XX" },
		{ "{\"paths\": {\"/a\": {\"get\": {\"responses\": "
		    "{\"default\": {}, \"404\": {}}}}}}", true, "GET", "/a",
		    "default" },
		{ "{\"paths\": {\"/a\": {\"get\": {\"responses\": "
		    "{\"404\": {}}}}}}", false, NULL, NULL, NULL },
		{ "{\"paths\": {\"/a\": {\"get\": {}}}}", false, NULL, NULL,
		    NULL },
		/* Templates and required parameters are skipped. */
		{ "{\"paths\": {\"/a/{id}\": {\"get\": {\"responses\": "
		    "{\"200\": {}}}}, \"/b\": {\"get\": {\"parameters\": "
		    "[{\"name\": \"q\", \"in\": \"query\", \"required\": "
		    "true}], "
		    "\"responses\": {\"200\": {}}}}, \"/c\": {\"parameters\": "
		    "[{\"$ref\": \"#/components/parameters/K\"}], \"get\": "
		    "{\"responses\": {\"200\": {}}}}, \"/d\": {\"get\": "
		    "{\"parameters\": [{\"name\": \"q\", \"in\": \"query\"}], "
		    "\"responses\": {\"200\": {}}}}}, \"components\": "
		    "{\"parameters\": {\"K\": {\"name\": \"k\", \"in\": "
		    "\"header\", \"required\": true}}}}", true, "GET", "/d",
		    "200" },
		/* A POST without example: the GET after it. */
		{ "{\"paths\": {\"/p\": {\"post\": {\"requestBody\": "
		    "{\"content\": {\"application/json\": {\"schema\": {}}}}, "
		    "\"responses\": {\"200\": {}}}}, \"/g\": {\"get\": "
		    "{\"responses\": {\"200\": {}}}}}}", true, "GET", "/g",
		    "200" },
		/* A POST with one, through $refs, beats an earlier GET. */
		{ "{\"paths\": {\"/g\": {\"get\": {\"responses\": {\"200\": "
		    "{}}}}, \"/p\": {\"$ref\": \"#/components/pathItems/P\"}}, "
		    "\"components\": {\"pathItems\": {\"P\": {\"post\": {"
		    "\"requestBody\": {\"$ref\": \"#/components/requestBodies/"
		    "R\"}, \"responses\": {\"201\": {\"$ref\": \"#/components/"
		    "responses/Created\"}}}}}, \"requestBodies\": {\"R\": "
		    "{\"content\": {\"application/json\": {\"schema\": "
		    "{\"$ref\": \"#/components/schemas/S\"}}}}}, \"schemas\": "
		    "{\"S\": {\"example\": {\"x\": 1}}}, \"responses\": {\"Created\": "
		    "{\"content\": {\"application/json\": {\"schema\": "
		    "{\"type\": \"object\"}}}}}}}", true, "POST", "/p", "201" },
		{ "{\"openapi\": \"3.1.0\"}", false, NULL, NULL, NULL },
		{ "[]", false, NULL, NULL, NULL },
	};
	struct mkt_openapi_probe	 p;
	struct json_object		*d;
	size_t				 i;

	for (i = 0; i < NELEM(t); i++) {
		d = parse(t[i].doc);
		CU_ASSERT_EQUAL(mkt_openapi_probe(d, &p), t[i].ok);
		if (!t[i].ok || p.method == NULL) {
			CU_ASSERT_PTR_NULL(p.method);
			CU_ASSERT_PTR_NULL(p.pointer);
			json_object_put(d);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(p.method, t[i].method);
		CU_ASSERT_STRING_EQUAL(p.path, t[i].path);
		CU_ASSERT_STRING_EQUAL(p.status, t[i].status);
		if (strcmp(t[i].method, "POST") == 0) {
			CU_ASSERT_EQUAL(json_object_get_int(
			    json_object_object_get(p.body, "x")), 1);
			CU_ASSERT_STRING_EQUAL(json_object_get_string(
			    json_object_object_get(p.schema, "type")),
			    "object");
			CU_ASSERT_STRING_EQUAL(p.pointer, "/paths/~1p/post");
		}
		json_object_put(d);
	}

	/* The OpenAPI Initiative examples offer nothing to call: webhooks
	 * only, and a GET without responses. */
	CU_ASSERT_FALSE(mkt_openapi_probe(oai_webhook, &p));
	CU_ASSERT_FALSE(mkt_openapi_probe(oai_scopes, &p));
}

void
add_openapi_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("openapi", openapi_init, openapi_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_mistral_yaml_equals_json);
	CU_ADD_TEST(s, test_real_documents_validate_clean);
	CU_ADD_TEST(s, test_openapi_version);
	CU_ADD_TEST(s, test_info);
	CU_ADD_TEST(s, test_root);
	CU_ADD_TEST(s, test_dangling_ref);
	CU_ADD_TEST(s, test_nonlocal_ref);
	CU_ADD_TEST(s, test_ref_forms);
	CU_ADD_TEST(s, test_refs_in_data_ignored);
	CU_ADD_TEST(s, test_duplicate_operation_id);
	CU_ADD_TEST(s, test_servers);
	CU_ADD_TEST(s, test_schemas);
	CU_ADD_TEST(s, test_paths_and_operations);
	CU_ADD_TEST(s, test_validate_deep_document);
	CU_ADD_TEST(s, test_yaml_scalars);
	CU_ADD_TEST(s, test_yaml_refusals);
	CU_ADD_TEST(s, test_yaml_syntax_error_line);
	CU_ADD_TEST(s, test_json_errors);
	CU_ADD_TEST(s, test_depth_limits);
	CU_ADD_TEST(s, test_node_limit);
	CU_ADD_TEST(s, test_parse_input_checks);
	CU_ADD_TEST(s, test_json_pointer);
	CU_ADD_TEST(s, test_operations);
	CU_ADD_TEST(s, test_breaking_none);
	CU_ADD_TEST(s, test_breaking_removals);
	CU_ADD_TEST(s, test_breaking_parameters);
	CU_ADD_TEST(s, test_breaking_request_body);
	CU_ADD_TEST(s, test_probe_mistral);
	CU_ADD_TEST(s, test_probe_choices);
}
