/* buf.c: growable, length-carrying byte buffers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market.h"

void
mkt_buf_init(struct mkt_buf *b)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void
mkt_buf_free(struct mkt_buf *b)
{
	free(b->ptr);
	mkt_buf_init(b);
}

/* Keeps small allocations for reuse, drops big ones (one huge response
 * must not pin its memory for the life of the process). */
void
mkt_buf_reset(struct mkt_buf *b)
{
	if (b->cap > 64 * 1024) {
		mkt_buf_free(b);
		return;
	}
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

void
mkt_buf_reserve(struct mkt_buf *b, size_t n)
{
	size_t	 need, cap;

	if (__builtin_add_overflow(b->len, n, &need) ||
	    __builtin_add_overflow(need, 1, &need)) {
		fprintf(stderr, "buffer size overflow\n");
		abort();
	}
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (__builtin_mul_overflow(cap, 2, &cap)) {
			cap = need;
			break;
		}
	}
	b->ptr = mkt_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void
mkt_buf_append(struct mkt_buf *b, const void *p, size_t n)
{
	mkt_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
mkt_buf_puts(struct mkt_buf *b, const char *s)
{
	mkt_buf_append(b, s, strlen(s));
}

void
mkt_buf_putc(struct mkt_buf *b, char c)
{
	mkt_buf_append(b, &c, 1);
}

void
mkt_buf_vprintf(struct mkt_buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	mkt_buf_reserve(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
mkt_buf_printf(struct mkt_buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	mkt_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Formats a reason into a caller's fixed buffer (which may be absent). */
void
mkt_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}
