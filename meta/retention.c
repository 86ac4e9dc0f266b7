/*
 * retention.c - the retention sweep and the withdrawal of consent: the two
 * ways a recording loses the reason it is kept without anyone typing rm.
 *
 * The sweep first collects the ids of expired recordings (an indexed range
 * on retention_until) and only then erases, never while a statement walks
 * the table.  Each recording is looked at again inside the write
 * transaction that erases it, so a hold, a restriction or a longer
 * retention set by a mount meanwhile is honoured.  Erasure goes through
 * rights_erase_recording_tx in transactions of SWEEP_BATCH recordings and
 * one WAL checkpoint for the whole sweep: the seals are gone from the
 * database and the WAL before any blob is unlinked, as in rights.c, but
 * without a checkpoint (and its fsyncs) per recording.  A batch that fails
 * is rolled back and redone one recording at a time, so one bad recording
 * costs only itself.  A subject goes with its last recording
 * (rights.h); the sweep then erases the subjects left with no recording
 * that were kept while a rights request of theirs was open.  The sweep also
 * erases quarantined manifests (the plaintext ingest set aside, ingest.h)
 * once the policy's quarantine_retention has run out, and the audit log's
 * entries once its audit_retention has: the log is personal data about the
 * staff and, through the recording ids, about the data subjects.  An open
 * request, of any type, holds the log back to audit_retention before it
 * was received, so that what its answer reads is still there when it is
 * answered: every letter lists the disclosures (export entries, answer.c),
 * an access request's answer the accesses (subject export), and the
 * answer to an erasure, restriction, rectification, objection or consent
 * withdrawal what was done on it since it was received (the entries that
 * name it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "request.h"
#include "retention.h"
#include "rights.h"

#define SWEEP_BATCH 256

static int skip(struct reg *r, const struct audit_actor *a, const char *id, const char *why, int dry_run)
{
	return dry_run ? 0 : audit_log(r->cat, a, "retention-skip", id, "skipped", why);
}

static int add_link_handle(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	idlist_add(ctx, handle);
	return 0;
}

/*
 * The number of an open access or portability request of a subject of
 * recording id that is not yet due at now in *req: 1; 0 when there is
 * none; catalog errors.  The answer to such a request is of the data held
 * when it was received (Art. 15, 20): the sweep leaves the recording until
 * it is closed, or until its due date has passed (request list --overdue
 * lists it then): a request left awaiting the requester's identity or
 * answer keeps nothing past retention for longer than its answer was due
 * (atk19).
 */
static int open_access_request(struct reg *r, const char *id, int64_t now, int64_t *req)
{
	static const char *const types[] = { "access", "portability" };
	struct idlist handles = { 0 };
	int rc = catalog_each_link(r->cat, id, add_link_handle, &handles), found = 0;

	for (size_t i = 0; rc == 0 && !found && i < handles.n; i++)
		for (size_t k = 0; rc == 0 && !found && k < sizeof(types) / sizeof(types[0]); k++) {
			rc = catalog_first_due_request_of(r->cat, handles.id[i], types[k], now, req);
			found = rc == 0;
			if (rc == -ENOENT)
				rc = 0;
		}
	idlist_free(&handles);
	return rc ? rc : found;
}

/*
 * A restriction that keeps a recording past its retention: the officer's
 * (Art. 18: the person may need it for a legal claim), or one from before
 * schema 22, which does not say whose it is.  An objection's restriction
 * stops the processing for its purpose, and a consent withdrawal's the
 * processing on the consent; neither keeps the recording longer than the
 * policy does (catalog.h: restricted_by_objection).
 */
static int restriction_keeps(const struct cat_recording *rec)
{
	return rec->restricted_since && !rec->restricted_by_objection;
}

/* One expired recording, inside the batch's transaction (or none, dry
 * run: one that would be erased is added to blobs, for
 * rights_subjects_going). */
