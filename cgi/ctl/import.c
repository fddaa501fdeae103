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
	const char	*path;		/* of the OpenAI-compatible API */
	const char	*operation;
} modes[] = {
	{ "chat", "text-generation", "chat", "/v1/chat/completions",
	  "createChatCompletion" },
	{ "completion", "text-generation", "text completion",
	  "/v1/completions", "createCompletion" },
	{ "responses", "text-generation", "chat (Responses API)",
	  "/v1/responses", "createResponse" },
	{ "embedding", "embeddings", "text embedding", "/v1/embeddings",
	  "createEmbedding" },
	{ "image_generation", "image-generation", "image generation",
	  "/v1/images/generations", "createImage" },
	{ "audio_transcription", "speech-to-text", "speech-to-text",
	  "/v1/audio/transcriptions", "createTranscription" },
	{ "audio_speech", "text-to-speech", "text-to-speech",
	  "/v1/audio/speech", "createSpeech" },
	{ "rerank", "reranking", "reranking", "/v1/rerank", "createRerank" },
	{ "moderation", "moderation", "moderation", "/v1/moderations",
	  "createModeration" },
};
#define NMODES	(sizeof(modes) / sizeof(modes[0]))

/* The demo catalog's promises, the same for every imported service
 * (sql/demo/README.md says so): the source has no SLA and no endpoints. */
#define DEMO_SLA	"{\"availability_pct\": \"99.5\", " \
			"\"max_latency_ms\": 30000, \"support\": \"business-hours\"}"

/* What the pipeline's steps found, per mode (contract) and per model
 * (policy), while importing. */
