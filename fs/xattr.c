/*
 * xattr.c - extended attributes of the mount: the GDPR fields and the
 * recording's metadata (read), sealed details for details_level and above
 * (decrypted per request, never cached), and the rights that setfattr
 * exercises (restriction, legal hold, retention, rectification).
 *
 * A caller only ever learns names it may see: getxattr and listxattr work
 * from one list built for the caller, so an attribute it may not read is
 * ENODATA and absent from listxattr alike.  listxattr decrypts nothing: a
 * sealed attribute the caller may read is listed whether its record holds
 * a value or not, and reads as "" when it holds none.  Decrypted values
 * live in malloc'd buffers that are wiped before they are freed.  Reads of
 * sealed attributes are logged once per caller, object and ten minutes
 * (quiet.h); refused changes are logged every time.
 *
 * A file server that re-serves the mount (Samba's smbd, file_servers)
 * reads every attribute of every file it lists, to tell its client their
 * size: with `ea support = yes` that decrypted each listed recording's
 * details and logged a read nobody made.  Such a process reads sealed
 * attributes (details, card, the reasons of a hold or restriction) as ""
 * (Samba then leaves them out) and nothing is decrypted or logged for it:
 * over SMB the sealed details stay on the register host, and the rest
 * (the GDPR fields, and the rights setting them exercises) works as
 * locally.  Only the process name decides, and a process that takes that
 * name only gets less.
 *
 * The reasons of a restriction and of a legal hold are sealed records for
 * the rights level (rights.h): the rights level reads them in
 * user.gdpr.restricted ("yes since=DATE reason=TEXT") and
 * user.gdpr.legal_hold (the reason), decrypted only when that attribute is
 * asked for and logged as the details are; every other level reads that
 * there is one and since when ("yes since=DATE").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include <linux/limits.h>

#include <jansson.h>

#include "auditq.h"
#include "caller.h"
#include "crypto.h"
#include "dek.h"
#include "ingest.h"
#include "recfs_i.h"
#include "protect.h"
#include "quiet.h"
#include "rights.h"
#include "snapshot.h"
#include "seal.h"
#include "subject.h"
#include "tree.h"

#define XA_MAX 32

/* Names (comm) of processes that serve the mount to other machines. */
static const char *const file_servers[] = { "smbd", NULL };

struct xattr_list {
	const char *name[XA_MAX];
	char *value[XA_MAX];
	size_t n;
};

/* Names a setfattr may not change (EPERM rather than ENOTSUP). */
static const char *const readonly_names[] = {
	"user.gdpr.legal_basis", "user.gdpr.purpose", "user.gdpr.controller", "user.gdpr.data_source",
	"user.gdpr.special_categories", "user.gdpr.special_condition",
	"user.recfs.id", "user.recfs.source", "user.recfs.kind", "user.recfs.recorded_at",
	"user.recfs.duration_ms", "user.recfs.channels", "user.recfs.subjects", "user.recfs.locked",
	"user.recfs.title", "user.recfs.staff", "user.recfs.subject_names", "user.recfs.opus_tags", NULL,
};

/* A card's fields, in the order of card_names. */
static const char *const card_fields[] = { "name", "phone", "email", "organisation", "ref", NULL };

/* The attributes of a sealed record, in the order of their bit in a quiet
 * window (quiet.h): a recording's details and a subject's card.  A
 * recording's window also has bits for its sealed reasons, after those. */
enum { DETAILS_TITLE, DETAILS_STAFF, DETAILS_SUBJECT_NAMES, DETAILS_OPUS_TAGS, N_SEALED };
enum { REASON_HOLD = N_SEALED, REASON_RESTRICTED, N_RECORDING_BITS };
enum { N_CARD = 5 };
static const char *const details_names[N_RECORDING_BITS] = {
	"user.recfs.title", "user.recfs.staff", "user.recfs.subject_names", "user.recfs.opus_tags",
	"user.gdpr.legal_hold", "user.gdpr.restricted",
};
static const char *const card_names[N_CARD] = {
	"user.recfs.name", "user.recfs.phone", "user.recfs.email", "user.recfs.organisation", "user.recfs.ref",
};

/* How many attributes names has: N_CARD of a card, N_SEALED of details. */
static int n_sealed(const char *const *names)
{
	return names == card_names ? N_CARD : N_SEALED;
}

