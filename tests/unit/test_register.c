/* Unit tests of meta/register: reg_create lays out an owner-only register
 * and hands back a secret key for every level of its policy; reg_open
 * finds the policy and the public keys again, also after a close; a
 * directory that is not a register, or is broken, is refused with the
 * errno its header names and a message that says why; the paths it
 * computes; and what is sealed through one handle opens through the next
 * with the keys reg_create gave. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "register.h"
#include "seal.h"
#include "t.h"
#include "t_reg.h"
#include "util.h"

#define POLICY "packaging/examples/tamro.conf"

static char *dir;
static int seq;

/* A fresh path below dir for a register (malloc'd). */
static char *fresh(const char *name)
{
	return xasprintf("%s/%s-%d", dir, name, ++seq);
}

/* A register made at a fresh path; its path (malloc'd) and secrets. */
static char *made(const char *name, struct keyring **secrets)
{
	char *p = fresh(name);

	CHECK_EQ(reg_create(p, POLICY, secrets), 0);
	return p;
}

static int mode_of(const char *base, const char *name)
{
	char *p = xasprintf("%s/%s", base, name);
	struct stat st;
	int m = stat(p, &st) < 0 ? -1 : (int)(st.st_mode & 07777);

	free(p);
	return m;
}

/* 1, and a line on stderr, when group or others may use path. */
static int loose(const char *path, const struct stat *st)
{
	if (!(st->st_mode & 077))
		return 0;
	fprintf(stderr, "  %s: mode %o\n", path, (unsigned)(st->st_mode & 07777));
	return 1;
}

static int same_bytes(const char *a, const char *b)
{
	uint8_t *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	int same = util_read_file(a, 1 << 20, &x, &nx) == 0 && util_read_file(b, 1 << 20, &y, &ny) == 0 &&
		   nx == ny && !memcmp(x, y, nx);

	free(x);
	free(y);
	return same;
}

TEST(test_create_lays_out_an_owner_only_register_with_a_copy_of_the_policy)
{
	static const char *const dirs[] = { "", "blobs", "keys", "spool", "quarantine" };
	static const char *const files[] = {
		"policy.conf", "catalog.db", "keys/training.pub", "keys/analysis.pub", "keys/privacy.pub",
	};
	struct keyring *secrets = NULL;
	mode_t old = umask(022);	/* a umask that lets others read: the register must not */
	char *p = made("layout", &secrets), *conf = xasprintf("%s/policy.conf", p);

	umask(old);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		CHECK_EQ(mode_of(p, dirs[i]), 0700);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		CHECK(mode_of(p, files[i]) >= 0);
	CHECK_EQ(t_walk(p, loose), 0);
	CHECK(same_bytes(conf, POLICY));
	keyring_free(secrets);
	free(conf);
	free(p);
}

static uid_t want_uid;

/* 1, and a line on stderr, when path is not want_uid's (uid and gid). */
static int foreign(const char *path, const struct stat *st)
{
	if (st->st_uid == want_uid && st->st_gid == want_uid)
		return 0;
	fprintf(stderr, "  %s: owner %u:%u\n", path, (unsigned)st->st_uid, (unsigned)st->st_gid);
	return 1;
}

TEST(test_create_owned_gives_the_owner_all_of_the_register_and_sqlite_follows)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = fresh("owned"), *wal = NULL;

	if (geteuid() != 0) {
		fprintf(stderr, "  (not root: cannot give a register away; skipped)\n");
		free(p);
		return;
	}
	want_uid = 65534;
	CHECK_EQ(reg_create_owned(p, POLICY, want_uid, want_uid, &secrets), 0);
	CHECK_EQ(t_walk(p, foreign), 0);
	CHECK_EQ(t_walk(p, loose), 0);
	/* Root writes through a new connection: the -wal and -shm that sqlite
	 * makes are the owner's too. */
	CHECK_EQ(reg_open(p, &r), 0);
	if (r) {
		CHECK_EQ(catalog_set_meta(r->cat, "probe", "1"), 0);
		wal = xasprintf("%s/catalog.db-wal", p);
		CHECK_EQ(access(wal, F_OK), 0);
		CHECK_EQ(t_walk(p, foreign), 0);
	}
	reg_close(r);
	keyring_free(secrets);
	free(wal);
	free(p);
}

