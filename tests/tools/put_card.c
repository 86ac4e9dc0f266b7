/*
 * put_card.c - write one field of a subject's card as it is, without the
 * checks of ingest and rectification: what a register from before a
 * check may hold (a name with a terminal's escape sequence), for a test
 * of what recctl shows of it.  Test build only; never installed.
 *
 *     put_card REGISTER KEYRING HANDLE FIELD [VALUE]
 *
 * Without VALUE the field is taken out of the card: a card an older recfs
 * made, without a key it holds now.
 *
 * KEYRING is a raw keyring that opens the card (the rights level's).
 * Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "crypto.h"
#include "keys.h"
#include "register.h"
#include "seal.h"
#include "util.h"

int main(int argc, char **argv)
{
	char card_id[RECFS_ID_HEX], *json = NULL, *text = NULL;
	struct keyring *kr = NULL;
	struct reg *r = NULL;
	json_t *card = NULL;
	size_t len = 0;
	int rc;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: put_card REGISTER KEYRING HANDLE FIELD [VALUE]\n");
		return 2;
	}
	if ((rc = reg_open(argv[1], &r)) || (rc = keyring_load(argv[2], NULL, &kr)) ||
	    (rc = catalog_get_subject(r->cat, argv[3], card_id)) ||
	    (rc = seal_read_record(r, kr, NULL, card_id, &json, &len)))
		goto out;
	card = json_loadb(json, len, 0, NULL);
	if (!json_is_object(card) ||
	    (argc == 6 ? json_object_set_new(card, argv[4], json_string(argv[5])) : json_object_del(card, argv[4])) ||
	    !(text = json_dumps(card, JSON_COMPACT))) {
		rc = -EIO;
		goto out;
	}
	if ((rc = catalog_begin(r->cat)))
		goto out;
	rc = seal_write_record(r, card_id, text, strlen(text), seal_level_for(r->policy, NULL, SEAL_CARD));
	if (rc == 0)
		rc = catalog_commit(r->cat);
	else
		catalog_rollback(r->cat);
out:
	if (rc)
		fprintf(stderr, "put_card: %s\n", meta_strerror(rc));
	free(json);
	free(text);
	json_decref(card);
	keyring_free(kr);
	if (r)
		reg_close(r);
	return rc ? 1 : 0;
}
