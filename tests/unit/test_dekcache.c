/* Unit tests of fs/dekcache, the key path's cache of unsealed data keys: a
 * key is found only under the (object, level) it was stored for, a clear
 * forgets it, and a key unsealed from a seal read before a clear is not
 * stored after it (the seal may be gone: erasure, restriction). */
#include "crypto.h"
#include "dekcache_i.h"
#include "t.h"

#define OBJ_A "0123456789abcdef0123456789abcdef"
#define OBJ_B "fedcba9876543210fedcba9876543210"

static struct crypto_key *key_of(unsigned char fill)
{
	struct crypto_key *k = crypto_key_new(CRYPTO_DEK_BYTES, 0);

	if (k)
		memset(k->bytes, fill, k->len);
	return k;
}

/* 1 when k holds CRYPTO_DEK_BYTES bytes of fill. */
static int holds(const struct crypto_key *k, unsigned char fill)
{
	size_t i;

	if (!k || k->len != CRYPTO_DEK_BYTES)
		return 0;
	for (i = 0; i < k->len; i++)
		if (k->bytes[i] != fill)
			return 0;
	return 1;
}

TEST(test_dekcache_returns_a_copy_of_what_was_put)
{
	struct dekcache *c = dekcache_new(64);
	struct crypto_key *k = key_of(0x5a), *got, *again;
	uint64_t gen;

	CHECK(c && k);
	CHECK(dekcache_get(c, OBJ_A, 1, &gen) == NULL);
	dekcache_put(c, OBJ_A, 1, k, gen);
	memset(k->bytes, 0, k->len);	/* the cache keeps its own copy */
	got = dekcache_get(c, OBJ_A, 1, &gen);
	CHECK(holds(got, 0x5a));
	if (got)
		memset(got->bytes, 0, got->len);	/* and hands out copies */
	again = dekcache_get(c, OBJ_A, 1, &gen);
	CHECK(holds(again, 0x5a));
	crypto_key_free(k);
	crypto_key_free(got);
	crypto_key_free(again);
	dekcache_free(c);
}

TEST(test_dekcache_finds_a_key_only_under_its_object_and_level)
{
	struct dekcache *c = dekcache_new(64);
	struct crypto_key *k = key_of(0x11), *other_level, *other_object;
	uint64_t gen;

	(void)dekcache_get(c, OBJ_A, 2, &gen);
	dekcache_put(c, OBJ_A, 2, k, gen);
	other_level = dekcache_get(c, OBJ_A, 1, &gen);
	other_object = dekcache_get(c, OBJ_B, 2, &gen);
	CHECK(other_level == NULL);
	CHECK(other_object == NULL);
	crypto_key_free(other_level);
	crypto_key_free(other_object);
	crypto_key_free(k);
	dekcache_free(c);
}

/* One slot: every entry evicts the one before, and a lookup of the evicted
 * (object, level) must not return the newer key. */
TEST(test_dekcache_does_not_serve_an_evicted_key_for_the_newer_entry)
{
	struct dekcache *c = dekcache_new(1);
	struct crypto_key *a = key_of(0xaa), *b = key_of(0xbb), *got_a, *got_b;
	uint64_t gen;

	(void)dekcache_get(c, OBJ_A, 0, &gen);
	dekcache_put(c, OBJ_A, 0, a, gen);
	(void)dekcache_get(c, OBJ_B, 0, &gen);
	dekcache_put(c, OBJ_B, 0, b, gen);
	got_a = dekcache_get(c, OBJ_A, 0, &gen);
	got_b = dekcache_get(c, OBJ_B, 0, &gen);
	CHECK(got_a == NULL);
	CHECK(holds(got_b, 0xbb));
	crypto_key_free(got_a);
	crypto_key_free(got_b);
	crypto_key_free(a);
	crypto_key_free(b);
	dekcache_free(c);
}

TEST(test_dekcache_forgets_every_key_on_clear)
{
	struct dekcache *c = dekcache_new(64);
	struct crypto_key *k = key_of(0x22), *got;
	uint64_t gen;

	(void)dekcache_get(c, OBJ_A, 0, &gen);
	dekcache_put(c, OBJ_A, 0, k, gen);
	dekcache_clear(c);
	got = dekcache_get(c, OBJ_A, 0, &gen);
	CHECK(got == NULL);
	crypto_key_free(got);
	crypto_key_free(k);
	dekcache_free(c);
}

/*
 * The race of the mount: a handler misses, reads the seal, and while it
 * opens the seal the poller sees an erasure and clears the cache.  The key
 * it then puts came from a seal that may no longer exist: it must not be
 * stored, or the erased recording would stay readable from the cache.
 */
TEST(test_dekcache_does_not_store_a_key_unsealed_before_a_clear)
{
	struct dekcache *c = dekcache_new(64);
	struct crypto_key *k = key_of(0x33), *got;
	uint64_t gen;

	CHECK(dekcache_get(c, OBJ_A, 0, &gen) == NULL);	/* the miss */
	dekcache_clear(c);				/* the poller, meanwhile */
	dekcache_put(c, OBJ_A, 0, k, gen);		/* the handler's unsealed key */
	got = dekcache_get(c, OBJ_A, 0, &gen);
	CHECK(got == NULL);
	crypto_key_free(got);
	/* A miss after the clear stores as usual. */
	dekcache_put(c, OBJ_A, 0, k, gen);
	got = dekcache_get(c, OBJ_A, 0, &gen);
	CHECK(holds(got, 0x33));
	crypto_key_free(got);
	crypto_key_free(k);
	dekcache_free(c);
}

TEST(test_dekcache_keeps_no_key_of_another_length)
{
	struct dekcache *c = dekcache_new(64);
	struct crypto_key *k = crypto_key_new(CRYPTO_DEK_BYTES / 2, 0), *got;
	uint64_t gen;

	(void)dekcache_get(c, OBJ_A, 0, &gen);
	dekcache_put(c, OBJ_A, 0, k, gen);
	got = dekcache_get(c, OBJ_A, 0, &gen);
	CHECK(got == NULL);
	crypto_key_free(got);
	crypto_key_free(k);
	dekcache_free(c);
}

int main(void)
{
	if (crypto_setup())
		return 1;
	RUN(test_dekcache_returns_a_copy_of_what_was_put);
	RUN(test_dekcache_finds_a_key_only_under_its_object_and_level);
	RUN(test_dekcache_does_not_serve_an_evicted_key_for_the_newer_entry);
	RUN(test_dekcache_forgets_every_key_on_clear);
	RUN(test_dekcache_does_not_store_a_key_unsealed_before_a_clear);
	RUN(test_dekcache_keeps_no_key_of_another_length);
	T_DONE();
}
