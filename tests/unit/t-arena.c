/* t-arena.c: the per-request arena and growable buffers (arena.c, buf.c) */
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

/* ---- arena ---- */

static void
test_arena_alloc_is_aligned(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	static const size_t	 sizes[] = { 1, 3, 7, 8, 15, 17, 31, 33, 100 };
	size_t			 i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = mkt_arena_alloc(a, sizes[i]);

		CU_ASSERT_PTR_NOT_NULL(p);
		CU_ASSERT_EQUAL((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xa5, sizes[i]);
	}
	mkt_arena_free(a);
}

static void
test_arena_allocations_do_not_overlap(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	char			*p[64];
	size_t			 i, j;

	for (i = 0; i < 64; i++) {
		p[i] = mkt_arena_alloc(a, 40);
		memset(p[i], (int)i, 40);
	}
	for (i = 0; i < 64; i++)
		for (j = 0; j < 40; j++)
			CU_ASSERT_EQUAL_FATAL((unsigned char)p[i][j], i);
	mkt_arena_free(a);
}

static void
test_arena_zero_size_gives_distinct_pointers(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	void			*p = mkt_arena_alloc(a, 0);
	void			*q = mkt_arena_alloc(a, 0);

	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(q);
	CU_ASSERT_PTR_NOT_EQUAL(p, q);
	mkt_arena_free(a);
}

static void
test_arena_grows_past_first_block(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	char			*small = mkt_arena_strdup(a, "kept");
	char			*big = mkt_arena_alloc(a, 100000);
	char			*big2 = mkt_arena_alloc(a, 3000);

	/* Fill both blocks completely; valgrind sees any overrun. */
	memset(big, 'x', 100000);
	memset(big2, 'y', 3000);
	CU_ASSERT_EQUAL((uintptr_t)big % alignof(max_align_t), 0);
	CU_ASSERT_EQUAL((uintptr_t)big2 % alignof(max_align_t), 0);
	CU_ASSERT_STRING_EQUAL(small, "kept");
	CU_ASSERT_EQUAL(big[0], 'x');
	CU_ASSERT_EQUAL(big[99999], 'x');
	CU_ASSERT(mkt_arena_used(a) >= 100000 + 3000 + 5);
	mkt_arena_free(a);
}

static void
test_arena_many_small_allocs_span_blocks(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	char			*s[500];
	size_t			 i;

	for (i = 0; i < 500; i++)
		s[i] = mkt_arena_printf(a, "string-%zu", i);
	for (i = 0; i < 500; i++) {
		char want[32];

		snprintf(want, sizeof(want), "string-%zu", i);
		CU_ASSERT_STRING_EQUAL_FATAL(s[i], want);
	}
	mkt_arena_free(a);
}

static void
test_arena_strdup_copies(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	char			 src[] = "hello, arena";
	char			*p = mkt_arena_strdup(a, src);

	CU_ASSERT_PTR_NOT_EQUAL(p, src);
	src[0] = 'J';
	CU_ASSERT_STRING_EQUAL(p, "hello, arena");
	CU_ASSERT_STRING_EQUAL(mkt_arena_strdup(a, ""), "");
	mkt_arena_free(a);
}

static void
test_arena_strndup_terminates(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);

	CU_ASSERT_STRING_EQUAL(mkt_arena_strndup(a, "abcdef", 3), "abc");
	CU_ASSERT_STRING_EQUAL(mkt_arena_strndup(a, "abcdef", 0), "");
	/* Not a C string: strndup copies exactly n bytes. */
	CU_ASSERT_EQUAL(memcmp(mkt_arena_strndup(a, "a\0b", 3), "a\0b", 4), 0);
	mkt_arena_free(a);
}

static void
test_arena_printf_formats(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	char			 big[5000];

	CU_ASSERT_STRING_EQUAL(mkt_arena_printf(a, "%d-%s-%zu", 42, "x",
	    (size_t)7), "42-x-7");
	CU_ASSERT_STRING_EQUAL(mkt_arena_printf(a, "%s", ""), "");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_STRING_EQUAL(mkt_arena_printf(a, "<%s>", big) + 1 + 4998,
	    "z>");
	CU_ASSERT_EQUAL(strlen(mkt_arena_printf(a, "<%s>", big)), 5001);
	mkt_arena_free(a);
}

