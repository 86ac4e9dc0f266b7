/*
 * unlock.c - the key path's unlocks (unlock_i.h): a small list of (uid,
 * recording, key, expiry).  Expired entries are wiped whenever the list is
 * touched; unlocks are few (a person unlocks a handful of recordings), so
 * a list is enough.  Time is CLOCK_MONOTONIC: setting the clock neither
 * extends nor ends an unlock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unlock_i.h"

struct unlock {
	struct unlock *next;
	uid_t uid;
	char recording[RECFS_ID_HEX];
	struct crypto_key *key;
	time_t expires;
};

struct unlocks {
	pthread_mutex_t lock;
	time_t ttl;		/* seconds an unlock lasts */
	struct unlock *head;	/* protected by lock */
};

static time_t now(void)
{
	return (time_t)util_monotonic();
}

struct unlocks *unlocks_new(time_t ttl)
{
	struct unlocks *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->ttl = ttl;
	pthread_mutex_init(&u->lock, NULL);
	return u;
}

static void drop_if(struct unlocks *u, int (*match)(const struct unlock *, const void *), const void *arg)
{
	struct unlock **pp = &u->head, *e;

	while ((e = *pp)) {
		if (match(e, arg)) {
			*pp = e->next;
			crypto_key_free(e->key);
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

static int expired(const struct unlock *e, const void *arg)
{
	return e->expires <= *(const time_t *)arg;
}

static int everything(const struct unlock *e, const void *arg)
{
	(void)e;
	(void)arg;
	return 1;
}

struct same {
	uid_t uid;
	const char *recording;
};

static int is_same(const struct unlock *e, const void *arg)
{
	const struct same *s = arg;

	return e->uid == s->uid && !strcmp(e->recording, s->recording);
}

void unlocks_free(struct unlocks *u)
{
	if (!u)
		return;
	drop_if(u, everything, NULL);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

void unlocks_put(struct unlocks *u, uid_t uid, const char *recording, struct crypto_key *key)
{
	struct unlock *e = xcalloc(1, sizeof(*e));
	struct same s = { uid, recording };
	time_t t = now();

	e->uid = uid;
	snprintf(e->recording, sizeof(e->recording), "%s", recording);
	e->key = key;
	e->expires = t + u->ttl;
	pthread_mutex_lock(&u->lock);
	drop_if(u, expired, &t);
	drop_if(u, is_same, &s);
	e->next = u->head;
	u->head = e;
	pthread_mutex_unlock(&u->lock);
}

struct crypto_key *unlocks_get(struct unlocks *u, uid_t uid, const char *recording)
{
	struct crypto_key *copy = NULL;
	time_t t = now();

	pthread_mutex_lock(&u->lock);
	drop_if(u, expired, &t);
	for (struct unlock *e = u->head; e; e = e->next) {
		if (e->uid == uid && !strcmp(e->recording, recording)) {
			copy = crypto_key_new(e->key->len, 0);
			if (copy)
				memcpy(copy->bytes, e->key->bytes, e->key->len);
			break;
		}
	}
	pthread_mutex_unlock(&u->lock);
	return copy;
}

void unlocks_drop(struct unlocks *u, uid_t uid, const char *recording)
{
	struct same s = { uid, recording };

	pthread_mutex_lock(&u->lock);
	drop_if(u, is_same, &s);
	pthread_mutex_unlock(&u->lock);
}
