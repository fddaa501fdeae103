/* t-json.c: JSON parsed with the tokener a thread keeps (json.c) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "market.h"
#include "tests.h"

/* As json_tokener_parse(): a value ends at the NUL, even a number;
 * what follows a whole value is not read; not JSON is NULL. */
static void
test_parse_like_json_c(void)
{
	struct json_object	*o;

	o = mkt_json_parse("{\"usage\":{\"total_tokens\":12}}");
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT(json_object_is_type(o, json_type_object));
	json_object_put(o);

	o = mkt_json_parse("123");
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(json_object_get_int(o), 123);
	json_object_put(o);

	o = mkt_json_parse("[1,2] trailing");
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(json_object_array_length(o), 2);
	json_object_put(o);

	CU_ASSERT_PTR_NULL(mkt_json_parse("{\"a\":"));
	CU_ASSERT_PTR_NULL(mkt_json_parse("{\"a\" 1}"));
	CU_ASSERT_PTR_NULL(mkt_json_parse(""));
}

/* A parse cut short leaves nothing behind for the next one on the
 * same thread's tokener. */
static void
test_incomplete_then_whole(void)
{
	struct json_object	*o;
	size_t			 end;
	int			 err;

	o = mkt_json_parse_ex("{\"a\":[1,2", 9, JSON_TOKENER_STRICT, &end,
	    &err);
	CU_ASSERT_PTR_NULL(o);
	CU_ASSERT_EQUAL(err, json_tokener_continue);
	CU_ASSERT_EQUAL(end, 9);

	o = mkt_json_parse_ex("{\"b\":true}", 10, JSON_TOKENER_STRICT, &end,
	    &err);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(err, json_tokener_success);
	CU_ASSERT_EQUAL(end, 10);
	CU_ASSERT(json_object_object_get_ex(o, "b", NULL));
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "a", NULL));
	json_object_put(o);
}

/* Strict flags are the caller's, each time: single quotes are refused
 * strictly, then taken by a lenient parse on the same tokener. */
static void
test_flags_each_time(void)
{
	struct json_object	*o;
	int			 err;

	o = mkt_json_parse_ex("['x']", 5, JSON_TOKENER_STRICT, NULL, &err);
	CU_ASSERT_PTR_NULL(o);
	CU_ASSERT_NOT_EQUAL(err, json_tokener_success);
	o = mkt_json_parse_ex("['x']", 5, 0, NULL, &err);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(err, json_tokener_success);
	json_object_put(o);
}

/* Deeper than MKT_JSON_DEPTH: refused as json-c's depth error. */
static void
test_depth(void)
{
	char	 text[2 * (MKT_JSON_DEPTH + 1) + 1];
	int	 err, i;

	for (i = 0; i <= MKT_JSON_DEPTH; i++) {
		text[i] = '[';
		text[2 * (MKT_JSON_DEPTH + 1) - 1 - i] = ']';
	}
	text[2 * (MKT_JSON_DEPTH + 1)] = '\0';
	CU_ASSERT_PTR_NULL(mkt_json_parse_ex(text, strlen(text), 0, NULL,
	    &err));
	CU_ASSERT_EQUAL(err, json_tokener_error_depth);
}

/* A text larger than the thread's tokener keeps is parsed as well
 * (with one of its own). */
static void
test_large_text(void)
{
	size_t			 n = 300 * 1024;
	char			*text = malloc(n + 5);
	struct json_object	*o;

	CU_ASSERT_FATAL(text != NULL);
	text[0] = '"';
	memset(text + 1, 'x', n);
	text[n + 1] = '"';
	text[n + 2] = '\0';
	o = mkt_json_parse(text);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL((size_t)json_object_get_string_len(o), n);
	json_object_put(o);
	free(text);
}

/* Threads parse at once, each with its own tokener. */
static void *
parse_many(void *arg)
{
	long	 bad = 0;
	int	 i;

	(void)arg;
	for (i = 0; i < 2000; i++) {
		struct json_object	*o, *v;

		o = mkt_json_parse("{\"n\":[1,2,3],\"s\":\"t\"}");
		if (o == NULL || !json_object_object_get_ex(o, "n", &v) ||
		    json_object_array_length(v) != 3)
			bad++;
		json_object_put(o);
		if (mkt_json_parse("{\"n\":") != NULL)
			bad++;
	}
	return (void *)bad;
}

static void
test_threads(void)
{
	pthread_t	 t[4];
	void		*bad;
	int		 i;

	for (i = 0; i < 4; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, parse_many,
		    NULL) == 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &bad);
		CU_ASSERT_PTR_NULL(bad);
	}
}

void
add_json_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("json", NULL, NULL)) == NULL)
		return;
	CU_add_test(s, "parses as json_tokener_parse", test_parse_like_json_c);
	CU_add_test(s, "an incomplete text leaves nothing behind",
	    test_incomplete_then_whole);
	CU_add_test(s, "flags are given each time", test_flags_each_time);
	CU_add_test(s, "nesting is limited", test_depth);
	CU_add_test(s, "a large text is parsed", test_large_text);
	CU_add_test(s, "threads parse at once", test_threads);
}
