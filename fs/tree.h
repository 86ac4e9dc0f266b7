/*
 * tree.h - the snapshot: an immutable in-memory tree of the mount, built
 * from the catalog in one pass (tree_build) or patched from an older one
 * with the catalog's change log (tree_apply), and shared by every handler.
 *
 * A snapshot never changes after tree_build or tree_apply returns; a newer
 * one replaces it (snapshot.h) and the old one is freed when its last
 * reference goes.  A patched snapshot shares every node and recording it
 * did not change with the one it was patched from: nodes and recordings
 * are reference-counted and freed with the last snapshot holding them, and
 * none is ever changed once a snapshot holding it is returned.  Inos are
 * stateless: a node's ino is a
 * hash of its parent's ino and its name, so the same path has the same ino
 * in every snapshot and across mounts, and forget needs no bookkeeping.
 *
 * Views.  The kernel's dentry and attribute caches are shared by every
 * process, while what a caller sees depends on its level.  So the FUSE
 * node id of a node is not its ino alone: it is (view << TREE_VIEW_SHIFT |
 * ino), where view is the caller's level + 1 (0: a caller with no level).
 * A lookup in the root answers each level with that level's copy of
 * by-date, by-source and by-subject, never cached (entry timeout 0), and
 * below them every node belongs to one view: the kernel may cache those
 * entries, because only a walk that went through the root as that level
 * reaches them.  The root and the README files (README.txt and
 * README.<lang>.txt), the same for every caller, are "shared" and keep
 * view 0.  The kernel keeps one entry per name in the
 * root, so a walk of one level replaces another's top folders and drops
 * what it cached below them; a mount of one level (recfs -o level=,
 * caller.h) has one view, whose top folders are looked up again on each
 * walk (that is where other levels are refused) but always answered with
 * the same node, so nothing is dropped.
 */
#ifndef RECFS_TREE_H
#define RECFS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "catalog.h"
#include "naming.h"
#include "policy.h"
#include "util.h"

#define TREE_ROOT_INO 1
#define TREE_VIEW_SHIFT 58
#define TREE_INO_MASK ((UINT64_C(1) << TREE_VIEW_SHIFT) - 1)

enum tnode_type {
	TN_DIR,
	TN_README,
	TN_FILE,	/* an artifact as it is: .opus, .chat.txt, .<n>.<ext> */
	TN_WAV,		/* the WAV view of the audio artifact */
};

/* One recording as of the snapshot (shared by every snapshot in which it
 * did not change).  The row's strings that name what the policy names
 * (source, kind, purpose, legal basis, data source) are interned (tree.c:
 * a few distinct values for a million recordings), the others and the
 * WAV view's name in the recording's own allocation (one malloc for all
 * of them); subjects is a malloc of its own, as links add to it while
 * building. */
struct trec {
	int refs;			/* atomic: the snapshots' recording maps and file nodes */
	struct cat_recording row;	/* the catalog's row, strings interned or copied */
	char *wav_name;			/* naming_wav() of its stem: its TN_WAV nodes' name */
	uint64_t wav_size;		/* opus_wav_size() of row: its TN_WAV nodes' size */
	char *subjects;			/* "S-1,S-2", "" when none */
	struct tart *audio;		/* NULL when the catalog has none */
	struct tart *arts;		/* every artifact, chained by next */
};

/* One artifact as of the snapshot (owned by its recording; role and ext
 * are interned, name is in the artifact's own allocation). */
struct tart {
	char id[RECFS_ID_HEX];
	int n;
	uint32_t mask;			/* bit i: policy level i holds a seal */
	struct trec *rec;
	char *role;			/* "audio", "chat", "file" */
	char *ext;
	char *name;			/* naming_artifact(): its TN_FILE nodes' name */
	uint64_t size;
	struct tart *next;		/* next artifact of rec */
};

