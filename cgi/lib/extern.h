/* extern.h: libmarket internals shared between its own files only */
#ifndef MARKET_EXTERN_H
#define MARKET_EXTERN_H

#include <pthread.h>
#include <signal.h>

#include <libpq-fe.h>
#include <libmemcached/memcached.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/security.h>

#include "market.h"

#define MKT_XSLT_NS	"urn:llm-marketplace:xslt"
#define MKT_MAX_LANGS	8
#define MKT_MAX_VIEWS	64
#define MKT_MAX_PREPARED 128
#define MKT_MAX_SEGS	16

struct mkt_view_style {
	const char		*name;		/* "search/list" */
	xsltStylesheetPtr	 style;
};

/* Process-wide and read-only once the first request is accepted. */
struct mkt_app {
	const struct mkt_program *prog;
	struct mkt_config	*cfg;
	const char		*database;	/* libpq connection string */
	const char		*memcached;	/* host:port[,host:port…] */
	long			 memcached_timeout_ms;
	const char		*template_dir;
	const char		*locale_dir;
	const char		*static_url;
	size_t			 max_body;
	size_t			 max_query;
	long			 statement_timeout_ms;
	long			 threads;
	long			 max_requests;
	struct mkt_dbpool	*pool;		/* NULL: a connection a thread */
	const char		*langs[MKT_MAX_LANGS];
	struct mkt_catalog	*catalogs[MKT_MAX_LANGS];
	size_t			 nlangs;
	struct mkt_view_style	 views[MKT_MAX_VIEWS];
	size_t			 nviews;
	xsltSecurityPrefsPtr	 secprefs;
};

/* A database connection and the statements prepared on it. */
struct mkt_dbconn {
	PGconn			*pg;
	const struct mkt_sql	*prepared[MKT_MAX_PREPARED];
	size_t			 nprepared;
	bool			 plan_once;	/* the session's plan_cache_mode
						   is force_generic_plan */
};

/*
 * Connections shared by a program's threads when it runs more threads
 * than it may hold connections (db_pool_size): the gateway's threads
 * spend most of a call waiting for the provider, without the database.
 * A thread takes a connection at its first statement and gives it back
 * at the end of the request, or earlier with mkt_db_release().
 */
struct mkt_dbpool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 freed;
	struct mkt_dbconn	*conns;		/* size of them */
	struct mkt_dbconn	**idle;		/* a stack of nidle */
	size_t			 size, nidle, waits;
};

/* One per thread: its connections, its arena, its output buffer. */
struct mkt_worker {
	const struct mkt_app	*app;
	struct mkt_dbconn	*db;		/* in use, or NULL */
	struct mkt_dbconn	 own;		/* when there is no pool */
	bool			 in_tx;
	bool			 db_down;
	char			 sqlstate[6];
	memcached_st		*mc;
	struct mkt_arena	*arena;
	struct mkt_buf		 out;
	const char		*segs[MKT_MAX_SEGS];
	size_t			 nsegs;
	unsigned long		 served;
};

/* How a request's body is read and its answer written (FastCGI or CGI). */
struct mkt_io {
	size_t	(*read)(void *ctx, char *buf, size_t n);
	bool	(*write)(void *ctx, const char *buf, size_t n);
	/* Pushes what was written to the web server now (streams); may
	 * be NULL where output is not buffered. */
	bool	(*flush)(void *ctx);
};

/* metrics.c: counts a request answered. */
void	 mkt_metrics_count(int status, double ms);

/* app.c */
int	 mkt_app_init(struct mkt_app *, const struct mkt_program *,
	    struct mkt_config *, bool check_only);
void	 mkt_app_free(struct mkt_app *);
void	 mkt_worker_init(struct mkt_worker *, const struct mkt_app *);
void	 mkt_worker_free(struct mkt_worker *);

/* request.c */
void	 mkt_handle(struct mkt_worker *, const struct mkt_io *, void *ioctx,
	    char *const *envp);
const char *mkt_env_get(char *const *envp, const char *name);
/* httpd.c: answering HTTP/1.1 clients directly (mkt-consume --http) */
int	 mkt_http_listen(const char *spec, char *err, size_t errsz);
int	 mkt_http_serve(const struct mkt_app *, int fd,
	    volatile sig_atomic_t *stopping);
void	 mkt_http_wake(void);	/* async-signal-safe: see *stopping */
enum mkt_err mkt_parse_pairs(struct mkt_arena *, const char *, size_t,
	    char sep, bool plus_is_space, size_t maxpairs,
	    struct mkt_kv **, size_t *);
enum mkt_fmt mkt_negotiate_fmt(const char *accept);

/* route.c */
enum mkt_match { MKT_MATCH_NONE, MKT_MATCH_METHOD, MKT_MATCH_OK };
enum mkt_match mkt_route_find(const struct mkt_route *, enum mkt_method,
	    const char *const *segs, size_t nsegs, const struct mkt_route **,
	    const char **args, struct mkt_buf *allow);
enum mkt_err mkt_params_validate(struct mkt_req *, struct json_object *errors);
bool	 mkt_param_check(const struct mkt_param *, const char *, size_t,
	    struct mkt_pval *, const char **reason);

/* render.c */
void	 mkt_render(struct mkt_req *);
int	 mkt_xslt_setup(struct mkt_app *);
struct _xmlDoc *mkt_view_to_xml(struct mkt_req *, struct json_object *);
void	 mkt_json_to_xml(struct _xmlNode *, struct json_object *);
const char *mkt_status_text(int);

/* oidc.c */
int	 mkt_oidc_authenticate(struct mkt_req *, const char *token);
int	 mkt_sso_authenticate(struct mkt_req *);
void	 mkt_oidc_cleanup(void);

/* audit_verify.c: the check on any idle connection (marketctl's too) */
enum mkt_err mkt_audit_verify_conn(PGconn *, struct mkt_audit_report *);

/* db.c, cache.c */
void	 mkt_db_close(struct mkt_worker *);
void	 mkt_db_request_end(struct mkt_worker *);
void	 mkt_db_pool_init(struct mkt_app *, long size);
void	 mkt_db_pool_free(struct mkt_app *);
void	 mkt_cache_close(struct mkt_worker *);

#endif /* MARKET_EXTERN_H */
