/*
 * content.h - open files of the mount: README.txt from memory, artifacts
 * through a decrypting blob reader, and the WAV view decoded on the fly
 * from the audio blob.  One struct content per open(); its DEK lives only
 * inside the blob reader (guarded memory) and dies with content_close.
 */
#ifndef RECFS_CONTENT_H
#define RECFS_CONTENT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "keys.h"
#include "register.h"
#include "dekcache.h"
#include "tree.h"

struct content;

/* README.txt: serves text (not copied; must outlive the handle). */
int content_open_text(const char *text, size_t len, struct content **out) MUST_CHECK;

/*
 * Open node n (TN_FILE or TN_WAV) with the key of level (a policy index)
 * from kr, or the data key dc holds for that level, and for a protected
 * recording the unlock key (NULL otherwise).  cat_lock is held around the
 * unseal only (it reads the catalog).  Errors:
 * -EACCES (no seal for level), -ENOKEY (key not in kr), -EIO (damaged blob
 * or seal), -ENOENT (blob missing).
 */
int content_open_node(struct reg *r, pthread_mutex_t *cat_lock, const struct keyring *kr, struct dekcache *dc,
		      int level, const struct crypto_key *unlock, const struct tnode *n, struct content **out) MUST_CHECK;

/* Read at off: byte count, 0 at end, -EIO on a failed check. */
ssize_t content_read(struct content *c, void *buf, size_t len, uint64_t off) MUST_CHECK;
void content_close(struct content *c);
/* The file's attributes as they were at open: an open file whose recording
 * is erased meanwhile still answers fstat (and the kernel's size checks
 * before a read), so its reader finishes instead of failing with ENOENT. */
void content_set_stat(struct content *c, const struct stat *st);
const struct stat *content_stat(const struct content *c);

#endif
