/*
 * recctl.h - what the subcommands of recctl share: the command table entry
 * and the set-up main() does for it (struct ctl: the register), error and
 * usage reporting, the defaults for register and keyrings, and loading
 * keyrings with a passphrase when they need one.
 *
 * A command returns 0 on success, -1 on failure (error() has printed the
 * one line), -2 on a usage error (usage_error() has printed the usage), or
 * a positive exit status of its own.  main() turns that into the exit
 * status: 0, 1, 2.
 */
#ifndef RECFS_RECCTL_H
#define RECFS_RECCTL_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "audit.h"
#include "keys.h"
#include "register.h"
#include "util.h"

#define RECCTL_VERSION "0.1"

#define EXIT_USAGE 2

/* What main() prepares before running a command. */
enum {
	NEEDS_CRYPTO = 1 << 0,		/* crypto_setup() (libsodium) */
	NEEDS_REGISTER = 1 << 1,	/* works on a register: struct ctl; `help` shows the default in effect */
};

/*
 * The set-up main() does for a NEEDS_REGISTER command (git's RUN_SETUP):
 * it resolves the register directory before the command runs and closes
 * the register after it returns.  The register is opened at the command's
 * first ctl_register(), once it has checked its arguments, so that a usage
 * error stays a usage error (exit 2) where no register exists.  One thread.
 */
struct ctl {
	const char *dir;	/* -R DIR, else $RECFS_REGISTER, else REGISTER_DEFAULT;
				 * NULL for commands without NEEDS_REGISTER */
	struct reg *reg;	/* NULL until ctl_register(); main() closes it */
	struct option *opts;	/* private to ctl_getopt(): the command's options and -R */
	char *optstring;	/* private to ctl_getopt() */
	const struct option *opts_of;	/* private: whose options opts extends */
	const char *cmd;	/* the command's name ("audit") */
	char *prog;		/* private to ctl_getopt(): "recctl audit show", for getopt's messages */
	const struct keyring *trusted;	/* set by ctl_check_keyring: every later
					 * ctl_reopen_register checks against it */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctl *ctl);
	unsigned flags;
	const char *usage;	/* full usage text, first line "usage: ..." */
	const char *summary;	/* one line for `recctl --help` */
};

/* Usage texts, one per command (printed by --help, help CMD, usage errors). */
extern const char usage_init[], usage_policy[], usage_keys[], usage_ingest[], usage_register[],
	usage_audit[], usage_fsck[];

int cmd_init(int argc, char **argv, struct ctl *ctl);
int cmd_policy(int argc, char **argv, struct ctl *ctl);
int cmd_keys(int argc, char **argv, struct ctl *ctl);
int cmd_ingest(int argc, char **argv, struct ctl *ctl);
int cmd_register(int argc, char **argv, struct ctl *ctl);
int cmd_audit(int argc, char **argv, struct ctl *ctl);
int cmd_fsck(int argc, char **argv, struct ctl *ctl);
extern const char usage_watch[];
extern const char usage_protect[], usage_unlock[];
int cmd_protect(int argc, char **argv, struct ctl *ctl);
int cmd_unlock(int argc, char **argv, struct ctl *ctl);
int cmd_lock(int argc, char **argv, struct ctl *ctl);
int cmd_watch(int argc, char **argv, struct ctl *ctl);
extern const char usage_retention[], usage_subject[], usage_request[];
int cmd_retention(int argc, char **argv, struct ctl *ctl);
int cmd_subject(int argc, char **argv, struct ctl *ctl);
int cmd_request(int argc, char **argv, struct ctl *ctl);

/* "recctl: <msg>" on stderr; returns -1 so callers `return error(...)`. */
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "recctl: warning: <msg>" on stderr. */
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* warning("%s", msg), unless this process said the same already (a file
 * two loads of one command looked at is warned of once). */
void warning_once(const char *msg);
/* The warnings of a policy read from file that a command accepts, one
 * warning() each: its own (a text missing in a language), levels whose
 * group or users this host does not know, or that nobody has, and an
 * authority named by default (cmd_policy.c).  init, policy check and
 * policy apply say them. */
