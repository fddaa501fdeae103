/* text.c: UTF-8 checks, escaping for JSON/log/URL contexts, decoding */
#include <ctype.h>
#include <string.h>

#include "market.h"

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequences.  NUL bytes are rejected as well, since
 * every text we accept ends up in C strings, SQL parameters or XML.
 */
bool
mkt_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + n;

	while (p < end) {
		unsigned c = *p;

		if (c == 0)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (end - p < 2 || (p[1] & 0xc0) != 0x80)
				return false;
			p += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (end - p < 3 || (p[1] & 0xc0) != 0x80 ||
			    (p[2] & 0xc0) != 0x80)
				return false;
			if (c == 0xe0 && p[1] < 0xa0)
				return false;	/* overlong */
			if (c == 0xed && p[1] >= 0xa0)
				return false;	/* surrogate */
			p += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (end - p < 4 || (p[1] & 0xc0) != 0x80 ||
			    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
				return false;
			if (c == 0xf0 && p[1] < 0x90)
				return false;	/* overlong */
			if (c == 0xf4 && p[1] >= 0x90)
				return false;	/* > U+10FFFF */
			p += 4;
		} else
			return false;
	}
	return true;
}

/* Valid UTF-8 without control characters other than tab, CR and LF. */
bool
mkt_text_clean(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return false;
	}
	return mkt_utf8_valid(s, n);
}

void
mkt_esc_json(struct mkt_buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  mkt_buf_append(b, "\\\"", 2); break;
		case '\\': mkt_buf_append(b, "\\\\", 2); break;
		case '\n': mkt_buf_append(b, "\\n", 2); break;
		case '\r': mkt_buf_append(b, "\\r", 2); break;
		case '\t': mkt_buf_append(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0',
				    hex[c >> 4], hex[c & 15] };
				mkt_buf_append(b, u, 6);
			} else
				mkt_buf_putc(b, (char)c);
		}
	}
}

/* Log lines are JSON; invalid UTF-8 from a client becomes '?' so that a
 * log reader never chokes on a line an attacker shaped. */
void
mkt_esc_log(struct mkt_buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;

	if (mkt_utf8_valid(s, n)) {
		mkt_esc_json(b, s, n);
		return;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || (unsigned char)s[i] >= 0x80 || s[i] == '\0') {
			mkt_esc_json(b, s + start, i - start);
			if (i < n)
				mkt_buf_putc(b, '?');
			start = i + 1;
		}
	}
}

/* Percent-encodes everything but RFC 3986 unreserved characters. */
void
mkt_esc_url(struct mkt_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			mkt_buf_putc(b, (char)c);
		else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			mkt_buf_append(b, e, 3);
		}
	}
}

/* The value of a hex digit, or -1. */
int
mkt_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes %XX (and '+' when asked) in place.  A '%' not followed by two
 * hex digits is an error rather than a literal: lenient decoders are how
 * "%2e%2e" tricks slip through.
 */
enum mkt_err
mkt_url_decode(char *s, size_t *len, bool plus_is_space)
{
	size_t	 i, o;

	for (i = o = 0; i < *len; i++, o++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= *len)
				return MKT_EINVAL;
			hi = mkt_hex_digit((unsigned char)s[i + 1]);
			lo = mkt_hex_digit((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return MKT_EINVAL;
			s[o] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space)
			s[o] = ' ';
		else
			s[o] = s[i];
	}
	s[o] = '\0';
	*len = o;
	return MKT_OK;
}

/* A header value we are willing to echo or store: printable ASCII. */
bool
mkt_header_value_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* X-Request-ID values echoed back: [A-Za-z0-9._-]{1,64}. */
bool
mkt_request_id_ok(const char *s)
{
	size_t	 n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= 64 || !(isalnum(c) || c == '.' || c == '_' ||
		    c == '-'))
			return false;
	}
	return n > 0;
}

/* Slugs: [a-z0-9][a-z0-9._-]* of at most maxlen bytes. */
bool
mkt_slug_ok(const char *s, size_t maxlen)
{
	size_t	 n;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (n = 0; s[n] != '\0'; n++) {
		char c = s[n];

		if (n >= maxlen || !((c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return false;
	}
	return true;
}

bool
mkt_uuid_ok(const char *s)
{
	size_t	 i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (mkt_hex_digit((unsigned char)s[i]) < 0)
			return false;
	}
	return s[36] == '\0';
}

/* Lower-case ASCII letters and digits; every other run becomes one '-'. */
void
mkt_slugify(struct mkt_buf *b, const char *s)
{
	bool	 dash = false;
	size_t	 start = b->len;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80) {
			if (dash && b->len > start)
				mkt_buf_putc(b, '-');
			dash = false;
			mkt_buf_putc(b, (char)tolower(c));
		} else if (c == '.' && b->len > start && !dash &&
		    isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)b->ptr[b->len - 1]))
			mkt_buf_putc(b, '.');	/* keep "3.5" in versions */
		else
			dash = true;
	}
	if (b->len == start)
		mkt_buf_puts(b, "x");
}

const char *
mkt_skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

size_t
mkt_utf8_chars(const char *s, size_t n)
{
	size_t	 i, chars = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	return chars;
}

const char *
mkt_trim(struct mkt_arena *a, const char *s)
{
	size_t	 n;

	if (s == NULL)
		return NULL;
	s = mkt_skip_ws(s);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n > 0 ? mkt_arena_strndup(a, s, n) : NULL;
}
