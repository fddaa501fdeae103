/* audit_verify.c: the audit chain recomputed from the raw columns, for
 * marketctl audit-verify and the auditors' page.  Prints nothing: the
 * outcome, or why it could not be had, goes into a report. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "extern.h"

#define AUDIT_BATCH	"10000"		/* rows per FETCH */
#define AUDIT_TAG	"mkt-audit-v1"	/* version of the canonical form */
#define HASH_LEN	32

/*
 * Everything is read in PostgreSQL's binary form, the very bytes the
 * chain covers (0004_audit_chain.sql, audit_row_hash), so the hash is
 * computed here without trusting any function in the database, and
 * without depending on the session's time zone or date style.
 */
enum {
	C_SEQ, C_ID, C_OCCURRED_AT, C_ACTOR_TYPE, C_ACTOR_ID, C_ACTION,
	C_RESOURCE_TYPE, C_RESOURCE_ID, C_REQUEST_ID, C_ADDR_DIGEST,
	C_UA_DIGEST, C_DETAILS, C_PREV_HASH, C_HASH, C_SALT, C_ADDR, C_UA,
	C__MAX
};

static const char q_cursor[] =
    "DECLARE audit_verify NO SCROLL CURSOR FOR "
    "SELECT a.seq, a.id, a.occurred_at, a.actor_type, a.actor_id, a.action,"
    " a.resource_type, a.resource_id, a.request_id, a.client_addr_digest,"
    " a.user_agent_digest, a.details, a.prev_hash, a.hash,"
    " p.salt, p.client_addr, p.user_agent "
    "FROM audit_log a LEFT JOIN audit_log_pii p ON p.seq = a.seq "
    "ORDER BY a.seq";

struct verify {
	EVP_MD_CTX	*md;
	unsigned char	 prev[HASH_LEN];	/* hash of the last good row */
	int64_t		 last;			/* its seq, 0 before any */
	int64_t		 rows;
	int64_t		 bad;			/* first bad seq, 0: none */
	char		 reason[256];
};

static int64_t
be64(const char *p)
{
	const unsigned char	*u = (const unsigned char *)p;
	uint64_t		 v = 0;
	int			 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | u[i];
	return (int64_t)v;
}

static void
bad(struct verify *v, int64_t seq, const char *fmt, ...)
    MKT_PRINTF(3, 4);

