/*
 * macpipe.c - keyed hashes fed on a thread of their own (macpipe.h).
 *
 * Two slots of MACPIPE_SLOT_BYTES, filled in turn: the caller copies into
 * one while the thread hashes the other, and a slot goes to the thread
 * when it is full.  The thread takes them in the same turn, so the bytes
 * reach the hash in the order they were added; at a stream's end the
 * caller waits for the slots handed over and hashes the rest, in its own
 * slot, itself.  The caller waits only for a slot the thread still holds;
 * the thread waits for a full slot or the end.  One mutex guards the
 * hand-over (full[], quit): a slot's bytes and fill are the caller's while
 * it is not full and the thread's while it is, and the hand-over under the
 * mutex orders them; the stream (mac) is set and ended by the caller only
 * while no slot is full.  A slot is handed over per 128 KiB, a wake-up per
 * 32 of the blob writer's chunks, not per chunk.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "macpipe.h"

#define SLOTS 2

struct mac_pipe {
	struct crypto_mac_stream *mac;	/* the stream in hand, or NULL */
	int threaded;			/* the thread runs and the slots are there */
	unsigned char *slot[SLOTS];	/* crypto_secure_alloc(MACPIPE_SLOT_BYTES) */
	size_t fill[SLOTS];		/* bytes in each slot */
	int full[SLOTS];		/* the thread's until it has hashed it */
	unsigned w;			/* the slot the caller fills */
	int quit;			/* mac_pipe_free: the thread ends */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a slot became full or free, or quit */
};

static void *hasher(void *arg)
{
	struct mac_pipe *p = arg;
	unsigned h = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->full[h] && !p->quit)
			pthread_cond_wait(&p->cond, &p->lock);
		/* mac_pipe_free drains first: no slot is full at quit. */
		if (!p->full[h])
			break;
		pthread_mutex_unlock(&p->lock);
		crypto_mac_stream_add(p->mac, p->slot[h], p->fill[h]);
		crypto_memzero(p->slot[h], p->fill[h]);
		pthread_mutex_lock(&p->lock);
		p->full[h] = 0;
		pthread_cond_broadcast(&p->cond);
		h = (h + 1) % SLOTS;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void free_slots(struct mac_pipe *p)
{
	for (int i = 0; i < SLOTS; i++) {
		crypto_secure_free(p->slot[i]);
		p->slot[i] = NULL;
	}
}

/* The thread and its slots, or p->threaded 0 and none. */
static void start_thread(struct mac_pipe *p)
{
	sigset_t all, old;
	int rc;

	for (int i = 0; i < SLOTS; i++) {
		p->slot[i] = crypto_secure_alloc(MACPIPE_SLOT_BYTES);
		if (!p->slot[i]) {
			free_slots(p);
			return;
		}
	}
	if (pthread_mutex_init(&p->lock, NULL)) {
		free_slots(p);
		return;
	}
	if (pthread_cond_init(&p->cond, NULL)) {
		pthread_mutex_destroy(&p->lock);
		free_slots(p);
		return;
	}
	/* Signals stay the caller's: its signalfd's, or its handlers'. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, hasher, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free_slots(p);
		return;
	}
	p->threaded = 1;
}

struct mac_pipe *mac_pipe_new(int threaded)
{
	struct mac_pipe *p = calloc(1, sizeof(*p));

	if (p && threaded)
		start_thread(p);
	return p;
}

void mac_pipe_start(struct mac_pipe *p, struct crypto_mac_stream *m)
{
	p->mac = m;
}

/* Give the caller's full slot to the thread, and wait for the next to be
 * free. */
static void hand_over(struct mac_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->full[p->w] = 1;
	pthread_cond_broadcast(&p->cond);
	p->w = (p->w + 1) % SLOTS;
	while (p->full[p->w])
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	p->fill[p->w] = 0;
}

void mac_pipe_add(struct mac_pipe *p, const void *data, size_t len)
{
	const unsigned char *d = data;

	if (!p->threaded) {
		crypto_mac_stream_add(p->mac, data, len);
		return;
	}
	while (len) {
		size_t n = MACPIPE_SLOT_BYTES - p->fill[p->w];

		if (n > len)
			n = len;
		memcpy(p->slot[p->w] + p->fill[p->w], d, n);
		p->fill[p->w] += n;
		d += n;
		len -= n;
		if (p->fill[p->w] == MACPIPE_SLOT_BYTES)
			hand_over(p);
	}
}

/*
 * The stream is the caller's alone again: the caller waits for the slots
 * handed over, then hashes what is in its own slot itself (hash_rest 1,
 * the stream's end) or only wipes it (0, a stream cancelled).  The thread
 * would hash it no sooner, and a stream shorter than a slot (a short
 * call) never wakes the thread nor waits for it to be scheduled, which
 * with several ingests at once on few cores cost more than the hash.
 */
static void drain(struct mac_pipe *p, int hash_rest)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < SLOTS; i++)
		while (p->full[i])
			pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (hash_rest)
		crypto_mac_stream_add(p->mac, p->slot[p->w], p->fill[p->w]);
	crypto_memzero(p->slot[p->w], p->fill[p->w]);
	p->fill[p->w] = 0;
}

void mac_pipe_end(struct mac_pipe *p, uint8_t out[CRYPTO_MAC_BYTES])
{
	drain(p, 1);
	crypto_mac_stream_end(p->mac, out);
	p->mac = NULL;
}

void mac_pipe_cancel(struct mac_pipe *p)
{
	drain(p, 0);
	crypto_mac_stream_free(p->mac);
	p->mac = NULL;
}

void mac_pipe_free(struct mac_pipe *p)
{
	if (!p)
		return;
	mac_pipe_cancel(p);
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->quit = 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free_slots(p);
	}
	free(p);
}
