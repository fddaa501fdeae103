/* consume.h: mkt-consume's handlers (subscriptions, keys, usage, gateway) */
#ifndef CONSUME_H
#define CONSUME_H

struct mkt_req;
struct mkt_param;

/* keys.c: API keys, in the portal and the JSON API */
int	 keys_list(struct mkt_req *);
int	 keys_create(struct mkt_req *);
int	 keys_revoke(struct mkt_req *);
int	 keys_rotate(struct mkt_req *);
/* "mkt_" and 48 hex digits: what an API key looks like. */
#define KEY_PREFIX	"mkt_"
#define KEY_HEX		48
bool	 key_format_ok(const char *);

/* subscriptions.c */
int	 subs_list(struct mkt_req *);
int	 subs_create(struct mkt_req *);
int	 subs_cancel(struct mkt_req *);
int	 subs_decide(struct mkt_req *);
int	 subs_subscribers(struct mkt_req *);
extern const struct mkt_param subs_subscribers_params[];

/* usage.c */
int	 usage_page(struct mkt_req *);
extern const struct mkt_param usage_params[];

/* gateway.c: the OpenAI-compatible surface and the generic passthrough */
int	 gw_chat(struct mkt_req *);
int	 gw_completions(struct mkt_req *);
int	 gw_embeddings(struct mkt_req *);
int	 gw_models(struct mkt_req *);
int	 gw_passthrough(struct mkt_req *);

/* limits.c: per-minute windows in memcached */
struct gw_limits {
	long	 rpm, tpm;		/* 0: none */
	long	 remaining;		/* of the tightest request window */
	long	 limit;			/* that window's limit */
	long	 reset;			/* seconds until it starts again */
	bool	 degraded;		/* memcached did not answer */
};
/* 0 when the call may go, else 429 or 503 (problem set). */
int	 limits_admit(struct mkt_req *, const char *key_id, long key_rpm,
	    const char *sub_id, long rpm, long tpm, struct gw_limits *);
void	 limits_count_tokens(struct mkt_req *, const char *sub_id,
	    long tokens);
void	 limits_headers(struct mkt_req *, const struct gw_limits *);

#endif
