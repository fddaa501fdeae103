/* store.c: writes what the pipeline decided, in the caller's
 * transaction: contract, version, approval request, events, audit */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "publish.h"

static const struct mkt_sql q_contract = { "pub_contract_put", 4,
	"INSERT INTO contracts (sha256, document, source_format, bytes)"
	" VALUES ($1, $2::json, $3, $4::integer)"
	" ON CONFLICT (sha256) DO NOTHING" };

static const struct mkt_sql q_version = { "pub_version_put", 15,
	"INSERT INTO service_versions (service_id, version, status, currency,"
	"  input_price_per_mtok, output_price_per_mtok, price_per_request,"
	"  subscription_price_monthly, pricing_tiers, context_window,"
	"  max_output_tokens, contract_sha256, changelog, report,"
	"  published_by, published_at)"
	" VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::numeric,"
	"  $8::numeric, coalesce($9::jsonb, '[]'), $10::integer,"
	"  $11::integer, $12, coalesce($13, ''), $14::jsonb, $15::uuid,"
	"  CASE WHEN $3 = 'active' THEN now() END)"
	" RETURNING id" };

static const struct mkt_sql q_approval = { "pub_approval_put", 2,
	"INSERT INTO approvals (version_id, reasons) VALUES ($1, $2::jsonb)" };

static const char *
plain(struct json_object *o)
{
	return o == NULL ? NULL : json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static const char *
status_of(enum pub_outcome out)
{
	switch (out) {
	case PUB_ACTIVE:
		return "active";
	case PUB_PENDING:
		return "pending_approval";
	default:
		return "failed_validation";
	}
}

/*
 * One version as the pipeline left it.  The history trigger records
 * the first status with the actor set here.  Events: service.published
 * for a service's first version, service.version_published always; an
 * active version queues the registry registration.
 */
enum mkt_err
pub_store_version(struct mkt_req *r, const char *service_id,
    const char *service_slug, const struct pub_input *pi,
    const struct pub_run *run, enum pub_outcome out, bool first,
    const char **version_id)
{
	struct json_object	*pricing = NULL, *ev;
	const char		*p[15];
	char			 bytes[24];
	PGresult		*res;
	enum mkt_err		 rc;
	const char		*status = status_of(out);

	snprintf(bytes, sizeof(bytes), "%zu", pi->contract_len);
	p[0] = run->sha256;
	p[1] = run->canonical;
	p[2] = run->format;
	p[3] = bytes;
	if (mkt_db_exec(r, &q_contract, p) == NULL)
		return MKT_EDB;
	if ((rc = mkt_lifecycle_actor(r, out == PUB_FAILED ?
	    "endpoint tests failed" : out == PUB_PENDING ?
	    "waiting for approval" : "published")) != MKT_OK)
		return rc;

	json_object_object_get_ex(pi->doc, "pricing", &pricing);
	p[0] = service_id;
	p[1] = pub_str(pi->doc, "version");
	p[2] = status;
	p[3] = pub_str(pricing, "currency");
	p[4] = pub_str(pricing, "input_per_mtok");
	p[5] = pub_str(pricing, "output_per_mtok");
	p[6] = pub_str(pricing, "per_request");
	p[7] = pub_str(pricing, "subscription_monthly");
	p[8] = plain(json_object_object_get(pricing, "tiers"));
	p[9] = pub_str(pi->doc, "context_window");
	p[10] = pub_str(pi->doc, "max_output_tokens");
	p[11] = run->sha256;
	p[12] = pub_str(pi->doc, "changelog");
	p[13] = plain(run->report);
	p[14] = r->user != NULL ? r->user->id : NULL;
	if (p[3] == NULL)
		p[3] = "USD";
	if ((res = mkt_db_exec(r, &q_version, p)) == NULL)
		return MKT_EDB;
	*version_id = mkt_db_val(res, 0, "id");

	if (out == PUB_PENDING) {
		p[0] = *version_id;
		p[1] = plain(run->approval);
		if (mkt_db_exec(r, &q_approval, p) == NULL)
			return MKT_EDB;
	}

	ev = mkt_json_own(r, json_object_new_object());
	json_object_object_add(ev, "service_id",
	    json_object_new_string(service_id));
	json_object_object_add(ev, "service",
	    json_object_new_string(service_slug));
	json_object_object_add(ev, "version_id",
	    json_object_new_string(*version_id));
	json_object_object_add(ev, "version",
	    json_object_new_string(pub_str(pi->doc, "version")));
	json_object_object_add(ev, "status", json_object_new_string(status));
	json_object_object_add(ev, "contract_sha256",
	    json_object_new_string(run->sha256));
	if (first && (rc = mkt_outbox_add(r, "analytics", "service.published",
	    "service", service_id, ev)) != MKT_OK)
		return rc;
	if ((rc = mkt_outbox_add(r, "analytics", "service.version_published",
	    "service", service_id, ev)) != MKT_OK)
		return rc;
	if (out == PUB_ACTIVE &&
	    (rc = mkt_registry_enqueue(r, service_id)) != MKT_OK)
		return rc;
	return mkt_audit(r, first ? "service.publish" : "version.publish",
	    "service_version", *version_id, ev);
}
