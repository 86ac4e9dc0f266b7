/*
 * content.c - what an open file reads from.
 *
 * Artifacts are decrypted chunk by chunk by the blob reader, which is safe
 * to share between threads; the WAV view keeps a libopusfile decoder with a
 * position, so its reads are serialised by wav_lock.  The DEK given at
 * open is copied by the blob reader into its own guarded memory; nothing
 * secret outlives content_close.  Errors reach the reader through
 * reader_errno alone.
 *
 * Open WAV views are also on one list of the process (views, views_lock),
 * so that content_idle can give back the decoders of those nobody reads;
 * it takes a view's wav_lock only with trylock, after views_lock, so a
 * reader never waits for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob.h"
#include "content.h"
/* meta/opus.h by path: pkg-config puts libopus's own opus.h first. */
#include "opus.h"

struct content {
	const char *text;		/* README.txt, or NULL */
	size_t text_len;
	struct blob_reader *br;
	struct opus_wav *wav;		/* protected by wav_lock */
	pthread_mutex_t wav_lock;
	struct stat st;			/* attributes at open, for fstat after erasure */
	int64_t last_read;		/* protected by wav_lock: monotonic seconds */
	struct content *prev, *next;	/* protected by views_lock: WAV views only */
	int listed;			/* on the list of views */
	int counted;			/* content_set_owner was called */
	int decoder;
	uid_t owner;
};

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static struct content *views;		/* protected by views_lock */

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void views_add(struct content *c)
{
	pthread_mutex_lock(&views_lock);
	c->prev = NULL;
	c->next = views;
	if (views)
		views->prev = c;
	views = c;
	c->listed = 1;
	pthread_mutex_unlock(&views_lock);
}

static void views_remove(struct content *c)
{
	pthread_mutex_lock(&views_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		views = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->listed = 0;
	pthread_mutex_unlock(&views_lock);
}

unsigned content_idle(int64_t now, int64_t idle_for)
{
	unsigned freed = 0;
	struct content *c;

	pthread_mutex_lock(&views_lock);
	for (c = views; c; c = c->next) {
		if (pthread_mutex_trylock(&c->wav_lock) != 0)
			continue;	/* being read: not idle */
		if (now - c->last_read >= idle_for)
			freed += (unsigned)opus_wav_idle(c->wav);
		pthread_mutex_unlock(&c->wav_lock);
	}
	pthread_mutex_unlock(&views_lock);
	return freed;
}

void content_set_stat(struct content *c, const struct stat *st)
{
	c->st = *st;
}

const struct stat *content_stat(const struct content *c)
{
	return &c->st;
}

void content_set_owner(struct content *c, uid_t uid, int decoder)
{
	c->counted = 1;
	c->owner = uid;
	c->decoder = decoder;
}

int content_owner(const struct content *c, uid_t *uid, int *decoder)
{
	if (!c->counted)
		return -ENOENT;
	*uid = c->owner;
	*decoder = c->decoder;
	return 0;
}

int content_open_text(const char *text, size_t len, struct content **out)
{
	struct content *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->text = text;
	c->text_len = len;
	pthread_mutex_init(&c->wav_lock, NULL);
	*out = c;
	return 0;
}

/* libopusfile reads the Opus bytes straight from the decrypting reader. */
static ssize_t wav_source(void *ctx, void *buf, size_t len, uint64_t off)
{
	return blob_read(ctx, buf, len, off);
}

/*
 * What a reader of the mount is told.  A missing resource keeps its own
 * errno (ENOMEM, ENOENT, EMFILE, ...): the reader may try again, and the
 * log says what ran out.  Data that is not what was written (a chunk that
 * fails authentication, which the blob module reports as EIO; audio that
 * does not decode, EINVAL from opus.c; any other code) is EIO, the one
 * errno a reader of a damaged file expects.
 */
static int reader_errno(int rc)
{
	switch (rc) {
	case -ENOMEM:
	case -ENOENT:
	case -EACCES:
	case -EMFILE:
	case -ENFILE:
		return rc;
	default:
		return -EIO;
	}
}

int content_open_node(const struct reg *r, const struct tnode *n, const struct crypto_key *dek,
		      struct content **out)
{
	struct content *c = NULL;
	char *path = NULL;
	int rc;

	if ((n->type != TN_FILE && n->type != TN_WAV) || !n->art)
		return -EACCES;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->wav_lock, NULL);
	path = reg_blob_path(r, n->art->id);
	rc = blob_reader_open(path, n->art->id, dek, n->art->size, &c->br);
	if (rc < 0)
		goto out;
	if (n->type == TN_WAV) {
		struct opus_info info = { .channels = n->rec->row.channels, .pcm_samples = n->rec->row.pcm_samples,
					  .duration_ms = n->rec->row.duration_ms };

		rc = opus_wav_open(wav_source, c->br, n->art->size, &info, &c->wav);
		if (rc < 0)
			goto out;
		c->last_read = mono_now();
		views_add(c);
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	free(path);
	content_close(c);
	return rc < 0 ? reader_errno(rc) : 0;
}

ssize_t content_read(struct content *c, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (c->text) {
		if (off >= c->text_len)
			return 0;
		if (len > c->text_len - off)
			len = c->text_len - off;
		memcpy(buf, c->text + off, len);
		return (ssize_t)len;
	}
	if (c->wav) {
		pthread_mutex_lock(&c->wav_lock);
		n = opus_wav_read(c->wav, buf, len, off);
		c->last_read = mono_now();
		pthread_mutex_unlock(&c->wav_lock);
		return n < 0 ? reader_errno((int)n) : n;
	}
	n = blob_read(c->br, buf, len, off);
	return n < 0 ? reader_errno((int)n) : n;
}

void content_close(struct content *c)
{
	if (!c)
		return;
	if (c->listed)
		views_remove(c);
	if (c->wav)
		opus_wav_close(c->wav);
	if (c->br)
		blob_reader_close(c->br);
	pthread_mutex_destroy(&c->wav_lock);
	free(c);
}