TEST(test_create_hands_back_a_key_for_every_level_and_the_index_key)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("keys", &secrets);
	uint8_t pk[CRYPTO_PK_BYTES];

	CHECK_EQ(reg_open(p, &r), 0);
	if (!r || !secrets)
		goto out;
	CHECK_EQ(keyring_level_count(secrets), r->policy->n_levels);
	CHECK(keyring_index_key(secrets) != NULL);
	/* each secret key belongs to the public key the register keeps */
	for (size_t i = 0; i < r->policy->n_levels; i++) {
		CHECK(keyring_level(secrets, r->policy->levels[i].name, pk) != NULL);
		CHECK(!memcmp(pk, r->pk[i], CRYPTO_PK_BYTES));
	}
	/* and no two levels share a key */
	CHECK(memcmp(r->pk[0], r->pk[1], CRYPTO_PK_BYTES) && memcmp(r->pk[1], r->pk[2], CRYPTO_PK_BYTES));
out:
	reg_close(r);
	keyring_free(secrets);
	free(p);
}

TEST(test_create_in_an_empty_directory_that_exists)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = fresh("empty");

	CHECK_EQ(mkdir(p, 0755), 0);
	CHECK_EQ(reg_create(p, POLICY, &secrets), 0);
	CHECK_EQ(mode_of(p, ""), 0700);
	CHECK_EQ(reg_open(p, &r), 0);
	reg_close(r);
	keyring_free(secrets);
	free(p);
}

TEST(test_create_refuses_a_directory_that_is_not_empty_and_leaves_it_alone)
{
	struct keyring *secrets = NULL, *again = NULL;
	char *p = made("twice", &secrets), *other = fresh("other"), *f = xasprintf("%s/notes.txt", other);
	char *db = xasprintf("%s/catalog.db", other);

	/* a second create over a register */
	CHECK_EQ(reg_create(p, POLICY, &again), -EEXIST);
	CHECK(again == NULL);
	CHECK(strstr(meta_errmsg(), "is not empty") != NULL);
	/* a directory with someone's file in it */
	CHECK_EQ(util_mkdir_p(other, 0755), 0);
	CHECK_EQ(util_write_file_atomic(f, "mine\n", 5, 0644), 0);
	CHECK_EQ(reg_create(other, POLICY, &again), -EEXIST);
	CHECK(again == NULL);
	CHECK_EQ(mode_of(other, ""), 0755);
	CHECK_EQ(mode_of(other, "notes.txt"), 0644);
	CHECK(access(db, F_OK) < 0);
	keyring_free(secrets);
	free(p);
	free(other);
	free(f);
	free(db);
}

TEST(test_create_refuses_a_path_that_is_a_file)
{
	struct keyring *secrets = NULL;
	char *f = fresh("file");

	CHECK_EQ(util_write_file_atomic(f, "x", 1, 0600), 0);
	CHECK_EQ(reg_create(f, POLICY, &secrets), -ENOTDIR);
	CHECK(secrets == NULL);
	CHECK(strstr(meta_errmsg(), f) != NULL);
	free(f);
}

TEST(test_create_with_a_bad_policy_says_where_and_makes_nothing)
{
	struct keyring *secrets = NULL;
	char *p = fresh("badpolicy"), *conf = fresh("bad.conf"), *missing = fresh("absent.conf");
	char *where = xasprintf("%s:1: ", conf);

	CHECK_EQ(util_write_file_atomic(conf, "[register]\nname = R\n", 20, 0600), 0);
	CHECK_EQ(reg_create(p, conf, &secrets), -EINVAL);
	CHECK(secrets == NULL);
	CHECK(strstr(meta_errmsg(), where) != NULL);
	CHECK(access(p, F_OK) < 0);
	CHECK_EQ(reg_create(p, missing, &secrets), -ENOENT);
	CHECK(secrets == NULL);
	CHECK(access(p, F_OK) < 0);
	free(p);
	free(conf);
	free(missing);
	free(where);
}

TEST(test_open_finds_the_policy_and_the_public_keys)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("open", &secrets);

	CHECK_EQ(reg_open(p, &r), 0);
	if (r) {
		CHECK_STR(r->dir, p);
		CHECK(r->cat != NULL);
		CHECK_EQ(r->policy->n_levels, 3);
		CHECK_STR(r->policy->levels[0].name, "training");
		CHECK_EQ(policy_level_index(r->policy, "privacy"), 2);
	}
	reg_close(r);
	keyring_free(secrets);
	free(p);
}

