/*
 * caps.c - counting open files, WAV decoders and open folders per uid and
 * per mount.
 *
 * One mutex guards the totals and a small hash of per-uid entries.  An
 * entry lives while its uid holds something, and a little longer when it
 * was refused (it remembers when it was last reported, so that a flood of
 * refusals makes one line a minute, not one per open); entries that hold
 * nothing and were not reported within CAPS_LOG_PERIOD are dropped when
 * their uid releases or is refused again, so the table never outgrows the
 * uids that hold files or were refused (caps_report_due: a level mount's
 * refusals share this memory).  Invariants, under lock: the totals are the sums of
 * the entries' counts; no count exceeds its limit.
 *
 * The housekeeping thread (caps_start) sleeps on a condition variable, so
 * caps_stop wakes and joins it at once.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <sodium.h>

#include "caps.h"

#define CAPS_BUCKETS 256

struct caps_uid {
	struct caps_uid *next;
	uid_t uid;
	unsigned handles, decoders, dirs;
	int64_t reported;	/* caps_acquire's now at the last report; INT64_MIN: never */
	int64_t refused_sec;	/* the second of refused_n (caps_refusal_due); INT64_MIN: none */
	unsigned refused_n;	/* refusals logged one by one in it, within the budget */
	/* the names of its refusals in it, one budget per kind (caps_name):
	 * their count and keys (access_key) */
	unsigned named_n[CAPS_NAME_KINDS];
	uint64_t named[CAPS_NAME_KINDS][CAPS_REFUSALS_PER_SEC];
	struct caps_held held;	/* refusals counted and not yet reported */
};

struct caps {
	struct caps_limits lim;		/* read-only after caps_new */
	caps_log_fn log;
	pthread_mutex_t lock;
	unsigned handles, decoders, dirs;	/* protected by lock */
	unsigned released;		/* protected by lock: releases since the last tick */
	struct caps_uid *bucket[CAPS_BUCKETS];	/* protected by lock */
	uint8_t access_key[crypto_shorthash_KEYBYTES];	/* read-only after caps_new */

	/* housekeeping (caps_start) */
	unsigned (*idle)(int64_t now);
	pthread_t thread;
	int running;			/* the thread exists (caps_start .. caps_stop) */
	int stop;			/* protected by lock */
	pthread_cond_t wake;		/* with lock */
};

int64_t caps_now(void)
{
	return util_monotonic();
}

static unsigned at_least_1(unsigned v)
{
	return v ? v : 1;
}

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

int caps_new(const struct caps_limits *l, caps_log_fn log, struct caps **out)
{
	struct caps *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;

	if (!c)
		return -ENOMEM;
	c->lim.handles = at_least_1(l->handles);
	c->lim.decoders = at_least_1(l->decoders);
	c->lim.handles_per_uid = at_least_1(min_u(at_least_1(l->handles_per_uid), c->lim.handles / 2));
	c->lim.decoders_per_uid = at_least_1(min_u(at_least_1(l->decoders_per_uid), c->lim.decoders / 2));
	c->lim.dirs = at_least_1(l->dirs);
	c->lim.dirs_per_uid = at_least_1(min_u(at_least_1(l->dirs_per_uid), c->lim.dirs / 2));
	c->log = log;
	randombytes_buf(c->access_key, sizeof(c->access_key));
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &ca);
	pthread_condattr_destroy(&ca);
	*out = c;
	return 0;
}

