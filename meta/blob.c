/*
 * blob.c - encrypted artifact files (format in blob.h).
 *
 * A blob is written once, streaming one chunk at a time, and never changed;
 * the file is created O_EXCL so an existing artifact is never overwritten,
 * and removed again when writing fails.  A blob_reader is immutable after
 * blob_reader_open (fd, header, length, its own copy of the DEK), so
 * blob_read may run on many threads at once: it uses pread and buffers of
 * its own call only, except that the ciphertext of a long span goes into
 * the calling thread's own buffer (tbuf.h).  Every chunk is authenticated
 * before a byte of it reaches the caller; a whole chunk that fits the
 * caller's buffer is decrypted straight into it, a partial one goes
 * through a scratch chunk that is wiped afterwards.  Any failure wipes the
 * caller's buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "blob_i.h"
#include "tbuf.h"

#define BLOB_MAGIC "RECFSBL1"
#define BLOB_MAGIC_BYTES 8
/* Header field offsets. */
#define H_VERSION 8
#define H_CHUNK 12
#define H_ID 16
#define H_LENGTH 32
#define H_NONCE 40
/* Additional data of a chunk: header || le64(index) || u8 last. */
#define AD_BYTES (BLOB_HEADER_BYTES + 8 + 1)
/* Far beyond any recording; keeps every offset computation inside off_t. */
#define BLOB_MAX_LENGTH ((uint64_t)1 << 50)
#define DIRECT_ALIGN 4096
#define DFD_NONE (-1)
#define DFD_NO (-2)

_Static_assert(H_NONCE + CRYPTO_NONCE_BYTES == BLOB_HEADER_BYTES, "blob header layout");
_Static_assert(H_ID + RECFS_ID_BYTES == H_LENGTH, "blob header layout");

struct blob_reader {
	int fd;
	int dfd;		/* atomic: O_DIRECT fd, DFD_NONE until needed, DFD_NO if refused */
	int dirfd;		/* path is relative to it (blob_reader_openat) */
	char *path;
	struct crypto_key *dek;
	uint8_t header[BLOB_HEADER_BYTES];
	uint64_t length;
	uint64_t nchunks;
	uint32_t chunk;		/* plaintext bytes per chunk, from the header */
	char id[RECFS_ID_HEX]; /* for messages */
};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The chunk size is the blob's own (its header says it): the first blobs
 * have 64 KiB chunks, later ones 16 KiB, new ones BLOB_CHUNK_SIZE. */
static int chunk_size_ok(uint32_t cs)
{
	return cs >= BLOB_CHUNK_MIN && cs <= BLOB_CHUNK_MAX && (cs & (cs - 1)) == 0;
}

static uint64_t chunk_count(uint64_t len, uint32_t cs)
{
	uint64_t n = len / cs + (len % cs != 0);

	return n ? n : 1;
}

/* Plaintext bytes in chunk i of a blob of len bytes. */
static size_t chunk_len(uint64_t len, uint64_t i, uint32_t cs)
{
	uint64_t start = i * cs;

	return len - start < cs ? (size_t)(len - start) : cs;
}

static off_t chunk_offset(uint64_t i, uint32_t cs)
{
	return (off_t)(BLOB_HEADER_BYTES + i * ((uint64_t)cs + CRYPTO_TAG_BYTES));
}

uint64_t blob_disk_size(uint64_t len, uint32_t chunk)
{
	return BLOB_HEADER_BYTES + chunk_count(len, chunk) * CRYPTO_TAG_BYTES + len;
}

static void chunk_nonce(uint8_t nonce[CRYPTO_NONCE_BYTES], const uint8_t header[BLOB_HEADER_BYTES], uint64_t i)
{
	memcpy(nonce, header + H_NONCE, CRYPTO_NONCE_BYTES);
	for (int b = 0; b < 8; b++)
		nonce[b] ^= (uint8_t)(i >> (8 * b));
}

static void chunk_ad(uint8_t ad[AD_BYTES], const uint8_t header[BLOB_HEADER_BYTES], uint64_t i, uint64_t n)
{
	memcpy(ad, header, BLOB_HEADER_BYTES);
	put_le64(ad + BLOB_HEADER_BYTES, i);
	ad[BLOB_HEADER_BYTES + 8] = i == n - 1;
}

/* Read exactly len bytes from the current position; -EIO when the input
 * ends early. */
