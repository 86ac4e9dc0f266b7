/*
 * export.c - one subject's data out of the register, decrypted, for the
 * subject (Art. 15(3), Art. 20) or for a recipient named in the policy
 * (§8 of the notice).
 *
 * Nothing is disclosed unless it is logged: files are written first into a
 * hidden folder that did not exist (OUTDIR/.HANDLE.partial-PID-XXXXXX), the
 * audit entries commit after, and only then is it renamed OUTDIR/HANDLE;
 * if they cannot commit, the folder is removed.  An export killed before
 * the rename leaves only the hidden folder, which the next export into
 * OUTDIR removes (remove_stale_partials).  Every object is opened with the highest
 * level of the keyring that holds a seal on it, so a restricted recording
 * (sealed for the rights level only) opens only with that key.  Decrypted
 * text held in memory (cards, details) is wiped before it is freed; media
 * goes straight from blob_read into the output file through one buffer
 * that is wiped at the end.
 *
 * A portable package (Art. 20) holds only what the subject provided on
 * consent or under a contract; what it leaves out is said, never silently
 * dropped.  A protected recording goes into the subject's own copy only
 * when its passphrase opens it: the key derived from it lives for that
 * recording's export alone, in guarded memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "blob.h"
#include "export.h"
#include "ingest.h"
#include "jsonmem.h"
#include "naming.h"
#include "protect.h"
#include "request.h"
#include "seal.h"
#include "subject.h"

#define VCON_VERSION "0.0.2"
#define COPY_BUF (64u << 10)	/* bytes of decrypted media per read and write */

struct exp {
	struct reg *r;
	const struct keyring *kr;
	const struct audit_actor *a;
	const struct export_opts *o;
	const char *handle;
	char *dir;
	int to_subject;
	json_t *card;			/* the subject's card, with "handle" */
	json_t *recs, *withheld, *left;	/* for export.json */
	struct strbuf left_txt;		/* LEFT_OUT.txt */
	struct crypto_key *mask;	/* the passphrase key of the protected recording being exported */
	struct idlist done;		/* exported recordings, for the log */
	struct idlist unlocked;		/* those of them opened with a passphrase */
	json_t *given;			/* identifiers calls gave that the card lacks (add_given) */
	struct export_result res;
};

int export_basis_portable(const char *basis)
{
	return basis && (!strcmp(basis, "consent") || !strcmp(basis, "contract"));
}

/* A sealed record as JSON, opened with the highest level of the keyring
 * that has a seal on it; -EACCES when none has. */
static int open_record(struct exp *e, const char *id, json_t **out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = seal_read_record(e->r, e->kr, NULL, id, &text, &len);

	if (rc)
		return rc;
	*out = json_loadb(text, len, 0, NULL);
	crypto_freezero(text, len);
	return *out ? 0 : meta_fail(-EIO, "sealed record %s is not JSON", id);
}

/* The officer may cat the file before sending it: the recorder's text in
 * it (comment tags, titles, names) acts on no terminal
 * (util_escape_json_controls). */
static int write_json(struct exp *e, const char *name, json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *safe, *path;
	int rc;

	if (!text)
		return -ENOMEM;
	safe = util_escape_json_controls(text);
	jsonmem_free_text(text);
	path = xasprintf("%s/%s", e->dir, name);
	rc = util_write_file_atomic(path, safe, strlen(safe), 0600);
	if (rc)
		rc = meta_fail(rc, "cannot write %s: %s", path, strerror(-rc));
	crypto_free_string(safe);
	free(path);
	return rc;
}

/* Decrypt one artifact into dir/name. */
static int write_media(struct exp *e, const struct cat_artifact *art, const char *name)
{
	struct crypto_key *dek = NULL;
	struct blob_reader *br = NULL;
	char *blob = reg_blob_path(e->r, art->id), *path = xasprintf("%s/%s", e->dir, name);
	uint8_t *buf = xcalloc(1, COPY_BUF);
	uint64_t off = 0;
	int fd = -1, rc;

	if ((rc = seal_unseal_highest(e->r, e->kr, art->id, &dek, NULL)))
		goto out;
	/* A protected recording's seals hold DEK ^ P (seal.h). */
	if (e->mask && (rc = seal_mask(dek, e->mask)))
		goto out;
	if ((rc = blob_reader_open(blob, art->id, dek, art->size, &br))) {
		rc = meta_fail(rc, "blob of artifact %s does not open", art->id);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = meta_fail(-errno, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = blob_read(br, buf, COPY_BUF, off);

		if (n < 0) {
			rc = meta_fail((int)n, "artifact %s fails authentication", art->id);
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = util_write_all(fd, buf, (size_t)n)))
			goto out;
		off += (uint64_t)n;
	}
	if (fsync(fd) < 0)
		rc = -errno;
	e->res.files += rc == 0;
out:
	if (fd >= 0)
		close(fd);
	blob_reader_close(br);
	crypto_key_free(dek);
	crypto_freezero(buf, COPY_BUF);
	free(blob);
	free(path);
	return rc;
}

