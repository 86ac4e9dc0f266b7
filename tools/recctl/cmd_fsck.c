/*
 * cmd_fsck.c - `recctl fsck`: the catalog and the blob store agree.
 *
 * Checked: every artifact's blob exists with the size its plaintext length
 * implies; every file under blobs/ belongs to an artifact (no orphans, no
 * leftover temporary files); every seal names an existing artifact or
 * sealed record and a level of the policy; every artifact keeps a seal of
 * the rights level (restriction never removes that one); every recording
 * has its audio and its details record; every sealed record is named by a
 * recording or a subject or owned by one that exists (an orphaned record,
 * a rectification history its erasure left, stays decryptable: --repair
 * erases it and the seals that name nothing); no recording keeps the reason
 * of a hold or restriction in the clear (--repair seals it); every subject
 * is linked to a recording (one whose last recording is gone is personal
 * data kept for no reason: --repair erases it, rights.h), unless a rights
 * request of it is still open, which is said but is no problem; no
 * recording is kept beyond its purpose's max_retention (a policy applied
 * by an older recctl left it so), unless a legal hold keeps it, which is
 * said.  Every recording has its details record, sealed for the rights
 * level; no two recordings name one.  With
 * keyrings, every blob a held
 * level can open is read through and every chunk's tag checked, each
 * recording's details are its own and its links name the subjects they do
 * (check_links), and with
 * the index key each recording's audio is checked to have its ingest key
 * (check_audio_key).  Manifests
 * in quarantine (plaintext) are listed by id, with their age and the
 * manifest's name (escaped); one kept past the
 * policy's quarantine_retention is a problem (the retention sweep erases
 * it; --repair does not).
 *
 * Ingest writes blobs before it commits their rows, so a young
 * unreferenced blob may be an ingest in flight: files younger than the
 * grace period are reported but neither counted as problems nor removed.
 * An erasure's blobs are listed as pending unlinks until they are gone,
 * and opening the register finishes what a crash left (register.h): one
 * still listed here could not be unlinked, and is reported as such, not
 * as an orphan; --repair tries again.
 *
 * Everything a mount reads or removes (all but spool/ and quarantine/,
 * which hold the recorders' files) must have the owner and group of the
 * register's folder, the user the mount may run as (recctl init --owner):
 * one that has not (a register chowned only in part, a file an older recctl
 * made as root) is a problem, which --repair, as root, solves with lchown.
 * So is the register's folder, keys/ or blobs/ writable by group or others
 * (reg_mode_warnings), which --repair leaves to the administrator: a mode
 * someone opened on purpose is theirs to close.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"
#include "ingest.h"
#include "recctl.h"
#include "request.h"
#include "rights.h"
#include "seal.h"
#include "subject.h"

const char usage_fsck[] =
	"usage: recctl fsck [-R REGISTER] [--keyring FILE]... [--passfile FILE] [--repair]\n"
	"                   [--grace SECONDS] [-v]\n"
	"\n"
	"Check that catalog and blobs agree: blobs exist with the right size, no\n"
	"orphan or temporary files, seals name existing objects, every sealed\n"
	"record belongs to a recording or subject, every subject has a recording\n"
	"(or an open request), every recording has audio and is kept no longer\n"
	"than its purpose's max_retention allows (but for a legal hold), and everything but\n"
	"spool/ and quarantine/ has the register folder's owner, and that folder,\n"
	"keys/ and blobs/ are not writable by group or others.  With keyrings,\n"
	"authenticate every chunk of every blob their levels can open, and check\n"
	"that each recording's sealed details are its own and name the subjects\n"
	"it is linked to; with the\n"
	"blind-index key too (the rights keyring holds it), check that each\n"
	"recording's audio has the key that makes it sent again a duplicate (one\n"
	"an older recfs ingested has none), and that no manifest in quarantine\n"
	"is one already ingested (a plaintext copy).  List the\n"
	"manifests in quarantine with their age (one\n"
	"kept past the policy's quarantine_retention is a problem: run recctl\n"
	"retention sweep; so is one without error.txt or one holding the\n"
	"recorder's files without its manifest (a quarantine cut short), and\n"
	"files left in spool/\n"
	"for over a day: plaintext nothing ingests).  First sqlite's integrity\n"
	"check of catalog.db (its pages, and every index against its table): a\n"
	"damaged catalog stops fsck before it checks or repairs anything else.  Exit\n"
	"status 1 when problems remain.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE      a level keyring (repeatable)\n"
	"  --passfile FILE     passphrase of the keyrings (default $RECFS_PASSFILE)\n"
	"  --repair            remove orphan blobs and temporary files, erase orphaned\n"
	"                      sealed records and seals, and subjects without a\n"
	"                      recording or an open request (logged), give the\n"
	"                      register's owner what is not theirs, add missing\n"
	"                      audio keys, make the links what the details say,\n"
	"                      seal each recording's id into its details\n"
	"  --grace SECONDS     leave files younger than this alone (default 900)\n"
	"  -v, --verbose       say what was verified\n";

struct art {
	char id[RECFS_ID_HEX];
	char recording[RECFS_ID_HEX];
	uint64_t size;
	int audio;
};

struct unkeyed {
	char recording[RECFS_ID_HEX];
	uint8_t mac[CRYPTO_MAC_BYTES];
};

struct rec {
	char id[RECFS_ID_HEX];
	char details[RECFS_ID_HEX];
	int has_audio;
	int64_t until;		/* retention_until's day */
	int64_t last;		/* the last day max_retention allows; 0: no such purpose */
	int held;		/* on legal hold */
};

struct fsck {
	struct reg *r;
	struct keyring *kr;
	struct audit_actor actor;
	struct art *arts;
	size_t n_arts;
	struct rec *recs;
	size_t n_recs;
	struct idlist dead_seals;	/* objects of seals that name nothing */
	struct idlist pending;		/* blobs of erased artifacts left to unlink, sorted */
	struct idlist named;		/* handles the details check_links read name, sorted after */
	size_t unproven;		/* recordings whose details check_links could not read as theirs */
	int details_trouble;		/* a recording without its details record, or one shared */
	struct unkeyed *unkeyed;	/* recordings without their audio key (check_audio_key) */
	size_t n_unkeyed;
	long problems, repaired, young, seals, blobs, verified, records_verified, quarantined;
	int repair, verbose;
	time_t grace;
	int64_t now;		/* util_now(): the clock of the retention sweep */
};

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b); /* both structs start with the id */
}

