/*
 * test_crypto.c - the crypto module: seals, AEAD, records, passphrase
 * boxes, hashes, guarded memory, randomness and hex.  Every failed opening
 * must be -EBADMSG and leave no plaintext.
 */
#include "t.h"

#include "crypto.h"

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static struct crypto_key *fixed_key(size_t len, uint8_t start)
{
	struct crypto_key *k = crypto_key_new(len, 0);

	for (size_t i = 0; k && i < len; i++)
		k->bytes[i] = (uint8_t)(start + i);
	return k;
}

TEST(test_crypto_key_new_gives_random_or_zeroed_guarded_keys)
{
	struct crypto_key *r = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct crypto_key *z = crypto_key_new(CRYPTO_DEK_BYTES, 0);
	struct crypto_key *e = crypto_key_new(0, 1);

	CHECK(r && z && e);
	CHECK_EQ(r->len, CRYPTO_DEK_BYTES);
	CHECK(!all_zero(r->bytes, r->len));
	CHECK(all_zero(z->bytes, z->len));
	CHECK_EQ(e->len, 0);
	crypto_key_free(r);
	crypto_key_free(z);
	crypto_key_free(e);
	crypto_key_free(NULL);
}

TEST(test_crypto_public_of_matches_the_generated_key_pair)
{
	uint8_t pk[CRYPTO_PK_BYTES], pk2[CRYPTO_PK_BYTES];
	struct crypto_key *sk = NULL;

	CHECK_EQ(crypto_keypair(pk, &sk), 0);
	CHECK_EQ(crypto_public_of(sk, pk2), 0);
	CHECK(memcmp(pk, pk2, sizeof(pk)) == 0);
	crypto_key_free(sk);
}

TEST(test_crypto_sealed_dek_opens_only_with_its_level_key)
{
	uint8_t pk_a[CRYPTO_PK_BYTES], pk_b[CRYPTO_PK_BYTES], seal[CRYPTO_SEAL_BYTES];
	struct crypto_key *sk_a = NULL, *sk_b = NULL, *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;

	CHECK_EQ(crypto_keypair(pk_a, &sk_a), 0);
	CHECK_EQ(crypto_keypair(pk_b, &sk_b), 0);
	CHECK_EQ(crypto_seal_dek(dek, pk_a, seal), 0);
	CHECK_EQ(crypto_unseal_dek(seal, pk_a, sk_a, &got), 0);
	CHECK(got && crypto_equal(got->bytes, dek->bytes, CRYPTO_DEK_BYTES));
	crypto_key_free(got);
	got = NULL;
	CHECK_EQ(crypto_unseal_dek(seal, pk_b, sk_b, &got), -EBADMSG);
	CHECK(got == NULL);
	seal[CRYPTO_SEAL_BYTES - 1] ^= 1;
	CHECK_EQ(crypto_unseal_dek(seal, pk_a, sk_a, &got), -EBADMSG);
	CHECK(got == NULL);
	crypto_key_free(sk_a);
	crypto_key_free(sk_b);
	crypto_key_free(dek);
}

TEST(test_crypto_aead_round_trips_and_rejects_any_change_leaving_no_plaintext)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *other = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	uint8_t nonce[CRYPTO_NONCE_BYTES], pt[100], ct[100 + CRYPTO_TAG_BYTES], out[100];
	const uint8_t ad[] = "header";

	crypto_random(nonce, sizeof(nonce));
	memset(pt, 'A', sizeof(pt));
	CHECK_EQ(crypto_aead_seal(ct, pt, sizeof(pt), ad, sizeof(ad), nonce, dek), 0);
	CHECK_EQ(crypto_aead_open(out, ct, sizeof(ct), ad, sizeof(ad), nonce, dek), 0);
	CHECK(memcmp(out, pt, sizeof(pt)) == 0);

	for (size_t i = 0; i < sizeof(ct); i += 7) {
		ct[i] ^= 0x10;
		memset(out, 'A', sizeof(out));
		CHECK_EQ(crypto_aead_open(out, ct, sizeof(ct), ad, sizeof(ad), nonce, dek), -EBADMSG);
		CHECK(all_zero(out, sizeof(out)));
		ct[i] ^= 0x10;
	}
	CHECK_EQ(crypto_aead_open(out, ct, sizeof(ct), ad, sizeof(ad) - 1, nonce, dek), -EBADMSG);
	CHECK_EQ(crypto_aead_open(out, ct, sizeof(ct), ad, sizeof(ad), nonce, other), -EBADMSG);
	nonce[0] ^= 1;
	CHECK_EQ(crypto_aead_open(out, ct, sizeof(ct), ad, sizeof(ad), nonce, dek), -EBADMSG);
	CHECK(all_zero(out, sizeof(out)));
	CHECK_EQ(crypto_aead_open(out, ct, CRYPTO_TAG_BYTES - 1, ad, sizeof(ad), nonce, dek), -EBADMSG);
	crypto_key_free(dek);
	crypto_key_free(other);
}

