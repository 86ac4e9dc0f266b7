/*
 * snapshot.h - the mount's current snapshot (tree.h) and the threads that
 * keep it in step with the catalog: the poller, which patches it with the
 * catalog's change log when the catalog's content changes (tree_apply; a
 * whole tree_build when the log cannot serve), and the invalidator, which
 * tells the kernel what a new snapshot took away.  The poller also sets the read-ahead of
 * the mount's backing device once the kernel has taken the INIT reply.  A
 * third thread looks the levels' groups up every few seconds and keeps
 * fs->level_gid (snapshot.c).
 *
 * Locking: one mutex (private) guards the current snapshot and the
 * poller's passes; handlers hold it only to take a reference.  The poller
 * has its own catalog connection and never takes cat_lock.
 */
#ifndef RECFS_FS_SNAPSHOT_H
#define RECFS_FS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct recfs;
struct tree;
struct snapshot;

/* Room for the path of a read-ahead setting in sysfs. */
#define SNAPSHOT_READAHEAD_PATH 64

/*
 * The sysfs read_ahead_kb of the mount whose device is major:minor (as
 * statx gives it) into path (len bytes).
 */
void snapshot_readahead_path(unsigned major, unsigned minor, char *path, size_t len);

/*
 * After the fork: open the poller's own catalog connection to fs->reg,
 * build the first snapshot, and start the invalidator, the poller and the
 * gids thread.  readahead_path ("" for none, copied) is set once
 * fs->inited is set.  fs must outlive the snapshot; the poller reads
 * fs->reg's policy, fs->se and fs->notice_len, the gids thread writes
 * fs->level_gid (from the level's groups, copied at start), clears fs->deks' unsealed keys on
 * every change, and revokes the handles of fs->open (when not NULL) that a
 * new snapshot takes away from their level (content_set_revoke).  *out owned by the caller: snapshot_stop.  Errors: those of
 * catalog_open and tree_build, -ENOMEM, pthread_create's (negative).
 */
int snapshot_start(struct recfs *fs, const char *readahead_path, struct snapshot **out) MUST_CHECK;

/* Stop and join the threads, close the connection, free.  NULL is fine.
 * No handler may use s afterwards.  Only before exit: the last tree keeps
 * its reference and is left to the kernel, unless the build has
 * AddressSanitizer (snapshot.c). */
void snapshot_stop(struct snapshot *s);

/* The current snapshot with a reference taken; tree_unref() when done. */
struct tree *snapshot_tree(struct snapshot *s);

/*
 * After a successful change through rights_*: ask the poller for a pass
 * and wait (at most a few seconds) until a new snapshot is in place,
 * so that the caller's next lookup sees the change.  Kernel caches are
 * invalidated by the invalidator after the swap, never from a handler
 * (invalidating an entry takes the directory lock that the kernel holds
 * while it waits for our reply).  Must not be called with cat_lock held.
 */
void snapshot_refresh(struct snapshot *s);

/*
 * 1 when policy.conf is no longer as it was last looked at (a `recctl
 * policy apply` may have taken a level from a caller).  A stat per call.
 * The mount's policy thread looks every 100 ms; an open that finds it
 * moved looks itself first (snapshot_policy_look), so that a level taken
 * away by an apply that returned is never used to open.
 */
int snapshot_policy_moved(struct snapshot *s);
/* Look at policy.conf now (in the caller's thread) and take a newer policy
 * for the callers, as the policy thread and the poller do: one look at a
 * time, each a stat, and a read of the file when it moved. */
void snapshot_policy_look(struct snapshot *s);

/*
 * Have the invalidator drop what the kernel caches of node id nodeid
 * (attributes and pages), after everything queued before.  For a handler
 * that put pages into the cache (notify_store) of a handle revoked
 * meanwhile; never blocks on the kernel.  Does nothing once stopping.
 */
void snapshot_inval_inode(struct snapshot *s, uint64_t nodeid);

#endif
