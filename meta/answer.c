/*
 * answer.c - the answer letter to a rights request: its model, built from
 * the policy, the request row, the subject's recordings and the audit
 * log's disclosures, and the small template filler that writes it.
 *
 * The filler knows {{key}}, {{#key}}..{{/key}} and {{^key}}..{{/key}} and
 * nothing else, so that every word of the letter stays in the templates
 * (one a language) and none in the code; it refuses a key the model does
 * not have rather than leave a hole in a letter.  The model holds what the
 * catalog holds in the clear and the policy's texts, never a sealed field:
 * building it needs no key.  Disclosures are the "export" entries about
 * the subject (its handle and its recordings: audit_each_about_subject, as
 * export.json's, export_disclosure) that name a recipient other than the
 * data subject: a meeting that went to a recipient in another
 * participant's export went there with this subject's voice too (bb13
 * F3), and one that went to another participant in the copy of her own
 * data went to her (atk39 F3).  Only the recipient and the day are told,
 * never whose export it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "audit.h"
#include "export.h"
#include "policy.h"
#include "request.h"

#define KEY_MAX 64
#define DEPTH_MAX 8

/* A line that is only one block tag ({{#k}}, {{^k}}, {{/k}}) and blanks
 * becomes the tag alone: the block leaves no empty line behind. */
static void strip_block_lines(const char *t, size_t n, struct strbuf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - t) : n, a = i, b = end;

		while (a < b && (t[a] == ' ' || t[a] == '\t'))
			a++;
		while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r'))
			b--;
		if (b - a > 5 && !strncmp(t + a, "{{", 2) && strchr("#^/", t[a + 2]) && !strncmp(t + b - 2, "}}", 2) &&
		    !memmem(t + a + 2, b - a - 2, "{{", 2)) {
			strbuf_addf(out, "%.*s", (int)(b - a), t + a);
		} else {
			strbuf_addf(out, "%.*s", (int)(end - i), t + i);
			if (nl)
				strbuf_addchars(out, '\n', 1);
		}
		i = end + 1;
	}
}

struct ctx {
	const json_t *stack[DEPTH_MAX];
	size_t depth;
	struct strbuf *out;
};

static const json_t *lookup(const struct ctx *c, const char *key)
{
	for (size_t i = c->depth; i-- > 0;) {
		const json_t *v = json_is_object(c->stack[i]) ? json_object_get(c->stack[i], key) : NULL;

		if (v)
			return v;
	}
	return NULL;
}

static int truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return 1;
}

/* The tag at t[0..] ("{{...}}" within end): its kind ('#', '^', '/' or 0),
 * name in key, and the length of the whole tag.  -EINVAL when malformed. */
static int read_tag(const char *t, const char *end, char *kind, char key[KEY_MAX], size_t *taglen)
{
	const char *c = memmem(t + 2, (size_t)(end - t - 2), "}}", 2);
	const char *k = t + 2;

	if (!c)
		return meta_fail(-EINVAL, "template: a {{ is not closed");
	*kind = strchr("#^/", *k) ? *k++ : 0;
	if (c == k || (size_t)(c - k) >= KEY_MAX)
		return meta_fail(-EINVAL, "template: an empty or over-long tag");
	memcpy(key, k, (size_t)(c - k));
	key[c - k] = '\0';
	*taglen = (size_t)(c + 2 - t);
	return 0;
}

/* Where the block key opened just before t ends: *body_end at its
 * {{/key}}, *after past it. */
static int find_close(const char *t, const char *end, const char *key, const char **body_end, const char **after)
{
	int depth = 1;
	const char *p = t;

	while ((p = memmem(p, (size_t)(end - p), "{{", 2))) {
		char kind, k[KEY_MAX];
		size_t len;
		int rc = read_tag(p, end, &kind, k, &len);

		if (rc)
			return rc;
		if (kind && !strcmp(k, key)) {
			depth += kind == '/' ? -1 : 1;
			if (depth == 0) {
				*body_end = p;
				*after = p + len;
				return 0;
			}
		}
		p += len;
	}
	return meta_fail(-EINVAL, "template: {{#%s}} is not closed by {{/%s}}", key, key);
}

static int render(struct ctx *c, const char *t, const char *end)
{
	while (t < end) {
		const char *o = memmem(t, (size_t)(end - t), "{{", 2), *body_end = NULL, *after = NULL;
		char kind, key[KEY_MAX];
		const json_t *v;
		size_t len;
		int rc;

		if (!o) {
			strbuf_addf(c->out, "%.*s", (int)(end - t), t);
			break;
		}
		strbuf_addf(c->out, "%.*s", (int)(o - t), t);
		if ((rc = read_tag(o, end, &kind, key, &len)))
			return rc;
		t = o + len;
		v = lookup(c, key);
		if (kind == '/')
			return meta_fail(-EINVAL, "template: {{/%s}} closes no block", key);
		if (!kind) {
			if (json_is_string(v))
				strbuf_addf(c->out, "%s", json_string_value(v));
			else if (json_is_integer(v))
				strbuf_addf(c->out, "%lld", (long long)json_integer_value(v));
			else if (!json_is_boolean(v))
				return meta_fail(-EINVAL, "template: the letter has no value {{%s}}", key);
			continue;
		}
		if ((rc = find_close(t, end, key, &body_end, &after)))
			return rc;
		if (kind == '^' ? !truthy(v) : truthy(v)) {
			size_t n = kind == '#' && json_is_array(v) ? json_array_size(v) : 1;

			if (c->depth == DEPTH_MAX)
				return meta_fail(-EINVAL, "template: blocks nest deeper than %d", DEPTH_MAX);
			for (size_t i = 0; i < n; i++) {
				c->stack[c->depth++] = json_is_array(v) ? json_array_get(v, i) : v;
				rc = render(c, t, body_end);
				c->depth--;
				if (rc)
					return rc;
			}
		}
		t = after;
	}
	return 0;
}

