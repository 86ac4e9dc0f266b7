/* Unit tests of meta/audit: the chain holds, and every kind of tampering
 * is found at the right entry; the seals close each epoch, and with the
 * verification key every tampering with an epoch that has ended is found,
 * a recomputed chain included.  Time is RECFS_NOW (util_now). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "catalog_i.h" /* catalog_exec: the tampering is done in SQL */
#include "t.h"

static char *dir;

static struct catalog *fresh(const char *name, int n)
{
	struct catalog *c = NULL;
	struct audit_actor a;
	char *path = xasprintf("%s/%s.db", dir, name);

	CHECK_EQ(catalog_open(path, 1, &c), 0);
	audit_self(&a, "privacy");
	for (int i = 0; i < n; i++) {
		char obj[32];
		snprintf(obj, sizeof(obj), "object-%d", i);
		CHECK_EQ(audit_log(c, &a, "open", obj, "ok", i % 2 ? "EACCES" : NULL), 0);
	}
	free(path);
	return c;
}

static int64_t verify_bad(struct catalog *c)
{
	struct audit_report rep;

	if (audit_verify(c, NULL, util_now(), &rep) == 0)
		return 0;
	return rep.bad;
}

/* The entries audit_verify (without a key) read, or -1 when it failed. */
static int64_t verify_count(struct catalog *c)
{
	struct audit_report rep;

	return audit_verify(c, NULL, util_now(), &rep) ? -1 : rep.entries;
}

TEST(test_audit_chain_of_untouched_log_verifies)
{
	struct catalog *c = fresh("ok", 10);
	struct audit_report rep;

	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.entries, 10);
	CHECK_EQ(rep.sealed, 0);
	catalog_close(c);
}

TEST(test_audit_verify_names_edited_entry)
{
	struct catalog *c = fresh("edit", 10);

	CHECK_EQ(catalog_exec(c, "UPDATE audit SET reason='nothing happened' WHERE seq=4"), 0);
	CHECK_EQ(verify_bad(c), 4);
	catalog_close(c);
}

TEST(test_audit_verify_names_entry_after_removed_one)
{
	struct catalog *c = fresh("remove", 10);

	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq=6"), 0);
	CHECK_EQ(verify_bad(c), 6);
	catalog_close(c);
}

TEST(test_audit_verify_finds_removal_renumbered_to_hide_the_gap)
{
	struct catalog *c = fresh("renumber", 10);

	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq=3; UPDATE audit SET seq=seq-1 WHERE seq>3"), 0);
	CHECK_EQ(verify_bad(c), 3);
	catalog_close(c);
}

TEST(test_audit_verify_names_first_of_reordered_entries)
{
	struct catalog *c = fresh("reorder", 10);

	CHECK_EQ(catalog_exec(c, "UPDATE audit SET seq=-1 WHERE seq=5; UPDATE audit SET seq=5 WHERE seq=7;"
				 "UPDATE audit SET seq=7 WHERE seq=-1"), 0);
	CHECK_EQ(verify_bad(c), 5);
	catalog_close(c);
}

TEST(test_audit_verify_finds_entries_cut_off_the_end)
{
	struct catalog *c = fresh("cut", 10);

	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq > 8"), 0);
	CHECK_EQ(verify_bad(c), 9);
	catalog_close(c);
}

TEST(test_audit_entries_join_an_open_transaction_and_roll_back_with_it)
{
	struct catalog *c = fresh("tx", 2);
	struct audit_actor a;
	struct audit_report rep;

	audit_self(&a, NULL);
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(audit_log(c, &a, "erase", "x", "ok", NULL), 0);
	catalog_rollback(c);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.entries, 2);
	catalog_close(c);
}

static int count_object(const struct audit_entry *e, void *ctx)
{
	(*(int *)ctx)++;
	CHECK_STR(e->object, "object-3");
	CHECK_STR(e->reason, "EACCES");
	return 0;
}

TEST(test_audit_each_filters_by_object)
{
	struct catalog *c = fresh("each", 6);
	int n = 0;

	CHECK_EQ(audit_each(c, "object-3", count_object, &n), 0);
	CHECK_EQ(n, 1);
	catalog_close(c);
}

/* The rows stay as written, so the chain holds; the index the reports by
 * object read is rebuilt without one of them, then given the full index's
 * definition back (root with sqlite3 and writable_schema). */
TEST(test_audit_verify_finds_an_index_that_leaves_an_entry_out)
{
	struct catalog *c = fresh("index", 10);
	char *path = xasprintf("%s/index.db", dir);
	struct audit_report rep;
	int n = 0;

	CHECK_EQ(catalog_exec(c, "DROP INDEX audit_block_object;"
				 "CREATE INDEX audit_block_object ON audit((seq >> 16), object) WHERE seq <> 6;"
				 "PRAGMA writable_schema = ON;"
				 "UPDATE sqlite_schema SET sql = 'CREATE INDEX audit_block_object ON "
				 "audit((seq >> 16), object)' WHERE name = 'audit_block_object';"
				 "PRAGMA writable_schema = OFF;"), 0);
	catalog_close(c);
	CHECK_EQ(catalog_open(path, 1, &c), 0);
	/* The attack works: entry 6, object-5's, is left out of its report. */
	CHECK_EQ(audit_each(c, "object-5", count_object, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 0);
	CHECK(strstr(meta_errmsg(), "do not agree") != NULL);
	CHECK(strstr(meta_errmsg(), "row 6 missing from index audit_block_object") != NULL);
	catalog_close(c);
	free(path);
}

/* The log kept where the reports and the chain read different things:
 * each is refused by name, whatever the chain says. */
TEST(test_audit_verify_refuses_storage_recfs_did_not_make)
{
	static const struct {
		const char *sql, *finding;
	} cases[] = {
		{ "ALTER TABLE audit RENAME TO audit_r; CREATE VIEW audit AS SELECT * FROM audit_r", "view audit" },
		{ "CREATE INDEX audit_cover ON audit((seq >> 16), object, action)", "index audit_cover" },
		{ "CREATE TRIGGER quiet BEFORE INSERT ON audit BEGIN SELECT RAISE(IGNORE) WHERE NEW.user = 'x'; END",
		  "trigger quiet" },
		{ "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'object TEXT',"
		  " 'object TEXT COLLATE NOCASE') WHERE name = 'audit'; PRAGMA writable_schema = OFF",
		  "a collation in the definition of table audit" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[16], *path;
		struct catalog *c;
		struct audit_report rep;

		snprintf(name, sizeof(name), "storage%zu", i);
		c = fresh(name, 5);
		path = xasprintf("%s/%s.db", dir, name);
		CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
		CHECK_EQ(catalog_exec(c, cases[i].sql), 0);
		catalog_close(c);
		c = NULL;
		CHECK_EQ(catalog_open(path, 1, &c), 0);
		meta_clear_error();
		CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), -EBADMSG);
		CHECK(strstr(meta_errmsg(), "not as recfs made it") != NULL);
		CHECK(strstr(meta_errmsg(), cases[i].finding) != NULL);
		catalog_close(c);
		free(path);
	}
}

static const char *fixtures_dir(void)
{
	const char *e = getenv("RECFS_FIXTURES");

	return e && *e ? e : "tests/fixtures";
}

/* The last entry's fields, copied. */
struct last {
	char artifact[32], object[40];
	int has_loginuid;
	uid_t loginuid;
	int n;
	int64_t time, time_us;
};

static int see_last(const struct audit_entry *e, void *ctx)
{
	struct last *l = ctx;

	snprintf(l->artifact, sizeof(l->artifact), "%s", e->artifact ? e->artifact : "(null)");
	snprintf(l->object, sizeof(l->object), "%s", e->object ? e->object : "(null)");
	l->has_loginuid = e->actor.has_loginuid;
	l->loginuid = e->actor.loginuid;
	l->time = e->time;
	l->time_us = e->time_us;
	l->n++;
	return 0;
}