static struct art *find_art(struct fsck *f, const char *id)
{
	return !f->n_arts ? NULL : bsearch(id, f->arts, f->n_arts, sizeof(*f->arts), cmp_id);
}

static struct rec *find_rec(struct fsck *f, const char *id)
{
	return !f->n_recs ? NULL : bsearch(id, f->recs, f->n_recs, sizeof(*f->recs), cmp_id);
}

static void problem(struct fsck *f, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void problem(struct fsck *f, const char *fmt, ...)
{
	va_list ap;

	f->problems++;
	fputs("problem: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int collect_artifact(const struct cat_artifact *a, void *ctx)
{
	struct fsck *f = ctx;
	struct art *p;

	f->arts = xrealloc(f->arts, (f->n_arts + 1) * sizeof(*f->arts));
	p = &f->arts[f->n_arts++];
	memcpy(p->id, a->id, RECFS_ID_HEX);
	memcpy(p->recording, a->recording, RECFS_ID_HEX);
	p->size = a->size;
	p->audio = !strcmp(a->role, "audio");
	return 0;
}

static int collect_recording(const struct cat_recording *r, void *ctx)
{
	struct fsck *f = ctx;
	struct rec *p;

	f->recs = xrealloc(f->recs, (f->n_recs + 1) * sizeof(*f->recs));
	p = &f->recs[f->n_recs++];
	memcpy(p->id, r->id, RECFS_ID_HEX);
	memcpy(p->details, r->details_id, RECFS_ID_HEX);
	p->has_audio = 0;
	p->until = util_day_start(r->retention_until);
	if (rights_retention_last_day(f->r->policy, r, &p->last))
		p->last = 0;
	p->held = r->legal_hold != NULL;
	return 0;
}

static int check_seal(const char *object, const char *level, void *ctx)
{
	struct fsck *f = ctx;
	uint8_t *ct = NULL;
	size_t len;
	int rc;

	f->seals++;
	if (policy_level_index(f->r->policy, level) < 0)
		problem(f, "seal of %s for level %s, which the policy does not have", object, level);
	if (find_art(f, object))
		return 0;
	rc = catalog_get_record(f->r->cat, object, &ct, &len);
	free(ct);
	if (rc == -ENOENT) {
		problem(f, "seal for level %s names %s, which is neither an artifact nor a sealed record", level,
			object);
		idlist_add(&f->dead_seals, object);
	} else if (rc)
		return rc;
	return 0;
}

static void check_catalog(struct fsck *f)
{
	const char *rights = f->r->policy->levels[f->r->policy->rights_level].name;
	uint8_t seal[CRYPTO_SEAL_BYTES], *ct = NULL;
	size_t len;
	int rc;

	for (size_t i = 0; i < f->n_arts; i++) {
		struct art *a = &f->arts[i];
		struct rec *r = find_rec(f, a->recording);

		if (!r)
			problem(f, "artifact %s belongs to recording %s, which does not exist", a->id, a->recording);
		else if (a->audio)
			r->has_audio = 1;
		rc = catalog_get_seal(f->r->cat, a->id, rights, seal);
		if (rc == -ENOENT)
			problem(f, "artifact %s (recording %s) has no seal of the rights level %s", a->id,
				a->recording, rights);
	}
	for (size_t i = 0; i < f->n_recs; i++) {
		struct rec *r = &f->recs[i];

		if (!r->has_audio)
			problem(f, "recording %s has no audio artifact", r->id);
		if (r->last && r->until > r->last) {
			char d[11], m[11];

			util_format_date(r->until, d);
			util_format_date(r->last, m);
			if (r->held)
				printf("note: recording %s is kept until %s, beyond its purpose's max_retention (%s); its "
				       "legal hold keeps it\n", r->id, d, m);
			else
				problem(f, "recording %s is kept until %s, beyond its purpose's max_retention (%s): recctl "
					"retention set brings it within", r->id, d, m);
		}
		/* ingest writes one with every recording; whose a
		 * recording is, its subject's export reads in it */
		if (!r->details[0]) {
			problem(f, "recording %s has no details record (changed outside recfs): its subjects' "
				"exports refuse it", r->id);
			f->details_trouble = 1;
			continue;
		}
		rc = catalog_get_record(f->r->cat, r->details, &ct, &len);
		free(ct);
		ct = NULL;
		if (rc == -ENOENT) {
			problem(f, "recording %s: its details record %s is missing", r->id, r->details);
			f->details_trouble = 1;
		} else if ((rc = catalog_get_seal(f->r->cat, r->details, rights, seal)) == -ENOENT) {
			problem(f, "recording %s: its details record %s has no seal of the rights level %s (changed "
				"outside recfs): its links cannot be checked, its subjects' exports refuse it", r->id,
				r->details, rights);
		} else if (rc) {
			problem(f, "recording %s: the seals of its details record cannot be read: %s", r->id,
				meta_strerror(rc));
		}
	}
}

/*
 * Only a lift clears a restriction, and logs it: a recording the audit
 * log holds restricted (its last restrict or lift-restriction entry is a
 * restrict) that the catalog holds unrestricted had its restricted_since
 * cleared outside recfs (audit_restricted_unsaid).  It would go to a
 * recipient and be swept at its retention's end; the export withholds it,
 * the sweep keeps it, policy apply refuses.  --repair restricts it again,
 * as the officer's (rights_restrict, logged).
 */
static void check_unsaid_restrictions(struct fsck *f)
{
	struct idlist found = { 0 };
	size_t n = 0;
	int rc = audit_restricted_unsaid(f->r->cat, &found);

	if (rc)
		problem(f, "cannot read the restrictions of the audit log: %s", meta_strerror(rc));
	for (size_t i = 0; i < found.n; i++)
		problem(f, "recording %s is restricted by the audit log (restricted, never lifted), but not in the "
			"catalog (changed outside recfs)", found.id[i]);
	for (size_t i = 0; f->repair && i < found.n; i++) {
		meta_clear_error();
		rc = rights_restrict(f->r, &f->actor, f->r->policy->rights_level, found.id[i],
				     "restricted again by recctl fsck: the audit log holds it restricted");
		if (rc)
			printf("  cannot restrict recording %s again: %s\n", found.id[i], meta_strerror(rc));
		n += rc == 0;
	}
	if (n) {
		f->repaired += (long)n;
		printf("  restricted %zu recording%s again, as the audit log holds %s\n", n, n == 1 ? "" : "s",
		       n == 1 ? "it" : "them");
	}
	idlist_free(&found);
}

/* Each id that ids (sorted here) holds more than once is a problem, once:
 * "WHAT ID is named by more than one BY".  How many there were. */
static size_t report_shared(struct fsck *f, struct idlist *ids, const char *what, const char *by)
{
	size_t n = 0;

	if (ids->n > 1)
		qsort(ids->id, ids->n, sizeof(*ids->id), cmp_id);
	for (size_t i = 1; i < ids->n; i++)
		if (!strcmp(ids->id[i], ids->id[i - 1]) && (i < 2 || strcmp(ids->id[i], ids->id[i - 2]))) {
			problem(f, "%s %s is named by more than one %s (changed outside recfs)", what, ids->id[i], by);
			n++;
		}
	return n;
}

/* Each recording its own details record: check_links reads a recording's
 * subjects in it, and one pointed at another's would name that one's. */
static void check_shared_details(struct fsck *f)
{
	struct idlist ids = { 0 };

	for (size_t i = 0; i < f->n_recs; i++)
		if (f->recs[i].details[0])
			idlist_add(&ids, f->recs[i].details);
	if (report_shared(f, &ids, "details record", "recording"))
		f->details_trouble = 1;
	idlist_free(&ids);
}

/* Erase id's seals (and, record set, its row) in the open transaction, logged. */
static int erase_object(struct fsck *f, const char *id, int record)
{
	int rc = catalog_delete_seals(f->r->cat, id, NULL);

	if (rc == 0 && record)
		rc = catalog_delete_record(f->r->cat, id);
	if (rc == 0)
		rc = audit_log(f->r->cat, &f->actor, "fsck-repair", id, "ok",
			       record ? "orphaned sealed record erased" : "seals of no object erased");
	return rc;
}

/*
 * Sealed records that nothing names and whose owner is gone (a subject's
 * rectification history from an erasure by an older recfs): each is a
 * problem; --repair erases them and the seals check_seal found naming
 * nothing, in one transaction, and truncates the WAL after it.
 */
static int check_orphan_records(struct fsck *f)
{
	struct idlist orphans = { 0 };
	int rc = catalog_orphan_records(f->r->cat, &orphans);

	if (rc)
		goto out;
	for (size_t i = 0; i < orphans.n; i++)
		problem(f, "sealed record %s belongs to no recording or subject (orphaned)", orphans.id[i]);
	if (!f->repair || (orphans.n == 0 && f->dead_seals.n == 0))
		goto out;
	/* one of them may be the details a recording's row was pointed away
	 * from: the evidence, and the way back */
	if (f->details_trouble) {
		printf("  left: nothing is erased while a recording lacks its details record or shares one\n");
		goto out;
	}
	if ((rc = catalog_begin(f->r->cat)))
		goto out;
	for (size_t i = 0; rc == 0 && i < orphans.n; i++)
		rc = erase_object(f, orphans.id[i], 1);
	for (size_t i = 0; rc == 0 && i < f->dead_seals.n; i++)
		if (i == 0 || strcmp(f->dead_seals.id[i], f->dead_seals.id[i - 1]))
			rc = erase_object(f, f->dead_seals.id[i], 0);
	if (rc == 0)
		rc = catalog_commit(f->r->cat);
	if (rc) {
		catalog_rollback(f->r->cat);
		goto out;
	}
	rights_shred(f->r, &f->actor, &(struct idlist){ 0 });
	f->repaired += (long)(orphans.n + f->dead_seals.n);	/* one problem each */
	printf("  erased %zu orphaned sealed record%s and %zu seal%s of missing objects\n", orphans.n,
	       orphans.n == 1 ? "" : "s", f->dead_seals.n, f->dead_seals.n == 1 ? "" : "s");
out:
	idlist_free(&orphans);
	return rc;
}

/*
 * Reasons of holds and restrictions in the clear, which a register written
 * before catalog schema 6 kept: opening the register seals them
 * (rights_seal_reasons), so one still here could not be sealed (a
 * read-only catalog); --repair tries again.
 */
static void check_plain_reasons(struct fsck *f)
{
	struct idlist ids = { 0 };
	size_t n = 0;
	int rc = catalog_plain_reasons(f->r->cat, &ids);

	if (rc) {
		problem(f, "cannot look for reasons in the clear: %s", meta_strerror(rc));
		return;
	}
	for (size_t i = 0; i < ids.n; i++)
		problem(f, "recording %s keeps the reason of its hold or restriction in the clear", ids.id[i]);
	if (f->repair && ids.n) {
		meta_clear_error();
		rc = rights_seal_reasons(f->r, &f->actor, &n);
		if (rc) {
			printf("  cannot seal them: %s\n", meta_strerror(rc));
		} else {
			f->repaired += (long)n;
			printf("  sealed the reasons of %zu recording%s for the rights level\n", n, n == 1 ? "" : "s");
		}
	}
	idlist_free(&ids);
}

/*
 * Subjects no recording is linked to: their card and index entries are
 * personal data kept for no reason (a recfs before the erasure of a subject
 * with its last recording left them), a problem that --repair solves by
 * erasing them (rights_erase_unlinked_subjects, logged); one kept while a
 * rights request of it is open is only said.
 */
static int check_unlinked_subjects(struct fsck *f)
{
	struct idlist subjects = { 0 };
	size_t n_problems = 0, n = 0, named = 0;
	int64_t req;
	int rc = catalog_unlinked_subjects(f->r->cat, &subjects);

	for (size_t i = 0; rc == 0 && i < subjects.n; i++) {
		rc = request_open_for(f->r, subjects.id[i], &req);
		/* one whose link was removed by hand is not erased for it
		 * (check_links said so; with keys alone can it be told) */
		if (rc == -ENOENT && f->named.n &&
		    bsearch(subjects.id[i], f->named.id, f->named.n, sizeof(*f->named.id), cmp_id)) {
			rc = 0;
			named++;
			problem(f, "subject %s has no recording linked, but a recording's sealed details name it: its "
				"card is kept", subjects.id[i]);
		} else if (rc == 0) {
			printf("note: subject %s has no recording; kept while request %lld is open\n", subjects.id[i],
			       (long long)req);
		} else if (rc == -ENOENT) {
			rc = 0;
			n_problems++;
			problem(f, "subject %s has no recording; its card and index entries are kept for no reason",
				subjects.id[i]);
		}
	}
	if (rc || !f->repair || !n_problems)
		goto out;
	if (named || f->unproven) {
		printf("  left: no subject is erased while %s\n", named ? "one of them is named so; repair its links first"
			: "a recording's details could not be read as its own (see above): one may name it");
		goto out;
	}
	rc = rights_erase_unlinked_subjects(f->r, &f->actor, f->r->policy->rights_level,
					    "fsck --repair: no recording left", &n);
	if (rc)
		goto out;
	f->repaired += (long)n;
	printf("  erased %zu subject%s without a recording\n", n, n == 1 ? "" : "s");
out:
	idlist_free(&subjects);
	return rc;
}

static int file_is_young(struct fsck *f, const struct stat *st)
{
	return st->st_mtime > time(NULL) - f->grace;
}

/* An unreferenced file: report, and remove it under --repair. */
static void stray(struct fsck *f, const char *path, const char *name, const struct stat *st, const char *what)
{
	if (file_is_young(f, st)) {
		f->young++;
		printf("note: %s %s is younger than %lds (an ingest in progress?); left alone\n", what, path,
		       (long)f->grace);
		return;
	}
	problem(f, "%s %s", what, path);
	if (!f->repair)
		return;
	if (unlink(path) < 0) {
		printf("  cannot remove it: %s\n", strerror(errno));
		return;
	}
	f->repaired++;
	printf("  removed\n");
	if (audit_log(f->r->cat, &f->actor, "fsck-repair", util_is_id(name) ? name : NULL, "ok",
		      util_is_id(name) ? "orphan blob removed" : "temporary file removed"))
		warning("cannot write the audit log");
}

/* A quarantined manifest: plaintext, listed by its id with its age and the
 * manifest's name (escaped: this is the operator's terminal, not a log);
 * one kept past the policy's quarantine_retention is a problem the
 * retention sweep solves. */
static int note_quarantined(const struct ingest_quarantined *q, void *ctx)
{
	struct fsck *f = ctx;
	char *id = util_escape_for_log(q->name), until[11], per[16];
	char *shown = q->manifest ? xasprintf("%s (%s)", id, q->manifest) : xstrdup(id);
	long days = (long)((f->now - q->since) / 86400);

	f->quarantined++;
	/* Its recording in the register, its plaintext copy here: erasing
	 * the recording would leave it.  Ingesting it again (a duplicate)
	 * removes it and its files and erases the folder. */
	if (f->kr && keyring_index_key(f->kr)) {
		char rec[RECFS_ID_HEX];
		int rc;

		meta_clear_error();
		rc = ingest_quarantined_recording(f->r, keyring_index_key(f->kr), q->name, rec);
		if (rc == 0)
			problem(f, "quarantined %s holds the manifest of recording %.8s, already ingested: a plaintext "
				"copy its erasure would not reach; run recctl ingest on that manifest to erase it", shown,
				rec);
		else if (rc != -ENOENT)
			problem(f, "quarantined %s: %s", shown, meta_strerror(rc));
	}
	if (q->incomplete)
		problem(f, "quarantined %s has no error.txt: a quarantine left half-way (a full disk or a crash); its "
			"files are the recorder's plaintext, erased by recctl retention sweep like the others", shown);
	if (q->no_manifest)
		problem(f, "quarantined %s holds the recorder's files but not its manifest: a quarantine cut short (a "
			"crash while it moved them; across file systems they are copies: the spool keeps them all until the "
			"manifest is in, and the next try quarantines them whole); recctl retention sweep erases this folder "
			"like the others", shown);
	if (q->no_input)
		problem(f, "quarantined %s holds its error.txt alone: a quarantine cut short by a crash before it "
			"moved anything (its manifest stayed in the spool, for the next try); recctl retention sweep "
			"erases this folder like the others", shown);
	if (q->until < f->now) {
		policy_period_format(f->r->policy->quarantine_retention, per);
		problem(f, "quarantined %s is %ld days old, past quarantine_retention %s: recctl retention sweep erases it",
			shown, days, per);
	} else {
		util_format_date(q->until, until);
		printf("quarantined: %s, %ld day%s old, kept until %s\n", shown, days, days == 1 ? "" : "s", until);
	}
	free(shown);
	free(id);
	return 0;
}

/*
 * Plaintext nobody will ingest: files in REGISTER/spool (the watch's
 * default) older than SPOOL_STALE, audio whose manifest never came or
 * named other files, a manifest the watch skips (a dot file).  Counted,
 * never named: a recorder's file name may name a person.
 */
#define SPOOL_STALE (24 * 3600)
static void check_spool(struct fsck *f)
{
	char *dir = reg_path(f->r, "spool");
	int64_t oldest = f->now;
	long n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d))) {
			struct stat st;

			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
			    (int64_t)st.st_mtime < f->now - SPOOL_STALE) {
				n++;
				if ((int64_t)st.st_mtime < oldest)
					oldest = (int64_t)st.st_mtime;
			}
		}
		closedir(d);
	}
	if (n)
		problem(f, "the spool holds %ld file%s older than a day (the oldest %ld days): plaintext that no "
			"manifest brings in; look at %s, ingest or remove %s", n, n == 1 ? "" : "s",
			(long)((f->now - oldest) / 86400), dir, n == 1 ? "it" : "them");
	free(dir);
}

