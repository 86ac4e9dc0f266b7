/*
 * audit.c - the hash-chained audit log.
 *
 * Entry n's hash is BLAKE2b-256 over entry n-1's hash and every field of
 * entry n, each field prefixed by its length so no two entries serialise
 * alike.  The first entry chains from 32 zero bytes.  Appending reads the
 * last hash inside the writer's transaction (BEGIN IMMEDIATE), so two
 * processes appending at once still form one chain.
 */
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

void audit_self(struct audit_actor *a, const char *level)
{
	static char user[64], comm[32];
	struct passwd pw, *res = NULL;
	char buf[1024];

	memset(a, 0, sizeof(*a));
	a->uid = getuid();
	a->pid = getpid();
	if (getpwuid_r(a->uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(user, sizeof(user), "%s", res->pw_name);
	else
		snprintf(user, sizeof(user), "%ld", (long)a->uid);
	comm_of(a->pid, comm, sizeof(comm));
	a->user = user;
	a->comm = comm;
	a->level = level;
}

/* The parts hashed for one entry: each field as a 4-byte length and its
 * bytes; NULL and "" differ (NULL has length 0xffffffff). */
struct hash_parts {
	size_t n;
	const void *p[32];
	size_t len[32];
	uint8_t lens[16][4];
	uint8_t nums[5][8];
	size_t nlens, nnums;
};

static void put_field(struct hash_parts *h, const void *p, size_t len, int null)
{
	uint8_t *n = h->lens[h->nlens++];
	uint32_t v = null ? 0xffffffffu : (uint32_t)len;

	for (int i = 0; i < 4; i++)
		n[i] = (uint8_t)(v >> (8 * i));
	h->p[h->n] = n;
	h->len[h->n++] = 4;
	if (!null && len) {
		h->p[h->n] = p;
		h->len[h->n++] = len;
	}
}

static void put_str(struct hash_parts *h, const char *s)
{
	put_field(h, s, s ? strlen(s) : 0, !s);
}

static void put_i64(struct hash_parts *h, int64_t v)
{
	uint8_t *b = h->nums[h->nnums++];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (8 * i));
	put_field(h, b, 8, 0);
}

static void entry_hash(const uint8_t prev[CRYPTO_HASH_BYTES], const struct audit_entry *e,
		       uint8_t out[CRYPTO_HASH_BYTES])
{
	struct hash_parts h = { 0 };

	put_field(&h, prev, CRYPTO_HASH_BYTES, 0);
	put_i64(&h, e->seq);
	put_i64(&h, e->time);
	put_i64(&h, (int64_t)e->actor.uid);
	put_str(&h, e->actor.user);
	put_str(&h, e->actor.level);
	put_i64(&h, (int64_t)e->actor.pid);
	put_str(&h, e->actor.comm);
	put_str(&h, e->action);
	put_str(&h, e->object);
	put_str(&h, e->outcome);
	put_str(&h, e->reason);
	crypto_hash_parts(out, h.n, h.p, h.len);
}

/*
 * Without a syslog socket glibc would try to connect again on every entry
 * (a socket and a failed connect per open on the mount): look once.
 */
static pthread_once_t syslog_once = PTHREAD_ONCE_INIT;
static int syslog_there;

static void syslog_probe(void)
{
	struct stat st;

	syslog_there = stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode);
}

static void mirror_syslog(const struct audit_entry *e)
{
	pthread_once(&syslog_once, syslog_probe);
	if (!syslog_there)
		return;
	syslog(LOG_AUTHPRIV | LOG_INFO, "audit seq=%lld uid=%ld user=%s level=%s pid=%ld comm=%s action=%s object=%s outcome=%s%s%s",
	       (long long)e->seq, (long)e->actor.uid, e->actor.user ? e->actor.user : "-",
	       e->actor.level ? e->actor.level : "-", (long)e->actor.pid, e->actor.comm ? e->actor.comm : "-",
	       e->action, e->object ? e->object : "-", e->outcome, e->reason ? " reason=" : "",
	       e->reason ? e->reason : "");
}

