/*
 * crypto.c - the only file of recfs that calls libsodium's primitives.
 *
 * Invariants: every secret this module hands out lives in sodium_malloc
 * memory (struct crypto_key, crypto_secure_alloc) and is wiped when freed;
 * every temporary that held a secret (a derived key, a hash state, a failed
 * decryption) is wiped with sodium_memzero before the function returns, on
 * error paths too.  libsodium reports failure as -1; sodium_rc() turns
 * that into an errno and is the one place that does.  The sizes in
 * crypto.h are asserted below to be libsodium's, so a change of primitive
 * is a change of this file and of the format versions.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "util.h"

/* crypto.h's sizes are the on-disk formats' and must be libsodium's. */
_Static_assert(CRYPTO_DEK_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "DEK size");
_Static_assert(CRYPTO_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(CRYPTO_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag size");
_Static_assert(CRYPTO_PK_BYTES == crypto_box_PUBLICKEYBYTES, "public key size");
_Static_assert(CRYPTO_SK_BYTES == crypto_box_SECRETKEYBYTES, "secret key size");
_Static_assert(CRYPTO_SEAL_BYTES == crypto_box_SEALBYTES + CRYPTO_DEK_BYTES, "seal size");
_Static_assert(CRYPTO_INDEX_KEY_BYTES == crypto_generichash_KEYBYTES, "index key size");
_Static_assert(CRYPTO_MAC_BYTES >= crypto_generichash_BYTES_MIN &&
		       CRYPTO_MAC_BYTES <= crypto_generichash_BYTES_MAX, "MAC size");
_Static_assert(CRYPTO_HASH_BYTES == crypto_generichash_BYTES, "hash size");
_Static_assert(CRYPTO_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(CRYPTO_PASS_KEY_BYTES == crypto_secretbox_KEYBYTES, "passphrase key size");
_Static_assert(CRYPTO_EVOLVE_KEY_BYTES == crypto_kdf_KEYBYTES, "audit sealing key size");
_Static_assert(CRYPTO_PASS_OPS_MIN == crypto_pwhash_OPSLIMIT_MIN, "Argon2id minimum passes");
_Static_assert(CRYPTO_PASS_MEM_MIN == crypto_pwhash_MEMLIMIT_MIN, "Argon2id minimum memory");

/* What libsodium's -1 means depends on the call that returned it. */
enum sodium_failure {
	REJECTED,  /* an opening or a seal: not made with this key, altered, or not a valid key */
	NO_MEMORY, /* Argon2id: it could not get its memory */
	MALFORMED, /* a decoder: the text is not what it should be */
	UNUSABLE,  /* sodium_init: libsodium cannot work on this system */
};

/* libsodium's return convention -> 0 or a negative errno, in exactly one
 * place. */
static int sodium_rc(int r, enum sodium_failure what)
{
	if (r == 0)
		return 0;
	if (r != -1)
		return -EIO;
	switch (what) {
	case REJECTED:
		return -EBADMSG;
	case NO_MEMORY:
		return -ENOMEM;
	case MALFORMED:
		return -EINVAL;
	default:
		return -EIO;
	}
}

int crypto_setup(void)
{
	int r = sodium_init();

	/* 1: initialised before, which is fine. */
	if (sodium_rc(r == 1 ? 0 : r, UNUSABLE))
		return meta_fail(-EIO, "libsodium failed to initialise");
	return 0;
}

/*
 * Small keys (data keys, level keys, index keys: at most KEY_SLOT bytes)
 * come from slabs of guarded memory, one sodium_malloc per SLAB_SLOTS keys:
 * a sodium_malloc costs about ten system calls (mmap, mprotect, mlock and
 * back), which the mount would otherwise pay twice on every open.  A freed
 * slot is wiped at once.  Slabs live as long as the process; they are
 * locked again in a forked child, which does not inherit mlock.
 */
#define KEY_SLOT 64
#define SLAB_SLOTS 256

struct slab {
	struct slab *next;
	unsigned char *mem;		/* crypto_secure_alloc(SLAB_SLOTS * KEY_SLOT) */
	unsigned n_free;
	unsigned short free[SLAB_SLOTS];
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slab *slabs;		/* protected by pool_lock */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void relock_slabs(void)
{
	for (struct slab *sl = slabs; sl; sl = sl->next)
		(void)sodium_mlock(sl->mem, SLAB_SLOTS * KEY_SLOT);
}

static void register_atfork(void)
{
	(void)pthread_atfork(NULL, NULL, relock_slabs);
}

static unsigned char *slot_alloc(struct slab **owner)
{
	struct slab *sl;

	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&pool_lock);
	for (sl = slabs; sl && !sl->n_free; sl = sl->next)
		;
	if (!sl) {
		sl = calloc(1, sizeof(*sl));
		if (sl)
			sl->mem = crypto_secure_alloc(SLAB_SLOTS * KEY_SLOT);
		if (!sl || !sl->mem) {
			free(sl);
			pthread_mutex_unlock(&pool_lock);
			return NULL;
		}
		for (unsigned i = 0; i < SLAB_SLOTS; i++)
			sl->free[i] = (unsigned short)(SLAB_SLOTS - 1 - i);
		sl->n_free = SLAB_SLOTS;
		sl->next = slabs;
		slabs = sl;
	}
	unsigned char *p = sl->mem + (size_t)sl->free[--sl->n_free] * KEY_SLOT;
	pthread_mutex_unlock(&pool_lock);
	*owner = sl;
	return p;
}

static void slot_free(struct slab *sl, unsigned char *p)
{
	sodium_memzero(p, KEY_SLOT);
	pthread_mutex_lock(&pool_lock);
	sl->free[sl->n_free++] = (unsigned short)((size_t)(p - sl->mem) / KEY_SLOT);
	pthread_mutex_unlock(&pool_lock);
}

/*
 * Every guarded allocation is listed (the slabs are among them), so that a
 * child that will use no secret can wipe its copies of them all
 * (crypto_wipe_all).  A list entry per allocation is cheap: they are few
 * (a slab holds SLAB_SLOTS keys) and live long.
 */
struct secure_block {
	struct secure_block *next;
	void *p;
	size_t len;
};

static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;	/* slot_alloc holds pool_lock */
static struct secure_block *secure_blocks;	/* protected by block_lock */

void *crypto_secure_alloc(size_t len)
{
	struct secure_block *b;
	void *p;

	/* sodium_malloc needs the page size that sodium_init() records;
	 * sodium_init() is idempotent and cheap after the first call. */
	if (sodium_init() < 0)
		return NULL;
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	/* sodium_malloc(0) is allowed to fail; keep a byte so an empty
	 * plaintext is still a valid key object. */
	p = sodium_malloc(len ? len : 1);
	if (!p) {
		free(b);
		return NULL;
	}
	sodium_memzero(p, len ? len : 1);
	b->p = p;
	b->len = len ? len : 1;
	pthread_mutex_lock(&block_lock);
	b->next = secure_blocks;
	secure_blocks = b;
	pthread_mutex_unlock(&block_lock);
	return p;
}

void crypto_secure_free(void *p)
{
	struct secure_block **bp, *b = NULL;

	if (!p)
		return;
	pthread_mutex_lock(&block_lock);
	for (bp = &secure_blocks; *bp; bp = &(*bp)->next)
		if ((*bp)->p == p) {
			b = *bp;
			*bp = b->next;
			break;
		}
	pthread_mutex_unlock(&block_lock);
	free(b);
	sodium_free(p); /* wipes the whole allocation */
}

void crypto_wipe_all(void)
{
	/* No lock: the caller is a child of fork(), one thread, and a lock
	 * another thread of the parent held at fork() stays held here. */
	for (struct secure_block *b = secure_blocks; b; b = b->next)
		sodium_memzero(b->p, b->len);
}

void crypto_memzero(void *p, size_t len)
{
	if (len)
		sodium_memzero(p, len);
}

void crypto_freezero(void *p, size_t len)
{
	if (p)
		crypto_memzero(p, len);
	free(p);
}

void crypto_free_string(char *s)
{
	crypto_freezero(s, s ? strlen(s) : 0);
}

struct crypto_key *crypto_key_new(size_t len, int random)
{
	struct crypto_key *k;

	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	if (len && len <= KEY_SLOT)
		k->bytes = slot_alloc((struct slab **)&k->slab);
	else
		k->bytes = crypto_secure_alloc(len);
	if (!k->bytes) {
		free(k);
		return NULL;
	}
	k->len = len;
	if (random)
		crypto_random(k->bytes, len);
	return k;
}

/* Both paths wipe the whole allocation, so callers may shorten k->len (a
 * NUL-terminated passphrase) without leaking. */
void crypto_key_free(struct crypto_key *k)
{
	if (!k)
		return;
	if (k->slab)
		slot_free(k->slab, k->bytes);
	else
		crypto_secure_free(k->bytes);
	free(k);
}

void crypto_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

void crypto_new_id(char out[RECFS_ID_HEX])
{
	uint8_t b[RECFS_ID_BYTES];

	crypto_random(b, sizeof(b));
	crypto_hex(out, b, sizeof(b));
}

void crypto_hex(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

int crypto_unhex(uint8_t *out, size_t n, const char *hex)
{
	size_t got;
	const char *end;
	int rc;

	if (strlen(hex) != n * 2)
		return -EINVAL;
	rc = sodium_rc(sodium_hex2bin(out, n, hex, n * 2, NULL, &got, &end), MALFORMED);
	if (rc == 0 && (got != n || *end))
		rc = -EINVAL;
	return rc;
}

int crypto_keypair(uint8_t pk[CRYPTO_PK_BYTES], struct crypto_key **sk)
{
	struct crypto_key *k = crypto_key_new(CRYPTO_SK_BYTES, 0);
	uint8_t p[CRYPTO_PK_BYTES];
	int rc;

	if (!k)
		return -ENOMEM;
	rc = sodium_rc(crypto_box_keypair(p, k->bytes), REJECTED);
	if (rc) {
		crypto_key_free(k);
		return rc;
	}
	memcpy(pk, p, sizeof(p));
	*sk = k;
	return 0;
}

int crypto_public_of(const struct crypto_key *sk, uint8_t pk[CRYPTO_PK_BYTES])
{
	if (!sk || sk->len != CRYPTO_SK_BYTES)
		return -EINVAL;
	return sodium_rc(crypto_scalarmult_base(pk, sk->bytes), REJECTED);
}

int crypto_seal_dek(const struct crypto_key *dek, const uint8_t pk[CRYPTO_PK_BYTES],
		    uint8_t out[CRYPTO_SEAL_BYTES])
{
	if (!dek || dek->len != CRYPTO_DEK_BYTES)
		return -EINVAL;
	return sodium_rc(crypto_box_seal(out, dek->bytes, dek->len, pk), REJECTED);
}

int crypto_unseal_dek(const uint8_t seal[CRYPTO_SEAL_BYTES], const uint8_t pk[CRYPTO_PK_BYTES],
		      const struct crypto_key *sk, struct crypto_key **dek)
{
	struct crypto_key *k = NULL;
	int rc;

	if (!sk || sk->len != CRYPTO_SK_BYTES)
		return -EINVAL;
	k = crypto_key_new(CRYPTO_DEK_BYTES, 0);
	if (!k)
		return -ENOMEM;
	rc = sodium_rc(crypto_box_seal_open(k->bytes, seal, CRYPTO_SEAL_BYTES, pk, sk->bytes), REJECTED);
	if (rc) {
		crypto_key_free(k);
		return rc;
	}
	*dek = k;
	return 0;
}

int crypto_aead_seal(uint8_t *ct, const uint8_t *pt, size_t len, const uint8_t *ad, size_t adlen,
		     const uint8_t nonce[CRYPTO_NONCE_BYTES], const struct crypto_key *dek)
{
	unsigned long long clen;

	if (!dek || dek->len != CRYPTO_DEK_BYTES)
		return -EINVAL;
	if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		return -EFBIG;
	return sodium_rc(crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, pt, len, ad, adlen, NULL,
								    nonce, dek->bytes), REJECTED);
}

int crypto_aead_open(uint8_t *pt, const uint8_t *ct, size_t ctlen, const uint8_t *ad, size_t adlen,
		     const uint8_t nonce[CRYPTO_NONCE_BYTES], const struct crypto_key *dek)
{
	unsigned long long plen;
	int rc;

	if (!dek || dek->len != CRYPTO_DEK_BYTES)
		return -EINVAL;
	if (ctlen < CRYPTO_TAG_BYTES)
		return -EBADMSG;
	rc = sodium_rc(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen, NULL, ct, ctlen, ad, adlen,
								  nonce, dek->bytes), REJECTED);
	if (rc)
		sodium_memzero(pt, ctlen - CRYPTO_TAG_BYTES);
	return rc;
}

size_t crypto_record_len(size_t ptlen)
{
	return CRYPTO_NONCE_BYTES + ptlen + CRYPTO_TAG_BYTES;
}

int crypto_record_seal(const struct crypto_key *dek, const char *label, const void *pt, size_t len,
		       uint8_t **out, size_t *outlen)
{
	size_t n = crypto_record_len(len);
	uint8_t *buf;
	int rc;

	if (!label || n < len)
		return -EINVAL;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	crypto_random(buf, CRYPTO_NONCE_BYTES);
	rc = crypto_aead_seal(buf + CRYPTO_NONCE_BYTES, pt, len, (const uint8_t *)label, strlen(label), buf,
			      dek);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

int crypto_record_open(const struct crypto_key *dek, const char *label, const uint8_t *in, size_t inlen,
		       uint8_t **pt, size_t *ptlen)
{
	size_t n;
	uint8_t *buf;
	int rc;

	if (!label)
		return -EINVAL;
	if (inlen < CRYPTO_NONCE_BYTES + CRYPTO_TAG_BYTES)
		return -EBADMSG;
	n = inlen - CRYPTO_NONCE_BYTES - CRYPTO_TAG_BYTES;
	buf = malloc(n + 1);
	if (!buf)
		return -ENOMEM;
	rc = crypto_aead_open(buf, in + CRYPTO_NONCE_BYTES, inlen - CRYPTO_NONCE_BYTES, (const uint8_t *)label,
			      strlen(label), in, dek);
	if (rc) {
		free(buf); /* already wiped by crypto_aead_open */
		return rc;
	}
	buf[n] = '\0';
	*pt = buf;
	*ptlen = n;
	return 0;
}

int crypto_pass_key(const char *pass, size_t passlen, const uint8_t salt[CRYPTO_SALT_BYTES],
		    unsigned long long opslimit, size_t memlimit, struct crypto_key **key)
{
	struct crypto_key *k;
	int rc;

	if (!pass || passlen > crypto_pwhash_PASSWD_MAX || opslimit < crypto_pwhash_OPSLIMIT_MIN ||
	    opslimit > crypto_pwhash_OPSLIMIT_MAX || memlimit < crypto_pwhash_MEMLIMIT_MIN ||
	    memlimit > crypto_pwhash_MEMLIMIT_MAX)
		return meta_fail(-EINVAL, "passphrase hashing: limits out of range");
	k = crypto_key_new(CRYPTO_PASS_KEY_BYTES, 0);
	if (!k)
		return -ENOMEM;
	rc = sodium_rc(crypto_pwhash(k->bytes, k->len, pass, passlen, salt, opslimit, memlimit,
				     crypto_pwhash_ALG_ARGON2ID13), NO_MEMORY);
	if (rc) {
		crypto_key_free(k);
		return meta_fail(rc, "passphrase hashing: cannot allocate %zu bytes", memlimit);
	}
	*key = k;
	return 0;
}

int crypto_key_evolve(struct crypto_key *k)
{
	static const char ctx[crypto_kdf_CONTEXTBYTES] = { 'r', 'e', 'c', 'f', 's', 'a', 'u', 'd' };
	struct crypto_key *next;
	int rc;

	if (!k || k->len != CRYPTO_EVOLVE_KEY_BYTES)
		return -EINVAL;
	next = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0);
	if (!next)
		return -ENOMEM;
	rc = sodium_rc(crypto_kdf_derive_from_key(next->bytes, next->len, 1, ctx, k->bytes), UNUSABLE);
	if (rc == 0)
		memcpy(k->bytes, next->bytes, k->len);
	crypto_key_free(next);
	return rc;
}

int crypto_key_xor(struct crypto_key *k, const struct crypto_key *mask)
{
	if (k->len != mask->len)
		return -EINVAL;
	for (size_t i = 0; i < k->len; i++)
		k->bytes[i] ^= mask->bytes[i];
	return 0;
}

/*
 * The only switch of the cost is at compile time: the test build (the
 * Makefile's build/test/, never installed) defines RECFS_TEST_CHEAP_PWHASH.
 * An installed binary reads no variable and no option that lowers it.
 */
void crypto_pass_limits(enum crypto_pass_cost cost, unsigned long long *ops, size_t *mem)
{
#ifdef RECFS_TEST_CHEAP_PWHASH
	(void)cost;
	*ops = crypto_pwhash_OPSLIMIT_MIN;
	*mem = crypto_pwhash_MEMLIMIT_MIN;
#else
	(void)cost;	/* one cost so far (crypto.h) */
	*ops = crypto_pwhash_OPSLIMIT_MODERATE;
	*mem = crypto_pwhash_MEMLIMIT_MODERATE;
#endif
}

int crypto_pass_limits_plausible(uint64_t ops, uint64_t mem)
{
	return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= 4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE &&
	       mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= 4 * (uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE;
}

int crypto_box_with_key(const struct crypto_key *key, const void *pt, size_t len, uint8_t **out,
			size_t *outlen)
{
	size_t n = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	uint8_t *buf;
	int rc;

	if (!key || key->len != CRYPTO_PASS_KEY_BYTES || n < len)
		return -EINVAL;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	crypto_random(buf, crypto_secretbox_NONCEBYTES);
	rc = sodium_rc(crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, pt, len, buf, key->bytes),
		       REJECTED);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

int crypto_unbox_with_key(const struct crypto_key *key, const uint8_t *in, size_t inlen,
			  struct crypto_key **pt)
{
	struct crypto_key *k;
	int rc;

	if (!key || key->len != CRYPTO_PASS_KEY_BYTES)
		return -EINVAL;
	if (inlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return -EBADMSG;
	k = crypto_key_new(inlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, 0);
	if (!k)
		return -ENOMEM;
	rc = sodium_rc(crypto_secretbox_open_easy(k->bytes, in + crypto_secretbox_NONCEBYTES,
						  inlen - crypto_secretbox_NONCEBYTES, in, key->bytes), REJECTED);
	if (rc) {
		crypto_key_free(k);
		return rc;
	}
	*pt = k;
	return 0;
}

/* A key of the wrong length here is a bug in the caller (keys come from
 * validated keyrings); a silent all-zero index would merge subjects. */
static void hash_init_or_die(crypto_generichash_state *st, const struct crypto_key *key, size_t outlen)
{
	const unsigned char *kb = key ? key->bytes : NULL;
	size_t kl = key ? key->len : 0;

	if (crypto_generichash_init(st, kb, kl, outlen) != 0) {
		fputs("recfs: crypto: bad hash key length (bug)\n", stderr);
		abort();
	}
}

void crypto_blind_index(const struct crypto_key *index_key, const char *kind, const char *normalised,
			uint8_t out[CRYPTO_MAC_BYTES])
{
	crypto_generichash_state st;

	hash_init_or_die(&st, index_key, CRYPTO_MAC_BYTES);
	/* The NUL keeps (kind, text) pairs unambiguous. */
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)normalised, strlen(normalised));
	crypto_generichash_final(&st, out, CRYPTO_MAC_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void crypto_keyed_hash(const struct crypto_key *key, const void *data, size_t len, uint8_t out[CRYPTO_MAC_BYTES])
{
	crypto_generichash_state st;

	hash_init_or_die(&st, key, CRYPTO_MAC_BYTES);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, out, CRYPTO_MAC_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* sodium_malloc aligns an allocation whose size is a multiple of 64 as
 * the state asks (CRYPTO_ALIGN(64)): the stream is the state alone. */
_Static_assert(sizeof(crypto_generichash_state) % 64 == 0, "generichash state size");

struct crypto_mac_stream *crypto_mac_stream_new(const struct crypto_key *key, const char *kind)
{
	crypto_generichash_state *st = crypto_secure_alloc(sizeof(*st));

	if (!st)
		return NULL;
	hash_init_or_die(st, key, CRYPTO_MAC_BYTES);
	/* As crypto_blind_index: the NUL ends the kind. */
	crypto_generichash_update(st, (const unsigned char *)kind, strlen(kind) + 1);
	return (struct crypto_mac_stream *)st;
}

void crypto_mac_stream_add(struct crypto_mac_stream *s, const void *data, size_t len)
{
	crypto_generichash_update((crypto_generichash_state *)s, data, len);
}

void crypto_mac_stream_end(struct crypto_mac_stream *s, uint8_t out[CRYPTO_MAC_BYTES])
{
	crypto_generichash_final((crypto_generichash_state *)s, out, CRYPTO_MAC_BYTES);
	crypto_secure_free(s);
}

void crypto_mac_stream_free(struct crypto_mac_stream *s)
{
	crypto_secure_free(s);
}

uint64_t crypto_short_hash(const uint8_t prefix[8], const char *s)
{
	/* "recfs short hash", without a terminating NUL */
	static const uint8_t key[crypto_shorthash_KEYBYTES] = { 'r', 'e', 'c', 'f', 's', ' ', 's', 'h',
								'o', 'r', 't', ' ', 'h', 'a', 's', 'h' };
	uint8_t stack[512], *in = stack, h[crypto_shorthash_BYTES];
	size_t len = strlen(s);
	uint64_t v = 0;
	int i;

	if (len > sizeof(stack) - 8)
		in = xrealloc(NULL, 8 + len);
	memcpy(in, prefix, 8);
	memcpy(in + 8, s, len);
	crypto_shorthash(h, in, 8 + len, key);
	if (in != stack)
		free(in);
	for (i = 0; i < 8; i++)
		v |= (uint64_t)h[i] << (8 * i);
	return v;
}

void crypto_hash_parts(uint8_t out[CRYPTO_HASH_BYTES], size_t nparts, const void *const *parts,
		       const size_t *lens)
{
	crypto_generichash_state st;

	hash_init_or_die(&st, NULL, CRYPTO_HASH_BYTES);
	for (size_t i = 0; i < nparts; i++)
		crypto_generichash_update(&st, parts[i], lens[i]);
	crypto_generichash_final(&st, out, CRYPTO_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* 1 when equal, 0 otherwise, in time independent of the contents. */
int crypto_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}
