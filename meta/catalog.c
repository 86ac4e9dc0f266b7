/*
 * catalog.c - the sqlite catalog.  Prepared statements are cached per
 * connection in a small table keyed by the SQL text's address, so the hot
 * queries are compiled once.  Every sqlite result code is translated to an
 * errno in catalog_errno() and nowhere else.  The connection and the
 * helpers that the catalog_*.c files share are declared in catalog_i.h.
 *
 * secure_delete = ON is set on every connection (it is per connection), so
 * erased seals do not linger in free pages; WAL checkpoints copy pages whole,
 * which is why erasure also checkpoints (see rights.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_i.h"

static const char schema_v1[] =
	"CREATE TABLE recording ("
	"  id TEXT PRIMARY KEY,"
	"  recorded_at INTEGER NOT NULL,"
	"  source TEXT NOT NULL, kind TEXT NOT NULL, purpose TEXT NOT NULL,"
	"  legal_basis TEXT NOT NULL, data_source TEXT NOT NULL,"
	"  retention_until INTEGER NOT NULL,"
	"  restricted_since INTEGER NOT NULL DEFAULT 0, restricted_reason TEXT,"
	"  legal_hold TEXT,"
	"  channels INTEGER NOT NULL, pcm_samples INTEGER NOT NULL, duration_ms INTEGER NOT NULL,"
	"  locked INTEGER NOT NULL DEFAULT 0,"
	"  details_id TEXT NOT NULL DEFAULT '',"
	"  ingested_at INTEGER NOT NULL);"
	"CREATE INDEX recording_time ON recording(recorded_at);"
	"CREATE INDEX recording_retention ON recording(retention_until);"
	"CREATE TABLE artifact ("
	"  id TEXT PRIMARY KEY,"
	"  recording TEXT NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK (role IN ('audio','chat','file')),"
	"  n INTEGER NOT NULL, ext TEXT NOT NULL, size INTEGER NOT NULL,"
	"  UNIQUE (recording, role, n));"
	"CREATE TABLE seal ("
	"  object TEXT NOT NULL, level TEXT NOT NULL, box BLOB NOT NULL,"
	"  PRIMARY KEY (object, level)) WITHOUT ROWID;"
	"CREATE TABLE record (id TEXT PRIMARY KEY, ct BLOB NOT NULL);"
	"CREATE TABLE subject (handle TEXT PRIMARY KEY, card TEXT NOT NULL);"
	"CREATE TABLE subject_index ("
	"  mac BLOB PRIMARY KEY,"
	"  handle TEXT NOT NULL REFERENCES subject(handle) ON DELETE CASCADE) WITHOUT ROWID;"
	"CREATE TABLE link ("
	"  recording TEXT NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
	"  handle TEXT NOT NULL REFERENCES subject(handle),"
	"  role TEXT NOT NULL,"
	"  PRIMARY KEY (recording, handle)) WITHOUT ROWID;"
	"CREATE INDEX link_handle ON link(handle);"
	"CREATE TABLE ingest_key ("
	"  mac BLOB PRIMARY KEY,"
	"  recording TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL, user TEXT, level TEXT, pid INTEGER NOT NULL, comm TEXT,"
	"  action TEXT NOT NULL, object TEXT, outcome TEXT NOT NULL, reason TEXT,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX audit_object ON audit(object);"
	"CREATE TABLE request ("
	"  id INTEGER PRIMARY KEY, type TEXT NOT NULL, handle TEXT NOT NULL,"
	"  received INTEGER NOT NULL, due INTEGER NOT NULL, verified_by TEXT NOT NULL,"
	"  extended_reason TEXT, closed INTEGER, outcome TEXT);"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE lock ("
	"  recording TEXT PRIMARY KEY REFERENCES recording(id) ON DELETE CASCADE,"
	"  salt BLOB NOT NULL, ops INTEGER NOT NULL, mem INTEGER NOT NULL);"
	/* content_version moves with every change a mount shows (not with the
	 * audit log or sealed records), so mounts rebuild only when needed.
	 * Triggers on recordings, artifacts and subjects (a few rows per
	 * action); seals change many rows at a time and row triggers on them
	 * made a retention sweep four times slower, so the writers that change
	 * seals alone (policy apply) call catalog_touch_content. */
	"CREATE TABLE content_version (n INTEGER NOT NULL);"
	"INSERT INTO content_version VALUES (0);"
	"CREATE TRIGGER cv_rec_i AFTER INSERT ON recording BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_rec_u AFTER UPDATE ON recording BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_rec_d AFTER DELETE ON recording BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_art_i AFTER INSERT ON artifact BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_art_d AFTER DELETE ON artifact BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_subj_i AFTER INSERT ON subject BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER cv_subj_d AFTER DELETE ON subject BEGIN UPDATE content_version SET n = n + 1; END;";

/*
 * v2: an audit entry about a recording names the artifact read ("opus",
 * "wav", "chat", "1.pdf") beside the recording id in object, and the login
 * uid of the process that acted (NULL: none, and in every older row).
 * Rows written before stay as they were, so their hashes still follow
 * (audit.c hashes the new fields only when they are set).
 */
static const char schema_v2[] =
	"ALTER TABLE audit ADD COLUMN artifact TEXT;"
	"ALTER TABLE audit ADD COLUMN loginuid INTEGER;";

/*
 * v3: a sealed record that neither a recording (details_id) nor a subject
 * (card) names, a rectification's history, names its owner (a handle or a
 * recording id), so that it is erased with it.  Older history records get
 * theirs from the audit entry that made them ("sealed=ID" in the reason of
 * an "rectify" entry about the handle); one whose owner is gone, or that no
 * entry names, is an orphan for fsck to report and --repair to erase.
 */
static const char schema_v3[] =
	"ALTER TABLE record ADD COLUMN owner TEXT;"
	"CREATE INDEX record_owner ON record(owner);"
	"UPDATE record SET owner = (SELECT a.object FROM audit a WHERE a.action = 'rectify' AND a.outcome = 'ok'"
	"  AND a.reason LIKE '%sealed=' || record.id || '%' LIMIT 1)"
	" WHERE owner IS NULL;";

/*
 * v4: the audit log's forward-secure seals (audit.c).  audit_seal holds one
 * closing seal per ended epoch; audit_key the one sealing key state,
 * overwritten in place as it evolves.  Created empty: a catalog upgraded
 * from an older version keeps its log unsealed until `recctl audit
 * setup-keys` issues a verification key and fills audit_key.
 */
static const char schema_v4[] =
	"CREATE TABLE audit_seal (epoch INTEGER PRIMARY KEY, seq INTEGER NOT NULL, mac BLOB NOT NULL);"
	"CREATE TABLE audit_key ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  start INTEGER NOT NULL, interval INTEGER NOT NULL CHECK (interval > 0),"
	"  epoch INTEGER NOT NULL, key BLOB NOT NULL);";

/*
 * v5: the blobs an erasure's transaction deleted the rows of, until they
 * are unlinked (catalog_add_pending_unlink).
 */
static const char schema_v5[] = "CREATE TABLE pending_unlink (artifact TEXT PRIMARY KEY) WITHOUT ROWID;";

/*
 * v6: the reasons of restrictions and legal holds leave the catalog's
 * clear text (rights.h).  legal_hold and restricted_reason now hold the id
 * of a sealed record; hold_since the day a hold began, taken for older
 * holds from the audit entry that placed them (0 when none says).  SQL
 * cannot seal (the rights level's public key is in keys/, not here): the
 * text older rows hold is sealed by the next reg_open, which finds them
 * through catalog_plain_reasons and the partial index recording_reasons.
 * The blind index learns the kind of each entry (NULL in older ones) and
 * is indexed by handle, so a rectification drops a subject's old entries.
 */
static const char schema_v6[] =
	"ALTER TABLE recording ADD COLUMN hold_since INTEGER NOT NULL DEFAULT 0;"
	"UPDATE recording SET hold_since = coalesce((SELECT max(a.time) FROM audit a WHERE a.action = 'hold'"
	"  AND a.outcome = 'ok' AND a.object = recording.id), 0) WHERE legal_hold IS NOT NULL;"
	"CREATE INDEX recording_reasons ON recording(id)"
	"  WHERE legal_hold IS NOT NULL OR restricted_reason IS NOT NULL;"
	"ALTER TABLE subject_index ADD COLUMN kind TEXT;"
	"CREATE INDEX subject_index_handle ON subject_index(handle);";

/*
 * v7: objections (Art. 21, catalog_objection.c): which subject objects to
 * which purpose, since when, and when it was lifted (0 while it stands).
 * A subject has at most one standing objection per purpose; a lifted one
 * stays as the record of what was, and both go with the subject.  IF NOT
 * EXISTS: a catalog whose user_version was set back by hand (the tests
 * that fake an older register) still upgrades.
 */
static const char schema_v7[] =
	"CREATE TABLE IF NOT EXISTS objection ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL REFERENCES subject(handle) ON DELETE CASCADE,"
	"  purpose TEXT NOT NULL, since INTEGER NOT NULL, lifted INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX IF NOT EXISTS objection_standing ON objection(handle, purpose) WHERE lifted = 0;";

