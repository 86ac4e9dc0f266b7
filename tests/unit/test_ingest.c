/* Unit tests of meta/ingest (and subject, register): a manifest becomes a
 * recording wholly or not at all; bad input says what is wrong and leaves
 * nothing behind; nothing personal reaches the catalog in the clear. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "ingest.h"
#include "macpipe.h"
#include "opus.h"
#include "rights.h"
#include "seal.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"
#include "../fuzz/fuzz_ogg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;

static void write_text(const char *name, const char *text)
{
	char *p = xasprintf("%s/spool/%s", dir, name);

	CHECK_EQ(util_write_file_atomic(p, text, strlen(text), 0600), 0);
	free(p);
}

static void copy_fixture(const char *fixture, const char *name)
{
	char *to = xasprintf("%s/spool/%s", dir, name);

	unlink(to);
	CHECK_EQ(util_copy_file(fixture, to, 0600), 0);
	free(to);
}

static int ingest(const char *name, struct ingest_result *res)
{
	char *p = xasprintf("%s/spool/%s", dir, name);
	int rc = ingest_manifest(reg, keyring_index_key(secrets), &actor, p, res);

	free(p);
	return rc;
}

static const char good[] =
	"{\"recorded_at\": \"2026-03-02T10:15:00Z\", \"source\": \"customer-service\","
	" \"title\": \"Tilaus 1234 toimitus\","
	" \"staff\": [{\"name\": \"Maija Virtanen\", \"id\": \"mvirtanen\"}],"
	" \"subjects\": [{\"role\": \"customer\", \"name\": \"Matti Meikäläinen\", \"phone\": \"+358 40 123 4567\","
	" \"email\": \"matti@example.fi\", \"organisation\": \"Apteekki X\", \"ref\": \"CRM-123\"}],"
	" \"audio\": \"a.opus\", \"attachments\": [{\"file\": \"a-chat.txt\", \"kind\": \"chat\"},"
	" {\"file\": \"a-slides.pdf\", \"kind\": \"presentation\"}]}";

TEST(test_ingest_stores_recording_with_artifacts_seals_and_subject)
{
	struct ingest_result res;
	struct cat_recording rec;
	uint8_t seal[CRYPTO_SEAL_BYTES];

	copy_fixture("tests/fixtures/stereo.opus", "a.opus");
	write_text("a-chat.txt", "Matti Meikäläinen: hei, missä tilaukseni on?\n");
	write_text("a-slides.pdf", "%PDF-1.4 not really\n");
	write_text("a.json", good);
	CHECK_EQ(ingest("a.json", &res), 0);
	CHECK_EQ(res.duplicate, 0);
	CHECK_EQ(res.n_artifacts, 3);
	CHECK_EQ(res.n_subjects_new, 1);
	CHECK_EQ(catalog_get_recording(reg->cat, res.recording, &rec), 0);
	CHECK_STR(rec.purpose, "quality");
	CHECK_STR(rec.legal_basis, "contract");
	CHECK_EQ(rec.channels, 2);
	CHECK(rec.duration_ms > 500);
	/* quality: min_level training, so every level holds a seal on the
	 * audio, and the chat, slides and details from analysis up only. */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM artifact"), 3);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object"
			      " WHERE s.level = 'training'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object"
			      " WHERE s.level = 'analysis'"), 3);
	CHECK_EQ(catalog_get_seal(reg->cat, rec.details_id, "training", seal), -ENOENT);
	CHECK_EQ(catalog_get_seal(reg->cat, rec.details_id, "analysis", seal), 0);
	CHECK_EQ(t_count_blobs(reg), 3);
	cat_recording_clear(&rec);
}

TEST(test_ingest_same_manifest_twice_is_a_no_op)
{
	struct ingest_result res;
	int before = t_count(reg, "SELECT count(*) FROM recording");

	CHECK_EQ(ingest("a.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), before);
}

/* The same content written out again (keys in another order, other spaces,
 * a letter escaped) is the same manifest, alone or twice in one group;
 * a duplicate found by its content leaves nothing behind. */
TEST(test_ingest_same_manifest_rewritten_is_a_duplicate)
{
	static const char rewritten[] =
		"{\n  \"title\":\"Tilaus 1234 toimitus\",\"source\" : \"customer-service\",\n"
		"  \"recorded_at\": \"2026-03-02T10:15:00Z\",\n"
		"  \"attachments\": [ {\"kind\": \"chat\", \"file\": \"a-chat.txt\"},\n"
		"                   {\"file\": \"a-slides.pdf\", \"kind\": \"presentation\"} ],\n"
		"  \"audio\": \"a.opus\", \"staff\": [{\"id\": \"mvirtanen\", \"name\": \"Maija Virtanen\"}],\n"
		"  \"subjects\": [{\"ref\": \"CRM-123\", \"role\": \"customer\", \"name\": \"Matti Meik\\u00e4l\\u00e4inen\",\n"
		"    \"phone\": \"+358 40 123 4567\", \"email\": \"matti@example.fi\", \"organisation\": \"Apteekki X\"}]\n}\n";
	struct ingest_result first, res;
	struct ingest_item it[2] = { 0 };
	char *paths[2];
	int recs = t_count(reg, "SELECT count(*) FROM recording");
	int blobs = t_count_blobs(reg);

	CHECK_EQ(ingest("a.json", &first), 0);
	CHECK_EQ(first.duplicate, 1);
	write_text("a2.json", rewritten);
	CHECK_EQ(ingest("a2.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK(memcmp(res.recording, first.recording, RECFS_ID_HEX) == 0);
	/* With a byte order mark first (PowerShell's UTF-8): the same. */
	{
		char *bom = xasprintf("\xef\xbb\xbf%s", rewritten);

		write_text("a3.json", bom);
		free(bom);
	}
	CHECK_EQ(ingest("a3.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK(memcmp(res.recording, first.recording, RECFS_ID_HEX) == 0);
	/* Twice in one group, neither in the register yet. */
	copy_fixture("tests/fixtures/mono.opus", "c.opus");
	write_text("c1.json", "{\"recorded_at\": \"2026-03-04T09:00:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"Palautus\", \"audio\": \"c.opus\"}");
	write_text("c2.json", "{\"audio\":\"c.opus\",\"recorded_at\":\"2026-03-04T09:00:00Z\","
			      "\"source\":\"customer-service\",\"title\":\"Palautus\"}\n");
	paths[0] = xasprintf("%s/spool/c1.json", dir);
	paths[1] = xasprintf("%s/spool/c2.json", dir);
	it[0].path = paths[0];
	it[1].path = paths[1];
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, 2), 0);
	CHECK_EQ(it[0].rc, 0);
	CHECK_EQ(it[0].res.duplicate, 0);
	CHECK_EQ(it[1].rc, 0);
	CHECK_EQ(it[1].res.duplicate, 1);
	CHECK(memcmp(it[1].res.recording, it[0].res.recording, RECFS_ID_HEX) == 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 1);
	CHECK_EQ(t_count_blobs(reg), blobs + 1);
	ingest_items_clear(it, 2);
	free(paths[0]);
	free(paths[1]);
}

/*
 * A manifest sent again under another audio file name (a recorder's retry
 * under a new temporary name), with any other value changed, names the
 * same recording when its audio, recorded_at and source are the same: a
 * duplicate of it, found by its audio, that leaves nothing behind; nor
 * does it bring back an erased recording.  Another time or another
 * source is another recording.  Twice in one group: one recording.
 */
TEST(test_ingest_the_same_audio_under_another_name_is_a_duplicate)
{
	struct ingest_result first, res;
	struct ingest_item it[2] = { 0 };
	char *paths[2];
	int recs, blobs, keys;

	copy_fixture("tests/fixtures/stereo.opus", "d1.opus");
	write_text("d1.json", "{\"recorded_at\": \"2026-03-06T09:30:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"Reklamaatio\", \"subjects\": [{\"role\": \"customer\", \"phone\": \"+358 40 765 0001\"}],"
			      " \"audio\": \"d1.opus\"}");
	CHECK_EQ(ingest("d1.json", &first), 0);
	CHECK_EQ(first.duplicate, 0);
	CHECK_EQ(first.by_audio, 0);
	recs = t_count(reg, "SELECT count(*) FROM recording");
	blobs = t_count_blobs(reg);
	keys = t_count(reg, "SELECT count(*) FROM ingest_key");
	/* Another name of the audio file, another title and no subject, the
	 * time in another zone: the same recording. */
	copy_fixture("tests/fixtures/stereo.opus", "d1-retry.opus");
	write_text("d2.json", "{\"recorded_at\": \"2026-03-06T11:30:00+02:00\", \"source\": \"customer-service\","
			      " \"title\": \"Reklamaatio (retry)\", \"audio\": \"d1-retry.opus\"}");
	CHECK_EQ(ingest("d2.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK_EQ(res.by_audio, 1);
	CHECK(memcmp(res.recording, first.recording, RECFS_ID_HEX) == 0);
	/* Its files, as they were read, for ingest_remove_inputs. */
	CHECK_EQ(res.n_files, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
	CHECK_EQ(t_count_blobs(reg), blobs);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM ingest_key"), keys);
	/* A second later, or from another source: another recording. */
	write_text("d3.json", "{\"recorded_at\": \"2026-03-06T09:30:01Z\", \"source\": \"customer-service\","
			      " \"audio\": \"d1-retry.opus\"}");
	CHECK_EQ(ingest("d3.json", &res), 0);
	CHECK_EQ(res.duplicate, 0);
	write_text("d4.json", "{\"recorded_at\": \"2026-03-06T09:30:00Z\", \"source\": \"customer-meetings\","
			      " \"audio\": \"d1-retry.opus\"}");
	CHECK_EQ(ingest("d4.json", &res), 0);
	CHECK_EQ(res.duplicate, 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 2);
	/* Erased: a re-send under yet another name does not bring it back. */
	CHECK_EQ(rights_erase_recording(reg, &actor, reg->policy->rights_level, first.recording, "rm"), 0);
	recs = t_count(reg, "SELECT count(*) FROM recording");
	blobs = t_count_blobs(reg);
	copy_fixture("tests/fixtures/stereo.opus", "d1-again.opus");
	write_text("d5.json", "{\"recorded_at\": \"2026-03-06T09:30:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"Reklamaatio\", \"subjects\": [{\"role\": \"customer\", \"phone\": \"+358 40 765 0001\"}],"
			      " \"audio\": \"d1-again.opus\"}");
	CHECK_EQ(ingest("d5.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK(memcmp(res.recording, first.recording, RECFS_ID_HEX) == 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
	CHECK_EQ(t_count_blobs(reg), blobs);
	/* Twice in one group under two names, neither in the register. */
	copy_fixture("tests/fixtures/mono.opus", "e1.opus");
	copy_fixture("tests/fixtures/mono.opus", "e2.opus");
	write_text("e1.json", "{\"recorded_at\": \"2026-03-07T09:00:00Z\", \"source\": \"customer-service\","
			      " \"audio\": \"e1.opus\"}");
	write_text("e2.json", "{\"recorded_at\": \"2026-03-07T09:00:00Z\", \"source\": \"customer-service\","
			      " \"audio\": \"e2.opus\"}");
	paths[0] = xasprintf("%s/spool/e1.json", dir);
	paths[1] = xasprintf("%s/spool/e2.json", dir);
	it[0].path = paths[0];
	it[1].path = paths[1];
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, 2), 0);
	CHECK_EQ(it[0].rc, 0);
	CHECK_EQ(it[0].res.duplicate, 0);
	CHECK_EQ(it[1].rc, 0);
	CHECK_EQ(it[1].res.duplicate, 1);
	CHECK_EQ(it[1].res.by_audio, 1);
	CHECK(memcmp(it[1].res.recording, it[0].res.recording, RECFS_ID_HEX) == 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 1);
	CHECK_EQ(t_count_blobs(reg), blobs + 1);
	ingest_items_clear(it, 2);
	free(paths[0]);
	free(paths[1]);
}

static int audio_artifact(const struct cat_artifact *a, void *ctx)
{
	struct cat_artifact *out = ctx;

	if (strcmp(a->role, "audio"))
		return 0;
	memcpy(out->id, a->id, sizeof(out->id));
	out->size = a->size;
	return 1;
}

/*
 * The audio key ingest makes as it writes the audio, hashed on a thread
 * beside the encryption (macpipe.h), is the one fsck makes from the
 * stored blob, on the caller's thread (ingest_audio_key): for a call of several
 * of the pipe's slots, whose chunks cross from one slot to the next, and
 * for a short one after it through the same pipe, in one group.  The long
 * call sent again under another name is a duplicate of it.
 */
TEST(test_ingest_audio_key_is_the_one_read_back_from_the_blob)
{
	static const char *const names[] = { "long", "short" };
	struct ingest_item it[2] = { 0 };
	char *paths[2], *cmd, *audio = xasprintf("%s/spool/long.opus", dir);
	struct ingest_result res;
	struct stat st;

	cmd = xasprintf("sox -q -n -r 48000 -b 16 -c 2 '%s/spool/long.wav' synth 12 pinknoise vol 0.4 "
			"2>/dev/null && opusenc --quiet --bitrate 256 '%s/spool/long.wav' '%s/spool/long.opus'",
			dir, dir, dir);
	/* sox and opus-tools are declared dependencies: fail, not skip. */
	CHECK_EQ(system(cmd), 0);
	free(cmd);
	CHECK(stat(audio, &st) == 0 && (size_t)st.st_size > 2 * MACPIPE_SLOT_BYTES + 4096);
	copy_fixture("tests/fixtures/mono.opus", "short.opus");
	write_text("long.json", "{\"recorded_at\": \"2026-03-09T10:00:00Z\", \"source\": \"customer-service\","
				" \"audio\": \"long.opus\"}");
	write_text("short.json", "{\"recorded_at\": \"2026-03-09T10:05:00Z\", \"source\": \"customer-service\","
				 " \"audio\": \"short.opus\"}");
	for (int i = 0; i < 2; i++) {
		paths[i] = xasprintf("%s/spool/%s.json", dir, names[i]);
		it[i].path = paths[i];
	}
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, 2), 0);
	for (int i = 0; i < 2; i++) {
		struct cat_recording rec = { 0 };
		struct cat_artifact art = { 0 };
		struct crypto_key *dek = NULL;
		struct blob_reader *br = NULL;
		uint8_t mac[CRYPTO_MAC_BYTES];
		char holder[RECFS_ID_HEX] = "", *blob = NULL;
		int level, rc;

		CHECK_EQ(it[i].rc, 0);
		CHECK_EQ(it[i].res.duplicate, 0);
		if (it[i].rc)
			continue;
		rc = catalog_get_recording(reg->cat, it[i].res.recording, &rec);
		if (rc == 0)
			rc = catalog_each_artifact(reg->cat, it[i].res.recording, audio_artifact, &art) == 1 ? 0 : -ENOENT;
		if (rc == 0)
			rc = seal_unseal_highest(reg, secrets, art.id, &dek, &level);
		if (rc == 0) {
			blob = reg_blob_path(reg, art.id);
			rc = blob_reader_open(blob, art.id, dek, art.size, &br);
		}
		if (rc == 0)
			rc = ingest_audio_key(keyring_index_key(secrets), &rec, br, mac);
		CHECK_EQ(rc, 0);
		if (rc == 0) {
			CHECK_EQ(catalog_find_ingest_key(reg->cat, mac, holder), 0);
			CHECK(memcmp(holder, it[i].res.recording, RECFS_ID_HEX) == 0);
		}
		blob_reader_close(br);
		crypto_key_free(dek);
		free(blob);
		cat_recording_clear(&rec);
	}
	copy_fixture(audio, "long-retry.opus");
	write_text("long-retry.json", "{\"recorded_at\": \"2026-03-09T10:00:00Z\", \"source\": \"customer-service\","
				      " \"title\": \"retry\", \"audio\": \"long-retry.opus\"}");
	CHECK_EQ(ingest("long-retry.json", &res), 0);
	CHECK_EQ(res.duplicate, 1);
	CHECK_EQ(res.by_audio, 1);
	CHECK(memcmp(res.recording, it[0].res.recording, RECFS_ID_HEX) == 0);
	ingest_items_clear(it, 2);
	for (int i = 0; i < 2; i++)
		free(paths[i]);
	free(audio);
}

/* ingest name.json with mono.opus as name.opus, recorded on 2026-04-DAY
 * (each call a minute after the one before: the same audio of the same
 * time and source would be the same recording), with the subjects given
 * (a JSON array's inside); the count of new subjects. */
static size_t ingest_people(const char *name, int day, const char *subjects)
{
	static unsigned calls;
	struct ingest_result res;
	char *audio = xasprintf("%s.opus", name), *json = xasprintf("%s.json", name);
	char *text = xasprintf("{\"recorded_at\": \"2026-04-%02dT%02u:%02u:00Z\", \"source\": \"customer-service\","
			       " \"subjects\": [%s], \"audio\": \"%s\"}", day, 8 + calls / 60 % 12, calls % 60,
			       subjects, audio);

	calls++;

	copy_fixture("tests/fixtures/mono.opus", audio);
	write_text(json, text);
	CHECK_EQ(ingest(json, &res), 0);
	CHECK_EQ(res.duplicate, 0);
	free(text);
	free(json);
	free(audio);
	return res.n_subjects_new;
}

TEST(test_ingest_matches_known_subject_by_normalised_phone)
{
	struct ingest_result res;
	char handle[CATALOG_HANDLE_MAX];

	copy_fixture("tests/fixtures/mono.opus", "b.opus");
	write_text("b.json", "{\"recorded_at\": \"2026-03-03T08:00:00Z\", \"source\": \"customer-service\","
			     " \"subjects\": [{\"role\": \"customer\", \"name\": \"M. Meikäläinen\","
			     " \"phone\": \"00358401234567\"}], \"audio\": \"b.opus\"}");
	CHECK_EQ(ingest("b.json", &res), 0);
	CHECK_EQ(res.n_subjects_new, 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), 1);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "email", " MATTI@example.fi ", handle), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358 40 000 0000", handle), -ENOENT);
	/* a recorder that writes URIs: the same person */
	CHECK_EQ(ingest_people("b2", 27, "{\"role\": \"customer\", \"phone\": \"sip:+358401234567@pbx.example\"}"), 0);
	CHECK_EQ(ingest_people("b3", 28, "{\"role\": \"customer\", \"email\": \"<Matti@Example.fi>\"}"), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), 1);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "email", "mailto:matti@example.fi", handle), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "tel:+358-40-123-4567", handle), 0);
}

