/*
 * cmd_ingest.c - `recctl ingest MANIFEST...`: one-shot ingest of manifests
 * named on the command line, with progress on a terminal.
 *
 * A manifest that fails validation is quarantined with its files and the
 * reason; a failure of the register itself (disk full, catalog busy) leaves
 * the manifest where it is for the next run, since it says nothing about
 * the recording.  Output names recording ids and manifest file names only,
 * never anything from inside a manifest; file names and the audit reason
 * go through util_escape_for_log, so that a name with a newline or a
 * terminal's escape sequence prints as one line of plain text.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ingest.h"
#include "jsonmem.h"
#include "recctl.h"

const char usage_ingest[] =
	"usage: recctl ingest [-R REGISTER] [--keyring FILE] [--remove-inputs] [--json] [-v] MANIFEST...\n"
	"\n"
	"Ingest each MANIFEST (X.json naming X.opus and attachments) into the\n"
	"register.  A manifest that fails is moved with its files to\n"
	"REGISTER/quarantine/<id>/ with error.txt; one already ingested, or one\n"
	"of the same audio, recorded_at and source as a recording ingested\n"
	"before (whatever its other values), is a duplicate and changes nothing.\n"
	"A manifest mended in its quarantine folder is ingested from there: its\n"
	"files and the folder then go; refused again, it stays in that folder.\n"
	"Exit status 1 when any was quarantined or failed.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --keyring FILE      the ingest keyring (default $RECFS_KEYRING, then\n"
	"                      " CTL_KEYRING_DIR "/ingest.keyring)\n"
	"  --passfile FILE     its passphrase, if it has one (default $RECFS_PASSFILE)\n"
	"  --remove-inputs     remove a manifest and its files once ingested\n"
	"                      (always done for one in the quarantine)\n"
	"  --json              print the summary as JSON\n"
	"  -v, --verbose       one line per manifest\n";

struct tally {
	int ingested, duplicate, quarantined, failed;
};

static void progress(const struct tally *t, size_t done, size_t total)
{
	fprintf(stderr, "\r[%zu/%zu] ingested %d, duplicates %d, quarantined %d", done, total, t->ingested,
		t->duplicate, t->quarantined);
	fflush(stderr);
}

/* Why a manifest that is not one ingested before is a duplicate. */
#define BY_AUDIO "the same audio, recorded_at and source"

/* One manifest's item of --json; name is its file name as printed. */
static json_t *json_item(const char *name, const char *status, const char *recording, const char *reason)
{
	json_t *o = json_object();

	json_object_set_new(o, "manifest", json_string(name));
	json_object_set_new(o, "status", json_string(status));
	if (recording)
		json_object_set_new(o, "recording", json_string(recording));
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	return o;
}

/* Nothing to ingest or quarantine when path is no regular file: a
 * malloc'd reason then, else NULL. */
static char *not_a_manifest(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return xstrdup(strerror(errno));
	if (!S_ISREG(st.st_mode))
		return xstrdup("not a regular file");
	return NULL;
}

/* A manifest ingested from its quarantine folder (qname): the folder goes
 * once nothing but its own files is left (ingest_quarantine_settled);
 * files it did not name keep it, and the operator is told so, since they
 * are plaintext that the recording's erasure would not reach. */
static void settle_quarantine(struct reg *r, const struct audit_actor *a, const char *path, const char *name,
			      const char *qname)
{
	char *qid = NULL;

	meta_clear_error();
	if (ingest_quarantine_settled(r, path, &qid)) {
		warning("%s: ingested, but cannot erase its quarantine folder: %s", name, meta_errmsg());
		return;
	}
	if (!qid) {
		if (qname)
			warning("%s: ingested from quarantine, but its folder %s keeps files the manifest does not "
				"name: remove them, or the folder, once they are not needed", name, qname);
		return;
	}
	if (audit_log(r->cat, a, "quarantine-erase", qid, "ok", "ingested"))
		warning("cannot write the audit log");
	fprintf(stderr, "recctl: %s: ingested from quarantine; its folder %s is erased\n", name, qid);
	free(qid);
}

/*
 * Report one manifest's outcome: it (it->rc, it->why) when it went to
 * ingest_manifests, or why it could not (bad, malloc'd) when not.  A
 * manifest refused for its input is quarantined here, after its group.
 */
