/*
 * cmd_subject.c - `recctl subject`: find a data subject, show what the
 * register holds on them, export it (Art. 15, 20), withdraw their consent
 * (Art. 7(3)), record or lift their objection to purposes (Art. 21), and
 * bring the blind index in line with rectified cards, and rectify a
 * subject's card or a value its calls gave (Art. 16).
 *
 * Finding by phone, e-mail or reference goes through the blind index and
 * needs the ingest keyring's index key; finding by name has to open every
 * sealed card, so it needs a level keyring from the details level up, and
 * compares folded names (subject_name_matches: case and diacritics aside,
 * and the forms of one name: "Berg, Jan van der" finds "Jan van der Berg").
 * Nothing typed as a search term reaches the audit log or any error line:
 * both name handles and counts only.  Decrypted card text is wiped before
 * it is freed.  show gives the reasons of holds and restrictions (sealed for
 * the rights level) only when a keyring of the rights level is given.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "export.h"
#include "jsonmem.h"
#include "passphrase.h"
#include "recctl.h"
#include "request.h"
#include "retention.h"
#include "rights.h"
#include "subject.h"

const char usage_subject[] =
	"usage: recctl subject find TEXT|- [--keyring FILE] [--level-keyring FILE]... [--json]\n"
	"       recctl subject show HANDLE --level-keyring FILE... [--json]\n"
	"       recctl subject export HANDLE DIR --level-keyring FILE... [--recipient NAME]\n"
	"                      [--portability] [--passphrase-file RECORDING=FILE]...\n"
	"       recctl subject withdraw-consent HANDLE\n"
	"       recctl subject object HANDLE (--purpose P... | --all-legitimate-interest)\n"
	"       recctl subject object HANDLE --lift --purpose P\n"
	"       recctl subject merge HANDLE OTHER --level-keyring FILE...\n"
	"       recctl subject split HANDLE RECORDING... --level-keyring FILE... [--name NAME]\n"
	"                            [--merged OTHER]...\n"
	"       recctl subject split HANDLE --merged OTHER... --into SUBJECT --level-keyring FILE...\n"
	"       recctl subject reindex --level-keyring FILE... [--keyring FILE]\n"
	"       recctl subject rectify HANDLE FIELD VALUE --level-keyring FILE...\n"
	"                      [--keyring FILE] [--given OLD]\n"
	"       (each takes -R REGISTER)\n"
	"\n"
	"find      print the handles of subjects whose phone number, e-mail or\n"
	"          reference is TEXT (blind index: needs the ingest keyring; case\n"
	"          does not count in e-mails and references, nor do the spaces,\n"
	"          dashes, dots and slashes of a reference; every subject that\n"
	"          holds a shared number, e-mail or reference, marked shared=),\n"
	"          and, with --level-keyring, whose name contains TEXT (opens every\n"
	"          card; case and diacritics do not count: Vaisanen finds\n"
	"          Väisänen, Mueller finds Müller); TEXT - reads it from standard\n"
	"          input, out of the process list every local user reads\n"
	"show      the subject's card, recordings and open requests\n"
	"export    write DIR/HANDLE/ with the card, a vCon-shaped JSON document per\n"
	"          recording and the decrypted media; to the data subject, or to\n"
	"          a recipient of the policy (--recipient); logged as a disclosure;\n"
	"          --portability (Art. 20): only recordings based on consent or\n"
	"          contract, the others listed as left out (LEFT_OUT.txt);\n"
	"          a password-protected recording goes into the subject's own\n"
	"          export only with the rights level's keyring and its passphrase\n"
	"          (--passphrase-file), else it is withheld\n"
	"withdraw-consent  erase the subject's recordings whose legal basis is\n"
	"          consent; recordings on legal hold stay, restricted (kept, heard\n"
	"          by no level below the rights level), are counted, and make the\n"
	"          exit status 1\n"
	"object    the subject objects (Art. 21) to processing for the purposes:\n"
	"          their recordings of those purposes based on legitimate interests\n"
	"          or a public task are restricted at once (as chmod 0 on a mount),\n"
	"          and so are those that arrive later; a purpose on another basis\n"
	"          is refused (consent: withdraw-consent); --lift lifts it, the\n"
	"          restricted recordings stay so until lifted one by one\n"
	"merge     OTHER is the same person as HANDLE: OTHER's recordings,\n"
	"          numbers, e-mails, objections and requests become HANDLE's, and\n"
	"          OTHER's card is erased (HANDLE's is kept; rectify it if OTHER's\n"
	"          held what it lacks); a standing objection then restricts the\n"
	"          person's recordings it reaches\n"
	"split     the RECORDINGs (ids as show lists them) of HANDLE are another\n"
	"          person's: a new subject takes them, with a card of the name\n"
	"          their calls gave (or --name) and HANDLE's phone number and\n"
	"          reference; both hold HANDLE's numbers and references, each its\n"
	"          own names (a new call naming either goes to that one);\n"
	"          objections, requests, restrictions and holds stay as they are\n"
	"          (the moved recordings restricted by HANDLE's objection are\n"
	"          counted: review them); the subjects merged into HANDLE before\n"
	"          stay HANDLE's, but those named with --merged, which go with\n"
	"          the new subject (a split that undoes a wrong merge); needs the\n"
	"          rights level's keyring and the blind-index key (which it\n"
	"          carries, else --keyring); with --into and no RECORDING, the\n"
	"          --merged subjects alone go to SUBJECT's card (one a split did\n"
	"          not name), with their history\n"
	"reindex   drop from the blind index the phone numbers and e-mails that\n"
	"          rectifications replaced, and index every card's current ones\n"
	"          (for rectifications made before they moved the index, and\n"
	"          after the policy's phone_country_code is set or changed: each\n"
	"          card's number is indexed by the new rule); needs the rights\n"
	"          level's keyring and the blind-index key (which it carries,\n"
	"          else --keyring)\n"
	"rectify   set FIELD (name, phone, email, organisation, ref) of the\n"
	"          subject's card to VALUE (\"\": none), as setfattr -n\n"
	"          user.recfs.FIELD on its folder of a mount; with --given OLD\n"
	"          (phone, email, ref), the value OLD that the subject's calls\n"
	"          gave (e.g. someone else's e-mail a later call gave, on no card)\n"
	"          becomes VALUE in each of them (\"\": they give none), and\n"
	"          subject find no longer finds the subject by OLD (unless its\n"
	"          card holds it); needs the rights level's keyring and the\n"
	"          blind-index key (which it carries, else --keyring)\n"
	"\n"
	"  -R, --register DIR      the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE          the ingest keyring (default $RECFS_KEYRING, then\n"
	"                          " CTL_KEYRING_DIR "/ingest.keyring)\n"
	"  --level-keyring FILE    a keyring with level keys (repeatable); the\n"
	"                          details level or higher opens cards, the rights\n"
	"                          level also restricted recordings\n"
	"  --passfile FILE         passphrase of the keyrings (default $RECFS_PASSFILE)\n"
	"  --recipient NAME        a [recipient NAME] of the policy\n"
	"  --purpose P             a purpose of the policy (object; repeatable)\n"
	"  --all-legitimate-interest  every purpose based on legitimate interests (object)\n"
	"  --lift                  lift the objection to --purpose (object)\n"
	"  --portability           export only what Art. 20 covers (export)\n"
	"  --passphrase-file RECORDING=FILE  the passphrase of protected recording\n"
	"                          RECORDING (its id, or the 8 hex digits of its file\n"
	"                          name) is FILE's first line (export; repeatable)\n"
	"  --name NAME             the new subject's name (split)\n"
	"  --merged OTHER          a subject merged into HANDLE before whose history\n"
	"                          goes with the new subject (split; repeatable:\n"
	"                          name each of the person's, as subject show lists)\n"
	"  --into SUBJECT          the subject the --merged go to, with no RECORDING\n"
	"                          (split)\n"
	"  --given OLD             the value the calls gave, to rectify (rectify)\n"
	"  --json                  JSON output (find, show)\n";

struct subj_opts {
	const char *passfile, *recipient, *name, *given, *into;
	char *keyring;
	int keyring_given, as_json, all_li, lift, portability;
	struct strlist levels, purposes, passfiles, merged;
	struct strlist kept;	/* --name's and --given's copies, out of argv (ctl_take_arg) */
};

