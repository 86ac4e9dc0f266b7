/* Unit tests of fs/unlock, the passphrase unlocks a mount holds: an unlock
 * serves only the uid and recording it was made for, only until it
 * expires, and a lock or a newer unlock replaces it. */
#include "crypto.h"
#include "t.h"
#include "unlock_i.h"

#define REC_A "0123456789abcdef0123456789abcdef"
#define REC_B "fedcba9876543210fedcba9876543210"
#define TTL 900

static struct crypto_key *key_of(unsigned char fill)
{
	struct crypto_key *k = crypto_key_new(CRYPTO_DEK_BYTES, 0);

	if (k)
		memset(k->bytes, fill, k->len);
	return k;
}

/* The first byte of uid's key for rec, or -1 when there is none. */
static int first_byte(struct unlocks *u, uid_t uid, const char *rec)
{
	struct crypto_key *k = unlocks_get(u, uid, rec);
	int b = k ? k->bytes[0] : -1;

	crypto_key_free(k);
	return b;
}

TEST(test_unlock_serves_a_copy_to_the_uid_that_unlocked)
{
	struct unlocks *u = unlocks_new(TTL);
	struct crypto_key *got;

	unlocks_put(u, 1000, REC_A, key_of(0x41));
	got = unlocks_get(u, 1000, REC_A);
	CHECK(got && got->len == CRYPTO_DEK_BYTES && got->bytes[0] == 0x41);
	if (got)
		got->bytes[0] = 0;	/* a copy: the table's key is untouched */
	crypto_key_free(got);
	CHECK_EQ(first_byte(u, 1000, REC_A), 0x41);
	unlocks_free(u);
}

TEST(test_unlock_serves_no_other_uid_and_no_other_recording)
{
	struct unlocks *u = unlocks_new(TTL);

	unlocks_put(u, 1000, REC_A, key_of(0x41));
	CHECK_EQ(first_byte(u, 1001, REC_A), -1);
	CHECK_EQ(first_byte(u, 1000, REC_B), -1);
	unlocks_free(u);
}

TEST(test_unlock_of_the_same_recording_again_replaces_the_older_key)
{
	struct unlocks *u = unlocks_new(TTL);

	unlocks_put(u, 1000, REC_A, key_of(0x41));
	unlocks_put(u, 1000, REC_A, key_of(0x42));
	unlocks_put(u, 1001, REC_A, key_of(0x43));
	CHECK_EQ(first_byte(u, 1000, REC_A), 0x42);
	CHECK_EQ(first_byte(u, 1001, REC_A), 0x43);
	/* Replaced, not shadowed: one drop locks it. */
	unlocks_drop(u, 1000, REC_A);
	CHECK_EQ(first_byte(u, 1000, REC_A), -1);
	unlocks_free(u);
}

TEST(test_unlock_drop_locks_only_that_uid_and_recording)
{
	struct unlocks *u = unlocks_new(TTL);

	unlocks_put(u, 1000, REC_A, key_of(0x41));
	unlocks_put(u, 1000, REC_B, key_of(0x42));
	unlocks_put(u, 1001, REC_A, key_of(0x43));
	unlocks_drop(u, 1000, REC_A);
	unlocks_drop(u, 1002, REC_A);	/* none: fine */
	CHECK_EQ(first_byte(u, 1000, REC_A), -1);
	CHECK_EQ(first_byte(u, 1000, REC_B), 0x42);
	CHECK_EQ(first_byte(u, 1001, REC_A), 0x43);
	unlocks_free(u);
}

/* A table whose unlocks last 0 s: each is expired as soon as it is made. */
TEST(test_unlock_expired_is_not_served)
{
	struct unlocks *u = unlocks_new(0);

	unlocks_put(u, 1000, REC_A, key_of(0x41));
	CHECK_EQ(first_byte(u, 1000, REC_A), -1);
	unlocks_free(u);
}

int main(void)
{
	if (crypto_setup())
		return 1;
	RUN(test_unlock_serves_a_copy_to_the_uid_that_unlocked);
	RUN(test_unlock_serves_no_other_uid_and_no_other_recording);
	RUN(test_unlock_of_the_same_recording_again_replaces_the_older_key);
	RUN(test_unlock_drop_locks_only_that_uid_and_recording);
	RUN(test_unlock_expired_is_not_served);
	T_DONE();
}
