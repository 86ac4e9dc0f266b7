/*
 * cmd_audit.c - `recctl audit show`, `verify`, `setup-keys` and `seal`:
 * read, check and seal the audit log in the catalog.
 *
 * Only the catalog is opened, not the whole register, so the log stays
 * readable when the policy is broken - which is when it is needed most.
 * Entries hold ids and handles only, so printing them discloses nothing.
 * The verification key is read from the file named on the command line
 * and never written into the register.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <jansson.h>

#include "journal.h"
#include "jsonmem.h"
#include "recctl.h"

const char usage_audit[] =
	"usage: recctl audit show [-R REGISTER] [--recording X] [--subject HANDLE] [--user NAME|UID]\n"
	"                         [--action A] [--since WHEN] [--until WHEN] [--object ID] [--by-time]\n"
	"                         [--json]\n"
	"       recctl audit verify [-R REGISTER] [--verify-key FILE] [--anchor LINE]... [--anchors FILE|-]\n"
	"       recctl audit setup-keys [-R REGISTER] [--out FILE] [--audit-epoch SECONDS]\n"
	"       recctl audit seal [-R REGISTER]\n"
	"       recctl audit head [-R REGISTER]\n"
	"\n"
	"show        print the audit log, one entry a line:\n"
	"            seq time user(uid) login=LOGINUID level pid comm action object[/artifact] outcome reason\n"
	"            (control characters written \\n, \\t, \\xNN; in a column but the\n"
	"            reason, a space is \\x20: a process chooses its own name)\n"
	"            The filters combine (an entry must pass each one given).\n"
	"            `audit show --recording X --action open` is the \"who listened\" report.\n"
	"            The log's order (seq) is the order of writing: a mount writes its\n"
	"            entries up to about a second after the event, so one may follow an\n"
	"            entry recctl wrote after the event; time (to the microsecond) is\n"
	"            when it happened, and --by-time lists in that order.\n"
	"verify      check the hash chain, and with the verification key the seals\n"
	"            of every epoch but the current one; name the first entry edited,\n"
	"            inserted, removed or reordered, and exit 1 when there is one;\n"
	"            with anchors, also that the log still holds what each one saw,\n"
	"            and that no anchor goes back from an earlier one.\n"
	"setup-keys  start sealing a register made before sealing existed, and\n"
	"            write its verification key (keep it off this host).\n"
	"seal        close the epochs that have ended (a timer runs it), and print\n"
	"            the anchor of the log as it then stands.\n"
	"head        print the anchor of the log: one line to keep off this host, so\n"
	"            that verify --anchor can tell a log put back from an older copy.\n"
	"\n"
	"  -R, --register DIR     the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --recording X          entries about one recording: its id (user.recfs.id), the 8 hex\n"
	"                         digits of its file names, a stem or file name, or a path on a mount\n"
	"  --subject HANDLE       entries about the subject and every recording of theirs\n"
	"                         (an erased one too: its erasure's entry names the subject)\n"
	"  --user NAME|UID        entries of one user: those they made, and those made\n"
	"                         through su or sudo after they logged in (login=UID)\n"
	"  --action A             entries of one action (open, details, erase, export, ...);\n"
	"                         one that no entry of the log has is refused\n"
	"  --since WHEN           entries at or after WHEN: YYYY-MM-DD (UTC), 2026-11-28T10:15:00Z or\n"
	"                         2026-11-28T10:15:00.250000Z (to the microsecond)\n"
	"  --until WHEN           entries at or before WHEN (a date: to the end of that day)\n"
	"  --object ID            entries whose object is exactly ID (a recording, handle, ...)\n"
	"  --by-time              in the order the events happened (their time to the\n"
	"                         microsecond, then seq), not the order of writing\n"
	"  --json                 a JSON array of entries\n"
	"  --verify-key FILE      the verification key from init or setup-keys (with it, an\n"
	"                         anchor whose MAC does not check is skipped)\n"
	"  --anchor LINE          an anchor printed by head or seal (may be given again)\n"
	"  --anchors FILE         every anchor in FILE (- for standard input), one a line,\n"
	"                         anywhere in the line (a journal's output is fine)\n"
	"  --out FILE             where setup-keys writes it (default " CTL_KEYRING_DIR "/" CTL_VERIFY_KEY ")\n"
	"  --audit-epoch SECONDS  how often the sealing key evolves, 1..900 (default 900)\n";

static int open_catalog(const char *dir, struct catalog **out)
{
	char *path = xasprintf("%s/catalog.db", dir);
	int rc = 0, e = 0;

	if (access(path, F_OK) < 0 && (e = errno) == ENOENT)
		rc = error("%s is not a recfs register (no catalog.db)", dir);
	else if (e == EACCES)
		rc = error("cannot open %s: %s; run this as the register's owner or root (ls -ld %s)", path,
			   strerror(e), dir);
	else if (e)
		rc = error("cannot open %s: %s", path, strerror(e));
	else if ((rc = catalog_open(path, 0, out)))
		rc = error("cannot open %s: %s", path, meta_strerror(rc));
	else if (journal_recover(*out, dir, NULL))
		/* Still readable; what a killed mount left is not in it yet. */
		fprintf(stderr, "recctl: warning: cannot move a stopped mount's audit journal into the log: %s\n",
			meta_errmsg());
	free(path);
	return rc;
}

