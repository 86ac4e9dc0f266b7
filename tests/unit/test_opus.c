/*
 * test_opus.c - the ingest probe and the WAV view.  The view is checked
 * against a straight decode done here with libopusfile, and random reads
 * against one sequential read, on the frozen fixtures and on a 35 s file
 * made at run time (several decoding segments).  Run from the repo root.
 */
#include <stdint.h>
#include <unistd.h>

#include <opusfile.h>

/* Not "opus.h": -I/usr/include/opus (pkg-config) comes before -Imeta and
 * holds libopus's own opus.h. */
#include "opus.h"
#include "t.h"

#define MONO "tests/fixtures/mono.opus"
#define STEREO "tests/fixtures/stereo.opus"

static char *tmpdir;
static char *long_opus;		/* NULL when sox or opusenc failed */

struct mem {
	uint8_t *data;
	size_t len;
	uint64_t bytes_read;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = m->len - (size_t)off;
	memcpy(buf, m->data + off, len);
	m->bytes_read += len;
	return (ssize_t)len;
}

static void mem_load(struct mem *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	if (util_read_file(path, 64u << 20, &m->data, &m->len) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

/* What the view must hold: op_read_float() from the start, rounded without
 * dither.  Equal to the view for files shorter than one segment. */
static uint8_t *straight_decode(const char *path, size_t *len)
{
	OggOpusFile *of;
	float pcm[5760 * 8];
	uint8_t *out = NULL;
	size_t n = 0;
	int err, r, i, ch;

	of = op_open_file(path, &err);
	if (!of)
		return NULL;
	ch = op_channel_count(of, -1);
	out = xcalloc((size_t)op_pcm_total(of, -1) * ch * 2 + 1, 1);
	while ((r = op_read_float(of, pcm, 5760 * ch, NULL)) > 0) {
		for (i = 0; i < r * ch; i++) {
			float v = pcm[i] * 32768.0f;
			long s;

			v = v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v;
			s = (long)(v < 0 ? v - 0.5f : v + 0.5f);
			out[n++] = (uint8_t)(s & 0xff);
			out[n++] = (uint8_t)((s >> 8) & 0xff);
		}
	}
	op_free(of);
	*len = n;
	return out;
}

/* The whole view in reads of chunk bytes. */
static uint8_t *read_view(struct opus_wav *w, uint64_t size, size_t chunk)
{
	uint8_t *out = xcalloc(size + 1, 1);
	uint64_t off = 0;
	ssize_t n;

	while (off < size) {
		n = opus_wav_read(w, out + off, chunk, off);
		if (n <= 0)
			break;
		off += (uint64_t)n;
	}
	CHECK_EQ(off, size);
	CHECK_EQ(opus_wav_read(w, out, chunk, size), 0);
	return out;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* opusinfo's "Playback length: 0m:02.544s" in ms; -1 when opusinfo fails
 * or prints no length. */
static long opusinfo_ms(const char *path)
{
	char cmd[256], line[256];
	long m, s, ms, ret = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "opusinfo %s 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, " Playback length: %ldm:%ld.%lds", &m, &s, &ms) == 3)
			ret = (m * 60 + s) * 1000 + ms;
	pclose(p);
	return ret;
}

static void check_probe(const char *path, int channels)
{
	struct opus_info info = { 0 };
	OggOpusFile *of;
	long ms;
	int err;

	CHECK_EQ(opus_probe_file(path, &info), 0);
	CHECK_EQ(info.channels, channels);
	of = op_open_file(path, &err);
	CHECK(of != NULL);
	if (of) {
		CHECK_EQ(info.pcm_samples, op_pcm_total(of, -1));
		op_free(of);
	}
	CHECK_EQ(info.duration_ms, info.pcm_samples * 1000 / 48000);
	/* opus-tools is a declared dependency (packaging/deps.txt): without
	 * opusinfo the cross-check fails rather than passing unseen. */
	ms = opusinfo_ms(path);
	if (ms < 0)
		fprintf(stderr, "  opusinfo %s gave no playback length: is opus-tools installed?\n", path);
	CHECK(ms >= 0);
	if (ms >= 0)
		CHECK(labs(ms - (long)info.duration_ms) <= 1);
	CHECK(info.duration_ms > 1000 && info.duration_ms < 10000);
}

TEST(test_probe_reads_channels_and_duration_of_mono_fixture)
{
	check_probe(MONO, 1);
}

TEST(test_probe_reads_channels_and_duration_of_stereo_fixture)
{
	check_probe(STEREO, 2);
}

static void check_refused(const char *path, const char *msg)
{
	struct opus_info info = { .channels = 77 };

	meta_clear_error();
	CHECK_EQ(opus_probe_file(path, &info), -EINVAL);
	CHECK_STR(meta_errmsg(), msg);
	CHECK_EQ(info.channels, 77);
}

TEST(test_probe_refuses_random_bytes)
{
	char *path = xasprintf("%s/random.opus", tmpdir);
	uint8_t buf[20000];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	write_bytes(path, buf, sizeof(buf));
	check_refused(path, "audio is not an Ogg Opus stream");
	free(path);
}

TEST(test_probe_refuses_an_opus_file_cut_in_half)
{
	char *path = xasprintf("%s/half.opus", tmpdir);
	struct mem m;

	mem_load(&m, STEREO);
	write_bytes(path, m.data, m.len / 2);
	check_refused(path, "audio is truncated: it does not end with a complete end-of-stream page");
	free(m.data);
	free(path);
}

TEST(test_probe_refuses_an_opus_file_cut_inside_its_headers)
{
	char *path = xasprintf("%s/head.opus", tmpdir);
	struct opus_info info;
	struct mem m;

	mem_load(&m, MONO);
	write_bytes(path, m.data, 60);
	meta_clear_error();
	CHECK_EQ(opus_probe_file(path, &info), -EINVAL);
	CHECK(meta_errmsg()[0] != '\0');
	free(m.data);
	free(path);
}

TEST(test_probe_refuses_a_wav_file)
{
	char *path = xasprintf("%s/a.wav", tmpdir);
	struct opus_info info = { .channels = 1, .pcm_samples = 48000 };
	uint8_t *buf = xcalloc(1, 44 + 96000);
	struct opus_wav *w = NULL;
	struct mem m = { .data = NULL };
	ssize_t n;

	/* A real WAV: the header of our own view over the fixture. */
	mem_load(&m, MONO);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	n = opus_wav_read(w, buf, 44 + 96000, 0);
	CHECK_EQ(n, 44 + 96000);
	opus_wav_close(w);
	write_bytes(path, buf, 44 + 96000);
	check_refused(path, "audio is not an Ogg Opus stream");
	free(m.data);
	free(buf);
	free(path);
}

TEST(test_probe_refuses_an_empty_file)
{
	char *path = xasprintf("%s/empty.opus", tmpdir);

	write_bytes(path, "", 0);
	check_refused(path, "audio file is empty");
	free(path);
}

TEST(test_probe_of_a_missing_file_says_enoent)
{
	struct opus_info info;

	CHECK_EQ(opus_probe_file("tests/fixtures/no-such.opus", &info), -ENOENT);
}

TEST(test_wav_size_counts_header_and_16_bit_samples)
{
	struct opus_info info = { .channels = 2, .pcm_samples = 1000 };

	CHECK_EQ(opus_wav_size(&info), 44 + 4000);
}

static void check_whole_view(const char *path, int channels)
{
	struct opus_info info;
	struct opus_wav *w = NULL;
	struct mem m;
	uint8_t *view, *ref;
	size_t ref_len = 0;
	uint64_t size;

	mem_load(&m, path);
	CHECK_EQ(opus_probe_file(path, &info), 0);
	size = opus_wav_size(&info);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (!w)
		goto out;
	view = read_view(w, size, 65536);
	CHECK(!memcmp(view, "RIFF", 4) && !memcmp(view + 8, "WAVEfmt ", 8));
	CHECK_EQ(le32(view + 4), size - 8);
	CHECK_EQ(le16(view + 20), 1);
	CHECK_EQ(le16(view + 22), channels);
	CHECK_EQ(le32(view + 24), 48000);
	CHECK_EQ(le32(view + 28), 48000 * channels * 2);
	CHECK_EQ(le16(view + 32), channels * 2);
	CHECK_EQ(le16(view + 34), 16);
	CHECK(!memcmp(view + 36, "data", 4));
	CHECK_EQ(le32(view + 40), size - 44);
	ref = straight_decode(path, &ref_len);
	CHECK(ref != NULL);
	CHECK_EQ(ref_len, size - 44);
	if (ref && ref_len == size - 44)
		CHECK(!memcmp(view + 44, ref, ref_len));
	free(ref);
	free(view);
	opus_wav_close(w);
out:
	free(m.data);
}

TEST(test_wav_view_of_mono_fixture_equals_a_straight_decode)
{
	check_whole_view(MONO, 1);
}

TEST(test_wav_view_of_stereo_fixture_equals_a_straight_decode)
{
	check_whole_view(STEREO, 2);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random reads, at odd offsets and of odd sizes, equal a sequential read. */
static void check_random_reads(const char *path, int rounds)
{
	struct opus_info info;
	struct opus_wav *seq = NULL, *w = NULL;
	struct mem m;
	uint8_t *all, *buf;
	uint64_t size, off;
	size_t len;
	ssize_t n;
	int i;

	mem_load(&m, path);
	CHECK_EQ(opus_probe_file(path, &info), 0);
	size = opus_wav_size(&info);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &seq), 0);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (!seq || !w)
		goto out;
	all = read_view(seq, size, 4093);
	buf = xcalloc(300000, 1);
	for (i = 0; i < rounds; i++) {
		off = rnd() % size | 1;
		len = (size_t)(rnd() % 300000) | 1;
		if (i % 4 == 3)		/* just across a 10 s segment edge */
			off = 44 + (rnd() % (size / 960000 + 1)) * 960000 * info.channels / 2 - 3;
		if (off >= size)
			off = size - 1;
		n = opus_wav_read(w, buf, len, off);
		CHECK_EQ(n, len < size - off ? len : size - off);
		if (n > 0 && memcmp(buf, all + off, (size_t)n)) {
			fprintf(stderr, "  differs at read %d: off %llu len %zu\n", i,
				(unsigned long long)off, len);
			CHECK(0);
			break;
		}
	}
	free(buf);
	free(all);
out:
	opus_wav_close(seq);
	opus_wav_close(w);
	free(m.data);
}

TEST(test_wav_random_reads_at_odd_offsets_equal_a_sequential_read)
{
	check_random_reads(MONO, 200);
	check_random_reads(STEREO, 200);
}

TEST(test_wav_random_reads_across_segments_of_a_long_file_equal_a_sequential_read)
{
	/* sox and opus-tools are declared dependencies: fail, not skip. */
	if (!long_opus)
		fprintf(stderr, "  no long test file: are sox and opus-tools installed?\n");
	CHECK(long_opus != NULL);
	if (long_opus)
		check_random_reads(long_opus, 60);
}

TEST(test_wav_header_only_read_reads_little_of_the_source)
{
	const char *path = long_opus ? long_opus : STEREO;
	struct opus_info info;
	struct opus_wav *w = NULL;
	uint8_t hdr[44], two[2];
	struct mem m;

	mem_load(&m, path);
	CHECK_EQ(opus_probe_file(path, &info), 0);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (!w)
		goto out;
	CHECK_EQ(opus_wav_read(w, hdr, sizeof(hdr), 0), 44);
	CHECK(!memcmp(hdr, "RIFF", 4));
	CHECK_EQ(le32(hdr + 40), opus_wav_size(&info) - 44);
	if (long_opus)
		CHECK(m.bytes_read < m.len / 4);
	/* A read across the header's end. */
	CHECK_EQ(opus_wav_read(w, two, 2, 43), 2);
	CHECK_EQ(two[0], hdr[43]);
	opus_wav_close(w);
out:
	free(m.data);
}

TEST(test_wav_header_clamps_sizes_beyond_4_gib)
{
	struct opus_info info = { .channels = 2, .pcm_samples = 48000ull * 3600 * 7 };
	struct opus_wav *w = NULL;
	uint8_t hdr[44];
	struct mem m;

	mem_load(&m, STEREO);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (w) {
		CHECK_EQ(opus_wav_read(w, hdr, 44, 0), 44);
		CHECK_EQ(le32(hdr + 4), 0xFFFFFFFFu);
		CHECK_EQ(le32(hdr + 40), 0xFFFFFFFFu);
		CHECK_EQ(opus_wav_size(&info), 44 + 48000ull * 3600 * 7 * 4);
	}
	opus_wav_close(w);
	free(m.data);
}

TEST(test_wav_pads_with_zeros_when_the_stream_is_shorter_than_its_length)
{
	struct opus_info info;
	struct opus_wav *w = NULL;
	struct mem m;
	uint8_t *view, *ref;
	size_t ref_len = 0, i;
	uint64_t size;
	int zeros = 1;

	mem_load(&m, MONO);
	CHECK_EQ(opus_probe_file(MONO, &info), 0);
	info.pcm_samples += 5000;
	size = opus_wav_size(&info);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (!w)
		goto out;
	view = read_view(w, size, 3001);
	ref = straight_decode(MONO, &ref_len);
	CHECK_EQ(ref_len + 44 + 10000, size);
	CHECK(!memcmp(view + 44, ref, ref_len));
	for (i = 44 + ref_len; i < size; i++)
		zeros &= view[i] == 0;
	CHECK(zeros);
	free(ref);
	free(view);
	opus_wav_close(w);
out:
	free(m.data);
}

TEST(test_wav_never_yields_more_than_its_length)
{
	struct opus_info info;
	struct opus_wav *w = NULL;
	struct mem m;
	uint8_t *view, *ref;
	size_t ref_len = 0;
	uint64_t size;

	mem_load(&m, STEREO);
	CHECK_EQ(opus_probe_file(STEREO, &info), 0);
	info.pcm_samples -= 7777;
	size = opus_wav_size(&info);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), 0);
	if (!w)
		goto out;
	view = read_view(w, size, 100000);
	ref = straight_decode(STEREO, &ref_len);
	CHECK(!memcmp(view + 44, ref, size - 44));
	free(ref);
	free(view);
	opus_wav_close(w);
out:
	free(m.data);
}

