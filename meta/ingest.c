/*
 * ingest.c - a manifest and its files become one recording.
 *
 * Invariant: a recording is either wholly in the register (catalog rows
 * committed, every blob fsync'd before the commit) or not at all.  Blobs are
 * written first under fresh random ids; if anything fails before the commit
 * they are unlinked; a crash in that window leaves orphan blobs only (no
 * catalog row names them), which fsck --repair removes.  Input files are
 * never modified here.
 *
 * Manifests go in groups (ingest_manifests; ingest_manifest is a group of
 * one), in three passes: prepare each (read, duplicate check, validate,
 * write its blobs without syncing them), sync_group (every blob of the
 * group fdatasync'd, each blob folder fsync'd once), commit_group (one
 * transaction, a savepoint per recording).  The durable cost, which is
 * most of a small recording's, is so paid once a group.  The invariant
 * holds per recording: a manifest that fails in any pass loses its own
 * blobs and rows only, and nothing is committed before every blob of the
 * group is durable.
 *
 * Error messages go to error.txt in quarantine and to logs: they name the
 * field or the kind of problem, never a value that could be personal.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "blob.h"
#include "ingest.h"
#include "jsonmem.h"
#include "macpipe.h"
#include "naming.h"
#include "opus.h"
#include "rights.h"
#include "seal.h"
#include "subject.h"
#include "testhook.h"

#define MAX_ATTACHMENTS 64
#define MAX_SUBJECTS 64
/* Staff taking part: a call centre's largest meeting, not a list of
 * 150,000 names that each read of user.recfs.staff would parse (atk20). */
#define MAX_STAFF 256
#define MAX_ATTACHMENT_BYTES (4ULL << 30)
#define FUTURE_SLACK 300 /* seconds of clock skew tolerated */

struct pending {
	char id[RECFS_ID_HEX];
	char *src;	/* input file path */
	int fd;		/* open since validation (util_open_regular); read through it only */
	char *blob;	/* blob path once written */
	const char *role;
	int n;
	size_t pos;	/* its place in the manifest's attachments (from 1), 0 for the audio */
	char ext[NAMING_EXT_MAX];
	uint64_t size;
	struct stat st;	/* as opened: what ingest_remove_inputs may remove */
	struct crypto_key *dek;
};

struct job {
	char *dir;
	const char *mname;	/* the manifest's file name (in the caller's path) */
	struct stat mst;	/* the manifest, when mst_ok: a file that is it is refused */
	int mst_ok;
	json_t *root;
	struct cat_recording rec;
	struct opus_info audio;
	struct opus_strip *strip;	/* the audio's stored form */
	int strip_rc;			/* and why there is none */
	char *strip_msg;
	struct mac_pipe *audio_mac;	/* with audio_key's in hand, while the audio is written */
	struct pending art[MAX_ATTACHMENTS + 1];
	size_t n_art;
	int purpose, source;
	int n_left_out;		/* contact details of no such shape, left out */
	char left_out[INGEST_LEFT_OUT_MAX];	/* the first's words (no value) */
};

/* The audio's stored form, planned in one walk (opus_strip_fdopen) while
 * the judge examines the file; its failure is kept for validate to say
 * once the judge has taken the file. */
static void plan_stored_form(void *job)
{
	struct job *j = job;

	/* Comment tags that may name someone go to the sealed details. */
	j->strip_rc = opus_strip_fdopen(j->art[0].fd, OPUS_STRIP_KEEP_MAX, &j->strip);
	if (j->strip_rc)
		j->strip_msg = xstrdup(meta_errmsg());
}

/*
 * Refuse the text s of a manifest's field (where "title", "subject 2: name"
 * with its place in a list) when it holds a control character, a C1
 * control, a line separator or a bidirectional override or isolate: it is
 * shown as it is by recctl subject show and the mount's attributes, where
 * such a character would act on the reader's terminal or hide what it
 * says.  The rule is a card value's (rights_check_card_value, the
 * rectification of the same field): no tab or newline either; the
 * invisible marks an Arabic or Hebrew name may need stay.  The error names
 * the field and the code point, never the value.
 */
static int check_text(const char *where, size_t pos, const char *key, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	uint32_t cp = 0;

	if (util_find_control(s ? s : "", n, 0, &cp) == n)
		return 0;
	if (pos)
		return meta_fail(-EINVAL, "%s %zu: %s holds control character U+%04X: a manifest's text is one "
				 "line without control characters or bidirectional overrides",
				 where, pos, key, (unsigned)cp);
	return meta_fail(-EINVAL, "%s holds control character U+%04X: a manifest's text is one line without "
			 "control characters or bidirectional overrides",
			 where, (unsigned)cp);
}

/* A file named in the manifest: a plain name in the manifest's folder. */
static int plain_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") && strlen(s) < 256;
}

/*
 * A name that is a manifest's in the spool: it ends with ".json", compared
 * exactly, as recctl watch picks manifests (cmd_watch.c: is_manifest_name;
 * a dot file ".x.json" too, which the watch skips but recctl ingest may be
 * given).  "X.JSON" is not one, there or here.
 */
static int json_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 5 && !strcmp(s + n - 5, ".json");
}