TEST(test_audit_entry_keeps_its_artifact_and_login_uid_in_the_chain)
{
	struct catalog *c = fresh("artifact", 3);
	struct audit_actor a;
	struct last l = { .n = 0 };

	audit_self(&a, "analysis");
	a.has_loginuid = 1;
	a.loginuid = 1234;
	CHECK_EQ(audit_log_artifact(c, &a, "open", "0123456789abcdef0123456789abcdef", "1.pdf", "ok", NULL), 0);
	a.has_loginuid = 0;
	CHECK_EQ(audit_log_artifact(c, &a, "open", "0123456789abcdef0123456789abcdef", "wav", "ok", NULL), 0);
	CHECK_EQ(audit_each(c, "0123456789abcdef0123456789abcdef", see_last, &l), 0);
	CHECK_EQ(l.n, 2);
	CHECK_STR(l.artifact, "wav");
	CHECK_EQ(l.has_loginuid, 0);
	CHECK_EQ(verify_count(c), 5);
	/* Each new field is in the hash: changed, dropped or added, it shows. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET artifact='opus' WHERE seq=4"), 0);
	CHECK_EQ(verify_bad(c), 4);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET artifact='1.pdf' WHERE seq=4"), 0);
	CHECK_EQ(verify_bad(c), 0);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET loginuid=0 WHERE seq=4"), 0);
	CHECK_EQ(verify_bad(c), 4);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET loginuid=1234 WHERE seq=4"), 0);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET artifact=NULL WHERE seq=5"), 0);
	CHECK_EQ(verify_bad(c), 5);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET artifact='wav' WHERE seq=5"), 0);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET loginuid=7 WHERE seq=2"), 0);
	CHECK_EQ(verify_bad(c), 2);
	catalog_close(c);
}

/* A refusal's object is written only when it has a form recfs gives
 * objects: what an officer typed where a handle goes (a name, a personal
 * identity number) is not (bb16 F1). */
TEST(test_audit_refusal_writes_no_object_of_another_form)
{
	static const struct {
		const char *typed, *logged;
	} cases[] = {
		{ "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef" },
		{ "S-7K2M9Q", "S-7K2M9Q" },
		{ "q-1a2b3c4d", "q-1a2b3c4d" },
		{ "-", "-" },
		{ "131052-308T", "(null)" },
		{ "Aino \u00c4ij\u00e4l\u00e4 131052-308T", "(null)" },
		{ "S-7K2M9", "(null)" },
		{ "s-7k2m9q", "(null)" },
		{ "0401234567", "(null)" },
		{ "q-Aino", "(null)" },
	};
	struct catalog *c = fresh("typed", 0);
	struct audit_actor a;

	audit_self(&a, "privacy");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct last l = { .n = 0 };

		CHECK_EQ(audit_refuse(c, &a, "rectify", cases[i].typed, -EINVAL, "not a card field"), -EINVAL);
		CHECK_EQ(audit_each(c, NULL, see_last, &l), 0);
		CHECK_EQ(l.n, (int)i + 1);
		CHECK_STR(l.object, cases[i].logged);
	}
	catalog_close(c);
}

/* A field stored otherwise than the log writes it hashes as before (the
 * chain reads values as sqlite converts them), but the filters compare
 * what is stored: verify names the entry (atk47 F1). */
TEST(test_audit_verify_names_a_field_stored_in_another_form)
{
	static const char *const edits[] = {
		"UPDATE audit SET object = CAST(object AS BLOB) WHERE seq = 3",
		"UPDATE audit SET object = object || char(0) || 'x' WHERE seq = 3",
		"UPDATE audit SET action = action || char(0) WHERE seq = 3",
		"UPDATE audit SET uid = uid + 4294967296 WHERE seq = 3",
		"UPDATE audit SET user = CAST(user AS BLOB) WHERE seq = 3",
		"UPDATE audit SET time = CAST(CAST(time AS TEXT) AS BLOB) WHERE seq = 3",
		"UPDATE audit SET pid = pid + 0.5 WHERE seq = 3",
		"UPDATE audit SET hash = CAST(hash AS TEXT) WHERE seq = 3",
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char name[16];
		struct catalog *c;

		snprintf(name, sizeof(name), "forms-%zu", i);
		c = fresh(name, 4);
		CHECK_EQ(verify_bad(c), 0);
		CHECK_EQ(catalog_exec(c, edits[i]), 0);
		CHECK_EQ(verify_bad(c), 3);
		catalog_close(c);
	}
}

TEST(test_audit_log_written_before_schema_2_verifies_after_the_upgrade)
{
	char *from = xasprintf("%s/catalog-v1.db", fixtures_dir()), *to = xasprintf("%s/v1.db", dir);
	struct catalog *c = NULL;
	struct audit_actor a;
	struct last l = { .n = 0 };

	/* Written by recfs before this change: init, two ingests, a mount's
	 * opens (under artifact ids) and getfattr's details reads. */
	CHECK_EQ(util_copy_file(from, to, 0600), 0);
	CHECK_EQ(catalog_open(to, 0, &c), 0);
	if (!c)
		goto out;
	CHECK_EQ(verify_count(c), 17);
	CHECK_EQ(audit_each(c, NULL, see_last, &l), 0);
	CHECK_STR(l.artifact, "(null)");
	CHECK_EQ(l.has_loginuid, 0);
	audit_self(&a, NULL);
	a.has_loginuid = 1;
	a.loginuid = 0;
	CHECK_EQ(audit_log_artifact(c, &a, "open", "0123456789abcdef0123456789abcdef", "chat", "ok", NULL), 0);
	CHECK_EQ(verify_count(c), 18);
	/* Schema 27: the new entry has its event's microseconds, the old
	 * ones none, and both verify. */
	l.n = 0;
	CHECK_EQ(audit_each(c, NULL, see_last, &l), 0);
	CHECK(l.time_us > 0);
	CHECK_EQ(l.time, l.time_us / 1000000);
	CHECK_EQ(audit_each(c, "0123456789abcdef0123456789abcdef", see_last, &l), 0);
	catalog_close(c);
	/* Opened again: nothing more to upgrade, still intact. */
	c = NULL;
	CHECK_EQ(catalog_open(to, 0, &c), 0);
	CHECK_EQ(verify_count(c), 18);
	catalog_close(c);
out:
	free(from);
	free(to);
}

static int count_entries(const struct audit_entry *e, void *ctx)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

static int where_count(struct catalog *c, const struct cat_audit_filter *f)
{
	int n = 0;

	CHECK_EQ(audit_each_where(c, f, count_entries, &n), 0);
	return n;
}

TEST(test_audit_each_where_combines_its_conditions)
{
	struct catalog *c = fresh("where", 6);	/* object-0 .. object-5, actions "open" */
	const char *objs[] = { "object-1", "object-4", "nothing" };
	struct audit_actor a, b;
	struct cat_audit_filter f = { 0 };
	int64_t t = util_now();

	audit_self(&a, "analysis");
	b = a;
	b.uid = a.uid + 1;
	b.user = "someone-else";
	CHECK_EQ(audit_log(c, &b, "details", "object-1", "ok", NULL), 0);
	CHECK_EQ(audit_log(c, &b, "open", "object-19", "ok", NULL), 0);
	CHECK_EQ(where_count(c, &f), 8);
	f.objects = objs;
	f.n_objects = 3;
	CHECK_EQ(where_count(c, &f), 3);
	f.object_prefix = "object-1";
	CHECK_EQ(where_count(c, &f), 4);
	f.action = "open";
	CHECK_EQ(where_count(c, &f), 3);
	f.user = "someone-else";
	CHECK_EQ(where_count(c, &f), 1);
	f.user = NULL;
	f.has_uid = 1;
	f.uid = a.uid;
	CHECK_EQ(where_count(c, &f), 2);
	f.user = "someone-else";
	CHECK_EQ(where_count(c, &f), 3);
	f.since = t + 3600;
	CHECK_EQ(where_count(c, &f), 0);
	f.since = t - 3600;
	f.until = t + 3600;
	CHECK_EQ(where_count(c, &f), 3);
	f.until = t - 1800;
	CHECK_EQ(where_count(c, &f), 0);
	f = (struct cat_audit_filter){ .object_prefix = "object-" };
	CHECK_EQ(where_count(c, &f), 8);
	f.n_objects = CATALOG_AUDIT_OBJECTS_MAX + 1;
	f.objects = objs;
	CHECK_EQ(audit_each_where(c, &f, count_entries, &(int){ 0 }), -E2BIG);
	catalog_close(c);
}

/* The seqs a walk gave, in the order given. */
struct seqs {
	int64_t seq[2048];
	int n;
};

static int note_seq(const struct audit_entry *e, void *ctx)
{
	struct seqs *s = ctx;

	if (s->n < (int)(sizeof(s->seq) / sizeof(*s->seq)))
		s->seq[s->n] = e->seq;
	s->n++;
	return 0;
}

/* Entries of several objects come a page at a time, each page up to the
 * end the one read of their seqs gave it (atk40 F1): every entry once, in
 * seq order, over pages of exactly 256, the last short one, and one
 * ending on a page's edge. */
