/*
 * snapshot.c - the current snapshot of the mount, the poller that patches
 * it and the invalidator that tells the kernel (snapshot.h).
 *
 * The poller polls the catalog every POLL_MS, or at once when a handler
 * kicks it after a change (snapshot_refresh).  When the content version
 * moved, the current snapshot is patched with the catalog's change log
 * (tree_apply), which also says what the kernel may hold stale of the
 * changed nodes; only when the log cannot serve (pruned past the snapshot,
 * a change naming everything) is a snapshot built from scratch, and then
 * the pair (old, new) is diffed as a whole.  The new snapshot replaces the
 * current one under lock, and what the kernel has to be told goes to the
 * invalidator.  The invalidation is a thread of its own because it may
 * block on a directory lock that the kernel holds until a handler replies,
 * and that handler may be waiting in snapshot_refresh for the poller's
 * next pass.  Invariants: s->tree is never NULL between start and stop;
 * pass_done only grows, and a waiter's pass is done only when a pass that
 * started after its kick has finished.
 *
 * Revocation: before a new snapshot is swapped in, the poller revokes
 * every open handle whose level no longer reads its file in it
 * (content_set_revoke) and drops the kernel's attributes and pages of each
 * one's node id itself, so that whoever sees the new snapshot (a handler
 * back from snapshot_refresh, a listing) finds nothing of them cached.
 * notify_inval_inode waits for the pages that READs in flight hold locked;
 * those READs need only a worker and the handle's lock, which the
 * revocation has released, never the poller, so it may wait here (never in
 * a request handler: a READ may wait for that very worker).
 *
 * The levels' groups: a thread of their own looks them up every
 * LEVEL_GIDS_SECONDS (a directory service that hangs holds it, never the
 * poller) and, when a gid moved (found by two looks running: gids.h),
 * drops what the kernel holds of the files whose shown group moved with
 * it (fill_attr works it out at each getattr) and of the root, which a
 * mount of one level shows with its group.  The tree is not built again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "caller.h"
#include "caps.h"
#include "content.h"
#include "dek.h"
#include "gids.h"
#include "recfs_i.h"
#include "snapshot.h"
#include "subuid.h"
#include "testhook.h"
#include "tree.h"
#include "watchdog.h"

#define POLL_MS 200
#define READAHEAD_KB 1024
#define READAHEAD_TRIES 10	/* poller passes; then it is left as it is */
#define REFRESH_WAIT_S 3
#define STOP_WAIT_S 2	/* then a thread stuck in the kernel is freed (snapshot_stop) */
#define LEVEL_GIDS_SECONDS 5
#define POLICY_LOOK_MS 100	/* the policy thread's looks at policy.conf */

/* One invalidation a patch reported: an entry (name set) or an inode. */
struct inval {
	uint64_t id;			/* the parent's node id, or the node id */
	char *name;			/* NULL: an inode */
};

struct inval_list {
	struct inval *v;
	size_t n, cap;
};

/* Work for the invalidator: two snapshots whose difference the kernel has
 * to be told, the invalidations a patch reported (list), or (all NULL)
 * the one node id ino whose cached attributes and pages have to go. */
struct tree_pair {
	struct tree *old, *cur;
	struct inval_list list;
	uint64_t ino;
	struct tree_pair *next;
};

struct snapshot {
	struct recfs *fs;
	struct catalog *cat;		/* the poller's own connection */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct tree *tree;		/* protected by lock */
	uint64_t pass_started;		/* protected by lock */
	uint64_t pass_done;		/* protected by lock */
	int kick;			/* protected by lock */
	int stop;			/* protected by lock */
	struct tree_pair *invals;	/* protected by lock: snapshots to diff */
	pthread_t poller;
	int poller_running;		/* written before the thread starts and after it is joined */
	pthread_t invalidator;
	int invalidator_running;
	pthread_t gids;
	int gids_running;
	int gids_in_nss;		/* protected by lock: the gids thread is in a group lookup */
	char *groups[POLICY_MAX_LEVELS];	/* the levels' groups (NULL: none), the gids thread's */
	size_t n_groups;
	struct gids_settle settle;	/* protected by lock */
	char readahead_path[SNAPSHOT_READAHEAD_PATH];	/* the poller's */
	int readahead_tries;		/* the poller's */
	struct stat policy_looked;	/* protected by lock: policy.conf as it was last looked at */
	pthread_mutex_t policy_lock;	/* one look at policy.conf at a time (policy_look) */
	struct stat policy_seen;	/* protected by policy_lock: what the last look read */
	uint8_t policy_last[CRYPTO_HASH_BYTES];	/* protected by policy_lock: its text's hash */
	int policy_failed;		/* protected by policy_lock: the last look could not read it */
	pthread_t policy;
	int policy_running;
};

