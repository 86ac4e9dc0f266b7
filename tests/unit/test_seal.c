/* Unit tests of meta/seal: the levels each kind of object is sealed for,
 * sealing and unsealing for them, and sealed records. */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rights.h"
#include "seal.h"
#include "t.h"
#include "t_reg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy, analysis, training;

/* A keyring holding the keys of the levels named, NULL-terminated
 * (keyring_free it). */
static struct keyring *holding(const char *level, ...)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	struct keyring *kr = NULL;
	va_list ap;

	if (keyring_new(&kr))
		return NULL;
	va_start(ap, level);
	for (; level; level = va_arg(ap, const char *))
		if (keyring_add_level(kr, level, keyring_level(secrets, level, pk)))
			break;
	va_end(ap);
	return kr;
}

/* 1 when got (freed here) is the key want. */
static int same_key(struct crypto_key *got, const struct crypto_key *want)
{
	int same = got && got->len == want->len && crypto_equal(got->bytes, want->bytes, got->len);

	crypto_key_free(got);
	return same;
}

/* 1 when level's key from kr opens object's seal to the DEK want. */
static int opens_to(const struct keyring *kr, const char *level, const char *object, const struct crypto_key *want)
{
	struct crypto_key *dek = NULL;

	return seal_unseal(reg, kr, level, object, &dek) == 0 && same_key(dek, want);
}

/* A new object id with dek sealed for the levels from `from` up. */
static void new_sealed(char object[RECFS_ID_HEX], const struct crypto_key *dek, int from)
{
	crypto_new_id(object);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_put(reg, object, dek, from), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
}

TEST(test_audio_is_sealed_from_the_purposes_min_level)
{
	const struct policy *p = reg->policy;

	CHECK_EQ(seal_level_for(p, "quality", SEAL_AUDIO), training);
	CHECK_EQ(seal_level_for(p, "training", SEAL_AUDIO), training);
	CHECK_EQ(seal_level_for(p, "service-level", SEAL_AUDIO), analysis);
}

TEST(test_chats_and_shared_files_are_sealed_where_names_are_seen)
{
	const struct policy *p = reg->policy;

	/* quality says chat_level and attachment_level; training takes
	 * details_level, the default. */
	CHECK_EQ(seal_level_for(p, "quality", SEAL_CHAT), analysis);
	CHECK_EQ(seal_level_for(p, "quality", SEAL_FILE), analysis);
	CHECK_EQ(seal_level_for(p, "training", SEAL_CHAT), analysis);
	CHECK_EQ(seal_level_for(p, "training", SEAL_FILE), analysis);
	CHECK_EQ(seal_level_for(p, "service-level", SEAL_CHAT), analysis);
	CHECK_EQ(seal_level_for(p, "service-level", SEAL_FILE), analysis);
}

TEST(test_chat_and_attachment_levels_are_never_below_min_level)
{
	struct policy p = *reg->policy;	/* shallow: the purposes are copied below */
	struct policy_purpose *pu = xcalloc(p.n_purposes, sizeof(*pu));
	int q, sl;

	memcpy(pu, p.purposes, p.n_purposes * sizeof(*pu));
	p.purposes = pu;
	q = policy_purpose_index(&p, "quality");
	sl = policy_purpose_index(&p, "service-level");
	pu[q].chat_level = training;
	pu[q].attachment_level = privacy;
	CHECK_EQ(seal_level_for(&p, "quality", SEAL_CHAT), training);
	CHECK_EQ(seal_level_for(&p, "quality", SEAL_FILE), privacy);
	/* A value below min_level (policy_load refuses it) still gives min_level. */
	pu[sl].chat_level = training;
	CHECK_EQ(seal_level_for(&p, "service-level", SEAL_CHAT), analysis);
	/* Without a value: details_level, or min_level where that is higher. */
	pu[sl].attachment_level = -1;
	p.details_level = training;
	CHECK_EQ(seal_level_for(&p, "service-level", SEAL_FILE), analysis);
	p.details_level = privacy;
	CHECK_EQ(seal_level_for(&p, "service-level", SEAL_FILE), privacy);
	free(pu);
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
	struct keyring *kr = holding("training", NULL);
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

/* 1 when seal_unseal_highest opens object with kr to dek, as level `want`. */
static int highest_is(const struct keyring *kr, const char *object, const struct crypto_key *dek, int want)
{
	struct crypto_key *got = NULL;
	int level = -1;

	return seal_unseal_highest(reg, kr, object, &got, &level) == 0 && same_key(got, dek) && level == want;
}

TEST(test_unseal_highest_opens_with_the_highest_level_the_keyring_holds)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct keyring *low = holding("training", "analysis", NULL), *ends = holding("privacy", "training", NULL);
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, training);
	CHECK(highest_is(low, object, dek, analysis));
	CHECK(highest_is(ends, object, dek, privacy));
	CHECK(highest_is(secrets, object, dek, privacy));
	keyring_free(low);
	keyring_free(ends);
	crypto_key_free(dek);
}

