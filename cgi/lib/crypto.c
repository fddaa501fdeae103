/* crypto.c: randomness, digests and constant-time comparison (OpenSSL) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "market.h"

/*
 * Small draws (ids, nonces, salts) come from a per-thread pool of CSPRNG
 * output filled by RAND_bytes in one call: each RAND_bytes takes OpenSSL's
 * locks and a getpid() for its fork check, four times per gateway call.
 * A forked child empties the pool of the thread that forked (the only one
 * it has), so parent and child never hand out the same bytes.
 */
#define POOL_SIZE	512
#define POOL_MAX_DRAW	64

static __thread unsigned char	 pool[POOL_SIZE];
static __thread size_t		 pool_left;
static pthread_once_t		 pool_once = PTHREAD_ONCE_INIT;

static void
pool_forget(void)
{
	OPENSSL_cleanse(pool, sizeof(pool));
	pool_left = 0;
}

static void
pool_register(void)
{
	pthread_atfork(NULL, NULL, pool_forget);
}

/* Failure means no entropy, and carrying on with predictable ids would
 * be worse than stopping. */
static void
rand_or_die(void *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1) {
		fprintf(stderr, "RAND_bytes failed: no entropy available\n");
		abort();
	}
}

void
mkt_random_bytes(void *p, size_t n)
{
	if (n == 0)
		return;
	if (n > POOL_MAX_DRAW) {
		rand_or_die(p, n);
		return;
	}
	pthread_once(&pool_once, pool_register);
	if (pool_left < n) {
		rand_or_die(pool, sizeof(pool));
		pool_left = sizeof(pool);
	}
	pool_left -= n;
	memcpy(p, pool + pool_left, n);
	/* Bytes handed out are not kept. */
	OPENSSL_cleanse(pool + pool_left, n);
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

/*
 * The digest's implementation, looked up once: with EVP_sha256(),
 * OpenSSL 3 looks it up in its provider store at every use, under a
 * lock every thread shares.  The gateway hashes every call's API key:
 * the lookup was a third of the time of that hash.
 */
static EVP_MD		*sha256;
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void
mkt_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;

	pthread_once(&sha256_once, sha256_fetch);
	if (sha256 == NULL ||
	    EVP_Digest(p, n, md, &mdlen, sha256, NULL) != 1 ||
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
