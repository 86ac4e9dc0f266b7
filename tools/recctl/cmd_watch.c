/*
 * cmd_watch.c - `recctl watch`: the ingest daemon.  It watches a spool
 * folder with inotify and ingests each manifest (X.json) once its writer is
 * done with it, then removes the plaintext from the spool.
 *
 * Crash safety rests on the order of work: ingest_manifests() fsyncs every
 * blob and commits the catalog in one transaction, and only then does
 * ingest_remove_inputs() delete the inputs, the manifest last.  The
 * manifests due at once (a start-up backlog, a burst) go as one group of
 * up to INGEST_GROUP_MAX, which pays the flushes and the commit once; no
 * manifest is held back to wait for others.  Killed at
 * any moment, a manifest is either not in the catalog and still in the
 * spool (with orphan blobs at most, which `recctl fsck --repair` removes),
 * or in the catalog and perhaps still in the spool, in which case the next
 * run finds it a duplicate by its keyed hash and only removes the inputs.
 * The duplicate check comes before any validation, so a manifest once
 * committed can never be quarantined: none ends both ingested and
 * quarantined.
 *
 * A manifest may be seen before its writer is finished (a writer that
 * closes between pieces, or the start-up scan running during a copy).  A
 * failure while the manifest or a file it names changed within
 * INGEST_SETTLE_MS is therefore not final: the manifest is retried once it
 * has settled and quarantined only if it still fails.  Failures of the machine rather than
 * the manifest (disk full, catalog busy) are retried with a growing delay
 * and quarantine nothing.
 *
 * One thread, and during a group of manifests that writes audio the one
 * that hashes it (macpipe.h), which takes no signal.  Signals arrive
 * through a signalfd that is only read between groups of manifests, so
 * SIGTERM finishes the group in hand.  Log lines never hold anything a
 * manifest says, nor a manifest's file name: the recorder chose it and it
 * may name a person, while this log (journald's) is kept for years.  A
 * manifest is named by a pseudonym of its queue entry, "m-" and 8 random
 * hex digits, which its retries share; an ingested one also by its
 * recording's id, a quarantined one by its quarantine id alone (ingest.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "ingest.h"
#include "opus.h"
#include "recctl.h"

#define STRAY_AGE_S (24 * 3600)	/* a file no manifest names, this old, is reported */
#define STRAY_EVERY_MS (3600 * 1000)	/* how often the spool is looked at for them */
#define SETTLE_SLACK_MS 100	/* timestamps are coarse: retry a little later */
#define RETRY_MAX_MS 60000	/* cap of the back-off for errors of the machine */
#define POLICY_FILE "policy.conf"
#define TAG_PREFIX "m-"		/* a manifest's pseudonym in the log, as quarantine's "q-" */
#define LOCK_FILE "watch.lock"	/* in the register folder: one watch per spool (lock_spool) */
#define RUN_DIR "/run/recfs"	/* root's: one watch per spool of any register (lock_spool) */
#define EXIT_WATCHED 3		/* the spool has a watch already */

const char usage_watch[] =
	"usage: recctl watch [-R REGISTER] [--keyring FILE] [--passfile FILE] [SPOOL]\n"
	"\n"
	"Ingest every manifest (X.json, written last, after X.opus and its\n"
	"attachments) that appears in SPOOL (default REGISTER/spool), and\n"
	"remove its files once the recording is committed.  Manifests already in\n"
	"SPOOL are ingested first, in name order.  A manifest that fails is moved\n"
	"with its files to REGISTER/quarantine/<id>/ with error.txt; one that\n"
	"fails while it (or a file it names) changed in the last 2 seconds is\n"
	"retried once it has settled.  REGISTER/policy.conf is reloaded when it\n"
	"changes (and on SIGHUP); a policy that does not load is refused and the\n"
	"one in force kept.  SIGTERM or SIGINT: finish the recordings in hand (a\n"
	"group of up to 32) and exit 0.  One line per manifest on stderr, naming\n"
	"it by a pseudonym (m-<8 hex>) and its recording's id, not its file name.\n"
	"One watch per SPOOL: a second one on the same SPOOL for the same\n"
	"register is refused (exit status 3), while the first one runs.\n"
	"Every folder above SPOOL (as given and as resolved) must be owned by\n"
	"root, this user or the register's owner and writable by no one else\n"
	"(sticky is fine, if the entry on the path in it, SPOOL too, is one of\n"
	"theirs): else watch refuses to start, naming the folder.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE      the ingest keyring (default $RECFS_KEYRING, then\n"
	"                      " CTL_KEYRING_DIR "/ingest.keyring)\n"
	"  --passfile FILE     its passphrase, if it has one (default $RECFS_PASSFILE)\n";

struct entry {
	char *name;		/* file name in the spool: never logged */
	char tag[sizeof(TAG_PREFIX) + INGEST_QUARANTINE_HEX];	/* its pseudonym in the log */
	int64_t due;		/* CLOCK_MONOTONIC ms when to (re)try */
	unsigned retries;	/* errors of the machine so far, for the back-off */
	int backlog;		/* found by the start-up scan, not yet counted */
	int future_waited;	/* waited a full period for a timestamp in the future */
	int reserve_told;	/* logged and audited once that the quarantine is
				 * at its reserve: the retries are not */
	uid_t owner;		/* the manifest's owner when queued (process_due) */
};

