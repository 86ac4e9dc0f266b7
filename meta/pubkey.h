/*
 * pubkey.h - the public half of each level's key pair, kept in the
 * register so that ingest and policy changes can seal data keys for a
 * level without its secret key.
 *
 * File REGISTER/keys/<level>.pub: one line, 64 lower-case hex digits (the
 * X25519 public key) and a newline; mode 0600 in a 0700 folder.  Reading
 * also takes upper case and trailing blanks.
 */
#ifndef RECFS_PUBKEY_H
#define RECFS_PUBKEY_H

#include <stdint.h>

#include "crypto.h"
#include "util.h"

/*
 * 1 when level may name a level key, 0 otherwise: 1 to 255 bytes, no '/'
 * and no leading '.', so that keys/<level>.pub stays inside keys/.  The
 * keyrings hold only such names too.  level must not be NULL.
 */
int pubkey_valid_level_name(const char *level);

/*
 * Write pk as level's public key file under register_dir (creating keys/
 * when missing), atomically and durably, both with the owner and group of
 * the folder they are made in (util_mkdir_adopt, util_write_file_adopt).
 * Returns 0, -EINVAL (invalid level
 * name), or the errno of creating the folder or writing the file, with
 * meta_errmsg() naming the file.
 */
int pubkey_write(const char *register_dir, const char *level, const uint8_t pk[CRYPTO_PK_BYTES]) MUST_CHECK;
/*
 * Read level's public key from register_dir into pk (set only on success).
 * Returns 0, -EINVAL (invalid level name), -ENOENT (no such file), -EIO
 * (not one line of 64 hex digits), or another errno of reading it, with
 * meta_errmsg() naming the file.
 */
int pubkey_read(const char *register_dir, const char *level, uint8_t pk[CRYPTO_PK_BYTES]) MUST_CHECK;

#endif
