/* gateway.c: the metering gateway, OpenAI-compatible (FR-003.2, 003.3)
 *
 * One call, in order:
 *   1. the API key (hash lookup; an acceptance is kept for at most a
 *      second, accept.c, so revocation takes effect within a second,
 *      expiry at once);
 *   2. the model: "service[@range]", resolved to the highest active
 *      version in the range (a deprecated one only when no active one
 *      matches, with Deprecation and Sunset headers); never another;
 *   3. policy: the service is active or deprecated, the key's owner may
 *      see it, the key's scopes include it, the organisation's data
 *      residency allows it, a subscription is active;
 *   4. rate limits (limits.c), then the worst case of the call reserved
 *      against the plan's quotas and the budgets (gateway_reserve_batch,
 *      with the calls of the same moment);
 *   5. the provider, through libcurl with the provider's credential,
 *      retried on connection errors and 502/503/504 while nothing has
 *      reached the client;
 *   6. settlement: the usage record and the real cost are made durable
 *      BEFORE the client is told of success (the JSON answer, or for a
 *      stream the final "data: [DONE]"): in the process's journal,
 *      which ships it to PostgreSQL a moment later (journal.c), or
 *      without one committed in PostgreSQL (gateway_settle_batch).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "consume.h"

#define MODEL_MAX	200	/* bytes of "service@range" */
#define RETRIES		3
#define ERROR_BODY_MAX	(64 * 1024)
#define ANSWER_MAX	(16L * 1024 * 1024)

/* K_PASS: the generic passthrough, /gw/{service}[@range]/{path}, for
 * contracts that are not OpenAI's. */
enum kind { K_CHAT, K_COMPLETIONS, K_EMBEDDINGS, K_PASS };

static const char *const kind_path[] = {
	"/chat/completions", "/completions", "/embeddings", NULL
};

#define PASS_SEGMENTS	3	/* /gw/{service}/{a}[/{b}[/{c}]] */

/* The key's row and its owner. */
struct key {
	const char	*id;
	const char	*user_id;
	const char	*org_id;	/* NULL: none */
	long		 rpm;		/* the key's own limit, 0: none */
};

/* Everything about one call, filled step by step. */
struct call {
	struct mkt_req		*r;
	enum kind		 kind;
	struct gw_target	 t;		/* what is called, by whom */
	struct gw_limits	 limits;
	char			 reservation[40];
	const char		*payer_org;
	long			 tokens_in_est, max_out;
	bool			 stream, include_usage;
	const char		*pass_path;	/* K_PASS: "/a/b?query" */
	/* the answer */
	long			 tokens_in, tokens_out;
	bool			 have_usage;
	size_t			 content_bytes;	/* for estimates */
	double			 ttfb_ms;
};

/* ---- errors, in problem JSON that the OpenAI SDKs can read too ---- */

/*
 * RFC 9457 problem JSON, with an extension member "error" shaped as
 * OpenAI's ({"message", "type", "code"}), so that the OpenAI SDKs show
 * the same sentence people read in the problem's detail.
 */
static int
gw_fail(struct mkt_req *r, int status, const char *type, const char *detail)
{
	struct json_object	*extra, *err;

	mkt_fail(r, status, type, detail);
	extra = mkt_json_own(r, json_object_new_object());
	err = json_object_new_object();
	json_object_object_add(err, "message", json_object_new_string(
	    detail != NULL ? detail : r->problem_title));
	json_object_object_add(err, "type", json_object_new_string(type));
	json_object_object_add(err, "code", json_object_new_string(type));
	json_object_object_add(extra, "error", err);
	r->problem_extra = extra;
	return status;
}

/* ---- 1. the key ---- */

/* The key's columns, the same in both lookups (q_key, q_target). */
#define KEY_COLUMNS							\
	"k.id AS key_id, k.user_id AS key_user,"			\
	"  u.organization_id AS key_org,"				\
	"  coalesce(k.requests_per_minute, 0) AS key_rpm,"		\
	"  k.revoked_at IS NOT NULL AS revoked,"			\
	"  coalesce(k.expires_at <= now(), false) AS expired,"		\
	"  coalesce(floor(extract(epoch FROM k.expires_at))::bigint, 0)" \
	"   AS key_expires,"						\
	"  u.status = 'active' AS user_active, k.hash"

static const struct mkt_sql q_key = { "gw_key", 1,
	"SELECT " KEY_COLUMNS
	" FROM api_keys k JOIN users u ON u.id = k.user_id"
	" WHERE k.hash = $1" };

bool
key_format_ok(const char *k)
{
	size_t	 i;

	if (k == NULL || strncmp(k, KEY_PREFIX, strlen(KEY_PREFIX)) != 0)
		return false;
	k += strlen(KEY_PREFIX);
	for (i = 0; i < KEY_HEX; i++)
		if (mkt_hex_digit((unsigned char)k[i]) < 0 ||
		    (k[i] >= 'A' && k[i] <= 'F'))
			return false;
	return k[KEY_HEX] == '\0';
}

static int
unauthorized(struct mkt_req *r, const char *detail)
{
	mkt_header(r, "WWW-Authenticate", "Bearer realm=\"llm-marketplace\"");
	return gw_fail(r, 401, "invalid-api-key", detail);
}

/* The presented key's SHA-256 in hash; 0, or the refusal's status. */
static int
key_token(struct mkt_req *r, char hash[65])
{
	const char	*h = mkt_req_header(r, "HTTP_AUTHORIZATION");
	const char	*token = NULL;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
		token = mkt_skip_ws(h + 7);
	else if ((h = mkt_req_header(r, "HTTP_API_KEY")) != NULL)
		token = h;	/* Azure-style "api-key:" */
	if (token == NULL)
		return unauthorized(r, mkt_tr(r, "send your API key as "
		    "\"Authorization: Bearer mkt_…\"; create one at /keys"));
	if (!key_format_ok(token))
		return unauthorized(r, mkt_tr(r, "this is not a marketplace "
		    "API key (they begin with \"mkt_\")"));
	mkt_sha256_hex(hash, token, strlen(token));
	return 0;
}

/* The key's row (KEY_COLUMNS) as found by hash: 0 and k filled, or the
 * refusal's status. */
static int
key_check(struct mkt_req *r, PGresult *res, const char *hash, struct key *k)
{
	/* The index found the row; compare in constant time anyway. */
	if (PQntuples(res) != 1 ||
	    !mkt_const_eq(mkt_db_val(res, 0, "hash"), hash, 64))
		return unauthorized(r, mkt_tr(r, "this API key is not known; "
		    "check that it was copied whole"));
	if (mkt_db_bool(res, 0, "revoked"))
		return unauthorized(r, mkt_tr(r, "this API key has been "
		    "revoked"));
	if (mkt_db_bool(res, 0, "expired"))
		return unauthorized(r, mkt_tr(r, "this API key has expired; "
		    "create or rotate a key at /keys"));
	if (!mkt_db_bool(res, 0, "user_active"))
		return unauthorized(r, mkt_tr(r, "the account of this API key "
		    "is disabled"));
	k->id = mkt_db_val(res, 0, "key_id");
	k->user_id = mkt_db_val(res, 0, "key_user");
	k->org_id = mkt_db_val(res, 0, "key_org");
	k->rpm = (long)mkt_db_int(res, 0, "key_rpm");
	return 0;
}

/* The key alone (GET /v1/models). */
static int
authenticate_key(struct mkt_req *r, struct key *k)
{
	char		 hash[65];
	const char	*params[1];
	PGresult	*res;
	int		 st;

	if ((st = key_token(r, hash)) != 0)
		return st;
	params[0] = hash;
	if ((res = mkt_db_exec(r, &q_key, params)) == NULL)
		return mkt_fail_db(r);
	return key_check(r, res, hash, k);
}

/* ---- 2, 3. the model and the policy ---- */

/* The service by slug, as the key's owner may use it; its versions that
 * can be called; the best live subscription (the person's own first). */
/* A price in millionths, as a bigint: exact (prices have 6 decimals);
 * NULL for one too large to count that way. */
