/*
 * Unit tests of tree_apply, against tree_build as the oracle: a register
 * takes a few hundred random changes through the real meta/ API (ingest,
 * erasure of a recording, an artifact or a subject, restriction and its
 * lift, holds, retention, rectification), and after each one the tree
 * patched from the previous one must equal a tree built from scratch node
 * for node (name, ino, type, masks, mode, gid, size, mtime, handle, kids in
 * order, subfolder count, recording), the previous trees must be as they
 * were (nothing shared was changed), and the invalidations the patch
 * reported must be exactly those tree_diff reports between the two built
 * trees.  RECFS_TEST_SEED picks another sequence.
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

#define STEPS 160
#define MAX_RECS 512

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy;
static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static struct tree *build(void)
{
	uint64_t sizes[POLICY_MAX_LANGS] = { 10, 11 };

	return t_tree_build(reg, sizes);
}

/* The invalidations reported, one string each, sorted. */
struct invals {
	char **s;
	size_t n;
};

static void add_inval(struct invals *v, char *s)
{
	v->s = xrealloc(v->s, (v->n + 1) * sizeof(*v->s));
	v->s[v->n++] = s;
}

static void on_entry(void *ctx, uint64_t parent, const char *name)
{
	add_inval(ctx, xasprintf("e %llx %s", (unsigned long long)parent, name));
}

static void on_inode(void *ctx, uint64_t ino)
{
	add_inval(ctx, xasprintf("i %llx", (unsigned long long)ino));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void invals_free(struct invals *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
	v->s = NULL;
	v->n = 0;
}

/* 0 when a and b report the same invalidations (as sets), else 1. */
static int invals_differ(struct invals *a, struct invals *b, const char *what)
{
	size_t i, j, k;
	int bad = 0;

	if (a->n)
		qsort(a->s, a->n, sizeof(*a->s), cmp_str);
	if (b->n)
		qsort(b->s, b->n, sizeof(*b->s), cmp_str);
	/* Sets: tree_diff reports an inode once per old node and view. */
	for (i = k = 0; i < a->n; i++)
		if (!k || strcmp(a->s[k - 1], a->s[i]))
			a->s[k++] = a->s[i];
		else
			free(a->s[i]);
	a->n = k;
	for (i = k = 0; i < b->n; i++)
		if (!k || strcmp(b->s[k - 1], b->s[i]))
			b->s[k++] = b->s[i];
		else
			free(b->s[i]);
	b->n = k;
	for (i = j = 0; i < a->n || j < b->n;) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->s[i], b->s[j]);

		if (c) {
			if (bad++ < 5)
				fprintf(stderr, "  %s: %s only in %s\n", what, c < 0 ? a->s[i] : b->s[j],
					c < 0 ? "the patch's" : "tree_diff's");
			if (c < 0)
				i++;
			else
				j++;
			continue;
		}
		i++;
		j++;
	}
	return bad != 0;
}

/* The ids of the recordings alive, as ingested. */
static char *recs[MAX_RECS];
static size_t n_recs;

static const char *const sources[] = { "customer-service", "customer-meetings" };

static char *ingest(unsigned serial)
{
	char *name = xasprintf("r%u", serial), *who = xasprintf("p%u", rnd(6));
	int with_chat = rnd(3) != 0;
	char *text = xasprintf(
		"{\"recorded_at\": \"2026-%02u-%02uT%02u:%02u:%02uZ\", \"source\": \"%s\","
		" \"subjects\": [{\"role\": \"customer\", \"name\": \"Matti %s\", \"phone\": \"+35840%u\"}],"
		" \"audio\": \"%s.opus\"%s%s%s}",
		1 + rnd(3), 1 + rnd(3), rnd(24), rnd(60), serial % 60, sources[rnd(2)], who, t_phone_of(who), name,
		with_chat ? ", \"attachments\": [{\"file\": \"" : "", with_chat ? name : "",
		with_chat ? "-chat.txt\", \"kind\": \"chat\"}]" : "");
	struct ingest_result res;
	char *id = NULL;

	if (t_ingest_text(dir, reg, secrets, &actor, name, text, &res) == 0 && !res.duplicate)
		id = xstrdup(res.recording);
	free(name);
	free(who);
	free(text);
	return id;
}

