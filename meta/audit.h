/*
 * audit.h - the tamper-evident audit log.
 *
 * Entries live in the catalog's audit table, each carrying
 *   hash = BLAKE2b-256(prev_hash || length-prefixed fields of the entry)
 * so editing, removing or reordering any entry breaks the chain from there
 * on; audit_verify names the first entry that does not fit.  Every entry is
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

/* Who acted. Strings may be NULL ("-"). */
struct audit_actor {
	uid_t uid;
	const char *user;
	const char *level;
	pid_t pid;
	const char *comm;
};

struct audit_entry {
	int64_t seq;
	int64_t time;
	struct audit_actor actor;
	const char *action;	/* "open", "erase", "restrict", "ingest", ... */
	const char *object;	/* recording/artifact id, handle, or NULL */
	const char *outcome;	/* "ok", "refused", "error", "skipped" */
	const char *reason;	/* errno name or text, may be NULL */
};

/* The actor for this process (getuid, its user name, getpid, comm). */
void audit_self(struct audit_actor *a, const char *level);

/*
 * Append entries.  When the catalog has a transaction open (catalog_begin),
 * they join it and become durable with it; otherwise they are written in a
 * transaction of their own.  n may be > 1 for batching (the mount).
 */
int audit_append(struct catalog *c, const struct audit_entry *e, size_t n) MUST_CHECK;
/* Convenience for one entry. */
int audit_log(struct catalog *c, const struct audit_actor *a, const char *action, const char *object,
	      const char *outcome, const char *reason) MUST_CHECK;

/*
 * Log a refusal ("refused", why) and return err with "ACTION refused: WHY"
 * in meta_errmsg(), so that refusing code reads `return audit_refuse(...)`.
 * The refusal stands even when it cannot be logged.
 */
int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why);

/*
 * Walk the log (object NULL: all; else entries for that object) in order;
 * strings valid during the call only.
 */
int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx);

/*
 * Check the chain.  0 when intact (*count = entries checked); -EBADMSG when
 * broken, with *bad = seq of the first entry that was edited or moved (its
 * hash does not follow), or that is missing (a gap in seq, or entries cut
 * off the end: then the first one cut), and a message in meta_errmsg().
 */
int audit_verify(struct catalog *c, int64_t *count, int64_t *bad) MUST_CHECK;

#endif
