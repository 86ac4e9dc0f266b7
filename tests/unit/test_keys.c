/*
 * test_keys.c - keyrings (raw and passphrase-sealed), plus the frozen
 * fixtures tests/fixtures/keyring-v1-*.
 *
 *   build/tests/test_keys                  run the tests
 *   build/tests/test_keys --write-fixtures regenerate the fixtures (then
 *                                          commit them; they are frozen)
 *
 * Linked with the test build's libmeta (see the Makefile), where every
 * Argon2id cost is libsodium's minimum: cheap, and stored like any other.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

#include "keys.h"

static char *tmpdir;
static int path_seq;

static char *new_path(void)
{
	return xasprintf("%s/k%d", tmpdir, path_seq++);
}

static const char *fixtures_dir(void)
{
	const char *e = getenv("RECFS_FIXTURES");

	return e && *e ? e : "tests/fixtures";
}

static struct crypto_key *fixed_key(size_t len, uint8_t start)
{
	struct crypto_key *k = crypto_key_new(len, 0);

	for (size_t i = 0; i < len; i++)
		k->bytes[i] = (uint8_t)(start + 3 * i);
	return k;
}

/* A passphrase as passphrase_get returns it: NUL-terminated. */
static struct crypto_key *pass_of(const char *s)
{
	struct crypto_key *k = crypto_key_new(strlen(s) + 1, 0);

	memcpy(k->bytes, s, strlen(s) + 1);
	k->len = strlen(s);
	return k;
}

static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	CHECK_EQ(util_write_file_atomic(path, buf, len, mode), 0);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;

	if (util_read_file(path, 1 << 20, &buf, len))
		return NULL;
	return buf;
}

/* The keys of the fixtures: two levels and the blind-index key. */
static struct keyring *fixture_keyring(void)
{
	struct crypto_key *t = fixed_key(CRYPTO_SK_BYTES, 0x10), *a = fixed_key(CRYPTO_SK_BYTES, 0x40);
	struct crypto_key *ix = fixed_key(CRYPTO_INDEX_KEY_BYTES, 0x70);
	struct keyring *kr = NULL;

	CHECK_EQ(keyring_new(&kr), 0);
	CHECK_EQ(keyring_add_level(kr, "training", t), 0);
	CHECK_EQ(keyring_add_level(kr, "analysis", a), 0);
	CHECK_EQ(keyring_set_index_key(kr, ix), 0);
	crypto_key_free(t);
	crypto_key_free(a);
	crypto_key_free(ix);
	return kr;
}

/* kr holds exactly the fixture keys. */
static void check_fixture_keys(const struct keyring *kr)
{
	struct crypto_key *t = fixed_key(CRYPTO_SK_BYTES, 0x10), *a = fixed_key(CRYPTO_SK_BYTES, 0x40);
	struct crypto_key *ix = fixed_key(CRYPTO_INDEX_KEY_BYTES, 0x70);
	uint8_t pk[CRYPTO_PK_BYTES], want[CRYPTO_PK_BYTES];
	const struct crypto_key *k;

	CHECK(kr != NULL);
	if (!kr)
		goto out;
	CHECK_EQ(keyring_level_count(kr), 2);
	CHECK_STR(keyring_level_name(kr, 0), "training");
	CHECK_STR(keyring_level_name(kr, 1), "analysis");
	k = keyring_level(kr, "training", pk);
	CHECK(k && k->len == CRYPTO_SK_BYTES && crypto_equal(k->bytes, t->bytes, CRYPTO_SK_BYTES));
	CHECK_EQ(crypto_public_of(t, want), 0);
	CHECK(memcmp(pk, want, sizeof(pk)) == 0);
	k = keyring_level(kr, "analysis", NULL);
	CHECK(k && crypto_equal(k->bytes, a->bytes, CRYPTO_SK_BYTES));
	k = keyring_index_key(kr);
	CHECK(k && k->len == CRYPTO_INDEX_KEY_BYTES && crypto_equal(k->bytes, ix->bytes, ix->len));
	CHECK(keyring_level(kr, "privacy", pk) == NULL);
out:
	crypto_key_free(t);
	crypto_key_free(a);
	crypto_key_free(ix);
}

