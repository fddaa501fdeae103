/* reviews.c: reviews and ratings of a service (0011_reviews.sql): the
 * list, one's own review (write, edit), the provider's reply, and the
 * part of the service page that shows them */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "search.h"

#define TITLE_MAX	120	/* characters, as the table's CHECKs */
#define BODY_MAX	4000
#define PER_PAGE	10	/* reviews per page, and on the service page */

const struct mkt_param reviews_list_params[] = {
	{ "page",	MKT_P_INT, 1, 100000, NULL },
	{ "per_page",	MKT_P_INT, 1, 50, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* The service of the address, as far as the reader may see it. */
struct svc {
	const char	*id;
	const char	*slug;
	const char	*name;
	const char	*provider;
	const char	*owner_org;	/* the provider's organisation */
};

/* Listed and visible to the reader, as on the service page ($2
 * clearance, $3 the reader's organisation: 0007_visibility.sql). */
#define SERVICE_SQL(where)						\
	"SELECT s.id, s.slug, s.name, p.name AS provider,"		\
	"  p.organization_id AS owner_org"				\
	" FROM services s JOIN providers p ON p.id = s.provider_id"	\
	" WHERE " where							\
	"   AND s.status IN ('active', 'deprecated')"			\
	"   AND service_visible(s.compliance_level, $2::int,"		\
	"     p.organization_id, $3::uuid)"

static const struct mkt_sql q_service_slug = { "reviews_service_slug", 3,
	SERVICE_SQL("s.slug = $1") };
static const struct mkt_sql q_service_id = { "reviews_service_id", 3,
	SERVICE_SQL("s.id = $1::uuid") };

/* One review as the pages and the API show it; "me" is the reader's id
 * (NULL when anonymous).  Who hid a review is only on the admin page. */
#define REVIEW_JSON(me)							\
	"json_build_object('id', r.id, 'rating', r.rating,"		\
	"  'title', r.title, 'body', r.body, 'author', u.display_name," \
	"  'created_at', r.created_at, 'updated_at', r.updated_at,"	\
	"  'edited', r.updated_at > r.created_at,"			\
	"  'mine', coalesce(r.author_id = " me "::uuid, false),"	\
	"  'reply', CASE WHEN r.reply IS NOT NULL THEN"			\
	"    json_build_object('body', r.reply, 'replied_at', r.replied_at)" \
	"    END,"							\
	"  'hidden', r.hidden,"						\
	"  'moderation', CASE WHEN r.hidden THEN json_build_object("	\
	"    'reason', r.hidden_reason, 'hidden_at', r.hidden_at) END)"

#define RATING_JSON(svc)						\
	"coalesce((SELECT json_build_object('reviews', sr.reviews,"	\
	"    'average', sr.average, 'bayesian', sr.bayesian)"		\
	"    FROM service_ratings sr WHERE sr.service_id = " svc "::uuid)," \
	"  json_build_object('reviews', 0, 'average', NULL,"		\
	"    'bayesian', NULL))"

/* A page of a service's reviews ($1), newest first ($2 limit, $3
 * offset, $4 the reader), with their number and the rating.  Two
 * statements: the public one can walk the partial index of visible
 * reviews. */
#define PAGE_SQL(shown)							\
	"SELECT (SELECT count(*) FROM reviews r"			\
	"   WHERE r.service_id = $1::uuid AND " shown ") AS total,"	\
	" (SELECT coalesce(json_agg(" REVIEW_JSON("$4")			\
	"   ORDER BY r.created_at DESC, r.id), '[]')"			\
	"  FROM (SELECT * FROM reviews r"				\
	"    WHERE r.service_id = $1::uuid AND " shown			\
	"    ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3) r"	\
	"  JOIN users u ON u.id = r.author_id) AS items,"		\
	" " RATING_JSON("$1") " AS rating"

static const struct mkt_sql q_page = { "reviews_page", 4,
	PAGE_SQL("NOT r.hidden") };
/* Administrators and auditors also see the hidden ones, marked. */
static const struct mkt_sql q_page_all = { "reviews_page_all", 4,
	PAGE_SQL("true") };

/* The reader's ($2) own review of the service ($1), hidden or not,
 * whether the reader used the service, and who owns it (for "your own
 * service" and replies). */
static const struct mkt_sql q_mine = { "reviews_mine", 2,
	"SELECT review_eligible($2::uuid, $1::uuid) AS eligible,"
	" (SELECT p.organization_id FROM services s"
	"   JOIN providers p ON p.id = s.provider_id"
	"   WHERE s.id = $1::uuid) AS owner_org,"
	" (SELECT " REVIEW_JSON("$2") " FROM reviews r"
	"   JOIN users u ON u.id = r.author_id"
	"   WHERE r.service_id = $1::uuid AND r.author_id = $2::uuid) AS mine" };

static const struct mkt_sql q_one = { "reviews_one", 2,
	"SELECT " REVIEW_JSON("$2") " AS review FROM reviews r"
	" JOIN users u ON u.id = r.author_id WHERE r.id = $1::uuid" };

static const struct mkt_sql q_eligible = { "reviews_eligible", 2,
	"SELECT review_eligible($1::uuid, $2::uuid) AS eligible" };

/* One review per person and service: a second one edits the first.
 * Editing keeps the provider's reply and a moderator's decision: a
 * hidden review stays hidden until an administrator shows it again. */
static const struct mkt_sql q_save = { "reviews_save", 5,
	"INSERT INTO reviews (service_id, author_id, rating, title, body)"
	" VALUES ($1::uuid, $2::uuid, $3::smallint, $4, $5)"
	" ON CONFLICT (service_id, author_id) DO UPDATE"
	"  SET rating = EXCLUDED.rating, title = EXCLUDED.title,"
	"      body = EXCLUDED.body, updated_at = now()"
	" RETURNING id, (xmax = 0) AS created" };

static const struct mkt_sql q_review_lock = { "reviews_lock", 2,
	"SELECT id, hidden, reply IS NOT NULL AS replied FROM reviews"
	" WHERE id = $1::uuid AND service_id = $2::uuid FOR UPDATE" };

static const struct mkt_sql q_reply = { "reviews_reply", 3,
	"UPDATE reviews SET reply = $2, replied_at = now(),"
	"  replied_by = $3::uuid WHERE id = $1::uuid" };

/* Administrators and auditors (mkt_has_role counts an administrator as
 * having every role). */
static bool
moderator(const struct mkt_req *r)
{
	return mkt_has_role(r->user, MKT_ROLE_AUDITOR);
}

static bool
same_org(const struct mkt_req *r, const struct svc *s)
{
	return r->user != NULL && r->user->org_id != NULL &&
	    s->owner_org != NULL && strcmp(r->user->org_id, s->owner_org) == 0;
}

/* As mkt-publish decides who may change a service: a provider of the
 * owning organisation, or an administrator. */
static bool
may_reply(const struct mkt_req *r, const struct svc *s)
{
	if (mkt_has_role(r->user, MKT_ROLE_ADMIN))
		return true;
	return mkt_has_role(r->user, MKT_ROLE_PROVIDER) && same_org(r, s);
}

static int
no_service(struct mkt_req *r, const char *id)
{
	return mkt_failf(r, 404, "not-found",
	    mkt_tr(r, "no service has the id \"%s\""), id);
}

/* Fills s with the service of the address; 0, or the status of the
 * answer already made (404 also when the reader may not see it). */
static int
find_service(struct mkt_req *r, struct svc *s)
{
	const char	*id = mkt_route_arg(r, 0), *p[3];
	char		 level[4];
	PGresult	*res;

	if (strlen(id) > 128 || !(mkt_slug_ok(id, 128) || mkt_uuid_ok(id)))
		return no_service(r, id);
	snprintf(level, sizeof(level), "%d", mkt_clearance(r));
	p[0] = id;
	p[1] = level;
	p[2] = r->user != NULL ? r->user->org_id : NULL;
	if ((res = mkt_db_exec(r, mkt_uuid_ok(id) ? &q_service_id :
	    &q_service_slug, p)) == NULL)
		return mkt_fail_db(r);
	if (PQntuples(res) == 0)
		return no_service(r, id);
	s->id = mkt_db_val(res, 0, "id");
	s->slug = mkt_db_val(res, 0, "slug");
	s->name = mkt_db_val(res, 0, "name");
	s->provider = mkt_db_val(res, 0, "provider");
	s->owner_org = mkt_db_val(res, 0, "owner_org");
	return 0;
}

static struct json_object *
parse(const PGresult *res, const char *col)
{
	const char	*v = mkt_db_val(res, 0, col);

	return v != NULL ? json_tokener_parse(v) : NULL;
}

/* ---- input ---- */

static void
bad_field(struct json_object *errors, const char *name, const char *reason)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "reason", json_object_new_string(reason));
	json_object_array_add(errors, e);
}

