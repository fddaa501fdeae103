/* pipeline.c: what a version goes through before it is listed:
 * contract, version order and breaking changes, policy (ours and an
 * outside engine's), endpoint tests, and the approval decision */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

#define ENGINE_MAX_ANSWER	(256 * 1024)
#define PROVIDER_MAX_ANSWER	(4 * 1024 * 1024)

/* Milliseconds to a tenth, printed as such (not 17 digits of double). */
static struct json_object *
ms_json(double ms)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%.1f", ms);
	return json_object_new_double_s(ms, buf);
}

static struct json_object *
step(struct json_object *report, const char *name, bool ok)
{
	struct json_object	*s = json_object_new_object();

	json_object_object_add(s, "ok", json_object_new_boolean(ok));
	json_object_object_add(report, name, s);
	return s;
}

static void
step_set(struct json_object *s, const char *key, const char *fmt, ...)
    MKT_PRINTF(3, 4);

static void
step_set(struct json_object *s, const char *key, const char *fmt, ...)
{
	struct mkt_buf	 b;
	va_list		 ap;

	mkt_buf_init(&b);
	va_start(ap, fmt);
	mkt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_object_object_add(s, key, json_object_new_string(b.ptr));
	mkt_buf_free(&b);
}

static void
step_ok(struct json_object *s, bool ok)
{
	json_object_object_add(s, "ok", json_object_new_boolean(ok));
}

static bool
dev_mode(const struct mkt_req *r)
{
	return mkt_setting_long(r, "development_mode", 0, 0, 1) == 1;
}

/* http:// to this machine only, for development stand-ins. */
static bool
loopback_http(const char *url)
{
	static const char *const hosts[] = { "http://127.0.0.1",
	    "http://localhost", "http://[::1]" };
	size_t	 i, n;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		n = strlen(hosts[i]);
		if (strncmp(url, hosts[i], n) == 0 &&
		    strchr(":/", url[n]) != NULL)
			return true;
	}
	return false;
}

static bool
has_price(struct json_object *pricing)
{
	static const char *const keys[] = { "input_per_mtok",
	    "output_per_mtok", "per_request", "subscription_monthly" };
	struct json_object	*tiers;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (pub_str(pricing, keys[i]) != NULL)
			return true;
	return json_object_object_get_ex(pricing, "tiers", &tiers) &&
	    json_object_array_length(tiers) > 0;
}

/*
 * What the policy rules see: the submission with the compliance fields
 * at the top (as the rules name them) and facts only the marketplace
 * knows under "derived".
 */
static struct json_object *
subject_of(struct mkt_req *r, struct json_object *doc, int64_t listed)
{
	struct json_object	*s, *c, *d, *ep, *pricing = NULL;
	const char		*url;

	s = NULL;
	if (json_object_deep_copy(doc, &s, NULL) != 0)
		s = json_object_new_object();
	mkt_json_own(r, s);
	if (json_object_object_get_ex(s, "compliance", &c)) {
		json_object_object_foreach(c, k, v)
			json_object_object_add(s, strcmp(k, "level") == 0 ?
			    "compliance_level" : k, json_object_get(v));
	}
	json_object_object_get_ex(s, "pricing", &pricing);
	d = json_object_new_object();
	url = json_object_object_get_ex(s, "endpoint", &ep) ?
	    pub_str(ep, "url") : NULL;
	json_object_object_add(d, "endpoint_secure", json_object_new_boolean(
	    url != NULL && (strncmp(url, "https://", 8) == 0 ||
	    (dev_mode(r) && loopback_http(url)))));
	json_object_object_add(d, "has_price",
	    json_object_new_boolean(has_price(pricing)));
	json_object_object_add(d, "provider_listed_services",
	    json_object_new_int64(listed));
	json_object_object_add(s, "derived", d);
	return s;
}