int answer_render(const char *tpl, size_t len, const json_t *model, char **out)
{
	struct strbuf flat = { 0 }, letter = { 0 };
	struct ctx c = { .stack = { model }, .depth = 1, .out = &letter };
	int rc;

	strip_block_lines(tpl, len, &flat);
	rc = render(&c, flat.s ? flat.s : "", (flat.s ? flat.s : "") + flat.len);
	strbuf_release(&flat);
	if (rc) {
		if (letter.s)
			crypto_memzero(letter.s, letter.len);
		strbuf_release(&letter);
		return rc;
	}
	*out = strbuf_detach(&letter);
	return 0;
}

/* The controller's name: its line up to the first '(' or ','. */
/* The day of t in the policy's time zone tz (util_format_local): a
 * letter's days and times are the controller's, not UTC's, when the
 * policy names its zone. */
static void letter_day(const char *tz, int64_t t, char day[11])
{
	char hm[6], zone[16];

	util_format_local(t, tz, day, hm, zone);
}

static json_t *controller_name(const char *controller)
{
	size_t n = strcspn(controller, "(,");

	while (n > 0 && controller[n - 1] == ' ')
		n--;
	return json_stringn(controller, n);
}

/* o[prefix + word] = true, '-' in word read as '_': a template words a
 * request type or a legal basis in its own language with a block
 * ({{#type_access}}...{{/type_access}}). */
static void set_flag(json_t *o, const char *prefix, const char *word)
{
	char *key = xasprintf("%s%s", prefix, word);

	for (char *p = key; *p; p++)
		if (*p == '-')
			*p = '_';
	json_object_set_new(o, key, json_true());
	free(key);
}

/* Append s to the array of strings list unless it is there. */
static void add_unique(json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(list, json_string(s));
}

/* The recordings of handle, by time, with the purposes, sources and kinds
 * of data they hold. */
struct recs {
	struct reg *r;
	int lang;			/* index into the policy's languages */
	json_t *m;
	json_t *purposes, *purpose_keys, *recordings, *sources;
	/* The special categories of data of their purposes (bit i:
	 * policy_special_categories[i]), for the categories of data. */
	unsigned special;
	const struct idlist *withheld;	/* recordings the export withheld from the copy */
	int any_withheld;		/* one of them is in recordings */
	const struct idlist *left_out;	/* recordings a portable copy left out (Art. 20) */
	int any_left_out;		/* one of them is in recordings */
	int any_in_copy;		/* a recording neither withheld nor left out */
};

static int add_artifact_kind(const struct cat_artifact *art, void *ctx)
{
	json_t *m = ctx;
	const char *key = !strcmp(art->role, "audio") ? "has_audio" : !strcmp(art->role, "chat") ? "has_chat" :
											    "has_files";

	json_object_set_new(m, key, json_true());
	return 0;
}

static int cmp_time(const void *a, const void *b)
{
	const struct cat_recording *x = a, *y = b;

	return x->recorded_at < y->recorded_at ? -1 : x->recorded_at > y->recorded_at;
}

/*
 * The words of rec's data_source label in language lang: those the policy
 * gives for it (policy_label) when the recording's source still carries
 * that label, else the label as recorded.  Points into p or rec.
 */
static const char *source_words(const struct policy *p, const struct cat_recording *rec, int lang)
{
	int si = policy_source_index(p, rec->source);
	const struct policy_source *src = si >= 0 ? &p->sources[si] : NULL;

	if (!src || !src->data_source || !rec->data_source || strcmp(src->data_source, rec->data_source))
		return rec->data_source;
	return policy_label(p, src->data_source, &src->data_source_t, lang);
}

/*
 * The special categories of data of purpose pu (GDPR Art. 9(1); NULL: a
 * purpose the policy no longer has) and the condition of Art. 9(2) they
 * are processed on, into o for a template to word: special (whether it
 * names any), special_categories as blocks [{cat_WORD, more}] in the order
 * of policy_special_categories (more: another one follows), and
 * condition_WORD.  Only flags, so that every word stays in the templates.
 * Returns its categories.
 */