/* A text field: trimmed, required or not, at most max characters. */
static const char *
text_field(struct mkt_req *r, const char *name, bool required, size_t max,
    struct json_object *values, struct json_object *errors)
{
	const char	*s;
	bool		 bad;

	s = mkt_body_field(r, name, true, &bad);
	if (s != NULL)
		json_object_object_add(values, name, json_object_new_string(s));
	if (bad) {
		bad_field(errors, name, mkt_tr(r,
		    "must be plain text without control characters"));
		return NULL;
	}
	if ((s = mkt_trim(r->arena, s)) == NULL) {
		if (required)
			bad_field(errors, name, mkt_tr(r,
			    "is required: write a few words"));
		return NULL;
	}
	if (mkt_utf8_chars(s, strlen(s)) > max) {
		bad_field(errors, name, mkt_arena_printf(r->arena,
		    mkt_tr(r, "is too long: at most %zu characters"), max));
		return NULL;
	}
	return s;
}

/*
 * A refused form: the API gets a 422 problem listing the fields, a
 * person the service page again with the form as sent and what is
 * wrong with it.  target: "review", or "reply" to review_id.
 */
static int
refuse(struct mkt_req *r, const char *target, const char *review_id,
    struct json_object *values, struct json_object *errors)
{
	struct json_object	*s, *form;
	int			 status;

