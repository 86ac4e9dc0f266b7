/*
 * caller.c - uid -> user name and policy level, cached.
 *
 * Every request asks who its caller is, so the answer is cached per uid for
 * CALLER_TTL seconds in a small direct-mapped table; a stale entry costs at
 * most that long after a group change.  A lookup that fails (the passwd
 * or group database cannot be read: no descriptor left, NSS down; see
 * can_open_files for how that is told) is not an answer: the uid keeps what its entry last said, retried after
 * CALLER_RETRY seconds, and is never cached as having no level; only a
 * lookup that says "no such user" or "not in that group" lowers a level.  Group names of the policy levels
 * are resolved on each miss, so a group created after the mount counts.
 * The level is the highest one the user belongs to: levels are in policy
 * order, lowest first.  The cache keeps a user's own level; a level mount's
 * rule (caller_cache_serve_level) is applied to each answer as it is given,
 * so that the two can never disagree.
 *
 * Every audited request names its process (caller_actor): /proc/PID/comm
 * and /proc/PID/loginuid.  Opening them costs two path walks in /proc per
 * open(2) of a recording, so the descriptors of the last CALLER_PROCS
 * processes are kept and read again at offset 0.  A /proc descriptor stays
 * bound to the process it was opened for, whatever its pid is given to
 * later: the name it reads is that process's own (after an exec too), and
 * once the process is gone its reads fail with ESRCH and the pid's files
 * are opened anew.  So the cache can be late by nothing, and it holds at
 * most CALLER_PROC_FDS descriptors (within CAPS_FD_RESERVE).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caller.h"

#define CALLER_TTL 5
#define CALLER_RETRY 1
#define CALLER_SLOTS 64

struct caller_slot {
	int used;
	uid_t uid;
	time_t expires;
	int level;
	gid_t gid;
	char user[CALLER_NAME_MAX];
};

/* The open /proc files of one process (see the top of this file). */
struct caller_proc {
	pid_t pid;			/* 0: a free slot */
	int comm_fd;			/* /proc/PID/comm */
	int login_fd;			/* /proc/PID/loginuid, -1 when it has none (no audit in the kernel) */
	uint64_t used;			/* the tick of its last use */
};

struct caller_cache {
	const struct policy *p;
	int serve_level;		/* -1: every level; set before the mount serves */
	pthread_mutex_t lock;
	const struct policy *newer;	/* protected by lock: caller_cache_set_newer */
	uint64_t newer_gen;		/* protected by lock: moves with newer */
	struct policy **held;		/* protected by lock: every one it was given */
	size_t n_held;
	struct caller_slot slots[CALLER_SLOTS];	/* protected by lock */
	pthread_mutex_t proc_lock;
	struct caller_proc procs[CALLER_PROCS];	/* protected by proc_lock */
	uint64_t proc_tick;			/* protected by proc_lock */
};

int caller_cache_new(const struct policy *p, struct caller_cache **out)
{
	struct caller_cache *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return -ENOMEM;
	cc->p = p;
	cc->serve_level = -1;
	pthread_mutex_init(&cc->lock, NULL);
	pthread_mutex_init(&cc->proc_lock, NULL);
	for (size_t i = 0; i < CALLER_PROCS; i++)
		cc->procs[i].comm_fd = cc->procs[i].login_fd = -1;
	*out = cc;
	return 0;
}

static void proc_close(struct caller_proc *s)
{
	if (s->comm_fd >= 0)
		close(s->comm_fd);
	if (s->login_fd >= 0)
		close(s->login_fd);
	s->comm_fd = s->login_fd = -1;
	s->pid = 0;
	s->used = 0;		/* free slots are taken first */
}

void caller_cache_free(struct caller_cache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < cc->n_held; i++)
		policy_free(cc->held[i]);
	free(cc->held);
	for (size_t i = 0; i < CALLER_PROCS; i++)
		proc_close(&cc->procs[i]);
	pthread_mutex_destroy(&cc->proc_lock);
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}

/*
 * 0 when the process can open a file now, else -errno.  NSS hides a
 * database it could not open: with no descriptor left, "files" is
 * unavailable and the next service says "not found", and getgrouplist
 * returns the primary group alone.  An answer given while no file can be
 * opened is therefore not taken as one.
 */
