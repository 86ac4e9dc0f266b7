/*
 * ingest.h - turning a manifest (X.json) and its files into a recording.
 *
 * Order of work, which is what makes a crash harmless: validate everything
 * (JSON, source, purpose, a basis the policy allows the purpose
 * (policy_basis_allowed), time, subjects' roles, audio with libopusfile
 * and its OpusTags headers, attachment files), write every blob under a
 * fresh artifact id, fsync them and the blob directories (for a group of
 * manifests, all of the group's together: ingest_manifests), then insert all rows
 * (recording, artifacts, seals, sealed details, subjects, ingest key, audit
 * entry) in one transaction.  In that transaction a recording whose
 * subject objects to its purpose (Art. 21) is restricted at once
 * (rights_restrict_if_objected): it never commits readable below the
 * rights level.  The audio is stored without the comment tags and vendor
 * string that may hold free text (opus.h: what stays is libopus's and
 * opusenc's own forms and the integer gains), which go to the sealed
 * details as "opus_tags"; its artifact size is that of the stored form.
 * A crash before the commit leaves only orphan blobs, which `recctl fsck
 * --repair` removes; a failure before it removes the blobs it wrote.
 * The same manifest bytes ingested twice are recognised by a keyed hash and
 * the second time is a no-op (*duplicate = 1); so is another manifest of
 * the same audio (its stored form), recorded_at and source, by a keyed
 * hash of those (by_audio = 1), also when that recording was erased since:
 * the hashes outlive their recordings.  A manifest that fails is
 * quarantined with its files, in the clear, until the policy's
 * quarantine_retention has passed (retention.h erases it then).
 */
#ifndef RECFS_INGEST_H
#define RECFS_INGEST_H

#include <stdint.h>
#include <sys/stat.h>

#include <jansson.h>

#include "audit.h"
#include "crypto.h"
#include "register.h"
#include "util.h"

#define INGEST_MANIFEST_MAX (1024 * 1024) /* larger manifests are refused */
/* A recorder's file whose content or inode changed less than this long ago
 * may still be written: ingest waits for it where no lease can tell (no
 * CAP_LEASE), and watch quarantines a manifest that fails only once it
 * and its files have been this still. */
#define INGEST_SETTLE_MS 2000
/* Milliseconds from st's last change (content, or renamed into place: mv
 * keeps the mtime but sets the ctime) to now_ms (CLOCK_REALTIME);
 * negative for a change stamped in the future. */
int64_t ingest_age_ms(const struct stat *st, int64_t now_ms);
/*
 * The longest values a manifest may give, in bytes of UTF-8 (larger ones
 * are refused): a title, and each subject's name, phone, email,
 * organisation and ref and each staff member's name and id, which is as
 * long as a rectified card field may be (RIGHTS_CARD_VALUE_MAX).  Every
 * sealed detail then fits one extended attribute on the mount.
 */
#define INGEST_TITLE_MAX 1024

/* The most files one manifest names: its audio and 64 attachments. */
#define INGEST_FILES_MAX 65

/* A file as ingest read it (lstat's device, inode, size and mtime):
 * ingest_remove_inputs removes a file only while it is still that. */
struct ingest_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
};

/* The words of a contact detail left out (ingest_result.left_out). */
#define INGEST_LEFT_OUT_MAX 160
struct ingest_result {
	char recording[RECFS_ID_HEX];
	int duplicate;
	int by_audio;		/* 1: a duplicate by its audio, not its manifest: another
				 * manifest (another file name, title or subject) of the
				 * same audio, recorded_at and source */
	int n_artifacts;
	int n_subjects_new;
	int restricted;		/* 1: restricted at ingest, a subject objects to its purpose */
	int64_t expired_on;	/* not 0: the retention_until of a recording whose
				 * retention had ended before it was ingested (the
				 * next retention sweep erases it) */
	int n_left_out;		/* a subject's phone, e-mail or reference of no
				 * such shape (rights_check_card_value), left off
				 * the card and the details: how many */
	char left_out[INGEST_LEFT_OUT_MAX];	/* the first's words, never its value:
						 * "subject 1: phone is not a phone number (no digit)" */
	struct ingest_file_id manifest;	/* the manifest whose bytes were read */
	int n_files;			/* files[]' count; -1 for a duplicate by its
					 * manifest, whose files were not opened */
	struct ingest_file_id files[INGEST_FILES_MAX];
};

