/*
 * rights.c - erasure, restriction, legal hold, retention and rectification:
 * the one code path each right takes, whoever asks (mount, sweep, recctl).
 *
 * Erasure is crypto-shredding: inside one transaction every seal of every
 * object of the recording is deleted (secure_delete overwrites the bytes),
 * then its rows, and with them the sealed records the recording or subject
 * owns (rectification histories, catalog_owned_records), and its blobs are
 * listed as pending unlinks; after the commit the WAL is checkpointed and
 * truncated so no old frame keeps a seal, and only then are the blob files
 * unlinked and struck off the list.  A crash after the commit leaves the
 * list, which the next reg_open of any tool finishes (register.h): no
 * ciphertext outlives its erasure.
 *
 * Restriction and its lift reconcile the recording's seals with the rule
 * (seal_reconcile_recording): restriction deletes the seals of every level
 * below the rights level, needs no key and so holds on a workstation with a
 * stale policy too; lifting needs the rights level's key to unseal and
 * re-seal.
 *
 * The reason of a restriction or a legal hold is free text and may name a
 * person: it is sealed for the rights level alone, as a record the
 * recording owns (so erasing the recording erases it), and the catalog row
 * and the audit entry name that record ("sealed=ID"), never the text.
 * Replacing, releasing or lifting erases the old record in the same
 * transaction; the WAL is truncated after it.
 *
 * A rectified phone number, e-mail or reference moves in the blind index
 * in the rectification's transaction: the subject's entries of that kind and the
 * entry of the old value go, the new value's comes.  Computing an entry
 * needs the index key, which the rights level's keyring carries (recctl
 * init, keys export); without it the rectification is refused rather than
 * leave the index pointing at the old value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "ingest.h"
#include "jsonmem.h"
#include "naming.h"
#include "request.h"
#include "rights.h"
#include "seal.h"
#include "subject.h"

#define HOLD_REASON_MAX 512

static const char *const card_fields[] = { "name", "phone", "email", "organisation", "ref" };

/* What an objection says in the restrictions it makes (audit note). */
#define OBJECTION_REASON "objection"
/* and of a consent-based recording linked after its subject withdrew consent */
#define WITHDRAWN_REASON "withdraw-consent"

/*
 * The types of request an action answers: an erasure answers an erasure
 * request, a consent withdrawal (the recordings under consent go: only
 * the erasure of a recording on consent, basis its legal basis, NULL not
 * known; bb13 F7: an rm of a contract call named the withdrawal, whose
 * letter counted it as erased by it) or an objection; a restriction a
 * restriction request, or an objection when the objection made it (its
 * note names it); a rectification a rectification request.  NULL: none in
 * particular.
 */
static const char *const *answered_by(const char *action, const char *why, const char *basis)
{
	static const char *const erase[] = { "erasure", "consent-withdrawal", "objection", NULL };
	static const char *const erase_not_consent[] = { "erasure", "objection", NULL };
	static const char *const restriction[] = { "restriction", "objection", NULL };
	static const char *const objection[] = { "objection", "direct-marketing-ban", NULL };
	static const char *const rectification[] = { "rectification", NULL };

	if (why && strstr(why, OBJECTION_REASON "="))
		return objection;
	if (!strcmp(action, "erase") && basis && strcmp(basis, "consent"))
		return erase_not_consent;
	if (!strcmp(action, "erase") || !strcmp(action, "erase-subject"))
		return erase;
	if (!strcmp(action, "restrict"))
		return restriction;
	if (!strcmp(action, "rectify"))
		return rectification;
	if (!strcmp(action, "object") || !strcmp(action, "lift-objection"))
		return objection;
	return NULL;
}

/*
 * Art. 12(3): an action on a subject with an open rights request is part
 * of answering it, so its audit reason names the request ("request=N"):
 * the one of a type the action answers (request_open_answered), else the
 * oldest open one.  An action on a recording answers the requests of
 * every subject linked to it, so its reason names each of them
 * ("request=N,M", by number): an erasure of a call two people are in is
 * the answer to both their erasure requests.  A reason in which the
 * caller named its subject's request already gets those of the other
 * subjects of the recording added (with_others).  Returns the reason to
 * log (malloc'd, or NULL for none).
 */
struct req_find {
	struct reg *r;
	const char *const *types;	/* NULL: the oldest open request */
	const struct idlist *skip;	/* handles whose request the caller named */
	int64_t *ids;			/* found, one a subject, by number */
	size_t n;
};

/* id into f->ids, kept in order, once. */
static void add_id(struct req_find *f, int64_t id)
{
	size_t i = 0;

	while (i < f->n && f->ids[i] < id)
		i++;
	if (i < f->n && f->ids[i] == id)
		return;
	f->ids = xrealloc(f->ids, (f->n + 1) * sizeof(*f->ids));
	memmove(f->ids + i + 1, f->ids + i, (f->n - i) * sizeof(*f->ids));
	f->ids[i] = id;
	f->n++;
}

/* catalog_each_link: the open request handle has of f->types, added to
 * f->ids (once); the walk goes on through every link. */
static int open_request_of(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct req_find *f = ctx;
	int64_t id;
	int rc;

	(void)recording;
	(void)role;
	for (size_t i = 0; f->skip && i < f->skip->n; i++)
		if (!strcmp(f->skip->id[i], handle))
			return 0;
	rc = f->types ? request_open_answered(f->r, handle, f->types, &id) : request_open_for(f->r, handle, &id);
	if (rc == 0)
		add_id(f, id);
	return 0;
}

/*
 * The requests of handle, or of the subjects linked to recording (but
 * those of f->skip), added to f->ids.  Type by type across the linked
 * subjects, and every subject's of the first type any of them has: an
 * erasure of a recording that two people are in answers each one's
 * erasure request, and one's erasure request before the other's
 * objection, whichever of them the links give first.  1 when one was
 * found.
 */
static int find_request(struct req_find *f, const char *recording, const char *handle)
{
	const char *const *all = f->types;
	size_t from = f->n;

	if (handle) {
		open_request_of(recording, handle, NULL, f);
		return f->n > from;
	}
	if (!all) {
		if (catalog_each_link(f->r->cat, recording, open_request_of, f))
			f->n = from;
		return f->n > from;
	}
	for (size_t i = 0; f->n == from && all[i]; i++) {
		const char *one[] = { all[i], NULL };

		f->types = one;
		if (catalog_each_link(f->r->cat, recording, open_request_of, f))
			f->n = from;
	}
	f->types = all;
	return f->n > from;
}

/*
 * The subject named by "objection=HANDLE" in why (a restriction an
 * objection made, restrict_objected): the restriction answers that
 * subject's request, not those of the others in the recording.  Into
 * out; 0 when why names none.
 */
static int objector_of(const char *why, char out[CATALOG_HANDLE_MAX])
{
	const char *w = why ? strstr(why, OBJECTION_REASON "=") : NULL;
	size_t len;

	if (!w)
		return 0;
	w += strlen(OBJECTION_REASON "=");
	len = strcspn(w, " ");
	if (!len || len >= CATALOG_HANDLE_MAX)
		return 0;
	memcpy(out, w, len);
	out[len] = '\0';
	return 1;
}

/* The ids of f, "N,M", malloc'd. */
static char *id_list(const struct req_find *f)
{
	struct strbuf ids = { 0 };

	for (size_t i = 0; i < f->n; i++)
		strbuf_addf(&ids, "%s%lld", i ? "," : "", (long long)f->ids[i]);
	return strbuf_detach(&ids);
}

/*
 * why names the request the action answers for the subject the caller
 * acts for ("withdraw-consent request=N", retention.c: A's withdrawal
 * erases a call B is in too).  An action on a recording also answers the
 * requests of the other subjects linked to it: of each request named, its
 * subject is left out of the walk, which adds the others' requests of a
 * type the action answers (find_request), and the list in why becomes all
 * of them ("request=N,M"), so that B's letter lists the erasure of B's
 * call and A's the effect of A's withdrawal.  The others' requests of
 * another type are not added: an rm of the call names them only when no
 * request of a type it answers is open, and one is.
 */
static char *with_others(struct reg *r, struct req_find *f, const char *recording, const char *why)
{
	size_t len;
	const char *w = request_word(why, &len), *p = w + strlen("request=");
	struct idlist named = { 0 };
	char *list, *out;

	for (int64_t id; (id = request_word_next(&p, w + len));) {
		struct cat_request q = { 0 };

		add_id(f, id);
		if (catalog_get_request(r->cat, id, &q) == 0 && q.handle)
			idlist_add(&named, q.handle);
		cat_request_clear(&q);
	}
	f->skip = &named;
	if (f->types)
		find_request(f, recording, NULL);
	meta_clear_error();
	list = id_list(f);
	out = f->n ? xasprintf("%.*srequest=%s%s", (int)(w - why), why, list, w + len) : xstrdup(why);
	free(list);
	idlist_free(&named);
	return out;
}

static char *with_request(struct reg *r, const char *action, const char *recording, const char *handle,
			  const char *why, const char *basis)
{
	struct req_find f = { r, answered_by(action, why, basis), NULL, NULL, 0 };
	char objector[CATALOG_HANDLE_MAX];
	char *out, *ids;
	int found;

	if (why && request_word(why, &(size_t){ 0 })) {
		if (handle || !recording)
			return xstrdup(why);	/* the caller named it already */
		out = with_others(r, &f, recording, why);
		free(f.ids);
		return out;
	}
	if (!handle && objector_of(why, objector))
		handle = objector;
	found = f.types && find_request(&f, recording, handle);
	if (!found) {
		f.types = NULL;
		found = find_request(&f, recording, handle);
	}
	meta_clear_error();
	if (!found) {
		free(f.ids);
		return why ? xstrdup(why) : NULL;
	}
	ids = id_list(&f);
	out = why ? xasprintf("%s request=%s", why, ids) : xasprintf("request=%s", ids);
	free(ids);
	free(f.ids);
	return out;
}

/*
 * Log the erasure of recording rec, or of its artifact alone (naming_label;
 * NULL: the whole recording), as "erase" with why.  An entry that names a
 * request also names the recording's kind, legal basis and purpose
 * ("kind=call basis=contract purpose=quality"), which the catalog no
 * longer holds once the recording is erased: the answer to the
 * request says what was erased (answer.h), a chat or a shared file by the
 * kind of the recording it was of, and only what the request asked for
 * (an objection: a recording of a purpose objected to, atk39 F4).  Not its day: the log outlives the
 * erasure, and the day of a call linked to a request is the person's; the
 * letter counts what went.  The erasure of a whole recording also names,
 * last, the subjects linked to it then (subjects, sorted: " subject=S-..."
 * each, AUDIT_ERASED_SUBJECT; pseudonyms, as every entry about a subject
 * names it; each as whose the recording was before a merge made it
 * theirs, audit_recording_named): the links go with the rows, and the log still holds who
 * accessed the recording, which a subject's access request is answered
 * from (audit_subject_objects).  An erasure that answers no request (the
 * sweep's) keeps no more than the id and those handles.
 */
static int log_erase(struct reg *r, const struct audit_actor *a, const struct cat_recording *rec,
		     const char *artifact, const struct idlist *subjects, const char *why)
{
	char *reason = with_request(r, "erase", rec->id, NULL, why, rec->legal_basis);
	struct strbuf full = { 0 };
	int rc;

	if (reason)
		strbuf_addf(&full, "%s", reason);
	if (reason && request_word(reason, &(size_t){ 0 }))
		strbuf_addf(&full, " kind=%s basis=%s purpose=%s", rec->kind, rec->legal_basis, rec->purpose);
	for (size_t i = 0; !artifact && subjects && i < subjects->n; i++)
		if (!i || strcmp(subjects->id[i], subjects->id[i - 1]))
			strbuf_addf(&full, "%s" AUDIT_ERASED_SUBJECT "%s", full.len ? " " : "", subjects->id[i]);
	rc = audit_log_artifact(r->cat, a, "erase", rec->id, artifact, "ok", full.len ? full.s : reason);
	strbuf_release(&full);
	free(reason);
	return rc;
}

/* Log action on object ("ok", why), naming the open request it answers:
 * of handle, or of the subjects linked to recording (with_request). */
static int log_ok(struct reg *r, const struct audit_actor *a, const char *action, const char *object,
		  const char *recording, const char *handle, const char *why)
{
	char *reason = with_request(r, action, recording, handle, why, NULL);
	int rc = audit_log(r->cat, a, action, object, "ok", reason);

	free(reason);
	return rc;
}

static int is_rights(const struct reg *r, int level)
{
	return level >= 0 && (size_t)level < r->policy->n_levels && r->policy->levels[level].rights;
}

/* 1 when id is a sealed record that recording owns (a reason sealed by this
 * module), 0 when it is not (text left by an older recfs), or an errno. */
static int owns_record(struct reg *r, const char *recording, const char *id)
{
	struct idlist ids = { 0 };
	int rc;

	if (!id || !util_is_id(id))
		return 0;
	rc = catalog_owned_records(r->cat, recording, &ids);
	if (rc == 0)
		rc = idlist_has(&ids, 0, id);
	idlist_free(&ids);
	return rc;
}

/* Seal text as a new record for the rights level that recording owns; its
 * id in id.  Inside the caller's transaction. */
static int seal_reason(struct reg *r, const char *recording, const char *text, char id[RECFS_ID_HEX])
{
	int rc;

	crypto_new_id(id);
	rc = seal_write_record(r, id, text, strlen(text), seal_level_for(r->policy, NULL, SEAL_RIGHTS));
	return rc ? rc : catalog_set_record_owner(r->cat, id, recording);
}

/*
 * Replace the reason in *slot (&rec->legal_hold or &rec->restricted_reason)
 * by text sealed (NULL: by none), erasing the record of the old one; text
 * an older recfs left there is simply overwritten (secure_delete).  why
 * (may be NULL) gets "sealed=ID" of the new record.  Inside the caller's
 * transaction.
 */
static int replace_reason(struct reg *r, const char *recording, char **slot, const char *text, char *why,
			  size_t whylen)
{
	char id[RECFS_ID_HEX];
	int rc = owns_record(r, recording, *slot);

	if (rc == 1) {
		rc = catalog_delete_seals(r->cat, *slot, NULL);
		if (rc == 0)
			rc = catalog_delete_record(r->cat, *slot);
	}
	if (rc)
		return rc;
	crypto_free_string(*slot);	/* text an older recfs left, or an id */
	*slot = NULL;
	if (!text)
		return 0;
	if ((rc = seal_reason(r, recording, text, id)))
		return rc;
	*slot = xstrdup(id);
	if (why)
		snprintf(why, whylen, "sealed=%s", id);
	return 0;
}

/* The seals of one artifact, and its blob listed to be unlinked. */
static int erase_artifact_keys(struct reg *r, const char *artifact)
{
	int rc = catalog_delete_seals(r->cat, artifact, NULL);

	return rc ? rc : catalog_add_pending_unlink(r->cat, artifact);
}

/* The sealed records owner (a handle or a recording id) owns, rectification
 * histories: their seals, then their rows. */
static int erase_owned(struct reg *r, const char *owner)
{
	struct idlist ids = { 0 };
	int rc = catalog_owned_records(r->cat, owner, &ids);

	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		rc = catalog_delete_seals(r->cat, ids.id[i], NULL);
		if (rc == 0)
			rc = catalog_delete_record(r->cat, ids.id[i]);
	}
	idlist_free(&ids);
	return rc;
}

/* The rows and seals of one recording; its artifact ids are appended to
 * arts (which may hold other recordings' already: a sweep's batch). */
