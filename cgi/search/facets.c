/* facets.c: the facet counts of a search, counted from the matching
 * services (or the sample of them) that q_counts (list.c) returns, one
 * row each (the providers' facet by q_counts itself).  Grouping them in
 * SQL cost a millisecond of planning at every search and 3-6 ms for a
 * thousand rows; here it is a pass over the rows with a small hash
 * table per facet. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

#define SEPARATOR	'\x1f'	/* between an array's elements (q_counts) */

/* One value of a categorical facet and how many services have it. */
struct counted {
	const char	*value;
	long		 count;
};

/* Open addressing over the values; the table is twice as large as the
 * values it holds, at least. */
struct tally {
	struct counted	*slot;
	size_t		 size, used;
};

static void
tally_init(struct mkt_arena *a, struct tally *t, size_t size)
{
	t->size = size;
	t->used = 0;
	t->slot = mkt_arena_zalloc(a, size * sizeof(*t->slot));
}

/* The slot of value in t: its own, or the empty one it would take. */
static size_t
tally_slot(const struct tally *t, const char *value)
{
	size_t	 i = mkt_fnv1a(MKT_FNV1A_BASIS, value) & (t->size - 1);

	while (t->slot[i].value != NULL && strcmp(t->slot[i].value, value) != 0)
		i = (i + 1) & (t->size - 1);
	return i;
}

static void
tally_add(struct mkt_arena *a, struct tally *t, const char *value)
{
	size_t	 i;

	if (2 * (t->used + 1) > t->size) {
		struct tally	 bigger;

		tally_init(a, &bigger, 2 * t->size);
		for (i = 0; i < t->size; i++)
			if (t->slot[i].value != NULL) {
				bigger.slot[tally_slot(&bigger,
				    t->slot[i].value)] = t->slot[i];
				bigger.used++;
			}
		*t = bigger;
	}
	i = tally_slot(t, value);
	if (t->slot[i].value != NULL) {
		t->slot[i].count++;
		return;
	}
	t->slot[i].value = value;
	t->slot[i].count = 1;
	t->used++;
}

/* Commonest first; among equals by value, in byte order as the
 * database's C.UTF-8 collation would. */
static int
by_count(const void *a, const void *b)
{
	const struct counted *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* The FACET_TOP commonest values: [{value, count}, …]. */
static struct json_object *
tally_top(struct mkt_arena *a, const struct tally *t)
{
	struct json_object	*list = json_object_new_array();
	struct counted		*all;
	size_t			 i, n = 0;

	if (t->used == 0)
		return list;
	all = mkt_arena_alloc(a, t->used * sizeof(*all));
	for (i = 0; i < t->size; i++)
		if (t->slot[i].value != NULL)
			all[n++] = t->slot[i];
	qsort(all, n, sizeof(*all), by_count);
	for (i = 0; i < n && i < FACET_TOP; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "value",
		    json_object_new_string(all[i].value));
		json_object_object_add(o, "count",
		    json_object_new_int64(all[i].count));
		json_object_array_add(list, o);
	}
	return list;
}

/* Every element of an array q_counts joined with SEPARATOR. */
static void
tally_elements(struct mkt_arena *a, struct tally *t, const char *joined)
{
	char	*s = mkt_arena_strdup(a, joined), *next;

	for (;;) {
		if ((next = strchr(s, SEPARATOR)) != NULL)
			*next = '\0';
		tally_add(a, t, s);
		if (next == NULL)
			break;
		s = next + 1;
	}
}

/*
 * The threshold facets: a value counts the services at or under it
 * (price, latency) or at or over it (context, rating), in this order,
 * and is shown when some service meets it.
 */
enum measure { PRICE, CONTEXT, LATENCY, RATING, NMEASURES };

static const struct threshold {
	enum measure	 measure;
	const char	*value;
	double		 limit;
} thresholds[] = {
	{ PRICE, "0.1", 0.1 }, { PRICE, "1", 1 }, { PRICE, "5", 5 },
	{ PRICE, "20", 20 },
	{ CONTEXT, "32000", 32000 }, { CONTEXT, "128000", 128000 },
	{ CONTEXT, "200000", 200000 }, { CONTEXT, "1000000", 1000000 },
	{ LATENCY, "1000", 1000 }, { LATENCY, "2000", 2000 },
	{ LATENCY, "5000", 5000 }, { LATENCY, "30000", 30000 },
	{ RATING, "3", 3 }, { RATING, "4", 4 }, { RATING, "4.5", 4.5 },
};
#define NTHRESHOLDS	(sizeof(thresholds) / sizeof(thresholds[0]))

static const char *const measure_facet[NMEASURES] = {
	"max_price", "min_context", "max_latency", "min_rating"
};
static const char *const measure_column[NMEASURES] = {
	"price", "context", "latency", "rating"
};

static bool
meets(const struct threshold *t, double v)
{
	return t->measure == PRICE || t->measure == LATENCY ?
	    v <= t->limit : v >= t->limit;
}

/* The categorical facets, in the order the page lists them with the
 * threshold ones. */
enum category { TAG, COMPLIANCE, CERTIFICATION, RESIDENCY, STATUS,
	NCATEGORIES };

