/*
 * cmd_request.c - `recctl request`: the privacy officer's book of rights
 * requests (Art. 12(3)): record one as received (possibly before the
 * requester is found in the register), move it through its lifecycle
 * (awaiting identity or clarification, in progress, extended once, closed
 * with its outcome), link it to a subject, list and show them.
 *
 * The free texts go to the request table only, the requester's description
 * sealed (meta/request.c); the audit log gets request numbers, states and
 * handles.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "answer.h"
#include "crypto.h"
#include "export.h"
#include "jsonmem.h"
#include "recctl.h"
#include "request.h"

/* Where make install puts the letter templates (the Makefile sets it). */
#ifndef RECFS_TEMPLATE_DIR
#define RECFS_TEMPLATE_DIR "/usr/share/recfs/templates"
#endif

const char usage_request[] =
	"usage: recctl request new --type TYPE [--subject HANDLE] [--requester-file FILE] [--verified-by TEXT]\n"
	"                          [--received YYYY-MM-DD] [--channel CHANNEL] [--keyring FILE] [-R REGISTER]\n"
	"       recctl request list [--overdue | --all] [--json] [-R REGISTER]\n"
	"       recctl request show ID [--level-keyring FILE]... [--json] [-R REGISTER]\n"
	"       recctl request await ID identity|clarification [-R REGISTER]\n"
	"       recctl request proceed ID [--on YYYY-MM-DD] [--verified-by TEXT] [-R REGISTER]\n"
	"       recctl request extend ID --reason TEXT [-R REGISTER]\n"
	"       recctl request link ID HANDLE [-R REGISTER]\n"
	"       recctl request close ID --outcome OUTCOME [--ground TEXT] [--note TEXT] [-R REGISTER]\n"
	"       recctl request answer ID [--lang LANG] [--out FILE] [--export DIR --level-keyring FILE]\n"
	"                                [--passphrase-file RECORDING=FILE]... [--templates DIR] [-R REGISTER]\n"
	"\n"
	"Rights requests of data subjects.  A request is due one month after it was\n"
	"received; while the requester is asked to prove their identity (await ID\n"
	"identity) or to specify the request in writing (await ID clarification),\n"
	"the month is counted again from the day the answer arrives (proceed --on).\n"
	"extend moves the due date by two months, once, within that month.  A\n"
	"request may be logged before the requester is found in the register\n"
	"(--requester-file without --subject) and linked to a subject later.\n"
	"TYPE is access, rectification, erasure, restriction, objection,\n"
	"portability, consent-withdrawal or direct-marketing-ban.  While a subject\n"
	"has an open request, rights actions on it name the request in the audit\n"
	"log.  answer writes the answer letter (Art. 15: purposes, categories,\n"
	"recordings and their dates, the recipients the data went to, retention,\n"
	"sources, rights, the supervisory authority) from the template\n"
	"answer.LANG.txt, with mode 0600; for an access or portability request,\n"
	"--export DIR first exports the subject's data there (recctl subject\n"
	"export) and the letter names the folder, and lists any recording the\n"
	"export withheld as not in the copy (a protected one without its\n"
	"--passphrase-file, one no keyring given opens) and, for portability,\n"
	"those left out as not based on consent or contract (Art. 20).\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --type TYPE         what was asked\n"
	"  --subject HANDLE    the subject (find it with recctl subject find)\n"
	"  --requester-file FILE  who asked and how to reach them, read from FILE\n"
	"                      (- for standard input; never on the command line,\n"
	"                      which other users can read); sealed for the rights\n"
	"                      level; at most 4096 bytes; needed without --subject\n"
	"  --keyring FILE      new --requester-file: a keyring of this register\n"
	"                      (default $RECFS_KEYRING, then " CTL_KEYRING_DIR "/ingest.keyring)\n"
	"                      whose pins check the rights level's public key\n"
	"                      before the description is sealed for it\n"
	"  --verified-by TEXT  how the requester's identity was checked\n"
	"  --received DATE     the day the request was received (default: now;\n"
	"                      not in the future)\n"
	"  --channel CHANNEL   email, post, in-person or phone\n"
	"  --on DATE           the day the awaited identity or clarification\n"
	"                      arrived (default: today)\n"
	"  --overdue           list open requests past their due date only\n"
	"  --all               list closed requests too (default: open ones)\n"
	"  --reason TEXT       why the deadline is extended (tell the subject too)\n"
	"  --outcome OUTCOME   granted, partly-granted, refused or no-data (no-data:\n"
	"                      a requester not found in the register)\n"
	"  --ground TEXT       the legal ground of a refusal (required with refused,\n"
	"                      may be given with partly-granted)\n"
	"  --note TEXT         what was done\n"
	"  --level-keyring FILE  show: a keyring with the rights level's key, to\n"
	"                      show the requester's description; answer --export:\n"
	"                      the keyrings that open the subject's data\n"
	"  --lang LANG         the letter's language, one of the policy's (default:\n"
	"                      its first)\n"
	"  --out FILE          write the letter to FILE (mode 0600; default: stdout)\n"
	"  --export DIR        answer: export the subject's data to DIR first\n"
	"  --passphrase-file RECORDING=FILE  answer --export: the passphrase of\n"
	"                      protected recording RECORDING (its id or the 8 hex\n"
	"                      digits of its file name), with the rights level's\n"
	"                      keyring; may be repeated\n"
	"  --templates DIR     the letter templates (default $RECFS_TEMPLATES, then\n"
	"                      " RECFS_TEMPLATE_DIR ")\n"
	"  --passfile FILE     passphrase of the keyrings (default $RECFS_PASSFILE)\n"
	"  --json              print the list or the request as JSON\n";