static int erase_rows(struct reg *r, const struct cat_recording *rec, struct idlist *arts)
{
	size_t from = arts->n;
	int rc = catalog_recording_artifacts(r->cat, rec->id, arts);

	for (size_t i = from; rc == 0 && i < arts->n; i++)
		rc = erase_artifact_keys(r, arts->id[i]);
	if (rc == 0 && rec->details_id[0]) {
		rc = catalog_delete_seals(r->cat, rec->details_id, NULL);
		if (rc == 0)
			rc = catalog_delete_record(r->cat, rec->details_id);
	}
	if (rc == 0)
		rc = erase_owned(r, rec->id);
	if (rc == 0)
		rc = catalog_delete_recording(r->cat, rec->id);
	return rc;
}

/* After a commit that deleted seals: truncate the WAL so no old frame keeps
 * them.  Failing that (a reader holds the WAL) the next checkpoint does it;
 * the failure is logged, the erasure itself stands. */
static void checkpoint(struct reg *r, const struct audit_actor *a)
{
	if (catalog_checkpoint(r->cat) && audit_log(r->cat, a, "checkpoint", NULL, "error", "WAL in use"))
		meta_clear_error();
}

void rights_shred(struct reg *r, const struct audit_actor *a, const struct idlist *arts)
{
	checkpoint(r, a);
	/* What fails stays pending: the next reg_open finishes it. */
	if (reg_unlink_blobs(r, arts)) {
		meta_clear_error();
		if (audit_log(r->cat, a, "unlink", NULL, "error", "blobs left pending; the next open unlinks them"))
			meta_clear_error();
	}
}

/*
 * Erase subject handle: its card, its blind-index entries (they go with its
 * row, ON DELETE CASCADE), the sealed records it owns (rectification
 * histories) and its row, logged as "erase-subject" with why.  Inside the
 * caller's transaction.  The one place a subject is erased, whether by rm -r
 * of its folder or with its last recording.
 */
static int erase_card(struct reg *r, const struct audit_actor *a, const char *handle, const char *why)
{
	char card[RECFS_ID_HEX], *kept = NULL;
	int rc = catalog_get_subject(r->cat, handle, card), shared = 0;

	/* A card record another subject's row points at too is that one's
	 * as much (root pointed handle's row there: fsck names it): it stays,
	 * and the entry says so (atk58 F4). */
	if (rc == 0 && (rc = shared = catalog_card_shared(r->cat, handle, card)) > 0)
		rc = 0;
	if (rc == 0 && !shared)
		rc = catalog_delete_seals(r->cat, card, NULL);
	if (rc == 0 && !shared)
		rc = catalog_delete_record(r->cat, card);
	if (rc == 0)
		rc = erase_owned(r, handle);
	if (rc == 0)
		rc = catalog_delete_subject(r->cat, handle);
	if (rc == 0 && shared)
		kept = xasprintf("%s%scard=kept-shared", why ? why : "", why ? " " : "");
	if (rc == 0)
		rc = log_ok(r, a, "erase-subject", handle, NULL, handle, kept ? kept : why);
	free(kept);
	return rc;
}

static int any_objection(const struct cat_objection *o, void *ctx)
{
	(void)o;
	(void)ctx;
	return 1;
}

/*
 * After its recordings went: erase subject handle when no recording names
 * it any more, no rights request of it is open (the request is answered
 * about the subject: its card and index stay until it is closed, then the
 * next retention sweep erases them) and no objection of it stands (the
 * blind index is what restricts the person's later recordings at ingest;
 * it stays until the objection is lifted).  *erased (may be NULL) is set
 * to 1 when it was.  Inside the caller's transaction.
 */
static int add_linked_handle(const char *recording, const char *handle, const char *role, void *ctx);

static int cmp_id(const void *x, const void *y)
{
	return strcmp(x, y);
}

/*
 * The rule of erase_if_unlinked: whether subject handle goes once the
 * recordings of gone are erased (gone NULL: as the catalog stands, inside
 * the transaction that erased them), i.e. no other recording names it, no
 * rights request of it is open and no objection of it stands.  gone's ids
 * sorted (cmp_id).  1 it goes, 0 it stays, or a catalog error.
 */
static int subject_goes(struct reg *r, const char *handle, const struct idlist *gone)
{
	struct idlist recs = { 0 };
	int64_t req;
	int rc = catalog_subject_recordings(r->cat, handle, &recs);

	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		if (!gone || !bsearch(recs.id[i], gone->id, gone->n, sizeof(gone->id[0]), cmp_id))
			rc = 1;	/* a recording stays */
	idlist_free(&recs);
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = request_open_for(r, handle, &req);
	if (rc == 0)
		return 0;	/* kept while its request is open */
	if (rc == -ENOENT)	/* and while an objection of it stands */
		rc = catalog_each_objection(r->cat, handle, 0, any_objection, NULL);
	if (rc == 1)
		return 0;
	return rc ? rc : 1;
}

static int erase_if_unlinked(struct reg *r, const struct audit_actor *a, const char *handle, const char *why,
			     int *erased)
{
	int rc = subject_goes(r, handle, NULL);

	if (rc != 1)
		return rc;
	rc = erase_card(r, a, handle, why);
	if (rc == 0 && erased)
		*erased = 1;
	return rc;
}

/* Add to *n how many of handles (sorted) go by subject_goes(gone), each
 * handle once.  0 or a catalog error. */
static int count_going(struct reg *r, const struct idlist *handles, const struct idlist *gone, size_t *n)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < handles->n; i++) {
		if (i && !strcmp(handles->id[i], handles->id[i - 1]))
			continue;	/* a subject of several of the recordings: once */
		rc = subject_goes(r, handles->id[i], gone);
		if (rc == 1)
			(*n)++, rc = 0;
	}
	return rc;
}

int rights_subjects_going(struct reg *r, const struct idlist *recordings, size_t *n)
{
	struct idlist gone = { 0 }, handles = { 0 };
	int rc = 0;

	*n = 0;
	for (size_t i = 0; i < recordings->n; i++)
		idlist_add(&gone, recordings->id[i]);
	if (gone.n)
		qsort(gone.id, gone.n, sizeof(gone.id[0]), cmp_id);
	for (size_t i = 0; rc == 0 && i < gone.n; i++)
		rc = catalog_each_link(r->cat, gone.id[i], add_linked_handle, &handles);
	if (rc == 0 && handles.n)
		qsort(handles.id, handles.n, sizeof(handles.id[0]), cmp_id);
	if (rc == 0)
		rc = count_going(r, &handles, &gone, n);
	/* and those no recording names any more (rights_erase_unlinked_subjects;
	 * catalog_unlinked_subjects gives them sorted) */
	idlist_free(&handles);
	if (rc == 0)
		rc = catalog_unlinked_subjects(r->cat, &handles);
	if (rc == 0)
		rc = count_going(r, &handles, NULL, n);
	idlist_free(&gone);
	idlist_free(&handles);
	return rc;
}

static int add_linked_handle(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	idlist_add(ctx, handle);
	return 0;
}

/*
 * rights_erase_recording_tx, and then every subject the recording was the
 * last one of goes with it (erase_if_unlinked), except `except` (may be
 * NULL): the subject rights_erase_subject is erasing, which it erases
 * itself once all its recordings are gone.
 */
static int erase_recording_tx(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *why, struct idlist *arts, const char *except, size_t *subjects)
{
	size_t went = 0;
	struct cat_recording rec;
	struct idlist handles = { 0 }, named = { 0 };
	size_t before = arts->n;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "erase", recording, -EACCES, "below the rights level");
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if (rec.legal_hold) {
		cat_recording_clear(&rec);
		return audit_refuse(r->cat, a, "erase", recording, -EPERM, "legal hold");
	}
	rc = catalog_each_link(r->cat, recording, add_linked_handle, &handles);
	/* each as whose it was before a merge made it theirs, and the
	 * persons a merge took for one of them (a call of both) */
	if (rc == 0)
		rc = audit_recording_named(r->cat, recording, &handles, &named);
	if (rc == 0 && named.n)
		qsort(named.id, named.n, sizeof(named.id[0]), cmp_id);
	/* Logged first (same transaction): the links that name the
	 * subject's open request go with the rows. */
	if (rc == 0)
		rc = log_erase(r, a, &rec, NULL, &named, why);
	if (rc == 0)
		rc = erase_rows(r, &rec, arts);
	for (size_t i = 0; rc == 0 && i < handles.n; i++)
		if (!except || strcmp(handles.id[i], except)) {
			int done = 0;

			rc = erase_if_unlinked(r, a, handles.id[i], "last recording erased", &done);
			went += (size_t)done;
		}
	if (rc)
		arts->n = before;
	else if (subjects)
		*subjects += went;
	idlist_free(&handles);
	idlist_free(&named);
	cat_recording_clear(&rec);
	return rc;
}

/* rights_erase_recording, sparing `except` as erase_recording_tx does. */
static int erase_recording(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			   const char *why, const char *except)
{
	struct idlist arts = { 0 };
	int rc, crc, refused;

	if ((rc = catalog_begin(r->cat)))
		return rc;
	audit_refusal_watch();
	rc = erase_recording_tx(r, a, actor_level, recording, why, &arts, except, NULL);
	refused = rc == -EACCES || rc == -EPERM;
	/* A refusal commits too: its audit entry is in this transaction.
	 * When that fails (a full disk), the refusal stands all the same,
	 * and its entry is logged again, or queued by the mount. */
	if ((rc == 0 || refused) && (crc = catalog_commit(r->cat)) && !refused)
		rc = crc;
	if (catalog_in_transaction(r->cat)) {
		catalog_rollback(r->cat);
		if (refused)
			audit_refusal_rolled_back(r->cat);
	} else if (rc == 0) {
		rights_shred(r, a, &arts);
	}
	audit_refusal_forget();
	idlist_free(&arts);
	return rc;
}

int rights_erase_recording(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			   const char *why)
{
	return erase_recording(r, a, actor_level, recording, why, NULL);
}

int rights_erase_recording_tx(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *why, struct idlist *arts, size_t *subjects)
{
	return erase_recording_tx(r, a, actor_level, recording, why, arts, NULL, subjects);
}

int rights_erase_artifact(struct reg *r, const struct audit_actor *a, int actor_level, const char *artifact)
{
	struct cat_artifact art;
	struct cat_recording rec;
	struct idlist arts = { 0 };
	char label[NAMING_LABEL_MAX];
	int rc;

	rc = catalog_get_artifact(r->cat, artifact, &art);
	if (rc == -ENOENT && !is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "erase", artifact, -EACCES, "below the rights level");
	if (rc)
		return rc;
	/* Logged as the mount shows it: the recording's id and the file. */
	naming_label(label, art.role, art.n, art.ext);
	if (!is_rights(r, actor_level)) {
		rc = audit_refuse_artifact(r->cat, a, "erase", art.recording, label, -EACCES, "below the rights level");
		cat_artifact_clear(&art);
		return rc;
	}
	if (!strcmp(art.role, "audio")) {
		char id[RECFS_ID_HEX];
		memcpy(id, art.recording, sizeof(id));
		cat_artifact_clear(&art);
		return rights_erase_recording(r, a, actor_level, id, "rm");
	}
	rc = catalog_get_recording(r->cat, art.recording, &rec);
	if (rc) {
		cat_artifact_clear(&art);
		return rc;
	}
	if (rec.legal_hold) {
		rc = audit_refuse_artifact(r->cat, a, "erase", art.recording, label, -EPERM, "legal hold");
		goto out;
	}
	if ((rc = catalog_begin(r->cat)))
		goto out;
	idlist_add(&arts, artifact);
	rc = erase_artifact_keys(r, artifact);
	if (rc == 0)
		rc = catalog_delete_artifact(r->cat, artifact);
	if (rc == 0)
		rc = log_erase(r, a, &rec, label, NULL, "rm");
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		goto out;
	}
	rights_shred(r, a, &arts);
out:
	idlist_free(&arts);
	cat_artifact_clear(&art);
	cat_recording_clear(&rec);
	return rc;
}

int rights_erase_subject(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle)
{
	struct idlist recs = { 0 };
	char card[RECFS_ID_HEX];
	int rc, left = 0;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "erase-subject", handle, -EACCES, "below the rights level");
	rc = catalog_get_subject(r->cat, handle, card);
	if (rc)
		return rc;
	rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		int e = erase_recording(r, a, actor_level, recs.id[i], "erase-subject", handle);
		if (e == -EPERM)
			left++;
		else if (e && e != -ENOENT)
			rc = e;
	}
	if (rc)
		goto out;
	if (left) {
		rc = audit_refuse(r->cat, a, "erase-subject", handle, -ENOTEMPTY, "recordings on legal hold remain");
		goto out;
	}
	if ((rc = catalog_begin(r->cat)))
		goto out;
	rc = erase_card(r, a, handle, NULL);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		goto out;
	}
	checkpoint(r, a);
out:
	idlist_free(&recs);
	return rc;
}

int rights_erase_unlinked_subjects(struct reg *r, const struct audit_actor *a, int actor_level, const char *why,
				   size_t *erased)
{
	struct idlist subjects = { 0 };
	size_t n = 0;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "erase-subject", NULL, -EACCES, "below the rights level");
	if ((rc = catalog_begin(r->cat)))
		return rc;
	rc = catalog_unlinked_subjects(r->cat, &subjects);
	for (size_t i = 0; rc == 0 && i < subjects.n; i++) {
		int done = 0;

		rc = erase_if_unlinked(r, a, subjects.id[i], why, &done);
		n += (size_t)done;
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		goto out;
	}
	if (n)
		checkpoint(r, a);
	if (erased)
		*erased = n;
out:
	idlist_free(&subjects);
	return rc;
}

/* Update the recording (after extra, when given) inside a transaction with its audit entry. */
static int update_recording(struct reg *r, const struct audit_actor *a, const char *action, struct cat_recording *rec,
			    int (*extra)(struct reg *, struct cat_recording *, void *), void *ctx, const char *reason)
{
	int rc = catalog_begin(r->cat);

	if (rc)
		return rc;
	if (extra)
		rc = extra(r, rec, ctx);
	if (rc == 0)
		rc = catalog_update_recording(r->cat, rec);
	if (rc == 0)
		rc = log_ok(r, a, action, rec->id, rec->id, NULL, reason);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		catalog_rollback(r->cat);
	return rc;
}

/* What a restriction, a lift or a hold changes besides the row. */
struct change {
	char **slot;			/* the reason to replace: &rec->legal_hold or &rec->restricted_reason */
	const char *text;		/* the new reason, or NULL for none */
	const struct keyring *kr;	/* for a lift's re-sealing; NULL when only deleting */
	char why[64];			/* the audit reason: "sealed=ID" of the new reason */
};

/* The reason sealed, then, when the restriction changed, the seals of rec
 * as it now stands, restricted or not (seal.h); a hold changes no seal. */
static int apply_change(struct reg *r, struct cat_recording *rec, void *ctx)
{
	struct change *x = ctx;
	int rc = replace_reason(r, rec->id, x->slot, x->text, x->why, sizeof(x->why));

	if (rc == 0 && x->slot == &rec->restricted_reason)
		rc = seal_reconcile_recording(r, x->kr, rec, NULL);
	return rc;
}

/*
 * The one restriction: rec (as read from the catalog) is restricted inside
 * the caller's transaction, whoever asks (chmod on the mount, an objection,
 * an ingest under an objection).  reason (NULL or "" stands for
 * "restricted") is sealed, replacing an older one, the seals below the
 * rights level are deleted, the row is updated and "restrict" is logged
 * with "sealed=ID" and note (may be NULL) after it.  An earlier
 * restriction keeps its date.  by_objection: an objection restricts it
 * (the recording is not restricted yet: the callers look); else the
 * officer does (Art. 18), and that restriction wins over an objection's:
 * the retention sweep keeps the recording (catalog.h).  The caller
 * commits, then checkpoints.
 */