static void find(const char *kind, const char *value, char handle[CATALOG_HANDLE_MAX])
{
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), kind, value, handle), 0);
}

/* Every holder of an identifier, "S-A,S-B" (the first holder first; ""
 * for none, "!" on another error). */
static const char *holders(const char *kind, const char *value)
{
	static char out[256];
	struct idlist l = { 0 };
	size_t k = 0;
	int rc = subject_find_all(reg, keyring_index_key(secrets), kind, value, &l);

	out[0] = '\0';
	if (rc && rc != -ENOENT)
		snprintf(out, sizeof(out), "!");
	for (size_t i = 0; i < l.n && k < sizeof(out); i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s", i ? "," : "", l.id[i]);
	idlist_free(&l);
	return out;
}

/* The number of recordings linked to handle. */
static int links_of(const char *handle)
{
	char *sql = xasprintf("SELECT count(*) FROM link WHERE handle = '%s'", handle);
	int n = t_count(reg, sql);

	free(sql);
	return n;
}

/* handle's entry of kind as a register of catalog schema 9 wrote it:
 * form is what its rule made of the value (no written forms read). */
static void index_by_old_rule(const char *handle, const char *kind, const char *form)
{
	uint8_t mac[CRYPTO_MAC_BYTES];

	CHECK_EQ(catalog_drop_index_kind(reg->cat, handle, kind), 0);
	crypto_blind_index(keyring_index_key(secrets), kind, form, mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, handle, kind), 0);
}

/* A register indexed before the written forms were read, not reindexed
 * yet: the same caller written so again is found, not made a second
 * subject, and their subject takes today's entry (atk7 F2). */
TEST(test_ingest_finds_a_subject_indexed_by_the_rule_before_written_forms)
{
	char fay[CATALOG_HANDLE_MAX], eve[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("old-fay", 20, "{\"role\": \"customer\", \"email\": \"fay@vanha.example\"}"), 1);
	CHECK_EQ(ingest_people("old-eve", 20, "{\"role\": \"customer\", \"phone\": \"+46 8 777 0101\"}"), 1);
	find("email", "fay@vanha.example", fay);
	find("phone", "+4687770101", eve);
	index_by_old_rule(fay, "email", "<fay@vanha.example>");
	index_by_old_rule(eve, "phone", "+46087770101");
	/* find: by the old form's entry */
	find("email", "<Fay@vanha.example>", h);
	CHECK_STR(h, fay);
	find("phone", "+46 (0)8 777 0101", h);
	CHECK_STR(h, eve);
	/* ingest: the same people, no new subject */
	CHECK_EQ(ingest_people("new-fay", 21, "{\"role\": \"customer\", \"email\": \"<FAY@vanha.example>\"}"), 0);
	CHECK_EQ(ingest_people("new-eve", 21, "{\"role\": \"customer\", \"phone\": \"+46 (0)8 777 0101\"}"), 0);
	/* and each holds today's entry now */
	find("email", "fay@vanha.example", h);
	CHECK_STR(h, fay);
	find("phone", "+4687770101", h);
	CHECK_STR(h, eve);
}

/*
 * One person's customer or identity number, written two ways by two
 * recorders, is one subject (bb7 F8): a reference is read without its
 * separators.  '+', the century of a Swedish personal identity number, is
 * no separator: 121212+1212 and 121212-1212 are two people.  Separators
 * alone are no reference.  A register that indexed a reference with its
 * separators (before catalog schema 18) finds its subject by that written
 * form still, and the subject takes today's entry when a call gives it.
 */