static const struct mkt_sql q_policies = { "pub_policies", 0,
	"SELECT coalesce(json_agg(rule ORDER BY id)"
	"   FILTER (WHERE kind = 'check'), '[]'),"
	" coalesce(json_agg(rule ORDER BY id)"
	"   FILTER (WHERE kind = 'approval'), '[]')"
	" FROM policies WHERE enabled" };

/* The outside Policy Engine, when one is configured: POST the subject,
 * read {"allow": bool, "violations": [...]}.  No answer in time (or a
 * wrong one) is decided by policy_engine_fail: open or closed. */
static enum pub_outcome
ask_engine(struct mkt_req *r, struct json_object *subject,
    struct json_object *report, struct pub_run *run)
{
	const char		*url = mkt_setting(r, "policy_engine_url", "");
	long			 timeout = mkt_setting_long(r,
	    "policy_engine_timeout_ms", 2000, 50, 60000);
	bool			 fail_open = strcmp(mkt_setting(r,
	    "policy_engine_fail", "closed"), "open") == 0;
	const char		*hdrs[] = { "Content-Type: application/json",
	    "Accept: application/json", NULL, NULL };
	struct mkt_http_resp	 resp;
	struct json_object	*s, *ans = NULL, *allow, *viol;
	const char		*body, *why = NULL;

	if (*url == '\0')
		return PUB_ACTIVE;
	hdrs[2] = mkt_arena_printf(r->arena, "X-Request-ID: %s", r->id);
	body = json_object_to_json_string_ext(subject,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	s = step(report, "policy_engine", true);
	if (mkt_http(r->arena, "POST", url, hdrs, body, strlen(body), timeout,
	    ENGINE_MAX_ANSWER, &resp) != MKT_OK)
		why = resp.timed_out ? mkt_arena_printf(r->arena,
		    "no answer within %ld ms", timeout) :
		    mkt_arena_printf(r->arena, "not reachable (%s)", resp.error);
	else if (resp.status != 200)
		why = mkt_arena_printf(r->arena, "answered HTTP %ld",
		    resp.status);
	else if ((ans = json_tokener_parse(resp.body)) == NULL ||
	    !json_object_object_get_ex(ans, "allow", &allow) ||
	    !json_object_is_type(allow, json_type_boolean))
		why = "answered without a boolean \"allow\"";
	json_object_object_add(s, "ms", ms_json(resp.ms));
	run->provider_ms += resp.ms;	/* not our time either */
	if (why != NULL) {
		json_object_put(ans);
		step_set(s, "status", "%s", "unavailable");
		step_set(s, "message", "The policy engine %s; %s.", why,
		    fail_open ? "publishing went on without it (fail-open)" :
		    "publishing stops until it answers (fail-closed)");
		step_ok(s, fail_open);
		if (fail_open)
			return PUB_ACTIVE;
		run->refusal = mkt_arena_printf(r->arena, "the policy engine "
		    "%s; try again later", why);
		return PUB_UNAVAILABLE;
	}
	mkt_json_own(r, ans);
	step_set(s, "status", "%s", "answered");
	if (json_object_object_get_ex(ans, "violations", &viol) &&
	    json_object_is_type(viol, json_type_array))
		json_object_object_add(s, "violations", json_object_get(viol));
	else
		json_object_object_add(s, "violations",
		    json_object_new_array());
	step_ok(s, json_object_get_boolean(allow));
	if (!json_object_get_boolean(allow)) {
		run->refusal = "the outside policy engine refused the service";
		return PUB_REFUSED;
	}
	return PUB_ACTIVE;
}

static bool
status_matches(const char *expected, long got)
{
	if (expected == NULL || strcasecmp(expected, "default") == 0 ||
	    strcasecmp(expected, "2XX") == 0)
		return got >= 200 && got < 300;
	return strtol(expected, NULL, 10) == got;
}

/*
 * Calls the provider's endpoint: is it there at all, and does one
 * request built from the contract's own example come back as the
 * contract says (status and schema)?  The credential goes into the
 * request only, never into the report.
 */
bool
pub_endpoint_tests(struct mkt_req *r, struct json_object *doc,
    struct json_object *contract, const char *credential,
    struct json_object *report, double *provider_ms)
{
	struct json_object	*s, *reach, *req, *ep = NULL, *body, *findings;
	struct mkt_openapi_probe probe;
	struct mkt_http_resp	 resp;
	const char		*base, *auth, *hdrs[6], *payload = NULL;
	long			 timeout = mkt_setting_long(r,
	    "provider_test_timeout_ms", 10000, 100, 120000);
	size_t			 n = 0, blen;
	bool			 ok;

