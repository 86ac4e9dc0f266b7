/*
 * audit.h - the tamper-evident, forward-secure audit log.
 *
 * Entries live in the catalog's audit table, each carrying
 *   hash = BLAKE2b-256(prev_hash || length-prefixed fields of the entry)
 * so editing, removing or reordering any entry breaks the chain from there
 * on; audit_verify names the first entry that does not fit.  The artifact
 * and login uid of an entry (schema 2) are hashed after the other fields
 * when either is set, so entries written before them hash as they did.
 * The chain is unkeyed: whoever can write the catalog can recompute it.
 * So the log is also sealed, as journald's Forward Secure Sealing does it:
 * time is cut in epochs (at most AUDIT_EPOCH_MAX seconds), the register
 * holds the sealing key of the current epoch only, and when an epoch ends
 * the next append (or audit_seal) writes a closing seal, a MAC under that
 * epoch's key over the chain's head, then evolves the key one way and
 * wipes the old one.  The verification key (the seed of the first key, the
 * clock's start and interval) goes to the operator once and is never
 * stored in the register; with it, audit_verify checks every seal, and so
 * every entry older than the current epoch.  Every entry is mirrored to
 * syslog (facility authpriv).  An entry names ids and handles, never names
 * or contacts: callers must not put personal data in object or reason.
 */
#ifndef RECFS_AUDIT_H
#define RECFS_AUDIT_H

#include <stdint.h>
#include <sys/types.h>

#include "catalog.h"
#include "util.h"

/*
 * Who acted. Strings may be NULL ("-").  loginuid is the audit login uid of
 * the process (/proc/PID/loginuid: who logged in, kept across su and sudo),
 * meaningful only when has_loginuid is 1: a zeroed actor has none.
 */
struct audit_actor {
	uid_t uid;
	const char *user;
	const char *level;
	pid_t pid;
	const char *comm;
	int has_loginuid;
	uid_t loginuid;
};

/*
 * One entry.  An entry about a recording names the recording id that the
 * mount shows (user.recfs.id) in object, and, when it concerns one of its
 * artifacts, the artifact as the mount names it in artifact: "opus" (the
 * audio), "wav" (its WAV view), "chat", "<n>.<ext>" (shared file n).
 * Entries written before schema 2 may name an artifact id in object.
 */
struct audit_entry {
	int64_t seq;
	int64_t time;
	struct audit_actor actor;
	const char *action;	/* "open", "erase", "restrict", "ingest", ... */
	const char *object;	/* recording id, handle, or NULL */
	const char *outcome;	/* "ok", "refused", "error", "skipped" */
	const char *reason;	/* errno name or text, may be NULL */
	const char *artifact;	/* see above; NULL when the entry is not about one artifact */
	/* Schema 27: when the event happened, in microseconds since the
	 * epoch (time is its second); 0: not known (entries written before).
	 * seq is the order of writing: a mount writes its entries up to
	 * about a second after the event (in batches), so an entry of a
	 * mount may follow one recctl wrote after it; time_us orders them. */
	int64_t time_us;
};

/* The actor for this process (getuid, its user name, getpid, comm, login uid). */
void audit_self(struct audit_actor *a, const char *level);
/*
 * The login uid of process pid into *a (has_loginuid 0 when it has none:
 * unset, 4294967295, or unreadable), opening /proc/PID/loginuid for the
 * one read (audit_self).  The mount reads its callers' through the
 * descriptors it keeps (audit_loginuid_fd, fs/caller.c).
 */
void audit_loginuid(pid_t pid, struct audit_actor *a);
/*
 * The same from fd, an open /proc/PID/loginuid (read at offset 0, so one
 * descriptor serves any number of calls): 0 with *a filled as above, or
 * -errno of the read, *a then having none (-ESRCH: the process is gone).
 * fd stays the caller's.
 */
int audit_loginuid_fd(int fd, struct audit_actor *a);

