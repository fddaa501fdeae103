/* t-config.c: the key = value configuration file and MKT_<KEY>
 * environment overrides (config.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A configuration file written for one test and removed after it. */
struct conf {
	char			 path[64];
	struct mkt_config	*cfg;
	char			 err[512];
};

static bool
conf_load(struct conf *c, const char *text)
{
	int	 fd;
	size_t	 len = strlen(text);

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "/tmp/mkt-unit-conf-XXXXXX");
	if ((fd = mkstemp(c->path)) < 0)
		return false;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return false;
	}
	close(fd);
	c->cfg = mkt_config_load(c->path, c->err, sizeof(c->err));
	return c->cfg != NULL;
}

static void
conf_free(struct conf *c)
{
	mkt_config_free(c->cfg);
	c->cfg = NULL;
	if (c->path[0] != '\0')
		unlink(c->path);
}

/* ---- loading ---- */

static void
test_config_parses_key_value(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c,
	    "database = dbname=market host=/run/pg\n"
	    "threads=4\n"
	    "   static_url   =   /static   \n"
	    "empty =\n"
	    "key_2 = two words  here\n"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "database", NULL),
	    "dbname=market host=/run/pg");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "threads", NULL), "4");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "static_url", NULL),
	    "/static");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "empty", "def"), "");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "key_2", NULL),
	    "two words  here");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "missing", "def"),
	    "def");
	CU_ASSERT_PTR_NULL(mkt_config_str(c.cfg, "missing", NULL));
	conf_free(&c);
}

static void
test_config_skips_comments_and_blank_lines(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c,
	    "# a comment = with an equals sign\n"
	    "\n"
	    "   # an indented comment\n"
	    " \t \n"
	    "a = 1\n"
	    "#b = 2\n"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "a", NULL), "1");
	CU_ASSERT_PTR_NULL(mkt_config_str(c.cfg, "b", NULL));
	CU_ASSERT_PTR_NULL(mkt_config_str(c.cfg, "#b", NULL));
	conf_free(&c);
}

static void
test_config_hash_after_value_is_kept(void)
{
	struct conf	 c;

	/* '#' starts a comment line only; a value may hold one. */
	CU_ASSERT_TRUE_FATAL(conf_load(&c, "color = #ff0000\n"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "color", NULL),
	    "#ff0000");
	conf_free(&c);
}

static void
test_config_accepts_crlf_and_missing_final_newline(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "a = 1\r\nb = 2\r\nc = 3"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "a", NULL), "1");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "b", NULL), "2");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "c", NULL), "3");
	conf_free(&c);
}

static void
test_config_last_assignment_wins(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c,
	    "threads = 1\nother = x\nthreads = 2\nthreads = 3\n"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "threads", NULL), "3");
	CU_ASSERT_EQUAL(mkt_config_long(c.cfg, "threads", 0, 0, 10), 3);
	conf_free(&c);
}

static void
test_config_empty_file(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, ""));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "a", "def"), "def");
	conf_free(&c);
}

static void
test_config_null_path_gives_defaults(void)
{
	char			 err[64] = "";
	struct mkt_config	*c = mkt_config_load(NULL, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c, "threads", "1"), "1");
	CU_ASSERT_EQUAL(mkt_config_long(c, "threads", 7, 1, 10), 7);
	CU_ASSERT_STRING_EQUAL(err, "");
	mkt_config_free(c);
}

static void
test_config_missing_file_is_error(void)
{
	char			 err[256] = "";
	struct mkt_config	*c;

	c = mkt_config_load("/nonexistent/mkt-unit.conf", err, sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/mkt-unit.conf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "could not open"));
	mkt_config_free(c);
}


static const struct {
	const char	*text;
	const char	*where;		/* ":<line>: " */
	const char	*what;
} bad_files[] = {
	{ "a = 1\n\nBad-Key = 1\n", ":3: ", "invalid key \"Bad-Key\"" },
	{ "Threads = 4\n", ":1: ", "invalid key \"Threads\"" },
	{ "my key = 1\n", ":1: ", "invalid key \"my key\"" },
	{ "a = 1\n = 2\n", ":2: ", "invalid key \"\"" },
	{ "caf\xc3\xa9 = 1\n", ":1: ", "invalid key" },
	{ "a.b = 1\n", ":1: ", "invalid key \"a.b\"" },
	{ "# ok\njust some words\n", ":2: ", "expected \"key = value\"" },
	{ "a = 1\n[section]\n", ":2: ", "expected \"key = value\"" },
};

