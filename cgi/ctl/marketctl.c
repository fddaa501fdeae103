/* marketctl.c: the operator's command-line tool (migrate, import, admin,
 * audit) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#ifndef SQLDIR
#define SQLDIR "/usr/share/llm-marketplace/sql"
#endif

static const struct {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	const char	*usage;
} commands[] = {
	{ "migrate", ctl_migrate,
	  "migrate [--status]      apply pending schema migrations in order" },
	{ "import-catalog", ctl_import,
	  "import-catalog [FILE]   import a LiteLLM-format model catalog\n"
	  "                          (default: the shipped demo catalog)" },
	{ "create-admin", ctl_create_admin,
	  "create-admin --email E --name N [--password-file F]\n"
	  "                          create or update an administrator" },
	{ "create-user", ctl_create_user,
	  "create-user --email E --name N [--roles R,R] [--org SLUG]\n"
	  "            [--password-file F]\n"
	  "                          create or update an account (roles:\n"
	  "                          consumer, provider, admin, auditor)" },
	{ "partitions", ctl_partitions,
	  "partitions [--months N] create the monthly usage partitions ahead\n"
	  "                          (run monthly from cron)" },
	{ "outbox", ctl_outbox,
	  "outbox [--once] [--batch N]\n"
	  "                          deliver service registrations to the\n"
	  "                          LLM-Registry; runs until SIGTERM, woken\n"
	  "                          by each publication (--once: for cron)" },
	{ "search-refresh", ctl_search_refresh,
	  "search-refresh          rebuild the search vocabulary (typo\n"
	  "                          correction, suggestions), the usage\n"
	  "                          figures, ratings and stored scores search\n"
	  "                          ranks by, and the co-usage behind\n"
	  "                          recommendations; hourly from cron" },
	{ "gateway-sweep", ctl_gateway_sweep,
	  "gateway-sweep           release the budget reservations of gateway\n"
	  "                          calls whose process died (every minute\n"
	  "                          from cron)" },
	{ "audit-verify", ctl_audit_verify,
	  "audit-verify [--checkpoint FILE [--public-key FILE]]\n"
	  "                          recompute the audit hash chain; exit 1 and\n"
	  "                          name the first bad seq when it is broken;\n"
	  "                          with a checkpoint, also find truncation\n"
	  "                          and a recomputed chain" },
	{ "audit-checkpoint", ctl_audit_checkpoint,
	  "audit-checkpoint [--key FILE]\n"
	  "                          print the chain head signed with Ed25519,\n"
	  "                          to keep outside the database" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: marketctl [-c FILE] [-d CONNINFO] [-q] COMMAND "
	    "[ARGS]\n\nOperator tool of the LLM Marketplace.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\noptions:\n"
	    "  -c, --config FILE      configuration file (default %s)\n"
	    "  -d, --database STR     libpq connection string (default: the\n"
	    "                         configuration's \"owner_database\", the\n"
	    "                         owner of the tables, else \"database\")\n"
	    "  -q, --quiet            print only errors\n"
	    "  -V, --version          print the version and exit\n"
	    "  -h, --help             print this help and exit\n\n"
	    "The environment variables MKT_OWNER_DATABASE, MKT_DATABASE, "
	    "MKT_SQL_DIR and\nMKT_CONFIG override the configuration.\n",
	    mkt_config_path_default());
}

void
ctl_progress(struct ctl *c, const char *fmt, ...)
{
	va_list	 ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

PGresult *
ctl_exec(struct ctl *c, const char *sql, int n, const char *const *params)
{
	PGresult	*res = PQexecParams(c->pg, sql, n, NULL, params, NULL,
	    NULL, 0);

	if (res == NULL || (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_COMMAND_OK)) {
		fprintf(stderr, "marketctl: %s", res ?
		    PQresultErrorMessage(res) : PQerrorMessage(c->pg));
		PQclear(res);
		return NULL;
	}
	return res;
}

/*
 * Records an operator's action in the audit trail, inside the caller's
 * transaction (actor "system": the tool runs with database rights, not
 * as a marketplace user).  details is a JSON object text.
 */
bool
ctl_audit(struct ctl *c, const char *action, const char *resource_type,
    const char *resource_id, const char *details)
{
	const char	*params[4] = { action, resource_type, resource_id,
	    details };
	PGresult	*res = ctl_exec(c, "INSERT INTO audit_log (actor_type,"
	    " action, resource_type, resource_id, details)"
	    " VALUES ('system', $1, $2, $3, $4::jsonb)", 4, params);

	PQclear(res);
	return res != NULL;
}

/* Runs fixed SQL text (no parameters; may hold several statements). */
bool
ctl_command(struct ctl *c, const char *sql)
{
	PGresult	*res = PQexec(c->pg, sql);
	bool		 ok = res != NULL &&
	    (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK);

	if (!ok)
		fprintf(stderr, "marketctl: %s", res ?
		    PQresultErrorMessage(res) : PQerrorMessage(c->pg));
	PQclear(res);
	return ok;
}

/* gateway-sweep: a gateway process killed mid-call leaves its
 * reservation; past its expiry (the call's timeout and a minute) it is
 * given back, counting nothing, since the call never reported success. */
