/*
 * httpd.c: the core's own HTTP/1.1 transport, for a program that answers
 * clients itself (mkt-consume --http) instead of through a web server's
 * FastCGI.
 *
 * Why: behind lighttpd every gateway call costs a FastCGI connection
 * (accept, close), a hand-over between threads and lighttpd's own work,
 * about half of the machine at 32 connections.  Here a thread owns a
 * client connection while it lasts (keep-alive), so a call wakes exactly
 * the thread that will answer it.  Quiet connections are closed after a
 * few seconds, at once when every thread holds one, and no connection is
 * kept when threads run short: threads are not held by clients that went
 * quiet while others wait.
 *
 * What it is not: a general web server.  No TLS (put it behind one, or
 * bind it to loopback), no chunked request bodies (411: every OpenAI SDK
 * sends Content-Length), no files.  The handlers see the same CGI
 * variables lighttpd would give them and write the same CGI answer;
 * this file turns that answer into an HTTP/1.1 one, with Content-Length
 * when the whole answer is known and chunked encoding for streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define HEAD_MAX	16384	/* request line and headers */
#define HEADERS_MAX	100
#define ENV_MAX		(HEADERS_MAX + 16)
#define SEND_BATCH	65536	/* stream output sent once this large */

/* Client timeouts: a quiet keep-alive connection, a request head (from
 * its first byte) and a body (from the end of the head) that trickle in
 * (slowloris): deadlines for the whole, not for each read. */
#define IDLE_SECONDS	5
#define HEAD_SECONDS	10
#define BODY_SECONDS	30
#define SEND_SECONDS	30

/*
 * A call holds its client's socket, one to the provider and one to
 * memcached; streams last.  The soft limit on open files (1024 in a
 * login shell) is raised to the hard one, and a limit too low for the
 * threads is said in the log rather than found out under load.
 */
static void
raise_file_limit(long threads)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)threads * 4 + 64)
		mkt_log_warn(NULL, "open files are limited to %llu, fewer than "
		    "%ld threads may need (4 each): raise the limit (ulimit "
		    "-n, LimitNOFILE=) or lower consume_threads",
		    (unsigned long long)rl.rlim_cur, threads * 4 + 64);
}

struct http_loop {
	const struct mkt_app	*app;
	int			 fd;
	volatile sig_atomic_t	*stopping;
	long			 threads;
	atomic_long		 busy;		/* threads holding a connection */
	pthread_mutex_t		 accept_lock;
	int			 wake[2];	/* mkt_http_wake writes */
};

/* The one server of this process, for /health (NULL under FastCGI). */
static struct http_loop	*serving;

/*
 * Wakes the thread waiting for a connection, to see *stopping: called
 * from a signal handler (write is async-signal-safe).  Shutting the
 * listening socket down would wake it too, but the socket is the
 * supervisor's as well (serve.c): the next server it starts would find
 * it dead, and the gateway would stay down.
 */
void
mkt_http_wake(void)
{
	struct http_loop	*l = serving;
	int			 saved = errno;

	if (l != NULL)
		(void)write(l->wake[1], "", 1);
	errno = saved;
}

/* The next connection, or -1: stopping, or the socket is gone.  Called
 * under accept_lock, by one thread at a time: the others wait for the
 * lock, and see *stopping when they get it. */
static int
next_conn(struct http_loop *l, struct sockaddr_storage *sa,
    socklen_t *salen)
{
	struct pollfd	 pfd[2];
	int		 fd;

	for (;;) {
		if (*l->stopping)
			return -1;
		pfd[0].fd = l->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = l->wake[0];
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd[1].revents != 0)
			return -1;	/* the pipe stays readable for all */
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			return -1;
		*salen = sizeof(*sa);
		fd = accept4(l->fd, (struct sockaddr *)sa, salen,
		    SOCK_CLOEXEC);
		/* The socket does not block: a connection the client gave
		 * up before it was accepted leaves nothing to accept. */
		if (fd >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return fd;
	}
}