static void
test_config_rejects_bad_lines_naming_the_line(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_files); i++) {
		struct conf c;

		CU_ASSERT_FALSE(conf_load(&c, bad_files[i].text));
		CU_ASSERT_PTR_NULL(c.cfg);
		/* The message names the file and the line. */
		CU_ASSERT_EQUAL(strncmp(c.err, c.path, strlen(c.path)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(c.err, bad_files[i].where));
		CU_ASSERT_PTR_NOT_NULL(strstr(c.err, bad_files[i].what));
		conf_free(&c);
	}
}

static void
test_config_rejects_overlong_line(void)
{
	struct conf	 c;
	char		*text = mkt_xmalloc(6000);

	memcpy(text, "a = ", 4);
	memset(text + 4, 'v', 5000);
	memcpy(text + 5004, "\nb = 1\n", 8);
	CU_ASSERT_FALSE(conf_load(&c, text));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, ":1: line too long"));
	conf_free(&c);
	free(text);
}

static void
test_config_error_message_truncates_safely(void)
{
	struct conf	 c;
	int		 fd;

	memset(&c, 0, sizeof(c));
	snprintf(c.path, sizeof(c.path), "/tmp/mkt-unit-conf-XXXXXX");
	fd = mkstemp(c.path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "no equals here\n", 15), 15);
	close(fd);
	memset(c.err, 'Z', sizeof(c.err));
	c.cfg = mkt_config_load(c.path, c.err, 8);
	CU_ASSERT_PTR_NULL(c.cfg);
	CU_ASSERT_EQUAL(strlen(c.err), 7);
	CU_ASSERT_EQUAL(c.err[8], 'Z');
	conf_free(&c);
}

/* ---- environment ---- */

static void
test_config_env_overrides_file(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "unit_test_key = from-file\n"));
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_test_key", NULL),
	    "from-file");
	setenv("MKT_UNIT_TEST_KEY", "from-env", 1);
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_test_key", NULL),
	    "from-env");
	unsetenv("MKT_UNIT_TEST_KEY");
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_test_key", NULL),
	    "from-file");
	conf_free(&c);
}

static void
test_config_env_without_file_entry(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "other = 1\n"));
	setenv("MKT_UNIT_THREADS", "12", 1);
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_threads", "1"),
	    "12");
	CU_ASSERT_EQUAL(mkt_config_long(c.cfg, "unit_threads", 1, 1, 256), 12);
	setenv("MKT_UNIT_THREADS", "", 1);	/* set but empty */
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_threads", "1"), "");
	CU_ASSERT_EQUAL(mkt_config_long(c.cfg, "unit_threads", 5, 1, 256), 5);
	unsetenv("MKT_UNIT_THREADS");
	conf_free(&c);
}

static void
test_config_env_name_is_upper_case(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "unit_lang = en\n"));
	setenv("MKT_unit_lang", "wrong", 1);	/* not the spelling used */
	CU_ASSERT_STRING_EQUAL(mkt_config_str(c.cfg, "unit_lang", NULL), "en");
	unsetenv("MKT_unit_lang");
	conf_free(&c);
}

static void
test_config_path_default(void)
{
	const char	*p;

	setenv("MKT_CONFIG", "/tmp/elsewhere.conf", 1);
	CU_ASSERT_STRING_EQUAL(mkt_config_path_default(), "/tmp/elsewhere.conf");
	setenv("MKT_CONFIG", "", 1);
	p = mkt_config_path_default();
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "/llm-marketplace/marketplace.conf"));
	unsetenv("MKT_CONFIG");
	CU_ASSERT_STRING_EQUAL(mkt_config_path_default(), p);
}

/* ---- typed values ---- */

static const struct {
	const char	*val;
	long		 want;		/* def 42, range [1, 256] */
} longs[] = {
	{ "1", 1 }, { "256", 256 }, { "8", 8 }, { "+8", 8 }, { "007", 7 },
	{ "0", 42 }, { "257", 42 }, { "-1", 42 },	/* out of range */
	{ "abc", 42 }, { "12abc", 42 }, { "0x10", 42 }, { "1.5", 42 },
	{ "1e2", 42 }, { "99999999999999999999999", 42 },
	{ "-99999999999999999999999", 42 }, { "", 42 }, { "4 4", 42 },
};

