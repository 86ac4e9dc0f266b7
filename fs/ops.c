/*
 * ops.c - the FUSE low-level handlers of recfs, one per operation, each
 * replying exactly once.
 *
 * Visibility is decided per caller from the snapshot tree: a node the
 * caller's level holds no seal on does not exist for it (ENOENT), and a
 * directory exists for it when something inside does.  The kernel's caches
 * are shared by every process, so each level gets its own copy of the tree
 * below the root (views, see tree.h): a lookup in the root is never cached
 * and is decided here for the caller making it, and hands out the node ids
 * of that caller's view; everything below may then be cached by the kernel
 * (VIEW_TIMEOUT, readdirplus), because no walk of another level reaches
 * those node ids, and a request that arrives on a node id of another view
 * (a directory inherited across a change of uid) is ENOENT.  The poller
 * invalidates, in every view, what a new snapshot took away.  Negative
 * entries are never cached.  File content may stay in the page cache
 * (keep_cache): each view has its own inodes, and open() is always decided
 * here, with the caller's own key.  An open file is tracked (content.h):
 * once a restriction or erasure takes it from the opener's level, the
 * poller revokes the handle (its reads are EIO, logged once) and drops the
 * view's cached pages (snapshot.c).
 *
 * Nothing here writes the register except through rights_* (erasure,
 * restriction), which check the actor's level, log and return the errno;
 * everything else that would write is EROFS.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auditq.h"
#include "blob.h"
#include "caller.h"
#include "caps.h"
#include "subuid.h"
#include "content.h"
#include "crypto.h"
#include "dek.h"
#include "ghost.h"
#include "naming.h"
#include "prefetch.h"
#include "recfs_i.h"
#include "rights.h"
#include "seal.h"
#include "snapshot.h"
#include "tbuf.h"
#include "testhook.h"
#include "tree.h"

#define ATTR_TIMEOUT 1.0 /* seconds; what is no longer in the tree (ghosts, open files) */
#define VIEW_TIMEOUT 3600.0 /* seconds; entries of a view and shared nodes, see fill_entry */
#define STORE_MAX (256u << 10) /* bytes; see store_small */
/* A small file is read at open through the page cache that prefetch warmed. */
_Static_assert(2 * STORE_MAX <= BLOB_DIRECT_MIN, "small files must not be read past the page cache");

void recfs_caller(fuse_req_t req, struct caller *c)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	caller_get(req_fs(req)->callers, ctx->uid, ctx->gid, ctx->pid, c);
	/* The one place a caller's limit key is told (subuid.h): its
	 * subordinate uids count against a user's limits, not beside them. */
	c->limit = subuid_watch_key(req_fs(req)->subuids, c->uid);
}

static void make_entry(struct recfs *fs, struct caller *c, const char *action, const char *object,
		       const char *artifact, const char *outcome, const char *reason, struct audit_entry *e)
{
	memset(e, 0, sizeof(*e));
	caller_actor(c, fs->reg->policy, &e->actor);
	e->action = action;
	e->object = object;
	e->artifact = artifact;
	e->outcome = outcome;
	e->reason = reason;
}

/* The entry that counts refusals of uid not logged one by one, with how
 * many of them named a recording the second could not name, by kind. */
#define UNNAMED_TEXT_MAX 128
static const char *unnamed_text(const char *what, uint64_t n, char out[UNNAMED_TEXT_MAX])
{
	snprintf(out, UNNAMED_TEXT_MAX, "%llu of them %s not named (over %d recordings)", (unsigned long long)n,
		 what, CAPS_REFUSALS_PER_SEC);
	return out;
}

static void push_held(struct recfs *fs, const struct audit_actor *actor, const struct caps_held *h)
{
	char num[2][UNNAMED_TEXT_MAX];
	struct audit_entry e;
	char *reason;

	reason = xasprintf("%llu more refusals in one second, not logged one by one (over %d a second)%s%s%s%s",
			   (unsigned long long)h->n, CAPS_REFUSALS_PER_SEC, h->unnamed ? "; " : "",
			   h->unnamed ? unnamed_text("opens, reads or unlocks of recordings", h->unnamed, num[0]) : "",
			   h->unnamed_rights ? "; " : "",
			   h->unnamed_rights ? unnamed_text("rights commands (rm, chmod, setfattr)", h->unnamed_rights,
							    num[1]) : "");

	memset(&e, 0, sizeof(e));
	e.actor = *actor;
	e.action = "refusals";
	e.outcome = "refused";
	e.reason = reason;
	(void)auditq_push(fs->aq, &e);
	free(reason);
}

/*
 * The recording a refusal names in caps_refusal_due's budget of refused
 * accesses (caps.h), or NULL: a refused open or read of a recording for
 * what it holds (protected and not unlocked, restricted, erased
 * meanwhile: ENOKEY, EACCES, ENOENT, revoked ...), or a refused unlock of
 * it (a wrong passphrase).  Not a write-open (EROFS), an open over the
 * caller's caps (EMFILE, ENFILE) or an unlock of a recording that is not
 * protected (EINVAL): any reader makes those of every recording it sees,
 * and twenty of them a second would push the refusals of a recording it
 * may not read out of the names.
 */
static const char *access_of(const char *action, const char *object, const char *reason)
{
	static const char *const not_access[] = { "EROFS", "EMFILE", "ENFILE", NULL };

	if (!object)
		return NULL;
	if (!strcmp(action, "unlock"))
		return reason && !strcmp(reason, "EINVAL") ? NULL : object;
	if (strcmp(action, "open") && strcmp(action, "read"))
		return NULL;
	for (size_t i = 0; reason && not_access[i]; i++)
		if (!strcmp(reason, not_access[i]))
			return NULL;
	return object;
}

/*
 * The object a refusal names in caps_refusal_due's budget of rights
 * commands (caps.h), when the mount refused it itself rather than the
 * register (RECFS_RIGHTS names those): an rm, chmod or setfattr of a
 * right on a node of another level's copy of the tree (recfs_other_view),
 * or one the caller's level may not make (a chmod +w); NULL for any
 * other refusal.
 */
static const char *rights_of(const char *action, const char *object)
{
	static const char *const rights[] = { "erase", "erase-subject", "restrict", "lift-restriction", "hold",
					      "release-hold", "retention", "protect", "rectify", "chmod", NULL };

	for (size_t i = 0; object && rights[i]; i++)
		if (!strcmp(action, rights[i]))
			return object;
	return NULL;
}

static void push_held_at_exit(uid_t uid, const struct caps_held *held, void *ctx);

/* The count of refusals held for c's limit key: named by c (its process,
 * its login), or, for a subordinate uid, by the owner whose limit they
 * were counted against, as the poller's count of it is. */
static void push_held_of(struct recfs *fs, struct caller *c, const struct audit_actor *actor,
			 const struct caps_held *held)
{
	if (c->limit != c->uid)
		push_held_at_exit(c->limit, held, fs);
	else
		push_held(fs, actor, held);
}

