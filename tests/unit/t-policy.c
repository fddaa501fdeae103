/* t-policy.c: policy rules (policy.c), sealing and HMAC (seal.c) and
 * outgoing HTTP against a canned local peer (http.c) */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct json_object *
parse(const char *text)
{
	struct json_object	*o;

	if ((o = json_tokener_parse(text)) == NULL)
		fprintf(stderr, "t-policy: bad test JSON: %s\n", text);
	return o;
}

static const char *
member(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "(missing)";
	return json_object_get_string(v);
}

/* ---- policy rules ---- */

/* The default rule set an operator starts from. */
static const char default_rules[] =
    "[{\"id\": \"confidential-certified\", \"field\": \"certifications\","
    "  \"op\": \"contains_any\", \"value\": [\"SOC2\", \"ISO27001\"],"
    "  \"severity\": \"block\","
    "  \"message\": \"confidential services need SOC 2 or ISO 27001\","
    "  \"when\": {\"field\": \"compliance_level\", \"op\": \"eq\","
    "    \"value\": \"confidential\"}},"
    " {\"id\": \"data-residency\", \"field\": \"data_residency\","
    "  \"op\": \"subset_of\", \"value\": [\"eu\", \"ch\", \"uk\"],"
    "  \"severity\": \"block\","
    "  \"message\": \"data may only reside in the EU, Switzerland or the "
    "UK\"},"
    " {\"id\": \"https-endpoint\", \"field\": \"endpoint.url\","
    "  \"op\": \"prefix\", \"value\": \"https://\", \"severity\": \"block\","
    "  \"message\": \"the endpoint must use HTTPS\"},"
    " {\"id\": \"pricing-present\", \"field\": \"pricing\", \"op\": \"exists\","
    "  \"severity\": \"block\", \"message\": \"pricing must be published\"},"
    " {\"id\": \"latency-declared\", \"field\": \"sla.max_latency_ms\","
    "  \"op\": \"exists\", \"severity\": \"warn\","
    "  \"message\": \"declare a maximum latency\"},"
    " {\"id\": \"latency-bound\", \"field\": \"sla.max_latency_ms\","
    "  \"op\": \"lte\", \"value\": 60000, \"severity\": \"block\","
    "  \"message\": \"the maximum latency may not exceed 60 s\"}]";

/* Evaluates the default rules; returns the result, violations in *out. */
static int
eval_default(const char *subject, struct json_object **out)
{
	struct json_object	*rules, *subj;
	char			 err[256];
	int			 rc;

	rules = parse(default_rules);
	subj = parse(subject);
	*out = json_object_new_array();
	rc = mkt_policy_eval(rules, subj, *out, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "\nt-policy: %s\n", err);
	json_object_put(rules);
	json_object_put(subj);
	return rc;
}

/* The ids of the rules broken, comma-separated, in the arena. */
static const char *
broken(struct mkt_arena *a, struct json_object *violations)
{
	struct mkt_buf	 b;
	const char	*s;
	size_t		 i, n;

	mkt_buf_init(&b);
	mkt_buf_append(&b, "", 0);
	n = json_object_array_length(violations);
	for (i = 0; i < n; i++)
		mkt_buf_printf(&b, "%s%s", i > 0 ? "," : "",
		    member(json_object_array_get_idx(violations, i), "rule"));
	s = mkt_arena_strdup(a, b.ptr);
	mkt_buf_free(&b);
	return s;
}

static const struct {
	const char	*subject;
	int		 blocks;
	const char	*rules;		/* broken, in rule order */
} subjects[] = {
	/* confidential and certified (any case), numbers as strings */
	{ "{\"compliance_level\": \"confidential\","
	  " \"certifications\": [\"gdpr\", \"iso27001\"],"
	  " \"data_residency\": [\"EU\", \"ch\"],"
	  " \"endpoint\": {\"url\": \"https://api.example.com/v1\"},"
	  " \"pricing\": {\"input_per_mtok\": \"2.50\"},"
	  " \"sla\": {\"max_latency_ms\": \"30000\"}}", 0, "" },
	/* internal: no certification needed; no residency restriction */
	{ "{\"compliance_level\": \"internal\", \"data_residency\": [],"
	  " \"endpoint\": {\"url\": \"https://x.example\"},"
	  " \"pricing\": {\"flat\": 0}, \"sla\": {\"max_latency_ms\": 60000}}",
	  0, "" },
	/* confidential (capitalised) without a certification */
	{ "{\"compliance_level\": \"Confidential\","
	  " \"certifications\": [\"gdpr\"], \"data_residency\": [\"uk\"],"
	  " \"endpoint\": {\"url\": \"https://x.example\"},"
	  " \"pricing\": {\"flat\": 0}, \"sla\": {\"max_latency_ms\": 100}}",
	  1, "confidential-certified" },
	/* a certification given as a string, not a list, is no list */
	{ "{\"compliance_level\": \"confidential\", \"certifications\": "
	  "\"SOC2\", \"data_residency\": [\"uk\"],"
	  " \"endpoint\": {\"url\": \"https://x.example\"},"
	  " \"pricing\": {\"flat\": 0}, \"sla\": {\"max_latency_ms\": 100}}",
	  1, "confidential-certified" },
	/* everything wrong */
	{ "{\"compliance_level\": \"confidential\","
	  " \"data_residency\": [\"eu\", \"us\"],"
	  " \"endpoint\": {\"url\": \"http://api.example.com\"},"
	  " \"pricing\": {}, \"sla\": {\"max_latency_ms\": \"90000.5\"}}",
	  5, "confidential-certified,data-residency,https-endpoint,"
	  "pricing-present,latency-bound" },
	/* nothing declared: the conditional rule does not apply */
	{ "{}", 4, "data-residency,https-endpoint,pricing-present,"
	  "latency-declared,latency-bound" },
	/* null is as good as absent */
	{ "{\"data_residency\": null, \"endpoint\": null, \"pricing\": null,"
	  " \"sla\": {\"max_latency_ms\": null}}", 4, "data-residency,"
	  "https-endpoint,pricing-present,latency-declared,latency-bound" },
	/* a latency that is no number breaks the bound, not the presence */
	{ "{\"data_residency\": [\"ch\"],"
	  " \"endpoint\": {\"url\": \"https://x.example\"},"
	  " \"pricing\": [\"per call\"], \"sla\": {\"max_latency_ms\": "
	  "\"fast\"}}", 1, "latency-bound" },
};

