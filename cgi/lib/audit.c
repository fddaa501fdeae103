/* audit.c: the tamper-evident audit trail (written in the caller's
 * transaction) */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* The longest user agent kept, in bytes; longer ones are cut. */
#define AUDIT_UA_MAX	512

/*
 * The database does the rest (0004_audit_chain.sql): its trigger numbers
 * the row under the chain head's lock, links it to the previous one,
 * moves the client address and user agent to audit_log_pii and keeps
 * only their salted digests in the chained row.  The head stays locked
 * until the caller's transaction ends: callers audit last, just before
 * they commit, so that writers queue for as short a time as possible.
 */
static const struct mkt_sql q_audit = { "mkt_audit", 9,
    "INSERT INTO audit_log (actor_id, actor_type, action, resource_type, "
    "resource_id, request_id, client_addr, user_agent, details) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::inet, $8, $9::jsonb)" };

/* REMOTE_ADDR when it is an address PostgreSQL's inet accepts: anything
 * else would fail the insert, and with it the action being audited. */
static const char *
audit_addr(const struct mkt_req *r)
{
	const char	*a = mkt_req_env(r, "REMOTE_ADDR");
	unsigned char	 buf[sizeof(struct in6_addr)];

	if (a == NULL || (inet_pton(AF_INET, a, buf) != 1 &&
	    inet_pton(AF_INET6, a, buf) != 1))
		return NULL;
	return a;
}

/* The user agent, cut to AUDIT_UA_MAX bytes on a character boundary;
 * dropped when it is not clean UTF-8 (it is the client's to choose). */
static const char *
audit_user_agent(const struct mkt_req *r)
{
	const char	*ua = mkt_req_env(r, "HTTP_USER_AGENT");
	size_t		 len;

	if (ua == NULL || *ua == '\0')
		return NULL;
	if ((len = strlen(ua)) <= AUDIT_UA_MAX)
		return mkt_text_clean(ua, len) ? ua : NULL;
	len = AUDIT_UA_MAX;
	while (len > 0 && ((unsigned char)ua[len] & 0xc0) == 0x80)
		len--;
	if (!mkt_text_clean(ua, len))
		return NULL;
	return mkt_arena_strndup(r->arena, ua, len);
}

/*
 * Appends one row to the audit trail.  Inside a transaction (the normal
 * case) it commits or rolls back with the change; outside one it commits
 * on its own, which suits events that change nothing else, such as a
 * refused attempt.  details (NULL for none) must be a JSON object and
 * hold no secrets and no personal data: ids, not names or addresses, so
 * that erasing a person never needs to touch the chain.  Returns MKT_OK
 * or the database error: the caller then rolls back and must not report
 * the action as done.
 */
enum mkt_err
mkt_audit(struct mkt_req *r, const char *action, const char *resource_type,
    const char *resource_id, struct json_object *details)
{
	const char	*params[9];

	if (action == NULL || *action == '\0') {
		mkt_log_error(r, "audit row without an action");
		return MKT_EINVAL;
	}
	if (details != NULL && !json_object_is_type(details, json_type_object)) {
		mkt_log_error(r, "audit details of \"%s\" are not an object",
		    action);
		return MKT_EINVAL;
	}
	if (r->user != NULL && r->user->id != NULL) {
		params[0] = r->user->id;
		params[1] = "user";
	} else {
		params[0] = NULL;
		params[1] = "anonymous";
	}
	params[2] = action;
	params[3] = resource_type;
	params[4] = resource_id;
	params[5] = r->id[0] != '\0' ? r->id : NULL;
	params[6] = audit_addr(r);
	params[7] = audit_user_agent(r);
	params[8] = details != NULL ? json_object_to_json_string_ext(details,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}";
	if (mkt_db_exec(r, &q_audit, params) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	return MKT_OK;
}
