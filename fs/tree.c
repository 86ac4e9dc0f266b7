/*
 * tree.c - the snapshot of the mount: built from the catalog as a whole at
 * start (tree_build), then patched with the catalog's change log whenever
 * its content version moves (tree_apply).
 *
 * Handlers only ever read a finished tree, so lookups, getattr and readdir
 * need no lock beyond taking a reference and never touch sqlite.
 * Invariants of a finished tree: every node is in the ino map exactly
 * once; a directory's kids are sorted by name (bsearch, stable readdir
 * offsets); a directory's mask is the OR of its kids' masks (a subject's
 * folder also has the rights level's bit while the subject exists), so a
 * caller sees a directory exactly when it sees something inside it.  Inos
 * are a 64-bit hash of (parent ino || name) (tree_ino) cut to the ino's 58
 * bits, never 0 or 1 (FUSE_ROOT_ID) except for the root.
 *
 * Sharing.  The ino map and the recording map are hash array mapped tries
 * (struct tmap): 64-way nodes, a bitmap and the entries present, so a
 * patch copies the few trie nodes on the path to what it changes and
 * shares the rest.  A folder's node or a trie node made by the tree
 * being patched (gen == the tree's gen) is changed in place; one made by
 * an older tree is copied first (path copying up to the root).  A file's
 * node is never changed once made: a patch takes it out and puts a new
 * one in, with the recording's new row (load_rec).  Reference
 * counts: a trie entry holds one on what it points to, a tree one on its
 * two tries, a file node one on its recording.  Kids tables hold none: a
 * kid is always in the same tree's ino map as its directory.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "crypto.h"
#include "naming.h"
/* meta/opus.h by path: pkg-config puts libopus's own opus.h first. */
#include "opus.h"
#include "tree.h"

/* A small map from id strings to pointers, only used while building (and
 * patching).  Each slot keeps its key's hash beside the key and the value
 * (one cache line read per probe): a probe compares the hashes first, and
 * growing reads no key. */
struct idslot {
	uint64_t hash;
	const char *key;		/* NULL: the slot is free */
	void *val;
};

struct idmap {
	struct idslot *slots;
	size_t cap, n;
};

/* A subject's handle as the builder keeps it, once however many links
 * name it, with its folder once made. */
struct bhandle {
	struct tnode *dir;		/* by-subject/<handle> (NULL: it could not be made) */
	int made;			/* dir was asked for */
	char name[];
};

/* A (recording, handle) link, collected before the nodes are made. */
struct tlink {
	struct trec *rec;
	struct bhandle *handle;
};

/*
 * The last day folder made under one top folder: by-date, or a source's
 * folder.  Each day_dir serves one top only (b->by_date by-date, a
 * source_dir's last that source_dir's dir, cleared whenever the slot is
 * given to another source), so the top needs no keeping here.
 */
struct day_dir {
	int64_t day;			/* utc_day() */
	struct tnode *dir;		/* NULL: none kept */
};

/* A source's folder (by-source/<source>) and its last day folder. */
struct source_dir {
	const char *source;		/* a recording's row.source (the builder holds it) */
	struct tnode *dir;		/* NULL: it could not be made */
	struct day_dir last;
};

/* The sources the builder keeps; any beyond share one more slot. */
#define BUILD_SOURCES 16

/*
 * Entries kept in chunks, in the order added: a fixed head, then an id
 * and its NUL, each entry 8-byte aligned (the chunks never move, so an
 * entry stays where it was put).
 */
struct echunk {
	struct echunk *next;
	size_t used, cap;
	unsigned char data[];
};

struct elog {
	struct echunk *head, *tail;
};

#ifdef RECFS_TEST_ECHUNK_ROOM	/* test_tree_collide only: an entry or less a chunk */
#define ECHUNK_ROOM ((size_t)RECFS_TEST_ECHUNK_ROOM)
#else
#define ECHUNK_ROOM (((size_t)1 << 20) - sizeof(struct echunk))	/* a chunk of 1 MiB */
#endif

/*
 * The seals', links' and subjects' tables, read aside (read_aside): on a
 * second connection and a thread of their own while the recordings and
 * artifacts are read, when the two connections are sure to see one
 * snapshot; else on the build's own connection after the artifacts.  A
 * seal or a link names an artifact or a recording by id: each is kept in
 * an elog until they are all in the builder's maps.
 */
struct aside {
	struct builder *b;		/* its handles and subjects are the aside's until joined */
	struct catalog *c;		/* the connection read */
	struct elog seals;		/* an object's levels: uint32_t mask, then its id */
	struct elog links;		/* struct bhandle *, then the recording's id */
	uint32_t *last_mask;		/* the last seal entry's mask and id */
	const char *last_id;
	pthread_t thread;
	int running;			/* thread is to be joined */
	int rc;
	char err[512];			/* meta_errmsg() of the reading thread when rc < 0 */
};

struct builder {
	struct tree *t;
	const struct policy *p;
	/*
	 * recs and arts are only needed while the catalog is read, and are
	 * freed before the nodes are made, as the build's peak of memory
	 * comes then; order holds the builder's reference to each
	 * recording.
	 */
	struct idmap recs, arts;
	struct idmap handles;		/* a handle -> its struct bhandle */
	struct aside aside;
	/* The recordings in the table's order, then by time (rec_of_art,
	 * then the nodes); the builder's reference to each. */
	struct trec **order;
	size_t n_order, cap_order;
	size_t art_at;			/* rec_of_art's place in order */
	struct day_dir by_date;		/* the last day folder of by-date */
	struct source_dir sources[BUILD_SOURCES + 1];
	size_t n_sources;
	struct tlink *links;
	size_t n_links, cap_links;
	struct bhandle **subjects;	/* every subject's handle */
	size_t n_subjects, cap_subjects;
};

static int64_t readme_mtime;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* Put val under key, whose hash is h (fnv1a(key)). */
static void idmap_put_hashed(struct idmap *m, const char *key, uint64_t h, void *val)
{
	struct idslot *e;
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct idmap old = *m;

		m->cap = old.cap ? old.cap * 2 : 256;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				idmap_put_hashed(m, old.slots[i].key, old.slots[i].hash, old.slots[i].val);
		free(old.slots);
	}
	for (i = h & (m->cap - 1); (e = &m->slots[i])->key; i = (i + 1) & (m->cap - 1))
		if (e->hash == h && !strcmp(e->key, key)) {
			e->val = val;
			return;
		}
	e->hash = h;
	e->key = key;
	e->val = val;
	m->n++;
}

static void idmap_put(struct idmap *m, const char *key, void *val)
{
	idmap_put_hashed(m, key, fnv1a(key), val);
}

static void *idmap_get(const struct idmap *m, const char *key)
{
	const struct idslot *e;
	uint64_t h;
	size_t i;

	if (!m->cap)
		return NULL;
	h = fnv1a(key);
	for (i = h & (m->cap - 1); (e = &m->slots[i])->key; i = (i + 1) & (m->cap - 1))
		if (e->hash == h && !strcmp(e->key, key))
			return e->val;
	return NULL;
}

/* m's table freed; m is empty (and may be freed again). */
static void idmap_free(struct idmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The stateless node id of name under parent: a hash of the two
 * (crypto_short_hash: millions of them at a large register's start). */
uint64_t tree_ino(uint64_t parent, const char *name)
{
	uint8_t le[8];
	uint64_t ino;
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(parent >> (8 * i));
	ino = crypto_short_hash(le, name) & TREE_INO_MASK;
#ifdef RECFS_TEST_INO_BITS	/* test_tree_collide only: inos that collide */
	ino &= (UINT64_C(1) << RECFS_TEST_INO_BITS) - 1;
#endif
	if (ino <= TREE_ROOT_INO)
		ino += 2;
	return ino;
}

/* ---- the persistent maps ---- */

#define TMAP_BITS 6
#define TMAP_FAN 64
#define IS_SUB(e) ((uintptr_t)(e) & 1)
#define SUB(e) ((struct tmap *)((uintptr_t)(e) & ~(uintptr_t)1))
#define TAG(m) ((void *)((uintptr_t)(m) | 1))

struct tmap {
	int refs;			/* atomic: the entries and trees pointing to it */
	uint64_t gen;			/* the tree that made it: only it changes it */
	uint64_t bits;			/* which of the 64 slots are present */
	unsigned n, cap;
	void *e[];			/* present slots in order: items, or TAG(sub) */
};

/* What a map holds: its key and its reference count. */
struct tmap_ops {
	uint64_t (*key)(const void *item);
	void (*ref)(void *item);
	void (*unref)(void *item);
};

static uint64_t next_gen(void)
{
	static uint64_t gen;

	return __atomic_add_fetch(&gen, 1, __ATOMIC_RELAXED);
}

static struct tmap *tmap_new(uint64_t gen, unsigned cap)
{
	struct tmap *m = xcalloc(1, sizeof(*m) + cap * sizeof(m->e[0]));

	m->refs = 1;
	m->gen = gen;
	m->cap = cap;
	return m;
}

static void tmap_unref(struct tmap *m, const struct tmap_ops *ops)
{
	unsigned i;

	if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < m->n; i++)
		if (IS_SUB(m->e[i]))
			tmap_unref(SUB(m->e[i]), ops);
		else
			ops->unref(m->e[i]);
	free(m);
}

static unsigned slot_of(const struct tmap *m, unsigned b)
{
	return (unsigned)__builtin_popcountll(m->bits & ((UINT64_C(1) << b) - 1));
}

/* The item of key in the trie node root, which sits `shift` bits down. */
static void *tmap_get_at(const void *root, unsigned shift, const struct tmap_ops *ops, uint64_t key)
{
	const struct tmap *m = root ? SUB(root) : NULL;
	unsigned b;
	void *e;

	while (m) {
		b = (unsigned)(key >> shift) & (TMAP_FAN - 1);
		if (!(m->bits & (UINT64_C(1) << b)))
			return NULL;
		e = m->e[slot_of(m, b)];
		if (!IS_SUB(e))
			return ops->key(e) == key ? e : NULL;
		m = SUB(e);
		shift += TMAP_BITS;
	}
	return NULL;
}

static void *tmap_get(const void *root, const struct tmap_ops *ops, uint64_t key)
{
	return tmap_get_at(root, 0, ops, key);
}

/* *slot's trie node, made tree gen's own (copied when an older tree's) with
 * room for `extra` more entries. */
static struct tmap *tmap_own(void **slot, uint64_t gen, unsigned extra, const struct tmap_ops *ops)
{
	struct tmap *m = SUB(*slot), *c;
	unsigned i;

	if (m->gen == gen) {
		if (m->n + extra > m->cap) {
			/* Doubling: a build inserts millions of entries. */
			m->cap = m->cap * 2 < TMAP_FAN ? m->cap * 2 : TMAP_FAN;
			if (m->cap < m->n + extra)
				m->cap = m->n + extra;
			m = xrealloc(m, sizeof(*m) + m->cap * sizeof(m->e[0]));
			*slot = TAG(m);
		}
		return m;
	}
	c = tmap_new(gen, m->n + extra + 1);
	c->bits = m->bits;
	c->n = m->n;
	for (i = 0; i < m->n; i++) {
		c->e[i] = m->e[i];
		if (IS_SUB(c->e[i]))
			__atomic_add_fetch(&SUB(c->e[i])->refs, 1, __ATOMIC_RELAXED);
		else
			ops->ref(c->e[i]);
	}
	*slot = TAG(c);
	tmap_unref(m, ops);
	return c;
}

/* Put item (its reference passes to the map) under key; the item it
 * replaces, whose reference passes to the caller, or NULL. */
static void *tmap_put(void **slot, unsigned shift, uint64_t key, void *item, uint64_t gen, const struct tmap_ops *ops)
{
	struct tmap *m = tmap_own(slot, gen, 1, ops), *s;
	unsigned b = (unsigned)(key >> shift) & (TMAP_FAN - 1), i = slot_of(m, b), b2;
	void *e;

	if (!(m->bits & (UINT64_C(1) << b))) {
		memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof(m->e[0]));
		m->e[i] = item;
		m->bits |= UINT64_C(1) << b;
		m->n++;
		return NULL;
	}
	e = m->e[i];
	if (IS_SUB(e))
		return tmap_put(&m->e[i], shift + TMAP_BITS, key, item, gen, ops);
	if (ops->key(e) == key) {
		m->e[i] = item;
		return e;
	}
	s = tmap_new(gen, 2);
	b2 = (unsigned)(ops->key(e) >> (shift + TMAP_BITS)) & (TMAP_FAN - 1);
	s->bits = UINT64_C(1) << b2;
	s->e[0] = e;
	s->n = 1;
	m->e[i] = TAG(s);
	return tmap_put(&m->e[i], shift + TMAP_BITS, key, item, gen, ops);
}