static void
test_default_rules(void)
{
	struct mkt_arena	*a = mkt_arena_new(4096);
	struct json_object	*v;
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(subjects); i++) {
		rc = eval_default(subjects[i].subject, &v);
		if (rc != subjects[i].blocks ||
		    strcmp(broken(a, v), subjects[i].rules) != 0)
			fprintf(stderr, "\nsubjects[%zu]: %d: %s\n", i, rc,
			    broken(a, v));
		CU_ASSERT_EQUAL(rc, subjects[i].blocks);
		CU_ASSERT_STRING_EQUAL(broken(a, v), subjects[i].rules);
		json_object_put(v);
	}
	mkt_arena_free(a);
}

/* What a violation says. */
static void
test_violation_members(void)
{
	struct json_object	*v, *x;

	CU_ASSERT_EQUAL(eval_default("{\"data_residency\": [\"eu\"],"
	    " \"endpoint\": {\"url\": \"https://x.example\"},"
	    " \"pricing\": {\"flat\": 0}}", &v), 1);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 2);
	x = json_object_array_get_idx(v, 0);
	CU_ASSERT_EQUAL(json_object_object_length(x), 4);
	CU_ASSERT_STRING_EQUAL(member(x, "rule"), "latency-declared");
	CU_ASSERT_STRING_EQUAL(member(x, "field"), "sla.max_latency_ms");
	CU_ASSERT_STRING_EQUAL(member(x, "severity"), "warn");
	CU_ASSERT_STRING_EQUAL(member(x, "message"),
	    "declare a maximum latency");
	x = json_object_array_get_idx(v, 1);
	CU_ASSERT_STRING_EQUAL(member(x, "rule"), "latency-bound");
	CU_ASSERT_STRING_EQUAL(member(x, "severity"), "block");
	CU_ASSERT_STRING_EQUAL(member(x, "message"),
	    "the maximum latency may not exceed 60 s");
	json_object_put(v);
}

