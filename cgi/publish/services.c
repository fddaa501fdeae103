/* services.c: a provider's services: the list, registration, the
 * service's pipeline page and its contract */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

/* ---- ownership ---- */

/* A provider may change the services of its own organisation's
 * providers; administrators any. */
bool
pub_may_change(const struct mkt_req *r, const char *org_id)
{
	if (mkt_has_role(r->user, MKT_ROLE_ADMIN))
		return true;
	return mkt_has_role(r->user, MKT_ROLE_PROVIDER) &&
	    r->user->org_id != NULL && org_id != NULL &&
	    strcmp(r->user->org_id, org_id) == 0;
}

/* ---- the list ---- */

static const struct mkt_sql q_mine = { "pub_mine", 1,
	"SELECT coalesce(json_agg(json_build_object('slug', s.slug,"
	"  'name', s.name, 'status', s.status, 'provider', p.name,"
	"  'version', v.version, 'registry_status', s.registry_status,"
	"  'updated_at', s.updated_at,"
	"  'versions', (SELECT count(*) FROM service_versions x"
	"     WHERE x.service_id = s.id))"
	"  ORDER BY s.updated_at DESC, s.slug), '[]')"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"
	" WHERE p.organization_id = $1::uuid" };

static const struct mkt_sql q_queue_count = { "pub_queue_count", 0,
	"SELECT count(*) FROM approvals WHERE decision IS NULL" };

/* GET /publish: the services of the user's organisation. */
int
pub_dashboard(struct mkt_req *r)
{
	struct json_object	*v, *list;
	const char		*p[1] = { r->user->org_id };
	PGresult		*res;

	v = mkt_view(r, NULL);
	if (r->user->org_id != NULL) {
		if ((res = mkt_db_exec(r, &q_mine, p)) == NULL)
			return mkt_fail_db(r);
		list = json_tokener_parse(PQgetvalue(res, 0, 0));
	} else
		list = json_object_new_array();
	json_object_object_add(v, "services", list);
	json_object_object_add(v, "has_organization",
	    json_object_new_boolean(r->user->org_id != NULL));
	if (mkt_has_role(r->user, MKT_ROLE_ADMIN)) {
		if ((res = mkt_db_exec(r, &q_queue_count, NULL)) == NULL)
			return mkt_fail_db(r);
		json_object_object_add(v, "approvals_waiting",
		    json_object_new_int64(mkt_db_int(res, 0, "count")));
	}
	return 200;
}

/* ---- registration ---- */

static const struct mkt_sql q_categories = { "pub_categories", 0,
	"SELECT coalesce(json_agg(slug ORDER BY position), '[]')"
	" FROM categories" };

static const struct mkt_sql q_org_providers = { "pub_org_providers", 1,
	"SELECT coalesce(json_agg(json_build_object('slug', slug,"
	"  'name', name) ORDER BY name), '[]')"
	" FROM providers WHERE organization_id = $1::uuid" };

/* The registration form, with what was sent and what was wrong when it
 * comes back. */
static int
form_view(struct mkt_req *r, int status, struct json_object *values,
    struct json_object *errors, struct json_object *report,
    const char *refusal)
{
	struct json_object	*v, *f, *cats;
	const char		*p[1] = { r->user->org_id };
	PGresult		*res;
	size_t			 i, n;

	v = mkt_view(r, "publish/new");
	f = json_object_new_object();
	json_object_object_add(v, "form", f);
	if ((res = mkt_db_exec(r, &q_categories, NULL)) == NULL)
		return mkt_fail_db(r);
	cats = json_tokener_parse(PQgetvalue(res, 0, 0));
	n = json_object_array_length(cats);
	for (i = 0; i < n; i++) {
		const char *slug = json_object_get_string(
		    json_object_array_get_idx(cats, i));
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "slug", json_object_new_string(slug));
		json_object_object_add(c, "name", json_object_new_string(
		    mkt_category_name(r, slug)));
		json_object_array_put_idx(cats, i, c);
	}
	json_object_object_add(f, "categories", cats);
	if (r->user->org_id != NULL) {
		if ((res = mkt_db_exec(r, &q_org_providers, p)) == NULL)
			return mkt_fail_db(r);
		json_object_object_add(f, "providers",
		    json_tokener_parse(PQgetvalue(res, 0, 0)));
	}
	json_object_object_add(f, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	json_object_object_add(f, "values", values ? json_object_get(values) :
	    json_object_new_object());
	json_object_object_add(f, "errors", errors ? json_object_get(errors) :
	    json_object_new_array());
	if (report != NULL)
		json_object_object_add(f, "report", json_object_get(report));
	if (refusal != NULL)
		json_object_object_add(f, "refusal",
		    json_object_new_string(refusal));
	return status;
}

