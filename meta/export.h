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

struct export_result {
	size_t recordings;	/* exported */
	size_t files;		/* media files written */
	size_t withheld;	/* restricted: not disclosed, or no key opens them */
	char *dir;		/* OUTDIR/<handle>, malloc'd; the caller frees */
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
 * "recipient=NAME" (and "request=N" when the subject has an open request).
 * On failure the partial folder is removed.  *out filled on success.
 */
int export_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
		   const char *outdir, const char *recipient, struct export_result *out) MUST_CHECK;

#endif