static void
test_arena_zalloc_zeroes(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	unsigned char		*p;
	size_t			 i, nonzero = 0;

	/* Dirty the first block, reset, and take the same memory again. */
	memset(mkt_arena_alloc(a, 512), 0xff, 512);
	mkt_arena_reset(a);
	p = mkt_arena_zalloc(a, 512);
	for (i = 0; i < 512; i++)
		nonzero += p[i] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	mkt_arena_free(a);
}

static void
test_arena_used_counts_and_resets(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);

	CU_ASSERT_EQUAL(mkt_arena_used(a), 0);
	mkt_arena_alloc(a, 1);
	CU_ASSERT(mkt_arena_used(a) >= 1);
	CU_ASSERT_EQUAL(mkt_arena_used(a) % alignof(max_align_t), 0);
	mkt_arena_alloc(a, 10000);
	CU_ASSERT(mkt_arena_used(a) >= 10001);
	mkt_arena_reset(a);
	CU_ASSERT_EQUAL(mkt_arena_used(a), 0);
	mkt_arena_free(a);
}

static void
test_arena_reset_reuses_first_block(void)
{
	struct mkt_arena	*a = mkt_arena_new(4096);
	void			*first = mkt_arena_alloc(a, 100);

	mkt_arena_alloc(a, 1 << 20);	/* a big block, freed at reset */
	mkt_arena_reset(a);
	CU_ASSERT_PTR_EQUAL(mkt_arena_alloc(a, 100), first);
	mkt_arena_reset(a);
	CU_ASSERT_PTR_EQUAL(mkt_arena_alloc(a, 100), first);
	mkt_arena_free(a);
}

static void
test_arena_usable_after_many_resets(void)
{
	struct mkt_arena	*a = mkt_arena_new(1024);
	int			 round;

	for (round = 0; round < 20; round++) {
		char *p = mkt_arena_alloc(a, 5000 + (size_t)round * 100);

		memset(p, 'q', 5000);
		CU_ASSERT_EQUAL(p[4999], 'q');
		CU_ASSERT_EQUAL(atoi(mkt_arena_printf(a, "%d", round)), round);
		mkt_arena_reset(a);
	}
	mkt_arena_free(a);
}

/* Records the order in which deferred callbacks run. */
static int	defer_log[8];
static size_t	defer_n;

static void
record(void *arg)
{
	if (defer_n < 8)
		defer_log[defer_n] = *(int *)arg;
	defer_n++;
}

static void
test_arena_defer_runs_newest_first(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	static int		 ids[3] = { 1, 2, 3 };

	defer_n = 0;
	mkt_arena_defer(a, record, &ids[0]);
	mkt_arena_defer(a, record, &ids[1]);
	mkt_arena_defer(a, record, &ids[2]);
	CU_ASSERT_EQUAL(defer_n, 0);		/* nothing before reset */
	mkt_arena_reset(a);
	CU_ASSERT_EQUAL_FATAL(defer_n, 3);
	CU_ASSERT_EQUAL(defer_log[0], 3);
	CU_ASSERT_EQUAL(defer_log[1], 2);
	CU_ASSERT_EQUAL(defer_log[2], 1);
	mkt_arena_free(a);
}

static void
test_arena_defer_runs_exactly_once(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	static int		 id = 7;

	defer_n = 0;
	mkt_arena_defer(a, record, &id);
	mkt_arena_reset(a);
	mkt_arena_reset(a);
	CU_ASSERT_EQUAL(defer_n, 1);
	mkt_arena_free(a);
	CU_ASSERT_EQUAL(defer_n, 1);
}

static void
test_arena_free_runs_pending_defers(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);
	static int		 id = 9;

	defer_n = 0;
	mkt_arena_defer(a, record, &id);
	mkt_arena_free(a);
	CU_ASSERT_EQUAL(defer_n, 1);
	CU_ASSERT_EQUAL(defer_log[0], 9);
}

/* Counts the deferred frees, so the test sees them run (valgrind then
 * shows nothing was left behind). */
static int	 freed;

static void
count_and_free(void *p)
{
	freed++;
	free(p);
}

static void
test_arena_defer_frees_heap_objects(void)
{
	struct mkt_arena	*a = mkt_arena_new(0);

	freed = 0;
	mkt_arena_defer(a, count_and_free, mkt_xstrdup("owned by the arena"));
	mkt_arena_defer(a, count_and_free, mkt_xmalloc(1000));
	mkt_arena_alloc(a, 50000);	/* defers survive block growth */
	CU_ASSERT_EQUAL(freed, 0);
	mkt_arena_reset(a);
	CU_ASSERT_EQUAL(freed, 2);
	mkt_arena_defer(a, count_and_free, mkt_xmalloc(10));
	mkt_arena_free(a);
	CU_ASSERT_EQUAL(freed, 3);
	mkt_arena_free(NULL);		/* a no-op, like free(NULL) */
}