/*
 * Append entries.  When the catalog has a transaction open (catalog_begin),
 * they join it and become durable with it; otherwise they are written in a
 * transaction of their own.  n may be > 1 for batching (the mount).  On a
 * sealed log the epochs that have ended are closed first, in the same
 * transaction (as audit_seal); in a transaction of its own, a key that
 * evolved is followed by a checkpoint that does not wait (the old keys'
 * pages leave the WAL unless a reader is in the way; then the next
 * checkpoint takes them).
 */
int audit_append(struct catalog *c, const struct audit_entry *e, size_t n) MUST_CHECK;
/* Convenience for one entry. */
int audit_log(struct catalog *c, const struct audit_actor *a, const char *action, const char *object,
	      const char *outcome, const char *reason) MUST_CHECK;
/* The same for an entry about one artifact of recording (artifact as
 * naming_label names it). */
int audit_log_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
		       const char *artifact, const char *outcome, const char *reason) MUST_CHECK;

/*
 * 1 when entries are mirrored to syslog, 0 when there is no syslog to
 * mirror to: /dev/log was not a socket the first time this process looked
 * (here or at its first entry).  The answer holds for the life of the
 * process, so a syslog started later is not used until a restart.  The
 * daemons call it at start-up to say so, once.  Thread-safe.
 */
int audit_syslog_mirrored(void);
/* Mirror the entries first..last of c's log to syslog, as after their
 * commit (when audit_syslog_mirrored): for those a writer killed between
 * its commit and its mirroring left (journal_recover). */
void audit_mirror_range(struct catalog *c, int64_t first, int64_t last);

/*
 * Log a refusal ("refused", why) and return err with "ACTION refused: WHY"
 * in meta_errmsg(), so that refusing code reads `return audit_refuse(...)`.
 * The refusal stands even when it cannot be logged: the entry then goes to
 * audit_set_unlogged's function.
 */
int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why);
/* The same about one artifact of recording (NULL artifact: audit_refuse). */
int audit_refuse_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
			  const char *artifact, int err, const char *why);
/*
 * Where a refusal goes that the log could not take (the register's disk
 * is full): fn gets the entry, lent for the call, and may queue a copy
 * (the mount's audit queue writes it once there is room).  NULL (the
 * default, recctl's: it says the refusal itself): nowhere.  Set once,
 * before any thread refuses.
 */
void audit_set_unlogged(void (*fn)(const struct audit_entry *e, void *ctx), void *ctx);
/*
 * A refusal logged inside a transaction (an erasure's: the refusal
 * commits) goes if the commit fails (the disk is full).  After
 * audit_refusal_watch this thread keeps a copy of the last such refusal;
 * audit_refusal_rolled_back, after the rollback, logs it again on its own,
 * or hands it to audit_set_unlogged's function; audit_refusal_forget
 * drops it and stops watching.
 */
void audit_refusal_watch(void);
/*
 * on 1: this thread's refusals (audit_refuse*) are not logged until it is
 * 0 again; the caller counts them (the mount, past a caller's refusals a
 * second: each is an entry, and a flood of them would fill the disk).
 */
void audit_refusals_counted(int on);
void audit_refusal_rolled_back(struct catalog *c);
void audit_refusal_forget(void);

/*
 * Walk the log (object NULL: all; else entries for that object) in order;
 * strings valid during the call only: audit_each_where with that object.
 */
int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx);
/*
 * Walk the entries that f selects (catalog.h: every condition set must
 * hold), in order; strings valid during the call only.  fn returning
 * non-zero stops the walk and is returned; else 0 or the catalog's error
 * (-E2BIG when f names more than CATALOG_AUDIT_OBJECTS_MAX objects).  The
 * entries are read a page at a time and fn is called between reads, with
 * no read snapshot held (unless the caller has a transaction open): an
 * fn that blocks keeps no checkpoint back.  Entries appended meanwhile
 * may be seen, and the retention sweep (audit_expire) may meanwhile drop
 * entries the walk has not reached: audit_each_noting says which.
 */
int audit_each_where(struct catalog *c, const struct cat_audit_filter *f,
		     int (*fn)(const struct audit_entry *, void *), void *ctx);
