/* nlquery.c: natural-language search queries, phrases to filters */
#include <inttypes.h>
#include <string.h>

#include "market.h"

/*
 * Natural-language search queries
 * ===============================
 *
 * mkt_nlquery_parse() finds the phrases of a search query that name a
 * filter, turns each into {kind, value, phrase} and takes it out of the
 * text.  Words are compared without regard to case (ASCII and Latin-1
 * letters such as Ä/ä); English and German are understood.  A phrase is
 * recognised only in full and only when it is unambiguous: a missed
 * filter costs little, a wrong one hides what the person looks for.
 *
 * Price (kind "max_price", value a decimal string: "1", "0.5", "2.50"):
 *	LEAD AMOUNT [UNIT]
 *	LEAD	under, below, less than, cheaper than, max, max., maximum,
 *		at most, up to, <, <=, ≤, unter, bis, bis zu, höchstens,
 *		maximal, weniger als, günstiger als, billiger als
 *	AMOUNT	[$ | € | USD | EUR] number [$ | € | USD | EUR | euro(s) |
 *		dollar(s)]; "1,5" is read as 1.5.  A currency or a UNIT is
 *		required ("under 5" stays text); "1,000" and "1.000" are
 *		ambiguous and stay text, as do "$5k" and "$1 million".
 *	UNIT	(per | pro | je | /) (million | mio | 1M | M | Mtok | 1 Mtok)
 *		[tokens | token | input tokens]: "per million tokens",
 *		"per 1M tokens", "/1M tokens", "/M", "per mtok",
 *		"pro Million Tokens".  Any other rate ("per 1k tokens",
 *		"per month", "a month", "per million output tokens") leaves
 *		the whole phrase in the text.
 *	"price", "priced", "cost(s)", "costing", "Preis", "kostet" right
 *	before LEAD go with the phrase.  "cheap" and "günstig" alone are
 *	not filters.
 *
 * Context (kind "min_context", value whole tokens: "128000"):
 *	[MIN] SIZE [tokens | token] [of] CONTEXT	"128k context",
 *		"128K tokens context", "at least 1M context"
 *	CONTEXT [of | von] [MIN] SIZE [tokens]		"context of at least
 *		128k", "Kontext von mindestens 200k"
 *	long context, long-context, large context, langer/langem/langen
 *	Kontext, großer/großem Kontext, langes Kontextfenster: "100000".
 *	SIZE	number [k | K | M | m | thousand | tausend | million | mio];
 *		"1M" is 1000000, "1.5M" 1500000; without a multiplier
 *		"128,000" and "128.000" are thousands.  Only 1000 to
 *		1000000000 tokens.
 *	MIN	at least, min, min., minimum, more than, over, above, >, >=,
 *		≥, mindestens, über, ab
 *	CONTEXT	context, context window, context length, context size,
 *		ctx, Kontext, Kontextfenster, Kontextlänge
 *	A size right after a maximum word ("under 128k context", "bis
 *	200k Kontext") gives no filter.
 *
 * Category (kind "category"):
 *	embeddings: embeddings, embedding, embedding(s) model(s), text
 *	    embedding(s), vector; speech-to-text: speech to text,
 *	    speech-to-text, stt, transcription, speech recognition,
 *	    Spracherkennung, Transkription; text-to-speech: text to speech,
 *	    text-to-speech, tts, speech synthesis, Sprachsynthese;
 *	    image-generation: image generation, text to image,
 *	    text-to-image, Bildgenerierung; reranking: rerank, reranker(s),
 *	    reranking, re-ranking; moderation: moderation, content
 *	    moderation; text-generation: chat model(s), LLM(s), (large)
 *	    language model(s), Sprachmodell(e), Chatmodell(e), text
 *	    generation.  "chat" alone is text.
 *	A category takes a following "model", "models", "Modell",
 *	"Modelle" with it ("reranking models").
 *
 * Residency (kind "residency", an ISO 3166 code or "EU"):
 *	[PRE] (in | within | inside | innerhalb) [the | der | den | die]
 *	    PLACE [only | hosted | gehostet]
 *	[nur] PLACE (only | data residency | residency | hosted | hosting |
 *	    region)
 *	nur PLACE; EU-only, EU-hosted, US-only, UK-only; in deutschen /
 *	    europäischen Rechenzentren
 *	PRE	data, hosted, hosting, stored, servers, data residency,
 *		Daten, gehostet, nur, only
 *	PLACE	EU, Europe, Europa, European Union → EU; Germany,
 *		Deutschland → DE; USA, United States, "US" → US; UK, United
 *		Kingdom, Great Britain, Großbritannien → GB; Switzerland,
 *		Schweiz → CH; France, Frankreich → FR.  "us" in lower case
 *		counts only after "in the" / "in den"; elsewhere it must be
 *		written "US".
 *	"made in Germany", "based in the US" (made, developed, built,
 *	trained, designed, founded, based, hergestellt, entwickelt,
 *	trainiert) are origins, not residency, and stay text.  "German"
 *	is a language, never a residency.
 *
 * Certification (kind "certification"): SOC2, SOC 2, SOC-2, SOC II →
 *	"SOC2"; ISO 27001, ISO27001, ISO-27001 → "ISO27001"; HIPAA;
 *	GDPR, DSGVO → "GDPR".  A following compliant, compliance,
 *	certified, certification, zertifiziert, konform, type ii, type 2
 *	goes with it.
 *
 * Compliance (kind "compliance"), these whole words only: confidential,
 *	vertraulich → "confidential"; internal, intern → "internal";
 *	public → "public".
 *
 * Tags (kind "tag"):
 *	languages: german, deutsch, deutsche, deutschen, deutscher,
 *	    deutsches → "german"; english, englisch, englische →
 *	    "english"; french, französisch, französische → "french";
 *	    multilingual, mehrsprachig, mehrsprachige → "multilingual";
 *	    "in" or "auf" right before a language goes with it ("auf
 *	    Deutsch").
 *	capabilities: vision, image input(s) → "vision"; function calling,
 *	    function-calling, tool use, tool calling, "with tools" →
 *	    "function-calling" ("tools" alone is text: "coding tools");
 *	    reasoning; structured output(s), json mode →
 *	    "structured-output"; web search, Websuche → "web-search";
 *	    prompt caching → "prompt-caching"; pdf input → "pdf-input";
 *	    audio input → "audio-input".
 *
 * Filler words: "with", "mit", "with a(n)", "mit einem/einer", "only"
 * and "nur" right before a phrase, and "only" right after it, go with
 * it; so do "and", "und", "&", "+", "," between two phrases taken out,
 * and punctuation stuck to a phrase ("vision," "(german)").  They are
 * not part of the phrase of the filter.  "model" and "models" stay in
 * the text ("cheap summarization model"), except right after a
 * category.
 *
 * What is never parsed: text in double quotes ("…", „…“, “…”), which
 * stays with its quotes as an exact phrase; a word starting with "-";
 * a phrase next to "OR", "or", "oder", "/" or "|" (the person asked
 * for either, filters would ask for both); a phrase after a negation
 * (no, not, without, non, except, excluding, never, ohne, kein(e/en/er),
 * nicht, außer), also through "and"/"or" lists ("without vision or
 * reasoning"), or right before "not"/"nicht".
 *
 * At most MKT_NL_MAX_FILTERS filters, in the order of the text.  Tags
 * and certifications may repeat with different values; any other kind,
 * and a repeated (kind, value), is taken once: the later phrase stays
 * in the text.  The text left is trimmed, with single spaces.
 */

