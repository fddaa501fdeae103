/* list.c: the catalog list and search (one handler for HTML and JSON):
 * words and filters, facet counts, the blended ranking, paging */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

static const char *const levels[] = { "public", "internal",
	"confidential", NULL };
static const char *const listed[] = { "active", "deprecated", NULL };
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
	{ "max_latency", MKT_P_INT, 1, 600000, NULL },
	{ "status",	MKT_P_ENUM, 0, 0, listed },
	{ "min_rating",	MKT_P_TEXT, 0, 4, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * The facet filters beyond category and provider, in the order of the
 * statements' parameters $6…$14 and named as in the query string and as
 * the kinds of mkt_nlquery_parse().
 */
#define NFACETS	9
static const char *const facet_names[NFACETS] = {
	"max_price", "min_context", "residency", "certification",
	"compliance", "tag", "max_latency", "status", "min_rating"
};

struct facets {
	const char	*value[NFACETS];	/* NULL: not filtered */
	bool		 given[NFACETS];	/* by the query string */
};

/*
 * How a search is answered, whatever the size of the catalog:
 *
 *  1. q_estimate: the planner's estimate of the match set (of words
 *     alone: q_estimate_words, the services table only).
 *  2. q_counts takes the matching services, at most EXACT_MAX + 1 of
 *     them (search_exact_max, 5000), and counts them by category and
 *     facet.  When the estimate is beyond twice that, it takes only the
 *     matches in one share of the catalog (1/4 … 1/2048, by the hash of
 *     the id, each share with indexes of its own: 0018_search_sample.sql),
 *     the share that should hold 250-500 of them (search_sample_words);
 *     every count, and the total, is the sample's times the share.  For
 *     words without a filter the full-text index holds, each share has
 *     a statement of its own, planned once (q_counts_share).  When the
 *     share holds too few, or no share fits, the first FACET_SAMPLE
 *     matches are counted and scaled to the estimate (after a share,
 *     to the share's count).  Either way the page says "about".
 *  3. The page.  When q_counts saw every match, its rows are sorted here
 *     (exact_page_ids()) and q_page_ids reads the page's services.
 *     Sorted by relevance when not every match was seen, q_capped finds
 *     the page among the best services of each relevance tier
 *     (0016_search_tiers.sql) instead of scoring every match: the same
 *     page, found with short index walks or in the catalog's top set
 *     (0024_search_top_set.sql), as the search chooses for each tier;
 *     planned once (q_tiers for words alone).
 *     Otherwise q_page[sort].
 *
 * Every statement shares the parameters $1…$14:
 *   $1 category, $2 provider, $3 clearance (mkt_clearance()), $4 the
 *   reader's organisation, $5 the search words as a tsquery (q_words),
 *   $6…$14 the facets;
 * q_counts adds $15 the most rows it counts and $16 the share of the
 * catalog it reads, as the mask of the id's hash (NULL: all); the pages
 * add $15 limit, $16 offset, $17 the weight of relevance, and q_capped
 * $18 how many services of each tier it needs (the end of the page),
 * $19 whether the words exclude some and $20 the words less the
 * commonest.
 */
#define SORT_RELEVANCE	3	/* sorts[] */
#define NPARAMS		20	/* the most a statement takes */
#define FACET_SAMPLE	500	/* matches counted by facet in a large search,
				   at most search_exact_max */
/* The shares of the catalog with indexes of their own (0018, 0021,
 * 0025), smallest first, as masks of the id's hash: 1/2048 … 1/4. */
static const long sample_masks[] = { 2047, 1023, 511, 255, 127, 63, 31,
	15, 7, 3 };
/* A search's share should hold search_sample_words (250) of its
 * matches; a tenth of that found is too few to scale.  A list's share: */
#define SAMPLE_LIST	50	/* matches a list's share should hold: it
				   reads the whole share, matches or not */
#define SAMPLE_ROWS	8000	/* a share holds 250-500 matches when the
				   estimate is right; at most this many */

/* Visible to the reader (clearance, organisation: 0007_visibility.sql)
 * without the provider's row, which only a reader of an organisation
 * needs (its own organisation's services): joined to every provider,
 * the page of a head tier of 3,300 matches at a million services took
 * 15.4 ms instead of 12.9 (medians of 5), and each join costs its
 * planning. */
#define VISIBLE(level, org)						\
	" (service_visible(s.compliance_level, " level "::int, NULL, NULL)" \
	"  OR (" org "::uuid IS NOT NULL AND EXISTS (SELECT 1"		\
	"   FROM providers op WHERE op.id = s.provider_id"		\
	"   AND op.organization_id = " org "::uuid)))"
/* Listed, visible and matching the facet filters, given or read from
 * the words (nlquery.c)... */
#define LISTED_FILTERS	FILTERS(TAG_RESIDENCY_INDEXED)
#define FILTERS(tag_residency)						\
	LISTED_STATUS " AND" FILTER_TESTS(tag_residency)
#define LISTED_STATUS	" s.status IN ('active', 'deprecated')"
#define FILTER_TESTS(tag_residency)					\
	" ($2::text IS NULL OR s.provider_id ="				\
	"   (SELECT fp.id FROM providers fp WHERE fp.slug = $2))"	\
	" AND" VISIBLE("$3", "$4")					\
	" AND ($6::numeric IS NULL"					\
	"   OR s.current_input_price <= $6::numeric)"			\
	" AND ($7::int IS NULL OR s.current_context_window >= $7::int)"	\
	tag_residency							\
	" AND ($9::text IS NULL OR upper($9) = ANY("			\
	"   SELECT upper(c) FROM unnest(s.certifications) c))"		\
	" AND ($10::text IS NULL OR s.compliance_level = $10)"		\
	" AND ($12::int IS NULL OR s.sla_max_latency_ms <= $12::int)"	\
	" AND ($13::text IS NULL OR s.status = $13)"			\
	" AND ($14::numeric IS NULL OR s.rating_bayesian >= $14::numeric)"
/* The tag and residency filters in the forms the full-text index holds
 * (0019_search_facet_index.sql): with the words, the index scan
 * intersects the lists of both... */
#define TAG_RESIDENCY_INDEXED						\
	" AND ($8::text IS NULL"					\
	"   OR residency_matches(s.data_residency, $8))"		\
	" AND ($11::text IS NULL OR s.tags @> ARRAY[$11::text])"
/* ...and in forms it does not, tested row by row, for the tiers of
 * q_capped: the planner would narrow a tier of a few thousand rows
 * with a bitmap of every service with the tag (83 ms for one in a
 * third of the catalog), and it cannot see the cost. */
#define TAG_RESIDENCY_ROWWISE						\
	" AND ($8::text IS NULL OR residency_matches("		\
	"   coalesce(s.data_residency, '{}'), $8))"			\
	" AND ($11::text IS NULL OR $11 = ANY(s.tags))"
/* ...and the words (0008_search.sql), if any. */
#define ANY_WORDS							\
	" AND ($5::tsquery IS NULL OR s.search_vector @@ $5::tsquery)"
#define LISTED_WHERE	LISTED_FILTERS ANY_WORDS
#define IN_CATEGORY	" AND ($1::text IS NULL OR s.category = $1)"
/* In the share of the catalog $16 names: the expression of the partial
 * indexes of 0018 and 0021, which the planner matches once $16 is a
 * value. */
#define IN_SAMPLE							\
	" AND ($16::int IS NULL OR (uuid_hash(s.id) & $16::int) = 0)"
/* The same, the share written out, for a statement of its own. */
#define IN_SHARE(mask)	" AND (uuid_hash(s.id) & " #mask ") = 0"
/* The services a search reads: the price, context window and rating
 * it filters and counts by are copies on the service's row
 * (0023_search_listing_copies.sql), the promised latency a column of
 * its own (0027_search_sla_latency.sql)... */
#define LISTED_FROM	" services s"
/* ...and for a page, the provider and the current version it shows. */
#define MATCHES_FROM							\
	LISTED_FROM " JOIN providers p ON p.id = s.provider_id"		\
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"

/*
 * The services counted, a row each with what the facets count
 * (facets.c; arrays joined with the unit separator) and what the page
 * of a search that sees every match is sorted by (exact_page_ids();
 * name_order: the database's order of name and id, in its collation),
 * and in the first row the category list, the count of the categories'
 * services and the providers' facet.  No service counted: one row of
 * NULLs, with the category list.  where and share: the conditions of
 * the search and the share of the catalog; a: every category, for the
 * category list, when one is chosen (else m is every category), or
 * nothing; ranked and name_order: RANKED and NAME_ORDER, or UNRANKED
 * and NULL for a share (its rows are not every match: not sorted here).
 */
#define JOINED(a)	"nullif(array_to_string(" a ", E'\\x1f'), '')"
#define COUNTS(where, share, a, ranked, name_order)			\
	"WITH m AS MATERIALIZED (SELECT s.category,"			\
	"   " JOINED("s.tags") " AS tags, s.compliance_level,"		\
	"   upper(" JOINED("s.certifications") ") AS certifications,"	\
	"   " JOINED("s.data_residency") " AS residency,"		\
	"   residency_matches(s.data_residency, 'EU')"			\
	"     AND NOT 'EU' = ANY(s.data_residency) AS eu,"		\
	"   s.status, s.provider_id,"					\
	"   s.current_input_price AS price,"				\
	"   s.current_context_window AS context,"			\
	"   s.rating_bayesian AS rating,"				\
	"   s.sla_max_latency_ms AS latency,"				\
	"   s.head_vector @@ $5::tsquery AS head,"			\
	"   s.name_vector @@ $5::tsquery AS in_name,"			\
	ranked " s.rank_top AS top,"					\
	"   CASE WHEN $16::int IS NULL AND $5::tsquery IS NOT NULL THEN" \
	"     search_relevance(s.name_vector, s.head_vector, $5::tsquery)" \
	"   END AS rel"							\
	"  FROM" LISTED_FROM						\
	"  WHERE" where share						\
	"  LIMIT $15)," a						\
	" SELECT x.*,"							\
	" CASE WHEN coalesce(x.n, 1) = 1 THEN" PROVIDERS_COUNTED	\
	"   END AS providers,"						\
	" CASE WHEN coalesce(x.n, 1) = 1 THEN (SELECT count(*) FROM a) END" \
	"   AS matched_all,"						\
	" CASE WHEN coalesce(x.n, 1) = 1 THEN"				\
	" (SELECT json_agg(json_build_object('slug', c.slug,"		\
	"    'count', coalesce(k.n, 0)) ORDER BY c.position)"		\
	"  FROM categories c LEFT JOIN (SELECT category, count(*) AS n"	\
	"    FROM (SELECT category FROM m WHERE $1::text IS NULL"	\
	"          UNION ALL SELECT category FROM a) x"			\
	"    GROUP BY category) k ON k.category = c.slug) END AS categories" \
	" FROM (SELECT 1) one LEFT JOIN"				\
	"  (SELECT m.*, row_number() OVER () AS n,"			\
	"    " name_order " AS name_order"				\
	"   FROM m) x ON true"						\
	" ORDER BY x.n"
#define NAME_ORDER	"row_number() OVER (ORDER BY m.name, m.id)"
/* What exact_page_ids() sorts by, or nothing for a share's rows, which
 * are not sorted (pgbench, 565 rows: 10.8 ms with, 10.3 without). */
#define RANKED		"   s.id, s.name, s.rank_static,"
#define UNRANKED							\
	"   NULL::uuid AS id, NULL::text AS name, NULL::float8 AS rank_static,"
/* The providers of the most services counted, as the facet's list
 * (facets.c), ties by name in byte order: the providers joined to the
 * counts of their ids, not to every service counted (joined to 565
 * services, the counts of a search took 8.2 ms instead of 7.5), and
 * only those ranked among the first by count (rank() counts ties as
 * one, so every provider of the list is there), each found by its key:
 * joined to every provider read whole, 1.1 ms; now 0.5 ms (400
 * services of 234 providers). */
#define PROVIDERS_COUNTED						\
	" (SELECT json_agg(json_build_object('value', t.slug,"		\
	"    'name', t.name, 'count', t.n) ORDER BY t.n DESC,"		\
	"    t.name COLLATE \"C\")"					\
	"  FROM (SELECT p.slug, p.name, g.n FROM (SELECT provider_id, n," \
	"      rank() OVER (ORDER BY n DESC) AS r FROM (SELECT provider_id," \
	"      count(*) AS n FROM m GROUP BY provider_id) c) g"		\
	"    JOIN providers p ON p.id = g.provider_id"			\
	"    WHERE g.r <= " FACET_TOP_SQL					\
	"    ORDER BY g.n DESC, p.name COLLATE \"C\""			\
	"    LIMIT " FACET_TOP_SQL ") t)"
#define ALL_CATEGORIES						\
	" a AS MATERIALIZED (SELECT s.category FROM" LISTED_FROM	\
	"  WHERE" LISTED_WHERE IN_SAMPLE " LIMIT $15)"
#define NO_CATEGORIES	" a AS (SELECT NULL::text AS category WHERE false)"
/* Without a category and with one ($1): the part that is not needed
 * would still cost its planning (about 1 ms). */
static const struct mkt_sql q_counts[] = {
	{ "catalog_counts", 16,
	  COUNTS(LISTED_WHERE IN_CATEGORY, IN_SAMPLE, NO_CATEGORIES,
	  RANKED, NAME_ORDER) },
	{ "catalog_counts_category", 16,
	  COUNTS(LISTED_WHERE IN_CATEGORY, IN_SAMPLE, ALL_CATEGORIES,
	  RANKED, NAME_ORDER) },
};
/*
 * The same for words and a share, without a filter the full-text index
 * holds (category, provider, tag, residency): the best plan reads the
 * share's own index whatever the words are, so it is made once (16
 * parameters as above; $16 only says a share is read).  Planned for
 * the words at every call, the statement took 3-5 ms to plan and ran
 * no faster.  In the order of sample_masks[].
 */
#define WITH_WORDS	" AND s.search_vector @@ $5::tsquery"
#define SHARE_COUNTS(mask)						\
	COUNTS(LISTED_FILTERS WITH_WORDS IN_CATEGORY, IN_SHARE(mask),	\
	    NO_CATEGORIES, UNRANKED, "NULL::bigint")
static const struct mkt_sql q_counts_share[] = {
	{ "catalog_counts_share2048", 16, SHARE_COUNTS(2047) },
	{ "catalog_counts_share1024", 16, SHARE_COUNTS(1023) },
	{ "catalog_counts_share512", 16, SHARE_COUNTS(511) },
	{ "catalog_counts_share256", 16, SHARE_COUNTS(255) },
	{ "catalog_counts_share128", 16, SHARE_COUNTS(127) },
	{ "catalog_counts_share64", 16, SHARE_COUNTS(63) },
	{ "catalog_counts_share32", 16, SHARE_COUNTS(31) },
	{ "catalog_counts_share16", 16, SHARE_COUNTS(15) },
	{ "catalog_counts_share8", 16, SHARE_COUNTS(7) },
	{ "catalog_counts_share4", 16, SHARE_COUNTS(3) },
};
/*
 * The same for words alone, every match (at most $15), planned once:
 * without any filter, as the plan made without the values would be
 * misled by an optional one ("$n IS NULL OR ...").  The parameters are
 * those of q_counts; the filters it has none of are named in a
 * condition of parameters alone, which is tested once, not per row.
 */
#define LISTED_VISIBLE							\
	" s.status IN ('active', 'deprecated') AND" VISIBLE("$3", "$4")
#define NO_FILTERS							\
	" AND num_nulls($2::text, $6::numeric, $7::int, $8::text,"	\
	"   $9::text, $10::text, $11::text, $12::int, $13::text,"	\
	"   $14::numeric) >= 0"
static const struct mkt_sql q_counts_words = { "catalog_counts_words", 16,
	COUNTS(LISTED_VISIBLE WITH_WORDS NO_FILTERS, " AND $16::int IS NULL",
	    NO_CATEGORIES, RANKED, NAME_ORDER) };

/* The planner's estimate of the match set, when it is too large to
 * count: the total shown as "about N". */
static const struct mkt_sql q_estimate = { "catalog_estimate", 14,
	"EXPLAIN (FORMAT JSON) SELECT 1 FROM" LISTED_FROM
	" WHERE" LISTED_WHERE IN_CATEGORY };
/* The same for words alone ($1) and the reader's clearance ($2),
 * without filters: the services table only, planned in a fifth of the
 * time of the join.  The services of the reader's own organisation are
 * left out (their provider is in the join): the estimate may be low,
 * never counting what the reader may not see, since a total shown as
 * "about N" can come from it.  EXPLAIN plans its query for the values
 * whatever the session's planning. */
static const struct mkt_sql q_estimate_words = { "catalog_estimate_words", 2,
	"EXPLAIN (FORMAT JSON) SELECT 1 FROM services s"
	" WHERE s.status IN ('active', 'deprecated')"
	" AND service_visible(s.compliance_level, $2::int, NULL, NULL)"
	" AND s.search_vector @@ $1::tsquery" };

/* The blended score of FR-002.2: relevance weighted as configured, and
 * the stored score (the other three parts, weighted when "marketctl
 * search-refresh" last ran: 0010_search_scale.sql) as the index orders
 * it, so that the tiers' walks and the page agree to the last bit. */
#define SCORE(w)	"(" w "::float8 * r.rel + s.rank_static)"
/* One row of the page, its relevance computed only when it is shown
 * or sorted by; w and q name the parameters of the weight of relevance
 * and of the words. */
#define PAGE_COLUMNS(w)							\
	" s.id, s.slug, s.name, s.description, s.category, s.tags,"	\
	" s.status, p.slug AS provider_slug, p.name AS provider_name,"	\
	" p.verified, v.version, v.currency, v.input_price_per_mtok,"	\
	" v.output_price_per_mtok, v.context_window, v.max_output_tokens," \
	" r.rel, s.rank_popularity AS pop, s.rank_performance AS perf,"	\
	" s.rank_compliance AS comp, " SCORE(w) " AS score"
#define PAGE_FROM(q)							\
	" FROM" MATCHES_FROM						\
	" CROSS JOIN LATERAL (SELECT CASE WHEN " q "::tsquery IS NULL"	\
	"   THEN 0 ELSE search_relevance(s.name_vector, s.head_vector,"	\
	"     " q "::tsquery) END AS rel) r"
/* The page as JSON, in the order of the inner query; matched_in names
 * the tier of the relevance (0016_search_tiers.sql). */
#define PAGE_SQL(inner, q)						\
	"SELECT coalesce(json_agg(json_build_object("			\
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
	"   'score', CASE WHEN " q "::tsquery IS NOT NULL THEN"		\
	"     json_build_object('relevance', round(rel::numeric, 3),"	\
	"      'matched_in', search_matched_in(rel),"			\
	"      'popularity', round(pop::numeric, 3),"			\
	"      'performance', round(perf::numeric, 3),"		\
	"      'compliance', round(comp::numeric, 3),"			\
	"      'total', round(score::numeric, 3)) END)"			\
	"   ORDER BY n), '[]') AS services"				\
	" FROM (SELECT o.*, row_number() OVER () AS n FROM (" inner ") o) x"
#define EXACT_PAGE(order)						\
	PAGE_SQL("SELECT" PAGE_COLUMNS("$17") PAGE_FROM("$5") " WHERE"	\
	    LISTED_WHERE IN_CATEGORY " ORDER BY " order			\
	    " LIMIT $15 OFFSET $16", "$5")

static const struct mkt_sql q_page[] = {
	{ "catalog_page_name", 17, EXACT_PAGE("s.name, s.id") },
	{ "catalog_page_price", 17,
	  EXACT_PAGE("v.input_price_per_mtok NULLS LAST, s.name, s.id") },
	{ "catalog_page_context", 17,
	  EXACT_PAGE("v.context_window DESC NULLS LAST, s.name, s.id") },
	{ "catalog_page_relevance", 17,
	  EXACT_PAGE("score DESC, s.name, s.id") },
};

/* The page of a search that saw every match, by the ids of its
 * services in their order ($1), found by exact_page_ids(); $2 the
 * words, $3 the weight of relevance. */
static const struct mkt_sql q_page_ids = { "catalog_page_ids", 3,
	PAGE_SQL("SELECT" PAGE_COLUMNS("$3") PAGE_FROM("$2")
	" WHERE s.id = ANY($1::uuid[])"
	" ORDER BY array_position($1::uuid[], s.id)", "$2") };

/*
 * Relevance over a large match set: the best $18 by stored score among
 * the services whose names match, among those whose name, tags and
 * category match, and among all matches; then the page of those by the
 * blended score.  Within a tier relevance is the same for all, so the
 * stored score orders the tier as the blend does, and a service of the
 * page cannot be missing: $18 of its own tier would rank above it.
 *
 * Each tier is walked or topped, as the search chooses from the counts
 * of its share (tier_form()), in forms that leave the planner no other
 * way, so that the statement is planned once: the filters and the
 * words are tested per row.  Walked: in the score index's order until
 * $18 rows are found.  Topped: its best $18 in the catalog's top set
 * (0024_search_top_set.sql), read through the set's index, and the
 * tier read whole only when the set held fewer.  Planned for the
 * filters' values at every call, the statement took 3.5-7.6 ms to plan
 * at a million services, as long as it ran.
 *
 * A name or head match must match as a whole too when $19 says the
 * words exclude some ("-word" may be in the description); that is
 * checked per row, as ts_match_vq(), the function behind @@: as an
 * operator, the planner would intersect the tier's bitmap with the
 * whole match set's, the cost of a large search all over again.
 * Without an exclusion a name or head match is a whole match, and the
 * check (a read of the search vector) folds away.  $20: the words less
 * the commonest (q_words), read first where a tier's index is read.
 */
#define BY_SCORE	"s.rank_static"
#define BY_SCORE_READ	"(s.rank_static + 0)"
/* A tier's words tested per row, by the function behind @@, which no
 * index serves; or read through the tier's full-text index, the words
 * less the commonest first (the index scan of all the words walks that
 * word's list for every service of the rarest; this one, written
 * first, ends the scan first).  q and lean: their parameters. */
#define WALKED_OF(vector, q)	"ts_match_vq(s." vector ", " q "::tsquery)"
#define READ_OF(vector, lean, q)					\
	"s." vector " @@ " lean "::tsquery AND s." vector " @@ " q "::tsquery"
/* A tier's best k from the top set (best, a statement of its k best
 * there), or, when the set held fewer than k, from the whole tier
 * (whole): a condition of the first part's rows alone, tested once
 * before the second part would start.  For q_capped and q_tiers. */
#define TOPPED_OF(best, whole, k)					\
	"(WITH best AS MATERIALIZED " best				\
	" SELECT id FROM best UNION ALL"				\
	" SELECT id FROM " whole " tier"				\
	"  WHERE (SELECT count(*) FROM best) < " k ")"
/* The page of the tiers' ids, as an array: as "IN (...)", the planner,
 * which cannot know how many each tier gives, would expect a tenth of
 * each tier and join them with a scan of every service.  w: the
 * weight of relevance, q: the words. */
#define TIERS_PAGE(names, heads, all, w, q, limit, offset)		\
	PAGE_SQL("SELECT" PAGE_COLUMNS(w) PAGE_FROM(q)			\
	" WHERE s.id = ANY (ARRAY(" names " UNION " heads " UNION " all "))" \
	" ORDER BY score DESC, s.name, s.id LIMIT " limit " OFFSET " offset, q)
/* The filters as one test, which a plan made without their values
 * expects half the rows to pass (an expression it has no statistics
 * of): tested one by one, "$n IS NULL OR ...", they would be expected
 * to pass a handful, and the walk of a tier would become a read of
 * every service.  The status stays outside, where the score index's
 * predicate is matched. */
#define TIER_FILTERS							\
	LISTED_STATUS " AND CASE WHEN"					\
	FILTER_TESTS(TAG_RESIDENCY_ROWWISE) IN_CATEGORY			\
	" THEN true ELSE false END"
#define TIER_WALK(filters, match, order)				\
	"(SELECT s.id FROM" LISTED_FROM					\
	"  WHERE" filters " AND " match					\
	"  ORDER BY " order " DESC, s.name, s.id LIMIT $18)"
#define WHOLE_MATCH	" AND (NOT $19::boolean OR "			\
	WALKED_OF("search_vector", "$5") ")"
#define WALKED_TIER(vector, whole)					\
	TIER_WALK(TIER_FILTERS, WALKED_OF(vector, "$5") whole, BY_SCORE)
#define TOPPED_TIER(vector, whole)					\
	TOPPED_OF(TIER_WALK(TIER_FILTERS " AND s.rank_top",		\
	    READ_OF(vector, "$20", "$5") whole, BY_SCORE_READ),		\
	    TIER_WALK(TIER_FILTERS, READ_OF(vector, "$20", "$5") whole,	\
	    BY_SCORE_READ), "$18")
#define IN_TIERS(names, heads, all)					\
	TIERS_PAGE(names, heads, all, "$17", "$5", "$15", "$16")
/* Indexed by how many tiers are topped, the smallest first (names,
 * heads, all matches). */
static const struct mkt_sql q_capped[] = {
	{ "catalog_page_capped", 19,
	  IN_TIERS(WALKED_TIER("name_vector", WHOLE_MATCH),
	  WALKED_TIER("head_vector", WHOLE_MATCH),
	  WALKED_TIER("search_vector", "")) },
	{ "catalog_page_capped_names_topped", 20,
	  IN_TIERS(TOPPED_TIER("name_vector", WHOLE_MATCH),
	  WALKED_TIER("head_vector", WHOLE_MATCH),
	  WALKED_TIER("search_vector", "")) },
	{ "catalog_page_capped_heads_topped", 20,
	  IN_TIERS(TOPPED_TIER("name_vector", WHOLE_MATCH),
	  TOPPED_TIER("head_vector", WHOLE_MATCH),
	  WALKED_TIER("search_vector", "")) },
	{ "catalog_page_capped_topped", 20,
	  IN_TIERS(TOPPED_TIER("name_vector", WHOLE_MATCH),
	  TOPPED_TIER("head_vector", WHOLE_MATCH),
	  TOPPED_TIER("search_vector", "")) },
};

/*
 * The same for words alone, without any filter: the filters' tests,
 * "$n IS NULL OR ...", cost the plan's estimates more than their
 * values, whose absence lets these statements have none.
 *
 * $1 clearance, $2 the reader's organisation, $3 the words, $4 the
 * weight of relevance, $5 limit, $6 offset, $7 how many of each tier
 * (the end of the page), $8 whether the words exclude some, $9 the
 * words less the commonest.
 */
#define WHOLE		" AND (NOT $8::boolean OR "			\
	WALKED_OF("search_vector", "$3") ")"
#define TIER(match, order)						\
	"(SELECT s.id FROM services s"					\
	"  WHERE s.status IN ('active', 'deprecated')"			\
	"  AND" VISIBLE("$1", "$2") " AND " match			\
	"  ORDER BY " order " DESC, s.name, s.id LIMIT $7)"
#define TOPPED(match)							\
	TOPPED_OF(TIER("s.rank_top AND " match, BY_SCORE_READ),		\
	    TIER(match, BY_SCORE_READ), "$7")
#define NAMES_WALKED	TIER(WALKED_OF("name_vector", "$3") WHOLE, BY_SCORE)
#define HEADS_WALKED	TIER(WALKED_OF("head_vector", "$3") WHOLE, BY_SCORE)
#define ALL_WALKED	TIER(WALKED_OF("search_vector", "$3"), BY_SCORE)
#define NAMES_TOPPED	TOPPED(READ_OF("name_vector", "$9", "$3") WHOLE)
#define HEADS_TOPPED	TOPPED(READ_OF("head_vector", "$9", "$3") WHOLE)
#define ALL_TOPPED	TOPPED(READ_OF("search_vector", "$9", "$3"))
#define TIERS(names, heads, all)					\
	TIERS_PAGE(names, heads, all, "$4", "$3", "$5", "$6")
/* Indexed by how many tiers are topped, the smallest first (names,
 * heads, all matches); the others are walked (without $9: no index is
 * read). */
static const struct mkt_sql q_tiers[] = {
	{ "catalog_tiers_walked", 8,
	  TIERS(NAMES_WALKED, HEADS_WALKED, ALL_WALKED) },
	{ "catalog_tiers_names_topped", 9,
	  TIERS(NAMES_TOPPED, HEADS_WALKED, ALL_WALKED) },
	{ "catalog_tiers_heads_topped", 9,
	  TIERS(NAMES_TOPPED, HEADS_TOPPED, ALL_WALKED) },
	{ "catalog_tiers_topped", 9,
	  TIERS(NAMES_TOPPED, HEADS_TOPPED, ALL_TOPPED) },
};

/* From the words the reader's clearance ($2) may see (0010). */
static const struct mkt_sql q_did_you_mean = { "catalog_did_you_mean", 2,
	"SELECT search_did_you_mean($1, $2::int) AS suggestion" };

/* Every search goes to the outbox (search_performed, for the analytics
 * hub); one that found fewer than three services is also counted in
 * search_misses: demand the catalog does not meet.  No person's id.
 * Committed without waiting for the disk (0017_search_record.sql). */
static const struct mkt_sql q_record = { "catalog_record_search", 4,
	"SELECT search_record($1, $2::integer, $3::integer, $4::boolean)" };

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
	if (params[0] != NULL && mkt_db_exec_once(r, &q_record, params) == NULL)
		mkt_log_warn(r, "could not record the search");
	mkt_buf_free(&norm);
}