/* The index of name in names (n_sealed of them), or -1. */
static int sealed_index(const char *const *names, const char *name)
{
	for (int i = 0; i < n_sealed(names); i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/*
 * Cut value in place to what one attribute can hold (XATTR_SIZE_MAX bytes,
 * beyond which the kernel answers E2BIG and getfattr -d leaves the
 * attribute out), at a UTF-8 character boundary, ending in "...": a sealed
 * detail that a register holds longer (ingested before ingest limited it,
 * a list of many names) still reads.  What is cut off is wiped.
 */
static void cut_value(char *value)
{
	size_t len = strlen(value), cut;

	if (len <= XATTR_SIZE_MAX)
		return;
	cut = XATTR_SIZE_MAX - 3;
	while (cut > 0 && ((unsigned char)value[cut] & 0xc0) == 0x80)
		cut--;
	crypto_memzero(value + cut, len - cut);
	memcpy(value + cut, "...", 4);
}

/*
 * The strings given, up to a NULL, joined in one malloc'd block of their
 * exact size.  For values holding personal text (a reason, names): a
 * printf into a growing buffer (xasprintf) frees each buffer it outgrows
 * without wiping it, and leaves copies of the text in the heap.
 */
static char *concat_text(const char *first, ...)
{
	va_list ap;
	const char *p;
	size_t len = 0;
	char *out, *o;

	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	o = out = xcalloc(1, len + 1);
	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *)) {
		size_t k = strlen(p);

		memcpy(o, p, k);
		o += k;
	}
	va_end(ap);
	return out;
}

/* Add an attribute; value (malloc'd, may be NULL for none) is taken. */
static void xl_add(struct xattr_list *l, const char *name, char *value)
{
	if (!value)
		return;
	cut_value(value);
	if (l->n == XA_MAX) {
		crypto_free_string(value);
		return;
	}
	l->name[l->n] = name;
	l->value[l->n] = value;
	l->n++;
}

static void xl_clear(struct xattr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		crypto_free_string(l->value[i]);
	l->n = 0;
}

/* A string member of a JSON object, copied; NULL when absent. */
static char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Append s to out (of n bytes so far), as much as fits in cap bytes. */
static void put_upto(char *out, size_t *n, size_t cap, const char *s)
{
	size_t k = strlen(s);

	if (k > cap - *n)
		k = cap - *n;
	memcpy(out + *n, s, k);
	*n += k;
}

/*
 * "a, b, c" of a member of each object in an array; optional "(member2)".
 * One allocation of the joined length, or of one byte more than an
 * attribute holds (cut by cut_value): linear in the list, however long
 * a register's list is (atk20: concat_text per name was quadratic, 6 s for
 * 150,000 names), and no partial copy of the names is left unwiped.
 */
static char *json_join(json_t *arr, const char *key, const char *paren)
{
	size_t cap = 0, n = 0, i;
	int any = 0;
	char *out;
	json_t *o;

	if (!json_is_array(arr))
		return NULL;
	json_array_foreach(arr, i, o) {
		const char *v = json_string_value(json_object_get(o, key));
		const char *p = paren ? json_string_value(json_object_get(o, paren)) : NULL;

		if (!v)
			continue;
		cap += (any ? 2 : 0) + strlen(v) + (p ? (*v ? 1 : 0) + strlen(p) + 2 : 0);
		any = 1;
		if (cap > XATTR_SIZE_MAX) {
			cap = XATTR_SIZE_MAX + 1;
			break;
		}
	}
	if (!any)
		return NULL;
	out = xcalloc(1, cap + 1);
	any = 0;
	json_array_foreach(arr, i, o) {
		const char *v = json_string_value(json_object_get(o, key));
		const char *p = paren ? json_string_value(json_object_get(o, paren)) : NULL;

		if (!v)
			continue;
		if (n == cap)
			break;
		if (any)
			put_upto(out, &n, cap, ", ");
		any = 1;
		put_upto(out, &n, cap, v);
		/* A name cleared by a rectification: "(S-...)", not " (S-...)". */
		if (p) {
			put_upto(out, &n, cap, *v ? " (" : "(");
			put_upto(out, &n, cap, p);
			put_upto(out, &n, cap, ")");
		}
	}
	/* Cut at a character's start, as every long value is: a cut inside
	 * one would make the whole list malformed UTF-8, shown escaped. */
	cut_value(out);
	return out;
}

/*
 * The strings of an array, one per line, escaped so that a line is one
 * string and acts on no terminal (util_escape_for_log: \\, \n, \t, \r,
 * \xHH for every byte of another control character, a C1 control, a line
 * separator, a bidirectional override or malformed UTF-8); NULL when
 * there are none.  (xl_add cuts it to what one attribute can hold.)
 */