struct watcher {
	struct ctl *ctl;	/* ctl->dir: the register folder */
	const char *spool;
	struct reg *r;		/* ctl->reg, again after each reload */
	const struct crypto_key *ik;
	struct audit_actor actor;
	int ifd, sfd, wd_spool, wd_reg;
	struct entry *q;	/* manifests to try, in arrival (backlog: name) order */
	size_t n, cap;
	size_t backlog_total, backlog_done;
	int stop, reload, rescan, tty, progress_shown;
	int64_t strays_due;	/* CLOCK_MONOTONIC ms of the next look for strays */
};

static int64_t now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line of the daemon's log (stderr, which journald keeps). */
PRINTF_LIKE(2, 3) static void wlog(struct watcher *w, const char *fmt, ...)
{
	va_list ap;

	if (w->progress_shown) {
		fputc('\n', stderr);
		w->progress_shown = 0;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void backlog_progress(struct watcher *w)
{
	size_t n = w->backlog_done, total = w->backlog_total;
	size_t step = total / 20 ? total / 20 : 1;

	if (w->tty) {
		fprintf(stderr, "\rbacklog: %zu/%zu", n, total);
		w->progress_shown = n < total;
		if (n == total)
			fputc('\n', stderr);
	} else if (n == total || n % step == 0) {
		fprintf(stderr, "backlog: %zu/%zu\n", n, total);
	}
}

/* Manifests are *.json; dot files are a writer's temporaries. */
static int is_manifest_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".json");
}

/* A fresh pseudonym for e, made as a quarantine folder's name is
 * (TAG_PREFIX and the first hex digits of a new id): it names e's
 * manifest in the log for as long as the manifest is queued. */
static void entry_tag(struct entry *e)
{
	char id[RECFS_ID_HEX];

	crypto_new_id(id);
	snprintf(e->tag, sizeof(e->tag), TAG_PREFIX "%.*s", INGEST_QUARANTINE_HEX, id);
}

/* The owner of the spool's file name now ((uid_t)-1: none there). */
static uid_t owner_of(struct watcher *w, const char *name)
{
	char *path = xasprintf("%s/%s", w->spool, name);
	struct stat st;
	uid_t uid = (uid_t)-1;

	if (lstat(path, &st) == 0)
		uid = st.st_uid;
	free(path);
	return uid;
}

static void queue_add(struct watcher *w, const char *name, int64_t due, int backlog)
{
	for (size_t i = 0; i < w->n; i++) {
		if (!strcmp(w->q[i].name, name)) {
			/* Changed again: worth a try now.  Perhaps another's
			 * file by that name: a recorder who made the name
			 * first, then removed it, does not get the other's
			 * manifest its turn (atk70 W2). */
			if (due < w->q[i].due)
				w->q[i].due = due;
			w->q[i].owner = owner_of(w, name);
			return;
		}
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->q = xrealloc(w->q, w->cap * sizeof(*w->q));
	}
	w->q[w->n] = (struct entry){ .name = xstrdup(name), .due = due, .backlog = backlog, .owner = owner_of(w, name) };
	entry_tag(&w->q[w->n++]);
	if (backlog)
		w->backlog_total++;
}

static void queue_drop(struct watcher *w, size_t i)
{
	free(w->q[i].name);
	memmove(&w->q[i], &w->q[i + 1], (w->n - i - 1) * sizeof(*w->q));
	w->n--;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Queue every manifest in the spool, in name order. */
static int scan_spool(struct watcher *w, int backlog)
{
	DIR *d = opendir(w->spool);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return error("cannot read spool %s: %s", w->spool, strerror(errno));
	while ((e = readdir(d))) {
		if (!is_manifest_name(e->d_name))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		queue_add(w, names[i], 0, backlog);
		free(names[i]);
	}
	free(names);
	return 0;
}

/*
 * Files in the spool that no manifest there names, changed more than
 * STRAY_AGE_S ago: a recorder's audio whose manifest never came, a
 * leftover of a crashed writer.  They are plaintext that nothing will take
 * in or remove, so their count is said (never their names, which a
 * recorder may make of a person's); what to do with them is the
 * administrator's.  Hidden files count too: they are plaintext as well.
 */
static void report_strays(struct watcher *w)
{
	DIR *d = opendir(w->spool);
	struct dirent *e;
	char **named = NULL, **files = NULL;
	size_t n_named = 0, n_files = 0, strays = 0;
	int64_t now = util_now();

	w->strays_due = now_ms(CLOCK_MONOTONIC) + STRAY_EVERY_MS;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path = xasprintf("%s/%s", w->spool, e->d_name);
		struct stat st;

		if (is_manifest_name(e->d_name)) {
			char **names = NULL;
			size_t n = 0;

			ingest_manifest_files(path, &names, &n);
			named = xrealloc(named, (n_named + n + 1) * sizeof(*named));
			for (size_t i = 0; i < n; i++)
				named[n_named++] = names[i];
			free(names);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < now - STRAY_AGE_S &&
			   st.st_ctime < now - STRAY_AGE_S) {
			files = xrealloc(files, (n_files + 1) * sizeof(*files));
			files[n_files++] = xstrdup(e->d_name);
		}
		free(path);
	}
	closedir(d);
	for (size_t i = 0; i < n_files; i++) {
		int is_named = 0;

		for (size_t k = 0; !is_named && k < n_named; k++)
			is_named = !strcmp(files[i], named[k]);
		strays += !is_named;
		free(files[i]);
	}
	for (size_t k = 0; k < n_named; k++)
		free(named[k]);
	free(named);
	free(files);
	if (strays)
		wlog(w, "%zu file%s in the spool, unchanged for over a day, %s named by no manifest: plaintext that "
		     "nothing will ingest or remove (write their manifests, or remove them)", strays,
		     strays == 1 ? "" : "s", strays == 1 ? "is" : "are");
}