int
ctl_gateway_sweep(struct ctl *c, int argc, char **argv)
{
	PGresult	*res;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: marketctl gateway-sweep\n");
		return 2;
	}
	if ((res = ctl_exec(c, "SELECT gateway_sweep() AS n", 0, NULL)) == NULL)
		return 1;
	ctl_progress(c, "released %s expired reservations\n",
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* search-refresh: the vocabulary of "did you mean" and suggestions
 * follows the catalog; CONCURRENTLY, so searches go on meanwhile. */
int
ctl_search_refresh(struct ctl *c, int argc, char **argv)
{
	double		 w[MKT_SEARCH_WEIGHTS];
	char		 text[MKT_SEARCH_WEIGHTS][16];
	const char	*params[MKT_SEARCH_WEIGHTS];
	PGresult	*res;
	size_t		 i;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: marketctl search-refresh\n");
		return 2;
	}
	if (!ctl_command(c, "REFRESH MATERIALIZED VIEW CONCURRENTLY "
	    "search_vocabulary"))
		return 1;
	/* Usage of the last 30 days, for the ranking (0009_ranking.sql):
	 * calls, p95 latency, and the share of answers that were not
	 * server errors. */
	if (!ctl_command(c, "BEGIN;"
	    " DELETE FROM service_stats;"
	    " INSERT INTO service_stats (service_id, calls_30d,"
	    "   p95_latency_ms, availability, p50_latency_ms, p99_latency_ms,"
	    "   p50_ttfb_ms, error_rate, breaches_30d)"
	    " SELECT service_id, count(*),"
	    "   percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms),"
	    "   round(100.0 * count(*) FILTER (WHERE NOT failed) / count(*), 3),"
	    "   percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),"
	    "   percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms),"
	    "   percentile_disc(0.5) WITHIN GROUP (ORDER BY ttfb_ms),"
	    "   round(100.0 * count(*) FILTER (WHERE failed) / count(*), 3),"
	    "   (SELECT count(*) FROM sla_breaches b"
	    "     WHERE b.service_id = u.service_id"
	    "       AND b.occurred_at > now() - interval '30 days')"
	    " FROM (SELECT service_id, latency_ms, ttfb_ms,"
	    "   status LIKE '5%' OR status IN ('provider_error', 'timeout',"
	    "     'unreachable', 'partial') AS failed"
	    "   FROM usage_records"
	    "   WHERE occurred_at > now() - interval '30 days') u"
	    " WHERE EXISTS (SELECT 1 FROM services s WHERE s.id = u.service_id)"
	    " GROUP BY service_id;"
	    " COMMIT"))
		return 1;
	/* Every service's Bayesian average with the catalog's current mean
	 * (0011_reviews.sql); a review updates only its own service's. */
	if (!ctl_command(c, "SELECT service_ratings_refresh()"))
		return 1;
	/* "Consumers who use this also use" (0012_recommendations.sql). */
	if (!ctl_command(c, "SELECT search_refresh_co_usage()"))
		return 1;
	/* The configured weights, then the stored part of every
	 * service's score (0010_search_scale.sql). */
	mkt_search_weights(c->cfg, w);
	for (i = 0; i < MKT_SEARCH_WEIGHTS; i++) {
		snprintf(text[i], sizeof(text[i]), "%.3f", w[i]);
		params[i] = text[i];
	}
	if ((res = ctl_exec(c, "UPDATE search_weights SET relevance = $1,"
	    " popularity = $2, performance = $3, compliance = $4", 4,
	    params)) == NULL)
		return 1;
	PQclear(res);
	if ((res = ctl_exec(c, "SELECT search_refresh_ranks() AS n", 0,
	    NULL)) == NULL)
		return 1;
	ctl_progress(c, "search vocabulary, usage figures, ratings and "
	    "co-usage refreshed; %s ranking scores changed\n",
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	/* The catalog's top set by those scores (0024_search_top_set.sql):
	 * its threshold follows them. */
	if ((res = ctl_exec(c, "SELECT search_refresh_top() AS n", 0,
	    NULL)) == NULL)
		return 1;
	ctl_progress(c, "top set of the search: %s services moved in or out\n",
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	/* Which words are common, from the statistics of the last ANALYZE
	 * (0026_search_lean_words.sql), and the share of the catalog each
	 * clearance sees, for the estimates (0028). */
	if (!ctl_command(c, "SELECT search_refresh_lexemes()"))
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "database",	required_argument, NULL, 'd' },
		{ "quiet",	no_argument,	   NULL, 'q' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl		 c;
	struct mkt_config	*cfg;
	const char		*cfgpath = NULL, *database = NULL;
	char			 err[512];
	size_t			 i;
	int			 ch, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "+c:d:qVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'd':
			database = optarg;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'V':
			printf("marketctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		fprintf(stderr, "marketctl: unknown command \"%s\"; see "
		    "marketctl --help\n", argv[0]);
		return 2;
	}
	if (cfgpath == NULL) {
		cfgpath = mkt_config_path_default();
		if (getenv("MKT_CONFIG") == NULL && access(cfgpath, R_OK) != 0)
			cfgpath = NULL;
	}
	if ((cfg = mkt_config_load(cfgpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "marketctl: %s\n", err);
		return 1;
	}
	/* Migrations need the owner of the tables; the programs connect as
	 * a role that may not even change the audit log. */
	if (database == NULL)
		database = mkt_config_str(cfg, "owner_database", NULL);
	if (database == NULL || *database == '\0')
		database = mkt_config_str(cfg, "database", "dbname=marketplace");
	c.sql_dir = mkt_config_str(cfg, "sql_dir", SQLDIR);
	c.cfg = cfg;
	c.pg = PQconnectdb(database);
	if (PQstatus(c.pg) != CONNECTION_OK) {
		fprintf(stderr, "marketctl: could not connect to the database: "
		    "%s(check \"database\" in the configuration or "
		    "--database)\n", PQerrorMessage(c.pg));
		PQfinish(c.pg);
		mkt_config_free(cfg);
		return 1;
	}
	/* Our own messages are enough; NOTICEs ("already exists") are noise. */
	ctl_command(&c, "SET client_min_messages = warning");
	rc = commands[i].fn(&c, argc, argv);
	PQfinish(c.pg);
	mkt_config_free(cfg);
	return rc;
}