struct parties {
	struct exp *e;
	json_t *list;
};

static int add_party(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct parties *p = ctx;
	json_t *o = json_object();

	(void)recording;
	json_object_set_new(o, "handle", json_string(handle));
	json_object_set_new(o, "role", json_string(role));
	if (!strcmp(handle, p->e->handle)) {
		/* The subject's own card; nobody else's (Art. 15(4)). */
		static const char *const keys[][2] = { { "name", "name" }, { "phone", "tel" }, { "email", "mailto" } };
		const char *cc = p->e->r->policy->phone_country_code;	/* national numbers too */

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_t *v = json_object_get(p->e->card, keys[i][0]);
			char norm[64];

			if (!json_is_string(v))
				continue;
			/* vCon's tel is a number in E.164 form where we can. */
			if (!strcmp(keys[i][0], "phone") &&
			    subject_normalise("phone", json_string_value(v), cc, norm, sizeof(norm)) == 0 && norm[0] == '+' &&
			    strspn(norm + 1, "0123456789") == strlen(norm + 1))
				json_object_set_new(o, keys[i][1], json_string(norm));
			else
				json_object_set(o, keys[i][1], v);
			crypto_memzero(norm, sizeof(norm));
		}
	}
	json_array_append_new(p->list, o);
	return 0;
}

/* Whether value is the card's own (cv): the same identifier, however written. */
static int same_identifier(const char *kind, const char *value, const json_t *cv, const char *cc)
{
	char a[SUBJECT_NORM_MAX], b[SUBJECT_NORM_MAX];
	int same;

	if (!json_is_string(cv))
		return 0;
	if (subject_normalise(kind, value, cc, a, sizeof(a)) || subject_normalise(kind, json_string_value(cv), cc, b, sizeof(b)))
		same = !strcmp(value, json_string_value(cv));
	else
		same = !strcmp(a, b);
	crypto_memzero(a, sizeof(a));
	crypto_memzero(b, sizeof(b));
	return same;
}

/*
 * The identifiers (phone, e-mail, reference) a call gave for the subject,
 * which its sealed details keep (ingest): on the subject's own party of
 * the call's vCon as "given", and each one the card does not hold in
 * e->given, for subject.json's "identifiers_calls_gave".  A known
 * subject's card keeps its own values (a number only a later call gave is
 * on no card), while the register finds and links the subject by these
 * too (blind index): the copy holds them (Art. 15(3), bb14 F1).  Other
 * subjects' entries are never read (Art. 15(4)).  Details of a recording
 * ingested before recfs kept them hold none.
 */
static void add_given(struct exp *e, json_t *parties, const json_t *details)
{
	static const char *const kinds[] = { "phone", "email", "ref" };
	const char *cc = e->r->policy->phone_country_code;
	json_t *party = NULL, *s;
	size_t i;

	json_array_foreach(parties, i, s) {
		const char *h = json_string_value(json_object_get(s, "handle"));

		if (h && !strcmp(h, e->handle) && !party)
			party = s;
	}
	json_array_foreach(json_object_get(details, "subjects"), i, s) {
		const char *h = json_string_value(json_object_get(s, "handle"));

		if (!h || strcmp(h, e->handle))
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			json_t *v = json_object_get(s, kinds[k]), *list, *w;
			const char *val = json_string_value(v);
			size_t n;
			int held;

			if (!val || !val[0])	/* cleared by a rectification */
				continue;
			if (party) {
				if (!json_is_object(json_object_get(party, "given")))
					json_object_set_new(party, "given", json_object());
				json_object_set(json_object_get(party, "given"), kinds[k], v);
			}
			held = same_identifier(kinds[k], val, json_object_get(e->card, kinds[k]), cc);
			list = json_object_get(e->given, kinds[k]);
			json_array_foreach(list, n, w)
				held |= same_identifier(kinds[k], val, w, cc);
			if (held)
				continue;
			if (!list)
				json_object_set_new(e->given, kinds[k], list = json_array());
			json_array_append(list, v);
		}
	}
}

static void withhold(struct exp *e, const char *id, const char *why)
{
	json_array_append_new(e->withheld, json_pack("{s:s, s:s}", "id", id, "reason", why));
	e->res.withheld++;
	if (e->o->withheld)
		idlist_add(e->o->withheld, id);
}

/* Art. 20: a recording on a basis it does not cover, said in export.json
 * and LEFT_OUT.txt. */
