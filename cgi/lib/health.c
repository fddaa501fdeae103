/* health.c: the health endpoint every program answers */
#include <stdio.h>

#include <json-c/json.h>

#include "extern.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

static struct json_object *
check(enum mkt_err e, double ms, const char *bad)
{
	struct json_object	*c = json_object_new_object();

	json_object_object_add(c, "status",
	    json_object_new_string(e == MKT_OK ? "ok" : bad));
	if (e == MKT_OK) {
		char	 text[32];

		/* Three decimals as written, not the double's 17 digits. */
		snprintf(text, sizeof(text), "%.3f", ms);
		json_object_object_add(c, "latency_ms",
		    json_object_new_double_s(ms, text));
	}
	else
		json_object_object_add(c, "error",
		    json_object_new_string(mkt_strerror(e)));
	return c;
}

/*
 * 200 when the database answers (memcached down is "degraded": the
 * programs work without it), 503 when the database does not.
 */
int
mkt_health(struct mkt_req *r)
{
	struct json_object	*v = mkt_view(r, NULL), *checks;
	enum mkt_err		 db, mc;
	double			 dbms = 0, mcms = 0;

	db = mkt_db_ping(r, &dbms);
	mc = mkt_cache_ping(r, &mcms);
	json_object_object_add(v, "status", json_object_new_string(
	    db != MKT_OK ? "unavailable" : mc != MKT_OK ? "degraded" : "ok"));
	json_object_object_add(v, "program",
	    json_object_new_string(r->app->prog->name));
	json_object_object_add(v, "version",
	    json_object_new_string(PACKAGE_VERSION));
	checks = json_object_new_object();
	json_object_object_add(checks, "database", check(db, dbms, "down"));
	json_object_object_add(checks, "memcached", check(mc, mcms, "down"));
	json_object_object_add(v, "checks", checks);
	if (db != MKT_OK) {
		mkt_header(r, "Retry-After", "5");
		return 503;
	}
	return 200;
}
