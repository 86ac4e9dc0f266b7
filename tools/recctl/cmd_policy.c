/*
 * cmd_policy.c - `recctl policy check FILE` and `recctl policy apply FILE`.
 *
 * Applying a policy makes the seals agree with it: every artifact and
 * details record of a recording, and every subject card, is sealed for
 * exactly the levels the new policy gives it, as seal.c computes them
 * (seal_reconcile_recording_to: audio from the purpose's min_level, chats
 * and shared files from its chat_level and attachment_level, details and
 * cards from details_level, only the rights level while restricted).
 * Removing a seal needs no key; adding one needs the object's DEK,
 * unsealed with a key of the rights level (or any other level holding a
 * seal) from --keyring.
 *
 * All seal changes and their audit entries are one catalog transaction;
 * policy.conf is replaced (atomically) just before it commits, so a failure
 * anywhere leaves the old policy with the old seals.  Levels are never
 * removed and the rights level never changes: either would strand sealed
 * data or move who exercises rights.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "pubkey.h"
#include "recctl.h"
#include "seal.h"

const char usage_policy[] =
	"usage: recctl policy check FILE\n"
	"       recctl policy apply FILE [-R REGISTER] [--keyring FILE]... [--keyrings DIR]\n"
	"                               [--no-passphrase | --passfile FILE] [--dry-run]\n"
	"\n"
	"check   validate FILE and print every error with its line number.\n"
	"apply   validate FILE and install it as REGISTER/policy.conf.  Levels may be\n"
	"        added (a key pair is made; its keyring goes to DIR/<level>.keyring)\n"
	"        but not removed, and the rights level may not change.  When a\n"
	"        purpose's min_level, chat_level or attachment_level (or the\n"
	"        details_level) changes, seals are added or removed to match;\n"
	"        adding needs the rights level's keyring.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE      keyring with the rights level key (repeatable)\n"
	"  --keyrings DIR      where keyrings of new levels go (default " CTL_KEYRING_DIR ")\n"
	"  --no-passphrase     write raw keyrings for new levels\n"
	"  --passfile FILE     passphrase for new keyrings and for opening --keyring\n"
	"  --dry-run           say what would change, change nothing\n";

static int policy_check(int argc, char **argv)
{
	static const struct option opts[] = { HELP_OPTION, { NULL, 0, NULL, 0 } };
	struct policy *pol = NULL;
	char *errs = NULL;
	int c, rc, n = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage_show(usage_policy);
		return usage_error(usage_policy, NULL);
	}
	if (optind != argc - 1)
		return usage_error(usage_policy, "policy check takes one FILE");
	meta_clear_error();
	rc = policy_load(argv[optind], &pol, &errs);
	if (rc == 0) {
		printf("%s: ok\n", argv[optind]);
		policy_free(pol);
		return 0;
	}
	if (!errs)
		return error("%s: %s", argv[optind], meta_strerror(rc));
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

/* A recording to reseal, as listed before the transaction; what it is
 * sealed for is read again inside it. */
struct rec_plan {
	char id[RECFS_ID_HEX];
	char *purpose;
};

struct apply {
	struct reg *r;			/* the register, opened under the old policy */
	struct policy *np;		/* the new policy */
	uint8_t (*npk)[CRYPTO_PK_BYTES];/* public keys per level of np */
	struct keyring *kr;		/* --keyring, or NULL */
	struct audit_actor actor;
	struct rec_plan *recs;
	size_t n_recs;
	char **handles;
	size_t n_handles;
	long added, removed, changed;	/* seals, and objects touched */
	int dry_run;
};

static int collect_recording(const struct cat_recording *rec, void *ctx)
{
	struct apply *ap = ctx;
	struct rec_plan *p;

	ap->recs = xrealloc(ap->recs, (ap->n_recs + 1) * sizeof(*ap->recs));
	p = &ap->recs[ap->n_recs++];
	memcpy(p->id, rec->id, sizeof(p->id));
	p->purpose = xstrdup(rec->purpose);
	return 0;
}