static const char *str_field(json_t *root, const char *key, int *bad)
{
	json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/*
 * Whether a manifest may take a file: one of its own writer's, or root's.
 * Several recorders may share a spool, each as a user of its own
 * (recfs-watch@.service), and ingest runs as root: a manifest that named
 * another recorder's file (its audio, there before its own manifest) would
 * take that recording under its own source, purpose and subjects, or, when
 * refused, into its quarantine.  A manifest of root's (an administrator's
 * ingest by hand) takes any file, and a file of root's (an administrator's,
 * copied into the spool for a recorder's manifest) may be taken by any:
 * no recorder can make one.
 */
static int writers_file(const struct stat *manifest, const struct stat *file)
{
	return manifest->st_uid == 0 || file->st_uid == 0 || file->st_uid == manifest->st_uid;
}

int64_t ingest_age_ms(const struct stat *st, int64_t now_ms)
{
	int64_t m = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
	int64_t c = (int64_t)st->st_ctim.tv_sec * 1000 + st->st_ctim.tv_nsec / 1000000;

	return now_ms - (m > c ? m : c);
}

/* A file whose content or inode changed in the last INGEST_SETTLE_MS.  One
 * stamped further ahead than that (touch -d, a clock put back) tells
 * nothing and is not waited for: it would wait until the clock got there
 * (atk21). */
static int changed_lately(const struct stat *st)
{
	struct timespec now;
	int64_t ago;

	clock_gettime(CLOCK_REALTIME, &now);
	ago = ingest_age_ms(st, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	return ago < INGEST_SETTLE_MS && ago > -INGEST_SETTLE_MS;
}

/*
 * 1 when some process still holds the file open at fd (st its stat) for
 * writing: a read lease is refused exactly then (fcntl(2)), and is let go
 * at once.  Without CAP_LEASE no lease is had on another owner's file
 * (EACCES): 2 when it changed in the last INGEST_SETTLE_MS, as it may
 * still be written (atk20: a writer that wrote every 0.1 s lost all but
 * its first line).  0 otherwise, and on a file system without leases.
 */
static int being_written(int fd, const struct stat *st)
{
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
		(void)fcntl(fd, F_SETLEASE, F_UNLCK);
		return 0;
	}
	if (errno == EAGAIN)
		return 1;
	return (errno == EACCES || errno == EPERM) && changed_lately(st) ? 2 : 0;
}

/*
 * what names the file in messages ("attachment"); pos, when not 0, is its
 * place in the attachments' list, for the messages of a manifest's name.
 */
static int add_file(struct job *j, const char *name, const char *role, int n, const char *what, size_t pos)
{
	struct pending *p;
	struct stat st;
	uint64_t total = 0;
	char *path, which[64];
	int fd, rc;

	/* "attachment 2", or what alone */
	if (pos)
		snprintf(which, sizeof(which), "%s %zu", what, pos);
	else
		snprintf(which, sizeof(which), "%s", what);
	if (!plain_name(name))
		return meta_fail(-EINVAL, "%s must be a plain file name in the manifest's folder", what);
	/* A manifest is never stored: not itself, and not another manifest,
	 * which would put its subject's data in this recording, unlinked to
	 * them, and leave its own recording never ingested. */
	if (j->mname && !strcmp(name, j->mname))
		return meta_fail(-EINVAL, "%s is the manifest itself: a manifest is not stored", which);
	if (json_name(name))
		return meta_fail(-EINVAL, "%s is named *.json: that is a manifest's name in the spool; rename it",
				 which);
	if (j->n_art >= MAX_ATTACHMENTS + 1)
		return meta_fail(-EINVAL, "too many attachments (at most %d)", MAX_ATTACHMENTS);
	path = xasprintf("%s/%s", j->dir, name);
	for (size_t i = 0; i < j->n_art; i++) {
		if (!strcmp(j->art[i].src, path)) {
			free(path);
			return meta_fail(-EINVAL, "the same file is named twice in the manifest");
		}
	}
	/* Opened once, here, and read through this descriptor only: what is
	 * read is what was checked, whatever is renamed in the spool later. */
	fd = util_open_regular(path, &st);
	if (fd < 0) {
		free(path);
		if (fd == -ENOENT)
			return meta_fail(-ENOENT, "%s named in the manifest is missing", what);
		if (fd == -ELOOP)
			return meta_fail(-EINVAL, "%s named in the manifest is a symbolic link: only regular files are "
					 "taken", what);
		if (fd == -EINVAL)
			return meta_fail(-EINVAL, "%s named in the manifest is not a regular file", what);
		if (fd == -EAGAIN)	/* a lease held by its writer: try again later */
			return meta_fail(-EAGAIN, "%s named in the manifest is still in use", what);
		return meta_fail(-ENOENT, "%s named in the manifest cannot be read", what);
	}
	/* The manifest under another name (a hard link; a folder that
	 * ignores case): it all the same. */
	if (j->mst_ok && st.st_dev == j->mst.st_dev && st.st_ino == j->mst.st_ino) {
		close(fd);
		free(path);
		return meta_fail(-EINVAL, "%s is the manifest itself: a manifest is not stored", which);
	}
	if (j->mst_ok && !writers_file(&j->mst, &st)) {
		close(fd);
		free(path);
		return meta_fail(-EINVAL, "%s named in the manifest belongs to another user than the manifest: a "
				 "manifest takes its own writer's files only", which);
	}
	/* A file some process still holds open for writing (a recorder that
	 * wrote the manifest before it was done) is not taken yet: what was
	 * read of it would be stored and the rest removed with it. */
	if ((rc = being_written(fd, &st))) {
		close(fd);
		free(path);
		return rc == 1 ? meta_fail(-EAGAIN, "%s named in the manifest is still open for writing", what)
			       : meta_fail(-EAGAIN, "%s named in the manifest changed less than %d s ago and may "
					   "still be written (no lease to tell: CAP_LEASE)", what, INGEST_SETTLE_MS / 1000);
	}
	if ((uint64_t)st.st_size > MAX_ATTACHMENT_BYTES) {
		close(fd);
		free(path);
		return meta_fail(-EFBIG, "%s is larger than 4 GiB", what);
	}
	/* And all of them together: a recorder's 64 sparse files of 4 GiB
	 * each would be 256 GiB of ciphertext, and hours of the spool's time. */
	for (size_t i = 0; i < j->n_art; i++)
		total += j->art[i].size;
	if (total + (uint64_t)st.st_size > MAX_ATTACHMENT_BYTES) {
		close(fd);
		free(path);
		return meta_fail(-EFBIG, "the files of the manifest are larger than 4 GiB together");
	}
	p = &j->art[j->n_art++];
	p->src = path;
	p->fd = fd;
	p->role = role;
	p->n = n;
	p->pos = pos;
	p->size = (uint64_t)st.st_size;
	p->st = st;
	naming_ext_of_file(p->ext, name);
	if (!strcmp(role, "audio"))
		memcpy(p->ext, "opus", 5);
	else if (!strcmp(role, "chat"))
		memcpy(p->ext, "txt", 4);
	return 0;
}

/*
 * A recorder writes every byte of what it records: a hole in p (a sparse
 * file, truncate -s) is none.  It would be read, encrypted and written
 * into the register whole, costing the recorder nothing of the spool
 * (atk56: a sparse attachment of 1 GiB filled the register's file system
 * at every retry); an audio file's held the spool for half a minute
 * before the judge refused it.  After the checks of size (add_file), which
 * are said first.
 */
static int no_hole(const struct pending *p)
{
	off_t hole = lseek(p->fd, 0, SEEK_HOLE);
	char which[64];

	if (!p->pos)
		snprintf(which, sizeof(which), "audio");
	else
		snprintf(which, sizeof(which), "%s %zu", !strcmp(p->role, "chat") ? "chat attachment" : "attachment",
			 p->pos);
	if (hole >= 0 && (uint64_t)hole < p->size)
		return meta_fail(-EINVAL, "%s: a hole at byte %lld of %llu (a sparse file is no %s)", which,
				 (long long)hole, (unsigned long long)p->size,
				 p->pos ? "file a recorder wrote" : "recording");
	if (lseek(p->fd, 0, SEEK_SET) < 0)
		return meta_fail(-errno, "%s: %s", which, strerror(errno));
	return 0;
}

/* Check the manifest and its files; fill j->rec and j->art. */
static int validate(struct reg *r, struct job *j)
{
	const struct policy *pol = r->policy;
	json_t *root = j->root, *v;
	const char *s, *purpose, *basis, *audio;
	int bad = 0, rc, nfile = 0, have_chat = 0;
	int64_t t;

	if (!json_is_object(root))
		return meta_fail(-EINVAL, "manifest is not a JSON object");
	s = str_field(root, "recorded_at", &bad);
	if (!s || bad)
		return meta_fail(-EINVAL, "recorded_at is missing or not a string");
	if ((rc = util_parse_time(s, &t)) == -ERANGE)
		return meta_fail(-EINVAL, "recorded_at is no such time (a month, day or hour out of range) or is "
					  "before 1970");
	if (rc)
		return meta_fail(-EINVAL, "recorded_at is not an ISO 8601 time with a zone and a year of four digits "
					  "(e.g. 2026-11-28T10:15:00Z)");
	if (t > util_now() + FUTURE_SLACK) {
		int64_t ahead = t - util_now();

		return meta_fail(-EINVAL, "recorded_at is in the future: %lld %s after this host's clock, which "
				 "takes at most %d minutes (is the recorder's clock right?)",
				 (long long)(ahead >= 7200 ? ahead / 3600 : (ahead + 59) / 60),
				 ahead >= 7200 ? "hours" : "minutes", FUTURE_SLACK / 60);
	}
	j->rec.recorded_at = t;

	s = str_field(root, "source", &bad);
	if (!s || bad)
		return meta_fail(-EINVAL, "source is missing or not a string");
	j->source = policy_source_index(pol, s);
	if (j->source < 0)
		return meta_fail(-EINVAL, "unknown source %s: not in the policy", util_safe_name(s));
	const struct policy_source *src = &pol->sources[j->source];

	purpose = str_field(root, "purpose", &bad);
	if (bad)
		return meta_fail(-EINVAL, "purpose is not a string");
	if (!purpose)
		purpose = pol->purposes[src->purpose].name;
	j->purpose = policy_purpose_index(pol, purpose);
	if (j->purpose < 0)
		return meta_fail(-EINVAL, "unknown purpose %s: not in the policy", util_safe_name(purpose));
	basis = str_field(root, "legal_basis", &bad);
	if (bad)
		return meta_fail(-EINVAL, "legal_basis is not a string");
	if (!basis)
		basis = (src->legal_basis && j->purpose == src->purpose) ? src->legal_basis
									   : pol->purposes[j->purpose].legal_basis;
	if (!policy_is_legal_basis(basis))
		return meta_fail(-EINVAL, "legal_basis %s is not one of Art. 6(1): consent, contract, "
				 "legal_obligation, vital_interests, public_task, legitimate_interests",
				 util_safe_name(basis));
	if (!policy_basis_allowed(pol, j->purpose, j->source, basis))
		return meta_fail(-EINVAL, "legal_basis %s is not a basis of purpose %s: the policy gives it %s "
				 "(allowed_bases lists any others)",
				 basis, pol->purposes[j->purpose].name, pol->purposes[j->purpose].legal_basis);
	s = str_field(root, "title", &bad);
	if (bad)
		return meta_fail(-EINVAL, "title is not a string");
	if (s && strlen(s) > INGEST_TITLE_MAX)
		return meta_fail(-EINVAL, "title is longer than %d bytes", INGEST_TITLE_MAX);
	if ((rc = check_text("title", 0, NULL, s)))
		return rc;

	audio = str_field(root, "audio", &bad);
	if (!audio || bad)
		return meta_fail(-EINVAL, "audio is missing or not a string");
	if ((rc = add_file(j, audio, "audio", 0, "audio file", 0)) || (rc = no_hole(&j->art[0])))
		return rc;
	/* The stored form is planned (plan_stored_form) while the judge
	 * examines the file, each reading it: the judge's refusal, then the
	 * length's, are said before the walk's. */
	rc = opus_probe_fd_while(j->art[0].fd, &j->audio, plan_stored_form, j);
	/* Out of memory, descriptors or processes (the judge child cannot
	 * be started: socketpair, fork) is the machine's trouble, retried;
	 * any other failure refuses the file. */
	if (rc)
		return meta_fail(rc == -ENOMEM || rc == -EMFILE || rc == -ENFILE || rc == -EAGAIN ? rc : -EINVAL,
				 "audio: %s", meta_errmsg());
	/* A length its bytes cannot carry: a forged or damaged granule
	 * position on the last page (2^62: a .wav view of exbibytes, unreadable
	 * past a few MB).  An Opus packet lasts at most 120 ms (5760 samples
	 * at 48 kHz) and takes at least 1 byte, plus 1 byte of Ogg lacing:
	 * at most 2880 samples (60 ms) a byte of the file.  The file is at most
	 * 4 GiB (add_file), so the largest length taken, and its .wav view
	 * (8 channels, 2 bytes a sample), are far from overflowing. */
	if (j->audio.pcm_samples > OPUS_RATE / 1000 * 60 * j->art[0].size)
		return meta_fail(-EINVAL, "audio's length (%llu s) cannot be held in its %llu bytes: its last "
				 "timestamp is damaged",
				 (unsigned long long)(j->audio.duration_ms / 1000), (unsigned long long)j->art[0].size);
	if (j->strip_rc)
		return meta_fail(j->strip_rc, "audio: %s", j->strip_msg);
	j->art[0].size = opus_strip_size(j->strip);

	v = json_object_get(root, "attachments");
	if (v && !json_is_null(v)) {
		size_t i;
		json_t *a;

		if (!json_is_array(v))
			return meta_fail(-EINVAL, "attachments is not a list");
		json_array_foreach(v, i, a) {
			const char *file, *kind;
			int b2 = 0;

			if (!json_is_object(a))
				return meta_fail(-EINVAL, "attachment %zu is not an object", i + 1);
			file = str_field(a, "file", &b2);
			kind = str_field(a, "kind", &b2);
			if (!file || b2)
				return meta_fail(-EINVAL, "attachment %zu has no file name", i + 1);
			if (kind && !strcmp(kind, "chat")) {
				if (have_chat++)
					return meta_fail(-EINVAL, "more than one chat attachment");
				rc = add_file(j, file, "chat", 0, "chat attachment", i + 1);
			} else {
				rc = add_file(j, file, "file", ++nfile, "attachment", i + 1);
			}
			if (rc)
				return rc;
		}
		for (size_t k = 1; k < j->n_art; k++)
			if ((rc = no_hole(&j->art[k])))
				return rc;
	}
	v = json_object_get(root, "subjects");
	if (v && !json_is_null(v) && !json_is_array(v))
		return meta_fail(-EINVAL, "subjects is not a list");
	if (v && json_is_array(v) && json_array_size(v) > MAX_SUBJECTS)
		return meta_fail(-EINVAL, "subjects lists %zu people (at most %d)", json_array_size(v), MAX_SUBJECTS);
	if (v && json_is_array(v)) {
		size_t i;
		json_t *sj;

		json_array_foreach(v, i, sj) {
			static const char *const keys[] = { "role", "name", "phone", "email", "organisation", "ref" };
			if (!json_is_object(sj))
				return meta_fail(-EINVAL, "subject %zu is not an object", i + 1);
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				int b2 = 0;
				s = str_field(sj, keys[k], &b2);
				if (b2)
					return meta_fail(-EINVAL, "subject %zu: %s is not a string", i + 1, keys[k]);
				if (s && strlen(s) > RIGHTS_CARD_VALUE_MAX)
					return meta_fail(-EINVAL, "subject %zu: %s is longer than %d bytes", i + 1,
							 keys[k], RIGHTS_CARD_VALUE_MAX);
				if ((rc = check_text("subject", i + 1, keys[k], s)))
					return rc;
				/* A phone, e-mail or reference as rectification
				 * takes it (rights_check_card_value): free text
				 * ("withheld", a note on the caller's health) is
				 * no contact detail for the card, and is left
				 * out of it and of the details, said so without
				 * the value (bb14 F3); the call is ingested. */
				if (!s || k < 2)
					continue;
				rc = rights_check_card_value(keys[k], s);
				if (rc == -ENOMEM)
					return rc;
				if (rc == -EINVAL) {
					if (!j->n_left_out++)
						snprintf(j->left_out, sizeof(j->left_out), "subject %zu: %s is %s", i + 1,
							 keys[k], rights_card_value_refusal(keys[k], s));
					json_object_del(sj, keys[k]);
				}
			}
			/* Stored in the clear (the catalog's links): a word of
			 * the format, never free text that may name someone. */
			s = str_field(sj, "role", &bad);
			if (s && !ingest_is_subject_role(s))
				return meta_fail(-EINVAL, "subject %zu: role is not one of customer, participant, staff",
						 i + 1);
		}
	}
	v = json_object_get(root, "staff");
	if (v && !json_is_null(v) && !json_is_array(v))
		return meta_fail(-EINVAL, "staff is not a list");
	if (json_is_array(v) && json_array_size(v) > MAX_STAFF)
		return meta_fail(-EINVAL, "staff lists %zu people (at most %d)", json_array_size(v), MAX_STAFF);
	if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x) {
			static const char *const keys[] = { "name", "id" };

			/* a name alone, or an object of name and id */
			for (size_t n = 0; n < sizeof(keys) / sizeof(keys[0]); n++) {
				json_t *f = json_is_object(x) ? json_object_get(x, keys[n]) : n ? NULL : x;

				if (!json_is_string(f))
					continue;
				if (strlen(json_string_value(f)) > RIGHTS_CARD_VALUE_MAX)
					return meta_fail(-EINVAL, "staff %zu: %s is longer than %d bytes", i + 1,
							 keys[n], RIGHTS_CARD_VALUE_MAX);
				if ((rc = check_text("staff", i + 1, keys[n], json_string_value(f))))
					return rc;
			}
		}
	}

	crypto_new_id(j->rec.id);
	j->rec.source = xstrdup(src->name);
	j->rec.kind = xstrdup(src->kind);
	j->rec.purpose = xstrdup(pol->purposes[j->purpose].name);
	j->rec.legal_basis = xstrdup(basis);
	j->rec.data_source = xstrdup(src->data_source ? src->data_source : src->name);
	/* The day the retention ends on: kept through it (catalog.h). */
	j->rec.retention_until = util_day_start(policy_period_add(t, pol->purposes[j->purpose].retention));
	j->rec.channels = j->audio.channels;
	j->rec.pcm_samples = j->audio.pcm_samples;
	j->rec.duration_ms = j->audio.duration_ms;
	j->rec.ingested_at = util_now();
	return 0;
}

