/*
 * main.c - recctl, the admin CLI of a recfs register: finds the subcommand
 * in one static table and runs it.  The table lists only commands that
 * work; each lives in its own cmd_<name>.c and parses its own options.
 * What the table's flags ask for is set up here, once, for every command:
 * libsodium, and for commands on a register its directory (-R, else
 * $RECFS_REGISTER, else the default) and the open register (struct ctl).
 * Before anything, jansson's allocator is made to wipe what it frees
 * (jsonmem.h).
 *
 * Exit status: 0 success, 1 failure (one line on stderr saying why), 2 a
 * usage error.  Files recctl creates are owner-only, whatever the umask.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto.h"
#include "jsonmem.h"
#include "recctl.h"
#include "util.h"

static const struct cmd commands[] = {
	{ "init", cmd_init, NEEDS_CRYPTO, usage_init, "create a register and its keyrings" },
	{ "policy", cmd_policy, NEEDS_CRYPTO | NEEDS_REGISTER, usage_policy,
	  "check a policy file, or apply it to a register" },
	{ "keys", cmd_keys, NEEDS_CRYPTO | NEEDS_REGISTER, usage_keys, "export level keys for a workstation" },
	{ "ingest", cmd_ingest, NEEDS_CRYPTO | NEEDS_REGISTER, usage_ingest, "ingest recordings from manifests" },
	{ "register", cmd_register, NEEDS_REGISTER, usage_register, "print the register notice" },
	{ "audit", cmd_audit, NEEDS_CRYPTO | NEEDS_REGISTER, usage_audit, "show or verify the audit log" },
	{ "fsck", cmd_fsck, NEEDS_CRYPTO | NEEDS_REGISTER, usage_fsck, "check catalog and blobs" },
	{ "watch", cmd_watch, NEEDS_CRYPTO | NEEDS_REGISTER, usage_watch, "ingest daemon: watch a spool with inotify" },
	{ "retention", cmd_retention, NEEDS_CRYPTO | NEEDS_REGISTER, usage_retention, "erase expired recordings" },
	{ "subject", cmd_subject, NEEDS_CRYPTO | NEEDS_REGISTER, usage_subject, "find, show, export, merge a data subject; objection, consent, reindex" },
	{ "protect", cmd_protect, NEEDS_CRYPTO, usage_protect, "protect a recording on a mount with a passphrase" },
	{ "unlock", cmd_unlock, NEEDS_CRYPTO, usage_unlock, "unlock a protected recording on a mount for 15 minutes" },
	{ "lock", cmd_lock, NEEDS_CRYPTO, usage_unlock, "forget an unlock at once" },
	{ "request", cmd_request, NEEDS_CRYPTO | NEEDS_REGISTER, usage_request, "rights requests, their lifecycle and answer letters" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_usage_head[] =
	"usage: recctl [--version] [--help] [-R DIR] COMMAND [ARGS...]\n"
	"\n"
	"Administer a recfs register of recorded calls and meetings.\n"
	"\n"
	"Commands:\n";

static const char main_usage_tail[] =
	"\n"
	"The register is -R DIR (before the command or after it), default\n"
	"$RECFS_REGISTER, then " REGISTER_DEFAULT ".\n"
	"See `recctl help COMMAND` or `recctl COMMAND --help`, and recctl(1).\n";

static void print_main_usage(FILE *f)
{
	fputs(main_usage_head, f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs(main_usage_tail, f);
}

static const struct cmd *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int exit_status(int rc)
{
	if (rc == -2)
		return EXIT_USAGE;
	if (rc < 0)
		return 1;
	return rc;
}

/* ctl_getopt, with -R (--register) when with_register. */
static int getopt_of(struct ctl *ctl, int with_register, int argc, char **argv, const char *optstring,
		     const struct option *longopts)
{
	char *prog;
	int c;

	if (ctl->opts_of != longopts) {
		size_t n = 0, r = with_register ? 1 : 0;

		usage_subcommand(argc > 0 ? argv[0] : NULL);
		free(ctl->prog);
		ctl->prog = argc > 0 && strcmp(argv[0], ctl->cmd) ?
			xasprintf("recctl %s %s", ctl->cmd, argv[0]) : xasprintf("recctl %s", ctl->cmd);
		while (longopts[n].name)
			n++;
		free(ctl->opts);
		free(ctl->optstring);
		/* --register first, where the commands had it: getopt lists
		 * the candidates of an ambiguous abbreviation in this order. */
		ctl->opts = xcalloc(n + r + 1, sizeof(*ctl->opts));
		if (with_register)
			ctl->opts[0] = (struct option){ "register", required_argument, NULL, 'R' };
		memcpy(ctl->opts + r, longopts, n * sizeof(*ctl->opts));
		ctl->optstring = xasprintf("%s%s", optstring, with_register ? "R:" : "");
		ctl->opts_of = longopts;
	}
	/* getopt's own messages start with argv[0]: the whole command, not
	 * the bare subcommand ("verify: unrecognized option"). */
	prog = argc > 0 ? argv[0] : NULL;
	if (argc > 0)
		argv[0] = ctl->prog;
	while ((c = getopt_long(argc, argv, ctl->optstring, ctl->opts, NULL)) == 'R' && with_register)
		ctl->dir = optarg;
	if (argc > 0)
		argv[0] = prog;
	return c;
}

