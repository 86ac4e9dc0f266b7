/* Unit tests of fs/caller, who is asking: a user's level is the highest
 * level whose group it is in or whose users list names it, root gets none
 * from its groups, a uid without a passwd entry has none, answers are
 * cached per uid (and only for that uid), and the audit actor names the
 * process as it is at the request (its /proc files kept open, never
 * naming a process that is gone, nor naming the process or thread that
 * had a pid before under its name or login uid).  On a mount of one level, a caller of that level or above acts
 * as it and any other is refused; refusals are logged once a minute per
 * uid.  Uses the machine's own passwd and group databases: a user
 * other than root with a primary group is looked up at run time. */
#include <grp.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "caller.h"
#include "t.h"

#define NO_GROUP "recfs-test-no-such-group"

static char user_name[64], user_group[64];
static uid_t user_uid;
static gid_t user_gid;

static char root_name[] = "root", low[] = "low", mid[] = "mid", top[] = "top";
static char *root_only[] = { root_name };

/* Three levels, lowest first; groups and users set by each test. */
static struct policy_level levels[3];
static struct policy pol = { .levels = levels, .n_levels = 3 };

static void set_levels(const char *g0, const char *g1, const char *g2, int root_in_top)
{
	memset(levels, 0, sizeof(levels));
	levels[0].name = low;
	levels[1].name = mid;
	levels[2].name = top;
	levels[0].group = (char *)g0;
	levels[1].group = (char *)g1;
	levels[2].group = (char *)g2;
	if (root_in_top) {
		levels[2].users = root_only;
		levels[2].n_users = 1;
	}
}

/* The level caller_get gives uid with a fresh cache. */
static int level_of(uid_t uid, char *user, size_t len)
{
	struct caller_cache *cc = NULL;
	struct caller c;

	if (caller_cache_new(&pol, &cc))
		return -99;
	caller_get(cc, uid, 0, getpid(), &c);
	if (user)
		snprintf(user, len, "%s", c.user);
	caller_cache_free(cc);
	return c.level;
}

/* A uid that no passwd entry has, in the cache slot of uid (same value
 * modulo the slot count, a multiple of which 4096 is). */
static uid_t unknown_uid_beside(uid_t uid)
{
	uid_t u;

	for (u = uid + 4096; u < uid + 4096 * 64; u += 4096)
		if (!getpwuid(u))
			return u;
	return (uid_t)-1;
}

TEST(test_caller_is_of_the_highest_level_whose_group_it_is_in)
{
	char user[CALLER_NAME_MAX];

	set_levels(user_group, user_group, NO_GROUP, 0);
	CHECK_EQ(level_of(user_uid, user, sizeof(user)), 1);
	CHECK_STR(user, user_name);
	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(level_of(user_uid, NULL, 0), 0);
	set_levels(NO_GROUP, NO_GROUP, NULL, 0);
	CHECK_EQ(level_of(user_uid, NULL, 0), -1);
}

TEST(test_caller_named_in_a_users_list_is_of_that_level)
{
	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	levels[2].users = (char *[]){ user_name };
	levels[2].n_users = 1;
	CHECK_EQ(level_of(user_uid, NULL, 0), 2);
}

TEST(test_caller_root_gets_no_level_from_its_groups_only_from_a_users_list)
{
	set_levels("root", "root", "root", 0);
	CHECK_EQ(level_of(0, NULL, 0), -1);
	set_levels("root", NO_GROUP, NULL, 1);
	CHECK_EQ(level_of(0, NULL, 0), 2);
}

TEST(test_caller_without_a_passwd_entry_has_no_level_and_no_name)
{
	uid_t u = unknown_uid_beside(user_uid);
	char user[CALLER_NAME_MAX] = "x";

	CHECK(u != (uid_t)-1);
	set_levels(user_group, user_group, user_group, 0);
	CHECK_EQ(level_of(u, user, sizeof(user)), -1);
	CHECK_STR(user, "");
}

/* The answer is kept for a few seconds (a group change counts after at
 * most that long): a second question with another policy meanwhile gets
 * the first answer.  Another uid of the same slot is not given it. */