/*
 * audit_each_where, and the entries dropped from the log between two of
 * its pages before the walk reached them (whether f selects them or not)
 * in *gap: n ranges from[i]..to[i] (the first AUDIT_GAP_RANGES of them),
 * n 0 when none was (atk28 F6: `audit show` that met a sweep said nothing
 * of what it skipped).  Each page is read in one snapshot with the log's
 * first entry, so a sweep that commits between two reads is seen (atk34).
 */
#define AUDIT_GAP_RANGES 4
struct audit_gap {
	size_t n;
	int64_t from[AUDIT_GAP_RANGES], to[AUDIT_GAP_RANGES];
};
int audit_each_noting(struct catalog *c, const struct cat_audit_filter *f,
		      int (*fn)(const struct audit_entry *, void *), void *ctx, struct audit_gap *gap);

/*
 * The value of the word "key=VALUE" of an entry's reason (words are what
 * spaces leave) into out (n bytes, cut to fit): 1 when the reason has
 * one, else 0 and out untouched.  "recipient=NAME", "kind=K", "request=N".
 */
int audit_reason_value(const char *reason, const char *key, char *out, size_t n);

/*
 * 1 when e says a verification key was issued for the log: an "ok" entry
 * of `recctl audit setup-keys`, or of `recctl init` whose reason has the
 * word AUDIT_INIT_EPOCH=SECONDS (init seals the log from its first entry
 * and says so; an init of a recfs before that does not).
 */
#define AUDIT_INIT_EPOCH "audit-epoch"
int audit_entry_issued_key(const struct audit_entry *e);

/* 1 when recfs writes entries of action `action` (open, erase, export,
 * ...), else 0: what `recctl audit show --action` knows without a look at
 * the log. */
int audit_action_known(const char *action);

/* The longest epoch of the sealing key, and the default (15 minutes). */
#define AUDIT_EPOCH_MAX 900

/*
 * What entries about one recording name as their object, appended to out
 * (for a cat_audit_filter): the recording id and, since entries written
 * before schema 2 name the artifact opened by its id, the ids of the
 * recording's artifacts (none once it is erased).  0, or the catalog's
 * error (out may then hold some of them).
 */
int audit_recording_objects(struct catalog *c, const char *recording, struct idlist *out) MUST_CHECK;
/*
 * The word an entry of the erasure of a whole recording ends with, once
 * for each subject linked to it then ("erase" ... "rm kind=call
 * subject=S-7K2QF9 subject=S-..."; rights.c): the links go with the
 * recording, the entries about it stay.
 */
#define AUDIT_ERASED_SUBJECT "subject="
/*
 * The key of the entries a split logs on the subject it splits, one for
 * each subject merged into it that the split moves to the new subject
 * (recctl subject split --merged): "split-subject HANDLE ok into=NEW
 * merged-handle=OTHER".  The walks of the log (audit_subject_objects)
 * then leave OTHER's history out of HANDLE's.
 */
#define AUDIT_SPLIT_MERGED "merged-handle"
/*
 * And on the subject that takes them, one for each: "split-subject NEW ok
 * from=HANDLE received-handle=OTHER".  A later one on HANDLE (OTHER moved
 * back to it with recctl subject split --into) puts OTHER's history back
 * in HANDLE's walk; none gives a history to a subject that had none.
 */
#define AUDIT_SPLIT_RECEIVED "received-handle"
/*
 * The same for a subject: its handle (its card, requests, export), the
 * objects of each recording the subject is in (audit_recording_objects),
 * and the recordings erased while the subject was linked to them (an
 * "erase" entry that names the handle, AUDIT_ERASED_SUBJECT), whose
 * entries the log still holds (one the catalog still holds was not
 * erased, and is left out).  A subject no longer in the catalog gives
 * its handle and those erased recordings.  Then the same for each subject
 * merged into this one (the "ok" merge-subject entries about the handle
 * name it: "from=OTHER"), and the subjects merged into those, 32 merges
 * deep at most; each handle once.  A merge erased the merged subject's
 * card, logged once as "erase-subject OTHER ok merged-into=HANDLE", and
 * moved its links: a subject such an entry names that the catalog still
 * holds, or whose card the log does not say went so, is not followed (an
 * entry appended by root), and of one followed only its handle and erased
 * recordings are taken.  But not the handle and erased recordings of a
 * subject merged that a split took off again, by the "ok" split-subject
 * entry of the subject it was split off (AUDIT_SPLIT_MERGED): its history
 * is another person's; the subjects merged into it are still followed.
 * A later entry on that subject that received it back
 * (AUDIT_SPLIT_RECEIVED) undoes that.
 * -E2BIG, said, past 1024 handles in all (a log with merge entries forged
 * by the thousand).
 */
