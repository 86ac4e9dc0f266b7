/*
 * prefetch.h - reading ahead of a caller that walks the tree file by file
 * (cat of a find, a training tool's loop over a folder).
 *
 * When an open continues such a walk (it is the next file of the same kind
 * after the one the same level opened last, or one already prefetched), the
 * next files' ciphertext is asked of the disk and their data keys are
 * unsealed into the key cache, on worker threads, so that the caller's next
 * opens find both ready.  It is only a hint: keys come from the key path
 * for the caller that opened (dek_get), so nothing is unsealed that it
 * could not open itself (a protected recording it has not unlocked is not
 * unsealed at all), errors are ignored, and a full queue drops work.
 */
#ifndef RECFS_FS_PREFETCH_H
#define RECFS_FS_PREFETCH_H

struct recfs;
struct caller;
struct tree;
struct tnode;
struct prefetch;

/* Start the workers for fs (its register and key path, dek.h), each with
 * a read connection of its own to the register's catalog for the seals
 * (dek_get_via; when it cannot be opened, the mount's under cat_lock).
 * 0, or -errno of pthread_create.  *out owned by the caller: prefetch_free. */
int prefetch_new(struct recfs *fs, struct prefetch **out);
/* Stop and join the workers and free; NULL is fine. */
void prefetch_free(struct prefetch *p);
/* n of snapshot t was just opened by caller c (copied; hints for the
 * files after n take a reference to t each).  NULL p is fine. */
void prefetch_opened(struct prefetch *p, struct tree *t, const struct tnode *n, const struct caller *c);

#endif
