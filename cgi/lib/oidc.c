/* oidc.c: Bearer JWTs from an outside OpenID Connect identity provider:
 * the key set (fetched, cached, refreshed on an unknown kid), and the
 * mapping of a token's claims to a user and roles */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "extern.h"
#include "jwt.h"

#define JWKS_REFRESH_MIN	30	/* seconds between fetches on unknown kids */
#define JWKS_MAX_AGE		3600	/* refetch a key set this old anyway */

/*
 * One per process, shared by its threads: readers verify under the read
 * lock, a refresh swaps the set under the write lock, so no thread ever
 * verifies with a set being freed.
 */
struct mkt_oidc {
	pthread_rwlock_t	 lock;
	struct mkt_jwks		*jwks;
	time_t			 fetched_at;
	time_t			 tried_at;
};

/* Process-wide like the stylesheets: a cache of the provider's keys, not
 * request state. */
static struct mkt_oidc	 oidc = { PTHREAD_RWLOCK_INITIALIZER, NULL, 0, 0 };

struct fetch {
	struct mkt_buf	 body;
	bool		 too_big;
};

static size_t
fetch_write(char *p, size_t size, size_t n, void *arg)
{
	struct fetch	*f = arg;

	if (f->body.len + size * n > MKT_JWKS_MAX_LEN) {
		f->too_big = true;
		return 0;
	}
	mkt_buf_append(&f->body, p, size * n);
	return size * n;
}

/* Fetches and parses the key set (http, https or file URL); NULL on any
 * failure, logged. */
static struct mkt_jwks *
fetch_jwks(struct mkt_req *r, const char *url)
{
	CURL		*c = curl_easy_init();
	struct fetch	 f = { { NULL, 0, 0 }, false };
	struct mkt_jwks	*set = NULL;
	char		 err[256] = "";
	long		 code = 0;
	CURLcode	 rc;

	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK || (code != 0 && code != 200) || f.too_big) {
		mkt_log_error(r, "could not fetch the identity provider's keys "
		    "from \"%s\": %s", url, f.too_big ? "too large" :
		    rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP error");
		mkt_buf_free(&f.body);
		return NULL;
	}
	set = mkt_jwks_parse(f.body.ptr ? f.body.ptr : "", f.body.len, err,
	    sizeof(err));
	if (set == NULL || err[0] != '\0')
		mkt_log_warn(r, "identity provider key set: %s", err);
	mkt_buf_free(&f.body);
	return set;
}

/* Refreshes the shared set when it is missing, old, or lacks kid (at
 * most every JWKS_REFRESH_MIN seconds, so bad tokens cannot make us
 * hammer the identity provider). */
static void
maybe_refresh(struct mkt_req *r, const char *url, const char *kid)
{
	struct mkt_jwks	*fresh, *old = NULL;
	time_t		 now = time(NULL);
	long		 pause = mkt_setting_long(r, "oidc_jwks_refresh_seconds",
	    JWKS_REFRESH_MIN, 0, 3600);
	bool		 need;

	pthread_rwlock_rdlock(&oidc.lock);
	need = oidc.jwks == NULL || now - oidc.fetched_at > JWKS_MAX_AGE ||
	    (kid != NULL && !mkt_jwks_has_kid(oidc.jwks, kid));
	need = need && (oidc.jwks == NULL || now - oidc.tried_at >= pause);
	pthread_rwlock_unlock(&oidc.lock);
	if (!need)
		return;
	fresh = fetch_jwks(r, url);
	pthread_rwlock_wrlock(&oidc.lock);
	oidc.tried_at = now;
	if (fresh != NULL) {
		old = oidc.jwks;
		oidc.jwks = fresh;
		oidc.fetched_at = now;
	}
	pthread_rwlock_unlock(&oidc.lock);
	mkt_jwks_free(old);
}

/* The "kid" of a token's header, without verifying anything. */
static char *
peek_kid(struct mkt_req *r, const char *token)
{
	const char		*dot = strchr(token, '.');
	struct mkt_buf		 json;
	struct json_object	*h, *kid;
	unsigned char		*raw;
	char			*b64, *out = NULL;
	size_t			 n, i;
	int			 len;

	if (dot == NULL || (n = (size_t)(dot - token)) > 2048)
		return NULL;
	/* base64url to base64 with padding, for EVP_DecodeBlock */
	b64 = mkt_arena_alloc(r->arena, n + 4);
	for (i = 0; i < n; i++)
		b64[i] = token[i] == '-' ? '+' : token[i] == '_' ? '/' :
		    token[i];
	while (i % 4 != 0)
		b64[i++] = '=';
	b64[i] = '\0';
	raw = mkt_arena_alloc(r->arena, i);
	if ((len = EVP_DecodeBlock(raw, (unsigned char *)b64, (int)i)) <= 0)
		return NULL;
	mkt_buf_init(&json);
	mkt_buf_append(&json, raw, (size_t)len);
	h = json_tokener_parse(json.ptr);
	mkt_buf_free(&json);
	if (h != NULL && json_object_object_get_ex(h, "kid", &kid) &&
	    json_object_is_type(kid, json_type_string))
		out = mkt_arena_strdup(r->arena, json_object_get_string(kid));
	json_object_put(h);
	return out;
}

