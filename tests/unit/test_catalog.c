/* Unit tests of meta/catalog: schema versions, the stores, secure_delete,
 * the content version that mounts watch. */
#include <fcntl.h>
#include <sqlite3.h> /* result codes for catalog_errno */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_i.h" /* catalog_exec: these tests write SQL on purpose */
#include "t.h"

static char *dir;

static struct catalog *fresh(const char *name)
{
	struct catalog *c = NULL;
	char *p = xasprintf("%s/%s.db", dir, name);

	CHECK_EQ(catalog_open(p, 1, &c), 0);
	free(p);
	return c;
}

/* Run sql on *c (a schema set back by hand, rows an older recfs wrote),
 * close it and open path again: an older register's first open. */
static void reopen_after(struct catalog **c, const char *path, const char *sql)
{
	CHECK_EQ(catalog_exec(*c, sql), 0);
	catalog_close(*c);
	*c = NULL;
	CHECK_EQ(catalog_open(path, 0, c), 0);
}

static void put_rec(struct catalog *c, const char *id, int64_t at)
{
	struct cat_recording r = {
		.recorded_at = at, .source = (char *)"customer-service", .kind = (char *)"call",
		.purpose = (char *)"quality", .legal_basis = (char *)"contract",
		.data_source = (char *)"customer-service telephony", .retention_until = at + 86400,
		.channels = 1, .pcm_samples = 48000, .duration_ms = 1000,
	};
	snprintf(r.id, sizeof(r.id), "%s", id);
	CHECK_EQ(catalog_put_recording(c, &r), 0);
}

/* Recording id (at 5) with its audio artifact art (into *a) and subject
 * S-ABCDEF linked to it, in four rows. */
static void put_linked_rec(struct catalog *c, const char *id, const char *art, struct cat_artifact *a)
{
	*a = (struct cat_artifact){ .role = (char *)"audio", .ext = (char *)"opus", .size = 10 };
	put_rec(c, id, 5);
	snprintf(a->id, sizeof(a->id), "%s", art);
	snprintf(a->recording, sizeof(a->recording), "%s", id);
	CHECK_EQ(catalog_put_artifact(c, a), 0);
	CHECK_EQ(catalog_put_subject(c, "S-ABCDEF", "33333333333333333333333333333333"), 0);
	CHECK_EQ(catalog_link_subject(c, a->recording, "S-ABCDEF", "customer"), 0);
}

TEST(test_catalog_refuses_to_open_a_missing_catalog_without_create)
{
	struct catalog *c = NULL;
	char *p = xasprintf("%s/none.db", dir);

	CHECK(catalog_open(p, 0, &c) < 0);
	CHECK(c == NULL);
	free(p);
}

TEST(test_catalog_refuses_a_newer_schema_version)
{
	struct catalog *c = fresh("newer");
	char *p = xasprintf("%s/newer.db", dir);

	CHECK_EQ(catalog_exec(c, "PRAGMA user_version=99"), 0);
	catalog_close(c);
	c = NULL;
	CHECK_EQ(catalog_open(p, 0, &c), -EPROTO);
	CHECK(strstr(meta_errmsg(), "upgrade recfs") != NULL);
	free(p);
}

TEST(test_catalog_stores_and_returns_a_recording)
{
	struct catalog *c = fresh("rec");
	struct cat_recording r;
	char id[RECFS_ID_HEX];

	put_rec(c, "0123456789abcdef0123456789abcdef", 1000);
	CHECK_EQ(catalog_get_recording(c, "0123456789abcdef0123456789abcdef", &r), 0);
	CHECK_STR(r.purpose, "quality");
	CHECK_EQ(r.recorded_at, 1000);
	CHECK(r.legal_hold == NULL);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_find_recording(c, "01234567", id), 0);
	CHECK_STR(id, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(catalog_find_recording(c, "ffffffff", id), -ENOENT);
	CHECK_EQ(catalog_get_recording(c, "ffffffffffffffffffffffffffffffff", &r), -ENOENT);
	catalog_close(c);
}

/* A savepoint undone drops its part alone; one released commits with the
 * transaction; none outside a transaction. */
TEST(test_catalog_savepoint_undoes_one_part_of_a_transaction)
{
	struct catalog *c = fresh("savepoint");
	struct cat_recording r;

	CHECK_EQ(catalog_savepoint(c), -EINVAL);
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_rec(c, "0123456789abcdef0123456789abcdef", 1000);
	CHECK_EQ(catalog_savepoint_release(c), 0);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_rec(c, "1123456789abcdef0123456789abcdef", 1000);
	CHECK_EQ(catalog_savepoint_undo(c), 0);
	CHECK_EQ(catalog_in_transaction(c), 1);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_rec(c, "2123456789abcdef0123456789abcdef", 1000);
	CHECK_EQ(catalog_savepoint_release(c), 0);
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(catalog_get_recording(c, "0123456789abcdef0123456789abcdef", &r), 0);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_get_recording(c, "1123456789abcdef0123456789abcdef", &r), -ENOENT);
	CHECK_EQ(catalog_get_recording(c, "2123456789abcdef0123456789abcdef", &r), 0);
	cat_recording_clear(&r);
	catalog_close(c);
}

TEST(test_catalog_deleting_a_recording_cascades_to_artifacts_and_links)
{
	struct catalog *c = fresh("cascade");
	struct cat_artifact a, got;

	put_linked_rec(c, "11111111111111111111111111111111", "22222222222222222222222222222222", &a);
	CHECK_EQ(catalog_delete_recording(c, a.recording), 0);
	CHECK_EQ(catalog_get_artifact(c, a.id, &got), -ENOENT);
	catalog_close(c);
}

TEST(test_catalog_content_version_moves_with_content_not_with_meta)
{
	struct catalog *c = fresh("cv");
	int64_t a, b, d;
	uint8_t seal[CRYPTO_SEAL_BYTES] = { 1, 2, 3 };

	CHECK_EQ(catalog_content_version(c, &a), 0);
	CHECK_EQ(catalog_set_meta(c, "k", "v"), 0);
	CHECK_EQ(catalog_content_version(c, &b), 0);
	CHECK_EQ(a, b);
	CHECK_EQ(catalog_put_seal(c, "obj", "training", seal), 0);
	CHECK_EQ(catalog_touch_content(c), 0);	/* seals alone: the writer says so */
	CHECK_EQ(catalog_content_version(c, &d), 0);
	CHECK(d > b);
	put_rec(c, "66666666666666666666666666666666", 9);
	CHECK_EQ(catalog_content_version(c, &b), 0);
	CHECK(b > d);
	catalog_close(c);
}

/* A content_version without its row (deleted by hand) is a damaged
 * catalog, said as such, never a version left unwritten; so is one of two
 * rows, to the integrity check. */
TEST(test_catalog_content_version_without_its_row_is_euclean)
{
	struct catalog *c = fresh("cv-gone");
	int64_t v = 0x5555;

	CHECK_EQ(catalog_exec(c, "DELETE FROM content_version"), 0);
	CHECK_EQ(catalog_content_version(c, &v), -EUCLEAN);
	CHECK_EQ(v, 0x5555);
	CHECK_EQ(catalog_integrity_check(c), -EUCLEAN);	/* what fsck runs first */
	CHECK_EQ(catalog_exec(c, "INSERT INTO content_version VALUES (1), (2)"), 0);
	CHECK_EQ(catalog_integrity_check(c), -EUCLEAN);
	CHECK_EQ(catalog_exec(c, "DELETE FROM content_version WHERE n = 2"), 0);
	CHECK_EQ(catalog_integrity_check(c), 0);
	CHECK_EQ(catalog_change_seq(c, &v), 0);	/* an aggregate: a row, 0 */
	CHECK_EQ(v, 0);
	catalog_close(c);
}

/* The change log: what fn saw, one "r:ID" / "s:HANDLE" / "*" per row. */
struct seen {
	char log[4096];
	int64_t last;
};

static int note_change(int64_t seq, const char *recording, const char *subject, void *ctx)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	CHECK(seq > s->last);
	s->last = seq;
	snprintf(s->log + n, sizeof(s->log) - n, "%s%s%.4s", n ? " " : "", recording ? "r:" : subject ? "s:" : "*",
		 recording ? recording : subject ? subject : "");
	return 0;
}

static int count_change(int64_t seq, const char *recording, const char *subject, void *ctx)
{
	(void)seq;
	(void)subject;
	*(int64_t *)ctx += recording != NULL;
	return 0;
}

static struct seen changes_after(struct catalog *c, int64_t after)
{
	struct seen s = { .last = after };
	int64_t upto;

	CHECK_EQ(catalog_change_seq(c, &upto), 0);
	CHECK_EQ(catalog_changes_since(c, after, upto, note_change, &s), 0);
	return s;
}