/*
 * One node (shared by every snapshot in which it did not change).  There
 * are several per recording (its files in by-date, by-source and each
 * subject's folder), most of a snapshot's nodes, so a file's node
 * (TN_FILE, TN_WAV) holds only what is its own: where it is (ino, parent)
 * and what it shows (art).  Who sees it, its name, size, time, group and
 * mode are its artifact's and recording's, one copy for every folder it
 * is in (tnode_mask(), tnode_name() and the others below), and it is
 * allocated without the fields that follow `art` (TNODE_FILE_SIZE), so
 * those must not be read or written before the node's type says it has
 * them.  Nor is it ever changed once made (tree.c: a patch replaces it),
 * so it needs no generation.  A folder's name is in the node's own
 * allocation; the table of kids has no capacity field (it is always
 * tree.c's kids_cap(n_kids) or more).
 */
struct tnode {
	int refs;			/* atomic: the snapshots' ino maps */
	uint8_t type;			/* enum tnode_type */
	uint8_t always;			/* visible to every caller */
	uint8_t shared;			/* one node for every view: root, README*.txt */
	uint8_t lang;			/* TN_README: index into the policy's langs (< POLICY_MAX_LANGS) */
	uint64_t ino;
	uint64_t parent;
	struct tart *art;		/* TN_FILE, TN_WAV (the audio artifact); else NULL */
	/* From here on, a folder's or a README's node only (see above). */
	uint32_t mask;			/* levels that see it: the OR of its kids' */
	uint64_t gen;			/* the snapshot that made it (tree.gen) */
	char *name;			/* in the node's allocation */
	uint64_t size;
	int64_t mtime;
	uint16_t mode;			/* permission bits only (0555, 0444) */
	struct tnode **kids;		/* sorted by name once built */
	size_t n_kids;
	char *handle;			/* by-subject/<handle> */
	unsigned n_subdirs;
};

/* The bytes of a file's node (TN_FILE, TN_WAV): up to a folder's fields. */
#define TNODE_FILE_SIZE offsetof(struct tnode, mask)

/* Whether a node of type is a file's (TN_FILE, TN_WAV), so short. */
static inline int tnode_type_is_file(enum tnode_type type)
{
	return type == TN_FILE || type == TN_WAV;
}

static inline int tnode_is_file(const struct tnode *n)
{
	return tnode_type_is_file(n->type);
}

/* The recording a file's node shows (its artifact's), NULL for any other. */
static inline struct trec *tnode_rec(const struct tnode *n)
{
	return tnode_is_file(n) ? n->art->rec : NULL;
}

/* The levels that see a node (bit i: policy level i): a file's are those
 * of its artifact's seals. */
static inline uint32_t tnode_mask(const struct tnode *n)
{
	return tnode_is_file(n) ? n->art->mask : n->mask;
}

/* A node's name: a file's is its artifact's, or its recording's WAV view's. */
static inline const char *tnode_name(const struct tnode *n)
{
	if (!tnode_is_file(n))
		return n->name;
	return n->type == TN_WAV ? n->art->rec->wav_name : n->art->name;
}

/* A node's size in bytes (a folder's: 0). */
static inline uint64_t tnode_size(const struct tnode *n)
{
	if (!tnode_is_file(n))
		return n->size;
	return n->type == TN_WAV ? n->art->rec->wav_size : n->art->size;
}

/* A node's time: a file's is when its recording was made. */
static inline int64_t tnode_mtime(const struct tnode *n)
{
	return tnode_is_file(n) ? n->art->rec->row.recorded_at : n->mtime;
}

/* The lowest level that reads a file (its group is that level's, worked
 * out when it is shown: a group made after the tree was built counts);
 * -1 for a folder, a README or a file no level reads. */
static inline int tnode_low_level(const struct tnode *n)
{
	uint32_t m = tnode_is_file(n) ? n->art->mask : 0;

	return m ? __builtin_ctz(m) : -1;
}

/* A node's permission bits: a file's are 0440, 0000 while its recording
 * is restricted. */
static inline unsigned tnode_mode(const struct tnode *n)
{
	if (!tnode_is_file(n))
		return n->mode;
	return n->art->rec->row.restricted_since ? 0000 : 0440;
}

/* The subject's handle of a by-subject/<handle> folder, NULL for any other
 * node: what may be asked of a file's node too. */
