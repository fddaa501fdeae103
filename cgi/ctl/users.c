/* users.c: operator commands for accounts (the first administrator) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctl.h"

/* OWASP's 2023 guidance for PBKDF2-HMAC-SHA256; stored with the hash so
 * it can be raised later without invalidating existing passwords. */
#define PBKDF2_ITERATIONS	600000

static bool
hash_password(const char *pw, struct mkt_buf *out)
{
	unsigned char	 salt[16], dk[32];
	unsigned char	 b64salt[32], b64dk[48];

	mkt_random_bytes(salt, sizeof(salt));
	if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, sizeof(salt),
	    PBKDF2_ITERATIONS, EVP_sha256(), sizeof(dk), dk) != 1)
		return false;
	EVP_EncodeBlock(b64salt, salt, sizeof(salt));
	EVP_EncodeBlock(b64dk, dk, sizeof(dk));
	mkt_buf_printf(out, "pbkdf2-sha256$%d$%s$%s", PBKDF2_ITERATIONS,
	    b64salt, b64dk);
	OPENSSL_cleanse(dk, sizeof(dk));
	return true;
}

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

/*
 * create-admin --email E --name N [--password-file F|-]
 * Creates the account or adds the admin role to it.  Without a password
 * file a random password is generated and printed once.
 */
int
ctl_create_admin(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "email",	   required_argument, NULL, 'e' },
		{ "name",	   required_argument, NULL, 'n' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*email = NULL, *name = NULL, *pwfile = NULL;
	const char	*params[3];
	char		*pw = NULL, generated[33];
	struct mkt_buf	 hash;
	PGresult	*res;
	int		 ch, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'p': pwfile = optarg; break;
		default:
			fprintf(stderr, "usage: marketctl create-admin --email "
			    "E --name N [--password-file F]\n");
			return 2;
		}
	}
	if (email == NULL || name == NULL || strchr(email, '@') == NULL ||
	    !mkt_text_clean(name, strlen(name)) || strlen(name) > 200) {
		fprintf(stderr, "marketctl: create-admin needs --email with an "
		    "address and --name (at most 200 characters)\n");
		return 2;
	}
	if (pwfile != NULL) {
		if ((pw = read_password(pwfile)) == NULL) {
			fprintf(stderr, "marketctl: could not read the password "
			    "file \"%s\"\n", pwfile);
			return 1;
		}
		if (strlen(pw) < 12) {
			fprintf(stderr, "marketctl: the password must have at "
			    "least 12 characters\n");
			free(pw);
			return 2;
		}
	} else {
		mkt_random_hex(generated, 16);
		pw = mkt_xstrdup(generated);
	}
	mkt_buf_init(&hash);
	if (!hash_password(pw, &hash)) {
		fprintf(stderr, "marketctl: could not hash the password\n");
		rc = 1;
		goto out;
	}
	params[0] = email;
	params[1] = name;
	params[2] = hash.ptr;
	res = ctl_exec(c, "INSERT INTO users (email, display_name, "
	    "password_hash, roles) VALUES ($1, $2, $3, '{admin}') "
	    "ON CONFLICT (lower(email)) DO UPDATE SET "
	    "display_name = EXCLUDED.display_name, "
	    "password_hash = EXCLUDED.password_hash, "
	    "roles = (SELECT array_agg(DISTINCT r) FROM unnest("
	    "users.roles || '{admin}'::text[]) r), updated_at = now() "
	    "RETURNING id", 3, params);
	if (res == NULL) {
		rc = 1;
		goto out;
	}
	printf("administrator %s (%s) ready, id %s\n", email, name,
	    PQgetvalue(res, 0, 0));
	if (pwfile == NULL)
		printf("generated password (shown once): %s\n", pw);
	PQclear(res);
out:
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	mkt_buf_free(&hash);
	return rc;
}
