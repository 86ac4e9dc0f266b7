/*
 * rights.h - the data subject's rights, one code path each, called by the
 * mount (rm, chmod, setfattr), the retention sweep and recctl alike.
 *
 * Each function checks that the actor's level may do it, applies the rules
 * (legal hold, restriction, max_retention), does the work in one catalog
 * transaction together with its audit entry, and logs every refusal too.
 * Returns 0 or: -EACCES (erasure below the rights level), -EPERM (legal
 * hold; restriction/hold/retention/rectification below the rights level),
 * -EINVAL (bad value), -ENOENT (no such recording/subject), -ENOKEY (the
 * needed key is not in the keyring), or an I/O errno.
 *
 * actor_level is the index of the actor's level in the policy, -1 for none.
 */
#ifndef RECFS_RIGHTS_H
#define RECFS_RIGHTS_H

#include <stdint.h>

#include "audit.h"
#include "keys.h"
#include "register.h"
#include "util.h"

/* Erase a whole recording: every seal, record, catalog row, then blobs
 * (listed as pending unlinks in the same transaction: a crash before they
 * are unlinked leaves them to the next reg_open, register.h).
 * why: "rm", "retention", "withdraw-consent", ... (logged).
 * A subject it was the last recording of is erased with it, in the same
 * transaction, as rights_erase_subject erases one (audit "erase-subject",
 * reason "last recording erased"), unless a rights request of that subject
 * is open: the request is answered about the subject, so its card and
 * index entries stay until it is closed (rights_erase_unlinked_subjects).
 * Whatever path erases it (rm through the mount, the retention sweep,
 * withdrawal of consent), no card outlives the last recording. */
int rights_erase_recording(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			   const char *why) MUST_CHECK;
/*
 * rights_erase_recording for callers that erase many recordings in one
 * transaction (the retention sweep): must run inside the caller's
 * catalog_begin.  Same checks and audit entries (a refusal's entry joins the
 * transaction); deletes seals, records and rows and lists the blobs as
 * pending unlinks, but neither checkpoints nor unlinks: the recording's
 * artifact ids are appended to arts, and after its commit the caller calls
 * rights_shred(arts).  On an error other than a refusal or -ENOENT the
 * caller rolls back.  *subjects (may be NULL) is increased by the number
 * of subjects erased with it (it was their last recording), on success.
 */
int rights_erase_recording_tx(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *why, struct idlist *arts, size_t *subjects) MUST_CHECK;
/*
 * How many subjects would go with their last recording (*n) were the
 * recordings erased, by the rule that erases them
 * (rights_erase_recording): no other recording names the subject, and
 * no rights request or objection of it keeps it; and how many of those
 * no recording names any more would go by the same rule
 * (rights_erase_unlinked_subjects).  For a dry run: changes nothing.  0
 * or a catalog error.
 */
int rights_subjects_going(struct reg *r, const struct idlist *recordings, size_t *n) MUST_CHECK;
/*
 * After a commit that deleted seals: checkpoint and truncate the WAL so no
 * old frame keeps them (a failure, a reader holding the WAL, is logged and
 * the next checkpoint finishes it), then unlink the blobs of arts and
 * strike them off the pending list (reg_unlink_blobs; what fails is logged
 * and stays pending for the next reg_open).
 */
void rights_shred(struct reg *r, const struct audit_actor *a, const struct idlist *arts);
/* Erase one non-audio artifact of a recording. */
int rights_erase_artifact(struct reg *r, const struct audit_actor *a, int actor_level, const char *artifact) MUST_CHECK;
/* Erase every recording of a subject, then its card, its blind-index
 * entries and the sealed records it owns, its rectification histories
 * (-ENOTEMPTY when some recording could not be erased, e.g. on hold: the
 * card and histories then stay).  An open request does not keep the card:
 * this is the erasure asked for. */
int rights_erase_subject(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle) MUST_CHECK;
/*
 * Erase, as rights_erase_subject does, every subject that no recording is
 * linked to any more and that has no open rights request: one kept while
 * its request was open, or left by an older recfs that erased recordings
 * without their subjects.  One transaction; each is logged ("erase-subject",
 * reason why), and the WAL is truncated after it.  *erased (may be NULL)
 * is set to how many went.  Called by the retention sweep and by fsck
 * --repair.  -EACCES (logged) below the rights level, catalog errors.
 */