/* One operator at a time on the field "f" (or "a.b" ...). */
static const struct {
	const char	*cond;		/* "op", "value" and maybe "field" */
	const char	*subject;
	bool		 holds;
} ops[] = {
	{ "\"op\": \"exists\"", "{\"f\": \"x\"}", true },
	{ "\"op\": \"exists\"", "{\"f\": 0}", true },
	{ "\"op\": \"exists\"", "{\"f\": false}", true },
	{ "\"op\": \"exists\"", "{\"f\": [0]}", true },
	{ "\"op\": \"exists\"", "{\"f\": \"\"}", false },
	{ "\"op\": \"exists\"", "{\"f\": []}", false },
	{ "\"op\": \"exists\"", "{\"f\": {}}", false },
	{ "\"op\": \"exists\"", "{\"f\": null}", false },
	{ "\"op\": \"exists\"", "{\"g\": 1}", false },
	{ "\"op\": \"exists\"", "[]", false },
	{ "\"op\": \"eq\", \"value\": \"a\"", "{\"f\": \"A\"}", true },
	{ "\"op\": \"eq\", \"value\": \"a\"", "{\"f\": \"b\"}", false },
	{ "\"op\": \"eq\", \"value\": \"a\"", "{\"f\": \"a \"}", false },
	{ "\"op\": \"eq\", \"value\": \"a\"", "{\"f\": [\"a\"]}", false },
	{ "\"op\": \"eq\", \"value\": \"a\"", "{}", false },
	{ "\"op\": \"eq\", \"value\": 2.5", "{\"f\": \"2.50\"}", true },
	{ "\"op\": \"eq\", \"value\": 2.5", "{\"f\": 2.5}", true },
	{ "\"op\": \"eq\", \"value\": 2.5", "{\"f\": \"2.5x\"}", false },
	{ "\"op\": \"eq\", \"value\": true", "{\"f\": true}", true },
	{ "\"op\": \"eq\", \"value\": true", "{\"f\": \"true\"}", false },
	{ "\"op\": \"eq\", \"value\": 1", "{\"f\": true}", false },
	{ "\"op\": \"ne\", \"value\": \"a\"", "{\"f\": \"b\"}", true },
	{ "\"op\": \"ne\", \"value\": \"a\"", "{\"f\": \"A\"}", false },
	{ "\"op\": \"ne\", \"value\": \"a\"", "{}", false },
	{ "\"op\": \"in\", \"value\": [\"eu\", \"ch\"]", "{\"f\": \"EU\"}",
	  true },
	{ "\"op\": \"in\", \"value\": [\"eu\", \"ch\"]", "{\"f\": \"us\"}",
	  false },
	{ "\"op\": \"in\", \"value\": [\"eu\", \"ch\"]", "{\"f\": [\"eu\"]}",
	  false },
	{ "\"op\": \"in\", \"value\": [1, 2]", "{\"f\": \"2\"}", true },
	{ "\"op\": \"in\", \"value\": [1, 2]", "{\"f\": 2.0}", true },
	{ "\"op\": \"in\", \"value\": [1, 2]", "{\"f\": 3}", false },
	{ "\"op\": \"not_in\", \"value\": [\"us\"]", "{\"f\": \"eu\"}", true },
	{ "\"op\": \"not_in\", \"value\": [\"us\"]", "{\"f\": \"US\"}", false },
	{ "\"op\": \"not_in\", \"value\": [\"us\"]", "{}", false },
	{ "\"op\": \"contains_any\", \"value\": [\"SOC2\", \"ISO27001\"]",
	  "{\"f\": [\"gdpr\", \"soc2\"]}", true },
	{ "\"op\": \"contains_any\", \"value\": [\"SOC2\", \"ISO27001\"]",
	  "{\"f\": [\"gdpr\"]}", false },
	{ "\"op\": \"contains_any\", \"value\": [\"SOC2\", \"ISO27001\"]",
	  "{\"f\": []}", false },
	{ "\"op\": \"contains_any\", \"value\": [\"SOC2\", \"ISO27001\"]",
	  "{\"f\": \"SOC2\"}", false },
	{ "\"op\": \"contains_all\", \"value\": [\"a\", \"b\"]",
	  "{\"f\": [\"B\", \"c\", \"a\"]}", true },
	{ "\"op\": \"contains_all\", \"value\": [\"a\", \"b\"]",
	  "{\"f\": [\"a\", {\"b\": 1}]}", false },
	{ "\"op\": \"subset_of\", \"value\": [\"eu\", \"ch\"]", "{\"f\": []}",
	  true },
	{ "\"op\": \"subset_of\", \"value\": [\"eu\", \"ch\"]",
	  "{\"f\": [\"CH\", \"eu\"]}", true },
	{ "\"op\": \"subset_of\", \"value\": [\"eu\", \"ch\"]",
	  "{\"f\": [\"eu\", \"us\"]}", false },
	{ "\"op\": \"subset_of\", \"value\": [\"eu\", \"ch\"]",
	  "{\"f\": \"eu\"}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": 9.99}", true },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": \"9.5\"}", true },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": 10}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": \"abc\"}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": \" 9\"}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": \"0x5\"}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": \"nan\"}", false },
	{ "\"op\": \"lt\", \"value\": 10", "{\"f\": true}", false },
	{ "\"op\": \"lte\", \"value\": 60000", "{\"f\": \"60000.00\"}", true },
	{ "\"op\": \"lte\", \"value\": 60000", "{\"f\": 60000.01}", false },
	{ "\"op\": \"gt\", \"value\": 0", "{\"f\": \"1e3\"}", true },
	{ "\"op\": \"gt\", \"value\": 0", "{\"f\": 0}", false },
	{ "\"op\": \"gt\", \"value\": 0", "{\"f\": \"-1\"}", false },
	{ "\"op\": \"gte\", \"value\": 1", "{\"f\": 1}", true },
	{ "\"op\": \"gte\", \"value\": 1", "{\"f\": 0.999}", false },
	{ "\"op\": \"prefix\", \"value\": \"https://\"",
	  "{\"f\": \"https://x\"}", true },
	{ "\"op\": \"prefix\", \"value\": \"https://\"",
	  "{\"f\": \"http://x\"}", false },
	{ "\"op\": \"prefix\", \"value\": \"https://\"",
	  "{\"f\": \"https:/\"}", false },
	{ "\"op\": \"prefix\", \"value\": \"https://\"", "{\"f\": 5}", false },
	{ "\"op\": \"max_length\", \"value\": 3", "{\"f\": \"abc\"}", true },
	{ "\"op\": \"max_length\", \"value\": 3",
	  "{\"f\": \"\xc3\xa9\xc3\xa9\xc3\xa9\"}", true },
	{ "\"op\": \"max_length\", \"value\": 3", "{\"f\": \"abcd\"}", false },
	{ "\"op\": \"max_length\", \"value\": 3", "{\"f\": [1]}", true },
	{ "\"op\": \"max_length\", \"value\": 3", "{\"f\": [1, 2, 3, 4]}",
	  false },
	{ "\"op\": \"max_length\", \"value\": 3", "{\"f\": 5}", false },
	{ "\"field\": \"endpoint.url\", \"op\": \"prefix\", \"value\": \"h\"",
	  "{\"endpoint\": {\"url\": \"https://x\"}}", true },
	{ "\"field\": \"endpoint.url\", \"op\": \"exists\"",
	  "{\"endpoint\": \"https://x\"}", false },
	{ "\"field\": \"endpoints.1.url\", \"op\": \"eq\", \"value\": \"b\"",
	  "{\"endpoints\": [{\"url\": \"a\"}, {\"url\": \"b\"}]}", true },
	{ "\"field\": \"endpoints.2.url\", \"op\": \"exists\"",
	  "{\"endpoints\": [{\"url\": \"a\"}, {\"url\": \"b\"}]}", false },
};

static void
test_operators(void)
{
	struct json_object	*rules, *subj, *v;
	struct mkt_buf		 b;
	char			 err[256];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(ops); i++) {
		mkt_buf_init(&b);
		mkt_buf_printf(&b, "[{\"id\": \"r\", \"severity\": \"block\", "
		    "\"message\": \"m\", %s%s}]", ops[i].cond,
		    strstr(ops[i].cond, "\"field\"") != NULL ? "" :
		    ", \"field\": \"f\"");
		rules = parse(b.ptr);
		subj = parse(ops[i].subject);
		v = json_object_new_array();
		rc = mkt_policy_eval(rules, subj, v, err, sizeof(err));
		if (rc != (ops[i].holds ? 0 : 1))
			fprintf(stderr, "\nops[%zu]: %d %s\n", i, rc, err);
		CU_ASSERT_EQUAL(rc, ops[i].holds ? 0 : 1);
		CU_ASSERT_EQUAL(json_object_array_length(v),
		    ops[i].holds ? 0 : 1);
		json_object_put(rules);
		json_object_put(subj);
		json_object_put(v);
		mkt_buf_free(&b);
	}
}

/* A condition that does not hold, whatever the reason, switches the
 * rule off; one that holds lets it apply. */
