/* main.c: mkt-search, the catalog: list and service pages, JSON API */
#include "market.h"
#include "search.h"

static int
home(struct mkt_req *r)
{
	return mkt_redirect(r, 302, "/services");
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/", MKT_FMT_HTML, MKT_ROLE_ANON, home, NULL, NULL, NULL },
	{ MKT_GET, "/services", MKT_FMT_BOTH, MKT_ROLE_ANON, catalog_list,
	  "search/list", "services", catalog_list_params },
	{ MKT_GET, "/services/suggest", MKT_FMT_BOTH, MKT_ROLE_ANON,
	  catalog_suggest, "search/suggest", "services", suggest_params },
	{ MKT_GET, "/services/{id}", MKT_FMT_BOTH, MKT_ROLE_ANON,
	  catalog_item, "search/item", "services", NULL },
	{ MKT_GET, "/services/{id}/reviews", MKT_FMT_BOTH, MKT_ROLE_ANON,
	  reviews_list, "search/reviews", "services", reviews_list_params },
	/* A refused form shows the service page again (reviews.c). */
	{ MKT_POST, "/services/{id}/reviews", MKT_FMT_BOTH, MKT_ROLE_USER,
	  reviews_post, "search/item", "services", NULL },
	{ MKT_POST, "/services/{id}/reviews/{review}/reply", MKT_FMT_BOTH,
	  MKT_ROLE_USER, reviews_reply, "search/item", "services", NULL },
	{ MKT_GET, "/health/search", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"search",
	"Serves the service catalog: list and service pages and their JSON API",
	routes,
	NULL, NULL
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
