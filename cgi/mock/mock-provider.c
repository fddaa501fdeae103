/*
 * mock-provider.c: mkt-mock-provider, an OpenAI-compatible stand-in
 * LLM provider.  The gateway forwards to it in the demo, the tests and
 * the benchmarks, where it is also the "direct to provider" baseline.
 * So it is one thread around one epoll set: non-blocking sockets,
 * HTTP/1.1 keep-alive and pipelining, and every delay is a timer on a
 * heap that sets the epoll timeout (thousands of slow streams cost a
 * little memory each, never a thread or a sleep).
 *
 * Answers are deterministic (see answer_words); markers such as
 * [mock:status=503] in the prompt inject faults (see usage()).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"dev"
#endif

#define PROG		"mkt-mock-provider"
#define HEAD_MAX	(16 * 1024)		/* request line + headers */
#define BODY_MAX	(4 * 1024 * 1024)
#define HDR_MAX		128			/* header lines per request */
#define IN_MAX		(HEAD_MAX + BODY_MAX + 4096)
#define IN_CHUNK	4096			/* smallest read buffer */
#define BUSY_IN_MAX	(64 * 1024)		/* input kept while busy */
#define OUT_HIGH	(256 * 1024)		/* stop parsing above this */
#define STREAM_HIGH	(16 * 1024)		/* stop streaming above this */
#define BUF_KEEP	(64 * 1024)		/* larger buffers are freed */
#define LINGER_MS	2000
#define TOKENS_DEFAULT	16
#define TOKENS_MAX	100000
#define LATENCY_MAX	3600000L
#define EMBED_DIM	8
#define EMBED_DIM_MAX	4096
#define EMBED_INPUTS	2048
#define EMBED_CELLS	(1 << 18)		/* inputs * dimensions */
#define MAX_EVENTS	256

struct buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