#define WATCHDOG_EXIT	99

static struct mkt_arena *volatile child_arena;	/* reachable at _exit */

static void
watchdog(int sig)
{
	(void)sig;
	_exit(WATCHDOG_EXIT);
}

/*
 * An allocation so large that rounding the block size up by doubling
 * overflows must abort like the other overflow check in mkt_arena_alloc,
 * not loop for ever.  Run in a child with an alarm as a watchdog.
 */
static void
test_arena_huge_alloc_aborts(void)
{
	pid_t	 pid;
	int	 status = 0;

	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		signal(SIGALRM, watchdog);
		alarm(2);
		/* Any message abort() prints is expected: silence it. */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		child_arena = mkt_arena_new(0);
		mkt_arena_alloc(child_arena, SIZE_MAX / 2 + 2);
		_exit(0);	/* returning at all is wrong */
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
	/* The watchdog had to stop an endless loop. */
	CU_ASSERT(!(WIFEXITED(status) &&
	    WEXITSTATUS(status) == WATCHDOG_EXIT));
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

/* ---- x-allocators ---- */

static void
test_xstrdup_copies(void)
{
	char	*p = mkt_xstrdup("copy me");

	CU_ASSERT_STRING_EQUAL(p, "copy me");
	free(p);
}

static void
test_xalloc_zero_sizes_give_pointers(void)
{
	void	*p = mkt_xmalloc(0), *q = mkt_xcalloc(0, 0);
	char	*r = mkt_xcalloc(4, 8);
	size_t	 i, nonzero = 0;

	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(q);
	for (i = 0; i < 32; i++)
		nonzero += r[i] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	r = mkt_xrealloc(r, 64);
	CU_ASSERT_PTR_NOT_NULL(r);
	free(p);
	free(q);
	free(r);
}

/* ---- buffers ---- */

static void
test_buf_init_is_empty(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	CU_ASSERT_PTR_NULL(b.ptr);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.cap, 0);
	mkt_buf_free(&b);
}

static void
test_buf_append_terminates(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_append(&b, "abc", 3);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_STRING_EQUAL(b.ptr, "abc");
	mkt_buf_append(&b, "", 0);
	CU_ASSERT_EQUAL(b.len, 3);
	mkt_buf_puts(&b, "def");
	mkt_buf_putc(&b, '!');
	CU_ASSERT_STRING_EQUAL(b.ptr, "abcdef!");
	CU_ASSERT_EQUAL(b.len, 7);
	CU_ASSERT(b.cap > b.len);
	mkt_buf_free(&b);
	CU_ASSERT_PTR_NULL(b.ptr);
}

static void
test_buf_append_empty_allocates_terminator(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_append(&b, "", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.ptr);
	CU_ASSERT_STRING_EQUAL(b.ptr, "");
	mkt_buf_free(&b);
}

static void
test_buf_append_binary_keeps_nul(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_append(&b, "a\0b", 3);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_EQUAL(memcmp(b.ptr, "a\0b\0", 4), 0);
	mkt_buf_free(&b);
}

static void
test_buf_append_grows(void)
{
	struct mkt_buf	 b;
	size_t		 i;
	bool		 ok = true;

	mkt_buf_init(&b);
	for (i = 0; i < 10000; i++)
		mkt_buf_putc(&b, (char)('a' + i % 26));
	CU_ASSERT_EQUAL(b.len, 10000);
	CU_ASSERT(b.cap > 10000);
	for (i = 0; i < 10000; i++)
		ok = ok && b.ptr[i] == (char)('a' + i % 26);
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(b.ptr[10000], '\0');
	mkt_buf_free(&b);
}

static void
test_buf_printf_appends_and_grows(void)
{
	struct mkt_buf	 b;
	char		 big[3000];

	mkt_buf_init(&b);
	mkt_buf_printf(&b, "%s=%d", "n", 5);
	mkt_buf_printf(&b, ";%05.1f", 2.25);
	CU_ASSERT_STRING_EQUAL(b.ptr, "n=5;002.2");
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mkt_buf_printf(&b, "[%s]", big);
	CU_ASSERT_EQUAL(b.len, 9 + 2 + 2999);
	CU_ASSERT_EQUAL(b.ptr[b.len - 1], ']');
	CU_ASSERT_EQUAL(b.ptr[b.len], '\0');
	CU_ASSERT_EQUAL(strlen(b.ptr), b.len);
	mkt_buf_free(&b);
}