/* The audio's stored form as it is written, into audio_key's hash too. */
static int strip_source(void *job, void *buf, size_t len)
{
	struct job *j = job;
	int rc = opus_strip_read(j->strip, buf, len);

	if (rc == 0 && j->audio_mac)
		mac_pipe_add(j->audio_mac, buf, len);
	return rc;
}

/*
 * rc of the register's own work (its blobs, its catalog) as the machine's
 * trouble, never the input's: an errno that ingest_is_input_error takes
 * for a bad input (a blob's -EINVAL, the catalog's -ENOENT) becomes -EIO,
 * so that the manifest is left in place and retried, not quarantined.
 */
static int machine_trouble(int rc)
{
	return ingest_is_input_error(rc) ? -EIO : rc;
}

/* Write the job's blobs, not yet durable: sync_group makes them so. */
static int write_blobs(struct reg *r, struct job *j)
{
	int rc = 0;

	for (size_t i = 0; i < j->n_art; i++) {
		struct pending *p = &j->art[i];
		char *dir;

		crypto_new_id(p->id);
		p->dek = crypto_key_new(CRYPTO_DEK_BYTES, 1);
		if (!p->dek)
			return -ENOMEM;
		dir = xasprintf("%s/blobs/%.2s", r->dir, p->id);
		rc = util_mkdir_adopt(dir, 0700);
		if (rc && rc != -EEXIST) {
			rc = meta_fail(rc, "cannot create %s: %s", dir, strerror(-rc));
			free(dir);
			return rc;
		}
		p->blob = reg_blob_path(r, p->id);
		/* Made durable with the rest of the group (sync_group). */
		if (!strcmp(p->role, "audio")) {
			rc = blob_write_source_nosync(p->blob, p->id, p->dek, strip_source, j, p->size);
		} else {
			rc = blob_write_fd_nosync(p->blob, p->id, p->dek, p->fd, p->size);
		}
		free(dir);
		if (rc) {
			free(p->blob); /* blob_write_fd removed its partial file */
			p->blob = NULL;
			return meta_fail(rc, "cannot write blob: %s", strerror(-rc));
		}
	}
	return 0;
}

/* The recording's details: its id and its files' (INGEST_DETAILS_RECORDING,
 * INGEST_DETAILS_ARTIFACTS), title,
 * staff, subjects (each with its
 * handle, the phone, e-mail and reference the call gave, and "short":
 * true when found by its name's short form alone,
 * subject_resolve) and the tags taken out of its audio. */
static json_t *details_json(struct job *j, json_t *handles, const int *short_form)
{
	json_t *d = json_object(), *subs = json_array(), *staff = json_array();
	json_t *v = json_object_get(j->root, "title");
	size_t i;
	json_t *x;

	json_object_set_new(d, INGEST_DETAILS_RECORDING, json_string(j->rec.id));
	x = json_array();
	for (i = 0; i < j->n_art; i++)
		json_array_append_new(x, json_string(j->art[i].id));
	json_object_set_new(d, INGEST_DETAILS_ARTIFACTS, x);

	if (json_is_string(v))
		json_object_set(d, "title", v);
	json_array_foreach(json_object_get(j->root, "staff"), i, x) {
		if (json_is_object(x))
			json_array_append_new(staff, json_pack("{s:O?, s:O?}", "name", json_object_get(x, "name"),
							       "id", json_object_get(x, "id")));
		else if (json_is_string(x))
			json_array_append_new(staff, json_pack("{s:O}", "name", x));
	}
	/* With the identifiers the call gave (phone, e-mail, reference): a
	 * known subject's card keeps its own, and the blind index holds these
	 * only as MACs, so the subject's copy (export) reads them here. */
	json_array_foreach(json_object_get(j->root, "subjects"), i, x) {
		static const char *const given[] = { "phone", "email", "ref" };
		json_t *e = json_pack("{s:O, s:O?, s:O?}", "handle", json_array_get(handles, i), "role",
				      json_object_get(x, "role"), "name", json_object_get(x, "name"));

		for (size_t k = 0; k < sizeof(given) / sizeof(given[0]); k++)
			if (json_is_string(json_object_get(x, given[k])))
				json_object_set(e, given[k], json_object_get(x, given[k]));
		if (e && short_form[i])
			json_object_set_new(e, SUBJECT_SHORT_FORM_KEY, json_true());
		json_array_append_new(subs, e);
	}
	json_object_set_new(d, "staff", staff);
	json_object_set_new(d, "subjects", subs);
	if (opus_strip_n_removed(j->strip)) {
		json_t *tags = json_array();

		for (i = 0; i < opus_strip_n_removed(j->strip); i++)
			json_array_append_new(tags, json_string(opus_strip_removed(j->strip, i)));
		json_object_set_new(d, "opus_tags", tags);
	}
	return d;
}

int ingest_details_of(const json_t *details, const char *recording)
{
	const char *id = json_string_value(json_object_get(details, INGEST_DETAILS_RECORDING));

	return !id ? -1 : !strcmp(id, recording);
}

int ingest_details_artifact(const json_t *details, const char *artifact)
{
	const json_t *list = json_object_get(details, INGEST_DETAILS_ARTIFACTS);
	size_t i;
	json_t *x;

	if (!json_is_array(list))
		return -1;
	json_array_foreach(list, i, x)
		if (json_is_string(x) && !strcmp(json_string_value(x), artifact))
			return 1;
	return 0;
}

size_t ingest_details_handles(const json_t *details, struct idlist *out)
{
	size_t i, n = 0;
	json_t *s;

	json_array_foreach(json_object_get(details, "subjects"), i, s) {
		const char *h = json_string_value(json_object_get(s, "handle"));

		if (!h)
			continue;
		n++;
		if (!idlist_has(out, 0, h))
			idlist_add(out, h);
	}
	return n;
}

/*
 * The job's rows, inside the group's transaction (commit_group undoes them
 * alone when this fails).  1 when the same manifest, or one of the same
 * audio (audio_key), was ingested meanwhile (res->recording names that
 * recording), 0, or -errno.
 */
static int commit(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor, struct job *j,
		  const uint8_t ikey[CRYPTO_MAC_BYTES], const uint8_t ckey[CRYPTO_MAC_BYTES],
		  const uint8_t akey[CRYPTO_MAC_BYTES], struct ingest_result *res)
{
	const struct policy *pol = r->policy;
	json_t *handles = json_array(), *details = NULL, *x;
	char (*taken)[CATALOG_HANDLE_MAX] = xcalloc(json_array_size(json_object_get(j->root, "subjects")) + 1,
						   sizeof(*taken));
	int *short_form = xcalloc(json_array_size(json_object_get(j->root, "subjects")) + 1, sizeof(*short_form));
	char *text = NULL;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(j->root, "subjects"), i, x) {
		struct subject_card card = {
			.name = json_string_value(json_object_get(x, "name")),
			.phone = json_string_value(json_object_get(x, "phone")),
			.email = json_string_value(json_object_get(x, "email")),
			.organisation = json_string_value(json_object_get(x, "organisation")),
			.ref = json_string_value(json_object_get(x, "ref")),
		};
		int created;

		/* Each person of the manifest is one subject: the handles of
		 * the ones before are taken (subject_resolve). */
		/* A new subject's card is read where this recording's details
		 * are: a gold-only interview's e-mail is not the silver level's
		 * (seal_card_from keeps it so). */
		if ((rc = subject_resolve(r, index_key, &card, seal_level_for(pol, j->rec.purpose, SEAL_DETAILS),
					  (const char (*)[CATALOG_HANDLE_MAX])taken, i, taken[i], &created,
					  &short_form[i])))
			goto out;
		res->n_subjects_new += created;
		json_array_append_new(handles, json_string(taken[i]));
	}
	details = details_json(j, handles, short_form);
	text = json_dumps(details, JSON_COMPACT);
	if (!text) {
		rc = -ENOMEM;
		goto out;
	}
	crypto_new_id(j->rec.details_id);
	if ((rc = seal_write_record(r, j->rec.details_id, text, strlen(text), seal_level_of(pol, &j->rec, SEAL_DETAILS))))
		goto out;
	if ((rc = catalog_put_recording(r->cat, &j->rec)))
		goto out;
	for (i = 0; i < j->n_art; i++) {
		struct pending *p = &j->art[i];
		struct cat_artifact a = {
			.role = (char *)p->role, .n = p->n, .ext = p->ext, .size = p->size,
		};

		memcpy(a.id, p->id, RECFS_ID_HEX);
		memcpy(a.recording, j->rec.id, RECFS_ID_HEX);
		if ((rc = catalog_put_artifact(r->cat, &a)) || (rc = seal_put(r, p->id, p->dek, seal_level_of(pol, &j->rec, seal_kind_of_role(p->role)))))
			goto out;
	}
	json_array_foreach(handles, i, x) {
		const char *role = json_string_value(json_object_get(json_array_get(json_object_get(j->root, "subjects"), i), "role"));
		if ((rc = catalog_link_subject(r->cat, j->rec.id, json_string_value(x), role ? role : INGEST_DEFAULT_ROLE)))
			goto out;
	}
	/* Its bytes, its content (canonical_key) and its audio (audio_key):
	 * a manifest sent again as it was, written out again, or naming the
	 * same audio of the same time and source, is a duplicate. */
	for (i = 0; i < 3; i++) {
		const uint8_t *key = i == 2 ? akey : i ? ckey : ikey;

		if (i == 1 && !memcmp(ckey, ikey, CRYPTO_MAC_BYTES))
			continue;
		rc = catalog_put_ingest_key(r->cat, key, j->rec.id);
		if (rc == -EEXIST) {
			/* Another process ingested the same manifest meanwhile. */
			rc = catalog_find_ingest_key(r->cat, key, res->recording);
			if (rc == 0) {
				res->by_audio = i == 2;
				rc = 1;
			}
			goto out;
		}
		if (rc)
			goto out;
	}
	if ((rc = audit_log(r->cat, actor, "ingest", j->rec.id, "ok", NULL)))
		goto out;
	/* A subject that objects to this purpose (Art. 21): restricted as it arrives. */
	rc = rights_restrict_if_objected(r, actor, j->rec.id, &res->restricted);
out:
	jsonmem_free_text(text);
	json_decref(details);
	json_decref(handles);
	free(taken);
	free(short_form);
	return rc;
}

static void job_free(struct job *j, int remove_blobs)
{
	for (size_t i = 0; i < j->n_art; i++) {
		if (remove_blobs && j->art[i].blob)
			unlink(j->art[i].blob);
		if (j->art[i].fd >= 0)
			close(j->art[i].fd);
		free(j->art[i].src);
		free(j->art[i].blob);
		crypto_key_free(j->art[i].dek);
	}
	opus_strip_close(j->strip);
	free(j->strip_msg);
	if (j->audio_mac)
		mac_pipe_cancel(j->audio_mac);
	free(j->dir);
	json_decref(j->root);
	cat_recording_clear(&j->rec);
}