TEST(test_catalog_change_log_names_the_recording_or_subject_of_every_change)
{
	struct catalog *c = fresh("changes");
	struct cat_artifact a;
	struct cat_recording r;
	uint8_t seal[CRYPTO_SEAL_BYTES] = { 1 };
	int64_t s0, s1;

	CHECK_EQ(catalog_change_seq(c, &s0), 0);
	CHECK_EQ(s0, 0);
	put_linked_rec(c, "aaaa1111111111111111111111111111", "bbbb2222222222222222222222222222", &a);
	CHECK_STR(changes_after(c, s0).log, "r:aaaa r:aaaa s:S-AB r:aaaa");
	CHECK_EQ(catalog_change_seq(c, &s1), 0);
	/* Seals and the meta table leave no row; an update and a touch do. */
	CHECK_EQ(catalog_put_seal(c, a.id, "training", seal), 0);
	CHECK_EQ(catalog_set_meta(c, "k", "v"), 0);
	CHECK_STR(changes_after(c, s1).log, "");
	CHECK_EQ(catalog_get_recording(c, a.recording, &r), 0);
	r.restricted_since = 7;
	CHECK_EQ(catalog_update_recording(c, &r), 0);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_touch_recording(c, a.recording), 0);
	CHECK_EQ(catalog_touch_content(c), 0);
	CHECK_STR(changes_after(c, s1).log, "r:aaaa r:aaaa *");
	CHECK_EQ(catalog_change_seq(c, &s1), 0);
	/* A deleted recording names itself once per cascaded row as well. */
	CHECK_EQ(catalog_delete_recording(c, a.recording), 0);
	CHECK(strstr(changes_after(c, s1).log, "r:aaaa") != NULL);
	CHECK_EQ(catalog_delete_subject(c, "S-ABCDEF"), 0);
	CHECK(strstr(changes_after(c, s1).log, "s:S-AB") != NULL);
	catalog_close(c);
}

TEST(test_catalog_change_log_is_pruned_and_a_reader_behind_it_gets_estale)
{
	struct catalog *c = fresh("prune");
	struct seen s = { 0 };
	int64_t last, n = 0;
	char id[RECFS_ID_HEX];
	int i;

	CHECK_EQ(catalog_begin(c), 0);
	for (i = 0; i < CATALOG_CHANGE_KEEP + 3000; i++) {
		snprintf(id, sizeof(id), "%032x", i);
		CHECK_EQ(catalog_touch_recording(c, id), 0);
	}
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(catalog_change_seq(c, &last), 0);
	CHECK_EQ(last, CATALOG_CHANGE_KEEP + 3000);
	/* Bounded: no more than KEEP + 1024 rows are ever left. */
	CHECK_EQ(catalog_changes_since(c, 0, last, note_change, &s), -ESTALE);
	CHECK_STR(s.log, "");
	CHECK_EQ(catalog_changes_since(c, last - CATALOG_CHANGE_KEEP - 1024, last, count_change, &n), -ESTALE);
	CHECK_EQ(n, 0);
	/* And at least KEEP: each of them, once. */
	CHECK_EQ(catalog_changes_since(c, last - CATALOG_CHANGE_KEEP, last, count_change, &n), 0);
	CHECK_EQ(n, CATALOG_CHANGE_KEEP);
	/* Asking past the newest row, or backwards, is refused the same way. */
	CHECK_EQ(catalog_changes_since(c, last, last + 1, note_change, &s), -ESTALE);
	CHECK_EQ(catalog_changes_since(c, last, last - 1, note_change, &s), -ESTALE);
	CHECK_EQ(catalog_changes_since(c, last, last, note_change, &s), 0);
	catalog_close(c);
}

TEST(test_catalog_schema_8_gains_the_change_log)
{
	struct catalog *c = fresh("v8");
	char *p = xasprintf("%s/v8.db", dir);
	int64_t s0;

	reopen_after(&c, p, "DROP TABLE change; PRAGMA user_version = 8");
	CHECK_EQ(catalog_change_seq(c, &s0), 0);
	put_rec(c, "cccc1111111111111111111111111111", 5);
	CHECK_STR(changes_after(c, s0).log, "r:cccc");
	catalog_close(c);
	free(p);
}

TEST(test_catalog_erased_seal_bytes_leave_no_trace_in_the_files)
{
	struct catalog *c = fresh("shred");
	uint8_t seal[CRYPTO_SEAL_BYTES];
	char *db = xasprintf("%s/shred.db", dir), *wal = xasprintf("%s/shred.db-wal", dir);
	uint8_t *buf = NULL;
	size_t len;

	for (size_t i = 0; i < sizeof(seal); i++)
		seal[i] = (uint8_t)(0xA5 ^ i);
	CHECK_EQ(catalog_put_seal(c, "obj", "analysis", seal), 0);
	CHECK_EQ(catalog_checkpoint(c), 0);
	CHECK_EQ(catalog_delete_seals(c, "obj", NULL), 0);
	CHECK_EQ(catalog_checkpoint(c), 0);
	CHECK_EQ(util_read_file(db, 1 << 26, &buf, &len), 0);
	CHECK(buf && !memmem(buf, len, seal, sizeof(seal)));
	free(buf);
	buf = NULL;
	if (util_read_file(wal, 1 << 26, &buf, &len) == 0)
		CHECK(!memmem(buf, len, seal, sizeof(seal)));
	free(buf);
	free(db);
	free(wal);
	catalog_close(c);
}

TEST(test_catalog_ingest_key_outlives_the_recording)
{
	struct catalog *c = fresh("ikey");
	uint8_t k[CRYPTO_MAC_BYTES] = { 9 };
	char id[RECFS_ID_HEX];

	put_rec(c, "44444444444444444444444444444444", 7);
	CHECK_EQ(catalog_put_ingest_key(c, k, "44444444444444444444444444444444"), 0);
	CHECK_EQ(catalog_delete_recording(c, "44444444444444444444444444444444"), 0);
	CHECK_EQ(catalog_find_ingest_key(c, k, id), 0);
	CHECK_EQ(catalog_put_ingest_key(c, k, "55555555555555555555555555555555"), -EEXIST);
	catalog_close(c);
}

TEST(test_catalog_nested_transactions_are_refused)
{
	struct catalog *c = fresh("tx");

	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(catalog_begin(c), -EINVAL);
	catalog_rollback(c);
	CHECK_EQ(catalog_in_transaction(c), 0);
	catalog_close(c);
}

static int count_rec(const struct cat_recording *r, void *ctx)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

TEST(test_catalog_a_read_transaction_sees_one_snapshot)
{
	struct catalog *c = fresh("snap"), *w = NULL;
	char *p = xasprintf("%s/snap.db", dir);
	int64_t v0, v1, v2;
	int n = 0;

	CHECK_EQ(catalog_open(p, 0, &w), 0);
	CHECK_EQ(catalog_begin_read(c), 0);
	CHECK_EQ(catalog_content_version(c, &v0), 0);
	put_rec(w, "77777777777777777777777777777777", 11);	/* another connection commits */
	CHECK_EQ(catalog_content_version(c, &v1), 0);
	CHECK_EQ(v1, v0);
	CHECK_EQ(catalog_each_recording(c, count_rec, &n), 0);
	CHECK_EQ(n, 0);
	catalog_end_read(c);
	CHECK_EQ(catalog_content_version(c, &v2), 0);
	CHECK(v2 > v0);
	n = 0;
	CHECK_EQ(catalog_each_recording(c, count_rec, &n), 0);
	CHECK_EQ(n, 1);
	catalog_close(w);
	catalog_close(c);
	free(p);
}

TEST(test_catalog_a_read_transaction_does_not_nest_with_any_other)
{
	struct catalog *c = fresh("readnest");

	catalog_end_read(c);	/* none open: nothing happens */
	CHECK_EQ(catalog_begin_read(c), 0);
	CHECK_EQ(catalog_begin_read(c), -EINVAL);
	CHECK_EQ(catalog_begin(c), -EINVAL);
	catalog_end_read(c);
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(catalog_begin_read(c), -EINVAL);
	catalog_end_read(c);	/* leaves the write transaction open */
	CHECK_EQ(catalog_in_transaction(c), 1);
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(catalog_begin_read(c), 0);
	catalog_end_read(c);
	catalog_close(c);
}