void caps_free(struct caps *c)
{
	size_t i;

	if (!c)
		return;
	caps_stop(c);
	for (i = 0; i < CAPS_BUCKETS; i++) {
		while (c->bucket[i]) {
			struct caps_uid *e = c->bucket[i];

			c->bucket[i] = e->next;
			free(e);
		}
	}
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void caps_limits(const struct caps *c, struct caps_limits *out)
{
	*out = c->lim;
}

/* The entry of uid, or NULL; *link set to where it is (or would be) linked. */
static struct caps_uid *find(struct caps *c, uid_t uid, struct caps_uid ***link)
{
	struct caps_uid **l = &c->bucket[uid % CAPS_BUCKETS];

	while (*l && (*l)->uid != uid)
		l = &(*l)->next;
	*link = l;
	return *l;
}

/* Drop e (at *link) when it holds nothing and need not remember a report. */
static void maybe_drop(struct caps_uid **link, struct caps_uid *e, int64_t now)
{
	if (e->handles || e->decoders || e->dirs || e->held.n || e->refused_sec == now)
		return;
	if (e->reported != INT64_MIN && now - e->reported < CAPS_LOG_PERIOD)
		return;
	*link = e->next;
	free(e);
}

/*
 * Whether a refusal of e's uid at now is to be logged, and if so remember
 * it: the first one, then one every CAPS_LOG_PERIOD; a clock that went
 * back logs rather than stays quiet.  Under lock.
 */
static int report_due(struct caps_uid *e, int64_t now)
{
	if (e->reported != INT64_MIN && now >= e->reported && now - e->reported < CAPS_LOG_PERIOD)
		return 0;
	e->reported = now;
	return 1;
}

/* What one acquire counts. */
enum caps_kind {
	KIND_FILE,
	KIND_WAV,	/* a file that is also a decoder */
	KIND_DIR,
};

/* A mount-wide cap as it holds for a caller of the rights level (rights
 * 1: all of it) or any other (all but CAPS_RESERVE_DIV-th of it). */
static unsigned cap_for(unsigned cap, int rights)
{
	return rights ? cap : cap - cap / CAPS_RESERVE_DIV;
}

/*
 * The refusal of one more of kind for e, or 0: *what, *held and *limit
 * name the cap it is at (for rights, as cap_for says).  Under lock.
 */
static int over_cap(const struct caps *c, const struct caps_uid *e, enum caps_kind kind, int rights,
		    const char **what, unsigned *held, unsigned *limit)
{
	const struct caps_limits *l = &c->lim;

	if (kind == KIND_DIR) {
		if (e->dirs >= l->dirs_per_uid)
			return *what = "max_dirs_per_uid", *held = e->dirs, *limit = l->dirs_per_uid, -EMFILE;
		if (c->dirs >= cap_for(l->dirs, rights))
			return *what = "max_dirs", *held = c->dirs, *limit = cap_for(l->dirs, rights), -ENFILE;
		return 0;
	}
	if (e->handles >= l->handles_per_uid)
		return *what = "max_handles_per_uid", *held = e->handles, *limit = l->handles_per_uid, -EMFILE;
	if (kind == KIND_WAV && e->decoders >= l->decoders_per_uid)
		return *what = "max_decoders_per_uid", *held = e->decoders, *limit = l->decoders_per_uid, -EMFILE;
	if (c->handles >= cap_for(l->handles, rights))
		return *what = "max_handles", *held = c->handles, *limit = cap_for(l->handles, rights), -ENFILE;
	if (kind == KIND_WAV && c->decoders >= cap_for(l->decoders, rights))
		return *what = "max_decoders", *held = c->decoders, *limit = cap_for(l->decoders, rights), -ENFILE;
	return 0;
}

/* Add d (1 or -1) to the counts one of kind makes, e's and the mount's.
 * Under lock. */
static void count(struct caps *c, struct caps_uid *e, enum caps_kind kind, int d)
{
	if (kind == KIND_DIR) {
		e->dirs += (unsigned)d;
		c->dirs += (unsigned)d;
		return;
	}
	e->handles += (unsigned)d;
	c->handles += (unsigned)d;
	if (kind == KIND_WAV) {
		e->decoders += (unsigned)d;
		c->decoders += (unsigned)d;
	}
}

/* uid's entry (*link: where it is linked), made when it has none; NULL
 * when out of memory.  Under lock. */
static struct caps_uid *find_or_add(struct caps *c, uid_t uid, struct caps_uid ***link)
{
	struct caps_uid *e = find(c, uid, link);

	if (!e && (e = calloc(1, sizeof(*e)))) {
		e->uid = uid;
		e->reported = INT64_MIN;
		e->refused_sec = INT64_MIN;
		**link = e;
	}
	return e;
}

static int acquire(struct caps *c, uid_t uid, enum caps_kind kind, int rights, int64_t now)
{
	struct caps_uid **link, *e;
	const char *what = NULL;
	unsigned held = 0, limit = 0;
	int rc = -ENOMEM, report = 0;

	pthread_mutex_lock(&c->lock);
	e = find_or_add(c, uid, &link);
	if (e)
		rc = over_cap(c, e, kind, rights, &what, &held, &limit);
	if (rc == 0) {
		count(c, e, kind, 1);
	} else if (e) {
		report = report_due(e, now);
		maybe_drop(link, e, now);
	}
	pthread_mutex_unlock(&c->lock);
	/* Outside the lock: syslog may block. */
	if (report && c->log)
		c->log(LOG_WARNING, "recfs: uid %u refused an open (%s): %u held, %s=%u; "
		       "further refusals of this uid are not logged for %d s", (unsigned)uid,
		       rc == -EMFILE ? "EMFILE" : "ENFILE", held, what, limit, CAPS_LOG_PERIOD);
	return rc;
}

/* Give back one of kind that acquire counted for uid. */
static void release(struct caps *c, uid_t uid, enum caps_kind kind, int64_t now)
{
	struct caps_uid **link, *e;

	pthread_mutex_lock(&c->lock);
	e = find(c, uid, &link);
	if (e && (kind == KIND_DIR ? e->dirs : e->handles)) {
		if (kind == KIND_WAV && !e->decoders)
			kind = KIND_FILE;	/* no count goes below zero */
		count(c, e, kind, -1);
		c->released++;	/* what it held may have gone: trim */
		maybe_drop(link, e, now);
	}
	pthread_mutex_unlock(&c->lock);
}

/* What tells one recording from another among a second's refused
 * opens: keyed, so that no name can be made to pass for another. */
static uint64_t access_key(const struct caps *c, const char *object)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;

	crypto_shorthash(h, (const unsigned char *)object, strlen(object), c->access_key);
	memcpy(&k, h, sizeof(k));
	return k;
}

