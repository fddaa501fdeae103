/* journal.c: usage records made durable on local disk, then shipped
 *
 * A call's usage record must be durable before its client hears of
 * success.  Committed in PostgreSQL on the call, that is a round trip, a
 * statement and a WAL flush: most of what the gateway adds to a call.
 * Instead each serving process appends the record to a file of its own,
 * one line of JSON, and the call waits for that line's fdatasync only,
 * shared by every call of the same moment (a group commit, as
 * PostgreSQL's WAL writer does).  A thread of the process ships the
 * lines to PostgreSQL in order, in batches (gateway_ship, 0029), and
 * PostgreSQL keeps how far each journal is shipped in the same
 * transaction as the records: a line reaches usage_records exactly once,
 * however often a batch is retried.
 *
 * The file is preallocated and written in place (pwrite), so that a
 * sync rarely has to grow it; its data ends at its first zero byte.  A
 * line cut by a crash never had its fdatasync, so no client heard of its
 * call's success: it is ignored.
 *
 * A file past gateway_journal_file_kb gives way to a new one, and is deleted once
 * shipped whole.  A process that dies leaves its files, and their locks
 * (flock) die with it: the next gateway process to look (at its start,
 * then every ORPHAN_CHECK_MS) ships what PostgreSQL lacks and deletes
 * them.  A process that stops ships everything first.
 *
 * A write or a sync that fails breaks the journal: its calls then settle
 * in PostgreSQL on the call (gateway.c), the lines written and not
 * synced are skipped in the file's position (their calls were settled
 * that way), and a new file is tried every second.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "consume.h"

#define CHUNK		(1L << 20)	/* a file grows by this */
#define SHIP_MAX	256		/* lines in one batch */
#define ORPHAN_CHECK_MS	10000
#define RETRY_MS	1000		/* a new file, after one failed */
#define STOP_TRY_MS	10000		/* shipping at stop, before giving up */
#define STUCK_MS	60000		/* waiting longer: health says so */

/* One file of the journal: the one written, or an earlier one still
 * shipping.  durable: synced without error; synced: its lines up to it
 * may be shipped (past durable only by a gap). */
struct jfile {
	struct jfile	*next;		/* the earlier files */
	char		 name[32];	/* "gateway-" and 16 hex digits */
	int		 fd;
	off_t		 written, durable, synced, allocated, shipped;
};

/* A line written and not yet shipped.  len 0: a gap (lines given up on,
 * their calls settled on the call): its file's position moves past it
 * and nothing is settled. */
struct line {
	struct line	*next;
	struct jfile	*f;
	off_t		 end;		/* the file's offset just past it */
	long long	 at_ms;		/* when written (monotonic) */
	char		 sub[40];	/* its subscription */
	size_t		 len;
	char		 text[];	/* JSON, then '\n' */
};

/*
 * A writer waiting for a sync to cover its line.  The sync that does
 * wakes it alone, and it returns without the lock; the journal breaking
 * wakes it too; the first one a sync leaves waiting is told to lead the
 * next.  (A broadcast woke every writer to fight for the lock: at 32
 * connections, 15 % of a call's time in the gateway.)
 */
struct waiter {
	struct waiter		*next;
	unsigned long long	 target;	/* j.written just past its line */
	sem_t			 sem;
	enum { W_WAITING, W_DURABLE, W_BROKEN, W_LEAD } state;
};

static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 work_cv;	/* the shipper: lines, or stop */
	char		 dir[512];
	int		 dirfd;
	struct jfile	*cur;		/* written to; NULL: none */
	struct jfile	*old;		/* earlier, not yet shipped whole */
	struct jfile	*spare;		/* the next, made ready */
	/* bytes over every file: a writer waits for its own end */
	unsigned long long written, durable;
	bool		 on, syncing, broken, stopping;
	bool		 idle;		/* the shipper waits for lines */
	long long	 retry_at;	/* a new file, not before (monotonic) */
	off_t		 file_bytes;	/* a new file past this */
	struct line	*head, **tail;	/* written, not yet shipped */
	struct waiter	*waiters, **waiters_tail; /* in the order they came */
	unsigned long	 waiting;	/* lines in the list */
	pthread_t	 thread;
	struct mkt_req	*task;
	/* figures, since the process started */
	unsigned long	 lines, syncs, shipped_lines, batches, recovered;
	unsigned long	 rejected, files;
	char		 problem[1400];	/* why it is broken or off */
} j = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.waiters_tail = &j.waiters,
	.work_cv = PTHREAD_COND_INITIALIZER,
	.dirfd = -1,
};

