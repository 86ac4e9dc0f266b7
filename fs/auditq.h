/*
 * auditq.h - the mount's audit queue: handlers queue entries, each also
 * appended to the mount's audit journal (journal.h) at once, and a thread
 * writes them to the log in batches (one transaction per batch).  An open
 * is answered once its entry is journalled (auditq_push_durable): no open
 * whose content reaches its caller is missing from the log, even if the
 * daemon is killed right after (the next register open moves the killed
 * mount's journal into the log).  auditq_free writes whatever is left, so
 * a clean unmount leaves no journal behind.  Thread-safe.
 */
#ifndef RECFS_AUDITQ_H
#define RECFS_AUDITQ_H

#include <pthread.h>
#include <stdint.h>

#include "audit.h"
#include "catalog.h"

/* The flusher's period: it writes what has settled this often. */
#define AUDITQ_PERIOD_MS 250
/* An entry may still be amended (auditq_amend) this long after it was
 * queued: the reads of one file by one tool come well within it, so their
 * entry names them all (quiet.h). */
#define AUDITQ_SETTLE_MS 500

struct auditq;

/*
 * A queue for the register in reg_dir: its log through a catalog
 * connection of its own (so no write waits for the mount's catalog lock),
 * and a new journal.  fsync_each 1 (mount option audit_fsync):
 * auditq_push_durable also waits until the entry is on disk.  Errors of
 * catalog_open and journal_open.
 */
int auditq_new(const char *reg_dir, int fsync_each, struct auditq **out) MUST_CHECK;
/* Start the flushing thread (after fork/daemonize). */
int auditq_start(struct auditq *q) MUST_CHECK;
/* Journal and queue a copy of *e (its strings are copied; time is set
 * when 0); a journal error is logged, and the entry still goes to the log.
 * Returns the entry's ticket, for auditq_amend: 1, 2, ... in queue order;
 * 0 when the queue is full (auditq.c: AUDITQ_MAX entries the log could not
 * take yet), and the entry is only counted: the count goes to the log as
 * one entry (action "audit", by the daemon) once there is room. */
uint64_t auditq_push(struct auditq *q, const struct audit_entry *e);
/*
 * Replace the reason of the entry with ticket (copied) while it is still
 * queued.  0, or -ENOENT when it is not (being) written any more.
 */
int auditq_amend(struct auditq *q, uint64_t ticket, const char *reason);
/*
 * auditq_push for a read that is answered only when its entry is
 * journalled (sealed attributes, quiet.h): 0 and *ticket; or, the read to
 * be refused, -ENOSPC when the queue is full (*ticket 0, the entry only
 * counted) or the journal's errno (the entry queued as a refusal).  Not
 * waited for on disk, as auditq_push_durable waits with audit_fsync.
 */
int auditq_push_read(struct auditq *q, const struct audit_entry *e, uint64_t *ticket) MUST_CHECK;
/*
 * Queue a copy of *e, and return once it is journalled (and on disk, with
 * fsync_each: the opens waiting at once share one fdatasync): 0, or
 * -ENOSPC when the disk is full or the queue is (the entry is counted, as
 * above), or while the log cannot be written and half the journal's
 * reserve is used (journal.h: the rest is kept for refusals), -EIO when it
 * could not be journalled for another reason; the entry is then queued as
 * "refused", reason "ENOSPC" or "EIO", for the log (and journalled, or
 * counted in the journal, where there is no room for it).
 */
int auditq_push_durable(struct auditq *q, const struct audit_entry *e) MUST_CHECK;
/* Write everything queued now.  0 or the error of audit_append (the
 * entries then stay queued). */
int auditq_flush(struct auditq *q);
/* Stop the thread, flush, free. */
void auditq_free(struct auditq *q);

#endif