static int collect_subject(const char *handle, void *ctx)
{
	struct apply *ap = ctx;

	ap->handles = xrealloc(ap->handles, (ap->n_handles + 1) * sizeof(*ap->handles));
	ap->handles[ap->n_handles++] = xstrdup(handle);
	return 0;
}

/* A failure of seal_reconcile_to as one line; adding a seal needs a key. */
static int reseal_error(int rc)
{
	if (rc == -ENOKEY)
		return error("%s: give its keyring with --keyring", meta_strerror(rc));
	return error("%s", meta_strerror(rc));
}

/* Add what one reconciliation changed to the totals; 1 when it changed
 * a seal. */
static int count_reseal(struct apply *ap, const struct seal_stats *st)
{
	ap->added += st->added;
	ap->removed += st->removed;
	ap->changed += st->changed != 0;
	return st->changed != 0;
}

/* Tell running mounts that seals alone changed (catalog.h), and log it. */
static int log_reseal(struct apply *ap, const char *object, const char *reason)
{
	int rc = catalog_touch_content(ap->r->cat);

	if (rc == 0)
		rc = audit_log(ap->r->cat, &ap->actor, "reseal", object, "ok", reason);
	if (rc)
		rc = error("cannot write the audit log: %s", strerror(-rc));
	return rc;
}

/* Seal the recording's objects for the levels the new policy gives them
 * (seal.c decides which, as for a restriction or a lift). */
static int reseal_recording(struct apply *ap, const struct rec_plan *p)
{
	struct seal_stats st = { 0 };
	struct cat_recording rec;
	char *reason;
	int rc;

	rc = catalog_get_recording(ap->r->cat, p->id, &rec);
	if (rc == -ENOENT)
		return 0;	/* erased meanwhile */
	if (rc)
		return error("cannot read recording %s: %s", p->id, strerror(-rc));
	meta_clear_error();
	rc = seal_reconcile_recording_to(ap->r, ap->np, (const uint8_t (*)[CRYPTO_PK_BYTES])ap->npk, ap->kr, &rec,
					 &st);
	cat_recording_clear(&rec);
	if (rc)
		return reseal_error(rc);
	if (!count_reseal(ap, &st))
		return 0;
	reason = xasprintf("policy-apply: seals +%ld -%ld", st.added, st.removed);
	rc = log_reseal(ap, p->id, reason);
	free(reason);
	return rc;
}

static int reseal_card(struct apply *ap, const char *handle)
{
	struct seal_stats st = { 0 };
	char card[RECFS_ID_HEX];
	int rc;

	rc = catalog_get_subject(ap->r->cat, handle, card);
	if (rc)
		return error("cannot read subject %s: %s", handle, strerror(-rc));
	meta_clear_error();
	rc = seal_reconcile_to(ap->r, ap->np, (const uint8_t (*)[CRYPTO_PK_BYTES])ap->npk, ap->kr, card,
			       seal_level_for(ap->np, NULL, SEAL_CARD), handle, &st);
	if (rc)
		return reseal_error(rc);
	if (!count_reseal(ap, &st))
		return 0;
	return log_reseal(ap, handle, "policy-apply: subject card");
}

/* Refuse what would strand data: a level removed, the rights level moved,
 * a purpose in use removed. */
static int compatible(struct apply *ap, const char *file)
{
	const struct policy *op = ap->r->policy, *np = ap->np;
	int bad = 0;

	for (size_t i = 0; i < op->n_levels; i++) {
		if (policy_level_index(np, op->levels[i].name) < 0) {
			error("%s: level %s is missing; levels cannot be removed (their seals would be stranded)",
			      file, op->levels[i].name);
			bad = 1;
		}
	}
	if (strcmp(op->levels[op->rights_level].name, np->levels[np->rights_level].name)) {
		error("%s: the rights level changes from %s to %s; it cannot change", file,
		      op->levels[op->rights_level].name, np->levels[np->rights_level].name);
		bad = 1;
	}
	for (size_t i = 0; i < ap->n_recs; i++) {
		if (policy_purpose_index(np, ap->recs[i].purpose) < 0) {
			error("%s: purpose %s is missing but recording %s has it; erase or keep it first", file,
			      ap->recs[i].purpose, ap->recs[i].id);
			bad = 1;
			break;
		}
	}
	return bad ? -1 : 0;
}

