/*
 * fuzz_opustags.c - the audio's stored form (opus_strip_*, meta/opus.h): the
 * input is the recorder's file.  One that is refused says why, with
 * -EINVAL; one that is accepted must keep the promises ingest relies on:
 * the stored form has exactly opus_strip_size() bytes, is the input itself
 * when nothing was removed, every removed tag is UTF-8 text with a NUL
 * only at its end, and the stored form, planned again, has nothing left to
 * remove and comes out byte for byte.  Both are read twice: as kept from
 * the one walk (opus_strip_open) and as the second walk of a strip that
 * keeps nothing produces it; the two agree.  Pages in the input get their CRC
 * set before it is written (fuzz_ogg.h), so that mutations reach past
 * libogg's check (the unit tests refuse damaged pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_ogg.h"
#include "opus.h"

static char *in_path, *out_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	in_path = fuzz_path("in.opus");
	out_path = fuzz_path("stored.opus");
	return 0;
}

/* The whole stored form of s (malloc'd), read in uneven steps. */
static uint8_t *read_all(struct opus_strip *s, size_t *len)
{
	uint64_t size = opus_strip_size(s), off = 0;
	uint8_t *out;

	FUZZ_ASSERT(size <= 64u << 20);
	out = xcalloc(1, (size_t)size + 1);
	while (off < size) {
		size_t n = size - off < 777 ? (size_t)(size - off) : 777;

		FUZZ_ASSERT(opus_strip_read(s, out + off, n) == 0);
		off += n;
	}
	*len = (size_t)size;
	return out;
}

/* The stored form of the file at path as a strip that keeps nothing
 * produces it (malloc'd): the same as s's, which kept it. */
static uint8_t *read_walked_twice(const char *path, const struct opus_strip *s, size_t *len)
{
	struct opus_strip *t = NULL;
	uint8_t *out;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	FUZZ_ASSERT(fd >= 0 && opus_strip_fdopen(fd, 0, &t) == 0);
	close(fd);
	FUZZ_ASSERT(opus_strip_size(t) == opus_strip_size(s) && opus_strip_verbatim(t) == opus_strip_verbatim(s) &&
		    opus_strip_n_removed(t) == opus_strip_n_removed(s));
	out = read_all(t, len);
	opus_strip_close(t);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opus_strip *s = NULL, *again = NULL;
	uint8_t *in, *out = NULL, *out2 = NULL, *twice;
	size_t len = 0, len2 = 0, len3 = 0, i;
	int rc;

	in = xcalloc(1, size + 1);
	memcpy(in, data, size);
	fuzz_ogg_fix_crc(in, size);
	fuzz_write(in_path, in, size);
	meta_clear_error();
	rc = opus_strip_open(in_path, &s);
	if (rc) {
		FUZZ_ASSERT(rc == -EINVAL && s == NULL && *meta_errmsg());
		free(in);
		return 0;
	}
	out = read_all(s, &len);
	twice = read_walked_twice(in_path, s, &len3);
	FUZZ_ASSERT(len3 == len && !memcmp(twice, out, len));
	free(twice);
	if (opus_strip_verbatim(s))
		FUZZ_ASSERT(opus_strip_n_removed(s) == 0 && len == size && !memcmp(out, in, size));
	for (i = 0; i < opus_strip_n_removed(s); i++) {
		const char *t = opus_strip_removed(s, i);

		FUZZ_ASSERT(t && util_utf8_valid(t, strlen(t)));
	}
	FUZZ_ASSERT(opus_strip_removed(s, i) == NULL);
	fuzz_write(out_path, out, len);
	FUZZ_ASSERT(opus_strip_open(out_path, &again) == 0);
	FUZZ_ASSERT(opus_strip_verbatim(again) && opus_strip_n_removed(again) == 0);
	out2 = read_all(again, &len2);
	FUZZ_ASSERT(len2 == len && !memcmp(out2, out, len));
	opus_strip_close(again);
	opus_strip_close(s);
	free(in);
	free(out);
	free(out2);
	return 0;
}
