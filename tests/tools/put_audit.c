/*
 * put_audit.c - append entries to a register's audit log with recfs's own
 * audit_log(), no keyring: what root, who can write catalog.db, can do
 * (the chain is unkeyed, the current epoch's sealing key is in the
 * catalog), for tests of what the reports, fsck and an export make of a
 * log so added to.  Test build only; never installed.
 *
 *     put_audit REGISTER ACTION OBJECT OUTCOME REASON [COUNT]
 *
 * With COUNT, COUNT entries in one transaction, REASON a printf format
 * given the entry's number (0, 1, ...).  Exit status 0, or 1 with a
 * message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "catalog.h"
#include "register.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct audit_actor a = { .uid = 0, .user = "root", .comm = "recctl" };
	struct reg *r = NULL;
	char why[256];
	long n = argc == 7 ? atol(argv[6]) : 1;
	int rc;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: put_audit REGISTER ACTION OBJECT OUTCOME REASON [COUNT]\n");
		return 2;
	}
	a.pid = getpid();
	if ((rc = reg_open(argv[1], &r)) || (rc = catalog_begin(r->cat)))
		goto out;
	for (long i = 0; rc == 0 && i < n; i++) {
		if (argc == 7)
			snprintf(why, sizeof(why), argv[5], (unsigned)i);
		else
			snprintf(why, sizeof(why), "%s", argv[5]);
		rc = audit_log(r->cat, &a, argv[2], argv[3], argv[4], why);
	}
	if (rc == 0)
		rc = catalog_commit(r->cat);
	else
		catalog_rollback(r->cat);
out:
	if (rc)
		fprintf(stderr, "put_audit: %s\n", meta_strerror(rc));
	if (r)
		reg_close(r);
	return rc ? 1 : 0;
}