static void forget(size_t i)
{
	free(recs[i]);
	recs[i] = recs[--n_recs];
}

/* A recording's first subject's handle into h, or "". */
static int first_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	snprintf(ctx, CATALOG_HANDLE_MAX, "%s", handle);
	return 1;
}

static int first_chat(const struct cat_artifact *a, void *ctx)
{
	if (a->role && !strcmp(a->role, "chat")) {
		snprintf(ctx, RECFS_ID_HEX, "%s", a->id);
		return 1;
	}
	return 0;
}

/* One random change; its name for the messages. */
static const char *change(unsigned serial)
{
	char h[CATALOG_HANDLE_MAX] = "", art[RECFS_ID_HEX] = "";
	unsigned op = n_recs ? rnd(10) : 0;
	size_t i = n_recs ? rnd((unsigned)n_recs) : 0;
	const char *id = n_recs ? recs[i] : NULL;
	int rc;

	switch (op) {
	case 0:
	case 1:
	case 2:
		if (n_recs < MAX_RECS && (recs[n_recs] = ingest(serial)))
			n_recs++;
		return "ingest";
	case 3:
		if (rights_erase_recording(reg, &actor, privacy, id, "test") == 0)
			forget(i);
		return "erase";
	case 4:
		rc = rights_restrict(reg, &actor, privacy, id, "contested");
		(void)rc;
		return "restrict";
	case 5:
		rc = rights_lift(reg, secrets, &actor, privacy, id);
		return "lift";
	case 6:
		rc = rights_set_hold(reg, &actor, privacy, id, rnd(2) ? "litigation" : NULL);
		return "hold";
	case 7:
		(void)catalog_each_artifact(reg->cat, id, first_chat, art);
		if (*art)
			rc = rights_erase_artifact(reg, &actor, privacy, art);
		return "erase an artifact";
	case 8:
		(void)catalog_each_link(reg->cat, id, first_link, h);
		if (*h && rnd(2)) {
			rc = rights_rectify(reg, secrets, &actor, privacy, h, "name", "Maija Rectified");
			return "rectify";
		}
		if (*h && rights_erase_subject(reg, &actor, privacy, h) == 0) {
			/* Its recordings went with it. */
			for (i = 0; i < n_recs;) {
				struct cat_recording row;

				if (catalog_get_recording(reg->cat, recs[i], &row) == -ENOENT) {
					forget(i);
					continue;
				}
				cat_recording_clear(&row);
				i++;
			}
		}
		return "erase a subject";
	default:
		rc = rights_set_retention_text(reg, &actor, privacy, id, rnd(2) ? "2026-12-31" : "2027-01-31");
		return "retention";
	}
}

/*
 * One patch: a tree built now (nb) and *patched patched to now (np); the
 * differences between them, whether *built and *patched are as they were
 * (nothing shared changed), and whether the patch reported tree_diff's
 * invalidations between *built and nb, are added to *bad.  Then nb and np
 * replace *built and *patched; *changed says whether np is a new tree.
 * 0, or -1 when the build or the patch failed (checked).
 */
static int patch_step(struct tree **built, struct tree **patched, const char *what, size_t *bad, int *changed)
{
	struct invals got = { 0 }, want = { 0 };
	struct tree *nb = build(), *np = NULL;
	int rc;

	CHECK(nb != NULL);
	if (!nb)
		return -1;
	rc = tree_apply(*patched, reg->cat, reg->policy, on_entry, on_inode, &got, &np);
	CHECK_EQ(rc, 0);
	if (rc) {
		invals_free(&got);
		tree_unref(nb);
		return -1;
	}
	*changed = np != *patched;
	tree_diff(*built, nb, on_entry, on_inode, &want);
	*bad += t_trees_differ(nb, np, what);
	/* The trees before are as they were: nothing shared changed. */
	*bad += t_trees_differ(*built, *patched, "the tree patched from");
	*bad += (size_t)invals_differ(&got, &want, what);
	CHECK_EQ(np->content_version, nb->content_version);
	invals_free(&got);
	invals_free(&want);
	tree_unref(*built);
	tree_unref(*patched);
	*built = nb;
	*patched = np;
	return 0;
}

