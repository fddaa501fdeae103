/* t-text.c: UTF-8 checks, escaping, decoding and identifiers (text.c) */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* A byte string with its length, so that NUL bytes can be tested. */
#define B(s)		{ s, sizeof(s) - 1 }

struct bytes {
	const char	*s;
	size_t		 n;
};

/* ---- mkt_utf8_valid ---- */

static const struct bytes utf8_valid[] = {
	B(""), B("hello"), B("tab\tnewline\n"), B("\x7f"),
	B("caf\xc3\xa9"),		/* é */
	B("\xc2\x80"),			/* U+0080, smallest 2-byte */
	B("\xdf\xbf"),			/* U+07FF */
	B("\xe0\xa0\x80"),		/* U+0800, smallest 3-byte */
	B("\xe2\x82\xac"),		/* € */
	B("\xed\x9f\xbf"),		/* U+D7FF, just below surrogates */
	B("\xee\x80\x80"),		/* U+E000, just above them */
	B("\xef\xbf\xbd"),		/* U+FFFD */
	B("\xef\xbf\xbf"),		/* U+FFFF (valid UTF-8) */
	B("\xf0\x90\x80\x80"),		/* U+10000, smallest 4-byte */
	B("\xf0\x9f\x98\x80"),		/* 😀 */
	B("\xf4\x8f\xbf\xbf"),		/* U+10FFFF, the last code point */
	B("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),	/* 日本語 */
	B("mixed \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 end"),
};

static const struct bytes utf8_invalid[] = {
	B("\xc0\xaf"),			/* overlong '/' */
	B("\xc0\x80"),			/* overlong NUL */
	B("\xc1\xbf"),			/* overlong */
	B("\xe0\x80\xaf"),		/* overlong 3-byte '/' */
	B("\xe0\x9f\xbf"),		/* overlong U+07FF */
	B("\xf0\x80\x80\xaf"),		/* overlong 4-byte '/' */
	B("\xf0\x8f\xbf\xbf"),		/* overlong U+FFFF */
	B("\xed\xa0\x80"),		/* U+D800, a surrogate */
	B("\xed\xbf\xbf"),		/* U+DFFF */
	B("\xed\xa0\xbd\xed\xb8\x80"),	/* CESU-8 surrogate pair */
	B("\xf4\x90\x80\x80"),		/* U+110000 */
	B("\xf5\x80\x80\x80"),		/* lead byte past U+10FFFF */
	B("\xf8\x88\x80\x80\x80"),	/* 5-byte form */
	B("\xfc\x84\x80\x80\x80\x80"),	/* 6-byte form */
	B("\xfe"), B("\xff"),
	B("\x80"),			/* lone continuation byte */
	B("\xbf"),
	B("a\x80z"),
	B("\xc3"),			/* truncated 2-byte */
	B("\xe2\x82"),			/* truncated 3-byte */
	B("\xf0\x9f\x98"),		/* truncated 4-byte */
	B("ok\xc3"),			/* truncated at the end */
	B("\xc3\x28"),			/* bad continuation */
	B("\xe2\x28\xa1"),
	B("\xe2\x82\x28"),
	B("\xf0\x28\x8c\xbc"),
	B("\xf0\x9f\x98\x28"),
	B("\0"),			/* NUL */
	B("a\0b"),
	B("abc\0"),
};

static void
test_utf8_valid_accepts_well_formed(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(utf8_valid); i++)
		CU_ASSERT_TRUE(mkt_utf8_valid(utf8_valid[i].s,
		    utf8_valid[i].n));
}

static void
test_utf8_valid_rejects_malformed(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(utf8_invalid); i++)
		CU_ASSERT_FALSE(mkt_utf8_valid(utf8_invalid[i].s,
		    utf8_invalid[i].n));
}

