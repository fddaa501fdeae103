/* subscriptions.c: subscribing to a service's plan, cancelling, and the
 * approval of subscriptions that policy holds (FR-003)
 *
 * A subscription waits for approval when its plan asks for it or the
 * service is confidential; an administrator, or someone of the
 * provider's organisation, approves or rejects it.  Every change is
 * audited in its transaction.
 *
 * View model of "consume/subscriptions": {"subscriptions": [{"id",
 * "service": {"slug", "name"}, "plan": {"slug", "name", limits…},
 * "status", "for_organization", "mine" (the person subscribed it), "month":
 * {"requests", "tokens", "spent",
 * "reserved"}, "remaining": {"requests", "tokens", "budget"}}],
 * "organization": {"name", "monthly_budget", "spent", "reserved"} | null,
 * "notice"}; of "consume/subscribers": {"service", "subscribers": […]}.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "consume.h"

#define SUB_JSON							\
	"json_build_object('id', x.id, 'status', x.status,"		\
	"  'reason', x.reason, 'created_at', x.created_at,"		\
	"  'for_organization', x.organization_id IS NOT NULL,"		\
	"  'service', json_build_object('slug', s.slug, 'name', s.name),"	\
	"  'plan', json_build_object('slug', pl.slug, 'name', pl.name,"	\
	"    'requests_per_minute', pl.requests_per_minute,"		\
	"    'tokens_per_minute', pl.tokens_per_minute,"		\
	"    'monthly_requests', pl.monthly_requests,"			\
	"    'monthly_tokens', pl.monthly_tokens,"			\
	"    'monthly_budget', pl.monthly_budget::text, 'currency', pl.currency),"	\
	"  'month', json_build_object("					\
	"    'requests', CASE WHEN x.period = gateway_month() THEN x.requests ELSE 0 END," \
	"    'tokens', CASE WHEN x.period = gateway_month() THEN x.tokens ELSE 0 END," \
	"    'spent', (CASE WHEN x.period = gateway_month() THEN x.spent ELSE 0 END)::text," \
	"    'reserved', x.reserved::text),"					\
	"  'remaining', json_build_object("				\
	"    'requests', pl.monthly_requests - CASE WHEN x.period ="	\
	"      gateway_month() THEN x.requests ELSE 0 END,"		\
	"    'tokens', pl.monthly_tokens - CASE WHEN x.period ="	\
	"      gateway_month() THEN x.tokens ELSE 0 END,"		\
	"    'budget', (pl.monthly_budget - CASE WHEN x.period ="	\
	"      gateway_month() THEN x.spent ELSE 0 END - x.reserved)::text))"

static const struct mkt_sql q_list = { "subs_list", 2,
	"SELECT coalesce(json_agg((" SUB_JSON "::jsonb"
	"  || jsonb_build_object('mine', x.user_id = $1::uuid)) ORDER BY"
	"  x.status NOT IN ('active', 'pending'), s.name), '[]') AS subs"
	" FROM subscriptions x JOIN services s ON s.id = x.service_id"
	" JOIN plans pl ON pl.id = x.plan_id"
	" WHERE x.user_id = $1::uuid OR x.organization_id = $2::uuid" };

static const struct mkt_sql q_org = { "subs_org", 1,
	"SELECT json_build_object('name', o.name,"
	"  'monthly_budget', o.monthly_budget::text,"
	"  'spent', (CASE WHEN o.budget_period = gateway_month()"
	"    THEN o.budget_spent ELSE 0 END)::text,"
	"  'reserved', o.budget_reserved::text) AS org"
	" FROM organizations o WHERE o.id = $1::uuid" };

/* The service, if the person may see it and it can be subscribed to,
 * and the plan among those it offers. */
static const struct mkt_sql q_target = { "subs_target", 5,
	"SELECT s.id AS service_id, s.slug, s.compliance_level, pl.id AS plan_id,"
	"  pl.requires_approval OR s.compliance_level = 'confidential'"
	"    AS needs_approval"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" JOIN LATERAL service_plans(s.id) pl ON pl.slug = $2"
	" WHERE s.slug = $1 AND s.status IN ('active', 'deprecated')"
	"   AND service_visible(s.compliance_level, $3::int,"
	"     p.organization_id, $4::uuid) AND $5::text IS NOT NULL" };