TEST(test_apply_equals_a_fresh_build_after_every_random_change)
{
	struct tree *built = build(), *patched = NULL;
	size_t bad = 0, steps = 0, patched_steps = 0;
	char what[96];
	int changed;

	CHECK(built != NULL);
	if (!built)
		return;
	tree_ref(built);
	patched = built;
	for (unsigned s = 0; s < STEPS && bad == 0; s++) {
		const char *op = change(s);

		snprintf(what, sizeof(what), "step %u (%s)", s, op);
		if (patch_step(&built, &patched, what, &bad, &changed))
			break;
		patched_steps += changed != 0;
		steps++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(steps, STEPS);
	/* Most steps change something (a refused lift changes nothing). */
	CHECK(patched_steps > STEPS / 2);
	CHECK(n_recs > 10);
	fprintf(stderr, "  %zu steps, %zu patched, %zu recordings left\n", steps, patched_steps, n_recs);
	tree_unref(built);
	tree_unref(patched);
}

/*
 * The poller patches whatever piled up since its last pass: several
 * changes, some on the same recording (ingested then erased, restricted
 * then lifted), must patch into what a build gives, with the
 * invalidations tree_diff gives between the two built trees.
 */
TEST(test_apply_of_several_changes_at_once_equals_a_fresh_build)
{
	struct tree *built = build(), *patched = NULL;
	size_t bad = 0, steps = 0;
	char what[96];
	int changed;

	CHECK(built != NULL);
	if (!built)
		return;
	tree_ref(built);
	patched = built;
	for (unsigned s = 0; s < STEPS / 4 && bad == 0; s++) {
		unsigned k, n = 2 + rnd(6);

		for (k = 0; k < n; k++)
			(void)change(10000 + s * 8 + k);
		snprintf(what, sizeof(what), "batch %u (%u changes)", s, n);
		if (patch_step(&built, &patched, what, &bad, &changed))
			break;
		steps++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(steps, STEPS / 4);
	tree_unref(built);
	tree_unref(patched);
}

TEST(test_apply_of_nothing_is_the_same_tree_and_a_pruned_log_says_estale)
{
	struct tree *t = build(), *u = NULL;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_EQ(tree_apply(t, reg->cat, reg->policy, NULL, NULL, NULL, &u), 0);
	CHECK(u == t);
	tree_unref(u);
	/* A tree from before what the log still holds cannot be patched. */
	t->change_seq = 0;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	for (unsigned i = 0; i < CATALOG_CHANGE_KEEP + 1024; i++)
		CHECK_EQ(catalog_touch_recording(reg->cat, "00000000000000000000000000000000"), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	u = NULL;
	CHECK_EQ(tree_apply(t, reg->cat, reg->policy, NULL, NULL, NULL, &u), -ESTALE);
	CHECK(u == NULL);
	/* And "everything changed" (a touch naming nothing) rebuilds too. */
	tree_unref(t);
	t = build();
	CHECK_EQ(catalog_touch_content(reg->cat), 0);
	CHECK_EQ(tree_apply(t, reg->cat, reg->policy, NULL, NULL, NULL, &u), -ESTALE);
	tree_unref(t);
}

/*
 * tree_build reads the seals, links and subjects aside, on a second
 * connection and thread: after each random change, the tree it builds so
 * must be the one it builds reading all on one connection.
 */
TEST(test_build_reading_aside_equals_a_build_on_one_connection)
{
	struct tree *aside, *one;
	size_t bad = 0;
	unsigned long before;
	char what[96];

	for (unsigned s = 0; s < STEPS / 4 && bad == 0; s++) {
		const char *op = change(20000 + s);

		snprintf(what, sizeof(what), "step %u (%s)", s, op);
		before = tree_builds_aside;
		aside = build();
		CHECK_EQ(tree_builds_aside, before + 1);
		tree_read_aside = 0;
		one = build();
		tree_read_aside = 1;
		CHECK_EQ(tree_builds_aside, before + 1);
		CHECK(aside != NULL && one != NULL);
		if (aside && one)
			bad += t_trees_differ(one, aside, what);
		tree_unref(aside);
		tree_unref(one);
	}
	CHECK_EQ(bad, 0);
	CHECK(n_recs > 10);
}

static unsigned between_serial;

static void ingest_between_reads(void)
{
	if (n_recs < MAX_RECS && (recs[n_recs] = ingest(between_serial)))
		n_recs++;
}

/*
 * A recording ingested after the second connection began to read and
 * before the build's own did: the two would show different registers (the
 * new recording's artifacts without their seals, so hidden from every
 * level, and without its subjects).  The build must read all on its own
 * connection then, and give what a build after it gives.
 */
/*
 * A build with hook called between its two read transactions, then a
 * build after it: the differences between the two trees (told on stderr
 * as what's); *aside: the first build read aside.
 */
static size_t differs_from_a_build_after(void (*hook)(void), const char *what, int *aside)
{
	unsigned long before = tree_builds_aside;
	struct tree *t, *after;
	size_t bad = 1;

	tree_test_between_reads = hook;
	t = build();
	tree_test_between_reads = NULL;
	*aside = tree_builds_aside > before;
	after = build();
	CHECK(t != NULL && after != NULL);
	if (t && after)
		bad = t_trees_differ(after, t, what);
	tree_unref(t);
	tree_unref(after);
	return bad;
}

TEST(test_build_with_an_ingest_between_its_two_reads_shows_one_register)
{
	size_t bad = 0, ingested = 0, was;
	char what[96];
	int aside;

	for (unsigned s = 0; s < 8 && bad == 0; s++) {
		was = n_recs;
		between_serial = 30000 + s;
		snprintf(what, sizeof(what), "ingest %u between the reads", s);
		bad += differs_from_a_build_after(ingest_between_reads, what, &aside);
		ingested += n_recs > was;
		CHECK_EQ(aside, n_recs == was);
	}
	CHECK_EQ(bad, 0);
	CHECK(ingested >= 6);
}

static size_t unlinked;

/* One link of a recording alive removed, as `recctl fsck --repair` does:
 * a commit that moves the change log and not the content version. */
static void unlink_between_reads(void)
{
	char h[CATALOG_HANDLE_MAX] = "";

	for (size_t i = 0; i < n_recs; i++) {
		if (catalog_each_link(reg->cat, recs[i], first_link, h) < 0 || !h[0])
			continue;
		if (catalog_begin(reg->cat) == 0) {
			if (catalog_unlink_subject(reg->cat, recs[i], h) == 0 && catalog_commit(reg->cat) == 0)
				unlinked++;
			else
				catalog_rollback(reg->cat);
		}
		return;
	}
}

/* The same with a change only the change log shows: the second
 * connection would still list the link the build's no longer has. */
TEST(test_build_with_an_unlink_between_its_two_reads_shows_one_register)
{
	size_t bad = 0, was;
	int64_t version0, version1;
	char what[96];
	int aside;

	for (unsigned s = 0; s < 4 && bad == 0; s++) {
		was = unlinked;
		CHECK_EQ(catalog_content_version(reg->cat, &version0), 0);
		snprintf(what, sizeof(what), "unlink %u between the reads", s);
		bad += differs_from_a_build_after(unlink_between_reads, what, &aside);
		CHECK_EQ(unlinked, was + 1);
		CHECK_EQ(catalog_content_version(reg->cat, &version1), 0);
		CHECK_EQ(version1, version0);
		CHECK_EQ(aside, 0);
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	const char *seed = getenv("RECFS_TEST_SEED");
	int i;

	rng = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ULL;
	if (!rng)
		rng = 1;
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("tree_apply")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	audit_self(&actor, "privacy");
	for (i = 0; i < 12; i++)
		if (n_recs < MAX_RECS && (recs[n_recs] = ingest(1000 + (unsigned)i)))
			n_recs++;
	RUN(test_apply_equals_a_fresh_build_after_every_random_change);
	RUN(test_apply_of_several_changes_at_once_equals_a_fresh_build);
	RUN(test_apply_of_nothing_is_the_same_tree_and_a_pruned_log_says_estale);
	RUN(test_build_reading_aside_equals_a_build_on_one_connection);
	RUN(test_build_with_an_ingest_between_its_two_reads_shows_one_register);
	RUN(test_build_with_an_unlink_between_its_two_reads_shows_one_register);
	for (size_t k = 0; k < n_recs; k++)
		free(recs[k]);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