/*
 * Ingest one manifest (a group of one, ingest_manifests).  Files named in it are looked up in the manifest's
 * directory and must be plain names there (no '/', no "..").  The manifest
 * and each file are opened once with util_open_regular and read only
 * through that descriptor: a symbolic link, a FIFO or a device is -EINVAL
 * ("is a symbolic link", "is not a regular file"), never followed or
 * waited on; a file under a lease is -EAGAIN.  Input files are left in
 * place.  On failure returns a negative errno with
 * meta_errmsg() saying what is wrong in one line (no personal data), and
 * nothing of the recording remains in the register; see
 * ingest_is_input_error for which failures are the input's.  The audio's
 * probe (opus_probe_fd) is -EINVAL whatever libopusfile found, but
 * -ENOMEM, -EMFILE, -ENFILE and -EAGAIN (its judge child could not be
 * started) stay the machine's.
 */
int ingest_manifest(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor,
		    const char *manifest_path, struct ingest_result *out) MUST_CHECK;

struct blob_reader;
/*
 * The key ingest keeps of a recording's audio, when it started and its
 * source (a manifest of the same three is a duplicate of it), for a
 * recording in the register: rec's recorded_at and source, and its stored
 * audio, which br reads whole, each chunk authenticated as blob_verify
 * does.  For a recording an older recfs ingested, which kept no such key:
 * `recctl fsck --repair` with the index key adds it.  Errors: those
 * of blob_verify_each.
 */
int ingest_audio_key(const struct crypto_key *index_key, const struct cat_recording *rec, struct blob_reader *br,
		     uint8_t out[CRYPTO_MAC_BYTES]) MUST_CHECK;

/* The most manifests ingest_manifests takes in one group. */
#define INGEST_GROUP_MAX 32

/* One manifest of a group: path is the caller's; the rest is filled in. */
struct ingest_item {
	const char *path;		/* in: the manifest, as for ingest_manifest */
	int rc;				/* out: 0, or what ingest_manifest would return */
	char *why;			/* out: malloc'd reason of a failure (never
					 * empty), NULL on success; free with
					 * ingest_items_clear */
	struct ingest_result res;	/* out: on success */
};

/*
 * Ingest the n (at most INGEST_GROUP_MAX) manifests of items as a group,
 * each with the checks and the outcome of ingest_manifest, but paying the
 * durable cost once: every blob of the group is written, then all are
 * made durable together (blob_sync each, then each blob folder fsync'd
 * once), then the rows of all the group's recordings are committed in one
 * transaction, one savepoint each.  Each recording is still wholly in the
 * register or not at all, with its own audit entry: a manifest that fails
 * (items[i].rc, items[i].why; quarantine it when ingest_is_input_error)
 * takes nothing of the others with it; a failure of the register at the
 * group's flush or commit fails every manifest not yet committed (the
 * machine's trouble: -EIO and the like), and their blobs are removed.  A
 * crash at any point leaves only orphan blobs, as for ingest_manifest.
 * The same manifest twice in a group is checked and written once: the second
 * is a duplicate of the first once that is committed, else fails with it
 * (never a duplicate of rows a failed commit undid).  Returns 0 once
 * every item has its outcome; -ENOKEY without index_key and -EINVAL for
 * n > INGEST_GROUP_MAX, with no item touched.  Single-threaded per reg,
 * as the catalog is.
 */
int ingest_manifests(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor,
		     struct ingest_item *items, size_t n) MUST_CHECK;
/* Free what ingest_manifests allocated in items (the why strings). */
void ingest_items_clear(struct ingest_item *items, size_t n);

/*
 * The roles a subject of a manifest may have ("subjects": [{"role": ...}],
 * see recctl(1), MANIFEST), NULL-terminated: "customer" (the caller, or
 * the customer a meeting is with), "participant" (anyone else taking part;
 * the role of a subject that names none, INGEST_DEFAULT_ROLE), "staff"
 * (an employee recorded as a data subject).  The role is stored in the
 * clear with the subject's link to the recording, so a manifest with any
 * other role is refused (-EINVAL) rather than stored.
 */
extern const char *const ingest_subject_roles[];
#define INGEST_DEFAULT_ROLE "participant"
/* 1 when s is one of ingest_subject_roles (exactly, case and all), else 0
 * (also for NULL). */
