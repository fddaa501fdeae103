/* catalog.c: the catalog list and service pages (one handler each for
 * HTML and JSON) */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

static const char *const levels[] = { "public", "internal",
	"confidential", NULL };
static const char *const sorts[] = { "name", "price", "context",
	"relevance", NULL };
static const char *const sort_labels[] = {
	N_("Name"), N_("Price (input)"), N_("Context window"), N_("Relevance")
};

const struct mkt_param catalog_list_params[] = {
	{ "page",	MKT_P_INT,  1, 100000, NULL },
	{ "per_page",	MKT_P_INT,  1, 100, NULL },
	{ "category",	MKT_P_SLUG, 0, 64, NULL },
	{ "provider",	MKT_P_SLUG, 0, 64, NULL },
	{ "sort",	MKT_P_ENUM, 0, 0, sorts },
	{ "q",		MKT_P_TEXT, 0, 200, NULL },
	{ "max_price",	MKT_P_TEXT, 0, 20, NULL },
	{ "min_context", MKT_P_INT, 1, 100000000, NULL },
	{ "residency",	MKT_P_TEXT, 0, 2, NULL },
	{ "certification", MKT_P_TEXT, 0, 32, NULL },
	{ "compliance",	MKT_P_ENUM, 0, 0, levels },
	{ "tag",	MKT_P_SLUG, 0, 40, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * The facet filters beyond category and provider, in the order of the
 * list statements' parameters $8…$13 and named as in the query string
 * and as the kinds of mkt_nlquery_parse().
 */
#define NFACETS	6
static const char *const facet_names[NFACETS] = {
	"max_price", "min_context", "residency", "certification",
	"compliance", "tag"
};

struct facets {
	const char	*value[NFACETS];	/* NULL: not filtered */
	bool		 given[NFACETS];	/* by the query string */
};

/*
 * One statement per sort order (so each gets its own plan), returning the
 * page of services, the total and the category counts as JSON built by
 * PostgreSQL: one round trip, one parse.  Three independent subqueries,
 * so the page can walk an index and stop after LIMIT rows.
 */
/* Listed, and visible at the reader's clearance ($5, mkt_clearance())
 * or to the provider's own organisation ($6): 0007_visibility.sql. */
#define VISIBLE								\
	" AND service_visible(s.compliance_level, $5::int,"		\
	"   p.organization_id, $6::uuid)"
/* The words of the search box ($7, 0008_search.sql), when there are,
 * and the facet filters, given or read from the words (nlquery.c). */
#define LISTED_WHERE							\
	" s.status IN ('active', 'deprecated')"				\
	" AND ($2::text IS NULL OR p.slug = $2)" VISIBLE		\
	" AND ($7::text IS NULL OR s.search_vector @@ search_query($7))" \
	" AND ($8::numeric IS NULL"					\
	"   OR v.input_price_per_mtok <= $8::numeric)"			\
	" AND ($9::int IS NULL OR v.context_window >= $9::int)"		\
	" AND ($10::text IS NULL"					\
	"   OR residency_matches(s.data_residency, $10))"		\
	" AND ($11::text IS NULL OR upper($11) = ANY("			\
	"   SELECT upper(c) FROM unnest(s.certifications) c))"		\
	" AND ($12::text IS NULL OR s.compliance_level = $12)"		\
	" AND ($13::text IS NULL OR $13 = ANY(s.tags))"
/* The services matching every filter (for the facet counts). */
#define MATCHES_FROM							\
	" services s JOIN providers p ON p.id = s.provider_id"		\
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"
#define MATCHES_WHERE							\
	" WHERE" LISTED_WHERE " AND ($1::text IS NULL OR s.category = $1)"
#define MATCHES		MATCHES_FROM MATCHES_WHERE

/* The blended score of FR-002.2: weights $14…$17 (configuration). */
#define SCORE								\
	"($14::float8 * c.relevance + $15::float8 * c.popularity"	\
	" + $16::float8 * c.performance + $17::float8 * c.compliance)"
#define LIST_SQL(order)							\
	"SELECT"							\
	" (SELECT count(*) FROM services s"				\
	"   JOIN providers p ON p.id = s.provider_id"			\
	"   LEFT JOIN service_versions v ON v.id = s.current_version_id" \
	"   WHERE" LISTED_WHERE						\
	"     AND ($1::text IS NULL OR s.category = $1)) AS total,"	\
	" (SELECT coalesce(json_agg(json_build_object("			\
	"   'id', id, 'slug', slug, 'name', name,"			\
	"   'description', description, 'category', category,"		\
	"   'tags', tags, 'status', status, 'version', version,"	\
	"   'provider', json_build_object('slug', provider_slug,"	\
	"      'name', provider_name, 'verified', verified),"		\
	"   'pricing', json_build_object('currency', currency,"		\
	"      'input_per_mtok', price_text(input_price_per_mtok),"	\
	"      'output_per_mtok', price_text(output_price_per_mtok)),"	\
	"   'context_window', context_window,"				\
	"   'max_output_tokens', max_output_tokens,"			\
	"   'score', CASE WHEN $7::text IS NOT NULL THEN"		\
	"     json_build_object('relevance', round(rel::numeric, 3),"	\
	"      'popularity', round(pop::numeric, 3),"			\
	"      'performance', round(perf::numeric, 3),"		\
	"      'compliance', round(comp::numeric, 3),"			\
	"      'total', round(score::numeric, 3)) END)"			\
	"   ORDER BY n), '[]')"						\
	"  FROM (SELECT s.id, s.slug, s.name, s.description, s.category," \
	"         s.tags, s.status, p.slug AS provider_slug,"		\
	"         p.name AS provider_name, p.verified, v.version,"	\
	"         v.currency, v.input_price_per_mtok,"			\
	"         v.output_price_per_mtok, v.context_window,"		\
	"         v.max_output_tokens, c.relevance AS rel,"		\
	"         c.popularity AS pop, c.performance AS perf,"		\
	"         c.compliance AS comp, " SCORE " AS score,"		\
	"         row_number() OVER (ORDER BY " order ") AS n"		\
	"    FROM services s"						\
	"    JOIN providers p ON p.id = s.provider_id"			\
	"    LEFT JOIN service_versions v ON v.id = s.current_version_id" \
	"    LEFT JOIN service_stats st ON st.service_id = s.id"	\
	"    CROSS JOIN LATERAL search_components(s.search_vector,"	\
	"      CASE WHEN $7::text IS NOT NULL THEN search_query($7) END," \
	"      s.certifications, s.data_residency, p.verified, s.sla,"	\
	"      st.calls_30d, (SELECT max(calls_30d) FROM service_stats),"	\
	"      st.p95_latency_ms, st.availability) c"			\
	"    WHERE" LISTED_WHERE					\
	"      AND ($1::text IS NULL OR s.category = $1)"		\
	"    ORDER BY " order " LIMIT $3 OFFSET $4) page) AS services,"	\
	" (SELECT json_agg(json_build_object('slug', c.slug,"		\
	"      'count', coalesce(k.n, 0)) ORDER BY c.position)"		\
	"  FROM categories c LEFT JOIN (SELECT s.category, count(*) AS n" \
	"    FROM services s JOIN providers p ON p.id = s.provider_id"	\
	"    LEFT JOIN service_versions v"				\
	"      ON v.id = s.current_version_id"				\
	"    WHERE" LISTED_WHERE " GROUP BY s.category) k"		\
	"  ON k.category = c.slug) AS categories,"			\
	" (SELECT json_build_object("					\
	"   'provider', (SELECT coalesce(json_agg(x ORDER BY x.count DESC," \
	"      x.name), '[]') FROM (SELECT p.slug AS value, p.name,"	\
	"      count(*) AS count FROM" MATCHES " GROUP BY p.slug, p.name" \
	"      ORDER BY count(*) DESC, p.name LIMIT 12) x),"		\
	"   'tag', (SELECT coalesce(json_agg(x ORDER BY x.count DESC,"	\
	"      x.value), '[]') FROM (SELECT t AS value, count(*) AS count" \
	"      FROM" MATCHES_FROM " CROSS JOIN LATERAL unnest(s.tags) t"	\
	       MATCHES_WHERE " GROUP BY t"				\
	"      ORDER BY count(*) DESC, t LIMIT 12) x),"			\
	"   'compliance', (SELECT coalesce(json_agg(x ORDER BY x.value),"	\
	"      '[]') FROM (SELECT s.compliance_level AS value,"	\
	"      count(*) AS count FROM" MATCHES			\
	"      GROUP BY s.compliance_level) x),"				\
	"   'max_price', (SELECT coalesce(json_agg(x ORDER BY x.value::numeric),"	\
	"      '[]') FROM (SELECT b.value, count(*) AS count"		\
	"      FROM" MATCHES_FROM					\
	"      CROSS JOIN (VALUES ('0.1'), ('1'), ('5'), ('20')) b (value)" \
	       MATCHES_WHERE						\
	"      AND v.input_price_per_mtok <= b.value::numeric"		\
	"      GROUP BY b.value) x),"					\
	"   'min_context', (SELECT coalesce(json_agg(x ORDER BY x.value::int)," \
	"      '[]') FROM (SELECT b.value, count(*) AS count"		\
	"      FROM" MATCHES_FROM					\
	"      CROSS JOIN (VALUES ('32000'), ('128000'), ('200000'),"	\
	"      ('1000000')) b (value)"					\
	       MATCHES_WHERE						\
	"      AND v.context_window >= b.value::int"			\
	"      GROUP BY b.value) x))) AS facets"

/* The weights of relevance, popularity, performance and compliance, in
 * thousandths (0.4 is 400), from the configuration. */
static const char *const weight_keys[4] = { "search_weight_relevance",
	"search_weight_popularity", "search_weight_performance",
	"search_weight_compliance" };
static const long weight_defaults[4] = { 400, 200, 200, 200 };

static const struct mkt_sql q_did_you_mean = { "catalog_did_you_mean", 1,
	"SELECT search_did_you_mean($1) AS suggestion" };

/* Every search goes to the outbox (search_performed, for the analytics
 * hub); one that found fewer than three services is also counted in
 * search_misses: demand the catalog does not meet.  No person's id. */
static const struct mkt_sql q_record = { "catalog_record_search", 4,
	"WITH miss AS ("
	"  INSERT INTO search_misses (query, results)"
	"  SELECT $1, $2::integer WHERE $2::integer < 3"
	"    AND NOT $4::boolean"
	"  ON CONFLICT (query) DO UPDATE SET times = search_misses.times + 1,"
	"    results = EXCLUDED.results, last_at = now())"
	" INSERT INTO outbox (destination, event_type, aggregate_type, payload)"
	" VALUES ('analytics', 'search_performed', 'search',"
	"  json_build_object('query', $1, 'results', $2::integer,"
	"    'filtered', $4::boolean, 'clearance', $3::integer))" };

/* Did the query string narrow the search beyond its words? */
static bool
explicit_filters(const struct facets *f, const char *category,
    const char *provider)
{
	size_t	 i;

	for (i = 0; i < NFACETS; i++)
		if (f->given[i])
			return true;
	return category != NULL || provider != NULL;
}

/* A search narrowed by filters of the query string: its few results
 * say nothing about demand for its words, so it is an event, not a
 * miss. */
static void
record_search(struct mkt_req *r, const char *q, int64_t results,
    bool filtered, int clearance)
{
	struct mkt_buf	 norm;
	const char	*params[4], *p;
	char		 n[24], c[4];

	/* Lower case, single spaces: one row for "Claude  Sonet" and
	 * "claude sonet". */
	mkt_buf_init(&norm);
	for (p = mkt_skip_ws(q); *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			if (norm.len > 0 && norm.ptr[norm.len - 1] != ' ')
				mkt_buf_putc(&norm, ' ');
		} else
			mkt_buf_putc(&norm, (*p >= 'A' && *p <= 'Z') ?
			    (char)(*p - 'A' + 'a') : *p);
	}
	while (norm.len > 0 && norm.ptr[norm.len - 1] == ' ')
		norm.ptr[--norm.len] = '\0';
	snprintf(n, sizeof(n), "%lld", (long long)results);
	snprintf(c, sizeof(c), "%d", clearance);
	params[0] = norm.len > 0 ? norm.ptr : NULL;
	params[1] = n;
	params[2] = c;
	params[3] = filtered ? "true" : "false";
	/* A lost record is not worth failing the search for. */
	if (params[0] != NULL && mkt_db_exec(r, &q_record, params) == NULL)
		mkt_log_warn(r, "could not record the search");
	mkt_buf_free(&norm);
}

static const struct mkt_sql q_words = { "catalog_query_words", 1,
	"SELECT numnode(search_query($1)) > 0 AS words" };

static const struct mkt_sql q_list[] = {
	{ "catalog_list_name", 17, LIST_SQL("s.name, s.id") },
	{ "catalog_list_price", 17,
	  LIST_SQL("v.input_price_per_mtok NULLS LAST, s.name, s.id") },
	{ "catalog_list_context", 17,
	  LIST_SQL("v.context_window DESC NULLS LAST, s.name, s.id") },
	{ "catalog_list_relevance", 17,
	  LIST_SQL(SCORE " DESC, s.name, s.id") },
};

#define ITEM_SQL(where)							\
	"SELECT json_build_object("	\
	"  'id', s.id, 'slug', s.slug, 'name', s.name,"	\
	"  'description', s.description, 'category', s.category,"	\
	"  'tags', s.tags, 'status', s.status, 'mode', s.mode,"	\
	"  'created_at', s.created_at, 'updated_at', s.updated_at,"	\
	"  'provider', json_build_object('slug', p.slug, 'name', p.name,"	\
	"     'verified', p.verified, 'homepage', p.homepage),"	\
	"  'context_window', v.context_window,"	\
	"  'max_output_tokens', v.max_output_tokens,"	\
	"  'currency', v.currency,"	\
	"  'input_per_mtok', price_text(v.input_price_per_mtok),"	\
	"  'output_per_mtok', price_text(v.output_price_per_mtok),"	\
	"  'cached_input_per_mtok', price_text(v.cached_input_price_per_mtok),"	\
	"  'per_request', price_text(v.price_per_request),"	\
	"  'versions', (SELECT coalesce(json_agg(json_build_object("	\
	"     'version', sv.version, 'status', sv.status,"	\
	"     'published_at', sv.published_at, 'sunset_at', sv.sunset_at,"	\
	"     'context_window', sv.context_window,"	\
	"     'input_per_mtok', price_text(sv.input_price_per_mtok),"	\
	"     'output_per_mtok', price_text(sv.output_price_per_mtok))"	\
	"     ORDER BY sv.created_at DESC), '[]')"	\
	"     FROM service_versions sv WHERE sv.service_id = s.id"	\
	"       AND sv.status <> 'retired'),"	\
	"  'sla', s.sla, 'compliance_level', s.compliance_level,"	\
	"  'certifications', s.certifications,"	\
	"  'data_residency', s.data_residency,"	\
	"  'data_retention_days', s.data_retention_days,"	\
	"  'training_use', s.training_use,"	\
	"  'tiers', v.pricing_tiers,"	\
	"  'subscription_monthly', price_text(v.subscription_price_monthly),"	\
	"  'contract', (SELECT c.document FROM contracts c"	\
	"     WHERE c.sha256 = v.contract_sha256))"	\
	" FROM services s JOIN providers p ON p.id = s.provider_id"	\
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"	\
	" WHERE " where							\
	"   AND s.status IN ('active', 'deprecated')"			\
	"   AND service_visible(s.compliance_level, $2::int,"		\
	"     p.organization_id, $3::uuid)"

/* By slug or by id: two statements so that each uses its index. */
static const struct mkt_sql q_item_slug = { "catalog_item_slug", 3,
	ITEM_SQL("s.slug = $1") };
static const struct mkt_sql q_item_id = { "catalog_item_id", 3,
	ITEM_SQL("s.id = $1::uuid") };

static struct json_object *
category_object(struct mkt_req *r, struct json_object *slug)
{
	struct json_object	*c = json_object_new_object();
	const char		*s = json_object_get_string(slug);

	json_object_object_add(c, "slug", json_object_new_string(s));
	json_object_object_add(c, "name",
	    json_object_new_string(mkt_category_name(r, s)));
	return c;
}

static struct json_object *
parse_json(struct mkt_req *r, const char *text)
{
	return mkt_json_own(r, json_tokener_parse(text ? text : "null"));
}

/* Builds "?page=N&category=…" style links keeping the current filters
 * (those read from the words travel in q). */
static struct json_object *
page_link(struct mkt_req *r, long page, const char *category,
    const char *provider, const char *sort, long per_page, const char *q,
    const char *default_sort, const struct facets *f)
{
	struct mkt_buf	 b;
	struct json_object *o;
	size_t		 i;

	mkt_buf_init(&b);
	mkt_buf_printf(&b, "%s?page=%ld", r->api ? "/api/v1/services" :
	    "/services", page);
	if (per_page != 20)
		mkt_buf_printf(&b, "&per_page=%ld", per_page);
	if (category != NULL)
		mkt_buf_printf(&b, "&category=%s", category);
	if (provider != NULL)
		mkt_buf_printf(&b, "&provider=%s", provider);
	if (q != NULL) {
		mkt_buf_puts(&b, "&q=");
		mkt_esc_url(&b, q);
	}
	for (i = 0; i < NFACETS; i++)
		if (f->given[i]) {
			mkt_buf_printf(&b, "&%s=", facet_names[i]);
			mkt_esc_url(&b, f->value[i]);
		}
	if (strcmp(sort, default_sort) != 0)
		mkt_buf_printf(&b, "&sort=%s", sort);
	o = json_object_new_string(b.ptr);
	mkt_buf_free(&b);
	return o;
}

/* A price filter: a non-negative decimal, at most six decimals. */
static bool
price_ok(const char *s)
{
	size_t	 i = 0, d = 0, f = 0;

	while (s[i] >= '0' && s[i] <= '9' && d < 12) {
		i++;
		d++;
	}
	if (d == 0)
		return false;
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9' && f < 6; i++)
			f++;
	return s[i] == '\0' && (s[i - 1] != '.');
}

/*
 * The filters of the query string, checked; then those the words of q
 * name (mkt_nlquery_parse), where the query string left the facet free.
 * *text: what q leaves for the full-text search (NULL: nothing).  The
 * filters read from the words are added to 'read' for the page's chips.
 * 0, or 400 for a malformed filter.
 */
static int
read_facets(struct mkt_req *r, const char *q, struct facets *f,
    const char **text, const char **category, struct json_object *read)
{
	struct mkt_nlquery	 nl;
	size_t			 i, k;
	const char		*v;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < NFACETS; i++) {
		const struct mkt_pval *p = mkt_param(r, facet_names[i]);

		if (!p->present)
			continue;
		f->value[i] = p->s;
		f->given[i] = true;
	}
	if ((v = f->value[0]) != NULL && !price_ok(v))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "max_price must be a number such as 1 or 0.50"));
	if ((v = f->value[2]) != NULL) {
		/* "de" means DE: country codes are upper case. */
		char *up = mkt_arena_strdup(r->arena, v);

		for (i = 0; up[i] != '\0'; i++)
			if (up[i] >= 'a' && up[i] <= 'z')
				up[i] = (char)(up[i] - 'a' + 'A');
		f->value[2] = v = up;
	}
	if ((v = f->value[2]) != NULL && (strlen(v) != 2 ||
	    !((v[0] >= 'A' && v[0] <= 'Z') && (v[1] >= 'A' && v[1] <= 'Z'))))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "residency must be a two-letter country code, or EU"));
	for (v = f->value[3]; v != NULL && *v != '\0'; v++)
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		    (*v >= '0' && *v <= '9') || *v == '-'))
			return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
			    "certification must be letters, digits and -"));
	*text = q;
	if (q == NULL)
		return 0;
	mkt_nlquery_parse(r->arena, q, &nl);
	*text = *nl.text != '\0' ? nl.text : NULL;
	for (k = 0; k < nl.nfilters; k++) {
		const struct mkt_nlfilter *nf = &nl.filters[k];
		struct json_object *chip;

		if (strcmp(nf->kind, "category") == 0) {
			if (*category != NULL)
				continue;
			*category = nf->value;
		} else {
			for (i = 0; i < NFACETS; i++)
				if (strcmp(nf->kind, facet_names[i]) == 0)
					break;
			if (i == NFACETS || f->value[i] != NULL)
				continue;
			f->value[i] = nf->value;
		}
		chip = json_object_new_object();
		json_object_object_add(chip, "kind",
		    json_object_new_string(nf->kind));
		json_object_object_add(chip, "value",
		    json_object_new_string(nf->value));
		json_object_object_add(chip, "phrase",
		    json_object_new_string(nf->phrase));
		json_object_array_add(read, chip);
	}
	return 0;
}

