/*
 * crypto.h - every use of libsodium in recfs goes through this module:
 * meta/crypto.c is the only file that includes <sodium.h>, and this header
 * does not, so no other file can call libsodium by accident.
 *
 * Primitives (fixed by the on-disk formats; changing one is a format bump):
 *   level keys     X25519 (crypto_box), DEKs sealed with crypto_box_seal
 *   data           XChaCha20-Poly1305-IETF (crypto_aead_xchacha20poly1305_ietf)
 *   passphrases    Argon2id (crypto_pwhash) -> crypto_secretbox key
 *   blind index    keyed BLAKE2b (crypto_generichash) over normalised text
 *   audit chain    BLAKE2b-256 (crypto_generichash)
 *   audit seals    keyed BLAKE2b-256 under a key that evolves one way,
 *                  K(i+1) = crypto_kdf_derive_from_key(K(i), 1, "recfsaud")
 *
 * Secret buffers handed out by this module (struct crypto_key,
 * crypto_secure_alloc) live in guarded memory (sodium_malloc: guard pages,
 * locked against swapping) and are wiped on free.  libsodium's -1 is
 * translated here, once: -EBADMSG for what does not open or verify,
 * -ENOMEM when Argon2id cannot get its memory.
 */
#ifndef RECFS_CRYPTO_H
#define RECFS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Sizes of the on-disk formats.  They are libsodium's sizes for the
 * primitives above, written out so that no other file needs <sodium.h>;
 * crypto.c asserts at compile time that each equals libsodium's.
 */
#define CRYPTO_DEK_BYTES 32U	     /* crypto_aead_xchacha20poly1305_ietf_KEYBYTES */
#define CRYPTO_NONCE_BYTES 24U	     /* crypto_aead_xchacha20poly1305_ietf_NPUBBYTES */
#define CRYPTO_TAG_BYTES 16U	     /* crypto_aead_xchacha20poly1305_ietf_ABYTES */
#define CRYPTO_PK_BYTES 32U	     /* crypto_box_PUBLICKEYBYTES */
#define CRYPTO_SK_BYTES 32U	     /* crypto_box_SECRETKEYBYTES */
#define CRYPTO_SEAL_BYTES (48U + CRYPTO_DEK_BYTES) /* crypto_box_SEALBYTES + the DEK */
#define CRYPTO_INDEX_KEY_BYTES 32U   /* crypto_generichash_KEYBYTES */
#define CRYPTO_MAC_BYTES 32U	     /* blind-index entries (keyed BLAKE2b) */
#define CRYPTO_HASH_BYTES 32U	     /* audit chain links (BLAKE2b-256) */
#define CRYPTO_SALT_BYTES 16U	     /* crypto_pwhash_SALTBYTES */
#define CRYPTO_PASS_KEY_BYTES 32U    /* crypto_secretbox_KEYBYTES: crypto_pass_key's keys */
#define CRYPTO_EVOLVE_KEY_BYTES 32U  /* crypto_kdf_KEYBYTES: the audit sealing key */

/* A secret of fixed length in guarded memory. */
struct crypto_key {
	size_t len;
	unsigned char *bytes; /* guarded memory: a slot of a shared slab, or its own */
	void *slab;	      /* private to crypto.c */
};

/* sodium_init(); call once before anything else (idempotent).  -EIO when
 * libsodium cannot initialise. */
int crypto_setup(void) MUST_CHECK;

/* Allocate a key of len bytes in guarded memory, random or zero.
 * NULL on out of memory.  Free with crypto_key_free (NULL is fine). */
struct crypto_key *crypto_key_new(size_t len, int random);
void crypto_key_free(struct crypto_key *k);

/*
 * Guarded memory for secrets that are not one key (an arena of keys):
 * len bytes (len 0 gives one) of zeroed guarded memory, NULL on out of
 * memory.  The caller owns it and releases it with crypto_secure_free,
 * which wipes the whole allocation first; crypto_secure_free(NULL) does
 * nothing.  Thread-safe.
 */
void *crypto_secure_alloc(size_t len);
void crypto_secure_free(void *p);
/*
 * Wipe every secret of this process: every key (struct crypto_key) and
 * every crypto_secure_alloc block, zeroed in place, their memory kept (a
 * key freed later is still freed well).  Only for a child of fork(2) that
 * will never use a key, right after the fork: it changes the child's copy
 * of the pages alone, and takes no lock (the child has one thread).
 */
void crypto_wipe_all(void);
/* Wipe len bytes at p in a way the compiler may not optimise away (p may be
 * NULL when len is 0).  Use it on every buffer that held a secret or
 * personal data, on error paths too. */
void crypto_memzero(void *p, size_t len);
/* Wipe len bytes at p (crypto_memzero), then free(3) it: a malloc'd buffer
 * that held a secret or personal data.  NULL is fine (len is not used). */
