/*
 * t_reg.h - a register for the unit tests of the modules above the
 * catalog, and what they look at on disk.  t_register: in dir (made with
 * t_mkdtemp), libsodium, dir/reg made from the shipped policy (Argon2id at
 * its fastest: unit tests link the test build's libmeta, see the Makefile)
 * and an empty dir/spool; tests that need a fixed
 * clock set RECFS_NOW before; 0, or -1 with the reason on stderr.
 * t_count and t_count_blobs: rows of the catalog and blob files; t_walk
 * for other looks at a tree of files.  t_last_entry: the last audit entry,
 * of one object or of all.
 */
#ifndef RECFS_T_REG_H
#define RECFS_T_REG_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "ingest.h"
#include "register.h"

static inline int t_register(const char *dir, struct keyring **secrets, struct reg **reg)
{
	char *p;
	int rc = 0;

	/* A mkdtemp template passed as is would be one shared path. */
	if (access(dir, F_OK) < 0) {
		fprintf(stderr, "t_register: %s does not exist: make it with t_mkdtemp\n", dir);
		return -1;
	}
	if (crypto_setup())
		return -1;
	p = xasprintf("%s/reg", dir);
	if (reg_create(p, "packaging/examples/tamro.conf", secrets) || reg_open(p, reg)) {
		fprintf(stderr, "cannot create a register: %s\n", meta_errmsg());
		rc = -1;
	}
	free(p);
	p = xasprintf("%s/spool", dir);
	mkdir(p, 0700);
	free(p);
	return rc;
}

/*
 * The number a query such as "SELECT count(*) FROM audit WHERE ..." gives
 * on reg's catalog.db, read as committed on disk through a connection of
 * its own (as the integration tests' q does); -1 when it cannot be read.
 */
static inline int t_count(const struct reg *reg, const char *sql)
{
	char *path = reg_path(reg, "catalog.db");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		fprintf(stderr, "  t_count: %s: %s\n", sql, db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return n;
}

/*
 * Call fn on path and on everything below it (lstat: links are not
 * followed).  The sum of what fn returned, or -1 when something cannot be
 * read or fn returned a negative number.
 */
static inline int t_walk(const char *path, int (*fn)(const char *path, const struct stat *st))
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int n, sub;

	if (lstat(path, &st) < 0 || (n = fn(path, &st)) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return n;
	if (!(d = opendir(path)))
		return -1;
	while (n >= 0 && (e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		sub = t_walk(p, fn);
		n = sub < 0 ? -1 : n + sub;
		free(p);
	}
	closedir(d);
	return n;
}

static inline int t_is_file(const char *path, const struct stat *st)
{
	(void)path;
	return S_ISREG(st->st_mode);
}

/* Blob files of reg (REGISTER/blobs/xx/<id>); -1 when they cannot be read. */
static inline int t_count_blobs(const struct reg *reg)
{
	char *path = reg_path(reg, "blobs");
	int n = t_walk(path, t_is_file);

	free(path);
	return n;
}

/* A phone number of its own for each test subject, from its name. */
static inline unsigned t_phone_of(const char *name)
{
	unsigned h = 5381;

	for (const char *p = name; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return h % 10000000;
}

/*
 * Ingest the manifest text as dir/spool/<name>.json, beside <name>.opus
 * (mono.opus) and <name>-chat.txt for it to name.  0 with *res filled, or
 * ingest_manifest's error with the reason on stderr.
 */
static inline int t_ingest_text(const char *dir, struct reg *reg, const struct keyring *secrets,
				const struct audit_actor *actor, const char *name, const char *text,
				struct ingest_result *res)
{
	char *opus = xasprintf("%s/spool/%s.opus", dir, name), *json = xasprintf("%s/spool/%s.json", dir, name);
	char *chat = xasprintf("%s/spool/%s-chat.txt", dir, name);
	int rc;

	unlink(opus);
	CHECK_EQ(util_copy_file("tests/fixtures/mono.opus", opus, 0600), 0);
	CHECK_EQ(util_write_file_atomic(chat, "hei\n", 4, 0600), 0);
	CHECK_EQ(util_write_file_atomic(json, text, strlen(text), 0600), 0);
	rc = ingest_manifest(reg, keyring_index_key(secrets), actor, json, res);
	if (rc)
		fprintf(stderr, "  ingest %s: %s\n", name, meta_errmsg());
	free(opus);
	free(json);
	free(chat);
	return rc;
}

/*
 * Ingest a recording named name (mono.opus, a chat, one customer subject
 * "Matti <name>" with a phone number of its own) recorded at when; extra:
 * more manifest fields, "" or ending in a comma.  Its id (malloc'd), or
 * NULL with the reason on stderr.
 */
static inline char *t_ingest_one(const char *dir, struct reg *reg, const struct keyring *secrets,
				 const struct audit_actor *actor, const char *name, const char *when,
				 const char *extra)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\", %s"
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"Matti %s\", \"phone\": \"+35840%u\"}],"
			       " \"audio\": \"%s.opus\", \"attachments\": [{\"file\": \"%s-chat.txt\", \"kind\": \"chat\"}]}",
			       when, extra, name, t_phone_of(name), name, name);
	struct ingest_result res;
	char *id = NULL;

	if (t_ingest_text(dir, reg, secrets, actor, name, text, &res) == 0)
		id = xstrdup(res.recording);
	free(text);
	return id;
}

/* The last audit entry on object (NULL: of all), its strings copied
 * ("" for none). */
struct t_entry {
	char action[32], outcome[16], reason[256], artifact[16];
};

static inline int t_entry_copy(const struct audit_entry *e, void *ctx)
{
	struct t_entry *l = ctx;

	snprintf(l->action, sizeof(l->action), "%s", e->action);
	snprintf(l->outcome, sizeof(l->outcome), "%s", e->outcome);
	snprintf(l->reason, sizeof(l->reason), "%s", e->reason ? e->reason : "");
	snprintf(l->artifact, sizeof(l->artifact), "%s", e->artifact ? e->artifact : "");
	return 0;
}

static inline struct t_entry t_last_entry(const struct reg *reg, const char *object)
{
	struct t_entry l = { "", "", "", "" };

	CHECK_EQ(audit_each(reg->cat, object, t_entry_copy, &l), 0);
	return l;
}

#endif