int rights_erase_unlinked_subjects(struct reg *r, const struct audit_actor *a, int actor_level, const char *why,
				   size_t *erased) MUST_CHECK;

/*
 * Restrict (Art. 18): delete every seal below the rights level.  reason
 * (lent; NULL or "" stands for "restricted") is free text that may name a
 * person, UTF-8 text that util_is_log_safe accepts (else -EINVAL,
 * logged): it is sealed for the rights level as a record the recording owns
 * (catalog_set_record_owner), rec->restricted_reason holds that record's
 * id, and the audit entry says "sealed=ID".  Restricting again replaces the
 * reason (the old record is erased) and keeps the date.  It is the
 * officer's restriction, also of a recording an objection restricted:
 * restricted_by_objection is cleared, and the retention sweep keeps the
 * recording past its retention.  The WAL is truncated after the commit.
 */
int rights_restrict(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason) MUST_CHECK;
/*
 * rights_restrict as a consent withdrawal makes it, of a recording a legal
 * hold keeps from its erasure (retention_withdraw_consent): not the
 * officer's, so it is marked as an objection's restriction is
 * (restricted_by_objection), and once the hold is released the retention
 * sweep erases the recording past its retention, as it did before the
 * withdrawal restricted it (atk31 F1).  A recording restricted already is
 * the caller's to leave alone.
 */
int rights_restrict_withdrawn(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *reason) MUST_CHECK;
/*
 * Objection (Art. 21): subject handle objects to processing for each of
 * the n purposes (names in the policy; lent).  In one transaction each
 * objection is recorded (catalog_put_objection; one that stands already
 * stays as it is) and every recording of the subject of one of those
 * purposes whose basis an objection reaches (subject_basis_objectable:
 * legitimate interests, public task) and that is not restricted yet is
 * restricted as rights_restrict does it: reason "objection" sealed, the
 * seals below the rights level deleted, "restrict" logged with
 * "sealed=ID objection=HANDLE", and restricted_by_objection set, so that
 * the retention sweep does not keep it past its retention (catalog.h).  Then "object" is logged on the handle
 * ("purposes=A,B new=N restricted=M").  Needs no key: restriction only
 * deletes seals.  *restricted (may be NULL) is set to the number
 * restricted, and *shared (may be NULL) to how many of them name another
 * subject too: a restriction is of the whole recording.  Recordings of the person that arrive later are restricted
 * at ingest (rights_restrict_if_objected), and the subject is not erased
 * with its last recording while an objection stands (its blind-index
 * entries are what recognise the person).  Errors, each refusal logged
 * ("object", refused): -EPERM below the rights level; -EINVAL no purpose
 * named, a purpose not in the policy, or one no recording of which may
 * have such a basis (subject_purpose_objectable: the message names its
 * basis); -ENOENT no subject handle (not logged); catalog errors.
 */
int rights_object(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle,
		  const char *const *purposes, size_t n, size_t *restricted, size_t *shared) MUST_CHECK;
/*
 * Lift handle's standing objection to purpose, logged ("lift-objection",
 * "purpose=P still_restricted=N").  The recordings it restricted stay
 * restricted: lifting one widens who reads it again, which is decided
 * recording by recording (rights_lift, chmod on the mount), not in bulk;
 * they stay restricted by the objection (restricted_by_objection), which
 * keeps none past its retention.  *left (may be NULL) is the number of the subject's recordings of that
 * purpose still restricted.  Errors, each refusal logged: -EPERM below
 * the rights level; -EINVAL purpose not in the policy; -ENOENT no
 * objection of handle to purpose stands; catalog errors.
 */
int rights_lift_objection(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle,
			  const char *purpose, size_t *left) MUST_CHECK;
