/* Unit tests of fs/content, what an open file of the mount reads from: an
 * artifact reads back the bytes that were ingested, the WAV view is a WAV
 * of the audio, README.txt reads its text, and an error reaches the reader
 * as the errno the mount promises: ENOENT for a missing blob, EIO for data
 * that fails its check or audio that does not decode (never EINVAL). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "opus.h"
#include "rights.h"
#include "seal.h"
#include "t.h"
#include "t_tree.h"
#include "t_reg.h"
#include "tree.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static struct tree *tree;
static char *rec;

/* The node of rec of this type and artifact role, or NULL. */
static const struct tnode *node_of(enum tnode_type type, const char *role)
{
	const struct tnode **all, *n = NULL;
	size_t i, len = t_tree_nodes(tree, &all);

	for (i = 0; i < len && !n; i++)
		if (all[i]->type == type && tnode_rec(all[i]) && !strcmp(tnode_rec(all[i])->row.id, rec) && all[i]->art &&
		    !strcmp(all[i]->art->role, role))
			n = all[i];
	free(all);
	return n;
}

/* The artifact's data key, unsealed with the secrets of its lowest level. */
static struct crypto_key *dek_of(const struct tnode *n)
{
	struct crypto_key *dek = NULL;
	size_t i;

	for (i = 0; i < reg->policy->n_levels; i++)
		if (n->art->mask & (1u << i))
			break;
	if (i == reg->policy->n_levels ||
	    seal_unseal(reg, secrets, reg->policy->levels[i].name, n->art->id, &dek))
		return NULL;
	return dek;
}