uint64_t recfs_audit_entry(struct recfs *fs, struct caller *c, const char *action, const char *object,
			   const char *artifact, const char *outcome, const char *reason)
{
	struct audit_entry e;
	struct caps_held held = { 0 };
	int due = 1;

	make_entry(fs, c, action, object, artifact, outcome, reason, &e);
	/* A flood of refusals is counted past CAPS_REFUSALS_PER_SEC (caps.h);
	 * a refused access to a recording, or rights command, names it apart
	 * from the rest. */
	if (fs->caps && outcome && !strcmp(outcome, "refused")) {
		const char *access = access_of(action, object, reason);
		const char *right = access ? NULL : rights_of(action, object);
		char name[256];

		/* by action too: a wrong passphrase (unlock) is not the open
		 * refused just before it; and by reason: a chmod +w any
		 * reader makes (EPERM) is not the chmod 0 through another
		 * level's copy (ENOENT) after it */
		if (access || right)
			caps_refusal_name(name, sizeof(name), action, access ? access : right, reason);
		due = caps_refusal_due(fs->caps, c->limit, caps_now(), access ? CAPS_NAME_ACCESS : CAPS_NAME_RIGHTS,
				       access || right ? name : NULL, &held);
	}
	if (held.n)
		push_held_of(fs, c, &e.actor, &held);
	return due ? auditq_push(fs->aq, &e) : 0;
}

/* A uid's count of refusals, reported with no request in hand (the poller,
 * the unmount): named by its passwd entry, as an entry of its own would be. */
static void push_held_at_exit(uid_t uid, const struct caps_held *held, void *ctx)
{
	struct audit_actor a = { .uid = uid };
	struct passwd pw, *found = NULL;
	char buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		a.user = found->pw_name;
	push_held(ctx, &a, held);
}

void recfs_refusals_flush(struct recfs *fs)
{
	if (fs->aq && fs->caps)
		caps_refusals_held(fs->caps, caps_now(), push_held_at_exit, fs);
}

/* The refusals this thread handed to the queue (push_unlogged). */
static __thread unsigned unlogged_here;

static void push_unlogged(const struct audit_entry *e, void *ctx)
{
	struct recfs *fs = ctx;

	unlogged_here++;
	(void)auditq_push(fs->aq, e);
}

void recfs_unlogged_start(struct recfs *fs)
{
	audit_set_unlogged(push_unlogged, fs);
}

void recfs_unlogged_stop(void)
{
	audit_set_unlogged(NULL, NULL);
}

unsigned recfs_unlogged_mark(void)
{
	return unlogged_here;
}

int recfs_rights_counted(struct recfs *fs, struct caller *c, const char *action, const char *object)
{
	struct caps_held held;
	char name[256];
	int due;

	if (!fs->caps || c->level == fs->reg->policy->rights_level)
		return 0;
	/* named by action too: an erasure is not the hold tried before it;
	 * and by the reason the register gives a lower level, which no
	 * refusal of the mount's own shares */
	if (object)
		caps_refusal_name(name, sizeof(name), action, object, "below the rights level");
	due = caps_refusal_due(fs->caps, c->limit, caps_now(), CAPS_NAME_RIGHTS, object ? name : NULL, &held);
	if (held.n) {
		struct audit_actor a;

		caller_actor(c, fs->reg->policy, &a);
		push_held_of(fs, c, &a, &held);
	}
	if (!due)
		audit_refusals_counted(1);
	return !due;
}

/* catalog_set_begin_check's fn for a rights action (ctx: the mount). */
static int stale_in_tx(void *ctx)
{
	struct recfs *fs = ctx;

	if (!reg_policy_changed(fs->reg))
		return 0;
	fs->rights_stale = 1;
	return meta_fail(-ESTALE, "the register's policy changed since this mount started");
}

/*
 * Refuse a rights action with ESTALE, logged, once per command: the
 * kernel walks a path again when a request on it was ESTALE (LOOKUP_REVAL)
 * and sends the request once more, which is no second attempt of the
 * user's; so the same refusal of the same uid, for a request that began
 * (since) within a second of the last one's entry, is not logged again.
 * The request's start, not its end: a slow action (a passphrase's
 * derivation, a second or more) ended its retry in a later second, and
 * was logged twice (bb7 F8, bb4 LOW-8).  Under cat_lock.
 */
static int refuse_stale(struct recfs *fs, const struct audit_actor *a, int64_t since, const char *action,
			const char *object)
{
	int64_t now = caps_now();
	char what[sizeof(fs->stale_what)];
	int rc;

	snprintf(what, sizeof(what), "%s %s", action, object ? object : "-");
	if (since >= fs->stale_sec && since <= fs->stale_sec + 1 && fs->stale_uid == a->uid &&
	    !strcmp(fs->stale_what, what))
		return -ESTALE;
	rc = audit_refuse(fs->reg->cat, a, action, object, -ESTALE,
			  "the register's policy changed since this mount started: restart the mount to act by it");
	fs->stale_uid = a->uid;
	fs->stale_sec = now;
	memcpy(fs->stale_what, what, sizeof(what));
	recfs_log(LOG_WARNING, "recfs: %s refused: the register's policy changed since this mount started "
		  "(recctl policy apply); restart the mount to act by it", action);
	return rc;
}

int recfs_rights_check(struct recfs *fs, struct caller *c, const char *action, const char *object)
{
	const struct policy *p = fs->reg->policy;
	uint8_t pk[CRYPTO_PK_BYTES];
	struct audit_actor a;

	if (c->level < 0 || c->level != p->rights_level)
		return 0;
	c->rights_since = caps_now();
	caller_actor(c, p, &a);
	/* The rights level's key, which the mount checked against the
	 * register's (reg_check_keyring) when it started. */
	if (!fs->kr || !keyring_level(fs->kr, p->levels[p->rights_level].name, pk)) {
		meta_clear_error();
		return audit_refuse(fs->reg->cat, &a, action, object, -ENOKEY,
				    "the rights level's key is not loaded in this mount");
	}
	/* The policy is asked once the action's transaction holds the
	 * write lock: a policy apply that held it meanwhile installed its
	 * policy.conf before it let go (recfs_rights_guarded). */
	fs->rights_stale = 0;
	catalog_set_begin_check(fs->reg->cat, stale_in_tx, fs);
	return 0;
}

int recfs_rights_guarded(struct recfs *fs, struct caller *c, const char *action, const char *object, int rc)
{
	struct audit_actor a;

	catalog_set_begin_check(fs->reg->cat, NULL, NULL);
	if (!fs->rights_stale)
		return rc;
	fs->rights_stale = 0;
	meta_clear_error();
	caller_actor(c, fs->reg->policy, &a);
	/* The test build's delay (testhook.h): a slow action. */
	if (test_hook_ms("RECFS_TEST_RIGHTS_DELAY_MS"))
		usleep((useconds_t)test_hook_ms("RECFS_TEST_RIGHTS_DELAY_MS") * 1000);
	return refuse_stale(fs, &a, c->rights_since, action, object);
}

void recfs_rights_done(struct recfs *fs, struct caller *c, unsigned mark, int counted, const char *action,
		       const char *object, int rc)
{
	if (counted)
		audit_refusals_counted(0);
	if (rc == -ENOSPC && unlogged_here == mark)
		(void)recfs_audit_entry(fs, c, action, object, NULL, "refused", meta_errname(rc));
}

int recfs_audit_read(struct recfs *fs, struct caller *c, const char *action, const char *object, const char *reason,
		     uint64_t *ticket)
{
	struct audit_entry e;

	make_entry(fs, c, action, object, NULL, "ok", reason, &e);
	return auditq_push_read(fs->aq, &e, ticket);
}

int recfs_audit_durable(struct recfs *fs, struct caller *c, const char *action, const char *object,
			const char *artifact)
{
	struct audit_entry e;

	make_entry(fs, c, action, object, artifact, "ok", NULL, &e);
	return auditq_push_durable(fs->aq, &e);
}

