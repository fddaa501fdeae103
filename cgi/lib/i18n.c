/* i18n.c: gettext .mo catalogs read directly, and language negotiation */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market.h"

/*
 * Why not gettext(3)?  glibc picks the catalog from the locale of the
 * process or thread, which must be installed system-wide (locale-gen),
 * and switching it per request is either global (setlocale) or changes
 * number formatting too.  One worker answers many languages, so it reads
 * the same compiled catalogs msgfmt makes (po/ stays standard gettext)
 * and looks messages up itself: read-only after load, so thread-safe.
 */
struct mkt_catalog {
	unsigned char	*data;
	size_t		 size;
	uint32_t	 n;
	uint32_t	 orig;		/* offset of the original-string table */
	uint32_t	 trans;		/* offset of the translation table */
	bool		 swap;
};

static uint32_t
u32(const struct mkt_catalog *c, size_t off)
{
	const unsigned char	*p = c->data + off;

	if (c->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* Entry i of a string table, or NULL when it points outside the file. */
static const char *
entry(const struct mkt_catalog *c, uint32_t table, uint32_t i)
{
	uint32_t	 len, off;

	len = u32(c, (size_t)table + 8 * (size_t)i);
	off = u32(c, (size_t)table + 8 * (size_t)i + 4);
	if ((size_t)off + len >= c->size || c->data[off + len] != '\0')
		return NULL;
	return (const char *)c->data + off;
}

struct mkt_catalog *
mkt_catalog_load(const char *path)
{
	struct mkt_catalog	*c;
	FILE			*f;
	long			 sz;
	uint32_t		 magic, i;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	c = mkt_xcalloc(1, sizeof(*c));
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 28 ||
	    sz > 64L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0)
		goto bad;
	c->size = (size_t)sz;
	c->data = mkt_xmalloc(c->size);
	if (fread(c->data, 1, c->size, f) != c->size)
		goto bad;
	magic = u32(c, 0);
	if (magic == 0xde120495)
		c->swap = true;
	else if (magic != 0x950412de)
		goto bad;
	c->n = u32(c, 8);
	c->orig = u32(c, 12);
	c->trans = u32(c, 16);
	if ((size_t)c->orig + 8 * (size_t)c->n > c->size ||
	    (size_t)c->trans + 8 * (size_t)c->n > c->size)
		goto bad;
	for (i = 0; i < c->n; i++)
		if (entry(c, c->orig, i) == NULL ||
		    entry(c, c->trans, i) == NULL)
			goto bad;
	fclose(f);
	return c;
bad:
	mkt_logx(MKT_LOG_ERROR, NULL, __FILE__, __LINE__,
	    "could not load message catalog \"%s\": not a valid .mo file",
	    path);
	fclose(f);
	mkt_catalog_free(c);
	return NULL;
}

void
mkt_catalog_free(struct mkt_catalog *c)
{
	if (c == NULL)
		return;
	free(c->data);
	free(c);
}

/* msgfmt writes the original strings sorted, so a binary search works. */
const char *
mkt_catalog_lookup(const struct mkt_catalog *c, const char *msgid)
{
	uint32_t	 lo = 0, hi;
	const char	*t;

	if (c == NULL || *msgid == '\0')
		return msgid;
	hi = c->n;
	while (lo < hi) {
		uint32_t	 mid = lo + (hi - lo) / 2;
		int		 cmp = strcmp(msgid, entry(c, c->orig, mid));

		if (cmp == 0) {
			t = entry(c, c->trans, mid);
			return (*t != '\0') ? t : msgid;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return msgid;
}

/*
 * Picks the supported language with the highest q in an Accept-Language
 * header (RFC 9110 §12.5.4), matching on the primary subtag ("de-AT"
 * gives "de").  Falls back to the first supported language.
 */
const char *
mkt_lang_negotiate(const char *hdr, const char *const *supported, size_t n)
{
	const char	*best = NULL;
	double		 bestq = 0.0;

	if (n == 0)
		return "en";
	while (hdr != NULL && *hdr != '\0') {
		char		 tag[16];
		size_t		 tl = 0, i;
		double		 q = 1.0;
		const char	*p = mkt_skip_ws(hdr);

		while (*p != '\0' && *p != ',' && *p != ';' && *p != ' ') {
			if (tl < sizeof(tag) - 1)
				tag[tl++] = (char)tolower((unsigned char)*p);
			p++;
		}
		tag[tl] = '\0';
		while (*p != '\0' && *p != ',') {
			p = mkt_skip_ws(p);
			if (*p == ';') {
				p = mkt_skip_ws(p + 1);
				if ((p[0] == 'q' || p[0] == 'Q') &&
				    p[1] == '=') {
					char *end;

					q = strtod(p + 2, &end);
					if (end == p + 2 || q < 0 || q > 1)
						q = 0;
					p = end;
				}
			}
			while (*p != '\0' && *p != ',' && *p != ';')
				p++;
		}
		hdr = (*p == ',') ? p + 1 : NULL;
		if (q <= bestq)
			continue;
		if (strcmp(tag, "*") == 0) {
			best = supported[0];
			bestq = q;
			continue;
		}
		for (i = 0; i < n; i++) {
			size_t sl = strlen(supported[i]);

			if (strncmp(tag, supported[i], sl) == 0 &&
			    (tag[sl] == '\0' || tag[sl] == '-')) {
				best = supported[i];
				bestq = q;
				break;
			}
		}
	}
	return best != NULL ? best : supported[0];
}