struct req_opts {
	const char *type, *subject, *requester_file, *verified_by, *reason, *outcome, *ground, *note;
	const char *received, *channel, *on, *passfile, *lang, *out, *export_dir, *templates, *keyring;
	struct strlist levels, passfiles;
	struct strlist taken;	/* the texts of the options below, out of argv (ctl_take_arg) */
	int overdue, all, as_json;
};

static int parse(int argc, char **argv, struct ctl *ctl, struct req_opts *o)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "subject", required_argument, NULL, 's' },
		{ "requester-file", required_argument, NULL, 'q' },
		{ "verified-by", required_argument, NULL, 'v' },
		{ "received", required_argument, NULL, 'e' },
		{ "channel", required_argument, NULL, 'c' },
		{ "on", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "ground", required_argument, NULL, 'g' },
		{ "note", required_argument, NULL, 'N' },
		{ "level-keyring", required_argument, NULL, 'L' },
		{ "keyring", required_argument, NULL, 'K' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'O' },
		{ "export", required_argument, NULL, 'x' },
		{ "templates", required_argument, NULL, 'T' },
		{ "passphrase-file", required_argument, NULL, 'F' },
		{ "overdue", no_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 't': o->type = optarg; break;
		case 's': o->subject = optarg; break;
		case 'q': o->requester_file = optarg; break;
		case 'v': o->verified_by = ctl_take_arg(&o->taken, optarg); break;
		case 'e': o->received = optarg; break;
		case 'c': o->channel = optarg; break;
		case 'n': o->on = optarg; break;
		case 'r': o->reason = ctl_take_arg(&o->taken, optarg); break;
		case 'o': o->outcome = optarg; break;
		case 'g': o->ground = ctl_take_arg(&o->taken, optarg); break;
		case 'N': o->note = ctl_take_arg(&o->taken, optarg); break;
		case 'L': strlist_add(&o->levels, optarg); break;
		case 'K': o->keyring = optarg; break;
		case 'P': o->passfile = optarg; break;
		case 'l': o->lang = optarg; break;
		case 'O': o->out = optarg; break;
		case 'x': o->export_dir = optarg; break;
		case 'T': o->templates = optarg; break;
		case 'F': strlist_add(&o->passfiles, optarg); break;
		case 'd': o->overdue = 1; break;
		case 'a': o->all = 1; break;
		case 'j': o->as_json = 1; break;
		case 'h': return 1;
		default: return usage_error(usage_request, NULL);
		}
	}
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!*s || *end || v <= 0)
		return usage_error(usage_request, "'%s' is not a request number", s);
	*id = v;
	return 0;
}

