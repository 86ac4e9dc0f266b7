/*
 * recfs_i.h - private to fs/: the state of one mount, shared by the
 * modules of the daemon that need the whole of it (main, snapshot, ops,
 * xattr, dek, prefetch, auditq); tree, caller, content, ghost and the key
 * path's parts (dekcache, unlock) know nothing of a mount.
 *
 * Threads of a running mount:
 *   - libfuse workers (fuse_session_loop_mt) run the handlers in ops.c and
 *     xattr.c; the hot path (lookup, getattr, readdir, read) touches only the
 *     snapshot tree and open file handles, never sqlite;
 *   - the poller (snapshot.c) owns its own catalog connection, polls
 *     the catalog's content version and rebuilds the snapshot;
 *   - the invalidator (snapshot.c) tells the kernel what changed between two
 *     snapshots; it may block on a directory lock the kernel holds while a
 *     handler waits for the poller, so it is a thread of its own;
 *   - the audit flusher (auditq.c) writes queued entries in batches, and
 *     an open's handler writes the batch its own entry is in (auditq.h),
 *     both through the queue's own catalog connection;
 *   - the prefetch workers (prefetch.c) warm the next files of a walk;
 *   - the housekeeping thread (caps.c) gives back the decoders of WAV views
 *     nobody reads and trims the heap after files are released.
 * Everything that touches reg->cat (seal_unseal, seal_read_record, rights_*)
 * holds cat_lock: one sqlite connection is not shared between threads
 * without a lock.  It is taken only through RECFS_LOCKED (below).
 */
#ifndef RECFS_FS_I_H
#define RECFS_FS_I_H

#define FUSE_USE_VERSION 35

#include <pthread.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <fuse_lowlevel.h>

#include "audit.h"
#include "keys.h"
#include "policy.h"
#include "register.h"

#define RECFS_VERSION "0.1"

struct tree;
struct auditq;
struct caller_cache;
struct caps;
struct subuid_watch;
struct deks;
struct snapshot;
struct ghosts;
struct watchdog;
struct quiet;
struct content_set;
struct dirh;

struct recfs {
	struct reg *reg;		/* reg->cat protected by cat_lock */
	pthread_mutex_t cat_lock;
	/* under cat_lock, during a rights call: its transaction found another
	 * policy in the register (recfs_rights_check) */
	int rights_stale;
	/* under cat_lock: the last ESTALE refusal logged (refuse_stale), its
	 * uid, second (caps_now) and "ACTION OBJECT" */
	uid_t stale_uid;
	int64_t stale_sec;
	char stale_what[160];
	struct keyring *kr;		/* read-only once mounted */
	struct fuse_session *se;
	/* The notice in each language of the policy, by index into its
	 * langs (README.txt, then README.<lang>.txt); read-only once mounted. */
	char *notice[POLICY_MAX_LANGS];
	uint64_t notice_len[POLICY_MAX_LANGS];
	/* Each level's group's gid (0: none): looked up at start, then every
	 * few seconds by the snapshot's thread for them (snapshot.c), their
	 * only writer once mounted, under its lock; read with
	 * recfs_level_gid. */
	gid_t level_gid[POLICY_MAX_LEVELS];
	int level;			/* -o level=: the one policy level served, -1: every level; read-only once mounted */
	int foreground;

	struct snapshot *snap;		/* the current tree, poller, invalidator (snapshot.h) */
	struct auditq *aq;
	struct caller_cache *callers;
	struct deks *deks;		/* the key path (dek.h); unsealed keys forgotten on every rebuild */
	struct content_set *open;	/* open files of register content, revoked by the poller (content.h) */
	struct prefetch *pf;		/* read-ahead of tree walks (prefetch.h) */
	struct ghosts *ghosts;		/* names just erased, for rm -r (ghost.h) */
	struct watchdog *wd;		/* NULL when fusectl could not be had (watchdog.h) */
	struct quiet *quiet;		/* which reads of sealed attributes are logged (quiet.h) */
	struct caps *caps;		/* open files and WAV decoders per uid and in all (caps.h) */
	struct subuid_watch *subuids;	/* /etc/subuid: whose limits a uid counts against (subuid.h) */
	pthread_mutex_t dirs_lock;
	LIST_HEAD(, dirh) dirs;		/* protected by dirs_lock: open directories (ops.c), closed by op_destroy */
	int inited;			/* atomic: the INIT reply is on its way */
};