/* The words as a tsquery (websearch syntax, synonyms: 0008_search.sql),
 * passed to the statements as a value: a function call there would run
 * for every row the planner does not find through the index.  NULL when
 * only stop words ("the", "a") are left: no text condition at all,
 * rather than a query that matches nothing.  lean: the words less the
 * commonest, read first where a tier's index is read (q_tiers,
 * 0026_search_lean_words.sql); estimate: the matches a reader of the
 * clearance $2 may see, for words alone, as the planner would estimate
 * them (0028_search_estimate_words.sql), or NULL: ask the planner (or
 * $2 NULL: no estimate wanted). */
static const struct mkt_sql q_words = { "catalog_query_words", 2,
	"SELECT CASE WHEN numnode(t) > 0 THEN t::text END AS query,"
	" CASE WHEN numnode(t) > 0 THEN search_query_lean(t)::text END AS lean,"
	" CASE WHEN $2::int IS NOT NULL THEN search_estimate(t, $2::int)"
	"   END AS estimate,"
	" (SELECT reltuples::bigint FROM pg_class"
	"   WHERE oid = 'services'::regclass) AS catalog"
	" FROM search_query($1) t" };

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
	if ((v = f->value[8]) != NULL && (!price_ok(v) || strtod(v, NULL) < 1 ||
	    strtod(v, NULL) > 5))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "min_rating must be a number from 1 to 5, such as 4.5"));
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