/* ingest_age_ms of path; INT64_MAX when it is absent. */
static int64_t age_ms(const char *path, int64_t now)
{
	struct stat st;

	return lstat(path, &st) < 0 ? INT64_MAX : ingest_age_ms(&st, now);
}

/*
 * How long until the manifest at path and the files it names (as far as
 * it parses) have not changed for INGEST_SETTLE_MS; 0 when they are settled.
 * *future: one of them has a timestamp in the future.
 */
static int64_t unsettled_ms(const char *spool, const char *path, int *future)
{
	int64_t now = now_ms(CLOCK_REALTIME), youngest = age_ms(path, now), a;
	char **names = NULL;
	size_t n = 0;

	ingest_manifest_files(path, &names, &n);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", spool, names[i]);

		a = age_ms(p, now);
		if (a < youngest)
			youngest = a;
		free(p);
		free(names[i]);
	}
	free(names);
	*future = youngest < 0;
	if (youngest == INT64_MAX || youngest >= INGEST_SETTLE_MS)
		return 0;
	/* A timestamp in the future (clock step): wait one full period. */
	return youngest < 0 ? INGEST_SETTLE_MS : INGEST_SETTLE_MS - youngest;
}

/* The delay before entry e's next try after a failure of the machine
 * (its ingest or its quarantine): doubling from 1 s up to RETRY_MAX_MS. */
static int64_t retry_delay(struct entry *e)
{
	int64_t delay = (int64_t)1000 << (e->retries < 6 ? e->retries : 6);

	if (delay > RETRY_MAX_MS)
		delay = RETRY_MAX_MS;
	e->retries++;
	return delay;
}

/*
 * The outcome of entry i's manifest: it, what ingest_manifests made of it
 * (remove its inputs, or defer it, or quarantine it), or NULL when it was
 * not tried (gone, or no regular file).  The entry is dropped unless
 * deferred.
 */
