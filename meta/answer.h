/*
 * answer.h - the answer letter to a rights request (Art. 12(1), Art. 15):
 * what the register holds about the requester, filled into a letter
 * template of the controller's language.
 *
 * A template is text with {{key}} (the value of key), {{#key}}...{{/key}}
 * (repeated for each element of a list, once for a value that is true or
 * set, never for one that is false, empty or absent) and {{^key}}...{{/key}}
 * (once, when key is false, empty or absent).  A line holding nothing but
 * one {{#..}}, {{^..}} or {{/..}} tag leaves no line behind.  Nothing else
 * is special: there is no escaping, no partial, no expression.  Inside a
 * repeated block a key is looked up in the element first, then outwards.
 *
 * The keys of the letter's model (answer_model): controller,
 * controller_name, register, privacy_contact, date, request, received,
 * type, type_<TYPE> (true for the request's type, '-' read as '_', so
 * that a template words it: {{#type_access}}..{{/type_access}}), subject,
 * found (the requester is linked to a subject), purposes [purpose,
 * description, legal_basis, basis_<BASIS>, special (the purpose names
 * special categories of data, GDPR Art. 9(1)), special_categories
 * [cat_<CATEGORY>, more (another follows)], condition_<CONDITION> (its
 * Art. 9(2) condition)], special_data [cat_<CATEGORY>] (the special
 * categories of all those purposes, once each, in the order of
 * policy_special_categories), recordings [date, time, kind,
 * kind_<KIND>, source, purpose, legal_basis, retention_until, restricted,
 * on_hold],
 * has_audio, has_chat, has_files, has_card, has_ref (the card holds a
 * reference: the subject has a blind-index entry of kind "ref"; a
 * reference with no digit is not indexed, nor one an older recfs indexed
 * without its kind, and is not seen), recipients [name, recipient,
 * outside_eea, safeguard, dates, participant] (the named recipients the
 * subject's data was disclosed to, from the audit log's "export" entries
 * about the subject or a recording of theirs, audit_each_about_subject,
 * export_disclosure; participant: another participant of a recording, in
 * the copy of her own data, recipient EXPORT_TO_PARTICIPANT), sources
 * [text], export_dir, and whom a complaint may go to
 * (policy_supervisory_authority): supervisory_authority (the policy's text
 * in the letter's language, null when it gives none),
 * supervisory_authority_finland (true when the Finnish Data Protection
 * Ombudsman is named, the template giving its address) and
 * supervisory_authority_unnamed (true when no authority is named).
 * Each element of recordings also has basis_<BASIS> and exempt (kept
 * whatever a request for erasure says: on hold, Art. 17(3)(e), or under a
 * legal obligation, Art. 17(3)(b)).
 *
 * What the register did for the request, from the audit entries that name
 * it ("request=N", or "request=N,M" for an action on a recording that
 * answers the requests of several of its subjects, rights.c; entries
 * since it was received): erased
 * [kind, kind_<KIND> (of the recording, as its erasure logged it; null in
 * entries written before it did), erased_on, not_consent (its erasure
 * logged a legal basis other than consent: for a consent withdrawal, not
 * erased by it)] (the whole recordings erased;
 * not the day each was recorded, which the log does not keep; those the
 * request asked for: for an objection, of a purpose objected to, for a
 * rectification or a restriction none, atk39 F4), erased_count, has_erased,
 * erased_attachments [attachment ("chat" or "file"), attachment_<ATTACHMENT>,
 * kind, kind_<KIND> (of the recording it was of), erased_on] (a chat or a
 * shared file erased on its own), has_erased_attachments, card_erased (the
 * subject's card went too), restricted_recordings [date, time, kind,
 * kind_<KIND>, since, still] (recordings restricted, still held; still
 * false once lifted), has_restricted, rectified [field, field_<FIELD>, on]
 * (the card fields rectified, never their values), has_rectified,
 * objected [purpose, description] (the purposes objected to),
 * has_objected, changed
 * (something was erased, a file of a recording included, restricted or
 * rectified: Art. 19), acted
 * (changed, or an objection recorded); and reports_actions (the type is
 * rectification, erasure, restriction, objection or consent-withdrawal:
 * the letter says what was done), kept (the subject still has
 * recordings), card_kept (the card is kept though no recording is: while
 * a request of the subject is open or an objection stands; the retention
 * sweep after erases it), card_kept_objection (card_kept, and an
 * objection of the subject stands), ground (the request's ground of a refusal, or null),
 * disclosed (recipients is not empty) and notify_recipients (disclosed
 * and changed: the recipients the controller tells, Art. 19).  None of it
 * names a value of the card or a word of a recording.
 *
 * The letter holds personal data (the recordings' dates, whom they went
 * to): it is written with mode 0600 and never logged.
 *
 * Locking: answer_model reads r->cat (the caller serialises it as any
 * catalog call); answer_render touches only its arguments.
 */
