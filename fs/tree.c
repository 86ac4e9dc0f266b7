/*
 * tree.c - the snapshot of the mount, rebuilt from the catalog as a whole.
 *
 * The poller builds a new tree whenever the catalog's content version moves; handlers
 * only ever read a finished tree, so lookups, getattr and readdir need no
 * lock beyond taking a reference and never touch sqlite.  Invariants of a
 * built tree: every node is in the ino hash exactly once; a directory's
 * kids are sorted by name (bsearch, stable readdir offsets); a directory's
 * mask is the OR of its kids' masks, so a caller sees a directory exactly
 * when it sees something inside it.  Inos are BLAKE2b(parent ino || name)
 * cut to 64 bits, never 0 or 1 (FUSE_ROOT_ID) except for the root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "naming.h"
/* meta/opus.h by path: pkg-config puts libopus's own opus.h first. */
#include "opus.h"
#include "tree.h"

/* A small map from id strings to pointers, only used while building. */
struct idmap {
	const char **keys;
	void **vals;
	size_t cap, n;
};

/* A (recording, handle) link, collected before the nodes are made. */
struct tlink {
	struct trec *rec;
	char *handle;
};

struct builder {
	struct tree *t;
	const struct policy *p;
	const gid_t *level_gid;
	struct idmap recs, arts;
	struct tlink *links;
	size_t n_links, cap_links;
	char **subjects;
	size_t n_subjects, cap_subjects;
	int err;
};

static int64_t readme_mtime;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void idmap_put(struct idmap *m, const char *key, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct idmap old = *m;

		m->cap = old.cap ? old.cap * 2 : 256;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i])
				idmap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key)) {
			m->vals[i] = val;
			return;
		}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

static void *idmap_get(const struct idmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
	return NULL;
}

static void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The stateless node id of name under parent. */
uint64_t tree_ino(uint64_t parent, const char *name)
{
	uint8_t le[8], h[CRYPTO_HASH_BYTES];
	const void *parts[2] = { le, name };
	size_t lens[2] = { sizeof(le), strlen(name) };
	uint64_t ino = 0;
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(parent >> (8 * i));
	crypto_hash_parts(h, 2, parts, lens);
	for (i = 0; i < 8; i++)
		ino |= (uint64_t)h[i] << (8 * i);
	ino &= TREE_INO_MASK;
	if (ino <= TREE_ROOT_INO)
		ino += 2;
	return ino;
}

static void hash_insert(struct tree *t, struct tnode *n)
{
	size_t i;

	if (t->n_nodes + 1 > t->n_slots) {
		struct tnode **old = t->slots, *m, *next;
		size_t old_n = t->n_slots;

		t->n_slots = old_n ? old_n * 2 : 1024;
		t->slots = xcalloc(t->n_slots, sizeof(*t->slots));
		for (i = 0; i < old_n; i++)
			for (m = old[i]; m; m = next) {
				next = m->next_hash;
				m->next_hash = t->slots[m->ino & (t->n_slots - 1)];
				t->slots[m->ino & (t->n_slots - 1)] = m;
			}
		free(old);
	}
	i = n->ino & (t->n_slots - 1);
	n->next_hash = t->slots[i];
	t->slots[i] = n;
	t->n_nodes++;
}

struct tnode *tree_find(const struct tree *t, uint64_t ino)
{
	struct tnode *n;

	if (!t->n_slots)
		return NULL;
	for (n = t->slots[ino & (t->n_slots - 1)]; n; n = n->next_hash)
		if (n->ino == ino)
			return n;
	return NULL;
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
	return strcmp((*(struct tnode *const *)a)->name, (*(struct tnode *const *)b)->name);
}

static int cmp_key(const void *key, const void *b)
{
	return strcmp(key, (*(struct tnode *const *)b)->name);
}

struct tnode *tree_child(const struct tnode *dir, const char *name)
{
	struct tnode **p;

