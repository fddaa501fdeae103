/* versions.c: a new version of a service, a version's status change,
 * and the endpoint tests run again */
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

/* The service as the pipeline and the policy rules see it. */
static const struct mkt_sql q_service = { "pub_v_service", 1,
	"SELECT s.id, s.slug, p.organization_id, s.endpoint_secret,"
	"  (SELECT count(*) FROM services x WHERE x.provider_id = p.id"
	"     AND x.status IN ('active', 'deprecated')) AS listed,"
	"  json_build_object('name', s.name, 'slug', s.slug,"
	"   'provider', p.slug, 'description', s.description,"
	"   'category', s.category, 'tags', s.tags,"
	"   'capabilities', (SELECT coalesce(json_agg(c->>'name'), '[]')"
	"      FROM jsonb_array_elements(s.capabilities) c),"
	"   'endpoint', s.endpoint, 'sla', s.sla,"
	"   'compliance', json_build_object('level', s.compliance_level,"
	"      'certifications', s.certifications,"
	"      'data_residency', s.data_residency,"
	"      'data_retention_days', s.data_retention_days,"
	"      'training_use', s.training_use)) AS doc"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" WHERE s.slug = $1" };

static const struct mkt_sql q_numbers = { "pub_v_numbers", 1,
	"SELECT version, contract_sha256 FROM service_versions"
	" WHERE service_id = $1::uuid" };

static const struct mkt_sql q_contract = { "pub_v_contract", 1,
	"SELECT document FROM contracts WHERE sha256 = $1" };

static const struct mkt_sql q_lock = { "pub_v_lock", 1,
	"SELECT id FROM services WHERE id = $1::uuid FOR UPDATE" };

/* A field of a JSON body, or of the form: the raw text, or NULL. */
static const char *
field(struct mkt_req *r, const char *name)
{
	size_t	 i;

	if (r->json != NULL)
		return pub_str(r->json, name);
	for (i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].key, name) == 0)
			return r->form[i].vlen ? r->form[i].val : NULL;
	return NULL;
}

/* The service's endpoint credential in clear, for the tests only. */
static const char *
credential(struct mkt_req *r, const char *sealed)
{
	char	*plain = NULL;
	size_t	 len;

	if (sealed == NULL || *sealed == '\0')
		return NULL;
	if (mkt_unseal(r->arena, mkt_setting(r, "credential_key", ""),
	    sealed, &plain, &len) != MKT_OK) {
		mkt_log_error(r, "a stored endpoint credential cannot be "
		    "unsealed: was credential_key changed?");
		return NULL;
	}
	return plain;
}

/*
 * The newest version among rows of (version, contract_sha256): its row,
 * or -1 when there is none.  *same: a row with exactly 'version'.
 */
static int
newest(struct mkt_req *r, PGresult *res, const char *version, bool *same)
{
	struct mkt_semver	 best, cur, want;
	int			 i, at = -1;
	bool			 have_want;

	*same = false;
	have_want = mkt_semver_parse(r->arena, version, &want) == MKT_OK;
	for (i = 0; i < PQntuples(res); i++) {
		if (mkt_semver_parse(r->arena, PQgetvalue(res, i, 0),
		    &cur) != MKT_OK)
			continue;
		if (have_want && mkt_semver_cmp(&cur, &want) == 0)
			*same = true;
		if (at < 0 || mkt_semver_cmp(&cur, &best) > 0) {
			best = cur;
			at = i;
		}
	}
	return at;
}

/*
 * A refused new version: the API gets the problem (with the report);
 * a person the service's page again, with what they sent, what was
 * wrong and the report next to the form.
 */
static int
version_refused(struct mkt_req *r, int status, const char *type,
    const char *detail, const struct pub_input *pi,
    struct json_object *report)
{
	struct json_object	*nv;
	int			 page;