void recfs_rights_actor(struct recfs *fs, struct caller *c, struct audit_actor *a)
{
	caller_actor(c, fs->reg->policy, a);
	/* Only the rights level acts: anyone else's attempt is a refusal,
	 * which need not wait for a commit (a flood of them would be one
	 * synchronous commit each). */
	if (c->level < 0 || c->level != fs->reg->policy->rights_level)
		return;
	if (auditq_flush(fs->aq) < 0)
		recfs_log(LOG_WARNING, "recfs: the audit queue could not be written before a rights action; "
			  "its entries stay queued and may follow the action's in the log");
}

void recfs_audit(struct recfs *fs, struct caller *c, const char *action, const char *object, const char *artifact,
		 int err)
{
	(void)recfs_audit_entry(fs, c, action, object, artifact, err ? "refused" : "ok", err ? meta_errname(err) : NULL);
}

int recfs_resolve(fuse_req_t req, fuse_ino_t ino, struct caller *c, struct tree **t, struct tnode **n)
{
	struct recfs *fs = req_fs(req);
	struct tree *tr;
	struct tnode *node;

	recfs_caller(req, c);
	if (c->refused) {
		/* A mount of another level (-o level=): nothing of it is the
		 * caller's, not even the names in its root. */
		if (caps_report_due(fs->caps, c->limit, caps_now()))
			recfs_log(LOG_NOTICE, "recfs: uid %u refused: this mount serves one level, above the caller's "
				  "(EACCES; logged once a minute per uid)", (unsigned)c->uid);
		return -EACCES;
	}
	tr = snapshot_tree(fs->snap);
	node = tree_resolve(tr, ino, c->level);
	if (!node) {
		tree_unref(tr);
		return -ENOENT;
	}
	*t = tr;
	*n = node;
	return 0;
}

int recfs_other_view(struct recfs *fs, const struct caller *c, fuse_ino_t ino, const char *name,
		     char object[RECFS_ID_HEX], int *handle)
{
	unsigned v = tree_nodeid_view(ino);
	struct tree *t;
	struct tnode *n;

	object[0] = '\0';
	if (handle)
		*handle = 0;
	if (v == 0 || v == tree_view(c->level))
		return 0;
	t = snapshot_tree(fs->snap);
	n = tree_resolve(t, ino, (int)v - 1);
	if (n && name)
		n = tree_child(n, name);
	if (n && tree_visible(n, (int)v - 1)) {
		if (tnode_rec(n)) {
			snprintf(object, RECFS_ID_HEX, "%s", tnode_rec(n)->row.id);
		} else if (tnode_handle(n)) {
			snprintf(object, RECFS_ID_HEX, "%s", tnode_handle(n));
			if (handle)
				*handle = 1;
		}
	}
	tree_unref(t);
	return 1;
}

/*
 * The write bit of n in view v: group write on a file the rights level may
 * read (not restricted), in the rights level's view.  That level may
 * change the file's attributes (setfattr: legal hold, restriction,
 * retention), and Samba asks the mode bits before it passes an
 * extended-attribute change on; recfs still refuses every write of
 * content (EROFS) and chmod ignores the bit (op_setattr).
 */
static mode_t view_write_bit(const struct recfs *fs, const struct tnode *n, unsigned v)
{
	if (n->type != TN_FILE && n->type != TN_WAV)
		return 0;
	if (!(tnode_mode(n) & 0444) || v == 0 || (int)v - 1 != seal_level_for(fs->reg->policy, NULL, SEAL_RIGHTS))
		return 0;
	return tree_visible(n, (int)v - 1) ? S_IWGRP : 0;
}

/*
 * The attributes of n as view v has them (v: the view of the node id the
 * kernel holds, tree_nodeid_view).  A file's group is that of v's level
 * when that level may read it (mode 0440, 0460 in the rights level's view
 * (view_write_bit), 0000 when restricted), so that what the mode bits
 * grant is what the view's caller may do: Samba builds its ACL from them
 * before recfs is asked, and a group of another level would refuse the
 * caller a file recfs gives it.  Only a caller of v's level reaches v's
 * node ids (tree_resolve), so the group tells nobody of another level.
 * Shared nodes (v 0) have the group of the lowest level that may read
 * (tnode_low_level), as has a view whose level has no group.  A
 * directory's nlink is 1, "not counted", as a count would tell of
 * subdirectories others see.  The kernel caches attributes per view
 * (VIEW_TIMEOUT); the poller invalidates every change, the gids thread
 * what a moved group changed (snapshot.c).
 */
static void fill_attr(const struct recfs *fs, const struct tnode *n, unsigned v, struct stat *st)
{
	int level = tnode_group_level(n, v, v > 0 && v - 1 < POLICY_MAX_LEVELS && recfs_level_gid(fs, v - 1));

	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_uid = 0;
	st->st_gid = level >= 0 ? recfs_level_gid(fs, (size_t)level) : 0;
	st->st_size = (off_t)tnode_size(n);
	st->st_blksize = 65536;
	st->st_blocks = (blkcnt_t)((tnode_size(n) + 511) / 512);
	st->st_atime = st->st_mtime = st->st_ctime = (time_t)tnode_mtime(n);
	if (n->type == TN_DIR) {
		st->st_mode = S_IFDIR | tnode_mode(n);
		st->st_nlink = 1;
	} else {
		st->st_mode = S_IFREG | tnode_mode(n) | view_write_bit(fs, n, v);
		st->st_nlink = 1;
	}
}

/*
 * The entry of a node as the caller's view has it: the view's own copies of
 * the three top folders are handed out on every walk through the root
 * (timeout 0), everything else may be cached (see the top of this file).
 * Attributes are those of the view of the node id handed out (fill_attr).
 */
static void fill_entry(const struct recfs *fs, const struct tnode *n, const struct caller *c,
		       struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = tree_nodeid(n, tree_view(c->level));
	e->generation = 1;
	fill_attr(fs, n, tree_nodeid_view(e->ino), &e->attr);
	e->attr_timeout = VIEW_TIMEOUT;
	e->entry_timeout = n->parent == TREE_ROOT_INO && !n->shared ? 0 : VIEW_TIMEOUT;
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct recfs *fs = userdata;

	__atomic_store_n(&fs->inited, 1, __ATOMIC_RELEASE);
	/* Readdirplus (entries of the caller's view, see op_readdirplus) and
	 * the kernel's choice of when to use it; no NFS export: a handle
	 * would reach a node id without a walk through the root. */
	conn->want &= ~(unsigned)FUSE_CAP_EXPORT_SUPPORT;
}

static void close_dirs(struct recfs *fs);

static void op_destroy(void *userdata)
{
	struct recfs *fs = userdata;

	if (fs->aq && fs->caps)
		caps_refusals_held(fs->caps, INT64_MAX, push_held_at_exit, fs);
	if (fs->aq && auditq_flush(fs->aq) < 0)
		recfs_log(LOG_ERR, "recfs: audit entries left unwritten at destroy; retrying at exit");
	/* The session is over: no releasedir comes for what is still open.
	 * (Open files: main.c frees fs->open, which closes them.) */
	close_dirs(fs);
}

/*
 * Whether name in the folder of node id parent is a ghost of uid when that
 * folder is itself a ghost of uid (ghost_dir_if_gone): its attributes in
 * *st (when st is not NULL); take: and it is forgotten (its unlink).
 */