bool
mkt_http_figures(long *threads, long *connections)
{
	struct http_loop	*l = serving;

	if (l == NULL)
		return false;
	*threads = l->threads;
	*connections = atomic_load_explicit(&l->busy, memory_order_relaxed);
	return true;
}

struct conn {
	int			 fd;
	struct http_loop	*loop;
	char			 addr[INET6_ADDRSTRLEN];
	char			 port[8];
	char			 local_port[8];

	char			 in[HEAD_MAX];	/* buffered input */
	size_t			 in_len;
	size_t			 in_off;	/* next unread byte */
	unsigned long long	 body_left;	/* body bytes not read yet */
	long long		 body_deadline;	/* monotonic ms */
	bool			 expect_continue;
	bool			 dead;		/* the client is gone */

	/* The request as CGI variables, pointing into envbuf. */
	char			*env[ENV_MAX + 1];
	size_t			 nenv;
	char			 envbuf[2 * HEAD_MAX + 512];
	size_t			 envlen;

	bool			 head_method;
	bool			 http10;
	bool			 keep_alive;

	/* The answer: the handler's CGI head is staged until the framing is
	 * known; then it becomes an HTTP/1.1 head in out. */
	struct mkt_buf		 stage;
	struct mkt_buf		 out;
	bool			 head_sent;
	bool			 chunked;
	bool			 no_body;	/* HEAD, 204, 304 */
	bool			 linger;	/* input may be left unread */
};

/* ---- sending ---- */