/* Take key out; the item, whose reference passes to the caller, or NULL.
 * A trie node left empty goes (never the root). */
static void *tmap_del(void **slot, unsigned shift, uint64_t key, uint64_t gen, const struct tmap_ops *ops)
{
	struct tmap *m = SUB(*slot);
	unsigned b = (unsigned)(key >> shift) & (TMAP_FAN - 1), i;
	void *e;

	if (!(m->bits & (UINT64_C(1) << b)))
		return NULL;
	i = slot_of(m, b);
	e = m->e[i];
	if (IS_SUB(e) ? !tmap_get_at(e, shift + TMAP_BITS, ops, key) : ops->key(e) != key)
		return NULL;
	m = tmap_own(slot, gen, 0, ops);
	if (IS_SUB(e)) {
		e = tmap_del(&m->e[i], shift + TMAP_BITS, key, gen, ops);
		if (SUB(m->e[i])->n)
			return e;
		tmap_unref(SUB(m->e[i]), ops);
	}
	memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
	m->bits &= ~(UINT64_C(1) << b);
	m->n--;
	return e;
}

static void tmap_each(const void *root, void (*fn)(void *item, void *ctx), void *ctx)
{
	const struct tmap *m = SUB(root);
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (IS_SUB(m->e[i]))
			tmap_each(m->e[i], fn, ctx);
		else
			fn(m->e[i], ctx);
}

/* ---- nodes and recordings ---- */

/* The subjects of a recording that has none (never freed). */
static char no_subjects[] = "";

static void trec_unref(struct trec *r);

/*
 * File nodes: most of a snapshot's memory (several per recording), all of
 * one size.  They come from chunks of SLAB_CHUNK mapped with transparent
 * huge pages where the kernel allows them (madvise: a build then takes a
 * page fault per 2 MiB instead of per 4 KiB, and the look-ups fewer TLB
 * misses), and a freed one goes to a free list for the next: the chunks
 * are never handed back.  Under AddressSanitizer they are plain callocs,
 * so that a use after free is still caught, and so is a read of a
 * folder's field in a file's node.  A file's node ends where a folder's
 * fields begin (struct tnode): TNODE_FILE_SIZE bytes, 32 of 112 here.
 */
_Static_assert(TNODE_FILE_SIZE % _Alignof(struct tnode) == 0, "file nodes must stay aligned in the slab");

#if UTIL_ASAN
static struct tnode *file_node_alloc(void)
{
	return xcalloc(1, TNODE_FILE_SIZE);
}

static void file_node_free(struct tnode *n)
{
	free(n);
}
#else
#define SLAB_CHUNK (32u << 20)
#define SLAB_ALIGN (2u << 20)

/* Anonymous pages of size bytes; out of memory ends the daemon, as it
 * does in xcalloc. */
static void *map_or_die(size_t size)
{
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		fprintf(stderr, "recfs: out of memory\n");
		abort();
	}
	return m;
}

static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;
static void *slab_free;			/* freed file nodes, chained by their first word */
static char *slab_at, *slab_end;	/* what is left of the last chunk */

static struct tnode *file_node_alloc(void)
{
	const size_t size = TNODE_FILE_SIZE;
	void *n;

	pthread_mutex_lock(&slab_lock);
	if (slab_free) {
		n = slab_free;
		slab_free = *(void **)n;
	} else {
		if (!slab_at || (size_t)(slab_end - slab_at) < size) {
			char *m = map_or_die(SLAB_CHUNK + SLAB_ALIGN);
			uintptr_t at;

			at = ((uintptr_t)m + SLAB_ALIGN - 1) & ~(uintptr_t)(SLAB_ALIGN - 1);
			(void)madvise((void *)at, SLAB_CHUNK, MADV_HUGEPAGE);
			slab_at = (char *)at;
			slab_end = slab_at + SLAB_CHUNK;
		}
		n = slab_at;
		slab_at += size;
	}
	pthread_mutex_unlock(&slab_lock);
	memset(n, 0, size);
	return n;
}

static void file_node_free(struct tnode *n)
{
	pthread_mutex_lock(&slab_lock);
	*(void **)n = slab_free;
	slab_free = n;
	pthread_mutex_unlock(&slab_lock);
}
#endif

/* A zeroed node: a file's (name NULL: its name is its artifact's, struct
 * tnode) from the file nodes' slab, or a folder's or README's named name,
 * a copy in the node's own allocation (one malloc). */
static struct tnode *node_alloc(const char *name)
{
	size_t len;
	struct tnode *n;

	if (!name)
		return file_node_alloc();
	len = strlen(name) + 1;
	n = xcalloc(1, sizeof(*n) + len);
	n->name = (char *)(n + 1);
	memcpy(n->name, name, len);
	return n;
}

/* The size of the table of n kids: tables grow by doubling from 8, so a
 * table's size is always kids_cap(n_kids) or more (a kid taken out leaves
 * it as it was). */
static size_t kids_cap(size_t n)
{
	size_t cap = 8;

	if (!n)
		return 0;
	while (cap < n)
		cap *= 2;
	return cap;
}

static void tnode_ref(struct tnode *n)
{
	__atomic_add_fetch(&n->refs, 1, __ATOMIC_RELAXED);
}

