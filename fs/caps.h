/*
 * caps.h - what callers of the mount may hold at once: open files, WAV
 * decoders and open folders, counted per uid and for the whole mount.
 *
 * Every open file costs the daemon memory and descriptors (a blob reader:
 * one or two fds; a WAV view: a decoder of up to OPUS_WAV_DECODER_BYTES
 * while it is read), and nothing a caller does may make those grow without
 * limit.  So an open is first counted here: a uid at its own cap is
 * refused with EMFILE, anyone once the mount is at its global cap with
 * ENFILE, the errnos open(2) gives for the per-process and the system-wide
 * table.  Open folders have caps of their own, much lower: a folder
 * handle keeps the snapshot it was opened in (readdir offsets stay valid),
 * so a caller who holds folders open while the register changes pins one
 * whole old snapshot per change, a size that grows with the register, not
 * the 16 KiB of an open file.  A uid's cap is at most half the global one, so no single uid
 * brings the mount to ENFILE for the others.  Each refused uid is reported (through the
 * log function given) at most once per CAPS_LOG_PERIOD seconds.
 * The uid given to every function here is the caller's limit key
 * (struct caller's limit: a subordinate uid of /etc/subuid is counted as
 * its owner, subuid.h), and a release names the key its acquire counted.
 * Thread-safe.
 */
#ifndef RECFS_FS_CAPS_H
#define RECFS_FS_CAPS_H

#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define CAPS_LOG_PERIOD 60	/* seconds between two reports of one uid */

/* Defaults of the mount options (recfs(8)). */
#define CAPS_HANDLES_PER_UID 1024
#define CAPS_HANDLES 8192
#define CAPS_DECODERS_PER_UID 8
#define CAPS_DECODERS 64
#define CAPS_DIRS_PER_UID 32
#define CAPS_DIRS 512
/* Descriptors kept out of the handles' reach: sqlite connections, the
 * passwd and group files, /proc (caller.c keeps CALLER_PROC_FDS open), the
 * prefetch and the audit queue. */
#define CAPS_FD_RESERVE 256
/* Descriptors one open file may hold (blob_reader: its fd and O_DIRECT's). */
#define CAPS_FDS_PER_HANDLE 2

struct caps_limits {
	unsigned handles_per_uid;	/* open files of one uid */
	unsigned handles;		/* open files of the mount */
	unsigned decoders_per_uid;	/* open WAV views of one uid */
	unsigned decoders;		/* open WAV views of the mount */
	unsigned dirs_per_uid;		/* open folders of one uid */
	unsigned dirs;			/* open folders of the mount */
};

