/*
 * protect.h - password protection of single recordings (notice §9: "some
 * files are also protected with a password").
 *
 * A protected recording's artifacts keep their seals for every level, but a
 * seal no longer holds the DEK: it holds DEK ^ P, where P =
 * Argon2id(passphrase, salt) and the salt and limits are in the catalog.
 * Reading therefore needs the level key *and* the passphrase; an unlock is
 * verified by opening the first chunk of the audio blob with the DEK it
 * yields (a wrong passphrase fails authentication), so no password verifier
 * is stored.  Sealed details stay readable by level alone: titles and names
 * are metadata, the content is what the passphrase guards.
 */
#ifndef RECFS_PROTECT_H
#define RECFS_PROTECT_H

#include "audit.h"
#include "catalog.h"
#include "keys.h"
#include "register.h"
#include "util.h"

#define PROTECT_PASS_MIN 8	/* bytes */
#define PROTECT_PASS_MAX 1024
#define PROTECT_UNLOCK_SECONDS (15 * 60)

/*
 * Protect a recording with a passphrase.  The actor must be of the rights
 * level (-EPERM) and kr must hold that level's key (-ENOKEY); -EALREADY when
 * already protected; -EINVAL for a passphrase outside PROTECT_PASS_MIN..MAX.
 * Logged as "protect" either way.
 */
int protect_recording(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		      const char *recording, const char *pass, size_t passlen) MUST_CHECK;

/* Derive P for a protected recording (no catalog access: the slow part,
 * run without holding a catalog lock).  *key is guarded memory. */
int protect_derive(const struct cat_lock *l, const char *pass, size_t passlen, struct crypto_key **key) MUST_CHECK;

/*
 * Check P against the recording as level: unseal the audio's seal, unmask
 * it (seal_mask), and authenticate the blob's first chunk.  0 when right, -EACCES when the
 * passphrase is wrong, -ENOKEY / -EACCES (no seal) as seal_unseal.
 */
int protect_check(struct reg *r, const struct keyring *kr, const char *level, const char *recording,
		  const struct crypto_key *key) MUST_CHECK;

/*
 * The DEK of an object of a recording: seal_unseal, then seal_mask with
 * key when the recording is protected (key NULL for an unprotected one).
 */
int protect_unseal(struct reg *r, const struct keyring *kr, const char *level, const char *object,
		   const struct crypto_key *key, struct crypto_key **dek) MUST_CHECK;

#endif