int audit_subject_objects(struct catalog *c, const char *handle, struct idlist *out) MUST_CHECK;
/*
 * The handles that became handle for recording, by the log: handle itself,
 * the subjects merged into it ("ok" merge-subject entries, as
 * audit_subject_objects follows them) and the subject a split moved the
 * recording from ("ok" split-subject entries on the recording, "from=H
 * into=F"), and theirs in turn, each once, added to out.  A recording's
 * details written by a recfs before merge and split rewrote them still name
 * such an older handle (ingest_details_handles); the log says it is the
 * same.  Two queries of the log for each handle found; -E2BIG, said, past
 * 1024 handles, as audit_subject_objects.
 */
int audit_handles_before(struct catalog *c, const char *recording, const char *handle,
			 struct idlist *out) MUST_CHECK;
/*
 * The persons recording was of, by the log, added to named (each once),
 * for the erasure to name (AUDIT_ERASED_SUBJECT); the recording's merge
 * entries are read once.  For each handle of linked (its links), whose the
 * recording was before merges made it handle's (its origin): a merge logs
 * on each recording it moves to the kept subject
 * ("merge-subject RECORDING ok from=OTHER into=HANDLE") before it erases
 * OTHER's card ("erase-subject OTHER ok merged-into=HANDLE", once).  The
 * latest such entry into handle that was written before that erasure,
 * within the merge's run (no earlier than the N entries the merge's own
 * entry on handle counts, "recordings=N") gives OTHER (one appended later
 * or earlier, or naming no merge, is root's: skipped, atk59 F1, atk61 F2),
 * and so on back, 32 merges deep at most; but a split that took
 * OTHER off handle, or off one passed, since (AUDIT_SPLIT_MERGED, not
 * received back) leaves the recording that one's, as its links do (atk59
 * F2).  handle itself when none, and when the log holds entries forged by
 * the thousand (the first 1,024 merge entries of the recording are read,
 * and more than 1,024 split marks stop the search): an erasure is never
 * refused for what root appended.  The erasure of a recording names this
 * subject (AUDIT_ERASED_SUBJECT), so that a split undoing a wrong merge
 * (recctl subject split --merged OTHER) takes the erased call's history
 * with OTHER, as it takes the card's reads (atk55 F1).
 * Then the persons beside those: a merge logs on a call both subjects were
 * in, whose link of OTHER's it drops, "merge-subject RECORDING ok
 * from=OTHER into=HANDLE shared=1" (AUDIT_MERGE_SHARED; the origins skip
 * those).  For each handle of named (the origins), each such OTHER the log
 * confirms as it confirms a merge above, and that no split
 * took off the handle since (the split gave the call to its new subject,
 * linked then), is added to named as its own origin, and so on for those
 * added; AUDIT_HANDLES_MAX at most, the first 1,024 merge entries read.
 * The erasure of a call of two people erased while one was wrongly merged
 * into the other names both, so that a split undoing the merge later takes
 * the erased call's history with the person (atk60 F3).
 */
#define AUDIT_MERGE_SHARED "shared"
int audit_recording_named(struct catalog *c, const char *recording, const struct idlist *linked,
			  struct idlist *named) MUST_CHECK;
