/* route.c: the route table, path patterns and declared parameters */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

static const char *const method_names[MKT_METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
};

const char *
mkt_method_name(enum mkt_method m)
{
	return m < MKT_METHOD__MAX ? method_names[m] : "?";
}

enum mkt_method
mkt_method_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < MKT_METHOD__MAX; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum mkt_method)i;
	return MKT_METHOD__MAX;
}

/*
 * Matches decoded path segments against one pattern such as
 * "/services/{id}".  A "{…}" segment takes any one non-empty segment and
 * stores it in args; everything else must be equal.
 */
static bool
pattern_match(const char *pat, const char *const *segs, size_t nsegs,
    const char **args)
{
	size_t	 i = 0, nargs = 0;

	if (strcmp(pat, "/") == 0)
		return nsegs == 0;
	while (*pat == '/') {
		const char	*end = strchr(pat + 1, '/');
		size_t		 len;

		if (end == NULL)
			end = pat + strlen(pat);
		len = (size_t)(end - pat - 1);
		if (i >= nsegs)
			return false;
		if (pat[1] == '{') {
			if (nargs >= MKT_MAX_ROUTE_ARGS || segs[i][0] == '\0')
				return false;
			args[nargs++] = segs[i];
		} else if (strlen(segs[i]) != len ||
		    memcmp(segs[i], pat + 1, len) != 0)
			return false;
		i++;
		pat = end;
	}
	return i == nsegs;
}

/*
 * Finds the route for a method and path.  When the path exists under
 * other methods only, returns MKT_MATCH_METHOD with the Allow list built
 * (HEAD and OPTIONS come with GET and with any path).
 */
enum mkt_match
mkt_route_find(const struct mkt_route *routes, enum mkt_method m,
    const char *const *segs, size_t nsegs, const struct mkt_route **found,
    const char **args, struct mkt_buf *allow)
{
	const struct mkt_route	*rt;
	const char		*tmp[MKT_MAX_ROUTE_ARGS];
	bool			 seen[MKT_METHOD__MAX] = { false };
	bool			 any = false;
	size_t			 i;

	for (rt = routes; rt->pattern != NULL; rt++) {
		memset(tmp, 0, sizeof(tmp));
		if (!pattern_match(rt->pattern, segs, nsegs, tmp))
			continue;
		any = true;
		seen[rt->method] = true;
		if (rt->method == m || (m == MKT_HEAD && rt->method == MKT_GET)) {
			*found = rt;
			memcpy(args, tmp, sizeof(tmp));
			return MKT_MATCH_OK;
		}
	}
	if (!any)
		return MKT_MATCH_NONE;
	if (seen[MKT_GET])
		seen[MKT_HEAD] = true;
	seen[MKT_OPTIONS] = true;
	for (i = 0; i < MKT_METHOD__MAX; i++) {
		if (!seen[i])
			continue;
		if (allow->len > 0)
			mkt_buf_puts(allow, ", ");
		mkt_buf_puts(allow, method_names[i]);
	}
	return MKT_MATCH_METHOD;
}

/* Checks one value against its declaration and converts it. */
bool
mkt_param_check(const struct mkt_param *p, const char *v, size_t len,
    struct mkt_pval *out, const char **reason)
{
	const char *const	*c;
	char			*end;
	long long		 n;

	switch (p->type) {
	case MKT_P_INT:
		if (len == 0 || len > 19) {
			*reason = N_("must be a whole number");
			return false;
		}
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || *end != '\0' || !(v[0] == '-' ||
		    (v[0] >= '0' && v[0] <= '9'))) {
			*reason = N_("must be a whole number");
			return false;
		}
		if (n < p->min || n > p->max) {
			*reason = N_("is out of range");
			return false;
		}
		out->i = n;
		out->s = v;
		break;
	case MKT_P_SLUG:
		if (!mkt_slug_ok(v, (size_t)p->max)) {
			*reason = N_("must be lower-case letters, digits, "
			    "'.', '_' or '-'");
			return false;
		}
		out->s = v;
		break;
	case MKT_P_TEXT:
		if (len > (size_t)p->max) {
			*reason = N_("is too long");
			return false;
		}
		if (!mkt_text_clean(v, len)) {
			*reason = N_("contains control characters or "
			    "invalid UTF-8");
			return false;
		}
		out->s = v;
		break;
	case MKT_P_ENUM:
		for (c = p->choices; *c != NULL; c++)
			if (strcmp(*c, v) == 0)
				break;
		if (*c == NULL) {
			*reason = N_("is not one of the allowed values");
			return false;
		}
		out->s = *c;
		break;
	}
	out->present = true;
	return true;
}