static int ghost_in_ghost_dir(struct ghosts *g, fuse_ino_t parent, const char *name, uid_t uid, struct stat *st,
			      int take)
{
	uint64_t dir = tree_nodeid_ino(parent);

	if (!ghosts_find(g, dir, uid, NULL))
		return 0;
	return take ? ghosts_take(g, tree_ino(dir, name), uid) : ghosts_find(g, tree_ino(dir, name), uid, st);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	struct caller c;
	struct tree *t;
	struct tnode *dir, *n;
	uint64_t ino;
	int rc;

	rc = recfs_resolve(req, parent, &c, &t, &dir);
	if (rc < 0) {
		memset(&e, 0, sizeof(e));
		if (ghost_in_ghost_dir(req_fs(req)->ghosts, parent, name, c.uid, &e.attr, 0)) {
			/* As a ghost below (op_getattr says ENOENT). */
			e.ino = tree_view_nodeid(e.attr.st_ino, tree_view(c.level));
			e.generation = 1;
			fuse_reply_entry(req, &e);
			return;
		}
		fuse_reply_err(req, -rc);
		return;
	}
	n = tree_child(dir, name);
	if (n && tree_visible(n, c.level)) {
		fill_entry(req_fs(req), n, &c, &e);
		tree_unref(t);
		fuse_reply_entry(req, &e);
		return;
	}
	ino = tree_ino(dir->ino, name);
	tree_unref(t);
	memset(&e, 0, sizeof(e));
	if (!n && ghosts_find(req_fs(req)->ghosts, ino, c.uid, &e.attr)) {
		/* Not cached, and its attributes expire at once: the name is
		 * gone, only this uid's rm -r may unlink it, and a stat's
		 * GETATTR that follows the lookup says ENOENT (op_getattr). */
		e.ino = tree_view_nodeid(ino, tree_view(c.level));
		e.generation = 1;
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

/* Node ids are stateless (a hash of the path): nothing to forget. */
static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	(void)ino;
	(void)nlookup;
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	(void)count;
	(void)forgets;
	fuse_reply_none(req);
}

/*
 * The root's attributes, the same for every caller: asked for without a
 * level by whoever stats the mount point.  A mount of one level (-o
 * level=) shows what it decides: mode 0750, the level's group.
 */
static void root_attr(struct recfs *fs, struct stat *st)
{
	struct tree *t = snapshot_tree(fs->snap);

	fill_attr(fs, t->root, 0, st);
	tree_unref(t);
	if (fs->level >= 0) {
		st->st_mode = S_IFDIR | 0750;
		st->st_gid = recfs_level_gid(fs, (size_t)fs->level);
	}
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct caller c;
	struct tree *t;
	struct tnode *n;
	struct stat st;
	int rc;

	if (ino == FUSE_ROOT_ID) {
		root_attr(req_fs(req), &st);
		fuse_reply_attr(req, &st, VIEW_TIMEOUT);
		return;
	}
	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		if (fi && fi->fh) {
			fuse_reply_attr(req, content_stat((struct content *)(uintptr_t)fi->fh), ATTR_TIMEOUT);
			return;
		}
		/* fstat(2) comes without the handle: of a file the caller
		 * still holds open after losing it (its level left, restricted,
		 * erased), the attributes it was opened with, so that cat(1),
		 * which fstats first, goes on to the read that is refused and
		 * logged (content_reader_ok, read_revoked), not ENOENT. */
		if (rc == -ENOENT && content_set_stat_of(req_fs(req)->open, ino, c.uid, &st) == 0) {
			fuse_reply_attr(req, &st, ATTR_TIMEOUT);
			return;
		}
		/* A ghost too: erased is gone, for its eraser as well. */
		fuse_reply_err(req, -rc);
		return;
	}
	fill_attr(req_fs(req), n, tree_nodeid_view(ino), &st);
	tree_unref(t);
	fuse_reply_attr(req, &st, VIEW_TIMEOUT);
}

/* The action a setattr is logged as, by what it changes. */
static const char *setattr_action(int to_set, const struct fuse_file_info *fi)
{
	if (to_set & FUSE_SET_ATTR_SIZE)
		return "truncate";
	if (fi)
		return "setattr";
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
		return "chown";
	if (to_set & FUSE_SET_ATTR_MODE)
		return "chmod";
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW))
		return "utimes";
	return "setattr";
}

/*
 * chmod is restriction (all read bits off) and lifting (a read bit back);
 * w/x bits and chown are EPERM, but for the write bit the view shows
 * (view_write_bit), which chmod a-r or chmod 0460 carry along and which
 * is ignored; truncate and utimes are EROFS.
 */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
	struct recfs *fs = req_fs(req);
	struct audit_actor actor;
	struct caller c;
	struct tree *t = NULL;
	struct tnode *n;
	struct stat st;
	char rec_id[RECFS_ID_HEX];
	mode_t mode;
	int rc, restricted;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		char object[RECFS_ID_HEX];

		t = NULL;
		/* another level's copy: named as that copy has it */
		(void)recfs_other_view(fs, &c, ino, NULL, object, NULL);
		recfs_audit(fs, &c, setattr_action(to_set, fi), object[0] ? object : NULL, NULL, rc);
		goto out;
	}
	if (to_set & FUSE_SET_ATTR_SIZE || fi) {
		rc = -EROFS;
		recfs_audit(fs, &c, setattr_action(to_set, fi), tnode_rec(n) ? tnode_rec(n)->row.id : NULL, NULL, rc);
		goto out;
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		rc = -EPERM;
		recfs_audit(fs, &c, "chown", tnode_rec(n) ? tnode_rec(n)->row.id : NULL, NULL, rc);
		goto out;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)) {
		rc = -EROFS;
		recfs_audit(fs, &c, setattr_action(to_set, fi), tnode_rec(n) ? tnode_rec(n)->row.id : NULL, NULL, rc);
		goto out;
	}
	if (to_set & FUSE_SET_ATTR_MODE) {
		mode = attr->st_mode & 07777 & ~view_write_bit(fs, n, tree_nodeid_view(ino));
		if (!tnode_rec(n) || (mode & ~(mode_t)0444)) {
			rc = -EPERM;
			recfs_audit(fs, &c, "chmod", tnode_rec(n) ? tnode_rec(n)->row.id : NULL, NULL, rc);
			goto out;
		}
		restricted = tnode_rec(n)->row.restricted_since != 0;
		memcpy(rec_id, tnode_rec(n)->row.id, sizeof(rec_id));
		recfs_rights_actor(fs, &c, &actor);
		/* chmod 0 of a recording an objection restricted is the
		 * officer's restriction (Art. 18), which keeps it past its
		 * retention (rights.c: restrict_tx). */
		if (!(mode & 0444) && (!restricted || tnode_rec(n)->row.restricted_by_objection))
			RECFS_RIGHTS(fs, &c, "restrict", rec_id, rc,
				     rights_restrict(fs->reg, &actor, c.level, rec_id, "chmod"));
		else if ((mode & 0444) && restricted)
			RECFS_RIGHTS(fs, &c, "lift-restriction", rec_id, rc,
				     rights_lift(fs->reg, fs->kr, &actor, c.level, rec_id));
		if (rc < 0)
			goto out;
		if ((!(mode & 0444)) != restricted) {
			tree_unref(t);
			t = NULL;
			snapshot_refresh(fs->snap);
			rc = recfs_resolve(req, ino, &c, &t, &n);
			if (rc < 0) {
				t = NULL;
				goto out;
			}
		}
	}
	rc = 0;
	if (n == t->root)
		root_attr(fs, &st);
	else
		fill_attr(fs, n, tree_nodeid_view(ino), &st);
