/*
 * cmd_init.c - `recctl init`: create a register and the keyring files that
 * hold its secrets, one per level plus the ingest keyring (blind-index key
 * only: the ingest host encrypts with public keys and never decrypts), and
 * the audit log's verification key, which the operator takes off the host.
 *
 * The rights level's keyring carries the blind-index key too: a
 * rectification of a phone number or e-mail moves the subject's index
 * entry (rights.h), which takes the key.  The key stays off the other
 * levels' keyrings because an index whose key sits beside it can be
 * searched by guessing phone numbers; the rights level gains nothing by
 * that, as it opens every subject card and reads the numbers themselves.
 *
 * The secrets exist nowhere but in those files, so init either writes all
 * of them or leaves nothing behind: a register whose keys were lost would be
 * a register nobody can ever read.  Existing keyring files are never
 * overwritten.
 *
 * --owner gives the register to the user its mounts run as (the recfs
 * system user of the package): its folder is that user's before anything is
 * created in it, and everything recctl creates there later, as root,
 * follows (util_adopt_owner).  The keyrings stay root's: they are written
 * outside the register.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "recctl.h"

const char usage_init[] =
	"usage: recctl init REGISTER --policy FILE [--keyrings DIR] [--no-passphrase] [--passfile FILE]\n"
	"                   [--audit-epoch SECONDS] [--owner USER[:GROUP]]\n"
	"\n"
	"Create a register in REGISTER (new or empty) with the policy FILE, a key\n"
	"pair per level, and write the secret keys to DIR/<level>.keyring (one\n"
	"level each; the rights level's also holds the blind-index key, which a\n"
	"rectified phone number or e-mail needs), DIR/ingest.keyring (the\n"
	"blind-index key for ingest) and the audit log's verification key to\n"
	"DIR/" CTL_VERIFY_KEY " (copy it off the host).\n"
	"\n"
	"  --policy FILE          the policy (see `recctl policy check`)\n"
	"  --keyrings DIR         where the keyrings go (default " CTL_KEYRING_DIR "; mode 0700)\n"
	"  --no-passphrase        write raw keyrings (mode 0600), for unattended mounts\n"
	"  --passfile FILE        passphrase from the first line of FILE (default\n"
	"                         $RECFS_PASSFILE, else asked twice on the terminal)\n"
	"  --audit-epoch SECONDS  how often the audit sealing key evolves, 1..900\n"
	"                         (default 900; shorter epochs are for tests)\n"
	"  --owner USER[:GROUP]   the register belongs to USER and GROUP (default: USER's\n"
	"                         group), the user its mounts run as (e.g. recfs); what\n"
	"                         recctl creates in it later, as root, is theirs too\n";

/* "USER" or "USER:GROUP" (names) into *uid and *gid. */
static int parse_owner(const char *arg, uid_t *uid, gid_t *gid)
{
	char *user = xstrdup(arg), *group = strchr(user, ':'), buf[4096];
	struct passwd pw, *pwr = NULL;
	struct group gr, *grr = NULL;
	int rc = -1;

	if (group)
		*group++ = '\0';
	if (!*user || getpwnam_r(user, &pw, buf, sizeof(buf), &pwr) != 0 || !pwr) {
		error("--owner %s: no such user", arg);
		goto out;
	}
	*uid = pwr->pw_uid;
	*gid = pwr->pw_gid;
	if (group && (!*group || getgrnam_r(group, &gr, buf, sizeof(buf), &grr) != 0 || !grr)) {
		error("--owner %s: no such group", arg);
		goto out;
	}
	if (grr)
		*gid = grr->gr_gid;
	rc = 0;
out:
	free(user);
	return rc;
}

static int remove_written(struct strlist *written)
{
	for (size_t i = 0; i < written->n; i++)
		unlink(written->v[i]);
	return 0;
}

