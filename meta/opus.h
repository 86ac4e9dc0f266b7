/*
 * opus.h - Ogg Opus: validating audio at ingest (libopusfile), storing it
 * without the comment tags that may name someone (libogg), and serving the
 * on-the-fly WAV view (16-bit PCM, 48 kHz, the stream's channels, no tags):
 * the continuous decode, exact when read in order, within 1 LSB after a
 * seek, with random access at a bounded cost (opus_wav_read).
 */
#ifndef RECFS_OPUS_H
#define RECFS_OPUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define OPUS_WAV_HEADER_BYTES 44
#define OPUS_RATE 48000

struct opus_info {
	int channels;		/* 1..8 */
	uint64_t pcm_samples;	/* per channel, at 48 kHz */
	uint64_t duration_ms;
};

/*
 * Open the Ogg Opus file at path and check it: it must be a regular file
 * (util_open_regular: a symbolic link, a FIFO or a device is -EINVAL, and
 * is neither followed nor waited for), open, be seekable, have one channel
 * count over all links and a non-zero length.  -EINVAL with a message
 * (meta_errmsg) saying what is wrong, e.g. "audio is not an Ogg Opus
 * stream"; -ENOENT when absent.  *out is set only on success.
 */
int opus_probe_file(const char *path, struct opus_info *out) MUST_CHECK;
/*
 * The same check of the file open at fd (the caller's: neither closed nor
 * moved, every read is a pread), which must be a regular file (-EINVAL).
 * Ingest opens each input once and checks, strips and stores what it
 * opened, whatever is renamed in the spool meanwhile.
 */
int opus_probe_fd(int fd, struct opus_info *out) MUST_CHECK;
/*
 * opus_probe_fd, calling meanwhile(ctx) while the judge examines the file
 * (its request sent, its verdict not yet awaited), so that the caller's
 * own walk over the file runs beside the child's.  Called once when the
 * request reached the judge (in the fuzz targets' in-process judge, after
 * the verdict), and not at all when the probe failed before: a return of
 * 0 means it ran.  The result is the probe's alone, whatever meanwhile
 * found.  It runs with the judge's lock held, and must not probe.
 */
int opus_probe_fd_while(int fd, struct opus_info *out, void (*meanwhile)(void *ctx), void *ctx) MUST_CHECK;
/*
 * libopusfile's part of a probe runs in a child process, the judge, so
 * that what it leaks on a malformed file (0.12: the tags of a bad later
 * link) or a crash in it never reaches a long-running caller.  The first
 * probe starts it: a fork that executes a fresh image of the caller's own
 * program (/proc/self/exe, in a judge mode that a constructor of libmeta
 * runs before main), so it holds nothing of the caller's memory: no key,
 * and no personal data of the manifest in hand (a mere fork kept that,
 * and judged the audio of other recorders with it).  It uses no catalog
 * or descriptor of the caller's: it keeps its socket and 0-2 only;
 * started by root, it becomes nobody, without groups, so it cannot
 * read a keyring from disk either; it cannot gain privileges, write a
 * file, fork or dump core; and where the kernel has Landlock (5.13 on,
 * not disabled at boot, its system calls not refused by a seccomp filter)
 * it opens no path at all, for reading or writing, even as a caller that
 * is not root and owns the register: it reads only the descriptors it is
 * handed.  Without Landlock it goes on without that one wall); each later
 * probe hands it the descriptor and gets its verdict back over a socket.
 * A verdict that takes over 60 s is -EINVAL and the child is killed; a
 * crash in it refuses that one file (-EINVAL); both say so in
 * meta_errmsg().  It is retired (killed and reaped) after a refusal and
 * after OPUS_JUDGE_VERDICTS_MAX verdicts, and the next probe
 * forks a new one, so what it leaks stays bounded in a daemon that runs
 * for months.  A child that died while idle is replaced and the probe
 * asked again, once.  The child ends when the caller exits (its socket
 * closes; PR_SET_PDEATHSIG too, which fires when the *thread* that forked
 * it ends) and is reaped at exit(3).  It ignores SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT, which a terminal or systemd sends to the whole group: they
 * are for the caller.
 *
 * Locking: opus_probe_fd and opus_probe_file may be called from any
 * thread; one mutex serialises the requests to the child (the callers
 * today, recctl ingest and recctl watch, probe from one thread; fs/ never
 * probes).  A process forked from the caller does not share its child: its
 * first probe forks one of its own.  Besides the errnos above, a probe can
 * fail with -EAGAIN ("audio could not be examined: ...") when the child
 * cannot be reached or ends without a verdict but not by a crash (killed
 * with SIGKILL by an administrator or the OOM killer, mid-verdict), or
 * the -errno of socketpair(2) or fork(2) (-EMFILE, -ENFILE, -EAGAIN,
 * -ENOMEM), or when /proc/self/exe cannot be executed (no /proc): none
 * says anything about the file, so try again later.
 *
 * The fuzz targets, for which a child costs nearly all their speed, call
 * opus_probe_judge_in_process with 1 (before any probe) to judge in their
 * own process instead; a child already started is retired then.
 */
