/*
 * wav_ref.c - the reference the WAV view is tested against: libopusfile's
 * continuous decode of an Ogg Opus file, written to stdout as raw 16-bit
 * little-endian samples (channels interleaved, no header).
 *
 *     wav_ref FILE.opus > FILE.s16
 *
 * Each value v of op_read_float() becomes the integer nearest to
 * v * 32768, halves away from zero, clamped to -32768..32767, with no
 * dither: the rule the view states (meta/opus.h).  It uses libopusfile
 * only, none of meta/, so that a test compares the view with a decode made
 * apart from it, read from the first sample to the last without a seek.
 * A hole in the stream or a decoding error ends it with status 1.
 */
#include <stdint.h>
#include <stdio.h>

#include <opusfile.h>

#define BLOCK_FRAMES 5760
#define MAX_CHANNELS 8

int main(int argc, char **argv)
{
	static float pcm[BLOCK_FRAMES * MAX_CHANNELS];
	static uint8_t out[BLOCK_FRAMES * MAX_CHANNELS * 2];
	OggOpusFile *of;
	int err = 0, ch, n, i, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: wav_ref FILE.opus > FILE.s16\n");
		return 2;
	}
	of = op_open_file(argv[1], &err);
	if (!of) {
		fprintf(stderr, "wav_ref: %s does not open as Ogg Opus (libopusfile error %d)\n", argv[1], err);
		return 1;
	}
	ch = op_channel_count(of, -1);
	while ((n = op_read_float(of, pcm, BLOCK_FRAMES * MAX_CHANNELS, NULL)) > 0) {
		for (i = 0; i < n * ch; i++) {
			float v = pcm[i] * 32768.0f;
			long s;

			v = v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v;
			s = (long)(v < 0 ? v - 0.5f : v + 0.5f);
			out[2 * i] = (uint8_t)(s & 0xff);
			out[2 * i + 1] = (uint8_t)((s >> 8) & 0xff);
		}
		if (fwrite(out, 2, (size_t)(n * ch), stdout) != (size_t)(n * ch))
			goto out;
	}
	if (n < 0) {
		fprintf(stderr, "wav_ref: %s does not decode (libopusfile error %d)\n", argv[1], n);
		goto out;
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	op_free(of);
	return rc;
}
