/* auth.c: passwords, sessions, CSRF tokens and who the request is */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <libpq-fe.h>

#include "extern.h"

/* OWASP's guidance for PBKDF2-HMAC-SHA256 (2023); stored with each hash
 * so it can be raised without invalidating older passwords. */
#define PBKDF2_ITERATIONS	600000
#define PBKDF2_MAX_ITERATIONS	10000000
#define SESSION_CACHE_TTL	60	/* bounds a revoked session's life
					   when memcached missed the delete */
#define LOGIN_WINDOW		900	/* seconds failed sign-ins count */
#define LOGIN_MAX_PER_ACCOUNT	5
#define LOGIN_MAX_PER_ADDRESS	50

static const char *const role_names[MKT_ROLE__MAX] = {
	"anonymous", "user", "signed", "consumer", "provider", "admin", "auditor"
};

const char *
mkt_role_name(enum mkt_role role)
{
	return role < MKT_ROLE__MAX ? role_names[role] : "?";
}

static const char *const role_labels[MKT_ROLE__MAX] = {
	N_("Anonymous"), N_("User"), N_("Signed request"), N_("Consumer"), N_("Provider"),
	N_("Administrator"), N_("Auditor")
};

/* The translated label of a role named as in users.roles ("admin"), or
 * NULL for a name that is no role. */
const char *
mkt_role_label(const struct mkt_req *r, const char *name)
{
	size_t	 i;

	for (i = MKT_ROLE_CONSUMER; i < MKT_ROLE__MAX; i++)
		if (strcmp(name, role_names[i]) == 0)
			return mkt_tr(r, role_labels[i]);
	return NULL;
}

/* Administrators may do what every role may; the rest is explicit. */
bool
mkt_has_role(const struct mkt_user *u, enum mkt_role role)
{
	if (role == MKT_ROLE_ANON || role == MKT_ROLE_SIGNED)
		return true;
	if (u == NULL)
		return false;
	if (role == MKT_ROLE_USER)
		return true;
	return (u->roles & (1u << role)) != 0 ||
	    (u->roles & (1u << MKT_ROLE_ADMIN)) != 0;
}

/*
 * What a request may see of the catalog's compliance levels: 0 public
 * only (anonymous visitors), 1 public and internal (anyone signed in, a
 * member of the enterprise), 2 all (administrators and auditors).  A
 * confidential service is visible to its provider's organisation too;
 * the queries add that with the user's organisation.
 */
int
mkt_clearance(const struct mkt_req *r)
{
	if (r->user == NULL)
		return 0;
	if (mkt_has_role(r->user, MKT_ROLE_ADMIN) ||
	    (r->user->roles & (1u << MKT_ROLE_AUDITOR)) != 0)
		return 2;
	return 1;
}

/* "consumer,admin" (PostgreSQL's array_to_string of users.roles). */
unsigned
mkt_auth_roles(const char *list)
{
	unsigned	 roles = 0;
	size_t		 i, n;

	while (list != NULL && *list != '\0') {
		n = strcspn(list, ",");
		for (i = MKT_ROLE_CONSUMER; i < MKT_ROLE__MAX; i++)
			if (strlen(role_names[i]) == n &&
			    strncmp(list, role_names[i], n) == 0)
				roles |= 1u << i;
		list += n;
		if (*list == ',')
			list++;
	}
	return roles;
}

/* ---- passwords ---- */

void
mkt_password_hash(const char *pw, struct mkt_buf *out)
{
	unsigned char	 salt[16], dk[32];
	unsigned char	 b64salt[32], b64dk[48];

	mkt_random_bytes(salt, sizeof(salt));
	if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, sizeof(salt),
	    PBKDF2_ITERATIONS, EVP_sha256(), sizeof(dk), dk) != 1) {
		fprintf(stderr, "PBKDF2 failed\n");
		abort();
	}
	EVP_EncodeBlock(b64salt, salt, sizeof(salt));
	EVP_EncodeBlock(b64dk, dk, sizeof(dk));
	mkt_buf_printf(out, "pbkdf2-sha256$%d$%s$%s", PBKDF2_ITERATIONS,
	    b64salt, b64dk);
	OPENSSL_cleanse(dk, sizeof(dk));
}

/*
 * Checks a password against "pbkdf2-sha256$N$salt$hash".  A NULL or
 * malformed stored value still costs one full derivation, so that "no
 * such user" takes as long as "wrong password".
 */