static int parse(int argc, char **argv, struct ctl *ctl, struct subj_opts *o)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, 'K' },
		{ "level-keyring", required_argument, NULL, 'L' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "all-legitimate-interest", no_argument, NULL, 'A' },
		{ "lift", no_argument, NULL, 'l' },
		{ "portability", no_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'F' },
		{ "name", required_argument, NULL, 'N' },
		{ "given", required_argument, NULL, 'G' },
		{ "merged", required_argument, NULL, 'M' },
		{ "into", required_argument, NULL, 'I' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'K': o->keyring = optarg; o->keyring_given = 1; break;
		case 'L': strlist_add(&o->levels, optarg); break;
		case 'P': o->passfile = optarg; break;
		case 'r': o->recipient = optarg; break;
		case 'j': o->as_json = 1; break;
		case 'p': strlist_add(&o->purposes, optarg); break;
		case 'A': o->all_li = 1; break;
		case 'l': o->lift = 1; break;
		case 'o': o->portability = 1; break;
		case 'N': o->name = ctl_take_arg(&o->kept, optarg); break;
		case 'G': o->given = ctl_take_arg(&o->kept, optarg); break;
		case 'F': strlist_add(&o->passfiles, optarg); break;
		case 'M': strlist_add(&o->merged, optarg); break;
		case 'I': o->into = optarg; break;
		case 'h': return 1;
		default: return usage_error(usage_subject, NULL);
		}
	}
	return 0;
}

/* The card of handle opened with the highest level of kr that has a seal;
 * -ENOKEY when no level of kr opens it. */
static int read_card(struct reg *r, const struct keyring *kr, const char *handle, json_t **out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = subject_read_card(r, kr, NULL, handle, &text, &len);

	if (rc)
		return rc == -EACCES ? -ENOKEY : rc;
	*out = json_loadb(text, len, 0, NULL);
	crypto_freezero(text, len);
	return *out ? 0 : -EIO;
}

static void print_json(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

	if (text)
		puts(text);
	jsonmem_free_text(text);
}

struct found {
	json_t *list;
	struct reg *r;
	const struct keyring *kr;
	const char *text;
	int errors;
	const struct subject_name_search *ns;	/* text, read once for every card */
};

/* handle found by by; shared: the identifier it was found by is held by
 * other subjects too (the list says so, so that an answer to the person
 * who gave it is not taken for the whole answer). */
static void add_found(json_t *list, const char *handle, const char *by, int shared)
{
	json_t *x = NULL;
	size_t i;

	json_array_foreach(list, i, x) {
		if (!strcmp(json_string_value(json_object_get(x, "handle")), handle))
			break;
	}
	if (i == json_array_size(list)) {
		x = json_pack("{s:s, s:[], s:[]}", "handle", handle, "by", "shared");
		json_array_append_new(list, x);
	}
	json_array_append_new(json_object_get(x, "by"), json_string(by));
	if (shared)
		json_array_append_new(json_object_get(x, "shared"), json_string(by));
}

static int match_name(const char *handle, void *ctx)
{
	struct found *f = ctx;
	json_t *card = NULL;
	const char *name;
	int rc;

	if (read_card(f->r, f->kr, handle, &card)) {
		f->errors++;
		return 0;
	}
	name = json_string_value(json_object_get(card, "name"));
	rc = name ? subject_name_search_match(f->ns, name) : 0;
	if (rc == 1)
		add_found(f->list, handle, "name", 0);
	json_decref(card);
	/* a card's name is UTF-8 since ingest checked it; only memory fails */
	return rc == -ENOMEM ? rc : 0;
}

