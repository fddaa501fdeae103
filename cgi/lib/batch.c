/* batch.c: group commit for a program's threads
 *
 * Threads that each need one short statement of the same kind (the
 * gateway's reservations and usage records) queue their items; the first
 * thread to find nobody at work becomes the leader, takes every item
 * queued so far (up to max) and runs them as one batch, in one statement
 * and one transaction, on its own connection, while the next items queue
 * behind it.  When it is done, every thread of the batch wakes with its
 * result, and a thread whose item is still queued leads the next batch.
 *
 * Alone, a call runs at once (a batch of one: no waiting for company).
 * Under load, batches grow by themselves to the number of calls that
 * arrived during the previous batch: one round trip, one transaction and
 * one WAL flush for all of them, the way PostgreSQL groups the commits
 * of its own backends.
 *
 * Each submitter waits on its own condition variable: the leader wakes
 * exactly the submitters of its batch, and the first of those still
 * queued to lead the next one (a broadcast would wake every waiting
 * thread after every batch, to find most of them with nothing to do).
 */
#include <stdlib.h>

#include "extern.h"

void
mkt_batch_init(struct mkt_batch *b, size_t max,
    void (*run)(struct mkt_req *, struct mkt_batch_item **, size_t))
{
	pthread_mutex_init(&b->lock, NULL);
	b->head = NULL;
	b->tail = &b->head;
	b->busy = false;
	b->max = max > 0 ? max : 1;
	b->run = run;
	b->batches = b->items = b->largest = 0;
}

/* Takes up to max items off the queue, in their order of arrival. */
static size_t
take(struct mkt_batch *b, struct mkt_batch_item **items)
{
	size_t	 n = 0;

	while (b->head != NULL && n < b->max) {
		items[n++] = b->head;
		b->head = b->head->next;
	}
	if (b->head == NULL)
		b->tail = &b->head;
	return n;
}

void
mkt_batch_submit(struct mkt_req *r, struct mkt_batch *b,
    struct mkt_batch_item *it)
{
	struct mkt_batch_item	**items;
	pthread_cond_t		  wake;
	size_t			  n, i;

	items = mkt_arena_alloc(r->arena, b->max * sizeof(*items));
	/* A waiting thread must hold no pooled connection: the leader may
	 * need one, and with every connection held by threads waiting for
	 * it, nobody would ever run the batch. */
	mkt_db_release(r);
	pthread_cond_init(&wake, NULL);
	it->next = NULL;
	it->done = false;
	it->wake = &wake;
	pthread_mutex_lock(&b->lock);
	*b->tail = it;
	b->tail = &it->next;
	while (!it->done) {
		if (b->busy) {
			pthread_cond_wait(&wake, &b->lock);
			continue;
		}
		/* Nobody at work: this thread leads the next batch (which
		 * holds its own item unless more than max were queued
		 * before it; then it leads again). */
		b->busy = true;
		n = take(b, items);
		b->batches++;
		b->items += n;
		if (n > b->largest)
			b->largest = n;
		pthread_mutex_unlock(&b->lock);
		b->run(r, items, n);
		pthread_mutex_lock(&b->lock);
		for (i = 0; i < n; i++) {
			items[i]->done = true;
			if (items[i] != it)
				pthread_cond_signal(items[i]->wake);
		}
		b->busy = false;
		if (b->head != NULL)
			pthread_cond_signal(b->head->wake);
	}
	pthread_mutex_unlock(&b->lock);
	pthread_cond_destroy(&wake);
}
