/* policies.c: the publishing pipeline's policy rules, for
 * administrators: list, change, add, switch on and off (audited) */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

static const struct mkt_sql q_policies = { "admin_policies", 0,
	"SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind,"
	"  'enabled', enabled, 'rule', rule, 'updated_at', updated_at)"
	"  ORDER BY kind, id), '[]') FROM policies" };

/* GET /admin/policies: every rule, as stored. */
int
policies_page(struct mkt_req *r)
{
	struct json_object	*v, *list;
	PGresult		*res;
	size_t			 i, n;

	if ((res = mkt_db_exec(r, &q_policies, NULL)) == NULL)
		return mkt_fail_db(r);
	v = mkt_view(r, NULL);
	list = json_tokener_parse(PQgetvalue(res, 0, 0));
	json_object_object_add(v, "policies", list);
	/* The rule as text too, for the edit form. */
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(list, i);

		json_object_object_add(item, "rule_text", json_object_new_string(
		    json_object_to_json_string_ext(json_object_object_get(item,
		    "rule"), JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE)));
	}
	json_object_object_add(v, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	return 200;
}

static const char *const kinds[] = { "check", "approval", NULL };
static const char *const switches[] = { "on", "off", NULL };

const struct mkt_param policy_params[] = {
	{ "id",		MKT_P_SLUG, 0, 64, NULL },
	{ "rule",	MKT_P_TEXT, 0, 8192, NULL },
	{ "kind",	MKT_P_ENUM, 0, 0, kinds },
	{ "enabled",	MKT_P_ENUM, 0, 0, switches },
	{ NULL, 0, 0, 0, NULL }
};

static const struct mkt_sql q_policy_put = { "admin_policy_put", 4,
	"INSERT INTO policies (id, kind, rule, enabled)"
	" VALUES ($1, coalesce($2, 'check'), $3::jsonb,"
	"  coalesce($4::boolean, true))"
	" ON CONFLICT (id) DO UPDATE SET"
	"  kind = coalesce($2, policies.kind),"
	"  rule = coalesce($3::jsonb, policies.rule),"
	"  enabled = coalesce($4::boolean, policies.enabled),"
	"  updated_at = now()"
	" RETURNING (xmax = 0) AS created" };

/* Without a rule only an existing one can change: an INSERT would check
 * the missing document before ON CONFLICT had a say. */
static const struct mkt_sql q_policy_set = { "admin_policy_set", 4,
	"UPDATE policies SET kind = coalesce($2, kind),"
	"  enabled = coalesce($4::boolean, enabled), updated_at = now()"
	" WHERE id = $1 AND $3::text IS NULL RETURNING false AS created" };

/*
 * POST /admin/policies/{id}, or POST /admin/policies with "id" (a new
 * rule from the portal's form) (rule: the JSON document, kind, enabled
 * on/off; each optional but for a new rule's "rule"): adds or changes a
 * rule.  The rule must pass the same check the pipeline applies, and
 * its "id" must be the address's; 422 says why otherwise.  Audited with
 * the rule as it now stands.
 */
int
policy_put(struct mkt_req *r)
{
	const char		*id = mkt_route_arg(r, 0), *p[4];
	const struct mkt_pval	*given = mkt_param(r, "id");
	const struct mkt_pval	*rule = mkt_param(r, "rule");
	const struct mkt_pval	*kind = mkt_param(r, "kind");
	const struct mkt_pval	*on = mkt_param(r, "enabled");
	struct json_object	*doc = NULL, *details, *rid;
	PGresult		*res;
	char			 err[256];

	if (id == NULL)
		id = given->present ? given->s : "";
	if (!mkt_slug_ok(id, 64) || strchr(id, '.') || strchr(id, '_'))
		return mkt_fail(r, 404, "not-found", mkt_tr(r,
		    "a rule's id is lower-case letters, digits and -"));
	if (rule->present) {
		doc = mkt_json_own(r, json_tokener_parse(rule->s));
		if (doc == NULL || !json_object_is_type(doc, json_type_object))
			return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
			    "the rule must be a JSON object"));
		if (!json_object_object_get_ex(doc, "id", &rid) ||
		    strcmp(json_object_get_string(rid), id) != 0)
			return mkt_failf(r, 422, "invalid-input", mkt_tr(r,
			    "the rule's \"id\" must be \"%s\", as in the "
			    "address"), id);
		if (!mkt_policy_rule_ok(doc, err, sizeof(err)))
			return mkt_failf(r, 422, "invalid-input", "%s", err);
	} else if (!kind->present && !on->present)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "send a rule, a kind or enabled (on or off)"));
	p[0] = id;
	p[1] = kind->present ? kind->s : NULL;
	p[2] = doc != NULL ? json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	p[3] = on->present ? (strcmp(on->s, "on") == 0 ? "true" : "false") :
	    NULL;
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((res = mkt_db_exec(r, doc != NULL ? &q_policy_put :
	    &q_policy_set, p)) == NULL) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "a new rule needs its JSON document"));
	}
	details = mkt_json_own(r, json_object_new_object());
	if (doc != NULL)
		json_object_object_add(details, "rule", json_object_get(doc));
	if (p[1] != NULL)
		json_object_object_add(details, "kind",
		    json_object_new_string(p[1]));
	if (p[3] != NULL)
		json_object_object_add(details, "enabled",
		    json_object_new_boolean(strcmp(p[3], "true") == 0));
	if (mkt_audit(r, mkt_db_bool(res, 0, "created") ? "policy.create" :
	    "policy.update", "policy", id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_JSON)
		return 204;
	return mkt_redirect(r, 303, "/admin/policies");
}
