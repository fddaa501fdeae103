/* main.c: mkt-admin, approvals, policies, users, audit (admin role) */
#include "market.h"

/* Needs the admin role: the core answers 401 until accounts exist. */
static int
overview(struct mkt_req *r)
{
	return mkt_fail(r, 500, "internal-error", NULL);
}

static const struct mkt_route routes[] = {
	{ MKT_GET, "/admin", MKT_FMT_BOTH, MKT_ROLE_ADMIN, overview, NULL,
	  "admin", NULL },
	{ MKT_GET, "/health/admin", MKT_FMT_JSON, MKT_ROLE_ANON, mkt_health,
	  NULL, NULL, NULL },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct mkt_program program = {
	"admin",
	"Serves administrators: approvals, policies, users, audit trail",
	routes
};

int
main(int argc, char **argv)
{
	return mkt_main(argc, argv, &program);
}
