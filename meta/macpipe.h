/*
 * macpipe.h - keyed hashes of streams, computed on a thread of their own.
 *
 * Ingest hashes every byte of a recording's audio as it writes it (the
 * key by which a recording sent again is known, ingest.c audio_key), and
 * libsodium's BLAKE2b costs more per byte than the encryption of the same
 * bytes.  Fed through a pipe, the hash runs on another core while the
 * caller's thread encrypts and writes: the caller pays a copy.  A pipe
 * serves one stream at a time and any number in turn (a group of
 * manifests), so that its thread and buffers are made once.  The result is
 * crypto_mac_stream's over the same bytes in the same order, whether they
 * went through the thread or, when none could be had, were hashed on the
 * caller's thread.
 */
#ifndef RECFS_MACPIPE_H
#define RECFS_MACPIPE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct mac_pipe;

/* What the caller copies before the thread is handed it. */
#define MACPIPE_SLOT_BYTES ((size_t)128 * 1024)

/*
 * A pipe, with no stream yet.  threaded: 1 to hash on a thread of the
 * pipe's own; 0, or when its buffers or thread cannot be had, every
 * mac_pipe_add hashes on the caller's thread.  NULL when out of memory.
 * The thread blocks every signal, holds no lock while it hashes, and wipes
 * each buffer it has hashed; it lives until mac_pipe_free.  Not for more
 * than one caller thread at a time.
 */
struct mac_pipe *mac_pipe_new(int threaded);

/* Start hashing into m, which the pipe owns from now on, until
 * mac_pipe_end or mac_pipe_cancel.  The pipe has no stream in hand. */
void mac_pipe_start(struct mac_pipe *p, struct crypto_mac_stream *m);

/*
 * Add len bytes of data to the stream in hand.  The bytes are copied into
 * guarded memory (crypto_secure_alloc): the caller's buffer is its own
 * again on return.  Waits only while the thread is more than
 * MACPIPE_SLOT_BYTES behind.
 */
void mac_pipe_add(struct mac_pipe *p, const void *data, size_t len);

/* The hash of everything added since mac_pipe_start; the stream is freed
 * and the pipe ready for another.  Waits for the slots the thread holds;
 * the last part, less than a slot, is hashed on the caller's thread, so a
 * stream shorter than a slot never wakes the thread. */
void mac_pipe_end(struct mac_pipe *p, uint8_t out[CRYPTO_MAC_BYTES]);

/* The stream in hand freed without a result (an error on the way); the
 * pipe ready for another. */
void mac_pipe_cancel(struct mac_pipe *p);

/* End the thread and free p, and the stream in hand if any (as
 * mac_pipe_cancel).  NULL is a no-op. */
void mac_pipe_free(struct mac_pipe *p);

#endif
