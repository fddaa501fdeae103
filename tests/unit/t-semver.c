/* t-semver.c: SemVer 2.0.0 versions, precedence and ranges (semver.c) */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct mkt_arena	*arena;

static int
semver_init(void)
{
	arena = mkt_arena_new(4096);
	return 0;
}

static int
semver_clean(void)
{
	mkt_arena_free(arena);
	return 0;
}

/* Parses s, which the test expects to be valid. */
static struct mkt_semver
sv(const char *s)
{
	struct mkt_semver	 v;

	memset(&v, 0, sizeof(v));
	if (mkt_semver_parse(arena, s, &v) != MKT_OK)
		CU_FAIL_FATAL("a version the test relies on did not parse");
	return v;
}

static void
test_parse_valid(void)
{
	static const struct {
		const char	*s;
		uint64_t	 major, minor, patch;
		const char	*pre, *build;
	} t[] = {
		{ "0.0.0", 0, 0, 0, NULL, NULL },
		{ "1.2.3", 1, 2, 3, NULL, NULL },
		{ "10.20.30", 10, 20, 30, NULL, NULL },
		{ "1.0.0-alpha", 1, 0, 0, "alpha", NULL },
		{ "1.0.0-alpha.1", 1, 0, 0, "alpha.1", NULL },
		{ "1.0.0-0.3.7", 1, 0, 0, "0.3.7", NULL },
		{ "1.0.0-x.7.z.92", 1, 0, 0, "x.7.z.92", NULL },
		{ "1.0.0-x-y-z.--", 1, 0, 0, "x-y-z.--", NULL },
		{ "1.2.3-0a", 1, 2, 3, "0a", NULL },
		{ "1.2.3-0", 1, 2, 3, "0", NULL },
		{ "1.2.3--1", 1, 2, 3, "-1", NULL },
		{ "1.0.0-alpha+001", 1, 0, 0, "alpha", "001" },
		{ "1.0.0+20130313144700", 1, 0, 0, NULL, "20130313144700" },
		{ "1.0.0-beta+exp.sha.5114f85", 1, 0, 0, "beta",
		    "exp.sha.5114f85" },
		{ "1.0.0+21AF26D3----117B344092BD", 1, 0, 0, NULL,
		    "21AF26D3----117B344092BD" },
		{ "18446744073709551615.0.0", UINT64_MAX, 0, 0, NULL, NULL },
		{ "0.18446744073709551615.1", 0, UINT64_MAX, 1, NULL, NULL },
		{ "1.1.2-18446744073709551615", 1, 1, 2,
		    "18446744073709551615", NULL },
	};
	struct mkt_semver	 v;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(&v, 0xff, sizeof(v));
		CU_ASSERT_EQUAL_FATAL(mkt_semver_parse(arena, t[i].s, &v),
		    MKT_OK);
		CU_ASSERT_EQUAL(v.major, t[i].major);
		CU_ASSERT_EQUAL(v.minor, t[i].minor);
		CU_ASSERT_EQUAL(v.patch, t[i].patch);
		if (t[i].pre == NULL) {
			CU_ASSERT_PTR_NULL(v.pre);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(v.pre);
			CU_ASSERT_STRING_EQUAL(v.pre, t[i].pre);
		}
		if (t[i].build == NULL) {
			CU_ASSERT_PTR_NULL(v.build);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(v.build);
			CU_ASSERT_STRING_EQUAL(v.build, t[i].build);
		}
	}
}

/* The copies live in the arena, not in the text parsed. */
static void
test_parse_copies_into_arena(void)
{
	char			 s[] = "2.0.0-rc.1+b.7";
	struct mkt_semver	 v;

	CU_ASSERT_EQUAL_FATAL(mkt_semver_parse(arena, s, &v), MKT_OK);
	memset(s, 'x', sizeof(s) - 1);
	CU_ASSERT_STRING_EQUAL(v.pre, "rc.1");
	CU_ASSERT_STRING_EQUAL(v.build, "b.7");
}