/*
 * v8: a rights request's lifecycle (request.h): its state (NULL in older
 * rows, which request.c reads from closed and extended_reason), the
 * channel it came by, the sealed record describing a requester not (yet)
 * found in the register (handle '' until linked), the legal ground of a
 * refusal, the closing note, and the day the month was counted from when
 * that is not the day of receipt (0: received).
 */
static const char schema_v8[] =
	"ALTER TABLE request ADD COLUMN state TEXT;"
	"ALTER TABLE request ADD COLUMN channel TEXT;"
	"ALTER TABLE request ADD COLUMN requester TEXT;"
	"ALTER TABLE request ADD COLUMN ground TEXT;"
	"ALTER TABLE request ADD COLUMN note TEXT;"
	"ALTER TABLE request ADD COLUMN counted_from INTEGER NOT NULL DEFAULT 0;";

/*
 * v9: the change log a mount patches its tree from (catalog_changes_since).
 * One row per row change a mount shows, naming the recording it belongs to
 * or the subject's handle: recordings, artifacts and links by trigger,
 * subjects by trigger, seals by their writers (they change in the same
 * transaction as their recording's row, or call catalog_touch_recording).
 * A row naming neither (catalog_touch_content) asks every mount for a full
 * rebuild.  AUTOINCREMENT: a seq is never handed out twice, even once the
 * rows below it are gone.  Bounded by the writers themselves: every 1024th
 * row deletes those more than CATALOG_CHANGE_KEEP behind it, so a mount that
 * fell further behind sees the gap and rebuilds.  IF NOT EXISTS: see v7.
 */
#define SQL_NUM_(n) #n
#define SQL_NUM(n) SQL_NUM_(n)
#define CHANGE_ROW(tbl, op, when, col, val)                                                            \
	"CREATE TRIGGER IF NOT EXISTS ch_" tbl "_" op " AFTER " when " ON " tbl                         \
	" BEGIN INSERT INTO change (" col ") VALUES (" val "); END;"
static const char schema_v9[] =
	"CREATE TABLE IF NOT EXISTS change (seq INTEGER PRIMARY KEY AUTOINCREMENT, recording TEXT, subject TEXT);"
	CHANGE_ROW("recording", "i", "INSERT", "recording", "NEW.id")
	CHANGE_ROW("recording", "u", "UPDATE", "recording", "NEW.id")
	CHANGE_ROW("recording", "d", "DELETE", "recording", "OLD.id")
	CHANGE_ROW("artifact", "i", "INSERT", "recording", "NEW.recording")
	CHANGE_ROW("artifact", "d", "DELETE", "recording", "OLD.recording")
	CHANGE_ROW("link", "i", "INSERT", "recording", "NEW.recording")
	CHANGE_ROW("link", "d", "DELETE", "recording", "OLD.recording")
	CHANGE_ROW("subject", "i", "INSERT", "subject", "NEW.handle")
	CHANGE_ROW("subject", "d", "DELETE", "subject", "OLD.handle")
	"CREATE TRIGGER IF NOT EXISTS ch_prune AFTER INSERT ON change WHEN NEW.seq % 1024 = 0"
	" BEGIN DELETE FROM change WHERE seq <= NEW.seq - " SQL_NUM(CATALOG_CHANGE_KEEP) "; END;";
#undef CHANGE_ROW
#undef SQL_NUM
#undef SQL_NUM_

/*
 * v10: a blind-index entry is one subject's hold of an identifier, keyed
 * by (mac, handle), so that every subject that gave a shared phone number
 * or reference (a household's line, a company's customer number) is found
 * by it, not only the one that gave it first; dropping one subject's entry
 * leaves the others'.  sqlite cannot change a primary key in place: the
 * table is built anew with every entry, and renamed.  An entry naming no
 * subject (none should: the foreign key cascades) is not carried over.
 * The subjects a shared identifier's first holder kept out of the index
 * before are put in by `recctl subject reindex`, which has the key.
 */
static const char schema_v10[] =
	"CREATE TABLE subject_index_v10 ("
	"  mac BLOB NOT NULL,"
	"  handle TEXT NOT NULL REFERENCES subject(handle) ON DELETE CASCADE,"
	"  kind TEXT,"
	"  PRIMARY KEY (mac, handle)) WITHOUT ROWID;"
	"INSERT INTO subject_index_v10 (mac, handle, kind) SELECT mac, handle, kind FROM subject_index"
	"  WHERE handle IN (SELECT handle FROM subject);"
	"DROP TABLE subject_index;"
	"ALTER TABLE subject_index_v10 RENAME TO subject_index;"
	"CREATE INDEX subject_index_handle ON subject_index(handle);";

/*
 * v11: no table changes.  A catalog that holds subjects when this code
 * first opens it had its blind index made by an earlier rule (the written
 * forms and shared holders of v10, the trunk prefixes other than 0): it
 * is marked, so that recctl says to run `recctl subject reindex` until
 * that has been done (SUBJECT_REINDEX_META, subject.h).  A new catalog
 * holds no subject here and is not marked.
 */
static const char schema_v11[] =
	"INSERT OR REPLACE INTO meta (key, value) SELECT 'subject_reindex', 'the catalog was upgraded to schema 11'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v12: a request's number is never handed out twice.  Without
 * AUTOINCREMENT sqlite gives a new row the highest id left plus one, so
 * once the retention sweep dropped the highest-numbered closed requests
 * (request_expire) their numbers came again, and the letter to the new
 * request N listed what the audit entries naming the old N did for
 * another person (answer.c reads the entries by number).  sqlite cannot
 * add AUTOINCREMENT in place: the table is built anew with every row and
 * renamed.  Its sequence starts at the highest number the catalog knows
 * was given: a row's, the old sequence's (a catalog whose user_version
 * was set back: see v7), or one a request's own audit entries name
 * ("request-new" and the others write "request=N" first); a number given
 * before the upgrade and expired, its entries expired too, is not known.
 */
static const char schema_v12[] =
	"CREATE TABLE request_v12 ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, handle TEXT NOT NULL,"
	"  received INTEGER NOT NULL, due INTEGER NOT NULL, verified_by TEXT NOT NULL,"
	"  extended_reason TEXT, closed INTEGER, outcome TEXT, state TEXT, channel TEXT, requester TEXT,"
	"  ground TEXT, note TEXT, counted_from INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO request_v12 (id, type, handle, received, due, verified_by, extended_reason, closed, outcome,"
	"  state, channel, requester, ground, note, counted_from)"
	" SELECT id, type, handle, received, due, verified_by, extended_reason, closed, outcome,"
	"  state, channel, requester, ground, note, counted_from FROM request;"
	"DELETE FROM sqlite_sequence WHERE name = 'request_v12';"
	"INSERT INTO sqlite_sequence (name, seq) SELECT 'request_v12', max(n) FROM ("
	"  SELECT max(id) AS n FROM request"
	"  UNION ALL SELECT max(seq) FROM sqlite_sequence WHERE name = 'request'"
	"  UNION ALL SELECT max(CAST(substr(reason, 9) AS INTEGER)) FROM audit"
	"    WHERE action LIKE 'request-%' AND reason LIKE 'request=%'"
	"  UNION ALL SELECT 0);"
	"DROP TABLE request;"
	"ALTER TABLE request_v12 RENAME TO request;";

/*
 * v13: no table changes.  The blind index learns whole given names (kind
 * 'given', subject.h: subject_given_index), which tell apart people of one
 * name form ("Maija" and "Matti Meikäläinen" on one line); a subject that
 * holds none of them takes the first a call gives it.  A catalog that
 * holds subjects when this code first opens it holds them for none: it is
 * marked, as v11 marked, so that recctl says to run `recctl subject
 * reindex`, which indexes every name of its subjects' cards and calls.
 * A mark already there (v11's) stays as it says.
 */