static int prepare_keyring_dir(const char *dir)
{
	struct stat st;
	int created = stat(dir, &st) < 0;
	int rc;

	rc = util_mkdir_p(dir, 0700);
	if (rc)
		return error("cannot create %s: %s", dir, strerror(-rc));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return error("%s is not a directory", dir);
	/* A directory of keyrings is ours alone; do not touch a shared one
	 * (sticky, like /tmp) or someone else's. */
	if ((created || (st.st_uid == geteuid() && !(st.st_mode & S_ISVTX))) && chmod(dir, 0700) < 0)
		return error("cannot chmod 0700 %s: %s", dir, strerror(errno));
	if (st.st_mode & S_ISVTX || st.st_uid != geteuid())
		warning("%s is shared (mode %04o); the keyrings in it are mode 0600", dir,
			(unsigned)(st.st_mode & 07777));
	return 0;
}

static int write_keyrings(const struct keyring *secrets, const struct policy *pol, const char *kdir,
			  const struct crypto_key *pass, struct strlist *written)
{
	struct keyring *kr = NULL;
	char *path = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	int rc = 0;

	for (size_t i = 0; i <= pol->n_levels; i++) {
		const char *name = i < pol->n_levels ? pol->levels[i].name : KEYS_INDEX_NAME;

		if ((rc = keyring_new(&kr)))
			goto out;
		if (i < pol->n_levels) {
			const struct crypto_key *sk = keyring_level(secrets, name, pk);

			rc = sk ? keyring_add_level(kr, name, sk) : -ENOKEY;
			if (rc == 0 && pol->levels[i].rights)	/* see the top of this file */
				rc = keyring_index_key(secrets) ? keyring_set_index_key(kr, keyring_index_key(secrets))
								: -ENOKEY;
		} else {
			const struct crypto_key *ik = keyring_index_key(secrets);

			rc = ik ? keyring_set_index_key(kr, ik) : -ENOKEY;
		}
		/* Every level's public key as issued: what the holder checks
		 * the register's keys/<level>.pub against (reg_check_keyring). */
		for (size_t j = 0; rc == 0 && j < pol->n_levels; j++) {
			rc = keyring_public(secrets, pol->levels[j].name, pk);
			if (rc == 0)
				rc = keyring_pin(kr, pol->levels[j].name, pk);
		}
		if (rc) {
			rc = error("cannot build the %s keyring: %s", name, strerror(-rc));
			goto out;
		}
		path = xasprintf("%s/%s.keyring", kdir, name);
		meta_clear_error();
		rc = keyring_save(kr, path, pass);
		if (rc) {
			rc = error("cannot write %s: %s", path, meta_strerror(rc));
			goto out;
		}
		strlist_add(written, path);
		free(path);
		path = NULL;
		keyring_free(kr);
		kr = NULL;
	}
out:
	free(path);
	keyring_free(kr);
	return rc;
}

/* Seal the log from its first entry on (the verification key goes to
 * vkey), then log the init. */
static int start_audit(const char *dir, const struct policy *pol, int64_t interval, const char *vkey,
		       struct strlist *written)
{
	struct reg *r = NULL;
	struct audit_actor a;
	char *id = NULL, *reason = NULL;
	int rc;

	if (ctl_open_register(dir, &r))
		return -1;
	meta_clear_error();
	if ((rc = audit_setup_keys(r->cat, interval, vkey))) {
		rc = error("cannot set up the audit keys: %s", meta_strerror(rc));
		reg_close(r);
		return rc;
	}
	strlist_add(written, vkey);
	if (catalog_get_meta(r->cat, "register_id", &id))
		id = NULL;
	/* The log says it was sealed from its start: audit verify without
	 * the key tells the seals' removal from a log never sealed. */
	reason = xasprintf("%zu levels " AUDIT_INIT_EPOCH "=%lld", pol->n_levels, (long long)interval);
	audit_self(&a, NULL);
	rc = audit_log(r->cat, &a, "init", id, "ok", reason);
	if (rc)
		rc = error("cannot write the audit log: %s", strerror(-rc));
	free(reason);
	free(id);
	reg_close(r);
	return rc;
}