static int subject_find_cmd(struct reg *r, struct subj_opts *o, const char *text)
{
	static const char *const kinds[] = { "phone", "email", "ref" };
	struct keyring *ik = NULL, *kr = NULL;
	struct found f = { json_array(), r, NULL, text, 0, NULL };
	struct audit_actor a;
	char why[96];
	int rc = 0, use_index = o->keyring_given || !o->levels.n || access(o->keyring, F_OK) == 0;

	if (use_index && (rc = ctl_load_keyrings(&o->keyring, 1, o->passfile, &ik)))
		goto out;
	if (ik && !keyring_index_key(ik)) {
		rc = error("%s holds no blind-index key; use the ingest keyring recctl init wrote", o->keyring);
		goto out;
	}
	if (o->levels.n && !util_utf8_valid(text, strlen(text))) {
		rc = error("the search text is not valid UTF-8: names are compared as UTF-8");
		goto out;
	}
	if (o->levels.n && (rc = ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr)))
		goto out;
	for (size_t i = 0; ik && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct idlist holders = { 0 };

		if (!strcmp(kinds[i], "email") && !strchr(text, '@'))
			continue;
		if (!strcmp(kinds[i], "phone") && !subject_may_be_phone(text))
			continue;
		/* Every holder: a household's line or a company's customer
		 * number names them all. */
		rc = subject_find_all(r, keyring_index_key(ik), kinds[i], text, &holders);
		for (size_t h = 0; rc == 0 && h < holders.n; h++)
			add_found(f.list, holders.id[h], kinds[i], holders.n > 1);
		idlist_free(&holders);
		if (rc && rc != -ENOENT && rc != -EINVAL) {
			rc = error("cannot search the blind index: %s", meta_strerror(rc));
			goto out;
		}
		rc = 0;
	}
	if (kr) {
		struct subject_name_search *ns = NULL;

		f.kr = kr;
		/* A text that is no UTF-8 finds no name (an error of none). */
		rc = subject_name_search_new(text, &ns);
		if (rc == -ENOMEM) {
			rc = error("cannot search the names: %s", meta_strerror(rc));
			goto out;
		}
		f.ns = ns;
		rc = ns ? catalog_each_subject(r->cat, match_name, &f) : 0;
		subject_name_search_free(ns);
		f.ns = NULL;
		if (rc) {
			rc = error("cannot walk the subjects: %s", meta_strerror(rc));
			goto out;
		}
		if (f.errors)
			warning("%d subject cards could not be opened with the given keyrings", f.errors);
	}
	audit_self(&a, NULL);
	snprintf(why, sizeof(why), "matches=%zu by=%s%s", json_array_size(f.list), ik ? "index" : "",
		 kr ? (ik ? ",name" : "name") : "");
	if (audit_log(r->cat, &a, "subject-find", NULL, "ok", why)) {
		rc = error("cannot write the audit log: %s", meta_strerror(-EIO));
		goto out;
	}
	/* And one entry per subject found, under its handle, so that the
	 * subject's own report (audit show --subject, subject export) says
	 * who looked them up, and how; never the text searched for. */
	{
		size_t i;
		json_t *x;

		json_array_foreach(f.list, i, x) {
			char *by = json_dumps(json_object_get(x, "by"), JSON_COMPACT);

			snprintf(why, sizeof(why), "matched by=%s", by ? by : "-");
			jsonmem_free(by);
			if (audit_log(r->cat, &a, "subject-find", json_string_value(json_object_get(x, "handle")), "ok",
				      why)) {
				rc = error("cannot write the audit log: %s", meta_strerror(-EIO));
				goto out;
			}
		}
	}
	if (o->as_json) {
		print_json(f.list);
	} else {
		size_t i;
		json_t *x;

		json_array_foreach(f.list, i, x) {
			json_t *sh = json_object_get(x, "shared");
			char *by = json_dumps(json_object_get(x, "by"), JSON_COMPACT);
			char *shared = json_array_size(sh) ? json_dumps(sh, JSON_COMPACT) : NULL;

			printf("%s\t%s", json_string_value(json_object_get(x, "handle")), by ? by : "");
			if (shared)
				printf("\tshared=%s", shared);
			putchar('\n');
			jsonmem_free(by);
			jsonmem_free(shared);
		}
	}
	if (json_array_size(f.list)) {
		rc = 0;
	} else {
		if (!o->levels.n)
			rc = error("no subject matches (the blind index matches a phone number by its digits, "
				   "a reference without its spaces, dashes, dots or slashes, an e-mail "
				   "exactly, case aside; names are searched with --level-keyring)");
		else
			rc = error("no subject matches");
		ctl_note_quarantine(r);
	}
out:
	json_decref(f.list);
	keyring_free(ik);
	keyring_free(kr);
	return rc;
}

struct recs {
	struct reg *r;
	const struct keyring *kr;
	json_t *list;
};

/*
 * What show says of a hold or restriction: its reason when kr holds the
 * rights level's key (rights_read_reason), else "yes since=DATE" ("yes"
 * when the date is not known): the reason is sealed for the rights level.
 */
static char *reason_shown(struct recs *x, const char *ref, int64_t since)
{
	char *text = NULL, *v, day[11];

	if (rights_read_reason(x->r, x->kr, ref, &text) == 0)
		return text;
	meta_clear_error();
	if (!since)
		return xstrdup("yes");
	util_format_date(since, day);
	v = xasprintf("yes since=%s", day);
	return v;
}

/* The other subjects a recording names, for add_other. */
struct others {
	const char *shown;	/* the subject shown */
	json_t *also;		/* array of handles */
};

/* catalog_each_link: a subject of the recording other than the one shown
 * (once, whatever its roles) into x->also. */
static int add_other(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct others *x = ctx;
	size_t i;
	json_t *v;

	(void)recording;
	(void)role;
	if (!strcmp(handle, x->shown))
		return 0;
	json_array_foreach(x->also, i, v)
		if (!strcmp(json_string_value(v), handle))
			return 0;
	json_array_append_new(x->also, json_string(handle));
	return 0;
}