static const char schema_v13[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 13, which indexes whole given names'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v14: no table changes.  A name's form and whole given name are read
 * past a form of address before the given name ("Mr Matti Berg" is "m
 * berg" and "matti berg", no longer "m berg" and "mr berg", which "Mr
 * Mikko Berg" gave too), and "Anna.Berg" is "Anna Berg".  An e-mail is
 * indexed for every subject that gives it (a family's mailbox), not for
 * its first holder alone.  Entries a register wrote by the rules before
 * are the old ones: marked as v13 marked, so that `recctl subject
 * reindex` writes today's.
 */
static const char schema_v14[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 14, which reads names past a form of address"
	" and indexes a shared e-mail for each subject'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v15: no table changes.  A name is also read past the parts of a degree
 * before its given name ("Dr. med. Hans Groß" is "h gross", no longer "m
 * gross", the initial of "med."), and a form of address left as the first
 * word is written whole ("Mr. Berg" is no "M. Berg"): marked as v14
 * marked.
 */
static const char schema_v15[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 15, which reads names past degrees such as \"Dr. med.\"'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v16: no table changes.  A form of address left as the first word is
 * written whole in the name's form too ("Mme Morel" is "mrs morel", no
 * longer "m morel", the form of "M. Morel"), French forms of address are
 * read past ("Madame Martine Roux"), a family name first in capitals is
 * the family name ("DUPONT Jean"), and ’ is ': marked as v15 marked.
 */
static const char schema_v16[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 16, which reads French forms of address and names"
	" such as \"DUPONT Jean\"'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v17: the level a subject's card is sealed from, when it is above the
 * details level (a card made by a recording only a higher level hears),
 * by the level's name: the card keeps it through every policy apply and
 * rectification (seal_card_from).  No row: the details level, whatever
 * the policy makes it.  Goes with the subject.  IF NOT EXISTS: see v7.
 */
static const char schema_v17[] =
	"CREATE TABLE IF NOT EXISTS subject_level ("
	"  handle TEXT PRIMARY KEY REFERENCES subject(handle) ON DELETE CASCADE,"
	"  level TEXT NOT NULL) WITHOUT ROWID;";

/*
 * v18: no table changes.  A reference is read without its separators
 * (subject.h: "19121212-1212", "191212121212" and "19121212 1212" are
 * one).  A catalog with subjects indexed its references with them: the
 * same written form still finds a subject (subject.c: prev_mac), another
 * finds it once `recctl subject reindex` has indexed the cards by today's
 * rule: marked as v16 marked.
 */
static const char schema_v18[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 18, which reads a reference without its separators"
	" (19121212-1212 is 191212121212)'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v19: no table changes.  Dutch names are read as Dutch writes them
 * (black-box report bb8): "Mw." and "Mej." are forms of address, "drs.",
 * "ir." and "bc." degrees before the name ("Mw. F. el Amrani" is "f
 * amrani", no longer "m amrani"), a degree after the name is no family
 * name ("J. van der Berg MSc" is "j berg"), the family name first with its
 * particles before the comma is the family name ("Van der Berg, Jan" is
 * "j berg", no longer "v berg"), and a form of address is not read past
 * to a particle ("Dhr. el Amrani" is "mr amrani"): marked as v16 marked.
 */
static const char schema_v19[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 19, which reads Dutch names such as \"Van der Berg, Jan\"'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v20: no table changes.  Irish names are read as Irish and British
 * systems write them (black-box report bb9): the family name's
 * apostrophes are no letters ("O'Brien" is "obrien", no longer
 * "o'brien"), and an Irish particle written apart before it is a part of
 * it ("Siobhan O Brien" is "s obrien", no longer "s brien"): marked as v16
 * marked.
 */
static const char schema_v20[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 20, which reads Irish names such as \"O Brien\" and \"OBrien\"'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v21: no table changes.  A name written with umlauts is also indexed
 * with them spelt ae, oe, ue (black-box report bb10): "Jürgen Müller" is
 * "j muller" and "j mueller", so "Juergen Mueller" is one person with it:
 * marked as v16 marked.
 */
static const char schema_v21[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 21, which reads German names written with ae, oe and ue"
	" (\"Mueller\") as umlauts'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v22: a restriction an objection made (Art. 21, rights_object) is told
 * from the officer's (Art. 18, rights_restrict): restricted_by_objection
 * is 1 only while the one reason a recording is restricted is an
 * objection.  The retention sweep erases such a recording once its
 * retention has run out, as it erases one not restricted; an officer's
 * restriction keeps it (the person may need it for a legal claim).  Rows
 * restricted before carry 0: nothing in them tells whose restriction it
 * is (the reason is sealed, the audit entry may have expired), so they
 * stay kept, as every restricted recording was.  ALTER TABLE has no IF
 * NOT EXISTS: upgrade skips the step when the column is there (see v7).
 */
static const char schema_v22[] =
	"ALTER TABLE recording ADD COLUMN restricted_by_objection INTEGER NOT NULL DEFAULT 0;";

/*
 * v23: no table changes.  British family names of two words are read as
 * one (black-box report bb11): "St", "St." and "Saint" ("Ste", "Sainte")
 * before a family word are a part of the family name as a particle is
 * ("St John, Olivia" is "o john", no longer "s john"), a family name
 * written with a hyphen starts "st-" whatever way Saint is written, and a
 * name of three words or more, or one written "Bowes Lyon, Sarah", has a
 * second name form whose family name is its last two words joined ("s
 * bowes-lyon" of "Sarah Bowes Lyon"), entries no older register holds:
 * marked as v16 marked.
 */
static const char schema_v23[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 23, which reads British family names of two words"
	" (\"Bowes Lyon\", \"St John, Olivia\")'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v24: no table changes.  A name is indexed in every spelling of its
 * words with umlauts, each folded or spelt ae, oe, ue whatever the others
 * are (attacker's report F3): "Jürgen Müller" is also whole "jurgen
 * mueller" and "juergen muller", entries no older register holds:
 * marked as v16 marked.
 */
static const char schema_v24[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 24, which reads a name whose umlauts are spelt in one word"
	" and not in another (\"Jurgen Mueller\") as one'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v25: no table changes.  Spanish Doña written with its ñ or ª ("Doña",
 * "Dña.", "Dª") before a name is a form of address, no initial D, and
 * "Mª" is María (black-box report bb12: "Dña. María García López" is
 * "m lopez", no longer "d lopez"), entries no older register holds:
 * marked as v16 marked.
 */
static const char schema_v25[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 25, which reads Spanish Doña and Mª"
	" (\"Dña. María García López\" is María, no initial D)'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v26: no table changes.  The blind index learns a whole given name's
 * middle words (kind 'middle', subject.h: subject_name_entries), which
 * tell apart "José Luis" and "José Manuel Martínez Soto" on one line
 * (black-box report bb12 F1): no older register holds them, and its
 * subjects compare by the given name alone until reindexed: marked as v16
 * marked.
 */
static const char schema_v26[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 26, which compares the words after a whole given name"
	" (\"José Luis\" is not \"José Manuel Martínez Soto\")'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v27: no table changes.  The blind index learns a name's short form, its
 * whole given name and its middle words up to the first family name
 * (subject.h: subject_name_entries' short_sub), by which "María García"
 * on María García López's own e-mail or booking is hers (black-box report
 * bb12 F2): no older register holds them: marked as v16 marked.
 */
static const char schema_v27[] =
	"INSERT OR IGNORE INTO meta (key, value) SELECT 'subject_reindex',"
	"  'the catalog was upgraded to schema 27, which finds a subject by the first of two family names"
	" (\"María García\" of \"María García López\")'"
	"  WHERE EXISTS (SELECT 1 FROM subject);";

/*
 * v28: an audit entry's event time in microseconds since the epoch
 * (time_us; time stays its second).  The log's order (seq) is the order
 * of writing, and a mount writes its entries up to about a second after
 * the event: time_us tells which came first (black-box report bb14 F2).
 * Rows written before stay NULL and hash as they did (audit.c hashes
 * time_us only when it is set).
 */
static const char schema_v28[] = "ALTER TABLE audit ADD COLUMN time_us INTEGER;";

/*
 * v29: when the subject last withdrew consent (subject.consent_withdrawn,
 * 0: never).  `recctl subject withdraw-consent` erases the subject's
 * consent-based recordings as they stand; a consent-based recording of
 * the subject recorded before that time and linked later (a spool
 * backlog, a merge) is restricted as it arrives, as a standing objection
 * restricts (black-box report bb15 F4).  Goes with the card.  A
 * withdrawal made before this schema is read from the audit log, which
 * has its entry on the handle (atk46 F5).
 */
static const char schema_v29[] =
	"ALTER TABLE subject ADD COLUMN consent_withdrawn INTEGER NOT NULL DEFAULT 0;"
	"UPDATE subject SET consent_withdrawn = coalesce((SELECT max(a.time) FROM audit a"
	"  WHERE a.action = 'withdraw-consent' AND a.object = subject.handle AND a.outcome IN ('ok', 'error')), 0);";

/*
 * v30: the audit log's index by object is kept per block of 65,536
 * entries (AUDIT_BLOCK, catalog_i.h): its key is (seq >> 16, object).
 * Keyed by the object alone, every entry went to a random leaf of an index
 * as large as the whole log, so that each open written to a long log read
 * a page of it from the disk; the entries of the block being written now
 * share its part of the index (about 3 MB of recording ids), which stays
 * in the cache.  A query by object seeks each block.  IF
 * EXISTS and IF NOT EXISTS: see v7.
 */
static const char schema_v30[] =
	"DROP INDEX IF EXISTS audit_object;"
	"CREATE INDEX IF NOT EXISTS " AUDIT_INDEX_ON ";";

/* schema[v - 1] takes a catalog from version v - 1 to v. */
static const char *const schema[] = { schema_v1, schema_v2, schema_v3, schema_v4, schema_v5, schema_v6,
				      schema_v7, schema_v8, schema_v9, schema_v10, schema_v11, schema_v12,
				      schema_v13, schema_v14, schema_v15, schema_v16,
				      schema_v17, schema_v18, schema_v19, schema_v20, schema_v21,
				      schema_v22, schema_v23, schema_v24, schema_v25, schema_v26,
				      schema_v27, schema_v28, schema_v29, schema_v30 };
_Static_assert(sizeof(schema) / sizeof(schema[0]) == CATALOG_SCHEMA_VERSION, "one schema step per version");

int catalog_errno(int rc, int sys_errno)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_IOERR:
		/* A full disk met in a write, an fsync, a truncate or the WAL
		 * index: sqlite says "disk I/O error" and keeps the errno. */
		return sys_errno == ENOSPC || sys_errno == EDQUOT ? -ENOSPC : -EIO;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EUCLEAN;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_NOTFOUND:
		return -ENOENT;
	case SQLITE_TOOBIG:
		return -EFBIG;
	default:
		return -EIO;
	}
}

/* The line of meta_errmsg() for err, which catalog_errno made of sqlite's
 * result: what sqlite says, unless a plain word says it better. */
static int fail_line(int err, const char *what, const char *sqlite_msg)
{
	if (err == -ENOSPC)
		return meta_fail(err, "%s: %s", what, strerror(ENOSPC));
	if (err == -EUCLEAN)
		return meta_fail(err, "%s: the catalog is damaged (sqlite: %s): recctl fsck shows the damage, "
				 "a backup of catalog.db repairs it", what, sqlite_msg);
	return meta_fail(err, "%s: %s", what, sqlite_msg);
}

int catalog_fail(struct catalog *c, int rc, const char *what)
{
	char *w = xasprintf("catalog: %s", what);
	int err = fail_line(catalog_errno(rc, sqlite3_system_errno(c->db)), w, sqlite3_errmsg(c->db));

	free(w);
	return err;
}

int catalog_exec(struct catalog *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : catalog_fail(c, rc, "exec");
}

sqlite3_stmt *catalog_stmt(struct catalog *c, const char *sql)
{
	size_t i;

	for (i = 0; i < CATALOG_STMT_CACHE && c->cache[i].sql; i++) {
		if (c->cache[i].sql == sql) {
			sqlite3_reset(c->cache[i].st);
			sqlite3_clear_bindings(c->cache[i].st);
			return c->cache[i].st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		meta_fail(-EIO, "catalog: prepare: %s", sqlite3_errmsg(c->db));
		return NULL;
	}
	if (i < CATALOG_STMT_CACHE) {
		c->cache[i].sql = sql;
		c->cache[i].st = st;
	}
	/* With a full cache the statement leaks until close; the cache is
	 * sized above the number of distinct queries, so this does not occur. */
	return st;
}

int catalog_step_done(struct catalog *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return catalog_fail(c, rc, what);
	return 0;
}

static int user_version(struct catalog *c, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = catalog_fail(c, sqlite3_errcode(c->db), "read schema version");
		sqlite3_finalize(st);
		return rc;
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int too_new(const char *path, int version)
{
	return meta_fail(-EPROTO, "catalog %s has schema version %d; this recfs knows up to %d: upgrade recfs", path,
			 version, CATALOG_SCHEMA_VERSION);
}

/* 1 when table has the column, 0 when not; catalog errors. */
static int has_column(struct catalog *c, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return catalog_fail(c, sqlite3_errcode(c->db), "read a table's columns");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "read a table's columns");
	sqlite3_finalize(st);
	return rc;
}

/* The step from version v to v + 1.  The steps that add a column are
 * passed when it is there (a catalog whose version was set back). */
static int upgrade_step(struct catalog *c, int v)
{
	int rc = v == 21 ? has_column(c, "recording", "restricted_by_objection")
		 : v == 27 ? has_column(c, "audit", "time_us")
		 : v == 28 ? has_column(c, "subject", "consent_withdrawn") : 0;

	if (rc)
		return rc < 0 ? rc : 0;
	return catalog_exec(c, schema[v]);
}

/*
 * Bring c up to CATALOG_SCHEMA_VERSION, one step per version, in one
 * transaction.  The version is read again inside it: another process may
 * have upgraded the file since catalog_open looked.
 */
static int upgrade(struct catalog *c, const char *path)
{
	char pragma[40];
	int rc, v = 0;

	if ((rc = catalog_begin(c)))
		return rc;
	if ((rc = user_version(c, &v)))
		goto out;
	if (v > CATALOG_SCHEMA_VERSION) {
		rc = too_new(path, v);
		goto out;
	}
	for (; rc == 0 && v < CATALOG_SCHEMA_VERSION; v++)
		rc = upgrade_step(c, v);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", CATALOG_SCHEMA_VERSION);
	if (rc == 0)
		rc = catalog_exec(c, pragma);
out:
	if (rc == 0)
		rc = catalog_commit(c);
	if (rc)
		catalog_rollback(c);
	return rc;
}

static void try_due_checkpoint(struct catalog *c);

int catalog_open(const char *path, int create, struct catalog **out)
{
	struct catalog *c = xcalloc(1, sizeof(*c));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc, version = 0;
	mode_t old = 0;

	if (create)
		old = umask(077);
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (create)
		umask(old);
	if (rc != SQLITE_OK) {
		char *w = xasprintf("cannot open catalog %s", path);

		rc = fail_line(catalog_errno(rc, c->db ? sqlite3_system_errno(c->db) : 0), w,
			       c->db ? sqlite3_errmsg(c->db) : "out of memory");
		free(w);
		goto fail;
	}
	/* Before the first write: sqlite gives the -wal and -shm files it
	 * creates as root the owner of the database file (os_unix.c). */
	if (create && (rc = util_adopt_owner(-1, path))) {
		rc = meta_fail(rc, "cannot give catalog %s the owner of its folder: %s", path, strerror(-rc));
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CATALOG_BUSY_MS);
	sqlite3_extended_result_codes(c->db, 1);
	rc = catalog_exec(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
			     "PRAGMA synchronous=FULL; PRAGMA cache_size=-16384;");
	if (rc)
		goto fail;
	if ((rc = user_version(c, &version)))
		goto fail;
	if (version > CATALOG_SCHEMA_VERSION) {
		rc = too_new(path, version);
		goto fail;
	}
	if (version == 0 && !create) {
		rc = meta_fail(-ENOENT, "%s is not a recfs catalog", path);
		goto fail;
	}
	if (version < CATALOG_SCHEMA_VERSION && (rc = upgrade(c, path)))
		goto fail;
	*out = c;
	return 0;
fail:
	catalog_close(c);
	return rc;
}

int catalog_open_twin(struct catalog *c, struct catalog **out)
{
	const char *path = sqlite3_db_filename(c->db, "main");
	struct catalog *t;
	int rc, version = 0;

	*out = NULL;
	if (!path || !*path)
		return meta_fail(-ENOENT, "catalog: no file to open twice");
	t = xcalloc(1, sizeof(*t));
	/* Read-only, and never upgraded: c was, and a file of another
	 * version is not used. */
	rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = meta_fail(catalog_errno(rc, t->db ? sqlite3_system_errno(t->db) : 0), "cannot open catalog %s again: %s",
			       path, t->db ? sqlite3_errmsg(t->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(t->db, CATALOG_BUSY_MS);
	sqlite3_extended_result_codes(t->db, 1);
	/* Its reader walks tables once: a small cache will do. */
	if ((rc = catalog_exec(t, "PRAGMA cache_size=-2048")) || (rc = user_version(t, &version)))
		goto fail;
	if (version != CATALOG_SCHEMA_VERSION) {
		rc = meta_fail(-EPROTO, "catalog %s has schema version %d, not %d", path, version, CATALOG_SCHEMA_VERSION);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	catalog_close(t);
	return rc;
}

void catalog_close(struct catalog *c)
{
	if (!c)
		return;
	/* A key this connection evolved, still in the WAL: a last try. */
	if (c->checkpoint_due && !c->in_tx && !c->in_read)
		try_due_checkpoint(c);
	for (size_t i = 0; i < CATALOG_STMT_CACHE && c->cache[i].sql; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close_v2(c->db);
	free(c);
}

/* The transaction is over, whatever it wrote: its audit rows are not
 * (or no longer) for catalog_on_audit_commit's fn. */
static void tx_over(struct catalog *c)
{
	c->in_tx = 0;
	c->audit_first = c->audit_last = 0;
}

int catalog_begin(struct catalog *c)
{
	int rc;

	if (c->in_tx || c->in_read)
		return meta_fail(-EINVAL, "catalog: nested transaction");
	rc = catalog_exec(c, "BEGIN IMMEDIATE");
	if (rc == 0) {
		tx_over(c);
		c->in_tx = 1;
		if (c->begin_check && (rc = c->begin_check(c->begin_check_ctx)) < 0)
			catalog_rollback(c);
	}
	return rc;
}

void catalog_set_begin_check(struct catalog *c, int (*fn)(void *ctx), void *ctx)
{
	c->begin_check = fn;
	c->begin_check_ctx = ctx;
}

/* A connection that writes tries a checkpoint at least this often (its
 * first commit, then a commit or an idle audit queue this much later): an
 * old key another process left in the WAL, when a reader kept its own
 * checkpoint from it, goes too (atk24). */
#define CATALOG_CHECKPOINT_S 10

/* catalog_checkpoint_due's checkpoint, when due or CATALOG_CHECKPOINT_S
 * after this connection's last try: a reader in the way leaves it due for
 * the next commit. */
static void try_due_checkpoint(struct catalog *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!c->checkpoint_due && c->checkpoint_tried && now.tv_sec - c->checkpoint_tried < CATALOG_CHECKPOINT_S)
		return;
	c->checkpoint_tried = now.tv_sec ? now.tv_sec : 1;
	if (catalog_checkpoint_try(c) == 0)
		c->checkpoint_due = 0;
	else
		meta_clear_error();
}

int catalog_commit(struct catalog *c)
{
	int rc = catalog_exec(c, "COMMIT");
	int64_t first = c->audit_first, last = c->audit_last;

	if (rc)
		return rc;
	tx_over(c);
	if (first && c->audit_committed)
		c->audit_committed(c, first, last);
	try_due_checkpoint(c);
	return 0;
}

void catalog_checkpoint_due(struct catalog *c)
{
	c->checkpoint_due = 1;
	if (!c->in_tx)
		try_due_checkpoint(c);
}

void catalog_checkpoint_if_due(struct catalog *c)
{
	if (!c->in_tx && !c->in_read)
		try_due_checkpoint(c);
}

void catalog_rollback(struct catalog *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	tx_over(c);
	c->in_read = 0;
}

void catalog_on_audit_commit(struct catalog *c, void (*fn)(struct catalog *c, int64_t first, int64_t last))
{
	c->audit_committed = fn;
}

void catalog_audit_pending(const struct catalog *c, int64_t *first, int64_t *last)
{
	*first = c->in_tx ? c->audit_first : 0;
	*last = c->in_tx ? c->audit_last : 0;
}

void catalog_audit_appended(struct catalog *c, int64_t seq)
{
	if (!c->in_tx) {	/* committed as it was written */
		if (c->audit_committed)
			c->audit_committed(c, seq, seq);
		return;
	}
	if (!c->audit_first)
		c->audit_first = seq;
	c->audit_last = seq;
}

int catalog_savepoint(struct catalog *c)
{
	if (!c->in_tx)
		return meta_fail(-EINVAL, "catalog: a savepoint outside a transaction");
	c->sp_audit_first = c->audit_first;
	c->sp_audit_last = c->audit_last;
	return catalog_exec(c, "SAVEPOINT part");
}

int catalog_savepoint_release(struct catalog *c)
{
	return catalog_exec(c, "RELEASE part");
}

int catalog_savepoint_undo(struct catalog *c)
{
	/* sqlite ends the whole transaction on some errors (a full disk, an
	 * I/O error): then there is nothing left to return to. */
	if (sqlite3_get_autocommit(c->db)) {
		tx_over(c);
		return meta_fail(-EIO, "catalog: the transaction ended with the failure");
	}
	if (sqlite3_exec(c->db, "ROLLBACK TO part; RELEASE part", NULL, NULL, NULL) != SQLITE_OK) {
		catalog_rollback(c);
		return meta_fail(-EIO, "catalog: cannot return to the savepoint");
	}
	c->audit_first = c->sp_audit_first;
	c->audit_last = c->sp_audit_last;
	return 0;
}

int catalog_begin_read(struct catalog *c)
{
	int rc;

	if (c->in_tx || c->in_read)
		return meta_fail(-EINVAL, "catalog: nested transaction");
	rc = catalog_exec(c, "BEGIN");
	if (rc == 0)
		c->in_read = 1;
	return rc;
}

void catalog_end_read(struct catalog *c)
{
	if (!c->in_read)
		return;
	/* Nothing was written: rolling back only lets go of the snapshot. */
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->in_read = 0;
}

/*
 * The busy handler waits for readers and writers, but not for another
 * connection's checkpoint: sqlite gives SQLITE_BUSY at once when one runs
 * (a mount's periodic catalog_checkpoint_try, catalog_checkpoint_if_due).
 * An erasure's truncation that met one left the erased bytes in the WAL
 * until the next checkpoint; it is tried again, every 10 ms, until
 * CATALOG_BUSY_MS have passed in all (the busy handler's own wait for a
 * reader counts in them).
 */
int catalog_checkpoint(struct catalog *c)
{
	const struct timespec pause = { 0, 10 * 1000000L };
	struct timespec start, now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rc != SQLITE_BUSY ||
		    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= CATALOG_BUSY_MS)
			break;
		nanosleep(&pause, NULL);
	}
	return rc == SQLITE_OK ? 0 : catalog_fail(c, rc, "checkpoint");
}

int catalog_checkpoint_try(struct catalog *c)
{
	int rc;

	/* Without a busy handler sqlite gives up at the first lock it meets. */
	sqlite3_busy_timeout(c->db, 0);
	rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(c->db, CATALOG_BUSY_MS);
	return rc == SQLITE_OK ? 0 : catalog_fail(c, rc, "checkpoint");
}

int catalog_sqlite_check(struct catalog *c, const char *sql, const char *what, char **first)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*first = NULL;
	/* Not cached: run rarely, and its rows are read to the end. */
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = catalog_fail(c, rc, what);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		/* "*** in database main ***\nPage 18: ...": its last line. */
		if (!*first && line && strcmp(line, "ok"))
			*first = xstrdup(strrchr(line, '\n') ? strrchr(line, '\n') + 1 : line);
	}
	rc = rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, what);
out:
	sqlite3_finalize(st);
	if (rc) {
		free(*first);
		*first = NULL;
	}
	return rc;
}

/* The one integer a query of no parameter gives (what: for the error).
 * No row is a damaged catalog (-EUCLEAN, said): an aggregate always gives
 * one, and content_version holds one from the catalog's creation, which
 * only an edit by hand takes away. */
static int one_int(struct catalog *c, const char *sql, int64_t *out, const char *what)
{
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return meta_fail(-EUCLEAN, "catalog: %s: no row (a catalog edited by hand? recctl fsck)", what);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return catalog_fail(c, rc, what);
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int catalog_integrity_check(struct catalog *c)
{
	static const char cv[] = "SELECT count(*) FROM content_version";
	char *first;
	int64_t n = 1;
	int rc = catalog_sqlite_check(c, "PRAGMA integrity_check(1)", "integrity check", &first);

	/* Its words name tables, indexes, pages and rows, never a value. */
	if (rc == 0 && first)
		rc = fail_line(-EUCLEAN, "catalog: integrity check", first);
	free(first);
	/* The one row mounts watch (catalog_content_version), which no
	 * writer of recfs adds or takes away. */
	if (rc == 0 && (rc = one_int(c, cv, &n, "content_version")) == 0 && n != 1)
		rc = meta_fail(-EUCLEAN, "catalog: content_version holds %lld rows, not one (edited by hand?)",
			       (long long)n);
	return rc;
}

int catalog_in_transaction(struct catalog *c)
{
	return c->in_tx;
}

int catalog_data_version(struct catalog *c, int64_t *out)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return catalog_fail(c, rc, "data_version");
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int catalog_touch_content(struct catalog *c)
{
	return catalog_exec(c, "UPDATE content_version SET n = n + 1; INSERT INTO change DEFAULT VALUES");
}

int catalog_touch_recording(struct catalog *c, const char *recording)
{
	static const char sql[] = "INSERT INTO change (recording) VALUES (?1)";
	sqlite3_stmt *st;
	int rc = catalog_exec(c, "UPDATE content_version SET n = n + 1");

	if (rc)
		return rc;
	if (!(st = catalog_stmt(c, sql)))
		return -EIO;
	sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "log a change");
}

int catalog_change_seq(struct catalog *c, int64_t *out)
{
	/* A bare max() is one step down the b-tree; NULL (no row) reads as 0. */
	static const char sql[] = "SELECT max(seq) FROM change";

	return one_int(c, sql, out, "change seq");
}

typedef int (*change_fn)(int64_t, const char *, const char *, void *);

static int change_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return ((change_fn)fn)(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
			       (const char *)sqlite3_column_text(st, 2), ctx);
}

int catalog_changes_since(struct catalog *c, int64_t after, int64_t upto,
			  int (*fn)(int64_t seq, const char *recording, const char *subject, void *ctx), void *ctx)
{
	/* min() and max() apart: together sqlite scans the whole table. */
	static const char oldest[] = "SELECT min(seq) FROM change";
	static const char rows[] = "SELECT seq, recording, subject FROM change WHERE seq > ?1 AND seq <= ?2 ORDER BY seq";
	sqlite3_stmt *st;
	int64_t lo, hi;
	int rc;

	if ((rc = one_int(c, oldest, &lo, "change bounds")) || (rc = catalog_change_seq(c, &hi)))
		return rc;
	if (after < 0 || upto < after || upto > hi)
		return -ESTALE;
	if (upto == after)
		return 0;
	/* The rows after `after` must all still be there: pruning takes a
	 * prefix, so the oldest one left must be at most after + 1. */
	if (lo > after + 1)
		return -ESTALE;
	rc = sqlite3_prepare_v2(c->db, rows, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return catalog_fail(c, rc, "prepare change walk");
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, upto);
	return catalog_walk_prepared(c, st, change_row, (void *)fn, ctx);
}

int catalog_content_version(struct catalog *c, int64_t *out)
{
	static const char sql[] = "SELECT n FROM content_version";

	return one_int(c, sql, out, "content_version");
}

char *catalog_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static void col_id(sqlite3_stmt *st, int i, char out[RECFS_ID_HEX])
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, RECFS_ID_HEX, "%s", s ? (const char *)s : "");
}

void cat_recording_clear(struct cat_recording *r)
{
	if (!r)
		return;
	free(r->source);
	free(r->kind);
	free(r->purpose);
	free(r->legal_basis);
	free(r->data_source);
	free(r->restricted_reason);
	free(r->legal_hold);
	memset(r, 0, sizeof(*r));
}

void cat_artifact_clear(struct cat_artifact *a)
{
	if (!a)
		return;
	free(a->role);
	free(a->ext);
	memset(a, 0, sizeof(*a));
}

#define REC_COLS                                                                                  \
	"id, recorded_at, source, kind, purpose, legal_basis, data_source, retention_until,"       \
	" restricted_since, restricted_reason, legal_hold, channels, pcm_samples, duration_ms,"    \
	" locked, details_id, ingested_at, hold_since, restricted_by_objection"

/* Fill r from a row of REC_COLS (strings duplicated). */
static void rec_from_row(sqlite3_stmt *st, struct cat_recording *r)
{
	memset(r, 0, sizeof(*r));
	col_id(st, 0, r->id);
	r->recorded_at = sqlite3_column_int64(st, 1);
	r->source = catalog_col_dup(st, 2);
	r->kind = catalog_col_dup(st, 3);
	r->purpose = catalog_col_dup(st, 4);
	r->legal_basis = catalog_col_dup(st, 5);
	r->data_source = catalog_col_dup(st, 6);
	r->retention_until = sqlite3_column_int64(st, 7);
	r->restricted_since = sqlite3_column_int64(st, 8);
	r->restricted_reason = catalog_col_dup(st, 9);
	r->legal_hold = catalog_col_dup(st, 10);
	r->channels = sqlite3_column_int(st, 11);
	r->pcm_samples = (uint64_t)sqlite3_column_int64(st, 12);
	r->duration_ms = (uint64_t)sqlite3_column_int64(st, 13);
	r->locked = sqlite3_column_int(st, 14);
	col_id(st, 15, r->details_id);
	r->ingested_at = sqlite3_column_int64(st, 16);
	r->hold_since = sqlite3_column_int64(st, 17);
	r->restricted_by_objection = sqlite3_column_int(st, 18);
}

void catalog_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int catalog_put_recording(struct catalog *c, const struct cat_recording *r)
{
	static const char sql[] = "INSERT INTO recording (" REC_COLS ") VALUES "
				  "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->recorded_at);
	sqlite3_bind_text(st, 3, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->legal_basis, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->data_source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->retention_until);
	sqlite3_bind_int64(st, 9, r->restricted_since);
	catalog_bind_text_or_null(st, 10, r->restricted_reason);
	catalog_bind_text_or_null(st, 11, r->legal_hold);
	sqlite3_bind_int(st, 12, r->channels);
	sqlite3_bind_int64(st, 13, (int64_t)r->pcm_samples);
	sqlite3_bind_int64(st, 14, (int64_t)r->duration_ms);
	sqlite3_bind_int(st, 15, r->locked);
	sqlite3_bind_text(st, 16, r->details_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, r->ingested_at);
	sqlite3_bind_int64(st, 18, r->hold_since);
	sqlite3_bind_int(st, 19, r->restricted_by_objection);
	return catalog_step_done(c, st, "insert recording");
}

int catalog_update_recording(struct catalog *c, const struct cat_recording *r)
{
	static const char sql[] = "UPDATE recording SET retention_until=?2, restricted_since=?3,"
				  " restricted_reason=?4, legal_hold=?5, locked=?6, hold_since=?7,"
				  " restricted_by_objection=?8 WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->retention_until);
	sqlite3_bind_int64(st, 3, r->restricted_since);
	catalog_bind_text_or_null(st, 4, r->restricted_reason);
	catalog_bind_text_or_null(st, 5, r->legal_hold);
	sqlite3_bind_int(st, 6, r->locked);
	sqlite3_bind_int64(st, 7, r->hold_since);
	sqlite3_bind_int(st, 8, r->restricted_by_objection);
	rc = catalog_step_done(c, st, "update recording");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return rc;
}

int catalog_get_recording(struct catalog *c, const char *id, struct cat_recording *out)
{
	static const char sql[] = "SELECT " REC_COLS " FROM recording WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rec_from_row(st, out);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get recording");
}

int catalog_find_recording(struct catalog *c, const char *prefix, char id[RECFS_ID_HEX])
{
	static const char sql[] = "SELECT id FROM recording WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc, n = 0;
	char found[RECFS_ID_HEX] = "";

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		col_id(st, 0, found);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return catalog_fail(c, rc, "find recording");
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return meta_fail(-EEXIST, "id prefix %s is ambiguous", prefix);
	memcpy(id, found, RECFS_ID_HEX);
	return 0;
}

int catalog_delete_recording(struct catalog *c, const char *id)
{
	static const char sql[] = "DELETE FROM recording WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete recording");
}

int catalog_walk_prepared(struct catalog *c, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *fn, void *ctx),
			  void *fn, void *ctx)
{
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = row(st, fn, ctx);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = catalog_fail(c, rc, "walk");
	sqlite3_finalize(st);
	return ret;
}

int catalog_walk(struct catalog *c, const char *sql, const char *arg,
		 int (*row)(sqlite3_stmt *st, void *fn, void *ctx), void *fn, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return catalog_fail(c, rc, "prepare walk");
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	return catalog_walk_prepared(c, st, row, fn, ctx);
}

typedef int (*rec_fn)(const struct cat_recording *, void *);

static int rec_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	struct cat_recording r;
	int ret;

	rec_from_row(st, &r);
	ret = ((rec_fn)fn)(&r, ctx);
	cat_recording_clear(&r);
	return ret;
}

int catalog_each_recording(struct catalog *c, int (*fn)(const struct cat_recording *, void *), void *ctx)
{
	return catalog_walk(c, "SELECT " REC_COLS " FROM recording ORDER BY recorded_at, id", NULL, rec_row, (void *)fn,
		    ctx);
}

int catalog_scan_recordings(struct catalog *c, int (*fn)(const struct cat_recording *, void *), void *ctx)
{
	return catalog_walk(c, "SELECT " REC_COLS " FROM recording", NULL, rec_row, (void *)fn, ctx);
}

int catalog_expired_recordings(struct catalog *c, int64_t before, struct idlist *out)
{
	static const char sql[] = "SELECT id FROM recording WHERE retention_until < ?1 ORDER BY retention_until, id";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "expired recordings");
}

int catalog_put_ingest_key(struct catalog *c, const uint8_t key[CRYPTO_MAC_BYTES], const char *recording_id)
{
	static const char sql[] = "INSERT INTO ingest_key (mac, recording) VALUES (?1, ?2)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, key, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, recording_id, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "insert ingest key");
}

int catalog_find_ingest_key(struct catalog *c, const uint8_t key[CRYPTO_MAC_BYTES], char id[RECFS_ID_HEX])
{
	static const char sql[] = "SELECT recording FROM ingest_key WHERE mac=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, key, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_id(st, 0, id);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "find ingest key");
}

#define ART_COLS "id, recording, role, n, ext, size"

static void art_from_row(sqlite3_stmt *st, struct cat_artifact *a)
{
	memset(a, 0, sizeof(*a));
	col_id(st, 0, a->id);
	col_id(st, 1, a->recording);
	a->role = catalog_col_dup(st, 2);
	a->n = sqlite3_column_int(st, 3);
	a->ext = catalog_col_dup(st, 4);
	a->size = (uint64_t)sqlite3_column_int64(st, 5);
}

int catalog_put_artifact(struct catalog *c, const struct cat_artifact *a)
{
	static const char sql[] = "INSERT INTO artifact (" ART_COLS ") VALUES (?1,?2,?3,?4,?5,?6)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->recording, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->role, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a->n);
	sqlite3_bind_text(st, 5, a->ext, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)a->size);
	return catalog_step_done(c, st, "insert artifact");
}

int catalog_get_artifact(struct catalog *c, const char *id, struct cat_artifact *out)
{
	static const char sql[] = "SELECT " ART_COLS " FROM artifact WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		art_from_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get artifact");
}

int catalog_delete_artifact(struct catalog *c, const char *id)
{
	static const char sql[] = "DELETE FROM artifact WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete artifact");
}

typedef int (*art_fn)(const struct cat_artifact *, void *);

static int art_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	struct cat_artifact a;
	int ret;

	art_from_row(st, &a);
	ret = ((art_fn)fn)(&a, ctx);
	cat_artifact_clear(&a);
	return ret;
}