	if (r->fmt != MKT_FMT_HTML)
		return pub_refuse(r, status, type, detail, pi, report);
	r->view_name = "publish/service";
	if ((page = pub_service_page(r)) != 200)
		return page;
	nv = json_object_new_object();
	json_object_object_add(nv, "values", pi != NULL && pi->sent != NULL ?
	    json_object_get(pi->sent) : json_object_new_object());
	json_object_object_add(nv, "errors", pi != NULL ?
	    json_object_get(pi->errors) : json_object_new_array());
	if (report != NULL)
		json_object_object_add(nv, "report", json_object_get(report));
	json_object_object_add(nv, "refusal", json_object_new_string(detail));
	json_object_object_add(r->view, "new_version", nv);
	return status;
}

/*
 * POST /publish/services/{slug}/versions: a new version (number,
 * contract, prices, changelog) through the whole pipeline.  201 (303)
 * when kept; 422 refused (with the report); 409 when the number is not
 * above every other, also when another publication won the race.
 */
int
pub_version_create(struct mkt_req *r)
{
	struct pub_input	 pi;
	struct pub_run		 run;
	enum pub_outcome	 out;
	struct json_object	*doc, *prev_doc = NULL;
	PGresult		*svc, *res;
	const char		*p[1], *service_id, *slug, *version, *vid;
	const char		*prev = NULL;
	int			 at;
	bool			 same;

	p[0] = mkt_route_arg(r, 0);
	if ((svc = mkt_db_exec(r, &q_service, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(svc) == 0)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such service"));
	if (!pub_may_change(r, mkt_db_val(svc, 0, "organization_id")))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "this service "
		    "belongs to another organisation; you may change only "
		    "your own"));
	service_id = mkt_db_val(svc, 0, "id");
	slug = mkt_db_val(svc, 0, "slug");
	pub_input_read(r, PUB_VERSION, &pi);
	if (json_object_array_length(pi.errors) > 0)
		return version_refused(r, 422, "invalid-input", mkt_tr(r,
		    "some fields are missing or not valid"), &pi, NULL);
	version = pub_str(pi.doc, "version");

	/* The service's own fields with this version's on top. */
	doc = mkt_json_own(r, json_tokener_parse(mkt_db_val(svc, 0, "doc")));
	json_object_object_foreach(pi.doc, k, val)
		json_object_object_add(doc, k, json_object_get(val));
	pi.doc = doc;
	pi.credential = credential(r, mkt_db_val(svc, 0, "endpoint_secret"));

	p[0] = service_id;
	if ((res = mkt_db_exec(r, &q_numbers, p)) == NULL)
		return mkt_fail_db(r);
	at = newest(r, res, version, &same);
	if (same)
		return version_refused(r, 409, "conflict", mkt_arena_printf(
		    r->arena, mkt_tr(r, "version %s exists; a published "
		    "version never changes: publish a greater one"), version),
		    &pi, NULL);
	if (at >= 0) {
		prev = mkt_arena_strdup(r->arena, PQgetvalue(res, at, 0));
		if (!PQgetisnull(res, at, 1)) {
			p[0] = PQgetvalue(res, at, 1);
			if ((res = mkt_db_exec(r, &q_contract, p)) == NULL)
				return mkt_fail_db(r);
			if (PQntuples(res) > 0)
				prev_doc = mkt_json_own(r, json_tokener_parse(
				    PQgetvalue(res, 0, 0)));
		}
	}
	out = pub_pipeline(r, &pi, prev, prev_doc,
	    mkt_db_int(svc, 0, "listed"), &run);
	if (out == PUB_REFUSED) {
		struct json_object *vstep;

		/* Not above the newest: a conflict with what exists. */
		if (json_object_object_get_ex(run.report, "version", &vstep) &&
		    !json_object_get_boolean(json_object_object_get(vstep,
		    "ok")))
			return version_refused(r, 409, "conflict",
			    run.refusal, &pi, run.report);
		return version_refused(r, 422, "pipeline-refused",
		    run.refusal, &pi, run.report);
	}
	if (out == PUB_UNAVAILABLE)
		return version_refused(r, 503, "unavailable", run.refusal,
		    &pi, run.report);

	/* Under the service's lock, the order is checked again: of two
	 * publications at once, the second sees the first's version. */
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = service_id;
	if (mkt_db_exec(r, &q_lock, p) == NULL ||
	    (res = mkt_db_exec(r, &q_numbers, p)) == NULL)
		goto fail;
	at = newest(r, res, version, &same);
	if (same || (at >= 0 && (prev == NULL ||
	    strcmp(PQgetvalue(res, at, 0), prev) != 0))) {
		mkt_db_rollback(r);
		return mkt_failf(r, 409, "conflict", mkt_tr(r, "version %s of "
		    "this service was published meanwhile; reload and "
		    "publish a greater version"), same ? version :
		    PQgetvalue(res, at, 0));
	}
	if (pub_store_version(r, service_id, slug, &pi, &run, out, false,
	    &vid) != MKT_OK) {
		if (strcmp(mkt_db_sqlstate(r), "23505") == 0) {
			mkt_db_rollback(r);
			return mkt_failf(r, 409, "conflict", mkt_tr(r, "version "
			    "%s exists; publish a greater one"), version);
		}
		goto fail;
	}
	if (mkt_db_commit(r) != MKT_OK)
		goto fail;
	return pub_published(r, slug, version, out, &run, 201);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

static const struct mkt_sql q_version = { "pub_v_version", 2,
	"SELECT v.id, v.status, v.report, p.organization_id,"
	"  s.endpoint_secret, c.document,"
	"  json_build_object('endpoint', s.endpoint) AS doc,"
	"  EXISTS (SELECT 1 FROM approvals a WHERE a.version_id = v.id"
	"    AND a.decision IS NULL) AS awaiting"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" JOIN service_versions v ON v.service_id = s.id"
	" LEFT JOIN contracts c ON c.sha256 = v.contract_sha256"
	" WHERE s.slug = $1 AND v.version = $2" };

/* The version of the route ({slug}, {version}) for a change by this
 * user: 0 with *res, or the refusal's status (404, 403). */
static int
own_version(struct mkt_req *r, PGresult **res)
{
	const char	*p[2];

	p[0] = mkt_route_arg(r, 0);
	p[1] = mkt_route_arg(r, 1);
	if ((*res = mkt_db_exec(r, &q_version, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(*res) == 0)
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such version"));
	if (!pub_may_change(r, mkt_db_val(*res, 0, "organization_id")))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "this service "
		    "belongs to another organisation; you may change only "
		    "your own"));
	return 0;
}

/* A date after today, "YYYY-MM-DD": the earliest sunset. */
static bool
future_date(const char *s)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) != 10 ||
	    (end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return false;
	t = timegm(&tm);
	return t > time(NULL) && tm.tm_year < 1100;
}

