/*
 * catalog_audit.c - the audit table's rows, for audit.c.
 *
 * The catalog stores rows and knows nothing of the hash chain: audit.c
 * computes every seq and hash and checks them; here they are written and
 * read back exactly as given, byte for byte, so that a row edited behind
 * the catalog's back reads as it was edited (a hash of the wrong length
 * included) and audit verification can name it.  seq is the table's
 * rowid, so rows come back in seq order from the primary key alone.  The
 * seals and the sealing key state (audit_seal, audit_key) are stored the
 * same way, as given; the key is copied into guarded memory when read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_i.h"

#define AUDIT_COLS \
	"seq, time, uid, user, level, pid, comm, action, object, outcome, reason, hash, artifact, loginuid, time_us"

int catalog_audit_last(struct catalog *c, int64_t *seq, uint8_t hash[CRYPTO_HASH_BYTES])
{
	static const char sql[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == CRYPTO_HASH_BYTES)
			memcpy(hash, sqlite3_column_blob(st, 1), CRYPTO_HASH_BYTES);
		else
			memset(hash, 0, CRYPTO_HASH_BYTES);
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		memset(hash, 0, CRYPTO_HASH_BYTES);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "last audit entry");
}

int catalog_audit_append(struct catalog *c, const struct cat_audit *row)
{
	static const char sql[] =
		"INSERT INTO audit (" AUDIT_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)";
	sqlite3_stmt *st;
	int rc;

	if (row->hash_len != CRYPTO_HASH_BYTES)
		return meta_fail(-EINVAL, "catalog: audit entry %lld: hash of %zu bytes", (long long)row->seq,
				 row->hash_len);
	st = catalog_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, row->seq);
	sqlite3_bind_int64(st, 2, row->time);
	sqlite3_bind_int64(st, 3, row->uid);
	catalog_bind_text_or_null(st, 4, row->user);
	catalog_bind_text_or_null(st, 5, row->level);
	sqlite3_bind_int64(st, 6, row->pid);
	catalog_bind_text_or_null(st, 7, row->comm);
	catalog_bind_text_or_null(st, 8, row->action);
	catalog_bind_text_or_null(st, 9, row->object);
	catalog_bind_text_or_null(st, 10, row->outcome);
	catalog_bind_text_or_null(st, 11, row->reason);
	if (row->hash)
		sqlite3_bind_blob(st, 12, row->hash, (int)row->hash_len, SQLITE_STATIC);
	catalog_bind_text_or_null(st, 13, row->artifact);
	if (row->loginuid >= 0)
		sqlite3_bind_int64(st, 14, row->loginuid);
	if (row->time_us)
		sqlite3_bind_int64(st, 15, row->time_us);
	rc = catalog_step_done(c, st, "append audit entry");
	if (rc == 0)
		catalog_audit_appended(c, row->seq);
	return rc;
}

typedef int (*audit_fn)(const struct cat_audit *, void *);

/* Whether column i of st is stored as catalog_audit_append writes it:
 * kind (SQLITE_INTEGER, SQLITE_TEXT or SQLITE_BLOB), or NULL where null
 * may be; text without a NUL byte in it. */
static int stored_as_written(sqlite3_stmt *st, int i, int kind, int null)
{
	int t = sqlite3_column_type(st, i);

	if (t == SQLITE_NULL)
		return null;
	if (t != kind)
		return 0;
	if (kind == SQLITE_TEXT) {
		const char *s = (const char *)sqlite3_column_text(st, i);

		return s && strlen(s) == (size_t)sqlite3_column_bytes(st, i);
	}
	return 1;
}

/* Whether row st is not stored as catalog_audit_append writes it (struct
 * cat_audit's malformed).  Types first, then text: a text's length is
 * read after its type. */