TEST(test_unseal_highest_passes_over_held_levels_without_a_seal)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;
	struct keyring *low = holding("training", "analysis", NULL), *ends = holding("training", "privacy", NULL);
	struct keyring *none = holding(NULL);
	char object[RECFS_ID_HEX];
	int level = -1;

	new_sealed(object, dek, privacy);
	CHECK_EQ(seal_unseal_highest(reg, low, object, &got, &level), -EACCES);
	CHECK_EQ(seal_unseal_highest(reg, none, object, &got, &level), -ENOKEY);
	CHECK_EQ(seal_unseal_highest(reg, NULL, object, &got, &level), -ENOKEY);
	CHECK(got == NULL);
	CHECK_EQ(level, -1);
	CHECK(highest_is(ends, object, dek, privacy));
	keyring_free(low);
	keyring_free(ends);
	keyring_free(none);
	crypto_key_free(dek);
}

TEST(test_unseal_highest_reports_a_damaged_seal_rather_than_trying_lower)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *got = NULL;
	uint8_t seal[CRYPTO_SEAL_BYTES];
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, training);
	CHECK_EQ(seal_get(reg, "training", object, seal), 0);
	CHECK_EQ(catalog_put_seal(reg->cat, object, "privacy", seal), 0);
	CHECK_EQ(seal_unseal_highest(reg, secrets, object, &got, NULL), -EIO);
	CHECK(got == NULL);
	crypto_key_free(dek);
}

TEST(test_a_record_reads_back_for_its_levels_and_is_replaced_whole)
{
	char id[RECFS_ID_HEX], *json = NULL;
	size_t len = 0;

	crypto_new_id(id);
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
	crypto_new_id(id);
	CHECK_EQ(seal_read_record(reg, secrets, "privacy", id, &json, &len), -ENOENT);
}

TEST(test_a_record_without_a_level_named_reads_with_the_highest_held)
{
	struct keyring *low = holding("training", "analysis", NULL);
	char id[RECFS_ID_HEX], *json = NULL;
	size_t len = 0;

	crypto_new_id(id);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_write_record(reg, id, "{}", 2, analysis), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(seal_read_record(reg, low, NULL, id, &json, &len), 0);
	CHECK_STR(json, "{}");
	free(json);
	json = NULL;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_write_record(reg, id, "{}", 2, privacy), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(seal_read_record(reg, low, NULL, id, &json, &len), -EACCES);
	CHECK(json == NULL);
	keyring_free(low);
}

/* Which levels have a seal on object, as a bit per level index. */
static unsigned sealed_for(const char *object)
{
	uint8_t seal[CRYPTO_SEAL_BYTES];
	unsigned bits = 0;

	for (size_t i = 0; i < reg->policy->n_levels; i++)
		if (seal_get(reg, reg->policy->levels[i].name, object, seal) == 0)
			bits |= 1u << i;
	return bits;
}

/* The levels from..top as bits. */
static unsigned from_up(int from)
{
	return ((1u << reg->policy->n_levels) - 1) & ~((1u << from) - 1);
}

/* seal_reconcile in a transaction of its own, committed when it succeeds. */
static int reconcile_tx(const struct keyring *kr, const char *object, int from, const char *owner,
			struct seal_stats *st)
{
	int rc;