bool
mkt_password_verify(const char *pw, const char *stored)
{
	static const char	 dummy_salt[] = "mkt-no-such-user";
	unsigned char		 salt[64], want[64], got[32];
	char			 copy[256], *f[4], *save = NULL;
	long			 iter = PBKDF2_ITERATIONS;
	int			 saltlen = -1, wantlen = -1, i;
	bool			 ok = false;

	if (stored != NULL && strlen(stored) < sizeof(copy)) {
		snprintf(copy, sizeof(copy), "%s", stored);
		f[0] = strtok_r(copy, "$", &save);
		for (i = 1; i < 4; i++)
			f[i] = strtok_r(NULL, "$", &save);
		if (f[0] != NULL && strcmp(f[0], "pbkdf2-sha256") == 0 &&
		    f[3] != NULL && strtok_r(NULL, "$", &save) == NULL) {
			iter = strtol(f[1], NULL, 10);
			if (strlen(f[2]) < 80 && strlen(f[3]) < 80) {
				saltlen = EVP_DecodeBlock(salt,
				    (unsigned char *)f[2], (int)strlen(f[2]));
				wantlen = EVP_DecodeBlock(want,
				    (unsigned char *)f[3], (int)strlen(f[3]));
			}
			/* EVP_DecodeBlock counts '=' padding as zeros */
			if (saltlen > 0 && f[2][strlen(f[2]) - 1] == '=')
				saltlen -= f[2][strlen(f[2]) - 2] == '=' ? 2 : 1;
			if (wantlen > 0 && f[3][strlen(f[3]) - 1] == '=')
				wantlen -= f[3][strlen(f[3]) - 2] == '=' ? 2 : 1;
		}
	}
	if (iter < 1000 || iter > PBKDF2_MAX_ITERATIONS)
		iter = PBKDF2_ITERATIONS, saltlen = -1;
	if (saltlen <= 0 || wantlen != (int)sizeof(got)) {
		PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw),
		    (const unsigned char *)dummy_salt, sizeof(dummy_salt) - 1,
		    (int)iter, EVP_sha256(), sizeof(got), got);
		OPENSSL_cleanse(got, sizeof(got));
		return false;
	}
	if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, saltlen, (int)iter,
	    EVP_sha256(), sizeof(got), got) == 1)
		ok = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

/* ---- cookies ---- */

bool
mkt_https(const struct mkt_req *r)
{
	const char	*https = mkt_req_env(r, "HTTPS");
	const char	*scheme = mkt_req_env(r, "REQUEST_SCHEME");

	return (https != NULL && strcasecmp(https, "on") == 0) ||
	    (scheme != NULL && strcmp(scheme, "https") == 0);
}

/* Over HTTPS the __Host- prefix pins the cookie to this origin. */
static const char *
cookie_name(const struct mkt_req *r, const char *base)
{
	return mkt_https(r) ? mkt_arena_printf(r->arena, "__Host-%s", base) :
	    base;
}

static void
set_cookie(struct mkt_req *r, const char *base, const char *value,
    long max_age)
{
	mkt_header(r, "Set-Cookie", "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	    cookie_name(r, base), value, mkt_https(r) ? "; Secure" : "",
	    max_age >= 0 ? mkt_arena_printf(r->arena, "; Max-Age=%ld",
	    max_age) : "");
}

static bool
hex_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

/* ---- sessions ---- */

static const struct mkt_sql q_session = { "auth_session", 1,
	"SELECT s.id AS session_id, s.csrf, u.id, u.email, u.display_name,"
	"  u.organization_id, array_to_string(u.roles, ',') AS roles,"
	"  extract(epoch FROM least(s.idle_expires_at, s.expires_at))::bigint"
	"    AS valid_until"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL"
	"   AND s.idle_expires_at > now() AND s.expires_at > now()"
	"   AND u.status = 'active'" };

static const struct mkt_sql q_session_touch = { "auth_session_touch", 2,
	"UPDATE sessions SET last_seen_at = now(),"
	"  idle_expires_at = least(now() + make_interval(secs => $2::int),"
	"    expires_at)"
	" WHERE token_hash = decode($1, 'hex')"
	"   AND last_seen_at < now() - interval '30 seconds'" };

static const struct mkt_sql q_session_new = { "auth_session_new", 7,
	"INSERT INTO sessions (token_hash, user_id, csrf, idle_expires_at,"
	"  expires_at, user_agent, client_addr)"
	" VALUES (decode($1, 'hex'), $2, $3,"
	"  now() + make_interval(secs => $4::int),"
	"  now() + make_interval(secs => $5::int), $6, $7::inet)"
	" RETURNING id" };

