/* accept.c: what the gateway accepted, remembered for at most a second
 *
 * A call's key, service, version, subscription and plan come from one
 * statement (gateway.c, q_target).  A client calling again and again with
 * the same key and model gets the same answer, so the answer is kept in
 * the process for gateway_accept_cache_ms (1000 at most, the documented
 * bound): a key revoked, a subscription cancelled or a service retired
 * is refused by every gateway process within that bound.  Only
 * acceptances are kept; refusals always ask the database, so that a key
 * just created or a subscription just approved works at once.  An
 * expiry time is checked on every use, so expiry is exact; revoking or
 * rotating a key through this process forgets it here at once.
 *
 * A small direct-mapped table: a newer answer takes an older one's slot.
 *
 * Also kept here: when this process last had a key's last use written
 * (api_keys.last_used_at, shown to its owner to the minute).  Asking for
 * it with every usage record cost the settlement a statement each time
 * (0022); now a key's calls ask once a minute.  Two keys sharing a slot
 * only ask more often.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "market.h"
#include "consume.h"

#define SLOTS		1024
#define STRINGS		16	/* at least the string fields of gw_target */
#define TOUCH_SLOTS	1024
#define TOUCH_MS	60000	/* as the settlement's "once a minute" */

struct slot {
	char		 hash[65];	/* the key's SHA-256 */
	char		*model;		/* as the client wrote it */
	long long	 until_ms;	/* monotonic */
	struct gw_target t;		/* strings malloc'd */
};

static struct slot	 slots[SLOTS];
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long	 hits, misses;

static struct touched {
	char		 key_id[40];
	long long	 at_ms;		/* monotonic */
} touched[TOUCH_SLOTS];

static size_t
slot_of(const char *hash, const char *model)
{
	return (size_t)(mkt_fnv1a(mkt_fnv1a(MKT_FNV1A_BASIS, hash), model) %
	    SLOTS);
}

/* The addresses of a target's strings, in f; their number. */
static size_t
strings(struct gw_target *t, char **f[STRINGS])
{
	size_t	 n = 0;

	f[n++] = &t->key_id;
	f[n++] = &t->key_user;
	f[n++] = &t->key_org;
	f[n++] = &t->service_id;
	f[n++] = &t->slug;
	f[n++] = &t->url;
	f[n++] = &t->upstream_model;
	f[n++] = &t->secret;
	f[n++] = &t->sub_id;
	f[n++] = &t->version_id;
	f[n++] = &t->version;
	f[n++] = &t->sunset;
	return n;
}

static void
empty(struct slot *s)
{
	char	**f[STRINGS];
	size_t	  i, n = strings(&s->t, f);

	if (s->t.secret != NULL)
		explicit_bzero(s->t.secret, strlen(s->t.secret));
	for (i = 0; i < n; i++)
		free(*f[i]);
	free(s->model);
	memset(s, 0, sizeof(*s));
}

bool
accept_get(struct mkt_req *r, const char *hash, const char *model,
    struct gw_target *out)
{
	struct slot	*s = &slots[slot_of(hash, model)];
	char		**f[STRINGS];
	bool		  hit = false;
	size_t		  i, n;

	pthread_mutex_lock(&lock);
	if (s->model != NULL && s->until_ms > mkt_monotonic_ms() &&
	    strcmp(s->hash, hash) == 0 && strcmp(s->model, model) == 0) {
		if (s->t.key_expires > 0 && s->t.key_expires <= time(NULL)) {
			empty(s);
		} else {
			*out = s->t;
			n = strings(out, f);
			for (i = 0; i < n; i++)
				if (*f[i] != NULL)
					*f[i] = mkt_arena_strdup(r->arena,
					    *f[i]);
			hit = true;
		}
	}
	if (hit)
		hits++;
	else
		misses++;
	pthread_mutex_unlock(&lock);
	return hit;
}

void
accept_put(struct mkt_req *r, const char *hash, const char *model,
    const struct gw_target *t)
{
	long		 ttl = mkt_setting_long(r, "gateway_accept_cache_ms",
	    1000, 0, 1000);
	struct slot	*s;
	char		**f[STRINGS];
	size_t		  i, n;

	if (ttl == 0)
		return;
	s = &slots[slot_of(hash, model)];
	pthread_mutex_lock(&lock);
	empty(s);
	memcpy(s->hash, hash, 64);
	s->model = mkt_xstrdup(model);
	s->t = *t;
	n = strings(&s->t, f);
	for (i = 0; i < n; i++)
		if (*f[i] != NULL)
			*f[i] = mkt_xstrdup(*f[i]);
	s->until_ms = mkt_monotonic_ms() + ttl;
	pthread_mutex_unlock(&lock);
}

void
accept_figures(unsigned long *h, unsigned long *m)
{
	pthread_mutex_lock(&lock);
	*h = hits;
	*m = misses;
	pthread_mutex_unlock(&lock);
}

void
accept_forget_key(const char *key_id)
{
	size_t	 i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < SLOTS; i++)
		if (slots[i].model != NULL &&
		    strcmp(slots[i].t.key_id, key_id) == 0)
			empty(&slots[i]);
	pthread_mutex_unlock(&lock);
}

bool
accept_touch_key(const char *key_id)
{
	struct touched	*t = &touched[mkt_fnv1a(MKT_FNV1A_BASIS, key_id) %
	    TOUCH_SLOTS];
	long long	 now = mkt_monotonic_ms();
	bool		 due;

	pthread_mutex_lock(&lock);
	due = strcmp(t->key_id, key_id) != 0 || now - t->at_ms >= TOUCH_MS;
	if (due) {
		snprintf(t->key_id, sizeof(t->key_id), "%s", key_id);
		t->at_ms = now;
	}
	pthread_mutex_unlock(&lock);
	return due;
}
