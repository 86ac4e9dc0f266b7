/*
 * seal.c - the sealing rule: the levels each kind of object is sealed for,
 * and sealing and unsealing data keys for them.
 *
 * Invariants kept here: every object's seals cover a top range of levels,
 * whose lowest level seal_level_of gives; the rights level (the highest)
 * therefore holds a seal on every object, so whoever holds its key can
 * re-seal anything; and a seal only ever holds a DEK as it was made (for a
 * protected recording, the DEK under its passphrase mask), never a key of
 * its own.  No secret leaves this module except as a crypto_key the caller
 * frees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seal.h"

/* The levels objects are sealed for: r's own policy and keys, or those of
 * a policy being applied (whose levels include every level of r's). */
struct target {
	const struct policy *pol;
	const uint8_t (*pk)[CRYPTO_PK_BYTES];	/* per level of pol */
};

enum seal_kind seal_kind_of_role(const char *role)
{
	if (role && !strcmp(role, "audio"))
		return SEAL_AUDIO;
	if (role && !strcmp(role, "chat"))
		return SEAL_CHAT;
	return SEAL_FILE;
}

int seal_level_for(const struct policy *p, const char *purpose, enum seal_kind kind)
{
	const struct policy_purpose *pu;
	int i, level;

	switch (kind) {
	case SEAL_CARD:
		return p->details_level;
	case SEAL_RIGHTS:
		return p->rights_level;
	case SEAL_AUDIO:
	case SEAL_CHAT:
	case SEAL_FILE:
	case SEAL_DETAILS:
		break;
	}
	i = purpose ? policy_purpose_index(p, purpose) : -1;
	if (i < 0)
		return p->rights_level;
	pu = &p->purposes[i];
	switch (kind) {
	case SEAL_CHAT:
		level = pu->chat_level >= 0 ? pu->chat_level : p->details_level;
		break;
	case SEAL_FILE:
		level = pu->attachment_level >= 0 ? pu->attachment_level : p->details_level;
		break;
	case SEAL_DETAILS:
		level = p->details_level;
		break;
	default:
		level = pu->min_level;
		break;
	}
	/* Nothing of a recording is read by a level that may not hear it. */
	return level > pu->min_level ? level : pu->min_level;
}

int seal_level_of(const struct policy *p, const struct cat_recording *rec, enum seal_kind kind)
{
	if (rec && rec->restricted_since && kind != SEAL_CARD)
		return p->rights_level;
	return seal_level_for(p, rec ? rec->purpose : NULL, kind);
}

int seal_put(struct reg *r, const char *object, const struct crypto_key *dek, int from)
{
	uint8_t seal[CRYPTO_SEAL_BYTES];
	int rc;

	if (from < 0)
		from = 0;
	for (size_t i = (size_t)from; i < r->policy->n_levels; i++) {
		rc = crypto_seal_dek(dek, r->pk[i], seal);
		if (rc == 0)
			rc = catalog_put_seal(r->cat, object, r->policy->levels[i].name, seal);
		if (rc)
			return rc;
	}
	return 0;
}

int seal_get(struct reg *r, const char *level, const char *object, uint8_t seal[CRYPTO_SEAL_BYTES])
{
	int rc = catalog_get_seal(r->cat, object, level, seal);

	return rc == -ENOENT ? -EACCES : rc;
}

int seal_open(const struct keyring *kr, const char *level, const char *object, const uint8_t seal[CRYPTO_SEAL_BYTES],
	      struct crypto_key **dek)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	const struct crypto_key *sk;
	int rc;

	sk = kr ? keyring_level(kr, level, pk) : NULL;
	if (!sk)
		return -ENOKEY;
	rc = crypto_unseal_dek(seal, pk, sk, dek);
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return meta_fail(-EIO, "seal of %s for level %s does not open", object, level);
	return 0;
}

int seal_unseal(struct reg *r, const struct keyring *kr, const char *level, const char *object,
		struct crypto_key **dek)
{
	uint8_t seal[CRYPTO_SEAL_BYTES];
	int rc;

	rc = seal_get(r, level, object, seal);
	if (rc == 0)
		rc = seal_open(kr, level, object, seal, dek);
	return rc;
}

