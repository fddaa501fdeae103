/* crypto.c: randomness, digests and constant-time comparison (OpenSSL) */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "market.h"

/* OpenSSL 3's RAND_bytes is thread-safe; failure means no entropy, and
 * carrying on with predictable ids would be worse than stopping. */
void
mkt_random_bytes(void *p, size_t n)
{
	if (n > 0 && RAND_bytes(p, (int)n) != 1) {
		fprintf(stderr, "RAND_bytes failed: no entropy available\n");
		abort();
	}
}

void
mkt_hex(char *out, const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
mkt_random_hex(char *out, size_t nbytes)
{
	unsigned char	 raw[64];

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	mkt_random_bytes(raw, nbytes);
	mkt_hex(out, raw, nbytes);
}

void
mkt_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		fprintf(stderr, "SHA-256 digest failed\n");
		abort();
	}
	mkt_hex(out, md, 32);
}

bool
mkt_const_eq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