static const struct mkt_sql q_insert = { "subs_insert", 5,
	"WITH x AS (INSERT INTO subscriptions (service_id, plan_id, user_id,"
	"  organization_id, status) VALUES ($1::uuid, $2::uuid, $3::uuid,"
	"  $4::uuid, $5) RETURNING *)"
	" SELECT x.id, " SUB_JSON " AS sub FROM x"
	" JOIN services s ON s.id = x.service_id JOIN plans pl ON pl.id = x.plan_id" };

static const struct mkt_sql q_get = { "subs_get", 1,
	"SELECT x.id, x.status, x.user_id, x.service_id, s.slug AS service_slug,"
	"  p.organization_id AS provider_org"
	" FROM subscriptions x JOIN services s ON s.id = x.service_id"
	" JOIN providers p ON p.id = s.provider_id"
	" WHERE x.id = $1::uuid FOR UPDATE OF x" };

static const struct mkt_sql q_set = { "subs_set", 4,
	"UPDATE subscriptions SET status = $2, reason = $3,"
	"  decided_at = CASE WHEN $2 IN ('active', 'rejected') THEN now()"
	"    ELSE decided_at END,"
	"  decided_by = CASE WHEN $2 IN ('active', 'rejected') THEN $4::uuid"
	"    ELSE decided_by END,"
	"  cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() END"
	" WHERE id = $1::uuid" };

static const struct mkt_sql q_subscribers = { "subs_subscribers", 4,
	"SELECT s.id, s.slug, s.name, coalesce((SELECT json_agg(json_build_object("
	"  'id', x.id, 'status', x.status, 'created_at', x.created_at,"
	"  'subscriber', u.display_name, 'organization', o.name,"
	"  'plan', pl.name,"
	"  'requests', CASE WHEN x.period = gateway_month() THEN x.requests ELSE 0 END,"
	"  'spent', (CASE WHEN x.period = gateway_month() THEN x.spent ELSE 0 END)::text)"
	"  ORDER BY x.status <> 'pending', x.created_at DESC)"
	"  FROM subscriptions x JOIN users u ON u.id = x.user_id"
	"  JOIN plans pl ON pl.id = x.plan_id"
	"  LEFT JOIN organizations o ON o.id = coalesce(x.organization_id,"
	"    u.organization_id)"
	"  WHERE x.service_id = s.id), '[]') AS subscribers"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" WHERE s.slug = $1 AND ($2::boolean OR p.organization_id = $3::uuid)"
	"   AND $4::text IS NOT NULL" };