	if (dir->type != TN_DIR || !dir->n_kids)
		return NULL;
	p = bsearch(name, dir->kids, dir->n_kids, sizeof(*dir->kids), cmp_key);
	return p ? *p : NULL;
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
		p = bsearch(cur->name, dir->kids, dir->n_kids, sizeof(*dir->kids), cmp_key);
		if (!p)
			return NULL;
		if ((r = first_like(dir, (size_t)(p - dir->kids) + 1, n, level, budget)))
			return r;
		cur = dir;
	}
	return NULL;
}

/*
 * The child `name` of dir, made when missing.  A directory asked for again
 * is returned as it is; an ino collision with another path (2^-64 per pair)
 * drops the newcomer and is reported once in the build error.
 */
static struct tnode *add_node(struct builder *b, struct tnode *dir, const char *name, enum tnode_type type)
{
	uint64_t ino = tree_ino(dir->ino, name);
	struct tnode *n = tree_find(b->t, ino);

	if (n) {
		if (n->parent == dir->ino && !strcmp(n->name, name) && type == TN_DIR && n->type == TN_DIR)
			return n;
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->ino = ino;
	n->parent = dir->ino;
	n->name = xstrdup(name);
	n->type = type;
	n->mode = type == TN_DIR ? 0555 : 0440;
	/* Directories carry the mount's start time: a newest-recording time
	 * would tell a caller about recordings it cannot see. */
	n->mtime = readme_mtime;
	hash_insert(b->t, n);
	if (dir->n_kids == dir->cap_kids) {
		dir->cap_kids = dir->cap_kids ? dir->cap_kids * 2 : 8;
		dir->kids = xrealloc(dir->kids, dir->cap_kids * sizeof(*dir->kids));
	}
	dir->kids[dir->n_kids++] = n;
	return n;
}

static void file_attrs(struct builder *b, struct tnode *n, struct trec *rec, struct tart *art)
{
	int i;

	n->rec = rec;
	n->art = art;
	n->mask = art->mask;
	n->mtime = rec->row.recorded_at;
	n->mode = rec->row.restricted_since ? 0000 : 0440;
	n->gid = 0;
	for (i = 0; i < POLICY_MAX_LEVELS && i < (int)b->p->n_levels; i++)
		if (art->mask & (1u << i)) {
			n->gid = b->level_gid[i];
			break;
		}
}

/* The files of one recording in one directory. */
static void add_files(struct builder *b, struct tnode *dir, struct trec *rec)
{
	char name[NAMING_NAME_MAX];
	struct tart *a;
	struct tnode *n;

	for (a = rec->arts; a; a = a->next) {
		naming_artifact(name, rec->stem, a->role, a->n, a->ext);
		n = add_node(b, dir, name, TN_FILE);
		if (!n)
			continue;
		file_attrs(b, n, rec, a);
		n->size = a->size;
	}
	if (rec->audio && rec->row.channels > 0 && rec->row.pcm_samples > 0) {
		struct opus_info info = { .channels = rec->row.channels, .pcm_samples = rec->row.pcm_samples,
					  .duration_ms = rec->row.duration_ms };

		naming_wav(name, rec->stem);
		n = add_node(b, dir, name, TN_WAV);
		if (n) {
			file_attrs(b, n, rec, rec->audio);
			n->size = opus_wav_size(&info);
		}
	}
}

static struct tnode *date_dirs(struct builder *b, struct tnode *dir, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[16];

	gmtime_r(&tt, &tm);
	snprintf(s, sizeof(s), "%04d", tm.tm_year + 1900);
	dir = add_node(b, dir, s, TN_DIR);
	if (!dir)
		return NULL;
	snprintf(s, sizeof(s), "%02d", tm.tm_mon + 1);
	dir = add_node(b, dir, s, TN_DIR);
	if (!dir)
		return NULL;
	snprintf(s, sizeof(s), "%02d", tm.tm_mday);
	return add_node(b, dir, s, TN_DIR);
}

/* Masks bottom-up, kids sorted, subdirectory counts. */
static uint32_t finish_dir(struct tnode *d)
{
	size_t i;

	if (d->type != TN_DIR)
		return d->mask;
	for (i = 0; i < d->n_kids; i++) {
		d->mask |= finish_dir(d->kids[i]);
		if (d->kids[i]->type == TN_DIR)
			d->n_subdirs++;
	}
	if (d->n_kids)
		qsort(d->kids, d->n_kids, sizeof(*d->kids), cmp_kid);
	return d->mask;
}

static int each_rec(const struct cat_recording *r, void *ctx)
{
	struct builder *b = ctx;
	struct tree *t = b->t;
	struct trec *rec = xcalloc(1, sizeof(*rec));

	/* The walk only lends r: the tree keeps copies of its strings. */
	rec->row = *r;
	rec->row.source = dup_or_null(r->source);
	rec->row.kind = dup_or_null(r->kind);
	rec->row.purpose = dup_or_null(r->purpose);
	rec->row.legal_basis = dup_or_null(r->legal_basis);
	rec->row.data_source = dup_or_null(r->data_source);
	rec->row.restricted_reason = dup_or_null(r->restricted_reason);
	rec->row.legal_hold = dup_or_null(r->legal_hold);
	rec->subjects = xstrdup("");
	naming_stem(rec->stem, r);

	if (t->n_recs == t->cap_recs) {
		t->cap_recs = t->cap_recs ? t->cap_recs * 2 : 64;
		t->recs = xrealloc(t->recs, t->cap_recs * sizeof(*t->recs));
	}
	t->recs[t->n_recs++] = rec;
	idmap_put(&b->recs, rec->row.id, rec);
	return 0;
}

static int each_art(const struct cat_artifact *a, void *ctx)
{
	struct builder *b = ctx;
	struct tree *t = b->t;
	struct trec *rec = idmap_get(&b->recs, a->recording);
	struct tart *art, **pp;

	if (!rec)
		return 0;
	art = xcalloc(1, sizeof(*art));
	memcpy(art->id, a->id, sizeof(art->id));
	art->rec = rec;
	art->role = xstrdup(a->role ? a->role : "file");
	art->n = a->n;
	art->ext = dup_or_null(a->ext);
	art->size = a->size;
	/* Keep the catalog's order within a recording. */
	for (pp = &rec->arts; *pp; pp = &(*pp)->next)
		;
	*pp = art;
	if (!strcmp(art->role, "audio") && !rec->audio)
		rec->audio = art;
	if (t->n_arts == t->cap_arts) {
		t->cap_arts = t->cap_arts ? t->cap_arts * 2 : 64;
		t->arts = xrealloc(t->arts, t->cap_arts * sizeof(*t->arts));
	}
	t->arts[t->n_arts++] = art;
	idmap_put(&b->arts, art->id, art);
	return 0;
}

static int each_seal(const char *object, const char *level, void *ctx)
{
	struct builder *b = ctx;
	struct tart *art = idmap_get(&b->arts, object);
	int i;

	if (!art)
		return 0;	/* a details record, or a card */
	i = policy_level_index(b->p, level);
	if (i >= 0 && i < POLICY_MAX_LEVELS)
		art->mask |= 1u << i;
	return 0;
}

static int each_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct builder *b = ctx;
	struct trec *rec = idmap_get(&b->recs, recording);
	char *s;

	(void)role;
	if (!rec || !handle)
		return 0;
	s = *rec->subjects ? xasprintf("%s,%s", rec->subjects, handle) : xstrdup(handle);
	free(rec->subjects);
	rec->subjects = s;
	if (b->n_links == b->cap_links) {
		b->cap_links = b->cap_links ? b->cap_links * 2 : 64;
		b->links = xrealloc(b->links, b->cap_links * sizeof(*b->links));
	}
	b->links[b->n_links].rec = rec;
	b->links[b->n_links].handle = xstrdup(handle);
	b->n_links++;
	return 0;
}

static int each_subject(const char *handle, void *ctx)
{
	struct builder *b = ctx;

	if (b->n_subjects == b->cap_subjects) {
		b->cap_subjects = b->cap_subjects ? b->cap_subjects * 2 : 64;
		b->subjects = xrealloc(b->subjects, b->cap_subjects * sizeof(*b->subjects));
	}
	b->subjects[b->n_subjects++] = xstrdup(handle);
	return 0;
}

static struct tnode *new_root(struct tree *t)
{
	struct tnode *n = xcalloc(1, sizeof(*n));

	n->ino = TREE_ROOT_INO;
	n->parent = TREE_ROOT_INO;
	n->name = xstrdup("/");
	n->type = TN_DIR;
	n->always = 1;
	n->shared = 1;
	n->mode = 0555;
	n->mtime = readme_mtime;
	hash_insert(t, n);
	return n;
}

int tree_build(struct catalog *c, const struct policy *p, const gid_t *level_gid, const uint64_t *readme_sizes,
	       struct tree **out)
{
	struct builder b = { .p = p, .level_gid = level_gid };
	struct tnode *readme, *by_date, *by_source, *by_subject, *d;
	char name[64];
	size_t i;
	int rc, in_tx = 0;

	if (!readme_mtime)
		readme_mtime = util_now();
	b.t = xcalloc(1, sizeof(*b.t));
	b.t->refs = 1;
	b.t->n_levels = p->n_levels;
	/* One read transaction: every walk sees the same snapshot. */
	rc = catalog_begin_read(c);
	if (rc < 0)
		goto out;
	in_tx = 1;
	rc = catalog_content_version(c, &b.t->content_version);
	if (rc < 0)
		goto out;
	b.t->root = new_root(b.t);
	/* The notice in the first language is README.txt, as it always was. */
	for (i = 0; i < p->n_langs; i++) {
		if (i)
			snprintf(name, sizeof(name), "README.%s.txt", p->langs[i]);
		else
			snprintf(name, sizeof(name), "README.txt");
		readme = add_node(&b, b.t->root, name, TN_README);
		if (!readme)
			continue;
		readme->always = 1;
		readme->shared = 1;
		readme->lang = (int)i;
		readme->mode = 0444;
		readme->size = readme_sizes ? readme_sizes[i] : 0;
		readme->mtime = readme_mtime;
	}
	by_date = add_node(&b, b.t->root, "by-date", TN_DIR);
	by_source = add_node(&b, b.t->root, "by-source", TN_DIR);
	by_subject = add_node(&b, b.t->root, "by-subject", TN_DIR);
	by_date->always = by_source->always = by_subject->always = 1;

	rc = catalog_each_recording(c, each_rec, &b);
	if (rc < 0)
		goto out;
	rc = catalog_each_artifact(c, NULL, each_art, &b);
	if (rc < 0)
		goto out;
	rc = catalog_each_seal(c, each_seal, &b);
	if (rc < 0)
		goto out;
	rc = catalog_each_link(c, NULL, each_link, &b);
	if (rc < 0)
		goto out;
	rc = catalog_each_subject(c, each_subject, &b);
	if (rc < 0)
		goto out;

	for (i = 0; i < b.t->n_recs; i++) {
		struct trec *rec = b.t->recs[i];

		d = date_dirs(&b, by_date, rec->row.recorded_at);
		if (d)
			add_files(&b, d, rec);
		naming_component(name, sizeof(name), rec->row.source);
		d = add_node(&b, by_source, name, TN_DIR);
		if (d && (d = date_dirs(&b, d, rec->row.recorded_at)))
			add_files(&b, d, rec);
	}
	for (i = 0; i < b.n_links; i++) {
		naming_component(name, sizeof(name), b.links[i].handle);
		d = add_node(&b, by_subject, name, TN_DIR);
		if (!d)
			continue;
		if (!d->handle)
			d->handle = xstrdup(b.links[i].handle);
		add_files(&b, d, b.links[i].rec);
	}
	/*
	 * The rights level sees every subject that still exists, including
	 * one whose recordings are all gone, so that `rm -r by-subject/H`
	 * can finish with rmdir and erase the card.
	 */
	for (i = 0; i < b.n_subjects; i++) {
		naming_component(name, sizeof(name), b.subjects[i]);
		d = add_node(&b, by_subject, name, TN_DIR);
		if (!d)
			continue;
		if (!d->handle)
			d->handle = xstrdup(b.subjects[i]);
		if (p->rights_level >= 0 && p->rights_level < POLICY_MAX_LEVELS)
			d->mask |= 1u << p->rights_level;
	}
	finish_dir(b.t->root);
	rc = 0;
out:
	if (in_tx)
		catalog_end_read(c);
	idmap_free(&b.recs);
	idmap_free(&b.arts);
	for (i = 0; i < b.n_links; i++)
		free(b.links[i].handle);
	free(b.links);
	for (i = 0; i < b.n_subjects; i++)
		free(b.subjects[i]);
	free(b.subjects);
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

static void free_node(struct tnode *n)
{
	free(n->name);
	free(n->kids);
	free(n->handle);
	free(n);
}

void tree_unref(struct tree *t)
{
	struct tnode *n, *next;
	size_t i;

	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < t->n_slots; i++)
		for (n = t->slots[i]; n; n = next) {
			next = n->next_hash;
			free_node(n);
		}
	free(t->slots);
	for (i = 0; i < t->n_recs; i++) {
		struct trec *r = t->recs[i];

		cat_recording_clear(&r->row);
		free(r->subjects);
		free(r);
	}
	free(t->recs);
	for (i = 0; i < t->n_arts; i++) {
		free(t->arts[i]->role);
		free(t->arts[i]->ext);
		free(t->arts[i]);
	}
	free(t->arts);
	free(t);
}

static int attrs_differ(const struct tnode *a, const struct tnode *b)
{
	if (a->mask != b->mask || a->mode != b->mode || a->size != b->size || a->gid != b->gid ||
	    a->mtime != b->mtime || a->n_kids != b->n_kids)
		return 1;
	if (a->rec && b->rec && (a->rec->row.restricted_since != b->rec->row.restricted_since ||
				 a->rec->row.retention_until != b->rec->row.retention_until ||
				 a->rec->row.locked != b->rec->row.locked ||
				 !!a->rec->row.legal_hold != !!b->rec->row.legal_hold))
		return 1;
	return 0;
}

/* 1 when view v (a caller of level v - 1) sees n. */
static int seen_in_view(const struct tnode *n, unsigned v)
{
	return tree_visible(n, (int)v - 1);
}

void tree_diff(const struct tree *old, const struct tree *cur,
	       void (*inval_entry)(void *ctx, uint64_t parent, const char *name),
	       void (*inval_inode)(void *ctx, uint64_t ino), void *ctx)
{
	struct tnode *n, *m, *parent;
	size_t i;
	unsigned v;

	for (i = 0; i < old->n_slots; i++)
		for (n = old->slots[i]; n; n = n->next_hash) {
			m = tree_find(cur, n->ino);
			if (m && !attrs_differ(n, m))
				continue;
			parent = tree_find(old, n->parent);
			for (v = 0; v <= old->n_levels; v++) {
				if (!seen_in_view(n, v) || (n->shared && v > 0))
					continue;
				inval_inode(ctx, tree_nodeid(n, v));
				if ((m && seen_in_view(m, v)) || !parent)
					continue;
				inval_entry(ctx, tree_nodeid(parent, v), n->name);
			}
		}
}
