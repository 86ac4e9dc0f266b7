/* Unit tests of fs/auditq, the mount's audit queue: an open's entry is in
 * the journal when auditq_push_durable returns, so a mount killed right
 * after loses none (the next register open recovers them); concurrent opens
 * all get theirs into one chain; an entry can be amended while it is
 * queued and not after; a log that cannot be written holds no open up, and
 * gets every entry once it can. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auditq.h"
#include "catalog_i.h" /* catalog_exec: the failure is made in SQL */
#include "journal.h"
#include "recfs_i.h"
#include "t.h"

static char *dir;
static int said_cannot_write, said_written_again;

/* auditq logs through the daemon's recfs_log (main.c): keep its lines,
 * and count the ones a full disk repeats. */
void recfs_log(int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
	said_cannot_write += strstr(line, "cannot write") && strstr(line, "audit entries") ? 1 : 0;
	said_written_again += strstr(line, "written again") ? 1 : 0;
}

/* A register directory of its own, with a catalog; its path. */
static char *fresh(const char *name)
{
	char *d = xasprintf("%s/%s", dir, name), *path = xasprintf("%s/catalog.db", d);
	struct catalog *c = NULL;

	CHECK_EQ(mkdir(d, 0700), 0);
	CHECK_EQ(catalog_open(path, 1, &c), 0);
	catalog_close(c);
	free(path);
	return d;
}

/* An entry as the mount makes one. */
static struct audit_entry entry(const char *action, const char *object, const char *reason)
{
	struct audit_entry e = { .action = action, .object = object, .outcome = "ok", .reason = reason };

	e.actor.uid = 1000;
	e.actor.user = "reader";
	e.actor.level = "analysis";
	e.actor.pid = 4242;
	e.actor.comm = "cat";
	return e;
}

struct seen {
	int n;
	char last_action[16], last_outcome[16], last_reason[64];
};

static int see(const struct audit_entry *e, void *ctx)
{
	struct seen *s = ctx;

	s->n++;
	snprintf(s->last_action, sizeof(s->last_action), "%s", e->action);
	snprintf(s->last_outcome, sizeof(s->last_outcome), "%s", e->outcome);
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", e->reason ? e->reason : "");
	return 0;
}

/* What the log of register d holds, as recctl would see it (after moving
 * the journals of dead writers into it). */
static struct seen seen_in(const char *d)
{
	char *path = xasprintf("%s/catalog.db", d);
	struct catalog *c = NULL;
	struct seen s = { .n = 0 };

	CHECK_EQ(catalog_open(path, 0, &c), 0);
	if (c) {
		CHECK_EQ(journal_recover(c, d, NULL), 0);
		CHECK_EQ(audit_each(c, NULL, see, &s), 0);
	}
	catalog_close(c);
	free(path);
	return s;
}

TEST(test_auditq_opens_of_a_killed_mount_all_reach_the_log)
{
	char *d = fresh("killed");
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		struct auditq *q = NULL;
		struct audit_entry e = entry("details", "rec-1", NULL), o = entry("open", "rec-2", NULL);

		if (auditq_new(d, 0, &q) || auditq_start(q))
			_exit(1);
		(void)auditq_push(q, &e);
		for (int i = 0; i < 20; i++)
			if (auditq_push_durable(q, &o))
				_exit(1);
		kill(getpid(), SIGKILL);	/* right after the last open is answered */
		_exit(1);
	}
	CHECK(pid > 0);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK_EQ(seen_in(d).n, 21);
	free(d);
}

TEST(test_auditq_entry_is_amended_while_queued_and_not_after)
{
	char *d = fresh("amend");
	struct auditq *q = NULL;
	struct audit_entry e = entry("details", "rec-1", "user.recfs.title"), o = entry("open", "rec-2", NULL);
	struct seen s;
	uint64_t t;

	CHECK_EQ(auditq_new(d, 0, &q), 0);
	t = auditq_push(q, &e);
	CHECK_EQ(auditq_amend(q, t, "user.recfs.title,user.recfs.staff"), 0);
	CHECK_EQ(auditq_flush(q), 0);
	CHECK_EQ(auditq_amend(q, t, "anything"), -ENOENT);
	CHECK_EQ(auditq_amend(q, t + 1, "anything"), -ENOENT);
	CHECK_EQ(auditq_push_durable(q, &o), 0);
	auditq_free(q);
	s = seen_in(d);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.last_action, "open");
	free(d);
}

struct opener {
	struct auditq *q;
	int failed;
};

static void *open_many(void *arg)
{
	struct opener *o = arg;
	struct audit_entry e = entry("open", "rec-many", NULL);

	for (int i = 0; i < 50; i++)
		o->failed += auditq_push_durable(o->q, &e) != 0;
	return NULL;
}

