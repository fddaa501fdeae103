/* import.c: turns a LiteLLM-format model catalog into providers, services
 * and versions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>

#include <json-c/json.h>

#include "ctl.h"

#ifndef DEMODIR
#define DEMODIR "/usr/share/llm-marketplace/sql/demo"
#endif

/* Well-known providers: display name and homepage; they are verified. */
static const struct {
	const char	*key;		/* litellm_provider, or a prefix of it */
	const char	*slug;
	const char	*name;
	const char	*homepage;
} known[] = {
	{ "openai", "openai", "OpenAI", "https://openai.com" },
	{ "text-completion-openai", "openai", "OpenAI", "https://openai.com" },
	{ "azure_ai", "azure-ai", "Azure AI Foundry", "https://ai.azure.com" },
	{ "azure", "azure", "Microsoft Azure OpenAI",
	  "https://azure.microsoft.com" },
	{ "anthropic", "anthropic", "Anthropic", "https://www.anthropic.com" },
	{ "bedrock", "bedrock", "Amazon Bedrock",
	  "https://aws.amazon.com/bedrock/" },
	{ "vertex_ai", "vertex-ai", "Google Vertex AI",
	  "https://cloud.google.com/vertex-ai" },
	{ "gemini", "gemini", "Google Gemini API", "https://ai.google.dev" },
	{ "mistral", "mistral", "Mistral AI", "https://mistral.ai" },
	{ "codestral", "mistral", "Mistral AI", "https://mistral.ai" },
	{ "cohere", "cohere", "Cohere", "https://cohere.com" },
	{ "groq", "groq", "Groq", "https://groq.com" },
	{ "deepseek", "deepseek", "DeepSeek", "https://www.deepseek.com" },
	{ "xai", "xai", "xAI", "https://x.ai" },
	{ "together_ai", "together-ai", "Together AI",
	  "https://www.together.ai" },
	{ "fireworks_ai", "fireworks-ai", "Fireworks AI",
	  "https://fireworks.ai" },
	{ "perplexity", "perplexity", "Perplexity", "https://www.perplexity.ai" },
	{ "openrouter", "openrouter", "OpenRouter", "https://openrouter.ai" },
	{ "deepinfra", "deepinfra", "DeepInfra", "https://deepinfra.com" },
	{ "replicate", "replicate", "Replicate", "https://replicate.com" },
	{ "watsonx", "watsonx", "IBM watsonx", "https://www.ibm.com/watsonx" },
	{ "databricks", "databricks", "Databricks",
	  "https://www.databricks.com" },
	{ "cerebras", "cerebras", "Cerebras", "https://www.cerebras.ai" },
	{ "sambanova", "sambanova", "SambaNova", "https://sambanova.ai" },
	{ "nvidia_nim", "nvidia-nim", "NVIDIA NIM", "https://build.nvidia.com" },
	{ "voyage", "voyage", "Voyage AI", "https://www.voyageai.com" },
	{ "jina_ai", "jina-ai", "Jina AI", "https://jina.ai" },
	{ "ai21", "ai21", "AI21 Labs", "https://www.ai21.com" },
};

static const struct {
	const char	*mode;
	const char	*category;
	const char	*phrase;
} modes[] = {
	{ "chat", "text-generation", "chat" },
	{ "completion", "text-generation", "text completion" },
	{ "responses", "text-generation", "chat (Responses API)" },
	{ "embedding", "embeddings", "text embedding" },
	{ "image_generation", "image-generation", "image generation" },
	{ "audio_transcription", "speech-to-text", "speech-to-text" },
	{ "audio_speech", "text-to-speech", "text-to-speech" },
	{ "rerank", "reranking", "reranking" },
	{ "moderation", "moderation", "moderation" },
};

static const struct {
	const char	*flag;
	const char	*tag;
	const char	*words;
} features[] = {
	{ "supports_vision", "vision", "vision" },
	{ "supports_function_calling", "function-calling", "function calling" },
	{ "supports_parallel_function_calling", "parallel-function-calling",
	  NULL },
	{ "supports_tool_choice", "tool-choice", NULL },
	{ "supports_response_schema", "structured-output",
	  "structured output" },
	{ "supports_reasoning", "reasoning", "reasoning" },
	{ "supports_prompt_caching", "prompt-caching", "prompt caching" },
	{ "supports_web_search", "web-search", "web search" },
	{ "supports_pdf_input", "pdf-input", "PDF input" },
	{ "supports_audio_input", "audio-input", "audio input" },
	{ "supports_audio_output", "audio-output", "audio output" },
	{ "supports_video_input", "video-input", "video input" },
	{ "supports_computer_use", "computer-use", "computer use" },
	{ "supports_system_messages", "system-messages", NULL },
	{ "supports_assistant_prefill", "assistant-prefill", NULL },
};

