/*
 * cmd_policy.c - `recctl policy check FILE` and `recctl policy apply FILE`.
 *
 * Applying a policy is seal_apply_policy's work (seal.h): the seals are
 * made to agree with the new policy, recordings kept beyond a shorter
 * max_retention are brought down to it (rights_fit_retention), and the
 * policy is installed, in one catalog transaction.  This file parses the
 * arguments, refuses early what seal_policy_check refuses (before a key is
 * made), makes the key pairs and keyring files of the levels the policy
 * adds, and says what happened; the keyrings it wrote are removed again
 * when the apply fails.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "policy.h"
#include "pubkey.h"
#include "recctl.h"
#include "rights.h"
#include "seal.h"

const char usage_policy[] =
	"usage: recctl policy check FILE\n"
	"       recctl policy apply FILE [-R REGISTER] [--keyring FILE]... [--keyrings DIR]\n"
	"                               [--no-passphrase | --passfile FILE] [--dry-run]\n"
	"\n"
	"check   validate FILE and print every error with its line number; warn\n"
	"        (exit 0) about a level group this host does not know, a text\n"
	"        missing in one of the policy's languages, and a supervisory\n"
	"        authority the notice and letters name by default or cannot name.\n"
	"apply   validate FILE and install it as REGISTER/policy.conf.  Levels may be\n"
	"        added (a key pair is made; its keyring goes to DIR/<level>.keyring)\n"
	"        but not removed, and the rights level may not change.  When a\n"
	"        purpose's min_level, chat_level or attachment_level (or the\n"
	"        details_level) changes, seals are added or removed to match;\n"
	"        adding needs the rights level's keyring.  A shorter max_retention\n"
	"        brings each recording kept beyond it down to it (logged, counted\n"
	"        per purpose), but for one on legal hold (named); a shorter\n"
	"        retention changes no recording (counted: recctl retention set\n"
	"        changes one).  Warns as check does.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE      keyring with the rights level key (repeatable)\n"
	"  --keyrings DIR      where keyrings of new levels go (default " CTL_KEYRING_DIR ")\n"
	"  --no-passphrase     write raw keyrings for new levels\n"
	"  --passfile FILE     passphrase for new keyrings and for opening --keyring\n"
	"  --dry-run           say what would change (the same counts), change nothing\n";

/*
 * The warnings of policy pol read from file, one warning() each: its own
 * (pol->warnings: a text missing in one of its languages, FILE:LINE:
 * message), one for each level whose group or user this host does not
 * know (at the line of its key), or that has neither (at its section's),
 * FILE:LINE: message as well.
 * Not errors: a policy may be checked on another host than it serves, and
 * the notice shows another text where one is missing.  What `init`,
 * `policy check` and `policy apply` say of a policy they accept.
 */
void warn_policy(const char *file, const struct policy *pol)
{
	const char *w = pol->warnings;

	fflush(stdout);
	while (w && *w) {
		size_t n = strcspn(w, "\n");

		warning("%.*s", (int)n, w);
		w += n;
		if (*w == '\n')
			w++;
	}
	for (size_t i = 0; i < pol->n_levels; i++) {
		const char *g = pol->levels[i].group;
		gid_t gid;
		int e;

		if (!g) {
			if (!pol->levels[i].n_users)
				warning("%s:%d: level %s has no group and no users: nobody has it", file,
					pol->levels[i].line, pol->levels[i].name);
			continue;
		}
		e = util_group_gid(g, &gid);
		if (e == -ENOENT)
			warning("%s:%d: level %s: group '%s' does not exist on this host", file,
				pol->levels[i].group_line, pol->levels[i].name, g);
		else if (e < 0)
			warning("%s:%d: level %s: cannot look up group '%s': %s", file, pol->levels[i].group_line,
				pol->levels[i].name, g, strerror(-e));
	}
	for (size_t i = 0; i < pol->n_levels; i++) {
		for (size_t k = 0; k < pol->levels[i].n_users; k++) {
			const char *u = pol->levels[i].users[k];
			struct passwd pw, *res = NULL;
			char buf[4096];
			int e = getpwnam_r(u, &pw, buf, sizeof(buf), &res);

			if (e)
				warning("%s:%d: level %s: cannot look up user '%s': %s", file,
					pol->levels[i].users_line, pol->levels[i].name, u, strerror(e));
			else if (!res)
				warning("%s:%d: level %s: user '%s' does not exist on this host", file,
					pol->levels[i].users_line, pol->levels[i].name, u);
		}
	}
	/* The default kept for the registers of Finland (recfs-policy(5)):
	 * a controller elsewhere that set neither key would name the wrong
	 * authority; one of another country that did not set
	 * supervisory_authority names none. */
	const char *t;
	enum policy_authority who = policy_supervisory_authority(pol, 0, &t);

	if (!pol->phone_country_code && who == POLICY_AUTHORITY_FINLAND)
		warning("%s:%d: [register] sets neither supervisory_authority nor phone_country_code: the "
			"notice and the answer letters name the Finnish Data Protection Ombudsman; a "
			"controller in another country sets supervisory_authority (or its "
			"phone_country_code)",
			file, pol->register_line);
	else if (who == POLICY_AUTHORITY_UNNAMED)
		warning("%s:%d: [register] has no supervisory_authority: the notice and the answer letters "
			"cannot name the authority a data subject may complain to (GDPR Art. 13(2)(d), "
			"15(1)(f)), only that of the member state where they live or work; set "
			"supervisory_authority",
			file, pol->register_line);
}