TEST(test_catalog_expired_recordings_are_listed_longest_expired_first)
{
	struct catalog *c = fresh("expired");
	struct idlist ids = { 0 };

	put_rec(c, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 100);	/* kept until 86500 */
	put_rec(c, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 50);	/* kept until 86450 */
	put_rec(c, "cccccccccccccccccccccccccccccccc", 1000);	/* kept until 87400 */
	CHECK_EQ(catalog_expired_recordings(c, 86450, &ids), 0);
	CHECK_EQ(ids.n, 0);	/* the last day kept is not expired */
	CHECK_EQ(catalog_expired_recordings(c, 86501, &ids), 0);
	CHECK_EQ(ids.n, 2);
	if (ids.n == 2) {
		CHECK_STR(ids.id[0], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
		CHECK_STR(ids.id[1], "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	}
	idlist_free(&ids);
	catalog_close(c);
}

static void put_audit(struct catalog *c, int64_t seq, const char *object, uint8_t fill)
{
	uint8_t h[CRYPTO_HASH_BYTES];
	struct cat_audit row = {
		.seq = seq, .time = seq > INT64_MAX - 1000 ? seq : 1000 + seq, .uid = 1001, .user = "anna",
		.level = NULL, .pid = 42,
		.comm = "cat", .action = "open", .object = object, .outcome = "ok", .reason = NULL,
		.hash = h, .hash_len = sizeof(h),
	};

	memset(h, fill, sizeof(h));
	CHECK_EQ(catalog_audit_append(c, &row), 0);
}

/* What catalog_each_audit saw: seqs, and the whole of the second row. */
struct audit_seen {
	int64_t seq[8];
	size_t n;
	int second_as_written;
};

static int see_audit(const struct cat_audit *row, void *ctx)
{
	struct audit_seen *s = ctx;
	uint8_t h[CRYPTO_HASH_BYTES];

	memset(h, 2, sizeof(h));
	if (s->n < 8)
		s->seq[s->n] = row->seq;
	if (row->seq == 2)
		s->second_as_written = row->time == 1002 && row->uid == 1001 && !strcmp(row->user, "anna") &&
				       row->level == NULL && row->pid == 42 && !strcmp(row->comm, "cat") &&
				       !strcmp(row->action, "open") && !strcmp(row->object, "obj-b") &&
				       !strcmp(row->outcome, "ok") && row->reason == NULL &&
				       row->hash_len == sizeof(h) && !memcmp(row->hash, h, sizeof(h));
	s->n++;
	return 0;
}

static int stop_at_first(const struct cat_audit *row, void *ctx)
{
	(void)row;
	(*(int *)ctx)++;
	return 7;
}

/* What catalog_on_audit_commit's fn was told, call by call. */
static int64_t told[8][2];
static size_t n_told;

static void tell(struct catalog *c, int64_t first, int64_t last)
{
	struct cat_audit_filter f = { .seq_from = first, .seq_to = last };
	struct audit_seen seen = { 0 };

	/* The rows are committed by now: another look finds them. */
	CHECK_EQ(catalog_in_transaction(c), 0);
	CHECK_EQ(catalog_each_audit_where(c, &f, see_audit, &seen), 0);
	CHECK(seen.n > 0 && seen.seq[0] == first && seen.seq[seen.n - 1] == last);
	if (n_told < 8) {
		told[n_told][0] = first;
		told[n_told][1] = last;
	}
	n_told++;
}

/* The syslog mirror's hook: told of committed audit rows only, once, with
 * the range the transaction kept (a rolled back transaction or an undone
 * savepoint is not told). */
TEST(test_catalog_audit_commit_hook_is_told_of_committed_rows_only)
{
	struct catalog *c = fresh("audit-hook");
	struct cat_audit_filter f = { .seq_from = 2, .seq_to = 4 };
	struct audit_seen seen = { 0 };

	n_told = 0;
	catalog_on_audit_commit(c, tell);
	put_audit(c, 1, "obj-a", 1);			/* no transaction: at once */
	CHECK_EQ(n_told, 1);
	CHECK(told[0][0] == 1 && told[0][1] == 1);
	CHECK_EQ(catalog_begin(c), 0);
	put_audit(c, 2, "obj-a", 2);
	catalog_rollback(c);
	CHECK_EQ(n_told, 1);
	CHECK_EQ(catalog_begin(c), 0);
	put_audit(c, 2, "obj-a", 2);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_audit(c, 3, "obj-a", 3);
	CHECK_EQ(catalog_savepoint_undo(c), 0);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_audit(c, 4, "obj-b", 4);
	CHECK_EQ(catalog_savepoint_release(c), 0);
	CHECK_EQ(n_told, 1);				/* not before the commit */
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(n_told, 2);
	CHECK(told[1][0] == 2 && told[1][1] == 4);
	CHECK_EQ(catalog_each_audit_where(c, &f, see_audit, &seen), 0);
	CHECK(seen.n == 2 && seen.seq[0] == 2 && seen.seq[1] == 4);
	/* A savepoint undone as the first part: nothing of it is told. */
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(catalog_savepoint(c), 0);
	put_audit(c, 5, "obj-a", 5);
	CHECK_EQ(catalog_savepoint_undo(c), 0);
	put_rec(c, "0123456789abcdef0123456789abcdef", 1000);
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(n_told, 2);
	catalog_on_audit_commit(c, NULL);
	CHECK_EQ(catalog_begin(c), 0);
	put_audit(c, 5, "obj-a", 5);
	CHECK_EQ(catalog_commit(c), 0);
	CHECK_EQ(n_told, 2);
	catalog_close(c);
}

/* Schema 11 marks a catalog whose subjects were indexed by an earlier
 * rule (subject.h: SUBJECT_REINDEX_META); a new catalog is not marked. */
TEST(test_catalog_upgrade_to_11_marks_an_index_of_an_earlier_rule)
{
	struct catalog *c = fresh("mark-new"), *e = fresh("mark-empty");
	char *p = xasprintf("%s/mark-old.db", dir), *pe = xasprintf("%s/mark-empty.db", dir), *v = NULL;

	CHECK_EQ(catalog_get_meta(c, "subject_reindex", &v), -ENOENT);
	catalog_close(c);
	c = NULL;
	CHECK_EQ(catalog_open(p, 1, &c), 0);
	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "0123456789abcdef0123456789abcdef"), 0);
	reopen_after(&c, p, "PRAGMA user_version = 10");
	if (c) {
		CHECK_EQ(catalog_get_meta(c, "subject_reindex", &v), 0);
		CHECK(v && strstr(v, "schema 11"));
		free(v);
		catalog_close(c);
	}
	/* An upgraded catalog without subjects has nothing to reindex. */
	CHECK_EQ(catalog_exec(e, "PRAGMA user_version = 10"), 0);
	catalog_close(e);
	e = NULL;
	CHECK_EQ(catalog_open(pe, 0, &e), 0);
	if (e) {
		v = NULL;
		CHECK_EQ(catalog_get_meta(e, "subject_reindex", &v), -ENOENT);
		catalog_close(e);
	}
	free(p);
	free(pe);
}

/* Schema 13 marks a catalog with subjects too: none of them holds a whole
 * given name yet (subject_given_index) until reindex. */
TEST(test_catalog_upgrade_to_13_marks_a_register_with_subjects_for_reindex)
{
	char *p = xasprintf("%s/mark13.db", dir), *v = NULL;
	struct catalog *c = NULL;

	CHECK_EQ(catalog_open(p, 1, &c), 0);
	CHECK_EQ(catalog_put_subject(c, "S-BBBBBB", "0123456789abcdef0123456789abcdef"), 0);
	reopen_after(&c, p, "PRAGMA user_version = 12");
	if (c) {
		CHECK_EQ(catalog_get_meta(c, "subject_reindex", &v), 0);
		CHECK(v && strstr(v, "schema 13"));
		free(v);
		catalog_close(c);
	}
	free(p);
}

/* A catalog with subjects upgraded from version `from` is marked for
 * `recctl subject reindex`, the mark naming `schema`. */
static void check_reindex_mark(const char *name, int from, const char *schema)
{
	char *p = xasprintf("%s/%s.db", dir, name), *v = NULL, pragma[40];
	struct catalog *c = NULL;

	CHECK_EQ(catalog_open(p, 1, &c), 0);
	CHECK_EQ(catalog_put_subject(c, "S-CCCCCC", "0123456789abcdef0123456789abcdef"), 0);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", from);
	reopen_after(&c, p, pragma);
	if (c) {
		CHECK_EQ(catalog_get_meta(c, "subject_reindex", &v), 0);
		if (!v || !strstr(v, schema)) {
			fprintf(stderr, "  mark \"%s\" lacks \"%s\"\n", v ? v : "(none)", schema);
			CHECK(0);
		}
		free(v);
		catalog_close(c);
	}
	free(p);
}

/* Schema 14 marks a catalog with subjects as well: its name entries were
 * written before a form of address was read past. */
TEST(test_catalog_upgrade_to_14_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark14", 13, "schema 14");
}

/* Schema 15 marks a catalog with subjects as well: its name entries were
 * written before a degree ("Dr. med.") was read past. */
TEST(test_catalog_upgrade_to_15_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark15", 14, "schema 15");
}

/* Schema 16 marks a catalog with subjects as well: its name entries were
 * written before "Mme Morel" was told from "M. Morel" and "DUPONT Jean"
 * read. */
TEST(test_catalog_upgrade_to_16_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark16", 15, "schema 16");
}

/* Schema 18 marks a catalog with subjects as well: its reference entries
 * were written with their separators ("19121212-1212"). */
TEST(test_catalog_upgrade_to_18_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark18", 17, "schema 18");
}

/* Schema 19 marks a catalog with subjects as well: its name entries were
 * written before Dutch names ("Mw. F. el Amrani", "Van der Berg, Jan")
 * were read as one person's (bb8). */
TEST(test_catalog_upgrade_to_19_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark19", 18, "schema 19");
}

/* Schema 20 marks a catalog with subjects as well: its name entries were
 * written before Irish names ("O Brien", "OBrien") were read as one
 * person's (bb9). */
TEST(test_catalog_upgrade_to_20_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark20", 19, "schema 20");
}

/* Schema 21 marks a catalog with subjects as well: its name entries were
 * written before "Juergen Mueller" was read as "Jürgen Müller" (bb10). */
TEST(test_catalog_upgrade_to_21_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark21", 20, "schema 21");
}

/* Schema 23 marks a catalog with subjects as well: its name entries were
 * written before "Bowes Lyon" and "St John, Olivia" were read as British
 * family names of two words (bb11). */
TEST(test_catalog_upgrade_to_23_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark23", 22, "schema 23");
}

/* Schema 24 marks a catalog with subjects as well: its name entries were
 * written before a name whose umlauts one word spells and another folds
 * ("Jurgen Mueller") was read as "Jürgen Müller" (atk F3). */
TEST(test_catalog_upgrade_to_24_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark24", 23, "schema 24");
}

/* Schema 25 marks a catalog with subjects as well: its name entries were
 * written before Spanish Doña and Mª were read as Spanish (bb12 F10). */
TEST(test_catalog_upgrade_to_25_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark25", 24, "schema 25");
}

/* Schema 26 too: its subjects hold no middle words' entries (bb12 F1:
 * "José Luis" and "José Manuel Martínez Soto"). */
TEST(test_catalog_upgrade_to_26_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark26", 25, "schema 26");
}

/* Schema 27 too: its subjects hold no short form's entries (bb12 F2:
 * "María García" of "María García López"). */
TEST(test_catalog_upgrade_to_27_marks_a_register_with_subjects_for_reindex)
{
	check_reindex_mark("mark27", 26, "schema 27");
}

/* Schema 28 adds the audit entries' event time in microseconds (bb14 F2):
 * a catalog of 27 gets the column, its rows keep NULL (0). */
TEST(test_catalog_upgrade_to_28_adds_the_audit_event_time)
{
	char *p = xasprintf("%s/us28.db", dir);
	struct catalog *c = NULL;
	struct cat_audit row = { .seq = 1, .time = 1780000000, .action = "open", .outcome = "ok", .loginuid = -1,
				 .hash = (const uint8_t *)"0123456789abcdef0123456789abcdef", .hash_len = 32 };

	CHECK_EQ(catalog_open(p, 1, &c), 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit DROP COLUMN time_us; PRAGMA user_version = 27"), 0);
	reopen_after(&c, p, "INSERT INTO audit (seq, time, uid, pid, action, outcome, hash)"
		     " VALUES (1, 1780000000, 0, 1, 'open', 'ok', zeroblob(32))");
	if (c) {
		CHECK_EQ(catalog_exec(c, "SELECT time_us FROM audit"), 0);
		CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq = 1 AND time_us IS NULL"), 0);
		row.time_us = 1780000000123456;
		CHECK_EQ(catalog_audit_append(c, &row), 0);
		CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE time_us = 1780000000123456"), 0);
		catalog_close(c);
	}
	free(p);
}

TEST(test_catalog_audit_last_of_an_empty_table_is_seq_zero_and_a_zero_hash)
{
	struct catalog *c = fresh("audit-empty");
	uint8_t h[CRYPTO_HASH_BYTES], zero[CRYPTO_HASH_BYTES] = { 0 };
	int64_t seq = -1;

	memset(h, 0xff, sizeof(h));
	CHECK_EQ(catalog_audit_last(c, &seq, h), 0);
	CHECK_EQ(seq, 0);
	CHECK(!memcmp(h, zero, sizeof(h)));
	catalog_close(c);
}

TEST(test_catalog_audit_rows_come_back_as_written_in_seq_order)
{
	struct catalog *c = fresh("audit-rows");
	struct audit_seen all = { 0 }, one = { 0 };
	uint8_t h[CRYPTO_HASH_BYTES], three[CRYPTO_HASH_BYTES];
	int64_t seq = 0;
	int calls = 0;

	put_audit(c, 3, "obj-a", 3);
	put_audit(c, 1, "obj-a", 1);
	put_audit(c, 2, "obj-b", 2);
	CHECK_EQ(catalog_each_audit(c, NULL, see_audit, &all), 0);
	CHECK_EQ(all.n, 3);
	CHECK(all.seq[0] == 1 && all.seq[1] == 2 && all.seq[2] == 3);
	CHECK(all.second_as_written);
	CHECK_EQ(catalog_each_audit(c, "obj-a", see_audit, &one), 0);
	CHECK_EQ(one.n, 2);
	CHECK(one.seq[0] == 1 && one.seq[1] == 3);
	CHECK_EQ(catalog_each_audit(c, NULL, stop_at_first, &calls), 7);
	CHECK_EQ(calls, 1);
	memset(three, 3, sizeof(three));
	CHECK_EQ(catalog_audit_last(c, &seq, h), 0);
	CHECK_EQ(seq, 3);
	CHECK(!memcmp(h, three, sizeof(h)));
	catalog_close(c);
}

/* The plan sqlite makes of sql: every line of EXPLAIN QUERY PLAN. */
static char *query_plan(struct catalog *c, const char *sql)
{
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql), *plan = xstrdup("");
	sqlite3_stmt *st = NULL;

	CHECK_EQ(sqlite3_prepare_v2(c->db, q, -1, &st, NULL), SQLITE_OK);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		char *more = xasprintf("%s%s\n", plan, (const char *)sqlite3_column_text(st, 3));

		free(plan);
		plan = more;
	}
	sqlite3_finalize(st);
	free(q);
	return plan;
}

