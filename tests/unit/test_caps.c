/* Unit tests of fs/caps, what callers may hold open: a uid at its own cap
 * gets EMFILE while others still open, the mount at its global cap gives
 * ENFILE, a release gives back exactly what was counted, a refused uid is
 * reported once per period, per-uid caps stay below half the global ones,
 * the global handle cap leaves the descriptor reserve free, and open
 * folders are counted against caps of their own, and a flood of refusals
 * names the recordings refused, accesses and rights commands apart. */
#include <stdarg.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "caps.h"
#include "t.h"

static int reports;
static char last_report[512];

static void __attribute__((format(printf, 2, 3))) count_report(int prio, const char *fmt, ...)
{
	va_list ap;

	(void)prio;
	reports++;
	va_start(ap, fmt);
	vsnprintf(last_report, sizeof(last_report), fmt, ap);
	va_end(ap);
}

static struct caps *caps_of(unsigned hpu, unsigned h, unsigned dpu, unsigned d)
{
	struct caps_limits l = { .handles_per_uid = hpu, .handles = h, .decoders_per_uid = dpu, .decoders = d };
	struct caps *c = NULL;

	reports = 0;
	last_report[0] = '\0';
	if (caps_new(&l, count_report, &c))
		return NULL;
	return c;
}

TEST(test_caps_uid_at_its_cap_gets_emfile_and_others_still_open)
{
	struct caps *c = caps_of(3, 100, 2, 10);
	unsigned h, d;
	int i;

	CHECK(c);
	if (!c)
		return;
	for (i = 0; i < 3; i++)
		CHECK_EQ(caps_acquire(c, 1000, 0, 0), 0);
	CHECK_EQ(caps_acquire(c, 1000, 0, 0), -EMFILE);
	CHECK_EQ(caps_acquire(c, 1000, 1, 0), -EMFILE);
	CHECK_EQ(caps_acquire(c, 1001, 0, 0), 0);
	CHECK_EQ(caps_acquire(c, 1001, 1, 0), 0);
	caps_count(c, 1000, &h, &d);
	CHECK_EQ(h, 3);
	CHECK_EQ(d, 0);
	caps_count(c, (uid_t)-1, &h, &d);
	CHECK_EQ(h, 5);
	CHECK_EQ(d, 1);
	caps_release(c, 1000, 0, 0);
	CHECK_EQ(caps_acquire(c, 1000, 0, 0), 0);
	caps_free(c);
}

TEST(test_caps_decoders_have_their_own_cap_below_the_handles)
{
	struct caps *c = caps_of(10, 100, 2, 10);
	unsigned h, d;

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(caps_acquire(c, 7, 1, 0), 0);
	CHECK_EQ(caps_acquire(c, 7, 1, 0), 0);
	CHECK_EQ(caps_acquire(c, 7, 1, 0), -EMFILE);
	CHECK_EQ(caps_acquire(c, 7, 0, 0), 0);	/* other files: still room */
	caps_release(c, 7, 1, 0);
	caps_count(c, 7, &h, &d);
	CHECK_EQ(h, 2);
	CHECK_EQ(d, 1);
	CHECK_EQ(caps_acquire(c, 7, 1, 0), 0);
	caps_free(c);
}

TEST(test_caps_mount_at_its_global_cap_gives_enfile)
{
	struct caps *c = caps_of(2, 4, 1, 2);
	uid_t u;

	CHECK(c);
	if (!c)
		return;
	for (u = 1; u <= 2; u++) {
		CHECK_EQ(caps_acquire(c, u, 0, 0), 0);
		CHECK_EQ(caps_acquire(c, u, 0, 0), 0);
	}
	CHECK_EQ(caps_acquire(c, 3, 0, 0), -ENFILE);
	CHECK_EQ(caps_acquire(c, 1, 0, 0), -EMFILE);	/* its own cap first */
	caps_release(c, 2, 0, 0);
	CHECK_EQ(caps_acquire(c, 3, 1, 0), 0);
	caps_release(c, 1, 0, 0);
	CHECK_EQ(caps_acquire(c, 2, 1, 0), 0);
	caps_release(c, 1, 0, 0);	/* 3 of 4 files, 2 of 2 decoders */
	CHECK_EQ(caps_acquire(c, 4, 1, 0), -ENFILE);
	CHECK_EQ(caps_acquire(c, 4, 0, 0), 0);
	caps_free(c);
}

