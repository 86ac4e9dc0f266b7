/*
 * auditq.c - the mount's audit entries: in the journal before an open is
 * answered, in the log in batches.
 *
 * Every open is logged, and an open must not be answered before its entry
 * is safe (no byte of a file reaches a caller that the log does not show).
 * A commit of the log per open costs about 130 us here (more with an
 * fsync), so each entry is instead appended to the mount's audit journal
 * (journal.h) when it is queued: one write(2), after which it survives the
 * daemon's death (SIGKILL); a killed mount's journal is moved into the log
 * by the next register open (the next mount, any recctl).  With the mount
 * option audit_fsync an open also waits for an fdatasync of the journal,
 * and the opens waiting at the same moment share one (group commit).
 *
 * The log itself is written in batches, one journal_commit (one
 * transaction with the journal's position) each, on the queue's own
 * catalog connection, by the flusher thread every AUDITQ_PERIOD_MS: the
 * entries queued at least AUDITQ_SETTLE_MS before, so that one may still
 * be amended (auditq_amend; the amendment is journalled too).  Once
 * everything journalled is in the log, the journal is emptied.  Order is
 * kept: entries are journalled and queued in ticket order under one lock,
 * written one batch at a time (flush_lock) in that order, and a batch that
 * fails to write goes back to the head of the queue to be retried.  The
 * entry's time is taken when it is queued.
 *
 * The disk full (journal.h): the journal's appends land in its reserve, so
 * an entry is journalled, and survives a kill, while the log cannot be
 * written.  The first half of the reserve is for any entry; once the log
 * cannot be written (a batch failed, or the disk has less than the
 * reserve's size free) and half the reserve is used, opens
 * and sealed reads are refused (ENOSPC), their refusals journalled in the
 * second half, so that a flood of refused opens is in the journal one by
 * one as far as it goes.  An entry that finds no room even there (and one
 * the full queue only counts) is counted in the journal's header
 * (count_lost), so that a mount killed before the log can be written
 * leaves the count to the recovery: no refusal is lost, one by one or
 * counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auditq.h"
#include "journal.h"
#include "recfs_i.h"

/*
 * Entries the queue holds at most (a few hundred bytes each).  It grows
 * only while the log cannot be written (a full disk), and a flood of
 * refused requests costs a caller nothing: past this, an open is refused
 * (ENOSPC: no byte leaves without its entry) and any other entry is only
 * counted, the count written as one entry of its own once the queue has
 * room again.
 */
#define AUDITQ_MAX 65536

struct aq_item {
	struct audit_entry e;	/* strings below are owned */
	uint64_t ticket;
	int64_t queued;		/* now_ms() when queued */
	int journalled;		/* in the journal: a killed or stopped mount leaves it to the next */
	uint64_t weight;	/* the entries it stands for: 1, or push_dropped's count */
};