static unsigned add_special(json_t *o, const struct policy_purpose *pu)
{
	unsigned cats = pu && pu->special_condition >= 0 ? pu->special_categories : 0;
	json_t *list = json_array();

	json_object_set_new(o, "special", json_boolean(cats != 0));
	for (int k = 0; policy_special_categories[k]; k++) {
		json_t *c;

		if (!(cats & (1u << k)))
			continue;
		c = json_pack("{s:b}", "more", (cats >> k) > 1);
		set_flag(c, "cat_", policy_special_categories[k]);
		json_array_append_new(list, c);
	}
	json_object_set_new(o, "special_categories", list);
	if (cats)
		set_flag(o, "condition_", policy_special_conditions[pu->special_condition]);
	return cats;
}

static int add_recordings(struct recs *s, const char *handle)
{
	const struct policy *p = s->r->policy;
	struct idlist ids = { 0 };
	struct cat_recording *recs = NULL;
	size_t n = 0;
	int rc = catalog_subject_recordings(s->r->cat, handle, &ids);

	if (rc == 0)
		recs = xcalloc(ids.n ? ids.n : 1, sizeof(*recs));
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		rc = catalog_get_recording(s->r->cat, ids.id[i], &recs[n]);
		if (rc == -ENOENT)
			rc = 0;	/* erased meanwhile */
		else if (rc == 0)
			n++;
	}
	if (rc == 0 && n)
		qsort(recs, n, sizeof(*recs), cmp_time);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cat_recording *rec = &recs[i];
		int pi = policy_purpose_index(p, rec->purpose);
		char day[11], hm[6], zone[16], until[11], *pk;

		util_format_local(rec->recorded_at, p->time_zone, day, hm, zone);
		util_format_date(rec->retention_until, until);	/* a day, not an instant */
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "date", day, "time", hm,
				      "zone", zone, "kind", rec->kind, "source", rec->source, "purpose", rec->purpose, "legal_basis",
				      rec->legal_basis, "retention_until", until, "restricted", rec->restricted_since != 0,
				      "on_hold", rec->legal_hold != NULL);

		/* Its last day has ended and nothing holds it: the next sweep
		 * erases it (a letter dated after its "kept until", bb6 F10). */
		json_object_set_new(o, "expired",
				    json_boolean(rec->retention_until + 86400 <= util_now() && !rec->legal_hold &&
						 !rec->restricted_since));
		set_flag(o, "kind_", rec->kind);
		set_flag(o, "basis_", rec->legal_basis);
		/* Withheld from the copy that goes with the letter (bb12 F8:
		 * the letter called the copy whole). */
		if (s->withheld && idlist_has(s->withheld, 0, rec->id)) {
			json_object_set_new(o, "not_in_copy", json_true());
			s->any_withheld = 1;
		}
		/* Left out of a portable copy, on a basis Art. 20(1)(a) does
		 * not cover (bb13 F2: the letter called the copy whole while
		 * LEFT_OUT.txt named them). */
		if (s->left_out && idlist_has(s->left_out, 0, rec->id)) {
			json_object_set_new(o, "left_out", json_true());
			s->any_left_out = 1;
		}
		if (!json_object_get(o, "not_in_copy") && !json_object_get(o, "left_out"))
			s->any_in_copy = 1;
		/* Art. 17(3)(b): a legal obligation, or a task in the public
		 * interest (bb7 F6: the letter said "not erased", no why). */
		json_object_set_new(o, "exempt",
				    json_boolean(rec->legal_hold || !strcmp(rec->legal_basis, "legal_obligation") ||
						 !strcmp(rec->legal_basis, "public_task")));
		json_array_append_new(s->recordings, o);
		pk = xasprintf("%s/%s", rec->purpose, rec->legal_basis);
		if (!json_object_get(s->purpose_keys, pk)) {
			json_object_set_new(s->purpose_keys, pk, json_true());
			json_t *o = json_pack("{s:s, s:s, s:s}", "purpose", rec->purpose, "description",
					      pi >= 0 ? policy_text(p, &p->purposes[pi].description_t, s->lang) : rec->purpose,
					      "legal_basis",
					      rec->legal_basis);

			set_flag(o, "basis_", rec->legal_basis);
			s->special |= add_special(o, pi >= 0 ? &p->purposes[pi] : NULL);
			json_array_append_new(s->purposes, o);
		}
		free(pk);
		add_unique(s->sources, source_words(p, rec, s->lang));
		rc = catalog_each_artifact(s->r->cat, rec->id, add_artifact_kind, s->m);
	}
	for (size_t i = 0; i < n; i++)
		cat_recording_clear(&recs[i]);
	free(recs);
	idlist_free(&ids);
	return rc;
}

/*
 * The disclosures, one group per recipient and what its exports rested on:
 * "NAME\tTRANSFER\tSAFEGUARD" -> {recipient, kind, transfer, safeguard,
 * days}.  What an export rested on is its entry's (export.c log_export,
 * policy_transfer_basis: "kind=K transfer=T", then "safeguard=TEXT" to the
 * end of the reason); an entry older than those words has none, and the
 * letter then reads the policy.
 */
struct disclosures {
	json_t *by;
	const char *handle, *time_zone;
};