/*
 * One field of a line of `audit show`, malloc'd: "-" for none, else s as
 * util_escape_for_log gives it, with a space too written \x20 when
 * (space) so that the field stays one column (util_escape_field).  A
 * process names itself (/proc/PID/comm, prctl) and any user of the mount
 * chooses it: raw, a carriage return and a terminal's escape sequences
 * would let a caller hide its own entries from the operator reading them.
 */
static char *field(const char *s, int space)
{
	if (space || !s || !*s)
		return util_escape_field(s);
	return util_escape_for_log(s);
}

/* What `audit show` prints with: its entries, and what it says after them. */
struct shown {
	int first;		/* no entry printed yet */
	const struct cat_audit_filter *f;	/* the filter; its user and uid count when both are set */
	size_t other_name;	/* entries made by that uid under another name */
	size_t other_uid;	/* entries made under NAME by another uid */
};

/*
 * An entry made by --user NAME's uid under another name: by whoever had
 * the uid before, or by NAME before a rename (bb6 F13).  (Not one made as
 * another user after NAME logged in: its uid is not NAME's.)  And one made
 * under NAME by another uid, not through NAME's login: a former holder of
 * the name (atk21).
 */
static void count_shown(const struct audit_entry *e, struct shown *s)
{
	const char *name = s->f->user && s->f->has_uid ? s->f->user : NULL;
	int64_t uid = s->f->uid;
	int named = name && e->actor.user && !strcmp(e->actor.user, name);

	if (name && (int64_t)e->actor.uid == uid && !named)
		s->other_name++;
	else if (named && (int64_t)e->actor.uid != uid && !(e->actor.has_loginuid && (int64_t)e->actor.loginuid == uid))
		s->other_uid++;
	s->first = 0;
}

/*
 * The entry's time into t: "YYYY-MM-DDTHH:MM:SS.uuuuuuZ", the event's
 * microsecond, when the entry has it (schema 28); its second alone
 * ("...:SSZ") when not (an entry written before).
 */
static void entry_time(const struct audit_entry *e, char t[28])
{
	if (!e->time_us) {
		util_format_time(e->time, t);
		return;
	}
	util_format_time(util_floor_div(e->time_us, 1000000), t);
	/* "...SSZ" -> "...SS.uuuuuuZ" */
	snprintf(t + 19, 9, ".%06lldZ", (long long)(e->time_us - util_floor_div(e->time_us, 1000000) * 1000000));
}

static int print_entry(const struct audit_entry *e, void *ctx)
{
	enum { USER, LEVEL, COMM, ACTION, OBJECT, ARTIFACT, OUTCOME, REASON, N };
	char t[28], login[16] = "-", *f[N];

	count_shown(e, ctx);
	entry_time(e, t);
	if (e->actor.has_loginuid)
		snprintf(login, sizeof(login), "%lu", (unsigned long)e->actor.loginuid);
	f[USER] = field(e->actor.user, 1);
	f[LEVEL] = field(e->actor.level, 1);
	f[COMM] = field(e->actor.comm, 1);
	f[ACTION] = field(e->action, 1);
	f[OBJECT] = field(e->object, 1);
	f[ARTIFACT] = e->artifact ? field(e->artifact, 1) : NULL;
	f[OUTCOME] = field(e->outcome, 1);
	f[REASON] = field(e->reason, 0);	/* the last column: spaces stay */
	printf("%" PRId64 " %s %s(%ld) login=%s %s %ld %s %s %s%s%s %s %s\n", e->seq, t, f[USER], (long)e->actor.uid,
	       login, f[LEVEL], (long)e->actor.pid, f[COMM], f[ACTION], f[OBJECT], f[ARTIFACT] ? "/" : "",
	       f[ARTIFACT] ? f[ARTIFACT] : "", f[OUTCOME], f[REASON]);
	for (int i = 0; i < N; i++)
		free(f[i]);
	return 0;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int print_json_entry(const struct audit_entry *e, void *ctx)
{
	struct shown *shown = ctx;
	int first = shown->first;
	json_t *o = json_object();
	char t[21], *s;

	util_format_time(e->time, t);
	json_object_set_new(o, "seq", json_integer(e->seq));
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "time_us", e->time_us ? json_integer(e->time_us) : json_null());
	json_object_set_new(o, "uid", json_integer(e->actor.uid));
	json_object_set_new(o, "user", json_str_or_null(e->actor.user));
	json_object_set_new(o, "loginuid", e->actor.has_loginuid ? json_integer(e->actor.loginuid) : json_null());
	json_object_set_new(o, "level", json_str_or_null(e->actor.level));
	json_object_set_new(o, "pid", json_integer(e->actor.pid));
	json_object_set_new(o, "comm", json_str_or_null(e->actor.comm));
	json_object_set_new(o, "action", json_str_or_null(e->action));
	json_object_set_new(o, "object", json_str_or_null(e->object));
	json_object_set_new(o, "artifact", json_str_or_null(e->artifact));
	json_object_set_new(o, "outcome", json_str_or_null(e->outcome));
	json_object_set_new(o, "reason", json_str_or_null(e->reason));
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	printf("%s  %s", first ? "" : ",\n", s);
	count_shown(e, shown);
	jsonmem_free(s);
	return 0;
}

/* fn for each entry a walk finds, counting them. */
struct run_then {
	int (*fn)(const struct audit_entry *, void *);
	void *ctx;
	size_t *seen;
};

static int count_run_then(const struct audit_entry *e, void *ctx)
{
	struct run_then *o = ctx;

	(*o->seen)++;
	return o->fn(e, o->ctx);
}

