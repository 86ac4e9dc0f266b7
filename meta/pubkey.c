/*
 * pubkey.c - the register's public key files, REGISTER/keys/<level>.pub
 * (format in pubkey.h).
 *
 * Invariants: a level name reaches a path only after
 * pubkey_valid_level_name accepted it; a file is replaced atomically, so a
 * reader sees the old key or the new one; a key is handed out only when
 * the whole file parsed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pubkey.h"

/* A keyring stores a name's length in one byte (keys.h). */
#define NAME_BYTES_MAX 255
/* A public key file is one line; anything longer is not one. */
#define FILE_MAX 256

int pubkey_valid_level_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= NAME_BYTES_MAX && s[0] != '.' && !strchr(s, '/');
}

static char *public_path(const char *register_dir, const char *level)
{
	return xasprintf("%s/keys/%s.pub", register_dir, level);
}

int pubkey_write(const char *register_dir, const char *level, const uint8_t pk[CRYPTO_PK_BYTES])
{
	char line[CRYPTO_PK_BYTES * 2 + 2];
	char *dir = NULL, *path = NULL;
	int rc;

	if (!pubkey_valid_level_name(level))
		return meta_fail(-EINVAL, "invalid level name");
	dir = xasprintf("%s/keys", register_dir);
	path = public_path(register_dir, level);
	crypto_hex(line, pk, CRYPTO_PK_BYTES);
	line[CRYPTO_PK_BYTES * 2] = '\n';
	line[CRYPTO_PK_BYTES * 2 + 1] = '\0';
	rc = util_mkdir_p(register_dir, 0700);
	if (rc == 0 && (rc = util_mkdir_adopt(dir, 0700)) == -EEXIST)
		rc = 0;
	if (rc == 0)
		rc = util_write_file_adopt(path, line, CRYPTO_PK_BYTES * 2 + 1, 0600);
	if (rc)
		meta_fail(rc, "cannot write public key %s: %s", path, strerror(-rc));
	free(dir);
	free(path);
	return rc;
}

int pubkey_read(const char *register_dir, const char *level, uint8_t pk[CRYPTO_PK_BYTES])
{
	uint8_t *buf = NULL, tmp[CRYPTO_PK_BYTES];
	char *path = NULL;
	size_t len;
	int rc;

	if (!pubkey_valid_level_name(level))
		return meta_fail(-EINVAL, "invalid level name");
	path = public_path(register_dir, level);
	rc = util_read_file(path, FILE_MAX, &buf, &len);
	if (rc) {
		if (rc == -EFBIG)
			rc = -EIO;
		meta_fail(rc, "cannot read public key %s: %s", path, strerror(-rc));
		goto out;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (crypto_unhex(tmp, sizeof(tmp), (const char *)buf)) {
		rc = meta_fail(-EIO, "public key %s is malformed (want 64 hex digits)", path);
		goto out;
	}
	memcpy(pk, tmp, sizeof(tmp));
out:
	free(buf);
	free(path);
	return rc;
}
