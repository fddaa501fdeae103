/* app.c: process start-up (settings, catalogs, stylesheets) and workers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxslt/xsltutils.h>

#include "extern.h"

#ifndef TEMPLATEDIR
#define TEMPLATEDIR "/usr/share/llm-marketplace/templates"
#endif
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static const char *const errors[MKT_ERR__MAX] = {
	"success", "not found", "invalid input", "over a limit",
	"invalid UTF-8", "database error", "database unavailable",
	"cache error", "system error"
};

const char *
mkt_strerror(enum mkt_err e)
{
	return e < MKT_ERR__MAX ? errors[e] : "unknown error";
}

/* Loads <locale_dir>/<lang>/LC_MESSAGES/llm-marketplace.mo for each
 * configured language; English needs none (message ids are English). */
static void
load_languages(struct mkt_app *app)
{
	const char	*list = mkt_config_str(app->cfg, "languages", "en de");
	char		*copy = mkt_xstrdup(list), *tok, *save = NULL;
	char		 path[4096];

	for (tok = strtok_r(copy, " ,", &save); tok != NULL &&
	    app->nlangs < MKT_MAX_LANGS; tok = strtok_r(NULL, " ,", &save)) {
		if (strlen(tok) > 8 || !mkt_slug_ok(tok, 8)) {
			mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
			    "ignoring language \"%s\" in the configuration",
			    tok);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo",
		    app->locale_dir, tok, "llm-marketplace");
		app->catalogs[app->nlangs] = mkt_catalog_load(path);
		if (app->catalogs[app->nlangs] == NULL &&
		    strcmp(tok, "en") != 0)
			mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
			    "no message catalog for \"%s\" at \"%s\"; its "
			    "pages will be in English", tok, path);
		app->langs[app->nlangs++] = mkt_xstrdup(tok);
	}
	free(copy);
	if (app->nlangs == 0)
		app->langs[app->nlangs++] = mkt_xstrdup("en");
}

int
mkt_app_init(struct mkt_app *app, const struct mkt_program *prog,
    struct mkt_config *cfg, bool check_only)
{
	char	 key[64];

	(void)check_only;
	memset(app, 0, sizeof(*app));
	app->prog = prog;
	app->cfg = cfg;
	app->database = mkt_config_str(cfg, "database",
	    "dbname=marketplace");
	app->memcached = mkt_config_str(cfg, "memcached", "127.0.0.1:11211");
	app->memcached_timeout_ms = mkt_config_long(cfg, "memcached_timeout_ms",
	    250, 10, 10000);
	app->template_dir = mkt_config_str(cfg, "template_dir", TEMPLATEDIR);
	app->locale_dir = mkt_config_str(cfg, "locale_dir", LOCALEDIR);
	app->static_url = mkt_config_str(cfg, "static_url", "/static");
	app->max_body = (size_t)mkt_config_long(cfg, "max_body_bytes",
	    1024 * 1024, 1024, 64L * 1024 * 1024);
	/* Contracts are large (the Mistral API's is 1 MB of JSON, more as
	 * a form): publishing has its own, higher limit. */
	if (strcmp(prog->name, "publish") == 0)
		app->max_body = (size_t)mkt_config_long(cfg,
		    "publish_max_body_bytes", 8L * 1024 * 1024, 1024,
		    64L * 1024 * 1024);
	app->max_query = (size_t)mkt_config_long(cfg, "max_query_bytes",
	    8192, 256, 65536);
	app->statement_timeout_ms = mkt_config_long(cfg,
	    "statement_timeout_ms", 5000, 100, 600000);
	/* "<program>_threads" (consume_threads: the gateway holds a thread
	 * per call in flight), else "threads". */
	snprintf(key, sizeof(key), "%s_threads", prog->name);
	app->threads = mkt_config_long(cfg, key, mkt_config_long(cfg,
	    "threads", 1, 1, 4096), 1, 4096);
	app->max_requests = mkt_config_long(cfg, "max_requests", 0, 0,
	    100000000);
	load_languages(app);
	return mkt_xslt_setup(app);
}

void
mkt_app_free(struct mkt_app *app)
{
	size_t	 i;

	for (i = 0; i < app->nviews; i++)
		xsltFreeStylesheet(app->views[i].style);
	for (i = 0; i < app->nlangs; i++) {
		mkt_catalog_free(app->catalogs[i]);
		free((char *)app->langs[i]);
	}
	if (app->secprefs != NULL)
		xsltFreeSecurityPrefs(app->secprefs);
	memset(app, 0, sizeof(*app));
}

void
mkt_worker_init(struct mkt_worker *w, const struct mkt_app *app)
{
	memset(w, 0, sizeof(*w));
	w->app = app;
	w->arena = mkt_arena_new(64 * 1024);
	mkt_buf_init(&w->out);
}

void
mkt_worker_free(struct mkt_worker *w)
{
	mkt_db_close(w);
	mkt_cache_close(w);
	mkt_arena_free(w->arena);
	mkt_buf_free(&w->out);
}

long
mkt_setting_long(const struct mkt_req *r, const char *key, long def,
    long min, long max)
{
	return mkt_config_long(r->app->cfg, key, def, min, max);
}

const struct mkt_config *
mkt_settings(const struct mkt_req *r)
{
	return r->app->cfg;
}

const char *
mkt_setting(const struct mkt_req *r, const char *key, const char *def)
{
	return mkt_config_str(r->app->cfg, key, def);
}

/*
 * The gateway's base URL as clients should write it ("https://market.
 * example.com/v1"): the setting public_url, which wins because behind a
 * proxy the Host header may be an internal name, else this request's
 * scheme and Host.  In the arena.
 */
const char *
mkt_gateway_url(struct mkt_req *r)
{
	const char	*host = mkt_req_header(r, "HTTP_HOST");
	const char	*pub = mkt_setting(r, "public_url", "");
	size_t		 n = strlen(pub);

	if (host == NULL || !mkt_header_value_ok(host) || strlen(host) > 255 ||
	    strpbrk(host, " \"'<>\\") != NULL)
		host = "marketplace.example";
	while (n > 0 && pub[n - 1] == '/')
		n--;
	if ((strncmp(pub, "https://", 8) == 0 || strncmp(pub, "http://", 7) ==
	    0) && n > 8 && n < 256 && strpbrk(pub, " \"'<>\\") == NULL)
		return mkt_arena_printf(r->arena, "%.*s/v1", (int)n, pub);
	return mkt_arena_printf(r->arena, "%s://%s/v1",
	    mkt_https(r) ? "https" : "http", host);
}
