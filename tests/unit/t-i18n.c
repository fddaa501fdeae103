/* t-i18n.c: Accept-Language negotiation and .mo catalogs (i18n.c); the
 * catalogs are compiled at test time by msgfmt from a .po written here */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- mkt_lang_negotiate ---- */

static const char *const en_de[] = { "en", "de" };

static const struct {
	const char	*hdr;
	const char	*want;		/* with supported = { en, de } */
} negotiations[] = {
	{ "de-DE,de;q=0.9,en;q=0.8", "de" },
	{ "fr, en;q=0.5", "en" },
	{ "fr", "en" },				/* first supported */
	{ "*", "en" },
	{ "de;q=0", "en" },			/* q=0: not acceptable */
	{ "de;q=0.0, fr", "en" },
	{ NULL, "en" },
	{ "", "en" },
	{ ";;;,,q=", "en" },
	{ ",,,,", "en" },
	{ "q=1", "en" },
	{ ";q=1, de;q=0.1", "de" },
	{ "en;q=0.5, de;q=0.6", "de" },
	{ "de, en", "de" },			/* a tie: the first wins */
	{ "en, de", "en" },
	{ "DE", "de" },
	{ "de-AT", "de" },
	{ "De-at;Q=0.9, en;q=0.8", "de" },
	{ "deu", "en" },			/* not a subtag match */
	{ "d", "en" },
	{ "en-GB;q=0.8, de-CH;q=0.9", "de" },
	{ "*;q=0.5, de;q=0.4", "en" },
	{ "fr;q=0.9, *;q=0.1", "en" },
	{ "fr;q=0.9, *;q=0.1, de;q=0.2", "de" },
	{ "de;q=1.5", "en" },			/* invalid q counts as 0 */
	{ "de;q=-1", "en" },
	{ "de;q=abc", "en" },
	{ "de;q=", "en" },
	{ "de ; q=0.7 , en ; q=0.6", "de" },
	{ "de;level=1;q=0.9, en;q=0.5", "de" },
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, de;q=0.1", "de" },
	{ "\xff\xfe, de", "de" },
	{ "de;q=0.5;q=0.9, en;q=0.6", "de" },
};

static void
test_lang_negotiate_table(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(negotiations); i++)
		CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate(negotiations[i].hdr,
		    en_de, 2), negotiations[i].want);
}

static void
test_lang_negotiate_returns_supported_pointer(void)
{
	CU_ASSERT_PTR_EQUAL(mkt_lang_negotiate("de-DE", en_de, 2), en_de[1]);
	CU_ASSERT_PTR_EQUAL(mkt_lang_negotiate("fr", en_de, 2), en_de[0]);
}

static void
test_lang_negotiate_other_order(void)
{
	static const char *const de_en[] = { "de", "en" };

	CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate("fr", de_en, 2), "de");
	CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate("*", de_en, 2), "de");
	CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate("en-US", de_en, 2), "en");
}

static void
test_lang_negotiate_no_supported_languages(void)
{
	CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate("de", NULL, 0), "en");
}

static void
test_lang_negotiate_survives_long_garbage(void)
{
	char	*h = mkt_xmalloc(20001);
	size_t	 i;

	for (i = 0; i < 20000; i++)
		h[i] = ";,= q\t-*"[i % 8];
	h[20000] = '\0';
	CU_ASSERT_STRING_EQUAL(mkt_lang_negotiate(h, en_de, 2), "en");
	free(h);
}

/* ---- catalogs ---- */

static char	 dir[64];
static char	 mo_path[128], big_path[128], scratch[128];

static const struct {
	const char	*id;
	const char	*str;
} messages[] = {
	{ "Services", "Dienste" },
	{ "Sign in", "Anmelden" },
	{ "Price: %s", "Preis: %s" },
	{ "Zebra", "Zebra (de)" },
	{ "\xc3\x84pfel", "\xc3\x84pfel (de)" },
	{ "A", "Ein A" },
	{ "the request path is malformed",
	  "der Anfragepfad ist fehlerhaft" },
};