/*
 * Merge subject from into subject into: one person the register took for
 * two (a name written two ways, no identifier shared).  In one
 * transaction, the details of from's recordings name into where they named
 * from (re-sealed as a rectification re-seals them: kr holds the rights
 * level's key; each entry marked with the handle it had,
 * SUBJECT_MERGED_FROM_KEY), from's recordings are linked to into
 * (catalog_move_subject; on a call both were in, from's link is dropped),
 * and so are its blind-index entries (its numbers, e-mails and name forms
 * find into from now on), its objections and its requests; then from's
 * card, its rectification histories and its row are erased as an erasure
 * of the subject erases them (logged "erase-subject", reason
 * "merged-into=INTO"): into's card is the one kept.  Every objection that
 * stands then (into's, and from's it took) restricts the recordings of the
 * person it reaches that are not restricted yet, as rights_object does.
 * Logged "merge-subject" on into ("from=FROM recordings=N restricted=M"),
 * and on each of from's recordings ("from=FROM into=INTO", with " shared=1"
 * on a call both were in: audit_recording_named).
 * *moved, *restricted (may be NULL): from's recordings, and those
 * restricted.  Errors, each refusal logged: -EPERM below the rights level;
 * -EINVAL into and from are one; -ENOKEY kr lacks the rights level's key;
 * -ENOENT either is no subject (not logged, as rights_object); -EIO a
 * recording's details that do not open, are damaged or are another
 * recording's (logged on the recording); catalog errors.
 */
int rights_merge_subjects(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			  const char *into, const char *from, size_t *moved, size_t *restricted) MUST_CHECK;
/*
 * Write recording's id and its files' ids, as the catalog has them, into
 * its sealed details (INGEST_DETAILS_RECORDING, INGEST_DETAILS_ARTIFACTS),
 * as ingest now does, for details an older recfs wrote without them.
 * Inside the caller's transaction; kr must hold the rights level's key.
 * 1 when written, 0 when the details named it already, -EIO when they name
 * another recording, or -errno.
 */
int rights_details_own(struct reg *r, const struct keyring *kr, const char *recording) MUST_CHECK;
/*
 * Split subject handle: one that the register took for one person and that
 * is two (a father and his son on one household line and one booking,
 * whose name forms agree: subject_resolve).  The recordings (n full ids, each linked to
 * handle; one named twice counts once) are the other person's: in one
 * transaction a new subject is made (subject_new_card, a fresh handle,
 * its card sealed from the level handle's is), their links to handle move
 * to it (a recording's links to other subjects stay) and their details name
 * it where they named handle (re-sealed as a merge re-seals them: kr holds
 * the rights level's key).  The new card: name (may be NULL), else the
 * first name the recordings' details give handle's entry; handle's card's
 * phone number and reference, which the calls were taken for handle's by
 * (the details keep no identifier but the name: the manifest's are not
 * kept), never its e-mail nor its organisation (rectify the new card when
 * they were another).
 * The blind index: the new subject holds every phone number and reference
 * handle holds (both do, as a household's line is held by two), the
 * e-mails stay handle's alone; each subject's name entries (name forms,
 * whole given names) are made again from its names: the new one's from
 * its card's and its recordings' details, handle's from its card's and
 * its remaining recordings', so that a name form only the split-off calls
 * gave leaves handle.  Both also take their names' whole entries
 * (subject_put_whole_entries, SUBJECT_WHOLE_KIND): from then on a call
 * that names either of the two word for word goes to that one, though
 * their name forms agree.  When handle's card names only the person split
 * off (the calls handle keeps give another name), that name is not
 * indexed for handle and out->card_named is 1: rectify handle's card.
 * Objections, requests, restrictions and legal holds stay as they are:
 * handle's objections and requests are handle's; a moved recording that
 * one of handle's standing objections restricted stays restricted
 * (out->restricted counts them, for the officer to review: rights_lift).
 * The subjects merged into handle before (its sealed card's list,
 * SUBJECT_CARD_MERGED) stay handle's, their history (their cards' reads,
 * their erased recordings) in handle's export, but those named in merged
 * (n_merged of them): they move to the new subject's list, as when the
 * split undoes a merge that took two people for one (out->merged_moved;
 * out->merged_left counts those handle keeps).  A call of both that the
 * merge took for one person's (its link dropped; the details' entry
 * marked SUBJECT_MERGED_FROM_KEY with a handle merged) and the split does
 * not name is linked to the new subject as well, that entry its
 * (out->shared; logged on the recording "from=HANDLE into=NEW shared=1").
 * A call not named in which every entry of handle's is so marked (a call
 * the persons split off were in, handle's not, by its details) stays
 * handle's: the person merged may have been handle's for some calls, and
 * the details cannot tell.  It is listed in out->alone for the officer to
 * check (the caller frees it; set only on success).
 * Logged "split-subject" on handle ("into=NEW recordings=N restricted=M
 * merged=K shared=S").
 * Errors, each refusal logged: -EPERM below the rights level; -ENOKEY kr
 * lacks the rights level's key or the blind-index key; -EINVAL no
 * recording, one not linked to handle, every recording of handle (nothing
 * would be left: a rectification, not a split), a name that is no card
 * value, a merged handle handle's card does not list (or a card of an
 * older recfs, which lists none); -EIO handle's list is damaged; -ENOENT handle is no subject (logged on handle, which no subject
 * is then given, when it has a handle's form; else without it, which may
 * be a name typed for a handle); -EAGAIN when handle's recordings changed
 * between the checks and the transaction (a call erased or merged
 * meanwhile); -EIO a recording's details that do not open, are damaged or
 * are another recording's (logged on the recording: no call is moved or
 * given by what another call's details say); catalog and sealing errors
 * (not logged).
 */