static int add_disclosure(const struct audit_entry *e, const struct idlist *selves, void *ctx)
{
	struct disclosures *d = ctx;
	json_t *by = d->by, *g;
	const char *sg;
	char day[11], kind[64] = "", transfer[32] = "", name[64], *key;

	/* what export.json's disclosures say of it (export_disclosure): a
	 * co-participant's copy of her own data is one, to another
	 * participant, where it was left out as the subject's own (atk39 F3) */
	if (!e->outcome || strcmp(e->outcome, "ok") ||
	    !export_disclosure(e, d->handle, selves, name, sizeof(name)) || !*name)
		return 0;
	if (strcmp(name, EXPORT_TO_SUBJECT)) {
		audit_reason_value(e->reason, "kind", kind, sizeof(kind));
		audit_reason_value(e->reason, "transfer", transfer, sizeof(transfer));
		sg = *transfer ? strstr(e->reason, " safeguard=") : NULL;
		sg = sg ? sg + strlen(" safeguard=") : NULL;
		key = xasprintf("%s\t%s\t%s", name, transfer, sg ? sg : "");
		if (!(g = json_object_get(by, key))) {
			g = json_pack("{s:s, s:s?, s:s?, s:s?, s:[]}", "recipient", name, "kind", *kind ? kind : NULL,
				      "transfer", *transfer ? transfer : NULL, "safeguard", sg, "days");
			json_object_set_new(by, key, g);
		}
		free(key);
		letter_day(d->time_zone, e->time, day);
		add_unique(json_object_get(g, "days"), day);
	}
	return 0;
}

/*
 * The recipients of the subject's data, for Art. 15(1)(c) and 15(2).  The
 * transfer and its safeguard are those the export's entry recorded, not
 * the policy's now: the letter tells what happened to the data, and a
 * transfer rested on the safeguard in force when it was made.  A
 * recipient since taken out of the policy (bb9 MEDIUM 3), or since moved
 * into the EEA or onto another safeguard, is thus told as it was.  The
 * policy gives only words: the recipient's name =, and the safeguard in
 * the letter's language while the policy still names the same one.
 */
static int add_recipients(struct reg *r, const char *handle, int lang, json_t *m)
{
	json_t *by = json_object(), *list = json_array(), *g;
	struct disclosures d = { by, handle, r->policy->time_zone };
	const char *key;
	int rc = audit_each_about_subject(r->cat, handle, NULL, "export", add_disclosure, &d);

	json_object_foreach(by, key, g) {
		const char *name = json_string_value(json_object_get(g, "recipient"));
		const char *transfer = json_string_value(json_object_get(g, "transfer"));
		const char *sg = json_string_value(json_object_get(g, "safeguard"));
		const char *kind = json_string_value(json_object_get(g, "kind"));
		int i = strcmp(name, EXPORT_TO_PARTICIPANT) ? policy_recipient_index(r->policy, name) : -1;
		const struct policy_recipient *p = i >= 0 ? &r->policy->recipients[i] : NULL;
		const char *display = p ? policy_text(r->policy, &p->display_t, lang) : NULL;
		struct strbuf d = { 0 };
		int outside;
		size_t k;
		json_t *v;

		json_array_foreach(json_object_get(g, "days"), k, v)
			strbuf_addf(&d, "%s%s", k ? ", " : "", json_string_value(v));
		if (transfer) {
			outside = !strcmp(transfer, "outside-EEA");
			/* The policy's words for the same safeguard (the entry
			 * holds at most POLICY_BASIS_SAFEGUARD_MAX bytes of it). */
			if (outside && p && !p->eea && p->safeguard && sg &&
			    !strncmp(p->safeguard, sg, POLICY_BASIS_SAFEGUARD_MAX) &&
			    strlen(sg) == strnlen(p->safeguard, POLICY_BASIS_SAFEGUARD_MAX))
				sg = policy_label(r->policy, p->safeguard, &p->safeguard_t, lang);
			else if (!outside)
				sg = NULL;
		} else {	/* an entry older than the transfer basis */
			outside = p && !p->eea;
			sg = p ? policy_label(r->policy, p->safeguard, &p->safeguard_t, lang) : NULL;
			kind = p ? policy_recipient_kinds[p->kind] : NULL;
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:b, s:s?, s:s, s:b}", "name",
						      display ? display : name, "recipient", name, "kind", kind,
						      "outside_eea", outside, "safeguard", sg, "dates", d.s ? d.s : "",
						      "participant", !strcmp(name, EXPORT_TO_PARTICIPANT)));
		strbuf_release(&d);
	}
	json_object_set_new(m, "recipients", list);
	json_decref(by);
	return rc;
}

/*
 * What the register did for the request: the audit entries that name it
 * ("request=N" in their reason, or N among "request=N,M", rights.c and
 * retention.c put it there)
 * since it was received.  Tied by number, not by subject and time: an
 * erased recording is linked to no subject any more, and another request
 * of the same subject may be open at the same time (the action names the
 * one it answers, request_open_answered).  An entry written before the
 * actions named the request they answer names the subject's oldest open
 * request; the letter to a later one then does not list it.
 */
struct acts {
	struct reg *r;
	const struct cat_request *q;
	int lang;
	json_t *erased, *erased_parts, *restricted, *rectified, *objected, *seen;
	json_t *part_of;	/* the recording of each of erased_parts */
	int card_erased;
	int rc;
};