TEST(test_crypto_record_round_trips_and_is_bound_to_its_label)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	const char msg[] = "Matti Meikäläinen, +358 40 123 4567";
	uint8_t *rec = NULL, *pt = NULL;
	size_t reclen = 0, ptlen = 0;

	CHECK_EQ(crypto_record_seal(dek, "rec-1", msg, strlen(msg), &rec, &reclen), 0);
	CHECK_EQ(reclen, crypto_record_len(strlen(msg)));
	CHECK(memmem(rec, reclen, "Matti", 5) == NULL);
	CHECK_EQ(crypto_record_open(dek, "rec-1", rec, reclen, &pt, &ptlen), 0);
	CHECK_EQ(ptlen, strlen(msg));
	CHECK_STR((char *)pt, msg);
	crypto_memzero(pt, ptlen);
	free(pt);
	pt = NULL;
	CHECK_EQ(crypto_record_open(dek, "rec-2", rec, reclen, &pt, &ptlen), -EBADMSG);
	CHECK(pt == NULL);
	rec[reclen / 2] ^= 4;
	CHECK_EQ(crypto_record_open(dek, "rec-1", rec, reclen, &pt, &ptlen), -EBADMSG);
	CHECK_EQ(crypto_record_open(dek, "rec-1", rec, CRYPTO_NONCE_BYTES + CRYPTO_TAG_BYTES - 1, &pt, &ptlen),
		 -EBADMSG);
	CHECK(pt == NULL);
	free(rec);
	crypto_key_free(dek);
}

TEST(test_crypto_empty_record_round_trips)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	uint8_t *rec = NULL, *pt = NULL;
	size_t reclen = 0, ptlen = 1;

	CHECK_EQ(crypto_record_seal(dek, "x", "", 0, &rec, &reclen), 0);
	CHECK_EQ(crypto_record_open(dek, "x", rec, reclen, &pt, &ptlen), 0);
	CHECK_EQ(ptlen, 0);
	CHECK(pt && pt[0] == '\0');
	free(pt);
	free(rec);
	crypto_key_free(dek);
}

TEST(test_crypto_pass_key_depends_on_passphrase_and_salt)
{
	uint8_t salt[CRYPTO_SALT_BYTES] = { 1 }, salt2[CRYPTO_SALT_BYTES] = { 2 };
	struct crypto_key *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	unsigned long long ops = CRYPTO_PASS_OPS_MIN;	/* libsodium's minimum */
	size_t mem = CRYPTO_PASS_MEM_MIN;

	CHECK_EQ(crypto_pass_key("correct horse", 13, salt, ops, mem, &a), 0);
	CHECK_EQ(crypto_pass_key("correct horse", 13, salt, ops, mem, &b), 0);
	CHECK_EQ(crypto_pass_key("correct horsf", 13, salt, ops, mem, &c), 0);
	CHECK_EQ(crypto_pass_key("correct horse", 13, salt2, ops, mem, &d), 0);
	CHECK(a && b && c && d);
	if (a && b && c && d) {
		CHECK(crypto_equal(a->bytes, b->bytes, a->len));
		CHECK(!crypto_equal(a->bytes, c->bytes, a->len));
		CHECK(!crypto_equal(a->bytes, d->bytes, a->len));
	}
	CHECK_EQ(crypto_pass_key("x", 1, salt, 0, mem, &c), -EINVAL);
	crypto_key_free(a);
	crypto_key_free(b);
	crypto_key_free(c);
	crypto_key_free(d);
}

/*
 * Linked with the installed build's crypto.o (the Makefile links this test
 * alone with it): every cost is at least libsodium's MODERATE (3 passes,
 * 256 MiB), and no environment variable lowers it (RECFS_PWHASH_FAST did,
 * in installed binaries).  The limits it gives are plausible when read
 * back; the minimum and what lies past four times SENSITIVE are the bounds.
 */
