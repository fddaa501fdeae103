/* cache.c: memcached for what can be rebuilt (never the source of truth) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

/*
 * Lazily creates the worker's handle.  Timeouts are short: a hung
 * memcached must cost a request a fraction of a second, never stall a
 * worker, and a cache failure is always treated as a miss.
 */
static memcached_st *
handle(struct mkt_req *r)
{
	struct mkt_worker	*w = r->worker;
	memcached_server_st	*servers;
	memcached_st		*mc;

	if (w->mc != NULL)
		return w->mc;
	if (r->app->memcached == NULL || *r->app->memcached == '\0')
		return NULL;
	if ((mc = memcached_create(NULL)) == NULL)
		return NULL;
	servers = memcached_servers_parse(r->app->memcached);
	if (servers == NULL || memcached_server_push(mc, servers) !=
	    MEMCACHED_SUCCESS) {
		mkt_log_error(r, "could not use memcached servers \"%s\"",
		    r->app->memcached);
		memcached_server_list_free(servers);
		memcached_free(mc);
		return NULL;
	}
	memcached_server_list_free(servers);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION,
	    MEMCACHED_DISTRIBUTION_CONSISTENT);
	/* A server that is down refuses at once; these bound a slow one
	 * (memcached_timeout_ms, 250).  Not much lower: on a loaded machine
	 * a healthy server can take tens of milliseconds, and a rate limit
	 * that times out lets the call through (gateway_ratelimit_fail =
	 * open). */
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT,
	    (uint64_t)r->app->memcached_timeout_ms);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT,
	    (uint64_t)r->app->memcached_timeout_ms);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
	w->mc = mc;
	return mc;
}

/* memcached keys are short and plain: hash the caller's key. */
static void
make_key(char out[80], const char *key)
{
	char	 h[65];

	mkt_sha256_hex(h, key, strlen(key));
	snprintf(out, 80, "mkt1:%s", h);
}

char *
mkt_cache_get(struct mkt_req *r, const char *key, size_t *len)
{
	memcached_st		*mc = handle(r);
	memcached_return_t	 rc;
	uint32_t		 flags;
	char			 k[80], *v, *copy;

	if (mc == NULL)
		return NULL;
	make_key(k, key);
	v = memcached_get(mc, k, strlen(k), len, &flags, &rc);
	if (v == NULL)
		return NULL;
	copy = mkt_arena_strndup(r->arena, v, *len);
	free(v);
	return copy;
}

enum mkt_err
mkt_cache_set(struct mkt_req *r, const char *key, const char *val,
    size_t len, time_t ttl)
{
	memcached_st	*mc = handle(r);
	char		 k[80];

	if (mc == NULL)
		return MKT_ECACHE;
	make_key(k, key);
	return memcached_set(mc, k, strlen(k), val, len, ttl, 0) ==
	    MEMCACHED_SUCCESS ? MKT_OK : MKT_ECACHE;
}

enum mkt_err
mkt_cache_ping(struct mkt_req *r, double *ms)
{
	struct timespec	 t0;
	char		 val[33];
	char		*got;
	size_t		 len = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	mkt_random_hex(val, 16);
	if (mkt_cache_set(r, "health", val, 32, 10) != MKT_OK)
		return MKT_ECACHE;
	got = mkt_cache_get(r, "health", &len);
	if (got == NULL || len != 32)
		return MKT_ECACHE;
	*ms = mkt_elapsed_ms(&t0);
	return MKT_OK;
}

enum mkt_err
mkt_cache_delete(struct mkt_req *r, const char *key)
{
	memcached_st		*mc = handle(r);
	memcached_return_t	 rc;
	char			 k[80];

	if (mc == NULL)
		return MKT_ECACHE;
	make_key(k, key);
	rc = memcached_delete(mc, k, strlen(k), 0);
	return (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND) ?
	    MKT_OK : MKT_ECACHE;
}

/* Atomic counter: created at 1 with the TTL when missing (memcached's
 * own increment, so concurrent workers never lose a count). */
enum mkt_err
mkt_cache_incr(struct mkt_req *r, const char *key, time_t ttl,
    uint64_t *value)
{
	return mkt_cache_add(r, key, ttl, 1, value);
}

/* The same by delta (created at delta). */
enum mkt_err
mkt_cache_add(struct mkt_req *r, const char *key, time_t ttl,
    uint64_t delta, uint64_t *value)
{
	memcached_st	*mc = handle(r);
	char		 k[80];
	uint64_t	 ignored;

	if (mc == NULL)
		return MKT_ECACHE;
	make_key(k, key);
	return memcached_increment_with_initial(mc, k, strlen(k), delta,
	    delta, ttl, value != NULL ? value : &ignored) ==
	    MEMCACHED_SUCCESS ? MKT_OK : MKT_ECACHE;
}

const char *
mkt_cache_error(struct mkt_req *r)
{
	const char	*why;

	if (r->worker->mc == NULL)
		return "no memcached server configured";
	why = memcached_last_error_message(r->worker->mc);
	return why != NULL ? why : "unknown error";
}

void
mkt_cache_close(struct mkt_worker *w)
{
	if (w->mc != NULL)
		memcached_free(w->mc);
	w->mc = NULL;
}