/* Erased artifacts whose blobs are still listed to be unlinked: the open
 * of the register could not finish them (register.h). */
static void check_pending(struct fsck *f)
{
	size_t n = 0;
	int rc = catalog_pending_unlinks(f->r->cat, &f->pending);

	if (rc) {
		problem(f, "cannot read the pending unlinks: %s", meta_strerror(rc));
		return;
	}
	for (size_t i = 0; i < f->pending.n; i++)
		problem(f, "the blob of erased artifact %s is still to be unlinked", f->pending.id[i]);
	if (!f->repair || !f->pending.n)
		return;
	rc = reg_finish_unlinks(f->r, &n);
	if (rc) {
		printf("  cannot unlink them all: %s\n", meta_strerror(rc));
		return;
	}
	f->repaired += (long)n;
	printf("  unlinked\n");
}

static int is_temp_name(const char *name)
{
	return strstr(name, ".tmp") != NULL;
}

static void scan_blob_dir(struct fsck *f, const char *sub)
{
	char *dir = xasprintf("%s/blobs/%s", f->r->dir, sub);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		problem(f, "cannot read %s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0) {
			free(path);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			problem(f, "%s is not a regular file", path);
		} else if (is_temp_name(e->d_name)) {
			stray(f, path, e->d_name, &st, "temporary file");
		} else if (util_is_id(e->d_name) && f->pending.n && bsearch(e->d_name, f->pending.id, f->pending.n,
							     sizeof(*f->pending.id), cmp_id)) {
			/* reported by check_pending */
		} else if (!util_is_id(e->d_name) || !find_art(f, e->d_name)) {
			stray(f, path, e->d_name, &st, "orphan blob");
		} else if (strncmp(e->d_name, sub, 2)) {
			/* Never removed: it may be the only copy of a live blob. */
			problem(f, "blob %s is in the wrong directory (belongs in blobs/%.2s/)", path, e->d_name);
		} else {
			f->blobs++;
		}
		free(path);
	}
	closedir(d);
	free(dir);
}

