/*
 * retention.h - erasing what the register no longer has a reason to keep:
 * the retention sweep (§6 of the notice: expired recordings are erased
 * automatically, and so are quarantined manifests once their time is up)
 * and the withdrawal of consent (Art. 7(3)), which ends the basis of every
 * consent-based recording of one subject.
 *
 * Both act with the policy's rights level, through rights.c's erasure, so
 * a legal hold is respected and every erasure and skip is in the audit log.
 */
#ifndef RECFS_RETENTION_H
#define RECFS_RETENTION_H

#include <stddef.h>

#include "audit.h"
#include "register.h"
#include "util.h"

struct retention_summary {
	size_t expired;			/* retention_until before today (UTC) */
	size_t erased;			/* (dry run: would be erased) */
	size_t subjects_erased;		/* subjects erased with their last recording,
					 * or left without one once their request
					 * closed (dry run: would be) */
	size_t skipped_hold;		/* on legal hold */
	size_t skipped_restricted;	/* restricted by the officer (Art. 18) or
					 * before schema 22; one restricted by an
					 * objection alone is erased */
	size_t skipped_request;		/* a subject of it has an open access or
					 * portability request: its answer is of
					 * what was held when it came */
	size_t errors;			/* could not be erased (meta_errmsg: the last) */
	/* Quarantined manifests (ingest.h) past the policy's quarantine_retention: */
	size_t quarantine_expired;
	size_t quarantine_erased;	/* (dry run: would be erased) */
	size_t quarantine_errors;	/* could not be erased */
	/* The audit log's own retention (the policy's audit_retention): */
	int64_t audit_before;		/* entries written before this may go */
	int64_t audit_held_by;		/* the open request that holds them back; 0: none */
	int64_t audit_dropped;		/* (dry run: would be dropped) */
	int64_t audit_first;		/* the first entry kept */
	size_t audit_errors;		/* 1 when the log could not be swept (meta_errmsg: why) */
	/* Closed rights requests past the policy's request_retention: */
	size_t requests_dropped;	/* (dry run: would be dropped) */
	size_t request_errors;		/* 1 when they could not be dropped (meta_errmsg: why) */
	int catalog_damaged;		/* failed catalog_integrity_check: a sweep refused,
					 * a dry run counted anyway */
};

/*
 * Erase every recording whose retention_until's day (the last day kept,
 * catalog.h) ended before util_now() (which honours $RECFS_NOW): the day
 * before today (UTC) or earlier, except those on legal hold (audit
 * "retention-skip", reason "legal hold") and restricted ones (reason
 * "restricted"), unless an objection's restriction is all that is left of
 * the restriction (cat_recording.restricted_by_objection): that one is
 * erased as one not restricted is.  Erasures run in transactions of many recordings each, with
 * one WAL checkpoint at the end, then the blobs are unlinked; a subject
 * goes with its last recording, and then every subject left with no
 * recording and no open request is erased (rights_erase_unlinked_subjects,
 * reason "no recording left").  The closed rights requests older than
 * the policy's request_retention (from the day they were closed) are
 * dropped with their requesters' sealed records (request_expire), counted
 * in the sweep's entry ("... requests=N").  Then erase
 * every quarantined manifest whose quarantine_retention has run out
 * (ingest_erase_quarantined), logged as one "quarantine-erase" entry with
 * the counts ("erased=N errors=M") when there was any.  dry_run counts and
 * changes nothing (nothing is logged).  Last, drop the audit entries older
 * than the policy's audit_retention (audit_expire, which checks the log
 * first, leaves a sealed checkpoint and logs "audit-expire"); while a
 * rights request of any type is open, the entries its answer may need
 * stay (the disclosures, the accesses, what was done on it): the limit is
 * then audit_retention before the oldest open one was received.  *out is
 * filled whenever the sweep ran, also when it returns an error: 0 when
 * every expired recording was erased or skipped, every expired
 * quarantined manifest erased and the audit log swept, else the errno of
 * the last failure.  First the catalog must pass catalog_integrity_check:
 * a damaged one (an index that lost rows included) may hide expired rows
 * from the sweep or lose its writes, so the sweep refuses with -EUCLEAN
 * (meta_errmsg says so) before it erases or logs anything; a dry run,
 * which writes nothing, counts anyway.  Either sets out->catalog_damaged.
 */
int retention_sweep(struct reg *r, const struct audit_actor *a, int dry_run, struct retention_summary *out) MUST_CHECK;

struct consent_summary {
	size_t consent;		/* the subject's recordings based on consent */
	size_t erased;
	size_t skipped_hold;
	size_t restricted;	/* of skipped_hold, restricted now (the others were) */
	size_t kept;		/* other legal bases, not affected */
	size_t errors;
};

/*
 * Withdrawal of consent by subject `handle`: erase (why "withdraw-consent",
 * plus " request=N" when the subject has an open request, its
 * consent-withdrawal request first; a recording other subjects are in
 * names their open requests an erasure answers too, "request=N,M",
 * rights.c) each of its recordings whose legal_basis is "consent"; holds
 * are respected (counted in skipped_hold, refusal logged), and a held one
 * not restricted yet is restricted (rights_restrict, reason why; counted
 * in restricted): it is kept for the claim, no longer heard on a consent
 * that is withdrawn (Art. 7(3), 18(2)).  Logs
 * "withdraw-consent" on the handle.  -ENOENT for an unknown handle.  *out filled as for retention_sweep.
 */
int retention_withdraw_consent(struct reg *r, const struct audit_actor *a, const char *handle,
			       struct consent_summary *out) MUST_CHECK;

#endif
