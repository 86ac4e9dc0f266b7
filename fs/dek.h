/*
 * dek.h - the mount's one key path: which data key a caller may use.
 *
 * Every key the mount uses for a caller comes from here: the DEK of an
 * artifact node for open and read-ahead (dek_get), a sealed record for the
 * extended attributes (dek_read_record), and the passphrase unlocks of
 * protected recordings (dek_unlock, dek_lock, dek_unlocked).  The rule is
 * the caller's own: its policy level's seal opened with that level's key
 * from the mount's keyring, and for a protected recording that seal holds
 * DEK ^ P, so the caller's own unlock of it as well.
 *
 * Unsealed keys are cached per (object, level) so that an open does not pay
 * an X25519 seal opening each time (about 50 us, most of an open); an entry
 * exists only after that level's own seal opened with that level's key, so a
 * hit gives nothing the caller's level could not unseal itself.  Unlocks are
 * kept per (uid, recording) for PROTECT_UNLOCK_SECONDS.  Both live in
 * guarded memory, never on disk.  Thread-safe; the catalog is read under
 * fs->cat_lock (RECFS_LOCKED) and the X25519 work done outside it.
 */
#ifndef RECFS_FS_DEK_H
#define RECFS_FS_DEK_H

#include <stddef.h>
#include <sys/types.h>

#include "crypto.h"

struct catalog;
struct recfs;
struct caller;
struct tnode;
struct deks;

/* The key state of a mount: a cache of `slots` unsealed keys and an empty
 * table of unlocks.  -ENOMEM.  *out owned by the caller: dek_free. */
int dek_new(size_t slots, struct deks **out) MUST_CHECK;
/* Wipe and free every key; NULL is fine. */
void dek_free(struct deks *d);

/*
 * Forget every cached unsealed key (unlocks stay).  The mount calls it
 * whenever the catalog's content changes: a seal deleted by erasure or
 * restriction must not outlive its row here, and a key unsealed from a seal
 * read before the call is not kept after it.
 */
void dek_forget_seals(struct deks *d);

/*
 * The DEK of node n (TN_FILE or TN_WAV) for caller c, in *dek (new guarded
 * memory: crypto_key_free it).  Reads fs->reg's catalog under fs->cat_lock
 * on a cache miss; c and n are only read.  Errors:
 *   -EACCES  n is not an artifact, c has no level, or c's level has no seal
 *   -ENOKEY  the keyring lacks c's level key, or n's recording is protected
 *            and c's uid holds no unexpired unlock of it
 *   -ENOMEM  out of guarded memory
 *   -EIO     the seal does not open (damaged catalog)
 *   other    a catalog error (negative errno)
 */
int dek_get(struct recfs *fs, const struct caller *c, const struct tnode *n, struct crypto_key **dek) MUST_CHECK;
/*
 * dek_get that reads the seal from the catalog whatever the cache holds:
 * for an open decided on a snapshot older than the catalog (the poller has
 * not caught up with it), whose cache may still hold a key of a seal a
 * restriction or an erasure has since taken away.  Same errors.
 */
int dek_get_fresh(struct recfs *fs, const struct caller *c, const struct tnode *n, struct crypto_key **dek) MUST_CHECK;
/*
 * dek_get reading the seal on a cache miss through cat, a connection to
 * fs->reg's catalog that belongs to the calling thread (no other thread
 * uses it meanwhile), without fs->cat_lock: the prefetch workers' own, so
 * that their cold reads neither wait for one another nor hold up the
 * mount's requests.  cat NULL: dek_get.  Same errors.
 */
int dek_get_via(struct recfs *fs, struct catalog *cat, const struct caller *c, const struct tnode *n,
		struct crypto_key **dek) MUST_CHECK;

/*
 * The sealed record record_id (a recording's details, a subject's card)
 * decrypted with c's level key: *json is malloc'd, NUL-terminated, *len
 * bytes; the caller wipes and frees it.  Never cached.  Takes fs->cat_lock.
 * Errors as seal_read_record (-EACCES no seal for the level, -ENOKEY, -ENOENT
 * no record, -EIO).
 */
int dek_read_record(struct recfs *fs, const struct caller *c, const char *record_id, char **json,
		    size_t *len) MUST_CHECK;

/*
 * 1 when the mount's keyring holds the key of c's level (what
 * dek_read_record opens records with), else 0; nothing is decrypted.  For
 * listing the names of sealed attributes without reading them.
 */
int dek_has_level_key(struct recfs *fs, const struct caller *c);

/*
 * Unlock the protected recording rec for c's uid with pass (NUL-terminated,
 * only read): derive P outside the catalog lock (Argon2id is slow on
 * purpose), check it against the recording's audio as c's level, and keep
 * it for PROTECT_UNLOCK_SECONDS, replacing an older unlock.  Two
 * derivations run at once in the mount, one per uid at most; a caller of
 * a third uid waits for one to end, two at most (dek_derive_enter).
 * Errors:
 * -EACCES  c has no level, or the passphrase is wrong
 * -EBUSY   c's uid has an unlock of its own being derived or waiting (any
 *          recording), or two unlocks of other uids wait already
 * -EINVAL  rec is not a protected recording
 * -ENOKEY, -ENOMEM, -EIO, catalog errors as protect_check.
 */
int dek_unlock(struct recfs *fs, const struct caller *c, const char *rec, const char *pass) MUST_CHECK;
/*
 * A place among the passphrase derivations for uid (dek_unlock's; here
 * for its tests): 0 once uid holds one, to be given back with
 * dek_derive_leave.  While the two are held by other uids, or others
 * wait already, waits for one, two callers at most, one per uid, in the
 * order they came: a place given back goes to the first waiter, never to
 * a newcomer.  -EBUSY at once when uid holds a place or waits for one
 * already, or two others wait.
 */
int dek_derive_enter(struct deks *d, uid_t uid) MUST_CHECK;
void dek_derive_leave(struct deks *d, uid_t uid);
/* How many wait for a place now (for tests). */
int dek_derive_waiting(struct deks *d);
/* Forget c's uid's unlock of rec (lock it again); none is fine. */
void dek_lock(struct deks *d, uid_t uid, const char *rec);
/* 1 when uid holds an unexpired unlock of rec, else 0. */
int dek_unlocked(struct deks *d, uid_t uid, const char *rec);

#endif