/* The planner's estimate of the match set's size, by q_estimate or, for
 * words alone, by q_estimate_words; -1 on error. */
static long
estimate(struct mkt_req *r, const char *const *params, bool words_alone)
{
	struct json_object	*plan, *rows;
	PGresult		*res;
	const char		*words[2] = { params[4], params[2] };

	res = words_alone ? mkt_db_exec_once(r, &q_estimate_words, words) :
	    mkt_db_exec(r, &q_estimate, params);
	if (res == NULL)
		return -1;
	plan = PQntuples(res) == 1 && PQnfields(res) == 1 ?
	    catalog_parse_json(r, PQgetvalue(res, 0, 0)) : NULL;
	if (plan == NULL || !json_object_is_type(plan, json_type_array) ||
	    !json_object_object_get_ex(json_object_object_get(
	    json_object_array_get_idx(plan, 0), "Plan"), "Plan Rows", &rows))
		return -1;
	return (long)json_object_get_double(rows);
}

/* The counts of a sample, scaled to the estimated whole. */
static void
scale_list(struct json_object *list, double factor)
{
	size_t	 i;

	for (i = 0; list != NULL && i < json_object_array_length(list); i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		int64_t n = json_object_get_int64(
		    json_object_object_get(e, "count"));

		json_object_object_add(e, "count", json_object_new_int64(
		    (int64_t)((double)n * factor + 0.5)));
	}
}

