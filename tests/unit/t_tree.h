/* t_tree.h - for the unit tests of fs/: a snapshot of a test register,
 * and every node of one as an array (tree_each_node visits them in no
 * order). */
#ifndef RECFS_T_TREE_H
#define RECFS_T_TREE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static inline struct tree *t_tree_build(const struct reg *reg, const uint64_t *readme_sizes)
{
	struct tree *t = NULL;

	if (tree_build(reg->cat, reg->policy, readme_sizes, &t)) {
		fprintf(stderr, "  tree_build: %s\n", meta_errmsg());
		return NULL;
	}
	return t;
}

static inline int t_str_differ(const char *a, const char *b)
{
	return (!a || !b) ? a != b : strcmp(a, b) != 0;
}

/* Node for node (name, ino, type, masks, mode, gid, size, mtime, handle,
 * kids in order, subfolder count, recording): the number of differences
 * between want (built) and got (patched, or built another way), each of
 * the first few told on stderr. */
static inline size_t t_trees_differ(const struct tree *want, const struct tree *got, const char *what)
{
	const struct tnode **all, *n, *m;
	size_t i, k, len = t_tree_nodes(want, &all), bad = 0, len_got;
	const struct tnode **all_got;

#define DIFF(cond, field)                                                                              \
	do {                                                                                           \
		if (cond) {                                                                            \
			if (bad++ < 5)                                                                 \
				fprintf(stderr, "  %s: %s of %s differs\n", what, field, tnode_name(n));     \
		}                                                                                      \
	} while (0)
	for (i = 0; i < len; i++) {
		n = all[i];
		m = tree_find(got, n->ino);
		if (!m) {
			if (bad++ < 5)
				fprintf(stderr, "  %s: %s (under %llx) is missing\n", what, tnode_name(n),
					(unsigned long long)n->parent);
			continue;
		}
		DIFF(strcmp(tnode_name(n), tnode_name(m)), "name");
		DIFF(n->parent != m->parent, "parent");
		DIFF(n->type != m->type, "type");
		DIFF(n->always != m->always || n->shared != m->shared || n->lang != m->lang, "flags");
		DIFF(tnode_mask(n) != tnode_mask(m), "mask");
		DIFF(tnode_mode(n) != tnode_mode(m), "mode");
		DIFF(tnode_low_level(n) != tnode_low_level(m), "lowest level");
		DIFF(tnode_size(n) != tnode_size(m), "size");
		DIFF(tnode_mtime(n) != tnode_mtime(m), "mtime");
		/* A file's node has no folder's fields (tree.h). */
		if (n->type == m->type && !tnode_is_file(n)) {
			DIFF(t_str_differ(n->handle, m->handle), "handle");
			DIFF(n->n_kids != m->n_kids, "number of kids");
			DIFF(n->n_subdirs != m->n_subdirs, "n_subdirs");
			for (k = 0; n->n_kids == m->n_kids && k < n->n_kids; k++)
				DIFF(n->kids[k]->ino != m->kids[k]->ino ||
				     tree_find(got, m->kids[k]->ino) != m->kids[k], "kid");
		}
		DIFF(!tnode_rec(n) != !tnode_rec(m), "recording");
		if (tnode_rec(n) && tnode_rec(m)) {
			DIFF(strcmp(tnode_rec(n)->row.id, tnode_rec(m)->row.id), "recording id");
			DIFF(strcmp(tnode_rec(n)->subjects, tnode_rec(m)->subjects), "subjects");
			DIFF(tnode_rec(n)->row.restricted_since != tnode_rec(m)->row.restricted_since ||
				     tnode_rec(n)->row.retention_until != tnode_rec(m)->row.retention_until ||
				     t_str_differ(tnode_rec(n)->row.legal_hold, tnode_rec(m)->row.legal_hold),
			     "recording row");
		}
		DIFF(!n->art != !m->art || (n->art && strcmp(n->art->id, m->art->id)), "artifact");
	}
	len_got = t_tree_nodes(got, &all_got);
	if (len_got != len || got->n_nodes != want->n_nodes || got->n_recs != want->n_recs) {
		if (bad++ < 5)
			fprintf(stderr, "  %s: %zu nodes (n_nodes %zu, %zu recordings), built %zu (%zu)\n", what,
				len_got, got->n_nodes, got->n_recs, len, want->n_recs);
	}
	if (got->root != tree_find(got, TREE_ROOT_INO))
		bad++;
	free(all);
	free(all_got);
#undef DIFF
	return bad;
}

#endif