out:
	tree_unref(t);
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, VIEW_TIMEOUT);
}

/*
 * Everything that would write the tree is EROFS, and a refusal is logged
 * (DESIGN: every refusal): the object is the recording of the file named
 * (ino, or name in the folder ino) when the caller sees one, else none;
 * never the name asked for, which is the caller's text and may name a
 * person.
 */
static void op_readonly(fuse_req_t req, const char *action, fuse_ino_t ino, const char *name)
{
	struct recfs *fs = req_fs(req);
	struct caller c;
	struct tree *t;
	struct tnode *n;
	const char *object = NULL;

	if (recfs_resolve(req, ino, &c, &t, &n) < 0) {
		recfs_audit(fs, &c, action, NULL, NULL, -EROFS);
	} else {
		if (name)
			n = tree_child(n, name);
		if (n && tnode_rec(n) && tree_visible(n, c.level))
			object = tnode_rec(n)->row.id;
		recfs_audit(fs, &c, action, object, NULL, -EROFS);
		tree_unref(t);
	}
	fuse_reply_err(req, EROFS);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	(void)mode, (void)rdev;
	op_readonly(req, "mknod", parent, name);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)mode;
	op_readonly(req, "mkdir", parent, name);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link;
	op_readonly(req, "symlink", parent, name);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	(void)newparent, (void)newname, (void)flags;
	op_readonly(req, "rename", parent, name);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)newparent, (void)newname;
	op_readonly(req, "link", ino, NULL);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi)
{
	(void)mode, (void)fi;
	op_readonly(req, "create", parent, name);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	(void)buf, (void)size, (void)off, (void)fi;
	op_readonly(req, "write", ino, NULL);
}

/* The other names of n's recording in dir (of view v) become ghosts of uid
 * (ghost.h): rm -r goes on to unlink them. */
static void ghost_recording(struct recfs *fs, const struct tnode *dir, unsigned v, const struct tnode *n, uid_t uid)
{
	struct stat st;
	size_t i;

	for (i = 0; i < dir->n_kids; i++)
		if (tnode_rec(dir->kids[i]) == tnode_rec(n) && dir->kids[i] != n) {
			fill_attr(fs, dir->kids[i], v, &st);
			ghosts_add(fs->ghosts, uid, &st);
		}
}

/*
 * After an erasure in the folder of node id dir (attributes *st): when the
 * rebuilt tree no longer has that folder for c (by-subject/H of a subject
 * erased with its last recording, rights.h), it becomes a ghost of c's uid
 * too, so that rm -r goes on unlinking the other names in it and ends with
 * its rmdir.
 */
static void ghost_dir_if_gone(struct recfs *fs, fuse_ino_t dir, const struct caller *c, const struct stat *st)
{
	struct tree *t = snapshot_tree(fs->snap);

	if (!tree_resolve(t, dir, c->level))
		ghosts_add(fs->ghosts, c->uid, st);
	tree_unref(t);
}

/*
 * The errno of an unlink or rmdir of name in a folder, node id dir, that
 * the caller could not resolve (rc): ENOENT, but EACCES when the node id
 * is of another view and the caller has no level.  Samba's vfs_acl_xattr
 * retries a removal that recfs refused (EACCES, EPERM) as root, in the
 * folder the user's own walk reached: root has no level, and "not found"
 * would reach the client where the refusal should (recfs-smb(7)).  The
 * refusal itself was logged under the user; root learns nothing from
 * EACCES that the node id it holds does not tell.  A caller of a level in
 * another level's copy (a folder opened by a higher level and passed on,
 * or kept across a change of uid) tried an erasure there: ENOENT, as every
 * request there, and logged as the refused erasure of the recording (or
 * subject) the name is in that copy.
 */
static int removal_refused(struct recfs *fs, fuse_ino_t dir, const char *name, struct caller *c, int rc,
			   const char *action)
{
	char object[RECFS_ID_HEX];
	int handle;

	if (!recfs_other_view(fs, c, dir, name, object, &handle))
		return -ENOENT;
	if (c->level < 0 || rc != -ENOENT)
		return -EACCES;
	if (!strcmp(action, "rmdir") && handle)
		action = "erase-subject";
	recfs_audit(fs, c, action, object[0] ? object : NULL, NULL, -ENOENT);
	return -ENOENT;
}

/* rm of the audio or its WAV view erases the recording; of another
 * artifact, that artifact. */
static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct recfs *fs = req_fs(req);
	struct audit_actor actor;
	struct caller c;
	struct tree *t = NULL;
	struct tnode *dir, *n;
	struct stat dir_st;
	int rc;

	rc = recfs_resolve(req, parent, &c, &t, &dir);
	if (rc < 0) {
		t = NULL;
		rc = ghost_in_ghost_dir(fs->ghosts, parent, name, c.uid, NULL, 1) ? 0 :
		     removal_refused(fs, parent, name, &c, rc, "erase");
		goto out;
	}
	n = tree_child(dir, name);
	if (!n || !tree_visible(n, c.level)) {
		rc = ghosts_take(fs->ghosts, tree_ino(dir->ino, name), c.uid) ? 0 : -ENOENT;
		goto out;
	}
	if (n->type == TN_DIR) {
		rc = -EISDIR;
		goto out;
	}
	if (n->type == TN_README || !n->art) {
		rc = -EROFS;
		recfs_audit(fs, &c, "erase", tnode_rec(n) ? tnode_rec(n)->row.id : NULL, NULL, rc);
		goto out;
	}
	recfs_rights_actor(fs, &c, &actor);
	if (n->type == TN_WAV || !strcmp(n->art->role, "audio"))
		RECFS_RIGHTS(fs, &c, "erase", tnode_rec(n)->row.id, rc,
			     rights_erase_recording(fs->reg, &actor, c.level, tnode_rec(n)->row.id, "rm"));
	else
		RECFS_RIGHTS(fs, &c, "erase", tnode_rec(n)->row.id, rc,
			     rights_erase_artifact(fs->reg, &actor, c.level, n->art->id));
	if (rc < 0)
		goto out;
	if (n->type == TN_WAV || !strcmp(n->art->role, "audio"))
		ghost_recording(fs, dir, tree_nodeid_view(parent), n, c.uid);
	fill_attr(fs, dir, tree_nodeid_view(parent), &dir_st);
	tree_unref(t);
	t = NULL;
	snapshot_refresh(fs->snap);
	ghost_dir_if_gone(fs, parent, &c, &dir_st);
out:
	tree_unref(t);
	fuse_reply_err(req, -rc);
}

/* rmdir of by-subject/<handle> erases the subject once none of its
 * recordings is left for the caller; while one is (say on legal hold,
 * which rm -r met as EPERM), it is ENOTEMPTY, logged as a refused
 * "erase-subject"; of a folder the caller's erasure of its last recording
 * took away (a ghost), succeeds. */
