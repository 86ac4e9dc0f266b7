/*
 * catalog.h - the register's catalog (REGISTER/catalog.db), an sqlite
 * database that only the catalog's own files (catalog.c, catalog_*.c,
 * through catalog_i.h) open, query or name: every table, the audit log's
 * and the requests' included, is read and written through the functions
 * below, and no other module sees sqlite.
 *
 * The database runs in WAL mode with foreign keys and secure_delete on, so
 * an erased row's bytes (seals above all) are overwritten rather than left
 * in free pages.  The schema version is PRAGMA user_version; catalog_open
 * refuses a newer one and upgrades older ones.
 *
 * Locking: one struct catalog is one sqlite connection, opened without
 * sqlite's own mutexes; nothing here locks.  The caller serialises every
 * call on one catalog (the mount holds a lock around its use), including
 * callbacks' own calls.  Separate catalogs on the same file may be used by
 * different threads and processes at once: sqlite's file locks order them,
 * a connection waiting up to 10 s for another's lock before giving up with
 * -EBUSY.
 *
 * Errors: every function that returns int returns 0 or a negative errno
 * and sets its out-parameters only on success.  sqlite's failures are
 * translated in one place: -EBUSY (the database stayed locked), -ENOMEM,
 * -EROFS, -EACCES, -EEXIST (a constraint: a key that is taken, a parent
 * row that does not exist, a NULL or a value the schema refuses), -ENOSPC
 * (the disk is full, whether sqlite calls it full or an I/O error),
 * -EUCLEAN (the file is damaged: sqlite's "malformed", or not a database),
 * -ENOENT, -EFBIG, and -EIO for anything else, each with one line in
 * meta_errmsg().  Any function may return these;
 * the comments below name only the errors a function adds to them.
 * The -ENOENT of a get or find that found nothing leaves meta_errmsg()
 * as it was.
 *
 * The catalog holds in the clear only what policy needs: ids, handles,
 * dates, source, purpose, legal basis, retention, flags, sizes, durations.
 * Names, contacts, titles and free text exist only inside sealed records.
 */
#ifndef RECFS_CATALOG_H
#define RECFS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "util.h"

#define CATALOG_SCHEMA_VERSION 30
#define CATALOG_HANDLE_MAX 16 /* "S-7K2QF9" + NUL, with room */
/* How many rows of the change log the writers keep (at least; pruned every
 * 1024 rows).  A mount further behind rebuilds (catalog_changes_since). */
#define CATALOG_CHANGE_KEEP 65536

struct catalog;

struct cat_recording {
	char id[RECFS_ID_HEX];
	int64_t recorded_at;
	char *source, *kind, *purpose, *legal_basis, *data_source;
	/*
	 * The last day kept, as the epoch of its 00:00 UTC: the recording is
	 * kept through that whole day (UTC) and the first retention sweep
	 * after it ends erases it.  A register written before recfs stored
	 * days may hold a time of that day: only its day counts.
	 */
	int64_t retention_until;
	int64_t restricted_since;	/* 0 when not restricted */
	/*
	 * 1 while the recording's only restriction is one an objection made
	 * (Art. 21: rights_object, rights_restrict_if_objected, a merge), or
	 * a consent withdrawal that a legal hold kept from erasing it
	 * (rights_restrict_withdrawn): the retention sweep erases it past
	 * retention_until once nothing else keeps it.  0 when not
	 * restricted, restricted by the officer (Art. 18, which wins), or
	 * restricted before schema 22 (catalog.c: kept, as before).
	 */
	int restricted_by_objection;
	/*
	 * The reasons of a restriction and of a legal hold are free text that
	 * may name a person, so the catalog holds neither (schema 6): each is
	 * the id of a sealed record for the rights level that the recording
	 * owns (rights.h), NULL when there is none.  A register written before
	 * schema 6 holds the text itself until reg_open seals it
	 * (catalog_plain_reasons).
	 */
	char *restricted_reason;	/* NULL when not restricted */
	char *legal_hold;		/* NULL when none; set: on hold */
	int64_t hold_since;		/* when the hold was placed; 0 when none or not known */
	int channels;
	uint64_t pcm_samples;
	uint64_t duration_ms;
	int locked;			/* password-protected */
	char details_id[RECFS_ID_HEX];	/* sealed details record, "" when none */
	int64_t ingested_at;
};

struct cat_artifact {
	char id[RECFS_ID_HEX];
	char recording[RECFS_ID_HEX];
	char *role;	/* "audio", "chat" or "file" */
	int n;		/* 0 for audio and chat; 1.. for shared files */
	char *ext;	/* original extension, e.g. "pdf"; "opus" for audio */
	uint64_t size;	/* plaintext bytes */
};

/* Open (create=1: create if missing, mode 0600, with the owner and group
 * of its folder: util_adopt_owner) the catalog at path into *out, which the
 * caller closes with catalog_close.  The -wal and -shm files sqlite creates
 * beside it get the database file's owner from sqlite itself when it runs
 * as root.  -EPROTO for a schema newer than this build; -ENOENT when path
 * is missing (create=0) or is an empty database that create=0 does not
 * make a catalog of; errors of util_adopt_owner (create=1). */
int catalog_open(const char *path, int create, struct catalog **out) MUST_CHECK;
/* Close c and free it; NULL is accepted.  An open transaction is rolled
 * back by sqlite. */
void catalog_close(struct catalog *c);
/* A second connection to c's database file into *out, read-only, for a
 * reader on another thread (closed with catalog_close).  -ENOENT when c
 * has no file (an in-memory or temporary database); -EPROTO when the
 * file's schema version is not this build's; sqlite's errors. */
int catalog_open_twin(struct catalog *c, struct catalog **out) MUST_CHECK;

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Nested begin is an error.  rollback
 * is safe to call when no transaction is open; it ends a read transaction
 * too. */
