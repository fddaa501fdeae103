/* keys.c: API keys (FR-003.1): create, list, rotate, revoke
 *
 * A key is "mkt_" and 48 hex digits (192 bits from OpenSSL's CSPRNG).
 * It is shown once, in the answer that creates it; the database keeps
 * its SHA-256, its first eight digits and its last four, which is how
 * people recognise it.  Revocation is immediate: the gateway looks the
 * key up on every call and caches no acceptance.  Rotation makes a new
 * key with the same name, scopes and limit, and lets the old one live
 * for an overlap window (24 h unless asked otherwise) so that clients
 * can be redeployed without a gap.
 *
 * View model of "consume/keys": {"keys": [{"id", "name", "display",
 * "scopes": [slug…] | null, "expires_at", "revoked_at", "rotated_to",
 * "created_at", "last_used_at", "state": "active"|"expiring"|"expired"|
 * "revoked", "requests_per_minute"}], "services": [{"slug", "name"}]
 * (those subscribed, for the scope choice), "created": {"secret", "key",
 * "base_url"}
 * right after a creation or rotation, "notice"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "consume.h"

#define NAME_MAX_CHARS	80
#define MAX_SCOPES	50

#define KEY_JSON							\
	"json_build_object('id', k.id, 'name', k.name,"			\
	"  'display', k.prefix || '…' || k.last4,"			\
	"  'scopes', (SELECT json_agg(s.slug ORDER BY s.slug)"		\
	"     FROM services s WHERE s.id = ANY (k.scopes)),"		\
	"  'requests_per_minute', k.requests_per_minute,"		\
	"  'expires_at', k.expires_at, 'revoked_at', k.revoked_at,"	\
	"  'rotated_to', k.rotated_to, 'created_at', k.created_at,"	\
	"  'last_used_at', k.last_used_at,"				\
	"  'state', CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'"	\
	"    WHEN k.expires_at <= now() THEN 'expired'"			\
	"    WHEN k.expires_at IS NOT NULL THEN 'expiring'"		\
	"    ELSE 'active' END)"

static const struct mkt_sql q_list = { "keys_list", 1,
	"SELECT coalesce(json_agg(" KEY_JSON " ORDER BY k.revoked_at IS NOT NULL,"
	"  k.created_at DESC), '[]') AS keys"
	" FROM api_keys k WHERE k.user_id = $1::uuid" };

static const struct mkt_sql q_subscribed = { "keys_subscribed", 2,
	"SELECT coalesce(json_agg(json_build_object('slug', s.slug,"
	"  'name', s.name) ORDER BY s.name), '[]') AS services"
	" FROM services s WHERE s.id IN (SELECT x.service_id"
	"  FROM subscriptions x WHERE x.status IN ('active', 'pending')"
	"   AND (x.user_id = $1::uuid OR x.organization_id = $2::uuid))" };

/* Scopes given as slugs: their ids, or NULL in "bad" when one is not a
 * service the person may see. */
static const struct mkt_sql q_scopes = { "keys_scopes", 4,
	"SELECT array_agg(s.id)::text AS ids, count(*) = cardinality($1::text[])"
	"  AS all_found"
	" FROM services s JOIN providers p ON p.id = s.provider_id"
	" WHERE s.slug = ANY ($1::text[])"
	"   AND service_visible(s.compliance_level, $2::int,"
	"     p.organization_id, $3::uuid) AND $4::text IS NOT NULL" };

static const struct mkt_sql q_insert = { "keys_insert", 7,
	"WITH k AS (INSERT INTO api_keys (user_id, name, hash, prefix, last4,"
	"  scopes, expires_at, requests_per_minute)"
	" VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid[],"
	"  now() + make_interval(days => $7::int),"
	"  NULL) RETURNING *)"
	" SELECT k.id, " KEY_JSON " AS key FROM k" };

static const struct mkt_sql q_insert_rpm = { "keys_insert_rpm", 3,
	"UPDATE api_keys SET requests_per_minute = $2::int"
	" WHERE id = $1::uuid AND user_id = $3::uuid" };

static const struct mkt_sql q_get = { "keys_get", 2,
	"SELECT k.id, k.name, k.scopes::text AS scopes, k.requests_per_minute,"
	"  k.revoked_at IS NOT NULL AS revoked,"
	"  coalesce(k.expires_at <= now(), false) AS expired"
	" FROM api_keys k WHERE k.id = $1::uuid AND k.user_id = $2::uuid"
	" FOR UPDATE" };

