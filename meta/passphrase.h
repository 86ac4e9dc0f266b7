/*
 * passphrase.h - getting a passphrase from the person or the script that
 * has it: the first line of a file, the first line a command prints, or a
 * line typed on the terminal with echo off.  What the passphrase opens (a
 * keyring, a protected recording) is the caller's business.
 */
#ifndef RECFS_PASSPHRASE_H
#define RECFS_PASSPHRASE_H

#include "crypto.h"
#include "util.h"

/* The longest passphrase accepted, in bytes. */
#define PASSPHRASE_MAX 1024

/*
 * Get a passphrase: the first line of passfile; else the first line that
 * extpass prints (run with /bin/sh -c, its standard output read to the end
 * and its exit status waited for); else, when both are NULL, a line typed
 * on the controlling terminal (/dev/tty) with echo off after printing
 * prompt (NULL prints nothing).  A trailing "\r" is dropped.
 *
 * On success *out is a new crypto_key that the caller frees with
 * crypto_key_free: the passphrase, NUL-terminated, ->len not counting the
 * NUL.  On failure *out is untouched and nothing of the input is left in
 * memory.  Not thread-safe when it asks the terminal (it changes the
 * terminal's modes).
 *
 * Returns 0, or -EINVAL (empty, or longer than PASSPHRASE_MAX), -ENOTTY (no
 * terminal to ask), -EIO (extpass exited with a non-zero status or was
 * killed), -ENOMEM, or the errno of the system call that failed (-ENOENT
 * for a missing passfile, ...).
 */
int passphrase_get(const char *passfile, const char *extpass, const char *prompt,
		   struct crypto_key **out) MUST_CHECK;

/*
 * The warning a passphrase file deserves, for the caller to print: when
 * group or others may read passfile, a malloc'd line (no "\n") that names
 * it and its mode and says to chmod 600 it; the caller frees it.  NULL
 * when they may not, or passfile cannot be examined (reading it says why).
 */
char *passphrase_file_warning(const char *passfile);

#endif