int catalog_begin(struct catalog *c) MUST_CHECK;
int catalog_commit(struct catalog *c) MUST_CHECK;
void catalog_rollback(struct catalog *c);
/* fn (NULL: none) is asked by every catalog_begin once the write lock is
 * held, before anything is read or written in the transaction: a negative
 * errno from it rolls the transaction back and is catalog_begin's.  What
 * another writer committed while this one waited for the lock is seen
 * there (recfs: a policy applied meanwhile, reg_policy_changed). */
void catalog_set_begin_check(struct catalog *c, int (*fn)(void *ctx), void *ctx);
/*
 * One part of a catalog_begin transaction that can be undone alone (an SQL
 * savepoint; one level, not nested): catalog_savepoint starts it,
 * catalog_savepoint_release keeps its changes in the transaction (they are
 * committed or rolled back with it), catalog_savepoint_undo drops them and
 * leaves the transaction open with what came before.  -EINVAL for a
 * savepoint outside a transaction; errors of sqlite as catalog_exec
 * (-EBUSY, -ENOSPC, -EIO).  catalog_savepoint_undo is -EIO when sqlite
 * already ended the whole transaction with the failure (a full disk, an
 * I/O error) or cannot return: then nothing of the transaction remains and
 * it is closed, as after catalog_rollback.
 */
int catalog_savepoint(struct catalog *c) MUST_CHECK;
int catalog_savepoint_release(struct catalog *c) MUST_CHECK;
int catalog_savepoint_undo(struct catalog *c) MUST_CHECK;
/*
 * fn is called after each commit of c that appended audit rows
 * (catalog_audit_append), with the first and last seq it committed (what a
 * savepoint undid is not counted; outside a transaction, after each row);
 * a rollback forgets them.  One fn per
 * connection, NULL for none.  It is how audit.c mirrors only what the log
 * really took.
 */
void catalog_on_audit_commit(struct catalog *c, void (*fn)(struct catalog *c, int64_t first, int64_t last));
/* The seqs of the audit entries appended in c's open transaction (what
 * catalog_on_audit_commit's fn gets at its commit); 0 and 0 when none. */
void catalog_audit_pending(const struct catalog *c, int64_t *first, int64_t *last);
/*
 * A read transaction: every query between catalog_begin_read and
 * catalog_end_read sees the same snapshot of the catalog, whatever other
 * connections commit meanwhile (the snapshot is taken by the first query).
 * It takes no write lock and blocks no writer, but while it is open the WAL
 * cannot be checkpointed past it: keep it short.  -EINVAL when a read or
 * write transaction is already open on c (catalog_begin also refuses to
 * start inside a read one); -EBUSY, -ENOMEM or -EIO from sqlite, with
 * meta_errmsg() set.  catalog_end_read ends it and never fails; it does
 * nothing when no read transaction is open, and leaves a catalog_begin
 * transaction alone.  Writes inside a read transaction are not supported.
 */
int catalog_begin_read(struct catalog *c) MUST_CHECK;
void catalog_end_read(struct catalog *c);
/* Copy the WAL into the database and truncate it to zero bytes, so that
 * pages holding erased seals do not survive in old WAL frames.  -EBUSY when
 * a reader kept it from finishing. */
int catalog_checkpoint(struct catalog *c) MUST_CHECK;
/* The same without waiting: when a reader or another writer is in the way
 * it copies what it can and returns -EBUSY at once, where
 * catalog_checkpoint would wait for them (up to the busy timeout). */
int catalog_checkpoint_try(struct catalog *c) MUST_CHECK;
/*
 * The transaction in hand (or, outside one, the last commit) wrote pages
 * that must not stay in the WAL: an audit epoch's sealing key, overwritten
 * by the next.  Every commit on c from then on, the caller's as much as
 * one the writer began itself (a mount's journal commits its entries in
 * its own transaction), tries catalog_checkpoint_try until one succeeds
 * (atk22: a running mount kept every ended epoch's key in its WAL).
 */
void catalog_checkpoint_due(struct catalog *c);
/* catalog_checkpoint_due's checkpoint tried again outside a commit, when
 * it is still due or the connection has not tried one for ten seconds (a
 * writer that may commit nothing for a while: a mount's audit queue,
 * idle, which so also takes out what another process had to leave in the
 * WAL).  Every commit tries the same way, and a close when it is due. */
void catalog_checkpoint_if_due(struct catalog *c);
/*
 * sqlite's integrity check of the whole file (PRAGMA integrity_check:
 * every page, record and free list, and that every index holds its
 * table's rows and nothing else), for a command that must not act on a
 * damaged catalog.  The index matters as much as the pages: the sweep
 * finds expired recordings through recording_retention, so an index that
 * lost an entry (a damaged page, or root rebuilding it by hand, which
 * sqlite's quick check does not see) would keep that recording past its
 * retention without a word.  0 when sqlite finds nothing wrong; -EUCLEAN
 * when it does (meta_errmsg quotes its first finding, which names a
 * table, an index, a page or a row number, never a value); other errors
 * as usual (-EBUSY).  Reads every page and looks up every index entry:
 * seconds on a large catalog.
 */
int catalog_integrity_check(struct catalog *c) MUST_CHECK;
/*
 * That the audit log's storage holds what the reports by recording read
 * and the chain vouches for alike.  The chain hashes the table's rows; the
 * reports read them through the index audit_block_object.  So: the log is
 * a plain table named audit (not a view or a virtual table over the
 * renamed one), with no index but that one, as recfs made it, no trigger,
 * and no collation declared on a column; and sqlite's integrity
 * check of the table and its index (PRAGMA integrity_check(audit)) finds
 * every entry in the index under its own block and object, and nothing
 * else there.  Root with sqlite3 and writable_schema can otherwise hide
 * entries from "who listened" while every row verifies (an index rebuilt
 * without them, an index of its own that a report prefers, a view).  0
 * when all holds; -EBADMSG when not (meta_errmsg says what: a schema
 * object's type and name, or sqlite's first finding, a seq and the
 * index's name); other errors as usual.  Reads the whole table and index:
 * seconds on a log of millions.
 */