struct tree *snapshot_tree(struct snapshot *s)
{
	struct tree *t;

	pthread_mutex_lock(&s->lock);
	t = s->tree;
	tree_ref(t);
	pthread_mutex_unlock(&s->lock);
	return t;
}

int snapshot_policy_moved(struct snapshot *s)
{
	struct stat now;
	int moved;

	if (reg_policy_stat_now(s->fs->reg, &now))
		return 0;	/* the poller says why */
	pthread_mutex_lock(&s->lock);
	moved = !reg_policy_same_stat(&now, &s->policy_looked);
	pthread_mutex_unlock(&s->lock);
	return moved;
}

void snapshot_refresh(struct snapshot *s)
{
	struct timespec ts;
	uint64_t target;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += REFRESH_WAIT_S;
	pthread_mutex_lock(&s->lock);
	if (!s->poller_running) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->kick = 1;
	target = s->pass_started + 1;
	pthread_cond_broadcast(&s->cond);
	while (s->pass_done < target && !s->stop)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&s->lock);
}

static void inval_entry(void *ctx, uint64_t parent, const char *name)
{
	struct recfs *fs = ctx;

	(void)fuse_lowlevel_notify_inval_entry(fs->se, parent, name, strlen(name));
}

static void inval_inode(void *ctx, uint64_t ino)
{
	struct recfs *fs = ctx;

	(void)fuse_lowlevel_notify_inval_inode(fs->se, ino, 0, 0);
}

static void note_inval(struct inval_list *l, uint64_t id, const char *name)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].id = id;
	l->v[l->n].name = name ? xstrdup(name) : NULL;
	l->n++;
}

static void note_entry(void *ctx, uint64_t parent, const char *name)
{
	note_inval(ctx, parent, name);
}

static void note_inode(void *ctx, uint64_t ino)
{
	note_inval(ctx, ino, NULL);
}

static void inval_list_free(struct inval_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void pair_free(struct tree_pair *p)
{
	tree_unref(p->old);
	tree_unref(p->cur);
	inval_list_free(&p->list);
	free(p);
}

static void *invalidator(void *arg)
{
	struct snapshot *s = arg;
	struct tree_pair *p;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->invals && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->stop)
			break;	/* what is queued is snapshot_stop's to free */
		p = s->invals;
		s->invals = p->next;
		pthread_mutex_unlock(&s->lock);
		if (!s->stop && p->cur) {
			tree_diff(p->old, p->cur, inval_entry, inval_inode, s->fs);
		} else if (!s->stop && p->list.n) {
			for (size_t i = 0; i < p->list.n && !s->stop; i++)
				if (p->list.v[i].name)
					inval_entry(s->fs, p->list.v[i].id, p->list.v[i].name);
				else
					inval_inode(s->fs, p->list.v[i].id);
		} else if (!s->stop && p->ino) {
			inval_inode(s->fs, p->ino);
		}
		pair_free(p);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/*
 * The kernel reads ahead of a FUSE file in 128 KiB by default; 1 MiB lets a
 * sequential read come in fewer, larger requests (about 9 % more
 * throughput here).  It is a setting of the mount's backing device in
 * sysfs, which only root may change, and which the kernel lowers again when
 * it takes the INIT reply: so the path is found at mount (main.c) and the
 * poller writes it once INIT is done, checking on its next passes that it
 * stayed.
 */
void snapshot_readahead_path(unsigned major, unsigned minor, char *path, size_t len)
{
	snprintf(path, len, "/sys/class/bdi/%u:%u/read_ahead_kb", major, minor);
}

static void readahead_pass(struct snapshot *s)
{
	char buf[32] = "";
	ssize_t n;
	int fd, len;

	if (!s->readahead_path[0] || s->readahead_tries >= READAHEAD_TRIES ||
	    !__atomic_load_n(&s->fs->inited, __ATOMIC_ACQUIRE))
		return;
	s->readahead_tries++;
	fd = open(s->readahead_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		s->readahead_tries = READAHEAD_TRIES;	/* not root: keep the default */
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0 && atoi(buf) >= READAHEAD_KB) {
		s->readahead_tries = READAHEAD_TRIES;	/* set, and it stayed */
	} else {
		len = snprintf(buf, sizeof(buf), "%d", READAHEAD_KB);
		if (pwrite(fd, buf, (size_t)len, 0) < 0)
			s->readahead_tries = READAHEAD_TRIES;
	}
	close(fd);
}

/* Node ids of the handles revoked in one pass, whose pages go next. */
struct revoked_ids {
	uint64_t *ids;
	size_t n, cap;
};

static void note_revoked(void *ctx, uint64_t nodeid)
{
	struct revoked_ids *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->ids = xrealloc(r->ids, r->cap * sizeof(*r->ids));
	}
	r->ids[r->n++] = nodeid;
}