static const struct mkt_sql q_revoke = { "keys_revoke", 1,
	"UPDATE api_keys k SET revoked_at = now() WHERE k.id = $1::uuid"
	" RETURNING " KEY_JSON " AS key" };

static const struct mkt_sql q_retire = { "keys_retire", 3,
	"UPDATE api_keys k SET rotated_to = $2::uuid,"
	"  expires_at = least(coalesce(k.expires_at, 'infinity'),"
	"    now() + make_interval(secs => $3::int))"
	" WHERE k.id = $1::uuid RETURNING " KEY_JSON " AS key" };

static const char *const notices[] = { "revoked", NULL };

/* Fills the page's lists; false after a database failure. */
static bool
fill_page(struct mkt_req *r, struct json_object *v)
{
	const char	*params[2];
	PGresult	*res, *subs;

	params[0] = r->user->id;
	params[1] = r->user->org_id;
	if ((res = mkt_db_exec(r, &q_list, params)) == NULL ||
	    (subs = mkt_db_exec(r, &q_subscribed, params)) == NULL)
		return false;
	json_object_object_add(v, "keys", json_tokener_parse(
	    mkt_db_val(res, 0, "keys")));
	json_object_object_add(v, "services", json_tokener_parse(
	    mkt_db_val(subs, 0, "services")));
	return true;
}

int
keys_list(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL);
	const char		*n;

	if (!fill_page(r, v))
		return mkt_fail_db(r);
	if ((n = mkt_arg_one_of(r, "notice", notices)) != NULL)
		json_object_object_add(v, "notice", json_object_new_string(n));
	json_object_object_add(v, "csrf", json_object_new_string(
	    mkt_csrf_token(r)));
	return 200;
}

/* The refused form, again, with the reason (HTML), or the problem. */
static int
refuse(struct mkt_req *r, int status, const char *detail)
{
	struct json_object	*v;

	if (r->fmt == MKT_FMT_JSON)
		return mkt_fail(r, status, status == 400 ? "invalid-parameter" :
		    "conflict", detail);
	v = mkt_view(r, "consume/keys");
	if (!fill_page(r, v))
		return mkt_fail_db(r);
	json_object_object_add(v, "error", json_object_new_string(detail));
	json_object_object_add(v, "csrf", json_object_new_string(
	    mkt_csrf_token(r)));
	return status;
}

/* The scopes of a new key: a JSON array of slugs, or a form field of
 * slugs separated by commas or spaces.  "{}"-text for PostgreSQL's
 * text[] in *out, NULL for none (all services). */
static bool
read_scopes(struct mkt_req *r, const char **out)
{
	struct json_object	*a;
	struct mkt_buf		 b;
	const char		*s, *f;
	bool			 bad = false;
	size_t			 i, n = 0, len;

	*out = NULL;
	mkt_buf_init(&b);
	mkt_buf_putc(&b, '{');
	if (r->json != NULL && json_object_object_get_ex(r->json, "scopes",
	    &a) && a != NULL) {
		if (!json_object_is_type(a, json_type_array))
			bad = true;
		for (i = 0; !bad && i < json_object_array_length(a); i++) {
			s = json_object_get_string(
			    json_object_array_get_idx(a, i));
			if (s == NULL || !mkt_slug_ok(s, 128) ||
			    ++n > MAX_SCOPES) {
				bad = true;
				break;
			}
			mkt_buf_printf(&b, "%s%s", n > 1 ? "," : "", s);
		}
	} else if ((f = mkt_body_field(r, "scopes", false, &bad)) != NULL) {
		for (s = f; !bad && *s != '\0'; s += len) {
			s += strspn(s, ", \t\r\n");
			if ((len = strcspn(s, ", \t\r\n")) == 0)
				break;
			if (++n > MAX_SCOPES) {
				bad = true;
				break;
			}
			mkt_buf_printf(&b, "%s%.*s", n > 1 ? "," : "",
			    (int)len, s);
			if (!mkt_slug_ok(mkt_arena_strndup(r->arena, s, len),
			    128))
				bad = true;
		}
	}
	mkt_buf_putc(&b, '}');
	if (!bad && n > 0)
		*out = mkt_arena_strdup(r->arena, b.ptr);
	mkt_buf_free(&b);
	return !bad;
}

/* A number field (JSON number or form text), within [min, max];
 * def when absent; -1 when malformed. */