static int add_recording(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct recs *x = ctx;
	struct cat_recording rec;
	char t[21], d[11], *hold = NULL, *restricted = NULL;
	struct others ox = { handle, NULL };
	int rc;

	if (catalog_get_recording(x->r->cat, recording, &rec))
		return 0;
	/* The other subjects it names: rm -r of this subject's folder
	 * erases it for them too (bb12 F9). */
	ox.also = json_array();
	if ((rc = catalog_each_link(x->r->cat, recording, add_other, &ox))) {
		json_decref(ox.also);
		cat_recording_clear(&rec);
		return rc;
	}
	util_format_time(rec.recorded_at, t);
	util_format_date(rec.retention_until, d);
	if (rec.legal_hold)
		hold = reason_shown(x, rec.legal_hold, rec.hold_since);
	if (rec.restricted_since)
		restricted = reason_shown(x, rec.restricted_reason, rec.restricted_since);
	for (int pass = 0; pass < 2; pass++) {
		json_t *o;

		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:s?, s:s?, s:O}", "id", rec.id, "role",
			      role, "recorded_at", t, "source", rec.source, "purpose", rec.purpose, "legal_basis",
			      rec.legal_basis, "retention_until", d, "duration_ms", (json_int_t)rec.duration_ms,
			      "restricted", rec.restricted_since != 0, "restriction", restricted, "legal_hold", hold,
			      "also_of", ox.also);
		if (o || pass) {
			/* Never left out of the list: jansson takes only
			 * UTF-8, and a reason set before recfs checked it
			 * may not be; the second pass shows it escaped. */
			json_array_append_new(x->list, o ? o : json_pack("{s:s, s:s}", "id", rec.id, "role", role));
			break;
		}
		for (char **v = &hold; v; v = v == &hold ? &restricted : NULL) {
			char *e = *v ? util_escape_for_log(*v) : NULL;

			crypto_free_string(*v);
			*v = e;
		}
	}
	crypto_free_string(hold);
	crypto_free_string(restricted);
	json_decref(ox.also);
	cat_recording_clear(&rec);
	return 0;
}

static int add_request(const struct cat_request *q, void *ctx)
{
	const char *handle = json_string_value(json_object_get(ctx, "subject"));
	char due[11];

	if (!q->handle || strcmp(q->handle, handle))	/* not linked yet: no one's */
		return 0;
	util_format_date(q->due, due);
	json_array_append_new(json_object_get(ctx, "open_requests"),
			      json_pack("{s:I, s:s, s:s}", "id", (json_int_t)q->id, "type", q->type, "due", due));
	return 0;
}

/* catalog_each_objection: a standing objection into the JSON array ctx. */
static int add_objection(const struct cat_objection *ob, void *ctx)
{
	char day[11];

	util_format_date(ob->since, day);
	json_array_append_new(ctx, json_pack("{s:s, s:s}", "purpose", ob->purpose, "since", day));
	return 0;
}

/* a before b by recorded_at (ISO 8601 in UTC: text order is time order),
 * then by id. */
static int by_time(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "recorded_at")),
		       json_string_value(json_object_get(y, "recorded_at")));

	return c ? c : strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
}

/* The recordings of list in the order they were recorded, not by id
 * (bb7 F6). */
static void sort_by_time(json_t *list)
{
	size_t n = json_array_size(list);
	json_t **v;

	if (n < 2)
		return;
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof(*v), by_time);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, v[i]);
	free(v);
}