int catalog_each_artifact(struct catalog *c, const char *recording, int (*fn)(const struct cat_artifact *, void *),
			  void *ctx)
{
	if (recording)
		return catalog_walk(c, "SELECT " ART_COLS " FROM artifact WHERE recording=?1 ORDER BY role, n", recording,
			    art_row, (void *)fn, ctx);
	return catalog_walk(c, "SELECT " ART_COLS " FROM artifact ORDER BY recording, role, n", NULL, art_row, (void *)fn,
		    ctx);
}

int catalog_scan_artifacts(struct catalog *c, int (*fn)(const struct cat_artifact *, void *), void *ctx)
{
	return catalog_walk(c, "SELECT " ART_COLS " FROM artifact", NULL, art_row, (void *)fn, ctx);
}

static int add_artifact_id(const struct cat_artifact *a, void *ctx)
{
	idlist_add(ctx, a->id);
	return 0;
}

int catalog_recording_artifacts(struct catalog *c, const char *recording, struct idlist *out)
{
	return catalog_each_artifact(c, recording, add_artifact_id, out);
}

int catalog_put_seal(struct catalog *c, const char *object, const char *level, const uint8_t seal[CRYPTO_SEAL_BYTES])
{
	static const char sql[] = "INSERT OR REPLACE INTO seal (object, level, box) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, seal, CRYPTO_SEAL_BYTES, SQLITE_STATIC);
	return catalog_step_done(c, st, "insert seal");
}

