/*
 * test_blob.c - encrypted artifact files: round trips at every awkward
 * size, random access, concurrent readers, streaming writes (from an fd or
 * a source function), and tampering
 * of every kind (each must be -EIO with no plaintext in the buffer), plus
 * the frozen known-answer fixture tests/fixtures/blob-v1.bin.
 *
 *   build/tests/test_blob                  run the tests
 *   build/tests/test_blob --write-fixtures regenerate the fixture (then
 *                                          commit it; it is frozen)
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

#include "blob.h"
#include "blob_i.h"

#define CS BLOB_CHUNK_SIZE
#define CT (BLOB_CHUNK_SIZE + CRYPTO_TAG_BYTES)
/* The frozen fixture was written with 64 KiB chunks, as every blob was
 * before BLOB_CHUNK_SIZE became 16 KiB: readers must keep reading it. */
#define FIXTURE_CHUNK 65536
#define BIG 150000 /* several chunks, the last one partial */

static const char ID_A[] = "00112233445566778899aabbccddeeff";
static const char ID_B[] = "ffeeddccbbaa99887766554433221100";

static char *tmpdir;
static uint8_t *plain;
static struct crypto_key *dek_a, *dek_b;
static int path_seq;

static uint8_t pattern(size_t i)
{
	return (uint8_t)((i * 31 + (i >> 9)) ^ 0xa5);
}

static char *new_path(void)
{
	return xasprintf("%s/b%d", tmpdir, path_seq++);
}

static const char *fixtures_dir(void)
{
	const char *e = getenv("RECFS_FIXTURES");

	return e && *e ? e : "tests/fixtures";
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static struct crypto_key *fixed_key(size_t len, uint8_t start)
{
	struct crypto_key *k = crypto_key_new(len, 0);

	for (size_t i = 0; i < len; i++)
		k->bytes[i] = (uint8_t)(start + i);
	return k;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Plain (non-durable) write of a tampered copy; mode 0600. */
static void write_raw(const char *path, const uint8_t *buf, size_t len)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(util_write_all(fd, buf, len), 0);
	close(fd);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;

	if (util_read_file(path, 1 << 26, &buf, len))
		return NULL;
	return buf;
}

static char *make_blob(const char *id, const struct crypto_key *dek, size_t len)
{
	char *path = new_path();

	CHECK_EQ(blob_write_buffer(path, id, dek, plain, len), 0);
	return path;
}

/* Open and read everything; the count, or the first error. */
static ssize_t read_whole(const char *path, const char *id, const struct crypto_key *dek, uint64_t expect,
			  uint8_t *buf, size_t cap)
{
	struct blob_reader *r = NULL;
	ssize_t n;
	int rc;

	rc = blob_reader_open(path, id, dek, expect, &r);
	if (rc)
		return rc;
	n = blob_read(r, buf, cap, 0);
	blob_reader_close(r);
	return n;
}

/*
 * The file at path must not yield plaintext: open fails with -EIO, or the
 * read does and leaves the buffer zeroed, and fsck agrees.
 */
static int expect_tampered(const char *path, const char *id, const struct crypto_key *dek)
{
	struct blob_reader *r = NULL;
	size_t cap = BIG + CS;
	uint8_t *buf = malloc(cap);
	int before = t_failed_checks;
	ssize_t n;
	int rc;

	rc = blob_reader_open(path, id, dek, UINT64_MAX, &r);
	if (rc) {
		CHECK_EQ(rc, -EIO);
		goto out;
	}
	memset(buf, 0x55, cap);
	n = blob_read(r, buf, cap, 0);
	CHECK_EQ(n, -EIO);
	CHECK(all_zero(buf, cap));
	if (blob_reader_length(r) > CS) {
		/* A read starting in the last chunk, too. */
		memset(buf, 0x55, cap);
		n = blob_read(r, buf, cap, blob_reader_length(r) - 1);
		CHECK(n == -EIO || (n == 1 && buf[0] == plain[blob_reader_length(r) - 1]));
		if (n < 0)
			CHECK(all_zero(buf, cap));
	}
	CHECK_EQ(blob_verify(r), -EIO);
	blob_reader_close(r);
out:
	free(buf);
	return t_failed_checks == before;
}

TEST(test_blob_round_trips_at_every_boundary_size)
{
	static const size_t sizes[] = { 0, 1, CS - 1, CS, CS + 1, 2 * CS, 2 * CS + 1, BIG };
	uint8_t *buf = malloc(BIG + 10);

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		char *path = make_blob(ID_A, dek_a, sizes[s]);
		struct blob_reader *r = NULL;
		struct stat st;

		CHECK_EQ(stat(path, &st), 0);
		CHECK_EQ(st.st_size, blob_disk_size(sizes[s], CS));
		CHECK_EQ(st.st_mode & 07777, 0400);
		CHECK_EQ(blob_reader_open(path, ID_A, dek_a, sizes[s], &r), 0);
		if (r) {
			CHECK_EQ(blob_reader_length(r), sizes[s]);
			memset(buf, 0, BIG + 10);
			CHECK_EQ(blob_read(r, buf, BIG + 10, 0), sizes[s]);
			CHECK(memcmp(buf, plain, sizes[s]) == 0);
			CHECK_EQ(blob_read(r, buf, 10, sizes[s]), 0);
			CHECK_EQ(blob_read(r, buf, 10, sizes[s] + 12345), 0);
			CHECK_EQ(blob_verify(r), 0);
			blob_reader_close(r);
		}
		free(path);
	}
	free(buf);
}

