/* users.c: accounts and organisations, for administrators: list, create,
 * change roles or disable, and erase a person (GDPR) */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

#define PER_PAGE	50

static const char *const on[] = { "on", NULL };
static const char *const statuses[] = { "active", "disabled", NULL };

/* Checkboxes, one name each (a repeated name would be refused). */
#define ROLE_PARAMS							\
	{ "role_consumer",	MKT_P_ENUM, 0, 0, on },			\
	{ "role_provider",	MKT_P_ENUM, 0, 0, on },			\
	{ "role_admin",		MKT_P_ENUM, 0, 0, on },			\
	{ "role_auditor",	MKT_P_ENUM, 0, 0, on }

const struct mkt_param users_params[] = {
	{ "q",		MKT_P_TEXT, 0, 100, NULL },
	{ "page",	MKT_P_INT,  1, 100000, NULL },
	{ NULL, 0, 0, 0, NULL }
};

const struct mkt_param user_create_params[] = {
	{ "email",	MKT_P_TEXT, 0, 254, NULL },
	{ "name",	MKT_P_TEXT, 0, 200, NULL },
	{ "password",	MKT_P_TEXT, 0, 1024, NULL },
	{ "org",	MKT_P_SLUG, 0, 64, NULL },
	ROLE_PARAMS,
	{ NULL, 0, 0, 0, NULL }
};

const struct mkt_param user_update_params[] = {
	{ "status",	MKT_P_ENUM, 0, 0, statuses },
	{ "org",	MKT_P_SLUG, 0, 64, NULL },
	ROLE_PARAMS,
	{ NULL, 0, 0, 0, NULL }
};

static const char *const role_names[] = { "consumer", "provider", "admin",
	"auditor" };

/* The checked role boxes as a text[] literal; NULL when none is. */
static const char *
checked_roles(struct mkt_req *r)
{
	struct mkt_buf	 b;
	const char	*lit;
	size_t		 i;
	char		 name[32];

	mkt_buf_init(&b);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "role_%s", role_names[i]);
		if (mkt_param(r, name)->present)
			mkt_buf_printf(&b, "%s%s", b.len ? "," : "{",
			    role_names[i]);
	}
	if (b.len == 0) {
		mkt_buf_free(&b);
		return NULL;
	}
	mkt_buf_putc(&b, '}');
	lit = mkt_arena_strdup(r->arena, b.ptr);
	mkt_buf_free(&b);
	return lit;
}

static const struct mkt_sql q_users = { "admin_users", 3,
	"SELECT (SELECT count(*) FROM users u WHERE $1::text IS NULL"
	"   OR strpos(lower(u.email), lower($1)) > 0"
	"   OR strpos(lower(u.display_name), lower($1)) > 0) AS total,"
	" (SELECT coalesce(json_agg(json_build_object("
	"   'id', u.id, 'email', u.email, 'name', u.display_name,"
	"   'roles', u.roles, 'status', u.status,"
	"   'organization', o.slug, 'sso', u.oidc_subject IS NOT NULL,"
	"   'created_at', u.created_at, 'last_login_at', u.last_login_at)"
	"   ORDER BY lower(u.email)), '[]')"
	"  FROM (SELECT * FROM users u WHERE $1::text IS NULL"
	"     OR strpos(lower(u.email), lower($1)) > 0"
	"     OR strpos(lower(u.display_name), lower($1)) > 0"
	"   ORDER BY lower(u.email) LIMIT $2::int OFFSET $3::int) u"
	"  LEFT JOIN organizations o ON o.id = u.organization_id) AS items,"
	" (SELECT coalesce(json_agg(json_build_object('slug', slug,"
	"   'name', name) ORDER BY name), '[]') FROM organizations"
	"   WHERE EXISTS (SELECT 1 FROM users WHERE organization_id ="
	"     organizations.id) OR slug IN ('acme',"
	"     'marketplace-operators')) AS organizations" };

/*
 * GET /admin/users (q, page): accounts with their roles, organisation
 * and status, and the form to create one.
 */