static int
write_bytes(const char *path, const void *p, size_t n)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (n > 0 && fwrite(p, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
msgfmt(const char *po, const char *mo)
{
	const char	*prog = getenv("MSGFMT");
	char		 cmd[512];

	if (prog == NULL || *prog == '\0')
		prog = "msgfmt";
	snprintf(cmd, sizeof(cmd), "%s -o '%s' '%s'", prog, mo, po);
	return system(cmd) == 0 ? 0 : -1;
}

static int
i18n_init(void)
{
	char	 po[160];
	FILE	*f;
	size_t	 i;

	snprintf(dir, sizeof(dir), "/tmp/mkt-unit-i18n-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(mo_path, sizeof(mo_path), "%s/small.mo", dir);
	snprintf(big_path, sizeof(big_path), "%s/big.mo", dir);
	snprintf(scratch, sizeof(scratch), "%s/scratch.mo", dir);

	snprintf(po, sizeof(po), "%s/small.po", dir);
	if ((f = fopen(po, "w")) == NULL)
		return -1;
	fputs("msgid \"\"\nmsgstr \"\"\n"
	    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	    "\"Language: de\\n\"\n\n", f);
	for (i = 0; i < NELEM(messages); i++)
		fprintf(f, "msgid \"%s\"\nmsgstr \"%s\"\n\n", messages[i].id,
		    messages[i].str);
	fputs("msgid \"Untranslated\"\nmsgstr \"\"\n\n"
	    "#, fuzzy\nmsgid \"Fuzzy\"\nmsgstr \"Unscharf\"\n", f);
	if (fclose(f) != 0 || msgfmt(po, mo_path) != 0)
		return -1;
	unlink(po);

	snprintf(po, sizeof(po), "%s/big.po", dir);
	if ((f = fopen(po, "w")) == NULL)
		return -1;
	fputs("msgid \"\"\nmsgstr \"\"\n"
	    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n", f);
	for (i = 0; i < 300; i++)
		fprintf(f, "msgid \"message %zu\"\nmsgstr \"Nachricht %zu\"\n\n",
		    i, i);
	if (fclose(f) != 0 || msgfmt(po, big_path) != 0)
		return -1;
	unlink(po);
	return 0;
}

static int
i18n_clean(void)
{
	unlink(mo_path);
	unlink(big_path);
	unlink(scratch);
	rmdir(dir);
	return 0;
}

static unsigned char *
read_all(const char *path, size_t *n)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*p;
	long		 sz;

	*n = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = mkt_xmalloc(sz > 0 ? (size_t)sz : 1);
	*n = fread(p, 1, (size_t)(sz > 0 ? sz : 0), f);
	fclose(f);
	return p;
}

/* Loads bytes written to the scratch file; failures log errors, which
 * are expected here, so the log goes to /dev/null meanwhile. */
static struct mkt_catalog *
load_bytes(const void *p, size_t n)
{
	struct mkt_catalog	*c;

	if (write_bytes(scratch, p, n) != 0)
		return NULL;
	mkt_log_open("test-core", "/dev/null", "error");
	c = mkt_catalog_load(scratch);
	mkt_log_close();
	return c;
}

static void
test_catalog_finds_translations(void)
{
	struct mkt_catalog	*c = mkt_catalog_load(mo_path);
	size_t			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (i = 0; i < NELEM(messages); i++)
		CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, messages[i].id),
		    messages[i].str);
	mkt_catalog_free(c);
}

static void
test_catalog_missing_message_returns_msgid(void)
{
	static const char *const ids[] = {
		"Nope", "Serv", "Services ", "services", "Zebras", "",
		"\xc3\x84", "0", "\x7f", "Untranslated", "Fuzzy",
	};
	struct mkt_catalog	*c = mkt_catalog_load(mo_path);
	size_t			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (i = 0; i < NELEM(ids); i++)
		CU_ASSERT_PTR_EQUAL(mkt_catalog_lookup(c, ids[i]), ids[i]);
	mkt_catalog_free(c);
}

static void
test_catalog_empty_msgid_is_not_the_header(void)
{
	struct mkt_catalog	*c = mkt_catalog_load(mo_path);
	const char		*t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	t = mkt_catalog_lookup(c, "");
	CU_ASSERT_STRING_EQUAL(t, "");
	CU_ASSERT_PTR_NULL(strstr(t, "Content-Type"));
	mkt_catalog_free(c);
}

static void
test_catalog_null_catalog_returns_msgid(void)
{
	const char	*id = "Services";

	CU_ASSERT_PTR_EQUAL(mkt_catalog_lookup(NULL, id), id);
	mkt_catalog_free(NULL);
}

static void
test_catalog_many_messages(void)
{
	struct mkt_catalog	*c = mkt_catalog_load(big_path);
	size_t			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (i = 0; i < 300; i++) {
		char id[32], want[32];

		snprintf(id, sizeof(id), "message %zu", i);
		snprintf(want, sizeof(want), "Nachricht %zu", i);
		CU_ASSERT_STRING_EQUAL_FATAL(mkt_catalog_lookup(c, id), want);
	}
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "message 300"),
	    "message 300");
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "message"), "message");
	mkt_catalog_free(c);
}

