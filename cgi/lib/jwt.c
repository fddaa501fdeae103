/* jwt.c: JSON Web Token verification (RS256, ES256) against a JWKS */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "market.h"
#include "jwt.h"

#define HEADER_DEPTH	8	/* JSON nesting allowed in a token header */
#define PAYLOAD_DEPTH	16	/* ... in the claims */
#define JWKS_DEPTH	8	/* ... in a key set */
#define KID_MAX		256	/* bytes of a kid */
#define RSA_MIN_BITS	2048	/* RFC 7518 section 3.3 */
#define RSA_MAX_BITS	8192
#define RSA_MAX_E	8	/* bytes of a public exponent */
#define P256_LEN	32	/* bytes of a P-256 coordinate or scalar */

enum kty { KTY_RSA, KTY_EC };

struct jwk {
	char		*kid;
	enum kty	 kty;
	EVP_PKEY	*pkey;
};

struct mkt_jwks {
	struct jwk	*keys;
	size_t		 nkeys;
};

/* ---- strict base64url (RFC 4648 section 5, without padding) ---- */

/*
 * Masks for bytes a, b (0..255): 0xff when the relation holds, else 0,
 * computed without branches so that decoding a token takes the same steps
 * whatever its characters (a bearer token is a credential).
 */
static unsigned
m_lt(unsigned a, unsigned b)
{
	return ((a - b) >> 8) & 0xff;
}

static unsigned
m_eq(unsigned a, unsigned b)
{
	return (((a ^ b) - 1) >> 8) & 0xff;
}

static unsigned
m_in(unsigned c, unsigned lo, unsigned hi)
{
	return (m_lt(c, lo) ^ 0xff) & (m_lt(hi, c) ^ 0xff);
}

/* The 6-bit value of a base64url character, or 0xff for any other byte. */
static unsigned
b64url_value(unsigned char ch)
{
	unsigned	 c = ch, v, ok;

	ok = m_in(c, 'A', 'Z') | m_in(c, 'a', 'z') | m_in(c, '0', '9') |
	    m_eq(c, '-') | m_eq(c, '_');
	v = (m_in(c, 'A', 'Z') & (c - 'A')) |
	    (m_in(c, 'a', 'z') & (c - 'a' + 26)) |
	    (m_in(c, '0', '9') & (c - '0' + 52)) |
	    (m_eq(c, '-') & 62) | (m_eq(c, '_') & 63);
	return v | (ok ^ 0xff);
}

/*
 * Decodes s[0..n) into out (room for n / 4 * 3 + 2 bytes) and sets
 * *outlen.  False for a byte outside the alphabet (padding '=', '+', '/',
 * whitespace included), a length of 1 mod 4 (no whole byte in the last
 * group), or non-zero bits left over in the last character, which would
 * let several texts decode to the same bytes.
 */