static char *json_lines(json_t *arr)
{
	struct strbuf b = { 0 };
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || !json_array_size(arr))
		return NULL;
	json_array_foreach(arr, i, v) {
		char *e = util_escape_for_log(json_is_string(v) ? json_string_value(v) : "");

		strbuf_addf(&b, "%s%s", i ? "\n" : "", e);
		free(e);
	}
	return strbuf_detach(&b);
}

/*
 * A sealed text as an attribute shows it: as it is, or when it holds a
 * control character, a C1 control, a line separator or a bidirectional
 * override (a register from before ingest refused them in a manifest's
 * texts), escaped as util_escape_for_log escapes, so that it acts on no
 * terminal getfattr prints it to.  Takes v (may be NULL).
 */
static char *shown_text(char *v)
{
	char *e;

	if (!v || util_is_log_safe(v))
		return v;
	e = util_escape_for_log(v);
	crypto_free_string(v);
	return e;
}

/* 1 when the caller's process is a file server (file_servers). */
static int is_file_server(struct recfs *fs, struct caller *c)
{
	struct audit_actor a;
	size_t i;

	caller_actor(c, fs->reg->policy, &a);	/* reads the process name once per request */
	for (i = 0; file_servers[i]; i++)
		if (!strcmp(c->comm, file_servers[i]))
			return 1;
	return 0;
}

/* Decrypt a sealed record as the caller's level and parse it. */
static int read_sealed(struct recfs *fs, struct caller *c, const char *record_id, json_t **out)
{
	char *text = NULL;
	size_t len = 0;
	json_t *j;
	int rc;

	rc = dek_read_record(fs, c, record_id, &text, &len);
	if (rc < 0)
		return rc;
	j = json_loadb(text, len, 0, NULL);
	crypto_freezero(text, len);
	if (!json_is_object(j)) {
		json_decref(j);
		return -EIO;
	}
	*out = j;
	return 0;
}

/* The login uid of the caller's process, (uid_t)-1 when it has none: one of
 * the two that quiet_read's windows are of. */
static uid_t login_of(struct recfs *fs, struct caller *c)
{
	struct audit_actor a;

	caller_actor(c, fs->reg->policy, &a);
	return c->has_loginuid ? c->loginuid : (uid_t)-1;
}

/* A read of sealed attributes, for quiet_read's log callback. */
struct read_log {
	struct recfs *fs;
	struct caller *c;
	const char *action;		/* "details", "card" */
	const char *object;		/* the recording id, the handle */
	const char *const *names;	/* details_names, card_names */
	int n_names;			/* N_RECORDING_BITS, N_CARD */
};

/* Log (or amend the entry naming) the attributes in the mask `names`,
 * comma-separated in the entry's reason. */
static int log_read(void *ctx, uint64_t *ticket, uint32_t names, int amend)
{
	struct read_log *r = ctx;
	char reason[160] = "";
	int rc = 0;

	for (int i = 0; i < r->n_names; i++)
		if (names & (1u << i))
			snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason), "%s%s", *reason ? "," : "",
				 r->names[i]);
	if (amend)
		rc = auditq_amend(r->fs->aq, *ticket, reason);
	else
		rc = recfs_audit_read(r->fs, r->c, r->action, r->object, reason, ticket);
	return rc;
}

/*
 * The attributes of a sealed record the caller may read.  only NULL
 * (listxattr): their names, with empty values, and nothing is decrypted or
 * logged.  only names one of them (getxattr): the record is decrypted with
 * the caller's key and that attribute's value added ("" when the record has
 * none, so that what listxattr listed always reads), and the read logged
 * once per caller, object and window (quiet.h); for a file server, ""
 * with nothing decrypted or logged (the top of this file).  Other names:
 * nothing.  record_id is not used for a file server.
 */