/* 1 when e is a done action of the request: its reason names it, alone
 * ("request=N") or among the requests of every subject of a recording
 * ("request=N,M", rights.c).  Read in place: a long list is not cut. */
static int names_request(const struct audit_entry *e, int64_t id)
{
	const char *w, *p;
	size_t len;

	if (!e->outcome || strcmp(e->outcome, "ok") || !(w = request_word(e->reason, &len)))
		return 0;
	p = w + strlen("request=");
	for (int64_t n; (n = request_word_next(&p, w + len));)
		if (n == id)
			return 1;
	return 0;
}

/* 1 the first time object is met for action (an object restricted twice is
 * listed once). */
static int first_time(struct acts *x, const char *action, const char *object)
{
	char *key = xasprintf("%s %s", action, object);
	int first = !json_object_get(x->seen, key);

	json_object_set_new(x->seen, key, json_true());
	free(key);
	return first;
}

/*
 * An artifact erased on its own (rights_erase_artifact: the entry names
 * the recording and the artifact as naming_label does, "chat" or
 * "N.EXT"): what it was (attachment, "chat" or "file") and the kind of
 * the recording it was of, from the entry ("kind=", rights.c), else from
 * the catalog while the recording is there; never its name or its day.
 */
static int add_erased_part(struct acts *x, const struct audit_entry *e, const char *day)
{
	const char *what = !strcmp(e->artifact, "chat") ? "chat" : "file";
	char *key = xasprintf("%s/%s", e->object, e->artifact), v[64];
	struct cat_recording rec;
	int first = first_time(x, "erase-part", key), rc = 0;
	json_t *o;

	free(key);
	if (!first)
		return 0;
	o = json_pack("{s:s, s:s}", "attachment", what, "erased_on", day);
	set_flag(o, "attachment_", what);
	if (audit_reason_value(e->reason, "kind", v, sizeof(v))) {
		json_object_set_new(o, "kind", json_string(v));
		set_flag(o, "kind_", v);
	} else if ((rc = catalog_get_recording(x->r->cat, e->object, &rec)) == 0) {
		json_object_set_new(o, "kind", json_string(rec.kind));
		set_flag(o, "kind_", rec.kind);
		cat_recording_clear(&rec);
	} else if (rc == -ENOENT) {	/* erased since, by an entry older than "kind=" */
		meta_clear_error();
		json_object_set_new(o, "kind", json_null());
		rc = 0;
	}
	if (rc) {
		json_decref(o);
	} else {
		json_array_append_new(x->erased_parts, o);
		json_array_append_new(x->part_of, json_string(e->object));
	}
	return rc;
}

/*
 * What rm -r of a meeting does first: its chat and shared files are
 * unlinked, each an erasure entry of its own, then the recording.  A part
 * of a recording the request erased whole is listed with that recording,
 * not again as a file erased from a recording kept (bb10 LOW 6).
 */
static void drop_parts_of_erased(struct acts *x)
{
	for (size_t i = json_array_size(x->erased_parts); i-- > 0;) {
		char *key = xasprintf("erase %s", json_string_value(json_array_get(x->part_of, i)));

		if (json_object_get(x->seen, key)) {
			json_array_remove(x->erased_parts, i);
			json_array_remove(x->part_of, i);
		}
		free(key);
	}
}

/* A purpose objected to, once, with its description in the letter's
 * language (its name when the policy no longer has it). */
static void add_objected(struct acts *x, const char *purpose)
{
	const struct policy *p = x->r->policy;
	int pi = policy_purpose_index(p, purpose);

	if (first_time(x, "object", purpose))
		json_array_append_new(x->objected,
				      json_pack("{s:s, s:s}", "purpose", purpose, "description",
						pi >= 0 ? policy_text(p, &p->purposes[pi].description_t, x->lang)
							: purpose));
}

/* catalog_each_objection: one to the purpose that stood at the time. */
struct objected_then {
	const char *purpose;
	int64_t at;
};

static int objected_then(const struct cat_objection *o, void *ctx)
{
	const struct objected_then *t = ctx;

	return !strcmp(o->purpose, t->purpose) && o->since <= t->at && (!o->lifted || o->lifted >= t->at);
}

/*
 * Whether the erasure entry e (of a recording, or of its chat or a file)
 * was done on the request, as rights.c's answered_by has an erasure
 * answer one: an erasure request, always; a consent withdrawal, when the
 * recording was based on consent (its entry's "basis=", rights.c
 * log_erase; bb13 F7); an objection, when the subject objected to its
 * purpose then ("purpose="); no other (a rectification, a restriction).
 * An erasure names the subject's oldest open request when none of a type
 * it answers is open, so an officer's rm of a contract call for a reason
 * of his own named a withdrawal, an objection or a rectification, whose
 * letter told it as done on it (atk39 F4).  An entry older than those
 * words counts.  1, 0, or -errno.
 */
