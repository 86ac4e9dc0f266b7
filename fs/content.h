/*
 * content.h - open files of the mount: README.txt from memory, artifacts
 * through a decrypting blob reader, and the WAV view decoded on the fly
 * from the audio blob.  One struct content per open(); its DEK lives only
 * inside the blob reader (guarded memory) and dies with content_close.
 * Which key a caller may use is decided by the key path (dek.h), not here.
 *
 * Revocation.  A handle of register content is tracked in the mount's set
 * of open handles (content_track) with the policy level that opened it.
 * When a new snapshot no longer lets that level read the artifact (a
 * restriction deleted the level's seal, an erasure deleted the artifact),
 * content_set_revoke wipes the handle's data key and closes its blob: the
 * handle's next read fails.  What the kernel keeps cached of the file is
 * the caller's to invalidate (snapshot.c).
 */
#ifndef RECFS_CONTENT_H
#define RECFS_CONTENT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "crypto.h"
#include "naming.h"
#include "register.h"
#include "tree.h"

struct content;

/* README.txt: serves text (not copied; must outlive the handle). */
int content_open_text(const char *text, size_t len, struct content **out) MUST_CHECK;

/*
 * Open node n (TN_FILE or TN_WAV) of register r with dek, the artifact's
 * data key (dek_get; only read: the blob reader keeps its own guarded
 * copy).  No catalog access, no lock.  The blob is opened through r's
 * blob folder (reg_blob_at), so r must outlive the content.  *out owned
 * by the caller: content_close.  Errors: -EACCES (n is not an artifact), -ENOENT (blob
 * missing), -ENOMEM, -EMFILE/-ENFILE, -EIO (the blob or its audio is
 * damaged, or dek is not its key).
 */
int content_open_node(const struct reg *r, const struct tnode *n, const struct crypto_key *dek,
		      struct content **out) MUST_CHECK;

/* Read at off into buf (len bytes): the byte count, 0 at the end;
 * -ENOMEM, -EKEYREVOKED when the handle was revoked (content_set_revoke;
 * nothing is read), or -EIO when the data fails its check (wrong key,
 * altered or damaged blob, audio that does not decode; buf then holds no
 * plaintext) or the disk fails.  Safe to call from several threads at
 * once; a revocation waits for the reads in progress. */
ssize_t content_read(struct content *c, void *buf, size_t len, uint64_t off) MUST_CHECK;
/* Untrack (content_track), wipe and free.  NULL is fine.  No read of c
 * may be in progress. */
void content_close(struct content *c);
/* The file's attributes as they were at open, for a getattr that comes
 * with the open file (the kernel's size check before a read past the size
 * it holds), so that a reader of a recording erased meanwhile is told by
 * its read (EIO: the handle is revoked) rather than by an ENOENT.  fstat(2) does not come with the file
 * (Linux's fuse_getattr passes none): once the erasure is seen, it says
 * ENOENT. */
void content_set_stat(struct content *c, const struct stat *st);
const struct stat *content_stat(const struct content *c);

/* Remember who opened c (uid: content_set_stat_of's) and what it is
 * counted for (caps_acquire's limit key and decoder: the opener's own
 * uid, or the owner of its /etc/subuid range, subuid.h), so that its
 * release gives back the same; content_owner says the key and decoder: 0,
 * or -ENOENT when nothing was remembered. */
void content_set_owner(struct content *c, uid_t uid, uid_t key, int decoder);
int content_owner(const struct content *c, uid_t *key, int *decoder) MUST_CHECK;

/* Seconds without a read after which a WAV view gives back its decoder. */
#define CONTENT_IDLE_SECONDS 10
/*
 * Give back the decoders (opus_wav_idle) of the open WAV views of this
 * process that were not read for idle_for seconds at now (monotonic
 * seconds); a view being read is skipped.  Their next read decodes the same
 * bytes again.  Returns how many gave something back.  Thread-safe; for
 * the mount's housekeeping (caps_start).
 */
unsigned content_idle(int64_t now, int64_t idle_for);