static void leave_out(struct exp *e, const struct cat_recording *rec)
{
	char t[21], *why = xasprintf("legal basis %s, not portable (Art. 20(1)(a) covers consent and contract)",
				     rec->legal_basis);

	util_format_time(rec->recorded_at, t);
	json_array_append_new(e->left, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", rec->id, "recorded_at", t,
						 "purpose", rec->purpose, "legal_basis", rec->legal_basis, "reason",
						 why));
	strbuf_addf(&e->left_txt, "%s %s purpose=%s: %s\n", rec->id, t, rec->purpose, why);
	e->res.left_out++;
	if (e->o->left_out)
		idlist_add(e->o->left_out, rec->id);
	free(why);
}

/*
 * A protected recording: e->mask becomes the key its passphrase gives when
 * the export may open it (to the subject, with the rights level's key and
 * a passphrase that opens it); otherwise it is withheld and e->mask stays
 * NULL.  0, or an error that stops the export.
 */
static int unlock_protected(struct exp *e, const char *id)
{
	const char *rl = e->r->policy->levels[e->r->policy->rights_level].name;
	struct crypto_key *pass = NULL, *key = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	struct cat_lock l;
	int rc;

	if (!e->to_subject) {
		/* Only ever to the subject (recctl(1), bb6 F11). */
		withhold(e, id, "password-protected: never disclosed to a recipient");
		return 0;
	}
	if (!e->o->passphrase) {
		/* Its DEKs need the recording's passphrase too (protect.h). */
		withhold(e, id, "password-protected: give its passphrase with --passphrase-file, or listen on a "
				"mount after recctl unlock");
		return 0;
	}
	if (!keyring_level(e->kr, rl, pk)) {
		withhold(e, id, "password-protected: needs the rights level's keyring and its passphrase");
		return 0;
	}
	rc = e->o->passphrase(e->o->passphrase_ctx, id, &pass);
	if (rc == -ENOENT) {
		withhold(e, id, "password-protected: no passphrase given for it");
		return 0;
	}
	if (rc)
		return rc;
	rc = catalog_get_lock(e->r->cat, id, &l);
	if (rc == 0)
		rc = protect_derive(&l, (const char *)pass->bytes, pass->len, &key);
	crypto_key_free(pass);
	if (rc == 0)
		rc = protect_check(e->r, e->kr, rl, id, key);
	if (rc == -EACCES) {
		withhold(e, id, "password-protected: the passphrase given does not open it");
		rc = 0;
	} else if (rc == 0) {
		e->mask = key;
		key = NULL;
	}
	crypto_key_free(key);
	return rc;
}

/* Where copy_artifact puts its copies (the walk's structs are only lent). */
struct art_copy {
	struct cat_artifact **arts;
	size_t *n;
};

static int copy_artifact(const struct cat_artifact *a, void *ctx)
{
	struct art_copy *to = ctx;
	struct cat_artifact *k;

	*to->arts = xrealloc(*to->arts, (*to->n + 1) * sizeof(**to->arts));
	k = &(*to->arts)[(*to->n)++];
	*k = *a;
	k->role = xstrdup(a->role);
	k->ext = xstrdup(a->ext);
	return 0;
}

/*
 * Whose a recording is: the subject's link to it is a row root can add
 * with one INSERT; its sealed details, which no one without the keys can
 * forge, must name the subject too (ingest_details_handles), and be its
 * own (ingest_details_of: not another recording's record the row was
 * pointed at), or the export would send another person's call to this one
 * (or to a recipient as this one's).  Refused whole, logged: the catalog
 * was changed outside recfs, and the officer looks before anything is
 * disclosed (recctl fsck names what).  Details that do not open count as
 * refused with the rights level's key (a seal deleted); with a lower
 * level's, which may not open them, the recording is withheld.  Not the
 * audit log: root can append entries to it that chain (atk51).  0, 1 when
 * withheld, or -errno.
 */
static int check_whose(struct exp *e, const char *id, const json_t *details, int open_rc)
{
	const struct policy *pol = e->r->policy;
	struct idlist named = { 0 };
	uint8_t pk[CRYPTO_PK_BYTES];
	char why[200];
	/* -1, details an older recfs wrote without the id, are taken */
	int own = details ? ingest_details_of(details, id) != 0 : 0, ok;

	if (details) {
		ingest_details_handles(details, &named);
		ok = idlist_has(&named, 0, e->handle);
		idlist_free(&named);
		if (ok && own)
			return 0;
		snprintf(why, sizeof(why), "recording %s is linked to the subject, but its sealed details %s: changed "
			 "outside recfs (recctl fsck)", id, !own ? "are another recording's" : "do not name it");
	} else if (open_rc == -ENOENT || keyring_level(e->kr, pol->levels[pol->rights_level].name, pk)) {
		snprintf(why, sizeof(why), "recording %s is linked to the subject, but its sealed details %s: changed "
			 "outside recfs (recctl fsck)", id, open_rc == -ENOENT ? "are missing"
			 : "do not open with the rights level's key");
	} else {
		withhold(e, id, "its details do not open with the keyring given, and whose it is is told by them: "
			 "export with the rights level's keyring");
		return 1;
	}
	return audit_refuse(e->r->cat, e->a, "export", e->handle, -EIO, why);
}

