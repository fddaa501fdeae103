/* t-nlquery.c: natural-language search queries (nlquery.c) */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct mkt_arena	*arena;

static int
nlquery_init(void)
{
	arena = mkt_arena_new(4096);
	return 0;
}

static int
nlquery_clean(void)
{
	mkt_arena_free(arena);
	return 0;
}

struct xfilter {
	const char	*kind;
	const char	*value;
	const char	*phrase;	/* as typed */
};

struct xquery {
	const char	*q;
	const char	*text;
	size_t		 n;
	struct xfilter	 f[MKT_NL_MAX_FILTERS];
};

static const struct xquery queries[] = {
	/* The examples of the brief and of market.h. */
	{ "cheap german summarization model with long context under $1 "
	  "per million tokens", "cheap summarization model", 3,
	  { { "tag", "german", "german" },
	    { "min_context", "100000", "long context" },
	    { "max_price", "1", "under $1 per million tokens" } } },
	{ "embeddings EU only", "", 2,
	  { { "category", "embeddings", "embeddings" },
	    { "residency", "EU", "EU only" } } },
	{ "SOC2 confidential chat models", "", 3,
	  { { "certification", "SOC2", "SOC2" },
	    { "compliance", "confidential", "confidential" },
	    { "category", "text-generation", "chat models" } } },
	{ "128k context vision", "", 2,
	  { { "min_context", "128000", "128k context" },
	    { "tag", "vision", "vision" } } },
	{ "günstige deutsche Modelle unter 2 € pro Million Tokens",
	  "günstige Modelle", 2,
	  { { "tag", "german", "deutsche" },
	    { "max_price", "2", "unter 2 € pro Million Tokens" } } },
	{ "speech to text", "", 1,
	  { { "category", "speech-to-text", "speech to text" } } },
	{ "models with function calling", "models", 1,
	  { { "tag", "function-calling", "function calling" } } },
	/* Empty, blank, nothing to find. */
	{ "", "", 0, { { NULL, NULL, NULL } } },
	{ " \t  ", "", 0, { { NULL, NULL, NULL } } },
	{ "  summarization   legal\tdocuments ",
	  "summarization legal documents", 0, { { NULL, NULL, NULL } } },
	{ "cheap models", "cheap models", 0, { { NULL, NULL, NULL } } },
	{ "günstig", "günstig", 0, { { NULL, NULL, NULL } } },
	{ "chat", "chat", 0, { { NULL, NULL, NULL } } },
	{ "models under budget", "models under budget", 0,
	  { { NULL, NULL, NULL } } },
	{ "under 5", "under 5", 0, { { NULL, NULL, NULL } } },
	{ "日本語 モデル vision", "日本語 モデル", 1,
	  { { "tag", "vision", "vision" } } },
	/* Quotes, "-word", OR. */
	{ "\"long context\" german", "\"long context\"", 1,
	  { { "tag", "german", "german" } } },
	{ "„EU only“  summaries", "„EU only“ summaries", 0,
	  { { NULL, NULL, NULL } } },
	{ "\"vision german", "\"vision german", 0, { { NULL, NULL, NULL } } },
	{ "-german translation", "-german translation", 0,
	  { { NULL, NULL, NULL } } },
	{ "vision OR reasoning", "vision OR reasoning", 0,
	  { { NULL, NULL, NULL } } },
	{ "german or french", "german or french", 0,
	  { { NULL, NULL, NULL } } },
	/* Negations. */
	{ "without vision", "without vision", 0, { { NULL, NULL, NULL } } },
	{ "ohne Vision und Reasoning, deutsch",
	  "ohne Vision und Reasoning, deutsch", 0,
	  { { NULL, NULL, NULL } } },
	{ "ohne Vision, aber deutsch", "ohne Vision, aber", 1,
	  { { "tag", "german", "deutsch" } } },
	{ "vision not needed", "vision not needed", 0,
	  { { NULL, NULL, NULL } } },
	/* German is a language, not a residency. */
	{ "german models", "models", 1, { { "tag", "german", "german" } } },
	{ "models in Germany", "models", 1,
	  { { "residency", "DE", "in Germany" } } },
	{ "made in Germany", "made in Germany", 0, { { NULL, NULL, NULL } } },
	{ "auf Deutsch in Deutschland", "", 2,
	  { { "tag", "german", "Deutsch" },
	    { "residency", "DE", "in Deutschland" } } },
	/* Prices. */
	{ "under 1,5 € per 1M tokens", "", 1,
	  { { "max_price", "1.5", "under 1,5 € per 1M tokens" } } },
	{ "chat under $0.5/1M tokens", "chat", 1,
	  { { "max_price", "0.5", "under $0.5/1M tokens" } } },
	{ "bis €2 vision", "", 2,
	  { { "max_price", "2", "bis €2" },
	    { "tag", "vision", "vision" } } },
	{ "less than 3 dollars", "", 1,
	  { { "max_price", "3", "less than 3 dollars" } } },
	{ "höchstens 0,5 EUR pro Mio. Tokens", "", 1,
	  { { "max_price", "0.5", "höchstens 0,5 EUR pro Mio. Tokens" } } },
	{ "priced at most USD 2.50 per mtok", "", 1,
	  { { "max_price", "2.50", "at most USD 2.50 per mtok" } } },
	{ "below 4 /M tokens", "", 1,
	  { { "max_price", "4", "below 4 /M tokens" } } },
	{ "under $1 under $2", "under $2", 1,
	  { { "max_price", "1", "under $1" } } },
	{ "under $20 per month", "under $20 per month", 0,
	  { { NULL, NULL, NULL } } },
	{ "under $0.01 per 1k tokens", "under $0.01 per 1k tokens", 0,
	  { { NULL, NULL, NULL } } },
	{ "under $1 per million output tokens",
	  "under $1 per million output tokens", 0, { { NULL, NULL, NULL } } },
	{ "under $1,000", "under $1,000", 0, { { NULL, NULL, NULL } } },
	{ "under $5k", "under $5k", 0, { { NULL, NULL, NULL } } },
	/* Context. */
	{ "1M context", "", 1,
	  { { "min_context", "1000000", "1M context" } } },
	{ "context of at least 200k tokens", "", 1,
	  { { "min_context", "200000", "context of at least 200k tokens" } } },
	{ "200000 tokens context", "", 1,
	  { { "min_context", "200000", "200000 tokens context" } } },
	{ "128K tokens context", "", 1,
	  { { "min_context", "128000", "128K tokens context" } } },
	{ "context window of at least 1.5M", "", 1,
	  { { "min_context", "1500000",
	      "context window of at least 1.5M" } } },
	{ "über 32k Kontext", "", 1,
	  { { "min_context", "32000", "über 32k Kontext" } } },
	{ "models with a 128,000 token context", "models", 1,
	  { { "min_context", "128000", "128,000 token context" } } },
	{ "langer Kontext mit JSON mode", "", 2,
	  { { "min_context", "100000", "langer Kontext" },
	    { "tag", "structured-output", "JSON mode" } } },
	{ "under 128k context", "under 128k context", 0,
	  { { NULL, NULL, NULL } } },
	{ "128k", "128k", 0, { { NULL, NULL, NULL } } },
	/* Residency. */
	{ "in der EU gehostet", "", 1,
	  { { "residency", "EU", "in der EU gehostet" } } },
	{ "data in Germany", "", 1,
	  { { "residency", "DE", "data in Germany" } } },
	{ "hosted in the US", "", 1,
	  { { "residency", "US", "hosted in the US" } } },
	{ "LLMs for us", "for us", 1,
	  { { "category", "text-generation", "LLMs" } } },
	{ "UK only", "", 1, { { "residency", "GB", "UK only" } } },
	{ "nur EU", "", 1, { { "residency", "EU", "nur EU" } } },
	{ "EU data residency transcription", "", 2,
	  { { "residency", "EU", "EU data residency" },
	    { "category", "speech-to-text", "transcription" } } },
	{ "in der Schweiz oder in France", "in der Schweiz oder in France",
	  0, { { NULL, NULL, NULL } } },
	{ "in der Schweiz", "", 1,
	  { { "residency", "CH", "in der Schweiz" } } },
	{ "in the EU in France", "in France", 1,
	  { { "residency", "EU", "in the EU" } } },
	/* Certifications and compliance. */
	{ "ISO 27001 HIPAA-compliant GDPR", "", 3,
	  { { "certification", "ISO27001", "ISO 27001" },
	    { "certification", "HIPAA", "HIPAA-compliant" },
	    { "certification", "GDPR", "GDPR" } } },
	{ "SOC 2 SOC-2", "SOC-2", 1,
	  { { "certification", "SOC2", "SOC 2" } } },
	{ "mehrsprachig vertraulich intern", "intern", 2,
	  { { "tag", "multilingual", "mehrsprachig" },
	    { "compliance", "confidential", "vertraulich" } } },
	{ "image generation public", "", 2,
	  { { "category", "image-generation", "image generation" },
	    { "compliance", "public", "public" } } },
	{ "internally", "internally", 0, { { NULL, NULL, NULL } } },
	/* Categories and capabilities. */
	{ "reranking models", "", 1,
	  { { "category", "reranking", "reranking models" } } },
	{ "text to speech German voices", "voices", 2,
	  { { "category", "text-to-speech", "text to speech" },
	    { "tag", "german", "German" } } },
	{ "tools for coding", "tools for coding", 0,
	  { { NULL, NULL, NULL } } },
	{ "LLM with tools", "", 2,
	  { { "category", "text-generation", "LLM" },
	    { "tag", "function-calling", "tools" } } },
	{ "json mode, vision and web search", "", 3,
	  { { "tag", "structured-output", "json mode" },
	    { "tag", "vision", "vision" },
	    { "tag", "web-search", "web search" } } },
	{ "Vision, cheap", "cheap", 1, { { "tag", "vision", "Vision" } } },
	{ "PDF input audio input prompt caching", "", 3,
	  { { "tag", "pdf-input", "PDF input" },
	    { "tag", "audio-input", "audio input" },
	    { "tag", "prompt-caching", "prompt caching" } } },
	{ "speech-to-text STT", "STT", 1,
	  { { "category", "speech-to-text", "speech-to-text" } } },
	{ "UPPER CASE GERMAN", "UPPER CASE", 1,
	  { { "tag", "german", "GERMAN" } } },
	{ "GPT-4o \"vision\" reasoning", "GPT-4o \"vision\"", 1,
	  { { "tag", "reasoning", "reasoning" } } },
	{ "moderation (english)", "", 2,
	  { { "category", "moderation", "moderation" },
	    { "tag", "english", "english" } } },
	/* Eight filters at most; the ninth phrase stays. */
	{ "german english vision reasoning SOC2 HIPAA confidential EU only "
	  "embeddings", "embeddings", 8,
	  { { "tag", "german", "german" },
	    { "tag", "english", "english" },
	    { "tag", "vision", "vision" },
	    { "tag", "reasoning", "reasoning" },
	    { "certification", "SOC2", "SOC2" },
	    { "certification", "HIPAA", "HIPAA" },
	    { "compliance", "confidential", "confidential" },
	    { "residency", "EU", "EU only" } } },
};

