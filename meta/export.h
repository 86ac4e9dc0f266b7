/*
 * export.h - the data subject's copy (Art. 15(3)) and portable package
 * (Art. 20): everything the register holds on one subject, decrypted, in a
 * machine-readable folder, and the disclosure logged.
 *
 *   OUTDIR/<handle>/export.json        what was exported, to whom, when; and
 *                                      from the audit log, whom the subject's
 *                                      data went to before (Art. 15(1)(c)):
 *                                      "disclosures" (exports, by recipient)
 *                                      and "accesses" (opens of the files,
 *                                      reads of details and card: time,
 *                                      recording, file, level and a user
 *                                      pseudonym of this export, user-N)
 *                   subject.json       the subject's card
 *                   <stem>.vcon.json   per recording, shaped after the IETF
 *                                      vCon draft (parties, dialog,
 *                                      attachments) plus a "recfs" object
 *                                      (with "opus_tags": the comment tags
 *                                      ingest took out of the audio)
 *                   <stem>.opus, <stem>.chat.txt, <stem>.<n>.<ext>
 *                   LEFT_OUT.txt       (portability only) one line per
 *                                      recording left out, and why
 *
 * The files are named as on the mount (naming.h): stem is
 * <UTC yyyymmddThhmmssZ>_<source>_<first 8 hex of id>.
 * Other people in a recording appear by handle and role only, staff by
 * role only (Art. 15(4)).
 */
#ifndef RECFS_EXPORT_H
#define RECFS_EXPORT_H

#include <stddef.h>

#include "audit.h"
#include "keys.h"
#include "register.h"
#include "util.h"

#define EXPORT_TO_SUBJECT "data-subject"
/* A copy that went to another participant of a recording, who asked for
 * their own data: what the others are told of it (export_disclosure),
 * never who it was. */
#define EXPORT_TO_PARTICIPANT "another-participant"

/*
 * What an "ok" export entry about the subject handle tells the subject
 * (audit_each_about_subject; selves: handle and the subjects merged into
 * it).  0: nothing, the entry being a merged subject's own summary, which
 * may be another person's export after a split (atk39 F2).  Else 1 with
 * the recipient in out ("" for an entry that names none): the entry's
 * recipient=, but EXPORT_TO_PARTICIPANT for an export to the data subject
 * whose subject= is someone else (not one of selves): a co-participant's
 * copy of her own data, which held this subject's voice too (atk39 F3).
 * export.json's disclosures and the answer letter's recipients both read
 * the entries through this.
 */
int export_disclosure(const struct audit_entry *e, const char *handle, const struct idlist *selves, char *out,
		      size_t n);

struct export_result {
	size_t recordings;	/* exported */
	size_t files;		/* media files written */
	size_t withheld;	/* restricted: not disclosed, or no key opens them */
	size_t left_out;	/* portability: on a basis Art. 20 does not cover */
	size_t unlocked;	/* protected recordings exported with their passphrase */
	char *dir;		/* OUTDIR/<handle>, malloc'd; the caller frees */
	char *left_out_text;	/* portability: LEFT_OUT.txt's text, malloc'd (NULL
				 * otherwise); the caller frees */
};

/* The legal bases Art. 20(1)(a) covers: a recording on one of them is
 * portable.  1 for "consent" and "contract", else 0 (also NULL). */
int export_basis_portable(const char *basis);

/*
 * The passphrase of protected recording `recording` (its full id), for
 * the data subject's own export: 0 and *pass (a new crypto_key holding the
 * passphrase, as passphrase_get gives one; the export frees it) when the
 * caller has it, -ENOENT when it has none; any other errno stops the
 * export.  ctx is export_opts.passphrase_ctx.
 */
typedef int (*export_passphrase_fn)(void *ctx, const char *recording, struct crypto_key **pass);

struct export_opts {
	const char *recipient;	/* a [recipient] of the policy; NULL: the data subject */
	int portability;	/* Art. 20: only recordings on a portable basis */
	export_passphrase_fn passphrase;	/* NULL: no passphrase is known */
	void *passphrase_ctx;
	struct idlist *withheld;	/* not NULL: each recording withheld is added (the caller frees it) */
	struct idlist *left_out;	/* not NULL: each recording left out as not portable is added */
};

/*
 * Export subject handle into outdir/<handle>/ (which must not exist:
 * -EEXIST; outdir is created if missing).  recipient names a [recipient]
 * of the policy, or NULL for the data subject itself.  Unknown recipient
 * -EINVAL; one outside the EEA without a safeguard -EPERM (both refused and
 * logged).  kr must hold a level key from the details level up (-ENOKEY
 * otherwise); each object is opened with the highest level of kr that has
 * a seal on it.  Restricted recordings are withheld from a named recipient
 * (Art. 18(2)) and exported to the data subject only with the rights
 * level's key.  Logs "export" on the handle and on each recording, reason
 * "recipient=NAME" (and "request=N" when the subject has an open request)
 * and, for a named recipient, what the disclosure rested on then: its kind
 * and transfer basis ("kind=authority transfer=EEA", or "transfer=outside-EEA
 * safeguard=TEXT"; policy_transfer_basis).
 * The files are written into a hidden folder, outdir/.<handle>.partial-
 * PID-XXXXXX, renamed outdir/<handle> only once the log has committed; on
 * failure it is removed, and one left by an export that was killed (its
 * process gone) is removed by the next export into outdir.  *out filled
 * on success.
 */
int export_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
		   const char *outdir, const char *recipient, struct export_result *out) MUST_CHECK;
/*
 * export_subject with options (all lent for the call; o->recipient as
 * export_subject's recipient), and two more:
 *
 * o->portability (Art. 20): only the recordings whose legal basis is
 * portable (export_basis_portable) are exported; each other one is left
 * out, listed in export.json ("left_out": id, recorded_at, purpose,
 * legal_basis, reason) and in LEFT_OUT.txt, whose text is also
 * out->left_out_text.  The audit entry on the handle says "portability=yes
 * left_out=N".
 *
 * Protected recordings (protect.h) are withheld, as export_subject
 * withholds them, unless the export is to the data subject, kr holds the
 * rights level's key and o->passphrase gives the recording's passphrase
 * that opens it (protect_check): then it is exported like any other, its
 * entry in the log says "protected=yes", and out->unlocked counts it.  A
 * passphrase that does not open it withholds it ("the passphrase given
 * does not open it"), and so does a missing one.  The passphrase and the
 * key derived from it are wiped.  Errors as export_subject, and those of
 * o->passphrase other than -ENOENT.
 */
int export_subject_with(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			const char *outdir, const struct export_opts *o, struct export_result *out) MUST_CHECK;

#endif