/* --by-time: each entry's event time (its second's first microsecond
 * when it has none, entries written before schema 28), seq, and rank in
 * the walk's (seq) order. */
struct when {
	int64_t us, seq;
	size_t rank;
};

struct whens {
	struct when *w;
	size_t n, cap;
};

static int add_when(const struct audit_entry *e, void *ctx)
{
	struct whens *ws = ctx;

	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 1024;
		ws->w = xrealloc(ws->w, ws->cap * sizeof(*ws->w));
	}
	ws->w[ws->n] = (struct when){ e->time_us ? e->time_us : e->time * 1000000, e->seq, ws->n };
	ws->n++;
	return 0;
}

static int cmp_when(const void *a, const void *b)
{
	const struct when *x = a, *y = b;

	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The entries f selects in the order of their events: their seqs and
 * times in a first walk (24 bytes an entry), sorted, then read again a
 * run at a time: entries that follow each other in both orders (ranks
 * one apart) are one walk of f over their seqs, so a log in the order of
 * its events is read twice, not once an entry (atk44 F3: 1,000,000
 * entries were a query each, 30 s).  *gone: entries the retention sweep
 * dropped between the two walks.
 */
static int each_by_time(struct catalog *cat, const struct cat_audit_filter *f,
			int (*fn)(const struct audit_entry *, void *), void *ctx, struct audit_gap *gap,
			size_t *gone)
{
	struct whens ws = { 0 };
	int rc = audit_each_noting(cat, f, add_when, &ws, gap);

	*gone = 0;
	if (rc == 0)
		qsort(ws.w, ws.n, sizeof(*ws.w), cmp_when);
	for (size_t i = 0, j; rc == 0 && i < ws.n; i = j + 1) {
		struct cat_audit_filter run = *f;
		size_t seen = 0;

		for (j = i; j + 1 < ws.n && ws.w[j + 1].rank == ws.w[j].rank + 1; j++)
			;
		run.seq_from = ws.w[i].seq;
		run.seq_to = ws.w[j].seq;
		rc = audit_each_where(cat, &run, count_run_then, &(struct run_then){ fn, ctx, &seen });
		if (rc == 0)
			*gone += j - i + 1 - seen;
	}
	free(ws.w);
	return rc;
}

/* --recording X (ctl_recording_id), or the usage error. */
static int resolve_recording(struct catalog *cat, const char *x, char id[RECFS_ID_HEX], int *is_prefix)
{
	int rc = ctl_recording_id(cat, "--recording", x, id, is_prefix);
	struct idlist gone = { 0 };
	char digits[9];

	if (rc == -EINVAL)
		return usage_error(usage_audit, NULL);
	if (rc || (*is_prefix != CTL_PREFIX_SHARED && *is_prefix != CTL_ID_DIGITS))
		return rc;
	/* Digits a recording in the register has, that an erased one had
	 * too (atk47 F2): the erased one by its erasure's entry, which
	 * names its whole id. */
	snprintf(digits, sizeof(digits), "%.8s", id);
	if ((rc = catalog_audit_erased_prefixed(cat, digits, &gone))) {
		rc = error("cannot read the audit log: %s", meta_strerror(rc));
	} else if (*is_prefix == CTL_PREFIX_SHARED && gone.n == 1) {
		memcpy(id, gone.id[0], RECFS_ID_HEX);	/* the erased one the name is of */
		*is_prefix = 0;
	} else if (*is_prefix == CTL_PREFIX_SHARED) {
		rc = error("--recording %s: another recording, in the register, has the digits %s, and %zu erased "
			   "ones had them: give the full id (recctl audit show --action erase lists the erased)",
			   x, digits, gone.n);
	} else if (gone.n) {
		rc = error("--recording %s: more than one recording had these digits: %s, in the register, and %zu "
			   "erased (%s%s): give the full id", x, id, gone.n, gone.id[0], gone.n > 1 ? ", ..." : "");
	} else {
		*is_prefix = 0;
	}
	idlist_free(&gone);
	return rc;
}

/* audit_recording_objects, with the error said. */
static int add_recording(struct catalog *cat, const char *id, struct idlist *l)
{
	int rc = audit_recording_objects(cat, id, l);

	return rc ? error("cannot read the artifacts of %s: %s", id, meta_strerror(rc)) : 0;
}

/* audit_subject_objects, with the error said. */
static int add_subject(struct catalog *cat, const char *handle, struct idlist *l)
{
	int rc = audit_subject_objects(cat, handle, l);

	return rc ? error("cannot read the recordings of %s: %s", handle, meta_strerror(rc)) : 0;
}

/* Keep in a the strings that are in b too. */
static void intersect(struct idlist *a, const struct idlist *b)
{
	size_t i, j, k = 0;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (!strcmp(a->id[i], b->id[j])) {
				memmove(a->id[k++], a->id[i], RECFS_ID_HEX);
				break;
			}
	a->n = k;
}

/* WHEN of --since (end 0) or --until (end 1): a date or an ISO time, to
 * the second in *out and to the microsecond in *us (a time as `audit show`
 * prints it, with its fraction; without one, the whole second). */
static int parse_when(const char *opt, const char *s, int end, int64_t *out, int64_t *us)
{
	int64_t frac;

	if (util_parse_time_us(s, out, &frac) == 0) {
		*us = *out * 1000000 + (frac >= 0 ? frac : end ? 999999 : 0);
		return 0;
	}
	if (util_parse_date(s, out) == 0) {
		if (end)
			*out += 86400 - 1;
		*us = *out * 1000000 + (end ? 999999 : 0);
		return 0;
	}
	return error("%s %s: give a date (2026-11-28, UTC) or a time (2026-11-28T10:15:00Z)", opt, s);
}

static int stop_at_first(const struct audit_entry *e, void *ctx)
{
	(void)e;
	(void)ctx;
	return 1;
}

/* 1 when some entry of the log passes f, 0 when none, or a negative errno. */
static int log_has(struct catalog *cat, const struct cat_audit_filter *f)
{
	int rc = audit_each_where(cat, f, stop_at_first, NULL);

	return rc == 1 ? 1 : rc;
}

/*
 * A filter that no entry can pass because it names an action recfs never
 * writes and the log has none of, or a user neither this host nor the log
 * knows, is refused: an empty answer would read as "nobody did it" (bb6
 * F2: `--action listen` for the opens of a recording).  An action recfs
 * writes is no error without an entry (no erasure yet: an empty answer,
 * atk21).  0, or the error said.
 */
static int check_filter(struct catalog *cat, const struct cat_audit_filter *f)
{
	struct cat_audit_filter one = { 0 };
	int rc;

	if (f->action && !audit_action_known(f->action)) {
		one.action = f->action;
		if ((rc = log_has(cat, &one)) == 0) {
			char *shown = util_escape_for_log(f->action);	/* what was typed, for a terminal */

			error("--action %s: recfs writes no such action, and no entry of the audit log has it (who "
			      "opened a file: --action open; recctl(1) lists the actions)", shown);
			free(shown);
			return -1;
		}
		if (rc < 0)
			return error("cannot read the audit log: %s", meta_strerror(rc));
	}
	if (f->user && !f->has_uid) {
		one = (struct cat_audit_filter){ .user = f->user };
		if ((rc = log_has(cat, &one)) == 0) {
			char *shown = util_escape_for_log(f->user);

			error("--user %s: no user of this host has this name, and no entry of the audit log was made "
			      "under it", shown);
			free(shown);
			return -1;
		}
		if (rc < 0)
			return error("cannot read the audit log: %s", meta_strerror(rc));
	}
	return 0;
}

static int parse_user(const char *s, struct cat_audit_filter *f)
{
	struct passwd pw, *res = NULL;
	char buf[1024], *end;
	unsigned long v;

	/* Also what the user did through su or sudo: the entries whose login
	 * uid is theirs (as another account, as root). */
	f->login_too = 1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno) {
		f->has_uid = 1;
		f->uid = (int64_t)v;
		return 0;
	}
	/* A name as the entries recorded it, or the uid it has now. */
	f->user = s;
	if (getpwnam_r(s, &pw, buf, sizeof(buf), &res) == 0 && res) {
		f->has_uid = 1;
		f->uid = res->pw_uid;
	}
	return 0;
}

