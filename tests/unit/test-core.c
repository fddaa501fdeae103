/* test-core.c: runs every unit test of libmarket (CUnit, basic interface) */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>
#include <CUnit/Basic.h>
#include <libxml/parser.h>
#include <libxslt/xslt.h>

#include "market.h"
#include "tests.h"

int
main(void)
{
	unsigned	 failures, failed_tests;

	/* Keep the expected warnings of the negative tests off the report;
	 * errors still reach standard error. */
	mkt_log_open("test-core", NULL, "error");

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return EXIT_FAILURE;
	}
	add_arena_suite();
	add_text_suite();
	add_request_suite();
	add_route_suite();
	add_render_suite();
	add_config_suite();
	add_i18n_suite();
	add_handle_suite();
	add_jwt_suite();
	add_semver_suite();
	add_openapi_suite();
	add_schema_suite();
	add_policy_suite();
	add_nlquery_suite();
	add_batch_suite();
	add_json_suite();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: could not register the tests: %s\n",
		    CU_get_error_msg());
		CU_cleanup_registry();
		return EXIT_FAILURE;
	}

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	failed_tests = CU_get_number_of_tests_failed();
	/* Suites whose set-up failed ran none of their tests. */
	failures += CU_get_number_of_suites_failed();
	CU_cleanup_registry();

	mkt_log_close();
	xsltCleanupGlobals();
	xmlCleanupParser();
	return (failures > 0 || failed_tests > 0) ? EXIT_FAILURE :
	    EXIT_SUCCESS;
}
