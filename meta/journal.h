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
 * A full disk: journal_open and journal_truncate preallocate
 * JOURNAL_RESERVE bytes for the file (fallocate, FALLOC_FL_KEEP_SIZE), so
 * that its appends land in blocks it already has: they succeed, and
 * survive the writer's death, while the disk is full (a disk with less
 * room gives a half, a quarter, ... of it, down to 64 KiB).  Where the
 * file system cannot (EOPNOTSUPP) or the disk is full already (ENOSPC),
 * the journal works without (journal_reserve_error; its appends then fail
 * on a full disk).  The writer keeps room for refusals (auditq.c: past half
 * the reserve, with the log not writable or the disk nearly full, opens
 * are refused).  Past the
 * reserve, what cannot be journalled is counted in the journal's header
 * (journal_set_lost), a record at its start overwritten in place, which
 * journal_recover turns into one entry that counts them (action "audit",
 * outcome "refused", by "recfs").  The header is an amendment of ticket
 * 0, which no entry has: a journal of this recfs still reads (without its
 * count) in an older one; a journal without a header (of an older recfs,
 * or one whose header could not be written) reads as before.
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
 * The bytes preallocated for a journal: 1 MiB, some 5,000 entries of
 * about 200 bytes (190 measured for an open).  Half of it takes what a
 * mount logs in the second its flusher needs to find the log cannot be
 * written (a flood of opens by one reader: some 4,000 in that second,
 * measured on 2 cores), the other half the refusals after that (some
 * 2,500, one by one); a mount costs 1 MiB of the register's disk.  On
 * ext4 filled by root, 5,242 appends of 200 bytes still went in (19
 * without the reserve).  Past it entries are still accounted for, counted
 * (journal_set_lost).
 */
#define JOURNAL_RESERVE (1u << 20)

/* What the header of a journal counts: entries its writer could not
 * journal (lost); of them, part are entries of tickets up to cut (a batch
 * being committed to the log: once the journal's position is cut or more,
 * they are in the log and not counted); time: when the last was made. */
struct journal_lost {
	uint64_t lost, part, cut;
	int64_t time;
};

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
/* Empty the file (everything in it is committed), preallocate its
 * reserve again and write its header (the count last set).  0 or -errno
 * (of ftruncate; a reserve that could not be made is not an error:
 * journal_reserve_error). */
int journal_truncate(struct journal *j) MUST_CHECK;
/* 0 when j has its reserve, else the -errno of the fallocate that failed
 * (-EOPNOTSUPP, -ENOSPC, ...). */
int journal_reserve_error(const struct journal *j);
/* 1 when j has a reserve (JOURNAL_RESERVE or less) and has used more than
 * half of it. */
int journal_half_used(const struct journal *j);
/* 1 when the disk of j has less room than JOURNAL_RESERVE (for root, the
 * blocks only root may use count too): the log will not find room. */
int journal_disk_low(const struct journal *j);
/*
 * Set the count in j's header (overwritten in place, one pwrite(2)): what
 * a recovery of j adds to the log as one entry.  0, or -errno (-ENOSPC:
 * j has no header, as when its disk was full when it was made).
 */
int journal_set_lost(struct journal *j, const struct journal_lost *l) MUST_CHECK;

/*
 * Commit the entries of every journal in dir whose writer is gone (its
 * lock is free) that are not in the log yet, and one entry counting what
 * its header counts (if any), then remove it; a journal being written is
 * left alone.  *count (when not NULL) the entries
 * committed.  0, or the first error (the journal then stays for the next
 * try).
 */
int journal_recover(struct catalog *c, const char *dir, size_t *count) MUST_CHECK;

#endif