static int restrict_tx(struct reg *r, const struct audit_actor *a, struct cat_recording *rec, const char *reason,
		       const char *note, int by_objection)
{
	struct change x = { .slot = &rec->restricted_reason, .text = reason && *reason ? reason : "restricted" };
	char *why;
	int rc;

	rec->restricted_by_objection = by_objection && !rec->restricted_since;
	if (!rec->restricted_since)
		rec->restricted_since = util_now();
	rc = apply_change(r, rec, &x);
	if (rc == 0)
		rc = catalog_update_recording(r->cat, rec);
	if (rc)
		return rc;
	why = note ? xasprintf("%s %s", x.why, note) : xstrdup(x.why);
	rc = log_ok(r, a, "restrict", rec->id, rec->id, NULL, why);
	free(why);
	return rc;
}

/* rights_restrict and rights_restrict_withdrawn: by_right as restrict_tx's
 * by_objection. */
static int restrict_one(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			const char *reason, int by_right)
{
	struct cat_recording rec;
	const char *why;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "restrict", recording, -EPERM, "below the rights level");
	if (reason && (why = rights_restrict_reason_refusal(reason)))
		return audit_refuse(r->cat, a, "restrict", recording, -EINVAL, why);
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if ((rc = catalog_begin(r->cat)) == 0) {
		rc = restrict_tx(r, a, &rec, reason, NULL, by_right);
		if (rc == 0)
			rc = catalog_commit(r->cat);
		if (rc)
			catalog_rollback(r->cat);
		else
			checkpoint(r, a);
	}
	cat_recording_clear(&rec);
	return rc;
}

int rights_restrict(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason)
{
	return restrict_one(r, a, actor_level, recording, reason, 0);
}

int rights_restrict_withdrawn(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *reason)
{
	return restrict_one(r, a, actor_level, recording, reason, 1);
}

/*
 * Restrict each of handle's recordings that an objection to one of the n
 * purposes reaches (subject_basis_objectable) and that is not restricted
 * yet; *done counts them.  Inside the caller's transaction.
 */
/* A link of a recording to a subject other than ctx's handle (one_other). */
struct other_subject {
	const char *handle;
	int found;
};

static int one_other(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct other_subject *o = ctx;

	(void)recording;
	(void)role;
	o->found |= strcmp(handle, o->handle) != 0;
	return 0;
}

static int restrict_objected(struct reg *r, const struct audit_actor *a, const char *handle,
			     const char *const *purposes, size_t n, size_t *done, size_t *shared)
{
	struct idlist recs = { 0 };
	char *note = xasprintf(OBJECTION_REASON "=%s", handle);
	int rc = catalog_subject_recordings(r->cat, handle, &recs);

	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		struct cat_recording rec;
		int hit = 0;

		if ((rc = catalog_get_recording(r->cat, recs.id[i], &rec)))
			break;
		for (size_t k = 0; k < n; k++)
			hit |= !strcmp(rec.purpose, purposes[k]);
		if (hit && !rec.restricted_since && subject_basis_objectable(rec.legal_basis)) {
			struct other_subject o = { .handle = handle };

			rc = restrict_tx(r, a, &rec, OBJECTION_REASON, note, 1);
			*done += rc == 0;
			if (rc == 0)
				rc = catalog_each_link(r->cat, rec.id, one_other, &o);
			*shared += rc == 0 && o.found;
		}
		cat_recording_clear(&rec);
	}
	free(note);
	idlist_free(&recs);
	return rc;
}

int rights_object(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle,
		  const char *const *purposes, size_t n, size_t *restricted, size_t *shared)
{
	const struct policy *pol = r->policy;
	struct strbuf why = { 0 };
	char card[RECFS_ID_HEX], line[320];
	size_t done = 0, added = 0, others = 0;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "object", handle, -EPERM, "below the rights level");
	if (n == 0)
		return audit_refuse(r->cat, a, "object", handle, -EINVAL, "no purpose named");
	for (size_t i = 0; i < n; i++) {
		int p = policy_purpose_index(pol, purposes[i]);

		if (p < 0)
			return audit_refuse(r->cat, a, "object", handle, -EINVAL, "a purpose named is not in the policy");
		if (!subject_purpose_objectable(pol, p)) {
			snprintf(line, sizeof(line),
				 "purpose %s is based on %s: Art. 21 applies to legitimate interests, public task "
				 "and direct marketing%s", pol->purposes[p].name, pol->purposes[p].legal_basis,
				 strcmp(pol->purposes[p].legal_basis, "consent") ? ""
				 : "; a consent is withdrawn instead (recctl subject withdraw-consent, Art. 7(3))");
			return audit_refuse(r->cat, a, "object", handle, -EINVAL, line);
		}
	}
	rc = catalog_get_subject(r->cat, handle, card);
	if (rc == -ENOENT)
		return meta_fail(-ENOENT, "no subject %s", handle);
	if (rc || (rc = catalog_begin(r->cat)))
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = catalog_put_objection(r->cat, handle, purposes[i], util_now());
		if (rc == -EEXIST) {	/* it stands already (or was named twice) */
			meta_clear_error();
			rc = 0;
		} else if (rc == 0) {
			added++;
		}
		if (rc == 0)
			strbuf_addf(&why, "%s%s", i ? "," : "purposes=", purposes[i]);
	}
	if (rc == 0)
		rc = restrict_objected(r, a, handle, purposes, n, &done, &others);
	if (rc == 0) {
		strbuf_addf(&why, " new=%zu restricted=%zu", added, done);
		rc = log_ok(r, a, "object", handle, NULL, handle, why.s);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		catalog_rollback(r->cat);
	else if (done)
		checkpoint(r, a);	/* the deleted seals leave the WAL */
	if (rc == 0 && restricted)
		*restricted = done;
	if (rc == 0 && shared)
		*shared = others;
	strbuf_release(&why);
	return rc;
}

int rights_lift_objection(struct reg *r, const struct audit_actor *a, int actor_level, const char *handle,
			  const char *purpose, size_t *left)
{
	struct idlist recs = { 0 };
	char why[96];
	size_t still = 0;
	int64_t since;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "lift-objection", handle, -EPERM, "below the rights level");
	if (policy_purpose_index(r->policy, purpose) < 0)
		return audit_refuse(r->cat, a, "lift-objection", handle, -EINVAL, "the purpose is not in the policy");
	rc = catalog_get_objection(r->cat, handle, purpose, &since);
	if (rc == -ENOENT)
		return audit_refuse(r->cat, a, "lift-objection", handle, -ENOENT, "no standing objection to that purpose");
	if (rc || (rc = catalog_begin(r->cat)))
		return rc;
	rc = catalog_lift_objection(r->cat, handle, purpose, util_now());
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		struct cat_recording rec;

		if ((rc = catalog_get_recording(r->cat, recs.id[i], &rec)))
			break;
		still += rec.restricted_since && !strcmp(rec.purpose, purpose);
		cat_recording_clear(&rec);
	}
	snprintf(why, sizeof(why), "purpose=%s still_restricted=%zu", purpose, still);
	if (rc == 0)
		rc = log_ok(r, a, "lift-objection", handle, NULL, handle, why);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		catalog_rollback(r->cat);
	else if (left)
		*left = still;
	idlist_free(&recs);
	return rc;
}

static int move_details_of(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *id,
			   const char *from, const char *into, int merge);
static int index_calls_values(struct reg *r, const struct keyring *kr, const char *handle, const char *field);
static int calls_values(struct reg *r, const struct keyring *kr, const char *handle, const char *field,
			struct strlist *out);

/* rights_restrict_if_objected of each of handle's recordings, for what a
 * withdrawal of consent reaches after a merge; *done counts them.  Inside
 * the caller's transaction. */
static int restrict_withdrawn_all(struct reg *r, const struct audit_actor *a, const char *handle, size_t *done)
{
	struct idlist recs = { 0 };
	int64_t at = 0;
	int rc = catalog_get_consent_withdrawn(r->cat, handle, &at);

	if (rc == 0 && at)
		rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		int x = 0;

		rc = rights_restrict_if_objected(r, a, recs.id[i], &x);
		*done += (size_t)x;
	}
	idlist_free(&recs);
	return rc;
}

static int add_standing(const struct cat_objection *o, void *ctx)
{
	strlist_add(ctx, o->purpose);
	return 0;
}

static int read_card(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *action,
		     const char *handle, char card_id[RECFS_ID_HEX], json_t **card);
static int card_is_its(struct reg *r, const struct audit_actor *a, const char *action, const char *handle,
		       const char *card_id, const json_t *card);
static void rollback_refusal(struct reg *r);
static int refuse_gone(struct reg *r, const struct audit_actor *a, const char *action, const char *handle);

/* Card j sealed again as handle's card card_id, from the level its
 * subject's cards are sealed from. */
static int reseal_card(struct reg *r, const char *handle, const char *card_id, const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	int level = text ? seal_card_from(r, r->policy, handle) : -ENOMEM;
	int rc = level < 0 ? level : seal_write_record(r, card_id, text, strlen(text), level);

	jsonmem_free_text(text);
	return rc;
}

/*
 * into's card lists, sealed, from and the subjects merged into from
 * before (SUBJECT_CARD_MERGED), each once: the person's earlier handles,
 * whose history the export tells.  When either card is an older recfs's
 * (no list), into's keeps none, and its export follows the log's
 * merge-subject entries as before.  Inside the caller's transaction,
 * before from's card is erased.
 */
static int merge_cards(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *into,
		       const char *from)
{
	char into_id[RECFS_ID_HEX], from_id[RECFS_ID_HEX];
	struct idlist list = { 0 }, theirs = { 0 };
	json_t *ic = NULL, *fc = NULL, *merged = NULL;
	int rc, mine = 0;

	rc = read_card(r, kr, a, "merge-subject", into, into_id, &ic);
	if (rc == 0)
		rc = read_card(r, kr, a, "merge-subject", from, from_id, &fc);
	if (rc == 0)
		rc = mine = subject_card_merged(ic, &list);
	if (rc >= 0)
		rc = subject_card_merged(fc, &theirs);
	if (rc < 0 || !mine)
		goto out;	/* damaged (said), or into's lists none: kept so */
	if (rc == 0) {
		json_object_del(ic, SUBJECT_CARD_MERGED);
	} else {
		merged = json_array();
		idlist_add(&list, from);
		for (size_t i = 0; i < theirs.n; i++)
			idlist_add(&list, theirs.id[i]);
		for (size_t i = 0; i < list.n; i++)
			if (strcmp(list.id[i], into) && !idlist_has(&list, i + 1, list.id[i]))
				json_array_append_new(merged, json_string(list.id[i]));
		json_object_set_new(ic, SUBJECT_CARD_MERGED, merged);
	}
	rc = reseal_card(r, into, into_id, ic);
out:
	json_decref(ic);
	json_decref(fc);
	idlist_free(&list);
	idlist_free(&theirs);
	return rc < 0 ? rc : 0;
}

int rights_merge_subjects(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			  const char *into, const char *from, size_t *moved, size_t *restricted)
{
	struct idlist recs = { 0 }, mine = { 0 };
	struct strlist purposes = { 0 };
	char card[RECFS_ID_HEX], why[128];
	size_t links = 0, done = 0, shared = 0;	/* shared: not told (merge says what it restricted) */
	const char *gone = NULL;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "merge-subject", into, -EPERM, "below the rights level");
	if (!strcmp(into, from))
		return audit_refuse(r->cat, a, "merge-subject", into, -EINVAL, "a subject cannot be merged into itself");
	if (!kr || !keyring_level(kr, r->policy->levels[r->policy->rights_level].name, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "merge-subject", into, -ENOKEY, "the rights level's key is not loaded");
	for (int i = 0; i < 2; i++) {
		const char *h = i ? from : into;
		json_t *j = NULL;

		rc = catalog_get_subject(r->cat, h, card);
		if (rc == -ENOENT)
			return meta_fail(-ENOENT, "no subject %s", h);
		/* each card its subject's, refused and logged here (the
		 * transaction's merge_cards reads them again) */
		if (rc == 0)
			rc = read_card(r, kr, a, "merge-subject", h, card, &j);
		json_decref(j);
		if (rc)
			return rc;
	}
	audit_refusal_watch();
	if ((rc = catalog_begin(r->cat))) {
		audit_refusal_forget();
		return rc;
	}
	/* As they stand in the transaction: either merged away meanwhile
	 * (atk58 F5: refused, not a constraint's words). */
	for (int i = 0; rc == 0 && i < 2; i++)
		if ((rc = catalog_get_subject(r->cat, i ? from : into, card)) == -ENOENT)
			gone = i ? from : into;
	/* The details of from's recordings name it: they name into now (its
	 * export's parties, a rectification of into's name reach them). */
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, from, &recs);
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, into, &mine);
	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		rc = move_details_of(r, kr, a, recs.id[i], from, into, 1);
	/* and on each recording, whose it was: its erasure names from
	 * (audit_recording_named), whose history a split undoing the merge
	 * takes with it; a call both were in, into's already, loses from's
	 * link, and its erasure names from beside into
	 * (audit_recording_named, too). */
	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		int both = idlist_has(&mine, 0, recs.id[i]);

		snprintf(why, sizeof(why), "from=%s into=%s%s", from, into, both ? " " AUDIT_MERGE_SHARED "=1" : "");
		rc = audit_log(r->cat, a, "merge-subject", recs.id[i], "ok", why);
	}
	if (rc == 0)
		rc = catalog_move_subject(r->cat, from, into, &links);
	if (rc == 0)
		rc = merge_cards(r, kr, a, into, from);
	if (rc == 0) {
		snprintf(why, sizeof(why), "merged-into=%s", into);
		rc = erase_card(r, a, from, why);
	}
	/* Every objection that stands now reaches every recording the
	 * person is in: into's reach from's recordings, from's into's. */
	if (rc == 0)
		rc = catalog_each_objection(r->cat, into, 0, add_standing, &purposes);
	if (rc == 0 && purposes.n)
		rc = restrict_objected(r, a, into, (const char *const *)purposes.v, purposes.n, &done, &shared);
	/* and a withdrawal of consent of either reaches the consent-based
	 * recordings of both made before it (catalog_move_subject kept the
	 * later withdrawal) */
	if (rc == 0)
		rc = restrict_withdrawn_all(r, a, into, &done);
	if (rc == 0) {
		snprintf(why, sizeof(why), "from=%s recordings=%zu restricted=%zu", from, links, done);
		rc = log_ok(r, a, "merge-subject", into, NULL, into, why);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		rollback_refusal(r);
		if (gone)
			rc = refuse_gone(r, a, "merge-subject", gone);
	} else {
		checkpoint(r, a);	/* from's card and the deleted seals leave the WAL */
		if (moved)
			*moved = links;
		if (restricted)
			*restricted = done;
	}
	audit_refusal_forget();
	strlist_clear(&purposes);
	idlist_free(&recs);
	idlist_free(&mine);
	return rc;
}

/* catalog_each_link: the first subject of the recording that objects to
 * the purpose in ctx (its handle copied there). */
struct objector {
	struct reg *r;
	const char *purpose;
	char handle[CATALOG_HANDLE_MAX];
};

static int find_objector(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct objector *o = ctx;
	int rc = subject_objects_to(o->r, handle, o->purpose);

	(void)recording;
	(void)role;
	if (rc == 1)
		snprintf(o->handle, sizeof(o->handle), "%s", handle);
	return rc;	/* 1 stops the walk, as does an error */
}

/* A subject linked to the recording (ctx: its time) that withdrew consent
 * when or after it was made: its handle copied there. */
struct withdrawer {
	struct reg *r;
	int64_t recorded_at;
	char handle[CATALOG_HANDLE_MAX];
};

static int find_withdrawer(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct withdrawer *w = ctx;
	int64_t at = 0;
	int rc = catalog_get_consent_withdrawn(w->r->cat, handle, &at);

	(void)recording;
	(void)role;
	if (rc)
		return rc;
	if (at && at >= w->recorded_at)
		snprintf(w->handle, sizeof(w->handle), "%s", handle);
	return at && at >= w->recorded_at;	/* 1 stops the walk */
}