static void scan_blobs(struct fsck *f)
{
	char *dir = xasprintf("%s/blobs", f->r->dir);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		problem(f, "cannot read %s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				scan_blob_dir(f, e->d_name);
			else if (S_ISREG(st.st_mode))
				stray(f, path, e->d_name, &st, is_temp_name(e->d_name) ? "temporary file" : "orphan blob");
			else
				problem(f, "%s is not a regular file", path);
		}
		free(path);
	}
	closedir(d);
	free(dir);
}

/* Temporary files of atomic writes (policy.conf, public keys) left by a crash. */
static void scan_temp(struct fsck *f, const char *sub)
{
	char *dir = sub ? xasprintf("%s/%s", f->r->dir, sub) : xstrdup(f->r->dir);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			char *path;
			struct stat st;

			if (!is_temp_name(e->d_name))
				continue;
			path = xasprintf("%s/%s", dir, e->d_name);
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
				stray(f, path, e->d_name, &st, "temporary file");
			free(path);
		}
		closedir(d);
	}
	free(dir);
}

/* The file or folder at path (lstat'ed into st), and below it, down to
 * depth more levels, have the owner and group of own. */
static void check_owner_tree(struct fsck *f, const char *path, const struct stat *st, const struct stat *own,
			     int depth)
{
	DIR *d;
	struct dirent *e;

	if ((st->st_uid != own->st_uid || st->st_gid != own->st_gid) && !S_ISLNK(st->st_mode)) {
		const char *base = strrchr(path, '/');

		if (S_ISREG(st->st_mode) && base && util_is_id(base + 1) && file_is_young(f, st)) {
			f->young++;	/* a blob between its open and its fchown */
		} else {
			problem(f, "%s belongs to %u:%u, not to the register's owner %u:%u: a mount running as "
				"that user cannot use it", path, (unsigned)st->st_uid, (unsigned)st->st_gid,
				(unsigned)own->st_uid, (unsigned)own->st_gid);
			if (f->repair && lchown(path, own->st_uid, own->st_gid) < 0) {
				printf("  cannot give it to them: %s\n", strerror(errno));
			} else if (f->repair) {
				f->repaired++;
				printf("  given to them\n");
			}
		}
	}
	if (!S_ISDIR(st->st_mode) || depth == 0 || !(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		char *sub;
		struct stat sst;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (depth == 3 && (!strcmp(e->d_name, "spool") || !strcmp(e->d_name, "quarantine")))
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		if (lstat(sub, &sst) == 0)
			check_owner_tree(f, sub, &sst, own, depth - 1);
		free(sub);
	}
	closedir(d);
}

static void check_owners(struct fsck *f)
{
	struct stat own;

	if (lstat(f->r->dir, &own) < 0) {
		problem(f, "cannot stat %s: %s", f->r->dir, strerror(errno));
		return;
	}
	/* REGISTER, blobs/, blobs/xx/, blobs/xx/<id>: three levels below. */
	check_owner_tree(f, f->r->dir, &own, &own, 3);
}

/* The register's folder, keys/ and blobs/ writable by group or others
 * (reg_mode_warnings); --repair leaves the modes to the administrator. */
static void check_modes(struct fsck *f)
{
	char *warnings = reg_mode_warnings(f->r);

	for (char *w = warnings, *nl; w && (nl = strchr(w, '\n')); w = nl + 1)
		problem(f, "%.*s", (int)(nl - w), w);
	free(warnings);
}

static void check_blob_files(struct fsck *f)
{
	for (size_t i = 0; i < f->n_arts; i++) {
		struct art *a = &f->arts[i];
		char *path = reg_blob_path(f->r, a->id);
		struct stat st;
		uint32_t cs;

		if (stat(path, &st) < 0)
			problem(f, "blob of artifact %s (recording %s) is missing: %s", a->id, a->recording, path);
		else if (blob_chunk_size(path, &cs) < 0)
			problem(f, "blob of artifact %s (recording %s) has no valid header", a->id, a->recording);
		else if ((uint64_t)st.st_size != blob_disk_size(a->size, cs))
			problem(f, "blob of artifact %s (recording %s) has %lld bytes, expected %llu", a->id,
				a->recording, (long long)st.st_size, (unsigned long long)blob_disk_size(a->size, cs));
		free(path);
	}
}

/*
 * Ingest keys each recording by its audio, when it started and its source
 * (ingest_audio_key), so that the same audio sent again under another
 * manifest is a duplicate.  A recording an older recfs ingested has no such
 * key: sent again, it would be a new recording, free of this one's
 * restriction, legal hold or erasure.  That is a problem, which --repair
 * solves (add_audio_keys).  Reads the audio through, as blob_verify does;
 * returns its rc.  Two recordings of the same audio (a re-send an older
 * recfs took) share one key: the first keeps it, and the other is no
 * problem (sent again, it is a duplicate of the first).
 */
static int check_audio_key(struct fsck *f, const struct art *a, struct blob_reader *br)
{
	struct cat_recording rec;
	uint8_t mac[CRYPTO_MAC_BYTES];
	char holder[RECFS_ID_HEX];
	int rc;

	if ((rc = catalog_get_recording(f->r->cat, a->recording, &rec))) {
		problem(f, "recording %s of artifact %s cannot be read: %s", a->recording, a->id, meta_strerror(rc));
		return blob_verify(br);
	}
	rc = ingest_audio_key(keyring_index_key(f->kr), &rec, br, mac);
	cat_recording_clear(&rec);
	if (rc)
		return rc;
	rc = catalog_find_ingest_key(f->r->cat, mac, holder);
	if (rc == 0) {
		if (f->verbose && strcmp(holder, a->recording))
			printf("recording %s has the audio of recording %s\n", a->recording, holder);
		return 0;
	}
	if (rc != -ENOENT) {
		problem(f, "audio key of recording %s cannot be looked up: %s", a->recording, meta_strerror(rc));
		return 0;
	}
	problem(f, "recording %s has no audio key (an older recfs ingested it): its audio sent again would "
		"be a new recording", a->recording);
	f->unkeyed = xrealloc(f->unkeyed, (f->n_unkeyed + 1) * sizeof(*f->unkeyed));
	memcpy(f->unkeyed[f->n_unkeyed].recording, a->recording, RECFS_ID_HEX);
	memcpy(f->unkeyed[f->n_unkeyed].mac, mac, CRYPTO_MAC_BYTES);
	f->n_unkeyed++;
	return 0;
}

/* --repair: the audio keys check_audio_key found missing, in one
 * transaction, logged as one "fsck-repair" ("audio-keys=N"). */
static int add_audio_keys(struct fsck *f)
{
	char holder[RECFS_ID_HEX], why[40];
	long added = 0;
	int rc;

	if (!f->repair || !f->n_unkeyed)
		return 0;
	if ((rc = catalog_begin(f->r->cat)))
		return rc;
	for (size_t i = 0; rc == 0 && i < f->n_unkeyed; i++) {
		/* One audio twice, or an ingest of it since: the first keeps it. */
		rc = catalog_find_ingest_key(f->r->cat, f->unkeyed[i].mac, holder);
		if (rc == -ENOENT && (rc = catalog_put_ingest_key(f->r->cat, f->unkeyed[i].mac,
								   f->unkeyed[i].recording)) == 0)
			added++;
	}
	snprintf(why, sizeof(why), "audio-keys=%ld", added);
	if (rc == 0)
		rc = audit_log(f->r->cat, &f->actor, "fsck-repair", NULL, "ok", why);
	if (rc == 0)
		rc = catalog_commit(f->r->cat);
	if (rc) {
		catalog_rollback(f->r->cat);
		return rc;
	}
	f->repaired += (long)f->n_unkeyed;	/* each found, now keyed */
	return 0;
}

static void verify_blobs(struct fsck *f)
{
	for (size_t i = 0; i < f->n_arts; i++) {
		struct art *a = &f->arts[i];
		struct crypto_key *dek = NULL;
		struct blob_reader *br = NULL;
		struct cat_lock lock;
		char *path;
		int rc, level;

		meta_clear_error();
		rc = seal_unseal_highest(f->r, f->kr, a->id, &dek, &level);
		if (rc == -EACCES || rc == -ENOKEY)
			continue;	/* no level of the keyrings reads it */
		if (rc) {
			problem(f, "artifact %s (recording %s): %s", a->id, a->recording,
				meta_strerror(rc));
			continue;
		}
		/* A protected recording's seals hold DEK ^ P (protect.h): its
		 * tags can be checked only with its passphrase. */
		if (catalog_get_lock(f->r->cat, a->recording, &lock) == 0) {
			if (f->verbose)
				printf("skipped %s: password-protected\n", a->id);
			crypto_key_free(dek);
			continue;
		}
		path = reg_blob_path(f->r, a->id);
		rc = blob_reader_open(path, a->id, dek, a->size, &br);
		if (rc == 0 && a->audio && keyring_index_key(f->kr))
			rc = check_audio_key(f, a, br);
		else if (rc == 0)
			rc = blob_verify(br);
		if (rc == -ENOENT)
			; /* reported by check_blob_files */
		else if (rc)
			problem(f, "blob of artifact %s (recording %s) fails authentication", a->id, a->recording);
		else
			f->verified++;
		if (f->verbose && rc == 0)
			printf("verified %s (level %s)\n", a->id, f->r->policy->levels[level].name);
		blob_reader_close(br);
		crypto_key_free(dek);
		free(path);
	}
}

/* Authenticate sealed record id of owner; *out (when given) its JSON. */
static void verify_record(struct fsck *f, const char *id, const char *owner, json_t **out)
{
	char *json = NULL;
	size_t len = 0;
	int rc;

	meta_clear_error();
	rc = seal_read_record(f->r, f->kr, NULL, id, &json, &len);
	if (rc == 0)
		f->records_verified++;
	else if (rc != -ENOENT && rc != -EACCES && rc != -ENOKEY)
		problem(f, "sealed record %s of %s does not open: %s", id, owner,
			meta_strerror(rc));
	if (rc == 0 && out)
		*out = json_loadb(json, len, 0, NULL);
	crypto_freezero(json, len);
}

static int add_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	idlist_add(ctx, handle);
	return 0;
}