static void
test_parse_invalid(void)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "v1.2.3", "V1.2.3", "=1.2.3",
		"01.2.3", "1.02.3", "1.2.03", "00.0.0", "1.2.3-01",
		"1.2.3-alpha.01", "1.2.3-00", "1.2.3-", "1.2.3+", "1.2.3-+",
		"1.2.3-a..b", "1.2.3-a.", "1.2.3-.a", "1.2.3+a..b", "1.2.3+.",
		" 1.2.3", "1.2.3 ", "1.2.3\n", "1.2.3-a_b", "1.2.3+ab$",
		"1.2.3-ä", "-1.2.3", "1.-2.3", "1.2.-3", "+1.2.3", "1.2.3++a",
		"1.2.3+a+b", "1..3", ".1.2.3", "1.2.3.", "a.b.c",
		"1.2.3-alpha beta", "1.2.3\x01",
		"18446744073709551616.0.0",	/* UINT64_MAX + 1 */
		"0.99999999999999999999.0",
		"1.0.0-18446744073709551616",	/* numeric pre-release */
	};
	struct mkt_semver	 v;
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		if (mkt_semver_parse(arena, bad[i], &v) != MKT_EINVAL)
			fprintf(stderr, "\naccepted: \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(mkt_semver_parse(arena, bad[i], &v),
		    MKT_EINVAL);
	}
	CU_ASSERT_EQUAL(mkt_semver_parse(arena, NULL, &v), MKT_EINVAL);
}

/* semver.org item 11: each one precedes the next. */
static void
test_precedence_chain(void)
{
	static const char *const chain[] = {
		"0.0.0-0", "0.0.0", "0.0.1", "0.1.0", "0.9.0", "0.10.0",
		"1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10",
		"1.0.0-18446744073709551615", "1.0.0-0a", "1.0.0-A",
		"1.0.0-Z", "1.0.0-alpha", "1.0.0-alpha.1",
		"1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0",
		"1.9.0", "1.10.0", "2.0.0", "2.1.0", "2.1.1",
		"18446744073709551615.0.0",
	};
	struct mkt_semver	 v[NELEM(chain)];
	size_t			 i, j;

	for (i = 0; i < NELEM(chain); i++)
		v[i] = sv(chain[i]);
	for (i = 0; i < NELEM(chain); i++)
		for (j = 0; j < NELEM(chain); j++) {
			int c = mkt_semver_cmp(&v[i], &v[j]);

			/* CU_ASSERT is a bare block: braces for else. */
			if (i < j) {
				CU_ASSERT(c < 0);
			} else if (i > j) {
				CU_ASSERT(c > 0);
			} else {
				CU_ASSERT_EQUAL(c, 0);
			}
		}
}

static void
test_precedence_ignores_build(void)
{
	struct mkt_semver	 a, b;

	a = sv("1.0.0+a");
	b = sv("1.0.0+b.2");
	CU_ASSERT_EQUAL(mkt_semver_cmp(&a, &b), 0);
	a = sv("1.0.0-alpha+x");
	b = sv("1.0.0-alpha");
	CU_ASSERT_EQUAL(mkt_semver_cmp(&a, &b), 0);
	a = sv("1.0.0-alpha+zzz");
	b = sv("1.0.0-beta+aaa");
	CU_ASSERT(mkt_semver_cmp(&a, &b) < 0);
	CU_ASSERT(mkt_semver_cmp(&b, &a) > 0);
}

static void
test_breaking_allowed(void)
{
	static const struct {
		const char	*old, *newer;
		bool		 ok;
	} t[] = {
		{ "1.2.3", "2.0.0", true },
		{ "1.2.3", "2.0.0-rc.1", true },
		{ "1.9.9", "10.0.0", true },
		{ "0.1.0", "0.2.0", true },
		{ "0.1.7", "0.2.0-beta", true },
		{ "0.9.0", "1.0.0", true },
		{ "1.2.3", "1.3.0", false },
		{ "1.2.3", "1.2.4", false },
		{ "1.2.3", "1.2.3", false },
		{ "0.1.0", "0.1.5", false },
		{ "0.0.1", "0.0.2", false },
		{ "2.0.0", "1.0.0", false },
		{ "2.1.0", "1.9.0", false },
		{ "0.3.0", "0.2.0", false },
		{ "1.0.0-rc.1", "1.0.0", false },
	};
	struct mkt_semver	 a, b;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		a = sv(t[i].old);
		b = sv(t[i].newer);
		CU_ASSERT_EQUAL(mkt_semver_breaking_allowed(&a, &b), t[i].ok);
	}
}