static inline const char *tnode_handle(const struct tnode *n)
{
	return tnode_is_file(n) ? NULL : n->handle;
}

/* How many kids n has: 0 for a file's node, which has no table. */
static inline size_t tnode_n_kids(const struct tnode *n)
{
	return tnode_is_file(n) ? 0 : n->n_kids;
}

/* A persistent map (tree.c): shared between snapshots, copied on write. */
struct tmap;

struct tree {
	int refs;			/* atomic */
	uint64_t gen;			/* unique per snapshot: the nodes it made carry it */
	int64_t content_version;	/* catalog_content_version it was built from */
	int64_t change_seq;		/* catalog_change_seq it was built from */
	int no_patch;			/* 1: two recordings' keys collide; always rebuild */
	size_t n_levels;		/* policy levels: views 0 .. n_levels */
	struct tnode *root;
	void *nodes;			/* ino -> tnode (struct tmap, tagged) */
	void *recs;			/* recording id -> trec (struct tmap, tagged) */
	size_t n_nodes, n_recs;
	struct tbulk *bulk;		/* while tree_build makes it: its nodes, not yet in nodes (tree.c) */
};

/*
 * Build a snapshot from catalog c (the caller's connection, used from one
 * thread; the seals, links and subjects are read on a second connection
 * to its file, on a thread of the build's, while c reads the recordings
 * and artifacts, when both are sure to see one snapshot) under policy p.  The root
 * holds the notice in each of p's languages: README.txt in the first,
 * README.<lang>.txt in each other (node->lang says which); readme_sizes
 * has their lengths, one per language of p (NULL: all 0).  *out has one
 * reference.
 *
 * Cost: every row of the recordings, artifacts, seals, links and subjects,
 * and a node for every file of every folder (walked in time order, so a
 * day's folders are looked up once); the ino map is made at the end, at
 * its size, from buckets of the nodes by their inos' low bits.  When done
 * it hands malloc's free pages back to the kernel (malloc_trim), the
 * builder's tables among them.
 */
int tree_build(struct catalog *c, const struct policy *p, const uint64_t *readme_sizes, struct tree **out) MUST_CHECK;
/* For tests: tree_read_aside 0 reads the seals, links and subjects on c,
 * after the artifacts (1, the default: aside, when it can);
 * tree_test_between_reads, when set, is called between the second
 * connection's read transaction and c's; tree_builds_aside counts the
 * builds that read aside on a second connection. */
extern int tree_read_aside;
extern void (*tree_test_between_reads)(void);
extern unsigned long tree_builds_aside;
void tree_ref(struct tree *t);
void tree_unref(struct tree *t);

/* The ino of name under parent (what a node of that path has or would have). */
uint64_t tree_ino(uint64_t parent, const char *name);

/* The view of a caller of policy level `level` (-1: none). */
static inline unsigned tree_view(int level)
{
	return level < 0 ? 0 : (unsigned)level + 1;
}

/* The node id of an unshared node's ino in view v. */
static inline uint64_t tree_view_nodeid(uint64_t ino, unsigned v)
{
	return ino | (uint64_t)v << TREE_VIEW_SHIFT;
}

/* The node id of n in view v. */
static inline uint64_t tree_nodeid(const struct tnode *n, unsigned v)
{
	return n->shared ? n->ino : tree_view_nodeid(n->ino, v);
}

/* The view and the ino of a node id. */
static inline unsigned tree_nodeid_view(uint64_t nodeid)
{
	return (unsigned)(nodeid >> TREE_VIEW_SHIFT);
}