static void process(struct watcher *w, size_t i, const struct ingest_item *it)
{
	struct entry *e = &w->q[i];
	char *path = xasprintf("%s/%s", w->spool, e->name), *raw = NULL, *why = NULL, *qdir = NULL;
	char tag[sizeof(e->tag)];
	const struct ingest_result *res = it ? &it->res : NULL;
	const char *qid;
	struct stat st;
	int64_t wait;
	int rc, drop = 1, counted = e->backlog, future = 0;

	memcpy(tag, e->tag, sizeof(tag));
	e->backlog = 0;
	if (!it) {
		/* Gone (done by a crashed run, or taken back), or no file. */
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
			wlog(w, "skipped %s: not a regular file", tag);
		goto out;
	}
	rc = it->rc;
	if (rc == 0) {
		size_t left = 0;

		wlog(w, "%s %s -> %s%s", res->duplicate ? "duplicate" : "ingested", tag, res->recording,
		     res->by_audio ? " (the same audio, recorded_at and source)" : "");
		if (res->expired_on) {
			char day[11];

			util_format_date(res->expired_on, day);
			wlog(w, "%s: its retention ended on %s: the next retention sweep erases it", tag, day);
		}
		if (res->n_left_out)
			wlog(w, "%s: %d contact detail%s of no such shape left off the card (%s%s)", tag,
			     res->n_left_out, res->n_left_out == 1 ? "" : "s", res->left_out,
			     res->n_left_out > 1 ? ", ..." : "");
		rc = ingest_remove_inputs(path, res, &left);
		if (left)
			wlog(w, "%s: %zu file%s it named changed after it was read (replaced, or written to): left in "
			     "the spool", tag, left, left == 1 ? "" : "s");
		if (rc == -ESTALE) {
			/* Another manifest under its name, or it rewritten:
			 * what it names now is still to be ingested. */
			wlog(w, "%s: the manifest changed after it was read: its inputs stay, it is read again", tag);
			e->due = now_ms(CLOCK_MONOTONIC);
			drop = 0;
		} else if (rc) {
			/* Committed: the next try is a duplicate and removes them. */
			wlog(w, "cannot remove the inputs of %s (will retry): %s", tag, strerror(-rc));
			e->due = now_ms(CLOCK_MONOTONIC) + 5000;
			drop = 0;
		}
		goto out;
	}
	raw = xstrdup(it->why ? it->why : strerror(-rc));
	why = util_escape_for_log(raw);
	if (lstat(path, &st) < 0)
		goto out;	/* taken away while we read it */
	if (!ingest_is_input_error(rc)) {
		int64_t delay = retry_delay(e);

		wlog(w, "not ingested %s, will retry in %llds: %s", tag, (long long)(delay / 1000), why);
		e->due = now_ms(CLOCK_MONOTONIC) + delay;
		drop = 0;
		goto out;
	}
	wait = unsettled_ms(w->spool, path, &future);
	/* A timestamp in the future (a clock step, a recorder's clock ahead)
	 * says nothing of a writer: one full period is waited, not one each
	 * try, or such a manifest would be tried every 2 s for good, never
	 * quarantined nor logged. */
	if (wait > 0 && future && e->future_waited)
		wait = 0;
	if (wait > 0) {
		e->future_waited |= future;
		/* Perhaps half-written: look again once it has settled. */
		e->due = now_ms(CLOCK_MONOTONIC) + wait + SETTLE_SLACK_MS;
		drop = 0;
		goto out;
	}
	meta_clear_error();
	rc = ingest_quarantine(w->r, path, raw, &qdir);
	if (rc == -EDQUOT) {
		/* The register's file system at the quarantine's reserve (a
		 * recorder's flood of refused manifests): the manifest stays
		 * in the spool, said once in the log and the audit log, and
		 * tried again with the back-off, not in a tight loop. */
		int64_t delay = retry_delay(e);

		if (!e->reserve_told) {
			wlog(w, "not quarantined %s (%s): %s, tried again as room comes", tag, why,
			     meta_errmsg());
			if (audit_log(w->r->cat, &w->actor, "quarantine", tag, "deferred",
				      "no room in quarantine: the register's file system is at its reserve of room or inodes"))
				wlog(w, "cannot write the audit log: %s", meta_errmsg());
			e->reserve_told = 1;
		}
		e->due = now_ms(CLOCK_MONOTONIC) + delay;
		drop = 0;
		goto out;
	}
	if (rc) {
		/* The machine's trouble too (a full disk): ingest_quarantine
		 * left the manifest and its files in the spool, and the next
		 * try, with the same back-off, judges it afresh. */
		int64_t delay = retry_delay(e);

		wlog(w, "cannot quarantine %s (%s): %s; will retry in %llds", tag, why, meta_strerror(rc),
		     (long long)(delay / 1000));
		e->due = now_ms(CLOCK_MONOTONIC) + delay;
		drop = 0;
		goto out;
	}
	/* Named by its id alone: the manifest's name may name a person, and
	 * this log, syslog and the audit log are kept for years. */
	qid = strrchr(qdir, '/') ? strrchr(qdir, '/') + 1 : qdir;
	wlog(w, "quarantined %s: %s", qid, why);
	if (audit_log(w->r->cat, &w->actor, "quarantine", qid, "refused", why))
		wlog(w, "cannot write the audit log: %s", meta_errmsg());
out:
	if (drop)
		queue_drop(w, i);
	if (counted) {
		w->backlog_done++;
		backlog_progress(w);
	}
	free(path);
	free(raw);
	free(why);
	free(qdir);
}

/* Index of the entry of manifest name, or -1. */
static long find_entry(struct watcher *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->q[i].name, name))
			return (long)i;
	return -1;
}

/*
 * The names of up to INGEST_GROUP_MAX entries due by now, into names (n of
 * them), taken by turns of the manifests' owners: the first due entry of
 * each owner in queue order, then the second of each, and so on.  One
 * recorder's flood of manifests (thousands of broken ones, each
 * quarantined on its own) held back every other recorder's calls until it
 * was through (atk69 F3); now each owner's next manifest is in the next
 * group.  One walk of the queue, which stops at the first due entry of an
 * owner past INGEST_GROUP_MAX of them (the group is then their first
 * entries): at most INGEST_GROUP_MAX owners, and as many entries of each,
 * are kept in hand (atk70 W3: a walk for each round cost 32 walks a group).
 */
static size_t pick_due(struct watcher *w, int64_t now, char *names[INGEST_GROUP_MAX])
{
	enum { MAX = INGEST_GROUP_MAX };
	uid_t owner[MAX];
	unsigned seen[MAX];		/* due entries of owner[k] so far */
	size_t cand[MAX * MAX];		/* queue indexes of the entries kept */
	unsigned char rank[MAX * MAX];	/* which of its owner's entries each is */
	size_t n_owners = 0, n_cand = 0, n = 0, k;

	for (size_t i = 0; i < w->n; i++) {
		if (w->q[i].due > now)
			continue;
		for (k = 0; k < n_owners && owner[k] != w->q[i].owner; k++)
			;
		if (k == n_owners) {
			if (n_owners == MAX)
				break;	/* MAX owners' first entries fill the group */
			owner[n_owners] = w->q[i].owner;
			seen[n_owners++] = 0;
		}
		if (seen[k] < MAX) {
			cand[n_cand] = i;
			rank[n_cand++] = (unsigned char)seen[k];
		}
		seen[k]++;
	}
	for (unsigned r = 0; r < MAX && n < MAX; r++)
		for (size_t c = 0; c < n_cand && n < MAX; c++)
			if (rank[c] == r)
				names[n++] = xstrdup(w->q[cand[c]].name);
	return n;
}

