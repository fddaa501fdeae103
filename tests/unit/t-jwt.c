/* t-jwt.c: JWT verification against a JWKS (jwt.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "market.h"
#include "jwt.h"
#include "tests.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The clock of every test, and what the service expects of tokens. */
#define NOW		((time_t)1750000000)
#define LEEWAY		60L
#define ISS		"https://idp.example.org/realms/market"
#define AUD		"llm-market"

/* Headers naming the two keys of the test key set. */
#define H_RS		"{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}"
#define H_ES		"{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"ec-1\"}"

/* Claims: the fields of a valid payload, and payloads built from them. */
#define ISS_F		"\"iss\":\"" ISS "\""
#define AUD_F		"\"aud\":\"" AUD "\""
#define SUB_F		"\"sub\":\"alice\""
#define EXP_F		"\"exp\":1750003600"		/* NOW + 3600 */
#define P_OK		"{" ISS_F "," AUD_F "," SUB_F "," EXP_F "}"
#define P_WITH(x)	"{" ISS_F "," AUD_F "," SUB_F "," x "}"
#define P_EXP(x)	P_WITH("\"exp\":" x)

/* ---- fixtures: keys made at suite set-up ---- */

static EVP_PKEY		*rsa_key;	/* rsa-1 and rsa-plain in the set */
static EVP_PKEY		*ec_key;	/* ec-1 */
static EVP_PKEY		*rsa_forged;	/* outside the set */
static EVP_PKEY		*ec_forged;	/* outside the set */
static EVP_PKEY		*rsa_small;	/* 1024 bits, too small to trust */
static struct mkt_buf	 rsa_pem;	/* rsa-1's public key, PEM */
static struct mkt_buf	 rsa_der;	/* ... and DER */
static struct mkt_jwks	*jwks;		/* the set built from the keys */
static char		 jwks_err[256];	/* what parsing it said */

/* Template variables: ${NAME} in key set texts (see expand()). */
enum var {
	V_N, V_E, V_X, V_Y, V_NZERO, V_N1024, V_NEVEN, V_YOFF, V_X31,
	V_X33, V_FN, V_FE, V__MAX
};
static const char *const var_names[V__MAX] = {
	"N", "E", "X", "Y", "NZERO", "N1024", "NEVEN", "YOFF", "X31", "X33",
	"FN", "FE"
};
static char		*vars[V__MAX];

/* An independent base64url encoder (RFC 4648 section 5, no padding). */
static void
b64url(struct mkt_buf *b, const void *p, size_t n)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i + 2 < n; i += 3) {
		mkt_buf_putc(b, abc[s[i] >> 2]);
		mkt_buf_putc(b, abc[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		mkt_buf_putc(b, abc[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)]);
		mkt_buf_putc(b, abc[s[i + 2] & 63]);
	}
	if (n - i == 1) {
		mkt_buf_putc(b, abc[s[i] >> 2]);
		mkt_buf_putc(b, abc[(s[i] & 3) << 4]);
	} else if (n - i == 2) {
		mkt_buf_putc(b, abc[s[i] >> 2]);
		mkt_buf_putc(b, abc[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		mkt_buf_putc(b, abc[(s[i + 1] & 15) << 2]);
	}
}

static char *
b64url_str(const void *p, size_t n)
{
	struct mkt_buf	 b;

	mkt_buf_init(&b);
	b64url(&b, p, n);
	mkt_buf_putc(&b, '\0');
	return b.ptr;
}

/* A big number of a key as base64url, left-padded to pad bytes if > 0;
 * before encoding, edit may change the bytes (flip a bit, drop one). */
static char *
param_b64(EVP_PKEY *key, const char *name, int pad, int edit)
{
	unsigned char	 buf[1100];
	BIGNUM		*bn = NULL;
	int		 n;
	char		*s;

	if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
		return NULL;
	n = pad > 0 ? BN_bn2binpad(bn, buf + 1, pad) : BN_bn2bin(bn, buf + 1);
	BN_free(bn);
	if (n <= 0)
		return NULL;
	switch (edit) {
	case 'z':			/* a leading zero byte */
		buf[0] = 0;
		return b64url_str(buf, (size_t)n + 1);
	case 'e':			/* make it even */
		buf[n] &= 0xfe;
		break;
	case 'f':			/* flip the last bit */
		buf[n] ^= 1;
		break;
	case '-':			/* one byte short */
		n--;
		break;
	case '+':			/* one byte more */
		buf[++n] = 0x42;
		break;
	}
	s = b64url_str(buf + 1, (size_t)n);
	return s;
}

/* Replaces ${NAME} by the value of the variable NAME. */
static char *
expand(const char *t)
{
	struct mkt_buf	 b;
	const char	*end;
	size_t		 i, n;

	mkt_buf_init(&b);
	while (*t != '\0') {
		if (t[0] != '$' || t[1] != '{' ||
		    (end = strchr(t, '}')) == NULL) {
			mkt_buf_putc(&b, *t++);
			continue;
		}
		n = (size_t)(end - t - 2);
		for (i = 0; i < V__MAX; i++)
			if (strlen(var_names[i]) == n &&
			    memcmp(var_names[i], t + 2, n) == 0)
				break;
		if (i < V__MAX && vars[i] != NULL)
			mkt_buf_puts(&b, vars[i]);
		else
			CU_FAIL("unknown template variable");
		t = end + 1;
	}
	mkt_buf_putc(&b, '\0');
	return b.ptr;
}

static struct mkt_jwks *
parse_template(const char *t, char *err, size_t errsz)
{
	char		*s = expand(t);
	struct mkt_jwks	*set = mkt_jwks_parse(s, strlen(s), err, errsz);

	free(s);
	return set;
}

/* The key set of the suite: two usable keys under three kids, and keys
 * of other kinds that must be skipped. */
static const char set_template[] =
    "{\"keys\":["
    "{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"alg\":\"RS256\","
    "\"n\":\"${N}\",\"e\":\"${E}\"},"
    "{\"kty\":\"EC\",\"kid\":\"ec-1\",\"use\":\"sig\",\"alg\":\"ES256\","
    "\"crv\":\"P-256\",\"x\":\"${X}\",\"y\":\"${Y}\"},"
    "{\"kty\":\"RSA\",\"kid\":\"rsa-plain\",\"key_ops\":[\"verify\"],"
    "\"n\":\"${N}\",\"e\":\"${E}\"},"
    "{\"kty\":\"oct\",\"kid\":\"hmac-1\",\"k\":\"c2VjcmV0\"},"
    "{\"kty\":\"RSA\",\"kid\":\"rsa-384\",\"alg\":\"RS384\","
    "\"n\":\"${N}\",\"e\":\"${E}\"},"
    "{\"kty\":\"RSA\",\"kid\":\"rsa-enc\",\"use\":\"enc\","
    "\"n\":\"${N}\",\"e\":\"${E}\"},"
    "{\"kty\":\"EC\",\"kid\":\"p384-1\",\"crv\":\"P-384\","
    "\"x\":\"${X}\",\"y\":\"${Y}\"},"
    "{\"kty\":\"OKP\",\"kid\":\"okp-1\",\"crv\":\"Ed25519\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
    "]}";

static int
jwt_init(void)
{
	unsigned char	*der = NULL;
	BIO		*bio;
	char		*pem;
	long		 n;
	int		 dlen;
	size_t		 i;

	rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa_forged = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa_small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ec_forged = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (rsa_key == NULL || rsa_forged == NULL || rsa_small == NULL ||
	    ec_key == NULL || ec_forged == NULL)
		return -1;

	vars[V_N] = param_b64(rsa_key, OSSL_PKEY_PARAM_RSA_N, 0, 0);
	vars[V_E] = param_b64(rsa_key, OSSL_PKEY_PARAM_RSA_E, 0, 0);
	vars[V_X] = param_b64(ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32, 0);
	vars[V_Y] = param_b64(ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, 32, 0);
	vars[V_NZERO] = param_b64(rsa_key, OSSL_PKEY_PARAM_RSA_N, 0, 'z');
	vars[V_N1024] = param_b64(rsa_small, OSSL_PKEY_PARAM_RSA_N, 0, 0);
	vars[V_NEVEN] = param_b64(rsa_key, OSSL_PKEY_PARAM_RSA_N, 0, 'e');
	vars[V_YOFF] = param_b64(ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, 32, 'f');
	vars[V_X31] = param_b64(ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32, '-');
	vars[V_X33] = param_b64(ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32, '+');
	vars[V_FN] = param_b64(rsa_forged, OSSL_PKEY_PARAM_RSA_N, 0, 0);
	vars[V_FE] = param_b64(rsa_forged, OSSL_PKEY_PARAM_RSA_E, 0, 0);
	for (i = 0; i < V__MAX; i++)
		if (vars[i] == NULL)
			return -1;

	/* The public key as an attacker would find it, for HS256. */
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_PUBKEY(bio, rsa_key) != 1 ||
	    (n = BIO_get_mem_data(bio, &pem)) <= 0) {
		BIO_free(bio);
		return -1;
	}
	mkt_buf_append(&rsa_pem, pem, (size_t)n);
	BIO_free(bio);
	if ((dlen = i2d_PUBKEY(rsa_key, &der)) <= 0)
		return -1;
	mkt_buf_append(&rsa_der, der, (size_t)dlen);
	OPENSSL_free(der);

	jwks = parse_template(set_template, jwks_err, sizeof(jwks_err));
	return jwks == NULL ? -1 : 0;
}

static int
jwt_clean(void)
{
	size_t	 i;

	mkt_jwks_free(jwks);
	jwks = NULL;
	for (i = 0; i < V__MAX; i++) {
		free(vars[i]);
		vars[i] = NULL;
	}
	mkt_buf_free(&rsa_pem);
	mkt_buf_free(&rsa_der);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_forged);
	EVP_PKEY_free(ec_forged);
	EVP_PKEY_free(rsa_small);
	rsa_key = ec_key = rsa_forged = ec_forged = rsa_small = NULL;
	return 0;
}