const struct mkt_param subs_subscribers_params[] = {
	{ "service",	MKT_P_SLUG, 1, 128, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* The notices a page shows after a form (?notice=). */
static const char *const notices[] = { "subscribed", "pending",
    "cancelled", "approved", "rejected", NULL };

int
subs_list(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);
	const char		*params[2], *n;
	PGresult		*res, *org;

	params[0] = r->user->id;
	params[1] = r->user->org_id;
	if ((res = mkt_db_exec(r, &q_list, params)) == NULL)
		return mkt_fail_db(r);
	json_object_object_add(v, "subscriptions", json_tokener_parse(
	    mkt_db_val(res, 0, "subs")));
	if (r->user->org_id != NULL) {
		params[0] = r->user->org_id;
		if ((org = mkt_db_exec(r, &q_org, params)) == NULL)
			return mkt_fail_db(r);
		if (PQntuples(org) == 1)
			json_object_object_add(v, "organization",
			    json_tokener_parse(mkt_db_val(org, 0, "org")));
	}
	if ((n = mkt_arg_one_of(r, "notice", notices)) != NULL)
		json_object_object_add(v, "notice", json_object_new_string(n));
	json_object_object_add(v, "csrf", json_object_new_string(
	    mkt_csrf_token(r)));
	return 200;
}

int
subs_create(struct mkt_req *r)
{
	const char		*service, *plan, *who, *params[5], *status;
	struct json_object	*v, *details;
	bool			 bad = false, for_org;
	char			 clr[4];
	PGresult		*t, *res;

	service = mkt_body_field(r, "service", false, &bad);
	plan = mkt_body_field(r, "plan", false, &bad);
	who = mkt_body_field(r, "for", false, &bad);
	if (bad || service == NULL || !mkt_slug_ok(service, 128))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r, "name the "
		    "service to subscribe to (\"service\")"));
	if (plan == NULL)
		plan = "free";
	if (!mkt_slug_ok(plan, 32))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r, "\"plan\" "
		    "must name one of the service's plans"));
	if (who != NULL && strcmp(who, "me") != 0 &&
	    strcmp(who, "organization") != 0)
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r, "\"for\" "
		    "is \"me\" or \"organization\""));
	for_org = who != NULL && strcmp(who, "organization") == 0;
	if (for_org && r->user->org_id == NULL)
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r, "you "
		    "belong to no organisation; subscribe for yourself"));
	snprintf(clr, sizeof(clr), "%d", mkt_clearance(r));
	params[0] = service;
	params[1] = plan;
	params[2] = clr;
	params[3] = r->user->org_id;
	params[4] = "1";
	if ((t = mkt_db_exec(r, &q_target, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(t) != 1)
		return mkt_fail(r, 404, "not-found", mkt_tr(r, "there is no such "
		    "service, or it offers no such plan"));
	status = mkt_db_bool(t, 0, "needs_approval") ? "pending" : "active";
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	params[0] = mkt_db_val(t, 0, "service_id");
	params[1] = mkt_db_val(t, 0, "plan_id");
	params[2] = r->user->id;
	params[3] = for_org ? r->user->org_id : NULL;
	params[4] = status;
	if ((res = mkt_db_exec(r, &q_insert, params)) == NULL) {
		mkt_db_rollback(r);
		if (strcmp(mkt_db_sqlstate(r), "23505") == 0)
			return mkt_fail(r, 409, "conflict", mkt_tr(r, "you "
			    "already subscribe to this service; cancel that "
			    "subscription to change plan"));
		return mkt_fail_db(r);
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "service", json_object_new_string(
	    service));
	json_object_object_add(details, "plan", json_object_new_string(plan));
	json_object_object_add(details, "status", json_object_new_string(
	    status));
	json_object_object_add(details, "for_organization",
	    json_object_new_boolean(for_org));
	if (mkt_outbox_add(r, "analytics", "subscription_created",
	    "subscription", mkt_db_val(res, 0, "id"), details) != MKT_OK ||
	    mkt_audit(r, "subscription.create", "subscription",
	    mkt_db_val(res, 0, "id"), details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON) {
		v = mkt_view(r, NULL);
		json_object_object_add(v, "subscription", json_tokener_parse(
		    mkt_db_val(res, 0, "sub")));
		return 201;
	}
	return mkt_redirect(r, 303, strcmp(status, "active") == 0 ?
	    "/subscriptions?notice=subscribed" :
	    "/subscriptions?notice=pending");
}

/* Locks the subscription of the address; NULL after answering. */
static PGresult *
locked(struct mkt_req *r, int *status)
{
	const char	*params[1];

	params[0] = mkt_route_arg(r, 0);
	if (!mkt_uuid_ok(params[0])) {
		*status = mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such subscription"));
		return NULL;
	}
	return mkt_db_lock_row(r, &q_get, params,
	    mkt_tr(r, "there is no such subscription"), status);
}

static int
change(struct mkt_req *r, PGresult *x, const char *to, const char *reason,
    const char *action, const char *notice_word)
{
	const char		*params[4];
	struct json_object	*details, *v;

	params[0] = mkt_db_val(x, 0, "id");
	params[1] = to;
	params[2] = reason;
	params[3] = r->user->id;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "from", json_object_new_string(
	    mkt_db_val(x, 0, "status")));
	json_object_object_add(details, "to", json_object_new_string(to));
	if (reason != NULL)
		json_object_object_add(details, "reason",
		    json_object_new_string(reason));
	if (mkt_db_exec(r, &q_set, params) == NULL ||
	    mkt_audit(r, action, "subscription", params[0], details) !=
	    MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON) {
		v = mkt_view(r, NULL);
		json_object_object_add(v, "id", json_object_new_string(
		    params[0]));
		json_object_object_add(v, "status", json_object_new_string(to));
		return 200;
	}
	/* A decision goes back to the service's subscribers. */
	return mkt_redirect(r, 303, mkt_arena_printf(r->arena,
	    strchr(notice_word, '&') != NULL ?
	    "/subscriptions/subscribers?notice=%s" : "/subscriptions?notice=%s",
	    notice_word));
}

int
subs_cancel(struct mkt_req *r)
{
	PGresult	*x;
	int		 status;

	if ((x = locked(r, &status)) == NULL)
		return status;
	if (strcmp(mkt_db_val(x, 0, "user_id"), r->user->id) != 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such subscription among yours"));
	}
	if (strcmp(mkt_db_val(x, 0, "status"), "active") != 0 &&
	    strcmp(mkt_db_val(x, 0, "status"), "pending") != 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "conflict",
		    mkt_tr(r, "this subscription is not active"));
	}
	return change(r, x, "cancelled", NULL, "subscription.cancel",
	    "cancelled");
}

