/* main.c: mkt-consume, subscriptions, API keys, usage and the gateway */
#include "market.h"
#include "consume.h"

static const struct mkt_route routes[] = {
	/* The gateway: API keys, not sessions (MKT_ROLE_SIGNED: the
	 * handler checks the key; no CSRF, no cookies). */
	{ MKT_POST, "/v1/chat/completions", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_chat, NULL, NULL, NULL },
	{ MKT_POST, "/v1/completions", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_completions, NULL, NULL, NULL },
	{ MKT_POST, "/v1/embeddings", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_embeddings, NULL, NULL, NULL },
	{ MKT_GET, "/v1/models", MKT_FMT_JSON, MKT_ROLE_SIGNED, gw_models,
	  NULL, NULL, NULL },
	/* Contracts that are not OpenAI's: /gw/{service}[@range]/{path}. */
	{ MKT_GET, "/gw/{service}/{a}", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_passthrough, NULL, NULL, NULL },
	{ MKT_POST, "/gw/{service}/{a}", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_passthrough, NULL, NULL, NULL },
	{ MKT_GET, "/gw/{service}/{a}/{b}", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_passthrough, NULL, NULL, NULL },
	{ MKT_POST, "/gw/{service}/{a}/{b}", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_passthrough, NULL, NULL, NULL },
	{ MKT_GET, "/gw/{service}/{a}/{b}/{c}", MKT_FMT_JSON, MKT_ROLE_SIGNED,
	  gw_passthrough, NULL, NULL, NULL },
	{ MKT_POST, "/gw/{service}/{a}/{b}/{c}", MKT_FMT_JSON,
	  MKT_ROLE_SIGNED, gw_passthrough, NULL, NULL, NULL },
	/* The portal and its JSON API. */
	{ MKT_GET, "/keys", MKT_FMT_BOTH, MKT_ROLE_USER, keys_list,
	  "consume/keys", "keys", NULL },
	{ MKT_POST, "/keys", MKT_FMT_BOTH, MKT_ROLE_USER, keys_create,
	  "consume/keys", "keys", NULL },
	{ MKT_POST, "/keys/{id}/revoke", MKT_FMT_BOTH, MKT_ROLE_USER,
	  keys_revoke, "consume/keys", "keys", NULL },
	{ MKT_POST, "/keys/{id}/rotate", MKT_FMT_BOTH, MKT_ROLE_USER,
	  keys_rotate, "consume/keys", "keys", NULL },
	{ MKT_GET, "/subscriptions", MKT_FMT_BOTH, MKT_ROLE_USER, subs_list,
	  "consume/subscriptions", "subscriptions", NULL },
	{ MKT_POST, "/subscriptions", MKT_FMT_BOTH, MKT_ROLE_USER,
	  subs_create, "consume/subscriptions", "subscriptions", NULL },
	{ MKT_GET, "/subscriptions/subscribers", MKT_FMT_BOTH, MKT_ROLE_USER,
	  subs_subscribers, "consume/subscribers", "subscriptions",
	  subs_subscribers_params },
	{ MKT_POST, "/subscriptions/{id}/cancel", MKT_FMT_BOTH,
	  MKT_ROLE_USER, subs_cancel, "consume/subscriptions",
	  "subscriptions", NULL },
	{ MKT_POST, "/subscriptions/{id}/{decision}", MKT_FMT_BOTH,
	  MKT_ROLE_USER, subs_decide, "consume/subscribers", "subscriptions",
	  NULL },
	{ MKT_GET, "/usage", MKT_FMT_BOTH, MKT_ROLE_USER, usage_page,
	  "consume/usage", "usage", usage_params },
	{ MKT_GET, "/health/consume", MKT_FMT_JSON, MKT_ROLE_ANON, gw_health,
	  NULL, NULL, NULL },
	{ MKT_GET, "/metrics", MKT_FMT_JSON, MKT_ROLE_ANON, gw_metrics,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"consume",
	"Serves consumers: subscriptions, API keys, usage and the metering "
	"gateway (OpenAI-compatible)",
	routes,
	journal_start,
	journal_stop
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
