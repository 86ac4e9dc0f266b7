/*
 * seal.h - the sealing rule, in one module: which levels hold a sealed
 * copy of an object's data key (DEK), sealing for them, and unsealing with
 * a level's key, and reconciling an object's seals with the rule after a
 * restriction, a lift or a policy change (applying a policy included).
 *
 * A protected recording's artifacts are sealed the same way, but what
 * their seals hold is DEK ^ P, P derived from the recording's passphrase
 * (protect.h); seal_mask turns one into the other.
 *
 * An object is an artifact (the DEK of its blob) or a sealed record
 * (details, subject card, rectification history).  Level L can read an
 * object exactly when the catalog holds a seal of the object's DEK for L's
 * public key.  The levels that do always form a top range, from..top (a
 * level sees what the levels below it see); `from` is computed by
 * seal_level_for / seal_level_of and by nothing else in recfs.
 *
 * Locking: a function marked (catalog) reads or writes r->cat, which is one
 * sqlite connection: the mount serialises these calls with its catalog
 * lock.  (catalog, write) ones also change seals, and must run inside the
 * caller's catalog_begin transaction so that they commit or roll back with
 * the change they belong to (seal_apply_policy alone opens its own).  (no catalog) ones read only their arguments
 * and may run unlocked.  Nothing here keeps a pointer it was given.
 *
 * Errors: 0 or a negative errno; out-parameters are set only on success.
 * Every function may return a catalog error (-EIO, -EBUSY, -ENOSPC, ...)
 * where it is marked (catalog), and -ENOMEM.
 */
#ifndef RECFS_SEAL_H
#define RECFS_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "catalog.h"
#include "crypto.h"
#include "keys.h"
#include "policy.h"
#include "register.h"
#include "util.h"

/* What an object is, which decides the levels it is sealed for. */
enum seal_kind {
	SEAL_AUDIO,	/* a recording's audio artifact */
	SEAL_CHAT,	/* a chat transcript artifact */
	SEAL_FILE,	/* a shared file artifact */
	SEAL_DETAILS,	/* a recording's details record: title, staff, names */
	SEAL_CARD,	/* a subject's card */
	SEAL_RIGHTS,	/* records for the rights level alone (rectification history) */
};

/* The kind of an artifact of role "audio", "chat" or "file" (anything
 * else is a file).  (no catalog) */
enum seal_kind seal_kind_of_role(const char *role);

/*
 * The lowest level (an index into p->levels) that an object of this kind
 * is sealed for, under policy p, for a recording of purpose:
 *   audio               the purpose's min_level
 *   chat                max(min_level, the purpose's chat_level, or
 *                       details_level when it has none)
 *   file                the same with the purpose's attachment_level
 *   details             max(min_level, details_level)
 *   card                details_level (purpose unused, may be NULL); a
 *                       card is sealed from the details level of the
 *                       recording that made it (seal_card_from)
 *   rights              rights_level (purpose unused, may be NULL)
 * Chats and shared files are full of names, so by default they are read
 * where the details are.  A purpose p does not know gets the rights level:
 * nothing is sealed wider than the policy says.  (no catalog; reads p only)
 */
int seal_level_for(const struct policy *p, const char *purpose, enum seal_kind kind);
/*
 * The level subject handle's card is sealed from, under policy to: the
 * level its recording made it for (catalog_get_subject_level, by name),
 * but at least to's details_level; to's details_level when it was made
 * for the details level; to's rights_level when to has no level of that
 * name.  So a card that a recording above the details level made (a
 * gold-only interview) stays sealed from that level when it is rewritten
 * (rectification) or resealed (policy apply, however often the details
 * level moves): a lower level's later call of the person does not widen
 * it.  Catalog errors.
 */
int seal_card_from(struct reg *r, const struct policy *to, const char *handle) MUST_CHECK;

/*
 * seal_level_for for an object of recording rec as it stands: a restricted
 * recording (rec->restricted_since != 0) is sealed for the rights level
 * only, whatever its kind (Art. 18).  rec may be NULL for a card or a
 * rights record.  (no catalog)
 */
int seal_level_of(const struct policy *p, const struct cat_recording *rec, enum seal_kind kind);

/*
 * Seal dek for every level of r->policy from `from` (an index; below 0
 * counts as 0) to the top and store the seals for object, replacing any
 * those levels had.  Seals below `from` are left alone.  (catalog, write)
 * Errors: -EINVAL (dek is not a DEK's length), -EBADMSG (a level's public
 * key is unusable), catalog errors.
 */
int seal_put(struct reg *r, const char *object, const struct crypto_key *dek, int from) MUST_CHECK;

/*
 * Unseal object's DEK with level's key from kr.  *dek is new guarded
 * memory; the caller frees it with crypto_key_free.  (catalog, read)
 * Errors: -EACCES (level has no seal on object), -ENOKEY (kr is NULL or
 * lacks level's key), -EIO (the seal does not open: damaged, or made for
 * another key; meta_errmsg says which), catalog errors.
 */