static int erasure_answers(struct acts *x, const struct audit_entry *e)
{
	char v[64];
	struct objected_then t = { v, e->time };
	int rc;

	if (!strcmp(x->q->type, "erasure"))
		return 1;
	if (!strcmp(x->q->type, "consent-withdrawal"))
		return !audit_reason_value(e->reason, "basis", v, sizeof(v)) || !strcmp(v, "consent");
	if (strcmp(x->q->type, "objection"))
		return 0;
	if (!audit_reason_value(e->reason, "purpose", v, sizeof(v)))
		return 1;
	rc = catalog_each_objection(x->r->cat, x->q->handle, 1, objected_then, &t);
	return rc < 0 ? rc : rc > 0;
}

static int add_act(const struct audit_entry *e, void *ctx)
{
	struct acts *x = ctx;
	char day[11], v[64];
	int answers = 1;

	if (!names_request(e, x->q->id) || !e->object)
		return 0;
	if (!strcmp(e->action, "erase") && (answers = erasure_answers(x, e)) < 0)
		return x->rc = answers;
	letter_day(x->r->policy->time_zone, e->time, day);
	if (!strcmp(e->action, "erase") && !e->artifact && first_time(x, e->action, e->object)) {
		/* The recording is gone: its kind is the entry's (rights.c
		 * log_erase; absent from older entries), its day is not kept. */
		json_t *o;

		/* A consent withdrawal's letter lists it marked (not_consent),
		 * another's not at all. */
		if (!answers && strcmp(x->q->type, "consent-withdrawal"))
			return 0;
		o = json_pack("{s:s}", "erased_on", day);

		if (audit_reason_value(e->reason, "kind", v, sizeof(v))) {
			json_object_set_new(o, "kind", json_string(v));
			set_flag(o, "kind_", v);
		} else {
			json_object_set_new(o, "kind", json_null());
		}
		/* Not on consent: the letter to a consent withdrawal does not
		 * count it as erased by the withdrawal (bb13 F7). */
		json_object_set_new(o, "not_consent", json_boolean(!answers));
		json_array_append_new(x->erased, o);
	} else if (!strcmp(e->action, "erase") && e->artifact && strcmp(e->artifact, "opus")) {
		if (answers && (x->rc = add_erased_part(x, e, day)))
			return x->rc;
	} else if (!strcmp(e->action, "erase-subject") && x->q->handle && !strcmp(e->object, x->q->handle)) {
		x->card_erased = 1;
	} else if (!strcmp(e->action, "restrict") && first_time(x, e->action, e->object)) {
		struct cat_recording rec;
		char day[11], hm[6], zone[16], since[11];
		int rc = catalog_get_recording(x->r->cat, e->object, &rec);

		if (rc == -ENOENT)
			return 0;	/* erased since: listed with the erased when this request erased it */
		if (rc)
			return x->rc = rc;
		util_format_local(rec.recorded_at, x->r->policy->time_zone, day, hm, zone);
		letter_day(x->r->policy->time_zone, rec.restricted_since ? rec.restricted_since : e->time, since);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "date", day, "time", hm, "zone", zone, "kind",
				      rec.kind, "since", since, "still", rec.restricted_since != 0);

		set_flag(o, "kind_", rec.kind);
		json_array_append_new(x->restricted, o);
		cat_recording_clear(&rec);
	} else if (!strcmp(e->action, "rectify") && audit_reason_value(e->reason, "field", v, sizeof(v)) &&
		   first_time(x, e->action, v)) {
		json_t *o = json_pack("{s:s, s:s}", "field", v, "on", day);

		set_flag(o, "field_", v);
		json_array_append_new(x->rectified, o);
	} else if (!strcmp(e->action, "object") && audit_reason_value(e->reason, "purposes", v, sizeof(v))) {
		for (char *save = NULL, *name = strtok_r(v, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			int64_t since;
			int rc = catalog_get_objection(x->r->cat, x->q->handle, name, &since);

			/* One lifted since is no objection the letter may say
			 * is recorded (atk28 F1). */
			if (rc == -ENOENT)
				continue;
			if (rc)
				return x->rc = rc;
			add_objected(x, name);
		}
	}
	return 0;
}

/* Stop at the first standing objection. */
static int objection_found(const struct cat_objection *o, void *ctx)
{
	(void)o;
	(void)ctx;
	return 1;
}

/* A standing objection of the subject, for the answer to an objection
 * request: it is the objection the request asks for, whether it was
 * recorded before the request was (no entry names the request then:
 * bb8 LOW 11) or on it. */
static int add_standing(const struct cat_objection *o, void *ctx)
{
	add_objected(ctx, o->purpose);
	return 0;
}

/* The acts of q (none without a handle: an action names the requests of
 * the subject it was on). */
