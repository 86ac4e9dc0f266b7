/*
 * cmd_retention.c - `recctl retention sweep`: erase every recording whose
 * retention has run out, as the rights level, skipping legal holds and
 * restrictions, and every quarantined manifest whose quarantine_retention
 * has, and the audit entries older than audit_retention (meta/retention.c
 * does the work and the logging).  `recctl retention set`: change one
 * recording's retention_until as the rights level, with the checks and
 * the refusal reasons of setfattr on the mount (rights_set_retention_text).
 *
 * Meant for a daily timer; --dry-run only counts.  Exit status 1 when a
 * recording could not be erased, the audit log not swept, or the catalog
 * is damaged and the sweep refused to run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmem.h"
#include "recctl.h"
#include "retention.h"
#include "rights.h"

const char usage_retention[] =
	"usage: recctl retention sweep [-R REGISTER] [--dry-run] [--json]\n"
	"       recctl retention set [-R REGISTER] RECORDING YYYY-MM-DD\n"
	"\n"
	"set: change the retention_until of RECORDING (its id, its 8 hex digits, its\n"
	"file name or a path on a mount), as the rights level does with setfattr -n\n"
	"user.gdpr.retention_until on the mount: the date must\n"
	"lie between the recording's day and its purpose's max_retention.  The\n"
	"recording is kept through that whole day (UTC).  A refusal says why (not a\n"
	"date, before the recording, beyond max_retention (DATE)) and is logged.\n"
	"\n"
	"sweep: Erase every recording whose retention_until day has ended (UTC), by\n"
	"crypto-shredding (seals, catalog rows, then blobs), acting as the policy's\n"
	"rights level. Recordings on legal hold or restricted are skipped, and so are\n"
	"those of a subject whose access or portability request is open and not yet\n"
	"due (its answer lists them); each skip is logged.  A recording restricted by\n"
	"an objection alone (subject object) is not skipped: the objection stops its\n"
	"processing, it does not keep it longer; one the rights level restricted too,\n"
	"or restricted before catalog schema 22, is.  Then erase every manifest\n"
	"kept in REGISTER/quarantine/ longer than the policy's quarantine_retention\n"
	"(default 30d), logged with their count.  Last, drop the audit log's entries\n"
	"older than the policy's audit_retention (default 2y), leaving a sealed\n"
	"checkpoint that `recctl audit verify` checks; while a rights request of any\n"
	"type is open, the log is kept from audit_retention before it was received.\n"
	"A log that does not verify is left as it is.  A catalog that fails sqlite's\n"
	"integrity check (see recctl fsck) is refused: nothing is erased; --dry-run\n"
	"counts anyway and warns.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  -n, --dry-run       count what would be erased; change and log nothing\n"
	"  --json              print the summary as JSON\n";

static int sweep(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct retention_summary s;
	struct audit_actor a;
	struct reg *r = NULL;
	int dry_run = 0, as_json = 0, c, rc;
	char before[21] = "";

	while ((c = ctl_getopt(ctl, argc, argv, "nh", opts)) != -1) {
		switch (c) {
		case 'n': dry_run = 1; break;
		case 'j': as_json = 1; break;
		case 'h': return usage_show(usage_retention);
		default: return usage_error(usage_retention, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_retention, "retention sweep takes no arguments");
	if (ctl_register(ctl, &r))
		return -1;
	audit_self(&a, r->policy->levels[r->policy->rights_level].name);
	meta_clear_error();
	rc = retention_sweep(r, &a, dry_run, &s);
	if (s.catalog_damaged && !dry_run)
		return error("retention sweep of %s: %s", ctl->dir, meta_strerror(rc));
	if (s.catalog_damaged)
		fprintf(stderr, "recctl: warning: %s/catalog.db fails sqlite's integrity check (recctl fsck shows it): "
			"the counts may be incomplete, and a real sweep refuses to run\n", ctl->dir);
	if (s.audit_before)
		util_format_time(s.audit_before, before);
	if (as_json) {
		json_t *o = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:o, s:I, s:I, s:b}",
				      "dry_run", dry_run, "expired",
				      (json_int_t)s.expired, dry_run ? "would_erase" : "erased", (json_int_t)s.erased,
				      dry_run ? "subjects_would_erase" : "subjects_erased", (json_int_t)s.subjects_erased,
				      "skipped_hold", (json_int_t)s.skipped_hold, "skipped_restricted",
				      (json_int_t)s.skipped_restricted, "errors", (json_int_t)s.errors,
				      "quarantine_expired", (json_int_t)s.quarantine_expired,
				      dry_run ? "quarantine_would_erase" : "quarantine_erased",
				      (json_int_t)s.quarantine_erased, "quarantine_errors", (json_int_t)s.quarantine_errors,
				      dry_run ? "audit_would_drop" : "audit_dropped", (json_int_t)s.audit_dropped,
				      "audit_first_kept", (json_int_t)s.audit_first,
				      "audit_before", s.audit_before ? before : NULL,
				      "audit_held_by_request", s.audit_held_by ? json_integer(s.audit_held_by) : json_null(),
				      "audit_errors", (json_int_t)s.audit_errors,
				      dry_run ? "requests_would_drop" : "requests_dropped", (json_int_t)s.requests_dropped,
				      "catalog_damaged", s.catalog_damaged);
		char *text;

		json_object_set_new(o, "skipped_request", json_integer((json_int_t)s.skipped_request));
		text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

		if (text)
			puts(text);
		jsonmem_free(text);
		json_decref(o);
	} else {
		printf("expired %zu, %s %zu (and %zu subjects with their last recording), skipped %zu on legal hold, "
		       "%zu restricted",
		       s.expired, dry_run ? "would erase" : "erased", s.erased, s.subjects_erased, s.skipped_hold,
		       s.skipped_restricted);
		if (s.skipped_request)
			printf(", %zu kept while an access or portability request of theirs is open and not yet due",
			       s.skipped_request);
		if (s.errors)
			printf(", errors %zu", s.errors);
		printf("; quarantined manifests: expired %zu, %s %zu", s.quarantine_expired,
		       dry_run ? "would erase" : "erased", s.quarantine_erased);
		if (s.quarantine_errors)
			printf(", errors %zu", s.quarantine_errors);
		if (s.audit_errors)
			printf("; audit log: not swept");
		else if (s.audit_before)
			printf("; audit log: %s %lld entries written before %s", dry_run ? "would drop" : "dropped",
			       (long long)s.audit_dropped, before);
		if (s.audit_held_by)
			printf(" (held back by open request %lld)", (long long)s.audit_held_by);
		printf("; closed requests: %s %zu", dry_run ? "would drop" : "dropped", s.requests_dropped);
		putchar('\n');
	}
	if (rc)
		rc = error("retention sweep of %s: %s", ctl->dir, meta_strerror(rc));
	return rc;
}

static int set(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = { HELP_OPTION, { NULL, 0, NULL, 0 } };
	struct audit_actor a;
	struct reg *r = NULL;
	char id[RECFS_ID_HEX];
	int c, rc, prefix = 0;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		if (c == 'h')
			return usage_show(usage_retention);
		return usage_error(usage_retention, NULL);
	}
	if (optind != argc - 2)
		return usage_error(usage_retention, "retention set takes RECORDING and a date");
	if (ctl_register(ctl, &r))
		return -1;
	/* Named as audit show --recording names it: 8 hex digits do. */
	rc = ctl_recording_id(r->cat, "RECORDING", argv[optind], id, &prefix);
	if (rc)
		return rc == -EINVAL ? usage_error(usage_retention, NULL) : rc;
	if (prefix == 1 || prefix == CTL_PREFIX_SHARED)
		return error("%s: no such recording in the register", argv[optind]);
	audit_self(&a, r->policy->levels[r->policy->rights_level].name);
	meta_clear_error();
	rc = rights_set_retention_text(r, &a, r->policy->rights_level, id, argv[optind + 1]);
	if (rc == -ENOENT)
		return error("%s: no such recording in the register", argv[optind]);
	if (rc)
		return error("%s: %s", argv[optind], meta_strerror(rc));
	printf("%s: retention until %s\n", argv[optind], argv[optind + 1]);
	return 0;
}

int cmd_retention(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_retention, "retention needs a command: sweep or set");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_retention);
	if (!strcmp(argv[1], "sweep"))
		return sweep(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "set"))
		return set(argc - 1, argv + 1, ctl);
	return usage_error(usage_retention, "unknown retention command '%s'", argv[1]);
}