TEST(test_crypto_pass_limits_are_at_least_moderate_whatever_the_environment)
{
	unsigned long long ops, ops_env;
	size_t mem, mem_env;

	unsetenv("RECFS_PWHASH_FAST");
	crypto_pass_limits(CRYPTO_PASS_MODERATE, &ops, &mem);
	setenv("RECFS_PWHASH_FAST", "1", 1);
	crypto_pass_limits(CRYPTO_PASS_MODERATE, &ops_env, &mem_env);
	unsetenv("RECFS_PWHASH_FAST");

	CHECK(ops >= 3);
	CHECK(mem >= (size_t)256 << 20);
	CHECK_EQ(ops_env, ops);
	CHECK_EQ(mem_env, mem);
	CHECK(crypto_pass_limits_plausible(ops, mem));
	CHECK(crypto_pass_limits_plausible(CRYPTO_PASS_OPS_MIN, CRYPTO_PASS_MEM_MIN));
	CHECK(!crypto_pass_limits_plausible(CRYPTO_PASS_OPS_MIN - 1, CRYPTO_PASS_MEM_MIN));
	CHECK(!crypto_pass_limits_plausible(CRYPTO_PASS_OPS_MIN, CRYPTO_PASS_MEM_MIN - 1));
	CHECK(!crypto_pass_limits_plausible(UINT64_MAX, CRYPTO_PASS_MEM_MIN));
	CHECK(!crypto_pass_limits_plausible(CRYPTO_PASS_OPS_MIN, UINT64_MAX));
	CHECK(!crypto_pass_limits_plausible(CRYPTO_PASS_OPS_MIN, 64 * (uint64_t)mem));
}

TEST(test_crypto_box_opens_only_with_the_same_key)
{
	struct crypto_key *k = crypto_key_new(CRYPTO_PASS_KEY_BYTES, 1);
	struct crypto_key *k2 = crypto_key_new(CRYPTO_PASS_KEY_BYTES, 1), *pt = NULL;
	const char msg[] = "level secret key material";
	uint8_t *box = NULL;
	size_t boxlen = 0;

	CHECK_EQ(crypto_box_with_key(k, msg, sizeof(msg), &box, &boxlen), 0);
	CHECK_EQ(crypto_unbox_with_key(k, box, boxlen, &pt), 0);
	CHECK(pt && pt->len == sizeof(msg) && memcmp(pt->bytes, msg, sizeof(msg)) == 0);
	crypto_key_free(pt);
	pt = NULL;
	CHECK_EQ(crypto_unbox_with_key(k2, box, boxlen, &pt), -EBADMSG);
	box[boxlen - 1] ^= 1;
	CHECK_EQ(crypto_unbox_with_key(k, box, boxlen, &pt), -EBADMSG);
	CHECK_EQ(crypto_unbox_with_key(k, box, 3, &pt), -EBADMSG);
	CHECK(pt == NULL);
	free(box);
	crypto_key_free(k);
	crypto_key_free(k2);
}

TEST(test_crypto_hash_parts_is_blake2b_256_of_the_concatenation)
{
	static const char want[] = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
	const void *parts[] = { "a", "", "bc" };
	const size_t lens[] = { 1, 0, 2 };
	uint8_t h[CRYPTO_HASH_BYTES];
	char hex[CRYPTO_HASH_BYTES * 2 + 1];

	crypto_hash_parts(h, 3, parts, lens);
	crypto_hex(hex, h, sizeof(h));
	CHECK_STR(hex, want);
}

/* A stream's hash is the blind index of its kind and all its pieces
 * (the same bytes however they are cut), keyed, and no keyed_hash. */
TEST(test_crypto_mac_stream_is_the_blind_index_of_its_pieces)
{
	struct crypto_key *k = fixed_key(CRYPTO_INDEX_KEY_BYTES, 0), *k2 = fixed_key(CRYPTO_INDEX_KEY_BYTES, 1);
	uint8_t a[CRYPTO_MAC_BYTES], b[CRYPTO_MAC_BYTES], c[CRYPTO_MAC_BYTES];
	struct crypto_mac_stream *s = crypto_mac_stream_new(k, "phone");

	CHECK(s != NULL);
	if (!s)
		return;
	crypto_mac_stream_add(s, "+35840", 6);
	crypto_mac_stream_add(s, "", 0);
	crypto_mac_stream_add(s, "1234567", 7);
	crypto_mac_stream_end(s, a);
	crypto_blind_index(k, "phone", "+358401234567", b);
	CHECK(crypto_equal(a, b, sizeof(a)));
	s = crypto_mac_stream_new(k2, "phone");
	crypto_mac_stream_add(s, "+358401234567", 13);
	crypto_mac_stream_end(s, c);
	CHECK(!crypto_equal(a, c, sizeof(a)));
	crypto_keyed_hash(k, "+358401234567", 13, c);
	CHECK(!crypto_equal(a, c, sizeof(a)));
	crypto_mac_stream_free(crypto_mac_stream_new(k, "unfinished"));
	crypto_mac_stream_free(NULL);
	crypto_key_free(k);
	crypto_key_free(k2);
}