static int add_sealed(struct recfs *fs, struct caller *c, const char *record_id, const char *action,
		      const char *object, const char *const *names, const char *only, struct xattr_list *l)
{
	struct read_log log = { fs, c, action, object, names, names == card_names ? N_CARD : N_RECORDING_BITS };
	json_t *j = NULL;
	char *v = NULL;
	int i, rc;

	if (!only) {
		/* Only what the mount's keys could open for the caller. */
		if (!dek_has_level_key(fs, c))
			return 0;
		for (i = 0; i < n_sealed(names); i++)
			xl_add(l, names[i], xstrdup(""));
		return 0;
	}
	if ((i = sealed_index(names, only)) < 0)
		return 0;
	if (is_file_server(fs, c)) {
		xl_add(l, names[i], xstrdup(""));
		return 0;
	}
	rc = read_sealed(fs, c, record_id, &j);
	if (rc < 0)
		return rc;
	/* A card record that names another subject, details that are another
	 * recording's (root pointed the row there): that person's, that
	 * call's, not shown under this handle or recording (atk58 F4), as the
	 * rights commands refuse them (rights.c: open_details). */
	if (names == card_names ? subject_card_of(j, object) == 0 : ingest_details_of(j, object) == 0) {
		json_decref(j);
		recfs_audit_entry(fs, c, action, object, NULL, "refused",
				  names == card_names ? "EIO: its sealed card is another subject's: changed outside recfs "
							"(recctl fsck)"
						      : "EIO: its sealed details are another recording's: changed outside "
							"recfs (recctl fsck)");
		return -EIO;
	}
	if (names == card_names)
		v = json_str(j, card_fields[i]);
	else if (i == DETAILS_TITLE)
		v = json_str(j, "title");
	else if (i == DETAILS_STAFF)
		v = json_join(json_object_get(j, "staff"), "name", NULL);
	else if (i == DETAILS_SUBJECT_NAMES)
		v = json_join(json_object_get(j, "subjects"), "name", "handle");
	else
		v = json_lines(json_object_get(j, "opus_tags"));
	if (i != DETAILS_OPUS_TAGS || names == card_names)
		v = shown_text(v);
	json_decref(j);
	/* Answered only once its entry is journalled (a full disk, a full
	 * queue: refused, as an open is). */
	rc = quiet_read(fs->quiet, c->uid, login_of(fs, c), object, (unsigned)i, util_now(), log_read, &log);
	if (rc < 0) {
		crypto_free_string(v);
		return rc;
	}
	xl_add(l, names[i], v ? v : xstrdup(""));
	return 0;
}

static int add_details(struct recfs *fs, struct caller *c, const struct cat_recording *r, const char *only,
		       struct xattr_list *l)
{
	if (!r->details_id[0])
		return 0;
	if (c->level < seal_level_for(fs->reg->policy, r->purpose, SEAL_DETAILS))
		return 0;
	return add_sealed(fs, c, r->details_id, "details", r->id, details_names, only, l);
}

static int add_card(struct recfs *fs, struct caller *c, const char *handle, const char *only, struct xattr_list *l)
{
	char card[RECFS_ID_HEX];
	int rc;

	if (c->level < seal_level_for(fs->reg->policy, NULL, SEAL_CARD))
		return 0;
	if (only && sealed_index(card_names, only) < 0)
		return 0;	/* not a card attribute: no catalog look-up */
	if (only && is_file_server(fs, c))
		return add_sealed(fs, c, "", "card", handle, card_names, only, l);	/* "", no look-up */
	RECFS_LOCKED(&fs->cat_lock, rc, catalog_get_subject(fs->reg->cat, handle, card));
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	/* A card sealed from above the caller's level (made by a recording
	 * it may not hear: seal_card_from) shows no field to it, as a
	 * recording's details do not. */
	{
		const char *level = caller_level_name(c, fs->reg->policy);
		uint8_t seal[CRYPTO_SEAL_BYTES];

		if (!level)
			return 0;
		RECFS_LOCKED(&fs->cat_lock, rc, catalog_get_seal(fs->reg->cat, card, level, seal));
		crypto_memzero(seal, sizeof(seal));
		if (rc < 0)
			return rc == -ENOENT ? 0 : rc;
	}
	return add_sealed(fs, c, card, "card", handle, card_names, only, l);
}

/*
 * The value of user.gdpr.restricted (bit REASON_RESTRICTED) or
 * user.gdpr.legal_hold (REASON_HOLD) of a recording that has one: "yes
 * since=DATE" ("yes" when the date is not known), and for the rights level
 * asking for this very attribute (only) the reason opened with its key:
 * " reason=TEXT" after that, or for a hold the reason alone.  A reason that
 * does not open (the mount lacks the rights key) leaves it out, and so
 * does a file server's read (the top of this file).
 */