static void
scale_counts(struct json_object *facets, double factor)
{
	if (facets == NULL)
		return;
	json_object_object_foreach(facets, name, list) {
		(void)name;
		scale_list(list, factor);
	}
}

/*
 * The category list of a large match set: the sample's counts scaled to
 * the estimate of every category's matches (the total itself when no
 * category is chosen).  0, or -1 on a database error.
 */
static int
scale_categories(struct mkt_req *r, struct json_object *cats,
    const char *const *params, long matched_all, long total)
{
	const char	*all[NPARAMS];
	long		 whole = total;

	if (params[0] != NULL) {
		memcpy(all, params, sizeof(all));
		all[0] = NULL;
		if ((whole = estimate(r, all, false)) < 0)
			return -1;
	}
	if (whole < matched_all)
		whole = matched_all;
	scale_list(cats, (double)whole / (double)matched_all);
	return 0;
}

/* The share of the catalog whose matches a large search counts, as the
 * mask of the id's hash: the smallest that should hold enough of them
 * by the estimate; 0 when none does. */
static long
sample_mask(long est, bool words, long sample_words)
{
	long	 want = words ? sample_words : SAMPLE_LIST;
	size_t	 i;

	for (i = 0; i < sizeof(sample_masks) / sizeof(sample_masks[0]); i++)
		if (est / (sample_masks[i] + 1) >= want)
			return sample_masks[i];
	return 0;
}