static int can_open_files(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* *level: the level of user (primary group gid), -1 for none.  0, or a
 * negative errno when the group database could not be read. */
static int resolve_level(const struct policy *p, const char *user, uid_t uid, gid_t gid, int *level)
{
	gid_t *groups = NULL;
	int ngroups = 32, i, j, rc = 0;
	size_t k;

	*level = -1;
	if (!*user)
		return 0;
	for (;;) {
		gid_t *g = realloc(groups, (size_t)ngroups * sizeof(*groups));
		int n = ngroups;

		if (!g) {
			rc = -ENOMEM;
			goto out;
		}
		groups = g;
		if (getgrouplist(user, gid, groups, &n) >= 0) {
			ngroups = n;
			break;
		}
		if (n <= ngroups) {
			rc = -EIO;
			goto out;
		}
		ngroups = n;
	}
	for (i = (int)p->n_levels - 1; i >= 0 && *level < 0; i--) {
		const struct policy_level *l = &p->levels[i];
		gid_t lg = (gid_t)-1;
		int grc;

		for (k = 0; k < l->n_users; k++)
			if (!strcmp(l->users[k], user))
				*level = i;
		/* Root is an operator: group membership gives it no level. */
		if (*level >= 0 || uid == 0)
			continue;
		grc = util_group_gid(l->group, &lg);
		if (grc == -ENOENT)
			continue;
		if (grc < 0) {
			/* getgrouplist hides such failures; this one does not. */
			rc = grc;
			goto out;
		}
		for (j = 0; j < ngroups; j++)
			if (groups[j] == lg)
				*level = i;
	}
out:
	free(groups);
	if (rc < 0)
		*level = -1;
	return rc;
}

/* What a policy that cannot be kept gives: no level to anyone. */
static const struct policy no_levels;

void caller_cache_set_newer(struct caller_cache *cc, struct policy *newer)
{
	struct policy **h;

	pthread_mutex_lock(&cc->lock);
	if (!newer) {
		cc->newer = NULL;
	} else if ((h = realloc(cc->held, (cc->n_held + 1) * sizeof(*h)))) {
		cc->held = h;
		cc->held[cc->n_held++] = newer;
		cc->newer = newer;
	} else {
		policy_free(newer);
		cc->newer = &no_levels;
	}
	/* Every answer cached so far, or being worked out, was by the old
	 * policy alone. */
	cc->newer_gen++;
	for (size_t i = 0; i < CALLER_SLOTS; i++)
		cc->slots[i].used = 0;
	pthread_mutex_unlock(&cc->lock);
}

/*
 * The level c->level of the mount's policy that newer (the policy applied
 * since the mount started) also gives c's user: the same level, or the
 * mount's level of the name newer gives, when that is lower; -1 when
 * newer gives none, or one the mount's policy does not have.  0, or
 * resolve_level's negative errno.
 */
static int level_in_both(const struct caller_cache *cc, const struct policy *newer, uid_t uid, gid_t pgid,
			 struct caller *c)
{
	int nl, ml, rc;

	if (c->level < 0)
		return 0;
	if ((rc = resolve_level(newer, c->user, uid, pgid, &nl)) < 0)
		return rc;
	ml = nl < 0 ? -1 : policy_level_index(cc->p, newer->levels[nl].name);
	if (ml < c->level)
		c->level = ml;
	return 0;
}

void caller_cache_serve_level(struct caller_cache *cc, int level)
{
	cc->serve_level = level;
}

/* A level mount's rule on c's own level (caller.h). */
static void serve_level(const struct caller_cache *cc, struct caller *c)
{
	if (cc->serve_level < 0)
		return;
	if (c->level >= cc->serve_level) {
		c->level = cc->serve_level;
	} else {
		c->level = -1;
		c->refused = 1;
	}
}

/* c's own level, cached (see the top of this file). */
static void own_level(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c)
{
	struct caller_slot *s = &cc->slots[uid % CALLER_SLOTS];
	time_t now = time(NULL);
	struct passwd pw, *res = NULL;
	const struct policy *newer;
	uint64_t gen;
	char buf[4096];
	gid_t pgid = gid;
	int rc;

	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->gid = gid;
	c->pid = pid;
	c->level = -1;

	pthread_mutex_lock(&cc->lock);
	if (s->used && s->uid == uid && s->expires > now) {
		c->level = s->level;
		memcpy(c->user, s->user, strlen(s->user) + 1);
		pthread_mutex_unlock(&cc->lock);
		return;
	}
	newer = cc->newer;
	gen = cc->newer_gen;
	pthread_mutex_unlock(&cc->lock);

	rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);
	if (res && strlen(res->pw_name) >= sizeof(c->user)) {
		rc = 0;		/* no level, and no name of another's */
	} else if (res) {
		memcpy(c->user, res->pw_name, strlen(res->pw_name) + 1);
		pgid = res->pw_gid;
		rc = resolve_level(cc->p, c->user, uid, pgid, &c->level);
		if (rc == 0 && newer)
			rc = level_in_both(cc, newer, uid, pgid, c);
	} else {
		rc = util_nss_not_found(rc) ? 0 : -rc;
	}
	if (rc == 0)
		rc = can_open_files();

	pthread_mutex_lock(&cc->lock);
	if (rc < 0) {
		/* Not an answer: what the entry said stands (even expired),
		 * asked again in CALLER_RETRY seconds; without one, this
		 * request alone has no level. */
		if (s->used && s->uid == uid) {
			c->level = s->level;
			memcpy(c->user, s->user, strlen(s->user) + 1);
			s->expires = now + CALLER_RETRY;
		} else {
			c->level = -1;
		}
		pthread_mutex_unlock(&cc->lock);
		return;
	}
	if (cc->newer_gen != gen) {
		/* Worked out by a policy that was replaced meanwhile: this
		 * request's answer alone, never cached. */
		pthread_mutex_unlock(&cc->lock);
		return;
	}
	s->used = 1;
	s->uid = uid;
	s->expires = now + CALLER_TTL;
	s->level = c->level;
	s->gid = pgid;
	memcpy(s->user, c->user, strlen(c->user) + 1);
	pthread_mutex_unlock(&cc->lock);
}