void opus_probe_judge_in_process(int on);
/* Verdicts after which a judge child is retired, whatever they were: what
 * libopusfile leaks in it stays below this many files' worth. */
#define OPUS_JUDGE_VERDICTS_MAX 256
/*
 * For tests: the pid of this process's judge child, 0 when there is none
 * (none started yet, or the last one retired).  Same locking as a probe.
 */
pid_t opus_probe_judge_pid(void);
/*
 * Reap this process's judge child when it has ended while idle (killed by
 * an administrator, say), so that it is not left a zombie until the next
 * probe finds it gone; a daemon calls this on SIGCHLD.  1 when it reaped
 * the child (the next probe forks a new one), else 0: none, or it still
 * runs (or is stopped).  Same locking as a probe: it waits for a probe in
 * another thread to finish.
 */
int opus_probe_judge_reap(void);

/*
 * The stored form of an Ogg Opus file.  Comment tags (TITLE=, ARTIST=,
 * PHONE=, ...) and the vendor string are personal data unless they are
 * technical, and free text can hold anything: only what an encoder writes
 * about itself, in that encoder's form, is kept.  V below is a version: a
 * digit, then [0-9A-Za-z.+~-] only, 32 bytes at most.
 *  - the vendor string "libopus", "libopus V" or "libopus V, libopusenc V"
 *    (libopus's and opusenc's); any other is replaced by "recfs" (kept too);
 *  - ENCODER=opusenc from opus-tools V, ENCODER=libopusenc V;
 *  - ENCODER_OPTIONS= as opusenc writes it: at most 256 bytes of tokens
 *    separated by one space, each an option --[a-z][a-z0-9-]* or a value
 *    of [0-9.=:+-] starting with a digit or '-' and a digit;
 *  - R128_TRACK_GAIN, R128_ALBUM_GAIN (loudness), when they are the signed
 *    integer RFC 7845 makes them.
 * Field names compare without case.  Every other tag goes, and so does an
 * ENCODER or ENCODER_OPTIONS of any other value: a file as opusenc writes
 * it without --title, --artist, --comment and the like is stored byte for
 * byte.  Every OpusTags header of the file (one per chained link) is
 * written anew with the kept vendor string and tags only; what was removed
 * is handed to the caller to be sealed, a replaced vendor string as
 * "VENDOR=<original>", first among its link's.  The OpusHead page and
 * every audio page keep their bytes, so the packets and granule positions are the file's own; when the new
 * header takes fewer or more pages than the old one, the link's later pages
 * get new sequence numbers (and CRCs).  Data after the comments (padding)
 * goes too, unless it is all zero bytes in a header kept as it is.  A file
 * with nothing to remove is stored byte for byte.
 *
 * Refused with -EINVAL and one line in meta_errmsg(): bytes that are not
 * part of an Ogg page, a stream that is not Opus or runs alongside another
 * (multiplexed), an OpusHead header longer than its fields (19 bytes, and
 * the channel mapping table of a family other than 0), an audio packet
 * whose padding is not zero bytes, more than OPUS_LINKS_MAX links, an
 * OpusTags header that is malformed, holds a vendor
 * string or a comment that is not UTF-8 text (or holds a NUL), or is larger
 * than OPUS_TAGS_MAX.
 */