/*
 * The head (last seq and hash) is kept in the meta table too, in the same
 * transaction, so that entries cut off the end of the log show: the chain
 * alone cannot tell a shorter log from a truncated one.  Someone who can
 * rewrite both still can; the syslog mirror is the copy outside.
 */
static int set_head(struct catalog *c, int64_t seq, const uint8_t hash[CRYPTO_HASH_BYTES])
{
	char hex[CRYPTO_HASH_BYTES * 2 + 1], *v;
	int rc;

	util_hex(hex, hash, CRYPTO_HASH_BYTES);
	v = xasprintf("%lld:%s", (long long)seq, hex);
	rc = catalog_set_meta(c, "audit_head", v);
	free(v);
	return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int audit_append(struct catalog *c, const struct audit_entry *e, size_t n)
{
	sqlite3 *db = catalog_db(c);
	sqlite3_stmt *last = NULL, *ins = NULL;
	uint8_t prev[CRYPTO_HASH_BYTES] = { 0 };
	int64_t seq = 0;
	int own = !catalog_in_transaction(c), rc, sr;

	if (n == 0)
		return 0;
	if (own) {
		rc = catalog_begin(c);
		if (rc)
			return rc;
	}
	sr = sqlite3_prepare_v2(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1, &last, NULL);
	if (sr == SQLITE_OK)
		sr = sqlite3_prepare_v2(db,
					"INSERT INTO audit (seq, time, uid, user, level, pid, comm, action, object,"
					" outcome, reason, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
					-1, &ins, NULL);
	if (sr != SQLITE_OK) {
		rc = meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
		goto out;
	}
	sr = sqlite3_step(last);
	if (sr == SQLITE_ROW) {
		seq = sqlite3_column_int64(last, 0);
		if (sqlite3_column_bytes(last, 1) == CRYPTO_HASH_BYTES)
			memcpy(prev, sqlite3_column_blob(last, 1), CRYPTO_HASH_BYTES);
	} else if (sr != SQLITE_DONE) {
		rc = meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct audit_entry x = e[i];
		uint8_t h[CRYPTO_HASH_BYTES];

		x.seq = ++seq;
		if (!x.time)
			x.time = util_now();
		entry_hash(prev, &x, h);
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, x.seq);
		sqlite3_bind_int64(ins, 2, x.time);
		sqlite3_bind_int64(ins, 3, (int64_t)x.actor.uid);
		bind_opt(ins, 4, x.actor.user);
		bind_opt(ins, 5, x.actor.level);
		sqlite3_bind_int64(ins, 6, (int64_t)x.actor.pid);
		bind_opt(ins, 7, x.actor.comm);
		sqlite3_bind_text(ins, 8, x.action, -1, SQLITE_STATIC);
		bind_opt(ins, 9, x.object);
		sqlite3_bind_text(ins, 10, x.outcome, -1, SQLITE_STATIC);
		bind_opt(ins, 11, x.reason);
		sqlite3_bind_blob(ins, 12, h, sizeof(h), SQLITE_STATIC);
		sr = sqlite3_step(ins);
		if (sr != SQLITE_DONE) {
			rc = meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
			goto out;
		}
		memcpy(prev, h, sizeof(prev));
		mirror_syslog(&x);
	}
	rc = set_head(c, seq, prev);
out:
	sqlite3_finalize(last);
	sqlite3_finalize(ins);
	if (own) {
		if (rc == 0)
			rc = catalog_commit(c);
		if (rc)
			catalog_rollback(c);
	}
	return rc;
}

int audit_log(struct catalog *c, const struct audit_actor *a, const char *action, const char *object,
	      const char *outcome, const char *reason)
{
	struct audit_entry e = {
		.actor = *a, .action = action, .object = object, .outcome = outcome, .reason = reason,
	};

	return audit_append(c, &e, 1);
}

int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why)
{
	if (audit_log(c, a, action, object, "refused", why))
		meta_clear_error();
	return meta_fail(err, "%s refused: %s", action, why);
}