TEST(test_ingest_references_written_two_ways_are_one_subject)
{
	char pia[CATALOG_HANDLE_MAX], old[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("pin-1", 5, "{\"role\": \"customer\", \"name\": \"Pia Lund\","
					  " \"ref\": \"19121212-1212\"}"), 1);
	find("ref", "19121212-1212", pia);
	CHECK_EQ(ingest_people("pin-2", 6, "{\"role\": \"customer\", \"name\": \"Pia Lund\","
					  " \"ref\": \"191212121212\"}"), 0);
	CHECK_EQ(ingest_people("pin-3", 7, "{\"role\": \"customer\", \"ref\": \"19121212 1212\"}"), 0);
	CHECK_EQ(ingest_people("pin-4", 7, "{\"role\": \"customer\", \"ref\": \"19121212\u20131212\"}"), 0);
	CHECK_EQ(links_of(pia), 4);
	CHECK_STR(holders("ref", "1912 1212-1212"), pia);
	CHECK_STR(holders("ref", "191212121212"), pia);
	/* the century sign tells two people apart */
	CHECK_EQ(ingest_people("pin-5", 8, "{\"role\": \"customer\", \"ref\": \"121212+1212\"}"), 1);
	CHECK_EQ(ingest_people("pin-6", 8, "{\"role\": \"customer\", \"ref\": \"121212-1212\"}"), 1);
	find("ref", "121212+1212", h);
	CHECK(strcmp(h, holders("ref", "1212121212")) != 0);
	/* separators alone: no identifier by rectification's rule, left
	 * off the card (the call is ingested, its subject a new one) */
	{
		struct ingest_result res;

		copy_fixture("tests/fixtures/mono.opus", "pin-7.opus");
		write_text("pin-7.json", "{\"recorded_at\": \"2026-04-09T08:00:00Z\", \"source\": \"customer-service\","
					 " \"subjects\": [{\"role\": \"customer\", \"ref\": \"- -\"}], \"audio\": \"pin-7.opus\"}");
		CHECK_EQ(ingest("pin-7.json", &res), 0);
		CHECK_EQ(res.n_left_out, 1);
		CHECK(!strcmp(res.left_out, "subject 1: ref is not a reference (no letter or digit, only separators)"));
		CHECK_EQ(res.n_subjects_new, 1);
	}
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "ref", "--", h), -EINVAL);
	/* an entry written before schema 18, with the separators */
	CHECK_EQ(ingest_people("pin-9", 10, "{\"role\": \"customer\", \"ref\": \"AB-12/2024\"}"), 1);
	find("ref", "AB-12/2024", old);
	index_by_old_rule(old, "ref", "ab-12/2024");
	find("ref", "ab-12/2024", h);
	CHECK_STR(h, old);
	CHECK_STR(holders("ref", "ab 12 2024"), "");	/* until reindex, or ... */
	CHECK_EQ(ingest_people("pin-10", 11, "{\"role\": \"customer\", \"ref\": \"AB-12/2024\"}"), 0);
	CHECK_STR(holders("ref", "ab 12 2024"), old);	/* ... a call that gives it */
	CHECK_EQ(ingest_people("pin-11", 12, "{\"role\": \"customer\", \"ref\": \"ab 12 2024\"}"), 0);
	CHECK_EQ(links_of(old), 3);
}

/* A register of a country with no trunk prefix (Denmark), indexed when
 * every trunk prefix was taken for 0: a national number was indexed as
 * its digits.  The same caller written so again is found and is no new
 * subject, and their subject takes today's entry. */
TEST(test_ingest_finds_a_national_number_indexed_before_its_trunk_rule)
{
	char *cc = reg->policy->phone_country_code;
	char dan[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];

	reg->policy->phone_country_code = (char *)"45";
	CHECK_EQ(ingest_people("dk-old", 25, "{\"role\": \"customer\", \"phone\": \"+45 33 12 34 56\"}"), 1);
	find("phone", "33 12 34 56", dan);
	index_by_old_rule(dan, "phone", "33123456");
	find("phone", "33 12 34 56", h);
	CHECK_STR(h, dan);
	CHECK_EQ(ingest_people("dk-new", 26, "{\"role\": \"customer\", \"phone\": \"33 12 34 56\"}"), 0);
	find("phone", "+4533123456", h);
	CHECK_STR(h, dan);
	reg->policy->phone_country_code = cc;
}

/* Italy keeps the 0 of its numbers: the landline 0331 234 5678 and the
 * mobile 331 234 5678 are two people.  The rule that took every trunk
 * prefix for 0 made +39 331 234 5678 of the landline, today's form of the
 * mobile: that entry is looked up for no one, and `subject reindex`
 * drops it.  "+39 (0)331 234 5678" writes the landline's 0 (atk10). */
TEST(test_ingest_an_italian_landline_is_not_the_mobile_without_its_0)
{
	char *cc = reg->policy->phone_country_code;
	char mob[CATALOG_HANDLE_MAX], land[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];
	size_t n = 0;

	reg->policy->phone_country_code = (char *)"39";
	CHECK_EQ(ingest_people("it-mob", 1, "{\"role\": \"customer\", \"name\": \"M\", \"phone\": \"331 234 5678\"}"), 1);
	CHECK_EQ(ingest_people("it-land", 1, "{\"role\": \"customer\", \"name\": \"G\", \"phone\": \"0331 234 5678\"}"), 1);
	find("phone", "331 234 5678", mob);
	find("phone", "0331 234 5678", land);
	CHECK(strcmp(mob, land) != 0);
	CHECK_STR(holders("phone", "0331 234 5678"), land);
	CHECK_STR(holders("phone", "+39 (0)331 234 5678"), land);
	CHECK_EQ(ingest_people("it-land2", 2, "{\"role\": \"customer\", \"phone\": \"+39 (0)331 234 5678\"}"), 0);
	CHECK_EQ(links_of(mob), 1);
	CHECK_EQ(links_of(land), 2);
	/* a register indexed by that rule: reindexed, the old entry goes */
	index_by_old_rule(land, "phone", "+393312345678");
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_STR(holders("phone", "331 234 5678"), mob);
	CHECK_EQ(ingest_people("it-mob2", 3, "{\"role\": \"customer\", \"phone\": \"331 234 5678\"}"), 0);
	CHECK_EQ(links_of(mob), 2);
	CHECK_EQ(links_of(land), 2);
	find("phone", "0331 234 5678", h);
	CHECK_STR(h, land);
	reg->policy->phone_country_code = cc;
}

/* In Denmark a recorder's "tel:33123456" was 33123456 by the rule before
 * the trunk table (its written form read): the same caller written so
 * again is found until `subject reindex` (atk10). */
TEST(test_ingest_finds_a_tel_uri_indexed_before_its_trunk_rule)
{
	char *cc = reg->policy->phone_country_code;
	char jens[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];

	reg->policy->phone_country_code = (char *)"45";
	CHECK_EQ(ingest_people("dk-tel", 4, "{\"role\": \"customer\", \"phone\": \"tel:33123499\"}"), 1);
	find("phone", "tel:33123499", jens);
	index_by_old_rule(jens, "phone", "33123499");
	find("phone", "tel:33123499", h);
	CHECK_STR(h, jens);
	CHECK_EQ(ingest_people("dk-tel2", 5, "{\"role\": \"customer\", \"phone\": \"tel:33123499\"}"), 0);
	reg->policy->phone_country_code = cc;
}

/* That rule read a URI by all its digits: a host's or an extension's
 * digits glued to the number made another person's number, written with
 * no '+' ("358401110097"), which is no old entry of this caller. */
TEST(test_ingest_the_rule_before_written_forms_merges_no_one)
{
	char wilma[CATALOG_HANDLE_MAX], kalle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("glued-w", 22, "{\"role\": \"customer\", \"phone\": \"358401110097\"}"), 1);
	CHECK_EQ(ingest_people("glued-k", 22, "{\"role\": \"customer\", \"phone\": \"358912345678\"}"), 1);
	find("phone", "358401110097", wilma);
	find("phone", "358912345678", kalle);
	CHECK_EQ(ingest_people("glued-v", 23, "{\"role\": \"customer\", \"phone\": \"sip:+35840111009@pbx7.example\"}"), 1);
	CHECK_EQ(ingest_people("glued-c", 23, "{\"role\": \"customer\", \"phone\": \"tel:+358-9-1234;ext=5678\"}"), 1);
	find("phone", "sip:+35840111009@pbx7.example", h);
	CHECK(strcmp(h, wilma) != 0);
	find("phone", "tel:+358-9-1234;ext=5678", h);
	CHECK(strcmp(h, kalle) != 0);
	/* the same number without its '+' is still the same caller */
	CHECK_EQ(ingest_people("glued-w2", 24, "{\"role\": \"customer\", \"phone\": \"tel:+358401110097\"}"), 0);
}

/* A household's line given by two people in two calls: the name tells
 * them apart, so neither's subject (and answer) holds the other's call.
 * An e-mail finds its person whatever the spelling of the name ("A.
 * Berg"), but another person who writes from it (a family's mailbox) is
 * told apart by the name as on the line, and is found by it again (bb3
 * HIGH 1: each of their calls was a new subject); a call with the line
 * alone goes to its first holder, as before. */
