/*
 * content.h - open files of the mount: README.txt from memory, artifacts
 * through a decrypting blob reader, and the WAV view decoded on the fly
 * from the audio blob.  One struct content per open(); its DEK lives only
 * inside the blob reader (guarded memory) and dies with content_close.
 * Which key a caller may use is decided by the key path (dek.h), not here.
 */
#ifndef RECFS_CONTENT_H
#define RECFS_CONTENT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "crypto.h"
#include "register.h"
#include "tree.h"

struct content;

/* README.txt: serves text (not copied; must outlive the handle). */
int content_open_text(const char *text, size_t len, struct content **out) MUST_CHECK;

/*
 * Open node n (TN_FILE or TN_WAV) of register r with dek, the artifact's
 * data key (dek_get; only read: the blob reader keeps its own guarded
 * copy).  No catalog access, no lock.  *out owned by the caller:
 * content_close.  Errors: -EACCES (n is not an artifact), -ENOENT (blob
 * missing), -ENOMEM, -EMFILE/-ENFILE, -EIO (the blob or its audio is
 * damaged, or dek is not its key).
 */
int content_open_node(const struct reg *r, const struct tnode *n, const struct crypto_key *dek,
		      struct content **out) MUST_CHECK;

/* Read at off into buf (len bytes): the byte count, 0 at the end;
 * -ENOMEM, or -EIO when the data fails its check (wrong key, altered or
 * damaged blob, audio that does not decode; buf then holds no plaintext)
 * or the disk fails. */
ssize_t content_read(struct content *c, void *buf, size_t len, uint64_t off) MUST_CHECK;
void content_close(struct content *c);
/* The file's attributes as they were at open, for a getattr that comes
 * with the open file (the kernel's size check before a read past the size
 * it holds), so that a reader of a recording erased meanwhile finishes
 * instead of failing with ENOENT.  fstat(2) does not come with the file
 * (Linux's fuse_getattr passes none): once the erasure is seen, it says
 * ENOENT. */
void content_set_stat(struct content *c, const struct stat *st);
const struct stat *content_stat(const struct content *c);

/* Remember who c is counted for (caps_acquire's uid and decoder), so that
 * its release gives back the same; content_owner says it: 0, or -ENOENT
 * when nothing was remembered. */
void content_set_owner(struct content *c, uid_t uid, int decoder);
int content_owner(const struct content *c, uid_t *uid, int *decoder) MUST_CHECK;

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

#endif
