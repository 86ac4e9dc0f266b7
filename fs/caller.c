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

struct caller_cache {
	const struct policy *p;
	int serve_level;		/* -1: every level; set before the mount serves */
	pthread_mutex_t lock;
	struct caller_slot slots[CALLER_SLOTS];	/* protected by lock */
};

int caller_cache_new(const struct policy *p, struct caller_cache **out)
{
	struct caller_cache *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return -ENOMEM;
	cc->p = p;
	cc->serve_level = -1;
	pthread_mutex_init(&cc->lock, NULL);
	*out = cc;
	return 0;
}

void caller_cache_free(struct caller_cache *cc)
{
	if (!cc)
		return;
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}

/*
 * getpwuid_r's and getgrnam_r's "not found": 0 with no result, or one of
 * the codes getpwnam(3) lists for it.  Anything else is a failure.
 */
static int not_found(int rc)
{
	return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
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

/* 0 (*gid set), -ENOENT (no such group), or -errno when it cannot be told. */
static int group_gid(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int rc;

	if (!name)
		return -ENOENT;
	rc = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (!res)
		return not_found(rc) ? -ENOENT : -rc;
	*gid = res->gr_gid;
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
		grc = group_gid(l->group, &lg);
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
		memcpy(c->user, s->user, sizeof(c->user));
		pthread_mutex_unlock(&cc->lock);
		return;
	}
	pthread_mutex_unlock(&cc->lock);

	rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);
	if (res) {
		snprintf(c->user, sizeof(c->user), "%s", res->pw_name);
		pgid = res->pw_gid;
		rc = resolve_level(cc->p, c->user, uid, pgid, &c->level);
	} else {
		rc = not_found(rc) ? 0 : -rc;
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
			memcpy(c->user, s->user, sizeof(c->user));
			s->expires = now + CALLER_RETRY;
		} else {
			c->level = -1;
		}
		pthread_mutex_unlock(&cc->lock);
		return;
	}
	s->used = 1;
	s->uid = uid;
	s->expires = now + CALLER_TTL;
	s->level = c->level;
	s->gid = pgid;
	memcpy(s->user, c->user, sizeof(s->user));
	pthread_mutex_unlock(&cc->lock);
}

void caller_get(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c)
{
	own_level(cc, uid, gid, pid, c);
	serve_level(cc, c);
}

const char *caller_level_name(const struct caller *c, const struct policy *p)
{
	if (c->level < 0 || (size_t)c->level >= p->n_levels)
		return NULL;
	return p->levels[c->level].name;
}

void caller_actor(struct caller *c, const struct policy *p, struct audit_actor *a)
{
	char path[64];
	ssize_t n;
	int fd;

	if (!c->proc_read) {
		struct audit_actor login = { 0 };

		c->proc_read = 1;
		audit_loginuid(c->pid, &login);
		c->has_loginuid = login.has_loginuid;
		c->loginuid = login.loginuid;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)c->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, c->comm, sizeof(c->comm) - 1);
			close(fd);
			if (n > 0) {
				c->comm[n] = '\0';
				c->comm[strcspn(c->comm, "\n")] = '\0';
			} else {
				c->comm[0] = '\0';
			}
		}
	}
	a->uid = c->uid;
	a->user = c->user[0] ? c->user : NULL;
	a->level = caller_level_name(c, p);
	a->pid = c->pid;
	a->comm = c->comm[0] ? c->comm : NULL;
	a->has_loginuid = c->has_loginuid;
	a->loginuid = c->loginuid;
}
