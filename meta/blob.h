/*
 * blob.h - the encrypted artifact file (REGISTER/blobs/xx/<artifact id>).
 *
 * Format version 1, all integers little-endian:
 *
 *   header (BLOB_HEADER_BYTES = 64)
 *     magic       8   "RECFSBL1"
 *     version     4   1
 *     chunk_size  4   plaintext bytes per chunk: a power of two, 4 KiB..1 MiB
 *                     (16 KiB when written now; 64 KiB in older blobs)
 *     artifact   16   artifact id (raw bytes)
 *     length      8   plaintext length
 *     nonce      24   random per blob
 *   chunks, n = max(1, ceil(length / chunk_size)); chunk i at
 *     64 + i * (chunk_size + CRYPTO_TAG_BYTES), ciphertext || tag,
 *     XChaCha20-Poly1305 under the artifact's DEK with
 *     nonce = header nonce XOR le64(i) in its first 8 bytes,
 *     ad    = the 64 header bytes || le64(i) || u8 last (1 on chunk n-1).
 *
 * Binding the whole header into every chunk's additional data means a chunk
 * cannot be moved to another index, another blob or another length; the
 * last flag means a blob cut at a chunk boundary fails; an empty plaintext
 * still has one (authenticated) chunk.  A failed check is -EIO for callers
 * and never yields plaintext.
 */
#ifndef RECFS_BLOB_H
#define RECFS_BLOB_H

#include <stdint.h>
#include <sys/types.h>

#include "crypto.h"
#include "util.h"

#define BLOB_HEADER_BYTES 64
/* 4 KiB: the kernel asks for a random read in 4 KiB, which then decrypts
 * only that.  Measured here against 16 KiB chunks: 26 % more random 4 KiB
 * reads per second, 5 % less sequential throughput; the tags cost 0.4 %. */
#define BLOB_CHUNK_SIZE 4096
#define BLOB_CHUNK_MIN 4096
/* A blob_read whose ciphertext spans this much or more goes past the page
 * cache (O_DIRECT): the long reads of a stream.  Less, and the first reads
 * of a file, use the page cache, which read-ahead may have filled. */
#define BLOB_DIRECT_MIN (512u << 10)
#define BLOB_CHUNK_MAX (1024 * 1024)
#define BLOB_VERSION 1

/* Bytes on disk of a blob holding len plaintext bytes in chunks of chunk. */
uint64_t blob_disk_size(uint64_t len, uint32_t chunk);
/* The chunk size a blob's header gives (no key needed), after checking
 * magic and version; -EIO when it is not a blob. */
int blob_chunk_size(const char *path, uint32_t *chunk) MUST_CHECK;

/*
 * Encrypt len bytes read from src_fd (from its current position) into a new
 * file at path (created O_EXCL, mode 0400, fsync'd; the caller fsyncs the
 * directory).  The file takes the owner and group of its folder
 * (util_adopt_owner), so a blob root writes into a register of another
 * owner is that owner's.  id is the artifact id in hex.  On failure the
 * partial file is removed.  -EIO on short input; errors of
 * util_adopt_owner.
 */
int blob_write_fd(const char *path, const char *id, const struct crypto_key *dek, int src_fd,
		  uint64_t len) MUST_CHECK;
/*
 * A source of plaintext for blob_write_source: copy the next len bytes into
 * buf and return 0, or return a negative errno (-EIO when the input ends
 * before len bytes).  Called in order, one chunk at a time, never with len
 * 0 unless the blob is empty.
 */
typedef int (*blob_source_fn)(void *ctx, void *buf, size_t len);
/*
 * The same with plaintext that fn makes on the fly (an input rewritten
 * while it is stored): exactly len bytes are asked of fn(ctx, ...).  A
 * failure of fn fails the write, which removes the partial file.  -EINVAL
 * when fn is NULL.
 */
int blob_write_source(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
		      void *ctx, uint64_t len) MUST_CHECK;
/*
 * blob_write_fd and blob_write_source without the fsync: the file is
 * written and its writeback started (sync_file_range), nothing more.  Many
 * blobs written so and then made durable one after another with blob_sync
 * cost about one disk flush, not one each.  The caller must blob_sync the
 * file and fsync its directory before anything (a catalog row) names it;
 * until then a crash may leave it short or absent, an orphan that fsck
 * --repair removes.  Errors as blob_write_fd and blob_write_source.
 */
int blob_write_fd_nosync(const char *path, const char *id, const struct crypto_key *dek, int src_fd,
			 uint64_t len) MUST_CHECK;
int blob_write_source_nosync(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
			     void *ctx, uint64_t len) MUST_CHECK;
/*
 * Make the blob at path durable (fdatasync, which writes its length too):
 * the second half of blob_write_*_nosync.  The directory is the caller's to
 * fsync.  -errno of open(2) (-ENOENT when it is missing) or of fdatasync(2)
 * (-EIO, -ENOSPC), with meta_errmsg() set.
 */
int blob_sync(const char *path) MUST_CHECK;
/* The same from a buffer. */
int blob_write_buffer(const char *path, const char *id, const struct crypto_key *dek, const void *buf,
		      uint64_t len) MUST_CHECK;

struct blob_reader;

/*
 * Open a blob for random-access reads.  Checks magic, version, chunk size,
 * that the header names artifact `id`, that the header length equals
 * expect_len (pass UINT64_MAX to skip), and the file size.  The reader keeps
 * its own copy of dek (guarded memory).  -ENOENT when missing, -EIO on any
 * mismatch.  *out owned by the caller: blob_reader_close.
 */
int blob_reader_open(const char *path, const char *id, const struct crypto_key *dek, uint64_t expect_len,
		     struct blob_reader **out) MUST_CHECK;
/*
 * blob_reader_open with path relative to the directory descriptor dirfd
 * (openat(2); AT_FDCWD: as blob_reader_open), e.g. reg_blob_at's.  The
 * reader opens path again through dirfd later (its O_DIRECT descriptor for
 * long reads), so dirfd must stay open until blob_reader_close; it is not
 * closed by the reader.  Same checks and errors, with -errno of openat.
 */
int blob_reader_openat(int dirfd, const char *path, const char *id, const struct crypto_key *dek,
		       uint64_t expect_len, struct blob_reader **out) MUST_CHECK;
/* Plaintext length from the header. */
uint64_t blob_reader_length(const struct blob_reader *r);
/*
 * Read up to len plaintext bytes at off into buf; decrypts only the chunks
 * touched.  Returns the byte count (0 at or past the end) or -EIO when a
 * chunk fails authentication (buf is then wiped), -ENOMEM.  Safe to call
 * from several threads at once on one reader.  The ciphertext of a span
 * of BLOB_DIRECT_MIN or more goes through the calling thread's TBUF_CIPHER
 * buffer (tbuf.h), which a caller must not hold across the call.
 */
ssize_t blob_read(struct blob_reader *r, void *buf, size_t len, uint64_t off) MUST_CHECK;
/* Authenticate every chunk (fsck).  0 or -EIO. */
int blob_verify(struct blob_reader *r) MUST_CHECK;
/* blob_verify, handing fn (when not NULL) each chunk's plaintext in order,
 * once it is authenticated; the buffer is wiped after the last.  A chunk
 * that fails stops it (-EIO): fn has then seen only the ones before. */
int blob_verify_each(struct blob_reader *r, void (*fn)(void *ctx, const void *buf, size_t len), void *ctx) MUST_CHECK;
/* NULL is fine. */
void blob_reader_close(struct blob_reader *r);

#endif