static const struct mkt_sql q_session_revoke = { "auth_session_revoke", 2,
	"UPDATE sessions SET revoked_at = now()"
	" WHERE id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL"
	" RETURNING encode(token_hash, 'hex') AS token_hash" };

static const struct mkt_sql q_login_stamp = { "auth_login_stamp", 1,
	"UPDATE users SET last_login_at = now() WHERE id = $1::uuid" };

/* The cache entry of a session: tab-separated fields, checked on read. */
enum { C_USER, C_SESSION, C_CSRF, C_EMAIL, C_NAME, C_ORG, C_ROLES, C_UNTIL,
	C__MAX };

static struct mkt_user *
user_from_fields(struct mkt_req *r, char **f, const char *token_hash)
{
	struct mkt_user	*u = mkt_arena_zalloc(r->arena, sizeof(*u));

	u->id = f[C_USER];
	u->email = f[C_EMAIL];
	u->name = f[C_NAME];
	u->org_id = strcmp(f[C_ORG], "-") != 0 ? f[C_ORG] : NULL;
	u->roles = mkt_auth_roles(f[C_ROLES]);
	u->session = f[C_SESSION];
	u->csrf = f[C_CSRF];
	(void)token_hash;
	return u;
}

static const char *
field(const PGresult *res, const char *col)
{
	const char	*v = mkt_db_val(res, 0, col);

	return v != NULL ? v : "";
}

/*
 * Sets r->user from a bearer JWT (oidc.c: 401 when it does not verify)
 * or from the session cookie, if it names a live session.  A malformed,
 * unknown, expired or revoked cookie is ignored (the request is
 * anonymous; a page that needs a user then asks to sign in).  Returns 0
 * or the HTTP status of a refusal.
 */
static int
session_authenticate(struct mkt_req *r)
{
	const char	*authz = mkt_req_header(r, "HTTP_AUTHORIZATION");
	const char	*token;
	char		 hash[65], *key, *cached, *f[C__MAX], *save = NULL;
	const char	*params[2];
	size_t		 len, i;
	PGresult	*res;
	time_t		 now = time(NULL);
	long		 until;

	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0)
		return mkt_oidc_authenticate(r, mkt_skip_ws(authz + 7));
	token = mkt_req_cookie(r, cookie_name(r, "mkt_session"));
	if (token == NULL || strlen(token) != 64 || !hex_ok(token, 64))
		return 0;
	mkt_sha256_hex(hash, token, 64);
	key = mkt_arena_printf(r->arena, "session:%s", hash);
	if ((cached = mkt_cache_get(r, key, &len)) != NULL) {
		f[0] = strtok_r(cached, "\t", &save);
		for (i = 1; i < C__MAX; i++)
			f[i] = strtok_r(NULL, "\t", &save);
		if (f[C__MAX - 1] != NULL &&
		    strtol(f[C_UNTIL], NULL, 10) > (long)now) {
			r->user = user_from_fields(r, f, hash);
			return 0;
		}
	}
	params[0] = hash;
	if ((res = mkt_db_exec(r, &q_session, params)) == NULL ||
	    PQntuples(res) != 1)
		return 0;
	params[1] = mkt_arena_printf(r->arena, "%ld",
	    mkt_setting_long(r, "session_idle_minutes", 30, 1, 1440) * 60);
	mkt_db_exec(r, &q_session_touch, params);
	f[C_USER] = mkt_arena_strdup(r->arena, field(res, "id"));
	f[C_SESSION] = mkt_arena_strdup(r->arena, field(res, "session_id"));
	f[C_CSRF] = mkt_arena_strdup(r->arena, field(res, "csrf"));
	f[C_EMAIL] = mkt_arena_strdup(r->arena, field(res, "email"));
	f[C_NAME] = mkt_arena_strdup(r->arena, field(res, "display_name"));
	f[C_ORG] = mkt_arena_strdup(r->arena, *field(res, "organization_id") ?
	    field(res, "organization_id") : "-");
	f[C_ROLES] = mkt_arena_strdup(r->arena, field(res, "roles"));
	f[C_UNTIL] = mkt_arena_strdup(r->arena, field(res, "valid_until"));
	r->user = user_from_fields(r, f, hash);
	until = strtol(f[C_UNTIL], NULL, 10);
	/* Tab-separated; a field that could hold a tab or be empty keeps
	 * the entry out of the cache (the database answers instead). */
	cached = mkt_arena_printf(r->arena, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s",
	    f[C_USER], f[C_SESSION], f[C_CSRF], f[C_EMAIL], f[C_NAME],
	    f[C_ORG], f[C_ROLES], f[C_UNTIL]);
	if (strchr(f[C_NAME], '\t') == NULL && *f[C_NAME] != '\0' &&
	    *f[C_ROLES] != '\0' && strchr(f[C_EMAIL], '\t') == NULL)
		mkt_cache_set(r, key, cached, strlen(cached),
		    until - (long)now < SESSION_CACHE_TTL ? until - (long)now :
		    SESSION_CACHE_TTL);
	return 0;
}