/* ---- making tokens ---- */

enum signer {
	SIGN_RSA,		/* rsa-1, RS256 */
	SIGN_EC,		/* ec-1, ES256 as r||s */
	SIGN_RSA_FORGED,	/* an RSA key outside the set */
	SIGN_EC_FORGED,		/* an EC key outside the set */
	SIGN_HMAC_PEM,		/* HS256 keyed with rsa-1's public PEM */
	SIGN_HMAC_DER,		/* HS256 keyed with rsa-1's public DER */
	SIGN_EC_DER,		/* ES256 left in OpenSSL's DER form */
	SIGN_NONE		/* an empty signature */
};

static bool
sign_with(EVP_PKEY *key, const char *msg, size_t n, unsigned char *sig,
    size_t *siglen)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	bool		 ok;

	ok = md != NULL && EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL,
	    NULL, key, NULL) == 1 && EVP_DigestSign(md, sig, siglen,
	    (const unsigned char *)msg, n) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

/* OpenSSL's DER ECDSA-Sig-Value to the JWS form r||s. */
static bool
der_to_raw(const unsigned char *der, size_t n, unsigned char raw[64])
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*es;
	bool			 ok;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)n)) == NULL)
		return false;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, raw, 32) == 32 &&
	    BN_bn2binpad(s, raw + 32, 32) == 32;
	ECDSA_SIG_free(es);
	return ok;
}

/* Signs msg; sig has room for *siglen bytes, at least 512. */
static bool
sign_input(enum signer how, const char *msg, size_t n, unsigned char *sig,
    size_t *siglen)
{
	unsigned char	 der[128];
	size_t		 derlen = sizeof(der);
	EVP_PKEY	*key;
	struct mkt_buf	*secret;

	switch (how) {
	case SIGN_RSA:
	case SIGN_RSA_FORGED:
		key = how == SIGN_RSA ? rsa_key : rsa_forged;
		return sign_with(key, msg, n, sig, siglen);
	case SIGN_EC:
	case SIGN_EC_FORGED:
		key = how == SIGN_EC ? ec_key : ec_forged;
		if (!sign_with(key, msg, n, der, &derlen))
			return false;
		*siglen = 64;
		return der_to_raw(der, derlen, sig);
	case SIGN_EC_DER:
		return sign_with(ec_key, msg, n, sig, siglen);
	case SIGN_HMAC_PEM:
	case SIGN_HMAC_DER:
		secret = how == SIGN_HMAC_PEM ? &rsa_pem : &rsa_der;
		return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
		    secret->ptr, secret->len, (const unsigned char *)msg, n,
		    sig, *siglen, siglen) != NULL;
	case SIGN_NONE:
		*siglen = 0;
		return true;
	}
	return false;
}

/* header.payload (base64url of the texts given), without signature. */
static void
signing_input(struct mkt_buf *t, const char *header, const char *payload)
{
	mkt_buf_init(t);
	b64url(t, header, strlen(header));
	mkt_buf_putc(t, '.');
	b64url(t, payload, strlen(payload));
}

/* A compact JWS of the two texts, signed as told; free() it. */
static char *
make_token(const char *header, const char *payload, enum signer how)
{
	unsigned char	 sig[1024];
	size_t		 siglen = sizeof(sig);
	struct mkt_buf	 t;

	signing_input(&t, header, payload);
	if (!sign_input(how, t.ptr, t.len, sig, &siglen)) {
		CU_FAIL("could not sign the test token");
		siglen = 0;
	}
	mkt_buf_putc(&t, '.');
	b64url(&t, sig, siglen);
	mkt_buf_putc(&t, '\0');
	return t.ptr;
}

/* A token with the signature bytes given. */
static char *
token_with_sig(const char *header, const char *payload,
    const unsigned char *sig, size_t siglen)
{
	struct mkt_buf	 t;

	signing_input(&t, header, payload);
	mkt_buf_putc(&t, '.');
	b64url(&t, sig, siglen);
	mkt_buf_putc(&t, '\0');
	return t.ptr;
}

/* The raw signature of a token, decoded by the test's own means. */
static size_t
token_sig(const char *header, const char *payload, enum signer how,
    unsigned char *sig, size_t cap)
{
	struct mkt_buf	 t;
	size_t		 n = cap;

	signing_input(&t, header, payload);
	if (!sign_input(how, t.ptr, t.len, sig, &n))
		n = 0;
	mkt_buf_free(&t);
	return n;
}

/* ---- checking tokens ---- */

static int	 sentinel;
#define NOT_SET	((struct json_object *)(void *)&sentinel)

/*
 * Verifies with the suite's key set, issuer and audience; checks that
 * claims come back exactly on success, and says which case failed.
 */
static enum mkt_jwt_err
verify_at(const struct mkt_jwks *set, const char *name, const char *token,
    time_t now, long leeway, enum mkt_jwt_err want)
{
	struct json_object	*claims = NOT_SET;
	enum mkt_jwt_err	 got;

	got = mkt_jwt_verify(set, token, ISS, AUD, now, leeway, &claims);
	if (got != want)
		fprintf(stderr, "\n    %s: got %d (%s), want %d (%s)", name,
		    (int)got, mkt_jwt_strerror(got), (int)want,
		    mkt_jwt_strerror(want));
	CU_ASSERT_EQUAL(got, want);
	if (got == MKT_JWT_OK) {
		CU_ASSERT_PTR_NOT_NULL(claims);
		CU_ASSERT_PTR_NOT_EQUAL(claims, NOT_SET);
		if (claims != NULL && claims != NOT_SET) {
			CU_ASSERT_TRUE(json_object_is_type(claims,
			    json_type_object));
			json_object_put(claims);
		}
	} else
		CU_ASSERT_PTR_NULL(claims);
	return got;
}

static enum mkt_jwt_err
verify(const char *name, const char *token, enum mkt_jwt_err want)
{
	return verify_at(jwks, name, token, NOW, LEEWAY, want);
}

struct jwt_case {
	const char		*name;
	const char		*header;
	const char		*payload;
	enum signer		 signer;
	enum mkt_jwt_err	 want;
};

static void
run_cases(const struct jwt_case *c, size_t n)
{
	size_t	 i;
	char	*tok;

	for (i = 0; i < n; i++) {
		tok = make_token(c[i].header, c[i].payload, c[i].signer);
		verify(c[i].name, tok, c[i].want);
		free(tok);
	}
}

/* ---- valid tokens ---- */

static void
test_valid_tokens_return_claims(void)
{
	static const char *const headers[] = { H_RS, H_ES };
	static const enum signer signers[] = { SIGN_RSA, SIGN_EC };
	struct json_object	*claims, *v;
	size_t			 i;
	char			*tok;

	for (i = 0; i < NELEM(headers); i++) {
		tok = make_token(headers[i], P_OK, signers[i]);
		claims = NULL;
		CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, AUD, NOW,
		    LEEWAY, &claims), MKT_JWT_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(claims);
		CU_ASSERT_TRUE(json_object_object_get_ex(claims, "sub", &v));
		CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "alice");
		CU_ASSERT_TRUE(json_object_object_get_ex(claims, "exp", &v));
		CU_ASSERT_EQUAL(json_object_get_int64(v), 1750003600);
		/* The caller owns the only reference. */
		CU_ASSERT_EQUAL(json_object_put(claims), 1);
		/* claims may be NULL; the verdict is the same. */
		CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, AUD, NOW,
		    LEEWAY, NULL), MKT_JWT_OK);
		free(tok);
	}
}

/* ---- headers: algorithms, keys, shape ---- */