	CHECK_EQ(catalog_begin(reg->cat), 0);
	rc = seal_reconcile(reg, kr, object, from, owner, st);
	if (rc)
		catalog_rollback(reg->cat);
	else
		CHECK_EQ(catalog_commit(reg->cat), 0);
	return rc;
}

TEST(test_reconcile_after_a_restriction_deletes_lower_seals_with_no_key)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct seal_stats st = { 0 };
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, training);
	CHECK_EQ(reconcile_tx(NULL, object, privacy, "R1", &st), 0);
	CHECK_EQ(sealed_for(object), from_up(privacy));
	CHECK(opens_to(secrets, "privacy", object, dek));
	CHECK_EQ(st.removed, 2);
	CHECK_EQ(st.added, 0);
	CHECK_EQ(st.changed, 1);
	crypto_key_free(dek);
}

TEST(test_reconcile_after_a_lift_adds_seals_of_the_same_dek_from_the_highest_held_level)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct keyring *rights = holding("privacy", NULL);
	struct seal_stats st = { 0 };
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, privacy);
	CHECK_EQ(reconcile_tx(rights, object, training, "R2", &st), 0);
	CHECK_EQ(sealed_for(object), from_up(training));
	CHECK(opens_to(secrets, "training", object, dek));
	CHECK(opens_to(secrets, "analysis", object, dek));
	CHECK_EQ(st.added, 2);
	CHECK_EQ(st.removed, 0);
	keyring_free(rights);
	crypto_key_free(dek);
}

TEST(test_reconcile_leaves_a_seal_that_stays_as_it_was)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	uint8_t before[CRYPTO_SEAL_BYTES], after[CRYPTO_SEAL_BYTES];
	struct seal_stats st = { 0 };
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, analysis);
	CHECK_EQ(seal_get(reg, "analysis", object, before), 0);
	CHECK_EQ(reconcile_tx(secrets, object, analysis, "R3", &st), 0);
	CHECK_EQ(reconcile_tx(secrets, object, training, "R3", &st), 0);
	CHECK_EQ(seal_get(reg, "analysis", object, after), 0);
	CHECK(memcmp(before, after, sizeof(before)) == 0);
	CHECK_EQ(st.changed, 1);	/* the first call changed nothing */
	CHECK_EQ(st.added, 1);
	crypto_key_free(dek);
}

TEST(test_reconcile_that_must_add_a_seal_without_a_key_is_enokey_naming_the_owner)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct keyring *low = holding("training", NULL);
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, privacy);
	CHECK_EQ(reconcile_tx(low, object, analysis, "R4-owner", NULL), -ENOKEY);
	CHECK(strstr(meta_errmsg(), "R4-owner") && strstr(meta_errmsg(), "analysis"));
	CHECK_EQ(reconcile_tx(NULL, object, analysis, "R4-owner", NULL), -ENOKEY);
	CHECK_EQ(sealed_for(object), from_up(privacy));
	keyring_free(low);
	crypto_key_free(dek);
}

/* Every object of recording id (artifacts, then details) and their count. */
static size_t objects_of(const char *id, struct cat_recording *rec, struct idlist *arts)
{
	CHECK_EQ(catalog_get_recording(reg->cat, id, rec), 0);
	CHECK_EQ(catalog_recording_artifacts(reg->cat, id, arts), 0);
	return arts->n;
}

/* rec's artifacts arts (audio, then chat: in role order) are sealed from
 * audio_from and chat_from up, its details from details_from up. */
static void check_sealed(const struct cat_recording *rec, const struct idlist *arts, int audio_from, int chat_from,
			 int details_from)
{
	CHECK_EQ(arts->n, 2);
	if (arts->n == 2) {
		CHECK_EQ(sealed_for(arts->id[0]), from_up(audio_from));
		CHECK_EQ(sealed_for(arts->id[1]), from_up(chat_from));
	}
	CHECK_EQ(sealed_for(rec->details_id), from_up(details_from));
}