static void
test_catalog_missing_file_is_null(void)
{
	CU_ASSERT_PTR_NULL(mkt_catalog_load("/nonexistent/xx.mo"));
}

static void
test_catalog_rejects_garbage(void)
{
	unsigned char	 junk[200];
	size_t		 i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	CU_ASSERT_PTR_NULL(load_bytes(junk, sizeof(junk)));
	CU_ASSERT_PTR_NULL(load_bytes("", 0));
	CU_ASSERT_PTR_NULL(load_bytes("\xde\x12\x04\x95", 4));
	CU_ASSERT_PTR_NULL(load_bytes("msgid \"x\"\nmsgstr \"y\"\n", 21));
}

static void
test_catalog_rejects_every_truncation(void)
{
	size_t		 n, len, accepted = 0;
	unsigned char	*mo = read_all(mo_path, &n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(mo);
	CU_ASSERT_FATAL(n > 28);
	for (len = 0; len < n; len++) {
		struct mkt_catalog *c = load_bytes(mo, len);

		if (c != NULL) {
			/* Whatever loads must answer lookups safely. */
			(void)mkt_catalog_lookup(c, "Services");
			accepted++;
		}
		mkt_catalog_free(c);
	}
	CU_ASSERT_EQUAL(accepted, 0);
	free(mo);
}

/* ---- hand-made .mo files ---- */

static void
put32(unsigned char *p, uint32_t v, bool be)
{
	if (be) {
		p[0] = (unsigned char)(v >> 24);
		p[1] = (unsigned char)(v >> 16);
		p[2] = (unsigned char)(v >> 8);
		p[3] = (unsigned char)v;
	} else {
		p[0] = (unsigned char)v;
		p[1] = (unsigned char)(v >> 8);
		p[2] = (unsigned char)(v >> 16);
		p[3] = (unsigned char)(v >> 24);
	}
}

/*
 * Builds a .mo image of n sorted pairs in buf (at least 1024 bytes);
 * returns its size.  The layout is msgfmt's without a hash table.
 */
static size_t
build_mo(unsigned char *buf, bool be, const char *const *ids,
    const char *const *strs, uint32_t n)
{
	uint32_t	 orig = 28, trans = 28 + 8 * n, off = 28 + 16 * n, i;

	memset(buf, 0, 1024);
	put32(buf, 0x950412de, be);
	put32(buf + 4, 0, be);
	put32(buf + 8, n, be);
	put32(buf + 12, orig, be);
	put32(buf + 16, trans, be);
	for (i = 0; i < n; i++) {
		size_t	 l = strlen(ids[i]);

		put32(buf + orig + 8 * i, (uint32_t)l, be);
		put32(buf + orig + 8 * i + 4, off, be);
		memcpy(buf + off, ids[i], l + 1);
		off += (uint32_t)l + 1;
	}
	for (i = 0; i < n; i++) {
		size_t	 l = strlen(strs[i]);

		put32(buf + trans + 8 * i, (uint32_t)l, be);
		put32(buf + trans + 8 * i + 4, off, be);
		memcpy(buf + off, strs[i], l + 1);
		off += (uint32_t)l + 1;
	}
	return off;
}

static const char *const hm_ids[] = { "", "apple", "pear" };
static const char *const hm_strs[] = { "Content-Type: x\n", "Apfel", "Birne" };

static void
test_catalog_hand_made_little_endian(void)
{
	unsigned char		 buf[1024];
	size_t			 n = build_mo(buf, false, hm_ids, hm_strs, 3);
	struct mkt_catalog	*c = load_bytes(buf, n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "apple"), "Apfel");
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "pear"), "Birne");
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "plum"), "plum");
	mkt_catalog_free(c);
}

static void
test_catalog_hand_made_big_endian(void)
{
	unsigned char		 buf[1024];
	size_t			 n = build_mo(buf, true, hm_ids, hm_strs, 3);
	struct mkt_catalog	*c = load_bytes(buf, n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "apple"), "Apfel");
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "pear"), "Birne");
	mkt_catalog_free(c);
}