TEST(test_ingest_two_people_who_give_one_line_in_two_calls_are_two_subjects)
{
	char anna[CATALOG_HANDLE_MAX], bertil[CATALOG_HANDLE_MAX], both[2 * CATALOG_HANDLE_MAX + 1];
	char h[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("line-a", 29, "{\"role\": \"customer\", \"name\": \"Anna Berg\","
					     " \"phone\": \"+358 9 555 0101\", \"email\": \"anna@berg.example\"}"), 1);
	find("email", "anna@berg.example", anna);
	/* another name on the line: another person */
	CHECK_EQ(ingest_people("line-b", 30, "{\"role\": \"customer\", \"name\": \"Bertil Berg\","
					     " \"phone\": \"09 555 0101\"}"), 1);
	snprintf(both, sizeof(both), "%s", holders("phone", "+35895550101"));
	CHECK(strlen(both) == 2 * strlen(anna) + 1 && !strncmp(both, anna, strlen(anna)));
	snprintf(bertil, sizeof(bertil), "%s", both + strlen(anna) + 1);
	CHECK(strcmp(bertil, anna) != 0);
	/* each again, the name written otherwise (case, spaces, marks) */
	CHECK_EQ(ingest_people("line-a2", 29, "{\"role\": \"customer\", \"name\": \" anna   BERG \","
					      " \"phone\": \"+358 9 555 0101\"}"), 0);
	CHECK_EQ(ingest_people("line-b2", 30, "{\"role\": \"customer\", \"name\": \"Bértil Berg\","
					      " \"phone\": \"+358 9 555 0101\", \"email\": \"bertil@berg.example\"}"), 0);
	find("email", "bertil@berg.example", h);
	CHECK_STR(h, bertil);
	CHECK_EQ(links_of(anna), 2);
	CHECK_EQ(links_of(bertil), 2);
	/* an e-mail is one person's, however the name is written */
	CHECK_EQ(ingest_people("line-a3", 29, "{\"role\": \"customer\", \"name\": \"A. Berg\","
					      " \"email\": \"anna@berg.example\"}"), 0);
	CHECK_EQ(links_of(anna), 3);
	/* the line alone: its first holder, as before (documented) */
	CHECK_EQ(ingest_people("line-x", 30, "{\"role\": \"customer\", \"phone\": \"+358 9 555 0101\"}"), 0);
	CHECK_EQ(links_of(anna), 4);
	CHECK_EQ(links_of(bertil), 2);
	/* Anna's address given by Bertil (a family's mailbox): the name tells
	 * him apart there too, and his own number finds him */
	CHECK_EQ(ingest_people("line-b3", 27, "{\"role\": \"customer\", \"name\": \"Bertil Berg\","
					      " \"email\": \"anna@berg.example\", \"phone\": \"+358 9 555 0101\"}"), 0);
	CHECK_EQ(links_of(anna), 4);
	CHECK_EQ(links_of(bertil), 3);
	/* and with no number of his: a subject of his own, not Anna */
	CHECK_EQ(ingest_people("line-c", 28, "{\"role\": \"customer\", \"name\": \"Cecilia Berg\","
					     " \"email\": \"anna@berg.example\"}"), 1);
	CHECK_EQ(links_of(anna), 4);
	find("email", "anna@berg.example", h);
	CHECK_STR(h, anna);
	/* each of them is found by the mailbox again: Cecilia's next call is
	 * hers, not a third subject's, and Bertil's is his */
	CHECK_EQ(ingest_people("line-c2", 27, "{\"role\": \"customer\", \"name\": \"Cecilia Berg\","
					      " \"email\": \"anna@berg.example\"}"), 0);
	CHECK_EQ(ingest_people("line-b4", 26, "{\"role\": \"customer\", \"name\": \"Bertil Berg\","
					      " \"email\": \"anna@berg.example\"}"), 0);
	CHECK_EQ(links_of(anna), 4);
	CHECK_EQ(links_of(bertil), 4);
	{
		const char *all = holders("email", "anna@berg.example");
		const char *c1 = strchr(all, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

		CHECK(!strncmp(all, anna, strlen(anna)) && strstr(all, bertil) != NULL);
		CHECK(c2 && !strchr(c2 + 1, ','));	/* Anna, Bertil, Cecilia */
	}
}

/* The second holder of a line, of handle first (the first holder): "" when
 * the line has not two holders. */
static const char *second_holder(const char *phone, const char *first)
{
	static char out[CATALOG_HANDLE_MAX];
	const char *all = holders("phone", phone);
	size_t n = strlen(first);

	out[0] = '\0';
	if (!strncmp(all, first, n) && all[n] == ',' && strlen(all + n + 1) < sizeof(out) && !strchr(all + n + 1, ','))
		snprintf(out, sizeof(out), "%s", all + n + 1);
	return out;
}

/* Two people of one household whose first names share an initial, on one
 * line: "Matti" and "Maija Meikäläinen" are both "m meikalainen", and
 * their whole given names tell them apart, so neither's answer holds the
 * other's call.  A card of the initial alone ("M. Meikäläinen") is not
 * told apart: of its two holders, the one created first (documented, as
 * for a call of the line alone).  A subject whose calls gave the initial
 * alone takes the first whole name it is given.  A compound given name is
 * its own ("Anna-Liisa" is not "Anna"); marks fold away ("Mäija" is
 * "Maija"). */
TEST(test_ingest_two_people_of_one_initial_on_one_line_are_two_subjects)
{
	char matti[CATALOG_HANDLE_MAX], maija[CATALOG_HANDLE_MAX], al[CATALOG_HANDLE_MAX], anna[CATALOG_HANDLE_MAX];
	char k[CATALOG_HANDLE_MAX], kaisa[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("mm-1", 1, "{\"role\": \"customer\", \"name\": \"Matti Meikäläinen\","
					  " \"phone\": \"+358 9 555 0707\"}"), 1);
	find("phone", "+35895550707", matti);
	CHECK_EQ(ingest_people("mm-2", 2, "{\"role\": \"customer\", \"name\": \"Maija Meikäläinen\","
					  " \"phone\": \"09 555 0707\"}"), 1);
	snprintf(maija, sizeof(maija), "%s", second_holder("+35895550707", matti));
	CHECK(maija[0] && strcmp(maija, matti) != 0);
	CHECK_EQ(links_of(matti), 1);
	CHECK_EQ(links_of(maija), 1);
	/* each again, written otherwise: case, marks, the family name first */
	CHECK_EQ(ingest_people("mm-3", 3, "{\"role\": \"customer\", \"name\": \"Mäija MEIKÄLÄINEN\","
					  " \"phone\": \"+358 9 555 0707\"}"), 0);
	CHECK_EQ(ingest_people("mm-4", 4, "{\"role\": \"customer\", \"name\": \"Meikäläinen, Matti\","
					  " \"phone\": \"+358 9 555 0707\"}"), 0);
	CHECK_EQ(links_of(maija), 2);
	CHECK_EQ(links_of(matti), 2);
	/* the initial alone: the first holder of the form (Matti) */
	CHECK_EQ(ingest_people("mm-5", 5, "{\"role\": \"customer\", \"name\": \"M. Meikäläinen\","
					  " \"phone\": \"+358 9 555 0707\"}"), 0);
	CHECK_EQ(links_of(matti), 3);
	CHECK_EQ(links_of(maija), 2);

	/* Calls that gave the initial alone: the first whole name is theirs,
	 * another of the initial someone else's. */
	CHECK_EQ(ingest_people("kk-1", 6, "{\"role\": \"customer\", \"name\": \"K. Koivu\","
					  " \"phone\": \"+358 9 555 0808\"}"), 1);
	find("phone", "+35895550808", k);
	CHECK_EQ(ingest_people("kk-2", 7, "{\"role\": \"customer\", \"name\": \"Kalle Koivu\","
					  " \"phone\": \"+358 9 555 0808\"}"), 0);
	CHECK_EQ(links_of(k), 2);
	CHECK_EQ(ingest_people("kk-3", 8, "{\"role\": \"customer\", \"name\": \"Kaisa Koivu\","
					  " \"phone\": \"+358 9 555 0808\"}"), 1);
	snprintf(kaisa, sizeof(kaisa), "%s", second_holder("+35895550808", k));
	CHECK(kaisa[0] && strcmp(kaisa, k) != 0);
	CHECK_EQ(ingest_people("kk-4", 9, "{\"role\": \"customer\", \"name\": \"Kalle Koivu\","
					  " \"phone\": \"+358 9 555 0808\"}"), 0);
	CHECK_EQ(links_of(k), 3);
	CHECK_EQ(links_of(kaisa), 1);

	/* A compound given name is its own; its initials are an initial. */
	CHECK_EQ(ingest_people("al-1", 10, "{\"role\": \"customer\", \"name\": \"Anna-Liisa Lehto\","
					   " \"phone\": \"+358 9 555 0909\"}"), 1);
	find("phone", "+35895550909", al);
	CHECK_EQ(ingest_people("al-2", 11, "{\"role\": \"customer\", \"name\": \"Anna Lehto\","
					   " \"phone\": \"+358 9 555 0909\"}"), 1);
	snprintf(anna, sizeof(anna), "%s", second_holder("+35895550909", al));
	CHECK(anna[0] && strcmp(anna, al) != 0);
	CHECK_EQ(ingest_people("al-3", 12, "{\"role\": \"customer\", \"name\": \"A-L Lehto\","
					   " \"phone\": \"+358 9 555 0909\"}"), 0);
	CHECK_EQ(ingest_people("al-4", 13, "{\"role\": \"customer\", \"name\": \"ANNA-LIISA LEHTO\","
					   " \"phone\": \"+358 9 555 0909\"}"), 0);
	CHECK_EQ(links_of(al), 3);
	CHECK_EQ(links_of(anna), 1);
}

/* A form of address is not the given name: "Mr Matti" and "Mr Mikko
 * Berg", a father and son on one landline, were both "mr berg" (atk12
 * F4), and "Dr. Anna" and "Dr. Aino Lind" both the initial "d".  Each is
 * told apart by the name after the title, and finds itself again written
 * without it. */
TEST(test_ingest_a_title_before_the_name_tells_no_one_apart)
{
	char matti[CATALOG_HANDLE_MAX], mikko[CATALOG_HANDLE_MAX], anna[CATALOG_HANDLE_MAX], aino[CATALOG_HANDLE_MAX];

	CHECK_EQ(ingest_people("tt-1", 1, "{\"role\": \"customer\", \"name\": \"Mr Matti Berg\","
					  " \"phone\": \"+358 9 555 1212\"}"), 1);
	find("phone", "+35895551212", matti);
	CHECK_EQ(ingest_people("tt-2", 2, "{\"role\": \"customer\", \"name\": \"Mr Mikko Berg\","
					  " \"phone\": \"+358 9 555 1212\"}"), 1);
	snprintf(mikko, sizeof(mikko), "%s", second_holder("+35895551212", matti));
	CHECK(mikko[0] && strcmp(mikko, matti) != 0);
	CHECK_EQ(ingest_people("tt-3", 3, "{\"role\": \"customer\", \"name\": \"Matti Berg\","
					  " \"phone\": \"+358 9 555 1212\"}"), 0);
	CHECK_EQ(ingest_people("tt-4", 4, "{\"role\": \"customer\", \"name\": \"Berg, Mr. Mikko\","
					  " \"phone\": \"+358 9 555 1212\"}"), 0);
	CHECK_EQ(links_of(matti), 2);
	CHECK_EQ(links_of(mikko), 2);

	CHECK_EQ(ingest_people("td-1", 5, "{\"role\": \"customer\", \"name\": \"Dr. Anna Lind\","
					  " \"phone\": \"+358 9 555 1313\"}"), 1);
	find("phone", "+35895551313", anna);
	CHECK_EQ(ingest_people("td-2", 6, "{\"role\": \"customer\", \"name\": \"Dr. Aino Lind\","
					  " \"phone\": \"+358 9 555 1313\"}"), 1);
	snprintf(aino, sizeof(aino), "%s", second_holder("+35895551313", anna));
	CHECK(aino[0] && strcmp(aino, anna) != 0);
	CHECK_EQ(ingest_people("td-3", 7, "{\"role\": \"customer\", \"name\": \"Anna.Lind\","
					  " \"phone\": \"+358 9 555 1313\"}"), 0);
	CHECK_EQ(links_of(anna), 2);
	CHECK_EQ(links_of(aino), 1);
	/* a form of address and another family name on the line: someone
	 * else, not the line's first holder (atk14 F3) */
	CHECK_EQ(ingest_people("td-4", 8, "{\"role\": \"customer\", \"name\": \"Herr Berg\","
					  " \"phone\": \"+358 9 555 1313\"}"), 1);
	CHECK_EQ(links_of(anna), 2);
	CHECK_EQ(links_of(aino), 1);
}

TEST(test_ingest_people_who_share_a_phone_stay_apart)
{
	char marta[CATALOG_HANDLE_MAX], erik[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], third[CATALOG_HANDLE_MAX];
	char matti[CATALOG_HANDLE_MAX];

	/* One manifest, a household: two people, one line. */
	CHECK_EQ(ingest_people("hh1", 1, "{\"role\": \"customer\", \"name\": \"Märta Ek\", \"phone\": \"+358 50 765 4321\","
					 " \"email\": \"marta@ek.example\"}, {\"role\": \"customer\","
					 " \"name\": \"Erik Ek\", \"phone\": \"00358 50 765 4321\", \"email\": \"erik@ek.example\"}"),
		 2);
	find("email", "marta@ek.example", marta);
	find("email", "erik@ek.example", erik);
	CHECK(strcmp(marta, erik) != 0);
	find("phone", "+358507654321", h);
	CHECK_STR(h, marta);	/* the first holder first */
	{
		char *both = xasprintf("%s,%s", marta, erik);

		CHECK_STR(holders("phone", "+358507654321"), both);	/* and both hold the line */
		free(both);
	}
	{
		char *sql = xasprintf("SELECT count(*) FROM link WHERE recording = "
				      "(SELECT recording FROM link WHERE handle = '%s')", marta);

		CHECK_EQ(t_count(reg, sql), 2);	/* the call is linked to both */
		free(sql);
	}
	/* One manifest naming one e-mail twice: two entries are two people. */
	CHECK_EQ(ingest_people("hh2", 2, "{\"role\": \"customer\", \"name\": \"A\", \"email\": \"twice@ek.example\"},"
					 " {\"role\": \"customer\", \"name\": \"B\", \"email\": \"twice@ek.example\"}"), 2);
	/* Later, on that line, someone with an e-mail of their own. */
	CHECK_EQ(ingest_people("hh3", 3, "{\"role\": \"customer\", \"name\": \"Kolmas\", \"phone\": \"+358 50 765 4321\","
					 " \"email\": \"third@ek.example\"}"), 1);
	find("email", "third@ek.example", third);
	CHECK(strcmp(third, marta) != 0 && strcmp(third, erik) != 0);
	/* The line alone says nothing more: its subject. */
	CHECK_EQ(ingest_people("hh4", 4, "{\"role\": \"customer\", \"name\": \"?\", \"phone\": \"+358507654321\"}"), 0);
	/* A customer number with the card's e-mail's owner: the same person;
	 * with another e-mail, someone else. */
	find("email", "matti@example.fi", matti);
	CHECK_EQ(ingest_people("hh5", 5, "{\"role\": \"customer\", \"ref\": \"CRM-123\", \"phone\": \"+358 40 123 4567\"}"), 0);
	CHECK_EQ(ingest_people("hh6", 6, "{\"role\": \"customer\", \"ref\": \"CRM-123\", \"email\": \"colleague@example.fi\"}"), 1);
	find("email", "colleague@example.fi", h);
	CHECK(strcmp(h, matti) != 0);
	find("ref", "CRM-123", h);
	CHECK_STR(h, matti);
}

TEST(test_ingest_weighs_every_holder_of_a_shared_identifier)
{
	char anna[CATALOG_HANDLE_MAX], cilla[CATALOG_HANDLE_MAX], ben[CATALOG_HANDLE_MAX], dora[CATALOG_HANDLE_MAX];
	char *want;

	/* Anna and Ben share a line; Cilla and Ben a customer number. */
	CHECK_EQ(ingest_people("sh1", 10, "{\"role\": \"customer\", \"name\": \"Anna Koti\","
					  " \"phone\": \"+358 9 111 2222\", \"email\": \"anna@koti.example\"}"), 1);
	CHECK_EQ(ingest_people("sh2", 11, "{\"role\": \"customer\", \"name\": \"Cilla Koti\","
					  " \"ref\": \"KOTI-7\", \"email\": \"cilla@koti.example\"}"), 1);
	CHECK_EQ(ingest_people("sh3", 12, "{\"role\": \"customer\", \"name\": \"Ben Koti\","
					  " \"phone\": \"00358 9 111 2222\", \"ref\": \"koti-7\","
					  " \"email\": \"ben@koti.example\"}"), 1);
	find("email", "anna@koti.example", anna);
	find("email", "cilla@koti.example", cilla);
	find("email", "ben@koti.example", ben);
	/* Ben, who came last, is found by the line and by the number. */
	want = xasprintf("%s,%s", anna, ben);
	CHECK_STR(holders("phone", "+35891112222"), want);
	free(want);
	want = xasprintf("%s,%s", cilla, ben);
	CHECK_STR(holders("ref", "KOTI-7"), want);
	free(want);
	/* The number and the line together: of the number's holders, the one
	 * that holds the line too, though Cilla holds the number longer. */
	CHECK_EQ(ingest_people("sh4", 13, "{\"role\": \"customer\", \"ref\": \"KOTI-7\","
					  " \"phone\": \"+358 9 111 2222\"}"), 0);
	CHECK_EQ(links_of(ben), 2);
	CHECK_EQ(links_of(cilla), 1);
	/* The line alone: its first holder, every time. */
	CHECK_EQ(ingest_people("sh5", 14, "{\"role\": \"customer\", \"phone\": \"+358 9 111 2222\"}"), 0);
	CHECK_EQ(ingest_people("sh6", 15, "{\"role\": \"customer\", \"phone\": \"09 111 2222\"}"), 0);
	CHECK_EQ(links_of(anna), 3);
	/* Two people on the line in one call: never one subject, so the
	 * second is its other holder, not someone new. */
	CHECK_EQ(ingest_people("sh7", 16, "{\"role\": \"customer\", \"phone\": \"+358 9 111 2222\"},"
					  " {\"role\": \"customer\", \"phone\": \"+358 9 111 2222\"}"), 0);
	CHECK_EQ(links_of(anna), 4);
	CHECK_EQ(links_of(ben), 3);
	/* Someone with an e-mail of their own on the line: a third holder. */
	CHECK_EQ(ingest_people("sh8", 17, "{\"role\": \"customer\", \"name\": \"Dora\","
					  " \"phone\": \"+358 9 111 2222\", \"email\": \"dora@koti.example\"}"), 1);
	find("email", "dora@koti.example", dora);
	want = xasprintf("%s,%s,%s", anna, ben, dora);
	CHECK_STR(holders("phone", "+35891112222"), want);
	free(want);
	/* An e-mail stays one person's. */
	CHECK_STR(holders("email", "anna@koti.example"), anna);
}

struct bad_case {
	const char *manifest;
	const char *expect; /* part of the message */
};

TEST(test_ingest_refuses_bad_manifests_and_leaves_nothing_behind)
{
	static const struct bad_case cases[] = {
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\"", "not valid JSON" },
		{ "[1, 2]", "not a JSON object" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"source\": \"fax\"}", "manifest gives a key twice (line 1, column 97)" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"nope.opus\"}",
		  "missing" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"bad.opus\"}",
		  "audio" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"fax\", \"audio\": \"b.opus\"}",
		  "unknown source" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"purpose\": \"marketing\","
		  " \"audio\": \"b.opus\"}", "unknown purpose" },
		{ "{\"recorded_at\": \"2999-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\"}",
		  "hours after this host's clock, which takes at most 5 minutes" },
		{ "{\"recorded_at\": \"yesterday\", \"source\": \"customer-service\", \"audio\": \"b.opus\"}", "ISO 8601" },
		{ "{\"recorded_at\": \"99999-11-27T08:11:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\"}",
		  "a year of four digits" },
		{ "{\"recorded_at\": \"2026-13-45T10:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\"}",
		  "recorded_at is no such time" },
		{ "{\"recorded_at\": \"1969-12-31T23:59:59Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\"}",
		  "or is before 1970" },
		{ "\xef\xbb\xbf{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"fax\","
		  " \"audio\": \"b.opus\"}", "unknown source" },
		{ "\xef\xbb\xbf\xef\xbb\xbf{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\","
		  " \"audio\": \"b.opus\"}", "not valid JSON" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"title\": \"a\\u0000b\"}", "holds \\u0000 (a NUL character)" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"../b.opus\"}",
		  "plain file name" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"legal_basis\": \"because\"}", "legal_basis" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"attachments\": [{\"file\": \"gone.pdf\"}]}", "missing" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"subjects\": [{\"role\": \"customer\"}, {\"role\": \"Customer\"}]}",
		  "subject 2: role is not one of customer, participant, staff" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"legal_basis\": \"consent\"}",
		  "legal_basis consent is not a basis of purpose quality: the policy gives it contract" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"purpose\": \"training\", \"legal_basis\": \"contract\"}",
		  "legal_basis contract is not a basis of purpose training" },
		/* a person's number where a policy name goes is not echoed into
		 * the logs (bb7 F7); a name of few digits still is */
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"lindstrom-19121212-1212\","
		  " \"audio\": \"b.opus\"}", "unknown source (not shown: it holds a number)" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"customer-service\", \"audio\": \"b.opus\","
		  " \"legal_basis\": \"19121212-1212\"}", "legal_basis (not shown: it holds a number)" },
		{ "{\"recorded_at\": \"2026-01-01T00:00:00Z\", \"source\": \"q4-2026\", \"audio\": \"b.opus\"}",
		  "unknown source q4-2026" },
	};
	int blobs = t_count_blobs(reg), recs = t_count(reg, "SELECT count(*) FROM recording");
	struct ingest_result res;

	write_text("bad.opus", "OggS but not really an opus file at all, just some bytes");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_text("x.json", cases[i].manifest);
		int rc = ingest("x.json", &res);
		CHECK(rc < 0);
		if (!strstr(meta_errmsg(), cases[i].expect)) {
			fprintf(stderr, "  case %zu: message \"%s\" lacks \"%s\"\n", i, meta_errmsg(), cases[i].expect);
			CHECK(0);
		}
	}
	/* Valid JSON nested beyond the parser's depth: said as such. */
	{
		char deep[2 * 5000 + 1];

		memset(deep, '[', 5000);
		memset(deep + 5000, ']', 5000);
		deep[10000] = '\0';
		write_text("x.json", deep);
		CHECK(ingest("x.json", &res) == -EINVAL);
		CHECK(strstr(meta_errmsg(), "manifest nests arrays or objects deeper than the 2048 levels") != NULL);
	}
	CHECK_EQ(t_count_blobs(reg), blobs);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
}