TEST(test_restricting_and_lifting_a_recording_reconciles_each_of_its_objects)
{
	char *id = t_ingest_one(dir, reg, secrets, &actor, "rl", "2026-03-04T10:00:00Z", "");
	struct cat_recording rec = { 0 };
	struct idlist arts = { 0 };
	struct seal_stats st = { 0 };

	if (!id)
		return;
	CHECK_EQ(objects_of(id, &rec, &arts), 2);	/* audio and chat */
	check_sealed(&rec, &arts, training, analysis, analysis);	/* quality */
	rec.restricted_since = 1;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_reconcile_recording(reg, NULL, &rec, &st), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	check_sealed(&rec, &arts, privacy, privacy, privacy);
	CHECK_EQ(st.changed, 1);
	CHECK_EQ(st.removed, 2 + 1 + 1);
	rec.restricted_since = 0;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_reconcile_recording(reg, secrets, &rec, &st), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	check_sealed(&rec, &arts, training, analysis, analysis);
	CHECK_EQ(st.changed, 2);
	CHECK_EQ(st.added, 2 + 1 + 1);
	cat_recording_clear(&rec);
	idlist_free(&arts);
	free(id);
}

TEST(test_reconciling_to_another_policy_seals_what_it_gives_each_kind)
{
	char *id = t_ingest_one(dir, reg, secrets, &actor, "to", "2026-03-05T10:00:00Z", "");
	const uint8_t (*pk)[CRYPTO_PK_BYTES] = (const uint8_t (*)[CRYPTO_PK_BYTES])reg->pk;
	struct policy p = *reg->policy;	/* shallow: the purposes are copied below */
	struct policy_purpose *pu = xcalloc(p.n_purposes, sizeof(*pu));
	struct cat_recording rec = { 0 };
	struct idlist arts = { 0 };
	struct seal_stats st = { 0 };

	memcpy(pu, p.purposes, p.n_purposes * sizeof(*pu));
	p.purposes = pu;
	pu[policy_purpose_index(&p, "quality")].chat_level = training;
	if (!id)
		goto out;
	CHECK_EQ(objects_of(id, &rec, &arts), 2);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_reconcile_recording_to(reg, &p, pk, secrets, &rec, &st), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	check_sealed(&rec, &arts, training, training, analysis);
	CHECK_EQ(st.changed, 1);
	CHECK_EQ(st.added, 1);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_reconcile_recording_to(reg, reg->policy, pk, NULL, &rec, &st), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	check_sealed(&rec, &arts, training, analysis, analysis);
	CHECK_EQ(st.removed, 1);
out:
	cat_recording_clear(&rec);
	idlist_free(&arts);
	free(pu);
	free(id);
}

#define SHIPPED "packaging/examples/tamro.conf"

/* The policy at src with the first `from` at or after `after` replaced by
 * `to` (every one when all), as dir/name: its path (malloc'd). */
static char *variant(const char *name, const char *src, const char *after, const char *from, const char *to, int all)
{
	char *text = NULL, *path = xasprintf("%s/%s", dir, name), *p, *out;
	size_t len;

	CHECK_EQ(util_read_file(src, 1 << 20, (uint8_t **)&text, &len), 0);
	out = xasprintf("%s", text ? text : "");
	for (p = strstr(out, after); p && (p = strstr(p, from));) {
		char *next = xasprintf("%.*s%s%s", (int)(p - out), out, to, p + strlen(from));
		size_t at = (size_t)(p - out) + strlen(to);

		free(out);
		out = next;
		p = all ? out + at : NULL;
	}
	CHECK_EQ(util_write_file_atomic(path, out, strlen(out), 0600), 0);
	free(text);
	free(out);
	return path;
}

/* A policy from path (policy_free it), or NULL. */
static struct policy *load(const char *path)
{
	struct policy *p = NULL;

	CHECK_EQ(policy_load(path, &p, NULL), 0);
	return p;
}

/* Public keys of np's levels: r's own, and for a level np adds, pk_new. */
static uint8_t (*keys_of(const struct policy *np, const uint8_t *pk_new))[CRYPTO_PK_BYTES]
{
	uint8_t (*pk)[CRYPTO_PK_BYTES] = xcalloc(np->n_levels, sizeof(*pk));

	for (size_t i = 0; i < np->n_levels; i++) {
		int o = policy_level_index(reg->policy, np->levels[i].name);

		memcpy(pk[i], o >= 0 ? reg->pk[o] : pk_new, CRYPTO_PK_BYTES);
	}
	return pk;
}

