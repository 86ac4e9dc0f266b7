/*
 * cmd_request.c - `recctl request`: the privacy officer's book of rights
 * requests (Art. 12(3)): record one with its identity check, list the open
 * or overdue ones, extend a deadline once, close with the outcome.
 *
 * The free texts go to the request table only (meta/request.c); the audit
 * log gets request numbers and handles.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmem.h"
#include "recctl.h"
#include "request.h"

const char usage_request[] =
	"usage: recctl request new --type TYPE --subject HANDLE --verified-by TEXT [-R REGISTER]\n"
	"       recctl request list [--overdue | --all] [--json] [-R REGISTER]\n"
	"       recctl request extend ID --reason TEXT [-R REGISTER]\n"
	"       recctl request close ID --outcome TEXT [-R REGISTER]\n"
	"\n"
	"Rights requests of data subjects.  A request is due one month after it is\n"
	"recorded; extend moves the date by two months, once, within that month.\n"
	"TYPE is access, rectification, erasure, restriction, portability or\n"
	"objection.  While a subject has an open request, rights actions on it\n"
	"name the request in the audit log.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  --type TYPE         what was asked\n"
	"  --subject HANDLE    the subject (find it with recctl subject find)\n"
	"  --verified-by TEXT  how the requester's identity was checked\n"
	"  --overdue           list open requests past their due date only\n"
	"  --all               list closed requests too (default: open ones)\n"
	"  --reason TEXT       why the deadline is extended (tell the subject too)\n"
	"  --outcome TEXT      what was done\n"
	"  --json              print the list as JSON\n";

struct req_opts {
	const char *type, *subject, *verified_by, *reason, *outcome;
	int overdue, all, as_json;
};

static int parse(int argc, char **argv, struct ctl *ctl, struct req_opts *o)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "subject", required_argument, NULL, 's' },
		{ "verified-by", required_argument, NULL, 'v' },
		{ "reason", required_argument, NULL, 'r' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "overdue", no_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ctl_getopt(ctl, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 't': o->type = optarg; break;
		case 's': o->subject = optarg; break;
		case 'v': o->verified_by = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'o': o->outcome = optarg; break;
		case 'd': o->overdue = 1; break;
		case 'a': o->all = 1; break;
		case 'j': o->as_json = 1; break;
		case 'h': return 1;
		default: return usage_error(usage_request, NULL);
		}
	}
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!*s || *end || v <= 0)
		return usage_error(usage_request, "'%s' is not a request number", s);
	*id = v;
	return 0;
}

static int fail(const char *what, int rc)
{
	return error("%s: %s", what, meta_strerror(rc));
}

static int print_one(const struct cat_request *q, void *ctx)
{
	json_t *list = ctx;
	char rec[11], due[11], closed[11] = "";

	util_format_date(q->received, rec);
	util_format_date(q->due, due);
	if (q->closed)
		util_format_date(q->closed, closed);
	if (list) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:b}", "id",
						      (json_int_t)q->id, "type", q->type, "subject", q->handle,
						      "received", rec, "due", due, "verified_by", q->verified_by,
						      "extended_reason", q->extended_reason, "closed",
						      q->closed ? closed : NULL, "outcome", q->outcome, "overdue",
						      !q->closed && q->due < util_now()));
		return 0;
	}
	printf("%-5lld %-13s %-9s %-10s %-10s %s%s\n", (long long)q->id, q->type, q->handle, rec, due,
	       q->closed ? "closed " : (q->due < util_now() ? "OVERDUE" : "open"), q->closed ? closed : "");
	return 0;
}

int cmd_request(int argc, char **argv, struct ctl *ctl)
{
	struct req_opts o = { 0 };
	struct audit_actor a;
	struct reg *r = NULL;
	const char *sub;
	int64_t id = 0;
	int rc;

	if (argc < 2)
		return usage_error(usage_request, "request needs a command: new, list, extend or close");
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h"))
		return usage_show(usage_request);
	if ((rc = parse(argc - 1, argv + 1, ctl, &o)))
		return rc == 1 ? usage_show(usage_request) : rc;
	argc--;
	argv++;
	if (!strcmp(sub, "new")) {
		if (!o.type || !o.subject || !o.verified_by)
			return usage_error(usage_request, "request new needs --type, --subject and --verified-by");
	} else if (!strcmp(sub, "list")) {
		if (o.overdue && o.all)
			return usage_error(usage_request, "--overdue and --all exclude each other");
	} else if (!strcmp(sub, "extend") || !strcmp(sub, "close")) {
		int ext = sub[0] == 'e';

		if (optind + 1 != argc)
			return usage_error(usage_request, "request %s needs one request number", sub);
		if ((rc = parse_id(argv[optind], &id)))
			return rc;
		if (ext ? !o.reason : !o.outcome)
			return usage_error(usage_request, "request %s needs %s", sub, ext ? "--reason" : "--outcome");
	} else {
		return usage_error(usage_request, "unknown request command '%s'", sub);
	}
	if (strcmp(sub, "extend") && strcmp(sub, "close") && optind != argc)
		return usage_error(usage_request, "request %s takes no arguments", sub);
	if (ctl_register(ctl, &r))
		return -1;
	audit_self(&a, NULL);
	meta_clear_error();
	if (!strcmp(sub, "new")) {
		struct cat_request q;

		rc = request_new(r, &a, o.type, o.subject, o.verified_by, &id);
		if (rc == 0)
			rc = request_get(r, id, &q);
		if (rc) {
			rc = fail("cannot record the request", rc);
		} else {
			char due[11];

			util_format_date(q.due, due);
			printf("request %lld: %s by %s, due %s\n", (long long)id, q.type, q.handle, due);
			cat_request_clear(&q);
		}
	} else if (!strcmp(sub, "list")) {
		json_t *list = o.as_json ? json_array() : NULL;

		if (!list)
			printf("%-5s %-13s %-9s %-10s %-10s %s\n", "ID", "TYPE", "SUBJECT", "RECEIVED", "DUE", "STATUS");
		rc = request_each(r, o.overdue ? REQUEST_OVERDUE : o.all ? REQUEST_ALL : REQUEST_OPEN, print_one,
				  list);
		if (rc) {
			rc = fail("cannot list the requests", rc);
		} else if (list) {
			char *text = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

			if (text)
				puts(text);
			jsonmem_free(text);
		}
		json_decref(list);
	} else if (!strcmp(sub, "extend")) {
		struct cat_request q;

		rc = request_extend(r, &a, id, o.reason);
		if (rc == 0 && request_get(r, id, &q) == 0) {
			char due[11];

			util_format_date(q.due, due);
			printf("request %lld: due %s\n", (long long)id, due);
			cat_request_clear(&q);
		} else if (rc) {
			rc = fail("cannot extend the request", rc);
		}
	} else {
		rc = request_close(r, &a, id, o.outcome);
		if (rc == 0)
			printf("request %lld: closed\n", (long long)id);
		else
			rc = fail("cannot close the request", rc);
	}
	return rc;
}
