/*
 * dekcache.c - the key path's cache of unsealed data keys (dekcache_i.h):
 * direct-mapped, the slot is a hash of (object, level) and a new entry
 * evicts the old one.  Data keys in one guarded arena, the tags (ids and
 * levels, not secret) beside it in ordinary memory.  gen counts clears;
 * every read and write of the arena, the tags and gen holds lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dekcache_i.h"
#include "util.h"

struct tag {
	char object[RECFS_ID_HEX];
	int level;
	int used;
};

struct dekcache {
	pthread_mutex_t lock;
	size_t slots;
	struct tag *tags;	/* protected by lock */
	unsigned char *keys;	/* crypto_secure_alloc, slots * CRYPTO_DEK_BYTES; protected by lock */
	uint64_t gen;		/* clears so far; protected by lock */
};

struct dekcache *dekcache_new(size_t slots)
{
	struct dekcache *c = xcalloc(1, sizeof(*c));

	c->slots = slots ? slots : 1;
	c->tags = xcalloc(c->slots, sizeof(*c->tags));
	c->keys = crypto_secure_alloc(c->slots * CRYPTO_DEK_BYTES);
	if (!c->keys) {
		free(c->tags);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void dekcache_free(struct dekcache *c)
{
	if (!c)
		return;
	crypto_secure_free(c->keys); /* wipes */
	free(c->tags);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static size_t slot_of(const struct dekcache *c, const char *object, int level)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: ids are random already */

	for (const char *p = object; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h = (h ^ (uint64_t)(unsigned)level) * 1099511628211ULL;
	return (size_t)(h % c->slots);
}

struct crypto_key *dekcache_get(struct dekcache *c, const char *object, int level, uint64_t *gen)
{
	struct crypto_key *k = NULL;
	size_t i = slot_of(c, object, level);

	pthread_mutex_lock(&c->lock);
	if (c->tags[i].used && c->tags[i].level == level && !strcmp(c->tags[i].object, object)) {
		k = crypto_key_new(CRYPTO_DEK_BYTES, 0);
		if (k)
			memcpy(k->bytes, c->keys + i * CRYPTO_DEK_BYTES, CRYPTO_DEK_BYTES);
	}
	*gen = c->gen;
	pthread_mutex_unlock(&c->lock);
	return k;
}

void dekcache_put(struct dekcache *c, const char *object, int level, const struct crypto_key *dek, uint64_t gen)
{
	size_t i = slot_of(c, object, level);

	if (dek->len != CRYPTO_DEK_BYTES)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->gen == gen) {
		memcpy(c->keys + i * CRYPTO_DEK_BYTES, dek->bytes, CRYPTO_DEK_BYTES);
		snprintf(c->tags[i].object, sizeof(c->tags[i].object), "%s", object);
		c->tags[i].level = level;
		c->tags[i].used = 1;
	}
	pthread_mutex_unlock(&c->lock);
}

void dekcache_clear(struct dekcache *c)
{
	pthread_mutex_lock(&c->lock);
	crypto_memzero(c->keys, c->slots * CRYPTO_DEK_BYTES);
	memset(c->tags, 0, c->slots * sizeof(*c->tags));
	c->gen++;
	pthread_mutex_unlock(&c->lock);
}
