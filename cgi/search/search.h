/* search.h: handlers of the search program (catalog pages and API) */
#ifndef SEARCH_H
#define SEARCH_H

int	catalog_list(struct mkt_req *);
int	catalog_item(struct mkt_req *);

int	catalog_suggest(struct mkt_req *);

/* recommend.c */
void	recommend_for_service(struct mkt_req *, struct json_object *service);
void	recommend_for_reader(struct mkt_req *, struct json_object *list,
	    const char *except);

/* catalog.c, shared with list.c */
struct json_object *catalog_category(struct mkt_req *, struct json_object *);
struct json_object *catalog_parse_json(struct mkt_req *, const char *);

/* facets.c: the facet counts of q_counts's rows (list.c), and how many
 * of them are in each tier of relevance: the services counted, those
 * whose name, tags or category match the words (head) and those whose
 * name does; and of each, those in the catalog's top set by stored score
 * (0024_search_top_set.sql). */
struct tier_counts {
	long	 matched, head, named;
	long	 top, top_head, top_named;
};
struct json_object *catalog_count_facets(struct mkt_req *, PGresult *,
	    struct tier_counts *);
/* The commonest values of a facet shown; the providers' are counted in
 * SQL (q_counts's providers column), the others in facets.c. */
#define FACET_TOP	12
#define FACET_TOP_SQL	"12"

extern const struct mkt_param catalog_list_params[];
extern const struct mkt_param suggest_params[];

/* reviews.c: reviews and ratings (0011_reviews.sql) */
extern const struct mkt_param reviews_list_params[];
int	reviews_list(struct mkt_req *);
int	reviews_post(struct mkt_req *);
int	reviews_reply(struct mkt_req *);
void	reviews_add_to_item(struct mkt_req *, struct json_object *service);

#endif
