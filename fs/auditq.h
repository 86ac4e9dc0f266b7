/*
 * auditq.h - the mount's audit queue: handlers push entries without
 * waiting for sqlite; a thread writes them in batches (one transaction per
 * batch, audit_append).  auditq_free writes whatever is left, so a clean
 * unmount loses nothing.
 */
#ifndef RECFS_AUDITQ_H
#define RECFS_AUDITQ_H

#include <pthread.h>

#include "audit.h"
#include "catalog.h"

struct auditq;

/* A queue writing into c, holding *cat_lock around every write. */
int auditq_new(struct catalog *c, pthread_mutex_t *cat_lock, struct auditq **out) MUST_CHECK;
/* Start the flushing thread (after fork/daemonize). */
int auditq_start(struct auditq *q) MUST_CHECK;
/* Queue a copy of *e (its strings are copied; time is set when 0). */
void auditq_push(struct auditq *q, const struct audit_entry *e);
/* Write everything queued now.  0 or the error of audit_append (the
 * entries then stay queued). */
int auditq_flush(struct auditq *q);
/* Stop the thread, flush, free. */
void auditq_free(struct auditq *q);

#endif