static bool
b64url_decode(const char *s, size_t n, unsigned char *out, size_t *outlen)
{
	unsigned	 acc = 0, bad = 0, v;
	unsigned	 bits = 0;
	size_t		 i, o = 0;

	*outlen = 0;
	if (n % 4 == 1)
		return false;
	for (i = 0; i < n; i++) {
		v = b64url_value((unsigned char)s[i]);
		bad |= v & 0xc0;
		acc = ((acc << 6) | (v & 0x3f)) & 0xfff;
		bits += 6;
		if (bits >= 8) {	/* depends on the position only */
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	bad |= acc & ((1u << bits) - 1);
	if (bad != 0)
		return false;
	*outlen = o;
	return true;
}

/* ---- JSON ---- */

/*
 * Parses exactly one JSON object from s[0..n): strict JSON, valid UTF-8
 * without NUL, nesting of at most depth, nothing but whitespace after it.
 * Returns NULL otherwise, with a reason in *why when why is not NULL.
 */
static struct json_object *
parse_object(const char *s, size_t n, int depth, const char **why)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	size_t			 off;
	const char		*dummy;

	if (why == NULL)
		why = &dummy;
	if (n == 0 || n > INT_MAX) {
		*why = "empty or too long";
		return NULL;
	}
	if (!mkt_utf8_valid(s, n)) {
		*why = "not valid UTF-8";
		return NULL;
	}
	if ((tok = json_tokener_new_ex(depth)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o == NULL || jerr != json_tokener_success) {
		json_object_put(o);
		*why = jerr == json_tokener_success || jerr ==
		    json_tokener_continue ? "truncated" :
		    json_tokener_error_desc(jerr);
		return NULL;
	}
	while (off < n && (s[off] == ' ' || s[off] == '\t' ||
	    s[off] == '\n' || s[off] == '\r'))
		off++;
	if (off != n) {
		json_object_put(o);
		*why = "data after the JSON value";
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*why = "not a JSON object";
		return NULL;
	}
	return o;
}

/* Whether a JSON string holds exactly the bytes of the C string s. */
static bool
json_str_is(struct json_object *v, const char *s)
{
	size_t	 n = strlen(s);

	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == n &&
	    memcmp(json_object_get_string(v), s, n) == 0;
}

/* ---- key sets ---- */

/*
 * Decodes the base64url string member name of a key into a new buffer of
 * at most max bytes.  Returns NULL (and a reason) when it is missing, not a
 * string, not strict base64url, empty or too long.
 */
static unsigned char *
key_bytes(struct json_object *key, const char *name, size_t max,
    size_t *len, const char **why)
{
	struct json_object	*v;
	unsigned char		*p;
	const char		*s;
	size_t			 n;

	if (!json_object_object_get_ex(key, name, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*why = "is missing or not a string";
		return NULL;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n == 0 || n / 4 * 3 > max + 3) {
		*why = "has the wrong length";
		return NULL;
	}
	p = mkt_xmalloc(n / 4 * 3 + 3);
	if (!b64url_decode(s, n, p, len) || *len == 0 || *len > max) {
		free(p);
		*why = "is not strict base64url of the right length";
		return NULL;
	}
	return p;
}

static EVP_PKEY *
pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *
rsa_key(struct json_object *key, const char **why)
{
	unsigned char	*n, *e;
	size_t		 nlen, elen;
	BIGNUM		*bn = NULL, *be = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	EVP_PKEY	*pkey = NULL;
	int		 bits;

	/* A modulus may carry a leading zero byte, though it should not. */
	if ((n = key_bytes(key, "n", RSA_MAX_BITS / 8 + 1, &nlen, why)) ==
	    NULL) {
		*why = "\"n\" is missing or not strict base64url";
		return NULL;
	}
	if ((e = key_bytes(key, "e", RSA_MAX_E, &elen, why)) == NULL) {
		free(n);
		*why = "\"e\" is missing or not strict base64url";
		return NULL;
	}
	bn = BN_bin2bn(n, (int)nlen, NULL);
	be = BN_bin2bn(e, (int)elen, NULL);
	free(n);
	free(e);
	if (bn == NULL || be == NULL) {
		*why = "out of memory";
		goto out;
	}
	bits = BN_num_bits(bn);
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || !BN_is_odd(bn)) {
		*why = "the modulus is too small, too large or even";
		goto out;
	}
	if (!BN_is_odd(be) || BN_num_bits(be) < 2) {
		*why = "the exponent is not an odd number of 3 or more";
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
	    (pkey = pkey_fromdata("RSA", bld)) == NULL)
		*why = "OpenSSL refused the RSA key";
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static EVP_PKEY *
ec_key(struct json_object *key, const char **why)
{
	unsigned char	 pub[1 + 2 * P256_LEN];
	unsigned char	*x, *y;
	size_t		 xlen, ylen;
	OSSL_PARAM_BLD	*bld;
	EVP_PKEY	*pkey = NULL;
	EVP_PKEY_CTX	*ctx;

	/* RFC 7518 section 6.2.1.2: the full length, leading zeros kept. */
	x = key_bytes(key, "x", P256_LEN, &xlen, why);
	y = key_bytes(key, "y", P256_LEN, &ylen, why);
	if (x == NULL || y == NULL || xlen != P256_LEN || ylen != P256_LEN) {
		free(x);
		free(y);
		*why = "\"x\" or \"y\" is missing, not strict base64url or "
		    "not 32 bytes";
		return NULL;
	}
	pub[0] = 0x04;		/* uncompressed point */
	memcpy(pub + 1, x, P256_LEN);
	memcpy(pub + 1 + P256_LEN, y, P256_LEN);
	free(x);
	free(y);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    SN_X9_62_prime256v1, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, sizeof(pub)) != 1 ||
	    (pkey = pkey_fromdata("EC", bld)) == NULL) {
		OSSL_PARAM_BLD_free(bld);
		*why = "the point is not on the P-256 curve";
		return NULL;
	}
	OSSL_PARAM_BLD_free(bld);
	/* On the curve, not the point at infinity, of the group's order. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		*why = "the point is not on the P-256 curve";
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Whether an optional string member is absent or equals want. */
static bool
absent_or(struct json_object *key, const char *name, const char *want)
{
	struct json_object	*v;

	return !json_object_object_get_ex(key, name, &v) ||
	    json_str_is(v, want);
}

/*
 * Loads one key into k.  Returns 1 when loaded, 0 for a key of a type or
 * use this module does not verify with (skipped silently), -1 for a
 * broken key (skipped with a reason in *why).
 */
static int
load_key(struct json_object *key, struct jwk *k, const char **why)
{
	struct json_object	*v, *kid;
	size_t			 i, n;
	bool			 verify;

	if (!json_object_is_type(key, json_type_object)) {
		*why = "is not a JSON object";
		return -1;
	}
	if (!json_object_object_get_ex(key, "kty", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*why = "has no \"kty\"";
		return -1;
	}
	if (json_str_is(v, "RSA")) {
		k->kty = KTY_RSA;
		if (!absent_or(key, "alg", "RS256"))
			return 0;
	} else if (json_str_is(v, "EC")) {
		k->kty = KTY_EC;
		if (!absent_or(key, "alg", "ES256"))
			return 0;
		if (!json_object_object_get_ex(key, "crv", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			*why = "has no \"crv\"";
			return -1;
		}
		if (!json_str_is(v, "P-256"))
			return 0;
	} else
		return 0;
	if (!absent_or(key, "use", "sig"))
		return 0;
	if (json_object_object_get_ex(key, "key_ops", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			*why = "has a \"key_ops\" that is not an array";
			return -1;
		}
		n = json_object_array_length(v);
		for (verify = false, i = 0; i < n; i++)
			if (json_str_is(json_object_array_get_idx(v, i),
			    "verify"))
				verify = true;
		if (!verify)
			return 0;
	}
	if (!json_object_object_get_ex(key, "kid", &kid) ||
	    !json_object_is_type(kid, json_type_string) ||
	    json_object_get_string_len(kid) < 1 ||
	    json_object_get_string_len(kid) > KID_MAX ||
	    strlen(json_object_get_string(kid)) !=
	    (size_t)json_object_get_string_len(kid)) {
		*why = "has no usable \"kid\" (a string of 1 to 256 bytes)";
		return -1;
	}
	/* A published private key is a leaked one: trust nothing of it. */
	if (json_object_object_get_ex(key, "d", NULL)) {
		*why = "holds private key parameters";
		return -1;
	}
	k->pkey = k->kty == KTY_RSA ? rsa_key(key, why) : ec_key(key, why);
	if (k->pkey == NULL)
		return -1;
	k->kid = mkt_xstrdup(json_object_get_string(kid));
	return 1;
}

struct mkt_jwks *
mkt_jwks_parse(const char *json, size_t len, char *err, size_t errsz)
{
	struct json_object	*root, *keys;
	struct mkt_jwks		*set;
	struct jwk		 k;
	const char		*why = NULL, *first_why = NULL;
	size_t			 i, n, bad = 0, first = 0;
	int			 rc;

	mkt_errf(err, errsz, "%s", "");
	if (json == NULL) {
		mkt_errf(err, errsz, "no key set");
		return NULL;
	}
	if (len > MKT_JWKS_MAX_LEN) {
		mkt_errf(err, errsz, "the key set is larger than %d bytes",
		    MKT_JWKS_MAX_LEN);
		return NULL;
	}
	if ((root = parse_object(json, len, JWKS_DEPTH, &why)) == NULL) {
		mkt_errf(err, errsz, "the key set is not a JSON object: %s", why);
		return NULL;
	}
	if (!json_object_object_get_ex(root, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array)) {
		json_object_put(root);
		mkt_errf(err, errsz, "the key set has no \"keys\" array");
		return NULL;
	}
	if ((n = json_object_array_length(keys)) > MKT_JWKS_MAX_KEYS) {
		json_object_put(root);
		mkt_errf(err, errsz, "the key set holds more than %d keys",
		    MKT_JWKS_MAX_KEYS);
		return NULL;
	}

	ERR_set_mark();
	set = mkt_xcalloc(1, sizeof(*set));
	set->keys = mkt_xcalloc(n > 0 ? n : 1, sizeof(*set->keys));
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		rc = load_key(json_object_array_get_idx(keys, i), &k, &why);
		if (rc > 0 && mkt_jwks_has_kid(set, k.kid)) {
			why = "repeats the kid of an earlier key";
			EVP_PKEY_free(k.pkey);
			free(k.kid);
			rc = -1;
		}
		if (rc > 0)
			set->keys[set->nkeys++] = k;
		else if (rc < 0 && bad++ == 0) {
			first = i;
			first_why = why;
		}
	}
	ERR_pop_to_mark();
	json_object_put(root);
	if (set->nkeys == 0 && bad == 0)
		mkt_errf(err, errsz, "the key set holds no usable RS256 or ES256 "
		    "key");
	else if (bad > 0)
		mkt_errf(err, errsz, "%skey %zu (counting from 0) skipped: it %s%s",
		    set->nkeys == 0 ? "no usable key; " : "", first, first_why,
		    bad > 1 ? "; more keys skipped as broken" : "");
	return set;
}

void
mkt_jwks_free(struct mkt_jwks *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nkeys; i++) {
		EVP_PKEY_free(set->keys[i].pkey);
		free(set->keys[i].kid);
	}
	free(set->keys);
	free(set);
}

static const struct jwk *
find_key(const struct mkt_jwks *set, const char *kid, size_t kidlen)
{
	size_t	 i;

	if (set == NULL || kid == NULL)
		return NULL;
	for (i = 0; i < set->nkeys; i++)
		if (strlen(set->keys[i].kid) == kidlen &&
		    memcmp(set->keys[i].kid, kid, kidlen) == 0)
			return &set->keys[i];
	return NULL;
}

bool
mkt_jwks_has_kid(const struct mkt_jwks *set, const char *kid)
{
	return kid != NULL && find_key(set, kid, strlen(kid)) != NULL;
}

/* ---- tokens ---- */

const char *
mkt_jwt_strerror(enum mkt_jwt_err e)
{
	static const char *const msgs[MKT_JWT__MAX] = {
		[MKT_JWT_OK] = N_("the token is valid"),
		[MKT_JWT_MALFORMED] = N_("the token is malformed"),
		[MKT_JWT_TOO_LARGE] = N_("the token is too large"),
		[MKT_JWT_ALG] = N_("the token is signed with an algorithm "
		    "that is not allowed"),
		[MKT_JWT_UNKNOWN_KID] = N_("the token is signed with an "
		    "unknown key"),
		[MKT_JWT_SIGNATURE] = N_("the token's signature is invalid"),
		[MKT_JWT_EXPIRED] = N_("the token has expired"),
		[MKT_JWT_NOT_YET_VALID] = N_("the token is not valid yet"),
		[MKT_JWT_ISSUER] = N_("the token comes from an issuer that "
		    "is not trusted"),
		[MKT_JWT_AUDIENCE] = N_("the token is not meant for this "
		    "service"),
	};

	if ((unsigned)e >= MKT_JWT__MAX || msgs[e] == NULL)
		return N_("the token was refused");
	return msgs[e];
}

/*
 * Verifies sig over msg with the key.  ES256 signatures are the JWS form,
 * r and s as 32-byte big-endian numbers (RFC 7518 section 3.4), which
 * OpenSSL wants as a DER ECDSA-Sig-Value.
 */
static bool
verify_signature(const struct jwk *k, const char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen)
{
	unsigned char	 der[128], *p;
	EVP_MD_CTX	*md = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r, *s;
	int		 derlen;
	bool		 ok = false;

	if (k->kty == KTY_EC) {
		if (siglen != 2 * P256_LEN)
			return false;
		r = BN_bin2bn(sig, P256_LEN, NULL);
		s = BN_bin2bn(sig + P256_LEN, P256_LEN, NULL);
		if ((es = ECDSA_SIG_new()) == NULL || r == NULL || s == NULL ||
		    ECDSA_SIG_set0(es, r, s) != 1) {
			BN_free(r);
			BN_free(s);
			goto out;
		}
		derlen = i2d_ECDSA_SIG(es, NULL);
		if (derlen <= 0 || (size_t)derlen > sizeof(der))
			goto out;
		p = der;
		if (i2d_ECDSA_SIG(es, &p) != derlen)
			goto out;
		sig = der;
		siglen = (size_t)derlen;
	} else if (EVP_PKEY_get_size(k->pkey) <= 0 ||
	    siglen != (size_t)EVP_PKEY_get_size(k->pkey))
		return false;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", NULL, NULL, k->pkey,
	    NULL) != 1)
		goto out;
	if (k->kty == KTY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
		goto out;
	ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
	    msglen) == 1;
out:
	EVP_MD_CTX_free(md);
	ECDSA_SIG_free(es);
	return ok;
}