static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct recfs *fs = req_fs(req);
	struct audit_actor actor;
	struct caller c;
	struct tree *t = NULL;
	struct tnode *dir, *n;
	char *handle = NULL;
	size_t i;
	int rc;

	rc = recfs_resolve(req, parent, &c, &t, &dir);
	if (rc < 0) {
		t = NULL;
		rc = removal_refused(fs, parent, name, &c, rc, "rmdir");
		goto out;
	}
	n = tree_child(dir, name);
	if (!n || !tree_visible(n, c.level)) {
		rc = !n && ghosts_take(fs->ghosts, tree_ino(dir->ino, name), c.uid) ? 0 : -ENOENT;
		goto out;
	}
	if (n->type != TN_DIR) {
		rc = -ENOTDIR;
		goto out;
	}
	for (i = 0; i < n->n_kids; i++)
		if (tree_visible(n->kids[i], c.level)) {
			rc = -ENOTEMPTY;
			if (n->handle)
				(void)recfs_audit_entry(fs, &c, "erase-subject", n->handle, NULL, "refused",
							"recordings remain");
			else
				recfs_audit(fs, &c, "rmdir", NULL, NULL, rc);
			goto out;
		}
	if (!n->handle) {
		rc = -EROFS;
		recfs_audit(fs, &c, "rmdir", NULL, NULL, rc);
		goto out;
	}
	handle = xstrdup(n->handle);
	tree_unref(t);
	t = NULL;
	recfs_rights_actor(fs, &c, &actor);
	RECFS_RIGHTS(fs, &c, "erase-subject", handle, rc, rights_erase_subject(fs->reg, &actor, c.level, handle));
	if (rc == 0)
		snapshot_refresh(fs->snap);
out:
	free(handle);
	tree_unref(t);
	fuse_reply_err(req, -rc);
}

/*
 * A small file's content goes into the kernel's page cache with its open
 * (notify_store), so that the reads after it need no round trip.  The pages
 * are those of the caller's view's inode, read only through an open decided
 * here, as after a READ with keep_cache.  The WAV view is decoded as read.
 */
static void store_small(struct recfs *fs, fuse_ino_t ino, const struct tnode *n, struct content *ct)
{
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(tnode_size(n));
	char *buf;

	if (n->type != TN_FILE || !tnode_size(n) || tnode_size(n) > STORE_MAX)
		return;
	buf = malloc(tnode_size(n));
	if (!buf)
		return;
	if (content_read(ct, buf, tnode_size(n), 0) == (ssize_t)tnode_size(n)) {
		bv.buf[0].mem = buf;
		(void)fuse_lowlevel_notify_store(fs->se, ino, 0, &bv, 0);
	}
	crypto_freezero(buf, tnode_size(n));
}

/* The artifact of file node n as the log names it (naming_label). */
static void node_label(const struct tnode *n, char out[NAMING_LABEL_MAX])
{
	if (n->type == TN_WAV)
		snprintf(out, NAMING_LABEL_MAX, NAMING_LABEL_WAV);
	else
		naming_label(out, n->art->role, n->art->n, n->art->ext);
}

/* Close an open file and give back what caps_acquire counted for it. */
static void close_handle(struct recfs *fs, struct content *ct)
{
	uid_t key;
	int decoder;

	if (ct && content_owner(ct, &key, &decoder) == 0)
		caps_release(fs->caps, key, decoder, caps_now());
	content_close(ct);
}

/*
 * 1 when recording id is no longer in the catalog: erased while the
 * caller's open was on its way (its seals went first).  The caller is told
 * ENOENT, what its next lookup says, not EACCES, which would mean its
 * level may not open the file.
 */
static int erased_meanwhile(struct recfs *fs, const char *id)
{
	struct cat_recording row = { 0 };
	int rc;

	RECFS_LOCKED(&fs->cat_lock, rc, catalog_get_recording(fs->reg->cat, id, &row));
	cat_recording_clear(&row);
	return rc == -ENOENT;
}

/*
 * 1 when the catalog has moved past snapshot t: a change another process
 * committed (a restriction or a protection made on another mount, recctl
 * subject object) is in the mount's snapshot, and its cached data keys
 * are forgotten, only after the poller's next pass.  An open decided
 * before that pass would read what the change took away (atk29 F1).
 */
static int snapshot_behind(struct recfs *fs, const struct tree *t, int64_t *cv)
{
	int rc;

	*cv = 0;
	RECFS_LOCKED(&fs->cat_lock, rc, catalog_content_version(fs->reg->cat, cv));
	return rc == 0 && *cv != t->content_version;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct recfs *fs = req_fs(req);
	struct content *ct = NULL;
	struct caller c;
	struct tree *t = NULL;
	struct tnode *n;
	const char *object = NULL;
	char label[NAMING_LABEL_MAX];
	struct crypto_key *dek = NULL;
	int rc, acc = fi->flags & O_ACCMODE;
	int64_t want = 0;
	int behind = 0;

	/* A policy.conf changed since it was last looked at is read here,
	 * not after the poller's pass, which a whole build makes longer
	 * than the wait below: the caller's level was the old policy's, and
	 * a user taken out of a level read on (atk67 G3).  Before the caller
	 * is looked up: a look that ends between the two would leave this
	 * open the old policy's level (atk71 M1); once policy_looked says
	 * the file was looked at, the callers' cache holds what it read. */
	if (snapshot_policy_moved(fs->snap))
		snapshot_policy_look(fs->snap);
	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc == 0 && n->art && snapshot_behind(fs, t, &want)) {
		/* Decided on the snapshot of what has committed by now. */
		tree_unref(t);
		t = NULL;
		snapshot_refresh(fs->snap);
		rc = recfs_resolve(req, ino, &c, &t, &n);
		/* The poller did not get there in the wait (a whole build at
		 * a million recordings takes longer): a restriction or an
		 * erasure that had committed may not be in t, nor the cache of
		 * keys forgotten since (atk66 F1).  The seal is read from the
		 * catalog, which has it. */
		behind = rc == 0 && want > t->content_version;
	}
	if (rc < 0) {
		/* Open without a lookup the caller could make (a race with a
		 * restriction, an inode reached another way): refused, logged. */
		t = snapshot_tree(fs->snap);
		n = tree_find(t, tree_nodeid_ino(ino));
		if (!n || !n->art)
			goto out;
		object = tnode_rec(n)->row.id;
		node_label(n, label);
		rc = erased_meanwhile(fs, object) ? -ENOENT : -EACCES;
		goto log;
	}
	if (n->type == TN_DIR) {
		rc = -EISDIR;
		goto out;
	}
	if (n->art) {
		object = tnode_rec(n)->row.id;
		node_label(n, label);
	}
	if (acc != O_RDONLY || (fi->flags & O_TRUNC)) {
		rc = -EROFS;
		goto log;
	}
	/* Counted before anything is allocated for it (caps.h). */
	rc = caps_acquire_rights(fs->caps, c.limit, n->type == TN_WAV, c.level == fs->reg->policy->rights_level,
				 caps_now());
	if (rc < 0)
		goto log;
	if (n->type == TN_README) {
		rc = content_open_text(fs->notice[n->lang], fs->notice_len[n->lang], &ct);
	} else {
		rc = behind ? dek_get_fresh(fs, &c, n, &dek) : dek_get(fs, &c, n, &dek);
		if (rc == -EACCES && tnode_rec(n) && erased_meanwhile(fs, tnode_rec(n)->row.id))
			rc = -ENOENT;
		if (rc == 0)
			rc = content_open_node(fs->reg, n, dek, &ct);
		crypto_key_free(dek);
	}
	if (rc < 0)
		caps_release(fs->caps, c.limit, n->type == TN_WAV, caps_now());
	else
		content_set_owner(ct, c.uid, c.limit, n->type == TN_WAV);	/* released as counted */
	if (n->type == TN_README)
		goto out;	/* the public notice: not register content */
	if (rc == 0) {
		/* Decided on t: a restriction or erasure that a newer
		 * snapshot holds already revokes it (content.h). */
		content_track(fs->open, ct, t, n, c.level, ino, label);
		if (content_revoked(ct)) {
			close_handle(fs, ct);	/* gives back what caps counted */
			ct = NULL;
			rc = -EACCES;
		}
	}
	if (rc == 0) {
		struct stat st;

		/* In the log before any byte can reach the caller (the page
		 * cache included): an open the log cannot take is refused,
		 * ENOSPC when the disk (or the audit queue) is full, else EIO. */
		rc = recfs_audit_durable(fs, &c, "open", object, label);
		if (rc < 0) {
			close_handle(fs, ct);
			ct = NULL;
			goto out;
		}
		fill_attr(fs, n, tree_nodeid_view(ino), &st);
		content_set_stat(ct, &st);
		store_small(fs, ino, n, ct);
		/* Revoked while its pages went into the cache: the
		 * invalidation of the revocation may have run before. */
		if (content_revoked(ct))
			snapshot_inval_inode(fs->snap, ino);
		goto out;
	}