static int read_exact(int fd, uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* blob_write_fd's source: ctx points to the fd. */
static int fd_source(void *ctx, void *buf, size_t len)
{
	return read_exact(*(int *)ctx, buf, len);
}

/* Ciphertext is written in runs of about this many bytes, whole chunks. */
#define WRITE_RUN (256u << 10)

/*
 * The writer behind every public entry: plaintext comes from src when it is
 * not NULL, else from fn one chunk at a time.  Sealed chunks are gathered
 * into runs of WRITE_RUN bytes, one write(2) each.  With sync the file is
 * fsync'd; without, its writeback is started (sync_file_range) and the
 * caller makes it durable with blob_sync.
 */
static int write_blob(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
		      void *ctx, const uint8_t *src, uint64_t len, const uint8_t nonce[CRYPTO_NONCE_BYTES],
		      uint32_t cs, int sync)
{
	uint8_t header[BLOB_HEADER_BYTES] = { 0 };
	uint8_t ad[AD_BYTES], cnonce[CRYPTO_NONCE_BYTES];
	uint8_t *ct = NULL, *pt = NULL;
	uint64_t n, i;
	size_t per_run, used = 0;
	int fd = -1, rc = 0, created = 0;

	if (!dek || dek->len != CRYPTO_DEK_BYTES)
		return meta_fail(-EINVAL, "blob %s: data key of the wrong size", path);
	if (crypto_unhex(header + H_ID, RECFS_ID_BYTES, id))
		return meta_fail(-EINVAL, "blob %s: malformed artifact id", path);
	if (len > BLOB_MAX_LENGTH)
		return meta_fail(-EFBIG, "blob %s: input too large", path);
	if (!chunk_size_ok(cs))
		return meta_fail(-EINVAL, "blob %s: chunk size %u is not a power of two in 4 KiB..1 MiB", path, cs);
	memcpy(header, BLOB_MAGIC, BLOB_MAGIC_BYTES);
	put_le32(header + H_VERSION, BLOB_VERSION);
	put_le32(header + H_CHUNK, cs);
	put_le64(header + H_LENGTH, len);
	memcpy(header + H_NONCE, nonce, CRYPTO_NONCE_BYTES);

	per_run = WRITE_RUN / ((size_t)cs + CRYPTO_TAG_BYTES);
	if (per_run == 0)
		per_run = 1;
	ct = malloc(per_run * ((size_t)cs + CRYPTO_TAG_BYTES));
	if (!src)
		pt = malloc(cs);
	if (!ct || (!src && !pt)) {
		rc = -ENOMEM;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0400);
	if (fd < 0) {
		rc = meta_fail(-errno, "cannot create blob %s: %s", path, strerror(errno));
		goto out;
	}
	created = 1;
	rc = util_adopt_owner(fd, path);
	if (rc)
		meta_fail(rc, "cannot give blob %s the owner of its folder: %s", path, strerror(-rc));
	if (rc == 0 && (rc = util_write_all(fd, header, sizeof(header))))
		meta_fail(rc, "cannot write blob %s: %s", path, strerror(-rc));
	n = chunk_count(len, cs);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t clen = chunk_len(len, i, cs);
		const uint8_t *p = src ? src + i * cs : pt;

		if (!src) {
			rc = fn(ctx, pt, clen);
			if (rc) {
				if (rc == -EIO)
					meta_fail(rc, "blob %s: input ended before %llu bytes", path,
						  (unsigned long long)len);
				else
					meta_fail(rc, "blob %s: cannot read input: %s", path, strerror(-rc));
				break;
			}
		}
		chunk_nonce(cnonce, header, i);
		chunk_ad(ad, header, i, n);
		rc = crypto_aead_seal(ct + used, p, clen, ad, sizeof(ad), cnonce, dek);
		used += clen + CRYPTO_TAG_BYTES;
		/* Only the last chunk may be short: a run is whole chunks. */
		if (rc == 0 && (i + 1 == n || used == per_run * ((size_t)cs + CRYPTO_TAG_BYTES))) {
			rc = util_write_all(fd, ct, used);
			used = 0;
		}
		if (rc)
			meta_fail(rc, "cannot write blob %s: %s", path, strerror(-rc));
	}
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = meta_fail(-errno, "cannot write blob %s: %s", path, strerror(errno));
	/* Start the writeback now: blob_sync then mostly waits for it. */
	if (rc == 0 && !sync)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (close(fd) < 0 && rc == 0)
		rc = meta_fail(-errno, "cannot write blob %s: %s", path, strerror(errno));
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (rc && created)
		unlink(path);
	crypto_freezero(pt, cs);
	free(ct);
	return rc;
}