/* The last statement run on the audit table, its parameters written in
 * (query_plan's own EXPLAIN left out). */
static char *last_sql;

static int keep_sql(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	if (type == SQLITE_TRACE_STMT) {
		char *sql = sqlite3_expanded_sql(p);

		if (sql && strstr(sql, "FROM audit") && strncmp(sql, "EXPLAIN", 7)) {
			free(last_sql);
			last_sql = xstrdup(sql);
		}
		sqlite3_free(sql);
	}
	return 0;
}

/* 1 when the last statement on the audit table is planned to search the
 * index by block and object, with what it compares the object by. */
static int searched_by_block(struct catalog *c, const char *how)
{
	char *sql = last_sql, *plan, *want = xasprintf("INDEX audit_block_object (%s)", how);
	int ok;

	last_sql = NULL;
	plan = sql ? query_plan(c, sql) : NULL;
	ok = plan && strstr(plan, want);
	free(plan);
	free(want);
	free(sql);
	return ok;
}

/* An entry by object is found in every block of the log's index (schema
 * v30), the empty blocks between skipped, and through the index: writing
 * an entry then touches the last block's leaves, not a random leaf of an
 * index as long as the log (issue 14). */
TEST(test_catalog_audit_by_object_is_found_in_every_block_through_the_index)
{
	struct catalog *c = fresh("audit-blocks");
	const char *objs[] = { "obj-a", "obj-c" };
	struct cat_audit_filter f = { .objects = objs, .n_objects = 2 };
	struct audit_seen one = { 0 }, two = { 0 }, from = { 0 };
	uint8_t h[CRYPTO_HASH_BYTES] = { 0 };
	struct cat_audit erase = { .seq = 70000, .time = 1, .uid = 0, .pid = 1, .action = "erase",
				   .object = "0123abcd", .outcome = "ok", .hash = h, .hash_len = sizeof(h) };
	struct idlist gone = { 0 };

	put_audit(c, 1, "obj-a", 1);
	put_audit(c, 2, "obj-b", 2);
	put_audit(c, 65535, "obj-a", 3);
	put_audit(c, 65536, "obj-a", 4);
	put_audit(c, 65537, "obj-b", 5);
	CHECK_EQ(catalog_audit_append(c, &erase), 0);
	put_audit(c, 131072, "obj-a", 6);	/* block 2: its first seq alone */
	put_audit(c, 300000, "obj-a", 7);	/* block 3 holds nothing */
	put_audit(c, 300001, "obj-c", 8);
	sqlite3_trace_v2(c->db, SQLITE_TRACE_STMT, keep_sql, NULL);
	CHECK_EQ(catalog_each_audit(c, "obj-a", see_audit, &one), 0);
	CHECK_EQ(one.n, 5);
	CHECK(one.seq[0] == 1 && one.seq[1] == 65535 && one.seq[2] == 65536 && one.seq[3] == 131072 &&
	      one.seq[4] == 300000);
	CHECK(searched_by_block(c, "<expr>=? AND object=?"));
	CHECK_EQ(catalog_each_audit_where(c, &f, see_audit, &two), 0);
	CHECK_EQ(two.n, 6);
	CHECK(two.seq[0] == 1 && two.seq[3] == 131072 && two.seq[4] == 300000 && two.seq[5] == 300001);
	CHECK(searched_by_block(c, "<expr>=? AND object=?"));
	f.seq_from = 65536;
	CHECK_EQ(catalog_each_audit_where(c, &f, see_audit, &from), 0);
	CHECK_EQ(from.n, 4);
	CHECK(from.seq[0] == 65536 && from.seq[3] == 300001);
	CHECK_EQ(catalog_audit_erased_prefixed(c, "0123", &gone), 0);
	CHECK_EQ(gone.n, 1);
	CHECK(searched_by_block(c, "<expr>=? AND object>? AND object<?"));
	idlist_free(&gone);
	sqlite3_trace_v2(c->db, 0, NULL, NULL);
	/* The first entries are gone (audit retention): the blocks start
	 * where the log does. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq < 65536"), 0);
	memset(&one, 0, sizeof(one));
	CHECK_EQ(catalog_each_audit(c, "obj-a", see_audit, &one), 0);
	CHECK(one.n == 3 && one.seq[0] == 65536 && one.seq[2] == 300000);
	catalog_close(c);
}

/* A log edited by hand with seqs at the ends of the range (the largest
 * seq's block followed by one that overflowed back to the first, an
 * endless list of blocks, before): the who-listened query still ends, with
 * every entry, and audit verification is what names such rows.  SIGALRM
 * ends the test program if the query does not. */
TEST(test_catalog_audit_by_object_ends_on_a_log_of_extreme_seqs)
{
	struct catalog *c = fresh("audit-extreme");
	struct audit_seen one = { 0 };

	put_audit(c, -5, "obj-a", 1);
	put_audit(c, 1, "obj-a", 2);
	put_audit(c, 70000, "obj-b", 3);
	put_audit(c, INT64_MAX, "obj-a", 4);
	alarm(10);
	CHECK_EQ(catalog_each_audit(c, "obj-a", see_audit, &one), 0);
	alarm(0);
	CHECK_EQ(one.n, 3);
	CHECK(one.seq[0] == -5 && one.seq[1] == 1 && one.seq[2] == INT64_MAX);
	catalog_close(c);
}

/* A catalog of schema 29 loses the index by object alone for the one by
 * block and object. */
TEST(test_catalog_upgrade_to_30_indexes_the_audit_log_by_block)
{
	struct catalog *c = fresh("audit-v29");
	char *p = xasprintf("%s/audit-v29.db", dir);
	struct audit_seen one = { 0 };

	put_audit(c, 1, "obj-a", 1);
	put_audit(c, 70000, "obj-a", 2);
	reopen_after(&c, p, "DROP INDEX audit_block_object; CREATE INDEX audit_object ON audit(object);"
		     " PRAGMA user_version = 29");
	if (c) {
		CHECK_EQ(catalog_exec(c, "SELECT 1 FROM audit INDEXED BY audit_block_object WHERE " AUDIT_BLOCK " = 0"
				      " AND object = 'obj-a'"), 0);
		CHECK(catalog_exec(c, "SELECT 1 FROM audit INDEXED BY audit_object WHERE object = 'obj-a'") != 0);
		CHECK_EQ(catalog_each_audit(c, "obj-a", see_audit, &one), 0);
		CHECK(one.n == 2 && one.seq[0] == 1 && one.seq[1] == 70000);
		catalog_close(c);
	}
	free(p);
}

TEST(test_catalog_audit_append_refuses_a_taken_seq_and_a_short_hash)
{
	struct catalog *c = fresh("audit-refuse");
	uint8_t h[CRYPTO_HASH_BYTES] = { 0 };
	struct cat_audit row = { .seq = 1, .action = "open", .outcome = "ok", .hash = h, .hash_len = sizeof(h) };
	struct audit_seen seen = { 0 };

	CHECK_EQ(catalog_audit_append(c, &row), 0);
	CHECK_EQ(catalog_audit_append(c, &row), -EEXIST);
	row.seq = 2;
	row.hash_len = sizeof(h) - 1;
	CHECK_EQ(catalog_audit_append(c, &row), -EINVAL);
	row.hash_len = sizeof(h);
	row.outcome = NULL;
	CHECK_EQ(catalog_audit_append(c, &row), -EEXIST);	/* NOT NULL */
	CHECK_EQ(catalog_each_audit(c, NULL, see_audit, &seen), 0);
	CHECK_EQ(seen.n, 1);
	catalog_close(c);
}

TEST(test_catalog_audit_last_reads_a_hash_of_another_length_as_zeros)
{
	struct catalog *c = fresh("audit-short");
	uint8_t h[CRYPTO_HASH_BYTES], zero[CRYPTO_HASH_BYTES] = { 0 };
	int64_t seq = 0;

	put_audit(c, 1, NULL, 9);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET hash=x'0102' WHERE seq=1"), 0);
	CHECK_EQ(catalog_audit_last(c, &seq, h), 0);
	CHECK_EQ(seq, 1);
	CHECK(!memcmp(h, zero, sizeof(h)));
	catalog_close(c);
}

/* The numbers catalog_each_request walked, in order. */
struct req_seen {
	int64_t id[8];
	size_t n;
};

static int see_request(const struct cat_request *q, void *ctx)
{
	struct req_seen *s = ctx;

	if (s->n < 8)
		s->id[s->n] = q->id;
	s->n++;
	return 0;
}

static int64_t new_request(struct catalog *c, const char *handle, int64_t due)
{
	int64_t id = 0;

	CHECK_EQ(catalog_new_request(c, "access", handle, 10, due, "called back", &id), 0);
	return id;
}

TEST(test_catalog_requests_are_numbered_and_read_back_open)
{
	struct catalog *c = fresh("req");
	struct cat_request q;

	CHECK_EQ(new_request(c, "S-AAAAAA", 100), 1);
	CHECK_EQ(new_request(c, "S-BBBBBB", 200), 2);
	CHECK_EQ(catalog_get_request(c, 2, &q), 0);
	CHECK_EQ(q.id, 2);
	CHECK_STR(q.type, "access");
	CHECK_STR(q.handle, "S-BBBBBB");
	CHECK_EQ(q.received, 10);
	CHECK_EQ(q.due, 200);
	CHECK_STR(q.verified_by, "called back");
	CHECK(q.extended_reason == NULL && q.outcome == NULL);
	CHECK_EQ(q.closed, 0);
	cat_request_clear(&q);
	CHECK(q.type == NULL && q.id == 0);
	cat_request_clear(NULL);
	CHECK_EQ(catalog_get_request(c, 3, &q), -ENOENT);
	catalog_close(c);
}

/* The request table's rows of schema 11: numbered without AUTOINCREMENT. */
static const char request_v11[] =
	"CREATE TABLE request_v11 ("
	"  id INTEGER PRIMARY KEY, type TEXT NOT NULL, handle TEXT NOT NULL,"
	"  received INTEGER NOT NULL, due INTEGER NOT NULL, verified_by TEXT NOT NULL,"
	"  extended_reason TEXT, closed INTEGER, outcome TEXT, state TEXT, channel TEXT, requester TEXT,"
	"  ground TEXT, note TEXT, counted_from INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO request_v11 SELECT * FROM request;"
	"DROP TABLE request;"
	"ALTER TABLE request_v11 RENAME TO request;";

/* Schema 12: a request's number is never given again once the requests
 * above it are gone (the audit entries that name it are another
 * person's).  A catalog upgraded to it keeps its requests and goes on
 * after the highest number it knows was given: of its rows, of the
 * sequence, of the requests' own audit entries. */
TEST(test_catalog_schema_12_never_hands_a_request_number_out_twice)
{
	struct catalog *c = fresh("req-seq");
	char *p = xasprintf("%s/req-seq.db", dir);
	struct cat_request q;

	CHECK_EQ(new_request(c, "S-AAAAAA", 100), 1);
	CHECK_EQ(new_request(c, "S-BBBBBB", 200), 2);
	CHECK_EQ(new_request(c, "S-CCCCCC", 300), 3);
	CHECK_EQ(catalog_delete_request(c, 3), 0);
	CHECK_EQ(catalog_delete_request(c, 2), 0);
	CHECK_EQ(new_request(c, "S-DDDDDD", 400), 4);
	/* A catalog of schema 11 whose request 7 was dropped, and 4 too: its
	 * log still names 7. */
	CHECK_EQ(catalog_exec(c, request_v11), 0);
	reopen_after(&c, p, "DELETE FROM request WHERE id = 4;"
		     "INSERT INTO audit (seq, time, uid, pid, action, object, outcome, reason, hash)"
		     " VALUES (1, 5000, 0, 1, 'request-new', 'S-GGGGGG', 'ok',"
		     " 'request=7 type=erasure state=received due=2026-07-01', x'00');"
		     "PRAGMA user_version = 11");
	if (!c)
		goto out;
	CHECK_EQ(catalog_get_request(c, 1, &q), 0);
	CHECK_STR(q.handle, "S-AAAAAA");
	CHECK_EQ(q.due, 100);
	CHECK_STR(q.verified_by, "called back");
	cat_request_clear(&q);
	CHECK_EQ(new_request(c, "S-EEEEEE", 500), 8);
	CHECK_EQ(catalog_delete_request(c, 8), 0);
	/* Upgraded again (a user_version set back): the sequence holds. */
	reopen_after(&c, p, "PRAGMA user_version = 11");
	if (c)
		CHECK_EQ(new_request(c, "S-FFFFFF", 600), 9);
out:
	catalog_close(c);
	free(p);
}

TEST(test_catalog_extending_and_closing_a_request_change_that_row_only)
{
	struct catalog *c = fresh("req-change");
	struct cat_request q;

	new_request(c, "S-AAAAAA", 100);
	new_request(c, "S-AAAAAA", 100);
	CHECK_EQ(catalog_extend_request(c, 1, 150, "complex case"), 0);
	CHECK_EQ(catalog_close_request(c, 1, 120, "answered"), 0);
	CHECK_EQ(catalog_get_request(c, 1, &q), 0);
	CHECK_EQ(q.due, 150);
	CHECK_STR(q.extended_reason, "complex case");
	CHECK_EQ(q.closed, 120);
	CHECK_STR(q.outcome, "answered");
	cat_request_clear(&q);
	CHECK_EQ(catalog_get_request(c, 2, &q), 0);
	CHECK(q.due == 100 && q.extended_reason == NULL && q.closed == 0 && q.outcome == NULL);
	cat_request_clear(&q);
	CHECK_EQ(catalog_extend_request(c, 9, 150, "none"), -ENOENT);
	CHECK_EQ(catalog_close_request(c, 9, 120, "none"), -ENOENT);
	catalog_close(c);
}

TEST(test_catalog_each_request_walks_all_open_or_open_and_due_before)
{
	struct catalog *c = fresh("req-each");
	struct req_seen all = { 0 }, open = { 0 }, due = { 0 };

	new_request(c, "S-AAAAAA", 100);
	new_request(c, "S-BBBBBB", 200);
	new_request(c, "S-CCCCCC", 300);
	CHECK_EQ(catalog_close_request(c, 2, 50, "answered"), 0);
	CHECK_EQ(catalog_each_request(c, CAT_REQUESTS_ALL, 0, see_request, &all), 0);
	CHECK(all.n == 3 && all.id[0] == 1 && all.id[1] == 2 && all.id[2] == 3);
	CHECK_EQ(catalog_each_request(c, CAT_REQUESTS_OPEN, 0, see_request, &open), 0);
	CHECK(open.n == 2 && open.id[0] == 1 && open.id[1] == 3);
	CHECK_EQ(catalog_each_request(c, CAT_REQUESTS_OPEN_DUE_BEFORE, 300, see_request, &due), 0);
	CHECK(due.n == 1 && due.id[0] == 1);	/* due at 300 is not before 300 */
	CHECK_EQ(catalog_each_request(c, (enum cat_request_filter)7, 0, see_request, &due), -EINVAL);
	catalog_close(c);
}

TEST(test_catalog_first_open_request_of_a_subject_skips_closed_ones)
{
	struct catalog *c = fresh("req-first");
	int64_t id = 0;

	new_request(c, "S-AAAAAA", 100);
	new_request(c, "S-BBBBBB", 100);
	new_request(c, "S-AAAAAA", 100);
	new_request(c, "S-AAAAAA", 100);
	CHECK_EQ(catalog_close_request(c, 1, 50, "answered"), 0);
	CHECK_EQ(catalog_first_open_request(c, "S-AAAAAA", &id), 0);
	CHECK_EQ(id, 3);
	CHECK_EQ(catalog_close_request(c, 2, 50, "answered"), 0);
	CHECK_EQ(catalog_first_open_request(c, "S-BBBBBB", &id), -ENOENT);
	catalog_close(c);
}

/* What a person is told is what happened: a damaged file, a full disk. */
TEST(test_catalog_sqlite_results_map_to_the_errno_that_names_them)
{
	CHECK_EQ(catalog_errno(SQLITE_CORRUPT, 0), -EUCLEAN);
	CHECK_EQ(catalog_errno(SQLITE_CORRUPT_INDEX, 0), -EUCLEAN);
	CHECK_EQ(catalog_errno(SQLITE_NOTADB, 0), -EUCLEAN);
	CHECK_EQ(catalog_errno(SQLITE_FULL, 0), -ENOSPC);
	CHECK_EQ(catalog_errno(SQLITE_IOERR_WRITE, ENOSPC), -ENOSPC);
	CHECK_EQ(catalog_errno(SQLITE_IOERR_FSYNC, EDQUOT), -ENOSPC);
	CHECK_EQ(catalog_errno(SQLITE_IOERR_SHMSIZE, ENOSPC), -ENOSPC);
	CHECK_EQ(catalog_errno(SQLITE_IOERR_READ, EIO), -EIO);
	CHECK_EQ(catalog_errno(SQLITE_IOERR, 0), -EIO);
	CHECK_EQ(catalog_errno(SQLITE_BUSY, 0), -EBUSY);
	CHECK_EQ(catalog_errno(SQLITE_DONE, 0), 0);
}

/* One page of a catalog overwritten: it still opens (the schema is
 * intact), the integrity check finds the page and says the catalog is
 * damaged, and a query that meets the page is -EUCLEAN, not -EIO. */
TEST(test_catalog_a_damaged_page_fails_the_integrity_check_with_euclean)
{
	char *p = xasprintf("%s/damaged.db", dir), id[RECFS_ID_HEX];
	struct catalog *c = fresh("damaged");
	uint8_t junk[4096];
	struct idlist ids = { 0 };
	struct stat st;
	int fd;

	CHECK_EQ(catalog_integrity_check(c), 0);
	CHECK_EQ(catalog_begin(c), 0);
	for (int i = 0; i < 400; i++) {
		snprintf(id, sizeof(id), "%032x", i);
		put_rec(c, id, 1000000 + i);
	}
	CHECK_EQ(catalog_commit(c), 0);
	catalog_close(c);
	c = NULL;
	/* The last pages: the tail of the recordings and of the indexes on
	 * them, whichever of them sqlite put last. */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	fd = open(p, O_WRONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 8 * 4096);
	for (off_t k = 1; k <= 4; k++)
		CHECK_EQ(pwrite(fd, junk, sizeof(junk), st.st_size - k * 4096), (ssize_t)sizeof(junk));
	close(fd);
	CHECK_EQ(catalog_open(p, 0, &c), 0);
	if (c) {
		meta_clear_error();
		CHECK_EQ(catalog_integrity_check(c), -EUCLEAN);
		CHECK(strstr(meta_errmsg(), "the catalog is damaged") != NULL);
		CHECK(strchr(meta_errmsg(), '\n') == NULL);
		CHECK_EQ(catalog_expired_recordings(c, 2000000, &ids), -EUCLEAN);
		CHECK(strstr(meta_errmsg(), "malformed") != NULL);
	}
	idlist_free(&ids);
	catalog_close(c);
	free(p);
}

/* Every page well formed, but the index the sweep reads rebuilt without
 * one recording (a partial index given the full one's definition back):
 * the expired query leaves it out, and the integrity check names the
 * index (sqlite's quick check does not look at indexes). */
TEST(test_catalog_an_index_that_lost_a_row_fails_the_integrity_check)
{
	char *p = xasprintf("%s/lost.db", dir);
	struct catalog *c = fresh("lost");
	struct idlist ids = { 0 };

	put_rec(c, "00000000000000000000000000000001", 1000);
	put_rec(c, "00000000000000000000000000000002", 2000);
	CHECK_EQ(catalog_integrity_check(c), 0);
	reopen_after(&c, p,
		     "DROP INDEX recording_retention;"
		     "CREATE INDEX recording_retention ON recording(retention_until)"
		     " WHERE id <> '00000000000000000000000000000002';"
		     "PRAGMA writable_schema = ON;"
		     "UPDATE sqlite_schema SET sql = 'CREATE INDEX recording_retention ON recording(retention_until)'"
		     " WHERE name = 'recording_retention';"
		     "PRAGMA writable_schema = OFF;");
	CHECK_EQ(catalog_expired_recordings(c, 1000000, &ids), 0);
	CHECK_EQ(ids.n, 1);
	meta_clear_error();
	CHECK_EQ(catalog_integrity_check(c), -EUCLEAN);
	CHECK(strstr(meta_errmsg(), "the catalog is damaged") != NULL);
	CHECK(strstr(meta_errmsg(), "recording_retention") != NULL);
	idlist_free(&ids);
	catalog_close(c);
	free(p);
}

TEST(test_catalog_schema_6_keeps_a_hold_date_and_finds_reasons_in_the_clear)
{
	static const char rec_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", rec_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	static const char ref[] = "cccccccccccccccccccccccccccccccc";
	struct catalog *c = fresh("v5");
	char *p = xasprintf("%s/v5.db", dir);
	struct idlist ids = { 0 };
	struct cat_recording r;

	/* A catalog as schema 5 left it: a hold placed (and logged) at 5000,
	 * and a restriction, both with their reasons in the clear. */
	put_rec(c, rec_a, 1000);
	put_rec(c, rec_b, 2000);
	reopen_after(&c, p, "DROP INDEX recording_reasons; DROP INDEX subject_index_handle;"
		     "ALTER TABLE recording DROP COLUMN hold_since;"
		     "ALTER TABLE subject_index DROP COLUMN kind;"
		     /* and nothing of a later schema */
		     "ALTER TABLE request DROP COLUMN state; ALTER TABLE request DROP COLUMN channel;"
		     "ALTER TABLE request DROP COLUMN requester; ALTER TABLE request DROP COLUMN ground;"
		     "ALTER TABLE request DROP COLUMN note; ALTER TABLE request DROP COLUMN counted_from;"
		     "UPDATE recording SET legal_hold = 'court case' WHERE id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';"
		     "UPDATE recording SET restricted_since = 3000, restricted_reason = 'contested'"
		     " WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';"
		     "INSERT INTO audit (seq, time, uid, pid, action, object, outcome, reason, hash)"
		     " VALUES (1, 5000, 0, 1, 'hold', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'ok', 'court case', x'00');"
		     "PRAGMA user_version = 5");
	if (!c)
		goto out;
	CHECK_EQ(catalog_get_recording(c, rec_a, &r), 0);
	CHECK_EQ(r.hold_since, 5000);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_plain_reasons(c, &ids), 0);
	CHECK_EQ(ids.n, 2);
	idlist_free(&ids);
	/* A reason that is a record the recording owns is not in the clear. */
	CHECK_EQ(catalog_put_record(c, ref, (const uint8_t *)"x", 1), 0);
	CHECK_EQ(catalog_set_record_owner(c, ref, rec_b), 0);
	CHECK_EQ(catalog_get_recording(c, rec_b, &r), 0);
	free(r.restricted_reason);
	r.restricted_reason = xstrdup(ref);
	CHECK_EQ(catalog_update_recording(c, &r), 0);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_plain_reasons(c, &ids), 0);
	CHECK_EQ(ids.n, 1);
	if (ids.n)
		CHECK_STR(ids.id[0], rec_a);
	idlist_free(&ids);
