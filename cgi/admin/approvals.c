/* approvals.c: the administrators' approval queue for versions that
 * policy sent to a person (confidential, a provider's first, …) */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

static const char *const decisions[] = { "approve", "reject", NULL };

const struct mkt_param approval_params[] = {
	{ "decision",	MKT_P_ENUM, 0, 0, decisions },
	{ "reason",	MKT_P_TEXT, 0, 2000, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static const struct mkt_sql q_queue = { "admin_approvals", 0,
	"SELECT coalesce(json_agg(json_build_object('id', a.id,"
	"  'requested_at', a.requested_at, 'reasons', a.reasons,"
	"  'service', s.slug, 'name', s.name, 'provider', p.name,"
	"  'version', v.version, 'status', v.status,"
	"  'compliance_level', s.compliance_level,"
	"  'warnings', (SELECT coalesce(json_agg(x), '[]')"
	"     FROM jsonb_array_elements(v.report->'policy'->'violations') x))"
	"  ORDER BY a.requested_at, a.id), '[]')"
	" FROM approvals a JOIN service_versions v ON v.id = a.version_id"
	" JOIN services s ON s.id = v.service_id"
	" JOIN providers p ON p.id = s.provider_id"
	" WHERE a.decision IS NULL" };

static const struct mkt_sql q_decided = { "admin_approvals_decided", 0,
	"SELECT coalesce(json_agg(d ORDER BY d.decided_at DESC), '[]') FROM ("
	" SELECT a.decided_at, a.decision, a.reason, s.slug AS service,"
	"   s.name, v.version, u.display_name AS decided_by"
	" FROM approvals a JOIN service_versions v ON v.id = a.version_id"
	" JOIN services s ON s.id = v.service_id"
	" LEFT JOIN users u ON u.id = a.decided_by"
	" WHERE a.decision IS NOT NULL"
	" ORDER BY a.decided_at DESC LIMIT 20) d" };

/* GET /admin/approvals: what waits, oldest first, and the last
 * decisions. */
int
approvals_page(struct mkt_req *r)
{
	struct json_object	*v;
	PGresult		*res;

	v = mkt_view(r, NULL);
	if ((res = mkt_db_exec(r, &q_queue, NULL)) == NULL)
		return mkt_fail_db(r);
	json_object_object_add(v, "waiting",
	    json_tokener_parse(PQgetvalue(res, 0, 0)));
	if ((res = mkt_db_exec(r, &q_decided, NULL)) == NULL)
		return mkt_fail_db(r);
	json_object_object_add(v, "decided",
	    json_tokener_parse(PQgetvalue(res, 0, 0)));
	json_object_object_add(v, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	return 200;
}

static const struct mkt_sql q_get = { "admin_approval_get", 1,
	"SELECT a.version_id, a.decision, s.slug FROM approvals a"
	" JOIN service_versions v ON v.id = a.version_id"
	" JOIN services s ON s.id = v.service_id"
	" WHERE a.id = $1::uuid FOR UPDATE OF a" };

static const struct mkt_sql q_decide = { "admin_approval_decide", 4,
	"UPDATE approvals SET decision = $2, reason = $3,"
	"  decided_by = $4::uuid, decided_at = now() WHERE id = $1::uuid" };

/*
 * POST /admin/approvals/{id} (decision approve|reject, reason): approve
 * makes the version active (and queues its registration); reject sends
 * it to failed_validation with the reason, which the provider sees.  A
 * rejection needs a reason.  409 when already decided.
 */
int
approval_decide(struct mkt_req *r)
{
	const struct mkt_pval	*dec = mkt_param(r, "decision");
	const struct mkt_pval	*why = mkt_param(r, "reason");
	const char		*p[4], *vid;
	PGresult		*res;
	bool			 approve;
	enum mkt_err		 rc;

	if (!mkt_uuid_ok(mkt_route_arg(r, 0)))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such approval request"));
	if (!dec->present)
		return mkt_fail(r, 422, "invalid-input",
		    mkt_tr(r, "choose approve or reject"));
	approve = strcmp(dec->s, "approve") == 0;
	if (!approve && !why->present)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "say why the version is rejected: the provider reads it"));
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = mkt_route_arg(r, 0);
	if ((res = mkt_db_exec(r, &q_get, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such approval request"));
	}
	if (!mkt_db_isnull(res, 0, "decision")) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "conflict",
		    mkt_tr(r, "this request was decided already"));
	}
	vid = mkt_db_val(res, 0, "version_id");
	p[1] = approve ? "approved" : "rejected";
	p[2] = why->present ? why->s : NULL;
	p[3] = r->user->id;
	if (mkt_db_exec(r, &q_decide, p) == NULL)
		goto fail;
	rc = mkt_version_transition(r, vid, approve ? "active" :
	    "failed_validation", approve ? "approved" :
	    mkt_arena_printf(r->arena, "rejected: %s", why->s), NULL, NULL);
	if (rc == MKT_EINVAL) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "lifecycle", mkt_tr(r, "the version "
		    "is no longer waiting for approval"));
	}
	if (rc != MKT_OK || mkt_db_commit(r) != MKT_OK)
		goto fail;
	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, "/admin/approvals");
	json_object_object_add(mkt_view(r, NULL), "decision",
	    json_object_new_string(p[1]));
	return 200;
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}