/*
 * POST /publish/services/{slug}/versions/{version}/status (status,
 * reason, sunset): providers deprecate (with a sunset date) and retire
 * their versions; administrators also suspend and resume.  409 when the
 * lifecycle does not allow the step.
 */
int
pub_version_status(struct mkt_req *r)
{
	const char	*to, *reason, *sunset, *from = NULL;
	PGresult	*res;
	enum mkt_err	 rc;
	int		 status;
	bool		 admin = mkt_has_role(r->user, MKT_ROLE_ADMIN);

	if ((status = own_version(r, &res)) != 0)
		return status;
	to = field(r, "status");
	reason = field(r, "reason");
	sunset = field(r, "sunset");
	if (to == NULL || (strcmp(to, "deprecated") != 0 &&
	    strcmp(to, "retired") != 0 && strcmp(to, "suspended") != 0 &&
	    strcmp(to, "active") != 0))
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r, "status "
		    "must be deprecated, retired, suspended or active"));
	if (!admin && (strcmp(to, "suspended") == 0 ||
	    strcmp(to, "active") == 0))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "only "
		    "administrators suspend and resume versions"));
	if (reason != NULL && (strlen(reason) > 2000 ||
	    !mkt_text_clean(reason, strlen(reason))))
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r, "the "
		    "reason must be text of at most 2000 bytes"));
	if (strcmp(to, "deprecated") == 0 && !future_date(sunset))
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "a deprecation needs a sunset date in the future "
		    "(YYYY-MM-DD)"));
	if (strcmp(to, "active") == 0 &&
	    strcmp(mkt_db_val(res, 0, "status"), "suspended") != 0)
		return mkt_failf(r, 409, "lifecycle", mkt_tr(r, "a version "
		    "cannot go from %s to %s"), mkt_db_val(res, 0, "status"),
		    to);
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	rc = mkt_version_transition(r, mkt_db_val(res, 0, "id"), to, reason,
	    strcmp(to, "deprecated") == 0 ? sunset : NULL, &from);
	if (rc == MKT_EINVAL) {
		mkt_db_rollback(r);
		return mkt_failf(r, 409, "lifecycle", mkt_tr(r, "a version "
		    "cannot go from %s to %s"), from ? from : "?", to);
	}
	if (rc != MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, mkt_arena_printf(r->arena,
		    "/publish/services/%s", mkt_route_arg(r, 0)));
	json_object_object_add(mkt_view(r, NULL), "status",
	    json_object_new_string(to));
	json_object_object_add(r->view, "from", json_object_new_string(from));
	return 200;
}