static const struct jwt_case header_cases[] = {
	{ "RS256", H_RS, P_OK, SIGN_RSA, MKT_JWT_OK },
	{ "ES256", H_ES, P_OK, SIGN_EC, MKT_JWT_OK },
	{ "RS256 without typ", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
	    P_OK, SIGN_RSA, MKT_JWT_OK },
	{ "key without alg and use",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-plain\"}", P_OK, SIGN_RSA,
	    MKT_JWT_OK },
	{ "whitespace after the header", H_RS " \r\n\t", P_OK, SIGN_RSA,
	    MKT_JWT_OK },
	{ "header nested a little",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":{\"y\":[1,{}]}}",
	    P_OK, SIGN_RSA, MKT_JWT_OK },

	/* alg none, in every spelling */
	{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", P_OK, SIGN_NONE,
	    MKT_JWT_ALG },
	{ "alg None", "{\"alg\":\"None\",\"typ\":\"JWT\"}", P_OK, SIGN_NONE,
	    MKT_JWT_ALG },
	{ "alg nOnE", "{\"alg\":\"nOnE\"}", P_OK, SIGN_NONE, MKT_JWT_ALG },
	{ "alg NONE", "{\"alg\":\"NONE\"}", P_OK, SIGN_NONE, MKT_JWT_ALG },
	{ "alg none with a known kid", "{\"alg\":\"none\",\"kid\":\"rsa-1\"}",
	    P_OK, SIGN_NONE, MKT_JWT_ALG },
	{ "alg none with an RSA signature",
	    "{\"alg\":\"none\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "alg empty", "{\"alg\":\"\",\"kid\":\"rsa-1\"}", P_OK, SIGN_NONE,
	    MKT_JWT_ALG },

	/* HS/RS key confusion: the public key as an HMAC secret */
	{ "HS256 keyed with the PEM",
	    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", P_OK,
	    SIGN_HMAC_PEM, MKT_JWT_ALG },
	{ "HS256 keyed with the DER",
	    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", P_OK,
	    SIGN_HMAC_DER, MKT_JWT_ALG },
	{ "HS256 without kid", "{\"alg\":\"HS256\"}", P_OK, SIGN_HMAC_PEM,
	    MKT_JWT_ALG },
	{ "HS256 naming the oct key", "{\"alg\":\"HS256\",\"kid\":\"hmac-1\"}",
	    P_OK, SIGN_HMAC_PEM, MKT_JWT_ALG },

	/* the header's alg must agree with the key's type */
	{ "RS256 header, EC kid, EC signature",
	    "{\"alg\":\"RS256\",\"kid\":\"ec-1\"}", P_OK, SIGN_EC,
	    MKT_JWT_ALG },
	{ "RS256 header, EC kid, RSA signature",
	    "{\"alg\":\"RS256\",\"kid\":\"ec-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "ES256 header, RSA kid, EC signature",
	    "{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}", P_OK, SIGN_EC,
	    MKT_JWT_ALG },
	{ "ES256 header, RSA kid, RSA signature",
	    "{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },

	/* other algorithms, even of the same family */
	{ "RS384", "{\"alg\":\"RS384\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "RS512", "{\"alg\":\"RS512\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "PS256", "{\"alg\":\"PS256\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "ES384", "{\"alg\":\"ES384\",\"kid\":\"ec-1\"}", P_OK, SIGN_EC,
	    MKT_JWT_ALG },
	{ "ES256K", "{\"alg\":\"ES256K\",\"kid\":\"ec-1\"}", P_OK, SIGN_EC,
	    MKT_JWT_ALG },
	{ "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"okp-1\"}", P_OK, SIGN_EC,
	    MKT_JWT_ALG },
	{ "rs256", "{\"alg\":\"rs256\",\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_ALG },
	{ "RS256 and a space", "{\"alg\":\"RS256 \",\"kid\":\"rsa-1\"}",
	    P_OK, SIGN_RSA, MKT_JWT_ALG },
	{ "RS256 and a NUL", "{\"alg\":\"RS256\\u0000\",\"kid\":\"rsa-1\"}",
	    P_OK, SIGN_RSA, MKT_JWT_ALG },

	/* kid */
	{ "unknown kid", "{\"alg\":\"RS256\",\"kid\":\"rsa-9\"}", P_OK,
	    SIGN_RSA, MKT_JWT_UNKNOWN_KID },
	{ "no kid, RS256", "{\"alg\":\"RS256\"}", P_OK, SIGN_RSA,
	    MKT_JWT_UNKNOWN_KID },
	{ "no kid, ES256", "{\"alg\":\"ES256\"}", P_OK, SIGN_EC,
	    MKT_JWT_UNKNOWN_KID },
	{ "kid of a skipped RS384 key", "{\"alg\":\"RS256\",\"kid\":\"rsa-384\"}",
	    P_OK, SIGN_RSA, MKT_JWT_UNKNOWN_KID },
	{ "kid of a skipped enc key", "{\"alg\":\"RS256\",\"kid\":\"rsa-enc\"}",
	    P_OK, SIGN_RSA, MKT_JWT_UNKNOWN_KID },
	{ "kid in another case", "{\"alg\":\"RS256\",\"kid\":\"RSA-1\"}",
	    P_OK, SIGN_RSA, MKT_JWT_UNKNOWN_KID },
	{ "kid and a NUL", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\\u0000x\"}",
	    P_OK, SIGN_RSA, MKT_JWT_UNKNOWN_KID },
	{ "kid empty", "{\"alg\":\"RS256\",\"kid\":\"\"}", P_OK, SIGN_RSA,
	    MKT_JWT_UNKNOWN_KID },
	{ "kid a number", "{\"alg\":\"RS256\",\"kid\":1}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "kid null", "{\"alg\":\"RS256\",\"kid\":null}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },

	/* forged signatures */
	{ "RS256 by another key", H_RS, P_OK, SIGN_RSA_FORGED,
	    MKT_JWT_SIGNATURE },
	{ "ES256 by another key", H_ES, P_OK, SIGN_EC_FORGED,
	    MKT_JWT_SIGNATURE },
	{ "ES256 in DER form", H_ES, P_OK, SIGN_EC_DER, MKT_JWT_SIGNATURE },
	{ "RS256 without signature", H_RS, P_OK, SIGN_NONE,
	    MKT_JWT_SIGNATURE },
	{ "ES256 without signature", H_ES, P_OK, SIGN_NONE,
	    MKT_JWT_SIGNATURE },
	{ "RS256 with an HMAC", H_RS, P_OK, SIGN_HMAC_PEM,
	    MKT_JWT_SIGNATURE },

	/* the header's shape */
	{ "crit", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"exp\"]}",
	    P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "crit empty", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[]}",
	    P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "b64 false",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":false,"
	    "\"crit\":[\"b64\"]}", P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "no alg", "{\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "alg null", "{\"alg\":null,\"kid\":\"rsa-1\"}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "alg an array", "{\"alg\":[\"RS256\"],\"kid\":\"rsa-1\"}", P_OK,
	    SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header an array", "[\"RS256\",\"rsa-1\"]", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "header a string", "\"RS256\"", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "header a number", "42", P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header null", "null", P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header empty", "", P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header not JSON", "alg=RS256&kid=rsa-1", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "header truncated", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"", P_OK,
	    SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header in single quotes", "{'alg':'RS256','kid':'rsa-1'}", P_OK,
	    SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header with a trailing comma",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "header and garbage", H_RS "x", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "two header objects", H_RS "{}", P_OK, SIGN_RSA,
	    MKT_JWT_MALFORMED },
	{ "header with invalid UTF-8",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":\"\xc0\xaf\"}", P_OK,
	    SIGN_RSA, MKT_JWT_MALFORMED },
	{ "header nested too deep",
	    "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]}", P_OK, SIGN_RSA, MKT_JWT_MALFORMED },
};

static void
test_headers(void)
{
	run_cases(header_cases, NELEM(header_cases));
}

/* Keys carried or pointed at by the header are never used. */
static void
test_embedded_keys_are_ignored(void)
{
	static const char *const templates[] = {
		"{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"jwk\":{\"kty\":\"RSA\","
		    "\"kid\":\"rsa-1\",\"n\":\"${FN}\",\"e\":\"${FE}\"}}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
		    "\"jku\":\"https://evil.example/jwks.json\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x5c\":[\"${FN}\"]}",
		"{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\","
		    "\"n\":\"${FN}\",\"e\":\"${FE}\"}}",
	};
	static const enum mkt_jwt_err want[] = {
		MKT_JWT_SIGNATURE, MKT_JWT_SIGNATURE, MKT_JWT_SIGNATURE,
		MKT_JWT_UNKNOWN_KID
	};
	size_t	 i;
	char	*h, *tok;

	for (i = 0; i < NELEM(templates); i++) {
		h = expand(templates[i]);
		/* Signed by the key of the set, such a header is harmless. */
		tok = make_token(h, P_OK, SIGN_RSA);
		verify(templates[i], tok, i < 3 ? MKT_JWT_OK :
		    MKT_JWT_UNKNOWN_KID);
		free(tok);
		/* Signed by the key it carries, it is a forgery. */
		tok = make_token(h, P_OK, SIGN_RSA_FORGED);
		verify(templates[i], tok, want[i]);
		free(tok);
		free(h);
	}
}

/* ---- claims ---- */

/* Claims under H_RS, signed by rsa-1: only the claims are wrong. */
struct claim_case {
	const char		*name;
	const char		*payload;
	enum mkt_jwt_err	 want;
};

static const struct claim_case claim_cases[] = {
	{ "valid", P_OK, MKT_JWT_OK },

	/* exp: refused from exp + leeway on */
	{ "exp 59 s ago, within leeway", P_EXP("1749999941"),
	    MKT_JWT_OK },
	{ "exp at now - leeway", P_EXP("1749999940"),
	    MKT_JWT_EXPIRED },
	{ "exp 61 s ago", P_EXP("1749999939"), MKT_JWT_EXPIRED },
	{ "exp an hour ago", P_EXP("1749996400"), MKT_JWT_EXPIRED },
	{ "exp 0", P_EXP("0"), MKT_JWT_EXPIRED },
	{ "exp negative", P_EXP("-1"), MKT_JWT_EXPIRED },
	{ "exp with a fraction", P_EXP("1750003600.5"),
	    MKT_JWT_OK },
	{ "exp with an exponent", P_EXP("1.7500036e9"),
	    MKT_JWT_OK },
	{ "exp fraction just expired", P_EXP("1749999940.0"),
	    MKT_JWT_EXPIRED },
	{ "exp missing", P_WITH("\"nbf\":1749990000"),
	    MKT_JWT_MALFORMED },
	{ "exp a string", P_EXP("\"1750003600\""),
	    MKT_JWT_MALFORMED },
	{ "exp a boolean", P_EXP("true"), MKT_JWT_MALFORMED },
	{ "exp null", P_EXP("null"), MKT_JWT_MALFORMED },
	{ "exp an array", P_EXP("[1750003600]"),
	    MKT_JWT_MALFORMED },
	{ "exp an object", P_EXP("{}"), MKT_JWT_MALFORMED },
	{ "exp infinite", P_EXP("1e400"), MKT_JWT_MALFORMED },
	{ "exp a string of an expired time", P_EXP("\"0\""),
	    MKT_JWT_MALFORMED },

	/* nbf and iat: not valid before them, less the leeway */
	{ "nbf in the past", P_WITH(EXP_F ",\"nbf\":1749999000"),
	    MKT_JWT_OK },
	{ "nbf at now + leeway", P_WITH(EXP_F ",\"nbf\":1750000060"), MKT_JWT_OK },
	{ "nbf just beyond leeway", P_WITH(EXP_F ",\"nbf\":1750000061"), MKT_JWT_NOT_YET_VALID },
	{ "nbf in an hour", P_WITH(EXP_F ",\"nbf\":1750003600"),
	    MKT_JWT_NOT_YET_VALID },
	{ "nbf a string", P_WITH(EXP_F ",\"nbf\":\"1749999000\""),
	    MKT_JWT_MALFORMED },
	{ "iat now", P_WITH(EXP_F ",\"iat\":1750000000"),
	    MKT_JWT_OK },
	{ "iat within leeway", P_WITH(EXP_F ",\"iat\":1750000060"),
	    MKT_JWT_OK },
	{ "iat in the future", P_WITH(EXP_F ",\"iat\":1750000061"),
	    MKT_JWT_NOT_YET_VALID },
	{ "iat a string", P_WITH(EXP_F ",\"iat\":\"now\""),
	    MKT_JWT_MALFORMED },
	{ "expired beats not yet valid",
	    P_WITH("\"exp\":1749990000,\"nbf\":1750003600"),
	    MKT_JWT_EXPIRED },

	/* iss: exactly ours */
	{ "iss another", "{\"iss\":\"https://evil.example\"," AUD_F ","
	    EXP_F "}", MKT_JWT_ISSUER },
	{ "iss with a slash", "{\"iss\":\"" ISS "/\"," AUD_F "," EXP_F "}", MKT_JWT_ISSUER },
	{ "iss a prefix", "{\"iss\":\"https://idp.example.org\"," AUD_F ","
	    EXP_F "}", MKT_JWT_ISSUER },
	{ "iss in upper case",
	    "{\"iss\":\"HTTPS://IDP.EXAMPLE.ORG/realms/market\"," AUD_F ","
	    EXP_F "}", MKT_JWT_ISSUER },
	{ "iss and a NUL", "{\"iss\":\"" ISS "\\u0000evil\"," AUD_F ","
	    EXP_F "}", MKT_JWT_ISSUER },
	{ "iss missing", "{" AUD_F "," EXP_F "}", MKT_JWT_ISSUER },
	{ "iss a number", "{\"iss\":1," AUD_F "," EXP_F "}",
	    MKT_JWT_MALFORMED },
	{ "iss an array", "{\"iss\":[\"" ISS "\"]," AUD_F "," EXP_F "}", MKT_JWT_MALFORMED },

	/* aud: ours, alone or among others */
	{ "aud another", "{" ISS_F ",\"aud\":\"other-app\"," EXP_F "}", MKT_JWT_AUDIENCE },
	{ "aud longer", "{" ISS_F ",\"aud\":\"" AUD "-admin\"," EXP_F "}", MKT_JWT_AUDIENCE },
	{ "aud shorter", "{" ISS_F ",\"aud\":\"llm-marke\"," EXP_F "}", MKT_JWT_AUDIENCE },
	{ "aud and a NUL", "{" ISS_F ",\"aud\":\"" AUD "\\u0000\"," EXP_F
	    "}", MKT_JWT_AUDIENCE },
	{ "aud array with ours", "{" ISS_F ",\"aud\":[\"other-app\",\"" AUD
	    "\"]," EXP_F "}", MKT_JWT_OK },
	{ "aud array of ours", "{" ISS_F ",\"aud\":[\"" AUD "\"]," EXP_F "}", MKT_JWT_OK },
	{ "aud array without ours", "{" ISS_F ",\"aud\":[\"a\",\"b\"],"
	    EXP_F "}", MKT_JWT_AUDIENCE },
	{ "aud array empty", "{" ISS_F ",\"aud\":[]," EXP_F "}",
	    MKT_JWT_AUDIENCE },
	{ "aud missing", "{" ISS_F "," EXP_F "}",
	    MKT_JWT_AUDIENCE },
	{ "aud a number", "{" ISS_F ",\"aud\":7," EXP_F "}",
	    MKT_JWT_MALFORMED },
	{ "aud array with a number", "{" ISS_F ",\"aud\":[7,\"" AUD "\"],"
	    EXP_F "}", MKT_JWT_MALFORMED },
	{ "aud null", "{" ISS_F ",\"aud\":null," EXP_F "}",
	    MKT_JWT_MALFORMED },

	/* the payload's shape (signed, so that only the shape is wrong) */
	{ "payload an array", "[" ISS_F "]", MKT_JWT_MALFORMED },
	{ "payload a string", "\"hello\"", MKT_JWT_MALFORMED },
	{ "payload not JSON", "hello", MKT_JWT_MALFORMED },
	{ "payload empty", "", MKT_JWT_MALFORMED },
	{ "payload empty object", "{}", MKT_JWT_MALFORMED },
	{ "payload truncated", "{" ISS_F "," AUD_F,
	    MKT_JWT_MALFORMED },
	{ "payload and garbage", P_OK "x", MKT_JWT_MALFORMED },
	{ "payload and whitespace", P_OK " \n", MKT_JWT_OK },
	{ "payload with invalid UTF-8", P_WITH(EXP_F ",\"name\":\"\xed\xa0\x80\""), MKT_JWT_MALFORMED },
	{ "payload with nested claims",
	    P_WITH(EXP_F ",\"realm_access\":{\"roles\":[\"provider\"]}"), MKT_JWT_OK },
	{ "payload nested too deep", P_WITH(EXP_F ",\"x\":"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]"), MKT_JWT_MALFORMED },
};

static void
test_claims(void)
{
	size_t	 i;
	char	*tok;

	for (i = 0; i < NELEM(claim_cases); i++) {
		tok = make_token(H_RS, claim_cases[i].payload, SIGN_RSA);
		verify(claim_cases[i].name, tok, claim_cases[i].want);
		free(tok);
	}
}

static void
test_claims_es256(void)
{
	char	*tok;

	tok = make_token(H_ES, P_EXP("1749999940"), SIGN_EC);
	verify("ES256 expired", tok, MKT_JWT_EXPIRED);
	free(tok);
	tok = make_token(H_ES, "{" ISS_F ",\"aud\":\"x\"," EXP_F "}",
	    SIGN_EC);
	verify("ES256 wrong aud", tok, MKT_JWT_AUDIENCE);
	free(tok);
	tok = make_token(H_ES, "[]", SIGN_EC);
	verify("ES256 payload array", tok, MKT_JWT_MALFORMED);
	free(tok);
}

static void
test_leeway_and_clock(void)
{
	char	*tok = make_token(H_RS, P_OK, SIGN_RSA);	/* exp NOW+3600 */
	char	*nbf = make_token(H_RS, P_WITH(EXP_F ",\"nbf\":1750000001"),
	    SIGN_RSA);

	verify_at(jwks, "1 s before exp + leeway", tok, NOW + 3600 + 59,
	    LEEWAY, MKT_JWT_OK);
	verify_at(jwks, "at exp + leeway", tok, NOW + 3600 + 60, LEEWAY,
	    MKT_JWT_EXPIRED);
	verify_at(jwks, "no leeway, 1 s before exp", tok, NOW + 3599, 0,
	    MKT_JWT_OK);
	verify_at(jwks, "no leeway, at exp", tok, NOW + 3600, 0,
	    MKT_JWT_EXPIRED);
	verify_at(jwks, "negative leeway counts as none", tok, NOW + 3599,
	    -1000, MKT_JWT_OK);
	verify_at(jwks, "negative leeway, at exp", tok, NOW + 3600, -1000,
	    MKT_JWT_EXPIRED);
	verify_at(jwks, "large leeway", tok, NOW + 3600 + 299, 300,
	    MKT_JWT_OK);
	verify_at(jwks, "nbf, no leeway, 1 s early", nbf, NOW, 0,
	    MKT_JWT_NOT_YET_VALID);
	verify_at(jwks, "nbf, no leeway, on time", nbf, NOW + 1, 0,
	    MKT_JWT_OK);
	verify_at(jwks, "nbf, negative leeway", nbf, NOW, -5,
	    MKT_JWT_NOT_YET_VALID);
	verify_at(jwks, "nbf within leeway", nbf, NOW, 1, MKT_JWT_OK);
	free(tok);
	free(nbf);
}

static void
test_issuer_and_audience_arguments(void)
{
	char			*tok = make_token(H_RS, P_OK, SIGN_RSA);
	char			*empty = make_token(H_RS, "{\"iss\":\"\","
	    "\"aud\":\"\"," EXP_F "}", SIGN_RSA);
	struct json_object	*claims = NOT_SET;

	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, AUD, NOW, LEEWAY,
	    NULL), MKT_JWT_OK);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, NULL, AUD, NOW, LEEWAY,
	    &claims), MKT_JWT_ISSUER);
	CU_ASSERT_PTR_NULL(claims);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, "", AUD, NOW, LEEWAY,
	    NULL), MKT_JWT_ISSUER);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, NULL, NOW, LEEWAY,
	    NULL), MKT_JWT_AUDIENCE);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, "", NOW, LEEWAY,
	    NULL), MKT_JWT_AUDIENCE);
	/* An empty expected issuer is not "any issuer", nor matches "". */
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, empty, "", "", NOW, LEEWAY,
	    NULL), MKT_JWT_ISSUER);
	/* Other expectations, same token. */
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, "other-app", NOW,
	    LEEWAY, NULL), MKT_JWT_AUDIENCE);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, "https://evil.example",
	    AUD, NOW, LEEWAY, NULL), MKT_JWT_ISSUER);
	free(tok);
	free(empty);
}