/* A bearer token, else the session cookie; then, where the web server
 * signs people in (trust_remote_user), its verified identity. */
int
mkt_authenticate(struct mkt_req *r)
{
	int	 status;

	/* Webhooks and the gateway verify their own credentials (a
	 * signature, an API key) and never act for a session. */
	if (r->route != NULL && r->route->role == MKT_ROLE_SIGNED)
		return 0;
	if ((status = session_authenticate(r)) != 0)
		return status;
	if (mkt_req_header(r, "HTTP_AUTHORIZATION") == NULL)
		return mkt_sso_authenticate(r);
	return 0;
}

/*
 * Signs user_id in, inside the caller's transaction: a new session with
 * fresh token and CSRF token (never one the browser brought: no
 * fixation), its cookie, and r->user.  The caller audits and commits.
 */
enum mkt_err
mkt_session_start(struct mkt_req *r, const char *user_id)
{
	char		 token[65], hash[65], csrf[65];
	const char	*params[7], *ua = mkt_req_header(r, "HTTP_USER_AGENT");
	long		 idle, absolute;
	PGresult	*res;
	struct mkt_user	*u;

	idle = mkt_setting_long(r, "session_idle_minutes", 30, 1, 1440) * 60;
	absolute = mkt_setting_long(r, "session_absolute_hours", 12, 1,
	    24 * 30) * 3600;
	mkt_random_hex(token, 32);
	mkt_random_hex(csrf, 32);
	mkt_sha256_hex(hash, token, 64);
	params[0] = hash;
	params[1] = user_id;
	params[2] = csrf;
	params[3] = mkt_arena_printf(r->arena, "%ld", idle);
	params[4] = mkt_arena_printf(r->arena, "%ld", absolute);
	params[5] = (ua != NULL && strlen(ua) <= 512 &&
	    mkt_text_clean(ua, strlen(ua))) ? ua : NULL;
	params[6] = r->addr;
	if ((res = mkt_db_exec(r, &q_session_new, params)) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	u = mkt_arena_zalloc(r->arena, sizeof(*u));
	u->id = mkt_arena_strdup(r->arena, user_id);
	u->session = mkt_arena_strdup(r->arena, PQgetvalue(res, 0, 0));
	u->csrf = mkt_arena_strdup(r->arena, csrf);
	r->user = u;
	if (mkt_db_exec(r, &q_login_stamp, params + 1) == NULL)
		return MKT_EDB;
	set_cookie(r, "mkt_session", token, absolute);
	return MKT_OK;
}

/*
 * Revokes one session of user_id (inside the caller's transaction) and
 * drops its cached copy, so the next request with it is anonymous.
 * MKT_ENOENT when no live session of that user has that id.
 */
enum mkt_err
mkt_session_revoke(struct mkt_req *r, const char *session_id,
    const char *user_id)
{
	const char	*params[2] = { session_id, user_id };
	PGresult	*res;

	if (!mkt_uuid_ok(session_id))
		return MKT_ENOENT;
	if ((res = mkt_db_exec(r, &q_session_revoke, params)) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	if (PQntuples(res) == 0)
		return MKT_ENOENT;
	mkt_session_forget(r, PQgetvalue(res, 0, 0));
	return MKT_OK;
}

/* Drops the cached copy of an ended session (token hash in hex), so the
 * next request with it asks the database and finds it gone. */
void
mkt_session_forget(struct mkt_req *r, const char *token_hash)
{
	mkt_cache_delete(r, mkt_arena_printf(r->arena, "session:%s",
	    token_hash));
}

void
mkt_session_clear_cookie(struct mkt_req *r)
{
	set_cookie(r, "mkt_session", "", 0);
}

/* ---- CSRF ---- */

/*
 * The token forms carry: the session's own, or for a visitor who is not
 * signed in (the sign-in form) a random one held in a cookie, compared
 * on submission (double submit).
 */
const char *
mkt_csrf_token(struct mkt_req *r)
{
	const char	*pre;
	char		 fresh[65];

	if (r->user != NULL && r->user->csrf != NULL)
		return r->user->csrf;
	pre = mkt_req_cookie(r, cookie_name(r, "mkt_csrf"));
	if (pre != NULL && strlen(pre) == 64 && hex_ok(pre, 64))
		return pre;
	mkt_random_hex(fresh, 32);
	pre = mkt_arena_strdup(r->arena, fresh);
	set_cookie(r, "mkt_csrf", pre, -1);
	return pre;
}

/*
 * True when a state-changing request may proceed: it came with an
 * Authorization header (a browser cannot add one cross-site without a
 * preflight we never grant), or its form field "csrf" / header
 * X-CSRF-Token matches the session's (or the pre-session cookie's)
 * token; and any Origin header names this host.
 */
bool
mkt_csrf_ok(struct mkt_req *r)
{
	const char	*origin = mkt_req_header(r, "HTTP_ORIGIN");
	const char	*host = mkt_req_header(r, "HTTP_HOST");
	const char	*sent = mkt_req_header(r, "HTTP_X_CSRF_TOKEN");
	const char	*want;
	size_t		 i;

	if (origin != NULL && strcmp(origin, "null") != 0) {
		const char *p = strstr(origin, "://");

		if (p == NULL || host == NULL || strcmp(p + 3, host) != 0)
			return false;
	} else if (origin != NULL)
		return false;
	if (mkt_req_header(r, "HTTP_AUTHORIZATION") != NULL &&
	    mkt_req_cookie(r, cookie_name(r, "mkt_session")) == NULL)
		return true;
	for (i = 0; sent == NULL && i < r->nform; i++)
		if (strcmp(r->form[i].key, "csrf") == 0)
			sent = r->form[i].val;
	if (r->user != NULL && r->user->csrf != NULL)
		want = r->user->csrf;
	else
		want = mkt_req_cookie(r, cookie_name(r, "mkt_csrf"));
	if (sent == NULL || want == NULL || strlen(want) != 64 ||
	    strlen(sent) != 64)
		return false;
	return CRYPTO_memcmp(sent, want, 64) == 0;
}

/* ---- sign-in throttling ---- */

/*
 * Counts failed sign-ins per account and per client address in
 * memcached (15-minute windows).  With failed=false it only asks.
 * Returns the seconds to wait (> 0) when over a limit, else 0.  Without
 * memcached it does not throttle (logged): availability over a limit
 * that only slows guessing.
 */
int
mkt_login_throttle(struct mkt_req *r, const char *email, bool failed)
{
	char		 acct[65], *k1, *k2, *v;
	uint64_t	 n1 = 0, n2 = 0;
	size_t		 len;
	struct mkt_buf	 lower;
	const char	*p;

	mkt_buf_init(&lower);
	for (p = email; *p != '\0'; p++)
		mkt_buf_putc(&lower, (char)(*p >= 'A' && *p <= 'Z' ?
		    *p - 'A' + 'a' : *p));
	mkt_sha256_hex(acct, lower.ptr ? lower.ptr : "", lower.len);
	mkt_buf_free(&lower);
	k1 = mkt_arena_printf(r->arena, "login:acct:%s", acct);
	k2 = mkt_arena_printf(r->arena, "login:addr:%s",
	    r->addr ? r->addr : "-");
	if (failed) {
		if (mkt_cache_incr(r, k1, LOGIN_WINDOW, &n1) != MKT_OK ||
		    mkt_cache_incr(r, k2, LOGIN_WINDOW, &n2) != MKT_OK)
			mkt_log_warn(r, "sign-in throttling unavailable "
			    "(memcached)");
	} else {
		if ((v = mkt_cache_get(r, k1, &len)) != NULL)
			n1 = strtoull(v, NULL, 10);
		if ((v = mkt_cache_get(r, k2, &len)) != NULL)
			n2 = strtoull(v, NULL, 10);
	}
	return (n1 >= LOGIN_MAX_PER_ACCOUNT || n2 >= LOGIN_MAX_PER_ADDRESS) ?
	    LOGIN_WINDOW : 0;
}