struct rights_split {
	char handle[CATALOG_HANDLE_MAX];	/* the new subject's */
	size_t moved, restricted;
	int card_named;
	int64_t open_request;	/* the first of HANDLE's open requests, or 0 */
	size_t merged_moved, merged_left;
	size_t shared;		/* calls of both given back (below) */
	struct idlist alone;	/* calls of the persons split off alone, left (below): idlist_free */
};
int rights_split_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			 const char *handle, const char *const *recordings, size_t n, const char *name,
			 const char *const *merged, size_t n_merged, struct rights_split *out) MUST_CHECK;
/*
 * The split of merged subjects alone, later: each of merged (listed by
 * handle's card, as --merged of a split) leaves handle's card for into's,
 * an existing subject's (its list keeps what it held), logged as a split
 * moving no recording (on handle, each "into=INTO merged-handle=OTHER",
 * which the log's walks of handle follow; on into, "from=HANDLE
 * recordings=0 merged=K shared=S": the calls of both are given to into too,
 * as a split gives them, without their names indexed for into; those of
 * the persons moved alone are listed in out->alone, as a split lists them).  For the
 * subjects merged into a wrong one that a split did not name.  Refused and logged as rights_split_subject
 * refuses --merged, and: into unknown (ENOENT) or handle itself (EINVAL),
 * into's card of an older recfs (EINVAL) or with a damaged list (EIO).
 * *out: handle (into's), merged_moved, merged_left, shared and alone.
 */
int rights_split_merged(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			const char *handle, const char *into, const char *const *merged, size_t n,
			struct rights_split *out) MUST_CHECK;
/*
 * For ingest, inside its transaction, after the recording's rows, seals
 * and links are in: when a subject linked to recording has a standing
 * objection to its purpose and its basis is one an objection reaches, the
 * recording is restricted as rights_object restricts one (logged
 * "restrict", "sealed=ID objection=HANDLE", as actor a) and *restricted
 * is 1; so is a consent-based recording made before a linked subject
 * withdrew consent (catalog_get_consent_withdrawn: a late delivery, a
 * merge), logged "withdraw-consent=HANDLE", kept for storage alone as
 * withdraw-consent keeps a held one (bb15 F4); else 0.  The seals deleted never leave the transaction.  Errors:
 * -ENOENT (no such recording), those of sealing, catalog errors.
 */
int rights_restrict_if_objected(struct reg *r, const struct audit_actor *a, const char *recording,
				int *restricted) MUST_CHECK;

/* Lift: re-seal from the rights level's DEK (needs that key in kr) for the
 * levels the purpose allows; the reason's record is erased with it, and
 * restricted_by_objection is cleared. */
int rights_lift(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		const char *recording) MUST_CHECK;

/*
 * Legal hold: reason (lent) places or replaces it, NULL releases.  The
 * reason is sealed as rights_restrict's is (rec->legal_hold holds the
 * record's id, the audit entry "sealed=ID"); rec->hold_since is the time
 * the hold was placed, kept when only its reason changes; a release erases
 * the record and the WAL is truncated after the commit.
 */
int rights_set_hold(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason) MUST_CHECK;