/* One statement per model for the provider, service and version. */
static const char upsert_sql[] =
	"WITH org AS ("
	"  INSERT INTO organizations (slug, name) VALUES ($1, $2)"
	"  ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name"
	"  RETURNING id),"
	" prov AS ("
	"  INSERT INTO providers (organization_id, slug, name, verified,"
	"    homepage) SELECT id, $1, $2, $3::boolean, $4 FROM org"
	"  ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,"
	"    verified = EXCLUDED.verified, homepage = EXCLUDED.homepage,"
	"    updated_at = now()"
	"  RETURNING id),"
	" svc AS ("
	"  INSERT INTO services (provider_id, slug, name, description,"
	"    category, tags, capabilities, mode, status)"
	"  SELECT id, $5, $6, $7, $8, $9::text[], $10::jsonb, $11, $12"
	"  FROM prov"
	"  ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,"
	"    description = EXCLUDED.description,"
	"    category = EXCLUDED.category, tags = EXCLUDED.tags,"
	"    capabilities = EXCLUDED.capabilities, mode = EXCLUDED.mode,"
	"    status = EXCLUDED.status, updated_at = now()"
	"  RETURNING id)"
	" INSERT INTO service_versions (service_id, version, status,"
	"   input_price_per_mtok, output_price_per_mtok,"
	"   cached_input_price_per_mtok, price_per_request, context_window,"
	"   max_output_tokens, published_at, sunset_at)"
	" SELECT id, '1.0.0', $12, $13::numeric * 1000000,"
	"   $14::numeric * 1000000, $15::numeric * 1000000, $16::numeric,"
	"   $17::integer, $18::integer, now(), $19::date FROM svc"
	" ON CONFLICT (service_id, version) DO UPDATE SET"
	"   status = EXCLUDED.status,"
	"   input_price_per_mtok = EXCLUDED.input_price_per_mtok,"
	"   output_price_per_mtok = EXCLUDED.output_price_per_mtok,"
	"   cached_input_price_per_mtok = EXCLUDED.cached_input_price_per_mtok,"
	"   price_per_request = EXCLUDED.price_per_request,"
	"   context_window = EXCLUDED.context_window,"
	"   max_output_tokens = EXCLUDED.max_output_tokens,"
	"   sunset_at = EXCLUDED.sunset_at"
	" RETURNING id, service_id";

/* A number from the catalog as text, keeping the source's digits. */
static const char *
num(struct json_object *e, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(e, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return NULL;
	if (json_object_get_double(v) < 0)
		return NULL;
	return json_object_get_string(v);
}

/* A positive token count, or NULL. */
static const char *
tokens(struct json_object *e, const char *key, char *buf, size_t sz)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(e, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return NULL;
	n = json_object_get_int64(v);
	if (n <= 0 || n > 2000000000)
		return NULL;
	snprintf(buf, sz, "%lld", (long long)n);
	return buf;
}

static void
provider_of(const char *key, struct mkt_buf *slug, struct mkt_buf *name,
    const char **homepage, bool *verified)
{
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(key, known[i].key, strlen(known[i].key)) == 0) {
			mkt_buf_puts(slug, known[i].slug);
			mkt_buf_puts(name, known[i].name);
			*homepage = known[i].homepage;
			*verified = true;
			return;
		}
	/* Unknown: "some_provider" becomes "Some Provider", not verified. */
	mkt_slugify(slug, key);
	for (i = 0; key[i] != '\0'; i++) {
		char ch = key[i];

		if (ch == '_' || ch == '-')
			ch = ' ';
		else if (i == 0 || key[i - 1] == '_' || key[i - 1] == '-')
			ch = (char)toupper((unsigned char)ch);
		mkt_buf_putc(name, ch);
	}
	*homepage = NULL;
	*verified = false;
}

/* "gpt-4o from OpenAI: a chat model with a 128,000-token context window.
 * Supports vision and function calling." */