static bool
send_all(struct conn *c, const char *p, size_t n)
{
	while (n > 0 && !c->dead) {
		ssize_t	 w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->dead = true;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	return !c->dead;
}

static bool
send_out(struct conn *c)
{
	bool	 ok = send_all(c, c->out.ptr, c->out.len);

	mkt_buf_reset(&c->out);
	return ok;
}

/* RFC 9110 section 6.6.1: an origin server with a clock sends Date. */
static void
put_date(struct mkt_buf *b)
{
	static __thread time_t	 cached;
	static __thread char	 text[40];
	time_t			 now = time(NULL);
	struct tm		 tm;

	if (now != cached) {
		gmtime_r(&now, &tm);
		strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		cached = now;
	}
	mkt_buf_printf(b, "Date: %s\r\n", text);
}

/* A request answered here, before any handler ran. */
static void
reply_error(struct conn *c, int status, const char *detail)
{
	struct mkt_buf	 b;
	char		 body[512];
	int		 n;

	n = snprintf(body, sizeof(body),
	    "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,"
	    "\"detail\":\"%s\"}\n", mkt_status_text(status), status, detail);
	mkt_buf_init(&b);
	mkt_buf_printf(&b, "HTTP/1.1 %d %s\r\n", status,
	    mkt_status_text(status));
	put_date(&b);
	mkt_buf_printf(&b, "Content-Type: application/problem+json\r\n"
	    "Content-Length: %d\r\nConnection: close\r\n\r\n%s", n, body);
	send_all(c, b.ptr, b.len);
	mkt_buf_free(&b);
	c->keep_alive = false;
	c->linger = true;
}

/* Where the handler's CGI head ends in what it wrote so far, or NULL. */
static const char *
staged_head_end(const struct conn *c)
{
	return c->stage.len > 0 ?
	    memmem(c->stage.ptr, c->stage.len, "\r\n\r\n", 4) : NULL;
}

/* Body bytes to the output, framed as a chunk when the body is chunked. */
static void
put_body(struct conn *c, const char *p, size_t n)
{
	if (c->chunked)
		mkt_buf_printf(&c->out, "%zx\r\n", n);
	mkt_buf_append(&c->out, p, n);
	if (c->chunked)
		mkt_buf_puts(&c->out, "\r\n");
}

/*
 * Turns the staged CGI head ("Status: 200 OK", headers, blank line) into
 * the HTTP/1.1 head in c->out, followed by what the handler already wrote
 * of the body.  body_len (size_t)-1: the length is not known (a stream),
 * so the body goes chunked.
 */
static bool
commit_head(struct conn *c, size_t body_len)
{
	const char	*p = c->stage.ptr, *end, *eol;
	struct mkt_buf	 fields;
	size_t		 headlen;
	int		 status = 500;
	bool		 has_length = false;

	c->head_sent = true;
	if ((end = staged_head_end(c)) == NULL) {
		c->no_body = true;
		reply_error(c, 500, "the handler wrote no answer");
		return false;
	}
	headlen = (size_t)(end - c->stage.ptr) + 4;
	mkt_buf_init(&fields);
	for (; p < end; p = eol + 2) {
		eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
		if (strncasecmp(p, "Status:", 7) == 0) {
			status = atoi(p + 7);
			continue;
		}
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			has_length = true;
		mkt_buf_append(&fields, p, (size_t)(eol - p) + 2);
	}
	if (status < 200 || status > 599)
		status = 500;
	if (status == 204 || status == 304 || c->head_method)
		c->no_body = true;

	mkt_buf_reset(&c->out);
	mkt_buf_printf(&c->out, "HTTP/1.1 %d %s\r\n", status,
	    mkt_status_text(status));
	put_date(&c->out);
	if (fields.len > 0)
		mkt_buf_append(&c->out, fields.ptr, fields.len);
	mkt_buf_free(&fields);
	if (!has_length && status != 204 && status != 304) {
		if (body_len != (size_t)-1)
			mkt_buf_printf(&c->out, "Content-Length: %zu\r\n",
			    body_len);
		else if (!c->head_method) {
			c->chunked = true;
			mkt_buf_puts(&c->out, "Transfer-Encoding: chunked\r\n");
		}
	}
	/* Clients that read the hint close a quiet connection before we do,
	 * instead of racing us with a request. */
	if (!c->keep_alive)
		mkt_buf_puts(&c->out, "Connection: close\r\n");
	else
		mkt_buf_printf(&c->out, "%sKeep-Alive: timeout=%d\r\n",
		    c->http10 ? "Connection: keep-alive\r\n" : "",
		    IDLE_SECONDS);
	mkt_buf_puts(&c->out, "\r\n");

	/* What the handler wrote after its head is the body's start. */
	if (c->stage.len > headlen && !c->no_body)
		put_body(c, c->stage.ptr + headlen, c->stage.len - headlen);
	mkt_buf_reset(&c->stage);
	return true;
}

static size_t
staged_body_len(const struct conn *c)
{
	const char	*end = staged_head_end(c);

	return end == NULL ? 0 :
	    c->stage.len - (size_t)(end + 4 - c->stage.ptr);
}

/* ---- the mkt_io a handler sees ---- */

static bool
all_busy(struct http_loop *l)
{
	return atomic_load_explicit(&l->busy, memory_order_relaxed) >=
	    l->threads;
}

static bool
nearly_busy(struct http_loop *l)
{
	return atomic_load_explicit(&l->busy, memory_order_relaxed) >=
	    l->threads - l->threads / 8;
}

/*
 * Reads what the client sent next into c->in, waiting until deadline
 * (monotonic ms).  idle: waiting for a next request, which a stopping
 * process or a shortage of threads cuts short.
 */
static bool
recv_more(struct conn *c, long long deadline, bool idle)
{
	ssize_t	 n;

	if (c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	if (c->in_len == sizeof(c->in))
		return false;
	for (;;) {
		/* Checked before every read, not only after a quiet second:
		 * a byte a second would never meet a timeout. */
		if (mkt_monotonic_ms() >= deadline)
			return false;
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
		    0);
		if (n > 0) {
			c->in_len += (size_t)n;
			return true;
		}
		if (n == 0)
			return false;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return false;
		/* One-second slices, so that a stopping process does not
		 * wait out every quiet client, and a quiet client gives its
		 * thread up when every thread holds a connection (new ones
		 * wait in the backlog meanwhile). */
		if (idle && (*c->loop->stopping || all_busy(c->loop)))
			return false;
	}
}

static size_t
conn_read(void *ctx, char *buf, size_t n)
{
	struct conn	*c = ctx;
	size_t		 got;

	if (c->body_left == 0 || c->dead)
		return 0;
	if (c->expect_continue) {
		/* An answer already written (a 401, a 413) does not invite the
		 * body it refuses: the connection closes after it instead. */
		if (!c->head_sent && staged_head_end(c) != NULL)
			return 0;
		/* The client waits for this before it sends the body. */
		c->expect_continue = false;
		if (!send_all(c, "HTTP/1.1 100 Continue\r\n\r\n", 25))
			return 0;
	}
	if (c->in_off == c->in_len &&
	    !recv_more(c, c->body_deadline, false)) {
		c->dead = true;		/* the body never came */
		return 0;
	}
	got = c->in_len - c->in_off;
	if (got > n)
		got = n;
	if (got > c->body_left)
		got = (size_t)c->body_left;
	memcpy(buf, c->in + c->in_off, got);
	c->in_off += got;
	c->body_left -= got;
	return got;
}

static bool
conn_write(void *ctx, const char *p, size_t n)
{
	struct conn	*c = ctx;

	if (c->dead)
		return false;
	if (!c->head_sent) {
		mkt_buf_append(&c->stage, p, n);
		return true;
	}
	if (c->no_body || n == 0)
		return true;
	put_body(c, p, n);
	return c->out.len < SEND_BATCH || send_out(c);
}

/* A stream's head and every event leave at once. */
static bool
conn_flush(void *ctx)
{
	struct conn	*c = ctx;

	if (c->dead)
		return false;
	if (!c->head_sent && !commit_head(c, (size_t)-1))
		return false;
	return send_out(c);
}

static const struct mkt_io conn_io = { conn_read, conn_write, conn_flush };

/* ---- parsing a request ---- */

static bool
is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool
env_add(struct conn *c, const char *name, size_t nlen, const char *prefix,
    const char *val, size_t vlen)
{
	size_t	 plen = strlen(prefix), need = plen + nlen + vlen + 2;
	char	*e;

	if (c->nenv >= ENV_MAX || c->envlen + need > sizeof(c->envbuf))
		return false;
	e = c->envbuf + c->envlen;
	memcpy(e, prefix, plen);
	for (size_t i = 0; i < nlen; i++) {
		unsigned char	 ch = (unsigned char)name[i];

		e[plen + i] = ch == '-' ? '_' :
		    (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : (char)ch;
	}
	e[plen + nlen] = '=';
	memcpy(e + plen + nlen + 1, val, vlen);
	e[need - 1] = '\0';
	c->env[c->nenv++] = e;
	c->env[c->nenv] = NULL;
	c->envlen += need;
	return true;
}

/* A variable of the server's own, named as CGI names it. */
static bool
env_set(struct conn *c, const char *name, const char *val, size_t vlen)
{
	return env_add(c, name, strlen(name), "", val, vlen);
}

static const char *
env_get(const struct conn *c, const char *name)
{
	return mkt_env_get(c->env, name);
}

/* Does a comma-separated header value hold this token? */
static bool
has_token(const char *list, const char *token)
{
	size_t	 n = strlen(token);

	while (list != NULL && *list != '\0') {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		if (strncasecmp(list, token, n) == 0 &&
		    (list[n] == '\0' || list[n] == ',' || list[n] == ' ' ||
		    list[n] == '\t'))
			return true;
		list = strchr(list, ',');
	}
	return false;
}

/* Headers that must come once: a second copy is a smuggling attempt or a
 * broken client, never something to merge. */
static bool
singleton(const char *name, size_t n)
{
	static const char *const once[] = { "content-length",
	    "transfer-encoding", "host", "authorization", "content-type",
	    "api-key", "x-request-id", "cookie" };

	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (strlen(once[i]) == n && strncasecmp(once[i], name, n) == 0)
			return true;
	return false;
}

/*
 * Parses the request head in c->in[0, headlen) into CGI variables.
 * Returns 0, or the status to refuse it with (detail set).
 */
static int
parse_head(struct conn *c, size_t headlen, const char **detail)
{
	char		*p = c->in, *end = c->in + headlen - 2, *eol, *sp1, *sp2;
	struct { const char *n, *v; size_t nl, vl; } h[HEADERS_MAX];
	size_t		 nh = 0;
	bool		 http10;
	const char	*v, *q;

	c->nenv = 0;
	c->envlen = 0;
	c->env[0] = NULL;

	/* request-line = method SP request-target SP HTTP-version */
	eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
	*eol = '\0';
	sp1 = strchr(p, ' ');
	sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	*detail = "the request line is malformed";
	if (sp1 == NULL || sp2 == NULL || sp1 == p || sp2 == sp1 + 1 ||
	    strchr(sp2 + 1, ' ') != NULL)
		return 400;
	for (char *m = p; m < sp1; m++)
		if (!is_tchar((unsigned char)*m))
			return 400;
	for (char *t = sp1 + 1; t < sp2; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return 400;
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		http10 = false;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		http10 = true;
	else if (strncmp(sp2 + 1, "HTTP/", 5) == 0) {
		*detail = "only HTTP/1.1 and HTTP/1.0 are spoken here";
		return 505;
	} else
		return 400;

	/* header-field = field-name ":" OWS field-value OWS */
	for (p = eol + 2; p < end; p = eol + 2) {
		char	*colon, *vs, *ve;

		eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
		*detail = "a header line is malformed";
		if (*p == ' ' || *p == '\t')
			return 400;	/* obs-fold (RFC 9112 section 5.2) */
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p)
			return 400;
		for (char *n = p; n < colon; n++)
			if (!is_tchar((unsigned char)*n))
				return 400;
		vs = colon + 1;
		ve = eol;
		while (vs < ve && (*vs == ' ' || *vs == '\t'))
			vs++;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (char *x = vs; x < ve; x++)
			if (((unsigned char)*x < 0x20 && *x != '\t') ||
			    *x == 0x7f)
				return 400;
		/* An underscore would let "X_Consumer_ID" pass for a
		 * variable of "X-Consumer-ID": such headers are dropped, as
		 * nginx does. */
		if (memchr(p, '_', (size_t)(colon - p)) != NULL)
			continue;
		if (nh == HEADERS_MAX) {
			*detail = "too many header lines";
			return 431;
		}
		for (size_t i = 0; i < nh; i++)
			if (h[i].nl == (size_t)(colon - p) &&
			    strncasecmp(h[i].n, p, h[i].nl) == 0 &&
			    singleton(p, h[i].nl)) {
				*detail = "a header that may come once came "
				    "twice";
				return 400;
			}
		h[nh].n = p;
		h[nh].nl = (size_t)(colon - p);
		h[nh].v = vs;
		h[nh].vl = (size_t)(ve - vs);
		nh++;
	}

	*detail = "the request is too large";
	q = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
	if (!env_set(c, "REQUEST_METHOD", c->in, (size_t)(sp1 - c->in)) ||
	    !env_set(c, "REQUEST_URI", sp1 + 1, (size_t)(sp2 - sp1 - 1)) ||
	    !env_set(c, "QUERY_STRING", q ? q + 1 : "",
	    q ? (size_t)(sp2 - q - 1) : 0) ||
	    !env_set(c, "SERVER_PROTOCOL", sp2 + 1, strlen(sp2 + 1)) ||
	    !env_set(c, "REMOTE_ADDR", c->addr, strlen(c->addr)) ||
	    !env_set(c, "REMOTE_PORT", c->port, strlen(c->port)) ||
	    !env_set(c, "SERVER_PORT", c->local_port, strlen(c->local_port)) ||
	    !env_set(c, "REQUEST_SCHEME", "http", 4) ||
	    !env_set(c, "SCRIPT_NAME", "", 0) ||
	    !env_set(c, "GATEWAY_INTERFACE", "CGI/1.1", 7))
		return 431;

	/* Repeated headers are joined with ", " (RFC 9110 section 5.3). */
	for (size_t i = 0; i < nh; i++) {
		char	 joined[HEAD_MAX];
		size_t	 jl = 0;
		bool	 first = true;

		if (h[i].n == NULL)
			continue;
		for (size_t j = i; j < nh; j++) {
			if (h[j].n == NULL || h[j].nl != h[i].nl ||
			    strncasecmp(h[j].n, h[i].n, h[i].nl) != 0)
				continue;
			if (!first) {
				memcpy(joined + jl, ", ", 2);
				jl += 2;
			}
			memcpy(joined + jl, h[j].v, h[j].vl);
			jl += h[j].vl;
			first = false;
			if (j != i)
				h[j].n = NULL;
		}
		if ((h[i].nl == 14 &&
		    strncasecmp(h[i].n, "content-length", 14) == 0) ||
		    (h[i].nl == 12 &&
		    strncasecmp(h[i].n, "content-type", 12) == 0)) {
			if (!env_add(c, h[i].n, h[i].nl, "", joined, jl))
				return 431;
		} else if (!env_add(c, h[i].n, h[i].nl, "HTTP_", joined, jl))
			return 431;
	}

	if (!http10 && env_get(c, "HTTP_HOST") == NULL) {
		*detail = "an HTTP/1.1 request names its Host";
		return 400;
	}
	v = env_get(c, "HTTP_CONNECTION");
	c->keep_alive = http10 ? has_token(v, "keep-alive") :
	    !has_token(v, "close");

	c->body_left = 0;
	if (env_get(c, "HTTP_TRANSFER_ENCODING") != NULL) {
		c->keep_alive = false;
		if (env_get(c, "CONTENT_LENGTH") != NULL) {
			*detail = "Content-Length and Transfer-Encoding "
			    "together";
			return 400;
		}
		*detail = "send the body with a Content-Length";
		return 411;
	}
	if ((v = env_get(c, "CONTENT_LENGTH")) != NULL) {
		char	*e;

		*detail = "Content-Length is not a number";
		if (*v < '0' || *v > '9' || strlen(v) > 18)
			return 400;
		errno = 0;
		c->body_left = strtoull(v, &e, 10);
		if (*e != '\0' || errno != 0)
			return 400;
	}
	v = env_get(c, "HTTP_EXPECT");
	c->expect_continue = v != NULL && strcasecmp(v, "100-continue") == 0 &&
	    !http10 && c->body_left > 0;
	c->head_method = sp1 - c->in == 4 && memcmp(c->in, "HEAD", 4) == 0;
	c->http10 = http10;
	return 0;
}

/* Waits for a whole request head; false when the connection ends. */
static bool
read_head(struct conn *c, size_t *headlen, int *status)
{
	long long	 deadline = mkt_monotonic_ms() + IDLE_SECONDS * 1000LL;
	bool		 idle;
	char		*end;

	*status = 0;
	/* Blank lines before a request are ignored (RFC 9112 section 2.2). */
	for (;;) {
		while (c->in_off < c->in_len &&
		    (c->in[c->in_off] == '\r' || c->in[c->in_off] == '\n'))
			c->in_off++;
		if (c->in_len > c->in_off &&
		    (end = memmem(c->in + c->in_off, c->in_len - c->in_off,
		    "\r\n\r\n", 4)) != NULL) {
			if (c->in_off > 0) {
				size_t	 at = (size_t)(end - c->in) - c->in_off;

				memmove(c->in, c->in + c->in_off,
				    c->in_len - c->in_off);
				c->in_len -= c->in_off;
				c->in_off = 0;
				end = c->in + at;
			}
			*headlen = (size_t)(end - c->in) + 4;
			c->in_off = *headlen;
			return true;
		}
		if (c->in_len - c->in_off == sizeof(c->in)) {
			*status = 431;
			return false;
		}
		/* The head's deadline runs from its first byte. */
		idle = c->in_len == c->in_off;
		if (!recv_more(c, deadline, idle))
			return false;
		if (idle)
			deadline = mkt_monotonic_ms() + HEAD_SECONDS * 1000LL;
	}
}

static void
serve_conn(struct mkt_worker *w, struct conn *c)
{
	size_t		 headlen;
	int		 status;
	const char	*detail;

	c->in_len = c->in_off = 0;
	c->dead = c->linger = false;
	for (;;) {
		c->keep_alive = false;
		if (!read_head(c, &headlen, &status)) {
			if (status != 0)
				reply_error(c, status,
				    "the request headers are too large");
			return;
		}
		if ((status = parse_head(c, headlen, &detail)) != 0) {
			reply_error(c, status, detail);
			return;
		}
		/* Refused before the client sends it (or is told to go on). */
		if (c->body_left > w->app->max_body) {
			reply_error(c, 413, "the request body is too large");
			return;
		}
		c->body_deadline = mkt_monotonic_ms() + BODY_SECONDS * 1000LL;
		c->head_sent = c->chunked = c->no_body = false;
		mkt_buf_reset(&c->stage);
		mkt_buf_reset(&c->out);
		/* Near the thread limit, connections are not kept: a thread
		 * held by a quiet client is one a new client waits for. */
		if (*c->loop->stopping || nearly_busy(c->loop))
			c->keep_alive = false;

		mkt_handle(w, &conn_io, c, c->env);

		/* A body left unread cannot be told from the next request. */
		if (c->body_left > 0 || c->dead)
			c->keep_alive = false;
		if (c->body_left > 0)
			c->linger = true;
		if (!c->head_sent)
			commit_head(c, staged_body_len(c));
		else if (c->chunked)
			mkt_buf_puts(&c->out, "0\r\n\r\n");
		/* Pipelined requests behind this one are already here. */
		if (!send_out(c) || !c->keep_alive || c->dead)
			return;
		if (c->in_off < c->in_len)
			continue;
		c->in_len = c->in_off = 0;
	}
}

/* ---- listening and threads ---- */

/* "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every address). */
int
mkt_http_listen(const char *spec, char *err, size_t errsz)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 host[256];
	const char	*colon = strrchr(spec, ':'), *h = spec;
	size_t		 hl;
	int		 fd = -1, one = 1, rc;

	if (colon == NULL || colon[1] == '\0') {
		snprintf(err, errsz, "\"%s\" is not ADDRESS:PORT", spec);
		return -1;
	}
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		snprintf(err, errsz, "the address in \"%s\" is too long", spec);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(hl ? host : NULL, colon + 1, &hints, &res)) != 0) {
		snprintf(err, errsz, "%s: %s", spec, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0)
			break;
		snprintf(err, errsz, "%s: %s", spec, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0 && ai == NULL && err[0] == '\0')
		snprintf(err, errsz, "%s: no address to listen on", spec);
	return fd;
}

