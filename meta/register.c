/*
 * register.c - opening and creating a register directory.  Which levels
 * get a DEK sealed for them, and unsealing, are seal.c's.
 *
 * A register never holds a secret key: reg_create hands the secrets back to
 * the caller, which writes them to keyring files elsewhere.
 *
 * Every tool opens a register here, so this is where the erasures a crash
 * interrupted are finished: an erasure lists its blobs as pending unlinks
 * in the transaction that deletes their rows (rights.c), and reg_open
 * unlinks whatever is still listed.  A listed blob is never needed again
 * (its rows are gone for good), so finishing twice, or from two processes
 * at once, is harmless.  So is sealing the reasons of restrictions and
 * holds that a register written before catalog schema 6 kept in the clear
 * (rights_seal_reasons), which reg_open does too: it looks without a lock,
 * and looks again inside its transaction.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "audit.h"
#include "journal.h"
#include "pubkey.h"
#include "register.h"
#include "rights.h"
#include "testhook.h"

char *reg_path(const struct reg *r, const char *name)
{
	return xasprintf("%s/%s", r->dir, name);
}

char *reg_blob_path(const struct reg *r, const char *artifact_id)
{
	return xasprintf("%s/blobs/%.2s/%s", r->dir, artifact_id, artifact_id);
}

char *reg_blob_at(const struct reg *r, const char *artifact_id, int *dirfd)
{
	if (!r->has_blobs_fd) {
		*dirfd = AT_FDCWD;
		return reg_blob_path(r, artifact_id);
	}
	*dirfd = r->blobs_fd;
	return xasprintf("%.2s/%s", artifact_id, artifact_id);
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT ? 1 : -errno;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

int reg_check_new_dir(const char *dir)
{
	int rc = dir_is_empty(dir);

	if (rc < 0)
		return meta_fail(rc, "cannot read %s: %s", dir, strerror(-rc));
	if (rc == 0)
		return meta_fail(-EEXIST, "%s is not empty; a register is created in a new or empty directory", dir);
	return 0;
}

int reg_create(const char *dir, const char *policy_path, struct keyring **secrets)
{
	return reg_create_owned(dir, policy_path, (uid_t)-1, (gid_t)-1, secrets);
}

int reg_create_owned(const char *dir, const char *policy_path, uid_t uid, gid_t gid, struct keyring **secrets)
{
	struct policy *pol = NULL;
	struct catalog *cat = NULL;
	struct keyring *kr = NULL;
	struct crypto_key *sk = NULL, *ik = NULL;
	uint8_t *text = NULL;
	size_t len;
	char *errs = NULL, *path = NULL;
	char id[RECFS_ID_HEX], now[21];
	int rc;

	rc = crypto_setup();
	if (rc)
		return rc;
	rc = reg_check_new_dir(dir);
	if (rc)
		return rc;
	rc = policy_load(policy_path, &pol, &errs);
	if (rc) {
		rc = meta_fail(rc, "%s", errs ? errs : meta_errmsg());
		goto out;
	}
	rc = util_read_file(policy_path, 1 << 20, &text, &len);
	if (rc) {
		rc = meta_fail(rc, "cannot read %s: %s", policy_path, strerror(-rc));
		goto out;
	}
	if ((rc = util_mkdir_p(dir, 0700)))
		goto io;
	chmod(dir, 0700);
	/* First: all that follows takes the folder's owner (util_adopt_owner). */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(dir, uid, gid) < 0) {
		rc = -errno;
		goto io;
	}
	static const char *const sub[] = { "blobs", "keys", "spool", "quarantine" };
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		free(path);
		path = xasprintf("%s/%s", dir, sub[i]);
		if ((rc = util_mkdir_adopt(path, 0700)) && rc != -EEXIST)
			goto io;
	}
	free(path);
	path = xasprintf("%s/policy.conf", dir);
	if ((rc = util_write_file_adopt(path, text, len, 0600)))
		goto io;
	if ((rc = keyring_new(&kr)))
		goto out;
	for (size_t i = 0; i < pol->n_levels; i++) {
		uint8_t pk[CRYPTO_PK_BYTES];

		if ((rc = crypto_keypair(pk, &sk)))
			goto out;
		if ((rc = pubkey_write(dir, pol->levels[i].name, pk)))
			goto out;
		if ((rc = keyring_add_level(kr, pol->levels[i].name, sk)))
			goto out;
		crypto_key_free(sk);
		sk = NULL;
	}
	ik = crypto_key_new(CRYPTO_INDEX_KEY_BYTES, 1);
	if (!ik) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = keyring_set_index_key(kr, ik)))
		goto out;
	free(path);
	path = xasprintf("%s/catalog.db", dir);
	if ((rc = catalog_open(path, 1, &cat)))
		goto out;
	crypto_new_id(id);
	util_format_time(util_now(), now);
	if ((rc = catalog_set_meta(cat, "register_id", id)) || (rc = catalog_set_meta(cat, "created_at", now)))
		goto out;
	*secrets = kr;
	kr = NULL;
	rc = 0;
	goto out;