static void entry_from_row(sqlite3_stmt *st, struct audit_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = sqlite3_column_int64(st, 0);
	e->time = sqlite3_column_int64(st, 1);
	e->actor.uid = (uid_t)sqlite3_column_int64(st, 2);
	e->actor.user = (const char *)sqlite3_column_text(st, 3);
	e->actor.level = (const char *)sqlite3_column_text(st, 4);
	e->actor.pid = (pid_t)sqlite3_column_int64(st, 5);
	e->actor.comm = (const char *)sqlite3_column_text(st, 6);
	e->action = (const char *)sqlite3_column_text(st, 7);
	e->object = (const char *)sqlite3_column_text(st, 8);
	e->outcome = (const char *)sqlite3_column_text(st, 9);
	e->reason = (const char *)sqlite3_column_text(st, 10);
}

#define AUDIT_COLS "seq, time, uid, user, level, pid, comm, action, object, outcome, reason, hash"

int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	sqlite3 *db = catalog_db(c);
	sqlite3_stmt *st = NULL;
	int sr, ret = 0;

	sr = sqlite3_prepare_v2(db,
				object ? "SELECT " AUDIT_COLS " FROM audit WHERE object=?1 ORDER BY seq"
				       : "SELECT " AUDIT_COLS " FROM audit ORDER BY seq",
				-1, &st, NULL);
	if (sr != SQLITE_OK)
		return meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
	if (object)
		sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e;

		entry_from_row(st, &e);
		ret = fn(&e, ctx);
		if (ret)
			break;
	}
	if (!ret && sr != SQLITE_DONE)
		ret = meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ret;
}

int audit_verify(struct catalog *c, int64_t *count, int64_t *bad)
{
	sqlite3 *db = catalog_db(c);
	sqlite3_stmt *st = NULL;
	uint8_t prev[CRYPTO_HASH_BYTES] = { 0 };
	int64_t expect = 1, n = 0;
	int sr, rc = 0;

	/* Read in physical (rowid) order too: seq is the rowid, so a
	 * renumbered entry shows up as a gap or a chain break. */
	sr = sqlite3_prepare_v2(db, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq", -1, &st, NULL);
	if (sr != SQLITE_OK)
		return meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e;
		uint8_t h[CRYPTO_HASH_BYTES];

		entry_from_row(st, &e);
		if (e.seq != expect) {
			rc = meta_fail(-EBADMSG, "audit entry %lld is missing (the log jumps from %lld to %lld)",
				       (long long)expect, (long long)expect - 1, (long long)e.seq);
			*bad = expect;
			break;
		}
		entry_hash(prev, &e, h);
		if (sqlite3_column_bytes(st, 11) != CRYPTO_HASH_BYTES ||
		    !crypto_equal(h, sqlite3_column_blob(st, 11), CRYPTO_HASH_BYTES)) {
			rc = meta_fail(-EBADMSG, "audit entry %lld was edited, removed or moved: its hash does not "
				       "follow from the entries before it", (long long)e.seq);
			*bad = e.seq;
			break;
		}
		memcpy(prev, h, sizeof(prev));
		expect++;
		n++;
	}
	if (!rc && sr != SQLITE_DONE)
		rc = meta_fail(catalog_errno(sr), "audit: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc == 0) {
		char *head = NULL, hex[CRYPTO_HASH_BYTES * 2 + 1];
		long long hseq = 0;
		int hr = catalog_get_meta(c, "audit_head", &head);

		util_hex(hex, prev, CRYPTO_HASH_BYTES);
		if (hr == 0 && (sscanf(head, "%lld:", &hseq) != 1 || hseq != n ||
				(strchr(head, ':') && strcmp(strchr(head, ':') + 1, hex)))) {
			rc = meta_fail(-EBADMSG, "audit log was cut: it ends at entry %lld, but entry %lld was written",
				       (long long)n, hseq);
			*bad = n + 1;
		} else if (hr && hr != -ENOENT) {
			rc = hr;
		}
		free(head);
	}
	if (rc == 0)
		*count = n;
	return rc;
}