TEST(test_caller_answer_is_cached_for_its_uid_and_for_no_other)
{
	struct caller_cache *cc = NULL;
	struct caller c;
	uid_t other = unknown_uid_beside(user_uid);

	CHECK(other != (uid_t)-1);
	set_levels(user_group, user_group, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	caller_get(cc, user_uid, 0, getpid(), &c);
	CHECK_EQ(c.level, 1);
	set_levels(NO_GROUP, NO_GROUP, NO_GROUP, 0);
	caller_get(cc, user_uid, 0, getpid(), &c);
	CHECK_EQ(c.level, 1);
	CHECK_STR(c.user, user_name);
	set_levels(user_group, user_group, user_group, 0);
	caller_get(cc, other, 0, getpid(), &c);
	CHECK_EQ(c.level, -1);
	CHECK_STR(c.user, "");
	CHECK_EQ(c.uid, other);
	caller_cache_free(cc);
}

TEST(test_caller_actor_names_the_user_its_level_and_the_process)
{
	struct caller_cache *cc = NULL;
	struct audit_actor a;
	struct caller c;

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	caller_get(cc, user_uid, user_gid, getpid(), &c);
	caller_actor(&c, &pol, &a);
	CHECK_EQ(a.uid, user_uid);
	CHECK_EQ(a.pid, getpid());
	CHECK_STR(a.user, user_name);
	CHECK_STR(a.level, "low");
	CHECK_STR(a.comm, "test_caller");
	caller_cache_free(cc);
}

/* The comm caller_actor gives pid (a fresh request each time), or "" for
 * none. */
static void comm_now(struct caller_cache *cc, pid_t pid, char *out, size_t len)
{
	struct audit_actor a;
	struct caller c;

	caller_get(cc, user_uid, user_gid, pid, &c);
	caller_actor(&c, &pol, &a);
	snprintf(out, len, "%s", a.comm ? a.comm : "");
}

/* A child that names itself (prctl) as told through a pipe, one name per
 * line ("" to exit), and answers each with a byte once it is done. */
static pid_t namer(int *to, int *from)
{
	int down[2], up[2];
	pid_t pid;

	if (pipe(down) < 0 || pipe(up) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char name[16];
		ssize_t n;

		close(down[1]);
		close(up[0]);
		while ((n = read(down[0], name, sizeof(name) - 1)) > 0) {
			name[n] = '\0';
			if (!*name || !strcmp(name, "-"))
				_exit(0);
			prctl(PR_SET_NAME, name, 0, 0, 0);
			if (write(up[1], "k", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	*to = down[1];
	*from = up[0];
	return pid;
}

static void rename_child(int to, int from, const char *name)
{
	char k;

	if (write(to, name, strlen(name)) != (ssize_t)strlen(name) || read(from, &k, 1) != 1)
		fprintf(stderr, "  the child did not take its name %s\n", name);
}

TEST(test_caller_actor_names_a_process_as_it_is_now_and_not_once_gone)
{
	struct caller_cache *cc = NULL;
	char comm[32];
	int to = -1, from = -1, status;
	pid_t pid;

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	pid = namer(&to, &from);
	CHECK(pid > 0);
	if (pid <= 0 || !cc)
		goto out;
	rename_child(to, from, "first");
	comm_now(cc, pid, comm, sizeof(comm));
	CHECK_STR(comm, "first");
	/* Its descriptors are kept: a new name is read through them. */
	rename_child(to, from, "second");
	comm_now(cc, pid, comm, sizeof(comm));
	CHECK_STR(comm, "second");
	/* Gone (and reaped): nothing is named after it any more. */
	if (write(to, "-", 1) != 1)
		CHECK(0);
	waitpid(pid, &status, 0);
	comm_now(cc, pid, comm, sizeof(comm));
	CHECK_STR(comm, "");
out:
	if (to >= 0)
		close(to);
	if (from >= 0)
		close(from);
	caller_cache_free(cc);
}

/* The actor caller_actor gives pid (a fresh request): its comm into
 * comm ("" for none), its login uid into *login (-1 for none). */
static void actor_now(struct caller_cache *cc, pid_t pid, char *comm, size_t len, long *login)
{
	struct audit_actor a;
	struct caller c;

	caller_get(cc, user_uid, user_gid, pid, &c);
	caller_actor(&c, &pol, &a);
	snprintf(comm, len, "%s", a.comm ? a.comm : "");
	*login = a.has_loginuid ? (long)a.loginuid : -1;
}

/* The login uid of pid as the kernel has it now (-1: none). */
static long login_of(pid_t pid)
{
	struct audit_actor a = { 0 };

	audit_loginuid(pid, &a);
	return a.has_loginuid ? (long)a.loginuid : -1;
}

/*
 * A child process at pid want (clone3's set_tid, which root may ask for;
 * want 0: any pid), named name, with login uid login when it may set one,
 * that lives until *hold is closed.  Its pid, or -1 with errno set (EEXIST:
 * want is taken; EPERM, ENOSYS: no set_tid here).
 */
static pid_t sitter(pid_t want, const char *name, uid_t login, int *hold)
{
	struct {	/* struct clone_args up to set_tid_size (CLONE_ARGS_SIZE_VER1) */
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
			set_tid_size;
	} args = { .exit_signal = SIGCHLD };
	pid_t tid = want;
	int up[2], down[2], e;
	long pid;
	char k;

	if (pipe(up) < 0)
		return -1;
	if (pipe(down) < 0) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	if (want > 0) {
		args.set_tid = (uint64_t)(uintptr_t)&tid;
		args.set_tid_size = 1;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		char buf[16];
		int fd = open("/proc/self/loginuid", O_WRONLY), n;

		close(up[0]);
		close(down[1]);
		if (fd >= 0) {
			n = snprintf(buf, sizeof(buf), "%u", (unsigned)login);
			if (write(fd, buf, (size_t)n) != n)
				n = 0;	/* not allowed here: the parent's stays */
			close(fd);
		}
		prctl(PR_SET_NAME, name, 0, 0, 0);
		if (write(up[1], "k", 1) != 1)
			_exit(1);
		if (read(down[0], &k, 1) < 0)
			_exit(1);
		_exit(0);
	}
	e = errno;
	close(up[1]);
	close(down[0]);
	if (pid > 0 && read(up[0], &k, 1) != 1) {
		close(down[1]);
		waitpid((pid_t)pid, NULL, 0);
		pid = -1;
		e = ECHILD;
	}
	close(up[0]);
	if (pid < 0) {
		close(down[1]);
		errno = e;
		return -1;
	}
	*hold = down[1];
	return (pid_t)pid;
}

/* End a sitter: close its hold and reap it. */
static void end_sitter(pid_t pid, int *hold)
{
	if (*hold >= 0)
		close(*hold);
	*hold = -1;
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/*
 * The attack: a process the cache knows (its /proc files kept open) ends,
 * and another process is made at its pid, with a name and a login uid of
 * its own.  Its requests must be audited under its own name and login
 * uid, never under those of the process that had the pid before.
 */
TEST(test_caller_actor_names_a_new_process_at_a_known_pid_after_itself)
{
	struct caller_cache *cc = NULL;
	int hold_a = -1, hold_b = -1;
	pid_t a, b = -1;
	long login, login_a, login_b;
	char comm[32];

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	a = sitter(0, "first-owner", 4242, &hold_a);
	CHECK(a > 0);
	if (!cc || a <= 0)
		goto out;
	login_a = login_of(a);
	actor_now(cc, a, comm, sizeof(comm), &login);
	CHECK_STR(comm, "first-owner");
	CHECK_EQ(login, login_a);
	end_sitter(a, &hold_a);
	b = sitter(a, "second-owner", 5151, &hold_b);
	if (b < 0) {
		fprintf(stderr, "  (pid %ld cannot be had again: %s; the reuse is not tried)\n", (long)a,
			strerror(errno));
		goto out;
	}
	CHECK_EQ(b, a);
	login_b = login_of(b);
	actor_now(cc, b, comm, sizeof(comm), &login);
	CHECK_STR(comm, "second-owner");
	CHECK_EQ(login, login_b);
	if (login_a == login_b)
		fprintf(stderr, "  (no login uid could be set: only the names differ)\n");
out:
	end_sitter(b, &hold_b);
	end_sitter(a, &hold_a);
	caller_cache_free(cc);
}

struct named_thread {
	pid_t tid;
	int ready[2], done[2];
};

static void *named_thread(void *arg)
{
	struct named_thread *t = arg;
	char k;

	pthread_setname_np(pthread_self(), "caller-thread");
	t->tid = gettid();
	if (write(t->ready[1], "k", 1) != 1 || read(t->done[0], &k, 1) < 0)
		t->tid = -1;
	return NULL;
}

/*
 * FUSE gives the id of the calling thread, not of its process: a thread
 * is named as itself (not as its process), and once it has ended, a
 * process made at its id is named as that process, not as the thread.
 */
TEST(test_caller_actor_names_a_thread_by_its_id_and_not_once_it_has_ended)
{
	struct named_thread t = { .ready = { -1, -1 }, .done = { -1, -1 } };
	struct caller_cache *cc = NULL;
	int hold = -1, started = 0;
	pid_t b = -1;
	long login;
	char comm[32], k;
	pthread_t th;

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	CHECK(pipe(t.ready) == 0 && pipe(t.done) == 0);
	started = cc && t.done[1] >= 0 && pthread_create(&th, NULL, named_thread, &t) == 0;
	CHECK(started);
	if (!started || read(t.ready[0], &k, 1) != 1)
		goto out;
	actor_now(cc, t.tid, comm, sizeof(comm), &login);
	CHECK_STR(comm, "caller-thread");
	actor_now(cc, getpid(), comm, sizeof(comm), &login);
	CHECK_STR(comm, "test_caller");
	close(t.done[1]);
	t.done[1] = -1;
	pthread_join(th, NULL);
	started = 0;
	/* The kernel frees a joined thread's id a moment after the join. */
	for (int i = 0; (b = sitter(t.tid, "after-thread", 5151, &hold)) < 0 && errno == EEXIST && i < 200; i++)
		usleep(5000);
	if (b < 0) {
		fprintf(stderr, "  (id %ld cannot be had again: %s; the reuse is not tried)\n", (long)t.tid,
			strerror(errno));
		goto out;
	}
	actor_now(cc, b, comm, sizeof(comm), &login);
	CHECK_STR(comm, "after-thread");
	CHECK_EQ(login, login_of(b));
out:
	if (started) {
		close(t.done[1]);
		t.done[1] = -1;
		pthread_join(th, NULL);
	}
	end_sitter(b, &hold);
	for (int i = 0; i < 2; i++) {
		if (t.ready[i] >= 0)
			close(t.ready[i]);
		if (t.done[i] >= 0)
			close(t.done[i]);
	}
	caller_cache_free(cc);
}

static void exhaust_fds(int *fds, int max, int *n, struct rlimit *old);
static void free_fds(int *fds, int n, const struct rlimit *old);

/* A process asked about again costs no open(2): with no descriptor left,
 * its name is still read (through the descriptors kept from the first
 * time). */
TEST(test_caller_actor_reads_a_known_process_without_opening_files)
{
	struct caller_cache *cc = NULL;
	struct rlimit old;
	char comm[32];
	int fds[128], n;

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	if (!cc)
		return;
	comm_now(cc, getpid(), comm, sizeof(comm));
	CHECK_STR(comm, "test_caller");
	exhaust_fds(fds, 128, &n, &old);
	CHECK(open("/dev/null", O_RDONLY) < 0);
	comm_now(cc, getpid(), comm, sizeof(comm));
	free_fds(fds, n, &old);
	CHECK_STR(comm, "test_caller");
	caller_cache_free(cc);
}

TEST(test_caller_level_name_is_null_outside_the_policy)
{
	struct caller c;

	set_levels(NULL, NULL, NULL, 0);
	memset(&c, 0, sizeof(c));
	c.level = -1;
	CHECK(caller_level_name(&c, &pol) == NULL);
	c.level = 3;
	CHECK(caller_level_name(&c, &pol) == NULL);
	c.level = 2;
	CHECK_STR(caller_level_name(&c, &pol), "top");
}

/* A user other than root whose primary group has a name. */
static int find_user(void)
{
	struct passwd *pw;
	struct group *gr;
	int found = 0;

	setpwent();
	while (!found && (pw = getpwent())) {
		if (pw->pw_uid == 0 || !(gr = getgrgid(pw->pw_gid)) || !strcmp(gr->gr_name, "root"))
			continue;
		snprintf(user_name, sizeof(user_name), "%s", pw->pw_name);
		snprintf(user_group, sizeof(user_group), "%s", gr->gr_name);
		user_uid = pw->pw_uid;
		user_gid = pw->pw_gid;
		found = 1;
	}
	endpwent();
	return found;
}

/* Open /dev/null until no descriptor is left (at most 64 more than now
 * open: the soft limit is lowered for it); fds[] gets them, *n their count.
 * The old limit in *old. */
static void exhaust_fds(int *fds, int max, int *n, struct rlimit *old)
{
	struct rlimit rl;
	int fd;

	getrlimit(RLIMIT_NOFILE, old);
	rl = *old;
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		rl.rlim_cur = (rlim_t)fd + 32;
		close(fd);
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	*n = 0;
	while (*n < max && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[(*n)++] = fd;
}

static void free_fds(int *fds, int n, const struct rlimit *old)
{
	while (n > 0)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, old);
}

TEST(test_caller_keeps_its_level_when_lookups_fail)
{
	struct caller_cache *cc = NULL;
	struct caller c;
	struct rlimit old;
	int fds[128], n;

	set_levels(user_group, NO_GROUP, NO_GROUP, 0);
	CHECK_EQ(caller_cache_new(&pol, &cc), 0);
	if (!cc)
		return;
	caller_get(cc, user_uid, 0, getpid(), &c);
	CHECK_EQ(c.level, 0);
	sleep(6);	/* past CALLER_TTL: the next call looks up again */
	exhaust_fds(fds, 128, &n, &old);
	caller_get(cc, user_uid, 0, getpid(), &c);
	free_fds(fds, n, &old);
	CHECK(n > 0);
	CHECK_EQ(c.level, 0);
	CHECK_STR(c.user, user_name);
	/* Once lookups work again, the level is the looked-up one. */
	set_levels(NO_GROUP, user_group, NO_GROUP, 0);
	sleep(2);	/* past CALLER_RETRY */
	caller_get(cc, user_uid, 0, getpid(), &c);
	CHECK_EQ(c.level, 1);
	caller_cache_free(cc);
}

/* caller_get on a cache serving one level (a mount's -o level=). */
static struct caller served_as(uid_t uid, int serve)
{
	struct caller_cache *cc = NULL;
	struct caller c = { .level = -99 };

	if (caller_cache_new(&pol, &cc))
		return c;
	caller_cache_serve_level(cc, serve);
	caller_get(cc, uid, 0, getpid(), &c);
	caller_cache_free(cc);
	return c;
}

TEST(test_caller_on_a_level_mount_acts_as_its_level_from_that_level_up)
{
	struct caller c;

	set_levels(user_group, user_group, NO_GROUP, 0);	/* the user is of level 1 */
	c = served_as(user_uid, 0);
	CHECK_EQ(c.level, 0);
	CHECK_EQ(c.refused, 0);
	CHECK_STR(c.user, user_name);
	c = served_as(user_uid, 1);
	CHECK_EQ(c.level, 1);
	CHECK_EQ(c.refused, 0);
	c = served_as(user_uid, -1);
	CHECK_EQ(c.level, 1);
	CHECK_EQ(c.refused, 0);
}

TEST(test_caller_below_a_level_mounts_level_or_without_one_is_refused)
{
	struct caller c;

	set_levels(user_group, user_group, NO_GROUP, 0);
	c = served_as(user_uid, 2);
	CHECK_EQ(c.refused, 1);
	CHECK_EQ(c.level, -1);
	set_levels("root", "root", "root", 0);
	c = served_as(0, 0);
	CHECK_EQ(c.refused, 1);
	CHECK_EQ(c.level, -1);
}

int main(void)
{
	if (!find_user()) {
		fprintf(stderr, "no user other than root with a named primary group\n");
		return 2;
	}
	RUN(test_caller_is_of_the_highest_level_whose_group_it_is_in);
	RUN(test_caller_named_in_a_users_list_is_of_that_level);
	RUN(test_caller_root_gets_no_level_from_its_groups_only_from_a_users_list);
	RUN(test_caller_without_a_passwd_entry_has_no_level_and_no_name);
	RUN(test_caller_answer_is_cached_for_its_uid_and_for_no_other);
	RUN(test_caller_actor_names_the_user_its_level_and_the_process);
	RUN(test_caller_actor_names_a_process_as_it_is_now_and_not_once_gone);
	RUN(test_caller_actor_reads_a_known_process_without_opening_files);
	RUN(test_caller_actor_names_a_new_process_at_a_known_pid_after_itself);
	RUN(test_caller_actor_names_a_thread_by_its_id_and_not_once_it_has_ended);
	RUN(test_caller_level_name_is_null_outside_the_policy);
	RUN(test_caller_keeps_its_level_when_lookups_fail);
	RUN(test_caller_on_a_level_mount_acts_as_its_level_from_that_level_up);
	RUN(test_caller_below_a_level_mounts_level_or_without_one_is_refused);
	T_DONE();
}