int catalog_get_seal(struct catalog *c, const char *object, const char *level, uint8_t seal[CRYPTO_SEAL_BYTES])
{
	static const char sql[] = "SELECT box FROM seal WHERE object=?1 AND level=?2";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc, ret;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == CRYPTO_SEAL_BYTES) {
			memcpy(seal, sqlite3_column_blob(st, 0), CRYPTO_SEAL_BYTES);
			ret = 0;
		} else {
			ret = meta_fail(-EIO, "catalog: seal of %s has a wrong size", object);
		}
	} else {
		ret = rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get seal");
	}
	sqlite3_reset(st);
	return ret;
}

int catalog_delete_seals(struct catalog *c, const char *object, const char *level)
{
	static const char one[] = "DELETE FROM seal WHERE object=?1 AND level=?2";
	static const char all[] = "DELETE FROM seal WHERE object=?1";
	sqlite3_stmt *st = catalog_stmt(c, level ? one : all);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
	if (level)
		sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete seals");
}

typedef int (*seal_fn)(const char *, const char *, void *);

static int seal_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return ((seal_fn)fn)((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), ctx);
}

int catalog_each_seal(struct catalog *c, int (*fn)(const char *object, const char *level, void *), void *ctx)
{
	return catalog_walk(c, "SELECT object, level FROM seal ORDER BY object", NULL, seal_row, (void *)fn, ctx);
}