TEST(test_blob_disk_size_counts_one_tag_per_chunk_and_one_chunk_when_empty)
{
	CHECK_EQ(blob_disk_size(0, CS), BLOB_HEADER_BYTES + CRYPTO_TAG_BYTES);
	CHECK_EQ(blob_disk_size(1, CS), BLOB_HEADER_BYTES + CRYPTO_TAG_BYTES + 1);
	CHECK_EQ(blob_disk_size(CS, CS), BLOB_HEADER_BYTES + CT);
	CHECK_EQ(blob_disk_size(CS + 1, CS), BLOB_HEADER_BYTES + CT + CRYPTO_TAG_BYTES + 1);
}

TEST(test_blob_random_reads_at_odd_offsets_match_the_plaintext)
{
	char *path = make_blob(ID_A, dek_a, BIG);
	struct blob_reader *r = NULL;
	uint8_t *buf = malloc(BIG + 1);
	uint64_t x = 88172645463325252ull;

	CHECK_EQ(blob_reader_open(path, ID_A, dek_a, BIG, &r), 0);
	for (int k = 0; r && k < 400; k++) {
		uint64_t off, len, want;
		ssize_t n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % (BIG + 100);
		len = (x >> 20) % (k % 4 == 0 ? BIG : 3 * 4096 + 7);
		if (k % 10 == 1) /* exact chunk alignment */
			off = (off / CS) * CS, len = CS;
		want = off >= BIG ? 0 : (BIG - off < len ? BIG - off : len);
		n = blob_read(r, buf, len, off);
		CHECK_EQ(n, want);
		if (n > 0 && memcmp(buf, plain + off, (size_t)n)) {
			CHECK(!"read does not match plaintext");
			fprintf(stderr, "  at off %llu len %llu\n", (unsigned long long)off,
				(unsigned long long)len);
		}
	}
	blob_reader_close(r);
	free(buf);
	free(path);
}

struct reader_job {
	struct blob_reader *r;
	uint64_t seed;
	int bad;
};

static void *reader_thread(void *arg)
{
	struct reader_job *j = arg;
	uint8_t *buf = malloc(3 * CS);
	uint64_t x = j->seed;

	for (int k = 0; k < 300; k++) {
		uint64_t off, len, want;
		ssize_t n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % BIG;
		len = (x >> 24) % (3 * CS);
		want = BIG - off < len ? BIG - off : len;
		n = blob_read(j->r, buf, len, off);
		if (n != (ssize_t)want || memcmp(buf, plain + off, want))
			j->bad++;
	}
	free(buf);
	return NULL;
}

