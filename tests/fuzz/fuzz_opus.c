/*
 * fuzz_opus.c - the audio checks of ingest: opus_probe_file, then
 * opus_strip (the stored form without personal comment tags).  The input
 * is the audio file, taken as it is and, when that differs, again with
 * every Ogg page's checksum made right (fuzz_ogg.h).
 *
 * What the probe accepts must be what the catalog and the WAV view rely
 * on: 1 to 8 channels, a non-zero length; refusals are -EINVAL (or -EIO,
 * -ENOMEM) with a message.  A file that both accept is stored in the
 * stripped form, which the mount decodes later: that form must probe as
 * the same audio (channels and length).  The strip's own promises are
 * fuzz_opustags'.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_ogg.h"
#include "fuzz_opusfile.h"
#include "opus.h"

static char *path, *stored_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* A fork per input would cost nearly all the speed (opus.h). */
	opus_probe_judge_in_process(1);
	path = fuzz_path("in.opus");
	stored_path = fuzz_path("stored.opus");
	return 0;
}

/* The stored form of the file at path probes as the same audio. */
static void strip(const struct opus_info *info)
{
	struct opus_strip *s = NULL;
	struct opus_info again;
	uint8_t *out;
	size_t n;

	if (opus_strip_open(path, &s))
		return;
	n = (size_t)opus_strip_size(s);
	out = xcalloc(1, n + 1);
	FUZZ_ASSERT(opus_strip_read(s, out, n) == 0);
	opus_strip_close(s);
	fuzz_write(stored_path, out, n);
	free(out);
	FUZZ_ASSERT(opus_probe_file(stored_path, &again) == 0);
	FUZZ_ASSERT(again.channels == info->channels && again.pcm_samples == info->pcm_samples);
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
	/* A .wav view of the length the file claims, or none when no off_t
	 * holds it (a forged last granule; ingest refuses such a file by its
	 * length a byte, opus.h). */
	if (info.pcm_samples > (uint64_t)(INT64_MAX - OPUS_WAV_HEADER_BYTES) / (2u * (unsigned)info.channels))
		FUZZ_ASSERT(opus_wav_size(&info) == 0);
	else
		FUZZ_ASSERT(opus_wav_size(&info) ==
			    OPUS_WAV_HEADER_BYTES + info.pcm_samples * (uint64_t)info.channels * 2);
	strip(&info);
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
