/*
 * subuid.h - whose limits a caller's uid counts against: its own, or,
 * when it lies in a range of subordinate uids of /etc/subuid, the
 * range's owner's (atk41 F1, F2).
 *
 * useradd gives every user 65,536 subordinate uids (Debian's
 * SUB_UID_COUNT), and with newuidmap (package uidmap) a user runs
 * processes as any of them with no privilege (unshare --map-auto).  The
 * mount's per-user limits (caps.h: open files, .wav files and folders of
 * one uid, refusals logged one by one a second; the passphrase
 * derivations of one uid, dek.h) would count each of those uids apart:
 * one user could take every open file of the mount or write thousands of
 * refusal entries a second.  So the limits are kept per "limit key", the
 * owner's uid for a subordinate uid.  Only the limits: a subordinate uid
 * gets no level of its owner's (levels come from the caller's own groups,
 * caller.h), and its audit entries name the uid that made them.
 *
 * Who owns a uid is asked of libsubid (shadow's, <shadow/subid.h>):
 * subid_get_uid_owners reads /etc/subuid (subuid(5)), or asks the subid:
 * module of /etc/nsswitch.conf when one is set (sssd).  A uid several
 * owners' ranges hold counts as the smallest owner uid; a uid of no range
 * as itself; a lookup that fails (the file unreadable, a name of a range
 * that no user has or that NSS could not look up) counts the uid as
 * itself and is logged once (again after the file changed).  libsubid
 * keeps global state: it is called under one mutex, and its answers are
 * kept in a cache of at most SUBUID_CACHE_MAX uids (open addressing,
 * SUBUID_CACHE_SLOTS slots), emptied whole when one more would not fit;
 * a uid of one owner brings that owner's ranges (subid_get_uid_ranges)
 * into a table of at most SUBUID_RANGES_MAX, so that a flood of one
 * user's distinct subordinate uids is one lookup, not one each (atk44
 * F2; a uid two owners' ranges hold counts as the owner of the range
 * looked up first).
 * The cache is emptied when the file changes: its stat (device, inode,
 * size, mtime, ctime) is looked at at most once every SUBUID_LOOK seconds
 * (subuid_watch_look, from the poller); and every SUBUID_TTL seconds
 * anyway, for an NSS module's changes and failed lookups.
 * Thread-safe.
 */
#ifndef RECFS_FS_SUBUID_H
#define RECFS_FS_SUBUID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define SUBUID_PATH "/etc/subuid"	/* the file libsubid reads, watched */
#define SUBUID_LOOK 1			/* seconds between two stats of the file */
#define SUBUID_TTL 30			/* seconds: the cache is emptied at least this often */
#define SUBUID_CACHE_SLOTS 4096		/* a power of two */
#define SUBUID_CACHE_MAX 3072		/* uids kept; the next one empties the cache */
#define SUBUID_RANGES_MAX 256		/* owners' ranges kept, emptied with the cache */

/* Who owns uid: subid_get_uid_owners's contract (the number of owners put
 * in *owners, malloc'd, freed by the caller; < 0 on error). */
typedef int (*subuid_owners_fn)(uid_t uid, uid_t **owners);
/* Logs a failed lookup: prio (syslog), printf format. */
typedef void (*subuid_log_fn)(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* libsubid's subid_init, once, before any lookup: its messages go to
 * /dev/null (a daemon's terminal is no place for them; a failed lookup
 * is logged by the watch).  0, or -1 when libsubid could not open
 * /dev/null (it then writes to standard error). */
int subuid_lib_init(const char *progname);
/* libsubid's subid_get_uid_owners, for subuid_watch_new. */
int subuid_lib_owners(uid_t uid, uid_t **owners);

struct subuid_watch;

/* A watch of the file at path (copied), whose owners owners (NULL:
 * subuid_lib_owners) tells; log may be NULL.  -ENOMEM.  *out owned by
 * the caller: subuid_watch_free. */
int subuid_watch_new(const char *path, subuid_owners_fn owners, subuid_log_fn log,
		     struct subuid_watch **out) MUST_CHECK;
/* NULL is fine. */
void subuid_watch_free(struct subuid_watch *w);
/* Look at the file when SUBUID_LOOK seconds have passed since the last
 * look (now: seconds, monotonic), and empty the cache when its stat
 * changed (it appeared, was written, replaced or removed) or SUBUID_TTL
 * seconds have passed since it was last emptied.  1 when it was emptied,
 * 0 when not. */
int subuid_watch_look(struct subuid_watch *w, int64_t now);
/* The limit key of uid (above).  w NULL: uid. */
uid_t subuid_watch_key(struct subuid_watch *w, uid_t uid);
/* How many uids the cache holds and how many lookups were made since the
 * watch was made (tests). */
void subuid_watch_stats(struct subuid_watch *w, size_t *cached, uint64_t *lookups);

#endif