/*
 * Reads an optional NumericDate claim (RFC 7519 section 2): a finite JSON
 * number, integer or not.  False when it is present but of another type.
 */
static bool
numeric_claim(struct json_object *pl, const char *name, bool *present,
    double *val)
{
	struct json_object	*v;

	*present = false;
	*val = 0;
	if (!json_object_object_get_ex(pl, name, &v))
		return true;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return false;
	*val = json_object_get_double(v);
	*present = true;
	return isfinite(*val);
}

static enum mkt_jwt_err
check_claims(struct json_object *pl, const char *issuer,
    const char *audience, time_t now, long leeway)
{
	struct json_object	*iss = NULL, *aud = NULL, *v;
	bool			 has_exp, has_nbf, has_iat, found;
	double			 exp, nbf, iat, t, lw;
	size_t			 i, n;

	/* Types first: a claim of the wrong type is a malformed token. */
	if (!numeric_claim(pl, "exp", &has_exp, &exp) || !has_exp ||
	    !numeric_claim(pl, "nbf", &has_nbf, &nbf) ||
	    !numeric_claim(pl, "iat", &has_iat, &iat))
		return MKT_JWT_MALFORMED;
	if (json_object_object_get_ex(pl, "iss", &iss) &&
	    !json_object_is_type(iss, json_type_string))
		return MKT_JWT_MALFORMED;
	if (json_object_object_get_ex(pl, "aud", &aud)) {
		if (json_object_is_type(aud, json_type_array)) {
			n = json_object_array_length(aud);
			for (i = 0; i < n; i++)
				if (!json_object_is_type(
				    json_object_array_get_idx(aud, i),
				    json_type_string))
					return MKT_JWT_MALFORMED;
		} else if (!json_object_is_type(aud, json_type_string))
			return MKT_JWT_MALFORMED;
	}

	if (issuer == NULL || *issuer == '\0' || iss == NULL ||
	    !json_str_is(iss, issuer))
		return MKT_JWT_ISSUER;

	found = false;
	if (audience != NULL && *audience != '\0' && aud != NULL) {
		if (json_object_is_type(aud, json_type_string))
			found = json_str_is(aud, audience);
		else {
			n = json_object_array_length(aud);
			for (i = 0; i < n; i++) {
				v = json_object_array_get_idx(aud, i);
				if (json_str_is(v, audience))
					found = true;
			}
		}
	}
	if (!found)
		return MKT_JWT_AUDIENCE;

	/* Seconds since the epoch stay exact in a double up to 2^53. */
	t = (double)now;
	lw = leeway > 0 ? (double)leeway : 0;
	if (!(t < exp + lw))
		return MKT_JWT_EXPIRED;
	if (has_nbf && t + lw < nbf)
		return MKT_JWT_NOT_YET_VALID;
	if (has_iat && t + lw < iat)
		return MKT_JWT_NOT_YET_VALID;
	return MKT_JWT_OK;
}

