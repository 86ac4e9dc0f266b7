/*
 * subuid.c - the limit key of a uid: the owner libsubid gives for it, or
 * the uid itself (subuid.h).
 *
 * Two locks: lock guards the cache (a hit takes only it), lib_lock
 * serializes libsubid (global state: its open database, its NSS handle,
 * getpwnam).  A miss asks libsubid under lib_lock alone, so a slow lookup
 * (an NSS module) never holds up the hits of other callers, and puts the
 * answer in the cache only if the cache was not emptied for a change of
 * the file meanwhile (gen).
 */
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <shadow/subid.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "subuid.h"

struct slot {
	uid_t uid;
	uid_t key;
	int used;
};

/* An owner's range (subid_get_uid_ranges), every uid of it that owner's. */
struct range {
	uid_t start;
	unsigned long count;
	uid_t key;
};

struct subuid_watch {
	char *path;
	subuid_owners_fn owners;
	subuid_log_fn log;
	pthread_mutex_t lib_lock;	/* libsubid, one call at a time */
	pthread_mutex_t lock;
	/* protected by lock */
	struct slot *slot;		/* SUBUID_CACHE_SLOTS */
	size_t n;			/* used slots */
	struct range range[SUBUID_RANGES_MAX];	/* the ranges of owners looked up */
	size_t n_range;
	uint64_t gen;			/* moves when the file changed */
	int logged;			/* a failed lookup was logged since gen moved */
	uint64_t lookups;
	/* the looker's (subuid_watch_look: one thread at a time, look_lock) */
	pthread_mutex_t look_lock;
	int64_t looked;			/* INT64_MIN: never */
	int64_t emptied;		/* the look that last emptied the cache */
	int have_seen;			/* seen is the file's stat at the last look */
	struct stat seen;
};

int subuid_lib_init(const char *progname)
{
	return subid_init(progname, NULL) ? 0 : -1;
}

int subuid_lib_owners(uid_t uid, uid_t **owners)
{
	return subid_get_uid_owners(uid, owners);
}

static size_t hash(uid_t uid)
{
	return (size_t)(((uint32_t)uid * 2654435761u) >> 20) & (SUBUID_CACHE_SLOTS - 1);
}

/* The slot of uid, or the empty one where it would go.  Under lock. */
static struct slot *find(struct subuid_watch *w, uid_t uid)
{
	size_t i = hash(uid);

	/* never full (n <= SUBUID_CACHE_MAX < SUBUID_CACHE_SLOTS): ends */
	while (w->slot[i].used && w->slot[i].uid != uid)
		i = (i + 1) & (SUBUID_CACHE_SLOTS - 1);
	return &w->slot[i];
}

/* Under lock. */
static void empty(struct subuid_watch *w)
{
	memset(w->slot, 0, SUBUID_CACHE_SLOTS * sizeof(*w->slot));
	w->n = 0;
	w->n_range = 0;
}

/* The owner of a range kept that holds uid, or (uid_t)-1.  Under lock. */
static uid_t range_key(const struct subuid_watch *w, uid_t uid)
{
	for (size_t i = 0; i < w->n_range; i++)
		if (uid >= w->range[i].start && uid - w->range[i].start < w->range[i].count)
			return w->range[i].key;
	return (uid_t)-1;
}

/* The ranges of owner (libsubid's, by the owner's name) into r, at most
 * max: how many, 0 when none or on error.  Under lib_lock. */
static size_t owner_ranges(uid_t owner, struct range *r, size_t max)
{
	struct passwd pw, *res = NULL;
	struct subid_range *got = NULL;
	char buf[4096];
	size_t k = 0;
	int n;

	if (getpwuid_r(owner, &pw, buf, sizeof(buf), &res) || !res)
		return 0;
	n = subid_get_uid_ranges(pw.pw_name, &got);
	for (int i = 0; got && i < n && k < max; i++) {
		r[k].start = (uid_t)got[i].start;
		r[k].count = got[i].count;
		r[k].key = owner;
		k += got[i].start == (unsigned long)r[k].start;
	}
	free(got);
	return k;
}