struct pipeline {
	char			 sha[NMODES][65];
	struct json_object	*contract[NMODES];	/* reports */
	struct json_object	*rules;			/* check policies */
	struct mkt_arena	*arena;
	size_t			 refused;
	struct mkt_buf		 refusals;		/* the first few */
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
	"    category, tags, capabilities, mode, status, endpoint, sla)"
	"  SELECT id, $5, $6, $7, $8, $9::text[], $10::jsonb, $11, $12,"
	"    $20::jsonb, $21::jsonb"
	"  FROM prov"
	"  ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,"
	"    description = EXCLUDED.description,"
	"    category = EXCLUDED.category, tags = EXCLUDED.tags,"
	"    capabilities = EXCLUDED.capabilities, mode = EXCLUDED.mode,"
	"    endpoint = EXCLUDED.endpoint, sla = EXCLUDED.sla,"
	"    updated_at = now()"
	"  RETURNING id)"
	" INSERT INTO service_versions (service_id, version, status,"
	"   input_price_per_mtok, output_price_per_mtok,"
	"   cached_input_price_per_mtok, price_per_request, context_window,"
	"   max_output_tokens, published_at, sunset_at, contract_sha256,"
	"   report)"
	" SELECT id, '1.0.0', $12, $13::numeric * 1000000,"
	"   $14::numeric * 1000000, $15::numeric * 1000000, $16::numeric,"
	"   $17::integer, $18::integer, now(), $19::date, $22, $23::jsonb"
	" FROM svc"
	" ON CONFLICT (service_id, version) DO UPDATE SET"
	"   status = CASE WHEN EXISTS (SELECT 1 FROM lifecycle_transitions t"
	"     WHERE t.from_status = service_versions.status"
	"       AND t.to_status = EXCLUDED.status)"
	"     THEN EXCLUDED.status ELSE service_versions.status END,"
	"   input_price_per_mtok = EXCLUDED.input_price_per_mtok,"
	"   output_price_per_mtok = EXCLUDED.output_price_per_mtok,"
	"   cached_input_price_per_mtok = EXCLUDED.cached_input_price_per_mtok,"
	"   price_per_request = EXCLUDED.price_per_request,"
	"   context_window = EXCLUDED.context_window,"
	"   max_output_tokens = EXCLUDED.max_output_tokens,"
	"   sunset_at = EXCLUDED.sunset_at,"
	"   contract_sha256 = coalesce(service_versions.contract_sha256,"
	"     EXCLUDED.contract_sha256),"
	"   report = EXCLUDED.report"
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

/* The enabled check policies, as the publishing pipeline reads them. */
static bool
load_rules(struct ctl *c, struct pipeline *pl)
{
	PGresult	*res = ctl_exec(c, "SELECT coalesce(json_agg(rule"
	    " ORDER BY id), '[]') FROM policies WHERE enabled"
	    " AND kind = 'check'", 0, NULL);

	if (res == NULL)
		return false;
	pl->rules = json_tokener_parse(PQgetvalue(res, 0, 0));
	PQclear(res);
	return pl->rules != NULL;
}

/* The OpenAI-compatible contract of one mode: one operation taking and
 * giving JSON.  Built here, then checked by the same validator providers
 * face. */
static struct json_object *
mode_contract(size_t m)
{
	struct json_object	*doc, *info, *paths, *op, *post, *resp, *ok;
	struct json_object	*body, *content, *media, *schema;

	doc = json_object_new_object();
	json_object_object_add(doc, "openapi", json_object_new_string("3.1.0"));
	info = json_object_new_object();
	json_object_object_add(info, "title", json_object_new_string(
	    "OpenAI-compatible API"));
	json_object_object_add(info, "version", json_object_new_string("1.0.0"));
	json_object_object_add(info, "description", json_object_new_string(
	    modes[m].phrase));
	json_object_object_add(doc, "info", info);

	schema = json_object_new_object();
	json_object_object_add(schema, "type", json_object_new_string("object"));
	json_object_object_add(schema, "required", json_object_new_array());
	json_object_array_add(json_object_object_get(schema, "required"),
	    json_object_new_string("model"));
	media = json_object_new_object();
	json_object_object_add(media, "schema", schema);
	content = json_object_new_object();
	json_object_object_add(content, "application/json", media);
	body = json_object_new_object();
	json_object_object_add(body, "required", json_object_new_boolean(1));
	json_object_object_add(body, "content", content);

	ok = json_object_new_object();
	json_object_object_add(ok, "description", json_object_new_string("OK"));
	resp = json_object_new_object();
	json_object_object_add(resp, "200", ok);

	post = json_object_new_object();
	json_object_object_add(post, "operationId",
	    json_object_new_string(modes[m].operation));
	json_object_object_add(post, "requestBody", body);
	json_object_object_add(post, "responses", resp);
	op = json_object_new_object();
	json_object_object_add(op, "post", post);
	paths = json_object_new_object();
	json_object_object_add(paths, modes[m].path, op);
	json_object_object_add(doc, "paths", paths);
	return doc;
}

/* Validates and stores the contract of every mode; the report's
 * "contract" step for each. */
static bool
store_contracts(struct ctl *c, struct pipeline *pl)
{
	size_t	 m;

	for (m = 0; m < NMODES; m++) {
		struct json_object	*doc = mode_contract(m), *f, *step;
		const char		*text, *p[4];
		char			 bytes[24];
		PGresult		*res;

		f = json_object_new_array();
		if (mkt_openapi_validate(doc, false, f) != 0) {
			fprintf(stderr, "marketctl: the built-in %s contract "
			    "is not valid: %s\n", modes[m].mode,
			    json_object_to_json_string(f));
			json_object_put(f);
			json_object_put(doc);
			return false;
		}
		text = json_object_to_json_string_ext(doc,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		mkt_sha256_hex(pl->sha[m], text, strlen(text));
		snprintf(bytes, sizeof(bytes), "%zu", strlen(text));
		p[0] = pl->sha[m];
		p[1] = text;
		p[2] = "json";
		p[3] = bytes;
		res = ctl_exec(c, "INSERT INTO contracts (sha256, document,"
		    " source_format, bytes) VALUES ($1, $2::json, $3,"
		    " $4::integer) ON CONFLICT (sha256) DO NOTHING", 4, p);
		step = json_object_new_object();
		json_object_object_add(step, "ok", json_object_new_boolean(1));
		json_object_object_add(step, "format",
		    json_object_new_string("json"));
		json_object_object_add(step, "findings", f);
		json_object_object_add(step, "operations",
		    json_object_new_int(1));
		json_object_object_add(step, "sha256",
		    json_object_new_string(pl->sha[m]));
		pl->contract[m] = step;
		json_object_put(doc);
		if (res == NULL)
			return false;
		PQclear(res);
	}
	return true;
}

/*
 * The policy step for one model: the same rules providers face, over
 * the same fields.  Returns the report to store, or NULL when a rule
 * blocks (the model is not imported; the reason is kept for the
 * summary).
 */
static struct json_object *
check_model(struct pipeline *pl, size_t m, const char *model,
    const char *desc, const char *endpoint, const char *const *prices)
{
	struct json_object	*subj, *d, *viol, *rep, *step;
	char			 err[256];
	int			 blocks;
	bool			 priced = false;
	size_t			 i;

	for (i = 0; i < 4; i++)
		priced = priced || prices[i] != NULL;
	subj = json_object_new_object();
	json_object_object_add(subj, "name", json_object_new_string(model));
	json_object_object_add(subj, "description",
	    json_object_new_string(desc));
	json_object_object_add(subj, "category",
	    json_object_new_string(modes[m].category));
	json_object_object_add(subj, "sla", json_tokener_parse(DEMO_SLA));
	json_object_object_add(subj, "compliance_level",
	    json_object_new_string("public"));
	json_object_object_add(subj, "certifications", json_object_new_array());
	json_object_object_add(subj, "data_residency", json_object_new_array());
	json_object_object_add(subj, "training_use", json_object_new_boolean(0));
	d = json_object_new_object();
	json_object_object_add(d, "endpoint_secure", json_object_new_boolean(
	    strncmp(endpoint, "https://", 8) == 0));
	json_object_object_add(d, "has_price", json_object_new_boolean(priced));
	json_object_object_add(d, "provider_listed_services",
	    json_object_new_int(1));
	json_object_object_add(subj, "derived", d);
	viol = json_object_new_array();
	blocks = mkt_policy_eval(pl->rules, subj, viol, err, sizeof(err));
	json_object_put(subj);
	if (blocks != 0) {
		if (blocks < 0)
			mkt_buf_printf(&pl->refusals, "  %s: %s\n", model, err);
		else if (pl->refused < 5) {
			size_t k;

			for (k = 0; k < json_object_array_length(viol); k++) {
				struct json_object *v =
				    json_object_array_get_idx(viol, k);

				if (strcmp(json_object_get_string(
				    json_object_object_get(v, "severity")),
				    "block") == 0) {
					mkt_buf_printf(&pl->refusals,
					    "  %s: %s\n", model,
					    json_object_get_string(
					    json_object_object_get(v,
					    "message")));
					break;
				}
			}
		}
		pl->refused++;
		json_object_put(viol);
		return NULL;
	}
	rep = json_object_new_object();
	json_object_object_add(rep, "contract",
	    json_object_get(pl->contract[m]));
	step = json_object_new_object();
	json_object_object_add(step, "ok", json_object_new_boolean(1));
	json_object_object_add(step, "violations", viol);
	json_object_object_add(step, "rules", json_object_new_int64(
	    (int64_t)json_object_array_length(pl->rules)));
	json_object_object_add(rep, "policy", step);
	step = json_object_new_object();
	json_object_object_add(step, "ok", json_object_new_boolean(1));
	json_object_object_add(step, "message", json_object_new_string(
	    "Imported by the operator from the demo catalog: the endpoint "
	    "was not called."));
	json_object_object_add(rep, "tests", step);
	step = json_object_new_object();
	json_object_object_add(step, "ok", json_object_new_boolean(1));
	json_object_object_add(step, "required", json_object_new_boolean(0));
	json_object_object_add(step, "reasons", json_object_new_array());
	json_object_object_add(step, "message", json_object_new_string(
	    "Approved by the operator who imported the catalog."));
	json_object_object_add(rep, "approval", step);
	return rep;
}

static bool
import_one(struct ctl *c, struct seen *seen, struct pipeline *pl,
    const char *model, struct json_object *e, const char *today)
{
	struct mkt_buf		 pslug, pname, slug, desc, tags, caps, ep;
	struct json_object	*v, *report;
	const char		*homepage, *mode = NULL, *category = NULL;
	const char		*phrase = NULL, *ctx, *words[16], *params[23];
	const char		*sunset = NULL, *status = "active";
	char			 ctxbuf[24], outbuf[24];
	bool			 verified, ok;
	size_t			 i, m = 0, nwords = 0, ntags = 0;
	PGresult		*res;

	if (json_object_object_get_ex(e, "mode", &v))
		mode = json_object_get_string(v);
	for (i = 0; mode != NULL && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].mode, mode) == 0) {
			category = modes[i].category;
			phrase = modes[i].phrase;
			m = i;
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
	mkt_buf_init(&ep);
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

	/* The pipeline's steps for a catalog the operator vouches for: the
	 * contract (checked once per mode) and the policies; no endpoint
	 * call, approval given by the import itself. */
	mkt_buf_printf(&ep, "{\"url\": \"https://%s.provider.example/v1\", "
	    "\"protocol\": \"openai\", \"auth_method\": \"bearer\"}",
	    pslug.ptr);
	report = check_model(pl, m, model, desc.ptr,
	    mkt_arena_printf(pl->arena, "https://%s.provider.example/v1",
	    pslug.ptr), params + 12);
	if (report == NULL) {
		ok = true;	/* refused: counted, not imported */
		res = NULL;
		goto done;
	}
	params[19] = ep.ptr;
	params[20] = DEMO_SLA;
	params[21] = pl->sha[m];
	params[22] = json_object_to_json_string_ext(report,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	res = ctl_exec(c, upsert_sql, 23, params);
	json_object_put(report);
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
done:
	PQclear(res);
	mkt_buf_free(&ep);
	mkt_buf_free(&pslug);
	mkt_buf_free(&pname);
	mkt_buf_free(&slug);
	mkt_buf_free(&desc);
	mkt_buf_free(&tags);
	mkt_buf_free(&caps);
	return ok;
}

/*
 * The demo catalog's endpoints are placeholders (*.provider.example).
 * With demo_provider_url set (./marketplace up sets it to the mock
 * provider it starts), every imported service calls that OpenAI-
 * compatible endpoint instead, with demo_provider_key as the provider's
 * credential, sealed like any other: the demo works end to end.
 */
static bool
demo_provider(struct ctl *c, struct mkt_arena *a)
{
	const char	*url = mkt_config_str(c->cfg, "demo_provider_url", NULL);
	const char	*key = mkt_config_str(c->cfg, "demo_provider_key", NULL);
	const char	*params[2];
	char		*sealed = NULL;
	PGresult	*res;

	if (url == NULL || *url == '\0')
		return true;
	if (key != NULL && *key != '\0' && mkt_seal(a, mkt_config_str(c->cfg,
	    "credential_key", ""), key, strlen(key), &sealed) != MKT_OK) {
		fprintf(stderr, "marketctl: demo_provider_key cannot be sealed: "
		    "set credential_key (64 hex digits)\n");
		return false;
	}
	params[0] = url;
	params[1] = sealed;
	res = ctl_exec(c, "UPDATE services SET endpoint = jsonb_build_object("
	    "'url', $1::text, 'protocol', 'openai', 'auth_method', 'bearer',"
	    " 'model', slug), endpoint_secret = $2"
	    " WHERE endpoint->>'url' LIKE 'https://%.provider.example/v1'",
	    2, params);
	if (res == NULL)
		return false;
	ctl_progress(c, "demo services call %s\n", url);
	PQclear(res);
	return true;
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
	struct pipeline		 pl;
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
	memset(&pl, 0, sizeof(pl));
	mkt_buf_init(&pl.refusals);
	pl.arena = mkt_arena_new(4096);
	if (!load_rules(c, &pl) || !store_contracts(c, &pl) ||
	    !ctl_command(c, "SELECT set_config('mkt.reason', "
	    "'catalog import, approved by the operator', true)"))
		rc = 1;
	json_object_object_foreach(root, model, entry) {
		if (rc != 0)
			break;
		if (!json_object_is_type(entry, json_type_object) ||
		    strcmp(model, "sample_spec") == 0 ||
		    !mkt_text_clean(model, strlen(model)) ||
		    strlen(model) > 200)
			continue;
		mkt_arena_reset(pl.arena);
		if (!import_one(c, &seen, &pl, model, entry, today)) {
			rc = 1;
			break;
		}
		if (++done % 500 == 0)
			ctl_progress(c, "  %zu/%zu\n", done, total);
	}
	if (rc == 0 && !demo_provider(c, pl.arena))
		rc = 1;
	/* The words "did you mean" and suggestions know (0008_search.sql). */
	if (rc == 0 && !ctl_command(c, "REFRESH MATERIALIZED VIEW "
	    "search_vocabulary"))
		rc = 1;
	if (rc == 0) {
		char details[128];

		snprintf(details, sizeof(details), "{\"tool\":\"marketctl\","
		    "\"services\":%zu,\"refused\":%zu}", seen.n - pl.refused,
		    pl.refused);
		if (!ctl_audit(c, "catalog.import", "catalog", NULL, details))
			rc = 1;
	}
	if (rc == 0 && ctl_command(c, "COMMIT")) {
		/* Fresh statistics, so that the planner's first searches
		 * use the indexes rather than wait for autovacuum. */
		if (!ctl_command(c, "ANALYZE services, service_versions, "
		    "providers"))
			rc = 1;
		ctl_progress(c, "imported %zu services in %.1f s\n",
		    seen.n - pl.refused, mkt_elapsed_ms(&t0) / 1000);
		if (pl.refused > 0)
			ctl_progress(c, "%zu models were refused by the "
			    "policies and not imported, for example:\n%s",
			    pl.refused, pl.refusals.ptr);
	}
	else {
		ctl_command(c, "ROLLBACK");
		fprintf(stderr, "marketctl: import failed; nothing was "
		    "changed\n");
		rc = 1;
	}
	for (i = 0; i < NMODES; i++)
		json_object_put(pl.contract[i]);
	json_object_put(pl.rules);
	mkt_buf_free(&pl.refusals);
	mkt_arena_free(pl.arena);
	for (i = 0; i < seen.n; i++)
		free(seen.slugs[i]);
	free(seen.slugs);
	json_object_put(root);
	return rc;
}
