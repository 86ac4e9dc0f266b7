/* Unit tests of fs/dek, the mount's one key path, on a mount's state made
 * by hand (no FUSE): a caller gets the data key its own level's seal holds
 * and nothing for a level without one or without the key; a protected
 * recording needs the caller's own unlock, which the key path checks and
 * keeps per uid; cached keys serve until the seals are forgotten, and an
 * erased recording's key is not served after that; sealed records open
 * for the levels they are sealed for. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "caller.h"
#include "dek.h"
#include "protect.h"
#include "recfs_i.h"
#include "rights.h"
#include "seal.h"
#include "t.h"
#include "t_tree.h"
#include "t_reg.h"
#include "tree.h"

#define PASS "correct horse battery"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static struct recfs fs;
static int training, analysis, privacy;
static char *plain, *guarded, *erased, *meeting;
static struct crypto_key *guarded_dek;	/* its audio's DEK, from before it was protected */

static struct caller caller(uid_t uid, int level)
{
	struct caller c;

	memset(&c, 0, sizeof(c));
	c.uid = uid;
	c.level = level;
	return c;
}

/* A snapshot of the register as it is now. */
static struct tree *snapshot(void)
{
	struct tree *t = NULL;

	if (tree_build(reg->cat, reg->policy, NULL, &t))
		fprintf(stderr, "  tree_build: %s\n", meta_errmsg());
	return t;
}

/* The .opus node of recording rec in t, or NULL. */
static const struct tnode *audio_of(const struct tree *t, const char *rec)
{
	const struct tnode **all, *n = NULL;
	size_t i, len = t_tree_nodes(t, &all);

	for (i = 0; i < len && !n; i++)
		if (all[i]->type == TN_FILE && tnode_rec(all[i]) && !strcmp(tnode_rec(all[i])->row.id, rec) && all[i]->art &&
		    !strcmp(all[i]->art->role, "audio"))
			n = all[i];
	free(all);
	return n;
}

/* 1 when a and b hold the same bytes. */
static int same_key(const struct crypto_key *a, const struct crypto_key *b)
{
	return a && b && a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

/* The artifact's real data key, straight from the register. */
static struct crypto_key *real_dek(const char *level, const char *object)
{
	struct crypto_key *k = NULL;

	return seal_unseal(reg, secrets, level, object, &k) ? NULL : k;
}

TEST(test_dek_gives_the_key_of_the_callers_own_seal)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, plain);
	struct caller c = caller(1000, training);
	struct crypto_key *got = NULL, *want = n ? real_dek("training", n->art->id) : NULL;

	CHECK(n && want);
	if (n) {
		CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
		CHECK(same_key(got, want));
	}
	crypto_key_free(got);
	crypto_key_free(want);
	tree_unref(t);
}

struct via_call {
	struct catalog *cat;
	const struct tnode *n;
	struct caller c;
	struct crypto_key *got;
	int rc;
};

static void *call_via(void *arg)
{
	struct via_call *v = arg;

	v->rc = dek_get_via(&fs, v->cat, &v->c, v->n, &v->got);
	return NULL;
}

/* A thread's own catalog connection reads the seal without cat_lock:
 * the key comes while another thread holds the lock (the prefetch
 * workers' path, which must not wait for the mount's requests). */
TEST(test_dek_via_an_own_connection_needs_no_cat_lock)
{
	struct tree *t = snapshot();
	struct via_call v = { .n = audio_of(t, plain), .c = caller(1000, training), .rc = 1 };
	struct crypto_key *want = v.n ? real_dek("training", v.n->art->id) : NULL;
	char *path = reg_path(reg, "catalog.db");
	struct timespec until;
	pthread_t th;
	int joined = 0;

	CHECK(v.n && want);
	CHECK_EQ(catalog_open(path, 0, &v.cat), 0);
	if (!v.n || !v.cat)
		goto out;
	dek_forget_seals(fs.deks);	/* a cache miss: the seal is read */
	pthread_mutex_lock(&fs.cat_lock);
	CHECK_EQ(pthread_create(&th, NULL, call_via, &v), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	joined = pthread_timedjoin_np(th, NULL, &until) == 0;
	pthread_mutex_unlock(&fs.cat_lock);
	if (!joined)
		pthread_join(th, NULL);
	CHECK(joined);
	CHECK_EQ(v.rc, 0);
	CHECK(same_key(v.got, want));
out:
	catalog_close(v.cat);
	crypto_key_free(v.got);
	crypto_key_free(want);
	free(path);
	tree_unref(t);
}

TEST(test_dek_refuses_a_level_without_a_seal_and_a_caller_without_a_level)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, meeting);	/* min_level analysis */
	struct caller low = caller(1000, training), none = caller(1000, -1), high = caller(1000, analysis);
	struct crypto_key *got = NULL;

	CHECK(n != NULL);
	if (n) {
		CHECK_EQ(dek_get(&fs, &low, n, &got), -EACCES);
		CHECK_EQ(dek_get(&fs, &none, n, &got), -EACCES);
		CHECK(got == NULL);
		CHECK_EQ(dek_get(&fs, &high, n, &got), 0);
		CHECK(got != NULL);
	}
	CHECK_EQ(dek_get(&fs, &high, t->root, &got), -EACCES);	/* a folder */
	crypto_key_free(got);
	tree_unref(t);
}