static int sweep_one(struct reg *r, const struct audit_actor *a, const char *id, int64_t now, int dry_run,
		     const struct idlist *unsaid, struct retention_summary *s, struct idlist *blobs)
{
	struct cat_recording rec;
	char why[64];
	int64_t req = 0;
	int rc = catalog_get_recording(r->cat, id, &rec), asked = 0;

	if (rc == -ENOENT)
		return 0;	/* erased meanwhile */
	if (rc)
		return rc;
	if (rec.retention_until < util_day_start(now) && !rec.legal_hold && !restriction_keeps(&rec) &&
	    (asked = open_access_request(r, id, now, &req)) < 0) {
		cat_recording_clear(&rec);
		return asked;
	}
	if (rec.retention_until >= util_day_start(now)) {
		rc = 0;		/* extended meanwhile */
	} else if (asked) {
		/* not "request=N": that names what the request's answer did */
		snprintf(why, sizeof(why), "open access request %lld", (long long)req);
		rc = skip(r, a, id, why, dry_run);
		s->skipped_request += rc == 0;
	} else if (rec.legal_hold) {
		rc = skip(r, a, id, "legal hold", dry_run);
		s->skipped_hold += rc == 0;
	} else if (restriction_keeps(&rec)) {
		rc = skip(r, a, id, "restricted", dry_run);
		s->skipped_restricted += rc == 0;
	} else if (idlist_has(unsaid, 0, id)) {
		/* whose restriction it was the catalog no longer says: kept,
		 * for the officer (recctl fsck names it) */
		rc = skip(r, a, id, "restricted by the audit log, not in the catalog", dry_run);
		s->skipped_restricted += rc == 0;
	} else if (dry_run) {
		s->erased++;
		idlist_add(blobs, id);
	} else {
		rc = rights_erase_recording_tx(r, a, r->policy->rights_level, id, "retention", blobs,
					       &s->subjects_erased);
		s->erased += rc == 0;
	}
	cat_recording_clear(&rec);
	return rc;
}

/* ids[from, to) in one transaction; on failure nothing of it stays. */
static int sweep_batch(struct reg *r, const struct audit_actor *a, const struct idlist *ids, size_t from, size_t to,
		       int64_t now, const struct idlist *unsaid, struct retention_summary *s, struct idlist *blobs)
{
	struct retention_summary before = *s;
	size_t n_blobs = blobs->n;
	int rc = catalog_begin(r->cat);

	for (size_t i = from; rc == 0 && i < to; i++)
		rc = sweep_one(r, a, ids->id[i], now, 0, unsaid, s, blobs);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		*s = before;
		blobs->n = n_blobs;
	}
	return rc;
}

/* The quarantined manifests whose time is up, by folder name. */
struct expired_quarantine {
	int64_t now;
	char **names;
	size_t n;
};

static int collect_quarantined(const struct ingest_quarantined *q, void *ctx)
{
	struct expired_quarantine *x = ctx;

	if (q->until < x->now) {
		x->names = xrealloc(x->names, (x->n + 1) * sizeof(*x->names));
		x->names[x->n++] = xstrdup(q->name);
	}
	return 0;
}

/* Erase (dry_run: count) the quarantined manifests past quarantine_retention. */
static int sweep_quarantine(struct reg *r, const struct audit_actor *a, int64_t now, int dry_run,
			    struct retention_summary *s)
{
	struct expired_quarantine x = { .now = now };
	char why[64];
	int rc, last = 0;

	/* Listed first: nothing is erased while the folder is read. */
	rc = ingest_each_quarantined(r, collect_quarantined, &x);
	if (rc)
		goto out;
	s->quarantine_expired = x.n;
	for (size_t i = 0; i < x.n; i++) {
		rc = dry_run ? 0 : ingest_erase_quarantined(r, x.names[i]);
		if (rc) {
			s->quarantine_errors++;
			last = rc;
		} else {
			s->quarantine_erased++;
		}
	}
	rc = last;
	if (dry_run || !x.n)
		goto out;
	snprintf(why, sizeof(why), "erased=%zu errors=%zu", s->quarantine_erased, s->quarantine_errors);
	if (audit_log(r->cat, a, "quarantine-erase", NULL, s->quarantine_errors ? "error" : "ok", why) && !rc)
		rc = -EIO;
out:
	for (size_t i = 0; i < x.n; i++)
		free(x.names[i]);
	free(x.names);
	return rc;
}

/* The oldest open request: its number and when it was received. */
struct oldest_open {
	int64_t id, received;
};

static int find_oldest_open(const struct cat_request *q, void *ctx)
{
	struct oldest_open *o = ctx;

	if (!o->id || q->received < o->received) {
		o->id = q->id;
		o->received = q->received;
	}
	return 0;
}

