/*
 * dek.c - the mount's one key path (dek.h): the caller's level, its seal,
 * the cache of unsealed keys (dekcache.c), and for a protected recording
 * the caller's unlock (unlock.c) that takes the mask off.
 *
 * Invariants: a key is taken from the cache or stored in it only under the
 * (object, level) of the caller's own level; a cached key is the seal's
 * content as unsealed (DEK ^ P for a protected recording), never a key
 * with a caller's unlock applied, so one uid's unlock never serves another;
 * the catalog is read under cat_lock and nothing else is done under it,
 * or through a connection of the calling thread's own (dek_get_via).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "caller.h"
#include "dek.h"
#include "dekcache_i.h"
#include "protect.h"
#include "recfs_i.h"
#include "seal.h"
#include "tree.h"
#include "unlock_i.h"

/*
 * Passphrase derivations at once, mount-wide.  Each holds the Argon2id
 * memory of the recording's lock (256 MiB at the cost recctl protect
 * sets) for about a second of a core, so this bounds what unlocks take
 * of the daemon; and a uid has one of them at most, so that one user's
 * guesses, however many processes make them, never hold them all.
 */
#define DEK_DERIVE_AT_ONCE 2
/*
 * Unlocks that wait for a place, mount-wide, one per uid: each holds a
 * FUSE worker thread while it waits, so that three users' guesses (each
 * protected recording has six names per view to guess through) could
 * hold every worker, and every other user's requests would wait with
 * them (atk18 F3).  Past these, an unlock is EBUSY at once.
 */
#define DEK_DERIVE_WAITING 2

struct deks {
	struct dekcache *cache;		/* thread-safe itself */
	struct unlocks *unlocks;	/* thread-safe itself */
	pthread_mutex_t gate;
	pthread_cond_t gate_free;
	uid_t deriving[DEK_DERIVE_AT_ONCE];	/* protected by gate */
	int n_deriving;				/* protected by gate */
	uid_t waiting[DEK_DERIVE_WAITING];	/* protected by gate */
	int n_waiting;				/* protected by gate */
};

