/*
 * dekcache_i.h - private to the key path (dek.c): recently unsealed data
 * keys, keyed by (object id, level).  The keys live in one guarded arena
 * (crypto_secure_alloc), wiped on clear and free.  Thread-safe.
 *
 * The generation: a miss hands out the number of clears so far, and a key
 * is stored only under the generation of the miss that asked for it, so a
 * key unsealed from a seal read before a clear (which the seal's deletion
 * may have caused) is not kept after it.
 */
#ifndef RECFS_FS_DEKCACHE_I_H
#define RECFS_FS_DEKCACHE_I_H

#include <stdint.h>

#include "crypto.h"

struct dekcache;

/* A cache of slots entries (at least 1); NULL on out of memory. */
struct dekcache *dekcache_new(size_t slots);
/* Wipe and free; NULL is fine. */
void dekcache_free(struct dekcache *c);
/*
 * A new guarded copy of the key stored for (object, level) (crypto_key_free
 * it), or NULL: then *gen is the generation to hand to dekcache_put for
 * the key the caller unseals next (NULL also when out of memory).
 */
struct crypto_key *dekcache_get(struct dekcache *c, const char *object, int level, uint64_t *gen);
/* Remember a copy of dek (CRYPTO_DEK_BYTES; others are not kept) for
 * (object, level), evicting the slot's entry, unless the cache was cleared
 * since the miss that gave gen. */
void dekcache_put(struct dekcache *c, const char *object, int level, const struct crypto_key *dek, uint64_t gen);
/* Forget everything (wipes the arena) and start a new generation. */
void dekcache_clear(struct dekcache *c);

#endif
