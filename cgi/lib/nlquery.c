/* nlquery.c: (being written) */
#include "market.h"

void
mkt_nlquery_parse(struct mkt_arena *a, const char *q, struct mkt_nlquery *nl)
{
	nl->text = mkt_arena_strdup(a, q);
	nl->nfilters = 0;
}
