/* input.c: a provider's submission, from a form or JSON, checked field
 * by field into one normalised document */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "publish.h"

#define MAX_LIST	20	/* tags, capabilities, certifications … */
#define MAX_TIERS	10

/* The form's flat names and where they go in the document. */
static const struct {
	const char	*form;
	const char	*path;
} form_map[] = {
	{ "provider", "provider" },
	{ "name", "name" },
	{ "slug", "slug" },
	{ "description", "description" },
	{ "category", "category" },
	{ "tags", "tags" },
	{ "capabilities", "capabilities" },
	{ "endpoint_url", "endpoint.url" },
	{ "endpoint_protocol", "endpoint.protocol" },
	{ "auth_method", "endpoint.auth_method" },
	{ "auth_header", "endpoint.auth_header" },
	{ "credential", "endpoint.credential" },
	{ "currency", "pricing.currency" },
	{ "input_per_mtok", "pricing.input_per_mtok" },
	{ "output_per_mtok", "pricing.output_per_mtok" },
	{ "per_request", "pricing.per_request" },
	{ "subscription_monthly", "pricing.subscription_monthly" },
	{ "availability_pct", "sla.availability_pct" },
	{ "max_latency_ms", "sla.max_latency_ms" },
	{ "support", "sla.support" },
	{ "compliance_level", "compliance.level" },
	{ "certifications", "compliance.certifications" },
	{ "data_residency", "compliance.data_residency" },
	{ "data_retention_days", "compliance.data_retention_days" },
	{ "training_use", "compliance.training_use" },
	{ "version", "version" },
	{ "changelog", "changelog" },
	{ "contract", "contract" },
	{ "context_window", "context_window" },
	{ "max_output_tokens", "max_output_tokens" },
};

static const char *const protocols[] = { "openai", "rest", NULL };
static const char *const auth_methods[] = { "none", "bearer", "header", NULL };
static const char *const supports[] = { "best-effort", "business-hours",
	"24x7", NULL };
static const char *const levels[] = { "public", "internal", "confidential",
	NULL };

struct in {
	struct mkt_req		*r;
	struct json_object	*src;	/* what was sent */
	struct json_object	*out;	/* what is kept */
	struct json_object	*errors;
};

const char *
pub_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

/* The value at a dotted path of the submission, or NULL. */
static struct json_object *
at(struct json_object *o, const char *path)
{
	char	 part[64];
	size_t	 n;

	while (o != NULL && *path != '\0') {
		n = strcspn(path, ".");
		if (n >= sizeof(part) ||
		    !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(o, part, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	if (o != NULL && json_object_is_type(o, json_type_null))
		return NULL;
	return o;
}

/* Stores v at a dotted path of the kept document, making the objects
 * on the way. */
static void
put(struct json_object *o, const char *path, struct json_object *v)
{
	char			 part[64];
	size_t			 n;
	struct json_object	*next;

	for (;;) {
		n = strcspn(path, ".");
		if (n >= sizeof(part)) {
			json_object_put(v);
			return;
		}
		memcpy(part, path, n);
		part[n] = '\0';
		if (path[n] == '\0') {
			json_object_object_add(o, part, v);
			return;
		}
		if (!json_object_object_get_ex(o, part, &next)) {
			next = json_object_new_object();
			json_object_object_add(o, part, next);
		}
		o = next;
		path += n + 1;
	}
}

static void
bad(struct in *in, const char *name, const char *reason)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "reason", json_object_new_string(reason));
	json_object_array_add(in->errors, e);
}

/* A scalar as text: strings as they are, numbers and booleans in their
 * JSON spelling (json-c keeps a parsed number's digits). */
static const char *
scalar(struct in *in, const char *path, bool *wrong)
{
	struct json_object	*v = at(in->src, path);

	*wrong = false;
	if (v == NULL)
		return NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		return json_object_get_string(v);
	default:
		*wrong = true;
		return NULL;
	}
}

