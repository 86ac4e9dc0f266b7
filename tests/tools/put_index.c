/*
 * put_index.c - replace a subject's blind-index entries of one kind by
 * the entry of a form given as it is: what a register from before a rule
 * change holds (a reference indexed with its separators before catalog
 * schema 18), for a test of how today's recctl finds and reindexes it.
 * Test build only; never installed.
 *
 *     put_index REGISTER KEYRING HANDLE KIND FORM
 *
 * KEYRING is a raw keyring holding the blind-index key (the ingest
 * keyring); FORM is the normalised text the older rule made of the value.
 * Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>

#include "catalog.h"
#include "crypto.h"
#include "keys.h"
#include "register.h"
#include "util.h"

int main(int argc, char **argv)
{
	uint8_t mac[CRYPTO_MAC_BYTES];
	struct keyring *kr = NULL;
	struct reg *r = NULL;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: put_index REGISTER KEYRING HANDLE KIND FORM\n");
		return 2;
	}
	if ((rc = reg_open(argv[1], &r)) || (rc = keyring_load(argv[2], NULL, &kr)))
		goto out;
	if (!keyring_index_key(kr)) {
		rc = -ENOKEY;
		goto out;
	}
	crypto_blind_index(keyring_index_key(kr), argv[4], argv[5], mac);
	if ((rc = catalog_begin(r->cat)))
		goto out;
	rc = catalog_drop_index_kind(r->cat, argv[3], argv[4]);
	if (rc == 0)
		rc = catalog_put_index(r->cat, mac, argv[3], argv[4]);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	else
		catalog_rollback(r->cat);
out:
	if (rc)
		fprintf(stderr, "put_index: %s\n", meta_strerror(rc));
	keyring_free(kr);
	if (r)
		reg_close(r);
	return rc ? 1 : 0;
}
