/* jwt.h: JSON Web Token verification (RS256, ES256) against a JWKS */
#ifndef MARKET_JWT_H
#define MARKET_JWT_H

/*
 * Bearer tokens from an outside OpenID Connect identity provider (FR-001.1),
 * checked as RFC 7519 (JWT), RFC 7515 (JWS) and RFC 8725 (JWT best current
 * practices) ask.  Internal to libmarket: the request code reads the
 * Authorization header, keeps a parsed key set (refreshing it when a token
 * names a kid it does not know), and answers 401 with mkt_jwt_strerror().
 *
 * Only two algorithms exist here: RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
 * and ES256 (ECDSA on P-256 with SHA-256).  The key is chosen by the
 * token's "kid" among the keys of the configured key set only; header
 * parameters that carry or point at keys ("jwk", "jku", "x5c", "x5u") are
 * ignored, and the header's "alg" must agree with the type of that key,
 * never choose it.  Nothing here logs, and no function keeps a copy of a
 * token.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct json_object;

/* The most a token may hold, in bytes (MKT_JWT_TOO_LARGE beyond). */
#define MKT_JWT_MAX_LEN		8192
/* The most a key set document may hold, in bytes, and the most keys. */
#define MKT_JWKS_MAX_LEN	(256 * 1024)
#define MKT_JWKS_MAX_KEYS	64

/*
 * A parsed JSON Web Key Set: the usable verification keys, each with its
 * kid.  Immutable once parsed, so one set may be shared by threads that
 * verify at the same time, as long as none frees it meanwhile.
 */
struct mkt_jwks;

/*
 * Parses a JWKS document (RFC 7517), {"keys": [...]}, of len bytes (it need
 * not be NUL-terminated; at most MKT_JWKS_MAX_LEN bytes, strict UTF-8 JSON,
 * at most MKT_JWKS_MAX_KEYS keys).
 *
 * Usable keys are:
 *   - RSA: "kty" "RSA", "n" and "e" (strict base64url), a modulus of 2048
 *     to 8192 bits, an odd exponent from 3 to 2^64-1;
 *   - EC: "kty" "EC", "crv" "P-256", "x" and "y" of exactly 32 bytes each,
 *     a point on the curve;
 * each with a "kid" (a string of 1 to 256 bytes without NUL), "use" "sig"
 * or absent, "key_ops" absent or containing "verify", and "alg" absent or
 * matching the key ("RS256" for RSA, "ES256" for EC).
 *
 * Keys of other types or uses (oct, OKP, other curves, other algorithms,
 * encryption keys) are skipped silently.  Keys of a supported type that
 * are broken (a missing or bad kid, a member that is missing or not
 * strict base64url, a modulus too small, a point off the curve, private
 * parameters published, a kid seen before in the set) are skipped too, so
 * that one bad key does not lock every user out; the set still loads.
 *
 * Returns NULL when the document itself is unusable (not JSON, too large,
 * not an object, no "keys" array, too many keys), with the reason in err.
 * Otherwise returns a set (possibly holding no key at all) and leaves in
 * err either "" or a note worth logging: why the first broken key was
 * skipped, or that the set holds no usable key.  err may be NULL when
 * errsz is 0.  The caller frees the set with mkt_jwks_free().
 */
struct mkt_jwks *mkt_jwks_parse(const char *json, size_t len, char *err,
	    size_t errsz);

/* Frees a set and its keys; NULL is allowed. */
void	 mkt_jwks_free(struct mkt_jwks *);

/*
 * Whether the set holds a usable key with exactly this kid (byte for
 * byte).  False for a NULL set or kid.  Lets the caller refresh a cached
 * key set when a token names a kid it does not know yet (and rate-limit
 * that refresh: the kid comes from an unverified token).
 */
bool	 mkt_jwks_has_kid(const struct mkt_jwks *, const char *kid);