TEST(test_keys_raw_keyring_round_trips_with_mode_0600)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	char *path = new_path();
	struct stat st;

	CHECK_EQ(keyring_save(kr, path, NULL), 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(keyring_is_protected(path), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), 0);
	check_fixture_keys(got);
	keyring_free(got);
	keyring_free(kr);
	free(path);
}

/* A pin (a level's public key as issued) is kept through save, load and
 * merge, and is what keyring_public gives before the secret key's own. */
TEST(test_keys_pins_round_trip_and_come_first)
{
	struct keyring *kr = fixture_keyring(), *got = NULL, *merged = NULL;
	uint8_t pin[CRYPTO_PK_BYTES], pk[CRYPTO_PK_BYTES], own[CRYPTO_PK_BYTES];
	char *path = new_path();

	for (size_t i = 0; i < sizeof(pin); i++)
		pin[i] = (uint8_t)(0xa0 + i);
	CHECK_EQ(keyring_public(kr, "privacy", pk), -ENOENT);
	CHECK_EQ(keyring_public(kr, "training", pk), 0);
	CHECK(keyring_level(kr, "training", own) && memcmp(pk, own, sizeof(pk)) == 0);
	CHECK_EQ(keyring_pin(kr, "privacy", pin), 0);
	CHECK_EQ(keyring_pin(kr, "bad/name", pin), -EINVAL);
	CHECK_EQ(keyring_save(kr, path, NULL), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), 0);
	if (got) {
		check_fixture_keys(got);
		CHECK_EQ(keyring_public(got, "privacy", pk), 0);
		CHECK(memcmp(pk, pin, sizeof(pk)) == 0);
		CHECK_EQ(keyring_new(&merged), 0);
		CHECK_EQ(keyring_merge(merged, got), 0);
		CHECK_EQ(keyring_public(merged, "privacy", pk), 0);
		CHECK(memcmp(pk, pin, sizeof(pk)) == 0);
		/* Pinned, the pin is what it gives, not the secret key's half. */
		CHECK_EQ(keyring_pin(merged, "training", pin), 0);
		CHECK_EQ(keyring_public(merged, "training", pk), 0);
		CHECK(memcmp(pk, pin, sizeof(pk)) == 0);
	}
	keyring_free(merged);
	keyring_free(got);
	keyring_free(kr);
	free(path);
}

TEST(test_keys_passphrase_keyring_round_trips_and_hides_the_keys)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	struct crypto_key *pass = pass_of("correct horse"), *t = fixed_key(CRYPTO_SK_BYTES, 0x10);
	char *path = new_path();
	uint8_t *file;
	size_t len = 0;
	struct stat st;

	CHECK_EQ(keyring_save(kr, path, pass), 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(keyring_is_protected(path), 1);
	file = slurp(path, &len);
	CHECK(file && !memmem(file, len, t->bytes, 8) && !memmem(file, len, "training", 8));
	free(file);
	CHECK_EQ(keyring_load(path, pass, &got), 0);
	check_fixture_keys(got);
	keyring_free(got);
	keyring_free(kr);
	crypto_key_free(pass);
	crypto_key_free(t);
	free(path);
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

TEST(test_keys_protected_keyring_records_the_moderate_cost_of_crypto_pass_limits)
{
	struct keyring *kr = fixture_keyring();
	struct crypto_key *pass = pass_of("correct horse");
	char *path = new_path();
	unsigned long long ops;
	size_t mem, len = 0;
	uint8_t *file;

	/* What crypto_pass_limits gives for MODERATE is what the file
	 * records (the test build's minimum here; test_crypto checks the
	 * installed build's cost). */
	crypto_pass_limits(CRYPTO_PASS_MODERATE, &ops, &mem);
	CHECK_EQ(keyring_save(kr, path, pass), 0);
	file = slurp(path, &len);
	CHECK(file && len > 12 + CRYPTO_SALT_BYTES + 16);
	if (file && len > 12 + CRYPTO_SALT_BYTES + 16) {
		CHECK_EQ(le64_at(file + 12 + CRYPTO_SALT_BYTES), ops);
		CHECK_EQ(le64_at(file + 12 + CRYPTO_SALT_BYTES + 8), mem);
	}
	free(file);
	keyring_free(kr);
	crypto_key_free(pass);
	free(path);
}

TEST(test_keys_wrong_passphrase_is_rejected)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	struct crypto_key *pass = pass_of("correct horse"), *wrong = pass_of("correct horse ");
	char *path = new_path();

	CHECK_EQ(keyring_save(kr, path, pass), 0);
	CHECK_EQ(keyring_load(path, wrong, &got), -EKEYREJECTED);
	CHECK(got == NULL);
	keyring_free(kr);
	crypto_key_free(pass);
	crypto_key_free(wrong);
	free(path);
}