/* POST /subscriptions/{id}/approve or …/reject (route arg 1 says). */
int
subs_decide(struct mkt_req *r)
{
	PGresult	*x;
	const char	*decision = mkt_route_arg(r, 1), *reason, *org;
	bool		 approve, bad = false;
	int		 status;

	approve = strcmp(decision, "approve") == 0;
	if (!approve && strcmp(decision, "reject") != 0)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is nothing at this address"));
	reason = mkt_trim(r->arena, mkt_body_field(r, "reason", false, &bad));
	if (bad || (reason != NULL && strlen(reason) > 1000))
		return mkt_fail(r, 400, "invalid-parameter",
		    mkt_tr(r, "the reason must be text of at most 1000 bytes"));
	if ((x = locked(r, &status)) == NULL)
		return status;
	org = mkt_db_val(x, 0, "provider_org");
	if (!mkt_has_role(r->user, MKT_ROLE_ADMIN) &&
	    (r->user->org_id == NULL || org == NULL ||
	    strcmp(org, r->user->org_id) != 0 ||
	    !mkt_has_role(r->user, MKT_ROLE_PROVIDER))) {
		mkt_db_rollback(r);
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "only the "
		    "service's provider or an administrator decides on its "
		    "subscriptions"));
	}
	if (strcmp(mkt_db_val(x, 0, "status"), "pending") != 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "conflict",
		    mkt_tr(r, "this subscription is not waiting for a "
		    "decision"));
	}
	return change(r, x, approve ? "active" : "rejected", reason,
	    approve ? "subscription.approve" : "subscription.reject",
	    mkt_arena_printf(r->arena, approve ? "approved&service=%s" :
	    "rejected&service=%s", mkt_db_val(x, 0, "service_slug")));
}

int
subs_subscribers(struct mkt_req *r)
{
	const struct mkt_pval	*svc = mkt_param(r, "service");
	struct json_object	*v = mkt_view(r, NULL), *s;
	const char		*params[4], *n;
	PGresult		*res;

	if (svc == NULL || !svc->present)
		return mkt_fail(r, 400, "invalid-parameter",
		    mkt_tr(r, "name the service (?service=…)"));
	params[0] = svc->s;
	params[1] = mkt_has_role(r->user, MKT_ROLE_ADMIN) ? "true" : "false";
	params[2] = r->user->org_id;
	params[3] = "1";
	if ((res = mkt_db_exec(r, &q_subscribers, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) != 1)
		return mkt_fail(r, 404, "not-found", mkt_tr(r, "there is no such "
		    "service among those you provide"));
	s = json_object_new_object();
	json_object_object_add(s, "slug", json_object_new_string(
	    mkt_db_val(res, 0, "slug")));
	json_object_object_add(s, "name", json_object_new_string(
	    mkt_db_val(res, 0, "name")));
	json_object_object_add(v, "service", s);
	json_object_object_add(v, "subscribers", json_tokener_parse(
	    mkt_db_val(res, 0, "subscribers")));
	if ((n = mkt_arg_one_of(r, "notice", notices)) != NULL)
		json_object_object_add(v, "notice", json_object_new_string(n));
	json_object_object_add(v, "csrf", json_object_new_string(
	    mkt_csrf_token(r)));
	return 200;
}
