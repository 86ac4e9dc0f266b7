/* Unit tests of meta/journal, the audit journal: what a writer appended
 * reaches the log through journal_recover once the writer is gone, with
 * its amendments, once only, in order; a journal whose writer lives is
 * left alone; a record cut short by a crash ends the journal there.  Its
 * reserve (journal.h): preallocated at open and after a truncate; half of
 * it used is said; the count of entries its writer could not journal (the
 * header) reaches the log as one entry, once, less a batch the writer
 * committed; an old journal (no header) and one whose header was cut
 * short still read. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "t.h"

static char *dir;

static struct audit_entry entry(const char *object, const char *reason)
{
	struct audit_entry e = { .time = 1780000000, .action = "open", .object = object, .outcome = "ok",
				 .reason = reason, .artifact = "opus" };

	e.actor.uid = 1000;
	e.actor.user = "reader";
	e.actor.level = "analysis";
	e.actor.pid = 4242;
	e.actor.comm = "cat";
	e.actor.has_loginuid = 1;
	e.actor.loginuid = 1001;
	return e;
}

/* A register directory of its own: a catalog in it. */
static char *fresh(const char *name, struct catalog **c)
{
	char *d = xasprintf("%s/%s", dir, name), *p = xasprintf("%s/%s/catalog.db", dir, name);

	CHECK_EQ(mkdir(d, 0700), 0);
	CHECK_EQ(catalog_open(p, 1, c), 0);
	free(p);
	return d;
}

struct seen {
	int n;
	char objects[256];
	char last_reason[64];
	int loginuid;
	int64_t time_us[8];
};

static int see(const struct audit_entry *e, void *ctx)
{
	struct seen *s = ctx;

	s->n++;
	snprintf(s->objects + strlen(s->objects), sizeof(s->objects) - strlen(s->objects), "%s ", e->object);
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", e->reason ? e->reason : "-");
	s->loginuid = e->actor.has_loginuid ? (int)e->actor.loginuid : -1;
	if (s->n <= 8)
		s->time_us[s->n - 1] = e->time_us;
	return 0;
}

static int journals_in(const char *d)
{
	char *cmd = xasprintf("ls -A %s | grep -c audit-journal", d), line[16] = "0";
	FILE *f = popen(cmd, "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			snprintf(line, sizeof(line), "0");
		pclose(f);
	}
	free(cmd);
	return atoi(line);
}

/* In a child: a writer that appends n entries (and amends the last), then
 * dies by SIGKILL without committing anything. */
static void killed_writer(const char *d, int n)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		struct journal *j = NULL;
		char obj[16];

		if (journal_open(d, &j))
			_exit(1);
		for (int i = 1; i <= n; i++) {
			struct audit_entry e = entry(obj, NULL);

			snprintf(obj, sizeof(obj), "rec-%d", i);
			e.object = obj;
			/* The event's microsecond (schema 28), on one of them. */
			e.time_us = i == 2 ? 1780000000123456 : 0;
			if (journal_append(j, (uint64_t)i, &e))
				_exit(1);
		}
		if (journal_amend(j, (uint64_t)n, "amended"))
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	CHECK(pid > 0);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

TEST(test_journal_of_a_killed_writer_reaches_the_log_once_with_its_amendment)
{
	struct catalog *c = NULL;
	char *d = fresh("killed", &c);
	struct seen s = { .n = 0 };
	size_t count = 99;
	struct audit_report rep = { 0 };

	killed_writer(d, 3);
	CHECK_EQ(journals_in(d), 1);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(journals_in(d), 0);
	CHECK_EQ(audit_each(c, NULL, see, &s), 0);
	CHECK_EQ(s.n, 3);
	CHECK_STR(s.objects, "rec-1 rec-2 rec-3 ");
	CHECK_STR(s.last_reason, "amended");
	CHECK_EQ(s.loginuid, 1001);
	CHECK_EQ(s.time_us[0], 0);
	CHECK_EQ(s.time_us[1], 1780000000123456);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.entries, 3);
	catalog_close(c);
	free(d);
}