/*
 * Try the manifests of the entries due by now, up to INGEST_GROUP_MAX of
 * them by turns of their owners (pick_due), as one group
 * (ingest_manifests): what a start-up backlog or a burst brings is made
 * durable and committed together, and nothing waits for more to arrive.
 * Each is then settled on its own (process), in the order picked.
 */
static void process_due(struct watcher *w)
{
	struct ingest_item it[INGEST_GROUP_MAX];
	char *names[INGEST_GROUP_MAX], *paths[INGEST_GROUP_MAX];
	int64_t now = now_ms(CLOCK_MONOTONIC);
	size_t n, m = 0;
	struct stat st;
	long k;
	int rc;

	n = pick_due(w, now, names);
	/* Gone or no regular file: settled at once, not tried. */
	for (size_t i = 0; i < n; i++) {
		paths[i] = xasprintf("%s/%s", w->spool, names[i]);
		if (lstat(paths[i], &st) < 0 || !S_ISREG(st.st_mode)) {
			if ((k = find_entry(w, names[i])) >= 0)
				process(w, (size_t)k, NULL);
			free(names[i]);
			names[i] = NULL;
			continue;
		}
		it[m++] = (struct ingest_item){ .path = paths[i] };
	}
	meta_clear_error();
	rc = ingest_manifests(w->r, w->ik, &w->actor, it, m);
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!names[i])
			continue;
		if (rc)	/* not tried at all: as the machine's trouble */
			it[j] = (struct ingest_item){ .path = paths[i], .rc = rc, .why = xstrdup(meta_errmsg()) };
		if ((k = find_entry(w, names[i])) >= 0)
			process(w, (size_t)k, &it[j]);
		j++;
	}
	ingest_items_clear(it, m);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(paths[i]);
	}
}

/* A multi-line policy error as one log line, "; " between the lines. */
static char *one_line(const char *s)
{
	char *t = xcalloc(2 * strlen(s) + 1, 1), *o = t;

	for (; *s; s++) {
		if (*s != '\n')
			*o++ = *s;
		else if (s[1])
			o = stpcpy(o, "; ");
	}
	*o = '\0';
	return t;
}

/* Open the register again with the policy now on disk; on failure keep
 * the one in force. */
static void reload_policy(struct watcher *w)
{
	char *why = NULL;
	int rc;

	w->reload = 0;
	rc = ctl_reopen_register(w->ctl);
	if (rc) {
		why = one_line(meta_strerror(rc));
		wlog(w, "policy.conf rejected: %s; the policy in force is kept", why);
		if (audit_log(w->r->cat, &w->actor, "policy-reload", NULL, "refused", why))
			wlog(w, "cannot write the audit log: %s", meta_errmsg());
		goto out;
	}
	w->r = w->ctl->reg;
	wlog(w, "policy.conf reloaded");
	if (audit_log(w->r->cat, &w->actor, "policy-reload", NULL, "ok", NULL))
		wlog(w, "cannot write the audit log: %s", meta_errmsg());
out:
	free(why);
}

/* Drain the inotify queue.  -1 when the spool itself went away. */
static int read_events(struct watcher *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	for (;;) {
		len = read(w->ifd, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EAGAIN)
			return 0;
		if (len <= 0)
			return error("cannot read inotify events: %s", len ? strerror(errno) : "end of file");
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				w->rescan = 1;
				continue;
			}
			if (ev->wd == w->wd_spool && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)))
				return error("spool %s was removed or moved; stopping", w->spool);
			if (!ev->len || (ev->mask & IN_ISDIR))
				continue;
			if (ev->wd == w->wd_reg && !strcmp(ev->name, POLICY_FILE))
				w->reload = 1;
			if (ev->wd == w->wd_spool && is_manifest_name(ev->name))
				queue_add(w, ev->name, 0, 0);
		}
	}
}

static void read_signals(struct watcher *w)
{
	struct signalfd_siginfo si;

	while (read(w->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			w->reload = 1;
		} else if (si.ssi_signo == SIGCHLD) {
			/* The audio probe's judge child ended while idle. */
			opus_probe_judge_reap();
		} else if (!w->stop) {
			w->stop = 1;
			wlog(w, "%s: stopping", strsignal((int)si.ssi_signo));
		}
	}
}

/* Index of the first entry due by now, or -1 and *timeout (ms, -1 none). */
static long next_due(struct watcher *w, int *timeout)
{
	int64_t now = now_ms(CLOCK_MONOTONIC), soonest = INT64_MAX;

	for (size_t i = 0; i < w->n; i++) {
		if (w->q[i].due <= now)
			return (long)i;
		if (w->q[i].due < soonest)
			soonest = w->q[i].due;
	}
	*timeout = soonest == INT64_MAX ? -1 : (int)(soonest - now);
	return -1;
}