static void
test_when(void)
{
	static const char rule[] = "[{\"id\": \"r\", \"field\": \"certs\","
	    " \"op\": \"contains_any\", \"value\": [\"soc2\"],"
	    " \"severity\": \"warn\", \"message\": \"m\","
	    " \"when\": {\"field\": \"level\", \"op\": \"in\","
	    " \"value\": [\"confidential\", \"secret\"]}}]";
	static const struct {
		const char	*subject;
		size_t		 violations;
	} cases[] = {
		{ "{\"level\": \"secret\"}", 1 },
		{ "{\"level\": \"SECRET\", \"certs\": [\"iso\"]}", 1 },
		{ "{\"level\": \"secret\", \"certs\": [\"SOC2\"]}", 0 },
		{ "{\"level\": \"public\"}", 0 },
		{ "{\"level\": null}", 0 },
		{ "{}", 0 },
		{ "{\"level\": [\"secret\"]}", 0 },
	};
	struct json_object	*rules, *subj, *v;
	char			 err[256];
	size_t			 i;

	rules = parse(rule);
	CU_ASSERT_FATAL(rules != NULL);
	for (i = 0; i < NELEM(cases); i++) {
		subj = parse(cases[i].subject);
		v = json_object_new_array();
		/* warnings do not count as blocks */
		CU_ASSERT_EQUAL(mkt_policy_eval(rules, subj, v, err,
		    sizeof(err)), 0);
		CU_ASSERT_EQUAL(json_object_array_length(v),
		    cases[i].violations);
		json_object_put(subj);
		json_object_put(v);
	}
	json_object_put(rules);
}

/* A rule with one member changed; NULL: no change (valid). */
static const struct {
	const char	*member;	/* replaces or adds "name": value */
	const char	*err;		/* NULL: valid */
} rule_edits[] = {
	{ NULL, NULL },
	{ "\"description\": \"why the rule exists\"", NULL },
	{ "\"when\": {\"field\": \"a.b\", \"op\": \"exists\"}", NULL },
	{ "\"id\": \"Bad Id\"", "\"id\" must be a slug of at most 64 "
	  "characters ([a-z0-9][a-z0-9._-]*)" },
	{ "\"id\": \"-x\"", "\"id\" must be a slug" },
	{ "\"id\": 5", "\"id\" must be a slug" },
	{ "\"field\": \"\"", "\"field\" must be a dotted path such as "
	  "\"sla.max_latency_ms\"" },
	{ "\"field\": \"a..b\"", "\"field\" must be a dotted path" },
	{ "\"field\": \".a\"", "\"field\" must be a dotted path" },
	{ "\"field\": \"a.\"", "\"field\" must be a dotted path" },
	{ "\"field\": \"a b\"", "\"field\" must be a dotted path" },
	{ "\"op\": \"matches\"", "\"op\" must be one of exists, eq, " },
	{ "\"severity\": \"error\"", "\"severity\" must be \"block\" or "
	  "\"warn\"" },
	{ "\"message\": \"\"", "\"message\" must be a non-empty string" },
	{ "\"message\": null", "\"message\" must be a non-empty string" },
	{ "\"enabled\": false", "\"enabled\" is not a member a rule may "
	  "have" },
	{ "\"value\": [\"a\"]", "\"value\" must be a string, number or "
	  "boolean for \"op\" \"eq\"" },
	{ "\"value\": null", "\"value\" must be a string, number or boolean" },
	{ "\"when\": {\"field\": \"x\", \"op\": \"exists\", \"when\": "
	  "{\"field\": \"y\", \"op\": \"exists\"}}",
	  "when.\"when\" is not a member a condition may have" },
	{ "\"when\": {\"field\": \"x\", \"op\": \"exists\", \"id\": \"y\"}",
	  "when.\"id\" is not a member a condition may have" },
	{ "\"when\": {\"field\": \"x\", \"op\": \"like\"}",
	  "when.\"op\" must be one of" },
	{ "\"when\": {\"field\": \"x\", \"op\": \"in\", \"value\": []}",
	  "when.\"value\" must be a non-empty array of strings and numbers "
	  "for \"op\" \"in\"" },
	{ "\"when\": \"always\"", "\"when\" is not a JSON object" },
};

static void
test_rule_ok(void)
{
	struct json_object	*rule, *edit;
	struct mkt_buf		 b;
	char			 err[256];
	size_t			 i;
	bool			 ok;

	for (i = 0; i < NELEM(rule_edits); i++) {
		rule = parse("{\"id\": \"r-1.a_b\", \"field\": \"f\", "
		    "\"op\": \"eq\", \"value\": \"x\", \"severity\": "
		    "\"warn\", \"message\": \"m\"}");
		if (rule_edits[i].member != NULL) {
			mkt_buf_init(&b);
			mkt_buf_printf(&b, "{%s}", rule_edits[i].member);
			edit = parse(b.ptr);
			mkt_buf_free(&b);
			json_object_object_foreach(edit, k, v)
				json_object_object_add(rule, k,
				    json_object_get(v));
			json_object_put(edit);
		}
		strcpy(err, "untouched");
		ok = mkt_policy_rule_ok(rule, err, sizeof(err));
		if (ok != (rule_edits[i].err == NULL) || (!ok &&
		    strncmp(err, rule_edits[i].err,
		    strlen(rule_edits[i].err)) != 0))
			fprintf(stderr, "\nrule_edits[%zu]: %s\n", i, err);
		CU_ASSERT_EQUAL(ok, rule_edits[i].err == NULL);
		if (rule_edits[i].err != NULL) {
			CU_ASSERT_NSTRING_EQUAL(err, rule_edits[i].err,
			    strlen(rule_edits[i].err));
		} else {
			CU_ASSERT_STRING_EQUAL(err, "");
		}
		json_object_put(rule);
	}
}

