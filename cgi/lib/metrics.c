/*
 * metrics.c: this process's requests, counted for Prometheus.
 *
 * Every request that mkt_handle() answers is counted by its status and
 * its duration, in counters of this process alone (atomic: the threads
 * of one process share them).  A program that serves from one process
 * (the gateway's own HTTP server) can expose them whole; behind
 * FastCGI with several processes, a scrape would see one process's.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "extern.h"

/* Upper bounds of the duration buckets, in seconds: from a search
 * answered from the cache to a stream that lasts a minute. */
static const double bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
#define NBOUNDS	(sizeof(bounds) / sizeof(bounds[0]))

static struct {
	atomic_ulong		 by_status[600];	/* 100..599 */
	atomic_ulong		 in_bucket[NBOUNDS + 1];	/* not cumulative */
	atomic_ullong		 sum_us;
} counts;

void
mkt_metrics_count(int status, double ms)
{
	size_t	 i;

	if (status >= 100 && status < 600)
		atomic_fetch_add_explicit(&counts.by_status[status], 1,
		    memory_order_relaxed);
	for (i = 0; i < NBOUNDS && ms / 1000 > bounds[i]; i++)
		;
	atomic_fetch_add_explicit(&counts.in_bucket[i], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&counts.sum_us,
	    ms > 0 ? (unsigned long long)(ms * 1000) : 0,
	    memory_order_relaxed);
}

void
mkt_metrics_requests(struct mkt_buf *out, const char *program)
{
	unsigned long	 n, total = 0;
	size_t		 i;

	mkt_buf_puts(out, "# HELP mkt_http_requests_total Requests this "
	    "process answered, by HTTP status.\n"
	    "# TYPE mkt_http_requests_total counter\n");
	for (i = 100; i < 600; i++)
		if ((n = atomic_load_explicit(&counts.by_status[i],
		    memory_order_relaxed)) > 0)
			mkt_buf_printf(out, "mkt_http_requests_total{program="
			    "\"%s\",code=\"%zu\"} %lu\n", program, i, n);
	mkt_buf_puts(out, "# HELP mkt_http_request_duration_seconds Time "
	    "from a request's start to its last byte (a stream's whole "
	    "length).\n"
	    "# TYPE mkt_http_request_duration_seconds histogram\n");
	for (i = 0; i <= NBOUNDS; i++) {
		total += atomic_load_explicit(&counts.in_bucket[i],
		    memory_order_relaxed);
		if (i < NBOUNDS)
			mkt_buf_printf(out, "mkt_http_request_duration_seconds"
			    "_bucket{program=\"%s\",le=\"%g\"} %lu\n", program,
			    bounds[i], total);
		else
			mkt_buf_printf(out, "mkt_http_request_duration_seconds"
			    "_bucket{program=\"%s\",le=\"+Inf\"} %lu\n",
			    program, total);
	}
	mkt_buf_printf(out, "mkt_http_request_duration_seconds_sum{program="
	    "\"%s\"} %.6f\n", program, (double)atomic_load_explicit(
	    &counts.sum_us, memory_order_relaxed) / 1e6);
	mkt_buf_printf(out, "mkt_http_request_duration_seconds_count{program="
	    "\"%s\"} %lu\n", program, total);
}