/* A day given with opt, the first instant of it in the controller's zone
 * (tz: the policy's time_zone, NULL before the register is open: only
 * checked then), as the letters give it back (bb16 F4). */
static int parse_day(const char *opt, const char *s, const char *tz, int64_t *out)
{
	if (util_parse_local_date(s, tz, out))
		return usage_error(usage_request, "%s needs a date YYYY-MM-DD, not '%s'", opt, s);
	return 0;
}

/* The day of t in the controller's zone: a request's days are its book's. */
static const char *zone;	/* the policy's time_zone, once the register is open */

static void day_of(int64_t t, char out[11])
{
	util_format_local_date(t, zone, out);
}

static int fail(const char *what, int rc)
{
	return error("%s: %s", what, meta_strerror(rc));
}

static int is_overdue(const struct cat_request *q)
{
	return !q->closed && q->due < util_now();
}

/* q as a JSON object; requester (may be NULL) is the opened description. */
static json_t *request_json(const struct cat_request *q, const char *requester)
{
	char rec[11], due[11], closed[11] = "", from[11] = "";

	day_of(q->received, rec);
	day_of(q->due, due);
	if (q->closed)
		day_of(q->closed, closed);
	if (q->counted_from)
		day_of(q->counted_from, from);
	return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b,"
			 " s:s?}",
			 "id", (json_int_t)q->id, "type", q->type, "state", request_state_of(q), "subject",
			 q->handle, "channel", q->channel, "received", rec, "counted_from",
			 q->counted_from ? from : NULL, "due", due, "verified_by", q->verified_by,
			 "extended_reason", q->extended_reason, "closed", q->closed ? closed : NULL, "outcome",
			 q->outcome, "ground", q->ground, "note", q->note, "overdue", is_overdue(q),
			 "has_requester", q->requester != NULL, "requester", requester);
}

static int print_one(const struct cat_request *q, void *ctx)
{
	json_t *list = ctx;
	char rec[11], due[11];

	if (list) {
		json_array_append_new(list, request_json(q, NULL));
		return 0;
	}
	day_of(q->received, rec);
	day_of(q->due, due);
	printf("%-5lld %-20s %-9s %-10s %-10s %s%s\n", (long long)q->id, q->type, q->handle ? q->handle : "-", rec,
	       due, request_state_of(q), is_overdue(q) ? " OVERDUE" : "");
	return 0;
}

static void print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (text)
		puts(text);
	jsonmem_free(text);
}