static void
describe(struct mkt_buf *d, const char *model, const char *provider,
    const char *phrase, const char *ctx, const char **words, size_t nwords)
{
	size_t	 i;

	mkt_buf_printf(d, "%s from %s: %s %s model", model, provider,
	    strchr("aeiou", phrase[0]) != NULL ? "an" : "a", phrase);
	if (ctx != NULL) {
		long long	 n = strtoll(ctx, NULL, 10);

		if (n >= 1000000)
			mkt_buf_printf(d, " with a %lld,%03lld,%03lld-token "
			    "context window", n / 1000000, n / 1000 % 1000,
			    n % 1000);
		else if (n >= 1000)
			mkt_buf_printf(d, " with a %lld,%03lld-token context "
			    "window", n / 1000, n % 1000);
		else
			mkt_buf_printf(d, " with a %lld-token context window",
			    n);
	}
	mkt_buf_putc(d, '.');
	for (i = 0; i < nwords; i++)
		mkt_buf_printf(d, "%s%s", i == 0 ? " Supports " :
		    i + 1 == nwords ? " and " : ", ", words[i]);
	if (nwords > 0)
		mkt_buf_putc(d, '.');
}

struct seen {
	char	**slugs;
	size_t	  n;
};

/* Makes a service slug unique within this import ("-2", "-3", …). */
static void
unique_slug(struct seen *s, struct mkt_buf *slug)
{
	size_t	 i, base = slug->len;
	int	 k = 1;

again:
	for (i = 0; i < s->n; i++)
		if (strcmp(s->slugs[i], slug->ptr) == 0) {
			slug->len = base;
			mkt_buf_printf(slug, "-%d", ++k);
			goto again;
		}
	s->slugs = mkt_xrealloc(s->slugs, (s->n + 1) * sizeof(char *));
	s->slugs[s->n++] = mkt_xstrdup(slug->ptr);
}

static bool
import_one(struct ctl *c, struct seen *seen, const char *model,
    struct json_object *e, const char *today)
{
	struct mkt_buf		 pslug, pname, slug, desc, tags, caps;
	struct json_object	*v;
	const char		*homepage, *mode = NULL, *category = NULL;
	const char		*phrase = NULL, *ctx, *words[16], *params[19];
	const char		*sunset = NULL, *status = "active";
	char			 ctxbuf[24], outbuf[24];
	bool			 verified, ok;
	size_t			 i, nwords = 0, ntags = 0;
	PGresult		*res;

	if (json_object_object_get_ex(e, "mode", &v))
		mode = json_object_get_string(v);
	for (i = 0; mode != NULL && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].mode, mode) == 0) {
			category = modes[i].category;
			phrase = modes[i].phrase;
		}
	if (category == NULL || !json_object_object_get_ex(e,
	    "litellm_provider", &v))
		return true;	/* not a service we list: skip */
	mkt_buf_init(&pslug);
	mkt_buf_init(&pname);
	mkt_buf_init(&slug);
	mkt_buf_init(&desc);
	mkt_buf_init(&tags);
	mkt_buf_init(&caps);
	provider_of(json_object_get_string(v), &pslug, &pname, &homepage,
	    &verified);
	mkt_buf_printf(&slug, "%s-", pslug.ptr);
	mkt_slugify(&slug, model);
	if (slug.len > 120) {
		slug.len = 120;
		slug.ptr[120] = '\0';
	}
	while (slug.len > 1 && slug.ptr[slug.len - 1] == '-')
		slug.ptr[--slug.len] = '\0';
	unique_slug(seen, &slug);

	ctx = tokens(e, "max_input_tokens", ctxbuf, sizeof(ctxbuf));
	mkt_buf_putc(&tags, '{');
	mkt_buf_putc(&caps, '[');
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		if (!json_object_object_get_ex(e, features[i].flag, &v) ||
		    !json_object_get_boolean(v))
			continue;
		mkt_buf_printf(&tags, "%s%s", ntags ? "," : "",
		    features[i].tag);
		mkt_buf_printf(&caps, "%s{\"name\":\"%s\"}", ntags ? "," : "",
		    features[i].tag);
		ntags++;
		if (features[i].words != NULL && nwords < 16)
			words[nwords++] = features[i].words;
	}
	if (ctx != NULL && strtoll(ctx, NULL, 10) >= 128000) {
		mkt_buf_printf(&tags, "%slong-context", ntags ? "," : "");
		mkt_buf_printf(&caps, "%s{\"name\":\"long-context\"}",
		    ntags ? "," : "");
		ntags++;
	}
	mkt_buf_putc(&tags, '}');
	mkt_buf_putc(&caps, ']');
	describe(&desc, model, pname.ptr, phrase, ctx, words, nwords);

	/* A deprecation date becomes the version's sunset; once past, the
	 * service is listed as deprecated. */
	if (json_object_object_get_ex(e, "deprecation_date", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strlen(json_object_get_string(v)) == 10) {
		sunset = json_object_get_string(v);
		if (strcmp(sunset, today) <= 0)
			status = "deprecated";
	}

	params[0] = pslug.ptr;
	params[1] = pname.ptr;
	params[2] = verified ? "true" : "false";
	params[3] = homepage;
	params[4] = slug.ptr;
	params[5] = model;
	params[6] = desc.ptr;
	params[7] = category;
	params[8] = tags.ptr;
	params[9] = caps.ptr;
	params[10] = mode;
	params[11] = status;
	params[12] = num(e, "input_cost_per_token");
	params[13] = num(e, "output_cost_per_token");
	params[14] = num(e, "cache_read_input_token_cost");
	params[15] = num(e, "output_cost_per_image");
	params[16] = ctx;
	params[17] = tokens(e, "max_output_tokens", outbuf, sizeof(outbuf));
	params[18] = sunset;
	res = ctl_exec(c, upsert_sql, 19, params);
	ok = res != NULL;
	if (ok) {
		const char *p2[2] = { PQgetvalue(res, 0, 0),
		    PQgetvalue(res, 0, 1) };
		PGresult *r2 = ctl_exec(c, "UPDATE services SET "
		    "current_version_id = $1 WHERE id = $2", 2, p2);

		ok = r2 != NULL;
		PQclear(r2);
	} else
		fprintf(stderr, "marketctl: while importing \"%s\"\n", model);
	PQclear(res);
	mkt_buf_free(&pslug);
	mkt_buf_free(&pname);
	mkt_buf_free(&slug);
	mkt_buf_free(&desc);
	mkt_buf_free(&tags);
	mkt_buf_free(&caps);
	return ok;
}