TEST(test_audit_each_where_pages_entries_of_several_objects_in_order)
{
	struct catalog *c = fresh("pages", 0);
	const char *objs[] = { "rec", "rec-wav", "rec-chat" };
	struct cat_audit_filter f = { .objects = objs, .n_objects = 3, .action = "open" };
	struct audit_actor a;
	struct audit_gap gap;
	struct seqs *s = xcalloc(1, sizeof(*s));
	int want = 0;

	audit_self(&a, "training");
	for (int i = 0; i < 1800; i++) {
		const char *o = i % 5 == 4 ? "other" : objs[i % 3];
		const char *act = i % 7 == 6 ? "details" : "open";

		CHECK_EQ(audit_log(c, &a, act, o, "ok", NULL), 0);
		want += strcmp(o, "other") && !strcmp(act, "open");
	}
	CHECK_EQ(audit_each_noting(c, &f, note_seq, s, &gap), 0);
	CHECK_EQ(s->n, want);
	CHECK_EQ(gap.n, 0u);
	for (int i = 1; i < s->n; i++)
		CHECK(s->seq[i] > s->seq[i - 1]);
	/* From the middle on, and a count that fills its last page. */
	f.seq_from = s->seq[want - 512];
	s->n = 0;
	CHECK_EQ(audit_each_noting(c, &f, note_seq, s, &gap), 0);
	CHECK_EQ(s->n, 512);
	f.seq_from = 0;
	f.seq_to = s->seq[255];
	s->n = 0;
	CHECK_EQ(audit_each_noting(c, &f, note_seq, s, &gap), 0);
	CHECK_EQ(s->n, want - 512 + 256);
	free(s);
	catalog_close(c);
}

/* The event's microseconds are in the chain: an entry whose time_us was
 * edited (an open moved before a restriction) no longer verifies (bb14
 * F2). */
TEST(test_audit_event_time_us_is_in_the_chain)
{
	struct catalog *c = fresh("us", 3);
	struct last l = { .n = 0 };

	CHECK_EQ(verify_bad(c), 0);
	CHECK_EQ(audit_each(c, NULL, see_last, &l), 0);
	CHECK(l.time_us > 0);
	CHECK_EQ(l.time, l.time_us / 1000000);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET time_us = time_us - 1 WHERE seq = 2"), 0);
	CHECK_EQ(verify_bad(c), 2);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET time_us = time_us + 1 WHERE seq = 2"), 0);
	CHECK_EQ(verify_bad(c), 0);
	/* Removed (as an older entry has none): the chain breaks too. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET time_us = NULL WHERE seq = 3"), 0);
	CHECK_EQ(verify_bad(c), 3);
	catalog_close(c);
}

/* login_too: a uid also matches the login uid (what a user did through su
 * or sudo, as another account); without it, the entry's uid alone. */
TEST(test_audit_each_where_matches_the_login_uid_when_asked)
{
	struct catalog *c = fresh("login", 0);
	struct audit_actor a, svc;
	struct cat_audit_filter f = { 0 };

	audit_self(&a, "analysis");
	a.has_loginuid = 0;
	svc = a;
	svc.uid = a.uid + 7;
	svc.user = "svc-account";
	svc.has_loginuid = 1;
	svc.loginuid = a.uid + 3;	/* the person who logged in and ran sudo -u */
	CHECK_EQ(audit_log(c, &a, "open", "object-1", "ok", NULL), 0);
	CHECK_EQ(audit_log(c, &svc, "open", "object-2", "ok", NULL), 0);
	f.has_uid = 1;
	f.uid = a.uid + 3;
	CHECK_EQ(where_count(c, &f), 0);
	f.login_too = 1;
	CHECK_EQ(where_count(c, &f), 1);
	f.user = "person";	/* a name too: either matches */
	CHECK_EQ(where_count(c, &f), 1);
	f.uid = a.uid + 7;	/* the service account's own entry stays its */
	CHECK_EQ(where_count(c, &f), 1);
	f = (struct cat_audit_filter){ .user = "svc-account", .login_too = 1 };
	CHECK_EQ(where_count(c, &f), 1);	/* a name alone: no uid to match */
	catalog_close(c);
}

/* --- sealing ---------------------------------------------------------- */

/* 2027-01-01T00:00:00Z, on a quarter hour: epoch i of a 900 s clock set up
 * just after it runs from T0 + 900 i. */
#define T0 1798761600LL
/* When the sealed logs below are verified: epoch 2, 30 s in. */
#define T_VERIFY (T0 + 1830)

static void at(long long t)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", t);
	setenv("RECFS_NOW", b, 1);
}

static const struct audit_actor alice = { .uid = 1001, .user = "alice", .level = "analysis", .pid = 4242, .comm = "cat" };
static const struct audit_actor bob = { .uid = 1002, .user = "bob", .level = "privacy", .pid = 4343, .comm = "recctl" };

/* Entries 1..7 by alice and bob, at these offsets from T0: 1..3 in epoch 0,
 * 4..5 in epoch 1, 6..7 in epoch 2. */
static const long long entry_at[] = { 20, 30, 40, 910, 920, 1810, 1820 };

static char *key_path(const char *name)
{
	return xasprintf("%s/%s.key", dir, name);
}

/* A log sealed from its start (keys set up at T0 + 10, as init does), its
 * verification key in *vk, the clock left at T_VERIFY. */
static struct catalog *sealed(const char *name, struct audit_vkey **vk)
{
	struct catalog *c = NULL;
	char *path = xasprintf("%s/%s.db", dir, name), *kp = key_path(name);

	CHECK_EQ(catalog_open(path, 1, &c), 0);
	at(T0 + 10);
	CHECK_EQ(audit_setup_keys(c, AUDIT_EPOCH_MAX, kp), 0);
	for (size_t i = 0; i < sizeof(entry_at) / sizeof(entry_at[0]); i++) {
		char obj[32];

		snprintf(obj, sizeof(obj), "rec-%zu", i + 1);
		at(T0 + entry_at[i]);
		CHECK_EQ(audit_log(c, i % 2 ? &bob : &alice, "open", obj, "ok", NULL), 0);
	}
	CHECK_EQ(audit_vkey_load(kp, vk), 0);
	at(T_VERIFY);
	free(path);
	free(kp);
	return c;
}

/* audit_verify with the key at T_VERIFY: its result, the report in *rep. */
static int verify_keyed(struct catalog *c, const struct audit_vkey *vk, struct audit_report *rep)
{
	meta_clear_error();
	return audit_verify(c, vk, T_VERIFY, rep);
}

/*
 * What someone who can write the catalog does to hide an edit: rebuild the
 * whole chain (and the head) over the rows as they now are, with the real
 * code - audit_append into an unsealed scratch log, whose rows then replace
 * the audit table.  Rows are renumbered 1, 2, ... in seq order.
 */
struct scratch {
	struct catalog *c;
};

static int copy_entry(const struct audit_entry *e, void *ctx)
{
	struct audit_entry x = *e;

	x.seq = 0;
	return audit_append(((struct scratch *)ctx)->c, &x, 1);
}

static void recompute_chain(struct catalog *c, const char *name)
{
	char *path = xasprintf("%s/%s-scratch.db", dir, name), *sql;
	struct scratch w = { NULL };

	unlink(path);
	CHECK_EQ(catalog_open(path, 1, &w.c), 0);
	CHECK_EQ(audit_each(c, NULL, copy_entry, &w), 0);
	catalog_close(w.c);
	sql = xasprintf("ATTACH DATABASE '%s' AS x;"
			"DELETE FROM audit; INSERT INTO audit SELECT * FROM x.audit;"
			"UPDATE meta SET value = (SELECT value FROM x.meta WHERE key = 'audit_head') "
			"WHERE key = 'audit_head'; DETACH DATABASE x;", path);
	CHECK_EQ(catalog_exec(c, sql), 0);
	free(sql);
	free(path);
}

