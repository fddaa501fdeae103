/* suggest.c: typeahead for the search box: names and words of the
 * catalog starting with what was typed */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

const struct mkt_param suggest_params[] = {
	{ "q",		MKT_P_TEXT, 0, 100, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * Services whose name, or the part of a model id after its last "/",
 * starts with the prefix (visible to this reader, 0007_visibility.sql),
 * then vocabulary words the reader's clearance may see (0010).  The
 * pattern is an expression of $1 alone, so that the planner folds it to
 * a constant and walks the prefix indexes of 0010 in order; LIKE
 * metacharacters in the prefix are escaped, so "50%" is just text.
 */
#define PATTERN								\
	"(replace(replace(replace(lower($1), '\\', '\\\\'), '%', '\\%'),"	\
	"  '_', '\\_') || '%')"
#define VISIBLE_NAMES(key)						\
	"(SELECT s.slug, s.name, " key " AS key FROM services s"	\
	"  JOIN providers p ON p.id = s.provider_id"			\
	"  WHERE s.status IN ('active', 'deprecated')"			\
	"    AND " key " LIKE " PATTERN					\
	"    AND service_visible(s.compliance_level, $2::int,"		\
	"      p.organization_id, $3::uuid)"				\
	"  ORDER BY " key " LIMIT 8)"
static const struct mkt_sql q_suggest = { "catalog_suggest", 3,
	"SELECT json_build_object("
	" 'services', (SELECT coalesce(json_agg(json_build_object("
	"     'slug', x.slug, 'name', x.name) ORDER BY x.key, x.slug), '[]')"
	"   FROM (SELECT slug, name, key FROM (SELECT DISTINCT ON (slug)"
	"     slug, name, key FROM ("
	    VISIBLE_NAMES("lower(s.name) COLLATE \"C\"")
	"     UNION ALL "
	    VISIBLE_NAMES("lower(split_part(s.name, '/', -1)) COLLATE \"C\"")
	"     ) u ORDER BY slug, key) d ORDER BY key, slug LIMIT 8) x),"
	" 'words', (SELECT coalesce(json_agg(v.word ORDER BY v.services DESC,"
	"     v.word), '[]') FROM (SELECT word, services"
	"     FROM search_vocabulary WHERE word LIKE " PATTERN
	"       AND clearance <= $2::int"
	"     ORDER BY services DESC, word LIMIT 8) v))" };

/*
 * GET /services/suggest?q=cla, GET /api/v1/services/suggest?q=cla
 * 200 with up to eight services (name, link) and eight words that start
 * with q.  Without JavaScript the page lists them as links; with it, the
 * search box can ask for the JSON as one types.  An empty q gives empty
 * lists.
 */
int
catalog_suggest(struct mkt_req *r)
{
	const char		*q = mkt_param(r, "q")->s, *params[3];
	struct json_object	*v, *o, *services;
	char			 level[4];
	PGresult		*res;
	size_t			 i, n;

	v = mkt_view(r, NULL);
	json_object_object_add(v, "q", json_object_new_string(q ? q : ""));
	if (q == NULL || *mkt_skip_ws(q) == '\0') {
		json_object_object_add(v, "services", json_object_new_array());
		json_object_object_add(v, "words", json_object_new_array());
		return 200;
	}
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = mkt_skip_ws(q);
	params[1] = level;
	params[2] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, &q_suggest, params)) == NULL)
		return mkt_fail_db(r);
	if ((o = mkt_json_own(r, json_tokener_parse(PQgetvalue(res, 0, 0))))
	    == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	services = json_object_object_get(o, "services");
	n = json_object_array_length(services);
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(services, i);

		json_object_object_add(s, "link", json_object_new_string(
		    mkt_link(r, "/services/%s", json_object_get_string(
		    json_object_object_get(s, "slug")))));
	}
	json_object_object_add(v, "services", json_object_get(services));
	json_object_object_add(v, "words",
	    json_object_get(json_object_object_get(o, "words")));
	return 200;
}