/*
 * The text of a reason: reason is rec->legal_hold or rec->restricted_reason,
 * opened with the rights level's key from kr.  *text is malloc'd and
 * NUL-terminated; the caller wipes and frees it.  (catalog, read: the
 * caller serialises it as any catalog call.)  Errors: -ENOENT (reason is
 * NULL, or text an older recfs left that reg_open has not sealed yet),
 * -ENOKEY (kr lacks the rights level's key), -EACCES, -EIO, catalog errors
 * (seal_read_record).
 */
int rights_read_reason(struct reg *r, const struct keyring *kr, const char *reason, char **text) MUST_CHECK;

/*
 * Seal the reasons that a register written before catalog schema 6 kept in
 * the clear (catalog_plain_reasons): each becomes a sealed record as
 * rights_restrict makes them, the row names it (secure_delete overwrites
 * the text), each recording's change is logged ("seal-reasons", naming the
 * records), and the WAL is truncated after the commit, so no byte of the
 * text is left in catalog.db or its WAL.  Old audit entries that quoted a
 * reason are part of the hash chain and stay as they are.  Needs only the
 * public keys; reg_open calls it, so every tool finishes it.  It looks
 * without a write lock first and takes one only when there is work; *n
 * (may be NULL) is the number of recordings sealed.  a is the actor logged.
 * Errors: catalog errors (-EROFS on a read-only catalog), those of sealing.
 */
int rights_seal_reasons(struct reg *r, const struct audit_actor *a, size_t *n) MUST_CHECK;
/*
 * Retention: set retention_until to the day until falls on (stored as its
 * 00:00 UTC): the recording is kept through that day (catalog.h).  The day
 * must lie from the recording's day to the day its purpose's max_retention
 * from recorded_at ends on, both included.  Each refusal is logged
 * ("retention", refused) with its reason, which is also the meta error
 * message (meta_strerror): -EPERM "below the rights level"; -EINVAL
 * "before the recording" (a day before recorded_at's), "beyond
 * max_retention (YYYY-MM-DD)" (naming the last day allowed) or "purpose
 * no longer in the policy"; -ENOENT no such recording; catalog errors.
 */
int rights_set_retention(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			 int64_t until) MUST_CHECK;
/*
 * The last day recording rec may be kept under policy p: the day its
 * purpose's max_retention from recorded_at ends on (as a day's 00:00 UTC,
 * catalog.h).  The one rule of max_retention: rights_set_retention refuses
 * a day after it, rights_fit_retention brings a recording down to it, and
 * recctl fsck names one kept beyond it.  -ENOENT when p has no such
 * purpose.  (no catalog)
 */
int rights_retention_last_day(const struct policy *p, const struct cat_recording *rec, int64_t *last) MUST_CHECK;

#define RIGHTS_FIT_WITHIN 0	/* retention_until is within max_retention */
#define RIGHTS_FIT_LOWERED 1	/* it was beyond it, and is now its last day */
#define RIGHTS_FIT_HELD 2	/* it is beyond it, but a legal hold keeps it */
/*
 * A policy pol about to be installed (seal_apply_policy, inside its
 * transaction): recording's retention_until brought down to the last day
 * pol's max_retention allows (rights_retention_last_day), as
 * rights_set_retention changes one (the row, and "retention" logged
 * "until YYYY-MM-DD BY: max_retention of PURPOSE is 12m", by "policy-apply"
 * or "release-hold": a hold released keeps no day beyond it), when
 * it lies beyond that day and the recording has no legal hold.  A held
 * one keeps its day (the hold is the controller's reason to keep it;
 * nothing is logged).  Returns RIGHTS_FIT_WITHIN, _LOWERED or _HELD, and
 * *last (may be NULL) is that last day; -ENOENT (no such recording, or pol
 * has not its purpose), catalog errors.  (catalog, write: inside the
 * caller's catalog_begin transaction)
 */
int rights_fit_retention(struct reg *r, const struct audit_actor *a, const struct policy *pol,
			 const char *recording, const char *by, int64_t *last) MUST_CHECK;