int seal_unseal(struct reg *r, const struct keyring *kr, const char *level, const char *object,
		struct crypto_key **dek) MUST_CHECK;
/*
 * The two halves of seal_unseal, for a caller that need not hold its
 * catalog lock for the X25519 work: read level's seal on object (catalog,
 * read), then open it with kr (no catalog).  Errors as seal_unseal, each
 * half its own: seal_get -EACCES and catalog errors, seal_open -ENOKEY and
 * -EIO.  seal is CRYPTO_SEAL_BYTES, not secret (it opens only with a key).
 */
int seal_get(struct reg *r, const char *level, const char *object, uint8_t seal[CRYPTO_SEAL_BYTES]) MUST_CHECK;
/*
 * seal_get through catalog connection c instead of r's: c is the
 * caller's own connection to r's catalog (catalog_open of it), used by no
 * other thread meanwhile, so that a reader of seals need not share r->cat
 * (and its lock) with the register's other users.  Same errors.
 */
int seal_get_from(struct catalog *c, const char *level, const char *object,
		  uint8_t seal[CRYPTO_SEAL_BYTES]) MUST_CHECK;
int seal_open(const struct keyring *kr, const char *level, const char *object, const uint8_t seal[CRYPTO_SEAL_BYTES],
	      struct crypto_key **dek) MUST_CHECK;
/*
 * Unseal object's DEK with the highest level of r->policy whose key kr
 * holds and that has a seal on object: what a holder of several levels'
 * keys (the rights level's above all) reads anything with.  *dek as for
 * seal_unseal; *level (may be NULL) is that level's index.  A seal that is
 * there but does not open is an error, not a reason to try a lower level.
 * (catalog, read)  Errors: -ENOKEY (kr is NULL or holds no key of a level
 * of the policy), -EACCES (no level kr holds has a seal on object: it is
 * restricted, or sealed above them), -EIO, catalog errors.
 */
int seal_unseal_highest(struct reg *r, const struct keyring *kr, const char *object, struct crypto_key **dek,
			int *level) MUST_CHECK;

/*
 * Read a sealed record (details, card, rights record) as the given level,
 * or, level NULL, as the highest level of kr that has a seal on it
 * (seal_unseal_highest): *json is a malloc'd NUL-terminated text of *len
 * bytes that the caller wipes and frees.  (catalog, read)  Errors:
 * -ENOENT (no such record), those of seal_unseal or seal_unseal_highest,
 * -EIO (the record does not open).
 */
int seal_read_record(struct reg *r, const struct keyring *kr, const char *level, const char *record_id,
		     char **json, size_t *len) MUST_CHECK;
/*
 * Store text (len bytes, not kept) as record record_id under a new DEK,
 * sealed for the levels from `from` up; an older record of that id and all
 * its seals are replaced.  (catalog, write)  Errors: -ENOMEM, those of
 * seal_put.
 */
int seal_write_record(struct reg *r, const char *record_id, const char *json, size_t len, int from) MUST_CHECK;

/* What a reconciliation changed.  Start it zeroed; each call adds to it. */
struct seal_stats {
	long changed;	/* objects (seal_reconcile) or recordings and cards whose seals changed */
	long added;	/* seals made */
	long removed;	/* seals deleted */
	/* seal_apply_policy only (rights_fit_retention): recordings whose
	 * retention_until was beyond the new max_retention and is now its
	 * last day, and those a legal hold keeps beyond it. */
	long retention_lowered;
	long retention_held;
};

/*
 * Make object's seals be exactly those of the levels of r->policy from
 * `from` to the top: a seal below `from` is deleted, a level from..top
 * without one gets one, a seal already there stays as it is (it holds the
 * same DEK, or for a protected recording the same masked DEK).  Only
 * adding needs a key: the DEK is then unsealed from kr as
 * seal_unseal_highest does, and kr may be NULL when nothing is to be added.
 * owner names the object in messages (a recording id or a handle, never
 * personal data).  st may be NULL.  (catalog, write)
 * Errors: -ENOKEY (a seal is to be added and no level of kr opens one of
 * object's seals; meta_errmsg names owner and the level), -EIO (a seal
 * does not open), -EBADMSG, catalog errors; meta_errmsg says which.
 */
int seal_reconcile(struct reg *r, const struct keyring *kr, const char *object, int from, const char *owner,
		   struct seal_stats *st) MUST_CHECK;
/*
 * seal_reconcile for every object of recording rec as rec now stands (the
 * caller sets or clears rec->restricted_since first): each artifact from
 * seal_level_of of its kind, the details record from that of
 * SEAL_DETAILS.  A restriction only deletes seals (kr may be NULL); a lift
 * adds them and needs a key in kr (the rights level's opens everything).
 * st->changed counts the recording once.  (catalog, write)
 * Errors as seal_reconcile.
 */
int seal_reconcile_recording(struct reg *r, const struct keyring *kr, const struct cat_recording *rec,
			     struct seal_stats *st) MUST_CHECK;