static void
test_utf8_valid_rejects_sequence_cut_by_length(void)
{
	/* The bytes are fine; the length given cuts the sequence. */
	CU_ASSERT_FALSE(mkt_utf8_valid("\xc3\xa9", 1));
	CU_ASSERT_FALSE(mkt_utf8_valid("\xe2\x82\xac", 2));
	CU_ASSERT_FALSE(mkt_utf8_valid("\xf0\x9f\x98\x80", 3));
	CU_ASSERT_TRUE(mkt_utf8_valid("ab\xc3\xa9", 2));
}

/* ---- mkt_text_clean ---- */

static const struct bytes clean_valid[] = {
	B(""), B("plain text"), B("tab\there"), B("line\nbreak\r\n"),
	B("caf\xc3\xa9 \xe2\x82\xac"),
	B("\xc2\x85"),			/* C1 NEL: only C0 is refused */
};

static const struct bytes clean_invalid[] = {
	B("\x01"), B("a\x1f" "b"), B("bell\a"), B("\x1b[31mred"),
	B("back\bspace"), B("form\ffeed"), B("vertical\vtab"),
	B("\x7f"),			/* DEL */
	B("\0"), B("nul\0inside"),
	B("\xc0\xaf"),			/* invalid UTF-8 */
	B("ok\xff"),
};

static void
test_text_clean_accepts_text(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(clean_valid); i++)
		CU_ASSERT_TRUE(mkt_text_clean(clean_valid[i].s,
		    clean_valid[i].n));
}

static void
test_text_clean_rejects_controls_and_bad_utf8(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(clean_invalid); i++)
		CU_ASSERT_FALSE(mkt_text_clean(clean_invalid[i].s,
		    clean_invalid[i].n));
}

/* ---- mkt_url_decode ---- */

static const struct {
	const char	*in;
	bool		 plus;
	const char	*out;
} url_ok[] = {
	{ "abc", false, "abc" },
	{ "", false, "" },
	{ "a%20b", false, "a b" },
	{ "%41%62%63", false, "Abc" },
	{ "%2f", false, "/" },
	{ "%2F", false, "/" },
	{ "%2e%2E", false, ".." },
	{ "%C3%A9", false, "\xc3\xa9" },
	{ "%c3%a9", false, "\xc3\xa9" },
	{ "a+b", true, "a b" },
	{ "a+b", false, "a+b" },
	{ "++", true, "  " },
	{ "%2B", true, "+" },
	{ "%2b+%2b", true, "+ +" },
	{ "100%25", false, "100%" },
	{ "%7e~", false, "~~" },
};

static const struct {
	const char	*in;
	bool		 plus;
} url_bad[] = {
	{ "%", false },
	{ "100%", false },
	{ "%2", false },
	{ "a%2", true },
	{ "%zz", false },
	{ "%g0", false },
	{ "%0g", false },
	{ "%%41", false },
	{ "% 41", false },
	{ "%-1", false },
	{ "%+1", true },
	{ "ok%4", false },
	{ "%41%", false },
};

static void
test_url_decode_decodes_escapes(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(url_ok); i++) {
		char	*s = mkt_xstrdup(url_ok[i].in);
		size_t	 len = strlen(s);

		CU_ASSERT_EQUAL(mkt_url_decode(s, &len, url_ok[i].plus),
		    MKT_OK);
		CU_ASSERT_EQUAL(len, strlen(url_ok[i].out));
		CU_ASSERT_STRING_EQUAL(s, url_ok[i].out);
		free(s);
	}
}

static void
test_url_decode_rejects_malformed_escape(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(url_bad); i++) {
		char	*s = mkt_xstrdup(url_bad[i].in);
		size_t	 len = strlen(s);

		CU_ASSERT_EQUAL(mkt_url_decode(s, &len, url_bad[i].plus),
		    MKT_EINVAL);
		free(s);
	}
}

static void
test_url_decode_rejects_truncated_escape(void)
{
	char	 s[] = "%41";
	size_t	 len = 2;	/* "%4": the '1' lies past the length */

	CU_ASSERT_EQUAL(mkt_url_decode(s, &len, false), MKT_EINVAL);
}

