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
 *
 * Reconciling compares the seals an object has with the range it should
 * have and changes only the difference: removing needs no key, so a
 * restriction holds with none, and a DEK is unsealed only when a seal is to
 * be added.  Applying a policy is the same reconciliation against the new
 * policy's levels and keys, for every recording and card, in one
 * transaction with the audit entries and the policy file's replacement.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rights.h"
#include "seal.h"
#include "subject.h"

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

int seal_card_from(struct reg *r, const struct policy *to, const char *handle)
{
	char *name = NULL;
	int rc = catalog_get_subject_level(r->cat, handle, &name), l;

	if (rc)
		return rc;
	if (!name)
		return to->details_level;
	l = policy_level_index(to, name);
	free(name);
	/* a level the policy no longer has: the rights level's alone */
	if (l < 0)
		return to->rights_level;
	return l > to->details_level ? l : to->details_level;
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

int seal_get_from(struct catalog *c, const char *level, const char *object, uint8_t seal[CRYPTO_SEAL_BYTES])
{
	int rc = catalog_get_seal(c, object, level, seal);

	return rc == -ENOENT ? -EACCES : rc;
}

int seal_get(struct reg *r, const char *level, const char *object, uint8_t seal[CRYPTO_SEAL_BYTES])
{
	return seal_get_from(r->cat, level, object, seal);
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
						       meta_strerror(rc));
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

/*
 * A policy change.  What is to be resealed is listed inside the
 * transaction, so that a recording ingested meanwhile is not missed.
 */
struct plan {
	struct cat_recording *recs;	/* id, purpose, source, legal_basis, restricted_since and details_id only */
	size_t n_recs;
	char **handles;
	size_t n_handles;
};

static int plan_recording(const struct cat_recording *rec, void *ctx)
{
	struct plan *p = ctx;
	struct cat_recording *c;

	p->recs = xrealloc(p->recs, (p->n_recs + 1) * sizeof(*p->recs));
	c = memset(&p->recs[p->n_recs++], 0, sizeof(*c));
	memcpy(c->id, rec->id, sizeof(c->id));
	memcpy(c->details_id, rec->details_id, sizeof(c->details_id));
	c->purpose = xstrdup(rec->purpose);
	c->source = rec->source ? xstrdup(rec->source) : NULL;
	c->legal_basis = rec->legal_basis ? xstrdup(rec->legal_basis) : NULL;
	c->restricted_since = rec->restricted_since;
	return 0;
}

static int plan_subject(const char *handle, void *ctx)
{
	struct plan *p = ctx;

	p->handles = xrealloc(p->handles, (p->n_handles + 1) * sizeof(*p->handles));
	p->handles[p->n_handles++] = xstrdup(handle);
	return 0;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n_recs; i++)
		cat_recording_clear(&p->recs[i]);
	free(p->recs);
	for (size_t i = 0; i < p->n_handles; i++)
		free(p->handles[i]);
	free(p->handles);
}

static int plan_collect(struct reg *r, struct plan *p)
{
	int rc = catalog_each_recording(r->cat, plan_recording, p);

	if (rc)
		return meta_fail(rc, "cannot list recordings: %s", strerror(-rc));
	rc = catalog_each_subject(r->cat, plan_subject, p);
	if (rc)
		return meta_fail(rc, "cannot list subjects: %s", strerror(-rc));
	return 0;
}

/* Append line (malloc'd, taken) to *text. */
static void add_line(char **text, char *line)
{
	char *t = xasprintf("%s%s\n", *text ? *text : "", line);

	free(*text);
	free(line);
	*text = t;
}

/* What np would strand: one problem a line (malloc'd), or NULL when
 * nothing. */
static char *strands(const struct reg *r, const struct policy *np, const struct plan *p)
{
	const struct policy *op = r->policy;
	const char *file = np->path ? np->path : "the new policy";
	char *text = NULL;

	for (size_t i = 0; i < op->n_levels; i++)
		if (policy_level_index(np, op->levels[i].name) < 0)
			add_line(&text, xasprintf("%s: level %s is missing; levels cannot be removed "
						  "(their seals would be stranded)", file, op->levels[i].name));
	if (strcmp(op->levels[op->rights_level].name, np->levels[np->rights_level].name))
		add_line(&text, xasprintf("%s: the rights level changes from %s to %s; it cannot change", file,
					  op->levels[op->rights_level].name, np->levels[np->rights_level].name));
	for (size_t i = 0; i < p->n_recs; i++) {
		if (policy_purpose_index(np, p->recs[i].purpose) < 0) {
			add_line(&text, xasprintf("%s: purpose %s is missing but recording %s has it; erase or keep it first",
						  file, p->recs[i].purpose, p->recs[i].id));
			break;
		}
	}
	/* A source whose recordings are kept stays in the notice (Art. 14(2)(f)). */
	for (size_t i = 0; i < p->n_recs; i++) {
		if (p->recs[i].source && policy_source_index(np, p->recs[i].source) < 0) {
			add_line(&text, xasprintf("%s: source %s is missing but recording %s has it; erase or keep it first",
						  file, p->recs[i].source, p->recs[i].id));
			break;
		}
	}
	/* Explicit consent (Art. 9(2)(a)) holds only recordings on consent
	 * (policy.c check_special): one kept on another basis would be said
	 * to rest on a consent that its withdrawal does not erase it for. */
	for (size_t i = 0; i < p->n_recs; i++) {
		int pi = policy_purpose_index(np, p->recs[i].purpose);

		if (pi >= 0 && np->purposes[pi].special_condition == POLICY_EXPLICIT_CONSENT && p->recs[i].legal_basis &&
		    strcmp(p->recs[i].legal_basis, "consent")) {
			add_line(&text, xasprintf("%s: purpose %s has special_condition explicit_consent, but recording %s "
						  "of it rests on %s; erase it first, or give the purpose another condition",
						  file, p->recs[i].purpose, p->recs[i].id, p->recs[i].legal_basis));
			break;
		}
	}
	return text;
}

