/* t-schema.c: the JSON Schema subset (schema.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct json_object *
parse(const char *text)
{
	struct json_object	*o;

	o = json_tokener_parse(text);
	if (o == NULL && strcmp(text, "null") != 0)
		fprintf(stderr, "t-schema: bad test JSON: %s\n", text);
	return o;
}

static const char *
finding(struct json_object *findings, size_t i, const char *member)
{
	struct json_object	*f, *v;

	f = json_object_array_get_idx(findings, i);
	if (!json_object_object_get_ex(f, member, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "(missing)";
	return json_object_get_string(v);
}

/* Validates instance against schema (its own root); the findings array
 * is returned in *out, to be put by the caller. */
static size_t
run(const char *schema, const char *instance, struct json_object **out)
{
	struct json_object	*s, *inst;
	size_t			 n;

	s = parse(schema);
	inst = parse(instance);
	*out = json_object_new_array();
	n = mkt_schema_validate(NULL, s, inst, *out);
	json_object_put(s);
	json_object_put(inst);
	return n;
}

static const struct {
	const char	*schema;
	const char	*instance;
} valid[] = {
	{ "true", "42" },
	{ "{}", "{\"a\": [1, null]}" },
	{ "{\"type\": \"integer\"}", "1.0" },
	{ "{\"type\": \"integer\"}", "-7" },
	{ "{\"type\": \"integer\"}", "18446744073709551615" },
	{ "{\"type\": \"number\"}", "1.5" },
	{ "{\"type\": \"number\"}", "3" },
	{ "{\"type\": \"boolean\"}", "false" },
	{ "{\"type\": \"null\"}", "null" },
	{ "{\"type\": [\"string\", \"null\"]}", "null" },
	{ "{\"type\": [\"string\", \"null\"]}", "\"x\"" },
	{ "{\"type\": \"string\", \"nullable\": true}", "null" },
	{ "{\"enum\": [\"a\", \"b\", 1]}", "1.0" },
	{ "{\"enum\": [[1, 2], {\"k\": null}]}", "{\"k\": null}" },
	{ "{\"const\": {\"x\": [1, 2], \"y\": \"z\"}}",
	    "{\"y\": \"z\", \"x\": [1.0, 2]}" },
	{ "{\"minimum\": 1, \"maximum\": 3}", "3" },
	{ "{\"minimum\": 1, \"maximum\": 3}", "1" },
	{ "{\"exclusiveMinimum\": 1, \"exclusiveMaximum\": 2}", "1.5" },
	{ "{\"minLength\": 2, \"maxLength\": 2}", "\"\xc3\xa9\xc3\xa9\"" },
	{ "{\"minItems\": 1, \"maxItems\": 2, \"items\": {\"type\": "
	    "\"string\"}}", "[\"a\", \"b\"]" },
	{ "{\"required\": [\"id\"], \"properties\": {\"id\": {\"type\": "
	    "\"string\"}}, \"additionalProperties\": false}",
	    "{\"id\": \"x\"}" },
	{ "{\"additionalProperties\": {\"type\": \"integer\"}}",
	    "{\"a\": 1, \"b\": 2}" },
	{ "{\"patternProperties\": {\"^x-\": {}}, "
	    "\"additionalProperties\": false}", "{\"x-a\": 1}" },
	{ "{\"required\": [\"id\"]}", "\"not an object\"" },
	{ "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
	    "3" },
	{ "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
	    "\"x\"" },
	{ "{\"allOf\": [{\"minimum\": 0}, {\"maximum\": 10}]}", "5" },
	{ "{\"not\": {\"type\": \"string\"}}", "5" },
	{ "{\"frobnicate\": 5, \"pattern\": \"^x$\", \"format\": "
	    "\"email\"}", "\"abc\"" },
	{ "{\"type\": \"string\", \"minimum\": 5, \"minItems\": 9}",
	    "\"abc\"" },
	{ "{\"prefixItems\": [{\"type\": \"string\"}, {\"type\": "
	    "\"integer\"}], \"items\": false}", "[\"a\", 1]" },
	{ "{\"items\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
	    "[\"a\", 1, true]" },
	{ "{\"$ref\": \"#/$defs/a~1b\", \"$defs\": {\"a/b\": {\"type\": "
	    "\"integer\"}}}", "3" },
	{ "{\"$ref\": \"#/$defs/t~0x\", \"$defs\": {\"t~x\": {\"type\": "
	    "\"integer\"}}}", "3" },
	{ "{\"$ref\": \"#/$defs/a%20b\", \"$defs\": {\"a b\": {\"type\": "
	    "\"integer\"}}}", "3" },
	{ "{\"$ref\": \"#/$defs/list/1\", \"$defs\": {\"list\": [{\"type\": "
	    "\"string\"}, {\"type\": \"integer\"}]}}", "3" },
	{ "{\"type\": \"object\", \"properties\": {\"children\": {\"type\": "
	    "\"array\", \"items\": {\"$ref\": \"#\"}}}}",
	    "{\"children\": [{\"children\": [{}]}, {}]}" },
};

