/* audit_log.c: the audit trail for auditors and administrators: the log
 * with filters, and the chain verified on demand */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

#define AUDIT_PER_PAGE	50

const struct mkt_param audit_params[] = {
	{ "actor",	MKT_P_TEXT, 0, 254, NULL },	/* email or user id */
	{ "action",	MKT_P_TEXT, 0, 100, NULL },	/* exact, or "user." */
	{ "resource",	MKT_P_TEXT, 0, 300, NULL },	/* type or type:id */
	{ "from",	MKT_P_TEXT, 0, 10, NULL },	/* YYYY-MM-DD, UTC */
	{ "to",		MKT_P_TEXT, 0, 10, NULL },	/* inclusive */
	{ "before",	MKT_P_INT,  1, INT64_MAX, NULL }, /* paging snapshot */
	{ "page",	MKT_P_INT,  1, 1000000, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * $1 actor id, $2 actor email, $3 action, $4 action prefix, $5 resource
 * type, $6 resource id, $7 from, $8 to (dates), $9 last seq to show (the
 * newest when NULL: later pages pass the first page's, so rows appended
 * meanwhile do not shift them), $10 offset, $11 limit.  The personal data
 * of audit_log_pii is never selected: only whether it is still held.
 */
static const struct mkt_sql q_audit = { "admin_audit_log", 11,
	"WITH top AS (SELECT coalesce($9::bigint,"
	"   (SELECT max(seq) FROM audit_log), 0) AS seq),"
	" f AS (SELECT a.* FROM audit_log a, top WHERE a.seq <= top.seq"
	"   AND ($1::text IS NULL OR a.actor_id = $1::uuid)"
	"   AND ($2::text IS NULL OR a.actor_id IN (SELECT u.id FROM users u"
	"        WHERE lower(u.email) = lower($2::text)))"
	"   AND ($3::text IS NULL OR a.action = $3::text)"
	"   AND ($4::text IS NULL OR left(a.action, length($4::text)) = $4::text)"
	"   AND ($5::text IS NULL OR a.resource_type = $5::text)"
	"   AND ($6::text IS NULL OR a.resource_id = $6::text)"
	"   AND ($7::text IS NULL OR"
	"        a.occurred_at >= $7::date::timestamp AT TIME ZONE 'UTC')"
	"   AND ($8::text IS NULL OR"
	"        a.occurred_at < ($8::date + 1)::timestamp AT TIME ZONE 'UTC'))"
	" SELECT json_build_object("
	"  'top', (SELECT seq FROM top),"
	"  'total', (SELECT count(*) FROM f),"
	"  'entries', (SELECT coalesce(json_agg(json_build_object("
	"     'seq', e.seq,"
	"     'at', to_char(e.occurred_at AT TIME ZONE 'UTC',"
	"           'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"     'actor', json_build_object('id', e.actor_id,"
	"        'type', e.actor_type,"
	"        'email', CASE WHEN u.email LIKE '%@erased.invalid' THEN NULL"
	"                 ELSE u.email END),"
	"     'action', e.action, 'resource_type', e.resource_type,"
	"     'resource_id', e.resource_id, 'request_id', e.request_id,"
	"     'client_addr', CASE WHEN p.client_addr IS NOT NULL"
	"        THEN 'recorded' WHEN e.client_addr_digest IS NOT NULL"
	"        THEN 'erased' END,"
	"     'user_agent', CASE WHEN p.user_agent IS NOT NULL"
	"        THEN 'recorded' WHEN e.user_agent_digest IS NOT NULL"
	"        THEN 'erased' END,"
	"     'details', e.details::text) ORDER BY e.seq DESC), '[]')"
	"   FROM (SELECT * FROM f ORDER BY seq DESC LIMIT $11::bigint"
	"         OFFSET $10::bigint) e"
	"   LEFT JOIN users u ON u.id = e.actor_id"
	"   LEFT JOIN audit_log_pii p ON p.seq = e.seq))" };

/* YYYY-MM-DD naming a real day (PostgreSQL would refuse the others). */
static bool
date_ok(const char *s)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 i, y, m, d;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	if (s[10] != '\0')
		return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return false;
	return true;
}

static int
bad_date(struct mkt_req *r, const char *name)
{
	struct json_object	*errors, *e;
	int			 status;

	errors = mkt_json_own(r, json_object_new_array());
	e = json_object_new_object();
	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "reason", json_object_new_string(
	    mkt_tr(r, "is not a date of the form YYYY-MM-DD")));
	json_object_array_add(errors, e);
	status = mkt_failf(r, 400, "invalid-parameter",
	    mkt_tr(r, "%s: is not a date of the form YYYY-MM-DD"), name);
	r->problem_extra = errors;
	return status;
}

static const char *
pstr(struct mkt_req *r, const char *name)
{
	const struct mkt_pval	*p = mkt_param(r, name);

	return p->present ? p->s : NULL;
}

/* "/admin/audit?page=N&actor=…" keeping the filters and the snapshot. */
static struct json_object *
page_link(struct mkt_req *r, long page, const char *const filters[5],
    const char *top)
{
	static const char *const names[5] = { "actor", "action", "resource",
	    "from", "to" };
	struct mkt_buf		 b;
	struct json_object	*o;
	size_t			 i;

	mkt_buf_init(&b);
	mkt_buf_printf(&b, "%s?page=%ld", r->api ? "/api/v1/admin/audit" :
	    "/admin/audit", page);
	for (i = 0; i < 5; i++)
		if (filters[i] != NULL) {
			mkt_buf_printf(&b, "&%s=", names[i]);
			mkt_esc_url(&b, filters[i]);
		}
	mkt_buf_printf(&b, "&before=%s", top);
	o = json_object_new_string(b.ptr);
	mkt_buf_free(&b);
	return o;
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/*
 * GET /admin/audit (auditor; administrators too)
 * Query: actor (email or user id), action (exact, or a prefix ending in
 * '.'), resource (type or type:id), from, to (YYYY-MM-DD, UTC, inclusive),
 * page, before (set by the paging links).  200 with the page of entries,
 * newest first, paging facts and links; 400 for a malformed date.
 */
int
audit_page(struct mkt_req *r)
{
	const struct mkt_pval	*pg = mkt_param(r, "page");
	const struct mkt_pval	*before = mkt_param(r, "before");
	const char		*actor = pstr(r, "actor");
	const char		*action = pstr(r, "action");
	const char		*resource = pstr(r, "resource");
	const char		*from = pstr(r, "from"), *to = pstr(r, "to");
	const char		*filters[5], *params[11], *colon, *top;
	char			 bbuf[24], offset[24], limit[24];
	long			 page = pg->present ? (long)pg->i : 1;
	long			 total, pages, n;
	struct json_object	*v, *o, *entries, *topo, *totalo, *paging,
				*links, *f;
	PGresult		*res;

	if (from != NULL && !date_ok(from))
		return bad_date(r, "from");
	if (to != NULL && !date_ok(to))
		return bad_date(r, "to");
	memset(params, 0, sizeof(params));
	if (actor != NULL) {
		if (mkt_uuid_ok(actor))
			params[0] = actor;
		else
			params[1] = actor;
	}
	if (action != NULL) {
		if (action[strlen(action) - 1] == '.')
			params[3] = action;
		else
			params[2] = action;
	}
	if (resource != NULL) {
		if ((colon = strchr(resource, ':')) != NULL) {
			if (colon > resource)
				params[4] = mkt_arena_strndup(r->arena,
				    resource, (size_t)(colon - resource));
			params[5] = colon + 1;
		} else
			params[4] = resource;
	}
	params[6] = from;
	params[7] = to;
	if (before->present) {
		snprintf(bbuf, sizeof(bbuf), "%lld", (long long)before->i);
		params[8] = bbuf;
	}
	snprintf(offset, sizeof(offset), "%ld", (page - 1) * AUDIT_PER_PAGE);
	snprintf(limit, sizeof(limit), "%d", AUDIT_PER_PAGE);
	params[9] = offset;
	params[10] = limit;

	if ((res = mkt_db_exec(r, &q_audit, params)) == NULL)
		return mkt_fail_db(r);
	if ((o = mkt_json_own(r, json_tokener_parse(PQgetvalue(res, 0, 0))))
	    == NULL || !json_object_object_get_ex(o, "entries", &entries) ||
	    !json_object_object_get_ex(o, "top", &topo) ||
	    !json_object_object_get_ex(o, "total", &totalo))
		return mkt_fail(r, 500, "internal-error", NULL);
	top = mkt_arena_strdup(r->arena, json_object_get_string(topo));
	total = (long)json_object_get_int64(totalo);
	n = (long)json_object_array_length(entries);

	v = mkt_view(r, NULL);
	f = json_object_new_object();
	json_object_object_add(f, "actor", str_or_null(actor));
	json_object_object_add(f, "action", str_or_null(action));
	json_object_object_add(f, "resource", str_or_null(resource));
	json_object_object_add(f, "from", str_or_null(from));
	json_object_object_add(f, "to", str_or_null(to));
	json_object_object_add(f, "before", json_object_new_string(top));
	json_object_object_add(v, "filters", f);
	json_object_object_add(v, "entries", json_object_get(entries));

	pages = total > 0 ? (total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE : 1;
	paging = json_object_new_object();
	json_object_object_add(paging, "number", json_object_new_int64(page));
	json_object_object_add(paging, "size",
	    json_object_new_int64(AUDIT_PER_PAGE));
	json_object_object_add(paging, "total_items",
	    json_object_new_int64(total));
	json_object_object_add(paging, "total_pages",
	    json_object_new_int64(pages));
	json_object_object_add(paging, "first_item", json_object_new_int64(
	    n > 0 ? (page - 1) * AUDIT_PER_PAGE + 1 : 0));
	json_object_object_add(paging, "last_item", json_object_new_int64(
	    n > 0 ? (page - 1) * AUDIT_PER_PAGE + n : 0));
	json_object_object_add(v, "page", paging);

	filters[0] = actor;
	filters[1] = action;
	filters[2] = resource;
	filters[3] = from;
	filters[4] = to;
	links = json_object_new_object();
	json_object_object_add(links, "self",
	    page_link(r, page, filters, top));
	json_object_object_add(links, "first", page_link(r, 1, filters, top));
	json_object_object_add(links, "prev", page > 1 ? page_link(r,
	    page - 1 < pages ? page - 1 : pages, filters, top) : NULL);
	json_object_object_add(links, "next", page < pages ?
	    page_link(r, page + 1, filters, top) : NULL);
	json_object_object_add(links, "last",
	    page_link(r, pages, filters, top));
	json_object_object_add(links, "verify", json_object_new_string(
	    r->api ? "/api/v1/admin/audit/verify" : "/admin/audit/verify"));
	json_object_object_add(v, "links", links);
	return 200;
}

/*
 * GET /admin/audit/verify (auditor)
 * Recomputes the whole chain now, through this worker's connection.
 * 200 either way: ok true with the rows verified and the head, or ok
 * false with the first bad seq and the reason; 503/500 when the check
 * could not run.
 */
int
audit_verify_page(struct mkt_req *r)
{
	struct mkt_audit_report	 rep;
	struct json_object	*v, *o;

	if (mkt_audit_verify(r, &rep) != MKT_OK)
		return mkt_fail_db(r);
	v = mkt_view(r, NULL);
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(rep.ok));
	json_object_object_add(o, "rows", json_object_new_int64(rep.rows));
	json_object_object_add(o, "head_seq",
	    json_object_new_int64(rep.head_seq));
	json_object_object_add(o, "head_hash",
	    json_object_new_string(rep.head_hash));
	json_object_object_add(o, "bad_seq", rep.ok ? NULL :
	    json_object_new_int64(rep.bad_seq));
	json_object_object_add(o, "reason", rep.ok ? NULL :
	    json_object_new_string(rep.reason));
	json_object_object_add(o, "elapsed_ms",
	    json_object_new_int64((int64_t)(rep.ms + 0.5)));
	json_object_object_add(o, "rows_per_second", rep.ms > 0 ?
	    json_object_new_int64((int64_t)((double)rep.rows * 1000.0 /
	    rep.ms + 0.5)) : NULL);
	json_object_object_add(v, "verify", o);
	json_object_object_add(v, "links_audit", json_object_new_string(
	    r->api ? "/api/v1/admin/audit" : "/admin/audit"));
	return 200;
}