#define MILLIONTHS(col) "CASE WHEN coalesce(" col ", 0) < 1e12 THEN" \
	" (coalesce(" col ", 0) * 1000000)::bigint END"

/* One statement before the provider: the key (by hash) and, when the
 * key is good, the service it names with everything the call needs. */
static const struct mkt_sql q_target = { "gw_target", 2,
	"SELECT " KEY_COLUMNS ", s.id, s.slug, s.status,"
	"  service_visible(s.compliance_level,"
	"    CASE WHEN u.roles && '{admin,auditor}' THEN 2 ELSE 1 END,"
	"    p.organization_id, u.organization_id) AS visible,"
	"  (k.scopes IS NULL OR s.id = ANY (k.scopes)) AS in_scope,"
	"  (o.residency_required IS NULL OR"
	"   residency_matches(s.data_residency, o.residency_required))"
	"   AS residency_ok,"
	"  o.residency_required,"
	"  s.endpoint->>'url' AS url, s.endpoint->>'model' AS upstream_model,"
	"  s.endpoint_secret,"
	"  CASE WHEN s.sla->>'max_latency_ms' ~ '^[0-9]{1,9}$'"
	"    THEN (s.sla->>'max_latency_ms')::int END AS max_latency_ms,"
	"  x.id AS sub_id, x.status AS sub_status,"
	"  coalesce(pl.requests_per_minute, 0) AS rpm,"
	"  coalesce(pl.tokens_per_minute, 0) AS tpm,"
	"  (SELECT json_agg(json_build_object('id', v.id, 'version', v.version,"
	"     'status', v.status, 'max_output_tokens', v.max_output_tokens,"
	"     'price_in', " MILLIONTHS("v.input_price_per_mtok") ","
	"     'price_out', " MILLIONTHS("v.output_price_per_mtok") ","
	"     'price_call', " MILLIONTHS("v.price_per_request") ","
	"     'deprecated_at', extract(epoch FROM v.deprecated_at)::bigint,"
	"     'sunset_at', to_char(v.sunset_at AT TIME ZONE 'UTC',"
	"       'Dy, DD Mon YYYY HH24:MI:SS \"GMT\"')))"
	"     FROM service_versions v WHERE v.service_id = s.id"
	"      AND v.status IN ('active', 'deprecated')) AS versions"
	" FROM api_keys k JOIN users u ON u.id = k.user_id"
	" LEFT JOIN organizations o ON o.id = u.organization_id"
	" LEFT JOIN services s ON s.slug = $2"
	" LEFT JOIN providers p ON p.id = s.provider_id"
	" LEFT JOIN LATERAL (SELECT y.id, y.status, y.organization_id, y.plan_id"
	"   FROM subscriptions y WHERE y.service_id = s.id"
	"    AND y.status IN ('active', 'pending')"
	"    AND (y.user_id = k.user_id OR y.organization_id = u.organization_id)"
	"   ORDER BY y.status = 'active' DESC, y.user_id = k.user_id DESC"
	"   LIMIT 1) x ON true"
	" LEFT JOIN plans pl ON pl.id = x.plan_id"
	" WHERE k.hash = $1" };

/* "service" or "service@range"; false when malformed. */
static bool
split_model(struct mkt_arena *a, const char *model, const char **slug,
    const char **range)
{
	const char	*at = strchr(model, '@');

	*range = NULL;
	if (at == NULL) {
		*slug = model;
	} else {
		*slug = mkt_arena_strndup(a, model, (size_t)(at - model));
		*range = at + 1;
		if (!mkt_semver_range_ok(*range))
			return false;
	}
	return mkt_slug_ok(*slug, 128);
}

/*
 * The highest version in range among the active ones; failing that,
 * among the deprecated ones.  NULL when none matches: the caller says
 * so, never substituting another.
 */
static struct json_object *
pick_version(struct mkt_req *r, struct json_object *versions,
    const char *range)
{
	struct json_object	*best[2] = { NULL, NULL };
	struct mkt_semver	 bv[2], sv;
	size_t			 i, n;
	int			 slot;

	n = versions ? json_object_array_length(versions) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(versions, i);
		struct json_object *f;

		if (!json_object_object_get_ex(v, "version", &f) ||
		    mkt_semver_parse(r->arena, json_object_get_string(f),
		    &sv) != MKT_OK)
			continue;
		if (range != NULL && !mkt_semver_satisfies(range, &sv))
			continue;
		/* Without a range, pre-releases are never chosen. */
		if (range == NULL && sv.pre != NULL)
			continue;
		json_object_object_get_ex(v, "status", &f);
		slot = strcmp(json_object_get_string(f), "active") == 0 ? 0 : 1;
		if (best[slot] == NULL || mkt_semver_cmp(&sv, &bv[slot]) > 0) {
			best[slot] = v;
			bv[slot] = sv;
		}
	}
	return best[0] != NULL ? best[0] : best[1];
}

static const char *
jstr(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

static long
jlong(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return 0;
	return (long)json_object_get_int64(v);
}

/* The call takes its target, and the headers that say what is called. */
static void
apply_target(struct call *c, const struct gw_target *t)
{
	struct mkt_req	*r = c->r;

	c->t = *t;
	if (c->max_out == 0)
		c->max_out = t->max_output_tokens;
	mkt_header(r, "X-Marketplace-Service", "%s", t->slug);
	mkt_header(r, "X-Marketplace-Version", "%s", t->version);
	if (t->deprecated) {
		/* RFC 9745 and RFC 8594. */
		if (t->deprecated_at > 0)
			mkt_header(r, "Deprecation", "@%lld", t->deprecated_at);
		else
			mkt_header(r, "Deprecation", "true");
		if (t->sunset != NULL)
			mkt_header(r, "Sunset", "%s", t->sunset);
	}
}

/* The target as the database says (q_target's row): 0 and t filled, or
 * the refusal's status. */
static int
target_from_row(struct call *c, PGresult *res, const char *hash,
    const char *slug, const char *range, struct gw_target *t)
{
	struct mkt_req		*r = c->r;
	struct json_object	*versions, *v;
	struct key		 k;
	const char		*sealed, *vs;
	char			*plain;
	size_t			 plen;
	int			 st;

	if ((st = key_check(r, res, hash, &k)) != 0)
		return st;
	if (!mkt_db_bool(res, 0, "visible"))
		return gw_fail(r, 404, "model-not-found", mkt_arena_printf(
		    r->arena, mkt_tr(r, "there is no service \"%s\" you may "
		    "call; GET /v1/models lists yours"), slug));
	if (!mkt_db_bool(res, 0, "in_scope"))
		return gw_fail(r, 403, "forbidden", mkt_arena_printf(r->arena,
		    mkt_tr(r, "this API key is not allowed to call \"%s\" "
		    "(see its scopes at /keys)"), slug));
	if (!mkt_db_bool(res, 0, "residency_ok"))
		return gw_fail(r, 403, "forbidden", mkt_arena_printf(r->arena,
		    mkt_tr(r, "your organisation's data must stay in %s, and "
		    "\"%s\" does not promise that"),
		    mkt_db_val(res, 0, "residency_required"), slug));
	vs = mkt_db_val(res, 0, "status");
	if (strcmp(vs, "active") != 0 && strcmp(vs, "deprecated") != 0)
		return gw_fail(r, 403, "forbidden", mkt_arena_printf(r->arena,
		    mkt_tr(r, "\"%s\" cannot be called now (it is %s)"),
		    slug, vs));
	if (mkt_db_val(res, 0, "sub_id") == NULL)
		return gw_fail(r, 403, "not-subscribed", mkt_arena_printf(
		    r->arena, mkt_tr(r, "subscribe to a plan of \"%s\" first, "
		    "on /services/%s"), slug, slug));
	if (strcmp(mkt_db_val(res, 0, "sub_status"), "active") != 0)
		return gw_fail(r, 403, "not-subscribed", mkt_arena_printf(
		    r->arena, mkt_tr(r, "your subscription to \"%s\" waits "
		    "for approval"), slug));
	versions = mkt_json_own(r, mkt_json_parse(
	    mkt_db_val(res, 0, "versions") ? mkt_db_val(res, 0, "versions") :
	    "[]"));
	if ((v = pick_version(r, versions, range)) == NULL)
		return gw_fail(r, 404, "model-not-found", range != NULL ?
		    mkt_arena_printf(r->arena, mkt_tr(r, "no version of \"%s\" "
		    "that can be called matches \"%s\""), slug, range) :
		    mkt_arena_printf(r->arena, mkt_tr(r, "\"%s\" has no "
		    "version that can be called"), slug));
	memset(t, 0, sizeof(*t));
	t->key_id = (char *)k.id;
	t->key_user = (char *)k.user_id;
	t->key_org = (char *)k.org_id;
	t->key_rpm = k.rpm;
	t->key_expires = (long long)mkt_db_int(res, 0, "key_expires");
	t->service_id = (char *)mkt_db_val(res, 0, "id");
	t->slug = (char *)mkt_db_val(res, 0, "slug");
	t->url = (char *)mkt_db_val(res, 0, "url");
	t->upstream_model = (char *)mkt_db_val(res, 0, "upstream_model");
	t->max_latency_ms = (long)mkt_db_int(res, 0, "max_latency_ms");
	t->sub_id = (char *)mkt_db_val(res, 0, "sub_id");
	t->rpm = (long)mkt_db_int(res, 0, "rpm");
	t->tpm = (long)mkt_db_int(res, 0, "tpm");
	t->version_id = mkt_arena_strdup(r->arena, jstr(v, "id"));
	t->version = mkt_arena_strdup(r->arena, jstr(v, "version"));
	t->max_output_tokens = jlong(v, "max_output_tokens");
	t->deprecated = strcmp(jstr(v, "status"), "deprecated") == 0;
	t->deprecated_at = jlong(v, "deprecated_at");
	t->priced = jstr(v, "price_in") != NULL &&
	    jstr(v, "price_out") != NULL && jstr(v, "price_call") != NULL;
	t->price_in = jlong(v, "price_in");
	t->price_out = jlong(v, "price_out");
	t->price_call = jlong(v, "price_call");
	if (jstr(v, "sunset_at") != NULL)
		t->sunset = mkt_arena_strdup(r->arena, jstr(v, "sunset_at"));
	if (t->url == NULL || (strncmp(t->url, "https://", 8) != 0 &&
	    strncmp(t->url, "http://", 7) != 0))
		return gw_fail(r, 502, "provider-error", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" has no endpoint to call"),
		    slug));
	if ((sealed = mkt_db_val(res, 0, "endpoint_secret")) != NULL) {
		if (mkt_unseal(r->arena, mkt_setting(r, "credential_key", ""),
		    sealed, &plain, &plen) != MKT_OK ||
		    strlen(plain) != plen || !mkt_header_value_ok(plain)) {
			mkt_log_error(r, "the credential of service %s cannot "
			    "be unsealed (credential_key changed?)",
			    t->service_id);
			return gw_fail(r, 502, "provider-error",
			    mkt_tr(r, "the provider's credential is not "
			    "usable; the operators have been told"));
		}
		t->secret = plain;
	}
	return 0;
}