/* A manifest of a group on its way: its job once blobs are written. */
struct slot {
	struct ingest_item *item;
	struct job j;
	uint8_t ikey[CRYPTO_MAC_BYTES];	/* of the manifest's bytes */
	uint8_t ckey[CRYPTO_MAC_BYTES];	/* of its content (canonical_key) */
	uint8_t akey[CRYPTO_MAC_BYTES];	/* of its audio, time and source (audio_key) */
	int pending;	/* blobs written, rows not yet committed */
	struct slot *twin;	/* an earlier pending slot of the same manifest:
				 * this one's outcome is its (twin_settle) */
};

/* The item fails with rc and why (meta_strerror: what meta_errmsg() says,
 * else rc's own words); its blobs go. */
static void slot_fail(struct slot *s, int rc)
{
	s->item->rc = rc;
	free(s->item->why);
	s->item->why = xstrdup(meta_strerror(rc));
	s->pending = 0;
	job_free(&s->j, 1);
	memset(&s->j, 0, sizeof(s->j));
}

/*
 * A manifest's bytes as JSON.  A UTF-8 byte order mark first is passed
 * over, as RFC 8259 (8.1) lets a parser do: the tools of many recorders
 * on Windows write one (PowerShell's UTF8 encoding), and a manifest that
 * differs by it alone is the same manifest (canonical_key).
 */
static json_t *manifest_json(const uint8_t *buf, size_t len, size_t flags, json_error_t *err)
{
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	return json_loadb((const char *)buf, len, flags, err);
}

/*
 * The key of a manifest's content: its JSON written out again in one form
 * (keys sorted, no spaces, every non-ASCII character escaped), so that a
 * manifest sent again after an editor or a program rewrote it is the same
 * manifest.  0 or -ENOMEM.
 */
static int canonical_key(const struct crypto_key *index_key, const json_t *root, uint8_t out[CRYPTO_MAC_BYTES])
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	if (!text)
		return meta_fail(-ENOMEM, "cannot write the manifest out again: out of memory");
	crypto_keyed_hash(index_key, text, strlen(text), out);
	jsonmem_free_text(text);
	return 0;
}

/* The start of audio_key's hash: when the recording started and its
 * source.  NULL when out of memory. */
static struct crypto_mac_stream *audio_mac_new(const struct crypto_key *index_key, int64_t recorded_at,
					       const char *source)
{
	struct crypto_mac_stream *m = crypto_mac_stream_new(index_key, "ingest-audio");
	uint8_t t[8];

	if (!m)
		return NULL;
	for (int i = 0; i < 8; i++)
		t[i] = (uint8_t)((uint64_t)recorded_at >> (8 * i));
	crypto_mac_stream_add(m, t, sizeof(t));
	/* The NUL ends the name, before the audio's bytes. */
	crypto_mac_stream_add(m, source, strlen(source) + 1);
	return m;
}

/*
 * The start of the key of a manifest's audio (audio_key), once it is
 * validated.  The audio's stored form follows as write_blobs writes it
 * (strip_source), hashed through the group's pipe on a thread beside the
 * encryption (macpipe.h), and audio_key ends it.  The pipe, and its
 * thread, are made for the group's first audio: a group of duplicates
 * and refusals makes none.
 */
static int audio_key_start(const struct crypto_key *index_key, struct job *j, struct mac_pipe **pipe)
{
	struct crypto_mac_stream *m;

	if (!*pipe && !(*pipe = mac_pipe_new(1)))
		return meta_fail(-ENOMEM, "out of memory");
	m = audio_mac_new(index_key, j->rec.recorded_at, j->rec.source);
	if (!m)
		return meta_fail(-ENOMEM, "out of memory");
	mac_pipe_start(*pipe, m);
	j->audio_mac = *pipe;
	return 0;
}

/*
 * The key of a recording: the stored form of its audio (the Ogg Opus file
 * with its comment tags taken out: their text goes to the sealed details),
 * when it started and its source, under the blind-index key, like every
 * ingest key (no fingerprint of the audio in the clear).  A manifest sent
 * again with anything else changed (another name of its audio file, a
 * title, a subject) holds the same recording, and is a duplicate of it:
 * were it taken, its copy would be free of the first one's restriction,
 * legal hold or erasure.
 */
static void audio_key(struct job *j, uint8_t out[CRYPTO_MAC_BYTES])
{
	mac_pipe_end(j->audio_mac, out);
	j->audio_mac = NULL;
}

static void mac_chunk(void *ctx, const void *buf, size_t len)
{
	crypto_mac_stream_add(ctx, buf, len);
}

int ingest_audio_key(const struct crypto_key *index_key, const struct cat_recording *rec, struct blob_reader *br,
		     uint8_t out[CRYPTO_MAC_BYTES])
{
	struct crypto_mac_stream *m = audio_mac_new(index_key, rec->recorded_at, rec->source);
	int rc;

	if (!m)
		return -ENOMEM;
	rc = blob_verify_each(br, mac_chunk, m);
	if (rc == 0)
		crypto_mac_stream_end(m, out);
	else
		crypto_mac_stream_free(m);
	return rc;
}

enum key_of { KEY_BYTES, KEY_CONTENT, KEY_AUDIO };

static const uint8_t *slot_key(const struct slot *s, enum key_of which)
{
	return which == KEY_AUDIO ? s->akey : which == KEY_CONTENT ? s->ckey : s->ikey;
}

/*
 * Whether s's manifest, by its bytes, by its content or by its audio, is
 * in the register (0, the item a duplicate) or earlier in the group (0,
 * s->twin set: not written twice); -ENOENT when neither, or -errno.
 */