out:
	catalog_close(c);
	free(p);
}

/*
 * Schema 22 tells an objection's restriction from the officer's: the mark
 * is stored and read back with the row; a recording restricted before it
 * carries none (it is kept past its retention, as before); and a catalog
 * whose user_version was set back with the column in place upgrades.
 */
TEST(test_catalog_schema_22_marks_no_restriction_made_before_it)
{
	static const char rec_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", rec_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	struct catalog *c = fresh("v21");
	char *p = xasprintf("%s/v21.db", dir);
	struct cat_recording r;

	if (!c)
		goto out;
	put_rec(c, rec_a, 1000);
	put_rec(c, rec_b, 2000);
	CHECK_EQ(catalog_get_recording(c, rec_a, &r), 0);
	r.restricted_since = 3000;
	r.restricted_by_objection = 1;
	CHECK_EQ(catalog_update_recording(c, &r), 0);
	cat_recording_clear(&r);
	CHECK_EQ(catalog_get_recording(c, rec_a, &r), 0);
	CHECK_EQ(r.restricted_by_objection, 1);
	cat_recording_clear(&r);
	/* As schema 21 left it: rec_b restricted, whoever asked. */
	reopen_after(&c, p, "UPDATE recording SET restricted_since = 3000;"
		     "ALTER TABLE recording DROP COLUMN restricted_by_objection;"
		     "PRAGMA user_version = 21");
	if (!c)
		goto out;
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(catalog_get_recording(c, i ? rec_b : rec_a, &r), 0);
		CHECK_EQ(r.restricted_since, 3000);
		CHECK_EQ(r.restricted_by_objection, 0);
		cat_recording_clear(&r);
	}
	/* Set back by hand, the column there: the step is skipped. */
	reopen_after(&c, p, "PRAGMA user_version = 21");
	CHECK(c != NULL);
