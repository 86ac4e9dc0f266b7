/*
 * request.c - rights requests in the catalog's request table.
 *
 * A request is open while `closed` is NULL.  due starts at received + 1
 * month and moves once, by 2 months, recorded by extended_reason being set;
 * the row is the only place the free texts (identity check, extension
 * reason, outcome) are kept, since they may well name the person, and the
 * audit log must not.  Each change and its audit entry commit together.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

#define TEXT_MAX 512

const char *const request_types[] = { "access", "rectification", "erasure", "restriction", "portability",
				      "objection", NULL };

static int valid_type(const char *t)
{
	for (size_t i = 0; t && request_types[i]; i++)
		if (!strcmp(t, request_types[i]))
			return 1;
	return 0;
}

static int check_text(const char *what, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return meta_fail(-EINVAL, "%s is required", what);
	if (n > TEXT_MAX)
		return meta_fail(-EINVAL, "%s is longer than %d bytes", what, TEXT_MAX);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return meta_fail(-EINVAL, "%s holds control characters", what);
	return 0;
}

int request_get(struct reg *r, int64_t id, struct cat_request *out)
{
	int rc = catalog_get_request(r->cat, id, out);

	return rc == -ENOENT ? meta_fail(-ENOENT, "no request %lld", (long long)id) : rc;
}

int request_new(struct reg *r, const struct audit_actor *a, const char *type, const char *handle,
		const char *verified_by, int64_t *id)
{
	char card[RECFS_ID_HEX], why[96], due_s[11];
	int64_t now = util_now(), due = util_add_months(now, 1), n = 0;
	int rc;

	if (!valid_type(type))
		return meta_fail(-EINVAL, "request type must be access, rectification, erasure, restriction, "
					  "portability or objection");
	if ((rc = check_text("verified_by (how the identity was checked)", verified_by)))
		return rc;
	rc = catalog_get_subject(r->cat, handle, card);
	if (rc == -ENOENT)
		return meta_fail(-ENOENT, "no subject %s", handle);
	if (rc)
		return rc;
	if ((rc = catalog_begin(r->cat)))
		return rc;
	rc = catalog_new_request(r->cat, type, handle, now, due, verified_by, &n);
	if (rc == 0) {
		util_format_date(due, due_s);
		snprintf(why, sizeof(why), "request=%lld type=%s due=%s", (long long)n, type, due_s);
		rc = audit_log(r->cat, a, "request-new", handle, "ok", why);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	if (rc) {
		catalog_rollback(r->cat);
		return rc;
	}
	*id = n;
	return 0;
}

int request_extend(struct reg *r, const struct audit_actor *a, int64_t id, const char *reason)
{
	struct cat_request q = { 0 };
	char why[96], due_s[11];
	int64_t due;
	int rc;

	if ((rc = check_text("the reason for the extension", reason)))
		return rc;
	if ((rc = catalog_begin(r->cat)))
		return rc;
	if ((rc = request_get(r, id, &q)))
		goto out;
	if (q.closed) {
		rc = meta_fail(-EINVAL, "request %lld is closed", (long long)id);
		goto out;
	}
	if (q.extended_reason) {
		rc = meta_fail(-EALREADY, "request %lld was already extended; Art. 12(3) allows one extension",
			       (long long)id);
		goto out;
	}
	if (util_now() > q.due) {
		rc = meta_fail(-EINVAL, "request %lld is past its due date; an extension must be given within "
					"the first month", (long long)id);
		goto out;
	}
	due = util_add_months(q.due, 2);
	if ((rc = catalog_extend_request(r->cat, id, due, reason)))
		goto out;
	util_format_date(due, due_s);
	snprintf(why, sizeof(why), "request=%lld due=%s", (long long)id, due_s);
	if ((rc = audit_log(r->cat, a, "request-extend", q.handle, "ok", why)))
		goto out;
	rc = catalog_commit(r->cat);
out:
	if (rc)
		catalog_rollback(r->cat);
	cat_request_clear(&q);
	return rc;
}

int request_close(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome)
{
	struct cat_request q = { 0 };
	char why[64];
	int64_t now = util_now();
	int rc;

	if ((rc = check_text("the outcome", outcome)))
		return rc;
	if ((rc = catalog_begin(r->cat)))
		return rc;
	if ((rc = request_get(r, id, &q)))
		goto out;
	if (q.closed) {
		rc = meta_fail(-EALREADY, "request %lld is already closed", (long long)id);
		goto out;
	}
	if ((rc = catalog_close_request(r->cat, id, now > 0 ? now : 1, outcome)))
		goto out;
	snprintf(why, sizeof(why), "request=%lld%s", (long long)id, now > q.due ? " late" : "");
	if ((rc = audit_log(r->cat, a, "request-close", q.handle, "ok", why)))
		goto out;
	rc = catalog_commit(r->cat);
out:
	if (rc)
		catalog_rollback(r->cat);
	cat_request_clear(&q);
	return rc;
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