struct hdr {
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

struct req {
	const char	*start;		/* first byte of the request */
	size_t		 headlen;	/* through the blank line */
	const char	*method;
	size_t		 mlen;
	const char	*target;	/* as sent, with the query */
	size_t		 tlen;
	const char	*path;		/* without the query */
	size_t		 plen;
	int		 minor;		/* HTTP/1.minor */
	struct hdr	 hdrs[HDR_MAX];
	size_t		 nhdr;
	size_t		 clen;
	int		 has_clen;
	int		 close;
	int		 expect;
	const char	*rid;		/* X-Request-ID */
	size_t		 ridlen;
	const char	*auth;
	size_t		 authlen;
	const char	*body;
};

enum busy {
	BUSY_NONE,
	BUSY_WAIT,	/* answer in pend, timer running */
	BUSY_STREAM,	/* stream state in st */
	BUSY_HANG	/* [mock:hang]: until the client leaves */
};

enum end {
	END_NONE,
	END_LINGER,	/* flush, half-close, drain, close */
	END_ABORT	/* flush, close */
};

enum act {
	ACT_GO = -1,	/* markers: carry on answering */
	ACT_DONE,
	ACT_STREAM,
	ACT_HANG,
	ACT_KILL
};

struct stream {
	char		*head;		/* {"id":..,"model":.., */
	size_t		 headlen;
	int		 chat;
	int		 raw;		/* HTTP/1.0: no chunk framing */
	int		 role_sent;
	int		 usage;		/* send the usage chunk */
	int		 length;	/* finish_reason "length" */
	int		 close;
	long		 cut;		/* -1: none */
	unsigned long	 words;
	unsigned long	 sent;
	unsigned long	 ptok;
};

struct conn {
	int		 fd;
	uint32_t	 events;	/* what epoll watches now */
	size_t		 hidx;		/* timer heap slot, or NO_TIMER */
	uint64_t	 deadline;
	enum busy	 busy;
	enum end	 end;
	enum end	 pend_end;	/* end once pend is sent */
	int		 lingering;
	int		 rdclosed;
	int		 sent100;
	struct buf	 in;
	size_t		 scan;		/* head search resumes here */
	struct buf	 out;
	size_t		 outoff;
	struct buf	 pend;		/* delayed answer */
	struct stream	*st;
	struct conn	*prev;
	struct conn	*next;
};

/* What a handler needs to answer, wherever the answer goes. */
struct reply {
	struct buf	*dst;
	const char	*rid;
	size_t		 ridlen;
	int		 close;
	int		 http10;
	int		 cut;		/* half the body, then close */
	long		 delay;		/* ms before the answer */
	const char	*allow;		/* for a 405 */
};

struct marks {
	int		 status;
	long		 latency;
	int		 hang;
	int		 close;
	int		 nousage;
	long		 cut;
	long		 tokens;
};

#define NO_TIMER	((size_t)-1)

static struct {
	const char	*listen;
	const char	*key;
	size_t		 keylen;
	long		 latency_ms;
	long		 token_ms;
	const char	*pidfile;
	int		 quiet;
} cfg = { "127.0.0.1:18400", NULL, 0, 0, 0, NULL, 0 };

static int		 ep = -1;
static int		 lfd = -1;
static int		 sfd = -1;
static int		 spare = -1;	/* freed to shed a client at EMFILE */
static int		 tag_listen, tag_signal;
static uint64_t		 now_ms;
static struct conn	*conns;
static struct conn	**heap;
static size_t		 heapn, heapcap;
static unsigned long long st_requests, st_ids;
static unsigned long	 st_streams, st_conns;
static struct buf	 scratch;
static struct buf	 last_head;	/* the last /v1/ request's head */
static json_object	*last_body;
static int		 last_set;
static json_tokener	*tok;
static char		 discard[16384];

static const char *const answer_words[] = {
	"This", "is", "a", "mock", "answer", "from", "the", "stand-in",
	"provider.", "It", "counts", "one", "token", "per", "word", "here.",
};
#define NWORDS	(sizeof(answer_words) / sizeof(answer_words[0]))

static void	 conn_close(struct conn *);
static int	 conn_run(struct conn *);

static uint64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Buffers.  Allocation failure ends the process: a mock that limps on
 * without memory would only produce confusing test failures.
 */

static void
buf_reserve(struct buf *b, size_t n)
{
	size_t	 need, cap;
	char	*p;

	if (n > SIZE_MAX / 2 - b->len)
		errx(1, "buffer size overflow");
	need = b->len + n;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		err(1, NULL);
	b->p = p;
	b->cap = cap;
}

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	buf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(1, "vsnprintf");
	if ((size_t)n >= b->cap - b->len) {
		buf_reserve(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Empties; one big answer must not pin its memory for good. */
static void
buf_clear(struct buf *b)
{
	if (b->cap > BUF_KEEP)
		buf_free(b);
	b->len = 0;
}

/*
 * Timers: a binary min-heap of connections by deadline.  The earliest
 * one is the epoll timeout, so nothing ever sleeps.
 */

static void
heap_swap(size_t a, size_t b)
{
	struct conn	*t;

	t = heap[a];
	heap[a] = heap[b];
	heap[b] = t;
	heap[a]->hidx = a;
	heap[b]->hidx = b;
}

static void
heap_up(size_t i)
{
	while (i > 0 && heap[(i - 1) / 2]->deadline > heap[i]->deadline) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(size_t i)
{
	size_t	 l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < heapn && heap[l]->deadline < heap[m]->deadline)
			m = l;
		if (r < heapn && heap[r]->deadline < heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static void
timer_clear(struct conn *c)
{
	struct conn	*last;
	size_t		 i;

	if ((i = c->hidx) == NO_TIMER)
		return;
	c->hidx = NO_TIMER;
	if (i != --heapn) {
		/* The last one fills the hole and finds its place. */
		last = heap[i] = heap[heapn];
		last->hidx = i;
		heap_up(i);
		heap_down(last->hidx);
	}
}

static void
timer_set(struct conn *c, uint64_t at)
{
	struct conn	**p;

	timer_clear(c);
	if (heapn == heapcap) {
		heapcap = heapcap ? heapcap * 2 : 256;
		if ((p = reallocarray(heap, heapcap, sizeof(*p))) == NULL)
			err(1, NULL);
		heap = p;
	}
	c->deadline = at;
	c->hidx = heapn;
	heap[heapn++] = c;
	heap_up(c->hidx);
}

/*
 * HTTP request parsing.  Works on whatever has arrived: 0 means "not
 * all of the head yet", -1 an error whose status is in *status (rq is
 * filled as far as it got, so that X-Request-ID can still be echoed).
 */

static int
is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int
hdr_is(const struct hdr *h, const char *name)
{
	size_t	 n = strlen(name);

	return h->nlen == n && strncasecmp(h->name, name, n) == 0;
}

/* Does the comma-separated list v hold the token want? */
static int
list_has(const char *v, size_t len, const char *want)
{
	size_t	 i, j, k, n = strlen(want);

	for (i = 0; i < len; i = j + 1) {
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		for (j = i; j < len && v[j] != ','; j++)
			continue;
		for (k = j; k > i && (v[k - 1] == ' ' || v[k - 1] == '\t'); k--)
			continue;
		if (k - i == n && strncasecmp(v + i, want, n) == 0)
			return 1;
	}
	return 0;
}

static int
parse_reqline(const char *l, size_t len, struct req *rq)
{
	const char	*sp, *t, *e = l + len, *q;

	if ((sp = memchr(l, ' ', len)) == NULL || sp == l || sp - l > 32)
		return 400;
	rq->method = l;
	rq->mlen = (size_t)(sp - l);
	for (t = l; t < sp; t++)
		if (!is_tchar((unsigned char)*t))
			return 400;
	t = sp + 1;
	if ((sp = memchr(t, ' ', (size_t)(e - t))) == NULL || sp == t)
		return 400;
	if (e - sp - 1 != 8 || memcmp(sp + 1, "HTTP/1.", 7) != 0)
		return memcmp(sp + 1, "HTTP/", 5) == 0 ? 505 : 400;
	if (sp[8] == '1')
		rq->minor = 1;
	else if (sp[8] == '0')
		rq->minor = 0;
	else
		return 505;
	rq->target = t;
	rq->tlen = (size_t)(sp - t);
	/* Absolute form: keep the path only. */
	if (*t != '/') {
		if ((q = memchr(t, ':', rq->tlen)) == NULL ||
		    sp - q < 3 || q[1] != '/' || q[2] != '/')
			return 400;
		if ((t = memchr(q + 3, '/', (size_t)(sp - q - 3))) == NULL)
			return 400;
	}
	rq->path = t;
	q = memchr(t, '?', (size_t)(sp - t));
	rq->plen = (size_t)((q != NULL ? q : sp) - t);
	return 0;
}

static int
parse_hdr(const char *l, size_t len, struct req *rq, int *late)
{
	const char	*colon, *v, *e = l + len, *t;
	struct hdr	*h;
	size_t		 n;

	if (*l == ' ' || *l == '\t')
		return 400;	/* obsolete line folding */
	if ((colon = memchr(l, ':', len)) == NULL || colon == l)
		return 400;
	for (t = l; t < colon; t++)
		if (!is_tchar((unsigned char)*t))
			return 400;
	for (v = colon + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		continue;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (rq->nhdr == HDR_MAX)
		return 431;
	h = &rq->hdrs[rq->nhdr++];
	h->name = l;
	h->nlen = (size_t)(colon - l);
	h->val = v;
	h->vlen = (size_t)(e - v);

	if (hdr_is(h, "content-length")) {
		if (h->vlen == 0 || h->vlen > 18)
			return h->vlen > 18 ? 413 : 400;
		for (n = 0, t = v; t < e; t++) {
			if (*t < '0' || *t > '9')
				return 400;
			n = n * 10 + (size_t)(*t - '0');
		}
		if (rq->has_clen && rq->clen != n)
			return 400;
		rq->has_clen = 1;
		rq->clen = n;
		if (n > BODY_MAX && *late == 0)
			*late = 413;
	} else if (hdr_is(h, "transfer-encoding")) {
		if (*late == 0)
			*late = list_has(v, h->vlen, "chunked") ? 411 : 501;
	} else if (hdr_is(h, "connection")) {
		if (list_has(v, h->vlen, "close"))
			rq->close = 1;
	} else if (hdr_is(h, "expect")) {
		if (h->vlen == 12 && strncasecmp(v, "100-continue", 12) == 0)
			rq->expect = 1;
		else if (*late == 0)
			*late = 417;
	} else if (hdr_is(h, "x-request-id")) {
		rq->rid = v;
		rq->ridlen = h->vlen;
	} else if (hdr_is(h, "authorization")) {
		rq->auth = v;
		rq->authlen = h->vlen;
	}
	return 0;
}

static int
parse_head(const char *p, size_t len, size_t *scan, struct req *rq,
    int *status)
{
	size_t		 s, i, end = 0, ll;
	const char	*l, *nl, *stop;
	int		 rc, late = 0;

	memset(rq, 0, offsetof(struct req, hdrs));
	rq->nhdr = rq->clen = 0;
	rq->has_clen = rq->close = rq->expect = 0;
	rq->rid = rq->auth = rq->body = NULL;
	rq->ridlen = rq->authlen = 0;

	/* Blank lines between pipelined requests are allowed. */
	for (s = 0; s < len && (p[s] == '\r' || p[s] == '\n'); s++)
		continue;
	for (i = *scan > s ? *scan : s; i < len; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 == len)
			break;
		if (p[i + 1] == '\n') {
			end = i + 2;
			break;
		}
		if (p[i + 1] == '\r') {
			if (i + 2 == len)
				break;
			if (p[i + 2] == '\n') {
				end = i + 3;
				break;
			}
		}
	}
	if (end == 0) {
		*scan = i;
		if (len > HEAD_MAX) {
			*status = 431;
			return -1;
		}
		return 0;
	}
	if (end > HEAD_MAX) {
		*status = 431;
		return -1;
	}

	rq->start = p;
	rq->headlen = end;
	stop = p + end;
	l = p + s;
	nl = memchr(l, '\n', (size_t)(stop - l));
	ll = (size_t)(nl - l);
	if (ll > 0 && l[ll - 1] == '\r')
		ll--;
	if ((rc = parse_reqline(l, ll, rq)) != 0) {
		*status = rc;
		return -1;
	}
	for (l = nl + 1; l < stop; l = nl + 1) {
		nl = memchr(l, '\n', (size_t)(stop - l));
		ll = (size_t)(nl - l);
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break;
		if ((rc = parse_hdr(l, ll, rq, &late)) != 0) {
			*status = rc;
			return -1;
		}
	}
	if (rq->minor == 0)
		rq->close = 1;
	if (late != 0) {
		*status = late;
		return -1;
	}
	return 1;
}

/*
 * Replies.  Each goes to rp->dst: the connection's output, or its
 * pending buffer when a latency holds the answer back.
 */

#define JFLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return status < 500 ? "Client Error" : "Server Error";
	}
}

/* The headers every answer shares, and the blank line. */
static void
put_tail(struct reply *rp, const char *extra)
{
	struct buf	*b = rp->dst;

	if (rp->rid != NULL) {
		buf_str(b, "X-Request-ID: ");
		buf_add(b, rp->rid, rp->ridlen);
		buf_str(b, "\r\n");
	}
	if (rp->close)
		buf_str(b, "Connection: close\r\n");
	if (rp->allow != NULL) {
		buf_str(b, "Allow: ");
		buf_str(b, rp->allow);
		buf_str(b, "\r\n");
	}
	if (extra != NULL)
		buf_str(b, extra);
	buf_str(b, "\r\n");
}

static int
reply_raw(struct reply *rp, int status, const char *ctype, const char *body,
    size_t len, const char *extra)
{
	buf_printf(rp->dst, "HTTP/1.1 %d %s\r\nServer: " PROG "\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n",
	    status, status_text(status), ctype, len);
	put_tail(rp, extra);
	/* [mock:cut]: the head promises more than comes. */
	buf_add(rp->dst, body, rp->cut ? len / 2 : len);
	return ACT_DONE;
}

static int
reply_json(struct reply *rp, int status, json_object *o, const char *extra)
{
	const char	*s;
	size_t		 len;

	s = json_object_to_json_string_length(o, JFLAGS, &len);
	reply_raw(rp, status, "application/json", s, len, extra);
	json_object_put(o);
	return ACT_DONE;
}

static int __attribute__((format(printf, 5, 6)))
reply_error(struct reply *rp, int status, const char *type, const char *code,
    const char *fmt, ...)
{
	json_object	*o, *e;
	char		 msg[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = json_object_new_object();
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "param", NULL);
	json_object_object_add(e, "code",
	    code != NULL ? json_object_new_string(code) : NULL);
	o = json_object_new_object();
	json_object_object_add(o, "error", e);
	return reply_json(rp, status, o, NULL);
}

static int
bad_request(struct reply *rp, const char *msg)
{
	return reply_error(rp, 400, "invalid_request_error", NULL, "%s", msg);
}

/* A whole body, or NULL; json-c stops at the first value, so the rest
 * must be blank. */
static json_object *
json_parse(const char *s, size_t len)
{
	json_object	*o;
	size_t		 i;

	json_tokener_reset(tok);
	if ((o = json_tokener_parse_ex(tok, s, (int)len)) != NULL) {
		for (i = json_tokener_get_parse_end(tok); i < len; i++)
			if (strchr(" \t\r\n", s[i]) == NULL || s[i] == '\0') {
				json_object_put(o);
				return NULL;
			}
		return o;
	}
	/* A bare number at the end of input needs to see the end. */
	if (json_tokener_get_error(tok) != json_tokener_continue)
		return NULL;
	return json_tokener_parse_ex(tok, "", 1);
}

/*
 * Fault-injection markers: [mock:NAME] or [mock:NAME=DIGITS].
 */

static void
marks_init(struct marks *m)
{
	memset(m, 0, sizeof(*m));
	m->latency = m->cut = m->tokens = -1;
}

static void
marks_scan(struct marks *m, const char *s, size_t len)
{
	const char	*p = s, *e = s + len, *q, *name;
	size_t		 nlen;
	long		 v;

	while (p < e && (q = memmem(p, (size_t)(e - p), "[mock:", 6)) != NULL) {
		p = name = q + 6;
		while (p < e && ((*p >= 'a' && *p <= 'z') || *p == '-'))
			p++;
		nlen = (size_t)(p - name);
		v = -1;
		if (p < e && *p == '=') {
			for (p++, v = 0, q = p; p < e && p - q < 9 &&
			    *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			if (p == q)
				continue;
		}
		if (p >= e || *p != ']')
			continue;
		p++;
#define IS(n)	(nlen == sizeof(n) - 1 && memcmp(name, n, nlen) == 0)
		if (IS("status") && v >= 400 && v <= 599)
			m->status = (int)v;
		else if (IS("latency") && v >= 0)
			m->latency = v < LATENCY_MAX ? v : LATENCY_MAX;
		else if (IS("hang") && v < 0)
			m->hang = 1;
		else if (IS("close") && v < 0)
			m->close = 1;
		else if (IS("cut") && v >= 0)
			m->cut = v;
		else if (IS("no-usage") && v < 0)
			m->nousage = 1;
		else if (IS("tokens") && v >= 0)
			m->tokens = v < TOKENS_MAX ? v : TOKENS_MAX;
#undef IS
	}
}

/*
 * ACT_GO when the answer should go on, with its delay and destination
 * set; otherwise the request is settled.
 */
static int
marks_apply(struct conn *c, struct reply *rp, const struct marks *m,
    int stream)
{
	if (m->close)
		return ACT_KILL;
	if (m->hang)
		return ACT_HANG;
	if (m->status) {
		/* Only an explicit latency marker delays a failure. */
		if ((rp->delay = m->latency > 0 ? m->latency : 0) > 0)
			rp->dst = &c->pend;
		return reply_error(rp, m->status, "server_error", NULL,
		    "mock failure %d", m->status);
	}
	rp->delay = m->latency >= 0 ? m->latency : cfg.latency_ms;
	if (rp->delay > 0)
		rp->dst = &c->pend;
	if (!stream && m->cut >= 0)
		rp->cut = 1;
	return ACT_GO;
}

/*
 * Generation: how many words, and how they go out.
 */

struct gen {
	unsigned long	 words;
	int		 length;
	int		 stream;
	int		 usage;		/* stream_options.include_usage */
};

static unsigned long
ceil4(size_t n)
{
	return (unsigned long)((n + 3) / 4);
}

static int
get_model(json_object *body, struct reply *rp, json_object **model)
{
	if (!json_object_object_get_ex(body, "model", model) ||
	    !json_object_is_type(*model, json_type_string) ||
	    json_object_get_string_len(*model) == 0) {
		bad_request(rp, "you must provide a model parameter");
		return -1;
	}
	return 0;
}

/* -1: an error has been answered. */
static int
gen_opts(json_object *body, struct reply *rp, const struct marks *m,
    struct gen *g)
{
	static const char *const keys[] = {
		"max_tokens", "max_completion_tokens"
	};
	json_object	*v, *so;
	int64_t		 limit = -1, n;
	size_t		 i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < 2; i++) {
		if (!json_object_object_get_ex(body, keys[i], &v) || v == NULL)
			continue;
		if (!json_object_is_type(v, json_type_int) ||
		    (n = json_object_get_int64(v)) < 0) {
			reply_error(rp, 400, "invalid_request_error", NULL,
			    "%s must be a non-negative integer", keys[i]);
			return -1;
		}
		if (limit < 0 || n < limit)
			limit = n;
	}
	if (json_object_object_get_ex(body, "stream", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean)) {
			bad_request(rp, "stream must be a boolean");
			return -1;
		}
		g->stream = json_object_get_boolean(v);
	}
	if (g->stream &&
	    json_object_object_get_ex(body, "stream_options", &so) &&
	    json_object_is_type(so, json_type_object) &&
	    json_object_object_get_ex(so, "include_usage", &v))
		g->usage = json_object_get_boolean(v);
	g->words = m->tokens >= 0 ? (unsigned long)m->tokens : TOKENS_DEFAULT;
	if (limit >= 0 && (uint64_t)limit < g->words) {
		g->words = (unsigned long)limit;
		g->length = 1;
	}
	return 0;
}

static void
answer_text(struct buf *b, unsigned long n)
{
	unsigned long	 i;

	b->len = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(b, " ", 1);
		buf_str(b, answer_words[i % NWORDS]);
	}
}

static json_object *
usage_obj(unsigned long p, unsigned long c)
{
	json_object	*u;

	u = json_object_new_object();
	json_object_object_add(u, "prompt_tokens", json_object_new_int64(p));
	json_object_object_add(u, "completion_tokens",
	    json_object_new_int64(c));
	json_object_object_add(u, "total_tokens", json_object_new_int64(p + c));
	return u;
}

/* A whole (non-streamed) answer around its one choice: the envelope
 * chat and text completions share; usage NULL leaves it out. */
static int
reply_completion(struct reply *rp, const char *idprefix, const char *object,
    json_object *model, json_object *choice, json_object *usage)
{
	json_object	*o = json_object_new_object(), *chs;
	char		 id[64];

	chs = json_object_new_array();
	json_object_array_add(chs, choice);
	snprintf(id, sizeof(id), "%s-mock-%llu", idprefix, ++st_ids);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string(object));
	json_object_object_add(o, "created", json_object_new_int64(time(NULL)));
	json_object_object_add(o, "model", json_object_get(model));
	json_object_object_add(o, "choices", chs);
	if (usage != NULL)
		json_object_object_add(o, "usage", usage);
	return reply_json(rp, 200, o, NULL);
}

