/*
 * util.h - small helpers every module of libmeta shares: the thread-local
 * error message, ids, UTC time, durable file operations, and a string
 * builder.
 *
 * Error convention of all of libmeta: functions return 0 or a negative errno
 * and set their out-parameters only on success.  A function that fails for a
 * reason a person should read also leaves one line in meta_errmsg() (as
 * sqlite keeps its last error message); the line never contains personal
 * data.
 */
#ifndef RECFS_UTIL_H
#define RECFS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define MUST_CHECK __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Random ids of recordings, artifacts and sealed records (made by
 * crypto_new_id). */
/* 1 in a build with AddressSanitizer, by GCC's macro or clang's feature
 * test (clang 14 defines only the feature). */
#if defined(__SANITIZE_ADDRESS__)
#define UTIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UTIL_ASAN 1
#endif
#endif
#ifndef UTIL_ASAN
#define UTIL_ASAN 0
#endif

#define RECFS_ID_BYTES 16
#define RECFS_ID_HEX (RECFS_ID_BYTES * 2 + 1)

/*
 * Set the calling thread's last error message (printf format) and return
 * err, so that callers can write `return meta_fail(-EINVAL, "...")`.
 */
int meta_fail(int err, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The calling thread's last message; "" when none.  Valid until the next
 * meta_fail() on this thread. */
const char *meta_errmsg(void);
/* Forget the last message. */
void meta_clear_error(void);
/*
 * What a failure of rc (a negative errno) says to a person: meta_errmsg()
 * when the failing call left one, else strerror(-rc).  Callers clear the
 * message (meta_clear_error) before the call whose failure they report.
 * The string is static or thread-local: valid until the next meta_fail()
 * or strerror() on this thread; never free it.
 */
const char *meta_strerror(int rc);
/*
 * The symbolic name of an errno, the one vocabulary of refusal reasons in
 * the audit log whoever writes them: "EACCES" for EACCES or -EACCES, "ok"
 * for 0, "ENOTSUP" for ENOTSUP (glibc calls that value EOPNOTSUPP), and
 * "error" for a number that is no errno.  A static string; never NULL.
 */
const char *meta_errname(int err);

/* 1 when s is a well-formed id (32 lower-case hex digits), else 0. */
int util_is_id(const char *s);
/* The length of s when it is lower-case hex digits alone, else 0: an id,
 * or the digits it starts with (a file name's 8, a tag's). */
size_t util_hex_len(const char *s);
/*
 * s as a log or an error may echo a name typed where a policy name (a
 * source, purpose, recipient) goes: s when it looks like one (lower-case
 * letters, digits, '-' and '_', at most 32, at most 5 digits), else a
 * word saying why it is not shown; "(none)" for NULL.
 */
const char *util_safe_name(const char *s);
/* 1 when the n bytes at text are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF), else 0.  NUL bytes are valid. */
int util_utf8_valid(const void *text, size_t n);

/* 1 when s (NUL-terminated) is valid UTF-8 with no control character,
 * C1 control, line separator or bidirectional override (what
 * util_escape_for_log escapes, backslash aside): printable on one line as
 * it is.  0 otherwise. */
int util_is_log_safe(const char *s);
/* The offset in the n bytes at s of the first control point (as
 * util_is_log_safe refuses; a tab too unless flags has UTIL_CTRL_TAB; the
 * invisible bidirectional marks LRM, RLM, ALM and a byte order mark too
 * with UTIL_CTRL_MARKS) or of the first byte that starts no UTF-8
 * character, its code point (or that byte) in *cp when cp is not NULL; n
 * when there is none.  A card value keeps its marks (an Arabic or Hebrew
 * name may need them); a policy's text does not (recfs-policy(5)). */
#define UTIL_CTRL_TAB 1u
#define UTIL_CTRL_MARKS 2u
size_t util_find_control(const char *s, size_t n, unsigned flags, uint32_t *cp);
/*
 * s as it may go into one line of a log, an audit reason, a terminal or a
 * text file, whoever chose it (a manifest's file name): a backslash is
 * doubled; newline, carriage return and tab become a backslash and n, r or
 * t; every byte of any other control character (C0, DEL, C1, the Unicode
 * line and paragraph separators, bidirectional overrides and isolates)
 * and every byte of malformed UTF-8 becomes \xNN (lower-case hex).
 * Everything else, well-formed UTF-8 included, stays as it is, so the
 * result is well-formed UTF-8 without a control character and reads back
 * unambiguously.  NULL gives "(null)".  malloc'd (aborts when memory runs
 * out, as xstrdup); the caller frees it.
 */
char *util_escape_for_log(const char *s);
/*
 * json, the text of a JSON document as json_dumps writes it, with every
 * code point of that same set from DEL up (DEL, C1, U+2028/U+2029,
 * bidirectional overrides and isolates) written as a \uXXXX escape.  A
 * JSON writer escapes only C0 inside a string, so a recorder's text keeps
 * the rest raw, and a terminal acts on them when a person cats the file;
 * escaped, the file parses to the same values.  Everything else (names
 * with umlauts, the writer's own newlines between values) stays as it
 * is: JSON_ENSURE_ASCII would escape every letter outside ASCII too.
 * malloc'd (aborts when memory runs out); the caller frees it, wiping it
 * first when json held personal data.
 */
char *util_escape_json_controls(const char *json);
/*
 * s as one space-separated field of a log line ("key=value ..." or a
 * column): util_escape_for_log's form with every space written \x20 too,
 * and every byte of a character that reads as a space or as nothing
 * (U+00A0, U+061C, U+1680, U+180E, U+2000..U+200F, U+2028..U+202F,
 * U+205F..U+206F, U+3000, U+FEFF) as \xNN; "-" for NULL or "".  A process
 * chooses its own name (prctl): raw, a space of any kind would forge the
 * fields after it.  malloc'd; the caller frees it.
 */
char *util_escape_field(const char *s);

/* A growable list of ids; start it zeroed, free with idlist_free. */
struct idlist {
	char (*id)[RECFS_ID_HEX];
	size_t n;
};
void idlist_add(struct idlist *l, const char *id);
void idlist_free(struct idlist *l);
/* Whether l holds id from its from-th entry on: 1 or 0. */
int idlist_has(const struct idlist *l, size_t from, const char *id);

/* A growable list of strings (copies), v NULL-terminated once it has one;
 * start it zeroed, free with strlist_clear. */
struct strlist {
	char **v;
	size_t n;
};
void strlist_add(struct strlist *l, const char *s);
void strlist_clear(struct strlist *l);

/* "2026-11-28T10:15:00Z" (also with fraction or +hh:mm offset) -> epoch.
 * -EINVAL when s is not of that shape, -ERANGE when it is but names no
 * such time (month 13, 30 February, hour 24) or one before 1970 or after
 * 9999. */
int util_parse_time(const char *iso, int64_t *out) MUST_CHECK;
/* The same, and in *us the fraction of the second in microseconds (its
 * first six digits), -1 when the time has none. */
int util_parse_time_us(const char *iso, int64_t *out, int64_t *us) MUST_CHECK;
/* "YYYY-MM-DD" -> epoch of that day's 00:00 UTC. */
int util_parse_date(const char *s, int64_t *out) MUST_CHECK;
/* epoch -> "2026-11-28T10:15:00Z" (out: 21 bytes). */
void util_format_time(int64_t t, char out[21]);
/* epoch -> "2026-11-28" (out: 11 bytes). */
void util_format_date(int64_t t, char out[11]);
/*
 * Epoch t as a letter gives it, in time zone tz (an IANA name the policy
 * checked, policy_time_zone_ok; NULL: UTC): its day "2026-11-28" into
 * day, "12:15" into hm, and the zone's abbreviation at that instant
 * ("EET", "EEST", "CET", "UTC") into zone.  It sets TZ for the call and
 * puts it back: for a single-threaded caller (recctl's letters), never
 * the mount.
 */
void util_format_local(int64_t t, const char *tz, char day[11], char hm[6], char zone[16]);
/* util_format_local's day alone. */
void util_format_local_date(int64_t t, const char *tz, char day[11]);
/* "YYYY-MM-DD" -> epoch of that day's first instant in time zone tz (NULL:
 * UTC, util_parse_date): a day the controller names, as a letter gives it
 * back.  -EINVAL.  Sets TZ for the call, as util_format_local. */
int util_parse_local_date(const char *s, const char *tz, int64_t *out) MUST_CHECK;
/* The first instant of the day t falls on in time zone tz (NULL: UTC). */
int64_t util_local_day_start(int64_t t, const char *tz);
/* Where the tz database is (Debian's tzdata): a zone is read from there,
 * whatever TZDIR says (atk46 F8). */
#define UTIL_ZONEINFO "/usr/share/zoneinfo"
/* The epoch of 00:00 UTC of the day t falls on (util_format_date's day). */
int64_t util_day_start(int64_t t);
/* epoch -> "20261128T101500Z" (out: 17 bytes), the form used in file names.
 * A time whose stamp would not fit (after year 9999, before year 0) gets
 * its epoch seconds in decimal instead, cut to 16 characters. */
void util_format_stamp(int64_t t, char out[17]);
/* t plus n calendar months (clamped to the month's last day). */
int64_t util_add_months(int64_t t, int n);
/* Current time (seconds).  The test build alone (-DRECFS_TEST_HOOKS)
 * honours $RECFS_NOW (epoch or ISO 8601), so that tests can move the
 * clock for retention and the audit log's epochs. */
int64_t util_now(void);
/* The same clock in microseconds since the epoch (in the test build,
 * $RECFS_NOW's second times 1,000,000 when it is set). */
int64_t util_now_us(void);
/* a / b rounded down (b > 0), for times before 1970 too. */
int64_t util_floor_div(int64_t a, int64_t b);
/* Seconds of CLOCK_MONOTONIC: for ages and timeouts, which setting the
 * clock (or $RECFS_NOW) must not move. */
int64_t util_monotonic(void);
/* *ts = CLOCK_REALTIME now + ms (0 <= ms < 1000 * 1000): the deadline of a
 * pthread_cond_timedwait. */
struct timespec;
void util_deadline_ms(struct timespec *ts, long ms);

/*
 * Open path for reading without trusting what it names: a file that
 * someone else writes (a recorder's spool) may be swapped between a check
 * and the open.  What is no regular file by its name (lstat) is not opened
 * at all (a device's open has effects); then O_NOFOLLOW (a symbolic link
 * is -ELOOP), O_NONBLOCK so that opening a FIFO or a device swapped in
 * meanwhile does not wait for a writer, and the type is checked again on
 * the descriptor: anything but a regular file is -EINVAL.
 * O_NONBLOCK is cleared before the descriptor is returned (O_CLOEXEC; the
 * caller closes it); *st, when not NULL, is filled from it.  Otherwise
 * -errno, and nothing stays open: -ENOENT, -EACCES, -EAGAIN (a lease is
 * held on it: the open did not wait for it to break).
 */
int util_open_regular(const char *path, struct stat *st) MUST_CHECK;
/*
 * Read a whole regular file of at most max bytes into a malloc'd buffer
 * (NUL added past len), opened with util_open_regular (-ELOOP, -EINVAL).
 * -EFBIG when larger.  The caller frees *out.
 */
int util_read_file(const char *path, size_t max, uint8_t **out, size_t *len) MUST_CHECK;
/* Write len bytes to path atomically and durably: an unnamed file in the
 * same directory (O_TMPFILE), fsync, then linked as path, or, when path
 * exists, as a temp name renamed over it at once; fsync of the directory.
 * A kill part-way leaves no copy beside path (only the instant between
 * that link and the rename of a replacement).  Where the file system has
 * no O_TMPFILE: a named temp file (path.tmp.XXXXXX), fsync, rename. */
int util_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode) MUST_CHECK;

