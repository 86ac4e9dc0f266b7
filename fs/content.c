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
 * it takes a view's rw lock and wav_lock only with trylock, after
 * views_lock, so neither a reader nor a revocation waits for it.
 *
 * Revocation: a tracked handle is linked into its mount's content_set.
 * Reads hold the handle's rw lock shared; a revocation sets `revoked` and
 * then takes the lock exclusively (writers first, so a stream of reads
 * cannot hold it off) to close the blob reader (wiping the key) and the
 * decoder.  Invariants: br and wav are NULL once revoked is set and the
 * revocation has its lock; a read that holds the lock shared and sees
 * revoked clear reads through a live reader; a handle is in at most one
 * set, and only the set's lock links or unlinks it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "blob.h"
#include "content.h"
/* meta/opus.h by path: pkg-config puts libopus's own opus.h first. */
#include "opus.h"

struct content {
	const char *text;		/* README.txt, or NULL */
	size_t text_len;
	pthread_rwlock_t rw;		/* shared: reads; exclusive: revocation */
	struct blob_reader *br;		/* protected by rw */
	struct opus_wav *wav;		/* protected by rw, and its position by wav_lock */
	pthread_mutex_t wav_lock;
	struct stat st;			/* attributes at open, for fstat after erasure */
	int64_t last_read;		/* protected by wav_lock: monotonic seconds */
	LIST_ENTRY(content) view;	/* protected by views_lock: WAV views only */
	int listed;			/* on the list of views */
	int counted;			/* content_set_owner was called */
	int decoder;
	uid_t owner;
	uid_t key;			/* the caps' limit key of owner */
	int revoked;			/* atomic; set once */
	int revoked_told;		/* atomic; content_revoked_news */
	int refused_told;		/* atomic; content_refused_news */
	int damaged_told;		/* atomic; content_damaged_news */
	/* Tracking (content_track): set once, then read-only, except the links. */
	struct content_set *set;
	LIST_ENTRY(content) link;	/* protected by set->lock */
	int level;
	uint64_t nodeid;
	char art_id[RECFS_ID_HEX];
	char rec_id[RECFS_ID_HEX];
	char label[NAMING_LABEL_MAX];
};

struct content_set {
	pthread_mutex_t lock;
	LIST_HEAD(, content) head;	/* protected by lock */
	struct tree *latest;		/* protected by lock: the last content_set_revoke's, referenced */
};

/* A new handle with its locks; NULL when out of memory. */
static struct content *content_new(void)
{
	struct content *c = calloc(1, sizeof(*c));
	pthread_rwlockattr_t attr;

	if (!c)
		return NULL;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&c->rw, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&c->wav_lock, NULL);
	return c;
}

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(, content) views = LIST_HEAD_INITIALIZER(views);	/* protected by views_lock */

static void views_add(struct content *c)
{
	pthread_mutex_lock(&views_lock);
	LIST_INSERT_HEAD(&views, c, view);
	c->listed = 1;
	pthread_mutex_unlock(&views_lock);
}

static void views_remove(struct content *c)
{
	pthread_mutex_lock(&views_lock);
	LIST_REMOVE(c, view);
	c->listed = 0;
	pthread_mutex_unlock(&views_lock);
}