static int seen_before(struct reg *r, struct slot *group, size_t n, struct slot *s, enum key_of which)
{
	const uint8_t *key = slot_key(s, which);
	int rc = catalog_find_ingest_key(r->cat, key, s->item->res.recording);

	if (rc == 0) {
		s->item->res.duplicate = 1;
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	for (size_t k = 0; k < n; k++) {
		if (group[k].pending && !memcmp(slot_key(&group[k], which), key, CRYPTO_MAC_BYTES)) {
			s->twin = &group[k];
			return 0;
		}
	}
	return -ENOENT;
}

static void file_id(struct ingest_file_id *id, const struct stat *st)
{
	*id = (struct ingest_file_id){ .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
				       .mtim = st->st_mtim };
}

static int same_file(const struct ingest_file_id *id, const struct stat *st)
{
	return id->dev == st->st_dev && id->ino == st->st_ino && id->size == st->st_size &&
	       id->mtim.tv_sec == st->st_mtim.tv_sec && id->mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * Each of j's files as it was opened (size and mtime by its descriptor):
 * -EAGAIN when one changed while it was read (a writer still at work),
 * the machine's kind of failure, tried again rather than quarantined.
 */
static int files_unchanged(struct job *j)
{
	struct ingest_file_id id;
	struct stat st;

	for (size_t i = 0; i < j->n_art; i++) {
		file_id(&id, &j->art[i].st);
		if (fstat(j->art[i].fd, &st) < 0 || !same_file(&id, &st))
			return meta_fail(-EAGAIN, "%s changed while it was read: still being written",
					 i == 0 ? "the audio file" : "an attachment");
	}
	return 0;
}

/*
 * Everything up to the blobs of one manifest: read, the duplicate check,
 * validation, blobs written (not yet durable).  Leaves s->pending set, or
 * s->twin when one of the group's n slots before it has the same bytes,
 * or the item done (a duplicate, or failed).  *pipe is the group's, made
 * by the first audio written (audio_key_start).
 */
static void prepare(struct reg *r, const struct crypto_key *index_key, struct mac_pipe **pipe, struct slot *group,
		    size_t n, struct slot *s)
{
	struct ingest_item *it = s->item;
	struct job *j = &s->j;
	uint8_t *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	char *copy = xstrdup(it->path);
	int rc;

	meta_clear_error();
	j->dir = xstrdup(dirname(copy));
	it->res.n_files = -1;
	j->mst_ok = lstat(it->path, &j->mst) == 0;
	/* A manifest its writer still holds open is not read yet: watch
	 * sees one as soon as it is made (IN_CREATE, for one linked into
	 * place), and a writer that took longer than INGEST_SETTLE_MS to
	 * write it had it quarantined half-written (atk70 W1).  Retried. */
	if (j->mst_ok && S_ISREG(j->mst.st_mode)) {
		int fd = open(it->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), busy = 0;

		if (fd >= 0) {
			busy = being_written(fd, &j->mst);
			close(fd);
		}
		if (busy) {
			rc = busy == 1 ? meta_fail(-EAGAIN, "manifest is still open for writing")
				       : meta_fail(-EAGAIN, "manifest changed less than %d s ago and may still be "
						   "written (no lease to tell: CAP_LEASE)", INGEST_SETTLE_MS / 1000);
			goto out;
		}
	}
	rc = util_read_file(it->path, INGEST_MANIFEST_MAX, &buf, &len);
	if (rc == -EFBIG)
		rc = meta_fail(-EFBIG, "manifest is larger than %d bytes", INGEST_MANIFEST_MAX);
	else if (rc == -ELOOP || rc == -EINVAL)
		rc = meta_fail(-EINVAL, "manifest is %s: only regular files are taken",
			       rc == -ELOOP ? "a symbolic link" : "not a regular file");
	else if (rc)
		rc = meta_fail(rc, "cannot read manifest: %s", strerror(-rc));
	if (rc)
		goto out;
	/* What the manifest's files must not be (add_file). */
	j->mname = strrchr(it->path, '/') ? strrchr(it->path, '/') + 1 : it->path;
	/* The bytes read are those of the file looked at before and after:
	 * not of another renamed into its place meanwhile, nor rewritten. */
	{
		struct stat after;

		if (!j->mst_ok || lstat(it->path, &after) < 0 ||
		    (file_id(&it->res.manifest, &j->mst), !same_file(&it->res.manifest, &after))) {
			rc = meta_fail(-EAGAIN, "manifest changed while it was read");
			goto out;
		}
	}
	crypto_keyed_hash(index_key, buf, len, s->ikey);
	/* The same bytes: no need to parse them. */
	if ((rc = seen_before(r, group, n, s, KEY_BYTES)) != -ENOENT)
		goto out;
	j->root = manifest_json(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j->root) {
		/* jansson's own text may quote the manifest: only its kind. */
		const char *what = "is not valid JSON";
		char deep[80];

		snprintf(deep, sizeof(deep), "nests arrays or objects deeper than the %d levels a manifest may",
			 JSON_PARSER_MAX_DEPTH);

		if (!strncmp(jerr.text, "duplicate object key", 20))
			what = "gives a key twice";
		else if (strstr(jerr.text, "\\u0000"))
			what = "holds \\u0000 (a NUL character) in a string";
		else if (json_error_code(&jerr) == json_error_stack_overflow)
			what = deep;
		rc = meta_fail(-EINVAL, "manifest %s (line %d, column %d)", what, jerr.line, jerr.column);
		goto out;
	}
	/* The same content written out again (spaces, order of keys,
	 * escapes): the same manifest. */
	if ((rc = canonical_key(index_key, j->root, s->ckey)))
		goto out;
	if ((rc = seen_before(r, group, n, s, KEY_CONTENT)) != -ENOENT)
		goto out;
	if ((rc = validate(r, j)))
		goto out;
	if ((rc = audio_key_start(index_key, j, pipe)))
		goto out;
	if ((rc = write_blobs(r, j))) {
		rc = machine_trouble(rc);
		goto out;
	}
	if ((rc = files_unchanged(j)))
		goto out;
	/* Another manifest of a recording in the register, or of one earlier
	 * in the group: a duplicate, whose blobs go (job_free) and whose
	 * files, as they were read, its caller may remove. */
	audio_key(j, s->akey);
	if ((rc = seen_before(r, group, n, s, KEY_AUDIO)) != -ENOENT) {
		if (rc == 0) {
			it->res.by_audio = 1;
			it->res.n_files = (int)j->n_art;
			for (size_t i = 0; i < j->n_art; i++)
				file_id(&it->res.files[i], &j->art[i].st);
		}
		goto out;
	}
	rc = 0;
	/* Read through: the inputs' descriptors are done with (the strip
	 * keeps the tags it removed, and its own descriptor of a file too
	 * large to keep whole: opus_strip_fdopen). */
	for (size_t i = 0; i < j->n_art; i++) {
		close(j->art[i].fd);
		j->art[i].fd = -1;
	}
	s->pending = 1;
out:
	if (rc)
		slot_fail(s, rc);
	crypto_freezero(buf, len);
	free(copy);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Make the blobs of every pending slot durable: each file (their
 * writeback was started as they were written, so these mostly wait), then
 * each blob directory once, however many blobs went there.  A blob that
 * cannot be synced fails its manifest; a directory that cannot, every
 * manifest of the group, since which of its entries survive is unknown.
 */
static void sync_group(struct slot *s, size_t n)
{
	char **dirs = NULL;
	size_t nd = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; s[i].pending && k < s[i].j.n_art; k++) {
			const char *blob = s[i].j.art[k].blob;

			if ((rc = blob_sync(blob))) {
				slot_fail(&s[i], -EIO);
				break;
			}
			dirs = xrealloc(dirs, (nd + 1) * sizeof(*dirs));
			dirs[nd] = xstrdup(blob);
			*strrchr(dirs[nd++], '/') = '\0';
		}
	}
	if (nd)
		qsort(dirs, nd, sizeof(*dirs), cmp_str);
	for (size_t d = 0; d < nd; d++) {
		if (d && !strcmp(dirs[d], dirs[d - 1]))
			continue;
		if ((rc = util_fsync_dir(dirs[d]))) {
			meta_fail(-EIO, "cannot write blob folder %s: %s", dirs[d], strerror(-rc));
			for (size_t i = 0; i < n; i++)
				if (s[i].pending)
					slot_fail(&s[i], -EIO);
			break;
		}
	}
	for (size_t d = 0; d < nd; d++)
		free(dirs[d]);
	free(dirs);
}

/* A catalog failure, with its message (machine_trouble). */
static int catalog_trouble(int rc)
{
	return meta_fail(machine_trouble(rc), "cannot record in the catalog: %s", meta_errmsg());
}

/*
 * Every pending slot's rows in one transaction, each in a savepoint of its
 * own: one that fails is undone alone and the others still commit.  When
 * the transaction itself cannot begin or commit, every one of them fails.
 */
static void commit_group(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor,
			 struct slot *s, size_t n)
{
	size_t i, any = 0;
	int rc;

	for (i = 0; i < n; i++)
		any += s[i].pending;
	if (!any)
		return;
	meta_clear_error();
	if ((rc = catalog_begin(r->cat)))
		goto all_fail;
	for (i = 0; i < n; i++) {
		struct ingest_result *res = &s[i].item->res;

		if (!s[i].pending)
			continue;
		meta_clear_error();
		if ((rc = catalog_savepoint(r->cat)))
			goto all_fail;
		rc = commit(r, index_key, actor, &s[i].j, s[i].ikey, s[i].ckey, s[i].akey, res);
		if (rc == 0) {
			if ((rc = catalog_savepoint_release(r->cat)))
				goto all_fail;
			continue;
		}
		if (rc != 1)	/* its message before the undo can replace it */
			slot_fail(&s[i], catalog_trouble(rc));
		int urc = catalog_savepoint_undo(r->cat);

		if (rc == 1) {
			/* Ingested meanwhile by another process (committed
			 * there, whatever becomes of this transaction): a
			 * duplicate, and its blobs go. */
			res->duplicate = 1;
			res->n_subjects_new = 0;
			res->restricted = 0;
			/* Its files were read, and are what its caller may remove. */
			res->n_files = (int)s[i].j.n_art;
			for (size_t k = 0; k < s[i].j.n_art; k++)
				file_id(&res->files[k], &s[i].j.art[k].st);
			s[i].pending = 0;
			job_free(&s[i].j, 1);
			memset(&s[i].j, 0, sizeof(s[i].j));
		}
		if (urc) {
			rc = urc;
			goto all_fail;
		}
	}
	meta_clear_error();
	if ((rc = catalog_commit(r->cat)))
		goto all_fail;
	for (i = 0; i < n; i++) {
		if (!s[i].pending)
			continue;
		memcpy(s[i].item->res.recording, s[i].j.rec.id, RECFS_ID_HEX);
		/* Kept through its retention_until's day, as the sweep does. */
		if (s[i].j.rec.retention_until < util_day_start(util_now()))
			s[i].item->res.expired_on = s[i].j.rec.retention_until;
		s[i].item->res.n_left_out = s[i].j.n_left_out;
		memcpy(s[i].item->res.left_out, s[i].j.left_out, sizeof(s[i].item->res.left_out));
		s[i].item->res.n_artifacts = (int)s[i].j.n_art;
		s[i].item->res.n_files = (int)s[i].j.n_art;
		for (size_t k = 0; k < s[i].j.n_art; k++)
			file_id(&s[i].item->res.files[k], &s[i].j.art[k].st);
		s[i].pending = 0;
		job_free(&s[i].j, 0);
		memset(&s[i].j, 0, sizeof(s[i].j));
	}
	return;
all_fail:
	catalog_rollback(r->cat);
	rc = catalog_trouble(rc);
	for (i = 0; i < n; i++) {
		if (s[i].pending) {
			memset(&s[i].item->res, 0, sizeof(s[i].item->res));
			slot_fail(&s[i], rc);
		}
	}
}

/*
 * A twin's outcome, once the group's commit is over: a duplicate of the
 * recording its twin committed, or its twin's failure.  Never a duplicate
 * of rows the failed commit undid: a duplicate's inputs are removed.
 */
static void twin_settle(struct slot *s)
{
	const struct ingest_item *t = s->twin->item;

	if (t->rc == 0) {
		s->item->res.duplicate = 1;
		memcpy(s->item->res.recording, t->res.recording, RECFS_ID_HEX);
	} else {
		s->item->rc = t->rc;
		s->item->why = t->why ? xstrdup(t->why) : NULL;
	}
}

int ingest_manifests(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor,
		     struct ingest_item *items, size_t n)
{
	struct mac_pipe *pipe = NULL;	/* the audio keys' hashes (audio_key_start) */
	struct slot *s;
	size_t i;

	meta_clear_error();
	if (!index_key)
		return meta_fail(-ENOKEY, "ingest needs the blind-index key (the ingest keyring)");
	if (n > INGEST_GROUP_MAX)
		return meta_fail(-EINVAL, "at most %d manifests in one group", INGEST_GROUP_MAX);
	s = xcalloc(n ? n : 1, sizeof(*s));
	for (i = 0; i < n; i++) {
		items[i].rc = 0;
		items[i].why = NULL;
		memset(&items[i].res, 0, sizeof(items[i].res));
		s[i].item = &items[i];
		prepare(r, index_key, &pipe, s, i, &s[i]);
	}
	sync_group(s, n);
	commit_group(r, index_key, actor, s, n);
	for (i = 0; i < n; i++) {
		if (s[i].twin)
			twin_settle(&s[i]);
		job_free(&s[i].j, 1);	/* nothing left pending here */
	}
	free(s);
	mac_pipe_free(pipe);
	meta_clear_error();
	return 0;
}

void ingest_items_clear(struct ingest_item *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++) {
		free(items[i].why);
		items[i].why = NULL;
	}
}

int ingest_manifest(struct reg *r, const struct crypto_key *index_key, const struct audit_actor *actor,
		    const char *manifest_path, struct ingest_result *out)
{
	struct ingest_item it = { .path = manifest_path };
	int rc = ingest_manifests(r, index_key, actor, &it, 1);

	if (rc == 0 && it.rc)
		rc = meta_fail(it.rc, "%s", it.why ? it.why : strerror(-it.rc));
	if (rc == 0)
		*out = it.res;
	ingest_items_clear(&it, 1);
	return rc;
}

const char *const ingest_subject_roles[] = { "customer", "participant", "staff", NULL };

int ingest_is_subject_role(const char *s)
{
	for (size_t i = 0; s && ingest_subject_roles[i]; i++)
		if (!strcmp(s, ingest_subject_roles[i]))
			return 1;
	return 0;
}

int ingest_is_input_error(int rc)
{
	return rc == -EINVAL || rc == -ENOENT || rc == -EFBIG;
}

void ingest_manifest_files(const char *manifest_path, char ***names, size_t *n)
{
	json_t *root = NULL, *v, *a;
	uint8_t *buf = NULL;
	size_t i, len = 0;

	*names = NULL;
	*n = 0;
	if (util_read_file(manifest_path, INGEST_MANIFEST_MAX, &buf, &len) == 0)
		root = manifest_json(buf, len, 0, NULL);
	if (!json_is_object(root))
		goto out;
	/* A file named *.json is a manifest of its own (json_name), never
	 * one of this one's files (validate refuses it): not moved with this
	 * one into its quarantine, nor removed with its inputs. */
	v = json_object_get(root, "audio");
	if (json_is_string(v) && plain_name(json_string_value(v)) && !json_name(json_string_value(v))) {
		*names = xrealloc(*names, (*n + 1) * sizeof(char *));
		(*names)[(*n)++] = xstrdup(json_string_value(v));
	}
	json_array_foreach(json_object_get(root, "attachments"), i, a) {
		v = json_object_get(a, "file");
		if (json_is_string(v) && plain_name(json_string_value(v)) && !json_name(json_string_value(v))) {
			*names = xrealloc(*names, (*n + 1) * sizeof(char *));
			(*names)[(*n)++] = xstrdup(json_string_value(v));
		}
	}
out:
	json_decref(root);
	crypto_freezero(buf, len);
}

/*
 * What the rename of from to to moved is not what was checked: the
 * recorder swapped something else in (a folder, a FIFO, a link) between
 * the look and the rename.  It goes back into the spool by a rename, never
 * replacing a name there (RENAME_NOREPLACE): under its name, or, when the
 * recorder took that again meanwhile, under a fresh one beside it
 * (NAME.swapped-XXXXXXXX, never a manifest's *.json).  So nothing of the
 * recorder's stays in the register, however deep a folder it is, and
 * nothing that follows a link or changes another name's inode (chmod,
 * chown) is done to it.  Only when no rename back works (the spool folder
 * gone) is it removed here (util_remove_tree follows no link and unlinks
 * this name alone, at any depth).  2 when given back, 3 when removed,
 * -errno when it could not be either (it is still at to).
 */
static int give_back(const char *from, const char *to)
{
	const char *slash = strrchr(from, '/');
	size_t dl = slash ? (size_t)(slash + 1 - from) : 0;
	char *alt = NULL;
	int rc = 2, err;

	err = renameat2(AT_FDCWD, to, AT_FDCWD, from, RENAME_NOREPLACE) == 0 ? 0 : errno;
	for (int i = 0; err == EEXIST && i < 16; i++) {
		char id[RECFS_ID_HEX];

		crypto_new_id(id);
		free(alt);
		alt = xasprintf("%.*s%.200s.swapped-%.8s", (int)dl, from, from + dl, id);
		err = renameat2(AT_FDCWD, to, AT_FDCWD, alt, RENAME_NOREPLACE) == 0 ? 0 : errno;
	}
	if (err) {
		rc = util_remove_tree(to);
		rc = rc ? rc : 3;
	}
	free(alt);
	return rc;
}

uint64_t ingest_quarantine_reserve(uint64_t fs_bytes)
{
	uint64_t r = fs_bytes / 100 * INGEST_QUARANTINE_RESERVE_PCT;

	if (r < INGEST_QUARANTINE_RESERVE_MIN)
		r = INGEST_QUARANTINE_RESERVE_MIN;
	return r > fs_bytes / 2 ? fs_bytes / 2 : r;
}