/* Faults for the tests (gateway.test.mjs): the nth line's write of
 * this process (MKT_FAULT_JOURNAL_WRITE=n, half of it written) or its
 * nth sync (MKT_FAULT_JOURNAL_SYNC=n) fails with EIO, once.  Read at
 * start; unset, nothing changes. */
static struct {
	unsigned long	 write_at, sync_at, writes, syncs;
} fault;

/* Under the lock: is this the write or sync that fails? */
static bool
fault_due(unsigned long *count, unsigned long at)
{
	return at > 0 && ++*count == at;
}

static unsigned long
fault_at(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? strtoul(v, NULL, 10) : 0;
}

/* A write cut short by a failing disk: half the line, then EIO. */
static ssize_t
torn_write(int fd, const char *p, size_t len, off_t at)
{
	if (pwrite(fd, p, len / 2, at) < 0)
		return -1;
	errno = EIO;
	return -1;
}

static const struct mkt_sql q_ship = { "journal_ship", 5,
	"SELECT count(*) FROM gateway_ship($1, $2, $3, $4::json, $5)" };
static const struct mkt_sql q_position = { "journal_position", 1,
	"SELECT coalesce((SELECT shipped FROM gateway_journals"
	" WHERE name = $1), 0) AS shipped" };
static const struct mkt_sql q_forget = { "journal_forget", 1,
	"DELETE FROM gateway_journals WHERE name = $1" };

static void
path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s.journal", j.dir, name);
}

/* Under the lock: the lines of f written and not synced are given up
 * (their calls settle on the call): f's position moves past them. */
static void
give_up(struct jfile *f)
{
	struct line	*gap, **pp;

	if (f->written <= f->durable)
		return;
	for (pp = &j.head; *pp != NULL && ((*pp)->f != f ||
	    (*pp)->end <= f->durable); pp = &(*pp)->next)
		;
	while (*pp != NULL && (*pp)->f == f) {
		struct line *l = *pp;

		*pp = l->next;
		free(l);
		j.waiting--;
	}
	gap = mkt_xcalloc(1, sizeof(*gap));
	gap->f = f;
	gap->end = f->written;
	gap->at_ms = mkt_monotonic_ms();
	/* Lines after f's are the next file's: the gap goes before. */
	gap->next = *pp;
	*pp = gap;
	if (gap->next == NULL)
		j.tail = &gap->next;
	j.waiting++;
	f->synced = f->written;
}

/* Under the lock: wakes the writers whose lines are durable, and all
 * of them when the journal is broken; otherwise the first left waiting
 * is told to lead the next sync: true then (j.syncing stays set, for
 * it).  A waiter's fields are read before its post: once posted, it
 * may be gone. */
static bool
wake_waiters(void)
{
	struct waiter	*w, **pp = &j.waiters;
	bool		 led = false;

	while ((w = *pp) != NULL) {
		if (w->target <= j.durable || j.broken)
			w->state = w->target <= j.durable ? W_DURABLE :
			    W_BROKEN;
		else if (!led) {
			w->state = W_LEAD;
			led = true;
		} else {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		sem_post(&w->sem);
	}
	j.waiters_tail = pp;
	return led;
}

/* Under the lock: the journal is broken at file f (the file written, or
 * the one just left); why, in the log and health. */
static void
breaks(struct jfile *f, const char *what, int err)
{
	snprintf(j.problem, sizeof(j.problem), "%s: %s", what, strerror(err));
	mkt_log_error(NULL, "usage journal %s: %s; calls settle in "
	    "PostgreSQL on the call until a new journal file is opened",
	    f->name, j.problem);
	j.broken = true;
	j.retry_at = mkt_monotonic_ms() + RETRY_MS;
	give_up(f);
	if (j.cur != f)
		give_up(j.cur);
	wake_waiters();
	pthread_cond_signal(&j.work_cv);
}

/* Writes zeros over [from, to) of fd: blocks written once, so that a
 * sync of a line later flushes the line alone, not the file system's
 * record of a block given to the file (whose cost has a long tail). */
static int
zero_fill(int fd, off_t from, off_t to)
{
	static const char	 zeros[64 * 1024];
	ssize_t			 n;
	size_t			 want;

	while (from < to) {
		want = (size_t)(to - from) < sizeof(zeros) ?
		    (size_t)(to - from) : sizeof(zeros);
		if ((n = pwrite(fd, zeros, want, from)) < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		from += n;
	}
	return 0;
}

/* A new file of our own, locked, filled with zeros to size bytes and
 * known to its folder; NULL with the reason in why.  Not under the
 * lock: it takes a while. */
static struct jfile *
open_file(off_t size, char *why, size_t whysize)
{
	struct jfile	*f;
	char		 hex[17], path[600], tmp[600];
	int		 fd, rc;

	mkt_random_hex(hex, 8);
	f = mkt_xcalloc(1, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "gateway-%s", hex);
	path_of(path, sizeof(path), f->name);
	/* Made under another name and renamed once locked: a process
	 * looking for journals of dead processes never sees it unlocked. */
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", j.dir, f->name);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		snprintf(why, whysize, "cannot create %s: %s", tmp,
		    strerror(errno));
		free(f);
		return NULL;
	}
	rc = flock(fd, LOCK_EX | LOCK_NB) != 0 ? errno :
	    zero_fill(fd, 0, size);
	if (rc == 0 && (fsync(fd) != 0 || rename(tmp, path) != 0 ||
	    fsync(j.dirfd) != 0))
		rc = errno;
	if (rc != 0) {
		snprintf(why, whysize, "cannot prepare %s: %s", path,
		    strerror(rc));
		close(fd);
		unlink(tmp);
		free(f);
		return NULL;
	}
	f->fd = fd;
	f->allocated = size;
	return f;
}