int ingest_is_subject_role(const char *s);

/*
 * The subjects a recording's details record names (each subject's
 * "handle"; merge and split rewrite them with the recording's links),
 * added to out, each once.  Returns how many entries of the details name a
 * handle: 0 for details that name none (no subject, or a record that is
 * not a recording's details).  The details are sealed and bound to their
 * record id, so they are the register's own word on whom a recording is
 * about, where a link row is the catalog's, which root can change.
 */
size_t ingest_details_handles(const json_t *details, struct idlist *out);
/*
 * The recording a details record belongs to, which ingest writes into it
 * (INGEST_DETAILS_RECORDING): sealed with it, so that a recording's
 * details_id pointed at another's record is told (atk51).  1 when details
 * name recording, 0 when they name another, -1 when they name none (written
 * by a recfs before they did: recctl fsck --repair adds it).
 */
#define INGEST_DETAILS_RECORDING "recording"
int ingest_details_of(const json_t *details, const char *recording);
/*
 * The same for a recording's files: ingest seals their artifact ids in its
 * details (INGEST_DETAILS_ARTIFACTS), so that another recording's chat or
 * audio moved under this one (artifact.recording, a row root can change)
 * is told.  1 when details list artifact, 0 when they do not, -1 when they
 * list none (written by a recfs before they did).
 */
#define INGEST_DETAILS_ARTIFACTS "artifacts"
int ingest_details_artifact(const json_t *details, const char *artifact);

/*
 * 1 when rc from ingest_manifest means the input is bad (-EINVAL, -ENOENT,
 * -EFBIG): quarantine it.  Anything else is the machine's trouble (disk
 * full, catalog busy, I/O error): leave the manifest where it is and retry.
 */
int ingest_is_input_error(int rc);

/* A quarantined manifest's pseudonymous id: this prefix and 8 random hex
 * digits, its folder's name under REGISTER/quarantine/. */
#define INGEST_QUARANTINE_PREFIX "q-"
#define INGEST_QUARANTINE_HEX 8

/*
 * Room the quarantine leaves free on the register's file system of
 * fs_bytes: the larger of INGEST_QUARANTINE_RESERVE_MIN and
 * INGEST_QUARANTINE_RESERVE_PCT % of it, at most half of it.  Files copied
 * into quarantine from a spool on another file system never take its free
 * room below this (atk30 F2: a recorder on a spool of its own filled the
 * register's disk through the quarantine, leaving the mounts no room for
 * their audit entries).
 */
#define INGEST_QUARANTINE_RESERVE_MIN (64ULL << 20)
#define INGEST_QUARANTINE_RESERVE_PCT 5
uint64_t ingest_quarantine_reserve(uint64_t fs_bytes);

/*
 * Inodes the quarantine leaves free on the register's file system of
 * fs_inodes: the larger of INGEST_QUARANTINE_INODE_RESERVE_MIN and
 * INGEST_QUARANTINE_INODE_RESERVE_PCT % of them, at most half of them
 * (0 for a file system that has no fixed count of inodes: statvfs
 * f_files 0, as btrfs).  Each refused manifest costs the register's file
 * system an inode for its folder, error.txt, manifest-name.txt and each
 * file copied, however small: a recorder's two-byte manifests used up its
 * inodes far above the byte reserve, and then sqlite could not make the
 * catalog's -wal and -shm files, so that no mount started and no recctl
 * command (retention sweep included) opened the register (atk41 F3).
 */
#define INGEST_QUARANTINE_INODE_RESERVE_MIN 4096ULL
#define INGEST_QUARANTINE_INODE_RESERVE_PCT 5
uint64_t ingest_quarantine_inode_reserve(uint64_t fs_inodes);

