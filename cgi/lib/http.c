/* http.c: outgoing HTTP requests (libcurl easy interface) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "market.h"

#define DEFAULT_TIMEOUT_MS	30000L	/* when the caller gives none */
#define CONNECT_TIMEOUT_MS	5000L	/* at most, of the total */
#define METHOD_MAX		16

/*
 * One easy handle per thread, kept for the life of the thread so that
 * its connection and DNS caches carry over between requests; a key
 * destructor releases it when the thread ends.  libcurl's global set-up
 * is not thread-safe, so it runs once, before the first handle.
 */
static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static pthread_key_t	 handle_key;
static bool		 ready;

static void
handle_free(void *h)
{
	curl_easy_cleanup(h);
}

static void
global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return;
	if (pthread_key_create(&handle_key, handle_free) != 0)
		return;
	ready = true;
}

/* What every request of ours asks, set once for the handle's life. */
static void
handle_setup(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if defined(PACKAGE_TARNAME) && defined(PACKAGE_VERSION)
	curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_TARNAME "/"
	    PACKAGE_VERSION);
#endif
}

/*
 * The thread's handle.  It is not reset between requests (a reset and
 * the options set again cost more than the request's own options):
 * request() sets every option a request may change, the method's
 * included, and clears after it whatever points into its frame.
 */
static CURL *
handle_get(void)
{
	CURL	*h;

	if (pthread_once(&once, global_init) != 0 || !ready)
		return NULL;
	if ((h = pthread_getspecific(handle_key)) != NULL)
		return h;
	if ((h = curl_easy_init()) == NULL)
		return NULL;
	if (pthread_setspecific(handle_key, h) != 0) {
		curl_easy_cleanup(h);
		return NULL;
	}
	handle_setup(h);
	return h;
}

struct sink {
	struct mkt_buf	 buf;
	size_t		 max;
	bool		 over;
};

/* Keeps what fits under the cap; returning short aborts the transfer. */
static size_t
sink_write(char *p, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 len = size * n;

	if (len > s->max - s->buf.len) {
		mkt_buf_append(&s->buf, p, s->max - s->buf.len);
		s->over = true;
		return 0;
	}
	mkt_buf_append(&s->buf, p, len);
	return len;
}

static bool
method_ok(const char *m)
{
	size_t	 n;

	for (n = 0; m[n] != '\0'; n++)
		if (n >= METHOD_MAX || m[n] < 'A' || m[n] > 'Z')
			return false;
	return n > 0;
}

/* "Name: value" with a token for a name and no line breaks anywhere,
 * so that a header can never smuggle in another one. */