/* The value each operator takes. */
static const struct {
	const char	*opval;
	bool		 ok;
} op_values[] = {
	{ "\"op\": \"exists\"", true },
	{ "\"op\": \"exists\", \"value\": true", false },
	{ "\"op\": \"eq\", \"value\": 1.5", true },
	{ "\"op\": \"eq\", \"value\": false", true },
	{ "\"op\": \"eq\", \"value\": {}", false },
	{ "\"op\": \"eq\"", false },
	{ "\"op\": \"in\", \"value\": [\"a\", 2]", true },
	{ "\"op\": \"in\", \"value\": \"a\"", false },
	{ "\"op\": \"in\", \"value\": []", false },
	{ "\"op\": \"not_in\", \"value\": [[\"a\"]]", false },
	{ "\"op\": \"contains_any\", \"value\": [true]", false },
	{ "\"op\": \"contains_all\", \"value\": [\"a\"]", true },
	{ "\"op\": \"subset_of\", \"value\": [null]", false },
	{ "\"op\": \"lt\", \"value\": 5", true },
	{ "\"op\": \"lte\", \"value\": -0.5", true },
	{ "\"op\": \"gt\", \"value\": \"5\"", false },
	{ "\"op\": \"gte\"", false },
	{ "\"op\": \"prefix\", \"value\": \"https://\"", true },
	{ "\"op\": \"prefix\", \"value\": \"\"", false },
	{ "\"op\": \"prefix\", \"value\": 1", false },
	{ "\"op\": \"max_length\", \"value\": 0", true },
	{ "\"op\": \"max_length\", \"value\": -1", false },
	{ "\"op\": \"max_length\", \"value\": 1.5", false },
	{ "\"op\": \"max_length\", \"value\": \"3\"", false },
	{ "\"op\": \"EQ\", \"value\": 1", false },
};

static void
test_op_values(void)
{
	struct json_object	*rule;
	struct mkt_buf		 b;
	char			 err[256];
	size_t			 i;
	bool			 ok;

	for (i = 0; i < NELEM(op_values); i++) {
		mkt_buf_init(&b);
		mkt_buf_printf(&b, "{\"id\": \"r\", \"field\": \"f\", %s, "
		    "\"severity\": \"block\", \"message\": \"m\"}",
		    op_values[i].opval);
		rule = parse(b.ptr);
		mkt_buf_free(&b);
		ok = mkt_policy_rule_ok(rule, err, sizeof(err));
		if (ok != op_values[i].ok)
			fprintf(stderr, "\nop_values[%zu]: %s\n", i, err);
		CU_ASSERT_EQUAL(ok, op_values[i].ok);
		CU_ASSERT_EQUAL(err[0] == '\0', op_values[i].ok);
		json_object_put(rule);
	}
	CU_ASSERT_FALSE(mkt_policy_rule_ok(NULL, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "the rule is not a JSON object");
	rule = parse("[]");
	CU_ASSERT_FALSE(mkt_policy_rule_ok(rule, NULL, 0));
	json_object_put(rule);
}

/* A bad rule anywhere: -1, the reason, and no violation appended. */
static void
test_malformed_sets(void)
{
	static const struct {
		const char	*rules;
		const char	*err;
	} cases[] = {
		{ "[{\"id\": \"a\", \"field\": \"f\", \"op\": \"exists\", "
		  "\"severity\": \"block\", \"message\": \"m\"}, "
		  "{\"id\": \"bad\", \"field\": \"f\", \"op\": \"eq\", "
		  "\"severity\": \"block\", \"message\": \"m\"}]",
		  "rule 1 (\"bad\"): \"value\" must be a string, number or "
		  "boolean for \"op\" \"eq\"" },
		{ "[{\"id\": \"a\", \"field\": \"f\", \"op\": \"exists\", "
		  "\"severity\": \"block\", \"message\": \"m\"}, 7]",
		  "rule 1: the rule is not a JSON object" },
		{ "[{\"id\": \"a\", \"field\": \"f\", \"op\": \"exists\", "
		  "\"severity\": \"block\", \"message\": \"m\"}, "
		  "{\"id\": \"a\", \"field\": \"g\", \"op\": \"exists\", "
		  "\"severity\": \"warn\", \"message\": \"n\"}]",
		  "rule 1 (\"a\"): the id is that of rule 0 already" },
		{ "{\"id\": \"a\"}", "the rules are not a JSON array" },
	};
	struct json_object	*rules, *subj, *v;
	char			 err[256];
	size_t			 i;

	subj = parse("{}");
	for (i = 0; i < NELEM(cases); i++) {
		rules = parse(cases[i].rules);
		v = json_object_new_array();
		CU_ASSERT_EQUAL(mkt_policy_eval(rules, subj, v, err,
		    sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, cases[i].err);
		/* rule 0 alone would have been broken by {} */
		CU_ASSERT_EQUAL(json_object_array_length(v), 0);
		json_object_put(rules);
		json_object_put(v);
	}
	/* No rules: nothing to break; the error is cleared. */
	rules = parse("[]");
	v = json_object_new_array();
	CU_ASSERT_EQUAL(mkt_policy_eval(rules, subj, v, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(mkt_policy_eval(NULL, subj, v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(json_object_array_length(v), 0);
	json_object_put(rules);
	json_object_put(v);
	json_object_put(subj);
}

/* ---- sealing and HMAC ---- */

#define KEY	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define KEY2	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1e"

/* RFC 4231 test cases 1 and 2. */
static void
test_hmac_rfc4231(void)
{
	unsigned char	 key1[20];
	char		 out[65];

	memset(key1, 0x0b, sizeof(key1));
	mkt_hmac_sha256_hex(out, key1, sizeof(key1), "Hi There", 8);
	CU_ASSERT_STRING_EQUAL(out, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	mkt_hmac_sha256_hex(out, "Jefe", 4, "what do ya want for nothing?",
	    28);
	CU_ASSERT_STRING_EQUAL(out, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	/* the key matters */
	mkt_hmac_sha256_hex(out, "jefe", 4, "what do ya want for nothing?",
	    28);
	CU_ASSERT_STRING_NOT_EQUAL(out, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
}

static void
test_seal_round_trip(void)
{
	static const char	 bin[] = "a\0b\xff\n";
	struct mkt_arena	*a = mkt_arena_new(4096);
	char			*s1, *s2, *p, *c1, *c2, big[1000];
	size_t			 len, i;

	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, "sk-live-123", 11, &s1),
	    MKT_OK);
	/* "v1:" + 16 characters for 12 bytes + ":" + 36 for 27 bytes */
	CU_ASSERT_EQUAL(strncmp(s1, "v1:", 3), 0);
	CU_ASSERT_EQUAL(strlen(s1), 3 + 16 + 1 + 36);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1 = strchr(s1 + 3, ':'));
	CU_ASSERT_EQUAL(c1 - s1, 19);
	CU_ASSERT_PTR_NULL(strstr(s1, "sk-live"));
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, s1, &p, &len), MKT_OK);
	CU_ASSERT_EQUAL(len, 11);
	CU_ASSERT_STRING_EQUAL(p, "sk-live-123");

	/* a new nonce each time */
	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, "sk-live-123", 11, &s2),
	    MKT_OK);
	CU_ASSERT_STRING_NOT_EQUAL(s1, s2);
	c2 = strchr(s2 + 3, ':');
	CU_ASSERT_NOT_EQUAL(memcmp(s1 + 3, s2 + 3, 16), 0);
	CU_ASSERT_STRING_NOT_EQUAL(c1, c2);

	/* empty, binary and longer plaintexts */
	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, "", 0, &s1), MKT_OK);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, s1, &p, &len), MKT_OK);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(p, "");
	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, bin, sizeof(bin) - 1, &s1),
	    MKT_OK);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, s1, &p, &len), MKT_OK);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(bin) - 1);
	CU_ASSERT_EQUAL(memcmp(p, bin, len), 0);
	CU_ASSERT_EQUAL(p[len], '\0');
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, big, sizeof(big), &s1),
	    MKT_OK);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, s1, &p, &len), MKT_OK);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(big));
	CU_ASSERT_EQUAL(memcmp(p, big, len), 0);
	/* upper-case hex is the same key */
	CU_ASSERT_EQUAL(mkt_unseal(a, "000102030405060708090A0B0C0D0E0F"
	    "101112131415161718191A1B1C1D1E1F", s1, &p, &len), MKT_OK);
	mkt_arena_free(a);
}