TEST(test_wav_open_refuses_what_is_not_opus_with_eio)
{
	struct opus_info info = { .channels = 1, .pcm_samples = 1000 };
	struct opus_wav *w = NULL;
	uint8_t junk[4096];
	struct mem m = { .data = junk, .len = sizeof(junk) };

	memset(junk, 0x5a, sizeof(junk));
	meta_clear_error();
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), -EIO);
	CHECK(w == NULL);
	CHECK(meta_errmsg()[0] != '\0');
}

TEST(test_wav_open_refuses_a_channel_count_other_than_the_streams)
{
	struct opus_info info = { .channels = 2, .pcm_samples = 1000 };
	struct opus_wav *w = NULL;
	struct mem m;

	mem_load(&m, MONO);
	CHECK_EQ(opus_wav_open(mem_read, &m, m.len, &info, &w), -EIO);
	CHECK(w == NULL);
	free(m.data);
}

static void make_long_file(void)
{
	char *cmd;

	long_opus = xasprintf("%s/long.opus", tmpdir);
	cmd = xasprintf("sox -q -n -r 48000 -b 16 -c 2 '%s/long.wav' synth 25 pinknoise sine 300-3000 "
			"vol 0.4 2>/dev/null && opusenc --quiet --serial 3 '%s/long.wav' '%s'",
			tmpdir, tmpdir, long_opus);
	if (system(cmd) != 0) {
		free(long_opus);
		long_opus = NULL;
	}
	free(cmd);
}

