/*
 * catalog_objection.c - the objection table's rows, for rights.c and
 * subject.c (Art. 21).
 *
 * An objection stands while its `lifted` column is 0; a partial unique
 * index lets at most one stand per subject and purpose, so a second
 * objection to the same purpose is a constraint (-EEXIST) rather than a
 * second row.  Lifted rows stay, as the record of what was objected to
 * and when; every row goes with its subject (ON DELETE CASCADE).  The
 * rows hold a pseudonymous handle and a purpose's name: nothing personal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_i.h"

int catalog_put_objection(struct catalog *c, const char *handle, const char *purpose, int64_t since)
{
	static const char sql[] = "INSERT INTO objection (handle, purpose, since) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	catalog_bind_text_or_null(st, 1, handle);
	catalog_bind_text_or_null(st, 2, purpose);
	sqlite3_bind_int64(st, 3, since);
	return catalog_step_done(c, st, "insert objection");
}

int catalog_lift_objection(struct catalog *c, const char *handle, const char *purpose, int64_t lifted)
{
	static const char sql[] = "UPDATE objection SET lifted=?3 WHERE handle=?1 AND purpose=?2 AND lifted=0";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, lifted);
	rc = catalog_step_done(c, st, "lift objection");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

int catalog_get_objection(struct catalog *c, const char *handle, const char *purpose, int64_t *since)
{
	static const char sql[] = "SELECT since FROM objection WHERE handle=?1 AND purpose=?2 AND lifted=0";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*since = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get objection");
}

int catalog_set_consent_withdrawn(struct catalog *c, const char *handle, int64_t at)
{
	sqlite3_stmt *st = catalog_stmt(c, "UPDATE subject SET consent_withdrawn=?2 WHERE handle=?1");
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	rc = catalog_step_done(c, st, "note a withdrawal of consent");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

int catalog_get_consent_withdrawn(struct catalog *c, const char *handle, int64_t *at)
{
	sqlite3_stmt *st = catalog_stmt(c, "SELECT consent_withdrawn FROM subject WHERE handle=?1");
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "read a withdrawal of consent");
}

typedef int (*obj_fn)(const struct cat_objection *, void *);

static int obj_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	struct cat_objection o = {
		.handle = (const char *)sqlite3_column_text(st, 0),
		.purpose = (const char *)sqlite3_column_text(st, 1),
		.since = sqlite3_column_int64(st, 2),
		.lifted = sqlite3_column_int64(st, 3),
	};

	return ((obj_fn)fn)(&o, ctx);
}

int catalog_each_objection(struct catalog *c, const char *handle, int all,
			   int (*fn)(const struct cat_objection *o, void *ctx), void *ctx)
{
	/* [handle given][all] */
	static const char *const sql[2][2] = {
		{ "SELECT handle, purpose, since, lifted FROM objection WHERE lifted=0 ORDER BY handle, since, purpose",
		  "SELECT handle, purpose, since, lifted FROM objection ORDER BY handle, since, purpose" },
		{ "SELECT handle, purpose, since, lifted FROM objection WHERE handle=?1 AND lifted=0"
		  " ORDER BY since, purpose",
		  "SELECT handle, purpose, since, lifted FROM objection WHERE handle=?1 ORDER BY since, purpose" },
	};

	return catalog_walk(c, sql[handle != NULL][all != 0], handle, obj_row, (void *)fn, ctx);
}