#define OPUS_TAGS_MAX (1024 * 1024)
/*
 * The most links (streams one after another) a stored file may chain.  A
 * recording paused and resumed, or a call put through, holds a few, and
 * segments joined with cat(1) one each (10 s segments of a call of nearly
 * three hours are 1,000: atk70 L1); each link costs libopusfile a scan and
 * about 600 bytes for as long as a .wav view of it is open (at most 600
 * KiB here), so a file of a million tiny links (336 MB) cost the mount 600
 * MiB and 10 s of CPU for every open of its .wav (atk69 F1).  More is
 * refused: "audio chains more than N streams".
 */
#define OPUS_LINKS_MAX 1024

struct opus_strip;
/* The largest file whose stored form is kept in memory as it is planned:
 * an hour's meeting at 32 kbit/s. */
#define OPUS_STRIP_KEEP_MAX (16u << 20)

/*
 * Read the Ogg Opus file at path (opened as opus_probe_file does) through
 * once and plan its stored form.  The file stays open in *out (owned by
 * the caller: opus_strip_close) for opus_strip_read.  -EINVAL as above,
 * -ENOENT, -ENOMEM, -EIO on a read error; meta_errmsg() says which, naming
 * no tag.
 */
int opus_strip_open(const char *path, struct opus_strip **out) MUST_CHECK;
/*
 * The same for the regular file open at fd (-EINVAL when it is none).  *out
 * keeps a descriptor of its own (a dup: the caller still closes fd, and
 * may do so at once); reads are preads, so fd's offset is not moved.  A
 * file of at most keep_max bytes is read once: its stored form is kept in
 * memory (wiped once read, or by opus_strip_close) and the descriptor
 * closed, so what the file becomes later changes nothing.  A larger one is
 * read again by opus_strip_read.  opus_strip_open keeps up to
 * OPUS_STRIP_KEEP_MAX.
 */
int opus_strip_fdopen(int fd, uint64_t keep_max, struct opus_strip **out) MUST_CHECK;
/* Size in bytes of the stored form. */
uint64_t opus_strip_size(const struct opus_strip *s);
/* 1 when the stored form is the file as it is (nothing removed). */
int opus_strip_verbatim(const struct opus_strip *s);
/* How many tags were removed, and each as it was in the file ("KEY=value",
 * a replaced vendor string "VENDOR=<original>"; UTF-8, NUL-terminated; the
 * string belongs to s). */
size_t opus_strip_n_removed(const struct opus_strip *s);
const char *opus_strip_removed(const struct opus_strip *s, size_t i);
/*
 * Copy the next len bytes of the stored form into buf (reads go in order,
 * from the start).  0, or -EIO for a read past its end and, for a file not
 * kept, when the file changed since opus_strip_open (a different size or
 * layout) or cannot be read, -ENOMEM.
 */
int opus_strip_read(struct opus_strip *s, void *buf, size_t len) MUST_CHECK;
/* Close the file and wipe what was read of it.  NULL is fine. */
void opus_strip_close(struct opus_strip *s);

/* Exact size of the WAV view; 0 when there is none to give: no samples,
 * channels outside 1..8, or a size an off_t cannot hold. */
uint64_t opus_wav_size(const struct opus_info *info);

/*
 * A source of Opus bytes: read len bytes at off into buf, returning the
 * count (0 at end) or a negative errno.  Used to decode straight from a
 * decrypting blob reader.
 */