TEST(test_audit_sealed_log_verifies_with_its_key)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-ok", &vk);
	struct audit_report rep;

	CHECK_EQ(verify_keyed(c, vk, &rep), 0);
	CHECK_EQ(rep.entries, 7);
	CHECK_EQ(rep.sealed, 1);
	CHECK_EQ(rep.keyed, 1);
	CHECK_EQ(rep.seals, 2);
	CHECK_EQ(rep.sealed_seq, 5);	/* 6 and 7 are in the current epoch */
	CHECK_EQ(rep.sealed_until, T0 + 1800);
	CHECK_EQ(rep.key_epoch, 2);
	CHECK_EQ(rep.first_seq, 0);
	CHECK_EQ(vk->start, T0);
	CHECK_EQ(vk->interval, AUDIT_EPOCH_MAX);
	/* Without the key the structure is checked, not the MACs. */
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);
	CHECK_EQ(rep.keyed, 0);
	CHECK_EQ(rep.seals, 2);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_an_edited_user)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-edit", &vk);
	struct audit_report rep;

	CHECK_EQ(catalog_exec(c, "UPDATE audit SET user = 'mallory', uid = 666 WHERE seq = 2"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 2);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_an_inserted_entry_even_with_the_chain_recomputed)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-insert", &vk);
	struct audit_report rep;

	/* A forged entry between 3 and 4 (seq 3.5 sorts there), then the
	 * chain rebuilt and renumbered. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET seq = seq * 10"), 0);
	CHECK_EQ(catalog_exec(c, "INSERT INTO audit (seq, time, uid, user, level, pid, comm, action, object, outcome, "
				 "reason, hash) SELECT 35, time, 1002, 'bob', level, pid, comm, action, 'rec-x', outcome, "
				 "reason, hash FROM audit WHERE seq = 30"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	recompute_chain(c, "s-insert");
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);	/* the unkeyed checks cannot tell */
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 4);	/* epoch 1's seal: entries 4..5 */
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_deleted_middle_entry_even_with_the_chain_recomputed)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-delete", &vk);
	struct audit_report rep;

	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq = 2"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 2);
	recompute_chain(c, "s-delete");
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 1);	/* epoch 0's seal: entries 1..3 */
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_reordered_entries_even_with_the_chain_recomputed)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-reorder", &vk);
	struct audit_report rep;

	CHECK_EQ(catalog_exec(c, "UPDATE audit SET seq = -1 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5;"
				 "UPDATE audit SET seq = 5 WHERE seq = -1"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 4);
	recompute_chain(c, "s-reorder");
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 4);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_truncated_tail)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-cut", &vk);
	struct audit_report rep;

	/* Entries 5..7 gone, the head rewritten to match: the unkeyed checks
	 * pass on this only because the seal of epoch 1 names entry 5. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq > 4"), 0);
	recompute_chain(c, "s-cut");
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 5);
	/* Cutting the seals and the key's epoch with it shows too. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit_seal WHERE epoch >= 1; UPDATE audit_key SET epoch = 1"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);	/* structure alone cannot tell */
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_deleted_head_record_and_cut_tail)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-head", &vk);
	struct audit_report rep;

	/* What passed audit verify before the seals: the head record
	 * removed, then the last entries. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM meta WHERE key = 'audit_head'; DELETE FROM audit WHERE seq > 3"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 4);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_recomputed_chain_with_an_entry_reattributed)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-rechain", &vk);
	struct audit_report rep;

	/* The other case that passed audit verify before: bob's open of
	 * rec-2 made alice's, and the chain and head recomputed. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET uid = 1001, user = 'alice', level = 'analysis' WHERE seq = 2"), 0);
	recompute_chain(c, "s-rechain");
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);	/* the unkeyed chain cannot tell */
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 1);
	CHECK(strstr(meta_errmsg(), "seal of epoch 0") != NULL);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_cannot_see_changes_within_the_current_epoch)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-current", &vk);
	struct audit_report rep;

	/* The documented limit: entries 6 and 7 are not sealed yet, so
	 * whoever holds the catalog (and its current key) may rewrite them. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET uid = 1001, user = 'alice' WHERE seq = 7"), 0);
	recompute_chain(c, "s-current");
	CHECK_EQ(verify_keyed(c, vk, &rep), 0);
	CHECK_EQ(rep.sealed_seq, 5);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq > 5"), 0);
	recompute_chain(c, "s-current");
	CHECK_EQ(verify_keyed(c, vk, &rep), 0);
	CHECK_EQ(rep.entries, 5);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_removed_or_replaced_key_state)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-key", &vk);
	struct audit_report rep;

	CHECK_EQ(catalog_exec(c, "UPDATE audit_key SET key = randomblob(32)"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "replaced") != NULL);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit_key"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "removed") != NULL);
	/* Everything of the sealing gone: the verification key remembers. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit_seal"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);
	CHECK_EQ(rep.sealed, 0);
	CHECK_EQ(rep.issued, 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	audit_vkey_free(vk);
	catalog_close(c);
}

/* A log whose own entry says a key was issued (init's audit-epoch=N,
 * audit setup-keys) and that has neither seals nor key state: they were
 * removed, and verify says so without the key (atk40 F2). */
TEST(test_audit_seal_removal_shows_without_the_key_when_the_log_says_a_key_was_issued)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-said", &vk);
	struct audit_report rep;
	struct audit_actor a;
	struct audit_entry init = { .action = "init", .outcome = "ok", .reason = "3 levels audit-epoch=900" };
	int64_t at;

	CHECK(audit_entry_issued_key(&init));
	init.reason = "3 levels";
	CHECK(!audit_entry_issued_key(&init));
	init.reason = "3 levels audit-epoch=900";
	init.outcome = "refused";
	CHECK(!audit_entry_issued_key(&init));
	audit_self(&a, NULL);
	CHECK_EQ(audit_log(c, &a, "audit-setup-keys", NULL, "ok", "epoch 900s, after entry 0"), 0);
	at = verify_count(c);
	CHECK(at > 0);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit_seal; DELETE FROM audit_key"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK_EQ(rep.issued, at);
	CHECK(strstr(meta_errmsg(), "says a verification key was issued") != NULL);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_finds_a_seal_removed_or_altered)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-sealrow", &vk);
	struct audit_report rep;

	CHECK_EQ(catalog_exec(c, "UPDATE audit_seal SET mac = randomblob(32) WHERE epoch = 1"), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 4);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit_seal WHERE epoch = 0"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "epoch 0 is missing") != NULL);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seal_says_when_sealing_stopped)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-stale", &vk);
	struct audit_report rep;
	int64_t closed = -1;

	/* Epoch 2 ended at T0 + 2700 and nothing has sealed it: a minute of
	 * grace, then it counts as stopped (a cut tail with its seals, a
	 * catalog put back from a copy, or no writer and no timer). */
	CHECK_EQ(audit_verify(c, vk, T0 + 2700 + 30, &rep), 0);
	CHECK_EQ(audit_verify(c, vk, T0 + 2700 + 61, &rep), -ETIME);
	CHECK_EQ(rep.bad, 6);
	at(T0 + 2700 + 61);
	CHECK_EQ(audit_seal(c, &closed), 0);
	CHECK_EQ(closed, 1);
	CHECK_EQ(audit_verify(c, vk, T0 + 2700 + 61, &rep), 0);
	CHECK_EQ(rep.seals, 3);
	CHECK_EQ(rep.sealed_seq, 7);
	CHECK_EQ(audit_seal(c, &closed), 0);
	CHECK_EQ(closed, 0);
	/* A key moved into the future is as suspect. */
	CHECK_EQ(audit_verify(c, vk, T0 + 1000, &rep), -EBADMSG);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seals_close_every_elapsed_epoch_at_the_next_append)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-idle", &vk);
	struct audit_report rep;

	/* Idle for three epochs, then one entry: epochs 2, 3, 4 are closed
	 * first, the last two over the same entries. */
	at(T0 + 5 * 900 + 5);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-8", "ok", NULL), 0);
	CHECK_EQ(audit_verify(c, vk, T0 + 5 * 900 + 6, &rep), 0);
	CHECK_EQ(rep.seals, 5);
	CHECK_EQ(rep.sealed_seq, 7);
	CHECK_EQ(rep.key_epoch, 5);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_seals_roll_back_with_the_entries_they_came_with)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-rollback", &vk);
	struct audit_report rep;

	at(T0 + 3 * 900 + 5);
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(audit_log(c, &alice, "erase", "rec-1", "ok", NULL), 0);
	catalog_rollback(c);
	CHECK_EQ(audit_verify(c, vk, T0 + 3 * 900 + 6, &rep), 0);
	CHECK_EQ(rep.key_epoch, 2);	/* neither the seals nor the evolution stayed */
	CHECK_EQ(rep.entries, 7);
	audit_vkey_free(vk);
	catalog_close(c);
}

/* Whether the n bytes at needle occur in the file at path (0 if absent or
 * empty). */