/*
 * rights_set_retention with the date as the user wrote it ("YYYY-MM-DD",
 * the value of setfattr user.gdpr.retention_until and of recctl retention
 * set): below the rights level -EPERM first; text that is not such a date
 * (util_parse_date: "30.06.2027", "2027-02-30") is -EINVAL, logged as "not
 * a date (YYYY-MM-DD)"; then as rights_set_retention.
 */
int rights_set_retention_text(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *date) MUST_CHECK;
/*
 * Rectification: set one field ("name", "phone", "email", "organisation",
 * "ref") of a subject card (a value rights_check_card_value refuses is
 * -EINVAL, logged with its reason, and changes nothing; so is an e-mail
 * whose blind-index entry is another subject's, which would stay the
 * other's; a shared phone number or reference is taken, held in the index
 * beside the subjects that hold it already, as ingest holds it); the old
 * and new values are sealed into the log record
 * for the rights level only, which the subject owns (catalog_set_record_owner):
 * rights_erase_subject erases it with the card.  A phone number, e-mail or
 * reference moves in the blind index in the same transaction (the subject's entries
 * of that kind and its entry of the old value go, its entry of the new
 * value comes; other subjects holding either value keep their entries),
 * so subject find finds it by the new value and not by the old, and still
 * finds every other holder of the old; that needs the index key in kr
 * (the rights level's keyring carries it): without it, -ENOKEY, logged.
 * A new name is also written into the sealed details of each of the
 * subject's recordings (their user.recfs.subject_names), re-sealed for the
 * levels that read them, in the same transaction: no view keeps the old
 * name.  With the index key in kr, a name moves in the blind index as well:
 * the subject's name forms and whole given names (subject_given_index),
 * those its calls gave too, go, the new name's come; without it they
 * stay.  -ENOKEY (logged) without the rights level's key in kr; -EIO when
 * a card or a details record does not open.
 */
int rights_rectify(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		   const char *handle, const char *field, const char *value) MUST_CHECK;

/*
 * Rectification of a value a call gave (Art. 16): a phone number, e-mail
 * or reference (field) that handle's entry in the sealed details of its
 * recordings gives as given (compared as the blind index compares,
 * subject_normalise), a value on no card when only a later call gave it
 * (someone else's e-mail a recorder typed), becomes value in each of them,
 * or none when value is "".  handle's blind-index entry of given goes
 * unless the card gives it (no call does now); value's (not "") comes, as
 * rights_rectify puts it; other subjects keep theirs.  The card is left as
 * it is (rights_rectify changes it and its old value's copies).  given and
 * value are sealed into a log record owned by the subject, as
 * rights_rectify seals its old and new ("given": true), which reindex
 * reads as a rectification's; logged "rectify" with "field=F given=1", an
 * open rectification request named.  One transaction.  Refused and
 * logged: below the rights level -EPERM; a field other than phone, email
 * or ref -ENOTSUP; a value rights_check_card_value refuses, or given "",
 * -EINVAL (rights_card_value_refusal's words); without the index key or
 * the rights level's key -ENOKEY; no recording of handle whose details
 * give it -ENOENT, nothing changed.  No such subject: -ENOENT, not
 * logged (meta_errmsg says so).  *changed (may be NULL) gets the number
 * of recordings whose details were rectified.
 */
int rights_rectify_given(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			 const char *handle, const char *field, const char *given, const char *value,
			 size_t *changed) MUST_CHECK;

/*
 * Bring the blind index in line with the subject cards: for every subject,
 * the phone numbers, e-mails and references its rectification histories
 * rectified away are dropped from the index, then its card's phone, e-mail and
 * reference are indexed (with their kind; entries written before catalog
 * schema 6 get theirs) by the policy's rule (subject_normalise with its
 * phone_country_code): a card's phone number indexed before the policy had
 * that key is indexed anew and its old entry dropped.  A number that only
 * a later manifest of a known subject gave is on no card: it keeps the
 * entry it was indexed with.  For a register whose rectifications were
 * made before they moved the index (or by a mount without the index key),
 * and after phone_country_code is set or changed.  An e-mail's or a
 * reference's entry of the rule before Unicode lower case
 * (subject_normalise_v1) is dropped as well, so a register from then is
 * indexed by today's fold alone.  A subject's drops take its own entries
 * alone: the other holders of a shared number keep theirs, and every
 * card's holder of a shared phone number or reference is indexed (a
 * register from before catalog schema 10 indexed the first alone).  Names
 * too: the names its histories rectified away go (their name forms and
 * whole given names, subject_given_index), then the card's name and every
 * name its recordings' details give it is indexed (a register from before
 * catalog schema 13 held no whole given name, and a card keeps the name of
 * the subject's first call alone).  In one transaction, logged
 * ("subject-reindex", the number of subjects), the WAL truncated after
 * it; *n (may be NULL) is the number of subjects, and parted (may be
 * NULL) gets the handles of those that hold two names of two people by
 * today's rules (subject_entries_parted: joined by an older rule, for
 * `recctl subject split`).  Needs kr to hold the
 * rights level's key (cards, histories, details) and the index key.
 * Errors: -ENOKEY without them (logged), errors of opening a card, history
 * or details record (meta_errmsg names the subject; nothing is changed),
 * catalog errors.
 */