TEST(test_journal_of_a_live_writer_is_left_alone_and_commits_move_its_position)
{
	struct catalog *c = NULL;
	char *d = fresh("live", &c);
	struct journal *j = NULL;
	struct audit_entry e[2] = { entry("rec-1", NULL), entry("rec-2", NULL) };
	struct seen s = { .n = 0 };
	size_t count = 0;

	CHECK_EQ(journal_open(d, &j), 0);
	CHECK_EQ(journal_append(j, 1, &e[0]), 0);
	CHECK_EQ(journal_append(j, 2, &e[1]), 0);
	CHECK_EQ(journal_sync(j), 0);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(journals_in(d), 1);
	/* The writer commits the first; a recovery after its death must
	 * not commit it again. */
	CHECK_EQ(journal_commit(c, j, e, 1, 1), 0);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 0);
	/* Gone without closing (the descriptor dies with the process):
	 * here, let go of the lock by closing it without removing. */
	journal_close(j, c, 0);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(audit_each(c, NULL, see, &s), 0);
	CHECK_STR(s.objects, "rec-1 rec-2 ");
	catalog_close(c);
	free(d);
}

TEST(test_journal_cut_short_by_a_crash_ends_at_its_last_whole_record)
{
	struct catalog *c = NULL;
	char *d = fresh("torn", &c), *path = NULL, *cmd;
	struct seen s = { .n = 0 };
	size_t count = 0;
	struct stat st;
	FILE *f;
	char name[128] = "";

	killed_writer(d, 4);
	cmd = xasprintf("ls %s | grep audit-journal", d);
	f = popen(cmd, "r");
	if (f) {
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		pclose(f);
	}
	name[strcspn(name, "\n")] = '\0';
	path = xasprintf("%s/%s", d, name);
	CHECK_EQ(stat(path, &st), 0);
	/* The amendment and half of the fourth entry are lost. */
	CHECK_EQ(truncate(path, st.st_size - 60 - 50), 0);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(audit_each(c, NULL, see, &s), 0);
	CHECK_STR(s.objects, "rec-1 rec-2 rec-3 ");
	CHECK_STR(s.last_reason, "-");
	free(cmd);
	free(path);
	catalog_close(c);
	free(d);
}

TEST(test_journal_closed_with_everything_committed_is_removed)
{
	struct catalog *c = NULL;
	char *d = fresh("closed", &c);
	struct journal *j = NULL;
	struct audit_entry e = entry("rec-1", NULL);

	CHECK_EQ(journal_open(d, &j), 0);
	CHECK_EQ(journal_append(j, 1, &e), 0);
	CHECK_EQ(journal_commit(c, j, &e, 1, 1), 0);
	CHECK_EQ(journal_truncate(j), 0);
	journal_close(j, c, 1);
	CHECK_EQ(journals_in(d), 0);
	catalog_close(c);
	free(d);
}

/* A FIFO (or a link) in a journal's name holds recovery up at no point: the
 * open of a FIFO with no writer would wait for ever (the alarm kills the
 * test then). */
TEST(test_journal_recovery_passes_a_fifo_or_a_link_in_a_journals_name)
{
	struct catalog *c = NULL;
	char *d = fresh("fifo", &c);
	char *fifo = xasprintf("%s/audit-journal-%032x", d, 1), *link = xasprintf("%s/audit-journal-%032x", d, 2);
	size_t count = 99;

	CHECK_EQ(mkfifo(fifo, 0600), 0);
	CHECK_EQ(symlink("/etc/passwd", link), 0);
	alarm(10);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	alarm(0);
	CHECK_EQ(count, 0);
	unlink(fifo);
	unlink(link);
	free(fifo);
	free(link);
	catalog_close(c);
	free(d);
}


/* The one journal file in d; malloc'd path. */
static char *journal_path(const char *d)
{
	char *cmd = xasprintf("ls %s | grep audit-journal", d), name[128] = "";
	FILE *f = popen(cmd, "r");

	if (f) {
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		pclose(f);
	}
	free(cmd);
	name[strcspn(name, "\n")] = '\0';
	return xasprintf("%s/%s", d, name);
}

/* The counting entries (action "audit", by recfs) of the log. */
struct counted {
	int n, entries;
	char reason[256];
	int64_t time;
	unsigned uid;
};

static int see_counted(const struct audit_entry *e, void *ctx)
{
	struct counted *k = ctx;

	k->entries++;
	if (strcmp(e->action, "audit") || !e->actor.user || strcmp(e->actor.user, "recfs"))
		return 0;
	k->n++;
	snprintf(k->reason, sizeof(k->reason), "%s", e->reason ? e->reason : "-");
	k->time = e->time;
	k->uid = (unsigned)e->actor.uid;
	return 0;
}