int catalog_audit_storage_check(struct catalog *c) MUST_CHECK;
/* 1 while a catalog_begin transaction is open. */
int catalog_in_transaction(struct catalog *c);

/* Changes whenever another connection commits (PRAGMA data_version). */
int catalog_data_version(struct catalog *c, int64_t *out) MUST_CHECK;
/* A counter that moves with every commit changing what a mount shows and
 * not with audit entries or sealed records: the mount rebuilds its tree
 * only when it moves.  Triggers move it with recordings (inserted, updated,
 * deleted), artifacts and subjects; a writer that changes seals alone
 * (reseal by policy apply) calls catalog_touch_content in its transaction. */
int catalog_content_version(struct catalog *c, int64_t *out) MUST_CHECK;
int catalog_touch_content(struct catalog *c) MUST_CHECK;

/*
 * The change log (schema 9).  Every change a mount shows leaves rows in
 * it, in the writer's transaction: triggers log the recording of an
 * inserted, updated or deleted recording, artifact or link, and the handle
 * of an inserted or deleted subject.  Seals have no trigger (a retention
 * sweep deletes thousands; see content_version above): a seal changes in
 * the same transaction as its recording's row, or its writer calls
 * catalog_touch_recording.  catalog_touch_content logs a row naming
 * nothing, which means "everything may have changed".  Rows more than
 * CATALOG_CHANGE_KEEP behind the newest are pruned by the writers.
 */
/* Move content_version and log a change of recording (whose seals alone
 * changed).  Inside the writer's transaction. */
int catalog_touch_recording(struct catalog *c, const char *recording) MUST_CHECK;
/* The seq of the newest change, 0 when none was ever logged.  Read it in the
 * same read transaction as the rows it stands for (catalog_begin_read). */
int catalog_change_seq(struct catalog *c, int64_t *out) MUST_CHECK;
/*
 * Call fn(seq, recording, subject, ctx) for each change with after < seq <=
 * upto, in order: recording is the id of a changed recording (NULL when
 * the row names a subject or nothing), subject the handle of a subject
 * inserted or deleted (NULL otherwise); both NULL: everything may have
 * changed.  The strings are lent for the call.  A non-zero return of fn
 * stops the walk and is returned.  -ESTALE, calling fn for nothing, when
 * the log no longer holds every row after `after` (pruned: the caller must
 * rebuild from scratch), or when upto is newer than the newest row or older
 * than after.  Use inside a read transaction that also read upto.
 */
int catalog_changes_since(struct catalog *c, int64_t after, int64_t upto,
			  int (*fn)(int64_t seq, const char *recording, const char *subject, void *ctx),
			  void *ctx) MUST_CHECK;

/* Free the strings of a recording / artifact filled by the catalog. */
void cat_recording_clear(struct cat_recording *r);
void cat_artifact_clear(struct cat_artifact *a);

/* Recordings. */
int catalog_put_recording(struct catalog *c, const struct cat_recording *r) MUST_CHECK;
/* -ENOENT when absent.  *out filled; cat_recording_clear it. */
int catalog_get_recording(struct catalog *c, const char *id, struct cat_recording *out) MUST_CHECK;
/* Find by id prefix (the 8 hex digits of a stem), -ENOENT/-EEXIST(ambiguous). */
int catalog_find_recording(struct catalog *c, const char *prefix, char id[RECFS_ID_HEX]) MUST_CHECK;
/* Delete the recording row; artifacts, links cascade. Seals and records are
 * deleted by the caller (they are keyed by object id). */
int catalog_delete_recording(struct catalog *c, const char *id) MUST_CHECK;
/* Update mutable fields: retention_until, restricted_*, legal_hold, hold_since, locked. */
int catalog_update_recording(struct catalog *c, const struct cat_recording *r) MUST_CHECK;
/* Call fn for every recording by recorded_at, then id; fn returning
 * non-zero stops the walk and is returned.  The struct is lent for the
 * call (its strings are freed when fn returns); fn may query the catalog. */
int catalog_each_recording(struct catalog *c, int (*fn)(const struct cat_recording *, void *), void *ctx);
/* The same for every recording in no order (the table's): one pass over
 * the table, where catalog_each_recording looks up each row from an index
 * (several times slower on a large catalog).  For a caller that sorts. */
int catalog_scan_recordings(struct catalog *c, int (*fn)(const struct cat_recording *, void *), void *ctx);
/*
 * Append to out the ids of the recordings whose retention_until lies before
 * `before` (epoch seconds; a recording kept until `before` itself is not
 * listed), the longest expired first (by retention_until, then id).  out
 * owns the copies (idlist_free).  The query has ended when this returns, so
 * the caller may then change the table.  On failure (-EBUSY, -ENOMEM, -EIO,
 * meta_errmsg() set) out may hold some of the ids.
 */
int catalog_expired_recordings(struct catalog *c, int64_t before, struct idlist *out) MUST_CHECK;

/* Ingest de-duplication: keyed hash of the manifest bytes.  The entry
 * outlives an erased recording, so the same manifest is not taken in again. */
int catalog_put_ingest_key(struct catalog *c, const uint8_t key[CRYPTO_MAC_BYTES], const char *recording_id) MUST_CHECK;
/* 0 and id filled when known, -ENOENT when new. */
int catalog_find_ingest_key(struct catalog *c, const uint8_t key[CRYPTO_MAC_BYTES], char id[RECFS_ID_HEX]) MUST_CHECK;

/*
 * Artifacts: the stored files of a recording (its audio, its chat, the
 * files shared in it), one row each.  Their seals are keyed by artifact id
 * and are the caller's to delete; the blob files are blob.c's.
 *
 * catalog_put_artifact inserts *a; its strings are copied, a stays the
 * caller's.  -EEXIST when the id or the (recording, role, n) is taken, the
 * recording does not exist, role is not audio, chat or file, or role or
 * ext is NULL.
 */
