/* main.c: mkt-consume, subscriptions, API keys and (next) the gateway */
#include "market.h"

/* Needs the consumer role: answered by the core with 401 until accounts
 * exist, so the handler itself is never reached anonymously. */
static int
keys(struct mkt_req *r)
{
	return mkt_fail(r, 500, "internal-error", NULL);
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/keys", MKT_FMT_BOTH, MKT_ROLE_CONSUMER, keys, NULL,
	  "keys", NULL },
	{ MKT_GET, "/health/consume", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"consume",
	"Serves consumers: subscriptions, API keys and the metering gateway",
	routes
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
