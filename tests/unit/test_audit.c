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
	util_remove_tree(dir);
	T_DONE();
}