int cmd_init(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "keyrings", required_argument, NULL, 'k' },
		{ "no-passphrase", no_argument, NULL, 'n' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "audit-epoch", required_argument, NULL, 'e' },
		{ "owner", required_argument, NULL, 'o' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *kdir = CTL_KEYRING_DIR, *passfile = NULL, *owner = NULL, *dir;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct policy *pol = NULL;
	struct keyring *secrets = NULL;
	struct crypto_key *pass = NULL;
	struct strlist written = { 0 };
	char *errs = NULL, *path = NULL, *vkey = NULL;
	int64_t interval = AUDIT_EPOCH_MAX;
	int raw = 0, created = 0, existed = 0, c, rc;
	struct stat st;

	/* REGISTER is an operand; log_init() opens it */
	while ((c = ctl_getopt_plain(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'p': policy_path = optarg; break;
		case 'k': kdir = optarg; break;
		case 'n': raw = 1; break;
		case 'P': passfile = optarg; break;
		case 'o': owner = optarg; break;
		case 'e':
			if ((rc = ctl_audit_epoch(usage_init, optarg, &interval)))
				return rc;
			break;
		case 'h': return usage_show(usage_init);
		default: return usage_error(usage_init, NULL);
		}
	}
	if (optind != argc - 1)
		return usage_error(usage_init, "init takes one REGISTER directory");
	if (!policy_path)
		return usage_error(usage_init, "init needs --policy FILE");
	if (raw && passfile)
		return usage_error(usage_init, "--no-passphrase and --passfile exclude each other");
	dir = argv[optind];
	if (owner && parse_owner(owner, &uid, &gid))
		return -1;

	rc = policy_load(policy_path, &pol, &errs);
	if (rc) {
		if (errs)
			fputs(errs, stderr);
		rc = errs ? error("%s: the policy has errors; nothing was created", policy_path)
			  : error("%s; nothing was created", meta_strerror(rc));
		goto out;
	}
	if (pol->time_zone_missing) {
		rc = error("%s: time_zone '%s' is not in this machine's tz database (install tzdata, or "
			   "tzdata-legacy for an old name); nothing was created", policy_path, pol->time_zone_missing);
		goto out;
	}
	warn_policy(policy_path, pol);
	for (size_t i = 0; i <= pol->n_levels; i++) {
		const char *name = i < pol->n_levels ? pol->levels[i].name : KEYS_INDEX_NAME;

		free(path);
		path = xasprintf("%s/%s.keyring", kdir, name);
		if (access(path, F_OK) == 0) {
			rc = error("%s exists; move it away or choose another --keyrings DIR", path);
			goto out;
		}
	}
	vkey = xasprintf("%s/%s", kdir, CTL_VERIFY_KEY);
	if (access(vkey, F_OK) == 0) {
		rc = error("%s exists; move it away or choose another --keyrings DIR", vkey);
		goto out;
	}
	/* Said before the passphrase is asked for (bb6 F4). */
	if ((rc = reg_check_new_dir(dir))) {
		rc = error("cannot create register %s: %s", dir, meta_strerror(rc));
		goto out;
	}
	if (!raw && (rc = ctl_new_passphrase(passfile, &pass)))
		goto out;

	existed = stat(dir, &st) == 0;
	meta_clear_error();
	rc = reg_create_owned(dir, policy_path, uid, gid, &secrets);
	if (rc) {
		rc = error("cannot create register %s: %s", dir, meta_strerror(rc));
		goto out;
	}
	created = 1;
	if ((rc = prepare_keyring_dir(kdir)))
		goto out;
	if ((rc = write_keyrings(secrets, pol, kdir, pass, &written)))
		goto out;
	if ((rc = start_audit(dir, pol, interval, vkey, &written)))
		goto out;

	printf("created register %s (policy %s, %zu levels)\n", dir, policy_path, pol->n_levels);
	if (owner)
		printf("the register belongs to %s (uid %u, gid %u)\n", owner, (unsigned)uid, (unsigned)gid);
	for (size_t i = 0; i < written.n; i++)
		if (strcmp(written.v[i], vkey))
			printf("wrote %s (%s)\n", written.v[i], raw ? "raw, mode 0600" : "passphrase-sealed");
	ctl_print_verify_key_note(vkey);
	rc = 0;
out:
	if (rc && created) {
		/* All or nothing: without its keyrings the register is lost. */
		remove_written(&written);
		util_remove_tree(dir);
		if (existed && mkdir(dir, 0700) < 0)
			warning("cannot recreate the empty directory %s: %s", dir, strerror(errno));
	}
	strlist_clear(&written);
	keyring_free(secrets);
	crypto_key_free(pass);
	policy_free(pol);
	free(errs);
	free(path);
	free(vkey);
	return rc;
}