/* Drop (dry_run: count) the audit entries past the policy's audit_retention. */
static int sweep_audit(struct reg *r, const struct audit_actor *a, int64_t now, int dry_run,
		       struct retention_summary *s)
{
	struct oldest_open o = { 0 };
	int64_t before = policy_period_sub(now, r->policy->audit_retention), held;
	int rc = request_each(r, REQUEST_OPEN, find_oldest_open, &o);

	if (rc)
		return rc;
	held = o.id ? policy_period_sub(o.received, r->policy->audit_retention) : before;
	if (held < before) {
		before = held;
		s->audit_held_by = o.id;
	}
	s->audit_before = before;
	return audit_expire(r->cat, a, before, dry_run, &s->audit_dropped, &s->audit_first);
}

int retention_sweep(struct reg *r, const struct audit_actor *a, int dry_run, struct retention_summary *out)
{
	struct retention_summary s = { 0 };
	struct idlist ids = { 0 }, blobs = { 0 }, unsaid = { 0 };
	int64_t now = util_now();
	int rc, last = 0;
	char why[160];

	rc = catalog_integrity_check(r->cat);
	if (rc == -EUCLEAN) {
		s.catalog_damaged = 1;
		if (!dry_run) {
			rc = meta_fail(rc, "%s; the sweep refused to run: nothing was erased", meta_errmsg());
			goto out;
		}
		rc = 0;
	}
	if (rc)
		goto out;
	/* A recording is kept through its retention_until's day (catalog.h):
	 * expired are those whose day ended before today. */
	rc = catalog_expired_recordings(r->cat, util_day_start(now), &ids);
	if (rc)
		goto out;
	s.expired = ids.n;
	/* the recordings the log holds restricted and the catalog not (one
	 * walk of the log: audit_restricted_unsaid) */
	if (ids.n && (rc = audit_restricted_unsaid(r->cat, &unsaid))) {
		if (!s.catalog_damaged)
			goto out;
		rc = 0;		/* a dry run of a damaged catalog counts what it can */
	}
	for (size_t i = 0; i < ids.n; i += SWEEP_BATCH) {
		size_t to = i + SWEEP_BATCH < ids.n ? i + SWEEP_BATCH : ids.n;

		if (dry_run) {
			for (size_t k = i; k < to; k++) {
				rc = sweep_one(r, a, ids.id[k], now, 1, &unsaid, &s, &blobs);
				if (rc) {
					s.errors++;
					last = rc;
				}
			}
			continue;
		}
		if (sweep_batch(r, a, &ids, i, to, now, &unsaid, &s, &blobs) == 0)
			continue;
		/* Redo the batch one by one so that only the culprit fails. */
		for (size_t k = i; k < to; k++) {
			rc = sweep_batch(r, a, &ids, k, k + 1, now, &unsaid, &s, &blobs);
			if (rc) {
				s.errors++;
				last = rc;
				if (audit_log(r->cat, a, "erase", ids.id[k], "error", "retention"))
					meta_clear_error();
			}
		}
	}
	/* A dry run's count of the subjects that would go with their last
	 * recording, by the rule the erasures above apply (blobs: the
	 * recordings it would erase). */
	if (dry_run && (rc = rights_subjects_going(r, &blobs, &s.subjects_erased)))
		last = rc;
	rc = last;
	/* Closed requests past request_retention, counted in the sweep's own
	 * entry: a request's number says nothing more once it is gone. */
	last = request_expire(r, policy_period_sub(now, r->policy->request_retention), dry_run, &s.requests_dropped);
	if (last) {
		s.request_errors = 1;
		if (!rc)
			rc = last;
	}
	if (!dry_run) {
		if (blobs.n)
			rights_shred(r, a, &blobs);
		snprintf(why, sizeof(why), "expired=%zu erased=%zu hold=%zu restricted=%zu asked=%zu errors=%zu requests=%zu",
			 s.expired, s.erased, s.skipped_hold, s.skipped_restricted, s.skipped_request, s.errors,
			 s.requests_dropped);
		if (audit_log(r->cat, a, "retention-sweep", NULL, s.errors ? "error" : "ok", why) && !rc)
			rc = -EIO;
		/* Subjects kept while a request was open, once it is closed. */
		size_t kept_gone = 0;

		last = rights_erase_unlinked_subjects(r, a, r->policy->rights_level, "no recording left", &kept_gone);
		s.subjects_erased += kept_gone;
		if (last && !rc)
			rc = last;
	}
	last = sweep_quarantine(r, a, now, dry_run, &s);
	if (last && !rc)
		rc = last;
	/* Last, so that the entries of this sweep are in the log it checks.
	 * Not on a damaged catalog (a dry run got this far): the log's walk
	 * would only meet the damage the warning already names. */
	last = s.catalog_damaged ? 0 : sweep_audit(r, a, now, dry_run, &s);
	if (last) {
		s.audit_errors = 1;
		if (!rc)
			rc = last;
	}
out:
	*out = s;
	idlist_free(&ids);
	idlist_free(&blobs);
	idlist_free(&unsaid);
	return rc;
}