static int show(struct reg *r, int64_t id, const struct req_opts *o)
{
	struct cat_request q = { 0 };
	struct keyring *kr = NULL;
	char *requester = NULL;
	int rc;

	if (o->levels.n && ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr))
		return -1;
	if ((rc = request_get(r, id, &q))) {
		rc = fail("cannot show the request", rc);
		goto out;
	}
	/* The requester's description is personal data: its opening is
	 * logged as subject show logs a card's ("request-show", the subject
	 * and "request=N" as the request's other entries name them), before
	 * it is printed; no entry, no description. */
	if (kr && q.requester) {
		struct audit_actor a;
		char why[48];

		audit_self(&a, ctl_keyring_level(r, kr));
		snprintf(why, sizeof(why), "request=%lld", (long long)q.id);
		meta_clear_error();
		if ((rc = request_read_requester(r, kr, &q, &requester))) {
			int e = rc;

			if (audit_log(r->cat, &a, "request-show", q.handle, "refused", meta_errname(e)))
				meta_clear_error();
			rc = fail("cannot open the requester's description (the rights level's keyring is needed)", e);
			goto out;
		}
		if ((rc = audit_log(r->cat, &a, "request-show", q.handle, "ok", why))) {
			rc = fail("cannot write the audit log; the requester's description is not shown", rc);
			goto out;
		}
	}
	if (o->as_json) {
		json_t *j = request_json(&q, requester);

		print_json(j);
		json_decref(j);
	} else {
		char d[11];

		printf("request:   %lld\ntype:      %s\nstate:     %s%s\nsubject:   %s\n", (long long)q.id, q.type,
		       request_state_of(&q), is_overdue(&q) ? " (overdue)" : "", q.handle ? q.handle : "-");
		if (q.requester)
			printf("requester: %s\n", requester ? requester : "(sealed: give --level-keyring)");
		if (q.channel)
			printf("channel:   %s\n", q.channel);
		day_of(q.received, d);
		printf("received:  %s\n", d);
		if (q.counted_from) {
			day_of(q.counted_from, d);
			printf("counted from: %s\n", d);
		}
		day_of(q.due, d);
		printf("due:       %s\n", d);
		if (q.verified_by)
			printf("identity:  %s\n", q.verified_by);
		if (q.extended_reason)
			printf("extended:  %s\n", q.extended_reason);
		if (q.closed) {
			day_of(q.closed, d);
			printf("closed:    %s\noutcome:   %s\n", d, q.outcome ? q.outcome : "-");
		}
		if (q.ground)
			printf("ground:    %s\n", q.ground);
		if (q.note)
			printf("note:      %s\n", q.note);
	}
	rc = 0;
out:
	crypto_free_string(requester);
	cat_request_clear(&q);
	keyring_free(kr);
	return rc;
}

/* Print "request N: STATE, due D" after a change. */
static int report(struct reg *r, int64_t id)
{
	struct cat_request q;
	char due[11];

	if (request_get(r, id, &q) == 0) {
		day_of(q.due, due);
		printf("request %lld: %s, due %s\n", (long long)id, request_state_of(&q), due);
		cat_request_clear(&q);
	}
	return 0;
}

/*
 * The requester's description from path ("-": standard input), at most
 * REQUEST_REQUESTER_MAX bytes after its trailing newlines are dropped
 * (room is kept for a CR LF), in *out (malloc'd; the caller wipes and frees
 * it).  It is personal data: it is never taken from the command line,
 * which every local user can read in /proc.
 */