static void
test_queries(void)
{
	struct mkt_nlquery	 nl;
	const struct xquery	*x;
	size_t			 i, k;
	int			 ok;

	for (i = 0; i < NELEM(queries); i++) {
		x = &queries[i];
		memset(&nl, 0xff, sizeof(nl));
		mkt_nlquery_parse(arena, x->q, &nl);
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl.text);
		ok = strcmp(nl.text, x->text) == 0 && nl.nfilters == x->n;
		for (k = 0; ok && k < x->n; k++)
			ok = strcmp(nl.filters[k].kind, x->f[k].kind) == 0 &&
			    strcmp(nl.filters[k].value, x->f[k].value) == 0 &&
			    strcmp(nl.filters[k].phrase, x->f[k].phrase) == 0;
		if (!ok) {
			fprintf(stderr, "\n\"%s\": text \"%s\"", x->q,
			    nl.text);
			for (k = 0; k < nl.nfilters &&
			    k < MKT_NL_MAX_FILTERS; k++)
				fprintf(stderr, ", %s=%s (\"%s\")",
				    nl.filters[k].kind, nl.filters[k].value,
				    nl.filters[k].phrase);
			fprintf(stderr, "\n");
		}
		CU_ASSERT_STRING_EQUAL(nl.text, x->text);
		CU_ASSERT_EQUAL_FATAL(nl.nfilters, x->n);
		for (k = 0; k < x->n; k++) {
			CU_ASSERT_STRING_EQUAL(nl.filters[k].kind,
			    x->f[k].kind);
			CU_ASSERT_STRING_EQUAL(nl.filters[k].value,
			    x->f[k].value);
			CU_ASSERT_STRING_EQUAL(nl.filters[k].phrase,
			    x->f[k].phrase);
		}
	}
}