/* GET /publish/new */
int
pub_new_form(struct mkt_req *r)
{
	if (r->user->org_id == NULL)
		return mkt_fail(r, 403, "no-organization", mkt_tr(r, "your "
		    "account belongs to no organisation; ask an "
		    "administrator to add it to one before publishing"));
	return form_view(r, 200, NULL, NULL, NULL, NULL);
}

/*
 * A refusal in the client's format: the API gets a problem with the
 * bad fields or the pipeline's report, a person the form again.
 */
int
pub_refuse(struct mkt_req *r, int status, const char *type,
    const char *detail, const struct pub_input *pi,
    struct json_object *report)
{
	struct json_object	*extra;

	if (r->fmt == MKT_FMT_HTML && r->route->view != NULL &&
	    strcmp(r->route->view, "publish/new") == 0)
		return form_view(r, status, pi ? pi->sent : NULL,
		    pi ? pi->errors : NULL, report, detail);
	status = mkt_fail(r, status, type, detail);
	if (report != NULL) {
		extra = mkt_json_own(r, json_object_new_object());
		json_object_object_add(extra, "report",
		    json_object_get(report));
		if (pi != NULL && json_object_array_length(pi->errors) > 0)
			json_object_object_add(extra, "errors",
			    json_object_get(pi->errors));
		r->problem_extra = extra;
	} else if (pi != NULL && json_object_array_length(pi->errors) > 0)
		r->problem_extra = pi->errors;
	return status;
}

static const struct mkt_sql q_provider_of_org = { "pub_provider_of_org", 2,
	"SELECT p.id, p.slug, p.organization_id,"
	"  (SELECT count(*) FROM services s WHERE s.provider_id = p.id"
	"     AND s.status IN ('active', 'deprecated')) AS listed"
	" FROM providers p"
	" WHERE ($2::text IS NULL AND p.organization_id = $1::uuid)"
	"    OR p.slug = $2"
	" ORDER BY p.created_at LIMIT 1" };

static const struct mkt_sql q_provider_create = { "pub_provider_create", 1,
	"INSERT INTO providers (organization_id, slug, name)"
	" SELECT id, slug, name FROM organizations WHERE id = $1::uuid"
	" ON CONFLICT (slug) DO NOTHING RETURNING id" };

static const struct mkt_sql q_category_known = { "pub_category_known", 1,
	"SELECT 1 FROM categories WHERE slug = $1" };

static const struct mkt_sql q_slug_taken = { "pub_slug_taken", 1,
	"SELECT 1 FROM services WHERE slug = $1" };

static const struct mkt_sql q_service_insert = { "pub_service_insert", 16,
	"INSERT INTO services (provider_id, slug, name, description,"
	"  category, tags, capabilities, mode, endpoint, sla,"
	"  compliance_level, certifications, data_residency,"
	"  data_retention_days, training_use, endpoint_secret, created_by)"
	" VALUES ($1::uuid, $2, $3, coalesce($4, ''), $5,"
	"  ARRAY(SELECT jsonb_array_elements_text(coalesce($6::jsonb, '[]'))),"
	"  (SELECT coalesce(jsonb_agg(jsonb_build_object('name', c)), '[]')"
	"     FROM jsonb_array_elements_text(coalesce($7::jsonb, '[]')) c),"
	"  CASE $5 WHEN 'embeddings' THEN 'embedding'"
	"    WHEN 'text-generation' THEN 'chat' ELSE NULL END,"
	"  $8::jsonb, coalesce($9::jsonb, '{}'), $10,"
	"  ARRAY(SELECT jsonb_array_elements_text(coalesce($11::jsonb, '[]'))),"
	"  ARRAY(SELECT jsonb_array_elements_text(coalesce($12::jsonb, '[]'))),"
	"  $13::integer, coalesce($14::boolean, false), $15, $16::uuid)"
	" RETURNING id" };