TEST(test_blob_reader_serves_concurrent_reads_from_many_threads)
{
	char *path = make_blob(ID_A, dek_a, BIG);
	struct reader_job jobs[8];
	pthread_t th[8];
	struct blob_reader *r = NULL;

	CHECK_EQ(blob_reader_open(path, ID_A, dek_a, BIG, &r), 0);
	for (int i = 0; r && i < 8; i++) {
		jobs[i] = (struct reader_job){ .r = r, .seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) };
		CHECK_EQ(pthread_create(&th[i], NULL, reader_thread, &jobs[i]), 0);
	}
	for (int i = 0; r && i < 8; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(jobs[i].bad, 0);
	}
	blob_reader_close(r);
	free(path);
}

TEST(test_blob_write_fd_streams_from_the_current_position)
{
	char *src = new_path(), *path = new_path();
	uint8_t *buf = malloc(BIG);
	int fd;

	write_raw(src, plain, BIG);
	fd = open(src, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 1000, SEEK_SET), 1000);
	CHECK_EQ(blob_write_fd(path, ID_A, dek_a, fd, BIG - 1000), 0);
	CHECK_EQ(read_whole(path, ID_A, dek_a, BIG - 1000, buf, BIG), BIG - 1000);
	CHECK(memcmp(buf, plain + 1000, BIG - 1000) == 0);
	close(fd);
	free(buf);
	free(src);
	free(path);
}

/* Unsynced writes: the same blob once blob_sync has run, over several
 * write runs and a short last chunk; blob_sync of a missing blob fails. */
