/*
 * opus.h - Ogg Opus through libopusfile: validating audio at ingest and
 * serving the on-the-fly WAV view (16-bit PCM, 48 kHz, the stream's
 * channels) with random access.
 */
#ifndef RECFS_OPUS_H
#define RECFS_OPUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define OPUS_WAV_HEADER_BYTES 44
#define OPUS_RATE 48000

struct opus_info {
	int channels;		/* 1..8 */
	uint64_t pcm_samples;	/* per channel, at 48 kHz */
	uint64_t duration_ms;
};

/*
 * Open the Ogg Opus file at path and check it: it must open, be seekable,
 * have one channel count over all links and a non-zero length.  -EINVAL with
 * a message (meta_errmsg) saying what is wrong, e.g. "audio is not an Ogg
 * Opus stream".
 */
int opus_probe_file(const char *path, struct opus_info *out) MUST_CHECK;

/* Exact size of the WAV view. */
uint64_t opus_wav_size(const struct opus_info *info);

/*
 * A source of Opus bytes: read len bytes at off into buf, returning the
 * count (0 at end) or a negative errno.  Used to decode straight from a
 * decrypting blob reader.
 */
typedef ssize_t (*opus_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

struct opus_wav;

/* A WAV view over an Opus source of size bytes.  -EIO when it does not open
 * as Opus.  Not thread-safe: one per open file, callers serialise. */
int opus_wav_open(opus_read_fn fn, void *ctx, uint64_t size, const struct opus_info *info,
		  struct opus_wav **out) MUST_CHECK;
/* Read WAV bytes (header and PCM) at off; seeks the decoder when off is not
 * where the last read stopped.  Returns the count, 0 at end, -EIO. */
ssize_t opus_wav_read(struct opus_wav *w, void *buf, size_t len, uint64_t off) MUST_CHECK;
/* NULL is fine. */
void opus_wav_close(struct opus_wav *w);

#endif