void crypto_freezero(void *p, size_t len);
/* crypto_freezero(s, strlen(s)) for a malloc'd string; NULL is fine. */
void crypto_free_string(char *s);

/* len bytes from the system's CSPRNG.  Cannot fail; thread-safe. */
void crypto_random(void *buf, size_t len);
/* A fresh random id (RECFS_ID_BYTES from crypto_random) as lower-case hex
 * into out, NUL-terminated; util_is_id accepts it. */
void crypto_new_id(char out[RECFS_ID_HEX]);

/* Lower-case hex of the n bytes at in into out (2n + 1 bytes,
 * NUL-terminated), in time independent of the bytes (safe on secrets). */
void crypto_hex(char *out, const uint8_t *in, size_t n);
/* Parse exactly 2n hex digits (either case, nothing else, NUL-terminated)
 * into out.  -EINVAL on anything else; out is then undefined. */
int crypto_unhex(uint8_t *out, size_t n, const char *hex) MUST_CHECK;

/* X25519 key pair: pk (CRYPTO_PK_BYTES) and a new sk key. */
int crypto_keypair(uint8_t pk[CRYPTO_PK_BYTES], struct crypto_key **sk) MUST_CHECK;
/* The public key of sk. */
int crypto_public_of(const struct crypto_key *sk, uint8_t pk[CRYPTO_PK_BYTES]) MUST_CHECK;

/*
 * Seal a DEK for a level public key (crypto_box_seal).  out is
 * CRYPTO_SEAL_BYTES.  Unseal with the level's key pair; -EBADMSG when the seal
 * was not made for this key or was altered.  *dek is new guarded memory.
 */
int crypto_seal_dek(const struct crypto_key *dek, const uint8_t pk[CRYPTO_PK_BYTES],
		    uint8_t out[CRYPTO_SEAL_BYTES]) MUST_CHECK;
int crypto_unseal_dek(const uint8_t seal[CRYPTO_SEAL_BYTES], const uint8_t pk[CRYPTO_PK_BYTES],
		      const struct crypto_key *sk, struct crypto_key **dek) MUST_CHECK;

/*
 * AEAD of one chunk or record: ct = pt || tag (len + CRYPTO_TAG_BYTES).
 * ct and pt may not overlap.  open: -EBADMSG on any authentication failure,
 * and pt is then wiped.
 */
int crypto_aead_seal(uint8_t *ct, const uint8_t *pt, size_t len, const uint8_t *ad, size_t adlen,
		     const uint8_t nonce[CRYPTO_NONCE_BYTES], const struct crypto_key *dek) MUST_CHECK;
int crypto_aead_open(uint8_t *pt, const uint8_t *ct, size_t ctlen, const uint8_t *ad, size_t adlen,
		     const uint8_t nonce[CRYPTO_NONCE_BYTES], const struct crypto_key *dek) MUST_CHECK;

/*
 * Sealed records (details, subject cards, audit payloads): small byte
 * strings encrypted under a DEK with a random nonce, bound to a label (the
 * record id) as additional data.  Format: nonce || ct || tag; length
 * crypto_record_len(len).  *pt from record_open is malloc'd, NUL-terminated
 * past *ptlen; the caller wipes (crypto_memzero) and frees it.
 */
size_t crypto_record_len(size_t ptlen);
int crypto_record_seal(const struct crypto_key *dek, const char *label, const void *pt, size_t len,
		       uint8_t **out, size_t *outlen) MUST_CHECK;
int crypto_record_open(const struct crypto_key *dek, const char *label, const uint8_t *in, size_t inlen,
		       uint8_t **pt, size_t *ptlen) MUST_CHECK;

/*
 * Passphrase protection: Argon2id of pass with salt and the limits of
 * crypto_pass_limits -> *key, a new crypto_key of CRYPTO_PASS_KEY_BYTES
 * (a secretbox key) that the caller frees.  opslimit/memlimit are stored
 * next to the salt so the cost can rise later.  -EINVAL when a limit is
 * out of libsodium's range, -ENOMEM when Argon2id cannot get its memory.
 */
int crypto_pass_key(const char *pass, size_t passlen, const uint8_t salt[CRYPTO_SALT_BYTES],
		    unsigned long long opslimit, size_t memlimit, struct crypto_key **key) MUST_CHECK;
/* secretbox with a random nonce: out = nonce || mac || ct. */
int crypto_box_with_key(const struct crypto_key *key, const void *pt, size_t len, uint8_t **out,
			size_t *outlen) MUST_CHECK;
/* Reverse; -EBADMSG for a wrong key / altered box.  *pt is new guarded
 * memory (crypto_key) holding the plaintext. */