/* 0 and the call's target filled, or the refusal's status.  An
 * acceptance of the last second is used again (accept.c). */
static int
resolve(struct call *c, const char *model, const char *hash)
{
	struct mkt_req		*r = c->r;
	const char		*slug, *range, *params[2];
	struct gw_target	 t;
	PGresult		*res;
	int			 st;

	if (accept_get(r, hash, model, &t)) {
		apply_target(c, &t);
		return 0;
	}
	if (!split_model(r->arena, model, &slug, &range))
		return gw_fail(r, 400, "model-not-found", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" is not a model name: use a "
		    "service's name, optionally with a version range "
		    "(\"summarizer\", \"summarizer@^1.2\", "
		    "\"summarizer@1.4.0\")"), model));
	params[0] = hash;
	params[1] = slug;
	if ((res = mkt_db_exec(r, &q_target, params)) == NULL)
		return mkt_fail_db(r);
	if ((st = target_from_row(c, res, hash, slug, range, &t)) != 0)
		return st;
	accept_put(r, hash, model, &t);
	apply_target(c, &t);
	return 0;
}

/* ---- the request's body ---- */

/* Bytes of text a request sends, for the prompt's token estimate. */
static size_t
text_bytes(struct json_object *o, int depth)
{
	size_t	 n = 0, i;

	if (o == NULL || depth > 8)
		return 0;
	switch (json_object_get_type(o)) {
	case json_type_string:
		return (size_t)json_object_get_string_len(o);
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			n += text_bytes(json_object_array_get_idx(o, i),
			    depth + 1);
		return n;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			if (strcmp(k, "content") == 0 ||
			    strcmp(k, "text") == 0 || strcmp(k, "name") == 0)
				n += text_bytes(v, depth + 1);
			else if (json_object_is_type(v, json_type_array))
				n += text_bytes(v, depth + 1);
		}
		return n;
	}
	case json_type_int:
		return 1;	/* a token id */
	default:
		return 0;
	}
}

/* About four bytes of English per token, plus a few per message. */
static long
estimate_tokens(size_t bytes, size_t messages)
{
	return (long)(bytes / 4 + 1 + messages * 4);
}

/* Validates what the gateway itself needs; the provider checks the
 * rest.  0, or the refusal's status. */
static int
read_body(struct call *c, const char **model)
{
	struct mkt_req		*r = c->r;
	struct json_object	*b = r->json, *f, *msgs = NULL;
	const char		*input;

	if (b == NULL || !json_object_is_type(b, json_type_object))
		return gw_fail(r, 400, "invalid-json", mkt_tr(r, "send a JSON "
		    "object with Content-Type: application/json"));
	if (!json_object_object_get_ex(b, "model", &f) ||
	    !json_object_is_type(f, json_type_string) ||
	    json_object_get_string_len(f) == 0 ||
	    json_object_get_string_len(f) > MODEL_MAX)
		return gw_fail(r, 400, "invalid-parameter", mkt_tr(r, "\"model\" "
		    "must name a service, e.g. \"summarizer\" or "
		    "\"summarizer@^1.2\""));
	*model = json_object_get_string(f);
	input = c->kind == K_CHAT ? "messages" : c->kind == K_COMPLETIONS ?
	    "prompt" : "input";
	if (!json_object_object_get_ex(b, input, &msgs) || msgs == NULL ||
	    (c->kind == K_CHAT && (!json_object_is_type(msgs,
	    json_type_array) || json_object_array_length(msgs) == 0)))
		return gw_fail(r, 400, "invalid-parameter", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" is missing%s"), input,
		    c->kind == K_CHAT ? mkt_tr(r, " (a non-empty array of "
		    "messages)") : ""));
	c->tokens_in_est = estimate_tokens(text_bytes(msgs, 0),
	    json_object_is_type(msgs, json_type_array) && c->kind == K_CHAT ?
	    json_object_array_length(msgs) : 0);
	if (c->kind != K_EMBEDDINGS) {
		if ((json_object_object_get_ex(b, "max_completion_tokens", &f) &&
		    f != NULL) || (json_object_object_get_ex(b, "max_tokens",
		    &f) && f != NULL)) {
			if (!json_object_is_type(f, json_type_int) ||
			    json_object_get_int64(f) < 1 ||
			    json_object_get_int64(f) > 10000000)
				return gw_fail(r, 400, "invalid-parameter",
				    mkt_tr(r, "\"max_tokens\" must be a "
				    "positive integer"));
			c->max_out = (long)json_object_get_int64(f);
		}
		if (json_object_object_get_ex(b, "stream", &f) && f != NULL) {
			if (!json_object_is_type(f, json_type_boolean))
				return gw_fail(r, 400, "invalid-parameter",
				    mkt_tr(r, "\"stream\" must be true or "
				    "false"));
			c->stream = json_object_get_boolean(f);
		}
		if (c->stream && json_object_object_get_ex(b, "stream_options",
		    &f) && json_object_is_type(f, json_type_object) &&
		    json_object_object_get_ex(f, "include_usage", &f))
			c->include_usage = json_object_get_boolean(f);
	}
	return 0;
}

