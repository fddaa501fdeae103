/* vocab.c: the catalog's fixed vocabulary and its translated names */
#include <string.h>

#include "market.h"

/*
 * Categories, capabilities and modes are stored by slug; their names are
 * here so that xgettext finds them and every program names them alike.
 */
struct term {
	const char	*slug;
	const char	*name;
};

static const struct term categories[] = {
	{ "text-generation",	N_("Text generation") },
	{ "embeddings",		N_("Embeddings") },
	{ "image-generation",	N_("Image generation") },
	{ "speech-to-text",	N_("Speech to text") },
	{ "text-to-speech",	N_("Text to speech") },
	{ "reranking",		N_("Reranking") },
	{ "moderation",		N_("Moderation") },
	{ "other",		N_("Other") },
	{ NULL, NULL }
};

static const struct term capabilities[] = {
	{ "vision",		N_("Vision (image input)") },
	{ "function-calling",	N_("Function calling") },
	{ "parallel-function-calling", N_("Parallel function calls") },
	{ "tool-choice",	N_("Tool choice") },
	{ "structured-output",	N_("Structured output (JSON schema)") },
	{ "reasoning",		N_("Reasoning") },
	{ "prompt-caching",	N_("Prompt caching") },
	{ "web-search",		N_("Web search") },
	{ "pdf-input",		N_("PDF input") },
	{ "audio-input",	N_("Audio input") },
	{ "audio-output",	N_("Audio output") },
	{ "video-input",	N_("Video input") },
	{ "computer-use",	N_("Computer use") },
	{ "system-messages",	N_("System messages") },
	{ "assistant-prefill",	N_("Assistant prefill") },
	{ "long-context",	N_("Long context (128k tokens or more)") },
	{ NULL, NULL }
};

static const struct term modes[] = {
	{ "chat",		N_("Chat completions") },
	{ "completion",		N_("Text completions") },
	{ "responses",		N_("Responses") },
	{ "embedding",		N_("Embeddings") },
	{ "image_generation",	N_("Image generation") },
	{ "audio_transcription", N_("Audio transcription") },
	{ "audio_speech",	N_("Speech synthesis") },
	{ "rerank",		N_("Reranking") },
	{ "moderation",		N_("Moderation") },
	{ NULL, NULL }
};

static const char *
lookup(const struct mkt_req *r, const struct term *t, const char *slug)
{
	for (; t->slug != NULL; t++)
		if (strcmp(t->slug, slug) == 0)
			return mkt_tr(r, t->name);
	return NULL;
}

const char *
mkt_category_name(const struct mkt_req *r, const char *slug)
{
	const char	*n = lookup(r, categories, slug);

	return n != NULL ? n : slug;
}

/* NULL for a tag that names no known capability. */
const char *
mkt_capability_name(const struct mkt_req *r, const char *slug)
{
	return lookup(r, capabilities, slug);
}

const char *
mkt_mode_name(const struct mkt_req *r, const char *slug)
{
	const char	*n = lookup(r, modes, slug);

	return n != NULL ? n : slug;
}
