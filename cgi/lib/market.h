/* market.h: the one header of libmarket, the core every program links */
#ifndef MARKET_H
#define MARKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <time.h>
#include <pthread.h>

struct json_object;
struct pg_result;
typedef struct pg_result PGresult;

#define MKT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MKT_FORMAT_ARG(n)     __attribute__((format_arg(n)))
#define MKT_NONNULL           __attribute__((returns_nonnull))
#define MKT_COLD              __attribute__((cold))

/* Marks a string for xgettext without translating it (static tables). */
#define N_(s) (s)

/*
 * Errors returned by library calls.  Handlers turn them into HTTP answers;
 * mkt_strerror() names them for logs.
 */
enum mkt_err {
	MKT_OK = 0,
	MKT_ENOENT,		/* no such thing (file, row, key) */
	MKT_EINVAL,		/* malformed input */
	MKT_ETOOBIG,		/* input over a configured limit */
	MKT_EUTF8,		/* input is not valid UTF-8 */
	MKT_EDB,		/* database error (statement failed) */
	MKT_EDBDOWN,		/* database unreachable */
	MKT_ECACHE,		/* memcached error or miss */
	MKT_ESYS,		/* system call failed, see errno */
	MKT_ERR__MAX
};
const char *mkt_strerror(enum mkt_err);

/* ---- memory: abort on exhaustion, so callers never test for NULL ---- */

void	*mkt_xmalloc(size_t) MKT_NONNULL;
void	*mkt_xcalloc(size_t, size_t) MKT_NONNULL;
void	*mkt_xrealloc(void *, size_t) MKT_NONNULL;
char	*mkt_xstrdup(const char *) MKT_NONNULL;

/*
 * The arena: every allocation of one request comes from here and is
 * released at once by mkt_arena_reset() when the response has been sent.
 * Objects owned by other libraries (PGresult, json_object, xmlDoc) are tied
 * to it with mkt_arena_defer(), whose callbacks run at reset, newest first.
 */
struct mkt_arena;

struct mkt_arena *mkt_arena_new(size_t first_block) MKT_NONNULL;
void	 mkt_arena_free(struct mkt_arena *);
void	 mkt_arena_reset(struct mkt_arena *);
void	*mkt_arena_alloc(struct mkt_arena *, size_t) MKT_NONNULL;
void	*mkt_arena_zalloc(struct mkt_arena *, size_t) MKT_NONNULL;
char	*mkt_arena_strdup(struct mkt_arena *, const char *) MKT_NONNULL;
char	*mkt_arena_strndup(struct mkt_arena *, const char *, size_t) MKT_NONNULL;
char	*mkt_arena_printf(struct mkt_arena *, const char *, ...)
	    MKT_PRINTF(2, 3) MKT_NONNULL;
char	*mkt_arena_vprintf(struct mkt_arena *, const char *, va_list)
	    MKT_PRINTF(2, 0) MKT_NONNULL;
void	 mkt_arena_defer(struct mkt_arena *, void (*)(void *), void *);
size_t	 mkt_arena_used(const struct mkt_arena *);

/* ---- buffers: length-carrying, growable, always NUL-terminated ---- */

struct mkt_buf {
	char	*ptr;
	size_t	 len;
	size_t	 cap;
};

void	mkt_buf_init(struct mkt_buf *);
void	mkt_buf_free(struct mkt_buf *);
void	mkt_buf_reset(struct mkt_buf *);
void	mkt_buf_reserve(struct mkt_buf *, size_t);
void	mkt_buf_append(struct mkt_buf *, const void *, size_t);
void	mkt_buf_puts(struct mkt_buf *, const char *);
void	mkt_buf_putc(struct mkt_buf *, char);
void	mkt_buf_printf(struct mkt_buf *, const char *, ...) MKT_PRINTF(2, 3);
void	mkt_buf_vprintf(struct mkt_buf *, const char *, va_list) MKT_PRINTF(2, 0);
void	mkt_errf(char *err, size_t errsz, const char *fmt, ...) MKT_PRINTF(3, 4);

/* ---- text: UTF-8, escaping, decoding ---- */