/* The body the provider gets: the consumer's, with the provider's model
 * name, and usage always asked for in streams (metering needs it; the
 * consumer only sees it when it asked). */
static const char *
upstream_body(struct call *c, size_t *len)
{
	struct json_object	*b = c->r->json, *opts;
	const char		*s;

	json_object_object_add(b, "model", json_object_new_string(
	    c->t.upstream_model != NULL ? c->t.upstream_model : c->t.slug));
	if (c->stream) {
		opts = json_object_new_object();
		json_object_object_add(opts, "include_usage",
		    json_object_new_boolean(1));
		json_object_object_add(b, "stream_options", opts);
	}
	s = json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	*len = strlen(s);
	return s;
}

/* W3C Trace Context: the caller's trace continues with a span of ours;
 * without a valid traceparent, a new trace starts here. */
static const char *
traceparent(struct mkt_req *r)
{
	const char	*t = mkt_req_header(r, "HTTP_TRACEPARENT");
	char		 span[17], trace[33];
	size_t		 i;
	bool		 ok = t != NULL && strlen(t) == 55 &&
	    strncmp(t, "00-", 3) == 0 && t[35] == '-' && t[52] == '-';

	for (i = 3; ok && i < 55; i++)
		if (i != 35 && i != 52 && (mkt_hex_digit((unsigned char)t[i]) <
		    0 || (t[i] >= 'A' && t[i] <= 'F')))
			ok = false;
	if (ok && (strncmp(t + 3, "00000000000000000000000000000000", 32) ==
	    0 || strncmp(t + 36, "0000000000000000", 16) == 0))
		ok = false;
	mkt_random_hex(span, 8);
	if (ok)
		return mkt_arena_printf(r->arena, "traceparent: 00-%.32s-%s-%.2s",
		    t + 3, span, t + 53);
	mkt_random_hex(trace, 16);
	return mkt_arena_printf(r->arena, "traceparent: 00-%s-%s-01", trace,
	    span);
}

static const char *const *
upstream_headers(struct call *c)
{
	struct mkt_req	*r = c->r;
	const char	**h = mkt_arena_zalloc(r->arena, 8 * sizeof(*h));
	size_t		 n = 0;

	h[n++] = "Content-Type: application/json";
	h[n++] = c->stream ? "Accept: text/event-stream" :
	    "Accept: application/json";
	if (c->t.secret != NULL)
		h[n++] = mkt_arena_printf(r->arena, "Authorization: Bearer %s",
		    c->t.secret);
	h[n++] = mkt_arena_printf(r->arena, "X-Request-ID: %s", r->id);
	h[n++] = mkt_arena_printf(r->arena, "X-Consumer-ID: %s",
	    c->t.key_user);
	h[n++] = traceparent(r);
	h[n] = NULL;
	return h;
}

static long
call_timeout_ms(struct call *c)
{
	long	 factor = mkt_setting_long(c->r, "gateway_timeout_factor", 2, 1,
	    100);
	long	 max = mkt_setting_long(c->r, "gateway_timeout_max_ms", 300000,
	    1000, 3600000);
	long	 t;

	if (c->stream)
		return mkt_setting_long(c->r, "gateway_stream_timeout_ms",
		    600000, 1000, 86400000);
	t = c->t.max_latency_ms > 0 ? c->t.max_latency_ms * factor : max;
	return t < 1000 ? 1000 : t > max ? max : t;
}

/* ---- 4. reservation, 6. settlement ---- */

/*
 * Both go through group commit (batch.c): the calls that need one at
 * the same moment share one statement and one transaction.
 *
 * Reservations commit asynchronously (gateway_reserve_batch says why: they
 * hold the hot rows of a subscription and an organisation, and losing
 * one in a crash is harmless).  Settlements commit durably, the usage
 * records and the month's counters together, before success is
 * reported.  A batch that fails is tried again call by call, so that one
 * call the database refuses cannot fail the others.
 */
#define BATCH_MAX	64

static const struct mkt_sql q_reserve = { "gw_reserve_batch", 1,
	"SELECT ord, outcome, granted, payer AS org"
	" FROM gateway_reserve_batch($1::json)" };

static const struct mkt_sql q_settle = { "gw_settle_batch", 2,
	"SELECT ord, charged::text AS cost, released, counted"
	" FROM gateway_settle_batch($1::json, $2::boolean)" };

static const struct mkt_sql q_return = { "gw_return", 2,
	"SELECT gateway_return($1, $2::int)" };

/* One call's reservation or settlement in a batch: what it asks (a
 * JSON object), what it gets (the statement's row, copied). */
struct gw_item {
	struct mkt_batch_item	 item;		/* first: items cast back */
	const char		*ask;		/* a JSON object's text */
	const char		*sub;		/* its subscription */
	bool			 ran;		/* false: the statement failed */
	char			 outcome[16];	/* reservation */
	long			 granted;	/* reservation: calls held */
	char			 payer[40];	/* reservation: the paying org */
	char			 amount[48];	/* settlement: the cost */
	bool			 released;	/* settlement */
};

static void
copy_col(char *dst, size_t size, const PGresult *res, int row,
    const char *col)
{
	const char	*v = mkt_db_val(res, row, col);

	snprintf(dst, size, "%s", v != NULL ? v : "");
}

/* Whether items[0..n-1] are paid from several subscriptions: the
 * settlement then locks their rows first, in order. */
static bool
several_subscriptions(struct mkt_batch_item **items, size_t n)
{
	const char		*first = NULL, *sub;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if ((sub = ((struct gw_item *)items[i])->sub) == NULL)
			continue;
		if (first == NULL)
			first = sub;
		else if (strcmp(first, sub) != 0)
			return true;
	}
	return false;
}

/* Runs one statement for items[0..n-1]: true when it did. */
static bool
run_items(struct mkt_req *r, const struct mkt_sql *q,
    struct mkt_batch_item **items, size_t n)
{
	struct mkt_buf		 all;
	const char		*params[2];
	PGresult		*res;
	size_t			 i;
	int			 row, ord;

	mkt_buf_init(&all);
	for (i = 0; i < n; i++) {
		mkt_buf_putc(&all, i == 0 ? '[' : ',');
		mkt_buf_puts(&all, ((struct gw_item *)items[i])->ask);
	}
	mkt_buf_putc(&all, ']');
	params[0] = all.ptr;
	params[1] = q == &q_settle && several_subscriptions(items, n) ?
	    "true" : "false";
	res = mkt_db_exec(r, q, params);
	mkt_buf_free(&all);
	if (res == NULL || (size_t)PQntuples(res) != n)
		return false;
	for (row = 0; row < (int)n; row++) {
		struct gw_item *it;

		ord = (int)mkt_db_int(res, row, "ord");
		if (ord < 1 || ord > (int)n)
			return false;
		it = (struct gw_item *)items[ord - 1];
		it->ran = true;
		if (q == &q_reserve) {
			copy_col(it->outcome, sizeof(it->outcome), res, row,
			    "outcome");
			it->granted = (long)mkt_db_int(res, row, "granted");
			copy_col(it->payer, sizeof(it->payer), res, row, "org");
		} else {
			copy_col(it->amount, sizeof(it->amount), res, row,
			    "cost");
			it->released = mkt_db_bool(res, row, "released");
		}
	}
	return true;
}

static void
run_batch(struct mkt_req *r, const struct mkt_sql *q,
    struct mkt_batch_item **items, size_t n)
{
	size_t	 i;

	if (run_items(r, q, items, n) || n == 1)
		return;
	/* Nothing of a failed statement committed: each alone now. */
	mkt_log_warn(r, "a batch of %zu calls failed; each is tried alone",
	    n);
	for (i = 0; i < n; i++)
		if (!((struct gw_item *)items[i])->ran)
			run_items(r, q, &items[i], 1);
}