static bool
header_ok(const char *h)
{
	const char	*colon;

	if ((colon = strchr(h, ':')) == NULL || colon == h ||
	    strcspn(h, " \t") < (size_t)(colon - h))
		return false;
	return strpbrk(h, "\r\n") == NULL;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * Only http and https: libcurl would otherwise speak file, gopher, ftp
 * and more on behalf of whoever chose the URL.  A timeout of 0 or less
 * means the default of 30 s rather than none.  When the answer is larger
 * than max_body, the status is kept, body holds the first max_body bytes
 * and error says so; the result is still MKT_OK, since an answer came.
 */
/* A stream's receiver, called with each piece as it arrives. */
struct stream {
	CURL		*h;
	mkt_http_sink	 fn;
	void		*arg;
	bool		 stopped;
};

static size_t
stream_write(char *p, size_t size, size_t n, void *arg)
{
	struct stream	*s = arg;
	long		 status = 0;
	const char	*ct = NULL;

	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(s->h, CURLINFO_CONTENT_TYPE, &ct);
	if (!s->fn(s->arg, status, ct, p, size * n)) {
		s->stopped = true;
		return 0;	/* aborts the transfer */
	}
	return size * n;
}

static enum mkt_err request(struct mkt_arena *, const char *, const char *,
    const char *const *, const char *, size_t, long, size_t,
    struct mkt_http_resp *, mkt_http_sink, void *);

enum mkt_err
mkt_http(struct mkt_arena *a, const char *method, const char *url,
    const char *const *headers, const char *body, size_t body_len,
    long timeout_ms, size_t max_body, struct mkt_http_resp *resp)
{
	return request(a, method, url, headers, body, body_len, timeout_ms,
	    max_body, resp, NULL, NULL);
}

/*
 * As mkt_http, but the answer's body goes to fn piece by piece as it
 * arrives (nothing is kept); fn returning false stops the transfer.
 * resp->status is set whenever the answer's head arrived, even when
 * the transfer failed later (a stream cut off: MKT_ESYS and error).
 */
enum mkt_err
mkt_http_stream(struct mkt_arena *a, const char *method, const char *url,
    const char *const *headers, const char *body, size_t body_len,
    long timeout_ms, struct mkt_http_resp *resp, mkt_http_sink fn,
    void *arg)
{
	return request(a, method, url, headers, body, body_len, timeout_ms,
	    0, resp, fn, arg);
}

static enum mkt_err
request(struct mkt_arena *a, const char *method, const char *url,
    const char *const *headers, const char *body, size_t body_len,
    long timeout_ms, size_t max_body, struct mkt_http_resp *resp,
    mkt_http_sink fn, void *arg)
{
	struct stream		 stream;
	curl_off_t		 ttfb = 0;
	char			 errbuf[CURL_ERROR_SIZE];
	struct curl_slist	*list = NULL, *l;
	struct sink		 sink;
	struct timespec		 t0;
	const char		*ct = NULL;
	CURL			*h;
	CURLcode		 rc;
	long			 status = 0;
	bool			 expect = false;
	size_t			 i;

	memset(resp, 0, sizeof(*resp));
	resp->body = mkt_arena_strdup(a, "");
	if (method == NULL || !method_ok(method)) {
		snprintf(resp->error, sizeof(resp->error), "invalid method");
		return MKT_EINVAL;
	}
	if (url == NULL || (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)) {
		snprintf(resp->error, sizeof(resp->error),
		    "only http:// and https:// URLs are allowed");
		return MKT_EINVAL;
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		if (!header_ok(headers[i])) {
			snprintf(resp->error, sizeof(resp->error),
			    "header %zu is not \"Name: value\" on one line",
			    i);
			return MKT_EINVAL;
		}
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	if ((h = handle_get()) == NULL) {
		snprintf(resp->error, sizeof(resp->error),
		    "libcurl could not be set up");
		return MKT_ESYS;
	}

	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (strncasecmp(headers[i], "Expect:", 7) == 0)
			expect = true;
		if ((l = curl_slist_append(list, headers[i])) == NULL)
			goto nomem;
		list = l;
	}
	/* No "Expect: 100-continue" pause before larger bodies. */
	if (!expect && body != NULL) {
		if ((l = curl_slist_append(list, "Expect:")) == NULL)
			goto nomem;
		list = l;
	}

	mkt_buf_init(&sink.buf);
	mkt_buf_append(&sink.buf, "", 0);
	sink.max = max_body;
	sink.over = false;
	errbuf[0] = '\0';

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (fn != NULL) {
		stream.h = h;
		stream.fn = fn;
		stream.arg = arg;
		stream.stopped = false;
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, stream_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &stream);
	} else {
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

	/* The method, from GET: POSTFIELDS makes a POST; other methods
	 * with a body keep their name through CUSTOMREQUEST. */
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "POST") == 0) {
		/* without a body: "Content-Length: 0", not standard input */
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body != NULL ? body_len : 0));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		    body != NULL ? body : "");
	} else {
		if (strcmp(method, "GET") != 0 || body != NULL)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (body != NULL) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)body_len);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = curl_easy_perform(h);
	resp->ms = ms_since(&t0);

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &ttfb) ==
	    CURLE_OK)
		resp->ttfb_ms = (double)ttfb / 1e3;
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		resp->content_type = mkt_arena_strdup(a, ct);
	/* Nothing the handle keeps may point into this frame, or into
	 * the caller's body. */
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(list);

	if (fn != NULL) {
		mkt_buf_free(&sink.buf);
		resp->status = status;
		if (rc == CURLE_OK)
			return MKT_OK;
		resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		snprintf(resp->error, sizeof(resp->error), "%s",
		    stream.stopped ? "stopped by the receiver" :
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		return MKT_ESYS;
	}
	if (rc == CURLE_OK || (sink.over && status > 0)) {
		resp->status = status;
		resp->len = sink.buf.len;
		resp->body = mkt_arena_alloc(a, sink.buf.len + 1);
		memcpy(resp->body, sink.buf.ptr, sink.buf.len + 1);
		if (sink.over)
			snprintf(resp->error, sizeof(resp->error),
			    "answer larger than %zu bytes", max_body);
		mkt_buf_free(&sink.buf);
		return MKT_OK;
	}
	mkt_buf_free(&sink.buf);
	resp->content_type = NULL;
	resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	snprintf(resp->error, sizeof(resp->error), "%s",
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
	return MKT_ESYS;

nomem:
	curl_slist_free_all(list);
	snprintf(resp->error, sizeof(resp->error), "out of memory");
	return MKT_ESYS;
}