bool	 mkt_utf8_valid(const char *, size_t);
bool	 mkt_text_clean(const char *, size_t);	/* UTF-8, no C0 but \t\n\r */
void	 mkt_esc_json(struct mkt_buf *, const char *, size_t);
void	 mkt_esc_log(struct mkt_buf *, const char *, size_t);
void	 mkt_esc_url(struct mkt_buf *, const char *);
enum mkt_err mkt_url_decode(char *, size_t *, bool plus_is_space);
bool	 mkt_header_value_ok(const char *);
bool	 mkt_request_id_ok(const char *);
bool	 mkt_slug_ok(const char *, size_t maxlen);
bool	 mkt_uuid_ok(const char *);
void	 mkt_slugify(struct mkt_buf *, const char *);
const char *mkt_skip_ws(const char *);
/* Characters, not bytes, of valid UTF-8. */
size_t	 mkt_utf8_chars(const char *, size_t);
/* s without leading blanks and trailing white space, in the arena;
 * NULL when nothing is left (or s is NULL). */
const char *mkt_trim(struct mkt_arena *, const char *s);
int	 mkt_hex_digit(int);

/* ---- configuration: a key = value file, MKT_<KEY> environment wins ---- */

struct mkt_config;

struct mkt_config *mkt_config_load(const char *path, char *err, size_t errsz);
void	 mkt_config_free(struct mkt_config *);
const char *mkt_config_str(const struct mkt_config *, const char *key,
	    const char *def);
long	 mkt_config_long(const struct mkt_config *, const char *key,
	    long def, long min, long max);
bool	 mkt_config_bool(const struct mkt_config *, const char *key, bool def);
/* The weights of search ranking (FR-002.2): relevance, popularity,
 * performance, compliance, each in [0, 1], from search_weight_* (in
 * thousandths) or the specification's 0.4, 0.2, 0.2, 0.2. */
#define MKT_SEARCH_WEIGHTS	4
void	 mkt_search_weights(const struct mkt_config *,
	    double w[MKT_SEARCH_WEIGHTS]);
const char *mkt_config_path_default(void);

/* ---- logging: one JSON object per line ---- */

enum mkt_loglevel { MKT_LOG_ERROR, MKT_LOG_WARN, MKT_LOG_INFO, MKT_LOG_DEBUG };

void	mkt_log_open(const char *program, const char *path, const char *level);
void	mkt_log_close(void);
void	mkt_logx(enum mkt_loglevel, const char *request_id, const char *file,
	    int line, const char *fmt, ...) MKT_PRINTF(5, 6) MKT_COLD;
void	mkt_log_access(const char *request_id, const char *method,
	    const char *path, int status, size_t bytes, double ms,
	    const char *addr);
#define mkt_log_error(r, ...) \
	mkt_logx(MKT_LOG_ERROR, mkt_req_id(r), __FILE__, __LINE__, __VA_ARGS__)
#define mkt_log_warn(r, ...) \
	mkt_logx(MKT_LOG_WARN, mkt_req_id(r), __FILE__, __LINE__, __VA_ARGS__)
#define mkt_log_info(r, ...) \
	mkt_logx(MKT_LOG_INFO, mkt_req_id(r), __FILE__, __LINE__, __VA_ARGS__)

/* ---- crypto: randomness and digests from OpenSSL ---- */

void	mkt_random_bytes(void *, size_t);
void	mkt_hex(char *out, const unsigned char *, size_t);	/* out: 2n+1 */
void	mkt_random_hex(char *out, size_t nbytes);		/* out: 2n+1 */
void	mkt_sha256_hex(char out[65], const void *, size_t);
bool	mkt_const_eq(const void *, const void *, size_t);

/* ---- i18n: gettext catalogs, chosen per request ---- */

struct mkt_catalog;

struct mkt_catalog *mkt_catalog_load(const char *path);
void	 mkt_catalog_free(struct mkt_catalog *);
const char *mkt_catalog_lookup(const struct mkt_catalog *, const char *msgid);
const char *mkt_lang_negotiate(const char *accept_language,
	    const char *const *supported, size_t nsupported);

/* ---- requests ---- */

enum mkt_method {
	MKT_GET, MKT_HEAD, MKT_POST, MKT_PUT, MKT_PATCH, MKT_DELETE,
	MKT_OPTIONS, MKT_METHOD__MAX
};
const char *mkt_method_name(enum mkt_method);
enum mkt_method mkt_method_parse(const char *);