TEST(test_dek_without_the_level_key_in_the_keyring_is_enokey)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, meeting);
	struct caller c = caller(1000, privacy);
	const struct keyring *kr = fs.kr;
	struct keyring *training_only = NULL;
	struct crypto_key *got = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];

	CHECK(n != NULL);
	CHECK_EQ(keyring_new(&training_only), 0);
	CHECK_EQ(keyring_add_level(training_only, "training", keyring_level(secrets, "training", pk)), 0);
	fs.kr = training_only;
	dek_forget_seals(fs.deks);
	if (n)
		CHECK_EQ(dek_get(&fs, &c, n, &got), -ENOKEY);
	CHECK(got == NULL);
	fs.kr = (struct keyring *)kr;
	keyring_free(training_only);
	tree_unref(t);
}

/* A key once unsealed is served from the cache, even when the keyring
 * could no longer open the seal, until the seals are forgotten. */
TEST(test_dek_serves_a_cached_key_until_the_seals_are_forgotten)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, plain);
	struct caller c = caller(1000, analysis);
	struct keyring *kr = fs.kr;
	struct crypto_key *got = NULL;

	CHECK(n != NULL);
	if (!n)
		goto out;
	dek_forget_seals(fs.deks);
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	crypto_key_free(got);
	got = NULL;
	fs.kr = NULL;
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	crypto_key_free(got);
	got = NULL;
	dek_forget_seals(fs.deks);
	CHECK_EQ(dek_get(&fs, &c, n, &got), -ENOKEY);
	fs.kr = kr;
out:
	crypto_key_free(got);
	tree_unref(t);
}

/* An open decided on a snapshot behind the catalog (ops.c): the seal is
 * read and opened again, whatever the cache holds. */
TEST(test_dek_fresh_reads_the_seal_whatever_the_cache_holds)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, plain);
	struct caller c = caller(1000, analysis);
	struct keyring *kr = fs.kr;
	struct crypto_key *got = NULL, *want = NULL;

	CHECK(n != NULL);
	if (!n)
		goto out;
	dek_forget_seals(fs.deks);
	CHECK_EQ(dek_get(&fs, &c, n, &want), 0);
	CHECK_EQ(dek_get_fresh(&fs, &c, n, &got), 0);
	CHECK(got && want && same_key(got, want));
	crypto_key_free(got);
	got = NULL;
	/* Without the keyring only the cache can give it. */
	fs.kr = NULL;
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	crypto_key_free(got);
	got = NULL;
	CHECK_EQ(dek_get_fresh(&fs, &c, n, &got), -ENOKEY);
	CHECK(got == NULL);
	fs.kr = kr;
out:
	fs.kr = kr;
	crypto_key_free(got);
	crypto_key_free(want);
	tree_unref(t);
}

/* What the poller does on an erasure: forget the seals.  The erased
 * recording's key, cached before, is then not served from the old node. */
TEST(test_dek_serves_no_key_of_an_erased_recording_once_seals_are_forgotten)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, erased);
	struct caller c = caller(1000, training);
	struct crypto_key *got = NULL;

	CHECK(n != NULL);
	if (!n)
		goto out;
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	crypto_key_free(got);
	got = NULL;
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, erased, "test"), 0);
	dek_forget_seals(fs.deks);
	CHECK_EQ(dek_get(&fs, &c, n, &got), -EACCES);
	CHECK(got == NULL);
out:
	crypto_key_free(got);
	tree_unref(t);
}

