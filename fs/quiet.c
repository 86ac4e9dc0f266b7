/*
 * quiet.c - the windows of logged reads (quiet.h).
 *
 * A window is (uid, login uid, object) with the time it opened, the attributes read in
 * it (named) and those the last entry of it names (in_entry, entry
 * ticket).  Windows sit in a hash table for lookup and in a list in the
 * order they opened.  Every window lasts the same time, so the list is
 * also the order they end in: expiry pops from its head, and a window that
 * a lookup finds has not ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiet.h"

#define QUIET_BUCKETS 4096	/* a power of two */

struct qwin {
	uid_t uid, login;
	char object[RECFS_ID_HEX];
	int64_t opened;
	uint32_t named;		/* attributes read in this window */
	uint32_t in_entry;	/* attributes the entry `ticket` names */
	uint64_t ticket;
	struct qwin *next_hash;
	struct qwin *older, *newer;	/* the list in the order opened */
};

struct quiet {
	pthread_mutex_t lock;
	int64_t window;
	size_t max;
	struct qwin *buckets[QUIET_BUCKETS];	/* protected by lock */
	struct qwin *oldest, *newest;		/* protected by lock */
	size_t n;				/* protected by lock */
};

int quiet_new(int64_t window, size_t max, struct quiet **out)
{
	struct quiet *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->window = window;
	q->max = max ? max : 1;
	pthread_mutex_init(&q->lock, NULL);
	*out = q;
	return 0;
}

void quiet_free(struct quiet *q)
{
	struct qwin *w, *next;

	if (!q)
		return;
	for (w = q->oldest; w; w = next) {
		next = w->newer;
		free(w);
	}
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* FNV-1a of the uids and the object. */
static size_t bucket_of(uid_t uid, uid_t login, const char *object)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(uid); i++) {
		h ^= (uint8_t)(uid >> (8 * i));
		h *= 1099511628211ull;
		h ^= (uint8_t)(login >> (8 * i));
		h *= 1099511628211ull;
	}
	for (const char *p = object; *p; p++) {
		h ^= (uint8_t)*p;
		h *= 1099511628211ull;
	}
	return (size_t)(h & (QUIET_BUCKETS - 1));
}

/* Take the oldest window out of both structures and free it. */
static void drop_oldest(struct quiet *q)
{
	struct qwin *w = q->oldest, **pp;

	for (pp = &q->buckets[bucket_of(w->uid, w->login, w->object)]; *pp != w; pp = &(*pp)->next_hash)
		;
	*pp = w->next_hash;
	q->oldest = w->newer;
	if (q->oldest)
		q->oldest->older = NULL;
	else
		q->newest = NULL;
	q->n--;
	free(w);
}

int quiet_read(struct quiet *q, uid_t uid, uid_t login, const char *object, unsigned bit, int64_t now,
	       quiet_log_fn log, void *ctx)
{
	uint32_t m = 1u << (bit & 31);
	size_t b = bucket_of(uid, login, object);
	struct qwin *w;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	while (q->oldest && q->oldest->opened + q->window <= now)
		drop_oldest(q);
	for (w = q->buckets[b]; w; w = w->next_hash)
		if (w->uid == uid && w->login == login && !strcmp(w->object, object))
			break;
	if (!w) {
		if (q->n >= q->max)
			drop_oldest(q);
		w = calloc(1, sizeof(*w));
		if (!w) {
			uint64_t ticket = 0;

			/* No room to remember it: log it, as if new. */
			pthread_mutex_unlock(&q->lock);
			return log(ctx, &ticket, m, 0);
		}
		w->uid = uid;
		w->login = login;
		snprintf(w->object, sizeof(w->object), "%s", object);
		w->opened = now;
		w->next_hash = q->buckets[b];
		q->buckets[b] = w;
		w->older = q->newest;
		if (q->newest)
			q->newest->newer = w;
		else
			q->oldest = w;
		q->newest = w;
		q->n++;
		w->named = w->in_entry = m;
		if ((rc = log(ctx, &w->ticket, m, 0)) < 0)
			w->named = w->in_entry = 0;	/* no entry: the next read logs */
	} else if (!(w->named & m)) {
		w->named |= m;
		if (log(ctx, &w->ticket, w->in_entry | m, 1) == 0) {
			w->in_entry |= m;
		} else {
			w->in_entry = m;
			if ((rc = log(ctx, &w->ticket, m, 0)) < 0) {
				w->named &= ~m;
				w->in_entry = 0;
			}
		}
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}
