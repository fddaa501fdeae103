/* lease.c: calls reserved ahead and drawn in memory
 *
 * Reserving a call's worst case costs a statement and a transaction on
 * the subscription's row.  When calls of one kind (subscription, version,
 * prompt and answer up to a size) come fast, the gateway reserves for
 * several at once (a lease, migration 0015) and later calls draw on it
 * here, without the database.  Each call still settles on its own, with
 * its own usage record.
 *
 * How many to ask for adapts to the pace: a lease used up within a second
 * asks for twice as many next time (up to LEASE_MAX), one left with calls
 * after a second gives them back (gateway_return) and halves.  A lease is
 * drawn on for a second at most, the bound of accept.c: a subscription
 * cancelled stops within it.  The database grants at most a sixteenth of
 * what is left of any limit, so near a limit calls reserve one by one,
 * exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "market.h"
#include "consume.h"

#define LEASES		256
#define LEASE_MAX	256	/* calls one lease may ask for */
#define LEASE_AGE_MS	1000

struct lease {
	char		 sub[40], version[40];	/* the kind of call */
	char		 payer[40];
	long		 tin, tout;		/* the largest call it covers */
	char		 id[40];		/* the reservation; "": none */
	long		 undrawn;
	long long	 granted_ms;
	long		 want;			/* calls to ask for next */
	bool		 asking;		/* a thread is asking */
};

static struct lease	 leases[LEASES];
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

static struct lease *
slot(const char *sub, const char *version)
{
	return &leases[mkt_fnv1a(mkt_fnv1a(MKT_FNV1A_BASIS, sub), version) %
	    LEASES];
}

/* Hands what l holds undrawn to ret (for gateway_return), and forgets
 * the lease. */
static void
give_back(struct lease *l, struct lease_return *ret)
{
	if (l->id[0] != '\0' && l->undrawn > 0) {
		snprintf(ret->id, sizeof(ret->id), "%s", l->id);
		ret->calls = l->undrawn;
	}
	l->id[0] = '\0';
	l->undrawn = 0;
}

bool
lease_draw(struct lease_ask *a, struct lease_return *ret)
{
	struct lease	*l = slot(a->sub, a->version);
	long long	 age;
	bool		 drawn = false;

	ret->id[0] = '\0';
	ret->calls = 0;
	a->id[0] = '\0';
	a->payer[0] = '\0';
	a->want = 1;
	a->leader = false;
	pthread_mutex_lock(&lock);
	if (strcmp(l->sub, a->sub) != 0 || strcmp(l->version,
	    a->version) != 0) {
		/* Another kind had this slot: its lease goes back. */
		give_back(l, ret);
		snprintf(l->sub, sizeof(l->sub), "%s", a->sub);
		snprintf(l->version, sizeof(l->version), "%s", a->version);
		l->want = 1;
		l->asking = false;
	}
	age = mkt_monotonic_ms() - l->granted_ms;
	if (l->id[0] != '\0' && age > LEASE_AGE_MS) {
		/* Too old to draw on: what is left goes back, and the next
		 * lease is smaller. */
		if (l->undrawn > 0 && l->want > 1)
			l->want /= 2;
		give_back(l, ret);
	}
	if (l->id[0] != '\0' && l->undrawn > 0 && a->tin <= l->tin &&
	    a->tout <= l->tout) {
		l->undrawn--;
		snprintf(a->id, sizeof(a->id), "%s", l->id);
		snprintf(a->payer, sizeof(a->payer), "%s", l->payer);
		drawn = true;
	} else {
		if (l->id[0] != '\0' && l->undrawn == 0) {
			/* Used up within the second: ask for more. */
			if (l->want < LEASE_MAX)
				l->want *= 2;
			l->id[0] = '\0';
		}
		if (!l->asking && l->id[0] == '\0') {
			l->asking = true;
			a->want = l->want;
			a->leader = true;
		}
		/* A lease covers prompts up to a power of two: the next
		 * calls' prompts vary a little. */
		if (a->want > 1) {
			long	 t = 256;

			while (t < a->tin && t < (1L << 40))
				t *= 2;
			a->tin = t;
		}
	}
	pthread_mutex_unlock(&lock);
	return drawn;
}

void
lease_granted(const struct lease_ask *a, const char *id, const char *payer,
    long granted)
{
	struct lease	*l = slot(a->sub, a->version);

	if (!a->leader)
		return;
	pthread_mutex_lock(&lock);
	if (strcmp(l->sub, a->sub) == 0 && strcmp(l->version,
	    a->version) == 0 && l->asking) {
		l->asking = false;
		if (id != NULL) {
			snprintf(l->id, sizeof(l->id), "%s", id);
			snprintf(l->payer, sizeof(l->payer), "%s",
			    payer != NULL ? payer : "");
			l->undrawn = granted > 1 ? granted - 1 : 0;
			l->tin = a->tin;
			l->tout = a->tout;
			l->granted_ms = mkt_monotonic_ms();
		}
	}
	pthread_mutex_unlock(&lock);
}