static const char *
plain(struct json_object *o)
{
	return o == NULL ? NULL : json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The endpoint credential, sealed with credential_key; NULL when there
 * is none.  false: a credential but no usable key. */
bool
pub_seal(struct mkt_req *r, const char *credential, char **sealed)
{
	*sealed = NULL;
	if (credential == NULL)
		return true;
	return mkt_seal(r->arena, mkt_setting(r, "credential_key", ""),
	    credential, strlen(credential), sealed) == MKT_OK;
}

/* The answer after a version went through the pipeline and was kept. */
int
pub_published(struct mkt_req *r, const char *slug, const char *version,
    enum pub_outcome out, const struct pub_run *run, int status)
{
	struct json_object	*v;
	const char		*self = mkt_arena_printf(r->arena,
	    "/publish/services/%s", slug);
	/* The whole request on our side (reading, every step, the writes,
	 * the commit), less the time spent waiting for the provider's
	 * endpoint and the outside policy engine. */
	double			 ms = mkt_elapsed_ms(&r->t0) - run->provider_ms;

	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, self);
	mkt_header(r, "Location", "/api/v1%s", self);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "service", json_object_new_string(slug));
	json_object_object_add(v, "version", json_object_new_string(version));
	json_object_object_add(v, "status", json_object_new_string(
	    out == PUB_ACTIVE ? "active" : out == PUB_PENDING ?
	    "pending_approval" : "failed_validation"));
	json_object_object_add(v, "report", json_object_get(run->report));
	json_object_object_add(v, "pipeline_ms", json_object_new_double_s(
	    ms, mkt_arena_printf(r->arena, "%.1f", ms)));
	json_object_object_add(v, "provider_ms", json_object_new_double_s(
	    run->provider_ms, mkt_arena_printf(r->arena, "%.1f",
	    run->provider_ms)));
	return status;
}

/*
 * POST /publish/services: registers a service with its first version.
 * 201 (303 for the form) when kept, whatever the tests said (a failed
 * version stays, as failed_validation, with its report); 422 when the
 * input or the pipeline refuses (nothing written); 409 for a taken slug.
 */