static int
stream_start(struct conn *c, struct reply *rp, int chat, json_object *model,
    unsigned long ptok, const struct gen *g, const struct marks *m)
{
	struct stream	*st;
	struct buf	 h = { NULL, 0, 0 };
	const char	*mj;
	size_t		 mlen;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		err(1, NULL);
	mj = json_object_to_json_string_length(model, JFLAGS, &mlen);
	buf_printf(&h, "{\"id\":\"%s-mock-%llu\",\"object\":\"%s\","
	    "\"created\":%lld,\"model\":", chat ? "chatcmpl" : "cmpl",
	    ++st_ids, chat ? "chat.completion.chunk" : "text_completion",
	    (long long)time(NULL));
	buf_add(&h, mj, mlen);
	buf_add(&h, ",", 1);
	st->head = h.p;
	st->headlen = h.len;
	st->chat = chat;
	st->raw = rp->http10;
	st->usage = g->usage && !m->nousage;
	st->length = g->length;
	st->close = rp->close;
	st->words = g->words;
	st->ptok = ptok;
	/* A cut past the end still cuts, before the finishing event. */
	st->cut = m->cut < 0 ? -1 :
	    (unsigned long)m->cut < g->words ? m->cut : (long)g->words;

	buf_printf(rp->dst, "HTTP/1.1 200 OK\r\nServer: " PROG "\r\n"
	    "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n%s",
	    st->raw ? "" : "Transfer-Encoding: chunked\r\n");
	put_tail(rp, NULL);
	c->st = st;
	st_streams++;
	return ACT_STREAM;
}