static struct t_entry last_of(const char *object)
{
	return t_last_entry(reg, object);
}

/* 1 when the register's policy.conf holds the text of path. */
static int installed(const char *path)
{
	char *conf = xasprintf("%s/reg/policy.conf", dir);
	uint8_t *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	int same;

	same = util_read_file(conf, 1 << 20, &a, &la) == 0 && util_read_file(path, 1 << 20, &b, &lb) == 0 &&
	       la == lb && memcmp(a, b, la) == 0;
	free(a);
	free(b);
	free(conf);
	return same;
}

TEST(test_a_policy_that_drops_a_level_is_refused_logged_and_changes_nothing)
{
	char *once = variant("renamed1.conf", SHIPPED, "", "[level training]", "[level trainee]", 0);
	char *path = variant("renamed.conf", once, "", "min_level = training", "min_level = trainee", 1);
	struct policy *np = load(path);
	char *problems = NULL;
	uint8_t (*npk)[CRYPTO_PK_BYTES];

	if (!np)
		goto out;
	npk = keys_of(np, reg->pk[0]);
	CHECK(installed(SHIPPED));
	CHECK_EQ(seal_policy_check(reg, &actor, np, &problems), -EINVAL);
	CHECK(problems && strstr(problems, "level training is missing"));
	CHECK(strstr(meta_errmsg(), "level training is missing") != NULL);
	CHECK_STR(last_of(NULL).outcome, "refused");
	CHECK_EQ(seal_apply_policy(reg, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, secrets, 0, NULL), -EINVAL);
	CHECK_STR(last_of(NULL).action, "policy-apply");
	CHECK_STR(last_of(NULL).outcome, "refused");
	CHECK(installed(SHIPPED));
	free(npk);
	policy_free(np);
out:
	free(problems);
	free(once);
	free(path);
}

TEST(test_a_policy_that_drops_a_source_in_use_is_refused)
{
	char *id = t_ingest_one(dir, reg, secrets, &actor, "src", "2026-03-04T10:01:00Z", "");
	char *path = variant("nosource.conf", SHIPPED, "", "[source customer-service]", "[source customer-care]", 0);
	struct policy *np = load(path);
	char *problems = NULL;

	if (!np)
		goto out;
	CHECK_EQ(seal_policy_check(reg, &actor, np, &problems), -EINVAL);
	CHECK(problems && strstr(problems, "source customer-service is missing but recording"));
	CHECK(installed(SHIPPED));
	policy_free(np);
out:
	free(problems);
	free(path);
	free(id);
}

/* A purpose may be put on explicit consent (Art. 9(2)(a)) only while its
 * recordings rest on consent; another condition changes no seal. */
TEST(test_explicit_consent_is_refused_for_a_purpose_with_a_recording_on_another_basis)
{
	char *id = t_ingest_one(dir, reg, secrets, &actor, "ec", "2026-03-04T12:00:00Z", "\"purpose\": \"training\",");
	char *ec = variant("explicit.conf", SHIPPED, "[purpose training]",
			   "legal_basis = legitimate_interests\nallowed_bases = consent\n",
			   "legal_basis = consent\nspecial_categories = health\nspecial_condition = explicit_consent\n", 0);
	char *care = variant("care.conf", SHIPPED, "[purpose training]", "allowed_bases = consent\n",
			     "allowed_bases = consent\nspecial_categories = health\n"
			     "special_condition = health_or_social_care\n",
			     0);
	struct policy *np = load(ec), *cp = load(care);
	char *problems = NULL, *want = xasprintf("purpose training has special_condition explicit_consent, but "
						 "recording %s of it rests on legitimate_interests",
						 id ? id : "?");

	if (!id || !np || !cp)
		goto out;
	CHECK(np->purposes[policy_purpose_index(np, "training")].special_condition == POLICY_EXPLICIT_CONSENT);
	CHECK_EQ(seal_policy_check(reg, &actor, np, &problems), -EINVAL);
	CHECK(problems && strstr(problems, want));
	CHECK(installed(SHIPPED));
	free(problems);
	problems = NULL;
	CHECK_EQ(seal_policy_check(reg, &actor, cp, &problems), 0);
	CHECK(problems == NULL);
out:
	policy_free(np);
	policy_free(cp);
	free(problems);
	free(want);
	free(ec);
	free(care);
	free(id);
}

