/* catalog.c: the service page (one handler for HTML and JSON) */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

#define ITEM_SQL(where)							\
	"SELECT json_build_object("	\
	"  'id', s.id, 'slug', s.slug, 'name', s.name,"	\
	"  'description', s.description, 'category', s.category,"	\
	"  'tags', s.tags, 'status', s.status, 'mode', s.mode,"	\
	"  'created_at', s.created_at, 'updated_at', s.updated_at,"	\
	"  'provider', json_build_object('slug', p.slug, 'name', p.name,"	\
	"     'verified', p.verified, 'homepage', p.homepage),"	\
	"  'context_window', v.context_window,"	\
	"  'max_output_tokens', v.max_output_tokens,"	\
	"  'currency', v.currency,"	\
	"  'input_per_mtok', price_text(v.input_price_per_mtok),"	\
	"  'output_per_mtok', price_text(v.output_price_per_mtok),"	\
	"  'cached_input_per_mtok', price_text(v.cached_input_price_per_mtok),"	\
	"  'per_request', price_text(v.price_per_request),"	\
	"  'versions', (SELECT coalesce(json_agg(json_build_object("	\
	"     'version', sv.version, 'status', sv.status,"	\
	"     'published_at', sv.published_at, 'sunset_at', sv.sunset_at,"	\
	"     'context_window', sv.context_window,"	\
	"     'input_per_mtok', price_text(sv.input_price_per_mtok),"	\
	"     'output_per_mtok', price_text(sv.output_price_per_mtok))"	\
	"     ORDER BY sv.created_at DESC), '[]')"	\
	"     FROM service_versions sv WHERE sv.service_id = s.id"	\
	"       AND sv.status <> 'retired'),"	\
	"  'sla', s.sla, 'compliance_level', s.compliance_level,"	\
	"  'certifications', s.certifications,"	\
	"  'data_residency', s.data_residency,"	\
	"  'data_retention_days', s.data_retention_days,"	\
	"  'training_use', s.training_use,"	\
	"  'tiers', v.pricing_tiers,"	\
	"  'observed', (SELECT json_build_object('calls_30d', st.calls_30d,"	\
	"     'p95_latency_ms', st.p95_latency_ms,"	\
	"     'p50_latency_ms', st.p50_latency_ms,"	\
	"     'p99_latency_ms', st.p99_latency_ms,"	\
	"     'p50_ttfb_ms', st.p50_ttfb_ms,"	\
	"     'error_rate', st.error_rate::text,"	\
	"     'sla_breaches', st.breaches_30d,"	\
	"     'availability', st.availability::text,"	\
	"     'refreshed_at', st.refreshed_at)"	\
	"     FROM service_stats st WHERE st.service_id = s.id),"	\
	"  'subscription_monthly', price_text(v.subscription_price_monthly),"	\
	"  'contract', (SELECT c.document FROM contracts c"	\
	"     WHERE c.sha256 = v.contract_sha256))"	\
	" FROM services s JOIN providers p ON p.id = s.provider_id"	\
	" LEFT JOIN service_versions v ON v.id = s.current_version_id"	\
	" WHERE " where							\
	"   AND s.status IN ('active', 'deprecated')"			\
	"   AND service_visible(s.compliance_level, $2::int,"		\
	"     p.organization_id, $3::uuid)"

/* By slug or by id: two statements so that each uses its index. */
static const struct mkt_sql q_item_slug = { "catalog_item_slug", 3,
	ITEM_SQL("s.slug = $1") };
static const struct mkt_sql q_item_id = { "catalog_item_id", 3,
	ITEM_SQL("s.id = $1::uuid") };

/* The plans the service offers: its own, or the catalog's defaults. */
static const struct mkt_sql q_plans = { "catalog_plans", 1,
	"SELECT coalesce(json_agg(json_build_object('slug', pl.slug,"
	"  'name', pl.name, 'description', pl.description,"
	"  'requests_per_minute', pl.requests_per_minute,"
	"  'tokens_per_minute', pl.tokens_per_minute,"
	"  'monthly_requests', pl.monthly_requests,"
	"  'monthly_tokens', pl.monthly_tokens,"
	"  'monthly_budget', price_text(pl.monthly_budget),"
	"  'currency', pl.currency,"
	"  'requires_approval', pl.requires_approval)"
	"  ORDER BY pl.position, pl.name), '[]') AS plans"
	" FROM service_plans($1::uuid) pl" };

/* What the reader holds of the service: the live subscriptions, their
 * own and their organisation's; the organisation's name; whether the
 * organisation provides the service. */