/* Text and phrases live in the arena, not in the query. */
static void
test_copies_into_arena(void)
{
	char			 q[] = "vision under $1 legal";
	struct mkt_nlquery	 nl;

	mkt_nlquery_parse(arena, q, &nl);
	memset(q, 'x', sizeof(q) - 1);
	CU_ASSERT_STRING_EQUAL(nl.text, "legal");
	CU_ASSERT_EQUAL_FATAL(nl.nfilters, 2);
	CU_ASSERT_STRING_EQUAL(nl.filters[0].phrase, "vision");
	CU_ASSERT_STRING_EQUAL(nl.filters[1].phrase, "under $1");
	CU_ASSERT_STRING_EQUAL(nl.filters[1].value, "1");
}

/* A phrase keeps the words as typed, white space made single. */
static void
test_phrase_as_typed(void)
{
	struct mkt_nlquery	 nl;

	mkt_nlquery_parse(arena, "Langer\t Kontext  UNTER 2\xc2\xa0\xe2\x82\xac",
	    &nl);
	CU_ASSERT_STRING_EQUAL(nl.text, "");
	CU_ASSERT_EQUAL_FATAL(nl.nfilters, 2);
	CU_ASSERT_STRING_EQUAL(nl.filters[0].phrase, "Langer Kontext");
	CU_ASSERT_STRING_EQUAL(nl.filters[0].value, "100000");
	CU_ASSERT_STRING_EQUAL(nl.filters[1].phrase, "UNTER 2 \xe2\x82\xac");
	CU_ASSERT_STRING_EQUAL(nl.filters[1].value, "2");
}

/* Odd bytes at the very end: nothing read past the string. */
static void
test_truncated_ends(void)
{
	static const char *const q[] = {
		"under $", "under 1,", "vision \xc2", "x \xe2\x82",
		"\xe2\x80", "\"", "-", "$$$", "1.", ",,,", "context of",
	};
	struct mkt_nlquery	 nl;
	size_t			 i;

	for (i = 0; i < NELEM(q); i++) {
		mkt_nlquery_parse(arena, q[i], &nl);
		CU_ASSERT_PTR_NOT_NULL(nl.text);
		CU_ASSERT(strlen(nl.text) <= strlen(q[i]));
	}
	mkt_nlquery_parse(arena, "vision \xc2", &nl);
	CU_ASSERT_STRING_EQUAL(nl.text, "\xc2");
	CU_ASSERT_EQUAL(nl.nfilters, 1);
}

void
add_nlquery_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("nlquery", nlquery_init, nlquery_clean)) ==
	    NULL)
		return;
	CU_ADD_TEST(s, test_queries);
	CU_ADD_TEST(s, test_copies_into_arena);
	CU_ADD_TEST(s, test_phrase_as_typed);
	CU_ADD_TEST(s, test_truncated_ends);
}