static int audit_show(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "recording", required_argument, NULL, 'r' },
		{ "subject", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "action", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "by-time", no_argument, NULL, 'T' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *object = NULL, *recording = NULL, *subject = NULL;
	struct cat_audit_filter f = { 0 };
	struct idlist objs = { 0 }, subj = { 0 };
	struct audit_gap gap = { 0 };
	const char **list = NULL;
	struct catalog *cat = NULL;
	struct shown shown = { .first = 1, .f = &f };
	char id[RECFS_ID_HEX];
	int as_json = 0, by_time = 0, prefix = 0, none = 0, c, rc;
	size_t gone = 0;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': object = optarg; break;
		case 'r': recording = optarg; break;
		case 's': subject = optarg; break;
		case 'u': parse_user(optarg, &f); break;
		case 'a': f.action = optarg; break;
		case 'S':
			if (parse_when("--since", optarg, 0, &f.since, &f.since_us))
				return usage_error(usage_audit, NULL);
			break;
		case 'U':
			if (parse_when("--until", optarg, 1, &f.until, &f.until_us))
				return usage_error(usage_audit, NULL);
			break;
		case 'j': as_json = 1; break;
		case 'T': by_time = 1; break;
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit show takes no arguments");
	if (object && (recording || subject))
		return usage_error(usage_audit, "--object does not combine with --recording or --subject");
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	if ((rc = check_filter(cat, &f)))
		goto out;
	if (recording && (rc = resolve_recording(cat, recording, id, &prefix)) == 0) {
		if (prefix)
			f.object_prefix = id;
		else
			rc = add_recording(cat, id, &objs);
	}
	if (rc == 0 && subject) {
		if (strlen(subject) >= CATALOG_HANDLE_MAX)
			rc = error("--subject %s is not a handle", subject);
		else
			rc = add_subject(cat, subject, &subj);
		if (rc == 0 && recording && prefix) {
			/* Both, of an erased recording (its 8 hex digits): its
			 * entries if its erasure named the subject (the subject's
			 * objects hold its id then). */
			size_t k = 0, len = strlen(id);

			for (size_t i = 0; i < subj.n; i++)
				if (!strncmp(subj.id[i], id, len))
					memmove(subj.id[k++], subj.id[i], RECFS_ID_HEX);
			subj.n = k;
			f.object_prefix = NULL;
			none = k == 0;
			objs = subj;
			subj = (struct idlist){ 0 };
		} else if (rc == 0 && recording) {
			/* Both: the recording's entries, if it is the subject's. */
			intersect(&objs, &subj);
			none = objs.n == 0;
		} else if (rc == 0) {
			objs = subj;
			subj = (struct idlist){ 0 };
		}
	}
	if (rc)
		goto out;
	list = xcalloc(objs.n + 1, sizeof(*list));
	for (size_t i = 0; i < objs.n; i++)
		list[i] = objs.id[i];
	f.objects = list;
	f.n_objects = objs.n;
	if (object) {
		f.objects = &object;
		f.n_objects = 1;
	}
	if (as_json)
		fputs("[\n", stdout);
	if (!none && by_time)
		rc = each_by_time(cat, &f, as_json ? print_json_entry : print_entry, &shown, &gap, &gone);
	else if (!none)
		rc = audit_each_noting(cat, &f, as_json ? print_json_entry : print_entry, &shown, &gap);
	if (as_json)
		fputs(shown.first ? "]\n" : "\n]\n", stdout);
	if (rc)
		rc = error("cannot read the audit log: %s", meta_strerror(rc));
	if (rc == 0 && gap.n) {
		fprintf(stderr, "recctl: note: the retention sweep dropped entries ");
		for (size_t i = 0; i < gap.n && i < AUDIT_GAP_RANGES; i++)
			fprintf(stderr, "%s%lld to %lld", i ? i + 1 == gap.n ? " and " : ", " : "",
				(long long)gap.from[i], (long long)gap.to[i]);
		if (gap.n > AUDIT_GAP_RANGES)
			fprintf(stderr, " (and %zu more ranges)", gap.n - AUDIT_GAP_RANGES);
		fprintf(stderr, " of the audit log while this listing ran, before it reached them: those of them it "
			"would have shown are not above; what is left of the log is (run it again)\n");
	}
	if (rc == 0 && gone)
		fprintf(stderr, "recctl: note: the retention sweep dropped %zu of these entries while this listing ran, "
			"before it printed them: they are not above (run it again)\n", gone);
	if (rc == 0 && shown.other_name)
		fprintf(stderr, "recctl: note: %zu of these entries were recorded under another user name by uid "
			"%lld, the uid %s has now (a former holder of the uid, or %s before a rename)\n",
			shown.other_name, (long long)f.uid, f.user, f.user);
	if (rc == 0 && shown.other_uid)
		fprintf(stderr, "recctl: note: %zu of these entries were made under the name %s by another uid than "
			"%lld, the one it has now (a former holder of the name)\n", shown.other_uid, f.user,
			(long long)f.uid);
out:
	free(list);
	idlist_free(&objs);
	idlist_free(&subj);
	catalog_close(cat);
	return rc;
}

