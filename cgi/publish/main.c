/* main.c: mkt-publish, the provider side: providers now, publishing next */
#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"

static const struct mkt_sql q_providers = { "publish_providers", 0,
	"SELECT coalesce(json_agg(json_build_object("
	"  'slug', p.slug, 'name', p.name, 'verified', p.verified,"
	"  'homepage', p.homepage, 'services', n.count) ORDER BY p.name), '[]')"
	" FROM providers p"
	" JOIN LATERAL (SELECT count(*) FROM services s"
	"   WHERE s.provider_id = p.id"
	"     AND s.status IN ('active', 'deprecated')) n ON true" };

/*
 * GET /providers, GET /api/v1/providers
 * 200 with every provider, its verification and its number of listed
 * services (each links to the catalog filtered by that provider).
 */
static int
providers(struct mkt_req *r)
{
	struct json_object	*v, *list;
	PGresult		*res;
	size_t			 i, n;

	if ((res = mkt_db_exec(r, &q_providers, NULL)) == NULL)
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
	{ MKT_GET, "/publish", MKT_FMT_BOTH, MKT_ROLE_PROVIDER, mkt_not_yet,
	  NULL, "publish", NULL },
	{ MKT_GET, "/health/publish", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"publish",
	"Serves the provider side: providers and (next) service publishing",
	routes
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