static void
test_catalog_empty_translation_falls_back(void)
{
	static const char *const ids[] = { "apple", "pear" };
	static const char *const strs[] = { "", "Birne" };
	unsigned char		 buf[1024];
	size_t			 n = build_mo(buf, false, ids, strs, 2);
	struct mkt_catalog	*c = load_bytes(buf, n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "apple"), "apple");
	CU_ASSERT_STRING_EQUAL(mkt_catalog_lookup(c, "pear"), "Birne");
	mkt_catalog_free(c);
}

static void
test_catalog_rejects_string_outside_file(void)
{
	unsigned char	 buf[1024];
	size_t		 n = build_mo(buf, false, hm_ids, hm_strs, 3);

	put32(buf + 28 + 8 + 4, 100000, false);		/* "apple" offset */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
	n = build_mo(buf, false, hm_ids, hm_strs, 3);
	put32(buf + 28 + 24 + 8, 0xffffffff, false);	/* a length */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
	n = build_mo(buf, false, hm_ids, hm_strs, 3);
	put32(buf + 28 + 24 + 8, 0xffffffff, false);
	put32(buf + 28 + 24 + 12, 0xffffffff, false);	/* and its offset */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
}

static void
test_catalog_rejects_tables_outside_file(void)
{
	unsigned char	 buf[1024];
	size_t		 n = build_mo(buf, false, hm_ids, hm_strs, 3);

	put32(buf + 8, 0x10000000, false);		/* count */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
	put32(buf + 8, 0xffffffff, false);
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
	n = build_mo(buf, false, hm_ids, hm_strs, 3);
	put32(buf + 12, 0xfffffff0, false);		/* original table */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
	n = build_mo(buf, false, hm_ids, hm_strs, 3);
	put32(buf + 16, (uint32_t)n - 4, false);	/* translation table */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
}

static void
test_catalog_rejects_unterminated_string(void)
{
	unsigned char	 buf[1024];
	size_t		 n = build_mo(buf, false, hm_ids, hm_strs, 3);

	/* The last string, "Birne", loses its NUL: the file ends there. */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n - 1));
	/* A length one short of the string leaves no NUL after it. */
	n = build_mo(buf, false, hm_ids, hm_strs, 3);
	put32(buf + 28 + 8, 4, false);			/* "apple" is 5 */
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
}

static void
test_catalog_rejects_bad_magic(void)
{
	unsigned char	 buf[1024];
	size_t		 n = build_mo(buf, false, hm_ids, hm_strs, 3);

	buf[0] ^= 1;
	CU_ASSERT_PTR_NULL(load_bytes(buf, n));
}

void
add_i18n_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("i18n-negotiate", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_lang_negotiate_table);
	CU_ADD_TEST(s, test_lang_negotiate_returns_supported_pointer);
	CU_ADD_TEST(s, test_lang_negotiate_other_order);
	CU_ADD_TEST(s, test_lang_negotiate_no_supported_languages);
	CU_ADD_TEST(s, test_lang_negotiate_survives_long_garbage);

	if ((s = CU_add_suite("i18n-catalog", i18n_init, i18n_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_catalog_finds_translations);
	CU_ADD_TEST(s, test_catalog_missing_message_returns_msgid);
	CU_ADD_TEST(s, test_catalog_empty_msgid_is_not_the_header);
	CU_ADD_TEST(s, test_catalog_null_catalog_returns_msgid);
	CU_ADD_TEST(s, test_catalog_many_messages);
	CU_ADD_TEST(s, test_catalog_missing_file_is_null);
	CU_ADD_TEST(s, test_catalog_rejects_garbage);
	CU_ADD_TEST(s, test_catalog_rejects_every_truncation);
	CU_ADD_TEST(s, test_catalog_hand_made_little_endian);
	CU_ADD_TEST(s, test_catalog_hand_made_big_endian);
	CU_ADD_TEST(s, test_catalog_empty_translation_falls_back);
	CU_ADD_TEST(s, test_catalog_rejects_string_outside_file);
	CU_ADD_TEST(s, test_catalog_rejects_tables_outside_file);
	CU_ADD_TEST(s, test_catalog_rejects_unterminated_string);
	CU_ADD_TEST(s, test_catalog_rejects_bad_magic);
}