int seal_unseal_highest(struct reg *r, const struct keyring *kr, const char *object, struct crypto_key **dek,
			int *level)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	int held = 0;

	for (int i = (int)r->policy->n_levels - 1; i >= 0; i--) {
		const char *name = r->policy->levels[i].name;
		int rc;

		if (!kr || !keyring_level(kr, name, pk))
			continue;
		held = 1;
		rc = seal_unseal(r, kr, name, object, dek);
		if (rc == -EACCES)
			continue;
		if (rc == 0 && level)
			*level = i;
		return rc;
	}
	return held ? -EACCES : -ENOKEY;
}

int seal_read_record(struct reg *r, const struct keyring *kr, const char *level, const char *record_id,
		     char **json, size_t *len)
{
	struct crypto_key *dek = NULL;
	uint8_t *ct = NULL, *pt = NULL;
	size_t ctlen, ptlen;
	int rc;

	rc = catalog_get_record(r->cat, record_id, &ct, &ctlen);
	if (rc)
		return rc;
	rc = level ? seal_unseal(r, kr, level, record_id, &dek) : seal_unseal_highest(r, kr, record_id, &dek, NULL);
	if (rc)
		goto out;
	rc = crypto_record_open(dek, record_id, ct, ctlen, &pt, &ptlen);
	if (rc) {
		rc = rc == -ENOMEM ? rc : meta_fail(-EIO, "sealed record %s does not open", record_id);
		goto out;
	}
	*json = (char *)pt;
	*len = ptlen;
out:
	crypto_key_free(dek);
	free(ct);
	return rc;
}

int seal_write_record(struct reg *r, const char *record_id, const char *json, size_t len, int from)
{
	struct crypto_key *dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
	uint8_t *ct = NULL;
	size_t ctlen;
	int rc;

	if (!dek)
		return -ENOMEM;
	rc = crypto_record_seal(dek, record_id, json, len, &ct, &ctlen);
	if (rc == 0)
		rc = catalog_put_record(r->cat, record_id, ct, ctlen);
	if (rc == 0)
		rc = catalog_delete_seals(r->cat, record_id, NULL);
	if (rc == 0)
		rc = seal_put(r, record_id, dek, from);
	crypto_key_free(dek);
	free(ct);
	return rc;
}

int seal_mask(struct crypto_key *dek, const struct crypto_key *p)
{
	return p ? crypto_key_xor(dek, p) : 0;
}

int seal_mask_object(struct reg *r, const struct keyring *kr, const char *object, const struct crypto_key *p)
{
	const struct policy *pol = r->policy;
	struct crypto_key *dek = NULL;
	uint8_t seal[CRYPTO_SEAL_BYTES];
	int rc;

	rc = seal_unseal_highest(r, kr, object, &dek, NULL);
	if (rc == 0)
		rc = seal_mask(dek, p);
	for (size_t i = 0; rc == 0 && i < pol->n_levels; i++) {
		rc = catalog_get_seal(r->cat, object, pol->levels[i].name, seal);
		if (rc == -ENOENT) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = crypto_seal_dek(dek, r->pk[i], seal);
		if (rc == 0)
			rc = catalog_put_seal(r->cat, object, pol->levels[i].name, seal);
	}
	crypto_key_free(dek);
	return rc;
}

static void count(struct seal_stats *st, long added, long removed)
{
	if (st) {
		st->added += added;
		st->removed += removed;
	}
}

