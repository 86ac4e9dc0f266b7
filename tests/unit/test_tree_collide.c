/*
 * Unit tests of fs/tree when inos collide.  Inos are 58-bit hashes, so two
 * paths share one 2^-58 of the time a pair: this test links a tree.c built
 * with RECFS_TEST_INO_BITS (inos of 10 bits, the Makefile's tree_collide.o),
 * where a register of a few dozen calls collides dozens of times, among
 * files, folders and both.  A build (whose ino map is made at its end from
 * its buckets) and a patch of it must still give a finished tree: every
 * node in the ino map once and under its own ino, every node but the root
 * a kid of its folder, every kid in the map, kids sorted by name, a
 * folder's mask holding its kids'; a colliding node left out, never left
 * half in.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "ingest.h"
#include "rights.h"
#include "t.h"
#include "t_reg.h"
#include "t_tree.h"
#include "tree.h"

#define RECS 40
#define MORE 12

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy;
static char *recs[RECS + MORE];

static struct tree *build(void)
{
	uint64_t sizes[POLICY_MAX_LANGS] = { 10, 11 };

	return t_tree_build(reg, sizes);
}

static char *ingest(unsigned k)
{
	char name[32], when[32];

	snprintf(name, sizeof(name), "c%u", k);
	snprintf(when, sizeof(when), "2026-0%u-%02uT%02u:00:00Z", 1 + k % 3, 1 + k % 9, k % 24);
	return t_ingest_one(dir, reg, secrets, &actor, name, when, "");
}

/* The broken invariants of a finished tree t, each of the first few told
 * on stderr; *files: its file nodes. */
static size_t broken(const struct tree *t, const char *what, size_t *files)
{
	const struct tnode **all, *n, *p, *k;
	size_t i, j, len = t_tree_nodes(t, &all), bad = 0;
	uint32_t kids_mask;

#define BAD(cond, why)                                                                                     \
	do {                                                                                               \
		if ((cond) && bad++ < 5)                                                                   \
			fprintf(stderr, "  %s: %s (%s, ino %llx)\n", what, why, tnode_name(n),             \
				(unsigned long long)n->ino);                                               \
	} while (0)
	*files = 0;
	if (len != t->n_nodes && bad++ < 5)
		fprintf(stderr, "  %s: %zu nodes in the map, n_nodes %zu\n", what, len, t->n_nodes);
	for (i = 0; i < len; i++) {
		n = all[i];
		BAD(tree_find(t, n->ino) != n, "not found under its own ino");
		if (n->ino != TREE_ROOT_INO) {
			p = tree_find(t, n->parent);
			BAD(!p || p->type != TN_DIR, "its folder is not in the map");
			BAD(p && p->type == TN_DIR && tree_child(p, tnode_name(n)) != n, "not a kid of its folder");
		}
		if (tnode_is_file(n)) {
			(*files)++;
			continue;
		}
		kids_mask = 0;
		for (j = 0; j < n->n_kids; j++) {
			k = n->kids[j];
			kids_mask |= tnode_mask(k);
			BAD(tree_find(t, k->ino) != k, "a kid is not in the map");
			BAD(k->parent != n->ino, "a kid names another folder");
			BAD(j && strcmp(tnode_name(n->kids[j - 1]), tnode_name(k)) >= 0, "kids out of order");
		}
		BAD(kids_mask & ~n->mask, "a kid's level is not in the folder's mask");
	}
#undef BAD
	free(all);
	return bad;
}

/* What the register's recordings would give without a collision: each
 * one's .opus, .wav and chat in by-date, by-source and its subject's
 * folder. */
static size_t files_without_collisions(size_t n_recs)
{
	return n_recs * 3 * 3;
}

TEST(test_a_build_whose_inos_collide_keeps_every_invariant_and_drops_only_the_colliding)
{
	struct tree *t = build();
	size_t files = 0;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_EQ(broken(t, "build", &files), 0);
	/* The collisions happened (40 calls: about 400 nodes in 1,024
	 * inos), and took out no more than they must. */
	CHECK(files < files_without_collisions(RECS));
	CHECK(files > files_without_collisions(RECS) / 3);
	tree_unref(t);
}