static void
add_error(struct mkt_req *r, struct json_object *errors, const char *name,
    const char *reason)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "reason",
	    json_object_new_string(mkt_tr(r, reason)));
	json_object_array_add(errors, e);
}

/*
 * Validates every declared parameter of the route (query string, then an
 * urlencoded form).  Each may appear once; a value no declaration accepts
 * never reaches the handler.  Undeclared parameters are ignored.
 */
enum mkt_err
mkt_params_validate(struct mkt_req *r, struct json_object *errors)
{
	const struct mkt_param	*p;
	size_t			 i, k, found;
	enum mkt_err		 rc = MKT_OK;

	if (r->route->params == NULL)
		return MKT_OK;
	for (i = 0, p = r->route->params; p->name != NULL && i < MKT_MAX_PARAMS;
	    i++, p++) {
		const struct mkt_kv	*hit = NULL;
		const char		*reason = NULL;

		found = 0;
		for (k = 0; k < r->nargs; k++)
			if (strcmp(r->args[k].key, p->name) == 0) {
				hit = &r->args[k];
				found++;
			}
		for (k = 0; k < r->nform; k++)
			if (strcmp(r->form[k].key, p->name) == 0) {
				hit = &r->form[k];
				found++;
			}
		if (found == 0)
			continue;
		if (found > 1) {
			add_error(r, errors, p->name,
			    N_("is given more than once"));
			rc = MKT_EINVAL;
			continue;
		}
		if (hit->vlen == 0)
			continue;	/* an empty form field means absent */
		if (!mkt_param_check(p, hit->val, hit->vlen, &r->params[i],
		    &reason)) {
			add_error(r, errors, p->name, reason);
			rc = MKT_EINVAL;
		}
	}
	return rc;
}

const struct mkt_pval *
mkt_param(const struct mkt_req *r, const char *name)
{
	static const struct mkt_pval	 absent = { false, 0, NULL };
	const struct mkt_param		*p;
	size_t				 i;

	if (r->route == NULL || r->route->params == NULL)
		return &absent;
	for (i = 0, p = r->route->params; p->name != NULL && i < MKT_MAX_PARAMS;
	    i++, p++)
		if (strcmp(p->name, name) == 0)
			return &r->params[i];
	return &absent;
}

const char *
mkt_body_field(const struct mkt_req *r, const char *name, bool numbers_ok,
    bool *bad)
{
	struct json_object	*v;
	const char		*s = NULL;
	size_t			 i, len = 0;

	*bad = false;
	if (r->json != NULL) {
		if (!json_object_is_type(r->json, json_type_object) ||
		    !json_object_object_get_ex(r->json, name, &v) ||
		    v == NULL || json_object_is_type(v, json_type_null))
			return NULL;
		if (json_object_is_type(v, json_type_string))
			len = (size_t)json_object_get_string_len(v);
		else if (numbers_ok && json_object_is_type(v, json_type_int))
			len = strlen(json_object_get_string(v));
		else {
			*bad = true;
			return NULL;
		}
		s = json_object_get_string(v);
	} else
		for (i = 0; i < r->nform; i++)
			if (strcmp(r->form[i].key, name) == 0) {
				s = r->form[i].val;
				len = r->form[i].vlen;
			}
	if (s == NULL || len == 0)
		return NULL;
	/* A NUL inside the value, or control characters. */
	if (strlen(s) != len || !mkt_text_clean(s, len)) {
		*bad = true;
		return NULL;
	}
	return s;
}

const char *
mkt_route_arg(const struct mkt_req *r, size_t i)
{
	return i < MKT_MAX_ROUTE_ARGS ? r->route_args[i] : NULL;
}

/*
 * The value of query parameter name when it is one of choices (a
 * NULL-terminated list), as the list's own string; NULL otherwise.  For
 * values that a page shows back, such as ?notice= after a redirect:
 * never text from the address itself.
 */
const char *
mkt_arg_one_of(const struct mkt_req *r, const char *name,
    const char *const *choices)
{
	size_t	 i, j;

	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].key, name) == 0)
			for (j = 0; choices[j] != NULL; j++)
				if (strcmp(r->args[i].val, choices[j]) == 0)
					return choices[j];
	return NULL;
}