out:
	catalog_close(c);
	free(p);
}

/* The holders of mac, one string "S-AAAAAA,S-BBBBBB" ("" for none, "!"
 * on an error). */
static const char *holders_of(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES])
{
	static char out[128];
	struct idlist l = { 0 };
	size_t k = 0;

	out[0] = '\0';
	if (catalog_index_holders(c, mac, &l))
		snprintf(out, sizeof(out), "!");
	for (size_t i = 0; i < l.n && k < sizeof(out); i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s", i ? "," : "", l.id[i]);
	idlist_free(&l);
	return out;
}

TEST(test_catalog_index_entries_of_a_kind_are_dropped_by_handle)
{
	struct catalog *c = fresh("index");
	uint8_t phone[CRYPTO_MAC_BYTES] = { 1 }, email[CRYPTO_MAC_BYTES] = { 2 }, other[CRYPTO_MAC_BYTES] = { 3 };

	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-BBBBBB", "1123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_index(c, phone, "S-AAAAAA", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, email, "S-AAAAAA", "email"), 0);
	CHECK_EQ(catalog_put_index(c, other, "S-BBBBBB", "phone"), 0);
	/* A taken phone number is held by both. */
	CHECK_EQ(catalog_put_index(c, other, "S-AAAAAA", "phone"), 0);
	CHECK_STR(holders_of(c, other), "S-AAAAAA,S-BBBBBB");
	CHECK_EQ(catalog_drop_index_kind(c, "S-AAAAAA", "phone"), 0);
	CHECK_STR(holders_of(c, phone), "");
	CHECK_STR(holders_of(c, email), "S-AAAAAA");
	CHECK_STR(holders_of(c, other), "S-BBBBBB");
	CHECK_EQ(catalog_drop_index_entry(c, other, "S-AAAAAA"), 0);
	CHECK_STR(holders_of(c, other), "S-BBBBBB");
	CHECK_EQ(catalog_drop_index_entry(c, email, "S-AAAAAA"), 0);
	CHECK_STR(holders_of(c, email), "");
	catalog_close(c);
}

