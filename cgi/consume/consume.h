/* consume.h: mkt-consume's handlers (subscriptions, keys, usage, gateway) */
#ifndef CONSUME_H
#define CONSUME_H

struct mkt_app;
struct mkt_req;
struct mkt_param;
struct json_object;

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
int	 gw_health(struct mkt_req *);
/* metrics.c: GET /metrics, the same figures for Prometheus. */
int	 gw_metrics(struct mkt_req *);

/* accept.c: what the gateway accepted for a key and a model (the key,
 * the service, the version chosen, the subscription and its plan), kept
 * for gateway_accept_cache_ms (at most a second). */
struct gw_target {
	char		*key_id, *key_user, *key_org;	/* key_org: NULL, none */
	char		*service_id, *slug, *url, *upstream_model, *secret;
	char		*sub_id;
	char		*version_id, *version, *sunset;
	long long	 key_expires;	/* epoch seconds, 0: never */
	long		 key_rpm, rpm, tpm;	/* 0: no limit */
	long		 max_latency_ms, max_output_tokens;
	long long	 deprecated_at;	/* epoch seconds, 0: unknown */
	bool		 deprecated;
	/* the version's prices in millionths (of the currency per million
	 * tokens, per request); priced false: unknown, too large */
	long long	 price_in, price_out, price_call;
	bool		 priced;
};
/* true and out filled (strings in the request's arena) when known. */
bool	 accept_get(struct mkt_req *, const char *hash, const char *model,
	    struct gw_target *out);
void	 accept_put(struct mkt_req *, const char *hash, const char *model,
	    const struct gw_target *);
/* Forgets a key at once in this process (revoked, rotated). */
void	 accept_forget_key(const char *key_id);
/* Calls answered from what was kept, and those that asked the database,
 * since the process started. */
void	 accept_figures(unsigned long *hits, unsigned long *misses);
/* true when the key's last use is to be written with this call's usage:
 * once a minute per key and process. */
bool	 accept_touch_key(const char *key_id);

/* lease.c: calls reserved ahead (several at once), drawn in memory */
struct lease_ask {
	const char	*sub, *version;
	long		 tin, tout;	/* the call's worst case; tin may grow */
	/* lease_draw's answer */
	char		 id[40];	/* drawn: the reservation to settle on */
	char		 payer[40];	/* drawn: the paying organisation, or "" */
	long		 want;		/* not drawn: calls to reserve */
	bool		 leader;	/* not drawn: report with lease_granted */
};
struct lease_return {
	char		 id[40];	/* calls to give back (gateway_return) */
	long		 calls;		/* 0: none */
};
bool	 lease_draw(struct lease_ask *, struct lease_return *);
/* After the reservation lease_draw asked for: id NULL when refused. */
void	 lease_granted(const struct lease_ask *, const char *id,
	    const char *payer, long granted);

/* journal.c: usage records made durable in a local file first, shipped
 * to PostgreSQL a moment later (gateway_journal_dir; empty: off) */
bool	 journal_start(const struct mkt_app *);
void	 journal_stop(void);
/* true once the record (a gateway_settle_batch call, JSON) is durable;
 * false: it is not in the journal (off, broken or stopping), settle it
 * on the call. */
bool	 journal_write(const char *subscription, const char *record);
/* The journal's state and figures, for /health/consume; healthy false
 * when it is broken, unusable or not shipping. */
struct json_object *journal_figures(bool *healthy);

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
