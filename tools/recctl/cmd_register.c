/*
 * cmd_register.c - `recctl register`: print the register notice (the same
 * text as README.txt on a mount, or README.<lang>.txt with --lang),
 * generated from the policy in force.
 *
 * Only policy.conf is read: the notice is public and printing it needs no
 * catalog and no keys.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notice.h"
#include "policy.h"
#include "recctl.h"

const char usage_register[] =
	"usage: recctl register [-R REGISTER] [--lang LANG]\n"
	"\n"
	"Print the register notice: controller, contacts, purposes with their\n"
	"legal bases and retention, sources, recipients, and the data subject's\n"
	"rights.\n"
	"\n"
	"  -R, --register DIR  the register (default $RECFS_REGISTER, then " REGISTER_DEFAULT ")\n"
	"  -l, --lang LANG     in language LANG, one of the policy's languages\n"
	"                      (default: its first, as README.txt)\n";

int cmd_register(int argc, char **argv, struct ctl *ctl)
{
	static const struct option opts[] = {
		HELP_OPTION,
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct policy *pol = NULL;
	char *path = NULL, *errs = NULL, *text = NULL;
	const char *lang = NULL;
	int c, rc;

	while ((c = ctl_getopt(ctl, argc, argv, "hl:", opts)) != -1) {
		switch (c) {
		case 'h': return usage_show(usage_register);
		case 'l': lang = optarg; break;
		default: return usage_error(usage_register, NULL);
		}
	}
	if (optind != argc)
		return usage_error(usage_register, "register takes no arguments");
	path = xasprintf("%s/policy.conf", ctl->dir);
	/* One that cannot be read is not said to have errors (bb7 F8). */
	if (access(path, R_OK) < 0) {
		rc = error("cannot read the policy of register %s: %s", ctl->dir, strerror(errno));
		goto out;
	}
	meta_clear_error();
	rc = policy_load(path, &pol, &errs);
	if (rc) {
		if (errs)
			fputs(errs, stderr);
		rc = errs ? error("cannot read the policy of register %s: it has errors", ctl->dir)
			  : error("%s", meta_strerror(rc));
		goto out;
	}
	if (lang && (rc = ctl_check_lang(pol, ctl->dir, lang)))
		goto out;
	text = lang ? notice_render_in(pol, lang) : notice_render(pol);
	if (!text) {
		rc = error("cannot make the register notice");
		goto out;
	}
	fputs(text, stdout);
	if (*text && text[strlen(text) - 1] != '\n')
		putchar('\n');
	rc = 0;
out:
	free(text);
	free(errs);
	free(path);
	policy_free(pol);
	return rc;
}