/* Append work for the invalidator (ino, the pair old/cur, or list, which
 * it takes over).  Under s->lock. */
static void queue_locked(struct snapshot *s, struct tree *old, struct tree *cur, struct inval_list *list,
			 uint64_t ino)
{
	struct tree_pair *p = xcalloc(1, sizeof(*p)), **pp;

	p->old = old;
	p->cur = cur;
	p->ino = ino;
	if (list) {
		p->list = *list;
		*list = (struct inval_list){ 0 };
	}
	for (pp = &s->invals; *pp; pp = &(*pp)->next)
		;
	*pp = p;
	pthread_cond_broadcast(&s->cond);
}

void snapshot_inval_inode(struct snapshot *s, uint64_t nodeid)
{
	pthread_mutex_lock(&s->lock);
	if (s->invalidator_running && !s->stop)
		queue_locked(s, NULL, NULL, NULL, nodeid);
	pthread_mutex_unlock(&s->lock);
}

/*
 * The policy that `recctl policy apply` put in the register since the
 * mount started, if any, lowers the callers' levels (caller_cache_set_newer);
 * a stat of policy.conf, and it is read only when that changed.  Returns
 * whether it could not be read (failed: whether that was said already).
 */
static int look_at_policy(struct recfs *fs, struct stat *seen, uint8_t last[CRYPTO_HASH_BYTES], int failed)
{
	struct policy *newer = NULL;
	int rc = reg_policy_newer(fs->reg, seen, last, &newer);

	if (rc < 0) {
		if (!failed)
			recfs_log(LOG_ERR, "recfs: cannot read the register's policy again: %s; callers keep the levels "
				  "they had", meta_errmsg());
		meta_clear_error();
		return 1;
	}
	if (rc == 0)
		return 0;	/* unchanged, or the same text touched or written again */
	caller_cache_set_newer(fs->callers, newer);
	if (newer)
		recfs_log(LOG_WARNING, "recfs: the register's policy changed (recctl policy apply): until this "
			  "mount is restarted, a caller keeps only a level both policies give them, and the "
			  "rights level's actions are refused");
	else
		recfs_log(LOG_NOTICE, "recfs: the register's policy is again the one this mount started with");
	return 0;
}

/*
 * Look at policy.conf: read it again when it moved since the last look
 * (or force), and take a newer policy for the callers (look_at_policy);
 * then policy_looked says it was looked at.  A file touched, linked
 * (a backup by hard links) or written again with the same text is read,
 * found the same, and changes nothing.  The poller, the policy thread and
 * an open (snapshot_policy_look) call it, one at a time.
 */
static void policy_look(struct snapshot *s, int force)
{
	struct stat now;
	int have;

	pthread_mutex_lock(&s->policy_lock);
	have = reg_policy_stat_now(s->fs->reg, &now) == 0;
	if (force || (have && !reg_policy_same_stat(&now, &s->policy_seen)))
		s->policy_failed = look_at_policy(s->fs, &s->policy_seen, s->policy_last, s->policy_failed);
	if (have) {
		/* Looked at now, or (not moved) before; a text written since
		 * this stat is the next look's. */
		pthread_mutex_lock(&s->lock);
		s->policy_looked = now;
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&s->policy_lock);
}