TEST(test_applying_a_policy_reconciles_every_recording_and_installs_it_at_commit)
{
	const char *sl = "\"purpose\": \"service-level\",";
	char *id = t_ingest_one(dir, reg, secrets, &actor, "ap", "2026-03-05T10:01:00Z", sl);
	char *held = t_ingest_one(dir, reg, secrets, &actor, "aq", "2026-03-05T11:00:00Z", sl);
	char *lo = variant("lo.conf", SHIPPED, "[purpose service-level]", "min_level = analysis",
			   "min_level = training\nchat_level = training", 0);
	char *hi = xasprintf("%s/hi.conf", dir);
	struct keyring *rights = holding("privacy", NULL);
	struct policy *np = load(lo), *op = NULL;
	struct cat_recording rec = { 0 }, rrec = { 0 };
	struct idlist arts = { 0 }, rarts = { 0 };
	struct seal_stats st = { 0 };
	uint8_t (*npk)[CRYPTO_PK_BYTES] = NULL;
	int64_t v0 = 0, v1 = 0;

	CHECK_EQ(util_copy_file(SHIPPED, hi, 0600), 0);
	op = load(hi);
	if (!id || !held || !np || !op)
		goto out;
	npk = keys_of(np, reg->pk[0]);
	CHECK_EQ(objects_of(id, &rec, &arts), 2);
	check_sealed(&rec, &arts, analysis, analysis, analysis);
	/* A restricted one stays sealed for the rights level only throughout. */
	CHECK_EQ(rights_restrict(reg, &actor, privacy, held, "contested"), 0);
	CHECK_EQ(objects_of(held, &rrec, &rarts), 2);
	check_sealed(&rrec, &rarts, privacy, privacy, privacy);
	/* Lowering needs a key; without one nothing changes, and it is logged. */
	CHECK_EQ(seal_apply_policy(reg, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, NULL, 0, &st), -ENOKEY);
	CHECK(strstr(meta_errmsg(), id) && strstr(meta_errmsg(), "training"));
	CHECK_STR(last_of(NULL).outcome, "error");
	CHECK(installed(hi));
	CHECK(!catalog_in_transaction(reg->cat));
	check_sealed(&rec, &arts, analysis, analysis, analysis);
	/* A dry run counts and changes nothing. */
	CHECK_EQ(seal_apply_policy(reg, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, rights, SEAL_DRY_RUN, &st), 0);
	CHECK_EQ(st.changed, 1);
	CHECK_EQ(st.added, 2);
	check_sealed(&rec, &arts, analysis, analysis, analysis);
	CHECK(installed(hi));
	/* For real: audio and chat go down to training, the details stay, and
	 * mounts are told that what they show changed. */
	CHECK_EQ(catalog_content_version(reg->cat, &v0), 0);
	CHECK_EQ(seal_apply_policy(reg, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, rights, 0, NULL), 0);
	CHECK_EQ(catalog_content_version(reg->cat, &v1), 0);
	CHECK(v1 != v0);
	check_sealed(&rec, &arts, training, training, analysis);
	check_sealed(&rrec, &rarts, privacy, privacy, privacy);
	CHECK(installed(lo));
	CHECK_STR(last_of(id).action, "reseal");
	CHECK_STR(last_of(id).reason, "policy-apply: seals +2 -0");
	CHECK_STR(last_of(NULL).action, "policy-apply");
	CHECK_STR(last_of(NULL).outcome, "ok");
	/* And back up, which needs no key. */
	memset(&st, 0, sizeof(st));
	CHECK_EQ(seal_apply_policy(reg, &actor, op, (const uint8_t (*)[CRYPTO_PK_BYTES])reg->pk, NULL, 0, &st), 0);
	check_sealed(&rec, &arts, analysis, analysis, analysis);
	check_sealed(&rrec, &rarts, privacy, privacy, privacy);
	CHECK(installed(hi));
	CHECK_EQ(st.removed, 2);
out:
	cat_recording_clear(&rec);
	cat_recording_clear(&rrec);
	idlist_free(&arts);
	idlist_free(&rarts);
	free(held);
	keyring_free(rights);
	policy_free(np);
	policy_free(op);
	free(npk);
	free(lo);
	free(hi);
	free(id);
}