TEST(test_caps_refusals_of_a_uid_are_reported_once_per_period)
{
	struct caps *c = caps_of(1, 10, 1, 10);
	int i;

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(caps_acquire(c, 5, 0, 100), 0);
	for (i = 0; i < 50; i++)
		CHECK_EQ(caps_acquire(c, 5, 0, 100 + i), -EMFILE);
	CHECK_EQ(reports, 1);
	CHECK(strstr(last_report, "uid 5 ") && strstr(last_report, "EMFILE"));
	CHECK_EQ(caps_acquire(c, 6, 0, 120), 0);
	CHECK_EQ(caps_acquire(c, 6, 0, 121), -EMFILE);
	CHECK_EQ(reports, 2);	/* another uid: its own report */
	CHECK_EQ(caps_acquire(c, 5, 0, 100 + CAPS_LOG_PERIOD), -EMFILE);
	CHECK_EQ(reports, 3);
	/* Released and refused again within the period: still quiet. */
	caps_release(c, 5, 0, 165);
	CHECK_EQ(caps_acquire(c, 5, 0, 170), 0);
	CHECK_EQ(caps_acquire(c, 5, 0, 171), -EMFILE);
	CHECK_EQ(reports, 3);
	caps_free(c);
}

static struct caps_held at_exit;
static uid_t at_exit_uid;

static void held_at_exit(uid_t uid, const struct caps_held *h, void *ctx)
{
	(void)ctx;
	at_exit_uid = uid;
	at_exit = *h;
}

/* A flood of refusals is counted past CAPS_REFUSALS_PER_SEC a second, but
 * a refused open or read of a recording is named apart: neither other
 * refusals nor the same recording's again use up the names of others.
 * Within the budget every refusal is logged, as before. */
TEST(test_caps_a_flood_of_refusals_never_hides_which_recordings_were_refused)
{
	struct caps *c = caps_of(1, 10, 1, 10);
	struct caps_held h;
	char id[24];
	int i, due;

	CHECK(c);
	if (!c)
		return;
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC + 5; i++)
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, NULL, &h);
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "rec-a", &h), 1);		/* named all the same */
	for (i = due = 0; i < 50; i++)
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "rec-a", &h);
	CHECK_EQ(due, 0);						/* named once a second */
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC - 1; i++) {
		snprintf(id, sizeof(id), "rec-b%d", i);
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, id, &h);
	}
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC - 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "rec-c", &h), 0);	/* one recording too many */
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "rec-a", &h), 0);
	CHECK_EQ(caps_refusal_due(c, 8, 100, CAPS_NAME_ACCESS, "rec-c", &h), 1);	/* another uid: its own */
	/* The next second: the counts of the last, once, then a fresh start. */
	CHECK_EQ(caps_refusal_due(c, 7, 101, CAPS_NAME_ACCESS, "rec-c", &h), 1);
	CHECK(h.n == 5 + 50 + 1 + 1 && h.unnamed == 1);
	/* within the budget every refusal is logged, the same one again too */
	CHECK_EQ(caps_refusal_due(c, 7, 101, CAPS_NAME_ACCESS, "rec-c", &h), 1);
	CHECK(h.n == 0 && h.unnamed == 0);
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC; i++)
		due += caps_refusal_due(c, 7, 101, CAPS_NAME_ACCESS, NULL, &h);
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC - 2);
	/* past it: one the budget named is not named again, a new one is */
	CHECK_EQ(caps_refusal_due(c, 7, 101, CAPS_NAME_ACCESS, "rec-c", &h), 0);
	CHECK_EQ(caps_refusal_due(c, 7, 101, CAPS_NAME_ACCESS, "rec-d", &h), 1);
	/* The poller reports only a second that is over (atk25 F2). */
	at_exit_uid = 0;
	caps_refusals_held(c, 101, held_at_exit, NULL);
	CHECK_EQ(at_exit_uid, 0);
	caps_refusals_held(c, 102, held_at_exit, NULL);
	CHECK(at_exit_uid == 7 && at_exit.n == 3 && at_exit.unnamed == 0);
	at_exit_uid = 0;
	caps_refusals_held(c, INT64_MAX, held_at_exit, NULL);
	CHECK_EQ(at_exit_uid, 0);	/* reported once */
	caps_free(c);
}

