/* Unit tests of fs/caller, who is asking: a user's level is the highest
 * level whose group it is in or whose users list names it, root gets none
 * from its groups, a uid without a passwd entry has none, answers are
 * cached per uid (and only for that uid), and the audit actor names the
 * process as it is at the request (its /proc files kept open, never
 * naming a process that is gone).  On a mount of one level, a caller of that level or above acts
 * as it and any other is refused; refusals are logged once a minute per
 * uid.  Uses the machine's own passwd and group databases: a user
 * other than root with a primary group is looked up at run time. */
#include <grp.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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
	RUN(test_caller_level_name_is_null_outside_the_policy);
	RUN(test_caller_keeps_its_level_when_lookups_fail);
	RUN(test_caller_on_a_level_mount_acts_as_its_level_from_that_level_up);
	RUN(test_caller_below_a_level_mounts_level_or_without_one_is_refused);
	T_DONE();
}