/* Text up to max bytes; oneline refuses line breaks and tabs. */
static const char *
text(struct in *in, const char *path, size_t max, bool required,
    bool oneline)
{
	const char	*s;
	bool		 wrong;
	size_t		 len;

	s = scalar(in, path, &wrong);
	if (wrong) {
		bad(in, path, mkt_tr(in->r, "must be text"));
		return NULL;
	}
	if (s != NULL) {
		while (*s == ' ')
			s++;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' ||
		    s[len - 1] == '\r'))
			len--;
		s = mkt_arena_strndup(in->r->arena, s, len);
	}
	if (s == NULL || *s == '\0') {
		if (required)
			bad(in, path, mkt_tr(in->r, "is required"));
		return NULL;
	}
	if (!mkt_text_clean(s, strlen(s)))
		bad(in, path, mkt_tr(in->r, "contains characters that are "
		    "not allowed"));
	else if (strlen(s) > max)
		bad(in, path, mkt_arena_printf(in->r->arena, mkt_tr(in->r,
		    "is longer than %zu bytes"), max));
	else if (oneline && strpbrk(s, "\t\r\n") != NULL)
		bad(in, path, mkt_tr(in->r, "must be a single line"));
	else {
		put(in->out, path, json_object_new_string(s));
		return s;
	}
	return NULL;
}

static const char *
choice(struct in *in, const char *path, const char *const *set,
    const char *def)
{
	struct mkt_buf	 b;
	const char	*s;
	bool		 wrong;
	size_t		 i;

	s = scalar(in, path, &wrong);
	if (!wrong && (s == NULL || *s == '\0')) {
		if (def != NULL)
			put(in->out, path, json_object_new_string(def));
		return def;
	}
	for (i = 0; !wrong && set[i] != NULL; i++)
		if (strcmp(set[i], s) == 0) {
			put(in->out, path, json_object_new_string(set[i]));
			return set[i];
		}
	mkt_buf_init(&b);
	for (i = 0; set[i] != NULL; i++)
		mkt_buf_printf(&b, "%s%s", i ? ", " : "", set[i]);
	bad(in, path, mkt_arena_printf(in->r->arena,
	    mkt_tr(in->r, "must be one of: %s"), b.ptr));
	mkt_buf_free(&b);
	return NULL;
}

/* A non-negative decimal with at most 14 integer and 6 fractional
 * digits, kept as text so that no float ever rounds a price. */
static bool
decimal_ok(const char *s)
{
	size_t	 i = 0, d = 0, f = 0;

	while (isdigit((unsigned char)s[i])) {
		i++;
		d++;
	}
	if (d == 0 || d > 14)
		return false;
	if (s[i] == '.') {
		i++;
		while (isdigit((unsigned char)s[i])) {
			i++;
			f++;
		}
		if (f == 0 || f > 6)
			return false;
	}
	return s[i] == '\0';
}

static const char *
decimal(struct in *in, const char *path, double max)
{
	bool		 wrong;
	const char	*s = scalar(in, path, &wrong);

	if (!wrong && (s == NULL || *s == '\0'))
		return NULL;
	if (wrong || !decimal_ok(s) || strtod(s, NULL) > max) {
		bad(in, path, mkt_arena_printf(in->r->arena, mkt_tr(in->r,
		    "must be a number from 0 to %.0f with at most six "
		    "decimals"), max));
		return NULL;
	}
	put(in->out, path, json_object_new_string(s));
	return s;
}

static bool
integer(struct in *in, const char *path, long long min, long long max,
    long long *out)
{
	bool		 wrong;
	const char	*s = scalar(in, path, &wrong);
	char		*end;
	long long	 n;

	if (!wrong && (s == NULL || *s == '\0'))
		return false;
	errno = 0;
	n = wrong ? 0 : strtoll(s, &end, 10);
	if (wrong || errno != 0 || *end != '\0' || end == s || n < min ||
	    n > max || !isdigit((unsigned char)s[strlen(s) - 1])) {
		bad(in, path, mkt_arena_printf(in->r->arena, mkt_tr(in->r,
		    "must be a whole number from %lld to %lld"), min, max));
		return false;
	}
	put(in->out, path, json_object_new_int64(n));
	if (out != NULL)
		*out = n;
	return true;
}

static void
boolean(struct in *in, const char *path)
{
	struct json_object	*v = at(in->src, path);
	const char		*s = "";
	bool			 b = false;

	if (v == NULL)
		b = false;
	else if (json_object_is_type(v, json_type_boolean))
		b = json_object_get_boolean(v);
	else if (json_object_is_type(v, json_type_string) &&
	    ((s = json_object_get_string(v)), strcmp(s, "on") == 0 ||
	    strcmp(s, "true") == 0 || strcmp(s, "1") == 0))
		b = true;
	else if (json_object_is_type(v, json_type_string) &&
	    (*s == '\0' || strcmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0))
		b = false;
	else {
		bad(in, path, mkt_tr(in->r, "must be true or false"));
		return;
	}
	put(in->out, path, json_object_new_boolean(b));
}

