/*
 * journal.h - the audit journal: entries a writer has acknowledged but not
 * yet committed to the audit log, kept where they survive the writer.
 *
 * The mount must not answer an open before the open is in the log, and a
 * commit per open (a sqlite transaction, some 130 us here, more with an
 * fsync) on every open's path is too dear.  So each entry is first
 * appended to the writer's journal, REGISTER/audit-journal-<id>, with one
 * write(2): once that returns the entry is in the kernel and survives the
 * writer's death (SIGKILL); journal_sync puts it on disk too.  The writer
 * moves entries into the log in batches (journal_commit: audit_append and
 * the journal's position in the meta table, in one transaction), and a
 * journal whose writer is gone (it holds an flock on its file while it
 * lives) is moved into the log by journal_recover, which every register
 * open runs: a killed mount loses nothing it acknowledged.
 *
 * Records are [u32 length][type][u64 ticket][fields][BLAKE2b-256 of the
 * rest], all integers little-endian: an entry (type 'E') or a new reason
 * for an earlier entry (type 'A', auditq_amend).  A record cut short by a
 * crash of the machine, or edited, ends the journal there.  Tickets grow
 * within a journal; the meta key audit-journal-<id> holds the last one
 * committed, so a journal recovered twice commits nothing twice.  The
 * journal holds what the log holds (ids, handles, user names), in a file
 * of mode 0600 in the register.
 *
 * Locking: a struct journal is used by one thread at a time (the caller
 * serialises; the mount under its queue's lock).
 */
#ifndef RECFS_JOURNAL_H
#define RECFS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "catalog.h"
#include "util.h"

struct journal;

/*
 * Create a new journal in dir (the register) and lock it as its writer;
 * it takes dir's owner and group (util_adopt_owner).  *out owned by the
 * caller: journal_close.  -errno of open/flock/util_adopt_owner.
 */
int journal_open(const char *dir, struct journal **out) MUST_CHECK;
/*
 * Close j and drop its lock; with remove (everything it holds is
 * committed), unlink the file and forget its position in c's meta table
 * first.  NULL is fine.
 */
void journal_close(struct journal *j, struct catalog *c, int remove);

/* Append entry e as ticket (greater than every ticket before), one
 * write(2).  0, or -errno (-ENOSPC, -EIO); nothing is appended then. */
int journal_append(struct journal *j, uint64_t ticket, const struct audit_entry *e) MUST_CHECK;
/* Append that entry ticket's reason is now reason (copied; NULL: none). */
int journal_amend(struct journal *j, uint64_t ticket, const char *reason) MUST_CHECK;
/* fdatasync: everything appended so far is on disk.  0 or -errno. */
int journal_sync(struct journal *j) MUST_CHECK;
/*
 * Commit n entries (e, in ticket order) to the log of c in one
 * transaction with the position last: the ticket of the last of them.
 * Errors of audit_append and the catalog; nothing is committed then.
 */
int journal_commit(struct catalog *c, struct journal *j, const struct audit_entry *e, size_t n,
		   uint64_t last) MUST_CHECK;
/* Empty the file (everything in it is committed).  0 or -errno. */
int journal_truncate(struct journal *j) MUST_CHECK;

/*
 * Commit the entries of every journal in dir whose writer is gone (its
 * lock is free) that are not in the log yet, then remove it; a journal
 * being written is left alone.  *count (when not NULL) the entries
 * committed.  0, or the first error (the journal then stays for the next
 * try).
 */
int journal_recover(struct catalog *c, const char *dir, size_t *count) MUST_CHECK;

#endif
