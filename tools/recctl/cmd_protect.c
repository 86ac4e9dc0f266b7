/*
 * cmd_protect.c - `recctl protect FILE`, `recctl unlock FILE` and
 * `recctl lock FILE`: per-recording passphrases, on a mount.
 *
 * These run as the person at the workstation, not as root: they talk to
 * the recfs daemon through extended attributes of the file
 * (user.recfs.protect, user.recfs.unlock), so the mount decides with the
 * caller's own level, and the passphrase never touches the register host's
 * disk.  The passphrase is kept in guarded memory and wiped.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "passphrase.h"
#include "recctl.h"

const char usage_protect[] =
	"usage: recctl protect [--passfile FILE] RECORDING\n"
	"\n"
	"Protect a recording on a recfs mount with a passphrase (rights level\n"
	"only).  From then on reading it needs the level key and an unlock\n"
	"with `recctl unlock`.  The passphrase is asked twice on the terminal.\n"
	"\n"
	"  --passfile FILE     read the passphrase from FILE's first line\n";

const char usage_unlock[] =
	"usage: recctl unlock [--passfile FILE] RECORDING\n"
	"       recctl lock RECORDING\n"
	"\n"
	"unlock: give a protected recording's passphrase to the mount; this\n"
	"user may then read it for 15 minutes.  lock: forget the unlock now.\n"
	"\n"
	"  --passfile FILE     read the passphrase from FILE's first line\n";

static const char *why(int err, int protecting)
{
	switch (err) {
	case EACCES: return protecting ? "permission denied" : "wrong passphrase";
	case EPERM: return "only the rights level may protect recordings";
	case EALREADY: return "it is protected already";
	case EINVAL: return protecting ? "a passphrase needs 8 to 1024 bytes" : "it is not a protected recording";
	case ENOKEY: return "the mount does not hold the key of your level";
	case EBUSY: return "another unlock of yours is being checked; try again when it has ended";
	case ENOTSUP:
	case ENODATA: return "not a recording on a recfs mount";
	default: return strerror(err);
	}
}

static int run(int argc, char **argv, struct ctl *ctl, const char *usage, int protecting, int locking)
{
	static const struct option opts[] = {
		{ "passfile", required_argument, NULL, 'p' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *passfile = ctl_passfile_default(), *file;
	struct crypto_key *pass = NULL;
	char *prompt = NULL;
	int c, rc;

	while ((c = ctl_getopt_plain(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'p': passfile = optarg; break;
		case 'h': return usage_show(usage);
		default: return usage_error(usage, NULL);
		}
	}
	if (optind + 1 != argc)
		return usage_error(usage, "name one recording");
	file = argv[optind];
	if (locking) {
		if (removexattr(file, "user.recfs.unlock") < 0)
			return error("cannot lock %s: %s", file, why(errno, 0));
		printf("%s: locked\n", file);
		return 0;
	}
	if (protecting) {
		if (ctl_new_passphrase(passfile, &pass) < 0)
			return -1;
	} else {
		prompt = xasprintf("Passphrase for %s: ", file);
		rc = passphrase_get(passfile, NULL, prompt, &pass);
		free(prompt);
		if (rc)
			return error("cannot read the passphrase: %s", rc == -ENOTTY ? "no terminal (use --passfile)"
									  : strerror(-rc));
		ctl_warn_passfile(passfile);
	}
	rc = setxattr(file, protecting ? "user.recfs.protect" : "user.recfs.unlock", pass->bytes,
		      strlen((const char *)pass->bytes), 0);
	crypto_key_free(pass);
	if (rc < 0)
		return error("cannot %s %s: %s", protecting ? "protect" : "unlock", file, why(errno, protecting));
	printf(protecting ? "%s: protected\n" : "%s: unlocked for 15 minutes\n", file);
	return 0;
}

int cmd_protect(int argc, char **argv, struct ctl *ctl)
{
	return run(argc, argv, ctl, usage_protect, 1, 0);
}

int cmd_unlock(int argc, char **argv, struct ctl *ctl)
{
	return run(argc, argv, ctl, usage_unlock, 0, 0);
}

int cmd_lock(int argc, char **argv, struct ctl *ctl)
{
	return run(argc, argv, ctl, usage_unlock, 0, 1);
}
