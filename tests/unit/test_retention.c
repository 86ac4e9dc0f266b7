/* Unit tests of meta/retention: the sweep erases exactly the expired
 * recordings that are neither on hold nor restricted, logs each skip, in
 * batches across transaction boundaries; a dry run changes nothing;
 * withdrawing consent erases only consent-based recordings and names the
 * open request; quarantined manifests go once their retention is up, and
 * audit entries once audit_retention is, unless a request is open: an
 * access request, or one whose letter says what was done on it. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "ingest.h"
#include "request.h"
#include "retention.h"
#include "rights.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy;
static int seq;

/* Ingest one recording of subject phone at when; returns its id (malloc'd). */
static char *ingest_one(const char *when, const char *purpose, unsigned phone)
{
	char *opus = xasprintf("%s/spool/m%d.opus", dir, seq), *json = xasprintf("%s/spool/m%d.json", dir, seq);
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\", \"purpose\": \"%s\","
			       " \"subjects\": [{\"role\": \"customer\", \"phone\": \"+358%u\"}], \"audio\": \"m%d.opus\"}",
			       when, purpose, phone, seq);
	struct ingest_result res;
	char *id = NULL;

	seq++;
	CHECK_EQ(util_copy_file("tests/fixtures/mono.opus", opus, 0600), 0);
	CHECK_EQ(util_write_file_atomic(json, text, strlen(text), 0600), 0);
	if (ingest_manifest(reg, keyring_index_key(secrets), &actor, json, &res) == 0)
		id = xstrdup(res.recording);
	else
		fprintf(stderr, "  ingest: %s\n", meta_errmsg());
	unlink(opus);
	unlink(json);
	free(opus);
	free(json);
	free(text);
	return id;
}

#define N_EXPIRED 300	/* more than one batch */

static char *held, *restricted;

TEST(test_sweep_dry_run_counts_and_changes_nothing)
{
	struct retention_summary s;
	int recs, audit;

	for (int i = 0; i < N_EXPIRED; i++) {
		char when[32];
		char *id;

		snprintf(when, sizeof(when), "2025-01-%02dT%02d:%02d:00Z", 1 + i % 28, i / 28 % 24, i % 60);
		id = ingest_one(when, "quality", 1000 + (unsigned)i);
		if (i == 7)
			held = id;
		else if (i == 8)
			restricted = id;
		else
			free(id);
	}
	free(ingest_one("2026-05-01T10:00:00Z", "quality", 1));
	free(ingest_one("2026-05-02T10:00:00Z", "quality", 2));
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, held, "dispute"), 0);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, restricted, "accuracy contested"), 0);
	recs = t_count(reg, "SELECT count(*) FROM recording");
	audit = t_count(reg, "SELECT count(*) FROM audit");
	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.expired, N_EXPIRED);
	CHECK_EQ(s.erased, N_EXPIRED - 2);
	/* each of them its subject's last: the subjects the sweep erases
	 * with them are counted too */
	CHECK_EQ(s.subjects_erased, N_EXPIRED - 2);
	CHECK_EQ(s.skipped_hold, 1);
	CHECK_EQ(s.skipped_restricted, 1);
	CHECK_EQ(s.errors, 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit"), audit);
}

TEST(test_sweep_erases_expired_skips_hold_and_restricted_and_logs_skips)
{
	struct retention_summary s;
	struct cat_recording rec;

	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.expired, N_EXPIRED);
	CHECK_EQ(s.erased, N_EXPIRED - 2);
	CHECK_EQ(s.subjects_erased, N_EXPIRED - 2);	/* as the dry run said */
	CHECK_EQ(s.skipped_hold, 1);
	CHECK_EQ(s.skipped_restricted, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), 4);
	CHECK_EQ(t_count_blobs(reg), 4);
	/* Each erased recording was its subject's last: they went with it. */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), 4);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject_index WHERE handle NOT IN (SELECT handle FROM link)"), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='erase-subject' AND reason='last recording erased'"), N_EXPIRED - 2);
	CHECK_EQ(catalog_get_recording(reg->cat, held, &rec), 0);
	cat_recording_clear(&rec);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='retention-skip' AND reason='legal hold'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='retention-skip' AND reason='restricted'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='erase' AND reason GLOB 'retention subject=S-*' AND reason NOT GLOB '* * *'"),
		 N_EXPIRED - 2);	/* and the subject it was the last of */
	/* Seals of erased recordings are gone; the survivors' are intact
	 * (their records: details, and the sealed reasons of the hold and the
	 * restriction, which the recordings own). */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM seal WHERE object NOT IN (SELECT id FROM artifact)"
		       " AND object NOT IN (SELECT details_id FROM recording) AND object NOT IN (SELECT card FROM subject)"
		       " AND object NOT IN (SELECT id FROM record WHERE owner IN (SELECT id FROM recording))"),
		 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM record WHERE owner IN (SELECT id FROM recording)"), 2);
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &(struct audit_report){ 0 }), 0);
}