uint64_t ingest_quarantine_inode_reserve(uint64_t fs_inodes)
{
	uint64_t r = fs_inodes / 100 * INGEST_QUARANTINE_INODE_RESERVE_PCT;

	if (r < INGEST_QUARANTINE_INODE_RESERVE_MIN)
		r = INGEST_QUARANTINE_INODE_RESERVE_MIN;
	return r > fs_inodes / 2 ? fs_inodes / 2 : r;
}

/*
 * 0 when need bytes and need_inodes inodes more in the folder at path
 * leave its file system its reserves (ingest_quarantine_reserve,
 * ingest_quarantine_inode_reserve) free, -EDQUOT when not (meta_errmsg
 * says which), -errno when its room cannot be known.  Free room and
 * inodes as a user other than root sees them (f_bavail, f_favail): the
 * mounts write their audit entries as the register's owner.  A file
 * system with no fixed count of inodes (f_files 0) has no inode reserve.
 */
static int quarantine_room(const char *path, uint64_t need, uint64_t need_inodes)
{
	struct statvfs sv;
	uint64_t total, avail, reserve, files, ifree, ireserve;

	/* The test build alone (testhook.h): no reserve, so that a test
	 * reaches a full disk across file systems. */
	if (test_hook_ms("RECFS_TEST_NO_QUARANTINE_RESERVE"))
		return 0;
	if (statvfs(path, &sv) < 0)
		return meta_fail(-errno, "cannot tell the quarantine's free room: %s", strerror(errno));
	total = (uint64_t)sv.f_blocks * sv.f_frsize;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	reserve = ingest_quarantine_reserve(total);
	if (avail < reserve || avail - reserve < need)
		return meta_fail(-EDQUOT, "no room in quarantine: copying the manifest's files would leave the "
				 "register's file system less than its reserve of %llu MiB free; left in the spool",
				 (unsigned long long)(reserve >> 20));
	files = (uint64_t)sv.f_files;
	ifree = (uint64_t)sv.f_favail;
	ireserve = ingest_quarantine_inode_reserve(files);
	if (files && (ifree < ireserve || ifree - ireserve < need_inodes))
		return meta_fail(-EDQUOT, "no room in quarantine: its folder and the manifest's files would leave the "
				 "register's file system fewer than its reserve of %llu free inodes (%llu free); "
				 "left in the spool", (unsigned long long)ireserve, (unsigned long long)ifree);
	return 0;
}

/*
 * Put an input file into quarantine: a regular file alone, on one file
 * system (renamed: 0) or across them (copied: 4).  A copy leaves from in
 * the spool, for the caller to unlink only once the manifest is in the
 * folder (the quarantine complete): a crash part-way then leaves the spool
 * whole, and the folder a mere copy of part of it (atk30 F5: unlinked as
 * each file was copied, a recording was split between two folders).
 * Copies stay within what ingest takes of one manifest (*budget bytes
 * left): a recorder's sparse file of a terabyte would be written out
 * whole.  A file larger than what is left is not read, and one that grows
 * past it while it is copied loses its copy: either stays in the spool,
 * the recorder's, for good (5; atk30 F3: it was removed, the recording's
 * only copy).  Anything else (a folder, a FIFO, a symbolic link, a device)
 * is left out: 1, and from stays where it is for the caller to remove once
 * the quarantine is complete (a folder stays for good).  A folder is never
 * moved into the register: it would stay the recorder's, who could write
 * into the register through a descriptor of it and walk the sweep that
 * erases it into a symbolic link; one swapped in for the file between the
 * look and the rename goes back (give_back: 2, or 3 when it had to be
 * removed instead).  A file of more than one name (a hard link to a file
 * elsewhere, whose owner and mode a move would change) is copied too,
 * within the same budget (4).  A copy that would take the register's file
 * system below its reserve of room or of inodes is not made: -EDQUOT
 * (quarantine_room).
 * -errno when the move failed (from stays, to is not there).  What is
 * renamed keeps its owner and mode until the quarantine is complete
 * (adopt_moved).
 */