static const struct mkt_sql q_report = { "pub_v_report", 2,
	"UPDATE service_versions SET report = $2::jsonb WHERE id = $1" };

static const struct mkt_sql q_approval = { "pub_v_approval", 1,
	"INSERT INTO approvals (version_id, reasons)"
	" SELECT id, coalesce(report->'approval'->'reasons', '[]')"
	" FROM service_versions WHERE id = $1"
	" ON CONFLICT (version_id) DO NOTHING" };

/*
 * POST /publish/services/{slug}/versions/{version}/retest: the endpoint
 * tests of a failed_validation version again (the contract is fixed;
 * the endpoint may have been repaired).  Passing sends the version on
 * to approval or straight to active, as its first run decided.
 */
int
pub_version_retest(struct mkt_req *r)
{
	struct json_object	*report, *doc, *contract, *appr, *req;
	const char		*p[2], *vid, *to = NULL;
	PGresult		*res;
	double			 provider_ms = 0;
	bool			 ok;
	int			 status;

	if ((status = own_version(r, &res)) != 0)
		return status;
	if (strcmp(mkt_db_val(res, 0, "status"), "failed_validation") != 0)
		return mkt_fail(r, 409, "lifecycle", mkt_tr(r, "only a "
		    "version that failed validation is tested again"));
	vid = mkt_db_val(res, 0, "id");
	report = mkt_json_own(r, json_tokener_parse(mkt_db_val(res, 0,
	    "report")));
	doc = mkt_json_own(r, json_tokener_parse(mkt_db_val(res, 0, "doc")));
	contract = mkt_json_own(r, json_tokener_parse(mkt_db_val(res, 0,
	    "document")));
	if (report == NULL || doc == NULL || contract == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	ok = pub_endpoint_tests(r, doc, contract, credential(r,
	    mkt_db_val(res, 0, "endpoint_secret")), report, &provider_ms);
	if (ok) {
		req = NULL;
		to = json_object_object_get_ex(report, "approval", &appr) &&
		    json_object_object_get_ex(appr, "required", &req) &&
		    json_object_get_boolean(req) ? "pending_approval" :
		    "active";
	}
	p[0] = vid;
	p[1] = json_object_to_json_string_ext(report,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if (mkt_db_exec(r, &q_report, p) == NULL)
		goto fail;
	if (to != NULL) {
		if (mkt_version_transition(r, vid, to, "endpoint tests passed",
		    NULL, NULL) != MKT_OK)
			goto fail;
		if (strcmp(to, "pending_approval") == 0 &&
		    mkt_db_exec(r, &q_approval, p) == NULL)
			goto fail;
	} else if (mkt_audit(r, "version.retest", "service_version", vid,
	    NULL) != MKT_OK)
		goto fail;
	if (mkt_db_commit(r) != MKT_OK)
		goto fail;
	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, mkt_arena_printf(r->arena,
		    "/publish/services/%s", mkt_route_arg(r, 0)));
	json_object_object_add(mkt_view(r, NULL), "status",
	    json_object_new_string(to ? to : "failed_validation"));
	json_object_object_add(r->view, "report", json_object_get(report));
	return 200;
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}