#define REQUESTER_READ_MAX (REQUEST_REQUESTER_MAX + 2)
static int read_requester(const char *path, char **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char too_long[96];
	const char *why = NULL;
	int rc;

	snprintf(too_long, sizeof(too_long), "longer than %d bytes, the most a requester's description may have",
		 REQUEST_REQUESTER_MAX);
	if (!strcmp(path, "-")) {
		buf = malloc(REQUESTER_READ_MAX + 1);
		if (!buf)
			return error("out of memory");
		len = fread(buf, 1, REQUESTER_READ_MAX + 1, stdin);
		if (ferror(stdin))
			why = "cannot read standard input";
		else if (len > REQUESTER_READ_MAX)
			why = too_long;
		else
			buf[len] = 0;
	} else if ((rc = util_read_file(path, REQUESTER_READ_MAX, &buf, &len))) {
		why = rc == -EFBIG ? too_long : strerror(-rc);
	}
	while (!why && len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = 0;
	if (!why && len > REQUEST_REQUESTER_MAX)
		why = too_long;
	else if (!why && !len)
		why = "is empty";
	else if (!why && memchr(buf, 0, len))
		why = "holds a NUL byte";
	if (why) {
		crypto_freezero(buf, len);
		return error("--requester-file %s: %s", path, why);
	}
	*out = (char *)buf;
	return 0;
}

/*
 * Before a requester's description is sealed for the rights level's public
 * key (keys/<level>.pub, which whoever can write the register could have
 * replaced), a keyring checks it (ctl_check_keyring): the one --keyring
 * names, else the default ingest keyring if it is this register's.
 * Without one, or with one that holds no key or pin of the rights level,
 * the description is sealed unchecked, with a warning (refused when
 * --keyring named that keyring).  0, or
 * -1 (said on stderr); the caller frees *kr after the seal.
 */
static int check_before_seal(struct ctl *ctl, struct reg *r, const struct req_opts *o, struct keyring **kr)
{
	char *path = (char *)(o->keyring ? o->keyring : ctl_keyring_default());
	uint8_t pk[CRYPTO_PK_BYTES];
	const char *rights;

	if (!o->keyring && access(path, F_OK) < 0 && errno == ENOENT) {
		warning("no keyring at %s: the rights level's public key is not checked before the requester's "
			"description is sealed for it (name this register's keyring with --keyring)", path);
		return 0;
	}
	if (ctl_load_keyrings(&path, 1, o->passfile, kr))
		return -1;
	if (!o->keyring && !reg_keyring_shares(r, *kr)) {
		warning("%s holds none of this register's keys (another register's keyring?): the rights level's "
			"public key is not checked before the requester's description is sealed for it (name this "
			"register's keyring with --keyring)", path);
		return 0;
	}
	if (ctl_check_keyring(ctl, *kr))
		return -1;
	/* The check above compares only what the keyring knows: one that
	 * holds no pin of the rights level (made before pins, or by policy
	 * apply for a new level) checks nothing of the key sealed for. */
	rights = r->policy->levels[r->policy->rights_level].name;
	if (keyring_public(*kr, rights, pk) < 0) {
		if (o->keyring)
			return error("%s does not hold the public key of the rights level %s, so %s/keys/%s.pub cannot "
				     "be checked; nothing is sealed (name a keyring `recctl init` wrote: its pins check "
				     "every level)", path, rights, r->dir, rights);
		warning("%s does not hold the public key of the rights level %s: it is not checked before the "
			"requester's description is sealed for it (name a keyring `recctl init` wrote with --keyring)",
			path, rights);
	}
	return 0;
}

/* 1 when lang is a language code: two or three small letters. */
static int is_lang(const char *lang)
{
	size_t n = strspn(lang, "abcdefghijklmnopqrstuvwxyz");

	return !lang[n] && (n == 2 || n == 3);
}

/* Whether the letter template at path has tag: the block
 * {{#export_withheld}}, which says which recordings the copy lacks, or
 * {{zone}}, which names the zone of its times (a controller's own
 * template from before it could may not: atk34 F7, bb13 F2). */
static int template_has(const char *path, const char *tag)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int has = 0;

	if (util_read_file(path, ANSWER_TEMPLATE_MAX, &text, &len) == 0)
		has = memmem(text, len, tag, strlen(tag)) != NULL;
	free(text);
	return has;
}