int rights_restrict_if_objected(struct reg *r, const struct audit_actor *a, const char *recording, int *restricted)
{
	struct cat_recording rec;
	struct objector o = { .r = r };
	struct withdrawer w = { .r = r };
	char *note = NULL;
	int rc = catalog_get_recording(r->cat, recording, &rec);

	if (rc)
		return rc;
	*restricted = 0;
	if (rec.restricted_since)
		goto out;
	if (!strcmp(rec.legal_basis, "consent")) {
		/* its consent withdrawn after it was made (bb15 F4): kept
		 * for storage only, as withdraw-consent keeps a held one */
		w.recorded_at = rec.recorded_at;
		rc = catalog_each_link(r->cat, recording, find_withdrawer, &w);
		if (rc <= 0)
			goto out;
		note = xasprintf(WITHDRAWN_REASON "=%s", w.handle);
		rc = restrict_tx(r, a, &rec, WITHDRAWN_REASON, note, 1);
		*restricted = rc == 0;
		goto out;
	}
	if (!subject_basis_objectable(rec.legal_basis))
		goto out;
	o.purpose = rec.purpose;
	rc = catalog_each_link(r->cat, recording, find_objector, &o);
	if (rc <= 0)
		goto out;
	note = xasprintf(OBJECTION_REASON "=%s", o.handle);
	rc = restrict_tx(r, a, &rec, OBJECTION_REASON, note, 1);
	*restricted = rc == 0;
out:
	free(note);
	cat_recording_clear(&rec);
	return rc;
}

int rights_lift(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		const char *recording)
{
	struct change x = { .kr = kr };
	struct cat_recording rec;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "lift-restriction", recording, -EPERM, "below the rights level");
	if (!kr || !keyring_level(kr, r->policy->levels[r->policy->rights_level].name, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "lift-restriction", recording, -ENOKEY, "the rights level's key is not loaded");
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if (rec.restricted_since) {
		x.slot = &rec.restricted_reason;
		rec.restricted_since = 0;
		rec.restricted_by_objection = 0;
		rc = update_recording(r, a, "lift-restriction", &rec, apply_change, &x, NULL);
		if (rc == 0)
			checkpoint(r, a);	/* the reason's record is gone */
	}
	cat_recording_clear(&rec);
	return rc;
}

int rights_set_hold(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
		    const char *reason)
{
	struct change x = { 0 };
	struct cat_recording rec;
	const char *why;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, reason ? "hold" : "release-hold", recording, -EPERM, "below the rights level");
	if (reason && (why = rights_hold_reason_refusal(reason)))
		return audit_refuse(r->cat, a, "hold", recording, -EINVAL, why);
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if (!reason && !rec.legal_hold) {
		/* Nothing to release: logged as refused, never as a release. */
		cat_recording_clear(&rec);
		return audit_refuse(r->cat, a, "release-hold", recording, -ENODATA, "no legal hold to release");
	}
	/* A new reason for a hold in place keeps the day it began. */
	if (!reason)
		rec.hold_since = 0;
	else if (!rec.legal_hold || !rec.hold_since)
		rec.hold_since = util_now();
	x.slot = &rec.legal_hold;
	x.text = reason;
	if (reason) {
		rc = update_recording(r, a, "hold", &rec, apply_change, &x, x.why);
	} else {
		/* Released: a day beyond max_retention that only the hold
		 * kept (a policy apply shortened it meanwhile) comes down to
		 * the last day allowed, in the same transaction (atk24 F3). */
		rc = catalog_begin(r->cat);
		if (rc == 0)
			rc = apply_change(r, &rec, &x);
		if (rc == 0)
			rc = catalog_update_recording(r->cat, &rec);
		if (rc == 0)
			rc = log_ok(r, a, "release-hold", rec.id, rec.id, NULL, NULL);
		if (rc == 0) {
			rc = rights_fit_retention(r, a, r->policy, rec.id, "release-hold", NULL);
			rc = rc < 0 ? rc : 0;
		}
		if (rc == 0)
			rc = catalog_commit(r->cat);
		if (rc)
			catalog_rollback(r->cat);
	}
	if (rc == 0)
		checkpoint(r, a);	/* the old reason's record is gone */
	cat_recording_clear(&rec);
	return rc;
}

int rights_retention_last_day(const struct policy *p, const struct cat_recording *rec, int64_t *last)
{
	int i = policy_purpose_index(p, rec->purpose);

	if (i < 0)
		return -ENOENT;
	/* Days, as catalog.h keeps them: the day max_retention ends on. */
	*last = util_day_start(policy_period_add(rec->recorded_at, p->purposes[i].max_retention));
	return 0;
}

/*
 * The one change of a retention: rec (as read from the catalog) kept
 * through day `until` from now on, inside the caller's transaction: the
 * row updated and "retention" logged, "until YYYY-MM-DD" and note (may be
 * NULL) after it.  Whoever asks (setfattr on the mount, recctl retention
 * set, a policy apply that shortened max_retention) checked the day.
 */
static int retention_tx(struct reg *r, const struct audit_actor *a, struct cat_recording *rec, int64_t until,
			const char *note)
{
	char d[11], *why;
	int rc;

	rec->retention_until = until;
	rc = catalog_update_recording(r->cat, rec);
	if (rc)
		return rc;
	util_format_date(until, d);
	why = note ? xasprintf("until %s %s", d, note) : xasprintf("until %s", d);
	rc = log_ok(r, a, "retention", rec->id, rec->id, NULL, why);
	free(why);
	return rc;
}

int rights_set_retention(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			 int64_t until)
{
	struct cat_recording rec;
	char why[64], d[11];
	int64_t max;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "retention", recording, -EPERM, "below the rights level");
	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	if (rights_retention_last_day(r->policy, &rec, &max)) {
		rc = audit_refuse(r->cat, a, "retention", recording, -EINVAL, "purpose no longer in the policy");
		goto out;
	}
	/* Days, as catalog.h keeps them: the recording's own day is the
	 * first allowed, the day max_retention ends on the last. */
	until = util_day_start(until);
	if (until < util_day_start(rec.recorded_at)) {
		rc = audit_refuse(r->cat, a, "retention", recording, -EINVAL, "before the recording");
		goto out;
	}
	if (until > max) {
		util_format_date(max, d);
		snprintf(why, sizeof(why), "beyond max_retention (%s)", d);
		rc = audit_refuse(r->cat, a, "retention", recording, -EINVAL, why);
		goto out;
	}
	rc = catalog_begin(r->cat);
	if (rc)
		goto out;
	rc = retention_tx(r, a, &rec, until, NULL);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		catalog_rollback(r->cat);
out:
	cat_recording_clear(&rec);
	return rc;
}

int rights_fit_retention(struct reg *r, const struct audit_actor *a, const struct policy *pol,
			 const char *recording, const char *by, int64_t *last)
{
	struct cat_recording rec;
	char b[16], *note;
	int64_t max;
	int rc, p;

	rc = catalog_get_recording(r->cat, recording, &rec);
	if (rc)
		return rc;
	p = policy_purpose_index(pol, rec.purpose);
	rc = rights_retention_last_day(pol, &rec, &max);
	if (rc == 0 && util_day_start(rec.retention_until) <= max)
		rc = RIGHTS_FIT_WITHIN;
	else if (rc == 0 && rec.legal_hold)
		rc = RIGHTS_FIT_HELD;
	else if (rc == 0) {
		policy_period_format(pol->purposes[p].max_retention, b);
		note = xasprintf("%s: max_retention of %s is %s", by, rec.purpose, b);
		rc = retention_tx(r, a, &rec, max, note);
		free(note);
		if (rc == 0)
			rc = RIGHTS_FIT_LOWERED;
	}
	if (rc >= 0 && last)
		*last = max;
	cat_recording_clear(&rec);
	return rc;
}

int rights_set_retention_text(struct reg *r, const struct audit_actor *a, int actor_level, const char *recording,
			      const char *date)
{
	int64_t until;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "retention", recording, -EPERM, "below the rights level");
	if (util_parse_date(date, &until))
		return audit_refuse(r->cat, a, "retention", recording, -EINVAL, "not a date (YYYY-MM-DD)");
	return rights_set_retention(r, a, actor_level, recording, until);
}

/*
 * "no", "yes", "yes since=...", "yes reason=...": what getfattr shows of
 * user.gdpr.restricted or .legal_hold, not a reason.  Written back (a
 * `setfattr --restore` of a `getfattr -d` dump, a copy that keeps
 * attributes, an SMB client setting the EA it read) "no" restricted a
 * recording shown unrestricted, for every level below the rights one,
 * and "yes since=..." nested the shown form in the reason (atk68 L1).
 */
static int shown_form(const char *v)
{
	return !strcasecmp(v, "no") || !strcasecmp(v, "yes") || !strncmp(v, "yes since=", 10) ||
	       !strncmp(v, "yes reason=", 11);
}

const char *rights_restrict_reason_refusal(const char *reason)
{
	/* Text, as a hold's reason; no length of its own beyond what
	 * setxattr carries.  chmod 0 is the way to restrict without one. */
	if (!*reason)
		return "a restriction by setfattr needs a reason (chmod 0 restricts without one)";
	if (shown_form(reason))
		return "the value is what the attribute shows ('no', 'yes since=...'), not a reason: "
		       "setfattr -x lifts a restriction";
	return util_is_log_safe(reason) ? NULL : "a restriction's reason is UTF-8 text with no control character";
}

const char *rights_hold_reason_refusal(const char *reason)
{
	size_t n = strlen(reason);

	/* Text, as a card's value: a reason that is not UTF-8 cannot go
	 * into JSON (recctl subject show left its recording out), and a
	 * control character would forge lines where it is printed. */
	if (!n)
		return "a hold needs a reason";
	if (shown_form(reason))
		return "the value is what the attribute shows ('yes since=...'), not a reason: "
		       "setfattr -x releases a hold";
	return n <= HOLD_REASON_MAX && util_is_log_safe(reason)
		       ? NULL
		       : "a hold's reason is UTF-8 text of at most 512 bytes, no control character";
}

int rights_check_restrict_reason(const char *reason)
{
	return rights_restrict_reason_refusal(reason) ? -EINVAL : 0;
}

int rights_check_hold_reason(const char *reason)
{
	return rights_hold_reason_refusal(reason) ? -EINVAL : 0;
}

/* The value's text (no field): 0 or -EINVAL. */
static int check_card_text(const char *value)
{
	return strlen(value) <= RIGHTS_CARD_VALUE_MAX && util_is_log_safe(value) ? 0 : -EINVAL;
}

/*
 * A phone number, e-mail or reference is one the blind index takes
 * (subject_normalise, the rule ingest matches by: a reference of
 * separators alone, "-", is none), or empty (the card keeps none); other
 * fields have no shape.  0, -EINVAL or -ENOMEM.
 */
static int check_card_identifier(const char *field, const char *value)
{
	char norm[SUBJECT_NORM_MAX];
	int rc;

	if (!value[0] || (strcmp(field, "phone") && strcmp(field, "email") && strcmp(field, "ref")))
		return 0;
	rc = subject_normalise(field, value, NULL, norm, sizeof(norm));
	crypto_memzero(norm, sizeof(norm));
	return rc;
}

int rights_check_card_value(const char *field, const char *value)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(card_fields) / sizeof(card_fields[0]); i++)
		if (!strcmp(field, card_fields[i]))
			break;
	if (i == sizeof(card_fields) / sizeof(card_fields[0]))
		return -ENOTSUP;
	rc = check_card_text(value);
	return rc ? rc : check_card_identifier(field, value);
}

const char *rights_card_value_refusal(const char *field, const char *value)
{
	if (check_card_text(value))
		return strlen(value) > RIGHTS_CARD_VALUE_MAX ? "value is longer than 256 bytes"
							     : "value holds a control character or bytes that are not UTF-8";
	return check_card_identifier(field, value) ? subject_refusal(field, value) : NULL;
}

int rights_refuse(struct reg *r, const struct audit_actor *a, int actor_level, const char *action,
		  const char *object, int err, const char *why)
{
	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, action, object, -EPERM, "below the rights level");
	return audit_refuse(r->cat, a, action, object, err, why);
}

int rights_refuse_nul(struct reg *r, const struct audit_actor *a, int actor_level, const char *action,
		      const char *object)
{
	return rights_refuse(r, a, actor_level, action, object, -EINVAL, "the value holds a NUL byte");
}

/* The blind-index entry of value (an identifier of kind) for handle, as
 * subject_normalise makes it with country code cc: put (drop 0) or dropped
 * (drop 1).  A value that does not normalise has none.  Inside the
 * caller's transaction. */
static int index_entry(struct reg *r, const struct crypto_key *ik, const char *handle, const char *kind,
		       const char *value, const char *cc, int drop)
{
	uint8_t mac[CRYPTO_MAC_BYTES];
	char norm[SUBJECT_NORM_MAX];
	int rc;

	if (!value)
		return 0;
	rc = subject_normalise(kind, value, cc, norm, sizeof(norm));
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	crypto_blind_index(ik, kind, norm, mac);
	crypto_memzero(norm, sizeof(norm));
	return drop ? catalog_drop_index_entry(r->cat, mac, handle) : catalog_put_index(r->cat, mac, handle, kind);
}

/* Drop the entry an e-mail or reference of handle has by the rule before
 * Unicode lower case (subject_normalise_v1, cut to 255 bytes as that
 * rule's buffer cut it), when it has one. */
static int drop_v1_entry(struct reg *r, const struct crypto_key *ik, const char *handle, const char *kind,
			 const char *value)
{
	uint8_t mac[CRYPTO_MAC_BYTES];
	char norm[256];

	if (!value || subject_normalise_v1(kind, value, norm, sizeof(norm)))
		return 0;
	crypto_blind_index(ik, kind, norm, mac);
	crypto_memzero(norm, sizeof(norm));
	return catalog_drop_index_entry(r->cat, mac, handle);
}

/* The entry of value by a rule before today's (subject_normalise_before),
 * dropped. */
static int drop_before_entry(struct reg *r, const struct crypto_key *ik, const char *handle, const char *kind,
			     const char *value, const char *cc, int raw)
{
	uint8_t mac[CRYPTO_MAC_BYTES];
	char norm[SUBJECT_NORM_MAX];
	int rc;

	if (!value)
		return 0;
	rc = subject_normalise_before(kind, value, cc, raw, norm, sizeof(norm));
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	crypto_blind_index(ik, kind, norm, mac);
	crypto_memzero(norm, sizeof(norm));
	return catalog_drop_index_entry(r->cat, mac, handle);
}

/* The entries of a name (subject_name_entries: each of its name forms,
 * and of each its whole given name), put or dropped together: they go
 * with a name rectified away, and a reindex puts back those of every
 * name its subject holds. */
static int index_name(struct reg *r, const struct crypto_key *ik, const char *handle, const char *value, int drop)
{
	struct subject_name_entries e;
	int rc = subject_name_entries(ik, value, &e);

	if (rc <= 0)
		return rc;
	rc = drop ? subject_drop_name_entries(r->cat, &e, handle) : subject_put_name_entries(r->cat, &e, handle);
	crypto_memzero(&e, sizeof(e));
	return rc;
}

/* index_entry by the policy's rule.  A value dropped goes in every form an
 * older recfs indexed it by: a phone number's without the policy's
 * phone_country_code (from before the policy had it), an e-mail's or
 * reference's with ASCII letters alone lowered (from before Unicode case
 * folding; the same entry for ASCII text).  A name's whole given names
 * go and come with its name forms (index_name). */
