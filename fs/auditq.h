/*
 * auditq.h - the mount's audit queue: handlers push entries without
 * waiting for sqlite; a thread writes them in batches (one transaction per
 * batch, audit_append).  auditq_free writes whatever is left, so a clean
 * unmount loses nothing.
 */
#ifndef RECFS_AUDITQ_H
#define RECFS_AUDITQ_H

#include <pthread.h>
#include <stdint.h>

#include "audit.h"
#include "catalog.h"

struct auditq;

/* A queue writing into c, holding *cat_lock around every write. */
int auditq_new(struct catalog *c, pthread_mutex_t *cat_lock, struct auditq **out) MUST_CHECK;
/* Start the flushing thread (after fork/daemonize). */
int auditq_start(struct auditq *q) MUST_CHECK;
/* Queue a copy of *e (its strings are copied; time is set when 0).
 * Returns the entry's ticket, for auditq_amend: 1, 2, ... in queue order. */
uint64_t auditq_push(struct auditq *q, const struct audit_entry *e);
/*
 * Replace the reason of the entry with ticket (copied) while it is still
 * queued.  0, or -ENOENT when it is not (being) written any more.
 */
int auditq_amend(struct auditq *q, uint64_t ticket, const char *reason);
/* Write everything queued now.  0 or the error of audit_append (the
 * entries then stay queued). */
int auditq_flush(struct auditq *q);
/* Stop the thread, flush, free. */
void auditq_free(struct auditq *q);

#endif