/*
 * Ownership inside a register.  A register belongs to the owner and group of
 * its folder (root, or the user its mounts run as: recctl init --owner).
 * Every file and folder libmeta creates inside a register goes through one
 * of these three, so that what root creates there (a new recording's blob
 * and its blobs/xx/ folder, policy.conf, the catalog) takes the owner and
 * group of the folder it is created in, and through it the register's: a
 * mount running as the owner can read and unlink it.  Modes are not
 * changed (owner-only).  When the process does not run as root (effective
 * uid not 0), or owner and group already match, nothing is changed, so a
 * root-owned register, or one written by its owner, costs one stat.  No
 * locking; thread-safe.
 */
/*
 * Give the file or folder at path, which this process has just created,
 * the owner and group of the folder that holds path.  fd is an open
 * descriptor of it (the caller keeps it), or negative: then path is opened
 * (O_NOFOLLOW) for the change and closed again.  0, or -errno of stat(2)
 * of the folder, of open(2), or of fchown(2) (-EPERM for a root without
 * CAP_CHOWN, e.g. a systemd unit that drops it).
 */
int util_adopt_owner(int fd, const char *path) MUST_CHECK;
/* getpwnam(3)'s "not found" from a *_r call's return code: 0 (with no
 * result) or one of the codes the page lists for it. */
