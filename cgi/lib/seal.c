/* seal.c: secrets at rest (AES-256-GCM) and HMAC-SHA256 signatures */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "market.h"

#define KEY_LEN		32	/* AES-256 */
#define NONCE_LEN	12	/* the GCM nonce NIST SP 800-38D prefers */
#define TAG_LEN		16	/* full-length tag, never truncated */
#define PREFIX		"v1:"
#define PREFIX_LEN	(sizeof(PREFIX) - 1)

/* Exactly 64 hex digits: a shorter key would be padded by nobody. */
static bool
key_parse(const char *hex, unsigned char key[KEY_LEN])
{
	size_t	 i;
	int	 hi, lo;

	if (hex == NULL || strnlen(hex, 2 * KEY_LEN + 1) != 2 * KEY_LEN)
		return false;
	for (i = 0; i < KEY_LEN; i++) {
		hi = mkt_hex_digit((unsigned char)hex[2 * i]);
		lo = mkt_hex_digit((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(key, KEY_LEN);
			return false;
		}
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* Standard base64 with padding, into the arena. */
static char *
b64_encode(struct mkt_arena *a, const unsigned char *p, size_t n)
{
	char	*out = mkt_arena_alloc(a, (n + 2) / 3 * 4 + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/*
 * Decodes s[0..n) into a new buffer.  Only the canonical form passes:
 * EVP_DecodeBlock would skip blanks and accept stray bits, and it counts
 * padding as decoded zero bytes, which are taken off here.
 */
static unsigned char *
b64_decode(const char *s, size_t n, size_t *len)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char		*out, *check;
	size_t			 pad = 0, i;
	int			 got;

	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return NULL;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (s[i] == '\0' || strchr(abc, s[i]) == NULL)
			return NULL;
	out = mkt_xmalloc(n / 4 * 3 + 1);
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n)) < 0 ||
	    (size_t)got != n / 4 * 3) {
		free(out);
		return NULL;
	}
	*len = (size_t)got - pad;
	/* Re-encoding must give the same text: no bits beyond the data. */
	check = mkt_xmalloc(n + 1);
	EVP_EncodeBlock(check, out, (int)*len);
	if (memcmp(check, s, n) != 0) {
		free(check);
		free(out);
		return NULL;
	}
	free(check);
	return out;
}

enum mkt_err
mkt_seal(struct mkt_arena *a, const char *key_hex, const char *plain,
    size_t len, char **sealed)
{
	unsigned char	 key[KEY_LEN], nonce[NONCE_LEN];
	unsigned char	*ct;
	EVP_CIPHER_CTX	*ctx;
	enum mkt_err	 rc = MKT_ESYS;
	int		 n, fin;

	*sealed = NULL;
	if (len > INT_MAX - TAG_LEN)
		return MKT_ETOOBIG;
	if (plain == NULL && len > 0)
		return MKT_EINVAL;
	if (!key_parse(key_hex, key))
		return MKT_EINVAL;
	/* A fresh random nonce each time: 2^32 seals under one key keep
	 * the chance of a repeat below 2^-32 (SP 800-38D 8.3). */
	mkt_random_bytes(nonce, sizeof(nonce));
	ct = mkt_xmalloc(len + TAG_LEN);

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN,
	    NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
		goto out;
	n = 0;
	if (len > 0 && EVP_EncryptUpdate(ctx, ct, &n,
	    (const unsigned char *)plain, (int)len) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, ct + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    ct + len) != 1)
		goto out;
	*sealed = mkt_arena_printf(a, PREFIX "%s:%s",
	    b64_encode(a, nonce, sizeof(nonce)),
	    b64_encode(a, ct, len + TAG_LEN));
	rc = MKT_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	free(ct);
	return rc;
}

/*
 * Anything but a sealed text of this version that authenticates under
 * the key is MKT_EINVAL; nothing of an unauthenticated plaintext is left
 * behind.  The plaintext may hold NUL bytes: *len counts them.
 */
enum mkt_err
mkt_unseal(struct mkt_arena *a, const char *key_hex, const char *sealed,
    char **plain, size_t *len)
{
	unsigned char	 key[KEY_LEN];
	unsigned char	*nonce = NULL, *ct = NULL, *out = NULL;
	const char	*p, *colon;
	size_t		 nlen, clen = 0;
	EVP_CIPHER_CTX	*ctx = NULL;
	enum mkt_err	 rc = MKT_EINVAL;
	int		 n = 0, fin;

	*plain = NULL;
	*len = 0;
	if (sealed == NULL || !key_parse(key_hex, key))
		return MKT_EINVAL;
	if (strncmp(sealed, PREFIX, PREFIX_LEN) != 0)
		goto out;
	p = sealed + PREFIX_LEN;
	if ((colon = strchr(p, ':')) == NULL || strchr(colon + 1, ':') != NULL)
		goto out;
	if ((nonce = b64_decode(p, (size_t)(colon - p), &nlen)) == NULL ||
	    nlen != NONCE_LEN)
		goto out;
	if ((ct = b64_decode(colon + 1, strlen(colon + 1), &clen)) == NULL ||
	    clen < TAG_LEN)
		goto out;
	clen -= TAG_LEN;

	rc = MKT_ESYS;
	out = mkt_arena_alloc(a, clen + 1);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN,
	    NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
		goto out;
	if (clen > 0 && EVP_DecryptUpdate(ctx, out, &n, ct, (int)clen) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    ct + clen) != 1)
		goto out;
	rc = MKT_EINVAL;
	if (EVP_DecryptFinal_ex(ctx, out + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != clen)
		goto out;
	out[clen] = '\0';
	*plain = (char *)out;
	*len = clen;
	rc = MKT_OK;
out:
	if (rc != MKT_OK && out != NULL)
		OPENSSL_cleanse(out, clen + 1);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	free(nonce);
	free(ct);
	return rc;
}

/* Aborts when OpenSSL cannot compute it: a missing signature must not
 * turn into an empty one that some comparison might accept. */
void
mkt_hmac_sha256_hex(char out[65], const void *key, size_t keylen,
    const void *data, size_t len)
{
	unsigned char	 md[32];
	size_t		 mdlen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
	    keylen > 0 ? key : "", keylen, data != NULL ? data : "", len, md,
	    sizeof(md), &mdlen) == NULL || mdlen != sizeof(md)) {
		fprintf(stderr, "HMAC-SHA256 failed\n");
		abort();
	}
	mkt_hex(out, md, sizeof(md));
	OPENSSL_cleanse(md, sizeof(md));
}
