/*
 * request.h - the data subjects' rights requests (§11 of the notice,
 * Art. 12(3)): who asked what, by which channel, how their identity was
 * checked, where the request stands, and when the answer is due: one month
 * from receipt, extendable once by two further months.  Rows live in the
 * catalog's request table; every change is one transaction with its audit
 * entry.  Audit entries name the request number, its state and the
 * subject handle only: the requester's description is sealed for the
 * rights level, and verified_by, the extension reason, the ground of a
 * refusal and the closing note are kept in the request row, never in the
 * log.
 *
 * The lifecycle (request_state_of names a row's state):
 *
 *   received ──> awaiting-identity ──> awaiting-clarification
 *      │  └──────────────┬─────────────────┘
 *      │                 v  (request_proceed --on DATE: the month restarts)
 *      ├──────────> in-progress ──> extended (request_extend, once)
 *      └──> extended                  │              │
 *   every open state ──────────> closed (granted, partly-granted, refused
 *                                with its ground, no-data)
 *
 * While the controller waits for the requester to prove who they are, or
 * to specify the request in writing ("täsmentämään kirjallisesti", the
 * notice's §11), the month is counted again from the day the awaited
 * answer arrives: Art. 12(3) counts from "receipt of the request", and a
 * request the controller cannot act on (Art. 12(6) identity; recital 63
 * specification) is received, for this purpose, when it can be acted on.
 * This is the controller's reading (the UK ICO's "stop the clock" and the
 * Berlin DPA's view on identity checks go the same way); the row keeps
 * both dates (received, counted_from), so an answer can show either.
 *
 * Locking: every function reads or writes r->cat; the caller serialises
 * them as any catalog call.  Errors: 0 or a negative errno with
 * meta_errmsg() saying what failed; out-parameters are set only on success;
 * catalog errors (-EBUSY, -EIO, -ENOSPC, ...) everywhere.
 */
#ifndef RECFS_REQUEST_H
#define RECFS_REQUEST_H

#include <stdint.h>

#include "audit.h"
#include "keys.h"
#include "register.h"
#include "util.h"

/* NULL-terminated: access, rectification, erasure, restriction,
 * objection, portability, consent-withdrawal, direct-marketing-ban (every
 * right of the notice's §10).  The first six are the names older rows
 * hold too. */
extern const char *const request_types[];
/* NULL-terminated: email, post, in-person, phone (the notice's §11). */
extern const char *const request_channels[];
/* NULL-terminated: granted, partly-granted, refused, no-data.  no-data
 * closes a request whose requester was never found in the register (it
 * has no handle): the answer says that no data of theirs is processed. */
extern const char *const request_outcomes[];

/* The states, as stored and shown. */
#define REQUEST_RECEIVED "received"
#define REQUEST_AWAITING_IDENTITY "awaiting-identity"
#define REQUEST_AWAITING_CLARIFICATION "awaiting-clarification"
#define REQUEST_IN_PROGRESS "in-progress"
#define REQUEST_EXTENDED "extended"
#define REQUEST_CLOSED "closed"

/* A request is a row of the catalog's request table: struct cat_request
 * (catalog.h). */

/* The state of q: its state column, or for a row older than catalog
 * schema 7 closed, extended or in-progress (those were recorded with the
 * identity already checked).  Never NULL; points into q or to a constant. */
const char *request_state_of(const struct cat_request *q);

/*
 * The longest texts a request takes, in bytes: the requester's description
 * (sealed as a record of its own; recctl(1)'s --requester-file), and each
 * of the texts kept in the request's row (verified_by, the extension
 * reason, the ground and note of a close), which list and show print.
 */
#define REQUEST_REQUESTER_MAX 4096
#define REQUEST_TEXT_MAX 512

/* What request_receive records; pointers lent for the call. */
struct request_in {
	const char *type;		/* one of request_types (required) */
	const char *handle;		/* the subject, or NULL when not (yet) found */
	const char *requester;		/* who asked and how to reach them: sealed
					 * for the rights level; required without
					 * handle, NULL for none */
	const char *verified_by;	/* how the identity was checked; NULL: not yet */
	const char *channel;		/* one of request_channels, or NULL */
	int64_t received;		/* when it was received; 0: now */
};

/*
 * Record a request in state received, due one month after in->received.
 * A received date later than today is refused.  The requester's text is
 * sealed for the rights level as a record of its own that the row names
 * (only the public key is needed).  Logged "request-new" on the handle (no
 * object when there is none): "request=N type=T state=received due=D".
 * *id is the new request's number, higher than any given before (an
 * expired request's number is not given again).  Errors: -EINVAL (unknown type or
 * channel, neither handle nor requester, a text empty, longer than
 * REQUEST_TEXT_MAX bytes (the requester's, REQUEST_REQUESTER_MAX) or with
 * control characters, a date in the future), -ENOENT (no subject
 * handle), those of sealing (seal_write_record).
 */
int request_receive(struct reg *r, const struct audit_actor *a, const struct request_in *in,
		    int64_t *id) MUST_CHECK;
/* request_receive of a request received now from handle (required), with
 * its identity checked (verified_by required): the form older callers use. */
int request_new(struct reg *r, const struct audit_actor *a, const char *type, const char *handle,
		const char *verified_by, int64_t *id) MUST_CHECK;

/*
 * Put request id in state (REQUEST_AWAITING_IDENTITY, or
 * REQUEST_AWAITING_CLARIFICATION): the controller has asked the requester
 * to prove their identity or to specify the request in writing.  Identity
 * may be awaited from received; clarification from received or while the
 * identity is awaited.  Logged "request-state": "request=N
 * state=STATE".  Errors: -ENOENT (no such request), -EINVAL (another
 * state word, a closed request or a transition the lifecycle does not
 * have; meta_errmsg names the state it is in).
 */
