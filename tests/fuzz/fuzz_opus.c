/*
 * fuzz_opus.c - the Opus check of ingest (opus_probe_file): the input is
 * the audio file, probed as it is and, when that differs, again with every
 * Ogg page's checksum made right (fuzz_ogg.h).  What the probe accepts
 * must be what the catalog and the WAV view rely on: 1 to 8 channels, a
 * non-zero length; what it refuses it refuses with -EINVAL (or -EIO,
 * -ENOMEM) and a message.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_ogg.h"
#include "opus.h"

static char *path;

const char *__asan_default_options(void);

/* libopusfile's known leak (lsan.supp) is suppressed by the name of its
 * tag parser, which only the slow unwinder finds in a stack. */
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	path = fuzz_path("in.opus");
	return 0;
}

static void probe(const uint8_t *data, size_t size)
{
	struct opus_info info;
	int rc;

	fuzz_write(path, data, size);
	rc = opus_probe_file(path, &info);
	if (rc) {
		FUZZ_ASSERT(rc == -EINVAL || rc == -EIO || rc == -ENOMEM);
		FUZZ_ASSERT(*meta_errmsg());
		return;
	}
	FUZZ_ASSERT(info.channels >= 1 && info.channels <= 8);
	FUZZ_ASSERT(info.pcm_samples > 0);
	FUZZ_ASSERT(info.duration_ms == info.pcm_samples * 1000 / OPUS_RATE);
	FUZZ_ASSERT(opus_wav_size(&info) == OPUS_WAV_HEADER_BYTES + info.pcm_samples * (uint64_t)info.channels * 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed = xcalloc(1, size + 1);

	probe(data, size);
	memcpy(fixed, data, size);
	fuzz_ogg_fix_crc(fixed, size);
	if (memcmp(fixed, data, size))
		probe(fixed, size);
	free(fixed);
	return 0;
}