int main(void)
{
	tmpdir = t_mkdtemp("opus");
	if (!tmpdir)
		return 2;
	make_long_file();
	RUN(test_probe_reads_channels_and_duration_of_mono_fixture);
	RUN(test_probe_reads_channels_and_duration_of_stereo_fixture);
	RUN(test_probe_refuses_random_bytes);
	RUN(test_probe_refuses_an_opus_file_cut_in_half);
	RUN(test_probe_refuses_an_opus_file_cut_inside_its_headers);
	RUN(test_probe_refuses_a_wav_file);
	RUN(test_probe_refuses_an_empty_file);
	RUN(test_probe_of_a_missing_file_says_enoent);
	RUN(test_wav_size_counts_header_and_16_bit_samples);
	RUN(test_wav_view_of_mono_fixture_equals_a_straight_decode);
	RUN(test_wav_view_of_stereo_fixture_equals_a_straight_decode);
	RUN(test_wav_random_reads_at_odd_offsets_equal_a_sequential_read);
	RUN(test_wav_random_reads_across_segments_of_a_long_file_equal_a_sequential_read);
	RUN(test_wav_header_only_read_reads_little_of_the_source);
	RUN(test_wav_header_clamps_sizes_beyond_4_gib);
	RUN(test_wav_pads_with_zeros_when_the_stream_is_shorter_than_its_length);
	RUN(test_wav_never_yields_more_than_its_length);
	RUN(test_wav_open_refuses_what_is_not_opus_with_eio);
	RUN(test_wav_open_refuses_a_channel_count_other_than_the_streams);
	if (util_remove_tree(tmpdir) < 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(long_opus);
	T_DONE();
}