int subuid_watch_new(const char *path, subuid_owners_fn owners, subuid_log_fn log, struct subuid_watch **out)
{
	struct subuid_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->slot = calloc(SUBUID_CACHE_SLOTS, sizeof(*w->slot));
	if (!w->path || !w->slot) {
		free(w->path);
		free(w->slot);
		free(w);
		return -ENOMEM;
	}
	w->owners = owners ? owners : subuid_lib_owners;
	w->log = log;
	pthread_mutex_init(&w->lib_lock, NULL);
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->look_lock, NULL);
	w->looked = INT64_MIN;
	w->have_seen = stat(w->path, &w->seen) == 0;
	*out = w;
	return 0;
}

void subuid_watch_free(struct subuid_watch *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->lib_lock);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->look_lock);
	free(w->slot);
	free(w->path);
	free(w);
}

static int same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int subuid_watch_look(struct subuid_watch *w, int64_t now)
{
	struct stat st;
	int have, changed, rc = 0;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->look_lock);
	if (w->looked != INT64_MIN && now >= w->looked && now - w->looked < SUBUID_LOOK) {
		pthread_mutex_unlock(&w->look_lock);
		return 0;
	}
	if (w->looked == INT64_MIN)
		w->emptied = now;
	w->looked = now;
	/* an error other than ENOENT (EACCES, EIO) counts as no file: the
	 * lookups fail then, as they would */
	memset(&st, 0, sizeof(st));
	have = stat(w->path, &st) == 0;
	changed = have != w->have_seen || (have && !same_stat(&st, &w->seen));
	w->have_seen = have;
	if (have)
		w->seen = st;
	if (changed || now < w->emptied || now - w->emptied >= SUBUID_TTL) {
		pthread_mutex_lock(&w->lock);
		empty(w);
		if (changed) {
			w->gen++;
			w->logged = 0;
		}
		pthread_mutex_unlock(&w->lock);
		w->emptied = now;
		rc = 1;
	}
	pthread_mutex_unlock(&w->look_lock);
	return rc;
}

uid_t subuid_watch_key(struct subuid_watch *w, uid_t uid)
{
	struct slot *s;
	struct range got[8];
	size_t n_got = 0;
	uid_t key, *owners = NULL;
	uint64_t gen;
	int n, logit = 0;

	if (!w)
		return uid;
	pthread_mutex_lock(&w->lock);
	s = find(w, uid);
	if (s->used || (key = range_key(w, uid)) != (uid_t)-1) {
		key = s->used ? s->key : key;
		pthread_mutex_unlock(&w->lock);
		return key;
	}
	key = uid;
	gen = w->gen;
	pthread_mutex_unlock(&w->lock);

	pthread_mutex_lock(&w->lib_lock);
	n = w->owners(uid, &owners);
	/* One owner: its ranges too, so that the next uids of them are no
	 * lookups each (atk44 F2: a user's flood of distinct subordinate
	 * uids, each reading the file under this lock); by libsubid only */
	if (n == 1 && owners && owners[0] != uid && w->owners == subuid_lib_owners)
		n_got = owner_ranges(owners[0], got, sizeof(got) / sizeof(got[0]));
	pthread_mutex_unlock(&w->lib_lock);
	/* several owners: the smallest uid, whichever the file names first */
	for (int i = 0; owners && i < n; i++)
		if (i == 0 || owners[i] < key)
			key = owners[i];
	free(owners);
	if (key == (uid_t)-1)
		key = uid;

	pthread_mutex_lock(&w->lock);
	if (w->gen == gen) {
		if (w->n_range + n_got > SUBUID_RANGES_MAX)
			w->n_range = 0;
		for (size_t i = 0; i < n_got && w->n_range < SUBUID_RANGES_MAX; i++)
			w->range[w->n_range++] = got[i];
	}
	w->lookups++;
	if (n < 0 && !w->logged)
		logit = w->logged = 1;
	if (w->gen == gen) {
		if (w->n >= SUBUID_CACHE_MAX)
			empty(w);
		s = find(w, uid);
		if (!s->used) {
			s->used = 1;
			s->uid = uid;
			s->key = key;
			w->n++;
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (logit && w->log)
		w->log(LOG_WARNING, "recfs: the owner of uid %u in %s could not be looked up (libsubid: the file "
		       "missing or unreadable, a name in it that no user has, or the subid module of "
		       "nsswitch.conf failed): it counts as itself; logged once until the file changes",
		       (unsigned)uid, w->path);
	return key;
}

void subuid_watch_stats(struct subuid_watch *w, size_t *cached, uint64_t *lookups)
{
	pthread_mutex_lock(&w->lock);
	*cached = w->n;
	*lookups = w->lookups;
	pthread_mutex_unlock(&w->lock);
}