static void
test_valid(void)
{
	struct json_object	*f;
	size_t			 i, n;

	for (i = 0; i < NELEM(valid); i++) {
		n = run(valid[i].schema, valid[i].instance, &f);
		if (n != 0)
			fprintf(stderr, "\nvalid[%zu]: %s: %s\n", i,
			    finding(f, 0, "pointer"),
			    finding(f, 0, "message"));
		CU_ASSERT_EQUAL(n, 0);
		CU_ASSERT_EQUAL(json_object_array_length(f), 0);
		json_object_put(f);
	}
}

/* Instances breaking exactly one thing: where and what is reported. */
static const struct {
	const char	*schema;
	const char	*instance;
	const char	*pointer;
	const char	*message;
} invalid[] = {
	{ "false", "1", "", "no value is allowed here" },
	{ "{\"type\": \"string\"}", "5", "",
	    "expected type string, got integer" },
	{ "{\"type\": \"string\"}", "null", "",
	    "expected type string, got null" },
	{ "{\"type\": \"integer\"}", "1.5", "",
	    "expected type integer, got number" },
	{ "{\"type\": \"object\"}", "[]", "",
	    "expected type object, got array" },
	{ "{\"type\": [\"string\", \"null\"]}", "true", "",
	    "expected type string or null, got boolean" },
	{ "{\"type\": [\"string\", \"integer\", \"null\"]}", "{}", "",
	    "expected type string, integer or null, got object" },
	{ "{\"type\": \"string\", \"nullable\": false}", "null", "",
	    "expected type string, got null" },
	{ "{\"enum\": [\"a\", \"b\"]}", "\"c\"", "",
	    "value is not one of: a, b" },
	{ "{\"enum\": [\"a\", 2, null]}", "\"2\"", "",
	    "value is not one of: a, 2, null" },
	{ "{\"const\": \"x\"}", "\"y\"", "", "value must be x" },
	{ "{\"const\": 1}", "true", "", "value must be 1" },
	{ "{\"minimum\": 10}", "3", "",
	    "value 3 is less than the minimum 10" },
	{ "{\"maximum\": 2.5}", "3", "",
	    "value 3 is greater than the maximum 2.5" },
	{ "{\"exclusiveMinimum\": 1}", "1", "",
	    "value 1 is not greater than 1" },
	{ "{\"exclusiveMaximum\": 1}", "1.0", "",
	    "value 1 is not less than 1" },
	{ "{\"minLength\": 3}", "\"\xc3\xa9\xc3\xa9\"", "",
	    "string is shorter than 3 characters" },
	{ "{\"maxLength\": 1}", "\"ab\"", "",
	    "string is longer than 1 character" },
	{ "{\"minItems\": 2}", "[1]", "",
	    "array has 1 item, fewer than the minimum of 2" },
	{ "{\"maxItems\": 1}", "[1, 2]", "",
	    "array has 2 items, more than the maximum of 1" },
	{ "{\"required\": [\"name\", \"id\"]}", "{\"name\": 1}", "",
	    "required property \"id\" is missing" },
	{ "{\"properties\": {\"a\": {\"type\": \"string\"}}}", "{\"a\": 1}",
	    "/a", "expected type string, got integer" },
	{ "{\"properties\": {\"a/b\": {\"type\": \"string\"}}}",
	    "{\"a/b\": 1}", "/a~1b", "expected type string, got integer" },
	{ "{\"properties\": {\"m~n\": {\"type\": \"string\"}}}",
	    "{\"m~n\": 1}", "/m~0n", "expected type string, got integer" },
	{ "{\"properties\": {\"a\": {}}, \"additionalProperties\": false}",
	    "{\"a\": 1, \"b\": 2}", "/b", "property \"b\" is not allowed" },
	{ "{\"additionalProperties\": {\"type\": \"string\"}}",
	    "{\"k\": 2}", "/k", "expected type string, got integer" },
	{ "{\"items\": {\"type\": \"integer\"}}", "[1, \"x\", 3]", "/1",
	    "expected type integer, got string" },
	{ "{\"prefixItems\": [{\"type\": \"string\"}], \"items\": false}",
	    "[\"a\", 2]", "/1", "no value is allowed here" },
	{ "{\"properties\": {\"a\": {\"properties\": {\"b\": {\"items\": "
	    "{\"enum\": [\"x\"]}}}}}}", "{\"a\": {\"b\": [\"x\", \"y\"]}}",
	    "/a/b/1", "value is not one of: x" },
	{ "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", "
	    "\"minimum\": 5}]}", "3", "",
	    "value does not match any of the 2 alternatives (anyOf)" },
	{ "{\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"string\"}, "
	    "{\"type\": \"integer\"}]}", "3", "",
	    "value matches more than one alternative (oneOf): 0 and 2, "
	    "counting from 0" },
	{ "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"boolean\"}]}",
	    "3", "", "value does not match any of the 2 alternatives (oneOf)" },
	{ "{\"not\": {\"type\": \"integer\"}}", "3", "",
	    "value matches a schema it must not match (not)" },
	{ "{\"allOf\": [{\"minimum\": 0}, {\"maximum\": 10}]}", "11", "",
	    "value 11 is greater than the maximum 10" },
	{ "{\"$ref\": \"#/$defs/missing\"}", "1", "",
	    "the schema refers to \"#/$defs/missing\", which does not "
	    "exist" },
	{ "{\"$ref\": \"#/$defs/a~2\", \"$defs\": {\"a~2\": {}}}", "1", "",
	    "the schema refers to \"#/$defs/a~2\", which does not exist" },
	{ "{\"$ref\": \"https://example.org/s.json\"}", "1", "",
	    "the schema refers to \"https://example.org/s.json\", which is "
	    "not a local reference (\"#/...\") and cannot be checked" },
	{ "{\"$ref\": \"#\"}", "1", "",
	    "the schema's references loop at \"#\"" },
	{ "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": "
	    "\"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}", "1", "",
	    "the schema's references loop at \"#/$defs/a\"" },
	{ "{\"$ref\": \"#/$defs/i\", \"$defs\": {\"i\": {\"type\": "
	    "\"integer\"}}}", "\"7\"", "",
	    "expected type integer, got string" },
	{ "{\"properties\": {\"a\": 5}}", "{\"a\": 1}", "/a",
	    "the schema for this value is neither an object nor a boolean" },
};