/* recctl request answer: export first when asked, then the letter. */
static int answer(struct reg *r, const struct audit_actor *a, int64_t id, const struct req_opts *o)
{
	const char *dir = o->templates ? o->templates : getenv("RECFS_TEMPLATES");
	struct export_result res = { 0 };
	struct idlist withheld = { 0 }, left_out = { 0 };
	struct export_opts eo = { .withheld = &withheld, .left_out = &left_out };
	struct ctl_passfiles pf = { 0 };
	struct audit_actor ax;
	struct cat_request q = { 0 };
	struct keyring *kr = NULL;
	const char *folder;
	char *path = NULL, *letter = NULL;
	size_t len = 0;
	int rc;

	/* The letter is in the register's first language unless told, and
	 * never in one the policy has no texts in: the letter quotes them. */
	const char *lang = o->lang ? o->lang : r->policy->langs[0];

	if (o->lang && ctl_check_lang(r->policy, r->dir, lang))
		return -1;
	path = xasprintf("%s/answer.%s.txt", dir && *dir ? dir : RECFS_TEMPLATE_DIR, lang);
	if (o->export_dir) {
		if ((rc = request_get(r, id, &q))) {
			rc = fail("cannot answer the request", rc);
			goto out;
		}
		if (!q.handle || (strcmp(q.type, "access") && strcmp(q.type, "portability"))) {
			rc = error("request %lld: --export is for an access or portability request of a subject "
				   "(link it first: recctl request link)", (long long)id);
			goto out;
		}
		if ((rc = ctl_passfiles_resolve(r, usage_request, &o->passfiles, &pf)))
			goto out;
		if (pf.n) {
			eo.passphrase = ctl_passfile_of;
			eo.passphrase_ctx = &pf;
		}
		if (ctl_load_keyrings(o->levels.v, o->levels.n, o->passfile, &kr)) {
			rc = -1;
			goto out;
		}
		/* The letter's template is read before anything is disclosed, so
		 * that a missing one leaves no export behind without its letter. */
		if (access(path, R_OK) < 0) {
			rc = error("cannot read the letter template %s: %s (give the folder of the templates with "
				   "--templates DIR)", path, strerror(errno));
			goto out;
		}
		/* A portability request gets what Art. 20 covers, and the list
		 * of what was left out, as `recctl subject export --portability`. */
		eo.portability = !strcmp(q.type, "portability");
		ax = *a;
		ax.level = ctl_keyring_level(r, kr);
		if ((rc = export_subject_with(r, kr, &ax, q.handle, o->export_dir, &eo, &res))) {
			rc = fail("cannot export the subject's data", rc);
			goto out;
		}
		fprintf(stderr, "exported %zu recordings (%zu withheld%s) to %s\n", res.recordings, res.withheld,
			eo.portability ? ", others left out: see LEFT_OUT.txt" : "", res.dir);
		if (res.withheld && template_has(path, "{{#export_withheld}}"))
			warning("the copy lacks %zu of the subject's recordings (export.json says why): the letter "
				"lists them as not in the copy, to be given separately; a protected one is exported "
				"with --passphrase-file RECORDING=FILE and the rights level's keyring",
				res.withheld);
		else if (res.withheld)
			warning("the copy lacks %zu of the subject's recordings (export.json says why), and the "
				"letter's template %s has no {{#export_withheld}} list to say so: tell the person "
				"which, or use the template shipped with recfs; a protected one is exported with "
				"--passphrase-file RECORDING=FILE and the rights level's keyring", res.withheld, path);
		if (res.left_out && !template_has(path, "{{#export_left_out}}"))
			warning("the portable copy leaves out %zu of the subject's recordings, not based on consent "
				"or contract (LEFT_OUT.txt says which), and the letter's template %s has no "
				"{{#export_left_out}} list to say so: tell the person which, or use the template "
				"shipped with recfs", res.left_out, path);
	}
	if (r->policy->time_zone_missing)
		warning("the policy's time_zone '%s' is not in this machine's tz database: the letter gives UTC "
			"times (install tzdata, or tzdata-legacy for an old name)", r->policy->time_zone_missing);
	if (r->policy->time_zone && access(path, R_OK) == 0 && !template_has(path, "{{zone}}"))
		warning("the policy gives letters the times of %s, and the letter's template %s does not name "
			"the zone ({{zone}} after {{time}}): if it writes UTC there, it is wrong; use the template "
			"shipped with recfs or add {{zone}}", r->policy->time_zone, path);
	/* The letter names the folder the subject receives (DIR/HANDLE),
	 * not where it lies on this host (bb6 F10). */
	folder = res.dir && strrchr(res.dir, '/') ? strrchr(res.dir, '/') + 1 : res.dir;
	if ((rc = answer_letter(r, a, id, path, lang, folder, &withheld, &left_out, &letter, &len))) {
		rc = fail("cannot write the answer letter", rc);
		goto out;
	}
	if (o->out) {
		if ((rc = util_write_file_atomic(o->out, letter, len, 0600)))
			rc = error("cannot write %s: %s", o->out, strerror(-rc));
		else
			fprintf(stderr, "request %lld: answer letter written to %s\n", (long long)id, o->out);
	} else if (fwrite(letter, 1, len, stdout) != len || fflush(stdout)) {
		rc = error("cannot write the letter: %s", strerror(errno));
	}
	if (rc == 0 && (q.handle || request_get(r, id, &q) == 0) && q.handle)
		ctl_note_shared(r, q.handle);
out:
	crypto_freezero(letter, len);
	free(res.dir);
	free(res.left_out_text);
	idlist_free(&withheld);
	idlist_free(&left_out);
	ctl_passfiles_free(&pf);
	free(path);
	keyring_free(kr);
	cat_request_clear(&q);
	return rc;
}