io:
	rc = meta_fail(rc, "cannot create register in %s: %s", dir, strerror(-rc));
out:
	catalog_close(cat);
	crypto_key_free(sk);
	crypto_key_free(ik);
	keyring_free(kr);
	policy_free(pol);
	free(text);
	free(errs);
	free(path);
	return rc;
}

int reg_check_keyring(const struct reg *r, const struct keyring *kr)
{
	for (size_t i = 0; i < r->policy->n_levels; i++) {
		const char *name = r->policy->levels[i].name;
		uint8_t pinned[CRYPTO_PK_BYTES], own[CRYPTO_PK_BYTES];
		int differs = 0;

		if (keyring_public(kr, name, pinned) == 0)
			differs = !crypto_equal(pinned, r->pk[i], CRYPTO_PK_BYTES);
		if (keyring_level(kr, name, own))
			differs |= !crypto_equal(own, r->pk[i], CRYPTO_PK_BYTES);
		if (differs) {
			/* In the log too: a replaced key is an attack on the
			 * register, not only a failed start (logged as well as
			 * it can be: the refusal stands either way). */
			struct audit_actor a;
			char *why = xasprintf("EKEYREJECTED level=%s", name);

			audit_self(&a, NULL);
			if (audit_log(r->cat, &a, "keys-check", NULL, "refused", why))
				meta_clear_error();
			free(why);
			return meta_fail(-EKEYREJECTED, "%s/keys/%s.pub is not the public key of level %s that the "
					 "keyring holds: the keyring is of another register, or the .pub was replaced, and "
					 "whoever replaced it would receive the key of every recording sealed from now on; "
					 "nothing is sealed with it (put back the .pub from a backup; `recctl fsck --keyring` "
					 "names what was sealed with another key)", r->dir, name, name);
		}
	}
	return 0;
}

int reg_keyring_shares(const struct reg *r, const struct keyring *kr)
{
	for (size_t i = 0; i < r->policy->n_levels; i++) {
		const char *name = r->policy->levels[i].name;
		uint8_t pk[CRYPTO_PK_BYTES];

		if ((keyring_public(kr, name, pk) == 0 && crypto_equal(pk, r->pk[i], CRYPTO_PK_BYTES)) ||
		    (keyring_level(kr, name, pk) && crypto_equal(pk, r->pk[i], CRYPTO_PK_BYTES)))
			return 1;
	}
	return 0;
}

/* policy.conf at path: the hash of its text and its stat (0), or an errno
 * with meta_errmsg set. */
static int policy_ident(const char *path, uint8_t hash[CRYPTO_HASH_BYTES], struct stat *st)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	if (stat(path, st) < 0)
		return meta_fail(-errno, "%s: %s", path, strerror(errno));
	if ((rc = util_read_file(path, POLICY_MAX_BYTES, &text, &len)))
		return meta_fail(rc, "%s: %s", path, strerror(-rc));
	crypto_hash_parts(hash, 1, (const void *const[]){ text }, (const size_t[]){ len });
	free(text);
	return 0;
}

int reg_policy_same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * policy.conf at path against seen, the stat its reader last looked at:
 * 0 when its stat is still *seen; 2 when it is *other (the stat of a text
 * looked at before: not read again); else 1, its stat in *now and the hash
 * of its text in hash; or a negative errno.
 */
static int policy_look(const char *path, const struct stat *seen, const struct stat *other, struct stat *now,
		       uint8_t hash[CRYPTO_HASH_BYTES])
{
	int rc;

	if (stat(path, now) == 0) {
		if (reg_policy_same_stat(now, seen))
			return 0;
		if (other && reg_policy_same_stat(now, other))
			return 2;
	}
	rc = policy_ident(path, hash, now);
	return rc ? rc : 1;
}

int reg_policy_changed(struct reg *r)
{
	char *path = xasprintf("%s/policy.conf", r->dir);
	uint8_t hash[CRYPTO_HASH_BYTES];
	struct stat st;
	int rc = policy_look(path, &r->policy_st, r->policy_other ? &r->policy_other_st : NULL, &st, hash);

	free(path);
	if (rc != 1)
		return rc != 0;
	if (crypto_equal(hash, r->policy_hash, sizeof(hash))) {
		r->policy_st = st;	/* the same text written again */
		return 0;
	}
	r->policy_other_st = st;	/* not read again until it changes */
	r->policy_other = 1;
	return 1;
}