static int policy_check(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = { HELP_OPTION, { NULL, 0, NULL, 0 } };
	struct policy *pol = NULL;
	char *errs = NULL;
	int c, rc, n = 0;

	while ((c = ctl_getopt_plain(ctl, argc, argv, "h", opts)) != -1) {
		if (c == 'h')
			return usage_show(usage_policy);
		return usage_error(usage_policy, NULL);
	}
	if (optind != argc - 1)
		return usage_error(usage_policy, "policy check takes one FILE");
	meta_clear_error();
	rc = policy_load(argv[optind], &pol, &errs);
	if (rc == 0 && pol->time_zone_missing) {
		rc = error("%s: time_zone '%s' is not in this machine's tz database (install tzdata, or "
			   "tzdata-legacy for an old name)", argv[optind], pol->time_zone_missing);
		policy_free(pol);
		return rc;
	}
	if (rc == 0) {
		warn_policy(argv[optind], pol);
		printf("%s: ok\n", argv[optind]);
		policy_free(pol);
		return 0;
	}
	if (!errs)
		return error("%s", meta_strerror(rc));
	fflush(stdout);
	fputs(errs, stderr);
	for (const char *p = errs; *p; p++)
		n += *p == '\n';
	if (errs[0] && errs[strlen(errs) - 1] != '\n') {
		fputc('\n', stderr);
		n++;
	}
	free(errs);
	return error("%s: %d error%s", argv[optind], n, n == 1 ? "" : "s");
}

/* 1 when a and b (either may be NULL) are the same text or both NULL. */
static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Public keys of np's levels, in np's order, into npk: those of r's levels,
 * and a new key pair for each level np adds, whose keyring is written to
 * kdir and listed in written (a dry run only says so). */
static int new_level_keys(const struct reg *r, const struct policy *np, uint8_t (*npk)[CRYPTO_PK_BYTES],
			  const char *kdir, const struct crypto_key *pass, int dry_run, struct strlist *written)
{
	struct crypto_key *sk = NULL;
	struct keyring *kr = NULL;
	char *path = NULL;
	int rc = 0;

	for (size_t i = 0; i < np->n_levels; i++) {
		const char *name = np->levels[i].name;
		int oi = policy_level_index(r->policy, name);

		if (oi >= 0) {
			memcpy(npk[i], r->pk[oi], CRYPTO_PK_BYTES);
			continue;
		}
		if ((rc = crypto_keypair(npk[i], &sk))) {
			rc = error("cannot make a key pair for level %s: %s", name, strerror(-rc));
			goto out;
		}
		if (dry_run) {
			printf("would add level %s (keyring %s/%s.keyring)\n", name, kdir, name);
			crypto_key_free(sk);
			sk = NULL;
			continue;
		}
		if ((rc = keyring_new(&kr)) || (rc = keyring_add_level(kr, name, sk))) {
			rc = error("cannot build the keyring of level %s: %s", name, strerror(-rc));
			goto out;
		}
		path = xasprintf("%s/%s.keyring", kdir, name);
		meta_clear_error();
		if ((rc = keyring_save(kr, path, pass))) {
			rc = error("cannot write %s: %s", path, meta_strerror(rc));
			goto out;
		}
		strlist_add(written, path);
		free(path);
		path = xasprintf("%s/keys/%s.pub", r->dir, name);
		meta_clear_error();
		if ((rc = pubkey_write(r->dir, name, npk[i]))) {
			rc = error("%s", meta_strerror(rc));
			goto out;
		}
		strlist_add(written, path);
		free(path);
		path = NULL;
		keyring_free(kr);
		kr = NULL;
		crypto_key_free(sk);
		sk = NULL;
	}
out:
	free(path);
	keyring_free(kr);
	crypto_key_free(sk);
	return rc;
}