/* The lines after "intact": what was sealed and checked. */
static void print_sealing(const struct audit_report *rep)
{
	int64_t last = rep->first + rep->entries - 1;
	char t[21];

	if (!rep->sealed) {
		printf("not sealed: this log has no seals and no sealing key state, and no entry of it says a "
		       "verification key was issued;\n"
		       "it cannot tell a log never sealed from one whose seals were removed: if a verification key "
		       "was issued\n"
		       "for this register, verify with it (--verify-key FILE, the copy kept off the host); if not, "
		       "issue one\n"
		       "(recctl audit setup-keys): until then whoever can write the catalog can recompute the "
		       "chain\n");
		return;
	}
	if (!rep->keyed) {
		printf("sealed (%" PRId64 " epochs closed); the seals were not checked: give --verify-key FILE\n",
		       rep->seals);
		return;
	}
	if (rep->seals && rep->sealed_seq >= rep->first) {
		util_format_time(rep->sealed_until, t);
		printf("sealed: entries %" PRId64 "..%" PRId64 " checked under %" PRId64 " seals, the last for the "
		       "epoch that ended %s\n", rep->first, rep->sealed_seq, rep->seals - rep->seals_dropped, t);
	} else if (rep->seals) {
		printf("sealed: no epoch has ended since entry %" PRId64 ", the first kept\n", rep->first);
	} else {
		printf("sealed: no epoch has ended yet\n");
	}
	if (rep->seals_dropped)
		printf("%" PRId64 " older seals cover only entries dropped by retention\n", rep->seals_dropped);
	if (last > rep->sealed_seq)
		printf("%" PRId64 " entries of the current epoch (%" PRId64 "..%" PRId64 ") are not sealed yet\n",
		       last - rep->sealed_seq, rep->sealed_seq + 1, last);
	if (rep->first_seq >= rep->first)
		printf("entries 1..%" PRId64 " were written before sealing began: a change made to them before "
		       "then would not show\n", rep->first_seq);
}

/* The anchors of --anchor and --anchors, in the order given, and where
 * each was given ("--anchor 2", "FILE, line 7"). */
struct anchors {
	struct audit_anchor *a;
	char **from;
	size_t n, cap;
};

/* An anchor line is under 260 bytes, a journal's prefix included: a longer
 * line is skipped.  One past LINE_GIVE_UP is no text file at all (a
 * device, a binary): reading stops there. */
#define ANCHOR_LINE_MAX 4096
#define LINE_GIVE_UP (1024 * 1024)
#define WARN_MAX 10	/* lines skipped with a warning each; the rest counted */

static void anchors_push(struct anchors *as, const struct audit_anchor *a, char *from)
{
	if (as->n == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 8;
		as->a = xrealloc(as->a, as->cap * sizeof(*as->a));
		as->from = xrealloc(as->from, as->cap * sizeof(*as->from));
	}
	as->from[as->n] = from;
	as->a[as->n++] = *a;
}