TEST(test_blob_write_nosync_then_sync_reads_back)
{
	const size_t len = 3 * (256u << 10) + 12345;
	char *src = new_path(), *path = new_path(), *path2 = new_path();
	uint8_t *in = malloc(len), *buf = malloc(len);
	int fd;

	for (size_t i = 0; i < len; i++)
		in[i] = (uint8_t)(i * 7 + i / 4096);
	write_raw(src, in, len);
	fd = open(src, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(blob_write_fd_nosync(path, ID_A, dek_a, fd, len), 0);
	CHECK_EQ(blob_sync(path), 0);
	CHECK_EQ(read_whole(path, ID_A, dek_a, len, buf, len), (ssize_t)len);
	CHECK(memcmp(buf, in, len) == 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(blob_write_fd_nosync(path2, ID_A, dek_a, fd, len + 1), -EIO);
	CHECK_EQ(access(path2, F_OK), -1);
	CHECK_EQ(blob_sync(path2), -ENOENT);
	close(fd);
	free(in);
	free(buf);
	free(src);
	free(path);
	free(path2);
}

TEST(test_blob_write_fd_fails_on_short_input_and_leaves_no_file)
{
	char *src = new_path(), *path = new_path();
	int fd;

	write_raw(src, plain, 100000);
	fd = open(src, O_RDONLY);
	CHECK_EQ(blob_write_fd(path, ID_A, dek_a, fd, 100001), -EIO);
	CHECK(access(path, F_OK) < 0 && errno == ENOENT);
	close(fd);
	free(src);
	free(path);
}

/* A blob_source_fn over plain: hands out its bytes in order, failing with
 * -ENOSPC once fail_at bytes are out. */
struct counting_source {
	size_t off, fail_at, calls;
};

static int counting_source(void *ctx, void *buf, size_t len)
{
	struct counting_source *c = ctx;

	c->calls++;
	if (c->off + len > c->fail_at)
		return -ENOSPC;
	memcpy(buf, plain + c->off, len);
	c->off += len;
	return 0;
}

TEST(test_blob_write_source_asks_for_each_chunk_in_order)
{
	char *path = new_path();
	struct counting_source c = { .fail_at = SIZE_MAX };
	uint8_t *buf = malloc(BIG);

	CHECK_EQ(blob_write_source(path, ID_A, dek_a, counting_source, &c, BIG), 0);
	CHECK_EQ(c.off, BIG);
	CHECK_EQ(c.calls, (BIG + CS - 1) / CS);
	CHECK_EQ(read_whole(path, ID_A, dek_a, BIG, buf, BIG), BIG);
	CHECK(memcmp(buf, plain, BIG) == 0);
	free(buf);
	free(path);
}

TEST(test_blob_write_source_failing_leaves_no_file)
{
	char *path = new_path();
	struct counting_source c = { .fail_at = 3 * CS + 7 };

	CHECK_EQ(blob_write_source(path, ID_A, dek_a, counting_source, &c, BIG), -ENOSPC);
	CHECK(access(path, F_OK) < 0 && errno == ENOENT);
	CHECK_EQ(blob_write_source(path, ID_A, dek_a, NULL, NULL, BIG), -EINVAL);
	free(path);
}

TEST(test_blob_write_never_overwrites_an_existing_file)
{
	char *path = make_blob(ID_A, dek_a, 10);
	uint8_t buf[16];

	CHECK_EQ(blob_write_buffer(path, ID_A, dek_b, plain, 10), -EEXIST);
	CHECK_EQ(read_whole(path, ID_A, dek_a, 10, buf, sizeof(buf)), 10);
	free(path);
}

TEST(test_blob_open_reports_missing_file_and_wrong_expected_length)
{
	char *path = make_blob(ID_A, dek_a, 1000);
	char *missing = new_path();
	struct blob_reader *r = NULL;

	CHECK_EQ(blob_reader_open(missing, ID_A, dek_a, UINT64_MAX, &r), -ENOENT);
	CHECK_EQ(blob_reader_open(path, ID_A, dek_a, 999, &r), -EIO);
	CHECK_EQ(blob_reader_open(path, "not-an-id", dek_a, 1000, &r), -EINVAL);
	CHECK(r == NULL);
	free(path);
	free(missing);
}

TEST(test_blob_rejects_any_flipped_bit_with_eio_and_no_plaintext)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t len = 0, tried = 0;
	uint8_t *orig = slurp(path, &len);
	uint8_t *copy = malloc(len);
	size_t pos[600], npos = 0;

	CHECK_EQ(len, blob_disk_size(BIG, CS));
	for (size_t i = 0; i < BLOB_HEADER_BYTES; i++)
		pos[npos++] = i;
	for (size_t c = 0; c < 3; c++) {
		size_t start = BLOB_HEADER_BYTES + c * CT;
		size_t end = c == 2 ? len : start + CT; /* tag is the last 16 */

		pos[npos++] = start;
		pos[npos++] = start + 1;
		pos[npos++] = (start + end) / 2;
		for (size_t t = end - CRYPTO_TAG_BYTES; t < end; t++)
			pos[npos++] = t; /* every tag byte */
		pos[npos++] = end - CRYPTO_TAG_BYTES - 1;
	}
	for (size_t p = 0; p < len && npos < sizeof(pos) / sizeof(pos[0]); p += 1009)
		pos[npos++] = p;

	for (size_t k = 0; k < npos; k++) {
		memcpy(copy, orig, len);
		copy[pos[k]] ^= (uint8_t)(1u << (k % 8));
		write_raw(bad, copy, len);
		if (!expect_tampered(bad, ID_A, dek_a))
			fprintf(stderr, "  flipped bit %zu of byte %zu\n", k % 8, pos[k]);
		tried++;
	}
	CHECK(tried > 200);
	free(orig);
	free(copy);
	free(path);
	free(bad);
}

/* A read of more than DIRECT_MIN goes past the page cache (O_DIRECT where
 * the file system allows it): same plaintext, same refusal of tampering. */
TEST(test_blob_long_reads_match_and_catch_a_flipped_bit)
{
	size_t len = (1u << 20) + 333, i;
	uint8_t *src = malloc(len), *out = malloc(len), b;
	struct blob_reader *r = NULL;
	char *path = new_path();
	int fd;

	for (i = 0; i < len; i++)
		src[i] = pattern(i * 7);
	CHECK_EQ(blob_write_buffer(path, ID_A, dek_a, src, len), 0);
	CHECK_EQ(blob_reader_open(path, ID_A, dek_a, len, &r), 0);
	if (r) {
		CHECK_EQ(blob_read(r, out, len, 0), (ssize_t)len);
		CHECK(!memcmp(out, src, len));
		CHECK_EQ(blob_read(r, out, 600000, 12345), 600000);
		CHECK(!memcmp(out, src + 12345, 600000));
		blob_reader_close(r);
		r = NULL;
	}
	/* One bit in the middle of the file, in a chunk the long read covers. */
	CHECK_EQ(chmod(path, 0600), 0);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, &b, 1, 524288), 1);
	b ^= 0x10;
	CHECK_EQ(pwrite(fd, &b, 1, 524288), 1);
	close(fd);
	CHECK_EQ(blob_reader_open(path, ID_A, dek_a, len, &r), 0);
	if (r) {
		CHECK_EQ(blob_read(r, out, len, 0), -EIO);
		CHECK(all_zero(out, len));
		CHECK_EQ(blob_read(r, out, 100000, 0), 100000);	/* chunks before it still read */
		blob_reader_close(r);
	}
	free(src);
	free(out);
	free(path);
}