/*
 * A list of short words: a JSON array of strings or, from a form, one
 * string separated by commas.  kind: 's' slugs (lower-cased), 'c'
 * certifications (upper-cased letters, digits, '-'), 'r' residency (ISO
 * 3166 alpha-2 country codes, or "EU").
 */
static void
list(struct in *in, const char *path, int kind)
{
	struct json_object	*v = at(in->src, path), *out;
	const char		*items[MAX_LIST + 1];
	size_t			 n = 0, i, k;
	char			*copy, *tok, *save;

	out = json_object_new_array();
	if (v != NULL && json_object_is_type(v, json_type_array)) {
		for (i = 0; i < json_object_array_length(v) && n <= MAX_LIST;
		    i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (!json_object_is_type(e, json_type_string)) {
				bad(in, path, mkt_tr(in->r,
				    "must be a list of words"));
				json_object_put(out);
				return;
			}
			items[n++] = json_object_get_string(e);
		}
	} else if (v != NULL && json_object_is_type(v, json_type_string)) {
		copy = mkt_arena_strdup(in->r->arena,
		    json_object_get_string(v));
		for (tok = strtok_r(copy, ",", &save); tok != NULL &&
		    n <= MAX_LIST; tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			k = strlen(tok);
			while (k > 0 && tok[k - 1] == ' ')
				tok[--k] = '\0';
			if (*tok != '\0')
				items[n++] = tok;
		}
	} else if (v != NULL) {
		bad(in, path, mkt_tr(in->r, "must be a list of words"));
		json_object_put(out);
		return;
	}
	if (n > MAX_LIST) {
		bad(in, path, mkt_arena_printf(in->r->arena, mkt_tr(in->r,
		    "may hold at most %d entries"), MAX_LIST));
		json_object_put(out);
		return;
	}
	for (i = 0; i < n; i++) {
		char	*w = mkt_arena_strdup(in->r->arena, items[i]);
		bool	 ok = true;
		size_t	 len = strlen(w);

		for (k = 0; k < len; k++)
			w[k] = (char)(kind == 's' ? tolower((unsigned char)w[k]) :
			    toupper((unsigned char)w[k]));
		if (kind == 's')
			ok = mkt_slug_ok(w, 40);
		else if (kind == 'c') {
			ok = len >= 2 && len <= 32;
			for (k = 0; ok && k < len; k++)
				ok = isalnum((unsigned char)w[k]) ||
				    w[k] == '-';
		} else
			ok = len == 2 && isupper((unsigned char)w[0]) &&
			    isupper((unsigned char)w[1]);
		if (!ok) {
			bad(in, path, mkt_arena_printf(in->r->arena,
			    kind == 'r' ? mkt_tr(in->r, "\"%s\" is not a "
			    "two-letter country code") : kind == 'c' ?
			    mkt_tr(in->r, "\"%s\" is not a certification name "
			    "(letters, digits and -)") : mkt_tr(in->r, "\"%s\" "
			    "is not a word of lower-case letters, digits and -"),
			    items[i]));
			json_object_put(out);
			return;
		}
		for (k = 0; k < json_object_array_length(out); k++)
			if (strcmp(json_object_get_string(
			    json_object_array_get_idx(out, k)), w) == 0)
				break;
		if (k == json_object_array_length(out))
			json_object_array_add(out, json_object_new_string(w));
	}
	put(in->out, path, out);
}

/* An endpoint URL: absolute http(s), no spaces, no user information. */
static void
endpoint_url(struct in *in)
{
	const char	*u = text(in, "endpoint.url", 2000, true, true);
	const char	*host, *end;

	if (u == NULL)
		return;
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		host = NULL;
	end = host != NULL ? host + strcspn(host, "/?#") : NULL;
	if (host == NULL || end == host || strpbrk(u, " \"<>\\^`{|}") != NULL ||
	    memchr(host, '@', (size_t)(end - host)) != NULL) {
		bad(in, "endpoint.url", mkt_tr(in->r, "must be an absolute "
		    "http:// or https:// URL without spaces or user name"));
		json_object_object_del(json_object_object_get(in->out,
		    "endpoint"), "url");
	}
}

