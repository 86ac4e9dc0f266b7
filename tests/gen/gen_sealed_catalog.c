/*
 * gen_sealed_catalog.c - made tests/fixtures/catalog-v4-sealed.db and
 * audit-verify-v1.key once, the frozen form of a sealed audit log (catalog
 * schema 4, seal format 1, verification key format 1).  Kept as the record
 * of what the fixture holds; the unit tests never run it.  To make a new
 * fixture after a format change, under a new name:
 *
 *   make build/test/libmeta.a
 *   cc -std=c17 -D_GNU_SOURCE -iquote meta -o /tmp/gen tests/gen/gen_sealed_catalog.c \
 *      build/test/libmeta.a $(pkg-config --libs libsodium sqlite3 ogg opusfile jansson inih) -lunistring -lpthread
 *   /tmp/gen tests/fixtures/NEW.db tests/fixtures/NEW.key
 *
 * The clock is RECFS_NOW (the test build's libmeta alone honours it): keys set up at 2026-11-28T10:00:05Z with epochs
 * of 900 s; init, an ingest and an open in epoch 0; two opens (one refused)
 * and a details read in epoch 1; epochs 2 and 3 idle; a restriction and an
 * open in epoch 4, which closes epochs 1..3 (2 and 3 over the same
 * entries).  Entries 7 and 8 stay in the current epoch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "catalog.h"

#define T0 1795860000LL /* 2026-11-28T10:00:00Z */

static void at(long long t)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", t);
	setenv("RECFS_NOW", b, 1);
}

int main(int argc, char **argv)
{
	static const char reg_id[] = "0a1b2c3d4e5f60718293a4b5c6d7e8f9", rec[] = "1f3a9c2e5b7d4e6f8a9b0c1d2e3f4a5b";
	const struct audit_actor root = { .uid = 0, .user = "root", .pid = 100, .comm = "recctl" };
	const struct audit_actor ana = { .uid = 1001, .user = "ana", .level = "analysis", .pid = 200, .comm = "cat",
					 .has_loginuid = 1, .loginuid = 1001 };
	const struct audit_actor dpo = { .uid = 1002, .user = "dpo", .level = "privacy", .pid = 300, .comm = "mpv",
					 .has_loginuid = 1, .loginuid = 1002 };
	struct catalog *c = NULL;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_sealed_catalog OUT.db OUT.key\n");
		return 2;
	}
	if (crypto_setup() || catalog_open(argv[1], 1, &c))
		return 1;
	rc |= catalog_set_meta(c, "register_id", reg_id);
	at(T0 + 5);
	rc |= audit_setup_keys(c, 900, argv[2]);
	rc |= audit_log(c, &root, "init", reg_id, "ok", "3 levels");
	at(T0 + 60);
	rc |= audit_log(c, &root, "ingest", rec, "ok", NULL);
	at(T0 + 300);
	rc |= audit_log_artifact(c, &ana, "open", rec, "opus", "ok", NULL);
	at(T0 + 950);
	rc |= audit_log_artifact(c, &ana, "open", rec, "wav", "ok", NULL);
	rc |= audit_refuse_artifact(c, &ana, "open", rec, "1.pdf", -EACCES, "EACCES") != -EACCES;
	at(T0 + 1200);
	rc |= audit_log_artifact(c, &dpo, "details", rec, NULL, "ok", "title,staff");
	at(T0 + 4 * 900 + 30);
	rc |= audit_log(c, &dpo, "restrict", rec, "ok", "request=1");
	at(T0 + 4 * 900 + 40);
	rc |= audit_log_artifact(c, &dpo, "open", rec, "chat", "ok", NULL);
	rc |= catalog_checkpoint(c);
	catalog_close(c);
	if (rc)
		fprintf(stderr, "gen_sealed_catalog: %s\n", meta_errmsg());
	return rc ? 1 : 0;
}
