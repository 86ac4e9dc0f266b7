/*
 * register.h - a register directory as one handle: its policy, catalog and
 * level public keys.  fs/ and tools/ start here.
 *
 *   REGISTER/catalog.db   keys/<level>.pub   policy.conf
 *   blobs/xx/<artifact id>   spool/   quarantine/
 *   audit-journal-<id>    a mount's audit entries not yet in the log (journal.h)
 *
 * Everything is created owner-only (0700 directories, 0600/0400 files),
 * and belongs to the owner and group of the register's folder: root, or
 * the user its mounts run as (reg_create_owned).  What root creates in it
 * later takes them over from the folder it is created in (util_adopt_owner
 * and its kin, util.h), so the modes never need to open up.
 */
#ifndef RECFS_REGISTER_H
#define RECFS_REGISTER_H

#include <stdint.h>
#include <sys/stat.h>

#include "catalog.h"
#include "crypto.h"
#include "keys.h"
#include "policy.h"
#include "util.h"

#define REGISTER_DEFAULT "/var/lib/recfs"

struct reg {
	char *dir;
	struct policy *policy;
	struct catalog *cat;
	uint8_t (*pk)[CRYPTO_PK_BYTES];	/* per policy level */
	int blobs_fd;			/* REGISTER/blobs (O_PATH), when has_blobs_fd */
	int has_blobs_fd;
	/* policy.conf as it was just before r read it: reg_policy_changed */
	uint8_t policy_hash[CRYPTO_HASH_BYTES];
	struct stat policy_st;
	/* policy.conf's stat when reg_policy_changed last found another text */
	struct stat policy_other_st;
	int policy_other;
};

/*
 * Whether a register may be created in dir: 0 when it does not exist or is
 * empty, else the error reg_create would fail with (said: meta_errmsg), so
 * that a caller can say so before it asks for a passphrase.
 */
int reg_check_new_dir(const char *dir) MUST_CHECK;
/*
 * Create a register in dir (which must not exist or be empty) with the
 * policy file at policy_path: copies the policy in, makes a key pair per
 * level and a blind-index key, writes the public keys, and returns the
 * secret keys in *secrets (one keyring with every level and the index key;
 * the caller splits it into per-level keyring files).
 */
int reg_create(const char *dir, const char *policy_path, struct keyring **secrets) MUST_CHECK;
/*
 * reg_create for a register that belongs to uid and group gid (either may
 * be -1: left as it is), the user its mounts run as: the folder is given
 * them before anything is created in it, and everything in it follows
 * (util_adopt_owner).  Needs root (CAP_CHOWN) when uid or gid is not the
 * caller's own; -EPERM otherwise, with nothing created but the folder.
 */
int reg_create_owned(const char *dir, const char *policy_path, uid_t uid, gid_t gid,
		     struct keyring **secrets) MUST_CHECK;

/* Open an existing register; -ENOENT when dir is not one, -EACCES when
 * this process may not reach its catalog (meta_errmsg says to run as the
 * register's owner or root; another errno of access(2) the same way,
 * without that advice).  On a policy
 * error, -EINVAL and meta_errmsg says where.  The audit journals of mounts
 * that were killed are moved into the log (journal_recover), then the
 * erasures that a crash interrupted are finished (reg_finish_unlinks), and
 * the reasons an older recfs kept in the clear are sealed
 * (rights_seal_reasons, logged as the calling process); a failure of any
 * of these does not fail the open, the next open tries again. */
int reg_open(const char *dir, struct reg **out) MUST_CHECK;
void reg_close(struct reg *r);
/*
 * Whether REGISTER/policy.conf holds another policy than the one r read
 * (recctl policy apply since): 1 when it does, or when it cannot be read
 * now (meta_errmsg says why); 0 when it is the same text.  A long-running
 * process (the mount) acts by the policy it read: its rights actions
 * reseal by its levels, which a new policy may have changed, so it
 * refuses them while this is 1.  A stat per call; the file is read again
 * only when its stat changed.  Not thread-safe (the mount calls it under
 * its catalog lock).
 */
int reg_policy_changed(struct reg *r) MUST_CHECK;
/*
 * For a long-running process that reads policy.conf again as it changes
 * (the mount's poller; unlike reg_policy_changed, r is not written, and
 * the caller keeps the stat it last saw in *seen and the hash of the text
 * it last took in last, both from reg_policy_stat at first).  0 when
 * policy.conf's stat is *seen, or its text is still last's (touched,
 * written again); else 1 with *out the policy it now holds (the caller's
 * to policy_free), or NULL when that is the very text r read; or a
 * negative errno (it cannot be read, or does not load: meta_errmsg says
 * why, and *seen stays, so it is tried again).
 */