static long
sort_index(const char *sort)
{
	long	 i;

	for (i = 0; sorts[i] != NULL; i++)
		if (strcmp(sorts[i], sort) == 0)
			return i;
	return 0;
}

/*
 * The facet counts for the current query and filters, each value with
 * the link that adds it as a filter (facets already filtered show no
 * values: the filter's chip or field is there instead).
 */
static void
add_facets(struct mkt_req *r, struct json_object *v, struct json_object *fc,
    const char *category, const char *provider, const char *sort, long per,
    const char *q, const char *deflt, const struct facets *f)
{
	struct json_object	*out = json_object_new_object();
	size_t			 i, k;

	json_object_object_add(v, "facets", out);
	if (fc == NULL)
		return;
	json_object_object_foreach(fc, name, values) {
		struct json_object	*list = json_object_new_array();
		struct facets		 more = *f;
		bool			 is_provider = strcmp(name, "provider") == 0;

		for (k = 0; k < NFACETS; k++)
			if (strcmp(facet_names[k], name) == 0)
				break;
		if ((is_provider && provider != NULL) ||
		    (!is_provider && (k == NFACETS || f->value[k] != NULL))) {
			json_object_object_add(out, name, list);
			continue;
		}
		for (i = 0; i < json_object_array_length(values); i++) {
			struct json_object *e = json_object_array_get_idx(values,
			    i), *o;
			const char *val = json_object_get_string(
			    json_object_object_get(e, "value"));

			if (!is_provider) {
				more.value[k] = val;
				more.given[k] = true;
			}
			o = json_object_new_object();
			json_object_object_add(o, "value",
			    json_object_new_string(val));
			if (json_object_object_get(e, "name") != NULL)
				json_object_object_add(o, "name", json_object_get(
				    json_object_object_get(e, "name")));
			json_object_object_add(o, "count", json_object_get(
			    json_object_object_get(e, "count")));
			json_object_object_add(o, "link", page_link(r, 1, category,
			    is_provider ? val : provider, sort, per, q, deflt,
			    &more));
			json_object_array_add(list, o);
		}
		json_object_object_add(out, name, list);
	}
}