static void
bad(struct verify *v, int64_t seq, const char *fmt, ...)
{
	va_list	 ap;

	v->bad = seq;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

/* One field of the canonical form: 4-byte big-endian length and the
 * bytes, or ffffffff for NULL. */
static bool
field(EVP_MD_CTX *md, const char *p, int len, bool null)
{
	unsigned char	 n[4];
	uint32_t	 u = null ? 0xffffffffu : (uint32_t)len;

	n[0] = u >> 24;
	n[1] = u >> 16 & 0xff;
	n[2] = u >> 8 & 0xff;
	n[3] = u & 0xff;
	return EVP_DigestUpdate(md, n, sizeof(n)) == 1 &&
	    (null || len == 0 || EVP_DigestUpdate(md, p, (size_t)len) == 1);
}

static bool
column(EVP_MD_CTX *md, const PGresult *res, int row, int col)
{
	return field(md, PQgetvalue(res, row, col), PQgetlength(res, row, col),
	    PQgetisnull(res, row, col) != 0);
}

/* SHA-256(salt || value), the digest the chain keeps of a personal
 * value; false when it differs from the one the row holds. */
static bool
pii_matches(const PGresult *res, int row, int col, int digest_col)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD_CTX	*ctx;
	bool		 ok;

	if (PQgetisnull(res, row, col))		/* erased, or never held */
		return true;
	if (PQgetisnull(res, row, digest_col) ||
	    PQgetlength(res, row, digest_col) != HASH_LEN)
		return false;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return false;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, PQgetvalue(res, row, C_SALT),
	    (size_t)PQgetlength(res, row, C_SALT)) == 1 &&
	    EVP_DigestUpdate(ctx, PQgetvalue(res, row, col),
	    (size_t)PQgetlength(res, row, col)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == HASH_LEN &&
	    memcmp(md, PQgetvalue(res, row, digest_col), HASH_LEN) == 0;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Checks one row against the previous one; false (with v->bad set) at
 * the first thing wrong with it. */
static bool
check_row(struct verify *v, const PGresult *res, int i)
{
	static const int	 chained[] = { C_ID, C_OCCURRED_AT,
	    C_ACTOR_TYPE, C_ACTOR_ID, C_ACTION, C_RESOURCE_TYPE,
	    C_RESOURCE_ID, C_REQUEST_ID, C_ADDR_DIGEST, C_UA_DIGEST };
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	const char		*details;
	int64_t			 seq;
	size_t			 k;
	bool			 ok;

	if (PQgetlength(res, i, C_SEQ) != 8) {
		bad(v, v->last + 1, "unreadable seq after seq %" PRId64,
		    v->last);
		return false;
	}
	seq = be64(PQgetvalue(res, i, C_SEQ));
	if (seq != v->last + 1) {
		if (seq > v->last + 1)
			bad(v, v->last + 1, "missing: the log goes from seq "
			    "%" PRId64 " to seq %" PRId64, v->last, seq);
		else
			bad(v, seq, "out of order after seq %" PRId64, v->last);
		return false;
	}
	if (PQgetisnull(res, i, C_PREV_HASH) ||
	    PQgetlength(res, i, C_PREV_HASH) != HASH_LEN ||
	    memcmp(PQgetvalue(res, i, C_PREV_HASH), v->prev, HASH_LEN) != 0) {
		bad(v, seq, "prev_hash is not the hash of seq %" PRId64,
		    v->last);
		return false;
	}
	/* jsonb's binary form is a version byte and then its text. */
	details = PQgetvalue(res, i, C_DETAILS);
	if (PQgetisnull(res, i, C_DETAILS) ||
	    PQgetlength(res, i, C_DETAILS) < 1 || details[0] != 1) {
		bad(v, seq, "details are not jsonb version 1");
		return false;
	}
	ok = EVP_DigestInit_ex(v->md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(v->md, AUDIT_TAG, strlen(AUDIT_TAG)) == 1 &&
	    field(v->md, (const char *)v->prev, HASH_LEN, false) &&
	    column(v->md, res, i, C_SEQ);
	for (k = 0; ok && k < sizeof(chained) / sizeof(chained[0]); k++)
		ok = column(v->md, res, i, chained[k]);
	ok = ok && field(v->md, details + 1, PQgetlength(res, i, C_DETAILS) -
	    1, false) && EVP_DigestFinal_ex(v->md, md, &mdlen) == 1 &&
	    mdlen == HASH_LEN;
	if (!ok) {
		bad(v, seq, "SHA-256 failed (OpenSSL)");
		return false;
	}
	if (PQgetisnull(res, i, C_HASH) ||
	    PQgetlength(res, i, C_HASH) != HASH_LEN ||
	    memcmp(PQgetvalue(res, i, C_HASH), md, HASH_LEN) != 0) {
		bad(v, seq, "hash does not match the row's content");
		return false;
	}
	/* The side table is not chained, but what is left of it must still
	 * match the digests the chain holds. */
	if (!PQgetisnull(res, i, C_SALT)) {
		if (!pii_matches(res, i, C_ADDR, C_ADDR_DIGEST)) {
			bad(v, seq, "client address in audit_log_pii does "
			    "not match its digest");
			return false;
		}
		if (!pii_matches(res, i, C_UA, C_UA_DIGEST)) {
			bad(v, seq, "user agent in audit_log_pii does not "
			    "match its digest");
			return false;
		}
	}
	memcpy(v->prev, md, HASH_LEN);
	v->last = seq;
	v->rows++;
	return true;
}

/* The head records where the log must end: a deleted last row leaves
 * every remaining row intact, and only the head tells. */
static void
check_head(struct verify *v, int64_t head_seq, const char *head_hash)
{
	if (head_seq > v->last)
		bad(v, v->last + 1, "missing: the chain head records seq %"
		    PRId64 " but the log ends at seq %" PRId64, head_seq,
		    v->last);
	else if (head_seq < v->last)
		bad(v, head_seq + 1, "appended past the chain head (seq %"
		    PRId64 ") without the chain's trigger", head_seq);
	else if (memcmp(head_hash, v->prev, HASH_LEN) != 0)
		bad(v, head_seq, "hash differs from the one the chain head "
		    "records");
}

/* Records why the check could not be done (not a broken chain). */
static void
failed(struct mkt_audit_report *rep, PGconn *pg, const PGresult *res,
    const char *msg)
{
	const char	*state;
	size_t		 n;

	if (msg == NULL)
		msg = res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(pg);
	snprintf(rep->reason, sizeof(rep->reason), "%s", msg);
	n = strlen(rep->reason);
	while (n > 0 && (rep->reason[n - 1] == '\n' ||
	    rep->reason[n - 1] == ' '))
		rep->reason[--n] = '\0';
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(rep->sqlstate, sizeof(rep->sqlstate), "%s",
	    state != NULL ? state : "");
}

/* A statement with binary results; NULL (and the report filled) when it
 * failed. */
static PGresult *
exec_binary(PGconn *pg, struct mkt_audit_report *rep, const char *sql)
{
	PGresult	*res = PQexecParams(pg, sql, 0, NULL, NULL, NULL,
	    NULL, 1);

	if (res == NULL || (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_COMMAND_OK)) {
		failed(rep, pg, res, NULL);
		PQclear(res);
		return NULL;
	}
	return res;
}

static bool
command(PGconn *pg, struct mkt_audit_report *rep, const char *sql)
{
	PGresult	*res = PQexec(pg, sql);
	bool		 ok = res != NULL &&
	    (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK);

	if (!ok)
		failed(rep, pg, res, NULL);
	PQclear(res);
	return ok;
}

/*
 * Walks the whole log in seq order through a cursor, in one read-only
 * snapshot (writers carry on meanwhile; their rows are simply not part of
 * this check), then compares the end with the chain head.  The connection
 * must be idle (no open transaction); it is idle again on return, whatever
 * happened.  MKT_OK: the check ran, rep->ok tells whether the chain is
 * intact (else rep->bad_seq and rep->reason name the first fault);
 * MKT_EDB / MKT_ESYS: it could not run, rep->reason says why.
 */
enum mkt_err
mkt_audit_verify_conn(PGconn *pg, struct mkt_audit_report *rep)
{
	struct verify	 v;
	struct timespec	 t0;
	PGresult	*res;
	int64_t		 head_seq;
	char		 head_hash[HASH_LEN];
	int		 i, n;
	enum mkt_err	 rc = MKT_EDB;

	memset(rep, 0, sizeof(*rep));
	memset(&v, 0, sizeof(v));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((v.md = EVP_MD_CTX_new()) == NULL) {
		failed(rep, pg, NULL, "out of memory (OpenSSL)");
		return MKT_ESYS;
	}
	/* Text arrives in the database's UTF-8, as the chain hashed it. */
	if (strcmp(pg_encoding_to_char(PQclientEncoding(pg)), "UTF8") != 0 &&
	    PQsetClientEncoding(pg, "UTF8") != 0) {
		failed(rep, pg, NULL, NULL);
		goto out;
	}
	if (!command(pg, rep, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
		goto rollback;
	if ((res = exec_binary(pg, rep,
	    "SELECT seq, hash FROM audit_chain_head")) == NULL)
		goto rollback;
	if (PQntuples(res) != 1 || PQgetlength(res, 0, 0) != 8 ||
	    PQgetlength(res, 0, 1) != HASH_LEN) {
		failed(rep, pg, NULL, "the audit chain head is missing or "
		    "malformed");
		PQclear(res);
		goto rollback;
	}
	head_seq = be64(PQgetvalue(res, 0, 0));
	memcpy(head_hash, PQgetvalue(res, 0, 1), HASH_LEN);
	PQclear(res);
	if (!command(pg, rep, q_cursor))
		goto rollback;
	do {
		if ((res = exec_binary(pg, rep, "FETCH " AUDIT_BATCH
		    " FROM audit_verify")) == NULL)
			goto rollback;
		if (PQnfields(res) != C__MAX) {
			failed(rep, pg, NULL, "unexpected columns");
			PQclear(res);
			goto rollback;
		}
		n = PQntuples(res);
		for (i = 0; i < n && v.bad == 0; i++)
			check_row(&v, res, i);
		PQclear(res);
	} while (n > 0 && v.bad == 0);
	if (v.bad == 0)
		check_head(&v, head_seq, head_hash);
	/* COMMIT closes the cursor; a failed one still ends the
	 * transaction, but the outcome is then not to be trusted. */
	if (!command(pg, rep, "COMMIT"))
		goto rollback;

	rep->rows = v.rows;
	rep->head_seq = head_seq;
	mkt_hex(rep->head_hash, (const unsigned char *)head_hash, HASH_LEN);
	rep->ok = v.bad == 0;
	rep->bad_seq = v.bad;
	snprintf(rep->reason, sizeof(rep->reason), "%s", v.reason);
	rc = MKT_OK;
	goto out;
rollback:
	/* Whatever state the transaction is in (or none), end it, keeping
	 * the first error in the report. */
	if (PQtransactionStatus(pg) != PQTRANS_IDLE) {
		res = PQexec(pg, "ROLLBACK");
		PQclear(res);
	}
out:
	rep->ms = mkt_elapsed_ms(&t0);
	EVP_MD_CTX_free(v.md);
	return rc;
}

/* The same through the worker's connection, which it leaves idle. */
enum mkt_err
mkt_audit_verify(struct mkt_req *r, struct mkt_audit_report *rep)
{
	struct mkt_worker	*w = r->worker;
	enum mkt_err		 e;
	double			 ms;

	memset(rep, 0, sizeof(*rep));
	if (w->in_tx) {
		failed(rep, w->db->pg, NULL, "a transaction is already open");
		return MKT_EINVAL;
	}
	/* Connects, or reconnects after a server restart. */
	if ((e = mkt_db_ping(r, &ms)) != MKT_OK) {
		snprintf(rep->reason, sizeof(rep->reason), "%s",
		    mkt_strerror(e));
		return e;
	}
	e = mkt_audit_verify_conn(w->db->pg, rep);
	if (e != MKT_OK) {
		mkt_log_error(r, "audit chain verification failed: %s",
		    rep->reason);
		snprintf(w->sqlstate, sizeof(w->sqlstate), "%s",
		    rep->sqlstate);
		if (PQstatus(w->db->pg) == CONNECTION_BAD)
			w->db_down = true;
	}
	return e;
}