/* Bytes of text in a message's content; markers of the last one. */
static int
content_text(json_object *v, struct marks *m, size_t *bytes)
{
	json_object	*part, *t;
	size_t		 i, n;

	*bytes = 0;
	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		*bytes = (size_t)json_object_get_string_len(v);
		if (m != NULL)
			marks_scan(m, json_object_get_string(v), *bytes);
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return -1;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		part = json_object_array_get_idx(v, i);
		if (!json_object_is_type(part, json_type_object))
			return -1;
		if (!json_object_object_get_ex(part, "text", &t) ||
		    !json_object_is_type(t, json_type_string))
			continue;
		*bytes += (size_t)json_object_get_string_len(t);
		if (m != NULL)
			marks_scan(m, json_object_get_string(t),
			    (size_t)json_object_get_string_len(t));
	}
	return 0;
}

static int
h_chat(struct conn *c, struct reply *rp, json_object *body)
{
	json_object	*model, *msgs, *msg, *v, *ch;
	struct marks	 m;
	struct gen	 g;
	size_t		 i, n, bytes;
	unsigned long	 ptok = 0;
	int		 act;

	if (body == NULL || !json_object_is_type(body, json_type_object))
		return bad_request(rp, "We could not parse the JSON body of "
		    "your request: expected a JSON object.");
	if (get_model(body, rp, &model) < 0)
		return ACT_DONE;
	if (!json_object_object_get_ex(body, "messages", &msgs) ||
	    !json_object_is_type(msgs, json_type_array) ||
	    (n = json_object_array_length(msgs)) == 0)
		return bad_request(rp, "messages must be a non-empty array");
	marks_init(&m);
	for (i = 0; i < n; i++) {
		msg = json_object_array_get_idx(msgs, i);
		if (!json_object_is_type(msg, json_type_object))
			return reply_error(rp, 400, "invalid_request_error",
			    NULL, "messages[%zu] must be an object", i);
		if (!json_object_object_get_ex(msg, "content", &v))
			v = NULL;
		if (content_text(v, i == n - 1 ? &m : NULL, &bytes) < 0)
			return reply_error(rp, 400, "invalid_request_error",
			    NULL, "messages[%zu].content must be a string or "
			    "an array of content parts", i);
		ptok += ceil4(bytes) + 3;
	}
	if (gen_opts(body, rp, &m, &g) < 0)
		return ACT_DONE;
	if ((act = marks_apply(c, rp, &m, g.stream)) != ACT_GO)
		return act;
	if (g.stream)
		return stream_start(c, rp, 1, model, ptok, &g, &m);

	answer_text(&scratch, g.words);
	msg = json_object_new_object();
	json_object_object_add(msg, "role",
	    json_object_new_string("assistant"));
	json_object_object_add(msg, "content",
	    json_object_new_string_len(scratch.p ? scratch.p : "",
	    (int)scratch.len));
	ch = json_object_new_object();
	json_object_object_add(ch, "index", json_object_new_int(0));
	json_object_object_add(ch, "message", msg);
	json_object_object_add(ch, "logprobs", NULL);
	json_object_object_add(ch, "finish_reason",
	    json_object_new_string(g.length ? "length" : "stop"));
	return reply_completion(rp, "chatcmpl", "chat.completion", model, ch,
	    m.nousage ? NULL : usage_obj(ptok, g.words));
}

/* A prompt or input entry: a string or a list of token ids. */
static int
text_or_tokens(json_object *v, struct marks *m, unsigned long *tokens)
{
	size_t	 i, n;

	if (json_object_is_type(v, json_type_string)) {
		*tokens += ceil4((size_t)json_object_get_string_len(v));
		marks_scan(m, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return -1;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i),
		    json_type_int))
			return -1;
	*tokens += n;
	return 0;
}

static int
h_completions(struct conn *c, struct reply *rp, json_object *body)
{
	json_object	*model, *prompt, *ch, *e;
	struct marks	 m;
	struct gen	 g;
	size_t		 i, n;
	unsigned long	 ptok = 0;
	int		 act, bad = 0;

	if (body == NULL || !json_object_is_type(body, json_type_object))
		return bad_request(rp, "We could not parse the JSON body of "
		    "your request: expected a JSON object.");
	if (get_model(body, rp, &model) < 0)
		return ACT_DONE;
	marks_init(&m);
	if (!json_object_object_get_ex(body, "prompt", &prompt) ||
	    prompt == NULL)
		return bad_request(rp, "you must provide a prompt");
	if (json_object_is_type(prompt, json_type_array) &&
	    (n = json_object_array_length(prompt)) > 0 &&
	    !json_object_is_type(json_object_array_get_idx(prompt, 0),
	    json_type_int)) {
		/* A batch of prompts; only the first choice is answered. */
		for (i = 0; i < n && !bad; i++) {
			e = json_object_array_get_idx(prompt, i);
			bad = e == NULL || text_or_tokens(e, &m, &ptok) < 0;
		}
	} else
		bad = text_or_tokens(prompt, &m, &ptok) < 0;
	if (bad)
		return bad_request(rp, "prompt must be a string, an array of "
		    "strings or an array of token arrays");
	if (gen_opts(body, rp, &m, &g) < 0)
		return ACT_DONE;
	if ((act = marks_apply(c, rp, &m, g.stream)) != ACT_GO)
		return act;
	if (g.stream)
		return stream_start(c, rp, 0, model, ptok, &g, &m);

	answer_text(&scratch, g.words);
	ch = json_object_new_object();
	json_object_object_add(ch, "text",
	    json_object_new_string_len(scratch.p ? scratch.p : "",
	    (int)scratch.len));
	json_object_object_add(ch, "index", json_object_new_int(0));
	json_object_object_add(ch, "logprobs", NULL);
	json_object_object_add(ch, "finish_reason",
	    json_object_new_string(g.length ? "length" : "stop"));
	return reply_completion(rp, "cmpl", "text_completion", model, ch,
	    m.nousage ? NULL : usage_obj(ptok, g.words));
}

/*
 * Embeddings: unit vectors seeded by a hash of the input, so the same
 * text always maps to the same vector.
 */