int catalog_put_artifact(struct catalog *c, const struct cat_artifact *a) MUST_CHECK;
/* Fill *out with artifact id: role and ext are malloc'd, free them with
 * cat_artifact_clear.  -ENOENT when there is none. */
int catalog_get_artifact(struct catalog *c, const char *id, struct cat_artifact *out) MUST_CHECK;
/* Delete artifact id's row; 0 also when there is none. */
int catalog_delete_artifact(struct catalog *c, const char *id) MUST_CHECK;
/*
 * Call fn for each artifact of recording, by role ("audio", "chat",
 * "file") and then n; recording NULL: every artifact, by recording id,
 * then role and n.  The struct passed to fn is lent: its strings are freed
 * when fn returns, so copy what you keep.  fn may query and write the
 * catalog (the walk has its own statement; rows changed meanwhile may or
 * may not be seen).  fn returning non-zero stops the walk and is returned;
 * otherwise 0 (also when there are none).
 */
int catalog_each_artifact(struct catalog *c, const char *recording, int (*fn)(const struct cat_artifact *, void *),
			  void *ctx);
/* catalog_each_artifact(c, NULL, ...) in no order (the table's), as
 * catalog_scan_recordings. */
int catalog_scan_artifacts(struct catalog *c, int (*fn)(const struct cat_artifact *, void *), void *ctx);
/* Append the ids of recording's artifacts to out, in catalog_each_artifact's
 * order; out owns the copies (idlist_free).  On failure out may hold some
 * of them. */
int catalog_recording_artifacts(struct catalog *c, const char *recording, struct idlist *out) MUST_CHECK;

/* Seals: a DEK sealed for one level, keyed by object (artifact or record id). */
int catalog_put_seal(struct catalog *c, const char *object, const char *level, const uint8_t seal[CRYPTO_SEAL_BYTES]) MUST_CHECK;
/* -ENOENT when that level has no seal on object. */
int catalog_get_seal(struct catalog *c, const char *object, const char *level, uint8_t seal[CRYPTO_SEAL_BYTES]) MUST_CHECK;
/* level NULL: every seal of object. */
int catalog_delete_seals(struct catalog *c, const char *object, const char *level) MUST_CHECK;
/* The levels object is sealed for, as catalog_each_seal's fn(object, level). */
int catalog_each_seal_of(struct catalog *c, const char *object,
			 int (*fn)(const char *object, const char *level, void *), void *ctx) MUST_CHECK;
/* Every (object, level) pair, by object. */
int catalog_each_seal(struct catalog *c, int (*fn)(const char *object, const char *level, void *), void *ctx);
/* Those of artifacts only (no details record's nor card's), by object. */
int catalog_each_artifact_seal(struct catalog *c, int (*fn)(const char *object, const char *level, void *),
			       void *ctx);

/* Sealed records (details, subject cards). *ct malloc'd; caller frees. */
int catalog_put_record(struct catalog *c, const char *id, const uint8_t *ct, size_t len) MUST_CHECK;
int catalog_get_record(struct catalog *c, const char *id, uint8_t **ct, size_t *len) MUST_CHECK;
int catalog_delete_record(struct catalog *c, const char *id) MUST_CHECK;
/*
 * A sealed record that no recording (details_id) or subject (card) names
 * (a rectification's history) names its owner, a handle or a recording
 * id, and is erased with it.  catalog_put_record of the same id again
 * clears the owner: set it after each write.  owner is lent for the call.
 * Errors: -ENOENT (no record id), catalog errors.
 */
int catalog_set_record_owner(struct catalog *c, const char *id, const char *owner) MUST_CHECK;
/* Append to out the ids of the records owner owns, by id.  Catalog errors. */
int catalog_owned_records(struct catalog *c, const char *owner, struct idlist *out) MUST_CHECK;
/*
 * Append to out the ids of the orphaned sealed records, by id: those no
 * recording, subject or request (requester) names and whose owner is unset or no longer exists
 * (left by an erasure of an older recfs, or a crash between writes that a
 * transaction did not cover).  What fsck reports.  Catalog errors.
 */
int catalog_orphan_records(struct catalog *c, struct idlist *out) MUST_CHECK;

/*
 * The recordings whose legal_hold or restricted_reason is not the id of a
 * sealed record the recording owns: reasons in the clear, as a register
 * written before schema 6 kept them.  Their ids are appended to out, by id
 * (idlist_free).  A partial index keeps this cheap enough for every
 * reg_open.  Catalog errors.
 */
int catalog_plain_reasons(struct catalog *c, struct idlist *out) MUST_CHECK;

/* Subjects: handle -> card record id; blind index entries -> handles. */
int catalog_put_subject(struct catalog *c, const char *handle, const char *card_id) MUST_CHECK;
int catalog_get_subject(struct catalog *c, const char *handle, char card_id[RECFS_ID_HEX]) MUST_CHECK;
/* Whether a subject other than handle has card record card_id too (root
 * pointed its row there: fsck names it): 1 or 0.  Reads every subject's
 * row (no index on card): for the rights' commands, not the mount's reads. */
int catalog_card_shared(struct catalog *c, const char *handle, const char *card_id) MUST_CHECK;
int catalog_delete_subject(struct catalog *c, const char *handle) MUST_CHECK;
/* The level a subject's card is sealed from when it is above the details
 * level (schema v17), by name: set (level NULL: none, the details level),
 * and read into *level (malloc'd; NULL when none).  Catalog errors. */