static int export_recording(struct exp *e, const char *id)
{
	struct cat_recording rec;
	struct parties p = { e, json_array() };
	json_t *vcon = NULL, *details = NULL, *dialog, *atts = json_array(), *files = json_array(), *ext, *idx;
	struct cat_artifact *arts = NULL;
	struct crypto_key *probe = NULL;
	char stem[NAMING_STEM_MAX], name[NAMING_NAME_MAX], t[21], d[11];
	size_t n_arts = 0;
	int rc;

	rc = catalog_get_recording(e->r->cat, id, &rec);
	if (rc == -ENOENT) {
		rc = 0;	/* erased meanwhile */
		goto out_norec;
	}
	if (rc)
		goto out_norec;
	if (e->o->portability && !export_basis_portable(rec.legal_basis)) {
		leave_out(e, &rec);
		goto out;
	}
	if (rec.restricted_since && !e->to_subject) {
		withhold(e, id, "restricted (Art. 18(2))");
		goto out;
	}
	/* the catalog's word is root's to change; the log's is told */
	if (!e->to_subject && (rc = audit_restricted_by_log(e->r->cat, &rec))) {
		if (rc > 0)
			withhold(e, id, "restricted by the audit log (restricted, never lifted), though the catalog "
				 "says not: changed outside recfs (recctl fsck)");
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	if (rec.locked && ((rc = unlock_protected(e, id)) || !e->mask))
		goto out;
	/* Collect the artifacts first: no walk stays open while decrypting. */
	if ((rc = catalog_each_artifact(e->r->cat, id, copy_artifact, &(struct art_copy){ &arts, &n_arts })))
		goto out;
	/* Whether any held level opens it at all (restricted: rights level only). */
	for (size_t i = 0; i < n_arts; i++) {
		if (strcmp(arts[i].role, "audio"))
			continue;
		rc = seal_unseal_highest(e->r, e->kr, arts[i].id, &probe, NULL);
		crypto_key_free(probe);
		probe = NULL;
		if (rc == -EACCES) {
			withhold(e, id, rec.restricted_since ? "restricted: needs the rights level's key"
							     : "no level of the keyring opens it");
			rc = 0;
			goto out;
		}
		if (rc)
			goto out;
	}
	rc = rec.details_id[0] ? open_record(e, rec.details_id, &details) : -ENOENT;
	if (rc && rc != -EACCES && rc != -ENOKEY && rc != -ENOENT)
		goto out;
	if ((rc = check_whose(e, id, details, rc))) {
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	/* and its files are those its details list: an artifact row is
	 * root's to move under another recording */
	for (size_t i = 0; i < n_arts; i++)
		if (ingest_details_artifact(details, arts[i].id) == 0) {
			char why[160];

			snprintf(why, sizeof(why), "file %s of recording %s is not one its sealed details list: "
				 "changed outside recfs (recctl fsck)", arts[i].id, id);
			rc = audit_refuse(e->r->cat, e->a, "export", e->handle, -EIO, why);
			goto out;
		}
	naming_stem(stem, &rec);
	if ((rc = catalog_each_link(e->r->cat, id, add_party, &p)))
		goto out;
	if (details) {
		size_t i;
		json_t *s;

		json_array_foreach(json_object_get(details, "staff"), i, s)
			json_array_append_new(p.list, json_pack("{s:s}", "role", "staff"));
	}
	if (details)
		add_given(e, p.list, details);
	util_format_time(rec.recorded_at, t);
	dialog = json_array();
	for (size_t i = 0; i < n_arts; i++) {
		const struct cat_artifact *a = &arts[i];

		naming_artifact(name, stem, a->role, a->n, a->ext);
		if ((rc = write_media(e, a, name))) {
			json_decref(dialog);
			goto out;
		}
		json_array_append_new(files, json_string(name));
		if (!strcmp(a->role, "audio")) {
			json_t *pi = json_array();

			for (size_t k = 0; k < json_array_size(p.list); k++)
				json_array_append_new(pi, json_integer((json_int_t)k));
			json_array_append_new(dialog, json_pack("{s:s, s:s, s:f, s:o, s:s, s:s}", "type", "recording",
								"start", t, "duration", rec.duration_ms / 1000.0,
								"parties", pi, "mimetype", "audio/ogg", "filename",
								name));
		} else {
			int chat = !strcmp(a->role, "chat");
			/* By the extension, never the content: the recorder
			 * wrote it, and this process holds the keyrings
			 * (bb6 F9). */
			const char *type = chat ? "text/plain" : naming_media_type(a->ext);

			json_array_append_new(atts, json_pack("{s:s, s:s, s:s}", "type", chat ? "chat" : "presentation",
							      "mimetype", type ? type : "application/octet-stream",
							      "filename", name));
		}
	}
	util_format_date(rec.retention_until, d);
	ext = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "purpose", rec.purpose, "legal_basis",
			rec.legal_basis, "retention_until", d, "data_source", rec.data_source, "source", rec.source,
			"kind", rec.kind, "channels", rec.channels, "restricted", rec.restricted_since != 0);
	/* The audio's comment tags, kept out of the stored file (opus.h): the
	 * recorder's file as it came would have carried them. */
	if (details && json_is_array(json_object_get(details, "opus_tags")))
		json_object_set(ext, "opus_tags", json_object_get(details, "opus_tags"));
	vcon = json_pack("{s:s, s:s, s:s}", "vcon", VCON_VERSION, "uuid", rec.id, "created_at", t);
	if (details && json_is_string(json_object_get(details, "title")))
		json_object_set(vcon, "subject", json_object_get(details, "title"));
	json_object_set(vcon, "parties", p.list);
	json_object_set_new(vcon, "dialog", dialog);
	json_object_set(vcon, "attachments", atts);
	json_object_set_new(vcon, "recfs", ext);
	snprintf(name, sizeof(name), "%s.vcon.json", stem);
	if ((rc = write_json(e, name, vcon)))
		goto out;
	idx = json_pack("{s:s, s:s, s:O}", "id", rec.id, "vcon", name, "files", files);
	json_array_append_new(e->recs, idx);
	idlist_add(&e->done, rec.id);
	if (e->mask) {
		idlist_add(&e->unlocked, rec.id);
		e->res.unlocked++;
	}
	e->res.recordings++;
out:
	crypto_key_free(e->mask);
	e->mask = NULL;
	cat_recording_clear(&rec);
out_norec:
	for (size_t i = 0; i < n_arts; i++)
		cat_artifact_clear(&arts[i]);
	free(arts);
	json_decref(vcon);
	json_decref(details);
	json_decref(p.list);
	json_decref(atts);
	json_decref(files);
	return rc;
}

/*
 * Art. 15(1)(c): to whom the subject's data went, from the audit log.  The
 * entries about the subject or one of its recordings (audit_each_about_subject,
 * which the answer letter's recipients read too)
 * that disclosed something: an export ("disclosures", with its recipient
 * from the entry's reason) and an open of a file, a read of details or of
 * the card, a subject show ("accesses").  Refusals disclosed nothing and
 * are left out.  Users are pseudonymised for this export alone: "user-N"
 * stands for one account (uid), numbered in the order they first appear,
 * so the subject learns how many people accessed what, when, and at which
 * access level, but not who (the controller answers that if the law
 * requires); a new export numbers them afresh.
 */
struct access_walk {
	struct exp *e;
	json_t *disclosures, *accesses;
	uid_t uids[256];	/* the pseudonyms given: user-(i+1) is uids[i] */
	size_t n_uids;
};

static const char *const access_actions[] = { "open", "details", "card", "subject-show", NULL };

static int is_access(const char *action)
{
	for (size_t i = 0; access_actions[i]; i++)
		if (!strcmp(action, access_actions[i]))
			return 1;
	return 0;
}

/* user-N of uid; past the table's size all further accounts share one name. */
static void pseudonym(struct access_walk *w, uid_t uid, char out[16])
{
	size_t i;

	for (i = 0; i < w->n_uids && w->uids[i] != uid; i++)
		;
	if (i == w->n_uids && w->n_uids < sizeof(w->uids) / sizeof(w->uids[0]))
		w->uids[w->n_uids++] = uid;
	if (i < sizeof(w->uids) / sizeof(w->uids[0]))
		snprintf(out, 16, "user-%zu", i + 1);
	else
		snprintf(out, 16, "user-more");
}

int export_disclosure(const struct audit_entry *e, const char *handle, const struct idlist *selves, char *out,
		      size_t n)
{
	char subject[CATALOG_HANDLE_MAX];

	*out = '\0';
	/* a merged subject's own export: its recordings' entries tell what
	 * of them went, and it may be another person's (atk39 F2) */
	if (!e->action || strcmp(e->action, "export") || audit_entry_of_another_subject(e, handle))
		return 0;
	if (!e->reason || !audit_reason_value(e->reason, "recipient", out, n))
		return 1;
	if (!strcmp(out, EXPORT_TO_SUBJECT) &&
	    audit_reason_value(e->reason, "subject", subject, sizeof(subject)) &&
	    !idlist_has(selves, 0, subject))
		snprintf(out, n, "%s", EXPORT_TO_PARTICIPANT);
	return 1;
}

static int add_access(const struct audit_entry *a, const struct idlist *selves, void *ctx)
{
	struct access_walk *w = ctx;
	struct cat_artifact art;
	char t[21], who[16], label[NAMING_LABEL_MAX], recipient[64];
	const char *rec = NULL, *artifact = a->artifact;
	json_t *o;

	if (!a->action || !a->outcome || strcmp(a->outcome, "ok"))
		return 0;
	if (strcmp(a->action, "export") && !is_access(a->action))
		return 0;
	if (!strcmp(a->action, "export") && !export_disclosure(a, w->e->handle, selves, recipient, sizeof(recipient)))
		return 0;
	util_format_time(a->time, t);
	memset(&art, 0, sizeof(art));
	/* An entry before schema 2 names the artifact opened by its id. */
	if (a->object && strcmp(a->object, w->e->handle) && catalog_get_artifact(w->e->r->cat, a->object, &art) == 0) {
		rec = art.recording;
		naming_label(label, art.role, art.n, art.ext);
		artifact = label;
	} else if (a->object && strcmp(a->object, w->e->handle) && !audit_entry_of_another_subject(a, w->e->handle)) {
		rec = a->object;
	}
	o = json_pack("{s:s, s:s}", "time", t, "action", a->action);
	json_object_set_new(o, "recording", rec ? json_string(rec) : json_null());
	if (!strcmp(a->action, "export")) {
		json_object_set_new(o, "recipient", *recipient ? json_string(recipient) : json_null());
		json_array_append_new(w->disclosures, o);
	} else {
		pseudonym(w, a->actor.uid, who);
		json_object_set_new(o, "artifact", artifact ? json_string(artifact) : json_null());
		json_object_set_new(o, "user", json_string(who));
		json_object_set_new(o, "level", a->actor.level ? json_string(a->actor.level) : json_null());
		json_array_append_new(w->accesses, o);
	}
	cat_artifact_clear(&art);
	return 0;
}

/* The "disclosures" and "accesses" of export.json. */
static int add_accesses(struct exp *e, json_t *index)
{
	struct access_walk w = { .e = e, .disclosures = json_array(), .accesses = json_array() };
	struct idlist merged = { 0 };
	/* the person's earlier handles by the sealed card; a card an older
	 * recfs made lists none, and the log's merges are followed */
	int rc = subject_card_merged(e->card, &merged);

	if (rc >= 0)
		rc = audit_each_about_subject(e->r->cat, e->handle, rc ? &merged : NULL, NULL, add_access, &w);
	idlist_free(&merged);

	if (rc == 0) {
		json_object_set_new(index, "disclosures", w.disclosures);
		json_object_set_new(index, "accesses", w.accesses);
		json_object_set_new(index, "users",
				    json_string("pseudonymised for this export: user-N is one account, numbered in the "
						"order of its first access; level is its access level then"));
	} else {
		json_decref(w.disclosures);
		json_decref(w.accesses);
	}
	return rc;
}

/* The log entries of a finished export, in one transaction.  basis is
 * policy_transfer_basis's words for a recipient ("" for the subject). */
static int log_export(struct exp *e, const struct audit_actor *a, const char *recipient, const char *ref,
		      const char *basis)
{
	char why[384];
	int rc = catalog_begin(e->r->cat);

	for (size_t i = 0; rc == 0 && i < e->done.n; i++) {
		int unlocked = idlist_has(&e->unlocked, 0, e->done.id[i]);

		snprintf(why, sizeof(why), "recipient=%s subject=%s%s%s%s", recipient, e->handle, ref,
			 unlocked ? " protected=yes" : "", basis);
		rc = audit_log(e->r->cat, a, "export", e->done.id[i], "ok", why);
	}
	snprintf(why, sizeof(why), "recipient=%s%s recordings=%zu withheld=%zu", recipient, ref, e->res.recordings,
		 e->res.withheld);
	if (e->o->portability)
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " portability=yes left_out=%zu", e->res.left_out);
	if (e->res.unlocked)
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " protected=%zu", e->res.unlocked);
	snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s", basis);
	if (rc == 0)
		rc = audit_log(e->r->cat, a, "export", e->handle, "ok", why);
	if (rc == 0)
		rc = catalog_commit(e->r->cat);
	if (rc)
		catalog_rollback(e->r->cat);
	return rc;
}