log:
	recfs_audit(fs, &c, "open", object, object ? label : NULL, rc);
out:
	if (rc < 0) {
		tree_unref(t);
		fuse_reply_err(req, -rc);
		return;
	}
	content_set_add(fs->open, ct);	/* closed at exit if no release comes */
	fi->fh = (uint64_t)(uintptr_t)ct;
	fi->keep_cache = 1;
	fi->noflush = 1;	/* nothing is written: close needs no FLUSH round trip */
	if (fuse_reply_open(req, fi) != 0)
		close_handle(fs, ct);	/* interrupted: no release will come */
	else
		prefetch_opened(fs->pf, t, n, &c);	/* after the reply: not on the caller's path */
	tree_unref(t);
}

/*
 * A handle whose caller's level may no longer read the file (restricted or
 * erased since the open: content.h) reads EIO, the errno of a file that
 * cannot be read any more; the first such read is logged.
 */
static void read_revoked(fuse_req_t req, struct content *ct)
{
	const char *rec, *label;
	struct caller c;

	if (content_revoked_news(ct, &rec, &label)) {
		recfs_caller(req, &c);
		(void)recfs_audit_entry(req_fs(req), &c, "read", rec, label, "refused", "revoked");
	}
	fuse_reply_err(req, EIO);
}

/*
 * A read whose chunk failed authentication (a blob tampered with or
 * damaged since the open) or that the disk could not serve: EIO, no byte
 * of it, and the first such read of a handle logged ("read refused EIO")
 * and said in the daemon's log (once a period per uid), so that the audit
 * log shows that this recording's blob is bad and who met it.
 */
static void read_damaged(fuse_req_t req, struct content *ct)
{
	const char *rec, *label;
	struct caller c;

	if (content_damaged_news(ct, &rec, &label) && rec[0]) {
		recfs_caller(req, &c);
		(void)recfs_audit_entry(req_fs(req), &c, "read", rec, label, "refused", meta_errname(EIO));
		/* The daemon's log once per CAPS_LOG_PERIOD per uid: a reader
		 * that opens a damaged file again and again writes one line. */
		if (!req_fs(req)->caps || caps_report_due(req_fs(req)->caps, c.limit, caps_now()))
			recfs_log(LOG_ERR, "recfs: recording %s (%s): a read failed with EIO: its blob failed "
				  "authentication (tampered or damaged) or the disk failed; recctl fsck --keyring "
				  "checks it", rec, label);
	}
	fuse_reply_err(req, EIO);
}

/*
 * The caller of a read, not only the opener, must see the file now
 * (content_reader_ok): else EACCES, what its open would get, the first
 * such read logged.  Replies and returns 0 when refused.  (What the kernel
 * has cached of the file is read without asking: pages the opener could
 * read already.)
 */
static int reader_ok(fuse_req_t req, struct content *ct)
{
	const char *rec, *label;
	struct caller c;
	struct tree *t;
	int ok;

	recfs_caller(req, &c);
	if (content_opened_for(ct, c.level))
		return 1;
	t = snapshot_tree(req_fs(req)->snap);
	ok = content_reader_ok(ct, t, c.level);
	tree_unref(t);
	if (ok)
		return 1;
	if (content_refused_news(ct, &rec, &label))
		(void)recfs_audit_entry(req_fs(req), &c, "read", rec, label, "refused", meta_errname(EACCES));
	fuse_reply_err(req, EACCES);
	return 0;
}

/*
 * The plaintext of a long read goes into the worker's own buffer (tbuf.h):
 * a stream comes in 1 MiB requests, and a fresh buffer for each cost page
 * faults and a page-table walk per 4 KiB page when the kernel copied the
 * reply.  It is wiped after every reply, as a buffer of our own is.  Short
 * reads (small files, random reads) take none: a worker that never
 * streams keeps none.
 */