/* The artifacts and details of every recording not restricted. */
static int unrestricted_objects(const struct cat_recording *rec, void *ctx)
{
	if (rec->restricted_since)
		return 0;
	CHECK_EQ(catalog_recording_artifacts(reg->cat, rec->id, ctx), 0);
	if (rec->details_id[0])
		idlist_add(ctx, rec->details_id);
	return 0;
}

static int card_ids(const char *handle, void *ctx)
{
	char card[RECFS_ID_HEX];

	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	idlist_add(ctx, card);
	return 0;
}

TEST(test_a_level_the_policy_adds_gets_seals_for_its_own_new_key)
{
	char *path = variant("extra.conf", SHIPPED, "", "[level privacy]", "[level extra]\ngroup = recfs-extra\n\n[level privacy]", 0);
	struct policy *np = load(path);
	struct crypto_key *sk = NULL, *got = NULL, *want = NULL;
	struct keyring *kr = NULL;
	struct idlist arts = { 0 };
	uint8_t pk[CRYPTO_PK_BYTES], seal[CRYPTO_SEAL_BYTES];
	uint8_t (*npk)[CRYPTO_PK_BYTES] = NULL;

	if (!np)
		goto out;
	CHECK_EQ(crypto_keypair(pk, &sk), 0);
	npk = keys_of(np, pk);
	CHECK_EQ(seal_apply_policy(reg, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, secrets, 0, NULL), 0);
	CHECK(installed(path));
	CHECK_EQ(keyring_new(&kr), 0);
	CHECK_EQ(keyring_add_level(kr, "extra", sk), 0);
	/* Every object of a recording not restricted, and every card: all are
	 * sealed from levels below the new one. */
	CHECK_EQ(catalog_each_recording(reg->cat, unrestricted_objects, &arts), 0);
	CHECK(arts.n >= 6);
	CHECK_EQ(catalog_each_subject(reg->cat, card_ids, &arts), 0);
	CHECK(arts.n >= 8);
	for (size_t i = 0; i < arts.n; i++) {
		CHECK_EQ(catalog_get_seal(reg->cat, arts.id[i], "extra", seal), 0);
		CHECK_EQ(seal_open(kr, "extra", arts.id[i], seal, &got), 0);
		CHECK_EQ(seal_unseal(reg, secrets, "privacy", arts.id[i], &want), 0);
		CHECK(want && same_key(got, want));
		crypto_key_free(want);
		got = want = NULL;
	}
out:
	idlist_free(&arts);
	keyring_free(kr);
	crypto_key_free(sk);
	policy_free(np);
	free(npk);
	free(path);
}

/* A guarded copy of k (crypto_key_free it). */
static struct crypto_key *copy_of(const struct crypto_key *k)
{
	struct crypto_key *c = crypto_key_new(k->len, 0);

	if (c)
		memcpy(c->bytes, k->bytes, k->len);
	return c;
}

TEST(test_the_mask_turns_a_dek_into_what_protected_seals_hold_and_back)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *p = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct crypto_key *x = copy_of(dek), *shorter = crypto_key_new(CRYPTO_DEK_BYTES - 1, 1);

	CHECK_EQ(seal_mask(x, NULL), 0);
	CHECK(crypto_equal(x->bytes, dek->bytes, dek->len));
	CHECK_EQ(seal_mask(x, p), 0);
	CHECK(!crypto_equal(x->bytes, dek->bytes, dek->len));
	for (size_t i = 0; i < dek->len; i++)
		CHECK_EQ(x->bytes[i], dek->bytes[i] ^ p->bytes[i]);
	CHECK_EQ(seal_mask(x, p), 0);
	CHECK(crypto_equal(x->bytes, dek->bytes, dek->len));
	CHECK_EQ(seal_mask(x, shorter), -EINVAL);
	crypto_key_free(dek);
	crypto_key_free(p);
	crypto_key_free(x);
	crypto_key_free(shorter);
}

