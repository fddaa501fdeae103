/* usage.c: a consumer's usage and spend, per day and per service, with a
 * chart drawn on the server (SVG in the page: no JavaScript)
 *
 * View model of "consume/usage": {"days": N, "currency",
 * "daily": [{"date", "requests", "tokens", "cost", "bar": {"x", "y",
 * "width", "height"}}], "services": [{"slug", "name", "requests",
 * "tokens", "cost", "failed"}], "total": {"requests", "tokens", "cost"},
 * "chart": {"width", "height", "max_cost"}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "consume.h"

#define CHART_W		720
#define CHART_H		180

const struct mkt_param usage_params[] = {
	{ "days",	MKT_P_INT, 1, 366, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* Every day of the period, with or without calls, oldest first. */
static const struct mkt_sql q_daily = { "usage_daily", 2,
	"SELECT to_char(d, 'YYYY-MM-DD') AS day,"
	"  count(u.id) AS requests,"
	"  coalesce(sum(u.tokens_in + u.tokens_out), 0) AS tokens,"
	"  coalesce(sum(u.cost), 0)::text AS cost,"
	"  (sum(coalesce(sum(u.cost), 0)) OVER ())::text AS total_cost"
	" FROM generate_series(current_date - ($2::int - 1), current_date,"
	"   interval '1 day') d"
	" LEFT JOIN usage_records u ON u.consumer_id = $1::uuid"
	"   AND u.occurred_at >= d AND u.occurred_at < d + interval '1 day'"
	" GROUP BY d ORDER BY d" };

static const struct mkt_sql q_services = { "usage_services", 2,
	"SELECT coalesce(json_agg(json_build_object('slug', x.slug,"
	"  'name', x.name, 'requests', x.requests, 'tokens', x.tokens,"
	"  'cost', x.cost::text, 'failed', x.failed)"
	"  ORDER BY x.cost DESC, x.requests DESC, x.name), '[]') AS services"
	" FROM (SELECT s.slug, s.name, count(*) AS requests,"
	"   sum(u.tokens_in + u.tokens_out) AS tokens, sum(u.cost) AS cost,"
	"   count(*) FILTER (WHERE u.status <> 'success') AS failed"
	"   FROM usage_records u JOIN services s ON s.id = u.service_id"
	"   WHERE u.consumer_id = $1::uuid"
	"     AND u.occurred_at >= current_date - ($2::int - 1)"
	"   GROUP BY s.id) x" };

int
usage_page(struct mkt_req *r)
{
	const struct mkt_pval	*pd = mkt_param(r, "days");
	long			 days = pd && pd->present ? (long)pd->i : 30;
	struct json_object	*v = mkt_view(r, NULL), *daily, *svcs, *d, *b,
				*chart, *total;
	const char		*params[2];
	PGresult		*res, *sres;
	double			 max = 0, c, slot;
	int64_t			 treq = 0, ttok = 0;
	int			 i, n, h;

	params[0] = r->user->id;
	params[1] = mkt_arena_printf(r->arena, "%ld", days);
	if ((res = mkt_db_exec(r, &q_daily, params)) == NULL ||
	    (sres = mkt_db_exec(r, &q_services, params)) == NULL)
		return mkt_fail_db(r);
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		if ((c = strtod(mkt_db_val(res, i, "cost"), NULL)) > max)
			max = c;
	slot = (double)CHART_W / (n > 0 ? n : 1);
	daily = json_object_new_array();
	for (i = 0; i < n; i++) {
		/* Money stays exact text; the bar's height may round. */
		c = strtod(mkt_db_val(res, i, "cost"), NULL);
		d = json_object_new_object();
		json_object_object_add(d, "date", json_object_new_string(
		    mkt_db_val(res, i, "day")));
		json_object_object_add(d, "requests", json_object_new_int64(
		    mkt_db_int(res, i, "requests")));
		json_object_object_add(d, "tokens", json_object_new_int64(
		    mkt_db_int(res, i, "tokens")));
		json_object_object_add(d, "cost", json_object_new_string(
		    mkt_db_val(res, i, "cost")));
		b = json_object_new_object();
		json_object_object_add(b, "x", json_object_new_int(
		    (int)(i * slot + slot * 0.1)));
		json_object_object_add(b, "width", json_object_new_int(
		    (int)(slot * 0.8) > 1 ? (int)(slot * 0.8) : 1));
		h = max > 0 ? (int)(c / max * (CHART_H - 20)) : 0;
		json_object_object_add(b, "height", json_object_new_int(h));
		json_object_object_add(b, "y", json_object_new_int(CHART_H - h));
		json_object_object_add(d, "bar", b);
		json_object_array_add(daily, d);
		treq += mkt_db_int(res, i, "requests");
		ttok += mkt_db_int(res, i, "tokens");
	}
	svcs = json_tokener_parse(mkt_db_val(sres, 0, "services"));
	chart = json_object_new_object();
	json_object_object_add(chart, "width", json_object_new_int(CHART_W));
	json_object_object_add(chart, "height", json_object_new_int(CHART_H));
	json_object_object_add(chart, "max_cost", json_object_new_string(
	    mkt_arena_printf(r->arena, "%.2f", max)));
	total = json_object_new_object();
	json_object_object_add(total, "requests", json_object_new_int64(treq));
	json_object_object_add(total, "tokens", json_object_new_int64(ttok));
	json_object_object_add(total, "cost", json_object_new_string(
	    n > 0 ? mkt_db_val(res, 0, "total_cost") : "0"));
	json_object_object_add(v, "days", json_object_new_int64(days));
	json_object_object_add(v, "currency", json_object_new_string("USD"));
	json_object_object_add(v, "daily", daily);
	json_object_object_add(v, "services", svcs);
	json_object_object_add(v, "total", total);
	json_object_object_add(v, "chart", chart);
	return 200;
}