static int count_new_levels(const struct reg *r, const struct policy *np, const char *kdir, int *n)
{
	*n = 0;
	for (size_t i = 0; i < np->n_levels; i++) {
		const char *name = np->levels[i].name;
		char *path;
		int exists;

		if (policy_level_index(r->policy, name) >= 0)
			continue;
		path = xasprintf("%s/%s.keyring", kdir, name);
		exists = access(path, F_OK) == 0;
		if (exists)
			error("%s exists; move it away or choose another --keyrings DIR", path);
		free(path);
		if (exists)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * The new levels' public keys (npk, made by this apply, so trusted) pinned
 * into every keyring of this register in kdir: ingest, watch and the
 * mount check a level's keys/<level>.pub only against a keyring that pins
 * it, so without this a replaced .pub of a new level went unchecked.  A
 * keyring of another register (none of this register's keys) is left
 * alone; a passphrase-protected one is rewritten with pass when that
 * opens it (the passphrase given for the new keyrings), else named as not
 * pinned.  Each file keeps its owner.  Lines on stdout/stderr; never fails
 * the apply, which is committed by now.  n_new: how many levels np adds
 * (count_new_levels).
 */
static void pin_new_levels(const struct reg *r, const struct policy *np, const uint8_t (*npk)[CRYPTO_PK_BYTES],
			   int n_new, const char *kdir, const struct crypto_key *pass, const struct strlist *written)
{
	DIR *d = opendir(kdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), w;
		char *path;
		struct keyring *kr = NULL;
		struct stat st;
		int prot, rc = 0, fresh = 0;

		if (len <= 8 || strcmp(e->d_name + len - 8, ".keyring"))
			continue;
		path = xasprintf("%s/%s", kdir, e->d_name);
		for (w = 0; w < written->n; w++)
			fresh |= !strcmp(written->v[w], path);
		prot = keyring_is_protected(path);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || prot < 0 || (prot && !pass) ||
		    keyring_load(path, prot ? pass : NULL, &kr)) {
			if (prot > 0)
				warning("%s: not pinned with the new level%s (%s): its keys/<level>.pub is not checked "
					"with this keyring", path, n_new == 1 ? "" : "s",
					pass ? "its passphrase is not the one given" : "it needs a passphrase; none was given");
			keyring_free(kr);
			free(path);
			continue;
		}
		/* The new keyrings hold their own level; they pin the others. */
		if (!fresh && !reg_keyring_shares(r, kr)) {
			keyring_free(kr);
			free(path);
			continue;
		}
		for (size_t i = 0; rc == 0 && i < np->n_levels; i++)
			if (policy_level_index(r->policy, np->levels[i].name) < 0 || fresh)
				rc = keyring_pin(kr, np->levels[i].name, npk[i]);
		meta_clear_error();
		if (rc == 0)
			rc = keyring_save(kr, path, prot ? pass : NULL);
		if (rc == 0 && (st.st_uid != getuid() || st.st_gid != getgid()) && chown(path, st.st_uid, st.st_gid) < 0)
			rc = -errno;
		if (rc)
			warning("%s: not pinned with the new levels: %s", path, meta_strerror(rc));
		else if (!fresh)
			printf("pinned the new level%s in %s\n", n_new == 1 ? "" : "s", path);
		keyring_free(kr);
		free(path);
	}
	closedir(d);
}

/*
 * What np does to the retention of the recordings already kept, per purpose
 * of np (one pass before the apply, which does the change itself):
 * beyond  retention_until after np's max_retention (rights_retention_last_day):
 *         the apply brings each down to it, but for
 * held    those of them a legal hold keeps (listed by id, with their day);
 * past    those brought down to a day already over: the next retention
 *         sweep erases them (past_restricted: those of them restricted,
 *         which the sweep keeps while they are);
 * longer  retention_until after what np's retention would give now, for a
 *         purpose whose retention np shortens: kept as they were given.
 */
struct retention_scan {
	const struct policy *np;
	long *beyond, *held, *past, *past_restricted, *longer;
	char *held_lines;	/* one line per held recording */
};

static int scan_retention(const struct cat_recording *rec, void *ctx)
{
	struct retention_scan *x = ctx;
	int p = policy_purpose_index(x->np, rec->purpose);
	int64_t last, until = util_day_start(rec->retention_until);
	char d[11], m[11], *line;

	if (p < 0 || rights_retention_last_day(x->np, rec, &last))
		return 0;	/* refused by seal_policy_check */
	if (until > last) {
		x->beyond[p]++;
		if (rec->legal_hold) {
			x->held[p]++;
			util_format_date(rec->retention_until, d);
			util_format_date(last, m);
			line = xasprintf("%srecording %s (%s) is on legal hold: it keeps retention_until %s, beyond the "
					 "new max_retention (%s); recctl retention set changes it\n",
					 x->held_lines ? x->held_lines : "", rec->id, rec->purpose, d, m);
			free(x->held_lines);
			x->held_lines = line;
		} else if (last < util_day_start(util_now())) {
			/* The sweep passes over a restricted one (atk24). */
			if (rec->restricted_since)
				x->past_restricted[p]++;
			else
				x->past[p]++;
		}
	}
	/* Kept longer than the new retention, as it was given: not one that
	 * is brought down (atk24: it was counted as keeping its period). */
	if (!(until > last && !rec->legal_hold) &&
	    until > util_day_start(policy_period_add(rec->recorded_at, x->np->purposes[p].retention)))
		x->longer[p]++;
	return 0;
}

/* What apply does (dry_run: would do) to the retention of the recordings
 * already kept, per purpose of np, from the scan x made under r's policy. */
static void say_retention(const struct reg *r, const struct retention_scan *x, int dry_run)
{
	const struct policy *np = x->np;
	char a[16], b[16];

	fflush(stdout);
	for (size_t p = 0; p < np->n_purposes; p++) {
		long n = x->beyond[p] - x->held[p];

		if (!n)
			continue;
		policy_period_format(np->purposes[p].max_retention, b);
		printf("%s %ld recording%s down to the new max_retention of %s (%s)", dry_run ? "would bring" : "brought",
		       n, n == 1 ? "" : "s", np->purposes[p].name, b);
		if (x->past[p])
			printf("; %ld of them %s past it: the next retention sweep erases %s", x->past[p],
			       x->past[p] == 1 ? "is" : "are", x->past[p] == 1 ? "it" : "them");
		if (x->past_restricted[p])
			printf("; %ld of them %s past it but restricted: the sweep keeps %s while %s restricted",
			       x->past_restricted[p], x->past_restricted[p] == 1 ? "is" : "are",
			       x->past_restricted[p] == 1 ? "it" : "them", x->past_restricted[p] == 1 ? "it is" : "they are");
		putchar('\n');
	}
	if (x->held_lines)
		fputs(x->held_lines, stdout);
	for (size_t p = 0; p < np->n_purposes; p++) {
		int o = policy_purpose_index(r->policy, np->purposes[p].name);
		struct policy_period was, now = np->purposes[p].retention;

		if (o < 0)
			continue;
		was = r->policy->purposes[o].retention;
		if (policy_period_le(was, now))
			continue;	/* not shortened */
		policy_period_format(was, a);
		policy_period_format(now, b);
		if (!x->longer[p]) {
			/* bb12 F6: "0 existing recordings keep ..." read as if
			 * the line before it had not brought any down. */
			printf("retention of %s shortened from %s to %s: new recordings get %s; no existing "
			       "recording is kept longer than that\n", np->purposes[p].name, a, b, b);
			continue;
		}
		printf("retention of %s shortened from %s to %s: new recordings get %s; %ld existing recording%s %s the "
		       "retention %s given (recctl retention set RECORDING YYYY-MM-DD changes one)\n",
		       np->purposes[p].name, a, b, b, x->longer[p], x->longer[p] == 1 ? "" : "s",
		       x->longer[p] == 1 ? "keeps" : "keep", x->longer[p] == 1 ? "it was" : "they were");
	}
}

/* The recipients a new policy takes out, with the exports to each that
 * the audit log holds (the entry on the subject's handle, "recipient=NAME
 * ... recordings=N") and the last one's time. */
struct disclosures {
	size_t n;
	struct removed {
		const char *name;
		long exports;
		int64_t last;
	} *r;
};

static int count_disclosure(const struct audit_entry *e, void *ctx)
{
	struct disclosures *x = ctx;
	char name[1024], recs[24];	/* a section name is one word of the line */

	if (!e->outcome || strcmp(e->outcome, "ok") || !audit_reason_value(e->reason, "recipient", name, sizeof(name)) ||
	    !audit_reason_value(e->reason, "recordings", recs, sizeof(recs)))
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->r[i].name, name)) {
			x->r[i].exports++;
			if (e->time > x->r[i].last)
				x->r[i].last = e->time;
		}
	return 0;
}