enum mkt_fmt { MKT_FMT_HTML = 1, MKT_FMT_JSON = 2 };
#define MKT_FMT_BOTH (MKT_FMT_HTML | MKT_FMT_JSON)

/* Roles a route may require; a later issue attaches users to them. */
enum mkt_role {
	MKT_ROLE_ANON,		/* anyone */
	MKT_ROLE_USER,		/* any signed-in user */
	MKT_ROLE_SIGNED,	/* no session: the handler verifies a signature
				   (webhooks), so no CSRF check either */
	MKT_ROLE_CONSUMER, MKT_ROLE_PROVIDER, MKT_ROLE_ADMIN,
	MKT_ROLE_AUDITOR, MKT_ROLE__MAX
};

struct mkt_kv {
	const char	*key;
	const char	*val;
	size_t		 vlen;
};

/* Declared query/form parameters: the core validates before the handler. */
enum mkt_ptype {
	MKT_P_INT,		/* decimal integer within [min, max] */
	MKT_P_SLUG,		/* [a-z0-9][a-z0-9._-]*, length <= max */
	MKT_P_TEXT,		/* clean UTF-8, length in bytes <= max */
	MKT_P_ENUM		/* one of the values in 'choices' */
};

struct mkt_param {
	const char		*name;
	enum mkt_ptype		 type;
	int64_t			 min, max;
	const char *const	*choices;	/* MKT_P_ENUM: NULL-terminated */
};

struct mkt_pval {
	bool		 present;
	int64_t		 i;
	const char	*s;
};

/* The signed-in user of a request (auth.c); NULL for anonymous ones. */
struct mkt_user {
	const char	*id;		/* users.id (uuid) */
	const char	*email;
	const char	*name;
	const char	*org_id;	/* NULL when in no organisation */
	unsigned	 roles;		/* 1u << enum mkt_role, for each role */
	const char	*session;	/* hash of the session token, or NULL */
	const char	*csrf;		/* the session's CSRF token, or NULL */
};

struct mkt_req;
typedef int (*mkt_handler)(struct mkt_req *);

struct mkt_route {
	enum mkt_method		 method;
	const char		*pattern;	/* "/services/{id}" */
	unsigned		 formats;	/* MKT_FMT_* */
	enum mkt_role		 role;
	mkt_handler		 handler;
	const char		*view;		/* "search/list", or NULL */
	const char		*section;	/* navigation entry */
	const struct mkt_param	*params;	/* terminated by name NULL */
};

#define MKT_MAX_ROUTE_ARGS	4
#define MKT_MAX_PARAMS		16

struct mkt_app;

struct mkt_program {
	const char		*name;		/* "search" */
	const char		*summary;	/* one line for --help */
	const struct mkt_route	*routes;	/* terminated by pattern NULL */
	/* Optional, in each process that serves requests (not in plain
	 * CGI): start before its first request (false: it stops), stop
	 * after its last. */
	bool			(*start)(const struct mkt_app *);
	void			(*stop)(void);
};

struct mkt_app;
struct mkt_worker;
struct mkt_io;

struct mkt_req {
	struct mkt_arena	*arena;
	const struct mkt_app	*app;
	struct mkt_worker	*worker;
	const struct mkt_io	*io;
	void			*io_ctx;
	char *const		*envp;
	struct timespec		 t0;

	enum mkt_method		 method;
	const char		*method_name;
	const char		*path;		/* decoded, without /api/v1 */
	const char		*full_path;	/* decoded, as requested */
	const char		*query;		/* raw, without '?' */
	enum mkt_fmt		 fmt;
	bool			 api;		/* path began with /api/v1 */
	const char		*lang;
	const struct mkt_catalog *catalog;
	char			 id[65];	/* request id */
	const char		*addr;

	struct mkt_kv		*args;		/* query string pairs */
	size_t			 nargs;
	struct mkt_kv		*form;		/* urlencoded body pairs */
	size_t			 nform;
	struct mkt_kv		*cookies;
	size_t			 ncookies;
	const char		*body;
	size_t			 body_len;
	struct json_object	*json;		/* parsed JSON body */

	const struct mkt_user	*user;		/* NULL: anonymous */

	const struct mkt_route	*route;
	const char		*route_args[MKT_MAX_ROUTE_ARGS];
	struct mkt_pval		 params[MKT_MAX_PARAMS];