/* The role the details give subject handle, for a link made again. */
static const char *details_role(const json_t *details, const char *handle)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(details, "subjects"), i, s) {
		const char *h = json_string_value(json_object_get(s, "handle"));
		const char *role = json_string_value(json_object_get(s, "role"));

		if (h && !strcmp(h, handle) && ingest_is_subject_role(role))
			return role;
	}
	return INGEST_DEFAULT_ROLE;
}

/* A repair's transaction begun: 0, or its error said. */
static int begin_repair(struct fsck *f)
{
	int rc = catalog_begin(f->r->cat);

	if (rc)
		printf("  cannot repair it: %s\n", meta_strerror(rc));
	return rc;
}

/* One repair's transaction, rc its changes' outcome: committed, or rolled
 * back and said. */
static void end_repair(struct fsck *f, int rc, const char *done)
{
	rc = rc ? rc : catalog_commit(f->r->cat);
	if (rc) {
		catalog_rollback(f->r->cat);
		printf("  cannot repair it: %s\n", meta_strerror(rc));
		return;
	}
	f->repaired++;
	printf("  %s\n", done);
}

/* --repair of one link, in a transaction of its own, logged. */
static void repair_link(struct fsck *f, const char *recording, const char *handle, const char *role)
{
	char card[RECFS_ID_HEX];
	int rc;

	if (role && catalog_get_subject(f->r->cat, handle, card)) {
		printf("  cannot link it again: subject %s has no card\n", handle);
		return;
	}
	if (begin_repair(f))
		return;
	rc = role ? catalog_link_subject(f->r->cat, recording, handle, role)
		  : catalog_unlink_subject(f->r->cat, recording, handle);
	if (rc == 0)
		rc = audit_log(f->r->cat, &f->actor, "fsck-repair", recording, "ok",
			       role ? "link restored from the sealed details"
				    : "link the sealed details do not name removed");
	end_repair(f, rc, role ? "linked again, as the details say" : "link removed");
}