TEST(test_blob_rejects_swapped_chunks)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t len = 0;
	uint8_t *b = slurp(path, &len), *tmp = malloc(CT);

	memcpy(tmp, b + BLOB_HEADER_BYTES, CT);
	memcpy(b + BLOB_HEADER_BYTES, b + BLOB_HEADER_BYTES + CT, CT);
	memcpy(b + BLOB_HEADER_BYTES + CT, tmp, CT);
	write_raw(bad, b, len);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	free(tmp);
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_rejects_a_dropped_chunk_even_with_the_length_fixed_up)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t len = 0;
	uint8_t *b = slurp(path, &len);

	/* Drop the middle chunk. */
	memmove(b + BLOB_HEADER_BYTES + CT, b + BLOB_HEADER_BYTES + 2 * CT, len - BLOB_HEADER_BYTES - 2 * CT);
	write_raw(bad, b, len - CT);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	/* And make the header agree with the new size. */
	put_le64(b + 32, BIG - CS);
	write_raw(bad, b, len - CT);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_rejects_a_tail_cut_at_a_chunk_boundary)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t len = 0;
	uint8_t *b = slurp(path, &len);

	write_raw(bad, b, BLOB_HEADER_BYTES + 2 * CT);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	put_le64(b + 32, 2 * CS); /* header says two whole chunks */
	write_raw(bad, b, BLOB_HEADER_BYTES + 2 * CT);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	put_le64(b + 32, 0); /* or an empty file */
	write_raw(bad, b, BLOB_HEADER_BYTES + CRYPTO_TAG_BYTES);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_rejects_an_edited_header_length)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t len = 0;
	uint8_t *b = slurp(path, &len);

	put_le64(b + 32, BIG - 1);
	write_raw(bad, b, len);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	write_raw(bad, b, len - 1); /* file size agreeing with the lie */
	CHECK(expect_tampered(bad, ID_A, dek_a));
	put_le64(b + 32, BIG + 1);
	write_raw(bad, b, len);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_renamed_to_another_artifacts_name_is_refused)
{
	char *path = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	uint8_t idb[RECFS_ID_BYTES];
	size_t len = 0;
	uint8_t *b = slurp(path, &len);

	/* Moved into B's place: the header still names A. */
	write_raw(bad, b, len);
	CHECK(expect_tampered(bad, ID_B, dek_a));
	/* Header rewritten to name B: every chunk's additional data differs. */
	CHECK_EQ(crypto_unhex(idb, sizeof(idb), ID_B), 0);
	memcpy(b + 16, idb, sizeof(idb));
	write_raw(bad, b, len);
	CHECK(expect_tampered(bad, ID_B, dek_a));
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_rejects_a_chunk_spliced_from_another_blob_or_zeroed)
{
	char *p1 = make_blob(ID_A, dek_a, BIG), *p2 = make_blob(ID_A, dek_a, BIG), *bad = new_path();
	size_t l1 = 0, l2 = 0;
	uint8_t *b1 = slurp(p1, &l1), *b2 = slurp(p2, &l2);

	/* Same id, same key, same length: only the nonce differs. */
	memcpy(b1 + BLOB_HEADER_BYTES + CT, b2 + BLOB_HEADER_BYTES + CT, CT);
	write_raw(bad, b1, l1);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	memset(b1 + BLOB_HEADER_BYTES + CT, 0, CT);
	write_raw(bad, b1, l1);
	CHECK(expect_tampered(bad, ID_A, dek_a));
	free(b1);
	free(b2);
	free(p1);
	free(p2);
	free(bad);
}

