/* Unit tests of meta/seal: the levels each kind of object is sealed for,
 * sealing and unsealing for them, and sealed records. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seal.h"
#include "t.h"
#include "t_reg.h"

static char dir[] = "/tmp/recfs-test-seal-XXXXXX";
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy, analysis, training;

/* A keyring holding only the named level's key (keyring_free it). */
static struct keyring *only(const char *level)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	struct keyring *kr = NULL;

	if (keyring_new(&kr) || keyring_add_level(kr, level, keyring_level(secrets, level, pk))) {
		keyring_free(kr);
		return NULL;
	}
	return kr;
}

/* 1 when level's key from kr opens object's seal to the DEK want. */
static int opens_to(const struct keyring *kr, const char *level, const char *object, const struct crypto_key *want)
{
	struct crypto_key *dek = NULL;
	int same;

	if (seal_unseal(reg, kr, level, object, &dek))
		return 0;
	same = dek->len == want->len && crypto_equal(dek->bytes, want->bytes, dek->len);
	crypto_key_free(dek);
	return same;
}

/* A new object id with dek sealed for the levels from `from` up. */
static void new_sealed(char object[RECFS_ID_HEX], const struct crypto_key *dek, int from)
{
	util_new_id(object);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_put(reg, object, dek, from), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
}

TEST(test_artifacts_are_sealed_from_the_purposes_min_level)
{
	const struct policy *p = reg->policy;

	CHECK_EQ(seal_level_for(p, "quality", SEAL_AUDIO), training);
	CHECK_EQ(seal_level_for(p, "quality", SEAL_CHAT), training);
	CHECK_EQ(seal_level_for(p, "quality", SEAL_FILE), training);
	CHECK_EQ(seal_level_for(p, "service-level", SEAL_AUDIO), analysis);
	CHECK_EQ(seal_level_for(p, "service-level", SEAL_FILE), analysis);
}

TEST(test_details_are_sealed_from_the_higher_of_min_level_and_details_level)
{
	struct policy p = *reg->policy;	/* shallow: only levels change */

	CHECK_EQ(seal_level_for(&p, "quality", SEAL_DETAILS), analysis);	/* min training < details */
	CHECK_EQ(seal_level_for(&p, "service-level", SEAL_DETAILS), analysis);
	p.details_level = training;
	CHECK_EQ(seal_level_for(&p, "service-level", SEAL_DETAILS), analysis);	/* min analysis > details */
	CHECK_EQ(seal_level_for(&p, "quality", SEAL_DETAILS), training);
}

TEST(test_cards_follow_details_level_and_rights_records_the_rights_level)
{
	struct policy p = *reg->policy;

	CHECK_EQ(seal_level_for(&p, NULL, SEAL_CARD), analysis);
	CHECK_EQ(seal_level_for(&p, "quality", SEAL_CARD), analysis);
	CHECK_EQ(seal_level_for(&p, NULL, SEAL_RIGHTS), privacy);
	p.details_level = privacy;
	CHECK_EQ(seal_level_for(&p, NULL, SEAL_CARD), privacy);
}

TEST(test_an_unknown_purpose_is_sealed_for_the_rights_level_only)
{
	CHECK_EQ(seal_level_for(reg->policy, "no-such-purpose", SEAL_AUDIO), privacy);
	CHECK_EQ(seal_level_for(reg->policy, "no-such-purpose", SEAL_DETAILS), privacy);
	CHECK_EQ(seal_level_for(reg->policy, NULL, SEAL_CHAT), privacy);
}

TEST(test_a_restricted_recording_is_sealed_for_the_rights_level_only)
{
	struct cat_recording rec = { .purpose = (char *)"quality" };

	CHECK_EQ(seal_level_of(reg->policy, &rec, SEAL_AUDIO), training);
	CHECK_EQ(seal_level_of(reg->policy, &rec, SEAL_DETAILS), analysis);
	rec.restricted_since = 1;
	CHECK_EQ(seal_level_of(reg->policy, &rec, SEAL_AUDIO), privacy);
	CHECK_EQ(seal_level_of(reg->policy, &rec, SEAL_FILE), privacy);
	CHECK_EQ(seal_level_of(reg->policy, &rec, SEAL_DETAILS), privacy);
	CHECK_EQ(seal_level_of(reg->policy, NULL, SEAL_CARD), analysis);
}