TEST(test_reopen_gives_the_same_register)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("reopen", &secrets), *id1 = NULL, *id2 = NULL, *at = NULL;
	uint8_t pk[3][CRYPTO_PK_BYTES];

	CHECK_EQ(reg_open(p, &r), 0);
	if (!r)
		goto out;
	CHECK_EQ(catalog_get_meta(r->cat, "register_id", &id1), 0);
	CHECK_EQ(catalog_get_meta(r->cat, "created_at", &at), 0);
	CHECK(id1 && util_is_id(id1));
	CHECK_EQ(r->policy->n_levels, 3);
	if (r->policy->n_levels != 3)
		goto out;
	memcpy(pk, r->pk, sizeof(pk));
	reg_close(r);
	r = NULL;
	CHECK_EQ(reg_open(p, &r), 0);
	if (!r)
		goto out;
	CHECK_EQ(catalog_get_meta(r->cat, "register_id", &id2), 0);
	CHECK_STR(id2, id1);
	CHECK(!memcmp(pk, r->pk, sizeof(pk)));
out:
	reg_close(r);
	keyring_free(secrets);
	free(id1);
	free(id2);
	free(at);
	free(p);
}

TEST(test_two_registers_have_their_own_ids_and_keys)
{
	struct keyring *s1 = NULL, *s2 = NULL;
	struct reg *a = NULL, *b = NULL;
	char *p1 = made("one", &s1), *p2 = made("two", &s2), *id1 = NULL, *id2 = NULL;

	CHECK_EQ(reg_open(p1, &a), 0);
	CHECK_EQ(reg_open(p2, &b), 0);
	if (a && b) {
		CHECK_EQ(catalog_get_meta(a->cat, "register_id", &id1), 0);
		CHECK_EQ(catalog_get_meta(b->cat, "register_id", &id2), 0);
		CHECK(id1 && id2 && strcmp(id1, id2));
		CHECK(memcmp(a->pk[0], b->pk[0], CRYPTO_PK_BYTES));
	}
	reg_close(a);
	reg_close(b);
	keyring_free(s1);
	keyring_free(s2);
	free(id1);
	free(id2);
	free(p1);
	free(p2);
}

TEST(test_open_of_what_is_not_a_register_is_enoent_and_says_so)
{
	static struct reg untouched;
	struct reg *r = NULL, *const sentinel = &untouched;
	char *empty = fresh("notreg"), *absent = fresh("absent");

	CHECK_EQ(util_mkdir_p(empty, 0700), 0);
	r = sentinel;
	CHECK_EQ(reg_open(empty, &r), -ENOENT);
	CHECK(r == sentinel);	/* untouched on failure */
	CHECK(strstr(meta_errmsg(), "is not a recfs register") != NULL);
	CHECK(strstr(meta_errmsg(), empty) != NULL);
	CHECK_EQ(reg_open(absent, &r), -ENOENT);
	CHECK(r == sentinel);
	free(empty);
	free(absent);
}

TEST(test_open_with_a_broken_policy_is_einval_and_names_the_line)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("brokenpolicy", &secrets), *conf = xasprintf("%s/policy.conf", p);
	char *what = xasprintf("%s:1: 'stray' outside any section", conf), *text = NULL;
	uint8_t *good = NULL;
	size_t len = 0;

	/* the shipped policy with one bad line before it */
	CHECK_EQ(util_read_file(POLICY, 1 << 20, &good, &len), 0);
	text = xasprintf("stray = 1\n%.*s", (int)len, (const char *)good);
	CHECK_EQ(util_write_file_atomic(conf, text, strlen(text), 0600), 0);
	CHECK_EQ(reg_open(p, &r), -EINVAL);
	CHECK(r == NULL);
	if (!strstr(meta_errmsg(), what))
		fprintf(stderr, "  no \"%s\" in: %s\n", what, meta_errmsg());
	CHECK(strstr(meta_errmsg(), what) != NULL);
	keyring_free(secrets);
	free(good);
	free(text);
	free(what);
	free(conf);
	free(p);
}

TEST(test_open_without_a_levels_public_key_names_the_level)
{
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("nokey", &secrets), *pub = xasprintf("%s/keys/analysis.pub", p);

	CHECK_EQ(unlink(pub), 0);
	CHECK_EQ(reg_open(p, &r), -ENOENT);
	CHECK(r == NULL);
	CHECK(strstr(meta_errmsg(), "no public key for level analysis") != NULL);
	/* a damaged one is not taken for a key either */
	CHECK_EQ(util_write_file_atomic(pub, "not hex\n", 8, 0600), 0);
	CHECK_EQ(reg_open(p, &r), -EIO);
	CHECK(r == NULL);
	keyring_free(secrets);
	free(pub);
	free(p);
}