	if (r->fmt == MKT_FMT_HTML) {
		if ((status = catalog_item(r)) != 200)
			return status;
		if (r->view != NULL &&
		    json_object_object_get_ex(r->view, "service", &s)) {
			form = json_object_new_object();
			json_object_object_add(form, "target",
			    json_object_new_string(target));
			if (review_id != NULL)
				json_object_object_add(form, "review",
				    json_object_new_string(review_id));
			json_object_object_add(form, "values",
			    json_object_get(values));
			json_object_object_add(form, "errors",
			    json_object_get(errors));
			json_object_object_add(s, "review_form", form);
		}
		return 422;
	}
	status = mkt_fail(r, 422, "invalid-input", mkt_tr(r,
	    "some fields are missing or not valid"));
	r->problem_extra = errors;
	return status;
}

/* ---- the list ---- */

static struct json_object *
page_link(struct mkt_req *r, const struct svc *s, int64_t page,
    int64_t per)
{
	if (per != PER_PAGE)
		return json_object_new_string(mkt_link(r,
		    "/services/%s/reviews?page=%lld&per_page=%lld", s->slug,
		    (long long)page, (long long)per));
	return json_object_new_string(mkt_link(r,
	    "/services/%s/reviews?page=%lld", s->slug, (long long)page));
}

/* A page of reviews with their total and the service's rating, or NULL
 * when the database failed (the caller answers). */
static PGresult *
fetch_page(struct mkt_req *r, const char *service_id, int64_t page,
    int64_t per)
{
	const char	*p[4];

	p[0] = service_id;
	p[1] = mkt_arena_printf(r->arena, "%lld", (long long)per);
	p[2] = mkt_arena_printf(r->arena, "%lld", (long long)((page - 1) * per));
	p[3] = r->user != NULL ? r->user->id : NULL;
	return mkt_db_exec(r, moderator(r) ? &q_page_all : &q_page, p);
}