static char *reason_value(struct recfs *fs, struct caller *c, const struct cat_recording *r, int bit,
			  const char *ref, int64_t since, const char *only)
{
	const char *name = details_names[bit];
	struct read_log log = { fs, c, "details", r->id, details_names, N_RECORDING_BITS };
	char day[11], *text = NULL, *v;
	size_t len = 0;

	if (since)
		util_format_date(since, day);
	if (!only || strcmp(only, name) || c->level < seal_level_for(fs->reg->policy, NULL, SEAL_RIGHTS) ||
	    !ref || !util_is_id(ref) || is_file_server(fs, c) || dek_read_record(fs, c, ref, &text, &len) < 0)
		return since ? xasprintf("yes since=%s", day) : xstrdup("yes");
	if (bit == REASON_HOLD)
		v = xstrdup(text);
	else
		v = concat_text("yes", since ? " since=" : "", since ? day : "", " reason=", text, (char *)NULL);
	crypto_freezero(text, len);
	/* The reason only once its read is journalled (add_sealed). */
	if (quiet_read(fs->quiet, c->uid, login_of(fs, c), r->id, (unsigned)bit, util_now(), log_read, &log) < 0) {
		crypto_free_string(v);
		return since ? xasprintf("yes since=%s", day) : xstrdup("yes");
	}
	return v;
}

/*
 * The special categories of personal data (GDPR Art. 9(1)) the policy says
 * r's purpose holds, comma-separated, and the condition of Art. 9(2) they
 * are processed on: nothing for a purpose that names none, or one the
 * policy no longer has.
 */
static void add_special(const struct policy *p, const struct cat_recording *r, struct xattr_list *l)
{
	int k = policy_purpose_index(p, r->purpose);
	const struct policy_purpose *pu = k >= 0 ? &p->purposes[k] : NULL;
	struct strbuf b = { 0 };

	if (!pu || !pu->special_categories || pu->special_condition < 0)
		return;
	for (int i = 0; policy_special_categories[i]; i++)
		if (pu->special_categories & (1u << i))
			strbuf_addf(&b, "%s%s", b.s ? "," : "", policy_special_categories[i]);
	xl_add(l, "user.gdpr.special_categories", strbuf_detach(&b));
	xl_add(l, "user.gdpr.special_condition", xstrdup(policy_special_conditions[pu->special_condition]));
}

/*
 * Every attribute of n the caller may see.  only: NULL for listxattr (the
 * names of sealed attributes, nothing decrypted), else the attribute
 * getxattr asks for (a sealed record is decrypted only when only is one of
 * its attributes).
 */
static int collect(struct recfs *fs, struct caller *c, const struct tnode *n, const char *only,
		   struct xattr_list *l)
{
	const struct policy *p = fs->reg->policy;
	const struct cat_recording *r = tnode_rec(n) ? &tnode_rec(n)->row : NULL;
	char t[21];

	if (tnode_handle(n))
		return add_card(fs, c, tnode_handle(n), only, l);
	if (!r)
		return 0;
	xl_add(l, "user.gdpr.legal_basis", xstrdup(r->legal_basis ? r->legal_basis : ""));
	xl_add(l, "user.gdpr.purpose", xstrdup(r->purpose ? r->purpose : ""));
	add_special(p, r, l);
	util_format_date(r->retention_until, t);
	xl_add(l, "user.gdpr.retention_until", xstrdup(t));
	if (r->restricted_since)
		xl_add(l, "user.gdpr.restricted",
		       reason_value(fs, c, r, REASON_RESTRICTED, r->restricted_reason, r->restricted_since, only));
	else
		xl_add(l, "user.gdpr.restricted", xstrdup("no"));
	if (r->legal_hold)
		xl_add(l, "user.gdpr.legal_hold", reason_value(fs, c, r, REASON_HOLD, r->legal_hold, r->hold_since, only));
	xl_add(l, "user.gdpr.controller", xstrdup(p->controller ? p->controller : ""));
	if (r->data_source)
		xl_add(l, "user.gdpr.data_source", xstrdup(r->data_source));
	xl_add(l, "user.recfs.id", xstrdup(r->id));
	xl_add(l, "user.recfs.source", xstrdup(r->source ? r->source : ""));
	xl_add(l, "user.recfs.kind", xstrdup(r->kind ? r->kind : ""));
	util_format_time(r->recorded_at, t);
	xl_add(l, "user.recfs.recorded_at", xstrdup(t));
	xl_add(l, "user.recfs.duration_ms", xasprintf("%llu", (unsigned long long)r->duration_ms));
	xl_add(l, "user.recfs.channels", xasprintf("%d", r->channels));
	xl_add(l, "user.recfs.subjects", xstrdup(tnode_rec(n)->subjects));
	/* For a protected recording: locked for this caller until it unlocks. */
	if (r->locked)
		xl_add(l, "user.recfs.locked", xstrdup(dek_unlocked(fs->deks, c->uid, r->id) ? "no" : "yes"));
	return add_details(fs, c, r, only, l);
}

