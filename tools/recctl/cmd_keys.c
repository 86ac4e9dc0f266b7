/*
 * cmd_keys.c - `recctl keys export`: a keyring for one workstation holding
 * exactly the levels it serves, merged from the keyrings init and policy
 * apply wrote.
 *
 * Each exported key is checked against the register's public key of its
 * level, so a keyring of another register is refused rather than handed
 * out to open nothing.  Every export is logged.
 *
 * A keyring with the rights level's key gets the blind-index key as well
 * when the sources hold it (recctl init puts it in the rights keyring): a
 * rectified phone number or e-mail moves in the index, and without the key
 * the mount refuses such a rectification.  The rights level reads every
 * card anyway, so the key lets it find nothing it could not read; other
 * levels get it only with --index.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recctl.h"

const char usage_keys[] =
	"usage: recctl keys export LEVEL... -o FILE [-R REGISTER] [--keyring SRC]... [--keyrings DIR]\n"
	"                          [--index] [--no-passphrase | --passfile FILE] [--source-passfile FILE]\n"
	"\n"
	"Write a new keyring FILE with the secret keys of the named levels, for a\n"
	"workstation that mounts the register (recfs -o keyring=FILE).\n"
	"\n"
	"  -o, --output FILE        the keyring to write (must not exist; mode 0600)\n"
	"  -R, --register DIR       the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring SRC            source keyring (repeatable; default DIR/<LEVEL>.keyring)\n"
	"  --keyrings DIR           where the source keyrings are (default " CTL_KEYRING_DIR ")\n"
	"  --index                  also export the blind-index key (for subject find;\n"
	"                           a keyring of the rights level gets it anyway when\n"
	"                           the sources hold it: rectification needs it)\n"
	"  --no-passphrase          write a raw keyring\n"
	"  --passfile FILE          passphrase for FILE (default $RECFS_PASSFILE, else asked)\n"
	"  --source-passfile FILE   passphrase of the sources (default: that of --passfile)\n";

/* *index: 1 to export the blind-index key; set to 1 when a rights level's
 * keyring gets it anyway. */
static int export_keys(struct reg *r, const struct keyring *src, char *const *levels, size_t n, int *index,
		       struct keyring **out)
{
	struct keyring *kr = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	int rc;

	if ((rc = keyring_new(&kr)))
		return error("out of memory");
	for (size_t i = 0; i < n; i++) {
		int li = policy_level_index(r->policy, levels[i]);
		const struct crypto_key *sk;

		if (li < 0) {
			rc = error("no level %s in the policy of %s", levels[i], r->dir);
			goto out;
		}
		sk = keyring_level(src, levels[i], pk);
		if (!sk) {
			rc = error("the source keyrings hold no key of level %s", levels[i]);
			goto out;
		}
		/* Its public half is the register's: ctl_check_keyring. */
		if ((rc = keyring_add_level(kr, levels[i], sk))) {
			rc = error("cannot add level %s: %s", levels[i], strerror(-rc));
			goto out;
		}
	}
	for (size_t i = 0; !*index && i < n; i++) {
		int li = policy_level_index(r->policy, levels[i]);

		if (li < 0 || !r->policy->levels[li].rights)
			continue;
		if (keyring_index_key(src))
			*index = 1;
		else
			warning("the sources hold no blind-index key: a mount with this keyring refuses to rectify"
				" a phone number or e-mail; add --keyring .../%s.keyring", KEYS_INDEX_NAME);
	}
	if (*index) {
		const struct crypto_key *ik = keyring_index_key(src);

		if (!ik) {
			rc = error("the source keyrings hold no blind-index key; add --keyring .../ingest.keyring");
			goto out;
		}
		if ((rc = keyring_set_index_key(kr, ik))) {
			rc = error("cannot add the blind-index key: %s", strerror(-rc));
			goto out;
		}
	}
	/* The public keys the sources were issued with go along, so that
	 * the workstation checks the register's too (reg_check_keyring). */
	for (size_t j = 0; j < r->policy->n_levels; j++) {
		if (keyring_public(src, r->policy->levels[j].name, pk) == 0 &&
		    (rc = keyring_pin(kr, r->policy->levels[j].name, pk))) {
			rc = error("cannot add the public key of level %s: %s", r->policy->levels[j].name, strerror(-rc));
			goto out;
		}
	}
	*out = kr;
	kr = NULL;
out:
	keyring_free(kr);
	return rc;
}

/*
 * Every LEVEL is one of the policy's, checked before it names a file
 * (DIR/<LEVEL>.keyring): a policy's level names are plain ([a-z0-9_-]),
 * so "../x" or "a/b" never reaches a path.  -1 with a message otherwise.
 */