static int add_acts(struct reg *r, const struct cat_request *q, int lang, json_t *m)
{
	static const char *const actions[] = { "erase", "erase-subject", "restrict", "rectify", "object" };
	struct acts x = { .r = r, .q = q, .lang = lang, .erased = json_array(), .erased_parts = json_array(),
			  .restricted = json_array(),
			  .rectified = json_array(), .objected = json_array(), .seen = json_object(),
			  .part_of = json_array() };
	int rc = 0;

	for (size_t i = 0; q->handle && rc == 0 && i < sizeof(actions) / sizeof(*actions); i++) {
		struct cat_audit_filter f = { .action = actions[i], .since = q->received };

		rc = audit_each_where(r->cat, &f, add_act, &x);
		if (rc == 0)
			rc = x.rc;
	}
	if (rc == 0)
		drop_parts_of_erased(&x);
	if (rc == 0 && q->handle && !strcmp(q->type, "objection"))
		rc = catalog_each_objection(r->cat, q->handle, 0, add_standing, &x);
	json_object_set_new(m, "erased_count", json_integer((json_int_t)json_array_size(x.erased)));
	json_object_set_new(m, "has_erased", json_boolean(json_array_size(x.erased) > 0));
	json_object_set_new(m, "has_erased_attachments", json_boolean(json_array_size(x.erased_parts) > 0));
	json_object_set_new(m, "card_erased", json_boolean(x.card_erased));
	json_object_set_new(m, "has_restricted", json_boolean(json_array_size(x.restricted) > 0));
	json_object_set_new(m, "has_rectified", json_boolean(json_array_size(x.rectified) > 0));
	/* What Art. 19 has the controller tell the recipients of: an
	 * erasure, a restriction, a rectification. */
	json_object_set_new(m, "changed", json_boolean(json_array_size(x.erased) || json_array_size(x.erased_parts) ||
							 x.card_erased || json_array_size(x.restricted) ||
							 json_array_size(x.rectified)));
	json_object_set_new(m, "acted", json_boolean(json_is_true(json_object_get(m, "changed")) ||
						       json_array_size(x.objected)));
	json_object_set_new(m, "erased", x.erased);
	json_object_set_new(m, "erased_attachments", x.erased_parts);
	json_object_set_new(m, "restricted_recordings", x.restricted);
	json_object_set_new(m, "rectified", x.rectified);
	json_object_set_new(m, "has_objected", json_boolean(json_array_size(x.objected) > 0));
	json_object_set_new(m, "objected", x.objected);
	json_decref(x.seen);
	json_decref(x.part_of);
	return rc;
}

/* The types whose answer says what was done (the rights that change what
 * the register holds or does); an access, portability or direct
 * marketing request is answered with what it holds. */
static int reports_actions(const char *type)
{
	static const char *const types[] = { "rectification", "erasure", "restriction", "objection",
					     "consent-withdrawal" };

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(type, types[i]))
			return 1;
	return 0;
}

/*
 * Whom a complaint may go to (policy_supervisory_authority decides, as
 * for the notice): the policy's words in the letter's language as
 * supervisory_authority, or a flag for the template to word it, so that no
 * word of the letter is in the code.
 */
static void add_authority(json_t *m, const struct policy *p, int lang)
{
	const char *text;
	enum policy_authority a = policy_supervisory_authority(p, lang, &text);

	json_object_set_new(m, "supervisory_authority", text ? json_string(text) : json_null());
	json_object_set_new(m, "supervisory_authority_finland", json_boolean(a == POLICY_AUTHORITY_FINLAND));
	json_object_set_new(m, "supervisory_authority_unnamed", json_boolean(a == POLICY_AUTHORITY_UNNAMED));
}