static void anchors_free(struct anchors *as)
{
	for (size_t i = 0; i < as->n; i++)
		free(as->from[i]);
	free(as->from);
	free(as->a);
}

/* --anchor LINE: one that does not read is a usage error. */
static int anchors_add(struct anchors *as, const char *line)
{
	struct audit_anchor a;
	int rc;

	meta_clear_error();
	rc = audit_anchor_parse(line, &a);
	if (rc == -ENOENT)
		return usage_error(usage_audit, "--anchor: no \"" AUDIT_ANCHOR_TAG "\" in it");
	if (rc)
		return usage_error(usage_audit, "--anchor: %s", meta_errmsg());
	anchors_push(as, &a, xasprintf("--anchor %zu", as->n + 1));
	return 0;
}

/*
 * The next line of f into buf: its first ANCHOR_LINE_MAX bytes (NUL bytes
 * included, the newline left out), *len of them kept, *whole the line's
 * length (the rest is read and dropped, up to LINE_GIVE_UP).  0 at the end
 * of f, else 1.
 */
static int anchors_line(FILE *f, char buf[ANCHOR_LINE_MAX + 1], size_t *len, size_t *whole)
{
	size_t n = 0;
	int ch;

	while ((ch = getc_unlocked(f)) != EOF && ch != '\n' && n <= LINE_GIVE_UP) {
		if (n < ANCHOR_LINE_MAX)
			buf[n] = (char)ch;
		n++;
	}
	*whole = n;
	*len = n < ANCHOR_LINE_MAX ? n : ANCHOR_LINE_MAX;
	buf[*len] = '\0';
	return ch != EOF || n > 0;
}

/*
 * Every anchor in path ("-": standard input); lines without one are
 * skipped.  A line holding the tag that does not read as an anchor (any
 * local user can write one to the journal with logger(1)), or longer than
 * an anchor line can be, is skipped with a warning naming it: it must not
 * stop the check of the others.  A file holding no anchor that reads is an
 * error, as is a line past LINE_GIVE_UP.
 */