int
pub_create(struct mkt_req *r)
{
	struct pub_input	 pi;
	struct pub_run		 run;
	enum pub_outcome	 out;
	struct json_object	*ep = NULL, *sla = NULL, *comp = NULL, *d;
	PGresult		*res;
	const char		*p[16], *slug, *provider_id, *service_id;
	const char		*version_id, *pslug;
	char			*sealed;
	struct mkt_buf		 b;
	int64_t			 listed;

	if (r->user->org_id == NULL && !mkt_has_role(r->user, MKT_ROLE_ADMIN))
		return mkt_fail(r, 403, "no-organization", mkt_tr(r, "your "
		    "account belongs to no organisation; ask an "
		    "administrator to add it to one before publishing"));
	pub_input_read(r, PUB_SERVICE | PUB_VERSION, &pi);
	if (json_object_array_length(pi.errors) == 0 &&
	    (slug = pub_str(pi.doc, "slug")) == NULL) {
		mkt_buf_init(&b);
		mkt_slugify(&b, pub_str(pi.doc, "name"));
		slug = mkt_arena_strdup(r->arena, b.len ? b.ptr : "service");
		mkt_buf_free(&b);
		if (strlen(slug) > 128)
			((char *)slug)[128] = '\0';
		json_object_object_add(pi.doc, "slug",
		    json_object_new_string(slug));
	}
	if (json_object_array_length(pi.errors) > 0)
		return pub_refuse(r, 422, "invalid-input", mkt_tr(r,
		    "some fields are missing or not valid"), &pi, NULL);
	slug = pub_str(pi.doc, "slug");

	p[0] = pub_str(pi.doc, "category");
	if ((res = mkt_db_exec(r, &q_category_known, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0) {
		d = json_object_new_object();
		json_object_object_add(d, "name",
		    json_object_new_string("category"));
		json_object_object_add(d, "reason", json_object_new_string(
		    mkt_tr(r, "is not a category of the catalog")));
		json_object_array_add(pi.errors, d);
		return pub_refuse(r, 422, "invalid-input", mkt_tr(r,
		    "some fields are missing or not valid"), &pi, NULL);
	}
	p[0] = slug;
	if ((res = mkt_db_exec(r, &q_slug_taken, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) > 0) {
		d = json_object_new_object();
		json_object_object_add(d, "name", json_object_new_string("slug"));
		json_object_object_add(d, "reason", json_object_new_string(
		    mkt_tr(r, "is taken by another service")));
		json_object_array_add(pi.errors, d);
		return pub_refuse(r, 409, "conflict", mkt_tr(r, "a service "
		    "with this slug exists; choose another"), &pi, NULL);
	}

	/* The provider: the one named, which must be the organisation's,
	 * or the organisation's first (made on first publication). */
	p[0] = r->user->org_id;
	p[1] = pslug = pub_str(pi.doc, "provider");
	if ((res = mkt_db_exec(r, &q_provider_of_org, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0 && pslug != NULL)
		return pub_refuse(r, 422, "invalid-input", mkt_tr(r,
		    "there is no such provider"), &pi, NULL);
	if (PQntuples(res) > 0 && !pub_may_change(r,
	    mkt_db_val(res, 0, "organization_id")))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "this provider "
		    "belongs to another organisation; you may publish only "
		    "for your own"));
	if (PQntuples(res) == 0 && r->user->org_id == NULL)
		return pub_refuse(r, 422, "invalid-input", mkt_tr(r,
		    "name the provider this service belongs to"), &pi, NULL);
	provider_id = PQntuples(res) > 0 ? mkt_db_val(res, 0, "id") : NULL;
	listed = PQntuples(res) > 0 ? mkt_db_int(res, 0, "listed") : 0;

	if (!pub_seal(r, pi.credential, &sealed))
		return mkt_fail(r, 503, "not-configured", mkt_tr(r, "the "
		    "marketplace cannot store credentials: credential_key is "
		    "not set in its configuration"));

	out = pub_pipeline(r, &pi, NULL, NULL, listed, &run);
	if (out == PUB_REFUSED)
		return pub_refuse(r, 422, "pipeline-refused", run.refusal, &pi,
		    run.report);
	if (out == PUB_UNAVAILABLE)
		return pub_refuse(r, 503, "unavailable", run.refusal, &pi,
		    run.report);

	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if (provider_id == NULL) {
		p[0] = r->user->org_id;
		if ((res = mkt_db_exec(r, &q_provider_create, p)) == NULL)
			goto fail;
		if (PQntuples(res) == 0) {
			mkt_db_rollback(r);
			return mkt_fail(r, 409, "conflict", mkt_tr(r, "a provider "
			    "with your organisation's name exists; ask an "
			    "administrator to attach it"));
		}
		provider_id = mkt_db_val(res, 0, "id");
	}
	json_object_object_get_ex(pi.doc, "endpoint", &ep);
	json_object_object_get_ex(pi.doc, "sla", &sla);
	json_object_object_get_ex(pi.doc, "compliance", &comp);
	p[0] = provider_id;
	p[1] = slug;
	p[2] = pub_str(pi.doc, "name");
	p[3] = pub_str(pi.doc, "description");
	p[4] = pub_str(pi.doc, "category");
	p[5] = plain(json_object_object_get(pi.doc, "tags"));
	p[6] = plain(json_object_object_get(pi.doc, "capabilities"));
	p[7] = plain(ep);
	p[8] = plain(sla);
	p[9] = pub_str(comp, "level");
	p[10] = plain(json_object_object_get(comp, "certifications"));
	p[11] = plain(json_object_object_get(comp, "data_residency"));
	p[12] = pub_str(comp, "data_retention_days");
	p[13] = pub_str(comp, "training_use");
	p[14] = sealed;
	p[15] = r->user->id;
	if ((res = mkt_db_exec(r, &q_service_insert, p)) == NULL) {
		if (strcmp(mkt_db_sqlstate(r), "23505") == 0) {
			mkt_db_rollback(r);
			return mkt_fail(r, 409, "conflict", mkt_tr(r, "a service "
			    "with this slug exists; choose another"));
		}
		goto fail;
	}
	service_id = mkt_db_val(res, 0, "id");
	if (pub_store_version(r, service_id, slug, &pi, &run, out, true,
	    &version_id) != MKT_OK || mkt_db_commit(r) != MKT_OK)
		goto fail;
	mkt_log_info(r, "published %s %s: %s, pipeline %.1f ms (+%.1f ms "
	    "provider)", slug, pub_str(pi.doc, "version"), out == PUB_ACTIVE ?
	    "active" : out == PUB_PENDING ? "pending approval" :
	    "failed validation", run.ms, run.provider_ms);
	return pub_published(r, slug, pub_str(pi.doc, "version"), out, &run,
	    201);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

/* ---- the service's page ---- */

static const struct mkt_sql q_service = { "pub_service", 1,
	"SELECT s.id, s.slug, p.organization_id,"
	" json_build_object('slug', s.slug, 'name', s.name,"
	"  'description', s.description, 'category', s.category,"
	"  'tags', s.tags, 'capabilities', s.capabilities,"
	"  'endpoint', s.endpoint - 'credential',"
	"  'has_credential', s.endpoint_secret IS NOT NULL,"
	"  'sla', s.sla, 'compliance_level', s.compliance_level,"
	"  'certifications', s.certifications,"
	"  'data_residency', s.data_residency,"
	"  'data_retention_days', s.data_retention_days,"
	"  'training_use', s.training_use, 'status', s.status,"
	"  'registry_status', s.registry_status,"
	"  'registry_id', s.registry_id, 'registry_error', s.registry_error,"
	"  'registry_synced_at', s.registry_synced_at,"
	"  'provenance', s.provenance, 'created_at', s.created_at,"
	"  'provider', json_build_object('slug', p.slug, 'name', p.name,"
	"     'verified', p.verified)) AS doc"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" WHERE s.slug = $1" };

static const struct mkt_sql q_versions = { "pub_versions", 1,
	"SELECT coalesce(json_agg(json_build_object('id', v.id,"
	"  'version', v.version, 'status', v.status,"
	"  'created_at', v.created_at, 'published_at', v.published_at,"
	"  'deprecated_at', v.deprecated_at, 'sunset_at', v.sunset_at,"
	"  'changelog', v.changelog, 'contract_sha256', v.contract_sha256,"
	"  'report', v.report, 'currency', v.currency,"
	"  'input_per_mtok', price_text(v.input_price_per_mtok),"
	"  'output_per_mtok', price_text(v.output_price_per_mtok),"
	"  'per_request', price_text(v.price_per_request),"
	"  'subscription_monthly', price_text(v.subscription_price_monthly),"
	"  'tiers', v.pricing_tiers, 'context_window', v.context_window,"
	"  'max_output_tokens', v.max_output_tokens,"
	"  'approval', (SELECT json_build_object('decision', a.decision,"
	"     'reason', a.reason, 'reasons', a.reasons,"
	"     'requested_at', a.requested_at, 'decided_at', a.decided_at)"
	"     FROM approvals a WHERE a.version_id = v.id),"
	"  'history', (SELECT coalesce(json_agg(json_build_object("
	"     'at', h.at, 'from', h.from_status, 'to', h.to_status,"
	"     'reason', h.reason, 'actor', u.display_name) ORDER BY h.id),"
	"     '[]') FROM version_history h"
	"     LEFT JOIN users u ON u.id = h.actor_id"
	"     WHERE h.version_id = v.id))"
	"  ORDER BY v.created_at DESC, v.id), '[]')"
	" FROM service_versions v WHERE v.service_id = $1::uuid" };

static const struct mkt_sql q_current_contract = { "pub_current_contract", 1,
	"SELECT c.document FROM services s"
	" JOIN service_versions v ON v.id = s.current_version_id"
	" JOIN contracts c ON c.sha256 = v.contract_sha256"
	" WHERE s.id = $1::uuid" };

/* The status changes this user may ask for from 'from'. */
static struct json_object *
actions(const struct mkt_req *r, const char *from)
{
	static const char *const provider_to[] = { "deprecated", "retired" };
	static const char *const admin_to[] = { "suspended", "active" };
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < 2; i++)
		if (mkt_lifecycle_allowed(from, provider_to[i]))
			json_object_array_add(a,
			    json_object_new_string(provider_to[i]));
	if (mkt_has_role(r->user, MKT_ROLE_ADMIN))
		for (i = 0; i < 2; i++)
			if (mkt_lifecycle_allowed(from, admin_to[i]) &&
			    (strcmp(admin_to[i], "active") != 0 ||
			    strcmp(from, "suspended") == 0))
				json_object_array_add(a,
				    json_object_new_string(admin_to[i]));
	return a;
}

/* GET /publish/services/{slug}: every step's outcome for every
 * version, the history, the registry's state, the contract's
 * operations. */
int
pub_service_page(struct mkt_req *r)
{
	struct json_object	*v, *svc, *vers, *ops;
	const char		*p[1];
	PGresult		*res;
	size_t			 i, n;
	bool			 mine;

	p[0] = mkt_route_arg(r, 0);
	if ((res = mkt_db_exec(r, &q_service, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such service"));
	mine = pub_may_change(r, mkt_db_val(res, 0, "organization_id"));
	if (!mine && !mkt_has_role(r->user, MKT_ROLE_AUDITOR))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "this service "
		    "belongs to another organisation"));
	svc = json_tokener_parse(mkt_db_val(res, 0, "doc"));
	p[0] = mkt_db_val(res, 0, "id");
	v = mkt_view(r, NULL);
	json_object_object_add(v, "service", svc);
	json_object_object_add(svc, "category_name", json_object_new_string(
	    mkt_category_name(r, pub_str(svc, "category"))));
	json_object_object_add(v, "may_change", json_object_new_boolean(mine));
	if ((res = mkt_db_exec(r, &q_versions, p)) == NULL)
		return mkt_fail_db(r);
	vers = json_tokener_parse(PQgetvalue(res, 0, 0));
	json_object_object_add(v, "versions", vers);
	n = json_object_array_length(vers);
	for (i = 0; i < n && mine; i++) {
		struct json_object *ver = json_object_array_get_idx(vers, i);

		json_object_object_add(ver, "actions",
		    actions(r, pub_str(ver, "status")));
	}
	if ((res = mkt_db_exec(r, &q_current_contract, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) > 0) {
		struct json_object *doc = json_tokener_parse(
		    PQgetvalue(res, 0, 0));

		ops = mkt_openapi_operations(doc);
		json_object_put(doc);
		json_object_object_add(v, "operations", ops);
	}
	json_object_object_add(v, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	return 200;
}

static const struct mkt_sql q_contract_doc = { "pub_contract_doc", 2,
	"SELECT c.document, v.status, p.organization_id"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" JOIN service_versions v ON v.service_id = s.id"
	" JOIN contracts c ON c.sha256 = v.contract_sha256"
	" WHERE s.slug = $1 AND v.version = $2" };

/* GET /publish/services/{slug}/versions/{version}/contract: the
 * OpenAPI document as stored (canonical JSON).  Listed versions' for
 * anyone; the others' for their owners. */
int
pub_contract(struct mkt_req *r)
{
	const char	*p[2], *st;
	PGresult	*res;

	p[0] = mkt_route_arg(r, 0);
	p[1] = mkt_route_arg(r, 1);
	if ((res = mkt_db_exec(r, &q_contract_doc, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such version"));
	st = mkt_db_val(res, 0, "status");
	if (strcmp(st, "active") != 0 && strcmp(st, "deprecated") != 0 &&
	    !pub_may_change(r, mkt_db_val(res, 0, "organization_id")) &&
	    !mkt_has_role(r->user, MKT_ROLE_AUDITOR))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such version"));
	r->fmt = MKT_FMT_JSON;
	return mkt_view_cached(r, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0)) == MKT_OK ? 200 :
	    mkt_fail(r, 500, "internal-error", NULL);
}