static void report_one(struct reg *r, const struct audit_actor *a, const char *path, const struct ingest_item *it,
		       char *bad, int remove_inputs, int verbose, struct tally *t, json_t *items)
{
	const struct ingest_result *res = it ? &it->res : NULL;
	char *copy = xstrdup(path), *qdir = NULL, *raw = NULL, *why = NULL, *shown_qdir = NULL, *qname = NULL;
	/* File names are the recorder's choice: printed only escaped. */
	char *name = util_escape_for_log(basename(copy)), *shown_path = util_escape_for_log(path);
	int rc;

	if (bad) {
		t->failed++;
		error("%s: %s", shown_path, bad);
		if (items)
			json_array_append_new(items, json_item(name, "failed", NULL, bad));
		goto out;
	}
	/* A manifest mended in its quarantine folder is the register's own
	 * plaintext, not the recorder's: it goes once ingested (with or
	 * without --remove-inputs), and stays in its folder when refused. */
	(void)ingest_in_quarantine(r, path, &qname);
	if (it && it->rc == 0) {
		if (res->duplicate)
			t->duplicate++;
		else
			t->ingested++;
		if (verbose)
			printf("%s: %s %s%s\n", name, res->duplicate ? "duplicate of" : "ingested", res->recording,
			       res->by_audio ? " (" BY_AUDIO ")" : "");
		if (items)
			json_array_append_new(items, json_item(name, res->duplicate ? "duplicate" : "ingested",
							       res->recording, res->by_audio ? BY_AUDIO : NULL));
		if (res->expired_on) {
			char day[11];

			util_format_date(res->expired_on, day);
			warning("%s: ingested, but its retention ended on %s: the next `recctl retention sweep` "
				"erases it", name, day);
		}
		if (res->n_left_out)
			warning("%s: ingested without %d contact detail%s of no such shape (%s%s): left off the card",
				name, res->n_left_out, res->n_left_out == 1 ? "" : "s", res->left_out,
				res->n_left_out > 1 ? ", ..." : "");
		if (remove_inputs || qname) {
			size_t left = 0;
			int rrc = ingest_remove_inputs(path, res, &left);

			if (rrc == -ESTALE)
				warning("%s: ingested, but the manifest changed after it was read: its inputs are left "
					"in place", name);
			else if (rrc)
				warning("%s: ingested, but cannot remove its inputs: %s", name, strerror(-rrc));
			if (left)
				warning("%s: %zu file%s it named changed after it was read: left in place", name, left,
					left == 1 ? "" : "s");
			if (!rrc && !left)
				settle_quarantine(r, a, path, name, qname);
		}
		goto out;
	}
	if (!it)
		goto out;
	raw = xstrdup(it->why ? it->why : strerror(-it->rc));
	why = util_escape_for_log(raw);
	if (!ingest_is_input_error(it->rc)) {
		t->failed++;
		error("%s: not ingested, left in place: %s", name, why);
		if (items)
			json_array_append_new(items, json_item(name, "failed", NULL, why));
		goto out;
	}
	meta_clear_error();
	rc = qname ? ingest_quarantine_again(r, path, raw, &qdir) : ingest_quarantine(r, path, raw, &qdir);
	if (rc) {
		t->failed++;
		error("%s: %s; and cannot quarantine it: %s", name, why,
		      meta_strerror(rc));
		if (items)
			json_array_append_new(items, json_item(name, "failed", NULL, why));
		goto out;
	}
	t->quarantined++;
	/* The audit log names the quarantined manifest by its id alone: its
	 * name may name a person (ingest.h). */
	if (audit_log(r->cat, a, "quarantine", strrchr(qdir, '/') ? strrchr(qdir, '/') + 1 : qdir, "refused", why))
		warning("cannot write the audit log");
	fflush(stdout);
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	shown_qdir = util_escape_for_log(qdir ? qdir : "quarantine/");
	fprintf(stderr, "recctl: %s: %squarantined in %s: %s\n", name, qname ? "still " : "", shown_qdir, why);
	if (items)
		json_array_append_new(items, json_item(name, "quarantined", NULL, why));
out:
	free(copy);
	free(name);
	free(shown_path);
	free(qdir);
	free(qname);
	free(shown_qdir);
	free(raw);
	free(why);
}