/* In a child: a writer that appends n entries, commits the first
 * committed of them to c's log (none: 0), counts lost in its header as l
 * says, and dies by SIGKILL. */
static void killed_counting_writer(const char *d, int n, int committed, const struct journal_lost *l)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		struct journal *j = NULL;
		struct catalog *c = NULL;
		char *p = xasprintf("%s/catalog.db", d);
		struct audit_entry e[8];

		if (journal_open(d, &j) || catalog_open(p, 0, &c))
			_exit(1);
		for (int i = 1; i <= n; i++) {
			e[i - 1] = entry("rec", NULL);
			if (journal_append(j, (uint64_t)i, &e[i - 1]))
				_exit(1);
		}
		if (committed && journal_commit(c, j, e, (size_t)committed, (uint64_t)committed))
			_exit(1);
		if (journal_set_lost(j, l))
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	CHECK(pid > 0);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

TEST(test_journal_open_preallocates_its_reserve_and_says_when_half_is_used)
{
	struct catalog *c = NULL;
	char *d = fresh("reserve", &c), *path;
	struct journal *j = NULL;
	struct audit_entry e = entry("rec-1", NULL);
	struct stat st;
	uint64_t t = 0;

	CHECK_EQ(journal_open(d, &j), 0);
	path = journal_path(d);
	if (journal_reserve_error(j) == -EOPNOTSUPP) {
		printf("  (the test folder's file system cannot preallocate: reserve not checked)\n");
	} else {
		CHECK_EQ(journal_reserve_error(j), 0);
		CHECK_EQ(stat(path, &st), 0);
		/* Allocated, and not in the file's size. */
		CHECK((off_t)st.st_blocks * 512 >= JOURNAL_RESERVE);
		CHECK(st.st_size < 4096);
		CHECK_EQ(journal_half_used(j), 0);
		while (!journal_half_used(j) && t < 100000)
			CHECK_EQ(journal_append(j, ++t, &e), 0);
		CHECK_EQ(journal_half_used(j), 1);
		CHECK_EQ(stat(path, &st), 0);
		CHECK(st.st_size > JOURNAL_RESERVE / 2 && st.st_size < JOURNAL_RESERVE / 2 + 4096);
		/* Emptied: the reserve again, its first half free. */
		CHECK_EQ(journal_truncate(j), 0);
		CHECK_EQ(journal_half_used(j), 0);
		CHECK_EQ(journal_reserve_error(j), 0);
		CHECK_EQ(stat(path, &st), 0);
		CHECK((off_t)st.st_blocks * 512 >= JOURNAL_RESERVE);
		CHECK(st.st_size < 4096);
	}
	journal_close(j, c, 1);
	CHECK_EQ(journals_in(d), 0);
	free(path);
	catalog_close(c);
	free(d);
}

TEST(test_journal_count_of_a_killed_writer_reaches_the_log_as_one_entry_once)
{
	struct catalog *c = NULL;
	char *d = fresh("counted", &c);
	struct journal_lost l = { .lost = 5, .time = 1780000100 };
	struct counted k = { .n = 0 };
	size_t count = 0;
	struct audit_report rep = { 0 };

	killed_counting_writer(d, 2, 0, &l);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(journals_in(d), 0);
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK_EQ(k.entries, 3);
	CHECK_EQ(k.n, 1);
	CHECK(!strncmp(k.reason, "5 entries were not logged one by one: ", 38));
	CHECK_EQ(k.time, 1780000100);
	CHECK_EQ(k.uid, (unsigned)getuid());
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.entries, 3);
	catalog_close(c);
	free(d);
}

/* A batch holding part of the count, committed before the kill, is not
 * counted again; one not committed is. */
TEST(test_journal_count_leaves_out_a_committed_batch_only)
{
	struct catalog *c = NULL;
	char *d = fresh("part", &c), *e = NULL;
	struct journal_lost l = { .lost = 5, .part = 2, .cut = 2, .time = 1780000100 };
	struct counted k = { .n = 0 };
	size_t count = 0;

	killed_counting_writer(d, 3, 2, &l);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 2);	/* rec 3 and the count */
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK_EQ(k.entries, 4);
	CHECK(!strncmp(k.reason, "3 entries were not logged one by one", 36));
	catalog_close(c);

	memset(&k, 0, sizeof(k));
	e = fresh("part-uncommitted", &c);
	l.cut = 3;	/* the batch of 1..3 did not reach the log */
	killed_counting_writer(e, 3, 2, &l);
	CHECK_EQ(journal_recover(c, e, &count), 0);
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK(!strncmp(k.reason, "5 entries were not logged one by one", 36));
	catalog_close(c);
	free(d);
	free(e);
}

