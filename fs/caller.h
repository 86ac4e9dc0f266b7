/*
 * caller.h - who is asking: the uid of a request, its user name and its
 * policy level (the highest level whose group the user is in, via
 * getgrouplist, or whose users list names it).  Root has no level unless
 * the policy names "root" in a users list: operators hear nothing.
 *
 * A policy applied after the mount started only lowers levels
 * (caller_cache_set_newer).
 *
 * A mount of one level (recfs -o level=NAME, caller_cache_serve_level)
 * serves that level's view alone: a caller of that level or a higher one
 * acts as that level (its view, its key, its rights, the level its audit
 * entries name), any other caller is refused.
 */
#ifndef RECFS_CALLER_H
#define RECFS_CALLER_H

#include <stdint.h>
#include <sys/types.h>

#include "audit.h"
#include "policy.h"

/* A user name as the kernel's LOGIN_NAME_MAX allows: directory services
 * give long ones ("first.last@subsidiary.example.com"); a longer one is
 * never cut, it has no level (a cut name would be another user's). */
#define CALLER_NAME_MAX 256
#define CALLER_PROCS 8			/* processes whose /proc files are kept open */
#define CALLER_PROC_FDS (2 * CALLER_PROCS)

struct caller {
	uid_t uid;
	uid_t limit;			/* whose per-user limits it counts against: uid, or the owner of
					 * the /etc/subuid range uid is in (recfs_caller, subuid.h);
					 * never its level */
	gid_t gid;
	pid_t pid;
	int level;			/* policy index, -1: none; on a level mount the mount's level */
	int refused;			/* a level mount refuses it (caller_cache_serve_level); level is -1 */
	char user[CALLER_NAME_MAX];	/* "" when the uid has no passwd entry */
	char comm[32];			/* filled by caller_actor */
	int proc_read;			/* caller_actor has read comm and loginuid */
	struct caller_cache *cc;	/* set by caller_get: caller_actor reads through its descriptors */
	int has_loginuid;		/* filled by caller_actor, as audit_loginuid */
	uid_t loginuid;
	int64_t rights_since;		/* when its rights action began (recfs_rights_check) */
};

struct caller_cache;

/* A cache of uid -> (user, level) entries kept for a few seconds, so a
 * change of group membership takes effect without a remount; and of the
 * /proc/PID/comm and /proc/PID/loginuid descriptors of the last few
 * processes that caller_actor was asked about (at most CALLER_PROC_FDS
 * descriptors, closed by caller_cache_free). */
int caller_cache_new(const struct policy *p, struct caller_cache **out) MUST_CHECK;
void caller_cache_free(struct caller_cache *cc);

/*
 * Make cc answer for a mount of the one policy level `level` (an index
 * into the policy; -1, the default: a mount of every level): from then on
 * caller_get gives a caller whose own level is `level` or higher the level
 * `level`, and marks any other caller (a lower level, or none) refused.
 * Call before the mount serves requests; not thread-safe with caller_get.
 */
void caller_cache_serve_level(struct caller_cache *cc, int level);

/*
 * Once `recctl policy apply` has put another policy in the register than
 * the one the mount read at start (newer; NULL when it holds that one
 * again), a caller keeps only a level both give its user: its level by
 * the mount's policy, or the level of that name the newer one gives it
 * when that is lower; none when the newer one gives it none, or a level
 * the mount's policy does not have.  So taking a user out of a level
 * (users =, group =) takes effect on a running mount, and nothing is
 * given that its policy did not give.  cc keeps newer (freed by
 * caller_cache_free); what it had cached is dropped.  One thread calls it
 * (the poller).  Files already open stay open, as after a group change.
 */
void caller_cache_set_newer(struct caller_cache *cc, struct policy *newer);

/* Fill *c for uid/gid/pid (from fuse_req_ctx). */
void caller_get(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c);

/*
 * The audit actor of c (reads /proc/PID/comm and /proc/PID/loginuid into
 * c, the first time); the actor's strings point into c and p.  When c came
 * from caller_get, the files are read through descriptors the cache keeps
 * open for the process (the last CALLER_PROCS processes asked about, the
 * least recently asked one closed first), so that a process opening file
 * after file costs two reads, not two opens.  Such a descriptor belongs to
 * the process it was opened for: after an exec it reads the new name, and
 * once the process is gone it reads ESRCH, and the pid's files are opened
 * again (a new process of the same pid is never named after the old one).
 * comm "" and no loginuid when the files cannot be read (the process is
 * gone).  Thread-safe.
 */
void caller_actor(struct caller *c, const struct policy *p, struct audit_actor *a);

/* Name of c's level, or NULL. */
const char *caller_level_name(const struct caller *c, const struct policy *p);

#endif