/* A manifest with a UTF-8 byte order mark first (RFC 8259 8.1 lets a
 * parser pass over it; recorders' tools on Windows write one) is ingested. */
TEST(test_ingest_takes_a_manifest_with_a_byte_order_mark)
{
	struct ingest_result res;
	int recs = t_count(reg, "SELECT count(*) FROM recording");

	copy_fixture("tests/fixtures/mono.opus", "bom.opus");
	write_text("bom.json", "\xef\xbb\xbf{\"recorded_at\": \"2026-03-05T09:00:00Z\", \"source\": \"customer-service\","
			       " \"title\": \"BOM\", \"audio\": \"bom.opus\"}\r\n");
	CHECK_EQ(ingest("bom.json", &res), 0);
	CHECK_EQ(res.duplicate, 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 1);
}

TEST(test_ingest_refuses_a_manifest_of_ten_megabytes)
{
	struct ingest_result res;
	char *p = xasprintf("%s/spool/big.json", dir);
	FILE *f = fopen(p, "w");

	for (int i = 0; f && i < 10 * 1024; i++)
		for (int k = 0; k < 1024; k++)
			fputc('a' + (i + k) % 26, f);
	if (f)
		fclose(f);
	CHECK_EQ(ingest("big.json", &res), -EFBIG);
	CHECK(strstr(meta_errmsg(), "larger") != NULL);
	free(p);
}

/*
 * Inputs that are not regular files are refused, each with its reason,
 * without waiting on a FIFO (no writer ever comes) and without reading
 * through a symbolic link (the target's access time stays as it was).
 */