int answer_model(struct reg *r, const struct cat_request *q, const char *lang, const char *export_dir,
		 const struct idlist *withheld, const struct idlist *left_out, json_t **out)
{
	const struct policy *p = r->policy;
	json_t *m = json_object();
	int li = policy_lang_index(p, lang) < 0 ? 0 : policy_lang_index(p, lang);
	struct recs s = { .r = r, .lang = li, .m = m, .withheld = export_dir ? withheld : NULL,
			  .left_out = export_dir ? left_out : NULL };
	char today[11], received[11];
	const char *controller, *contact;
	int rc = 0, has_card = 0, has_ref = 0;

	letter_day(p->time_zone, util_now(), today);
	letter_day(p->time_zone, q->received, received);
	/* In the letter's language, as the register's name (bb16 F5: a
	 * Swedish letter named the controller and its contact in Finnish) */
	controller = policy_text(p, &p->controller_t, li);
	controller = controller ? controller : p->controller;
	contact = policy_text(p, &p->privacy_contact_t, li);
	contact = contact ? contact : p->privacy_contact;
	json_object_set_new(m, "controller", json_string(controller));
	json_object_set_new(m, "controller_name", controller_name(controller));
	json_object_set_new(m, "register", json_string(policy_text(p, &p->reg_name_t, li)));
	json_object_set_new(m, "privacy_contact", json_string(contact));
	add_authority(m, p, li);
	json_object_set_new(m, "date", json_string(today));
	json_object_set_new(m, "time_zone", json_string(p->time_zone ? p->time_zone : "UTC"));
	json_object_set_new(m, "request", json_integer(q->id));
	json_object_set_new(m, "received", json_string(received));
	json_object_set_new(m, "type", json_string(q->type));
	set_flag(m, "type_", q->type);
	json_object_set_new(m, "subject", q->handle ? json_string(q->handle) : json_null());
	json_object_set_new(m, "found", json_boolean(q->handle != NULL));
	json_object_set_new(m, "export_dir", export_dir ? json_string(export_dir) : json_null());
	json_object_set_new(m, "purposes", s.purposes = json_array());
	json_object_set_new(m, "recordings", s.recordings = json_array());
	json_object_set_new(m, "sources", s.sources = json_array());
	s.purpose_keys = json_object();
	json_object_set_new(m, "ground", q->ground ? json_string(q->ground) : json_null());
	if (q->handle) {
		rc = add_recordings(&s, q->handle);
		if (rc == 0)
			rc = add_recipients(r, q->handle, li, m);
	} else {
		json_object_set_new(m, "recipients", json_array());
	}
	if (rc == 0)
		rc = add_acts(r, q, li, m);
	/* The card is a category only while it is kept (asked only when
	 * all went well: what failed before keeps its message). */
	if (rc == 0 && q->handle) {
		char card[RECFS_ID_HEX];

		has_card = catalog_get_subject(r->cat, q->handle, card) == 0;
		/* The card is sealed; its reference shows in the blind index
		 * (kind "ref"), which the letter reads without a key. */
		has_ref = has_card && catalog_index_has_kind(r->cat, q->handle, "ref") == 1;
		meta_clear_error();
	}
	json_object_set_new(m, "has_card", json_boolean(has_card));
	/* The card outlives the subject's last recording while a request
	 * of theirs is open or an objection stands (rights.c subject_goes),
	 * and goes at the next retention sweep after: the letter must not
	 * say nothing is held (bb13 F5). */
	{
		int card_kept = has_card && json_array_size(s.recordings) == 0, objecting = 0;

		if (rc == 0 && card_kept) {
			objecting = catalog_each_objection(r->cat, q->handle, 0, objection_found, NULL);
			if (objecting < 0)
				rc = objecting;
		}
		json_object_set_new(m, "card_kept", json_boolean(card_kept));
		json_object_set_new(m, "card_kept_objection", json_boolean(objecting == 1));
	}
	json_object_set_new(m, "has_ref", json_boolean(has_ref));
	json_object_set_new(m, "reports_actions", json_boolean(reports_actions(q->type)));
	json_object_set_new(m, "kept", json_boolean(json_array_size(s.recordings) > 0));
	json_object_set_new(m, "export_withheld", json_boolean(s.any_withheld));
	json_object_set_new(m, "export_left_out", json_boolean(s.any_left_out));
	/* The copy holds a recording: the letter says it holds the audio
	 * only then, not when every one was withheld or left out (atk39 F5). */
	json_object_set_new(m, "export_has_recordings", json_boolean(export_dir && s.any_in_copy));
	json_object_set_new(m, "disclosed", json_boolean(json_array_size(json_object_get(m, "recipients")) > 0));
	json_object_set_new(m, "notify_recipients", json_boolean(json_is_true(json_object_get(m, "disclosed")) &&
								 json_is_true(json_object_get(m, "changed"))));
	/* The sources as blocks of {text}: a template names them the same way
	 * as every other list. */
	if (rc == 0) {
		json_t *src = json_array(), *v;
		size_t i;

		json_array_foreach(s.sources, i, v)
			json_array_append_new(src, json_pack("{s:O}", "text", v));
		json_object_set_new(m, "sources", src);
	}
	/* The special categories among the categories of data (Art.
	 * 15(1)(b)), once each, as blocks of {cat_WORD}. */
	if (rc == 0) {
		json_t *cats = json_array();

		for (int k = 0; policy_special_categories[k]; k++) {
			json_t *c;

			if (!(s.special & (1u << k)))
				continue;
			c = json_object();
			set_flag(c, "cat_", policy_special_categories[k]);
			json_array_append_new(cats, c);
		}
		json_object_set_new(m, "special_data", cats);
	}
	json_decref(s.purpose_keys);
	if (rc) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

int answer_letter(struct reg *r, const struct audit_actor *a, int64_t id, const char *template_path,
		  const char *lang, const char *export_dir, const struct idlist *withheld,
		  const struct idlist *left_out, char **letter, size_t *len)
{
	struct cat_request q = { 0 };
	uint8_t *tpl = NULL;
	size_t tlen = 0;
	json_t *m = NULL;
	char *text = NULL, why[48];
	int rc;

	if ((rc = request_get(r, id, &q)))
		return rc;
	rc = util_read_file(template_path, ANSWER_TEMPLATE_MAX, &tpl, &tlen);
	if (rc == -ENOENT)
		rc = meta_fail(rc, "no letter template %s (give the folder of the templates with --templates DIR)",
			       template_path);
	else if (rc)
		rc = meta_fail(rc, "cannot read the letter template %s: %s", template_path, strerror(-rc));
	if (rc == 0)
		rc = answer_model(r, &q, lang, export_dir, withheld, left_out, &m);
	if (rc == 0)
		rc = answer_render((const char *)tpl, tlen, m, &text);
	if (rc == 0) {
		snprintf(why, sizeof(why), "request=%lld", (long long)id);
		rc = audit_log(r->cat, a, "request-answer", q.handle, "ok", why);
	}
	if (rc == 0) {
		*len = strlen(text);
		*letter = text;
		text = NULL;
	}
	crypto_free_string(text);
	json_decref(m);
	free(tpl);
	cat_request_clear(&q);
	return rc;
}
