/*
 * opus.c - Ogg Opus through libopusfile: the ingest check and the WAV view.
 *
 * The WAV view is libopusfile's continuous decode of the stream: what
 * op_read_float() gives read from the first sample on, each value rounded
 * half away from zero to 16 bits, with no dither (op_read() adds dither
 * whose state runs across calls, so its output depends on how it is read).
 * The decoder carries state from packet to packet, so a sample is that of
 * the continuous decode only if the decoder got there by decoding, not
 * from a seek: after op_pcm_seek() it starts from a reset state with 80 ms
 * of pre-roll, and the next few hundred milliseconds (seconds in stereo
 * SILK speech) differ, by up to thousands of LSB.
 *
 * So the view never seeks unless it must.  Reads that continue where the
 * decoder stands, or lie ahead of it by at most the pre-roll, decode on:
 * a sequential reader gets the continuous decode exactly, whatever its
 * read sizes.  A read behind the window below, or further ahead, seeks
 * PREROLL_FRAMES before its target (to the start when that is nearer) and
 * decodes forward, so any read costs at most one seek and PREROLL_FRAMES
 * plus its own length of decoding.  The pre-roll goes into the window, but
 * is served from the seek's target on only (trust_off).  The decoder
 * converges on the continuous decode well within the pre-roll: on speech
 * and music, mono and stereo, from 8 kbit/s to opusenc's default rate,
 * its float output was bit-identical to the continuous decode at most
 * 6.5 s after a seek (overlapping stereo speech; music and mono speech
 * within 2 s; tests/RELIABILITY.md), so the bytes read after a seek are
 * those of a sequential read; the promise made (opus.h) is 1 LSB.  A
 * stream whose decoder took longer than the pre-roll to converge would
 * differ by more in the first seconds after a seek.  The bytes past the
 * decoder's end, up to info->pcm_samples, are zeros; nothing past it is
 * ever produced, so the view is exactly opus_wav_size() bytes.
 *
 * A window of recently decoded bytes is kept so that slightly reordered
 * reads (kernel read-ahead) and re-reads just behind the decoder are served
 * without decoding again, and never seek.
 *
 * Memory: a view that only exists (an open file not yet read, or read only
 * in its header) holds no decoder buffers: the window and the PCM block
 * (OPUS_WAV_DECODER_BYTES together) are mapped at the first read of audio
 * and unmapped by opus_wav_idle() and opus_wav_close(), in a mapping of
 * their own so that freeing them returns the pages to the system whatever
 * malloc's thresholds.  opus_wav_idle() also frees libopusfile's state;
 * the next read opens it again and seeks as above.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <ogg/ogg.h>
#include <opusfile.h>

#include "crypto.h"
#include "opus.h"

/* A seek starts decoding this many frames before its target, and a read
 * at most this far ahead of the decoder decodes on instead of seeking. */
#define PREROLL_FRAMES ((uint64_t)OPUS_RATE * OPUS_WAV_PREROLL_MS / 1000)
/* The largest op_read_float() answer: 120 ms per channel. */
#define BLOCK_FRAMES 5760
#define MAX_CHANNELS 8
/* Decoded bytes kept for re-reads behind the read position. */
#define WINDOW_KEEP (1u << 20)
#define WINDOW_CAP (WINDOW_KEEP * 2 + BLOCK_FRAMES * MAX_CHANNELS * 2)
#define PCM_BYTES (BLOCK_FRAMES * MAX_CHANNELS * sizeof(float))
_Static_assert(WINDOW_CAP + PCM_BYTES <= OPUS_WAV_DECODER_BYTES, "opus.h states the decoder's buffers");
/* How long libopusfile may take to judge one file (judge_recv): its
 * open reads a few pages per link, milliseconds for a file of hours. */
#define JUDGE_MS 60000
/*
 * Landlock's filesystem rights (landlock(7)), by the ABI version that
 * brought them: 1 the first thirteen (EXECUTE to MAKE_SYM), 2 REFER, 3
 * TRUNCATE, 5 IOCTL_DEV; 4, 6 and 7 brought none.  The values are the
 * kernel's ABI, written here for a <linux/landlock.h> older than them.
 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LANDLOCK_FS_ABI_1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
/* Ogg page: 27 header bytes, up to 255 lacing values of up to 255 each. */
#define OGG_PAGE_MAX (27 + 255 + 255 * 255)

/* An opus_read_fn with a file position, as the opusfile callbacks want. */
struct src {
	opus_read_fn fn;
	void *ctx;
	uint64_t size;
	uint64_t pos;
	int err;		/* last negative errno from fn */
};

struct opus_wav {
	struct src src;
	OggOpusFile *of;
	int opened;		/* op_test_open() done */
	int channels;
	uint64_t frames;	/* info->pcm_samples */
	uint64_t data_bytes;	/* frames * channels * 2 */
	uint8_t header[OPUS_WAV_HEADER_BYTES];
	/* win[0..win_len) holds the data-chunk bytes at win_off.. */
	uint8_t *win;
	size_t win_len;
	uint64_t win_off;
	/* Where the window's bytes start to be what opus_wav_read promises:
	 * the target of the last seek (the pre-roll before it has not
	 * converged), or 0 when decoding started at the first sample. */
	uint64_t trust_off;
	/* The decoder's next frame; valid when positioned.  It equals
	 * (win_off + win_len) / frame bytes whenever win_len > 0. */
	int positioned;
	uint64_t dec_frame;
	int dec_end;		/* decoder exhausted: zeros from dec_frame on */
	float *pcm;		/* PCM_BYTES, mapped with win; NULL when idle */
};

static int src_read(void *stream, unsigned char *ptr, int nbytes)
{
	struct src *s = stream;
	ssize_t n;

	if (nbytes <= 0 || s->pos >= s->size)
		return 0;
	if ((uint64_t)nbytes > s->size - s->pos)
		nbytes = (int)(s->size - s->pos);
	n = s->fn(s->ctx, ptr, (size_t)nbytes, s->pos);
	if (n < 0) {
		s->err = (int)n;
		return -1;
	}
	if (n > nbytes) {
		s->err = -EIO;
		return -1;
	}
	s->pos += (uint64_t)n;
	return (int)n;
}

static int src_seek(void *stream, opus_int64 offset, int whence)
{
	struct src *s = stream;
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)s->pos;
		break;
	case SEEK_END:
		base = (int64_t)s->size;
		break;
	default:
		return -1;
	}
	if (offset < -base || offset > INT64_MAX - base)
		return -1;
	s->pos = (uint64_t)(base + offset);
	return 0;
}

static opus_int64 src_tell(void *stream)
{
	struct src *s = stream;

	return (opus_int64)s->pos;
}

static const OpusFileCallbacks src_callbacks = {
	.read = src_read,
	.seek = src_seek,
	.tell = src_tell,
	.close = NULL,
};