	/* response */
	int			 status;
	struct mkt_buf		 headers;
	struct json_object	*view;
	const char		*view_name;
	const char		*view_text;	/* serialised view (from a cache) */
	size_t			 view_text_len;
	struct json_object	*problem_extra;	/* e.g. "errors" array */
	const char		*problem_type;
	const char		*problem_title;
	const char		*problem_detail;
	size_t			 bytes_out;
	bool			 streamed;	/* mkt_stream_begin() sent it */
};

/* A context for a program's own thread (no HTTP request), where the
 * request functions (settings, database, logs) work: its own database
 * connection or the pool's, its own arena.  mkt_task_done ends a round
 * of work (the connection back, the arena emptied). */
struct mkt_req *mkt_task_new(const struct mkt_app *, const char *name);
void	 mkt_task_done(struct mkt_req *);
void	 mkt_task_free(struct mkt_req *);

const char *mkt_req_id(const struct mkt_req *);
const char *mkt_req_header(const struct mkt_req *, const char *env_name);
const char *mkt_req_env(const struct mkt_req *, const char *name);
const char *mkt_req_cookie(const struct mkt_req *, const char *name);
const struct mkt_pval *mkt_param(const struct mkt_req *, const char *name);
/* A text field of the body, JSON object or urlencoded form alike: NULL
 * when absent, null or empty; *bad when present but not clean text (or
 * not a JSON string; numbers too when numbers_ok). */
const char *mkt_body_field(const struct mkt_req *, const char *name,
	    bool numbers_ok, bool *bad);
const char *mkt_route_arg(const struct mkt_req *, size_t);
/* A query parameter's value when it is one of choices (NULL-terminated),
 * as the list's own string, else NULL: for ?notice= and the like. */
const char *mkt_arg_one_of(const struct mkt_req *, const char *name,
	    const char *const *choices);
const char *mkt_tr(const struct mkt_req *, const char *msgid) MKT_FORMAT_ARG(2);

/* ---- responses ---- */

void	 mkt_header(struct mkt_req *, const char *name, const char *fmt, ...)
	    MKT_PRINTF(3, 4);
void	 mkt_headers_clear(struct mkt_req *);
struct json_object *mkt_view(struct mkt_req *, const char *view);
enum mkt_err mkt_view_cached(struct mkt_req *, const char *json, size_t len);
char	*mkt_link(struct mkt_req *, const char *fmt, ...) MKT_PRINTF(2, 3);
int	 mkt_fail(struct mkt_req *, int status, const char *type,
	    const char *detail);
int	 mkt_failf(struct mkt_req *, int status, const char *type,
	    const char *fmt, ...) MKT_PRINTF(4, 5);
int	 mkt_fail_db(struct mkt_req *);
int	 mkt_redirect(struct mkt_req *, int status, const char *location);
struct json_object *mkt_json_own(struct mkt_req *, struct json_object *);
/* JSON text parsed with a tokener the thread keeps (json.c), at most
 * MKT_JSON_DEPTH levels deep.  mkt_json_parse reads a C string as
 * json_tokener_parse() does; mkt_json_parse_ex exactly len bytes with
 * json_tokener flags, and says where it stopped and the
 * enum json_tokener_error (end and err may be NULL). */
#define MKT_JSON_DEPTH	32
struct json_object *mkt_json_parse(const char *);
struct json_object *mkt_json_parse_ex(const char *, size_t len, int flags,
	    size_t *end, int *err);
/* Streams (server-sent events): sends the status line and headers now,
 * without a length; the body follows in pieces, each pushed through to
 * the client at once.  false when the client has gone away. */
bool	 mkt_stream_begin(struct mkt_req *, int status, const char *ctype);
bool	 mkt_stream_write(struct mkt_req *, const char *, size_t);

/* ---- database: prepared statements, parameters only ---- */

struct mkt_sql {
	const char	*name;		/* unique per program */
	int		 nparams;
	const char	*text;
};

PGresult *mkt_db_exec(struct mkt_req *, const struct mkt_sql *,
	    const char *const *params);
/* The same with a plan made at the statement's first call and kept, for
 * a statement whose best plan does not depend on its values, where
 * planning costs more than running.  mkt_db_exec plans for the values
 * at every call, except in the gateway.  A statement is always run
 * through the same one of the two. */