static void
run_reserve(struct mkt_req *r, struct mkt_batch_item **items, size_t n)
{
	run_batch(r, &q_reserve, items, n);
}

static void
run_settle(struct mkt_req *r, struct mkt_batch_item **items, size_t n)
{
	run_batch(r, &q_settle, items, n);
}

static struct mkt_batch	 reserve_batch, settle_batch;
static pthread_once_t	 batches_once = PTHREAD_ONCE_INIT;

static void
batches_init(void)
{
	mkt_batch_init(&reserve_batch, BATCH_MAX, run_reserve);
	mkt_batch_init(&settle_batch, BATCH_MAX, run_settle);
}

/* Submits one call's item; true when its statement ran. */
static bool
submit(struct mkt_req *r, struct mkt_batch *b, struct gw_item *it)
{
	pthread_once(&batches_once, batches_init);
	it->ran = false;
	mkt_batch_submit(r, b, &it->item);
	return it->ran;
}

static struct json_object *
batch_figures(struct mkt_batch *b)
{
	struct json_object	*o = json_object_new_object();

	pthread_mutex_lock(&b->lock);
	json_object_object_add(o, "batches", json_object_new_int64(
	    (int64_t)b->batches));
	json_object_object_add(o, "calls", json_object_new_int64(
	    (int64_t)b->items));
	json_object_object_add(o, "largest", json_object_new_int64(
	    (int64_t)b->largest));
	pthread_mutex_unlock(&b->lock);
	return o;
}

/* /health/consume: the core's checks, and the gateway's own figures
 * (this process's batches since it started) and policies. */
int
gw_health(struct mkt_req *r)
{
	struct json_object	*v, *g, *a;
	unsigned long		 hits, misses;
	long			 threads, connections;
	bool			 healthy;
	int			 status = mkt_health(r);

	pthread_once(&batches_once, batches_init);
	v = r->view;	/* mkt_health's */
	g = json_object_new_object();
	json_object_object_add(g, "ratelimit_when_memcached_down",
	    json_object_new_string(strcmp(mkt_setting(r,
	    "gateway_ratelimit_fail", "open"), "closed") == 0 ?
	    "closed (calls refused)" : "open (calls let through)"));
	a = json_object_new_object();
	json_object_object_add(a, "ms", json_object_new_int64(
	    mkt_setting_long(r, "gateway_accept_cache_ms", 1000, 0, 1000)));
	accept_figures(&hits, &misses);
	json_object_object_add(a, "hits", json_object_new_int64(
	    (int64_t)hits));
	json_object_object_add(a, "misses", json_object_new_int64(
	    (int64_t)misses));
	json_object_object_add(g, "accepted_again", a);
	json_object_object_add(g, "reservations",
	    batch_figures(&reserve_batch));
	json_object_object_add(g, "settlements", batch_figures(&settle_batch));
	json_object_object_add(g, "journal", journal_figures(&healthy));
	/* Calls still succeed, settled on the call, or shipped late. */
	if (!healthy && status == 200)
		json_object_object_add(v, "status",
		    json_object_new_string("degraded"));
	if (mkt_http_figures(&threads, &connections)) {
		a = json_object_new_object();
		json_object_object_add(a, "threads",
		    json_object_new_int64(threads));
		json_object_object_add(a, "connections",
		    json_object_new_int64(connections));
		json_object_object_add(g, "http_server", a);
	}
	json_object_object_add(v, "gateway", g);
	return status;
}

/*
 * A call's record or reservation, written as the text of a JSON object:
 * the journal and a batch's array take it as it is, with no tree of
 * objects made, printed and freed for every call (that was 6 % of a
 * call's time in the gateway).  rec_end() closes it, in the arena.
 */
static void
rec_key(struct mkt_buf *b, const char *k)
{
	mkt_buf_puts(b, b->len == 0 ? "{\"" : ",\"");
	mkt_buf_puts(b, k);
	mkt_buf_append(b, "\":", 2);
}

static void
rec_str(struct mkt_buf *b, const char *k, const char *v)
{
	rec_key(b, k);
	if (v == NULL) {
		mkt_buf_append(b, "null", 4);
		return;
	}
	mkt_buf_putc(b, '"');
	mkt_esc_json(b, v, strlen(v));
	mkt_buf_putc(b, '"');
}

static void
rec_int(struct mkt_buf *b, const char *k, long long v)
{
	rec_key(b, k);
	mkt_buf_printf(b, "%lld", v);
}

static void
rec_bool(struct mkt_buf *b, const char *k, bool v)
{
	rec_key(b, k);
	mkt_buf_puts(b, v ? "true" : "false");
}

/* Now, as ISO 8601 in UTC to the microsecond: the time of a call's
 * usage record, which may reach PostgreSQL a while after (0030). */
static void
rec_now(struct mkt_buf *b, const char *k)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 text[40];
	size_t		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text + n, sizeof(text) - n, ".%06ldZ", ts.tv_nsec / 1000);
	rec_str(b, k, text);
}

static const char *
rec_end(struct mkt_req *r, struct mkt_buf *b)
{
	const char	*text;

	mkt_buf_putc(b, '}');
	text = mkt_arena_strndup(r->arena, b->ptr, b->len);
	mkt_buf_free(b);
	return text;
}

/* Gives back calls reserved and not used (a lease, or a reservation
 * whose call could not be recorded). */
static void
give_back(struct call *c, const char *id, long calls)
{
	const char	*params[2];

	if (id[0] == '\0' || calls <= 0)
		return;
	params[0] = id;
	params[1] = mkt_arena_printf(c->r->arena, "%ld", calls);
	if (mkt_db_exec(c->r, &q_return, params) == NULL)
		mkt_log_warn(c->r, "reservation %s not given back; "
		    "gateway-sweep will", id);
}

static int
reserve(struct call *c)
{
	struct mkt_req		*r = c->r;
	struct gw_item		 it;
	struct lease_ask	 la;
	struct lease_return	 back;
	struct mkt_buf		 ask;
	const char		*outcome;

	memset(&la, 0, sizeof(la));
	la.sub = c->t.sub_id;
	la.version = c->t.version_id;
	la.tin = c->tokens_in_est;
	la.tout = c->max_out;
	if (lease_draw(&la, &back)) {
		give_back(c, back.id, back.calls);
		snprintf(c->reservation, sizeof(c->reservation), "%s", la.id);
		c->payer_org = la.payer[0] != '\0' ?
		    mkt_arena_strdup(r->arena, la.payer) : NULL;
		return 0;
	}
	give_back(c, back.id, back.calls);
	memset(&it, 0, sizeof(it));
	mkt_random_hex(c->reservation, 16);
	mkt_buf_init(&ask);
	rec_str(&ask, "request", c->reservation);
	rec_str(&ask, "subscription", c->t.sub_id);
	rec_str(&ask, "version", c->t.version_id);
	rec_int(&ask, "tokens_in", la.tin);
	rec_int(&ask, "tokens_out", la.tout);
	rec_int(&ask, "ttl", call_timeout_ms(c) / 1000 + 60);
	rec_int(&ask, "calls", la.want);
	it.ask = rec_end(r, &ask);
	it.sub = c->t.sub_id;
	if (!submit(r, &reserve_batch, &it)) {
		lease_granted(&la, NULL, NULL, 0);
		c->reservation[0] = '\0';
		mkt_header(r, "Retry-After", "2");
		return gw_fail(r, 503, "service-unavailable", mkt_tr(r, "the "
		    "call could not be reserved against your plan right now; "
		    "try again in a few seconds"));
	}
	outcome = it.outcome;
	if (strcmp(outcome, "ok") == 0) {
		lease_granted(&la, c->reservation, it.payer, it.granted);
		c->payer_org = it.payer[0] != '\0' ?
		    mkt_arena_strdup(r->arena, it.payer) : NULL;
		return 0;
	}
	lease_granted(&la, NULL, NULL, 0);
	c->reservation[0] = '\0';
	if (strcmp(outcome, "requests") == 0 || strcmp(outcome, "tokens") == 0)
		return gw_fail(r, 403, "quota-exceeded", strcmp(outcome,
		    "requests") == 0 ? mkt_tr(r, "this subscription's requests "
		    "for the month are used up; change plan or wait for next "
		    "month") : mkt_tr(r, "this subscription's tokens for the "
		    "month are used up, or this call (prompt and max_tokens) "
		    "would pass them; lower max_tokens or change plan"));
	if (strcmp(outcome, "budget") == 0)
		return gw_fail(r, 402, "budget-exhausted", mkt_tr(r, "this call "
		    "could cost more than what is left of the plan's monthly "
		    "budget (its worst case counts: prompt and max_tokens); "
		    "lower max_tokens or change plan"));
	if (strcmp(outcome, "org_budget") == 0)
		return gw_fail(r, 402, "budget-exhausted", mkt_tr(r, "your "
		    "organisation's monthly budget would be passed by this "
		    "call; ask its administrator"));
	return gw_fail(r, 403, "not-subscribed", mkt_tr(r, "the subscription "
	    "is no longer active"));
}