int catalog_set_subject_level(struct catalog *c, const char *handle, const char *level) MUST_CHECK;
int catalog_get_subject_level(struct catalog *c, const char *handle, char **level) MUST_CHECK;
/*
 * Blind index entries: (mac, handle), one per subject holding an
 * identifier (mac, a keyed hash of one normalised identifier), with the
 * kind of the identifier ("phone", "email", "ref"; schema 6, NULL in older
 * entries; and "name", "given" and, after a split, "whole" for a name's
 * entries, which tell people apart and are never looked up, subject.h), so that a subject's entries
 * of one kind can be dropped without the index key.  A phone number or reference may be held by several
 * subjects (schema 10; before it the first holder kept it alone), and so
 * may an e-mail (schema 14; before it the first holder kept it alone: a
 * family's mailbox).  catalog_put_index adds handle's entry, or gives its
 * entry kind.  Dropping an entry of one subject leaves the
 * other holders'; erasing a subject (catalog_delete_subject) drops its
 * entries alone.  All strings are lent.
 */
int catalog_put_index(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle,
		      const char *kind) MUST_CHECK;
/* Drop handle's entries of kind (0 also when there are none). */
int catalog_drop_index_kind(struct catalog *c, const char *handle, const char *kind) MUST_CHECK;
/* Drop handle's entry of mac (0 also when it has none). */
int catalog_drop_index_entry(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle) MUST_CHECK;
/*
 * Append to out (idlist_free) the handles of every subject holding mac, in
 * the order the subjects were created (the first holder first), then by
 * handle: the same order on every call.  0, also when there is none (out
 * unchanged); catalog errors.
 */
int catalog_index_holders(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], struct idlist *out) MUST_CHECK;
/*
 * Call fn(kind, other, ctx) for each identifier entry of handle (kind
 * "phone", "email" or "ref"; NULL for an entry older than schema 6) that
 * another subject holds too, once per kind and other subject, by kind
 * then by the others' creation order.  Names' entries ("name", "given")
 * are no identifiers and are left out.  A non-zero return of fn stops the
 * walk and is returned; else 0, or a catalog error.
 */
int catalog_index_sharers(struct catalog *c, const char *handle,
			  int (*fn)(const char *kind, const char *other, void *ctx), void *ctx) MUST_CHECK;
/* 1 when handle holds mac, 0 when not, or a catalog error. */
int catalog_index_holds(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle) MUST_CHECK;
/* 1 when handle has an index entry of kind ("phone", "email", "ref", "name", "given", "whole"), 0 when not,
 * or -EIO. */
int catalog_index_has_kind(struct catalog *c, const char *handle, const char *kind) MUST_CHECK;
int catalog_link_subject(struct catalog *c, const char *recording, const char *handle, const char *role) MUST_CHECK;
/* Remove one link of a recording; -ENOENT when there was none. */
int catalog_unlink_subject(struct catalog *c, const char *recording, const char *handle) MUST_CHECK;
/*
 * Move to subject into what subject from holds (rights_merge_subjects): its
 * links (where both are in one recording, into's role stays), its
 * blind-index entries, its objections (one to a purpose that into objects
 * to already stays from's, and goes with it), its requests, open or
 * closed.  from's row, card and records stay, for the caller to erase.
 * *moved (may be NULL) is set to the number of from's links.  Inside the
 * caller's transaction; catalog errors.
 */
int catalog_move_subject(struct catalog *c, const char *from, const char *into, size_t *moved) MUST_CHECK;
/*
 * Move recording's link to subject from to subject into, its role kept
 * (rights_split_subject).  -ENOENT when recording is not linked to from.
 * Inside the caller's transaction; catalog errors.
 */
int catalog_move_link(struct catalog *c, const char *recording, const char *from, const char *into) MUST_CHECK;
/* Give subject into every blind-index entry of kind that subject from
 * holds (from keeps them: both hold them).  Inside the caller's
 * transaction; catalog errors. */
int catalog_copy_index_kind(struct catalog *c, const char *from, const char *into, const char *kind) MUST_CHECK;
/* recording NULL: every link. */
int catalog_each_link(struct catalog *c, const char *recording,
		      int (*fn)(const char *recording, const char *handle, const char *role, void *), void *ctx);
/* Recordings of one subject. */
int catalog_each_link_of_subject(struct catalog *c, const char *handle,
				 int (*fn)(const char *recording, const char *handle, const char *role, void *),
				 void *ctx);
/* Append the ids of a subject's recordings to out. */
int catalog_subject_recordings(struct catalog *c, const char *handle, struct idlist *out) MUST_CHECK;
/* Every subject handle. */
int catalog_each_subject(struct catalog *c, int (*fn)(const char *handle, void *), void *ctx);
/* Append to out the handles of the subjects no recording is linked to, by
 * handle (a subject erased with its last recording leaves none; one kept
 * while a request of it is open, or left by an older recfs, does).
 * Catalog errors. */
int catalog_unlinked_subjects(struct catalog *c, struct idlist *out) MUST_CHECK;

/*
 * Objections (Art. 21; schema 7): subject handle objects to processing for
 * purpose since `since`; `lifted` is when the objection was lifted, 0
 * while it stands.  What an objection does is rights.c's; these store and
 * read its rows.  The rows hold the handle and the purpose's name, nothing
 * more, and go with the subject (catalog_delete_subject).
 */
struct cat_objection {
	const char *handle;	/* lent for the call */
	const char *purpose;	/* lent for the call */
	int64_t since;
	int64_t lifted;		/* 0 while it stands */
};
/* Record a standing objection of handle to purpose.  -EEXIST when one
 * stands already, or handle is not a subject (constraints).  Joins the
 * open transaction, if any. */
int catalog_put_objection(struct catalog *c, const char *handle, const char *purpose, int64_t since) MUST_CHECK;
/* Lift handle's standing objection to purpose at time lifted (non-zero).
 * -ENOENT when none stands (meta_errmsg() not set). */
int catalog_lift_objection(struct catalog *c, const char *handle, const char *purpose, int64_t lifted) MUST_CHECK;
/* The time handle's standing objection to purpose began, in *since.
 * -ENOENT when none stands (meta_errmsg() not set). */
int catalog_get_objection(struct catalog *c, const char *handle, const char *purpose, int64_t *since) MUST_CHECK;
/* When handle last withdrew consent (retention_withdraw_consent): set to
 * at, and read into *at (0: never).  -ENOENT when handle is no subject. */