/*
 * GET /services/{id}/reviews, GET /api/v1/services/{id}/reviews
 * (page, per_page): the service's reviews, newest first, with its
 * rating.  Administrators and auditors also see hidden reviews, marked
 * with the reason.  404 when the reader may not see the service.
 */
int
reviews_list(struct mkt_req *r)
{
	const struct mkt_pval	*pg = mkt_param(r, "page");
	const struct mkt_pval	*pp = mkt_param(r, "per_page");
	int64_t			 page = pg->present ? pg->i : 1;
	int64_t			 per = pp->present ? pp->i : PER_PAGE;
	int64_t			 total, pages;
	struct json_object	*v, *o, *links, *paging;
	struct svc		 s;
	PGresult		*res;
	int			 status;

	if ((status = find_service(r, &s)) != 0)
		return status;
	if ((res = fetch_page(r, s.id, page, per)) == NULL)
		return mkt_fail_db(r);
	total = mkt_db_int(res, 0, "total");
	pages = total > 0 ? (total + per - 1) / per : 1;

	v = mkt_view(r, NULL);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(s.id));
	json_object_object_add(o, "slug", json_object_new_string(s.slug));
	json_object_object_add(o, "name", json_object_new_string(s.name));
	json_object_object_add(o, "provider",
	    json_object_new_string(s.provider));
	links = json_object_new_object();
	json_object_object_add(links, "self", json_object_new_string(
	    mkt_link(r, "/services/%s", s.slug)));
	json_object_object_add(o, "links", links);
	json_object_object_add(v, "service", o);
	json_object_object_add(v, "rating", parse(res, "rating"));
	json_object_object_add(v, "reviews", parse(res, "items"));

	paging = json_object_new_object();
	json_object_object_add(paging, "number", json_object_new_int64(page));
	json_object_object_add(paging, "size", json_object_new_int64(per));
	json_object_object_add(paging, "total_items",
	    json_object_new_int64(total));
	json_object_object_add(paging, "total_pages",
	    json_object_new_int64(pages));
	json_object_object_add(v, "page", paging);
	links = json_object_new_object();
	json_object_object_add(links, "self", page_link(r, &s, page, per));
	json_object_object_add(links, "prev", page > 1 ? page_link(r, &s,
	    page - 1 < pages ? page - 1 : pages, per) : NULL);
	json_object_object_add(links, "next", page < pages ?
	    page_link(r, &s, page + 1, per) : NULL);
	json_object_object_add(v, "links", links);
	/* For the pager's page links (layout.xsl). */
	o = json_object_new_object();
	if (per != PER_PAGE)
		json_object_object_add(o, "per_page",
		    json_object_new_int64(per));
	json_object_object_add(v, "filters", o);
	return 200;
}

/* ---- on the service page ---- */

/* The notice after a form was sent (POST, redirect, GET): only these
 * fixed values of ?notice= are shown, never text from the address. */
static const char *
notice(struct mkt_req *r)
{
	size_t	 i;

	for (i = 0; i < r->nargs; i++) {
		if (strcmp(r->args[i].key, "notice") != 0)
			continue;
		if (strcmp(r->args[i].val, "review-saved") == 0)
			return mkt_tr(r, "Thank you: your review has been "
			    "saved.");
		if (strcmp(r->args[i].val, "reply-saved") == 0)
			return mkt_tr(r, "Your reply has been published.");
	}
	return NULL;
}

/*
 * Adds to the service page's view model: "rating" {reviews, average,
 * bayesian}, the first page of "reviews", "reviews_total",
 * "can_review" with "review_state" (why not: "sign-in", "use-first",
 * "own-organisation"), the reader's "my_review", "can_reply" and a
 * "review_notice" after a form.  A database failure leaves the page
 * without reviews (logged) rather than failing it.
 */