static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct content *ct = (struct content *)(uintptr_t)fi->fh;
	char *buf, *own = NULL;
	ssize_t n;

	(void)ino;
	if (!reader_ok(req, ct))
		return;
	buf = size >= BLOB_DIRECT_MIN ? tbuf_get(TBUF_PLAIN, size) : NULL;
	if (!buf)
		buf = own = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = content_read(ct, buf, size, (uint64_t)off);
	if (n == -EKEYREVOKED)
		read_revoked(req, ct);
	else if (n == -EIO)
		read_damaged(req, ct);
	else if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	crypto_memzero(buf, size);
	free(own);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	close_handle(req_fs(req), (struct content *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* An open directory keeps the snapshot it was opened in, so that offsets
 * stay valid across readdir calls while a rebuild happens; that is a whole
 * snapshot per handle once the register has changed, so open directories
 * are counted against their own caps (caps_acquire_dir).  The mount
 * lists its open directories: libfuse sends no releasedir for those the
 * kernel still holds when the session ends, and op_destroy closes them. */
struct dirh {
	struct tree *t;
	struct tnode *n;
	uid_t uid;			/* the opener's limit key, counted by caps_acquire_dir */
	pthread_mutex_t lock;
	/* Where the last listing stopped, so that the next one need not
	 * count the view's kids again: the offset it gave last, for level,
	 * and the index in n->kids after that kid.  protected by lock */
	int last_level;
	off_t last_off;
	size_t last_kid;
	LIST_ENTRY(dirh) link;		/* protected by fs->dirs_lock */
};

static void dirs_add(struct recfs *fs, struct dirh *d)
{
	pthread_mutex_lock(&fs->dirs_lock);
	LIST_INSERT_HEAD(&fs->dirs, d, link);
	pthread_mutex_unlock(&fs->dirs_lock);
}

/* Take d out of the mount's list, drop its snapshot, give back its count
 * (caps), free it. */
static void dir_close(struct recfs *fs, struct dirh *d)
{
	pthread_mutex_lock(&fs->dirs_lock);
	LIST_REMOVE(d, link);
	pthread_mutex_unlock(&fs->dirs_lock);
	pthread_mutex_destroy(&d->lock);
	tree_unref(d->t);
	caps_release_dir(fs->caps, d->uid, caps_now());
	free(d);
}

static void close_dirs(struct recfs *fs)
{
	while (!LIST_EMPTY(&fs->dirs))
		dir_close(fs, LIST_FIRST(&fs->dirs));
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct recfs *fs = req_fs(req);
	struct caller c;
	struct dirh *d;
	struct tree *t;
	struct tnode *n;
	int rc;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (n->type != TN_DIR) {
		tree_unref(t);
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	/* Counted before the handle takes its snapshot (caps.h); a refusal
	 * is logged by caps and audited as a refused open of a file is. */
	rc = caps_acquire_dir_rights(fs->caps, c.limit, c.level == fs->reg->policy->rights_level, caps_now());
	if (rc < 0) {
		tree_unref(t);
		recfs_audit(fs, &c, "opendir", NULL, NULL, rc);
		fuse_reply_err(req, -rc);
		return;
	}
	d = xcalloc(1, sizeof(*d));
	d->t = t;
	d->n = n;
	d->uid = c.limit;
	pthread_mutex_init(&d->lock, NULL);
	dirs_add(fs, d);
	fi->fh = (uint64_t)(uintptr_t)d;
	if (fuse_reply_open(req, fi) != 0)
		dir_close(fs, d);	/* interrupted: no releasedir will come */
}

/*
 * The index in d->n->kids where a listing for level that resumes after
 * offset off (>= 2) starts: after the (off - 2)th kid level sees, or
 * n_kids when there are fewer.  From where the last listing stopped when
 * it is that one, else counted from the start.
 */
static size_t dir_resume(struct dirh *d, int level, off_t off)
{
	size_t i, start = d->n->n_kids;
	off_t seen = 2;

	pthread_mutex_lock(&d->lock);
	if (d->last_off == off && d->last_level == level && off > 2) {
		start = d->last_kid;
	} else {
		for (i = 0; i < d->n->n_kids && seen < off; i++)
			if (tree_visible(d->n->kids[i], level) && ++seen == off)
				break;
		start = seen == off ? (off == 2 ? 0 : i + 1) : d->n->n_kids;
	}
	pthread_mutex_unlock(&d->lock);
	return start;
}

/*
 * Offsets count what the caller's view holds, nothing else: 1 after ".",
 * 2 after "..", k + 2 after the kth kid the caller sees, so that the
 * offsets of a listing are 1..N whatever lies between two visible names
 * (a gap would tell how many recordings of other levels sit there).
 * plus: readdirplus,
 * each visible kid with its entry in the caller's view (the kernel caches
 * them as a lookup's); "." and ".." and the root's per-view top folders go
 * without one (node id 0), so they are looked up as usual.  So does every
 * kid when the handle's snapshot is no longer the current one: the
 * invalidation of what the newer one removed may already have run.  (While
 * this request runs, the kernel holds the directory, and an invalidation of
 * its entries waits for it.)  A handle whose snapshot is no longer the
 * current one still counts offsets in its own (they stay valid), but names
 * only kids the caller still sees in the current one: a restriction or an
 * erasure takes a name out of a folder held open since before it, as out of
 * lookups (the offset of a name taken out is skipped).
 */
static void list_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi, int plus)
{
	struct dirh *d = (struct dirh *)(uintptr_t)fi->fh;
	struct fuse_entry_param e;
	struct caller c;
	struct tree *cur;
	char *buf;
	size_t pos = 0, need, i;
	unsigned v = tree_nodeid_view(ino);
	int fresh;
	off_t next;

	recfs_caller(req, &c);
	if (c.refused) {
		/* A handle opened by another caller (passed or inherited) lists
		 * nothing for one a level mount refuses (recfs_resolve). */
		fuse_reply_err(req, EACCES);
		return;
	}
	if (!d->n->shared && v != tree_view(c.level)) {
		/* A folder of another level's copy (a handle opened before a
		 * change of uid, or passed; view 0 is the copy of a caller of
		 * no level, atk57): ENOENT, as any request on its node id.  Listed, its names would be the caller's level's
		 * under the other copy's folder, and readdirplus would plant
		 * the caller's entries there in the kernel's cache, shared by
		 * every process: folders of the higher level shown to the
		 * lower one, or taken from the higher (atk56). */
		fuse_reply_err(req, ENOENT);
		return;
	}
	cur = snapshot_tree(req_fs(req)->snap);
	fresh = cur == d->t;
	buf = malloc(size);
	if (!buf) {
		tree_unref(cur);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off < 0)
		off = 0;
	i = off < 2 ? 0 : dir_resume(d, c.level, off);
	for (next = off; next < 2 || i < d->n->n_kids; next++) {
		const char *name;

		memset(&e, 0, sizeof(e));
		e.attr.st_mode = S_IFDIR;
		if (next == 0) {
			name = ".";
			e.attr.st_ino = d->n->ino;
		} else if (next == 1) {
			name = "..";
			e.attr.st_ino = d->n->parent;
		} else {
			const struct tnode *k;

			while (i < d->n->n_kids && !tree_visible(d->n->kids[i], c.level))
				i++;
			if (i == d->n->n_kids)
				break;
			k = d->n->kids[i];
			if (!fresh && !tree_resolve(cur, tree_nodeid(k, tree_view(c.level)), c.level)) {
				i++;	/* gone from the caller's view since the open */
				continue;
			}
			name = tnode_name(k);
			fill_entry(req_fs(req), k, &c, &e);
			if (!fresh || !e.entry_timeout)
				e.ino = 0;	/* the name and type only */
		}
		if (plus)
			need = fuse_add_direntry_plus(req, buf + pos, size - pos, name, &e, next + 1);
		else
			need = fuse_add_direntry(req, buf + pos, size - pos, name, &e.attr, next + 1);
		if (need > size - pos)
			break;
		pos += need;
		if (next >= 2)
			i++;
	}
	if (next > 2) {
		pthread_mutex_lock(&d->lock);
		d->last_level = c.level;
		d->last_off = next;
		d->last_kid = i;
		pthread_mutex_unlock(&d->lock);
	}
	fuse_reply_buf(req, buf, pos);
	free(buf);
	tree_unref(cur);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	list_dir(req, ino, size, off, fi, 0);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	list_dir(req, ino, size, off, fi, 1);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct dirh *d = (struct dirh *)(uintptr_t)fi->fh;

	(void)ino;
	if (d)
		dir_close(req_fs(req), d);
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	(void)ino;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 65536;
	sv.f_frsize = 65536;
	sv.f_namemax = 255;
	sv.f_flag = ST_NOSUID | ST_NODEV;
	fuse_reply_statfs(req, &sv);
}

/*
 * access(2): reading is what the caller's level allows; writing is EROFS
 * (not EACCES: rm then removes without asking about "write-protected"
 * files, and the removal itself is decided by the rights rules).
 */
static void op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct caller c;
	struct tree *t;
	struct tnode *n;
	int rc;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (mask & W_OK)
		rc = -EROFS;
	else if ((mask & X_OK) && n->type != TN_DIR)
		rc = -EACCES;
	tree_unref(t);
	fuse_reply_err(req, -rc);
}

const struct fuse_lowlevel_ops recfs_ops = {
	.init = op_init,
	.destroy = op_destroy,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.create = op_create,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.readdirplus = op_readdirplus,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	.access = op_access,
	.getxattr = recfs_getxattr,
	.listxattr = recfs_listxattr,
	.setxattr = recfs_setxattr,
	.removexattr = recfs_removexattr,
};