/* How many arguments after the subcommand each takes (ID and more). */
static int n_args(const char *sub)
{
	if (!strcmp(sub, "new") || !strcmp(sub, "list"))
		return 0;
	if (!strcmp(sub, "await") || !strcmp(sub, "link"))
		return 2;
	return 1;
}

static int run(struct ctl *ctl, const char *sub, char **args, struct req_opts *o)
{
	struct audit_actor a;
	struct reg *r = NULL;
	int64_t id = 0, day = 0;
	int rc;

	if (n_args(sub) && (rc = parse_id(args[0], &id)))
		return rc;
	if (!strcmp(sub, "new")) {
		if (!o->type || (!o->subject && !o->requester_file))
			return usage_error(usage_request, "request new needs --type and --subject or --requester-file");
		if (o->received && (rc = parse_day("--received", o->received, NULL, &day)))
			return rc;
	} else if (!strcmp(sub, "list")) {
		if (o->overdue && o->all)
			return usage_error(usage_request, "--overdue and --all exclude each other");
	} else if (!strcmp(sub, "await")) {
		if (strcmp(args[1], "identity") && strcmp(args[1], "clarification"))
			return usage_error(usage_request, "request await needs identity or clarification");
	} else if (!strcmp(sub, "proceed")) {
		if (o->on && (rc = parse_day("--on", o->on, NULL, &day)))
			return rc;
	} else if (!strcmp(sub, "extend")) {
		if (!o->reason)
			return usage_error(usage_request, "request extend needs --reason");
	} else if (!strcmp(sub, "close")) {
		if (!o->outcome)
			return usage_error(usage_request, "request close needs --outcome");
	} else if (!strcmp(sub, "answer")) {
		if (o->lang && !is_lang(o->lang))
			return usage_error(usage_request, "--lang needs a language code such as fi or en");
		if (o->export_dir && !o->levels.n)
			return usage_error(usage_request, "--export needs --level-keyring");
		if (o->passfiles.n && !o->export_dir)
			return usage_error(usage_request, "--passphrase-file is for answer --export");
	}
	if (ctl_register(ctl, &r))
		return -1;
	zone = r->policy->time_zone;
	if (o->received && !strcmp(sub, "new") && (rc = parse_day("--received", o->received, zone, &day)))
		return rc;
	if (o->on && !strcmp(sub, "proceed") && (rc = parse_day("--on", o->on, zone, &day)))
		return rc;
	audit_self(&a, NULL);
	meta_clear_error();
	if (!strcmp(sub, "new")) {
		struct request_in in = { .type = o->type, .handle = o->subject, .verified_by = o->verified_by,
					 .channel = o->channel, .received = day };
		struct keyring *kr = NULL;
		char *requester = NULL;

		if (o->requester_file && (check_before_seal(ctl, r, o, &kr) ||
					  (rc = read_requester(o->requester_file, &requester)))) {
			keyring_free(kr);
			return -1;
		}
		in.requester = requester;
		rc = request_receive(r, &a, &in, &id);
		crypto_free_string(requester);
		keyring_free(kr);
		if (rc)
			return fail("cannot record the request", rc);
		struct cat_request q;
		char due[11];

		if (request_get(r, id, &q) == 0) {
			day_of(q.due, due);
			printf("request %lld: %s by %s, due %s\n", (long long)id, q.type,
			       q.handle ? q.handle : "a requester not linked to a subject", due);
			cat_request_clear(&q);
		}
		return 0;
	}
	if (!strcmp(sub, "list")) {
		json_t *list = o->as_json ? json_array() : NULL;

		if (!list)
			printf("%-5s %-20s %-9s %-10s %-10s %s\n", "ID", "TYPE", "SUBJECT", "RECEIVED", "DUE", "STATE");
		rc = request_each(r, o->overdue ? REQUEST_OVERDUE : o->all ? REQUEST_ALL : REQUEST_OPEN, print_one,
				  list);
		if (rc)
			rc = fail("cannot list the requests", rc);
		else if (list)
			print_json(list);
		json_decref(list);
		return rc;
	}
	if (!strcmp(sub, "show"))
		return show(r, id, o);
	if (!strcmp(sub, "answer"))
		return answer(r, &a, id, o);
	if (!strcmp(sub, "await")) {
		rc = request_await(r, &a, id, args[1][0] == 'i' ? REQUEST_AWAITING_IDENTITY : REQUEST_AWAITING_CLARIFICATION);
		return rc ? fail("cannot change the request", rc) : report(r, id);
	}
	if (!strcmp(sub, "proceed")) {
		rc = request_proceed(r, &a, id, day, o->verified_by);
		return rc ? fail("cannot change the request", rc) : report(r, id);
	}
	if (!strcmp(sub, "extend")) {
		rc = request_extend(r, &a, id, o->reason);
		return rc ? fail("cannot extend the request", rc) : report(r, id);
	}
	if (!strcmp(sub, "link")) {
		rc = request_link(r, &a, id, args[1]);
		if (rc)
			return fail("cannot link the request", rc);
		printf("request %lld: linked to %s\n", (long long)id, args[1]);
		return 0;
	}
	rc = request_finish(r, &a, id, o->outcome, o->ground, o->note);
	if (rc)
		return fail("cannot close the request", rc);
	printf("request %lld: closed, %s\n", (long long)id, o->outcome);
	if (!strcmp(o->outcome, "no-data"))
		ctl_note_quarantine(r);
	return 0;
}

