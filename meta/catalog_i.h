/*
 * catalog_i.h - the catalog's insides: the sqlite connection and the
 * helpers that catalog.c shares with the catalog_*.c files, each of which
 * stores one table for a module above (catalog_audit.c for audit.c,
 * catalog_request.c for request.c, catalog_objection.c for rights.c).  Only these files include it, and the
 * unit tests that reach into the database on purpose (to tamper with it,
 * or to count rows): everything else sees catalog.h, which has no sqlite.
 *
 * Locking: a struct catalog is one sqlite connection (opened NOMUTEX) with
 * its statement cache; nothing here locks.  The caller serialises every
 * use of one catalog, cached statements included.
 */
#ifndef RECFS_CATALOG_I_H
#define RECFS_CATALOG_I_H

#include <sqlite3.h>

#include "catalog.h"

/* How long a statement waits for another connection's lock. */
#define CATALOG_BUSY_MS 10000

/* Above the number of distinct cached queries, so the cache never fills. */
#define CATALOG_STMT_CACHE 64

/*
 * The audit log's index by object (schema v30, audit_block_object) is
 * keyed by (AUDIT_BLOCK, object): entries come in blocks of 65,536 seqs,
 * so that the entries being written share the last block's leaves.  A
 * query by object names the blocks with AUDIT_IN_BLOCKS, which lists
 * those that hold an entry, each found from the last by a seek in the
 * index itself (gaps skipped; strictly increasing, so it ends whatever
 * seqs a hand-edited table holds), and the index serves it block by
 * block.  Changing the width needs a schema step that rebuilds the index.
 */
#define AUDIT_BLOCK "(seq >> 16)"
/* The index, as sqlite_schema keeps its definition after "CREATE INDEX ". */
#define AUDIT_INDEX_ON "audit_block_object ON audit(" AUDIT_BLOCK ", object)"
#define AUDIT_IN_BLOCKS \
	AUDIT_BLOCK " IN (WITH RECURSIVE block(b) AS (SELECT min" AUDIT_BLOCK " FROM audit" \
	" UNION ALL SELECT (SELECT min" AUDIT_BLOCK " FROM audit WHERE " AUDIT_BLOCK " > b) FROM block" \
	" WHERE b IS NOT NULL) SELECT b FROM block WHERE b IS NOT NULL)"

struct catalog {
	sqlite3 *db;
	int in_tx;	/* catalog_begin .. commit/rollback */
	int in_read;	/* catalog_begin_read .. catalog_end_read */
	/* The audit rows this transaction appended, first and last seq (0:
	 * none), and as they stood at its savepoint; audit_committed is told
	 * of them once they are committed (catalog_on_audit_commit). */
	int64_t audit_first, audit_last, sp_audit_first, sp_audit_last;
	void (*audit_committed)(struct catalog *c, int64_t first, int64_t last);
	/* catalog_set_begin_check: asked once each write transaction holds
	 * the write lock; its error ends the transaction. */
	int (*begin_check)(void *ctx);
	void *begin_check_ctx;
	/* catalog_checkpoint_due: a commit wrote pages that must leave the
	 * WAL (an evolved audit key); each commit tries until one succeeds.
	 * checkpoint_tried: when this connection last tried one (monotonic
	 * seconds; 0: never), for try_due_checkpoint's period. */
	int checkpoint_due;
	int64_t checkpoint_tried;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[CATALOG_STMT_CACHE];
};

/*
 * The single sqlite -> errno translation: SQLITE_OK, _ROW and _DONE -> 0,
 * _BUSY and _LOCKED -> -EBUSY, _NOMEM -> -ENOMEM, _READONLY -> -EROFS,
 * _PERM and _AUTH -> -EACCES, _CONSTRAINT -> -EEXIST, _FULL -> -ENOSPC,
 * _IOERR -> -ENOSPC when sys_errno (sqlite3_system_errno of the
 * connection, 0 when none) is ENOSPC or EDQUOT, else -EIO, _CORRUPT and
 * _NOTADB (a damaged catalog) -> -EUCLEAN, _CANTOPEN and _NOTFOUND ->
 * -ENOENT, _TOOBIG -> -EFBIG, anything else -> -EIO.  Extended codes are
 * reduced to their primary code first.
 */
int catalog_errno(int sqlite_rc, int sys_errno);
/* Set meta_errmsg() to "catalog: WHAT: <sqlite's message>" (for -ENOSPC
 * strerror's words, for -EUCLEAN a line saying the catalog is damaged and
 * what to do) and return catalog_errno(sqlite_rc, the connection's
 * system errno). */
int catalog_fail(struct catalog *c, int sqlite_rc, const char *what);
/* An audit row of seq was appended in c's transaction (catalog_audit.c). */
void catalog_audit_appended(struct catalog *c, int64_t seq);
/* Execute SQL that returns no rows (schema work, pragmas; the unit tests
 * tamper with tables through it).  0, or catalog_fail's errno. */
int catalog_exec(struct catalog *c, const char *sql) MUST_CHECK;

/*
 * The cached statement for sql, reset and with no bindings; NULL when it
 * does not compile (meta_errmsg() set; callers return -EIO).  The cache is
 * keyed by the address of sql, so sql must be a string with static storage
 * (a static const char[] per query).  The cache owns the statement: never
 * finalize it, and reset it when done with it so that it holds no read
 * snapshot.  A callback must not run while a cached statement is being
 * stepped (it could ask for the same one): walks use catalog_walk.
 */
sqlite3_stmt *catalog_stmt(struct catalog *c, const char *sql);
/* Step st, which returns no rows, and reset it.  0 or catalog_fail(what). */
int catalog_step_done(struct catalog *c, sqlite3_stmt *st, const char *what) MUST_CHECK;
/* Run sql, one of sqlite's checks (PRAGMA integrity_check) or a query of
 * the same form (a row for each finding, none or "ok" when all is well):
 * 0 with *first NULL when it finds nothing, with *first its first finding
 * (malloc'd) when it does; -errno when it cannot run. */
int catalog_sqlite_check(struct catalog *c, const char *sql, const char *what, char **first) MUST_CHECK;
/*
 * Run sql on a statement of its own (not the cache), so that row() may
 * query the same catalog; arg, when not NULL, is bound to ?1 (lent for the
 * walk).  row(st, fn, ctx) is called for each row; a non-zero return stops
 * the walk and is returned.  Otherwise 0, or catalog_fail's errno.
 */
int catalog_walk(struct catalog *c, const char *sql, const char *arg,
		 int (*row)(sqlite3_stmt *st, void *fn, void *ctx), void *fn, void *ctx);
/* The same for a statement the caller prepared (sqlite3_prepare_v2, not
 * the cache) and bound, when ?1 is not text; st is finalized in every
 * case. */
int catalog_walk_prepared(struct catalog *c, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *fn, void *ctx),
			  void *fn, void *ctx);
/* Column i of the current row as a malloc'd copy (caller frees), NULL for
 * an SQL NULL. */
char *catalog_col_dup(sqlite3_stmt *st, int i);
/* Bind s (lent: it must live until the statement is reset) to parameter i,
 * or NULL when s is NULL. */
void catalog_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

#endif