TEST(test_second_sweep_finds_only_the_skipped)
{
	struct retention_summary s;

	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.expired, 2);
	CHECK_EQ(s.erased, 0);
}

/*
 * A dry run counts the subjects the sweep erases with their last
 * recording, by the sweep's own rule: a subject of two expired recordings
 * once; not one that keeps a recording, nor one whose open request keeps
 * it.  The real sweep then erases as many.  Once the request is closed,
 * the subject it kept goes with the next sweep, and is counted.
 */
TEST(test_dry_run_counts_the_subjects_the_sweep_erases_with_their_last_recording)
{
	char *ids[6] = { ingest_one("2024-02-01T10:00:00Z", "quality", 8101),
			 ingest_one("2024-02-02T10:00:00Z", "quality", 8101),
			 ingest_one("2024-02-03T10:00:00Z", "quality", 8102),
			 ingest_one("2026-05-20T10:00:00Z", "quality", 8102),
			 ingest_one("2024-02-04T10:00:00Z", "quality", 8103),
			 ingest_one("2024-02-05T10:00:00Z", "quality", 8104) };
	char handle[CATALOG_HANDLE_MAX];
	struct retention_summary s;
	int64_t req = 0;
	int subjects;

	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+3588103", handle), 0);
	/* (not an access request: that keeps the recordings too) */
	CHECK_EQ(request_new(reg, &actor, "rectification", handle, "passport", &req), 0);
	subjects = t_count(reg, "SELECT count(*) FROM subject");
	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.erased, 5);
	CHECK_EQ(s.subjects_erased, 2);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), subjects);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.erased, 5);
	CHECK_EQ(s.subjects_erased, 2);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), subjects - 2);
	/* Closed (an open request would hold the audit log back), the
	 * request no longer keeps its subject: the next sweep erases it, and
	 * counts it, its dry run too (bb3 LOW 1: neither did). */
	CHECK_EQ(request_close(reg, &actor, req, "answered"), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.erased, 0);
	CHECK_EQ(s.subjects_erased, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), subjects - 2);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.subjects_erased, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), subjects - 3);
	for (int i = 0; i < 6; i++)
		free(ids[i]);
}

TEST(test_withdraw_consent_erases_consent_recordings_only_and_names_the_request)
{
	char *c1 = ingest_one("2026-04-01T10:00:00Z", "consent", 777);
	char *c2 = ingest_one("2026-04-02T10:00:00Z", "consent", 777);
	char *k = ingest_one("2026-04-03T10:00:00Z", "quality", 777);
	char handle[CATALOG_HANDLE_MAX];
	struct consent_summary s;
	struct cat_recording rec;
	int64_t req;

	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358777", handle), 0);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, c2, "dispute"), 0);
	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "passport", &req), 0);
	CHECK_EQ(retention_withdraw_consent(reg, &actor, handle, &s), 0);
	CHECK_EQ(s.consent, 2);
	CHECK_EQ(s.erased, 1);
	CHECK_EQ(s.skipped_hold, 1);
	CHECK_EQ(s.kept, 1);
	CHECK_EQ(catalog_get_recording(reg->cat, c1, &rec), -ENOENT);
	CHECK_EQ(catalog_get_recording(reg->cat, k, &rec), 0);
	cat_recording_clear(&rec);
	{
		char *sql = xasprintf("SELECT count(*) FROM audit WHERE action='erase' AND object='%s'"
				      " AND reason LIKE 'withdraw-consent request=%lld kind=call basis=consent purpose=consent"
				      " subject=%s'", c1, (long long)req,
				      handle);
		CHECK_EQ(t_count(reg, sql), 1);
		free(sql);
	}
	CHECK_EQ(retention_withdraw_consent(reg, &actor, "S-NOSUCH", &s), -ENOENT);
	/* Answered: an open request would hold the audit log back. */
	CHECK_EQ(request_close(reg, &actor, req, "answered"), 0);
	free(c1);
	free(c2);
	free(k);
}

