/* reviews.c: moderation of the services' reviews, for administrators:
 * the list (newest first), hiding with a reason and showing again, each
 * in the audit trail */
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "market.h"
#include "admin.h"

#define PER_PAGE	25
#define REASON_MAX	1000	/* characters, as the table's CHECK */

static const char *const states[] = { "all", "visible", "hidden", NULL };
static const char *const notices[] = { "hidden", "shown", NULL };

const struct mkt_param reviews_params[] = {
	{ "page",	MKT_P_INT,  1, 100000, NULL },
	{ "state",	MKT_P_ENUM, 0, 0, states },
	{ "service",	MKT_P_SLUG, 0, 128, NULL },
	{ "notice",	MKT_P_ENUM, 0, 0, notices },
	{ NULL, 0, 0, 0, NULL }
};

/* $1 state, $2 service slug or NULL, $3 limit, $4 offset. */
#define MATCHING							\
	" FROM reviews r WHERE ($1 = 'all' OR r.hidden = ($1 = 'hidden'))" \
	"  AND ($2::text IS NULL OR r.service_id ="			\
	"   (SELECT id FROM services WHERE slug = $2))"

static const struct mkt_sql q_list = { "admin_reviews", 4,
	"SELECT (SELECT count(*)" MATCHING ") AS total,"
	" (SELECT count(*) FROM reviews WHERE hidden) AS hidden,"
	" (SELECT coalesce(json_agg(json_build_object('id', r.id,"
	"   'rating', r.rating, 'title', r.title, 'body', r.body,"
	"   'author', u.display_name, 'created_at', r.created_at,"
	"   'updated_at', r.updated_at,"
	"   'service', json_build_object('slug', s.slug, 'name', s.name),"
	"   'provider', p.name, 'reply', r.reply, 'hidden', r.hidden,"
	"   'hidden_reason', r.hidden_reason, 'hidden_at', r.hidden_at,"
	"   'hidden_by', h.display_name)"
	"   ORDER BY r.created_at DESC, r.id), '[]')"
	"  FROM (SELECT r.*" MATCHING
	"        ORDER BY r.created_at DESC, r.id LIMIT $3 OFFSET $4) r"
	"  JOIN users u ON u.id = r.author_id"
	"  JOIN services s ON s.id = r.service_id"
	"  JOIN providers p ON p.id = s.provider_id"
	"  LEFT JOIN users h ON h.id = r.hidden_by) AS items" };

static struct json_object *
page_link(struct mkt_req *r, int64_t page, const char *state,
    const char *service)
{
	return json_object_new_string(mkt_link(r, "/admin/reviews?page=%lld"
	    "%s%s%s%s", (long long)page,
	    strcmp(state, "all") != 0 ? "&state=" : "",
	    strcmp(state, "all") != 0 ? state : "",
	    service != NULL ? "&service=" : "", service ? service : ""));
}

/*
 * GET /admin/reviews (page, state all|visible|hidden, service slug):
 * every review, newest first, with who wrote it, the service, the reply
 * and, for hidden ones, why, when and by whom.
 */
int
reviews_page(struct mkt_req *r)
{
	const struct mkt_pval	*pg = mkt_param(r, "page");
	const struct mkt_pval	*st = mkt_param(r, "state");
	const struct mkt_pval	*sv = mkt_param(r, "service");
	const struct mkt_pval	*nt = mkt_param(r, "notice");
	const char		*state = st->present ? st->s : "all";
	const char		*service = sv->present ? sv->s : NULL;
	int64_t			 page = pg->present ? pg->i : 1, total, pages;
	const char		*p[4];
	struct json_object	*v, *o, *links;
	PGresult		*res;

	p[0] = state;
	p[1] = service;
	p[2] = mkt_arena_printf(r->arena, "%d", PER_PAGE);
	p[3] = mkt_arena_printf(r->arena, "%lld",
	    (long long)((page - 1) * PER_PAGE));
	if ((res = mkt_db_exec(r, &q_list, p)) == NULL)
		return mkt_fail_db(r);
	total = mkt_db_int(res, 0, "total");
	pages = total > 0 ? (total + PER_PAGE - 1) / PER_PAGE : 1;

	v = mkt_view(r, NULL);
	json_object_object_add(v, "reviews",
	    json_tokener_parse(mkt_db_val(res, 0, "items")));
	json_object_object_add(v, "hidden_total",
	    json_object_new_int64(mkt_db_int(res, 0, "hidden")));
	o = json_object_new_object();
	json_object_object_add(o, "number", json_object_new_int64(page));
	json_object_object_add(o, "size", json_object_new_int64(PER_PAGE));
	json_object_object_add(o, "total_items", json_object_new_int64(total));
	json_object_object_add(o, "total_pages", json_object_new_int64(pages));
	json_object_object_add(v, "page", o);
	links = json_object_new_object();
	json_object_object_add(links, "prev", page > 1 ? page_link(r,
	    page - 1 < pages ? page - 1 : pages, state, service) : NULL);
	json_object_object_add(links, "next", page < pages ?
	    page_link(r, page + 1, state, service) : NULL);
	json_object_object_add(v, "links", links);
	/* Named as in the query string, for the pager (layout.xsl). */
	o = json_object_new_object();
	json_object_object_add(o, "state", json_object_new_string(
	    strcmp(state, "all") != 0 ? state : ""));
	json_object_object_add(o, "service", json_object_new_string(
	    service ? service : ""));
	json_object_object_add(v, "filters", o);
	if (nt->present)
		json_object_object_add(v, "notice", json_object_new_string(
		    strcmp(nt->s, "hidden") == 0 ?
		    mkt_tr(r, "The review is hidden.") :
		    mkt_tr(r, "The review is shown again.")));
	json_object_object_add(v, "csrf", json_object_new_string(
	    r->user->csrf ? r->user->csrf : ""));
	return 200;
}