static int row_malformed(sqlite3_stmt *st)
{
	static const struct {
		int col, kind, null;
	} cols[] = {
		{ 0, SQLITE_INTEGER, 0 }, { 1, SQLITE_INTEGER, 0 }, { 2, SQLITE_INTEGER, 0 }, { 3, SQLITE_TEXT, 1 },
		{ 4, SQLITE_TEXT, 1 },	  { 5, SQLITE_INTEGER, 0 }, { 6, SQLITE_TEXT, 1 },    { 7, SQLITE_TEXT, 1 },
		{ 8, SQLITE_TEXT, 1 },	  { 9, SQLITE_TEXT, 1 },    { 10, SQLITE_TEXT, 1 },   { 11, SQLITE_BLOB, 1 },
		{ 12, SQLITE_TEXT, 1 },	  { 13, SQLITE_INTEGER, 1 }, { 14, SQLITE_INTEGER, 1 },
	};
	int64_t uid = sqlite3_column_int64(st, 2), pid = sqlite3_column_int64(st, 5),
		login = sqlite3_column_int64(st, 13);

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!stored_as_written(st, cols[i].col, cols[i].kind, cols[i].null))
			return 1;
	return uid < 0 || uid > UINT32_MAX || pid < INT32_MIN || pid > INT32_MAX || login < 0 || login > UINT32_MAX;
}

/* The row at st to fn; malformed: row_malformed's, read before the row
 * (sqlite3_column_text converts a value's storage class in place, and
 * sqlite3_column_type is undefined after it). */
static int audit_row_to(sqlite3_stmt *st, int malformed, void *fn, void *ctx)
{
	struct cat_audit row = {
		.seq = sqlite3_column_int64(st, 0),
		.time = sqlite3_column_int64(st, 1),
		.uid = sqlite3_column_int64(st, 2),
		.user = (const char *)sqlite3_column_text(st, 3),
		.level = (const char *)sqlite3_column_text(st, 4),
		.pid = sqlite3_column_int64(st, 5),
		.comm = (const char *)sqlite3_column_text(st, 6),
		.action = (const char *)sqlite3_column_text(st, 7),
		.object = (const char *)sqlite3_column_text(st, 8),
		.outcome = (const char *)sqlite3_column_text(st, 9),
		.reason = (const char *)sqlite3_column_text(st, 10),
		.hash = sqlite3_column_blob(st, 11),
		.artifact = (const char *)sqlite3_column_text(st, 12),
		.loginuid = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 13),
		.time_us = sqlite3_column_int64(st, 14),	/* NULL reads as 0 */
	};

	/* The length after the blob, in the order sqlite documents. */
	row.hash_len = (size_t)sqlite3_column_bytes(st, 11);
	row.malformed = malformed;
	return ((audit_fn)fn)(&row, ctx);
}

static int audit_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return audit_row_to(st, 0, fn, ctx);
}

/* audit_row with the form of each column checked: for verification
 * alone, not every listing and mirror of the log. */
static int audit_row_checked(sqlite3_stmt *st, void *fn, void *ctx)
{
	return audit_row_to(st, row_malformed(st), fn, ctx);
}