/* seal_reconcile against target t; *changed set when a seal came or went. */
static int reconcile(struct reg *r, const struct target *t, const struct keyring *kr, const char *object, int from,
		     const char *owner, struct seal_stats *st, int *changed)
{
	const struct policy *pol = t->pol;
	struct crypto_key *dek = NULL;
	uint8_t seal[CRYPTO_SEAL_BYTES];
	int rc = 0;

	for (size_t i = 0; i < pol->n_levels; i++) {
		const char *level = pol->levels[i].name;
		int want = (int)i >= from, has;

		rc = catalog_get_seal(r->cat, object, level, seal);
		if (rc && rc != -ENOENT) {
			rc = meta_fail(rc, "cannot read the seals of %s: %s", object, strerror(-rc));
			goto out;
		}
		has = rc == 0;
		rc = 0;
		if (has && !want) {
			rc = catalog_delete_seals(r->cat, object, level);
			if (rc) {
				rc = meta_fail(rc, "cannot delete the %s seal of %s: %s", level, object, strerror(-rc));
				goto out;
			}
			count(st, 0, 1);
			*changed = 1;
		} else if (!has && want) {
			if (!dek) {
				meta_clear_error();
				rc = seal_unseal_highest(r, kr, object, &dek, NULL);
				if (rc == -ENOKEY || rc == -EACCES) {
					rc = meta_fail(-ENOKEY, "%s needs a seal for level %s, which needs the key of level %s",
						       owner, level, pol->levels[pol->rights_level].name);
					goto out;
				}
				if (rc) {
					rc = meta_fail(rc, "cannot unseal %s of %s: %s", object, owner,
						       *meta_errmsg() ? meta_errmsg() : strerror(-rc));
					goto out;
				}
			}
			rc = crypto_seal_dek(dek, t->pk[i], seal);
			if (rc == 0)
				rc = catalog_put_seal(r->cat, object, level, seal);
			if (rc) {
				rc = meta_fail(rc, "cannot seal %s for level %s: %s", object, level, strerror(-rc));
				goto out;
			}
			count(st, 1, 0);
			*changed = 1;
		}
	}
out:
	crypto_key_free(dek);
	return rc;
}

int seal_reconcile(struct reg *r, const struct keyring *kr, const char *object, int from, const char *owner,
		   struct seal_stats *st)
{
	return seal_reconcile_to(r, r->policy, (const uint8_t (*)[CRYPTO_PK_BYTES])r->pk, kr, object, from, owner, st);
}

struct art_kinds {
	struct idlist ids;
	enum seal_kind *kind;	/* per id */
};

static int collect_art(const struct cat_artifact *a, void *ctx)
{
	struct art_kinds *k = ctx;

	k->kind = xrealloc(k->kind, (k->ids.n + 1) * sizeof(*k->kind));
	k->kind[k->ids.n] = seal_kind_of_role(a->role);
	idlist_add(&k->ids, a->id);
	return 0;
}

/* seal_reconcile_recording against target t. */
static int reconcile_recording(struct reg *r, const struct target *t, const struct keyring *kr,
			       const struct cat_recording *rec, struct seal_stats *st, int *changed)
{
	struct art_kinds arts = { 0 };
	int rc;

	/* Listed first: no walk of the catalog stays open while seals change. */
	rc = catalog_each_artifact(r->cat, rec->id, collect_art, &arts);
	if (rc)
		rc = meta_fail(rc, "cannot list the artifacts of %s: %s", rec->id, strerror(-rc));
	for (size_t i = 0; rc == 0 && i < arts.ids.n; i++)
		rc = reconcile(r, t, kr, arts.ids.id[i], seal_level_of(t->pol, rec, arts.kind[i]), rec->id, st,
			       changed);
	if (rc == 0 && rec->details_id[0])
		rc = reconcile(r, t, kr, rec->details_id, seal_level_of(t->pol, rec, SEAL_DETAILS), rec->id, st,
			       changed);
	idlist_free(&arts.ids);
	free(arts.kind);
	return rc;
}

int seal_reconcile_recording(struct reg *r, const struct keyring *kr, const struct cat_recording *rec,
			     struct seal_stats *st)
{
	return seal_reconcile_recording_to(r, r->policy, (const uint8_t (*)[CRYPTO_PK_BYTES])r->pk, kr, rec, st);
}

int seal_reconcile_to(struct reg *r, const struct policy *pol, const uint8_t (*pk)[CRYPTO_PK_BYTES],
		      const struct keyring *kr, const char *object, int from, const char *owner, struct seal_stats *st)
{
	const struct target t = { pol, pk };
	int changed = 0, rc = reconcile(r, &t, kr, object, from, owner, st, &changed);

	if (st && changed)
		st->changed++;
	return rc;
}

int seal_reconcile_recording_to(struct reg *r, const struct policy *pol, const uint8_t (*pk)[CRYPTO_PK_BYTES],
				const struct keyring *kr, const struct cat_recording *rec, struct seal_stats *st)
{
	const struct target t = { pol, pk };
	int changed = 0, rc = reconcile_recording(r, &t, kr, rec, st, &changed);

	if (st && changed)
		st->changed++;
	return rc;
}