PGresult *mkt_db_exec_once(struct mkt_req *, const struct mkt_sql *,
	    const char *const *params);
enum mkt_err mkt_db_begin(struct mkt_req *);
enum mkt_err mkt_db_commit(struct mkt_req *);
void	 mkt_db_rollback(struct mkt_req *);
/* Gives a pooled connection back early, before a long wait that needs
 * no database (outside a transaction; a no-op otherwise). */
void	 mkt_db_release(struct mkt_req *);
const char *mkt_db_val(const PGresult *, int row, const char *col);
int64_t	 mkt_db_int(const PGresult *, int row, const char *col);
bool	 mkt_db_bool(const PGresult *, int row, const char *col);
bool	 mkt_db_isnull(const PGresult *, int row, const char *col);
enum mkt_err mkt_db_ping(struct mkt_req *, double *ms);
const char *mkt_db_sqlstate(const struct mkt_req *);
/* BEGIN and the one row q locks; NULL after answering (the database's
 * failure, or 404 with missing), rolled back. */
PGresult *mkt_db_lock_row(struct mkt_req *, const struct mkt_sql *,
	    const char *const *params, const char *missing, int *status);

/* ---- group commit (batch.c) ----
 *
 * Threads queue items of one kind; one of them (the leader) runs all
 * the items queued so far through run() on its own request (its
 * connection), and each submitter returns once its item has run.
 * Submitting gives the request's pooled connection back first (outside
 * a transaction; mkt_db_release): a submitter may not wait in a batch
 * inside a transaction of its own.  run()
 * writes each item's result into the item (the structure that embeds
 * it); it must mark nothing done itself.
 */
struct mkt_batch_item {
	struct mkt_batch_item	*next;
	bool			 done;
	pthread_cond_t		*wake;	/* its submitter's, while it waits */
};
struct mkt_batch {
	pthread_mutex_t		 lock;
	struct mkt_batch_item	*head, **tail;
	bool			 busy;		/* a leader is at work */
	size_t			 max;		/* items per batch */
	void			(*run)(struct mkt_req *,
				    struct mkt_batch_item **, size_t);
	unsigned long		 batches, items, largest; /* for health */
};
void	 mkt_batch_init(struct mkt_batch *, size_t max,
	    void (*run)(struct mkt_req *, struct mkt_batch_item **, size_t));
void	 mkt_batch_submit(struct mkt_req *, struct mkt_batch *,
	    struct mkt_batch_item *);

/* ---- identity (auth.c): passwords, sessions, CSRF, roles ---- */

void	 mkt_password_hash(const char *pw, struct mkt_buf *out);
bool	 mkt_password_verify(const char *pw, const char *stored);
bool	 mkt_has_role(const struct mkt_user *, enum mkt_role);
int	 mkt_clearance(const struct mkt_req *);
const char *mkt_role_name(enum mkt_role);
const char *mkt_role_label(const struct mkt_req *, const char *name);
bool	 mkt_https(const struct mkt_req *);
int	 mkt_authenticate(struct mkt_req *);
unsigned mkt_auth_roles(const char *list);
enum mkt_err mkt_session_start(struct mkt_req *, const char *user_id);
enum mkt_err mkt_session_revoke(struct mkt_req *, const char *session_id,
	    const char *user_id);
void	 mkt_session_forget(struct mkt_req *, const char *token_hash);
void	 mkt_session_clear_cookie(struct mkt_req *);
const char *mkt_csrf_token(struct mkt_req *);
bool	 mkt_csrf_ok(struct mkt_req *);
int	 mkt_login_throttle(struct mkt_req *, const char *email, bool failed);

/* ---- the audit trail (audit.c) ----
 * Appends one row to the hash-chained audit log inside the caller's open
 * transaction (mkt_db_begin), so that the change and its record commit
 * or roll back together.  The actor, request id, client address and user
 * agent come from the request.  details must hold no secrets. */
enum mkt_err mkt_audit(struct mkt_req *, const char *action,
	    const char *resource_type, const char *resource_id,
	    struct json_object *details);

/* ---- verifying the audit chain (audit_verify.c) ----
 * Recomputes the whole chain in one read-only snapshot through the
 * worker's connection, which is idle again afterwards.  MKT_OK: the check
 * ran and the report says whether the chain is intact; otherwise it could
 * not run (reason says why).  Nothing is printed. */