static void reply_value(fuse_req_t req, const char *v, size_t len, size_t size)
{
	if (size == 0)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, v, len);
}

void recfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct recfs *fs = req_fs(req);
	struct xattr_list l = { .n = 0 };
	struct caller c;
	struct tree *t;
	struct tnode *n;
	size_t i;
	int rc;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	/* security.*, system.posix_acl_*: asked by ls, which stops asking
	 * for the whole file system once told they are not supported. */
	if (strncmp(name, "user.", 5)) {
		rc = -ENOTSUP;
		goto out;
	}
	rc = collect(fs, &c, n, name, &l);
	if (rc < 0)
		goto out;
	rc = -ENODATA;
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.name[i], name)) {
			reply_value(req, l.value[i], strlen(l.value[i]), size);
			rc = 0;
			break;
		}
out:
	xl_clear(&l);
	tree_unref(t);
	if (rc < 0)
		fuse_reply_err(req, -rc);
}

void recfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct recfs *fs = req_fs(req);
	struct xattr_list l = { .n = 0 };
	struct caller c;
	struct tree *t;
	struct tnode *n;
	char *buf = NULL;
	size_t i, len = 0;
	int rc;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	/* Names only: nothing is decrypted or logged here.  A list without
	 * a subject's card beats no list when the catalog fails. */
	(void)collect(fs, &c, n, NULL, &l);
	for (i = 0; i < l.n; i++)
		len += strlen(l.name[i]) + 1;
	buf = xcalloc(1, len + 1);
	len = 0;
	for (i = 0; i < l.n; i++) {
		size_t k = strlen(l.name[i]) + 1;

		memcpy(buf + len, l.name[i], k);
		len += k;
	}
	reply_value(req, buf, len, size);
	free(buf);
	xl_clear(&l);
	tree_unref(t);
}

static int is_readonly(const char *name)
{
	size_t i;

	for (i = 0; readonly_names[i]; i++)
		if (!strcmp(readonly_names[i], name))
			return 1;
	return 0;
}

/* The card field a name of a by-subject folder sets, or NULL. */
static const char *card_field(const char *name)
{
	size_t i;

	if (strncmp(name, "user.recfs.", 11))
		return NULL;
	for (i = 0; card_fields[i]; i++)
		if (!strcmp(name + 11, card_fields[i]))
			return card_fields[i];
	return NULL;
}

/*
 * setxattr user.recfs.unlock PASSPHRASE (recctl unlock): the key path
 * checks it and keeps it for this uid (dek_unlock); a wrong passphrase is
 * EACCES, one holding a NUL byte (nul) EINVAL, logged either way.
 * removexattr locks again.
 */
static int unlock(struct recfs *fs, struct caller *c, const char *rec, const char *pass, int nul)
{
	int rc;

	if (!pass) {
		dek_lock(fs->deks, c->uid, rec);
		return 0;
	}
	rc = nul ? -EINVAL : dek_unlock(fs, c, rec, pass);
	recfs_audit(fs, c, "unlock", rec, NULL, rc);
	return rc;
}

/*
 * setxattr(2)'s flags against what the caller sees: XATTR_CREATE of an
 * attribute shown (shown: listxattr lists it) is -EEXIST, XATTR_REPLACE
 * of one not shown -ENODATA, with the reason (*why) the refusal is logged
 * with; else 0.  card: the attribute is a subject card's, else a
 * recording's.
 */
static int flag_refusal(int flags, int shown, int card, const char **why)
{
	static const char *const whys[2][2] = {
		{ "XATTR_CREATE of an attribute the recording shows",
		  "XATTR_REPLACE of an attribute the recording does not show" },
		{ "XATTR_CREATE of an attribute the subject's card shows",
		  "XATTR_REPLACE of an attribute the subject's card does not show" },
	};

	if ((flags & XATTR_CREATE) && shown) {
		*why = whys[card][0];
		return -EEXIST;
	}
	if ((flags & XATTR_REPLACE) && !shown) {
		*why = whys[card][1];
		return -ENODATA;
	}
	return 0;
}

/*
 * A refusal of the right action on object that change() found (err, why),
 * as the right refuses (RECFS_RIGHTS: its key and policy checks first;
 * rights_refuse: below the rights level EPERM as ever, which tells
 * nothing of the state); logged.
 */
static int refuse_right(struct recfs *fs, struct caller *c, const struct audit_actor *a, const char *action,
			const char *object, int err, const char *why)
{
	int rc;

	RECFS_RIGHTS(fs, c, action, object, rc, rights_refuse(fs->reg, a, c->level, action, object, err, why));
	return rc;
}