TEST(test_dek_of_a_protected_recording_needs_the_callers_own_unlock)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, guarded);
	struct caller c = caller(1000, analysis), other = caller(1001, analysis);
	struct crypto_key *got = NULL, *masked = NULL;

	CHECK(n && tnode_rec(n)->row.locked && guarded_dek);
	if (!n || !guarded_dek)
		goto out;
	CHECK_EQ(dek_get(&fs, &c, n, &got), -ENOKEY);
	CHECK_EQ(dek_unlocked(fs.deks, c.uid, guarded), 0);
	CHECK_EQ(dek_unlock(&fs, &c, guarded, "not the passphrase"), -EACCES);
	CHECK_EQ(dek_get(&fs, &c, n, &got), -ENOKEY);
	CHECK_EQ(dek_unlock(&fs, &c, guarded, PASS), 0);
	CHECK_EQ(dek_unlocked(fs.deks, c.uid, guarded), 1);
	/* The seal holds DEK ^ P; the key path takes the mask off. */
	CHECK_EQ(seal_unseal(reg, secrets, "analysis", n->art->id, &masked), 0);
	CHECK(!same_key(masked, guarded_dek));
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	CHECK(same_key(got, guarded_dek));
	crypto_key_free(got);
	got = NULL;
	/* Again, from the cache: still the key, for this uid and no other. */
	CHECK_EQ(dek_get(&fs, &c, n, &got), 0);
	CHECK(same_key(got, guarded_dek));
	crypto_key_free(got);
	got = NULL;
	CHECK_EQ(dek_get(&fs, &other, n, &got), -ENOKEY);
	CHECK_EQ(dek_unlocked(fs.deks, other.uid, guarded), 0);
	dek_lock(fs.deks, c.uid, guarded);
	CHECK_EQ(dek_unlocked(fs.deks, c.uid, guarded), 0);
	CHECK_EQ(dek_get(&fs, &c, n, &got), -ENOKEY);
out:
	crypto_key_free(got);
	crypto_key_free(masked);
	tree_unref(t);
}

TEST(test_dek_unlock_of_an_unprotected_recording_is_einval)
{
	struct caller c = caller(1000, analysis), none = caller(1000, -1);

	CHECK_EQ(dek_unlock(&fs, &c, plain, PASS), -EINVAL);
	CHECK_EQ(dek_unlock(&fs, &none, guarded, PASS), -EACCES);
	CHECK_EQ(dek_unlocked(fs.deks, c.uid, plain), 0);
}

TEST(test_dek_reads_a_sealed_record_only_for_a_level_it_is_sealed_for)
{
	struct tree *t = snapshot();
	const struct tnode *n = audio_of(t, plain);
	struct caller low = caller(1000, training), high = caller(1000, analysis), none = caller(1000, -1);
	char *json = NULL;
	size_t len = 0;

	CHECK(n && tnode_rec(n)->row.details_id[0]);
	if (!n)
		goto out;
	CHECK_EQ(dek_read_record(&fs, &high, tnode_rec(n)->row.details_id, &json, &len), 0);
	CHECK(json && len > 0 && json[0] == '{');
	free(json);
	json = NULL;
	CHECK_EQ(dek_read_record(&fs, &low, tnode_rec(n)->row.details_id, &json, &len), -EACCES);
	CHECK_EQ(dek_read_record(&fs, &none, tnode_rec(n)->row.details_id, &json, &len), -EACCES);
	CHECK(json == NULL);
out:
	tree_unref(t);
}

/* The ingested recording the tests use, and which ones are protected. */
static int set_up(void)
{
	struct tree *t = NULL;
	const struct policy *p;

	if (!(dir = t_mkdtemp("dek")) || t_register(dir, &secrets, &reg))
		return -1;
	p = reg->policy;
	for (int i = 0; i < (int)p->n_levels; i++) {
		if (!strcmp(p->levels[i].name, "training"))
			training = i;
		else if (!strcmp(p->levels[i].name, "analysis"))
			analysis = i;
		else if (!strcmp(p->levels[i].name, "privacy"))
			privacy = i;
	}
	audit_self(&actor, "privacy");
	plain = t_ingest_one(dir, reg, secrets, &actor, "plain", "2026-03-04T10:00:00Z", "\"title\": \"A call\",");
	guarded = t_ingest_one(dir, reg, secrets, &actor, "guarded", "2026-03-04T11:00:00Z", "");
	erased = t_ingest_one(dir, reg, secrets, &actor, "erased", "2026-03-04T12:00:00Z", "");
	meeting = t_ingest_one(dir, reg, secrets, &actor, "meeting", "2026-03-04T13:00:00Z",
			       "\"purpose\": \"service-level\",");
	if (!plain || !guarded || !erased || !meeting || !(t = snapshot()) || !audio_of(t, guarded))
		return -1;
	guarded_dek = real_dek("analysis", audio_of(t, guarded)->art->id);
	tree_unref(t);
	if (!guarded_dek || protect_recording(reg, secrets, &actor, privacy, guarded, PASS, strlen(PASS)))
		return -1;
	fs.reg = reg;
	fs.kr = secrets;
	pthread_mutex_init(&fs.cat_lock, NULL);
	if (dek_new(64, &fs.deks))
		return -1;
	t = snapshot();
	tree_unref(t);
	return t ? 0 : -1;
}