/* The call's reservation back, without counting anything (its usage
 * could not be recorded). */
static void
release(struct call *c)
{
	give_back(c, c->reservation, 1);
	c->reservation[0] = '\0';
}

/*
 * What a call is charged, as gateway_settle_batch charges it: its tokens
 * at the version's prices, rounded half up to 8 decimals; nothing for a
 * call that failed.  In the arena; NULL when the prices are not known.
 * Counted in 10^-12 of the currency (millionths of a price per million
 * tokens), exact in 128 bits.
 */
static const char *
call_cost(struct mkt_req *r, const struct gw_target *t, const char *status,
    long tin, long tout)
{
	unsigned __int128	 pico;
	unsigned long long	 e8;

	if (strcmp(status, "success") != 0 && strcmp(status, "partial") != 0 &&
	    strcmp(status, "client_closed") != 0)
		return "0";
	if (!t->priced || t->price_in < 0 || t->price_out < 0 ||
	    t->price_call < 0 || tin < 0 || tout < 0)
		return NULL;
	pico = (unsigned __int128)t->price_in * (unsigned long)tin +
	    (unsigned __int128)t->price_out * (unsigned long)tout +
	    (unsigned __int128)t->price_call * 1000000u;
	pico = (pico + 5000) / 10000;		/* to 10^-8 */
	if (pico > (unsigned __int128)UINT64_MAX)
		return NULL;
	e8 = (unsigned long long)pico;
	return mkt_arena_printf(r->arena, "%llu.%08llu", e8 / 100000000ULL,
	    e8 % 100000000ULL);
}

/* Writes the usage record and counts the call; false when that could
 * not be committed, and then success must not be reported. */
static bool
settle(struct call *c, const char *status, double ms)
{
	struct mkt_req	*r = c->r;
	struct gw_item	 it;
	bool		 estimated = !c->have_usage;
	long		 tin = c->tokens_in, tout = c->tokens_out;
	struct mkt_buf	 rec;
	const char	*cost;

	if (estimated) {
		tin = c->tokens_in_est;
		tout = c->kind == K_EMBEDDINGS ? 0 :
		    (long)((c->content_bytes + 3) / 4);
	}
	c->tokens_in = tin;
	c->tokens_out = tout;
	memset(&it, 0, sizeof(it));
	mkt_buf_init(&rec);
	/* The reservation's key is apart from the record's request id,
	 * which the client may choose. */
	rec_str(&rec, "reservation", c->reservation);
	rec_str(&rec, "request", r->id);
	rec_str(&rec, "service", c->t.service_id);
	rec_str(&rec, "version", c->t.version_id);
	rec_str(&rec, "consumer", c->t.key_user);
	rec_str(&rec, "key", c->t.key_id);
	rec_str(&rec, "org", c->payer_org);
	rec_str(&rec, "subscription", c->t.sub_id);
	rec_int(&rec, "tokens_in", tin);
	rec_int(&rec, "tokens_out", tout);
	rec_bool(&rec, "estimated", estimated);
	rec_int(&rec, "latency_ms", (long long)(ms + 0.5));
	rec_int(&rec, "ttfb_ms", (long long)(c->ttfb_ms + 0.5));
	rec_str(&rec, "status", status);
	if (c->t.max_latency_ms > 0)
		rec_int(&rec, "max_latency_ms", c->t.max_latency_ms);
	rec_bool(&rec, "touch", accept_touch_key(c->t.key_id));
	rec_now(&rec, "at");
	/* At the prices the call was accepted at: the record is charged
	 * that, however late it reaches PostgreSQL (0030); unknown, the
	 * version's prices there and then. */
	if ((cost = call_cost(r, &c->t, status, tin, tout)) != NULL)
		rec_str(&rec, "cost", cost);
	it.ask = rec_end(r, &rec);
	it.sub = c->t.sub_id;
	/* Durable in the journal, the record reaches PostgreSQL a moment
	 * later. */
	if (journal_write(c->t.sub_id, it.ask)) {
		c->reservation[0] = '\0';
		if (cost != NULL)
			mkt_header(r, "X-Usage-Cost", "%s", cost);
		if (c->t.tpm > 0)
			limits_count_tokens(r, c->t.sub_id, tin + tout);
		return true;
	}
	if (!submit(r, &settle_batch, &it)) {
		mkt_log_error(r, "usage of call to %s not recorded",
		    c->t.slug);
		return false;
	}
	c->reservation[0] = '\0';
	mkt_header(r, "X-Usage-Cost", "%s", it.amount);
	if (c->t.tpm > 0)
		limits_count_tokens(r, c->t.sub_id, tin + tout);
	return true;
}

/* ---- reading usage from answers ---- */

static void
read_usage(struct call *c, struct json_object *o)
{
	struct json_object	*u, *ch, *f;
	size_t			 i;

	if (json_object_object_get_ex(o, "usage", &u) &&
	    json_object_is_type(u, json_type_object)) {
		c->tokens_in = jlong(u, "prompt_tokens");
		c->tokens_out = jlong(u, "completion_tokens");
		if (c->tokens_in < 0 || c->tokens_out < 0 ||
		    c->tokens_in > INT32_MAX || c->tokens_out > INT32_MAX)
			c->tokens_in = c->tokens_out = 0;
		else
			c->have_usage = true;
	}
	if (!json_object_object_get_ex(o, "choices", &ch) ||
	    !json_object_is_type(ch, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(ch); i++) {
		struct json_object *one = json_object_array_get_idx(ch, i);

		if (json_object_object_get_ex(one, "delta", &f) ||
		    json_object_object_get_ex(one, "message", &f))
			c->content_bytes += text_bytes(f, 0);
		else if (json_object_object_get_ex(one, "text", &f))
			c->content_bytes += text_bytes(f, 0);
	}
}

/* ---- 5. the provider ---- */

static bool
retryable(const struct mkt_http_resp *h)
{
	if (h->status == 0)
		return !h->timed_out;	/* could not connect, or closed */
	return h->status == 502 || h->status == 503 || h->status == 504;
}

static void
backoff(int attempt)
{
	struct timespec	 ts = { 0, 50L * 1000 * 1000 << attempt };

	nanosleep(&ts, NULL);
}

/* A provider's failure as the consumer sees it: what happened, never
 * the provider's internals or its credential. */
static int
provider_failed(struct call *c, const struct mkt_http_resp *h,
    const char *body)
{
	struct mkt_req		*r = c->r;
	struct json_object	*o, *e;
	const char		*msg = NULL;

	if (h->timed_out)
		return gw_fail(r, 504, "provider-timeout", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" did not answer within %ld ms"),
		    c->t.slug, call_timeout_ms(c)));
	if (h->status == 0)
		return gw_fail(r, 502, "provider-error", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" could not be reached"),
		    c->t.slug));
	/* A request the provider found wrong is the consumer's to fix:
	 * pass its message on (only the message). */
	if (h->status == 400 || h->status == 404 || h->status == 413 ||
	    h->status == 422) {
		if (body != NULL && (o = mkt_json_own(r,
		    mkt_json_parse(body))) != NULL &&
		    json_object_object_get_ex(o, "error", &e) &&
		    json_object_is_type(e, json_type_object))
			msg = jstr(e, "message");
		return gw_fail(r, 400, "bad-request", mkt_arena_printf(r->arena,
		    mkt_tr(r, "\"%s\" refused the request: %.300s"),
		    c->t.slug, msg != NULL && mkt_text_clean(msg,
		    strlen(msg)) ? msg : mkt_tr(r, "no reason given")));
	}
	return gw_fail(r, 502, "provider-error", mkt_arena_printf(r->arena,
	    mkt_tr(r, "\"%s\" answered with an error (HTTP %ld)"),
	    c->t.slug, h->status));
}