/* Whether the by-subject folder of handle shows the card attribute name
 * to c (listxattr lists it: add_card, names only, nothing decrypted). */
static int card_shows(struct recfs *fs, struct caller *c, const char *handle, const char *name)
{
	struct xattr_list l = { .n = 0 };
	int shown = 0;

	(void)add_card(fs, c, handle, NULL, &l);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.name[i], name))
			shown = 1;
	xl_clear(&l);
	return shown;
}

/* The audit action of the right a setxattr of name exercises on a
 * recording with a value, or NULL. */
static const char *right_of(const char *name)
{
	if (!strcmp(name, "user.gdpr.restricted"))
		return "restrict";
	if (!strcmp(name, "user.gdpr.legal_hold"))
		return "hold";
	if (!strcmp(name, "user.gdpr.retention_until"))
		return "retention";
	return NULL;
}

/* The audit action of a setxattr (value != NULL) or removexattr of name
 * that change() refuses before it knows the node (recfs_resolve: another
 * level's copy, a node gone), or NULL when that is no refusal to log (a
 * lock, a name outside user.). */
static const char *change_action(const char *name, const char *value)
{
	if (!strcmp(name, "user.recfs.unlock"))
		return value ? "unlock" : NULL;
	if (!strcmp(name, "user.recfs.protect"))
		return "protect";
	if (card_field(name))
		return "rectify";
	if (!value && !strcmp(name, "user.gdpr.restricted"))
		return "lift-restriction";
	if (!value && !strcmp(name, "user.gdpr.legal_hold"))
		return "release-hold";
	if (value && right_of(name))
		return right_of(name);
	if (!strncmp(name, "user.", 5))
		return value ? "setxattr" : "removexattr";
	return NULL;
}

/*
 * The work of setxattr (value != NULL) and removexattr (value == NULL).
 * nul: setxattr's value held a NUL byte (value is cut at the first one):
 * the right asked for refuses it as it refuses any bad value, after its
 * level check (EPERM below the rights level, else EINVAL), logged.
 */
