/* main.c: mkt-reports, reports on demand (and, later, on schedule) */
#include <stdio.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"

/* Only what the reader may see counts (0007_visibility.sql). */
#define SHOWN								\
	" s.status IN ('active', 'deprecated')"				\
	" AND service_visible(s.compliance_level, $1::int,"		\
	"   (SELECT p.organization_id FROM providers p"			\
	"    WHERE p.id = s.provider_id), $2::uuid)"

static const struct mkt_sql q_summary = { "reports_catalog_summary", 2,
	"SELECT json_build_object("
	" 'services', (SELECT count(*) FROM services s WHERE" SHOWN "),"
	" 'providers', (SELECT count(DISTINCT provider_id) FROM services s"
	"    WHERE" SHOWN "),"
	" 'categories', (SELECT coalesce(json_agg(json_build_object("
	"    'slug', c.slug, 'services', x.n,"
	"    'median_input_per_mtok', price_text(x.med_in),"
	"    'median_output_per_mtok', price_text(x.med_out),"
	"    'max_context_window', x.max_ctx) ORDER BY c.position), '[]')"
	"  FROM categories c JOIN LATERAL ("
	"    SELECT count(*) AS n,"
	"      percentile_disc(0.5) WITHIN GROUP"
	"        (ORDER BY v.input_price_per_mtok) AS med_in,"
	"      percentile_disc(0.5) WITHIN GROUP"
	"        (ORDER BY v.output_price_per_mtok) AS med_out,"
	"      max(v.context_window) AS max_ctx"
	"    FROM services s"
	"    LEFT JOIN service_versions v ON v.id = s.current_version_id"
	"    WHERE s.category = c.slug AND" SHOWN ") x ON x.n > 0))" };

/*
 * GET /reports, GET /api/v1/reports
 * 200 with the catalog summary: listed services and providers, and per
 * category the count, median prices and the largest context window, of
 * what this reader may see.
 */
static int
summary(struct mkt_req *r)
{
	struct json_object	*v, *s, *cats;
	const char		*params[2];
	char			 level[4];
	PGresult		*res;
	size_t			 i, n;

	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = level;
	params[1] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, &q_summary, params)) == NULL)
		return mkt_fail_db(r);
	if ((s = json_tokener_parse(PQgetvalue(res, 0, 0))) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "summary", s);
	json_object_object_get_ex(s, "categories", &cats);
	n = cats ? json_object_array_length(cats) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cats, i),
		    *slug;
		const char *name;

		json_object_object_get_ex(c, "slug", &slug);
		name = mkt_category_name(r, json_object_get_string(slug));
		json_object_object_add(c, "name", json_object_new_string(name));
	}
	return 200;
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/reports", MKT_FMT_BOTH, MKT_ROLE_ANON, summary,
	  "reports/summary", "reports", NULL },
	{ MKT_GET, "/health/reports", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"reports",
	"Serves reports on the catalog and its use, on demand",
	routes,
	NULL, NULL
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