/*
 * GET /services, GET /api/v1/services
 * Query: page, per_page (≤ 100), category, provider, sort, q (search
 * words, websearch syntax, synonyms; sorted by relevance unless asked).
 * 200 with the page of services, paging facts and links; 400 when a
 * parameter is invalid (by the route's table); 503 without the database.
 * Pages past the end answer 200 with no services (stable paging).
 */
int
catalog_list(struct mkt_req *r)
{
	const struct mkt_pval	*pg = mkt_param(r, "page");
	const struct mkt_pval	*pp = mkt_param(r, "per_page");
	const char		*category = mkt_param(r, "category")->s;
	const char		*text;
	struct facets		 f;
	struct json_object	*read;
	struct mkt_buf		 fk;
	const char		*provider = mkt_param(r, "provider")->s;
	const char		*q = mkt_param(r, "q")->s;
	const char		*deflt = q != NULL ? "relevance" : "name";
	const char		*sort = mkt_param(r, "sort")->present ?
	    mkt_param(r, "sort")->s : deflt;
	long			 page = pg->present ? (long)pg->i : 1;
	long			 per = pp->present ? (long)pp->i : 20;
	long			 total, pages, ttl, i, n, si;
	char			 limit[24], offset[24], level[4], *key;
	const char		*params[17], *cached, *org;
	int			 clearance, status;
	size_t			 k;
	struct json_object	*v, *services, *cats, *o, *paging, *links,
				*filters, *sortlist, *facets;
	size_t			 len;
	PGresult		*res;

	snprintf(limit, sizeof(limit), "%ld", per);
	snprintf(offset, sizeof(offset), "%ld", (page - 1) * per);
	si = sort_index(sort);
	read = mkt_json_own(r, json_object_new_array());
	if ((status = read_facets(r, q, &f, &text, &category, read)) != 0)
		return status;

	/* The finished view model is cached for a few seconds: the catalog
	 * changes rarely and is read constantly.  The key holds everything
	 * the view depends on (language and API links included). */
	ttl = mkt_setting_long(r, "catalog_cache_ttl", 30, 0, 3600);
	clearance = mkt_clearance(r);
	snprintf(level, sizeof(level), "%d", clearance);
	org = r->user != NULL ? r->user->org_id : NULL;
	/* What a reader may see is part of the key: one person's view is
	 * never served to another who may see less. */
	mkt_buf_init(&fk);
	for (k = 0; k < NFACETS; k++)
		mkt_buf_printf(&fk, ":%s", f.given[k] ? f.value[k] : "");
	key = mkt_arena_printf(r->arena,
	    "catalog:list:%s:%d:%s:%s:%s:%ld:%ld:%d:%s:%s%s", r->lang, r->api,
	    category ? category : "", provider ? provider : "", sort, page,
	    per, clearance, org ? org : "-", q ? q : "", fk.ptr);
	mkt_buf_free(&fk);
	if (ttl > 0 && (cached = mkt_cache_get(r, key, &len)) != NULL &&
	    mkt_view_cached(r, cached, len) == MKT_OK) {
		if (q != NULL) {
			struct json_object *c = parse_json(r, cached), *pg2;

			if (json_object_object_get_ex(c, "page", &pg2))
				record_search(r, q, json_object_get_int64(
				    json_object_object_get(pg2, "total_items")),
				    explicit_filters(&f, mkt_param(r,
				    "category")->s, provider), clearance);
		}
		return 200;
	}
	params[0] = category;
	params[1] = provider;
	params[2] = limit;
	params[3] = offset;
	params[4] = level;
	params[5] = org;
	params[6] = text;
	for (k = 0; k < NFACETS; k++)
		params[7 + k] = f.value[k];
	for (k = 0; k < 4; k++)
		params[13 + k] = mkt_arena_printf(r->arena, "%.3f",
		    (double)mkt_setting_long(r, weight_keys[k],
		    weight_defaults[k], 0, 1000) / 1000.0);
	if (text != NULL) {
		/* Only stop words ("the", "a"): no text condition at all,
		 * rather than a query that matches nothing. */
		if ((res = mkt_db_exec(r, &q_words, &text)) == NULL)
			return mkt_fail_db(r);
		if (!mkt_db_bool(res, 0, "words"))
			params[6] = NULL;
	}
	if ((res = mkt_db_exec(r, &q_list[si], params)) == NULL)
		return mkt_fail_db(r);
	total = mkt_db_int(res, 0, "total");
	services = parse_json(r, mkt_db_val(res, 0, "services"));
	cats = parse_json(r, mkt_db_val(res, 0, "categories"));
	facets = parse_json(r, mkt_db_val(res, 0, "facets"));
	if (services == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);

	v = mkt_view(r, NULL);
	n = (long)json_object_array_length(services);
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(services,
		    (size_t)i), *cat, *slug, *l;

		if (json_object_object_get_ex(s, "category", &cat))
			json_object_object_add(s, "category",
			    category_object(r, cat));
		json_object_object_get_ex(s, "slug", &slug);
		l = json_object_new_object();
		json_object_object_add(l, "self", json_object_new_string(
		    mkt_link(r, "/services/%s", json_object_get_string(slug))));
		json_object_object_add(s, "links", l);
	}
	json_object_object_add(v, "services", json_object_get(services));

	pages = total > 0 ? (total + per - 1) / per : 1;
	paging = json_object_new_object();
	json_object_object_add(paging, "number", json_object_new_int64(page));
	json_object_object_add(paging, "size", json_object_new_int64(per));
	json_object_object_add(paging, "total_items",
	    json_object_new_int64(total));
	json_object_object_add(paging, "total_pages",
	    json_object_new_int64(pages));
	json_object_object_add(paging, "first_item", json_object_new_int64(
	    n > 0 ? (page - 1) * per + 1 : 0));
	json_object_object_add(paging, "last_item", json_object_new_int64(
	    n > 0 ? (page - 1) * per + n : 0));
	json_object_object_add(v, "page", paging);

	links = json_object_new_object();
	json_object_object_add(links, "self",
	    page_link(r, page, category, provider, sort, per, q, deflt, &f));
	json_object_object_add(links, "first",
	    page_link(r, 1, category, provider, sort, per, q, deflt, &f));
	json_object_object_add(links, "prev", page > 1 ? page_link(r,
	    page - 1 < pages ? page - 1 : pages, category, provider, sort,
	    per, q, deflt, &f) : NULL);
	json_object_object_add(links, "next", page < pages ?
	    page_link(r, page + 1, category, provider, sort, per, q, deflt,
	    &f) :
	    NULL);
	json_object_object_add(links, "last",
	    page_link(r, pages, category, provider, sort, per, q, deflt, &f));
	json_object_object_add(v, "links", links);

	filters = json_object_new_object();
	json_object_object_add(filters, "category",
	    json_object_new_string(category ? category : ""));
	json_object_object_add(filters, "provider",
	    json_object_new_string(provider ? provider : ""));
	json_object_object_add(filters, "sort", json_object_new_string(sort));
	json_object_object_add(filters, "q", json_object_new_string(q ? q : ""));
	for (k = 0; k < NFACETS; k++)
		if (f.given[k])
			json_object_object_add(filters, facet_names[k],
			    json_object_new_string(f.value[k]));
	/* What the words were read as: each a chip the page can show,
	 * with a link to the same search without those words. */
	for (k = 0; k < json_object_array_length(read); k++) {
		struct json_object *chip = json_object_array_get_idx(read, k);
		const char *phrase = json_object_get_string(
		    json_object_object_get(chip, "phrase"));
		const char *at = strstr(q, phrase);
		struct mkt_buf rest;

		if (at == NULL)
			continue;
		mkt_buf_init(&rest);
		mkt_buf_append(&rest, q, (size_t)(at - q));
		while (rest.len > 0 && rest.ptr[rest.len - 1] == ' ')
			rest.ptr[--rest.len] = '\0';
		at = mkt_skip_ws(at + strlen(phrase));
		if (rest.len > 0 && *at != '\0')
			mkt_buf_putc(&rest, ' ');
		mkt_buf_puts(&rest, at);
		json_object_object_add(chip, "remove", page_link(r, 1,
		    mkt_param(r, "category")->s, provider, sort, per,
		    rest.len > 0 ? mkt_arena_strdup(r->arena, rest.ptr) : NULL,
		    deflt, &f));
		mkt_buf_free(&rest);
	}
	json_object_object_add(v, "understood", json_object_get(read));
	json_object_object_add(v, "text_query", text != NULL ?
	    json_object_new_string(text) : NULL);
	json_object_object_add(v, "filters", filters);

	n = cats ? (long)json_object_array_length(cats) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cats,
		    (size_t)i), *slug;

		json_object_object_get_ex(c, "slug", &slug);
		json_object_object_add(c, "name", json_object_new_string(
		    mkt_category_name(r, json_object_get_string(slug))));
	}
	json_object_object_add(v, "categories", cats ? json_object_get(cats) :
	    json_object_new_array());

	sortlist = json_object_new_array();
	for (i = 0; sorts[i] != NULL; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "value",
		    json_object_new_string(sorts[i]));
		json_object_object_add(o, "label",
		    json_object_new_string(mkt_tr(r, sort_labels[i])));
		json_object_array_add(sortlist, o);
	}
	json_object_object_add(v, "sorts", sortlist);
	add_facets(r, v, facets, category, provider, sort, per, q, deflt, &f);

	/* Few results: perhaps a typo.  The words are checked against the
	 * catalog's vocabulary; the suggestion keeps every filter. */
	if (text != NULL && total < 3) {
		if ((res = mkt_db_exec(r, &q_did_you_mean, &text)) == NULL)
			return mkt_fail_db(r);
		if (!mkt_db_isnull(res, 0, "suggestion")) {
			struct facets	 all = f;
			const char	*sq = mkt_arena_strdup(r->arena,
			    mkt_db_val(res, 0, "suggestion"));

			for (k = 0; k < NFACETS; k++)
				all.given[k] = all.value[k] != NULL;
			o = json_object_new_object();
			json_object_object_add(o, "q", json_object_new_string(sq));
			json_object_object_add(o, "link", page_link(r, 1,
			    category, provider, sort, per, sq, deflt, &all));
			json_object_object_add(v, "did_you_mean", o);
		}
	}
	if (q != NULL)
		record_search(r, q, total, explicit_filters(&f,
		    mkt_param(r, "category")->s, provider), clearance);
	if (ttl > 0) {
		const char *json = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		mkt_cache_set(r, key, json, strlen(json), (time_t)ttl);
	}
	return 200;
}