/* A journal of an older recfs (no header) reads as ever; one whose
 * header's overwrite was cut short (its hash does not match) gives its
 * entries and says a count may be missing. */
TEST(test_journal_without_a_header_or_with_a_torn_one_still_reads)
{
	struct catalog *c = NULL;
	char *d = fresh("old", &c), *path, *e;
	struct journal_lost l = { .lost = 4 };
	struct counted k = { .n = 0 };
	size_t count = 0, hsize;
	uint8_t *buf;
	struct stat st;
	int fd;

	killed_counting_writer(d, 2, 0, &l);
	path = journal_path(d);
	CHECK_EQ(stat(path, &st), 0);
	buf = xcalloc(1, (size_t)st.st_size);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(util_pread_all(fd, buf, (size_t)st.st_size, 0), 0);
	hsize = 4 + ((size_t)buf[0] | (size_t)buf[1] << 8);
	CHECK(hsize > 64 && hsize < 200);
	/* As an older recfs wrote it: its records without the header. */
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(util_write_all(fd, buf + hsize, (size_t)st.st_size - hsize), 0);
	close(fd);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK_EQ(k.entries, 2);
	CHECK_EQ(k.n, 0);
	catalog_close(c);
	free(path);

	memset(&k, 0, sizeof(k));
	e = fresh("torn-header", &c);
	killed_counting_writer(e, 2, 0, &l);
	path = journal_path(e);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	/* A byte of the count changed, as a half-done overwrite leaves it. */
	CHECK_EQ(pwrite(fd, "\x07", 1, 25), 1);
	close(fd);
	CHECK_EQ(journal_recover(c, e, &count), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK_EQ(k.entries, 3);
	CHECK_EQ(k.n, 1);
	CHECK(!strncmp(k.reason, "entries may not have been logged one by one", 43));
	free(buf);
	free(path);
	catalog_close(c);
	free(d);
	free(e);
}

/* The count stays in the header when the journal is emptied: entries the
 * log lacks are counted until the writer sets it back. */
TEST(test_journal_truncate_keeps_the_count)
{
	struct catalog *c = NULL;
	char *d = fresh("truncated", &c);
	struct journal *j = NULL;
	struct journal_lost l = { .lost = 7, .time = 1780000200 };
	struct audit_entry e = entry("rec-1", NULL);
	struct counted k = { .n = 0 };
	size_t count = 0;

	CHECK_EQ(journal_open(d, &j), 0);
	CHECK_EQ(journal_append(j, 1, &e), 0);
	CHECK_EQ(journal_set_lost(j, &l), 0);
	CHECK_EQ(journal_commit(c, j, &e, 1, 1), 0);
	CHECK_EQ(journal_truncate(j), 0);
	journal_close(j, c, 0);
	CHECK_EQ(journal_recover(c, d, &count), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(audit_each(c, NULL, see_counted, &k), 0);
	CHECK_EQ(k.entries, 2);
	CHECK(!strncmp(k.reason, "7 entries were not logged one by one", 36));
	catalog_close(c);
	free(d);
}

int main(void)
{
	if (!(dir = t_mkdtemp("journal")) || crypto_setup())
		return 2;
	RUN(test_journal_of_a_killed_writer_reaches_the_log_once_with_its_amendment);
	RUN(test_journal_of_a_live_writer_is_left_alone_and_commits_move_its_position);
	RUN(test_journal_cut_short_by_a_crash_ends_at_its_last_whole_record);
	RUN(test_journal_closed_with_everything_committed_is_removed);
	RUN(test_journal_recovery_passes_a_fifo_or_a_link_in_a_journals_name);
	RUN(test_journal_open_preallocates_its_reserve_and_says_when_half_is_used);
	RUN(test_journal_count_of_a_killed_writer_reaches_the_log_as_one_entry_once);
	RUN(test_journal_count_leaves_out_a_committed_batch_only);
	RUN(test_journal_without_a_header_or_with_a_torn_one_still_reads);
	RUN(test_journal_truncate_keeps_the_count);
	util_remove_tree(dir);
	T_DONE();
}
