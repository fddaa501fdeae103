/* outbox.c: marketctl outbox, the worker that delivers the outbox's
 * registry rows to the LLM-Registry (IP-001) */
#include <sys/select.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ctl.h"

#define MAX_ANSWER	(64 * 1024)

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

struct worker {
	struct ctl		*c;
	struct mkt_arena	*arena;
	const char		*url;
	long			 timeout_ms;
	long			 base_ms, max_ms;
	long			 batch;
	unsigned long		 delivered, retried, refused;
};

/* Exponential backoff with jitter: base * 2^attempts, capped, then
 * scaled by a random factor in [0.5, 1) so that many rows failed at
 * once do not all come back at the same instant. */
static long
backoff_ms(const struct worker *w, int attempts)
{
	double		 d = (double)w->base_ms *
	    (double)(1L << (attempts < 20 ? attempts : 20));
	unsigned char	 rnd;

	if (d > (double)w->max_ms)
		d = (double)w->max_ms;
	mkt_random_bytes(&rnd, 1);
	return (long)(d * (0.5 + rnd / 512.0));
}

static bool
finish(struct worker *w, const char *id, const char *error, long retry_ms)
{
	char		 ms[24];
	const char	*p[3];
	PGresult	*res;
	bool		 ok;

	snprintf(ms, sizeof(ms), "%ld", retry_ms);
	p[0] = id;
	p[1] = error;
	p[2] = ms;
	if (retry_ms < 0)
		res = ctl_exec(w->c, "UPDATE outbox SET delivered_at = now(),"
		    " attempts = attempts + 1, last_error = $2"
		    " WHERE id = $1::bigint", 2, p);
	else
		res = ctl_exec(w->c, "UPDATE outbox SET attempts = attempts + 1,"
		    " last_error = $2, available_at = now() +"
		    " $3::bigint * interval '1 millisecond'"
		    " WHERE id = $1::bigint", 3, p);
	ok = res != NULL;
	PQclear(res);
	return ok;
}

static bool
service_update(struct worker *w, const char *service_id, const char *status,
    const char *registry_id, const char *error)
{
	const char	*p[4] = { service_id, status, registry_id, error };
	PGresult	*res;
	char		 details[256];
	bool		 ok;

	res = ctl_exec(w->c, "UPDATE services SET registry_status = $2,"
	    " registry_id = coalesce($3, registry_id), registry_error = $4,"
	    " registry_synced_at = now(), updated_at = now()"
	    " WHERE id = $1::uuid", 4, p);
	ok = res != NULL;
	PQclear(res);
	snprintf(details, sizeof(details), "{\"tool\":\"marketctl\","
	    "\"status\":\"%s\"}", status);
	return ok && ctl_audit(w->c, "service.registry_sync", "service",
	    service_id, details);
}

/*
 * One row: POST its payload with the event id as idempotency key.  2xx
 * with a registry id: registered.  409: the registry knows the service
 * under another id, reported to the publisher, not retried.  Other 4xx:
 * refused for good.  5xx, timeouts, no connection: tried again later.
 */