struct mkt_audit_report {
	bool		 ok;		/* the chain is intact */
	int64_t		 rows;		/* rows verified (before bad_seq) */
	int64_t		 head_seq;	/* the chain head's seq */
	char		 head_hash[65];	/* and its hash, in hex */
	int64_t		 bad_seq;	/* first bad seq, 0: none */
	char		 reason[256];	/* what is wrong, or why it failed */
	char		 sqlstate[6];	/* of a failed statement, or "" */
	double		 ms;		/* time taken */
};

enum mkt_err mkt_audit_verify(struct mkt_req *, struct mkt_audit_report *);

/* ---- SemVer 2.0.0 (semver.c) ---- */

struct mkt_semver {
	uint64_t	 major, minor, patch;
	const char	*pre;		/* pre-release, without '-'; NULL: none */
	const char	*build;		/* build metadata, without '+'; NULL */
};

/* Parses semver.org's grammar exactly (no leading 'v', no leading zeros
 * in numeric identifiers); pre and build are copied into the arena. */
enum mkt_err mkt_semver_parse(struct mkt_arena *, const char *,
	    struct mkt_semver *);
/* Precedence (semver.org item 11): <0, 0, >0; build metadata ignored. */
int	 mkt_semver_cmp(const struct mkt_semver *, const struct mkt_semver *);
/* True when going from old to new may break clients without a major
 * bump being wrong: major increased, or 0.y.z with y increased. */
bool	 mkt_semver_breaking_allowed(const struct mkt_semver *old,
	    const struct mkt_semver *newer);
/* Ranges: "1.4.0" (exact), "^1.2", "^1.2.3", "~1.2", "~1.2.3", "1",
 * "1.2", "1.x", "1.2.x", "*", and comparator sets ">=1.2.0 <2.0.0".
 * Pre-releases match only a range naming the same major.minor.patch
 * with a pre-release (npm's rule), so "^1.2" never picks 2.0.0-rc.1. */
bool	 mkt_semver_range_ok(const char *range);
bool	 mkt_semver_satisfies(const char *range, const struct mkt_semver *);

/* ---- OpenAPI 3.1 contracts (openapi.c) ----
 * Findings are json-c arrays of {"pointer": RFC 6901 JSON Pointer into
 * the document, "message": English sentence}.  Nothing is printed. */

#define MKT_CONTRACT_MAX	(4u * 1024 * 1024)	/* bytes of a document */

/* A contract given as JSON or YAML (libyaml; anchors and aliases refused,
 * depth and node count capped) as a new json-c object, or NULL with a
 * reason (line and column for YAML) in err. */
struct json_object *mkt_contract_parse(const char *text, size_t len,
	    char *err, size_t errsz);
/* RFC 6901: the value at pointer in doc, or NULL. */
struct json_object *mkt_json_pointer(struct json_object *doc,
	    const char *pointer);
/* Checks an OpenAPI 3.1 document; appends findings; returns their
 * number (0: valid).  allow_http_loopback: development mode, where
 * http:// servers on 127.0.0.1, ::1 and localhost are accepted. */
size_t	 mkt_openapi_validate(struct json_object *doc,
	    bool allow_http_loopback, struct json_object *findings);
/* Changes from old to newer that break clients (removed path, removed
 * operation, newly required parameter, newly required request body
 * property, removed response media type); appends findings pointing into
 * the newer document (or the old one for removals); returns the count. */
size_t	 mkt_openapi_breaking(struct json_object *old,
	    struct json_object *newer, struct json_object *changes);
/* The document's operations, for the service page: a new array of
 * {"method", "path", "operation_id", "summary", "deprecated"}. */
struct json_object *mkt_openapi_operations(struct json_object *doc);

/* One request built from the contract for the automated test of a
 * provider endpoint: the first operation (POST preferred) with a JSON
 * request example, or a GET without required parameters. */
struct mkt_openapi_probe {
	const char		*method;	/* "POST" */
	const char		*path;		/* "/v1/chat/completions" */
	struct json_object	*body;		/* example body, or NULL */
	const char		*status;	/* expected: "200", "201", "2XX" */
	struct json_object	*schema;	/* of that response, or NULL */
	const char		*pointer;	/* the operation, for reports */
};
/* Fills probe with pointers into doc (valid while doc lives; nothing is
 * allocated), except 'pointer', which is the calling thread's buffer:
 * copy it before the thread's next probe.  false when the contract
 * offers nothing to call. */
