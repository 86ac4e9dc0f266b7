/*
 * request.c - rights requests in the catalog's request table.
 *
 * A request is open while `closed` is NULL.  due starts at received + 1
 * month, is counted again from the day an awaited answer (identity,
 * clarification) arrives, and moves once more, by 2 months, recorded by
 * extended_reason being set.  The row is the only place the free texts
 * (identity check, extension reason, ground, note) are kept, since they
 * may well name the person, and the audit log must not; the requester's
 * own description is not even kept there, but sealed for the rights level
 * as a record the row names.  Each change and its audit entry commit
 * together; each transition is checked against the state the row is in
 * inside that transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "seal.h"

const char *const request_types[] = { "access", "rectification", "erasure", "restriction", "objection",
				      "portability", "consent-withdrawal", "direct-marketing-ban", NULL };
const char *const request_channels[] = { "email", "post", "in-person", "phone", NULL };
const char *const request_outcomes[] = { "granted", "partly-granted", "refused", "no-data", NULL };

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* A text of at most max bytes (REQUEST_TEXT_MAX, REQUEST_REQUESTER_MAX). */
static int check_text_max(const char *what, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return meta_fail(-EINVAL, "%s is required", what);
	if (n > max)
		return meta_fail(-EINVAL, "%s is longer than %zu bytes (%zu): shorten it", what, max, n);
	/* What would act on a terminal or reorder what is shown where it is
	 * printed (request show, the answer letters): C0 and C1 controls,
	 * DEL, line separators, bidirectional overrides and isolates, by the
	 * rule of a card's value; bytes that are not UTF-8 too. */
	if (util_find_control(s, n, 0, NULL) < n)
		return meta_fail(-EINVAL, "%s holds control characters", what);
	return 0;
}

static int check_text(const char *what, const char *s)
{
	return check_text_max(what, s, REQUEST_TEXT_MAX);
}

const char *request_state_of(const struct cat_request *q)
{
	if (q->state)
		return q->state;
	if (q->closed)
		return REQUEST_CLOSED;
	return q->extended_reason ? REQUEST_EXTENDED : REQUEST_IN_PROGRESS;
}

static int is_state(const struct cat_request *q, const char *state)
{
	return !strcmp(request_state_of(q), state);
}

static void set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = s ? xstrdup(s) : NULL;
}

int request_get(struct reg *r, int64_t id, struct cat_request *out)
{
	int rc = catalog_get_request(r->cat, id, out);

	return rc == -ENOENT ? meta_fail(-ENOENT, "no request %lld", (long long)id) : rc;
}

/* Write q (its row) and log action on its handle with why, then commit;
 * rolls back on failure.  Inside a catalog_begin transaction. */
static int commit_change(struct reg *r, const struct audit_actor *a, const struct cat_request *q,
			 const char *action, const char *why)
{
	int rc = catalog_update_request(r->cat, q);

	if (rc == 0)
		rc = audit_log(r->cat, a, action, q->handle, "ok", why);
	if (rc == 0)
		rc = catalog_commit(r->cat);
	return rc;
}

int request_receive(struct reg *r, const struct audit_actor *a, const struct request_in *in, int64_t *id)
{
	struct cat_request q = { 0 };
	char card[RECFS_ID_HEX], rid[RECFS_ID_HEX], why[128], due_s[11];
	int64_t now = util_now(), received = in->received ? in->received : now, n = 0;
	int rc;

	if (!in_list(request_types, in->type))
		return meta_fail(-EINVAL, "request type must be access, rectification, erasure, restriction, "
					  "objection, portability, consent-withdrawal or direct-marketing-ban");
	if (in->channel && !in_list(request_channels, in->channel))
		return meta_fail(-EINVAL, "the channel must be email, post, in-person or phone");
	if (!in->handle && !in->requester)
		return meta_fail(-EINVAL, "a request needs the subject's handle or a description of the requester");
	if (in->verified_by && (rc = check_text("verified_by (how the identity was checked)", in->verified_by)))
		return rc;
	if (in->requester && (rc = check_text_max("the requester", in->requester, REQUEST_REQUESTER_MAX)))
		return rc;
	if (received > now)
		return meta_fail(-EINVAL, "a request cannot be received in the future");
	if (in->handle) {
		rc = catalog_get_subject(r->cat, in->handle, card);
		if (rc == -ENOENT)
			return meta_fail(-ENOENT, "no subject %s", in->handle);
		if (rc)
			return rc;
	}
	if ((rc = catalog_begin(r->cat)))
		return rc;
	q.due = util_add_months(received, 1);
	if ((rc = catalog_new_request(r->cat, in->type, in->handle, received, q.due, in->verified_by, &n)))
		goto out;
	q.id = n;
	q.handle = in->handle ? xstrdup(in->handle) : NULL;
	q.verified_by = in->verified_by ? xstrdup(in->verified_by) : NULL;
	q.state = xstrdup(REQUEST_RECEIVED);
	q.channel = in->channel ? xstrdup(in->channel) : NULL;
	if (in->requester) {
		crypto_new_id(rid);
		rc = seal_write_record(r, rid, in->requester, strlen(in->requester),
				       seal_level_for(r->policy, NULL, SEAL_RIGHTS));
		if (rc)
			goto out;
		q.requester = xstrdup(rid);
	}
	util_format_local_date(q.due, r->policy->time_zone, due_s);
	snprintf(why, sizeof(why), "request=%lld type=%s state=%s due=%s", (long long)n, in->type, q.state, due_s);
	rc = commit_change(r, a, &q, "request-new", why);
out:
	if (rc)
		catalog_rollback(r->cat);
	else
		*id = n;
	cat_request_clear(&q);
	return rc;
}