TEST(test_ingest_refuses_fifos_and_links_without_waiting_or_reading)
{
	char *fifo = xasprintf("%s/spool/n-chat.txt", dir), *link = xasprintf("%s/spool/n.opus", dir);
	char *secret = xasprintf("%s/secret", dir), *mfifo = xasprintf("%s/spool/m.json", dir);
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct ingest_result res;
	struct stat st;

	CHECK_EQ(mkfifo(fifo, 0600), 0);
	CHECK_EQ(util_write_file_atomic(secret, "root:x:0:0", 10, 0600), 0);
	CHECK_EQ(utimensat(AT_FDCWD, secret, old, 0), 0);
	CHECK_EQ(symlink(secret, link), 0);
	copy_fixture("tests/fixtures/mono.opus", "o.opus");
	write_text("n.json", "{\"recorded_at\": \"2026-03-02T10:15:00Z\", \"source\": \"customer-service\","
			     " \"audio\": \"o.opus\", \"attachments\": [{\"file\": \"n-chat.txt\", \"kind\": \"chat\"}]}");
	CHECK_EQ(ingest("n.json", &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "not a regular file") != NULL);
	write_text("n.json", "{\"recorded_at\": \"2026-03-02T10:15:00Z\", \"source\": \"customer-service\","
			     " \"audio\": \"n.opus\"}");
	CHECK_EQ(ingest("n.json", &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "symbolic link") != NULL);
	CHECK_EQ(stat(secret, &st), 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(mkfifo(mfifo, 0600), 0);
	CHECK_EQ(ingest("m.json", &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "manifest is not a regular file") != NULL);
	unlink(fifo);
	unlink(link);
	unlink(mfifo);
	free(fifo);
	free(link);
	free(secret);
	free(mfifo);
}

/* STEM.json naming STEM.opus (mono.opus), recorded in the future, put in
 * quarantine for it: the manifest's path (malloc'd), *qdir the folder. */
static char *quarantine_future(const char *stem, char **qdir)
{
	char *m = xasprintf("%s/spool/%s.json", dir, stem), *audio = xasprintf("%s.opus", stem);
	char *json = xasprintf("%s.json", stem);
	char *text = xasprintf("{\"recorded_at\": \"2999-01-01T00:00:00Z\", \"source\": \"customer-service\","
			       " \"audio\": \"%s\"}", audio);

	copy_fixture("tests/fixtures/mono.opus", audio);
	write_text(json, text);
	CHECK_EQ(ingest_quarantine(reg, m, "recorded_at is in the future", qdir), 0);
	CHECK(*qdir != NULL);
	free(text);
	free(json);
	free(audio);
	return m;
}

TEST(test_quarantine_moves_manifest_and_its_files_with_error_txt)
{
	char *qdir = NULL, *err = NULL, *moved = NULL, *m = quarantine_future("q", &qdir);
	uint8_t *text = NULL;
	size_t len;

	if (qdir) {
		err = xasprintf("%s/error.txt", qdir);
		moved = xasprintf("%s/q.opus", qdir);
		CHECK_EQ(util_read_file(err, 4096, &text, &len), 0);
		CHECK(text && strstr((char *)text, "future"));
		CHECK_EQ(access(moved, F_OK), 0);
	}
	CHECK(access(m, F_OK) < 0);
	free(text);
	free(err);
	free(moved);
	free(qdir);
	free(m);
}

/* A refused manifest that names its files takes X.opus beside them, but not
 * X.ext7.opus: the audio of an X.ext7.json still to come. */
TEST(test_quarantine_takes_no_audio_of_a_longer_stem_with_a_dot)
{
	char *qdir = NULL, *own = NULL, *other = NULL, *m;
	char *left = xasprintf("%s/spool/qd.ext7.opus", dir);

	copy_fixture("tests/fixtures/mono.opus", "qd.ext7.opus");
	m = quarantine_future("qd", &qdir);
	if (qdir) {
		own = xasprintf("%s/qd.opus", qdir);
		other = xasprintf("%s/qd.ext7.opus", qdir);
		CHECK_EQ(access(own, F_OK), 0);
		CHECK(access(other, F_OK) < 0);
	}
	CHECK_EQ(access(left, F_OK), 0);
	unlink(left);
	free(own);
	free(other);
	free(left);
	free(qdir);
	free(m);
}

/* An unreadable manifest takes its stem with one extension only: never a
 * file of a longer stem, whether another manifest has it already
 * (qs-2.json's qs-2.opus and qs-2-chat.txt) or may still come for it
 * (qs-3.opus, qs-2x.opus: atk30 F4, the audio of the recorder's next
 * recording, refused then for its missing audio). */
TEST(test_quarantine_leaves_the_files_of_a_longer_stems_manifest)
{
	static const char *const mine[] = { "qs.opus" };
	static const char *const theirs[] = { "qs-2.opus", "qs-2-chat.txt", "qs-2.json", "qs-2.x.opus", "qs-3.opus",
					      "qs-2x.opus" };
	char *m = xasprintf("%s/spool/qs.json", dir), *qdir = NULL;

	write_text("qs.json", "{ not json");
	for (size_t i = 0; i < sizeof(mine) / sizeof(*mine); i++)
		write_text(mine[i], "x");
	for (size_t i = 0; i < sizeof(theirs) / sizeof(*theirs); i++)
		write_text(theirs[i], "{}");
	CHECK_EQ(ingest_quarantine(reg, m, "manifest is not JSON", &qdir), 0);
	for (size_t i = 0; qdir && i < sizeof(mine) / sizeof(*mine); i++) {
		char *p = xasprintf("%s/%s", qdir, mine[i]);

		CHECK_EQ(access(p, F_OK), 0);
		free(p);
	}
	for (size_t i = 0; i < sizeof(theirs) / sizeof(*theirs); i++) {
		char *p = xasprintf("%s/spool/%s", dir, theirs[i]);

		CHECK_EQ(access(p, F_OK), 0);
		unlink(p);
		free(p);
	}
	free(qdir);
	free(m);
}

struct named {
	char id[32], manifest[128];
	int n;
};

static int find_named(const struct ingest_quarantined *q, void *ctx)
{
	struct named *x = ctx;

	if (!strcmp(q->name, x->id)) {
		snprintf(x->manifest, sizeof(x->manifest), "%s", q->manifest ? q->manifest : "(none)");
		x->n++;
	}
	return 0;
}

TEST(test_quarantine_names_its_folder_by_an_id_and_keeps_the_name_inside)
{
	static const char name[] = "Call with Jo\xc3\xabl Person\n+358401234567.json";
	char *m = xasprintf("%s/spool/%s", dir, name), *qdir = NULL, *err = NULL, *kept = NULL;
	struct named x = { "", "", 0 };
	uint8_t *text = NULL;
	size_t len = 0;
	const char *id;

	write_text(name, "not json");
	CHECK_EQ(ingest_quarantine(reg, m, "manifest is not valid JSON", &qdir), 0);
	if (!qdir)
		return;
	id = strrchr(qdir, '/') + 1;
	/* q- and 8 hex digits: nothing of the name. */
	CHECK_EQ(strlen(id), strlen(INGEST_QUARANTINE_PREFIX) + INGEST_QUARANTINE_HEX);
	CHECK(!strncmp(id, INGEST_QUARANTINE_PREFIX, strlen(INGEST_QUARANTINE_PREFIX)));
	CHECK_EQ(strspn(id + 2, "0123456789abcdef"), INGEST_QUARANTINE_HEX);
	CHECK(!strstr(qdir, "Person"));
	/* error.txt says what is wrong; the name is kept inside, escaped. */
	err = xasprintf("%s/error.txt", qdir);
	CHECK_EQ(util_read_file(err, 4096, &text, &len), 0);
	CHECK_STR((char *)text, "manifest is not valid JSON\n");
	free(text);
	text = NULL;
	free(err);
	err = xasprintf("%s/manifest-name.txt", qdir);
	CHECK_EQ(util_read_file(err, 4096, &text, &len), 0);
	CHECK_STR((char *)text, "Call with Jo\xc3\xabl Person\\n+358401234567.json\n");
	kept = xasprintf("%s/%s", qdir, name);
	CHECK_EQ(access(kept, F_OK), 0);
	snprintf(x.id, sizeof(x.id), "%s", id);
	CHECK_EQ(ingest_each_quarantined(reg, find_named, &x), 0);
	CHECK_EQ(x.n, 1);
	CHECK_STR(x.manifest, "Call with Jo\xc3\xabl Person\\n+358401234567.json");
	CHECK_EQ(ingest_erase_quarantined(reg, id), 0);
	CHECK(access(qdir, F_OK) < 0);
	free(text);
	free(kept);
	free(err);
	free(qdir);
	free(m);
}

/* A manifest mended in its quarantine folder: refused again, it stays there
 * with the new reason and the time it was first refused; ingested, it is
 * known by what it holds, and its folder goes with its inputs. */
TEST(test_quarantine_a_mended_manifest_stays_in_its_folder_and_goes_once_ingested)
{
	static const char mended[] = "{\"recorded_at\": \"2026-03-09T08:00:00Z\", \"source\": \"customer-service\","
				     " \"title\": \"mended\", \"audio\": \"mq.opus\"}";
	char *m = xasprintf("%s/spool/mq.json", dir), *qdir = NULL, *again = NULL, *name = NULL, *mq = NULL;
	char *p = NULL, *erased = NULL, rec[RECFS_ID_HEX];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct ingest_result res;
	uint8_t *text = NULL;
	struct stat st;
	size_t len = 0, left = 0;
	const char *id;

	copy_fixture("tests/fixtures/mono.opus", "mq.opus");
	write_text("mq.json", "{\"source\": \"customer-service\", \"audio\": \"mq.opus\"}");
	CHECK_EQ(ingest_quarantine(reg, m, "no recorded_at", &qdir), 0);
	if (!qdir)
		goto out;
	id = strrchr(qdir, '/') + 1;
	CHECK_EQ(ingest_in_quarantine(reg, m, &name), 0);
	CHECK(name == NULL);
	mq = xasprintf("%s/mq.json", qdir);
	CHECK_EQ(ingest_in_quarantine(reg, mq, &name), 1);
	CHECK_STR(name ? name : "", id);
	CHECK_EQ(ingest_quarantine_again(reg, m, "why", &again), -EINVAL);
	/* Refused again: the same folder, the new reason, the old time. */
	p = xasprintf("%s/error.txt", qdir);
	CHECK_EQ(utimensat(AT_FDCWD, p, old, 0), 0);
	CHECK_EQ(ingest_quarantine_again(reg, mq, "subject 1: role\nis bad", &again), 0);
	CHECK_STR(again ? strrchr(again, '/') + 1 : "", id);
	CHECK_EQ(util_read_file(p, 4096, &text, &len), 0);
	CHECK_STR(text ? (char *)text : "", "subject 1: role\\nis bad\n");
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ((long long)st.st_mtime, 1000000000LL);
	CHECK_EQ(ingest_quarantined_recording(reg, keyring_index_key(secrets), id, rec), -ENOENT);
	/* Mended and ingested in place: known by its bytes, then gone. */
	CHECK_EQ(util_write_file_atomic(mq, mended, strlen(mended), 0600), 0);
	CHECK_EQ(ingest_manifest(reg, keyring_index_key(secrets), &actor, mq, &res), 0);
	CHECK_EQ(ingest_quarantined_recording(reg, keyring_index_key(secrets), id, rec), 0);
	CHECK_STR(rec, res.recording);
	CHECK_EQ(ingest_remove_inputs(mq, &res, &left), 0);
	CHECK_EQ(ingest_quarantine_settled(reg, mq, &erased), 0);
	CHECK_STR(erased ? erased : "", id);
	CHECK(access(qdir, F_OK) < 0);
	CHECK_EQ(ingest_quarantined_recording(reg, keyring_index_key(secrets), id, rec), -ENOENT);
out:
	free(erased);
	free(text);
	free(p);
	free(mq);
	free(name);
	free(again);
	free(qdir);
	free(m);
}

TEST(test_subject_roles_are_the_words_of_the_format)
{
	CHECK(ingest_is_subject_role("customer"));
	CHECK(ingest_is_subject_role("participant"));
	CHECK(ingest_is_subject_role("staff"));
	CHECK(ingest_is_subject_role(INGEST_DEFAULT_ROLE));
	CHECK(!ingest_is_subject_role("Customer"));
	CHECK(!ingest_is_subject_role("customer "));
	CHECK(!ingest_is_subject_role("Matti Meikäläinen's wife"));
	CHECK(!ingest_is_subject_role(""));
	CHECK(!ingest_is_subject_role(NULL));
}

TEST(test_a_role_of_free_text_is_refused_and_stored_nowhere)
{
	struct ingest_result res;
	int recs = t_count(reg, "SELECT count(*) FROM recording");

	copy_fixture("tests/fixtures/mono.opus", "r.opus");
	write_text("r.json", "{\"recorded_at\": \"2026-03-04T08:00:00Z\", \"source\": \"customer-service\","
			     " \"subjects\": [{\"role\": \"Roolimerkki Ruusunen\", \"phone\": \"+358401112223\"}],"
			     " \"audio\": \"r.opus\"}");
	CHECK_EQ(ingest("r.json", &res), -EINVAL);
	CHECK(ingest_is_input_error(-EINVAL));
	CHECK(strstr(meta_errmsg(), "role") && !strstr(meta_errmsg(), "Ruusunen"));
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM link WHERE role NOT IN ('customer', 'participant', 'staff')"), 0);
	/* A subject without a role is a participant. */
	write_text("r.json", "{\"recorded_at\": \"2026-03-04T08:00:00Z\", \"source\": \"customer-service\","
			     " \"subjects\": [{\"phone\": \"+358401112223\"}, {\"role\": \"staff\", \"name\": \"S\"}],"
			     " \"audio\": \"r.opus\"}");
	CHECK_EQ(ingest("r.json", &res), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM link WHERE role = 'participant'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM link WHERE role = 'staff'"), 1);
}

TEST(test_a_basis_the_purpose_allows_is_taken)
{
	struct ingest_result res;
	struct cat_recording rec;

	copy_fixture("tests/fixtures/mono.opus", "c.opus");
	write_text("c.json", "{\"recorded_at\": \"2026-03-05T08:00:00Z\", \"source\": \"customer-service\","
			     " \"purpose\": \"training\", \"legal_basis\": \"consent\", \"audio\": \"c.opus\"}");
	CHECK_EQ(ingest("c.json", &res), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, res.recording, &rec), 0);
	CHECK_STR(rec.purpose, "training");
	CHECK_STR(rec.legal_basis, "consent");
	cat_recording_clear(&rec);
}

static int file_contains(const char *path, const char *needle)
{
	uint8_t *buf = NULL;
	size_t len;
	int found = 0;

	if (util_read_file(path, 1 << 28, &buf, &len))
		return 0;
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

TEST(test_catalog_holds_no_personal_data_in_the_clear)
{
	static const char *const secrets_[] = { "Meikäläinen", "Matti", "358401234567", "40 123 4567",
						 "matti@example.fi", "Maija Virtanen", "Apteekki", "CRM-123",
						 "Tilaus 1234", "missä tilaukseni", "Roolimerkki", "Ruusunen" };
	char *db = xasprintf("%s/reg/catalog.db", dir), *wal = xasprintf("%s/reg/catalog.db-wal", dir);

	for (size_t i = 0; i < sizeof(secrets_) / sizeof(secrets_[0]); i++) {
		CHECK(!file_contains(db, secrets_[i]));
		CHECK(!file_contains(wal, secrets_[i]));
	}
	free(db);
	free(wal);
}

/* lchown to 65534 (t_walk). */
static int give_away(const char *path, const struct stat *st)
{
	(void)st;
	return lchown(path, 65534, 65534) < 0 ? -1 : 0;
}

/* 1, and a line on stderr, when path is not 65534's. */
static int not_given(const char *path, const struct stat *st)
{
	if (st->st_uid == 65534 && st->st_gid == 65534)
		return 0;
	fprintf(stderr, "  %s: owner %u:%u\n", path, (unsigned)st->st_uid, (unsigned)st->st_gid);
	return 1;
}

/* Last: it gives the shared register away, as `chown -R recfs:` does. */
TEST(test_what_root_ingests_into_a_register_of_another_owner_is_that_owners)
{
	struct ingest_result res;
	char *blobs = NULL, *m = NULL, *qdir = NULL;

	if (geteuid() != 0) {
		fprintf(stderr, "  (not root: cannot give a register away; skipped)\n");
		return;
	}
	CHECK_EQ(t_walk(reg->dir, give_away), 0);
	copy_fixture("tests/fixtures/stereo.opus", "o.opus");
	write_text("o-chat.txt", "hei\n");
	write_text("o.json", "{\"recorded_at\": \"2026-03-05T10:15:00Z\", \"source\": \"customer-service\","
			     " \"audio\": \"o.opus\", \"attachments\": [{\"file\": \"o-chat.txt\", \"kind\": \"chat\"}]}");
	CHECK_EQ(ingest("o.json", &res), 0);
	CHECK_EQ(res.n_artifacts, 2);
	m = xasprintf("%s/spool/p.json", dir);
	write_text("p.json", "{\"source\": \"customer-service\"}");
	CHECK_EQ(ingest_quarantine(reg, m, "no recorded_at", &qdir), 0);
	/* Every blob and its blobs/xx/ folder, the
	 * quarantine folder and its error.txt (the moved manifest stays its
	 * recorder's). */
	blobs = reg_path(reg, "blobs");
	CHECK_EQ(t_walk(blobs, not_given), 0);
	if (qdir) {
		struct stat st;
		char *err = xasprintf("%s/error.txt", qdir);

		CHECK_EQ(stat(qdir, &st), 0);
		CHECK_EQ(st.st_uid, 65534);
		CHECK_EQ(stat(err, &st), 0);
		CHECK_EQ(st.st_uid, 65534);
		free(err);
	}
	free(blobs);
	free(qdir);
	free(m);
}

/* A group: the bad manifest in the middle is refused with its reason, the
 * others land, each with its audit entry; the same bytes twice are one
 * recording and a duplicate; too large a group is refused untouched. */
TEST(test_ingest_group_refuses_the_bad_one_and_takes_the_others)
{
	static const char *const names[] = { "g1.json", "g2.json", "g3.json", "g4.json" };
	struct ingest_item it[4] = { 0 };
	char *paths[4];
	int recs = t_count(reg, "SELECT count(*) FROM recording");
	int audits = t_count(reg, "SELECT count(*) FROM audit WHERE action = 'ingest'");

	copy_fixture("tests/fixtures/mono.opus", "g1.opus");
	copy_fixture("tests/fixtures/mono.opus", "g3.opus");
	write_text("g1.json", "{\"recorded_at\": \"2026-03-03T10:00:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"group 1\", \"audio\": \"g1.opus\"}");
	write_text("g2.json", "{\"recorded_at\": \"2026-03-03T10:00:00Z\", \"source\": \"nowhere\","
			      " \"audio\": \"g1.opus\"}");
	write_text("g3.json", "{\"recorded_at\": \"2026-03-03T11:00:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"group 3\", \"audio\": \"g3.opus\"}");
	write_text("g4.json", "{\"recorded_at\": \"2026-03-03T10:00:00Z\", \"source\": \"customer-service\","
			      " \"title\": \"group 1\", \"audio\": \"g1.opus\"}");
	for (int i = 0; i < 4; i++) {
		paths[i] = xasprintf("%s/spool/%s", dir, names[i]);
		it[i].path = paths[i];
	}
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, 4), 0);
	CHECK_EQ(it[0].rc, 0);
	CHECK_EQ(it[0].res.duplicate, 0);
	CHECK_EQ(it[0].res.n_artifacts, 1);
	CHECK(it[0].why == NULL);
	CHECK_EQ(it[1].rc, -EINVAL);
	CHECK(it[1].why && strstr(it[1].why, "unknown source"));
	CHECK_EQ(ingest_is_input_error(it[1].rc), 1);
	CHECK_EQ(it[2].rc, 0);
	CHECK_EQ(it[2].res.duplicate, 0);
	CHECK_EQ(it[3].rc, 0);
	CHECK_EQ(it[3].res.duplicate, 1);
	CHECK(memcmp(it[3].res.recording, it[0].res.recording, RECFS_ID_HEX) == 0);
	CHECK(memcmp(it[2].res.recording, it[0].res.recording, RECFS_ID_HEX) != 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 2);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action = 'ingest'"), audits + 2);
	/* The duplicate's blob went with its undone rows. */
	CHECK_EQ(t_count_blobs(reg), t_count(reg, "SELECT count(*) FROM artifact"));
	ingest_items_clear(it, 4);
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, INGEST_GROUP_MAX + 1), -EINVAL);
	CHECK_EQ(ingest_manifests(reg, NULL, &actor, it, 4), -ENOKEY);
	CHECK_EQ(ingest_manifests(reg, keyring_index_key(secrets), &actor, it, 0), 0);
	for (int i = 0; i < 4; i++)
		free(paths[i]);
}