#define NUM_DIGITS	10	/* most digits of a number we read */

enum ttype {
	T_WORD,			/* letters, digits, anything else */
	T_NUM,			/* digits, maybe with . or , between */
	T_SYM,			/* $, €, / */
	T_PUNCT,		/* . , ; : ! ? ( ) [ ] { } */
	T_PROT			/* quoted or "-word": never parsed */
};

#define F_REMOVED	0x01	/* not in the text any more */
#define F_BLOCKED	0x02	/* phrase left as text after a negation */

struct tok {
	size_t		 off;	/* in the query and its lower-case copy */
	size_t		 len;
	enum ttype	 type;
	int		 glued;	/* no white space before it */
	unsigned	 flags;
};

struct nlp {
	struct mkt_arena	*a;
	const char		*q;	/* the query */
	const char		*low;	/* the query in lower case */
	struct tok		*t;
	size_t			 n;
};

/* Flags of a table phrase. */
#define P_LANG	0x01	/* "in"/"auf" before it go with it */
#define P_WITH	0x02	/* only right after "with"/"mit" */
#define P_CAT	0x04	/* a model word after it goes with it */
#define P_CERT	0x08	/* "compliant", "certified" after it go with it */

struct phrase {
	const char	*words;		/* lower case, single spaces */
	const char	*kind;
	const char	*value;
	unsigned	 flags;
};

static const char K_PRICE[] = "max_price";
static const char K_CTX[] = "min_context";
static const char K_CAT[] = "category";
static const char K_RES[] = "residency";
static const char K_CERT[] = "certification";
static const char K_COMP[] = "compliance";
static const char K_TAG[] = "tag";