static void
test_invalid(void)
{
	struct json_object	*f;
	size_t			 i, n;

	for (i = 0; i < NELEM(invalid); i++) {
		n = run(invalid[i].schema, invalid[i].instance, &f);
		if (n != 1 || strcmp(finding(f, 0, "pointer"),
		    invalid[i].pointer) != 0 || strcmp(finding(f, 0,
		    "message"), invalid[i].message) != 0)
			fprintf(stderr, "\ninvalid[%zu]: %zu finding(s), "
			    "first %s: %s\n", i, n, finding(f, 0, "pointer"),
			    finding(f, 0, "message"));
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(json_object_array_length(f), n);
		CU_ASSERT_STRING_EQUAL(finding(f, 0, "pointer"),
		    invalid[i].pointer);
		CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
		    invalid[i].message);
		json_object_put(f);
	}
}

/* Every error is reported, in the order of the schema's keywords and
 * then of the instance's members. */
static void
test_several_findings(void)
{
	struct json_object	*f;
	size_t			 n;

	n = run("{\"type\": \"object\", \"required\": [\"id\", \"name\"], "
	    "\"properties\": {\"name\": {\"type\": \"string\", \"maxLength\": "
	    "3}, \"tags\": {\"type\": \"array\", \"items\": {\"type\": "
	    "\"string\"}}}, \"additionalProperties\": false}",
	    "{\"name\": \"toolong\", \"tags\": [\"a\", 2, false], \"x\": 1}",
	    &f);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_EQUAL(json_object_array_length(f), 5);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "pointer"), "");
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
	    "required property \"id\" is missing");
	CU_ASSERT_STRING_EQUAL(finding(f, 1, "pointer"), "/name");
	CU_ASSERT_STRING_EQUAL(finding(f, 1, "message"),
	    "string is longer than 3 characters");
	CU_ASSERT_STRING_EQUAL(finding(f, 2, "pointer"), "/tags/1");
	CU_ASSERT_STRING_EQUAL(finding(f, 3, "pointer"), "/tags/2");
	CU_ASSERT_STRING_EQUAL(finding(f, 3, "message"),
	    "expected type string, got boolean");
	CU_ASSERT_STRING_EQUAL(finding(f, 4, "pointer"), "/x");
	CU_ASSERT_STRING_EQUAL(finding(f, 4, "message"),
	    "property \"x\" is not allowed");
	json_object_put(f);
}

