/* t_tree.h - for the unit tests of fs/: every node of a snapshot as an
 * array (tree_each_node visits them in no order). */
#ifndef RECFS_T_TREE_H
#define RECFS_T_TREE_H

#include <stdlib.h>

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

#endif
