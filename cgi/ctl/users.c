/* users.c: operator commands for accounts (the first administrator) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ctl.h"

static char *
read_password(const char *file)
{
	FILE	*f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char	 line[1024], *nl;

	if (f == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	if (f != stdin)
		fclose(f);
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	return mkt_xstrdup(line);
}

/* "consumer,provider" to a PostgreSQL array literal, checking names. */
static bool
roles_literal(const char *list, struct mkt_buf *out)
{
	static const char *const known[] = { "consumer", "provider", "admin",
	    "auditor", NULL };
	const char	*p = list;
	size_t		 n, k;

	mkt_buf_putc(out, '{');
	while (*p != '\0') {
		n = strcspn(p, ",");
		for (k = 0; known[k] != NULL; k++)
			if (strlen(known[k]) == n && strncmp(p, known[k], n) == 0)
				break;
		if (known[k] == NULL)
			return false;
		mkt_buf_printf(out, "%s%s", out->len > 1 ? "," : "", known[k]);
		p += n;
		if (*p == ',')
			p++;
	}
	mkt_buf_putc(out, '}');
	return out->len > 2;
}

/* The audit details of an operator-made account: roles and organisation
 * (no email, no name: personal data stays out of the chain). */
static void
user_details(struct mkt_buf *b, const char *roles, const char *org)
{
	mkt_buf_puts(b, "{\"tool\":\"marketctl\",\"roles\":\"");
	mkt_esc_json(b, roles, strlen(roles));
	mkt_buf_puts(b, "\"");
	if (org != NULL) {
		mkt_buf_puts(b, ",\"organization\":\"");
		mkt_esc_json(b, org, strlen(org));
		mkt_buf_puts(b, "\"");
	}
	mkt_buf_puts(b, "}");
}

/*
 * create-user --email E --name N [--roles R,R] [--org SLUG]
 *             [--password-file F|-]
 * Creates the account or updates its name, roles, organisation and
 * password.  Without a password file a random password is generated and
 * printed once.  create-admin is the same with --roles admin.
 */
static int
create_user(struct ctl *c, int argc, char **argv, const char *default_roles)
{
	static const struct option longopts[] = {
		{ "email",	   required_argument, NULL, 'e' },
		{ "name",	   required_argument, NULL, 'n' },
		{ "roles",	   required_argument, NULL, 'r' },
		{ "org",	   required_argument, NULL, 'o' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*email = NULL, *name = NULL, *pwfile = NULL;
	const char	*roles = default_roles, *org = NULL;
	const char	*params[5];
	char		*pw = NULL, generated[33];
	struct mkt_buf	 hash, rl, details;
	PGresult	*res;
	int		 ch, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'r': roles = optarg; break;
		case 'o': org = optarg; break;
		case 'p': pwfile = optarg; break;
		default:
			fprintf(stderr, "usage: marketctl %s --email E --name N "
			    "[--roles R,R] [--org SLUG] [--password-file F]\n",
			    argv[0]);
			return 2;
		}
	}
	mkt_buf_init(&rl);
	mkt_buf_init(&details);
	if (email == NULL || name == NULL || strchr(email, '@') == NULL ||
	    strlen(email) > 254 || !mkt_text_clean(email, strlen(email)) ||
	    !mkt_text_clean(name, strlen(name)) || strlen(name) > 200 ||
	    strpbrk(name, "\t\r\n") != NULL) {
		fprintf(stderr, "marketctl: %s needs --email with an address "
		    "and --name (at most 200 characters)\n", argv[0]);
		return 2;
	}
	if (!roles_literal(roles, &rl)) {
		fprintf(stderr, "marketctl: --roles takes consumer, provider, "
		    "admin and auditor, comma-separated\n");
		mkt_buf_free(&rl);
		return 2;
	}
	if (org != NULL && !mkt_slug_ok(org, 64)) {
		fprintf(stderr, "marketctl: --org takes an organisation slug "
		    "(lower-case letters, digits, '-')\n");
		mkt_buf_free(&rl);
		return 2;
	}
	if (pwfile != NULL) {
		if ((pw = read_password(pwfile)) == NULL) {
			fprintf(stderr, "marketctl: could not read the password "
			    "file \"%s\"\n", pwfile);
			mkt_buf_free(&rl);
			return 1;
		}
		if (strlen(pw) < 12) {
			fprintf(stderr, "marketctl: the password must have at "
			    "least 12 characters\n");
			free(pw);
			mkt_buf_free(&rl);
			return 2;
		}
	} else {
		mkt_random_hex(generated, 16);
		pw = mkt_xstrdup(generated);
	}
	mkt_buf_init(&hash);
	mkt_password_hash(pw, &hash);
	params[0] = email;
	params[1] = name;
	params[2] = hash.ptr;
	params[3] = rl.ptr;
	params[4] = org;
	/* An unknown organisation slug is created with the slug as name. */
	if (!ctl_command(c, "BEGIN")) {
		rc = 1;
		goto out;
	}
	res = ctl_exec(c, "WITH o AS ("
	    "  INSERT INTO organizations (slug, name) SELECT $5::text, $5::text"
	    "  WHERE $5::text IS NOT NULL ON CONFLICT (slug) DO UPDATE"
	    "  SET slug = EXCLUDED.slug RETURNING id)"
	    " INSERT INTO users (email, display_name, password_hash, roles,"
	    "  organization_id) VALUES ($1, $2, $3, $4::text[],"
	    "  (SELECT id FROM o))"
	    " ON CONFLICT (lower(email)) DO UPDATE SET"
	    "  display_name = EXCLUDED.display_name,"
	    "  password_hash = EXCLUDED.password_hash,"
	    "  roles = EXCLUDED.roles,"
	    "  organization_id = coalesce(EXCLUDED.organization_id,"
	    "    users.organization_id), updated_at = now()"
	    " RETURNING id", 5, params);
	if (res != NULL)
		user_details(&details, rl.ptr, org);
	if (res == NULL || !ctl_audit(c, "user.create_by_operator", "user",
	    PQgetvalue(res, 0, 0), details.ptr) ||
	    !ctl_command(c, "COMMIT")) {
		PQclear(res);
		ctl_command(c, "ROLLBACK");
		rc = 1;
		goto out;
	}
	printf("user %s (%s, %s) ready, id %s\n", email, name, rl.ptr,
	    PQgetvalue(res, 0, 0));
	if (pwfile == NULL)
		printf("generated password (shown once): %s\n", pw);
	PQclear(res);
out:
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	mkt_buf_free(&hash);
	mkt_buf_free(&rl);
	mkt_buf_free(&details);
	return rc;
}

int
ctl_create_user(struct ctl *c, int argc, char **argv)
{
	return create_user(c, argc, argv, "consumer");
}

int
ctl_create_admin(struct ctl *c, int argc, char **argv)
{
	return create_user(c, argc, argv, "admin");
}