static int file_holds(const char *path, const uint8_t *needle, size_t n)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int found = 0;

	if (util_read_file(path, 64 << 20, &buf, &len))
		return 0;
	for (size_t i = 0; i + n <= len && !found; i++)
		found = !memcmp(buf + i, needle, n);
	free(buf);
	return found;
}

TEST(test_audit_an_evolved_key_leaves_neither_database_nor_wal)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-wipe", &vk);
	char *db = xasprintf("%s/s-wipe.db", dir), *wal = xasprintf("%s/s-wipe.db-wal", dir);
	struct cat_audit_key ks = { 0 };
	uint8_t old[CRYPTO_EVOLVE_KEY_BYTES];

	CHECK_EQ(catalog_audit_key_get(c, &ks), 0);
	memcpy(old, ks.key->bytes, sizeof(old));
	CHECK(file_holds(db, old, sizeof(old)) || file_holds(wal, old, sizeof(old)));
	at(T0 + 3 * 900 + 5);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-8", "ok", NULL), 0);
	CHECK_EQ(file_holds(db, old, sizeof(old)), 0);
	CHECK_EQ(file_holds(wal, old, sizeof(old)), 0);
	crypto_memzero(old, sizeof(old));
	crypto_key_free(ks.key);
	free(db);
	free(wal);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_setup_keys_once_and_only_into_a_new_file)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("s-twice", &vk), *d = NULL;
	char *kp = key_path("s-twice"), *kp2 = key_path("s-twice-2"), *path = xasprintf("%s/s-fresh.db", dir);
	struct stat st;

	CHECK_EQ(audit_setup_keys(c, 900, kp2), -EEXIST);
	CHECK_EQ(access(kp2, F_OK), -1);
	CHECK_EQ(stat(kp, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0400);
	CHECK_EQ(catalog_open(path, 1, &d), 0);
	CHECK_EQ(audit_setup_keys(d, 900, kp), -EEXIST);	/* the file exists */
	CHECK_EQ(audit_setup_keys(d, 0, kp2), -EINVAL);
	CHECK_EQ(audit_setup_keys(d, 901, kp2), -EINVAL);
	CHECK_EQ(audit_verify(d, NULL, util_now(), &(struct audit_report){ 0 }), 0);
	free(kp);
	free(kp2);
	free(path);
	audit_vkey_free(vk);
	catalog_close(c);
	catalog_close(d);
}

TEST(test_audit_setup_keys_on_an_old_log_seals_it_from_then_on)
{
	struct catalog *c = fresh("s-late", 4);
	struct audit_vkey *vk = NULL;
	struct audit_report rep;
	char *kp = key_path("s-late");

	at(T0 + 10);
	CHECK_EQ(audit_setup_keys(c, 900, kp), 0);
	CHECK_EQ(audit_vkey_load(kp, &vk), 0);
	CHECK_EQ(vk->first_seq, 4);
	at(T0 + 20);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-1", "ok", NULL), 0);
	at(T0 + 910);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-2", "ok", NULL), 0);
	CHECK_EQ(audit_verify(c, vk, T0 + 920, &rep), 0);
	CHECK_EQ(rep.first_seq, 4);
	CHECK_EQ(rep.sealed_seq, 5);
	/* Entries from before sealing cannot be taken out afterwards. */
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq = 4"), 0);
	recompute_chain(c, "s-late");
	CHECK_EQ(audit_verify(c, vk, T0 + 920, &rep), -EBADMSG);
	free(kp);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_vkey_round_trips_and_rejects_other_files)
{
	struct audit_vkey *vk = NULL, *back = NULL;
	struct catalog *c = sealed("s-file", &vk);
	char *kp = key_path("s-file-copy"), *bad = key_path("s-file-bad");

	CHECK_EQ(audit_vkey_save(vk, kp), 0);
	CHECK_EQ(audit_vkey_save(vk, kp), -EEXIST);
	CHECK_EQ(audit_vkey_load(kp, &back), 0);
	CHECK_EQ(back->start, vk->start);
	CHECK_EQ(back->interval, vk->interval);
	CHECK_EQ(back->first_seq, vk->first_seq);
	CHECK(crypto_equal(back->key->bytes, vk->key->bytes, CRYPTO_EVOLVE_KEY_BYTES));
	/* A key of another register. */
	CHECK_EQ(catalog_set_meta(c, "register_id", "0123456789abcdef0123456789abcdef"), 0);
	memcpy(back->register_id, "fedcba9876543210fedcba9876543210", RECFS_ID_HEX);
	CHECK_EQ(audit_verify(c, back, T_VERIFY, &(struct audit_report){ 0 }), -EKEYREJECTED);
	audit_vkey_free(back);
	back = NULL;
	CHECK_EQ(util_write_file_atomic(bad, "recfs-audit-verify-key 1 - 0 900 0 abcd\n", 40, 0600), 0);
	CHECK_EQ(audit_vkey_load(bad, &back), -EINVAL);
	CHECK_EQ(audit_vkey_load(kp, &back), 0);
	CHECK_EQ(util_write_file_atomic(bad, "# nothing\n", 10, 0600), 0);
	CHECK_EQ(audit_vkey_load(bad, &back), -EINVAL);
	free(kp);
	free(bad);
	audit_vkey_free(back);
	audit_vkey_free(vk);
	catalog_close(c);
}

/* The frozen sealed log (tests/fixtures/catalog-v4-sealed.db and its
 * audit-verify-v1.key, made once by tests/gen/gen_sealed_catalog.c: keys
 * set up at 2026-11-28T10:00:05Z with epochs of 900 s): init, an ingest,
 * opens with their artifacts and login uid, a refusal, a details read, a
 * restriction.  Epochs 0..3 are sealed (2 and 3 idle, over the same
 * entries); entries 7 and 8 are in epoch 4. */
#define FIX_T0 1795860000LL