static int index_value(struct reg *r, const struct crypto_key *ik, const char *handle, const char *kind,
		       const char *value, int drop)
{
	const char *cc = r->policy->phone_country_code;
	int rc;

	if (!strcmp(kind, "name"))
		return value ? index_name(r, ik, handle, value, drop) : 0;
	rc = index_entry(r, ik, handle, kind, value, cc, drop);
	if (rc == 0 && drop && cc && !strcmp(kind, "phone"))
		rc = index_entry(r, ik, handle, kind, value, NULL, 1);
	if (rc == 0 && drop && strcmp(kind, "phone") && strcmp(kind, "name"))
		rc = drop_v1_entry(r, ik, handle, kind, value);
	for (int raw = 0; rc == 0 && drop && strcmp(kind, "name") && raw < 2; raw++)
		rc = drop_before_entry(r, ik, handle, kind, value, cc, raw);
	return rc;
}

/* Whether a name has a name form (subject_normalise "name"): two words. */
static int tells_apart(struct reg *r, const char *name)
{
	char form[SUBJECT_NORM_MAX];
	int ok = name && subject_normalise("name", name, r->policy->phone_country_code, form, sizeof(form)) == 0;

	crypto_memzero(form, sizeof(form));
	return ok;
}

/*
 * A rectified identifier of kind field (phone, email, ref) or name moves in
 * the blind index: handle's entries of that kind (of a name: its name
 * forms, whole given names and their middle words, SUBJECT_GIVEN_KIND
 * and SUBJECT_MIDDLE_KIND, every one its calls gave) and the entry of old (the card's value, which an entry written
 * before schema 6 has no kind to find it by) go, value's come.  With
 * only_old (a value calls gave, rights_rectify_given), the other entries of
 * the kind stay: old's alone goes (none when old is NULL), value's (when
 * not NULL) comes.  Inside the caller's transaction.
 */
static int move_index(struct reg *r, const struct crypto_key *ik, const char *handle, const char *field,
		      const char *old, const char *value, int only_old)
{
	int rc = only_old ? 0 : catalog_drop_index_kind(r->cat, handle, field), whole = 0;

	if (rc == 0 && !only_old && !strcmp(field, "name"))
		rc = catalog_drop_index_kind(r->cat, handle, SUBJECT_GIVEN_KIND);
	if (rc == 0 && !only_old && !strcmp(field, "name"))
		rc = catalog_drop_index_kind(r->cat, handle, SUBJECT_MIDDLE_KIND);
	/* A subject a split gave whole names (SUBJECT_WHOLE_KIND) takes the
	 * rectified one's too, and keeps those its calls gave. */
	if (rc == 0 && !only_old && !strcmp(field, "name"))
		rc = whole = catalog_index_has_kind(r->cat, handle, SUBJECT_WHOLE_KIND);
	if (rc > 0)
		rc = 0;
	if (rc == 0)
		rc = index_value(r, ik, handle, field, old, 1);
	if (rc == 0)
		rc = index_value(r, ik, handle, field, value, 0);
	if (rc == 0 && whole > 0 && value) {
		struct subject_name_entries e;

		rc = subject_name_entries(ik, value, &e);
		if (rc >= 0)
			rc = subject_put_whole_entries(r->cat, &e, handle);
		crypto_memzero(&e, sizeof(e));
	}
	return rc;
}

/* Whether a and b are one identifier of kind, however written. */
static int same_identifier(const struct reg *r, const char *kind, const char *a, const char *b)
{
	char na[SUBJECT_NORM_MAX], nb[SUBJECT_NORM_MAX];
	const char *cc = r->policy->phone_country_code;
	int same;

	if (subject_normalise(kind, a, cc, na, sizeof(na)) || subject_normalise(kind, b, cc, nb, sizeof(nb)))
		same = !strcmp(a, b);
	else
		same = !strcmp(na, nb);
	crypto_memzero(na, sizeof(na));
	crypto_memzero(nb, sizeof(nb));
	return same;
}

/* The level rec's details are sealed from when they are written again: as
 * it stands (seal_level_of), and as restricted while the audit log holds it
 * so though the catalog does not (audit_restricted_by_log): a rewrite lifts
 * no restriction.  Catalog errors. */
static int details_from(struct reg *r, const struct cat_recording *rec)
{
	int rc = audit_restricted_by_log(r->cat, rec);

	return rc < 0 ? rc : rc ? r->policy->rights_level : seal_level_of(r->policy, rec, SEAL_DETAILS);
}

/*
 * Recording rec's details, read as the rights level (which has a seal on
 * every details record) and parsed in *d.  Details that do not open, are
 * damaged, or are another recording's (root pointed the row there,
 * ingest_details_of; those an older recfs wrote name none and are taken)
 * are refused, EIO, logged on the recording as action by a when a is given
 * (inside a transaction, rollback_refusal logs it again), else said: a
 * rights command never changes a call, nor gives one to a subject, by what
 * another call's details say (atk60 F1).  So is a recording that points at
 * none (ingest writes them with every call; the export refuses one so)
 * when a is given: a merge would mark nothing in it and a split give
 * nothing back (atk61 F3); else *d is NULL and 0 (the reindex's reading of
 * names, as before).
 */
static int open_details(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *action,
			const struct cat_recording *rec, json_t **d)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	const char *bad = NULL;
	char *json = NULL, *why;
	size_t len = 0;
	int rc;

	*d = NULL;
	if (!rec->details_id[0] && !a)
		return 0;
	rc = rec->details_id[0] ? seal_read_record(r, kr, rl, rec->details_id, &json, &len) : -ENOENT;
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0)
		*d = json_loadb(json, len, 0, NULL);	/* json_is_object takes its argument twice */
	crypto_freezero(json, len);
	if (rc)
		bad = rc == -ENOENT ? "are missing" : "do not open with the rights level's key";
	else if (!json_is_object(*d))
		bad = "are damaged";
	else if (ingest_details_of(*d, rec->id) == 0)
		bad = "are another recording's";
	if (!bad)
		return 0;
	json_decref(*d);
	*d = NULL;
	why = xasprintf("its sealed details %s: changed outside recfs (recctl fsck)", bad);
	rc = a ? audit_refuse(r->cat, a, action, rec->id, -EIO, why) : meta_fail(-EIO, "recording %s: %s", rec->id, why);
	free(why);
	return rc;
}

/*
 * The subject entries of recording id's details (open_details, refused
 * as action by a) given to fn, and the record re-sealed
 * (seal_write_record) when fn changed them (returned 1), for the levels
 * details_from gives the recording as it stands, a restricted one's for
 * the rights level alone.  *changed_n (may be NULL) counts the record
 * when it changed.  0, 1 when it changed, or -errno.
 */
static int change_details(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *action,
			  const char *id, int (*fn)(struct reg *, json_t *subjects, void *), void *ctx,
			  size_t *changed_n)
{
	struct cat_recording rec;
	json_t *d = NULL;
	char *text = NULL;
	int rc, changed = 0;

	rc = catalog_get_recording(r->cat, id, &rec);
	if (rc)
		return rc;
	if ((rc = open_details(r, kr, a, action, &rec, &d)) || !d)
		goto out;
	if ((rc = changed = fn(r, json_object_get(d, "subjects"), ctx)) <= 0)
		goto out;
	if (!(text = json_dumps(d, JSON_COMPACT))) {
		rc = -ENOMEM;
		goto out;
	}
	rc = details_from(r, &rec);
	if (rc >= 0)
		rc = seal_write_record(r, rec.details_id, text, strlen(text), rc);
	if (rc == 0 && changed_n)
		(*changed_n)++;
out:
	jsonmem_free_text(text);
	json_decref(d);
	cat_recording_clear(&rec);
	return rc < 0 ? rc : changed;
}

/* A rectification's change: field of each subject entry of handle gets
 * value (with old, only an entry whose field is that identifier). */
struct rectify_entry {
	const char *handle, *field, *old, *value;
};

static int rectify_entries(struct reg *r, json_t *subjects, void *ctx)
{
	const struct rectify_entry *c = ctx;
	json_t *x;
	size_t i;
	int changed = 0;

	json_array_foreach(subjects, i, x) {
		const char *h = json_string_value(json_object_get(x, "handle"));
		const char *v = json_string_value(json_object_get(x, c->field));

		if (!json_is_object(x) || !h || strcmp(h, c->handle) ||
		    (c->old && (!v || !same_identifier(r, c->field, v, c->old))))
			continue;
		if (c->value)
			json_object_set_new(x, c->field, json_string(c->value));
		else
			json_object_del(x, c->field);
		changed = 1;
	}
	return changed;
}

/*
 * A subject's entry in the details of recording id changed: field of each
 * of its subject entries of handle gets value (the name a rectification
 * gives; with old, only an entry whose field is that identifier: the
 * phone, e-mail or reference a call gave, which is the card's old one, or
 * one a call alone gave; value NULL: the entry gives none), re-sealed by
 * change_details.  *changed (may be NULL) counts the recordings changed.
 */
static int rectify_details_of(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *id,
			      const char *handle, const char *field, const char *old, const char *value,
			      size_t *changed_n)
{
	struct rectify_entry c = { handle, field, old, value };
	int rc = change_details(r, kr, a, "rectify", id, rectify_entries, &c, changed_n);

	return rc < 0 ? rc : 0;
}

/* A merge's or a split's change: each entry of from becomes into's.  The
 * officer said whose it is, and its name is that subject's (atk42 F5: the
 * short form's mark goes).  A merge marks the entry with the handle it had
 * (SUBJECT_MERGED_FROM_KEY; the first merge's, kept through later ones);
 * a split, which names the recording, drops the mark. */
struct move_entry {
	const char *from, *into;
	int merge;
};

static int move_entries(struct reg *r, json_t *subjects, void *ctx)
{
	const struct move_entry *c = ctx;
	json_t *x;
	size_t i;
	int changed = 0;

	(void)r;
	json_array_foreach(subjects, i, x) {
		const char *h = json_string_value(json_object_get(x, "handle"));

		if (!json_is_object(x) || !h || strcmp(h, c->from))
			continue;
		if (!c->merge)
			json_object_del(x, SUBJECT_MERGED_FROM_KEY);
		else if (!json_is_string(json_object_get(x, SUBJECT_MERGED_FROM_KEY)))
			json_object_set_new(x, SUBJECT_MERGED_FROM_KEY, json_string(c->from));
		json_object_set_new(x, "handle", json_string(c->into));	/* h freed here */
		json_object_del(x, SUBJECT_SHORT_FORM_KEY);
		changed = 1;
	}
	return changed;
}

static int move_details_of(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *id,
			   const char *from, const char *into, int merge)
{
	struct move_entry c = { from, into, merge };
	int rc = change_details(r, kr, a, merge ? "merge-subject" : "split-subject", id, move_entries, &c, NULL);

	return rc < 0 ? rc : 0;
}

/*
 * A rectification reaches every copy of the value: a recording's details
 * keep the names of its subjects (user.recfs.subject_names) and the phone,
 * e-mail and reference each call gave (the export reads them), so a new
 * name is written into the details of each of the subject's recordings,
 * and a new phone, e-mail or reference where a call gave the card's old
 * one, in the rectification's transaction.  A value only a later call gave
 * is that call's, left as it is by a rectification of the card; given
 * (rights_rectify_given) rectifies it, old being that value and value
 * NULL clearing it.  *changed (may be NULL) counts the recordings whose
 * details changed.  The organisation is kept on the card alone.
 */
static int rectify_details(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			   const char *field,
			   const char *old, const char *value, size_t *changed)
{
	struct idlist recs = { 0 };
	int rc, name = !strcmp(field, "name");

	if (!name && (strcmp(field, "phone") && strcmp(field, "email") && strcmp(field, "ref")))
		return 0;
	if (!name && !old)
		return 0;
	rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		rc = rectify_details_of(r, kr, a, recs.id[i], handle, field, name ? NULL : old, value, changed);
	idlist_free(&recs);
	return rc;
}

/* The card of handle for a rectification, read as the rights level
 * (card_id, its sealed text in *json, *len, to crypto_freezero, and
 * parsed in *card): -ENOENT (no such subject, said), -ENOKEY (the rights
 * level's key not loaded: refused and logged), -EIO (damaged). */
static int rectify_read_card(struct reg *r, const struct keyring *kr, const struct audit_actor *a,
			     const char *handle, char card_id[RECFS_ID_HEX], char **json, size_t *len, json_t **card)
{
	int rc = catalog_get_subject(r->cat, handle, card_id);

	if (rc == -ENOENT)
		return meta_fail(-ENOENT, "no subject %s", handle);
	if (rc)
		return rc;
	rc = seal_read_record(r, kr, r->policy->levels[r->policy->rights_level].name, card_id, json, len);
	if (rc == -ENOKEY && !catalog_in_transaction(r->cat))
		return audit_refuse(r->cat, a, "rectify", handle, -ENOKEY, "the rights level's key is not loaded");
	if (rc)
		return rc;
	*card = json_loadb(*json, *len, 0, NULL);
	if (!json_is_object(*card))
		return meta_fail(-EIO, "card of %s is damaged", handle);
	return card_is_its(r, a, "rectify", handle, card_id, *card);
}

/*
 * The card read again inside the rectification's transaction, in place of
 * the copy rectify_read_card checked before it (freed): a merge, a split,
 * an erasure or another rectification may have committed between, and a
 * card written from the copy would undo its change (the list of merged
 * subjects, another field) or write again the card of a subject merged
 * away or erased (atk57).  -ENOENT: the subject is gone; the caller
 * refuses it once its transaction is rolled back (refuse_gone).
 */
static int rectify_card_now(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			    char card_id[RECFS_ID_HEX], char **json, size_t *len, json_t **card)
{
	crypto_freezero(*json, *len);
	*json = NULL;
	*len = 0;
	json_decref(*card);
	*card = NULL;
	return rectify_read_card(r, kr, a, handle, card_id, json, len, card);
}

/* A command whose subject went while it ran (a rectification's:
 * rectify_card_now; a merge's), refused and logged after its rollback. */
static int refuse_gone(struct reg *r, const struct audit_actor *a, const char *action, const char *handle)
{
	return audit_refuse(r->cat, a, action, handle, -ENOENT,
			    "the subject was merged into another or erased meanwhile: nothing changed");
}

int rights_rectify(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
		   const char *handle, const char *field, const char *value)
{
	char card_id[RECFS_ID_HEX], log_id[RECFS_ID_HEX], why[96];
	char *json = NULL, *text = NULL, *logtext = NULL;
	json_t *card = NULL, *entry = NULL;
	size_t len = 0;
	int rc, gone = 0, indexed = !strcmp(field, "phone") || !strcmp(field, "email") || !strcmp(field, "ref");

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "rectify", handle, -EPERM, "below the rights level");
	rc = rights_check_card_value(field, value);
	if (rc == -ENOTSUP)
		return audit_refuse(r->cat, a, "rectify", handle, -ENOTSUP, "not a card field");
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return audit_refuse(r->cat, a, "rectify", handle, -EINVAL, rights_card_value_refusal(field, value));
	if (indexed && !keyring_index_key(kr))
		return audit_refuse(r->cat, a, "rectify", handle, -ENOKEY,
				    "the blind-index key is not loaded: export the rights level's keyring again");
	/* A phone number, an e-mail or a reference may be shared (a
	 * household's line, a family's mailbox, a company's customer number:
	 * someone_else): the card takes it, and the subject holds its entry
	 * beside the others that hold it, as at ingest. */
	if ((rc = rectify_read_card(r, kr, a, handle, card_id, &json, &len, &card)))
		goto out;
	crypto_new_id(log_id);
	snprintf(why, sizeof(why), "field=%s sealed=%s", field, log_id);
	audit_refusal_watch();
	if ((rc = catalog_begin(r->cat)))
		goto out;
	rc = rectify_card_now(r, kr, a, handle, card_id, &json, &len, &card);
	gone = rc == -ENOENT;
	if (rc == 0) {
		entry = json_pack("{s:s, s:O?, s:s}", "field", field, "old", json_object_get(card, field), "new", value);
		json_object_set_new(card, field, json_string(value));
		text = json_dumps(card, JSON_COMPACT);
		logtext = entry ? json_dumps(entry, JSON_COMPACT) : NULL;
		if (!text || !logtext)
			rc = -ENOMEM;
	}
	if (rc == 0)
		rc = seal_card_from(r, r->policy, handle);
	if (rc >= 0)
		rc = seal_write_record(r, card_id, text, strlen(text), rc);
	if (rc == 0)
		rc = seal_write_record(r, log_id, logtext, strlen(logtext), seal_level_for(r->policy, NULL, SEAL_RIGHTS));
	if (rc == 0)	/* the history goes with the subject (erase_owned) */
		rc = catalog_set_record_owner(r->cat, log_id, handle);
	if (rc == 0)
		rc = rectify_details(r, kr, a, handle, field, json_string_value(json_object_get(entry, "old")), value,
				     NULL);
	if (rc == 0 && indexed)
		rc = move_index(r, keyring_index_key(kr), handle, field,
				json_string_value(json_object_get(entry, "old")), value, 0);
	if (rc == 0 && indexed)
		rc = index_calls_values(r, kr, handle, field);
	/* The name's entries (its form, its whole given name) tell the subject
	 * from others who share its number (subject_resolve); without the
	 * index key they stay as they were.  So they do when the name is
	 * cleared or cut to one word, which tells no one apart: a subject with
	 * none would take the next caller of its line as a subject given no
	 * name yet, and its own person's next call would be someone else
	 * (atk12). */
	if (rc == 0 && !strcmp(field, "name") && keyring_index_key(kr) && tells_apart(r, value))
		rc = move_index(r, keyring_index_key(kr), handle, field,
				json_string_value(json_object_get(entry, "old")), value, 0);
	if (rc == 0)
		rc = log_ok(r, a, "rectify", handle, NULL, handle, why);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		rollback_refusal(r);
		if (gone)
			rc = refuse_gone(r, a, "rectify", handle);
	} else {
		checkpoint(r, a);
	}