/* A caller that waits for a place among the derivations, in a thread. */
struct waiter {
	struct deks *d;
	uid_t uid;
	int rc;
	int done;	/* under lock */
	pthread_mutex_t *lock;
};

static void *wait_for_place(void *arg)
{
	struct waiter *w = arg;
	int rc = dek_derive_enter(w->d, w->uid);

	pthread_mutex_lock(w->lock);
	w->rc = rc;
	w->done = 1;
	pthread_mutex_unlock(w->lock);
	return NULL;
}

static int is_done(struct waiter *w)
{
	int done;

	pthread_mutex_lock(w->lock);
	done = w->done;
	pthread_mutex_unlock(w->lock);
	return done;
}

/* Start w waiting for a place on thread *t; return once the deks count
 * `waiting` waiters (or w is done, when `or_done`). */
static int start_waiter(struct waiter *w, pthread_t *t, int waiting, int or_done)
{
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };

	if (pthread_create(t, NULL, wait_for_place, w) != 0)
		return -1;
	while (dek_derive_waiting(w->d) < waiting && !(or_done && is_done(w)))
		nanosleep(&ms20, NULL);
	return 0;
}

/* Unlocks wait for one of the two derivations on a FUSE worker thread: two
 * of them at most, one per uid; past that EBUSY at once, so that guessing
 * users cannot hold every worker thread of the mount (atk18 F3). */
TEST(test_dek_unlocks_that_wait_for_a_derivation_are_two_at_most)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct deks *d = NULL;
	struct waiter w3 = { .uid = 3, .lock = &lock }, w4 = { .uid = 4, .lock = &lock };
	pthread_t t3, t4;
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };

	CHECK_EQ(dek_new(8, &d), 0);
	if (!d)
		return;
	w3.d = w4.d = d;
	CHECK_EQ(dek_derive_enter(d, 1), 0);
	CHECK_EQ(dek_derive_enter(d, 2), 0);
	CHECK_EQ(dek_derive_enter(d, 1), -EBUSY);	/* one place per uid */
	CHECK_EQ(start_waiter(&w3, &t3, 1, 0), 0);
	CHECK_EQ(dek_derive_enter(d, 3), -EBUSY);	/* uid 3 waits already */
	CHECK_EQ(start_waiter(&w4, &t4, 2, 0), 0);
	CHECK_EQ(dek_derive_enter(d, 5), -EBUSY);	/* two wait already */
	CHECK(!is_done(&w3) && !is_done(&w4));
	dek_derive_leave(d, 1);
	while (!is_done(&w3) && !is_done(&w4))
		nanosleep(&ms20, NULL);
	CHECK(is_done(&w3) != is_done(&w4));	/* one took the place */
	CHECK_EQ(dek_derive_waiting(d), 1);
	dek_derive_leave(d, 2);
	pthread_join(t3, NULL);
	pthread_join(t4, NULL);
	CHECK_EQ(w3.rc, 0);
	CHECK_EQ(w4.rc, 0);
	CHECK_EQ(dek_derive_waiting(d), 0);
	dek_derive_leave(d, 3);
	CHECK_EQ(dek_derive_enter(d, 5), 0);
	dek_derive_leave(d, 4);
	dek_derive_leave(d, 5);
	dek_free(d);
}

/* A place given back goes to the unlock that waited for it, handed over
 * at once, never to a newcomer: a uid that gives its place back and
 * guesses again at once waits behind the waiter, so users who keep
 * guessing cannot keep a waiting user waiting. */
