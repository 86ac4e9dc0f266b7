/*
 * auditq.c - batched audit entries of the mount.
 *
 * Every open is logged, so writing each entry in its own sqlite transaction
 * would put an fsync on the read path.  Handlers instead queue a copy and
 * return; a thread writes, every AUDITQ_PERIOD_MS, the entries queued at
 * least AUDITQ_SETTLE_MS before, in one audit_append (one transaction).
 * Until then an entry may be amended (the quiet logging of reads names
 * every attribute of a burst in one entry).  Order is kept: one flush at a
 * time (flush_lock), entries are written in the order they were queued, and
 * a batch that fails to write goes back to the head of the queue to be
 * retried.  The entry's time is taken when it is queued.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "auditq.h"
#include "recfs_i.h"

#define AUDITQ_PERIOD_MS 250
/* An entry may still be amended (auditq_amend) this long after it was
 * queued: the reads of one file by one tool come well within it, so their
 * entry names them all (quiet.h). */
#define AUDITQ_SETTLE_MS 500

struct aq_item {
	struct audit_entry e;	/* strings below are owned */
	uint64_t ticket;
	int64_t queued;		/* now_ms() when queued */
};

struct auditq {
	struct catalog *cat;		/* protected by *cat_lock */
	pthread_mutex_t *cat_lock;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct aq_item *items;		/* protected by lock */
	size_t n, cap;			/* protected by lock */
	int stop;			/* protected by lock */
	uint64_t tickets;		/* the last ticket given; protected by lock */
	pthread_mutex_t flush_lock;	/* one flush at a time */
	pthread_t thread;
	int running;
};