out:
	audit_refusal_forget();
	crypto_freezero(json, len);
	jsonmem_free_text(text);
	jsonmem_free_text(logtext);
	json_decref(card);
	json_decref(entry);
	return rc;
}

int rights_rectify_given(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			 const char *handle, const char *field, const char *given, const char *value, size_t *changed)
{
	char card_id[RECFS_ID_HEX], log_id[RECFS_ID_HEX], why[96];
	char *json = NULL, *logtext = NULL;
	json_t *card = NULL, *entry = NULL;
	const char *held;
	size_t len = 0, n = 0;
	int rc, gone = 0;

	if (changed)
		*changed = 0;
	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "rectify", handle, -EPERM, "below the rights level");
	if (strcmp(field, "phone") && strcmp(field, "email") && strcmp(field, "ref"))
		return audit_refuse(r->cat, a, "rectify", handle, -ENOTSUP,
				    "a call gives a phone number, an e-mail or a reference alone");
	rc = rights_check_card_value(field, value);
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return audit_refuse(r->cat, a, "rectify", handle, -EINVAL, rights_card_value_refusal(field, value));
	if (!given[0])
		return audit_refuse(r->cat, a, "rectify", handle, -EINVAL, "no value given to correct");
	if (!keyring_index_key(kr))
		return audit_refuse(r->cat, a, "rectify", handle, -ENOKEY,
				    "the blind-index key is not loaded: export the rights level's keyring again");
	if ((rc = rectify_read_card(r, kr, a, handle, card_id, &json, &len, &card)))
		goto out;
	/* The sealed history as a rectification of the card keeps it (old,
	 * new), marked given: reindex drops old's entry as it drops a card's
	 * old value, and puts the card's back. */
	entry = json_pack("{s:s, s:s, s:s, s:b}", "field", field, "old", given, "new", value, "given", 1);
	if (!entry || !(logtext = json_dumps(entry, JSON_COMPACT))) {
		rc = -ENOMEM;
		goto out;
	}
	crypto_new_id(log_id);
	snprintf(why, sizeof(why), "field=%s given=1 sealed=%s", field, log_id);
	audit_refusal_watch();
	if ((rc = catalog_begin(r->cat)))
		goto out;
	/* the card's value as it stands now (held, below) */
	rc = rectify_card_now(r, kr, a, handle, card_id, &json, &len, &card);
	gone = rc == -ENOENT;
	if (rc == 0)
		rc = rectify_details(r, kr, a, handle, field, given, value[0] ? value : NULL, &n);
	if (rc == 0 && n == 0) {
		catalog_rollback(r->cat);
		rc = audit_refuse(r->cat, a, "rectify", handle, -ENOENT, "no call of the subject gives that value");
		goto out;
	}
	if (rc == 0)
		rc = seal_write_record(r, log_id, logtext, strlen(logtext), seal_level_for(r->policy, NULL, SEAL_RIGHTS));
	if (rc == 0)	/* the history goes with the subject (erase_owned) */
		rc = catalog_set_record_owner(r->cat, log_id, handle);
	/* No call of the subject gives it now (rectify_details rewrote every
	 * one that did): its entry goes unless the card gives it. */
	held = json_string_value(json_object_get(card, field));
	if (rc == 0)
		rc = move_index(r, keyring_index_key(kr), handle, field,
				held && held[0] && same_identifier(r, field, held, given) ? NULL : given,
				value[0] ? value : NULL, 1);
	if (rc == 0)
		rc = log_ok(r, a, "rectify", handle, NULL, handle, why);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		rollback_refusal(r);
		if (gone)
			rc = refuse_gone(r, a, "rectify", handle);
	} else {
		checkpoint(r, a);
		if (changed)
			*changed = n;
	}
out:
	audit_refusal_forget();
	crypto_freezero(json, len);
	jsonmem_free_text(logtext);
	json_decref(card);
	json_decref(entry);
	return rc;
}

/* Seal the reasons rec holds in the clear; what was sealed goes into why. */
static int seal_plain(struct reg *r, struct cat_recording *rec, struct strbuf *why)
{
	char **const slot[2] = { &rec->legal_hold, &rec->restricted_reason };
	static const char *const what[2] = { "hold", "restriction" };
	char sealed[64];
	int rc = 0;

	for (int i = 0; rc == 0 && i < 2; i++) {
		char *text;
		int owned;

		if (!*slot[i])
			continue;
		if ((owned = owns_record(r, rec->id, *slot[i])) != 0) {
			rc = owned < 0 ? owned : 0;
			continue;
		}
		/* replace_reason frees the slot: it seals a copy. */
		text = xstrdup(*slot[i]);
		rc = replace_reason(r, rec->id, slot[i], text, sealed, sizeof(sealed));
		crypto_free_string(text);
		if (rc == 0)
			strbuf_addf(why, "%s%s %s", why->len ? " " : "", what[i], sealed);
	}
	return rc;
}

int rights_seal_reasons(struct reg *r, const struct audit_actor *a, size_t *n)
{
	struct idlist ids = { 0 };
	size_t done = 0;
	int rc = catalog_plain_reasons(r->cat, &ids);

	/* Looked at without a lock first: nearly every open finds none. */
	if (rc || ids.n == 0)
		goto out;
	idlist_free(&ids);
	if ((rc = catalog_begin(r->cat)))
		goto out;
	/* Again inside the transaction: another process may have done it. */
	rc = catalog_plain_reasons(r->cat, &ids);
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		struct cat_recording rec;
		struct strbuf why = { 0 };

		if ((rc = catalog_get_recording(r->cat, ids.id[i], &rec)))
			break;
		rc = seal_plain(r, &rec, &why);
		if (rc == 0)
			rc = catalog_update_recording(r->cat, &rec);
		if (rc == 0)
			rc = audit_log(r->cat, a, "seal-reasons", rec.id, "ok", why.s);
		strbuf_release(&why);
		cat_recording_clear(&rec);
		done++;
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		goto out;
	}
	checkpoint(r, a);
out:
	if (rc == 0 && n)
		*n = done;
	idlist_free(&ids);
	return rc;
}

int rights_read_reason(struct reg *r, const struct keyring *kr, const char *reason, char **text)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	size_t len;

	if (!reason || !util_is_id(reason))
		return -ENOENT;
	return seal_read_record(r, kr, rl, reason, text, &len);
}

/* A sealed JSON record opened as level (NULL: the highest kr opens) and
 * parsed; the text is wiped.  -EIO when it is not a JSON object. */
static int read_json(struct reg *r, const struct keyring *kr, const char *level, const char *id, json_t **out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = seal_read_record(r, kr, level, id, &text, &len);

	if (rc)
		return rc;
	*out = json_loadb(text, len, 0, NULL);
	crypto_freezero(text, len);
	if (json_is_object(*out))
		return 0;
	json_decref(*out);
	*out = NULL;
	return meta_fail(-EIO, "sealed record %s is damaged", id);
}

/*
 * 0, or -EIO when card (record card_id), read as handle's, is another
 * subject's (subject_card_theirs: it names another handle, or names none
 * and another row points at it, atk58 F1): root pointed handle's row at
 * another person's card, which fsck names, and the export refuses.  A change
 * written there would be that person's card's (atk57).  Refused and
 * logged under action when a is given (inside a transaction, the caller
 * watches for it: rollback_refusal), else said.
 */
static int card_is_its(struct reg *r, const struct audit_actor *a, const char *action, const char *handle,
		       const char *card_id, const json_t *card)
{
	static const char theirs[] = "the subject's card record is another subject's: changed outside recfs "
				     "(recctl fsck)";
	int rc = subject_card_theirs(r, handle, card_id, card);

	if (rc <= 0)
		return rc;
	if (a)
		return audit_refuse(r->cat, a, action, handle, -EIO, theirs);
	return meta_fail(-EIO, "%s: %s", handle, theirs);
}

/* A transaction rolled back, and the refusal logged inside it (after
 * audit_refusal_watch: card_is_its's) logged again on its own. */
static void rollback_refusal(struct reg *r)
{
	catalog_rollback(r->cat);
	audit_refusal_rolled_back(r->cat);
}

/* handle's card: its record's id in card_id, and the record opened with
 * the highest level of kr and parsed in *card, when it is handle's
 * (card_is_its). */
static int read_card(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *action,
		     const char *handle, char card_id[RECFS_ID_HEX], json_t **card)
{
	int rc = catalog_get_subject(r->cat, handle, card_id);

	if (rc == 0)
		rc = read_json(r, kr, NULL, card_id, card);
	if (rc == 0 && (rc = card_is_its(r, a, action, handle, card_id, *card))) {
		json_decref(*card);
		*card = NULL;
	}
	return rc;
}

static int add_file_id(const struct cat_artifact *a, void *ctx)
{
	return json_array_append_new(ctx, json_string(a->id)) ? -ENOMEM : 0;
}

/* The recording's files as its details list them (INGEST_DETAILS_ARTIFACTS),
 * as the catalog has them now, unless the details list them already. */
static int details_own_files(struct reg *r, const char *recording, json_t *d)
{
	json_t *list;
	int rc;

	if (json_is_array(json_object_get(d, INGEST_DETAILS_ARTIFACTS)))
		return 0;
	list = json_array();
	rc = catalog_each_artifact(r->cat, recording, add_file_id, list);
	if (rc == 0 && json_object_set_new(d, INGEST_DETAILS_ARTIFACTS, list))
		return -ENOMEM;
	if (rc)
		json_decref(list);
	return rc;
}

int rights_details_own(struct reg *r, const struct keyring *kr, const char *recording)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	struct cat_recording rec;
	json_t *d = NULL;
	char *text = NULL;
	int rc = catalog_get_recording(r->cat, recording, &rec);

	if (rc)
		return rc;
	if (!rec.details_id[0])
		rc = meta_fail(-ENOENT, "recording %s has no details record", recording);
	if (rc == 0)
		rc = read_json(r, kr, rl, rec.details_id, &d);
	if (rc == 0) {
		int own = ingest_details_of(d, recording);

		if (own == 0)
			rc = meta_fail(-EIO, "the details record of recording %s names another recording", recording);
		else if (own < 0 && json_object_set_new(d, INGEST_DETAILS_RECORDING, json_string(recording)))
			rc = -ENOMEM;
		else if (own < 0 && (rc = details_own_files(r, recording, d)) == 0) {
			if (!(text = json_dumps(d, JSON_COMPACT)))
				rc = -ENOMEM;
			else if ((rc = details_from(r, &rec)) >= 0 &&
				 (rc = seal_write_record(r, rec.details_id, text, strlen(text), rc)) == 0)
				rc = 1;
		}
	}
	jsonmem_free_text(text);
	json_decref(d);
	cat_recording_clear(&rec);
	return rc;
}

/* Wipe the names (personal data) of l, then free it. */
static void names_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		crypto_memzero(l->v[i], strlen(l->v[i]));
	strlist_clear(l);
}

static int names_hold(const struct strlist *l, const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return 1;
	return 0;
}

/* The values of field (name, phone, email, ref) handle's entries in the
 * details of recording id give, added to out (each once; a name a call
 * found by its short form gave none, subject.h).  Read by open_details,
 * refused as action by a (when given). */
static int details_values(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *action,
			  const char *id, const char *handle, const char *field, struct strlist *out)
{
	struct cat_recording rec;
	json_t *d = NULL, *x;
	size_t k;
	int rc = catalog_get_recording(r->cat, id, &rec);

	if (rc)
		return rc;
	rc = open_details(r, kr, a, action, &rec, &d);
	json_array_foreach(json_object_get(d, "subjects"), k, x) {
		const char *h = json_string_value(json_object_get(x, "handle"));
		const char *v = json_string_value(json_object_get(x, field));

		if (rc == 0 && h && v && v[0] && !strcmp(h, handle) && !names_hold(out, v) &&
		    (strcmp(field, "name") || !json_is_true(json_object_get(x, SUBJECT_SHORT_FORM_KEY))))
			strlist_add(out, v);
	}
	json_decref(d);
	cat_recording_clear(&rec);
	return rc;
}

/*
 * The names handle's recordings gave it, each put as ingest took it
 * (subject_put_call_name); *parted 1 when two of them, or one and the
 * card's name card_name, are two people by today's rules
 * (subject_entries_parted: of the first PARTED_NAMES names).
 */
#define PARTED_NAMES 32
static int index_details_names(struct reg *r, const struct keyring *kr, const char *handle, const char *card_name,
			       int *parted)
{
	const struct crypto_key *ik = keyring_index_key(kr);
	struct subject_name_entries *e = NULL;
	struct idlist recs = { 0 };
	struct strlist names = { 0 };
	size_t first = card_name != NULL, n;
	int rc = catalog_subject_recordings(r->cat, handle, &recs);

	*parted = 0;
	if (card_name)
		strlist_add(&names, card_name);
	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		rc = details_values(r, kr, NULL, NULL, recs.id[i], handle, "name", &names);
	for (size_t i = first; rc == 0 && i < names.n; i++)
		rc = subject_put_call_name(r, ik, names.v[i], handle);
	n = names.n < PARTED_NAMES ? names.n : PARTED_NAMES;
	if (rc == 0 && n > 1 && !(e = calloc(n, sizeof(*e))))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && e && i < n; i++)
		rc = subject_name_entries(ik, names.v[i], &e[i]) < 0 ? -ENOMEM : 0;
	for (size_t i = 0; rc == 0 && e && !*parted && i < n; i++)
		for (size_t j = i + 1; !*parted && j < n; j++)
			*parted = subject_entries_parted(&e[i], &e[j]);
	if (e)
		crypto_memzero(e, n * sizeof(*e));
	free(e);
	names_clear(&names);
	idlist_free(&recs);
	return rc;
}

/*
 * The entries of the phone numbers, e-mails or references (field) that
 * handle's calls give, put: a rectification of the card drops every entry
 * of the kind (move_index), and a value a later call gave (a work e-mail
 * beside the card's own) is the subject's still, by which ingest links
 * its next call and `subject find` finds it; reindex puts them too.  A
 * value a rectification rewrote in the calls (rectify_details) is the new
 * one there.  Inside the caller's transaction.
 */