struct auditq {
	struct catalog *cat;		/* the queue's own connection; used under flush_lock */
	struct journal *j;		/* appended to under lock */
	int fsync_each;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct aq_item *items;		/* protected by lock */
	size_t n, cap;			/* protected by lock */
	int stop;			/* protected by lock */
	uint64_t dropped;		/* entries not queued (AUDITQ_MAX); protected by lock */
	size_t writing;			/* entries of the batch being written; protected by lock */
	uint64_t tickets;		/* the last ticket given; protected by lock */
	pthread_mutex_t flush_lock;	/* one batch at a time */
	pthread_mutex_t sync_lock;	/* one fdatasync at a time */
	uint64_t synced;		/* tickets up to this are on disk; protected by sync_lock */
	int64_t journal_said;		/* when a failed append was last said (ms); protected by lock */
	uint64_t journal_quiet;		/* failed appends not said since; protected by lock */
	int64_t commit_said;		/* when a failed write to the log was last said (ms), 0 when
					 * the last one worked; protected by flush_lock */
	uint64_t commit_quiet;		/* failed writes not said since; protected by flush_lock */
	int commit_failing;		/* the last batch could not be written; protected by lock */
	int half_said;			/* opens refused for the reserve's second half were said since
					 * the log was last written; protected by lock */
	uint64_t unjournalled;		/* weights of the entries queued or being written that are not
					 * journalled; protected by lock */
	struct journal_lost lost;	/* what the journal's header counts; protected by lock */
	int lost_said;			/* a failed count was said; protected by lock */
	int reserve_said;		/* a reserve that could not be made was said; protected by lock */
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

/* Say once, until the journal has its reserve again, that it has none
 * (journal_open and journal_truncate make it). */
static void say_reserve(struct auditq *q)
{
	int err = journal_reserve_error(q->j);

	if (err && !q->reserve_said)
		recfs_log(LOG_WARNING, "recfs: cannot preallocate the audit journal's reserve (%u bytes): %s; "
			  "with the disk full, entries then wait in memory, only counted in the journal",
			  JOURNAL_RESERVE, strerror(-err));
	q->reserve_said = err != 0;
}

int auditq_new(const char *reg_dir, int fsync_each, struct auditq **out)
{
	struct auditq *q = calloc(1, sizeof(*q));
	char *path = xasprintf("%s/catalog.db", reg_dir);
	int rc;

	if (!q) {
		free(path);
		return -ENOMEM;
	}
	rc = catalog_open(path, 0, &q->cat);
	if (rc == 0)
		rc = journal_open(reg_dir, &q->j);
	free(path);
	if (rc < 0) {
		catalog_close(q->cat);
		free(q);
		return rc;
	}
	q->fsync_each = fsync_each;
	say_reserve(q);
	pthread_mutex_init(&q->lock, NULL);
	pthread_mutex_init(&q->flush_lock, NULL);
	pthread_mutex_init(&q->sync_lock, NULL);
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

/* The errno of an open whose entry could not be journalled (rc): the
 * disk is full, or something else went wrong with it. */
static int journal_errno(int rc)
{
	return rc == -ENOSPC ? ENOSPC : EIO;
}

/* The entry of an open that could not be journalled: the open is refused. */
static void refuse_item(struct aq_item *it, int err)
{
	free((char *)it->e.outcome);
	free((char *)it->e.reason);
	it->e.outcome = xstrdup("refused");
	it->e.reason = xstrdup(meta_errname(err));
}

/*
 * With lock held: the journal's header counts what is not journalled (the
 * entries queued so, and those only counted), time the latest of them,
 * and of them part in the entries up to ticket cut (a batch being
 * written; part 0: none).  Written when it changes; a count that cannot
 * be written is said once.
 */
static void count_lost(struct auditq *q, int64_t time, uint64_t part, uint64_t cut)
{
	struct journal_lost l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.lost = q->unjournalled + q->dropped;
	l.time = time ? time : q->lost.time;
	l.part = part;
	l.cut = part ? cut : 0;
	if (!memcmp(&l, &q->lost, sizeof(l)))
		return;
	q->lost = l;
	rc = journal_set_lost(q->j, &l);
	if (rc < 0 && !q->lost_said) {
		q->lost_said = 1;
		recfs_log(LOG_ERR, "recfs: cannot count in the audit journal the entries it cannot hold: %s",
			  strerror(-rc));
	}
}

/*
 * Journal and queue a copy of *e; its ticket in *ticket.  counts: 0, or
 * the entry counts that many entries not queued (push_dropped), which it
 * then stands for.  0, or the journal's error: then the entry is queued
 * all the same (the log gets it with the next batch), as a refusal when
 * refuse is set; or -ENOSPC with refuse set and the journal's reserve kept
 * for refusals (the entry journalled as one).
 */
static int push(struct auditq *q, const struct audit_entry *e, int refuse, uint64_t counts, uint64_t *ticket)
{
	struct aq_item it;
	uint64_t quiet = 0;
	int rc, rc_said = 1, kept = 0, say_kept = 0;

	memset(&it, 0, sizeof(it));
	/* The event's time, to the microsecond: the entry reaches the log
	 * up to a second later, after entries recctl wrote meanwhile. */
	it.e.time_us = e->time_us ? e->time_us : e->time ? 0 : util_now_us();
	it.e.time = e->time ? e->time : util_floor_div(it.e.time_us, 1000000);
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

	it.weight = counts ? counts : 1;

	pthread_mutex_lock(&q->lock);
	if (q->n + q->writing >= AUDITQ_MAX) {
		/* A count not queued stays in q->dropped, for the next. */
		int first = !counts && q->dropped == 0;

		if (!counts) {
			q->dropped++;
			count_lost(q, it.e.time, q->lost.part, q->lost.cut);
		}
		pthread_mutex_unlock(&q->lock);
		item_clear(&it);
		if (first)
			recfs_log(LOG_ERR, "recfs: %d audit entries wait for a log that cannot take them: until it "
				  "can, opens are refused (ENOSPC) and other entries only counted", AUDITQ_MAX);
		*ticket = 0;
		return -ENOSPC;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->items = xrealloc(q->items, q->cap * sizeof(*q->items));
	}
	it.ticket = *ticket = ++q->tickets;
	it.queued = now_ms();
	/* The reserve's second half is for refusals while the log cannot
	 * be written: the open is refused, and its refusal journalled.  The
	 * disk nearly full says so before a batch fails: a flood of opens
	 * filled the whole reserve (5,547 opens) in the second the flusher
	 * took to find out. */
	if (refuse && journal_half_used(q->j) && (q->commit_failing || journal_disk_low(q->j))) {
		refuse_item(&it, ENOSPC);
		kept = 1;
		say_kept = !q->half_said;
		q->half_said = 1;
	}
	/* Under the lock: the journal is in ticket order. */
	rc = journal_append(q->j, it.ticket, &it.e);
	it.journalled = rc == 0;
	if (rc < 0 && refuse)
		refuse_item(&it, journal_errno(rc));
	q->items[q->n++] = it;
	/* Journalled after the entry, counted in the header before its
	 * count goes: a kill in between counts twice, never none. */
	q->dropped -= counts;
	if (rc < 0)
		q->unjournalled += it.weight;
	count_lost(q, rc < 0 ? it.e.time : 0, q->lost.part, q->lost.cut);
	/* Said once a minute, not once an entry: while the disk is full
	 * every refused open of every user would add a line to the log. */
	if (rc < 0 && q->journal_said && it.queued - q->journal_said < 60000) {
		q->journal_quiet++;
		rc_said = 0;
	} else if (rc < 0) {
		quiet = q->journal_quiet;
		q->journal_quiet = 0;
		q->journal_said = it.queued;
	}
	pthread_mutex_unlock(&q->lock);
	if (rc < 0 && rc_said && quiet)
		recfs_log(LOG_ERR, "recfs: %s (and %llu times since this was last said)", meta_strerror(rc),
			  (unsigned long long)quiet);
	else if (rc < 0 && rc_said)
		recfs_log(LOG_ERR, "recfs: %s", meta_strerror(rc));
	if (say_kept)
		recfs_log(LOG_ERR, "recfs: the register's disk is full or the audit log cannot be written, and half "
			  "the audit journal's reserve is used: opens are refused (ENOSPC) until the log can be "
			  "written, their refusals journalled in the rest");
	return rc < 0 ? rc : kept ? -ENOSPC : 0;
}

uint64_t auditq_push(struct auditq *q, const struct audit_entry *e)
{
	uint64_t ticket;

	(void)push(q, e, 0, 0, &ticket);
	return ticket;
}

int auditq_push_read(struct auditq *q, const struct audit_entry *e, uint64_t *ticket)
{
	int rc = push(q, e, 1, 0, ticket);

	return rc < 0 ? -journal_errno(rc) : 0;
}

int auditq_push_durable(struct auditq *q, const struct audit_entry *e)
{
	uint64_t ticket, last;
	int rc = push(q, e, 1, 0, &ticket);

	if (rc < 0 || !q->fsync_each)
		return rc < 0 ? -journal_errno(rc) : 0;
	/* Group commit: one fdatasync covers every entry journalled before
	 * it, so the opens that wait here meanwhile need none of their own. */
	pthread_mutex_lock(&q->sync_lock);
	if (q->synced < ticket) {
		pthread_mutex_lock(&q->lock);
		last = q->tickets;
		pthread_mutex_unlock(&q->lock);
		if (journal_sync(q->j) == 0)
			q->synced = last;
		else
			recfs_log(LOG_ERR, "recfs: %s", meta_errmsg());
	}
	rc = q->synced >= ticket ? 0 : -EIO;
	pthread_mutex_unlock(&q->sync_lock);
	return rc;
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
		/* Should the journal miss it, a recovery names less; the
		 * log still gets the amendment from the queue. */
		if (journal_amend(q->j, ticket, reason) < 0)
			meta_clear_error();
		rc = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

/* The entry that says how many were not queued (AUDITQ_MAX), by the
 * daemon itself: who they were of is not known any more. */
static void push_dropped(struct auditq *q, uint64_t dropped)
{
	struct audit_entry e;
	uint64_t ticket;
	char *reason = xasprintf("%llu entries were not logged one by one: the audit log could not be "
				 "written and its queue was full (opens were refused meanwhile)",
				 (unsigned long long)dropped);

	memset(&e, 0, sizeof(e));
	e.actor.uid = getuid();
	e.actor.pid = getpid();
	e.actor.user = "recfs";
	e.actor.comm = "recfs";
	e.action = "audit";
	e.outcome = "refused";
	e.reason = reason;
	(void)push(q, &e, 0, dropped, &ticket);
	free(reason);
}

/*
 * With flush_lock held: write the entries at the head of the queue that
 * were queued at or before cutoff (milliseconds, now_ms), or all of them
 * when all is set, in one transaction.  The queue is in the order entries
 * were queued, so they are a prefix of it.  On failure they go back in
 * front of what came meanwhile, to be retried.  Once the queue is empty
 * the journal holds nothing the log lacks, and is emptied.
 */
static int flush_locked(struct auditq *q, int64_t cutoff, int all)
{
	struct aq_item *batch = NULL;
	struct audit_entry *es = NULL;
	size_t n = 0, i;
	uint64_t dropped, part = 0;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	while (n < q->n && (all || q->items[n].queued <= cutoff))
		n++;
	if (n) {
		batch = xcalloc(n, sizeof(*batch));
		memcpy(batch, q->items, n * sizeof(*batch));
		memmove(q->items, q->items + n, (q->n - n) * sizeof(*batch));
		q->n -= n;
		q->writing = n;
		/* The header says which of its count this batch holds: a
		 * kill after the commit leaves them out of the recovery's. */
		for (i = 0; i < n; i++)
			part += batch[i].journalled ? 0 : batch[i].weight;
		if (part)
			count_lost(q, 0, part, batch[n - 1].ticket);
	}
	pthread_mutex_unlock(&q->lock);
	if (!n)
		return 0;

	es = xcalloc(n, sizeof(*es));
	for (i = 0; i < n; i++)
		es[i] = batch[i].e;
	rc = journal_commit(q->cat, q->j, es, n, batch[n - 1].ticket);
	free(es);
	if (rc < 0) {
		/* Retried every AUDITQ_PERIOD_MS while the disk is full: said
		 * once a minute, as a failed journal append is. */
		int64_t now = now_ms();

		if (!q->commit_said || now - q->commit_said >= 60000) {
			if (q->commit_quiet)
				recfs_log(LOG_ERR, "recfs: cannot write %zu audit entries: %s (will retry; and %llu "
					  "times since this was last said)", n, meta_strerror(rc),
					  (unsigned long long)q->commit_quiet);
			else
				recfs_log(LOG_ERR, "recfs: cannot write %zu audit entries: %s (will retry)", n,
					  meta_strerror(rc));
			q->commit_said = now;
			q->commit_quiet = 0;
		} else {
			q->commit_quiet++;
		}
		pthread_mutex_lock(&q->lock);
		q->commit_failing = 1;
		if (part)
			count_lost(q, 0, 0, 0);
		if (q->n + n > q->cap) {
			q->cap = q->n + n;
			q->items = xrealloc(q->items, q->cap * sizeof(*q->items));
		}
		memmove(q->items + n, q->items, q->n * sizeof(*batch));
		memcpy(q->items, batch, n * sizeof(*batch));
		q->n += n;
		q->writing = 0;
		pthread_mutex_unlock(&q->lock);
		free(batch);
		return rc;
	}
	if (q->commit_said)
		recfs_log(LOG_NOTICE, "recfs: the audit log is written again (%llu failed tries not said)",
			  (unsigned long long)q->commit_quiet);
	q->commit_said = 0;
	q->commit_quiet = 0;
	for (i = 0; i < n; i++)
		item_clear(&batch[i]);
	free(batch);
	pthread_mutex_lock(&q->lock);
	q->writing = 0;
	q->commit_failing = 0;
	q->half_said = 0;
	if (part) {
		q->unjournalled -= part;
		count_lost(q, 0, 0, 0);
	}
	if (!q->n && journal_truncate(q->j) < 0)
		recfs_log(LOG_ERR, "recfs: %s", meta_errmsg());
	else if (!q->n)
		say_reserve(q);
	/* Taken from q->dropped once its entry is queued (push). */
	dropped = q->n < AUDITQ_MAX / 2 ? q->dropped : 0;
	pthread_mutex_unlock(&q->lock);
	if (dropped)
		push_dropped(q, dropped);
	return 0;
}

int auditq_flush(struct auditq *q)
{
	int rc;

	pthread_mutex_lock(&q->flush_lock);
	rc = flush_locked(q, 0, 1);
	pthread_mutex_unlock(&q->flush_lock);
	return rc;
}

/* Every AUDITQ_PERIOD_MS, the entries queued AUDITQ_SETTLE_MS ago or
 * earlier. */
static void *flusher(void *arg)
{
	struct auditq *q = arg;
	struct timespec ts;

	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		util_deadline_ms(&ts, AUDITQ_PERIOD_MS);
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
		if (!q->n) {
			/* An epoch's old key that a reader kept in the WAL at
			 * the last commit goes once nobody reads. */
			pthread_mutex_unlock(&q->lock);
			pthread_mutex_lock(&q->flush_lock);
			catalog_checkpoint_if_due(q->cat);
			pthread_mutex_unlock(&q->flush_lock);
			pthread_mutex_lock(&q->lock);
			continue;
		}
		pthread_mutex_unlock(&q->lock);
		pthread_mutex_lock(&q->flush_lock);
		(void)flush_locked(q, now_ms() - AUDITQ_SETTLE_MS, 0);
		pthread_mutex_unlock(&q->flush_lock);
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
	if (auditq_flush(q) < 0) {
		size_t kept = 0;

		for (i = 0; i < q->n; i++)
			kept += q->items[i].journalled != 0;
		recfs_log(LOG_ERR, "recfs: %zu audit entries could not be written at unmount; %zu of them stay in "
			  "the audit journal for the next mount or recctl, %zu could not be journalled either (their "
			  "reads and opens were refused); all follow here", q->n, kept, q->n - kept);
	}
	/* Removed only when the log holds all of it. */
	journal_close(q->j, q->cat, q->n == 0);
	/* Last resort, so nothing is lost: the entries in the log instead
	 * (ids and errno names only, never personal data). */
	for (i = 0; i < q->n; i++) {
		const struct audit_entry *e = &q->items[i].e;
		/* The process names itself: escaped, as every reason is. */
		char *comm = util_escape_field(e->actor.comm);
		char *reason = util_escape_for_log(e->reason ? e->reason : "-");

		recfs_log(LOG_ERR, "recfs: audit %lld uid=%u user=%s loginuid=%ld level=%s pid=%d comm=%s %s %s%s%s %s %s",
			  (long long)e->time, (unsigned)e->actor.uid, e->actor.user ? e->actor.user : "-",
			  e->actor.has_loginuid ? (long)e->actor.loginuid : -1L, e->actor.level ? e->actor.level : "-",
			  (int)e->actor.pid, comm, e->action ? e->action : "-", e->object ? e->object : "-",
			  e->artifact ? "/" : "", e->artifact ? e->artifact : "", e->outcome ? e->outcome : "-", reason);
		free(comm);
		free(reason);
		item_clear(&q->items[i]);
	}
	free(q->items);
	catalog_close(q->cat);
	pthread_mutex_destroy(&q->lock);
	pthread_mutex_destroy(&q->flush_lock);
	pthread_mutex_destroy(&q->sync_lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