static uint64_t
fnv1a(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;

	while (len-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Newton's method: the build links json-c only, not libm. */
static double
root(double x)
{
	double	 r;
	int	 i;

	if (x <= 0)
		return 0;
	r = x > 1 ? x : 1;
	for (i = 0; i < 64; i++)
		r = (r + x / r) / 2;
	return r;
}

static void
embed_vec(uint64_t seed, float *v, size_t dim)
{
	double	 d, sum = 0;
	size_t	 j;

	for (j = 0; j < dim; j++) {
		d = (double)(splitmix(seed + j) >> 11) /
		    9007199254740992.0 * 2 - 1;
		v[j] = (float)d;
		sum += d * d;
	}
	if ((d = root(sum)) == 0) {
		v[0] = 1;
		return;
	}
	for (j = 0; j < dim; j++)
		v[j] = (float)(v[j] / d);
}

static void
base64(struct buf *b, const unsigned char *p, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	uint32_t		 w;
	size_t			 i;

	for (i = 0; i < len; i += 3) {
		w = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			w |= p[i + 2];
		q[0] = a[(w >> 18) & 63];
		q[1] = a[(w >> 12) & 63];
		q[2] = i + 1 < len ? a[(w >> 6) & 63] : '=';
		q[3] = i + 2 < len ? a[w & 63] : '=';
		buf_add(b, q, 4);
	}
}

static int
h_embeddings(struct conn *c, struct reply *rp, json_object *body)
{
	json_object	*model, *input, *v, *e;
	struct marks	 m;
	size_t		 i, j, n, dim = EMBED_DIM, mlen;
	unsigned long	 ptok = 0;
	float		*vec;
	uint64_t	 seed;
	int64_t		 t;
	int		 act, b64 = 0, one;
	const char	*mj, *fmt;

	if (body == NULL || !json_object_is_type(body, json_type_object))
		return bad_request(rp, "We could not parse the JSON body of "
		    "your request: expected a JSON object.");
	if (get_model(body, rp, &model) < 0)
		return ACT_DONE;
	if (json_object_object_get_ex(body, "dimensions", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) < 1 ||
		    json_object_get_int64(v) > EMBED_DIM_MAX)
			return bad_request(rp, "dimensions must be an integer "
			    "from 1 to 4096");
		dim = (size_t)json_object_get_int64(v);
	}
	if (json_object_object_get_ex(body, "encoding_format", &v) &&
	    v != NULL) {
		fmt = json_object_get_string(v);
		if (!json_object_is_type(v, json_type_string) ||
		    (strcmp(fmt, "float") != 0 && strcmp(fmt, "base64") != 0))
			return bad_request(rp, "encoding_format must be "
			    "\"float\" or \"base64\"");
		b64 = fmt[0] == 'b';
	}
	if (!json_object_object_get_ex(body, "input", &input) ||
	    input == NULL)
		return bad_request(rp, "you must provide an input");
	/* A string or one token array is one input; else a list of them. */
	one = json_object_is_type(input, json_type_string) ||
	    (json_object_is_type(input, json_type_array) &&
	    json_object_array_length(input) > 0 &&
	    json_object_is_type(json_object_array_get_idx(input, 0),
	    json_type_int));
	if (!one && (!json_object_is_type(input, json_type_array) ||
	    json_object_array_length(input) == 0))
		return bad_request(rp, "input must be a string, an array of "
		    "strings or an array of token arrays");
	n = one ? 1 : json_object_array_length(input);
	if (n > EMBED_INPUTS || n * dim > EMBED_CELLS)
		return bad_request(rp, "too many inputs for the dimensions");
	marks_init(&m);
	for (i = 0; i < n; i++) {
		e = one ? input : json_object_array_get_idx(input, i);
		if (e == NULL || text_or_tokens(e, &m, &ptok) < 0)
			return reply_error(rp, 400, "invalid_request_error",
			    NULL, "input[%zu] must be a string or an array of "
			    "token ids", i);
	}
	if ((act = marks_apply(c, rp, &m, 0)) != ACT_GO)
		return act;

	if ((vec = calloc(dim, sizeof(*vec))) == NULL)
		err(1, NULL);
	scratch.len = 0;
	buf_str(&scratch, "{\"object\":\"list\",\"data\":[");
	for (i = 0; i < n; i++) {
		e = one ? input : json_object_array_get_idx(input, i);
		seed = 0xcbf29ce484222325ULL;
		if (json_object_is_type(e, json_type_string))
			seed = fnv1a(seed, json_object_get_string(e),
			    (size_t)json_object_get_string_len(e));
		else
			for (j = 0; j < json_object_array_length(e); j++) {
				t = json_object_get_int64(
				    json_object_array_get_idx(e, j));
				seed = fnv1a(seed, &t, sizeof(t));
			}
		embed_vec(seed, vec, dim);
		buf_printf(&scratch, "%s{\"object\":\"embedding\","
		    "\"index\":%zu,\"embedding\":", i > 0 ? "," : "", i);
		if (b64) {
			/* Little-endian float32, as the OpenAI clients read. */
			buf_add(&scratch, "\"", 1);
			base64(&scratch, (const unsigned char *)vec,
			    dim * sizeof(*vec));
			buf_add(&scratch, "\"", 1);
		} else {
			buf_add(&scratch, "[", 1);
			for (j = 0; j < dim; j++)
				buf_printf(&scratch, "%s%.8g", j > 0 ? "," : "",
				    (double)vec[j]);
			buf_add(&scratch, "]", 1);
		}
		buf_add(&scratch, "}", 1);
	}
	free(vec);
	mj = json_object_to_json_string_length(model, JFLAGS, &mlen);
	buf_str(&scratch, "],\"model\":");
	buf_add(&scratch, mj, mlen);
	if (!m.nousage)
		buf_printf(&scratch, ",\"usage\":{\"prompt_tokens\":%lu,"
		    "\"total_tokens\":%lu}", ptok, ptok);
	buf_add(&scratch, "}", 1);
	return reply_raw(rp, 200, "application/json", scratch.p, scratch.len,
	    NULL);
}

/*
 * The other endpoints and routing.
 */

static int
path_is(const struct req *rq, const char *path)
{
	size_t	 n = strlen(path);

	return rq->plen == n && memcmp(rq->path, path, n) == 0;
}

static int
method_is(const struct req *rq, const char *m)
{
	size_t	 n = strlen(m);

	return rq->mlen == n && memcmp(rq->method, m, n) == 0;
}

static int
not_allowed(struct reply *rp, const char *allow)
{
	rp->allow = allow;
	return reply_error(rp, 405, "invalid_request_error", NULL,
	    "method not allowed; use %s", allow);
}

static int
not_found(struct reply *rp, const struct req *rq)
{
	return reply_error(rp, 404, "invalid_request_error", "not_found",
	    "no such endpoint: %.*s", (int)(rq->plen > 100 ? 100 : rq->plen),
	    rq->path);
}

static void
record_last(const struct req *rq, json_object *body)
{
	last_head.len = 0;
	buf_add(&last_head, rq->start, rq->headlen);
	json_object_put(last_body);
	last_body = json_object_get(body);
	last_set = 1;
}

static int
h_debug_last(struct reply *rp)
{
	static struct req	 lr;
	static char		 name[HEAD_MAX + 1];
	json_object		*o, *hs, *prev;
	size_t			 i, j, scan = 0;
	int			 status;
	const struct hdr	*h;

	o = json_object_new_object();
	hs = json_object_new_object();
	if (last_set &&
	    parse_head(last_head.p, last_head.len, &scan, &lr, &status) == 1) {
		json_object_object_add(o, "method",
		    json_object_new_string_len(lr.method, (int)lr.mlen));
		json_object_object_add(o, "path",
		    json_object_new_string_len(lr.target, (int)lr.tlen));
		for (i = 0; i < lr.nhdr; i++) {
			h = &lr.hdrs[i];
			for (j = 0; j < h->nlen; j++)
				name[j] = (char)((h->name[j] >= 'A' &&
				    h->name[j] <= 'Z') ? h->name[j] + 32 :
				    h->name[j]);
			name[j] = '\0';
			/* Repeated headers read as one, comma-joined. */
			if (json_object_object_get_ex(hs, name, &prev)) {
				scratch.len = 0;
				buf_add(&scratch, json_object_get_string(prev),
				    (size_t)json_object_get_string_len(prev));
				buf_add(&scratch, ", ", 2);
				buf_add(&scratch, h->val, h->vlen);
				json_object_object_add(hs, name,
				    json_object_new_string_len(scratch.p,
				    (int)scratch.len));
			} else
				json_object_object_add(hs, name,
				    json_object_new_string_len(h->val,
				    (int)h->vlen));
		}
	} else {
		json_object_object_add(o, "method", NULL);
		json_object_object_add(o, "path", NULL);
	}
	json_object_object_add(o, "headers", hs);
	json_object_object_add(o, "body", json_object_get(last_body));
	return reply_json(rp, 200, o, NULL);
}

static int
h_debug_stats(struct reply *rp)
{
	char	 b[160];
	int	 n;

	n = snprintf(b, sizeof(b), "{\"requests\":%llu,\"streams_open\":%lu,"
	    "\"connections\":%lu}", st_requests, st_streams, st_conns);
	return reply_raw(rp, 200, "application/json", b, (size_t)n, NULL);
}

static int
h_models(struct reply *rp)
{
	static const char *const ids[] = { "mock-chat", "mock-embed" };
	json_object	*o, *a, *m;
	size_t		 i;

	a = json_object_new_array();
	for (i = 0; i < 2; i++) {
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(ids[i]));
		json_object_object_add(m, "object",
		    json_object_new_string("model"));
		json_object_object_add(m, "created", json_object_new_int(0));
		json_object_object_add(m, "owned_by",
		    json_object_new_string("mock"));
		json_object_array_add(a, m);
	}
	o = json_object_new_object();
	json_object_object_add(o, "object", json_object_new_string("list"));
	json_object_object_add(o, "data", a);
	return reply_json(rp, 200, o, NULL);
}