void caller_get(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c)
{
	own_level(cc, uid, gid, pid, c);
	serve_level(cc, c);
	c->cc = cc;
	c->limit = uid;
}

const char *caller_level_name(const struct caller *c, const struct policy *p)
{
	if (c->level < 0 || (size_t)c->level >= p->n_levels)
		return NULL;
	return p->levels[c->level].name;
}

/* Open pid's /proc files into the free slot s: 0, or -errno (s stays free). */
static int proc_open(struct caller_proc *s, pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	s->comm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->comm_fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%ld/loginuid", (long)pid);
	s->login_fd = open(path, O_RDONLY | O_CLOEXEC);
	s->pid = pid;
	return 0;
}

/* The name and login uid of s's process into c: 0, or -errno of a read
 * (-ESRCH: the process is gone). */
static int proc_read(const struct caller_proc *s, struct caller *c)
{
	struct audit_actor login = { 0 };
	ssize_t n = pread(s->comm_fd, c->comm, sizeof(c->comm) - 1, 0);
	int rc;

	if (n < 0)
		return -errno;
	/* The kernel ends the name with a newline; one inside it is the
	 * process's own ("cat\nx" is not "cat"), and the log escapes it. */
	if (n > 0 && c->comm[n - 1] == '\n')
		n--;
	c->comm[n] = '\0';
	if (s->login_fd >= 0 && (rc = audit_loginuid_fd(s->login_fd, &login)) < 0)
		return rc;
	c->has_loginuid = login.has_loginuid;
	c->loginuid = login.loginuid;
	return 0;
}

/* c's comm and loginuid through the descriptors cc keeps (the top of this
 * file); without cc, through descriptors of its own. */
static void read_proc(struct caller_cache *cc, struct caller *c)
{
	struct caller_proc own = { .comm_fd = -1, .login_fd = -1 }, *s = NULL, *oldest;
	int rc = -ESRCH;
	size_t i;

	c->comm[0] = '\0';
	c->has_loginuid = 0;
	if (c->pid <= 0)
		return;		/* no process (a request the kernel makes itself) */
	if (!cc) {
		if (proc_open(&own, c->pid) == 0 && proc_read(&own, c) < 0)
			c->comm[0] = '\0';
		proc_close(&own);
		return;
	}
	pthread_mutex_lock(&cc->proc_lock);
	oldest = &cc->procs[0];
	for (i = 0; i < CALLER_PROCS && !s; i++) {
		if (cc->procs[i].pid == c->pid)
			s = &cc->procs[i];
		else if (cc->procs[i].used < oldest->used)
			oldest = &cc->procs[i];
	}
	if (s)
		rc = proc_read(s, c);
	if (rc < 0) {
		/* Not kept, or kept for a process that is gone: the pid's
		 * files now, in its slot or the least recently used one. */
		if (!s)
			s = oldest;
		proc_close(s);
		rc = proc_open(s, c->pid);
		if (rc == 0)
			rc = proc_read(s, c);
	}
	if (rc == 0) {
		s->used = ++cc->proc_tick;
	} else {
		proc_close(s);
		c->comm[0] = '\0';
		c->has_loginuid = 0;
	}
	pthread_mutex_unlock(&cc->proc_lock);
}

void caller_actor(struct caller *c, const struct policy *p, struct audit_actor *a)
{
	if (!c->proc_read) {
		c->proc_read = 1;
		read_proc(c->cc, c);
	}
	a->uid = c->uid;
	a->user = c->user[0] ? c->user : NULL;
	a->level = caller_level_name(c, p);
	a->pid = c->pid;
	a->comm = c->comm[0] ? c->comm : NULL;
	a->has_loginuid = c->has_loginuid;
	a->loginuid = c->loginuid;
}