static void
read_service(struct in *in)
{
	const char	*auth, *s;

	text(in, "provider", 64, false, true);
	text(in, "name", 200, true, true);
	if ((s = text(in, "slug", 128, false, true)) != NULL &&
	    !mkt_slug_ok(s, 128))
		bad(in, "slug", mkt_tr(in->r, "must be lower-case letters, "
		    "digits, '.', '_' and '-'"));
	text(in, "description", 20000, false, false);
	if ((s = text(in, "category", 64, true, true)) != NULL &&
	    !mkt_slug_ok(s, 64))
		bad(in, "category", mkt_tr(in->r, "is not a category"));
	list(in, "tags", 's');
	list(in, "capabilities", 's');

	endpoint_url(in);
	choice(in, "endpoint.protocol", protocols, "openai");
	auth = choice(in, "endpoint.auth_method", auth_methods, "none");
	if ((s = text(in, "endpoint.auth_header", 64, false, true)) != NULL) {
		size_t	 i;

		for (i = 0; s[i] != '\0'; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-')
				break;
		if (s[i] != '\0')
			bad(in, "endpoint.auth_header", mkt_tr(in->r,
			    "must be a header name (letters, digits and -)"));
	} else if (auth != NULL && strcmp(auth, "header") == 0)
		put(in->out, "endpoint.auth_header",
		    json_object_new_string("X-API-Key"));
	/* The credential is kept apart: it is sealed, never shown, and
	 * never reaches the policy rules or the report. */
	if ((s = text(in, "endpoint.credential", 4096, false, true)) != NULL) {
		struct json_object *ep = json_object_object_get(in->out,
		    "endpoint");

		json_object_object_del(ep, "credential");
		if (!mkt_header_value_ok(s))
			bad(in, "endpoint.credential", mkt_tr(in->r,
			    "must be printable text"));
		else
			json_object_object_add(in->out, "_credential",
			    json_object_new_string(s));
	}
	if (auth != NULL && strcmp(auth, "none") != 0 && s == NULL)
		bad(in, "endpoint.credential", mkt_tr(in->r, "is required "
		    "when the endpoint needs authentication"));

	decimal(in, "sla.availability_pct", 100);
	integer(in, "sla.max_latency_ms", 1, 600000, NULL);
	choice(in, "sla.support", supports, "business-hours");

	choice(in, "compliance.level", levels, "public");
	list(in, "compliance.certifications", 'c');
	list(in, "compliance.data_residency", 'r');
	integer(in, "compliance.data_retention_days", 0, 36500, NULL);
	boolean(in, "compliance.training_use");
}

static void
read_tiers(struct in *in)
{
	struct json_object	*t = at(in->src, "pricing.tiers"), *out;
	size_t			 i;

	if (t == NULL)
		return;
	if (!json_object_is_type(t, json_type_array) ||
	    json_object_array_length(t) > MAX_TIERS) {
		bad(in, "pricing.tiers", mkt_arena_printf(in->r->arena,
		    mkt_tr(in->r, "must be a list of at most %d tiers"),
		    MAX_TIERS));
		return;
	}
	out = json_object_new_array();
	for (i = 0; i < json_object_array_length(t); i++) {
		struct json_object	*e = json_object_array_get_idx(t, i);
		struct in		 sub = *in;
		const char		*p = mkt_arena_printf(in->r->arena,
		    "pricing.tiers.%zu", i);

		if (!json_object_is_type(e, json_type_object)) {
			bad(in, p, mkt_tr(in->r, "must be an object"));
			continue;
		}
		sub.src = e;
		sub.out = json_object_new_object();
		if (text(&sub, "name", 40, true, true) != NULL &&
		    !mkt_slug_ok(pub_str(sub.out, "name"), 40))
			bad(in, p, mkt_tr(in->r, "a tier's name must be "
			    "lower-case letters, digits and -"));
		text(&sub, "description", 500, false, true);
		decimal(&sub, "price_monthly", 1e12);
		decimal(&sub, "input_per_mtok", 1e9);
		decimal(&sub, "output_per_mtok", 1e9);
		integer(&sub, "requests_per_minute", 1, 10000000, NULL);
		integer(&sub, "tokens_per_minute", 1, 2000000000, NULL);
		integer(&sub, "monthly_requests", 1, 2000000000000LL, NULL);
		integer(&sub, "monthly_tokens", 1, 2000000000000000LL, NULL);
		json_object_array_add(out, sub.out);
	}
	put(in->out, "pricing.tiers", out);
}

static void
read_version(struct in *in, struct pub_input *pi)
{
	struct json_object	*c;
	const char		*v, *cur;
	struct mkt_semver	 sv;

	if ((v = text(in, "version", 128, true, true)) != NULL &&
	    mkt_semver_parse(in->r->arena, v, &sv) != MKT_OK)
		bad(in, "version", mkt_tr(in->r, "must be a semantic version "
		    "such as 1.0.0 or 2.1.0-rc.1 (semver.org)"));
	text(in, "changelog", 5000, false, false);
	integer(in, "context_window", 1, 100000000, NULL);
	integer(in, "max_output_tokens", 1, 100000000, NULL);

	cur = choice(in, "pricing.currency", (const char *const[]){ "USD",
	    "EUR", "GBP", "CHF", "JPY", NULL }, "USD");
	(void)cur;
	decimal(in, "pricing.input_per_mtok", 1e9);
	decimal(in, "pricing.output_per_mtok", 1e9);
	decimal(in, "pricing.per_request", 1e9);
	decimal(in, "pricing.subscription_monthly", 1e12);
	read_tiers(in);

	/* The contract: text (JSON or YAML) or, in a JSON body, the
	 * document itself. */
	c = at(in->src, "contract");
	if (c == NULL || (json_object_is_type(c, json_type_string) &&
	    json_object_get_string_len(c) == 0)) {
		bad(in, "contract", mkt_tr(in->r, "is required: the "
		    "service's OpenAPI 3.1 document, as JSON or YAML"));
		return;
	}
	if (json_object_is_type(c, json_type_object)) {
		pi->contract = json_object_to_json_string_ext(c,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		pi->contract = mkt_arena_strdup(in->r->arena, pi->contract);
	} else if (json_object_is_type(c, json_type_string))
		pi->contract = mkt_arena_strdup(in->r->arena,
		    json_object_get_string(c));
	else {
		bad(in, "contract", mkt_tr(in->r, "must be the OpenAPI "
		    "document, as text or as a JSON object"));
		return;
	}
	pi->contract_len = strlen(pi->contract);
	if (pi->contract_len > MKT_CONTRACT_MAX)
		bad(in, "contract", mkt_arena_printf(in->r->arena,
		    mkt_tr(in->r, "is larger than %u bytes"),
		    MKT_CONTRACT_MAX));
}

/* The form as the same nested document a JSON client sends. */
static struct json_object *
form_doc(struct mkt_req *r)
{
	struct json_object	*o = mkt_json_own(r, json_object_new_object());
	size_t			 i, k;

	for (i = 0; i < r->nform; i++)
		for (k = 0; k < sizeof(form_map) / sizeof(form_map[0]); k++)
			if (strcmp(r->form[i].key, form_map[k].form) == 0)
				put(o, form_map[k].path,
				    json_object_new_string_len(r->form[i].val,
				    (int)r->form[i].vlen));
	return o;
}

/*
 * Reads the submission of either kind into pi: pi->errors lists every
 * field that is wrong (empty: all is well).  The documents live in the
 * request's arena.
 */
void
pub_input_read(struct mkt_req *r, unsigned parts, struct pub_input *pi)
{
	struct json_object	*ep;
	struct in		 in;

	memset(pi, 0, sizeof(*pi));
	in.r = r;
	in.src = r->json != NULL ? r->json : form_doc(r);
	in.out = mkt_json_own(r, json_object_new_object());
	in.errors = mkt_json_own(r, json_object_new_array());
	pi->doc = in.out;
	pi->errors = in.errors;
	if (!json_object_is_type(in.src, json_type_object)) {
		bad(&in, "body", mkt_tr(r, "must be a JSON object"));
		return;
	}
	if (parts & PUB_SERVICE)
		read_service(&in);
	if (parts & PUB_VERSION)
		read_version(&in, pi);
	pi->sent = in.src;
	if ((ep = json_object_object_get(in.src, "endpoint")) != NULL &&
	    json_object_is_type(ep, json_type_object))
		json_object_object_del(ep, "credential");
	if ((pi->credential = pub_str(in.out, "_credential")) != NULL)
		pi->credential = mkt_arena_strdup(r->arena, pi->credential);
	json_object_object_del(in.out, "_credential");
}