enum mkt_jwt_err
mkt_jwt_verify(const struct mkt_jwks *set, const char *token,
    const char *issuer, const char *audience, time_t now,
    long leeway_seconds, struct json_object **claims)
{
	struct json_object	*hdr = NULL, *pl = NULL, *v;
	const struct jwk	*key;
	const char		*dot1, *dot2;
	unsigned char		*buf = NULL, *hb, *pb, *sb;
	size_t			 len, bufsz = 0, hlen, plen, slen;
	enum kty		 want;
	enum mkt_jwt_err	 rc;

	if (claims != NULL)
		*claims = NULL;
	if (token == NULL)
		return MKT_JWT_MALFORMED;
	if ((len = strnlen(token, MKT_JWT_MAX_LEN + 1)) > MKT_JWT_MAX_LEN)
		return MKT_JWT_TOO_LARGE;
	ERR_set_mark();

	/* header.payload.signature, nothing more or less */
	rc = MKT_JWT_MALFORMED;
	if ((dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))) ==
	    NULL || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) !=
	    NULL)
		goto out;
	/* Every segment decodes to at most 3/4 of its length (+1 rounding). */
	bufsz = len + 3;
	buf = mkt_xmalloc(bufsz);
	hb = buf;
	if (!b64url_decode(token, (size_t)(dot1 - token), hb, &hlen))
		goto out;
	pb = hb + hlen;
	if (!b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), pb, &plen))
		goto out;
	sb = pb + plen;
	if (!b64url_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), sb,
	    &slen))
		goto out;

	if ((hdr = parse_object((const char *)hb, hlen, HEADER_DEPTH,
	    NULL)) == NULL)
		goto out;
	/* RFC 7515 section 4.1.11: we understand no extension. */
	if (json_object_object_get_ex(hdr, "crit", NULL))
		goto out;
	if (!json_object_object_get_ex(hdr, "alg", &v) ||
	    !json_object_is_type(v, json_type_string))
		goto out;
	if (json_str_is(v, "RS256"))
		want = KTY_RSA;
	else if (json_str_is(v, "ES256"))
		want = KTY_EC;
	else {
		rc = MKT_JWT_ALG;
		goto out;
	}
	if (!json_object_object_get_ex(hdr, "kid", &v)) {
		rc = MKT_JWT_UNKNOWN_KID;
		goto out;
	}
	if (!json_object_is_type(v, json_type_string))
		goto out;
	if ((key = find_key(set, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v))) == NULL) {
		rc = MKT_JWT_UNKNOWN_KID;
		goto out;
	}
	/* The key decides the algorithm; the header may only agree. */
	if (key->kty != want) {
		rc = MKT_JWT_ALG;
		goto out;
	}
	if (!verify_signature(key, token, (size_t)(dot2 - token), sb, slen)) {
		rc = MKT_JWT_SIGNATURE;
		goto out;
	}

	if ((pl = parse_object((const char *)pb, plen, PAYLOAD_DEPTH,
	    NULL)) == NULL) {
		rc = MKT_JWT_MALFORMED;
		goto out;
	}
	rc = check_claims(pl, issuer, audience, now, leeway_seconds);
	if (rc == MKT_JWT_OK && claims != NULL) {
		*claims = pl;
		pl = NULL;
	}
out:
	json_object_put(hdr);
	json_object_put(pl);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, bufsz);
		free(buf);
	}
	ERR_pop_to_mark();
	return rc;
}