static const struct phrase phrases[] = {
	/* category */
	{ "embeddings", K_CAT, "embeddings", P_CAT },
	{ "embedding", K_CAT, "embeddings", P_CAT },
	{ "text embeddings", K_CAT, "embeddings", P_CAT },
	{ "text embedding", K_CAT, "embeddings", P_CAT },
	{ "vector", K_CAT, "embeddings", P_CAT },
	{ "speech to text", K_CAT, "speech-to-text", P_CAT },
	{ "speech-to-text", K_CAT, "speech-to-text", P_CAT },
	{ "stt", K_CAT, "speech-to-text", P_CAT },
	{ "transcription", K_CAT, "speech-to-text", P_CAT },
	{ "speech recognition", K_CAT, "speech-to-text", P_CAT },
	{ "spracherkennung", K_CAT, "speech-to-text", P_CAT },
	{ "transkription", K_CAT, "speech-to-text", P_CAT },
	{ "text to speech", K_CAT, "text-to-speech", P_CAT },
	{ "text-to-speech", K_CAT, "text-to-speech", P_CAT },
	{ "tts", K_CAT, "text-to-speech", P_CAT },
	{ "speech synthesis", K_CAT, "text-to-speech", P_CAT },
	{ "sprachsynthese", K_CAT, "text-to-speech", P_CAT },
	{ "image generation", K_CAT, "image-generation", P_CAT },
	{ "image-generation", K_CAT, "image-generation", P_CAT },
	{ "text to image", K_CAT, "image-generation", P_CAT },
	{ "text-to-image", K_CAT, "image-generation", P_CAT },
	{ "bildgenerierung", K_CAT, "image-generation", P_CAT },
	{ "rerank", K_CAT, "reranking", P_CAT },
	{ "reranker", K_CAT, "reranking", P_CAT },
	{ "rerankers", K_CAT, "reranking", P_CAT },
	{ "reranking", K_CAT, "reranking", P_CAT },
	{ "re-ranking", K_CAT, "reranking", P_CAT },
	{ "moderation", K_CAT, "moderation", P_CAT },
	{ "content moderation", K_CAT, "moderation", P_CAT },
	{ "chat model", K_CAT, "text-generation", 0 },
	{ "chat models", K_CAT, "text-generation", 0 },
	{ "chat-model", K_CAT, "text-generation", 0 },
	{ "chat-models", K_CAT, "text-generation", 0 },
	{ "chatmodell", K_CAT, "text-generation", 0 },
	{ "chatmodelle", K_CAT, "text-generation", 0 },
	{ "chat-modell", K_CAT, "text-generation", 0 },
	{ "chat-modelle", K_CAT, "text-generation", 0 },
	{ "llm", K_CAT, "text-generation", 0 },
	{ "llms", K_CAT, "text-generation", 0 },
	{ "language model", K_CAT, "text-generation", 0 },
	{ "language models", K_CAT, "text-generation", 0 },
	{ "large language model", K_CAT, "text-generation", 0 },
	{ "large language models", K_CAT, "text-generation", 0 },
	{ "sprachmodell", K_CAT, "text-generation", 0 },
	{ "sprachmodelle", K_CAT, "text-generation", 0 },
	{ "text generation", K_CAT, "text-generation", P_CAT },
	{ "text-generation", K_CAT, "text-generation", P_CAT },
	{ "textgenerierung", K_CAT, "text-generation", P_CAT },
	/* context */
	{ "long context", K_CTX, "100000", 0 },
	{ "long context window", K_CTX, "100000", 0 },
	{ "long-context", K_CTX, "100000", 0 },
	{ "large context", K_CTX, "100000", 0 },
	{ "large context window", K_CTX, "100000", 0 },
	{ "langer kontext", K_CTX, "100000", 0 },
	{ "langem kontext", K_CTX, "100000", 0 },
	{ "langen kontext", K_CTX, "100000", 0 },
	{ "langes kontextfenster", K_CTX, "100000", 0 },
	{ "großer kontext", K_CTX, "100000", 0 },
	{ "großem kontext", K_CTX, "100000", 0 },
	/* residency, the rest is in m_residency() */
	{ "eu-only", K_RES, "EU", 0 },
	{ "eu-hosted", K_RES, "EU", 0 },
	{ "us-only", K_RES, "US", 0 },
	{ "uk-only", K_RES, "GB", 0 },
	{ "in deutschen rechenzentren", K_RES, "DE", 0 },
	{ "in europäischen rechenzentren", K_RES, "EU", 0 },
	/* certification */
	{ "soc2", K_CERT, "SOC2", P_CERT },
	{ "soc 2", K_CERT, "SOC2", P_CERT },
	{ "soc-2", K_CERT, "SOC2", P_CERT },
	{ "soc ii", K_CERT, "SOC2", P_CERT },
	{ "iso 27001", K_CERT, "ISO27001", P_CERT },
	{ "iso27001", K_CERT, "ISO27001", P_CERT },
	{ "iso-27001", K_CERT, "ISO27001", P_CERT },
	{ "hipaa", K_CERT, "HIPAA", P_CERT },
	{ "hipaa-compliant", K_CERT, "HIPAA", 0 },
	{ "gdpr", K_CERT, "GDPR", P_CERT },
	{ "gdpr-compliant", K_CERT, "GDPR", 0 },
	{ "dsgvo", K_CERT, "GDPR", P_CERT },
	{ "dsgvo-konform", K_CERT, "GDPR", 0 },
	{ "dsgvo-konforme", K_CERT, "GDPR", 0 },
	/* compliance */
	{ "confidential", K_COMP, "confidential", 0 },
	{ "vertraulich", K_COMP, "confidential", 0 },
	{ "internal", K_COMP, "internal", 0 },
	{ "intern", K_COMP, "internal", 0 },
	{ "public", K_COMP, "public", 0 },
	/* languages */
	{ "german", K_TAG, "german", P_LANG },
	{ "deutsch", K_TAG, "german", P_LANG },
	{ "deutsche", K_TAG, "german", P_LANG },
	{ "deutschen", K_TAG, "german", P_LANG },
	{ "deutscher", K_TAG, "german", P_LANG },
	{ "deutsches", K_TAG, "german", P_LANG },
	{ "english", K_TAG, "english", P_LANG },
	{ "englisch", K_TAG, "english", P_LANG },
	{ "englische", K_TAG, "english", P_LANG },
	{ "french", K_TAG, "french", P_LANG },
	{ "französisch", K_TAG, "french", P_LANG },
	{ "französische", K_TAG, "french", P_LANG },
	{ "multilingual", K_TAG, "multilingual", P_LANG },
	{ "mehrsprachig", K_TAG, "multilingual", P_LANG },
	{ "mehrsprachige", K_TAG, "multilingual", P_LANG },
	/* capabilities */
	{ "vision", K_TAG, "vision", 0 },
	{ "image input", K_TAG, "vision", 0 },
	{ "image inputs", K_TAG, "vision", 0 },
	{ "function calling", K_TAG, "function-calling", 0 },
	{ "function-calling", K_TAG, "function-calling", 0 },
	{ "tool use", K_TAG, "function-calling", 0 },
	{ "tool-use", K_TAG, "function-calling", 0 },
	{ "tool calling", K_TAG, "function-calling", 0 },
	{ "tool-calling", K_TAG, "function-calling", 0 },
	{ "tools", K_TAG, "function-calling", P_WITH },
	{ "reasoning", K_TAG, "reasoning", 0 },
	{ "structured output", K_TAG, "structured-output", 0 },
	{ "structured outputs", K_TAG, "structured-output", 0 },
	{ "structured-output", K_TAG, "structured-output", 0 },
	{ "json mode", K_TAG, "structured-output", 0 },
	{ "json-mode", K_TAG, "structured-output", 0 },
	{ "web search", K_TAG, "web-search", 0 },
	{ "web-search", K_TAG, "web-search", 0 },
	{ "websuche", K_TAG, "web-search", 0 },
	{ "prompt caching", K_TAG, "prompt-caching", 0 },
	{ "prompt-caching", K_TAG, "prompt-caching", 0 },
	{ "pdf input", K_TAG, "pdf-input", 0 },
	{ "pdf-input", K_TAG, "pdf-input", 0 },
	{ "audio input", K_TAG, "audio-input", 0 },
	{ "audio-input", K_TAG, "audio-input", 0 },
};

