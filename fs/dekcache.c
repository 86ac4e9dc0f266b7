/*
 * dekcache.c - a direct-mapped cache: the slot is a hash of (object,
 * level); a new entry evicts the old one.  Data keys in one guarded arena,
 * the tags (ids and levels, not secret) beside it in ordinary memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dekcache.h"
#include "recfs_i.h"
#include "seal.h"
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
	unsigned char *keys;	/* sodium_malloc, slots * CRYPTO_DEK_BYTES; protected by lock */
	uint64_t gen;		/* clears so far; protected by lock */
};

struct dekcache *dekcache_new(size_t slots)
{
	struct dekcache *c = xcalloc(1, sizeof(*c));

	c->slots = slots ? slots : 1;
	c->tags = xcalloc(c->slots, sizeof(*c->tags));
	c->keys = sodium_malloc(c->slots * CRYPTO_DEK_BYTES);
	if (!c->keys) {
		free(c->tags);
		free(c);
		return NULL;
	}
	sodium_memzero(c->keys, c->slots * CRYPTO_DEK_BYTES);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void dekcache_free(struct dekcache *c)
{
	if (!c)
		return;
	sodium_free(c->keys); /* wipes */
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

struct crypto_key *dekcache_get(struct dekcache *c, const char *object, int level)
{
	struct crypto_key *k = NULL;
	size_t i = slot_of(c, object, level);

	pthread_mutex_lock(&c->lock);
	if (c->tags[i].used && c->tags[i].level == level && !strcmp(c->tags[i].object, object)) {
		k = crypto_key_new(CRYPTO_DEK_BYTES, 0);
		if (k)
			memcpy(k->bytes, c->keys + i * CRYPTO_DEK_BYTES, CRYPTO_DEK_BYTES);
	}
	pthread_mutex_unlock(&c->lock);
	return k;
}

static uint64_t gen_of(struct dekcache *c)
{
	uint64_t g;

	pthread_mutex_lock(&c->lock);
	g = c->gen;
	pthread_mutex_unlock(&c->lock);
	return g;
}

/* Remember dek unless the cache was cleared since gen. */
static void put(struct dekcache *c, const char *object, int level, const struct crypto_key *dek, uint64_t gen)
{
	size_t i = slot_of(c, object, level);

	if (dek->len != CRYPTO_DEK_BYTES)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->gen != gen) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	memcpy(c->keys + i * CRYPTO_DEK_BYTES, dek->bytes, CRYPTO_DEK_BYTES);
	snprintf(c->tags[i].object, sizeof(c->tags[i].object), "%s", object);
	c->tags[i].level = level;
	c->tags[i].used = 1;
	pthread_mutex_unlock(&c->lock);
}

void dekcache_clear(struct dekcache *c)
{
	pthread_mutex_lock(&c->lock);
	sodium_memzero(c->keys, c->slots * CRYPTO_DEK_BYTES);
	memset(c->tags, 0, c->slots * sizeof(*c->tags));
	c->gen++;
	pthread_mutex_unlock(&c->lock);
}

int dekcache_unseal(struct dekcache *c, struct reg *r, pthread_mutex_t *cat_lock, const struct keyring *kr,
		    int level, const char *object, struct crypto_key **dek)
{
	uint8_t seal[CRYPTO_SEAL_BYTES];
	const char *name;
	uint64_t gen;
	int rc;

	if (level < 0 || (size_t)level >= r->policy->n_levels)
		return -EACCES;
	*dek = dekcache_get(c, object, level);
	if (*dek)
		return 0;
	name = r->policy->levels[level].name;
	gen = gen_of(c);
	RECFS_LOCKED(cat_lock, rc, seal_get(r, name, object, seal));
	if (rc == 0)
		rc = seal_open(kr, name, object, seal, dek);
	if (rc == 0)
		put(c, object, level, *dek, gen);
	return rc;
}
