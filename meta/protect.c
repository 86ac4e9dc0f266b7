/*
 * protect.c - per-recording passphrases.  See protect.h for the scheme.
 *
 * Protecting replaces every seal of every artifact in one transaction, so a
 * crash leaves the recording either wholly protected or not at all.  The
 * passphrase and P are only ever in guarded memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "protect.h"
#include "seal.h"

int protect_derive(const struct cat_lock *l, const char *pass, size_t passlen, struct crypto_key **key)
{
	return crypto_pass_key(pass, passlen, l->salt, l->ops, (size_t)l->mem, key);
}

int protect_unseal(struct reg *r, const struct keyring *kr, const char *level, const char *object,
		   const struct crypto_key *key, struct crypto_key **dek)
{
	struct crypto_key *d = NULL;
	int rc = seal_unseal(r, kr, level, object, &d);

	if (rc)
		return rc;
	if ((rc = seal_mask(d, key))) {
		crypto_key_free(d);
		return rc;
	}
	*dek = d;
	return 0;
}

static int find_audio(const struct cat_artifact *a, void *ctx)
{
	struct cat_artifact *out = ctx;

	if (strcmp(a->role, "audio"))
		return 0;
	*out = *a;
	out->role = xstrdup(a->role);
	out->ext = xstrdup(a->ext);
	return 1;
}

/* The recording's audio artifact; -ENOENT when it has none. */
static int audio_of(struct reg *r, const char *recording, struct cat_artifact *out)
{
	int rc = catalog_each_artifact(r->cat, recording, find_audio, out);

	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

int protect_check(struct reg *r, const struct keyring *kr, const char *level, const char *recording,
		  const struct crypto_key *key)
{
	struct cat_artifact audio = { 0 };
	struct crypto_key *dek = NULL;
	struct blob_reader *br = NULL;
	char *path = NULL;
	uint8_t b;
	ssize_t n;
	int rc;

	rc = audio_of(r, recording, &audio);
	if (rc)
		return rc;
	rc = protect_unseal(r, kr, level, audio.id, key, &dek);
	if (rc)
		goto out;
	path = reg_blob_path(r, audio.id);
	rc = blob_reader_open(path, audio.id, dek, audio.size, &br);
	if (rc)
		goto out;
	n = blob_read(br, &b, 1, 0);
	rc = n == 1 ? 0 : -EACCES;
	crypto_memzero(&b, sizeof(b));
out:
	blob_reader_close(br);
	crypto_key_free(dek);
	cat_artifact_clear(&audio);
	free(path);
	return rc;
}

int protect_recording(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		      const char *recording, const char *pass, size_t passlen)
{
	const struct policy *pol = r->policy;
	struct cat_recording rec = { 0 };
	struct cat_lock lock = { 0 };
	struct crypto_key *p = NULL;
	struct idlist arts = { 0 };
	unsigned long long ops;
	size_t mem;
	int rc;

	if (actor_level < 0 || actor_level != pol->rights_level)
		return audit_refuse(r->cat, a, "protect", recording, -EPERM, "below the rights level");
	if (passlen < PROTECT_PASS_MIN || passlen > PROTECT_PASS_MAX)
		return audit_refuse(r->cat, a, "protect", recording, -EINVAL, "a passphrase needs 8 to 1024 bytes");
	if (!kr || !keyring_level(kr, pol->levels[pol->rights_level].name, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "protect", recording, -ENOKEY, "the rights level's key is not loaded");
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if (rec.locked) {
		rc = audit_refuse(r->cat, a, "protect", recording, -EALREADY, "already protected");
		goto out;
	}
	crypto_random(lock.salt, sizeof(lock.salt));
	crypto_pass_limits(CRYPTO_PASS_MODERATE, &ops, &mem);
	lock.ops = ops;
	lock.mem = mem;
	if ((rc = protect_derive(&lock, pass, passlen, &p)))
		goto out;
	if ((rc = catalog_recording_artifacts(r->cat, recording, &arts)))
		goto out;
	if ((rc = catalog_begin(r->cat)))
		goto out;
	/* kr holds the rights level's key, which has a seal on every object. */
	for (size_t i = 0; rc == 0 && i < arts.n; i++) {
		rc = seal_mask_object(r, kr, arts.id[i], p);
		if (rc == -EACCES)
			rc = meta_fail(-EIO, "object %s has no seal for the rights level", arts.id[i]);
	}
	if (rc == 0)
		rc = catalog_put_lock(r->cat, recording, &lock);
	rec.locked = 1;
	if (rc == 0)
		rc = catalog_update_recording(r->cat, &rec);
	if (rc == 0)
		rc = audit_log(r->cat, a, "protect", recording, "ok", NULL);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		catalog_rollback(r->cat);
	else if (catalog_checkpoint(r->cat))
		meta_clear_error(); /* old seals leave the WAL at the next checkpoint */
out:
	crypto_key_free(p);
	idlist_free(&arts);
	cat_recording_clear(&rec);
	return rc;
}