/* ---- signatures ---- */

static void
test_payload_modified_after_signing(void)
{
	static const char *const headers[] = { H_RS, H_ES };
	static const enum signer signers[] = { SIGN_RSA, SIGN_EC };
	static const char *const forged[] = {
		"{" ISS_F "," AUD_F ",\"sub\":\"admin\"," EXP_F "}",
		P_EXP("1750999999"),
		P_OK " ",
	};
	struct mkt_buf	 t;
	char		*tok, *sig;
	size_t		 i, j;

	for (i = 0; i < NELEM(headers); i++) {
		tok = make_token(headers[i], P_OK, signers[i]);
		verify("unmodified", tok, MKT_JWT_OK);
		sig = strrchr(tok, '.');
		for (j = 0; j < NELEM(forged); j++) {
			signing_input(&t, headers[i], forged[j]);
			mkt_buf_puts(&t, sig);
			verify(forged[j], t.ptr, MKT_JWT_SIGNATURE);
			mkt_buf_free(&t);
		}
		/* The header too is signed. */
		signing_input(&t, i == 0 ? "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}"
		    : "{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", P_OK);
		mkt_buf_puts(&t, sig);
		verify("header modified", t.ptr, MKT_JWT_SIGNATURE);
		mkt_buf_free(&t);
		free(tok);
	}
}