/* Reports a refusal: prio (syslog), printf format. */
typedef void (*caps_log_fn)(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct caps;

/*
 * Counters for the limits l (copied).  A per-uid limit above half its
 * global one is lowered to that half; a limit of 0 is raised to 1.  log may be NULL (no
 * reports).  -ENOMEM.  *out owned by the caller: caps_free.
 */
int caps_new(const struct caps_limits *l, caps_log_fn log, struct caps **out) MUST_CHECK;
/* NULL is fine; every open must have been released. */
void caps_free(struct caps *c);
/* The limits in force (after caps_new's adjustments). */
void caps_limits(const struct caps *c, struct caps_limits *out);

/*
 * Count one more open file of uid, a WAV view when decoder is 1, at time
 * now (seconds, monotonic; for the reports).  0: counted, release it with
 * caps_release.  -EMFILE: uid is at one of its own caps; -ENFILE: the
 * mount is at a global one (nothing counted; reported once per
 * CAPS_LOG_PERIOD per uid).  -ENOMEM.
 */
int caps_acquire(struct caps *c, uid_t uid, int decoder, int64_t now) MUST_CHECK;
/*
 * The last CAPS_RESERVE_DIV-th of each mount-wide cap (max_handles,
 * max_decoders, max_dirs; rounded down, none of a cap under that) is kept
 * for callers of the rights level: caps_acquire and caps_acquire_dir
 * count against the rest.  Users of lower levels who together hold all
 * the rest (eight of them at max_handles_per_uid) would otherwise leave
 * the privacy officer unable to list a subject's folder or open a call
 * (ENFILE) while they flood (atk69).  caps_acquire_rights and
 * caps_acquire_dir_rights count a caller of the rights level (rights 1)
 * against the whole cap, any other as caps_acquire does.
 */
#define CAPS_RESERVE_DIV 16
int caps_acquire_rights(struct caps *c, uid_t uid, int decoder, int rights, int64_t now) MUST_CHECK;
int caps_acquire_dir_rights(struct caps *c, uid_t uid, int rights, int64_t now) MUST_CHECK;

/*
 * 1 when a refusal of uid at now made elsewhere (a level mount refusing a
 * caller of another level) is to be logged, by the same memory as the
 * caps' own refusals, so now is on their clock (caps_now()): the first
 * one, then at most one per CAPS_LOG_PERIOD per uid, exactly (each uid
 * has its own entry, dropped at its next refusal or release once it holds
 * nothing and its report is older than the period); else 0.  A clock that
 * went back, or no memory for the entry, logs.  Thread-safe.
 */
int caps_report_due(struct caps *c, uid_t uid, int64_t now);
/*
 * Refused requests cost a caller nothing, and each is an audit entry: a
 * flood of them would fill the register's disk.  So the first
 * CAPS_REFUSALS_PER_SEC refusals of a uid in a second (now, caps_now) get
 * an entry each (1), and past that budget only:
 * - a refusal that names a recording (name: what tells it apart, the
 *   action with the recording's id, "unlock ID"; NULL for any other
 *   refusal) of kind:
 *   CAPS_NAME_ACCESS, an access to it (ops.c access_of says which
 *   refusals are accesses: an open, read or unlock refused for what the
 *   recording holds, not a write-open or an open over caps);
 *   CAPS_NAME_RIGHTS, a rights command of a level below the rights level
 *   (rm, chmod 0, setfattr of a recording, or of a subject's folder:
 *   RECFS_RIGHTS, "erase ID below the rights level");
 *   the first of each name (caps_refusal_name) in the second, for CAPS_REFUSALS_PER_SEC
 *   names of each kind (those the budget logged included).  The two
 *   kinds have budgets of their own, so neither a flood of other
 *   refusals, nor of one recording's, nor of the other kind's, hides
 *   which recordings a user was refused; only more than
 *   CAPS_REFUSALS_PER_SEC names of one kind in one second can (counted
 *   as unnamed);
 * - any other refusal is counted (0).
 * So a uid that floods the mount gets at most 3 * CAPS_REFUSALS_PER_SEC
 * entries a second (the budget, and past it the names of each kind; the
 * budget's own named refusals use up names too), and one more that
 * counts the rest (the caller's, below).
 * *held: the counts of an earlier second not yet reported, set when this
 * call is the uid's first of a new second (else zero), for the caller to
 * log first as one entry.  No memory for the uid's entry: 1.  Thread-safe.
 */
#define CAPS_REFUSALS_PER_SEC 20
/*
 * The name caps_refusal_due tells a refusal apart by, into buf (size
 * bytes): "ACTION OBJECT REASON".  The reason is part of it, so that a
 * refusal any reader meets that happens to share an action and an object
 * with a command a user may not make (a chmod +w of a recording, EPERM; an
 * rmdir of a subject's folder that holds recordings) does not use up the
 * name of that command in the second (a chmod 0 or an rmdir through
 * another level's copy, ENOENT; a rights command the register refuses,
 * "below the rights level").  reason NULL: "".
 */
void caps_refusal_name(char *buf, size_t size, const char *action, const char *object, const char *reason);
enum caps_name {
	CAPS_NAME_ACCESS,	/* an open, read or unlock of a recording */
	CAPS_NAME_RIGHTS,	/* a rights command of a lower level */
	CAPS_NAME_KINDS
};
struct caps_held {
	uint64_t n;		/* refusals counted, not logged one by one */
	uint64_t unnamed;	/* of them, opens, reads and unlocks of a recording the second did not name */
	uint64_t unnamed_rights;	/* of them, rights commands the second did not name */
};
int caps_refusal_due(struct caps *c, uid_t uid, int64_t now, enum caps_name kind, const char *name,
		     struct caps_held *held);
/* Each uid's counted refusals not reported yet, of a second before
 * `before` (INT64_MAX: all, at unmount), to fn (under the caps' lock: fn
 * must not call into c), then forgotten.  Run every poll too, so that a
 * second's count is logged within a poll of its end, not only at the uid's
 * next refusal: a daemon killed before that lost it (atk25 F2). */
void caps_refusals_held(struct caps *c, int64_t before,
			void (*fn)(uid_t uid, const struct caps_held *held, void *ctx), void *ctx);
/* Give back what caps_acquire(c, uid, decoder, ...) counted; now as there. */
void caps_release(struct caps *c, uid_t uid, int decoder, int64_t now);
/* Open files and WAV views counted now, for uid (or the mount, when uid
 * is (uid_t)-1).  For tests and reports. */
void caps_count(struct caps *c, uid_t uid, unsigned *handles, unsigned *decoders);

/*
 * Count one more open folder of uid at time now (as caps_acquire).
 * Folders are counted apart from files: neither takes room from the
 * other.  0: counted, release it with caps_release_dir.  -EMFILE: uid is
 * at dirs_per_uid; -ENFILE: the mount is at dirs (nothing counted;
 * reported as caps_acquire's refusals, in the same once-per-period slot
 * of the uid).  -ENOMEM.
 */
int caps_acquire_dir(struct caps *c, uid_t uid, int64_t now) MUST_CHECK;
/* Give back what caps_acquire_dir(c, uid, ...) counted; now as there. */
void caps_release_dir(struct caps *c, uid_t uid, int64_t now);
/* Open folders counted now, for uid (or the mount, when uid is
 * (uid_t)-1).  For tests and reports. */
unsigned caps_count_dirs(struct caps *c, uid_t uid);

/*
 * Memory handed back while the mount runs: every CAPS_TICK seconds a
 * thread calls idle(now) (which frees what open files left unread for a
 * while hold: content_idle) and, when idle freed something or files or
 * folders were released since the last tick, malloc_trim(0), so that the
 * heap a flood of opens grew goes back to the system once they are closed.
 * 0, or a negative errno when the thread cannot start.  caps_stop (or
 * caps_free) joins it.
 */
#define CAPS_TICK 2	/* seconds */
int caps_start(struct caps *c, unsigned (*idle)(int64_t now)) MUST_CHECK;
/* Stop the thread of caps_start; NULL, or a mount where none runs, is fine. */
void caps_stop(struct caps *c);

/* Seconds on the monotonic clock, the now of caps_acquire and idle. */
int64_t caps_now(void);

/*
 * The global handle cap for a descriptor limit of nofile: at most
 * handles, and low enough that open files leave CAPS_FD_RESERVE
 * descriptors free (at least 1).
 */
unsigned caps_handles_for_fds(unsigned handles, uint64_t nofile);

#endif