/* NULL if the request carries the key, else why not. */
static const char *
auth_fail(const struct req *rq)
{
	const char	*v = rq->auth;
	size_t		 n = rq->authlen;

	if (v == NULL)
		return "You didn't provide an API key. You need to provide "
		    "your API key in an Authorization header using Bearer "
		    "auth (i.e. Authorization: Bearer YOUR_KEY).";
	if (n < 7 || strncasecmp(v, "Bearer ", 7) != 0)
		return "Incorrect API key provided: expected Bearer auth.";
	for (v += 7, n -= 7; n > 0 && *v == ' '; v++, n--)
		continue;
	if (n != cfg.keylen || memcmp(v, cfg.key, n) != 0)
		return "Incorrect API key provided.";
	return NULL;
}

static int
handle_v1(struct conn *c, const struct req *rq, struct reply *rp)
{
	json_object	*body = NULL;
	const char	*why;
	int		 act;

	st_requests++;
	if (rq->clen > 0)
		body = json_parse(rq->body, rq->clen);
	record_last(rq, body);
	if (cfg.key != NULL && (why = auth_fail(rq)) != NULL)
		act = reply_error(rp, 401, "invalid_request_error",
		    "invalid_api_key", "%s", why);
	else if (path_is(rq, "/v1/chat/completions"))
		act = method_is(rq, "POST") ? h_chat(c, rp, body) :
		    not_allowed(rp, "POST");
	else if (path_is(rq, "/v1/completions"))
		act = method_is(rq, "POST") ? h_completions(c, rp, body) :
		    not_allowed(rp, "POST");
	else if (path_is(rq, "/v1/embeddings"))
		act = method_is(rq, "POST") ? h_embeddings(c, rp, body) :
		    not_allowed(rp, "POST");
	else if (path_is(rq, "/v1/models"))
		act = method_is(rq, "GET") ? h_models(rp) :
		    not_allowed(rp, "GET");
	else
		act = not_found(rp, rq);
	json_object_put(body);
	return act;
}

static int
route(struct conn *c, const struct req *rq, struct reply *rp)
{
	static const char	 ok[] = "{\"status\":\"ok\"}";

	if (rq->plen >= 3 && memcmp(rq->path, "/v1", 3) == 0 &&
	    (rq->plen == 3 || rq->path[3] == '/'))
		return handle_v1(c, rq, rp);
	if (path_is(rq, "/health"))
		return method_is(rq, "GET") ? reply_raw(rp, 200,
		    "application/json", ok, sizeof(ok) - 1, NULL) :
		    not_allowed(rp, "GET");
	if (path_is(rq, "/debug/last"))
		return method_is(rq, "GET") ? h_debug_last(rp) :
		    not_allowed(rp, "GET");
	if (path_is(rq, "/debug/stats"))
		return method_is(rq, "GET") ? h_debug_stats(rp) :
		    not_allowed(rp, "GET");
	return not_found(rp, rq);
}

/* Answers one whole request; -1 drops the connection at once. */
static int
handle(struct conn *c, const struct req *rq)
{
	struct reply	 rp;
	enum end	 end;
	int		 act;

	memset(&rp, 0, sizeof(rp));
	rp.dst = &c->out;
	rp.rid = rq->rid;
	rp.ridlen = rq->ridlen;
	rp.close = rq->close;
	rp.http10 = rq->minor == 0;

	switch ((act = route(c, rq, &rp))) {
	case ACT_KILL:
		return -1;
	case ACT_HANG:
		c->busy = BUSY_HANG;
		return 0;
	default:
		break;
	}
	end = rp.cut ? END_ABORT : rp.close ? END_LINGER : END_NONE;
	if (rp.delay > 0) {
		c->busy = BUSY_WAIT;
		c->pend_end = act == ACT_STREAM ? END_NONE : end;
		timer_set(c, now_ms + (uint64_t)rp.delay);
	} else if (act == ACT_STREAM)
		c->busy = BUSY_STREAM;
	else
		c->end = end;
	return 0;
}

/*
 * Streams: each server-sent event is its own HTTP chunk, one every
 * --token-ms (all at once when 0, as far as the socket takes them).
 */

static void
sse_event(struct conn *c, const char *data, size_t len)
{
	if (!c->st->raw)
		buf_printf(&c->out, "%zx\r\n", len + 8);
	buf_add(&c->out, "data: ", 6);
	buf_add(&c->out, data, len);
	if (c->st->raw)
		buf_add(&c->out, "\n\n", 2);
	else
		buf_add(&c->out, "\n\n\r\n", 4);
}