/*
 * Move a failed manifest and the files it names (as far as they can be
 * read from it) and its stem with one extension (X.opus of X.json) into
 * REGISTER/quarantine/<id>/, but never another manifest (a name ending in
 * ".json"), X-* or X.*.* (the files of an X-2.json or X.b.json still to
 * come), nor a file sharing another manifest's longer stem: refusing one
 * manifest takes no other recording's files with it.  id is a fresh
 * pseudonymous "q-" and 8 random hex digits: never the manifest's name,
 * which the recorder chose and which may name a person.  error.txt holds
 * reason as one line, manifest-name.txt the manifest's file name as one
 * line, both escaped (util_escape_for_log); that file and the files inside
 * are the only places the name is kept, and they are erased with the
 * folder.  *qdir (malloc'd, may be NULL) receives the folder's path; its
 * last component, the id, is what logs and the audit log name.  The
 * folder, error.txt and manifest-name.txt take the owner and group of
 * quarantine/ (util_mkdir_adopt); the moved files keep theirs until the
 * quarantine is complete.  Files are renamed, or copied across file
 * systems, and only regular ones are copied: a FIFO, a symbolic link or a
 * device that would have to be is removed from the spool instead
 * (error.txt counts those of the named files), never read or followed,
 * once the quarantine is complete.  A regular file too large to copy (over
 * 4 GiB with the others) stays in the spool, and error.txt says so by what
 * it is to the manifest.  Something a recorder swaps in for a checked file
 * while it is renamed (a folder) is put back into the spool at once, under
 * its name or, when that was taken again, beside it as
 * NAME.swapped-XXXXXXXX, and error.txt counts those apart: nothing of the
 * recorder's but the regular files checked enters the register.
 *
 * The folder and its error.txt and manifest-name.txt are made first, the
 * inputs moved next and the manifest last; a file copied across file
 * systems loses its spool name only once the manifest is in, so a crash
 * leaves the spool whole.  On failure (-errno, meta_errmsg says which
 * step) nothing is quarantined and *qdir is left as it was: the folder is
 * removed and the files already renamed are moved back, so the manifest
 * and its files are in the spool as before, to be tried again (a full disk
 * is the machine's trouble, not the input's).  -EDQUOT: the copies would
 * take the register's file system below its reserve of free room
 * (ingest_quarantine_reserve) or of free inodes
 * (ingest_quarantine_inode_reserve); the manifest is left in the spool so
 * too.
 * Only a file that cannot be moved back keeps the folder, with its
 * error.txt and manifest-name.txt, so that it stays findable.
 */
int ingest_quarantine(struct reg *r, const char *manifest_path, const char *reason, char **qdir) MUST_CHECK;

/*
 * A quarantined manifest, as ingest_each_quarantined lends it: personal
 * data in the clear, kept for the policy's quarantine_retention only.
 */
struct ingest_quarantined {
	const char *name;	/* its folder under REGISTER/quarantine/, as on disk:
				 * its id (an older recfs named it after the
				 * manifest: escape it to print it) */
	const char *manifest;	/* the manifest's file name as manifest-name.txt
				 * keeps it, escaped, one printable line; NULL
				 * when there is none.  For the operator's
				 * terminal (fsck), never for a log */
	int64_t since;		/* when it was quarantined: error.txt's mtime, or
				 * the folder's when error.txt is missing */
	int64_t until;		/* since + quarantine_retention: retention_sweep
				 * erases it once util_now() is past this */
	int incomplete;		/* 1: no error.txt (a quarantine an older recfs
				 * left half-way on a full disk or a crash) */
	int no_manifest;	/* 1: it holds input files but no manifest: a
				 * quarantine cut short (a crash while it moved
				 * them; across file systems they are copies, the
				 * spool keeps them all until the manifest is in) */
	int no_input;		/* 1: it holds error.txt alone: a quarantine cut
				 * short by a crash before manifest-name.txt and
				 * the files (the manifest stayed in the spool) */
};

/*
 * Call fn for each folder under REGISTER/quarantine/, in name order (files
 * there that are no folder are skipped); q and its name are lent for the
 * call.  A nonzero return from fn stops the walk and is returned.  Nothing
 * is read inside the folders but error.txt's time and manifest-name.txt.
 * 0, or -errno when the
 * quarantine folder cannot be read (meta_errmsg says so).
 */
int ingest_each_quarantined(struct reg *r, int (*fn)(const struct ingest_quarantined *q, void *ctx),
			    void *ctx) MUST_CHECK;
/*
 * Erase quarantined manifest `name` (a folder under REGISTER/quarantine/,
 * as ingest_each_quarantined names it): every file in it is unlinked,
 * symbolic links are not followed, and the quarantine folder is fsync'd.
 * -EINVAL for a name that is not one folder's (empty, ".", "..", with a
 * '/'); -errno of the first unlink or rmdir that fails (meta_errmsg says
 * which), after which part of it may be gone.  An absent folder is 0.
 */