#ifndef RECFS_ANSWER_H
#define RECFS_ANSWER_H

#include <stddef.h>

#include <jansson.h>

#include "audit.h"
#include "catalog.h"
#include "register.h"
#include "util.h"

/*
 * Fill template tpl (len bytes, lent) from model (a JSON object, lent).
 * *out is the letter, malloc'd and NUL-terminated; the caller frees it
 * (wiping it first: it holds personal data).  Errors: -EINVAL for a
 * template that names a key the model does not have, or an unclosed or
 * mismatched block (meta_errmsg names the key and the line).
 */
int answer_render(const char *tpl, size_t len, const json_t *model, char **out) MUST_CHECK;

/*
 * The model of the answer to request q (see above): from the policy, the
 * request, and when q has a handle the subject's recordings and the audit
 * log's disclosures.  Purposes, recipients and the register's name are in
 * language lang of the policy (policy_text: the first language's text where
 * the policy has none in lang, or when lang is not one of its languages);
 * the sources and the recipients' safeguards in the policy's words for
 * them in that language, else as the policy writes the label
 * (policy_label; a source whose label the policy no longer has, as the
 * recording holds it).
 * export_dir (may be NULL) is put in as it is; withheld (may be NULL) lists
 * the recordings the export to export_dir withheld from the copy, each of
 * which is marked "not_in_copy" (and "export_withheld" is set); left_out
 * (may be NULL) those a portable copy (Art. 20) left out as not on consent
 * or contract, each marked "left_out" (and "export_left_out" is set);
 * "export_has_recordings" is set when the copy holds one neither withheld
 * nor left out (its audio is in the copy).  A template without those
 * blocks still renders (recctl warns).
 * *out is a new reference the caller decrefs.  Catalog errors, -ENOMEM.
 */
int answer_model(struct reg *r, const struct cat_request *q, const char *lang, const char *export_dir,
		 const struct idlist *withheld, const struct idlist *left_out, json_t **out) MUST_CHECK;

/* The largest template read (bytes). */
#define ANSWER_TEMPLATE_MAX (256 * 1024)

/*
 * The answer letter to request id: the template file template_path (at
 * most ANSWER_TEMPLATE_MAX bytes) filled with answer_model of the request
 * (lang, export_dir, withheld and left_out as there).  *letter is malloc'd, NUL-terminated, *len bytes;
 * the caller writes it where the requester's answer goes (mode 0600), then
 * wipes and frees it.  Logged "request-answer" on the request's handle
 * (none when it has none), reason "request=N": the letter itself is never
 * logged.  Errors: -ENOENT (no such request, or no template file: meta_errmsg
 * names it), -EFBIG, those of util_read_file, answer_model and
 * answer_render, catalog errors.
 */
int answer_letter(struct reg *r, const struct audit_actor *a, int64_t id, const char *template_path,
		  const char *lang, const char *export_dir, const struct idlist *withheld,
		  const struct idlist *left_out, char **letter, size_t *len) MUST_CHECK;

#endif