int dek_new(size_t slots, struct deks **out)
{
	struct deks *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	pthread_mutex_init(&d->gate, NULL);
	pthread_cond_init(&d->gate_free, NULL);
	d->cache = dekcache_new(slots);
	d->unlocks = unlocks_new(PROTECT_UNLOCK_SECONDS);
	if (!d->cache || !d->unlocks) {
		dek_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void dek_free(struct deks *d)
{
	if (!d)
		return;
	dekcache_free(d->cache);
	unlocks_free(d->unlocks);
	pthread_cond_destroy(&d->gate_free);
	pthread_mutex_destroy(&d->gate);
	free(d);
}

static int holds(const uid_t *v, int n, uid_t uid)
{
	for (int i = 0; i < n; i++)
		if (v[i] == uid)
			return 1;
	return 0;
}

/*
 * A place given back while unlocks wait goes to the one that has waited
 * longest, handed over in dek_derive_leave before anyone else can take
 * it; and while any unlock waits, a newcomer waits behind it (or is EBUSY
 * when the waiting places are taken), even if a place is free for the
 * moment: so users who keep guessing never overtake a waiting user (atk19).
 * Hence unlocks wait only while both places are held.
 */
int dek_derive_enter(struct deks *d, uid_t uid)
{
	int rc = 0;

	pthread_mutex_lock(&d->gate);
	if (holds(d->deriving, d->n_deriving, uid) || holds(d->waiting, d->n_waiting, uid)) {
		rc = -EBUSY;
	} else if (d->n_deriving < DEK_DERIVE_AT_ONCE && d->n_waiting == 0) {
		d->deriving[d->n_deriving++] = uid;
	} else if (d->n_waiting == DEK_DERIVE_WAITING) {
		rc = -EBUSY;
	} else {
		/* in the order of arrival; dek_derive_leave moves the first
		 * one into a place given back */
		d->waiting[d->n_waiting++] = uid;
		while (!holds(d->deriving, d->n_deriving, uid))
			pthread_cond_wait(&d->gate_free, &d->gate);
	}
	pthread_mutex_unlock(&d->gate);
	return rc;
}

int dek_derive_waiting(struct deks *d)
{
	int n;

	pthread_mutex_lock(&d->gate);
	n = d->n_waiting;
	pthread_mutex_unlock(&d->gate);
	return n;
}

void dek_derive_leave(struct deks *d, uid_t uid)
{
	pthread_mutex_lock(&d->gate);
	for (int i = 0; i < d->n_deriving; i++)
		if (d->deriving[i] == uid) {
			d->deriving[i] = d->deriving[--d->n_deriving];
			break;
		}
	/* hand the places free to the waiters, the first come first */
	while (d->n_deriving < DEK_DERIVE_AT_ONCE && d->n_waiting > 0) {
		d->deriving[d->n_deriving++] = d->waiting[0];
		memmove(&d->waiting[0], &d->waiting[1], (size_t)(d->n_waiting - 1) * sizeof(d->waiting[0]));
		d->n_waiting--;
	}
	pthread_cond_broadcast(&d->gate_free);
	pthread_mutex_unlock(&d->gate);
}

void dek_forget_seals(struct deks *d)
{
	dekcache_clear(d->cache);
}

/* The seal of object for level, from the cache or unsealed and then kept
 * (fresh: unsealed, the cache neither asked nor given it); read through
 * cat (the caller's own connection), or fs->reg's under cat_lock when cat
 * is NULL. */
static int unseal(struct recfs *fs, struct catalog *cat, int level, const char *object, int fresh,
		  struct crypto_key **dek)
{
	const char *name = fs->reg->policy->levels[level].name;
	uint8_t seal[CRYPTO_SEAL_BYTES];
	uint64_t gen;
	int rc;

	*dek = fresh ? NULL : dekcache_get(fs->deks->cache, object, level, &gen);
	if (*dek)
		return 0;
	if (cat)
		rc = seal_get_from(cat, name, object, seal);
	else
		RECFS_LOCKED(&fs->cat_lock, rc, seal_get(fs->reg, name, object, seal));
	if (rc == 0)
		rc = seal_open(fs->kr, name, object, seal, dek);
	if (rc == 0 && !fresh)
		dekcache_put(fs->deks->cache, object, level, *dek, gen);
	return rc;
}

static int get(struct recfs *fs, struct catalog *cat, const struct caller *c, const struct tnode *n, int fresh,
	       struct crypto_key **out)
{
	struct crypto_key *unlock = NULL, *dek = NULL;
	int rc;

	if ((n->type != TN_FILE && n->type != TN_WAV) || !n->art || !tnode_rec(n))
		return -EACCES;
	if (c->level < 0 || (size_t)c->level >= fs->reg->policy->n_levels)
		return -EACCES;
	/* Protected: the level key and this uid's unlock (recctl unlock);
	 * asked first, so that a caller without one costs no unsealing. */
	if (tnode_rec(n)->row.locked) {
		unlock = unlocks_get(fs->deks->unlocks, c->uid, tnode_rec(n)->row.id);
		if (!unlock)
			return -ENOKEY;
	}
	rc = unseal(fs, cat, c->level, n->art->id, fresh, &dek);
	/* A protected recording's seals hold DEK ^ P; the unlock is P (protect.h). */
	if (rc == 0)
		rc = seal_mask(dek, unlock);
	if (rc == 0) {
		*out = dek;
		dek = NULL;
	}
	crypto_key_free(unlock);
	crypto_key_free(dek);
	return rc;
}

int dek_get(struct recfs *fs, const struct caller *c, const struct tnode *n, struct crypto_key **out)
{
	return get(fs, NULL, c, n, 0, out);
}

int dek_get_fresh(struct recfs *fs, const struct caller *c, const struct tnode *n, struct crypto_key **out)
{
	return get(fs, NULL, c, n, 1, out);
}

int dek_get_via(struct recfs *fs, struct catalog *cat, const struct caller *c, const struct tnode *n,
		struct crypto_key **out)
{
	return get(fs, cat, c, n, 0, out);
}

int dek_has_level_key(struct recfs *fs, const struct caller *c)
{
	const char *level = caller_level_name(c, fs->reg->policy);
	uint8_t pk[CRYPTO_PK_BYTES];

	return level && keyring_level(fs->kr, level, pk) != NULL;
}

int dek_read_record(struct recfs *fs, const struct caller *c, const char *record_id, char **json, size_t *len)
{
	const char *level = caller_level_name(c, fs->reg->policy);
	int rc;

	if (!level)
		return -EACCES;
	RECFS_LOCKED(&fs->cat_lock, rc, seal_read_record(fs->reg, fs->kr, level, record_id, json, len));
	return rc;
}

int dek_unlock(struct recfs *fs, const struct caller *c, const char *rec, const char *pass)
{
	const char *level = caller_level_name(c, fs->reg->policy);
	struct crypto_key *key = NULL;
	struct cat_lock lock;
	int rc;

	if (!level)
		return -EACCES;
	RECFS_LOCKED(&fs->cat_lock, rc, catalog_get_lock(fs->reg->cat, rec, &lock));
	if (rc == -ENOENT)
		rc = -EINVAL;	/* not a protected recording */
	if (rc == 0 && (rc = dek_derive_enter(fs->deks, c->limit)) == 0) {
		rc = protect_derive(&lock, pass, strlen(pass), &key);
		dek_derive_leave(fs->deks, c->limit);
	}
	if (rc == 0)
		RECFS_LOCKED(&fs->cat_lock, rc, protect_check(fs->reg, fs->kr, level, rec, key));
	if (rc == 0) {
		unlocks_put(fs->deks->unlocks, c->uid, rec, key);
		key = NULL;
	}
	crypto_key_free(key);
	return rc;
}

void dek_lock(struct deks *d, uid_t uid, const char *rec)
{
	unlocks_drop(d->unlocks, uid, rec);
}

int dek_unlocked(struct deks *d, uid_t uid, const char *rec)
{
	struct crypto_key *k = unlocks_get(d->unlocks, uid, rec);
	int held = k != NULL;

	crypto_key_free(k);
	return held;
}
