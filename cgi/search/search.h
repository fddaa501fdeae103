/* search.h: handlers of the search program (catalog pages and API) */
#ifndef SEARCH_H
#define SEARCH_H

int	catalog_list(struct mkt_req *);
int	catalog_item(struct mkt_req *);

int	catalog_suggest(struct mkt_req *);

extern const struct mkt_param catalog_list_params[];
extern const struct mkt_param suggest_params[];

#endif