TEST(test_keys_protected_keyring_without_passphrase_needs_a_key)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	struct crypto_key *pass = pass_of("correct horse");
	char *path = new_path();

	CHECK_EQ(keyring_save(kr, path, pass), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), -ENOKEY);
	CHECK(got == NULL);
	keyring_free(kr);
	crypto_key_free(pass);
	free(path);
}

TEST(test_keys_raw_keyring_readable_by_group_or_others_is_refused)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	char *path = new_path();

	CHECK_EQ(keyring_save(kr, path, NULL), 0);
	CHECK_EQ(chmod(path, 0640), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), -EPERM);
	CHECK_EQ(chmod(path, 0604), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), -EPERM);
	CHECK_EQ(chmod(path, 0400), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), 0);
	keyring_free(got);
	keyring_free(kr);
	free(path);
}

/* How many times needle is in hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Warned of, not refused: a protected keyring that others may read and a
 * passphrase file that group or others may, each file once. */
TEST(test_keys_load_all_warns_of_a_readable_protected_keyring_and_passfile_once)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	struct crypto_key *pass = pass_of("correct horse");
	char *path = new_path(), *pf = new_path(), *w = NULL, *want;
	char *paths[2] = { path, path };
	const char *failed = NULL;

	CHECK_EQ(keyring_save(kr, path, pass), 0);
	write_file(pf, "correct horse\n", 14, 0640);
	CHECK_EQ(chmod(path, 0644), 0);
	CHECK_EQ(keyring_load_all(paths, 2, pf, NULL, &got, &failed, &w), 0);
	check_fixture_keys(got);
	keyring_free(got);
	got = NULL;
	want = xasprintf("keyring %s is mode 0644, readable by others", path);
	CHECK_EQ(count_of(w, want), 1);
	free(want);
	want = xasprintf("passphrase file %s is mode 0640, readable by its group; chmod 600 it\n", pf);
	CHECK_EQ(count_of(w, want), 1);
	free(want);
	free(w);
	w = NULL;
	/* A group may share a protected keyring; a passfile stays private. */
	CHECK_EQ(chmod(path, 0640), 0);
	CHECK_EQ(chmod(pf, 0600), 0);
	CHECK_EQ(keyring_load_all(paths, 1, pf, NULL, &got, &failed, &w), 0);
	CHECK(w == NULL);
	keyring_free(got);
	keyring_free(kr);
	crypto_key_free(pass);
	free(path);
	free(pf);
}

/* A keyring owned by another user than this process's and root: warned
 * of (as root only, who can give it away and still read it). */
TEST(test_keys_load_all_warns_of_a_keyring_someone_else_owns)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	char *path = new_path(), *w = NULL, *want;
	const char *failed = NULL;

	if (geteuid() != 0)
		goto out;
	CHECK_EQ(keyring_save(kr, path, NULL), 0);
	CHECK_EQ(chown(path, 4242, 4242), 0);
	CHECK_EQ(keyring_load_all(&path, 1, NULL, NULL, &got, &failed, &w), 0);
	want = xasprintf("keyring %s is owned by uid 4242, neither this user (uid 0) nor root", path);
	CHECK_EQ(count_of(w, want), 1);
	free(want);
	free(w);
	w = NULL;
	keyring_free(got);
	got = NULL;
	CHECK_EQ(chown(path, 0, 0), 0);
	CHECK_EQ(keyring_load_all(&path, 1, NULL, NULL, &got, &failed, &w), 0);
	CHECK(w == NULL);
	keyring_free(got);
out:
	keyring_free(kr);
	free(path);
}