/*
 * The n (at most INGEST_GROUP_MAX) manifests at paths as one group: those
 * that are regular files go to ingest_manifests together, which makes
 * their recordings durable at once; then each is reported in order.
 * -errno when the group could not be tried at all.
 */
static int ingest_group(struct reg *r, const struct crypto_key *ik, const struct audit_actor *a, char **paths,
			size_t n, int remove_inputs, int verbose, struct tally *t, json_t *items)
{
	struct ingest_item it[INGEST_GROUP_MAX];
	char *bad[INGEST_GROUP_MAX];
	size_t pos[INGEST_GROUP_MAX] = { 0 }, m = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		bad[i] = not_a_manifest(paths[i]);
		if (!bad[i]) {
			pos[i] = m;
			it[m++] = (struct ingest_item){ .path = paths[i] };
		}
	}
	rc = ingest_manifests(r, ik, a, it, m);
	for (size_t i = 0; rc == 0 && i < n; i++)
		report_one(r, a, paths[i], bad[i] ? NULL : &it[pos[i]], bad[i], remove_inputs, verbose, t, items);
	for (size_t i = 0; i < n; i++)
		free(bad[i]);
	ingest_items_clear(it, m);
	return rc;
}

int cmd_ingest(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, 'K' },
		{ "passfile", required_argument, NULL, 'P' },
		{ "remove-inputs", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *passfile = NULL;
	char *keyring_path = xstrdup(ctl_keyring_default());
	struct keyring *kr = NULL;
	const struct crypto_key *ik;
	struct audit_actor a;
	struct reg *r = NULL;
	struct tally t = { 0 };
	json_t *items = NULL;
	int remove_inputs = 0, verbose = 0, as_json = 0, tty, c, rc;
	size_t total;

	while ((c = ctl_getopt(ctl, argc, argv, "vh", opts)) != -1) {
		switch (c) {
		case 'K': free(keyring_path); keyring_path = xstrdup(optarg); break;
		case 'P': passfile = optarg; break;
		case 'r': remove_inputs = 1; break;
		case 'j': as_json = 1; break;
		case 'v': verbose = 1; break;
		case 'h': rc = usage_show(usage_ingest); goto out;
		default: rc = usage_error(usage_ingest, NULL); goto out;
		}
	}
	if (optind >= argc) {
		rc = usage_error(usage_ingest, "ingest needs at least one MANIFEST");
		goto out;
	}
	if ((rc = ctl_load_keyrings(&keyring_path, 1, passfile, &kr)))
		goto out;
	ik = keyring_index_key(kr);
	if (!ik) {
		rc = error("%s holds no blind-index key; use the ingest keyring recctl init wrote", keyring_path);
		goto out;
	}
	if ((rc = ctl_register(ctl, &r)) || (rc = ctl_check_keyring(ctl, kr)))
		goto out;
	ctl_warn_modes(r);
	ctl_warn_reindex(r);
	audit_self(&a, NULL);
	if (as_json)
		items = json_array();
	total = (size_t)(argc - optind);
	tty = isatty(STDERR_FILENO) && !as_json;
	for (size_t done = 0; done < total;) {
		size_t n = total - done < INGEST_GROUP_MAX ? total - done : INGEST_GROUP_MAX;

		if (ingest_group(r, ik, &a, argv + optind + done, n, remove_inputs, verbose && !as_json, &t, items)) {
			rc = error("%s", meta_errmsg());
			goto out;
		}
		done += n;
		if (tty)
			progress(&t, done, total);
	}
	if (tty)
		fputc('\n', stderr);
	if (as_json) {
		json_t *o = json_object();
		char *s;

		json_object_set_new(o, "ingested", json_integer(t.ingested));
		json_object_set_new(o, "duplicate", json_integer(t.duplicate));
		json_object_set_new(o, "quarantined", json_integer(t.quarantined));
		json_object_set_new(o, "failed", json_integer(t.failed));
		json_object_set_new(o, "manifests", items);
		items = NULL;
		s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (s)
			puts(s);
		jsonmem_free(s);
	} else {
		printf("ingested %d, duplicate %d, quarantined %d", t.ingested, t.duplicate, t.quarantined);
		if (t.failed)
			printf(", failed %d", t.failed);
		putchar('\n');
	}
	rc = t.quarantined || t.failed ? 1 : 0;
out:
	json_decref(items);
	keyring_free(kr);
	free(keyring_path);
	return rc;
}