/* Quarantine manifest NAME.json (not JSON) as if on day `when`; its
 * folder (malloc'd). */
static char *quarantine_at(const char *name, const char *when)
{
	char *json = xasprintf("%s/spool/%s.json", dir, name), *qdir = NULL, *err = NULL;
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	int64_t t;

	CHECK_EQ(util_write_file_atomic(json, "not json", 8, 0600), 0);
	CHECK_EQ(ingest_quarantine(reg, json, "manifest is not valid JSON", &qdir), 0);
	CHECK_EQ(util_parse_time(when, &t), 0);
	ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
	err = xasprintf("%s/error.txt", qdir ? qdir : "");
	CHECK_EQ(utimensat(AT_FDCWD, err, ts, 0), 0);
	free(err);
	free(json);
	return qdir;
}

struct seen {
	int n;
	char names[4][16], manifests[4][16];
	int64_t since[4], until[4];
};

static int see(const struct ingest_quarantined *q, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", q->name);
		snprintf(s->manifests[s->n], sizeof(s->manifests[0]), "%s", q->manifest ? q->manifest : "");
		s->since[s->n] = q->since;
		s->until[s->n] = q->until;
	}
	s->n++;
	return 0;
}

TEST(test_sweep_erases_quarantined_manifests_past_their_retention_only)
{
	struct retention_summary s;
	struct seen seen = { 0 };
	int64_t old, young, until;
	char *qold = quarantine_at("old", "2026-04-01T12:00:00Z");	/* 61 days before RECFS_NOW */
	char *qyoung = quarantine_at("young", "2026-05-20T12:00:00Z");	/* 12 days */
	const char *yid = qyoung ? strrchr(qyoung, '/') + 1 : "";
	struct t_entry e;
	int o, y;

	if (!qold || !qyoung)
		return;
	CHECK_EQ(util_parse_time("2026-04-01T12:00:00Z", &old), 0);
	CHECK_EQ(util_parse_time("2026-05-20T12:00:00Z", &young), 0);
	CHECK_EQ(util_parse_time("2026-05-01T12:00:00Z", &until), 0);
	CHECK_EQ(ingest_each_quarantined(reg, see, &seen), 0);
	CHECK_EQ(seen.n, 2);
	/* In the order of their ids, which are random. */
	o = !strcmp(seen.manifests[0], "old.json") ? 0 : 1;
	y = 1 - o;
	CHECK_STR(seen.manifests[o], "old.json");
	CHECK_STR(seen.names[o], strrchr(qold, '/') + 1);
	CHECK_EQ(seen.since[o], old);
	CHECK_EQ(seen.until[o], until);	/* quarantine_retention: 30 days */
	CHECK_STR(seen.manifests[y], "young.json");
	CHECK_STR(seen.names[y], yid);
	CHECK_EQ(seen.since[y], young);

	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.quarantine_expired, 1);
	CHECK_EQ(s.quarantine_erased, 1);
	CHECK_EQ(access(qold, F_OK), 0);	/* a dry run */
	CHECK(strcmp(t_last_entry(reg, NULL).action, "quarantine-erase"));

	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.quarantine_expired, 1);
	CHECK_EQ(s.quarantine_erased, 1);
	CHECK_EQ(s.quarantine_errors, 0);
	CHECK(access(qold, F_OK) < 0 && errno == ENOENT);
	CHECK_EQ(access(qyoung, F_OK), 0);
	e = t_last_entry(reg, NULL);
	CHECK_STR(e.action, "quarantine-erase");
	CHECK_STR(e.outcome, "ok");
	CHECK_STR(e.reason, "erased=1 errors=0");

	/* Nothing more to erase: nothing is logged for the quarantine. */
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.quarantine_expired, 0);
	CHECK_STR(t_last_entry(reg, NULL).action, "retention-sweep");
	CHECK_EQ(ingest_erase_quarantined(reg, ".."), -EINVAL);
	{
		char *up = xasprintf("%s/..", yid);

		CHECK_EQ(ingest_erase_quarantined(reg, up), -EINVAL);
		free(up);
	}
	CHECK_EQ(ingest_erase_quarantined(reg, yid), 0);
	CHECK(access(qyoung, F_OK) < 0 && errno == ENOENT);
	CHECK_EQ(ingest_erase_quarantined(reg, yid), 0);
	free(qold);
	free(qyoung);
}

