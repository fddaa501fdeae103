/* main.c: mkt-consume, subscriptions, API keys and (next) the gateway */
#include "market.h"

static const struct mkt_route routes[] = {
	{ MKT_GET, "/keys", MKT_FMT_BOTH, MKT_ROLE_CONSUMER, mkt_not_yet, NULL,
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