bool	 mkt_openapi_probe(struct json_object *doc, struct mkt_openapi_probe *);

/* ---- JSON Schema, a practical subset (schema.c) ----
 * type, required, properties, additionalProperties (false or schema),
 * items, enum, const, nullable type lists, allOf/anyOf/oneOf, minimum,
 * maximum, minLength, maxLength, minItems, maxItems and local $ref into
 * root.  Unknown keywords are ignored.  Appends findings whose pointer
 * is into the instance; returns their number (0: valid). */
size_t	 mkt_schema_validate(struct json_object *root,
	    struct json_object *schema, struct json_object *instance,
	    struct json_object *findings);

/* ---- policy rules (policy.c) ----
 * A rule is a small JSON document:
 *   {"id": "https-endpoint", "field": "endpoint.url", "op": "prefix",
 *    "value": "https://", "severity": "block"|"warn",
 *    "message": "…", "when": {"field": …, "op": …, "value": …}}
 * field is a dotted path into the subject (the service's metadata).
 * Operators: exists, eq, ne, in, not_in, contains_any, contains_all,
 * subset_of, lt, lte, gt, gte, prefix, max_length. */
bool	 mkt_policy_rule_ok(struct json_object *rule, char *err, size_t errsz);
/* Appends {"rule", "field", "severity", "message"} for every rule the
 * subject breaks; returns the number of "block" violations, or -1 when
 * a rule is malformed (err says which and why). */
int	 mkt_policy_eval(struct json_object *rules, struct json_object *subject,
	    struct json_object *violations, char *err, size_t errsz);

/* ---- natural-language search queries (nlquery.c) ----
 * Finds the phrases of a search query that name a filter and takes them
 * out of the text: "cheap german summarization model with long context
 * under $1 per million tokens" gives tag "german", max_price "1",
 * min_context "100000" (for "long context"), and the text "cheap
 * summarization model".  The grammar is documented in nlquery.c and in
 * README.md; English and German words are understood. */
struct mkt_nlfilter {
	const char	*kind;		/* "max_price" (input, per 1M tokens,
					   in the catalog's currency),
					   "min_context" (tokens),
					   "category" (a catalog category slug),
					   "residency" (ISO country code or
					   "EU"), "certification" ("SOC2",
					   "ISO27001", "HIPAA", …),
					   "compliance" (public, internal,
					   confidential), "tag" (a catalog tag:
					   "german", "vision",
					   "function-calling", …) */
	const char	*value;
	const char	*phrase;	/* the words it came from, as typed,
					   for the removable chip */
};

#define MKT_NL_MAX_FILTERS	8

struct mkt_nlquery {
	const char		*text;	/* what is left, trimmed; "" if none */
	struct mkt_nlfilter	 filters[MKT_NL_MAX_FILTERS];
	size_t			 nfilters;
};

/* Strings in the arena.  Never fails: unknown words stay in the text. */
void	 mkt_nlquery_parse(struct mkt_arena *, const char *q,
	    struct mkt_nlquery *);

/* ---- outgoing HTTP (http.c, libcurl) ---- */

struct mkt_http_resp {
	long		 status;	/* 0: no answer (see error) */
	char		*body;		/* NUL-terminated, in the arena */
	size_t		 len;
	char		*content_type;	/* in the arena, or NULL */
	double		 ms;		/* total time */
	double		 ttfb_ms;	/* until the answer's first byte */
	bool		 timed_out;
	char		 error[256];	/* transport error, "" if none */
};
/* One request; headers "Name: value", NULL-terminated (may be NULL); the
 * answer is cut at max_body bytes (error set).  Never follows redirects.
 * MKT_OK whenever an HTTP answer arrived, whatever its status. */
enum mkt_err mkt_http(struct mkt_arena *, const char *method,
	    const char *url, const char *const *headers, const char *body,
	    size_t body_len, long timeout_ms, size_t max_body,
	    struct mkt_http_resp *);

/* Receives a streamed answer's body piece by piece, with the answer's
 * status and content type; false stops the transfer. */
typedef bool (*mkt_http_sink)(void *arg, long status, const char *ctype,
	    const char *piece, size_t len);
