/*
 * keys.h - keyrings: the secret keys of levels (and the blind-index key)
 * that a workstation, the mount or the ingest host holds, in memory and in
 * keyring files.  The public halves live in the register (pubkey.h); the
 * passphrase of a protected keyring comes from passphrase.h.
 *
 * Keyring file, format version 1 (little-endian):
 *   magic "RECFSKR1" (8) | version u8 = 1 | protection u8 | reserved u16
 *   protection 0 (raw; file must be mode 0600 or stricter): payload
 *   protection 1 (passphrase): salt (CRYPTO_SALT_BYTES) | opslimit u64 |
 *              memlimit u64 | crypto_box_with_key(Argon2id(pass), payload)
 *   payload: count u32, then per entry
 *              type u8 (1 level secret key, 2 blind-index key,
 *              3 a level's public key as issued: a pin) |
 *              namelen u8 | name | keylen u8 | key
 * The pins (recctl init writes every level's into every keyring) let a
 * holder of the keyring check REGISTER/keys/<level>.pub, which whoever
 * can write the register could replace with a key of their own and so
 * receive the key of every recording sealed after (reg_check_keyring).
 * The payload is only ever held in guarded memory.  Level names are those
 * pubkey_valid_level_name accepts.
 */
#ifndef RECFS_KEYS_H
#define RECFS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "util.h"

#define KEYS_INDEX_NAME "ingest"

struct keyring;

/* An empty keyring.  -ENOMEM. */
int keyring_new(struct keyring **out) MUST_CHECK;
void keyring_free(struct keyring *kr);

/* Add (a copy of) a level's secret key; replaces one of the same name. */
int keyring_add_level(struct keyring *kr, const char *level, const struct crypto_key *sk) MUST_CHECK;
/* Set (a copy of) the blind-index key. */
int keyring_set_index_key(struct keyring *kr, const struct crypto_key *key) MUST_CHECK;
/* Pin level's public key: the one the level was issued with (replaces a
 * pin of the same name).  -EINVAL on a bad name, -ENOMEM. */
int keyring_pin(struct keyring *kr, const char *level, const uint8_t pk[CRYPTO_PK_BYTES]) MUST_CHECK;
/* The public key kr knows for level: its pin, else the public half of its
 * secret key.  0, or -ENOENT when it knows neither. */
int keyring_public(const struct keyring *kr, const char *level, uint8_t pk[CRYPTO_PK_BYTES]) MUST_CHECK;
/* Pin in dst every public key src knows: its pins, and the public halves
 * of its secret keys (a keyring cut down to one level keeps what the
 * others knew, to check the register with).  -ENOMEM. */
int keyring_pin_all(struct keyring *dst, const struct keyring *src) MUST_CHECK;
/* Copy every key and pin of src into dst (later ones win). */
int keyring_merge(struct keyring *dst, const struct keyring *src) MUST_CHECK;

/* The level's secret key and its public key, or NULL when absent.  Owned by
 * the keyring; valid until keyring_free. */
const struct crypto_key *keyring_level(const struct keyring *kr, const char *level,
				       uint8_t pk[CRYPTO_PK_BYTES]);
/* The blind-index key, or NULL. */
const struct crypto_key *keyring_index_key(const struct keyring *kr);
/* Number of level keys and the name of the i-th (owned by the keyring). */
size_t keyring_level_count(const struct keyring *kr);
const char *keyring_level_name(const struct keyring *kr, size_t i);

/*
 * Write kr to path (atomically, mode 0600).  pass NULL writes a raw keyring;
 * otherwise the payload is sealed under Argon2id(pass) (MODERATE limits).
 */
int keyring_save(const struct keyring *kr, const char *path, const struct crypto_key *pass) MUST_CHECK;
/*
 * Load a keyring.  Returns -ENOENT (no file), -EIO (not a keyring, damaged),
 * -ENOKEY (passphrase needed but pass is NULL), -EKEYREJECTED (wrong
 * passphrase), -EPERM (raw keyring readable by group/others).
 */
int keyring_load(const char *path, const struct crypto_key *pass, struct keyring **out) MUST_CHECK;
/*
 * Load the keyrings at paths[0..n) and merge them into *out.  A
 * passphrase-protected one is opened with the passphrase that
 * passphrase_get gives from passfile or extpass, else asks on the terminal
 * ("Passphrase for PATH: "); a passphrase once given is tried first on the
 * next protected keyring.  On failure returns keyring_load's or
 * passphrase_get's errno (-ENOTTY: no way to ask) and *failed points at
 * the path that failed.  On success *warnings is what the caller should
 * warn of, malloc'd, one line ending in "\n" each, NULL when nothing (the
 * caller frees it): each file once, a protected keyring that others may
 * read, a keyring owned by a uid neither the effective uid nor root, and
 * passfile readable by group or others when it was read
 * (passphrase_file_warning).  Not refusals: a raw keyring that group or
 * others may read is (-EPERM).
 */
int keyring_load_all(char *const *paths, size_t n, const char *passfile, const char *extpass,
		     struct keyring **out, const char **failed, char **warnings) MUST_CHECK;
/* What a keyring_load / keyring_load_all errno means, for one-line errors. */
const char *keyring_strerror(int err);

/* 1 when the file at path is passphrase-protected, 0 when raw, <0 error. */
int keyring_is_protected(const char *path) MUST_CHECK;

#endif
