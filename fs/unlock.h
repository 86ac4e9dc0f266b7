/*
 * unlock.h - the passphrase unlocks a mount holds for protected
 * recordings: per uid and recording, for PROTECT_UNLOCK_SECONDS, in guarded
 * memory, never on disk.  Thread-safe.
 */
#ifndef RECFS_FS_UNLOCK_H
#define RECFS_FS_UNLOCK_H

#include <sys/types.h>

#include "crypto.h"
#include "util.h"

struct unlocks;

struct unlocks *unlocks_new(void);
/* Wipes and frees every key.  NULL is fine. */
void unlocks_free(struct unlocks *u);
/* Remember key (ownership passes to the table) for uid and recording,
 * replacing an older one; expires PROTECT_UNLOCK_SECONDS from now. */
void unlocks_put(struct unlocks *u, uid_t uid, const char *recording, struct crypto_key *key);
/* A copy of the unexpired key of uid for recording (crypto_key_free it),
 * or NULL. */
struct crypto_key *unlocks_get(struct unlocks *u, uid_t uid, const char *recording);
/* Forget uid's unlock of recording (lock it again). */
void unlocks_drop(struct unlocks *u, uid_t uid, const char *recording);

#endif