/*
 * Whether recording rec, which the catalog holds unrestricted, is
 * restricted by the audit log's word: its last "ok" entry of "restrict"
 * or "lift-restriction" is a restrict.  Only a lift clears a restriction,
 * and logs it; restricted_since cleared by hand (root, one UPDATE) leaves
 * the log as it was, which audit verify guards, as it guards nothing in
 * the catalog, the seals or policy.conf.  Entries the sweep dropped past
 * the policy's audit_retention say nothing: a restriction older than that
 * is the catalog's word alone.  1 or 0 (0 too for a recording the catalog
 * holds restricted); catalog errors.
 */
int audit_restricted_by_log(struct catalog *c, const struct cat_recording *rec) MUST_CHECK;
/* audit_restricted_by_log of every recording, from one walk of the log:
 * the ids of those it holds, appended to out, sorted. */
int audit_restricted_unsaid(struct catalog *c, struct idlist *out) MUST_CHECK;
/*
 * Whether entry e is about a subject's handle other than handle: one merged
 * into it (audit_subject_objects walks those), whose own summary entries
 * (an export of that subject, its card's reads) may be another person's
 * once a split has parted them (atk39 F2).  1 or 0.
 */
int audit_entry_of_another_subject(const struct audit_entry *e, const char *handle);
/*
 * Walk the entries about the subject handle (audit_subject_objects: its
 * handle, its recordings, erased ones included, and those of the subjects
 * merged into it), of action `action` (NULL: any), in order, as
 * audit_each_where.  What the subject's export.json (export.c) and its
 * answer letter (answer.c) tell from the log alike: a recording of the
 * subject that went to a recipient in another participant's export is a
 * disclosure of the subject's data too (bb13 F3).  fn gets the entry and
 * the person's handles: handle and the subjects merged into it (whose
 * export to the data subject was a copy for the person; another's was
 * for another participant: export_disclosure, atk39 F3).  The objects
 * are walked CATALOG_AUDIT_OBJECTS_MAX at a time: entries come in log
 * order within each such walk.  merged, when not NULL, are the subjects
 * merged into handle as its sealed card lists them (SUBJECT_CARD_MERGED):
 * then those are the person's, with their handles and erased recordings
 * (the merge moved their links), and the log's merge-subject entries,
 * which root can append, are not followed.
 */
int audit_each_about_subject(struct catalog *c, const char *handle, const struct idlist *merged,
			     const char *action,
			     int (*fn)(const struct audit_entry *, const struct idlist *selves, void *),
			     void *ctx) MUST_CHECK;

/*
 * A verification key: the seed whose first evolution is the sealing key of
 * epoch 0, and the clock the key evolves by.  Whoever holds it can check
 * every seal, and could also make them: it belongs off the register's
 * host.  first_seq is the number of entries the log had when sealing began
 * (entries 1..first_seq were written unsealed).
 */
struct audit_vkey {
	char register_id[RECFS_ID_HEX];	/* "" when the catalog names none */
	int64_t start;			/* epoch 0 begins (epoch seconds) */
	int64_t interval;		/* seconds per epoch, 1..AUDIT_EPOCH_MAX */
	int64_t first_seq;
	struct crypto_key *key;		/* the seed, CRYPTO_EVOLVE_KEY_BYTES, guarded memory */
};

/*
 * Start sealing the log: a random seed, the key of epoch 0 evolved from
 * it, a clock of `interval` seconds (1..AUDIT_EPOCH_MAX) that starts at the
 * beginning of the interval holding util_now(), stored in the catalog in a
 * transaction of its own (so c must have none open: -EINVAL).  The
 * verification key, its only copy, is written to vkey_path
 * (audit_vkey_save) before that transaction commits; on any failure
 * neither the file nor the key state is left.  -EEXIST when the log is sealed already (or has seals without a
 * key state) or vkey_path exists; -EINVAL for an interval out of range;
 * file system and catalog errors; meta_errmsg() set on every error.
 */