/* A failed branch is one finding, however much inside it failed. */
static void
test_branches_report_once(void)
{
	struct json_object	*f;
	size_t			 n;

	n = run("{\"properties\": {\"p\": {\"anyOf\": [{\"required\": [\"a\", "
	    "\"b\", \"c\"]}, {\"type\": \"object\", \"properties\": {\"a\": "
	    "{\"type\": \"string\"}, \"b\": {\"type\": \"string\"}}}]}}}",
	    "{\"p\": {\"a\": 1, \"b\": 2}}", &f);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(json_object_array_length(f), 1);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "pointer"), "/p");
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
	    "value does not match any of the 2 alternatives (anyOf)");
	json_object_put(f);

	/* The passing branch of anyOf leaves nothing behind either. */
	n = run("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"array\", "
	    "\"items\": {\"type\": \"integer\"}}]}", "[1, 2]", &f);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(json_object_array_length(f), 0);
	json_object_put(f);
}

static void
test_too_many_findings(void)
{
	struct json_object	*f;
	struct mkt_buf		 b;
	size_t			 i, n;

	mkt_buf_init(&b);
	mkt_buf_putc(&b, '[');
	for (i = 0; i < 150; i++)
		mkt_buf_printf(&b, "%s%zu", i > 0 ? "," : "", i);
	mkt_buf_putc(&b, ']');
	n = run("{\"items\": {\"type\": \"string\"}}", b.ptr, &f);
	mkt_buf_free(&b);
	CU_ASSERT_EQUAL_FATAL(n, 101);
	CU_ASSERT_EQUAL(json_object_array_length(f), 101);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "pointer"), "/0");
	CU_ASSERT_STRING_EQUAL(finding(f, 99, "pointer"), "/99");
	CU_ASSERT_STRING_EQUAL(finding(f, 99, "message"),
	    "expected type string, got integer");
	CU_ASSERT_STRING_EQUAL(finding(f, 100, "pointer"), "");
	CU_ASSERT_STRING_EQUAL(finding(f, 100, "message"),
	    "too many errors; only the first 100 are shown");
	json_object_put(f);
}

/* $ref into a separate root, as for a schema inside an OpenAPI
 * document; findings already in the array are left alone and not
 * counted. */