/* The fixture at fixture with the first byte of the value of its tag key
 * ("KEY=") set to c, each page's CRC set again, written to the spool as
 * name. */
static void copy_fixture_tag_byte(const char *fixture, const char *name, const char *key, uint8_t c)
{
	uint8_t *data = NULL, *at;
	size_t len = 0;
	char *to = xasprintf("%s/spool/%s", dir, name);

	CHECK_EQ(util_read_file(fixture, 1 << 20, &data, &len), 0);
	at = data ? memmem(data, len, key, strlen(key)) : NULL;
	CHECK(at != NULL);
	if (at) {
		at[strlen(key)] = c;
		fuzz_ogg_fix_crc(data, len);
		CHECK_EQ(util_write_file_atomic(to, data, len, 0600), 0);
	}
	free(data);
	free(to);
}

/*
 * The judge (libopusfile, in its child) and the stored form's walk run at
 * once: the judge's refusal is the one said, and the walk's when the judge
 * takes the file.  A comment that is not UTF-8 text is nothing to
 * libopusfile and a refusal to the walk; bytes that are no Ogg stream are
 * a refusal to both.  Nothing is left behind either way.
 */
TEST(test_ingest_says_the_judges_refusal_first_and_the_stored_forms_when_the_judge_takes_the_file)
{
	int blobs = t_count_blobs(reg), recs = t_count(reg, "SELECT count(*) FROM recording");
	struct ingest_result res;
	struct opus_info info;
	char *p;

	copy_fixture_tag_byte("tests/fixtures/mono.opus", "latin1.opus", "ENCODER_OPTIONS=", 0xe4);
	p = xasprintf("%s/spool/latin1.opus", dir);
	CHECK_EQ(opus_probe_file(p, &info), 0);
	free(p);
	write_text("latin1.json", "{\"recorded_at\": \"2026-03-03T10:00:00Z\", \"source\": \"customer-service\","
				  " \"audio\": \"latin1.opus\"}");
	meta_clear_error();
	CHECK_EQ(ingest("latin1.json", &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "audio: ") && strstr(meta_errmsg(), "UTF-8"));

	write_text("garbage.opus", "OggS but not really an opus file at all, just some bytes");
	write_text("garbage.json", "{\"recorded_at\": \"2026-03-03T10:00:00Z\", \"source\": \"customer-service\","
				   " \"audio\": \"garbage.opus\"}");
	p = xasprintf("%s/spool/garbage.opus", dir);
	meta_clear_error();
	CHECK_EQ(opus_probe_file(p, &info), -EINVAL);
	{
		char *judges = xstrdup(meta_errmsg());

		meta_clear_error();
		CHECK_EQ(ingest("garbage.json", &res), -EINVAL);
		CHECK(judges[0] && strstr(meta_errmsg(), judges));
		free(judges);
	}
	free(p);
	CHECK_EQ(t_count_blobs(reg), blobs);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
}

/*
 * A judge child that cannot be started (no descriptor for its socketpair,
 * as under a small ulimit -n or a descriptor flood) is the machine's
 * trouble, never the file's: a good recording probed then must not come
 * back as an input error, which recctl watch would quarantine.  Every
 * number of free descriptors from none up to the one at which the
 * manifest goes in is tried.
 */