int ctl_getopt(struct ctl *ctl, int argc, char **argv, const char *optstring, const struct option *longopts)
{
	return getopt_of(ctl, 1, argc, argv, optstring, longopts);
}

int ctl_getopt_plain(struct ctl *ctl, int argc, char **argv, const char *optstring, const struct option *longopts)
{
	return getopt_of(ctl, 0, argc, argv, optstring, longopts);
}

int ctl_register(struct ctl *ctl, struct reg **out)
{
	if (!ctl->reg && ctl_open_register(ctl->dir, &ctl->reg))
		return -1;
	*out = ctl->reg;
	return 0;
}

int ctl_reopen_register(struct ctl *ctl)
{
	struct reg *nr = NULL;
	int rc;

	meta_clear_error();
	rc = reg_open(ctl->dir, &nr);
	/* The public keys were read again (a policy reload): the keyring
	 * the command was checked with checks them again. */
	if (rc == 0 && ctl->trusted)
		rc = reg_check_keyring(nr, ctl->trusted);
	if (rc) {
		reg_close(nr);
		return rc;
	}
	reg_close(ctl->reg);
	ctl->reg = nr;
	return 0;
}

static int run_command(const struct cmd *c, int argc, char **argv)
{
	struct ctl ctl = { .cmd = c->name };
	int rc;

	if ((c->flags & NEEDS_CRYPTO) && crypto_setup())
		return error("cannot initialise libsodium");
	if (c->flags & NEEDS_REGISTER)
		ctl.dir = ctl_register_default();
	optind = 0; /* glibc: reinitialise getopt for the command */
	rc = c->fn(argc, argv, &ctl);
	reg_close(ctl.reg);
	free(ctl.opts);
	free(ctl.optstring);
	free(ctl.prog);
	return rc;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	/* Before any jansson call: every block it frees is wiped first. */
	if (jsonmem_setup())
		return 1;
	/* Before a key, a passphrase or a decrypted page is in memory: no core
	 * file keeps them, no other process of the caller's reads them. */
	rc = util_no_core();
	if (rc < 0) {
		error("cannot make recctl non-dumpable: %s", strerror(-rc));
		return 1;
	}
	umask(077);
	/* A read lease (ingest's test of a file still open for writing)
	 * signs the process up for SIGIO should a writer open the file while
	 * it is held, and SIGIO's default ends the process (atk71 L1). */
	signal(SIGIO, SIG_IGN);
	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	/* -R DIR before the command, as after it (bb15 L8): the register
	 * of every command that takes one, unless the command is given its
	 * own; by the environment the commands read it from. */
	while (argc >= 2 && (!strcmp(argv[1], "-R") || !strcmp(argv[1], "--register") ||
			     !strncmp(argv[1], "--register=", 11) || (!strncmp(argv[1], "-R", 2) && argv[1][2]))) {
		const char *dir = !strncmp(argv[1], "--register=", 11) ? argv[1] + 11
				  : strcmp(argv[1], "-R") && strcmp(argv[1], "--register") ? argv[1] + 2
				  : argc >= 3 ? argv[2] : NULL;

		if (!dir || !*dir) {
			error("%s needs the register's folder", argv[1]);
			print_main_usage(stderr);
			return EXIT_USAGE;
		}
		if (setenv("RECFS_REGISTER", dir, 1) < 0) {
			error("cannot set the register: %s", strerror(errno));
			return 1;
		}
		if (dir == argv[2]) {
			argc--;
			argv++;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("recctl (recfs) %s\n", RECCTL_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_main_usage(stdout);
			return 0;
		}
		c = find_command(argv[2]);
		if (!c) {
			error("no command '%s'; see recctl --help", argv[2]);
			return EXIT_USAGE;
		}
		usage_show(c->usage);
		if (c->flags & NEEDS_REGISTER)
			printf("\nWith the environment as it is, the register is %s.\n", ctl_register_default());
		return 0;
	}
	if (argv[1][0] == '-') {
		error("unknown option '%s'", argv[1]);
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("no command '%s'; see recctl --help", argv[1]);
		return EXIT_USAGE;
	}
	return exit_status(run_command(c, argc - 1, argv + 1));
}