/* Whether e's second has named key k in kind's budget yet (and if not,
 * names it when there is room): 1 named now, 0 already named, -1 no room. */
static int name_once(struct caps_uid *e, enum caps_name kind, uint64_t k)
{
	unsigned *n = &e->named_n[kind];

	for (unsigned i = 0; i < *n; i++)
		if (e->named[kind][i] == k)
			return 0;
	if (*n == CAPS_REFUSALS_PER_SEC)
		return -1;
	e->named[kind][(*n)++] = k;
	return 1;
}

void caps_refusal_name(char *buf, size_t size, const char *action, const char *object, const char *reason)
{
	snprintf(buf, size, "%s %s %s", action, object, reason ? reason : "");
}

int caps_refusal_due(struct caps *c, uid_t uid, int64_t now, enum caps_name kind, const char *name,
		     struct caps_held *held)
{
	struct caps_uid **link, *e;
	uint64_t k = name ? access_key(c, name) : 0;
	int due = 1, named = 0;

	*held = (struct caps_held){ 0 };
	pthread_mutex_lock(&c->lock);
	e = find_or_add(c, uid, &link);
	if (e) {
		if (e->refused_sec != now) {
			*held = e->held;
			e->held = (struct caps_held){ 0 };
			e->refused_sec = now;
			e->refused_n = 0;
			memset(e->named_n, 0, sizeof(e->named_n));
		}
		if (e->refused_n < CAPS_REFUSALS_PER_SEC) {
			/* within the budget: logged, and a name remembered so
			 * that a flood after does not repeat it */
			e->refused_n++;
			if (name)
				(void)name_once(e, kind, k);
		} else if (name && (named = name_once(e, kind, k)) > 0) {
			;	/* past it: the first of each name, named */
		} else {
			e->held.n++, due = 0;
			if (name && named < 0 && kind == CAPS_NAME_RIGHTS)
				e->held.unnamed_rights++;
			else if (name && named < 0)
				e->held.unnamed++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return due;
}

void caps_refusals_held(struct caps *c, int64_t before,
			void (*fn)(uid_t uid, const struct caps_held *held, void *ctx), void *ctx)
{
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < CAPS_BUCKETS; i++)
		for (struct caps_uid *e = c->bucket[i]; e; e = e->next)
			if (e->held.n && e->refused_sec < before) {
				fn(e->uid, &e->held, ctx);
				e->held = (struct caps_held){ 0 };
			}
	pthread_mutex_unlock(&c->lock);
}

int caps_report_due(struct caps *c, uid_t uid, int64_t now)
{
	struct caps_uid **link, *e;
	int due = 1;

	pthread_mutex_lock(&c->lock);
	e = find_or_add(c, uid, &link);
	if (e) {
		due = report_due(e, now);
		maybe_drop(link, e, now);
	}
	pthread_mutex_unlock(&c->lock);
	return due;
}

int caps_acquire(struct caps *c, uid_t uid, int decoder, int64_t now)
{
	return acquire(c, uid, decoder ? KIND_WAV : KIND_FILE, 0, now);
}

int caps_acquire_dir(struct caps *c, uid_t uid, int64_t now)
{
	return acquire(c, uid, KIND_DIR, 0, now);
}

int caps_acquire_rights(struct caps *c, uid_t uid, int decoder, int rights, int64_t now)
{
	return acquire(c, uid, decoder ? KIND_WAV : KIND_FILE, rights, now);
}

int caps_acquire_dir_rights(struct caps *c, uid_t uid, int rights, int64_t now)
{
	return acquire(c, uid, KIND_DIR, rights, now);
}

void caps_release(struct caps *c, uid_t uid, int decoder, int64_t now)
{
	release(c, uid, decoder ? KIND_WAV : KIND_FILE, now);
}

void caps_release_dir(struct caps *c, uid_t uid, int64_t now)
{
	release(c, uid, KIND_DIR, now);
}

unsigned caps_count_dirs(struct caps *c, uid_t uid)
{
	struct caps_uid **link, *e;
	unsigned n;

	pthread_mutex_lock(&c->lock);
	if (uid == (uid_t)-1) {
		n = c->dirs;
	} else {
		e = find(c, uid, &link);
		n = e ? e->dirs : 0;
	}
	pthread_mutex_unlock(&c->lock);
	return n;
}

void caps_count(struct caps *c, uid_t uid, unsigned *handles, unsigned *decoders)
{
	struct caps_uid **link, *e;

	pthread_mutex_lock(&c->lock);
	if (uid == (uid_t)-1) {
		*handles = c->handles;
		*decoders = c->decoders;
	} else {
		e = find(c, uid, &link);
		*handles = e ? e->handles : 0;
		*decoders = e ? e->decoders : 0;
	}
	pthread_mutex_unlock(&c->lock);
}

unsigned caps_handles_for_fds(unsigned handles, uint64_t nofile)
{
	uint64_t room = nofile > CAPS_FD_RESERVE ? (nofile - CAPS_FD_RESERVE) / CAPS_FDS_PER_HANDLE : 0;

	if (room < 1)
		room = 1;
	return room < handles ? (unsigned)room : handles;
}

static void *housekeeping(void *arg)
{
	struct caps *c = arg;
	struct timespec until;
	unsigned released, freed;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += CAPS_TICK;
		while (!c->stop && pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT)
			;
		if (c->stop)
			break;
		released = c->released;
		c->released = 0;
		pthread_mutex_unlock(&c->lock);
		freed = c->idle ? c->idle(caps_now()) : 0;
		if (released || freed)
			malloc_trim(0);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int caps_start(struct caps *c, unsigned (*idle)(int64_t now))
{
	int rc;

	c->idle = idle;
	c->stop = 0;
	rc = pthread_create(&c->thread, NULL, housekeeping, c);
	if (rc)
		return -rc;
	c->running = 1;
	return 0;
}

void caps_stop(struct caps *c)
{
	if (!c || !c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	c->running = 0;
}