int catalog_each_audit(struct catalog *c, const char *object, int (*fn)(const struct cat_audit *row, void *ctx),
		       void *ctx)
{
	if (object)
		return catalog_walk(c, "SELECT " AUDIT_COLS " FROM audit WHERE " AUDIT_IN_BLOCKS " AND object=?1"
				    " ORDER BY seq", object,
				    audit_row, (void *)fn, ctx);
	return catalog_walk(c, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq", NULL, audit_row, (void *)fn, ctx);
}

int catalog_each_audit_checked(struct catalog *c, int (*fn)(const struct cat_audit *row, void *ctx), void *ctx)
{
	/* The table itself, whatever index the planner might prefer. */
	return catalog_walk(c, "SELECT " AUDIT_COLS " FROM audit NOT INDEXED ORDER BY seq", NULL, audit_row_checked,
			    (void *)fn, ctx);
}

/*
 * What the audit log's storage holds that recfs did not make: a row for
 * each finding.  The reports by object read the log through an index the
 * chain does not cover, so the log must be a plain table (not a view or a
 * virtual table over one renamed, which sqlite's integrity check of
 * "audit" would pass without looking), with no index but recfs's own (an
 * index of the columns a report reads would serve it instead, and holds
 * values that sqlite compares under the index's collation alone), no
 * trigger, and no column under a collation of its own (a filter's
 * "user = ?" would then match another user's name, and the index would
 * take the collation of object).  recfs never writes COLLATE into the
 * table's definition.  The index may be missing: the reports then read
 * the table.
 */
static const char AUDIT_STORAGE_FINDINGS[] =
	"SELECT type || ' ' || name FROM sqlite_schema"
	" WHERE (tbl_name = 'audit' COLLATE NOCASE OR name = 'audit' COLLATE NOCASE)"
	" AND NOT (type = 'table' AND name = 'audit' AND sql LIKE 'CREATE TABLE %')"
	" AND NOT (type = 'index' AND name = 'audit_block_object' AND sql IS 'CREATE INDEX " AUDIT_INDEX_ON "')"
	" UNION ALL SELECT 'no plain table named audit' WHERE NOT EXISTS (SELECT 1 FROM sqlite_schema"
	" WHERE type = 'table' AND name = 'audit' AND sql LIKE 'CREATE TABLE %')"
	" UNION ALL SELECT 'a collation in the definition of table audit' FROM sqlite_schema"
	" WHERE type = 'table' AND name = 'audit' AND sql LIKE '%COLLATE%'";

int catalog_audit_storage_check(struct catalog *c)
{
	char *first;
	int rc = catalog_sqlite_check(c, AUDIT_STORAGE_FINDINGS, "check of the audit log's table", &first);

	if (rc == 0 && first) {
		rc = meta_fail(-EBADMSG, "the audit log's storage is not as recfs made it (%s): a report, "
			       "such as who listened, may not show what the log holds", first);
		free(first);
		return rc;
	}
	/* Its index's entries against the rows: "row 5 missing from index
	 * audit_block_object", a seq and a name, never a row's values. */
	if (rc == 0)
		rc = catalog_sqlite_check(c, "PRAGMA integrity_check(audit)", "check of the audit log's index", &first);
	if (rc == 0 && first)
		rc = meta_fail(-EBADMSG, "the audit log's table and its index do not agree (sqlite: %s): a report "
			       "by recording, such as who listened, may leave entries out", first);
	free(first);
	return rc;
}

/* Append part to *sql (malloc'd, replaced). */
static void sql_add(char **sql, const char *part)
{
	char *more = xasprintf("%s%s", *sql, part);

	free(*sql);
	*sql = more;
}

/* *st: the statement "SELECT cols FROM audit" for the rows f selects, in
 * seq order, its parameters bound. */
static int audit_where_prepare(struct catalog *c, const struct cat_audit_filter *f, const char *cols,
			       sqlite3_stmt **st)
{
	char *sql = xasprintf("SELECT %s FROM audit WHERE 1", cols);
	int rc, k = 1;

	*st = NULL;

	if (f->n_objects > CATALOG_AUDIT_OBJECTS_MAX) {
		free(sql);
		return meta_fail(-E2BIG, "catalog: %zu audit objects asked for at once (at most %d)", f->n_objects,
				 CATALOG_AUDIT_OBJECTS_MAX);
	}
	/* Parameters are numbered in the order they are bound below. */
	if (f->n_objects) {
		/* " AND (object IN (?,?,?)": one allocation, however many.
		 * By the index's blocks, unless a prefix is asked for too
		 * (its substr() is read from every row anyway). */
		static const char head[] = " AND (object IN (";
		char *in = xcalloc(1, sizeof(head) + 2 * f->n_objects + 1), *p = in;

		if (!f->object_prefix)
			sql_add(&sql, " AND " AUDIT_IN_BLOCKS);
		memcpy(p, head, sizeof(head) - 1);
		p += sizeof(head) - 1;
		for (size_t i = 0; i < f->n_objects; i++) {
			*p++ = '?';
			*p++ = i + 1 < f->n_objects ? ',' : ')';
		}
		sql_add(&sql, in);
		free(in);
		sql_add(&sql, f->object_prefix ? " OR substr(object, 1, length(?)) = ?)" : ")");
	} else if (f->object_prefix) {
		sql_add(&sql, " AND substr(object, 1, length(?)) = ?");
	}
	if (f->action)
		sql_add(&sql, " AND action = ?");
	if (f->user && f->has_uid)
		sql_add(&sql, f->login_too ? " AND (user = ? OR uid = ? OR loginuid = ?)" : " AND (user = ? OR uid = ?)");
	else if (f->user)
		sql_add(&sql, " AND user = ?");
	else if (f->has_uid)
		sql_add(&sql, f->login_too ? " AND (uid = ? OR loginuid = ?)" : " AND uid = ?");
	if (f->since)
		sql_add(&sql, " AND time >= ?");
	if (f->until)
		sql_add(&sql, " AND time <= ?");
	if (f->since_us)
		sql_add(&sql, " AND coalesce(time_us, time * 1000000 + 999999) >= ?");
	if (f->until_us)
		sql_add(&sql, " AND coalesce(time_us, time * 1000000) <= ?");
	if (f->seq_from)
		sql_add(&sql, " AND seq >= ?");
	if (f->seq_to)
		sql_add(&sql, " AND seq <= ?");
	sql_add(&sql, " ORDER BY seq");
	rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return catalog_fail(c, rc, "prepare audit query");
	for (size_t i = 0; i < f->n_objects; i++)
		sqlite3_bind_text(*st, k++, f->objects[i], -1, SQLITE_STATIC);
	for (int twice = 0; f->object_prefix && twice < 2; twice++)
		sqlite3_bind_text(*st, k++, f->object_prefix, -1, SQLITE_STATIC);
	if (f->action)
		sqlite3_bind_text(*st, k++, f->action, -1, SQLITE_STATIC);
	if (f->user)
		sqlite3_bind_text(*st, k++, f->user, -1, SQLITE_STATIC);
	for (int twice = 0; f->has_uid && twice < 1 + !!f->login_too; twice++)
		sqlite3_bind_int64(*st, k++, f->uid);
	if (f->since)
		sqlite3_bind_int64(*st, k++, f->since);
	if (f->until)
		sqlite3_bind_int64(*st, k++, f->until);
	if (f->since_us)
		sqlite3_bind_int64(*st, k++, f->since_us);
	if (f->until_us)
		sqlite3_bind_int64(*st, k++, f->until_us);
	if (f->seq_from)
		sqlite3_bind_int64(*st, k++, f->seq_from);
	if (f->seq_to)
		sqlite3_bind_int64(*st, k++, f->seq_to);
	return 0;
}

int catalog_each_audit_where(struct catalog *c, const struct cat_audit_filter *f,
			     int (*fn)(const struct cat_audit *row, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	int rc = audit_where_prepare(c, f, AUDIT_COLS, &st);

	return rc ? rc : catalog_walk_prepared(c, st, audit_row, (void *)fn, ctx);
}

typedef int (*seq_fn)(int64_t, void *);

static int seq_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return ((seq_fn)fn)(sqlite3_column_int64(st, 0), ctx);
}

int catalog_each_audit_seq_where(struct catalog *c, const struct cat_audit_filter *f,
				 int (*fn)(int64_t seq, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	int rc = audit_where_prepare(c, f, "seq", &st);

	return rc ? rc : catalog_walk_prepared(c, st, seq_row, (void *)fn, ctx);
}

static int add_object_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	const char *o = (const char *)sqlite3_column_text(st, 0);

	(void)fn;
	if (o)
		idlist_add(ctx, o);
	return 0;
}

int catalog_audit_erased_for(struct catalog *c, const char *handle, const char *word, struct idlist *out)
{
	/* instr, not LIKE: a handle given by a user is matched as it is,
	 * never as a pattern. */
	char *token = xasprintf(" %s%s ", word, handle);
	int rc = catalog_walk(c,
			      "SELECT object FROM audit WHERE action = 'erase' AND outcome = 'ok' AND artifact IS NULL"
			      " AND object IS NOT NULL AND instr(' ' || reason || ' ', ?1) > 0"
			      " GROUP BY object ORDER BY min(seq)",
			      token, add_object_row, NULL, out);

	free(token);
	return rc;
}

/* Of an object's "ok" restrict and lift-restriction entries, the last is
 * a restrict. */
#define RESTRICTED_LAST \
	" AND action IN ('restrict', 'lift-restriction') AND outcome = 'ok' AND object IS NOT NULL GROUP BY object" \
	" HAVING max(CASE action WHEN 'restrict' THEN seq END) >" \
	" coalesce(max(CASE action WHEN 'lift-restriction' THEN seq END), 0)"

int catalog_audit_restricted(struct catalog *c, const char *recording, struct idlist *out)
{
	if (recording)
		return catalog_walk(c, "SELECT object FROM audit WHERE " AUDIT_IN_BLOCKS " AND object = ?1" RESTRICTED_LAST,
				    recording, add_object_row, NULL, out);
	return catalog_walk(c, "SELECT object FROM audit WHERE 1" RESTRICTED_LAST " ORDER BY object", NULL,
			    add_object_row, NULL, out);
}

int catalog_audit_erased_prefixed(struct catalog *c, const char *prefix, struct idlist *out)
{
	return catalog_walk(c,
			    "SELECT object FROM audit WHERE " AUDIT_IN_BLOCKS " AND action = 'erase' AND outcome = 'ok'"
			    " AND artifact IS NULL AND object >= ?1 AND object < ?1 || 'g' GROUP BY object ORDER BY min(seq)",
			    prefix, add_object_row, NULL, out);
}

int catalog_audit_seal_append(struct catalog *c, const struct cat_audit_seal *s)
{
	static const char sql[] = "INSERT INTO audit_seal (epoch, seq, mac) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st;

	if (s->mac_len != CRYPTO_MAC_BYTES)
		return meta_fail(-EINVAL, "catalog: audit seal of epoch %lld: MAC of %zu bytes", (long long)s->epoch,
				 s->mac_len);
	st = catalog_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, s->epoch);
	sqlite3_bind_int64(st, 2, s->seq);
	sqlite3_bind_blob(st, 3, s->mac, (int)s->mac_len, SQLITE_STATIC);
	return catalog_step_done(c, st, "append audit seal");
}