static const char *const model_words[] = {
	"model", "models", "modell", "modelle", NULL
};
static const char *const cert_suffixes[] = {
	"compliant", "compliance", "certified", "certification",
	"zertifiziert", "konform", "type ii", "type 2", NULL
};
static const char *const with_words[] = { "with", "mit", NULL };
static const char *const articles[] = {
	"a", "an", "einem", "einer", "einen", NULL
};
static const char *const lead_fillers[] = {
	"with", "mit", "only", "nur", NULL
};
static const char *const lang_fillers[] = { "in", "auf", NULL };
static const char *const price_fillers[] = {
	"price", "priced", "cost", "costs", "costing", "preis", "kostet",
	NULL
};
static const char *const connectors[] = {
	"and", "und", "&", "+", ",", ";", NULL
};
static const char *const or_words[] = { "or", "oder", "/", "|", NULL };
static const char *const negations[] = {
	"no", "not", "without", "non", "except", "excluding", "never",
	"ohne", "kein", "keine", "keinen", "keiner", "nicht", "außer",
	"ausser", NULL
};
static const char *const neg_after[] = { "not", "nicht", NULL };

static const char *const price_leads[] = {
	"under", "below", "less than", "cheaper than", "max", "max .",
	"maximum", "at most", "up to", "<", "<=", "≤", "unter", "bis",
	"bis zu", "höchstens", "maximal", "weniger als", "günstiger als",
	"billiger als", NULL
};
static const char *const cur_before[] = { "$", "€", "usd", "eur", NULL };
static const char *const cur_after[] = {
	"$", "€", "usd", "eur", "euro", "euros", "dollar", "dollars", NULL
};
static const char *const per_words[] = { "per", "pro", "je", "/", NULL };
static const char *const per_million[] = {
	"million", "mio", "mio .", "1 million", "1 mio", "1 m", "m", "mtok",
	"1 mtok", NULL
};
static const char *const per_tokens[] = {
	"tokens", "token", "input tokens", "input token", NULL
};
/* After an amount: it is not a price per million input tokens. */
static const char *const not_price[] = {
	"per", "pro", "je", "/", "a", "an", "each", "every", "for", "im",
	"monthly", "month", "k", "m", "thousand", "million", "mio",
	"billion", "cent", "cents", "ct", "output", "completion",
	"ausgabe", NULL
};

static const char *const min_leads[] = {
	"at least", "min", "min .", "minimum", "more than", "over", "above",
	">", ">=", "≥", "mindestens", "über", "ab", NULL
};
static const char *const max_before[] = {
	"under", "below", "than", "most", "max", "maximum", "maximal", "to",
	"<", "<=", "≤", "unter", "bis", "zu", "höchstens", NULL
};
static const char *const ctx_words[] = {
	"context", "context window", "context length", "context size",
	"ctx", "kontext", "kontextfenster", "kontextlänge", NULL
};
static const char *const token_words[] = { "tokens", "token", NULL };

struct place {
	const char	*words;
	const char	*code;
	int		 upper;	/* only as "US", or after an article */
};

static const struct place places[] = {
	{ "eu", "EU", 0 },
	{ "europe", "EU", 0 },
	{ "europa", "EU", 0 },
	{ "european union", "EU", 0 },
	{ "germany", "DE", 0 },
	{ "deutschland", "DE", 0 },
	{ "us", "US", 1 },
	{ "usa", "US", 0 },
	{ "united states", "US", 0 },
	{ "uk", "GB", 0 },
	{ "united kingdom", "GB", 0 },
	{ "great britain", "GB", 0 },
	{ "großbritannien", "GB", 0 },
	{ "switzerland", "CH", 0 },
	{ "schweiz", "CH", 0 },
	{ "france", "FR", 0 },
	{ "frankreich", "FR", 0 },
};

