/*
 * fuzz_keyring.c - keyring files (keys.h): the input is the file, loaded
 * as recfs and recctl load it.  A protected keyring is opened with the
 * passphrase of the seeds ("correct horse") only when the file asks for
 * Argon2id's minimum cost: the cost is the file's to choose (up to 4 GiB
 * and minutes by design), which would make the fuzzer measure Argon2id.
 * A keyring that loads must save and load again to the same keys.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"

#define PASS "correct horse"
/* Header, then salt, opslimit and memlimit of a protected keyring. */
#define OFF_OPS (12 + CRYPTO_SALT_BYTES)

static char *path, *again;
static struct crypto_key *pass;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	path = fuzz_path("in.keyring");
	again = fuzz_path("again.keyring");
	pass = crypto_key_new(strlen(PASS), 0);
	memcpy(pass->bytes, PASS, strlen(PASS));
	return 0;
}

static int cheap(const uint8_t *data, size_t size)
{
	return fuzz_le(data, size, OFF_OPS, 8) == CRYPTO_PASS_OPS_MIN &&
	       fuzz_le(data, size, OFF_OPS + 8, 8) <= 1024 * 1024;
}

static void same_keys(const struct keyring *a, const struct keyring *b)
{
	uint8_t pa[CRYPTO_PK_BYTES], pb[CRYPTO_PK_BYTES];
	const struct crypto_key *ia = keyring_index_key(a), *ib = keyring_index_key(b);

	FUZZ_ASSERT(keyring_level_count(a) == keyring_level_count(b));
	for (size_t i = 0; i < keyring_level_count(a); i++) {
		const char *name = keyring_level_name(a, i);
		const struct crypto_key *ka = keyring_level(a, name, pa), *kb = keyring_level(b, name, pb);

		FUZZ_ASSERT(ka && kb && ka->len == kb->len && !memcmp(ka->bytes, kb->bytes, ka->len));
		FUZZ_ASSERT(!memcmp(pa, pb, sizeof(pa)));
	}
	FUZZ_ASSERT(!ia == !ib);
	FUZZ_ASSERT(!ia || (ia->len == ib->len && !memcmp(ia->bytes, ib->bytes, ia->len)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyring *kr = NULL, *kr2 = NULL;
	int rc;

	fuzz_write(path, data, size);
	rc = keyring_load(path, cheap(data, size) ? pass : NULL, &kr);
	if (rc) {
		FUZZ_ASSERT(rc == -EIO || rc == -ENOKEY || rc == -EKEYREJECTED || rc == -ENOMEM);
		FUZZ_ASSERT(*keyring_strerror(rc));
		return 0;
	}
	FUZZ_ASSERT(keyring_is_protected(path) == (size > 9 && data[9] != 0));
	unlink(again);
	FUZZ_ASSERT(keyring_save(kr, again, NULL) == 0);
	FUZZ_ASSERT(keyring_load(again, NULL, &kr2) == 0);
	same_keys(kr, kr2);
	keyring_free(kr2);
	keyring_free(kr);
	return 0;
}