typedef int (*seal_fn)(const struct cat_audit_seal *, void *);

static int seal_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	struct cat_audit_seal s = {
		.epoch = sqlite3_column_int64(st, 0),
		.seq = sqlite3_column_int64(st, 1),
		.mac = sqlite3_column_blob(st, 2),
	};

	s.mac_len = (size_t)sqlite3_column_bytes(st, 2);
	return ((seal_fn)fn)(&s, ctx);
}

int catalog_each_audit_seal(struct catalog *c, int (*fn)(const struct cat_audit_seal *s, void *ctx), void *ctx)
{
	return catalog_walk(c, "SELECT epoch, seq, mac FROM audit_seal ORDER BY epoch", NULL, seal_row, (void *)fn,
			    ctx);
}

int catalog_audit_key_get(struct catalog *c, struct cat_audit_key *out)
{
	static const char sql[] = "SELECT start, interval, epoch, key FROM audit_key WHERE one = 1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	struct crypto_key *k = NULL;
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = -ENOENT;
	} else if (rc != SQLITE_ROW) {
		rc = catalog_fail(c, rc, "read the audit sealing key");
	} else if ((size_t)sqlite3_column_bytes(st, 3) != CRYPTO_EVOLVE_KEY_BYTES) {
		rc = meta_fail(-EBADMSG, "catalog: the audit sealing key is %d bytes long, not %d",
			       sqlite3_column_bytes(st, 3), (int)CRYPTO_EVOLVE_KEY_BYTES);
	} else if (!(k = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0))) {
		rc = -ENOMEM;
	} else {
		memcpy(k->bytes, sqlite3_column_blob(st, 3), CRYPTO_EVOLVE_KEY_BYTES);
		*out = (struct cat_audit_key){
			.start = sqlite3_column_int64(st, 0),
			.interval = sqlite3_column_int64(st, 1),
			.epoch = sqlite3_column_int64(st, 2),
			.key = k,
		};
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

int catalog_audit_key_put(struct catalog *c, const struct cat_audit_key *k)
{
	/* An update in place rather than INSERT OR REPLACE (a delete and an
	 * insert): the new key lands where the old one was. */
	static const char sql[] = "INSERT INTO audit_key (one, start, interval, epoch, key) VALUES (1, ?1, ?2, ?3, ?4)"
				  " ON CONFLICT (one) DO UPDATE SET start = ?1, interval = ?2, epoch = ?3, key = ?4";
	sqlite3_stmt *st;
	int rc;

	if (!k->key || k->key->len != CRYPTO_EVOLVE_KEY_BYTES)
		return meta_fail(-EINVAL, "catalog: audit sealing key of the wrong length");
	st = catalog_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, k->start);
	sqlite3_bind_int64(st, 2, k->interval);
	sqlite3_bind_int64(st, 3, k->epoch);
	sqlite3_bind_blob(st, 4, k->key->bytes, (int)k->key->len, SQLITE_STATIC);
	rc = catalog_step_done(c, st, "write the audit sealing key");
	/* The key it replaced is overwritten in its page (secure_delete), but
	 * not in the WAL's frames until a checkpoint truncates it. */
	if (rc == 0)
		catalog_checkpoint_due(c);
	return rc;
}

