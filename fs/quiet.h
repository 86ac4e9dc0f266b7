/*
 * quiet.h - which reads of sealed attributes the mount logs: once per
 * caller and object (a recording's details, a subject's card) per window.
 *
 * `getfattr -d` asks for each attribute twice (its size, then its value),
 * rsync and Samba ask again for every file they pass: logged one entry a
 * call, that was six entries for one getfattr of one file and hundreds for
 * a tree.  Here a uid's reads of one object within QUIET_WINDOW seconds of
 * the first make one entry that names every attribute read: the first
 * read queues an entry naming its attribute; a read of another attribute
 * amends that entry while it is still queued (a new entry names it once
 * the first one is written); a read of an attribute already named logs
 * nothing.  Windows are forgotten QUIET_WINDOW seconds after they opened,
 * and the oldest first when QUIET_MAX are open: a forgotten window logs
 * its next read again, never less.  Refusals are not reads and are logged
 * by the handlers every time.  Thread-safe.
 */
#ifndef RECFS_FS_QUIET_H
#define RECFS_FS_QUIET_H

#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define QUIET_WINDOW 600	/* seconds */
#define QUIET_MAX 16384		/* open windows */

struct quiet;

/* An empty table whose windows last window seconds and of which at most
 * max are kept.  -ENOMEM.  *out owned by the caller: quiet_free. */
int quiet_new(int64_t window, size_t max, struct quiet **out) MUST_CHECK;
/* NULL is fine. */
void quiet_free(struct quiet *q);

/*
 * How quiet_read has an entry written.  names: the attributes (bits) the
 * entry must name.  amend 1: entry *ticket, queued earlier for the same
 * window, is to name them now; return 0 when it was amended, -ENOENT when it
 * can no longer be (written meanwhile).  amend 0: queue a new entry and set
 * *ticket to it; return 0, or a negative errno when it could not be
 * queued and journalled (the read is then refused).
 */
typedef int (*quiet_log_fn)(void *ctx, uint64_t *ticket, uint32_t names, int amend);

/*
 * uid, logged in as login ((uid_t)-1: no login uid), read attribute number
 * bit (0 to 31) of object (a recording id or a handle, at most
 * RECFS_ID_HEX - 1 bytes; copied) at time now: a window is of the uid and
 * the login uid both, so that a second person's reads through a shared
 * account (sudo -u) are logged as theirs (atk22 F2).  Calls log
 * as described above, or not at all when the window's entries name it
 * already.  log runs with the table's lock held and must not call
 * quiet_read.  0; or log's error when the read needed a new entry and it
 * could not be had: the caller refuses the read, and the window names
 * nothing of it (its next read logs again).
 */
int quiet_read(struct quiet *q, uid_t uid, uid_t login, const char *object, unsigned bit, int64_t now,
	       quiet_log_fn log, void *ctx) MUST_CHECK;

#endif
