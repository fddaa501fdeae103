/* account.c: sign-in, sign-out and "my account" (sessions, revoke) */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

const struct mkt_param login_params[] = {
	{ "email",	MKT_P_TEXT, 0, 254, NULL },
	{ "password",	MKT_P_TEXT, 0, 1024, NULL },
	{ "next",	MKT_P_TEXT, 0, 512, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static const struct mkt_sql q_user_by_email = { "admin_user_by_email", 1,
	"SELECT id, password_hash, status FROM users"
	" WHERE lower(email) = lower($1)" };

static const struct mkt_sql q_account = { "admin_account", 2,
	"SELECT json_build_object("
	"  'id', u.id, 'email', u.email, 'name', u.display_name,"
	"  'organization', (SELECT json_build_object('slug', o.slug,"
	"     'name', o.name) FROM organizations o"
	"     WHERE o.id = u.organization_id),"
	"  'roles', u.roles, 'last_login_at', u.last_login_at,"
	"  'sessions', (SELECT coalesce(json_agg(json_build_object("
	"     'id', s.id, 'created_at', s.created_at,"
	"     'last_seen_at', s.last_seen_at, 'user_agent', s.user_agent,"
	"     'client_addr', host(s.client_addr),"
	"     'current', s.id = $2::uuid) ORDER BY s.created_at DESC), '[]')"
	"     FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL"
	"       AND s.idle_expires_at > now() AND s.expires_at > now()))"
	" FROM users u WHERE u.id = $1::uuid" };

/* Only a local path may follow sign-in: "/x", never "//host" or "http:". */
static const char *
safe_next(const struct mkt_pval *next)
{
	if (!next->present || next->s[0] != '/' || next->s[1] == '/' ||
	    next->s[1] == '\\' || strpbrk(next->s, "\r\n") != NULL)
		return "/services";
	return next->s;
}

static int
login_form(struct mkt_req *r, int status, const char *email,
    const char *next, const char *error)
{
	struct json_object	*v = mkt_view(r, "admin/login"), *l;

	l = json_object_new_object();
	json_object_object_add(l, "email",
	    json_object_new_string(email ? email : ""));
	json_object_object_add(l, "next", json_object_new_string(next));
	json_object_object_add(l, "csrf",
	    json_object_new_string(mkt_csrf_token(r)));
	json_object_object_add(l, "error",
	    error ? json_object_new_string(error) : NULL);
	json_object_object_add(v, "login", l);
	return status;
}

/* GET /login: the sign-in form (signed-in users go where they wanted). */
int
login_page(struct mkt_req *r)
{
	const char	*next = safe_next(mkt_param(r, "next"));

	if (r->user != NULL)
		return mkt_redirect(r, 303, next);
	return login_form(r, 200, NULL, next, NULL);
}

/*
 * POST /login (email, password, next, csrf)
 * 303 to next with a new session on success; 401 with the form and one
 * message for every failure (unknown account, wrong password, disabled:
 * no account enumeration); 429 after too many failures per account or
 * address.  The sign-in is audited in the transaction creating the
 * session.
 */
int
login_submit(struct mkt_req *r)
{
	const struct mkt_pval	*email = mkt_param(r, "email");
	const struct mkt_pval	*pw = mkt_param(r, "password");
	const char		*next = safe_next(mkt_param(r, "next"));
	const char		*params[1], *stored = NULL, *uid = NULL;
	struct json_object	*details;
	PGresult		*res;
	bool			 ok;
	int			 wait;

	if (!email->present || !pw->present)
		return login_form(r, 400, email->present ? email->s : NULL,
		    next, mkt_tr(r, "enter your email address and password"));
	if ((wait = mkt_login_throttle(r, email->s, false)) > 0) {
		mkt_header(r, "Retry-After", "%d", wait);
		return login_form(r, 429, email->s, next, mkt_tr(r,
		    "too many failed sign-in attempts; wait 15 minutes "
		    "and try again"));
	}
	params[0] = email->s;
	if ((res = mkt_db_exec(r, &q_user_by_email, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 1 && strcmp(mkt_db_val(res, 0, "status"),
	    "active") == 0) {
		stored = mkt_db_val(res, 0, "password_hash");
		uid = mkt_db_val(res, 0, "id");
	}
	/* Always one full derivation, whether the account exists or not. */
	ok = mkt_password_verify(pw->s, stored) && uid != NULL;
	if (!ok) {
		mkt_login_throttle(r, email->s, true);
		return login_form(r, 401, email->s, next,
		    mkt_tr(r, "the email address or password is not correct"));
	}
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	details = mkt_json_own(r, json_object_new_object());
	if (mkt_session_start(r, uid) != MKT_OK ||
	    mkt_audit(r, "user.sign_in", "user", uid, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		mkt_headers_clear(r);	/* no cookie for a session not made */
		return mkt_fail_db(r);
	}
	return mkt_redirect(r, 303, next);
}

/* POST /logout (csrf): ends this session for good, then the catalog. */
int
logout_submit(struct mkt_req *r)
{
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if (mkt_session_revoke(r, r->user->session, r->user->id) != MKT_OK ||
	    mkt_audit(r, "user.sign_out", "session", r->user->session,
	    NULL) != MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	mkt_session_clear_cookie(r);
	return mkt_redirect(r, 303, "/services");
}

/* GET /account: who I am, my roles and organisation, my live sessions. */
int
account_page(struct mkt_req *r)
{
	const char		*params[2] = { r->user->id, r->user->session };
	struct json_object	*v, *a, *roles, *labelled, *sessions;
	PGresult		*res;
	size_t			 i, n;

	if ((res = mkt_db_exec(r, &q_account, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) != 1 ||
	    (a = json_tokener_parse(PQgetvalue(res, 0, 0))) == NULL)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "this account no longer exists"));
	v = mkt_view(r, NULL);
	json_object_object_add(v, "account", a);
	json_object_object_add(v, "csrf",
	    json_object_new_string(r->user->csrf ? r->user->csrf : ""));
	labelled = json_object_new_array();
	json_object_object_get_ex(a, "roles", &roles);
	n = roles ? json_object_array_length(roles) : 0;
	for (i = 0; i < n; i++) {
		const char *name = json_object_get_string(
		    json_object_array_get_idx(roles, i)), *label;
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		if ((label = mkt_role_label(r, name)) != NULL)
			json_object_object_add(o, "label",
			    json_object_new_string(label));
		json_object_array_add(labelled, o);
	}
	json_object_object_add(a, "roles", labelled);
	json_object_object_get_ex(a, "sessions", &sessions);
	n = sessions ? json_object_array_length(sessions) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(sessions, i),
		    *id;

		json_object_object_get_ex(s, "id", &id);
		json_object_object_add(s, "revoke", json_object_new_string(
		    mkt_link(r, "/account/sessions/%s/revoke",
		    json_object_get_string(id))));
	}
	return 200;
}

/*
 * POST /account/sessions/{id}/revoke (csrf)
 * Ends one of the user's own sessions: 303 back to the account page; 404
 * when the id is not a live session of this user (never another's).
 */
int
session_revoke(struct mkt_req *r)
{
	const char	*id = mkt_route_arg(r, 0);
	enum mkt_err	 e;

	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	e = mkt_session_revoke(r, id, r->user->id);
	if (e == MKT_ENOENT) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "you have no such session"));
	}
	if (e != MKT_OK || mkt_audit(r, "session.revoke", "session", id,
	    NULL) != MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON)
		return 204;
	return mkt_redirect(r, 303, "/account");
}

static const struct mkt_sql q_export = { "admin_account_export", 1,
	"SELECT json_build_object("
	"  'exported_at', now(),"
	"  'profile', (SELECT json_build_object('id', u.id, 'email', u.email,"
	"     'name', u.display_name, 'roles', u.roles, 'status', u.status,"
	"     'organization', (SELECT json_build_object('slug', o.slug,"
	"        'name', o.name) FROM organizations o"
	"        WHERE o.id = u.organization_id),"
	"     'identity_provider_subject', u.oidc_subject,"
	"     'created_at', u.created_at, 'last_login_at', u.last_login_at)"
	"     FROM users u WHERE u.id = $1::uuid),"
	"  'sessions', (SELECT coalesce(json_agg(json_build_object("
	"     'id', s.id, 'created_at', s.created_at,"
	"     'last_seen_at', s.last_seen_at, 'revoked_at', s.revoked_at,"
	"     'user_agent', s.user_agent, 'client_addr', host(s.client_addr))"
	"     ORDER BY s.created_at), '[]')"
	"     FROM sessions s WHERE s.user_id = $1::uuid),"
	"  'audit_events', (SELECT coalesce(json_agg(json_build_object("
	"     'seq', a.seq, 'at', a.occurred_at, 'action', a.action,"
	"     'resource_type', a.resource_type,"
	"     'resource_id', a.resource_id) ORDER BY a.seq), '[]')"
	"     FROM audit_log a WHERE a.actor_id = $1::uuid))" };

/*
 * GET /account/export: everything held about me, as one JSON download
 * (GDPR art. 15 and 20).  Password hashes and session tokens are not
 * data about the person and are left out.
 */
int
account_export(struct mkt_req *r)
{
	const char		*params[1] = { r->user->id };
	struct json_object	*v, *data;
	PGresult		*res;

	if ((res = mkt_db_exec(r, &q_export, params)) == NULL)
		return mkt_fail_db(r);
	if ((data = json_tokener_parse(PQgetvalue(res, 0, 0))) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "export", data);
	mkt_header(r, "Content-Disposition",
	    "attachment; filename=\"llm-marketplace-my-data.json\"");
	return 200;
}
