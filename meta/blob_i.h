/* blob_i.h - blob internals for tests: write with a fixed nonce and chunk
 * size, so the known-answer fixtures can be regenerated and compared byte
 * for byte. */
#ifndef RECFS_BLOB_I_H
#define RECFS_BLOB_I_H
#include "blob.h"
int blob_write_buffer_nonce(const char *path, const char *id, const struct crypto_key *dek, const void *buf,
			    uint64_t len, const uint8_t nonce[CRYPTO_NONCE_BYTES], uint32_t chunk) MUST_CHECK;
#endif