TEST(test_dek_a_place_given_back_goes_to_the_waiter_not_a_newcomer)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct deks *d = NULL;
	struct waiter w3 = { .uid = 3, .lock = &lock }, w1 = { .uid = 1, .lock = &lock };
	pthread_t t3, t1;

	CHECK_EQ(dek_new(8, &d), 0);
	if (!d)
		return;
	w3.d = w1.d = d;
	CHECK_EQ(dek_derive_enter(d, 1), 0);
	CHECK_EQ(dek_derive_enter(d, 2), 0);
	CHECK_EQ(start_waiter(&w3, &t3, 1, 0), 0);
	dek_derive_leave(d, 1);
	/* the place is uid 3's as it is given back, before uid 3 runs */
	CHECK_EQ(dek_derive_waiting(d), 0);
	CHECK_EQ(dek_derive_enter(d, 3), -EBUSY);
	/* uid 1 guesses again at once: it waits */
	CHECK_EQ(start_waiter(&w1, &t1, 1, 1), 0);
	CHECK(!is_done(&w1));
	pthread_join(t3, NULL);
	CHECK_EQ(w3.rc, 0);
	CHECK(!is_done(&w1));
	dek_derive_leave(d, 2);
	pthread_join(t1, NULL);
	CHECK_EQ(w1.rc, 0);
	dek_derive_leave(d, 3);
	dek_derive_leave(d, 1);
	CHECK_EQ(dek_derive_waiting(d), 0);
	dek_free(d);
}

/* Waiters get the places given back in the order they came to wait. */
TEST(test_dek_waiters_get_the_places_in_the_order_they_came)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct deks *d = NULL;
	struct waiter w3 = { .uid = 3, .lock = &lock }, w4 = { .uid = 4, .lock = &lock };
	pthread_t t3, t4;

	CHECK_EQ(dek_new(8, &d), 0);
	if (!d)
		return;
	w3.d = w4.d = d;
	CHECK_EQ(dek_derive_enter(d, 1), 0);
	CHECK_EQ(dek_derive_enter(d, 2), 0);
	CHECK_EQ(start_waiter(&w4, &t4, 1, 0), 0);
	CHECK_EQ(start_waiter(&w3, &t3, 2, 0), 0);
	dek_derive_leave(d, 1);
	CHECK_EQ(dek_derive_waiting(d), 1);
	pthread_join(t4, NULL);	/* uid 4 came first */
	CHECK_EQ(w4.rc, 0);
	CHECK(!is_done(&w3));
	CHECK_EQ(dek_derive_enter(d, 4), -EBUSY);
	dek_derive_leave(d, 2);
	CHECK_EQ(dek_derive_waiting(d), 0);
	pthread_join(t3, NULL);
	CHECK_EQ(w3.rc, 0);
	dek_derive_leave(d, 3);
	dek_derive_leave(d, 4);
	CHECK_EQ(dek_derive_enter(d, 5), 0);
	dek_derive_leave(d, 5);
	dek_free(d);
}

int main(void)
{
	if (set_up()) {
		fprintf(stderr, "cannot set up: %s\n", meta_errmsg());
		if (dir)
			util_remove_tree(dir);
		return 2;
	}
	RUN(test_dek_gives_the_key_of_the_callers_own_seal);
	RUN(test_dek_unlocks_that_wait_for_a_derivation_are_two_at_most);
	RUN(test_dek_a_place_given_back_goes_to_the_waiter_not_a_newcomer);
	RUN(test_dek_waiters_get_the_places_in_the_order_they_came);
	RUN(test_dek_via_an_own_connection_needs_no_cat_lock);
	RUN(test_dek_refuses_a_level_without_a_seal_and_a_caller_without_a_level);
	RUN(test_dek_without_the_level_key_in_the_keyring_is_enokey);
	RUN(test_dek_serves_a_cached_key_until_the_seals_are_forgotten);
	RUN(test_dek_fresh_reads_the_seal_whatever_the_cache_holds);
	RUN(test_dek_serves_no_key_of_an_erased_recording_once_seals_are_forgotten);
	RUN(test_dek_of_a_protected_recording_needs_the_callers_own_unlock);
	RUN(test_dek_unlock_of_an_unprotected_recording_is_einval);
	RUN(test_dek_reads_a_sealed_record_only_for_a_level_it_is_sealed_for);
	dek_free(fs.deks);
	crypto_key_free(guarded_dek);
	pthread_mutex_destroy(&fs.cat_lock);
	free(plain);
	free(guarded);
	free(erased);
	free(meeting);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	free(dir);
	T_DONE();
}