static int index_calls_values(struct reg *r, const struct keyring *kr, const char *handle, const char *field)
{
	struct strlist v = { 0 };
	int rc = calls_values(r, kr, handle, field, &v);

	for (size_t i = 0; rc == 0 && i < v.n; i++)
		rc = index_value(r, keyring_index_key(kr), handle, field, v.v[i], 0);
	names_clear(&v);
	return rc;
}

/* The values of field (phone, email, ref) handle's calls give, into out. */
static int calls_values(struct reg *r, const struct keyring *kr, const char *handle, const char *field,
			struct strlist *out)
{
	struct idlist recs = { 0 };
	int rc = catalog_subject_recordings(r->cat, handle, &recs);

	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		rc = details_values(r, kr, NULL, NULL, recs.id[i], handle, field, out);
	idlist_free(&recs);
	return rc;
}

/*
 * After a split: the entries of the values of field that fresh's calls
 * give are put for fresh (one walk of its calls: the person split off is
 * found by his own e-mail, and his next call giving it is his), and go
 * from handle unless handle's card (card_value) or one of the calls it
 * keeps gives the same (same_identifier): the father split off
 * a household's subject takes his e-mail with him, and his next call
 * giving it alone is not his son's (atk46 F4).  A call ingested before
 * the details kept the values gives none, so handle keeps what such calls
 * gave.  Inside the caller's transaction.
 */
static int move_split_values(struct reg *r, const struct keyring *kr, const char *handle, const char *fresh,
			     const char *card_value, const char *field)
{
	struct strlist moved = { 0 }, kept = { 0 };
	int rc = calls_values(r, kr, fresh, field, &moved);

	for (size_t i = 0; rc == 0 && i < moved.n; i++)
		rc = index_value(r, keyring_index_key(kr), fresh, field, moved.v[i], 0);
	if (rc == 0)
		rc = calls_values(r, kr, handle, field, &kept);
	if (rc == 0 && card_value && card_value[0])
		strlist_add(&kept, card_value);
	for (size_t i = 0; rc == 0 && i < moved.n; i++) {
		int held = 0;

		for (size_t k = 0; !held && k < kept.n; k++)
			held = same_identifier(r, field, moved.v[i], kept.v[k]);
		if (!held)
			rc = index_value(r, keyring_index_key(kr), handle, field, moved.v[i], 1);
	}
	names_clear(&moved);
	names_clear(&kept);
	return rc;
}

/* One subject's entries: what its rectification histories rectified away
 * goes, its card's phone, e-mail, reference and name are put (with their
 * kind), and the names its recordings gave it (index_details_names, which
 * says whether two of them are two people's: *parted). */
static int reindex_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			   int *parted)
{
	static const char *const kinds[] = { "phone", "email", "ref", "name" };
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	const struct crypto_key *ik = keyring_index_key(kr);
	char card_id[RECFS_ID_HEX];
	struct idlist hist = { 0 };
	json_t *card = NULL, *e = NULL;
	int rc = read_card(r, kr, a, "subject-reindex", handle, card_id, &card);

	if (rc == 0)
		rc = catalog_owned_records(r->cat, handle, &hist);
	for (size_t i = 0; rc == 0 && i < hist.n; i++) {
		const char *field;

		if ((rc = read_json(r, kr, rl, hist.id[i], &e)))
			break;
		field = json_string_value(json_object_get(e, "field"));
		if (field && (!strcmp(field, "phone") || !strcmp(field, "email") || !strcmp(field, "ref") ||
			      !strcmp(field, "name")))
			rc = index_value(r, ik, handle, field, json_string_value(json_object_get(e, "old")), 1);
		json_decref(e);
		e = NULL;
	}
	/* A name's entries are all written again below, from the card and
	 * the calls: those an older rule wrote ("m berg" of "Mr Berg" before
	 * schema 16, "m gross" of "Dr. med. Hans Groß" before 15) go. */
	if (rc == 0)
		rc = catalog_drop_index_kind(r->cat, handle, "name");
	if (rc == 0)
		rc = catalog_drop_index_kind(r->cat, handle, SUBJECT_GIVEN_KIND);
	if (rc == 0)
		rc = catalog_drop_index_kind(r->cat, handle, SUBJECT_MIDDLE_KIND);
	/* After the drops: a value rectified away and back again stays.  A
	 * card's value is dropped first, so that one indexed by an older rule
	 * (before phone_country_code) is indexed by today's alone. */
	for (size_t i = 0; rc == 0 && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *v = json_string_value(json_object_get(card, kinds[i]));

		rc = index_value(r, ik, handle, kinds[i], v, 1);
		if (rc == 0)
			rc = index_value(r, ik, handle, kinds[i], v, 0);
	}
	for (size_t i = 0; rc == 0 && i < 3; i++)
		rc = index_calls_values(r, kr, handle, kinds[i]);
	if (rc == 0)
		rc = index_details_names(r, kr, handle, json_string_value(json_object_get(card, "name")), parted);
	idlist_free(&hist);
	json_decref(card);
	return rc;
}

static int add_handle(const char *handle, void *ctx)
{
	idlist_add(ctx, handle);
	return 0;
}

int rights_reindex(struct reg *r, const struct keyring *kr, const struct audit_actor *a, size_t *n,
		   struct idlist *parted)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	struct idlist handles = { 0 };
	char why[48];
	size_t i = 0;
	int rc;

	if (!kr || !keyring_index_key(kr) || !keyring_level(kr, rl, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "subject-reindex", NULL, -ENOKEY,
				    "needs the rights level's key and the blind-index key");
	audit_refusal_watch();
	if ((rc = catalog_begin(r->cat))) {
		audit_refusal_forget();
		return rc;
	}
	rc = catalog_each_subject(r->cat, add_handle, &handles);
	for (; rc == 0 && i < handles.n; i++) {
		int two = 0;

		if ((rc = reindex_subject(r, kr, a, handles.id[i], &two)))
			meta_fail(rc, "subject %s: %s", handles.id[i], meta_strerror(rc));
		if (two && parted)
			idlist_add(parted, handles.id[i]);
	}
	snprintf(why, sizeof(why), "subjects=%zu", i);
	if (rc == 0)
		rc = catalog_delete_meta(r->cat, SUBJECT_REINDEX_META);
	if (rc == 0)
		rc = audit_log(r->cat, a, "subject-reindex", NULL, "ok", why);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc)
		rollback_refusal(r);
	else
		checkpoint(r, a);	/* dropped entries leave the WAL */
	audit_refusal_forget();
	if (rc == 0 && n)
		*n = handles.n;
	idlist_free(&handles);
	return rc;
}

/* handle's name entries, all of them made again from names: those of
 * kind "name", SUBJECT_GIVEN_KIND, SUBJECT_MIDDLE_KIND and
 * SUBJECT_WHOLE_KIND it held go, and each name's come as ingest took it
 * (subject_put_call_name), its whole name's too
 * (subject_put_whole_entries). */
static int index_split_names(struct reg *r, const struct crypto_key *ik, const char *handle,
			     const struct strlist *names)
{
	static const char *const kinds[] = { "name", SUBJECT_GIVEN_KIND, SUBJECT_MIDDLE_KIND, SUBJECT_WHOLE_KIND };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		rc = catalog_drop_index_kind(r->cat, handle, kinds[i]);
	for (size_t i = 0; rc == 0 && i < names->n; i++) {
		struct subject_name_entries e;

		/* each name as ingest took it ("Per Olof" of a "Per-Olof") */
		rc = subject_put_call_name(r, ik, names->v[i], handle);
		if (rc == 0)
			rc = subject_name_entries(ik, names->v[i], &e);
		if (rc >= 0)
			rc = subject_put_whole_entries(r->cat, &e, handle);
		crypto_memzero(&e, sizeof(e));
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/*
 * The split's part of the cards' lists of merged subjects (merge_cards):
 * the handles of want leave handle's list for fresh's (added to what it
 * lists: none for a new card).  *left: how many handle's list keeps.
 * Inside the split's transaction; -EAGAIN when handle's card no longer
 * lists one of them, when either subject is gone (merged into another),
 * or fresh's list is gone or damaged (a split, a merge or a
 * rectification meanwhile).  A card of an older recfs (no list)
 * keeps none, and moves none (the split checked that none is named).
 */
static int split_merged(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			const char *fresh, const struct idlist *want, size_t *left)
{
	size_t n = want->n;
	char hid[RECFS_ID_HEX], fid[RECFS_ID_HEX];
	struct idlist list = { 0 }, theirs = { 0 };
	json_t *hc = NULL, *fc = NULL, *keep = NULL, *moved = NULL;
	int rc;

	*left = 0;
	rc = read_card(r, kr, a, "split-subject", handle, hid, &hc);
	if (rc == -ENOENT)
		rc = -EAGAIN;
	/* damaged (fsck names it): none named, the split leaves it so */
	if (rc == 0 && (rc = subject_card_merged(hc, &list)) < 0 && !n)
		rc = 0;
	if (rc == 0 && n)
		rc = -EAGAIN;
	if (rc <= 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++)
		if (!idlist_has(&list, 0, want->id[i]))
			rc = -EAGAIN;
	*left = list.n;
	if (rc || !n)
		goto out;
	rc = read_card(r, kr, a, "split-subject", fresh, fid, &fc);
	if (rc == -ENOENT || (rc == 0 && subject_card_merged(fc, &theirs) != 1))
		rc = -EAGAIN;
	if (rc)
		goto out;
	keep = json_array();
	moved = json_array();
	for (size_t i = 0; i < theirs.n; i++)
		json_array_append_new(moved, json_string(theirs.id[i]));
	for (size_t i = 0; i < list.n; i++)
		if (!idlist_has(want, 0, list.id[i]))
			json_array_append_new(keep, json_string(list.id[i]));
		else if (!idlist_has(&theirs, 0, list.id[i]))
			json_array_append_new(moved, json_string(list.id[i]));
	*left = json_array_size(keep);
	if (json_object_set(hc, SUBJECT_CARD_MERGED, keep) || json_object_set(fc, SUBJECT_CARD_MERGED, moved))
		rc = -ENOMEM;
	if (rc == 0)
		rc = reseal_card(r, handle, hid, hc);
	if (rc == 0)
		rc = reseal_card(r, fresh, fid, fc);
out:
	json_decref(keep);
	json_decref(moved);
	json_decref(hc);
	json_decref(fc);
	idlist_free(&list);
	idlist_free(&theirs);
	return rc;
}

/*
 * A call of both people: in a recording's details, handle's entries that
 * a merge of one of want gave it (SUBJECT_MERGED_FROM_KEY), beside one of
 * handle's own (unmarked, or marked by a merge the split does not undo).
 * The merge dropped the person's link (the call was handle's already),
 * and a split that undoes it gives the call back (atk59 F4).  With into
 * NULL, a look: the names of handle's entries (as details_values gives
 * them) go to theirs, those so marked, and to own, the others, and own_n
 * and theirs_n count the entries.  Else, when the call is one of both,
 * the marked entries become into's, their mark dropped, and role is the
 * first one's.
 */
struct shared_call {
	const char *handle, *into;
	const struct idlist *want;
	struct strlist own, theirs;
	size_t own_n, theirs_n;
	char *role;
};

static int marked_by(const json_t *x, const struct idlist *want)
{
	const char *m = json_string_value(json_object_get(x, SUBJECT_MERGED_FROM_KEY));

	return m && idlist_has(want, 0, m);
}

static int shared_entries(struct reg *r, json_t *subjects, void *ctx)
{
	struct shared_call *c = ctx;
	size_t i;
	json_t *x;

	(void)r;
	c->own_n = c->theirs_n = 0;
	json_array_foreach(subjects, i, x) {
		const char *h = json_string_value(json_object_get(x, "handle"));

		if (h && !strcmp(h, c->handle))
			*(marked_by(x, c->want) ? &c->theirs_n : &c->own_n) += 1;
	}
	if (c->into && (!c->own_n || !c->theirs_n))
		return 0;
	json_array_foreach(subjects, i, x) {
		const char *h = json_string_value(json_object_get(x, "handle"));
		const char *name = json_string_value(json_object_get(x, "name"));
		const char *role = json_string_value(json_object_get(x, "role"));
		int mine = !marked_by(x, c->want);
		struct strlist *l = mine ? &c->own : &c->theirs;

		if (!h || strcmp(h, c->handle))
			continue;
		if (!c->into) {
			if (name && name[0] && !names_hold(l, name) &&
			    !json_is_true(json_object_get(x, SUBJECT_SHORT_FORM_KEY)))
				strlist_add(l, name);
			continue;
		}
		if (mine)
			continue;
		if (!c->role)
			c->role = xstrdup(role ? role : INGEST_DEFAULT_ROLE);
		json_object_del(x, SUBJECT_MERGED_FROM_KEY);
		json_object_del(x, SUBJECT_SHORT_FORM_KEY);
		json_object_set_new(x, "handle", json_string(c->into));
	}
	return c->into != NULL;
}

/* Each name of from not in to added to to. */
static void add_names(struct strlist *to, const struct strlist *from)
{
	for (size_t i = 0; to && i < from->n; i++)
		if (!names_hold(to, from->v[i]))
			strlist_add(to, from->v[i]);
}

/*
 * What a split does with recording id, which it does not name, when it
 * moves the merged handles want (shared_entries' look, one read of its
 * details): SHARED_BOTH, a call of handle and of one of want (the split
 * gives it to the new subject too), the names of the marked entries added
 * to split, the others' to kept; SHARED_LEFT, a call in which every entry
 * of handle's is marked by one of want (the persons split off were in it,
 * by the details, handle's own person not), and SHARED_NOT, any other:
 * they stay handle's, their names added to kept.  A call left so is the
 * officer's to check: the person merged may have been handle's for some
 * calls, a party of a call taken for another at ingest, and the details
 * cannot tell (atk61 F1).  split and kept may be NULL (--into indexes no
 * names).  -errno, refused as a split.
 */
enum { SHARED_NOT, SHARED_BOTH, SHARED_LEFT };
static int shared_call_names(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *id,
			     const char *handle, const struct idlist *want, struct strlist *split,
			     struct strlist *kept)
{
	struct shared_call c = { handle, NULL, want, { 0 }, { 0 }, 0, 0, NULL };
	int rc = change_details(r, kr, a, "split-subject", id, shared_entries, &c, NULL);

	if (rc == 0)
		rc = !c.theirs_n ? SHARED_NOT : c.own_n ? SHARED_BOTH : SHARED_LEFT;
	if (rc >= 0) {
		add_names(rc == SHARED_BOTH ? split : kept, &c.theirs);
		add_names(kept, &c.own);
	}
	names_clear(&c.own);
	names_clear(&c.theirs);
	return rc;
}

/* Recording id, a call of handle and of one of want (shared_entries),
 * given to into as well: those entries into's, a link of into, logged on
 * the recording ("from=HANDLE into=INTO shared=1"); a standing objection
 * or a withdrawal of consent of into reaches it, as at ingest
 * (rights_restrict_if_objected, which logs it).  1 when given, 0 when it
 * is not such a call, or -errno. */
static int give_shared_call(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *id,
			    const char *handle, const struct idlist *want, const char *into)
{
	struct shared_call c = { handle, into, want, { 0 }, { 0 }, 0, 0, NULL };
	char why[96];
	int x = 0, rc = change_details(r, kr, a, "split-subject", id, shared_entries, &c, NULL);

	if (rc <= 0)
		goto out;
	rc = catalog_link_subject(r->cat, id, into, c.role);
	snprintf(why, sizeof(why), "from=%s into=%s shared=1", handle, into);
	if (rc == 0)
		rc = audit_log(r->cat, a, "split-subject", id, "ok", why);
	if (rc == 0)
		rc = rights_restrict_if_objected(r, a, id, &x);
	rc = rc < 0 ? rc : 1;
out:
	free(c.role);
	return rc;
}

/* For each merged subject of moved that a split moved from handle's card
 * to into's, an entry on handle: the log's walks of handle then leave
 * that one's history out (AUDIT_SPLIT_MERGED); and one on into, which
 * puts it back in into's walk if a split had taken it off into before
 * (AUDIT_SPLIT_RECEIVED: moved back). */
static int log_merged_moved(struct reg *r, const struct audit_actor *a, const char *handle, const char *into,
			    const struct idlist *moved)
{
	char why[96];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < moved->n; i++) {
		snprintf(why, sizeof(why), "into=%s " AUDIT_SPLIT_MERGED "=%s", into, moved->id[i]);
		rc = audit_log(r->cat, a, "split-subject", handle, "ok", why);
		snprintf(why, sizeof(why), "from=%s " AUDIT_SPLIT_RECEIVED "=%s", handle, moved->id[i]);
		if (rc == 0)
			rc = audit_log(r->cat, a, "split-subject", into, "ok", why);
	}
	return rc;
}

/* The id of handle's card, for a split, in card_id.  An unknown handle is
 * refused, logged on the handle, which no subject is then given
 * (handle_free); audit_refuse writes no text of another form (a name
 * typed for one). */
static int split_card(struct reg *r, const struct audit_actor *a, const char *handle, char card_id[RECFS_ID_HEX])
{
	int rc = catalog_get_subject(r->cat, handle, card_id);

	if (rc == -ENOENT) {
		audit_refuse(r->cat, a, "split-subject", handle, -ENOENT,
			     subject_handle_form(handle)
				     ? "no such subject"
				     : "no subject by that handle (not a handle: S- and six letters or digits)");
		return meta_fail(-ENOENT, "no subject %s", handle);
	}
	return rc;
}

/* A handle as a refusal may name it: never a text typed for one (bb16 F1). */
static const char *named_handle(const char *h)
{
	return subject_handle_form(h) ? h : "(not a handle)";
}

/* Before the split's transaction: each of merged is listed by handle's
 * card (a refusal logged, else), and want holds each once (a handle
 * named twice moves once). */
static int check_merged(struct reg *r, const struct audit_actor *a, const char *handle, const json_t *card,
			const char *const *merged, size_t n, struct idlist *want)
{
	struct idlist have = { 0 };
	char why[160];
	int rc = n ? subject_card_merged(card, &have) : 1;

	if (rc < 0)
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EIO,
				  "the subject's list of merged subjects is damaged (recctl fsck)");
	else if (rc == 0)
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EINVAL,
				  "the subject's card, made by an older recfs, lists no subjects merged into it: none "
				  "can move with the split");
	else
		rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (idlist_has(&have, 0, merged[i])) {
			if (!idlist_has(want, 0, merged[i]))
				idlist_add(want, merged[i]);
			continue;
		}
		snprintf(why, sizeof(why), "%s is not among the subjects merged into the subject (its card lists %zu)",
			 named_handle(merged[i]), have.n);
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EINVAL, why);
	}
	idlist_free(&have);
	return rc;
}

