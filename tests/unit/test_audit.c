/* Unit tests of meta/audit: the chain holds, and every kind of tampering
 * is found at the right entry. */
#include <stdlib.h>
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
	int64_t count = -1, bad = -1;

	if (audit_verify(c, &count, &bad) == 0)
		return 0;
	return bad;
}

TEST(test_audit_chain_of_untouched_log_verifies)
{
	struct catalog *c = fresh("ok", 10);
	int64_t count = 0, bad = 0;

	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 10);
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
	int64_t count = 0, bad = 0;

	audit_self(&a, NULL);
	CHECK_EQ(catalog_begin(c), 0);
	CHECK_EQ(audit_log(c, &a, "erase", "x", "ok", NULL), 0);
	catalog_rollback(c);
	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 2);
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
};

static int see_last(const struct audit_entry *e, void *ctx)
{
	struct last *l = ctx;

	snprintf(l->artifact, sizeof(l->artifact), "%s", e->artifact ? e->artifact : "(null)");
	snprintf(l->object, sizeof(l->object), "%s", e->object ? e->object : "(null)");
	l->has_loginuid = e->actor.has_loginuid;
	l->loginuid = e->actor.loginuid;
	l->n++;
	return 0;
}

TEST(test_audit_entry_keeps_its_artifact_and_login_uid_in_the_chain)
{
	struct catalog *c = fresh("artifact", 3);
	struct audit_actor a;
	struct last l = { .n = 0 };
	int64_t count = 0, bad = 0;

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
	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 5);
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

TEST(test_audit_log_written_before_schema_2_verifies_after_the_upgrade)
{
	char *from = xasprintf("%s/catalog-v1.db", fixtures_dir()), *to = xasprintf("%s/v1.db", dir);
	struct catalog *c = NULL;
	struct audit_actor a;
	struct last l = { .n = 0 };
	int64_t count = 0, bad = 0;

	/* Written by recfs before this change: init, two ingests, a mount's
	 * opens (under artifact ids) and getfattr's details reads. */
	CHECK_EQ(util_copy_file(from, to, 0600), 0);
	CHECK_EQ(catalog_open(to, 0, &c), 0);
	if (!c)
		goto out;
	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 17);
	CHECK_EQ(audit_each(c, NULL, see_last, &l), 0);
	CHECK_STR(l.artifact, "(null)");
	CHECK_EQ(l.has_loginuid, 0);
	audit_self(&a, NULL);
	a.has_loginuid = 1;
	a.loginuid = 0;
	CHECK_EQ(audit_log_artifact(c, &a, "open", "0123456789abcdef0123456789abcdef", "chat", "ok", NULL), 0);
	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 18);
	catalog_close(c);
	/* Opened again: nothing more to upgrade, still intact. */
	c = NULL;
	CHECK_EQ(catalog_open(to, 0, &c), 0);
	CHECK_EQ(audit_verify(c, &count, &bad), 0);
	CHECK_EQ(count, 18);
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
	RUN(test_audit_entry_keeps_its_artifact_and_login_uid_in_the_chain);
	RUN(test_audit_log_written_before_schema_2_verifies_after_the_upgrade);
	RUN(test_audit_each_where_combines_its_conditions);
	util_remove_tree(dir);
	T_DONE();
}