/* Under the lock: the spare the shipper made ready becomes the file
 * written; the last one ships its lines, then goes.  false: no spare
 * yet (the shipper makes them, outside the lock: filling one with zeros
 * takes milliseconds every writer would wait; j.problem says why when
 * it cannot). */
static bool
rotate(void)
{
	struct jfile	*f = j.spare;

	if (f == NULL)
		return false;
	j.spare = NULL;
	j.files++;
	if (j.cur != NULL) {
		j.cur->next = j.old;
		j.old = j.cur;
	}
	j.cur = f;
	if (!j.broken)
		j.problem[0] = '\0';
	return true;
}

/* Deletes a journal file shipped whole: the file first, then its
 * position (a position without its file is harmless; a file without its
 * position would be shipped again).  Closes fd. */
static void
delete_file(struct mkt_req *t, const char *name, int fd)
{
	char		 path[600];
	const char	*params[1] = { name };

	path_of(path, sizeof(path), name);
	if (unlink(path) != 0 || fsync(j.dirfd) != 0) {
		mkt_log_warn(t, "usage journal %s shipped, but not deleted: %s",
		    name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	if (mkt_db_exec(t, &q_forget, params) == NULL)
		mkt_log_warn(t, "usage journal %s: its position is left in "
		    "gateway_journals", name);
	mkt_task_done(t);
}

static void *ship_thread(void *);

bool
journal_start(const struct mkt_app *app)
{
	struct mkt_req	*t = mkt_task_new(app, "journal");
	const char	*dir = mkt_setting(t, "gateway_journal_dir", "");

	j.task = t;
	fault.write_at = fault_at("MKT_FAULT_JOURNAL_WRITE");
	fault.sync_at = fault_at("MKT_FAULT_JOURNAL_SYNC");
	if (dir[0] == '\0') {
		snprintf(j.problem, sizeof(j.problem), "off "
		    "(gateway_journal_dir is empty)");
		return true;
	}
	snprintf(j.dir, sizeof(j.dir), "%s", dir);
	j.file_bytes = (off_t)mkt_setting_long(t, "gateway_journal_file_kb",
	    16384, 64, 1048576) << 10;
	if ((j.dirfd = open(j.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (j.cur = open_file(j.file_bytes + CHUNK, j.problem,
	    sizeof(j.problem))) == NULL) {
		if (j.dirfd < 0)
			snprintf(j.problem, sizeof(j.problem), "cannot open %s: "
			    "%s", j.dir, strerror(errno));
		/* The gateway still meters, the slower way: say so. */
		mkt_log_error(NULL, "usage journal off: %s; calls settle in "
		    "PostgreSQL on the call (check gateway_journal_dir)",
		    j.problem);
		return true;
	}
	j.files++;
	j.tail = &j.head;
	j.on = true;
	if (pthread_create(&j.thread, NULL, ship_thread, t) != 0) {
		mkt_log_error(NULL, "usage journal off: no thread to ship it");
		delete_file(t, j.cur->name, j.cur->fd);
		free(j.cur);
		j.cur = NULL;
		j.on = false;
	}
	return true;
}

/* Under the lock: room for len more bytes in the file written; false
 * when it cannot grow. */
static bool
room(size_t len)
{
	struct jfile	*f = j.cur;
	off_t		 grow = CHUNK;
	int		 rc;

	if (f->written + (off_t)len <= f->allocated)
		return true;
	while (grow < (off_t)len)
		grow += CHUNK;
	if ((rc = posix_fallocate(f->fd, f->allocated, grow)) != 0) {
		breaks(f, "cannot grow the file", rc);
		return false;
	}
	f->allocated += grow;
	return true;
}

/* Under the lock, j.syncing set for the caller: syncs everything
 * written so far, then wakes the writers it made durable and hands the
 * lead to one left waiting, if any. */
static void
sync_once(void)
{
	struct jfile		*f = j.cur;
	unsigned long long	 all = j.written;
	off_t			 at = f->written;
	bool			 failing;
	int			 err;

	/* A long file gives way here: what is written to it is all this
	 * sync's, and new lines go to the next file (without a spare yet,
	 * this one grows meanwhile). */
	if (f->written >= j.file_bytes)
		rotate();
	failing = fault_due(&fault.syncs, fault.sync_at);
	pthread_mutex_unlock(&j.lock);
	err = failing ? EIO : fdatasync(f->fd) == 0 ? 0 : errno;
	pthread_mutex_lock(&j.lock);
	/* Broken meanwhile (a write failed): the lines this sync was for
	 * are given up, their calls settle on the call. */
	if (!j.broken && err != 0)
		breaks(f, "cannot sync", err);
	else if (!j.broken) {
		f->synced = f->durable = at;
		j.durable = all;
		j.syncs++;
		/* The shipper sleeps until its lines are old enough to
		 * ship; woken only when it had none, or a batch is full. */
		if (j.idle || j.waiting >= SHIP_MAX)
			pthread_cond_signal(&j.work_cv);
	}
	j.syncing = wake_waiters();
}

bool
journal_write(const char *sub, const char *record)
{
	size_t			 len = strlen(record);
	struct line		*l = mkt_xmalloc(sizeof(*l) + len + 1);
	struct waiter		 w;
	struct jfile		*f;
	const char		*p;
	unsigned long long	 target;
	off_t			 at;
	ssize_t			 n;
	size_t			 left;
	bool			 ok;

	memcpy(l->text, record, len);
	l->text[len] = '\n';
	l->len = len + 1;
	l->next = NULL;
	l->at_ms = mkt_monotonic_ms();
	snprintf(l->sub, sizeof(l->sub), "%s", sub != NULL ? sub : "");
	pthread_mutex_lock(&j.lock);
	if (!j.on || j.broken || j.stopping || !room(l->len)) {
		pthread_mutex_unlock(&j.lock);
		free(l);
		return false;
	}
	f = j.cur;
	for (p = l->text, left = l->len, at = f->written; left > 0;
	    p += n, left -= (size_t)n, at += n) {
		n = fault_due(&fault.writes, fault.write_at) ?
		    torn_write(f->fd, p, left, at) : pwrite(f->fd, p, left, at);
		if (n <= 0) {
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			/* Part of it may be in the file: the position
			 * moves past what was tried. */
			f->written = at + (off_t)left;
			j.written += l->len;
			breaks(f, "cannot write", n < 0 ? errno : ENOSPC);
			pthread_mutex_unlock(&j.lock);
			free(l);
			return false;
		}
	}
	f->written += (off_t)l->len;
	j.written += l->len;
	l->f = f;
	l->end = f->written;
	*j.tail = l;
	j.tail = &l->next;
	j.waiting++;
	j.lines++;
	target = j.written;
	/* The first to find no sync running syncs for everyone written
	 * so far; the others wait for it (or for the next). */
	sem_init(&w.sem, 0, 0);
	while (j.durable < target && !j.broken) {
		if (!j.syncing) {
			j.syncing = true;
			sync_once();
			continue;
		}
		w.target = target;
		w.state = W_WAITING;
		w.next = NULL;
		*j.waiters_tail = &w;
		j.waiters_tail = &w.next;
		pthread_mutex_unlock(&j.lock);
		while (sem_wait(&w.sem) != 0)
			;		/* EINTR */
		if (w.state != W_LEAD) {
			sem_destroy(&w.sem);
			return w.state == W_DURABLE;
		}
		pthread_mutex_lock(&j.lock);
		sync_once();
	}
	sem_destroy(&w.sem);
	ok = j.durable >= target;
	pthread_mutex_unlock(&j.lock);
	return ok;
}

/* ---- shipping ---- */

/* Settles lines[0..n-1] of journal name, which take it from byte from to
 * byte to, in one transaction; true when they are in.  n 0: the journal
 * only moves (a gap). */
static bool
ship(struct mkt_req *t, const char *name, off_t from, off_t to,
    struct line **lines, size_t n, char state[6])
{
	struct mkt_buf	 calls;
	const char	*params[5];
	bool		 several = false, ok;
	size_t		 i;

	mkt_buf_init(&calls);
	mkt_buf_putc(&calls, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			mkt_buf_putc(&calls, ',');
		mkt_buf_append(&calls, lines[i]->text, lines[i]->len - 1);
		if (strcmp(lines[i]->sub, lines[0]->sub) != 0)
			several = true;
	}
	mkt_buf_putc(&calls, ']');
	params[0] = name;
	params[1] = mkt_arena_printf(t->arena, "%lld", (long long)from);
	params[2] = mkt_arena_printf(t->arena, "%lld", (long long)to);
	params[3] = calls.ptr;
	params[4] = several ? "true" : "false";
	ok = mkt_db_exec(t, &q_ship, params) != NULL;
	memcpy(state, mkt_db_sqlstate(t), 6);
	state[5] = '\0';
	mkt_buf_free(&calls);
	mkt_task_done(t);
	return ok;
}

/* Where PostgreSQL has journal name: its byte, or -1 (not known now). */
static off_t
position(struct mkt_req *t, const char *name)
{
	const char	*params[1] = { name };
	PGresult	*res = mkt_db_exec(t, &q_position, params);
	off_t		 at = res != NULL ? (off_t)mkt_db_int(res, 0, "shipped") :
	    -1;

	mkt_task_done(t);
	return at;
}

/* Under the lock: the lines from the head that one batch takes (of one
 * file; a gap goes alone); their number. */
static size_t
batch_of(struct line **lines)
{
	struct line	*l;
	size_t		 n = 0;

	for (l = j.head; l != NULL && l->f == j.head->f &&
	    l->end <= l->f->synced && n < SHIP_MAX; l = l->next) {
		if (l->len == 0 && n > 0)
			break;
		lines[n++] = l;
		if (l->len == 0)
			break;
	}
	return n;
}

/* Under the lock: forgets the lines of f up to byte to, shipped. */
static void
shipped_to(struct jfile *f, off_t to)
{
	while (j.head != NULL && j.head->f == f && j.head->end <= to) {
		struct line *l = j.head;

		if ((j.head = l->next) == NULL)
			j.tail = &j.head;
		if (l->len > 0)
			j.shipped_lines++;
		free(l);
		j.waiting--;
	}
	if (to > f->shipped)
		f->shipped = to;
}

/* Whether PostgreSQL refused a batch for its data (a record it will
 * never take: a data exception or a broken constraint), not for being
 * out of reach or behind (the journal's position, MKJ01). */
static bool
refused(const char *state)
{
	return strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0;
}

/*
 * A record PostgreSQL will never take (its subscription or consumer
 * erased in the moment it waited, say) must neither block the records
 * after it nor be lost: it goes, durably, to rejected.jsonl beside the
 * journals, for an operator, and the journal moves past it.
 */
static bool
set_aside(struct mkt_req *t, const char *name, const struct line *l,
    const char *state)
{
	char	 path[600];
	int	 fd;
	bool	 ok;

	snprintf(path, sizeof(path), "%s/rejected.jsonl", j.dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0) {
		mkt_log_error(t, "usage journal %s: cannot open %s: %s",
		    name, path, strerror(errno));
		return false;
	}
	ok = write(fd, l->text, l->len) == (ssize_t)l->len && fsync(fd) == 0 &&
	    fsync(j.dirfd) == 0;
	close(fd);
	if (!ok) {
		mkt_log_error(t, "usage journal %s: cannot write %s",
		    name, path);
		return false;
	}
	mkt_log_error(t, "usage journal %s: PostgreSQL refuses a usage "
	    "record (SQLSTATE %s, see the message before); it is set aside "
	    "in %s for an operator: %.*s", name, state, path,
	    (int)l->len - 1, l->text);
	pthread_mutex_lock(&j.lock);
	j.rejected++;
	pthread_mutex_unlock(&j.lock);
	return true;
}

/* Ships lines[0..n-1], which take journal name from byte from to byte
 * to (n 0: a gap).  A batch PostgreSQL refuses for its data goes again
 * line by line, and a line it refuses alone is set aside.  false: not
 * all are in (state says why); where the journal is, PostgreSQL says. */
static bool
ship_lines(struct mkt_req *t, const char *name, off_t from, off_t to,
    struct line **lines, size_t n, char state[6])
{
	size_t	 i;
	off_t	 at;

	if (ship(t, name, from, to, lines, n, state))
		return true;
	if (n == 0 || !refused(state))
		return false;
	for (i = 0, at = from; i < n; at = lines[i++]->end) {
		if (ship(t, name, at, lines[i]->end, &lines[i], 1, state))
			continue;
		if (!refused(state) || !set_aside(t, name, lines[i], state) ||
		    !ship(t, name, at, lines[i]->end, NULL, 0, state))
			return false;
	}
	return true;
}

/* ---- journals of processes that died ---- */

/* The record of one line, or NULL when it is not one whole object. */
static struct json_object *
parse_line(const char *p, size_t len)
{
	struct json_tokener	*tok = json_tokener_new();
	struct json_object	*o;

	if (tok == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, p, (int)len);
	if (o != NULL && (json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Ships what PostgreSQL lacks of the journal in buf[0..size-1] (its data
 * ends at its first zero byte) from byte at; true when all of it is in. */
static bool
recover_lines(struct mkt_req *t, const char *name, const char *buf,
    size_t size, off_t at, unsigned long *count)
{
	struct line	*lines[SHIP_MAX];
	const char	*end = memchr(buf, '\0', size), *p, *nl;
	size_t		 n = 0, i;
	off_t		 from = at;
	bool		 ok = true;
	char		 state[6];

	if (end == NULL)
		end = buf + size;
	for (p = buf + at; ok && p < end; p = nl + 1) {
		struct json_object	*o, *v;
		struct line		*l;

		/* A line without its end was cut by the crash: its call
		 * was never reported a success. */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((o = parse_line(p, (size_t)(nl - p))) == NULL) {
			mkt_log_error(t, "usage journal %s: byte %lld is not a "
			    "record; left for an operator", name,
			    (long long)(p - buf));
			ok = false;
			break;
		}
		l = mkt_xcalloc(1, sizeof(*l) + (size_t)(nl - p) + 1);
		memcpy(l->text, p, (size_t)(nl - p) + 1);
		l->len = (size_t)(nl - p) + 1;
		l->end = nl + 1 - buf;
		if (json_object_object_get_ex(o, "subscription", &v))
			snprintf(l->sub, sizeof(l->sub), "%s",
			    json_object_get_string(v));
		json_object_put(o);
		lines[n++] = l;
		if (n == SHIP_MAX || nl + 1 >= end ||
		    memchr(nl + 1, '\n', (size_t)(end - nl - 1)) == NULL) {
			if ((ok = ship_lines(t, name, from, l->end, lines, n,
			    state)))
				*count += n;
			from = l->end;
			for (i = 0; i < n; i++)
				free(lines[i]);
			n = 0;
		}
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	return ok;
}

/* Ships and deletes the journal file name, when no process holds it. */
static void
recover_file(struct mkt_req *t, const char *name)
{
	char		 path[600], *buf;
	struct stat	 st;
	unsigned long	 count = 0, rejected;
	off_t		 at;
	ssize_t		 got;
	size_t		 have = 0;
	int		 fd;

	path_of(path, sizeof(path), name);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &st) != 0) {
		close(fd);		/* its process lives */
		return;
	}
	buf = mkt_xmalloc((size_t)st.st_size + 1);
	while (have < (size_t)st.st_size && (got = pread(fd, buf + have,
	    (size_t)st.st_size - have, (off_t)have)) > 0)
		have += (size_t)got;
	buf[have] = '\0';
	if ((at = position(t, name)) < 0 || (size_t)at > have) {
		if (at >= 0)
			mkt_log_error(t, "usage journal %s: PostgreSQL has it "
			    "to byte %lld, past its end; left for an operator",
			    name, (long long)at);
		free(buf);
		close(fd);
		return;
	}
	pthread_mutex_lock(&j.lock);
	rejected = j.rejected;
	pthread_mutex_unlock(&j.lock);
	if (recover_lines(t, name, buf, have, at, &count)) {
		pthread_mutex_lock(&j.lock);
		count -= j.rejected - rejected;		/* set aside */
		pthread_mutex_unlock(&j.lock);
		if (count > 0)
			mkt_log_warn(t, "usage journal %s, left by a gateway "
			    "process that stopped: %lu usage records shipped",
			    name, count);
		delete_file(t, name, fd);
		fd = -1;
		pthread_mutex_lock(&j.lock);
		j.recovered += count;
		pthread_mutex_unlock(&j.lock);
	}
	free(buf);
	if (fd >= 0)
		close(fd);
}

/* The journals in the folder that no process holds. */
static void
recover_orphans(struct mkt_req *t)
{
	DIR		*d;
	struct dirent	*e;
	char		 name[32];
	size_t		 len;

	if ((d = opendir(j.dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len != 8 + 16 + 8 || strncmp(e->d_name, "gateway-", 8) != 0 ||
		    strcmp(e->d_name + len - 8, ".journal") != 0)
			continue;
		/* Ours are locked too, and passed over. */
		snprintf(name, sizeof(name), "%.*s", (int)(len - 8),
		    e->d_name);
		recover_file(t, name);
	}
	closedir(d);
}

/* ---- the shipping thread ---- */

static void
wait_ms(long ms)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&j.work_cv, &j.lock, &ts);
}

/* Under the lock: deletes the earlier files shipped whole. */
static void
delete_shipped(struct mkt_req *t)
{
	struct jfile	**pp = &j.old, *f;

	while ((f = *pp) != NULL) {
		if (f->shipped < f->written) {
			pp = &f->next;
			continue;
		}
		*pp = f->next;
		pthread_mutex_unlock(&j.lock);
		delete_file(t, f->name, f->fd);
		free(f);
		pthread_mutex_lock(&j.lock);
	}
}

static void *
ship_thread(void *arg)
{
	struct mkt_req	*t = arg;
	struct line	*lines[SHIP_MAX];
	struct jfile	*f;
	long long	 orphans_at = 0, stop_at = 0, now, age;
	long		 gather_ms = mkt_setting_long(t, "gateway_journal_gather_ms",
	    20, 0, 1000);
	long		 backoff = 0;
	off_t		 from, to, at;
	size_t		 n;
	char		 state[6];
	bool		 ok;

	pthread_mutex_lock(&j.lock);
	for (;;) {
		now = mkt_monotonic_ms();
		if (j.stopping && stop_at == 0)
			stop_at = now + STOP_TRY_MS;
		if (stop_at > 0 && now > stop_at)
			break;
		if (now >= orphans_at && !j.stopping) {
			pthread_mutex_unlock(&j.lock);
			recover_orphans(t);
			pthread_mutex_lock(&j.lock);
			orphans_at = mkt_monotonic_ms() + ORPHAN_CHECK_MS;
		}
		/* The next file made ready here, off the calls' path. */
		if (j.spare == NULL && !j.stopping && now >= j.retry_at) {
			char		 why[sizeof(j.problem)];
			struct jfile	*next;

			pthread_mutex_unlock(&j.lock);
			next = open_file(j.file_bytes + CHUNK, why,
			    sizeof(why));
			pthread_mutex_lock(&j.lock);
			if ((j.spare = next) == NULL) {
				snprintf(j.problem, sizeof(j.problem), "%s",
				    why);
				j.retry_at = mkt_monotonic_ms() + RETRY_MS;
			}
		}
		/* A broken file: the spare, once there is one. */
		if (j.broken && !j.syncing && !j.stopping &&
		    now >= j.retry_at && rotate()) {
			j.broken = false;
			j.problem[0] = '\0';
		}
		delete_shipped(t);
		/* Lines wait a little for company: one batch of many costs
		 * PostgreSQL a fraction of many batches of one. */
		age = j.head != NULL ? mkt_monotonic_ms() - j.head->at_ms : 0;
		if (j.head != NULL && !j.stopping && j.waiting < SHIP_MAX &&
		    age < gather_ms) {
			wait_ms((long)(gather_ms - age));
			continue;
		}
		if ((n = batch_of(lines)) == 0) {
			if (j.stopping && j.head == NULL)
				break;
			j.idle = true;
			wait_ms(j.stopping ? 100 : 1000);
			j.idle = false;
			continue;
		}
		f = lines[0]->f;
		from = f->shipped;
		to = lines[n - 1]->end;
		pthread_mutex_unlock(&j.lock);
		if (lines[0]->len == 0)
			n = 0;		/* a gap */
		ok = ship_lines(t, f->name, from, to, lines, n, state);
		at = ok ? to : position(t, f->name);
		pthread_mutex_lock(&j.lock);
		if (ok)
			j.batches++;
		if (at > f->shipped)
			shipped_to(f, at);	/* in, perhaps by a batch
						   whose answer was lost */
		if (ok) {
			backoff = 0;
			continue;
		}
		backoff = backoff == 0 ? 100 : backoff * 2 > 5000 ? 5000 :
		    backoff * 2;
		mkt_log_error(t, "usage journal %s: %zu usage records not "
		    "shipped to PostgreSQL (SQLSTATE %s); they stay in the "
		    "journal and are tried again in %ld ms", f->name,
		    n > 0 ? n : 1, state[0] != '\0' ? state : "none", backoff);
		wait_ms(backoff);
	}
	/* Stopping: the files shipped whole go (the spare has nothing),
	 * the others stay for the next gateway process. */
	if (j.spare != NULL) {
		j.spare->next = j.old;
		j.old = j.spare;
		j.spare = NULL;
	}
	if (j.cur != NULL) {
		j.cur->next = j.old;
		j.old = j.cur;
		j.cur = NULL;
	}
	delete_shipped(t);
	while ((f = j.old) != NULL) {
		mkt_log_error(t, "usage journal %s: not all its usage records "
		    "are in PostgreSQL at stop; the next gateway process ships "
		    "them", f->name);
		j.old = f->next;
		close(f->fd);
		free(f);
	}
	pthread_mutex_unlock(&j.lock);
	return NULL;
}

void
journal_stop(void)
{
	pthread_mutex_lock(&j.lock);
	if (!j.on) {
		pthread_mutex_unlock(&j.lock);
		mkt_task_free(j.task);
		j.task = NULL;
		return;
	}
	j.stopping = true;
	pthread_cond_signal(&j.work_cv);
	pthread_mutex_unlock(&j.lock);
	pthread_join(j.thread, NULL);
	while (j.head != NULL) {
		struct line *l = j.head;

		j.head = l->next;
		free(l);
	}
	j.on = false;
	if (j.dirfd >= 0)
		close(j.dirfd);
	mkt_task_free(j.task);
	j.task = NULL;
}

static void
figure(struct json_object *o, const char *name, unsigned long n)
{
	json_object_object_add(o, name, json_object_new_int64((int64_t)n));
}

struct json_object *
journal_figures(bool *healthy)
{
	struct json_object	*o = json_object_new_object();
	long long		 oldest;

	pthread_mutex_lock(&j.lock);
	oldest = j.head != NULL ? mkt_monotonic_ms() - j.head->at_ms : 0;
	/* Off by choice is healthy; off because the folder is unusable,
	 * broken, or records not shipped for a minute are not. */
	*healthy = (j.on || j.dir[0] == '\0') && !j.broken &&
	    oldest < STUCK_MS;
	json_object_object_add(o, "state", json_object_new_string(
	    !j.on ? "off" : j.broken ? "broken" : "on"));
	if (j.problem[0] != '\0')
		json_object_object_add(o, "problem",
		    json_object_new_string(j.problem));
	if (j.on && j.cur != NULL) {
		json_object_object_add(o, "file",
		    json_object_new_string(j.cur->name));
		json_object_object_add(o, "bytes",
		    json_object_new_int64((int64_t)j.cur->written));
	}
	if (j.on && j.spare != NULL)
		json_object_object_add(o, "spare",
		    json_object_new_string(j.spare->name));
	figure(o, "files", j.files);
	figure(o, "records", j.lines);
	figure(o, "syncs", j.syncs);
	figure(o, "shipped", j.shipped_lines);
	figure(o, "batches", j.batches);
	figure(o, "waiting", j.waiting);
	figure(o, "oldest_waiting_ms", (unsigned long)oldest);
	figure(o, "recovered", j.recovered);
	figure(o, "rejected", j.rejected);
	pthread_mutex_unlock(&j.lock);
	return o;
}