static int subject_show_cmd(struct reg *r, struct subj_opts *o, const char *handle)
{
	struct keyring *kr = NULL;
	json_t *card = NULL, *out = NULL, *shared;
	struct recs x = { r, NULL, json_array() };
	struct audit_actor a;
	int rc;

	if (!o->levels.n) {
		rc = usage_error(usage_subject, "subject show needs --level-keyring (details level or higher)");
		goto out;
	}
	if ((rc = ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr)))
		goto out;
	x.kr = kr;
	audit_self(&a, ctl_keyring_level(r, kr));
	meta_clear_error();
	rc = read_card(r, kr, handle, &card);
	if (rc == -ENOENT) {
		rc = error("no subject %s", handle);
		goto out;
	}
	if (rc) {
		if (audit_log(r->cat, &a, "subject-show", handle, "refused", meta_errname(rc)))
			meta_clear_error();
		rc = error("cannot open the card of %s: %s", handle,
			   rc == -ENOKEY ? "the keyrings hold no level key from the details level up" : meta_strerror(rc));
		goto out;
	}
	if ((rc = catalog_each_link_of_subject(r->cat, handle, add_recording, &x))) {
		rc = error("cannot list the recordings of %s: %s", handle, meta_strerror(rc));
		goto out;
	}
	sort_by_time(x.list);
	out = json_pack("{s:s, s:O, s:O, s:[], s:[]}", "subject", handle, "card", card, "recordings", x.list,
			"open_requests", "objections");
	/* What another subject holds too: the officer answers from here. */
	if ((rc = ctl_shared_identifiers(r, handle, &shared))) {
		rc = error("cannot read the blind index: %s", meta_strerror(rc));
		goto out;
	}
	json_object_set_new(out, "shared", shared);
	if ((rc = request_each(r, REQUEST_OPEN, add_request, out))) {
		rc = error("cannot list the requests: %s", meta_strerror(rc));
		goto out;
	}
	if ((rc = catalog_each_objection(r->cat, handle, 0, add_objection, json_object_get(out, "objections")))) {
		rc = error("cannot list the objections: %s", meta_strerror(rc));
		goto out;
	}
	if ((rc = audit_log(r->cat, &a, "subject-show", handle, "ok", NULL))) {
		rc = error("cannot write the audit log: %s", meta_strerror(rc));
		goto out;
	}
	if (o->as_json) {
		print_json(out);
	} else {
		static const char *const fields[] = { "name", "phone", "email", "organisation", "ref" };
		const char *key;
		size_t i;
		json_t *v;

		printf("subject %s\n", handle);
		/* A card of a register from before ingest refused control
		 * characters, or a reason set before recfs checked it, may
		 * hold one: shown escaped, as audit show does, so that it
		 * cannot act on the reader's terminal (--json escapes too). */
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			v = json_object_get(card, fields[i]);
			if (json_is_string(v)) {
				char *e = util_escape_for_log(json_string_value(v));

				printf("  %-13s %s\n", fields[i], e);
				crypto_free_string(e);
			}
		}
		/* the earlier handles merged into it, for split --merged */
		v = json_object_get(card, SUBJECT_CARD_MERGED);
		if (json_array_size(v)) {
			json_t *h;
			size_t k;

			printf("  %-13s", "merged from");
			json_array_foreach(v, k, h) {
				char *e = util_escape_for_log(json_is_string(h) ? json_string_value(h) : "?");

				printf("%s %s", k ? "," : "", e);
				crypto_free_string(e);
			}
			putchar('\n');
		}
		json_object_foreach(shared, key, v) {
			json_t *h;
			size_t k;

			printf("  shared        %s also held by", key);
			json_array_foreach(v, k, h)
				printf("%s %s", k ? "," : "", json_string_value(h));
			putchar('\n');
		}
		printf("recordings %zu\n", json_array_size(x.list));
		json_array_foreach(x.list, i, v) {
			json_t *h = json_object_get(v, "legal_hold"), *rs = json_object_get(v, "restriction");
			char *he = json_is_string(h) ? util_escape_for_log(json_string_value(h)) : NULL;
			char *re = json_is_string(rs) ? util_escape_for_log(json_string_value(rs)) : NULL;
			json_t *also = json_object_get(v, "also_of"), *a;
			size_t k;

			printf("  %s  %s  %-12s %-18s %-20s until %s%s%s%s%s",
			       json_string_value(json_object_get(v, "id")),
			       json_string_value(json_object_get(v, "recorded_at")),
			       json_string_value(json_object_get(v, "role")),
			       json_string_value(json_object_get(v, "purpose")),
			       json_string_value(json_object_get(v, "legal_basis")),
			       json_string_value(json_object_get(v, "retention_until")),
			       re ? "  restricted: " : "", re ? re : "", he ? "  hold: " : "", he ? he : "");
			json_array_foreach(also, k, a)
				printf("%s%s", k ? ", " : "  also of ", json_string_value(a));
			putchar('\n');
			for (char **e = &he; e; e = e == &he ? &re : NULL)
				crypto_free_string(*e);
		}
		json_array_foreach(json_object_get(out, "open_requests"), i, v)
			printf("open request %lld: %s, due %s\n",
			       (long long)json_integer_value(json_object_get(v, "id")),
			       json_string_value(json_object_get(v, "type")),
			       json_string_value(json_object_get(v, "due")));
		json_array_foreach(json_object_get(out, "objections"), i, v)
			printf("objects to %s since %s\n", json_string_value(json_object_get(v, "purpose")),
			       json_string_value(json_object_get(v, "since")));
	}
out:
	json_decref(card);
	json_decref(out);
	json_decref(x.list);
	keyring_free(kr);
	return rc;
}

static int subject_export_cmd(struct reg *r, struct subj_opts *o, const char *handle, const char *dir)
{
	struct export_result res = { 0 };
	struct ctl_passfiles pf = { 0 };
	struct export_opts eo = { .recipient = o->recipient, .portability = o->portability };
	struct keyring *kr = NULL;
	struct audit_actor a;
	int rc;

	if (!o->levels.n)
		return usage_error(usage_subject, "subject export needs --level-keyring (details level or higher)");
	if (o->recipient && o->passfiles.n)
		fprintf(stderr, "recctl: note: --passphrase-file is used for the subject's own export only: a "
			"protected recording is never disclosed to a recipient\n");
	if ((rc = ctl_passfiles_resolve(r, usage_subject, &o->passfiles, &pf)))
		goto out;
	if (pf.n) {
		eo.passphrase = ctl_passfile_of;
		eo.passphrase_ctx = &pf;
	}
	if ((rc = ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr)))
		goto out;
	audit_self(&a, ctl_keyring_level(r, kr));
	meta_clear_error();
	rc = export_subject_with(r, kr, &a, handle, dir, &eo, &res);
	if (rc == 0) {
		printf("exported %s to %s for %s: %zu recordings, %zu files", handle, res.dir,
		       o->recipient ? o->recipient : EXPORT_TO_SUBJECT, res.recordings, res.files);
		if (res.unlocked)
			printf(" (%zu password-protected, opened with their passphrase)", res.unlocked);
		if (res.withheld)
			printf(", %zu withheld (see export.json)", res.withheld);
		if (o->portability)
			printf(", %zu left out as not portable (see LEFT_OUT.txt)", res.left_out);
		putchar('\n');
		if (res.left_out) {
			for (char *line = res.left_out_text, *end; line && *line; line = end + 1) {
				end = strchrnul(line, '\n');
				printf("left out: %.*s\n", (int)(end - line), line);
				if (!*end)
					break;
			}
		}
		ctl_note_shared(r, handle);
	} else if (rc == -ENOKEY) {
		rc = error("cannot export %s: %s; give a keyring of the details or rights level", handle, meta_strerror(rc));
	} else {
		rc = error("cannot export %s: %s", handle, meta_strerror(rc));
	}
out:
	free(res.dir);
	free(res.left_out_text);
	ctl_passfiles_free(&pf);
	keyring_free(kr);
	return rc;
}