static int
refuse(struct mkt_req *r, const char *why)
{
	mkt_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\", "
	    "error_description=\"%s\"", why);
	return mkt_failf(r, 401, "invalid-token", "%s", why);
}

static const char *
claim_string(struct json_object *claims, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Roles from the groups claim through "oidc_role_map" ("group:role,…");
 * a user with no mapped group is a consumer.  Returns a text[] literal.
 */
static char *
roles_from_claims(struct mkt_req *r, struct json_object *claims)
{
	const char		*map = mkt_setting(r, "oidc_role_map", "");
	const char		*claim = mkt_setting(r, "oidc_groups_claim",
	    "groups");
	struct json_object	*groups;
	static const char *const roles[] = { "consumer", "provider", "admin",
	    "auditor" };
	bool			 have[4] = { false, false, false, false };
	struct mkt_buf		 out;
	size_t			 i, k, n;
	char			*lit;

	if (json_object_object_get_ex(claims, claim, &groups) &&
	    json_object_is_type(groups, json_type_array)) {
		n = json_object_array_length(groups);
		for (i = 0; i < n; i++) {
			const char *g = json_object_get_string(
			    json_object_array_get_idx(groups, i));
			const char *p = map;

			while (g != NULL && *p != '\0') {
				size_t len = strcspn(p, ",");
				const char *colon = memchr(p, ':', len);

				if (colon != NULL && (size_t)(colon - p) ==
				    strlen(g) && strncmp(p, g, strlen(g)) == 0)
					for (k = 0; k < 4; k++)
						if (strlen(roles[k]) == (size_t)(p +
						    len - colon - 1) &&
						    strncmp(colon + 1, roles[k],
						    strlen(roles[k])) == 0)
							have[k] = true;
				p += len;
				if (*p == ',')
					p++;
			}
		}
	}
	mkt_buf_init(&out);
	mkt_buf_putc(&out, '{');
	for (k = 0; k < 4; k++)
		if (have[k])
			mkt_buf_printf(&out, "%s%s", out.len > 1 ? "," : "",
			    roles[k]);
	if (out.len == 1)
		mkt_buf_puts(&out, "consumer");
	mkt_buf_putc(&out, '}');
	lit = mkt_arena_strdup(r->arena, out.ptr);
	mkt_buf_free(&out);
	return lit;
}

static const struct mkt_sql q_oidc_user = { "oidc_user", 1,
	"SELECT id, email, display_name, organization_id,"
	"  array_to_string(roles, ',') AS roles, roles::text AS roles_lit,"
	"  status FROM users WHERE oidc_subject = $1" };

static const struct mkt_sql q_oidc_upsert = { "oidc_user_upsert", 4,
	"INSERT INTO users (oidc_subject, email, display_name, roles)"
	" VALUES ($1, $2, $3, $4::text[])"
	" ON CONFLICT (oidc_subject) DO UPDATE SET roles = EXCLUDED.roles,"
	"   email = EXCLUDED.email, display_name = EXCLUDED.display_name,"
	"   updated_at = now()"
	" RETURNING id, organization_id, array_to_string(roles, ',') AS roles,"
	"   status" };

/* Why a set of claims gives no user. */
enum claims_err {
	CLAIMS_OK,
	CLAIMS_INCOMPLETE,	/* no usable "sub" or "email" */
	CLAIMS_DISABLED,	/* the account is disabled */
	CLAIMS_TAKEN,		/* a local account has the email */
	CLAIMS_DB		/* the database failed (answer given) */
};

/*
 * The user of a verified identity (issuer and claims): found by issuer
 * and subject, created on first sight, roles following the groups
 * claim; a creation or a change of roles is audited in its own
 * transaction.  Sets r->user.
 */
static enum claims_err
claims_user(struct mkt_req *r, const char *issuer, struct json_object *claims)
{
	struct json_object	*details;
	const char		*sub, *email, *name, *params[4];
	char			*subject, *roles;
	struct mkt_user		*u;
	PGresult		*res;
	bool			 write;

	sub = claim_string(claims, "sub");
	email = claim_string(claims, "email");
	name = claim_string(claims, "name");
	if (sub == NULL || email == NULL || strchr(email, '@') == NULL ||
	    strlen(email) > 254 || strlen(sub) > 255 ||
	    !mkt_text_clean(email, strlen(email)) ||
	    !mkt_text_clean(sub, strlen(sub)))
		return CLAIMS_INCOMPLETE;
	if (name == NULL || *name == '\0' || strlen(name) > 200 ||
	    !mkt_text_clean(name, strlen(name)) || strpbrk(name, "\t\r\n"))
		name = email;
	/* One identity provider, so issuer and subject make the key. */
	subject = mkt_arena_printf(r->arena, "%s|%s", issuer, sub);
	roles = roles_from_claims(r, claims);
	params[0] = subject;
	if ((res = mkt_db_exec(r, &q_oidc_user, params)) == NULL) {
		mkt_fail_db(r);
		return CLAIMS_DB;
	}
	write = PQntuples(res) == 0 ||
	    strcmp(mkt_db_val(res, 0, "roles_lit"), roles) != 0;
	if (PQntuples(res) == 1 && strcmp(mkt_db_val(res, 0, "status"),
	    "active") != 0)
		return CLAIMS_DISABLED;
	u = mkt_arena_zalloc(r->arena, sizeof(*u));
	u->email = mkt_arena_strdup(r->arena, email);
	u->name = mkt_arena_strdup(r->arena, name);
	if (!write) {
		u->id = mkt_arena_strdup(r->arena, mkt_db_val(res, 0, "id"));
		u->org_id = mkt_db_val(res, 0, "organization_id");
		u->roles = mkt_auth_roles(mkt_db_val(res, 0, "roles"));
		r->user = u;
		return CLAIMS_OK;
	}
	params[1] = email;
	params[2] = name;
	params[3] = roles;
	if (mkt_db_begin(r) != MKT_OK) {
		mkt_fail_db(r);
		return CLAIMS_DB;
	}
	if ((res = mkt_db_exec(r, &q_oidc_upsert, params)) == NULL) {
		mkt_db_rollback(r);
		if (strcmp(r->worker->sqlstate, "23505") == 0)
			return CLAIMS_TAKEN;
		mkt_fail_db(r);
		return CLAIMS_DB;
	}
	u->id = mkt_arena_strdup(r->arena, mkt_db_val(res, 0, "id"));
	u->org_id = mkt_db_val(res, 0, "organization_id");
	u->roles = mkt_auth_roles(mkt_db_val(res, 0, "roles"));
	r->user = u;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "roles", json_object_new_string(roles));
	json_object_object_add(details, "issuer",
	    json_object_new_string(issuer));
	if (mkt_audit(r, "user.sync_from_token", "user", u->id, details) !=
	    MKT_OK || mkt_db_commit(r) != MKT_OK) {
		mkt_db_rollback(r);
		r->user = NULL;
		mkt_fail_db(r);
		return CLAIMS_DB;
	}
	return CLAIMS_OK;
}