static int run(struct watcher *w)
{
	struct pollfd pfd[2] = { { .fd = w->ifd, .events = POLLIN }, { .fd = w->sfd, .events = POLLIN } };
	int timeout;
	long i;

	if (scan_spool(w, 1))
		return -1;
	if (w->backlog_total)
		backlog_progress(w);
	report_strays(w);
	while (!w->stop) {
		int64_t until_strays;

		timeout = 0;
		i = next_due(w, &timeout);
		if (i >= 0)
			timeout = 0;
		until_strays = w->strays_due - now_ms(CLOCK_MONOTONIC);
		if (until_strays <= 0)
			report_strays(w);
		else if (timeout < 0 || timeout > until_strays)
			timeout = (int)until_strays;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			return error("poll: %s", strerror(errno));
		read_signals(w);
		if (read_events(w))
			return -1;
		if (w->rescan) {
			w->rescan = 0;
			wlog(w, "inotify queue overflowed: rescanning %s", w->spool);
			if (scan_spool(w, 0))
				return -1;
		}
		if (w->reload)
			reload_policy(w);
		if (w->stop)
			break;
		if (next_due(w, &timeout) >= 0)
			process_due(w);
	}
	return 0;
}

/*
 * A folder on the spool's path that someone else may rename (write it,
 * without the sticky bit), or that someone else owns, lets that one point
 * the path elsewhere, and watch, which opens SPOOL/NAME by its path for
 * every manifest it is told of, would then take and quarantine files of
 * any folder as the recorder's (atk30 F1).  So does an entry of the path
 * in a sticky folder that others may write (/tmp, a shared drop folder):
 * its owner may rename it (atk31 F2).  Trusted are root, this user and
 * the register's owner (recctl init --owner), who holds the catalog and
 * the keys' folder already, as sshd's StrictModes trusts root and the
 * home's owner.
 */
struct path_check {
	const char *spool;
	uid_t owner;		/* the register's */
};

static int trusted(const struct path_check *pc, uid_t uid)
{
	return uid == 0 || uid == geteuid() || uid == pc->owner;
}

/*
 * 0 when folder dir, above the spool, is a trusted one's and written by no
 * one else (or is sticky); *sticky then says whether others may write it
 * (with the sticky bit).  Else the refusal, said.
 */
static int check_folder(const struct path_check *pc, const char *dir, int *sticky)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return error("cannot check %s above spool %s: %s", dir, pc->spool, strerror(errno));
	if (!trusted(pc, st.st_uid))
		return error("spool %s: the folder %s above it is owned by uid %u, who could point the spool's path "
			     "elsewhere; use a spool whose folders above it only root, this user or the register's "
			     "owner own", pc->spool, dir, (unsigned)st.st_uid);
	*sticky = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	if (*sticky && !(st.st_mode & S_ISVTX))
		return error("spool %s: the folder %s above it may be written by others (mode %04o), who could "
			     "rename what is in it; use a spool whose folders above it only root, this user or the "
			     "register's owner may write", pc->spool, dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* The entry path (not followed) in dir, a sticky folder others may write. */
static int check_sticky_entry(const struct path_check *pc, const char *path, const char *dir)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return error("cannot check %s on the path of spool %s: %s", path, pc->spool, strerror(errno));
	if (!trusted(pc, st.st_uid))
		return error("spool %s: %s is owned by uid %u in the sticky folder %s, who may rename it and put "
			     "a link to any folder in its place; use a spool that root, this user or the register's "
			     "owner owns there", pc->spool, path, (unsigned)st.st_uid, dir);
	return 0;
}

/* check_folder for every folder of path (absolute; cut in place) above
 * its last entry, and check_sticky_entry for every entry in a sticky
 * folder that others may write, the last one's too. */
static int check_path(const struct path_check *pc, char *path)
{
	char *end = path + strlen(path), *prev = path, *slash;
	int rc, sticky;

	/* drop trailing slashes: the last entry is the spool itself */
	while (end > path + 1 && end[-1] == '/')
		*--end = '\0';
	rc = check_folder(pc, "/", &sticky);
	for (slash = strchr(path + 1, '/'); rc == 0; slash = strchr(slash + 1, '/')) {
		if (slash && slash == prev + 1) {	/* "a//b": no entry between */
			prev = slash;
			continue;
		}
		if (slash)
			*slash = '\0';
		if (sticky) {
			char *dir = prev == path ? xstrdup("/") : xasprintf("%.*s", (int)(prev - path), path);

			rc = check_sticky_entry(pc, path, dir);
			free(dir);
		}
		if (rc == 0 && slash)
			rc = check_folder(pc, path, &sticky);
		if (!slash)
			break;
		*slash = '/';
		prev = slash;
	}
	return rc;
}

/* check_path on the spool's path as written (made absolute) and as
 * resolved, owner the register's owner. */
static int check_spool_path(const char *spool, uid_t owner)
{
	const struct path_check pc = { spool, owner };
	char *written, *resolved = realpath(spool, NULL), *cwd;
	int rc;

	if (!resolved)
		return error("cannot resolve spool %s: %s", spool, strerror(errno));
	if (spool[0] == '/') {
		written = xstrdup(spool);
	} else {
		cwd = getcwd(NULL, 0);
		written = cwd ? xasprintf("%s/%s", cwd, spool) : xstrdup(resolved);
		free(cwd);
	}
	rc = check_path(&pc, written);
	if (rc == 0)
		rc = check_path(&pc, resolved);
	free(written);
	free(resolved);
	return rc;
}