static int subject_withdraw_cmd(struct reg *r, const char *handle)
{
	struct consent_summary s;
	struct audit_actor a;
	int rc;

	audit_self(&a, r->policy->levels[r->policy->rights_level].name);
	meta_clear_error();
	rc = retention_withdraw_consent(r, &a, handle, &s);
	if (rc == -ENOENT && !s.consent)
		return error("no subject %s", handle);
	printf("%s: %zu recording%s based on consent, erased %zu, on legal hold %zu (restricted now %zu); "
	       "%zu on other bases kept",
	       handle, s.consent, s.consent == 1 ? "" : "s", s.erased, s.skipped_hold, s.restricted, s.kept);
	if (s.errors)
		printf(", errors %zu", s.errors);
	putchar('\n');
	if (rc)
		return error("withdrawal of consent of %s: %s", handle, meta_strerror(rc));
	return s.skipped_hold ? 1 : 0;
}

/*
 * object: record the objection to the purposes named (or to every purpose
 * based on legitimate interests), or --lift the one to the purpose named.
 * Acts with the rights level's authority, as withdraw-consent does: the
 * operator of the register host stands in for the privacy officer.
 */
static int subject_object_cmd(struct reg *r, struct subj_opts *o, const char *handle)
{
	const struct policy *pol = r->policy;
	struct strlist all = { 0 };
	const struct strlist *list = &o->purposes;
	struct audit_actor a;
	size_t n = 0, shared = 0;
	int rc;

	audit_self(&a, pol->levels[pol->rights_level].name);
	meta_clear_error();
	if (o->lift) {
		if (o->all_li || o->purposes.n != 1)
			return usage_error(usage_subject, "subject object --lift needs one --purpose");
		rc = rights_lift_objection(r, &a, pol->rights_level, handle, o->purposes.v[0], &n);
		if (rc)
			return error("cannot lift the objection of %s: %s", handle, meta_strerror(rc));
		printf("%s: objection to %s lifted; %zu of its recordings of that purpose stay restricted "
		       "(lift each with chmod on a mount)\n", handle, o->purposes.v[0], n);
		return 0;
	}
	if (o->all_li == (o->purposes.n != 0))
		return usage_error(usage_subject, "subject object needs --purpose P or --all-legitimate-interest");
	if (o->all_li) {
		for (size_t i = 0; i < pol->n_purposes; i++)
			if (policy_purpose_may_be_on(pol, (int)i, "legitimate_interests"))
				strlist_add(&all, pol->purposes[i].name);
		if (!all.n)
			return error("the policy has no purpose based on legitimate interests");
		list = &all;
	}
	rc = rights_object(r, &a, pol->rights_level, handle, (const char *const *)list->v, list->n, &n, &shared);
	if (rc == 0) {
		printf("%s: objection recorded to", handle);
		for (size_t i = 0; i < list->n; i++)
			printf("%s %s", i ? "," : "", list->v[i]);
		printf("; %zu recording%s restricted", n, n == 1 ? "" : "s");
		/* A restriction is of the whole recording (bb7 F9). */
		if (shared)
			printf(", %zu of them shared with other subjects, restricted for them too (lift one with "
			       "chmod on a mount)", shared);
		putchar('\n');
	} else {
		const char *unknown = NULL;

		/* The log says only "a purpose named is not in the policy" (what
		 * was typed stays out of it); the operator is told which (bb6 F6). */
		for (size_t i = 0; rc == -EINVAL && !unknown && i < list->n; i++)
			if (policy_purpose_index(pol, list->v[i]) < 0)
				unknown = list->v[i];
		if (unknown) {
			struct strbuf names = { 0 };

			for (size_t i = 0; i < pol->n_purposes; i++)
				strbuf_addf(&names, "%s%s", i ? ", " : "", pol->purposes[i].name);
			/* As typed, escaped: it may be pasted from a request. */
			char *shown = util_escape_for_log(unknown);

			rc = error("cannot record the objection of %s: purpose '%s' is not in the policy (its purposes: "
				   "%s)", handle, shown, names.s ? names.s : "none");
			free(shown);
			strbuf_release(&names);
		} else {
			rc = error("cannot record the objection of %s: %s", handle, meta_strerror(rc));
		}
	}
	strlist_clear(&all);
	return rc;
}

/*
 * merge: HANDLE takes OTHER, one person the register held as two.  With
 * the rights level's authority, as object does, and its keyring: the
 * details of OTHER's recordings are re-sealed naming HANDLE.
 */
static int subject_merge_cmd(struct reg *r, struct subj_opts *o, const char *into, const char *from)
{
	const struct policy *pol = r->policy;
	struct keyring *kr = NULL;
	struct audit_actor a;
	size_t moved = 0, restricted = 0;
	int rc;

	if (!o->levels.n)
		return usage_error(usage_subject, "subject merge needs --level-keyring (the rights level)");
	if ((rc = ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr)))
		return rc;
	audit_self(&a, pol->levels[pol->rights_level].name);
	meta_clear_error();
	rc = rights_merge_subjects(r, kr, &a, pol->rights_level, into, from, &moved, &restricted);
	keyring_free(kr);
	if (rc)
		return error("cannot merge %s into %s: %s", from, into, meta_strerror(rc));
	printf("%s merged into %s: %zu recording%s moved, %zu restricted by a standing objection; %s's card erased\n",
	       from, into, moved, moved == 1 ? "" : "s", restricted, from);
	return 0;
}

/* The rights level's keyring, with the blind-index key (a rights keyring
 * carries it; an older one takes it from the ingest keyring). */
static int rights_keyring(struct subj_opts *o, struct keyring **kr)
{
	struct keyring *ik = NULL;
	int rc = ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, kr);

	/* None to be had: rights_split_subject says the key is missing. */
	if (rc == 0 && !keyring_index_key(*kr) && (o->keyring_given || access(o->keyring, F_OK) == 0) &&
	    (rc = ctl_load_keyrings(&o->keyring, 1, o->passfile, &ik)) == 0 && keyring_merge(*kr, ik))
		rc = error("out of memory");
	keyring_free(ik);
	if (rc) {
		keyring_free(*kr);
		*kr = NULL;
	}
	return rc;
}

/*
 * split: the RECORDINGs of HANDLE are another person's (rights_split_subject).
 * Each RECORDING as ctl_recording_id reads it (show's ids, 8 hex digits, a
 * file name).
 */