int request_new(struct reg *r, const struct audit_actor *a, const char *type, const char *handle,
		const char *verified_by, int64_t *id)
{
	struct request_in in = { .type = type, .handle = handle, .verified_by = verified_by };
	int rc;

	if (!handle)
		return meta_fail(-EINVAL, "the subject is required");
	if ((rc = check_text("verified_by (how the identity was checked)", verified_by)))
		return rc;
	return request_receive(r, a, &in, id);
}

/*
 * One change of request id, in one transaction: read it (a closed one is
 * closed_errno, with meta_errmsg), let change() check the transition and
 * edit q (arg is its own), writing the audit reason into why; then write
 * the row and log action on its handle.  Rolled back on any failure.
 */
/* tz: the policy's time_zone (NULL: UTC), whose days a request's are */
typedef int (*change_fn)(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen);

static int transition(struct reg *r, const struct audit_actor *a, int64_t id, int closed_errno, const char *action,
		      change_fn change, const void *arg)
{
	struct cat_request q = { 0 };
	char why[128];
	int rc = catalog_begin(r->cat);

	if (rc)
		return rc;
	if ((rc = request_get(r, id, &q)) == 0 && q.closed)
		rc = meta_fail(closed_errno, "request %lld is %s", (long long)id,
			       closed_errno == -EALREADY ? "already closed" : "closed");
	if (rc == 0)
		rc = change(&q, r->policy->time_zone, arg, why, sizeof(why));
	if (rc == 0)
		rc = commit_change(r, a, &q, action, why);
	if (rc)
		catalog_rollback(r->cat);
	cat_request_clear(&q);
	return rc;
}

static int bad_transition(const struct cat_request *q, const char *to)
{
	return meta_fail(-EINVAL, "request %lld is %s: it cannot become %s", (long long)q->id, request_state_of(q),
			 to);
}

static int await_change(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen)
{
	const char *state = arg;
	(void)tz;

	if (!is_state(q, REQUEST_RECEIVED) &&
	    !(!strcmp(state, REQUEST_AWAITING_CLARIFICATION) && is_state(q, REQUEST_AWAITING_IDENTITY)))
		return bad_transition(q, state);
	set_str(&q->state, state);
	snprintf(why, whylen, "request=%lld state=%s", (long long)q->id, state);
	return 0;
}

int request_await(struct reg *r, const struct audit_actor *a, int64_t id, const char *state)
{
	if (!state || (strcmp(state, REQUEST_AWAITING_IDENTITY) && strcmp(state, REQUEST_AWAITING_CLARIFICATION)))
		return meta_fail(-EINVAL, "a request awaits awaiting-identity or awaiting-clarification");
	return transition(r, a, id, -EINVAL, "request-state", await_change, state);
}

struct proceed_arg {
	int64_t arrived;	/* 0: now */
	const char *verified_by;
};

static int proceed_change(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen)
{
	const struct proceed_arg *p = arg;
	int waiting = is_state(q, REQUEST_AWAITING_IDENTITY) || is_state(q, REQUEST_AWAITING_CLARIFICATION);
	char due_s[11];

	if (!waiting && !is_state(q, REQUEST_RECEIVED))
		return bad_transition(q, REQUEST_IN_PROGRESS);
	if (is_state(q, REQUEST_AWAITING_IDENTITY) && !p->verified_by && !q->verified_by)
		return meta_fail(-EINVAL, "request %lld awaits the requester's identity: say how it was checked "
					  "(--verified-by TEXT)", (long long)q->id);
	if (waiting) {
		int64_t from = p->arrived ? p->arrived : util_now();

		if (from < util_local_day_start(q->received, tz))
			return meta_fail(-EINVAL, "the answer cannot arrive before the request was received");
		q->counted_from = from;
		q->due = util_add_months(from, 1);
	}
	if (p->verified_by)
		set_str(&q->verified_by, p->verified_by);
	set_str(&q->state, REQUEST_IN_PROGRESS);
	util_format_local_date(q->due, tz, due_s);
	snprintf(why, whylen, "request=%lld state=%s due=%s", (long long)q->id, q->state, due_s);
	return 0;
}