/* Each recording the catalog holds unrestricted that the audit log holds
 * restricted (audit_restricted_unsaid: restricted_since cleared outside
 * recfs): a policy applied with the rights keyring would seal it for the
 * levels below again, lifting a restriction nobody lifted.  A line each in
 * *text; catalog errors. */
static int unsaid_restrictions(struct reg *r, char **text)
{
	struct idlist ids = { 0 };
	int rc = audit_restricted_unsaid(r->cat, &ids);

	for (size_t i = 0; rc == 0 && i < ids.n; i++)
		add_line(text, xasprintf("recording %s is restricted by the audit log but not in the catalog (changed "
					 "outside recfs): a policy applied now would lift its restriction; recctl fsck "
					 "--repair restricts it again", ids.id[i]));
	idlist_free(&ids);
	return rc;
}

/* Log the refusal of an incompatible policy; -EINVAL with the first problem
 * in meta_errmsg.  The refusal stands even when it cannot be logged. */
static int refuse(struct reg *r, const struct audit_actor *a, const char *problems)
{
	if (audit_log(r->cat, a, "policy-apply", NULL, "refused", "incompatible policy"))
		meta_clear_error();
	return meta_fail(-EINVAL, "%.*s", (int)strcspn(problems, "\n"), problems);
}

int seal_policy_check(struct reg *r, const struct audit_actor *a, const struct policy *np, char **problems)
{
	struct plan p = { 0 };
	char *text = NULL;
	int rc = plan_collect(r, &p);

	if (rc == 0)
		text = strands(r, np, &p);
	if (rc == 0)
		rc = unsaid_restrictions(r, &text);
	if (rc == 0 && text) {
		rc = refuse(r, a, text);
		if (problems) {
			*problems = text;
			text = NULL;
		}
	}
	free(text);
	plan_free(&p);
	return rc;
}

/* Reconcile one recording with t, logged as "reseal" when it changed. */
static int reseal_recording(struct reg *r, const struct target *t, const struct keyring *kr,
			    const struct audit_actor *a, const struct cat_recording *rec, struct seal_stats *st)
{
	struct seal_stats mine = { 0 };
	int changed = 0, rc = reconcile_recording(r, t, kr, rec, &mine, &changed);

	if (rc == 0 && changed) {
		char *reason = xasprintf("policy-apply: seals +%ld -%ld", mine.added, mine.removed);

		st->changed++;
		/* Seals alone changed: tell running mounts (catalog.h). */
		rc = catalog_touch_recording(r->cat, rec->id);
		if (rc == 0)
			rc = audit_log(r->cat, a, "reseal", rec->id, "ok", reason);
		free(reason);
		if (rc)
			rc = meta_fail(rc, "cannot write the audit log: %s", strerror(-rc));
	}
	count(st, mine.added, mine.removed);
	return rc;
}

/* Reconcile one subject's card with t, logged as "reseal" when it changed. */
static int reseal_card(struct reg *r, const struct target *t, const struct keyring *kr, const struct audit_actor *a,
		       const char *handle, struct seal_stats *st)
{
	char card[RECFS_ID_HEX];
	int changed = 0, rc;

	rc = catalog_get_subject(r->cat, handle, card);
	if (rc)
		return meta_fail(rc, "cannot read subject %s: %s", handle, strerror(-rc));
	rc = seal_card_from(r, t->pol, handle);
	if (rc >= 0)
		rc = reconcile(r, t, kr, card, rc, handle, st, &changed);
	if (rc == 0 && changed) {
		st->changed++;
		rc = audit_log(r->cat, a, "reseal", handle, "ok", "policy-apply: subject card");
		if (rc)
			rc = meta_fail(rc, "cannot write the audit log: %s", strerror(-rc));
	}
	return rc;
}

/* catalog_each_subject: stop at the first (1). */
static int any_subject(const char *handle, void *ctx)
{
	(void)handle;
	(void)ctx;
	return 1;
}