static const struct mkt_sql q_held = { "catalog_held", 3,
	"SELECT coalesce((SELECT json_agg(json_build_object('id', x.id,"
	"    'status', x.status, 'plan', pl.name, 'plan_slug', pl.slug,"
	"    'for_organization', x.organization_id IS NOT NULL)"
	"    ORDER BY x.created_at)"
	"   FROM subscriptions x JOIN plans pl ON pl.id = x.plan_id"
	"   WHERE x.service_id = $1::uuid"
	"     AND x.status IN ('active', 'pending')"
	"     AND (x.user_id = $2::uuid OR x.organization_id = $3::uuid)),"
	"  '[]') AS subscriptions,"
	" (SELECT o.name FROM organizations o WHERE o.id = $3::uuid)"
	"  AS organization,"
	" coalesce((SELECT p.organization_id = $3::uuid FROM services s"
	"   JOIN providers p ON p.id = s.provider_id WHERE s.id = $1::uuid),"
	"  false) AS own" };

struct json_object *
catalog_category(struct mkt_req *r, struct json_object *slug)
{
	struct json_object	*c = json_object_new_object();
	const char		*s = json_object_get_string(slug);

	json_object_object_add(c, "slug", json_object_new_string(s));
	json_object_object_add(c, "name",
	    json_object_new_string(mkt_category_name(r, s)));
	return c;
}

struct json_object *
catalog_parse_json(struct mkt_req *r, const char *text)
{
	return mkt_json_own(r, json_tokener_parse(text ? text : "null"));
}

static struct json_object *
rate(struct mkt_req *r, const char *kind, const char *label,
    const char *unit, struct json_object *price)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "label",
	    json_object_new_string(mkt_tr(r, label)));
	json_object_object_add(o, "unit", json_object_new_string(
	    mkt_tr(r, unit)));
	json_object_object_add(o, "price", json_object_get(price));
	return o;
}

/* Moves the flat price fields of the item query into a rates table. */
static void
build_pricing(struct mkt_req *r, struct json_object *s)
{
	static const struct {
		const char *field, *kind, *label, *unit;
	} rates[] = {
		{ "input_per_mtok", "input", N_("Input tokens"),
		  N_("1M tokens") },
		{ "output_per_mtok", "output", N_("Output tokens"),
		  N_("1M tokens") },
		{ "cached_input_per_mtok", "cached_input",
		  N_("Cached input tokens"), N_("1M tokens") },
		{ "per_request", "request", N_("Requests"),
		  N_("1 request") },
	};
	struct json_object	*pricing = json_object_new_object(), *list, *p,
				*cur;
	size_t			 i;

	list = json_object_new_array();
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (json_object_object_get_ex(s, rates[i].field, &p) &&
		    p != NULL)
			json_object_array_add(list, rate(r, rates[i].kind,
			    rates[i].label, rates[i].unit, p));
		json_object_object_del(s, rates[i].field);
	}
	if (json_object_object_get_ex(s, "currency", &cur) && cur != NULL)
		json_object_object_add(pricing, "currency",
		    json_object_get(cur));
	else
		json_object_object_add(pricing, "currency",
		    json_object_new_string("USD"));
	json_object_object_del(s, "currency");
	json_object_object_add(pricing, "rates", list);
	json_object_object_add(s, "pricing", pricing);
}

static void
build_capabilities(struct mkt_req *r, struct json_object *s)
{
	struct json_object	*tags, *caps = json_object_new_array();
	size_t			 i, n;

	if (json_object_object_get_ex(s, "tags", &tags) && tags != NULL) {
		n = json_object_array_length(tags);
		for (i = 0; i < n; i++) {
			const char *t = json_object_get_string(
			    json_object_array_get_idx(tags, i));

			const char *label = mkt_capability_name(r, t);
			struct json_object *c;

			if (label == NULL)
				continue;
			c = json_object_new_object();
			json_object_object_add(c, "name", json_object_new_string(t));
			json_object_object_add(c, "label",
			    json_object_new_string(label));
			json_object_array_add(caps, c);
		}
	}
	json_object_object_add(s, "capabilities", caps);
}

/*
 * The contract's operations instead of the whole document (which has its
 * own address), and how to call the service through the gateway with
 * the OpenAI SDK people already use: base URL (the setting public_url,
 * else this request's Host), model name, and the same call in curl,
 * Python, JavaScript, Go and Java.
 */