static struct json_object *
rate(struct mkt_req *r, const char *kind, const char *label,
    const char *unit, struct json_object *price)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "label",
	    json_object_new_string(mkt_tr(r, label)));
	json_object_object_add(o, "unit", json_object_new_string(
	    mkt_tr(r, unit)));
	json_object_object_add(o, "price", json_object_get(price));
	return o;
}

/* Moves the flat price fields of the item query into a rates table. */
static void
build_pricing(struct mkt_req *r, struct json_object *s)
{
	static const struct {
		const char *field, *kind, *label, *unit;
	} rates[] = {
		{ "input_per_mtok", "input", N_("Input tokens"),
		  N_("1M tokens") },
		{ "output_per_mtok", "output", N_("Output tokens"),
		  N_("1M tokens") },
		{ "cached_input_per_mtok", "cached_input",
		  N_("Cached input tokens"), N_("1M tokens") },
		{ "per_request", "request", N_("Requests"),
		  N_("1 request") },
	};
	struct json_object	*pricing = json_object_new_object(), *list, *p,
				*cur;
	size_t			 i;

	list = json_object_new_array();
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (json_object_object_get_ex(s, rates[i].field, &p) &&
		    p != NULL)
			json_object_array_add(list, rate(r, rates[i].kind,
			    rates[i].label, rates[i].unit, p));
		json_object_object_del(s, rates[i].field);
	}
	if (json_object_object_get_ex(s, "currency", &cur) && cur != NULL)
		json_object_object_add(pricing, "currency",
		    json_object_get(cur));
	else
		json_object_object_add(pricing, "currency",
		    json_object_new_string("USD"));
	json_object_object_del(s, "currency");
	json_object_object_add(pricing, "rates", list);
	json_object_object_add(s, "pricing", pricing);
}