static void
test_range_ok(void)
{
	static const char *const good[] = {
		"1.4.0", "=1.4.0", "1.4.0-rc.1", "1.4.0+build.5", "^1.2",
		"^1.2.3", "^0.2.3", "^0.0.3", "^1", "^1.x", "^1.2.3-beta.2",
		"~1.2", "~1.2.3", "~1", "1", "1.2", "1.x", "1.2.x", "1.X",
		"1.2.*", "*", "x", ">=1.2.0 <2.0.0", ">=1.2.0", "<2.0.0",
		">1.2.3", "<=1.2.3", ">=1.2", "<2", "  ^1.2  ", ">=1.2.0\t<2",
		"^1.2 <1.5", ">=1.0.0-alpha <1.0.0",
		"18446744073709551615.0.0", "^18446744073709551615.0.0",
	};
	static const char *const bad[] = {
		"", " ", "\t", "abc", "^", "~", ">=", "<", "=", "1.2.3.4",
		"v1.2.3", "^v1.2", ">= 1.2.0", "1.x.3", "x.1", "*.1",
		"1.2.3 ||", "^1 || ^2", "||", "1.2.3 - 2.0.0", "=>1.2.3",
		"==1.2.3", ">>1.2.3", "^1.2.3-", "^1.2.3-01", "01.2",
		"1.02", "1.2-beta", "1-beta", "1.2.3+", "~>1.2", "^~1.2",
		"1.2.", "1..2", ".1", "1,2", "latest", "1.2.3,2.0.0",
		"18446744073709551616", "^1.2.3\n", "1.2.3\x01",
	};
	char		 big[400];
	size_t		 i;

	for (i = 0; i < NELEM(good); i++) {
		if (!mkt_semver_range_ok(good[i]))
			fprintf(stderr, "\nrefused: \"%s\"\n", good[i]);
		CU_ASSERT_TRUE(mkt_semver_range_ok(good[i]));
	}
	for (i = 0; i < NELEM(bad); i++) {
		if (mkt_semver_range_ok(bad[i]))
			fprintf(stderr, "\naccepted: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(mkt_semver_range_ok(bad[i]));
	}
	CU_ASSERT_FALSE(mkt_semver_range_ok(NULL));

	/* Bounded: too many comparators, or too long a text. */
	memset(big, 0, sizeof(big));
	for (i = 0; i < 8; i++)
		strcat(big, ">=1 ");
	CU_ASSERT_TRUE(mkt_semver_range_ok(big));
	for (; i < 40; i++)
		strcat(big, ">=1 ");
	CU_ASSERT(strlen(big) < 256);
	CU_ASSERT_FALSE(mkt_semver_range_ok(big));
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "^1.2", 4);
	CU_ASSERT_FALSE(mkt_semver_range_ok(big));
}

