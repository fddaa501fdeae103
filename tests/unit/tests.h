/* tests.h: the suites of the libmarket unit tests (tests/unit/test-core) */
#ifndef TESTS_H
#define TESTS_H

/*
 * Each t-<area>.c file registers its suite(s) with CUnit.  A failure to
 * register is left in CU_get_error(), which main() checks.
 */
void	add_arena_suite(void);		/* t-arena.c: arena and buffers */
void	add_text_suite(void);		/* t-text.c: UTF-8, escaping, slugs */
void	add_request_suite(void);	/* t-request.c: pairs, negotiation */
void	add_route_suite(void);		/* t-route.c: routes, parameters */
void	add_render_suite(void);		/* t-render.c: JSON to XML, XSLT */
void	add_config_suite(void);		/* t-config.c: configuration files */
void	add_i18n_suite(void);		/* t-i18n.c: languages, catalogs */
void	add_handle_suite(void);		/* t-handle.c: whole requests, threads */
void	add_jwt_suite(void);		/* t-jwt.c: JWT verification */
void	add_semver_suite(void);		/* t-semver.c: versions and ranges */
void	add_openapi_suite(void);	/* t-openapi.c: contracts */
void	add_schema_suite(void);		/* t-schema.c: JSON Schema subset */
void	add_policy_suite(void);		/* t-policy.c: policy rules, sealing */
void	add_nlquery_suite(void);	/* t-nlquery.c: search phrases */
void	add_batch_suite(void);		/* t-batch.c: group commit */
void	add_json_suite(void);		/* t-json.c: a thread's tokener */

#endif /* TESTS_H */
