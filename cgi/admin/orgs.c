/* orgs.c: organisations (the unit of budgets and chargeback), for
 * administrators: list, create, rename, delete, merge */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

const struct mkt_param org_params[] = {
	{ "slug",	MKT_P_SLUG, 0, 64, NULL },
	{ "name",	MKT_P_TEXT, 0, 200, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static const struct mkt_sql q_orgs = { "admin_orgs", 0,
	"SELECT coalesce(json_agg(json_build_object('slug', o.slug,"
	"  'name', o.name, 'created_at', o.created_at,"
	"  'members', (SELECT count(*) FROM users u"
	"     WHERE u.organization_id = o.id),"
	"  'providers', (SELECT count(*) FROM providers p"
	"     WHERE p.organization_id = o.id),"
	"  'monthly_budget', o.monthly_budget::text,"
	"  'spent', (CASE WHEN o.budget_period = gateway_month()"
	"    THEN o.budget_spent ELSE 0 END)::text,"
	"  'residency_required', o.residency_required) ORDER BY o.name), '[]')"
	" FROM organizations o" };

/* GET /admin/organizations: every organisation with its members and
 * providers, and the form to create one. */
int
orgs_page(struct mkt_req *r)
{
	struct json_object	*v, *o, *list;
	PGresult		*res;

	if ((res = mkt_db_exec(r, &q_orgs, NULL)) == NULL)
		return mkt_fail_db(r);
	if ((list = json_tokener_parse(PQgetvalue(res, 0, 0))) == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	o = json_object_new_object();
	json_object_object_add(v, "organizations", o);
	json_object_object_add(o, "items", list);
	json_object_object_add(o, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	return 200;
}

static const struct mkt_sql q_org_create = { "admin_org_create", 2,
	"INSERT INTO organizations (slug, name) VALUES ($1, $2) RETURNING id" };

static const struct mkt_sql q_org_rename = { "admin_org_rename", 2,
	"UPDATE organizations SET name = $2, updated_at = now()"
	" WHERE slug = $1 RETURNING id" };

static int
org_write(struct mkt_req *r, const struct mkt_sql *q, const char *slug,
    const char *action, int api_status)
{
	const struct mkt_pval	*name = mkt_param(r, "name");
	const char		*params[2];
	struct json_object	*details;
	PGresult		*res;

	if (slug == NULL || !mkt_slug_ok(slug, 64))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "give a slug of lower-case letters, digits and '-'"));
	if (!name->present || strpbrk(name->s, "\t\r\n") != NULL)
		return mkt_fail(r, 400, "invalid-parameter",
		    mkt_tr(r, "give the organisation a name"));
	params[0] = slug;
	params[1] = name->s;
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((res = mkt_db_exec(r, q, params)) == NULL) {
		mkt_db_rollback(r);
		if (strcmp(mkt_db_sqlstate(r), "23505") == 0)
			return mkt_fail(r, 409, "conflict", mkt_tr(r,
			    "an organisation with this slug exists"));
		return mkt_fail_db(r);
	}
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such organisation"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "slug", json_object_new_string(slug));
	json_object_object_add(details, "name", json_object_new_string(name->s));
	if (mkt_audit(r, action, "organization", mkt_db_val(res, 0, "id"),
	    details) != MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON)
		return api_status;
	return mkt_redirect(r, 303, "/admin/organizations");
}

/* POST /admin/organizations (slug, name, csrf): 303 (201 for the API);
 * 409 when the slug is taken.  Audited. */
int
org_create(struct mkt_req *r)
{
	return org_write(r, &q_org_create, mkt_param(r, "slug")->s,
	    "organization.create", 201);
}

/* POST /admin/organizations/{slug} (name, csrf): renames; 404 unknown. */
int
org_rename(struct mkt_req *r)
{
	return org_write(r, &q_org_rename, mkt_route_arg(r, 0),
	    "organization.rename", 204);
}

static const struct mkt_sql q_org_lock = { "admin_org_lock", 1,
	"SELECT id, (SELECT count(*) FROM users u"
	"   WHERE u.organization_id = o.id) AS users,"
	" (SELECT count(*) FROM providers p"
	"   WHERE p.organization_id = o.id) AS providers"
	" FROM organizations o WHERE slug = $1 FOR UPDATE" };

static const struct mkt_sql q_org_delete = { "admin_org_delete", 1,
	"DELETE FROM organizations WHERE id = $1::uuid" };

static const struct mkt_sql q_org_move = { "admin_org_move", 2,
	"WITH u AS (UPDATE users SET organization_id = $2::uuid,"
	"   updated_at = now() WHERE organization_id = $1::uuid RETURNING 1),"
	" p AS (UPDATE providers SET organization_id = $2::uuid,"
	"   updated_at = now() WHERE organization_id = $1::uuid RETURNING 1)"
	" SELECT (SELECT count(*) FROM u) AS users,"
	"  (SELECT count(*) FROM p) AS providers" };

/*
 * POST /admin/organizations/{slug}/delete: removes an empty organisation;
 * 409 while it has members or providers (merge it instead).
 * POST /admin/organizations/{slug}/merge (into): moves its members and
 * providers (with their services) to another organisation, then removes
 * it.  Both audited, in one transaction.
 */
static int
org_remove(struct mkt_req *r, const char *into)
{
	const char		*slug = mkt_route_arg(r, 0), *p[2], *id;
	struct json_object	*details;
	PGresult		*res, *dst = NULL;

	if (into != NULL && strcmp(into, slug) == 0)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "an organisation cannot be merged into itself"));
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = slug;
	if ((res = mkt_db_exec(r, &q_org_lock, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such organisation"));
	}
	id = mkt_db_val(res, 0, "id");
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "slug", json_object_new_string(slug));
	if (into == NULL && (mkt_db_int(res, 0, "users") > 0 ||
	    mkt_db_int(res, 0, "providers") > 0)) {
		mkt_db_rollback(r);
		return mkt_failf(r, 409, "conflict", mkt_tr(r, "the "
		    "organisation still has %lld members and %lld providers: "
		    "merge it into another one instead"),
		    (long long)mkt_db_int(res, 0, "users"),
		    (long long)mkt_db_int(res, 0, "providers"));
	}
	if (into != NULL) {
		p[0] = into;
		if ((dst = mkt_db_exec(r, &q_org_lock, p)) == NULL)
			goto fail;
		if (PQntuples(dst) == 0) {
			mkt_db_rollback(r);
			return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
			    "there is no organisation to merge into with "
			    "this slug"));
		}
		p[0] = id;
		p[1] = mkt_db_val(dst, 0, "id");
		if ((res = mkt_db_exec(r, &q_org_move, p)) == NULL)
			goto fail;
		json_object_object_add(details, "into",
		    json_object_new_string(into));
		json_object_object_add(details, "users",
		    json_object_new_int64(mkt_db_int(res, 0, "users")));
		json_object_object_add(details, "providers",
		    json_object_new_int64(mkt_db_int(res, 0, "providers")));
	}
	p[0] = id;
	if (mkt_db_exec(r, &q_org_delete, p) == NULL ||
	    mkt_audit(r, into ? "organization.merge" : "organization.delete",
	    "organization", id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	if (r->fmt == MKT_FMT_JSON)
		return 204;
	return mkt_redirect(r, 303, "/admin/organizations");
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

int
org_delete(struct mkt_req *r)
{
	return org_remove(r, NULL);
}

const struct mkt_param org_merge_params[] = {
	{ "into",	MKT_P_SLUG, 0, 64, NULL },
	{ NULL, 0, 0, 0, NULL }
};

int
org_merge(struct mkt_req *r)
{
	const struct mkt_pval	*into = mkt_param(r, "into");

	if (!into->present)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "name the organisation to merge into"));
	return org_remove(r, into->s);
}