/*
 * Imports every listable model of the file in one transaction: either the
 * whole catalog lands or none of it.  Idempotent: a second run updates
 * the same rows (slugs are stable).
 */
int
ctl_import(struct ctl *c, int argc, char **argv)
{
	const char		*path = argc > 1 ? argv[1] :
	    DEMODIR "/litellm-models.json";
	struct json_object	*root;
	struct seen		 seen = { NULL, 0 };
	struct timespec		 t0;
	char			 today[11];
	time_t			 now = time(NULL);
	struct tm		 tm;
	size_t			 total, done = 0, i;
	int			 rc = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: marketctl import-catalog [FILE]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((root = json_object_from_file(path)) == NULL ||
	    !json_object_is_type(root, json_type_object)) {
		fprintf(stderr, "marketctl: could not read a JSON object from "
		    "\"%s\": %s\n", path, json_util_get_last_err());
		json_object_put(root);
		return 1;
	}
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	total = (size_t)json_object_object_length(root);
	ctl_progress(c, "importing %zu catalog entries from %s\n", total, path);
	if (!ctl_command(c, "BEGIN")) {
		json_object_put(root);
		return 1;
	}
	json_object_object_foreach(root, model, entry) {
		if (!json_object_is_type(entry, json_type_object) ||
		    strcmp(model, "sample_spec") == 0 ||
		    !mkt_text_clean(model, strlen(model)) ||
		    strlen(model) > 200)
			continue;
		if (!import_one(c, &seen, model, entry, today)) {
			rc = 1;
			break;
		}
		if (++done % 500 == 0)
			ctl_progress(c, "  %zu/%zu\n", done, total);
	}
	if (rc == 0) {
		char details[128];

		snprintf(details, sizeof(details), "{\"tool\":\"marketctl\","
		    "\"services\":%zu}", seen.n);
		if (!ctl_audit(c, "catalog.import", "catalog", NULL, details))
			rc = 1;
	}
	if (rc == 0 && ctl_command(c, "COMMIT"))
		ctl_progress(c, "imported %zu services in %.1f s\n", seen.n,
		    mkt_elapsed_ms(&t0) / 1000);
	else {
		ctl_command(c, "ROLLBACK");
		fprintf(stderr, "marketctl: import failed; nothing was "
		    "changed\n");
		rc = 1;
	}
	for (i = 0; i < seen.n; i++)
		free(seen.slugs[i]);
	free(seen.slugs);
	json_object_put(root);
	return rc;
}