int
users_page(struct mkt_req *r)
{
	const struct mkt_pval	*q = mkt_param(r, "q"), *pg = mkt_param(r, "page");
	long			 page = pg->present ? (long)pg->i : 1;
	const char		*params[3];
	struct json_object	*v, *u, *items, *roles, *links;
	PGresult		*res;
	long			 total, pages;
	size_t			 i;

	params[0] = q->present ? q->s : NULL;
	params[1] = mkt_arena_printf(r->arena, "%d", PER_PAGE);
	params[2] = mkt_arena_printf(r->arena, "%ld", (page - 1) * PER_PAGE);
	if ((res = mkt_db_exec(r, &q_users, params)) == NULL)
		return mkt_fail_db(r);
	total = (long)mkt_db_int(res, 0, "total");
	pages = total > 0 ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	if ((items = json_tokener_parse(mkt_db_val(res, 0, "items"))) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	u = json_object_new_object();
	json_object_object_add(v, "users", u);
	json_object_object_add(u, "items", items);
	json_object_object_add(u, "total", json_object_new_int64(total));
	json_object_object_add(u, "q", json_object_new_string(
	    q->present ? q->s : ""));
	json_object_object_add(u, "organizations", json_tokener_parse(
	    mkt_db_val(res, 0, "organizations")));
	roles = json_object_new_array();
	for (i = 0; i < 4; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
		    json_object_new_string(role_names[i]));
		json_object_object_add(o, "label", json_object_new_string(
		    mkt_role_label(r, role_names[i])));
		json_object_array_add(roles, o);
	}
	json_object_object_add(u, "roles", roles);
	json_object_object_add(u, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	json_object_object_add(u, "me", json_object_new_string(r->user->id));
	links = json_object_new_object();
	json_object_object_add(links, "prev", page > 1 ? json_object_new_string(
	    mkt_link(r, "/admin/users?page=%ld", page - 1)) : NULL);
	json_object_object_add(links, "next", page < pages ?
	    json_object_new_string(mkt_link(r, "/admin/users?page=%ld",
	    page + 1)) : NULL);
	json_object_object_add(u, "links", links);
	json_object_object_add(u, "page", json_object_new_int64(page));
	json_object_object_add(u, "pages", json_object_new_int64(pages));
	return 200;
}

static const struct mkt_sql q_user_create = { "admin_user_create", 5,
	"INSERT INTO users (email, display_name, password_hash, roles,"
	"  organization_id)"
	" VALUES ($1, $2, $3, $4::text[],"
	"  (SELECT id FROM organizations WHERE slug = $5))"
	" RETURNING id, organization_id IS NOT NULL OR $5::text IS NULL"
	"   AS org_ok" };

static int
done(struct mkt_req *r, int api_status)
{
	if (r->fmt == MKT_FMT_JSON)
		return api_status;
	return mkt_redirect(r, 303, "/admin/users");
}

/*
 * POST /admin/users (email, name, password, org, role_*, csrf)
 * 303 back to the list (201 for the API); 400 naming what is missing;
 * 409 when the address is taken; 422 for an unknown organisation.
 * Audited in the same transaction; the password never leaves the hash.
 */
int
user_create(struct mkt_req *r)
{
	const struct mkt_pval	*email = mkt_param(r, "email");
	const struct mkt_pval	*name = mkt_param(r, "name");
	const struct mkt_pval	*pw = mkt_param(r, "password");
	const char		*roles = checked_roles(r), *params[5];
	struct json_object	*details;
	struct mkt_buf		 hash;
	PGresult		*res;

	if (!email->present || strchr(email->s, '@') == NULL ||
	    !name->present || strpbrk(name->s, "\t\r\n") != NULL)
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "give an email address and a name"));
	if (!pw->present || strlen(pw->s) < 12)
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "the password must have at least 12 characters"));
	if (roles == NULL)
		roles = "{consumer}";
	mkt_buf_init(&hash);
	mkt_password_hash(pw->s, &hash);
	params[0] = email->s;
	params[1] = name->s;
	params[2] = mkt_arena_strdup(r->arena, hash.ptr);
	params[3] = roles;
	params[4] = mkt_param(r, "org")->s;
	mkt_buf_free(&hash);
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((res = mkt_db_exec(r, &q_user_create, params)) == NULL) {
		mkt_db_rollback(r);
		if (strcmp(mkt_db_sqlstate(r), "23505") == 0)
			return mkt_fail(r, 409, "conflict", mkt_tr(r,
			    "an account with this email address exists"));
		return mkt_fail_db(r);
	}
	if (!mkt_db_bool(res, 0, "org_ok")) {
		mkt_db_rollback(r);
		return mkt_fail(r, 422, "invalid-parameter",
		    mkt_tr(r, "no organisation has this slug"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "roles", json_object_new_string(roles));
	if (params[4] != NULL)
		json_object_object_add(details, "organization",
		    json_object_new_string(params[4]));
	if (mkt_audit(r, "user.create", "user", mkt_db_val(res, 0, "id"),
	    details) != MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	return done(r, 201);
}

static const struct mkt_sql q_user_update = { "admin_user_update", 4,
	"UPDATE users SET roles = coalesce($2::text[], roles),"
	"  status = coalesce($3, status),"
	"  organization_id = CASE WHEN $4::text IS NULL THEN organization_id"
	"    ELSE (SELECT id FROM organizations WHERE slug = $4) END,"
	"  updated_at = now()"
	" WHERE id = $1::uuid AND email NOT LIKE 'erased-%@erased.invalid'"
	" RETURNING organization_id IS NOT NULL OR $4::text IS NULL AS org_ok,"
	"   status" };

static const struct mkt_sql q_sessions_end = { "admin_sessions_end", 1,
	"UPDATE sessions SET revoked_at = now()"
	" WHERE user_id = $1::uuid AND revoked_at IS NULL"
	" RETURNING encode(token_hash, 'hex') AS token_hash" };

static const struct mkt_sql q_session_hashes = { "admin_session_hashes", 1,
	"SELECT encode(token_hash, 'hex') AS token_hash FROM sessions"
	" WHERE user_id = $1::uuid" };

/* Drops the cached copies of ended sessions, so they stop at once. */
static void
forget_sessions(struct mkt_req *r, PGresult *hashes)
{
	int	 i;

	for (i = 0; hashes != NULL && i < PQntuples(hashes); i++)
		mkt_session_forget(r, PQgetvalue(hashes, i, 0));
}

/*
 * POST /admin/users/{id} (status, org, role_*, csrf)
 * Changes roles (the checked boxes; none checked keeps them), status and
 * organisation.  Disabling ends the person's sessions (a cached session
 * lives at most a minute longer).  404 for an unknown or erased account;
 * an administrator cannot disable or demote themselves (409).
 */
int
user_update(struct mkt_req *r)
{
	const char		*id = mkt_route_arg(r, 0), *params[4];
	const struct mkt_pval	*status = mkt_param(r, "status");
	struct json_object	*details;
	PGresult		*res, *ended;

	if (!mkt_uuid_ok(id))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such account"));
	params[0] = id;
	params[1] = checked_roles(r);
	params[2] = status->present ? status->s : NULL;
	params[3] = mkt_param(r, "org")->s;
	if (strcmp(id, r->user->id) == 0 && ((params[2] != NULL &&
	    strcmp(params[2], "active") != 0) || (params[1] != NULL &&
	    strstr(params[1], "admin") == NULL)))
		return mkt_fail(r, 409, "conflict", mkt_tr(r,
		    "you cannot disable your own account or take away your "
		    "own administrator role"));
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((res = mkt_db_exec(r, &q_user_update, params)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such account"));
	}
	if (!mkt_db_bool(res, 0, "org_ok")) {
		mkt_db_rollback(r);
		return mkt_fail(r, 422, "invalid-parameter",
		    mkt_tr(r, "no organisation has this slug"));
	}
	ended = NULL;
	if (strcmp(mkt_db_val(res, 0, "status"), "disabled") == 0 &&
	    (ended = mkt_db_exec(r, &q_sessions_end, params)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	details = mkt_json_own(r, json_object_new_object());
	if (params[1] != NULL)
		json_object_object_add(details, "roles",
		    json_object_new_string(params[1]));
	if (params[2] != NULL)
		json_object_object_add(details, "status",
		    json_object_new_string(params[2]));
	if (params[3] != NULL)
		json_object_object_add(details, "organization",
		    json_object_new_string(params[3]));
	if (mkt_audit(r, "user.update", "user", id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	forget_sessions(r, ended);
	return done(r, 204);
}

static const struct mkt_sql q_erase = { "admin_user_erase", 1,
	"SELECT erase_person($1::uuid) AS erased" };

/*
 * POST /admin/users/{id}/erase (csrf)
 * GDPR erasure: the account is pseudonymised, its sessions deleted and
 * the addresses and user agents the audit trail holds for it deleted;
 * the chain still verifies.  The erasure itself is audited (by whom, of
 * which account id; nothing personal).  404 for an unknown account; 409
 * for one's own.
 */
int
user_erase(struct mkt_req *r)
{
	const char		*id = mkt_route_arg(r, 0), *params[1];
	struct json_object	*details;
	PGresult		*res, *hashes;

	if (!mkt_uuid_ok(id))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such account"));
	if (strcmp(id, r->user->id) == 0)
		return mkt_fail(r, 409, "conflict",
		    mkt_tr(r, "you cannot erase your own account"));
	params[0] = id;
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((hashes = mkt_db_exec(r, &q_session_hashes, params)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if ((res = mkt_db_exec(r, &q_erase, params)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (mkt_db_int(res, 0, "erased") < 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such account"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "audit_records_scrubbed",
	    json_object_new_int64(mkt_db_int(res, 0, "erased")));
	if (mkt_audit(r, "user.erase", "user", id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	forget_sessions(r, hashes);
	return done(r, 204);
}
