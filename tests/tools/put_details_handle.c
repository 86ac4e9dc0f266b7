/*
 * put_details_handle.c - write a handle into a recording's sealed details
 * in place of another, as the details of a register from before merge and
 * split rewrote them still read (they named the handle the merge or split
 * took the recording from), for a test of what fsck and an export make of
 * it.  Test build only; never installed.
 *
 *     put_details_handle REGISTER KEYRING RECORDING FROM TO
 *
 * KEYRING is a raw keyring of the rights level.  Exit status 0, or 1 with
 * a message (also when the details do not name FROM).
 */
#include <errno.h>
#include <stdio.h>

#include "catalog.h"
#include "keys.h"
#include "register.h"
#include "rights.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct keyring *kr = NULL;
	struct reg *r = NULL;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: put_details_handle REGISTER KEYRING RECORDING FROM TO\n");
		return 2;
	}
	if ((rc = reg_open(argv[1], &r)) || (rc = keyring_load(argv[2], NULL, &kr)) || (rc = catalog_begin(r->cat)))
		goto out;
	rc = rights_rename_in_details(r, kr, argv[3], argv[4], argv[5]);
	if (rc == 0)
		rc = meta_fail(-ENOENT, "the details of %s do not name %s", argv[3], argv[4]);
	if (rc == 1)
		rc = catalog_commit(r->cat);
	else
		catalog_rollback(r->cat);
out:
	if (rc)
		fprintf(stderr, "put_details_handle: %s\n", meta_strerror(rc));
	keyring_free(kr);
	if (r)
		reg_close(r);
	return rc ? 1 : 0;
}