int rights_split_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			 const char *handle, const char *const *recordings, size_t n, const char *name,
			 const char *const *merged, size_t n_merged, struct rights_split *out)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	const struct crypto_key *ik = kr ? keyring_index_key(kr) : NULL;
	struct idlist recs = { 0 }, moving = { 0 }, want = { 0 }, shared = { 0 }, alone = { 0 };
	struct strlist split = { 0 }, kept = { 0 };
	struct subject_card nc = { 0 };
	char card_id[RECFS_ID_HEX], fresh[CATALOG_HANDLE_MAX] = "", why[160];
	json_t *card = NULL;
	size_t done = 0, merged_left = 0, given = 0;
	int rc, level, card_moved = 0, changed = 0;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "split-subject", handle, -EPERM, "below the rights level");
	if (!kr || !ik || !keyring_level(kr, rl, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "split-subject", handle, -ENOKEY,
				    "needs the rights level's key and the blind-index key");
	if (name && rights_check_card_value("name", name))
		return audit_refuse(r->cat, a, "split-subject", handle, -EINVAL,
				    strlen(name) > RIGHTS_CARD_VALUE_MAX
					    ? "the name is longer than 256 bytes"
					    : "the name holds a control character or bytes that are not UTF-8");
	if ((rc = split_card(r, a, handle, card_id)))
		return rc;
	if (n == 0)
		return audit_refuse(r->cat, a, "split-subject", handle, -EINVAL, "no recording named");
	if ((rc = catalog_subject_recordings(r->cat, handle, &recs)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!idlist_has(&recs, 0, recordings[i])) {
			/* an id or the hex digits it starts with, never a
			 * text typed for one (bb16 F1) */
			size_t hex = util_hex_len(recordings[i]);

			snprintf(why, sizeof(why), "recording %s is not linked to the subject",
				 hex && hex <= 32 ? recordings[i] : "(not an id)");
			rc = audit_refuse(r->cat, a, "split-subject", handle, -EINVAL, why);
			goto out;
		}
		if (!idlist_has(&moving, 0, recordings[i]))
			idlist_add(&moving, recordings[i]);
	}
	if (moving.n == recs.n) {
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EINVAL,
				  "every recording of the subject named: nothing would be left (a rectification, "
				  "not a split)");
		goto out;
	}
	if ((rc = read_card(r, kr, a, "split-subject", handle, card_id, &card)))
		goto out;
	if ((rc = check_merged(r, a, handle, card, merged, n_merged, &want)))
		goto out;
	level = seal_card_from(r, r->policy, handle);
	if (level < 0) {
		rc = level;
		goto out;
	}
	audit_refusal_watch();
	if ((rc = catalog_begin(r->cat)))
		goto out;
	/* As they stand in the transaction: a call ingested, erased or
	 * merged since they were checked, the card rectified (its phone
	 * number and reference go to the new card, atk58 F2). */
	idlist_free(&recs);
	json_decref(card);
	card = NULL;
	if ((rc = read_card(r, kr, a, "split-subject", handle, card_id, &card)) == -ENOENT)
		rc = changed = -EAGAIN;
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t m = 0; rc == 0 && m < moving.n; m++)
		if (!idlist_has(&recs, 0, moving.id[m]))
			rc = changed = -EAGAIN;
	if (rc == 0 && moving.n == recs.n)
		rc = changed = -EAGAIN;
	/* The names the calls gave: of the recordings split off, and of
	 * those handle keeps. */
	for (size_t i = 0; rc == 0 && i < recs.n; i++) {
		if (idlist_has(&moving, 0, recs.id[i]))
			rc = details_values(r, kr, a, "split-subject", recs.id[i], handle, "name", &split);
		else if ((rc = shared_call_names(r, kr, a, recs.id[i], handle, &want, &split, &kept)) > 0)
			rc = (idlist_add(rc == SHARED_BOTH ? &shared : &alone, recs.id[i]), 0);
	}
	/* The new card: the name the officer gives, else the first the
	 * split-off calls gave; the card's phone number and reference, by
	 * which the calls were taken for handle's (a shared line, a
	 * booking); no e-mail (taken for one person's, as subject_resolve
	 * takes it). */
	nc.name = name ? name : split.n ? split.v[0] : NULL;
	nc.phone = json_string_value(json_object_get(card, "phone"));
	nc.ref = json_string_value(json_object_get(card, "ref"));
	if (rc == 0)
		rc = subject_new_card(r, &nc, level, fresh);
	/* the earlier handles named go with the person split off */
	if (rc == 0 && (rc = split_merged(r, kr, a, handle, fresh, &want, &merged_left)) == -EAGAIN)
		changed = rc;
	for (size_t i = 0; rc == 0 && i < moving.n; i++) {
		struct cat_recording rec;

		rc = move_details_of(r, kr, a, moving.id[i], handle, fresh, 0);
		if (rc == 0)
			rc = catalog_move_link(r->cat, moving.id[i], handle, fresh);
		if (rc == 0 && (rc = catalog_get_recording(r->cat, moving.id[i], &rec)) == 0) {
			if (rec.restricted_by_objection && (rc = subject_objects_to(r, handle, rec.purpose)) > 0)
				done++;
			rc = rc < 0 ? rc : 0;
			cat_recording_clear(&rec);
		}
	}
	/* and the calls of both handle and the person split off, which a
	 * merge took for one (its link dropped): the person's again */
	for (size_t i = 0; rc == 0 && i < shared.n; i++)
		if ((rc = give_shared_call(r, kr, a, shared.id[i], handle, &want, fresh)) == 1)
			rc = (given++, 0);
	/* The blind index.  The new subject holds handle's phone numbers and
	 * references (shared: a household's line, a booking), the e-mails its
	 * calls gave, and the names of its card and its calls; handle's names are made again from its
	 * card's (unless only the calls split off gave it) and its calls'. */
	if (rc == 0)
		rc = catalog_copy_index_kind(r->cat, handle, fresh, "phone");
	if (rc == 0)
		rc = catalog_copy_index_kind(r->cat, handle, fresh, "ref");
	if (rc == 0)
		rc = index_value(r, ik, fresh, "phone", nc.phone, 0);
	if (rc == 0)
		rc = index_value(r, ik, fresh, "ref", nc.ref, 0);
	/* and the e-mails its calls gave (now its, rectify_details_of);
	 * handle keeps those its card and its calls give */
	if (rc == 0)
		rc = move_split_values(r, kr, handle, fresh, json_string_value(json_object_get(card, "email")), "email");
	if (rc == 0 && nc.name && !names_hold(&split, nc.name))
		strlist_add(&split, nc.name);
	if (rc == 0)
		rc = index_split_names(r, ik, fresh, &split);
	if (rc == 0) {
		const char *cn = json_string_value(json_object_get(card, "name"));

		card_moved = cn && names_hold(&split, cn) && !names_hold(&kept, cn);
		if (cn && !card_moved && !names_hold(&kept, cn))
			strlist_add(&kept, cn);
		rc = index_split_names(r, ik, handle, &kept);
	}
	if (rc == 0) {
		snprintf(why, sizeof(why), "into=%s recordings=%zu restricted=%zu merged=%zu shared=%zu", fresh,
			 moving.n, done, want.n, given);
		rc = log_ok(r, a, "split-subject", handle, NULL, handle, why);
	}
	if (rc == 0)
		rc = log_merged_moved(r, a, handle, fresh, &want);
	/* and on the new subject and each moved recording, where audit show
	 * --subject, --object and --recording look */
	if (rc == 0) {
		snprintf(why, sizeof(why), "from=%s recordings=%zu", handle, moving.n);
		rc = audit_log(r->cat, a, "split-subject", fresh, "ok", why);
	}
	for (size_t i = 0; rc == 0 && i < moving.n; i++) {
		snprintf(why, sizeof(why), "from=%s into=%s", handle, fresh);
		rc = audit_log(r->cat, a, "split-subject", moving.id[i], "ok", why);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		rollback_refusal(r);
		/* logged once the transaction is gone, which would take the
		 * entry with it */
		if (changed)
			rc = audit_refuse(r->cat, a, "split-subject", handle, -EAGAIN,
					  "the subject changed meanwhile (a call ingested, erased or merged, its list "
					  "of merged subjects): try again");
	} else {
		checkpoint(r, a);
		if (out) {
			snprintf(out->handle, sizeof(out->handle), "%s", fresh);
			out->moved = moving.n;
			out->restricted = done;
			out->card_named = card_moved;
			out->merged_moved = want.n;
			out->merged_left = merged_left;
			out->shared = given;
			out->alone = alone;
			alone = (struct idlist){ 0 };
			if (catalog_first_open_request(r->cat, handle, &out->open_request))
				out->open_request = 0;
		}
	}
out:
	audit_refusal_forget();
	json_decref(card);
	names_clear(&split);
	names_clear(&kept);
	idlist_free(&recs);
	idlist_free(&moving);
	idlist_free(&want);
	idlist_free(&shared);
	idlist_free(&alone);
	return rc;
}


int rights_split_merged(struct reg *r, const struct keyring *kr, const struct audit_actor *a, int actor_level,
			const char *handle, const char *into, const char *const *merged, size_t n,
			struct rights_split *out)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	struct idlist want = { 0 }, theirs = { 0 }, recs = { 0 }, alone = { 0 }, shared = { 0 };
	char hid[RECFS_ID_HEX], iid[RECFS_ID_HEX], why[160];
	json_t *card = NULL, *ic = NULL;
	size_t left = 0, given = 0;
	int rc;

	if (!is_rights(r, actor_level))
		return audit_refuse(r->cat, a, "split-subject", handle, -EPERM, "below the rights level");
	if (!kr || !keyring_level(kr, rl, (uint8_t[CRYPTO_PK_BYTES]){ 0 }))
		return audit_refuse(r->cat, a, "split-subject", handle, -ENOKEY, "needs the rights level's key");
	if ((rc = split_card(r, a, handle, hid)))
		return rc;
	if (n == 0)
		return audit_refuse(r->cat, a, "split-subject", handle, -EINVAL, "no merged subject named");
	rc = catalog_get_subject(r->cat, into, iid);
	if (rc == -ENOENT || (rc == 0 && !strcmp(into, handle))) {
		snprintf(why, sizeof(why), "%s is no other subject to take the merged subjects", named_handle(into));
		return audit_refuse(r->cat, a, "split-subject", handle, rc ? -ENOENT : -EINVAL, why);
	}
	if (rc)
		return rc;
	if ((rc = read_card(r, kr, a, "split-subject", handle, hid, &card)) ||
	    (rc = check_merged(r, a, handle, card, merged, n, &want)))
		goto out;
	if ((rc = read_card(r, kr, a, "split-subject", into, iid, &ic)))
		goto out;
	rc = subject_card_merged(ic, &theirs);
	if (rc < 0)
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EIO,
				  "the list of merged subjects of the subject to take them is damaged (recctl fsck)");
	else if (rc == 0)
		rc = audit_refuse(r->cat, a, "split-subject", handle, -EINVAL,
				  "the card of the subject to take them, made by an older recfs, lists no merged "
				  "subjects");
	else
		rc = 0;
	audit_refusal_watch();
	if (rc || (rc = catalog_begin(r->cat)))
		goto out;
	rc = split_merged(r, kr, a, handle, into, &want, &left);
	if (rc == 0)
		rc = log_merged_moved(r, a, handle, into, &want);
	/* the calls of both, whose link a merge dropped: into's too */
	if (rc == 0)
		rc = catalog_subject_recordings(r->cat, handle, &recs);
	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		if ((rc = shared_call_names(r, kr, a, recs.id[i], handle, &want, NULL, NULL)) > 0)
			rc = (idlist_add(rc == SHARED_BOTH ? &shared : &alone, recs.id[i]), 0);
	for (size_t i = 0; rc == 0 && i < shared.n; i++)
		if ((rc = give_shared_call(r, kr, a, shared.id[i], handle, &want, into)) == 1)
			rc = (given++, 0);
	if (rc == 0) {
		snprintf(why, sizeof(why), "from=%s recordings=0 merged=%zu shared=%zu", handle, want.n, given);
		rc = audit_log(r->cat, a, "split-subject", into, "ok", why);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		rollback_refusal(r);
		if (rc == -EAGAIN)
			rc = audit_refuse(r->cat, a, "split-subject", handle, -EAGAIN,
					  "the subjects' cards changed meanwhile (a split, a merge or a rectification): "
					  "try again");
	} else {
		checkpoint(r, a);
		if (out) {
			memset(out, 0, sizeof(*out));
			snprintf(out->handle, sizeof(out->handle), "%s", into);
			out->merged_moved = want.n;
			out->merged_left = left;
			out->shared = given;
			out->alone = alone;
			alone = (struct idlist){ 0 };
		}
	}
out:
	audit_refusal_forget();
	json_decref(card);
	json_decref(ic);
	idlist_free(&want);
	idlist_free(&theirs);
	idlist_free(&recs);
	idlist_free(&alone);
	idlist_free(&shared);
	return rc;
}