int reg_policy_stat_now(const struct reg *r, struct stat *st)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/policy.conf", r->dir) >= sizeof(path))
		return -ENAMETOOLONG;
	return stat(path, st) < 0 ? -errno : 0;
}

void reg_policy_stat(const struct reg *r, struct stat *seen, uint8_t last[CRYPTO_HASH_BYTES])
{
	*seen = r->policy_st;
	memcpy(last, r->policy_hash, CRYPTO_HASH_BYTES);
}

int reg_policy_newer(const struct reg *r, struct stat *seen, uint8_t last[CRYPTO_HASH_BYTES], struct policy **out)
{
	char *path = xasprintf("%s/policy.conf", r->dir), *errs = NULL;
	uint8_t hash[CRYPTO_HASH_BYTES];
	struct stat st;
	int rc = policy_look(path, seen, NULL, &st, hash);

	*out = NULL;
	if (rc <= 0)
		goto out;
	rc = 0;
	if (!crypto_equal(hash, last, CRYPTO_HASH_BYTES)) {
		rc = 1;		/* NULL: the mount's own again */
		if (!crypto_equal(hash, r->policy_hash, sizeof(hash)) && (rc = policy_load(path, out, &errs))) {
			const char *why = errs ? errs : meta_strerror(rc);

			rc = meta_fail(rc, "%s does not load: %.*s", path, (int)strcspn(why, "\n"), why);
			goto out;
		}
		rc = 1;
		memcpy(last, hash, CRYPTO_HASH_BYTES);
	}
	*seen = st;		/* 0: the text last handed over, touched */
out:
	free(errs);
	free(path);
	return rc;
}

/*
 * rc, a failure to open the catalog of the register at dir, said again
 * with its likeliest cause when the register's file system has no inode
 * or no room left: sqlite cannot then make the catalog's -wal and -shm
 * files, and says only "unable to open database file" (atk41 F3: a
 * quarantine that used up the inodes stopped every mount and every
 * recctl command, the sweep that would empty it included).
 */
static int catalog_open_failed(const char *dir, int rc)
{
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0)
		return rc;
	if (sv.f_files && !sv.f_favail)
		return meta_fail(rc, "%s; the register's file system has no free inode left (df -i %s), so the "
				 "catalog's -wal and -shm files cannot be made: free some first (old folders in "
				 "%s/quarantine may go)", meta_errmsg(), dir, dir);
	if (!sv.f_bavail)
		return meta_fail(rc, "%s; the register's file system has no free room left (df %s): free some first",
				 meta_errmsg(), dir);
	return rc;
}

