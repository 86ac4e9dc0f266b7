/*
 * prefetch.h - reading ahead of a caller that walks the tree file by file
 * (cat of a find, a training tool's loop over a folder).
 *
 * When an open continues such a walk (it is the next file of the same kind
 * after the one the same level opened last, or one already prefetched), the
 * next files' ciphertext is asked of the disk and their data keys are
 * unsealed into the key cache, on worker threads, so that the caller's next
 * opens find both ready.  It is only a hint: nothing is read or unsealed
 * that the caller's level could not open itself (its own seals, its own
 * key), errors are ignored, and a full queue drops work.
 */
#ifndef RECFS_FS_PREFETCH_H
#define RECFS_FS_PREFETCH_H

struct recfs;
struct tree;
struct tnode;
struct prefetch;

/* Start the workers for fs (its reg, keyring, key cache and cat_lock). */
int prefetch_new(struct recfs *fs, struct prefetch **out);
/* Stop and join the workers and free; NULL is fine. */
void prefetch_free(struct prefetch *p);
/* n of snapshot t was just opened by a caller of policy level `level`. */
void prefetch_opened(struct prefetch *p, const struct tree *t, const struct tnode *n, int level);

#endif
