/* migrate.c: numbered SQL migrations, applied once each and in order */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

/* Migration files are NNNN_name.sql: four digits, lower-case name. */
static bool
migration_name(const char *n)
{
	size_t	 len = strlen(n), i;

	if (len < 10 || strcmp(n + len - 4, ".sql") != 0 || n[4] != '_')
		return false;
	for (i = 0; i < 4; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	for (i = 5; i < len - 4; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' &&
		    n[i] <= '9') || n[i] == '_'))
			return false;
	return true;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "rb");
	struct mkt_buf	 b;
	char		 chunk[8192];
	size_t		 n;

	if (f == NULL)
		return NULL;
	mkt_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mkt_buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.ptr ? b.ptr : mkt_xstrdup("");
}

/*
 * Applies every migration not yet recorded in schema_migrations, each in
 * its own transaction together with its record, under an advisory lock so
 * two operators cannot race.  A recorded migration whose file changed
 * since is an error: history must not be rewritten.
 */
int
ctl_migrate(struct ctl *c, int argc, char **argv)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, path[8192], sum[65];
	size_t		 n = 0, i, len;
	bool		 status_only = argc > 1 &&
	    strcmp(argv[1], "--status") == 0;
	int		 rc = 0, applied = 0;
	char		 dir[4096];

	snprintf(dir, sizeof(dir), "%s/schema", c->sql_dir);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "marketctl: could not open the migrations "
		    "folder \"%s\" (set sql_dir or MKT_SQL_DIR)\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL)
		if (migration_name(de->d_name)) {
			names = mkt_xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = mkt_xstrdup(de->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);

	if (!ctl_command(c, "SELECT pg_advisory_lock(4242001)") ||
	    !ctl_command(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version text PRIMARY KEY, name text NOT NULL,"
	    " checksum text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())")) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		char		 version[5];
		const char	*params[3];
		char		*sql;
		PGresult	*res;
		struct timespec	 t0;

		memcpy(version, names[i], 4);
		version[4] = '\0';
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path) ||
		    (sql = slurp(path, &len)) == NULL) {
			fprintf(stderr, "marketctl: could not read \"%s\"\n",
			    path);
			rc = 1;
			break;
		}
		mkt_sha256_hex(sum, sql, len);
		params[0] = version;
		params[1] = names[i];
		params[2] = sum;
		res = ctl_exec(c, "SELECT checksum FROM schema_migrations "
		    "WHERE version = $1", 1, params);
		if (res == NULL) {
			free(sql);
			rc = 1;
			break;
		}
		if (PQntuples(res) > 0) {
			if (strcmp(PQgetvalue(res, 0, 0), sum) != 0) {
				fprintf(stderr, "marketctl: migration %s was "
				    "changed after it was applied; add a new "
				    "migration instead\n", names[i]);
				rc = 1;
			} else if (status_only)
				printf("applied  %s\n", names[i]);
			PQclear(res);
			free(sql);
			continue;
		}
		PQclear(res);
		if (status_only) {
			printf("pending  %s\n", names[i]);
			free(sql);
			continue;
		}
		ctl_progress(c, "applying %s … ", names[i]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		/* The file is our own trusted SQL, run as a script (simple
		 * query protocol); nothing from outside is pasted into it. */
		if (!ctl_command(c, "BEGIN") || !ctl_command(c, sql) ||
		    (res = ctl_exec(c, "INSERT INTO schema_migrations "
		    "(version, name, checksum) VALUES ($1, $2, $3)", 3,
		    params)) == NULL) {
			ctl_command(c, "ROLLBACK");
			fprintf(stderr, "marketctl: migration %s failed; "
			    "nothing of it was applied\n", names[i]);
			rc = 1;
		} else {
			PQclear(res);
			if (!ctl_command(c, "COMMIT"))
				rc = 1;
			else {
				applied++;
				ctl_progress(c, "done (%.0f ms)\n",
				    mkt_elapsed_ms(&t0));
			}
		}
		free(sql);
	}
	if (rc == 0 && !status_only)
		ctl_progress(c, "%d migration%s applied, schema is up to "
		    "date\n", applied, applied == 1 ? "" : "s");
out:
	ctl_command(c, "SELECT pg_advisory_unlock(4242001)");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Creates the monthly usage partitions for this month and N ahead. */
int
ctl_partitions(struct ctl *c, int argc, char **argv)
{
	const char	*months = "3";
	const char	*params[1];
	PGresult	*res;
	long		 m;

	if (argc == 3 && strcmp(argv[1], "--months") == 0)
		months = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: marketctl partitions [--months N]\n");
		return 2;
	}
	m = strtol(months, NULL, 10);
	if (m < 1 || m > 120) {
		fprintf(stderr, "marketctl: --months must be 1 to 120\n");
		return 2;
	}
	params[0] = months;
	res = ctl_exec(c, "SELECT usage_ensure_partitions("
	    "date_trunc('month', now())::date, $1::integer + 1)", 1, params);
	if (res == NULL)
		return 1;
	if (!c->quiet)
		printf("%s new usage partition(s) created\n",
		    PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