void
reviews_add_to_item(struct mkt_req *r, struct json_object *service)
{
	struct json_object	*o, *links, *mine = NULL;
	struct svc		 s;
	const char		*p[2], *state, *note;
	bool			 eligible = false;
	PGresult		*res, *me;

	memset(&s, 0, sizeof(s));
	if (!json_object_object_get_ex(service, "id", &o))
		return;
	s.id = json_object_get_string(o);
	if (json_object_object_get_ex(service, "slug", &o))
		s.slug = json_object_get_string(o);
	if ((res = fetch_page(r, s.id, 1, PER_PAGE)) == NULL) {
		mkt_log_warn(r, "could not read the reviews of service %s",
		    s.id);
		return;
	}
	if (r->user != NULL) {
		p[0] = s.id;
		p[1] = r->user->id;
		if ((me = mkt_db_exec(r, &q_mine, p)) == NULL) {
			mkt_log_warn(r, "could not read the reader's review "
			    "of service %s", s.id);
			return;
		}
		eligible = mkt_db_bool(me, 0, "eligible");
		s.owner_org = mkt_db_val(me, 0, "owner_org");
		mine = parse(me, "mine");
	}
	if (r->user == NULL)
		state = "sign-in";
	else if (same_org(r, &s))
		state = "own-organisation";
	else if (!eligible)
		state = "use-first";
	else
		state = NULL;

	json_object_object_add(service, "rating", parse(res, "rating"));
	json_object_object_add(service, "reviews", parse(res, "items"));
	json_object_object_add(service, "reviews_total",
	    json_object_new_int64(mkt_db_int(res, 0, "total")));
	json_object_object_add(service, "can_review",
	    json_object_new_boolean(state == NULL));
	json_object_object_add(service, "review_state", state != NULL ?
	    json_object_new_string(state) : NULL);
	json_object_object_add(service, "my_review", mine);
	json_object_object_add(service, "can_reply",
	    json_object_new_boolean(r->user != NULL && may_reply(r, &s)));
	if ((note = notice(r)) != NULL)
		json_object_object_add(service, "review_notice",
		    json_object_new_string(note));
	if (s.slug != NULL &&
	    json_object_object_get_ex(service, "links", &links) &&
	    json_object_is_type(links, json_type_object))
		json_object_object_add(links, "reviews", json_object_new_string(
		    mkt_link(r, "/services/%s/reviews", s.slug)));
}

/* ---- writing ---- */

static int
saved(struct mkt_req *r, const struct svc *s, const char *review_id,
    const char *note, int status)
{
	const char		*p[2];
	struct json_object	*v;
	PGresult		*res;

	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, mkt_arena_printf(r->arena,
		    "/services/%s?notice=%s#%s", s->slug, note,
		    strcmp(note, "reply-saved") == 0 ?
		    mkt_arena_printf(r->arena, "review-%s", review_id) :
		    "reviews"));
	p[0] = review_id;
	p[1] = r->user->id;
	if ((res = mkt_db_exec(r, &q_one, p)) == NULL)
		return mkt_fail_db(r);
	v = mkt_view(r, NULL);
	json_object_object_add(v, "review", parse(res, "review"));
	if (status == 201)
		mkt_header(r, "Location", "/api/v1/services/%s/reviews",
		    s->slug);
	return status;
}

/*
 * POST /services/{id}/reviews, POST /api/v1/services/{id}/reviews
 * (rating 1-5, title optional, body): writes the reader's review of the
 * service, or changes it (one per person and service).  404 when the
 * reader may not see the service; 403 for its own organisation and
 * for someone who has not used it; 422 for a bad rating, a missing or
 * too long text.  201 new, 200 changed (the API); a person goes back to
 * the service page (303).  Audited.
 */