static void
test_signature_bytes(void)
{
	unsigned char	 sig[600], zero[64];
	size_t		 n;
	char		*tok;

	/* RS256: every bit counts, and the length is the modulus's. */
	n = token_sig(H_RS, P_OK, SIGN_RSA, sig, sizeof(sig));
	CU_ASSERT_EQUAL_FATAL(n, 256);
	tok = token_with_sig(H_RS, P_OK, sig, n);
	verify("RS256 as signed", tok, MKT_JWT_OK);
	free(tok);
	sig[n - 1] ^= 1;
	tok = token_with_sig(H_RS, P_OK, sig, n);
	verify("RS256 last bit flipped", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[n - 1] ^= 1;
	sig[0] ^= 0x80;
	tok = token_with_sig(H_RS, P_OK, sig, n);
	verify("RS256 first bit flipped", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[0] ^= 0x80;
	tok = token_with_sig(H_RS, P_OK, sig, n - 1);
	verify("RS256 255 bytes", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[n] = 0;
	tok = token_with_sig(H_RS, P_OK, sig, n + 1);
	verify("RS256 257 bytes", tok, MKT_JWT_SIGNATURE);
	free(tok);
	memmove(sig + 1, sig, n);
	sig[0] = 0;
	tok = token_with_sig(H_RS, P_OK, sig, n + 1);
	verify("RS256 with a leading zero", tok, MKT_JWT_SIGNATURE);
	free(tok);

	/* ES256: r||s of exactly 64 bytes. */
	n = token_sig(H_ES, P_OK, SIGN_EC, sig, sizeof(sig));
	CU_ASSERT_EQUAL_FATAL(n, 64);
	tok = token_with_sig(H_ES, P_OK, sig, n);
	verify("ES256 as signed", tok, MKT_JWT_OK);
	free(tok);
	tok = token_with_sig(H_ES, P_OK, sig, 63);
	verify("ES256 63 bytes", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[64] = 0;
	tok = token_with_sig(H_ES, P_OK, sig, 65);
	verify("ES256 65 bytes", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[40] ^= 4;
	tok = token_with_sig(H_ES, P_OK, sig, 64);
	verify("ES256 s altered", tok, MKT_JWT_SIGNATURE);
	free(tok);
	sig[40] ^= 4;
	memset(sig, 0, 32);
	tok = token_with_sig(H_ES, P_OK, sig, 64);
	verify("ES256 r zero", tok, MKT_JWT_SIGNATURE);
	free(tok);
	/* CVE-2022-21449, the "psychic signature": r = s = 0. */
	memset(zero, 0, sizeof(zero));
	tok = token_with_sig(H_ES, P_OK, zero, sizeof(zero));
	verify("ES256 r = s = 0", tok, MKT_JWT_SIGNATURE);
	free(tok);
	memset(zero, 0xff, sizeof(zero));
	tok = token_with_sig(H_ES, P_OK, zero, sizeof(zero));
	verify("ES256 r, s beyond the order", tok, MKT_JWT_SIGNATURE);
	free(tok);
}

/* ---- encoding ---- */

/* Applies one edit to a copy of a valid token. */
enum edit {
	E_DROP_SIG,		/* header.payload */
	E_EMPTY_SIG,		/* header.payload. */
	E_EXTRA_SEGMENT,	/* header.payload.sig.sig */
	E_TRAILING_DOT,		/* header.payload.sig. */
	E_LEADING_DOT,		/* .header.payload.sig */
	E_PAD_HEADER,		/* '=' after the header */
	E_PAD_PAYLOAD,
	E_PAD_SIG,
	E_PAD2_SIG,		/* "==" */
	E_PLUS,			/* a '+' in the signature */
	E_SLASH,		/* a '/' */
	E_SPACE,		/* a space */
	E_NEWLINE_END,		/* "\n" at the end */
	E_TAB_START,
	E_BEARER,		/* "Bearer " in front */
	E_PERCENT,		/* a '%' */
	E_NON_ASCII,		/* an 'é' */
	E_SIG_1MOD4,		/* the signature one character short */
	E_SIG_AAA,		/* "AAA" appended: 1 mod 4, no stray bits */
	E_HEADER_1MOD4,
	E_STRAY_BITS,		/* non-zero unused bits in the last char */
	E__MAX
};

static const struct {
	const char		*name;
	enum mkt_jwt_err	 want;
} edits[E__MAX] = {
	[E_DROP_SIG] = { "two segments", MKT_JWT_MALFORMED },
	[E_EMPTY_SIG] = { "empty signature", MKT_JWT_SIGNATURE },
	[E_EXTRA_SEGMENT] = { "four segments", MKT_JWT_MALFORMED },
	[E_TRAILING_DOT] = { "trailing dot", MKT_JWT_MALFORMED },
	[E_LEADING_DOT] = { "leading dot", MKT_JWT_MALFORMED },
	[E_PAD_HEADER] = { "padded header", MKT_JWT_MALFORMED },
	[E_PAD_PAYLOAD] = { "padded payload", MKT_JWT_MALFORMED },
	[E_PAD_SIG] = { "padded signature", MKT_JWT_MALFORMED },
	[E_PAD2_SIG] = { "signature padded twice", MKT_JWT_MALFORMED },
	[E_PLUS] = { "'+'", MKT_JWT_MALFORMED },
	[E_SLASH] = { "'/'", MKT_JWT_MALFORMED },
	[E_SPACE] = { "space", MKT_JWT_MALFORMED },
	[E_NEWLINE_END] = { "newline at the end", MKT_JWT_MALFORMED },
	[E_TAB_START] = { "tab at the start", MKT_JWT_MALFORMED },
	[E_BEARER] = { "Bearer prefix", MKT_JWT_MALFORMED },
	[E_PERCENT] = { "'%'", MKT_JWT_MALFORMED },
	[E_NON_ASCII] = { "non-ASCII", MKT_JWT_MALFORMED },
	[E_SIG_1MOD4] = { "signature of 1 mod 4 characters",
	    MKT_JWT_MALFORMED },
	[E_SIG_AAA] = { "signature of 1 mod 4 characters ending in A",
	    MKT_JWT_MALFORMED },
	[E_HEADER_1MOD4] = { "header of 1 mod 4 characters",
	    MKT_JWT_MALFORMED },
	[E_STRAY_BITS] = { "stray bits in the last character",
	    MKT_JWT_MALFORMED },
};

static char *
edit_token(const char *tok, enum edit e)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	struct mkt_buf		 b;
	const char		*d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');
	size_t			 h = (size_t)(d1 - tok), s = (size_t)(d2 - tok);
	char			*p;

	mkt_buf_init(&b);
	switch (e) {
	case E_DROP_SIG:
		mkt_buf_append(&b, tok, s);
		break;
	case E_EMPTY_SIG:
		mkt_buf_append(&b, tok, s + 1);
		break;
	case E_EXTRA_SEGMENT:
		mkt_buf_printf(&b, "%s%s", tok, d2);
		break;
	case E_TRAILING_DOT:
		mkt_buf_printf(&b, "%s.", tok);
		break;
	case E_LEADING_DOT:
		mkt_buf_printf(&b, ".%s", tok);
		break;
	case E_PAD_HEADER:
		mkt_buf_append(&b, tok, h);
		mkt_buf_printf(&b, "=%s", d1);
		break;
	case E_PAD_PAYLOAD:
		mkt_buf_append(&b, tok, s);
		mkt_buf_printf(&b, "=%s", d2);
		break;
	case E_PAD_SIG:
		mkt_buf_printf(&b, "%s=", tok);
		break;
	case E_PAD2_SIG:
		mkt_buf_printf(&b, "%s==", tok);
		break;
	case E_PLUS:
	case E_SLASH:
	case E_SPACE:
	case E_PERCENT:
		mkt_buf_puts(&b, tok);
		b.ptr[s + 5] = e == E_PLUS ? '+' : e == E_SLASH ? '/' :
		    e == E_SPACE ? ' ' : '%';
		break;
	case E_NEWLINE_END:
		mkt_buf_printf(&b, "%s\n", tok);
		break;
	case E_TAB_START:
		mkt_buf_printf(&b, "\t%s", tok);
		break;
	case E_BEARER:
		mkt_buf_printf(&b, "Bearer %s", tok);
		break;
	case E_NON_ASCII:
		mkt_buf_append(&b, tok, s + 3);
		mkt_buf_printf(&b, "\xc3\xa9%s", tok + s + 5);
		break;
	case E_SIG_1MOD4:
		mkt_buf_append(&b, tok, strlen(tok) - 1);
		CU_ASSERT_EQUAL((strlen(tok) - 1 - s - 1) % 4, 1);
		break;
	case E_SIG_AAA:
		mkt_buf_printf(&b, "%sAAA", tok);
		CU_ASSERT_EQUAL((b.len - s - 1) % 4, 1);
		break;
	case E_HEADER_1MOD4:
		/* Drop header characters until the length is 1 mod 4. */
		do
			h--;
		while (h % 4 != 1);
		mkt_buf_append(&b, tok, h);
		mkt_buf_puts(&b, d1);
		break;
	case E_STRAY_BITS:
		/* 256 bytes: 342 characters, the last holding 2 bits. */
		mkt_buf_puts(&b, tok);
		CU_ASSERT_EQUAL(b.len - s - 1, 342);
		p = strchr(abc, b.ptr[b.len - 1]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL((p - abc) & 15, 0);
		b.ptr[b.len - 1] = abc[(p - abc) | 1];
		break;
	case E__MAX:
		break;
	}
	mkt_buf_putc(&b, '\0');
	return b.ptr;
}

static void
test_encoding(void)
{
	char	*tok = make_token(H_RS, P_OK, SIGN_RSA), *bad;
	size_t	 e;

	verify("unedited", tok, MKT_JWT_OK);
	for (e = 0; e < E__MAX; e++) {
		bad = edit_token(tok, (enum edit)e);
		CU_ASSERT_STRING_NOT_EQUAL(bad, tok);
		verify(edits[e].name, bad, edits[e].want);
		free(bad);
	}
	free(tok);
}

static void
test_degenerate_tokens(void)
{
	static const char *const bad[] = {
		"", ".", "..", "...", "a.b.c", "abcd", "abcd.abcd",
		"abcd.abcd.abcd.abcd", "e30.e30.", "e30..", "..e30",
		"Bearer", "null", "eyJhbGciOiJub25lIn0",
	};
	size_t	 i;

	verify("NULL", NULL, MKT_JWT_MALFORMED);
	for (i = 0; i < NELEM(bad); i++)
		verify(bad[i], bad[i], MKT_JWT_MALFORMED);
	/* {"alg":"none"}.{} with and without an empty signature */
	verify("none, empty", "eyJhbGciOiJub25lIn0.e30.", MKT_JWT_ALG);
	verify("none, two segments", "eyJhbGciOiJub25lIn0.e30",
	    MKT_JWT_MALFORMED);
}

/* ---- size ---- */

static void
test_size_limit(void)
{
	struct mkt_buf	 pad, payload;
	char		*tok, *big;
	size_t		 fill, len, last_ok = 0;
	enum mkt_jwt_err e;

	/* Junk: the length is judged before anything else. */
	big = mkt_xmalloc(9 * 1024 + 1);
	memset(big, 'A', 9 * 1024);
	big[9 * 1024] = '\0';
	verify("9 KiB", big, MKT_JWT_TOO_LARGE);
	big[MKT_JWT_MAX_LEN + 1] = '\0';
	verify("8 KiB + 1", big, MKT_JWT_TOO_LARGE);
	big[MKT_JWT_MAX_LEN] = '\0';
	verify("8 KiB of junk", big, MKT_JWT_MALFORMED);
	free(big);

	/* Real tokens grown a byte of claims at a time past the limit. */
	mkt_buf_init(&pad);
	tok = make_token(H_RS, P_WITH(EXP_F ",\"pad\":\"\""), SIGN_RSA);
	len = strlen(tok);
	free(tok);
	fill = (MKT_JWT_MAX_LEN - len) * 3 / 4 - 8;
	while (pad.len < fill)
		mkt_buf_putc(&pad, 'x');
	for (;;) {
		mkt_buf_init(&payload);
		mkt_buf_printf(&payload, P_WITH(EXP_F ",\"pad\":\"%s\""),
		    pad.ptr);
		tok = make_token(H_RS, payload.ptr, SIGN_RSA);
		mkt_buf_free(&payload);
		len = strlen(tok);
		e = verify(len <= MKT_JWT_MAX_LEN ? "at most 8 KiB" :
		    "past 8 KiB", tok, len <= MKT_JWT_MAX_LEN ? MKT_JWT_OK :
		    MKT_JWT_TOO_LARGE);
		free(tok);
		if (len > MKT_JWT_MAX_LEN || e != MKT_JWT_OK)
			break;
		last_ok = len;
		mkt_buf_putc(&pad, 'x');
	}
	CU_ASSERT(last_ok >= MKT_JWT_MAX_LEN - 1);
	CU_ASSERT(len > MKT_JWT_MAX_LEN && len <= MKT_JWT_MAX_LEN + 2);
	mkt_buf_free(&pad);
}

/* ---- results and messages ---- */

static void
test_claims_pointer(void)
{
	struct json_object	*claims = NOT_SET;
	char			*tok = make_token(H_RS, P_OK, SIGN_RSA);

	/* Reset even on the earliest refusals. */
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, NULL, ISS, AUD, NOW, LEEWAY,
	    &claims), MKT_JWT_MALFORMED);
	CU_ASSERT_PTR_NULL(claims);
	claims = NOT_SET;
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, AUD, NOW + 7200,
	    LEEWAY, &claims), MKT_JWT_EXPIRED);
	CU_ASSERT_PTR_NULL(claims);
	CU_ASSERT_EQUAL(mkt_jwt_verify(jwks, tok, ISS, AUD, NOW + 7200,
	    LEEWAY, NULL), MKT_JWT_EXPIRED);
	free(tok);
}

static void
test_without_keys(void)
{
	struct mkt_jwks	*empty;
	char		*tok = make_token(H_RS, P_OK, SIGN_RSA);

	verify_at(NULL, "no key set", tok, NOW, LEEWAY, MKT_JWT_UNKNOWN_KID);
	empty = mkt_jwks_parse("{\"keys\":[]}", 11, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
	verify_at(empty, "empty key set", tok, NOW, LEEWAY,
	    MKT_JWT_UNKNOWN_KID);
	mkt_jwks_free(empty);
	free(tok);
}

static void
test_strerror(void)
{
	const char	*m[MKT_JWT__MAX];
	size_t		 i, j;

	for (i = 0; i < MKT_JWT__MAX; i++) {
		m[i] = mkt_jwt_strerror((enum mkt_jwt_err)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
		CU_ASSERT(strlen(m[i]) > 8);
		/* Lower case, no final stop: it ends up mid-sentence. */
		CU_ASSERT(m[i][0] >= 'a' && m[i][0] <= 'z');
		CU_ASSERT(m[i][strlen(m[i]) - 1] != '.');
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(m[i], m[j]);
	}
	CU_ASSERT_STRING_EQUAL(mkt_jwt_strerror(MKT_JWT_ALG),
	    "the token is signed with an algorithm that is not allowed");
	CU_ASSERT_STRING_EQUAL(mkt_jwt_strerror(MKT_JWT_EXPIRED),
	    "the token has expired");
	CU_ASSERT_PTR_NOT_NULL(mkt_jwt_strerror(MKT_JWT__MAX));
	CU_ASSERT_PTR_NOT_NULL(mkt_jwt_strerror((enum mkt_jwt_err)-1));
}

/* ---- key sets ---- */

static void
test_jwks_suite_set(void)
{
	static const char *const have[] = { "rsa-1", "ec-1", "rsa-plain" };
	static const char *const skipped[] = {
		"hmac-1", "rsa-384", "rsa-enc", "p384-1", "okp-1", "", "rsa",
		"rsa-1 ", "RSA-1"
	};
	size_t	 i;

	/* Only keys of other kinds: nothing to report. */
	CU_ASSERT_STRING_EQUAL(jwks_err, "");
	for (i = 0; i < NELEM(have); i++)
		CU_ASSERT_TRUE(mkt_jwks_has_kid(jwks, have[i]));
	for (i = 0; i < NELEM(skipped); i++)
		CU_ASSERT_FALSE(mkt_jwks_has_kid(jwks, skipped[i]));
	CU_ASSERT_FALSE(mkt_jwks_has_kid(jwks, NULL));
	CU_ASSERT_FALSE(mkt_jwks_has_kid(NULL, "rsa-1"));
	mkt_jwks_free(NULL);
}

static void
test_jwks_rejects_bad_documents(void)
{
	static const struct {
		const char	*name;
		const char	*json;
	} bad[] = {
		{ "empty", "" },
		{ "not JSON", "keys" },
		{ "truncated", "{\"keys\":[" },
		{ "trailing comma", "{\"keys\":[],}" },
		{ "garbage after", "{\"keys\":[]}x" },
		{ "an array", "[]" },
		{ "null", "null" },
		{ "no keys", "{}" },
		{ "keys an object", "{\"keys\":{}}" },
		{ "keys null", "{\"keys\":null}" },
		{ "keys a string", "{\"keys\":\"rsa-1\"}" },
		{ "invalid UTF-8", "{\"keys\":[],\"x\":\"\xff\"}" },
		{ "nested too deep", "{\"keys\":[],\"x\":[[[[[[[[[[[[[[[[[[[["
		    "]]]]]]]]]]]]]]]]]]]]}" },
	};
	struct mkt_buf	 b;
	char		 err[200];
	size_t		 i;

	for (i = 0; i < NELEM(bad); i++) {
		strcpy(err, "unchanged");
		CU_ASSERT_PTR_NULL(mkt_jwks_parse(bad[i].json,
		    strlen(bad[i].json), err, sizeof(err)));
		CU_ASSERT(err[0] != '\0' && strcmp(err, "unchanged") != 0);
		if (strcmp(err, "unchanged") == 0)
			fprintf(stderr, "\n    %s: no message", bad[i].name);
	}
	CU_ASSERT_PTR_NULL(mkt_jwks_parse(NULL, 0, err, sizeof(err)));
	CU_ASSERT(err[0] != '\0');
	/* No room for a message is fine. */
	CU_ASSERT_PTR_NULL(mkt_jwks_parse("{", 1, NULL, 0));
	/* The length given is what counts, not a NUL. */
	CU_ASSERT_PTR_NULL(mkt_jwks_parse("{\"keys\":[]}", 5, err,
	    sizeof(err)));
	CU_ASSERT_PTR_NULL(mkt_jwks_parse("{\"keys\":[]}\0{}", 14, err,
	    sizeof(err)));
	/* A message is cut to the room given, NUL-terminated. */
	memset(err, 'x', sizeof(err));
	CU_ASSERT_PTR_NULL(mkt_jwks_parse("[]", 2, err, 5));
	CU_ASSERT_EQUAL(strlen(err), 4);

	/* Too many keys, or too many bytes. */
	mkt_buf_init(&b);
	mkt_buf_puts(&b, "{\"keys\":[");
	for (i = 0; i <= MKT_JWKS_MAX_KEYS; i++)
		mkt_buf_printf(&b, "%s{\"kty\":\"oct\",\"kid\":\"k%zu\"}",
		    i > 0 ? "," : "", i);
	mkt_buf_puts(&b, "]}");
	CU_ASSERT_PTR_NULL(mkt_jwks_parse(b.ptr, b.len, err, sizeof(err)));
	CU_ASSERT(strstr(err, "keys") != NULL);
	mkt_buf_reset(&b);
	mkt_buf_puts(&b, "{\"keys\":[],\"x\":\"");
	while (b.len < MKT_JWKS_MAX_LEN)
		mkt_buf_putc(&b, 'x');
	mkt_buf_puts(&b, "\"}");
	CU_ASSERT_PTR_NULL(mkt_jwks_parse(b.ptr, b.len, err, sizeof(err)));
	CU_ASSERT(strstr(err, "larger") != NULL);
	mkt_buf_free(&b);
}

/* One broken key before a good one: the broken key is skipped with a
 * note, the good one still loads. */
static const struct {
	const char	*name;
	const char	*key;		/* template, kid "bad" where it has one */
} broken_keys[] = {
	{ "n with '+'", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}+\","
	    "\"e\":\"${E}\"}" },
	{ "n padded", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}==\","
	    "\"e\":\"${E}\"}" },
	{ "n with a space", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\" ${N}\","
	    "\"e\":\"${E}\"}" },
	{ "e with '/'", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}\","
	    "\"e\":\"AQ/B\"}" },
	{ "n missing", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"e\":\"${E}\"}" },
	{ "e missing", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}\"}" },
	{ "n a number", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":7,"
	    "\"e\":\"${E}\"}" },
	{ "n empty", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"\","
	    "\"e\":\"${E}\"}" },
	{ "1024-bit modulus", "{\"kty\":\"RSA\",\"kid\":\"bad\","
	    "\"n\":\"${N1024}\",\"e\":\"${E}\"}" },
	{ "even modulus", "{\"kty\":\"RSA\",\"kid\":\"bad\","
	    "\"n\":\"${NEVEN}\",\"e\":\"${E}\"}" },
	{ "exponent 1", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}\","
	    "\"e\":\"AQ\"}" },
	{ "exponent 2", "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"${N}\","
	    "\"e\":\"Ag\"}" },
	{ "exponent of 9 bytes", "{\"kty\":\"RSA\",\"kid\":\"bad\","
	    "\"n\":\"${N}\",\"e\":\"AQAAAAAAAAAB\"}" },
	{ "private exponent", "{\"kty\":\"RSA\",\"kid\":\"bad\","
	    "\"n\":\"${N}\",\"e\":\"${E}\",\"d\":\"${N}\"}" },
	{ "no kid", "{\"kty\":\"RSA\",\"n\":\"${N}\",\"e\":\"${E}\"}" },
	{ "kid empty", "{\"kty\":\"RSA\",\"kid\":\"\",\"n\":\"${N}\","
	    "\"e\":\"${E}\"}" },
	{ "kid a number", "{\"kty\":\"RSA\",\"kid\":5,\"n\":\"${N}\","
	    "\"e\":\"${E}\"}" },
	{ "kid with a NUL", "{\"kty\":\"RSA\",\"kid\":\"bad\\u0000\","
	    "\"n\":\"${N}\",\"e\":\"${E}\"}" },
	{ "no kty", "{\"kid\":\"bad\",\"n\":\"${N}\",\"e\":\"${E}\"}" },
	{ "key_ops a string", "{\"kty\":\"RSA\",\"kid\":\"bad\","
	    "\"key_ops\":\"verify\",\"n\":\"${N}\",\"e\":\"${E}\"}" },
	{ "not an object", "42" },
	{ "EC x of 31 bytes", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X31}\",\"y\":\"${Y}\"}" },
	{ "EC x of 33 bytes", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X33}\",\"y\":\"${Y}\"}" },
	{ "EC point off the curve", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X}\",\"y\":\"${YOFF}\"}" },
	{ "EC y missing", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X}\"}" },
	{ "EC x padded", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X}=\",\"y\":\"${Y}\"}" },
	{ "EC no crv", "{\"kty\":\"EC\",\"kid\":\"bad\","
	    "\"x\":\"${X}\",\"y\":\"${Y}\"}" },
	{ "EC private key", "{\"kty\":\"EC\",\"kid\":\"bad\",\"crv\":"
	    "\"P-256\",\"x\":\"${X}\",\"y\":\"${Y}\",\"d\":\"${X}\"}" },
};