/* The slot of a spool in a lock file: splitmix64 of its device and inode
 * (spools that are the roots of two file systems share their inode
 * number, tmpfs's 1), below OFFSET_MAX. */
static uint64_t spool_slot(const struct stat *st)
{
	uint64_t slot = (uint64_t)st->st_dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)st->st_ino;

	slot = (slot ^ (slot >> 30)) * 0xbf58476d1ce4e5b9ULL;
	slot = (slot ^ (slot >> 27)) * 0x94d049bb133111ebULL;
	slot ^= slot >> 31;
	return slot >> 2;
}

/* A write lock of the open file description (F_OFD_SETLK: the kernel lets
 * it go when watch ends, however it ends) on len bytes at start of path,
 * made 0600 when missing; its descriptor in *fd.  0; -EAGAIN when another
 * holds it (*fd stays open, to read whose it is); -errno (*fd -1). */
static int ofd_lock(const char *path, off_t start, off_t len, int *fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int e;

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0)
		return -errno;
	if (fcntl(*fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	e = errno;
	if (e == EAGAIN || e == EACCES)
		return -EAGAIN;
	close(*fd);
	*fd = -1;
	return -e;
}

/* RUN_DIR made (root's, 0755) or found so: 1, else 0 with errno set. */
static int run_dir_ok(void)
{
	struct stat st;

	if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST)
		return 0;
	if (lstat(RUN_DIR, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		errno = EPERM;
		return 0;
	}
	return 1;
}

/*
 * One watch per spool, of any register: two watches of one register took
 * each other's manifests (atk41), and watches of two registers stored
 * every call in both (atk45).  Two locks, both held while watch runs:
 * one byte, at the spool's slot, of REGISTER/watch.lock, its owner's,
 * which every watch of this register can take, root's or the owner's; and
 * RUN_DIR/spool-SLOT.lock, one file a spool, in a folder only root may
 * write, holding the path of the register whose watch holds it so that a
 * refusal names it.  Never a file in the spool or in /run/lock: a
 * recorder could lock it and keep every watch off the spool.  A watch
 * that cannot make RUN_DIR's file (not root, a unit without
 * RuntimeDirectory=) says so and keeps only the register's lock.  fd[0],
 * fd[1]: the locks' descriptors (-1 for none).  0; EXIT_WATCHED when
 * another watch holds the spool (said, and why in why for the audit log);
 * -1 when it cannot be known (said).
 */
static int lock_spool(const char *regdir, const char *spool, int fd[2], char *why, size_t whylen)
{
	char *reg = xasprintf("%s/" LOCK_FILE, regdir), *sys = NULL, other[PATH_MAX];
	struct stat st;
	ssize_t n;
	int rc;

	fd[0] = fd[1] = -1;
	if (stat(spool, &st) < 0) {
		rc = error("cannot look at spool %s: %s", spool, strerror(errno));
		goto out;
	}
	rc = ofd_lock(reg, (off_t)spool_slot(&st), 1, &fd[0]);
	/* Made by root for the register's owner, as its other files. */
	if (fd[0] >= 0 && util_adopt_owner(fd[0], reg))
		meta_clear_error();
	if (rc == -EAGAIN) {
		snprintf(why, whylen, "the spool is watched already, by another watch of this register");
		error("spool %s is watched already: another recctl watch for register %s runs on it; stop it "
		      "first (two watches would take each other's manifests)", spool, regdir);
		rc = EXIT_WATCHED;
		goto out;
	}
	if (rc < 0) {
		rc = error("cannot lock %s for spool %s: %s", reg, spool, strerror(-rc));
		goto out;
	}
	sys = xasprintf(RUN_DIR "/spool-%016" PRIx64 ".lock", spool_slot(&st));
	rc = run_dir_ok() ? ofd_lock(sys, 0, 0, &fd[1]) : -errno;
	if (rc == 0) {
		if (ftruncate(fd[1], 0) < 0 || pwrite(fd[1], regdir, strlen(regdir), 0) < 0 ||
		    pwrite(fd[1], "\n", 1, (off_t)strlen(regdir)) < 0)
			warning("cannot write the register's path in %s: %s", sys, strerror(errno));
	} else if (rc == -EAGAIN) {
		n = pread(fd[1], other, sizeof(other) - 1, 0);
		other[n > 0 ? n : 0] = '\0';
		other[strcspn(other, "\n")] = '\0';
		snprintf(why, whylen, "the spool is watched already, by the watch of register %s",
			 other[0] ? other : "(unknown)");
		error("spool %s is watched already: the watch of register %s runs on it; stop it first "
		      "(two watches would take each other's manifests, or store every call in two registers)",
		      spool, other[0] ? other : "(unknown)");
		rc = EXIT_WATCHED;
	} else {
		warning("cannot take %s (%s): a watch of another register on spool %s is not kept off it", sys,
			strerror(-rc), spool);
		rc = 0;
	}
out:
	for (int i = 0; rc && i < 2; i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			fd[i] = -1;
		}
	free(sys);
	free(reg);
	return rc;
}

/* The refusal of watch, logged when the register opens: who tried to
 * start a watch on what. */
static void log_refusal(struct ctl *ctl, struct watcher *w, const char *why)
{
	if (ctl_register(ctl, &w->r) == 0) {
		audit_self(&w->actor, NULL);
		if (audit_log(w->r->cat, &w->actor, "watch", NULL, "refused", why))
			meta_clear_error();
	}
}

int cmd_watch(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, 'K' },
		{ "passfile", required_argument, NULL, 'P' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct watcher w = { .ctl = ctl, .ifd = -1, .sfd = -1, .wd_spool = -1, .wd_reg = -1 };
	int lock_fd[2] = { -1, -1 };
	char why[PATH_MAX + 64];
	const char *passfile = NULL;
	char *keyring_path = xstrdup(ctl_keyring_default()), *spool = NULL;
	struct keyring *kr = NULL;
	sigset_t mask, old;
	int masked = 0, c, rc;
	struct stat st;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'K': free(keyring_path); keyring_path = xstrdup(optarg); break;
		case 'P': passfile = optarg; break;
		case 'h': rc = usage_show(usage_watch); goto out;
		default: rc = usage_error(usage_watch, NULL); goto out;
		}
	}
	if (argc - optind > 1) {
		rc = usage_error(usage_watch, "watch takes one SPOOL");
		goto out;
	}
	spool = optind < argc ? xstrdup(argv[optind]) : xasprintf("%s/spool", ctl->dir);
	w.spool = spool;
	if (stat(spool, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = error("spool %s is not a directory", spool);
		goto out;
	}
	/* The register's owner (recctl init --owner) holds the catalog and
	 * the keys' folder already: its folders are no one else's. */
	if (stat(ctl->dir, &st) < 0) {
		rc = error("cannot open register %s: %s", ctl->dir, strerror(errno));
		goto out;
	}
	if ((rc = check_spool_path(spool, st.st_uid))) {
		log_refusal(ctl, &w, "a folder on the spool's path may be changed by someone else");
		goto out;
	}
	if ((rc = lock_spool(ctl->dir, spool, lock_fd, why, sizeof(why)))) {
		if (rc == EXIT_WATCHED)
			log_refusal(ctl, &w, why);
		goto out;
	}
	if ((rc = ctl_load_keyrings(&keyring_path, 1, passfile, &kr)))
		goto out;
	w.ik = keyring_index_key(kr);
	if (!w.ik) {
		rc = error("%s holds no blind-index key; use the ingest keyring recctl init wrote", keyring_path);
		goto out;
	}
	if ((rc = ctl_register(ctl, &w.r)) || (rc = ctl_check_keyring(ctl, kr)))
		goto out;
	ctl_warn_modes(w.r);
	ctl_warn_reindex(w.r);
	audit_self(&w.actor, NULL);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		rc = error("cannot block signals: %s", strerror(errno));
		goto out;
	}
	masked = 1;
	w.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	w.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.sfd < 0 || w.ifd < 0) {
		rc = error("cannot set up %s: %s", w.sfd < 0 ? "signalfd" : "inotify", strerror(errno));
		goto out;
	}
	/* The register first: when SPOOL is the register folder itself both
	 * get the same descriptor, and the spool's mask is the wider one. */
	w.wd_reg = inotify_add_watch(w.ifd, ctl->dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR);
	/* IN_CREATE too: a manifest published by link(2) (or O_TMPFILE and
	 * linkat) comes whole with no close or move in the spool, and waited
	 * for the next start (atk69 F2).  One created by open(2) is seen
	 * before its writer is done, as a slow writer's is: retried once it
	 * has settled (the top of this file). */
	w.wd_spool = inotify_add_watch(w.ifd, spool,
				       IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
					       IN_ONLYDIR);
	if (w.wd_reg < 0 || w.wd_spool < 0) {
		rc = error("cannot watch %s: %s", w.wd_reg < 0 ? ctl->dir : spool, strerror(errno));
		goto out;
	}
	w.tty = isatty(STDERR_FILENO);
	wlog(&w, "watching %s for register %s", spool, ctl->dir);
	if (!audit_syslog_mirrored())
		wlog(&w, "no syslog at /dev/log: audit entries are kept in the catalog only, "
		     "with no copy outside the host");
	rc = run(&w);
	if (rc == 0)
		wlog(&w, "stopped; %zu manifest%s left waiting", w.n, w.n == 1 ? "" : "s");
out:
	for (size_t i = 0; i < w.n; i++)
		free(w.q[i].name);
	free(w.q);
	if (w.ifd >= 0)
		close(w.ifd);
	if (w.sfd >= 0)
		close(w.sfd);
	for (int i = 0; i < 2; i++)
		if (lock_fd[i] >= 0)
			close(lock_fd[i]);
	if (masked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	keyring_free(kr);
	free(spool);
	free(keyring_path);
	return rc;
}