static void __attribute__((format(printf, 2, 3)))
sse_chunk(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 tail[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	scratch.len = 0;
	buf_add(&scratch, c->st->head, c->st->headlen);
	buf_add(&scratch, tail, n > 0 && (size_t)n < sizeof(tail) ?
	    (size_t)n : 0);
	sse_event(c, scratch.p, scratch.len);
}

static void
stream_free(struct conn *c)
{
	if (c->st == NULL)
		return;
	free(c->st->head);
	free(c->st);
	c->st = NULL;
	st_streams--;
}

static void
stream_end(struct conn *c, int abort)
{
	int	 close = c->st->close;

	stream_free(c);
	c->busy = BUSY_NONE;
	if (abort)
		c->end = END_ABORT;
	else if (close)
		c->end = END_LINGER;
}

static int
cut_due(const struct stream *st)
{
	return st->cut >= 0 && (st->role_sent || !st->chat) &&
	    st->sent >= (unsigned long)st->cut;
}

/* Sends what is due; 1 if anything happened. */
static int
stream_pump(struct conn *c)
{
	struct stream	*st = c->st;
	const char	*fin;
	int		 did = 0;

	while (c->out.len - c->outoff < STREAM_HIGH) {
		if (cut_due(st)) {
			stream_end(c, 1);
			return 1;
		}
		did = 1;
		fin = st->length ? "length" : "stop";
		if (st->chat && !st->role_sent) {
			sse_chunk(c, "\"choices\":[{\"index\":0,\"delta\":"
			    "{\"role\":\"assistant\",\"content\":\"\"},"
			    "\"logprobs\":null,\"finish_reason\":null}]}");
			st->role_sent = 1;
		} else if (st->sent < st->words && st->chat) {
			sse_chunk(c, "\"choices\":[{\"index\":0,\"delta\":"
			    "{\"content\":\"%s \"},\"logprobs\":null,"
			    "\"finish_reason\":null}]}",
			    answer_words[st->sent++ % NWORDS]);
		} else if (st->sent < st->words) {
			sse_chunk(c, "\"choices\":[{\"text\":\"%s \","
			    "\"index\":0,\"logprobs\":null,"
			    "\"finish_reason\":null}]}",
			    answer_words[st->sent++ % NWORDS]);
		} else {
			if (st->chat)
				sse_chunk(c, "\"choices\":[{\"index\":0,"
				    "\"delta\":{},\"logprobs\":null,"
				    "\"finish_reason\":\"%s\"}]}", fin);
			else
				sse_chunk(c, "\"choices\":[{\"text\":\"\","
				    "\"index\":0,\"logprobs\":null,"
				    "\"finish_reason\":\"%s\"}]}", fin);
			if (st->usage)
				sse_chunk(c, "\"choices\":[],\"usage\":{"
				    "\"prompt_tokens\":%lu,"
				    "\"completion_tokens\":%lu,"
				    "\"total_tokens\":%lu}}", st->ptok,
				    st->words, st->ptok + st->words);
			sse_event(c, "[DONE]", 6);
			if (!st->raw)
				buf_add(&c->out, "0\r\n\r\n", 5);
			stream_end(c, 0);
			return 1;
		}
		if (cfg.token_ms > 0) {
			if (cut_due(st))
				stream_end(c, 1);
			else
				timer_set(c, now_ms + (uint64_t)cfg.token_ms);
			return 1;
		}
	}
	return did;
}

/*
 * Connections.
 */

static size_t
pending(const struct conn *c)
{
	return c->out.len - c->outoff;
}

/* How much unparsed input to hold; more waits in the kernel. */
static size_t
read_limit(const struct conn *c)
{
	if (c->busy != BUSY_NONE || c->end != END_NONE ||
	    pending(c) >= OUT_HIGH)
		return BUSY_IN_MAX;
	return IN_MAX;
}

static void
conn_new(int fd)
{
	struct epoll_event	 ev;
	struct conn		*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		err(1, NULL);
	c->fd = fd;
	c->hidx = NO_TIMER;
	c->events = EPOLLIN | EPOLLRDHUP;
	memset(&ev, 0, sizeof(ev));
	ev.events = c->events;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		warn("epoll_ctl");
		close(fd);
		free(c);
		return;
	}
	if ((c->next = conns) != NULL)
		conns->prev = c;
	conns = c;
	st_conns++;
}

static void
conn_close(struct conn *c)
{
	timer_clear(c);
	stream_free(c);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->pend);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c);
	st_conns--;
}

static void
conn_events(struct conn *c)
{
	struct epoll_event	 ev;
	uint32_t		 want = 0;

	if (!c->rdclosed) {
		want |= EPOLLRDHUP;
		if (c->lingering || c->in.len < read_limit(c))
			want |= EPOLLIN;
	}
	if (pending(c) > 0)
		want |= EPOLLOUT;
	if (want == c->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = c->events = want;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		warn("epoll_ctl");
}

/* -1: the connection is to go. */
static int
conn_read(struct conn *c, uint32_t ev)
{
	size_t	 lim, want;
	ssize_t	 n;

	for (;;) {
		if (c->lingering) {
			n = read(c->fd, discard, sizeof(discard));
			if (n > 0)
				continue;
			if (n == -1 && errno == EINTR)
				continue;
			return n == -1 && errno == EAGAIN ? 0 : -1;
		}
		lim = read_limit(c);
		if (c->in.len >= lim) {
			/* The peer left, and we cannot read to the end. */
			if (ev & EPOLLRDHUP)
				return -1;
			break;
		}
		want = lim - c->in.len;
		if (c->in.cap - c->in.len < IN_CHUNK / 2)
			buf_reserve(&c->in, want < IN_CHUNK ? want : IN_CHUNK);
		if (want > c->in.cap - c->in.len)
			want = c->in.cap - c->in.len;
		n = read(c->fd, c->in.p + c->in.len, want);
		if (n > 0) {
			c->in.len += (size_t)n;
			if ((size_t)n < want)
				break;
			continue;
		}
		if (n == 0) {
			c->rdclosed = 1;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		return -1;
	}
	/* A client gone while we held its answer back: nobody waits. */
	if (c->rdclosed && c->busy != BUSY_NONE)
		return -1;
	return 0;
}

static int
conn_flush(struct conn *c)
{
	ssize_t	 n;
	size_t	 left;

	while ((left = pending(c)) > 0) {
		n = send(c->fd, c->out.p + c->outoff, left, MSG_NOSIGNAL);
		if (n > 0) {
			c->outoff += (size_t)n;
			if ((size_t)n < left)
				break;	/* the socket is full */
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		return -1;
	}
	if (pending(c) == 0) {
		c->outoff = 0;
		buf_clear(&c->out);
	}
	return 0;
}

/* Answers the complete requests in the input; 1 if any, -1: drop. */
static int
process_input(struct conn *c)
{
	struct req	 rq;
	struct reply	 rp;
	size_t		 off = 0, avail;
	int		 rc, status = 400, did = 0;

	while (c->busy == BUSY_NONE && c->end == END_NONE &&
	    pending(c) < OUT_HIGH && (avail = c->in.len - off) > 0) {
		rc = parse_head(c->in.p + off, avail, &c->scan, &rq, &status);
		if (rc == 0)
			break;
		if (rc < 0) {
			did = 1;
			memset(&rp, 0, sizeof(rp));
			rp.dst = &c->out;
			rp.rid = rq.rid;
			rp.ridlen = rq.ridlen;
			rp.close = 1;
			reply_error(&rp, status, "invalid_request_error", NULL,
			    "%s", status_text(status));
			c->end = END_LINGER;
			off = c->in.len;
			break;
		}
		if (rq.clen > avail - rq.headlen) {
			if (rq.expect && !c->sent100) {
				buf_str(&c->out,
				    "HTTP/1.1 100 Continue\r\n\r\n");
				c->sent100 = 1;
				did = 1;
			}
			break;
		}
		rq.body = rq.start + rq.headlen;
		c->sent100 = 0;
		c->scan = 0;
		off += rq.headlen + rq.clen;
		did = 1;
		if (handle(c, &rq) < 0)
			return -1;
	}
	if (off > 0) {
		memmove(c->in.p, c->in.p + off, c->in.len - off);
		c->in.len -= off;
	}
	if (c->in.len == 0 && c->in.cap > BUF_KEEP)
		buf_free(&c->in);
	return did;
}

/*
 * Moves a connection on as far as it can go: streams, requests,
 * output, the end.  Returns -1 once it has closed (and freed) c.
 */
static int
conn_run(struct conn *c)
{
	int	 progress;

	do {
		progress = 0;
		if (c->busy == BUSY_STREAM && c->hidx == NO_TIMER &&
		    pending(c) < STREAM_HIGH)
			progress |= stream_pump(c);
		if (c->busy == BUSY_NONE && c->end == END_NONE)
			switch (process_input(c)) {
			case -1:
				goto kill;
			case 1:
				progress = 1;
				break;
			}
		if (conn_flush(c) < 0)
			goto kill;
	} while (progress && pending(c) < OUT_HIGH);

	if (pending(c) == 0) {
		if (c->end == END_ABORT)
			goto kill;
		if (c->end == END_LINGER && !c->lingering) {
			if (c->rdclosed)
				goto kill;
			/* Half-close and drain, so that an unread request
			 * body does not turn our answer into a reset. */
			shutdown(c->fd, SHUT_WR);
			c->lingering = 1;
			buf_free(&c->in);
			timer_set(c, now_ms + LINGER_MS);
		} else if (c->end == END_NONE && c->rdclosed &&
		    c->busy == BUSY_NONE)
			goto kill;
	}
	conn_events(c);
	return 0;
kill:
	conn_close(c);
	return -1;
}

static void
conn_event(struct conn *c, uint32_t ev)
{
	if (ev & (EPOLLERR | EPOLLHUP)) {
		conn_close(c);
		return;
	}
	if ((ev & (EPOLLIN | EPOLLRDHUP)) && conn_read(c, ev) < 0) {
		conn_close(c);
		return;
	}
	conn_run(c);
}

static void
timer_fire(struct conn *c)
{
	if (c->lingering) {
		conn_close(c);
		return;
	}
	if (c->busy == BUSY_WAIT) {
		buf_add(&c->out, c->pend.p, c->pend.len);
		buf_clear(&c->pend);
		c->busy = c->st != NULL ? BUSY_STREAM : BUSY_NONE;
		c->end = c->pend_end;
		c->pend_end = END_NONE;
	}
	conn_run(c);
}

static void
timers_run(void)
{
	struct conn	*c;

	while (heapn > 0 && heap[0]->deadline <= now_ms) {
		c = heap[0];
		timer_clear(c);
		timer_fire(c);
	}
}

static void
accept_all(void)
{
	int	 fd, i, one = 1;

	for (i = 0; i < 256; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) &&
			    spare != -1) {
				/* Shed one client rather than spin on a
				 * listener that stays readable. */
				close(spare);
				if ((fd = accept(lfd, NULL, NULL)) != -1)
					close(fd);
				spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK)
				warn("accept");
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		conn_new(fd);
	}
}

/*
 * Start-up.
 */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [-qVh] [-l addr:port] [-k key] [--latency-ms n]\n"
"	[--token-ms n] [--pid-file file]\n"
"An OpenAI-compatible stand-in LLM provider for tests and benchmarks.\n"
"  -l, --listen ADDR:PORT  listen there (default 127.0.0.1:18400; port 0\n"
"                          picks one, shown in the start-up line)\n"
"  -k, --api-key KEY       /v1/* needs \"Authorization: Bearer KEY\"\n"
"      --latency-ms N      delay before each answer or first chunk\n"
"      --token-ms N        delay between stream chunks\n"
"      --pid-file FILE     write the pid there\n"
"  -q, --quiet             no start-up line\n"
"  -V, --version           print the version\n"
"  -h, --help              print this\n"
"Endpoints: POST /v1/chat/completions, /v1/completions, /v1/embeddings;\n"
"GET /v1/models, /health, /debug/last, /debug/stats.\n"
"Markers in the last message (chat), the prompt or the input:\n"
"  [mock:status=NNN] [mock:latency=MS] [mock:hang] [mock:close]\n"
"  [mock:cut=N] [mock:no-usage] [mock:tokens=N]\n");
}

