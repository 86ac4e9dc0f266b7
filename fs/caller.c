/*
 * caller.c - uid -> user name and policy level, cached.
 *
 * Every request asks who its caller is, so the answer is cached per uid for
 * CALLER_TTL seconds in a small direct-mapped table; a stale entry costs at
 * most that long after a group change.  Group names of the policy levels
 * are resolved on each miss, so a group created after the mount counts.
 * The level is the highest one the user belongs to: levels are in policy
 * order, lowest first.
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
	pthread_mutex_t lock;
	struct caller_slot slots[CALLER_SLOTS];	/* protected by lock */
};

int caller_cache_new(const struct policy *p, struct caller_cache **out)
{
	struct caller_cache *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return -ENOMEM;
	cc->p = p;
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

static int group_gid(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (!name || getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	*gid = res->gr_gid;
	return 0;
}

/* The level of user (primary group gid); -1 for none. */
static int resolve_level(const struct policy *p, const char *user, uid_t uid, gid_t gid)
{
	gid_t *groups = NULL;
	int ngroups = 32, level = -1, i, j;
	size_t k;

	if (!*user)
		return -1;
	for (;;) {
		gid_t *g = realloc(groups, (size_t)ngroups * sizeof(*groups));
		int n = ngroups;

		if (!g)
			goto out;
		groups = g;
		if (getgrouplist(user, gid, groups, &n) >= 0) {
			ngroups = n;
			break;
		}
		if (n <= ngroups)
			goto out;
		ngroups = n;
	}
	for (i = (int)p->n_levels - 1; i >= 0 && level < 0; i--) {
		const struct policy_level *l = &p->levels[i];
		gid_t lg;

		for (k = 0; k < l->n_users; k++)
			if (!strcmp(l->users[k], user))
				level = i;
		/* Root is an operator: group membership gives it no level. */
		if (level >= 0 || uid == 0 || group_gid(l->group, &lg) < 0)
			continue;
		for (j = 0; j < ngroups; j++)
			if (groups[j] == lg)
				level = i;
	}
out:
	free(groups);
	return level;
}

void caller_get(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c)
{
	struct caller_slot *s = &cc->slots[uid % CALLER_SLOTS];
	time_t now = time(NULL);
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t pgid = gid;

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

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
		snprintf(c->user, sizeof(c->user), "%s", res->pw_name);
		pgid = res->pw_gid;
	}
	c->level = resolve_level(cc->p, c->user, uid, pgid);

	pthread_mutex_lock(&cc->lock);
	s->used = 1;
	s->uid = uid;
	s->expires = now + CALLER_TTL;
	s->level = c->level;
	s->gid = pgid;
	memcpy(s->user, c->user, sizeof(s->user));
	pthread_mutex_unlock(&cc->lock);
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