static long
read_number(struct mkt_req *r, const char *name, long min, long max,
    long def)
{
	bool		 bad = false;
	const char	*s = mkt_body_field(r, name, true, &bad);
	char		*end;
	long		 v;

	if (bad)
		return -1;
	if (s == NULL)
		return def;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* Makes a key: the secret (returned, shown once) and its stored forms. */
static const char *
new_secret(struct mkt_req *r, char hash[65], char prefix[16], char last4[5])
{
	char	 hex[KEY_HEX + 1];
	char	*key;

	mkt_random_hex(hex, KEY_HEX / 2);
	key = mkt_arena_printf(r->arena, KEY_PREFIX "%s", hex);
	mkt_sha256_hex(hash, key, strlen(key));
	snprintf(prefix, 16, KEY_PREFIX "%.8s", hex);
	snprintf(last4, 5, "%s", hex + KEY_HEX - 4);
	return key;
}

/* Inserts a key inside the caller's transaction; its JSON, or NULL. */
static struct json_object *
insert_key(struct mkt_req *r, const char *name, const char *scope_ids,
    long days, long rpm, const char **secret, const char **id)
{
	char		 hash[65], prefix[16], last4[5];
	const char	*params[7];
	PGresult	*res;

	*secret = new_secret(r, hash, prefix, last4);
	params[0] = r->user->id;
	params[1] = name;
	params[2] = hash;
	params[3] = prefix;
	params[4] = last4;
	params[5] = scope_ids;
	params[6] = days > 0 ? mkt_arena_printf(r->arena, "%ld", days) : NULL;
	if ((res = mkt_db_exec(r, &q_insert, params)) == NULL)
		return NULL;
	*id = mkt_db_val(res, 0, "id");
	if (rpm > 0) {
		params[0] = *id;
		params[1] = mkt_arena_printf(r->arena, "%ld", rpm);
		params[2] = r->user->id;
		if (mkt_db_exec(r, &q_insert_rpm, params) == NULL)
			return NULL;
	}
	return mkt_json_own(r, json_tokener_parse(mkt_db_val(res, 0, "key")));
}

/* The answer that shows a secret: the only time it is ever shown. */
static int
show_secret(struct mkt_req *r, struct json_object *key, const char *secret)
{
	struct json_object	*v = mkt_view(r, "consume/keys"), *created;

	mkt_header(r, "Cache-Control", "no-store");
	if (r->fmt == MKT_FMT_JSON) {
		json_object_object_add(v, "key", json_object_get(key));
		json_object_object_add(v, "secret",
		    json_object_new_string(secret));
		return 201;
	}
	if (!fill_page(r, v))
		return mkt_fail_db(r);
	created = json_object_new_object();
	json_object_object_add(created, "secret",
	    json_object_new_string(secret));
	json_object_object_add(created, "base_url",
	    json_object_new_string(mkt_gateway_url(r)));
	json_object_object_add(created, "key", json_object_get(key));
	json_object_object_add(v, "created", created);
	json_object_object_add(v, "csrf", json_object_new_string(
	    mkt_csrf_token(r)));
	return 201;
}

int
keys_create(struct mkt_req *r)
{
	const char		*name, *scopes = NULL, *ids = NULL, *params[4],
				*secret, *id;
	struct json_object	*key, *details;
	bool			 bad = false;
	long			 days, rpm;
	char			 clr[4];
	PGresult		*res;

	name = mkt_trim(r->arena, mkt_body_field(r, "name", false, &bad));
	if (bad || name == NULL ||
	    mkt_utf8_chars(name, strlen(name)) > NAME_MAX_CHARS)
		return refuse(r, 400, mkt_tr(r, "give the key a name of 1 to 80 "
		    "characters, e.g. where it will be used"));
	if (!read_scopes(r, &scopes))
		return refuse(r, 400, mkt_tr(r, "scopes must be service names "
		    "(at most 50), separated by commas"));
	if ((days = read_number(r, "expires_in_days", 1, 3650, 0)) < 0)
		return refuse(r, 400, mkt_tr(r, "expires_in_days must be a "
		    "whole number of days from 1 to 3650, or empty for none"));
	if ((rpm = read_number(r, "requests_per_minute", 1, 1000000, 0)) < 0)
		return refuse(r, 400, mkt_tr(r, "requests_per_minute must be a "
		    "whole number from 1 to 1000000, or empty for the plan's"));
	if (scopes != NULL) {
		snprintf(clr, sizeof(clr), "%d", mkt_clearance(r));
		params[0] = scopes;
		params[1] = clr;
		params[2] = r->user->org_id;
		params[3] = "1";
		if ((res = mkt_db_exec(r, &q_scopes, params)) == NULL)
			return mkt_fail_db(r);
		if (!mkt_db_bool(res, 0, "all_found"))
			return refuse(r, 400, mkt_tr(r, "one of the scopes is "
			    "not a service in the catalog"));
		ids = mkt_db_val(res, 0, "ids");
	}
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if ((key = insert_key(r, name, ids, days, rpm, &secret, &id)) == NULL)
		goto fail;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "name", json_object_new_string(name));
	json_object_object_add(details, "display", json_object_get(
	    json_object_object_get(key, "display")));
	json_object_object_add(details, "scopes", json_object_get(
	    json_object_object_get(key, "scopes")));
	if (mkt_audit(r, "api_key.create", "api_key", id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	return show_secret(r, key, secret);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

/* The person's own key of the address, locked; NULL after answering. */
static PGresult *
own_key(struct mkt_req *r, int *status)
{
	const char	*params[2];

	params[0] = mkt_route_arg(r, 0);
	params[1] = r->user->id;
	if (!mkt_uuid_ok(params[0])) {
		*status = mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such API key"));
		return NULL;
	}
	return mkt_db_lock_row(r, &q_get, params,
	    mkt_tr(r, "there is no such API key among yours"), status);
}

int
keys_revoke(struct mkt_req *r)
{
	PGresult		*k, *res;
	const char		*params[1];
	struct json_object	*v;
	int			 status;

	if ((k = own_key(r, &status)) == NULL)
		return status;
	if (mkt_db_bool(k, 0, "revoked")) {
		mkt_db_rollback(r);
		return refuse(r, 409, mkt_tr(r, "this key is already revoked"));
	}
	params[0] = mkt_db_val(k, 0, "id");
	if ((res = mkt_db_exec(r, &q_revoke, params)) == NULL ||
	    mkt_audit(r, "api_key.revoke", "api_key", params[0], NULL) !=
	    MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		return mkt_fail_db(r);
	}
	/* Other gateway processes follow within a second (accept.c). */
	accept_forget_key(params[0]);
	if (r->fmt == MKT_FMT_JSON) {
		v = mkt_view(r, NULL);
		json_object_object_add(v, "key", json_tokener_parse(
		    mkt_db_val(res, 0, "key")));
		return 200;
	}
	return mkt_redirect(r, 303, "/keys?notice=revoked");
}

int
keys_rotate(struct mkt_req *r)
{
	PGresult		*k, *res;
	const char		*params[3], *secret, *id, *old;
	struct json_object	*key, *details;
	long			 overlap;
	int			 status;

	/* A day unless asked otherwise: time to redeploy the clients. */
	if ((overlap = read_number(r, "overlap_seconds", 0, 30 * 86400,
	    86400)) < 0)
		return refuse(r, 400, mkt_tr(r, "overlap_seconds must be a whole "
		    "number from 0 to 2592000 (30 days)"));
	if ((k = own_key(r, &status)) == NULL)
		return status;
	if (mkt_db_bool(k, 0, "revoked") || mkt_db_bool(k, 0, "expired")) {
		mkt_db_rollback(r);
		return refuse(r, 409, mkt_tr(r, "a revoked or expired key cannot "
		    "be rotated; create a new one"));
	}
	old = mkt_db_val(k, 0, "id");
	if ((key = insert_key(r, mkt_db_val(k, 0, "name"),
	    mkt_db_val(k, 0, "scopes"), 0, (long)mkt_db_int(k, 0,
	    "requests_per_minute"), &secret, &id)) == NULL)
		goto fail;
	params[0] = old;
	params[1] = id;
	params[2] = mkt_arena_printf(r->arena, "%ld", overlap);
	if ((res = mkt_db_exec(r, &q_retire, params)) == NULL)
		goto fail;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "new_key", json_object_new_string(id));
	json_object_object_add(details, "overlap_seconds",
	    json_object_new_int64(overlap));
	if (mkt_audit(r, "api_key.rotate", "api_key", old, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	accept_forget_key(old);	/* it has an expiry now */
	json_object_object_add(key, "replaces", json_tokener_parse(
	    mkt_db_val(res, 0, "key")));
	return show_secret(r, key, secret);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}