TEST(test_masking_an_object_replaces_each_seal_it_has_and_adds_none)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1), *p = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct crypto_key *masked = copy_of(dek), *got = NULL;
	char object[RECFS_ID_HEX];

	new_sealed(object, dek, analysis);
	CHECK_EQ(seal_mask(masked, p), 0);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(seal_mask_object(reg, secrets, object, p), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK(opens_to(secrets, "analysis", object, masked));
	CHECK(opens_to(secrets, "privacy", object, masked));
	CHECK_EQ(seal_unseal(reg, secrets, "training", object, &got), -EACCES);
	/* Unmasked, what the seal holds is the DEK again. */
	CHECK_EQ(seal_unseal(reg, secrets, "analysis", object, &got), 0);
	CHECK_EQ(seal_mask(got, p), 0);
	CHECK(same_key(got, dek));
	crypto_key_free(dek);
	crypto_key_free(p);
	crypto_key_free(masked);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("seal")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	analysis = policy_level_index(reg->policy, "analysis");
	training = policy_level_index(reg->policy, "training");
	audit_self(&actor, "privacy");
	RUN(test_audio_is_sealed_from_the_purposes_min_level);
	RUN(test_chats_and_shared_files_are_sealed_where_names_are_seen);
	RUN(test_chat_and_attachment_levels_are_never_below_min_level);
	RUN(test_details_are_sealed_from_the_higher_of_min_level_and_details_level);
	RUN(test_cards_follow_details_level_and_rights_records_the_rights_level);
	RUN(test_an_unknown_purpose_is_sealed_for_the_rights_level_only);
	RUN(test_a_restricted_recording_is_sealed_for_the_rights_level_only);
	RUN(test_roles_map_to_kinds);
	RUN(test_put_seals_for_the_levels_from_up_and_none_below);
	RUN(test_unseal_without_the_level_key_is_enokey);
	RUN(test_a_seal_made_for_another_level_does_not_open_eio);
	RUN(test_unseal_highest_opens_with_the_highest_level_the_keyring_holds);
	RUN(test_unseal_highest_passes_over_held_levels_without_a_seal);
	RUN(test_unseal_highest_reports_a_damaged_seal_rather_than_trying_lower);
	RUN(test_a_record_reads_back_for_its_levels_and_is_replaced_whole);
	RUN(test_a_record_without_a_level_named_reads_with_the_highest_held);
	RUN(test_reconcile_after_a_restriction_deletes_lower_seals_with_no_key);
	RUN(test_reconcile_after_a_lift_adds_seals_of_the_same_dek_from_the_highest_held_level);
	RUN(test_reconcile_leaves_a_seal_that_stays_as_it_was);
	RUN(test_reconcile_that_must_add_a_seal_without_a_key_is_enokey_naming_the_owner);
	RUN(test_restricting_and_lifting_a_recording_reconciles_each_of_its_objects);
	RUN(test_reconciling_to_another_policy_seals_what_it_gives_each_kind);
	RUN(test_a_policy_that_drops_a_level_is_refused_logged_and_changes_nothing);
	RUN(test_a_policy_that_drops_a_source_in_use_is_refused);
	RUN(test_explicit_consent_is_refused_for_a_purpose_with_a_recording_on_another_basis);
	RUN(test_applying_a_policy_reconciles_every_recording_and_installs_it_at_commit);
	RUN(test_a_level_the_policy_adds_gets_seals_for_its_own_new_key);
	RUN(test_the_mask_turns_a_dek_into_what_protected_seals_hold_and_back);
	RUN(test_masking_an_object_replaces_each_seal_it_has_and_adds_none);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	free(dir);
	T_DONE();
}