TEST(test_sweep_drops_audit_entries_past_audit_retention_unless_an_access_request_is_open)
{
	struct policy_period kept = reg->policy->audit_retention;
	char handle[CATALOG_HANDLE_MAX];
	struct retention_summary s;
	struct audit_report rep;
	int64_t req, dry;
	int before;

	CHECK_EQ(kept.n, 2);	/* the default */
	CHECK_EQ(kept.unit, 'y');
	/* Everything so far was logged on 2026-06-01; a day's retention two
	 * days later makes all of it old. */
	reg->policy->audit_retention = (struct policy_period){ 1, 'd' };
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358777", handle), 0);
	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport", &req), 0);
	setenv("RECFS_NOW", "2026-06-03T00:00:00Z", 1);
	before = t_count(reg, "SELECT count(*) FROM audit");
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.audit_held_by, req);	/* its answer lists the accesses of the year before it */
	CHECK_EQ(s.audit_dropped, 0);
	CHECK_EQ(s.audit_before, 1780272000 /* 2026-06-01, when it was received */ - 86400);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action = 'audit-expire'"), 0);
	CHECK_EQ(request_close(reg, &actor, req, "answered"), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	dry = s.audit_dropped;
	CHECK_EQ(dry, before);	/* all of them, request_new's entry included */
	CHECK_EQ(s.audit_held_by, 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action = 'audit-expire'"), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.audit_dropped, dry);
	CHECK_EQ(s.audit_errors, 0);
	CHECK_EQ(s.audit_first, dry + 1);
	CHECK_EQ(t_count(reg, "SELECT min(seq) FROM audit"), dry + 1);
	CHECK_STR(t_last_entry(reg, NULL).action, "audit-expire");
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.first, dry + 1);
	reg->policy->audit_retention = kept;
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
}

/* The letter's model of request id. */
static json_t *model_of(int64_t id)
{
	struct cat_request q = { 0 };
	json_t *m = NULL;

	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_EQ(answer_model(reg, &q, "en", NULL, NULL, NULL, &m), 0);
	cat_request_clear(&q);
	return m ? m : json_object();
}

/* An open erasure or restriction request holds the log back as an access
 * request does: the entries of what was done on it are still there past
 * audit_retention, and its letter still lists them. */
TEST(test_sweep_keeps_what_an_open_request_s_letter_lists_past_audit_retention)
{
	struct policy_period kept = reg->policy->audit_retention;
	char handle[CATALOG_HANDLE_MAX];
	struct retention_summary s;
	char *r1, *r2, *sql = NULL;
	int64_t era = 0, res = 0;
	json_t *m;

	setenv("RECFS_NOW", "2026-06-10T09:00:00Z", 1);
	r1 = ingest_one("2026-06-01T10:00:00Z", "quality", 888);
	r2 = ingest_one("2026-06-02T10:00:00Z", "quality", 888);
	CHECK(r1 && r2);
	if (!r1 || !r2)
		goto out;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358888", handle), 0);
	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "passport", &era), 0);
	CHECK_EQ(request_new(reg, &actor, "restriction", handle, "passport", &res), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, r1, "rm"), 0);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, r2, NULL), 0);
	/* Ten days on, with a day's audit_retention. */
	reg->policy->audit_retention = (struct policy_period){ 1, 'd' };
	setenv("RECFS_NOW", "2026-06-20T09:00:00Z", 1);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.audit_held_by, era);
	CHECK_EQ(s.audit_before, 1780995600 /* 2026-06-09T09:00:00Z: a day before it was received */);
	sql = xasprintf("SELECT count(*) FROM audit WHERE action='erase' AND object='%s' AND outcome='ok'", r1);
	CHECK_EQ(t_count(reg, sql), 1);
	m = model_of(era);
	CHECK_EQ(json_integer_value(json_object_get(m, "erased_count")), 1);
	json_decref(m);
	m = model_of(res);
	CHECK_EQ(json_array_size(json_object_get(m, "restricted_recordings")), 1);
	json_decref(m);
	/* Answered and closed, they hold nothing back. */
	CHECK_EQ(request_close(reg, &actor, era, "answered"), 0);
	CHECK_EQ(request_close(reg, &actor, res, "answered"), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.audit_held_by, 0);
	CHECK_EQ(t_count(reg, sql), 0);
