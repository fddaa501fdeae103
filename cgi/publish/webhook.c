/* webhook.c: the LLM-Registry's calls back (status and provenance of a
 * registered service), signed with HMAC-SHA256 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

#define WINDOW_SECONDS	300	/* how old (or early) a signature may be */

static const struct mkt_sql q_seen = { "pub_hook_seen", 1,
	"INSERT INTO registry_webhook_events (event_id) VALUES ($1)"
	" ON CONFLICT (event_id) DO NOTHING RETURNING event_id" };

static const struct mkt_sql q_apply = { "pub_hook_apply", 5,
	"UPDATE services SET registry_status = $3,"
	"  registry_id = coalesce($1, registry_id),"
	"  registry_error = CASE WHEN $3 = 'failed' THEN $4 END,"
	"  provenance = coalesce($5::jsonb, provenance),"
	"  registry_synced_at = now(), updated_at = now()"
	" WHERE ($1::text IS NOT NULL AND registry_id = $1)"
	"    OR ($2::text IS NOT NULL AND id::text = $2)"
	" RETURNING id" };

static const struct mkt_sql q_forget = { "pub_hook_forget", 0,
	"DELETE FROM registry_webhook_events"
	" WHERE received_at < now() - interval '1 day'" };

/*
 * POST /publish/registry/webhook
 *   X-Registry-Timestamp: <unix seconds>
 *   X-Registry-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"
 *                          with registry_webhook_secret>
 *   {"event_id", "registry_id", "service_id", "status": "registered" |
 *    "failed", "provenance": {…}, "message": "…"}
 * 204 applied; 401 bad or stale signature; 409 an event already
 * applied (a replay); 404 no such service; 503 no secret configured.
 */
int
pub_registry_webhook(struct mkt_req *r)
{
	const char		*secret = mkt_setting(r,
	    "registry_webhook_secret", "");
	const char		*ts = mkt_req_header(r, "HTTP_X_REGISTRY_TIMESTAMP");
	const char		*sig = mkt_req_header(r,
	    "HTTP_X_REGISTRY_SIGNATURE");
	const char		*p[5], *status, *event;
	struct json_object	*prov, *details;
	struct mkt_buf		 signed_text;
	PGresult		*res;
	char			 want[65], *end;
	long long		 t;
	bool			 good;

	if (*secret == '\0')
		return mkt_fail(r, 503, "not-configured", mkt_tr(r,
		    "registry_webhook_secret is not set"));
	if (ts == NULL || sig == NULL || strncmp(sig, "sha256=", 7) != 0 ||
	    strlen(sig + 7) != 64)
		return mkt_fail(r, 401, "bad-signature", mkt_tr(r, "send "
		    "X-Registry-Timestamp and X-Registry-Signature: sha256=<hex>"));
	t = strtoll(ts, &end, 10);
	if (*end != '\0' || end == ts ||
	    llabs(t - (long long)time(NULL)) > WINDOW_SECONDS)
		return mkt_fail(r, 401, "stale-signature", mkt_tr(r, "the "
		    "timestamp is not within five minutes of this server's "
		    "clock"));
	mkt_buf_init(&signed_text);
	mkt_buf_printf(&signed_text, "%s.", ts);
	mkt_buf_append(&signed_text, r->body ? r->body : "", r->body_len);
	mkt_hmac_sha256_hex(want, secret, strlen(secret), signed_text.ptr,
	    signed_text.len);
	mkt_buf_free(&signed_text);
	good = mkt_const_eq(want, sig + 7, 64);
	if (!good)
		return mkt_fail(r, 401, "bad-signature", mkt_tr(r, "the "
		    "signature does not match the body"));

	if (r->json == NULL || (event = pub_str(r->json, "event_id")) == NULL ||
	    (status = pub_str(r->json, "status")) == NULL ||
	    (strcmp(status, "registered") != 0 &&
	    strcmp(status, "failed") != 0) ||
	    (pub_str(r->json, "registry_id") == NULL &&
	    pub_str(r->json, "service_id") == NULL) ||
	    strlen(event) > 200)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r, "the event "
		    "needs event_id, status (registered or failed) and "
		    "registry_id or service_id"));
	if (pub_str(r->json, "service_id") != NULL &&
	    !mkt_uuid_ok(pub_str(r->json, "service_id")))
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "service_id is not a uuid"));
	prov = json_object_object_get(r->json, "provenance");
	if (prov != NULL && !json_object_is_type(prov, json_type_object))
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "provenance must be an object"));

	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = event;
	if ((res = mkt_db_exec(r, &q_seen, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "replay", mkt_tr(r, "this event was "
		    "applied already"));
	}
	p[0] = pub_str(r->json, "registry_id");
	p[1] = pub_str(r->json, "service_id");
	p[2] = status;
	p[3] = pub_str(r->json, "message");
	p[4] = prov ? json_object_to_json_string_ext(prov,
	    JSON_C_TO_STRING_PLAIN) : NULL;
	if ((res = mkt_db_exec(r, &q_apply, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found", mkt_tr(r, "no service "
		    "has this registry id"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "source",
	    json_object_new_string("registry"));
	json_object_object_add(details, "event_id",
	    json_object_new_string(event));
	json_object_object_add(details, "status",
	    json_object_new_string(status));
	if (mkt_audit(r, "service.registry_update", "service",
	    mkt_db_val(res, 0, "id"), details) != MKT_OK ||
	    mkt_db_exec(r, &q_forget, NULL) == NULL ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	return 204;
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}