static int check_levels(struct reg *r, const struct strlist *levels)
{
	struct strbuf known = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < levels->n; i++) {
		if (policy_level_index(r->policy, levels->v[i]) >= 0)
			continue;
		for (size_t l = 0; l < r->policy->n_levels; l++)
			strbuf_addf(&known, "%s%s", l ? ", " : "", r->policy->levels[l].name);
		rc = error("no level %s in the policy of %s (its levels: %s)", levels->v[i], r->dir,
			   known.s ? known.s : "none");
	}
	strbuf_release(&known);
	return rc;
}

static int keys_export(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "keyring", required_argument, NULL, 'K' },
		{ "keyrings", required_argument, NULL, 'k' },
		{ "index", no_argument, NULL, 'i' },
		{ "no-passphrase", no_argument, NULL, 'n' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "source-passfile", required_argument, NULL, 'S' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *kdir = CTL_KEYRING_DIR, *output = NULL;
	const char *passfile = NULL, *src_passfile = NULL;
	struct strlist sources = { 0 }, levels = { 0 };
	struct keyring *src = NULL, *kr = NULL;
	struct crypto_key *pass = NULL;
	struct audit_actor a;
	struct reg *r = NULL;
	struct strbuf why = { 0 };
	char *reason = NULL;
	int raw = 0, index = 0, c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'K': strlist_add(&sources, optarg); break;
		case 'k': kdir = optarg; break;
		case 'i': index = 1; break;
		case 'n': raw = 1; break;
		case 'P': passfile = optarg; break;
		case 'S': src_passfile = optarg; break;
		case 'h': rc = usage_show(usage_keys); goto out;
		default: rc = usage_error(usage_keys, NULL); goto out;
		}
	}
	if (optind >= argc) {
		rc = usage_error(usage_keys, "keys export needs at least one LEVEL");
		goto out;
	}
	if (!output) {
		rc = usage_error(usage_keys, "keys export needs -o FILE");
		goto out;
	}
	if (raw && passfile) {
		rc = usage_error(usage_keys, "--no-passphrase and --passfile exclude each other");
		goto out;
	}
	for (int i = optind; i < argc; i++)
		strlist_add(&levels, argv[i]);
	if (access(output, F_OK) == 0) {
		rc = error("%s exists; remove it first or write another file", output);
		goto out;
	}
	if ((rc = ctl_register(ctl, &r)))
		goto out;
	if ((rc = check_levels(r, &levels)))
		goto out;
	if (!sources.n) {
		for (size_t i = 0; i < levels.n; i++) {
			char *p = xasprintf("%s/%s.keyring", kdir, levels.v[i]);

			strlist_add(&sources, p);
			free(p);
		}
		if (index) {
			char *p = xasprintf("%s/%s.keyring", kdir, KEYS_INDEX_NAME);

			strlist_add(&sources, p);
			free(p);
		}
	}
	if ((rc = ctl_load_keyrings(sources.v, sources.n, src_passfile ? src_passfile : passfile, &src)))
		goto out;
	if ((rc = ctl_check_keyring(ctl, src)) || (rc = export_keys(r, src, levels.v, levels.n, &index, &kr)))
		goto out;
	if (!raw && (rc = ctl_new_passphrase(passfile, &pass)))
		goto out;
	meta_clear_error();
	rc = keyring_save(kr, output, pass);
	if (rc) {
		rc = error("cannot write %s: %s", output, meta_strerror(rc));
		goto out;
	}
	strbuf_addf(&why, "levels");
	for (size_t i = 0; i < levels.n; i++)
		strbuf_addf(&why, "%s%s", i ? "," : " ", levels.v[i]);
	if (index)
		strbuf_addf(&why, "; blind-index key");
	reason = strbuf_detach(&why);
	audit_self(&a, NULL);
	rc = audit_log(r->cat, &a, "keys-export", NULL, "ok", reason);
	if (rc) {
		unlink(output);
		rc = error("cannot write the audit log: %s; %s removed", strerror(-rc), output);
		goto out;
	}
	printf("wrote %s (%s; %s)\n", output, reason, raw ? "raw, mode 0600" : "passphrase-sealed");
	rc = 0;
out:
	keyring_free(src);
	keyring_free(kr);
	crypto_key_free(pass);
	strlist_clear(&sources);
	strlist_clear(&levels);
	free(reason);
	return rc;
}

int cmd_keys(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_keys, "keys needs a command: export");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_keys);
	if (!strcmp(argv[1], "export"))
		return keys_export(argc - 1, argv + 1, ctl);
	return usage_error(usage_keys, "unknown keys command '%s'", argv[1]);
}
