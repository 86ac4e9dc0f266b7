/*
 * catalog_request.c - the request table's rows, for request.c.
 *
 * A request is open while its `closed` column is NULL; rows are read with
 * coalesce(closed, 0), so that an open request has closed == 0 in struct
 * cat_request.  The table numbers requests itself (id is the rowid), and
 * never gives a number twice (AUTOINCREMENT, schema 12): the audit entries
 * that name a request by number stay another's once it is dropped.  What
 * the rows may hold, and when they may change, is request.c's to decide.
 * handle and verified_by are NOT NULL in the table (schema 1), so "none"
 * is stored as '' and read back as NULL: a request logged before its
 * requester is found in the register, or before their identity is checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_i.h"

#define REQ_COLS                                                                                           \
	"id, type, nullif(handle, ''), received, due, nullif(verified_by, ''), extended_reason,"          \
	" coalesce(closed, 0), outcome, state, channel, requester, ground, note, counted_from"

void cat_request_clear(struct cat_request *q)
{
	if (!q)
		return;
	free(q->type);
	free(q->handle);
	free(q->verified_by);
	free(q->extended_reason);
	free(q->outcome);
	free(q->state);
	free(q->channel);
	free(q->requester);
	free(q->ground);
	free(q->note);
	memset(q, 0, sizeof(*q));
}

/* Fill q from a row of REQ_COLS (strings duplicated). */
static void req_from_row(sqlite3_stmt *st, struct cat_request *q)
{
	memset(q, 0, sizeof(*q));
	q->id = sqlite3_column_int64(st, 0);
	q->type = catalog_col_dup(st, 1);
	q->handle = catalog_col_dup(st, 2);
	q->received = sqlite3_column_int64(st, 3);
	q->due = sqlite3_column_int64(st, 4);
	q->verified_by = catalog_col_dup(st, 5);
	q->extended_reason = catalog_col_dup(st, 6);
	q->closed = sqlite3_column_int64(st, 7);
	q->outcome = catalog_col_dup(st, 8);
	q->state = catalog_col_dup(st, 9);
	q->channel = catalog_col_dup(st, 10);
	q->requester = catalog_col_dup(st, 11);
	q->ground = catalog_col_dup(st, 12);
	q->note = catalog_col_dup(st, 13);
	q->counted_from = sqlite3_column_int64(st, 14);
}

int catalog_new_request(struct catalog *c, const char *type, const char *handle, int64_t received, int64_t due,
			const char *verified_by, int64_t *id)
{
	static const char sql[] = "INSERT INTO request (type, handle, received, due, verified_by)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	catalog_bind_text_or_null(st, 1, type);
	sqlite3_bind_text(st, 2, handle ? handle : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, received);
	sqlite3_bind_int64(st, 4, due);
	sqlite3_bind_text(st, 5, verified_by ? verified_by : "", -1, SQLITE_STATIC);
	rc = catalog_step_done(c, st, "insert request");
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

int catalog_get_request(struct catalog *c, int64_t id, struct cat_request *out)
{
	static const char sql[] = "SELECT " REQ_COLS " FROM request WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		req_from_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get request");
}

/* Run sql, an UPDATE of request ?1 setting a time ?2 and a text ?3 (lent),
 * on one request: -ENOENT when it changed no row. */
static int update_one(struct catalog *c, const char *sql, int64_t id, int64_t t, const char *text, const char *what)
{
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, t);
	catalog_bind_text_or_null(st, 3, text);
	rc = catalog_step_done(c, st, what);
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

int catalog_extend_request(struct catalog *c, int64_t id, int64_t due, const char *reason)
{
	static const char sql[] = "UPDATE request SET due=?2, extended_reason=?3 WHERE id=?1";

	return update_one(c, sql, id, due, reason, "extend request");
}

int catalog_close_request(struct catalog *c, int64_t id, int64_t closed, const char *outcome)
{
	static const char sql[] = "UPDATE request SET closed=?2, outcome=?3 WHERE id=?1";

	return update_one(c, sql, id, closed, outcome, "close request");
}