/* --repair: recording's id written into its details, logged. */
static void repair_own(struct fsck *f, const char *recording)
{
	int rc;

	if (begin_repair(f))
		return;
	rc = rights_details_own(f->r, f->kr, recording);
	rc = rc < 0 ? rc : audit_log(f->r->cat, &f->actor, "fsck-repair", recording, "ok",
				      "details name their recording");
	end_repair(f, rc, "its id written into its details");
}

/* Whether any of handles has a card. */
static int any_card(struct fsck *f, const struct idlist *handles)
{
	char card[RECFS_ID_HEX];

	for (size_t i = 0; i < handles->n; i++)
		if (catalog_get_subject(f->r->cat, handles->id[i], card) == 0)
			return 1;
	return 0;
}

/* Whether a and b hold the same ids (each once). */
static int same_ids(const struct idlist *a, const struct idlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!idlist_has(b, 0, a->id[i]))
			return 0;
	for (size_t i = 0; i < b->n; i++)
		if (!idlist_has(a, 0, b->id[i]))
			return 0;
	return 1;
}

/*
 * A recording's subjects are named twice: by its links, the rows every
 * report, export and by-subject folder reads, which root can change with
 * one statement, and by its sealed details (ingest_details_handles), which
 * ingest, merge and split keep in step with them and nobody without the
 * keys can forge; the details also name the recording and its files
 * (ingest_details_of, ingest_details_artifact).  Details that are another
 * recording's, or files they do not list, make the export refuse.  A link
 * the details do not name gives another person's call to that subject
 * (its export refuses); a subject the details name without a link is left
 * out of that subject's export, the opens of the recording with it
 * (atk50).  --repair makes the links what the details say, and seals the
 * recording's id and files into details an older recfs wrote.  Details an
 * older recfs wrote (no id in them) were not rewritten by its merges and
 * splits, so where they disagree with the links nothing is repaired: the
 * log may tie the two handles (audit_handles_before, said), but root can
 * append entries to it (atk51), so the officer decides.  1 when the
 * recording's details were read and are its own, else 0, or -errno.
 */