static ssize_t fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do
		n = pread(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* The one place opusfile's codes become errnos and messages. */
static int op_fail(int op_err, const struct src *s)
{
	switch (op_err) {
	case OP_EREAD:
		return meta_fail(s->err ? s->err : -EIO, "audio could not be read: %s",
				 strerror(s->err ? -s->err : EIO));
	case OP_EFAULT:
		return meta_fail(-ENOMEM, "out of memory while opening audio");
	case OP_ENOTFORMAT:
		return meta_fail(-EINVAL, "audio is not an Ogg Opus stream");
	case OP_EBADHEADER:
		return meta_fail(-EINVAL, "audio has a damaged or missing Opus header");
	case OP_EVERSION:
		return meta_fail(-EINVAL, "audio has an unknown Opus version");
	case OP_EIMPL:
		return meta_fail(-EINVAL, "audio uses an Opus feature that is not supported "
				 "(channel mapping)");
	case OP_EBADLINK:
	case OP_EBADTIMESTAMP:
		return meta_fail(-EINVAL, "audio has damaged timestamps (truncated or spliced?)");
	case OP_EBADPACKET:
		return meta_fail(-EINVAL, "audio contains a packet that does not decode");
	case OP_HOLE:
		return meta_fail(-EINVAL, "audio has a gap in its pages");
	default:
		return meta_fail(-EIO, "audio could not be opened (libopusfile error %d)", op_err);
	}
}

/*
 * A recorder that died mid-write leaves a file libopusfile still opens, only
 * shorter.  Such a file must not be ingested as if complete: the file has to
 * end with a whole page (valid CRC) that carries the end-of-stream flag.
 */
static int check_tail(int fd, uint64_t size)
{
	size_t n = size < OGG_PAGE_MAX ? (size_t)size : OGG_PAGE_MAX;
	uint64_t base = size - n;
	uint8_t *buf = NULL;
	size_t i;
	int ret;

	buf = malloc(n);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = util_pread_all(fd, buf, n, (off_t)base);
	if (ret < 0) {
		ret = meta_fail(ret, "audio could not be read: %s", strerror(-ret));
		goto out;
	}
	ret = meta_fail(-EINVAL, "audio is truncated: it does not end with a complete "
			"end-of-stream page");
	for (i = n >= 27 ? n - 27 + 1 : 0; i-- > 0;) {
		size_t segs, body = 0, len, k;
		uint8_t crc[4];
		ogg_page og;

		if (memcmp(buf + i, "OggS", 4) || buf[i + 4] != 0)
			continue;
		segs = buf[i + 26];
		if (i + 27 + segs > n)
			continue;
		for (k = 0; k < segs; k++)
			body += buf[i + 27 + k];
		len = 27 + segs + body;
		if (i + len != n)
			continue;
		/* libogg writes the page's checksum in place: compare it with
		 * the one the file holds. */
		og = (ogg_page){ .header = buf + i, .header_len = (long)(27 + segs),
				 .body = buf + i + 27 + segs, .body_len = (long)body };
		memcpy(crc, buf + i + 22, sizeof(crc));
		ogg_page_checksum_set(&og);
		if (!memcmp(buf + i + 22, crc, sizeof(crc)) && ogg_page_eos(&og))
			ret = 0;
		break;
	}
out:
	free(buf);
	return ret;
}

/* The message of util_open_regular's failure on the audio file. */
static int open_failed(int rc)
{
	if (rc == -ELOOP)
		return meta_fail(-EINVAL, "audio file is a symbolic link: only regular files are taken");
	if (rc == -EINVAL)
		return meta_fail(-EINVAL, "audio is not a regular file");
	return meta_fail(rc, "audio file cannot be opened: %s", strerror(-rc));
}

int opus_probe_file(const char *path, struct opus_info *out)
{
	int fd = util_open_regular(path, NULL), ret;

	if (fd < 0)
		return open_failed(fd);
	ret = opus_probe_fd(fd, out);
	close(fd);
	return ret;
}

/* libopusfile's verdict on a file, as judge() gives it. */
struct verdict {
	int ret;		/* 0, or a negative errno with msg */
	int channels;
	int64_t total;		/* op_pcm_total(of, -1) */
	char msg[400];		/* meta_errmsg() of a refusal */
};

/* In the judge child: its address space is capped (judge_cap_memory). */
static int judge_capped;

/* The part of the probe that libopusfile does, in whichever process. */
static void judge(int fd, uint64_t size, struct verdict *v)
{
	struct src s = { .fn = fd_read, .ctx = &fd, .size = size };
	OggOpusFile *of = NULL;
	ogg_int64_t total;
	int err = 0, links, channels, i;

	memset(v, 0, sizeof(*v));
	meta_clear_error();
	of = op_open_callbacks(&s, &src_callbacks, NULL, 0, &err);
	if (!of && err == OP_EFAULT && judge_capped) {
		/* Out of the child's own room (judge_cap_memory), which no
		 * recording needs: the file's, not the machine's to retry. */
		v->ret = meta_fail(-EINVAL, "audio needs more memory to be examined than a recording does "
				   "(a chain of very many streams?)");
		goto out;
	}
	if (!of) {
		v->ret = op_fail(err, &s);
		goto out;
	}
	if (!op_seekable(of)) {
		v->ret = meta_fail(-EINVAL, "audio is not seekable");
		goto out;
	}
	links = op_link_count(of);
	if (links > OPUS_LINKS_MAX) {
		v->ret = meta_fail(-EINVAL, "audio chains more than %d streams (one after another): encode it "
				   "again as one stream", OPUS_LINKS_MAX);
		goto out;
	}
	channels = op_channel_count(of, 0);
	for (i = 1; i < links; i++) {
		if (op_channel_count(of, i) != channels) {
			v->ret = meta_fail(-EINVAL, "audio changes channel count between links "
					   "(%d, then %d)", channels, op_channel_count(of, i));
			goto out;
		}
	}
	if (channels < 1 || channels > MAX_CHANNELS) {
		v->ret = meta_fail(-EINVAL, "audio has %d channels; at most %d are supported",
				   channels, MAX_CHANNELS);
		goto out;
	}
	total = op_pcm_total(of, -1);
	if (total <= 0) {
		v->ret = meta_fail(-EINVAL, "audio has no length");
		goto out;
	}
	v->channels = channels;
	v->total = total;
out:
	op_free(of);
	snprintf(v->msg, sizeof(v->msg), "%s", v->ret ? meta_errmsg() : "");
}

/*
 * The judge: a long-lived child process in which libopusfile judges the
 * probes, one file after another.  libopusfile 0.12 leaks the tags of a
 * later link of a chained stream whose first audio page is bad (about 140
 * bytes a file; opusfile commit 6452e83 fixes it after 0.12), and it is
 * the one code that parses what the recorder wrote that is not recfs's
 * own: a watch daemon that runs for months would keep every byte it
 * leaks, and a crash or an endless loop in it would stop the daemon.  In
 * the child, a crash refuses one file, a verdict that takes longer than
 * JUDGE_MS is a refusal too (the child is killed), and what it leaks goes
 * with the child: it is retired after a refusal (the malformed files are
 * where libopusfile leaks) and after OPUS_JUDGE_VERDICTS_MAX verdicts,
 * and the next probe starts a new one.  The child is a fresh image of the
 * program (judge_start, judge_main): nothing of the caller's memory, not
 * the personal data of the manifest in hand when it started, is in it.
 * Only libopusfile runs there: no catalog,
 * no keys are used, and the child closes every descriptor it inherited
 * but its socket and 0-2 (a journal's flock or a spool file must not stay
 * open in it for hundreds of probes).
 *
 * One fork per recording cost about 2.6 ms of CPU, a quarter of an
 * ingest's; now a request is one message each way over a socketpair
 * (SOCK_SEQPACKET): the descriptor (SCM_RIGHTS) with the file's size, and
 * the struct verdict back.  A child that died while idle (killed by an
 * admin, or PR_SET_PDEATHSIG when the thread that forked it ended) makes
 * the send fail with EPIPE or ECONNRESET before it took the request: the
 * probe starts a new child and asks once more, so a good file is not
 * refused for it.  judge_lock serialises requests; the state below is the
 * forking process's own (a process forked from it forgets it).
 */
struct judge_req {
	uint64_t size;		/* of the file whose descriptor comes along */
};

static pthread_mutex_t judge_lock = PTHREAD_MUTEX_INITIALIZER;
/* The judge child, all protected by judge_lock. */
static pid_t judge_pid;		/* 0: none */
static pid_t judge_owner;	/* the process that forked it */
static int judge_sock = -1;
static unsigned judge_verdicts;	/* given by this child */
static int judge_exit_hook;	/* judge_at_exit registered */

#ifdef RECFS_TEST_HOOKS
/*
 * The test build's view of the child's confinement, which nothing it does
 * shows from outside: with $RECFS_TEST_JUDGE_OPEN naming a path, every
 * verdict is a refusal that says what opening that path for reading and
 * for writing gave it (0 or the errno; nothing is written).  1 when it
 * made the verdict, 0 when the variable is not set.
 */
static int judge_test_open(struct verdict *v)
{
	const char *path = getenv("RECFS_TEST_JUDGE_OPEN");
	int fd, r, w;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	r = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	w = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	memset(v, 0, sizeof(*v));
	v->ret = -EINVAL;
	snprintf(v->msg, sizeof(v->msg), "test hook: opening %s: for reading %d, for writing %d", path, r, w);
	return 1;
}
#endif

/* The child's loop: one verdict per request until the socket closes. */
static void __attribute__((noreturn)) judge_serve(int sock)
{
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct judge_req req;
		struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		struct cmsghdr *c;
		struct verdict v;
		ssize_t n;
		int fd = -1;

		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if (fd < 0 || n != (ssize_t)sizeof(req) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
			_exit(1);
		/* A verdict that takes longer than the parent waits for ends
		 * the child by itself (SIGALRM's default action): the parent
		 * closes the socket then, and its SIGKILL may not reach a child
		 * of another user (no CAP_KILL, as in recfs-watch@.service). */
		alarm(JUDGE_MS / 1000 + 5);
#ifdef RECFS_TEST_HOOKS
		if (!judge_test_open(&v))
#endif
			judge(fd, req.size, &v);
		alarm(0);
		close(fd);
		do
			n = send(sock, &v, sizeof(v), MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(v))
			_exit(1);
	}
}

/* Close what the child inherited, but 0-2 and sock (moved to 3). */
static int judge_child_fds(int sock)
{
	if (sock != 3) {
		if (dup2(sock, 3) < 0)
			return -1;
		sock = 3;
	}
	if (close_range(4, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = 4; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close((int)fd);
	}
	return sock;
}

/* No judge child any more (it was reaped, or is another process's):
 * its socket closed, the state cleared.  With judge_lock held. */
static void judge_forget(void)
{
	if (judge_sock >= 0)
		close(judge_sock);
	judge_sock = -1;
	judge_pid = 0;
	judge_verdicts = 0;
}

/* Close the socket, kill and reap the child; *status gets its wait
 * status when it is not NULL.  With judge_lock held. */
static void judge_retire(int *status)
{
	int st = 0;

	if (judge_pid > 0 && judge_owner == getpid()) {
		/* The socket first: a child waiting for a request ends on its
		 * end of file.  The kill may be refused: without CAP_KILL root
		 * may not signal the child, which runs as nobody (as under
		 * recfs-watch@.service); a child still judging then ends by its
		 * own alarm (judge_serve), so the wait below ends too. */
		if (judge_sock >= 0)
			close(judge_sock);
		judge_sock = -1;
		kill(judge_pid, SIGKILL);
		while (waitpid(judge_pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	judge_forget();
	if (status)
		*status = st;
}

/* At exit, nothing of the judge stays behind: the child is reaped. */
static void judge_at_exit(void)
{
	if (pthread_mutex_trylock(&judge_lock))
		return;		/* a probe in another thread: its child goes with us */
	if (judge_pid && judge_owner == getpid())
		judge_retire(NULL);
	pthread_mutex_unlock(&judge_lock);
}

/* The unprivileged user a root caller's judge becomes: nobody, or 65534
 * (Debian's) when the name does not resolve.  Looked up in the parent:
 * NSS is not for a child forked from threads. */
static void judge_user(uid_t *uid, gid_t *gid)
{
	struct passwd pw, *found = NULL;
	char buf[1024];

	*uid = 65534;
	*gid = 65534;
	if (getpwnam_r("nobody", &pw, buf, sizeof(buf), &found) == 0 && found) {
		*uid = found->pw_uid;
		*gid = found->pw_gid;
	}
}

/*
 * Landlock, with every filesystem right the kernel's ABI knows handled and
 * no rule: from here on the child opens no path, for reading or writing,
 * and makes, removes, renames, links or truncates none, whatever its user
 * may do (the caller's own, when that is not root: it owns the register).
 * Landlock checks opens, not descriptors, so the audio files the caller
 * hands over still read.  Nothing in the child opens a path after this:
 * libopusfile reads through our callbacks, and judge() needs no locale
 * file, time zone or /dev/urandom (a message catalog that cannot be
 * opened only leaves strerror in English).  Landlock is an extra wall, so
 * where it cannot be raised the child goes on behind the others: a
 * kernel without it (ENOSYS) or with it disabled at boot (EOPNOTSUPP),
 * a seccomp filter that does not allow its system calls (EPERM: they are
 * in no group of Debian 12's systemd 252, so a unit must name them, as
 * recfs-watch@.service does), the kernel's limit of 16 nested
 * domains (E2BIG).  Rights of an ABI after 7 are not known here, and stay
 * allowed.
 */
static void judge_landlock(void)
{
	struct landlock_ruleset_attr attr;
	long abi;
	int fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = LANDLOCK_FS_ABI_1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return;
	(void)syscall(SYS_landlock_restrict_self, fd, 0);
	close(fd);
}

/*
 * The address space the judge child may map beyond what it has at its
 * start: libopusfile keeps about 600 bytes for each link of a chain as it
 * scans, and a 4 GiB file of tiny links (a million is 336 MB) asked for
 * gigabytes of the ingest host until its time ran out (atk69 F1); such a
 * file now fails to open (OP_EFAULT), which judge() says is the file's.
 * Not under AddressSanitizer, whose shadow takes terabytes of it.
 */
#define JUDGE_AS_SPARE ((rlim_t)512 << 20)

/* The child's address space now, from /proc/self/statm; 0 if unknown. */
static rlim_t mapped_now(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
}

static void judge_cap_memory(void)
{
	rlim_t spare = JUDGE_AS_SPARE, now = mapped_now();
	struct rlimit as;

#ifdef RECFS_TEST_HOOKS
	/* The test build's lower spare ($RECFS_TEST_JUDGE_AS_MB), to reach
	 * the cap with a small file. */
	const char *mb = getenv("RECFS_TEST_JUDGE_AS_MB");

	if (mb && atoi(mb) > 0)
		spare = (rlim_t)atoi(mb) << 20;
#endif
	if (UTIL_ASAN || !now)
		return;
	as.rlim_cur = as.rlim_max = now + spare;
	if (setrlimit(RLIMIT_AS, &as) == 0)
		judge_capped = 1;
}

/*
 * What a file that takes libopusfile over may do in the child: it has no
 * key or personal data (a fresh image) and no descriptor of the caller's; a root caller's
 * child also drops to uid (no supplementary groups), so it cannot read a
 * keyring or the catalog from disk; none gains privileges by exec
 * (PR_SET_NO_NEW_PRIVS), opens a path where the kernel has Landlock
 * (judge_landlock: not even the files of a caller that is not root),
 * writes a file, forks (as another user than root), dumps core, holds
 * more than a few descriptors, or maps more than judge_cap_memory allows.
 * A drop the system refuses (a user namespace without setgroups) leaves
 * the rest.  Then the parent-death signal again: a change of credentials
 * clears it.
 */
static void judge_confine(uid_t uid, gid_t gid, pid_t parent)
{
	static const struct rlimit none = { 0, 0 }, few = { 16, 16 };

	if (geteuid() == 0 && uid != 0) {
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			_exit(1);
		if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
			if (errno != EPERM && errno != EINVAL)
				_exit(1);
		}
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	judge_cap_memory();	/* before Landlock: it reads /proc/self/statm */
	judge_landlock();
	setrlimit(RLIMIT_FSIZE, &none);
	setrlimit(RLIMIT_CORE, &none);
	setrlimit(RLIMIT_NPROC, &none);
	setrlimit(RLIMIT_NOFILE, &few);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

/* The argument that starts an image of the program in judge mode
 * (judge_main): argv is { name, JUDGE_ARG, uid, gid, parent pid }. */
#define JUDGE_ARG "--recfs-judge-child"
/* What judge_start executes: this very program, whatever its path (a
 * package upgrade that replaced the file still executes the running
 * program's own), so the child starts from a fresh image of it. */
#define JUDGE_EXE "/proc/self/exe"
/* The exit status of a child whose execve failed. */
#define JUDGE_EXEC_FAILED 127

/*
 * The judge child's start, in a fresh image of the program: a constructor
 * of libmeta, so that every program that probes audio (recctl, the unit
 * tests) is its own judge, and main() never runs in it.  Its memory holds
 * nothing of the caller's: no key, and no manifest (a child merely forked
 * held the personal data of the manifest in hand while it judged the
 * audio of others).  It has the socket as descriptor 3 and the signal
 * dispositions judge_start left it; it confines itself (judge_confine)
 * and serves.
 */
static void __attribute__((constructor)) judge_main(int argc, char **argv)
{
	unsigned long uid, gid, parent;
	struct stat st;
	char *end;

	if (argc != 5 || strcmp(argv[1], JUDGE_ARG) != 0)
		return;
	if (fstat(3, &st) < 0 || !S_ISSOCK(st.st_mode))
		_exit(1);
	errno = 0;
	uid = strtoul(argv[2], &end, 10);
	if (*end)
		_exit(1);
	gid = strtoul(argv[3], &end, 10);
	if (*end)
		_exit(1);
	parent = strtoul(argv[4], &end, 10);
	if (*end || errno)
		_exit(1);
	/* Named as the program that started it (pgrep, ps). */
	prctl(PR_SET_NAME, argv[0], 0, 0, 0);
	judge_confine((uid_t)uid, (gid_t)gid, (pid_t)parent);
	judge_serve(3);
}

/* Start a new judge child: a fork that executes a fresh image of this
 * program (judge_main).  With judge_lock held; 0 or -errno with a
 * message. */
static int judge_start(void)
{
	pid_t parent = getpid(), pid;
	char name[17] = "", uids[24], gids[24], pids[24];
	char *argv[] = { name, (char *)JUDGE_ARG, uids, gids, pids, NULL };
	uid_t uid;
	gid_t gid;
	int sv[2];

	judge_user(&uid, &gid);
	/* Everything the child needs is made here: between fork and
	 * execve it calls only what is async-signal-safe. */
	if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0 || !name[0])
		snprintf(name, sizeof(name), "recfs-judge");
	snprintf(uids, sizeof(uids), "%lu", (unsigned long)uid);
	snprintf(gids, sizeof(gids), "%lu", (unsigned long)gid);
	snprintf(pids, sizeof(pids), "%lu", (unsigned long)parent);

	if (!judge_exit_hook && atexit(judge_at_exit) == 0)
		judge_exit_hook = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return meta_fail(-errno, "audio cannot be examined: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return meta_fail(-e, "audio cannot be examined: %s", strerror(e));
	}
	if (pid == 0) {
		sigset_t unblock;
		int sock;

		/* This copy of the caller's memory is left for a fresh image
		 * at once (execve below); the keys go first all the same. */
		crypto_wipe_all();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		/* A terminal's ^C or systemd's SIGTERM to the whole group is
		 * for the parent, which may finish its work: the child ends
		 * when its socket closes, or with SIGKILL.  Ignored signals
		 * stay ignored across execve. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		/* SIGALRM ends a verdict that takes too long (judge_serve):
		 * not blocked, whatever the caller blocks (recctl watch reads
		 * its signals from a signalfd); the mask survives execve. */
		signal(SIGALRM, SIG_DFL);
		sigemptyset(&unblock);
		sigaddset(&unblock, SIGALRM);
		sigprocmask(SIG_UNBLOCK, &unblock, NULL);
		close(sv[0]);
		sock = judge_child_fds(sv[1]);
		if (sock < 0 || fcntl(sock, F_SETFD, 0) < 0)
			_exit(1);
		/* The parent-death signal stays set across execve (the
		 * credentials do not change). */
		execve(JUDGE_EXE, argv, environ);
		_exit(JUDGE_EXEC_FAILED);
	}
	close(sv[1]);
	judge_sock = sv[0];
	judge_pid = pid;
	judge_owner = parent;
	judge_verdicts = 0;
	return 0;
}

/* Hand fd and its size to the child: 0, or -errno (-EPIPE, -ECONNRESET:
 * the child was gone before it took the request). */
static int judge_send(int fd, uint64_t size)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct judge_req req = { .size = size };
	struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(judge_sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(req) ? 0 : -EIO;
}

/* Receive the child's verdict within JUDGE_MS: 0, -ETIMEDOUT, or -EPIPE
 * when it ended without one. */
static int judge_recv(struct verdict *v)
{
	struct pollfd pfd = { .fd = judge_sock, .events = POLLIN };
	int64_t left = JUDGE_MS;

	for (;;) {
		struct timespec t0, t1;
		ssize_t n;
		int pr;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		pr = poll(&pfd, 1, (int)left);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left -= (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (pr < 0 && errno != EINTR)
			return -errno;
		if (pr == 0 || (pr < 0 && left <= 0))
			return -ETIMEDOUT;
		if (pr < 0)
			continue;
		n = recv(judge_sock, v, sizeof(*v), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? -EPIPE : -errno;
		return n == (ssize_t)sizeof(*v) ? 0 : -EPIPE;
	}
}

/* judge() in the judge child: 0 with *v, or a refusal of this file
 * (-EINVAL: too slow, a crash) or, when the child could not be started
 * or ended without a verdict, -EAGAIN / -errno, with a message.
 * meanwhile(ctx), when given, runs once the child has the request. */
static int judge_apart(int fd, uint64_t size, struct verdict *v, void (*meanwhile)(void *), void *ctx)
{
	int rc, status = 0, tries;

	pthread_mutex_lock(&judge_lock);
	if (judge_pid && judge_owner != getpid()) {
		/* Forked from the process that owns that child: not ours. */
		judge_forget();
	}
	for (tries = 0;; tries++) {
		if (!judge_pid && (rc = judge_start()))
			goto out;
		rc = judge_send(fd, size);
		if (!rc)
			break;
		judge_retire(NULL);
		if ((rc != -EPIPE && rc != -ECONNRESET) || tries > 0) {
			rc = meta_fail(-EAGAIN, "audio could not be examined: %s", strerror(-rc));
			goto out;
		}
	}
	if (meanwhile)
		meanwhile(ctx);
	rc = judge_recv(v);
	if (rc) {
		judge_retire(&status);
		if (rc == -ETIMEDOUT)
			rc = meta_fail(-EINVAL, "audio could not be examined within %d s (libopusfile did not finish)",
				       JUDGE_MS / 1000);
		else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			rc = meta_fail(-EINVAL, "audio could not be examined: libopusfile stopped on signal %d",
				       WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status) == JUDGE_EXEC_FAILED)
			rc = meta_fail(-EAGAIN, "audio could not be examined: the judge process could not "
				       "be started (" JUDGE_EXE " could not be executed; is /proc mounted?)");
		else	/* SIGKILL from someone else, or no verdict: not the file's */
			rc = meta_fail(-EAGAIN, "audio could not be examined: %s", strerror(-rc));
		goto out;
	}
	if (v->ret || ++judge_verdicts >= OPUS_JUDGE_VERDICTS_MAX)
		judge_retire(NULL);
out:
	pthread_mutex_unlock(&judge_lock);
	return rc;
}

pid_t opus_probe_judge_pid(void)
{
	pid_t pid;

	pthread_mutex_lock(&judge_lock);
	pid = judge_owner == getpid() ? judge_pid : 0;
	pthread_mutex_unlock(&judge_lock);
	return pid;
}

int opus_probe_judge_reap(void)
{
	int st, reaped = 0;

	pthread_mutex_lock(&judge_lock);
	if (judge_pid > 0 && judge_owner == getpid() && waitpid(judge_pid, &st, WNOHANG) == judge_pid) {
		judge_forget();
		reaped = 1;
	}
	pthread_mutex_unlock(&judge_lock);
	return reaped;
}

/* Set by opus_probe_judge_in_process (the fuzz targets); one writer,
 * before any probe. */
static int judge_here;

void opus_probe_judge_in_process(int on)
{
	pthread_mutex_lock(&judge_lock);
	judge_here = on;
	if (on && judge_pid && judge_owner == getpid())
		judge_retire(NULL);
	pthread_mutex_unlock(&judge_lock);
}

int opus_probe_fd(int fd, struct opus_info *out)
{
	return opus_probe_fd_while(fd, out, NULL, NULL);
}

int opus_probe_fd_while(int fd, struct opus_info *out, void (*meanwhile)(void *ctx), void *ctx)
{
	struct verdict v;
	struct stat st;
	int ret;

	if (fstat(fd, &st) < 0)
		return meta_fail(-errno, "audio file cannot be examined: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return meta_fail(-EINVAL, "audio is not a regular file");
	if (st.st_size == 0)
		return meta_fail(-EINVAL, "audio file is empty");
	if (judge_here) {
		judge(fd, (uint64_t)st.st_size, &v);
		if (meanwhile)
			meanwhile(ctx);
	} else if ((ret = judge_apart(fd, (uint64_t)st.st_size, &v, meanwhile, ctx))) {
		return ret;
	}
	if (v.ret) {
		v.msg[sizeof(v.msg) - 1] = '\0';
		return meta_fail(v.ret, "%s", v.msg);
	}
	ret = check_tail(fd, (uint64_t)st.st_size);
	if (ret < 0)
		return ret;
	out->channels = v.channels;
	out->pcm_samples = (uint64_t)v.total;
	out->duration_ms = (uint64_t)v.total * 1000 / OPUS_RATE;
	return 0;
}

uint64_t opus_wav_size(const struct opus_info *info)
{
	/* 1 to 8 channels, and a size an off_t holds: a row of an older recfs
	 * may hold a forged length (2^62 samples), which no view can serve. */
	if (info->channels < 1 || info->channels > 8 || info->pcm_samples == 0 ||
	    info->pcm_samples > (uint64_t)(INT64_MAX - OPUS_WAV_HEADER_BYTES) / (2u * (unsigned)info->channels))
		return 0;
	return OPUS_WAV_HEADER_BYTES + info->pcm_samples * (uint64_t)info->channels * 2;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void make_header(uint8_t *h, int channels, uint64_t data_bytes)
{
	uint64_t riff = 36 + data_bytes;

	memcpy(h, "RIFF", 4);
	put_le(h + 4, riff > 0xFFFFFFFFu ? 0xFFFFFFFFu : riff, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);				/* fmt chunk size */
	put_le(h + 20, 1, 2);				/* PCM */
	put_le(h + 22, (uint64_t)channels, 2);
	put_le(h + 24, OPUS_RATE, 4);
	put_le(h + 28, (uint64_t)OPUS_RATE * channels * 2, 4);	/* byte rate */
	put_le(h + 32, (uint64_t)channels * 2, 2);	/* block align */
	put_le(h + 34, 16, 2);				/* bits per sample */
	memcpy(h + 36, "data", 4);
	put_le(h + 40, data_bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : data_bytes, 4);
}

/*
 * Only the first pages, so that reading just the header stays cheap: the
 * seek to the end for the length waits for the first PCM read
 * (read_data).
 */
static int test_open(struct opus_wav *w)
{
	int err = 0, ret;

	w->src.pos = 0;
	w->src.err = 0;
	w->of = op_test_callbacks(&w->src, &src_callbacks, NULL, 0, &err);
	if (!w->of) {
		ret = op_fail(err, &w->src);
		return ret == -ENOMEM ? ret : -EIO;
	}
	if (op_channel_count(w->of, -1) != w->channels) {
		ret = meta_fail(-EIO, "audio has %d channels, the catalog says %d", op_channel_count(w->of, -1),
				w->channels);
		op_free(w->of);
		w->of = NULL;
		return ret;
	}
	return 0;
}

/* The window and the PCM block, in one mapping of their own. */
static int map_buffers(struct opus_wav *w)
{
	void *m;

	if (w->win)
		return 0;
	m = mmap(NULL, WINDOW_CAP + PCM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	w->win = m;
	w->pcm = (float *)(void *)(w->win + WINDOW_CAP);
	return 0;
}

/* The pages go back to the kernel, which clears them before any reuse. */
static void unmap_buffers(struct opus_wav *w)
{
	if (!w->win)
		return;
	munmap(w->win, WINDOW_CAP + PCM_BYTES);
	w->win = NULL;
	w->pcm = NULL;
	w->win_len = 0;
	w->positioned = 0;
}

/* libopusfile's state, opened as far as decoding needs; a new one stands
 * at the first sample with a fresh decoder. */
static int decoder_open(struct opus_wav *w)
{
	int ret;

	if (!w->of) {
		ret = test_open(w);
		if (ret < 0)
			return ret;
	}
	if (!w->opened) {
		ret = op_test_open(w->of);
		if (ret < 0) {
			ret = op_fail(ret, &w->src);
			return ret == -ENOMEM ? ret : -EIO;
		}
		w->opened = 1;
	}
	return 0;
}

/* Free libopusfile's state; decoder_open makes a new one. */
static void decoder_drop(struct opus_wav *w)
{
	op_free(w->of);
	w->of = NULL;
	w->opened = 0;
}

static void wav_close(struct opus_wav *w);

static int wav_open(opus_read_fn fn, void *ctx, uint64_t size, const struct opus_info *info,
		    struct opus_wav **out)
{
	struct opus_wav *w = NULL;
	int ret;

	if (info->channels < 1 || info->channels > MAX_CHANNELS) {
		ret = meta_fail(-EINVAL, "audio has %d channels; at most %d are supported",
				info->channels, MAX_CHANNELS);
		goto out;
	}
	w = xcalloc(1, sizeof(*w));
	w->src = (struct src){ .fn = fn, .ctx = ctx, .size = size };
	w->channels = info->channels;
	w->frames = info->pcm_samples;
	w->data_bytes = info->pcm_samples * (uint64_t)info->channels * 2;
	make_header(w->header, w->channels, w->data_bytes);
	ret = test_open(w);
	if (ret < 0)
		goto out;
	*out = w;
	w = NULL;
	ret = 0;
out:
	wav_close(w);
	return ret;
}

static void wav_close(struct opus_wav *w)
{
	if (!w)
		return;
	op_free(w->of);
	unmap_buffers(w);
	free(w);
}

static int wav_idle(struct opus_wav *w)
{
	if (!w || (!w->win && !w->of))
		return 0;
	unmap_buffers(w);
	decoder_drop(w);
	w->dec_end = 0;
	return 1;
}

/*
 * Put the decoder PREROLL_FRAMES before frame (at the start when frame is
 * nearer to it), with an empty window there: the reads that follow decode
 * the pre-roll into the window on their way to frame.
 */
static int seek_before(struct opus_wav *w, uint64_t frame)
{
	uint64_t start = frame > PREROLL_FRAMES ? frame - PREROLL_FRAMES : 0;
	int ret;

	w->positioned = 0;
	w->win_len = 0;
	w->win_off = start * (uint64_t)w->channels * 2;
	w->trust_off = start ? frame * (uint64_t)w->channels * 2 : 0;
	w->dec_frame = start;
	w->dec_end = 0;
	ret = op_pcm_seek(w->of, (ogg_int64_t)start);
	if (ret == OP_EINVAL)
		w->dec_end = 1;		/* past the decodable end: zeros */
	else if (ret < 0)
		return meta_fail(-EIO, "audio does not seek (libopusfile error %d)", ret);
	w->positioned = 1;
	return 0;
}

/* Make room for one more block in the window, keeping WINDOW_KEEP behind. */
static void window_make_room(struct opus_wav *w, size_t need)
{
	size_t drop;

	if (w->win_len + need <= WINDOW_CAP)
		return;
	drop = w->win_len - WINDOW_KEEP;
	memmove(w->win, w->win + drop, WINDOW_KEEP);
	w->win_len = WINDOW_KEEP;
	w->win_off += drop;
}

/*
 * Append the next block of content (decoded or zeros) to the window.  The
 * decoder is asked for no more than the view still holds, so that nothing
 * it decodes is dropped: the next block continues the same decode.  The
 * caller makes sure dec_frame < frames.
 */
static int decode_block(struct opus_wav *w)
{
	size_t fb = (size_t)w->channels * 2;
	uint64_t want;
	uint8_t *p;
	size_t i, nval;
	int n, li, tries = 0;

	want = w->frames - w->dec_frame;
	if (want > BLOCK_FRAMES)
		want = BLOCK_FRAMES;
	window_make_room(w, (size_t)want * fb);
	p = w->win + w->win_len;
	for (;;) {
		if (w->dec_end) {
			memset(p, 0, (size_t)want * fb);
			n = (int)want;
			break;
		}
		n = op_read_float(w->of, w->pcm, (int)want * w->channels, &li);
		if (n == OP_HOLE && ++tries < 64)
			continue;
		if (n < 0)
			return meta_fail(-EIO, "audio does not decode (libopusfile error %d)", n);
		if (n == 0) {
			w->dec_end = 1;
			continue;
		}
		if (op_channel_count(w->of, li) != w->channels)
			return meta_fail(-EIO, "audio changes channel count between links");
		if ((uint64_t)n > want)
			return meta_fail(-EIO, "audio decodes to more than was asked for");
		nval = (size_t)n * (size_t)w->channels;
		for (i = 0; i < nval; i++) {
			float v = w->pcm[i] * 32768.0f;
			long s;

			/* Round half away from zero, no dither: a pure function. */
			v = v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v;
			s = (long)(v < 0 ? v - 0.5f : v + 0.5f);
			p[2 * i] = (uint8_t)(s & 0xff);
			p[2 * i + 1] = (uint8_t)((s >> 8) & 0xff);
		}
		break;
	}
	w->win_len += (size_t)n * fb;
	w->dec_frame += (uint64_t)n;
	return 0;
}

/* Copy data-chunk bytes [off, off + len) into buf; the range is inside the
 * chunk. */
static int read_data(struct opus_wav *w, uint8_t *buf, size_t len, uint64_t off)
{
	uint64_t fb = (uint64_t)w->channels * 2;
	uint64_t end, lo, frame;
	size_t n;
	int ret, stalls = 0;

	ret = decoder_open(w);	/* after opus_wav_idle, or a failed reopen */
	if (ret < 0)
		return ret;
	ret = map_buffers(w);
	if (ret < 0)
		return ret;
	while (len > 0) {
		end = w->win_off + w->win_len;
		lo = w->win_off > w->trust_off ? w->win_off : w->trust_off;
		if (w->positioned && off >= lo && off < end) {
			n = (size_t)(end - off < len ? end - off : len);
			memcpy(buf, w->win + (off - w->win_off), n);
			buf += n;
			off += n;
			len -= n;
			continue;
		}
		frame = off / fb;
		/* Behind the window, or further ahead than a seek's pre-roll:
		 * seek.  Ahead by less: decode on, which costs no more than the
		 * pre-roll would and keeps the continuous decode. */
		if (!w->positioned || off < lo || frame > w->dec_frame + PREROLL_FRAMES) {
			ret = seek_before(w, frame);
			if (ret < 0)
				goto fail;
		}
		ret = decode_block(w);
		if (ret < 0)
			goto fail;
		/* Every block must move the window on; a decoder that stops
		 * doing so would otherwise spin here for ever. */
		if (w->win_off + w->win_len == end && ++stalls > 2) {
			ret = meta_fail(-EIO, "audio decoding makes no progress");
			goto fail;
		}
	}
	return 0;
fail:
	w->positioned = 0;
	w->win_len = 0;
	return ret;
}

static ssize_t wav_read(struct opus_wav *w, void *buf, size_t len, uint64_t off)
{
	uint64_t total = OPUS_WAV_HEADER_BYTES + w->data_bytes;
	uint8_t *p = buf;
	size_t n, done = 0;
	int ret;

	if (off >= total || len == 0)
		return 0;
	if (len > total - off)
		len = (size_t)(total - off);
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (off < OPUS_WAV_HEADER_BYTES) {
		n = OPUS_WAV_HEADER_BYTES - (size_t)off;
		n = n < len ? n : len;
		memcpy(p, w->header + off, n);
		done = n;
		off += n;
	}
	if (done < len) {
		ret = read_data(w, p + done, len - done, off - OPUS_WAV_HEADER_BYTES);
		if (ret < 0)
			return ret;
	}
	return (ssize_t)len;
}

/*
 * The decoder's frees are wiped (opus_wipe_frees): libogg's sync buffer
 * and stream bodies, which libopusfile allocates with plain malloc, hold
 * the decrypted pages it last read, and op_free would leave them in the
 * daemon's freed heap (atk26 F4).  Each entry point below sets the flag
 * for its thread while libopusfile runs.
 */
_Thread_local int opus_wipe_frees;

#define WIPING(call) do { \
		int was_ = opus_wipe_frees; \
		opus_wipe_frees = 1; \
		call; \
		opus_wipe_frees = was_; \
	} while (0)

int opus_wav_open(opus_read_fn fn, void *ctx, uint64_t size, const struct opus_info *info,
		  struct opus_wav **out)
{
	int ret;

	WIPING(ret = wav_open(fn, ctx, size, info, out));
	return ret;
}

void opus_wav_close(struct opus_wav *w)
{
	WIPING(wav_close(w));
}

int opus_wav_idle(struct opus_wav *w)
{
	int ret;

	WIPING(ret = wav_idle(w));
	return ret;
}

ssize_t opus_wav_read(struct opus_wav *w, void *buf, size_t len, uint64_t off)
{
	ssize_t ret;

	WIPING(ret = wav_read(w, buf, len, off));
	return ret;
}

/*
 * The stored form (opus.h).  One walk over the input's pages does both
 * jobs: opus_strip_open runs it to plan (count the output, collect the
 * removed tags) and opus_strip_read runs it again to produce, page by
 * page, so the bytes produced are the bytes planned; a file that changes
 * in between is caught by the count.  An input of at most keep_max bytes
 * (a call, a meeting of an hour) is walked once: the planning walk keeps
 * what it lets through, and the reads copy that out.  The second walk
 * read every byte again and checked every page's CRC again, an eighth of
 * an ingest's time on its one thread.  Pages are found and checked (CRC)
 * by libogg's sync layer and the two header packets put together by its
 * stream layer; audio pages are only copied, renumbered when needed.
 */

/* Input read per step of the walk. */
#define STRIP_READ (64u << 10)
/* Where a page header holds its sequence number. */
#define PAGE_SEQ_OFF 18

enum strip_state { WANT_HEAD, WANT_TAGS, IN_AUDIO };

struct strip_buf {
	uint8_t *p;
	size_t len, cap;
};

struct opus_strip {
	int fd;
	uint64_t in_size;
	uint64_t size;		/* of the stored form */
	int verbatim;
	char **removed;
	size_t n_removed;
	/* The walk, run once with planning set and once to produce; kept:
	 * the planning walk produces too, and is the only one. */
	int planning;
	int kept;
	ogg_sync_state sync;
	ogg_stream_state in;	/* the link's header packets */
	uint64_t in_off;	/* input bytes handed to the sync layer */
	uint64_t in_pages;	/* input bytes in whole pages so far */
	enum strip_state state;
	int links;
	uint32_t serial;
	uint32_t delta;		/* added to the link's later page numbers */
	struct strip_buf tags;	/* the link's OpusTags pages as read */
	uint64_t tags_body;
	uint32_t tags_pages, tags_seq;
	struct strip_buf out;	/* produced, not yet read */
	size_t out_pos;
	uint64_t produced;
};

static void sbuf_add(struct strip_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		/* A copy, not realloc: what the old buffer held is wiped. */
		q = xcalloc(1, cap);
		if (b->len)
			memcpy(q, b->p, b->len);
		crypto_freezero(b->p, b->cap);
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Room for cap bytes in an empty b. */
static void sbuf_reserve(struct strip_buf *b, size_t cap)
{
	b->p = xcalloc(1, cap);
	b->cap = cap;
}

static void sbuf_free(struct strip_buf *b)
{
	crypto_freezero(b->p, b->cap);
	memset(b, 0, sizeof(*b));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The longest version string kept in a vendor string or ENCODER=. */
#define VERSION_MAX 32
/* The longest ENCODER_OPTIONS value kept. */
#define OPTIONS_MAX 256

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* 1 when c may be in a version: [0-9A-Za-z.+~-]. */
static int version_char(uint8_t c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '+' || c == '~' ||
	       c == '-';
}

/* The words a version may hold besides a git commit's hex (Debian's and
 * git's: 0.2-3-gabc+dfsg~1, 1.3.1+git20230101, 0.2~rc1). */
static const char *const version_words[] = { "alpha", "beta", "bpo", "build", "deb", "debian", "dev", "dfsg",
					     "dirty", "git", "nmu", "pre", "rc", "ubuntu", NULL };
/* Digits in a row a version may hold (a date, 20230101), fewer than a
 * phone number or a personal identity number. */
#define VERSION_DIGITS 8

/* 1 when the n letters at w are a word a version may hold: one of
 * version_words, or a git commit's hex (abc, gabc as git describe writes
 * it).  A name there (0.2~kalle) would reach every level's audio. */
static int version_word(const uint8_t *w, size_t n)
{
	size_t i = w[0] == 'g' ? 1 : 0;

	for (size_t k = 0; version_words[k]; k++)
		if (strlen(version_words[k]) == n && !memcmp(w, version_words[k], n))
			return 1;
	for (; i < n; i++)
		if (w[i] < 'a' || w[i] > 'f')
			return 0;
	return n <= 13;
}

/* 1 when the len bytes at v are a version: a digit, then [0-9A-Za-z.+~-],
 * VERSION_MAX bytes at most; its letters words of version_word(), its
 * digits at most VERSION_DIGITS in a row (atk23 F3: a name and a phone
 * number in opusenc's version stayed in the audio every level hears). */
static int version_ok(const uint8_t *v, size_t len)
{
	size_t i, run;

	if (len < 1 || len > VERSION_MAX || !is_digit(v[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!version_char(v[i]))
			return 0;
	for (i = 0; i < len; i += run ? run : 1) {
		for (run = 0; i + run < len && is_digit(v[i + run]); run++)
			;
		if (run > VERSION_DIGITS)
			return 0;
		if (run)
			continue;
		for (run = 0; i + run < len && ((v[i + run] >= 'a' && v[i + run] <= 'z') ||
						(v[i + run] >= 'A' && v[i + run] <= 'Z')); run++)
			;
		if (run && !version_word(v + i, run))
			return 0;
	}
	return 1;
}

/* 1 when the len bytes at v are prefix followed by a version. */
static int named_version(const uint8_t *v, size_t len, const char *prefix)
{
	size_t k = strlen(prefix);

	return len > k && !memcmp(v, prefix, k) && version_ok(v + k, len - k);
}

/* The options opusenc (opus-tools 0.2) has: ENCODER_OPTIONS names no
 * other. */
static const char *const opusenc_options[] = {
	"album", "artist", "bitrate", "comment", "comp", "cvbr", "date", "discard-comments", "discard-pictures",
	"downmix-mono", "downmix-stereo", "expect-loss", "framesize", "genre", "hard-cbr", "ignorelength",
	"max-delay", "music", "no-phase-inv", "padding", "picture", "quiet", "raw", "raw-bits", "raw-chan",
	"raw-endianness", "raw-rate", "save-range", "serial", "set-ctl-int", "speech", "title", "tracknumber",
	"vbr", NULL,
};
/* Digits a value of an option may hold: a rate (48000), a serial. */
#define OPTION_DIGITS 10

/* 1 when the n bytes at w are the name of one of opusenc_options. */
static int opusenc_option(const uint8_t *w, size_t n)
{
	for (size_t k = 0; opusenc_options[k]; k++)
		if (strlen(opusenc_options[k]) == n && !memcmp(w, opusenc_options[k], n))
			return 1;
	return 0;
}

/*
 * 1 when the len bytes at v are what opusenc writes as ENCODER_OPTIONS: at
 * most OPTIONS_MAX bytes of tokens, each separated by one space, each an
 * option of opusenc's (--bitrate) or a value of [0-9.=:+-] that starts with
 * a digit or with '-' and a digit, of OPTION_DIGITS digits at most.
 * opusenc leaves out the values of --title, --artist, --comment and the
 * like; a letter outside an option's name is text that is not an option's
 * and could be anything, and so are an option of another name
 * (--caller-jons-akerlund) and a long number (a phone number; atk23 F3).
 */
static int options_ok(const uint8_t *v, size_t len)
{
	size_t i = 0, t, digits;

	if (len < 1 || len > OPTIONS_MAX)
		return 0;
	for (;;) {
		t = i;
		if (len - i >= 3 && v[i] == '-' && v[i + 1] == '-' && v[i + 2] >= 'a' && v[i + 2] <= 'z') {
			for (i += 3; i < len && ((v[i] >= 'a' && v[i] <= 'z') || is_digit(v[i]) || v[i] == '-'); i++)
				;
			if (!opusenc_option(v + t + 2, i - t - 2))
				return 0;
		} else if (is_digit(v[i]) || (len - i >= 2 && v[i] == '-' && is_digit(v[i + 1]))) {
			for (digits = is_digit(v[i]), i++; i < len && (is_digit(v[i]) || v[i] == '.' || v[i] == '=' ||
								     v[i] == ':' || v[i] == '+' || v[i] == '-'); i++)
				digits += is_digit(v[i]);
			if (digits > OPTION_DIGITS)
				return 0;
		}
		if (i == t)
			return 0;
		if (i == len)
			return 1;
		if (v[i] != ' ' || i + 1 == len)
			return 0;
		i++;
	}
}

/* 1 when the klen bytes at k are the field name name, but for case. */
static int key_is(const uint8_t *k, size_t klen, const char *name)
{
	return strlen(name) == klen && !strncasecmp((const char *)k, name, klen);
}

/*
 * Kept tags: the loudness gains of RFC 7845 5.2.1, when they are the
 * integer the RFC makes them (anything else under that name could carry
 * text), and what opusenc writes about itself, when it has opusenc's form:
 * ENCODER=opusenc from opus-tools <version> or libopusenc <version> (a
 * version as in version_ok()), ENCODER_OPTIONS as in options_ok().  Any
 * other value of theirs is free text, which a recorder may fill with
 * anything, and goes.  Field names compare without case, as Vorbis
 * comments' do.
 */
static int tag_allowed(const uint8_t *c, size_t len)
{
	const uint8_t *eq = memchr(c, '=', len);
	size_t klen, i, digits = 0;
	const uint8_t *v;

	if (!eq)
		return 0;
	klen = (size_t)(eq - c);
	v = eq + 1;
	len -= klen + 1;
	if (key_is(c, klen, "ENCODER"))
		return named_version(v, len, "opusenc from opus-tools ") || named_version(v, len, "libopusenc ");
	if (key_is(c, klen, "ENCODER_OPTIONS"))
		return options_ok(v, len);
	if (!key_is(c, klen, "R128_TRACK_GAIN") && !key_is(c, klen, "R128_ALBUM_GAIN"))
		return 0;
	if (len && *v == '-') {
		v++;
		len--;
	}
	for (i = 0; i < len; i++, digits++)
		if (!is_digit(v[i]))
			return 0;
	return digits >= 1 && digits <= 5;
}

/* What a vendor string that is not kept becomes in the stored header. */
#define VENDOR_STORED "recfs"

/*
 * The kept vendor strings: libopus's own (opus_get_version_string()),
 * "libopus" or "libopus <version>", and libopusenc's, "libopus <version>,
 * libopusenc <version>" (opusenc's files), a version as in version_ok();
 * they name the libraries, nothing else fits.  VENDOR_STORED, what any
 * other becomes, is kept too, so that a stored form has nothing left to
 * remove.
 */
static int vendor_allowed(const uint8_t *v, size_t len)
{
	static const char enc[] = ", libopusenc ";
	size_t e;

	if (len == strlen(VENDOR_STORED) && !memcmp(v, VENDOR_STORED, len))
		return 1;
	if (len < 7 || memcmp(v, "libopus", 7))
		return 0;
	if (len == 7)
		return 1;
	if (v[7] != ' ')
		return 0;
	for (e = 8; e < len && version_char(v[e]); e++)
		;
	if (!version_ok(v + 8, e - 8))
		return 0;
	return e == len || named_version(v + e, len - e, enc);
}

/* When planning, add prefix and the len bytes at p to s->removed. */
static void add_removed(struct opus_strip *s, const char *prefix, const uint8_t *p, size_t len)
{
	size_t k = strlen(prefix);
	char *t;

	if (!s->planning)
		return;
	t = xcalloc(1, k + len + 1);
	memcpy(t, prefix, k);
	memcpy(t + k, p, len);
	s->removed = xrealloc(s->removed, (s->n_removed + 1) * sizeof(*s->removed));
	s->removed[s->n_removed++] = t;
}

/* Hand a page on: counted when planning, appended to the output when
 * producing (or kept), with the sequence number moved by delta (and the CRC
 * set again) when not 0. */
static void emit_page(struct opus_strip *s, const ogg_page *og, uint32_t delta)
{
	size_t at = s->out.len;
	ogg_page copy;
	uint32_t seq;
	uint8_t *h;

	if (s->planning)
		s->size += (uint64_t)og->header_len + (uint64_t)og->body_len;
	if (s->planning && !s->kept)
		return;
	sbuf_add(&s->out, og->header, (size_t)og->header_len);
	sbuf_add(&s->out, og->body, (size_t)og->body_len);
	if (!delta)
		return;
	h = s->out.p + at;
	copy = (ogg_page){ .header = h, .header_len = og->header_len, .body = h + og->header_len,
			   .body_len = og->body_len };
	seq = get_le32(h + PAGE_SEQ_OFF) + delta;
	for (int i = 0; i < 4; i++)
		h[PAGE_SEQ_OFF + i] = (uint8_t)(seq >> (8 * i));
	ogg_page_checksum_set(&copy);
}

static void emit_bytes(struct opus_strip *s, const uint8_t *p, size_t n)
{
	if (s->planning)
		s->size += n;
	if (!s->planning || s->kept)
		sbuf_add(&s->out, p, n);
}

/* 1 when the page ends where a packet ends (its last lacing value < 255). */
static int ends_packet(const ogg_page *og)
{
	return og->header_len > 27 && og->header[og->header_len - 1] < 255;
}

static int tags_bad(const char *what)
{
	return meta_fail(-EINVAL, "audio's OpusTags header is malformed: %s", what);
}

/*
 * Sort the comments of one OpusTags packet: the kept ones go into the new
 * packet *np (built when a rewrite is needed: *rewrite = 1), the others,
 * when planning, to s->removed.  A vendor string that is not kept is
 * VENDOR_STORED in *np and "VENDOR=<original>" first among the link's
 * removed ones.
 */
static int sort_tags(struct opus_strip *s, const uint8_t *p, size_t n, struct strip_buf *np, int *rewrite)
{
	size_t off, vlen, count, i, clen, count_at, kept = 0, removed = 0;
	uint8_t le[4];

	if (n < 8 || memcmp(p, "OpusTags", 8))
		return meta_fail(-EINVAL, "audio's second packet is not an OpusTags header");
	if (n < 16)
		return tags_bad("it is shorter than 16 bytes");
	vlen = get_le32(p + 8);
	if (vlen > n - 16)
		return tags_bad("the vendor string runs past its end");
	if (!util_utf8_valid(p + 12, vlen) || memchr(p + 12, '\0', vlen))
		return meta_fail(-EINVAL, "audio's OpusTags header has a vendor string that is not UTF-8 text");
	if (vendor_allowed(p + 12, vlen)) {
		sbuf_add(np, p, 12 + vlen);
	} else {
		for (i = 0; i < 4; i++)
			le[i] = (uint8_t)(strlen(VENDOR_STORED) >> (8 * i));
		sbuf_add(np, p, 8);
		sbuf_add(np, le, 4);
		sbuf_add(np, VENDOR_STORED, strlen(VENDOR_STORED));
		add_removed(s, "VENDOR=", p + 12, vlen);
		removed++;
	}
	off = 12 + vlen;
	count = get_le32(p + off);
	off += 4;
	if (count > (n - off) / 4)
		return tags_bad("it counts more comments than it holds");
	count_at = np->len;
	sbuf_add(np, "\0\0\0\0", 4);	/* the count, set below */
	for (i = 0; i < count; i++) {
		if (n - off < 4 || (clen = get_le32(p + off)) > n - off - 4)
			return tags_bad("a comment runs past its end");
		off += 4;
		if (!util_utf8_valid(p + off, clen) || memchr(p + off, '\0', clen))
			return meta_fail(-EINVAL, "audio's OpusTags header holds a comment that is not UTF-8 text");
		if (tag_allowed(p + off, clen)) {
			sbuf_add(np, p + off - 4, clen + 4);
			kept++;
		} else {
			add_removed(s, "", p + off, clen);
			removed++;
		}
		off += clen;
	}
	*rewrite = removed > 0;
	for (; off < n; off++)
		*rewrite |= p[off] != 0;
	for (i = 0; i < 4; i++)
		le[i] = (uint8_t)(kept >> (8 * i));
	memcpy(np->p + count_at, le, 4);
	return 0;
}

/* The new OpusTags packet np in pages of its own, numbered from the old
 * header's first page; the link's later pages move by the difference. */
static int emit_new_tags(struct opus_strip *s, const struct strip_buf *np, int eos)
{
	ogg_stream_state os;
	ogg_packet op = { .packet = np->p, .bytes = (long)np->len, .e_o_s = eos, .granulepos = 0, .packetno = 1 };
	ogg_page og;
	uint32_t pages = 0;

	if (ogg_stream_init(&os, (int)s->serial))
		return -ENOMEM;
	/* Go on from the OpusHead page: no BOS flag, the next number. */
	os.b_o_s = 1;
	os.pageno = (long)s->tags_seq;
	if (ogg_stream_packetin(&os, &op)) {
		ogg_stream_clear(&os);
		return -ENOMEM;
	}
	while (ogg_stream_flush(&os, &og)) {
		emit_page(s, &og, 0);
		pages++;
	}
	crypto_memzero(os.body_data, (size_t)os.body_storage);
	ogg_stream_clear(&os);
	s->delta = pages - s->tags_pages;
	return 0;
}

/* A page of the link's OpusTags header: kept until the packet is whole. */
static int on_tags_page(struct opus_strip *s, ogg_page *og)
{
	struct strip_buf np = { 0 };
	ogg_packet op;
	int rc, rewrite = 0;

	s->tags_body += (uint64_t)og->body_len;
	if (s->tags_body > OPUS_TAGS_MAX)
		return meta_fail(-EINVAL, "audio's OpusTags header is larger than %d KiB", OPUS_TAGS_MAX / 1024);
	if (!s->tags_pages++)
		s->tags_seq = (uint32_t)ogg_page_pageno(og);
	sbuf_add(&s->tags, og->header, (size_t)og->header_len);
	sbuf_add(&s->tags, og->body, (size_t)og->body_len);
	if (ogg_stream_pagein(&s->in, og))
		return tags_bad("a page of it does not fit the stream");
	rc = ogg_stream_packetout(&s->in, &op);
	if (rc < 0)
		return tags_bad("a page of it is missing");
	if (rc == 0) {
		if (ogg_page_eos(og))
			return tags_bad("the stream ends inside it");
		return 0;
	}
	rc = sort_tags(s, op.packet, (size_t)op.bytes, &np, &rewrite);
	if (rc == 0 && (ogg_stream_packetout(&s->in, &op) != 0 || !ends_packet(og)))
		rc = tags_bad("audio data begins on its last page");
	if (rc == 0 && rewrite) {
		s->verbatim = 0;
		rc = emit_new_tags(s, &np, ogg_page_eos(og));
	} else if (rc == 0) {
		emit_bytes(s, s->tags.p, s->tags.len);
	}
	sbuf_free(&np);
	sbuf_free(&s->tags);
	s->state = ogg_page_eos(og) ? WANT_HEAD : IN_AUDIO;
	return rc;
}

/* The first page of a link: OpusHead, alone. */
static int on_head_page(struct opus_strip *s, ogg_page *og)
{
	ogg_packet op;
	long want;

	if (!ogg_page_bos(og))
		return meta_fail(-EINVAL, s->links ? "audio goes on after the end of its stream"
						   : "audio does not begin with the first page of a stream");
	if (ogg_stream_reset_serialno(&s->in, ogg_page_serialno(og)) || ogg_stream_pagein(&s->in, og) ||
	    ogg_stream_packetout(&s->in, &op) != 1 || op.bytes < 8 || memcmp(op.packet, "OpusHead", 8))
		return meta_fail(-EINVAL, "audio holds a stream that is not Opus");
	/* The fields RFC 7845 gives: 19 bytes, and the channel mapping table
	 * of a family other than 0.  Bytes past them (a later version's
	 * fields, which no encoder writes) would be stored as they came, and
	 * read at every level that hears the call (atk29 F2). */
	want = op.bytes >= 19 && op.packet[18] != 0 ? 21 + (long)op.packet[9] : 19;
	if (op.bytes > want)
		return meta_fail(-EINVAL, "audio's OpusHead header holds %ld bytes past its fields; no encoder writes "
				 "them, and recfs does not store what it cannot read", op.bytes - want);
	if (ogg_stream_packetout(&s->in, &op) != 0 || !ends_packet(og) || ogg_page_eos(og))
		return meta_fail(-EINVAL, "audio's first page holds more than its OpusHead header");
	if (s->links >= OPUS_LINKS_MAX)
		return meta_fail(-EINVAL, "audio chains more than %d streams (one after another): encode it "
				 "again as one stream", OPUS_LINKS_MAX);
	s->serial = (uint32_t)ogg_page_serialno(og);
	s->links++;
	s->state = WANT_TAGS;
	s->delta = 0;
	s->tags_body = 0;
	s->tags_pages = 0;
	emit_page(s, og, 0);
	return 0;
}

/*
 * 0 when no packet the page completes carries padding that is not zero
 * bytes (RFC 6716 3.2.5: a code 3 packet's padding may hold "any value",
 * which the decoder skips): a recorder's free text there would be stored
 * as it came and read at every level that hears the call (atk31 F4).
 * libopus pads with zeros.  Else -EINVAL, said.
 */
static int check_padding(struct opus_strip *s, ogg_page *og)
{
	ogg_packet op;
	int got;

	if (ogg_stream_pagein(&s->in, og))
		return meta_fail(-EINVAL, "audio holds a page that does not follow its stream");
	while ((got = ogg_stream_packetout(&s->in, &op)) != 0) {
		const unsigned char *p = op.packet;
		long n = op.bytes, i = 2, pad = 0;

		if (got < 0 || n < 2 || (p[0] & 3) != 3 || !(p[1] & 0x40))
			continue;
		while (i < n && p[i] == 255) {
			pad += 254;
			i++;
		}
		if (i >= n)
			continue;	/* malformed: the decoder refuses it */
		pad += p[i];
		for (long k = n - (pad < n ? pad : n); k < n; k++)
			if (p[k])
				return meta_fail(-EINVAL, "an audio packet's padding holds bytes that are not zero; "
						 "no encoder writes them, and recfs does not store what it cannot read");
	}
	return 0;
}

static int walk_page(struct opus_strip *s, ogg_page *og)
{
	int rc;

	if (s->state == WANT_HEAD)
		return on_head_page(s, og);
	if (ogg_page_bos(og) || (uint32_t)ogg_page_serialno(og) != s->serial)
		return meta_fail(-EINVAL, "audio interleaves several streams; only one Opus stream "
				 "(or a chain of them) is accepted");
	if (s->state == WANT_TAGS)
		return on_tags_page(s, og);
	if ((rc = check_padding(s, og)))
		return rc;
	emit_page(s, og, s->delta);
	if (ogg_page_eos(og))
		s->state = WANT_HEAD;
	return 0;
}

/* Take the next page of the input through the walk: 1, 0 at the end of the
 * input, or a negative errno. */
static int walk_next(struct opus_strip *s)
{
	ogg_page og;
	long n;
	size_t want;
	char *b;
	int rc;

	for (;;) {
		n = ogg_sync_pageseek(&s->sync, &og);
		if (n > 0) {
			s->in_pages += (uint64_t)n;
			rc = walk_page(s, &og);
			return rc < 0 ? rc : 1;
		}
		if (n < 0)
			return meta_fail(-EINVAL, "audio holds bytes that are not part of an Ogg page "
					 "(damaged or foreign data)");
		if (s->in_off == s->in_size)
			break;
		want = s->in_size - s->in_off < STRIP_READ ? (size_t)(s->in_size - s->in_off) : STRIP_READ;
		b = ogg_sync_buffer(&s->sync, (long)want);
		if (!b)
			return -ENOMEM;
		rc = util_pread_all(s->fd, b, want, (off_t)s->in_off);
		if (rc < 0)
			return meta_fail(rc, "audio could not be read: %s", strerror(-rc));
		if (ogg_sync_wrote(&s->sync, (long)want))
			return -ENOMEM;
		s->in_off += want;
	}
	if (s->in_pages != s->in_size || s->state != WANT_HEAD || !s->links)
		return meta_fail(-EINVAL, "audio is truncated: it does not end with a complete "
				 "end-of-stream page");
	return 0;
}

/* Back to the start of the input, as before the first page. */
static void walk_reset(struct opus_strip *s, int planning)
{
	if (s->sync.data)
		crypto_memzero(s->sync.data, (size_t)s->sync.storage);
	ogg_sync_reset(&s->sync);
	ogg_stream_reset(&s->in);
	sbuf_free(&s->tags);
	s->planning = planning;
	s->in_off = s->in_pages = 0;
	s->state = WANT_HEAD;
	s->links = 0;
	s->delta = 0;
}

/* Wipe and give back the walk's buffers (libogg's sync and stream
 * states): once it is over, or at close; safe twice. */
static void walk_free(struct opus_strip *s)
{
	walk_reset(s, 0);
	ogg_sync_clear(&s->sync);
	if (s->in.body_data)
		crypto_memzero(s->in.body_data, (size_t)s->in.body_storage);
	ogg_stream_clear(&s->in);
}

int opus_strip_open(const char *path, struct opus_strip **out)
{
	int fd = util_open_regular(path, NULL), rc;

	if (fd < 0)
		return open_failed(fd);
	rc = opus_strip_fdopen(fd, OPUS_STRIP_KEEP_MAX, out);
	close(fd);
	return rc;
}

int opus_strip_fdopen(int fd, uint64_t keep_max, struct opus_strip **out)
{
	struct opus_strip *s = xcalloc(1, sizeof(*s));
	struct stat st;
	int rc;

	s->fd = -1;
	ogg_sync_init(&s->sync);
	if (ogg_stream_init(&s->in, 0)) {
		free(s);
		return -ENOMEM;
	}
	/* Its own descriptor of the same open file: reads are preads, so the
	 * caller's offset is neither used nor moved. */
	s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (s->fd < 0) {
		rc = meta_fail(-errno, "audio file cannot be opened: %s", strerror(errno));
		goto out;
	}
	if (fstat(s->fd, &st) < 0) {
		rc = meta_fail(-errno, "audio file cannot be examined: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = meta_fail(-EINVAL, "audio is not a regular file");
		goto out;
	}
	s->in_size = (uint64_t)st.st_size;
	s->verbatim = 1;
	walk_reset(s, 1);
	if (s->in_size <= keep_max) {
		s->kept = 1;
		/* Room for the input, which the stored form seldom outgrows
		 * (a longer vendor string, a tags header paged anew): one
		 * allocation, no copy as it grows. */
		sbuf_reserve(&s->out, (size_t)s->in_size + 4096);
	}
	while ((rc = walk_next(s)) > 0)
		;
	if (rc < 0)
		goto out;
	if (s->verbatim)
		s->size = s->in_size;
	walk_reset(s, 0);
	if (s->kept) {
		if (s->out.len != s->size) {
			rc = meta_fail(-EIO, "audio's stored form is not the size planned");
			goto out;
		}
		/* Read through: nothing more comes from the file, and the
		 * walk's buffers (64 KiB and more) need not wait with a
		 * group's recordings for their commit. */
		close(s->fd);
		s->fd = -1;
		walk_free(s);
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	opus_strip_close(s);
	return rc;
}

uint64_t opus_strip_size(const struct opus_strip *s)
{
	return s->size;
}

int opus_strip_verbatim(const struct opus_strip *s)
{
	return s->verbatim;
}

size_t opus_strip_n_removed(const struct opus_strip *s)
{
	return s->n_removed;
}

const char *opus_strip_removed(const struct opus_strip *s, size_t i)
{
	return i < s->n_removed ? s->removed[i] : NULL;
}

int opus_strip_read(struct opus_strip *s, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t n;
	int rc;

	if (len > s->size - s->produced)
		return meta_fail(-EIO, "audio read past the end of its stored form");
	/* Produced by the walk also when verbatim: what is stored is what
	 * the walk let through, whatever happened to the file since. */
	if (s->kept) {
		/* The kept form is s->size bytes: a read goes on where the
		 * last one ended (produced), with no walk to follow. */
		if (!len)
			return 0;
		memcpy(p, s->out.p + s->produced, len);
		s->produced += len;
		/* Wiped as soon as it is all read: a group's recordings wait
		 * for their commit holding no audio. */
		if (s->produced == s->size)
			sbuf_free(&s->out);
		return 0;
	}
	while (len) {
		if (s->out_pos == s->out.len) {
			s->out.len = s->out_pos = 0;
			rc = walk_next(s);
			if (rc < 0)
				return rc == -EINVAL ? -EIO : rc;
			if (rc == 0)
				return meta_fail(-EIO, "audio changed while it was stored (shorter than planned)");
			continue;
		}
		n = s->out.len - s->out_pos < len ? s->out.len - s->out_pos : len;
		memcpy(p, s->out.p + s->out_pos, n);
		s->out_pos += n;
		s->produced += n;
		p += n;
		len -= n;
	}
	/* The last byte: the input must end here too. */
	while (s->produced == s->size && s->out_pos == s->out.len) {
		s->out.len = s->out_pos = 0;
		rc = walk_next(s);
		if (rc == 0)
			break;
		if (rc < 0 || s->out.len)
			return meta_fail(-EIO, "audio changed while it was stored (longer than planned)");
	}
	return 0;
}

void opus_strip_close(struct opus_strip *s)
{
	size_t i;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->n_removed; i++)
		crypto_free_string(s->removed[i]);
	free(s->removed);
	walk_free(s);
	sbuf_free(&s->out);
	free(s);
}
