/*
 * put_details_handle.c - write a recording's sealed details as a recfs
 * before 5 Dec wrote them: without the recording's id and its files'
 * (INGEST_DETAILS_RECORDING, INGEST_DETAILS_ARTIFACTS), and, with FROM
 * and TO different, naming TO where they named FROM, as the details of a
 * register from before merge and split rewrote them still read (they
 * named the handle the merge or split took the recording from), for a
 * test of what fsck and an export make of them.  Test build only; never
 * installed.
 *
 *     put_details_handle REGISTER KEYRING RECORDING FROM TO
 *
 * KEYRING is a raw keyring of the rights level.  Exit status 0, or 1 with
 * a message (also when the details do not name FROM).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "ingest.h"
#include "keys.h"
#include "register.h"
#include "seal.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct cat_recording rec = { 0 };
	struct keyring *kr = NULL;
	struct reg *r = NULL;
	char *json = NULL, *text = NULL;
	json_t *d = NULL, *x;
	size_t len = 0, i, n = 0;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: put_details_handle REGISTER KEYRING RECORDING FROM TO\n");
		return 2;
	}
	if ((rc = reg_open(argv[1], &r)) || (rc = keyring_load(argv[2], NULL, &kr)) ||
	    (rc = catalog_get_recording(r->cat, argv[3], &rec)) ||
	    (rc = seal_read_record(r, kr, NULL, rec.details_id, &json, &len)))
		goto out;
	d = json_loadb(json, len, 0, NULL);
	json_array_foreach(json_object_get(d, "subjects"), i, x)
		if (json_is_string(json_object_get(x, "handle")) &&
		    !strcmp(json_string_value(json_object_get(x, "handle")), argv[4]) &&
		    !json_object_set_new(x, "handle", json_string(argv[5])))
			n++;
	json_object_del(d, INGEST_DETAILS_RECORDING);
	json_object_del(d, INGEST_DETAILS_ARTIFACTS);
	if (!n)
		rc = meta_fail(-ENOENT, "the details of %s do not name %s", argv[3], argv[4]);
	else if (!(text = json_dumps(d, JSON_COMPACT)))
		rc = -ENOMEM;
	else if ((rc = catalog_begin(r->cat)) == 0) {
		rc = seal_write_record(r, rec.details_id, text, strlen(text), seal_level_of(r->policy, &rec, SEAL_DETAILS));
		if (rc == 0)
			rc = catalog_commit(r->cat);
		else
			catalog_rollback(r->cat);
	}
out:
	if (rc)
		fprintf(stderr, "put_details_handle: %s\n", meta_strerror(rc));
	free(json);
	free(text);
	json_decref(d);
	cat_recording_clear(&rec);
	keyring_free(kr);
	if (r)
		reg_close(r);
	return rc ? 1 : 0;
}