struct policy;
void warn_policy(const char *file, const struct policy *pol);
/* warning_once of passphrase_file_warning(passfile): group or others may
 * read it.  NULL passfile: nothing. */
void ctl_warn_passfile(const char *passfile);
/*
 * The --passphrase-file options of an export, RECORDING=FILE (RECORDING
 * its id or the 8 hex digits of its file name), with each recording's full
 * id: ctl_passfiles_resolve reads the list l (a usage error with usage, or
 * an error printed: non-zero); ctl_passfile_of is the export's
 * export_passphrase_fn (ctx the struct): the first line of the file given
 * for the recording; ctl_passfiles_free frees what resolve made.
 */
struct ctl_passfiles {
	size_t n;
	char (*id)[RECFS_ID_HEX];
	const char **file;
};
int ctl_passfiles_resolve(struct reg *r, const char *usage, const struct strlist *l, struct ctl_passfiles *pf);
int ctl_passfile_of(void *ctx, const char *recording, struct crypto_key **pass);
void ctl_passfiles_free(struct ctl_passfiles *pf);
/* "recctl: <msg>" and the usage text on stderr; returns -2 (exit 2).  fmt
 * may be NULL for the usage alone. */
int usage_error(const char *usage, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The usage text on stdout; returns 0 (for --help). */
int usage_show(const char *usage);

/* Long options every command accepts; put HELP_OPTION in each table and
 * call usage_show() on 'h'. */
#define HELP_OPTION { "help", no_argument, NULL, 'h' }

/* The register directory: $RECFS_REGISTER, else REGISTER_DEFAULT. */
const char *ctl_register_default(void);
/* The ingest keyring: $RECFS_KEYRING, else /etc/recfs/ingest.keyring. */
const char *ctl_keyring_default(void);
/* Where init and policy apply write keyrings: /etc/recfs. */
#define CTL_KEYRING_DIR "/etc/recfs"
/* The audit verification key's file name in that directory. */
#define CTL_VERIFY_KEY "audit-verify.key"
/* An --audit-epoch argument: 1..AUDIT_EPOCH_MAX seconds into *out, or the
 * command's usage error (-2). */
int ctl_audit_epoch(const char *usage, const char *arg, int64_t *out);
/* Tell the operator that path holds the verification key and that it
 * belongs off this host. */
void ctl_print_verify_key_note(const char *path);
/* Tell the operator on stderr, when REGISTER/quarantine holds anything,
 * that no search reads it: a refused manifest and its files stay there in
 * the clear, and may be the person's (bb7 F5). */
void ctl_note_quarantine(struct reg *r);
/* A copy of arg, an argument that may hold personal text (a name searched
 * for, a note, a ground), kept in *keep (wiped and freed by ctl_drop_args); arg's
 * bytes in argv are wiped, so that /proc/PID/cmdline, which every local
 * user reads, no longer shows it once recctl has parsed it (atk23 F2). */
const char *ctl_take_arg(struct strlist *keep, char *arg);
/* The subjects that hold one of handle's phone numbers, e-mails or
 * references too (catalog_index_sharers), as {"ref": ["S-..."], ...};
 * *out NULL on an error, which is returned. */
int ctl_shared_identifiers(struct reg *r, const char *handle, json_t **out);
/* Tell the operator on stderr, when other subjects hold one of handle's
 * identifiers too, which, and that an answer or export of handle covers
 * its recordings alone (bb11 F3): subject find marks them shared=, and
 * the officer who answers from show or answer must know it too. */
void ctl_note_shared(struct reg *r, const char *handle);
/* Wipe every text of keep (ctl_take_arg's copies, a line read for one),
 * then free them. */
void ctl_drop_args(struct strlist *keep);
/* The passphrase file named by $RECFS_PASSFILE, or NULL. */
const char *ctl_passfile_default(void);

/*
 * getopt_long(3) over the command's options (optstring, longopts) and
 * -R/--register DIR, which it takes itself: DIR replaces ctl->dir.
 * Returns the next other option as getopt_long does (optarg and optind
 * with it), or -1 at the end.  argv and the strings given stay the
 * caller's; ctl keeps the merged table until main() frees it.  The
 * command's own options must not use R or "register".
 */
int ctl_getopt(struct ctl *ctl, int argc, char **argv, const char *optstring, const struct option *longopts);
/* ctl_getopt for the commands that take no register (-R is no option of theirs). */
int ctl_getopt_plain(struct ctl *ctl, int argc, char **argv, const char *optstring, const struct option *longopts);
/* The subcommand whose synopsis a usage error shows (ctl_getopt sets it). */
void usage_subcommand(const char *word);
/*
 * The register at ctl->dir, opened at the first call and the same one
 * after; *out stays owned by ctl (main() closes it).  0, or -1 with one
 * line printed.
 */
int ctl_register(struct ctl *ctl, struct reg **out);
/*
 * Open the register at ctl->dir again (its policy.conf changed) and
 * replace ctl->reg with it; pointers to the old one are stale then.  On
 * failure the old one stays in place and nothing is printed: a negative
 * errno, meta_errmsg() saying why when it can.
 */
int ctl_reopen_register(struct ctl *ctl) MUST_CHECK;
/*
 * Open the register at dir, printing one line on failure.  0 or -1.  The
 * caller closes *out with reg_close(); commands that take -R use
 * ctl_register() instead.
 */
int ctl_open_register(const char *dir, struct reg **out);
/*
 * reg_check_keyring of the open register (ctl_register first) against kr,
 * which the command keeps until it returns: its refusal said on stderr
 * (1), or 0.  Every later ctl_reopen_register checks the register it
 * opens against kr too.
 */
int ctl_check_keyring(struct ctl *ctl, const struct keyring *kr);
/* The highest of the register's levels whose secret key kr holds (the
 * register's key, not one of the same name), or NULL: the level a
 * disclosure made with kr is logged under. */
const char *ctl_keyring_level(const struct reg *r, const struct keyring *kr);

/*
 * A passphrase for a new keyring: from passfile when given, else asked on
 * the terminal twice (they must match).  0 or -1 (error printed).
 */
int ctl_new_passphrase(const char *passfile, struct crypto_key **out);
/* A warning_once for each of reg_mode_warnings(r): the register's folder,
 * keys/ or blobs/ writable by group or others. */
void ctl_warn_modes(const struct reg *r);
/* A warning that r's blind index needs `recctl subject reindex`, when it
 * does (subject_reindex_advised): said by the commands that look subjects
 * up by phone, e-mail or reference. */
void ctl_warn_reindex(struct reg *r);
/* 0 when the policy of the register in dir has texts in lang, else -1
 * after saying which languages it has. */
int ctl_check_lang(const struct policy *p, const char *dir, const char *lang);
/*
 * The recording that X names, as a full id in id, or else its 8 hex digits
 * in id (a recording no longer in the catalog: erased, its entries stay).
 * X: a path on a mount (its user.recfs.id, when the caller may read it;
 * else its name), a file name or stem (<time>_<source>_<8 hex>[.ext]), 32
 * or 8 hex digits.  *is_prefix 0 for a full id; 1 for the digits of a
 * recording not in the catalog; CTL_PREFIX_SHARED (id: the digits) when X
 * is a name whose digits a recording in the catalog has under another
 * name (its time or source): the entries of those digits are of both;
 * CTL_ID_DIGITS (id: the full id) when X was the 8 digits alone and a
 * recording in the catalog has them (an erased one may have had them
 * too).  The two are a recording's id for no caller but audit show,
 * which looks for the erased.  0; -EINVAL when X is
 * none of these, -1 when it names more than one recording or the catalog
 * fails (each said, with what: the option or argument X was given as).
 */
#define CTL_PREFIX_SHARED 2
#define CTL_ID_DIGITS 3
int ctl_recording_id(struct catalog *cat, const char *what, const char *x, char id[RECFS_ID_HEX], int *is_prefix);

/*
 * Load the keyring files in paths[0..n) and merge them into one.  A
 * passphrase-protected file is opened with the passphrase from passfile
 * (or $RECFS_PASSFILE), else asked on the terminal once and reused for the
 * others.  0 or -1 (error printed).
 */
int ctl_load_keyrings(char *const *paths, size_t n, const char *passfile, struct keyring **out);


#endif