static int take_input(const char *from, const char *to, uint64_t *budget)
{
	uint64_t copied = 0;
	struct stat st;
	char *q;
	int rc;

	if (lstat(from, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 1;
	if (st.st_nlink == 1) {
		if (rename(from, to) == 0) {
			if (lstat(to, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_nlink > 1))
				return give_back(from, to);
			return 0;
		}
		if (errno != EXDEV)
			return -errno;
	}
	/* A copy, new and the register's; the spool's name stays until the
	 * quarantine is complete, another name's file as it was. */
	if ((uint64_t)st.st_size > *budget)
		return 5;	/* without reading it */
	/* What the copy writes: its data, not its holes (util_copy_file_max). */
	q = xstrdup(to);
	rc = quarantine_room(dirname(q), (uint64_t)st.st_blocks * 512 < (uint64_t)st.st_size ?
				      (uint64_t)st.st_blocks * 512 : (uint64_t)st.st_size, 1);
	free(q);
	if (rc)
		return rc;
	rc = util_copy_file_max(from, to, 0600, *budget, &copied);
	*budget -= copied;
	if (rc == -EFBIG)
		return 5;
	if (rc == -EINVAL || rc == -ELOOP)
		return 1;
	return rc ? rc : 4;
}

/*
 * A file moved into the complete quarantine folder q: plaintext of the
 * recorder's, kept with the recorder's owner and mode by a rename, becomes
 * the folder's owner's (the register's) and readable by that owner only,
 * as every file recfs writes (the folder is 0700 too).  Done once the
 * quarantine is complete, not as each file moves: an undo gives the spool
 * back its files as they were.  The folder is the register's, so the name
 * is what was moved; the file stays whatever chown or chmod says.
 */
static void adopt_moved(const char *q, const char *name)
{
	char *path = xasprintf("%s/%s", q, name);

	(void)!util_adopt_owner(-1, path);
	(void)chmod(path, 0600);
	free(path);
}

/* name is the stem's (its first sl bytes) with one extension: X.opus, not
 * X.ext7.opus, which may be the audio of an X.ext7.json still to come, as
 * X-ext7.opus may be X-ext7.json's. */
static int own_extension(const char *name, const char *stem, size_t sl)
{
	return !strncmp(name, stem, sl) && name[sl] == '.' && !strchr(name + sl + 1, '.');
}

/*
 * name (a sibling of a stem of sl bytes) is also one of a manifest in
 * others (sorted) whose stem is longer: X-2.opus is X-2.json's, not
 * X.json's.  Each longer stem is looked up (a '.' or '-' in name past sl
 * ends one), so that a spool of many files costs no pass over all of
 * them for each.
 */
static int sibling_of_longer(const char *name, size_t sl, const struct strlist *others)
{
	size_t len = strlen(name);
	char *key;
	int found = 0;

	if (!others->n)
		return 0;
	key = xcalloc(1, len + sizeof(".json"));
	for (size_t p = sl + 1; !found && p < len; p++) {
		if (name[p] != '.' && name[p] != '-')
			continue;
		memcpy(key, name, p);
		memcpy(key + p, ".json", sizeof(".json"));
		found = bsearch(&key, others->v, others->n, sizeof(*others->v), cmp_str) != NULL;
	}
	free(key);
	return found;
}

/*
 * Append to sb, after sep, what file name is to the manifest at path: "the
 * audio", "attachment N" (from 1), or "a file of its stem" when it names
 * it not (or cannot be read).  Never the name itself: error.txt names the
 * field, never a value that could be personal.
 */
static void describe_file(const char *path, const char *name, const char *sep, struct strbuf *sb)
{
	json_t *root = NULL, *v, *a;
	uint8_t *buf = NULL;
	size_t i, len = 0;
	size_t pos = 0;
	int audio = 0;

	if (util_read_file(path, INGEST_MANIFEST_MAX, &buf, &len) == 0)
		root = manifest_json(buf, len, 0, NULL);
	v = json_object_get(root, "audio");
	audio = json_is_string(v) && !strcmp(json_string_value(v), name);
	json_array_foreach(json_object_get(root, "attachments"), i, a) {
		v = json_object_get(a, "file");
		if (!audio && !pos && json_is_string(v) && !strcmp(json_string_value(v), name))
			pos = i + 1;
	}
	if (audio)
		strbuf_addf(sb, "%sthe audio", sep);
	else if (pos)
		strbuf_addf(sb, "%sattachment %zu", sep, pos);
	else
		strbuf_addf(sb, "%sa file of its stem", sep);
	json_decref(root);
	crypto_freezero(buf, len);
}

/* The file in a quarantine folder that keeps the manifest's name (ingest.h). */
#define QUARANTINE_NAME_FILE "manifest-name.txt"

/*
 * The order keeps a failure that is not the input's fault from moving
 * anything: the folder, then its own files (error.txt, manifest-name.txt),
 * then the inputs, the manifest last.  When the folder or its own files
 * cannot be made, the folder is removed and nothing has left the spool.
 * When a move fails (ENOSPC on a copy across file systems), the files
 * already moved are moved back into the spool and the folder is removed:
 * the manifest, still in the spool, is retried by watch and finds its
 * files where they were, so the retry fails for the same reason and is
 * quarantined whole, not for "audio missing".  A file copied across file
 * systems keeps its spool name until the manifest is in (take_input), so
 * that a crash leaves the spool whole too.  Only a file that cannot be
 * moved back (or whose name in the spool was taken meanwhile) keeps the
 * folder, with its error.txt and manifest-name.txt: it stays findable in
 * quarantine, and the retry quarantines the rest on its own.  Files left
 * out (not regular) are removed from the spool only once the quarantine
 * is complete, so that a retry sees them too; a file too large to copy
 * stays in the spool for good, and error.txt says so.
 */
/* The quarantine folder (malloc'd) holding name as the very file mst was
 * (its device and inode): where another quarantine of the same manifest
 * took it, else NULL. */
static char *quarantine_holding(struct reg *r, const struct stat *mst, const char *name)
{
	char *qp = reg_path(r, "quarantine"), *found = NULL;
	DIR *d = opendir(qp);
	struct dirent *e;

	while (d && !found && (e = readdir(d))) {
		char *p;
		struct stat st;

		if (strncmp(e->d_name, INGEST_QUARANTINE_PREFIX, strlen(INGEST_QUARANTINE_PREFIX)))
			continue;
		p = xasprintf("%s/%s/%s", qp, e->d_name, name);
		if (lstat(p, &st) == 0 && st.st_dev == mst->st_dev && st.st_ino == mst->st_ino)
			found = xasprintf("%s/%s", qp, e->d_name);
		free(p);
	}
	if (d)
		closedir(d);
	free(qp);
	return found;
}

int ingest_quarantine(struct reg *r, const char *manifest_path, const char *reason, char **qdir)
{
	char *copy1 = xstrdup(manifest_path), *copy2 = xstrdup(manifest_path);
	const char *dir = dirname(copy1), *base = basename(copy2);
	char *stem = xstrdup(base), *q = NULL, *text = NULL, *shown = NULL, *shown_name = NULL, **names = NULL;
	char *path = NULL;
	struct strlist moved = { 0 }, copied = { 0 }, left = { 0 }, stays = { 0 };
	size_t n = 0, swapped[2] = { 0, 0 };	/* given back to the spool, removed */
	uint64_t budget = MAX_ATTACHMENT_BYTES + INGEST_MANIFEST_MAX;
	struct stat mst;
	int rc = 0, wrc, mrc, mst_ok = lstat(manifest_path, &mst) == 0;

	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = '\0';
	ingest_manifest_files(manifest_path, &names, &n);
	/* From a spool on another file system everything is copied: not even
	 * the folder is made when the register's file system is at its
	 * reserve of room or of inodes already (a recorder's flood of
	 * manifests naming nothing, atk41 F3): the folder, error.txt,
	 * manifest-name.txt and the manifest take four inodes, each file it
	 * names one more (take_input checks each copy again). */
	{
		char *qp = reg_path(r, "quarantine");
		struct stat dst, qst;

		if (mst_ok && stat(dir, &dst) == 0 && stat(qp, &qst) == 0 && dst.st_dev != qst.st_dev)
			rc = quarantine_room(qp, (uint64_t)mst.st_size, 4 + (uint64_t)n);
		free(qp);
		if (rc)
			goto out;
	}
	/* Named by a pseudonymous id: the recorder chose the manifest's name,
	 * which may name a person, and the folder's name reaches logs. */
	for (int i = 0;; i++) {
		char id[RECFS_ID_HEX];

		crypto_new_id(id);
		free(q);
		q = xasprintf("%s/quarantine/" INGEST_QUARANTINE_PREFIX "%.*s", r->dir, INGEST_QUARANTINE_HEX, id);
		rc = util_mkdir_adopt(q, 0700);
		if (rc == 0)
			break;
		if (rc != -EEXIST || i > 100) {
			rc = meta_fail(rc, "cannot create quarantine folder: %s", strerror(-rc));
			goto out;
		}
	}
	/* The folder's own files first: one that cannot be written (a full
	 * disk) leaves the inputs in the spool, to be tried again.  One line
	 * of plain text, whatever the reason quotes. */
	shown = util_escape_for_log(reason && *reason ? reason : "ingest failed");
	text = xasprintf("%s\n", shown);
	path = xasprintf("%s/error.txt", q);
	wrc = util_write_file_adopt(path, text, strlen(text), 0600);
	if (wrc) {
		rc = meta_fail(wrc, "cannot write error.txt: %s", strerror(-wrc));
		goto undo;
	}
	/* The manifest's name, kept here alone, and erased with the folder. */
	shown_name = util_escape_for_log(base);
	free(text);
	text = xasprintf("%s\n", shown_name);
	free(path);
	path = xasprintf("%s/" QUARANTINE_NAME_FILE, q);
	wrc = util_write_file_adopt(path, text, strlen(text), 0600);
	if (wrc) {
		rc = meta_fail(wrc, "cannot write " QUARANTINE_NAME_FILE ": %s", strerror(-wrc));
		goto undo;
	}
	/* Files named by the manifest, plus its stem with one extension
	 * (X.opus, X.txt), whether it could be read or not.  Never
	 * X-ext7.opus nor X.ext7.opus: a recorder writes a recording's files
	 * before its manifest, so either may be the audio of an X-ext7.json
	 * or X.ext7.json still to come (atk30 F4: the refusal of a manifest
	 * that could not be read took X-2.opus, and X-2.json, good, was then
	 * quarantined for its missing audio).  Never another manifest
	 * (X.json, X-2.json, X.old.json: json_name), and no sibling that
	 * shares the longer stem of another manifest, nor a file of another
	 * writer's (writers_file): refusing this one takes no other
	 * recording with it. */
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		struct strlist ents = { 0 };
		size_t sl = strlen(stem);

		struct strlist others = { 0 };	/* the other manifests, sorted */

		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				strlist_add(&ents, e->d_name);
		closedir(d);
		for (size_t k = 0; k < ents.n; k++)
			if (json_name(ents.v[k]) && strcmp(ents.v[k], base))
				strlist_add(&others, ents.v[k]);
		if (others.n)
			qsort(others.v, others.n, sizeof(*others.v), cmp_str);
		for (size_t k = 0; rc == 0 && k < ents.n; k++) {
			const char *name = ents.v[k];
			int take = 0;

			/* The manifest goes last, below. */
			if (!strcmp(name, base) || json_name(name))
				continue;
			for (size_t i = 0; i < n; i++)
				take |= !strcmp(names[i], name);
			if (!take && own_extension(name, stem, sl))
				take = !sibling_of_longer(name, sl, &others);
			if (!take)
				continue;
			char *from = xasprintf("%s/%s", dir, name), *to = xasprintf("%s/%s", q, name);
			struct stat fst;

			/* Another writer's file stays in the spool, untouched
			 * (writers_file): it is no part of this refusal.  No
			 * file at all when the manifest is gone: whose files
			 * it may take is not known (its move fails below). */
			if (!mst_ok || (lstat(from, &fst) == 0 && !writers_file(&mst, &fst))) {
				free(from);
				free(to);
				continue;
			}
			mrc = take_input(from, to, &budget);
			if (mrc == 1)
				strlist_add(&left, name);
			else if (mrc == 2 || mrc == 3)
				swapped[mrc - 2]++;
			else if (mrc == 0)
				strlist_add(&moved, name);
			else if (mrc == 4)
				strlist_add(&copied, name);
			else if (mrc == 5)
				strlist_add(&stays, name);
			else if (mrc == -EDQUOT)
				rc = mrc;	/* meta_errmsg says why */
			else
				rc = meta_fail(mrc, "cannot move an input file to quarantine: %s", strerror(-mrc));
			free(from);
			free(to);
		}
		strlist_clear(&ents);
		strlist_clear(&others);
	}
	if (rc)
		goto undo;
	/* The manifest last: while it is still in the spool, the rest is too. */
	free(path);
	path = xasprintf("%s/%s", q, base);
	mrc = take_input(manifest_path, path, &budget);
	if (mrc < 0) {
		rc = mrc == -EDQUOT ? mrc : meta_fail(mrc, "cannot move the manifest to quarantine: %s", strerror(-mrc));
		goto undo;
	}
	if (mrc == 1 || mrc == 5)	/* a manifest is never over the budget */
		strlist_add(&left, base);
	else if (mrc == 2 || mrc == 3)
		swapped[mrc - 2]++;
	for (size_t i = 0; i < moved.n; i++)
		adopt_moved(q, moved.v[i]);
	for (size_t i = 0; i < copied.n; i++)
		adopt_moved(q, copied.v[i]);
	if (mrc == 0 || mrc == 4)
		adopt_moved(q, base);
	/* Complete, and durably so, before a spool name of what was copied
	 * goes: the manifest's first, so that a crash among the others
	 * leaves no manifest in the spool to be refused again for its
	 * missing files, only copies the folder holds too. */
	if (copied.n || mrc == 4)
		(void)!util_fsync_dir(q);
	if (mrc == 4)
		(void)unlink(manifest_path);
	for (size_t i = 0; i < copied.n; i++) {
		free(path);
		path = xasprintf("%s/%s", dir, copied.v[i]);
		(void)unlink(path);
	}
	/* Complete: what was left out goes, and error.txt says so.  Should
	 * that rewrite fail (it replaces the file whole, or not at all), the
	 * first error.txt stays, with the reason but not the count: the
	 * quarantine is complete without it. */
	for (size_t i = 0; i < left.n; i++) {
		free(path);
		path = xasprintf("%s/%s", dir, left.v[i]);
		(void)unlink(path);
	}
	if (left.n || stays.n || swapped[0] || swapped[1]) {
		struct strbuf sb = { 0 };

		strbuf_addf(&sb, "%s", shown);
		if (left.n)
			strbuf_addf(&sb, " (%zu files were not regular files: not kept)", left.n);
		/* Named by what they are to the manifest, never by their
		 * names, which may be personal. */
		if (stays.n) {
			strbuf_addf(&sb, " (too large to copy into quarantine, over 4 GiB with the others, "
				    "and left in the spool:");
			char *mq = xasprintf("%s/%s", q, base);

			for (size_t i = 0; i < stays.n; i++)
				describe_file(mq, stays.v[i], i ? ", " : " ", &sb);
			free(mq);
			strbuf_addf(&sb, ")");
		}
		/* What was swapped in was never in the spool when it was
		 * checked: it is not counted above, and not removed there. */
		if (swapped[0])
			strbuf_addf(&sb, " (%zu files were replaced in the spool while they were moved: "
				    "what replaced them was put back into the spool, not kept)", swapped[0]);
		if (swapped[1])
			strbuf_addf(&sb, " (%zu files were replaced in the spool while they were moved: "
				    "what replaced them could not be put back and was removed)", swapped[1]);
		strbuf_addf(&sb, "\n");
		free(text);
		text = strbuf_detach(&sb);
		free(path);
		path = xasprintf("%s/error.txt", q);
		(void)!util_write_file_adopt(path, text, strlen(text), 0600);
	}
	if (qdir) {
		*qdir = q;
		q = NULL;
	}
	goto out;
undo:
	/* Put back what was renamed, newest first; the folder goes when it
	 * is empty of inputs (error.txt and manifest-name.txt go with it, and
	 * the copies, whose spool names are still there).  But when the
	 * manifest left the spool meanwhile, another quarantine of it (the
	 * watch and a one-off `recctl ingest` at once) took it into a folder
	 * of its own: what this one moved stays here, said in error.txt, not
	 * left in the spool with no manifest to name it (atk45 F1). */
	{
		size_t kept = 0;
		struct stat st;

		if (moved.n && mst_ok && lstat(manifest_path, &st) < 0 && errno == ENOENT) {
			char *other = quarantine_holding(r, &mst, base), *note;

			for (size_t i = 0; other && i < moved.n; i++) {
				char *from = xasprintf("%s/%s", q, moved.v[i]), *to = xasprintf("%s/%s", other, moved.v[i]);

				if (lstat(to, &st) < 0 && errno == ENOENT && util_move_file(from, to) == 0)
					adopt_moved(other, moved.v[i]);
				else
					kept++;
				free(from);
				free(to);
			}
			if (other && !kept) {	/* all of it beside its manifest */
				(void)util_remove_tree(q);
				free(other);
				goto out;
			}
			note = xasprintf("%s\nthe manifest went to another quarantine folder at the same moment "
					 "(another ingest of the spool): its files are here\n", shown ? shown : "");
			free(path);
			path = xasprintf("%s/error.txt", q);
			(void)!util_write_file_adopt(path, note, strlen(note), 0600);
			free(note);
			free(other);
			for (size_t i = 0; i < moved.n; i++)
				adopt_moved(q, moved.v[i]);
			goto out;
		}
		for (size_t i = moved.n; i-- > 0;) {
			char *from = xasprintf("%s/%s", q, moved.v[i]), *to = xasprintf("%s/%s", dir, moved.v[i]);

			if (lstat(to, &st) == 0 || errno != ENOENT || util_move_file(from, to))
				kept++;
			free(from);
			free(to);
		}
		if (moved.n)
			(void)!util_fsync_dir(dir);
		if (!kept)
			(void)util_remove_tree(q);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strlist_clear(&moved);
	strlist_clear(&copied);
	strlist_clear(&left);
	strlist_clear(&stays);
	free(q);
	free(text);
	free(shown);
	free(shown_name);
	free(stem);
	free(path);
	free(copy1);
	free(copy2);
	return rc;
}

/* mtime of path, when it is a file of the given type (S_IFREG, S_IFDIR). */
static int mtime_of(const char *path, mode_t type, int64_t *t)
{
	struct stat st;

	if (lstat(path, &st) < 0 || (st.st_mode & S_IFMT) != type)
		return -1;
	*t = (int64_t)st.st_mtime;
	return 0;
}

/*
 * The manifest's name that the QUARANTINE_NAME_FILE at path keeps, malloc'd,
 * printable on one line; NULL when there is none (a folder of an older
 * recfs, named after the manifest).  A name that is not as
 * ingest_quarantine wrote it (someone edited the file) is escaped.
 */
static char *manifest_name_of(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *end, *out;

	if (util_read_file(path, 64 * 1024, &buf, &len))
		return NULL;
	/* One line; util_read_file puts a NUL past len. */
	if ((end = memchr(buf, '\n', len)))
		*end = '\0';
	out = util_is_log_safe((char *)buf) ? xstrdup((char *)buf) : util_escape_for_log((char *)buf);
	crypto_freezero(buf, len);
	return out;
}

/* 1 when quarantine folder q holds a file of the recorder's but not the
 * manifest named (escaped) by its manifest-name.txt, or, without one, no
 * *.json: the manifest goes in last (ingest_quarantine), so a copy cut
 * short by a crash leaves the folder so; 2 when it holds no file of the
 * recorder's at all (atk69 F4: a crash before the first moved, or a
 * manifest that was no regular file, which is left out).  A manifest may have any name
 * (recctl ingest takes X.manifest; atk21): the names are compared as
 * manifest-name.txt keeps them, escaped. */
static int inputs_without_manifest(const char *q, const char *manifest)
{
	DIR *d = opendir(q);
	struct dirent *e;
	int inputs = 0, found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *shown;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "error.txt") ||
		    !strcmp(e->d_name, QUARANTINE_NAME_FILE))
			continue;
		shown = manifest ? util_escape_for_log(e->d_name) : NULL;
		if (manifest ? !strcmp(shown, manifest) : json_name(e->d_name))
			found = 1;
		else
			inputs = 1;
		free(shown);
	}
	closedir(d);
	return found ? 0 : inputs ? 1 : 2;
}