void reg_policy_stat(const struct reg *r, struct stat *seen, uint8_t last[CRYPTO_HASH_BYTES]);
/* policy.conf's stat now into *st (0), or -errno; and whether two of its
 * stats are the same file as it was (device, inode, size, mtime, ctime). */
int reg_policy_stat_now(const struct reg *r, struct stat *st) MUST_CHECK;
int reg_policy_same_stat(const struct stat *a, const struct stat *b);
int reg_policy_newer(const struct reg *r, struct stat *seen, uint8_t last[CRYPTO_HASH_BYTES],
		     struct policy **out) MUST_CHECK;
/*
 * Whether the register's public keys (keys/<level>.pub, read by reg_open)
 * are those kr knows: each level's pin in kr, and the public half of each
 * level's secret key kr holds.  A writer of the register who replaced a
 * .pub file would receive the key of every recording sealed for that
 * level after: ingest, watch and the mount call this before they seal
 * anything.  0; -EKEYREJECTED (meta_errmsg() names the level and file)
 * when one differs.  A level kr knows nothing of (a keyring from before
 * the pins, a level added since) is not checked.  A refusal is also an
 * audit entry (keys-check refused EKEYREJECTED level=NAME).
 */
int reg_check_keyring(const struct reg *r, const struct keyring *kr) MUST_CHECK;
/* 1 when kr holds (pinned or as a secret key) the public key of at least
 * one of the register's levels as the register has it: a keyring of this
 * register, not another's; else 0.  Logs nothing. */
int reg_keyring_shares(const struct reg *r, const struct keyring *kr);
/*
 * What a careless administrator may have opened up: the register's folder,
 * keys/ or blobs/ writable by group or others.  Whoever may write keys/
 * could put a key of their own in place of a level's public key (the
 * keyrings catch that: reg_check_keyring), and blobs/ holds the encrypted
 * recordings, which a writer could remove or replace; the folder holds
 * both, and the catalog.  One line each ("PATH is mode 0775: ...; chmod
 * go-w PATH\n"), malloc'd (the caller frees it), or NULL when none is:
 * recctl fsck counts each as a problem, the mount, ingest and watch warn
 * of them at start.  A folder that cannot be stat'ed is not reported.
 */
char *reg_mode_warnings(const struct reg *r);
/*
 * Ask the kernel to read the catalog of register dir and its write-ahead
 * log into the page cache (util_prefetch), for a walk of every table that
 * follows (the mount's first snapshot): on a cold disk the walk otherwise
 * reads one page at a time all over the file.  Only before this process
 * opens the register: see util_prefetch.
 */
void reg_prefetch_catalog(const char *dir);

/* REGISTER/blobs/xx/<id> (malloc'd). */
char *reg_blob_path(const struct reg *r, const char *artifact_id);
/*
 * The same blob for openat(2): its path relative to *dirfd (malloc'd).
 * *dirfd is the blob store's folder, opened by reg_open and kept until
 * reg_close (the caller must not close it, nor use it after reg_close), so
 * that an open walks two components instead of the register's whole path;
 * for a register without it (not made by reg_open, or the folder could not
 * be opened) *dirfd is AT_FDCWD and the path is reg_blob_path's.  Never
 * fails (allocation failure aborts, as xasprintf).
 */
char *reg_blob_at(const struct reg *r, const char *artifact_id, int *dirfd);
/* REGISTER/<name> (malloc'd). */
char *reg_path(const struct reg *r, const char *name);

/*
 * Unlink the blob files of ids, artifacts whose rows and seals a committed
 * erasure deleted and listed as pending (catalog_add_pending_unlink), then
 * drop them from that list in one transaction (not inside the caller's:
 * none may be open on r->cat).  A blob already gone counts as unlinked.
 * The seals must be gone from the WAL too before: the caller has
 * checkpointed (rights_shred) or calls reg_finish_unlinks, which does.
 * Returns 0, or the errno of the first unlink or catalog failure (the
 * others are still tried; meta_errmsg says which); what failed stays
 * listed for the next reg_finish_unlinks.
 */
int reg_unlink_blobs(struct reg *r, const struct idlist *ids) MUST_CHECK;

/*
 * Finish every pending unlink, those a crash (kill -9, power loss) left
 * between an erasure's commit and its unlinks included: checkpoint the WAL
 * (a reader holding it makes that fail; it is then left to the next one),
 * then reg_unlink_blobs of the whole list.  *n, when not NULL, is how many
 * were listed.  0, or the errno of the first failure.
 */
int reg_finish_unlinks(struct reg *r, size_t *n) MUST_CHECK;

#endif