static long
opt_ms(const char *s, const char *name)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > LATENCY_MAX) {
		fprintf(stderr, PROG ": --%s: not a number of ms from 0 to "
		    "%ld: %s\n", name, LATENCY_MAX, s);
		exit(2);
	}
	return v;
}

static int
listen_on(const char *spec, char *shown, size_t shownsz)
{
	struct addrinfo		 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			*s, *host, *port;
	char			 hb[NI_MAXHOST], pb[NI_MAXSERV];
	int			 fd = -1, one = 1, rc;

	if ((s = strdup(spec)) == NULL)
		err(1, NULL);
	if ((port = strrchr(s, ':')) == NULL) {
		host = "127.0.0.1";
		port = s;
	} else {
		*port++ = '\0';
		host = s;
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			host[strlen(host) - 1] = '\0';
			host++;
		}
		if (host[0] == '\0' || strcmp(host, "*") == 0)
			host = "0.0.0.0";
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", spec, gai_strerror(rc));
		exit(2);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 4096) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	free(s);
	if (fd == -1)
		err(1, "listen on %s", spec);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sl, hb, sizeof(hb), pb,
	    sizeof(pb), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(shown, shownsz, ss.ss_family == AF_INET6 ?
		    "[%s]:%s" : "%s:%s", hb, pb);
	else
		snprintf(shown, shownsz, "%s", spec);
	return fd;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "listen",	required_argument,	NULL, 'l' },
		{ "api-key",	required_argument,	NULL, 'k' },
		{ "latency-ms",	required_argument,	NULL, 'L' },
		{ "token-ms",	required_argument,	NULL, 'T' },
		{ "pid-file",	required_argument,	NULL, 'P' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct epoll_event	 ev, evs[MAX_EVENTS];
	struct rlimit		 rl;
	sigset_t		 set;
	char			 shown[NI_MAXHOST + NI_MAXSERV + 4];
	FILE			*f;
	uint64_t		 wait;
	int			 ch, n, i, running = 1, timeout;

	while ((ch = getopt_long(argc, argv, "l:k:qVh", opts, NULL)) != -1)
		switch (ch) {
		case 'l':
			cfg.listen = optarg;
			break;
		case 'k':
			cfg.key = optarg;
			cfg.keylen = strlen(optarg);
			break;
		case 'L':
			cfg.latency_ms = opt_ms(optarg, "latency-ms");
			break;
		case 'T':
			cfg.token_ms = opt_ms(optarg, "token-ms");
			break;
		case 'P':
			cfg.pidfile = optarg;
			break;
		case 'q':
			cfg.quiet = 1;
			break;
		case 'V':
			puts(PROG " " PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (cfg.key != NULL && cfg.keylen == 0) {
		fprintf(stderr, PROG ": --api-key: empty key\n");
		return 2;
	}

	/* Thousands of connections: take every descriptor allowed. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		err(1, "sigprocmask");
	if ((sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		err(1, "signalfd");

	lfd = listen_on(cfg.listen, shown, sizeof(shown));
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &tag_listen;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		err(1, "epoll_ctl");
	ev.data.ptr = &tag_signal;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) == -1)
		err(1, "epoll_ctl");
	spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if ((tok = json_tokener_new()) == NULL)
		err(1, NULL);

	/* Written once listening, so a script may wait for the file. */
	if (cfg.pidfile != NULL) {
		if ((f = fopen(cfg.pidfile, "w")) == NULL)
			err(1, "%s", cfg.pidfile);
		fprintf(f, "%ld\n", (long)getpid());
		if (fclose(f) == EOF)
			err(1, "%s", cfg.pidfile);
	}
	if (!cfg.quiet)
		fprintf(stderr, PROG ": listening on %s (pid %ld, latency "
		    "%ld ms, token %ld ms, %s)\n", shown, (long)getpid(),
		    cfg.latency_ms, cfg.token_ms,
		    cfg.key != NULL ? "key required" : "no key");

	while (running) {
		timeout = -1;
		if (heapn > 0) {
			now_ms = mono_ms();
			wait = heap[0]->deadline > now_ms ?
			    heap[0]->deadline - now_ms : 0;
			timeout = wait > 60000 ? 60000 : (int)wait;
		}
		n = epoll_wait(ep, evs, MAX_EVENTS, timeout);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		now_ms = mono_ms();
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &tag_listen)
				accept_all();
			else if (evs[i].data.ptr == &tag_signal)
				running = 0;
			else
				conn_event(evs[i].data.ptr, evs[i].events);
		}
		timers_run();
	}

	while (conns != NULL)
		conn_close(conns);
	free(heap);
	buf_free(&scratch);
	buf_free(&last_head);
	json_object_put(last_body);
	json_tokener_free(tok);
	close(lfd);
	close(sfd);
	close(ep);
	if (spare != -1)
		close(spare);
	if (cfg.pidfile != NULL)
		unlink(cfg.pidfile);
	return 0;
}
