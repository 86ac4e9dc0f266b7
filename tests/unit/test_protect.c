/* Unit tests of meta/protect: a protected recording needs the level key and
 * its passphrase; the passphrase is checked against the audio itself. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "ingest.h"
#include "protect.h"
#include "t.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static char rec[RECFS_ID_HEX];

static int audio_id(const struct cat_artifact *a, void *ctx)
{
	if (!strcmp(a->role, "audio"))
		snprintf(ctx, RECFS_ID_HEX, "%s", a->id);
	return 0;
}

static int reads_with(const char *level, const struct crypto_key *key)
{
	char art[RECFS_ID_HEX] = "", *path;
	struct crypto_key *dek = NULL;
	struct blob_reader *br = NULL;
	uint8_t b[16];
	int ok = 0;

	if (catalog_each_artifact(reg->cat, rec, audio_id, art) || !art[0])
		return 0;
	if (protect_unseal(reg, secrets, level, art, key, &dek))
		return 0;
	path = reg_blob_path(reg, art);
	if (blob_reader_open(path, art, dek, UINT64_MAX, &br) == 0)
		ok = blob_read(br, b, sizeof(b), 0) == (ssize_t)sizeof(b);
	blob_reader_close(br);
	crypto_key_free(dek);
	free(path);
	return ok;
}

static struct crypto_key *derive(const char *pass)
{
	struct cat_lock l;
	struct crypto_key *k = NULL;

	if (catalog_get_lock(reg->cat, rec, &l) || protect_derive(&l, pass, strlen(pass), &k))
		return NULL;
	return k;
}

TEST(test_protect_is_refused_below_the_rights_level)
{
	CHECK_EQ(protect_recording(reg, secrets, &actor, 1, rec, "correct horse", 13), -EPERM);
	CHECK(reads_with("training", NULL));
}

TEST(test_protect_refuses_a_short_passphrase)
{
	CHECK_EQ(protect_recording(reg, secrets, &actor, reg->policy->rights_level, rec, "short", 5), -EINVAL);
}

TEST(test_protected_recording_needs_level_key_and_passphrase)
{
	struct crypto_key *right, *wrong = NULL;
	struct cat_lock l;

	CHECK_EQ(protect_recording(reg, secrets, &actor, reg->policy->rights_level, rec, "correct horse", 13), 0);
	CHECK(!reads_with("training", NULL));
	right = derive("correct horse");
	CHECK(right != NULL);
	CHECK(reads_with("training", right));
	CHECK(reads_with("privacy", right));
	CHECK_EQ(protect_check(reg, secrets, "analysis", rec, right), 0);
	CHECK_EQ(catalog_get_lock(reg->cat, rec, &l), 0);
	CHECK_EQ(protect_derive(&l, "wrong horse", 11, &wrong), 0);
	CHECK_EQ(protect_check(reg, secrets, "analysis", rec, wrong), -EACCES);
	CHECK(!reads_with("training", wrong));
	crypto_key_free(right);
	crypto_key_free(wrong);
}

TEST(test_protect_twice_is_refused)
{
	CHECK_EQ(protect_recording(reg, secrets, &actor, reg->policy->rights_level, rec, "another one", 11), -EALREADY);
}

int main(void)
{
	char *p, *m;
	struct ingest_result res;
	static const char manifest[] = "{\"recorded_at\": \"2026-03-02T10:15:00Z\", \"source\": \"customer-service\","
				       " \"audio\": \"a.opus\"}";

	if (!(dir = t_mkdtemp("protect")) || crypto_setup())
		return 2;
	p = xasprintf("%s/reg", dir);
	if (reg_create(p, "packaging/examples/tamro.conf", &secrets) || reg_open(p, &reg))
		return 2;
	free(p);
	p = xasprintf("%s/a.opus", dir);
	m = xasprintf("%s/a.json", dir);
	if (util_copy_file("tests/fixtures/mono.opus", p, 0600) ||
	    util_write_file_atomic(m, manifest, strlen(manifest), 0600))
		return 2;
	audit_self(&actor, NULL);
	if (ingest_manifest(reg, keyring_index_key(secrets), &actor, m, &res))
		return 2;
	memcpy(rec, res.recording, sizeof(rec));
	free(p);
	free(m);
	RUN(test_protect_is_refused_below_the_rights_level);
	RUN(test_protect_refuses_a_short_passphrase);
	RUN(test_protected_recording_needs_level_key_and_passphrase);
	RUN(test_protect_twice_is_refused);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