/* NIST's GCM test case 14 (zero key and nonce, one zero block), sealed
 * by hand: the format is plain AES-256-GCM, without associated data. */
static void
test_unseal_known_answer(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	static const char	 zero[16];
	char			*p;
	size_t			 len;

	CU_ASSERT_EQUAL(mkt_unseal(a, "00000000000000000000000000000000"
	    "00000000000000000000000000000000", "v1:AAAAAAAAAAAAAAAA:"
	    "zqdAPU1ga24HTsXTuvOdGNDRyKeZmWvwJluYtdSKuRk=", &p, &len),
	    MKT_OK);
	CU_ASSERT_EQUAL_FATAL(len, 16);
	CU_ASSERT_EQUAL(memcmp(p, zero, 16), 0);
	mkt_arena_free(a);
}

/* Changing any one character, the version, the colons or the padding
 * included, makes the text refused. */
static void
test_unseal_tampering(void)
{
	struct mkt_arena	*a = mkt_arena_new(4096);
	char			*s, *t, *p;
	size_t			 i, n, len, refused = 0;

	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, "provider api key", 16, &s),
	    MKT_OK);
	n = strlen(s);
	t = mkt_arena_strdup(a, s);
	for (i = 0; i < n; i++) {
		t[i] = s[i] == 'A' ? 'B' : 'A';
		p = (char *)"untouched";
		if (mkt_unseal(a, KEY, t, &p, &len) == MKT_EINVAL &&
		    p == NULL && len == 0)
			refused++;
		else
			fprintf(stderr, "\ntampered at %zu: %s\n", i, t);
		t[i] = s[i];
	}
	CU_ASSERT_EQUAL(refused, n);

	/* wrong key */
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY2, s, &p, &len), MKT_EINVAL);
	CU_ASSERT_PTR_NULL(p);
	/* still fine with the right one */
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, s, &p, &len), MKT_OK);
	CU_ASSERT_STRING_EQUAL(p, "provider api key");

	/* cut short, lengthened, re-versioned, split otherwise */
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, mkt_arena_strndup(a, s, n - 4),
	    &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, mkt_arena_printf(a, "%sAAAA", s),
	    &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, mkt_arena_printf(a, "%s\n", s),
	    &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, mkt_arena_printf(a, "v2%s",
	    s + 2), &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, mkt_arena_printf(a, "%s:", s),
	    &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "", &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "v1:", &p, &len), MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "v1::", &p, &len), MKT_EINVAL);
	/* a nonce of 9 bytes; a body shorter than a tag */
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "v1:AAAAAAAAAAAA:"
	    "zqdAPU1ga24HTsXTuvOdGNDRyKeZmWvwJluYtdSKuRk=", &p, &len),
	    MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "v1:AAAAAAAAAAAAAAAA:AAAA", &p,
	    &len), MKT_EINVAL);
	/* not base64, or not the canonical form of it */
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, "v1:AAAAAAAAAAAAAA!A:"
	    "zqdAPU1ga24HTsXTuvOdGNDRyKeZmWvwJluYtdSKuRk=", &p, &len),
	    MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, "00000000000000000000000000000000"
	    "00000000000000000000000000000000", "v1:AAAAAAAAAAAAAAAA:"
	    "zqdAPU1ga24HTsXTuvOdGNDRyKeZmWvwJluYtdSKuRl=", &p, &len),
	    MKT_EINVAL);
	CU_ASSERT_EQUAL(mkt_unseal(a, KEY, NULL, &p, &len), MKT_EINVAL);
	mkt_arena_free(a);
}

static void
test_seal_bad_keys(void)
{
	static const char *const bad[] = {
		NULL, "",
		"000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1",		/* 63 */
		"000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f0",		/* 65 */
		"000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1g",		/* not hex */
		" 00102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f",
	};
	struct mkt_arena	*a = mkt_arena_new(1024);
	char			*s, *p;
	size_t			 i, len;

	CU_ASSERT_EQUAL_FATAL(mkt_seal(a, KEY, "x", 1, &s), MKT_OK);
	for (i = 0; i < NELEM(bad); i++) {
		p = (char *)"untouched";
		CU_ASSERT_EQUAL(mkt_seal(a, bad[i], "x", 1, &p), MKT_EINVAL);
		CU_ASSERT_PTR_NULL(p);
		CU_ASSERT_EQUAL(mkt_unseal(a, bad[i], s, &p, &len),
		    MKT_EINVAL);
		CU_ASSERT_PTR_NULL(p);
	}
	mkt_arena_free(a);
}