out:
	reg->policy->audit_retention = kept;
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	free(sql);
	free(r1);
	free(r2);
}

/* 1 when recording id is still in the catalog. */
static int kept(const char *id)
{
	struct cat_recording rec;
	int rc = catalog_get_recording(reg->cat, id, &rec);

	if (rc == 0)
		cat_recording_clear(&rec);
	return rc == 0;
}

/*
 * The answer to an access or portability request is of the data held when
 * it was received (bb5: a sweep between receipt and answer erased the
 * person's only recording, and the letter said none was processed): the
 * sweep keeps the expired recordings of a subject with such a request
 * open, logged and counted, and erases them once it is closed.  Another
 * open request (erasure) keeps nothing, and neither does one past its due
 * date, such as one left awaiting the requester's identity: a request
 * nobody answers keeps nothing past retention for longer than its answer
 * was due.
 */
TEST(test_sweep_keeps_the_recordings_of_an_open_access_request)
{
	char handle[CATALOG_HANDLE_MAX], other[CATALOG_HANDLE_MAX];
	char *a = ingest_one("2024-03-01T10:00:00Z", "quality", 8201);
	char *b = ingest_one("2024-03-02T10:00:00Z", "quality", 8202);
	char *c = ingest_one("2024-03-03T10:00:00Z", "quality", 8203);
	char *d = ingest_one("2024-03-04T10:00:00Z", "quality", 8204);
	struct retention_summary s;
	struct request_in overdue = { .type = "access", .handle = other };
	int64_t acc = 0, port = 0, era = 0, late = 0;

	CHECK(a && b && c && d);
	if (!a || !b || !c || !d)
		goto out;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+3588201", handle), 0);
	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport", &acc), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+3588202", other), 0);
	CHECK_EQ(request_new(reg, &actor, "portability", other, "passport", &port), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+3588203", other), 0);
	CHECK_EQ(request_new(reg, &actor, "erasure", other, "passport", &era), 0);
	/* received a year and more ago, awaiting the requester's identity since */
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+3588204", other), 0);
	CHECK_EQ(util_parse_date("2024-06-03", &overdue.received), 0);
	CHECK_EQ(request_receive(reg, &actor, &overdue, &late), 0);
	CHECK_EQ(request_await(reg, &actor, late, REQUEST_AWAITING_IDENTITY), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.skipped_request, 2);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.skipped_request, 2);
	CHECK(kept(a) && kept(b) && !kept(c) && !kept(d));
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='retention-skip' AND reason LIKE "
			      "'open access request %'"), 2);
	CHECK_EQ(request_close(reg, &actor, acc, "answered"), 0);
	CHECK_EQ(request_close(reg, &actor, port, "answered"), 0);
	CHECK_EQ(request_close(reg, &actor, era, "answered"), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.skipped_request, 0);
	CHECK(!kept(a) && !kept(b));
out:
	free(a);
	free(b);
	free(c);
	free(d);
}

/* A real sweep at when (RECFS_NOW). */
static void sweep_at(const char *when)
{
	struct retention_summary s;

	setenv("RECFS_NOW", when, 1);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
}

/*
 * A retention_until of day D keeps the recording through the whole of D
 * (UTC), whether ingest derived it (recorded_at plus the purpose's
 * retention, which has a time of day) or the rights level set it (a date,
 * setfattr or recctl retention set): both are stored as D's 00:00, no
 * sweep on D erases it, and the first after D does.
 */