void snapshot_policy_look(struct snapshot *s)
{
	policy_look(s, 0);
}

/*
 * Look at policy.conf every POLICY_LOOK_MS, whatever the poller is doing:
 * a pass that builds the tree whole (about 10 s at a million recordings)
 * kept a policy applied meanwhile from the callers' levels, so that a user
 * taken out of a level still listed its folders and read its subjects'
 * names (atk70 P3; an open was decided so too, atk67 G3).  A stat each
 * time; the file is read only when it moved.
 */
static void *policy_watch(void *arg)
{
	struct snapshot *s = arg;
	struct timespec ts;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		util_deadline_ms(&ts, POLICY_LOOK_MS);
		while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		policy_look(s, 0);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/*
 * Poll the catalog every POLL_MS (or at once when kicked), patch (or
 * rebuild) on a change, swap, wake the waiters, and hand what the kernel
 * has to be told to the invalidator (see the top of this file).
 */
static void *poller(void *arg)
{
	struct snapshot *s = arg;
	struct recfs *fs = s->fs;
	struct tree *cur, *next, *old;
	struct revoked_ids revoked = { 0 };
	struct inval_list list = { 0 };
	struct timespec ts;
	uint64_t pass;
	size_t i;
	int64_t v, seen_dv = -1;
	int rc, failed = 0, whole = 0, delay;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (!s->kick && !s->stop) {
			util_deadline_ms(&ts, POLL_MS);
			pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		}
		if (s->stop)
			break;
		readahead_pass(s);
		recfs_refusals_flush(fs);
		s->kick = 0;
		pass = ++s->pass_started;
		cur = s->tree;
		tree_ref(cur);
		pthread_mutex_unlock(&s->lock);
		/* /etc/subuid's stat, at most once a second (subuid.h):
		 * the cache of owners is emptied when the file changed */
		(void)subuid_watch_look(fs->subuids, caps_now());

		/* data_version is free to read and moves with any commit by
		 * another connection; only then look at the content version,
		 * which audit writes leave alone. */
		next = NULL;
		/* policy apply writes the catalog too: a moved catalog has
		 * policy.conf looked at as well (read when its stat moved). */
		rc = catalog_data_version(s->cat, &v);
		policy_look(s, rc == 0 && v != seen_dv);
		if (rc == 0 && v != seen_dv) {
			int64_t cv;

			rc = catalog_content_version(s->cat, &cv);
			if (rc == 0 && cv != cur->content_version) {
				/* Seals may be gone (erasure, restriction): no
				 * cached data key may outlive them. */
				dek_forget_seals(fs->deks);
				whole = 0;
				rc = tree_apply(cur, s->cat, fs->reg->policy, note_entry, note_inode,
						&list, &next);
				if (rc == -ESTALE) {
					/* The log cannot say: build it whole, diff it whole. */
					inval_list_free(&list);
					whole = 1;
					rc = tree_build(s->cat, fs->reg->policy, fs->notice_len,
							&next);
				}
				if (rc == 0 && next == cur) {
					tree_unref(next);	/* nothing the mount shows changed */
					next = NULL;
				}
				if (rc < 0)
					inval_list_free(&list);
				/* Before the swap: once a handler can see the
				 * new snapshot, no handle it took away reads. */
				if (next && fs->open && content_set_revoke(fs->open, next, note_revoked, &revoked))
					recfs_log(LOG_INFO, "recfs: %zu open file(s) revoked by a restriction, an erasure or a policy change",
						  revoked.n);
				for (i = 0; i < revoked.n; i++)
					inval_inode(fs, revoked.ids[i]);
				revoked.n = 0;
			}
			if (rc == 0)
				seen_dv = v;
		}
		if (rc < 0 && !failed)
			recfs_log(LOG_ERR, "recfs: cannot reread the catalog: %s",
				  meta_strerror(rc));
		failed = rc < 0;

		/* The test build's delay (testhook.h): an unmount now finds
		 * the poller with work in hand (test_stop_pending.sh). */
		if (next && (delay = test_hook_ms("RECFS_TEST_SWAP_DELAY_MS")) > 0) {
			recfs_log(LOG_NOTICE, "recfs: test hook: a new snapshot waits %d ms", delay);
			usleep((useconds_t)delay * 1000);
			recfs_log(LOG_NOTICE, "recfs: test hook: the new snapshot goes in");
		}
		pthread_mutex_lock(&s->lock);
		old = NULL;
		if (next) {
			old = s->tree;
			s->tree = next;
			if (whole) {
				tree_ref(next);
				queue_locked(s, cur, next, NULL, 0);
				cur = NULL;
			} else if (list.n) {
				queue_locked(s, NULL, NULL, &list, 0);
			}
		}
		s->pass_done = pass;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);

		tree_unref(old);
		tree_unref(cur);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	free(revoked.ids);
	inval_list_free(&list);
	return NULL;
}