TEST(test_audit_sealed_log_of_format_1_still_verifies_with_its_key)
{
	char *from = xasprintf("%s/catalog-v4-sealed.db", fixtures_dir()), *to = xasprintf("%s/sealed-v4.db", dir);
	char *kp = xasprintf("%s/audit-verify-v1.key", fixtures_dir());
	struct audit_vkey *vk = NULL;
	struct catalog *c = NULL;
	struct audit_report rep;

	CHECK_EQ(util_copy_file(from, to, 0600), 0);
	CHECK_EQ(audit_vkey_load(kp, &vk), 0);
	CHECK_EQ(catalog_open(to, 0, &c), 0);
	if (!c || !vk)
		goto out;
	CHECK_STR(vk->register_id, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
	CHECK_EQ(vk->start, FIX_T0);
	CHECK_EQ(vk->interval, 900);
	CHECK_EQ(audit_verify(c, vk, FIX_T0 + 4 * 900 + 50, &rep), 0);
	CHECK_EQ(rep.entries, 8);
	CHECK_EQ(rep.seals, 4);
	CHECK_EQ(rep.sealed_seq, 6);
	CHECK_EQ(rep.sealed_until, FIX_T0 + 4 * 900);
	CHECK_EQ(rep.key_epoch, 4);
	CHECK_EQ(rep.first_seq, 0);
	/* Its checks still bite: an epoch later it is stale, and an entry of
	 * epoch 0 re-attributed with the chain recomputed does not pass. */
	CHECK_EQ(audit_verify(c, vk, FIX_T0 + 5 * 900 + 61, &rep), -ETIME);
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET uid = 1002, user = 'dpo', level = 'privacy' WHERE seq = 3"), 0);
	recompute_chain(c, "sealed-v4");
	CHECK_EQ(audit_verify(c, NULL, FIX_T0 + 4 * 900 + 50, &rep), 0);
	CHECK_EQ(audit_verify(c, vk, FIX_T0 + 4 * 900 + 50, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 1);
out:
	catalog_close(c);
	audit_vkey_free(vk);
	free(from);
	free(to);
	free(kp);
}

/* --- retention of the log itself --------------------------------------- */

static const struct audit_actor sweeper = { .uid = 0, .user = "root", .level = "privacy", .pid = 99, .comm = "recctl" };

/* The seq of the first row of the audit table, or 0 when it is empty. */
static int64_t first_row(struct catalog *c)
{
	struct audit_report rep;

	return audit_verify(c, NULL, util_now(), &rep) ? -1 : rep.first;
}

static int64_t rows(struct catalog *c)
{
	int n = 0;

	CHECK_EQ(audit_each(c, NULL, count_entries, &n), 0);
	return n;
}

/* Field i (0-based) of the checkpoint's text replaced by value. */
static void edit_checkpoint(struct catalog *c, int i, const char *value)
{
	char *v = NULL, *f[8], *save = NULL, *out;
	int n = 0;

	CHECK_EQ(catalog_get_meta(c, "audit_checkpoint", &v), 0);
	if (!v)
		return;
	for (char *t = strtok_r(v, " ", &save); t && n < 8; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	CHECK_EQ(n, 7);
	f[i] = (char *)value;
	out = xasprintf("%s %s %s %s %s %s %s", f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
	CHECK_EQ(catalog_set_meta(c, "audit_checkpoint", out), 0);
	free(out);
	free(v);
}

/* The stored hash of entry seq, in hex. */
static void hash_hex(struct catalog *c, int64_t seq, char hex[CRYPTO_HASH_BYTES * 2 + 1])
{
	uint8_t h[CRYPTO_HASH_BYTES] = { 0 };

	CHECK_EQ(catalog_audit_hash_of(c, seq, h), 0);
	crypto_hex(hex, h, CRYPTO_HASH_BYTES);
}

TEST(test_audit_expire_drops_old_entries_and_the_log_still_verifies_with_and_without_its_key)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("x-ok", &vk);
	struct audit_report rep;
	int64_t dropped = -1, first = -1;

	/* Entries 1..4 were written before T0 + 915, 5..7 after. */
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 1, &dropped, &first), 0);
	CHECK_EQ(dropped, 4);
	CHECK_EQ(first, 5);
	CHECK_EQ(rows(c), 7);	/* the dry run changed nothing */
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	CHECK_EQ(dropped, 4);
	CHECK_EQ(first, 5);
	CHECK_EQ(rows(c), 4);	/* 5, 6, 7 and the sweep's own entry */
	CHECK_EQ(verify_keyed(c, vk, &rep), 0);
	CHECK_EQ(rep.first, 5);
	CHECK_EQ(rep.entries, 4);
	CHECK_EQ(rep.dropped_before, T0 + 915);
	CHECK_EQ(rep.dropped_at, T_VERIFY);
	CHECK_EQ(rep.seals, 2);
	CHECK_EQ(rep.seals_dropped, 1);	/* epoch 0's: entries 1..3 */
	CHECK_EQ(rep.sealed_seq, 5);	/* epoch 1's still checks, from the checkpoint */
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);
	/* Nothing more is old enough: a second sweep drops nothing. */
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	CHECK_EQ(dropped, 0);
	CHECK_EQ(first, 5);
	/* A later sweep moves the checkpoint on, and it still verifies,
	 * epochs later (the key has evolved past the first checkpoint's). */
	at(T0 + 2 * 900 + 950);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-9", "ok", NULL), 0);
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 1815, 0, &dropped, &first), 0);
	CHECK_EQ(dropped, 2);	/* 5 and 6 (at T0 + 1810) */
	CHECK_EQ(first, 7);
	meta_clear_error();
	CHECK_EQ(audit_verify(c, vk, T0 + 2 * 900 + 960, &rep), 0);
	CHECK_EQ(rep.first, 7);
	CHECK_EQ(rep.dropped_before, T0 + 1815);
	CHECK_EQ(audit_verify(c, NULL, T0 + 2 * 900 + 960, &rep), 0);
	at(T_VERIFY);
	audit_vkey_free(vk);
	catalog_close(c);
}

TEST(test_audit_expire_stops_at_the_first_seal_of_an_epoch_that_ended_after_its_limit)
{
	struct catalog *c = NULL;
	struct audit_vkey *vk = NULL;
	struct audit_report rep;
	char *path = xasprintf("%s/x-cap.db", dir), *kp = key_path("x-cap");
	/* An entry replayed late (a journal recovered after a crash): written
	 * in epoch 1 with a time of epoch 0. */
	struct audit_entry late = { .actor = alice, .action = "open", .object = "rec-late", .outcome = "ok",
				    .time = T0 + 40 };
	int64_t dropped = -1, first = -1;

	CHECK_EQ(catalog_open(path, 1, &c), 0);
	at(T0 + 10);
	CHECK_EQ(audit_setup_keys(c, AUDIT_EPOCH_MAX, kp), 0);
	CHECK_EQ(audit_vkey_load(kp, &vk), 0);
	at(T0 + 20);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-1", "ok", NULL), 0);
	at(T0 + 30);
	CHECK_EQ(audit_log(c, &bob, "open", "rec-2", "ok", NULL), 0);
	at(T0 + 910);
	CHECK_EQ(audit_append(c, &late, 1), 0);	/* 3; epoch 0's seal covers 1..2 */
	at(T0 + 920);
	CHECK_EQ(audit_log(c, &alice, "open", "rec-4", "ok", NULL), 0);
	at(T_VERIFY);
	CHECK_EQ(audit_log(c, &bob, "open", "rec-5", "ok", NULL), 0);
	/* 1..3 all have times before T0 + 100, but 3 was written after epoch
	 * 0 ended (T0 + 900): a checkpoint dropping it could not be told from
	 * one that drops young entries, so it stays. */
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 100, 0, &dropped, &first), 0);
	CHECK_EQ(dropped, 2);
	CHECK_EQ(first, 3);
	CHECK_EQ(verify_keyed(c, vk, &rep), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);
	audit_vkey_free(vk);
	catalog_close(c);
	free(path);
	free(kp);
}

TEST(test_audit_expire_leaves_a_log_that_does_not_verify_as_it_is)
{
	struct catalog *c = fresh("x-broken", 10);
	int64_t dropped = -1, first = -1;

	CHECK_EQ(catalog_exec(c, "UPDATE audit SET user = 'mallory' WHERE seq = 2"), 0);
	meta_clear_error();
	CHECK_EQ(audit_expire(c, &sweeper, util_now() + 10, 0, &dropped, &first), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "nothing was dropped"));
	CHECK_EQ(dropped, -1);
	CHECK_EQ(rows(c), 10);
	catalog_close(c);
}

TEST(test_audit_expire_keeps_the_last_entry_of_a_log_that_is_all_old)
{
	struct catalog *c;
	struct audit_report rep;
	int64_t dropped = -1, first = -1;

	at(T_VERIFY);
	c = fresh("x-all", 5);
	at(T_VERIFY + 7200);
	CHECK_EQ(audit_expire(c, &sweeper, T_VERIFY + 3600, 0, &dropped, &first), 0);
	CHECK_EQ(dropped, 4);
	CHECK_EQ(first, 5);
	CHECK_EQ(rows(c), 2);	/* 5 and the sweep's entry, 6, which chains from it */
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.first, 5);
	CHECK_EQ(rep.entries, 2);
	at(T_VERIFY);
	catalog_close(c);
}

TEST(test_audit_expire_checkpoint_edited_is_found)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("x-edit", &vk);
	struct audit_report rep;
	char hex[CRYPTO_HASH_BYTES * 2 + 1], t[32];
	int64_t dropped, first;

	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	CHECK_EQ(first, 5);
	/* Its chain hash: the chain no longer follows, with or without the key. */
	hash_hex(c, 6, hex);
	edit_checkpoint(c, 2, hex);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 5);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	catalog_close(c);
	audit_vkey_free(vk);

	/* Its limit moved later (to drop younger entries next): the MAC. */
	c = sealed("x-edit2", &vk);
	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	snprintf(t, sizeof(t), "%lld", T0 + 1000);
	edit_checkpoint(c, 3, t);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);	/* the unkeyed checks cannot tell */
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "retention checkpoint"));
	/* Removed: the log then starts without its first entries. */
	CHECK_EQ(catalog_delete_meta(c, "audit_checkpoint"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 1);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	/* Garbage. */
	CHECK_EQ(catalog_set_meta(c, "audit_checkpoint", "1 5 zz"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	catalog_close(c);
	audit_vkey_free(vk);
}

TEST(test_audit_expire_one_more_old_entry_deleted_is_found)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("x-more", &vk);
	struct audit_report rep;
	char hex[CRYPTO_HASH_BYTES * 2 + 1];
	int64_t dropped, first;

	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	CHECK_EQ(first, 5);
	hash_hex(c, 5, hex);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq = 5"), 0);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 5);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK_EQ(rep.bad, 5);
	/* And with the checkpoint moved on to match (first 6, entry 5's hash),
	 * as a sweep would have made it: only its MAC tells. */
	edit_checkpoint(c, 1, "6");
	edit_checkpoint(c, 2, hex);
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), 0);
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "retention checkpoint"));
	catalog_close(c);
	audit_vkey_free(vk);
}