/* The open handles of one mount that a revocation reaches. */
struct content_set;

/* An empty set.  -ENOMEM.  *out owned by the caller: content_set_free. */
int content_set_new(struct content_set **out) MUST_CHECK;

/*
 * Close every handle still in s (content_close: once the session loop has
 * ended no release comes for them) and free s.  NULL is fine.
 */
void content_set_free(struct content_set *s);

/*
 * Track c, opened from file node n of snapshot t for a caller of policy
 * level `level` (>= 0) under FUSE node id nodeid, in s; label is the
 * artifact as the log names it (naming_label, copied).  When s has seen a
 * snapshot newer than t (content_set_revoke) in which level no longer
 * reads the artifact, c is revoked at once (content_revoked says so): the
 * open was decided on an older snapshot than the revocation.  c must not
 * be tracked already; content_close untracks it.  Takes s's lock.
 */
void content_track(struct content_set *s, struct content *c, const struct tree *t, const struct tnode *n,
		   int level, uint64_t nodeid, const char *label);

/*
 * Keep c, a handle the caller is about to get, in s so that
 * content_set_free closes it should no release come for it; a handle
 * content_track put in s already stays as it is.  An untracked handle (the
 * public notice) is never revoked.  Takes s's lock.
 */
void content_set_add(struct content_set *s, struct content *c);

/*
 * The snapshot t has been built and is about to become the current one:
 * revoke every tracked handle whose level does not read its artifact in t
 * (its node is gone, is another artifact, or no longer has the level's
 * seal).  A revoked handle's data key is wiped and its blob closed, after
 * the reads in progress on it have ended; its later reads give
 * -EKEYREVOKED.  revoked(ctx, nodeid) is called for each handle revoked
 * now, under s's lock: it must not call into s.  s keeps a reference to t
 * (for content_track) until the next call.  Returns how many were revoked.
 */
size_t content_set_revoke(struct content_set *s, struct tree *t, void (*revoked)(void *ctx, uint64_t nodeid),
			  void *ctx);

/*
 * The attributes at open (content_set_stat) of a handle in s tracked under
 * FUSE node id nodeid and opened by uid, revoked or not, in *out: 0, or
 * -ENOENT when uid holds none.  For a GETATTR without a handle (fstat(2))
 * on a node id the caller's view no longer has.  Takes s's lock.
 */
int content_set_stat_of(struct content_set *s, uint64_t nodeid, uid_t uid, struct stat *out) MUST_CHECK;

/* 1 when c has been revoked, else 0. */
int content_revoked(const struct content *c);

/*
 * 1 when a caller of policy level `level` (-1: none) may read through c
 * now, as the current snapshot t has it: c is the public notice, or level
 * is the one c was opened for (content_track; its revocation is
 * content_set_revoke's), or another level that reads c's artifact in t.
 * A read is decided for the caller making it: a handle kept across a
 * change of uid or of group membership, or passed to another process,
 * reads for no caller whose level does not see the file.
 */
int content_reader_ok(const struct content *c, const struct tree *t, int level);

/* content_reader_ok without the snapshot: 1 for the notice and for the
 * level c was opened for, 0 when it takes a look at the snapshot. */
int content_opened_for(const struct content *c, int level);

/*
 * For the log of a read refused by content_reader_ok, once per handle: 1
 * the first time, with c's recording id and artifact label in rec and
 * label (owned by c), else 0.
 */
int content_refused_news(struct content *c, const char **rec, const char **label);

/*
 * For the log of a revoked handle's refused read, once per handle: 1 the
 * first time it is called on a revoked handle, with its recording's id and
 * artifact label in rec and label (owned by c), else 0.
 */
int content_revoked_news(struct content *c, const char **rec, const char **label);
/*
 * For the log of a read that failed with EIO (a chunk that failed
 * authentication: tampered or damaged; or the disk's error), once per
 * handle: 1 the first time, with rec and label as above (rec empty for
 * the notice), else 0.
 */
int content_damaged_news(struct content *c, const char **rec, const char **label);

#endif