static const char *
claims_strerror(const struct mkt_req *r, enum claims_err e)
{
	switch (e) {
	case CLAIMS_INCOMPLETE:
		return mkt_tr(r, "the token needs \"sub\" and \"email\" claims");
	case CLAIMS_DISABLED:
		return mkt_tr(r, "this account is disabled");
	case CLAIMS_TAKEN:
		return mkt_tr(r, "a local account already uses this email "
		    "address; ask an administrator");
	default:
		return "";
	}
}

/*
 * Authorization: Bearer <JWT>.  0 with r->user set, or 401 with a
 * problem that says why (and WWW-Authenticate, RFC 6750).  The user is
 * created on first sight and its roles follow the token's groups; both
 * are audited in the transaction that writes them.
 */
int
mkt_oidc_authenticate(struct mkt_req *r, const char *token)
{
	const char		*issuer = mkt_setting(r, "oidc_issuer", "");
	const char		*audience = mkt_setting(r, "oidc_audience", "");
	const char		*url = mkt_setting(r, "oidc_jwks_url", "");
	struct json_object	*claims = NULL;
	enum mkt_jwt_err	 e;
	enum claims_err		 ce;

	if (*issuer == '\0' || *url == '\0')
		return refuse(r, mkt_tr(r, "this marketplace accepts no "
		    "bearer tokens (no identity provider is configured)"));
	if (strlen(token) > MKT_JWT_MAX_LEN)
		return refuse(r, mkt_jwt_strerror(MKT_JWT_TOO_LARGE));
	maybe_refresh(r, url, peek_kid(r, token));
	pthread_rwlock_rdlock(&oidc.lock);
	e = oidc.jwks == NULL ? MKT_JWT_UNKNOWN_KID : mkt_jwt_verify(oidc.jwks,
	    token, issuer, audience, time(NULL),
	    mkt_setting_long(r, "oidc_leeway_seconds", 60, 0, 300), &claims);
	pthread_rwlock_unlock(&oidc.lock);
	if (e != MKT_JWT_OK)
		return refuse(r, mkt_tr(r, mkt_jwt_strerror(e)));
	mkt_json_own(r, claims);
	if ((ce = claims_user(r, issuer, claims)) == CLAIMS_DB)
		return r->status;
	if (ce != CLAIMS_OK)
		return refuse(r, claims_strerror(r, ce));
	return 0;
}