int request_proceed(struct reg *r, const struct audit_actor *a, int64_t id, int64_t arrived, const char *verified_by)
{
	struct proceed_arg p = { arrived, verified_by };
	int rc;

	if (verified_by && (rc = check_text("verified_by (how the identity was checked)", verified_by)))
		return rc;
	if (arrived > util_now())
		return meta_fail(-EINVAL, "the answer cannot arrive in the future");
	return transition(r, a, id, -EINVAL, "request-state", proceed_change, &p);
}

static int extend_change(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen)
{
	char due_s[11];

	if (q->extended_reason)
		return meta_fail(-EALREADY, "request %lld was already extended; Art. 12(3) allows one extension",
				 (long long)q->id);
	if (!is_state(q, REQUEST_RECEIVED) && !is_state(q, REQUEST_IN_PROGRESS))
		return bad_transition(q, REQUEST_EXTENDED);
	if (util_now() > q->due)
		return meta_fail(-EINVAL, "request %lld is past its due date; an extension must be given within "
					  "the first month", (long long)q->id);
	q->due = util_add_months(q->due, 2);
	set_str(&q->extended_reason, arg);
	set_str(&q->state, REQUEST_EXTENDED);
	util_format_local_date(q->due, tz, due_s);
	snprintf(why, whylen, "request=%lld due=%s", (long long)q->id, due_s);
	return 0;
}

int request_extend(struct reg *r, const struct audit_actor *a, int64_t id, const char *reason)
{
	int rc = check_text("the reason for the extension", reason);

	return rc ? rc : transition(r, a, id, -EINVAL, "request-extend", extend_change, reason);
}

/* How a request closes: outcome (NULL: the free text of request_close). */
struct close_arg {
	const char *outcome, *ground, *note, *text;
};

static int close_change(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen)
{
	const struct close_arg *c = arg;
	int64_t now = util_now();
	const char *late = now > q->due ? " late" : "";
	(void)tz;

	if (c->outcome && !strcmp(c->outcome, "no-data") && q->handle)
		return meta_fail(-EINVAL, "request %lld is linked to subject %s: its outcome cannot be no-data",
				 (long long)q->id, q->handle);
	q->closed = now > 0 ? now : 1;
	set_str(&q->outcome, c->outcome ? c->outcome : c->text);
	set_str(&q->ground, c->ground);
	set_str(&q->note, c->note);
	set_str(&q->state, REQUEST_CLOSED);
	if (c->outcome)
		snprintf(why, whylen, "request=%lld state=closed outcome=%s%s", (long long)q->id, c->outcome, late);
	else
		snprintf(why, whylen, "request=%lld%s", (long long)q->id, late);
	return 0;
}

int request_finish(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome, const char *ground,
		   const char *note)
{
	struct close_arg c = { outcome, ground, note, NULL };
	int rc;

	if (!in_list(request_outcomes, outcome))
		return meta_fail(-EINVAL, "the outcome must be granted, partly-granted, refused or no-data");
	if (!strcmp(outcome, "refused") && (rc = check_text("the legal ground of the refusal", ground)))
		return rc;
	if (ground && strcmp(outcome, "refused") && strcmp(outcome, "partly-granted"))
		return meta_fail(-EINVAL, "a legal ground is given for a refusal or a partial one only");
	if (ground && (rc = check_text("the legal ground", ground)))
		return rc;
	if (note && (rc = check_text("the note", note)))
		return rc;
	return transition(r, a, id, -EALREADY, "request-close", close_change, &c);
}

int request_close(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome)
{
	struct close_arg c = { NULL, NULL, NULL, outcome };
	int rc = check_text("the outcome", outcome);

	return rc ? rc : transition(r, a, id, -EALREADY, "request-close", close_change, &c);
}

struct link_arg {
	struct reg *r;
	const char *handle;
};

