/* checkpoint.c: signed checkpoints of the audit chain's head, kept
 * outside the database, so that truncating the log or recomputing the
 * whole chain (which a superuser could do, head row included) is found */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ctl.h"
#include "extern.h"

#define CHECKPOINT_LABEL	"llm-marketplace-audit-checkpoint-v1"

/* The signed text: label, seq, hash and time, one per line. */
static void
signed_text(struct mkt_buf *b, int64_t seq, const char *hash,
    const char *taken_at)
{
	mkt_buf_printf(b, "%s\n%" PRId64 "\n%s\n%s\n", CHECKPOINT_LABEL, seq,
	    hash, taken_at);
}

/* An Ed25519 key from a PEM file: private (to sign, or to verify with
 * its public half) or public (to verify). */
static EVP_PKEY *
load_key(const char *path, bool private_needed)
{
	EVP_PKEY	*k = NULL;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "marketctl: cannot read the key %s: %m\n", path);
		return NULL;
	}
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	if (k == NULL && !private_needed) {
		rewind(f);
		k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	}
	fclose(f);
	if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		fprintf(stderr, "marketctl: %s is not an Ed25519 %s key in PEM "
		    "(make one with: openssl genpkey -algorithm ed25519 -out "
		    "FILE)\n", path, private_needed ? "private" : "");
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static const char *
key_path(struct ctl *c, const char *given)
{
	if (given != NULL)
		return given;
	return mkt_config_str(c->cfg, "audit_checkpoint_key", "");
}

/*
 * audit-checkpoint [--key FILE]: verifies the chain, then prints the head
 * (seq, hash, time) signed with Ed25519 as one JSON object.  Keep its
 * output where the database's administrators cannot change it (another
 * system, write-once storage, a compliance officer's mail).
 */
int
ctl_audit_checkpoint(struct ctl *c, int argc, char **argv)
{
	struct mkt_audit_report	 rep;
	struct mkt_buf		 text;
	struct json_object	*o;
	EVP_PKEY		*key;
	EVP_MD_CTX		*md;
	unsigned char		 sig[64];
	char			 b64[128], taken[32];
	const char		*path = NULL;
	size_t			 siglen = sizeof(sig);
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 rc = 1;

	if (argc == 3 && strcmp(argv[1], "--key") == 0)
		path = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: marketctl audit-checkpoint "
		    "[--key FILE]\n");
		return 2;
	}
	path = key_path(c, path);
	if (*path == '\0') {
		fprintf(stderr, "marketctl: no signing key: give --key FILE or "
		    "set audit_checkpoint_key in the configuration\n");
		return 1;
	}
	if ((key = load_key(path, true)) == NULL)
		return 1;
	if (mkt_audit_verify_conn(c->pg, &rep) != MKT_OK || !rep.ok) {
		fprintf(stderr, "marketctl: no checkpoint of a chain that does "
		    "not verify: %s\n", rep.reason);
		EVP_PKEY_free(key);
		return 1;
	}
	gmtime_r(&now, &tm);
	strftime(taken, sizeof(taken), "%Y-%m-%dT%H:%M:%SZ", &tm);
	mkt_buf_init(&text);
	signed_text(&text, rep.head_seq, rep.head_hash, taken);
	md = EVP_MD_CTX_new();
	if (md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)text.ptr,
	    text.len) == 1) {
		EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
		o = json_object_new_object();
		json_object_object_add(o, "format",
		    json_object_new_string(CHECKPOINT_LABEL));
		json_object_object_add(o, "head_seq",
		    json_object_new_int64(rep.head_seq));
		json_object_object_add(o, "head_hash",
		    json_object_new_string(rep.head_hash));
		json_object_object_add(o, "rows", json_object_new_int64(rep.rows));
		json_object_object_add(o, "taken_at",
		    json_object_new_string(taken));
		json_object_object_add(o, "algorithm",
		    json_object_new_string("ed25519"));
		json_object_object_add(o, "signature",
		    json_object_new_string(b64));
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		rc = 0;
	} else
		fprintf(stderr, "marketctl: signing failed\n");
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	mkt_buf_free(&text);
	return rc;
}

/*
 * Checks a checkpoint against the log (called by audit-verify after the
 * chain itself verified): the signature holds, the log still reaches the
 * checkpoint's seq, and that row's hash is the one signed.  Returns 0 when
 * it holds, 1 otherwise (the reason printed).
 */
int
ctl_checkpoint_check(struct ctl *c, const char *file, const char *keyfile)
{
	struct json_object	*o, *v;
	struct mkt_buf		 text;
	const char		*hash, *taken, *sigb64, *p[1];
	unsigned char		 sig[96];
	char			 seqbuf[24];
	EVP_PKEY		*key;
	EVP_MD_CTX		*md;
	PGresult		*res;
	int64_t			 seq;
	int			 n, rc = 1;
	bool			 good;

	keyfile = key_path(c, keyfile);
	if (*keyfile == '\0') {
		fprintf(stderr, "marketctl: give --public-key FILE to check a "
		    "checkpoint\n");
		return 1;
	}
	if ((o = json_object_from_file(file)) == NULL ||
	    !json_object_object_get_ex(o, "head_seq", &v) ||
	    (seq = json_object_get_int64(v)) <= 0 ||
	    (hash = json_object_get_string(json_object_object_get(o,
	    "head_hash"))) == NULL || strlen(hash) != 64 ||
	    (taken = json_object_get_string(json_object_object_get(o,
	    "taken_at"))) == NULL ||
	    (sigb64 = json_object_get_string(json_object_object_get(o,
	    "signature"))) == NULL || strlen(sigb64) != 88) {
		fprintf(stderr, "marketctl: %s is not an audit checkpoint\n",
		    file);
		json_object_put(o);
		return 1;
	}
	if ((key = load_key(keyfile, false)) == NULL) {
		json_object_put(o);
		return 1;
	}
	n = EVP_DecodeBlock(sig, (const unsigned char *)sigb64, 88);
	mkt_buf_init(&text);
	signed_text(&text, seq, hash, taken);
	md = EVP_MD_CTX_new();
	good = n == 66 && md != NULL &&
	    EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(md, sig, 64, (unsigned char *)text.ptr,
	    text.len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	mkt_buf_free(&text);
	if (!good) {
		fprintf(stderr, "marketctl: the checkpoint's signature does not "
		    "hold: the file was changed or signed with another key\n");
		json_object_put(o);
		return 1;
	}
	snprintf(seqbuf, sizeof(seqbuf), "%" PRId64, seq);
	p[0] = seqbuf;
	res = ctl_exec(c, "SELECT encode(hash, 'hex') FROM audit_log"
	    " WHERE seq = $1::bigint", 1, p);
	if (res == NULL)
		;
	else if (PQntuples(res) == 0)
		fprintf(stderr, "marketctl: audit log truncated: the checkpoint "
		    "of %s names seq %" PRId64 ", which is gone\n", taken, seq);
	else if (strcmp(PQgetvalue(res, 0, 0), hash) != 0)
		fprintf(stderr, "marketctl: audit chain rewritten: seq %" PRId64
		    " has another hash than the checkpoint of %s signed\n", seq,
		    taken);
	else {
		if (!c->quiet)
			printf("checkpoint of %s holds: seq %" PRId64 " has the "
			    "signed hash\n", taken, seq);
		rc = 0;
	}
	PQclear(res);
	json_object_put(o);
	return rc;
}