/*
 * Browser single sign-on through the web server (Apache's
 * mod_auth_openidc): when "trust_remote_user" is on, the server has
 * verified the person and hands over REMOTE_USER and OIDC_CLAIM_<name>
 * variables.  They map to a user like a bearer token's claims (the
 * groups claim arrives as one comma-separated value), who then gets a
 * portal session of their own (its CSRF token included), kept while the
 * same person comes back.  Off by default: behind any other server the
 * variables would be the client's to forge.  0, or a refusal's status.
 */
int
mkt_sso_authenticate(struct mkt_req *r)
{
	const char		*remote = mkt_req_env(r, "REMOTE_USER");
	const char		*issuer, *groups_claim;
	struct json_object	*claims, *details;
	const struct mkt_user	*session_user = r->user;
	struct mkt_user		*u;
	enum claims_err		 ce;
	char *const		*e;
	size_t			 n;

	if (mkt_setting_long(r, "trust_remote_user", 0, 0, 1) != 1 ||
	    remote == NULL || *remote == '\0')
		return 0;
	groups_claim = mkt_setting(r, "oidc_groups_claim", "groups");
	claims = mkt_json_own(r, json_object_new_object());
	for (e = r->envp; e != NULL && *e != NULL; e++) {
		const char	*eq;

		if (strncmp(*e, "OIDC_CLAIM_", 11) != 0 ||
		    (eq = strchr(*e, '=')) == NULL)
			continue;
		n = (size_t)(eq - (*e + 11));
		if (n == strlen(groups_claim) &&
		    strncmp(*e + 11, groups_claim, n) == 0) {
			struct json_object *list = json_object_new_array();
			char *copy = mkt_arena_strdup(r->arena, eq + 1), *save,
			    *g;

			for (g = strtok_r(copy, ",", &save); g != NULL;
			    g = strtok_r(NULL, ",", &save))
				json_object_array_add(list,
				    json_object_new_string(g));
			json_object_object_add(claims, mkt_arena_strndup(
			    r->arena, *e + 11, n), list);
		} else
			json_object_object_add(claims, mkt_arena_strndup(
			    r->arena, *e + 11, n), json_object_new_string(eq + 1));
	}
	if (claim_string(claims, "sub") == NULL)
		json_object_object_add(claims, "sub",
		    json_object_new_string(remote));
	issuer = claim_string(claims, "iss");
	if (issuer == NULL)
		issuer = mkt_setting(r, "oidc_issuer", "");
	if (*issuer == '\0')
		issuer = "web-server";
	r->user = NULL;
	if ((ce = claims_user(r, issuer, claims)) == CLAIMS_DB)
		return r->status;
	if (ce != CLAIMS_OK)
		return mkt_fail(r, 403, "forbidden", claims_strerror(r, ce));
	/* The session the browser brought is kept if it is this person's. */
	if (session_user != NULL && strcmp(session_user->id, r->user->id) == 0) {
		r->user = session_user;
		return 0;
	}
	u = (struct mkt_user *)r->user;
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	if (mkt_session_start(r, u->id) != MKT_OK)
		goto fail;
	((struct mkt_user *)r->user)->email = u->email;
	((struct mkt_user *)r->user)->name = u->name;
	((struct mkt_user *)r->user)->org_id = u->org_id;
	((struct mkt_user *)r->user)->roles = u->roles;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "method",
	    json_object_new_string("web-server"));
	if (mkt_audit(r, "user.sign_in", "user", u->id, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	return 0;
fail:
	mkt_db_rollback(r);
	r->user = NULL;
	return mkt_fail_db(r);
}

void
mkt_oidc_cleanup(void)
{
	pthread_rwlock_wrlock(&oidc.lock);
	mkt_jwks_free(oidc.jwks);
	oidc.jwks = NULL;
	pthread_rwlock_unlock(&oidc.lock);
}