static void
build_contract(struct mkt_req *r, struct json_object *s)
{
	struct json_object	*doc, *call;
	const char		*slug = json_object_get_string(
	    json_object_object_get(s, "slug"));
	const char		*base = mkt_gateway_url(r);

	if (json_object_object_get_ex(s, "contract", &doc) && doc != NULL)
		json_object_object_add(s, "operations",
		    mkt_openapi_operations(doc));
	json_object_object_del(s, "contract");
	call = json_object_new_object();
	json_object_object_add(call, "base_url", json_object_new_string(base));
	json_object_object_add(call, "model", json_object_new_string(slug));
	json_object_object_add(call, "curl", json_object_new_string(
	    mkt_arena_printf(r->arena, "curl %s/chat/completions \\\n"
	    "  -H \"Authorization: Bearer $MARKETPLACE_API_KEY\" \\\n"
	    "  -H \"Content-Type: application/json\" \\\n"
	    "  -d '{\"model\": \"%s\", \"messages\": "
	    "[{\"role\": \"user\", \"content\": \"Hello\"}]}'",
	    base, slug)));
	json_object_object_add(call, "python", json_object_new_string(
	    mkt_arena_printf(r->arena, "import os\n\nfrom openai import OpenAI\n\n"
	    "client = OpenAI(base_url=\"%s\",\n"
	    "                api_key=os.environ[\"MARKETPLACE_API_KEY\"])\n"
	    "reply = client.chat.completions.create(\n"
	    "    model=\"%s\",\n"
	    "    messages=[{\"role\": \"user\", \"content\": \"Hello\"}])\n"
	    "print(reply.choices[0].message.content)", base, slug)));
	json_object_object_add(call, "javascript", json_object_new_string(
	    mkt_arena_printf(r->arena, "import OpenAI from 'openai';\n\n"
	    "const client = new OpenAI({\n"
	    "  baseURL: '%s',\n"
	    "  apiKey: process.env.MARKETPLACE_API_KEY,\n"
	    "});\n"
	    "const reply = await client.chat.completions.create({\n"
	    "  model: '%s',\n"
	    "  messages: [{ role: 'user', content: 'Hello' }],\n"
	    "});\n"
	    "console.log(reply.choices[0].message.content);", base, slug)));
	json_object_object_add(call, "go", json_object_new_string(
	    mkt_arena_printf(r->arena, "package main\n\n"
	    "import (\n"
	    "\t\"context\"\n"
	    "\t\"fmt\"\n"
	    "\t\"os\"\n\n"
	    "\t\"github.com/openai/openai-go/v3\"\n"
	    "\t\"github.com/openai/openai-go/v3/option\"\n"
	    ")\n\n"
	    "func main() {\n"
	    "\tclient := openai.NewClient(\n"
	    "\t\toption.WithBaseURL(\"%s\"),\n"
	    "\t\toption.WithAPIKey(os.Getenv(\"MARKETPLACE_API_KEY\")),\n"
	    "\t)\n"
	    "\treply, err := client.Chat.Completions.New(context.Background(),\n"
	    "\t\topenai.ChatCompletionNewParams{\n"
	    "\t\t\tModel: \"%s\",\n"
	    "\t\t\tMessages: []openai.ChatCompletionMessageParamUnion{\n"
	    "\t\t\t\topenai.UserMessage(\"Hello\"),\n"
	    "\t\t\t},\n"
	    "\t\t})\n"
	    "\tif err != nil {\n"
	    "\t\tpanic(err)\n"
	    "\t}\n"
	    "\tfmt.Println(reply.Choices[0].Message.Content)\n"
	    "}", base, slug)));
	json_object_object_add(call, "java", json_object_new_string(
	    mkt_arena_printf(r->arena,
	    "import com.openai.client.OpenAIClient;\n"
	    "import com.openai.client.okhttp.OpenAIOkHttpClient;\n"
	    "import com.openai.models.chat.completions.ChatCompletion;\n"
	    "import com.openai.models.chat.completions.ChatCompletionCreateParams;\n\n"
	    "OpenAIClient client = OpenAIOkHttpClient.builder()\n"
	    "    .baseUrl(\"%s\")\n"
	    "    .apiKey(System.getenv(\"MARKETPLACE_API_KEY\"))\n"
	    "    .build();\n"
	    "ChatCompletion reply = client.chat().completions().create(\n"
	    "    ChatCompletionCreateParams.builder()\n"
	    "        .model(\"%s\")\n"
	    "        .addUserMessage(\"Hello\")\n"
	    "        .build());\n"
	    "System.out.println(reply.choices().get(0).message().content()"
	    ".orElse(\"\"));", base, slug)));
	json_object_object_add(s, "how_to_call", call);
}