static int subject_split_cmd(struct reg *r, struct subj_opts *o, const char *handle, char **args, int n)
{
	const struct policy *pol = r->policy;
	struct keyring *kr = NULL;
	struct audit_actor a;
	struct rights_split res = { 0 };
	char (*ids)[RECFS_ID_HEX] = xcalloc((size_t)n, sizeof(*ids));
	const char **v = xcalloc((size_t)n, sizeof(*v));
	int rc = 0, prefix;

	for (int i = 0; rc == 0 && i < n; i++) {
		/* One not in the register (prefix: its 8 hex digits) is not
		 * HANDLE's either: rights_split_subject refuses it, logged. */
		rc = ctl_recording_id(r->cat, "RECORDING", args[i], ids[i], &prefix);
		if (rc == -EINVAL)
			rc = usage_error(usage_subject, NULL);
		v[i] = ids[i];
	}
	if (rc)
		goto out;
	if (!o->levels.n) {
		rc = usage_error(usage_subject, "subject split needs --level-keyring (the rights level)");
		goto out;
	}
	if ((rc = rights_keyring(o, &kr)))
		goto out;
	audit_self(&a, pol->levels[pol->rights_level].name);
	meta_clear_error();
	if (o->into)
		rc = rights_split_merged(r, kr, &a, pol->rights_level, handle, o->into,
					 (const char *const *)o->merged.v, o->merged.n, &res);
	else
		rc = rights_split_subject(r, kr, &a, pol->rights_level, handle, v, (size_t)n, o->name,
					  (const char *const *)o->merged.v, o->merged.n, &res);
	if (rc) {
		rc = error("cannot split %s: %s", handle, meta_strerror(rc));
		goto out;
	}
	if (!o->into)
		printf("%s split from %s: %zu recording%s moved, %zu of them restricted by an objection of %s (they "
		       "stay restricted: review them)\n", res.handle, handle, res.moved, res.moved == 1 ? "" : "s",
		       res.restricted, handle);
	if (res.card_named)
		printf("%s's card was made by a call split off: its name, e-mail and reference may be the other "
		       "person's: rectify them (setfattr -n user.recfs.name, user.recfs.email, user.recfs.ref on "
		       "by-subject/%s)\n", handle, handle);
	if (res.merged_moved)
		printf("%zu subject%s merged into %s before went with %s: %s history is %s's now\n", res.merged_moved,
		       res.merged_moved == 1 ? "" : "s", handle, res.handle, res.merged_moved == 1 ? "its" : "their",
		       res.handle);
	if (res.shared)
		printf("%zu call%s of both %s and %s, which the merge had taken for one person's, %s linked to %s "
		       "again\n", res.shared, res.shared == 1 ? "" : "s", handle, res.handle,
		       res.shared == 1 ? "is" : "are", res.handle);
	for (size_t i = 0; i < res.alone.n; i++)
		printf("recording %s stays %s's, though its details name no party of %s's but the person%s split off: "
		       "check whose it is (to move it, split it off %s and merge the new subject into the right one)\n",
		       res.alone.id[i], handle, handle, o->merged.n == 1 ? "" : "s", handle);
	idlist_free(&res.alone);
	if (res.merged_left)
		printf("%s's card lists %zu subject%s merged into it before (subject show %s: merged from), whose "
		       "history (their cards' reads, their erased recordings) stays %s's: a split moves one only when "
		       "named with --merged\n", handle, res.merged_left, res.merged_left == 1 ? "" : "s", handle, handle);
	if (res.open_request > 0)
		printf("request %lld of %s is open: check whose it is before answering it (its answer takes %s's "
		       "recordings, none of %s's)\n",
		       (long long)res.open_request, handle, handle, res.handle);
out:
	keyring_free(kr);
	free(ids);
	free(v);
	return rc;
}

static int subject_reindex_cmd(struct reg *r, struct subj_opts *o)
{
	struct keyring *kr = NULL;
	struct idlist parted = { 0 };
	struct audit_actor a;
	size_t n = 0;
	int rc;

	if (!o->levels.n)
		return usage_error(usage_subject, "subject reindex needs --level-keyring (the rights level)");
	if ((rc = rights_keyring(o, &kr)))
		return rc;
	audit_self(&a, r->policy->levels[r->policy->rights_level].name);
	meta_clear_error();
	rc = rights_reindex(r, kr, &a, &n, &parted);
	if (rc)
		rc = error("cannot reindex the subjects: %s", meta_strerror(rc));
	else
		printf("reindexed %zu subject%s\n", n, n == 1 ? "" : "s");
	/* joined by an older rule: the officer parts them */
	for (size_t i = 0; rc == 0 && i < parted.n; i++)
		printf("%s holds names of two people by today's rules: see recctl subject show %s, "
		       "and recctl subject split\n", parted.id[i], parted.id[i]);
	idlist_free(&parted);
	keyring_free(kr);
	return rc;
}

/*
 * rectify: the card's field (rights_rectify, as setfattr on the subject's
 * folder), or with --given a value the subject's calls gave
 * (rights_rectify_given).  With the rights level's authority and keyring,
 * as merge and split.  value (and --given's) are personal data, out of
 * argv (ctl_take_arg) and of every line printed.
 */
static int subject_rectify_cmd(struct reg *r, struct subj_opts *o, const char *handle, const char *field,
			       const char *value)
{
	const struct policy *pol = r->policy;
	struct keyring *kr = NULL;
	struct audit_actor a;
	size_t n = 0;
	int rc;

	if (!o->levels.n)
		return usage_error(usage_subject, "subject rectify needs --level-keyring (the rights level)");
	if ((rc = rights_keyring(o, &kr)))
		return rc;
	audit_self(&a, pol->levels[pol->rights_level].name);
	meta_clear_error();
	if (o->given)
		rc = rights_rectify_given(r, kr, &a, pol->rights_level, handle, field, o->given, value, &n);
	else
		rc = rights_rectify(r, kr, &a, pol->rights_level, handle, field, value);
	keyring_free(kr);
	if (rc)
		return error("cannot rectify %s's %s: %s", handle, field, meta_strerror(rc));
	if (o->given)
		printf("%s: the %s rectified in the %zu recording%s that gave it\n", handle, field, n, n == 1 ? "" : "s");
	else
		printf("%s: the card's %s rectified\n", handle, field);
	return 0;
}