/* Past the budget, a lower level's rights commands (rm, chmod 0,
 * setfattr) are named too, the first of each action on each recording in
 * the second, in a budget of names apart from the accesses': a flood of
 * refused rms of recordings a user may read leaves the refused open of a
 * protected one named, and twenty refused opens leave the rm named.  A
 * flooding uid gets at most 3 * CAPS_REFUSALS_PER_SEC entries a second. */
TEST(test_caps_rights_commands_are_named_in_a_budget_of_their_own)
{
	struct caps *c = caps_of(1, 10, 1, 10);
	struct caps_held h;
	char id[32];
	int i, due;

	CHECK(c);
	if (!c)
		return;
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC + 5; i++)
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, NULL, &h);	/* mkdir: EROFS */
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC);
	/* rm, chmod 0, setfattr of one recording: each named, once */
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "erase rec-a", &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "restrict rec-a", &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "hold rec-a", &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "retention rec-a", &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "erase rec-a", &h), 0);
	/* the rights names fill up: 20 in all, then counted as unnamed */
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC; i++) {
		snprintf(id, sizeof(id), "erase rec-b%d", i);
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, id, &h);
	}
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC - 4);
	/* an access's name is not a rights command's, nor its budget spent */
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "erase rec-a", &h), 1);
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC - 1; i++) {
		snprintf(id, sizeof(id), "open rec-c%d", i);
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, id, &h);
	}
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC - 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, "open rec-z", &h), 0);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, "erase rec-z", &h), 0);
	/* 20 + 20 + 20 entries in the second, and the rest counted, by kind */
	CHECK_EQ(caps_refusal_due(c, 7, 101, CAPS_NAME_RIGHTS, "erase rec-z", &h), 1);
	CHECK(h.n == 5 + 1 + 4 + 1 + 1 && h.unnamed == 1 && h.unnamed_rights == 5);

	/* the other way round: 20 refused rms in the budget (which name
	 * their recordings), 21 more, then an open of a protected recording
	 * is still named */
	for (i = due = 0; i < 2 * CAPS_REFUSALS_PER_SEC + 1; i++) {
		snprintf(id, sizeof(id), "erase rec-r%d", i);
		due += caps_refusal_due(c, 8, 200, CAPS_NAME_RIGHTS, id, &h);
	}
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC);
	CHECK_EQ(caps_refusal_due(c, 8, 200, CAPS_NAME_ACCESS, "open rec-p", &h), 1);
	CHECK_EQ(caps_refusal_due(c, 8, 200, CAPS_NAME_ACCESS, "open rec-p", &h), 0);
	caps_refusals_held(c, INT64_MAX, held_at_exit, NULL);
	CHECK(at_exit_uid == 8 && at_exit.n == CAPS_REFUSALS_PER_SEC + 2 && at_exit.unnamed == 0 &&
	      at_exit.unnamed_rights == CAPS_REFUSALS_PER_SEC + 1);
	caps_free(c);
}

/* A refusal is named by its reason too (caps_refusal_name): one that any
 * reader makes of a recording (a chmod +w, EPERM; an rmdir of a subject's
 * folder that holds recordings) does not use up the name of the command
 * it resembles in the second (a chmod 0 or an rmdir through another
 * level's copy, ENOENT; a rights command the register refuses). */
TEST(test_caps_a_refusal_anyone_makes_leaves_the_name_of_a_command_of_the_same_recording)
{
	struct caps *c = caps_of(1, 10, 1, 10);
	struct caps_held h;
	char name[256];
	int i, due;

	CHECK(c);
	if (!c)
		return;
	caps_refusal_name(name, sizeof(name), "chmod", "rec-a", "EPERM");
	CHECK_STR(name, "chmod rec-a EPERM");
	caps_refusal_name(name, sizeof(name), "open", "rec-a", NULL);
	CHECK_STR(name, "open rec-a ");
	for (i = due = 0; i < CAPS_REFUSALS_PER_SEC + 5; i++)
		due += caps_refusal_due(c, 7, 100, CAPS_NAME_ACCESS, NULL, &h);	/* mkdir: EROFS */
	CHECK_EQ(due, CAPS_REFUSALS_PER_SEC);
	caps_refusal_name(name, sizeof(name), "chmod", "rec-a", "EPERM");	/* chmod g+w */
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 0);
	caps_refusal_name(name, sizeof(name), "chmod", "rec-a", "ENOENT");	/* chmod 0, another level's copy */
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 1);
	caps_refusal_name(name, sizeof(name), "erase-subject", "S-1", "recordings remain");
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 1);
	caps_refusal_name(name, sizeof(name), "erase-subject", "S-1", "ENOENT");
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 1);
	caps_refusal_name(name, sizeof(name), "erase-subject", "S-1", "below the rights level");
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 1);
	CHECK_EQ(caps_refusal_due(c, 7, 100, CAPS_NAME_RIGHTS, name, &h), 0);
	caps_refusals_held(c, INT64_MAX, held_at_exit, NULL);
	CHECK(at_exit_uid == 7 && at_exit.n == 5 + 2 && at_exit.unnamed_rights == 0);
	caps_free(c);
}