static void
test_config_long_range_and_fallback(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(longs); i++) {
		struct conf	 c;
		char		 text[128];

		snprintf(text, sizeof(text), "threads = %s\n", longs[i].val);
		CU_ASSERT_TRUE_FATAL(conf_load(&c, text));
		CU_ASSERT_EQUAL(mkt_config_long(c.cfg, "threads", 42, 1, 256),
		    longs[i].want);
		conf_free(&c);
	}
}

static void
test_config_long_missing_key_gives_default(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "a = 1\n"));
	CU_ASSERT_EQUAL(mkt_config_long(c.cfg, "threads", -3, -10, 10), -3);
	conf_free(&c);
}

static const struct {
	const char	*val;
	int		 want;		/* 1 true, 0 false, -1 the default */
} bools[] = {
	{ "1", 1 }, { "yes", 1 }, { "YES", 1 }, { "true", 1 }, { "True", 1 },
	{ "on", 1 }, { "On", 1 },
	{ "0", 0 }, { "no", 0 }, { "No", 0 }, { "false", 0 }, { "FALSE", 0 },
	{ "off", 0 }, { "OFF", 0 },
	{ "", -1 }, { "maybe", -1 }, { "2", -1 }, { "y", -1 }, { "n", -1 },
	{ "yes please", -1 }, { "01", -1 },
};

static void
test_config_bool_variants(void)
{
	size_t	 i;

	for (i = 0; i < NELEM(bools); i++) {
		struct conf	 c;
		char		 text[128];

		snprintf(text, sizeof(text), "flag = %s\n", bools[i].val);
		CU_ASSERT_TRUE_FATAL(conf_load(&c, text));
		if (bools[i].want < 0) {
			CU_ASSERT_TRUE(mkt_config_bool(c.cfg, "flag", true));
			CU_ASSERT_FALSE(mkt_config_bool(c.cfg, "flag", false));
		} else {
			CU_ASSERT_EQUAL(mkt_config_bool(c.cfg, "flag", true),
			    bools[i].want == 1);
			CU_ASSERT_EQUAL(mkt_config_bool(c.cfg, "flag", false),
			    bools[i].want == 1);
		}
		conf_free(&c);
	}
}

static void
test_config_bool_missing_key_gives_default(void)
{
	struct conf	 c;

	CU_ASSERT_TRUE_FATAL(conf_load(&c, "a = 1\n"));
	CU_ASSERT_TRUE(mkt_config_bool(c.cfg, "flag", true));
	CU_ASSERT_FALSE(mkt_config_bool(c.cfg, "flag", false));
	setenv("MKT_FLAG", "off", 1);
	CU_ASSERT_FALSE(mkt_config_bool(c.cfg, "flag", true));
	unsetenv("MKT_FLAG");
	conf_free(&c);
}

void
add_config_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("config", NULL, NULL)) == NULL)
		return;
	CU_ADD_TEST(s, test_config_parses_key_value);
	CU_ADD_TEST(s, test_config_skips_comments_and_blank_lines);
	CU_ADD_TEST(s, test_config_hash_after_value_is_kept);
	CU_ADD_TEST(s, test_config_accepts_crlf_and_missing_final_newline);
	CU_ADD_TEST(s, test_config_last_assignment_wins);
	CU_ADD_TEST(s, test_config_empty_file);
	CU_ADD_TEST(s, test_config_null_path_gives_defaults);
	CU_ADD_TEST(s, test_config_missing_file_is_error);
	CU_ADD_TEST(s, test_config_rejects_bad_lines_naming_the_line);
	CU_ADD_TEST(s, test_config_rejects_overlong_line);
	CU_ADD_TEST(s, test_config_error_message_truncates_safely);
	CU_ADD_TEST(s, test_config_env_overrides_file);
	CU_ADD_TEST(s, test_config_env_without_file_entry);
	CU_ADD_TEST(s, test_config_env_name_is_upper_case);
	CU_ADD_TEST(s, test_config_path_default);
	CU_ADD_TEST(s, test_config_long_range_and_fallback);
	CU_ADD_TEST(s, test_config_long_missing_key_gives_default);
	CU_ADD_TEST(s, test_config_bool_variants);
	CU_ADD_TEST(s, test_config_bool_missing_key_gives_default);
}
