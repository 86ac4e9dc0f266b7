/*
 * caller.h - who is asking: the uid of a request, its user name and its
 * policy level (the highest level whose group the user is in, via
 * getgrouplist, or whose users list names it).  Root has no level unless
 * the policy names "root" in a users list: operators hear nothing.
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

#define CALLER_NAME_MAX 64

struct caller {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int level;			/* policy index, -1: none; on a level mount the mount's level */
	int refused;			/* a level mount refuses it (caller_cache_serve_level); level is -1 */
	char user[CALLER_NAME_MAX];	/* "" when the uid has no passwd entry */
	char comm[32];			/* filled by caller_actor */
	int proc_read;			/* caller_actor has read comm and loginuid */
	int has_loginuid;		/* filled by caller_actor, as audit_loginuid */
	uid_t loginuid;
};

struct caller_cache;

/* A cache of uid -> (user, level) entries kept for a few seconds, so a
 * change of group membership takes effect without a remount. */
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

/* Fill *c for uid/gid/pid (from fuse_req_ctx). */
void caller_get(struct caller_cache *cc, uid_t uid, gid_t gid, pid_t pid, struct caller *c);

/* The audit actor of c (reads /proc/PID/comm and /proc/PID/loginuid into
 * c, the first time); the actor's strings point into c and p. */
void caller_actor(struct caller *c, const struct policy *p, struct audit_actor *a);

/* Name of c's level, or NULL. */
const char *caller_level_name(const struct caller *c, const struct policy *p);

#endif