TEST(test_roles_map_to_kinds)
{
	CHECK_EQ(seal_kind_of_role("audio"), SEAL_AUDIO);
	CHECK_EQ(seal_kind_of_role("chat"), SEAL_CHAT);
	CHECK_EQ(seal_kind_of_role("file"), SEAL_FILE);
	CHECK_EQ(seal_kind_of_role("anything else"), SEAL_FILE);
}

TEST(test_put_seals_for_the_levels_from_up_and_none_below)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, analysis);
	CHECK(opens_to(secrets, "analysis", object, dek));
	CHECK(opens_to(secrets, "privacy", object, dek));
	CHECK_EQ(seal_unseal(reg, secrets, "training", object, &got), -EACCES);
	CHECK(got == NULL);
	crypto_key_free(dek);
}

TEST(test_unseal_without_the_level_key_is_enokey)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;
	struct keyring *kr = only("training");
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, training);
	CHECK(opens_to(kr, "training", object, dek));
	CHECK_EQ(seal_unseal(reg, kr, "analysis", object, &got), -ENOKEY);
	CHECK_EQ(seal_unseal(reg, NULL, "training", object, &got), -ENOKEY);
	CHECK(got == NULL);
	keyring_free(kr);
	crypto_key_free(dek);
}

TEST(test_a_seal_made_for_another_level_does_not_open_eio)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;
	uint8_t seal[CRYPTO_SEAL_BYTES];
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, training);
	/* The privacy seal filed under training: the halves agree with the whole. */
	CHECK_EQ(seal_get(reg, "privacy", object, seal), 0);
	CHECK_EQ(seal_open(secrets, "training", object, seal, &got), -EIO);
	CHECK(strstr(meta_errmsg(), "does not open") != NULL);
	CHECK_EQ(seal_open(secrets, "privacy", object, seal, &got), 0);
	CHECK(got && crypto_equal(got->bytes, dek->bytes, dek->len));
	crypto_key_free(got);
	crypto_key_free(dek);
}

TEST(test_a_record_reads_back_for_its_levels_and_is_replaced_whole)
{
	char id[RECFS_ID_HEX], *json = NULL;
	size_t len = 0;

	util_new_id(id);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_write_record(reg, id, "{\"a\":1}", 7, training), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(seal_read_record(reg, secrets, "training", id, &json, &len), 0);
	CHECK_EQ(len, 7);
	CHECK_STR(json, "{\"a\":1}");
	free(json);
	json = NULL;
	/* Rewritten for privacy only: training's old seal goes with the old DEK. */
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_write_record(reg, id, "{\"b\":2}", 7, privacy), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(seal_read_record(reg, secrets, "training", id, &json, &len), -EACCES);
	CHECK_EQ(seal_read_record(reg, secrets, "privacy", id, &json, &len), 0);
	CHECK_STR(json, "{\"b\":2}");
	free(json);
	json = NULL;
	util_new_id(id);
	CHECK_EQ(seal_read_record(reg, secrets, "privacy", id, &json, &len), -ENOENT);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	analysis = policy_level_index(reg->policy, "analysis");
	training = policy_level_index(reg->policy, "training");
	audit_self(&actor, "privacy");
	RUN(test_artifacts_are_sealed_from_the_purposes_min_level);
	RUN(test_details_are_sealed_from_the_higher_of_min_level_and_details_level);
	RUN(test_cards_follow_details_level_and_rights_records_the_rights_level);
	RUN(test_an_unknown_purpose_is_sealed_for_the_rights_level_only);
	RUN(test_a_restricted_recording_is_sealed_for_the_rights_level_only);
	RUN(test_roles_map_to_kinds);
	RUN(test_put_seals_for_the_levels_from_up_and_none_below);
	RUN(test_unseal_without_the_level_key_is_enokey);
	RUN(test_a_seal_made_for_another_level_does_not_open_eio);
	RUN(test_a_record_reads_back_for_its_levels_and_is_replaced_whole);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