static const char *
usage_status(long http)
{
	return http == 0 ? "unreachable" : http >= 500 ? "provider_error" :
	    "rejected";
}

/* A whole answer at once. */
static int
forward_plain(struct call *c, const char *url, const char *const *hdr,
    const char *body, size_t len)
{
	struct mkt_req		*r = c->r;
	struct mkt_http_resp	 h;
	struct json_object	*o;
	int			 attempt;
	enum mkt_err		 e;

	for (attempt = 0; ; attempt++) {
		e = mkt_http(r->arena, c->kind == K_PASS ? r->method_name :
		    "POST", url, hdr, body, len, call_timeout_ms(c),
		    ANSWER_MAX, &h);
		if (attempt >= RETRIES || !retryable(&h))
			break;
		mkt_log_warn(r, "provider of %s: %s; retrying",
		    c->t.slug, h.status ? "HTTP error" : h.error);
		backoff(attempt);
	}
	c->ttfb_ms = h.ttfb_ms;
	if (e != MKT_OK || h.status < 200 || h.status > 299 ||
	    h.error[0] != '\0') {
		if (e == MKT_OK && h.error[0] != '\0' && h.status >= 200 &&
		    h.status <= 299)
			h.status = 502;		/* larger than allowed */
		if (!settle(c, h.timed_out ? "timeout" : usage_status(
		    h.status), mkt_elapsed_ms(&r->t0)))
			release(c);
		return provider_failed(c, &h, e == MKT_OK ? h.body : NULL);
	}
	if ((o = mkt_json_own(r, mkt_json_parse(h.body))) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		settle(c, "provider_error", mkt_elapsed_ms(&r->t0));
		return gw_fail(r, 502, "provider-error", mkt_arena_printf(
		    r->arena, mkt_tr(r, "\"%s\" answered with something that "
		    "is not JSON"), c->t.slug));
	}
	read_usage(c, o);
	if (!settle(c, "success", mkt_elapsed_ms(&r->t0)))
		return gw_fail(r, 503, "usage-not-recorded", mkt_tr(r, "the "
		    "call succeeded but its usage could not be recorded, so "
		    "its answer is withheld; try again"));
	limits_headers(r, &c->limits);
	r->view_text = h.body;
	r->view_text_len = h.len;
	while (r->view_text_len > 0 && (h.body[r->view_text_len - 1] == '\n' ||
	    h.body[r->view_text_len - 1] == '\r'))
		r->view_text_len--;
	return 200;
}

/* A stream: server-sent events passed through one by one. */
struct relay {
	struct call	*c;
	long		 status;	/* the provider's */
	bool		 started;	/* our head went out */
	bool		 done;		/* "data: [DONE]" arrived */
	bool		 client_gone;
	bool		 upstream_error; /* an error event in the stream */
	struct mkt_buf	 pending;	/* an event not complete yet */
	struct mkt_buf	 error_body;	/* a refusal's body, not relayed */
};

/* One complete event ("data: …" lines); false when the client went. */
static bool
relay_event(struct relay *rl, const char *ev, size_t len)
{
	struct call		*c = rl->c;
	const char		*data;
	struct json_object	*o, *ch;
	bool			 forward = true;

	if (len >= 6 && strncmp(ev, "data: ", 6) == 0) {
		data = ev + 6;
		if (len - 6 >= 6 && strncmp(data, "[DONE]", 6) == 0) {
			rl->done = true;
			return true;	/* sent after settlement */
		}
		if ((o = mkt_json_parse(data)) != NULL) {
			read_usage(c, o);
			if (json_object_object_get_ex(o, "error", NULL))
				rl->upstream_error = true;
			/* The usage-only chunk we asked for ourselves. */
			if (!c->include_usage && json_object_object_get_ex(o,
			    "choices", &ch) && json_object_is_type(ch,
			    json_type_array) && json_object_array_length(ch) ==
			    0 && json_object_object_get_ex(o, "usage", NULL))
				forward = false;
			json_object_put(o);
		}
	}
	if (!forward)
		return true;
	if (!mkt_stream_write(c->r, ev, len) ||
	    !mkt_stream_write(c->r, "\n\n", 2)) {
		rl->client_gone = true;
		return false;
	}
	return true;
}

static bool
relay_piece(void *arg, long status, const char *ctype, const char *p,
    size_t n)
{
	struct relay	*rl = arg;
	struct call	*c = rl->c;
	char		*start, *end;
	size_t		 used;

	rl->status = status;
	if (status != 200 || ctype == NULL ||
	    strncasecmp(ctype, "text/event-stream", 17) != 0) {
		/* A refusal or a plain answer: kept for the error. */
		if (rl->error_body.len + n <= ERROR_BODY_MAX)
			mkt_buf_append(&rl->error_body, p, n);
		return true;
	}
	if (!rl->started) {
		c->ttfb_ms = mkt_elapsed_ms(&c->r->t0);
		limits_headers(c->r, &c->limits);
		mkt_header(c->r, "X-Accel-Buffering", "no");
		rl->started = true;
		if (!mkt_stream_begin(c->r, 200, "text/event-stream; "
		    "charset=utf-8")) {
			rl->client_gone = true;
			return false;
		}
	}
	/* Lines may end in \r\n (SSE allows it): the \r go, so that
	 * complete events end with "\n\n". */
	for (used = 0; used < n; used++) {
		const char	*cr = memchr(p + used, '\r', n - used);
		size_t		 piece = cr ? (size_t)(cr - (p + used)) : n - used;

		mkt_buf_append(&rl->pending, p + used, piece);
		used += piece;
	}
	used = 0;
	start = rl->pending.ptr;
	while ((end = strstr(start, "\n\n")) != NULL) {
		size_t	 len = (size_t)(end - start);

		if (len > 0 && !relay_event(rl, start, len))
			return false;
		start = end + 2;
		used = (size_t)(start - rl->pending.ptr);
	}
	if (used > 0) {
		memmove(rl->pending.ptr, rl->pending.ptr + used,
		    rl->pending.len - used);
		rl->pending.len -= used;
		rl->pending.ptr[rl->pending.len] = '\0';
	}
	return true;
}

/* The stream's last event when it did not end well: OpenAI's SDKs turn
 * an event with "error" into an exception. */
static void
stream_error(struct call *c, const char *type, const char *message)
{
	struct json_object	*o = json_object_new_object(), *e;
	const char		*s;

	e = json_object_new_object();
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "code", json_object_new_string(type));
	json_object_object_add(o, "error", e);
	s = mkt_arena_printf(c->r->arena, "data: %s\n\n",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	mkt_stream_write(c->r, s, strlen(s));
}