/*
 * seal_reconcile and seal_reconcile_recording against policy pol, whose
 * levels' public keys are pk (one per level of pol, in its order), rather
 * than r's own: what seal_apply_policy makes the seals agree with
 * before it installs pol.  pol must keep every level of r->policy under
 * its name and public key (levels may be added); `from` and every level
 * computed are indices into pol's levels.  The DEK of a seal to add is
 * unsealed with kr under r->policy, as seal_unseal_highest does.
 * (catalog, write)  Errors as seal_reconcile.
 */
int seal_reconcile_to(struct reg *r, const struct policy *pol, const uint8_t (*pk)[CRYPTO_PK_BYTES],
		      const struct keyring *kr, const char *object, int from, const char *owner,
		      struct seal_stats *st) MUST_CHECK;
int seal_reconcile_recording_to(struct reg *r, const struct policy *pol, const uint8_t (*pk)[CRYPTO_PK_BYTES],
				const struct keyring *kr, const struct cat_recording *rec,
				struct seal_stats *st) MUST_CHECK;

/*
 * Whether policy np may replace r->policy: not when it would strand sealed
 * data, that is when it lacks a level of r->policy (its seals could be
 * neither read nor removed), names another rights level (who exercises
 * rights would move), lacks a purpose or a source that some recording
 * has, or gives a purpose special_condition explicit_consent while a
 * recording of it rests on another basis than consent; nor while a
 * recording is restricted by the audit log and not in the catalog
 * (audit_restricted_unsaid): resealed by the rule, it would be widened
 * again.  0 when it may.  Otherwise -EINVAL: the refusal is logged as a ("policy-apply",
 * "refused"), meta_errmsg holds the first problem, and when problems is
 * not NULL *problems is a malloc'd text, one problem a line
 * ("FILE: level X is missing; ..."), that the caller frees.
 * (catalog: reads recordings and subjects; the audit entry joins the
 * caller's transaction if one is open, else is written in its own)
 * Errors: -EINVAL, catalog errors.
 */
int seal_policy_check(struct reg *r, const struct audit_actor *a, const struct policy *np,
		      char **problems) MUST_CHECK;

#define SEAL_DRY_RUN 1u	/* seal_apply_policy: do everything, then roll it back */

/*
 * Apply policy np, parsed from the file np->path, to the register: in one
 * catalog transaction of its own, every recording's artifacts and details
 * and every subject card are reconciled with np's levels (as
 * seal_reconcile_to does, npk[i] being the public key of np's level i), each
 * recording and card whose seals changed is logged ("reseal"), every
 * recording whose retention_until lies beyond np's max_retention of its
 * purpose is brought down to its last day unless a legal hold keeps it
 * (rights_fit_retention, each logged "retention"), and the whole is
 * logged ("policy-apply"); np->path's bytes are installed as
 * REGISTER/policy.conf just before the commit, and put back when the
 * commit fails, so a failure anywhere leaves the old policy with the old
 * seals; it takes the register folder's owner and group
 * (util_write_file_adopt), so a mount running as that owner can read it.  Seals are added with DEKs unsealed from kr (the rights level's
 * key opens everything); kr may be NULL when np only raises levels.  A
 * policy that seal_policy_check refuses is refused here too, checked again
 * inside the transaction.  flags: SEAL_DRY_RUN rolls back and installs
 * nothing.  On success (a dry run's too) the counts are added to *st (may
 * be NULL).  r keeps the old policy in memory: reopen the register to work
 * under the new one.  Neither np nor npk is kept.
 * (catalog, write: its own transaction; the caller must not have one open)
 * Errors, each with meta_errmsg saying what failed, and every one but a
 * refusal also logged ("policy-apply", "error") when it happens in the
 * reseal: -EINVAL (np would strand data), -ENOKEY (a seal is to be added
 * and no level of kr opens the object: meta_errmsg names its recording or
 * handle and the level), -EIO (a seal does not open), errors of reading
 * np->path or policy.conf and of writing policy.conf, catalog errors.
 */
int seal_apply_policy(struct reg *r, const struct audit_actor *a, const struct policy *np,
		      const uint8_t (*npk)[CRYPTO_PK_BYTES], const struct keyring *kr, unsigned flags,
		      struct seal_stats *st) MUST_CHECK;

/*
 * The passphrase mask of protected recordings: dek ^= p, which turns what
 * a protected recording's seal holds (DEK ^ P) into its DEK, and a DEK
 * into what its seals hold.  p NULL (an unprotected recording) leaves dek
 * as it is.  (no catalog)  Errors: -EINVAL (p is not as long as dek).
 */
int seal_mask(struct crypto_key *dek, const struct crypto_key *p) MUST_CHECK;
/*
 * Mask object's sealed DEK with p: every seal object has is replaced by a
 * seal of DEK ^ p for the same level; levels without one still have none.
 * The DEK is unsealed as seal_unseal_highest does.  (catalog, write)
 * Errors: those of seal_unseal_highest, -EINVAL, catalog errors.
 */
int seal_mask_object(struct reg *r, const struct keyring *kr, const char *object, const struct crypto_key *p) MUST_CHECK;

#endif