static void
test_jwks_skips_broken_keys(void)
{
	struct mkt_jwks	*set;
	struct mkt_buf	 t;
	char		 err[256];
	char		*tok;
	size_t		 i;

	tok = make_token("{\"alg\":\"RS256\",\"kid\":\"good\"}", P_OK,
	    SIGN_RSA);
	for (i = 0; i < NELEM(broken_keys); i++) {
		mkt_buf_init(&t);
		mkt_buf_printf(&t, "{\"keys\":[%s,{\"kty\":\"RSA\","
		    "\"kid\":\"good\",\"n\":\"${N}\",\"e\":\"${E}\"}]}",
		    broken_keys[i].key);
		err[0] = '\0';
		set = parse_template(t.ptr, err, sizeof(err));
		mkt_buf_free(&t);
		CU_ASSERT_PTR_NOT_NULL(set);
		if (set == NULL) {
			fprintf(stderr, "\n    %s: %s", broken_keys[i].name,
			    err);
			continue;
		}
		if (mkt_jwks_has_kid(set, "bad") || err[0] == '\0')
			fprintf(stderr, "\n    %s: loaded or no note",
			    broken_keys[i].name);
		CU_ASSERT_FALSE(mkt_jwks_has_kid(set, "bad"));
		CU_ASSERT_TRUE(mkt_jwks_has_kid(set, "good"));
		CU_ASSERT(strstr(err, "key 0 ") != NULL);
		verify_at(set, broken_keys[i].name, tok, NOW, LEEWAY,
		    MKT_JWT_OK);
		mkt_jwks_free(set);
	}
	free(tok);
}