static void
test_satisfies(void)
{
	static const struct {
		const char	*range, *version;
		bool		 ok;
	} t[] = {
		{ "1.4.0", "1.4.0", true },
		{ "1.4.0", "1.4.0+build.9", true },
		{ "1.4.0", "1.4.1", false },
		{ "1.4.0", "1.4.0-rc.1", false },
		{ "=1.4.0", "1.4.0", true },
		{ "^1.2", "1.2.0", true },
		{ "^1.2", "1.9.9", true },
		{ "^1.2", "1.1.9", false },
		{ "^1.2", "2.0.0", false },
		{ "^1.2", "2.0.0-rc.1", false },
		{ "^1.2", "1.5.0-beta", false },
		{ "^1.2.3", "1.2.3", true },
		{ "^1.2.3", "1.2.2", false },
		{ "^1.2.3", "1.99.0", true },
		{ "^1.2.3", "2.0.0", false },
		{ "^0.2.3", "0.2.3", true },
		{ "^0.2.3", "0.2.9", true },
		{ "^0.2.3", "0.3.0", false },
		{ "^0.0.3", "0.0.3", true },
		{ "^0.0.3", "0.0.4", false },
		{ "^0", "0.9.9", true },
		{ "^0", "1.0.0", false },
		{ "^0.0", "0.0.7", true },
		{ "^0.0", "0.1.0", false },
		{ "~1.2", "1.2.0", true },
		{ "~1.2", "1.2.99", true },
		{ "~1.2", "1.3.0", false },
		{ "~1.2.3", "1.2.3", true },
		{ "~1.2.3", "1.2.2", false },
		{ "~1.2.3", "1.2.9", true },
		{ "~1.2.3", "1.3.0", false },
		{ "~1", "1.9.0", true },
		{ "~1", "2.0.0", false },
		{ "1", "1.0.0", true },
		{ "1", "1.99.99", true },
		{ "1", "2.0.0", false },
		{ "1", "0.9.0", false },
		{ "1.2", "1.2.0", true },
		{ "1.2", "1.2.5", true },
		{ "1.2", "1.3.0", false },
		{ "1.x", "1.5.0", true },
		{ "1.x", "2.0.0", false },
		{ "1.2.x", "1.2.7", true },
		{ "1.2.x", "1.3.0", false },
		{ "1.2.x", "1.1.0", false },
		{ "*", "0.0.0", true },
		{ "*", "99.0.0", true },
		{ "*", "1.0.0-alpha", false },
		{ ">=1.2.0 <2.0.0", "1.2.0", true },
		{ ">=1.2.0 <2.0.0", "1.99.0", true },
		{ ">=1.2.0 <2.0.0", "2.0.0", false },
		{ ">=1.2.0 <2.0.0", "1.1.0", false },
		{ ">=1.2.0 <2.0.0", "2.0.0-rc.1", false },
		{ ">=1.2.0 <2.0.0", "1.5.0-rc.1", false },
		{ "^1.2.3-beta.2", "1.2.3-beta.2", true },
		{ "^1.2.3-beta.2", "1.2.3-beta.10", true },
		{ "^1.2.3-beta.2", "1.2.3-beta.1", false },
		{ "^1.2.3-beta.2", "1.2.3", true },
		{ "^1.2.3-beta.2", "1.3.0", true },
		{ "^1.2.3-beta.2", "1.2.4-beta", false },
		{ "^1.2.3-beta.2", "2.0.0-beta", false },
		{ "~1.2.3-beta.2", "1.2.3-rc", true },
		{ "~1.2.3-beta.2", "1.2.9", true },
		{ "~1.2.3-beta.2", "1.3.0", false },
		{ "1.2.3-rc.1", "1.2.3-rc.1", true },
		{ "1.2.3-rc.1", "1.2.3-rc.1+b", true },
		{ "1.2.3-rc.1", "1.2.3-rc.2", false },
		{ "1.2.3-rc.1", "1.2.3", false },
		{ ">1.2", "1.3.0", true },
		{ ">1.2", "1.2.9", false },
		{ ">1", "2.0.0", true },
		{ ">1", "1.9.9", false },
		{ ">1.2.3", "1.2.4", true },
		{ ">1.2.3", "1.2.3", false },
		{ ">=1.2", "1.2.0", true },
		{ ">=1.2", "1.1.9", false },
		{ "<=1.2", "1.2.9", true },
		{ "<=1.2", "1.3.0", false },
		{ "<=1.2.3", "1.2.3", true },
		{ "<=1.2.3", "1.2.4", false },
		{ "<1.2", "1.1.9", true },
		{ "<1.2", "1.2.0", false },
		{ "<1.2", "1.2.0-beta", false },
		{ "<2", "1.99.0", true },
		{ "<2", "2.0.0", false },
		{ ">=1.0.0-alpha <1.0.0", "1.0.0-beta", true },
		{ ">=1.0.0-alpha <1.0.0", "1.0.0", false },
		{ ">=1.0.0-alpha <1.0.0", "0.9.0", false },
		{ "^1.2 <1.5", "1.4.9", true },
		{ "^1.2 <1.5", "1.5.0", false },
		{ "  ^1.2  ", "1.3.0", true },
		{ ">*", "1.0.0", false },
		{ "<*", "1.0.0", false },
		{ "<=*", "1.0.0", true },
		{ ">=*", "0.0.0", true },
		{ "^18446744073709551615.0.0", "18446744073709551615.5.0",
		    true },
		{ "~18446744073709551615.18446744073709551615.0",
		    "18446744073709551615.18446744073709551615.9", true },
		{ ">18446744073709551615", "18446744073709551615.9.9", false },
		{ "garbage", "1.0.0", false },
		{ "", "1.0.0", false },
	};
	struct mkt_semver	 v;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		v = sv(t[i].version);
		if (mkt_semver_satisfies(t[i].range, &v) != t[i].ok)
			fprintf(stderr, "\n\"%s\" vs %s: expected %s\n",
			    t[i].range, t[i].version, t[i].ok ? "yes" : "no");
		CU_ASSERT_EQUAL(mkt_semver_satisfies(t[i].range, &v),
		    t[i].ok);
	}
	CU_ASSERT_FALSE(mkt_semver_satisfies(NULL, &v));
	CU_ASSERT_FALSE(mkt_semver_satisfies("*", NULL));
}

void
add_semver_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("semver", semver_init, semver_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_parse_valid);
	CU_ADD_TEST(s, test_parse_copies_into_arena);
	CU_ADD_TEST(s, test_parse_invalid);
	CU_ADD_TEST(s, test_precedence_chain);
	CU_ADD_TEST(s, test_precedence_ignores_build);
	CU_ADD_TEST(s, test_breaking_allowed);
	CU_ADD_TEST(s, test_range_ok);
	CU_ADD_TEST(s, test_satisfies);
}
