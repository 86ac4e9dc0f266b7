/*
 * tbuf.h - a large buffer that a thread keeps for its next call.
 *
 * A sequential read through the mount is a stream of 1 MiB requests, each
 * needing a buffer for its ciphertext and one for its plaintext.  Fresh
 * buffers cost page faults and, pinned page by page by the kernel (O_DIRECT
 * reads, the copy of a FUSE reply), a page-table walk per 4 KiB page; a
 * thread's own buffer, reused and backed by one transparent huge page, costs
 * neither.
 */
#ifndef RECFS_TBUF_H
#define RECFS_TBUF_H

#include <stddef.h>

/* What a buffer is for: each slot is one buffer per thread. */
enum tbuf_slot {
	TBUF_CIPHER,	/* ciphertext read from a blob (blob.c) */
	TBUF_PLAIN,	/* plaintext of one read of the mount (the daemon's read handler) */
	TBUF_SLOTS
};

/* The largest buffer tbuf_get gives: one 2 MiB huge page. */
#define TBUF_MAX ((size_t)2 << 20)

/*
 * A buffer of at least len bytes that belongs to the calling thread's
 * slot: aligned to TBUF_MAX (so also to any O_DIRECT alignment), advised
 * to use a transparent huge page, and valid until the same thread calls
 * tbuf_get for the same slot again or exits.  Its contents are undefined
 * (whatever that thread's previous use left).  The caller never frees it;
 * one who puts personal data in it wipes what it wrote (crypto_memzero)
 * when done, and the thread's exit wipes and unmaps the whole buffer
 * anyway.  Memory: at most TBUF_MAX per slot per thread that asked.
 * NULL (errno untouched) when len is 0 or above TBUF_MAX or the mapping
 * fails: the caller then uses a buffer of its own.  Thread-safe: nothing is
 * shared between threads.
 */
void *tbuf_get(enum tbuf_slot slot, size_t len);

/* Wipe and unmap the calling thread's buffers now (a test, or a thread
 * about to idle for long); the next tbuf_get maps a new one. */
void tbuf_release(void);

#endif