int reg_open(const char *dir, struct reg **out)
{
	struct reg *r = xcalloc(1, sizeof(*r));
	struct audit_actor self;
	char *path = NULL, *errs = NULL;
	int rc;

	rc = crypto_setup();
	if (rc)
		goto fail;
	r->dir = xstrdup(dir);
	path = xasprintf("%s/catalog.db", dir);
	if (access(path, F_OK) < 0) {
		if (errno == ENOENT)
			rc = meta_fail(-ENOENT, "%s is not a recfs register (no catalog.db); create one with recctl init",
				       dir);
		else if (errno == EACCES)
			rc = meta_fail(-EACCES, "%s: %s; run this as the register's owner or root (ls -ld %s)", path,
				       strerror(EACCES), dir);
		else
			rc = meta_fail(-errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(path);
	path = xasprintf("%s/policy.conf", dir);
	/* What the file holds first: a policy applied in between makes the
	 * two differ, and the mount refuses its rights actions (never the
	 * other way round, which would let it act by a stale policy). */
	rc = policy_ident(path, r->policy_hash, &r->policy_st);
	if (rc == 0)
		rc = policy_load(path, &r->policy, &errs);
	if (rc) {
		rc = meta_fail(rc, "%s", errs ? errs : meta_errmsg());
		goto fail;
	}
	r->pk = xcalloc(r->policy->n_levels, sizeof(*r->pk));
	for (size_t i = 0; i < r->policy->n_levels; i++) {
		rc = pubkey_read(dir, r->policy->levels[i].name, r->pk[i]);
		if (rc) {
			rc = meta_fail(rc, "%s: no public key for level %s (keys/%s.pub): %s", dir,
				       r->policy->levels[i].name, r->policy->levels[i].name, strerror(-rc));
			goto fail;
		}
	}
	free(path);
	path = xasprintf("%s/catalog.db", dir);
	rc = catalog_open(path, 0, &r->cat);
	if (rc) {
		rc = catalog_open_failed(dir, rc);
		goto fail;
	}
	/* The entries a killed mount acknowledged go into the log first;
	 * if they cannot now, they stay for the next open. */
	if (journal_recover(r->cat, dir, NULL))
		meta_clear_error();
	if (reg_finish_unlinks(r, NULL))
		meta_clear_error();
	/* Without it, blobs are opened by their whole path (reg_blob_at). */
	free(path);
	path = reg_path(r, "blobs");
	r->blobs_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	r->has_blobs_fd = r->blobs_fd >= 0;
	/* Reasons an older recfs kept in the clear are sealed at the first
	 * open after the upgrade to schema 6 (rights.h); a read-only catalog
	 * leaves them to the next open that can write. */
	audit_self(&self, NULL);
	if (rights_seal_reasons(r, &self, NULL))
		meta_clear_error();
	free(path);
	free(errs);
	*out = r;
	return 0;
fail:
	free(path);
	free(errs);
	reg_close(r);
	return rc;
}

int reg_unlink_blobs(struct reg *r, const struct idlist *ids)
{
	char *gone = ids->n ? xcalloc(ids->n, 1) : NULL;	/* gone[i]: ids->id[i] is unlinked */
	/* The test build's delay (testhook.h): a kill lands between an
	 * erasure's commit and the end of its unlinks (test_faults.sh). */
	int rc = 0, e = 0, delay = test_hook_ms("RECFS_TEST_UNLINK_DELAY_MS");

	for (size_t i = 0; i < ids->n; i++) {
		char *p = reg_blob_path(r, ids->id[i]);

		if (delay)
			usleep((useconds_t)delay * 1000);
		if (unlink(p) == 0 || errno == ENOENT)
			gone[i] = 1;
		else if (!rc)
			rc = meta_fail(-errno, "cannot unlink %s: %s", p, strerror(errno));
		free(p);
	}
	/* What could not be unlinked stays listed. */
	if (ids->n && !(e = catalog_begin(r->cat))) {
		for (size_t i = 0; !e && i < ids->n; i++)
			if (gone[i])
				e = catalog_drop_pending_unlink(r->cat, ids->id[i]);
		if (!e)
			e = catalog_commit(r->cat);
		if (e)
			catalog_rollback(r->cat);
	}
	free(gone);
	return rc ? rc : e;
}

int reg_finish_unlinks(struct reg *r, size_t *n)
{
	struct idlist ids = { 0 };
	int rc = catalog_pending_unlinks(r->cat, &ids);

	if (rc == 0 && ids.n) {
		if (catalog_checkpoint(r->cat))
			meta_clear_error();
		rc = reg_unlink_blobs(r, &ids);
	}
	if (rc == 0 && n)
		*n = ids.n;
	idlist_free(&ids);
	return rc;
}

char *reg_mode_warnings(const struct reg *r)
{
	static const struct {
		const char *sub, *why;
	} dirs[] = {
		{ NULL, "whoever may write it can replace keys/, blobs/ or the catalog" },
		{ "keys", "whoever may write it can replace a level's public key" },
		{ "blobs", "whoever may write it can remove or replace the encrypted recordings" },
	};
	struct strbuf w = { 0 };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *path = dirs[i].sub ? reg_path(r, dirs[i].sub) : xstrdup(r->dir);
		struct stat st;

		if (stat(path, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)))
			strbuf_addf(&w, "%s is mode %04o, writable by %s: %s; chmod go-w %s\n", path,
				    (unsigned)(st.st_mode & 07777),
				    (st.st_mode & S_IWGRP) && (st.st_mode & S_IWOTH) ? "group and others"
				    : st.st_mode & S_IWGRP ? "its group" : "others",
				    dirs[i].why, path);
		free(path);
	}
	return w.len ? strbuf_detach(&w) : NULL;
}

void reg_prefetch_catalog(const char *dir)
{
	char *db = xasprintf("%s/catalog.db", dir), *wal = xasprintf("%s-wal", db);

	(void)util_prefetch(db);
	(void)util_prefetch(wal);
	free(wal);
	free(db);
}

void reg_close(struct reg *r)
{
	if (!r)
		return;
	catalog_close(r->cat);
	if (r->has_blobs_fd)
		close(r->blobs_fd);
	policy_free(r->policy);
	free(r->pk);
	free(r->dir);
	free(r);
}