/* A level mount's refusals (fs/ops.c) are logged by the caps' own memory. */
TEST(test_caps_report_due_once_a_period_per_uid_whatever_its_bucket)
{
	struct caps *c = caps_of(1, 10, 1, 10);

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(caps_report_due(c, 1005, 1000), 1);
	CHECK_EQ(caps_report_due(c, 1005, 1001), 0);
	CHECK_EQ(caps_report_due(c, 1005, 1000 + CAPS_LOG_PERIOD - 1), 0);
	CHECK_EQ(caps_report_due(c, 1006, 1001), 1);
	CHECK_EQ(caps_report_due(c, 1005, 1000 + CAPS_LOG_PERIOD), 1);
	/* A uid of the same hash bucket has its own entry: it is logged, and
	 * 1005, logged a second ago, stays quiet (the slot of the level
	 * mount's first limiter was shared, so two such uids taking turns were
	 * logged at every refusal). */
	CHECK_EQ(caps_report_due(c, 1005 + 4096, 1000 + CAPS_LOG_PERIOD), 1);
	CHECK_EQ(caps_report_due(c, 1005, 1000 + CAPS_LOG_PERIOD + 1), 0);
	CHECK_EQ(caps_report_due(c, 1005 + 4096, 1000 + CAPS_LOG_PERIOD + 2), 0);
	/* A clock that went back logs rather than stays quiet. */
	CHECK_EQ(caps_report_due(c, 1005, 10), 1);
	/* One memory with the caps' refusals: a uid just reported for an
	 * open over its cap is not reported again for a level refusal. */
	CHECK_EQ(caps_acquire(c, 7, 0, 2000), 0);
	CHECK_EQ(caps_acquire(c, 7, 0, 2001), -EMFILE);
	CHECK_EQ(caps_report_due(c, 7, 2002), 0);
	caps_free(c);
}

TEST(test_caps_per_uid_caps_stay_at_most_half_the_global_ones)
{
	struct caps *c = caps_of(1000, 100, 0, 9);
	struct caps_limits l;

	CHECK(c);
	if (!c)
		return;
	caps_limits(c, &l);
	CHECK_EQ(l.handles, 100);
	CHECK_EQ(l.handles_per_uid, 50);
	CHECK_EQ(l.decoders, 9);
	CHECK_EQ(l.decoders_per_uid, 1);
	caps_free(c);
}

TEST(test_caps_global_cap_leaves_the_descriptor_reserve)
{
	CHECK_EQ(caps_handles_for_fds(8192, 1024), (1024 - CAPS_FD_RESERVE) / CAPS_FDS_PER_HANDLE);
	CHECK_EQ(caps_handles_for_fds(8192, 1u << 20), 8192);
	CHECK_EQ(caps_handles_for_fds(8192, 100), 1);
	CHECK_EQ(caps_handles_for_fds(8192, UINT64_MAX), 8192);
}

