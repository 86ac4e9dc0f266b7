/*
 * ghost.h - names this mount has just erased, remembered for a few seconds
 * for the uid that erased them.
 *
 * `rm -r` reads a directory and then unlinks each name: once <stem>.opus
 * erased the recording, <stem>.wav must still unlink cleanly (it is gone,
 * which is what was asked).  The handlers make the other names of an
 * erased recording ghosts of the caller's uid; a ghost answers lookup and
 * unlink for that uid alone, never getattr (a stat of an erased name is
 * ENOENT for its eraser too) and never appears in readdir.
 * A fixed number of ghosts is kept: the oldest goes first.  Thread-safe.
 */
#ifndef RECFS_FS_GHOST_H
#define RECFS_FS_GHOST_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "util.h"

struct ghosts;

/* An empty table whose ghosts last ttl seconds.  -ENOMEM.  *out owned by
 * the caller: ghosts_free. */
int ghosts_new(time_t ttl, struct ghosts **out) MUST_CHECK;
/* NULL is fine. */
void ghosts_free(struct ghosts *g);
/* Remember the node whose attributes are *st (its ino: st->st_ino, copied)
 * as a ghost of uid, evicting the oldest when the table is full. */
void ghosts_add(struct ghosts *g, uid_t uid, const struct stat *st);
/* 1 when ino is a live ghost of uid, its attributes then in *st (when st
 * is not NULL); 0 otherwise. */
int ghosts_find(struct ghosts *g, uint64_t ino, uid_t uid, struct stat *st);
/* As ghosts_find, and the ghost is forgotten (unlinked). */
int ghosts_take(struct ghosts *g, uint64_t ino, uid_t uid);

#endif