int catalog_each_artifact_seal(struct catalog *c, int (*fn)(const char *object, const char *level, void *), void *ctx)
{
	/* CROSS JOIN keeps the seals the outer loop, in their key's order
	 * (no sort), each looked up in the artifacts' id index. */
	return catalog_walk(c, "SELECT s.object, s.level FROM seal s CROSS JOIN artifact a ON a.id = s.object"
			       " ORDER BY s.object", NULL, seal_row, (void *)fn, ctx);
}

int catalog_each_seal_of(struct catalog *c, const char *object,
			 int (*fn)(const char *object, const char *level, void *), void *ctx)
{
	return catalog_walk(c, "SELECT object, level FROM seal WHERE object=?1 ORDER BY level", object, seal_row,
			    (void *)fn, ctx);
}

int catalog_put_record(struct catalog *c, const char *id, const uint8_t *ct, size_t len)
{
	static const char sql[] = "INSERT OR REPLACE INTO record (id, ct) VALUES (?1, ?2)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 2, ct, len, SQLITE_STATIC);
	return catalog_step_done(c, st, "insert record");
}

int catalog_get_record(struct catalog *c, const char *id, uint8_t **ct, size_t *len)
{
	static const char sql[] = "SELECT ct FROM record WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		uint8_t *b = malloc(n ? n : 1);
		if (!b) {
			sqlite3_reset(st);
			return -ENOMEM;
		}
		memcpy(b, sqlite3_column_blob(st, 0), n);
		*ct = b;
		*len = n;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get record");
}