TEST(test_caps_folders_have_their_own_caps_apart_from_files)
{
	struct caps_limits in = { .handles_per_uid = 2, .handles = 100, .decoders_per_uid = 1, .decoders = 10,
				  .dirs_per_uid = 3, .dirs = 8 };
	struct caps *c = NULL;
	unsigned h, d;
	int i;

	reports = 0;
	CHECK_EQ(caps_new(&in, count_report, &c), 0);
	if (!c)
		return;
	for (i = 0; i < 3; i++)
		CHECK_EQ(caps_acquire_dir(c, 1000, 0), 0);
	CHECK_EQ(caps_acquire_dir(c, 1000, 0), -EMFILE);
	CHECK_EQ(reports, 1);
	CHECK(strstr(last_report, "uid 1000 refused an open (EMFILE): 3 held, max_dirs_per_uid=3"));
	/* Files are not folders: the uid still opens its 2 files. */
	CHECK_EQ(caps_acquire(c, 1000, 0, 0), 0);
	CHECK_EQ(caps_acquire(c, 1000, 1, 0), 0);
	CHECK_EQ(caps_acquire(c, 1000, 0, 0), -EMFILE);
	caps_count(c, 1000, &h, &d);
	CHECK_EQ(h, 2);
	CHECK_EQ(d, 1);
	CHECK_EQ(caps_count_dirs(c, 1000), 3);
	/* Another uid opens folders; the mount's cap gives ENFILE. */
	for (i = 0; i < 3; i++)
		CHECK_EQ(caps_acquire_dir(c, 1001, 0), 0);
	CHECK_EQ(caps_acquire_dir(c, 1002, 0), 0);
	CHECK_EQ(caps_acquire_dir(c, 1002, 0), 0);
	CHECK_EQ(caps_acquire_dir(c, 1003, 0), -ENFILE);
	CHECK(strstr(last_report, "uid 1003 refused an open (ENFILE): 8 held, max_dirs=8"));
	CHECK_EQ(caps_count_dirs(c, (uid_t)-1), 8);
	/* Releases give back exactly what was counted. */
	for (i = 0; i < 3; i++)
		caps_release_dir(c, 1000, 1);
	caps_release_dir(c, 1000, 1);	/* one too many: nothing to give back */
	CHECK_EQ(caps_count_dirs(c, 1000), 0);
	CHECK_EQ(caps_count_dirs(c, (uid_t)-1), 5);
	caps_count(c, 1000, &h, &d);
	CHECK_EQ(h, 2);
	CHECK_EQ(d, 1);
	CHECK_EQ(caps_acquire_dir(c, 1003, 2), 0);
	CHECK_EQ(caps_acquire_dir(c, 1000, 2), 0);
	CHECK_EQ(caps_acquire_dir(c, 1000, 2), 0);
	CHECK_EQ(caps_acquire_dir(c, 1000, 2), -ENFILE);	/* the mount's 8 are held */
	caps_release(c, 1000, 0, 3);
	caps_release(c, 1000, 1, 3);
	caps_release_dir(c, 1000, 3);
	caps_release_dir(c, 1000, 3);
	for (i = 0; i < 3; i++)
		caps_release_dir(c, 1001, 3);
	caps_release_dir(c, 1002, 3);
	caps_release_dir(c, 1002, 3);
	caps_release_dir(c, 1003, 3);
	CHECK_EQ(caps_count_dirs(c, (uid_t)-1), 0);
	caps_count(c, (uid_t)-1, &h, &d);
	CHECK_EQ(h, 0);
	CHECK_EQ(d, 0);
	caps_free(c);
}

TEST(test_caps_folder_caps_per_uid_stay_at_most_half_the_global_one)
{
	/* Asked for (dirs, dirs_per_uid) and what caps_new makes of it. */
	static const unsigned cases[][4] = { { 10, 1000, 10, 5 }, { 0, 0, 1, 1 } };
	struct caps_limits in = { .handles_per_uid = 1, .handles = 2, .decoders_per_uid = 1, .decoders = 2 };
	struct caps_limits l;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct caps *c = NULL;

		in.dirs = cases[i][0];
		in.dirs_per_uid = cases[i][1];
		CHECK_EQ(caps_new(&in, NULL, &c), 0);
		if (!c)
			return;
		caps_limits(c, &l);
		CHECK_EQ(l.dirs, cases[i][2]);
		CHECK_EQ(l.dirs_per_uid, cases[i][3]);
		caps_free(c);
	}
}

static unsigned idle_calls;