static void tnode_unref(struct tnode *n)
{
	if (!n || __atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (tnode_is_file(n)) {
		trec_unref(n->art->rec);
		file_node_free(n);
		return;
	}
	free(n->kids);
	free(n->handle);
	free(n);
}

static void trec_ref(struct trec *r)
{
	__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
}

static void trec_unref(struct trec *r)
{
	struct tart *a, *next;

	if (!r || __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (a = r->arts; a; a = next) {
		next = a->next;
		free(a);
	}
	if (r->subjects != no_subjects)
		free(r->subjects);
	free(r);
}

static uint64_t node_key(const void *n)
{
	return ((const struct tnode *)n)->ino;
}

static void node_ref(void *n)
{
	tnode_ref(n);
}

static void node_unref(void *n)
{
	tnode_unref(n);
}

/* A recording's key in the recording map (tree.no_patch on a collision). */
static uint64_t rec_id_key(const char *id)
{
	return fnv1a(id);
}

static uint64_t rec_key(const void *r)
{
	return rec_id_key(((const struct trec *)r)->row.id);
}

static void rec_ref(void *r)
{
	trec_ref(r);
}

static void rec_unref(void *r)
{
	trec_unref(r);
}

static const struct tmap_ops node_ops = { node_key, node_ref, node_unref };
static const struct tmap_ops rec_ops = { rec_key, rec_ref, rec_unref };

/*
 * A build's ino map, made at its end.  While tree_build makes a tree its
 * nodes are not put into the ino map one by one (a walk down the trie for
 * each of millions of nodes, each trie node grown by doubling: a third of
 * a large build's time).  Each is kept in a bucket by the low BULK_BITS
 * bits of its ino, the digits of the trie's top two levels, and the map is
 * made bucket by bucket at the end (bulk_map), each trie node at its size:
 * a bucket's few thousand nodes are read from memory once, and sorted into
 * their trie nodes in the cache.  The folders made are kept by ino too, as
 * add_node asks for one again, so a build never reads the ino map before
 * it is made.
 */
#define BULK_BITS (2 * TMAP_BITS)
#define BULK_BUCKETS (1u << BULK_BITS)
#define BULK_CHUNK 254

struct bulk_chunk {
	struct bulk_chunk *next;
	size_t n;
	struct tnode *v[BULK_CHUNK];	/* the map's references, to be */
};

struct bulk_dir {
	uint64_t ino;
	struct tnode *dir;		/* NULL: the slot is free */
};

struct tbulk {
	struct bulk_chunk *bucket[BULK_BUCKETS];	/* the newest chunk first */
	size_t count[BULK_BUCKETS];
	struct bulk_dir *dirs;		/* open addressing by ino (inos are hashes) */
	size_t n_dirs, cap_dirs;
	struct tnode **dropped;		/* nodes whose ino another kept (bulk_entry) */
	size_t n_dropped, cap_dropped;
};

static struct tnode *bulk_dir(const struct tbulk *k, uint64_t ino)
{
	size_t i;

	if (!k->cap_dirs)
		return NULL;
	for (i = ino & (k->cap_dirs - 1); k->dirs[i].dir; i = (i + 1) & (k->cap_dirs - 1))
		if (k->dirs[i].ino == ino)
			return k->dirs[i].dir;
	return NULL;
}

static void bulk_put_dir(struct tbulk *k, struct tnode *d)
{
	size_t i;

	if ((k->n_dirs + 1) * 2 > k->cap_dirs) {
		struct bulk_dir *old = k->dirs;
		size_t old_cap = k->cap_dirs;

		k->cap_dirs = old_cap ? old_cap * 2 : 1024;
		k->dirs = xcalloc(k->cap_dirs, sizeof(*k->dirs));
		k->n_dirs = 0;
		for (i = 0; i < old_cap; i++)
			if (old[i].dir)
				bulk_put_dir(k, old[i].dir);
		free(old);
	}
	for (i = d->ino & (k->cap_dirs - 1); k->dirs[i].dir; i = (i + 1) & (k->cap_dirs - 1))
		;
	k->dirs[i].ino = d->ino;
	k->dirs[i].dir = d;
	k->n_dirs++;
}

/* n (its reference passes to the map to be made) into its bucket. */
static void bulk_add(struct tbulk *k, struct tnode *n)
{
	unsigned b = (unsigned)(n->ino & (BULK_BUCKETS - 1));
	struct bulk_chunk *c = k->bucket[b];

	if (!c || c->n == BULK_CHUNK) {
		c = xcalloc(1, sizeof(*c));
		c->next = k->bucket[b];
		c->n = 0;
		k->bucket[b] = c;
	}
	c->v[c->n++] = n;
	k->count[b]++;
	if (n->type == TN_DIR)
		bulk_put_dir(k, n);
}

static unsigned bulk_digit(const struct tnode *n, unsigned shift)
{
	return (unsigned)(n->ino >> shift) & (TMAP_FAN - 1);
}

/* n, whose ino another node of the build has, to be dropped once the map
 * is made (bulk_drop_all). */
static void bulk_drop(struct tbulk *k, struct tnode *n)
{
	if (k->n_dropped == k->cap_dropped) {
		k->cap_dropped = k->cap_dropped ? k->cap_dropped * 2 : 16;
		k->dropped = xrealloc(k->dropped, k->cap_dropped * sizeof(*k->dropped));
	}
	k->dropped[k->n_dropped++] = n;
}

/* By parent, then by address: the drops of one folder together, and
 * sorted for bsearch. */
static int cmp_dropped(const void *a, const void *b)
{
	const struct tnode *x = *(struct tnode *const *)a, *y = *(struct tnode *const *)b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

static int cmp_ptr(const void *key, const void *b)
{
	uintptr_t x = (uintptr_t)key, y = (uintptr_t)*(struct tnode *const *)b;

	return x < y ? -1 : x > y;
}

/* The nodes bulk_drop named taken out of their folders' kids, each
 * folder's in one pass however many it loses, and dropped. */
static void bulk_drop_all(struct tree *t, struct tbulk *k)
{
	size_t i, j, at, w;
	struct tnode *dir;

	if (k->n_dropped > 1)
		qsort(k->dropped, k->n_dropped, sizeof(*k->dropped), cmp_dropped);
	for (i = 0; i < k->n_dropped; i = j) {
		for (j = i + 1; j < k->n_dropped && k->dropped[j]->parent == k->dropped[i]->parent; j++)
			;
		dir = bulk_dir(k, k->dropped[i]->parent);
		for (at = w = 0; dir && at < dir->n_kids; at++)
			if (!bsearch(dir->kids[at], k->dropped + i, j - i, sizeof(*k->dropped), cmp_ptr))
				dir->kids[w++] = dir->kids[at];
		if (dir)
			dir->n_kids = w;
	}
	for (i = 0; i < k->n_dropped; i++)
		tnode_unref(k->dropped[i]);
	t->n_nodes -= k->n_dropped;
	free(k->dropped);
}

static struct tmap *bulk_node(struct tree *t, struct tbulk *k, struct tnode **v, size_t n, unsigned shift);

/* Of two nodes of one ino, the one a build keeps: a folder (add_node
 * makes one folder of an ino at most, and its kids name it), else the
 * first by parent, name, view and artifact id (one path twice can show
 * two artifacts in a catalog written by hand), whatever order they were
 * made in, so that every build of one catalog shows the same. */
static int keep_before(const struct tnode *a, const struct tnode *b)
{
	int c;

	if ((a->type == TN_DIR) != (b->type == TN_DIR))
		return a->type == TN_DIR;
	if (a->parent != b->parent)
		return a->parent < b->parent;
	if ((c = strcmp(tnode_name(a), tnode_name(b))))
		return c < 0;
	if (a->type != b->type)
		return a->type < b->type;
	return a->art && b->art && strcmp(a->art->id, b->art->id) < 0;
}

/* The entry of the n nodes v (n >= 1) whose inos agree below shift. */
static void *bulk_entry(struct tree *t, struct tbulk *k, struct tnode **v, size_t n, unsigned shift)
{
	size_t i, keep = 0;

	if (n == 1)
		return v[0];
	if (shift < 64)
		return TAG(bulk_node(t, k, v, n, shift));
	/* n nodes of one ino (2^-58 a pair, and the same path twice in a
	 * catalog that links two handles of one folder name to one call):
	 * one is kept, the others leave their folders. */
	for (i = 1; i < n; i++)
		if (keep_before(v[i], v[keep]))
			keep = i;
	for (i = 0; i < n; i++)
		if (i != keep)
			bulk_drop(k, v[i]);
	return v[keep];
}

/* The trie node at shift of the n nodes v, whose inos agree below shift;
 * v is reordered (each digit's nodes together, in place: an American flag
 * sort). */
static struct tmap *bulk_node(struct tree *t, struct tbulk *k, struct tnode **v, size_t n, unsigned shift)
{
	size_t count[TMAP_FAN] = { 0 }, at[TMAP_FAN], end[TMAP_FAN], i, o = 0;
	unsigned b, d, used = 0;
	struct tnode *x;
	struct tmap *m;

	for (i = 0; i < n; i++)
		count[bulk_digit(v[i], shift)]++;
	for (b = 0; b < TMAP_FAN; b++) {
		at[b] = o;
		o += count[b];
		end[b] = o;
		used += count[b] != 0;
	}
	for (b = 0; b < TMAP_FAN; b++)
		while (at[b] < end[b]) {
			x = v[at[b]];
			d = bulk_digit(x, shift);
			if (d == b) {
				at[b]++;
			} else {
				v[at[b]] = v[at[d]];
				v[at[d]++] = x;
			}
		}
	m = tmap_new(t->gen, used);
	for (b = 0, o = 0; b < TMAP_FAN; o += count[b], b++) {
		if (!count[b])
			continue;
		m->bits |= UINT64_C(1) << b;
		m->e[m->n++] = bulk_entry(t, k, v + o, count[b], shift + TMAP_BITS);
	}
	return m;
}

/* Bucket b's nodes, moved to *v (grown to hold them: *cap) and its chunks
 * freed; how many. */
static size_t bulk_take(struct tbulk *k, unsigned b, struct tnode ***v, size_t *cap)
{
	struct bulk_chunk *c, *next;
	size_t n = 0;

	if (k->count[b] > *cap) {
		*cap = k->count[b];
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	for (c = k->bucket[b]; c; c = next) {
		next = c->next;
		memcpy(*v + n, c->v, c->n * sizeof(c->v[0]));
		n += c->n;
		free(c);
	}
	k->bucket[b] = NULL;
	return n;
}

/* The end of a build: t's ino map made from its buckets (the top trie
 * node's digit is a bucket's low TMAP_BITS bits, the second level's its
 * high ones). */
static void bulk_map(struct tree *t)
{
	struct tbulk *k = t->bulk;
	struct tmap *top = tmap_new(t->gen, TMAP_FAN), *m;
	struct tnode **v = NULL;
	size_t cap = 0, n, total;
	unsigned d0, d1, used;

	for (d0 = 0; d0 < TMAP_FAN; d0++) {
		for (d1 = 0, total = 0, used = 0; d1 < TMAP_FAN; d1++) {
			total += k->count[d0 | d1 << TMAP_BITS];
			used += k->count[d0 | d1 << TMAP_BITS] != 0;
		}
		if (!total)
			continue;
		top->bits |= UINT64_C(1) << d0;
		if (total == 1) {
			for (d1 = 0; !k->count[d0 | d1 << TMAP_BITS]; d1++)
				;
			bulk_take(k, d0 | d1 << TMAP_BITS, &v, &cap);
			top->e[top->n++] = v[0];
			continue;
		}
		m = tmap_new(t->gen, used);
		for (d1 = 0; d1 < TMAP_FAN; d1++) {
			if (!k->count[d0 | d1 << TMAP_BITS])
				continue;
			n = bulk_take(k, d0 | d1 << TMAP_BITS, &v, &cap);
			m->bits |= UINT64_C(1) << d1;
			m->e[m->n++] = bulk_entry(t, k, v, n, BULK_BITS);
		}
		top->e[top->n++] = TAG(m);
	}
	t->nodes = TAG(top);
	t->bulk = NULL;
	bulk_drop_all(t, k);
	free(v);
	free(k->dirs);
	free(k);
}

/* Put n (its reference passes) into t's ino map; an old tree's node it
 * replaces is dropped (the old tree still holds its own reference). */
static void node_put(struct tree *t, struct tnode *n)
{
	struct tnode *was;

	if (t->bulk) {
		bulk_add(t->bulk, n);
		t->n_nodes++;
		return;
	}
	was = tmap_put(&t->nodes, 0, n->ino, n, t->gen, &node_ops);
	if (was)
		tnode_unref(was);
	else
		t->n_nodes++;
}

struct tnode *tree_find(const struct tree *t, uint64_t ino)
{
	return tmap_get(t->nodes, &node_ops, ino);
}

struct each_node {
	void (*fn)(const struct tnode *n, void *ctx);
	void *ctx;
};

static void each_node_item(void *item, void *ctx)
{
	struct each_node *e = ctx;

	e->fn(item, e->ctx);
}

void tree_each_node(const struct tree *t, void (*fn)(const struct tnode *n, void *ctx), void *ctx)
{
	struct each_node e = { fn, ctx };

	tmap_each(t->nodes, each_node_item, &e);
}

struct tnode *tree_resolve(const struct tree *t, uint64_t nodeid, int level)
{
	struct tnode *n = tree_find(t, tree_nodeid_ino(nodeid));

	if (!n || !tree_visible(n, level) || tree_nodeid(n, tree_view(level)) != nodeid)
		return NULL;
	return n;
}

static int cmp_kid(const void *a, const void *b)
{
	return strcmp(tnode_name(*(struct tnode *const *)a), tnode_name(*(struct tnode *const *)b));
}

static int cmp_key(const void *key, const void *b)
{
	return strcmp(key, tnode_name(*(struct tnode *const *)b));
}

/* The slot of dir's kid named name in its kids table, or NULL. */
static struct tnode **kid_slot(const struct tnode *dir, const char *name)
{
	if (!dir->n_kids)
		return NULL;
	return bsearch(name, dir->kids, dir->n_kids, sizeof(*dir->kids), cmp_key);
}

struct tnode *tree_child(const struct tnode *dir, const char *name)
{
	struct tnode **p;

	if (dir->type != TN_DIR || !(p = kid_slot(dir, name)))
		return NULL;
	return *p;
}

static int same_kind(const struct tnode *a, const struct tnode *b)
{
	if (a->type != b->type || !a->art || !b->art || strcmp(a->art->role, b->art->role))
		return 0;
	if (!a->art->ext || !b->art->ext)
		return a->art->ext == b->art->ext;
	return !strcmp(a->art->ext, b->art->ext);
}

/* The first of dir's kids from index i on (or inside them) like `like`. */
static const struct tnode *first_like(const struct tnode *dir, size_t i, const struct tnode *like, int level,
				      unsigned *budget)
{
	const struct tnode *k, *r;

	for (; i < dir->n_kids; i++) {
		if (!*budget)
			return NULL;
		(*budget)--;
		k = dir->kids[i];
		if (!tree_visible(k, level))
			continue;
		if (k->type == TN_DIR) {
			if ((r = first_like(k, 0, like, level, budget)))
				return r;
		} else if (same_kind(k, like)) {
			return k;
		}
	}
	return NULL;
}

const struct tnode *tree_next_like(const struct tree *t, const struct tnode *n, int level, unsigned *budget)
{
	const struct tnode *cur = n, *dir, *r;
	struct tnode **p;

	while (cur->parent != TREE_ROOT_INO) {
		dir = tree_find(t, cur->parent);
		if (!dir || dir->type != TN_DIR)
			return NULL;
		p = kid_slot(dir, tnode_name(cur));
		if (!p)
			return NULL;
		if ((r = first_like(dir, (size_t)(p - dir->kids) + 1, n, level, budget)))
			return r;
		cur = dir;
	}
	return NULL;
}

/* A new node name under dir, made by tree t (one reference: the caller's);
 * a file's shows art (and holds a reference to its recording). */
static struct tnode *new_node(const struct tree *t, const struct tnode *dir, uint64_t ino, const char *name,
			      enum tnode_type type, struct tart *art)
{
	struct tnode *n = node_alloc(tnode_type_is_file(type) ? NULL : name);

	n->refs = 1;
	n->ino = ino;
	n->parent = dir->ino;
	n->type = (uint8_t)type;
	if (tnode_type_is_file(type)) {
		n->art = art;
		trec_ref(art->rec);
		return n;
	}
	n->gen = t->gen;
	n->mode = type == TN_DIR ? 0555 : 0444;
	/* Directories carry the mount's start time: a newest-recording time
	 * would tell a caller about recordings it cannot see. */
	n->mtime = readme_mtime;
	return n;
}

/* n into dir's kids: appended while building (finish_dir sorts and counts),
 * in its place by name when patching. */
static void kids_insert(struct tnode *dir, struct tnode *n, int sorted)
{
	size_t lo = 0, hi = dir->n_kids, mid;

	if (dir->n_kids == kids_cap(dir->n_kids))
		dir->kids = xrealloc(dir->kids, kids_cap(dir->n_kids + 1) * sizeof(*dir->kids));
	if (!sorted) {
		dir->kids[dir->n_kids++] = n;
		return;
	}
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(tnode_name(dir->kids[mid]), tnode_name(n)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&dir->kids[lo + 1], &dir->kids[lo], (dir->n_kids - lo) * sizeof(*dir->kids));
	dir->kids[lo] = n;
	dir->n_kids++;
	if (n->type == TN_DIR)
		dir->n_subdirs++;
}

/*
 * The child `name` of dir (a node t may change), made when missing: a
 * file's shows art (named as art names it: rec_files), a folder's or
 * README's art is NULL.  A directory asked for again is returned as it is
 * (it may be an older tree's).  An ino collision with another path (2^-58
 * a pair; not reported): a patch drops the newcomer (NULL), as a build
 * does a folder; a build settles the others when it makes its map
 * (keep_before).
 */
static struct tnode *add_node(struct tree *t, struct tnode *dir, const char *name, enum tnode_type type,
			      struct tart *art, int sorted)
{
	uint64_t ino = tree_ino(dir->ino, name);
	struct tnode *n, *was;

	/* A build asks its own list of folders (the map is made at its end:
	 * struct tbulk); a folder there with another path is a collision. */
	if (t->bulk) {
		if (type == TN_DIR && (n = bulk_dir(t->bulk, ino)))
			return n->parent == dir->ino && !strcmp(n->name, name) ? n : NULL;
		n = new_node(t, dir, ino, name, type, art);
		node_put(t, n);
		kids_insert(dir, n, sorted);
		return n;
	}
	/* A file is new (one walk of the map, not a look-up and then a put):
	 * what it would replace is put back. */
	if (type == TN_DIR && (n = tree_find(t, ino))) {
		if (n->parent == dir->ino && n->type == TN_DIR && !strcmp(n->name, name))
			return n;
		return NULL;
	}
	n = new_node(t, dir, ino, name, type, art);
	was = tmap_put(&t->nodes, 0, ino, n, t->gen, &node_ops);
	if (was) {
		n = tmap_put(&t->nodes, 0, ino, was, t->gen, &node_ops);
		tnode_unref(n);
		return NULL;
	}
	t->n_nodes++;
	kids_insert(dir, n, sorted);
	return n;
}

/* The names of rec's files in a folder, and what each shows (the name is
 * what tnode_name() gives the node). */
static void rec_files(const struct trec *rec,
		      void (*fn)(void *ctx, const char *name, enum tnode_type type, struct tart *art), void *ctx)
{
	struct tart *a;

	for (a = rec->arts; a; a = a->next)
		fn(ctx, a->name, TN_FILE, a);
	/* No .wav view where opus_wav_size has none to give (a forged length
	 * in a row of an older recfs: a view no one could read whole). */
	if (rec->audio && rec->wav_size)
		fn(ctx, rec->wav_name, TN_WAV, rec->audio);
}

struct adding {
	struct tree *t;
	struct tnode *dir;
	int sorted;
	uint32_t mask;			/* OR of the masks added */
};

static void add_file(void *ctx, const char *name, enum tnode_type type, struct tart *art)
{
	struct adding *a = ctx;
	struct tnode *n = add_node(a->t, a->dir, name, type, art, a->sorted);

	if (n)
		a->mask |= tnode_mask(n);
}

/* The files of one recording in one directory (which t may change); the
 * OR of their masks. */
static uint32_t add_files(struct tree *t, struct tnode *dir, struct trec *rec, int sorted)
{
	struct adding a = { t, dir, sorted, 0 };

	rec_files(rec, add_file, &a);
	return a.mask;
}

#define DATE_NAME 16

static void date_names(int64_t t, char y[DATE_NAME], char m[DATE_NAME], char d[DATE_NAME])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(y, DATE_NAME, "%04d", tm.tm_year + 1900);
	snprintf(m, DATE_NAME, "%02d", tm.tm_mon + 1);
	snprintf(d, DATE_NAME, "%02d", tm.tm_mday);
}

/* The UTC day of t (days since the epoch): one y/m/d folder per value. */
static int64_t utc_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* The day folder of t under top (by-date or a source's folder), made when
 * missing.  The last one is kept in *last, which must be top's own (see
 * struct day_dir): recordings come in time order, so most of them need no
 * look-up. */
static struct tnode *date_dirs(struct builder *b, struct tnode *top, int64_t t, struct day_dir *last)
{
	char y[DATE_NAME], m[DATE_NAME], d[DATE_NAME];
	int64_t day = utc_day(t);
	struct tnode *dir;

	if (last->dir && last->day == day)
		return last->dir;
	date_names(t, y, m, d);
	dir = add_node(b->t, top, y, TN_DIR, NULL, 0);
	if (dir)
		dir = add_node(b->t, dir, m, TN_DIR, NULL, 0);
	if (dir)
		dir = add_node(b->t, dir, d, TN_DIR, NULL, 0);
	last->day = day;
	last->dir = dir;
	return dir;
}

/* The folder of source under by_source with its last day folder, kept in
 * b->sources for the few sources a register has. */
static struct source_dir *source_dir(struct builder *b, struct tnode *by_source, const char *source)
{
	char name[64];
	struct source_dir *s;
	size_t i;

	for (i = 0; i < b->n_sources; i++) {
		s = &b->sources[i];
		if (source && s->source ? !strcmp(s->source, source) : s->source == source)
			return s;
	}
	s = i < BUILD_SOURCES ? &b->sources[b->n_sources++] : &b->sources[BUILD_SOURCES];
	memset(s, 0, sizeof(*s));
	s->source = source;
	naming_component(name, sizeof(name), source);
	s->dir = add_node(b->t, by_source, name, TN_DIR, NULL, 0);
	return s;
}

/*
 * d's kids sorted by name.  A build appends a day folder's files in time
 * order, which is nearly the order of their names (the stem starts with
 * the time): an insertion sort takes them in one pass.  Past a budget of
 * moves (kids that come in no order: the subjects' folders) it leaves the
 * rest to qsort.  Names in a folder are unique, so both give one order.
 */
static void sort_kids(struct tnode *d)
{
	size_t i, j, moves = 0, budget = 4 * d->n_kids + 64;
	struct tnode *k;

	for (i = 1; i < d->n_kids; i++) {
		k = d->kids[i];
		for (j = i; j > 0 && moves < budget && strcmp(tnode_name(d->kids[j - 1]), tnode_name(k)) > 0;
		     j--, moves++)
			d->kids[j] = d->kids[j - 1];
		d->kids[j] = k;
		if (moves >= budget) {
			qsort(d->kids, d->n_kids, sizeof(*d->kids), cmp_kid);
			return;
		}
	}
}

/* Masks bottom-up, kids sorted, subdirectory counts. */
static uint32_t finish_dir(struct tnode *d)
{
	size_t i;

	if (d->type != TN_DIR)
		return tnode_mask(d);
	for (i = 0; i < d->n_kids; i++) {
		d->mask |= finish_dir(d->kids[i]);
		if (d->kids[i]->type == TN_DIR)
			d->n_subdirs++;
	}
	sort_kids(d);
	return d->mask;
}

/* s (NULL: none) copied to *at, which moves past it; the copy or NULL. */
static char *put_str(char **at, const char *s)
{
	char *d = *at;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	memcpy(d, s, len);
	*at = d + len;
	return d;
}

/*
 * Interned strings.  A recording's source, kind, purpose, legal basis and
 * data source, and an artifact's role and extension, take a few distinct
 * values in a register of millions (the policy's), so one copy of each
 * serves every recording of every snapshot for the daemon's life.  The
 * table is bounded: at most INTERN_MAX strings of under INTERN_LEN bytes
 * (under 1 MiB in all); any other value is copied into its recording or
 * artifact, as every value was before.  None of these fields names a
 * person.
 */
#define INTERN_MAX 4096
#define INTERN_LEN 128

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static struct idmap interned;		/* string -> itself, never freed */

/* The interned copy of s; NULL when s is NULL or too long, or the table
 * is full. */
static const char *intern(const char *s)
{
	char *v;

	if (!s || strlen(s) >= INTERN_LEN)
		return NULL;
	pthread_mutex_lock(&intern_lock);
	v = idmap_get(&interned, s);
	if (!v && interned.n < INTERN_MAX) {
		v = xstrdup(s);
		idmap_put(&interned, v, v);
	}
	pthread_mutex_unlock(&intern_lock);
	return v;
}

/* The bytes s takes in a recording's or artifact's own allocation: 0 when
 * it is NULL or interned (iv: intern(s)). */
static size_t own_len(const char *s, const char *iv)
{
	return !s || iv ? 0 : strlen(s) + 1;
}

/* s as a recording or artifact keeps it: iv (intern(s)) when interned,
 * else copied to *at, which moves past it (NULL: NULL). */
static char *put_interned(char **at, const char *s, const char *iv)
{
	return iv ? (char *)iv : put_str(at, s);
}

/* A recording of the snapshot from the catalog's row (copied: its strings
 * interned or in the recording's own allocation), with one reference (the
 * caller's). */
static struct trec *trec_new(const struct cat_recording *r)
{
	char stem[NAMING_STEM_MAX], wav[NAMING_NAME_MAX], *at;
	const char *own[] = { r->restricted_reason, r->legal_hold, wav };
	const char *common[] = { r->source, r->kind, r->purpose, r->legal_basis, r->data_source };
	const char *iv[sizeof(common) / sizeof(common[0])];
	struct opus_info info = { .channels = r->channels, .pcm_samples = r->pcm_samples,
				  .duration_ms = r->duration_ms };
	size_t i, len = 0;
	struct trec *rec;

	naming_stem(stem, r);
	naming_wav(wav, stem);
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		len += own[i] ? strlen(own[i]) + 1 : 0;
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		iv[i] = intern(common[i]);
		len += own_len(common[i], iv[i]);
	}
	rec = xcalloc(1, sizeof(*rec) + len);
	at = (char *)(rec + 1);
	rec->refs = 1;
	rec->row = *r;
	rec->row.source = put_interned(&at, r->source, iv[0]);
	rec->row.kind = put_interned(&at, r->kind, iv[1]);
	rec->row.purpose = put_interned(&at, r->purpose, iv[2]);
	rec->row.legal_basis = put_interned(&at, r->legal_basis, iv[3]);
	rec->row.data_source = put_interned(&at, r->data_source, iv[4]);
	rec->row.restricted_reason = put_str(&at, r->restricted_reason);
	rec->row.legal_hold = put_str(&at, r->legal_hold);
	rec->wav_name = put_str(&at, wav);
	rec->wav_size = opus_wav_size(&info);
	rec->subjects = no_subjects;
	return rec;
}

/* rec's stem (naming_stem): its WAV view's name without the label. */
static void trec_stem(const struct trec *rec, char out[NAMING_STEM_MAX])
{
	size_t len = strlen(rec->wav_name) - strlen("." NAMING_LABEL_WAV);

	memcpy(out, rec->wav_name, len);
	out[len] = '\0';
}

/* a comes before b in a recording's artifacts: by role, then n (the
 * catalog's ORDER BY role, n; roles compare as bytes, as sqlite's BINARY). */
static int art_before(const struct tart *a, const struct tart *b)
{
	int c = strcmp(a->role, b->role);

	return c < 0 || (c == 0 && a->n < b->n);
}

/* Artifact a, in its place among rec's. */
static struct tart *trec_add_art(struct trec *rec, const struct cat_artifact *a)
{
	const char *role = a->role ? a->role : "file", *irole = intern(role), *iext = intern(a->ext);
	char stem[NAMING_STEM_MAX], name[NAMING_NAME_MAX];
	size_t len;
	struct tart *art, **pp;
	char *at;

	trec_stem(rec, stem);
	naming_artifact(name, stem, role, a->n, a->ext);
	len = own_len(role, irole) + own_len(a->ext, iext) + strlen(name) + 1;
	art = xcalloc(1, sizeof(*art) + len);
	at = (char *)(art + 1);

	memcpy(art->id, a->id, sizeof(art->id));
	art->rec = rec;
	art->role = put_interned(&at, role, irole);
	art->n = a->n;
	art->ext = put_interned(&at, a->ext, iext);
	art->name = put_str(&at, name);
	art->size = a->size;
	/* In the catalog's order, (role, n), whatever order they come in;
	 * the audio is the first one of role audio ("audio" sorts first). */
	for (pp = &rec->arts; *pp && art_before(*pp, art); pp = &(*pp)->next)
		;
	art->next = *pp;
	*pp = art;
	rec->audio = !strcmp(rec->arts->role, "audio") ? rec->arts : NULL;
	return art;
}

static void trec_add_subject(struct trec *rec, const char *handle)
{
	char *s = *rec->subjects ? xasprintf("%s,%s", rec->subjects, handle) : xstrdup(handle);

	if (rec->subjects != no_subjects)
		free(rec->subjects);
	rec->subjects = s;
}

/* The bit of level in an artifact's mask (0: a level the policy has not). */
static uint32_t level_bit(const struct policy *p, const char *level)
{
	int i = policy_level_index(p, level);

	return i >= 0 && i < POLICY_MAX_LEVELS ? 1u << i : 0;
}

static void art_add_seal(const struct policy *p, struct tart *art, const char *level)
{
	art->mask |= level_bit(p, level);
}

/* By recorded_at, then id: catalog_each_recording's order. */
static int cmp_time(const void *a, const void *b)
{
	const struct trec *x = *(struct trec *const *)a, *y = *(struct trec *const *)b;

	if (x->row.recorded_at != y->row.recorded_at)
		return x->row.recorded_at < y->row.recorded_at ? -1 : 1;
	return strcmp(x->row.id, y->row.id);
}

static int each_rec(const struct cat_recording *r, void *ctx)
{
	struct builder *b = ctx;
	struct tree *t = b->t;
	struct trec *rec = trec_new(r), *was;
	uint64_t key = rec_id_key(rec->row.id);

	/* The builder's reference, dropped at the end of the build; the map
	 * takes one of its own. */
	idmap_put(&b->recs, rec->row.id, rec);
	if (b->n_order == b->cap_order) {
		b->cap_order = b->cap_order ? b->cap_order * 2 : 256;
		b->order = xrealloc(b->order, b->cap_order * sizeof(*b->order));
	}
	b->order[b->n_order++] = rec;
	/* One walk of the map: a recording already under key is put back. */
	trec_ref(rec);
	was = tmap_put(&t->recs, 0, key, rec, t->gen, &rec_ops);
	if (was) {
		t->no_patch = 1;	/* 2^-64 per pair: this tree is rebuilt, never patched */
		trec_unref(tmap_put(&t->recs, 0, key, was, t->gen, &rec_ops));
		return 0;
	}
	t->n_recs++;
	return 0;
}

/*
 * The recording of an artifact read in the artifacts' table order.  A
 * recording's artifacts are written right after it, so in the two tables'
 * own order an artifact's recording is mostly the last one's or the one
 * after it, next in b->order (still in the recordings' table order then):
 * asked there first, with no look-up of the map.
 */
static struct trec *rec_of_art(struct builder *b, const char *id)
{
	size_t i;

	for (i = b->art_at; i < b->n_order && i < b->art_at + 2; i++)
		if (!strcmp(b->order[i]->row.id, id)) {
			b->art_at = i;
			return b->order[i];
		}
	return idmap_get(&b->recs, id);
}

static int each_art(const struct cat_artifact *a, void *ctx)
{
	struct builder *b = ctx;
	struct trec *rec = rec_of_art(b, a->recording);
	struct tart *art;

	if (!rec)
		return 0;
	art = trec_add_art(rec, a);
	idmap_put(&b->arts, art->id, art);
	return 0;
}

/* The builder's one struct bhandle of handle (freed with the builder). */
static struct bhandle *handle_copy(struct builder *b, const char *handle)
{
	struct bhandle *h = idmap_get(&b->handles, handle);
	size_t len;

	if (!h) {
		len = strlen(handle) + 1;
		h = xcalloc(1, sizeof(*h) + len);
		memcpy(h->name, handle, len);
		idmap_put(&b->handles, h->name, h);
	}
	return h;
}

/* The folder of handle h under by_subject, made when first asked for (a
 * subject of many calls is named once); NULL when it cannot be. */
static struct tnode *subject_dir(struct builder *b, struct tnode *by_subject, struct bhandle *h)
{
	char name[64];

	if (!h->made) {
		h->made = 1;
		naming_component(name, sizeof(name), h->name);
		h->dir = add_node(b->t, by_subject, name, TN_DIR, NULL, 0);
		if (h->dir && !h->dir->handle)
			h->dir->handle = xstrdup(h->name);
	}
	return h->dir;
}

static int each_subject(const char *handle, void *ctx)
{
	struct builder *b = ctx;

	if (b->n_subjects == b->cap_subjects) {
		b->cap_subjects = b->cap_subjects ? b->cap_subjects * 2 : 64;
		b->subjects = xrealloc(b->subjects, b->cap_subjects * sizeof(*b->subjects));
	}
	b->subjects[b->n_subjects++] = handle_copy(b, handle);
	return 0;
}

/*
 * A chunk of an elog, room for cap bytes.  The reading aside's thread
 * fills them, the build's frees them: its own pages (munmap), or they
 * would stay in that thread's malloc arena, out of reach of the nodes made
 * next, until the build's malloc_trim (90 MiB more at the peak of a
 * 1,000,000-recording build).  Plain mallocs under AddressSanitizer.
 */
#if UTIL_ASAN
static struct echunk *echunk_new(size_t cap)
{
	return xrealloc(NULL, sizeof(struct echunk) + cap);
}

static void echunk_free(struct echunk *c)
{
	free(c);
}
#else
static struct echunk *echunk_new(size_t cap)
{
	return map_or_die(sizeof(struct echunk) + cap);
}

static void echunk_free(struct echunk *c)
{
	munmap(c, sizeof(*c) + c->cap);
}
#endif

/* Room for an entry of head bytes and id at the end of l: its head. */
static void *elog_add(struct elog *l, size_t head, const char *id)
{
	size_t len = strlen(id) + 1, size = (head + len + 7) & ~(size_t)7, cap;
	struct echunk *c = l->tail;
	unsigned char *at;

	if (!c || c->cap - c->used < size) {
		cap = size > ECHUNK_ROOM ? size : ECHUNK_ROOM;
		c = echunk_new(cap);
		c->next = NULL;
		c->used = 0;
		c->cap = cap;
		if (l->tail)
			l->tail->next = c;
		else
			l->head = c;
		l->tail = c;
	}
	at = c->data + c->used;
	c->used += size;
	memcpy(at + head, id, len);
	return at;
}

/* fn(head, id, ctx) for each entry of l in order (fn NULL: none), each
 * chunk freed once walked: l is empty after. */
static void elog_drain(struct elog *l, size_t head, void (*fn)(const void *e, const char *id, void *ctx), void *ctx)
{
	struct echunk *c, *next;
	const char *id;
	size_t at, len;

	for (c = l->head; c; c = next) {
		for (at = 0; fn && at < c->used; at += (head + len + 7) & ~(size_t)7) {
			id = (const char *)c->data + at + head;
			len = strlen(id) + 1;
			fn(c->data + at, id, ctx);
		}
		next = c->next;
		echunk_free(c);
	}
	l->head = l->tail = NULL;
}

static int aside_seal(const char *object, const char *level, void *ctx)
{
	struct aside *a = ctx;
	uint32_t bit = level_bit(a->b->p, level), *mask;

	if (!bit)
		return 0;
	/* Seals come by object, an object's two or three in a row: one
	 * entry each. */
	if (!a->last_id || strcmp(a->last_id, object)) {
		mask = elog_add(&a->seals, sizeof(*mask), object);
		*mask = 0;
		a->last_mask = mask;
		a->last_id = (const char *)(mask + 1);
	}
	*a->last_mask |= bit;
	return 0;
}

static int aside_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct aside *a = ctx;
	struct bhandle *h;

	(void)role;
	if (!recording || !handle)
		return 0;
	h = handle_copy(a->b, handle);
	memcpy(elog_add(&a->links, sizeof(h), recording), &h, sizeof(h));
	return 0;
}

/* The seals, links and subjects, from a->c's read transaction. */
static void read_aside(struct aside *a)
{
	int rc = catalog_each_artifact_seal(a->c, aside_seal, a);

	if (rc == 0)
		rc = catalog_each_link(a->c, NULL, aside_link, a);
	if (rc == 0)
		rc = catalog_each_subject(a->c, each_subject, a->b);
	if (rc < 0)
		snprintf(a->err, sizeof(a->err), "%s", meta_errmsg());
	a->rc = rc;
}

static void *aside_thread(void *arg)
{
	read_aside(arg);
	return NULL;
}

/* A seal entry's levels into its artifact (none: one the build left out,
 * of no recording). */
static void apply_seal(const void *e, const char *id, void *ctx)
{
	struct builder *b = ctx;
	struct tart *art = idmap_get(&b->arts, id);
	uint32_t mask;

	if (art) {
		memcpy(&mask, e, sizeof(mask));
		art->mask |= mask;
	}
}

static void apply_link(const void *e, const char *id, void *ctx)
{
	struct builder *b = ctx;
	struct trec *rec = idmap_get(&b->recs, id);
	struct bhandle *h;

	if (!rec)
		return;
	memcpy(&h, e, sizeof(h));
	trec_add_subject(rec, h->name);
	if (b->n_links == b->cap_links) {
		b->cap_links = b->cap_links ? b->cap_links * 2 : 64;
		b->links = xrealloc(b->links, b->cap_links * sizeof(*b->links));
	}
	b->links[b->n_links].rec = rec;
	b->links[b->n_links].handle = h;
	b->n_links++;
}

int tree_read_aside = 1;
void (*tree_test_between_reads)(void);
unsigned long tree_builds_aside;

/*
 * The build's read transactions: on c, and on a twin connection for the
 * reading aside, when one can be had and both are sure to show the same
 * (else *twin is NULL, and the aside is read on c).  sqlite cannot give
 * one snapshot to two connections here (Debian's is built without
 * sqlite3_snapshot_open): the twin's transaction is begun first, then
 * c's, and the two must read the same content version and change log
 * sequence, which move with every commit that changes what a mount shows
 * (catalog.h), the build's own reason to be.  *in_tx: c's is open.
 */
static int begin_reads(struct catalog *c, struct tree *t, struct catalog **twin, int *in_tx)
{
	struct catalog *tw = NULL;
	int64_t version, seq;
	int rc;

	if (tree_read_aside && catalog_open_twin(c, &tw) == 0 &&
	    (catalog_begin_read(tw) < 0 || catalog_content_version(tw, &version) < 0 ||
	     catalog_change_seq(tw, &seq) < 0)) {
		catalog_close(tw);
		tw = NULL;
	}
	if (tree_test_between_reads)
		tree_test_between_reads();
	rc = catalog_begin_read(c);
	*in_tx = rc == 0;
	if (rc == 0)
		rc = catalog_content_version(c, &t->content_version);
	if (rc == 0)
		rc = catalog_change_seq(c, &t->change_seq);
	if (tw && (rc < 0 || version != t->content_version || seq != t->change_seq)) {
		catalog_end_read(tw);
		catalog_close(tw);
		tw = NULL;
	}
	*twin = tw;
	return rc;
}

static struct tnode *new_root(struct tree *t)
{
	struct tnode *n = node_alloc("/");

	n->refs = 1;
	n->gen = t->gen;
	n->ino = TREE_ROOT_INO;
	n->parent = TREE_ROOT_INO;
	n->type = TN_DIR;
	n->always = 1;
	n->shared = 1;
	n->mode = 0555;
	n->mtime = readme_mtime;
	node_put(t, n);
	return n;
}

static uint32_t rights_bit(const struct policy *p)
{
	return p->rights_level >= 0 && p->rights_level < POLICY_MAX_LEVELS ? 1u << p->rights_level : 0;
}

static struct tree *tree_new(size_t n_levels)
{
	struct tree *t = xcalloc(1, sizeof(*t));

	t->refs = 1;
	t->gen = next_gen();
	t->n_levels = n_levels;
	return t;
}

int tree_build(struct catalog *c, const struct policy *p, const uint64_t *readme_sizes,
	       struct tree **out)
{
	struct builder b = { .p = p };
	struct catalog *twin = NULL;
	struct tnode *readme, *by_date, *by_source, *by_subject, *d;
	char name[64];
	size_t i;
	int rc, in_tx = 0;

	if (!readme_mtime)
		readme_mtime = util_now();
	b.t = tree_new(p->n_levels);
	b.t->bulk = xcalloc(1, sizeof(*b.t->bulk));
	b.t->recs = TAG(tmap_new(b.t->gen, 4));
	/* Every walk sees one snapshot: c's, or the twin's, the same. */
	rc = begin_reads(c, b.t, &twin, &in_tx);
	if (rc < 0)
		goto out;
	b.aside.b = &b;
	b.aside.c = twin ? twin : c;
	if (twin) {
		__atomic_add_fetch(&tree_builds_aside, 1, __ATOMIC_RELAXED);
		b.aside.running = pthread_create(&b.aside.thread, NULL, aside_thread, &b.aside) == 0;
	}
	b.t->root = new_root(b.t);
	/* The notice in the first language is README.txt, as it always was. */
	for (i = 0; i < p->n_langs; i++) {
		if (i)
			snprintf(name, sizeof(name), "README.%s.txt", p->langs[i]);
		else
			snprintf(name, sizeof(name), "README.txt");
		readme = add_node(b.t, b.t->root, name, TN_README, NULL, 0);
		if (!readme)
			continue;
		readme->always = 1;
		readme->shared = 1;
		readme->lang = (uint8_t)i;
		readme->mode = 0444;
		readme->size = readme_sizes ? readme_sizes[i] : 0;
		readme->mtime = readme_mtime;
	}
	by_date = add_node(b.t, b.t->root, "by-date", TN_DIR, NULL, 0);
	by_source = add_node(b.t, b.t->root, "by-source", TN_DIR, NULL, 0);
	by_subject = add_node(b.t, b.t->root, "by-subject", TN_DIR, NULL, 0);
	by_date->always = by_source->always = by_subject->always = 1;

	/* Each table in its own order, one pass over it (the ordered walks
	 * look up every row from an index: most of a large build's time);
	 * then the recordings sorted as catalog_each_recording gives them. */
	rc = catalog_scan_recordings(c, each_rec, &b);
	if (rc < 0)
		goto out;
	rc = catalog_scan_artifacts(c, each_art, &b);
	if (rc < 0)
		goto out;
	if (b.n_order > 1)	/* an empty register has no table to sort (NULL) */
		qsort(b.order, b.n_order, sizeof(*b.order), cmp_time);
	if (b.aside.running) {
		pthread_join(b.aside.thread, NULL);
		b.aside.running = 0;
	} else {
		read_aside(&b.aside);
	}
	/* The twin's snapshot goes before the nodes are made: a read
	 * transaction holds the WAL's checkpoint back, and its cache is
	 * memory at the build's peak. */
	if (twin) {
		catalog_end_read(twin);
		catalog_close(twin);
		twin = NULL;
	}
	rc = b.aside.rc;
	if (rc < 0) {
		meta_fail(rc, "%s", b.aside.err);
		goto out;
	}
	elog_drain(&b.aside.seals, sizeof(uint32_t), apply_seal, &b);
	idmap_free(&b.arts);
	elog_drain(&b.aside.links, sizeof(struct bhandle *), apply_link, &b);
	idmap_free(&b.recs);

	/* In the catalog's order (by time): the day folders come one after
	 * the other, and each folder's files come nearly sorted. */
	for (i = 0; i < b.n_order; i++) {
		struct trec *rec = b.order[i];
		struct source_dir *s;

		d = date_dirs(&b, by_date, rec->row.recorded_at, &b.by_date);
		if (d)
			add_files(b.t, d, rec, 0);
		s = source_dir(&b, by_source, rec->row.source);
		if (s->dir && (d = date_dirs(&b, s->dir, rec->row.recorded_at, &s->last)))
			add_files(b.t, d, rec, 0);
	}
	for (i = 0; i < b.n_links; i++)
		if ((d = subject_dir(&b, by_subject, b.links[i].handle)))
			add_files(b.t, d, b.links[i].rec, 0);
	/*
	 * The rights level sees every subject that still exists, including
	 * one whose recordings are all gone, so that `rm -r by-subject/H`
	 * can finish with rmdir and erase the card.
	 */
	for (i = 0; i < b.n_subjects; i++)
		if ((d = subject_dir(&b, by_subject, b.subjects[i])))
			d->mask |= rights_bit(p);
	/* What only the loops above needed goes before the map is made: the
	 * build's peak of memory comes then. */
	free(b.links);
	b.links = NULL;
	free(b.subjects);
	b.subjects = NULL;
	bulk_map(b.t);
	finish_dir(b.t->root);
	rc = 0;
out:
	if (b.aside.running)
		pthread_join(b.aside.thread, NULL);
	elog_drain(&b.aside.seals, 0, NULL, NULL);
	elog_drain(&b.aside.links, 0, NULL, NULL);
	if (twin) {
		catalog_end_read(twin);
		catalog_close(twin);
	}
	if (b.t->bulk)		/* a failed build's nodes are freed with its map */
		bulk_map(b.t);
	if (in_tx)
		catalog_end_read(c);
	for (i = 0; i < b.n_order; i++)
		trec_unref(b.order[i]);
	idmap_free(&b.recs);
	idmap_free(&b.arts);
	free(b.order);
	free(b.links);
	free(b.subjects);
	for (i = 0; i < b.handles.cap; i++)
		free(b.handles.slots[i].val);
	idmap_free(&b.handles);
	/* The builder's tables, freed, are whole pages amid the tree's: given
	 * back, or they stay in the daemon's resident size. */
	malloc_trim(0);
	if (rc < 0) {
		tree_unref(b.t);
		return rc;
	}
	*out = b.t;
	return 0;
}

void tree_ref(struct tree *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

void tree_unref(struct tree *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (t->nodes)
		tmap_unref(SUB(t->nodes), &node_ops);
	if (t->recs)
		tmap_unref(SUB(t->recs), &rec_ops);
	free(t);
}

static int attrs_differ(const struct tnode *a, const struct tnode *b)
{
	const struct trec *ra = tnode_rec(a), *rb = tnode_rec(b);

	if (tnode_mask(a) != tnode_mask(b) || a->type != b->type || tnode_mode(a) != tnode_mode(b) ||
	    tnode_size(a) != tnode_size(b) || tnode_mtime(a) != tnode_mtime(b) ||
	    tnode_n_kids(a) != tnode_n_kids(b))
		return 1;
	if (ra && rb && (ra->row.restricted_since != rb->row.restricted_since ||
			 ra->row.retention_until != rb->row.retention_until || ra->row.locked != rb->row.locked ||
			 !!ra->row.legal_hold != !!rb->row.legal_hold))
		return 1;
	return 0;
}

/* 1 when view v (a caller of level v - 1) sees n. */
static int seen_in_view(const struct tnode *n, unsigned v)
{
	return tree_visible(n, (int)v - 1);
}

struct differ {
	const struct tree *old, *cur;
	void (*inval_entry)(void *ctx, uint64_t parent, const char *name);
	void (*inval_inode)(void *ctx, uint64_t ino);
	void *ctx;
};

/*
 * 1 when a folder shows other attributes in cur (m) than in old (n): the
 * kernel caches a folder's attributes only (no listing: no cache_readdir,
 * no negative entries), and they are the same whatever its kids
 * (fill_attr: size, nlink and times say nothing of them).  A kid added or
 * gone changes n_kids and the mask, which no view is shown: invalidating
 * the folder then in every view that sees it made a low level's next stat
 * of a day or subject folder a round trip when a recording it cannot see
 * was ingested, erased or restricted there, a timing that told of it
 * (atk23 F1).  A kid's own name is invalidated in the views that saw it.
 */
static int folder_shown_differs(const struct tnode *n, const struct tnode *m)
{
	return tnode_mode(n) != tnode_mode(m) || tnode_size(n) != tnode_size(m) || tnode_mtime(n) != tnode_mtime(m);
}

/* What the kernel may hold stale of old's node n, now that cur is current. */
static void diff_node(void *item, void *ctx)
{
	const struct differ *d = ctx;
	const struct tnode *n = item, *m = tree_find(d->cur, n->ino), *parent;
	unsigned v;
	int inode;

	if (m && !attrs_differ(n, m))
		return;
	inode = !m || n->type != TN_DIR || m->type != TN_DIR || folder_shown_differs(n, m);
	parent = tree_find(d->old, n->parent);
	for (v = 0; v <= d->old->n_levels; v++) {
		if (!seen_in_view(n, v) || (n->shared && v > 0))
			continue;
		if (inode && d->inval_inode)
			d->inval_inode(d->ctx, tree_nodeid(n, v));
		if ((m && seen_in_view(m, v)) || !parent)
			continue;
		if (d->inval_entry)
			d->inval_entry(d->ctx, tree_nodeid(parent, v), tnode_name(n));
	}
}

void tree_diff(const struct tree *old, const struct tree *cur,
	       void (*inval_entry)(void *ctx, uint64_t parent, const char *name),
	       void (*inval_inode)(void *ctx, uint64_t ino), void *ctx)
{
	struct differ d = { old, cur, inval_entry, inval_inode, ctx };

	tmap_each(old->nodes, diff_node, &d);
}

struct each_gid {
	uint32_t moved, own;
	int only_view;
	unsigned n_views;
	int (*fn)(void *ctx, uint64_t ino);
	void *ctx;
	int stopped;
};

static void each_gid_moved(void *item, void *ctx)
{
	struct each_gid *e = ctx;
	const struct tnode *n = item;

	if (e->stopped || !tnode_is_file(n) || !(tnode_mask(n) & e->moved))
		return;
	for (unsigned v = 0; v <= e->n_views && !e->stopped; v++) {
		uint32_t own = v > 0 ? 1u << (v - 1) : 0;

		if ((e->only_view >= 0 && v != (unsigned)e->only_view) || !seen_in_view(n, v))
			continue;
		/* v's level's gid moved (shown, or now shown or not), or
		 * the gid of the level it shows instead */
		if ((own & e->moved) || ((1u << tnode_group_level(n, v, (own & e->own) != 0)) & e->moved))
			e->stopped = e->fn(e->ctx, tree_nodeid(n, v)) != 0;
	}
}

int tree_each_gid_moved(const struct tree *t, uint32_t moved, uint32_t own, int only_view,
			int (*fn)(void *ctx, uint64_t ino), void *ctx)
{
	struct each_gid e = { moved, own, only_view, (unsigned)t->n_levels, fn, ctx, 0 };

	tmap_each(t->nodes, each_gid_moved, &e);
	return e.stopped ? -EINTR : 0;
}

/* ---- patching ---- */

/* A directory whose mask, count or existence has to be looked at again. */
struct dirty {
	uint64_t ino;
	int depth;
	uint32_t maybe_lost;		/* bits of kids that went or lost them: look again */
};

struct patch {
	struct tree *t;
	const struct tree *old;
	struct catalog *c;
	const struct policy *p;
	struct idmap seen;		/* recording ids and "s:" handles, deduplicated */
	char **recs, **subjects;
	size_t n_recs, n_subjects;
	const struct tnode **touched;	/* old's nodes replaced or removed */
	size_t n_touched, cap_touched;
	struct dirty *dirty;
	size_t n_dirty, cap_dirty;
	uint64_t by_date, by_source, by_subject;
	int full;			/* a row naming nothing: rebuild */
};

static void touched(struct patch *pt, const struct tnode *n)
{
	/* Not a node this patch made (a file's node has no generation:
	 * whether old holds it tells). */
	if (tnode_is_file(n) ? tree_find(pt->old, n->ino) != n : n->gen == pt->t->gen)
		return;
	if (pt->n_touched == pt->cap_touched) {
		pt->cap_touched = pt->cap_touched ? pt->cap_touched * 2 : 64;
		pt->touched = xrealloc(pt->touched, pt->cap_touched * sizeof(*pt->touched));
	}
	pt->touched[pt->n_touched++] = n;
}

static void mark_dirty(struct patch *pt, uint64_t ino, uint32_t maybe_lost)
{
	if (pt->n_dirty == pt->cap_dirty) {
		pt->cap_dirty = pt->cap_dirty ? pt->cap_dirty * 2 : 64;
		pt->dirty = xrealloc(pt->dirty, pt->cap_dirty * sizeof(*pt->dirty));
	}
	pt->dirty[pt->n_dirty].ino = ino;
	pt->dirty[pt->n_dirty].depth = 0;
	pt->dirty[pt->n_dirty].maybe_lost = maybe_lost;
	pt->n_dirty++;
}

/* The folder or README ino of the patched tree, made its own (copied,
 * with every directory above it, when an older tree's); NULL when there
 * is none, or when ino is a file's (a file's node never changes: a patch
 * replaces it). */
static struct tnode *own(struct patch *pt, uint64_t ino)
{
	struct tree *t = pt->t;
	struct tnode *n = tree_find(t, ino), *c, *parent, **slot;
	char *name;

	if (!n || tnode_is_file(n))
		return NULL;
	if (n->gen == t->gen)
		return n;
	c = node_alloc(n->name);
	name = c->name;
	memcpy(c, n, sizeof(*c));
	c->name = name;
	c->handle = dup_or_null(n->handle);
	c->kids = n->n_kids ? xcalloc(kids_cap(n->n_kids), sizeof(*c->kids)) : NULL;
	if (n->n_kids)
		memcpy(c->kids, n->kids, n->n_kids * sizeof(*c->kids));
	c->refs = 1;
	c->gen = t->gen;
	touched(pt, n);
	node_put(t, c);		/* drops the map's reference to n: old holds its own */
	if (ino == TREE_ROOT_INO) {
		t->root = c;
		return c;
	}
	parent = own(pt, c->parent);
	if (parent && (slot = kid_slot(parent, tnode_name(c))))
		*slot = c;
	return c;
}

/* Take the node ino (a file, or an empty folder) out of the patched tree;
 * its folder is marked dirty when `mark`. */
static void remove_node(struct patch *pt, uint64_t ino, int mark)
{
	struct tree *t = pt->t;
	struct tnode *n = tree_find(t, ino), *dir, **slot;

	if (!n || ino == TREE_ROOT_INO)
		return;
	dir = own(pt, n->parent);
	if (dir && (slot = kid_slot(dir, tnode_name(n)))) {
		memmove(slot, slot + 1, (size_t)(dir->kids + dir->n_kids - slot - 1) * sizeof(*dir->kids));
		dir->n_kids--;
		if (n->type == TN_DIR)
			dir->n_subdirs--;
		if (mark)
			mark_dirty(pt, dir->ino, tnode_mask(n));
	}
	n = tmap_del(&t->nodes, 0, ino, t->gen, &node_ops);
	touched(pt, n);
	t->n_nodes--;
	tnode_unref(n);
}

/* The ino of the folder name in parent, made when missing (0: another
 * kind of node has that ino). */
static uint64_t ensure_dir(struct patch *pt, uint64_t parent, const char *name, const char *handle)
{
	uint64_t ino = tree_ino(parent, name);
	struct tnode *n = tree_find(pt->t, ino), *d;

	if (n)
		return n->type == TN_DIR && n->parent == parent && !strcmp(n->name, name) ? ino : 0;
	d = own(pt, parent);
	if (!d || !(n = add_node(pt->t, d, name, TN_DIR, NULL, 1)))
		return 0;
	if (handle)
		n->handle = xstrdup(handle);
	mark_dirty(pt, ino, 0);
	return ino;
}

/* The folders a recording's files are in: by-date, by-source, then one
 * per subject (0 where a folder cannot be). */
static size_t rec_dirs(struct patch *pt, const struct trec *rec, int make, uint64_t **out)
{
	char y[DATE_NAME], m[DATE_NAME], d[DATE_NAME], name[64], *list, *h, *save = NULL;
	uint64_t ino, *dirs = NULL;
	size_t n = 0;
	int k;

	date_names(rec->row.recorded_at, y, m, d);
	for (k = 0; k < 2; k++) {
		if (!k) {
			ino = pt->by_date;
		} else {
			naming_component(name, sizeof(name), rec->row.source);
			ino = make ? ensure_dir(pt, pt->by_source, name, NULL) : tree_ino(pt->by_source, name);
		}
		if (ino)
			ino = make ? ensure_dir(pt, ino, y, NULL) : tree_ino(ino, y);
		if (ino)
			ino = make ? ensure_dir(pt, ino, m, NULL) : tree_ino(ino, m);
		if (ino)
			ino = make ? ensure_dir(pt, ino, d, NULL) : tree_ino(ino, d);
		dirs = xrealloc(dirs, (n + 1) * sizeof(*dirs));
		dirs[n++] = ino;
	}
	list = xstrdup(rec->subjects);
	for (h = strtok_r(list, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		naming_component(name, sizeof(name), h);
		ino = make ? ensure_dir(pt, pt->by_subject, name, h) : tree_ino(pt->by_subject, name);
		dirs = xrealloc(dirs, (n + 1) * sizeof(*dirs));
		dirs[n++] = ino;
	}
	free(list);
	*out = dirs;
	return n;
}

struct removing {
	struct patch *pt;
	uint64_t dir;
	const struct trec *rec;
};

static void remove_file(void *ctx, const char *name, enum tnode_type type, struct tart *art)
{
	struct removing *r = ctx;
	uint64_t ino = tree_ino(r->dir, name);
	const struct tnode *n = tree_find(r->pt->t, ino);

	(void)type;
	(void)art;
	if (n && tnode_rec(n) == r->rec)
		remove_node(r->pt, ino, 1);
}

static int load_art(const struct cat_artifact *a, void *ctx)
{
	trec_add_art(ctx, a);
	return 0;
}

struct sealing {
	const struct policy *p;
	struct tart *art;
};

static int load_seal(const char *object, const char *level, void *ctx)
{
	struct sealing *s = ctx;

	(void)object;
	art_add_seal(s->p, s->art, level);
	return 0;
}

static int load_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	if (handle)
		trec_add_subject(ctx, handle);
	return 0;
}

/* Recording id as the catalog now has it, or NULL (*out) when it is gone. */
static int load_rec(struct patch *pt, const char *id, struct trec **out)
{
	struct cat_recording row;
	struct trec *rec;
	struct tart *a;
	int rc = catalog_get_recording(pt->c, id, &row);

	*out = NULL;
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rec = trec_new(&row);
	cat_recording_clear(&row);
	rc = catalog_each_artifact(pt->c, id, load_art, rec);
	for (a = rec->arts; rc == 0 && a; a = a->next) {
		struct sealing s = { pt->p, a };

		rc = catalog_each_seal_of(pt->c, a->id, load_seal, &s);
	}
	if (rc == 0)
		rc = catalog_each_link(pt->c, id, load_link, rec);
	if (rc < 0) {
		trec_unref(rec);
		return rc;
	}
	*out = rec;
	return 0;
}

/* Recording id: its old files out, its new ones in. */
static int patch_rec(struct patch *pt, const char *id)
{
	struct tree *t = pt->t;
	struct trec *was = tmap_get(t->recs, &rec_ops, rec_id_key(id)), *rec = NULL;
	uint64_t *dirs;
	size_t n, i;
	int rc;

	if (was && strcmp(was->row.id, id))
		return -ESTALE;	/* two ids, one key: rebuild */
	rc = load_rec(pt, id, &rec);
	if (rc < 0)
		return rc;
	if (was) {
		n = rec_dirs(pt, was, 0, &dirs);
		for (i = 0; i < n; i++) {
			struct removing r = { pt, dirs[i], was };

			if (dirs[i])
				rec_files(was, remove_file, &r);
		}
		free(dirs);
	}
	if (!rec) {
		if (was) {
			was = tmap_del(&t->recs, 0, rec_id_key(id), t->gen, &rec_ops);
			t->n_recs--;
			trec_unref(was);
		}
		return 0;
	}
	was = tmap_put(&t->recs, 0, rec_id_key(id), rec, t->gen, &rec_ops);
	if (was)
		trec_unref(was);
	else
		t->n_recs++;
	n = rec_dirs(pt, rec, 1, &dirs);
	for (i = 0; i < n; i++) {
		struct tnode *d = dirs[i] ? own(pt, dirs[i]) : NULL;

		if (!d)
			continue;
		d->mask |= add_files(t, d, rec, 1);
		mark_dirty(pt, d->ino, 0);
	}
	free(dirs);
	return 0;
}

/* Subject handle came or went: its folder is looked at again. */
static int patch_subject(struct patch *pt, const char *handle)
{
	char name[64], card[RECFS_ID_HEX];
	uint64_t ino;
	int rc;

	naming_component(name, sizeof(name), handle);
	ino = tree_ino(pt->by_subject, name);
	if (!tree_find(pt->t, ino)) {
		rc = catalog_get_subject(pt->c, handle, card);
		if (rc == -ENOENT)
			return 0;
		if (rc < 0)
			return rc;
		ino = ensure_dir(pt, pt->by_subject, name, handle);
	}
	if (ino)
		mark_dirty(pt, ino, ~0u);
	return 0;
}

static int cmp_dirty(const void *a, const void *b)
{
	const struct dirty *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The entry of ino among the first n (sorted by cmp_dirty), or NULL. */
static struct dirty *find_dirty(struct dirty *d, size_t n, uint64_t ino, int depth)
{
	struct dirty key = { .ino = ino, .depth = depth };

	return bsearch(&key, d, n, sizeof(*d), cmp_dirty);
}

/*
 * The folders that changed, deepest first: an empty one goes (not the
 * root or its top folders, nor the folder of a subject that exists), a
 * mask is recomputed from the kids where one may have lost bits, else
 * grows with them, and the parent learns of either.
 */
static int fix_dirs(struct patch *pt)
{
	struct tree *t = pt->t;
	struct dirty *d;
	struct tnode *n;
	size_t i, k, n0 = pt->n_dirty;
	uint64_t ino;
	int depth, rc;

	/* Every ancestor too, each with its depth. */
	for (i = 0; i < n0; i++) {
		depth = 0;
		for (ino = pt->dirty[i].ino; ino != TREE_ROOT_INO && (n = tree_find(t, ino)); depth++) {
			ino = n->parent;
			mark_dirty(pt, ino, 0);
		}
		pt->dirty[i].depth = depth;
		/* The ancestors just marked, from the parent up. */
		for (k = pt->n_dirty - (size_t)depth; k < pt->n_dirty; k++)
			pt->dirty[k].depth = --depth;
	}
	qsort(pt->dirty, pt->n_dirty, sizeof(*pt->dirty), cmp_dirty);
	for (i = k = 0; i < pt->n_dirty; i++) {
		if (k && pt->dirty[k - 1].ino == pt->dirty[i].ino) {
			pt->dirty[k - 1].maybe_lost |= pt->dirty[i].maybe_lost;
			continue;
		}
		pt->dirty[k++] = pt->dirty[i];
	}
	pt->n_dirty = k;
	for (i = 0; i < pt->n_dirty; i++) {
		const struct tnode *was;
		struct tnode *parent;
		int subject, exists = 0, top;
		uint32_t lost;

		d = &pt->dirty[i];
		n = own(pt, d->ino);
		if (!n || n->type != TN_DIR)
			continue;
		subject = n->parent == pt->by_subject && n->ino != pt->by_subject;
		if (subject && n->handle) {
			char card[RECFS_ID_HEX];

			rc = catalog_get_subject(pt->c, n->handle, card);
			if (rc < 0 && rc != -ENOENT)
				return rc;
			exists = rc == 0;
		}
		if (subject) {
			n->mask = exists ? rights_bit(pt->p) : 0;
			for (k = 0; k < n->n_kids; k++)
				n->mask |= tnode_mask(n->kids[k]);
		} else if (d->maybe_lost & n->mask) {
			/* Only the bits at risk, and only until each is found
			 * again: a day's folder is not walked for a file that
			 * came back with its mask. */
			uint32_t want = n->mask & d->maybe_lost, found = 0;

			for (k = 0; k < n->n_kids && found != want; k++)
				found |= tnode_mask(n->kids[k]) & want;
			n->mask = (n->mask & ~want) | found;
		}
		top = n->ino == TREE_ROOT_INO || n->parent == TREE_ROOT_INO;
		if (!top && !n->n_kids && !exists) {
			struct dirty *pd = find_dirty(pt->dirty, pt->n_dirty, n->parent, d->depth - 1);

			was = tree_find(pt->old, n->ino);
			remove_node(pt, n->ino, 0);
			if (pd)
				pd->maybe_lost |= was ? tnode_mask(was) : 0;
			continue;
		}
		if (n->ino == TREE_ROOT_INO)
			continue;
		was = tree_find(pt->old, n->ino);
		lost = was ? tnode_mask(was) & ~n->mask : 0;
		parent = own(pt, n->parent);
		if (!parent)
			continue;
		parent->mask |= n->mask;
		if (lost) {
			struct dirty *pd = find_dirty(pt->dirty, pt->n_dirty, parent->ino, d->depth - 1);

			if (pd)
				pd->maybe_lost |= lost;
		}
	}
	return 0;
}

static int collect_change(int64_t seq, const char *recording, const char *subject, void *ctx)
{
	struct patch *pt = ctx;
	char *key;

	(void)seq;
	if (!recording && !subject) {
		pt->full = 1;
		return 0;
	}
	key = recording ? xstrdup(recording) : xasprintf("s:%s", subject);
	if (idmap_get(&pt->seen, key)) {
		free(key);
		return 0;
	}
	idmap_put(&pt->seen, key, key);
	if (recording) {
		pt->recs = xrealloc(pt->recs, (pt->n_recs + 1) * sizeof(*pt->recs));
		pt->recs[pt->n_recs++] = key;
	} else {
		pt->subjects = xrealloc(pt->subjects, (pt->n_subjects + 1) * sizeof(*pt->subjects));
		pt->subjects[pt->n_subjects++] = key;
	}
	return 0;
}

int tree_apply(const struct tree *old, struct catalog *c, const struct policy *p,
	       void (*inval_entry)(void *ctx, uint64_t parent, const char *name),
	       void (*inval_inode)(void *ctx, uint64_t ino), void *ctx, struct tree **out)
{
	struct patch pt = { .old = old, .c = c, .p = p };
	struct tree *t = NULL;
	int64_t cv, seq;
	size_t i;
	int rc;

	if (old->no_patch)
		return -ESTALE;
	rc = catalog_begin_read(c);
	if (rc < 0)
		return rc;
	rc = catalog_content_version(c, &cv);
	if (rc == 0)
		rc = catalog_change_seq(c, &seq);
	if (rc < 0)
		goto out;
	if (seq == old->change_seq && cv == old->content_version) {
		tree_ref((struct tree *)old);
		*out = (struct tree *)old;
		goto out;
	}
	rc = catalog_changes_since(c, old->change_seq, seq, collect_change, &pt);
	if (rc == 0 && (pt.full || seq == old->change_seq))
		rc = -ESTALE;	/* everything, or a change the log does not name */
	if (rc < 0)
		goto out;

	t = pt.t = tree_new(old->n_levels);
	t->content_version = cv;
	t->change_seq = seq;
	t->root = old->root;
	t->nodes = old->nodes;
	t->recs = old->recs;
	__atomic_add_fetch(&SUB(t->nodes)->refs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&SUB(t->recs)->refs, 1, __ATOMIC_RELAXED);
	t->n_nodes = old->n_nodes;
	t->n_recs = old->n_recs;
	pt.by_date = tree_ino(TREE_ROOT_INO, "by-date");
	pt.by_source = tree_ino(TREE_ROOT_INO, "by-source");
	pt.by_subject = tree_ino(TREE_ROOT_INO, "by-subject");
	for (i = 0; rc == 0 && i < pt.n_recs; i++)
		rc = patch_rec(&pt, pt.recs[i]);
	for (i = 0; rc == 0 && i < pt.n_subjects; i++)
		rc = patch_subject(&pt, pt.subjects[i] + 2);
	if (rc == 0)
		rc = fix_dirs(&pt);
	if (rc < 0) {
		tree_unref(t);
		goto out;
	}
	{
		struct differ d = { old, t, inval_entry, inval_inode, ctx };

		for (i = 0; i < pt.n_touched; i++)
			diff_node((void *)pt.touched[i], &d);
	}
	*out = t;
out:
	catalog_end_read(c);
	for (i = 0; i < pt.n_recs; i++)
		free(pt.recs[i]);
	for (i = 0; i < pt.n_subjects; i++)
		free(pt.subjects[i]);
	free(pt.recs);
	free(pt.subjects);
	idmap_free(&pt.seen);
	free(pt.touched);
	free(pt.dirty);
	return rc;
}