/* ---- outgoing HTTP ---- */

/*
 * A peer on 127.0.0.1 that reads one request and writes a canned answer
 * (or none: it then waits for the client to give up), so that mkt_http
 * can be tested without a server or the network.
 */
struct peer {
	int		 lfd;
	int		 port;
	const char	*answer;
	size_t		 answer_len;
	char		 req[8192];
	size_t		 reqlen;
	pthread_t	 thread;
};

/* Waits at most 5 s for fd: a broken test must not hang the suite. */
static bool
readable(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 5000) == 1;
}

/* Whether the request in p->req is complete (headers, then a body of
 * Content-Length bytes). */
static bool
request_done(const struct peer *p)
{
	const char	*end, *cl;
	size_t		 hdr;

	if ((end = strstr(p->req, "\r\n\r\n")) == NULL)
		return false;
	hdr = (size_t)(end - p->req) + 4;
	if ((cl = strstr(p->req, "Content-Length: ")) == NULL || cl > end)
		return true;
	return p->reqlen >= hdr + strtoul(cl + 16, NULL, 10);
}

static void *
peer_main(void *arg)
{
	struct peer	*p = arg;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if (!readable(p->lfd) || (fd = accept(p->lfd, NULL, NULL)) == -1)
		return NULL;
	while (p->reqlen < sizeof(p->req) - 1 && readable(fd)) {
		n = read(fd, p->req + p->reqlen, sizeof(p->req) - 1 -
		    p->reqlen);
		if (n <= 0)
			break;
		p->reqlen += (size_t)n;
		p->req[p->reqlen] = '\0';
		if (p->answer != NULL && request_done(p))
			break;
	}
	while (p->answer != NULL && off < p->answer_len) {
		/* the client may hang up early: no SIGPIPE */
		n = send(fd, p->answer + off, p->answer_len - off,
		    MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	return NULL;
}

static bool
peer_start(struct peer *p, const char *answer, size_t answer_len)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	memset(p, 0, sizeof(*p));
	p->answer = answer;
	p->answer_len = answer_len;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((p->lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return false;
	if (bind(p->lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(p->lfd, 1) == -1 ||
	    getsockname(p->lfd, (struct sockaddr *)&sin, &len) == -1 ||
	    pthread_create(&p->thread, NULL, peer_main, p) != 0) {
		close(p->lfd);
		return false;
	}
	p->port = ntohs(sin.sin_port);
	return true;
}

static void
peer_stop(struct peer *p)
{
	pthread_join(p->thread, NULL);
	close(p->lfd);
}

static void
test_http_refused_urls(void)
{
	static const char *const urls[] = {
		"file:///etc/passwd", "ftp://127.0.0.1/", "gopher://x/",
		"dict://127.0.0.1:11211/stat", "127.0.0.1:80", "", "httpx://a/",
	};
	static const char *const bad_header[] = { "X-A: 1\r\nX-B: 2", NULL };
	static const char *const no_colon[] = { "X-A 1", NULL };
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;
	size_t			 i;

	for (i = 0; i < NELEM(urls); i++) {
		CU_ASSERT_EQUAL(mkt_http(a, "GET", urls[i], NULL, NULL, 0,
		    1000, 1024, &r), MKT_EINVAL);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_STRING_EQUAL(r.error,
		    "only http:// and https:// URLs are allowed");
	}
	CU_ASSERT_EQUAL(mkt_http(a, "get", "http://127.0.0.1:1/", NULL, NULL,
	    0, 1000, 1024, &r), MKT_EINVAL);
	CU_ASSERT_STRING_EQUAL(r.error, "invalid method");
	CU_ASSERT_EQUAL(mkt_http(a, "GET", "http://127.0.0.1:1/", bad_header,
	    NULL, 0, 1000, 1024, &r), MKT_EINVAL);
	CU_ASSERT_STRING_EQUAL(r.error,
	    "header 0 is not \"Name: value\" on one line");
	CU_ASSERT_EQUAL(mkt_http(a, "GET", "http://127.0.0.1:1/", no_colon,
	    NULL, 0, 1000, 1024, &r), MKT_EINVAL);
	mkt_arena_free(a);
}

/* Nothing listens on port 1: a transport failure, not an answer. */
static void
test_http_connection_refused(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;

	CU_ASSERT_EQUAL(mkt_http(a, "GET", "http://127.0.0.1:1/", NULL, NULL,
	    0, 2000, 1024, &r), MKT_ESYS);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_FALSE(r.timed_out);
	CU_ASSERT_NOT_EQUAL(r.error[0], '\0');
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_EQUAL(r.len, 0);
	CU_ASSERT_PTR_NULL(r.content_type);
	CU_ASSERT(r.ms >= 0 && r.ms < 2000);
	mkt_arena_free(a);
}

#define ANSWER_JSON	"HTTP/1.1 201 Created\r\n" \
			"Content-Type: application/json\r\n" \
			"Content-Length: 12\r\nConnection: close\r\n\r\n" \
			"{\"ok\":true}\n"

static void
test_http_answer(void)
{
	static const char *const headers[] = {
		"Content-Type: application/json", "X-Test: yes", NULL
	};
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;
	struct peer		 p;
	char			*url;

	CU_ASSERT_FATAL(peer_start(&p, ANSWER_JSON, strlen(ANSWER_JSON)));
	url = mkt_arena_printf(a, "http://127.0.0.1:%d/v1/x?q=1", p.port);
	CU_ASSERT_EQUAL(mkt_http(a, "POST", url, headers, "{\"a\":1}", 7,
	    5000, 1024, &r), MKT_OK);
	peer_stop(&p);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(r.len, 12);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"ok\":true}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.content_type);
	CU_ASSERT_STRING_EQUAL(r.content_type, "application/json");
	CU_ASSERT_STRING_EQUAL(r.error, "");
	CU_ASSERT_FALSE(r.timed_out);
	CU_ASSERT(r.ms > 0);
	/* what the peer received */
	CU_ASSERT_EQUAL(strncmp(p.req, "POST /v1/x?q=1 HTTP/1.1\r\n", 25), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.req, "\r\nX-Test: yes\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.req, "\r\nContent-Length: 7\r\n"));
	CU_ASSERT_PTR_NULL(strstr(p.req, "Expect:"));
	CU_ASSERT(p.reqlen > 7 &&
	    strcmp(p.req + p.reqlen - 7, "{\"a\":1}") == 0);

	/* The same thread's handle again, reset: a plain GET, no body. */
	CU_ASSERT_FATAL(peer_start(&p, ANSWER_JSON, strlen(ANSWER_JSON)));
	url = mkt_arena_printf(a, "http://127.0.0.1:%d/", p.port);
	CU_ASSERT_EQUAL(mkt_http(a, "GET", url, NULL, NULL, 0, 5000, 1024,
	    &r), MKT_OK);
	peer_stop(&p);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(strncmp(p.req, "GET / HTTP/1.1\r\n", 16), 0);
	CU_ASSERT_PTR_NULL(strstr(p.req, "X-Test"));
	CU_ASSERT_PTR_NULL(strstr(p.req, "Content-Length"));
	mkt_arena_free(a);
}

#define ANSWER_404	"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n" \
			"Connection: close\r\n\r\n"
#define ANSWER_302	"HTTP/1.1 302 Found\r\n" \
			"Location: http://127.0.0.1:1/elsewhere\r\n" \
			"Content-Length: 0\r\nConnection: close\r\n\r\n"

/* Any status is an answer; redirects are reported, not followed. */
static void
test_http_status_and_redirect(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;
	struct peer		 p;

	CU_ASSERT_FATAL(peer_start(&p, ANSWER_404, strlen(ANSWER_404)));
	CU_ASSERT_EQUAL(mkt_http(a, "DELETE", mkt_arena_printf(a,
	    "http://127.0.0.1:%d/x", p.port), NULL, NULL, 0, 5000, 1024, &r),
	    MKT_OK);
	peer_stop(&p);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(r.len, 0);
	CU_ASSERT_STRING_EQUAL(r.body, "");
	CU_ASSERT_PTR_NULL(r.content_type);
	CU_ASSERT_EQUAL(strncmp(p.req, "DELETE /x HTTP/1.1\r\n", 20), 0);

	CU_ASSERT_FATAL(peer_start(&p, ANSWER_302, strlen(ANSWER_302)));
	CU_ASSERT_EQUAL(mkt_http(a, "GET", mkt_arena_printf(a,
	    "http://127.0.0.1:%d/", p.port), NULL, NULL, 0, 5000, 1024, &r),
	    MKT_OK);
	peer_stop(&p);
	CU_ASSERT_EQUAL(r.status, 302);
	CU_ASSERT_STRING_EQUAL(r.error, "");
	mkt_arena_free(a);
}

/* An answer over max_body: cut there, status kept, error set. */
static void
test_http_max_body(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;
	struct peer		 p;
	struct mkt_buf		 ans;
	size_t			 i;

	mkt_buf_init(&ans);
	mkt_buf_printf(&ans, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 100000\r\nConnection: close\r\n\r\n");
	for (i = 0; i < 100000; i++)
		mkt_buf_putc(&ans, (char)('a' + i % 26));
	CU_ASSERT_FATAL(peer_start(&p, ans.ptr, ans.len));
	CU_ASSERT_EQUAL(mkt_http(a, "GET", mkt_arena_printf(a,
	    "http://127.0.0.1:%d/", p.port), NULL, NULL, 0, 5000, 100, &r),
	    MKT_OK);
	peer_stop(&p);
	mkt_buf_free(&ans);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.len, 100);
	CU_ASSERT_EQUAL(strlen(r.body), 100);
	CU_ASSERT_EQUAL(strncmp(r.body, "abcdefghijklmnopqrstuvwxyzabcd", 30),
	    0);
	CU_ASSERT_STRING_EQUAL(r.error, "answer larger than 100 bytes");
	CU_ASSERT_STRING_EQUAL(r.content_type, "text/plain");
	mkt_arena_free(a);
}

/* A peer that never answers: the total timeout ends the wait. */
static void
test_http_timeout(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	struct mkt_http_resp	 r;
	struct peer		 p;

	CU_ASSERT_FATAL(peer_start(&p, NULL, 0));
	CU_ASSERT_EQUAL(mkt_http(a, "GET", mkt_arena_printf(a,
	    "http://127.0.0.1:%d/", p.port), NULL, NULL, 0, 300, 1024, &r),
	    MKT_ESYS);
	peer_stop(&p);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_TRUE(r.timed_out);
	CU_ASSERT_NOT_EQUAL(r.error[0], '\0');
	CU_ASSERT(r.ms >= 250 && r.ms < 3000);
	mkt_arena_free(a);
}

void
add_policy_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("policy", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_default_rules);
	CU_ADD_TEST(s, test_violation_members);
	CU_ADD_TEST(s, test_operators);
	CU_ADD_TEST(s, test_when);
	CU_ADD_TEST(s, test_rule_ok);
	CU_ADD_TEST(s, test_op_values);
	CU_ADD_TEST(s, test_malformed_sets);
	if ((s = CU_add_suite("seal", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_hmac_rfc4231);
	CU_ADD_TEST(s, test_seal_round_trip);
	CU_ADD_TEST(s, test_unseal_known_answer);
	CU_ADD_TEST(s, test_unseal_tampering);
	CU_ADD_TEST(s, test_seal_bad_keys);
	if ((s = CU_add_suite("http", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_http_refused_urls);
	CU_ADD_TEST(s, test_http_connection_refused);
	CU_ADD_TEST(s, test_http_answer);
	CU_ADD_TEST(s, test_http_status_and_redirect);
	CU_ADD_TEST(s, test_http_max_body);
	CU_ADD_TEST(s, test_http_timeout);
}