int rights_reindex(struct reg *r, const struct keyring *kr, const struct audit_actor *a, size_t *n,
		   struct idlist *parted) MUST_CHECK;

/* The longest value of a subject card's field, in bytes: what
 * rectification takes, and what ingest takes (ingest.h). */
#define RIGHTS_CARD_VALUE_MAX 256

/*
 * The checks of the values above that need no register, for a caller that
 * parses a value before it acts on it (setfattr on the mount) and for the
 * fuzz targets; rights_restrict, rights_set_hold and rights_rectify refuse
 * (and log) what these refuse (rights_rectify also an e-mail that is
 * another subject's).  0 or -EINVAL.  A restriction's reason is UTF-8 text
 * that util_is_log_safe accepts (empty: "restricted").  A hold's reason is
 * 1 to 512 bytes of such text.  A card value is UTF-8 text of at most 256 bytes that
 * util_is_log_safe accepts (no control character, C1 control, line
 * separator or bidirectional override), and a phone number, e-mail or
 * reference is empty (the card keeps none) or one that subject_normalise
 * takes, the rule ingest matches by: a phone number with a digit, an
 * e-mail of one '@' with text on both sides and no white space, a
 * reference with a letter, digit or symbol ("-", "/ /" or white space
 * alone is no reference: no search would find it), and none of the
 * values that name no one (subject.h: "diabetes type 2", "000",
 * "anonymous@anonymous.invalid", "n/a").  Ingest checks a
 * manifest's subjects with it too and leaves a value it refuses off the
 * card and out of the call's details (bb14 F3): one rule for both paths.  -ENOTSUP when field is not a card
 * field; -ENOMEM.  rights_card_value_refusal says why it refuses value
 * (subject_refusal's words, which rectification logs and ingest's note
 * gives: "not a phone number (no digit)"), NULL when it takes it.
 */
int rights_check_restrict_reason(const char *reason) MUST_CHECK;
int rights_check_hold_reason(const char *reason) MUST_CHECK;
/* Why rights_check_*_reason refuses reason (the audit log's words), or
 * NULL when it takes it.  Both refuse "" and the attribute's own shown
 * forms ("no", "yes since=DATE reason=TEXT"), which a restore of a dump
 * of the attributes would write back. */
const char *rights_restrict_reason_refusal(const char *reason);
const char *rights_hold_reason_refusal(const char *reason);
int rights_check_card_value(const char *field, const char *value) MUST_CHECK;
const char *rights_card_value_refusal(const char *field, const char *value);

/*
 * Refuse a value that is not text: setfattr's value holds a NUL byte,
 * which no reason, date, card field or passphrase may.  action is the
 * audit action of the right asked for ("hold", "restrict", "retention",
 * "rectify", "protect"), object the recording id or the handle.  As each
 * right refuses: below the rights level -EPERM ("below the rights level")
 * first, else -EINVAL ("the value holds a NUL byte"); logged either way.
 */
int rights_refuse_nul(struct reg *r, const struct audit_actor *a, int actor_level, const char *action,
		      const char *object) MUST_CHECK;
/* A refusal of action on object that the caller found (err, why), after
 * the rights level's check: below it -EPERM ("below the rights level");
 * logged either way. */
int rights_refuse(struct reg *r, const struct audit_actor *a, int actor_level, const char *action,
		  const char *object, int err, const char *why) MUST_CHECK;

#endif
