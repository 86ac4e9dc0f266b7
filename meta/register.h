/*
 * register.h - a register directory as one handle: its policy, catalog and
 * level public keys.  fs/ and tools/ start here.
 *
 *   REGISTER/catalog.db   keys/<level>.pub   policy.conf
 *   blobs/xx/<artifact id>   spool/   quarantine/
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
 * error, -EINVAL and meta_errmsg says where. */
int reg_open(const char *dir, struct reg **out) MUST_CHECK;
void reg_close(struct reg *r);

/* REGISTER/blobs/xx/<id> (malloc'd). */
char *reg_blob_path(const struct reg *r, const char *artifact_id);
/* REGISTER/<name> (malloc'd). */
char *reg_path(const struct reg *r, const char *name);

/* Index of the lowest level allowed to read a recording of this purpose
 * (min_level), and of its sealed details (max(min_level, details_level)).
 * They read only the policy, never the catalog: no catalog lock needed. */
int reg_min_level(const struct reg *r, const char *purpose);
int reg_details_level(const struct reg *r, const char *purpose);

/*
 * Seal dek for every level from `from` (index) up, storing seals for object.
 * Part of the caller's transaction.
 */
int reg_seal_levels(struct reg *r, const char *object, const struct crypto_key *dek, int from) MUST_CHECK;
/*
 * Unseal object's DEK with level's key from keyring.  -EACCES when the level
 * has no seal on object, -ENOKEY when the keyring lacks the level key,
 * -EIO when the seal does not open.
 */
int reg_unseal(struct reg *r, const struct keyring *kr, const char *level, const char *object,
	       struct crypto_key **dek) MUST_CHECK;
/*
 * The two halves of reg_unseal, for a caller that serialises catalog access
 * and need not hold its lock for the X25519 work: read level's seal on
 * object (catalog), then open it (no catalog).  Errors as reg_unseal.
 */
int reg_get_seal(struct reg *r, const char *level, const char *object, uint8_t seal[CRYPTO_SEAL_BYTES]) MUST_CHECK;
int reg_open_seal(const struct keyring *kr, const char *level, const char *object,
		  const uint8_t seal[CRYPTO_SEAL_BYTES], struct crypto_key **dek) MUST_CHECK;
/*
 * Read a sealed record (details, card) as the given level: *json is a
 * malloc'd NUL-terminated text the caller wipes and frees.  Errors as
 * reg_unseal, -ENOENT when no record.
 */
int reg_read_record(struct reg *r, const struct keyring *kr, const char *level, const char *record_id,
		    char **json, size_t *len) MUST_CHECK;
/* Seal text as a new record with a new DEK for levels from `from` up. */
int reg_write_record(struct reg *r, const char *record_id, const char *json, size_t len, int from) MUST_CHECK;

#endif