/*
 * A warning for each recipient np takes out of the policy that the audit
 * log shows data was disclosed to (bb9 MEDIUM 3): not a refusal, as the
 * recipient's data was given and the policy need not name it any more,
 * but the notice no longer lists it, and the access letters name it from
 * the entries (the transfer and safeguard they recorded) only for as long
 * as audit_retention keeps them.  One walk of the log's exports for all.
 */
static int warn_removed_recipients(const struct reg *r, const struct policy *np)
{
	const struct policy *op = r->policy;
	struct cat_audit_filter f = { .action = "export" };
	struct disclosures x = { .r = xcalloc(op->n_recipients + 1, sizeof(*x.r)) };
	int rc = 0;

	for (size_t i = 0; i < op->n_recipients; i++)
		if (policy_recipient_index(np, op->recipients[i].name) < 0)
			x.r[x.n++].name = op->recipients[i].name;
	meta_clear_error();
	if (x.n && (rc = audit_each_where(r->cat, &f, count_disclosure, &x)))
		rc = error("cannot read the audit log: %s", meta_strerror(rc));
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		char day[11];

		if (!x.r[i].exports)
			continue;
		util_format_date(x.r[i].last, day);
		warning("recipient %s is taken out of the policy, but the audit log shows %ld export%s to it (the "
			"last on %s): the notice no longer lists it; access letters still name it, with the transfer "
			"and safeguard its entries recorded, while audit_retention keeps them",
			x.r[i].name, x.r[i].exports, x.r[i].exports == 1 ? "" : "s", day);
	}
	free(x.r);
	return rc;
}