static char *dup_opt(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void item_clear(struct aq_item *it)
{
	free((char *)it->e.actor.user);
	free((char *)it->e.actor.level);
	free((char *)it->e.actor.comm);
	free((char *)it->e.action);
	free((char *)it->e.object);
	free((char *)it->e.outcome);
	free((char *)it->e.reason);
	free((char *)it->e.artifact);
}

int auditq_new(struct catalog *c, pthread_mutex_t *cat_lock, struct auditq **out)
{
	struct auditq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->cat = c;
	q->cat_lock = cat_lock;
	pthread_mutex_init(&q->lock, NULL);
	pthread_mutex_init(&q->flush_lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	*out = q;
	return 0;
}

/* Monotonic milliseconds, for the age of queued entries. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t auditq_push(struct auditq *q, const struct audit_entry *e)
{
	uint64_t ticket;
	struct aq_item it;

	memset(&it, 0, sizeof(it));
	it.e.time = e->time ? e->time : util_now();
	it.e.actor.uid = e->actor.uid;
	it.e.actor.pid = e->actor.pid;
	it.e.actor.has_loginuid = e->actor.has_loginuid;
	it.e.actor.loginuid = e->actor.loginuid;
	it.e.actor.user = dup_opt(e->actor.user);
	it.e.actor.level = dup_opt(e->actor.level);
	it.e.actor.comm = dup_opt(e->actor.comm);
	it.e.action = dup_opt(e->action);
	it.e.object = dup_opt(e->object);
	it.e.outcome = dup_opt(e->outcome);
	it.e.reason = dup_opt(e->reason);
	it.e.artifact = dup_opt(e->artifact);

	pthread_mutex_lock(&q->lock);
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->items = xrealloc(q->items, q->cap * sizeof(*q->items));
	}
	it.ticket = ticket = ++q->tickets;
	it.queued = now_ms();
	q->items[q->n++] = it;
	pthread_mutex_unlock(&q->lock);
	return ticket;
}

int auditq_amend(struct auditq *q, uint64_t ticket, const char *reason)
{
	size_t lo = 0, hi;
	int rc = -ENOENT;

	pthread_mutex_lock(&q->lock);
	/* The queue is in ticket order (a failed batch goes back in front). */
	for (hi = q->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->items[mid].ticket < ticket)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < q->n && q->items[lo].ticket == ticket) {
		free((char *)q->items[lo].e.reason);
		q->items[lo].e.reason = dup_opt(reason);
		rc = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

/*
 * Write the entries at the head of the queue that were queued at or
 * before cutoff (milliseconds, now_ms), or all of them when all is set, in
 * one transaction.  The queue is in the order entries were queued, so they
 * are a prefix of it.  On failure they go back in front of what came
 * meanwhile, to be retried.
 */
static int flush_upto(struct auditq *q, int64_t cutoff, int all)
{
	struct aq_item *batch = NULL;
	struct audit_entry *es = NULL;
	size_t n = 0, i;
	int rc = 0;

	pthread_mutex_lock(&q->flush_lock);
	pthread_mutex_lock(&q->lock);
	while (n < q->n && (all || q->items[n].queued <= cutoff))
		n++;
	if (n) {
		batch = xcalloc(n, sizeof(*batch));
		memcpy(batch, q->items, n * sizeof(*batch));
		memmove(q->items, q->items + n, (q->n - n) * sizeof(*batch));
		q->n -= n;
	}
	pthread_mutex_unlock(&q->lock);
	if (!n)
		goto out;

	es = xcalloc(n, sizeof(*es));
	for (i = 0; i < n; i++)
		es[i] = batch[i].e;
	RECFS_LOCKED(q->cat_lock, rc, audit_append(q->cat, es, n));
	if (rc < 0) {
		recfs_log(LOG_ERR, "recfs: cannot write %zu audit entries: %s (will retry)", n,
			  meta_strerror(rc));
		pthread_mutex_lock(&q->lock);
		if (q->n + n > q->cap) {
			q->cap = q->n + n;
			q->items = xrealloc(q->items, q->cap * sizeof(*q->items));
		}
		memmove(q->items + n, q->items, q->n * sizeof(*batch));
		memcpy(q->items, batch, n * sizeof(*batch));
		q->n += n;
		pthread_mutex_unlock(&q->lock);
		goto out;
	}
	for (i = 0; i < n; i++)
		item_clear(&batch[i]);
out:
	free(es);
	free(batch);
	pthread_mutex_unlock(&q->flush_lock);
	return rc;
}

int auditq_flush(struct auditq *q)
{
	return flush_upto(q, 0, 1);
}

/* Every AUDITQ_PERIOD_MS, the entries queued AUDITQ_SETTLE_MS ago or
 * earlier. */
static void *flusher(void *arg)
{
	struct auditq *q = arg;
	struct timespec ts;

	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += AUDITQ_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
		if (!q->n)
			continue;
		pthread_mutex_unlock(&q->lock);
		(void)flush_upto(q, now_ms() - AUDITQ_SETTLE_MS, 0);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int auditq_start(struct auditq *q)
{
	int rc = pthread_create(&q->thread, NULL, flusher, q);

	if (rc)
		return -rc;
	q->running = 1;
	return 0;
}

void auditq_free(struct auditq *q)
{
	size_t i;

	if (!q)
		return;
	if (q->running) {
		pthread_mutex_lock(&q->lock);
		q->stop = 1;
		pthread_cond_signal(&q->cond);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	if (auditq_flush(q) < 0)
		recfs_log(LOG_ERR, "recfs: %zu audit entries could not be written at unmount; "
			  "they follow here", q->n);
	/* Last resort, so nothing is lost: the entries in the log instead
	 * (ids and errno names only, never personal data). */
	for (i = 0; i < q->n; i++) {
		const struct audit_entry *e = &q->items[i].e;

		recfs_log(LOG_ERR, "recfs: audit %lld uid=%u user=%s loginuid=%ld level=%s pid=%d comm=%s %s %s%s%s %s %s",
			  (long long)e->time, (unsigned)e->actor.uid, e->actor.user ? e->actor.user : "-",
			  e->actor.has_loginuid ? (long)e->actor.loginuid : -1L, e->actor.level ? e->actor.level : "-",
			  (int)e->actor.pid, e->actor.comm ? e->actor.comm : "-", e->action ? e->action : "-",
			  e->object ? e->object : "-", e->artifact ? "/" : "", e->artifact ? e->artifact : "",
			  e->outcome ? e->outcome : "-", e->reason ? e->reason : "-");
		item_clear(&q->items[i]);
	}
	free(q->items);
	pthread_mutex_destroy(&q->lock);
	pthread_mutex_destroy(&q->flush_lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
