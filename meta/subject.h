/*
 * subject.h - data subjects: pseudonymous handles, sealed cards, and the
 * keyed blind index that matches a new recording's customer to a known one
 * without the catalog holding any phone number or e-mail in the clear.
 */
#ifndef RECFS_SUBJECT_H
#define RECFS_SUBJECT_H

#include "catalog.h"
#include "crypto.h"
#include "register.h"
#include "util.h"

/* The card fields; any may be NULL. */
struct subject_card {
	const char *name, *phone, *email, *organisation, *ref;
};

/*
 * Normalise an identifier for the blind index: phone -> '+' and digits
 * (a leading 00 becomes +), email -> trimmed lower-case, ref -> trimmed
 * lower-case.  -EINVAL when nothing is left.  out has outlen bytes.
 */
int subject_normalise(const char *kind, const char *in, char *out, size_t outlen) MUST_CHECK;

/*
 * Find the subject one of card's identifiers already names, or create a new
 * one (handle "S-" + 6 Crockford base32 characters, card sealed for levels
 * from details_from up, index entries for every identifier).  New
 * identifiers of a known subject are added to the index.  Must run inside
 * the caller's catalog transaction.
 */
int subject_resolve(struct reg *r, const struct crypto_key *index_key, const struct subject_card *card,
		    int details_from, char handle[CATALOG_HANDLE_MAX], int *created) MUST_CHECK;

/* Look up a subject by one identifier of the given kind ("phone", "email",
 * "ref"); -ENOENT when none. */
int subject_find(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		 char handle[CATALOG_HANDLE_MAX]) MUST_CHECK;

/* Card JSON of a subject as level, or as the highest level of kr that has
 * a seal on it when level is NULL (see seal_read_record). */
int subject_read_card(struct reg *r, const struct keyring *kr, const char *level, const char *handle,
		      char **json, size_t *len) MUST_CHECK;

#endif
