/*
 * subject.c - handles, cards and the blind index.  A handle carries no
 * information about the person; a card is a sealed record; an index entry
 * is a keyed BLAKE2b of a normalised identifier, so matching needs the
 * ingest keyring's index key and the catalog alone reveals nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmem.h"
#include "seal.h"
#include "subject.h"

int subject_normalise(const char *kind, const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = in;

	if (!in || outlen < 2)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (!strcmp(kind, "phone")) {
		if (p[0] == '0' && p[1] == '0') {
			out[n++] = '+';
			p += 2;
		} else if (*p == '+') {
			out[n++] = '+';
			p++;
		}
		for (; *p && n + 1 < outlen; p++)
			if (isdigit((unsigned char)*p))
				out[n++] = *p;
		out[n] = '\0';
		return (n == 0 || (n == 1 && out[0] == '+')) ? -EINVAL : 0;
	}
	for (; *p && n + 1 < outlen; p++)
		out[n++] = (char)tolower((unsigned char)*p);
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return n ? 0 : -EINVAL;
}

static void new_handle(char out[CATALOG_HANDLE_MAX])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */
	uint8_t b[6];

	crypto_random(b, sizeof(b));
	out[0] = 'S';
	out[1] = '-';
	for (int i = 0; i < 6; i++)
		out[2 + i] = alphabet[b[i] & 31];
	out[8] = '\0';
}

struct ident {
	const char *kind;
	const char *value;
	uint8_t mac[CRYPTO_MAC_BYTES];
	int ok;
};

int subject_resolve(struct reg *r, const struct crypto_key *index_key, const struct subject_card *card,
		    int details_from, char handle[CATALOG_HANDLE_MAX], int *created)
{
	struct ident ids[3] = {
		{ .kind = "phone", .value = card->phone },
		{ .kind = "email", .value = card->email },
		{ .kind = "ref", .value = card->ref },
	};
	char found[CATALOG_HANDLE_MAX] = "", norm[256], card_id[RECFS_ID_HEX];
	json_t *j = NULL;
	char *text = NULL;
	int rc = 0;

	for (int i = 0; i < 3; i++) {
		if (!ids[i].value || subject_normalise(ids[i].kind, ids[i].value, norm, sizeof(norm)))
			continue;
		crypto_blind_index(index_key, ids[i].kind, norm, ids[i].mac);
		crypto_memzero(norm, sizeof(norm));
		ids[i].ok = 1;
		if (!found[0]) {
			rc = catalog_find_index(r->cat, ids[i].mac, found);
			if (rc && rc != -ENOENT)
				return rc;
			rc = 0;
		}
	}
	*created = !found[0];
	if (!found[0]) {
		/* A fresh handle; retry on the (unlikely) collision. */
		for (int tries = 0;; tries++) {
			new_handle(found);
			rc = catalog_get_subject(r->cat, found, card_id);
			if (rc == -ENOENT)
				break;
			if (rc)
				return rc;
			if (tries > 100)
				return meta_fail(-EEXIST, "cannot allocate a subject handle");
		}
		j = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "name", card->name, "phone", card->phone, "email",
			      card->email, "organisation", card->organisation, "ref", card->ref);
		text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (!text) {
			rc = -ENOMEM;
			goto out;
		}
		crypto_new_id(card_id);
		rc = seal_write_record(r, card_id, text, strlen(text), details_from);
		if (rc == 0)
			rc = catalog_put_subject(r->cat, found, card_id);
		if (rc)
			goto out;
	}
	for (int i = 0; i < 3; i++) {
		if (ids[i].ok && (rc = catalog_put_index(r->cat, ids[i].mac, found, ids[i].kind)))
			goto out;
	}
	snprintf(handle, CATALOG_HANDLE_MAX, "%s", found);
out:
	if (text) {
		crypto_memzero(text, strlen(text));
		jsonmem_free(text);
	}
	json_decref(j);
	return rc;
}

int subject_find(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		 char handle[CATALOG_HANDLE_MAX])
{
	uint8_t mac[CRYPTO_MAC_BYTES];
	char norm[256];
	int rc;

	rc = subject_normalise(kind, value, norm, sizeof(norm));
	if (rc)
		return rc;
	crypto_blind_index(index_key, kind, norm, mac);
	crypto_memzero(norm, sizeof(norm));
	return catalog_find_index(r->cat, mac, handle);
}

int subject_read_card(struct reg *r, const struct keyring *kr, const char *level, const char *handle,
		      char **json, size_t *len)
{
	char card_id[RECFS_ID_HEX];
	int rc = catalog_get_subject(r->cat, handle, card_id);

	if (rc)
		return rc;
	return seal_read_record(r, kr, level, card_id, json, len);
}