/* The integer the cached query sql (one int64 parameter, at most one row
 * of one column) gives for arg into *out; -ENOENT when no row. */
static int one_i64(struct catalog *c, const char *sql, int64_t arg, int64_t *out, const char *what)
{
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	return rc == SQLITE_ROW ? 0 : catalog_fail(c, rc, what);
}

int catalog_audit_first_since(struct catalog *c, int64_t t, int64_t *seq)
{
	/* In seq order, so the scan stops at the first row that qualifies:
	 * rows are near enough in time order that it reads little more than
	 * the rows before it. */
	static const char sql[] = "SELECT seq FROM audit WHERE time >= ?1 ORDER BY seq LIMIT 1";

	return one_i64(c, sql, t, seq, "first audit entry since a time");
}

int catalog_audit_hash_of(struct catalog *c, int64_t seq, uint8_t hash[CRYPTO_HASH_BYTES])
{
	static const char sql[] = "SELECT hash FROM audit WHERE seq = ?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == CRYPTO_HASH_BYTES) {
			memcpy(hash, sqlite3_column_blob(st, 0), CRYPTO_HASH_BYTES);
			rc = 0;
		} else {
			rc = meta_fail(-EBADMSG, "catalog: audit entry %lld has a hash of %d bytes", (long long)seq,
				       sqlite3_column_bytes(st, 0));
		}
	} else if (rc == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = catalog_fail(c, rc, "read an audit entry's hash");
	}
	sqlite3_reset(st);
	return rc;
}

int catalog_audit_drop_before(struct catalog *c, int64_t seq, int64_t *dropped)
{
	static const char sql[] = "DELETE FROM audit WHERE seq < ?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, seq);
	rc = catalog_step_done(c, st, "drop audit entries");
	if (rc == 0)
		*dropped = sqlite3_changes64(c->db);
	return rc;
}

int catalog_audit_seal_seq(struct catalog *c, int64_t epoch, int64_t *seq)
{
	static const char sql[] = "SELECT seq FROM audit_seal WHERE epoch = ?1";

	return one_i64(c, sql, epoch, seq, "read an audit seal");
}
