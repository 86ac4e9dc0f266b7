/*
 * fuzz.h - what every libFuzzer target of tests/fuzz shares: libsodium set
 * up once, a private folder under $TMPDIR (removed at exit) and the input
 * written to a file there, since the parsers under test read files as the
 * register and the tools give them.
 *
 * A target's oracle is the sanitizers plus FUZZ_ASSERT: a broken promise of
 * a header (a wrong plaintext, a refusal that is not an input error) aborts
 * like a crash, with the input saved by libFuzzer.  Targets run from the top
 * of the tree (fixtures and the example policy are read by relative path).
 */
#ifndef RECFS_FUZZ_H
#define RECFS_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto.h"
#include "util.h"

#define FUZZ_ASSERT(expr)                                                                  \
	do {                                                                               \
		if (!(expr)) {                                                             \
			fprintf(stderr, "%s:%d: broken promise: %s (%s)\n", __FILE__, __LINE__, \
				#expr, meta_errmsg());                                     \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *fuzz_tmp;

static void fuzz_cleanup(void)
{
	if (fuzz_tmp)
		(void)util_remove_tree(fuzz_tmp);
}

/* The target's folder, made (with libsodium set up) on first use. */
static inline const char *fuzz_dir(void)
{
	const char *t = getenv("TMPDIR");

	if (fuzz_tmp)
		return fuzz_tmp;
	if (crypto_setup()) {
		fprintf(stderr, "fuzz: libsodium does not initialise\n");
		abort();
	}
	fuzz_tmp = xasprintf("%s/recfs-fuzz-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(fuzz_tmp)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_tmp;
}

/* dir/name (malloc'd). */
static inline char *fuzz_path(const char *name)
{
	return xasprintf("%s/%s", fuzz_dir(), name);
}

/* Replace the file at path with data (mode 0600). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || util_write_all(fd, data, size) || close(fd)) {
		perror("fuzz: cannot write the input file");
		abort();
	}
}

/* Little-endian integers from the input, 0 past its end. */
static inline uint64_t fuzz_le(const uint8_t *data, size_t size, size_t off, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | (off + (size_t)i < size ? data[off + (size_t)i] : 0);
	return v;
}

#endif