static bool
deliver(struct worker *w, PGresult *res, int row)
{
	const char		*id = PQgetvalue(res, row, 0);
	const char		*event = PQgetvalue(res, row, 1);
	const char		*service = PQgetvalue(res, row, 2);
	const char		*payload = PQgetvalue(res, row, 3);
	int			 attempts = atoi(PQgetvalue(res, row, 4));
	const char		*hdrs[5];
	struct mkt_http_resp	 resp;
	struct json_object	*ans = NULL, *v;
	const char		*rid = NULL, *msg;
	char			 err[320];
	bool			 ok;

	mkt_arena_reset(w->arena);
	hdrs[0] = "Content-Type: application/json";
	hdrs[1] = "Accept: application/json";
	hdrs[2] = mkt_arena_printf(w->arena, "X-Event-ID: %s", event);
	hdrs[3] = mkt_arena_printf(w->arena, "Idempotency-Key: %s", event);
	hdrs[4] = NULL;
	mkt_http(w->arena, "POST", w->url, hdrs, payload, strlen(payload),
	    w->timeout_ms, MAX_ANSWER, &resp);
	if (resp.status > 0)
		ans = json_tokener_parse(resp.body);
	if (resp.status >= 200 && resp.status < 300 && ans != NULL &&
	    json_object_object_get_ex(ans, "registry_id", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    json_object_get_string_len(v) <= 200)
		rid = json_object_get_string(v);
	if (rid != NULL) {
		ok = service_update(w, service, "registered", rid, NULL) &&
		    finish(w, id, NULL, -1);
		if (ok) {
			w->delivered++;
			ctl_progress(w->c, "delivered %s: service %s is %s "
			    "(%.0f ms)\n", event, service, rid, resp.ms);
		}
		json_object_put(ans);
		return ok;
	}
	if (resp.status == 409 || (resp.status >= 400 && resp.status < 500 &&
	    resp.status != 408 && resp.status != 429)) {
		msg = ans != NULL && json_object_object_get_ex(ans, "message",
		    &v) ? json_object_get_string(v) : NULL;
		if (resp.status == 409) {
			const char *other = ans != NULL &&
			    json_object_object_get_ex(ans,
			    "existing_registry_id", &v) ?
			    json_object_get_string(v) : NULL;

			snprintf(err, sizeof(err), "the registry already "
			    "knows this service%s%s%s%s", other ? " as " : "",
			    other ? other : "", msg ? ": " : "",
			    msg ? msg : "");
		} else
			snprintf(err, sizeof(err), "the registry refused the "
			    "registration (HTTP %ld)%s%.200s", resp.status,
			    msg ? ": " : "", msg ? msg : "");
		ok = service_update(w, service, resp.status == 409 ?
		    "duplicate" : "failed", NULL, err) &&
		    finish(w, id, err, -1);
		if (ok) {
			w->refused++;
			ctl_progress(w->c, "refused %s: %s\n", event, err);
		}
		json_object_put(ans);
		return ok;
	}
	json_object_put(ans);
	if (resp.status == 0)
		snprintf(err, sizeof(err), "%s", resp.timed_out ?
		    "the registry did not answer in time" : resp.error);
	else if (resp.status >= 200 && resp.status < 300)
		snprintf(err, sizeof(err), "the registry answered HTTP %ld "
		    "without a registry_id", resp.status);
	else
		snprintf(err, sizeof(err), "the registry answered HTTP %ld",
		    resp.status);
	ok = finish(w, id, err, backoff_ms(w, attempts));
	if (ok) {
		w->retried++;
		ctl_progress(w->c, "will retry %s (attempt %d): %s\n", event,
		    attempts + 1, err);
	}
	return ok;
}

/*
 * Delivers up to one batch of due rows, each in a transaction of its
 * own: the audit row (and with it the audit chain's lock) comes after
 * the registry answered, just before the commit.  SKIP LOCKED lets
 * several workers share the queue.  Returns how many rows were due, or
 * -1 on a database error.
 */
static int
batch(struct worker *w)
{
	PGresult	*res;
	int		 done = 0;

	while (done < w->batch && !stopping) {
		if (!ctl_command(w->c, "BEGIN"))
			return -1;
		res = ctl_exec(w->c, "SELECT id, event_id, aggregate_id,"
		    " payload, attempts FROM outbox"
		    " WHERE destination = 'registry' AND delivered_at IS NULL"
		    " AND available_at <= now() ORDER BY available_at, id"
		    " LIMIT 1 FOR UPDATE SKIP LOCKED", 0, NULL);
		if (res == NULL) {
			ctl_command(w->c, "ROLLBACK");
			return -1;
		}
		if (PQntuples(res) == 0) {
			PQclear(res);
			return ctl_command(w->c, "COMMIT") ? done : -1;
		}
		if (!deliver(w, res, 0)) {
			PQclear(res);
			ctl_command(w->c, "ROLLBACK");
			return -1;
		}
		PQclear(res);
		if (!ctl_command(w->c, "COMMIT"))
			return -1;
		done++;
	}
	return done;
}

/* Milliseconds until the next row is due (capped), for the wait. */
static long
next_due_ms(struct worker *w)
{
	PGresult	*res;
	long		 ms = 5000;

	res = ctl_exec(w->c, "SELECT ceil(extract(epoch FROM"
	    " min(available_at) - now()) * 1000) FROM outbox"
	    " WHERE destination = 'registry' AND delivered_at IS NULL", 0,
	    NULL);
	if (res != NULL && !PQgetisnull(res, 0, 0))
		ms = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return ms < 0 ? 0 : ms > 5000 ? 5000 : ms;
}

/* Sleeps until a NOTIFY on "outbox" (a row committed), a signal or ms. */
static void
wait_for_work(struct worker *w, long ms)
{
	PGnotify	*n;
	fd_set		 fds;
	struct timeval	 tv;
	int		 fd = PQsocket(w->c->pg);

	if (ms <= 0 || fd < 0)
		return;
	FD_ZERO(&fds);
	FD_SET(fd, &fds);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (select(fd + 1, &fds, NULL, NULL, &tv) > 0)
		PQconsumeInput(w->c->pg);
	while ((n = PQnotifies(w->c->pg)) != NULL)
		PQfreemem(n);
}

/*
 * outbox [--once] [--batch N]: delivers the registry rows.  Without
 * --once it runs until SIGTERM or SIGINT, woken by NOTIFY the moment a
 * publication commits, so that a service is registered within a second
 * while the registry is up.  --once delivers what is due and exits (for
 * cron).  Exit 0, or 1 on a configuration or database error.
 */
int
ctl_outbox(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once",	no_argument,	   NULL, 'o' },
		{ "batch",	required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct worker	 w;
	struct sigaction sa;
	bool		 once = false;
	int		 ch, n;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.batch = 20;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "ob:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			once = true;
			break;
		case 'b':
			w.batch = strtol(optarg, NULL, 10);
			if (w.batch < 1 || w.batch > 1000) {
				fprintf(stderr, "marketctl: --batch takes 1 "
				    "to 1000\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: marketctl outbox [--once] "
			    "[--batch N]\n");
			return 2;
		}
	}
	w.url = mkt_config_str(c->cfg, "registry_url", "");
	if (*w.url == '\0') {
		fprintf(stderr, "marketctl: registry_url is not set in the "
		    "configuration: there is no registry to deliver to\n");
		return 1;
	}
	w.timeout_ms = mkt_config_long(c->cfg, "registry_timeout_ms", 5000,
	    100, 120000);
	w.base_ms = mkt_config_long(c->cfg, "outbox_retry_base_ms", 1000, 10,
	    600000);
	w.max_ms = mkt_config_long(c->cfg, "outbox_retry_max_ms", 300000,
	    w.base_ms, 86400000);
	w.arena = mkt_arena_new(16384);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!once && !ctl_command(c, "LISTEN outbox")) {
		mkt_arena_free(w.arena);
		return 1;
	}
	if (!once)
		ctl_progress(c, "delivering registry rows to %s (stop with "
		    "SIGTERM)\n", w.url);
	while (!stopping) {
		if ((n = batch(&w)) < 0) {
			mkt_arena_free(w.arena);
			return 1;
		}
		if (n == (int)w.batch)
			continue;	/* more may be due */
		if (once)
			break;
		wait_for_work(&w, next_due_ms(&w));
	}
	ctl_progress(c, "%lu delivered, %lu refused, %lu to retry\n",
	    w.delivered, w.refused, w.retried);
	mkt_arena_free(w.arena);
	return 0;
}
