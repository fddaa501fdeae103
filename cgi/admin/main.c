/* main.c: mkt-admin: sign-in and accounts now; approvals, policies,
 * users and the audit trail next */
#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

static const struct mkt_sql q_overview = { "admin_overview", 0,
	"SELECT json_build_object("
	" 'users', (SELECT count(*) FROM users),"
	" 'organizations', (SELECT count(*) FROM organizations),"
	" 'providers', (SELECT count(*) FROM providers),"
	" 'sessions_active', (SELECT count(*) FROM sessions"
	"    WHERE revoked_at IS NULL AND idle_expires_at > now()"
	"      AND expires_at > now()),"
	" 'services', (SELECT coalesce(json_agg(json_build_object("
	"    'status', status, 'count', n) ORDER BY n DESC), '[]')"
	"    FROM (SELECT status, count(*) AS n FROM services"
	"          GROUP BY status) s))" };

/* GET /admin: counts an administrator checks first. */
static int
overview(struct mkt_req *r)
{
	struct json_object	*v, *o;
	PGresult		*res;

	if ((res = mkt_db_exec(r, &q_overview, NULL)) == NULL)
		return mkt_fail_db(r);
	if ((o = json_tokener_parse(PQgetvalue(res, 0, 0))) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "overview", o);
	return 200;
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/login", MKT_FMT_HTML, MKT_ROLE_ANON, login_page,
	  "admin/login", NULL, login_params },
	{ MKT_POST, "/login", MKT_FMT_HTML, MKT_ROLE_ANON, login_submit,
	  "admin/login", NULL, login_params },
	{ MKT_POST, "/logout", MKT_FMT_BOTH, MKT_ROLE_USER, logout_submit,
	  NULL, NULL, NULL },
	{ MKT_GET, "/account", MKT_FMT_BOTH, MKT_ROLE_USER, account_page,
	  "admin/account", NULL, NULL },
	{ MKT_GET, "/account/export", MKT_FMT_JSON, MKT_ROLE_USER,
	  account_export, NULL, NULL, NULL },
	{ MKT_POST, "/account/sessions/{id}/revoke", MKT_FMT_BOTH,
	  MKT_ROLE_USER, session_revoke, NULL, NULL, NULL },
	{ MKT_GET, "/admin", MKT_FMT_BOTH, MKT_ROLE_ADMIN, overview,
	  "admin/overview", "admin", NULL },
	{ MKT_GET, "/admin/audit", MKT_FMT_BOTH, MKT_ROLE_AUDITOR, audit_page,
	  "admin/audit", "admin", audit_params },
	{ MKT_GET, "/admin/audit/verify", MKT_FMT_BOTH, MKT_ROLE_AUDITOR,
	  audit_verify_page, "admin/audit-verify", "admin", NULL },
	{ MKT_GET, "/admin/users", MKT_FMT_BOTH, MKT_ROLE_ADMIN, users_page,
	  "admin/users", "admin", users_params },
	{ MKT_POST, "/admin/users", MKT_FMT_BOTH, MKT_ROLE_ADMIN, user_create,
	  "admin/users", "admin", user_create_params },
	{ MKT_POST, "/admin/users/{id}", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  user_update, NULL, "admin", user_update_params },
	{ MKT_POST, "/admin/users/{id}/erase", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  user_erase, NULL, "admin", NULL },
	{ MKT_GET, "/admin/organizations", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  orgs_page, "admin/organizations", "admin", NULL },
	{ MKT_POST, "/admin/organizations", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  org_create, NULL, "admin", org_params },
	{ MKT_POST, "/admin/organizations/{slug}", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  org_rename, NULL, "admin", org_params },
	{ MKT_POST, "/admin/organizations/{slug}/delete", MKT_FMT_BOTH,
	  MKT_ROLE_ADMIN, org_delete, NULL, "admin", NULL },
	{ MKT_POST, "/admin/organizations/{slug}/merge", MKT_FMT_BOTH,
	  MKT_ROLE_ADMIN, org_merge, NULL, "admin", org_merge_params },
	{ MKT_POST, "/admin/organizations/{slug}/budget", MKT_FMT_BOTH,
	  MKT_ROLE_ADMIN, org_budget, NULL, "admin", NULL },
	{ MKT_GET, "/admin/policies", MKT_FMT_BOTH, MKT_ROLE_AUDITOR,
	  policies_page, "admin/policies", "admin", NULL },
	{ MKT_POST, "/admin/policies", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  policy_put, NULL, "admin", policy_params },
	{ MKT_POST, "/admin/policies/{id}", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  policy_put, NULL, "admin", policy_params },
	{ MKT_GET, "/admin/approvals", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  approvals_page, "admin/approvals", "admin", NULL },
	{ MKT_POST, "/admin/approvals/{id}", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  approval_decide, NULL, "admin", approval_params },
	{ MKT_GET, "/admin/reviews", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  reviews_page, "admin/reviews", "admin", reviews_params },
	{ MKT_POST, "/admin/reviews/{id}/hide", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  review_hide, NULL, "admin", NULL },
	{ MKT_POST, "/admin/reviews/{id}/unhide", MKT_FMT_BOTH, MKT_ROLE_ADMIN,
	  review_unhide, NULL, "admin", NULL },
	{ MKT_GET, "/health/admin", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"admin",
	"Serves sign-in, accounts and administration",
	routes,
	NULL, NULL
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