/* What count_matches() counted: q_counts's rows, and their facets. */
struct counted {
	PGresult		*res;
	struct json_object	*facets;
	struct tier_counts	 tiers;		/* facets.c */
};

/* q_counts over at most take matches, of the share mask (0: of all);
 * by a statement planned once when the search is by_words and reads a
 * share, or unfiltered and reads every match.  0, or the status of the
 * failure. */
static int
count_matches(struct mkt_req *r, const char **params, long take, long mask,
    bool by_words, bool unfiltered, struct counted *c)
{
	const char		*limit = params[14], *offset = params[15];
	const struct mkt_sql	*q = &q_counts[params[0] != NULL];
	bool			 once = mask == 0 && unfiltered;
	size_t			 i;

	if (once)
		q = &q_counts_words;
	for (i = 0; by_words && i < sizeof(sample_masks) /
	    sizeof(sample_masks[0]); i++)
		if (sample_masks[i] == mask) {
			q = &q_counts_share[i];
			once = true;
		}
	params[14] = mkt_arena_printf(r->arena, "%ld", take);
	params[15] = mask > 0 ? mkt_arena_printf(r->arena, "%ld", mask) : NULL;
	c->res = once ? mkt_db_exec_once(r, q, params) :
	    mkt_db_exec(r, q, params);
	params[14] = limit;
	params[15] = offset;
	if (c->res == NULL)
		return mkt_fail_db(r);
	if ((c->facets = catalog_count_facets(r, c->res, &c->tiers)) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	return 0;
}

/*
 * How a search by relevance reads its tiers (names, heads, all
 * matches): the index of q_tiers or q_capped that costs the least, in
 * rows.  Walking the score index reads about k * catalog / n rows for
 * a tier of n matches (k: the end of the page).  Topping it reads the t
 * of them in the top set, and the n whole as well when t < k (by the
 * share's counts, t is trusted to hold k when it is 2k); each row read
 * costs read_cost rows walked (search_read_cost, in thousandths: at a
 * million services a row read, a bitmap then a sort, took 2.6-3.1 us
 * and a row walked, a heap row in the index's order with its vector
 * tested, 3.2-4.2 us; 750 instead of 1000 made words alone slower).
 * The tiers grow from names to all matches, and walking suits the large
 * ones: the forms top the first c tiers and walk the rest.
 */
#define NTIERS		3
static size_t
tier_form(double k, double catalog, const double n[NTIERS],
    const double top[NTIERS], double read_cost)
{
	double	 walk = k * catalog, cost, least = 0;
	size_t	 c, i, best = 0;

	for (c = 0; c <= NTIERS; c++) {
		cost = 0;
		for (i = 0; i < NTIERS; i++)
			cost += i >= c ? walk / n[i] : read_cost *
			    (top[i] + (top[i] < 2 * k ? n[i] : 0));
		if (c == 0 || cost < least) {
			least = cost;
			best = c;
		}
	}
	return best;
}

/*
 * A service of a search that saw every match, with what its page is
 * sorted by: the orders of q_page, whose ties fall by name and id in
 * the database's collation (name_order).
 */
struct ranked {
	const char	*id;
	double		 score, price, context;
	long		 name_order;
	bool		 priced, sized;
};

static int
by_name(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->name_order < y->name_order ? -1 :
	    x->name_order > y->name_order;
}

static int
by_price(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->priced != y->priced)		/* NULLS LAST */
		return x->priced ? -1 : 1;
	if (x->priced && x->price != y->price)
		return x->price < y->price ? -1 : 1;
	return by_name(a, b);
}