/* Four threads of 50 opens each, with fsync_each or not. */
static void concurrent(const char *name, int fsync_each)
{
	char *d = fresh(name), *path = xasprintf("%s/catalog.db", d);
	struct auditq *q = NULL;
	struct opener o[4];
	pthread_t th[4];
	struct catalog *c = NULL;
	struct audit_report rep = { 0 };

	CHECK_EQ(auditq_new(d, fsync_each, &q), 0);
	CHECK_EQ(auditq_start(q), 0);
	for (int i = 0; i < 4; i++) {
		o[i] = (struct opener){ q, 0 };
		pthread_create(&th[i], NULL, open_many, &o[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(o[i].failed, 0);
	}
	auditq_free(q);
	CHECK_EQ(catalog_open(path, 0, &c), 0);
	CHECK_EQ(audit_verify(c, NULL, util_now(), &rep), 0);
	CHECK_EQ(rep.entries, 200);
	catalog_close(c);
	free(path);
	free(d);
}

TEST(test_auditq_concurrent_opens_all_reach_one_intact_chain)
{
	concurrent("concurrent", 0);
	concurrent("concurrent-fsync", 1);
}

TEST(test_auditq_log_that_cannot_be_written_holds_no_open_up_and_gets_it_later)
{
	char *d = fresh("fail"), *path = xasprintf("%s/catalog.db", d);
	struct auditq *q = NULL;
	struct catalog *c = NULL;
	struct audit_entry o = entry("open", "rec-1", NULL);
	struct seen s;

	CHECK_EQ(auditq_new(d, 0, &q), 0);
	CHECK_EQ(catalog_open(path, 0, &c), 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit RENAME TO audit_away"), 0);
	CHECK_EQ(auditq_push_durable(q, &o), 0);
	CHECK(auditq_flush(q) < 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit_away RENAME TO audit"), 0);
	catalog_close(c);
	CHECK_EQ(auditq_flush(q), 0);
	auditq_free(q);
	s = seen_in(d);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.last_outcome, "ok");
	free(path);
	free(d);
}

/* A catalog that refuses the log was said at every try (four times a
 * second while the disk is full): once a minute, and when it works again. */
TEST(test_auditq_log_that_cannot_be_written_is_said_once_not_at_every_try)
{
	char *d = fresh("fail-quiet"), *path = xasprintf("%s/catalog.db", d);
	struct auditq *q = NULL;
	struct catalog *c = NULL;
	struct audit_entry o = entry("open", "rec-1", NULL);

	CHECK_EQ(auditq_new(d, 0, &q), 0);
	CHECK_EQ(catalog_open(path, 0, &c), 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit RENAME TO audit_away"), 0);
	CHECK_EQ(auditq_push_durable(q, &o), 0);
	said_cannot_write = said_written_again = 0;
	for (int i = 0; i < 20; i++)
		CHECK(auditq_flush(q) < 0);
	CHECK_EQ(said_cannot_write, 1);
	CHECK_EQ(said_written_again, 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit_away RENAME TO audit"), 0);
	catalog_close(c);
	CHECK_EQ(auditq_flush(q), 0);
	CHECK_EQ(said_written_again, 1);
	auditq_free(q);
	CHECK_EQ(seen_in(d).n, 1);
	free(path);
	free(d);
}

/* The log not writable (a batch failed): opens are answered, their
 * entries journalled, until half the journal's reserve is used; then
 * refused with ENOSPC, their refusals journalled in the other half, so
 * that a mount killed then leaves every one of them to the log. */
TEST(test_auditq_log_not_writable_keeps_half_the_journal_for_refusals)
{
	char *d = fresh("half"), *path = xasprintf("%s/catalog.db", d), *out = xasprintf("%s/answered", d);
	struct catalog *c = NULL;
	struct seen s;
	pid_t pid;
	int st = 0, answered = 0;
	FILE *f;

	pid = fork();
	if (pid == 0) {
		struct auditq *q = NULL;
		struct catalog *cc = NULL;
		struct audit_entry o = entry("open", "rec-1", NULL);
		int n = 0, rc;

		if (auditq_new(d, 0, &q) || catalog_open(path, 0, &cc) ||
		    catalog_exec(cc, "ALTER TABLE audit RENAME TO audit_away"))
			_exit(1);
		if (auditq_push_durable(q, &o) || auditq_flush(q) >= 0)
			_exit(2);
		while ((rc = auditq_push_durable(q, &o)) == 0 && n < 100000)
			n++;
		if (rc != -ENOSPC || auditq_push_durable(q, &o) != -ENOSPC)
			_exit(3);
		f = fopen(out, "w");
		if (!f || fprintf(f, "%d\n", n + 1) < 0 || fclose(f))
			_exit(4);
		kill(getpid(), SIGKILL);
		_exit(5);
	}
	CHECK(pid > 0);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	f = fopen(out, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(fscanf(f, "%d", &answered), 1);
		fclose(f);
	}
	/* Half of 1 MiB in entries of some 150 bytes. */
	CHECK(answered > (int)(JOURNAL_RESERVE / 2 / 400) && answered < (int)(JOURNAL_RESERVE / 2 / 100));
	CHECK_EQ(catalog_open(path, 0, &c), 0);
	CHECK_EQ(catalog_exec(c, "ALTER TABLE audit_away RENAME TO audit"), 0);
	catalog_close(c);
	s = seen_in(d);
	CHECK_EQ(s.n, answered + 2);
	CHECK_STR(s.last_outcome, "refused");
	CHECK_STR(s.last_reason, "ENOSPC");
	free(out);
	free(path);
	free(d);
}

int main(void)
{
	if (!(dir = t_mkdtemp("auditq")) || crypto_setup())
		return 2;
	RUN(test_auditq_opens_of_a_killed_mount_all_reach_the_log);
	RUN(test_auditq_entry_is_amended_while_queued_and_not_after);
	RUN(test_auditq_concurrent_opens_all_reach_one_intact_chain);
	RUN(test_auditq_log_that_cannot_be_written_holds_no_open_up_and_gets_it_later);
	RUN(test_auditq_log_that_cannot_be_written_is_said_once_not_at_every_try);
	RUN(test_auditq_log_not_writable_keeps_half_the_journal_for_refusals);
	util_remove_tree(dir);
	T_DONE();
}