static int link_change(struct cat_request *q, const char *tz, const void *arg, char *why, size_t whylen)
{
	const struct link_arg *l = arg;
	char card[RECFS_ID_HEX];
	int rc;
	(void)tz;

	if (q->handle)
		return meta_fail(-EALREADY, "request %lld is already linked to subject %s", (long long)q->id,
				 q->handle);
	rc = catalog_get_subject(l->r->cat, l->handle, card);
	if (rc == -ENOENT)
		return meta_fail(-ENOENT, "no subject %s", l->handle);
	if (rc)
		return rc;
	set_str(&q->handle, l->handle);
	snprintf(why, whylen, "request=%lld state=%s", (long long)q->id, request_state_of(q));
	return 0;
}

int request_link(struct reg *r, const struct audit_actor *a, int64_t id, const char *handle)
{
	struct link_arg l = { r, handle };

	if (!handle || !*handle)
		return meta_fail(-EINVAL, "the subject is required");
	return transition(r, a, id, -EINVAL, "request-link", link_change, &l);
}

int request_read_requester(struct reg *r, const struct keyring *kr, const struct cat_request *q, char **text)
{
	const char *rl = r->policy->levels[r->policy->rights_level].name;
	size_t len;

	if (!q->requester)
		return -ENOENT;
	return seal_read_record(r, kr, rl, q->requester, text, &len);
}

int request_each(struct reg *r, enum request_filter filter, int (*fn)(const struct cat_request *, void *), void *ctx)
{
	switch (filter) {
	case REQUEST_ALL:
		return catalog_each_request(r->cat, CAT_REQUESTS_ALL, 0, fn, ctx);
	case REQUEST_OPEN:
		return catalog_each_request(r->cat, CAT_REQUESTS_OPEN, 0, fn, ctx);
	case REQUEST_OVERDUE:
		return catalog_each_request(r->cat, CAT_REQUESTS_OPEN_DUE_BEFORE, util_now(), fn, ctx);
	}
	return -EINVAL;
}

int request_open_for(struct reg *r, const char *handle, int64_t *id)
{
	return catalog_first_open_request(r->cat, handle, id);
}

int request_open_answered(struct reg *r, const char *handle, const char *const *types, int64_t *id)
{
	for (size_t i = 0; types && types[i]; i++) {
		int rc = catalog_first_open_request_of(r->cat, handle, types[i], id);

		if (rc != -ENOENT)
			return rc;
	}
	return -ENOENT;
}

/* The requests closed before the sweep's limit. */
struct expiring {
	int64_t *ids;
	char **records;
	size_t n;
};

static int collect_expiring(const struct cat_request *q, void *ctx)
{
	struct expiring *x = ctx;

	x->ids = xrealloc(x->ids, (x->n + 1) * sizeof(*x->ids));
	x->records = xrealloc(x->records, (x->n + 1) * sizeof(*x->records));
	x->ids[x->n] = q->id;
	x->records[x->n] = q->requester ? xstrdup(q->requester) : NULL;
	x->n++;
	return 0;
}

int request_expire(struct reg *r, int64_t before, int dry_run, size_t *n)
{
	struct expiring x = { 0 };
	int rc;

	/* A dry run only reads: it takes no write lock, so it also runs on a
	 * catalog this process may not write. */
	if (!dry_run && (rc = catalog_begin(r->cat)))
		return rc;
	rc = catalog_each_request(r->cat, CAT_REQUESTS_CLOSED_BEFORE, before, collect_expiring, &x);
	for (size_t i = 0; rc == 0 && !dry_run && i < x.n; i++) {
		if (x.records[i] && (rc = catalog_delete_seals(r->cat, x.records[i], NULL)) == 0) {
			rc = catalog_delete_record(r->cat, x.records[i]);
			if (rc == -ENOENT)
				rc = 0;
		}
		if (rc == 0)
			rc = catalog_delete_request(r->cat, x.ids[i]);
	}
	if (rc == 0 && !dry_run)
		rc = catalog_commit(r->cat);
	if (rc && !dry_run)
		catalog_rollback(r->cat);
	if (rc == 0)
		*n = x.n;
	for (size_t i = 0; i < x.n; i++)
		free(x.records[i]);
	free(x.records);
	free(x.ids);
	return rc;
}

const char *request_word(const char *reason, size_t *len)
{
	static const char key[] = "request=";

	for (const char *w = reason; w && *w;) {
		size_t n;

		w += strspn(w, " ");
		n = strcspn(w, " ");
		if (n > strlen(key) && !strncmp(w, key, strlen(key))) {
			*len = n;
			return w;
		}
		w += n;
	}
	return NULL;
}

int64_t request_word_next(const char **p, const char *end)
{
	char *after;
	long long id;

	if (*p >= end)
		return 0;
	id = strtoll(*p, &after, 10);
	if (after == *p || after > end || id <= 0) {
		*p = end;
		return 0;
	}
	*p = after < end && *after == ',' ? after + 1 : end;
	return id;
}
