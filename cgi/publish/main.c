/* main.c: mkt-publish, the provider side: providers, registration,
 * versions and the publishing pipeline */
#include <stdio.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

static const struct mkt_sql q_providers = { "publish_providers", 2,
	"SELECT coalesce(json_agg(json_build_object("
	"  'slug', p.slug, 'name', p.name, 'verified', p.verified,"
	"  'homepage', p.homepage, 'services', n.count) ORDER BY p.name), '[]')"
	" FROM providers p"
	" JOIN LATERAL (SELECT count(*) FROM services s"
	"   WHERE s.provider_id = p.id"
	"     AND s.status IN ('active', 'deprecated')"
	"     AND service_visible(s.compliance_level, $1::int,"
	"       p.organization_id, $2::uuid)) n ON true" };

/*
 * GET /providers, GET /api/v1/providers
 * 200 with every provider, its verification and its number of listed
 * services (each links to the catalog filtered by that provider).
 */
static int
providers(struct mkt_req *r)
{
	struct json_object	*v, *list;
	const char		*params[2];
	char			 level[4];
	PGresult		*res;
	size_t			 i, n;

	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = level;
	params[1] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, &q_providers, params)) == NULL)
		return mkt_fail_db(r);
	list = json_tokener_parse(PQgetvalue(res, 0, 0));
	if (list == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(list, i),
		    *slug;

		json_object_object_get_ex(p, "slug", &slug);
		json_object_object_add(p, "catalog", json_object_new_string(
		    mkt_arena_printf(r->arena, "%s/services?provider=%s",
		    r->api ? "/api/v1" : "", json_object_get_string(slug))));
	}
	v = mkt_view(r, NULL);
	json_object_object_add(v, "providers", list);
	return 200;
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/providers", MKT_FMT_BOTH, MKT_ROLE_ANON, providers,
	  "publish/providers", "publish", NULL },
	{ MKT_GET, "/publish", MKT_FMT_BOTH, MKT_ROLE_PROVIDER, pub_dashboard,
	  "publish/dashboard", "publish", NULL },
	{ MKT_GET, "/publish/services", MKT_FMT_BOTH, MKT_ROLE_PROVIDER,
	  pub_dashboard, "publish/dashboard", "publish", NULL },
	{ MKT_GET, "/publish/new", MKT_FMT_HTML, MKT_ROLE_PROVIDER,
	  pub_new_form, "publish/new", "publish", NULL },
	{ MKT_POST, "/publish/services", MKT_FMT_BOTH, MKT_ROLE_PROVIDER,
	  pub_create, "publish/new", "publish", NULL },
	{ MKT_GET, "/publish/services/{slug}", MKT_FMT_BOTH, MKT_ROLE_USER,
	  pub_service_page, "publish/service", "publish", NULL },
	{ MKT_POST, "/publish/services/{slug}/versions", MKT_FMT_BOTH,
	  MKT_ROLE_PROVIDER, pub_version_create, NULL, "publish", NULL },
	{ MKT_POST, "/publish/services/{slug}/versions/{version}/status",
	  MKT_FMT_BOTH, MKT_ROLE_PROVIDER, pub_version_status, NULL,
	  "publish", NULL },
	{ MKT_POST, "/publish/services/{slug}/versions/{version}/retest",
	  MKT_FMT_BOTH, MKT_ROLE_PROVIDER, pub_version_retest, NULL,
	  "publish", NULL },
	{ MKT_GET, "/publish/services/{slug}/versions/{version}/contract",
	  MKT_FMT_JSON, MKT_ROLE_ANON, pub_contract, NULL, NULL, NULL },
	{ MKT_POST, "/publish/registry/webhook", MKT_FMT_JSON,
	  MKT_ROLE_SIGNED, pub_registry_webhook, NULL, NULL, NULL },
	{ MKT_GET, "/health/publish", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"publish",
	"Serves the provider side: providers, service registration, versions, the publishing pipeline and the registry webhook",
	routes,
	NULL, NULL
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