/* inval_inode for tree_each_gid_moved, until the snapshot stops (looked
 * at under the lock every 4,096 node ids). */
struct gids_walk {
	struct snapshot *s;
	unsigned n;
};

static int gids_inval(void *ctx, uint64_t ino)
{
	struct gids_walk *w = ctx;
	int stop = 0;

	if ((++w->n & 4095) == 0) {
		pthread_mutex_lock(&w->s->lock);
		stop = w->s->stop;
		pthread_mutex_unlock(&w->s->lock);
	}
	if (!stop)
		inval_inode(w->s->fs, ino);
	return stop;
}

/*
 * Look the levels' groups up every LEVEL_GIDS_SECONDS; a gid that two
 * looks running found moved (gids.h) is stored, logged, and what the
 * kernel holds of the files that show it dropped.  The lookups use the
 * group names copied at start and touch nothing of fs: when one does not
 * return at stop, the thread is left behind (snapshot_stop), and once it
 * returns it finds the stop flag and ends.
 */
static void *gids_watch(void *arg)
{
	struct snapshot *s = arg;
	struct recfs *fs = s->fs;
	const struct policy *p = fs->reg->policy;
	gid_t found[POLICY_MAX_LEVELS], shown[POLICY_MAX_LEVELS];
	uint32_t known, moved, own;
	struct timespec ts;
	struct tree *t;
	size_t i;
	int rc;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += LEVEL_GIDS_SECONDS;
		while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		s->gids_in_nss = 1;
		pthread_mutex_unlock(&s->lock);
		known = 0;
		for (i = 0; i < s->n_groups; i++) {
			rc = util_group_gid(s->groups[i], &found[i]);
			if (rc == -ENOENT)
				found[i] = 0;
			if (rc == 0 || rc == -ENOENT)
				known |= 1u << i;
		}
		pthread_mutex_lock(&s->lock);
		s->gids_in_nss = 0;
		if (s->stop)
			break;	/* fs may be going */
		for (i = 0; i < s->n_groups; i++)
			shown[i] = recfs_level_gid(fs, i);
		moved = gids_settle(&s->settle, shown, found, known, s->n_groups);
		own = 0;
		for (i = 0; i < s->n_groups; i++) {
			if (moved & (1u << i)) {
				__atomic_store_n(&fs->level_gid[i], found[i], __ATOMIC_RELAXED);
				if (found[i])
					recfs_log(LOG_NOTICE, "recfs: level %s's group %s is gid %u now: its files show it",
						  p->levels[i].name, p->levels[i].group, (unsigned)found[i]);
				else
					recfs_log(LOG_NOTICE,
						  "recfs: level %s's group %s is gone: its files show the group of the "
						  "lowest level that reads each, root's where that level has none",
						  p->levels[i].name, p->levels[i].group);
			}
			if (recfs_level_gid(fs, i))
				own |= 1u << i;
		}
		if (!moved)
			continue;
		t = s->tree;
		tree_ref(t);
		pthread_mutex_unlock(&s->lock);
		{
			struct gids_walk w = { s, 0 };

			if (fs->level >= 0)
				inval_inode(fs, TREE_ROOT_INO);
			(void)tree_each_gid_moved(t, moved, own, fs->level >= 0 ? (int)tree_view(fs->level) : -1,
						  gids_inval, &w);
		}
		tree_unref(t);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int snapshot_start(struct recfs *fs, const char *readahead_path, struct snapshot **out)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	char *path = NULL;
	int rc;

	if (!s)
		return -ENOMEM;
	s->fs = fs;
	snprintf(s->readahead_path, sizeof(s->readahead_path), "%s", readahead_path ? readahead_path : "");
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_mutex_init(&s->policy_lock, NULL);
	path = reg_path(fs->reg, "catalog.db");
	rc = catalog_open(path, 0, &s->cat);
	if (rc < 0)
		goto out;
	rc = tree_build(s->cat, fs->reg->policy, fs->notice_len, &s->tree);
	if (rc < 0)
		goto out;
	/* What the mount's policy was read from (reg_open): the first look
	 * starts from there. */
	reg_policy_stat(fs->reg, &s->policy_seen, s->policy_last);
	s->policy_looked = s->policy_seen;
	rc = -pthread_create(&s->invalidator, NULL, invalidator, s);
	if (rc < 0)
		goto out;
	s->invalidator_running = 1;
	rc = -pthread_create(&s->poller, NULL, poller, s);
	if (rc < 0)
		goto out;
	s->poller_running = 1;
	for (size_t i = 0; i < fs->reg->policy->n_levels && i < POLICY_MAX_LEVELS; i++)
		s->groups[s->n_groups++] = fs->reg->policy->levels[i].group ? xstrdup(fs->reg->policy->levels[i].group)
									 : NULL;
	rc = -pthread_create(&s->gids, NULL, gids_watch, s);
	if (rc < 0)
		goto out;
	s->gids_running = 1;
	rc = -pthread_create(&s->policy, NULL, policy_watch, s);
	if (rc < 0)
		goto out;
	s->policy_running = 1;
	*out = s;
	s = NULL;
out:
	snapshot_stop(s);
	free(path);
	return rc;
}

