/*
 * cmd_audit.c - `recctl audit show` and `recctl audit verify`: read the
 * hash-chained audit log in the catalog.
 *
 * Only the catalog is opened, not the whole register, so the log stays
 * readable when the policy is broken - which is when it is needed most.
 * Entries hold ids and handles only, so printing them discloses nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "recctl.h"

const char usage_audit[] =
	"usage: recctl audit show [-R REGISTER] [--object ID] [--json]\n"
	"       recctl audit verify [-R REGISTER]\n"
	"\n"
	"show    print the audit log, one entry a line:\n"
	"        seq time user(uid) level pid comm action object outcome reason\n"
	"verify  check the hash chain; name the first entry edited, removed or\n"
	"        reordered, and exit 1 when there is one.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --object ID         only entries about this recording, artifact or handle\n"
	"  --json              a JSON array of entries\n";

static int open_catalog(const char *dir, struct catalog **out)
{
	char *path = xasprintf("%s/catalog.db", dir);
	int rc = 0;

	if (access(path, F_OK) < 0)
		rc = error("%s is not a recfs register (no catalog.db)", dir);
	else if ((rc = catalog_open(path, 0, out)))
		rc = error("cannot open %s: %s", path, strerror(-rc));
	free(path);
	return rc;
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

static int print_entry(const struct audit_entry *e, void *ctx)
{
	char t[21];

	(void)ctx;
	util_format_time(e->time, t);
	printf("%" PRId64 " %s %s(%ld) %s %ld %s %s %s %s %s\n", e->seq, t, dash(e->actor.user),
	       (long)e->actor.uid, dash(e->actor.level), (long)e->actor.pid, dash(e->actor.comm), dash(e->action),
	       dash(e->object), dash(e->outcome), dash(e->reason));
	return 0;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int print_json_entry(const struct audit_entry *e, void *ctx)
{
	int *first = ctx;
	json_t *o = json_object();
	char t[21], *s;

	util_format_time(e->time, t);
	json_object_set_new(o, "seq", json_integer(e->seq));
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "uid", json_integer(e->actor.uid));
	json_object_set_new(o, "user", json_str_or_null(e->actor.user));
	json_object_set_new(o, "level", json_str_or_null(e->actor.level));
	json_object_set_new(o, "pid", json_integer(e->actor.pid));
	json_object_set_new(o, "comm", json_str_or_null(e->actor.comm));
	json_object_set_new(o, "action", json_str_or_null(e->action));
	json_object_set_new(o, "object", json_str_or_null(e->object));
	json_object_set_new(o, "outcome", json_str_or_null(e->outcome));
	json_object_set_new(o, "reason", json_str_or_null(e->reason));
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	printf("%s  %s", *first ? "" : ",\n", s);
	*first = 0;
	free(s);
	return 0;
}

static int audit_show(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *object = NULL;
	struct catalog *cat = NULL;
	int as_json = 0, first = 1, c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': object = optarg; break;
		case 'j': as_json = 1; break;
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit show takes no arguments");
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	if (as_json)
		fputs("[\n", stdout);
	rc = audit_each(cat, object, as_json ? print_json_entry : print_entry, &first);
	if (as_json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	if (rc)
		rc = error("cannot read the audit log: %s", strerror(-rc));
	catalog_close(cat);
	return rc;
}

static int audit_verify_cmd(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct catalog *cat = NULL;
	int64_t count = 0, bad = 0;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h': return usage_show(usage_audit);
		default: return usage_error(usage_audit, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_audit, "audit verify takes no arguments");
	if ((rc = open_catalog(ctl->dir, &cat)))
		return rc;
	meta_clear_error();
	rc = audit_verify(cat, &count, &bad);
	if (rc == 0) {
		printf("audit log intact: %" PRId64 " entries\n", count);
	} else if (rc == -EBADMSG) {
		printf("audit log broken at entry %" PRId64 ": %s\n", bad,
			*meta_errmsg() ? meta_errmsg() : "the hash chain does not match");
		rc = 1;
	} else {
		rc = error("cannot verify the audit log: %s", meta_strerror(rc));
	}
	catalog_close(cat);
	return rc;
}

int cmd_audit(int argc, char **argv, struct ctl *ctl)
{
	if (argc < 2)
		return usage_error(usage_audit, "audit needs show or verify");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage_show(usage_audit);
	if (!strcmp(argv[1], "show"))
		return audit_show(argc - 1, argv + 1, ctl);
	if (!strcmp(argv[1], "verify"))
		return audit_verify_cmd(argc - 1, argv + 1, ctl);
	return usage_error(usage_audit, "unknown audit command '%s'", argv[1]);
}