TEST(test_audit_expire_checkpoint_that_drops_entries_younger_than_its_limit_is_found)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("x-young", &vk);
	struct audit_report rep;
	char hex[CRYPTO_HASH_BYTES * 2 + 1];
	int64_t dropped, first;

	CHECK_EQ(audit_expire(c, &sweeper, T0 + 915, 0, &dropped, &first), 0);
	/* Entries 5 and 6 dropped too, the checkpoint rewritten to match but
	 * its limit left: entry 6 was written after epoch 1's seal (entries
	 * 1..5), so after epoch 1 ended, so after the limit. */
	hash_hex(c, 6, hex);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq IN (5, 6)"), 0);
	edit_checkpoint(c, 1, "7");
	edit_checkpoint(c, 2, hex);
	meta_clear_error();
	CHECK_EQ(audit_verify(c, NULL, T_VERIFY, &rep), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "were dropped"));
	CHECK_EQ(verify_keyed(c, vk, &rep), -EBADMSG);
	catalog_close(c);
	audit_vkey_free(vk);
}

TEST(test_audit_expire_before_sealing_then_setup_keys_verifies_with_the_key)
{
	struct catalog *c;
	struct audit_vkey *vk = NULL;
	struct audit_report rep;
	char *kp = key_path("x-unsealed");
	int64_t dropped, first;

	at(T_VERIFY);
	c = fresh("x-unsealed", 6);
	at(T_VERIFY + 7200);
	CHECK_EQ(audit_expire(c, &sweeper, T_VERIFY + 3600, 0, &dropped, &first), 0);
	CHECK_EQ(first, 6);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(first_row(c), 6);
	CHECK_EQ(audit_setup_keys(c, AUDIT_EPOCH_MAX, kp), 0);
	CHECK_EQ(audit_vkey_load(kp, &vk), 0);
	CHECK_EQ(vk->first_seq, 7);
	meta_clear_error();
	CHECK_EQ(audit_verify(c, vk, util_now(), &rep), 0);
	/* A checkpoint without a MAC cannot drop sealed entries. */
	edit_checkpoint(c, 1, "7");
	CHECK_EQ(audit_verify(c, vk, util_now(), &rep), -EBADMSG);
	at(T_VERIFY);
	audit_vkey_free(vk);
	free(kp);
	catalog_close(c);
}

/* An anchor reads back as written, wherever it stands in a line; one that
 * does not read is refused; the log holds the anchors of its own past and
 * not of entries it lost or rewrote. */
TEST(test_audit_anchor_reads_back_and_holds_for_its_log_only)
{
	struct catalog *c = fresh("anchor", 4);
	struct audit_anchor a, b;
	struct audit_actor act;
	char line[AUDIT_ANCHOR_MAX], *prefixed;
	static const char *const bad[] = {
		"recfs-audit-anchor 2 register=- seq=1 hash=" "00000000000000000000000000000000"
		"00000000000000000000000000000000 at=2027-01-01T00:00:00Z",
		"recfs-audit-anchor 1 register=- seq=-1 hash=" "00000000000000000000000000000000"
		"00000000000000000000000000000000 at=2027-01-01T00:00:00Z",
		"recfs-audit-anchor 1 register=- seq=1 hash=00 at=2027-01-01T00:00:00Z",
		"recfs-audit-anchor 1 register=XYZ seq=1 hash=" "00000000000000000000000000000000"
		"00000000000000000000000000000000 at=2027-01-01T00:00:00Z",
		"recfs-audit-anchor 1 register=- seq=1 hash=" "00000000000000000000000000000000"
		"00000000000000000000000000000000 at=2027-01-01T00:00:00Z and more",
		"recfs-audit-anchor 1 register=- seq=1",
	};

	CHECK_EQ(audit_anchor_get(c, 1798761600, &a), 0);
	CHECK_EQ(a.seq, 4);
	audit_anchor_format(&a, line);
	prefixed = xasprintf("Jan 01 host recfs-audit-seal[7]: %s\n", line);
	CHECK_EQ(audit_anchor_parse(prefixed, &b), 0);
	CHECK_EQ(b.seq, 4);
	CHECK_EQ(b.at, 1798761600);
	CHECK(memcmp(a.hash, b.hash, sizeof(a.hash)) == 0);
	CHECK_STR(b.register_id, a.register_id);
	free(prefixed);
	CHECK_EQ(audit_anchor_parse("closed 1 epoch", &b), -ENOENT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK_EQ(audit_anchor_parse(bad[i], &b), -EINVAL);
	/* More entries: the anchor still holds. */
	audit_self(&act, "privacy");
	CHECK_EQ(audit_log(c, &act, "open", "object-9", "ok", NULL), 0);
	CHECK_EQ(audit_anchor_check(c, &a), 0);
	/* The entry it saw rewritten, or the log cut before it: it does not. */
	CHECK_EQ(catalog_exec(c, "UPDATE audit SET hash = zeroblob(32) WHERE seq = 4"), 0);
	CHECK_EQ(audit_anchor_check(c, &a), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "entry 4 is not the one") != NULL);
	CHECK_EQ(catalog_exec(c, "DELETE FROM audit WHERE seq >= 3"), 0);
	CHECK_EQ(audit_anchor_check(c, &a), -EBADMSG);
	CHECK(strstr(meta_errmsg(), "the log ends at entry 2") != NULL);
	/* Another register's. */
	memset(b.register_id, 'a', RECFS_ID_HEX - 1);
	b.register_id[RECFS_ID_HEX - 1] = '\0';
	CHECK_EQ(catalog_exec(c, "INSERT OR REPLACE INTO meta (key, value) VALUES ('register_id', "
				 "'0123456789abcdef0123456789abcdef')"), 0);
	CHECK_EQ(audit_anchor_check(c, &b), -EKEYREJECTED);
	catalog_close(c);
}

/* An anchor carries a MAC under the sealing key of its epoch: the
 * verification key tells it from a line someone else wrote (logger(1)),
 * from one altered, from one of version 1 and from one naming a key to
 * come; each key is derived once for any number of anchors. */
TEST(test_audit_anchor_mac_tells_this_registers_anchors_from_planted_lines)
{
	struct audit_vkey *vk = NULL;
	struct catalog *c = sealed("anchor-mac", &vk);
	struct audit_anchor a[8];
	enum audit_anchor_mac why[8];
	char line[AUDIT_ANCHOR_MAX];
	int64_t now = util_now();

	CHECK_EQ(audit_anchor_get(c, now, &a[0]), 0);
	CHECK(a[0].epoch >= 0);
	audit_anchor_format(&a[0], line);
	CHECK(strstr(line, " epoch=") != NULL && strstr(line, " mac=") != NULL);
	CHECK(strlen(line) < AUDIT_ANCHOR_MAX - 1);
	CHECK_EQ(audit_anchor_parse(line, &a[1]), 0);	/* read back: the same MAC */
	CHECK_EQ(a[1].epoch, a[0].epoch);
	CHECK(memcmp(a[1].mac, a[0].mac, AUDIT_ANCHOR_MAC_BYTES) == 0);
	a[2] = a[0];
	a[2].seq += 100;				/* a planted "the log went further" */
	a[3] = a[0];
	a[3].mac[0] ^= 1;				/* a MAC guessed or altered */
	a[4] = a[0];
	a[4].epoch = -1;				/* none: version 1, or unsealed */
	a[5] = a[0];
	a[5].epoch = a[0].epoch + 1000000;		/* a key its own time had not reached */
	a[6] = a[0];
	a[6].at = INT64_C(253402300799);		/* 9999-12-31: a key of years to come */
	a[6].epoch = a[0].epoch + AUDIT_ANCHOR_AHEAD_MAX + 10;
	a[7] = a[0];
	CHECK_EQ(audit_anchors_authentic(vk, a, 7, now, why), 0);
	CHECK_EQ(why[0], AUDIT_ANCHOR_OK);
	CHECK_EQ(why[1], AUDIT_ANCHOR_OK);
	CHECK_EQ(why[2], AUDIT_ANCHOR_FORGED);
	CHECK_EQ(why[3], AUDIT_ANCHOR_FORGED);
	CHECK_EQ(why[4], AUDIT_ANCHOR_NO_MAC);
	CHECK_EQ(why[5], AUDIT_ANCHOR_EARLY);
	CHECK_EQ(why[6], AUDIT_ANCHOR_TOO_FAR);
	/* The verifier's clock set back before the anchor's epoch: its MAC
	 * is checked all the same, and it is told apart (atk28 F2). */
	CHECK_EQ(audit_anchors_authentic(vk, &a[7], 1, now - 3 * AUDIT_EPOCH_MAX, &why[7]), 0);
	CHECK_EQ(why[7], a[0].epoch >= 1 ? AUDIT_ANCHOR_AHEAD : AUDIT_ANCHOR_OK);
	/* Numbers that do not read: a version, a seq past int64, a sign or a
	 * leading zero (atk28 F5). */
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 99999999999 register=- seq=1", &a[1]), -EINVAL);
	CHECK(strstr(meta_errmsg(), "version 99999999999") == NULL);
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 1 register=- seq=99999999999999999999 hash="
				    "0000000000000000000000000000000000000000000000000000000000000000 "
				    "at=2027-01-01T00:00:00Z", &a[1]), -EINVAL);
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 1 register=- seq=+1 hash="
				    "0000000000000000000000000000000000000000000000000000000000000000 "
				    "at=2027-01-01T00:00:00Z", &a[1]), -EINVAL);
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 1 register=- seq=01 hash="
				    "0000000000000000000000000000000000000000000000000000000000000000 "
				    "at=2027-01-01T00:00:00Z", &a[1]), -EINVAL);
	/* A version 1 line still reads, without a MAC. */
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 1 register=- seq=1 hash="
				    "0000000000000000000000000000000000000000000000000000000000000000 "
				    "at=2027-01-01T00:00:00Z", &a[1]), 0);
	CHECK_EQ(a[1].epoch, -1);
	/* A MAC of a field that does not read is refused. */
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 2 register=- seq=1 hash="
				    "0000000000000000000000000000000000000000000000000000000000000000 "
				    "at=2027-01-01T00:00:00Z epoch=1 mac=zz", &a[1]), -EINVAL);
	CHECK_EQ(audit_anchor_parse("recfs-audit-anchor 3 register=- seq=1", &a[1]), -EINVAL);
	audit_vkey_free(vk);
	catalog_close(c);
}