int catalog_update_request(struct catalog *c, const struct cat_request *q)
{
	static const char sql[] = "UPDATE request SET handle=?2, due=?3, verified_by=?4, extended_reason=?5,"
				  " closed=nullif(?6, 0), outcome=?7, state=?8, channel=?9, requester=?10,"
				  " ground=?11, note=?12, counted_from=?13 WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, q->id);
	sqlite3_bind_text(st, 2, q->handle ? q->handle : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->due);
	sqlite3_bind_text(st, 4, q->verified_by ? q->verified_by : "", -1, SQLITE_STATIC);
	catalog_bind_text_or_null(st, 5, q->extended_reason);
	sqlite3_bind_int64(st, 6, q->closed);
	catalog_bind_text_or_null(st, 7, q->outcome);
	catalog_bind_text_or_null(st, 8, q->state);
	catalog_bind_text_or_null(st, 9, q->channel);
	catalog_bind_text_or_null(st, 10, q->requester);
	catalog_bind_text_or_null(st, 11, q->ground);
	catalog_bind_text_or_null(st, 12, q->note);
	sqlite3_bind_int64(st, 13, q->counted_from);
	rc = catalog_step_done(c, st, "update request");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

int catalog_delete_request(struct catalog *c, int64_t id)
{
	static const char sql[] = "DELETE FROM request WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = catalog_step_done(c, st, "delete request");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

typedef int (*req_fn)(const struct cat_request *, void *);

static int req_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	struct cat_request q;
	int ret;

	req_from_row(st, &q);
	ret = ((req_fn)fn)(&q, ctx);
	cat_request_clear(&q);
	return ret;
}

int catalog_each_request(struct catalog *c, enum cat_request_filter filter, int64_t before,
			 int (*fn)(const struct cat_request *q, void *ctx), void *ctx)
{
	static const char *const sql[] = {
		[CAT_REQUESTS_ALL] = "SELECT " REQ_COLS " FROM request ORDER BY id",
		[CAT_REQUESTS_OPEN] = "SELECT " REQ_COLS " FROM request WHERE closed IS NULL ORDER BY id",
		[CAT_REQUESTS_OPEN_DUE_BEFORE] = "SELECT " REQ_COLS " FROM request"
						 " WHERE closed IS NULL AND due < ?1 ORDER BY id",
		[CAT_REQUESTS_CLOSED_BEFORE] = "SELECT " REQ_COLS " FROM request"
					       " WHERE closed IS NOT NULL AND closed < ?1 ORDER BY id",
	};
	sqlite3_stmt *st = NULL;
	int rc;

	if ((unsigned)filter > CAT_REQUESTS_CLOSED_BEFORE)
		return -EINVAL;
	rc = sqlite3_prepare_v2(c->db, sql[filter], -1, &st, NULL);
	if (rc != SQLITE_OK)
		return catalog_fail(c, rc, "list requests");
	if (filter == CAT_REQUESTS_OPEN_DUE_BEFORE || filter == CAT_REQUESTS_CLOSED_BEFORE)
		sqlite3_bind_int64(st, 1, before);
	return catalog_walk_prepared(c, st, req_row, (void *)fn, ctx);
}

int catalog_first_open_request(struct catalog *c, const char *handle, int64_t *id)
{
	return catalog_first_open_request_of(c, handle, NULL, id);
}

int catalog_first_open_request_of(struct catalog *c, const char *handle, const char *type, int64_t *id)
{
	return catalog_first_due_request_of(c, handle, type, INT64_MIN, id);
}

int catalog_first_due_request_of(struct catalog *c, const char *handle, const char *type, int64_t now, int64_t *id)
{
	static const char sql[] = "SELECT id FROM request WHERE handle=?1 AND closed IS NULL"
				  " AND (?2 IS NULL OR type=?2) AND due >= ?3 ORDER BY id LIMIT 1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	if (type)
		sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "find open request");
}
