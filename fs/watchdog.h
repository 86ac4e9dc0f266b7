/*
 * watchdog.h - a small child process that frees the mount when the daemon
 * dies without unmounting it.
 *
 * Why: a daemon thread may sit in the kernel, unkillable, on a lock that a
 * request in flight holds: the invalidator's notify_inval_entry waits for a
 * directory's lock while the client's unlink holds it and waits for the
 * daemon's reply; a notify_inval_inode waits on a page locked by a READ in
 * flight; an open's notify_store likewise.  Killed then (kill -9, a crash),
 * the daemon cannot finish dying, so /dev/fuse is never closed, the
 * connection is never aborted, the client never gets its reply, and the
 * mount hangs for good.  Only aborting the connection (fusectl's
 * connections/N/abort) ends every request in flight; then the thread gets
 * its lock, the daemon's exit completes and umount works.
 *
 * The watchdog holds that abort file open from the mount on, and learns of
 * the daemon's death through PR_SET_PDEATHSIG, which the kernel sends when
 * the thread that forked it exits, whatever the process's other threads
 * are stuck in.  A daemon that stops cleanly says goodbye first.  The open
 * file is bound to this mount's connection: once that connection is gone,
 * writing to it does nothing, so a later mount that reuses the number is
 * never touched.
 *
 * The child holds no /dev/fuse descriptor, no catalog and no key: it is
 * forked before the mount's parts start, the caller's scrub() wipes what
 * the child inherited, and every other descriptor is closed.
 */
#ifndef RECFS_FS_WATCHDOG_H
#define RECFS_FS_WATCHDOG_H

#include <sys/types.h>

#include "util.h"

struct watchdog;

/*
 * Open the abort file of FUSE connection conn (the minor device number of
 * the mount: connections are numbered by the mount's anonymous device),
 * mounting fusectl on /sys/fs/fuse/connections first when it is not
 * mounted and we may, then fork the watchdog.  Call from the thread that
 * will run the session loop, after fuse_daemonize and before any other
 * thread starts.  In the child, scrub(arg) runs first (wipe keys, close
 * the session's descriptor); the child never returns.  *out owned by the
 * caller: watchdog_stop.  Errors: -errno of open (-ENOENT when fusectl is
 * missing and cannot be mounted, -EACCES when the file is not ours), of
 * pipe or of fork; nothing is left running then.
 */
int watchdog_start(unsigned conn, void (*scrub)(void *arg), void *arg, struct watchdog **out) MUST_CHECK;

/*
 * The daemon is stopping and nobody reads its requests any more: abort the
 * connection now, so that requests still queued end (ENOTCONN) and a
 * thread blocked on a lock they hold is freed before it is joined.  Does
 * nothing when the connection is gone already (unmounted).  NULL is fine.
 * Only for a stop that is stuck: libfuse's unmount then takes the mount
 * for unmounted already and leaves it to umount.
 */
void watchdog_abort(struct watchdog *w);

/* 1 once watchdog_abort has aborted the connection; NULL is fine (0). */
int watchdog_aborted(const struct watchdog *w);

/* Say goodbye (the daemon stops cleanly: the watchdog exits without
 * touching the connection), wait for the child and free.  NULL is fine. */
void watchdog_stop(struct watchdog *w);

#endif