static int change(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, int nul, int flags)
{
	struct recfs *fs = req_fs(req);
	struct audit_actor actor;
	struct caller c;
	struct tree *t;
	struct tnode *n;
	const char *field, *right;
	char *handle = NULL, rec[RECFS_ID_HEX] = "";
	int rc, ours = 1, notsup = value ? -ENOTSUP : -ENODATA, held = 0, restricted = 0, flag_err = 0;
	const char *flag_why = NULL;

	rc = recfs_resolve(req, ino, &c, &t, &n);
	if (rc < 0) {
		/* A rights command (or an unlock) on a node the caller cannot
		 * resolve is a refusal too: logged, naming the recording when
		 * the node is another level's copy (recfs_other_view). */
		const char *action = change_action(name, value);

		if (action) {
			(void)recfs_other_view(fs, &c, ino, NULL, rec, NULL);
			recfs_audit(fs, &c, action, rec[0] ? rec : NULL, NULL, rc);
		}
		return rc;
	}
	if (tnode_rec(n)) {
		memcpy(rec, tnode_rec(n)->row.id, sizeof(rec));
		held = tnode_rec(n)->row.legal_hold != NULL;
		restricted = tnode_rec(n)->row.restricted_since != 0;
	}
	if (tnode_handle(n))
		handle = xstrdup(tnode_handle(n));
	tree_unref(t);
	recfs_rights_actor(fs, &c, &actor);

	if (handle) {
		field = card_field(name);
		if (!field) {
			rc = notsup;
			goto out;
		}
		/* setxattr(2)'s flags hold as on a recording (flag_refusal):
		 * a card shows each of its fields, "" when empty. */
		if (value && (flags & (XATTR_CREATE | XATTR_REPLACE)))
			flag_err = flag_refusal(flags, card_shows(fs, &c, handle, name), 1, &flag_why);
		/* A field removed is a field emptied: the card keeps no value
		 * of it, as after setfattr -v "" (rights_rectify; EPERM below
		 * the rights level, logged there). */
		if (!value)
			value = "";
		if (flag_err)
			rc = refuse_right(fs, &c, &actor, "rectify", handle, flag_err, flag_why);
		else if (nul)
			RECFS_RIGHTS(fs, &c, "rectify", handle, rc,
				     rights_refuse_nul(fs->reg, &actor, c.level, "rectify", handle));
		else
			RECFS_RIGHTS(fs, &c, "rectify", handle, rc,
				     rights_rectify(fs->reg, fs->kr, &actor, c.level, handle, field, value));
		ours = 0;
		goto out;
	}
	if (!rec[0]) {
		rc = notsup;
		goto out;
	}
	if (!strcmp(name, "user.recfs.unlock")) {
		rc = unlock(fs, &c, rec, value, nul);
		ours = 0;
		goto out;
	}
	if (!strcmp(name, "user.recfs.protect")) {
		if (!value) {
			rc = -EPERM;	/* protection is lifted by nobody here */
			goto out;
		}
		if (nul)
			RECFS_RIGHTS(fs, &c, "protect", rec, rc, rights_refuse_nul(fs->reg, &actor, c.level, "protect", rec));
		else
			RECFS_RIGHTS(fs, &c, "protect", rec, rc,
				     protect_recording(fs->reg, fs->kr, &actor, c.level, rec, value, strlen(value)));
		ours = 0;
		goto out;
	}
	right = value ? right_of(name) : NULL;
	/* setxattr(2)'s flags (XATTR_CREATE of an attribute the recording
	 * shows, XATTR_REPLACE of one it does not: a hold or a restriction
	 * not in place), and the lift of a restriction not in place, are
	 * refused as any file system refuses them, by the right asked for
	 * (RECFS_RIGHTS: its key and policy checks first, and below the
	 * rights level EPERM as ever, which tells nothing of the state). */
	if (right && (flags & (XATTR_CREATE | XATTR_REPLACE))) {
		int shown = !strcmp(right, "retention") || (!strcmp(right, "hold") && held) ||
			    (!strcmp(right, "restrict") && restricted);

		flag_err = flag_refusal(flags, shown, 0, &flag_why);
	}
	if (!value && !strcmp(name, "user.gdpr.restricted") && !restricted)
		flag_err = -ENODATA, flag_why = "no restriction to lift";
	if (flag_err)
		rc = refuse_right(fs, &c, &actor, value ? right : "lift-restriction", rec, flag_err, flag_why);
	else if (right && nul)
		RECFS_RIGHTS(fs, &c, right, rec, rc, rights_refuse_nul(fs->reg, &actor, c.level, right, rec));
	else if (!strcmp(name, "user.gdpr.restricted") && value)
		RECFS_RIGHTS(fs, &c, "restrict", rec, rc, rights_restrict(fs->reg, &actor, c.level, rec, value));
	else if (!strcmp(name, "user.gdpr.restricted"))
		RECFS_RIGHTS(fs, &c, "lift-restriction", rec, rc, rights_lift(fs->reg, fs->kr, &actor, c.level, rec));
	else if (!strcmp(name, "user.gdpr.legal_hold"))
		RECFS_RIGHTS(fs, &c, value ? "hold" : "release-hold", rec, rc,
			     rights_set_hold(fs->reg, &actor, c.level, rec, value));
	else if (!strcmp(name, "user.gdpr.retention_until") && value)
		RECFS_RIGHTS(fs, &c, "retention", rec, rc,
			     rights_set_retention_text(fs->reg, &actor, c.level, rec, value));
	else
		rc = 1;
	ours = rc == 1;
	if (ours)
		rc = is_readonly(name) || !strcmp(name, "user.gdpr.retention_until") ? -EPERM : notsup;
out:
	/* rights_* log their own outcomes; refusals made here are logged here. */
	if (ours && rc < 0 && !strncmp(name, "user.", 5))
		recfs_audit(fs, &c, value ? "setxattr" : "removexattr", handle ? handle : rec, NULL, rc);
	free(handle);
	if (rc == 0)
		snapshot_refresh(fs->snap);
	return rc;
}

void recfs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags)
{
	char *v;
	int rc;

	/* A value holding a NUL byte is refused by change(), after the level
	 * check of the right it asks for, and logged. */
	v = xcalloc(1, size + 1);
	memcpy(v, value, size);
	rc = change(req, ino, name, v, memchr(value, '\0', size) != NULL, flags);
	crypto_freezero(v, size);
	/* The value (a passphrase, a rectified name) also sits in libfuse's
	 * receive buffer, which stays as it is until a request as long
	 * overwrites it: wiped too.  The buffer is libfuse's own heap block,
	 * done with once this handler returns. */
	crypto_memzero((void *)(uintptr_t)value, size);
	fuse_reply_err(req, -rc);
}

void recfs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	fuse_reply_err(req, -change(req, ino, name, NULL, 0, 0));
}