static inline uint64_t tree_nodeid_ino(uint64_t nodeid)
{
	return nodeid & TREE_INO_MASK;
}
/*
 * Patch old into a new snapshot with the catalog's change log: the changes
 * logged after old->change_seq (catalog_changes_since) are read in one read
 * transaction of c, with only the changed recordings, their artifacts,
 * seals and links, and the changed subjects.  The new snapshot shares
 * every node and recording that did not change; the directories on a
 * changed path are copied.  What tree_diff(old, new) would report is
 * reported through inval_entry and inval_inode (ctx) before it returns,
 * for the changed nodes only (either callback may be NULL).  p: as for
 * tree_build, and the same as old was built with.  *out has one
 * reference; old is not changed (its reference is the caller's).  When
 * nothing changed, *out is old with a reference taken.
 *
 * Cost: the changed recordings' rows, and the copies of the directories
 * on their paths (a day's folder, a subject's, and by-subject itself,
 * whose table of kids is one pointer per subject).
 *
 * Errors: -ESTALE when old cannot be patched (the log no longer holds its
 * changes, a writer logged "everything", or old holds colliding recording
 * keys): build a new one with tree_build.  Any error of the catalog's.
 */
int tree_apply(const struct tree *old, struct catalog *c, const struct policy *p,
	       void (*inval_entry)(void *ctx, uint64_t parent, const char *name),
	       void (*inval_inode)(void *ctx, uint64_t ino), void *ctx, struct tree **out) MUST_CHECK;

/* Node by ino, or NULL. */
struct tnode *tree_find(const struct tree *t, uint64_t ino);
/* Call fn(n, ctx) for every node of t, in no order. */
void tree_each_node(const struct tree *t, void (*fn)(const struct tnode *n, void *ctx), void *ctx);
/* Child of dir by name, or NULL. */
struct tnode *tree_child(const struct tnode *dir, const char *name);
/* 1 when a caller of policy level `level` (-1: none) sees n. */
static inline int tree_visible(const struct tnode *n, int level)
{
	if (n->always)
		return 1;
	return level >= 0 && level < 32 && (tnode_mask(n) & (1u << level));
}

/*
 * The level whose group n shows in view v (-1: none, root's): that of v's
 * level when it reads n and has a group (view_has_group), so that the mode
 * bits grant what recfs gives that caller; else that of the lowest level
 * that reads a file (tnode_low_level).  fill_attr shows it, and
 * tree_each_gid_moved finds by it what a moved gid changed.
 */
static inline int tnode_group_level(const struct tnode *n, unsigned v, int view_has_group)
{
	if (n->type != TN_DIR && v > 0 && view_has_group && tree_visible(n, (int)v - 1))
		return (int)v - 1;
	return tnode_low_level(n);
}

/*
 * The node a node id from the kernel names for a caller of policy level
 * `level` (-1: none), or NULL: when no node has its ino, when the level
 * does not see it, or when the id is that of another view (only a walk
 * through the root as that level hands such an id out).  Owned by t.
 */
struct tnode *tree_resolve(const struct tree *t, uint64_t nodeid, int level);

/*
 * The next file after n in the order of a listing walk (by name, depth
 * first, never leaving n's top folder) that a caller of `level` sees and
 * that is of n's kind (type, artifact role and extension).  *budget bounds
 * the nodes looked at over calls; NULL at the end or when it runs out.
 */
const struct tnode *tree_next_like(const struct tree *t, const struct tnode *n, int level, unsigned *budget);

/*
 * Compare two snapshots and report, as node ids of every view, what the
 * kernel may hold stale: names that went away or that a view no longer
 * sees (entry), and nodes whose attributes changed or that went away
 * (inode, so cached pages and attributes are dropped).
 */
void tree_diff(const struct tree *old, const struct tree *cur,
	       void (*inval_entry)(void *ctx, uint64_t parent, const char *name),
	       void (*inval_inode)(void *ctx, uint64_t ino), void *ctx);

/*
 * fn(ctx, id) for each node id of a file of t whose group, as shown, moved
 * when the gids of the levels in moved did (bit i: level i): in view v > 0
 * (a caller of level v - 1) a file shows the group of v's level when that
 * level has one (own, bit i: level i has a gid now), else that of its
 * lowest level (tnode_low_level), as in view 0.  only_view >= 0: that view
 * alone (a mount of one level hands out no other).  fn returns nonzero to
 * stop: -EINTR then, else 0.
 */
int tree_each_gid_moved(const struct tree *t, uint32_t moved, uint32_t own, int only_view,
			int (*fn)(void *ctx, uint64_t ino), void *ctx);

#endif