TEST(test_crypto_blind_index_is_keyed_and_separates_kinds)
{
	/* BLAKE2b-256, key 00..1f, over "phone\0+358401234567" */
	static const char want[] = "9f5b3bff0ddb9529e89c37e183455885f463bea7e9911f8d0521c15cd4a5061c";
	struct crypto_key *k = fixed_key(CRYPTO_INDEX_KEY_BYTES, 0), *k2 = fixed_key(CRYPTO_INDEX_KEY_BYTES, 1);
	uint8_t a[CRYPTO_MAC_BYTES], b[CRYPTO_MAC_BYTES], c[CRYPTO_MAC_BYTES];
	char hex[CRYPTO_MAC_BYTES * 2 + 1];

	crypto_blind_index(k, "phone", "+358401234567", a);
	crypto_hex(hex, a, sizeof(a));
	CHECK_STR(hex, want);
	crypto_blind_index(k, "ref", "+358401234567", b);
	crypto_blind_index(k2, "phone", "+358401234567", c);
	CHECK(!crypto_equal(a, b, sizeof(a)));
	CHECK(!crypto_equal(a, c, sizeof(a)));
	crypto_keyed_hash(k, "data", 4, b);
	crypto_keyed_hash(k2, "data", 4, c);
	CHECK(!crypto_equal(b, c, sizeof(b)));
	crypto_key_free(k);
	crypto_key_free(k2);
}

TEST(test_crypto_key_evolve_is_the_kdf_step_and_refuses_other_lengths)
{
	/* crypto_kdf_derive_from_key(key 00..1f, id 1, "recfsaud"): BLAKE2b-256
	 * keyed 00..1f, salt le64(1), personal "recfsaud", empty message. */
	static const char want[] = "2cba3da16f2955f4d56a35d0de9346ae2bea8c8a5671943b8f3d480707ecaa25";
	struct crypto_key *k = fixed_key(CRYPTO_EVOLVE_KEY_BYTES, 0), *other = fixed_key(CRYPTO_DEK_BYTES + 1, 0);
	char hex[CRYPTO_EVOLVE_KEY_BYTES * 2 + 1];

	CHECK_EQ(crypto_key_evolve(k), 0);
	crypto_hex(hex, k->bytes, k->len);
	CHECK_STR(hex, want);
	CHECK_EQ(crypto_key_evolve(k), 0);
	crypto_hex(hex, k->bytes, k->len);
	CHECK(strcmp(hex, want) != 0);
	CHECK_EQ(crypto_key_evolve(other), -EINVAL);
	CHECK_EQ(other->bytes[0], 0);
	crypto_key_free(k);
	crypto_key_free(other);
}

TEST(test_crypto_equal_compares_contents)
{
	CHECK_EQ(crypto_equal("abcd", "abcd", 4), 1);
	CHECK_EQ(crypto_equal("abcd", "abce", 4), 0);
	CHECK_EQ(crypto_equal("xbcd", "abcd", 4), 0);
	CHECK_EQ(crypto_equal("abcd", "abce", 3), 1);
	CHECK_EQ(crypto_equal("a", "b", 0), 1);
}