static int check_links(struct fsck *f, const struct rec *r, const json_t *details)
{
	struct idlist named = { 0 }, linked = { 0 }, arts = { 0 };
	int rc, own = ingest_details_of(details, r->id);

	if (own == 0) {
		problem(f, "recording %s points at details record %s, which is another recording's (changed outside "
			"recfs): its subjects' exports refuse it", r->id, r->details);
		return 0;
	}
	if ((rc = catalog_recording_artifacts(f->r->cat, r->id, &arts)) == -ENOENT)
		rc = 0;	/* no file: its own problem (check_catalog) */
	if (rc)
		goto out;
	for (size_t i = 0; i < arts.n; i++)
		if (ingest_details_artifact(details, arts.id[i]) == 0)
			problem(f, "recording %s: file %s is not one its sealed details list (moved from another "
				"recording outside recfs): its subjects' exports refuse it", r->id, arts.id[i]);
	if ((rc = catalog_each_link(f->r->cat, r->id, add_link, &linked)))
		goto out;
	ingest_details_handles(details, &named);
	for (size_t i = 0; i < named.n; i++)
		idlist_add(&f->named, named.id[i]);
	if (same_ids(&named, &linked)) {
		if (own < 0) {
			problem(f, "recording %s: its details do not name it and its files (an older recfs wrote "
				"them), so a recording pointed at them, or a file moved, would not be told", r->id);
			if (f->repair)
				repair_own(f, r->id);
		}
		goto out;	/* the log is read only when they differ */
	}
	for (size_t i = 0; i < linked.n; i++) {
		struct idlist before = { 0 };

		if (idlist_has(&named, 0, linked.id[i]))
			continue;
		problem(f, "recording %s is linked to subject %s, which its sealed details do not name (a link "
			"made outside recfs%s): the subject's export refuses it", r->id, linked.id[i],
			own < 0 ? ", or a merge or split by an older recfs" : "");
		if (audit_handles_before(f->r->cat, r->id, linked.id[i], &before) == 0)
			for (size_t k = 1; k < before.n; k++)
				if (idlist_has(&named, 0, before.id[k]))
					printf("  the log says %s became %s (recctl audit show --subject %s)\n",
					       before.id[k], linked.id[i], linked.id[i]);
		meta_clear_error();
		idlist_free(&before);
		/* details that name only subjects gone (an older recfs's
		 * merge whose log entry the sweep dropped) would leave the
		 * recording no one's: the officer decides */
		if (f->repair && (own < 0 || !any_card(f, &named)))
			printf("  left: %s\n", own < 0 ? "details an older recfs wrote; the officer decides"
							: "its details name no subject that has a card");
		else if (f->repair)
			repair_link(f, r->id, linked.id[i], NULL);
	}
	for (size_t i = 0; i < named.n; i++) {
		if (idlist_has(&linked, 0, named.id[i]))
			continue;
		problem(f, "recording %s: its sealed details name subject %s, which it is not linked to (a link "
			"removed outside recfs%s): the subject's export leaves it out", r->id, named.id[i],
			own < 0 ? ", or a merge or split by an older recfs" : "");
		if (f->repair && own < 0)
			printf("  left: details an older recfs wrote; the officer decides\n");
		else if (f->repair)
			repair_link(f, r->id, named.id[i], details_role(details, named.id[i]));
	}
out:
	idlist_free(&named);
	idlist_free(&linked);
	idlist_free(&arts);
	return rc ? rc : own != 0;
}

/* A subject's card opens and is its own (subject_card_of: a subject row
 * pointed at another's card gives that person's name to this one's
 * export, which refuses it), and its list of merged subjects is one. */
static int verify_card(const char *handle, void *ctx)
{
	struct fsck *f = ctx;
	struct idlist merged = { 0 };
	char card[RECFS_ID_HEX];
	json_t *j = NULL;

	if (catalog_get_subject(f->r->cat, handle, card) == 0)
		verify_record(f, card, handle, &j);
	if (j && subject_card_of(j, handle) == 0)
		problem(f, "subject %s points at card record %s, which is another subject's (changed outside recfs): "
			"its export refuses it", handle, card);
	if (j && subject_card_merged(j, &merged) < 0)
		problem(f, "subject %s: its card's list of merged subjects is damaged: its export refuses it", handle);
	idlist_free(&merged);
	json_decref(j);
	return 0;
}

