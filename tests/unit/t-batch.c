/* t-batch.c: group commit among threads (batch.c) */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define THREADS	16
#define EACH	200

struct job {
	struct mkt_batch_item	 item;	/* first: items are cast back */
	int			 runs;	/* times the item was run */
	size_t			 batch;	/* the size of its batch */
};

static struct mkt_batch	 batch;
static pthread_mutex_t	 in_run = PTHREAD_MUTEX_INITIALIZER;
static int		 leaders_at_once, most_at_once;

static void
run(struct mkt_req *r, struct mkt_batch_item **items, size_t n)
{
	struct timespec	 ts = { 0, 200 * 1000 };	/* a statement */
	size_t		 i;

	(void)r;
	pthread_mutex_lock(&in_run);
	if (++leaders_at_once > most_at_once)
		most_at_once = leaders_at_once;
	pthread_mutex_unlock(&in_run);
	nanosleep(&ts, NULL);
	for (i = 0; i < n; i++) {
		struct job *j = (struct job *)items[i];

		j->runs++;
		j->batch = n;
	}
	pthread_mutex_lock(&in_run);
	leaders_at_once--;
	pthread_mutex_unlock(&in_run);
}

static void
submit(struct mkt_arena *a, struct job *j)
{
	struct mkt_req	 r;

	memset(&r, 0, sizeof(r));
	r.arena = a;
	mkt_batch_submit(&r, &batch, &j->item);
}

static void
test_batch_alone_runs_at_once(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	struct job		 j = { .runs = 0 };

	mkt_batch_init(&batch, 8, run);
	submit(a, &j);
	CU_ASSERT_EQUAL(j.runs, 1);
	CU_ASSERT_EQUAL(j.batch, 1);
	CU_ASSERT_TRUE(j.item.done);
	CU_ASSERT_EQUAL(batch.batches, 1);
	mkt_arena_free(a);
}

static struct job	 jobs[THREADS][EACH];

static void *
worker(void *arg)
{
	struct job		*mine = arg;
	struct mkt_arena	*a = mkt_arena_new(0);
	int			 i;

	for (i = 0; i < EACH; i++) {
		submit(a, &mine[i]);
		/* The result is there when submit returns. */
		if (mine[i].runs != 1 || !mine[i].item.done)
			break;
		mkt_arena_reset(a);
	}
	mkt_arena_free(a);
	return NULL;
}

static void
test_batch_groups_concurrent_items(void)
{
	pthread_t	 t[THREADS];
	int		 i, k, once = 0;
	size_t		 grouped = 0;

	memset(jobs, 0, sizeof(jobs));
	most_at_once = 0;
	mkt_batch_init(&batch, 8, run);
	for (i = 0; i < THREADS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, worker,
		    jobs[i]) == 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < THREADS; i++)
		for (k = 0; k < EACH; k++) {
			once += jobs[i][k].runs == 1;
			grouped += jobs[i][k].batch > 1;
			CU_ASSERT(jobs[i][k].batch >= 1 &&
			    jobs[i][k].batch <= 8);
		}
	/* Every item ran exactly once, one batch at a time, and with 16
	 * threads most items shared their batch. */
	CU_ASSERT_EQUAL(once, THREADS * EACH);
	CU_ASSERT_EQUAL(batch.items, THREADS * EACH);
	CU_ASSERT_EQUAL(most_at_once, 1);
	CU_ASSERT(batch.batches < THREADS * EACH / 2);
	CU_ASSERT(grouped > THREADS * EACH / 2);
	CU_ASSERT(batch.largest <= 8);
}

void
add_batch_suite(void)
{
	CU_pSuite	 s = CU_add_suite("batch", NULL, NULL);

	CU_add_test(s, "a lone item runs at once, alone",
	    test_batch_alone_runs_at_once);
	CU_add_test(s, "concurrent items run once each, grouped",
	    test_batch_groups_concurrent_items);
}
