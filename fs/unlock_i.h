/*
 * unlock_i.h - private to the key path (dek.c): the passphrase unlocks a
 * mount holds for protected recordings, per uid and recording, each for a
 * fixed time, in guarded memory, never on disk.  Thread-safe.
 */
#ifndef RECFS_FS_UNLOCK_I_H
#define RECFS_FS_UNLOCK_I_H

#include <sys/types.h>
#include <time.h>

#include "crypto.h"
#include "util.h"

struct unlocks;

/* An empty table whose unlocks last ttl seconds each; NULL on out of
 * memory. */
struct unlocks *unlocks_new(time_t ttl);
/* Wipes and frees every key.  NULL is fine. */
void unlocks_free(struct unlocks *u);
/* Remember key (ownership passes to the table) for uid and recording,
 * replacing an older one; it expires ttl seconds from now. */
void unlocks_put(struct unlocks *u, uid_t uid, const char *recording, struct crypto_key *key);
/* A copy of the unexpired key of uid for recording (new guarded memory:
 * crypto_key_free it), or NULL (none, or out of memory). */
struct crypto_key *unlocks_get(struct unlocks *u, uid_t uid, const char *recording);
/* Forget uid's unlock of recording (lock it again); none is fine. */
void unlocks_drop(struct unlocks *u, uid_t uid, const char *recording);

#endif
