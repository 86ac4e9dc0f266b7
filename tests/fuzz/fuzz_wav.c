/*
 * fuzz_wav.c - the WAV view (opus_wav_*), decoding audio that the ingest
 * check accepted, in its stored form, as the mount serves it.  The input
 * is a read plan of PLAN_BYTES, then the Ogg Opus file (its page checksums
 * made right first when plan[0] & 1; fuzz_ogg.h).  When opus_probe_file
 * and opus_strip_open accept the file, one view of the stored form reads the first REF_MAX bytes front to back in 128 KiB reads, as
 * cat does; a second view serves the plan's reads in the plan's order
 * (forwards, backwards, ahead), and each that lies within the first
 * OPUS_WAV_PREROLL_MS of audio must be exactly the bytes at that offset of
 * the first: opus.h promises the continuous decode there however the view
 * is read (a seek goes to the start).  Further on it promises 1 LSB only
 * for streams whose decoder converges within the pre-roll, which a fuzzed
 * stream need not do, so there a read is checked for its length only.
 * Reads may fail with -EIO (a packet
 * that does not decode), nothing else; a read never returns more or less
 * than it was asked for inside the view's size.
 *
 * Plan: u8 flags | then per read le16 offset (x 17 bytes) | u8 length
 * (x 521 bytes + 1); five reads.  Then one more read, at the end of the
 * view.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_ogg.h"
#include "fuzz_opusfile.h"
#include "opus.h"

#define PLAN_BYTES 16
#define N_READS 5
#define REF_MAX (1280u * 1024)
#define REF_STEP (128u * 1024)

struct mem {
	const uint8_t *p;
	size_t n;
};

static char *path;
static uint8_t *ref, *buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* A fork per input would cost nearly all the speed (opus.h). */
	opus_probe_judge_in_process(1);
	path = fuzz_path("in.opus");
	ref = xcalloc(1, REF_MAX);
	buf = xcalloc(1, 256 * 521 + 1);
	return 0;
}

static ssize_t mem_read(void *ctx, void *out, size_t len, uint64_t off)
{
	const struct mem *m = ctx;

	if (off >= m->n)
		return 0;
	if (len > m->n - off)
		len = (size_t)(m->n - off);
	memcpy(out, m->p + off, len);
	return (ssize_t)len;
}

/* The view's first bytes, read front to back; how many could be read. */
static size_t read_reference(struct mem *m, const struct opus_info *info, uint64_t total)
{
	struct opus_wav *w = NULL;
	size_t got = 0, want = total < REF_MAX ? (size_t)total : REF_MAX;

	FUZZ_ASSERT(opus_wav_open(mem_read, m, m->n, info, &w) == 0);
	while (got < want) {
		size_t step = want - got < REF_STEP ? want - got : REF_STEP;
		ssize_t n = opus_wav_read(w, ref + got, step, got);

		if (n < 0) {
			FUZZ_ASSERT(n == -EIO);
			break;
		}
		FUZZ_ASSERT((size_t)n == step);
		got += step;
	}
	opus_wav_close(w);
	return got;
}

static void planned_reads(struct mem *m, const struct opus_info *info, uint64_t total, const uint8_t *plan,
			  size_t ref_len)
{
	/* The header and the first OPUS_WAV_PREROLL_MS of samples. */
	uint64_t exact = OPUS_WAV_HEADER_BYTES +
			 (uint64_t)OPUS_RATE * OPUS_WAV_PREROLL_MS / 1000 * (uint64_t)info->channels * 2;
	struct opus_wav *w = NULL;
	ssize_t n;

	FUZZ_ASSERT(opus_wav_open(mem_read, m, m->n, info, &w) == 0);
	for (int k = 0; k < N_READS; k++) {
		uint64_t off = fuzz_le(plan, PLAN_BYTES, 1 + 3 * (size_t)k, 2) * 17;
		size_t len = plan[3 + 3 * k] * 521u + 1;
		uint64_t expect = off >= total ? 0 : (total - off < len ? total - off : len);

		n = opus_wav_read(w, buf, len, off);
		if (n < 0) {
			FUZZ_ASSERT(n == -EIO);
			continue;
		}
		FUZZ_ASSERT((uint64_t)n == expect);
		if (off + (uint64_t)n <= ref_len && off + (uint64_t)n <= exact)
			FUZZ_ASSERT(!memcmp(buf, ref + off, (size_t)n));
	}
	n = opus_wav_read(w, buf, 4096, total > 4000 ? total - 4000 : 0);
	FUZZ_ASSERT(n == -EIO || (uint64_t)n == (total > 4000 ? 4000 : total));
	opus_wav_close(w);
}

/* The stored form of the file at path (malloc'd), or NULL when refused. */
static uint8_t *stored_form(size_t *len)
{
	struct opus_strip *s = NULL;
	uint8_t *out;

	if (opus_strip_open(path, &s))
		return NULL;
	*len = (size_t)opus_strip_size(s);
	out = xcalloc(1, *len + 1);
	FUZZ_ASSERT(opus_strip_read(s, out, *len) == 0);
	opus_strip_close(s);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opus_info info;
	struct mem m;
	uint8_t *audio, *stored = NULL;
	uint64_t total;
	size_t ref_len;

	if (size <= PLAN_BYTES)
		return 0;
	audio = xcalloc(1, size - PLAN_BYTES);
	memcpy(audio, data + PLAN_BYTES, size - PLAN_BYTES);
	if (data[0] & 1)
		fuzz_ogg_fix_crc(audio, size - PLAN_BYTES);
	fuzz_write(path, audio, size - PLAN_BYTES);
	if (opus_probe_file(path, &info) == 0 && (stored = stored_form(&m.n))) {
		m.p = stored;
		total = opus_wav_size(&info);
		ref_len = read_reference(&m, &info, total);
		planned_reads(&m, &info, total, data, ref_len);
	}
	free(stored);
	free(audio);
	return 0;
}