int request_await(struct reg *r, const struct audit_actor *a, int64_t id, const char *state) MUST_CHECK;
/*
 * Put request id in progress.  From an awaiting state, arrived is the day
 * the awaited answer came (0: now; neither before the request was received
 * nor in the future) and the month is counted again from it (due =
 * arrived + 1 month, counted_from = arrived); from received the due date
 * stays.  verified_by (NULL: keep) records how the identity was checked;
 * leaving awaiting-identity needs one.  Logged "request-state": "request=N
 * state=in-progress due=D".  Errors: -ENOENT, -EINVAL (not from received
 * or an awaiting state, a bad date or text).
 */
int request_proceed(struct reg *r, const struct audit_actor *a, int64_t id, int64_t arrived,
		    const char *verified_by) MUST_CHECK;
/*
 * Extend an open request's deadline by two months, once (Art. 12(3)), from
 * received or in-progress, into extended; the data subject must be told
 * within the first month, so -EINVAL once the original due date has
 * passed, -EALREADY when already extended, -EINVAL when closed or waiting
 * for the requester, -ENOENT when no such request.  Logged
 * "request-extend": "request=N due=D".
 */
int request_extend(struct reg *r, const struct audit_actor *a, int64_t id, const char *reason) MUST_CHECK;
/*
 * Close request id with outcome (one of request_outcomes).  A refusal
 * needs ground, its legal ground (Art. 12(4): the reasons, and the right
 * to complain); partly-granted may give the ground of what was refused;
 * ground is refused for any other outcome.  no-data is only
 * for a request with no handle.  note (may be NULL) says what was done.
 * Logged "request-close": "request=N state=closed outcome=O" (" late"
 * after the due date).  Errors: -ENOENT, -EALREADY (already closed),
 * -EINVAL (unknown outcome, a missing or unwanted ground, no-data for a
 * linked request, a bad text).
 */
int request_finish(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome,
		   const char *ground, const char *note) MUST_CHECK;
/* Close an open request with a free-text outcome (required), as recfs
 * before the lifecycle did; the text is kept as the outcome.  Logged
 * "request-close": "request=N" (" late").  -EALREADY when already closed,
 * -ENOENT when no such request. */
int request_close(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome) MUST_CHECK;
/*
 * Link request id, logged before its requester was found in the register,
 * to subject handle.  Logged "request-link" on the handle: "request=N
 * state=S".  Errors: -ENOENT (no such request or subject), -EALREADY
 * (already linked), -EINVAL (closed).
 */
int request_link(struct reg *r, const struct audit_actor *a, int64_t id, const char *handle) MUST_CHECK;

/* Fetch one request (-ENOENT when none, with meta_errmsg() set); its
 * strings are malloc'd: free them with cat_request_clear (catalog.h). */
int request_get(struct reg *r, int64_t id, struct cat_request *out) MUST_CHECK;
/*
 * The requester's description of q, opened with the rights level's key
 * from kr: *text is malloc'd and NUL-terminated; the caller wipes
 * (crypto_memzero) and frees it.  Errors: -ENOENT (q has none), -ENOKEY
 * (kr is NULL or lacks the rights level's key), -EACCES, -EIO
 * (seal_read_record).
 */
int request_read_requester(struct reg *r, const struct keyring *kr, const struct cat_request *q,
			   char **text) MUST_CHECK;

enum request_filter {
	REQUEST_ALL,
	REQUEST_OPEN,
	REQUEST_OVERDUE,	/* open and due before now */
};

/* Call fn for each request matching filter, by number; strings valid during
 * the call.  fn returning non-zero stops the walk and is returned. */
int request_each(struct reg *r, enum request_filter filter, int (*fn)(const struct cat_request *, void *), void *ctx);

/* The oldest open request of handle (*id), or -ENOENT. */
int request_open_for(struct reg *r, const char *handle, int64_t *id) MUST_CHECK;

/*
 * The word of an audit reason that names the requests an action answers,
 * "request=N" or "request=N,M,..." (rights.c writes it, answer.c reads
 * it): its start, and its length in *len, or NULL when the reason has
 * none.  A word is what spaces part.
 */
const char *request_word(const char *reason, size_t *len);
/* The next number of such a word's list at *p, which it moves past it
 * and its comma, or 0 at the list's end (end: the word's). */
int64_t request_word_next(const char **p, const char *end);
/*
 * The oldest open request of handle of the first of types (NULL-terminated,
 * the type the action answers first) that it has one of, in *id, or
 * -ENOENT: an erasure answers an erasure request before an objection
 * opened earlier.  Rights actions on a
 * subject put "request=N" in their audit reason: the request their action
 * answers when one is open (an erasure, while an access request and an
 * erasure request are open, is the erasure request's), else the oldest
 * open one (request_open_for), so that the answer to request N can say
 * what was done for it (answer.h); an action on a recording names the
 * request of each subject linked to it ("request=N,M", rights.c).
 * Catalog errors.
 */
int request_open_answered(struct reg *r, const char *handle, const char *const *types, int64_t *id) MUST_CHECK;

/*
 * Drop (dry_run: count, reading only) the requests closed before `before`,
 * with their requester records and those records' seals, in one
 * transaction; *n the number.  Not logged here: the retention sweep puts the count in its own
 * entry.  Catalog errors.
 */
int request_expire(struct reg *r, int64_t before, int dry_run, size_t *n) MUST_CHECK;

#endif