/*
 * The facets of the rows of res (q_counts: one row per service counted,
 * or a single row of NULLs when none was): an object of the facets of
 * FACETS_ORDER, each a list of {value, [name,] count}; and in *tiers
 * how many are in each tier (search.h).  NULL when res has not the
 * columns of q_counts, or its providers' facet is not a list.
 */
struct json_object *
catalog_count_facets(struct mkt_req *r, PGresult *res,
    struct tier_counts *tiers)
{
	struct tally		 t[NCATEGORIES];
	long			 met[NTHRESHOLDS];
	int			 col[NCATEGORIES], measure[NMEASURES], n_col,
				 providers_col, eu_col, head_col, in_name_col,
				 top_col;
	int			 i, rows = PQntuples(res);
	size_t			 k;
	struct json_object	*facets, *providers = NULL;
	static const char *const columns[NCATEGORIES] = {
		"tags", "compliance_level", "certifications", "residency",
		"status"
	};

	for (k = 0; k < NCATEGORIES; k++) {
		tally_init(r->arena, &t[k], 32);
		if ((col[k] = PQfnumber(res, columns[k])) < 0)
			return NULL;
	}
	for (k = 0; k < NMEASURES; k++)
		if ((measure[k] = PQfnumber(res, measure_column[k])) < 0)
			return NULL;
	if ((n_col = PQfnumber(res, "n")) < 0 ||
	    (providers_col = PQfnumber(res, "providers")) < 0 ||
	    (eu_col = PQfnumber(res, "eu")) < 0 ||
	    (head_col = PQfnumber(res, "head")) < 0 ||
	    (in_name_col = PQfnumber(res, "in_name")) < 0 ||
	    (top_col = PQfnumber(res, "top")) < 0)
		return NULL;
	memset(met, 0, sizeof(met));
	memset(tiers, 0, sizeof(*tiers));
	for (i = 0; i < rows; i++) {
		double	 v[NMEASURES];
		bool	 known[NMEASURES], top;

		if (PQgetisnull(res, i, n_col))
			continue;	/* the row of no match */
		top = *PQgetvalue(res, i, top_col) == 't';
		tiers->matched++;
		tiers->top += top;
		if (*PQgetvalue(res, i, head_col) == 't') {
			tiers->head++;
			tiers->top_head += top;
		}
		if (*PQgetvalue(res, i, in_name_col) == 't') {
			tiers->named++;
			tiers->top_named += top;
		}
		for (k = TAG; k < NCATEGORIES; k++) {
			if (PQgetisnull(res, i, col[k]))
				continue;
			if (k == COMPLIANCE || k == STATUS)
				tally_add(r->arena, &t[k],
				    PQgetvalue(res, i, col[k]));
			else
				tally_elements(r->arena, &t[k],
				    PQgetvalue(res, i, col[k]));
		}
		/* In the EU without saying "EU": a member state. */
		if (*PQgetvalue(res, i, eu_col) == 't')
			tally_add(r->arena, &t[RESIDENCY], "EU");
		for (k = 0; k < NMEASURES; k++) {
			known[k] = !PQgetisnull(res, i, measure[k]);
			v[k] = known[k] ? strtod(PQgetvalue(res, i,
			    measure[k]), NULL) : 0;
		}
		for (k = 0; k < NTHRESHOLDS; k++)
			if (known[thresholds[k].measure] &&
			    meets(&thresholds[k], v[thresholds[k].measure]))
				met[k]++;
	}

	/* The providers' facet is counted by q_counts itself, in its first
	 * row: [{value, name, count}, …], NULL when none was counted. */
	if (rows > 0 && !PQgetisnull(res, 0, providers_col) &&
	    ((providers = json_tokener_parse(PQgetvalue(res, 0,
	    providers_col))) == NULL ||
	    !json_object_is_type(providers, json_type_array))) {
		json_object_put(providers);
		return NULL;
	}
	facets = mkt_json_own(r, json_object_new_object());
	json_object_object_add(facets, "provider", providers != NULL ?
	    providers : json_object_new_array());
	json_object_object_add(facets, "tag", tally_top(r->arena, &t[TAG]));
	json_object_object_add(facets, "compliance", tally_top(r->arena,
	    &t[COMPLIANCE]));
	json_object_object_add(facets, "certification", tally_top(r->arena,
	    &t[CERTIFICATION]));
	json_object_object_add(facets, "residency", tally_top(r->arena,
	    &t[RESIDENCY]));
	for (k = 0; k < NMEASURES; k++) {
		struct json_object	*list = json_object_new_array();
		size_t			 j;

		for (j = 0; j < NTHRESHOLDS; j++) {
			struct json_object *o;

			if (thresholds[j].measure != (enum measure)k ||
			    met[j] == 0)
				continue;
			o = json_object_new_object();
			json_object_object_add(o, "value",
			    json_object_new_string(thresholds[j].value));
			json_object_object_add(o, "count",
			    json_object_new_int64(met[j]));
			json_object_array_add(list, o);
		}
		json_object_object_add(facets, measure_facet[k], list);
		if (k == LATENCY)
			json_object_object_add(facets, "status",
			    tally_top(r->arena, &t[STATUS]));
	}
	return facets;
}