typedef ssize_t (*opus_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

struct opus_wav;

/*
 * Bytes a view maps while it decodes (window and PCM block), at most; the
 * rest of a view is the struct and libopusfile's state (tens of KiB).
 */
#define OPUS_WAV_DECODER_BYTES (2560u << 10)

/* A WAV view over an Opus source of size bytes.  -EIO when it does not open
 * as Opus.  Not thread-safe: one per open file, callers serialise.  It
 * reads the first pages of the source but maps no decoder buffers until
 * audio is read. */
int opus_wav_open(opus_read_fn fn, void *ctx, uint64_t size, const struct opus_info *info,
		  struct opus_wav **out) MUST_CHECK;
/*
 * How far before its target a seek of the WAV view starts decoding.  A
 * decoder started that far back has converged on the continuous decode:
 * on speech and music, mono and stereo, from 8 kbit/s to opusenc's default
 * rate, it gave the same samples after at most 6.5 s (opus.c).
 */
#define OPUS_WAV_PREROLL_MS 10000

/*
 * Read WAV bytes at off into buf (len bytes; the view keeps no pointer to
 * buf).  The 44-byte header (RIFF, PCM, 48 kHz, the stream's channels, 16
 * bits; the two sizes saturate at 0xFFFFFFFF beyond 4 GiB) is followed by
 * the samples of libopusfile's continuous decode: op_read_float() from the
 * first sample on, each value v as the 16-bit integer nearest to v * 32768
 * (halves away from zero, clamped to -32768..32767), no dither.
 *
 * What a read gets of those samples:
 * - a view read in order from its start (each read starting where the
 *   last one ended, or ahead of it by at most OPUS_WAV_PREROLL_MS, or
 *   again in the last MiB or so decoded) never seeks: it gives the
 *   continuous decode exactly, whatever the read sizes;
 * - a read behind that, or further ahead, or the first read of a view (or
 *   the first after opus_wav_idle) beyond the first OPUS_WAV_PREROLL_MS,
 *   seeks: the view starts decoding OPUS_WAV_PREROLL_MS before the target
 *   and decodes forward, so the read costs one seek and at most that much
 *   decoding besides its own length.  From there on the samples are
 *   within 1 LSB of the continuous decode.  That holds for streams whose
 *   decoder converges within the pre-roll, which every stream measured did
 *   (and then bit for bit, so in practice the bytes are the same as those
 *   of a read in order).
 * Past the decodable end of a stream shorter than info->pcm_samples: zeros.
 * Returns the count (len, less at the end of the view), 0 at or past the
 * end, -EIO when the audio cannot be read, does not decode or does not
 * seek (meta_errmsg() says which), -ENOMEM.  Not thread-safe: the caller
 * serialises reads of one view.
 */
ssize_t opus_wav_read(struct opus_wav *w, void *buf, size_t len, uint64_t off) MUST_CHECK;
/*
 * Give back what decoding holds: the window and PCM block (unmapped,
 * OPUS_WAV_DECODER_BYTES) and libopusfile's state.  The next
 * opus_wav_read opens the decoder again and seeks, and gives what
 * opus_wav_read says a read after a seek gives.  For views not read for a
 * while.  Callers serialise it with opus_wav_read.  1 when something was
 * given back, 0 when the view held nothing (NULL is fine).
 */
int opus_wav_idle(struct opus_wav *w);
/* NULL is fine. */
void opus_wav_close(struct opus_wav *w);
/*
 * Set (for its own thread) while opus_wav_open, _read, _idle and _close
 * run libopusfile: a program that replaces free(3) and realloc(3) (recfs:
 * fs/wipefree.c) wipes the blocks freed meanwhile, for libogg's buffers
 * hold decrypted audio that op_free would leave in the freed heap.
 */
extern _Thread_local int opus_wipe_frees;

#endif