static int write_fd(const char *path, const char *id, const struct crypto_key *dek, int src_fd, uint64_t len,
		    int sync)
{
	uint8_t nonce[CRYPTO_NONCE_BYTES];

	if (src_fd < 0)
		return -EBADF;
	crypto_random(nonce, sizeof(nonce));
	return write_blob(path, id, dek, fd_source, &src_fd, NULL, len, nonce, BLOB_CHUNK_SIZE, sync);
}

static int write_source(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
			void *ctx, uint64_t len, int sync)
{
	uint8_t nonce[CRYPTO_NONCE_BYTES];

	if (!fn)
		return -EINVAL;
	crypto_random(nonce, sizeof(nonce));
	return write_blob(path, id, dek, fn, ctx, NULL, len, nonce, BLOB_CHUNK_SIZE, sync);
}

int blob_write_fd(const char *path, const char *id, const struct crypto_key *dek, int src_fd, uint64_t len)
{
	return write_fd(path, id, dek, src_fd, len, 1);
}

int blob_write_fd_nosync(const char *path, const char *id, const struct crypto_key *dek, int src_fd, uint64_t len)
{
	return write_fd(path, id, dek, src_fd, len, 0);
}

int blob_write_source(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
		      void *ctx, uint64_t len)
{
	return write_source(path, id, dek, fn, ctx, len, 1);
}

int blob_write_source_nosync(const char *path, const char *id, const struct crypto_key *dek, blob_source_fn fn,
			     void *ctx, uint64_t len)
{
	return write_source(path, id, dek, fn, ctx, len, 0);
}

