/* lifecycle.c: a version's status changes, the outbox and the registry
 * queue, written inside the caller's transaction */
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/*
 * The allowed transitions; the database holds the same table
 * (lifecycle_transitions, 0006_publishing.sql) and its trigger refuses
 * the rest, so this copy only gives a clear message before trying.
 */
static const struct {
	const char	*from, *to;
} transitions[] = {
	{ "pending_approval", "active" },
	{ "pending_approval", "failed_validation" },
	{ "pending_approval", "retired" },
	{ "failed_validation", "pending_approval" },
	{ "failed_validation", "active" },
	{ "failed_validation", "retired" },
	{ "active", "deprecated" },
	{ "active", "suspended" },
	{ "deprecated", "retired" },
	{ "deprecated", "suspended" },
	{ "suspended", "active" },
	{ "suspended", "deprecated" },
	{ "suspended", "retired" },
};

bool
mkt_lifecycle_allowed(const char *from, const char *to)
{
	size_t	 i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(transitions[i].from, from) == 0 &&
		    strcmp(transitions[i].to, to) == 0)
			return true;
	return false;
}

static const struct mkt_sql q_outbox = { "mkt_outbox_add", 5,
	"INSERT INTO outbox (destination, event_type, aggregate_type,"
	" aggregate_id, payload) VALUES ($1, $2, $3, $4, $5::jsonb)"
	" RETURNING event_id" };

enum mkt_err
mkt_outbox_add(struct mkt_req *r, const char *destination,
    const char *event_type, const char *aggregate_type,
    const char *aggregate_id, struct json_object *payload)
{
	const char	*params[5];

	params[0] = destination;
	params[1] = event_type;
	params[2] = aggregate_type;
	params[3] = aggregate_id;
	params[4] = payload != NULL ? json_object_to_json_string_ext(payload,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}";
	if (mkt_db_exec(r, &q_outbox, params) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	return MKT_OK;
}

/* The history trigger reads who did it and why from these settings,
 * local to the transaction. */
static const struct mkt_sql q_actor = { "mkt_lifecycle_actor", 2,
	"SELECT set_config('mkt.actor_id', coalesce($1, ''), true),"
	"       set_config('mkt.reason', coalesce($2, ''), true)" };

enum mkt_err
mkt_lifecycle_actor(struct mkt_req *r, const char *reason)
{
	const char	*params[2];

	params[0] = r->user != NULL ? r->user->id : NULL;
	params[1] = reason;
	if (mkt_db_exec(r, &q_actor, params) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	return MKT_OK;
}

/* The registration document the LLM-Registry receives (IP-001): what
 * identifies the service and its contract, never its credential. */
static const struct mkt_sql q_registry_enqueue = { "mkt_registry_enqueue", 1,
	"WITH s AS ("
	"  UPDATE services SET registry_status = 'pending',"
	"    registry_error = NULL, updated_at = now()"
	"  WHERE id = $1 AND registry_status IN ('unregistered', 'failed')"
	"  RETURNING id, slug, name, category, compliance_level, provider_id,"
	"    current_version_id, endpoint)"
	" INSERT INTO outbox (destination, event_type, aggregate_type,"
	"   aggregate_id, payload)"
	" SELECT 'registry', 'registry.register', 'service', s.id::text,"
	"   json_build_object('service_id', s.id, 'slug', s.slug,"
	"     'name', s.name, 'category', s.category,"
	"     'compliance_level', s.compliance_level,"
	"     'provider', json_build_object('slug', p.slug, 'name', p.name),"
	"     'version', v.version, 'contract_sha256', v.contract_sha256,"
	"     'endpoint', s.endpoint->>'url')"
	" FROM s JOIN providers p ON p.id = s.provider_id"
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"
	" RETURNING event_id" };

enum mkt_err
mkt_registry_enqueue(struct mkt_req *r, const char *service_id)
{
	const char	*params[1] = { service_id };

	if (mkt_db_exec(r, &q_registry_enqueue, params) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	return MKT_OK;
}

static const struct mkt_sql q_version_get = { "mkt_lifecycle_get", 1,
	"SELECT v.status, v.version, s.id AS service_id, s.slug"
	" FROM service_versions v JOIN services s ON s.id = v.service_id"
	" WHERE v.id = $1 FOR UPDATE OF v" };

static const struct mkt_sql q_version_set = { "mkt_lifecycle_set", 3,
	"UPDATE service_versions SET status = $2,"
	"  published_at = CASE WHEN $2 = 'active'"
	"    THEN coalesce(published_at, now()) ELSE published_at END,"
	"  sunset_at = CASE WHEN $2 = 'deprecated'"
	"    THEN coalesce($3::timestamptz, sunset_at) ELSE sunset_at END"
	" WHERE id = $1" };

/*
 * Moves a version to status 'to' inside the caller's transaction: the
 * trigger writes the history line (actor and reason from here), the
 * service's status follows, the outbox gets service.status_changed, the
 * audit trail a row, and a version becoming active queues the service's
 * registration when it is not in the registry yet.
 * MKT_ENOENT: no such version; MKT_EINVAL: the transition is not allowed
 * (*from says from where) or a deprecation without a sunset date.
 */
enum mkt_err
mkt_version_transition(struct mkt_req *r, const char *version_id,
    const char *to, const char *reason, const char *sunset,
    const char **from)
{
	const char		*params[3];
	struct json_object	*ev;
	PGresult		*res;
	const char		*service_id, *cur;
	enum mkt_err		 rc;

	params[0] = version_id;
	if ((res = mkt_db_exec(r, &q_version_get, params)) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	if (PQntuples(res) == 0)
		return MKT_ENOENT;
	cur = mkt_db_val(res, 0, "status");
	service_id = mkt_db_val(res, 0, "service_id");
	if (from != NULL)
		*from = cur;
	if (!mkt_lifecycle_allowed(cur, to))
		return MKT_EINVAL;
	if ((rc = mkt_lifecycle_actor(r, reason)) != MKT_OK)
		return rc;
	params[1] = to;
	params[2] = sunset;
	if (mkt_db_exec(r, &q_version_set, params) == NULL) {
		/* 23514: the trigger's refusal or the sunset check. */
		if (strcmp(mkt_db_sqlstate(r), "23514") == 0)
			return MKT_EINVAL;
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	}
	ev = mkt_json_own(r, json_object_new_object());
	json_object_object_add(ev, "service_id",
	    json_object_new_string(service_id));
	json_object_object_add(ev, "service", json_object_new_string(
	    mkt_db_val(res, 0, "slug")));
	json_object_object_add(ev, "version_id",
	    json_object_new_string(version_id));
	json_object_object_add(ev, "version", json_object_new_string(
	    mkt_db_val(res, 0, "version")));
	json_object_object_add(ev, "from", json_object_new_string(cur));
	json_object_object_add(ev, "to", json_object_new_string(to));
	if (reason != NULL)
		json_object_object_add(ev, "reason",
		    json_object_new_string(reason));
	if ((rc = mkt_outbox_add(r, "analytics", "service.status_changed",
	    "service", service_id, ev)) != MKT_OK)
		return rc;
	if (strcmp(to, "active") == 0 &&
	    (rc = mkt_registry_enqueue(r, service_id)) != MKT_OK)
		return rc;
	/* The reason may quote what a person wrote: the audit row keeps
	 * the transition only, the history (erasable with the service)
	 * keeps the words. */
	json_object_object_del(ev, "reason");
	return mkt_audit(r, "version.status", "service_version", version_id,
	    ev);
}
