/*
 * metrics.c: GET /metrics on the gateway, for Prometheus.
 *
 * The figures of /health/consume (its checks, the batches, the usage
 * journal, the HTTP server) and the requests this process answered, in
 * the Prometheus text format (version 0.0.4).  The gateway serves from
 * one process, so a scrape sees all of it; behind FastCGI (a process
 * pool) it would see one process's, and is not offered there.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "market.h"
#include "consume.h"

/* A figure of /health/consume's "gateway" object (group, then name),
 * as a Prometheus metric; scale: what its unit is multiplied by. */
struct metric {
	const char	*group, *figure;
	const char	*name, *type, *help;
	double		 scale;
};

static const struct metric metrics[] = {
	{ "accepted_again", "hits", "mkt_gateway_accept_cache_hits_total",
	  "counter", "Calls whose key was accepted from this process's "
	  "memory of an earlier call.", 1 },
	{ "accepted_again", "misses", "mkt_gateway_accept_cache_misses_total",
	  "counter", "Calls whose key PostgreSQL accepted.", 1 },
	{ "reservations", "batches", "mkt_gateway_reservation_batches_total",
	  "counter", "Statements that reserved calls' worst-case cost.", 1 },
	{ "reservations", "calls", "mkt_gateway_reservation_calls_total",
	  "counter", "Calls whose worst-case cost was reserved.", 1 },
	{ "settlements", "batches", "mkt_gateway_settlement_batches_total",
	  "counter", "Statements that settled calls on the call, without "
	  "the journal.", 1 },
	{ "settlements", "calls", "mkt_gateway_settlement_calls_total",
	  "counter", "Calls settled on the call, without the journal.", 1 },
	{ "journal", "records", "mkt_gateway_journal_records_total",
	  "counter", "Usage records written to the journal.", 1 },
	{ "journal", "syncs", "mkt_gateway_journal_syncs_total", "counter",
	  "Syncs of the journal, each shared by the records of its "
	  "moment.", 1 },
	{ "journal", "shipped", "mkt_gateway_journal_shipped_total",
	  "counter", "Journal records shipped to PostgreSQL.", 1 },
	{ "journal", "batches", "mkt_gateway_journal_batches_total",
	  "counter", "Batches of journal records shipped.", 1 },
	{ "journal", "recovered", "mkt_gateway_journal_recovered_total",
	  "counter", "Records shipped from journals that dead processes "
	  "left.", 1 },
	{ "journal", "rejected", "mkt_gateway_journal_rejected_total",
	  "counter", "Records PostgreSQL refused, set aside in "
	  "rejected.jsonl.", 1 },
	{ "journal", "files", "mkt_gateway_journal_files_total", "counter",
	  "Journal files opened.", 1 },
	{ "journal", "waiting", "mkt_gateway_journal_waiting", "gauge",
	  "Records in the journal, not yet in PostgreSQL.", 1 },
	{ "journal", "oldest_waiting_ms",
	  "mkt_gateway_journal_oldest_waiting_seconds", "gauge",
	  "Age of the oldest record not yet in PostgreSQL.", 0.001 },
	{ "journal", "bytes", "mkt_gateway_journal_file_bytes", "gauge",
	  "Bytes written to the journal file written now.", 1 },
	{ "http_server", "threads", "mkt_gateway_http_threads", "gauge",
	  "Threads of the gateway's HTTP server.", 1 },
	{ "http_server", "connections", "mkt_gateway_http_connections",
	  "gauge", "Client connections the HTTP server's threads hold.", 1 },
};

static const char *const journal_states[] = { "on", "broken", "off" };

/* o.a.b, or NULL. */
static struct json_object *
member(struct json_object *o, const char *a, const char *b)
{
	struct json_object	*x;

	if (!json_object_object_get_ex(o, a, &x) ||
	    !json_object_object_get_ex(x, b, &x))
		return NULL;
	return x;
}

static void
checks(struct mkt_buf *out, struct json_object *v)
{
	static const char *const names[] = { "database", "memcached" };
	struct json_object	*c = json_object_object_get(v, "checks"), *x;
	size_t			 i;

	mkt_buf_puts(out, "# HELP mkt_check_up Whether the gateway reaches "
	    "the server (1) or not (0), checked at this scrape.\n"
	    "# TYPE mkt_check_up gauge\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		x = member(c, names[i], "status");
		mkt_buf_printf(out, "mkt_check_up{check=\"%s\"} %d\n",
		    names[i], x != NULL &&
		    strcmp(json_object_get_string(x), "ok") == 0);
	}
	mkt_buf_puts(out, "# HELP mkt_check_latency_seconds The round trip "
	    "of the check.\n# TYPE mkt_check_latency_seconds gauge\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((x = member(c, names[i], "latency_ms")) != NULL)
			mkt_buf_printf(out, "mkt_check_latency_seconds{check="
			    "\"%s\"} %g\n", names[i],
			    json_object_get_double(x) / 1000);
}

int
gw_metrics(struct mkt_req *r)
{
	struct json_object	*g, *x;
	struct mkt_buf		 out;
	const char		*state;
	long			 threads, connections;
	size_t			 i;

	if (!mkt_http_figures(&threads, &connections))
		return mkt_fail(r, 404, "not-found", mkt_tr(r, "Metrics are "
		    "served by the gateway's own HTTP server (mkt-consume "
		    "--http), which answers for the whole process."));
	/* The same figures as the health page, the checks made now. */
	gw_health(r);
	mkt_buf_init(&out);
	checks(&out, r->view);
	g = json_object_object_get(r->view, "gateway");
	x = member(g, "journal", "state");
	state = x != NULL ? json_object_get_string(x) : NULL;
	mkt_buf_puts(&out, "# HELP mkt_gateway_journal_state The usage "
	    "journal's state: on, broken (calls settle on the call until a "
	    "new file opens) or off.\n"
	    "# TYPE mkt_gateway_journal_state gauge\n");
	for (i = 0; i < sizeof(journal_states) / sizeof(journal_states[0]);
	    i++)
		mkt_buf_printf(&out, "mkt_gateway_journal_state{state=\"%s\"}"
		    " %d\n", journal_states[i], state != NULL &&
		    strcmp(state, journal_states[i]) == 0);
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const struct metric *m = &metrics[i];

		if ((x = member(g, m->group, m->figure)) == NULL)
			continue;
		mkt_buf_printf(&out, "# HELP %s %s\n# TYPE %s %s\n%s %.15g\n",
		    m->name, m->help, m->name, m->type, m->name,
		    (double)json_object_get_int64(x) * m->scale);
	}
	mkt_metrics_requests(&out, "consume");
	if (mkt_stream_begin(r, 200, "text/plain; version=0.0.4; "
	    "charset=utf-8"))
		mkt_stream_write(r, out.ptr, out.len);
	mkt_buf_free(&out);
	return 200;
}