static void
test_buf_printf_empty_result_changes_nothing(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_puts(&b, "x");
	mkt_buf_printf(&b, "%s", "");
	CU_ASSERT_EQUAL(b.len, 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "x");
	mkt_buf_free(&b);
}

static void
test_buf_reset_keeps_small_allocation(void)
{
	struct mkt_buf	 b;
	char		*p;

	mkt_buf_init(&b);
	mkt_buf_puts(&b, "some text");
	p = b.ptr;
	mkt_buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_PTR_EQUAL(b.ptr, p);
	CU_ASSERT_STRING_EQUAL(b.ptr, "");
	mkt_buf_puts(&b, "again");
	CU_ASSERT_STRING_EQUAL(b.ptr, "again");
	mkt_buf_free(&b);
}

static void
test_buf_reset_drops_large_allocation(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_reserve(&b, 200 * 1024);
	mkt_buf_puts(&b, "big");
	mkt_buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.cap, 0);
	CU_ASSERT_PTR_NULL(b.ptr);
	mkt_buf_puts(&b, "reusable");
	CU_ASSERT_STRING_EQUAL(b.ptr, "reusable");
	mkt_buf_free(&b);
}

static void
test_buf_reset_of_empty_buffer(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_reset(&b);
	CU_ASSERT_PTR_NULL(b.ptr);
	CU_ASSERT_EQUAL(b.len, 0);
}

static void
test_buf_reserve_makes_room(void)
{
	struct mkt_buf	 b;
	char		*p;

	mkt_buf_init(&b);
	mkt_buf_reserve(&b, 1000);
	CU_ASSERT(b.cap >= 1001);
	CU_ASSERT_EQUAL(b.len, 0);
	p = b.ptr;
	mkt_buf_append(&b, "0123456789", 10);
	CU_ASSERT_PTR_EQUAL(b.ptr, p);	/* no move within the reserve */
	mkt_buf_free(&b);
}

void
add_arena_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("arena", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_arena_alloc_is_aligned);
	CU_ADD_TEST(s, test_arena_allocations_do_not_overlap);
	CU_ADD_TEST(s, test_arena_zero_size_gives_distinct_pointers);
	CU_ADD_TEST(s, test_arena_grows_past_first_block);
	CU_ADD_TEST(s, test_arena_many_small_allocs_span_blocks);
	CU_ADD_TEST(s, test_arena_strdup_copies);
	CU_ADD_TEST(s, test_arena_strndup_terminates);
	CU_ADD_TEST(s, test_arena_printf_formats);
	CU_ADD_TEST(s, test_arena_zalloc_zeroes);
	CU_ADD_TEST(s, test_arena_used_counts_and_resets);
	CU_ADD_TEST(s, test_arena_reset_reuses_first_block);
	CU_ADD_TEST(s, test_arena_usable_after_many_resets);
	CU_ADD_TEST(s, test_arena_defer_runs_newest_first);
	CU_ADD_TEST(s, test_arena_defer_runs_exactly_once);
	CU_ADD_TEST(s, test_arena_free_runs_pending_defers);
	CU_ADD_TEST(s, test_arena_defer_frees_heap_objects);
	CU_ADD_TEST(s, test_arena_huge_alloc_aborts);
	CU_ADD_TEST(s, test_xstrdup_copies);
	CU_ADD_TEST(s, test_xalloc_zero_sizes_give_pointers);

	if ((s = CU_add_suite("buf", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_buf_init_is_empty);
	CU_ADD_TEST(s, test_buf_append_terminates);
	CU_ADD_TEST(s, test_buf_append_empty_allocates_terminator);
	CU_ADD_TEST(s, test_buf_append_binary_keeps_nul);
	CU_ADD_TEST(s, test_buf_append_grows);
	CU_ADD_TEST(s, test_buf_printf_appends_and_grows);
	CU_ADD_TEST(s, test_buf_printf_empty_result_changes_nothing);
	CU_ADD_TEST(s, test_buf_reset_keeps_small_allocation);
	CU_ADD_TEST(s, test_buf_reset_drops_large_allocation);
	CU_ADD_TEST(s, test_buf_reset_of_empty_buffer);
	CU_ADD_TEST(s, test_buf_reserve_makes_room);
}