/* The syslog mirror's line: a process that names itself with spaces and
 * a newline forges no field and no line. */
TEST(test_audit_mirror_line_keeps_each_field_one_field)
{
	struct audit_entry e = {
		.seq = 7,
		.actor = { .uid = 1001, .user = "ana", .level = "analysis", .pid = 42,
			   .comm = "x action=erase object=all\nforged" },
		.action = "open", .object = "0123456789abcdef0123456789abcdef", .outcome = "ok",
		.reason = "held by request 3\r",
	};
	char *line = audit_mirror_line(&e);

	CHECK_STR(line, "audit seq=7 uid=1001 user=ana loginuid=- level=analysis pid=42 "
			"comm=x\\x20action=erase\\x20object=all\\nforged action=open "
			"object=0123456789abcdef0123456789abcdef outcome=ok reason=held by request 3\\r");
	free(line);
	/* A no-break space or a zero-width one forges a field for a reader
	 * that splits on Unicode whitespace. */
	e.actor.comm = "x\xc2\xa0outcome=ok\xe2\x80\x8bq";
	line = audit_mirror_line(&e);
	CHECK_STR(line, "audit seq=7 uid=1001 user=ana loginuid=- level=analysis pid=42 "
			"comm=x\\xc2\\xa0outcome=ok\\xe2\\x80\\x8bq action=open "
			"object=0123456789abcdef0123456789abcdef outcome=ok reason=held by request 3\\r");
	free(line);
}

/* The actions `recctl audit show --action` knows without a look at the
 * log: every one recfs writes (the list is searched in halves: each must
 * be found), and no other. */
TEST(test_audit_action_known_is_every_action_recfs_writes)
{
	static const char *const known[] = {
		"audit", "card", "chmod", "details", "erase", "erase-subject", "export", "hold", "ingest", "init",
		"lift-restriction", "merge-subject", "object", "open", "opendir", "quarantine", "read", "rectify",
		"refusals", "release-hold", "request-answer", "request-new", "request-state", "restrict", "retention-sweep",
		"rmdir", "setxattr", "split-subject", "subject-show", "unlink", "unlock", "withdraw-consent", "write",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		CHECK(audit_action_known(known[i]));
	CHECK(!audit_action_known("listen"));
	CHECK(!audit_action_known("opened"));
	CHECK(!audit_action_known(""));
	CHECK(!audit_action_known("OPEN"));
}

int main(void)
{
	if (!(dir = t_mkdtemp("audit")) || crypto_setup())
		return 2;
	RUN(test_audit_chain_of_untouched_log_verifies);
	RUN(test_audit_verify_names_edited_entry);
	RUN(test_audit_verify_names_entry_after_removed_one);
	RUN(test_audit_verify_finds_removal_renumbered_to_hide_the_gap);
	RUN(test_audit_verify_names_first_of_reordered_entries);
	RUN(test_audit_verify_finds_entries_cut_off_the_end);
	RUN(test_audit_entries_join_an_open_transaction_and_roll_back_with_it);
	RUN(test_audit_each_filters_by_object);
	RUN(test_audit_verify_finds_an_index_that_leaves_an_entry_out);
	RUN(test_audit_verify_refuses_storage_recfs_did_not_make);
	RUN(test_audit_entry_keeps_its_artifact_and_login_uid_in_the_chain);
	RUN(test_audit_refusal_writes_no_object_of_another_form);
	RUN(test_audit_verify_names_a_field_stored_in_another_form);
	RUN(test_audit_log_written_before_schema_2_verifies_after_the_upgrade);
	RUN(test_audit_each_where_combines_its_conditions);
	RUN(test_audit_event_time_us_is_in_the_chain);
	RUN(test_audit_each_where_pages_entries_of_several_objects_in_order);
	RUN(test_audit_each_where_matches_the_login_uid_when_asked);
	RUN(test_audit_sealed_log_verifies_with_its_key);
	RUN(test_audit_seal_finds_an_edited_user);
	RUN(test_audit_seal_finds_an_inserted_entry_even_with_the_chain_recomputed);
	RUN(test_audit_seal_finds_a_deleted_middle_entry_even_with_the_chain_recomputed);
	RUN(test_audit_seal_finds_reordered_entries_even_with_the_chain_recomputed);
	RUN(test_audit_seal_finds_a_truncated_tail);
	RUN(test_audit_seal_finds_a_deleted_head_record_and_cut_tail);
	RUN(test_audit_seal_finds_a_recomputed_chain_with_an_entry_reattributed);
	RUN(test_audit_seal_cannot_see_changes_within_the_current_epoch);
	RUN(test_audit_seal_finds_a_removed_or_replaced_key_state);
	RUN(test_audit_seal_removal_shows_without_the_key_when_the_log_says_a_key_was_issued);
	RUN(test_audit_seal_finds_a_seal_removed_or_altered);
	RUN(test_audit_seal_says_when_sealing_stopped);
	RUN(test_audit_seals_close_every_elapsed_epoch_at_the_next_append);
	RUN(test_audit_seals_roll_back_with_the_entries_they_came_with);
	RUN(test_audit_an_evolved_key_leaves_neither_database_nor_wal);
	RUN(test_audit_setup_keys_once_and_only_into_a_new_file);
	RUN(test_audit_setup_keys_on_an_old_log_seals_it_from_then_on);
	RUN(test_audit_vkey_round_trips_and_rejects_other_files);
	RUN(test_audit_sealed_log_of_format_1_still_verifies_with_its_key);
	RUN(test_audit_expire_drops_old_entries_and_the_log_still_verifies_with_and_without_its_key);
	RUN(test_audit_expire_stops_at_the_first_seal_of_an_epoch_that_ended_after_its_limit);
	RUN(test_audit_expire_leaves_a_log_that_does_not_verify_as_it_is);
	RUN(test_audit_expire_keeps_the_last_entry_of_a_log_that_is_all_old);
	RUN(test_audit_expire_checkpoint_edited_is_found);
	RUN(test_audit_expire_one_more_old_entry_deleted_is_found);
	RUN(test_audit_expire_checkpoint_that_drops_entries_younger_than_its_limit_is_found);
	RUN(test_audit_expire_before_sealing_then_setup_keys_verifies_with_the_key);
	RUN(test_audit_anchor_reads_back_and_holds_for_its_log_only);
	RUN(test_audit_anchor_mac_tells_this_registers_anchors_from_planted_lines);
	RUN(test_audit_mirror_line_keeps_each_field_one_field);
	RUN(test_audit_action_known_is_every_action_recfs_writes);
	util_remove_tree(dir);
	T_DONE();
}