int audit_setup_keys(struct catalog *c, int64_t interval, const char *vkey_path) MUST_CHECK;
/* Free a verification key (NULL is fine); its key is wiped. */
void audit_vkey_free(struct audit_vkey *vk);
/*
 * Write vk to path, a new file of mode 0400 (text: one line of fields
 * after comment lines); -EEXIST when path exists, else a negative errno
 * from the file system.  Load one back: -ENOENT, -EACCES as the file
 * system says, -EINVAL (meta_errmsg() says what) when it is not a
 * verification key; *out is new (audit_vkey_free it).  The text is wiped
 * from memory after use.
 */
int audit_vkey_save(const struct audit_vkey *vk, const char *path) MUST_CHECK;
int audit_vkey_load(const char *path, struct audit_vkey **out) MUST_CHECK;

/*
 * Close every epoch that has ended (util_now()) without appending an
 * entry: the seals an append would write first.  Joins the open
 * transaction, if any; otherwise runs in one of its own and then tries a
 * checkpoint so that the old keys leave the WAL.  *closed = number of
 * epochs closed (0 when none had ended).  -ENOENT when the log is not
 * sealed (meta_errmsg() says so); catalog errors.
 */
int audit_seal(struct catalog *c, int64_t *closed) MUST_CHECK;

/* What audit_verify found; set on success, -EBADMSG and -ETIME. */
struct audit_report {
	int64_t entries;	/* entries read */
	int64_t bad;		/* -EBADMSG: the first entry that does not fit; 0 when the
				 * fault is not one entry's (the seals, the key state) */
	int sealed;		/* the log has a sealing key state */
	int keyed;		/* the seals were checked with a verification key */
	int64_t seals;		/* closing seals found (epochs 0..seals-1) */
	int64_t sealed_seq;	/* entries 1..sealed_seq lie under a seal */
	int64_t sealed_until;	/* when the last sealed epoch ended; 0 if none */
	int64_t key_epoch;	/* the key state's epoch; -1 when none */
	int64_t first_seq;	/* keyed: entries written before sealing began */
	/* Retention (audit_expire): the log starts at entry `first` (1 when
	 * nothing was dropped), so entries read are first..first+entries-1.
	 * The ones before were dropped at dropped_at, all written before
	 * dropped_before (both 0 when first is 1).  seals_dropped of the
	 * seals cover dropped entries only and so were not checked. */
	int64_t first;
	int64_t dropped_before;
	int64_t dropped_at;
	int64_t seals_dropped;
	/* An unsealed log (no seals, no key state) whose entry `issued`
	 * says a verification key was issued (audit_entry_issued_key):
	 * -EBADMSG.  0: no entry says so. */
	int64_t issued;
};

/*
 * Check the log, in one read snapshot of the catalog.  Always: the chain
 * (each entry's hash follows from the ones before, or from the retention
 * checkpoint, no seq missing), the head kept in the meta table, and that
 * the log is stored as recfs made it, so that the reports by recording
 * read what the chain vouches for (catalog_audit_storage_check: -EBADMSG
 * with rep->bad 0 when not); after
 * a retention sweep, that the checkpoint reads and that no seal says an
 * entry written after its limit was dropped; when the log is sealed, that
 * its seals run from epoch 0 without a gap to the epoch before the key
 * state's, and cover entries that exist or were dropped.  With vk (NULL:
 * none), also: each seal's MAC under its epoch's key (derived from vk),
 * so a recomputed chain shows; the checkpoint's MAC under the key of the
 * epoch it was made in; that the key state is the genuine key of its
 * epoch; that sealing did not stop (by the clock `now`, the last closed
 * epoch is the one before the current one, or the one before that during
 * the first minute of the current one, or all of it when epochs are
 * shorter), so a cut tail or a rolled-back catalog shows; and that nothing
 * sealed lies before vk's first_seq.  Entries after rep->sealed_seq are in
 * the current epoch: nothing can tell whether they were changed.
 * 0 when all holds; -EBADMSG when not, with a message in meta_errmsg() and
 * rep->bad set; -ETIME when all holds but sealing stopped (the same);
 * -EKEYREJECTED when vk names another register than the catalog does;
 * -EINVAL when c has a transaction open; -ENOMEM or catalog errors.
 */