	json_object_object_get_ex(doc, "endpoint", &ep);
	base = pub_str(ep, "url");
	s = step(report, "tests", false);
	if (base == NULL) {
		step_set(s, "message", "%s", "There is no endpoint to test.");
		return false;
	}
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;

	reach = json_object_new_object();
	json_object_object_add(s, "reachability", reach);
	mkt_http(r->arena, "GET", base, NULL, NULL, 0, timeout, 65536, &resp);
	*provider_ms += resp.ms;
	json_object_object_add(reach, "status",
	    json_object_new_int64(resp.status));
	json_object_object_add(reach, "ms", ms_json(resp.ms));
	ok = resp.status > 0 && resp.status < 500;
	json_object_object_add(reach, "ok", json_object_new_boolean(ok));
	if (!ok) {
		step_set(reach, "message", "The endpoint %s.", resp.status == 0 ?
		    mkt_arena_printf(r->arena, "could not be reached: %s",
		    resp.error) : mkt_arena_printf(r->arena, "answered HTTP "
		    "%ld", resp.status));
		step_set(s, "message", "%s", "The endpoint is not reachable.");
		return false;
	}

	req = json_object_new_object();
	json_object_object_add(s, "request", req);
	if (!mkt_openapi_probe(contract, &probe)) {
		step_set(req, "message", "%s", "The contract has no operation "
		    "with an example request to try; only reachability was "
		    "tested.");
		json_object_object_add(req, "ok", json_object_new_boolean(true));
		step_ok(s, true);
		return true;
	}
	hdrs[n++] = "Accept: application/json";
	hdrs[n++] = mkt_arena_printf(r->arena, "X-Request-ID: %s", r->id);
	auth = pub_str(ep, "auth_method");
	if (credential != NULL && auth != NULL && strcmp(auth, "bearer") == 0)
		hdrs[n++] = mkt_arena_printf(r->arena,
		    "Authorization: Bearer %s", credential);
	else if (credential != NULL && auth != NULL &&
	    strcmp(auth, "header") == 0)
		hdrs[n++] = mkt_arena_printf(r->arena, "%s: %s",
		    pub_str(ep, "auth_header"), credential);
	if (probe.body != NULL) {
		hdrs[n++] = "Content-Type: application/json";
		payload = json_object_to_json_string_ext(probe.body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	}
	hdrs[n] = NULL;
	step_set(req, "method", "%s", probe.method);
	step_set(req, "path", "%s", probe.path);
	step_set(req, "operation", "%s", probe.pointer);
	step_set(req, "expected_status", "%s", probe.status ? probe.status :
	    "2XX");
	mkt_http(r->arena, probe.method, mkt_arena_printf(r->arena,
	    "%.*s%s", (int)blen, base, probe.path), hdrs, payload,
	    payload ? strlen(payload) : 0, timeout, PROVIDER_MAX_ANSWER, &resp);
	*provider_ms += resp.ms;
	json_object_object_add(req, "status",
	    json_object_new_int64(resp.status));
	json_object_object_add(req, "ms", ms_json(resp.ms));
	findings = json_object_new_array();
	json_object_object_add(req, "findings", findings);
	ok = false;
	if (resp.status == 0)
		step_set(req, "message", "The request failed: %s.", resp.error);
	else if (!status_matches(probe.status, resp.status))
		step_set(req, "message", "The endpoint answered HTTP %ld; the "
		    "contract promises %s.", resp.status,
		    probe.status ? probe.status : "2XX");
	else if (probe.schema == NULL)
		ok = true;
	else if ((body = json_tokener_parse(resp.body)) == NULL)
		step_set(req, "message", "%s", "The answer is not JSON, but "
		    "the contract declares a JSON schema for it.");
	else {
		ok = mkt_schema_validate(contract, probe.schema, body,
		    findings) == 0;
		json_object_put(body);
		if (!ok)
			step_set(req, "message", "%s", "The answer does not "
			    "match the schema the contract declares.");
	}
	json_object_object_add(req, "ok", json_object_new_boolean(ok));
	if (!ok)
		step_set(s, "message", "%s", "The endpoint's answer does not "
		    "keep the contract.");
	step_ok(s, ok);
	return ok;
}

static void
finding(struct json_object *list, const char *pointer, const char *msg)
{
	struct json_object	*f = json_object_new_object();

	json_object_object_add(f, "pointer", json_object_new_string(pointer));
	json_object_object_add(f, "message", json_object_new_string(msg));
	json_object_array_add(list, f);
}

enum pub_outcome
pub_pipeline(struct mkt_req *r, const struct pub_input *pi,
    const char *prev_version, struct json_object *prev_contract,
    int64_t provider_listed, struct pub_run *run)
{
	struct json_object	*rep, *s, *findings, *subject, *rules, *arules,
				*viol, *reasons;
	struct mkt_semver	 nv, pv;
	struct timespec		 t0;
	const char		*p, *version = pub_str(pi->doc, "version");
	PGresult		*res;
	char			 err[256];
	size_t			 n;
	int			 blocks;
	enum pub_outcome	 out;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(run, 0, sizeof(*run));
	rep = run->report = mkt_json_own(r, json_object_new_object());
	run->approval = mkt_json_own(r, json_object_new_array());

	/* 1. The contract. */
	s = step(rep, "contract", false);
	findings = json_object_new_array();
	json_object_object_add(s, "findings", findings);
	for (p = pi->contract; *p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'; p++)
		;
	run->format = *p == '{' ? "json" : "yaml";
	step_set(s, "format", "%s", run->format);
	run->contract = mkt_contract_parse(pi->contract, pi->contract_len,
	    err, sizeof(err));
	if (run->contract == NULL) {
		finding(findings, "", err);
		run->refusal = "the contract could not be read";
		goto refused;
	}
	mkt_json_own(r, run->contract);
	n = mkt_openapi_validate(run->contract, dev_mode(r), findings);
	json_object_object_add(s, "operations", json_object_new_int64((int64_t)
	    json_object_array_length(mkt_json_own(r,
	    mkt_openapi_operations(run->contract)))));
	json_object_object_add(s, "ms",
	    ms_json(mkt_elapsed_ms(&t0)));
	if (n > 0) {
		run->refusal = "the contract is not a valid OpenAPI 3.1 "
		    "document";
		goto refused;
	}
	step_ok(s, true);
	run->canonical = mkt_arena_strdup(r->arena,
	    json_object_to_json_string_ext(run->contract,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	mkt_sha256_hex(run->sha256, run->canonical, strlen(run->canonical));
	step_set(s, "sha256", "%s", run->sha256);

	/* 2. The version's place: above every other, and no breaking
	 * change without the major version saying so. */
	if (prev_version != NULL) {
		s = step(rep, "version", true);
		step_set(s, "previous", "%s", prev_version);
		if (mkt_semver_parse(r->arena, version, &nv) != MKT_OK ||
		    mkt_semver_parse(r->arena, prev_version, &pv) != MKT_OK ||
		    mkt_semver_cmp(&nv, &pv) <= 0) {
			step_ok(s, false);
			step_set(s, "message", "Version %s is not greater than "
			    "%s, the newest one.", version, prev_version);
			run->refusal = mkt_arena_printf(r->arena, "version %s "
			    "is not greater than %s, the newest one", version,
			    prev_version);
			goto refused;
		}
	}
	if (prev_contract != NULL) {
		struct json_object *changes = json_object_new_array();
		bool allowed = mkt_semver_breaking_allowed(&pv, &nv);

		s = step(rep, "breaking", true);
		json_object_object_add(s, "changes", changes);
		n = mkt_openapi_breaking(prev_contract, run->contract, changes);
		json_object_object_add(s, "allowed",
		    json_object_new_boolean(allowed));
		if (n > 0 && !allowed) {
			step_ok(s, false);
			step_set(s, "message", "%zu breaking change%s need%s a "
			    "new major version (%s is a minor or patch step "
			    "from %s).", n, n == 1 ? "" : "s", n == 1 ? "s" :
			    "", version, prev_version);
			run->refusal = mkt_arena_printf(r->arena, "%zu breaking "
			    "change%s need%s a new major version", n,
			    n == 1 ? "" : "s", n == 1 ? "s" : "");
			goto refused;
		}
	}

	/* 3. Our policies, then the outside engine's. */
	if ((res = mkt_db_exec(r, &q_policies, NULL)) == NULL) {
		run->refusal = "the policies could not be read";
		return PUB_UNAVAILABLE;
	}
	rules = mkt_json_own(r, json_tokener_parse(PQgetvalue(res, 0, 0)));
	arules = mkt_json_own(r, json_tokener_parse(PQgetvalue(res, 0, 1)));
	subject = subject_of(r, pi->doc, provider_listed);
	s = step(rep, "policy", false);
	viol = json_object_new_array();
	json_object_object_add(s, "violations", viol);
	json_object_object_add(s, "rules", json_object_new_int64((int64_t)
	    json_object_array_length(rules)));
	if ((blocks = mkt_policy_eval(rules, subject, viol, err,
	    sizeof(err))) < 0) {
		mkt_log_error(r, "policy rules: %s", err);
		run->refusal = "a policy rule is malformed; an administrator "
		    "must correct it";
		return PUB_UNAVAILABLE;
	}
	if (blocks > 0) {
		run->refusal = mkt_arena_printf(r->arena, "the service breaks "
		    "%d polic%s", blocks, blocks == 1 ? "y" : "ies");
		goto refused;
	}
	step_ok(s, true);
	if ((out = ask_engine(r, subject, rep, run)) == PUB_REFUSED)
		goto refused;
	if (out == PUB_UNAVAILABLE)
		return out;

	/* 4. The endpoint. */
	out = pub_endpoint_tests(r, pi->doc, run->contract, pi->credential,
	    rep, &run->provider_ms) ? PUB_ACTIVE : PUB_FAILED;

	/* 5. Who must approve: approval rules the service "breaks". */
	reasons = json_object_new_array();
	if (mkt_policy_eval(arules, subject, reasons, err, sizeof(err)) < 0) {
		mkt_log_error(r, "approval rules: %s", err);
		json_object_put(reasons);
		run->refusal = "an approval rule is malformed; an "
		    "administrator must correct it";
		return PUB_UNAVAILABLE;
	}
	s = step(rep, "approval", true);
	json_object_object_add(s, "reasons", reasons);
	json_object_object_add(s, "required", json_object_new_boolean(
	    json_object_array_length(reasons) > 0));
	run->approval = reasons;
	if (out == PUB_ACTIVE && json_object_array_length(reasons) > 0)
		out = PUB_PENDING;
	run->ms = mkt_elapsed_ms(&t0) - run->provider_ms;
	return out;

refused:
	run->ms = mkt_elapsed_ms(&t0) - run->provider_ms;
	return PUB_REFUSED;
}
