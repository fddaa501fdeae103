/* db.c: PostgreSQL through prepared statements, reconnecting when needed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

static void
pq_clear(void *p)
{
	PQclear(p);
}

/* The gateway's statements (consume) are all planned once: they run
 * thousands of times a second and have no optional filter.  The other
 * programs plan for the values at every call, unless a statement is run
 * by mkt_db_exec_once(): the statements' optional filters ("$5 IS NULL
 * OR vector @@ query") only fold away, and the full-text index is only
 * usable, once the planner sees the values; a generic plan scans
 * everything. */
static bool
plans_once(const struct mkt_app *app)
{
	return strcmp(app->prog->name, "consume") == 0;
}

/* A new or reset session: nothing prepared, the program's planning. */
static void
forget_prepared(struct mkt_worker *w)
{
	w->db->nprepared = 0;
	w->db->plan_once = plans_once(w->app);
}

/* ---- the pool ---- */

void
mkt_db_pool_init(struct mkt_app *app, long size)
{
	struct mkt_dbpool	*p = mkt_xcalloc(1, sizeof(*p));
	size_t			 i;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->size = (size_t)size;
	p->conns = mkt_xcalloc(p->size, sizeof(*p->conns));
	p->idle = mkt_xcalloc(p->size, sizeof(*p->idle));
	for (i = 0; i < p->size; i++)
		p->idle[p->nidle++] = &p->conns[p->size - 1 - i];
	app->pool = p;
}

void
mkt_db_pool_free(struct mkt_app *app)
{
	struct mkt_dbpool	*p = app->pool;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		if (p->conns[i].pg != NULL)
			PQfinish(p->conns[i].pg);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->conns);
	free(p->idle);
	free(p);
	app->pool = NULL;
}

/* The worker's connection: its own, or one from the pool (waiting for
 * one when all are taken: they are held for milliseconds). */
static void
acquire(struct mkt_worker *w)
{
	struct mkt_dbpool	*p = w->app->pool;

	if (w->db != NULL)
		return;
	if (p == NULL) {
		w->db = &w->own;
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0) {
		p->waits++;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	w->db = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->lock);
}

static void
release(struct mkt_worker *w)
{
	struct mkt_dbpool	*p = w->app->pool;

	if (p == NULL || w->db == NULL || w->in_tx)
		return;
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = w->db;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	w->db = NULL;
}

/* Gives the connection back before a long wait that needs none (the
 * gateway, before calling the provider).  Not inside a transaction. */
void
mkt_db_release(struct mkt_req *r)
{
	if (r->worker != NULL)
		release(r->worker);
}

/* Connects or, after a server restart, reconnects.  Keeps the request
 * short when the server is down: libpq's connect_timeout bounds it. */
static enum mkt_err
ensure_conn(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	char			 timeout[256];
	const char		*keys[] = { "dbname", "application_name",
	    "options", "connect_timeout", NULL };
	const char		*vals[5];

	acquire(w);
	if (w->db->pg != NULL && PQstatus(w->db->pg) == CONNECTION_OK)
		return MKT_OK;
	if (w->db->pg != NULL) {
		forget_prepared(w);
		PQreset(w->db->pg);
	} else {
		/* No parallel workers and no JIT compiling: starting
		 * workers or compiling costs more than the short statements
		 * of a web request gain from them (a statement of a few
		 * milliseconds, planned once, spent 90 ms compiling). */
		snprintf(timeout, sizeof(timeout), "-c statement_timeout=%ld "
		    "-c plan_cache_mode=%s "
		    "-c max_parallel_workers_per_gather=0 -c jit=off",
		    r->app->statement_timeout_ms, plans_once(r->app) ?
		    "force_generic_plan" : "force_custom_plan");
		vals[0] = r->app->database;
		vals[1] = mkt_arena_printf(r->arena, "mkt-%s",
		    r->app->prog->name);
		vals[2] = timeout;
		vals[3] = "3";
		vals[4] = NULL;
		w->db->pg = PQconnectdbParams(keys, vals, 1);
		forget_prepared(w);
	}
	if (w->db->pg == NULL || PQstatus(w->db->pg) != CONNECTION_OK) {
		if (!w->db_down)
			mkt_log_error(r, "could not connect to the database: "
			    "%s", w->db->pg ? PQerrorMessage(w->db->pg) :
			    "no memory");
		w->db_down = true;
		return MKT_EDBDOWN;
	}
	if (w->db_down)
		mkt_log_info(r, "database connection restored");
	w->db_down = false;
	return MKT_OK;
}

