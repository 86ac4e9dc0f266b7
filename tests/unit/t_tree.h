/* t_tree.h - for the unit tests of fs/: a snapshot of a test register,
 * and every node of one as an array (tree_each_node visits them in no
 * order). */
#ifndef RECFS_T_TREE_H
#define RECFS_T_TREE_H

#include <stdio.h>
#include <stdlib.h>

#include "register.h"
#include "tree.h"

struct t_nodes {
	const struct tnode **n;
	size_t len, cap;
};

static inline void t_nodes_add(const struct tnode *n, void *ctx)
{
	struct t_nodes *a = ctx;

	if (a->len == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 256;
		a->n = xrealloc(a->n, a->cap * sizeof(*a->n));
	}
	a->n[a->len++] = n;
}

/* Every node of t into *out (free it); how many. */
static inline size_t t_tree_nodes(const struct tree *t, const struct tnode ***out)
{
	struct t_nodes a = { 0 };

	if (t)
		tree_each_node(t, t_nodes_add, &a);
	*out = a.n;
	return a.len;
}

/* A snapshot of reg's catalog under its policy (readme_sizes as
 * tree_build takes them), or NULL, told on stderr. */
static inline struct tree *t_tree_build(const struct reg *reg, const gid_t *level_gid, const uint64_t *readme_sizes)
{
	struct tree *t = NULL;

	if (tree_build(reg->cat, reg->policy, level_gid, readme_sizes, &t)) {
		fprintf(stderr, "  tree_build: %s\n", meta_errmsg());
		return NULL;
	}
	return t;
}

#endif
