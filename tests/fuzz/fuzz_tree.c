/*
 * fuzz_tree.c - the mount's names and node ids (fs/tree.c), as lookup and
 * every other handler take them from the kernel: a name is looked up in a
 * folder (tree_child, then tree_ino for the ghosts of rm -r), a node id is
 * resolved for the caller's level (tree_resolve).  Names are matched whole
 * against the names the snapshot built; nothing parses a stem.
 *
 * The snapshot is built once from a register (t_register) holding four
 * recordings (audio, chat and WAV view each: two on one day, one the day
 * before, one in another month and restricted) and their subjects.  Input: u8 level (x % (n + 1)
 * - 1, -1 being no level), then a path of components separated by '/', as
 * the kernel walks it; a component starting with 0x01 takes the name of the
 * folder's kid number (next byte - 1) and appends the rest, so that walks
 * reach the files, whose names hold random ids.  After a NUL, le64 node
 * ids to resolve as they are.
 *
 * Promises checked: a name is found exactly when its ino is that of a kid
 * of that name; a node reached by a walk resolves from its node id in the
 * caller's view to itself, and in any other view only when shared; a node
 * id resolves only to a node the level sees whose id it is; the next file
 * like a file is one the level sees, of the same kind.
 */
#include <string.h>

#include "fuzz.h"
#include "t.h"
#include "t_reg.h"

#include "rights.h"
#include "tree.h"

#define NAME_MAX_BYTES 1024

static struct tree *tree;
static int n_levels;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const days[] = { "2026-11-27T09:00:00Z", "2026-11-28T10:15:00Z", "2026-11-28T23:59:59Z",
					    "2026-10-01T00:00:00Z" };
	struct keyring *secrets = NULL;
	struct audit_actor actor;
	struct reg *reg = NULL;
	char name[16], *id = NULL;

	(void)argc, (void)argv;
	setenv("RECFS_NOW", "2026-12-01T00:00:00Z", 1);
	if (t_register(fuzz_dir(), &secrets, &reg))
		abort();
	audit_self(&actor, "privacy");
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "rec%d", i);
		free(id);
		id = t_ingest_one(fuzz_dir(), reg, secrets, &actor, name, days[i], "");
		FUZZ_ASSERT(id != NULL);
	}
	FUZZ_ASSERT(rights_restrict(reg, &actor, reg->policy->rights_level, id, "fuzz") == 0);
	free(id);
	n_levels = (int)reg->policy->n_levels;
	FUZZ_ASSERT(tree_build(reg->cat, reg->policy, (const uint64_t[POLICY_MAX_LANGS]){ 1234, 1234 }, &tree) == 0);
	reg_close(reg);
	keyring_free(secrets);
	return 0;
}

/* A node the caller reached: its ids, and the next one of its kind. */
static void check_reached(const struct tnode *n, int level)
{
	unsigned view = tree_view(level), budget = 64;
	const struct tnode *next;

	FUZZ_ASSERT(tree_visible(n, level));
	FUZZ_ASSERT(tree_resolve(tree, tree_nodeid(n, view), level) == n);
	for (unsigned v = 0; v <= (unsigned)n_levels; v++)
		if (v != view && !n->shared)
			FUZZ_ASSERT(tree_resolve(tree, tree_view_nodeid(n->ino, v), level) == NULL);
	if (n->type == TN_DIR || n->type == TN_README)
		return;
	next = tree_next_like(tree, n, level, &budget);
	if (next) {
		FUZZ_ASSERT(tree_visible(next, level) && next->type == n->type && next != n);
		FUZZ_ASSERT(!strcmp(next->art->role, n->art->role));
	}
}

/* Look name up in dir as op_lookup does; the node the walk goes on with. */
static const struct tnode *lookup(const struct tnode *dir, const char *name, int level)
{
	struct tnode *n = tree_child(dir, name), *same = tree_find(tree, tree_ino(dir->ino, name));

	if (same && same->parent == dir->ino && !strcmp(tnode_name(same), name))
		FUZZ_ASSERT(n == same);
	else
		FUZZ_ASSERT(n == NULL);
	if (!n || !tree_visible(n, level))
		return NULL;
	check_reached(n, level);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *p, *nul;
	const struct tnode *dir = tree->root;
	char name[NAME_MAX_BYTES + 1];
	int level;

	if (!size)
		return 0;
	level = data[0] % (n_levels + 1) - 1;
	check_reached(dir, level);
	p = data + 1;
	nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul)
		nul = end;
	while (dir && p < nul) {
		const uint8_t *slash = memchr(p, '/', (size_t)(nul - p));
		size_t len = (size_t)((slash ? slash : nul) - p), k = 0;

		if (len && p[0] == 0x01 && tnode_n_kids(dir)) {
			const char *real = tnode_name(dir->kids[(len > 1 ? p[1] - 1u : 0) % dir->n_kids]);

			k = strlen(real) < NAME_MAX_BYTES ? strlen(real) : NAME_MAX_BYTES;
			memcpy(name, real, k);
			p += len > 1 ? 2 : 1;
			len -= len > 1 ? 2 : 1;
		}
		if (len > NAME_MAX_BYTES - k)
			len = NAME_MAX_BYTES - k;
		memcpy(name + k, p, len);
		name[k + len] = '\0';
		p = slash ? slash + 1 : nul;
		if (name[0])
			dir = lookup(dir, name, level);
	}
	for (p = nul + 1; p + 8 <= end; p += 8) {
		uint64_t id = fuzz_le(p, 8, 0, 8);
		const struct tnode *n = tree_resolve(tree, id, level);

		if (n)
			FUZZ_ASSERT(tree_visible(n, level) && tree_nodeid(n, tree_view(level)) == id);
	}
	return 0;
}
