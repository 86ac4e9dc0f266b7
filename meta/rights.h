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
 * why: "rm", "retention", "withdraw-consent", ... (logged). */
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
 * caller rolls back.
 */
int rights_erase_recording_tx(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *why, struct idlist *arts) MUST_CHECK;
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
/* Erase every recording of a subject, then its card and the sealed records
 * it owns, its rectification histories (-ENOTEMPTY when some recording
 * could not be erased, e.g. on hold: the card and histories then stay). */
int rights_erase_subject(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle) MUST_CHECK;

/* Restrict (Art. 18): delete every seal below the rights level. */
int rights_restrict(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason) MUST_CHECK;
/* Lift: re-seal from the rights level's DEK (needs that key in kr) for the
 * levels the purpose allows. */
int rights_lift(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		const char *recording) MUST_CHECK;

/* Legal hold: reason NULL releases. */
int rights_set_hold(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason) MUST_CHECK;
/* Retention: until (epoch day) within the purpose's max_retention from
 * recorded_at; -EINVAL beyond it or in the past of recorded_at. */
int rights_set_retention(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			 int64_t until) MUST_CHECK;
/* Rectification: set one field ("name", "phone", "email", "organisation")
 * of a subject card; the old and new values are sealed into the log record
 * for the rights level only, which the subject owns (catalog_set_record_owner):
 * rights_erase_subject erases it with the card. */
int rights_rectify(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		   const char *handle, const char *field, const char *value) MUST_CHECK;

/*
 * The checks of the values above that need no register, for a caller that
 * parses a value before it acts on it (setfattr on the mount) and for the
 * fuzz targets; rights_set_hold and rights_rectify refuse (and log)
 * exactly what these refuse.  0 or -EINVAL.  A hold's reason is 1 to 512
 * bytes.  A card value is UTF-8 text of at most 256 bytes without control
 * characters; -ENOTSUP when field is not a card field.
 */
int rights_check_hold_reason(const char *reason) MUST_CHECK;
int rights_check_card_value(const char *field, const char *value) MUST_CHECK;

#endif
