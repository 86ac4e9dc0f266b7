/*
 * request.h - the data subjects' rights requests (§11 of the notice,
 * Art. 12(3)): who asked what, how their identity was checked, and when the
 * answer is due: one month from receipt, extendable once by two further
 * months.  Rows live in the catalog's request table; every change is one
 * transaction with its audit entry.  Audit entries name the request number
 * and the subject handle only: verified_by, the extension reason and the
 * outcome are kept in the request row, never in the log.
 */
#ifndef RECFS_REQUEST_H
#define RECFS_REQUEST_H

#include <stdint.h>

#include "audit.h"
#include "register.h"
#include "util.h"

/* NULL-terminated: access, rectification, erasure, restriction,
 * portability, objection. */
extern const char *const request_types[];

/* A request is a row of the catalog's request table: struct cat_request
 * (catalog.h). */

/*
 * Record a request received now (util_now) from subject handle (which must
 * exist: -ENOENT), with the identity check verified_by (required).  *id is
 * the new request's number.  -EINVAL for an unknown type or an empty or
 * over-long text (meta_errmsg says which).
 */
int request_new(struct reg *r, const struct audit_actor *a, const char *type, const char *handle,
		const char *verified_by, int64_t *id) MUST_CHECK;
/*
 * Extend an open request's deadline by two months, once (Art. 12(3)); the
 * data subject must be told within the first month, so -EINVAL once the
 * original due date has passed, -EALREADY when already extended, -EINVAL
 * when closed, -ENOENT when no such request.
 */
int request_extend(struct reg *r, const struct audit_actor *a, int64_t id, const char *reason) MUST_CHECK;
/* Close an open request with its outcome (required).  -EALREADY when
 * already closed, -ENOENT when no such request. */
int request_close(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome) MUST_CHECK;

/* Fetch one request (-ENOENT when none, with meta_errmsg() set); its
 * strings are malloc'd: free them with cat_request_clear (catalog.h). */
int request_get(struct reg *r, int64_t id, struct cat_request *out) MUST_CHECK;

enum request_filter {
	REQUEST_ALL,
	REQUEST_OPEN,
	REQUEST_OVERDUE,	/* open and due before now */
};

/* Call fn for each request matching filter, by number; strings valid during
 * the call.  fn returning non-zero stops the walk and is returned. */
int request_each(struct reg *r, enum request_filter filter, int (*fn)(const struct cat_request *, void *), void *ctx);

/* The oldest open request of handle (*id), or -ENOENT.  Rights actions on a
 * subject put "request=N" in their audit reason with it. */
int request_open_for(struct reg *r, const char *handle, int64_t *id) MUST_CHECK;

#endif