static void
test_separate_root(void)
{
	struct json_object	*doc, *schema, *inst, *f;
	size_t			 n;

	doc = parse("{\"components\": {\"schemas\": {\"Model\": {\"type\": "
	    "\"object\", \"required\": [\"id\"], \"properties\": {\"id\": "
	    "{\"type\": \"string\"}, \"owner\": {\"$ref\": "
	    "\"#/components/schemas/Owner\"}}}, \"Owner\": {\"type\": "
	    "\"object\", \"required\": [\"name\"]}}}}");
	schema = parse("{\"$ref\": \"#/components/schemas/Model\"}");
	inst = parse("{\"id\": \"m1\", \"owner\": {}}");
	f = parse("[{\"pointer\": \"/earlier\", \"message\": \"kept\"}]");
	CU_ASSERT_FATAL(doc != NULL && schema != NULL && inst != NULL &&
	    f != NULL);
	n = mkt_schema_validate(doc, schema, inst, f);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(json_object_array_length(f), 2);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"), "kept");
	CU_ASSERT_STRING_EQUAL(finding(f, 1, "pointer"), "/owner");
	CU_ASSERT_STRING_EQUAL(finding(f, 1, "message"),
	    "required property \"name\" is missing");

	/* Without findings: only whether it is valid. */
	CU_ASSERT_EQUAL(mkt_schema_validate(doc, schema, inst, NULL), 1);
	json_object_put(inst);
	inst = parse("{\"id\": \"m1\", \"owner\": {\"name\": \"n\"}}");
	CU_ASSERT_EQUAL(mkt_schema_validate(doc, schema, inst, NULL), 0);
	CU_ASSERT_EQUAL(mkt_schema_validate(doc, schema, inst, f), 0);
	CU_ASSERT_EQUAL(json_object_array_length(f), 2);
	json_object_put(doc);
	json_object_put(schema);
	json_object_put(inst);
	json_object_put(f);
}

/* A chain of 70 distinct references: no loop, but deeper than allowed. */
static void
test_ref_depth(void)
{
	struct json_object	*f;
	struct mkt_buf		 b;
	size_t			 i, n;

	mkt_buf_init(&b);
	mkt_buf_puts(&b, "{\"$ref\": \"#/$defs/d0\", \"$defs\": {");
	for (i = 0; i < 70; i++)
		mkt_buf_printf(&b, "\"d%zu\": {\"$ref\": \"#/$defs/d%zu\"}, ",
		    i, i + 1);
	mkt_buf_puts(&b, "\"d70\": {\"type\": \"integer\"}}}");
	n = run(b.ptr, "1", &f);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
	    "the schema's references nest deeper than 64 levels");
	json_object_put(f);
	mkt_buf_free(&b);

	/* Sixty references are fine, and the target is checked. */
	mkt_buf_init(&b);
	mkt_buf_puts(&b, "{\"$ref\": \"#/$defs/d0\", \"$defs\": {");
	for (i = 0; i < 60; i++)
		mkt_buf_printf(&b, "\"d%zu\": {\"$ref\": \"#/$defs/d%zu\"}, ",
		    i, i + 1);
	mkt_buf_puts(&b, "\"d60\": {\"type\": \"integer\"}}}");
	CU_ASSERT_EQUAL(run(b.ptr, "1", &f), 0);
	json_object_put(f);
	CU_ASSERT_EQUAL(run(b.ptr, "\"1\"", &f), 1);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
	    "expected type integer, got string");
	json_object_put(f);
	mkt_buf_free(&b);
}

/* Two alternatives per level that both recurse and then fail would take
 * 2^25 steps on 25 nested arrays; the step budget ends it. */
static void
test_work_is_bounded(void)
{
	struct json_object	*f;
	struct mkt_buf		 b;
	size_t			 i, n;

	mkt_buf_init(&b);
	for (i = 0; i < 25; i++)
		mkt_buf_putc(&b, '[');
	for (i = 0; i < 25; i++)
		mkt_buf_putc(&b, ']');
	n = run("{\"anyOf\": [{\"items\": {\"$ref\": \"#\"}, \"not\": {}}, "
	    "{\"items\": {\"$ref\": \"#\"}, \"not\": {}}]}", b.ptr, &f);
	mkt_buf_free(&b);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(finding(f, 0, "message"),
	    "the schema is too complex to check this value");
	json_object_put(f);
}

void
add_schema_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("schema", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_valid);
	CU_ADD_TEST(s, test_invalid);
	CU_ADD_TEST(s, test_several_findings);
	CU_ADD_TEST(s, test_branches_report_once);
	CU_ADD_TEST(s, test_too_many_findings);
	CU_ADD_TEST(s, test_separate_root);
	CU_ADD_TEST(s, test_ref_depth);
	CU_ADD_TEST(s, test_work_is_bounded);
}