TEST(test_keys_damaged_or_missing_keyring_is_reported)
{
	struct keyring *kr = fixture_keyring(), *got = NULL;
	struct crypto_key *pass = pass_of("correct horse");
	char *raw = new_path(), *prot = new_path(), *bad = new_path(), *missing = new_path();
	uint8_t *b = NULL, *p = NULL;
	size_t bl = 0, pl = 0;

	CHECK_EQ(keyring_save(kr, raw, NULL), 0);
	CHECK_EQ(keyring_save(kr, prot, pass), 0);
	b = slurp(raw, &bl);
	p = slurp(prot, &pl);
	CHECK(b && p);
	if (!b || !p)
		goto out;
	CHECK_EQ(keyring_load(missing, NULL, &got), -ENOENT);
	write_file(bad, "hello", 5, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	CHECK_EQ(keyring_is_protected(bad), -EIO);
	write_file(bad, b, bl - 1, 0600); /* cut */
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[bl] = 0;
	write_file(bad, b, bl + 1, 0600); /* trailing byte */
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[0] ^= 1; /* magic */
	write_file(bad, b, bl, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[0] ^= 1;
	b[8] = 2; /* version */
	write_file(bad, b, bl, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[8] = 1;
	b[9] = 7; /* protection */
	write_file(bad, b, bl, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[9] = 0;
	b[12] = 99; /* entry count */
	write_file(bad, b, bl, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	b[12] = 3;
	b[16] = 5; /* first entry: type */
	write_file(bad, b, bl, 0600);
	CHECK_EQ(keyring_load(bad, NULL, &got), -EIO);
	/* Protected: an absurd memory cost is damage, not a reason to allocate. */
	p[12 + CRYPTO_SALT_BYTES + 8 + 7] = 0x7f;
	write_file(bad, p, pl, 0600);
	CHECK_EQ(keyring_load(bad, pass, &got), -EIO);
	write_file(bad, p, 12 + CRYPTO_SALT_BYTES + 4, 0600);
	CHECK_EQ(keyring_load(bad, pass, &got), -EIO);
	CHECK(got == NULL);
out:
	free(b);
	free(p);
	free(raw);
	free(prot);
	free(bad);
	free(missing);
	keyring_free(kr);
	crypto_key_free(pass);
}

TEST(test_keys_save_replaces_the_file_and_leaves_no_temporaries)
{
	struct keyring *kr = fixture_keyring(), *empty = NULL, *got = NULL;
	char *dir = xasprintf("%s/replace", tmpdir), *path = xasprintf("%s/kr", dir);
	struct dirent *de;
	int entries = 0;
	DIR *d;

	CHECK_EQ(util_mkdir_p(dir, 0700), 0);
	CHECK_EQ(keyring_new(&empty), 0);
	CHECK_EQ(keyring_save(kr, path, NULL), 0);
	CHECK_EQ(keyring_save(empty, path, NULL), 0);
	CHECK_EQ(keyring_load(path, NULL, &got), 0);
	CHECK_EQ(keyring_level_count(got), 0);
	CHECK(keyring_index_key(got) == NULL);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		entries += de->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK_EQ(entries, 1);
	keyring_free(got);
	keyring_free(kr);
	keyring_free(empty);
	free(dir);
	free(path);
}

TEST(test_keys_adding_a_level_again_replaces_it_and_merge_lets_later_win)
{
	struct keyring *a = fixture_keyring(), *b = NULL;
	struct crypto_key *k = NULL, *bad = fixed_key(5, 0);
	uint8_t pk[CRYPTO_PK_BYTES], got_pk[CRYPTO_PK_BYTES];
	const struct crypto_key *got;

	CHECK_EQ(keyring_new(&b), 0);
	CHECK_EQ(crypto_keypair(pk, &k), 0);
	CHECK_EQ(keyring_add_level(b, "training", k), 0);
	CHECK_EQ(keyring_add_level(b, "privacy", k), 0);
	CHECK_EQ(keyring_merge(a, b), 0);
	CHECK_EQ(keyring_level_count(a), 3);
	got = keyring_level(a, "training", got_pk);
	CHECK(got && crypto_equal(got->bytes, k->bytes, k->len));
	CHECK(memcmp(got_pk, pk, sizeof(pk)) == 0);
	CHECK(keyring_index_key(a) != NULL);
	CHECK_EQ(keyring_add_level(b, "x", bad), -EINVAL);
	CHECK_EQ(keyring_add_level(b, "../etc", k), -EINVAL);
	CHECK_EQ(keyring_add_level(b, "", k), -EINVAL);
	CHECK_EQ(keyring_set_index_key(b, bad), -EINVAL);
	keyring_free(a);
	keyring_free(b);
	keyring_free(NULL);
	crypto_key_free(k);
	crypto_key_free(bad);
}

TEST(test_keys_raw_fixture_loads_and_matches_a_fresh_save_byte_for_byte)
{
	char *fx = xasprintf("%s/keyring-v1-raw.bin", fixtures_dir()), *copy = new_path(), *fresh = new_path();
	struct keyring *kr = fixture_keyring(), *got = NULL;
	uint8_t *want = NULL, *mine = NULL;
	size_t wl = 0, ml = 0;

	want = slurp(fx, &wl);
	CHECK(want != NULL);
	if (!want)
		goto out;
	/* git does not keep 0600, so load a private copy. */
	write_file(copy, want, wl, 0600);
	CHECK_EQ(keyring_load(copy, NULL, &got), 0);
	check_fixture_keys(got);
	CHECK_EQ(keyring_save(kr, fresh, NULL), 0);
	mine = slurp(fresh, &ml);
	CHECK(mine && ml == wl && memcmp(mine, want, wl) == 0);
out:
	keyring_free(got);
	keyring_free(kr);
	free(want);
	free(mine);
	free(fx);
	free(copy);
	free(fresh);
}

TEST(test_keys_passphrase_fixture_opens_with_correct_horse_only)
{
	char *fx = xasprintf("%s/keyring-v1-pass.bin", fixtures_dir());
	struct crypto_key *pass = pass_of("correct horse"), *wrong = pass_of("Correct horse");
	struct keyring *got = NULL;

	CHECK_EQ(keyring_is_protected(fx), 1);
	CHECK_EQ(keyring_load(fx, pass, &got), 0);
	check_fixture_keys(got);
	keyring_free(got);
	got = NULL;
	CHECK_EQ(keyring_load(fx, wrong, &got), -EKEYREJECTED);
	CHECK_EQ(keyring_load(fx, NULL, &got), -ENOKEY);
	crypto_key_free(pass);
	crypto_key_free(wrong);
	free(fx);
}

static int write_fixtures(void)
{
	char *raw = xasprintf("%s/keyring-v1-raw.bin", fixtures_dir());
	char *prot = xasprintf("%s/keyring-v1-pass.bin", fixtures_dir());
	struct crypto_key *pass = pass_of("correct horse");
	struct keyring *kr = fixture_keyring();
	int rc;

	rc = keyring_save(kr, raw, NULL);
	if (rc == 0)
		rc = keyring_save(kr, prot, pass);
	/* Committed files; the tests load private copies of the raw one. */
	if (rc == 0 && (chmod(raw, 0644) < 0 || chmod(prot, 0644) < 0))
		rc = -errno;
	fprintf(stderr, "%s, %s: %s\n", raw, prot, rc ? strerror(-rc) : "written");
	keyring_free(kr);
	crypto_key_free(pass);
	free(raw);
	free(prot);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (crypto_setup())
		return 1;
	if (argc > 1 && !strcmp(argv[1], "--write-fixtures"))
		return write_fixtures();
	tmpdir = t_mkdtemp("keys");
	if (!tmpdir)
		return 1;
	RUN(test_keys_raw_keyring_round_trips_with_mode_0600);
	RUN(test_keys_pins_round_trip_and_come_first);
	RUN(test_keys_passphrase_keyring_round_trips_and_hides_the_keys);
	RUN(test_keys_protected_keyring_records_the_moderate_cost_of_crypto_pass_limits);
	RUN(test_keys_wrong_passphrase_is_rejected);
	RUN(test_keys_protected_keyring_without_passphrase_needs_a_key);
	RUN(test_keys_raw_keyring_readable_by_group_or_others_is_refused);
	RUN(test_keys_load_all_warns_of_a_readable_protected_keyring_and_passfile_once);
	RUN(test_keys_load_all_warns_of_a_keyring_someone_else_owns);
	RUN(test_keys_damaged_or_missing_keyring_is_reported);
	RUN(test_keys_save_replaces_the_file_and_leaves_no_temporaries);
	RUN(test_keys_adding_a_level_again_replaces_it_and_merge_lets_later_win);
	RUN(test_keys_raw_fixture_loads_and_matches_a_fresh_save_byte_for_byte);
	RUN(test_keys_passphrase_fixture_opens_with_correct_horse_only);
	util_remove_tree(tmpdir);
	T_DONE();
}