/* Key pairs for the levels np adds; their keyrings are written to kdir. */
static int new_level_keys(struct apply *ap, const char *kdir, const struct crypto_key *pass, struct strlist *written)
{
	struct crypto_key *sk = NULL;
	struct keyring *kr = NULL;
	char *path = NULL;
	int rc = 0;

	for (size_t i = 0; i < ap->np->n_levels; i++) {
		const char *name = ap->np->levels[i].name;
		int oi = policy_level_index(ap->r->policy, name);

		if (oi >= 0) {
			memcpy(ap->npk[i], ap->r->pk[oi], CRYPTO_PK_BYTES);
			continue;
		}
		if ((rc = crypto_keypair(ap->npk[i], &sk))) {
			rc = error("cannot make a key pair for level %s: %s", name, strerror(-rc));
			goto out;
		}
		if (ap->dry_run) {
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
		path = xasprintf("%s/keys/%s.pub", ap->r->dir, name);
		meta_clear_error();
		if ((rc = pubkey_write(ap->r->dir, name, ap->npk[i]))) {
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

static int count_new_levels(const struct apply *ap, const char *kdir, int *n)
{
	*n = 0;
	for (size_t i = 0; i < ap->np->n_levels; i++) {
		const char *name = ap->np->levels[i].name;
		char *path;
		int exists;

		if (policy_level_index(ap->r->policy, name) >= 0)
			continue;
		if (!strcmp(name, KEYS_INDEX_NAME))
			return error("a level may not be called '%s' (that is the ingest keyring)", KEYS_INDEX_NAME);
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
	struct apply ap = { 0 };
	struct strlist keyrings = { 0 }, written = { 0 };
	struct crypto_key *pass = NULL;
	uint8_t *text = NULL, *old_text = NULL;
	size_t len, old_len = 0;
	char *errs = NULL, *target = NULL;
	int raw = 0, n_new = 0, installed = 0, c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'K': strlist_add(&keyrings, optarg); break;
		case 'k': kdir = optarg; break;
		case 'n': raw = 1; break;
		case 'P': passfile = optarg; break;
		case 'd': ap.dry_run = 1; break;
		case 'h': strlist_clear(&keyrings); return usage_show(usage_policy);
		default: strlist_clear(&keyrings); return usage_error(usage_policy, NULL);
		}
	}
	if (optind != argc - 1) {
		strlist_clear(&keyrings);
		return usage_error(usage_policy, "policy apply takes one FILE");
	}
	file = argv[optind];
	audit_self(&ap.actor, NULL);

	meta_clear_error();
	rc = policy_load(file, &ap.np, &errs);
	if (rc) {
		if (errs)
			fputs(errs, stderr);
		rc = error("%s: %s", file, errs ? "the policy has errors; nothing was changed"
					       : meta_strerror(rc));
		goto out;
	}
	rc = util_read_file(file, 1 << 20, &text, &len);
	if (rc) {
		rc = error("cannot read %s: %s", file, strerror(-rc));
		goto out;
	}
	if ((rc = ctl_register(ctl, &ap.r)))
		goto out;
	target = reg_path(ap.r, "policy.conf");
	rc = util_read_file(target, 1 << 20, &old_text, &old_len);
	if (rc) {
		rc = error("cannot read %s: %s", target, strerror(-rc));
		goto out;
	}
	if ((rc = catalog_each_recording(ap.r->cat, collect_recording, &ap))) {
		rc = error("cannot list recordings: %s", strerror(-rc));
		goto out;
	}
	if ((rc = catalog_each_subject(ap.r->cat, collect_subject, &ap))) {
		rc = error("cannot list subjects: %s", strerror(-rc));
		goto out;
	}
	if ((rc = compatible(&ap, file))) {
		if (audit_log(ap.r->cat, &ap.actor, "policy-apply", NULL, "refused", "incompatible policy"))
			warning("cannot write the audit log");
		goto out;
	}
	if ((rc = count_new_levels(&ap, kdir, &n_new)))
		goto out;
	if (keyrings.n && (rc = ctl_load_keyrings(keyrings.v, keyrings.n, passfile, &ap.kr)))
		goto out;
	if (n_new && !ap.dry_run) {
		if (!raw && (rc = ctl_new_passphrase(passfile, &pass)))
			goto out;
		rc = util_mkdir_p(kdir, 0700);
		if (rc) {
			rc = error("cannot create %s: %s", kdir, strerror(-rc));
			goto out;
		}
	}
	ap.npk = xcalloc(ap.np->n_levels, sizeof(*ap.npk));
	if ((rc = new_level_keys(&ap, kdir, pass, &written)))
		goto out;

	rc = catalog_begin(ap.r->cat);
	if (rc) {
		rc = error("cannot start a catalog transaction: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < ap.n_recs && rc == 0; i++)
		rc = reseal_recording(&ap, &ap.recs[i]);
	for (size_t i = 0; i < ap.n_handles && rc == 0; i++)
		rc = reseal_card(&ap, ap.handles[i]);
	if (rc == 0) {
		char *reason = xasprintf("%d new levels; %ld objects resealed, seals +%ld -%ld", n_new, ap.changed,
					 ap.added, ap.removed);

		rc = audit_log(ap.r->cat, &ap.actor, "policy-apply", NULL, "ok", reason);
		free(reason);
		if (rc)
			rc = error("cannot write the audit log: %s", strerror(-rc));
	}
	if (rc || ap.dry_run) {
		catalog_rollback(ap.r->cat);
		if (rc) {
			if (audit_log(ap.r->cat, &ap.actor, "policy-apply", NULL, "error", "reseal failed"))
				warning("cannot write the audit log");
			goto out;
		}
		printf("would reseal %ld recordings and subject cards (seals +%ld -%ld); nothing changed\n",
		       ap.changed, ap.added, ap.removed);
		goto out;
	}
	rc = util_write_file_atomic(target, text, len, 0600);
	if (rc) {
		catalog_rollback(ap.r->cat);
		rc = error("cannot install %s: %s", target, strerror(-rc));
		goto out;
	}
	installed = 1;
	rc = catalog_commit(ap.r->cat);
	if (rc) {
		rc = error("cannot commit the catalog: %s; the old policy is back in place", strerror(-rc));
		goto out;
	}
	installed = 0;
	printf("applied %s to %s: %d new level%s, %ld recordings and subject cards resealed (seals +%ld -%ld)\n",
	       file, ctl->dir, n_new, n_new == 1 ? "" : "s", ap.changed, ap.added, ap.removed);
	for (size_t i = 0; i < written.n; i++)
		printf("wrote %s\n", written.v[i]);
	rc = 0;
out:
	if (ap.r && catalog_in_transaction(ap.r->cat))
		catalog_rollback(ap.r->cat);
	if (installed && util_write_file_atomic(target, old_text, old_len, 0600))
		warning("could not put the old policy back in %s", target);
	if (rc)
		for (size_t i = 0; i < written.n; i++)
			unlink(written.v[i]);
	for (size_t i = 0; i < ap.n_recs; i++)
		free(ap.recs[i].purpose);
	free(ap.recs);
	for (size_t i = 0; i < ap.n_handles; i++)
		free(ap.handles[i]);
	free(ap.handles);
	free(ap.npk);
	keyring_free(ap.kr);
	policy_free(ap.np);
	crypto_key_free(pass);
	strlist_clear(&keyrings);
	strlist_clear(&written);
	free(text);
	free(old_text);
	free(errs);
	free(target);
	return rc;
}

int cmd_policy(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_policy, "policy needs check or apply");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_policy);
	if (!strcmp(argv[1], "check"))
		return policy_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "apply"))
		return policy_apply(argc - 1, argv + 1, ctl);
	return usage_error(usage_policy, "unknown policy command '%s'", argv[1]);
}