TEST(test_a_retention_day_keeps_the_recording_through_that_whole_day)
{
	int p = policy_purpose_index(reg->policy, "quality");
	char *set = NULL, *derived = NULL;
	struct cat_recording rec;
	int64_t at, day;
	char d[11], when[32];

	setenv("RECFS_NOW", "2026-06-02T00:00:00Z", 1);
	set = ingest_one("2026-06-01T23:59:59Z", "quality", 7001);
	/* A second earlier: the same audio at the same time would be the
	 * same recording. */
	derived = ingest_one("2026-06-01T23:59:58Z", "quality", 7002);
	if (!set || !derived || p < 0)
		goto out;
	CHECK_EQ(util_parse_time("2026-06-01T23:59:58Z", &at), 0);
	day = util_day_start(policy_period_add(at, reg->policy->purposes[p].retention));
	CHECK_EQ(catalog_get_recording(reg->cat, derived, &rec), 0);
	CHECK_EQ(rec.retention_until, day);	/* the day, not its 23:59:59 */
	cat_recording_clear(&rec);

	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, set, "2026-06-05"), 0);
	sweep_at("2026-06-05T04:30:00Z");
	CHECK(kept(set));
	sweep_at("2026-06-05T23:59:59Z");
	CHECK(kept(set));
	sweep_at("2026-06-06T00:00:00Z");
	CHECK(!kept(set));

	util_format_date(day, d);
	snprintf(when, sizeof(when), "%sT23:59:59Z", d);
	sweep_at(when);
	CHECK(kept(derived));
	util_format_date(day + 86400, d);
	snprintf(when, sizeof(when), "%sT00:00:00Z", d);
	sweep_at(when);
	CHECK(!kept(derived));
out:
	free(set);
	free(derived);
}

/* Whether an objection's restriction is all that restricts id: 1 or 0;
 * -1 when it is gone. */
static int by_objection(const char *id)
{
	struct cat_recording rec;
	int mark = -1;

	if (catalog_get_recording(reg->cat, id, &rec) == 0) {
		mark = rec.restricted_since ? rec.restricted_by_objection : 0;
		cat_recording_clear(&rec);
	}
	return mark;
}

/* The handle of the subject that gave phone +358<phone>. */
static void handle_of(unsigned phone, char handle[CATALOG_HANDLE_MAX])
{
	char number[32];

	snprintf(number, sizeof(number), "+358%u", phone);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", number, handle), 0);
}

/*
 * An objection stops the processing for its purpose; it does not keep
 * the recording past its retention.  The sweep (and its dry run) erases a
 * recording whose only restriction is an objection's, made when the
 * person objected, at ingest or by a merge, and one whose objection was
 * lifted, as it erases one not restricted.  The officer's restriction
 * (Art. 18), before or after the objection's, and a legal hold keep it.
 */