int util_nss_not_found(int rc);
/* The gid of group name: 0 (*gid set), -ENOENT when there is no such
 * group (or name is NULL), else -errno (the group database could not be
 * read).  A group of any number of members: the buffer grows as
 * getgrnam_r asks (ERANGE), up to 64 MiB. */
int util_group_gid(const char *name, gid_t *gid) MUST_CHECK;
/*
 * mkdir(path, mode), then util_adopt_owner of the new folder.  0; -EEXIST
 * when path exists (its owner is left as it is); -errno of mkdir or of the
 * adoption, and then the new folder is removed again.
 */
int util_mkdir_adopt(const char *path, mode_t mode) MUST_CHECK;
/*
 * util_write_file_atomic whose file takes the owner and group of its
 * folder (util_adopt_owner) before it is renamed into place, so that no
 * one ever sees it with another owner.  Same returns, plus those of
 * util_adopt_owner.
 */
int util_write_file_adopt(const char *path, const void *buf, size_t len, mode_t mode) MUST_CHECK;
/* fsync a directory. */
int util_fsync_dir(const char *dir) MUST_CHECK;
/*
 * Ask the kernel to read the regular file path into the page cache, from
 * start to end, in large requests, without waiting for them: a reader that
 * then walks it in another order (a b-tree) finds its pages there or on
 * their way instead of asking for them one at a time.  A file larger than
 * a quarter of the machine's memory is left alone (0: it would only push
 * out other pages).  Returns the bytes asked for, or util_open_regular's
 * negative errno (a FIFO or link in the file's place is refused at once).
 * Never on a file that a sqlite connection of this process has open: the
 * close(2) at its end drops every POSIX lock the process holds on the
 * file, sqlite's among them, and other processes may then write under a
 * reader (a catalog read as damaged, seen in the tests).
 */