/* catalog_index_sharers: "kind:other" in order into ctx (a char[256]). */
static int note_sharer(const char *kind, const char *other, void *ctx)
{
	char *out = ctx;
	size_t k = strlen(out);

	snprintf(out + k, 256 - k, "%s%s:%s", k ? "," : "", kind ? kind : "-", other);
	return 0;
}

/* What other subjects hold of a subject's identifiers: each kind once per
 * other subject, in the others' creation order; names are no identifiers
 * (bb11 F3: subject show and request answer say it). */
TEST(test_catalog_index_sharers_are_the_other_holders_of_a_subject_s_identifiers)
{
	struct catalog *c = fresh("sharers");
	uint8_t line[CRYPTO_MAC_BYTES] = { 9 }, ref[CRYPTO_MAC_BYTES] = { 10 }, name[CRYPTO_MAC_BYTES] = { 11 },
		own[CRYPTO_MAC_BYTES] = { 12 };
	char out[256] = "";

	CHECK_EQ(catalog_put_subject(c, "S-ZZZZZZ", "0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-MMMMMM", "1123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "2123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-AAAAAA", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-MMMMMM", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-ZZZZZZ", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, ref, "S-AAAAAA", "ref"), 0);
	CHECK_EQ(catalog_put_index(c, ref, "S-MMMMMM", "ref"), 0);
	CHECK_EQ(catalog_put_index(c, name, "S-AAAAAA", "name"), 0);
	CHECK_EQ(catalog_put_index(c, name, "S-ZZZZZZ", "name"), 0);
	CHECK_EQ(catalog_put_index(c, own, "S-AAAAAA", "email"), 0);
	CHECK_EQ(catalog_index_sharers(c, "S-AAAAAA", note_sharer, out), 0);
	CHECK_STR(out, "phone:S-ZZZZZZ,phone:S-MMMMMM,ref:S-MMMMMM");
	out[0] = '\0';
	CHECK_EQ(catalog_put_subject(c, "S-BBBBBB", "3123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_index(c, own, "S-BBBBBB", "email"), 0);
	CHECK_EQ(catalog_index_sharers(c, "S-BBBBBB", note_sharer, out), 0);
	CHECK_STR(out, "email:S-AAAAAA");
	catalog_close(c);
}

TEST(test_catalog_a_shared_identifier_is_held_by_every_subject_that_gives_it)
{
	struct catalog *c = fresh("shared");
	uint8_t line[CRYPTO_MAC_BYTES] = { 7 }, mail[CRYPTO_MAC_BYTES] = { 8 };

	/* Created in this order: the holders come in it, not by handle. */
	CHECK_EQ(catalog_put_subject(c, "S-ZZZZZZ", "0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-MMMMMM", "1123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "2123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-AAAAAA", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-ZZZZZZ", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-MMMMMM", "phone"), 0);
	CHECK_EQ(catalog_put_index(c, line, "S-MMMMMM", "phone"), 0);	/* again: one entry */
	CHECK_STR(holders_of(c, line), "S-ZZZZZZ,S-MMMMMM,S-AAAAAA");
	CHECK_EQ(catalog_index_holds(c, line, "S-MMMMMM"), 1);
	/* Dropping one holder's entry leaves the others'. */
	CHECK_EQ(catalog_drop_index_entry(c, line, "S-ZZZZZZ"), 0);
	CHECK_STR(holders_of(c, line), "S-MMMMMM,S-AAAAAA");
	CHECK_EQ(catalog_index_holds(c, line, "S-ZZZZZZ"), 0);
	/* So is an e-mail (a family's mailbox), in the same order. */
	CHECK_EQ(catalog_put_index(c, mail, "S-AAAAAA", "email"), 0);
	CHECK_EQ(catalog_put_index(c, mail, "S-MMMMMM", "email"), 0);
	CHECK_STR(holders_of(c, mail), "S-MMMMMM,S-AAAAAA");
	/* Erasing a subject drops its own entries alone. */
	CHECK_EQ(catalog_delete_subject(c, "S-AAAAAA"), 0);
	CHECK_STR(holders_of(c, line), "S-MMMMMM");
	CHECK_STR(holders_of(c, mail), "S-MMMMMM");
	catalog_close(c);
}

/* The hex of 31 zero bytes: the rest of a mac { n } after its first byte. */
#define ZEROS_31 "00000000000000000000000000000000000000000000000000000000000000"

TEST(test_catalog_schema_9_index_keeps_its_entries_and_takes_every_holder)
{
	struct catalog *c = fresh("v9");
	char *p = xasprintf("%s/v9.db", dir);
	uint8_t line[CRYPTO_MAC_BYTES] = { 9 }, mail[CRYPTO_MAC_BYTES] = { 10 }, old[CRYPTO_MAC_BYTES] = { 11 };

	/* The index as schema 9 left it: one holder per mac, the first. */
	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_put_subject(c, "S-BBBBBB", "1123456789abcdef0123456789abcdef"), 0);
	reopen_after(&c, p, "DROP TABLE subject_index;"
		     "CREATE TABLE subject_index (mac BLOB PRIMARY KEY,"
		     "  handle TEXT NOT NULL REFERENCES subject(handle) ON DELETE CASCADE, kind TEXT)"
		     "  WITHOUT ROWID;"
		     "CREATE INDEX subject_index_handle ON subject_index(handle);"
		     "INSERT INTO subject_index VALUES (x'09" ZEROS_31 "', 'S-AAAAAA', 'phone'),"
		     "  (x'0a" ZEROS_31 "', 'S-BBBBBB', 'email'), (x'0b" ZEROS_31 "', 'S-BBBBBB', NULL);"
		     "PRAGMA user_version = 9");
	if (!c)
		goto out;
	CHECK_STR(holders_of(c, line), "S-AAAAAA");
	CHECK_STR(holders_of(c, mail), "S-BBBBBB");
	CHECK_STR(holders_of(c, old), "S-BBBBBB");
	CHECK_EQ(catalog_index_has_kind(c, "S-AAAAAA", "phone"), 1);
	CHECK_EQ(catalog_index_has_kind(c, "S-BBBBBB", "email"), 1);
	/* What schema 9 refused: a second holder of the line. */
	CHECK_EQ(catalog_put_index(c, line, "S-BBBBBB", "phone"), 0);
	CHECK_STR(holders_of(c, line), "S-AAAAAA,S-BBBBBB");
	/* The entries still go with their subject. */
	CHECK_EQ(catalog_delete_subject(c, "S-BBBBBB"), 0);
	CHECK_STR(holders_of(c, line), "S-AAAAAA");
	CHECK_STR(holders_of(c, old), "");
out:
	catalog_close(c);
	free(p);
}

static int count_objection(const struct cat_objection *o, void *ctx)
{
	int *n = ctx;

	*n += o->lifted ? 100 : 1;
	return 0;
}

TEST(test_catalog_one_objection_stands_per_purpose_and_goes_with_its_subject)
{
	struct catalog *c = fresh("objection");
	int64_t since = 0;
	int n = 0;

	CHECK_EQ(catalog_put_subject(c, "S-AAAAAA", "0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(catalog_get_objection(c, "S-AAAAAA", "training", &since), -ENOENT);
	CHECK_EQ(catalog_put_objection(c, "S-AAAAAA", "training", 1000), 0);
	CHECK_EQ(catalog_put_objection(c, "S-AAAAAA", "training", 2000), -EEXIST);
	CHECK_EQ(catalog_put_objection(c, "S-NOSUCH", "training", 1000), -EEXIST);
	CHECK_EQ(catalog_put_objection(c, "S-AAAAAA", "guidelines", 1500), 0);
	CHECK_EQ(catalog_get_objection(c, "S-AAAAAA", "training", &since), 0);
	CHECK_EQ(since, 1000);
	CHECK_EQ(catalog_lift_objection(c, "S-AAAAAA", "training", 3000), 0);
	CHECK_EQ(catalog_lift_objection(c, "S-AAAAAA", "training", 3000), -ENOENT);
	CHECK_EQ(catalog_get_objection(c, "S-AAAAAA", "training", &since), -ENOENT);
	/* Lifted, it may be made again; the lifted row stays. */
	CHECK_EQ(catalog_put_objection(c, "S-AAAAAA", "training", 4000), 0);
	CHECK_EQ(catalog_each_objection(c, "S-AAAAAA", 0, count_objection, &n), 0);
	CHECK_EQ(n, 2);
	n = 0;
	CHECK_EQ(catalog_each_objection(c, NULL, 1, count_objection, &n), 0);
	CHECK_EQ(n, 102);
	CHECK_EQ(catalog_delete_subject(c, "S-AAAAAA"), 0);
	n = 0;
	CHECK_EQ(catalog_each_objection(c, NULL, 1, count_objection, &n), 0);
	CHECK_EQ(n, 0);
	catalog_close(c);
}

int main(void)
{
	if (!(dir = t_mkdtemp("catalog")) || crypto_setup())
		return 2;
	RUN(test_catalog_refuses_to_open_a_missing_catalog_without_create);
	RUN(test_catalog_refuses_a_newer_schema_version);
	RUN(test_catalog_stores_and_returns_a_recording);
	RUN(test_catalog_savepoint_undoes_one_part_of_a_transaction);
	RUN(test_catalog_deleting_a_recording_cascades_to_artifacts_and_links);
	RUN(test_catalog_content_version_moves_with_content_not_with_meta);
	RUN(test_catalog_content_version_without_its_row_is_euclean);
	RUN(test_catalog_change_log_names_the_recording_or_subject_of_every_change);
	RUN(test_catalog_change_log_is_pruned_and_a_reader_behind_it_gets_estale);
	RUN(test_catalog_schema_8_gains_the_change_log);
	RUN(test_catalog_erased_seal_bytes_leave_no_trace_in_the_files);
	RUN(test_catalog_ingest_key_outlives_the_recording);
	RUN(test_catalog_nested_transactions_are_refused);
	RUN(test_catalog_a_read_transaction_sees_one_snapshot);
	RUN(test_catalog_a_read_transaction_does_not_nest_with_any_other);
	RUN(test_catalog_expired_recordings_are_listed_longest_expired_first);
	RUN(test_catalog_audit_last_of_an_empty_table_is_seq_zero_and_a_zero_hash);
	RUN(test_catalog_audit_rows_come_back_as_written_in_seq_order);
	RUN(test_catalog_audit_by_object_is_found_in_every_block_through_the_index);
	RUN(test_catalog_audit_by_object_ends_on_a_log_of_extreme_seqs);
	RUN(test_catalog_upgrade_to_30_indexes_the_audit_log_by_block);
	RUN(test_catalog_audit_append_refuses_a_taken_seq_and_a_short_hash);
	RUN(test_catalog_audit_commit_hook_is_told_of_committed_rows_only);
	RUN(test_catalog_upgrade_to_11_marks_an_index_of_an_earlier_rule);
	RUN(test_catalog_upgrade_to_13_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_14_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_15_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_16_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_18_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_19_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_20_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_21_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_23_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_24_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_25_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_26_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_27_marks_a_register_with_subjects_for_reindex);
	RUN(test_catalog_upgrade_to_28_adds_the_audit_event_time);
	RUN(test_catalog_audit_last_reads_a_hash_of_another_length_as_zeros);
	RUN(test_catalog_requests_are_numbered_and_read_back_open);
	RUN(test_catalog_schema_12_never_hands_a_request_number_out_twice);
	RUN(test_catalog_extending_and_closing_a_request_change_that_row_only);
	RUN(test_catalog_each_request_walks_all_open_or_open_and_due_before);
	RUN(test_catalog_first_open_request_of_a_subject_skips_closed_ones);
	RUN(test_catalog_sqlite_results_map_to_the_errno_that_names_them);
	RUN(test_catalog_a_damaged_page_fails_the_integrity_check_with_euclean);
	RUN(test_catalog_an_index_that_lost_a_row_fails_the_integrity_check);
	RUN(test_catalog_schema_6_keeps_a_hold_date_and_finds_reasons_in_the_clear);
	RUN(test_catalog_schema_22_marks_no_restriction_made_before_it);
	RUN(test_catalog_index_entries_of_a_kind_are_dropped_by_handle);
	RUN(test_catalog_a_shared_identifier_is_held_by_every_subject_that_gives_it);
	RUN(test_catalog_index_sharers_are_the_other_holders_of_a_subject_s_identifiers);
	RUN(test_catalog_schema_9_index_keeps_its_entries_and_takes_every_holder);
	RUN(test_catalog_one_objection_stands_per_purpose_and_goes_with_its_subject);
	util_remove_tree(dir);
	T_DONE();
}