int catalog_set_consent_withdrawn(struct catalog *c, const char *handle, int64_t at) MUST_CHECK;
int catalog_get_consent_withdrawn(struct catalog *c, const char *handle, int64_t *at) MUST_CHECK;
/*
 * Call fn for each objection of handle (NULL: of every subject), standing
 * or lifted (all = 1) or standing only (all = 0), by handle, then since,
 * then purpose.  The struct is valid during the call only; fn may query
 * and write the catalog (the walk has its own statement).  fn returning
 * non-zero stops the walk and is returned; otherwise 0.
 */
int catalog_each_objection(struct catalog *c, const char *handle, int all,
			   int (*fn)(const struct cat_objection *o, void *ctx), void *ctx);

/* Password protection of a recording: the Argon2id salt and limits. */
struct cat_lock {
	uint8_t salt[CRYPTO_SALT_BYTES];
	uint64_t ops, mem;
};
int catalog_put_lock(struct catalog *c, const char *recording, const struct cat_lock *l) MUST_CHECK;
/* -ENOENT when the recording is not protected. */
int catalog_get_lock(struct catalog *c, const char *recording, struct cat_lock *out) MUST_CHECK;

/*
 * The audit table.  audit.c owns the log and its hash chain; these store
 * and read its rows, nothing more.  A row as stored: every pointer in it is
 * lent (catalog_audit_append copies what it is given; the rows that
 * catalog_each_audit passes are valid during the callback only).  action
 * and outcome are never NULL in a stored row, the other strings may be.
 * hash is hash_len bytes: CRYPTO_HASH_BYTES as written, but a row edited
 * by hand may hold another length (hash NULL when it holds none).
 */
struct cat_audit {
	int64_t seq;
	int64_t time;
	int64_t uid;
	const char *user;
	const char *level;
	int64_t pid;
	const char *comm;
	const char *action;
	const char *object;
	const char *outcome;
	const char *reason;
	const char *artifact;	/* schema 2; NULL in older rows */
	int64_t loginuid;	/* schema 2; -1 (stored as NULL) for none and in older rows */
	int64_t time_us;	/* schema 28; 0 (stored as NULL) when not known and in older rows */
	const uint8_t *hash;
	size_t hash_len;
	/* Read back by catalog_each_audit_checked (0 in other walks): a
	 * column not stored as the log writes it (an integer as text or a
	 * blob, text as a blob or with a NUL in it, a uid or pid past 32
	 * bits, the hash not a blob).  The chain hashes the values as read,
	 * which do not show such a change (atk47 F1). */
	int malformed;
};
/*
 * The row with the highest seq: its seq in *seq and its hash in hash.  An
 * empty table gives 0 and CRYPTO_HASH_BYTES zero bytes (where a chain
 * starts); a stored hash of another length gives zero bytes too (audit
 * verification names that row).  Called inside a catalog_begin transaction,
 * no other connection can append between this and catalog_audit_append:
 * BEGIN IMMEDIATE holds the write lock.  -EBUSY, -ENOMEM or -EIO from
 * sqlite, with meta_errmsg() set; *seq and hash are set only on success.
 */
int catalog_audit_last(struct catalog *c, int64_t *seq, uint8_t hash[CRYPTO_HASH_BYTES]) MUST_CHECK;
/*
 * Insert row as given, seq included; row->hash_len must be
 * CRYPTO_HASH_BYTES (else -EINVAL).  Joins the open transaction, if any.
 * -EEXIST when seq is taken or action, outcome or hash is NULL (a
 * constraint of the table); -EBUSY, -ENOSPC, -EROFS, -ENOMEM or -EIO from
 * sqlite; meta_errmsg() set on every error.
 */
int catalog_audit_append(struct catalog *c, const struct cat_audit *row) MUST_CHECK;
/*
 * Call fn for each row in seq order: every row when object is NULL, else
 * the rows whose object is that string.  fn may query and write the
 * catalog (the walk has its own statement; rows appended meanwhile may or
 * may not be seen).  fn returning non-zero stops the walk and is returned;
 * otherwise 0, or -EBUSY, -ENOMEM or -EIO from sqlite, with meta_errmsg()
 * set.
 */
int catalog_each_audit(struct catalog *c, const char *object, int (*fn)(const struct cat_audit *row, void *ctx),
		       void *ctx);
/* catalog_each_audit of every row, each with its malformed set: for
 * audit verification, which alone pays for the check. */
int catalog_each_audit_checked(struct catalog *c, int (*fn)(const struct cat_audit *row, void *ctx),
			       void *ctx) MUST_CHECK;
/*
 * Which rows catalog_each_audit_where walks: each condition that is set
 * must hold (all of them at once); a zeroed struct walks every row.
 * Pointers are lent for the walk.
 */
struct cat_audit_filter {
	/* What about: object is one of the n_objects strings in objects, or
	 * begins with object_prefix when that is not NULL; neither set: any. */
	const char *const *objects;
	size_t n_objects;
	const char *object_prefix;
	const char *action;		/* NULL: any */
	/* Who: user = user (when not NULL) or uid = uid (when has_uid),
	 * or, with login_too, loginuid = uid (who logged in, kept across
	 * su and sudo); neither set: anyone. */
	const char *user;
	int has_uid;
	int64_t uid;
	int login_too;
	int64_t since, until;		/* since <= time <= until; 0: no bound */
	/* and since_us <= time_us <= until_us, of an entry without time_us
	 * its second's last and first microsecond (it may be either); 0: no
	 * bound */
	int64_t since_us, until_us;
	int64_t seq_from, seq_to;	/* seq_from <= seq <= seq_to; 0: no bound */
};
#define CATALOG_AUDIT_OBJECTS_MAX 10000
/*
 * The objects (recording ids) of the "ok" entries of action "erase" of a
 * whole recording (no artifact) whose reason holds the word word+handle
 * (bounded by spaces or the ends: exactly, not a prefix of another),
 * appended to out once each, in order of their first such entry.  0, or
 * -EBUSY, -ENOMEM, -EIO from sqlite with meta_errmsg() set.
 */