TEST(test_paths_are_below_the_register_and_blobs_are_fanned_out_by_two_hex_digits)
{
	struct reg r = { .dir = (char *)"/srv/reg" };
	char *a = reg_path(&r, "catalog.db"), *b = reg_blob_path(&r, "0123456789abcdef0123456789abcdef");

	CHECK_STR(a, "/srv/reg/catalog.db");
	CHECK_STR(b, "/srv/reg/blobs/01/0123456789abcdef0123456789abcdef");
	free(a);
	free(b);
}

/* An opened register's blobs open relative to its kept blob folder: two
 * path components, and the same file even once the register is moved. */
TEST(test_blobs_open_through_the_kept_blob_folder_of_an_open_register)
{
	static const char id[] = "ab23456789abcdef0123456789abcdef";
	struct keyring *secrets = NULL;
	struct reg *r = NULL, hand = { .dir = (char *)"/srv/reg" };
	char *p = made("blobat", &secrets), *moved = xasprintf("%s.moved", p), *full = NULL, *sub = NULL, *rel = NULL;
	char buf[8] = { 0 };
	int dirfd = -2, fd;

	rel = reg_blob_at(&hand, id, &dirfd);
	CHECK_EQ(dirfd, AT_FDCWD);
	CHECK_STR(rel, "/srv/reg/blobs/ab/ab23456789abcdef0123456789abcdef");
	free(rel);
	rel = NULL;
	CHECK_EQ(reg_open(p, &r), 0);
	if (!r)
		goto out;
	full = reg_blob_path(r, id);
	sub = xasprintf("%s/blobs/ab", p);
	(void)mkdir(sub, 0700);
	CHECK_EQ(util_write_file_atomic(full, "content", 7, 0400), 0);
	CHECK_EQ(rename(p, moved), 0);
	rel = reg_blob_at(r, id, &dirfd);
	CHECK(dirfd >= 0);
	CHECK_STR(rel, "ab/ab23456789abcdef0123456789abcdef");
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_EQ(read(fd, buf, sizeof(buf) - 1), 7);
		CHECK_STR(buf, "content");
		close(fd);
	}
	CHECK_EQ(rename(moved, p), 0);
out:
	reg_close(r);
	keyring_free(secrets);
	free(rel);
	free(sub);
	free(full);
	free(moved);
	free(p);
}

TEST(test_a_record_sealed_through_one_handle_opens_through_the_next_with_the_created_keys)
{
	static const char text[] = "{\"title\": \"reopened\"}";
	struct keyring *secrets = NULL;
	struct reg *r = NULL;
	char *p = made("record", &secrets), *json = NULL;
	char id[RECFS_ID_HEX];
	size_t len = 0;
	int analysis;

	CHECK_EQ(reg_open(p, &r), 0);
	if (!r)
		goto out;
	analysis = policy_level_index(r->policy, "analysis");
	crypto_new_id(id);
	CHECK_EQ(catalog_begin(r->cat), 0);
	CHECK_EQ(seal_write_record(r, id, text, strlen(text), analysis), 0);
	CHECK_EQ(catalog_commit(r->cat), 0);
	reg_close(r);
	r = NULL;
	CHECK_EQ(reg_open(p, &r), 0);
	if (!r)
		goto out;
	CHECK_EQ(seal_read_record(r, secrets, "analysis", id, &json, &len), 0);
	CHECK_EQ(len, strlen(text));
	CHECK_STR(json, text);
	free(json);
	json = NULL;
	CHECK_EQ(seal_read_record(r, secrets, "privacy", id, &json, &len), 0);
	CHECK_STR(json, text);
	free(json);
	json = NULL;
	CHECK_EQ(seal_read_record(r, secrets, "training", id, &json, &len), -EACCES);
	CHECK(json == NULL);
out:
	free(json);
	reg_close(r);
	keyring_free(secrets);
	free(p);
}

TEST(test_the_keys_of_one_register_do_not_open_another)
{
	static const char text[] = "{\"title\": \"elsewhere\"}";
	struct keyring *s1 = NULL, *s2 = NULL;
	struct reg *r = NULL;
	char *p1 = made("mine", &s1), *p2 = made("theirs", &s2), *json = NULL;
	char id[RECFS_ID_HEX];
	size_t len = 0;

	CHECK_EQ(reg_open(p1, &r), 0);
	if (!r)
		goto out;
	crypto_new_id(id);
	CHECK_EQ(catalog_begin(r->cat), 0);
	CHECK_EQ(seal_write_record(r, id, text, strlen(text), 0), 0);
	CHECK_EQ(catalog_commit(r->cat), 0);
	CHECK_EQ(seal_read_record(r, s2, "privacy", id, &json, &len), -EIO);
	CHECK(json == NULL);
out:
	free(json);
	reg_close(r);
	keyring_free(s1);
	keyring_free(s2);
	free(p1);
	free(p2);
}