TEST(test_crypto_secure_alloc_is_zeroed_and_memzero_wipes)
{
	uint8_t *p = crypto_secure_alloc(1000), *e = crypto_secure_alloc(0);
	uint8_t buf[64];

	CHECK(p && e);
	if (p) {
		CHECK(all_zero(p, 1000));
		memset(p, 0xa5, 1000);
		crypto_memzero(p + 10, 980);
		CHECK(p[9] == 0xa5 && p[990] == 0xa5);
		CHECK(all_zero(p + 10, 980));
	}
	memset(buf, 0xff, sizeof(buf));
	crypto_memzero(buf, sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	crypto_memzero(NULL, 0);
	crypto_secure_free(p);
	crypto_secure_free(e);
	crypto_secure_free(NULL);
}

/* The wipe-and-free of a malloc'd buffer or string: NULL is fine, the
 * block is freed whole (ASan and valgrind would say otherwise). */
TEST(test_crypto_freezero_and_free_string_take_null_and_free_the_block)
{
	char *s = xstrdup("Matti Meik\xc3\xa4l\xc3\xa4inen");
	uint8_t *b = xcalloc(1, 100);

	crypto_freezero(NULL, 100);
	crypto_free_string(NULL);
	memset(b, 0xa5, 100);
	crypto_freezero(b, 100);
	crypto_free_string(s);
	CHECK(1);
}

TEST(test_crypto_random_fills_the_whole_buffer_and_differs_each_time)
{
	uint8_t a[64], b[64];
	size_t zero_tail = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* The last bytes are written too: eight zero bytes in a row at the
	 * end have a chance of 2^-64. */
	for (size_t i = sizeof(a) - 8; i < sizeof(a); i++)
		zero_tail += a[i] == 0;
	CHECK(zero_tail < 8);
}

TEST(test_crypto_new_id_is_a_valid_id_and_fresh_each_time)
{
	char a[RECFS_ID_HEX], b[RECFS_ID_HEX];

	crypto_new_id(a);
	crypto_new_id(b);
	CHECK(util_is_id(a));
	CHECK(util_is_id(b));
	CHECK(strcmp(a, b) != 0);
}

TEST(test_crypto_hex_round_trips_and_unhex_rejects_anything_else)
{
	uint8_t b[4] = { 0xde, 0xad, 0xbe, 0xef }, back[4];
	char h[9];

	crypto_hex(h, b, sizeof(b));
	CHECK_STR(h, "deadbeef");
	CHECK_EQ(crypto_unhex(back, sizeof(back), h), 0);
	CHECK(memcmp(b, back, sizeof(b)) == 0);
	CHECK_EQ(crypto_unhex(back, sizeof(back), "DEADBEEF"), 0);
	CHECK(memcmp(b, back, sizeof(b)) == 0);
	CHECK_EQ(crypto_unhex(back, sizeof(back), "deadbee"), -EINVAL);
	CHECK_EQ(crypto_unhex(back, sizeof(back), "deadbeeg"), -EINVAL);
	CHECK_EQ(crypto_unhex(back, sizeof(back), "deadbeef0"), -EINVAL);
	CHECK_EQ(crypto_unhex(back, sizeof(back), "dead beef"), -EINVAL);
}

/*
 * crypto_short_hash is SipHash-2-4 under the key "recfs short hash" of the
 * 8-byte prefix then the string: the mount's inode numbers, which must not
 * change between versions unsaid.  The answers were computed apart, by a
 * SipHash-2-4 written from its paper (not libsodium's), for a name and for
 * one longer than the function's stack buffer.
 */
TEST(test_crypto_short_hash_gives_the_known_answers)
{
	static const uint8_t one[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	char big[700];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(crypto_short_hash(one, "by-date"), UINT64_C(0x7d166be4e30930c2));
	CHECK_EQ(crypto_short_hash(one, big), UINT64_C(0xf60dfa616cf3d532));
	CHECK(crypto_short_hash(one, "by-source") != crypto_short_hash(one, "by-date"));
}

int main(void)
{
	if (crypto_setup())
		return 1;
	RUN(test_crypto_key_new_gives_random_or_zeroed_guarded_keys);
	RUN(test_crypto_short_hash_gives_the_known_answers);
	RUN(test_crypto_public_of_matches_the_generated_key_pair);
	RUN(test_crypto_sealed_dek_opens_only_with_its_level_key);
	RUN(test_crypto_aead_round_trips_and_rejects_any_change_leaving_no_plaintext);
	RUN(test_crypto_record_round_trips_and_is_bound_to_its_label);
	RUN(test_crypto_empty_record_round_trips);
	RUN(test_crypto_pass_key_depends_on_passphrase_and_salt);
	RUN(test_crypto_pass_limits_are_at_least_moderate_whatever_the_environment);
	RUN(test_crypto_box_opens_only_with_the_same_key);
	RUN(test_crypto_hash_parts_is_blake2b_256_of_the_concatenation);
	RUN(test_crypto_mac_stream_is_the_blind_index_of_its_pieces);
	RUN(test_crypto_blind_index_is_keyed_and_separates_kinds);
	RUN(test_crypto_key_evolve_is_the_kdf_step_and_refuses_other_lengths);
	RUN(test_crypto_equal_compares_contents);
	RUN(test_crypto_secure_alloc_is_zeroed_and_memzero_wipes);
	RUN(test_crypto_freezero_and_free_string_take_null_and_free_the_block);
	RUN(test_crypto_random_fills_the_whole_buffer_and_differs_each_time);
	RUN(test_crypto_new_id_is_a_valid_id_and_fresh_each_time);
	RUN(test_crypto_hex_round_trips_and_unhex_rejects_anything_else);
	T_DONE();
}
