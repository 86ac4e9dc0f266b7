/* Unit tests of fs/quiet, which reads of sealed attributes the mount logs:
 * one entry per uid, object and window, naming every attribute read in it;
 * a new window after it ends; a forgotten window logs again, never less. */
#include "quiet.h"
#include "t.h"

#define WINDOW 600
#define NOLOGIN ((uid_t)-1)

/* A fake audit queue: entries with a ticket and the names they carry;
 * entries up to `written` can no longer be amended. */
struct fake {
	uint32_t names[64];
	int n;
	int written;
	int full;	/* a new entry cannot be queued (a full disk) */
};

static int fake_log(void *ctx, uint64_t *ticket, uint32_t names, int amend)
{
	struct fake *f = ctx;

	if (amend) {
		if ((int)*ticket <= f->written)
			return -ENOENT;
		f->names[*ticket - 1] = names;
		return 0;
	}
	if (f->full) {
		*ticket = 0;
		return -ENOSPC;
	}
	f->names[f->n++] = names;
	*ticket = (uint64_t)f->n;
	return 0;
}

TEST(test_quiet_first_read_logs_and_the_same_read_again_does_not)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(f.n, 1);
	CHECK_EQ(f.names[0], 1u);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100 + i, fake_log, &f), 0);
	CHECK_EQ(f.n, 1);
	quiet_free(q);
}

TEST(test_quiet_other_attributes_are_named_in_the_queued_entry)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 2, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 3, 101, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 2, 101, fake_log, &f), 0);
	CHECK_EQ(f.n, 1);
	CHECK_EQ(f.names[0], 1u | 4u | 8u);
	quiet_free(q);
}

TEST(test_quiet_attribute_read_after_the_entry_was_written_gets_an_entry_naming_it)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	f.written = 1;
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 1, 200, fake_log, &f), 0);
	CHECK_EQ(f.n, 2);
	CHECK_EQ(f.names[0], 1u);
	CHECK_EQ(f.names[1], 2u);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 2, 201, fake_log, &f), 0);	/* amends the second */
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 202, fake_log, &f), 0);	/* named already */
	CHECK_EQ(f.n, 2);
	CHECK_EQ(f.names[1], 2u | 4u);
	quiet_free(q);
}

/* A read whose entry cannot be had is refused (quiet_read says so), and its
 * window names nothing of it: once there is room, the same read logs
 * (atk17 F1: a window opened with a dropped entry kept the reads after it
 * silent for QUIET_WINDOW). */
TEST(test_quiet_read_without_an_entry_fails_and_the_next_read_logs)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	f.full = 1;
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), -ENOSPC);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 101, fake_log, &f), -ENOSPC);
	CHECK_EQ(f.n, 0);
	f.full = 0;
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 102, fake_log, &f), 0);
	CHECK_EQ(f.n, 1);
	/* an attribute past a written entry, with the queue full again */
	f.written = 1;
	f.full = 1;
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 1, 103, fake_log, &f), -ENOSPC);
	f.full = 0;
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 1, 104, fake_log, &f), 0);
	CHECK_EQ(f.n, 2);
	CHECK_EQ(f.names[1], 2u);
	quiet_free(q);
}

TEST(test_quiet_window_ends_and_the_next_read_logs_again)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100 + WINDOW - 1, fake_log, &f), 0);
	CHECK_EQ(f.n, 1);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100 + WINDOW, fake_log, &f), 0);
	CHECK_EQ(f.n, 2);
	CHECK_EQ(f.names[1], 1u);
	quiet_free(q);
}

TEST(test_quiet_each_uid_and_object_has_its_own_window)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1001, NOLOGIN, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-b", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "S-7K2QF9", 0, 100, fake_log, &f), 0);
	CHECK_EQ(f.n, 4);
	quiet_free(q);
}

/* Two people through one account (sudo -u): a window each (atk22 F2). */
TEST(test_quiet_each_login_uid_has_its_own_window)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };

	CHECK_EQ(quiet_new(WINDOW, 16, &q), 0);
	CHECK_EQ(quiet_read(q, 1000, 2001, "rec-a", 0, 100, fake_log, &f), 0);
	CHECK_EQ(quiet_read(q, 1000, 2002, "rec-a", 0, 101, fake_log, &f), 0);
	CHECK_EQ(f.n, 2);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-a", 0, 102, fake_log, &f), 0);
	CHECK_EQ(f.n, 3);
	CHECK_EQ(quiet_read(q, 1000, 2001, "rec-a", 0, 103, fake_log, &f), 0);
	CHECK_EQ(f.n, 3);
	quiet_free(q);
}

TEST(test_quiet_full_table_forgets_the_oldest_window_which_then_logs_again)
{
	struct quiet *q = NULL;
	struct fake f = { .n = 0 };
	char obj[16];

	CHECK_EQ(quiet_new(WINDOW, 4, &q), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(obj, sizeof(obj), "rec-%d", i);
		CHECK_EQ(quiet_read(q, 1000, NOLOGIN, obj, 0, 100 + i, fake_log, &f), 0);
	}
	CHECK_EQ(f.n, 5);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-4", 0, 110, fake_log, &f), 0);
	CHECK_EQ(f.n, 5);
	CHECK_EQ(quiet_read(q, 1000, NOLOGIN, "rec-0", 0, 110, fake_log, &f), 0);	/* forgotten */
	CHECK_EQ(f.n, 6);
	quiet_free(q);
}

int main(void)
{
	RUN(test_quiet_first_read_logs_and_the_same_read_again_does_not);
	RUN(test_quiet_other_attributes_are_named_in_the_queued_entry);
	RUN(test_quiet_attribute_read_after_the_entry_was_written_gets_an_entry_naming_it);
	RUN(test_quiet_read_without_an_entry_fails_and_the_next_read_logs);
	RUN(test_quiet_window_ends_and_the_next_read_logs_again);
	RUN(test_quiet_each_uid_and_object_has_its_own_window);
	RUN(test_quiet_each_login_uid_has_its_own_window);
	RUN(test_quiet_full_table_forgets_the_oldest_window_which_then_logs_again);
	T_DONE();
}
