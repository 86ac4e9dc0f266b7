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

#define REQ_COLS "id, type, handle, received, due, verified_by, extended_reason, coalesce(closed, 0), outcome"

static int db_fail(struct reg *r, int rc, const char *what)
{
	return meta_fail(catalog_errno(rc), "request: %s: %s", what, sqlite3_errmsg(catalog_db(r->cat)));
}

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

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static void from_row(sqlite3_stmt *st, struct request *q)
{
	q->id = sqlite3_column_int64(st, 0);
	q->type = col_dup(st, 1);
	q->handle = col_dup(st, 2);
	q->received = sqlite3_column_int64(st, 3);
	q->due = sqlite3_column_int64(st, 4);
	q->verified_by = col_dup(st, 5);
	q->extended_reason = col_dup(st, 6);
	q->closed = sqlite3_column_int64(st, 7);
	q->outcome = col_dup(st, 8);
}

void request_clear(struct request *q)
{
	if (!q)
		return;
	free(q->type);
	free(q->handle);
	free(q->verified_by);
	free(q->extended_reason);
	free(q->outcome);
	memset(q, 0, sizeof(*q));
}

static int prep(struct reg *r, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(catalog_db(r->cat), sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(r, rc, "prepare");
}

/* Step a statement that returns no rows, and finalize it. */
static int done(struct reg *r, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	rc = rc == SQLITE_DONE ? 0 : db_fail(r, rc, what);
	sqlite3_finalize(st);
	return rc;
}

int request_get(struct reg *r, int64_t id, struct request *out)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(r, "SELECT " REQ_COLS " FROM request WHERE id=?1", &st);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		from_row(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? meta_fail(-ENOENT, "no request %lld", (long long)id) : db_fail(r, rc, "get");
	}
	sqlite3_finalize(st);
	return rc;
}

int request_new(struct reg *r, const struct audit_actor *a, const char *type, const char *handle,
		const char *verified_by, int64_t *id)
{
	char card[RECFS_ID_HEX], why[96], due_s[11];
	int64_t now = util_now(), due = util_add_months(now, 1), n = 0;
	sqlite3_stmt *st = NULL;
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
	rc = prep(r, "INSERT INTO request (type, handle, received, due, verified_by) VALUES (?1, ?2, ?3, ?4, ?5)",
		  &st);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, due);
		sqlite3_bind_text(st, 5, verified_by, -1, SQLITE_STATIC);
		rc = done(r, st, "insert");
		n = sqlite3_last_insert_rowid(catalog_db(r->cat));
	}
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
	struct request q = { 0 };
	sqlite3_stmt *st = NULL;
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
	if ((rc = prep(r, "UPDATE request SET due=?2, extended_reason=?3 WHERE id=?1", &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, due);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	if ((rc = done(r, st, "extend")))
		goto out;
	util_format_date(due, due_s);
	snprintf(why, sizeof(why), "request=%lld due=%s", (long long)id, due_s);
	if ((rc = audit_log(r->cat, a, "request-extend", q.handle, "ok", why)))
		goto out;
	rc = catalog_commit(r->cat);
out:
	if (rc)
		catalog_rollback(r->cat);
	request_clear(&q);
	return rc;
}

int request_close(struct reg *r, const struct audit_actor *a, int64_t id, const char *outcome)
{
	struct request q = { 0 };
	sqlite3_stmt *st = NULL;
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
	if ((rc = prep(r, "UPDATE request SET closed=?2, outcome=?3 WHERE id=?1", &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now > 0 ? now : 1);
	sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
	if ((rc = done(r, st, "close")))
		goto out;
	snprintf(why, sizeof(why), "request=%lld%s", (long long)id, now > q.due ? " late" : "");
	if ((rc = audit_log(r->cat, a, "request-close", q.handle, "ok", why)))
		goto out;
	rc = catalog_commit(r->cat);
out:
	if (rc)
		catalog_rollback(r->cat);
	request_clear(&q);
	return rc;
}

int request_each(struct reg *r, enum request_filter filter, int (*fn)(const struct request *, void *), void *ctx)
{
	static const char *const sql[] = {
		[REQUEST_ALL] = "SELECT " REQ_COLS " FROM request ORDER BY id",
		[REQUEST_OPEN] = "SELECT " REQ_COLS " FROM request WHERE closed IS NULL ORDER BY id",
		[REQUEST_OVERDUE] = "SELECT " REQ_COLS " FROM request WHERE closed IS NULL AND due < ?1 ORDER BY id",
	};
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if ((unsigned)filter > REQUEST_OVERDUE)
		return -EINVAL;
	if ((rc = prep(r, sql[filter], &st)))
		return rc;
	if (filter == REQUEST_OVERDUE)
		sqlite3_bind_int64(st, 1, util_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct request q = { 0 };

		from_row(st, &q);
		ret = fn(&q, ctx);
		request_clear(&q);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(r, rc, "list");
	sqlite3_finalize(st);
	return ret;
}

int request_open_for(struct reg *r, const char *handle, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(r, "SELECT id FROM request WHERE handle=?1 AND closed IS NULL ORDER BY id LIMIT 1", &st);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -ENOENT : db_fail(r, rc, "find");
	}
	sqlite3_finalize(st);
	return rc;
}