int catalog_delete_record(struct catalog *c, const char *id)
{
	static const char sql[] = "DELETE FROM record WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete record");
}

int catalog_set_record_owner(struct catalog *c, const char *id, const char *owner)
{
	static const char sql[] = "UPDATE record SET owner=?2 WHERE id=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	rc = catalog_step_done(c, st, "set record owner");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		rc = -ENOENT;
	return rc;
}

static int add_id_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	(void)fn;
	idlist_add(ctx, (const char *)sqlite3_column_text(st, 0));
	return 0;
}

int catalog_owned_records(struct catalog *c, const char *owner, struct idlist *out)
{
	return catalog_walk(c, "SELECT id FROM record WHERE owner=?1 ORDER BY id", owner, add_id_row, NULL, out);
}

int catalog_orphan_records(struct catalog *c, struct idlist *out)
{
	return catalog_walk(c,
			    "SELECT id FROM record WHERE id NOT IN (SELECT details_id FROM recording)"
			    " AND id NOT IN (SELECT card FROM subject)"
			    " AND id NOT IN (SELECT requester FROM request WHERE requester IS NOT NULL)"
			    " AND (owner IS NULL OR (owner NOT IN (SELECT handle FROM subject)"
			    "                        AND owner NOT IN (SELECT id FROM recording)))"
			    " ORDER BY id",
			    NULL, add_id_row, NULL, out);
}

int catalog_plain_reasons(struct catalog *c, struct idlist *out)
{
	/* The first term is the partial index's own condition, so that the
	 * planner reads the index rather than the table. */
	return catalog_walk(c,
			    "SELECT id FROM recording WHERE (legal_hold IS NOT NULL OR restricted_reason IS NOT NULL)"
			    " AND ((legal_hold IS NOT NULL AND NOT EXISTS (SELECT 1 FROM record"
			    "        WHERE record.id = recording.legal_hold AND record.owner = recording.id))"
			    "   OR (restricted_reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM record"
			    "        WHERE record.id = recording.restricted_reason AND record.owner = recording.id)))"
			    " ORDER BY id",
			    NULL, add_id_row, NULL, out);
}

int catalog_put_subject(struct catalog *c, const char *handle, const char *card_id)
{
	static const char sql[] = "INSERT OR REPLACE INTO subject (handle, card) VALUES (?1, ?2)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, card_id, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "insert subject");
}

int catalog_set_subject_level(struct catalog *c, const char *handle, const char *level)
{
	static const char put[] = "INSERT OR REPLACE INTO subject_level (handle, level) VALUES (?1, ?2)";
	static const char drop[] = "DELETE FROM subject_level WHERE handle=?1";
	sqlite3_stmt *st = catalog_stmt(c, level ? put : drop);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	if (level)
		sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "set subject level");
}

int catalog_card_shared(struct catalog *c, const char *handle, const char *card_id)
{
	static const char sql[] = "SELECT 1 FROM subject WHERE card=?1 AND handle<>?2 LIMIT 1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, card_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "find a card's subjects");
}

int catalog_get_subject_level(struct catalog *c, const char *handle, char **level)
{
	static const char sql[] = "SELECT level FROM subject_level WHERE handle=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	*level = NULL;
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*level = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "get subject level");
}

int catalog_get_subject(struct catalog *c, const char *handle, char card_id[RECFS_ID_HEX])
{
	static const char sql[] = "SELECT card FROM subject WHERE handle=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_id(st, 0, card_id);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get subject");
}

int catalog_delete_subject(struct catalog *c, const char *handle)
{
	static const char sql[] = "DELETE FROM subject WHERE handle=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete subject");
}

int catalog_put_index(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle, const char *kind)
{
	/* Every holder's entry, an e-mail's too (a family's mailbox: subject.h). */
	static const char sql[] = "INSERT INTO subject_index (mac, handle, kind) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT (mac, handle) DO UPDATE SET kind = excluded.kind";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, mac, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	catalog_bind_text_or_null(st, 3, kind);
	return catalog_step_done(c, st, "insert index");
}

int catalog_drop_index_kind(struct catalog *c, const char *handle, const char *kind)
{
	static const char sql[] = "DELETE FROM subject_index WHERE handle=?1 AND kind=?2";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "drop index entries");
}

int catalog_drop_index_entry(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle)
{
	static const char sql[] = "DELETE FROM subject_index WHERE mac=?1 AND handle=?2";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, mac, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "drop an index entry");
}

int catalog_index_holders(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], struct idlist *out)
{
	/* A subject's rowid grows with every subject added: the order they
	 * were created in, which does not change as entries come and go. */
	static const char sql[] = "SELECT i.handle FROM subject_index i JOIN subject s ON s.handle = i.handle"
				  " WHERE i.mac=?1 ORDER BY s.rowid, i.handle";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, mac, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "find index");
}