/* The whole content of c, tnode_size(n) bytes, read in odd-sized pieces. */
static char *read_all(struct content *c, size_t size)
{
	char *buf = xcalloc(1, size + 1);
	size_t off = 0;
	ssize_t n;

	while (off < size) {
		n = content_read(c, buf + off, size - off < 1000 ? size - off : 1000, off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != size) {
		free(buf);
		return NULL;
	}
	return buf;
}

TEST(test_content_reads_back_the_audio_that_was_ingested)
{
	const struct tnode *n = node_of(TN_FILE, "audio");
	struct crypto_key *dek = n ? dek_of(n) : NULL;
	struct content *c = NULL;
	uint8_t *want = NULL;
	char *got = NULL, end;
	size_t want_len = 0;

	CHECK(n && dek);
	if (!n || !dek)
		return;
	CHECK_EQ(util_read_file("tests/fixtures/mono.opus", 1 << 24, &want, &want_len), 0);
	CHECK_EQ(content_open_node(reg, n, dek, &c), 0);
	if (c) {
		CHECK_EQ(tnode_size(n), want_len);
		got = read_all(c, tnode_size(n));
		CHECK(got && want && !memcmp(got, want, want_len));
		CHECK_EQ(content_read(c, &end, 1, tnode_size(n)), 0);	/* at the end */
		content_close(c);
	}
	free(want);
	free(got);
	crypto_key_free(dek);
}

TEST(test_content_wav_view_is_a_wav_of_the_audio)
{
	const struct tnode *n = node_of(TN_WAV, "audio");
	struct crypto_key *dek = n ? dek_of(n) : NULL;
	struct content *c = NULL;
	char head[12];

	CHECK(n && dek);
	if (!n || !dek)
		return;
	CHECK_EQ(content_open_node(reg, n, dek, &c), 0);
	if (c) {
		CHECK_EQ(content_read(c, head, sizeof(head), 0), sizeof(head));
		CHECK(!memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WAVE", 4));
		/* The last byte of the view decodes. */
		CHECK_EQ(content_read(c, head, 1, tnode_size(n) - 1), 1);
		content_close(c);
	}
	crypto_key_free(dek);
}

TEST(test_content_readme_reads_its_text_and_nothing_past_it)
{
	static const char text[] = "hello, notice\n";
	struct content *c = NULL;
	char buf[64];

	CHECK_EQ(content_open_text(text, strlen(text), &c), 0);
	CHECK_EQ(content_read(c, buf, sizeof(buf), 0), strlen(text));
	CHECK(!memcmp(buf, text, strlen(text)));
	CHECK_EQ(content_read(c, buf, 4, 7), 4);
	CHECK(!memcmp(buf, "noti", 4));
	CHECK_EQ(content_read(c, buf, sizeof(buf), strlen(text) - 2), 2);
	CHECK_EQ(content_read(c, buf, sizeof(buf), strlen(text)), 0);
	CHECK_EQ(content_read(c, buf, sizeof(buf), 1000), 0);
	content_close(c);
}

TEST(test_content_of_a_folder_is_refused_with_eacces)
{
	struct content *c = NULL;
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);

	CHECK_EQ(content_open_node(reg, tree->root, dek, &c), -EACCES);
	CHECK(c == NULL);
	crypto_key_free(dek);
}

TEST(test_content_read_with_the_wrong_key_is_eio_and_gives_no_plaintext)
{
	const struct tnode *n = node_of(TN_FILE, "chat");
	struct crypto_key *wrong = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	struct content *c = NULL;
	char buf[16];

	CHECK(n != NULL);
	if (!n)
		goto out;
	CHECK_EQ(content_open_node(reg, n, wrong, &c), 0);	/* the header holds no key check */
	if (c) {
		memset(buf, 'x', sizeof(buf));
		CHECK_EQ(content_read(c, buf, sizeof(buf), 0), -EIO);
		CHECK(memcmp(buf, "hei", 3) != 0);
		content_close(c);
	}
out:
	crypto_key_free(wrong);
}

TEST(test_content_of_a_missing_blob_is_enoent)
{
	const struct tnode *n = node_of(TN_FILE, "chat");
	struct crypto_key *dek = n ? dek_of(n) : NULL;
	struct content *c = NULL;
	char *path = NULL, *aside = NULL;

	CHECK(n && dek);
	if (!n || !dek)
		goto out;
	path = reg_blob_path(reg, n->art->id);
	aside = xasprintf("%s.aside", path);
	CHECK_EQ(rename(path, aside), 0);
	CHECK_EQ(content_open_node(reg, n, dek, &c), -ENOENT);
	CHECK(c == NULL);
	CHECK_EQ(rename(aside, path), 0);
out:
	free(path);
	free(aside);
	crypto_key_free(dek);
}

/* The WAV view of audio the catalog gives an impossible channel count:
 * opus.c says EINVAL, which to a reader of a file means nothing; the mount
 * says EIO, the errno of a damaged file.  So does a WAV view over an
 * artifact that is no Ogg Opus at all. */
TEST(test_content_audio_that_does_not_decode_is_eio_not_einval)
{
	const struct tnode *chat = node_of(TN_FILE, "chat"), *wav = node_of(TN_WAV, "audio");
	struct crypto_key *dek = wav ? dek_of(wav) : NULL, *chat_dek = chat ? dek_of(chat) : NULL;
	struct content *c = NULL;
	struct tnode fake;
	struct trec rec0;
	struct tart art0;

	CHECK(chat && wav && dek && chat_dek);
	if (!chat || !wav || !dek || !chat_dek)
		goto out;
	/* A file's node ends where a folder's fields begin (tree.h): copy
	 * that much of it. */
	memset(&fake, 0, sizeof(fake));
	memcpy(&fake, wav, TNODE_FILE_SIZE);
	rec0 = *tnode_rec(wav);
	rec0.row.channels = 0;
	art0 = *wav->art;
	art0.rec = &rec0;
	fake.art = &art0;
	CHECK_EQ(content_open_node(reg, &fake, dek, &c), -EIO);
	CHECK(c == NULL);
	memcpy(&fake, wav, TNODE_FILE_SIZE);
	fake.art = chat->art;
	CHECK_EQ(content_open_node(reg, &fake, chat_dek, &c), -EIO);
	CHECK(c == NULL);
out:
	crypto_key_free(dek);
	crypto_key_free(chat_dek);
}

TEST(test_content_keeps_the_attributes_it_was_opened_with)
{
	struct content *c = NULL;
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_size = 4321;
	st.st_ino = 77;
	CHECK_EQ(content_open_text("x", 1, &c), 0);
	content_set_stat(c, &st);
	st.st_size = 0;
	CHECK_EQ(content_stat(c)->st_size, 4321);
	CHECK_EQ(content_stat(c)->st_ino, 77);
	content_close(c);
}

/* The DEK of n for policy level `level`, unsealed with that level's secret. */
static struct crypto_key *dek_for(const struct tnode *n, int level)
{
	struct crypto_key *dek = NULL;

	if (seal_unseal(reg, secrets, reg->policy->levels[level].name, n->art->id, &dek))
		return NULL;
	return dek;
}

/* The node of tree t with n's ino. */
static const struct tnode *same_node(const struct tree *t, const struct tnode *n)
{
	return tree_find(t, n->ino);
}

static size_t n_revoked_told;

static void count_revoked(void *ctx, uint64_t nodeid)
{
	(void)nodeid;
	*(size_t *)ctx += 1;
	n_revoked_told++;
}

/*
 * A restriction takes the file from every level below the rights level:
 * the training level's open handle of the audio and of the WAV view read
 * EKEYREVOKED once a snapshot without the seal is given to the set (the
 * caller of content_set_revoke is told of each, once), while the rights
 * level's own handle reads on.  An open decided on the older snapshot is
 * revoked as it is tracked.  Runs last: the recording stays restricted.
 */
TEST(test_content_restriction_revokes_the_handles_of_the_levels_it_takes_the_file_from)
{
	const struct tnode *audio = node_of(TN_FILE, "audio"), *wav = node_of(TN_WAV, "audio");
	int low = 0, rights = reg->policy->rights_level;
	struct crypto_key *dek_low = NULL, *dek_rights = NULL;
	struct content *lo = NULL, *lo_wav = NULL, *hi = NULL, *late = NULL;
	struct content_set *set = NULL;
	struct tree *t2 = NULL;
	const char *r = NULL, *label = NULL;
	size_t told = 0;
	char buf[64];

	CHECK(audio && wav);
	if (!audio || !wav)
		return;
	CHECK(tree_visible(audio, low));
	dek_low = dek_for(audio, low);
	dek_rights = dek_for(audio, rights);
	CHECK(dek_low && dek_rights);
	if (!dek_low || !dek_rights)
		goto out;
	CHECK_EQ(content_set_new(&set), 0);
	CHECK_EQ(content_open_node(reg, audio, dek_low, &lo), 0);
	CHECK_EQ(content_open_node(reg, wav, dek_low, &lo_wav), 0);
	CHECK_EQ(content_open_node(reg, audio, dek_rights, &hi), 0);
	if (!set || !lo || !lo_wav || !hi)
		goto out;
	content_track(set, lo, tree, audio, low, tree_view_nodeid(audio->ino, tree_view(low)), "audio");
	content_track(set, lo_wav, tree, wav, low, tree_view_nodeid(wav->ino, tree_view(low)), "wav");
	content_track(set, hi, tree, audio, rights, tree_view_nodeid(audio->ino, tree_view(rights)), "audio");
	CHECK_EQ(content_set_revoke(set, tree, count_revoked, &told), 0);	/* nothing changed */
	CHECK_EQ(content_read(lo, buf, 8, 0), 8);
	CHECK_EQ(content_revoked_news(lo, &r, &label), 0);

	CHECK_EQ(rights_restrict(reg, &actor, rights, rec, "test"), 0);
	CHECK_EQ(tree_build(reg->cat, reg->policy, NULL, &t2), 0);
	if (!t2)
		goto out;
	CHECK(!tree_visible(same_node(t2, audio), low));
	CHECK_EQ(content_set_revoke(set, t2, count_revoked, &told), 2);
	CHECK_EQ(told, 2);
	CHECK_EQ(content_revoked(lo), 1);
	CHECK_EQ(content_revoked(lo_wav), 1);
	CHECK_EQ(content_revoked(hi), 0);
	CHECK_EQ(content_read(lo, buf, 8, 0), -EKEYREVOKED);
	CHECK_EQ(content_read(lo_wav, buf, 8, 0), -EKEYREVOKED);
	CHECK_EQ(content_read(hi, buf, 8, 0), 8);
	CHECK_EQ(content_revoked_news(lo, &r, &label), 1);
	CHECK(r && !strcmp(r, rec) && label && !strcmp(label, "audio"));
	CHECK_EQ(content_revoked_news(lo, &r, &label), 0);	/* once per handle */
	CHECK_EQ(content_set_revoke(set, t2, count_revoked, &told), 0);	/* not again */

	/* Opened on the old snapshot, tracked after the revocation. */
	CHECK_EQ(content_open_node(reg, audio, dek_low, &late), 0);
	if (late) {
		content_track(set, late, tree, audio, low, tree_view_nodeid(audio->ino, tree_view(low)), "audio");
		CHECK_EQ(content_revoked(late), 1);
		CHECK_EQ(content_read(late, buf, 8, 0), -EKEYREVOKED);
	}
	content_close(lo);
	lo = NULL;
out:
	content_close(lo);
	content_set_free(set);	/* closes the handles still in it */
	tree_unref(t2);
	crypto_key_free(dek_low);
	crypto_key_free(dek_rights);
}

/* An erasure revokes every handle, the rights level's too. */
TEST(test_content_erasure_revokes_every_handle)
{
	char *other = t_ingest_one(dir, reg, secrets, &actor, "erased", "2026-03-05T10:00:00Z", "");
	struct content_set *set = NULL;
	struct content *hi = NULL;
	struct crypto_key *dek = NULL;
	struct tree *t1 = NULL, *t2 = NULL;
	const struct tnode *n = NULL;
	int rights = reg->policy->rights_level;
	size_t told = 0, i;

	CHECK(other != NULL);
	CHECK_EQ(tree_build(reg->cat, reg->policy, NULL, &t1), 0);
	if (!other || !t1)
		goto out;
	{
		const struct tnode **all;
		size_t len = t_tree_nodes(t1, &all);

		for (i = 0; i < len && !n; i++)
			if (all[i]->type == TN_FILE && tnode_rec(all[i]) && !strcmp(tnode_rec(all[i])->row.id, other) &&
			    all[i]->art && !strcmp(all[i]->art->role, "chat"))
				n = all[i];
		free(all);
	}
	CHECK(n != NULL);
	if (!n || !(dek = dek_for(n, rights)))
		goto out;
	CHECK_EQ(content_set_new(&set), 0);
	CHECK_EQ(content_open_node(reg, n, dek, &hi), 0);
	if (!set || !hi)
		goto out;
	content_track(set, hi, t1, n, rights, tree_view_nodeid(n->ino, tree_view(rights)), "chat");
	hi = NULL;	/* the set's now */
	CHECK_EQ(rights_erase_recording(reg, &actor, rights, other, "test"), 0);
	CHECK_EQ(tree_build(reg->cat, reg->policy, NULL, &t2), 0);
	if (t2)
		CHECK_EQ(content_set_revoke(set, t2, count_revoked, &told), 1);
out:
	content_close(hi);
	content_set_free(set);
	tree_unref(t1);
	tree_unref(t2);
	crypto_key_free(dek);
	free(other);
}

int main(void)
{
	if (!(dir = t_mkdtemp("content")) || t_register(dir, &secrets, &reg))
		return 1;
	audit_self(&actor, "privacy");
	rec = t_ingest_one(dir, reg, secrets, &actor, "content", "2026-03-04T10:00:00Z", "");
	if (!rec || tree_build(reg->cat, reg->policy, NULL, &tree)) {
		fprintf(stderr, "cannot set up: %s\n", meta_errmsg());
		util_remove_tree(dir);
		free(dir);
		return 2;
	}
	RUN(test_content_reads_back_the_audio_that_was_ingested);
	RUN(test_content_wav_view_is_a_wav_of_the_audio);
	RUN(test_content_readme_reads_its_text_and_nothing_past_it);
	RUN(test_content_of_a_folder_is_refused_with_eacces);
	RUN(test_content_read_with_the_wrong_key_is_eio_and_gives_no_plaintext);
	RUN(test_content_of_a_missing_blob_is_enoent);
	RUN(test_content_audio_that_does_not_decode_is_eio_not_einval);
	RUN(test_content_keeps_the_attributes_it_was_opened_with);
	RUN(test_content_erasure_revokes_every_handle);
	RUN(test_content_restriction_revokes_the_handles_of_the_levels_it_takes_the_file_from);
	tree_unref(tree);
	free(rec);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	free(dir);
	T_DONE();
}
