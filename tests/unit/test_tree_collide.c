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
static gid_t level_gid[POLICY_MAX_LEVELS];
static char *recs[RECS + MORE];

static struct tree *build(void)
{
	uint64_t sizes[POLICY_MAX_LANGS] = { 10, 11 };

	return t_tree_build(reg, level_gid, sizes);
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
	CHECK_EQ(tree_apply(t, reg->cat, reg->policy, level_gid, NULL, NULL, NULL, &u), 0);
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

int main(void)
{
	int i;

	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("tree_collide")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	for (i = 0; i < POLICY_MAX_LEVELS; i++)
		level_gid[i] = (gid_t)(4000 + i);
	audit_self(&actor, "privacy");
	for (i = 0; i < RECS; i++)
		if (!(recs[i] = ingest((unsigned)i)))
			return 2;
	RUN(test_a_build_whose_inos_collide_keeps_every_invariant_and_drops_only_the_colliding);
	RUN(test_a_patch_of_a_tree_whose_inos_collide_keeps_every_invariant);
	for (i = 0; i < RECS + MORE; i++)
		free(recs[i]);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