int crypto_unbox_with_key(const struct crypto_key *key, const uint8_t *in, size_t inlen,
			  struct crypto_key **pt) MUST_CHECK;

/* Blind index: keyed BLAKE2b of normalised text, tagged by kind
 * ("phone", "email", "ref") so equal strings of different kinds differ. */
void crypto_blind_index(const struct crypto_key *index_key, const char *kind, const char *normalised,
			uint8_t out[CRYPTO_MAC_BYTES]);
/* Keyed hash of arbitrary bytes (dedup key of a manifest). */
void crypto_keyed_hash(const struct crypto_key *key, const void *data, size_t len, uint8_t out[CRYPTO_MAC_BYTES]);
/*
 * The keyed hash of bytes that come in pieces (an audio file as it is
 * stored): keyed BLAKE2b under key, tagged by kind as crypto_blind_index
 * is (kind, its NUL, then the pieces), so that it is no crypto_keyed_hash
 * of the same bytes.  _new
 * gives NULL when out of memory; its state lives in guarded memory.
 * _end writes the hash and frees the stream; _free (NULL is fine) drops
 * one unfinished.  Neither is thread-safe on one stream.
 */
struct crypto_mac_stream;
struct crypto_mac_stream *crypto_mac_stream_new(const struct crypto_key *key, const char *kind);
void crypto_mac_stream_add(struct crypto_mac_stream *s, const void *data, size_t len);
void crypto_mac_stream_end(struct crypto_mac_stream *s, uint8_t out[CRYPTO_MAC_BYTES]);
void crypto_mac_stream_free(struct crypto_mac_stream *s);
/*
 * A 64-bit hash of prefix (8 bytes) then s (a string), for ids that must
 * be stable and spread but need not be secret: SipHash-2-4 under a fixed
 * key, about a quarter of BLAKE2b's time on a name.  Anyone can compute
 * it, so it is no harder to collide on purpose than 64 bits of BLAKE2b.
 */
uint64_t crypto_short_hash(const uint8_t prefix[8], const char *s);
/* Unkeyed BLAKE2b-256 over a sequence of (ptr, len) parts. */
void crypto_hash_parts(uint8_t out[CRYPTO_HASH_BYTES], size_t nparts, const void *const *parts,
		       const size_t *lens);

/*
 * One step of the audit sealing key's one-way evolution, in place: k
 * becomes crypto_kdf_derive_from_key(k, 1, "recfsaud") (keyed BLAKE2b), and
 * the value it held is wiped; nothing can compute it back from the new one.
 * k must be CRYPTO_EVOLVE_KEY_BYTES long: -EINVAL otherwise (k unchanged);
 * -ENOMEM when no guarded memory is left (k unchanged).  Seals are made
 * with crypto_keyed_hash under the key of their epoch.
 */
int crypto_key_evolve(struct crypto_key *k) MUST_CHECK;

/* k ^= mask, byte by byte (equal lengths; -EINVAL otherwise).  A protected
 * recording's seals hold DEK ^ Argon2id(passphrase). */
int crypto_key_xor(struct crypto_key *k, const struct crypto_key *mask) MUST_CHECK;
/* libsodium's Argon2id cost levels that recfs uses.  Passphrase-protected
 * keyrings and protected recordings both take MODERATE: a recording's
 * passphrase guards its key as much as a keyring's does. */
enum crypto_pass_cost {
	CRYPTO_PASS_MODERATE,	 /* keyrings, protected recordings */
};
/* libsodium's minimum Argon2id limits (crypto_pwhash_OPSLIMIT_MIN and
 * _MEMLIMIT_MIN): every cost in the test build. */
#define CRYPTO_PASS_OPS_MIN 1U
#define CRYPTO_PASS_MEM_MIN 8192U
/*
 * The Argon2id limits of cost into *ops and *mem, for a new salt.  In a
 * build compiled with -DRECFS_TEST_CHEAP_PWHASH (the Makefile's test build,
 * build/test/, which the test suites run and make install never installs)
 * every cost is libsodium's minimum, so that tests stay fast; nothing else
 * changes the cost.  The limits are stored next to the salt, so what the
 * test build made opens in any build.
 */
void crypto_pass_limits(enum crypto_pass_cost cost, unsigned long long *ops, size_t *mem);
/* 1 when limits read back from a file are within reason (from libsodium's
 * minimum to four times its SENSITIVE cost), 0 otherwise: a damaged cost
 * must not make crypto_pass_key allocate without bound. */
int crypto_pass_limits_plausible(uint64_t ops, uint64_t mem);

/* 1 when the len bytes at a and b are equal, 0 otherwise, in time
 * independent of their contents: the comparison for secrets and MACs. */
int crypto_equal(const void *a, const void *b, size_t len);

#endif