TEST(test_an_objection_s_restriction_keeps_nothing_past_retention)
{
	static const char *const sl[] = { "service-level" };
	char *objected = NULL, *then_officer = NULL, *officer_first = NULL, *then_held = NULL, *lifted = NULL;
	char *objection_lifted = NULL, *merged = NULL, *other = NULL, *at_ingest = NULL, *sql = NULL;
	char h[CATALOG_HANDLE_MAX], into[CATALOG_HANDLE_MAX];
	struct retention_summary before, s;
	int seq0;
	size_t n;

	/* Swept first: what the tests before left expired is only what
	 * the sweep keeps. */
	setenv("RECFS_NOW", "2026-06-10T00:00:00Z", 1);
	CHECK_EQ(retention_sweep(reg, &actor, 0, &before), 0);
	CHECK_EQ(retention_sweep(reg, &actor, 1, &before), 0);
	CHECK_EQ(before.erased, 0);
	objected = ingest_one("2024-04-01T10:00:00Z", "service-level", 8301);
	then_officer = ingest_one("2024-04-02T10:00:00Z", "service-level", 8302);
	officer_first = ingest_one("2024-04-03T10:00:00Z", "service-level", 8303);
	then_held = ingest_one("2024-04-04T10:00:00Z", "service-level", 8304);
	lifted = ingest_one("2024-04-05T10:00:00Z", "service-level", 8305);
	objection_lifted = ingest_one("2024-04-06T10:00:00Z", "service-level", 8306);
	merged = ingest_one("2024-04-07T10:00:00Z", "service-level", 8307);
	other = ingest_one("2024-04-08T10:00:00Z", "quality", 8308);
	CHECK(objected && then_officer && officer_first && then_held && lifted && objection_lifted && merged && other);
	if (!objected || !then_officer || !officer_first || !then_held || !lifted || !objection_lifted || !merged ||
	    !other)
		goto out;
	for (unsigned phone = 8301; phone <= 8306; phone++) {
		handle_of(phone, h);
		if (phone == 8303)
			CHECK_EQ(rights_restrict(reg, &actor, privacy, officer_first, "legal claim"), 0);
		CHECK_EQ(rights_object(reg, &actor, privacy, h, sl, 1, &n, NULL), 0);
		CHECK_EQ(n, phone != 8303);
	}
	CHECK_EQ(by_objection(objected), 1);
	CHECK_EQ(by_objection(officer_first), 0);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, then_officer, "legal claim"), 0);
	CHECK_EQ(by_objection(then_officer), 0);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, then_held, "dispute"), 0);
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, lifted), 0);
	CHECK_EQ(by_objection(lifted), 0);
	/* Lifted, the objection leaves its restriction to the officer to
	 * lift: still its, not the officer's. */
	handle_of(8306, h);
	CHECK_EQ(rights_lift_objection(reg, &actor, privacy, h, "service-level", &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(by_objection(objection_lifted), 1);
	/* The next call of a person who objects arrives restricted. */
	at_ingest = ingest_one("2024-04-09T10:00:00Z", "service-level", 8301);
	CHECK(at_ingest && by_objection(at_ingest) == 1);
	/* A merge brings an objection to the recordings of the other card. */
	handle_of(8308, into);
	handle_of(8307, h);
	CHECK_EQ(rights_object(reg, &actor, privacy, into, sl, 1, &n, NULL), 0);
	CHECK_EQ(rights_merge_subjects(reg, secrets, &actor, privacy, into, h, NULL, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(by_objection(merged), 1);

	CHECK_EQ(retention_sweep(reg, &actor, 1, &s), 0);
	CHECK_EQ(s.expired, before.expired + 9);
	CHECK_EQ(s.erased, before.erased + 6);
	CHECK_EQ(s.skipped_restricted, before.skipped_restricted + 2);
	CHECK_EQ(s.skipped_hold, before.skipped_hold + 1);
	seq0 = t_count(reg, "SELECT max(seq) FROM audit");
	CHECK_EQ(retention_sweep(reg, &actor, 0, &s), 0);
	CHECK_EQ(s.erased, before.erased + 6);
	CHECK_EQ(s.skipped_restricted, before.skipped_restricted + 2);
	CHECK(!kept(objected) && !kept(lifted) && !kept(objection_lifted) && !kept(merged) && !kept(other));
	CHECK(at_ingest && !kept(at_ingest));
	CHECK(kept(then_officer) && kept(officer_first) && kept(then_held));
	sql = xasprintf("SELECT count(*) FROM audit WHERE action='erase' AND outcome='ok' AND reason GLOB 'retention*'"
			" AND seq > %d", seq0);
	CHECK_EQ(t_count(reg, sql), 6);
	free(sql);
	sql = xasprintf("SELECT count(*) FROM audit WHERE action='retention-skip' AND reason='restricted'"
			" AND seq > %d AND object IN ('%s', '%s')", seq0, then_officer, officer_first);
	CHECK_EQ(t_count(reg, sql), 2);
out:
	free(sql);
	free(objected);
	free(then_officer);
	free(officer_first);
	free(then_held);
	free(lifted);
	free(objection_lifted);
	free(merged);
	free(other);
	free(at_ingest);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("retention")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	audit_self(&actor, "privacy");
	RUN(test_sweep_dry_run_counts_and_changes_nothing);
	RUN(test_sweep_erases_expired_skips_hold_and_restricted_and_logs_skips);
	RUN(test_second_sweep_finds_only_the_skipped);
	RUN(test_dry_run_counts_the_subjects_the_sweep_erases_with_their_last_recording);
	RUN(test_withdraw_consent_erases_consent_recordings_only_and_names_the_request);
	RUN(test_sweep_erases_quarantined_manifests_past_their_retention_only);
	RUN(test_sweep_drops_audit_entries_past_audit_retention_unless_an_access_request_is_open);
	RUN(test_sweep_keeps_what_an_open_request_s_letter_lists_past_audit_retention);
	RUN(test_a_retention_day_keeps_the_recording_through_that_whole_day);
	RUN(test_sweep_keeps_the_recordings_of_an_open_access_request);
	RUN(test_an_objection_s_restriction_keeps_nothing_past_retention);
	free(held);
	free(restricted);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
