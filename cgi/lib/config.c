/* config.c: the configuration file, with MKT_<KEY> environment overrides */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct mkt_config {
	struct mkt_kv	*kv;
	size_t		 n;
};

const char *
mkt_config_path_default(void)
{
	const char	*p = getenv("MKT_CONFIG");

	return (p != NULL && *p != '\0') ? p :
	    SYSCONFDIR "/llm-marketplace/marketplace.conf";
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Lines are "key = value"; '#' starts a comment line.  A missing file is
 * not an error when the path was not given explicitly: the defaults and
 * the environment then apply, which is how the tests run.
 */
struct mkt_config *
mkt_config_load(const char *path, char *err, size_t errsz)
{
	struct mkt_config	*c = mkt_xcalloc(1, sizeof(*c));
	FILE			*f;
	char			 line[4096];
	unsigned		 lineno = 0;

	if (path == NULL)
		return c;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "could not open configuration file "
		    "\"%s\": %s", path, strerror(errno));
		mkt_config_free(c);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char	*k, *v, *eq, *p;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%u: line too long", path,
			    lineno);
			goto fail;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errsz, "%s:%u: expected \"key = value\"",
			    path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (p = k; *p != '\0'; p++)
			if (!(islower((unsigned char)*p) ||
			    isdigit((unsigned char)*p) || *p == '_'))
				break;
		if (*k == '\0' || *p != '\0') {
			snprintf(err, errsz, "%s:%u: invalid key \"%s\" "
			    "(use lower-case letters, digits and _)",
			    path, lineno, k);
			goto fail;
		}
		c->kv = mkt_xrealloc(c->kv, (c->n + 1) * sizeof(*c->kv));
		c->kv[c->n].key = mkt_xstrdup(k);
		c->kv[c->n].val = mkt_xstrdup(v);
		c->kv[c->n].vlen = strlen(v);
		c->n++;
	}
	fclose(f);
	return c;
fail:
	fclose(f);
	mkt_config_free(c);
	return NULL;
}

void
mkt_config_free(struct mkt_config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free((char *)c->kv[i].key);
		free((char *)c->kv[i].val);
	}
	free(c->kv);
	free(c);
}

const char *
mkt_config_str(const struct mkt_config *c, const char *key, const char *def)
{
	char		 env[128] = "MKT_";
	const char	*v;
	size_t		 i, n;

	n = strlen(key);
	if (n + 5 <= sizeof(env)) {
		for (i = 0; i < n; i++)
			env[4 + i] = (char)toupper((unsigned char)key[i]);
		env[4 + n] = '\0';
		if ((v = getenv(env)) != NULL)
			return v;
	}
	/* The last assignment in the file wins, as in most config formats.
	 * No file at all (a program's unit tests): the defaults. */
	for (i = c != NULL ? c->n : 0; i > 0; i--)
		if (strcmp(c->kv[i - 1].key, key) == 0)
			return c->kv[i - 1].val;
	return def;
}

long
mkt_config_long(const struct mkt_config *c, const char *key, long def,
    long min, long max)
{
	const char	*v = mkt_config_str(c, key, NULL);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
		    "configuration \"%s\" must be an integer in [%ld, %ld]; "
		    "using %ld", key, min, max, def);
		return def;
	}
	return n;
}

bool
mkt_config_bool(const struct mkt_config *c, const char *key, bool def)
{
	const char	*v = mkt_config_str(c, key, NULL);

	if (v == NULL || *v == '\0')
		return def;
	if (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0)
		return true;
	if (strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0)
		return false;
	mkt_logx(MKT_LOG_WARN, NULL, __FILE__, __LINE__,
	    "configuration \"%s\" must be yes or no; using %s", key,
	    def ? "yes" : "no");
	return def;
}

void
mkt_search_weights(const struct mkt_config *cfg, double w[MKT_SEARCH_WEIGHTS])
{
	static const char *const keys[MKT_SEARCH_WEIGHTS] = {
		"search_weight_relevance", "search_weight_popularity",
		"search_weight_performance", "search_weight_compliance"
	};
	static const long defaults[MKT_SEARCH_WEIGHTS] = {
		400, 200, 200, 200
	};
	size_t	 i;

	for (i = 0; i < MKT_SEARCH_WEIGHTS; i++)
		w[i] = (double)mkt_config_long(cfg, keys[i], defaults[i], 0,
		    1000) / 1000.0;
}