int catalog_audit_erased_for(struct catalog *c, const char *handle, const char *word, struct idlist *out) MUST_CHECK;
/* The objects (recording ids) whose last "ok" entry of action "restrict"
 * or "lift-restriction" is a restrict, appended to out, sorted; only
 * recording's when it is not NULL.  0, or an error of sqlite. */
int catalog_audit_restricted(struct catalog *c, const char *recording, struct idlist *out) MUST_CHECK;
/* The objects of the "ok" entries of action "erase" of a whole recording
 * whose id starts with prefix (the 8 hex digits of a file name), appended
 * to out once each, in order.  0, or an error of sqlite. */
int catalog_audit_erased_prefixed(struct catalog *c, const char *prefix, struct idlist *out) MUST_CHECK;
/*
 * catalog_each_audit for the rows f selects, in seq order.  -E2BIG when
 * f names more than CATALOG_AUDIT_OBJECTS_MAX objects; otherwise as
 * catalog_each_audit.
 */
int catalog_each_audit_where(struct catalog *c, const struct cat_audit_filter *f,
			     int (*fn)(const struct cat_audit *row, void *ctx), void *ctx);
/*
 * The seq of each row f selects, in seq order, to fn: one statement, one
 * sort at most (rows of more than one object come from the index by
 * object, sorted once).  Returns as catalog_each_audit_where.
 */
int catalog_each_audit_seq_where(struct catalog *c, const struct cat_audit_filter *f,
				 int (*fn)(int64_t seq, void *ctx), void *ctx);

/*
 * The audit log's seals (schema version 4; audit.c owns what they mean).
 * A closing seal: the MAC made when epoch `epoch` ended over the log as it
 * stood, entries 1..seq.  mac is mac_len bytes (CRYPTO_MAC_BYTES as
 * written; a row edited by hand may hold another length); lent.
 */
struct cat_audit_seal {
	int64_t epoch;
	int64_t seq;
	const uint8_t *mac;
	size_t mac_len;
};
/* Insert a seal, joining the open transaction.  -EINVAL when mac_len is not
 * CRYPTO_MAC_BYTES; -EEXIST when that epoch has one; other errors as for
 * catalog_audit_append. */
int catalog_audit_seal_append(struct catalog *c, const struct cat_audit_seal *s) MUST_CHECK;
/* Call fn for each seal in epoch order (the struct is valid during the
 * call); fn returning non-zero stops the walk and is returned.  Otherwise
 * 0, or -EBUSY, -ENOMEM or -EIO from sqlite with meta_errmsg() set. */
int catalog_each_audit_seal(struct catalog *c, int (*fn)(const struct cat_audit_seal *s, void *ctx), void *ctx);
/*
 * The sealing key state: the current key of epoch `epoch` of a clock that
 * started at `start` (epoch seconds) and moves every `interval` seconds.
 * catalog_audit_key_get fills *out with a new guarded copy of the key
 * (the caller frees out->key with crypto_key_free); -ENOENT when the
 * register has none (meta_errmsg() not set), -EBADMSG when the stored key
 * is not CRYPTO_EVOLVE_KEY_BYTES long; -EBUSY, -ENOMEM, -EIO from sqlite.
 * The key also passes through sqlite's page cache, which is not guarded
 * memory.  catalog_audit_key_put writes k (key lent) over the one row, in
 * the open transaction; -EINVAL for a key of the wrong length, else errors
 * as catalog_audit_append.  secure_delete overwrites the old row's bytes
 * in the database pages; copies in the WAL remain until a checkpoint
 * (catalog_checkpoint_try) copies the pages back and truncates it.
 */
struct cat_audit_key {
	int64_t start;
	int64_t interval;
	int64_t epoch;
	struct crypto_key *key;
};
int catalog_audit_key_get(struct catalog *c, struct cat_audit_key *out) MUST_CHECK;
int catalog_audit_key_put(struct catalog *c, const struct cat_audit_key *k) MUST_CHECK;

/*
 * For the audit log's retention (audit_expire).  catalog_audit_first_since:
 * the lowest seq of a row whose time is t or later into *seq; -ENOENT when
 * there is none.  catalog_audit_hash_of: the stored hash of row seq into
 * hash; -ENOENT when there is no such row, -EBADMSG when the stored hash
 * is not CRYPTO_HASH_BYTES long.  catalog_audit_drop_before: delete every
 * row below seq, in the open transaction (secure_delete overwrites them in
 * the database; copies stay in the WAL until a checkpoint), *dropped = the
 * rows deleted.  catalog_audit_seal_seq: the seq of the seal of epoch
 * into *seq; -ENOENT when that epoch has none.  Out-parameters are set
 * only on success; other errors -EBUSY, -ENOMEM, -EIO from sqlite (and
 * for the delete -ENOSPC, -EROFS), with meta_errmsg() set.
 */
int catalog_audit_first_since(struct catalog *c, int64_t t, int64_t *seq) MUST_CHECK;
int catalog_audit_hash_of(struct catalog *c, int64_t seq, uint8_t hash[CRYPTO_HASH_BYTES]) MUST_CHECK;
int catalog_audit_drop_before(struct catalog *c, int64_t seq, int64_t *dropped) MUST_CHECK;
int catalog_audit_seal_seq(struct catalog *c, int64_t epoch, int64_t *seq) MUST_CHECK;

/*
 * The request table.  request.c owns the rules (types, deadlines, what the
 * texts may hold); these store and read its rows.  A request as stored,
 * filled by the catalog with malloc'd strings: free them with
 * cat_request_clear (which accepts NULL and leaves the struct zeroed).
 */
