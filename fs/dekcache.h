/*
 * dekcache.h - recently unsealed data keys, so that opening a file does not
 * pay an X25519 seal opening each time (about 50 us, most of an open).
 *
 * Keyed by (object id, level): an entry exists only after that level's own
 * seal opened with that level's key, so a hit gives nothing the caller's
 * level could not unseal itself.  The keys live in one sodium_malloc arena,
 * wiped on clear and free.  The mount clears it whenever the catalog's
 * content changes (a seal deleted by erasure or restriction must not
 * outlive its row here): a key unsealed from a seal read before a clear is
 * not kept after it.  Thread-safe.
 */
#ifndef RECFS_FS_DEKCACHE_H
#define RECFS_FS_DEKCACHE_H

#include <pthread.h>

#include "crypto.h"
#include "keys.h"
#include "register.h"

struct dekcache;

/* A cache of slots entries; NULL on out of memory. */
struct dekcache *dekcache_new(size_t slots);
/* Wipe and free; NULL is fine. */
void dekcache_free(struct dekcache *c);
/* A new guarded copy of the key unsealed for (object, level), or NULL. */
struct crypto_key *dekcache_get(struct dekcache *c, const char *object, int level);
/*
 * The DEK of object for policy level `level`: from the cache, or unsealed
 * with that level's key from kr (the seal read under cat_lock, opened
 * outside it) and remembered.  Errors as seal_unseal.
 */
int dekcache_unseal(struct dekcache *c, struct reg *r, pthread_mutex_t *cat_lock, const struct keyring *kr,
		    int level, const char *object, struct crypto_key **dek) MUST_CHECK;
/* Forget everything (wipes the arena). */
void dekcache_clear(struct dekcache *c);

#endif