/* Every recording and card resealed for t, and the change logged. */
static int reseal_all(struct reg *r, const struct target *t, const struct keyring *kr, const struct audit_actor *a,
		      const struct plan *p, struct seal_stats *st)
{
	int n_new = 0, rc = 0;
	char *reason;

	for (size_t i = 0; rc == 0 && i < p->n_recs; i++)
		rc = reseal_recording(r, t, kr, a, &p->recs[i], st);
	for (size_t i = 0; rc == 0 && i < p->n_handles; i++)
		rc = reseal_card(r, t, kr, a, p->handles[i], st);
	/* A shorter max_retention brings a recording down to it (rights.h). */
	for (size_t i = 0; rc >= 0 && i < p->n_recs; i++) {
		rc = rights_fit_retention(r, a, t->pol, p->recs[i].id, "policy-apply", NULL);
		st->retention_lowered += rc == RIGHTS_FIT_LOWERED;
		st->retention_held += rc == RIGHTS_FIT_HELD;
		if (rc < 0)
			rc = meta_fail(rc, "cannot bring recording %s within max_retention: %s", p->recs[i].id,
				       strerror(-rc));
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < t->pol->n_levels; i++)
		n_new += policy_level_index(r->policy, t->pol->levels[i].name) < 0;
	reason = xasprintf("%d new levels; %ld objects resealed, seals +%ld -%ld; %ld retentions brought down to "
			   "max_retention, %ld kept beyond it by a legal hold",
			   n_new, st->changed, st->added, st->removed, st->retention_lowered, st->retention_held);
	rc = audit_log(r->cat, a, "policy-apply", NULL, "ok", reason);
	free(reason);
	return rc ? meta_fail(rc, "cannot write the audit log: %s", strerror(-rc)) : 0;
}

int seal_apply_policy(struct reg *r, const struct audit_actor *a, const struct policy *np,
		      const uint8_t (*npk)[CRYPTO_PK_BYTES], const struct keyring *kr, unsigned flags,
		      struct seal_stats *st)
{
	const struct target t = { np, npk };
	struct seal_stats s = { 0 };
	struct plan p = { 0 };
	uint8_t *text = NULL, *old = NULL;
	size_t len, old_len;
	char *target = reg_path(r, "policy.conf"), *problems = NULL, *why;
	int rc;

	rc = util_read_file(np->path, 1 << 20, &text, &len);
	if (rc) {
		rc = meta_fail(rc, "cannot read %s: %s", np->path, strerror(-rc));
		goto out;
	}
	rc = util_read_file(target, 1 << 20, &old, &old_len);
	if (rc) {
		rc = meta_fail(rc, "cannot read %s: %s", target, strerror(-rc));
		goto out;
	}
	rc = catalog_begin(r->cat);
	if (rc) {
		rc = meta_fail(rc, "cannot start a catalog transaction: %s", strerror(-rc));
		goto out;
	}
	rc = plan_collect(r, &p);
	if (rc == 0)
		problems = strands(r, np, &p);
	if (rc == 0)
		rc = unsaid_restrictions(r, &problems);
	if (rc == 0 && problems) {
		catalog_rollback(r->cat);
		rc = refuse(r, a, problems);
		goto out;
	}
	if (rc == 0)
		rc = reseal_all(r, &t, kr, a, &p, &s);
	if (rc) {
		catalog_rollback(r->cat);
		why = xstrdup(meta_errmsg());
		if (audit_log(r->cat, a, "policy-apply", NULL, "error", "reseal failed"))
			meta_clear_error();
		rc = meta_fail(rc, "%s", why);
		free(why);
		goto out;
	}
	if (flags & SEAL_DRY_RUN) {
		catalog_rollback(r->cat);
		goto done;
	}
	/* Another country code compares numbers by another rule: the blind
	 * index of the subjects already here wants a reindex (subject.h). */
	if (strcmp(r->policy->phone_country_code ? r->policy->phone_country_code : "",
		   np->phone_country_code ? np->phone_country_code : "") &&
	    catalog_each_subject(r->cat, any_subject, NULL) == 1 &&
	    (rc = catalog_set_meta(r->cat, SUBJECT_REINDEX_META, "phone_country_code changed"))) {
		catalog_rollback(r->cat);
		goto out;
	}
	/* Installed just before the commit: a failure of either leaves the
	 * old policy with the old seals. */
	rc = util_write_file_adopt(target, text, len, 0600);
	if (rc) {
		catalog_rollback(r->cat);
		rc = meta_fail(rc, "cannot install %s: %s", target, strerror(-rc));
		goto out;
	}
	rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		if (util_write_file_adopt(target, old, old_len, 0600))
			rc = meta_fail(rc, "cannot commit the catalog: %s; and the old policy could not be put back in %s",
				       strerror(-rc), target);
		else
			rc = meta_fail(rc, "cannot commit the catalog: %s; the old policy is back in place", strerror(-rc));
		goto out;
	}
done:
	if (st) {
		st->changed += s.changed;
		count(st, s.added, s.removed);
		st->retention_lowered += s.retention_lowered;
		st->retention_held += s.retention_held;
	}
out:
	plan_free(&p);
	free(problems);
	free(text);
	free(old);
	free(target);
	return rc;
}