int audit_verify(struct catalog *c, const struct audit_vkey *vk, int64_t now, struct audit_report *rep) MUST_CHECK;

/*
 * The line an entry is mirrored to syslog with (authpriv.info), malloc'd:
 * "audit seq=N uid=U user=NAME loginuid=L level=LEVEL pid=P comm=COMM
 * action=A object=O[ artifact=X] outcome=OUT[ reason=TEXT]", every field
 * as util_escape_field gives it (spaces as \x20) but the last, the reason,
 * as util_escape_for_log does.
 */
char *audit_mirror_line(const struct audit_entry *e);

/*
 * An anchor: the head of the log (the last entry's seq and chain hash) at a
 * time, written as one line of text to be kept off the host (the journal
 * of `recctl audit seal`'s timer forwarded elsewhere, a ticket, a mail):
 *
 *   recfs-audit-anchor 2 register=ID seq=N hash=HEX at=YYYY-MM-DDTHH:MM:SSZ epoch=E mac=HEX
 *
 * The chain hash of entry N commits to every entry up to N, so a log that
 * no longer holds entry N with that hash lost or rewrote entries the
 * anchor saw, whoever holds the sealing key: the case the seals cannot
 * catch, a register put back from an older copy and sealed on from that
 * copy's key.  The MAC, under the sealing key of epoch E (the register's
 * key when the anchor was made), tells an anchor this register made from
 * a line anyone who may log wrote into the journal (logger(1)): only the
 * verification key checks it (audit_anchors_authentic).  A log not sealed
 * has no key: "epoch=- mac=-".  Version 1 (before the MAC) is still read,
 * as an anchor without one.
 */
#define AUDIT_ANCHOR_TAG "recfs-audit-anchor"
#define AUDIT_ANCHOR_MAX 256	  /* its text, with the NUL */
#define AUDIT_ANCHOR_MAC_BYTES 16 /* keyed BLAKE2b-256, its first half */

struct audit_anchor {
	char register_id[RECFS_ID_HEX];	/* "" when the catalog names none */
	int64_t seq;			/* 0: the log was empty */
	uint8_t hash[CRYPTO_HASH_BYTES];
	int64_t at;
	int64_t epoch;			/* the key's that made mac; -1: no MAC */
	uint8_t mac[AUDIT_ANCHOR_MAC_BYTES];
};

/* The anchor of c's log as it stands (in one read snapshot), at time now,
 * with its MAC under the sealing key the catalog holds (none when the log
 * is not sealed).  0, -EINVAL when c has a transaction open, or the
 * catalog's errors. */
int audit_anchor_get(struct catalog *c, int64_t now, struct audit_anchor *a) MUST_CHECK;

/* a as its line (no newline). */
void audit_anchor_format(const struct audit_anchor *a, char out[AUDIT_ANCHOR_MAX]);

/* The anchor in line: its text from AUDIT_ANCHOR_TAG on, wherever that
 * stands in the line (a journal's prefix before it is skipped).  0, -ENOENT
 * when the line holds no tag, -EINVAL (meta_errmsg() says what) when what
 * follows the tag is not an anchor. */
int audit_anchor_parse(const char *line, struct audit_anchor *a) MUST_CHECK;

/* What audit_anchors_authentic says of one anchor. */
enum audit_anchor_mac {
	AUDIT_ANCHOR_FORGED,	/* a MAC that does not check: someone else's line, altered, another register's */
	AUDIT_ANCHOR_OK,	/* made by this register */
	AUDIT_ANCHOR_AHEAD,	/* made by this register, in an epoch after now's: this host's clock is behind */
	AUDIT_ANCHOR_NO_MAC,	/* none: of version 1, or made while the log was not sealed */
	AUDIT_ANCHOR_EARLY,	/* names the key of an epoch its own time had not reached */
	AUDIT_ANCHOR_TOO_FAR,	/* an epoch more than AUDIT_ANCHOR_AHEAD_MAX after now's: not derived */
};
/* Epochs past now's whose keys are derived to check an anchor: a host
 * clock set back years is still no reason to take a genuine anchor for a
 * planted one; a line naming the key of year 9999 costs nothing. */