TEST(test_a_patch_of_a_tree_whose_inos_collide_keeps_every_invariant)
{
	struct tree *t = build(), *u = NULL;
	size_t files = 0, i, n = RECS;

	CHECK(t != NULL);
	if (!t)
		return;
	for (i = 0; i < MORE; i++)
		if ((recs[n] = ingest(RECS + (unsigned)i)))
			n++;
	CHECK_EQ(n, RECS + MORE);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, recs[0], "test"), 0);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, recs[1], "contested"), 0);
	CHECK_EQ(tree_apply(t, reg->cat, reg->policy, NULL, NULL, NULL, &u), 0);
	CHECK(u != NULL);
	if (u) {
		CHECK_EQ(broken(u, "patch", &files), 0);
		CHECK(files < files_without_collisions(RECS + MORE - 1));
		CHECK(files > 0);
	}
	/* The tree patched is as it was. */
	CHECK_EQ(broken(t, "the tree patched", &files), 0);
	tree_unref(u);
	tree_unref(t);
}

static int add_level(const char *object, const char *level, void *ctx)
{
	int i = policy_level_index(reg->policy, level);

	(void)object;
	if (i >= 0)
		*(uint32_t *)ctx |= 1u << i;
	return 0;
}

static int add_handle(const char *recording, const char *handle, const char *role, void *ctx)
{
	char *s = ctx;

	(void)recording;
	(void)role;
	if (*s)
		strcat(s, ",");
	strcat(s, handle);
	return 0;
}

/* The file nodes of t whose levels or subjects are not those the catalog
 * holds (each artifact's seals, each recording's links), the first few
 * told on stderr. */
static size_t unlike_the_catalog(const struct tree *t, const char *what)
{
	const struct tnode **all, *n;
	size_t i, len = t_tree_nodes(t, &all), bad = 0;
	char subjects[1024];
	uint32_t mask;

	for (i = 0; i < len; i++) {
		n = all[i];
		if (!tnode_is_file(n) || !n->art)
			continue;
		mask = 0;
		subjects[0] = 0;
		if (catalog_each_seal_of(reg->cat, n->art->id, add_level, &mask) < 0 ||
		    catalog_each_link(reg->cat, n->art->rec->row.id, add_handle, subjects) < 0 ||
		    mask != n->art->mask || strcmp(subjects, n->art->rec->subjects)) {
			if (bad++ < 5)
				fprintf(stderr, "  %s: %s has levels %x, subjects \"%s\"; the catalog %x, \"%s\"\n", what,
					tnode_name(n), n->art->mask, n->art->rec->subjects, mask, subjects);
		}
	}
	free(all);
	return bad;
}

/*
 * The build reads its seals and links on a second thread into chunks of
 * entries; this test's tree.c has chunks of 40 bytes (the Makefile's
 * tree_collide.o), so that a seal's entry fills one, a link's needs one
 * larger, and each list is as long as it can be.  Each file's levels and
 * subjects must be those the catalog holds, and the tree the one the
 * build gives on one connection.
 */
TEST(test_a_build_whose_entries_fill_many_chunks_equals_one_on_one_connection)
{
	struct tree *one, *two;
	unsigned long before = tree_builds_aside;
	size_t files = 0;

	tree_read_aside = 0;
	one = build();
	tree_read_aside = 1;
	two = build();
	CHECK(one != NULL && two != NULL);
	CHECK_EQ(tree_builds_aside, before + 1);
	if (one && two) {
		CHECK_EQ(broken(two, "build reading aside", &files), 0);
		CHECK(files > 0);
		CHECK_EQ(unlike_the_catalog(two, "build reading aside"), 0);
		CHECK_EQ(t_trees_differ(one, two, "build reading aside"), 0);
	}
	tree_unref(one);
	tree_unref(two);
}

int main(void)
{
	int i;

	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("tree_collide")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	audit_self(&actor, "privacy");
	for (i = 0; i < RECS; i++)
		if (!(recs[i] = ingest((unsigned)i)))
			return 2;
	RUN(test_a_build_whose_inos_collide_keeps_every_invariant_and_drops_only_the_colliding);
	RUN(test_a_patch_of_a_tree_whose_inos_collide_keeps_every_invariant);
	RUN(test_a_build_whose_entries_fill_many_chunks_equals_one_on_one_connection);
	for (i = 0; i < RECS + MORE; i++)
		free(recs[i]);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