static void
set_timeout(int fd, int opt, int seconds)
{
	struct timeval	 tv = { .tv_sec = seconds, .tv_usec = 0 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/*
 * Closing a socket with unread input makes the kernel send a reset, which
 * can destroy the answer before the client reads it (a 431 to a 20 KB
 * head).  So, after a refusal or a body left unread: stop sending, read
 * what the client still sends for a short while, then close, as lighttpd
 * and nginx do.  A quiet connection is closed at once: waiting on it
 * would hold the very thread a waiting client needs.
 */
static void
linger_close(struct conn *c)
{
	char	 scratch[4096];
	int	 i;

	if (c->linger && !c->dead && shutdown(c->fd, SHUT_WR) == 0)
		for (i = 0; i < 64; i++)	/* 256 KiB, or 1 s of silence */
			if (recv(c->fd, scratch, sizeof(scratch), 0) <= 0)
				break;
	close(c->fd);
}

/*
 * A thread takes connections one at a time and serves each until it
 * closes.  One thread at a time waits in accept(): Linux sets a file
 * descriptor aside for each waiting accept(), and a thousand of them
 * would use up the process's limit before any client came.  The
 * hand-over costs a wake-up per connection, not per call.
 */
static void *
http_thread(void *arg)
{
	struct http_loop	*l = arg;
	struct mkt_worker	 w;
	struct conn		*c = mkt_xcalloc(1, sizeof(*c));
	struct sockaddr_storage	 sa, la;
	socklen_t		 salen, lalen;
	int			 one = 1;

	mkt_worker_init(&w, l->app);
	mkt_buf_init(&c->stage);
	mkt_buf_init(&c->out);
	c->loop = l;
	while (!*l->stopping) {
		pthread_mutex_lock(&l->accept_lock);
		c->fd = next_conn(l, &sa, &salen);
		pthread_mutex_unlock(&l->accept_lock);
		if (c->fd < 0) {
			if (*l->stopping)
				break;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE) {
				if (errno == EMFILE || errno == ENFILE)
					sleep(1);
				continue;
			}
			break;		/* shut down */
		}
		atomic_fetch_add(&l->busy, 1);
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		set_timeout(c->fd, SO_RCVTIMEO, 1);
		set_timeout(c->fd, SO_SNDTIMEO, SEND_SECONDS);
		c->addr[0] = c->port[0] = c->local_port[0] = '\0';
		getnameinfo((struct sockaddr *)&sa, salen, c->addr,
		    sizeof(c->addr), c->port, sizeof(c->port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
		lalen = sizeof(la);
		if (getsockname(c->fd, (struct sockaddr *)&la, &lalen) == 0)
			getnameinfo((struct sockaddr *)&la, lalen, NULL, 0,
			    c->local_port, sizeof(c->local_port),
			    NI_NUMERICSERV);
		serve_conn(&w, c);
		linger_close(c);
		atomic_fetch_sub(&l->busy, 1);
	}
	mkt_buf_free(&c->stage);
	mkt_buf_free(&c->out);
	free(c);
	mkt_worker_free(&w);
	return NULL;
}

int
mkt_http_serve(const struct mkt_app *app, int fd,
    volatile sig_atomic_t *stopping)
{
	struct http_loop	 l;
	pthread_attr_t		 attr;
	pthread_t		*threads;
	long			 i, n = app->threads > 0 ? app->threads : 1;

	l.app = app;
	l.fd = fd;
	l.stopping = stopping;
	l.threads = n;
	atomic_init(&l.busy, 0);
	pthread_mutex_init(&l.accept_lock, NULL);
	if (pipe2(l.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "could not make a pipe: %s\n", strerror(errno));
		return 1;
	}
	raise_file_limit(n);
	serving = &l;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 2u * 1024 * 1024);
	threads = mkt_xcalloc((size_t)n, sizeof(*threads));
	for (i = 0; i < n; i++)
		if (pthread_create(&threads[i], &attr, http_thread, &l) != 0) {
			fprintf(stderr, "could not start thread: %s\n",
			    strerror(errno));
			exit(1);
		}
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_attr_destroy(&attr);
	serving = NULL;
	close(l.wake[0]);
	close(l.wake[1]);
	pthread_mutex_destroy(&l.accept_lock);
	return 0;
}