/*
 * Stop and join one of the threads.  The session loop has ended by now, so
 * a request still queued in the kernel is never answered; the invalidator
 * may be waiting for the directory lock such a request holds (an unlink's)
 * and would never return.  If it has not ended after STOP_WAIT_S, the
 * connection is aborted (watchdog.h), which ends those requests and frees
 * it.  libfuse then leaves the mount to the administrator (fuse_kern_unmount
 * takes an aborted connection for an unmounted one): a dead mount that
 * umount clears, rather than a stop that never ends.  A thread that is in
 * a group lookup then (*in_nss, under the lock: the gids thread's) is left
 * behind instead, and 0 returned: the caller must not free s.
 */
static int join(struct snapshot *s, pthread_t th, int *running, const int *in_nss)
{
	struct timespec ts;
	int stuck_in_nss;

	if (!*running)
		return 1;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += STOP_WAIT_S;
	if (pthread_timedjoin_np(th, NULL, &ts) != 0) {
		pthread_mutex_lock(&s->lock);
		stuck_in_nss = in_nss && *in_nss;
		pthread_mutex_unlock(&s->lock);
		if (stuck_in_nss) {
			recfs_log(LOG_WARNING, "recfs: a look-up of the levels' groups has not returned at stop; "
					       "left behind");
			return 0;
		}
		recfs_log(LOG_WARNING, "recfs: a thread is stuck in the kernel at stop; aborting the connection");
		watchdog_abort(s->fs->wd);
		pthread_join(th, NULL);
	}
	*running = 0;
	return 1;
}

void snapshot_stop(struct snapshot *s)
{
	if (!s)
		return;
	/* Both threads see the one stop flag.  The invalidator ends at it
	 * without telling the kernel what is queued, and the poller may still
	 * queue its last pass's work after that: the queue is freed here,
	 * once both are joined, and only here. */
	join(s, s->poller, &s->poller_running, NULL);
	join(s, s->invalidator, &s->invalidator_running, NULL);
	join(s, s->policy, &s->policy_running, NULL);
	if (!join(s, s->gids, &s->gids_running, &s->gids_in_nss))
		return;	/* left behind, with s (it ends at the stop flag) */
	for (size_t i = 0; i < s->n_groups; i++)
		free(s->groups[i]);
	while (s->invals) {
		struct tree_pair *p = s->invals;

		s->invals = p->next;
		pair_free(p);
	}
	/* The last tree is left to exit(): freeing it object by object took
	 * 22 s at a million recordings (seven million objects, each a cache
	 * miss), while the mount was still up and served nothing (main.c
	 * unmounts after this).  A build with AddressSanitizer frees it, so
	 * that its leak check still sees everything else. */
#if UTIL_ASAN
	tree_unref(s->tree);
#endif
	if (s->cat)
		catalog_close(s->cat);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->policy_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