/* A kid seen twice: the first key wins, the second is skipped. */
static void
test_jwks_duplicate_kid(void)
{
	struct mkt_jwks	*set;
	char		 err[256];
	char		*rs, *es;

	set = parse_template("{\"keys\":["
	    "{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"${N}\",\"e\":\"${E}\"},"
	    "{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-256\",\"x\":\"${X}\","
	    "\"y\":\"${Y}\"}]}", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	CU_ASSERT(strstr(err, "key 1 ") != NULL);
	rs = make_token("{\"alg\":\"RS256\",\"kid\":\"k\"}", P_OK, SIGN_RSA);
	es = make_token("{\"alg\":\"ES256\",\"kid\":\"k\"}", P_OK, SIGN_EC);
	verify_at(set, "first key", rs, NOW, LEEWAY, MKT_JWT_OK);
	verify_at(set, "second key", es, NOW, LEEWAY, MKT_JWT_ALG);
	free(rs);
	free(es);
	mkt_jwks_free(set);
}

static void
test_jwks_only_unsupported_keys(void)
{
	static const char *const kids[] = {
		"oct", "okp", "p384", "rs384", "ps256", "enc", "ops", "ec-alg"
	};
	struct mkt_jwks	*set;
	char		 err[256] = "unchanged";
	char		*tok;
	size_t		 i;

	set = parse_template("{\"keys\":["
	    "{\"kty\":\"oct\",\"kid\":\"oct\",\"k\":\"c2VjcmV0\"},"
	    "{\"kty\":\"OKP\",\"kid\":\"okp\",\"crv\":\"Ed25519\","
	    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
	    "{\"kty\":\"EC\",\"kid\":\"p384\",\"crv\":\"P-384\","
	    "\"x\":\"${X}\",\"y\":\"${Y}\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"rs384\",\"alg\":\"RS384\","
	    "\"n\":\"${N}\",\"e\":\"${E}\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"ps256\",\"alg\":\"PS256\","
	    "\"n\":\"${N}\",\"e\":\"${E}\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"enc\","
	    "\"n\":\"${N}\",\"e\":\"${E}\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"ops\",\"key_ops\":[\"encrypt\"],"
	    "\"n\":\"${N}\",\"e\":\"${E}\"},"
	    "{\"kty\":\"EC\",\"kid\":\"ec-alg\",\"alg\":\"RS256\","
	    "\"crv\":\"P-256\",\"x\":\"${X}\",\"y\":\"${Y}\"}"
	    "]}", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	for (i = 0; i < NELEM(kids); i++)
		CU_ASSERT_FALSE(mkt_jwks_has_kid(set, kids[i]));
	CU_ASSERT(strstr(err, "no usable") != NULL);
	tok = make_token("{\"alg\":\"RS256\",\"kid\":\"rs384\"}", P_OK,
	    SIGN_RSA);
	verify_at(set, "key of an unsupported kind", tok, NOW, LEEWAY,
	    MKT_JWT_UNKNOWN_KID);
	free(tok);
	mkt_jwks_free(set);

	/* An empty set says so too. */
	set = mkt_jwks_parse("{\"keys\":[]}", 11, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(set);
	CU_ASSERT(strstr(err, "no usable") != NULL);
	mkt_jwks_free(set);
}

/* Leading zeros in n are tolerated; the key still verifies. */
static void
test_jwks_modulus_with_leading_zero(void)
{
	struct mkt_jwks	*set;
	char		 err[256];
	char		*tok;

	set = parse_template("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"z\","
	    "\"n\":\"${NZERO}\",\"e\":\"${E}\"}]}", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	CU_ASSERT_STRING_EQUAL(err, "");
	tok = make_token("{\"alg\":\"RS256\",\"kid\":\"z\"}", P_OK, SIGN_RSA);
	verify_at(set, "leading zero", tok, NOW, LEEWAY, MKT_JWT_OK);
	free(tok);
	mkt_jwks_free(set);
}

void
add_jwt_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("jwt", jwt_init, jwt_clean)) == NULL)
		return;
	CU_ADD_TEST(s, test_valid_tokens_return_claims);
	CU_ADD_TEST(s, test_headers);
	CU_ADD_TEST(s, test_embedded_keys_are_ignored);
	CU_ADD_TEST(s, test_claims);
	CU_ADD_TEST(s, test_claims_es256);
	CU_ADD_TEST(s, test_leeway_and_clock);
	CU_ADD_TEST(s, test_issuer_and_audience_arguments);
	CU_ADD_TEST(s, test_payload_modified_after_signing);
	CU_ADD_TEST(s, test_signature_bytes);
	CU_ADD_TEST(s, test_encoding);
	CU_ADD_TEST(s, test_degenerate_tokens);
	CU_ADD_TEST(s, test_size_limit);
	CU_ADD_TEST(s, test_claims_pointer);
	CU_ADD_TEST(s, test_without_keys);
	CU_ADD_TEST(s, test_strerror);
	CU_ADD_TEST(s, test_jwks_suite_set);
	CU_ADD_TEST(s, test_jwks_rejects_bad_documents);
	CU_ADD_TEST(s, test_jwks_skips_broken_keys);
	CU_ADD_TEST(s, test_jwks_duplicate_kid);
	CU_ADD_TEST(s, test_jwks_only_unsupported_keys);
	CU_ADD_TEST(s, test_jwks_modulus_with_leading_zero);
}