struct cat_request {
	int64_t id;		/* its number, given by the table: 1, 2, ... */
	char *type;
	char *handle;		/* NULL while the requester is not linked to a subject */
	int64_t received;
	int64_t due;
	char *verified_by;	/* NULL when not (yet) recorded */
	char *extended_reason;	/* NULL when not extended */
	int64_t closed;		/* 0 while open */
	char *outcome;		/* NULL while open */
	/* Schema 7; NULL (0) in older rows: */
	char *state;		/* request.h's lifecycle word; NULL: read it from the above */
	char *channel;		/* how it came: email, post, in-person, phone */
	char *requester;	/* id of the sealed record describing the requester */
	char *ground;		/* the legal ground of a refusal */
	char *note;		/* what was done, in the officer's words */
	int64_t counted_from;	/* the day the month runs from, when not received */
};
void cat_request_clear(struct cat_request *q);
/*
 * Insert an open request; the strings are copied (a NULL handle or
 * verified_by is stored as '' and read back as NULL; a NULL type is
 * refused by the table: -EEXIST, a constraint).  *id is its number, set only on
 * success: higher than any given before, a deleted request's included.  Joins the open transaction, if any.  -EBUSY, -ENOSPC, -EROFS,
 * -ENOMEM or -EIO from sqlite; meta_errmsg() set on every error.
 */
int catalog_new_request(struct catalog *c, const char *type, const char *handle, int64_t received, int64_t due,
			const char *verified_by, int64_t *id) MUST_CHECK;
/* Fill *out with request id (cat_request_clear it).  -ENOENT when there is
 * none (meta_errmsg() not set); -EBUSY, -ENOMEM or -EIO from sqlite. */
int catalog_get_request(struct catalog *c, int64_t id, struct cat_request *out) MUST_CHECK;
/* Set request id's due date and extended_reason (copied); closed or not,
 * the caller checks.  -ENOENT when there is no such request; other errors
 * as for catalog_new_request. */
int catalog_extend_request(struct catalog *c, int64_t id, int64_t due, const char *reason) MUST_CHECK;
/* Close request id at time closed (non-zero) with outcome (copied).
 * -ENOENT when there is no such request; other errors as for
 * catalog_new_request. */
int catalog_close_request(struct catalog *c, int64_t id, int64_t closed, const char *outcome) MUST_CHECK;
/*
 * Write every column of request q->id but id, type and received from q (the
 * strings are copied; NULL ones are stored as NULL, handle and verified_by
 * as '').  Joins the open transaction, if any.  -ENOENT when there is no
 * such request; other errors as for catalog_new_request.
 */
int catalog_update_request(struct catalog *c, const struct cat_request *q) MUST_CHECK;
/*
 * Delete request id (the caller erases its requester record).  -ENOENT
 * when there is no such request; other errors as for catalog_new_request.
 */
int catalog_delete_request(struct catalog *c, int64_t id) MUST_CHECK;
/* Which rows catalog_each_request walks. */
enum cat_request_filter {
	CAT_REQUESTS_ALL,
	CAT_REQUESTS_OPEN,
	CAT_REQUESTS_OPEN_DUE_BEFORE,	/* open, and due before the `before` argument */
	CAT_REQUESTS_CLOSED_BEFORE,	/* closed before the `before` argument */
};
/*
 * Call fn for each request matching filter (before is read only by
 * CAT_REQUESTS_OPEN_DUE_BEFORE and CAT_REQUESTS_CLOSED_BEFORE), by number.  The struct and its strings are
 * valid during the call only.  fn may query and write the catalog (the walk
 * has its own statement).  fn returning non-zero stops the walk and is
 * returned; otherwise 0, -EINVAL for an unknown filter, or -EBUSY, -ENOMEM
 * or -EIO from sqlite with meta_errmsg() set.
 */
int catalog_each_request(struct catalog *c, enum cat_request_filter filter, int64_t before,
			 int (*fn)(const struct cat_request *q, void *ctx), void *ctx);
/* The number of the oldest open request of handle in *id.  -ENOENT when it
 * has none (meta_errmsg() not set); -EBUSY, -ENOMEM or -EIO from sqlite. */
int catalog_first_open_request(struct catalog *c, const char *handle, int64_t *id) MUST_CHECK;
/* The same among handle's open requests of type (NULL: any type). */
int catalog_first_open_request_of(struct catalog *c, const char *handle, const char *type, int64_t *id) MUST_CHECK;
/* The same among those not yet overdue at now (due at or after now). */
int catalog_first_due_request_of(struct catalog *c, const char *handle, const char *type, int64_t now,
				 int64_t *id) MUST_CHECK;

/*
 * Pending unlinks: the artifact ids whose blob files are still to be
 * unlinked after an erasure.  An erasure lists them in the transaction
 * that deletes their rows and seals, so a crash between its commit and the
 * unlinks leaves a list to finish (reg_finish_unlinks, register.h) rather
 * than orphan ciphertext.
 *
 * catalog_add_pending_unlink joins the open transaction, if any; an id
 * listed twice stays listed once.  catalog_pending_unlinks appends every
 * listed id to out, which owns the copies (idlist_free; on failure it may
 * hold some).  catalog_drop_pending_unlink forgets one (0 also when it is
 * not listed).
 */
int catalog_add_pending_unlink(struct catalog *c, const char *artifact) MUST_CHECK;
int catalog_pending_unlinks(struct catalog *c, struct idlist *out) MUST_CHECK;
int catalog_drop_pending_unlink(struct catalog *c, const char *artifact) MUST_CHECK;

/* Key/value settings of the register (register id, created_at, ...). */
int catalog_set_meta(struct catalog *c, const char *key, const char *value) MUST_CHECK;
/* *value malloc'd; -ENOENT when unset. */
int catalog_get_meta(struct catalog *c, const char *key, char **value) MUST_CHECK;
/* Forget key; 0 also when it was unset. */
int catalog_delete_meta(struct catalog *c, const char *key) MUST_CHECK;

#endif
