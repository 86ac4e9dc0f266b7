/*
 * register.h - a register directory as one handle: its policy, catalog and
 * level public keys.  fs/ and tools/ start here.
 *
 *   REGISTER/catalog.db   keys/<level>.pub   policy.conf
 *   blobs/xx/<artifact id>   spool/   quarantine/
 *   audit-journal-<id>    a mount's audit entries not yet in the log (journal.h)
 *
 * Everything is created owner-only (0700 directories, 0600/0400 files).
 */
#ifndef RECFS_REGISTER_H
#define RECFS_REGISTER_H

#include <stdint.h>

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
};

/*
 * Create a register in dir (which must not exist or be empty) with the
 * policy file at policy_path: copies the policy in, makes a key pair per
 * level and a blind-index key, writes the public keys, and returns the
 * secret keys in *secrets (one keyring with every level and the index key;
 * the caller splits it into per-level keyring files).
 */
int reg_create(const char *dir, const char *policy_path, struct keyring **secrets) MUST_CHECK;

/* Open an existing register; -ENOENT when dir is not one.  On a policy
 * error, -EINVAL and meta_errmsg says where.  The audit journals of mounts
 * that were killed are moved into the log (journal_recover); should that
 * fail, they stay for the next open. */
int reg_open(const char *dir, struct reg **out) MUST_CHECK;
void reg_close(struct reg *r);

/* REGISTER/blobs/xx/<id> (malloc'd). */
char *reg_blob_path(const struct reg *r, const char *artifact_id);
/* REGISTER/<name> (malloc'd). */
char *reg_path(const struct reg *r, const char *name);

#endif