static int
forward_stream(struct call *c, const char *url, const char *const *hdr,
    const char *body, size_t len)
{
	struct mkt_req		*r = c->r;
	struct mkt_http_resp	 h;
	struct relay		 rl;
	int			 attempt, status;
	enum mkt_err		 e;
	bool			 ok;

	memset(&rl, 0, sizeof(rl));
	rl.c = c;
	mkt_buf_init(&rl.pending);
	mkt_buf_init(&rl.error_body);
	for (attempt = 0; ; attempt++) {
		e = mkt_http_stream(r->arena, "POST", url, hdr, body, len,
		    call_timeout_ms(c), &h, relay_piece, &rl);
		if (rl.started || attempt >= RETRIES || !retryable(&h))
			break;
		mkt_buf_reset(&rl.error_body);
		backoff(attempt);
	}
	if (!rl.started) {
		/* Nothing was sent: an ordinary error answer. */
		mkt_buf_append(&rl.error_body, "", 0);
		if (!settle(c, h.timed_out ? "timeout" : usage_status(
		    h.status == 200 ? 502 : h.status), mkt_elapsed_ms(&r->t0)))
			release(c);
		if (e == MKT_OK && h.status == 200)
			h.status = 502;		/* 200 but not a stream */
		status = provider_failed(c, &h, rl.error_body.ptr);
		goto out;
	}
	ok = e == MKT_OK && rl.done && !rl.upstream_error && !rl.client_gone;
	if (!settle(c, ok ? "success" : rl.client_gone ? "client_closed" :
	    "partial", mkt_elapsed_ms(&r->t0))) {
		stream_error(c, "usage-not-recorded", mkt_tr(r, "the usage of "
		    "this call could not be recorded, so it did not succeed; "
		    "try again"));
	} else if (ok) {
		mkt_stream_write(r, "data: [DONE]\n\n", 14);
	} else if (!rl.client_gone && !rl.upstream_error) {
		stream_error(c, "provider-error", mkt_arena_printf(r->arena,
		    mkt_tr(r, "the stream from \"%s\" ended before it was "
		    "complete"), c->t.slug));
	}
	status = 200;
out:
	mkt_buf_free(&rl.pending);
	mkt_buf_free(&rl.error_body);
	return status;
}

static int gw_call(struct mkt_req *, enum kind);

/* ---- the generic passthrough ---- */

/* Path segments passed on: unreserved characters only, never "." or
 * "..", so that nothing climbs out of the provider's base URL. */
static bool
segment_ok(const char *s)
{
	size_t	 n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-._~");

	return n > 0 && s[n] == '\0' && n <= 200 && strcmp(s, ".") != 0 &&
	    strcmp(s, "..") != 0;
}

/* /gw/{service}[@range]/{path}: the model from the address, the path
 * and query passed on, the body as sent.  Tokens come from an answer's
 * "usage" when it has one; otherwise the call is metered as a request
 * (the version's price per request) with an estimate from the sizes. */
static int
pass_target(struct call *c, const char **model)
{
	struct mkt_req		*r = c->r;
	struct mkt_buf		 b;
	struct json_object	*f;
	const char		*seg;
	size_t			 i;

	*model = mkt_route_arg(r, 0);
	if (*model == NULL || strlen(*model) > MODEL_MAX)
		return gw_fail(r, 400, "model-not-found", mkt_tr(r, "name the "
		    "service: /gw/{service}[@range]/{path}"));
	mkt_buf_init(&b);
	for (i = 1; i <= PASS_SEGMENTS && (seg = mkt_route_arg(r, i)) != NULL;
	    i++) {
		if (!segment_ok(seg)) {
			mkt_buf_free(&b);
			return gw_fail(r, 400, "bad-request", mkt_tr(r, "the "
			    "path passed to the provider may hold letters, "
			    "digits and - . _ ~ only"));
		}
		mkt_buf_printf(&b, "/%s", seg);
	}
	if (r->query != NULL && *r->query != '\0')
		mkt_buf_printf(&b, "?%s", r->query);
	c->pass_path = mkt_arena_strdup(r->arena, b.ptr ? b.ptr : "");
	mkt_buf_free(&b);
	c->tokens_in_est = estimate_tokens(r->body_len, 0);
	if (r->json != NULL && json_object_is_type(r->json, json_type_object) &&
	    json_object_object_get_ex(r->json, "max_tokens", &f) &&
	    json_object_is_type(f, json_type_int) &&
	    json_object_get_int64(f) > 0 && json_object_get_int64(f) < 10000000)
		c->max_out = (long)json_object_get_int64(f);
	else
		c->max_out = 1;	/* a request, not a generation */
	return 0;
}

int
gw_passthrough(struct mkt_req *r)
{
	return gw_call(r, K_PASS);
}

/* ---- the endpoints ---- */

static int
gw_call(struct mkt_req *r, enum kind kind)
{
	struct call	 c;
	const char	*model = NULL, *body, *url;
	char		 hash[65];
	size_t		 len;
	int		 st;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.kind = kind;
	if ((st = key_token(r, hash)) != 0)
		return st;
	if (kind == K_PASS) {
		if ((st = pass_target(&c, &model)) != 0)
			return st;
	} else if ((st = read_body(&c, &model)) != 0)
		return st;
	if ((st = resolve(&c, model, hash)) != 0)
		return st;
	if (c.max_out <= 0)
		c.max_out = kind == K_EMBEDDINGS ? 0 : mkt_setting_long(r,
		    "gateway_default_max_tokens", 4096, 1, 10000000);
	if ((st = limits_admit(r, c.t.key_id, c.t.key_rpm, c.t.sub_id, c.t.rpm, c.t.tpm,
	    &c.limits)) != 0)
		return st;
	if ((st = reserve(&c)) != 0)
		return st;
	/* The provider takes seconds: the connection serves other calls
	 * meanwhile, and settlement takes one again. */
	mkt_db_release(r);
	if (kind == K_PASS) {
		body = r->body;
		len = r->body_len;
		url = mkt_arena_printf(r->arena, "%s%s", c.t.url, c.pass_path);
	} else {
		body = upstream_body(&c, &len);
		url = mkt_arena_printf(r->arena, "%s%s", c.t.url,
		    kind_path[kind]);
	}
	if (c.stream)
		return forward_stream(&c, url, upstream_headers(&c), body, len);
	return forward_plain(&c, url, upstream_headers(&c), body, len);
}

int
gw_chat(struct mkt_req *r)
{
	return gw_call(r, K_CHAT);
}

int
gw_completions(struct mkt_req *r)
{
	return gw_call(r, K_COMPLETIONS);
}

int
gw_embeddings(struct mkt_req *r)
{
	return gw_call(r, K_EMBEDDINGS);
}

/* The services this key may call, as OpenAI's model list. */
static const struct mkt_sql q_models = { "gw_models", 1,
	"SELECT s.slug, p.slug AS owner,"
	"  extract(epoch FROM s.created_at)::bigint AS created,"
	"  (SELECT json_agg(v.version ORDER BY v.created_at)"
	"     FROM service_versions v WHERE v.service_id = s.id"
	"      AND v.status IN ('active', 'deprecated')) AS versions"
	" FROM api_keys k JOIN users u ON u.id = k.user_id"
	" JOIN subscriptions x ON x.status = 'active'"
	"  AND (x.user_id = k.user_id OR x.organization_id = u.organization_id)"
	" JOIN services s ON s.id = x.service_id"
	"  AND s.status IN ('active', 'deprecated')"
	" JOIN providers p ON p.id = s.provider_id"
	" WHERE k.id = $1::uuid AND (k.scopes IS NULL OR s.id = ANY (k.scopes))"
	" GROUP BY s.id, p.slug ORDER BY s.slug" };

int
gw_models(struct mkt_req *r)
{
	struct key		 k;
	struct json_object	*v, *data, *m, *vs;
	const char		*params[1];
	PGresult		*res;
	int			 i, st;

	if ((st = authenticate_key(r, &k)) != 0)
		return st;
	params[0] = k.id;
	if ((res = mkt_db_exec(r, &q_models, params)) == NULL)
		return mkt_fail_db(r);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "object", json_object_new_string("list"));
	data = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(
		    mkt_db_val(res, i, "slug")));
		json_object_object_add(m, "object",
		    json_object_new_string("model"));
		json_object_object_add(m, "created", json_object_new_int64(
		    mkt_db_int(res, i, "created")));
		json_object_object_add(m, "owned_by", json_object_new_string(
		    mkt_db_val(res, i, "owner")));
		vs = mkt_json_parse(mkt_db_val(res, i, "versions") ?
		    mkt_db_val(res, i, "versions") : "[]");
		json_object_object_add(m, "versions", vs);
		json_object_array_add(data, m);
	}
	json_object_object_add(v, "data", data);
	return 200;
}
