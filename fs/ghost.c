/*
 * ghost.c - the ghosts of erased names (ghost.h): a ring of GHOST_MAX
 * entries, each (ino, uid, expiry, attributes).  Erasures through the
 * mount are rare and a ghost is looked up only after a name is not in the
 * snapshot, so a linear scan is enough.  A slot whose ino is 0 is empty
 * (no node has ino 0).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ghost.h"

#define GHOST_MAX 256

struct ghost {
	uint64_t ino;
	uid_t uid;
	time_t expires;
	struct stat st;
};

struct ghosts {
	pthread_mutex_t lock;
	time_t ttl;
	struct ghost ring[GHOST_MAX];	/* protected by lock */
	size_t next;			/* protected by lock */
};

int ghosts_new(time_t ttl, struct ghosts **out)
{
	struct ghosts *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	g->ttl = ttl;
	pthread_mutex_init(&g->lock, NULL);
	*out = g;
	return 0;
}

void ghosts_free(struct ghosts *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void ghosts_add(struct ghosts *g, uid_t uid, const struct stat *st)
{
	struct ghost *e;

	pthread_mutex_lock(&g->lock);
	e = &g->ring[g->next++ % GHOST_MAX];
	e->ino = st->st_ino;
	e->uid = uid;
	e->expires = time(NULL) + g->ttl;
	e->st = *st;
	pthread_mutex_unlock(&g->lock);
}

/* The work of find and take. */
static int lookup(struct ghosts *g, uint64_t ino, uid_t uid, struct stat *st, int take)
{
	time_t now = time(NULL);
	int found = 0;
	size_t i;

	if (!ino)
		return 0;
	pthread_mutex_lock(&g->lock);
	for (i = 0; i < GHOST_MAX; i++) {
		struct ghost *e = &g->ring[i];

		if (e->ino != ino || e->uid != uid || e->expires <= now)
			continue;
		if (st)
			*st = e->st;
		if (take)
			e->ino = 0;
		found = 1;
		break;
	}
	pthread_mutex_unlock(&g->lock);
	return found;
}

int ghosts_find(struct ghosts *g, uint64_t ino, uid_t uid, struct stat *st)
{
	return lookup(g, ino, uid, st, 0);
}

int ghosts_take(struct ghosts *g, uint64_t ino, uid_t uid)
{
	return lookup(g, ino, uid, NULL, 1);
}
