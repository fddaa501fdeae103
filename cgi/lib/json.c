/* json.c: parsing JSON text with a tokener kept per thread */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "market.h"

/*
 * json_tokener_parse() makes a tokener for every text and frees it: a
 * calloc of its state stack, large enough that glibc consolidates its
 * free lists first.  On the gateway's path (a client's body, a
 * provider's answer, every event of a stream) that was 5 % of a call's
 * time.  A thread keeps one instead; the key's destructor frees it when
 * the thread ends.
 */
#define SHARED_MAX	(256 * 1024)

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static pthread_key_t	 tok_key;
static bool		 key_ready;

static void
tok_free(void *t)
{
	json_tokener_free(t);
}

static void
key_init(void)
{
	key_ready = pthread_key_create(&tok_key, tok_free) == 0;
}

static struct json_tokener *
thread_tokener(void)
{
	struct json_tokener	*t;

	if (pthread_once(&once, key_init) != 0 || !key_ready)
		return NULL;
	if ((t = pthread_getspecific(tok_key)) != NULL) {
		json_tokener_reset(t);
		return t;
	}
	if ((t = json_tokener_new_ex(MKT_JSON_DEPTH)) == NULL)
		return NULL;
	if (pthread_setspecific(tok_key, t) != 0) {
		json_tokener_free(t);
		return NULL;
	}
	return t;
}

/* Parses exactly the len bytes at s (a number at their end waits for
 * more: json_tokener_continue), with the given json_tokener flags; end
 * and err (either may be NULL) say where it stopped and why. */
struct json_object *
mkt_json_parse_ex(const char *s, size_t len, int flags, size_t *end,
    int *err)
{
	struct json_tokener	*t;
	struct json_object	*o = NULL;
	int			 e = json_tokener_error_size;
	size_t			 stop = 0;
	bool			 own = false;

	if (len > INT_MAX)
		goto out;
	/* A tokener keeps its largest string's buffer: a large text gets
	 * one of its own, so that a thread holds at most SHARED_MAX. */
	if (len > SHARED_MAX || (t = thread_tokener()) == NULL) {
		if ((t = json_tokener_new_ex(MKT_JSON_DEPTH)) == NULL)
			goto out;	/* "size": json-c has no error of memory */
		own = true;
	}
	json_tokener_set_flags(t, flags);
	o = json_tokener_parse_ex(t, s, (int)len);
	e = (int)json_tokener_get_error(t);
	stop = json_tokener_get_parse_end(t);
	if (own)
		json_tokener_free(t);
out:
	if (err != NULL)
		*err = e;
	if (end != NULL)
		*end = stop;
	return o;
}

/* As json_tokener_parse(): the text ends at its NUL, which ends a
 * number too; what follows a whole value is not read.  NULL when the
 * text is not JSON. */
struct json_object *
mkt_json_parse(const char *s)
{
	struct json_object	*o;
	int			 err;

	o = mkt_json_parse_ex(s, strlen(s) + 1, 0, NULL, &err);
	if (err != json_tokener_success) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