/* Why a token was refused. */
enum mkt_jwt_err {
	MKT_JWT_OK = 0,
	MKT_JWT_MALFORMED,	/* not three strict base64url segments of
				 * JSON objects, "crit" present, a claim of
				 * the wrong type, "exp" missing */
	MKT_JWT_TOO_LARGE,	/* over MKT_JWT_MAX_LEN bytes */
	MKT_JWT_ALG,		/* "alg" not RS256/ES256, or not the key's */
	MKT_JWT_UNKNOWN_KID,	/* no "kid", or not one of the set */
	MKT_JWT_SIGNATURE,	/* the signature does not verify */
	MKT_JWT_EXPIRED,	/* "exp" has passed */
	MKT_JWT_NOT_YET_VALID,	/* "nbf" or "iat" is in the future */
	MKT_JWT_ISSUER,		/* "iss" is not the expected issuer */
	MKT_JWT_AUDIENCE,	/* "aud" does not name the expected audience */
	MKT_JWT__MAX
};

/*
 * A short lower-case English sentence for a problem detail ("the token has
 * expired"); marked with N_() for translation, so pass it through
 * mkt_tr().  Never NULL, also for values out of range.
 */
const char *mkt_jwt_strerror(enum mkt_jwt_err);

/*
 * Verifies a compact-serialised JWS token (the text after "Bearer ")
 * against the key set, and its claims against issuer, audience and now.
 *
 * The checks, in this order (the first failure is returned):
 *  1. token NULL: MALFORMED; longer than MKT_JWT_MAX_LEN: TOO_LARGE;
 *  2. exactly three segments separated by '.', each strict base64url
 *     (RFC 7515 section 2: A-Z a-z 0-9 - _ only, no '=' padding, no
 *     whitespace, no length of 1 mod 4, no stray bits in the last
 *     character): else MALFORMED;
 *  3. the header is a JSON object (strict JSON, valid UTF-8 without NUL,
 *     json-c depth 8, i.e. values nested at most 8 deep counting the
 *     innermost scalar, nothing but whitespace after it; duplicate names
 *     keep the last value, as RFC 7515 section 5.2 permits) without
 *     "crit", with a string "alg": else MALFORMED;
 *  4. "alg" is exactly "RS256" or "ES256": else ALG ("none", "HS256",
 *     "RS384", "rs256"...);
 *  5. "kid" is present and names a key of the set: else UNKNOWN_KID (or
 *     MALFORMED if it is not a string); a NULL set knows no kid;
 *  6. the key's type matches "alg" (RSA for RS256, EC for ES256): else ALG,
 *     so that an HS256 token "signed" with the RSA public key, or an RS256
 *     header on an EC key, never verifies;
 *  7. the signature verifies over "header.payload": RS256 with PKCS#1
 *     v1.5 padding and a signature as long as the modulus, ES256 with the
 *     JWS form r||s of exactly 64 bytes: else SIGNATURE;
 *  8. the payload is a JSON object (as for the header, json-c depth 16):
 *     else MALFORMED;
 *  9. "exp" present, and "exp", "nbf", "iat" (optional) JSON numbers
 *     (integer or fraction, finite), "iss" a string, "aud" a string or an
 *     array of strings: else MALFORMED;
 * 10. "iss" equals issuer byte for byte: else ISSUER (also when issuer is
 *     NULL or "": there is no "any issuer");
 * 11. "aud" is audience or an array containing it: else AUDIENCE (also
 *     when audience is NULL or "");
 * 12. now < exp + leeway (RFC 7519 section 4.1.4: the token is refused
 *     from the instant exp on, so a token is refused at exp + leeway
 *     exactly): else EXPIRED;
 * 13. now + leeway >= nbf, and now + leeway >= iat (a token issued in the
 *     future is not valid yet either): else NOT_YET_VALID.
 * leeway_seconds is the clock skew allowed in both directions (60 is
 * usual); a negative leeway counts as 0.
 *
 * On MKT_JWT_OK, *claims is the payload object and the caller releases it
 * with json_object_put(); on every other result *claims is NULL.  claims
 * may be NULL when the caller wants only the verdict.  The payload is not
 * parsed before the signature verifies, so attacker-made payloads never
 * reach the JSON parser unless signed by a trusted key.
 */
enum mkt_jwt_err mkt_jwt_verify(const struct mkt_jwks *, const char *token,
	    const char *issuer, const char *audience, time_t now,
	    long leeway_seconds, struct json_object **claims);

#endif /* MARKET_JWT_H */