static bool
is_prepared(const struct mkt_worker *w, const struct mkt_sql *q)
{
	size_t	 i;

	for (i = 0; i < w->db->nprepared; i++)
		if (w->db->prepared[i] == q)
			return true;
	return false;
}

/*
 * Switches the session's planning when it differs (a statement is
 * usually planned as the last one was: most calls switch nothing).  Not
 * inside a transaction, whose rollback would undo the switch unseen.
 * NULL when done or nothing was to be done, else the failed result.
 */
static PGresult *
plan_as(struct mkt_worker *w, bool once)
{
	PGresult	*res;

	if (once == w->db->plan_once || w->in_tx)
		return NULL;
	res = PQexec(w->db->pg, once ?
	    "SET plan_cache_mode = force_generic_plan" :
	    "SET plan_cache_mode = force_custom_plan");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		return res;
	PQclear(res);
	w->db->plan_once = once;
	return NULL;
}

/* One attempt at q: prepared first if this connection has not yet. */
static PGresult *
exec_attempt(struct mkt_req *r, const struct mkt_sql *q,
    const char *const *params, bool plan_once)
{
	struct mkt_worker	*w = r->worker;
	PGresult		*res;

	if ((res = plan_as(w, plan_once)) != NULL)
		return res;
	if (!is_prepared(w, q)) {
		res = PQprepare(w->db->pg, q->name, q->text, q->nparams, NULL);
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;
		PQclear(res);
		if (w->db->nprepared < MKT_MAX_PREPARED)
			w->db->prepared[w->db->nprepared++] = q;
	}
	return PQexecPrepared(w->db->pg, q->name, q->nparams, params, NULL, NULL, 0);
}

/*
 * Runs a named statement with text parameters.  Returns the result, owned
 * by the request arena, or NULL after logging why (the caller answers with
 * mkt_fail_db()).  A connection lost outside a transaction is re-opened
 * and the statement tried once more: after a server restart the first
 * request succeeds instead of failing.  plan_once: as mkt_db_exec_once.
 */
static PGresult *
db_exec(struct mkt_req *r, const struct mkt_sql *q, const char *const *params,
    bool plan_once)
{
	struct mkt_worker	*w = r->worker;
	PGresult		*res;
	ExecStatusType		 st;
	const char		*state;
	bool			 lost = false;
	int			 attempt;

	w->sqlstate[0] = '\0';
	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure_conn(r) != MKT_OK)
			return NULL;
		res = exec_attempt(r, q, params, plan_once);
		st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			mkt_arena_defer(r->arena, pq_clear, res);
			return res;
		}
		/* Lost: no SQLSTATE (the socket failed), connection errors
		 * (08xxx) or the server going away (57P01-57P05). */
		state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		lost = PQstatus(w->db->pg) == CONNECTION_BAD || state == NULL ||
		    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0;
		if (lost && !w->in_tx && attempt == 0) {
			PQclear(res);
			mkt_log_warn(r, "database connection lost; reconnecting");
			forget_prepared(w);
			PQreset(w->db->pg);
			continue;
		}
		break;
	}
	if (lost)
		w->db_down = true;
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(w->sqlstate, sizeof(w->sqlstate), "%s", state ? state : "");
	mkt_log_error(r, "statement %s failed (SQLSTATE %s): %s", q->name,
	    w->sqlstate[0] ? w->sqlstate : "none", res ?
	    PQresultErrorMessage(res) : PQerrorMessage(w->db->pg));
	PQclear(res);
	return NULL;
}

PGresult *
mkt_db_exec(struct mkt_req *r, const struct mkt_sql *q,
    const char *const *params)
{
	return db_exec(r, q, params, plans_once(r->app));
}

PGresult *
mkt_db_exec_once(struct mkt_req *r, const struct mkt_sql *q,
    const char *const *params)
{
	return db_exec(r, q, params, true);
}

static const struct mkt_sql q_begin = { "mkt_begin", 0, "BEGIN" };
static const struct mkt_sql q_commit = { "mkt_commit", 0, "COMMIT" };
static const struct mkt_sql q_ping = { "mkt_ping", 0, "SELECT 1" };