int cmd_request(int argc, char **argv, struct ctl *ctl)
{
	static const char *const subs[] = { "new", "list", "show", "await", "proceed", "extend", "link", "close",
					    "answer", NULL };
	struct req_opts o = { 0 };
	const char *sub;
	int rc, known = 0;

	if (argc < 2)
		return usage_error(usage_request, "request needs a command: new, list, show, await, proceed, "
						  "extend, link, close or answer");
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h"))
		return usage_show(usage_request);
	for (size_t i = 0; subs[i]; i++)
		known |= !strcmp(sub, subs[i]);
	if (!known)
		return usage_error(usage_request, "unknown request command '%s'", sub);
	if ((rc = parse(argc - 1, argv + 1, ctl, &o))) {
		strlist_clear(&o.levels);
		strlist_clear(&o.passfiles);
		ctl_drop_args(&o.taken);
		return rc == 1 ? usage_show(usage_request) : rc;
	}
	if (argc - 1 - optind != n_args(sub))
		rc = usage_error(usage_request, n_args(sub) == 0 ? "request %s takes no arguments" :
				 n_args(sub) == 1 ? "request %s needs one request number" :
				 !strcmp(sub, "await") ? "request %s needs a request number and identity or clarification" :
				 "request %s needs a request number and a handle", sub);
	else
		rc = run(ctl, sub, argv + 1 + optind, &o);
	strlist_clear(&o.levels);
	strlist_clear(&o.passfiles);
	ctl_drop_args(&o.taken);
	return rc;
}