static unsigned count_idle(int64_t now)
{
	(void)now;
	__atomic_add_fetch(&idle_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The last sixteenth of each mount-wide cap is the rights level's: users
 * of lower levels who hold the rest leave the privacy officer room to
 * list a subject's folder and open a call (atk69: eight colluding users
 * left it ENFILE). */
TEST(test_caps_the_rights_level_keeps_a_reserve_of_each_global_cap)
{
	struct caps_limits in = { .handles_per_uid = 16, .handles = 32, .decoders_per_uid = 8, .decoders = 16,
				  .dirs_per_uid = 16, .dirs = 32 };
	struct caps *c = NULL;
	uid_t u;
	int i;

	CHECK_EQ(caps_new(&in, count_report, &c), 0);
	if (!c)
		return;
	/* Others hold 30 folders of 32: the next is refused them. */
	for (u = 1000; u < 1002; u++)
		for (i = 0; i < 15; i++)
			CHECK_EQ(caps_acquire_dir(c, u, 0), 0);
	CHECK_EQ(caps_acquire_dir(c, 1002, 0), -ENFILE);
	CHECK(strstr(last_report, "uid 1002 refused an open (ENFILE): 30 held, max_dirs=30"));
	CHECK_EQ(caps_acquire_dir_rights(c, 1003, 0, 0), -ENFILE);
	/* The rights level opens the last two, and no more. */
	CHECK_EQ(caps_acquire_dir_rights(c, 1004, 1, 0), 0);
	CHECK_EQ(caps_acquire_dir_rights(c, 1004, 1, 0), 0);
	CHECK_EQ(caps_acquire_dir_rights(c, 1004, 1, 0), -ENFILE);
	CHECK_EQ(caps_count_dirs(c, (uid_t)-1), 32);
	/* Files and decoders alike: 15 decoders of 16 for the others. */
	for (u = 1000; u < 1002; u++)
		for (i = 0; i < 8 && (u == 1000 || i < 7); i++)
			CHECK_EQ(caps_acquire(c, u, 1, 0), 0);
	CHECK_EQ(caps_acquire(c, 1002, 1, 0), -ENFILE);
	CHECK_EQ(caps_acquire_rights(c, 1004, 1, 1, 0), 0);
	CHECK_EQ(caps_acquire_rights(c, 1004, 1, 1, 0), -ENFILE);
	/* Decoders are files: 16 held; others take 14 more, to 30 of 32. */
	for (i = 0; i < 14; i++)
		CHECK_EQ(caps_acquire(c, 1005, 0, 0), 0);
	CHECK_EQ(caps_acquire(c, 1006, 0, 0), -ENFILE);
	CHECK_EQ(caps_acquire_rights(c, 1004, 0, 1, 0), 0);
	CHECK_EQ(caps_acquire_rights(c, 1004, 0, 1, 0), 0);
	CHECK_EQ(caps_acquire_rights(c, 1004, 0, 1, 0), -ENFILE);
	for (u = 1000; u < 1002; u++)
		for (i = 0; i < 8 && (u == 1000 || i < 7); i++)
			caps_release(c, u, 1, 0);
	for (i = 0; i < 14; i++)
		caps_release(c, 1005, 0, 0);
	caps_release(c, 1004, 1, 0);
	caps_release(c, 1004, 0, 0);
	caps_release(c, 1004, 0, 0);
	for (u = 1000; u < 1002; u++)
		for (i = 0; i < 15; i++)
			caps_release_dir(c, u, 0);
	caps_release_dir(c, 1004, 0);
	caps_release_dir(c, 1004, 0);
	caps_free(c);
}

TEST(test_caps_housekeeping_runs_and_stops_at_once)
{
	struct caps *c = caps_of(1, 2, 1, 2);
	struct timespec a, b;

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(caps_start(c, count_idle), 0);
	sleep(CAPS_TICK + 1);
	CHECK(__atomic_load_n(&idle_calls, __ATOMIC_RELAXED) >= 1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	caps_stop(c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(b.tv_sec - a.tv_sec <= 1);
	caps_free(c);
}

int main(void)
{
	RUN(test_caps_uid_at_its_cap_gets_emfile_and_others_still_open);
	RUN(test_caps_decoders_have_their_own_cap_below_the_handles);
	RUN(test_caps_mount_at_its_global_cap_gives_enfile);
	RUN(test_caps_refusals_of_a_uid_are_reported_once_per_period);
	RUN(test_caps_a_flood_of_refusals_never_hides_which_recordings_were_refused);
	RUN(test_caps_rights_commands_are_named_in_a_budget_of_their_own);
	RUN(test_caps_a_refusal_anyone_makes_leaves_the_name_of_a_command_of_the_same_recording);
	RUN(test_caps_report_due_once_a_period_per_uid_whatever_its_bucket);
	RUN(test_caps_per_uid_caps_stay_at_most_half_the_global_ones);
	RUN(test_caps_global_cap_leaves_the_descriptor_reserve);
	RUN(test_caps_folders_have_their_own_caps_apart_from_files);
	RUN(test_caps_folder_caps_per_uid_stay_at_most_half_the_global_one);
	RUN(test_caps_the_rights_level_keeps_a_reserve_of_each_global_cap);
	RUN(test_caps_housekeeping_runs_and_stops_at_once);
	T_DONE();
}