static const struct mkt_sql q_org_budget = { "admin_org_budget", 3,
	"UPDATE organizations SET monthly_budget = $2::numeric,"
	"  residency_required = $3, updated_at = now()"
	" WHERE slug = $1 RETURNING id" };

/* A sum of money as people type it: digits, at most one point and six
 * decimals ("250", "1200.50"); empty for none. */
static bool
money_ok(const char *s)
{
	size_t	 digits = 0, decimals = 0;
	bool	 point = false;

	for (; *s != '\0'; s++) {
		if (*s == '.' && !point && digits > 0)
			point = true;
		else if (*s >= '0' && *s <= '9' && !point && digits < 12)
			digits++;
		else if (*s >= '0' && *s <= '9' && point && decimals < 6)
			decimals++;
		else
			return false;
	}
	return digits > 0 && (!point || decimals > 0);
}

/*
 * POST /admin/organizations/{slug}/budget (monthly_budget, empty for none;
 * residency_required: "EU", a country code, or empty for anywhere): the
 * organisation's monthly budget for its members' gateway calls (the unit
 * of chargeback) and where their data may be processed.  Audited.
 */
int
org_budget(struct mkt_req *r)
{
	const char		*params[3], *slug = mkt_route_arg(r, 0);
	struct json_object	*details;
	PGresult		*res;
	bool			 bad = false;

	/* A form's fields or a JSON object's; empty means none. */
	params[0] = slug;
	params[1] = mkt_trim(r->arena, mkt_body_field(r, "monthly_budget",
	    true, &bad));
	params[2] = mkt_trim(r->arena, mkt_body_field(r, "residency_required",
	    false, &bad));
	if (bad)
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "monthly_budget and residency_required are text fields"));
	if (params[1] != NULL && !money_ok(params[1]))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "the monthly budget is an amount such as 250 or 1200.50, "
		    "or empty for none"));
	if (params[2] != NULL && strcmp(params[2], "EU") != 0 &&
	    (strlen(params[2]) != 2 || params[2][0] < 'A' || params[2][0] > 'Z' ||
	    params[2][1] < 'A' || params[2][1] > 'Z'))
		return mkt_fail(r, 400, "invalid-parameter", mkt_tr(r,
		    "the data residency is EU or a two-letter country code in "
		    "capitals, or empty for anywhere"));
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((res = mkt_db_exec(r, &q_org_budget, params)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such organisation"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "monthly_budget", params[1] ?
	    json_object_new_string(params[1]) : NULL);
	json_object_object_add(details, "residency_required", params[2] ?
	    json_object_new_string(params[2]) : NULL);
	if (mkt_audit(r, "organization.budget", "organization",
	    mkt_db_val(res, 0, "id"), details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON)
		return 204;
	return mkt_redirect(r, 303, "/admin/organizations");
}