int64_t util_prefetch(const char *path);
/* mkdir -p with mode for each created component. */
int util_mkdir_p(const char *path, mode_t mode) MUST_CHECK;
/* Write all of buf at the current position, retrying on EINTR and short
 * writes. */
int util_write_all(int fd, const void *buf, size_t len) MUST_CHECK;
/* Read exactly len bytes at off; -EIO on a short read. */
int util_pread_all(int fd, void *buf, size_t len, off_t off) MUST_CHECK;
/* Copy a regular file durably (used when rename() crosses file systems);
 * from is opened with util_open_regular (-ELOOP, -EINVAL).  Its holes stay
 * holes: a sparse file's copy takes the room of its data.  The copy is
 * named only once whole (O_TMPFILE, where the file system has it): a crash
 * part-way leaves nothing at to.  -EEXIST when to exists. */
int util_copy_file(const char *from, const char *to, mode_t mode) MUST_CHECK;
/* util_copy_file of at most max bytes of data (holes not counted): a file
 * that holds more (however it grows while it is read) is -EFBIG, and `to`
 * is removed.  *copied (when not NULL) is what was copied. */
int util_copy_file_max(const char *from, const char *to, mode_t mode, uint64_t max, uint64_t *copied) MUST_CHECK;
/* rename(), falling back to copy+unlink across file systems, which only a
 * regular file takes: anything else (a FIFO, a symbolic link) there is
 * -EINVAL, and from is left where it is. */
int util_move_file(const char *from, const char *to) MUST_CHECK;
/* util_move_file copying at most max bytes: a file larger than max is
 * -EFBIG unread, one that grows past it while copied -EFBIG too
 * (util_copy_file_max); from is then left where it is.  *copied is what a
 * copy took, 0 for a rename. */
int util_move_file_max(const char *from, const char *to, uint64_t max, uint64_t *copied) MUST_CHECK;
/*
 * rm -rf of path, a directory tree (or a file): by names relative to the
 * folder that holds them, so that a folder swapped for a symbolic link
 * while it is removed is unlinked and never followed (the tree may be a
 * spool writer's: the quarantine).  It stays on path's file system.  A
 * tree of any depth is removed with at most 256 descriptors open: a folder
 * met that deep is moved up to path under a name of its own (.recfs-rm-N)
 * and removed by a further pass.  0, or the last error met (-EXDEV for a
 * mount inside it, -ELOOP for a tree its writer keeps deepening past a
 * million folders while it is removed); what could be is removed.
 */
int util_remove_tree(const char *path);
/*
 * For a process that holds keys, passphrases or decrypted media: no core
 * file (not dumpable, and a core size limit of 0 for a core_pattern pipe
 * such as systemd-coredump, which honours it), and no other process of
 * its user may ptrace it or read /proc/PID/mem or environ.  Children it
 * forks keep both; an exec resets dumpability.  0 or -errno.
 */
int util_no_core(void) MUST_CHECK;

/*
 * A growable string, built by appending.  Start it zeroed
 * (struct strbuf b = { 0 }); s is NUL-terminated once anything was added.
 * Out of memory aborts, as with xrealloc.  One owner, no locking.
 */
struct strbuf {
	char *s;
	size_t len, cap;
};
/* Append printf(fmt, ...) to b. */
void strbuf_addf(struct strbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Append n copies of the character c to b. */
void strbuf_addchars(struct strbuf *b, char c, size_t n);
/* The string, malloc'd ("" when nothing was added): the caller frees it.
 * b is empty again, ready for reuse. */
char *strbuf_detach(struct strbuf *b);
/* Free b's string; b is empty again.  NULL-safe. */
void strbuf_release(struct strbuf *b);

/* asprintf that aborts on out of memory; the caller frees. */
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);

#endif
