/*
 * audit.h - the tamper-evident audit log.
 *
 * Entries live in the catalog's audit table, each carrying
 *   hash = BLAKE2b-256(prev_hash || length-prefixed fields of the entry)
 * so editing, removing or reordering any entry breaks the chain from there
 * on; audit_verify names the first entry that does not fit.  The artifact
 * and login uid of an entry (schema 2) are hashed after the other fields
 * when either is set, so entries written before them hash as they did.  Every entry is
 * mirrored to syslog (facility authpriv).  An entry names ids and handles,
 * never names or contacts: callers must not put personal data in object or
 * reason.
 */
#ifndef RECFS_AUDIT_H
#define RECFS_AUDIT_H

#include <stdint.h>
#include <sys/types.h>

#include "catalog.h"
#include "util.h"

/*
 * Who acted. Strings may be NULL ("-").  loginuid is the audit login uid of
 * the process (/proc/PID/loginuid: who logged in, kept across su and sudo),
 * meaningful only when has_loginuid is 1: a zeroed actor has none.
 */
struct audit_actor {
	uid_t uid;
	const char *user;
	const char *level;
	pid_t pid;
	const char *comm;
	int has_loginuid;
	uid_t loginuid;
};

/*
 * One entry.  An entry about a recording names the recording id that the
 * mount shows (user.recfs.id) in object, and, when it concerns one of its
 * artifacts, the artifact as the mount names it in artifact: "opus" (the
 * audio), "wav" (its WAV view), "chat", "<n>.<ext>" (shared file n).
 * Entries written before schema 2 may name an artifact id in object.
 */
struct audit_entry {
	int64_t seq;
	int64_t time;
	struct audit_actor actor;
	const char *action;	/* "open", "erase", "restrict", "ingest", ... */
	const char *object;	/* recording id, handle, or NULL */
	const char *outcome;	/* "ok", "refused", "error", "skipped" */
	const char *reason;	/* errno name or text, may be NULL */
	const char *artifact;	/* see above; NULL when the entry is not about one artifact */
};

/* The actor for this process (getuid, its user name, getpid, comm, login uid). */
void audit_self(struct audit_actor *a, const char *level);
/*
 * The login uid of process pid into *a (has_loginuid 0 when it has none:
 * unset, 4294967295, or unreadable).  The mount calls it for its callers.
 */
void audit_loginuid(pid_t pid, struct audit_actor *a);

/*
 * Append entries.  When the catalog has a transaction open (catalog_begin),
 * they join it and become durable with it; otherwise they are written in a
 * transaction of their own.  n may be > 1 for batching (the mount).
 */
int audit_append(struct catalog *c, const struct audit_entry *e, size_t n) MUST_CHECK;
/* Convenience for one entry. */
int audit_log(struct catalog *c, const struct audit_actor *a, const char *action, const char *object,
	      const char *outcome, const char *reason) MUST_CHECK;
/* The same for an entry about one artifact of recording (artifact as
 * naming_label names it). */
int audit_log_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
		       const char *artifact, const char *outcome, const char *reason) MUST_CHECK;

/*
 * Log a refusal ("refused", why) and return err with "ACTION refused: WHY"
 * in meta_errmsg(), so that refusing code reads `return audit_refuse(...)`.
 * The refusal stands even when it cannot be logged.
 */
int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why);
/* The same about one artifact of recording (NULL artifact: audit_refuse). */
int audit_refuse_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
			  const char *artifact, int err, const char *why);

/*
 * Walk the log (object NULL: all; else entries for that object) in order;
 * strings valid during the call only.
 */
int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx);
/*
 * Walk the entries that f selects (catalog.h: every condition set must
 * hold), in order; strings valid during the call only.  fn returning
 * non-zero stops the walk and is returned; else 0 or the catalog's error
 * (-E2BIG when f names more than CATALOG_AUDIT_OBJECTS_MAX objects).
 */
int audit_each_where(struct catalog *c, const struct cat_audit_filter *f,
		     int (*fn)(const struct audit_entry *, void *), void *ctx);

/*
 * Check the chain.  0 when intact (*count = entries checked); -EBADMSG when
 * broken, with *bad = seq of the first entry that was edited or moved (its
 * hash does not follow), or that is missing (a gap in seq, or entries cut
 * off the end: then the first one cut), and a message in meta_errmsg().
 */
int audit_verify(struct catalog *c, int64_t *count, int64_t *bad) MUST_CHECK;

#endif