static const char *const res_pre[] = {
	"data", "hosted", "hosting", "stored", "servers", "data residency",
	"daten", "gehostet", "nur", "only", NULL
};
static const char *const res_in[] = {
	"in", "within", "inside", "innerhalb", NULL
};
static const char *const res_art[] = { "the", "der", "den", "die", NULL };
static const char *const res_in_after[] = {
	"only", "hosted", "gehostet", NULL
};
static const char *const res_suffix[] = {
	"only", "data residency", "residency", "hosted", "hosting",
	"region", NULL
};
static const char *const origins[] = {
	"made", "developed", "built", "trained", "designed", "founded",
	"based", "hergestellt", "entwickelt", "trainiert", NULL
};

/* ---- tokens ---- */

static size_t
ws_len(const char *q, size_t len, size_t p)
{
	unsigned char	 c = (unsigned char)q[p];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f')
		return 1;
	if (c == 0xc2 && p + 1 < len && (unsigned char)q[p + 1] == 0xa0)
		return 2;	/* no-break space */
	return 0;
}

/* ", or the typographic „ “ ” (U+201E, U+201C, U+201D). */
static size_t
quote_len(const char *q, size_t len, size_t p)
{
	const unsigned char	*u = (const unsigned char *)q + p;

	if (u[0] == '"')
		return 1;
	if (u[0] == 0xe2 && p + 2 < len && u[1] == 0x80 &&
	    (u[2] == 0x9c || u[2] == 0x9d || u[2] == 0x9e))
		return 3;
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_punct(char c)
{
	return strchr(".,;:!?()[]{}", c) != NULL && c != '\0';
}

/* $ / € as a symbol token: its length, or 0. */
static size_t
sym_len(const char *q, size_t len, size_t p)
{
	if (q[p] == '$' || q[p] == '/')
		return 1;
	if ((unsigned char)q[p] == 0xe2 && p + 2 < len &&
	    (unsigned char)q[p + 1] == 0x82 && (unsigned char)q[p + 2] == 0xac)
		return 3;
	return 0;
}

/* Lower case for ASCII and the Latin-1 letters (U+00C0 to U+00DE). */
static char *
lower(struct mkt_arena *a, const char *q, size_t len)
{
	char	*s;
	size_t	 i;

	s = mkt_arena_alloc(a, len + 1);
	memcpy(s, q, len + 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			s[i] = (char)(c + 32);
		else if (c == 0xc3 && i + 1 < len) {
			c = (unsigned char)s[i + 1];
			if (c >= 0x80 && c <= 0x9e && c != 0x97)
				s[i + 1] = (char)(c + 0x20);
			i++;
		}
	}
	return s;
}

static void
push(struct nlp *p, size_t off, size_t len, enum ttype type, int glued)
{
	struct tok	*t = &p->t[p->n++];

	t->off = off;
	t->len = len;
	t->type = type;
	t->glued = glued;
	t->flags = 0;
}

/*
 * A chunk runs to white space outside quotes.  A chunk with a quote, or
 * starting with "-", is one protected token; any other is cut into
 * numbers, symbols, punctuation and words, glued to each other.
 */
static void
tokenize(struct nlp *p, size_t len)
{
	const char	*q = p->q;
	size_t		 i = 0, e, s, l;
	int		 inq, hasq, glued;

	while (i < len) {
		if ((l = ws_len(q, len, i)) > 0) {
			i += l;
			continue;
		}
		for (e = i, inq = hasq = 0; e < len; ) {
			if (!inq && ws_len(q, len, e) > 0)
				break;
			if ((l = quote_len(q, len, e)) > 0) {
				inq = !inq;
				hasq = 1;
				e += l;
			} else
				e++;
		}
		if (hasq || (q[i] == '-' && e - i > 1)) {
			push(p, i, e - i, T_PROT, 0);
			i = e;
			continue;
		}
		for (glued = 0; i < e; glued = 1) {
			s = i;
			if (is_digit(q[i])) {
				while (i < e && is_digit(q[i]))
					i++;
				while (i + 1 < e && (q[i] == '.' ||
				    q[i] == ',') && is_digit(q[i + 1])) {
					i++;
					while (i < e && is_digit(q[i]))
						i++;
				}
				push(p, s, i - s, T_NUM, glued);
			} else if ((l = sym_len(q, len, i)) > 0) {
				i += l;
				push(p, s, l, T_SYM, glued);
			} else if (is_punct(q[i])) {
				push(p, s, 1, T_PUNCT, glued);
				i++;
			} else {
				while (i < e && !is_punct(q[i]) &&
				    sym_len(q, len, i) == 0)
					i++;
				push(p, s, i - s, T_WORD, glued);
			}
		}
	}
}

/* ---- matching words ---- */

static int
usable(const struct nlp *p, size_t k)
{
	return k < p->n && p->t[k].type != T_PROT &&
	    !(p->t[k].flags & F_REMOVED);
}

static int
word_is(const struct nlp *p, size_t k, const char *w, size_t wl)
{
	return usable(p, k) && p->t[k].len == wl &&
	    memcmp(p->low + p->t[k].off, w, wl) == 0;
}

static int
is(const struct nlp *p, size_t k, const char *w)
{
	return word_is(p, k, w, strlen(w));
}

static int
isany(const struct nlp *p, size_t k, const char *const *list)
{
	for (; *list != NULL; list++)
		if (is(p, k, *list))
			return 1;
	return 0;
}

/* The words of pat (single spaces) from token k on: the end, or 0. */
static size_t
seq(const struct nlp *p, size_t k, const char *pat)
{
	const char	*sp;
	size_t		 wl;

	for (;;) {
		sp = strchr(pat, ' ');
		wl = sp == NULL ? strlen(pat) : (size_t)(sp - pat);
		if (!word_is(p, k, pat, wl))
			return 0;
		k++;
		if (sp == NULL)
			return k;
		pat = sp + 1;
	}
}

/* The longest of the patterns from k on: the end, or 0. */
static size_t
seqany(const struct nlp *p, size_t k, const char *const *list)
{
	size_t	 e, best = 0;

	for (; *list != NULL; list++)
		if ((e = seq(p, k, *list)) > best)
			best = e;
	return best;
}

/* seqany(), or k itself when nothing follows. */
static size_t
opt(const struct nlp *p, size_t k, const char *const *list)
{
	size_t	 e;

	return (e = seqany(p, k, list)) > 0 ? e : k;
}

/* ---- numbers ---- */

struct num {
	char		 digits[2][NUM_DIGITS + 1];	/* groups */
	size_t		 ngroups;
	char		 sep;			/* '.' or ',' */
};

/*
 * The one or two digit groups of a number token.  More groups are fine
 * only as thousands (all after the first of three digits, one sort of
 * separator), which *thou then holds as a plain integer.
 */
static int
num_read(const struct nlp *p, size_t k, struct num *n, uint64_t *thou)
{
	const char	*s = p->q + p->t[k].off;
	size_t		 len = p->t[k].len, i, g = 0, gl = 0, first = 0;
	int		 thousands = 1;

	memset(n, 0, sizeof(*n));
	*thou = 0;
	for (i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			if (g < 2 && gl < NUM_DIGITS)
				n->digits[g][gl] = s[i];
			if (++gl > NUM_DIGITS)
				return 0;
			if (*thou > (UINT64_MAX - 9) / 10)
				return 0;
			*thou = *thou * 10 + (uint64_t)(s[i] - '0');
			continue;
		}
		if (g == 0) {
			first = gl;
			n->sep = s[i];
		} else if (gl != 3 || s[i] != n->sep)
			thousands = 0;
		if (n->sep != s[i])
			thousands = 0;
		g++;
		gl = 0;
	}
	if (g > 0 && gl != 3)
		thousands = 0;
	if (g > 0 && (first == 0 || first > 3))
		thousands = 0;
	n->ngroups = g + 1;
	if (!thousands)
		*thou = 0;
	return 1;
}