static void
build_capabilities(struct mkt_req *r, struct json_object *s)
{
	struct json_object	*tags, *caps = json_object_new_array();
	size_t			 i, n;

	if (json_object_object_get_ex(s, "tags", &tags) && tags != NULL) {
		n = json_object_array_length(tags);
		for (i = 0; i < n; i++) {
			const char *t = json_object_get_string(
			    json_object_array_get_idx(tags, i));

			const char *label = mkt_capability_name(r, t);
			struct json_object *c;

			if (label == NULL)
				continue;
			c = json_object_new_object();
			json_object_object_add(c, "name", json_object_new_string(t));
			json_object_object_add(c, "label",
			    json_object_new_string(label));
			json_object_array_add(caps, c);
		}
	}
	json_object_object_add(s, "capabilities", caps);
}

/*
 * The contract's operations instead of the whole document (which has its
 * own address), and how to call the service through the gateway with
 * the OpenAI SDK people already use: base URL and model name.
 */
static void
build_contract(struct mkt_req *r, struct json_object *s)
{
	struct json_object	*doc, *call;
	const char		*host = mkt_req_header(r, "HTTP_HOST");
	const char		*slug = json_object_get_string(
	    json_object_object_get(s, "slug"));
	const char		*base;

	if (json_object_object_get_ex(s, "contract", &doc) && doc != NULL)
		json_object_object_add(s, "operations",
		    mkt_openapi_operations(doc));
	json_object_object_del(s, "contract");
	if (host == NULL || !mkt_header_value_ok(host) || strlen(host) > 255 ||
	    strpbrk(host, " \"'<>\\") != NULL)
		host = "marketplace.example";
	base = mkt_arena_printf(r->arena, "%s://%s/v1",
	    mkt_https(r) ? "https" : "http", host);
	call = json_object_new_object();
	json_object_object_add(call, "base_url", json_object_new_string(base));
	json_object_object_add(call, "model", json_object_new_string(slug));
	json_object_object_add(call, "curl", json_object_new_string(
	    mkt_arena_printf(r->arena, "curl %s/chat/completions \\\n"
	    "  -H \"Authorization: Bearer $MARKETPLACE_API_KEY\" \\\n"
	    "  -H \"Content-Type: application/json\" \\\n"
	    "  -d '{\"model\": \"%s\", \"messages\": "
	    "[{\"role\": \"user\", \"content\": \"Hello\"}]}'",
	    base, slug)));
	json_object_object_add(call, "python", json_object_new_string(
	    mkt_arena_printf(r->arena, "import os\n\nfrom openai import OpenAI\n\n"
	    "client = OpenAI(base_url=\"%s\",\n"
	    "                api_key=os.environ[\"MARKETPLACE_API_KEY\"])\n"
	    "reply = client.chat.completions.create(\n"
	    "    model=\"%s\",\n"
	    "    messages=[{\"role\": \"user\", \"content\": \"Hello\"}])\n"
	    "print(reply.choices[0].message.content)", base, slug)));
	json_object_object_add(s, "how_to_call", call);
}

