/*
 * test_pubkey.c - the register's public key files: round trip, damage,
 * and the level names that may name one.
 */
#include "t.h"

#include "pubkey.h"

static char *tmpdir;

TEST(test_pubkey_file_round_trips_and_rejects_garbage)
{
	char *reg = xasprintf("%s/register", tmpdir), *pub = xasprintf("%s/keys/analysis.pub", reg);
	uint8_t pk[CRYPTO_PK_BYTES], got[CRYPTO_PK_BYTES];
	uint8_t *file = NULL;
	size_t len = 0;

	crypto_random(pk, sizeof(pk));
	CHECK_EQ(pubkey_write(reg, "analysis", pk), 0);
	CHECK_EQ(util_read_file(pub, 1 << 20, &file, &len), 0);
	CHECK_EQ(len, 2 * CRYPTO_PK_BYTES + 1);
	CHECK(file && file[len - 1] == '\n');
	free(file);
	CHECK_EQ(pubkey_read(reg, "analysis", got), 0);
	CHECK(memcmp(pk, got, sizeof(pk)) == 0);
	CHECK_EQ(pubkey_read(reg, "privacy", got), -ENOENT);
	CHECK_EQ(util_write_file_atomic(pub, "abcd\n", 5, 0600), 0);
	CHECK_EQ(pubkey_read(reg, "analysis", got), -EIO);
	CHECK_EQ(pubkey_write(reg, "a/b", pk), -EINVAL);
	free(reg);
	free(pub);
}

TEST(test_pubkey_level_names_stay_inside_the_keys_folder_and_fit_a_keyring)
{
	char *longest = xcalloc(1, 257);
	uint8_t pk[CRYPTO_PK_BYTES] = { 0 };

	CHECK_EQ(pubkey_valid_level_name("analysis"), 1);
	CHECK_EQ(pubkey_valid_level_name("a.b-c_d"), 1);
	CHECK_EQ(pubkey_valid_level_name(""), 0);
	CHECK_EQ(pubkey_valid_level_name("."), 0);
	CHECK_EQ(pubkey_valid_level_name(".."), 0);
	CHECK_EQ(pubkey_valid_level_name(".hidden"), 0);
	CHECK_EQ(pubkey_valid_level_name("a/b"), 0);
	CHECK_EQ(pubkey_valid_level_name("../x"), 0);
	memset(longest, 'l', 255);
	CHECK_EQ(pubkey_valid_level_name(longest), 1);
	longest[255] = 'l';
	CHECK_EQ(pubkey_valid_level_name(longest), 0);
	CHECK_EQ(pubkey_write(tmpdir, "..", pk), -EINVAL);
	CHECK_EQ(pubkey_read(tmpdir, "../keys/x", pk), -EINVAL);
	free(longest);
}

int main(void)
{
	if (crypto_setup())
		return 1;
	tmpdir = t_mkdtemp("pubkey");
	if (!tmpdir)
		return 1;
	RUN(test_pubkey_file_round_trips_and_rejects_garbage);
	RUN(test_pubkey_level_names_stay_inside_the_keys_folder_and_fit_a_keyring);
	util_remove_tree(tmpdir);
	free(tmpdir);
	T_DONE();
}
