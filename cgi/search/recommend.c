/* recommend.c: recommendations (FR-002.4) for the service page and the
 * catalog list: what consumers of a service also use, what is popular
 * in its category, and what fits what the signed-in person uses */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

#define RECOMMEND_MAX	"5"

/* Listed and visible to the reader ($2 clearance, $3 organisation):
 * 0007_visibility.sql; recommendations never show more than search. */
#define LISTED_VISIBLE							\
	" s.status IN ('active', 'deprecated')"				\
	" AND service_visible(s.compliance_level, $2::int,"		\
	"   p.organization_id, $3::uuid)"
#define ITEMS(inner)							\
	"SELECT coalesce(json_agg(json_build_object('slug', x.slug,"	\
	"   'name', x.name, 'provider', x.provider,"			\
	"   'category', x.category, 'consumers', x.consumers)"		\
	"   ORDER BY x.n), '[]') AS items"				\
	" FROM (SELECT i.*, row_number() OVER () AS n FROM (" inner	\
	"   ) i) x"

/* Consumers of $1 who also use… (service_co_usage, 0012). */
static const struct mkt_sql q_also = { "recommend_also_used", 3,
	ITEMS("SELECT s.slug, s.name, p.name AS provider, s.category,"
	" c.consumers FROM service_co_usage c"
	" JOIN services s ON s.id = c.other_id"
	" JOIN providers p ON p.id = s.provider_id"
	" WHERE c.service_id = $1::uuid AND" LISTED_VISIBLE
	" ORDER BY c.consumers DESC, s.name LIMIT " RECOMMEND_MAX) };

/* The best of a category by the stored score (popularity, performance,
 * compliance: 0010_search_scale.sql), but $4 itself. */
static const struct mkt_sql q_popular = { "recommend_popular", 4,
	ITEMS("SELECT s.slug, s.name, p.name AS provider, s.category,"
	" NULL::int AS consumers FROM services s"
	" JOIN providers p ON p.id = s.provider_id"
	" WHERE s.category = $1 AND s.id IS DISTINCT FROM $4::uuid AND"
	LISTED_VISIBLE
	" ORDER BY s.rank_static DESC, s.name, s.id LIMIT " RECOMMEND_MAX) };

/* For the person $1: what the consumers of the services they used in
 * the last 90 days also use, and they do not yet (nor $4, the page's
 * own service); else the best of the category they use most. */
static const struct mkt_sql q_for_you = { "recommend_for_you", 4,
	"WITH mine AS (SELECT u.service_id, count(*) AS calls"
	"   FROM usage_records u WHERE u.consumer_id = $1::uuid"
	"   AND u.occurred_at > now() - interval '90 days'"
	"   GROUP BY u.service_id),"
	" top_category AS (SELECT s.category FROM mine m"
	"   JOIN services s ON s.id = m.service_id"
	"   GROUP BY s.category ORDER BY sum(m.calls) DESC, s.category"
	"   LIMIT 1)"
	" SELECT (SELECT category FROM top_category) AS category,"
	" (" ITEMS("SELECT s.slug, s.name, p.name AS provider, s.category,"
	"   sum(c.consumers)::int AS consumers FROM mine m"
	"   JOIN service_co_usage c ON c.service_id = m.service_id"
	"   JOIN services s ON s.id = c.other_id"
	"   JOIN providers p ON p.id = s.provider_id"
	"   WHERE NOT EXISTS (SELECT 1 FROM mine x"
	"     WHERE x.service_id = c.other_id)"
	"     AND s.id IS DISTINCT FROM $4::uuid AND" LISTED_VISIBLE
	"   GROUP BY s.id, s.slug, s.name, p.name, s.category"
	"   ORDER BY sum(c.consumers) DESC, s.name"
	"   LIMIT " RECOMMEND_MAX) ") AS items" };

static struct json_object *
run(struct mkt_req *r, const struct mkt_sql *q, const char *const *params)
{
	PGresult	*res;

	if ((res = mkt_db_exec(r, q, params)) == NULL)
		return NULL;
	return catalog_parse_json(r, mkt_db_val(res, 0, "items"));
}

static void
add_list(struct mkt_req *r, struct json_object *to, const char *kind,
    const char *title, struct json_object *items)
{
	struct json_object	*o;
	size_t			 i;

	if (items == NULL || json_object_array_length(items) == 0)
		return;
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *e = json_object_array_get_idx(items, i);

		json_object_object_add(e, "link", json_object_new_string(
		    mkt_link(r, "/services/%s", json_object_get_string(
		    json_object_object_get(e, "slug")))));
	}
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(o, "items", json_object_get(items));
	json_object_array_add(to, o);
}

/*
 * The recommendations of the service page: "also used" from co-usage,
 * "popular in <category>", and for a signed-in person "for you".  A
 * database error leaves them out (the page is worth more than they
 * are) and is logged.
 */
void
recommend_for_service(struct mkt_req *r, struct json_object *service)
{
	struct json_object	*list = json_object_new_array(), *cat;
	const char		*params[4];
	char			 level[4];
	const char		*id = json_object_get_string(
	    json_object_object_get(service, "id"));
	const char		*category = NULL;

	json_object_object_add(service, "recommendations", list);
	if (json_object_object_get_ex(service, "category", &cat))
		category = json_object_get_string(
		    json_object_object_get(cat, "slug"));
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = id;
	params[1] = level;
	params[2] = r->user != NULL ? r->user->org_id : NULL;
	add_list(r, list, "also_used", mkt_tr(r,
	    "Consumers who use this also use"), run(r, &q_also, params));
	if (category != NULL) {
		params[0] = category;
		params[3] = id;
		add_list(r, list, "popular", mkt_arena_printf(r->arena,
		    mkt_tr(r, "Popular in %s"), mkt_category_name(r, category)),
		    run(r, &q_popular, params));
	}
	recommend_for_reader(r, list, id);
}

/*
 * "For you": from the signed-in person's own usage; when co-usage knows
 * nothing yet, the best of the category they use most.  Nothing for
 * anonymous visitors or people who used nothing.
 */
void
recommend_for_reader(struct mkt_req *r, struct json_object *list,
    const char *except)
{
	const char		*params[4];
	char			 level[4];
	struct json_object	*items;
	PGresult		*res;

	if (r->user == NULL)
		return;
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = r->user->id;
	params[1] = level;
	params[2] = r->user->org_id;
	params[3] = except;
	if ((res = mkt_db_exec(r, &q_for_you, params)) == NULL)
		return;
	items = catalog_parse_json(r, mkt_db_val(res, 0, "items"));
	if ((items == NULL || json_object_array_length(items) == 0) &&
	    !mkt_db_isnull(res, 0, "category")) {
		params[0] = mkt_arena_strdup(r->arena,
		    mkt_db_val(res, 0, "category"));
		items = run(r, &q_popular, params);
	}
	add_list(r, list, "for_you", mkt_tr(r,
	    "Based on the services you use"), items);
}