/* What names an export's folder while it is written, before its log
 * commits: OUTDIR/.HANDLE.partial-PID-XXXXXX. */
#define PARTIAL_TAG ".partial-"

/* Remove from outdir the hidden folders of exports that were killed before
 * they were renamed into place: those whose process is gone.  Nothing of
 * them was disclosed unless logged, and no one is told their name. */
static void remove_stale_partials(const char *outdir)
{
	DIR *d = opendir(outdir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *t = strstr(de->d_name, PARTIAL_TAG);
		char *end, *path;
		long pid;

		if (de->d_name[0] != '.' || !t)
			continue;
		t += strlen(PARTIAL_TAG);
		errno = 0;
		pid = strtol(t, &end, 10);
		if (errno || end == t || *end != '-' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;	/* an export still at work, or not ours to tell */
		path = xasprintf("%s/%s", outdir, de->d_name);
		(void)util_remove_tree(path);
		free(path);
	}
	closedir(d);
}

/* Rename the written folder from into place as to, which must not exist:
 * 0 or -errno. */
static int move_into_place(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE */
	if (lstat(to, &st) == 0)
		return -EEXIST;
	return rename(from, to) < 0 ? -errno : 0;
}

int export_subject(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
		   const char *outdir, const char *recipient, struct export_result *out)
{
	const struct export_opts o = { .recipient = recipient };

	return export_subject_with(r, kr, a, handle, outdir, &o, out);
}

int export_subject_with(struct reg *r, const struct keyring *kr, const struct audit_actor *a, const char *handle,
			const char *outdir, const struct export_opts *o, struct export_result *out)
{
	const struct policy *pol = r->policy;
	const struct policy_recipient *rcp = NULL;
	const char *recipient = o->recipient;
	struct exp e = { .r = r, .kr = kr, .a = a, .o = o, .handle = handle, .to_subject = !recipient };
	struct idlist recs = { 0 };
	json_t *index = NULL;
	char card_id[RECFS_ID_HEX], ref[40] = "", now[21], basis[POLICY_BASIS_SAFEGUARD_MAX + 64] = "";
	int64_t req;
	char *final = NULL;
	struct stat st;
	int rc, any = 0, created = 0;

	if (recipient) {
		int i = policy_recipient_index(pol, recipient);
		char why[96];

		if (i < 0) {
			snprintf(why, sizeof(why), "recipient %s is not in the policy", util_safe_name(recipient));
			return audit_refuse(r->cat, a, "export", handle, -EINVAL, why);
		}
		rcp = &pol->recipients[i];
		if (!rcp->eea && !rcp->safeguard) {
			snprintf(why, sizeof(why), "recipient=%s is outside the EEA without a safeguard", rcp->name);
			return audit_refuse(r->cat, a, "export", handle, -EPERM, why);
		}
	}
	rc = catalog_get_subject(r->cat, handle, card_id);
	if (rc == -ENOENT)
		return meta_fail(-ENOENT, "no subject %s", handle);
	if (rc)
		return rc;
	for (size_t i = (size_t)seal_level_for(pol, NULL, SEAL_CARD); kr && i < pol->n_levels; i++) {
		uint8_t pk[CRYPTO_PK_BYTES];

		any |= keyring_level(kr, pol->levels[i].name, pk) != NULL;
	}
	if (!any)
		return audit_refuse(r->cat, a, "export", handle, -ENOKEY, "the keyring holds no level key from the details level up");
	if (request_open_for(r, handle, &req) == 0)
		snprintf(ref, sizeof(ref), " request=%lld", (long long)req);
	rc = open_record(&e, card_id, &e.card);
	if (rc == -EACCES)
		rc = audit_refuse(r->cat, a, "export", handle, -ENOKEY, "no level of the keyring opens the subject's card");
	if (rc)
		goto out;
	if ((rc = subject_card_theirs(r, handle, card_id, e.card)) > 0)
		rc = audit_refuse(r->cat, a, "export", handle, -EIO, "the subject's card record is another subject's: "
				  "changed outside recfs (recctl fsck)");
	if (rc)
		goto out;
	json_object_set_new(e.card, "handle", json_string(handle));
	if ((rc = util_mkdir_p(outdir, 0700))) {
		rc = meta_fail(rc, "cannot create %s: %s", outdir, strerror(-rc));
		goto out;
	}
	final = xasprintf("%s/%s", outdir, handle);
	rc = lstat(final, &st) == 0 ? -EEXIST : errno == ENOENT ? 0 : -errno;
	if (rc) {
		rc = meta_fail(rc, "cannot create %s: %s", final, strerror(-rc));
		goto out;
	}
	remove_stale_partials(outdir);
	e.dir = xasprintf("%s/.%s" PARTIAL_TAG "%ld-XXXXXX", outdir, handle, (long)getpid());
	if (!mkdtemp(e.dir)) {
		rc = meta_fail(-errno, "cannot create a folder in %s: %s", outdir, strerror(errno));
		goto out;
	}
	created = 1;
	e.recs = json_array();
	e.withheld = json_array();
	e.left = json_array();
	e.given = json_object();
	if ((rc = catalog_subject_recordings(r->cat, handle, &recs)))
		goto out;
	for (size_t i = 0; i < recs.n; i++)
		if ((rc = export_recording(&e, recs.id[i])))
			goto out;
	/* A recipient gets the card with a recording it may have, never
	 * alone: the card of a subject whose every recording is restricted
	 * is data under that restriction too (Art. 18(2); bb15 L6). */
	if (rcp && !e.res.recordings && e.res.withheld) {
		rc = audit_refuse(r->cat, a, "export", handle, -EPERM,
				  "every recording of the subject is withheld from a recipient (restricted or "
				  "password-protected): the card is not disclosed alone");
		goto out;
	}
	/* After the recordings: with the identifiers their calls gave. */
	if (json_object_size(e.given))
		json_object_set(e.card, "identifiers_calls_gave", e.given);
	if ((rc = write_json(&e, "subject.json", e.card)))
		goto out;
	util_format_time(util_now(), now);
	index = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:O, s:O}", "format", "recfs-export/1", "register",
			  pol->reg_name, "controller", pol->controller, "privacy_contact", pol->privacy_contact,
			  "exported_at", now, "subject", handle, "recordings", e.recs, "withheld", e.withheld);
	/* Art. 15(1)(c) is the subject's to know: a recipient gets the data,
	 * not the register's log of who else had it. */
	if (!rcp && (rc = add_accesses(&e, index))) {
		/* a log too merged to walk (audit_subject_objects), a card
		 * whose list of merged subjects is damaged, refuse the
		 * export, as any refusal, logged */
		if (rc == -E2BIG || rc == -EIO) {
			char why[256];

			snprintf(why, sizeof(why), "%s", meta_errmsg());
			rc = audit_refuse(r->cat, a, "export", handle, -E2BIG, why);
		}
		goto out;
	}
	json_object_set_new(index, "portability", json_boolean(o->portability));
	if (o->portability) {
		char *path = xasprintf("%s/LEFT_OUT.txt", e.dir);

		json_object_set(index, "left_out", e.left);
		if (!e.left_txt.len)
			strbuf_addf(&e.left_txt, "none: every recording of %s is on a portable basis\n", handle);
		rc = util_write_file_atomic(path, e.left_txt.s, e.left_txt.len, 0600);
		if (rc)
			rc = meta_fail(rc, "cannot write %s: %s", path, strerror(-rc));
		free(path);
		if (rc)
			goto out;
	}
	if (rcp)
		json_object_set_new(index, "recipient",
				    json_pack("{s:s, s:s?, s:b, s:s?}", "name", rcp->name, "display", rcp->display,
					      "eea", rcp->eea, "safeguard", rcp->safeguard));
	else
		json_object_set_new(index, "recipient", json_string(EXPORT_TO_SUBJECT));
	if ((rc = write_json(&e, "export.json", index)))
		goto out;
	if ((rc = util_fsync_dir(e.dir)))
		goto out;
	if (rcp)
		policy_transfer_basis(rcp, basis, sizeof(basis));
	rc = log_export(&e, a, rcp ? rcp->name : EXPORT_TO_SUBJECT, ref, basis);
	if (rc) {
		rc = meta_fail(rc, "cannot log the export; nothing was disclosed: %s", strerror(-rc));
		goto out;
	}
	/* Logged: now under its final name. */
	if ((rc = move_into_place(e.dir, final))) {
		rc = meta_fail(rc, "the export is logged, but cannot be renamed %s: %s; it is in %s",
			       final, strerror(-rc), e.dir);
		created = 0;
		goto out;
	}
	/* Renamed and logged, the export stands even if the rename is not
	 * made durable here: its error is not the export's. */
	if (util_fsync_dir(outdir))
		meta_clear_error();
	e.res.dir = final;
	final = NULL;
	if (o->portability) {
		e.res.left_out_text = e.left_txt.s;
		e.left_txt = (struct strbuf){ 0 };
	}
	*out = e.res;
out:
	if (rc && created) {
		char *why = xasprintf("%s", meta_errmsg());

		util_remove_tree(e.dir);
		meta_fail(rc, "%s", why);
		free(why);
	}
	free(e.dir);
	free(final);
	idlist_free(&recs);
	idlist_free(&e.done);
	idlist_free(&e.unlocked);
	strbuf_release(&e.left_txt);
	crypto_key_free(e.mask);
	json_decref(e.left);
	json_decref(index);
	json_decref(e.card);
	json_decref(e.given);
	json_decref(e.recs);
	json_decref(e.withheld);
	return rc;
}
