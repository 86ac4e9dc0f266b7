/*
 * prefetch.c - a queue of (node, caller) hints and a few worker threads.
 *
 * A hint holds a reference to the snapshot its node is in, dropped once the
 * node is warmed (or the queue is freed).  The workers block on the disk
 * (open, then posix_fadvise WILLNEED, which starts the reads and returns)
 * and spend CPU on X25519 only through the key path (dek_get_via, for the
 * caller that opened, so exactly what it may use).  Each worker reads the
 * seals through a catalog connection of its own, not under cat_lock: cold,
 * that read waits for the disk, and the workers would otherwise wait for
 * one another there and hold up the mount's requests (without it, when the
 * catalog cannot be opened again, a worker takes the mount's connection
 * under cat_lock as dek_get does).
 * With several of them the disk sees several requests at once, where a
 * reader that opens one file after the other would ask for one at a time.
 * Each level keeps the files walked past its last open (ahead), so that
 * the next open of one of them walks on from the end of that window, one
 * step for a reader going file by file, instead of PF_AHEAD again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "caller.h"
#include "dek.h"
#include "prefetch.h"
#include "recfs_i.h"
#include "tree.h"

#define PF_WORKERS 4
#define PF_AHEAD 16		/* files kept asked for ahead of the reader */
#define PF_QUEUE 256		/* hints waiting; more are dropped */
#define PF_SEEN 64		/* per level: files recently asked for */
#define PF_BUDGET 4096		/* tree nodes looked at per open */
#define PF_BYTES BLOB_DIRECT_MIN	/* of each blob: what is read through the page cache */

struct pf_item {
	struct tree *t;			/* a reference, for n */
	const struct tnode *n;
	struct caller c;		/* who opened the file before it */
};

struct pf_level {
	uint64_t last;			/* ino this level opened last */
	uint64_t seen[PF_SEEN];		/* inos asked for, a ring */
	size_t seen_next;
	uint64_t ahead[PF_AHEAD];	/* the files walked past last, in walk order */
	size_t n_ahead;
};

struct pf_worker {
	struct prefetch *p;
	struct catalog *cat;		/* this worker's own, or NULL: the mount's */
};

struct prefetch {
	struct recfs *fs;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pf_item q[PF_QUEUE];	/* protected by lock, a ring */
	size_t head, len;		/* protected by lock */
	struct pf_level levels[POLICY_MAX_LEVELS];	/* protected by lock */
	int stop;			/* protected by lock */
	pthread_t th[PF_WORKERS];
	struct pf_worker w[PF_WORKERS];
	int n_th;
};

/* Ask the disk for the blob's first bytes and unseal its key into the
 * cache; drops the item's snapshot reference. */
static void warm(struct prefetch *p, struct catalog *cat, struct pf_item *it)
{
	struct crypto_key *dek = NULL;
	int dirfd;
	char *path = reg_blob_at(p->fs->reg, it->n->art->id, &dirfd);
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0) {
		(void)posix_fadvise(fd, 0, PF_BYTES, POSIX_FADV_WILLNEED);
		close(fd);
	}
	free(path);
	if (dek_get_via(p->fs, cat, &it->c, it->n, &dek) == 0)
		crypto_key_free(dek);
	tree_unref(it->t);
}

static void *worker(void *arg)
{
	struct pf_worker *w = arg;
	struct prefetch *p = w->p;
	struct pf_item it;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->len && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop)
			break;
		it = p->q[p->head];
		p->head = (p->head + 1) % PF_QUEUE;
		p->len--;
		pthread_mutex_unlock(&p->lock);
		warm(p, w->cat, &it);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int prefetch_new(struct recfs *fs, struct prefetch **out)
{
	struct prefetch *p = xcalloc(1, sizeof(*p));
	char *path = reg_path(fs->reg, "catalog.db");
	int rc = 0, i;

	p->fs = fs;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (i = 0; i < PF_WORKERS; i++) {
		p->w[i].p = p;
		if (catalog_open(path, 0, &p->w[i].cat) < 0) {
			p->w[i].cat = NULL;	/* the mount's, under cat_lock */
			meta_clear_error();
		}
	}
	free(path);
	for (p->n_th = 0; p->n_th < PF_WORKERS; p->n_th++) {
		rc = -pthread_create(&p->th[p->n_th], NULL, worker, &p->w[p->n_th]);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		prefetch_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void prefetch_free(struct prefetch *p)
{
	int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n_th; i++)
		pthread_join(p->th[i], NULL);
	for (; p->len; p->len--, p->head = (p->head + 1) % PF_QUEUE)
		tree_unref(p->q[p->head].t);
	for (i = 0; i < PF_WORKERS; i++)
		catalog_close(p->w[i].cat);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int seen(const struct pf_level *l, uint64_t ino)
{
	size_t i;

	for (i = 0; i < PF_SEEN; i++)
		if (l->seen[i] == ino)
			return 1;
	return 0;
}

/*
 * Where the walk for n goes on: after the last file already walked ahead
 * of the reader when n is one of those (the window before it is dropped),
 * so that a reader going file by file costs one step of the walk per open,
 * not PF_AHEAD.  NULL when n is not in the window or its end is gone from
 * t (a newer snapshot): the walk starts again at n.
 */
static const struct tnode *resume(struct pf_level *l, struct tree *t, const struct tnode *n)
{
	const struct tnode *end;
	size_t i;

	for (i = 0; i < l->n_ahead && l->ahead[i] != n->ino; i++)
		;
	if (i == l->n_ahead)
		return NULL;
	l->n_ahead -= i + 1;
	memmove(l->ahead, l->ahead + i + 1, l->n_ahead * sizeof(l->ahead[0]));
	if (!l->n_ahead)
		return n;
	end = tree_find(t, l->ahead[l->n_ahead - 1]);
	if (!end)
		l->n_ahead = 0;
	return end;
}

void prefetch_opened(struct prefetch *p, struct tree *t, const struct tnode *n, const struct caller *c)
{
	const struct tnode *last, *k;
	struct pf_item *it;
	struct pf_level *l;
	unsigned budget = PF_BUDGET;
	int walk, level = c->level;

	if (!p || level < 0 || level >= POLICY_MAX_LEVELS || !n->art || (n->type != TN_FILE && n->type != TN_WAV))
		return;
	pthread_mutex_lock(&p->lock);
	l = &p->levels[level];
	k = resume(l, t, n);
	walk = k != NULL;
	if (!walk) {
		l->n_ahead = 0;
		k = n;
		walk = seen(l, n->ino);
		if (!walk && l->last && (last = tree_find(t, l->last)))
			walk = tree_next_like(t, last, level, &budget) == n;
	}
	l->last = n->ino;
	while (walk && l->n_ahead < PF_AHEAD && p->len < PF_QUEUE) {
		k = tree_next_like(t, k, level, &budget);
		if (!k)
			break;
		l->ahead[l->n_ahead++] = k->ino;
		if (seen(l, k->ino))
			continue;
		l->seen[l->seen_next++ % PF_SEEN] = k->ino;
		it = &p->q[(p->head + p->len) % PF_QUEUE];
		tree_ref(t);
		it->t = t;
		it->n = k;
		it->c = *c;
		p->len++;
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
}