/*
 * rc = call, evaluated with *lock held: the one way fs/ takes cat_lock
 * (lock is &fs->cat_lock).  Lock,
 * the one expression and unlock are a single expression, so an unlock
 * cannot be missed or doubled (no return, goto or other statement fits
 * between them) and nothing but the call runs under the lock.  The call
 * must not take cat_lock again, take the snapshot's lock or wait for the
 * poller (snapshot_refresh): the lock is held for catalog work alone.
 */
#define RECFS_LOCKED(lock, rc, call) (pthread_mutex_lock(lock), (rc) = (call), pthread_mutex_unlock(lock))

/* The mount of a request. */
static inline struct recfs *req_fs(fuse_req_t req)
{
	return (struct recfs *)fuse_req_userdata(req);
}

/* Log to stderr in the foreground, syslog as a daemon. */
void recfs_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline gid_t recfs_level_gid(const struct recfs *fs, size_t level)
{
	return __atomic_load_n(&fs->level_gid[level], __ATOMIC_RELAXED);
}

/* ops.c */
extern const struct fuse_lowlevel_ops recfs_ops;

struct caller;
struct tnode;
/*
 * The node ino as the caller of req sees it: fills *c (the caller), *t (the
 * current snapshot, with a reference to drop with tree_unref) and *n.
 * -ENOENT when the node does not exist or the caller may not see it;
 * -EACCES for every node when a mount of one level refuses the caller
 * (caller.h; logged once a minute per uid).  On error *t is not referenced.
 */
int recfs_resolve(fuse_req_t req, fuse_ino_t ino, struct caller *c, struct tree **t, struct tnode **n);
/*
 * Whether node id ino is of another level's copy of the tree than c's
 * (a descriptor another level opened and passed on, or one kept across a
 * change of uid; recfs_resolve refuses it with ENOENT): 1, with the
 * recording id, or the subject handle (*handle set, when not NULL), that
 * ino (or its child name, when not NULL) is in that copy copied to object
 * ("" when none is), for the log of the refusal; else 0, object "".
 */
int recfs_other_view(struct recfs *fs, const struct caller *c, fuse_ino_t ino, const char *name,
		     char object[RECFS_ID_HEX], int *handle);
/* Fill *c for req. */
void recfs_caller(fuse_req_t req, struct caller *c);
/* Queue an audit entry for c about object (a recording id, a handle, or
 * NULL) and, when not NULL, its artifact (naming_label), with outcome and
 * reason as given.  The strings are copied.  Returns its auditq ticket. */
uint64_t recfs_audit_entry(struct recfs *fs, struct caller *c, const char *action, const char *object,
			   const char *artifact, const char *outcome, const char *reason);
/* recfs_audit_entry with outcome "ok" of a read of sealed attributes,
 * answered only once its entry is journalled (auditq_push_read): 0 and
 * *ticket, or -ENOSPC / -EIO, the read then refused. */
int recfs_audit_read(struct recfs *fs, struct caller *c, const char *action, const char *object, const char *reason,
		     uint64_t *ticket) MUST_CHECK;
/* recfs_audit_entry with outcome "ok", returning once the entry is written
 * (auditq_push_durable): 0 or -EIO. */
int recfs_audit_durable(struct recfs *fs, struct caller *c, const char *action, const char *object,
			const char *artifact) MUST_CHECK;
/*
 * The actor of a rights action c is about to take (rights_*, which log
 * it themselves), after this mount's queued entries have been written
 * when c is of the rights level: so an entry queued before the action (an
 * open, a read of the details) does not come after the action's in the
 * log's order.  (Another caller's attempt is refused; its entry may come
 * before entries queued earlier.)
 */