static int
by_context(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->sized != y->sized)		/* DESC NULLS LAST */
		return x->sized ? -1 : 1;
	if (x->sized && x->context != y->context)
		return x->context > y->context ? -1 : 1;
	return by_name(a, b);
}

static int
by_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return by_name(a, b);
}

/* In the order of sorts[]. */
static int (*const page_order[])(const void *, const void *) = {
	by_name, by_price, by_context, by_score
};

/*
 * The ids of the page, as a uuid[] literal, from q_counts's rows when
 * they are every match: the page without reading the matches again.
 * weight: the weight of relevance, as the statements take it.
 */
static const char *
exact_page_ids(struct mkt_req *r, PGresult *res, long si,
    const char *weight, long offset, long limit)
{
	struct ranked	*all;
	struct mkt_buf	 b;
	double		 w = strtod(weight, NULL);
	int		 rows = PQntuples(res), i, n = 0;
	int		 c_n = PQfnumber(res, "n"), c_id = PQfnumber(res, "id"),
			 c_rel = PQfnumber(res, "rel"),
			 c_rank = PQfnumber(res, "rank_static"),
			 c_price = PQfnumber(res, "price"),
			 c_ctx = PQfnumber(res, "context"),
			 c_order = PQfnumber(res, "name_order");
	const char	*ids;
	long		 k;

	if (c_n < 0 || c_id < 0 || c_rel < 0 || c_rank < 0 || c_price < 0 ||
	    c_ctx < 0 || c_order < 0)
		return NULL;
	all = mkt_arena_alloc(r->arena, ((size_t)rows + 1) * sizeof(*all));
	for (i = 0; i < rows; i++) {
		struct ranked	*e = &all[n];
		double		 rel;
		volatile double	 weighted;

		if (PQgetisnull(res, i, c_n))
			continue;	/* the row of no match */
		e->id = PQgetvalue(res, i, c_id);
		e->name_order = strtol(PQgetvalue(res, i, c_order), NULL, 10);
		/* As the statements compute it, weight * relevance + stored
		 * score, rounded twice as PostgreSQL's float8 operators do
		 * (volatile: a fused multiply-add would round once). */
		rel = PQgetisnull(res, i, c_rel) ? 0 :
		    strtod(PQgetvalue(res, i, c_rel), NULL);
		weighted = w * rel;
		e->score = weighted + strtod(PQgetvalue(res, i, c_rank), NULL);
		if ((e->priced = !PQgetisnull(res, i, c_price)))
			e->price = strtod(PQgetvalue(res, i, c_price), NULL);
		if ((e->sized = !PQgetisnull(res, i, c_ctx)))
			e->context = strtod(PQgetvalue(res, i, c_ctx), NULL);
		n++;
	}
	qsort(all, (size_t)n, sizeof(*all), page_order[si]);
	mkt_buf_init(&b);
	mkt_buf_putc(&b, '{');
	for (k = offset; k < n && k < offset + limit; k++) {
		if (k > offset)
			mkt_buf_putc(&b, ',');
		mkt_buf_puts(&b, all[k].id);
	}
	mkt_buf_putc(&b, '}');
	ids = mkt_arena_strdup(r->arena, b.ptr);
	mkt_buf_free(&b);
	return ids;
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
	const char		*text = NULL;	/* read_facets() */
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
	long			 total, matched, matched_all, pages, ttl, i,
				 n, si;
	char			 limit[24], offset[24], level[4], *key,
				 tier_k[24];
	long			 exact_max, est, take, mask, catalog = 0,
				 share_total = -1, sample_words,
				 words_estimate = -1;
	const struct mkt_sql	*page_sql;
	const char		*params[NPARAMS], *cached, *org, *by_ids[3],
				*tiers[9], *lean = NULL;
	const char *const	*page_params;
	struct counted		 counted;
	bool			 estimated = false, by_words, unfiltered,
				 page_once = false;
	double			 weights[MKT_SEARCH_WEIGHTS];
	int			 clearance, status;
	size_t			 k;
	struct json_object	*v, *services, *cats, *o, *paging, *links,
				*filters, *sortlist, *facets, *applied, *recs;
	size_t			 len;
	PGresult		*res;

	snprintf(limit, sizeof(limit), "%ld", per);
	snprintf(offset, sizeof(offset), "%ld", (page - 1) * per);
	exact_max = mkt_setting_long(r, "search_exact_max", 5000, 10, 1000000);
	sample_words = mkt_setting_long(r, "search_sample_words", 250, 10,
	    100000);
	/* A capped ranking needs, of each tier, as many as the page ends
	 * with. */
	snprintf(tier_k, sizeof(tier_k), "%ld", page * per);
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
	/* The person too, when signed in: the first page recommends from
	 * their own usage. */
	key = mkt_arena_printf(r->arena,
	    "catalog:list:%s:%d:%s:%s:%s:%ld:%ld:%d:%s:%s:%s%s", r->lang,
	    r->api, category ? category : "", provider ? provider : "", sort,
	    page, per, clearance, org ? org : "-",
	    r->user != NULL ? r->user->id : "-", q ? q : "", fk.ptr);
	mkt_buf_free(&fk);
	if (ttl > 0 && (cached = mkt_cache_get(r, key, &len)) != NULL &&
	    mkt_view_cached(r, cached, len) == MKT_OK) {
		if (q != NULL) {
			struct json_object *c = catalog_parse_json(r, cached), *pg2;

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
	params[2] = level;
	params[3] = org;
	params[4] = text;
	for (k = 0; k < NFACETS; k++)
		params[5 + k] = f.value[k];
	params[14] = limit;
	params[15] = offset;
	/* The weight of relevance; the other three are in the stored
	 * score. */
	mkt_search_weights(mkt_settings(r), weights);
	params[16] = mkt_arena_printf(r->arena, "%.3f", weights[0]);
	params[17] = tier_k;
	params[18] = params[19] = NULL;	/* set for q_capped */
	/* No filter at all, given or read from the words. */
	unfiltered = category == NULL && provider == NULL;
	for (k = 0; k < NFACETS; k++)
		if (params[5 + k] != NULL)
			unfiltered = false;
	if (text != NULL) {
		/* The estimate of q_words only serves a search by words
		 * alone: without a clearance it is not made. */
		const char *words[2] = { text, unfiltered ? level : NULL };

		if ((res = mkt_db_exec_once(r, &q_words, words)) == NULL)
			return mkt_fail_db(r);
		params[4] = mkt_db_isnull(res, 0, "query") ? NULL :
		    mkt_arena_strdup(r->arena, mkt_db_val(res, 0, "query"));
		lean = mkt_db_isnull(res, 0, "lean") ? NULL :
		    mkt_arena_strdup(r->arena, mkt_db_val(res, 0, "lean"));
		catalog = mkt_db_int(res, 0, "catalog");
		if (!mkt_db_isnull(res, 0, "estimate"))
			words_estimate = mkt_db_int(res, 0, "estimate");
	}
	/* Words, and no filter the full-text index holds (category,
	 * provider, $8 residency, $11 tag): a share's matches are counted
	 * by a statement planned once (q_counts_share).  Words and no
	 * filter at all: estimated from the services table alone. */
	by_words = params[4] != NULL && params[0] == NULL &&
	    params[1] == NULL && params[7] == NULL && params[10] == NULL;
	unfiltered = unfiltered && params[4] != NULL;
	/* The planner's estimate first (about a millisecond; for words
	 * alone, q_words's if it made one): a match set clearly too large
	 * to count is sampled only for the facet counts, not to
	 * exact_max + 1 rows, which would cost a read of every match
	 * through the full-text index. */
	est = unfiltered && words_estimate >= 0 ? words_estimate :
	    estimate(r, params, unfiltered);
	if (est < 0)
		return mkt_fail_db(r);
	mask = est > 2 * exact_max ? sample_mask(est, params[4] != NULL,
	    sample_words) : 0;
	take = est <= 2 * exact_max ? exact_max + 1 : mask > 0 ? SAMPLE_ROWS :
	    FACET_SAMPLE < exact_max ? FACET_SAMPLE : exact_max;
	if ((status = count_matches(r, params, take, mask, by_words,
	    unfiltered, &counted)) != 0)
		return status;
	if (mask > 0 && counted.tiers.matched < sample_words / 10) {
		/* The estimate was far off: too few in the share to scale
		 * (or most matches are services the reader may not see). */
		share_total = counted.tiers.matched * (mask + 1);
		mask = 0;
		take = FACET_SAMPLE < exact_max ? FACET_SAMPLE : exact_max;
		if ((status = count_matches(r, params, take, mask, by_words,
		    unfiltered, &counted)) != 0)
			return status;
	}
	res = counted.res;
	facets = counted.facets;
	matched = counted.tiers.matched;
	cats = catalog_parse_json(r, mkt_db_val(res, 0, "categories"));
	matched_all = category == NULL ? matched :
	    mkt_db_int(res, 0, "matched_all");
	total = matched;
	if (mask > 0) {
		/* A share of the catalog: each match stands for mask + 1;
		 * a share read only in part, for the estimate's share. */
		estimated = true;
		total = matched * (mask + 1);
		if (matched >= take && est > total)
			total = est;
		scale_counts(facets, (double)total / (double)matched);
		if (matched_all < take)
			scale_list(cats, category == NULL ?
			    (double)total / (double)matched :
			    (double)(mask + 1));
	} else if (matched >= take) {
		/* Not every match was seen: the estimate, and the counts of
		 * the first matches scaled to it.  After a share that held
		 * too few, the share's count rather than the estimate: the
		 * planner does not know which words the services the reader
		 * may not see have, and would count them in. */
		estimated = true;
		total = share_total >= 0 ? share_total : est;
		if (total < matched)
			total = matched;
		scale_counts(facets, (double)total / (double)matched);
	}
	if (matched_all >= take) {
		estimated = true;
		if (scale_categories(r, cats, params, matched_all, total) != 0)
			return mkt_fail_db(r);
	}
	page_sql = &q_page[si];
	page_params = params;
	if (mask == 0 && matched < take) {
		/* Every match was counted: the page is sorted from them. */
		if ((by_ids[0] = exact_page_ids(r, res, si, params[16],
		    (page - 1) * per, per)) == NULL)
			return mkt_fail(r, 500, "internal-error", NULL);
		by_ids[1] = params[4];
		by_ids[2] = params[16];
		page_sql = &q_page_ids;
		page_params = by_ids;
		page_once = true;
	} else if (si == SORT_RELEVANCE && params[4] != NULL) {
		/* Each tier walked or topped, as costs the least by the
		 * share's counts (tier_form()); a tier none of the sample
		 * is in counts as half a sample's worth. */
		const struct tier_counts *t = &counted.tiers;
		double	 unit = (double)total / (double)matched;
		const double size[NTIERS] = {
			((double)t->named + 0.5) * unit,
			((double)t->head + 0.5) * unit,
			(double)total };
		const double top[NTIERS] = {
			((double)t->top_named + 0.5) * unit,
			((double)t->top_head + 0.5) * unit,
			((double)t->top + 0.5) * unit };
		size_t	 form = tier_form((double)(page * per),
		    (double)catalog, size, top, (double)mkt_setting_long(r,
		    "search_read_cost", 1000, 1, 1000000) / 1000);

		/* "!" is the tsquery's NOT (a lexeme with one is quoted,
		 * and checked needlessly). */
		params[18] = strchr(params[4], '!') != NULL ? "true" : "false";
		if (unfiltered) {
			page_sql = &q_tiers[form];
			tiers[0] = params[2];
			tiers[1] = params[3];
			tiers[2] = params[4];
			tiers[3] = params[16];
			tiers[4] = params[14];
			tiers[5] = params[15];
			tiers[6] = params[17];
			tiers[7] = params[18];
			tiers[8] = lean;
			page_params = tiers;
			page_once = true;
		} else {
			page_sql = &q_capped[form];
			params[19] = lean;
			page_once = true;
		}
	}
	res = page_once ? mkt_db_exec_once(r, page_sql, page_params) :
	    mkt_db_exec(r, page_sql, page_params);
	if (res == NULL)
		return mkt_fail_db(r);
	services = catalog_parse_json(r, mkt_db_val(res, 0, "services"));
	if (services == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);

	v = mkt_view(r, NULL);
	n = (long)json_object_array_length(services);
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(services,
		    (size_t)i), *cat, *slug, *l;

		if (json_object_object_get_ex(s, "category", &cat))
			json_object_object_add(s, "category",
			    catalog_category(r, cat));
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
	/* Counts of a sample are estimates ("about"). */
	json_object_object_add(paging, "estimated",
	    json_object_new_boolean(estimated));
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
	/* The filters of the query string, each with its way back. */
	applied = json_object_new_array();
	for (k = 0; k < NFACETS; k++) {
		struct facets	 without = f;
		struct json_object *chip;

		if (!f.given[k])
			continue;
		without.given[k] = false;
		without.value[k] = NULL;
		chip = json_object_new_object();
		json_object_object_add(chip, "kind",
		    json_object_new_string(facet_names[k]));
		json_object_object_add(chip, "value",
		    json_object_new_string(f.value[k]));
		json_object_object_add(chip, "remove", page_link(r, 1,
		    mkt_param(r, "category")->s, provider, sort, per, q, deflt,
		    &without));
		json_object_array_add(applied, chip);
	}
	json_object_object_add(v, "applied", applied);
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
	recs = json_object_new_array();
	if (page == 1)
		recommend_for_reader(r, recs, NULL);
	json_object_object_add(v, "recommendations", recs);

	/* Few results: perhaps a typo.  The words are checked against the
	 * catalog's vocabulary; the suggestion keeps every filter. */
	if (text != NULL && total < 3) {
		const char *dp[2] = { text, level };

		if ((res = mkt_db_exec(r, &q_did_you_mean, dp)) == NULL)
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