/* The card records of the subjects, for check_shared_cards. */
struct cards {
	struct fsck *f;
	struct idlist ids;
};

static int add_card_id(const char *handle, void *ctx)
{
	struct cards *c = ctx;
	char card[RECFS_ID_HEX];

	if (catalog_get_subject(c->f->r->cat, handle, card) == 0)
		idlist_add(&c->ids, card);
	return 0;
}

/* No two subjects on one card record (found without keys). */
static int check_shared_cards(struct fsck *f)
{
	struct cards c = { f, { 0 } };
	int rc = catalog_each_subject(f->r->cat, add_card_id, &c);

	if (rc == 0)
		report_shared(f, &c.ids, "card record", "subject");
	idlist_free(&c.ids);
	return rc;
}

int cmd_fsck(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, 'K' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "repair", no_argument, NULL, 'r' },
		{ "grace", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *passfile = NULL;
	struct strlist keyrings = { 0 };
	struct fsck f = { .grace = 900 };
	char *end;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "vh", opts)) != -1) {
		switch (c) {
		case 'K': strlist_add(&keyrings, optarg); break;
		case 'P': passfile = optarg; break;
		case 'r': f.repair = 1; break;
		case 'g':
			f.grace = (time_t)strtol(optarg, &end, 10);
			if (*end || f.grace < 0) {
				rc = usage_error(usage_fsck, "--grace needs a number of seconds");
				goto out;
			}
			break;
		case 'v': f.verbose = 1; break;
		case 'h': rc = usage_show(usage_fsck); goto out;
		default: rc = usage_error(usage_fsck, NULL); goto out;
		}
	}
	if (optind != argc) {
		rc = usage_error(usage_fsck, "fsck takes no arguments");
		goto out;
	}
	if (keyrings.n && (rc = ctl_load_keyrings(keyrings.v, keyrings.n, passfile, &f.kr)))
		goto out;
	if ((rc = ctl_register(ctl, &f.r)))
		goto out;
	ctl_warn_reindex(f.r);
	audit_self(&f.actor, NULL);

	/* A damaged catalog may have lost rows without an error: its blobs
	 * would look orphaned, and --repair must not remove them. */
	meta_clear_error();
	if ((rc = catalog_integrity_check(f.r->cat))) {
		rc = error("%s; nothing else was checked or repaired", meta_strerror(rc));
		goto out;
	}
	/* The catalog is read before the blob directories: a blob committed
	 * in between looks orphaned, but it is young, so --repair spares it. */
	rc = catalog_each_recording(f.r->cat, collect_recording, &f);
	if (rc == 0)
		rc = catalog_each_artifact(f.r->cat, NULL, collect_artifact, &f);
	if (rc) {
		rc = error("cannot read the catalog: %s", meta_strerror(rc));
		goto out;
	}
	/* An empty register has no tables to sort (NULL). */
	if (f.n_arts > 1)
		qsort(f.arts, f.n_arts, sizeof(*f.arts), cmp_id);
	if (f.n_recs > 1)
		qsort(f.recs, f.n_recs, sizeof(*f.recs), cmp_id);
	check_catalog(&f);
	check_unsaid_restrictions(&f);
	check_shared_details(&f);
	if ((rc = check_shared_cards(&f))) {
		rc = error("cannot list subjects: %s", meta_strerror(rc));
		goto out;
	}
	rc = catalog_each_seal(f.r->cat, check_seal, &f);
	if (rc) {
		rc = error("cannot read the seals: %s", meta_strerror(rc));
		goto out;
	}
	if ((rc = check_orphan_records(&f))) {
		rc = error("cannot check the sealed records: %s", meta_strerror(rc));
		goto out;
	}
	check_plain_reasons(&f);
	/* The links first: one root removed makes a subject look unlinked,
	 * whose card --repair would otherwise erase. */
	for (size_t i = 0; f.kr && i < f.n_recs; i++) {
		json_t *details = NULL;

		if (f.recs[i].details[0])
			verify_record(&f, f.recs[i].details, f.recs[i].id, &details);
		rc = details ? check_links(&f, &f.recs[i], details) : 0;
		json_decref(details);
		if (rc < 0) {
			rc = error("cannot read the links of recording %s: %s", f.recs[i].id, meta_strerror(rc));
			goto out;
		}
		f.unproven += rc == 0;
	}
	if (f.named.n > 1)
		qsort(f.named.id, f.named.n, sizeof(*f.named.id), cmp_id);
	if ((rc = check_unlinked_subjects(&f))) {
		rc = error("cannot check the subjects: %s", meta_strerror(rc));
		goto out;
	}
	check_blob_files(&f);
	check_pending(&f);
	scan_blobs(&f);
	scan_temp(&f, NULL);
	scan_temp(&f, "keys");
	check_owners(&f);
	check_modes(&f);
	f.now = util_now();
	meta_clear_error();
	if ((rc = ingest_each_quarantined(f.r, note_quarantined, &f))) {
		rc = error("%s", meta_strerror(rc));
		goto out;
	}
	check_spool(&f);
	if (f.kr) {
		verify_blobs(&f);
		if ((rc = catalog_each_subject(f.r->cat, verify_card, &f))) {
			rc = error("cannot list subjects: %s", meta_strerror(rc));
			goto out;
		}
		if ((rc = add_audio_keys(&f))) {
			rc = error("cannot add the audio keys: %s", meta_strerror(rc));
			goto out;
		}
	}
	printf("fsck %s: %zu recordings, %zu artifacts, %ld blobs, %ld seals", ctl->dir, f.n_recs, f.n_arts, f.blobs,
	       f.seals);
	if (f.kr)
		printf(", %ld blobs and %ld sealed records authenticated", f.verified, f.records_verified);
	if (f.quarantined)
		printf(", %ld manifest%s in quarantine", f.quarantined, f.quarantined == 1 ? "" : "s");
	printf("; %ld problem%s", f.problems, f.problems == 1 ? "" : "s");
	if (f.repair)
		printf(", %ld repaired", f.repaired);
	if (f.young)
		printf(", %ld young file%s left alone", f.young, f.young == 1 ? "" : "s");
	putchar('\n');
	rc = f.problems > f.repaired ? 1 : 0;
out:
	strlist_clear(&keyrings);
	keyring_free(f.kr);
	free(f.arts);
	free(f.recs);
	idlist_free(&f.dead_seals);
	idlist_free(&f.pending);
	idlist_free(&f.named);
	free(f.unkeyed);
	return rc;
}