/* Each line of text as one error(); -1. */
static int error_lines(const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		error("%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	return -1;
}

static int policy_apply(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, 'K' },
		{ "keyrings", required_argument, NULL, 'k' },
		{ "no-passphrase", no_argument, NULL, 'n' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'd' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *kdir = CTL_KEYRING_DIR, *passfile = NULL, *file;
	struct strlist keyrings = { 0 }, written = { 0 };
	struct seal_stats st = { 0 };
	struct retention_scan rs = { 0 };
	struct audit_actor actor;
	struct crypto_key *pass = NULL;
	struct keyring *kr = NULL;
	struct policy *np = NULL;
	struct reg *r = NULL;
	uint8_t (*npk)[CRYPTO_PK_BYTES] = NULL;
	char *errs = NULL, *problems = NULL;
	int raw = 0, dry_run = 0, n_new = 0, cc_changed = 0, c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'K': strlist_add(&keyrings, optarg); break;
		case 'k': kdir = optarg; break;
		case 'n': raw = 1; break;
		case 'P': passfile = optarg; break;
		case 'd': dry_run = 1; break;
		case 'h': strlist_clear(&keyrings); return usage_show(usage_policy);
		default: strlist_clear(&keyrings); return usage_error(usage_policy, NULL);
		}
	}
	if (optind != argc - 1) {
		strlist_clear(&keyrings);
		return usage_error(usage_policy, "policy apply takes one FILE");
	}
	file = argv[optind];
	audit_self(&actor, NULL);

	meta_clear_error();
	rc = policy_load(file, &np, &errs);
	if (rc) {
		if (errs)
			fputs(errs, stderr);
		rc = errs ? error("%s: the policy has errors; nothing was changed", file)
			  : error("%s; nothing was changed", meta_strerror(rc));
		goto out;
	}
	if (np->time_zone_missing) {
		rc = error("%s: time_zone '%s' is not in this machine's tz database (install tzdata, or "
			   "tzdata-legacy for an old name); nothing was changed", file, np->time_zone_missing);
		goto out;
	}
	warn_policy(file, np);
	if ((rc = ctl_register(ctl, &r)))
		goto out;
	meta_clear_error();
	rc = seal_policy_check(r, &actor, np, &problems);
	if (rc) {
		rc = problems ? error_lines(problems) : error("%s", meta_strerror(rc));
		goto out;
	}
	if ((rc = warn_removed_recipients(r, np)))
		goto out;
	if ((rc = count_new_levels(r, np, kdir, &n_new)))
		goto out;
	if (keyrings.n && (rc = ctl_load_keyrings(keyrings.v, keyrings.n, passfile, &kr)))
		goto out;
	/* Resealing writes seals with the register's public keys. */
	if (kr && (rc = ctl_check_keyring(ctl, kr)))
		goto out;
	if (n_new && !dry_run) {
		if (!raw && (rc = ctl_new_passphrase(passfile, &pass)))
			goto out;
		rc = util_mkdir_p(kdir, 0700);
		if (rc) {
			rc = error("cannot create %s: %s", kdir, strerror(-rc));
			goto out;
		}
	}
	npk = xcalloc(np->n_levels, sizeof(*npk));
	if ((rc = new_level_keys(r, np, npk, kdir, pass, dry_run, &written)))
		goto out;
	cc_changed = !same_text(r->policy->phone_country_code, np->phone_country_code);
	rs.np = np;
	rs.beyond = xcalloc(np->n_purposes, sizeof(long));
	rs.held = xcalloc(np->n_purposes, sizeof(long));
	rs.past = xcalloc(np->n_purposes, sizeof(long));
	rs.past_restricted = xcalloc(np->n_purposes, sizeof(long));
	rs.longer = xcalloc(np->n_purposes, sizeof(long));
	meta_clear_error();
	if ((rc = catalog_each_recording(r->cat, scan_retention, &rs))) {
		rc = error("cannot read the recordings: %s", meta_strerror(rc));
		goto out;
	}
	meta_clear_error();
	rc = seal_apply_policy(r, &actor, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, kr, dry_run ? SEAL_DRY_RUN : 0,
			       &st);
	if (rc) {
		rc = error("%s%s", meta_strerror(rc), rc == -ENOKEY ? ": give its keyring with --keyring" : "");
		goto out;
	}
	if (dry_run) {
		printf("would reseal %ld recordings and subject cards (seals +%ld -%ld) and bring %ld recording%s down "
		       "to a shorter max_retention; nothing changed\n",
		       st.changed, st.added, st.removed, st.retention_lowered, st.retention_lowered == 1 ? "" : "s");
		say_retention(r, &rs, dry_run);
		goto out;
	}
	printf("applied %s to %s: %d new level%s, %ld recordings and subject cards resealed (seals +%ld -%ld), %ld "
	       "recording%s brought down to a shorter max_retention\n",
	       file, ctl->dir, n_new, n_new == 1 ? "" : "s", st.changed, st.added, st.removed, st.retention_lowered,
	       st.retention_lowered == 1 ? "" : "s");
	say_retention(r, &rs, dry_run);
	for (size_t i = 0; i < written.n; i++)
		printf("wrote %s\n", written.v[i]);
	if (n_new)
		pin_new_levels(r, np, (const uint8_t (*)[CRYPTO_PK_BYTES])npk, n_new, kdir, pass, &written);
	if (cc_changed)
		printf("phone_country_code changed: run recctl subject reindex, so that the phone numbers of the "
		       "subjects already in the register are found by the new rule\n");
out:
	if (rc)
		for (size_t i = 0; i < written.n; i++)
			unlink(written.v[i]);
	free(npk);
	free(rs.beyond);
	free(rs.held);
	free(rs.past);
	free(rs.past_restricted);
	free(rs.longer);
	free(rs.held_lines);
	keyring_free(kr);
	policy_free(np);
	crypto_key_free(pass);
	strlist_clear(&keyrings);
	strlist_clear(&written);
	free(errs);
	free(problems);
	return rc;
}

int cmd_policy(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_policy, "policy needs check or apply");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_policy);
	if (!strcmp(argv[1], "check"))
		return policy_check(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "apply"))
		return policy_apply(argc - 1, argv + 1, ctl);
	return usage_error(usage_policy, "unknown policy command '%s'", argv[1]);
}
