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
	(void)check_only;
	memset(app, 0, sizeof(*app));
	app->prog = prog;
	app->cfg = cfg;
	app->database = mkt_config_str(cfg, "database",
	    "dbname=marketplace");
	app->memcached = mkt_config_str(cfg, "memcached", "127.0.0.1:11211");
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
	app->threads = mkt_config_long(cfg, "threads", 1, 1, 256);
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