static int anchors_read(struct anchors *as, const char *path)
{
	static const char tag[] = AUDIT_ANCHOR_TAG " ";
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	const char *name = strcmp(path, "-") ? path : "standard input";
	char *line = xcalloc(1, ANCHOR_LINE_MAX + 1);
	size_t before = as->n, len, whole, skipped = 0;
	struct audit_anchor a;
	long no = 0;
	int rc = 0;

	if (!f) {
		free(line);
		return error("cannot read %s: %s", path, strerror(errno));
	}
	while (anchors_line(f, line, &len, &whole)) {
		const char *p;

		no++;
		if (whole > LINE_GIVE_UP) {
			rc = error("%s, line %ld: a line of over %d bytes: not a file of text lines (give it the "
				   "anchor lines, for example journalctl -t recfs-audit-seal's output)", name, no,
				   LINE_GIVE_UP);
			break;
		}
		if (whole > ANCHOR_LINE_MAX) {
			if (skipped++ < WARN_MAX)
				warning("%s, line %ld: a line of %zu bytes, longer than an anchor line can be: skipped",
					name, no, whole);
			continue;
		}
		/* The tag anywhere in the line, a NUL byte before it or not. */
		if (!(p = memmem(line, len, tag, sizeof(tag) - 1)))
			continue;
		meta_clear_error();
		if (audit_anchor_parse(p, &a)) {
			if (skipped++ < WARN_MAX)
				warning("%s, line %ld: %s: skipped", name, no,
					memchr(p, '\0', len - (size_t)(p - line)) ? "an anchor cut by a NUL byte"
										   : meta_errmsg());
			continue;
		}
		anchors_push(as, &a, xasprintf("%s, line %ld", name, no));
	}
	if (rc == 0 && ferror(f))
		rc = error("cannot read %s: %s", path, strerror(errno));
	if (rc == 0 && skipped > WARN_MAX)
		warning("%s: %zu lines skipped in all", name, skipped);
	if (rc == 0 && as->n == before)
		rc = skipped ? error("%s holds no \"" AUDIT_ANCHOR_TAG "\" line that reads as an anchor (%zu "
				     "skipped)", name, skipped)
			     : error("%s holds no \"" AUDIT_ANCHOR_TAG "\" line", name);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* The anchors verify --verify-key takes apart, by what their MACs say. */
struct sorted_anchors {
	struct audit_anchor *kept;	/* made by this register: checked */
	struct audit_anchor *no_mac;	/* without a MAC: checked apart, only warned of */
	size_t n_kept, n_no_mac, n_forged;
};

/*
 * With the verification key, the anchors this register made (their MAC
 * checks) go into s->kept; each other one is skipped with a warning naming
 * where it was given: anyone who may log can write a line that reads as an
 * anchor, and one planted so must raise no false alarm.  One made by this
 * register after this host's clock is kept, with a warning: the clock is
 * behind (root may have set it back to hide a roll-back).  0, or -1 (said).
 */
static int anchors_authentic(const struct anchors *as, const struct audit_vkey *vk, struct sorted_anchors *s)
{
	enum audit_anchor_mac *why = xcalloc(as->n, sizeof(*why));
	size_t warned = 0;
	int rc;

	s->kept = xcalloc(as->n, sizeof(*s->kept));
	s->no_mac = xcalloc(as->n, sizeof(*s->no_mac));
	rc = audit_anchors_authentic(vk, as->a, as->n, util_now(), why);
	if (rc) {
		free(why);
		return error("cannot check the anchors' MACs: %s", meta_strerror(rc));
	}
	for (size_t i = 0; i < as->n; i++) {
		const char *what = NULL;

		switch (why[i]) {
		case AUDIT_ANCHOR_OK:
			s->kept[s->n_kept++] = as->a[i];
			break;
		case AUDIT_ANCHOR_AHEAD:
			s->kept[s->n_kept++] = as->a[i];
			if (warned++ < WARN_MAX)
				warning("%s: an anchor this register made in epoch %lld, after this host's clock: "
					"the clock is behind (set back?); checked", as->from[i],
					(long long)as->a[i].epoch);
			break;
		case AUDIT_ANCHOR_NO_MAC:
			s->no_mac[s->n_no_mac++] = as->a[i];
			what = "an anchor without a MAC (of version 1, or made while the log was not sealed): not "
			       "taken as this register's, checked apart";
			break;
		case AUDIT_ANCHOR_FORGED:
			s->n_forged++;
			what = "an anchor whose MAC does not check under the verification key: not one this "
			       "register made (a line someone wrote, of another register, or altered): skipped";
			break;
		case AUDIT_ANCHOR_EARLY:
			s->n_forged++;
			what = "an anchor naming the key of an epoch its own time had not reached: not one this "
			       "register made: skipped";
			break;
		case AUDIT_ANCHOR_TOO_FAR:
			s->n_forged++;
			what = "an anchor of an epoch far after this host's clock, whose key is not derived: "
			       "skipped (the clock is years behind, or the line was written by someone else)";
			break;
		}
		if (what && warned++ < WARN_MAX)
			warning("%s: %s", as->from[i], what);
	}
	if (warned > WARN_MAX)
		warning("%zu anchors warned of in all", warned);
	free(why);
	return 0;
}

/*
 * The anchors without a MAC, apart: they can show a roll-back (an officer's
 * anchors kept from before anchors had a MAC) but may be lines anyone
 * wrote, so what they say is a warning, never the exit status.
 */
static void anchors_without_mac(struct catalog *cat, const struct sorted_anchors *s)
{
	struct audit_anchors_report rep;
	int rc;

	if (!s->n_no_mac)
		return;
	meta_clear_error();
	rc = audit_anchors_check(cat, s->no_mac, s->n_no_mac, &rep);
	if (rc == -EBADMSG || rc == -EKEYREJECTED)
		warning("the %zu anchor%s without a MAC disagree%s with the log: %s; such a line may be written by "
			"anyone who may log, but if you kept %s off this host yourself, the log went back",
			s->n_no_mac, s->n_no_mac == 1 ? "" : "s", s->n_no_mac == 1 ? "s" : "", meta_errmsg(),
			s->n_no_mac == 1 ? "it" : "them");
	else if (rc)
		warning("cannot check the anchors without a MAC: %s", meta_strerror(rc));
}

/* The anchors against the log and each other: 0 when all hold (and says
 * how many were checked), 1 (printed like a broken log) when not.  With
 * vk, only those this register made (anchors_authentic). */
static int anchors_check(struct catalog *cat, const struct anchors *as, const struct audit_vkey *vk)
{
	struct audit_anchors_report rep;
	struct sorted_anchors s = { 0 };
	struct audit_anchor *a = as->a;
	size_t n = as->n;
	int rc;

	if (vk) {
		if ((rc = anchors_authentic(as, vk, &s)))
			goto out;
		anchors_without_mac(cat, &s);
		a = s.kept;
		n = s.n_kept;
		if (n == 0) {
			rc = error("none of the %zu anchors given has a MAC this register made: nothing to check the "
				   "log against with the verification key", as->n);
			goto out;
		}
	}
	meta_clear_error();
	rc = audit_anchors_check(cat, a, n, &rep);
	if (rc == -EBADMSG || rc == -EKEYREJECTED) {
		printf("audit log broken: %s\n", meta_errmsg());
		if (!vk)
			printf("(the anchors' MACs were not checked: without --verify-key, a line anyone could "
			       "write is taken as an anchor)\n");
		rc = 1;
		goto out;
	}
	if (rc) {
		rc = error("cannot check the anchors: %s", meta_strerror(rc));
		goto out;
	}
	printf("anchors: %zu checked, the log holds what each saw", rep.held);
	if (rep.dropped)
		printf("; %zu older than the retention checkpoint, not checked against the log", rep.dropped);
	if (n > 1)
		printf("; none goes back from an earlier one");
	if (s.n_forged)
		printf("; %zu skipped: not made by this register", s.n_forged);
	if (s.n_no_mac)
		printf("; %zu without a MAC, checked apart", s.n_no_mac);
	if (!vk)
		printf(" (their MACs not checked: give --verify-key)");
	printf("\n");
out:
	free(s.kept);
	free(s.no_mac);
	return rc;
}

static int audit_verify_cmd(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "verify-key", required_argument, NULL, 'k' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "anchors", required_argument, NULL, 'A' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL;
	struct audit_vkey *vk = NULL;
	struct audit_report rep;
	struct catalog *cat = NULL;
	struct anchors as = { 0 };
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'k': key_path = optarg; break;
		case 'a':
			if ((rc = anchors_add(&as, optarg)))
				goto out;
			break;
		case 'A':
			if ((rc = anchors_read(&as, optarg)))
				goto out;
			break;
		case 'h': rc = usage_show(usage_audit); goto out;
		default: rc = usage_error(usage_audit, NULL); goto out;
		}
	}
	if (optind != argc) {
		rc = usage_error(usage_audit, "audit verify takes no arguments");
		goto out;
	}
	meta_clear_error();
	if (key_path && (rc = audit_vkey_load(key_path, &vk))) {
		rc = error("%s", meta_strerror(rc));
		goto out;
	}
	if ((rc = open_catalog(ctl->dir, &cat)))
		goto out;
	meta_clear_error();
	rc = audit_verify(cat, vk, util_now(), &rep);
	/* A roll-back sealed on from the old copy's key passes the seals:
	 * only what was kept off the host can tell. */
	if ((rc == 0 || rc == -ETIME) && as.n) {
		int arc = anchors_check(cat, &as, vk);

		if (arc) {
			rc = arc;
			goto out;
		}
	}
	if (rc == 0) {
		printf("audit log intact: %" PRId64 " entries\n", rep.entries);
		if (rep.first > 1) {
			char b[21], at[21];

			util_format_time(rep.dropped_before, b);
			util_format_time(rep.dropped_at, at);
			printf("entries 1..%" PRId64 " were dropped by retention (all written before %s; the last "
			       "sweep %s); the log goes on from its checkpoint\n", rep.first - 1, b, at);
		}
		print_sealing(&rep);
	} else if (rc == -EBADMSG || rc == -ETIME) {
		const char *what = rc == -ETIME ? "audit log not sealed on time" : "audit log broken";

		if (rep.bad)
			printf("%s at entry %" PRId64 ": %s\n", what, rep.bad, meta_errmsg());
		else
			printf("%s: %s\n", what, meta_errmsg());
		rc = 1;
	} else {
		rc = error("cannot verify the audit log: %s", meta_strerror(rc));
	}
