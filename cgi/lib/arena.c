/* arena.c: the per-request arena and its cleanup callbacks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market.h"

/*
 * A chain of blocks.  The first block is kept across resets so a typical
 * request allocates nothing from malloc; larger blocks made for one big
 * request are freed at reset so they do not pin memory (lighttpd's
 * BUFFER_MAX_REUSE_SIZE idea).
 */
struct block {
	struct block	*next;
	size_t		 size;
	size_t		 used;
	max_align_t	 data[];
};

struct defer {
	struct defer	*next;
	void		(*fn)(void *);
	void		*arg;
};

struct mkt_arena {
	struct block	*head;		/* current block, newest first */
	struct block	*first;		/* kept at reset */
	struct defer	*defers;
	size_t		 total;
};

#define ALIGN	(sizeof(max_align_t))

void *
mkt_xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n", n);
		abort();
	}
	return p;
}

void *
mkt_xcalloc(size_t n, size_t sz)
{
	void	*p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL) {
		fprintf(stderr, "out of memory allocating %zu×%zu bytes\n",
		    n, sz);
		abort();
	}
	return p;
}

void *
mkt_xrealloc(void *old, size_t n)
{
	void	*p = realloc(old, n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "out of memory reallocating %zu bytes\n", n);
		abort();
	}
	return p;
}

char *
mkt_xstrdup(const char *s)
{
	size_t	 n = strlen(s) + 1;

	return memcpy(mkt_xmalloc(n), s, n);
}

static struct block *
block_new(size_t size)
{
	struct block	*b;

	b = mkt_xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct mkt_arena *
mkt_arena_new(size_t first_block)
{
	struct mkt_arena	*a = mkt_xcalloc(1, sizeof(*a));

	if (first_block < 1024)
		first_block = 1024;
	a->first = a->head = block_new(first_block);
	return a;
}

static void
run_defers(struct mkt_arena *a)
{
	struct defer	*d;

	/* Callbacks may allocate nothing from the arena: they only release. */
	while ((d = a->defers) != NULL) {
		a->defers = d->next;
		d->fn(d->arg);
	}
}

void
mkt_arena_reset(struct mkt_arena *a)
{
	struct block	*b, *next;

	run_defers(a);
	for (b = a->head; b != NULL && b != a->first; b = next) {
		next = b->next;
		free(b);
	}
	a->head = a->first;
	a->first->next = NULL;
	a->first->used = 0;
	a->total = 0;
}

void
mkt_arena_free(struct mkt_arena *a)
{
	if (a == NULL)
		return;
	mkt_arena_reset(a);
	free(a->first);
	free(a);
}

void *
mkt_arena_alloc(struct mkt_arena *a, size_t n)
{
	struct block	*b = a->head;
	size_t		 need, size;
	void		*p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN) {
		fprintf(stderr, "arena allocation of %zu bytes overflows\n", n);
		abort();
	}
	need = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (b->size - b->used < need) {
		size = a->first->size;
		while (size < need) {
			if (size > SIZE_MAX / 2) {
				fprintf(stderr, "arena allocation of %zu bytes "
				    "is too large\n", n);
				abort();
			}
			size *= 2;
		}
		b = block_new(size);
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	a->total += need;
	return p;
}

void *
mkt_arena_zalloc(struct mkt_arena *a, size_t n)
{
	return memset(mkt_arena_alloc(a, n), 0, n);
}

char *
mkt_arena_strndup(struct mkt_arena *a, const char *s, size_t n)
{
	char	*p = mkt_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mkt_arena_strdup(struct mkt_arena *a, const char *s)
{
	return mkt_arena_strndup(a, s, strlen(s));
}

char *
mkt_arena_vprintf(struct mkt_arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;
	char	*p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return mkt_arena_strdup(a, "");
	p = mkt_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
mkt_arena_printf(struct mkt_arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = mkt_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
mkt_arena_defer(struct mkt_arena *a, void (*fn)(void *), void *arg)
{
	struct defer	*d = mkt_arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->arg = arg;
	d->next = a->defers;
	a->defers = d;
}

size_t
mkt_arena_used(const struct mkt_arena *a)
{
	return a->total;
}
