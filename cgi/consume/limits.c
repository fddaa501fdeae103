/* limits.c: requests and tokens per minute, in memcached (FR-003.4)
 *
 * Fixed one-minute windows aligned on the clock: one counter per key,
 * subscription and minute, raised with memcached's atomic increment.
 * Every gateway process and thread shares them, and libmemcached's
 * consistent hashing spreads them over several servers, so a limit of
 * N lets exactly N calls through in each minute, however many clients
 * race for them.  (A sliding window would smooth the burst at a window's
 * edge, at the price of exactness; people check their limits against
 * the RateLimit-* headers, which say when the window starts again.)
 *
 * Losing memcached loses only the current minute's counts.  While it
 * does not answer, gateway_ratelimit_fail decides: "open" (the default)
 * lets calls through and logs it, "closed" refuses them with 503; the
 * health check shows the state either way.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "market.h"
#include "consume.h"

#define WINDOW	60	/* seconds */

static long
window_now(long *reset)
{
	time_t	 now = time(NULL);

	*reset = WINDOW - (long)(now % WINDOW);
	return (long)(now / WINDOW);
}

static int
unavailable(struct mkt_req *r, struct gw_limits *l)
{
	l->degraded = true;
	if (strcmp(mkt_setting(r, "gateway_ratelimit_fail", "open"),
	    "closed") == 0) {
		mkt_log_error(r, "memcached unavailable (%s): rate limits "
		    "fail closed, call refused", mkt_cache_error(r));
		mkt_header(r, "Retry-After", "5");
		return mkt_fail(r, 503, "rate-limit-unavailable",
		    mkt_tr(r, "rate limits cannot be checked right now; try "
		    "again in a few seconds"));
	}
	mkt_log_warn(r, "memcached unavailable (%s): rate limits fail "
	    "open, call let through", mkt_cache_error(r));
	return 0;
}

static int
too_many(struct mkt_req *r, struct gw_limits *l, const char *what)
{
	limits_headers(r, l);
	mkt_header(r, "Retry-After", "%ld", l->reset);
	return mkt_failf(r, 429, "rate-limited",
	    mkt_tr(r, "%s: the limit is reached for this minute; try again "
	    "in %ld seconds"), what, l->reset);
}

/* Counts the call in one window; false when over the limit. */
static bool
count(struct mkt_req *r, const char *kind, const char *id, long window,
    long limit, struct gw_limits *l, bool *down)
{
	uint64_t	 n = 0;
	char		*k = mkt_arena_printf(r->arena, "rl:%s:%s:%ld", kind, id,
	    window);

	/* Once more before giving up: under a burst of calls one
	 * operation may fail where the next succeeds, and a limit that
	 * fails open lets a call through beyond it.  (A count the first
	 * attempt made after all counts twice: a call refused early, never
	 * one let through too many.) */
	if (mkt_cache_incr(r, k, WINDOW * 2, &n) != MKT_OK &&
	    mkt_cache_incr(r, k, WINDOW * 2, &n) != MKT_OK) {
		*down = true;
		return true;
	}
	if (l->limit == 0 || limit - (long)n < l->remaining) {
		l->limit = limit;
		l->remaining = limit - (long)n > 0 ? limit - (long)n : 0;
	}
	return (long)n <= limit;
}

int
limits_admit(struct mkt_req *r, const char *key_id, long key_rpm,
    const char *sub_id, long rpm, long tpm, struct gw_limits *l)
{
	long		 window = window_now(&l->reset);
	bool		 down = false;
	char		*k, *v;
	size_t		 len;

	l->rpm = rpm;
	l->tpm = tpm;
	l->limit = 0;
	l->remaining = 0;
	/* The key's own window first: a key over its limit must not use
	 * up its subscription's calls. */
	if (key_rpm > 0 && !count(r, "key", key_id, window, key_rpm, l, &down))
		return too_many(r, l, mkt_tr(r, "requests per minute of this "
		    "API key"));
	if (!down && rpm > 0 && !count(r, "sub", sub_id, window, rpm, l,
	    &down))
		return too_many(r, l, mkt_tr(r, "requests per minute of this "
		    "subscription"));
	if (!down && tpm > 0) {
		k = mkt_arena_printf(r->arena, "rl:tok:%s:%ld", sub_id, window);
		v = mkt_cache_get(r, k, &len);
		if (v != NULL && strtol(v, NULL, 10) >= tpm)
			return too_many(r, l, mkt_tr(r, "tokens per minute of "
			    "this subscription"));
	}
	return down ? unavailable(r, l) : 0;
}

/* Tokens are known after the call: they count against the window the
 * call ended in, and the next call over the limit is refused. */
void
limits_count_tokens(struct mkt_req *r, const char *sub_id, long tokens)
{
	long	 reset, window = window_now(&reset);

	if (tokens <= 0)
		return;
	mkt_cache_add(r, mkt_arena_printf(r->arena, "rl:tok:%s:%ld", sub_id,
	    window), WINDOW * 2, (uint64_t)tokens, NULL);
}

/* The IETF draft's RateLimit-* fields, for the tightest window. */
void
limits_headers(struct mkt_req *r, const struct gw_limits *l)
{
	if (l->limit <= 0)
		return;
	mkt_header(r, "RateLimit-Limit", "%ld", l->limit);
	mkt_header(r, "RateLimit-Remaining", "%ld", l->remaining);
	mkt_header(r, "RateLimit-Reset", "%ld", l->reset);
	mkt_header(r, "RateLimit-Policy", "%ld;w=%d", l->limit, WINDOW);
}