/* 1 when path exists (as anything). */
static int name_file_there(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int ingest_each_quarantined(struct reg *r, int (*fn)(const struct ingest_quarantined *q, void *ctx), void *ctx)
{
	char *dir = reg_path(r, "quarantine"), **names = NULL;
	struct dirent *e;
	size_t n = 0;
	DIR *d;
	int rc = 0;

	d = opendir(dir);
	if (!d) {
		rc = errno == ENOENT ? 0 : meta_fail(-errno, "cannot read %s: %s", dir, strerror(errno));
		goto out;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *q = xasprintf("%s/%s", dir, names[i]), *err = xasprintf("%s/error.txt", q);
		struct ingest_quarantined item = { .name = names[i] };
		char *manifest = NULL, *kept = xasprintf("%s/" QUARANTINE_NAME_FILE, q);
		int cut;

		if (mtime_of(q, S_IFDIR, &item.since) == 0) {
			item.incomplete = mtime_of(err, S_IFREG, &item.since) != 0;
			item.manifest = manifest = manifest_name_of(kept);
			cut = inputs_without_manifest(q, manifest);
			item.no_manifest = cut == 1;
			/* error.txt alone: a quarantine writes manifest-name.txt
			 * next, so one that did not is a crash's (a symbolic link
			 * as a manifest leaves both, and nothing else). */
			item.no_input = cut == 2 && !item.incomplete && !name_file_there(kept);
			item.until = policy_period_add(item.since, r->policy->quarantine_retention);
			rc = fn(&item, ctx);
		}
		crypto_free_string(manifest);
		free(kept);
		free(err);
		free(q);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return rc;
}

int ingest_erase_quarantined(struct reg *r, const char *name)
{
	char *dir = reg_path(r, "quarantine"), *q = NULL;
	int rc;

	if (!plain_name(name)) {
		rc = meta_fail(-EINVAL, "not a folder of the quarantine");
		goto out;
	}
	q = xasprintf("%s/%s", dir, name);
	rc = util_remove_tree(q);
	if (rc) {
		rc = meta_fail(rc, "cannot erase a quarantined manifest: %s", strerror(-rc));
		goto out;
	}
	rc = util_fsync_dir(dir);
	if (rc)
		rc = meta_fail(rc, "cannot fsync %s: %s", dir, strerror(-rc));
out:
	free(q);
	free(dir);
	return rc;
}

/*
 * The folder of r's quarantine that holds the manifest at manifest_path
 * (as realpath(3) finds both): its name, malloc'd, or NULL when it is in
 * none (elsewhere, deeper down, or its folder gone).  Into *real its real
 * path when real is not NULL.
 */
static char *quarantine_folder_of(struct reg *r, const char *manifest_path, char **real)
{
	char *copy = xstrdup(manifest_path), *qdir = reg_path(r, "quarantine"), *real_q = NULL, *real_dir = NULL;
	char *out = NULL;
	const char *name;

	if (!(real_q = realpath(qdir, NULL)) || !(real_dir = realpath(dirname(copy), NULL)))
		goto out;	/* no quarantine, or the manifest's folder gone: not one */
	name = strrchr(real_dir, '/') + 1;
	if (strncmp(real_dir, real_q, strlen(real_q)) || name != real_dir + strlen(real_q) + 1 ||
	    strncmp(name, INGEST_QUARANTINE_PREFIX, strlen(INGEST_QUARANTINE_PREFIX)))
		goto out;	/* not a folder of this register's quarantine */
	out = xstrdup(name);
	if (real) {
		*real = real_dir;
		real_dir = NULL;
	}
out:
	free(real_dir);
	free(real_q);
	free(qdir);
	free(copy);
	return out;
}

int ingest_in_quarantine(struct reg *r, const char *manifest_path, char **name)
{
	char *q = quarantine_folder_of(r, manifest_path, NULL);

	if (name)
		*name = q;
	else
		free(q);
	return q != NULL;
}

int ingest_quarantine_again(struct reg *r, const char *manifest_path, const char *reason, char **qdir)
{
	char *copy = xstrdup(manifest_path), *real = NULL, *name = quarantine_folder_of(r, manifest_path, &real);
	char *shown = NULL, *text = NULL, *path = NULL;
	struct timespec keep[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	struct stat st;
	int rc;

	if (!name) {
		rc = meta_fail(-EINVAL, "not a manifest of the quarantine");
		goto out;
	}
	/* The time it was first refused is kept: mending it again does not
	 * lengthen the time its plaintext stays (error.txt's mtime). */
	path = xasprintf("%s/error.txt", real);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		keep[1] = st.st_mtim;
	shown = util_escape_for_log(reason && *reason ? reason : "ingest failed");
	text = xasprintf("%s\n", shown);
	rc = util_write_file_adopt(path, text, strlen(text), 0600);
	if (rc) {
		rc = meta_fail(rc, "cannot write error.txt: %s", strerror(-rc));
		goto out;
	}
	(void)utimensat(AT_FDCWD, path, keep, AT_SYMLINK_NOFOLLOW);
	/* The name it has now: the operator may have renamed it. */
	free(shown);
	free(text);
	free(path);
	shown = util_escape_for_log(basename(copy));
	text = xasprintf("%s\n", shown);
	path = xasprintf("%s/" QUARANTINE_NAME_FILE, real);
	rc = util_write_file_adopt(path, text, strlen(text), 0600);
	if (rc) {
		rc = meta_fail(rc, "cannot write " QUARANTINE_NAME_FILE ": %s", strerror(-rc));
		goto out;
	}
	if (qdir) {
		*qdir = real;
		real = NULL;
	}
out:
	free(name);
	free(real);
	free(shown);
	free(text);
	free(path);
	free(copy);
	return rc;
}

int ingest_quarantine_settled(struct reg *r, const char *manifest_path, char **erased)
{
	char *real_dir = NULL, *name = quarantine_folder_of(r, manifest_path, &real_dir);
	struct dirent *de;
	DIR *d = NULL;
	int rc = 0, own_only = 1;

	*erased = NULL;
	if (!name || !(d = opendir(real_dir)))
		goto out;
	while (own_only && (de = readdir(d)))
		own_only = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			   !strcmp(de->d_name, "error.txt") || !strcmp(de->d_name, QUARANTINE_NAME_FILE);
	if (!own_only)
		goto out;	/* a file of it is still there: it stays quarantined */
	if ((rc = ingest_erase_quarantined(r, name)) == 0)
		*erased = xstrdup(name);
out:
	if (d)
		closedir(d);
	free(real_dir);
	free(name);
	return rc;
}

int ingest_quarantined_recording(struct reg *r, const struct crypto_key *index_key, const char *name,
				 char recording[RECFS_ID_HEX])
{
	char *dir = reg_path(r, "quarantine"), *q = NULL, found[RECFS_ID_HEX];
	struct strlist manifests = { 0 };
	struct dirent *e;
	DIR *d;
	int rc = -ENOENT;

	if (!plain_name(name)) {
		rc = meta_fail(-EINVAL, "not a folder of the quarantine");
		goto out;
	}
	q = xasprintf("%s/%s", dir, name);
	if (!(d = opendir(q))) {
		rc = errno == ENOENT || errno == ENOTDIR ? -ENOENT
							 : meta_fail(-errno, "cannot read %s: %s", q, strerror(errno));
		goto out;
	}
	while ((e = readdir(d)))
		if (json_name(e->d_name))
			strlist_add(&manifests, e->d_name);
	closedir(d);
	/* As ingest keys a manifest: by its bytes, then by its content (one
	 * that does not read as JSON was never ingested by its content). */
	for (size_t i = 0; rc == -ENOENT && i < manifests.n; i++) {
		char *p = xasprintf("%s/%s", q, manifests.v[i]);
		uint8_t *buf = NULL, key[CRYPTO_MAC_BYTES];
		size_t len = 0;
		json_t *root;

		if (util_read_file(p, INGEST_MANIFEST_MAX, &buf, &len) == 0) {
			crypto_keyed_hash(index_key, buf, len, key);
			rc = catalog_find_ingest_key(r->cat, key, found);
			if (rc == -ENOENT &&
			    (root = manifest_json(buf, len, JSON_REJECT_DUPLICATES, NULL))) {
				if (canonical_key(index_key, root, key) == 0)
					rc = catalog_find_ingest_key(r->cat, key, found);
				json_decref(root);
			}
		}
		crypto_freezero(buf, len);
		free(p);
	}
	if (rc == 0)
		memcpy(recording, found, RECFS_ID_HEX);
	else if (rc != -ENOENT)
		rc = meta_fail(rc, "cannot look up an ingest key: %s", strerror(-rc));
out:
	strlist_clear(&manifests);
	free(q);
	free(dir);
	return rc;
}

/* Whether the manifest at path is still the one res read. */
static int manifest_is(const char *path, const struct ingest_result *res)
{
	struct stat st;

	return !res || (lstat(path, &st) == 0 && same_file(&res->manifest, &st));
}

int ingest_remove_inputs(const char *manifest_path, const struct ingest_result *res, size_t *left)
{
	char *copy = xstrdup(manifest_path), **names = NULL;
	const char *dir = dirname(copy);
	size_t n = 0;
	int rc = 0;

	if (left)
		*left = 0;
	/* Another manifest under the name (or this one rewritten) names
	 * files of its own, and is still to be ingested: nothing goes. */
	if (!manifest_is(manifest_path, res)) {
		free(copy);
		return -ESTALE;
	}
	ingest_manifest_files(manifest_path, &names, &n);
	if (!manifest_is(manifest_path, res))
		rc = -ESTALE;
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		int keep = rc != 0;
		struct stat st;

		/* What ingest read, and nothing else: not a file put in its
		 * place since, nor one grown past what was stored. */
		if (!keep && res && res->n_files >= 0 && lstat(p, &st) == 0) {
			keep = 1;
			for (int k = 0; keep && k < res->n_files; k++)
				keep = !same_file(&res->files[k], &st);
			if (keep && left)
				(*left)++;
		}
		if (!keep && unlink(p) < 0 && errno != ENOENT && !rc)
			rc = -errno;
		free(p);
		free(names[i]);
	}
	free(names);
	if (rc == 0 && unlink(manifest_path) < 0 && errno != ENOENT)
		rc = -errno;
	if (rc == 0)
		rc = util_fsync_dir(dir);
	free(copy);
	return rc;
}