int
reviews_post(struct mkt_req *r)
{
	struct json_object	*values, *errors, *details;
	const char		*p[5], *rating, *title, *body, *rid;
	struct svc		 s;
	PGresult		*res;
	bool			 bad, created;
	int			 status;

	if ((status = find_service(r, &s)) != 0)
		return status;
	if (same_org(r, &s))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "you cannot "
		    "review a service of your own organisation"));
	p[0] = r->user->id;
	p[1] = s.id;
	if ((res = mkt_db_exec(r, &q_eligible, p)) == NULL)
		return mkt_fail_db(r);
	if (!mkt_db_bool(res, 0, "eligible"))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "only people "
		    "who have used this service may review it: call it "
		    "through the gateway first"));

	values = mkt_json_own(r, json_object_new_object());
	errors = mkt_json_own(r, json_object_new_array());
	rating = mkt_body_field(r, "rating", true, &bad);
	if (rating != NULL)
		json_object_object_add(values, "rating",
		    json_object_new_string(rating));
	if (rating == NULL || strlen(rating) != 1 || rating[0] < '1' ||
	    rating[0] > '5')
		bad_field(errors, "rating", mkt_tr(r,
		    "choose from 1 to 5 stars"));
	title = text_field(r, "title", false, TITLE_MAX, values, errors);
	body = text_field(r, "body", true, BODY_MAX, values, errors);
	if (json_object_array_length(errors) > 0)
		return refuse(r, "review", NULL, values, errors);

	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = s.id;
	p[1] = r->user->id;
	p[2] = rating;
	p[3] = title;
	p[4] = body;
	if ((res = mkt_db_exec(r, &q_save, p)) == NULL)
		goto fail;
	rid = mkt_db_val(res, 0, "id");
	created = mkt_db_bool(res, 0, "created");
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "service",
	    json_object_new_string(s.id));
	json_object_object_add(details, "rating",
	    json_object_new_int(rating[0] - '0'));
	if (mkt_audit(r, created ? "review.create" : "review.update",
	    "review", rid, details) != MKT_OK || mkt_db_commit(r) != MKT_OK)
		goto fail;
	return saved(r, &s, rid, "review-saved", created ? 201 : 200);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

/*
 * POST /services/{id}/reviews/{review}/reply (and under /api/v1) (body):
 * the provider's answer to a review, one per review; sending again
 * changes it.  Only a provider of the service's organisation or an
 * administrator (403); 404 for an unknown or hidden review; 422 for a
 * missing or too long text.  Audited.
 */
int
reviews_reply(struct mkt_req *r)
{
	const char		*rid = mkt_route_arg(r, 1), *p[3], *body;
	struct json_object	*values, *errors, *details;
	struct svc		 s;
	PGresult		*res;
	bool			 replied;
	int			 status;

	if ((status = find_service(r, &s)) != 0)
		return status;
	if (!mkt_uuid_ok(rid))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such review"));
	if (!may_reply(r, &s))
		return mkt_fail(r, 403, "forbidden", mkt_tr(r, "only the "
		    "provider of this service may reply to its reviews"));
	values = mkt_json_own(r, json_object_new_object());
	errors = mkt_json_own(r, json_object_new_array());
	body = text_field(r, "body", true, BODY_MAX, values, errors);
	if (json_object_array_length(errors) > 0)
		return refuse(r, "reply", rid, values, errors);

	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = rid;
	p[1] = s.id;
	if ((res = mkt_db_exec(r, &q_review_lock, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0 || (mkt_db_bool(res, 0, "hidden") &&
	    !moderator(r))) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such review"));
	}
	replied = mkt_db_bool(res, 0, "replied");
	p[1] = body;
	p[2] = r->user->id;
	if (mkt_db_exec(r, &q_reply, p) == NULL)
		goto fail;
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "service",
	    json_object_new_string(s.id));
	json_object_object_add(details, "changed",
	    json_object_new_boolean(replied));
	if (mkt_audit(r, "review.reply", "review", rid, details) != MKT_OK ||
	    mkt_db_commit(r) != MKT_OK)
		goto fail;
	return saved(r, &s, rid, "reply-saved", 200);
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}