int ingest_erase_quarantined(struct reg *r, const char *name) MUST_CHECK;

/*
 * The plain file names (no '/', no "..") that the manifest at
 * manifest_path names (audio, attachments), as far as it reads and parses:
 * none when it is not a regular file (util_read_file) or not JSON.  A name
 * ending in ".json" is left out: in the spool that is a manifest of its
 * own, which ingest refuses as a file of another (or of itself), and which
 * must not be quarantined or removed with it.  *names
 * (malloc'd, with the malloc'd names) is the caller's to free; *n their
 * number.
 */
void ingest_manifest_files(const char *manifest_path, char ***names, size_t *n);

/*
 * Remove the manifest's input files (after a committed ingest; the
 * manifest itself last, so a crash in between repeats a no-op).  With res
 * (the ingest's result), only what is still what was read: -ESTALE, and
 * nothing removed, when the manifest at manifest_path is no longer the one
 * res read (replaced by another under its name, or rewritten: the recorder
 * reused the name, and that manifest is still to be ingested); a file it
 * names that is no longer one of res->files (replaced, grown) is left in
 * place and counted in *left.  Without res, what the manifest names.
 */
int ingest_remove_inputs(const char *manifest_path, const struct ingest_result *res, size_t *left) MUST_CHECK;

/*
 * 1 when the manifest at manifest_path lies in a folder of r's quarantine
 * (REGISTER/quarantine/q-*, as realpath(3) finds both; a manifest mended
 * where it was quarantined), with that folder's name (malloc'd, the
 * caller's to free) into *name when name is not NULL; else 0 (and NULL).
 * Such a manifest, once ingested, is no longer the recorder's: its inputs
 * are removed and its folder erased (ingest_remove_inputs,
 * ingest_quarantine_settled), so that no plaintext copy outlives the
 * recording; refused again, it stays in its folder
 * (ingest_quarantine_again), never moved into another.
 */
int ingest_in_quarantine(struct reg *r, const char *manifest_path, char **name);

/*
 * Refuse again a manifest that lies in a folder of r's quarantine
 * (ingest_in_quarantine): it and its files stay where they are, error.txt
 * takes the new reason (escaped, one line) and manifest-name.txt the
 * manifest's name now (the operator may have renamed it).  error.txt keeps
 * its time, from which quarantine_retention counts: mending a manifest
 * does not keep its plaintext longer.  *qdir (malloc'd, may be NULL)
 * receives the folder's path.  0; -EINVAL when the manifest is in no
 * quarantine folder; -errno when a file cannot be written (meta_errmsg
 * says which), and then the folder is as it was or has the new reason.
 */
int ingest_quarantine_again(struct reg *r, const char *manifest_path, const char *reason, char **qdir) MUST_CHECK;

/*
 * After the manifest at manifest_path was ingested and its inputs removed
 * (ingest_remove_inputs): when it was taken from a quarantine folder of r
 * (its corrected copy ingested in place) and that folder holds nothing
 * more than its own error.txt and manifest-name.txt, the folder is erased
 * (ingest_erase_quarantined), so that fsck no longer lists as quarantined
 * a manifest that is in the register.  Its name (malloc'd) into *erased
 * then, else NULL (also when files it did not name are still there).
 * 0 or a negative errno (meta_errmsg says so).
 */
int ingest_quarantine_settled(struct reg *r, const char *manifest_path, char **erased) MUST_CHECK;

/*
 * Whether quarantined manifest `name` (a folder under REGISTER/quarantine/,
 * as ingest_each_quarantined names it) holds a manifest (a regular file
 * *.json) that is in the register: one whose bytes or content (as ingest
 * keys them under index_key, the blind-index key) some recording was
 * ingested from, e.g. mended there and ingested by an older recfs that
 * left it in place.  0 with that recording's id in recording; -ENOENT when
 * none is; -EINVAL for a name that is not one folder's; -errno when the
 * folder or the catalog cannot be read (meta_errmsg says so).  The
 * manifests are read, never changed.
 */
int ingest_quarantined_recording(struct reg *r, const struct crypto_key *index_key, const char *name,
				 char recording[RECFS_ID_HEX]) MUST_CHECK;

#endif