static const struct mkt_sql q_lock = { "admin_review_lock", 1,
	"SELECT hidden, service_id FROM reviews WHERE id = $1::uuid"
	" FOR UPDATE" };

static const struct mkt_sql q_hide = { "admin_review_hide", 3,
	"UPDATE reviews SET hidden = true, hidden_reason = $2,"
	"  hidden_by = $3::uuid, hidden_at = now() WHERE id = $1::uuid" };

/* The reason for showing it again is in the audit trail. */
static const struct mkt_sql q_unhide = { "admin_review_unhide", 1,
	"UPDATE reviews SET hidden = false, hidden_reason = NULL,"
	"  hidden_by = NULL, hidden_at = NULL WHERE id = $1::uuid" };

/* The reason of the form or of a JSON body, trimmed; NULL if none. */
static const char *
reason(struct mkt_req *r, bool *bad)
{
	return mkt_trim(r->arena, mkt_body_field(r, "reason", false, bad));
}

/* Hides (hide) or shows again one review, with a reason; both audited
 * in the same transaction. */
static int
moderate(struct mkt_req *r, bool hide)
{
	const char		*id = mkt_route_arg(r, 0), *why, *p[3];
	struct json_object	*details, *v;
	PGresult		*res;
	bool			 bad;

	if (!mkt_uuid_ok(id))
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such review"));
	why = reason(r, &bad);
	if (bad)
		return mkt_fail(r, 422, "invalid-input", mkt_tr(r,
		    "the reason must be plain text without control "
		    "characters"));
	if (why == NULL)
		return mkt_fail(r, 422, "invalid-input", hide ?
		    mkt_tr(r, "say why the review is hidden: it is kept "
		    "with the decision") :
		    mkt_tr(r, "say why the review is shown again: it is kept "
		    "with the decision"));
	if (mkt_utf8_chars(why, strlen(why)) > REASON_MAX)
		return mkt_failf(r, 422, "invalid-input", mkt_tr(r,
		    "the reason is too long: at most %d characters"),
		    REASON_MAX);
	if (mkt_db_begin(r) != MKT_OK)
		return mkt_fail_db(r);
	p[0] = id;
	if ((res = mkt_db_exec(r, &q_lock, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		mkt_db_rollback(r);
		return mkt_fail(r, 404, "not-found",
		    mkt_tr(r, "there is no such review"));
	}
	if (mkt_db_bool(res, 0, "hidden") == hide) {
		mkt_db_rollback(r);
		return mkt_fail(r, 409, "conflict", hide ?
		    mkt_tr(r, "this review is hidden already") :
		    mkt_tr(r, "this review is not hidden"));
	}
	details = mkt_json_own(r, json_object_new_object());
	json_object_object_add(details, "service", json_object_new_string(
	    mkt_db_val(res, 0, "service_id")));
	json_object_object_add(details, "reason", json_object_new_string(why));
	p[1] = why;
	p[2] = r->user->id;
	if (mkt_db_exec(r, hide ? &q_hide : &q_unhide, p) == NULL ||
	    mkt_audit(r, hide ? "review.hide" : "review.unhide", "review", id,
	    details) != MKT_OK || mkt_db_commit(r) != MKT_OK)
		goto fail;
	if (r->fmt == MKT_FMT_HTML)
		return mkt_redirect(r, 303, hide ?
		    "/admin/reviews?notice=hidden" :
		    "/admin/reviews?notice=shown");
	v = json_object_new_object();
	json_object_object_add(v, "id", json_object_new_string(id));
	json_object_object_add(v, "hidden", json_object_new_boolean(hide));
	json_object_object_add(mkt_view(r, NULL), "review", v);
	return 200;
fail:
	mkt_db_rollback(r);
	return mkt_fail_db(r);
}

/*
 * POST /admin/reviews/{id}/hide (reason): takes the review off the
 * service's page and out of its rating; its author still sees it, with
 * the reason.  422 without a reason, 409 when hidden already.
 */
int
review_hide(struct mkt_req *r)
{
	return moderate(r, true);
}

/* POST /admin/reviews/{id}/unhide (reason): shows it again. */
int
review_unhide(struct mkt_req *r)
{
	return moderate(r, false);
}