TEST(test_a_judge_that_cannot_start_does_not_make_a_good_file_bad)
{
	struct rlimit old, low;
	struct ingest_result res;
	int fds[256], n = 0, rc = -1, k;

	copy_fixture("tests/fixtures/mono.opus", "nofd.opus");
	write_text("nofd.json", "{\"recorded_at\": \"2026-03-04T10:00:00Z\", \"source\": \"customer-service\","
				" \"title\": \"no descriptors\", \"audio\": \"nofd.opus\"}");
	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 200;
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	for (k = 0; k < 12 && rc != 0; k++) {
		/* No judge: the probe must start one. */
		opus_probe_judge_in_process(1);
		opus_probe_judge_in_process(0);
		CHECK_EQ(opus_probe_judge_pid(), 0);
		while (n < 256 && (fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
			n++;
		for (int i = 0; i < k && n > 0; i++)
			close(fds[--n]);
		meta_clear_error();
		rc = ingest("nofd.json", &res);
		while (n > 0)
			close(fds[--n]);
		if (rc && ingest_is_input_error(rc))
			fprintf(stderr, "  %d free descriptors: %s\n", k, meta_errmsg());
		CHECK(rc == 0 || !ingest_is_input_error(rc));
	}
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
	CHECK_EQ(rc, 0);
	CHECK_EQ(res.duplicate, 0);
}

/* A manifest whose text is fmt with value for its one %s. */
static void write_manifest_with(const char *name, const char *fmt, const char *value)
{
	char *text = xasprintf(fmt, value);

	write_text(name, text);
	free(text);
}

/* n bytes: c repeated (an "Ä" counts two). */
static char *repeat(const char *c, size_t n)
{
	size_t k = strlen(c);
	char *s = xcalloc(1, n + 1);

	for (size_t i = 0; i + k <= n; i += k)
		memcpy(s + i, c, k);
	return s;
}

/*
 * Every sealed detail a manifest gives has a limit, so that it reads on
 * the mount and a card field is no longer than rectification allows: a
 * title of more than INGEST_TITLE_MAX bytes, a subject's field or a staff
 * member's name or id of more than RIGHTS_CARD_VALUE_MAX is refused,
 * naming the field; at the limit each is taken.
 */
TEST(test_ingest_refuses_details_over_their_limits_and_takes_them_at_the_limit)
{
	/* A minute apart: one audio of one time and source is one recording. */
	static const char head[] = "{\"recorded_at\": \"2026-03-04T10:%02zu:00Z\", \"source\": \"customer-service\","
				   " \"audio\": \"l.opus\", ";
	static const struct {
		const char *fmt, *expect;
	} cases[] = {
		{ "\"title\": \"%s\"}", "title is longer than 1024 bytes" },
		{ "\"subjects\": [{\"phone\": \"+358401112299\"}, {\"name\": \"%s\"}]}",
		  "subject 2: name is longer than 256 bytes" },
		{ "\"subjects\": [{\"email\": \"%s\"}]}", "subject 1: email is longer than 256 bytes" },
		{ "\"subjects\": [{\"ref\": \"%s\"}]}", "subject 1: ref is longer than 256 bytes" },
		{ "\"staff\": [{\"name\": \"%s\"}]}", "staff 1: name is longer than 256 bytes" },
		{ "\"staff\": [\"Maija\", {\"name\": \"M\", \"id\": \"%s\"}]}", "staff 2: id is longer than 256 bytes" },
		{ "\"staff\": [\"%s\"]}", "staff 1: name is longer than 256 bytes" },
	};
	int recs = t_count(reg, "SELECT count(*) FROM recording");
	struct ingest_result res;

	copy_fixture("tests/fixtures/mono.opus", "l.opus");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t limit = i == 0 ? INGEST_TITLE_MAX : RIGHTS_CARD_VALUE_MAX;
		const char *c = i == 0 || i == 1 ? "\xc3\x84" : "n";	/* "Ä" */
		char *h = xasprintf(head, 15 + i), *fmt = xasprintf("%s%s", h, cases[i].fmt);
		/* an e-mail is one '@' with text on both sides (rights_check_card_value) */
		const char *pre = i == 2 ? "a@" : "";
		char *o = repeat(c, limit + strlen(c) - strlen(pre)), *a = repeat(c, limit - strlen(pre));
		char *over = xasprintf("%s%s", pre, o), *at = xasprintf("%s%s", pre, a);

		write_manifest_with("l.json", fmt, over);
		CHECK_EQ(ingest("l.json", &res), -EINVAL);
		if (!strstr(meta_errmsg(), cases[i].expect)) {
			fprintf(stderr, "  case %zu: message \"%s\" lacks \"%s\"\n", i, meta_errmsg(), cases[i].expect);
			CHECK(0);
		}
		write_manifest_with("l.json", fmt, at);
		if (ingest("l.json", &res) != 0) {
			fprintf(stderr, "  case %zu at the limit: %s\n", i, meta_errmsg());
			CHECK(0);
		}
		free(over);
		free(at);
		free(o);
		free(a);
		free(fmt);
		free(h);
	}
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + (int)(sizeof(cases) / sizeof(cases[0])));
}

/*
 * A manifest's text that recctl subject show and the mount's attributes
 * show as it is holds no control character (C0, tab and newline too, DEL,
 * C1), line separator or bidirectional override or isolate, as a card's
 * rectification: refused naming the field and the code point, never the
 * value; an invisible mark an Arabic or Hebrew name may need is taken.
 */
TEST(test_ingest_refuses_control_characters_in_its_text_naming_the_field)
{
	static const char head[] = "{\"recorded_at\": \"2026-03-05T10:15:00Z\", \"source\": \"customer-service\","
				   " \"audio\": \"cc.opus\", ";
	static const struct {
		const char *tail, *expect;
	} cases[] = {
		{ "\"title\": \"T\\u001b]0;pwned\\u0007 x\"}", "title holds control character U+001B" },
		{ "\"title\": \"a\\tb\"}", "title holds control character U+0009" },
		{ "\"title\": \"evil\\u202etxt.exe\"}", "title holds control character U+202E" },
		{ "\"subjects\": [{\"phone\": \"+358401112298\"}, {\"name\": \"Eve\\u001b[31m Esc\"}]}",
		  "subject 2: name holds control character U+001B" },
		{ "\"subjects\": [{\"organisation\": \"Org\\u009b1m\"}]}",
		  "subject 1: organisation holds control character U+009B" },
		{ "\"subjects\": [{\"ref\": \"CRM\\n123\"}]}", "subject 1: ref holds control character U+000A" },
		{ "\"subjects\": [{\"email\": \"a\\u2066@example.fi\"}]}",
		  "subject 1: email holds control character U+2066" },
		{ "\"subjects\": [{\"phone\": \"040\\u007f123\"}]}", "subject 1: phone holds control character U+007F" },
		{ "\"staff\": [\"S\\u001b[5mtaff\"]}", "staff 1: name holds control character U+001B" },
		{ "\"staff\": [\"Maija\", {\"name\": \"M\", \"id\": \"id\\u202a\"}]}",
		  "staff 2: id holds control character U+202A" },
		{ "\"staff\": [{\"name\": \"x\\u2028y\"}]}", "staff 1: name holds control character U+2028" },
	};
	int recs = t_count(reg, "SELECT count(*) FROM recording"), blobs = t_count_blobs(reg);
	struct ingest_result res;
	char *text;

	copy_fixture("tests/fixtures/mono.opus", "cc.opus");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text = xasprintf("%s%s", head, cases[i].tail);
		write_text("cc.json", text);
		free(text);
		CHECK_EQ(ingest("cc.json", &res), -EINVAL);
		if (!strstr(meta_errmsg(), cases[i].expect) || strstr(meta_errmsg(), "pwned") ||
		    strstr(meta_errmsg(), "Eve") || strchr(meta_errmsg(), '\033')) {
			fprintf(stderr, "  case %zu: message \"%s\" lacks \"%s\"\n", i, meta_errmsg(), cases[i].expect);
			CHECK(0);
		}
	}
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs);
	CHECK_EQ(t_count_blobs(reg), blobs);
	/* A right-to-left mark in a name, letters of any script: taken. */
	text = xasprintf("%s%s", head,
			 "\"title\": \"Tilaus \\u00c4\", \"staff\": [\"Maija\"], \"subjects\": [{\"role\": \"customer\","
			 " \"name\": \"\\u05d3\\u05df \\u200f\\u05db\\u05d4\\u05df\", \"phone\": \"+358401112297\"}]}");
	write_text("cc.json", text);
	free(text);
	if (ingest("cc.json", &res) != 0) {
		fprintf(stderr, "  a mark in a name: %s\n", meta_errmsg());
		CHECK(0);
	}
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM recording"), recs + 1);
}

int main(void)
{
	if (!(dir = t_mkdtemp("ingest")) || t_register(dir, &secrets, &reg))
		return 2;
	audit_self(&actor, NULL);
	RUN(test_ingest_stores_recording_with_artifacts_seals_and_subject);
	RUN(test_ingest_same_manifest_twice_is_a_no_op);
	RUN(test_ingest_same_manifest_rewritten_is_a_duplicate);
	RUN(test_ingest_the_same_audio_under_another_name_is_a_duplicate);
	RUN(test_ingest_audio_key_is_the_one_read_back_from_the_blob);
	RUN(test_ingest_group_refuses_the_bad_one_and_takes_the_others);
	RUN(test_ingest_matches_known_subject_by_normalised_phone);
	RUN(test_ingest_two_people_who_give_one_line_in_two_calls_are_two_subjects);
	RUN(test_ingest_two_people_of_one_initial_on_one_line_are_two_subjects);
	RUN(test_ingest_a_title_before_the_name_tells_no_one_apart);
	RUN(test_ingest_people_who_share_a_phone_stay_apart);
	RUN(test_ingest_finds_a_subject_indexed_by_the_rule_before_written_forms);
	RUN(test_ingest_references_written_two_ways_are_one_subject);
	RUN(test_ingest_the_rule_before_written_forms_merges_no_one);
	RUN(test_ingest_finds_a_national_number_indexed_before_its_trunk_rule);
	RUN(test_ingest_weighs_every_holder_of_a_shared_identifier);
	RUN(test_ingest_refuses_bad_manifests_and_leaves_nothing_behind);
	RUN(test_ingest_refuses_control_characters_in_its_text_naming_the_field);
	RUN(test_ingest_takes_a_manifest_with_a_byte_order_mark);
	RUN(test_ingest_refuses_a_manifest_of_ten_megabytes);
	RUN(test_ingest_refuses_fifos_and_links_without_waiting_or_reading);
	RUN(test_quarantine_moves_manifest_and_its_files_with_error_txt);
	RUN(test_quarantine_takes_no_audio_of_a_longer_stem_with_a_dot);
	RUN(test_quarantine_leaves_the_files_of_a_longer_stems_manifest);
	RUN(test_quarantine_names_its_folder_by_an_id_and_keeps_the_name_inside);
	RUN(test_quarantine_a_mended_manifest_stays_in_its_folder_and_goes_once_ingested);
	RUN(test_subject_roles_are_the_words_of_the_format);
	RUN(test_a_role_of_free_text_is_refused_and_stored_nowhere);
	RUN(test_a_basis_the_purpose_allows_is_taken);
	RUN(test_catalog_holds_no_personal_data_in_the_clear);
	RUN(test_what_root_ingests_into_a_register_of_another_owner_is_that_owners);
	RUN(test_ingest_says_the_judges_refusal_first_and_the_stored_forms_when_the_judge_takes_the_file);
	RUN(test_a_judge_that_cannot_start_does_not_make_a_good_file_bad);
	RUN(test_ingest_refuses_details_over_their_limits_and_takes_them_at_the_limit);
	RUN(test_ingest_finds_a_tel_uri_indexed_before_its_trunk_rule);
	RUN(test_ingest_an_italian_landline_is_not_the_mobile_without_its_0);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