TEST(test_blob_rejects_a_tampered_empty_blob)
{
	char *path = make_blob(ID_A, dek_a, 0), *bad = new_path();
	struct blob_reader *r = NULL;
	size_t len = 0;
	uint8_t *b = slurp(path, &len), buf[8];

	b[len - 1] ^= 1;
	write_raw(bad, b, len);
	CHECK_EQ(blob_reader_open(bad, ID_A, dek_a, 0, &r), 0);
	if (r) {
		CHECK_EQ(blob_read(r, buf, sizeof(buf), 0), -EIO);
		CHECK_EQ(blob_verify(r), -EIO);
		blob_reader_close(r);
	}
	free(b);
	free(path);
	free(bad);
}

TEST(test_blob_seal_moved_to_another_artifact_does_not_decrypt_it)
{
	uint8_t pk[CRYPTO_PK_BYTES], seal_a[CRYPTO_SEAL_BYTES];
	struct crypto_key *sk = NULL, *got = NULL;
	char *blob_b = make_blob(ID_B, dek_b, BIG);

	CHECK_EQ(crypto_keypair(pk, &sk), 0);
	CHECK_EQ(crypto_seal_dek(dek_a, pk, seal_a), 0);
	/* The catalog row of B now carries A's seal. */
	CHECK_EQ(crypto_unseal_dek(seal_a, pk, sk, &got), 0);
	if (got)
		CHECK(expect_tampered(blob_b, ID_B, got));
	crypto_key_free(got);
	crypto_key_free(sk);
	free(blob_b);
}

static uint8_t *fixture_plain(void)
{
	uint8_t *p = malloc(BIG);

	for (size_t i = 0; i < BIG; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 11));
	return p;
}

static void fixture_inputs(struct crypto_key **dek, uint8_t nonce[CRYPTO_NONCE_BYTES], uint8_t **pt)
{
	*dek = fixed_key(CRYPTO_DEK_BYTES, 0x00);
	for (size_t i = 0; i < CRYPTO_NONCE_BYTES; i++)
		nonce[i] = (uint8_t)(0x80 + i);
	*pt = fixture_plain();
}

TEST(test_blob_writer_matches_the_frozen_v1_fixture_byte_for_byte)
{
	char *fx = xasprintf("%s/blob-v1.bin", fixtures_dir()), *path = new_path();
	uint8_t nonce[CRYPTO_NONCE_BYTES], *pt = NULL, *want = NULL, *got = NULL;
	struct crypto_key *dek = NULL;
	size_t wl = 0, gl = 0;

	fixture_inputs(&dek, nonce, &pt);
	want = slurp(fx, &wl);
	CHECK(want != NULL);
	CHECK_EQ(blob_write_buffer_nonce(path, ID_A, dek, pt, BIG, nonce, FIXTURE_CHUNK), 0);
	got = slurp(path, &gl);
	CHECK(got && want && gl == wl && memcmp(got, want, wl) == 0);
	free(want);
	free(got);
	free(pt);
	free(fx);
	free(path);
	crypto_key_free(dek);
}