static void
test_url_decode_keeps_nul_in_length(void)
{
	char	 s[] = "a%00b";
	size_t	 len = strlen(s);

	CU_ASSERT_EQUAL(mkt_url_decode(s, &len, false), MKT_OK);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(memcmp(s, "a\0b", 4), 0);
	/* Callers detect the NUL with mkt_text_clean or strlen. */
	CU_ASSERT_FALSE(mkt_text_clean(s, len));
}

static void
test_url_decode_stops_at_length(void)
{
	char	 s[] = "a+b%41tail";
	size_t	 len = 6;

	CU_ASSERT_EQUAL(mkt_url_decode(s, &len, true), MKT_OK);
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_STRING_EQUAL(s, "a bA");
}

/* ---- escaping ---- */

static const struct {
	struct bytes	 in;
	const char	*out;
} json_esc[] = {
	{ B("plain"), "plain" },
	{ B(""), "" },
	{ B("say \"hi\""), "say \\\"hi\\\"" },
	{ B("back\\slash"), "back\\\\slash" },
	{ B("\n\r\t"), "\\n\\r\\t" },
	{ B("\x01"), "\\u0001" },
	{ B("\x1f"), "\\u001f" },
	{ B("\b\f"), "\\u0008\\u000c" },
	{ B("\x7f"), "\\u007f" },
	{ B("a\0b"), "a\\u0000b" },
	{ B("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ B("</script>"), "</script>" },
};

static void
test_esc_json_escapes(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(json_esc); i++) {
		struct mkt_buf	 b;

		mkt_buf_init(&b);
		mkt_buf_puts(&b, "");
		mkt_esc_json(&b, json_esc[i].in.s, json_esc[i].in.n);
		CU_ASSERT_STRING_EQUAL(b.ptr, json_esc[i].out);
		mkt_buf_free(&b);
	}
}

static void
test_esc_log_replaces_invalid_utf8(void)
{
	static const struct {
		struct bytes	 in;
		const char	*out;
	} t[] = {
		{ B("ok"), "ok" },
		{ B("caf\xc3\xa9\n"), "caf\xc3\xa9\\n" },
		{ B("a\xff" "b"), "a?b" },
		{ B("\xc0\xaf"), "??" },
		{ B("q\"\xc3"), "q\\\"?" },
		{ B("x\0y\x80"), "x?y?" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		struct mkt_buf	 b;

		mkt_buf_init(&b);
		mkt_buf_puts(&b, "");
		mkt_esc_log(&b, t[i].in.s, t[i].in.n);
		CU_ASSERT_STRING_EQUAL(b.ptr, t[i].out);
		CU_ASSERT_TRUE(mkt_utf8_valid(b.ptr, b.len));
		mkt_buf_free(&b);
	}
}

static void
test_esc_url_encodes_reserved(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "AZaz09-._~", "AZaz09-._~" },
		{ "a b", "a%20b" },
		{ "a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f" },
		{ "100%", "100%25" },
		{ "+", "%2B" },
		{ "\xc3\xa9", "%C3%A9" },
		{ "\r\n", "%0D%0A" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		struct mkt_buf	 b;

		mkt_buf_init(&b);
		mkt_buf_puts(&b, "");
		mkt_esc_url(&b, t[i].in);
		CU_ASSERT_STRING_EQUAL(b.ptr, t[i].out);
		mkt_buf_free(&b);
	}
}

static void
test_esc_url_round_trips_through_decode(void)
{
	const char	*in = "name=Claude 3.5 & \xc3\xa9/+";
	struct mkt_buf	 b;
	size_t		 len;

	mkt_buf_init(&b);
	mkt_esc_url(&b, in);
	len = b.len;
	CU_ASSERT_EQUAL(mkt_url_decode(b.ptr, &len, true), MKT_OK);
	CU_ASSERT_STRING_EQUAL(b.ptr, in);
	mkt_buf_free(&b);
}

/* ---- identifiers and header values ---- */

static void
test_header_value_ok(void)
{
	static const char *const ok[] = {
		"", "text/html", "a b", "x=1; y=\"2\"", "~!@#$%^&*()",
	};
	static const char *const bad[] = {
		"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "tab\t", "\x7f",
		"caf\xc3\xa9", "\x01",
	};
	size_t	 i;

	for (i = 0; i < NELEM(ok); i++)
		CU_ASSERT_TRUE(mkt_header_value_ok(ok[i]));
	for (i = 0; i < NELEM(bad); i++)
		CU_ASSERT_FALSE(mkt_header_value_ok(bad[i]));
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_request_id_ok_accepts(void)
{
	static const char *const ok[] = {
		"a", "abc123", "A-Z_a.z-09", "9f86d081884c7d65", ID64,
		"req.2024-01-01_0001",
	};
	size_t	 i;

	CU_ASSERT_EQUAL(strlen(ID64), 64);
	for (i = 0; i < NELEM(ok); i++)
		CU_ASSERT_TRUE(mkt_request_id_ok(ok[i]));
}

static void
test_request_id_ok_rejects(void)
{
	static const char *const bad[] = {
		"", ID64 "0",		/* 65 characters */
		"abc\r\nX-Injected: 1", "abc\n", "a b", "a/b", "a;b",
		"a\tb", "a:b", "<script>", "caf\xc3\xa9", "\xff", "id%20",
		"\"quoted\"",
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		CU_ASSERT_FALSE(mkt_request_id_ok(bad[i]));
}

static void
test_slug_ok_accepts(void)
{
	static const char *const ok[] = {
		"a", "0", "gpt-4o", "claude-3.5-sonnet", "a.b_c-d", "9lives",
		"x-", "a..b",
	};
	size_t	 i;

	for (i = 0; i < NELEM(ok); i++)
		CU_ASSERT_TRUE(mkt_slug_ok(ok[i], 64));
	CU_ASSERT_TRUE(mkt_slug_ok("abcd", 4));		/* exactly max */
}

static void
test_slug_ok_rejects(void)
{
	static const char *const bad[] = {
		"", "-abc", ".abc", "_abc", "Abc", "abC", "a b", "a/b",
		"a%2fb", "caf\xc3\xa9", "a\nb", "..", "a+b", "a:b",
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		CU_ASSERT_FALSE(mkt_slug_ok(bad[i], 64));
}

static void
test_slug_ok_rejects_too_long(void)
{
	CU_ASSERT_FALSE(mkt_slug_ok("abcde", 4));
	CU_ASSERT_FALSE(mkt_slug_ok("ab", 1));
	CU_ASSERT_FALSE(mkt_slug_ok("a", 0));
}

static void
test_uuid_ok_accepts(void)
{
	static const char *const ok[] = {
		"123e4567-e89b-12d3-a456-426614174000",
		"123E4567-E89B-12D3-A456-426614174000",
		"00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff",
	};
	size_t	 i;

	for (i = 0; i < NELEM(ok); i++)
		CU_ASSERT_TRUE(mkt_uuid_ok(ok[i]));
}

static void
test_uuid_ok_rejects(void)
{
	static const char *const bad[] = {
		"",
		"123e4567",
		"123e4567e89b12d3a456426614174000",		/* no dashes */
		"123e4567-e89b-12d3-a456-42661417400",		/* short */
		"123e4567-e89b-12d3-a456-4266141740000",	/* long */
		"123e4567-e89b-12d3-a456-426614174000\n",
		"g23e4567-e89b-12d3-a456-426614174000",		/* not hex */
		"123e4567-e89b-12d3-a456_426614174000",
		"123e45678-e89b-12d3-a45-6426614174000",	/* misplaced */
		"{23e4567-e89b-12d3-a456-42661417400}",
		" 23e4567-e89b-12d3-a456-426614174000",
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		CU_ASSERT_FALSE(mkt_uuid_ok(bad[i]));
}

/* ---- mkt_slugify ---- */

static const struct {
	const char	*in;
	const char	*out;
} slugs[] = {
	{ "gpt-4o", "gpt-4o" },
	{ "Claude 3.5 Sonnet", "claude-3.5-sonnet" },
	{ "a//b", "a-b" },
	{ "", "x" },
	{ "---", "x" },
	{ "\xe2\x82\xac", "x" },
	{ "GPT-4o (2024-08-06)", "gpt-4o-2024-08-06" },
	{ "  leading and trailing  ", "leading-and-trailing" },
	{ "Mistral-7B-Instruct-v0.2", "mistral-7b-instruct-v0.2" },
	{ "Llama 3.1 405B", "llama-3.1-405b" },
	{ "v1.2.3", "v1.2.3" },
	{ "1..2", "1-2" },
	{ "3.5.", "3.5" },
	{ ".5", "5" },
	{ "a.b", "a-b" },
	{ "\xc3\x9cn\xc3\xaf" "code", "n-code" },
	{ "UPPER_case", "upper-case" },
};

static void
test_slugify_examples(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(slugs); i++) {
		struct mkt_buf	 b;

		mkt_buf_init(&b);
		mkt_slugify(&b, slugs[i].in);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b.ptr);
		CU_ASSERT_STRING_EQUAL(b.ptr, slugs[i].out);
		CU_ASSERT_TRUE(mkt_slug_ok(b.ptr, 128));
		mkt_buf_free(&b);
	}
}

static void
test_slugify_appends_to_buffer(void)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	mkt_buf_puts(&b, "svc/");
	mkt_slugify(&b, "Hello World");
	CU_ASSERT_STRING_EQUAL(b.ptr, "svc/hello-world");
	mkt_buf_reset(&b);
	mkt_buf_puts(&b, "7");
	mkt_slugify(&b, ".5 !");	/* the prefix is not part of the slug */
	CU_ASSERT_STRING_EQUAL(b.ptr, "75");
	mkt_buf_reset(&b);
	mkt_buf_puts(&b, "p-");
	mkt_slugify(&b, "!!!");
	CU_ASSERT_STRING_EQUAL(b.ptr, "p-x");
	mkt_buf_free(&b);
}

static void
test_skip_ws(void)
{
	CU_ASSERT_STRING_EQUAL(mkt_skip_ws(" \t x "), "x ");
	CU_ASSERT_STRING_EQUAL(mkt_skip_ws("x"), "x");
	CU_ASSERT_STRING_EQUAL(mkt_skip_ws(""), "");
	CU_ASSERT_STRING_EQUAL(mkt_skip_ws("\n"), "\n");
}

/* ---- hex and digests (crypto.c) ---- */

static void
test_hex_encodes_lower_case(void)
{
	static const unsigned char	 in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char				 out[9];

	mkt_hex(out, in, sizeof(in));
	CU_ASSERT_STRING_EQUAL(out, "000fa5ff");
	mkt_hex(out, in, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void
test_sha256_hex_known_vectors(void)
{
	char	 out[65];

	mkt_sha256_hex(out, "abc", 3);
	CU_ASSERT_STRING_EQUAL(out, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	mkt_sha256_hex(out, "", 0);
	CU_ASSERT_STRING_EQUAL(out, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

static void
test_random_hex_is_a_request_id(void)
{
	char	 a[33], b[33];

	mkt_random_hex(a, 16);
	mkt_random_hex(b, 16);
	CU_ASSERT_EQUAL(strlen(a), 32);
	CU_ASSERT_EQUAL(strspn(a, "0123456789abcdef"), 32);
	CU_ASSERT_TRUE(mkt_request_id_ok(a));
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

static void
test_const_eq(void)
{
	CU_ASSERT_TRUE(mkt_const_eq("abcdef", "abcdef", 6));
	CU_ASSERT_FALSE(mkt_const_eq("abcdef", "abcdeF", 6));
	CU_ASSERT_FALSE(mkt_const_eq("xbcdef", "abcdef", 6));
	CU_ASSERT_TRUE(mkt_const_eq("a", "b", 0));
}

/* The published FNV-1a 64-bit vectors, and the continuation that the
 * in-memory tables use for two strings. */
static void
test_fnv1a_known_values(void)
{
	CU_ASSERT_EQUAL(mkt_fnv1a(MKT_FNV1A_BASIS, ""), MKT_FNV1A_BASIS);
	CU_ASSERT_EQUAL(mkt_fnv1a(MKT_FNV1A_BASIS, "a"),
	    0xaf63dc4c8601ec8cULL);
	CU_ASSERT_EQUAL(mkt_fnv1a(MKT_FNV1A_BASIS, "foobar"),
	    0x85944171f73967e8ULL);
	CU_ASSERT_EQUAL(mkt_fnv1a(mkt_fnv1a(MKT_FNV1A_BASIS, "foo"), "bar"),
	    mkt_fnv1a(MKT_FNV1A_BASIS, "foobar"));
}

static void
test_monotonic_ms_moves_forward(void)
{
	long long	 a = mkt_monotonic_ms(), b;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	b = mkt_monotonic_ms();
	CU_ASSERT(a > 0);
	CU_ASSERT(b - a >= 20 && b - a < 5000);
}

void
add_text_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("text", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_fnv1a_known_values);
	CU_ADD_TEST(s, test_monotonic_ms_moves_forward);
	CU_ADD_TEST(s, test_utf8_valid_accepts_well_formed);
	CU_ADD_TEST(s, test_utf8_valid_rejects_malformed);
	CU_ADD_TEST(s, test_utf8_valid_rejects_sequence_cut_by_length);
	CU_ADD_TEST(s, test_text_clean_accepts_text);
	CU_ADD_TEST(s, test_text_clean_rejects_controls_and_bad_utf8);
	CU_ADD_TEST(s, test_url_decode_decodes_escapes);
	CU_ADD_TEST(s, test_url_decode_rejects_malformed_escape);
	CU_ADD_TEST(s, test_url_decode_rejects_truncated_escape);
	CU_ADD_TEST(s, test_url_decode_keeps_nul_in_length);
	CU_ADD_TEST(s, test_url_decode_stops_at_length);
	CU_ADD_TEST(s, test_esc_json_escapes);
	CU_ADD_TEST(s, test_esc_log_replaces_invalid_utf8);
	CU_ADD_TEST(s, test_esc_url_encodes_reserved);
	CU_ADD_TEST(s, test_esc_url_round_trips_through_decode);
	CU_ADD_TEST(s, test_header_value_ok);
	CU_ADD_TEST(s, test_request_id_ok_accepts);
	CU_ADD_TEST(s, test_request_id_ok_rejects);
	CU_ADD_TEST(s, test_slug_ok_accepts);
	CU_ADD_TEST(s, test_slug_ok_rejects);
	CU_ADD_TEST(s, test_slug_ok_rejects_too_long);
	CU_ADD_TEST(s, test_uuid_ok_accepts);
	CU_ADD_TEST(s, test_uuid_ok_rejects);
	CU_ADD_TEST(s, test_slugify_examples);
	CU_ADD_TEST(s, test_slugify_appends_to_buffer);
	CU_ADD_TEST(s, test_skip_ws);
	CU_ADD_TEST(s, test_hex_encodes_lower_case);
	CU_ADD_TEST(s, test_sha256_hex_known_vectors);
	CU_ADD_TEST(s, test_random_hex_is_a_request_id);
	CU_ADD_TEST(s, test_const_eq);
}