/*
 * The plans of the service, and for a signed-in reader what they hold
 * of it ("subscribe": their live subscriptions, their organisation's
 * name, whether that organisation provides it).  A database failure
 * leaves them out: the page still shows the rest.
 */
static void
build_plans(struct mkt_req *r, struct json_object *s)
{
	struct json_object	*id, *sub;
	const char		*p[3];
	PGresult		*res;

	if (!json_object_object_get_ex(s, "id", &id) || id == NULL)
		return;
	p[0] = json_object_get_string(id);
	if ((res = mkt_db_exec(r, &q_plans, p)) == NULL) {
		mkt_log_warn(r, "could not read the plans of service %s", p[0]);
		return;
	}
	json_object_object_add(s, "plans",
	    json_tokener_parse(mkt_db_val(res, 0, "plans")));
	if (r->user == NULL)
		return;
	p[1] = r->user->id;
	p[2] = r->user->org_id;
	if ((res = mkt_db_exec(r, &q_held, p)) == NULL) {
		mkt_log_warn(r, "could not read the reader's subscriptions of "
		    "service %s", p[0]);
		return;
	}
	sub = json_object_new_object();
	json_object_object_add(sub, "subscriptions",
	    json_tokener_parse(mkt_db_val(res, 0, "subscriptions")));
	json_object_object_add(sub, "organization",
	    mkt_db_isnull(res, 0, "organization") ? NULL :
	    json_object_new_string(mkt_db_val(res, 0, "organization")));
	json_object_object_add(sub, "manage", json_object_new_boolean(
	    mkt_has_role(r->user, MKT_ROLE_ADMIN) ||
	    (mkt_has_role(r->user, MKT_ROLE_PROVIDER) &&
	    mkt_db_bool(res, 0, "own"))));
	json_object_object_add(s, "subscribe", sub);
}

/*
 * GET /services/{id}, GET /api/v1/services/{id}
 * {id} is the service's slug or UUID.  200 with the service, its pricing
 * table, versions and plans (and for a signed-in reader what they hold
 * of it); 404 when no listed service has that id.
 */
int
catalog_item(struct mkt_req *r)
{
	const char		*id = mkt_route_arg(r, 0);
	const char		*params[3];
	char			 level[4];
	struct json_object	*v, *s, *cat, *prov, *links, *slug, *mode;
	PGresult		*res;

	if (strlen(id) > 128 || !(mkt_slug_ok(id, 128) || mkt_uuid_ok(id)))
		return mkt_failf(r, 404, "not-found",
		    mkt_tr(r, "no service has the id \"%s\""), id);
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	params[0] = id;
	params[1] = level;
	params[2] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, mkt_uuid_ok(id) ? &q_item_id :
	    &q_item_slug, params)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0)
		return mkt_failf(r, 404, "not-found",
		    mkt_tr(r, "no service has the id \"%s\""), id);
	s = json_tokener_parse(PQgetvalue(res, 0, 0));
	if (s == NULL)
		return mkt_fail(r, 500, "internal-error", NULL);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "service", s);
	if (json_object_object_get_ex(s, "category", &cat))
		json_object_object_add(s, "category", catalog_category(r, cat));
	build_pricing(r, s);
	build_capabilities(r, s);
	build_contract(r, s);
	build_plans(r, s);
	if (json_object_object_get_ex(s, "mode", &mode) && mode != NULL)
		json_object_object_add(s, "mode_label", json_object_new_string(
		    mkt_mode_name(r, json_object_get_string(mode))));
	json_object_object_get_ex(s, "provider", &prov);
	json_object_object_get_ex(prov, "slug", &slug);
	links = json_object_new_object();
	json_object_object_get_ex(s, "slug", &slug);
	json_object_object_add(links, "self", json_object_new_string(
	    mkt_link(r, "/services/%s", json_object_get_string(slug))));
	json_object_object_get_ex(prov, "slug", &slug);
	json_object_object_add(links, "provider", json_object_new_string(
	    mkt_link(r, "/services?provider=%s", json_object_get_string(slug))));
	json_object_object_get_ex(s, "category", &cat);
	json_object_object_get_ex(cat, "slug", &slug);
	json_object_object_add(links, "category", json_object_new_string(
	    mkt_link(r, "/services?category=%s", json_object_get_string(slug))));
	json_object_object_add(s, "links", links);
	reviews_add_to_item(r, s);
	recommend_for_service(r, s);
	return 200;
}
