/*
 * fuzz_blob.c - blob files (blob.h), with the fixed key of the frozen
 * fixture (bytes 0x00..0x1f).  Each input is used twice:
 *
 *  - as a blob file as it is: opened with the id its header names, read
 *    at a few places and verified.  A fuzzer cannot forge a tag, so this
 *    reaches the header checks and the first authentication; a read may
 *    only fail with -EIO, and only an empty result or -EIO may come back.
 *  - as the recipe of a genuine blob: chunk size, length and plaintext
 *    pattern are taken from the input, the blob is written with the same
 *    key, then maybe damaged (a bit flipped, cut, extended) and read at
 *    the offsets and lengths the input gives.  Every read that succeeds
 *    must return exactly the plaintext: damage may cost a read, never give
 *    a wrong byte; an undamaged blob must read and verify in full.
 *
 * Recipe: u8 x: chunk size 2^(12 + (x & 0x7f) % 9), length up to 1.5 MiB
 * when x & 0x80, else up to four chunks (and 1.5 MiB) | le32 length |
 * u8 damage (x % 4: none, flip, cut, extend) | le32 where | u8 pattern |
 * then reads of le32 offset, le32 length, as many as the input holds (8 at
 * most).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "blob.h"
#include "blob_i.h"
#include "fuzz.h"

#define MAX_LEN ((1u << 20) + (1u << 19))
#define MAX_READS 8
#define RECIPE_BYTES 11

static const char ID[] = "00112233445566778899aabbccddeeff";
static char *raw, *made;
static struct crypto_key *dek;
static uint8_t *plain, *buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	raw = fuzz_path("raw.blob");
	made = fuzz_path("made.blob");
	dek = crypto_key_new(CRYPTO_DEK_BYTES, 0);
	for (size_t i = 0; i < CRYPTO_DEK_BYTES; i++)
		dek->bytes[i] = (uint8_t)i;
	plain = xcalloc(1, MAX_LEN);
	buf = xcalloc(1, 2 * MAX_LEN);
	return 0;
}

/* The input as a blob file. */
static void as_file(const uint8_t *data, size_t size)
{
	struct blob_reader *r = NULL;
	char id[RECFS_ID_HEX];
	uint64_t len;
	uint32_t cs = 0;
	ssize_t n;
	int rc_cs, rc;

	if (size < BLOB_HEADER_BYTES)
		return;
	fuzz_write(raw, data, size);
	crypto_hex(id, data + 16, RECFS_ID_BYTES);
	rc_cs = blob_chunk_size(raw, &cs);
	rc = blob_reader_open(raw, id, dek, UINT64_MAX, &r);
	if (rc) {
		FUZZ_ASSERT(rc == -EIO);
		return;
	}
	FUZZ_ASSERT(rc_cs == 0);
	len = blob_reader_length(r);
	FUZZ_ASSERT(blob_disk_size(len, cs) == size);
	n = blob_read(r, buf, 4096, 0);
	FUZZ_ASSERT(n == -EIO || (uint64_t)n == (len < 4096 ? len : 4096));
	n = blob_read(r, buf, 100, len > 50 ? len - 50 : 0);
	FUZZ_ASSERT(n == -EIO || (uint64_t)n == (len > 50 ? 50 : len));
	rc = blob_verify(r);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	blob_reader_close(r);
}

/* The input as the recipe of a genuine blob. */
static void as_recipe(const uint8_t *data, size_t size)
{
	uint32_t cs = 1u << (12 + (data[0] & 0x7f) % 9);
	uint64_t cap = data[0] & 0x80 || 4 * cs > MAX_LEN ? MAX_LEN : 4 * cs;
	uint64_t len = fuzz_le(data, size, 1, 4) % (cap + 1), disk;
	int damage = data[5] % 4, fd;
	uint64_t where = fuzz_le(data, size, 6, 4);
	uint8_t seed = data[10], nonce[CRYPTO_NONCE_BYTES] = { 0 };
	struct blob_reader *r = NULL;
	size_t k;

	for (uint64_t i = 0; i < len; i++)
		plain[i] = (uint8_t)(i * 7 + (i >> 11) + seed);
	unlink(made);
	FUZZ_ASSERT(blob_write_buffer_nonce(made, ID, dek, plain, len, nonce, cs) == 0);
	disk = blob_disk_size(len, cs);
	FUZZ_ASSERT(chmod(made, 0600) == 0);
	if (damage) {
		uint8_t b = 0;

		fd = open(made, O_RDWR | O_CLOEXEC);
		FUZZ_ASSERT(fd >= 0);
		where %= disk + (damage == 3);
		if (damage == 1) {
			FUZZ_ASSERT(util_pread_all(fd, &b, 1, (off_t)where) == 0);
			b ^= (uint8_t)(1u << (seed % 8));
			FUZZ_ASSERT(pwrite(fd, &b, 1, (off_t)where) == 1);
		} else if (damage == 2) {
			FUZZ_ASSERT(ftruncate(fd, (off_t)where) == 0);
		} else {
			FUZZ_ASSERT(ftruncate(fd, (off_t)(disk + 1 + where % 4096)) == 0);
		}
		close(fd);
	}
	if (blob_reader_open(made, ID, dek, len, &r)) {
		FUZZ_ASSERT(damage);
		return;
	}
	FUZZ_ASSERT(blob_reader_length(r) == len);
	for (k = 0; k < MAX_READS && RECIPE_BYTES + 8 * k + 8 <= size; k++) {
		uint64_t off = fuzz_le(data, size, RECIPE_BYTES + 8 * k, 4) % (len + 2);
		size_t want = (size_t)(fuzz_le(data, size, RECIPE_BYTES + 8 * k + 4, 4) % (2 * MAX_LEN));
		ssize_t n = blob_read(r, buf, want, off);
		uint64_t expect = off >= len ? 0 : (len - off < want ? len - off : want);

		if (n < 0) {
			FUZZ_ASSERT(damage && n == -EIO);
			continue;
		}
		FUZZ_ASSERT((uint64_t)n == expect);
		FUZZ_ASSERT(!memcmp(buf, plain + (off < len ? off : 0), (size_t)n));
	}
	FUZZ_ASSERT(blob_verify(r) == 0 || damage);
	blob_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_file(data, size);
	if (size >= RECIPE_BYTES)
		as_recipe(data, size);
	return 0;
}