void recfs_rights_actor(struct recfs *fs, struct caller *c, struct audit_actor *a);
/* recfs_audit_entry with outcome "ok" when err is 0, else "refused" with
 * the errno name as reason. */
void recfs_audit(struct recfs *fs, struct caller *c, const char *action, const char *object, const char *artifact,
		 int err);
/*
 * RECFS_RIGHTS runs a rights call (rights_*, which log their own outcome)
 * under the catalog lock.
 * - A caller below the rights level is refused, and each refusal is an
 *   entry: past CAPS_REFUSALS_PER_SEC a second (recfs_rights_counted, as
 *   recfs_audit_entry counts the mount's own refusals) they are counted
 *   (audit_refusals_counted), and the count goes to the log as one
 *   "refusals" entry; but the first of each action on each object (a
 *   recording id, a subject handle) in the second is still logged, in a
 *   budget of names of its own (caps.h, CAPS_NAME_RIGHTS), apart from
 *   the mount's own refusals of the same action and object
 *   (caps_refusal_name: by reason too).
 * - While the register's disk is full, a refusal cannot be written
 *   (audit_refuse), and an action that fails for want of room (ENOSPC)
 *   wrote nothing: recfs_unlogged_start hands the first to the mount's
 *   audit queue (audit_set_unlogged), which writes it once there is room,
 *   until recfs_unlogged_stop; recfs_rights_done queues "ACTION refused
 *   ENOSPC" for c when the call failed so and queued nothing.
 * - recfs_rights_check refuses the rights level's actions, logged: with
 *   ENOKEY on a mount that does not hold the rights level's key (one
 *   started without it acts on nothing it could not also undo: a lift
 *   or a rectification needs the key); with ESTALE once `recctl policy
 *   apply` has put another policy in the register than the one the mount
 *   read at start (reg_policy_changed), by whose levels a lifted
 *   restriction or a rectification would reseal, until the mount is
 *   restarted.  The policy is asked once the call's transaction holds the
 *   write lock (every rights call begins one, a refusal too), since
 *   `policy apply` installs its policy.conf while it holds that lock.  A
 *   lower level's attempt is refused as ever.
 */
void recfs_unlogged_start(struct recfs *fs);
void recfs_unlogged_stop(void);
unsigned recfs_unlogged_mark(void);
/* The refusals counted past CAPS_REFUSALS_PER_SEC in seconds now over,
 * logged (one entry a uid); the poller calls it every poll. */
void recfs_refusals_flush(struct recfs *fs);
int recfs_rights_counted(struct recfs *fs, struct caller *c, const char *action, const char *object);
int recfs_rights_check(struct recfs *fs, struct caller *c, const char *action, const char *object);
/* The end of a rights call that recfs_rights_check let through: rc, or
 * ESTALE (logged) when its transaction found another policy applied while
 * it waited for the write lock. */
int recfs_rights_guarded(struct recfs *fs, struct caller *c, const char *action, const char *object, int rc);
void recfs_rights_done(struct recfs *fs, struct caller *c, unsigned mark, int counted, const char *action,
		       const char *object, int rc);
#define RECFS_RIGHTS(fs, c, action, object, rc, call)                                  \
	do {                                                                           \
		unsigned mark_ = recfs_unlogged_mark();                                \
		int counted_ = recfs_rights_counted(fs, c, action, object), check_;    \
		RECFS_LOCKED(&(fs)->cat_lock, rc,                                      \
			     (check_ = recfs_rights_check(fs, c, action, object)) ? check_ :        \
			     recfs_rights_guarded(fs, c, action, object, (call)));                   \
		recfs_rights_done(fs, c, mark_, counted_, action, object, rc);         \
	} while (0)

/* xattr.c: the extended-attribute handlers of the table. */
void recfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void recfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void recfs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size,
		    int flags);
void recfs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif
