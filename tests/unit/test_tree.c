/* Unit tests of fs/tree: only the root and the notices (README.txt in the
 * policy's first language, README.en.txt in its second) are shared by every
 * view, a restricted recording is seen by the rights level alone, tree_diff
 * invalidates exactly the names each view saw go away (a stale dentry would
 * keep serving an erased or restricted file), and tree_next_like walks the
 * files of one kind across day folders for prefetch. */
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "rights.h"
#include "t.h"
#include "t_tree.h"
#include "t_reg.h"
#include "tree.h"

#define README_SIZE 1234

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy, analysis, training;

/*
 * The recordings, all sealed for every level at ingest: kept is never
 * changed, gone is erased and late restricted by the diff tests, hidden is
 * restricted before the first snapshot, april is alone in its month.
 */
static char *kept, *gone, *hidden, *late, *april;
/* Before anything is erased, after gone is erased, after late is restricted. */
static struct tree *t0, *t1, *t2;

static char *ingest_one(const char *name, const char *when)
{
	return t_ingest_one(dir, reg, secrets, &actor, name, when, "");
}

static struct tree *build(void)
{
	uint64_t sizes[POLICY_MAX_LANGS] = { README_SIZE, README_SIZE + 1 };

	return t_tree_build(reg, sizes);
}

/* The file nodes of recording id in t, in every folder; returns how many. */
static size_t nodes_of(const struct tree *t, const char *id, const struct tnode **out, size_t max)
{
	const struct tnode **all;
	size_t i, k = 0, len = t_tree_nodes(t, &all);

	for (i = 0; i < len; i++)
		if (tnode_rec(all[i]) && !strcmp(tnode_rec(all[i])->row.id, id) && k < max)
			out[k++] = all[i];
	free(all);
	return k;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* The node id under which a view's kernel cached n's name. */
static uint64_t parent_id(const struct tree *t, const struct tnode *n, unsigned v)
{
	const struct tnode *p = tree_find(t, n->parent);

	return p ? tree_nodeid(p, v) : 0;
}

/* What tree_diff asked for, in order. */
struct call {
	int entry;		/* 1: inval_entry(id, name); 0: inval_inode(id) */
	uint64_t id;
	char name[256];
};

struct calls {
	struct call *v;
	size_t n, cap;
};

static struct call *add_call(struct calls *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	return &c->v[c->n++];
}

static void on_entry(void *ctx, uint64_t parent, const char *name)
{
	struct call *x = add_call(ctx);

	x->entry = 1;
	x->id = parent;
	snprintf(x->name, sizeof(x->name), "%s", name);
}

static void on_inode(void *ctx, uint64_t ino)
{
	add_call(ctx)->id = ino;
}

static int called_entry(const struct calls *c, uint64_t parent, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].entry && c->v[i].id == parent && !strcmp(c->v[i].name, name))
			return 1;
	return 0;
}

static int called_inode(const struct calls *c, uint64_t nodeid)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->v[i].entry && c->v[i].id == nodeid)
			return 1;
	return 0;
}

/* Any callback about n, in any view: its name or its inode. */
static int touched(const struct calls *c, const struct tnode *n)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].entry && tree_nodeid_ino(c->v[i].id) == n->parent && !strcmp(c->v[i].name, tnode_name(n)))
			return 1;
		if (!c->v[i].entry && tree_nodeid_ino(c->v[i].id) == n->ino)
			return 1;
	}
	return 0;
}

TEST(test_root_and_readme_are_shared_and_every_other_node_has_a_node_id_per_view)
{
	const struct tnode *root = t0->root, *readme, *readme_en, *n;
	const char *tops[] = { "by-date", "by-source", "by-subject" };
	size_t i, n_nodes = 0, n_shared = 0, big_ino = 0, bad_shared = 0, bad_view = 0, not_found = 0;
	unsigned v, w;

	CHECK_EQ(root->ino, TREE_ROOT_INO);
	CHECK(root->shared);
	readme = tree_child(root, "README.txt");
	CHECK(readme && readme->shared);
	CHECK(readme && tnode_size(readme) == README_SIZE);
	CHECK(readme && readme->lang == 0);
	readme_en = tree_child(root, "README.en.txt");
	CHECK(readme_en && readme_en->shared && readme_en->type == TN_README);
	CHECK(readme_en && tnode_size(readme_en) == README_SIZE + 1);
	CHECK(readme_en && readme_en->lang == 1);
	CHECK(tree_child(root, "README.fi.txt") == NULL);
	for (i = 0; i < 3; i++) {
		n = tree_child(root, tops[i]);
		CHECK(n && !n->shared);
	}
	CHECK_EQ(t0->n_levels, 3);
	const struct tnode **all;
	size_t len = t_tree_nodes(t0, &all);

	for (i = 0; i < len; i++) {
		n = all[i];
		n_nodes++;
		if (n->ino > TREE_INO_MASK)
			big_ino++;
		if (tree_find(t0, n->ino) != n)
			not_found++;
		if (n->shared) {
			n_shared++;
			if (n != root && n != readme && n != readme_en)
				bad_shared++;
			for (v = 0; v <= t0->n_levels; v++)
				if (tree_nodeid(n, v) != n->ino)
					bad_view++;
			continue;
		}
		for (v = 0; v <= t0->n_levels; v++) {
			uint64_t id = tree_nodeid(n, v);

			if (tree_nodeid_view(id) != v || tree_nodeid_ino(id) != n->ino)
				bad_view++;
			for (w = 0; w < v; w++)
				if (tree_nodeid(n, w) == id)
					bad_view++;
		}
	}
	free(all);
	CHECK_EQ(n_nodes, t0->n_nodes);
	/* 5 recordings x 3 files x 3 folders, and the folders above them. */
	CHECK(n_nodes > 45);
	CHECK_EQ(n_shared, 3);
	CHECK_EQ(bad_shared, 0);
	CHECK_EQ(big_ino, 0);
	CHECK_EQ(not_found, 0);
	CHECK_EQ(bad_view, 0);
	CHECK_EQ(tree_view(-1), 0);
	CHECK_EQ(tree_view(privacy), 3);
}

/* Inode numbers are crypto_short_hash of the parent's ino (8 bytes, little
 * endian) and the name, cut to the ino's bits: the same in every version
 * that does not say otherwise (test_crypto checks the hash itself). */
TEST(test_ino_is_the_short_hash_of_the_parent_and_the_name)
{
	const struct tnode *by_date = tree_child(t0->root, "by-date");

	CHECK_EQ(tree_ino(TREE_ROOT_INO, "by-date"), UINT64_C(0x01166be4e30930c2));
	CHECK(by_date && by_date->ino == UINT64_C(0x01166be4e30930c2));
}

/* The lowest level that reads file node f of a quality recording, as
 * t_ingest_one makes them: the chat is sealed from details_level. */
static int lowest_level_of(const struct tnode *f)
{
	return has_suffix(tnode_name(f), ".chat.txt") ? analysis : training;
}

/* The node ids tree_each_gid_moved reports of one node, as a mask of
 * views (bit v: view v). */
struct gid_ids {
	uint64_t ino;
	unsigned views, others;
};

static int note_gid_id(void *ctx, uint64_t id)
{
	struct gid_ids *g = ctx;

	if (tree_nodeid_ino(id) == g->ino)
		g->views |= 1u << tree_nodeid_view(id);
	else
		g->others++;
	return 0;
}

static unsigned gid_views(const struct tnode *n, uint32_t moved, uint32_t own, int only_view, unsigned *others)
{
	struct gid_ids g = { n->ino, 0, 0 };

	CHECK_EQ(tree_each_gid_moved(t0, moved, own, only_view, note_gid_id, &g), 0);
	if (others)
		*others = g.others;
	return g.views;
}

/* What a file shows (ops.c, fill_attr): in the view of a level with a
 * group, that group; else its lowest level's.  A moved gid drops the ids
 * whose shown group moved, no other. */
TEST(test_a_moved_gid_reports_the_views_whose_shown_group_moved)
{
	const struct tnode *f[16], *opus = NULL;
	unsigned vt = tree_view(training), va = tree_view(analysis), vp = tree_view(privacy), others = 0;
	uint32_t bt = 1u << training, ba = 1u << analysis, bp = 1u << privacy;
	size_t i, n = nodes_of(t0, kept, f, 16);

	for (i = 0; i < n && !opus; i++)
		if (has_suffix(tnode_name(f[i]), ".opus"))
			opus = f[i];
	CHECK(opus != NULL);
	if (!opus)
		return;
	CHECK_EQ(tnode_low_level(opus), training);
	/* analysis's group moved, every level has one: analysis's view only */
	CHECK_EQ(gid_views(opus, ba, bt | ba | bp, -1, &others), 1u << va);
	CHECK(others > 0);	/* the other files analysis reads */
	/* training's moved: its view, and views falling back to it */
	CHECK_EQ(gid_views(opus, bt, bt | ba | bp, -1, NULL), 1u << vt);
	CHECK_EQ(gid_views(opus, bt, bt | bp, -1, NULL), (1u << vt) | (1u << va));
	CHECK_EQ(gid_views(opus, bt, bp, -1, NULL), (1u << vt) | (1u << va));
	/* privacy's moved: a file training reads shows it in privacy's view */
	CHECK_EQ(gid_views(opus, bp, bt | ba, -1, NULL), 1u << vp);
	/* a mount of one level: its view alone */
	CHECK_EQ(gid_views(opus, bt, bp, (int)va, NULL), 1u << va);
	CHECK_EQ(gid_views(opus, bt, bt | ba | bp, (int)va, NULL), 0);
	/* a level that reads nothing of it: no id of it */
	CHECK_EQ(gid_views(opus, 0, bt | ba | bp, -1, NULL), 0);
}

TEST(test_restricted_recording_is_seen_by_the_rights_level_only)
{
	const struct tnode *f[16], *day;
	size_t i, n;

	n = nodes_of(t0, hidden, f, 16);
	/* .opus, .wav and .chat.txt in by-date, by-source and by-subject */
	CHECK_EQ(n, 9);
	for (i = 0; i < n; i++) {
		CHECK(!tree_visible(f[i], -1));
		CHECK(!tree_visible(f[i], training));
		CHECK(!tree_visible(f[i], analysis));
		CHECK(tree_visible(f[i], privacy));
		CHECK_EQ(tnode_low_level(f[i]), privacy);
		CHECK_EQ(tnode_mode(f[i]), 0);
	}
	/* hidden is alone on its day: the folder shows no more than its files. */
	day = tree_child(t0->root, "by-date");
	day = day ? tree_child(day, "2026") : NULL;
	day = day ? tree_child(day, "03") : NULL;
	day = day ? tree_child(day, "02") : NULL;
	CHECK(day != NULL);
	CHECK(day && !tree_visible(day, training) && !tree_visible(day, analysis) && tree_visible(day, privacy));

	/* The control: an unrestricted recording is seen from the levels its
	 * seals say: the audio from the lowest, the chat where names are. */
	n = nodes_of(t0, kept, f, 16);
	CHECK_EQ(n, 9);
	for (i = 0; i < n; i++) {
		int from = lowest_level_of(f[i]);

		CHECK(!tree_visible(f[i], -1));
		CHECK_EQ(tree_visible(f[i], training), from == training);
		CHECK(tree_visible(f[i], analysis));
		CHECK(tree_visible(f[i], privacy));
		CHECK_EQ(tnode_low_level(f[i]), from);
		CHECK_EQ(tnode_mode(f[i]), 0440);
	}
}

/* The first file named *suffix in by-date that level sees, by name. */
static const struct tnode *first_in_by_date(const struct tree *t, int level, const char *suffix)
{
	const struct tnode *d = tree_child(t->root, "by-date"), *k;
	size_t i, depth;

	/* year, month, day */
	for (depth = 0; d && depth < 3; depth++) {
		for (k = NULL, i = 0; i < d->n_kids && !k; i++)
			if (d->kids[i]->type == TN_DIR && tree_visible(d->kids[i], level))
				k = d->kids[i];
		d = k;
	}
	for (i = 0; d && i < d->n_kids; i++)
		if (tree_visible(d->kids[i], level) && has_suffix(tnode_name(d->kids[i]), suffix))
			return d->kids[i];
	return NULL;
}

/* Walk every .opus of by-date as level sees it; want: recordings in order. */
static void check_opus_walk(int level, char *const *want, size_t n_want)
{
	const struct tnode *n = first_in_by_date(t0, level, ".opus");
	unsigned budget = 1000, none = 0;
	size_t i = 0;

	CHECK(n != NULL);
	if (!n)
		return;
	CHECK(tree_next_like(t0, n, level, &none) == NULL);
	while (n && i <= n_want) {
		if (i < n_want)
			CHECK_STR(tnode_rec(n) ? tnode_rec(n)->row.id : NULL, want[i]);
		CHECK(n->type == TN_FILE && has_suffix(tnode_name(n), ".opus"));
		CHECK(tree_visible(n, level));
		i++;
		n = tree_next_like(t0, n, level, &budget);
	}
	CHECK_EQ(i, n_want);
	CHECK(n == NULL);
	/* It stopped at the end, not for want of budget. */
	CHECK(budget > 0);
}

TEST(test_next_like_visits_every_opus_the_level_sees_across_day_folders)
{
	char *lower[] = { kept, gone, late, april };
	char *all[] = { kept, gone, hidden, late, april };
	const struct tnode *wav, *next;
	unsigned budget = 1000;

	check_opus_walk(training, lower, 4);
	check_opus_walk(analysis, lower, 4);
	check_opus_walk(privacy, all, 5);
	/* A caller with no level sees no recording at all. */
	CHECK(first_in_by_date(t0, -1, ".opus") == NULL);
	/* The kind is the start's: from a .wav, the next .wav. */
	wav = first_in_by_date(t0, privacy, ".wav");
	CHECK(wav != NULL);
	next = wav ? tree_next_like(t0, wav, privacy, &budget) : NULL;
	CHECK(next && next->type == TN_WAV && tnode_rec(next) && !strcmp(tnode_rec(next)->row.id, gone));
}

TEST(test_diff_after_erase_invalidates_the_name_in_every_view_that_saw_it)
{
	const struct tnode *f[16], *k[16];
	struct calls c = { 0 };
	size_t i, n, n_kept;
	unsigned v, seen;

	n = nodes_of(t0, gone, f, 16);
	n_kept = nodes_of(t0, kept, k, 16);
	CHECK_EQ(n, 9);
	CHECK_EQ(n_kept, 9);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, gone, "rm"), 0);
	t1 = build();
	CHECK(t1 != NULL);
	if (!t1)
		return;
	CHECK_EQ(nodes_of(t1, gone, f + n, 16 - n), 0);
	tree_diff(t0, t1, on_entry, on_inode, &c);
	for (i = 0; i < n; i++) {
		for (seen = 0, v = 0; v <= t0->n_levels; v++) {
			uint64_t parent = parent_id(t0, f[i], v);

			if (tree_visible(f[i], (int)v - 1)) {
				seen++;
				CHECK(called_entry(&c, parent, tnode_name(f[i])));
				CHECK(called_inode(&c, tree_nodeid(f[i], v)));
			} else {
				/* A view that never had the name is left alone. */
				CHECK(!called_entry(&c, parent, tnode_name(f[i])));
			}
		}
		/* training (not the chat), analysis, privacy */
		CHECK_EQ(seen, lowest_level_of(f[i]) == training ? 3 : 2);
	}
	for (i = 0; i < n_kept; i++)
		CHECK(!touched(&c, k[i]));
	free(c.v);
}

TEST(test_diff_after_restrict_hides_the_name_from_the_lower_views_only)
{
	const struct tnode *f[16], *k[16], *m;
	struct calls c = { 0 };
	size_t i, n, n_kept;

	if (!t1)
		return;
	n = nodes_of(t1, late, f, 16);
	n_kept = nodes_of(t1, kept, k, 16);
	CHECK_EQ(n, 9);
	CHECK_EQ(n_kept, 9);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, late, "contested accuracy"), 0);
	t2 = build();
	CHECK(t2 != NULL);
	if (!t2)
		return;
	tree_diff(t1, t2, on_entry, on_inode, &c);
	for (i = 0; i < n; i++) {
		m = tree_find(t2, f[i]->ino);
		CHECK(m && tree_visible(m, privacy) && !tree_visible(m, analysis));
		CHECK_EQ(called_entry(&c, parent_id(t1, f[i], tree_view(training)), tnode_name(f[i])),
			 lowest_level_of(f[i]) == training);
		CHECK(called_entry(&c, parent_id(t1, f[i], tree_view(analysis)), tnode_name(f[i])));
		CHECK(!called_entry(&c, parent_id(t1, f[i], tree_view(privacy)), tnode_name(f[i])));
		/* privacy keeps the name, but its cached mode 0440 went stale. */
		CHECK(called_inode(&c, tree_nodeid(f[i], tree_view(privacy))));
	}
	for (i = 0; i < n_kept; i++)
		CHECK(!touched(&c, k[i]));
	free(c.v);
}

TEST(test_resolve_answers_a_node_id_for_its_own_view_and_level_only)
{
	const struct tnode *f[16], *root = t0->root;
	size_t n = nodes_of(t0, hidden, f, 16), i;
	unsigned v;

	CHECK(tree_resolve(t0, TREE_ROOT_INO, -1) == root);
	CHECK(tree_resolve(t0, TREE_ROOT_INO, privacy) == root);
	CHECK(tree_resolve(t0, tree_view_nodeid(TREE_ROOT_INO, 2), privacy) == NULL);
	CHECK(tree_resolve(t0, tree_nodeid_ino(~(uint64_t)0), privacy) == NULL);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		for (v = 0; v <= t0->n_levels; v++) {
			uint64_t id = tree_nodeid(f[i], v);

			/* Only the rights level sees a restricted file, and
			 * only under the node id of its own view. */
			CHECK(tree_resolve(t0, id, privacy) == (v == tree_view(privacy) ? f[i] : NULL));
			CHECK(tree_resolve(t0, id, analysis) == NULL);
			CHECK(tree_resolve(t0, id, -1) == NULL);
		}
	}
	n = nodes_of(t0, kept, f, 16);
	for (i = 0; i < n; i++) {
		CHECK(tree_resolve(t0, tree_nodeid(f[i], tree_view(analysis)), analysis) == f[i]);
		CHECK(tree_resolve(t0, tree_nodeid(f[i], tree_view(training)), training) ==
		      (tree_visible(f[i], training) ? f[i] : NULL));
		CHECK(tree_resolve(t0, tree_nodeid(f[i], tree_view(analysis)), training) == NULL);
	}
}

/* The path dir/a/b/c of t, or NULL. */
static const struct tnode *child_path(const struct tnode *dir, const char *a, const char *b, const char *c)
{
	if (dir)
		dir = tree_child(dir, a);
	if (dir && b)
		dir = tree_child(dir, b);
	if (dir && c)
		dir = tree_child(dir, c);
	return dir;
}

/* Every folder's kids sorted by name, each name once. */
static int kids_sorted(const struct tnode *d)
{
	for (size_t i = 0; d->type == TN_DIR && i < d->n_kids; i++)
		if ((i && strcmp(tnode_name(d->kids[i - 1]), tnode_name(d->kids[i])) >= 0) || !kids_sorted(d->kids[i]))
			return 0;
	return 1;
}

/* A recording of source at when with its audio artifact art_id, written
 * straight to the catalog (in the caller's transaction). */
static int put_opus_row(const char *id, const char *art_id, const char *source, int64_t when)
{
	static char kind[] = "call", purpose[] = "quality", basis[] = "contract", from[] = "telephony",
		    role[] = "audio", ext[] = "opus";
	struct cat_recording r = { .kind = kind, .purpose = purpose, .legal_basis = basis, .data_source = from,
				   .retention_until = 4000000000, .ingested_at = 1, .recorded_at = when };
	struct cat_artifact a = { .role = role, .ext = ext, .size = 100 };
	int rc;

	memcpy(r.id, id, sizeof(r.id));
	r.source = (char *)source;
	memcpy(a.id, art_id, sizeof(a.id));
	memcpy(a.recording, id, sizeof(a.recording));
	rc = catalog_put_recording(reg->cat, &r);
	return rc ? rc : catalog_put_artifact(reg->cat, &a);
}

/* The y/m/d folder names of t, as gmtime gives them. */
static void day_names(int64_t t, char y[16], char m[16], char d[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(y, 16, "%04d", tm.tm_year + 1900);
	snprintf(m, 16, "%02d", tm.tm_mon + 1);
	snprintf(d, 16, "%02d", tm.tm_mday);
}

/* One recording of a build case, for put_opus_row. */
struct opus_row {
	char id[RECFS_ID_HEX], aid[RECFS_ID_HEX], src[16];
	int64_t when;
};

/*
 * rows[0..n) written straight to the catalog in one transaction, then the
 * tree built: returned (the caller unrefs it) with its by-date and
 * by-source folders in *by_date and *by_source, or NULL, a check failed,
 * when the rows or the build failed.
 */
static struct tree *build_rows(const struct opus_row *rows, size_t n, const struct tnode **by_date,
			       const struct tnode **by_source)
{
	struct tree *t = NULL;
	int rc = catalog_begin(reg->cat);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = put_opus_row(rows[i].id, rows[i].aid, rows[i].src, rows[i].when);
	if (rc == 0)
		rc = catalog_commit(reg->cat);
	CHECK_EQ(rc, 0);
	CHECK((t = build()) != NULL);
	if (rc || !t) {
		tree_unref(t);
		return NULL;
	}
	*by_date = tree_child(t->root, "by-date");
	*by_source = tree_child(t->root, "by-source");
	return t;
}

/*
 * tree_build keeps the last day folder of by-date and of each source (16
 * of them; more are looked up each time) while it walks the recordings in
 * time order.  Rows written straight to the catalog: 20 sources, days on
 * both sides of the epoch and of midnight, several recordings a day; each
 * recording's .opus must be in the y/m/d folder gmtime gives, under
 * by-date and under its source, and every folder sorted.
 */
TEST(test_build_puts_every_recording_in_its_day_whatever_the_source_or_the_day)
{
	static const int64_t times[] = { -86400 * 3 + 5, -86401, -86400, -1, 0, 1, 86399, 86400, 3600 * 30,
					 1780000000, 1780000000 + 86399, 1780000000 + 86400 * 40 };
	enum { N = 60 };
	struct opus_row rows[N];
	char y[16], m[16], d[16], name[NAMING_NAME_MAX], stem[NAMING_STEM_MAX];
	const struct tnode *by_date, *by_source, *f;
	struct tree *t = NULL;
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(rows[i].id, sizeof(rows[i].id), "%08zx%024x", i + 0x7e570000u, 0);
		snprintf(rows[i].src, sizeof(rows[i].src), "src-%02zu", i % 20);
		snprintf(rows[i].aid, sizeof(rows[i].aid), "%08zx%024x", i + 0xa7570000u, 0);
		rows[i].when = times[i % (sizeof(times) / sizeof(times[0]))] + (int64_t)(i / 12) * 7;
	}
	if (!(t = build_rows(rows, N, &by_date, &by_source)))
		goto out;
	for (i = 0; i < N; i++) {
		struct cat_recording row;

		CHECK_EQ(catalog_get_recording(reg->cat, rows[i].id, &row), 0);
		day_names(row.recorded_at, y, m, d);
		naming_stem(stem, &row);
		naming_artifact(name, stem, "audio", 0, "opus");
		f = child_path(child_path(by_date, y, m, d), name, NULL, NULL);
		CHECK(f && tnode_rec(f) && !strcmp(tnode_rec(f)->row.id, rows[i].id));
		f = child_path(child_path(tree_child(by_source, rows[i].src), y, m, d), name, NULL, NULL);
		CHECK(f && tnode_rec(f) && !strcmp(tnode_rec(f)->row.id, rows[i].id));
		if (!f)
			fprintf(stderr, "  %s/%s/%s/%s/%s missing\n", rows[i].src, y, m, d, name);
		cat_recording_clear(&row);
	}
	CHECK(kids_sorted(t->root));
out:
	tree_unref(t);
}

/*
 * Two subjects whose handles name one folder ("a/b" and "a_b", as root
 * can write them into the catalog), both linked to one call: the build
 * makes the call's files in that folder twice, one path each time, and
 * keeps one of each (same path, same ino); the folder lists each name
 * once, in order, and every node the tree lists is in its map (many such
 * calls: the test after it).
 */
TEST(test_build_lists_a_call_once_in_a_folder_two_handles_name)
{
	char *id = ingest_one("twice", "2026-05-02T09:00:00Z");
	const struct tnode **all = NULL, *dir, *by_subject;
	struct tree *t = NULL;
	size_t i, len, n_files = 0, lost = 0;

	CHECK(id != NULL);
	if (!id)
		return;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(catalog_put_subject(reg->cat, "a/b", "11111111111111111111111111111111"), 0);
	CHECK_EQ(catalog_put_subject(reg->cat, "a_b", "22222222222222222222222222222222"), 0);
	CHECK_EQ(catalog_link_subject(reg->cat, id, "a/b", "customer"), 0);
	CHECK_EQ(catalog_link_subject(reg->cat, id, "a_b", "customer"), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	if (!(t = build()))
		goto out;
	by_subject = tree_child(t->root, "by-subject");
	dir = by_subject ? tree_child(by_subject, "a_b") : NULL;
	CHECK(dir != NULL);
	for (i = 0; dir && i < dir->n_kids; i++) {
		n_files++;
		if (tree_find(t, dir->kids[i]->ino) != dir->kids[i])
			lost++;
	}
	/* the call's .opus, .wav and chat, once each */
	CHECK_EQ(n_files, 3);
	CHECK(dir && kids_sorted(dir));
	len = t_tree_nodes(t, &all);
	CHECK_EQ(len, t->n_nodes);
	for (i = 0; i < len; i++)
		if (tree_find(t, all[i]->ino) != all[i])
			lost++;
	CHECK_EQ(lost, 0);
out:
	free(all);
	tree_unref(t);
	free(id);
}

/*
 * The same with many calls: two handles that name one folder ("m/n" and
 * "m_n") linked to each of 150 calls put every file of that folder in the
 * build twice, 300 and more of them dropped from one folder at once.  The
 * folder lists exactly what the folder of a third subject linked to the
 * same calls alone lists, each name once, in order, every kid in the map.
 */
TEST(test_build_lists_many_calls_once_in_a_folder_two_handles_name)
{
	enum { N = 150 };
	const struct tnode **all = NULL, *shared = NULL, *alone = NULL, *by_subject;
	char id[RECFS_ID_HEX], aid[RECFS_ID_HEX];
	struct tree *t = NULL;
	size_t i, len, lost = 0, differ = 0;
	int rc = catalog_begin(reg->cat);

	if (rc == 0)
		rc = catalog_put_subject(reg->cat, "m/n", "33333333333333333333333333333333");
	if (rc == 0)
		rc = catalog_put_subject(reg->cat, "m_n", "44444444444444444444444444444444");
	if (rc == 0)
		rc = catalog_put_subject(reg->cat, "mn-alone", "55555555555555555555555555555555");
	for (i = 0; rc == 0 && i < N; i++) {
		snprintf(id, sizeof(id), "%032zx", 0x5a3e0000 + i);
		snprintf(aid, sizeof(aid), "%032zx", 0x5a3f0000 + i);
		rc = put_opus_row(id, aid, "desk", 1790500000 + (int64_t)i * 61);
		if (rc == 0)
			rc = catalog_link_subject(reg->cat, id, "m/n", "customer");
		if (rc == 0)
			rc = catalog_link_subject(reg->cat, id, "m_n", "customer");
		if (rc == 0)
			rc = catalog_link_subject(reg->cat, id, "mn-alone", "customer");
	}
	if (rc == 0)
		rc = catalog_commit(reg->cat);
	CHECK_EQ(rc, 0);
	if (rc || !(t = build()))
		goto out;
	by_subject = tree_child(t->root, "by-subject");
	if (by_subject) {
		shared = tree_child(by_subject, "m_n");
		alone = tree_child(by_subject, "mn-alone");
	}
	CHECK(shared && alone);
	if (!shared || !alone)
		goto out;
	CHECK(alone->n_kids >= N);
	CHECK_EQ(shared->n_kids, alone->n_kids);
	for (i = 0; i < shared->n_kids && i < alone->n_kids; i++) {
		differ += strcmp(tnode_name(shared->kids[i]), tnode_name(alone->kids[i])) != 0;
		lost += tree_find(t, shared->kids[i]->ino) != shared->kids[i];
	}
	CHECK_EQ(differ, 0);
	CHECK(kids_sorted(shared));
	len = t_tree_nodes(t, &all);
	CHECK_EQ(len, t->n_nodes);
	for (i = 0; i < len; i++)
		lost += tree_find(t, all[i]->ino) != all[i];
	CHECK_EQ(lost, 0);
out:
	free(all);
	tree_unref(t);
}

/*
 * A build reads the artifacts in the table's order, not by recording,
 * role and n.  One recording whose artifacts are written file, chat, the
 * second audio, then the first: its artifacts are still by role and n,
 * its WAV view is of the first audio, and each file is in its day folder
 * under its own name.
 */
TEST(test_build_orders_a_recordings_artifacts_whatever_order_they_were_written_in)
{
	static const struct {
		const char *role, *ext;
		int n;
	} arts[] = { { "file", "pdf", 2 }, { "chat", "txt", 0 }, { "audio", "opus", 1 }, { "audio", "opus", 0 } };
	static const char *want[] = { "audio", "audio", "chat", "file" };
	static const size_t written[] = { 3, 2, 1, 0 };	/* want[i] is arts[written[i]] */
	static char kind[] = "call", purpose[] = "quality", basis[] = "contract", from[] = "telephony", src[] = "desk";
	struct cat_recording r = { .kind = kind, .purpose = purpose, .legal_basis = basis, .data_source = from,
				   .source = src, .retention_until = 4000000000, .ingested_at = 1,
				   .recorded_at = 1790000000, .channels = 1, .pcm_samples = 48000, .duration_ms = 1000 };
	char y[16], m[16], d[16], aid[4][RECFS_ID_HEX];
	const struct tnode *day, *f, *wav = NULL;
	const struct tart *a;
	struct tree *t = NULL;
	size_t i;
	int rc;

	snprintf(r.id, sizeof(r.id), "%032x", 0x0a7de5);
	rc = catalog_begin(reg->cat);
	if (rc == 0)
		rc = catalog_put_recording(reg->cat, &r);
	for (i = 0; rc == 0 && i < 4; i++) {
		struct cat_artifact x = { .role = (char *)arts[i].role, .ext = (char *)arts[i].ext, .n = arts[i].n,
					  .size = 100 + i };

		snprintf(aid[i], sizeof(aid[i]), "%031zx%c", i, 'f');
		memcpy(x.id, aid[i], sizeof(x.id));
		memcpy(x.recording, r.id, sizeof(x.recording));
		rc = catalog_put_artifact(reg->cat, &x);
	}
	if (rc == 0)
		rc = catalog_commit(reg->cat);
	CHECK_EQ(rc, 0);
	if (rc || !(t = build()))
		goto out;
	day_names(r.recorded_at, y, m, d);
	day = child_path(tree_child(t->root, "by-date"), y, m, d);
	CHECK(day != NULL);
	for (i = 0; day && i < day->n_kids; i++) {
		f = day->kids[i];
		if (!tnode_rec(f) || strcmp(tnode_rec(f)->row.id, r.id))
			continue;
		if (f->type == TN_WAV)
			wav = f;
		CHECK_STR(tnode_name(f), f->type == TN_WAV ? tnode_rec(f)->wav_name : f->art->name);
	}
	CHECK(wav != NULL);
	if (!wav)
		goto out;
	for (i = 0, a = tnode_rec(wav)->arts; a; a = a->next, i++) {
		CHECK(i < 4 && !strcmp(a->role, want[i]));
		if (i < 4)
			CHECK_STR(a->id, aid[written[i]]);
	}
	CHECK_EQ(i, 4);
	CHECK(wav->art == tnode_rec(wav)->audio);
	CHECK_STR(wav->art->id, aid[3]);
out:
	tree_unref(t);
}

/*
 * The strings a recording and an artifact share with others (kind, source,
 * purpose, ..., role, extension) are interned, in a table of at most 4,096
 * strings under 128 bytes; any other is copied into its recording or
 * artifact.  A register that holds more distinct values than the table
 * (a careless recorder, an attacker's manifests), and values longer than
 * it takes, must come out of the build whole: every recording's kind and
 * every artifact's extension as the catalog holds them.
 */
#define MANY_VALUES 4200

TEST(test_build_keeps_every_shared_string_past_what_the_intern_table_holds)
{
	static char purpose[] = "quality", basis[] = "contract", src[] = "desk", role[] = "file";
	char kind[32], ext[32], from[32], long_from[201], long_ext[151], want[201];
	const struct tnode **all = NULL;
	struct tree *t = NULL;
	size_t i, len, seen = 0, bad = 0;
	int rc;

	memset(long_from, 'd', sizeof(long_from) - 1);
	long_from[sizeof(long_from) - 1] = '\0';
	memset(long_ext, 'x', sizeof(long_ext) - 1);
	long_ext[sizeof(long_ext) - 1] = '\0';
	rc = catalog_begin(reg->cat);
	for (i = 0; rc == 0 && i <= MANY_VALUES; i++) {
		struct cat_recording r = { .kind = kind, .purpose = purpose, .legal_basis = basis, .data_source = from,
					   .source = src, .retention_until = 4000000000, .ingested_at = 1,
					   .recorded_at = 1791000000 + (int64_t)i };
		struct cat_artifact a = { .role = role, .ext = ext, .n = 1, .size = 10 };

		snprintf(kind, sizeof(kind), "kind-%04zu", i);
		snprintf(ext, sizeof(ext), "e%04zu", i);
		snprintf(from, sizeof(from), "from-%04zu", i);
		if (i == MANY_VALUES) {	/* the last: values longer than the table takes */
			r.data_source = long_from;
			a.ext = long_ext;
		}
		snprintf(r.id, sizeof(r.id), "%032zx", 0xb10000 + i);
		snprintf(a.id, sizeof(a.id), "%032zx", 0xb20000 + i);
		memcpy(a.recording, r.id, sizeof(a.recording));
		rc = catalog_put_recording(reg->cat, &r);
		if (rc == 0)
			rc = catalog_put_artifact(reg->cat, &a);
	}
	if (rc == 0)
		rc = catalog_commit(reg->cat);
	CHECK_EQ(rc, 0);
	if (rc || !(t = build()))
		goto out;
	len = t_tree_nodes(t, &all);
	for (i = 0; i < len; i++) {
		const struct trec *r = tnode_rec(all[i]);
		size_t k;

		if (!r || (k = strtoul(r->row.id, NULL, 16)) < 0xb10000 || k > 0xb10000 + MANY_VALUES)
			continue;
		k -= 0xb10000;
		seen++;
		snprintf(want, sizeof(want), "kind-%04zu", k);
		bad += strcmp(r->row.kind, want) != 0;
		snprintf(want, sizeof(want), "%s", k == MANY_VALUES ? long_from : "");
		if (k != MANY_VALUES)
			snprintf(want, sizeof(want), "from-%04zu", k);
		bad += strcmp(r->row.data_source, want) != 0;
		snprintf(want, sizeof(want), "%s", k == MANY_VALUES ? long_ext : "");
		if (k != MANY_VALUES)
			snprintf(want, sizeof(want), "e%04zu", k);
		bad += strcmp(all[i]->art->ext, want) != 0 || strcmp(all[i]->art->role, "file") != 0;
		bad += strcmp(r->row.purpose, "quality") != 0 || strcmp(r->row.source, "desk") != 0;
	}
	/* each recording's one file, in by-date and in by-source */
	CHECK_EQ(seen, 2 * (MANY_VALUES + 1));
	CHECK_EQ(bad, 0);
out:
	free(all);
	tree_unref(t);
}

/*
 * A row whose length no .wav view can hold (ingest refuses it now, but an
 * older recfs stored the forged length of a damaged last page: 2^62
 * samples, 2^65 bytes of WAV in stereo): the recording's .opus is there,
 * its .wav is not.  One of the largest lengths ingest takes (60 ms a byte
 * of a 4 GiB file) keeps its .wav, of the size that length gives.
 */
TEST(test_build_shows_no_wav_view_a_size_cannot_hold)
{
	static char kind[] = "call", purpose[] = "quality", basis[] = "contract", from[] = "telephony", src[] = "desk";
	static const uint64_t samples[] = { 1ULL << 62, 2880ULL * (4ULL << 30) };
	char y[16], m[16], d[16], aid[RECFS_ID_HEX];
	const struct tnode *day;
	struct tree *t = NULL;
	int rc = catalog_begin(reg->cat), n_opus[2] = { 0, 0 }, n_wav[2] = { 0, 0 };
	uint64_t wav_size = 0;
	struct cat_recording r[2];

	for (size_t i = 0; i < 2; i++) {
		struct cat_artifact x = { .role = (char *)"audio", .ext = (char *)"opus", .n = 0, .size = 4ULL << 30 };

		r[i] = (struct cat_recording){ .kind = kind, .purpose = purpose, .legal_basis = basis,
					       .data_source = from, .source = src, .retention_until = 4000000000,
					       .ingested_at = 1, .recorded_at = 1790100000 + (int64_t)i, .channels = 2,
					       .pcm_samples = samples[i], .duration_ms = samples[i] / 48 };
		snprintf(r[i].id, sizeof(r[i].id), "%032zx", 0x1a4ba0 + i);
		snprintf(aid, sizeof(aid), "%031zx%c", 0x1a4ba0 + i, 'e');
		memcpy(x.id, aid, sizeof(x.id));
		memcpy(x.recording, r[i].id, sizeof(x.recording));
		if (rc == 0)
			rc = catalog_put_recording(reg->cat, &r[i]);
		if (rc == 0)
			rc = catalog_put_artifact(reg->cat, &x);
	}
	if (rc == 0)
		rc = catalog_commit(reg->cat);
	CHECK_EQ(rc, 0);
	if (rc || !(t = build()))
		goto out;
	day_names(r[0].recorded_at, y, m, d);
	day = child_path(tree_child(t->root, "by-date"), y, m, d);
	CHECK(day != NULL);
	for (size_t k = 0; day && k < day->n_kids; k++) {
		const struct tnode *f = day->kids[k];

		for (size_t i = 0; i < 2; i++) {
			if (!tnode_rec(f) || strcmp(tnode_rec(f)->row.id, r[i].id))
				continue;
			n_opus[i] += f->type == TN_FILE;
			n_wav[i] += f->type == TN_WAV;
			if (f->type == TN_WAV)
				wav_size = tnode_size(f);
		}
	}
	CHECK_EQ(n_opus[0], 1);
	CHECK_EQ(n_wav[0], 0);
	CHECK_EQ(n_opus[1], 1);
	CHECK_EQ(n_wav[1], 1);
	CHECK_EQ(wav_size, 44 + samples[1] * 2 * 2);
out:
	tree_unref(t);
}

/*
 * A day that a build cannot take in order: 10,000 recordings of one
 * source on one day, 3,000 of them in the same second under 3,000 sources
 * whose names run against the ids (the walk goes by time and id, so that
 * day folder's files come in reverse order and the insertion sort gives up
 * to qsort), and the far ends of the calendar (year 1, 9999, 10000 and
 * beyond).  Every recording's .opus is in its by-date day folder and in
 * its source's, once, and every folder is sorted.
 */
TEST(test_build_takes_a_crowded_day_and_the_ends_of_the_calendar)
{
	static const int64_t far[] = { -62135596800LL, -62135596800LL + 86399, 253402300799LL, 253402300800LL,
				       32503680000000LL, -32503680000000LL };
	enum { BUSY = 10000, SAME = 3000, N = BUSY + SAME + 60 };
	static struct opus_row rows[N];
	char y[16], m[16], d[16], name[NAMING_NAME_MAX], stem[NAMING_STEM_MAX];
	const struct tnode *by_date, *by_source, *f;
	struct tree *t = NULL;
	size_t i, missing = 0;

	for (i = 0; i < N; i++) {
		if (i < BUSY) {
			snprintf(rows[i].src, sizeof(rows[i].src), "busy");
			rows[i].when = 1790000000 + (int64_t)(i * 7 % 86400);
		} else if (i < BUSY + SAME) {
			snprintf(rows[i].src, sizeof(rows[i].src), "s-%04zu", BUSY + SAME - i);
			rows[i].when = 1791000000;
		} else {
			snprintf(rows[i].src, sizeof(rows[i].src), "far-%zu", i % 3);
			rows[i].when = far[i % (sizeof(far) / sizeof(far[0]))] + (int64_t)(i % 5);
		}
		snprintf(rows[i].id, sizeof(rows[i].id), "%08zx%024x", i + 0xc0000000u, 0);
		snprintf(rows[i].aid, sizeof(rows[i].aid), "%08zx%024x", i + 0xd0000000u, 0);
	}
	if (!(t = build_rows(rows, N, &by_date, &by_source)))
		goto out;
	for (i = 0; i < N; i++) {
		struct cat_recording row = { .recorded_at = rows[i].when, .source = rows[i].src };

		memcpy(row.id, rows[i].id, sizeof(row.id));
		day_names(rows[i].when, y, m, d);
		naming_stem(stem, &row);
		naming_artifact(name, stem, "audio", 0, "opus");
		f = child_path(child_path(by_date, y, m, d), name, NULL, NULL);
		if (!f || !tnode_rec(f) || strcmp(tnode_rec(f)->row.id, rows[i].id)) {
			if (missing < 3)
				fprintf(stderr, "  by-date/%s/%s/%s/%s missing\n", y, m, d, name);
			missing++;
		}
		f = child_path(child_path(tree_child(by_source, rows[i].src), y, m, d), name, NULL, NULL);
		if (!f || !tnode_rec(f) || strcmp(tnode_rec(f)->row.id, rows[i].id))
			missing++;
	}
	CHECK_EQ(missing, 0);
	day_names(1791000000, y, m, d);
	f = child_path(by_date, y, m, d);
	CHECK(f && f->n_kids == SAME);
	CHECK(kids_sorted(t->root));
out:
	tree_unref(t);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("tree")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	analysis = policy_level_index(reg->policy, "analysis");
	training = policy_level_index(reg->policy, "training");
	audit_self(&actor, "privacy");
	kept = ingest_one("kept", "2026-03-01T10:00:00Z");
	gone = ingest_one("gone", "2026-03-01T11:00:00Z");
	hidden = ingest_one("hidden", "2026-03-02T09:00:00Z");
	late = ingest_one("late", "2026-03-03T09:00:00Z");
	april = ingest_one("april", "2026-04-02T09:00:00Z");
	if (!kept || !gone || !hidden || !late || !april ||
	    rights_restrict(reg, &actor, privacy, hidden, "contested accuracy") || !(t0 = build())) {
		fprintf(stderr, "cannot set up the recordings\n");
		util_remove_tree(dir);
		return 2;
	}
	RUN(test_root_and_readme_are_shared_and_every_other_node_has_a_node_id_per_view);
	RUN(test_ino_is_the_short_hash_of_the_parent_and_the_name);
	RUN(test_a_moved_gid_reports_the_views_whose_shown_group_moved);
	RUN(test_restricted_recording_is_seen_by_the_rights_level_only);
	RUN(test_next_like_visits_every_opus_the_level_sees_across_day_folders);
	RUN(test_diff_after_erase_invalidates_the_name_in_every_view_that_saw_it);
	RUN(test_diff_after_restrict_hides_the_name_from_the_lower_views_only);
	RUN(test_resolve_answers_a_node_id_for_its_own_view_and_level_only);
	/* Last: it writes rows the other tests do not expect. */
	RUN(test_build_puts_every_recording_in_its_day_whatever_the_source_or_the_day);
	RUN(test_build_takes_a_crowded_day_and_the_ends_of_the_calendar);
	RUN(test_build_orders_a_recordings_artifacts_whatever_order_they_were_written_in);
	RUN(test_build_keeps_every_shared_string_past_what_the_intern_table_holds);
	RUN(test_build_shows_no_wav_view_a_size_cannot_hold);
	RUN(test_build_lists_a_call_once_in_a_folder_two_handles_name);
	RUN(test_build_lists_many_calls_once_in_a_folder_two_handles_name);
	tree_unref(t0);
	tree_unref(t1);
	tree_unref(t2);
	free(kept);
	free(gone);
	free(hidden);
	free(late);
	free(april);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