unsigned content_idle(int64_t now, int64_t idle_for)
{
	unsigned freed = 0;
	struct content *c;

	pthread_mutex_lock(&views_lock);
	LIST_FOREACH(c, &views, view) {
		if (pthread_rwlock_tryrdlock(&c->rw) != 0)
			continue;	/* being revoked */
		if (pthread_mutex_trylock(&c->wav_lock) != 0) {
			pthread_rwlock_unlock(&c->rw);
			continue;	/* being read: not idle */
		}
		if (c->wav && now - c->last_read >= idle_for)
			freed += (unsigned)opus_wav_idle(c->wav);
		pthread_mutex_unlock(&c->wav_lock);
		pthread_rwlock_unlock(&c->rw);
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

void content_set_owner(struct content *c, uid_t uid, uid_t key, int decoder)
{
	c->counted = 1;
	c->owner = uid;
	c->key = key;
	c->decoder = decoder;
}

int content_owner(const struct content *c, uid_t *key, int *decoder)
{
	if (!c->counted)
		return -ENOENT;
	*key = c->key;
	*decoder = c->decoder;
	return 0;
}

int content_open_text(const char *text, size_t len, struct content **out)
{
	struct content *c = content_new();

	if (!c)
		return -ENOMEM;
	c->text = text;
	c->text_len = len;
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
	int dirfd, rc;

	if ((n->type != TN_FILE && n->type != TN_WAV) || !n->art)
		return -EACCES;
	c = content_new();
	if (!c)
		return -ENOMEM;
	path = reg_blob_at(r, n->art->id, &dirfd);
	rc = blob_reader_openat(dirfd, path, n->art->id, dek, n->art->size, &c->br);
	if (rc < 0)
		goto out;
	if (n->type == TN_WAV) {
		struct opus_info info = { .channels = tnode_rec(n)->row.channels, .pcm_samples = tnode_rec(n)->row.pcm_samples,
					  .duration_ms = tnode_rec(n)->row.duration_ms };

		rc = opus_wav_open(wav_source, c->br, n->art->size, &info, &c->wav);
		if (rc < 0)
			goto out;
		c->last_read = util_monotonic();
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
	pthread_rwlock_rdlock(&c->rw);
	if (__atomic_load_n(&c->revoked, __ATOMIC_SEQ_CST)) {
		pthread_rwlock_unlock(&c->rw);
		return -EKEYREVOKED;
	}
	if (c->wav) {
		pthread_mutex_lock(&c->wav_lock);
		n = opus_wav_read(c->wav, buf, len, off);
		c->last_read = util_monotonic();
		pthread_mutex_unlock(&c->wav_lock);
	} else {
		n = blob_read(c->br, buf, len, off);
	}
	pthread_rwlock_unlock(&c->rw);
	return n < 0 ? reader_errno((int)n) : n;
}

/* Close what reads from the blob: the decoder, then the reader (wiping
 * its copy of the data key).  With c->rw held exclusively, or c unshared. */
static void close_readers(struct content *c)
{
	if (c->wav)
		opus_wav_close(c->wav);
	c->wav = NULL;
	if (c->br)
		blob_reader_close(c->br);
	c->br = NULL;
}

/* Put c in s (link) or take it out; under s's lock. */
static void link_locked(struct content_set *s, struct content *c)
{
	LIST_INSERT_HEAD(&s->head, c, link);
	c->set = s;
}

static void unlink_locked(struct content *c)
{
	LIST_REMOVE(c, link);
	c->set = NULL;
}

void content_close(struct content *c)
{
	if (!c)
		return;
	if (c->listed)
		views_remove(c);
	if (c->set) {
		struct content_set *s = c->set;

		pthread_mutex_lock(&s->lock);
		unlink_locked(c);
		pthread_mutex_unlock(&s->lock);
	}
	close_readers(c);
	pthread_mutex_destroy(&c->wav_lock);
	pthread_rwlock_destroy(&c->rw);
	free(c);
}

int content_set_new(struct content_set **out)
{
	struct content_set *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	LIST_INIT(&s->head);
	*out = s;
	return 0;
}

void content_set_free(struct content_set *s)
{
	if (!s)
		return;
	while (!LIST_EMPTY(&s->head))
		content_close(LIST_FIRST(&s->head));	/* unlinks it */
	tree_unref(s->latest);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* 1 when policy level `level` reads c's artifact in snapshot t. */
static int level_reads(const struct tree *t, const struct content *c, int level)
{
	const struct tnode *n = tree_find(t, tree_nodeid_ino(c->nodeid));

	return n && n->art && !strcmp(n->art->id, c->art_id) && tree_visible(n, level);
}

/* 1 when c's level reads c's artifact in snapshot t. */
static int still_reads(const struct tree *t, const struct content *c)
{
	return level_reads(t, c, c->level);
}

/* Revoke c: no read after this one sees a key.  Under its set's lock. */
static void revoke(struct content *c)
{
	__atomic_store_n(&c->revoked, 1, __ATOMIC_SEQ_CST);
	pthread_rwlock_wrlock(&c->rw);	/* the reads in progress end first */
	close_readers(c);
	pthread_rwlock_unlock(&c->rw);
}

void content_track(struct content_set *s, struct content *c, const struct tree *t, const struct tnode *n,
		   int level, uint64_t nodeid, const char *label)
{
	c->level = level;
	c->nodeid = nodeid;
	snprintf(c->art_id, sizeof(c->art_id), "%s", n->art ? n->art->id : "");
	snprintf(c->rec_id, sizeof(c->rec_id), "%s", tnode_rec(n) ? tnode_rec(n)->row.id : "");
	snprintf(c->label, sizeof(c->label), "%s", label ? label : "");
	pthread_mutex_lock(&s->lock);
	link_locked(s, c);
	if (s->latest && s->latest != t && !still_reads(s->latest, c))
		revoke(c);
	pthread_mutex_unlock(&s->lock);
}

void content_set_add(struct content_set *s, struct content *c)
{
	if (c->set)
		return;		/* tracked already */
	c->level = -1;		/* nothing to revoke: the public notice */
	pthread_mutex_lock(&s->lock);
	link_locked(s, c);
	pthread_mutex_unlock(&s->lock);
}

size_t content_set_revoke(struct content_set *s, struct tree *t, void (*revoked)(void *ctx, uint64_t nodeid),
			  void *ctx)
{
	struct content *c;
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	tree_ref(t);
	tree_unref(s->latest);
	s->latest = t;
	LIST_FOREACH(c, &s->head, link) {
		if (c->level < 0 || __atomic_load_n(&c->revoked, __ATOMIC_SEQ_CST) || still_reads(t, c))
			continue;
		revoke(c);
		if (revoked)
			revoked(ctx, c->nodeid);
		n++;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

int content_set_stat_of(struct content_set *s, uint64_t nodeid, uid_t uid, struct stat *out)
{
	struct content *c;
	int rc = -ENOENT;

	pthread_mutex_lock(&s->lock);
	LIST_FOREACH(c, &s->head, link) {
		/* st_mode 0: tracked, its attributes not set yet (op_open) */
		if (c->level >= 0 && c->nodeid == nodeid && c->counted && c->owner == uid && c->st.st_mode) {
			*out = c->st;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int content_revoked(const struct content *c)
{
	return __atomic_load_n(&c->revoked, __ATOMIC_SEQ_CST);
}

int content_opened_for(const struct content *c, int level)
{
	return c->level < 0 || level == c->level;
}

int content_reader_ok(const struct content *c, const struct tree *t, int level)
{
	if (content_opened_for(c, level))
		return 1;
	return level >= 0 && level_reads(t, c, level);
}

int content_refused_news(struct content *c, const char **rec, const char **label)
{
	if (__atomic_exchange_n(&c->refused_told, 1, __ATOMIC_SEQ_CST))
		return 0;
	*rec = c->rec_id;
	*label = c->label;
	return 1;
}

int content_damaged_news(struct content *c, const char **rec, const char **label)
{
	if (__atomic_exchange_n(&c->damaged_told, 1, __ATOMIC_SEQ_CST))
		return 0;
	*rec = c->rec_id;
	*label = c->label;
	return 1;
}

int content_revoked_news(struct content *c, const char **rec, const char **label)
{
	if (!content_revoked(c) || __atomic_exchange_n(&c->revoked_told, 1, __ATOMIC_SEQ_CST))
		return 0;
	*rec = c->rec_id;
	*label = c->label;
	return 1;
}