int blob_sync(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 0;

	if (fd < 0)
		return meta_fail(-errno, "cannot open blob %s: %s", path, strerror(errno));
	/* The length is metadata a read needs: fdatasync writes it too. */
	if (fdatasync(fd) < 0)
		rc = meta_fail(-errno, "cannot write blob %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

int blob_write_buffer(const char *path, const char *id, const struct crypto_key *dek, const void *buf,
		      uint64_t len)
{
	uint8_t nonce[CRYPTO_NONCE_BYTES];

	crypto_random(nonce, sizeof(nonce));
	return blob_write_buffer_nonce(path, id, dek, buf, len, nonce, BLOB_CHUNK_SIZE);
}

int blob_write_buffer_nonce(const char *path, const char *id, const struct crypto_key *dek, const void *buf,
			    uint64_t len, const uint8_t nonce[CRYPTO_NONCE_BYTES], uint32_t chunk)
{
	static const uint8_t empty[1];

	if (!buf && len)
		return -EINVAL;
	return write_blob(path, id, dek, NULL, NULL, buf ? buf : empty, len, nonce, chunk, 1);
}

int blob_reader_open(const char *path, const char *id, const struct crypto_key *dek, uint64_t expect_len,
		     struct blob_reader **out)
{
	return blob_reader_openat(AT_FDCWD, path, id, dek, expect_len, out);
}

int blob_reader_openat(int dirfd, const char *path, const char *id, const struct crypto_key *dek,
		       uint64_t expect_len, struct blob_reader **out)
{
	struct blob_reader *r = NULL;
	uint8_t want_id[RECFS_ID_BYTES];
	struct stat st;
	uint64_t len;
	int fd = -1, rc;

	if (!dek || dek->len != CRYPTO_DEK_BYTES)
		return meta_fail(-EINVAL, "blob %s: data key of the wrong size", path);
	if (crypto_unhex(want_id, sizeof(want_id), id))
		return meta_fail(-EINVAL, "blob %s: malformed artifact id", path);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return meta_fail(-errno, "cannot open blob %s: %s", path, strerror(errno));
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->dfd = DFD_NONE;
	r->dirfd = dirfd;
	r->path = xstrdup(path);
	if (fstat(fd, &st) < 0) {
		rc = meta_fail(-errno, "cannot stat blob %s: %s", path, strerror(errno));
		goto out;
	}
	rc = -EIO;
	if (!S_ISREG(st.st_mode) || util_pread_all(fd, r->header, BLOB_HEADER_BYTES, 0)) {
		meta_fail(rc, "blob %s: not a blob (unreadable header)", path);
		goto out;
	}
	len = get_le64(r->header + H_LENGTH);
	r->chunk = get_le32(r->header + H_CHUNK);
	if (memcmp(r->header, BLOB_MAGIC, BLOB_MAGIC_BYTES) || get_le32(r->header + H_VERSION) != BLOB_VERSION ||
	    !chunk_size_ok(r->chunk)) {
		meta_fail(rc, "blob %s: not a version %d blob", path, BLOB_VERSION);
		goto out;
	}
	if (memcmp(r->header + H_ID, want_id, RECFS_ID_BYTES)) {
		meta_fail(rc, "blob %s: belongs to another artifact", path);
		goto out;
	}
	if ((expect_len != UINT64_MAX && len != expect_len) || len > BLOB_MAX_LENGTH ||
	    (uint64_t)st.st_size != blob_disk_size(len, r->chunk)) {
		meta_fail(rc, "blob %s: length does not match (truncated or altered)", path);
		goto out;
	}
	r->dek = crypto_key_new(CRYPTO_DEK_BYTES, 0);
	if (!r->dek) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(r->dek->bytes, dek->bytes, CRYPTO_DEK_BYTES);
	r->length = len;
	r->nchunks = chunk_count(len, r->chunk);
	memcpy(r->id, id, RECFS_ID_HEX - 1);
	*out = r;
	r = NULL;
	rc = 0;
out:
	blob_reader_close(r);
	return rc;
}

int blob_chunk_size(const char *path, uint32_t *chunk)
{
	uint8_t h[BLOB_HEADER_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;

	if (fd < 0)
		return -errno;
	rc = util_pread_all(fd, h, sizeof(h), 0);
	close(fd);
	if (rc || memcmp(h, BLOB_MAGIC, BLOB_MAGIC_BYTES) || get_le32(h + H_VERSION) != BLOB_VERSION ||
	    !chunk_size_ok(get_le32(h + H_CHUNK)))
		return meta_fail(-EIO, "%s is not a version %d blob", path, BLOB_VERSION);
	*chunk = get_le32(h + H_CHUNK);
	return 0;
}

uint64_t blob_reader_length(const struct blob_reader *r)
{
	return r->length;
}

/*
 * Authenticate and decrypt chunk i, whose ciphertext and tag are at ct,
 * into pt (chunk_len bytes).  -EIO on failure, pt wiped.
 */
static int open_chunk(const struct blob_reader *r, uint64_t i, const uint8_t *ct, uint8_t *pt)
{
	uint8_t ad[AD_BYTES], nonce[CRYPTO_NONCE_BYTES];
	size_t clen = chunk_len(r->length, i, r->chunk);

	chunk_nonce(nonce, r->header, i);
	chunk_ad(ad, r->header, i, r->nchunks);
	if (crypto_aead_open(pt, ct, clen + CRYPTO_TAG_BYTES, ad, sizeof(ad), nonce, r->dek))
		return meta_fail(-EIO, "blob %s: chunk %llu fails authentication (altered, or wrong key)",
				 r->id, (unsigned long long)i);
	return 0;
}

/*
 * The O_DIRECT descriptor of r, opened on first use by whichever thread
 * gets there (the others close theirs); -1 when the file system refuses
 * O_DIRECT (tmpfs), which is then not asked again.
 */
static int direct_fd(struct blob_reader *r)
{
	int fd = __atomic_load_n(&r->dfd, __ATOMIC_ACQUIRE), expect = DFD_NONE;

	if (fd != DFD_NONE)
		return fd >= 0 ? fd : -1;
	fd = openat(r->dirfd, r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECT);
	if (fd < 0)
		fd = DFD_NO;
	if (!__atomic_compare_exchange_n(&r->dfd, &expect, fd, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (fd >= 0)
			close(fd);
		fd = expect;
	}
	return fd >= 0 ? fd : -1;
}

/*
 * The ciphertext of a long span: the calling thread's buffer (tbuf.h: no
 * page faults, one huge page for the kernel to pin) when it fits, else one
 * of its own (*own, for the caller to free).  NULL when out of memory.
 */
static uint8_t *span_buf(size_t len, uint8_t **own)
{
	uint8_t *p = tbuf_get(TBUF_CIPHER, len);

	*own = NULL;
	if (!p && posix_memalign((void **)own, DIRECT_ALIGN, len) == 0)
		p = *own;
	return p;
}

/*
 * A large span (a sequential read) past the page cache: the disk writes
 * straight into the buffer (span_buf; *own to free), saving the copy out
 * of the page cache that was about half of the daemon's time on a long
 * read, and not filling the cache with ciphertext the kernel keeps
 * decrypted anyway.  *ct points at the span inside it.  -1: do a plain
 * read instead (nothing to free).
 */
static int read_direct(struct blob_reader *r, off_t start, size_t span, uint8_t **own, const uint8_t **ct)
{
	off_t a = start & ~(off_t)(DIRECT_ALIGN - 1);
	size_t want = (size_t)(start - a) + span, len = (want + DIRECT_ALIGN - 1) & ~(size_t)(DIRECT_ALIGN - 1);
	size_t got = 0;
	int fd = direct_fd(r);
	uint8_t *buf;

	if (fd < 0 || !(buf = span_buf(len, own)))
		return -1;
	while (got < want) {
		ssize_t n = pread(fd, buf + got, len - got, a + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got % DIRECT_ALIGN)
			break;	/* end of file */
	}
	if (got < want) {
		free(*own);
		*own = NULL;
		return -1;
	}
	*ct = buf + (start - a);
	return 0;
}

/*
 * Chunks first..last: their ciphertext is read with one pread (a FUSE read
 * of 128 KiB is one system call, not eight), then each chunk is decrypted,
 * straight into buf when wholly inside the range.
 */
static int read_chunks(struct blob_reader *r, uint8_t *buf, uint64_t off, uint64_t n, uint64_t first,
		       uint64_t last)
{
	off_t start = chunk_offset(first, r->chunk);
	size_t span = (size_t)(chunk_offset(last, r->chunk) - start) + chunk_len(r->length, last, r->chunk) +
		      CRYPTO_TAG_BYTES;
	uint8_t *mem = NULL, *scratch = NULL, *raw;
	const uint8_t *ct = NULL;
	int rc = 0;

	if (span < BLOB_DIRECT_MIN || read_direct(r, start, span, &mem, &ct) < 0) {
		/* A short span (a small file, a random read) takes no thread
		 * buffer: a worker that never streams keeps none. */
		if (span < BLOB_DIRECT_MIN)
			raw = mem = malloc(span);
		else
			raw = span_buf(span, &mem);
		if (!raw)
			return -ENOMEM;
		ct = raw;
		if (util_pread_all(r->fd, raw, span, start)) {
			rc = meta_fail(-EIO, "blob %s: chunks %llu..%llu unreadable", r->id,
				       (unsigned long long)first, (unsigned long long)last);
			goto out;
		}
	}
	for (uint64_t i = first; i <= last; i++) {
		uint64_t cstart = i * r->chunk;
		size_t clen = chunk_len(r->length, i, r->chunk);
		size_t from = off > cstart ? (size_t)(off - cstart) : 0;
		size_t to = off + n < cstart + clen ? (size_t)(off + n - cstart) : clen;
		const uint8_t *c = ct + (chunk_offset(i, r->chunk) - start);
		uint8_t *dst = buf + (cstart + from - off);

		if (from == 0 && to == clen) {
			rc = open_chunk(r, i, c, dst);
		} else {
			if (!scratch && !(scratch = malloc(r->chunk))) {
				rc = -ENOMEM;
				break;
			}
			rc = open_chunk(r, i, c, scratch);
			if (rc == 0)
				memcpy(dst, scratch + from, to - from);
		}
		if (rc)
			break;
	}
out:
	crypto_freezero(scratch, r->chunk);
	free(mem);
	return rc;
}

ssize_t blob_read(struct blob_reader *r, void *buf, size_t len, uint64_t off)
{
	uint64_t n;
	int rc;

	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (off >= r->length || len == 0) {
		uint8_t none[1];

		/* The single chunk of an empty blob is tiny: authenticate it,
		 * so that a forged "empty" blob never reads as genuine. */
		if (r->length != 0)
			return 0;
		rc = read_chunks(r, none, 0, 0, 0, 0);
		if (rc)
			crypto_memzero(buf, len);
		return rc;
	}
	n = r->length - off < len ? r->length - off : len;
	rc = read_chunks(r, buf, off, n, off / r->chunk, (off + n - 1) / r->chunk);
	if (rc) {
		crypto_memzero(buf, len);
		return rc;
	}
	return (ssize_t)n;
}

int blob_verify(struct blob_reader *r)
{
	return blob_verify_each(r, NULL, NULL);
}

int blob_verify_each(struct blob_reader *r, void (*fn)(void *ctx, const void *buf, size_t len), void *ctx)
{
	uint8_t *pt = malloc(r->chunk);
	int rc = 0;

	if (!pt)
		return -ENOMEM;
	for (uint64_t i = 0; rc == 0 && i < r->nchunks; i++) {
		size_t clen = chunk_len(r->length, i, r->chunk);

		rc = read_chunks(r, pt, i * r->chunk, clen, i, i);
		if (rc == 0 && fn && clen)
			fn(ctx, pt, clen);
	}
	crypto_freezero(pt, r->chunk);
	return rc;
}

void blob_reader_close(struct blob_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->dfd >= 0)
		close(r->dfd);
	free(r->path);
	crypto_key_free(r->dek);
	free(r);
}