TEST(test_blob_reads_any_valid_chunk_size_and_refuses_others)
{
	static const uint32_t sizes[] = { 4096, 65536, 1024 * 1024 };
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	uint8_t nonce[CRYPTO_NONCE_BYTES] = { 7 }, *buf = malloc(BIG);
	uint32_t cs = 0;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char *path = new_path();
		struct blob_reader *r = NULL;

		CHECK_EQ(blob_write_buffer_nonce(path, ID_A, dek, plain, BIG, nonce, sizes[k]), 0);
		CHECK_EQ(blob_chunk_size(path, &cs), 0);
		CHECK_EQ(cs, sizes[k]);
		CHECK_EQ(blob_reader_open(path, ID_A, dek, BIG, &r), 0);
		if (r) {
			CHECK_EQ(blob_read(r, buf, 5000, 4095), 5000);
			CHECK(memcmp(buf, plain + 4095, 5000) == 0);
			CHECK_EQ(blob_verify(r), 0);
		}
		blob_reader_close(r);
		free(path);
	}
	{
		char *path = new_path();

		CHECK_EQ(blob_write_buffer_nonce(path, ID_A, dek, plain, 100, nonce, 1000), -EINVAL);
		CHECK_EQ(blob_write_buffer_nonce(path, ID_A, dek, plain, 100, nonce, 2048), -EINVAL);
		free(path);
	}
	free(buf);
	crypto_key_free(dek);
}

TEST(test_blob_v1_fixture_decrypts_and_follows_the_documented_layout)
{
	char *fx = xasprintf("%s/blob-v1.bin", fixtures_dir());
	uint8_t nonce[CRYPTO_NONCE_BYTES], *pt = NULL, *b = NULL, *buf = malloc(BIG);
	uint8_t ad[BLOB_HEADER_BYTES + 9], cn[CRYPTO_NONCE_BYTES], idb[RECFS_ID_BYTES];
	struct crypto_key *dek = NULL;
	size_t len = 0, last_len = BIG - 2 * FIXTURE_CHUNK;
	uint8_t *out = malloc(FIXTURE_CHUNK);

	fixture_inputs(&dek, nonce, &pt);
	CHECK_EQ(read_whole(fx, ID_A, dek, BIG, buf, BIG), BIG);
	CHECK(memcmp(buf, pt, BIG) == 0);
	b = slurp(fx, &len);
	CHECK(b != NULL);
	if (!b)
		goto out;
	/* The header, field by field, as blob.h documents it. */
	CHECK(memcmp(b, "RECFSBL1", 8) == 0);
	CHECK(b[8] == 1 && b[9] == 0 && b[10] == 0 && b[11] == 0);
	CHECK(b[12] == 0 && b[13] == 0 && b[14] == 1 && b[15] == 0);
	CHECK_EQ(crypto_unhex(idb, sizeof(idb), ID_A), 0);
	CHECK(memcmp(b + 16, idb, sizeof(idb)) == 0);
	CHECK(b[32] == (BIG & 0xff) && b[33] == ((BIG >> 8) & 0xff) && b[34] == (BIG >> 16));
	CHECK(memcmp(b + 40, nonce, sizeof(nonce)) == 0);
	CHECK_EQ(len, BLOB_HEADER_BYTES + 3 * CRYPTO_TAG_BYTES + BIG);
	/* The last chunk, opened by hand with the documented nonce and ad. */
	memcpy(cn, nonce, sizeof(cn));
	cn[0] ^= 2;
	memcpy(ad, b, BLOB_HEADER_BYTES);
	put_le64(ad + BLOB_HEADER_BYTES, 2);
	ad[BLOB_HEADER_BYTES + 8] = 1;
	CHECK_EQ(crypto_aead_open(out, b + BLOB_HEADER_BYTES + 2 * (FIXTURE_CHUNK + CRYPTO_TAG_BYTES), last_len + CRYPTO_TAG_BYTES, ad, sizeof(ad),
				  cn, dek),
		 0);
	CHECK(memcmp(out, pt + 2 * FIXTURE_CHUNK, last_len) == 0);
out:
	free(b);
	free(out);
	free(buf);
	free(pt);
	free(fx);
	crypto_key_free(dek);
}