enum mkt_err mkt_http_stream(struct mkt_arena *, const char *method,
	    const char *url, const char *const *headers, const char *body,
	    size_t body_len, long timeout_ms, struct mkt_http_resp *,
	    mkt_http_sink, void *arg);

/* ---- secrets at rest and signatures (seal.c) ---- */

/* AES-256-GCM with a 32-byte key given as 64 hex digits in the
 * configuration; the sealed form is "v1:<nonce b64>:<ciphertext+tag b64>"
 * in the arena.  Unseal fails (MKT_EINVAL) on any tampering. */
enum mkt_err mkt_seal(struct mkt_arena *, const char *key_hex,
	    const char *plain, size_t len, char **sealed);
enum mkt_err mkt_unseal(struct mkt_arena *, const char *key_hex,
	    const char *sealed, char **plain, size_t *len);
void	 mkt_hmac_sha256_hex(char out[65], const void *key, size_t keylen,
	    const void *data, size_t len);

/* ---- the version lifecycle and the outbox (lifecycle.c) ----
 * All of these write inside the caller's open transaction. */
bool	 mkt_lifecycle_allowed(const char *from, const char *to);
enum mkt_err mkt_lifecycle_actor(struct mkt_req *, const char *reason);
enum mkt_err mkt_version_transition(struct mkt_req *, const char *version_id,
	    const char *to, const char *reason, const char *sunset,
	    const char **from);
enum mkt_err mkt_outbox_add(struct mkt_req *, const char *destination,
	    const char *event_type, const char *aggregate_type,
	    const char *aggregate_id, struct json_object *payload);
enum mkt_err mkt_registry_enqueue(struct mkt_req *, const char *service_id);

/* ---- memcached: only what can be rebuilt ---- */

char	*mkt_cache_get(struct mkt_req *, const char *key, size_t *len);
enum mkt_err mkt_cache_set(struct mkt_req *, const char *key,
	    const char *val, size_t len, time_t ttl);
enum mkt_err mkt_cache_ping(struct mkt_req *, double *ms);
enum mkt_err mkt_cache_delete(struct mkt_req *, const char *key);
enum mkt_err mkt_cache_incr(struct mkt_req *, const char *key, time_t ttl,
	    uint64_t *value);
enum mkt_err mkt_cache_add(struct mkt_req *, const char *key, time_t ttl,
	    uint64_t delta, uint64_t *value);
/* Why the last operation of this worker failed, for a log line. */
const char *mkt_cache_error(struct mkt_req *);

/* ---- the catalog's vocabulary (vocab.c) ---- */

const char *mkt_category_name(const struct mkt_req *, const char *slug);
const char *mkt_capability_name(const struct mkt_req *, const char *slug);
const char *mkt_mode_name(const struct mkt_req *, const char *slug);

/* ---- programs ---- */

/* A route whose capability arrives later: 501 with a message naming it. */
int	 mkt_not_yet(struct mkt_req *);

int	 mkt_main(int argc, char **argv, const struct mkt_program *);
long	 mkt_setting_long(const struct mkt_req *, const char *key, long def,
	    long min, long max);
/* The configuration of a program, for the library's readers of it. */
const struct mkt_config *mkt_settings(const struct mkt_req *);
const char *mkt_setting(const struct mkt_req *, const char *key,
	    const char *def);
int	 mkt_health(struct mkt_req *);
/* The gateway's base URL for clients: public_url, else scheme and Host,
 * with "/v1" (app.c). */
const char *mkt_gateway_url(struct mkt_req *);
double	 mkt_elapsed_ms(const struct timespec *);
/* Milliseconds of the monotonic clock (for deadlines in memory). */
long long mkt_monotonic_ms(void);
/* The gateway's own HTTP server: its threads and the client connections
 * they hold now; false when this process answers through FastCGI. */
bool	 mkt_http_figures(long *threads, long *connections);
/* The requests this process answered, by status and duration, in the
 * Prometheus text format (metrics.c). */
void	 mkt_metrics_requests(struct mkt_buf *, const char *program);
/* FNV-1a over s, continuing from h (MKT_FNV1A_BASIS to start): the
 * slot of a string in a small in-memory table, never for security. */
#define MKT_FNV1A_BASIS	14695981039346656037ULL
uint64_t mkt_fnv1a(uint64_t h, const char *s);

#endif /* MARKET_H */