out:
	catalog_close(cat);
	audit_vkey_free(vk);
	anchors_free(&as);
	return rc;
}

static int audit_setup_keys_cmd(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "audit-epoch", required_argument, NULL, 'e' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *out = CTL_KEYRING_DIR "/" CTL_VERIFY_KEY;
	struct catalog *cat = NULL;
	struct audit_report rep;
	struct audit_actor a;
	int64_t interval = AUDIT_EPOCH_MAX;
	char *reason = NULL;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'e':
			if ((rc = ctl_audit_epoch(usage_audit, optarg, &interval)))
				return rc;
			break;
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit setup-keys takes no arguments");
	if (access(out, F_OK) == 0)
		return error("%s exists; move it away or name another file with --out", out);
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	/* Sealing a damaged log would vouch for the damage. */
	meta_clear_error();
	rc = audit_verify(cat, NULL, util_now(), &rep);
	if (rc) {
		rc = rc == -EBADMSG ? error("the audit log is broken (%s); it is not sealed as it is: keep the catalog "
					    "as evidence", meta_errmsg())
				    : error("cannot verify the audit log: %s", meta_strerror(rc));
		goto out;
	}
	meta_clear_error();
	if ((rc = audit_setup_keys(cat, interval, out))) {
		rc = error("cannot set up the audit keys: %s", meta_strerror(rc));
		goto out;
	}
	reason = xasprintf("epoch %llds, after entry %lld", (long long)interval,
			   (long long)(rep.first + rep.entries - 1));
	audit_self(&a, NULL);
	if ((rc = audit_log(cat, &a, "audit-setup-keys", NULL, "ok", reason))) {
		rc = error("cannot write the audit log: %s", meta_strerror(rc));
		goto out;
	}
	printf("the audit log is sealed from now on (epochs of %lld s); entries 1..%lld were written before\n",
	       (long long)interval, (long long)(rep.first + rep.entries - 1));
	ctl_print_verify_key_note(out);
out:
	free(reason);
	catalog_close(cat);
	return rc;
}

/* The log's anchor, one line on standard output. */
static int print_anchor(struct catalog *cat)
{
	struct audit_anchor a;
	char line[AUDIT_ANCHOR_MAX];
	int rc;

	meta_clear_error();
	if ((rc = audit_anchor_get(cat, util_now(), &a)))
		return error("cannot read the head of the audit log: %s", meta_strerror(rc));
	audit_anchor_format(&a, line);
	printf("%s\n", line);
	return 0;
}

static int audit_seal_cmd(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct catalog *cat = NULL;
	int64_t closed = 0;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit seal takes no arguments");
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	meta_clear_error();
	if ((rc = audit_seal(cat, &closed)))
		rc = error("cannot seal the audit log: %s", meta_strerror(rc));
	else if (closed)
		printf("closed %" PRId64 " epoch%s\n", closed, closed == 1 ? "" : "s");
	/* The timer's journal then keeps the log's head, every run. */
	if (rc == 0)
		rc = print_anchor(cat);
	catalog_close(cat);
	return rc;
}

static int audit_head_cmd(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct catalog *cat = NULL;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit head takes no arguments");
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	rc = print_anchor(cat);
	catalog_close(cat);
	return rc;
}

int cmd_audit(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_audit, "audit needs show, verify, setup-keys, seal or head");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_audit);
	if (!strcmp(argv[1], "show"))
		return audit_show(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "verify"))
		return audit_verify_cmd(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "setup-keys"))
		return audit_setup_keys_cmd(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "seal"))
		return audit_seal_cmd(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "head"))
		return audit_head_cmd(argc - 1, argv + 1, ctl);
	return usage_error(usage_audit, "unknown audit command '%s'", argv[1]);
}