int catalog_index_sharers(struct catalog *c, const char *handle,
			  int (*fn)(const char *kind, const char *other, void *ctx), void *ctx)
{
	static const char sql[] = "SELECT DISTINCT i.kind, o.handle, s.rowid FROM subject_index i"
				  " JOIN subject_index o ON o.mac = i.mac AND o.handle <> i.handle"
				  " JOIN subject s ON s.handle = o.handle"
				  " WHERE i.handle = ?1 AND (i.kind IS NULL OR i.kind IN ('phone', 'email', 'ref'))"
				  " ORDER BY i.kind, s.rowid";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	struct strlist kinds = { 0 }, others = { 0 };
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	/* Read whole first: fn may use the catalog. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		strlist_add(&kinds, k ? k : "");
		strlist_add(&others, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "find shared index entries");
	for (size_t i = 0; rc == 0 && i < kinds.n; i++)
		rc = fn(*kinds.v[i] ? kinds.v[i] : NULL, others.v[i], ctx);
	strlist_clear(&kinds);
	strlist_clear(&others);
	return rc;
}

int catalog_index_holds(struct catalog *c, const uint8_t mac[CRYPTO_MAC_BYTES], const char *handle)
{
	static const char sql[] = "SELECT 1 FROM subject_index WHERE mac=?1 AND handle=?2";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, mac, CRYPTO_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "look up an index entry");
}

int catalog_index_has_kind(struct catalog *c, const char *handle, const char *kind)
{
	static const char sql[] = "SELECT 1 FROM subject_index WHERE handle=?1 AND kind=?2 LIMIT 1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "look up index entries");
}

int catalog_link_subject(struct catalog *c, const char *recording, const char *handle, const char *role)
{
	static const char sql[] = "INSERT OR IGNORE INTO link (recording, handle, role) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "insert link");
}

int catalog_unlink_subject(struct catalog *c, const char *recording, const char *handle)
{
	static const char sql[] = "DELETE FROM link WHERE recording=?1 AND handle=?2";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	rc = catalog_step_done(c, st, "remove a link");
	return rc == 0 && sqlite3_changes(c->db) != 1 ? -ENOENT : rc;
}

int catalog_move_subject(struct catalog *c, const char *from, const char *into, size_t *moved)
{
	/* ?1 from, ?2 into.  Links by insert and delete, not update: the
	 * change log's triggers (schema v9) see those. */
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO link (recording, handle, role) SELECT recording, ?2, role FROM link WHERE handle=?1",
		"DELETE FROM link WHERE handle=?1",
		"INSERT OR IGNORE INTO subject_index (mac, handle, kind) SELECT mac, ?2, kind FROM subject_index WHERE handle=?1",
		"UPDATE OR IGNORE objection SET handle=?2 WHERE handle=?1",
		"UPDATE subject SET consent_withdrawn = max(consent_withdrawn, (SELECT consent_withdrawn FROM subject WHERE handle=?1)) WHERE handle=?2",
		"UPDATE request SET handle=?2 WHERE handle=?1",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = catalog_stmt(c, sql[i]);

		if (!st)
			return -EIO;
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, into, -1, SQLITE_STATIC);
		rc = catalog_step_done(c, st, "move a subject's rows");
		if (rc == 0 && i == 1 && moved)
			*moved = (size_t)sqlite3_changes(c->db);
	}
	return rc;
}

int catalog_move_link(struct catalog *c, const char *recording, const char *from, const char *into)
{
	/* Insert and delete, as catalog_move_subject: the change log's
	 * triggers see those. */
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO link (recording, handle, role) SELECT recording, ?3, role FROM link"
		" WHERE recording=?1 AND handle=?2",
		"DELETE FROM link WHERE recording=?1 AND handle=?2",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = catalog_stmt(c, sql[i]);

		if (!st)
			return -EIO;
		sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
		if (i == 0)
			sqlite3_bind_text(st, 3, into, -1, SQLITE_STATIC);
		rc = catalog_step_done(c, st, "move a link");
		if (rc == 0 && i == 1 && sqlite3_changes(c->db) != 1)
			rc = -ENOENT;
	}
	return rc;
}

int catalog_copy_index_kind(struct catalog *c, const char *from, const char *into, const char *kind)
{
	static const char sql[] = "INSERT OR IGNORE INTO subject_index (mac, handle, kind)"
				  " SELECT mac, ?2, kind FROM subject_index WHERE handle=?1 AND kind=?3";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, into, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "copy index entries");
}

typedef int (*link_fn)(const char *, const char *, const char *, void *);

static int link_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return ((link_fn)fn)((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			     (const char *)sqlite3_column_text(st, 2), ctx);
}

int catalog_each_link(struct catalog *c, const char *recording,
		      int (*fn)(const char *recording, const char *handle, const char *role, void *), void *ctx)
{
	if (recording)
		return catalog_walk(c, "SELECT recording, handle, role FROM link WHERE recording=?1 ORDER BY handle",
			    recording, link_row, (void *)fn, ctx);
	return catalog_walk(c, "SELECT recording, handle, role FROM link ORDER BY recording, handle", NULL, link_row,
		    (void *)fn, ctx);
}

int catalog_each_link_of_subject(struct catalog *c, const char *handle,
				 int (*fn)(const char *recording, const char *handle, const char *role, void *),
				 void *ctx)
{
	return catalog_walk(c, "SELECT recording, handle, role FROM link WHERE handle=?1 ORDER BY recording", handle,
		    link_row, (void *)fn, ctx);
}

static int add_link_recording(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)handle;
	(void)role;
	idlist_add(ctx, recording);
	return 0;
}

int catalog_subject_recordings(struct catalog *c, const char *handle, struct idlist *out)
{
	return catalog_each_link_of_subject(c, handle, add_link_recording, out);
}

typedef int (*subj_fn)(const char *, void *);

static int subj_row(sqlite3_stmt *st, void *fn, void *ctx)
{
	return ((subj_fn)fn)((const char *)sqlite3_column_text(st, 0), ctx);
}

int catalog_each_subject(struct catalog *c, int (*fn)(const char *handle, void *), void *ctx)
{
	return catalog_walk(c, "SELECT handle FROM subject ORDER BY handle", NULL, subj_row, (void *)fn, ctx);
}

int catalog_unlinked_subjects(struct catalog *c, struct idlist *out)
{
	return catalog_walk(c,
			    "SELECT handle FROM subject WHERE NOT EXISTS (SELECT 1 FROM link WHERE link.handle = subject.handle)"
			    " ORDER BY handle",
			    NULL, add_id_row, NULL, out);
}

int catalog_put_lock(struct catalog *c, const char *recording, const struct cat_lock *l)
{
	static const char sql[] = "INSERT OR REPLACE INTO lock (recording, salt, ops, mem) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, l->salt, sizeof(l->salt), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)l->ops);
	sqlite3_bind_int64(st, 4, (int64_t)l->mem);
	return catalog_step_done(c, st, "insert lock");
}

int catalog_get_lock(struct catalog *c, const char *recording, struct cat_lock *out)
{
	static const char sql[] = "SELECT salt, ops, mem FROM lock WHERE recording=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc, ret;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, recording, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == sizeof(out->salt)) {
		memcpy(out->salt, sqlite3_column_blob(st, 0), sizeof(out->salt));
		out->ops = (uint64_t)sqlite3_column_int64(st, 1);
		out->mem = (uint64_t)sqlite3_column_int64(st, 2);
		ret = 0;
	} else if (rc == SQLITE_ROW) {
		ret = meta_fail(-EIO, "catalog: lock of %s is damaged", recording);
	} else {
		ret = rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get lock");
	}
	sqlite3_reset(st);
	return ret;
}

int catalog_add_pending_unlink(struct catalog *c, const char *artifact)
{
	static const char sql[] = "INSERT OR IGNORE INTO pending_unlink (artifact) VALUES (?1)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, artifact, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "list a pending unlink");
}

int catalog_pending_unlinks(struct catalog *c, struct idlist *out)
{
	static const char sql[] = "SELECT artifact FROM pending_unlink ORDER BY artifact";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : catalog_fail(c, rc, "pending unlinks");
}

int catalog_drop_pending_unlink(struct catalog *c, const char *artifact)
{
	static const char sql[] = "DELETE FROM pending_unlink WHERE artifact=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, artifact, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "drop a pending unlink");
}

int catalog_set_meta(struct catalog *c, const char *key, const char *value)
{
	static const char sql[] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "set meta");
}

int catalog_delete_meta(struct catalog *c, const char *key)
{
	static const char sql[] = "DELETE FROM meta WHERE key=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return catalog_step_done(c, st, "delete meta");
}

int catalog_get_meta(struct catalog *c, const char *key, char **value)
{
	static const char sql[] = "SELECT value FROM meta WHERE key=?1";
	sqlite3_stmt *st = catalog_stmt(c, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = catalog_col_dup(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : catalog_fail(c, rc, "get meta");
}
