/*
 * tbuf.c - per-thread reusable buffers (tbuf.h).
 *
 * Each thread's buffers hang off a _Thread_local array, which is also
 * registered under one pthread key whose destructor wipes and unmaps them
 * when the thread exits (libfuse ends idle workers).  The main thread's
 * buffers are left to the process's exit.  A buffer is mapped on first use,
 * 2 MiB aligned (a 4 MiB mapping trimmed on both sides) so the kernel can
 * back it with one huge page, and never shared: no locks.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "crypto.h"
#include "tbuf.h"

struct tbufs {
	void *buf[TBUF_SLOTS];		/* TBUF_MAX bytes each, or NULL */
};

static _Thread_local struct tbufs mine;
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ok;

static void unmap_all(struct tbufs *t)
{
	for (int i = 0; i < TBUF_SLOTS; i++) {
		if (!t->buf[i])
			continue;
		crypto_memzero(t->buf[i], TBUF_MAX);
		munmap(t->buf[i], TBUF_MAX);
		t->buf[i] = NULL;
	}
}

static void at_thread_exit(void *arg)
{
	unmap_all(arg);
}

static void make_key(void)
{
	key_ok = pthread_key_create(&key, at_thread_exit) == 0;
}

/* TBUF_MAX bytes aligned to TBUF_MAX; NULL when the mapping fails. */
static void *map_aligned(void)
{
	size_t span = 2 * TBUF_MAX;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + TBUF_MAX - 1) & ~(uintptr_t)(TBUF_MAX - 1);
	head = a - (uintptr_t)p;
	if (head)
		munmap(p, head);
	munmap((uint8_t *)a + TBUF_MAX, span - head - TBUF_MAX);
	(void)madvise((void *)a, TBUF_MAX, MADV_HUGEPAGE);	/* a hint: fine to be refused */
	return (void *)a;
}

void *tbuf_get(enum tbuf_slot slot, size_t len)
{
	if ((unsigned)slot >= TBUF_SLOTS || len == 0 || len > TBUF_MAX)
		return NULL;
	if (!mine.buf[slot]) {
		pthread_once(&key_once, make_key);
		if (!key_ok || pthread_setspecific(key, &mine) != 0)
			return NULL;
		mine.buf[slot] = map_aligned();
	}
	return mine.buf[slot];
}

void tbuf_release(void)
{
	unmap_all(&mine);
}