/*
 * A recording withdraw-consent could not erase: when a legal hold keeps
 * it and it is not restricted yet, restrict it (reason why: "withdraw-consent",
 * with its request); 1 when it did, 0 when there was nothing to do, else
 * rights_restrict's error.
 */
static int restrict_held(struct reg *r, const struct audit_actor *a, const char *id, const char *why)
{
	struct cat_recording rec;
	int rc = catalog_get_recording(r->cat, id, &rec), todo;

	if (rc)
		return rc;
	todo = rec.legal_hold && !rec.restricted_since;
	cat_recording_clear(&rec);
	if (!todo)
		return 0;
	rc = rights_restrict_withdrawn(r, a, r->policy->rights_level, id, why);
	return rc ? rc : 1;
}

int retention_withdraw_consent(struct reg *r, const struct audit_actor *a, const char *handle,
			       struct consent_summary *out)
{
	static const char *const consent_withdrawal[] = { "consent-withdrawal", NULL };
	struct consent_summary s = { 0 };
	struct idlist recs = { 0 };
	char card[RECFS_ID_HEX], why[64], ref[32] = "", summary[160];
	int64_t req;
	int rc, last = 0;

	rc = catalog_get_subject(r->cat, handle, card);
	if (rc) {
		rc = rc == -ENOENT ? meta_fail(-ENOENT, "no subject %s", handle) : rc;
		goto out;
	}
	snprintf(why, sizeof(why), "withdraw-consent");
	if (request_open_answered(r, handle, consent_withdrawal, &req) == 0 || request_open_for(r, handle, &req) == 0) {
		snprintf(ref, sizeof(ref), "request=%lld ", (long long)req);
		snprintf(why, sizeof(why), "withdraw-consent request=%lld", (long long)req);
	}
	/* It stands: a consent-based recording of the subject made before
	 * now and linked later is restricted as it arrives (bb15 F4). */
	rc = catalog_set_consent_withdrawn(r->cat, handle, util_now());
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, handle, &recs);
	if (rc)
		goto out;
	for (size_t i = 0; i < recs.n; i++) {
		struct cat_recording rec;
		int consent;

		rc = catalog_get_recording(r->cat, recs.id[i], &rec);
		if (rc == -ENOENT)
			continue;
		if (rc) {
			s.errors++;
			last = rc;
			continue;
		}
		consent = !strcmp(rec.legal_basis, "consent");
		cat_recording_clear(&rec);
		if (!consent) {
			s.kept++;
			continue;
		}
		s.consent++;
		rc = rights_erase_recording(r, a, r->policy->rights_level, recs.id[i], why);
		if (rc == 0) {
			s.erased++;
		} else if (rc == -EPERM) {
			s.skipped_hold++;
			/* Kept for the claim, no longer processed on the consent
			 * withdrawn: storage only (Art. 7(3), 18(2)). */
			rc = restrict_held(r, a, recs.id[i], why);
			if (rc > 0)
				s.restricted++;
			else if (rc < 0 && rc != -ENOENT) {
				s.errors++;
				last = rc;
			}
		} else if (rc != -ENOENT) {
			s.errors++;
			last = rc;
		}
	}
	rc = last;
	snprintf(summary, sizeof(summary), "%sconsent=%zu erased=%zu hold=%zu restricted=%zu kept=%zu errors=%zu", ref,
		 s.consent, s.erased, s.skipped_hold, s.restricted, s.kept, s.errors);
	if (audit_log(r->cat, a, "withdraw-consent", handle, s.errors ? "error" : "ok", summary) && !rc)
		rc = -EIO;
out:
	*out = s;
	idlist_free(&recs);
	return rc;
}