static void close_null(void)
{
	reg_close(NULL);
}

/* Write text to path as a new file (a new inode: its stat is another). */
static void rewrite(const char *path, const char *text)
{
	CHECK_EQ(util_write_file_atomic(path, text, strlen(text), 0600), 0);
}

/* policy.conf against what a register read: the same text written again
 * or touched is no change; another text is one, each time it is asked,
 * until the register's own text is back; the poller's reg_policy_newer
 * hands another text over once, and one that does not load is an error
 * each time, its stat not taken as seen. */
TEST(test_policy_changed_and_newer_tell_another_text_from_the_same_written_again)
{
	struct keyring *secrets = NULL;
	char *p = made("policy-look", &secrets), *conf = xasprintf("%s/policy.conf", p), *other;
	uint8_t *own = NULL;
	size_t len = 0;
	struct reg *r = NULL;
	struct policy *newer = NULL;
	struct stat seen;
	uint8_t last[CRYPTO_HASH_BYTES];

	keyring_free(secrets);
	CHECK_EQ(util_read_file(conf, 1 << 20, &own, &len), 0);
	other = xasprintf("%.*s\n# another text\n", (int)len, (const char *)own);
	CHECK_EQ(reg_open(p, &r), 0);
	if (!r || !own)
		goto out;
	reg_policy_stat(r, &seen, last);
	CHECK_EQ(reg_policy_changed(r), 0);
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 0);
	/* the same text, written again */
	rewrite(conf, (const char *)own);
	CHECK_EQ(reg_policy_changed(r), 0);
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 0);
	CHECK(newer == NULL);
	/* another text: changed, every time; handed over once, also when it
	 * is written again */
	rewrite(conf, other);
	CHECK_EQ(reg_policy_changed(r), 1);
	CHECK_EQ(reg_policy_changed(r), 1);
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 1);
	CHECK(newer != NULL);
	policy_free(newer);
	newer = NULL;
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 0);
	rewrite(conf, other);
	CHECK_EQ(reg_policy_changed(r), 1);
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 0);
	CHECK(newer == NULL);
	/* a text that does not load: an error, and again */
	rewrite(conf, "[levels\n");
	CHECK_EQ(reg_policy_changed(r), 1);
	CHECK(reg_policy_newer(r, &seen, last, &newer) < 0);
	CHECK(reg_policy_newer(r, &seen, last, &newer) < 0);
	CHECK(newer == NULL);
	/* the register's own text back: no change */
	rewrite(conf, (const char *)own);
	CHECK_EQ(reg_policy_changed(r), 0);
	CHECK_EQ(reg_policy_newer(r, &seen, last, &newer), 1);
	CHECK(newer == NULL);
out:
	reg_close(r);
	free(own);
	free(other);
	free(conf);
	free(p);
}

TEST(test_close_accepts_null)
{
	CHECK(t_in_child(close_null));
}

int main(void)
{
	if (!(dir = t_mkdtemp("register")) || crypto_setup())
		return 2;
	RUN(test_create_lays_out_an_owner_only_register_with_a_copy_of_the_policy);
	RUN(test_create_owned_gives_the_owner_all_of_the_register_and_sqlite_follows);
	RUN(test_create_hands_back_a_key_for_every_level_and_the_index_key);
	RUN(test_create_in_an_empty_directory_that_exists);
	RUN(test_create_refuses_a_directory_that_is_not_empty_and_leaves_it_alone);
	RUN(test_create_refuses_a_path_that_is_a_file);
	RUN(test_create_with_a_bad_policy_says_where_and_makes_nothing);
	RUN(test_open_finds_the_policy_and_the_public_keys);
	RUN(test_reopen_gives_the_same_register);
	RUN(test_two_registers_have_their_own_ids_and_keys);
	RUN(test_open_of_what_is_not_a_register_is_enoent_and_says_so);
	RUN(test_open_with_a_broken_policy_is_einval_and_names_the_line);
	RUN(test_open_without_a_levels_public_key_names_the_level);
	RUN(test_paths_are_below_the_register_and_blobs_are_fanned_out_by_two_hex_digits);
	RUN(test_blobs_open_through_the_kept_blob_folder_of_an_open_register);
	RUN(test_a_record_sealed_through_one_handle_opens_through_the_next_with_the_created_keys);
	RUN(test_the_keys_of_one_register_do_not_open_another);
	RUN(test_policy_changed_and_newer_tell_another_text_from_the_same_written_again);
	RUN(test_close_accepts_null);
	util_remove_tree(dir);
	free(dir);
	T_DONE();
}