/*
 * GET /services/{id}, GET /api/v1/services/{id}
 * {id} is the service's slug or UUID.  200 with the service, its pricing
 * table and versions; 404 when no listed service has that id.
 */
int
catalog_item(struct mkt_req *r)
{
	const char		*id = mkt_route_arg(r, 0);
	const char		*params[3];
	char			 level[4];
	struct json_object	*v, *s, *cat, *prov, *links, *slug, *mode;
	PGresult		*res;

	if (strlen(id) > 128 || !(mkt_slug_ok(id, 128) || mkt_uuid_ok(id)))
		return mkt_failf(r, 404, "not-found",
		    mkt_tr(r, "no service has the id \"%s\""), id);
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = id;
	params[1] = level;
	params[2] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, mkt_uuid_ok(id) ? &q_item_id :
	    &q_item_slug, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0)
		return mkt_failf(r, 404, "not-found",
		    mkt_tr(r, "no service has the id \"%s\""), id);
	s = json_tokener_parse(PQgetvalue(res, 0, 0));
	if (s == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "service", s);
	if (json_object_object_get_ex(s, "category", &cat))
		json_object_object_add(s, "category", category_object(r, cat));
	build_pricing(r, s);
	build_capabilities(r, s);
	build_contract(r, s);
	if (json_object_object_get_ex(s, "mode", &mode) && mode != NULL)
		json_object_object_add(s, "mode_label", json_object_new_string(
		    mkt_mode_name(r, json_object_get_string(mode))));
	json_object_object_get_ex(s, "provider", &prov);
	json_object_object_get_ex(prov, "slug", &slug);
	links = json_object_new_object();
	json_object_object_get_ex(s, "slug", &slug);
	json_object_object_add(links, "self", json_object_new_string(
	    mkt_link(r, "/services/%s", json_object_get_string(slug))));
	json_object_object_get_ex(prov, "slug", &slug);
	json_object_object_add(links, "provider", json_object_new_string(
	    mkt_link(r, "/services?provider=%s", json_object_get_string(slug))));
	json_object_object_get_ex(s, "category", &cat);
	json_object_object_get_ex(cat, "slug", &slug);
	json_object_object_add(links, "category", json_object_new_string(
	    mkt_link(r, "/services?category=%s", json_object_get_string(slug))));
	json_object_object_add(s, "links", links);
	return 200;
}