/* The amount of a price, "1.5" for "1,5", or NULL when ambiguous. */
static char *
price_value(const struct nlp *p, size_t k)
{
	struct num	 n;
	uint64_t	 thou;
	const char	*ip;

	if (!num_read(p, k, &n, &thou) || n.ngroups > 2)
		return NULL;
	for (ip = n.digits[0]; ip[0] == '0' && ip[1] != '\0'; ip++)
		continue;
	if (n.ngroups == 1)
		return mkt_arena_strdup(p->a, ip);
	/* "1,000" and "1.000": a thousand, or one?  "0.125" is clear. */
	if (strlen(n.digits[1]) == 3 && strcmp(ip, "0") != 0)
		return NULL;
	if (strlen(n.digits[1]) > 6)
		return NULL;
	return mkt_arena_printf(p->a, "%s.%s", ip, n.digits[1]);
}

/* At most NUM_DIGITS digits, so it fits. */
static uint64_t
digits_value(const char *s)
{
	uint64_t	 v = 0;

	for (; *s != '\0'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

/* A size of context from token k: the end, or 0; *v the tokens. */
static size_t
size_at(const struct nlp *p, size_t k, uint64_t *v)
{
	struct num	 n;
	uint64_t	 thou, mult = 1, ip, fp = 0, scale = 1;
	size_t		 e = k + 1, i;

	if (!usable(p, k) || p->t[k].type != T_NUM)
		return 0;
	if (is(p, e, "k") || is(p, e, "thousand") || is(p, e, "tausend"))
		mult = 1000;
	else if (is(p, e, "m") || is(p, e, "million") || is(p, e, "mio"))
		mult = 1000000;
	else if (e < p->n && p->t[e].glued && p->t[e].type == T_WORD)
		return 0;	/* "128kb", "4x" */
	if (mult > 1)
		e++;
	if (!num_read(p, k, &n, &thou))
		return 0;
	if (mult == 1) {
		if (n.ngroups > 1 && thou == 0)
			return 0;
		*v = n.ngroups > 1 ? thou : digits_value(n.digits[0]);
	} else {
		if (n.ngroups > 2 || strlen(n.digits[0]) > 4)
			return 0;
		ip = digits_value(n.digits[0]);
		if (n.ngroups == 2) {
			if (strlen(n.digits[1]) >= 3)
				return 0;
			for (i = 0; n.digits[1][i] != '\0'; i++) {
				fp = fp * 10 + (uint64_t)(n.digits[1][i] - '0');
				scale *= 10;
			}
		}
		if ((fp * mult) % scale != 0)
			return 0;
		*v = ip * mult + fp * mult / scale;
	}
	if (*v < 1000 || *v > 1000000000)
		return 0;
	return e;
}

/* ---- phrases ---- */

struct match {
	size_t		 end;		/* 0: none */
	const char	*kind;
	const char	*value;
	unsigned	 flags;		/* P_* */
};

static void
better(struct match *m, size_t end, const char *kind, const char *value,
    unsigned flags)
{
	if (end > m->end) {
		m->end = end;
		m->kind = kind;
		m->value = value;
		m->flags = flags;
	}
}

static void
m_table(const struct nlp *p, size_t i, struct match *m)
{
	const struct phrase	*ph;
	size_t			 e, k;

	for (k = 0; k < sizeof(phrases) / sizeof(phrases[0]); k++) {
		ph = &phrases[k];
		if ((e = seq(p, i, ph->words)) == 0)
			continue;
		if ((ph->flags & P_WITH) &&
		    (i == 0 || !isany(p, i - 1, with_words)))
			continue;
		if (ph->flags & P_CAT)
			e = opt(p, e, model_words);
		if (ph->flags & P_CERT)
			e = opt(p, e, cert_suffixes);
		better(m, e, ph->kind, ph->value, ph->flags);
	}
}

/* A place from token k: the end, or 0. */
static size_t
place_at(const struct nlp *p, size_t k, int lower_ok, const char **code)
{
	size_t	 i, e, best = 0;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if ((e = seq(p, k, places[i].words)) <= best)
			continue;
		if (places[i].upper && !lower_ok &&
		    memcmp(p->q + p->t[k].off, "US", 2) != 0)
			continue;
		best = e;
		*code = places[i].code;
	}
	return best;
}

static void
m_residency(const struct nlp *p, size_t i, struct match *m)
{
	const char	*code = NULL;
	size_t		 j, k, e;
	int		 art, pre;

	/* [PRE] in [the] PLACE [only] */
	j = opt(p, i, res_pre);
	pre = j > i;
	if ((k = seqany(p, j, res_in)) > 0) {
		e = opt(p, k, res_art);
		art = e > k && (is(p, k, "the") || is(p, k, "den"));
		if ((e = place_at(p, e, art, &code)) > 0 &&
		    (pre || i == 0 || !isany(p, i - 1, origins)))
			better(m, opt(p, e, res_in_after), K_RES, code, 0);
	}
	/* [nur] PLACE SUFFIX, nur PLACE */
	j = is(p, i, "nur") ? i + 1 : i;
	if ((e = place_at(p, j, 0, &code)) > 0) {
		if ((k = seqany(p, e, res_suffix)) > 0)
			better(m, k, K_RES, code, 0);
		else if (j > i)
			better(m, e, K_RES, code, 0);
	}
}

static void
m_price(const struct nlp *p, size_t i, struct match *m)
{
	const char	*v;
	size_t		 j, k, num;
	int		 cur = 0;

	if ((j = seqany(p, i, price_leads)) == 0)
		return;
	if (isany(p, j, cur_before)) {
		cur = 1;
		j++;
	}
	if (!usable(p, j) || p->t[j].type != T_NUM)
		return;
	num = j++;
	if (j < p->n && p->t[j].glued && p->t[j].type == T_WORD &&
	    !isany(p, j, cur_after))
		return;		/* "$5k", "2x" */
	if (isany(p, j, cur_after)) {
		cur = 1;
		j++;
	}
	/* per million [tokens] */
	if ((k = seqany(p, j, per_words)) > 0 &&
	    (k = seqany(p, k, per_million)) > 0) {
		k = opt(p, k, per_tokens);
		if (isany(p, k, not_price))
			return;
		j = k;
	} else if (!cur || isany(p, j, not_price) ||
	    (j < p->n && p->t[j].type == T_PUNCT && p->t[j].glued &&
	    isany(p, j + 1, not_price)))
		return;
	if ((v = price_value(p, num)) != NULL)
		better(m, j, K_PRICE, v, 0);
}

static void
m_context(const struct nlp *p, size_t i, struct match *m)
{
	uint64_t	 v;
	size_t		 j, k, e;

	/* [MIN] SIZE [tokens [of]] CONTEXT */
	j = opt(p, i, min_leads);
	if ((k = size_at(p, j, &v)) > 0) {
		k = opt(p, k, token_words);
		if (is(p, k, "of"))
			k++;
		if ((e = seqany(p, k, ctx_words)) > 0 &&
		    (j > i || i == 0 || !isany(p, i - 1, max_before)))
			better(m, e, K_CTX,
			    mkt_arena_printf(p->a, "%" PRIu64, v), 0);
	}
	/* CONTEXT [of] [MIN] SIZE [tokens] */
	if ((j = seqany(p, i, ctx_words)) > 0) {
		if (is(p, j, "of") || is(p, j, "von"))
			j++;
		j = opt(p, j, min_leads);
		if ((k = size_at(p, j, &v)) > 0)
			better(m, opt(p, k, token_words), K_CTX,
			    mkt_arena_printf(p->a, "%" PRIu64, v), 0);
	}
}

/*
 * Whether the phrase [s, e) must stay text: next to an "or", after a
 * negation (through fillers, lists and phrases left for the same
 * reason) or before a "not".
 */
static int
blocked(const struct nlp *p, size_t s, size_t e)
{
	const struct tok	*t;
	size_t			 k;

	if ((s > 0 && isany(p, s - 1, or_words)) || isany(p, e, or_words) ||
	    isany(p, e, neg_after))
		return 1;
	if (is(p, e, "only") && (isany(p, e + 1, or_words) ||
	    isany(p, e + 1, neg_after)))
		return 1;
	for (k = s; k > 0; k--) {
		t = &p->t[k - 1];
		if (isany(p, k - 1, negations))
			return 1;
		if (isany(p, k - 1, lead_fillers) ||
		    isany(p, k - 1, articles) ||
		    isany(p, k - 1, connectors) ||
		    isany(p, k - 1, or_words) ||
		    (t->type == T_PUNCT && p->low[t->off] == ',') ||
		    (t->flags & F_BLOCKED))
			continue;
		break;
	}
	return 0;
}

/* Whether a filter of this kind and value may be added. */
static int
kind_free(const struct mkt_nlquery *nl, const char *kind, const char *value)
{
	size_t	 i;
	int	 multi = kind == K_TAG || kind == K_CERT;

	for (i = 0; i < nl->nfilters; i++)
		if (nl->filters[i].kind == kind &&
		    (!multi || strcmp(nl->filters[i].value, value) == 0))
			return 0;
	return 1;
}

/* The text of tokens [s, e), white space as single spaces. */
static char *
span(const struct nlp *p, size_t s, size_t e)
{
	const char	*q = p->q;
	char		*out;
	size_t		 from, to, o = 0, l;

	from = p->t[s].off;
	to = p->t[e - 1].off + p->t[e - 1].len;
	out = mkt_arena_alloc(p->a, to - from + 1);
	while (from < to) {
		if ((l = ws_len(q, to, from)) > 0) {
			while (from < to && (l = ws_len(q, to, from)) > 0)
				from += l;
			out[o++] = ' ';
		} else
			out[o++] = q[from++];
	}
	out[o] = '\0';
	return out;
}

static void
drop(struct nlp *p, size_t s, size_t e)
{
	for (; s < e; s++)
		p->t[s].flags |= F_REMOVED;
}

/* Fillers before and after the phrase [s, e) go with it. */
static void
fillers(struct nlp *p, size_t s, size_t e, const struct match *m)
{
	if (s > 0) {
		if ((m->kind == K_PRICE && isany(p, s - 1, price_fillers)) ||
		    ((m->flags & P_LANG) && isany(p, s - 1, lang_fillers))) {
			s--;
			drop(p, s, s + 1);
		}
	}
	if (s > 1 && isany(p, s - 1, articles) &&
	    isany(p, s - 2, with_words))
		drop(p, s - 2, s);
	else if (s > 0 && isany(p, s - 1, lead_fillers))
		drop(p, s - 1, s);
	if (is(p, e, "only"))
		drop(p, e, e + 1);
}

/* Connectors between phrases, punctuation stuck to them. */
static void
tidy(struct nlp *p)
{
	struct tok	*t = p->t;
	size_t		 k, r;

	for (k = 0; k < p->n; k++)
		if (t[k].type == T_PUNCT && !(t[k].flags & F_REMOVED) &&
		    ((t[k].glued && k > 0 && (t[k - 1].flags & F_REMOVED)) ||
		    (k + 1 < p->n && t[k + 1].glued &&
		    (t[k + 1].flags & F_REMOVED))))
			t[k].flags |= F_REMOVED;
	for (k = 1; k < p->n; k++) {
		if (!(t[k - 1].flags & F_REMOVED) ||
		    !isany(p, k, connectors))
			continue;
		for (r = k; r < p->n && isany(p, r, connectors); r++)
			continue;
		if (r < p->n && (t[r].flags & F_REMOVED))
			drop(p, k, r);
		k = r;
	}
}

static char *
text_left(const struct nlp *p, size_t len)
{
	const struct tok	*t = p->t;
	char			*out;
	size_t			 k, o = 0, from, to, l;

	out = mkt_arena_alloc(p->a, len + 1);
	for (k = 0; k < p->n; k++) {
		if (t[k].flags & F_REMOVED)
			continue;
		if (o > 0 && !(t[k].glued && !(t[k - 1].flags & F_REMOVED)))
			out[o++] = ' ';
		from = t[k].off;
		to = from + t[k].len;
		while (from < to && o < len) {
			if ((l = ws_len(p->q, to, from)) > 0) {
				while (from < to &&
				    (l = ws_len(p->q, to, from)) > 0)
					from += l;
				out[o++] = ' ';
			} else
				out[o++] = p->q[from++];
		}
	}
	out[o] = '\0';
	return out;
}

void
mkt_nlquery_parse(struct mkt_arena *a, const char *q, struct mkt_nlquery *nl)
{
	struct nlp		 p;
	struct match		 m;
	struct mkt_nlfilter	*f;
	size_t			 len, i;

	memset(nl, 0, sizeof(*nl));
	nl->text = "";
	if (q == NULL || (len = strlen(q)) == 0)
		return;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.q = q;
	p.low = lower(a, q, len);
	/* At most one token per byte. */
	p.t = mkt_arena_alloc(a, len * sizeof(struct tok));
	tokenize(&p, len);

	for (i = 0; i < p.n && nl->nfilters < MKT_NL_MAX_FILTERS; ) {
		memset(&m, 0, sizeof(m));
		if (usable(&p, i)) {
			m_table(&p, i, &m);
			m_residency(&p, i, &m);
			m_price(&p, i, &m);
			m_context(&p, i, &m);
		}
		if (m.end == 0) {
			i++;
			continue;
		}
		if (blocked(&p, i, m.end)) {
			for (; i < m.end; i++)
				p.t[i].flags |= F_BLOCKED;
			continue;
		}
		if (!kind_free(nl, m.kind, m.value)) {
			i = m.end;
			continue;
		}
		f = &nl->filters[nl->nfilters++];
		f->kind = m.kind;
		f->value = m.value;
		f->phrase = span(&p, i, m.end);
		drop(&p, i, m.end);
		fillers(&p, i, m.end, &m);
		i = m.end;
	}
	tidy(&p);
	nl->text = text_left(&p, len);
}