enum mkt_err
mkt_db_begin(struct mkt_req *r)
{
	if (mkt_db_exec(r, &q_begin, NULL) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	r->worker->in_tx = true;
	return MKT_OK;
}

enum mkt_err
mkt_db_commit(struct mkt_req *r)
{
	PGresult	*res = mkt_db_exec(r, &q_commit, NULL);

	r->worker->in_tx = false;
	/* COMMIT of a failed transaction answers ROLLBACK, not an error. */
	if (res == NULL || strcmp(PQcmdStatus(res), "COMMIT") != 0)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	return MKT_OK;
}

void
mkt_db_rollback(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	PGresult		*res;

	if (w->db == NULL || w->db->pg == NULL || !w->in_tx)
		return;
	w->in_tx = false;
	res = PQexec(w->db->pg, "ROLLBACK");
	PQclear(res);
}

/* A request that ends inside a transaction did not finish: undo it. */
void
mkt_db_request_end(struct mkt_worker *w)
{
	PGresult	*res;

	if (w->db != NULL && w->db->pg != NULL && w->in_tx) {
		res = PQexec(w->db->pg, "ROLLBACK");
		PQclear(res);
	}
	w->in_tx = false;
	release(w);
}

/* The worker's own connection; pooled ones close with the pool. */
void
mkt_db_close(struct mkt_worker *w)
{
	release(w);
	if (w->own.pg != NULL)
		PQfinish(w->own.pg);
	w->own.pg = NULL;
	w->own.nprepared = 0;
	w->db = NULL;
}

/*
 * Opens a transaction and locks the one row q finds (q ends in FOR
 * UPDATE).  Returns it, or NULL after answering: the database's failure,
 * or 404 with missing when there is no such row (rolled back).
 */
PGresult *
mkt_db_lock_row(struct mkt_req *r, const struct mkt_sql *q,
    const char *const *params, const char *missing, int *status)
{
	PGresult	*res;

	if (mkt_db_begin(r) != MKT_OK) {
		*status = mkt_fail_db(r);
		return NULL;
	}
	if ((res = mkt_db_exec(r, q, params)) == NULL) {
		mkt_db_rollback(r);
		*status = mkt_fail_db(r);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		mkt_db_rollback(r);
		*status = mkt_fail(r, 404, "not-found", missing);
		return NULL;
	}
	return res;
}

int
mkt_fail_db(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;

	if (w->db_down)
		return mkt_fail(r, 503, "service-unavailable",
		    mkt_tr(r, "the database is unavailable; try again in a "
		    "few seconds"));
	if (strcmp(w->sqlstate, "57014") == 0)
		return mkt_fail(r, 503, "service-unavailable",
		    mkt_tr(r, "the request took too long and was cancelled"));
	return mkt_fail(r, 500, "internal-error",
	    mkt_tr(r, "the request could not be completed; it has been "
	    "logged with its request id"));
}

static int
column(const PGresult *res, const char *col)
{
	int	 c = PQfnumber(res, col);

	if (c < 0) {
		mkt_logx(MKT_LOG_ERROR, NULL, __FILE__, __LINE__,
		    "result has no column \"%s\"", col);
		abort();	/* a programming error, caught by any test */
	}
	return c;
}

bool
mkt_db_isnull(const PGresult *res, int row, const char *col)
{
	return PQgetisnull(res, row, column(res, col)) != 0;
}

/* The value as text, or NULL for SQL NULL. */
const char *
mkt_db_val(const PGresult *res, int row, const char *col)
{
	int	 c = column(res, col);

	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

int64_t
mkt_db_int(const PGresult *res, int row, const char *col)
{
	const char	*v = mkt_db_val(res, row, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

bool
mkt_db_bool(const PGresult *res, int row, const char *col)
{
	const char	*v = mkt_db_val(res, row, col);

	return v != NULL && v[0] == 't';
}

enum mkt_err
mkt_db_ping(struct mkt_req *r, double *ms)
{
	struct timespec	 t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mkt_db_exec(r, &q_ping, NULL) == NULL)
		return r->worker->db_down ? MKT_EDBDOWN : MKT_EDB;
	*ms = mkt_elapsed_ms(&t0);
	return MKT_OK;
}

/* The SQLSTATE of the request's last failed statement ("" if none):
 * handlers map e.g. 23505 (unique violation) to 409. */
const char *
mkt_db_sqlstate(const struct mkt_req *r)
{
	return r->worker->sqlstate;
}