#define AUDIT_ANCHOR_AHEAD_MAX (1 << 20)
/*
 * Which of the anchors a[0..n-1] this register made: why[i] as above, from
 * the anchor's MAC under the sealing key of its epoch, derived from vk's
 * seed.  Each key is derived once, the anchors taken in the order of
 * their epochs.  0, or -ENOMEM.
 */
int audit_anchors_authentic(const struct audit_vkey *vk, const struct audit_anchor *a, size_t n, int64_t now,
			    enum audit_anchor_mac *why) MUST_CHECK;

/*
 * Whether c's log still holds what a saw: 0 when entry a->seq is there
 * with a's hash (or is the retention checkpoint's last dropped entry, with
 * its hash); 1 when a->seq was dropped by a retention sweep before that,
 * so cannot be checked; -EBADMSG (meta_errmsg() says what) when the log
 * ends before a->seq or holds another entry a->seq; -EKEYREJECTED when a
 * is of another register; -EINVAL when c has a transaction open; catalog
 * errors.
 */
int audit_anchor_check(struct catalog *c, const struct audit_anchor *a) MUST_CHECK;

/* What audit_anchors_check counted. */
struct audit_anchors_report {
	size_t held;	/* the log holds their entry with their hash */
	size_t dropped;	/* older than the retention checkpoint: not checkable one by one */
};

/*
 * The anchors a[0..n-1] (in any order; not changed) against c's log, each
 * as audit_anchor_check does, and then against each other, whatever the
 * log still holds: ordered by their times, an anchor must not name a lower
 * seq than one of an earlier time, and two anchors of the same seq must
 * have the same hash.  Either shows that the log went back (a register put
 * back from an older copy, then written on), even once a retention sweep
 * dropped the entries the anchors name.  The times are this host's clock:
 * one put back can make a false alarm, or (set on purpose) hide a roll-back
 * from this check.  0 when all hold, with *rep filled in; -EBADMSG (meta_errmsg()
 * says what) when the log does not hold an anchor's entry or the anchors
 * contradict each other; otherwise audit_anchor_check's errors.
 */
int audit_anchors_check(struct catalog *c, const struct audit_anchor *a, size_t n,
			struct audit_anchors_report *rep) MUST_CHECK;

/*
 * Retention of the log itself (it is personal data: who opened what, when).
 * Drop the oldest entries, those written before `before` (a time after
 * util_now() counts as now): entries 1..F-1, or from the previous
 * checkpoint on, where F is the first entry written at or after `before`,
 * never past the last entry (the chain goes on from it).  On a sealed log
 * F also stops at the end of the first seal of an epoch that ended after
 * `before`, so that audit_verify can tell this checkpoint from one that
 * drops younger entries (an entry replayed late from a journal, with an
 * older time, then stays a little longer).  In the same transaction: the
 * epochs that have ended are closed, the entries deleted, the checkpoint
 * written (meta table, audit_checkpoint: F, the hash of entry F-1, the
 * later of `before` and the previous checkpoint's limit, util_now(), and
 * on a sealed log its MAC under the current epoch's key) and an
 * "audit-expire" entry by a appended ("dropped=N first=F before=TIME").
 * After the commit a WAL checkpoint is tried, so that the dropped rows
 * leave the WAL too (when a reader holds it, a later checkpoint takes
 * them).
 *
 * The log is verified first (audit_verify without a key): one that does
 * not verify is left as it is (-EBADMSG, meta_errmsg() says why), since
 * dropping its start could destroy the evidence.  dry_run counts in a read
 * transaction and writes nothing.  c must have no transaction open
 * (-EINVAL).  On success *dropped = the entries dropped (dry run: that
 * would be) and *first = the first entry kept.  Other errors: the
 * catalog's.
 */
int audit_expire(struct catalog *c, const struct audit_actor *a, int64_t before, int dry_run, int64_t *dropped,
		 int64_t *first) MUST_CHECK;

#endif