/*
 * subject find's TEXT: one line of standard input for "-" (nothing of it
 * ever in the process list), else arg, taken out of argv (ctl_take_arg);
 * kept in *keep.  NULL when "-" gives no line.
 */
static const char *find_text(struct strlist *keep, char *arg)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (strcmp(arg, "-"))
		return ctl_take_arg(keep, arg);
	n = getline(&line, &cap, stdin);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > 0)
		strlist_add(keep, line);
	/* The whole buffer: at the end of the input getline gives one that
	 * holds no string. */
	crypto_freezero(line, cap);
	return n > 0 ? keep->v[keep->n - 1] : NULL;
}

int cmd_subject(int argc, char **argv, struct ctl *ctl)
{
	struct subj_opts o = { 0 };
	struct reg *r = NULL;
	const char *sub, *text = NULL;
	struct strlist taken = { 0 };
	int nargs, rc;

	if (argc < 2)
		return usage_error(usage_subject,
				   "subject needs a command: find, show, export, withdraw-consent, object, merge, split, "
				   "reindex or rectify");
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h"))
		return usage_show(usage_subject);
	o.keyring = (char *)ctl_keyring_default();
	if ((rc = parse(argc - 1, argv + 1, ctl, &o))) {
		rc = rc == 1 ? usage_show(usage_subject) : rc;
		goto out;
	}
	argc--;
	argv++;
	nargs = argc - optind;
	if (!strcmp(sub, "find") || !strcmp(sub, "show") || !strcmp(sub, "withdraw-consent") || !strcmp(sub, "object")) {
		if (nargs != 1) {
			rc = usage_error(usage_subject, "subject %s needs one %s", sub,
					 strcmp(sub, "find") ? "HANDLE" : "TEXT");
			goto out;
		}
	} else if (!strcmp(sub, "reindex")) {
		if (nargs != 0) {
			rc = usage_error(usage_subject, "subject reindex takes no operand");
			goto out;
		}
	} else if (!strcmp(sub, "merge")) {
		if (nargs != 2) {
			rc = usage_error(usage_subject, "subject merge needs HANDLE (kept) and OTHER (merged into it)");
			goto out;
		}
	} else if (!strcmp(sub, "split")) {
		if (o.into ? nargs != 1 : nargs < 2) {
			rc = usage_error(usage_subject, o.into ? "subject split --into moves merged subjects alone: it "
								 "takes HANDLE and no RECORDING"
							       : "subject split needs HANDLE and the RECORDINGs split off");
			goto out;
		}
		if (o.into && (!o.merged.n || o.name)) {
			rc = usage_error(usage_subject, "subject split --into needs --merged OTHER, and no --name "
							"(SUBJECT keeps its card)");
			goto out;
		}
	} else if (!strcmp(sub, "rectify")) {
		if (nargs != 3) {
			rc = usage_error(usage_subject, "subject rectify needs HANDLE, FIELD and VALUE (\"\": none)");
			goto out;
		}
	} else if (!strcmp(sub, "export")) {
		if (nargs != 2) {
			rc = usage_error(usage_subject, "subject export needs HANDLE and DIR");
			goto out;
		}
	} else {
		rc = usage_error(usage_subject, "unknown subject command '%s'", sub);
		goto out;
	}
	/* What is searched for is personal data: kept out of the process
	 * list, which every local user reads (atk23 F2). */
	if (!strcmp(sub, "find") && !(text = find_text(&taken, argv[optind]))) {
		rc = usage_error(usage_subject, "subject find - reads TEXT from standard input: it gave no line");
		goto out;
	}
	if ((o.into || o.merged.n) && strcmp(sub, "split")) {
		rc = usage_error(usage_subject, "--merged and --into are for subject split");
		goto out;
	}
	if (o.given && strcmp(sub, "rectify")) {
		rc = usage_error(usage_subject, "--given is for subject rectify");
		goto out;
	}
	if (!strcmp(sub, "rectify"))
		text = ctl_take_arg(&taken, argv[optind + 2]);
	if ((rc = ctl_register(ctl, &r)))
		goto out;
	if (!strcmp(sub, "find") || !strcmp(sub, "export"))
		ctl_warn_reindex(r);
	if (!strcmp(sub, "find"))
		rc = subject_find_cmd(r, &o, text);
	else if (!strcmp(sub, "show"))
		rc = subject_show_cmd(r, &o, argv[optind]);
	else if (!strcmp(sub, "export"))
		rc = subject_export_cmd(r, &o, argv[optind], argv[optind + 1]);
	else if (!strcmp(sub, "reindex"))
		rc = subject_reindex_cmd(r, &o);
	else if (!strcmp(sub, "object"))
		rc = subject_object_cmd(r, &o, argv[optind]);
	else if (!strcmp(sub, "merge"))
		rc = subject_merge_cmd(r, &o, argv[optind], argv[optind + 1]);
	else if (!strcmp(sub, "rectify"))
		rc = subject_rectify_cmd(r, &o, argv[optind], argv[optind + 1], text);
	else if (!strcmp(sub, "split"))
		rc = subject_split_cmd(r, &o, argv[optind], argv + optind + 1, nargs - 1);
	else
		rc = subject_withdraw_cmd(r, argv[optind]);
out:
	ctl_drop_args(&taken);
	ctl_drop_args(&o.kept);
	strlist_clear(&o.levels);
	strlist_clear(&o.purposes);
	strlist_clear(&o.passfiles);
	strlist_clear(&o.merged);
	return rc;
}