static int write_fixtures(void)
{
	char *fx = xasprintf("%s/blob-v1.bin", fixtures_dir());
	uint8_t nonce[CRYPTO_NONCE_BYTES], *pt = NULL;
	struct crypto_key *dek = NULL;
	int rc;

	fixture_inputs(&dek, nonce, &pt);
	unlink(fx);
	rc = blob_write_buffer_nonce(fx, ID_A, dek, pt, BIG, nonce, FIXTURE_CHUNK);
	if (rc == 0)
		rc = chmod(fx, 0644) < 0 ? -errno : 0;
	fprintf(stderr, "%s: %s\n", fx, rc ? strerror(-rc) : "written");
	free(pt);
	free(fx);
	crypto_key_free(dek);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (crypto_setup())
		return 1;
	if (argc > 1 && !strcmp(argv[1], "--write-fixtures"))
		return write_fixtures();
	tmpdir = t_mkdtemp("blob");
	if (!tmpdir)
		return 1;
	plain = malloc(BIG + CS);
	for (size_t i = 0; i < BIG + CS; i++)
		plain[i] = pattern(i);
	dek_a = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	dek_b = crypto_key_new(CRYPTO_DEK_BYTES, 1);

	RUN(test_blob_round_trips_at_every_boundary_size);
	RUN(test_blob_disk_size_counts_one_tag_per_chunk_and_one_chunk_when_empty);
	RUN(test_blob_random_reads_at_odd_offsets_match_the_plaintext);
	RUN(test_blob_reader_serves_concurrent_reads_from_many_threads);
	RUN(test_blob_write_fd_streams_from_the_current_position);
	RUN(test_blob_write_nosync_then_sync_reads_back);
	RUN(test_blob_write_fd_fails_on_short_input_and_leaves_no_file);
	RUN(test_blob_write_source_asks_for_each_chunk_in_order);
	RUN(test_blob_write_source_failing_leaves_no_file);
	RUN(test_blob_write_never_overwrites_an_existing_file);
	RUN(test_blob_open_reports_missing_file_and_wrong_expected_length);
	RUN(test_blob_rejects_any_flipped_bit_with_eio_and_no_plaintext);
	RUN(test_blob_long_reads_match_and_catch_a_flipped_bit);
	RUN(test_blob_rejects_swapped_chunks);
	RUN(test_blob_rejects_a_dropped_chunk_even_with_the_length_fixed_up);
	RUN(test_blob_rejects_a_tail_cut_at_a_chunk_boundary);
	RUN(test_blob_rejects_an_edited_header_length);
	RUN(test_blob_renamed_to_another_artifacts_name_is_refused);
	RUN(test_blob_rejects_a_chunk_spliced_from_another_blob_or_zeroed);
	RUN(test_blob_rejects_a_tampered_empty_blob);
	RUN(test_blob_seal_moved_to_another_artifact_does_not_decrypt_it);
	RUN(test_blob_writer_matches_the_frozen_v1_fixture_byte_for_byte);
	RUN(test_blob_reads_any_valid_chunk_size_and_refuses_others);
	RUN(test_blob_v1_fixture_decrypts_and_follows_the_documented_layout);

	crypto_key_free(dek_a);
	crypto_key_free(dek_b);
	free(plain);
	rc = util_remove_tree(tmpdir);
	(void)rc;
	T_DONE();
}
