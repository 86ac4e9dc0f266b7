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
#include <fcntl.h>
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

void audit_loginuid(pid_t pid, struct audit_actor *a)
{
	char path[64], buf[16];
	unsigned long v;
	ssize_t n;
	int fd;

	a->has_loginuid = 0;
	snprintf(path, sizeof(path), "/proc/%ld/loginuid", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* (uid_t)-1 is "never logged in" (daemons, early boot). */
	if (sscanf(buf, "%lu", &v) == 1 && v < (unsigned long)(uid_t)-1) {
		a->loginuid = (uid_t)v;
		a->has_loginuid = 1;
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
	audit_loginuid(a->pid, a);
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
	uint8_t nums[6][8];
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
	/* Schema 2's fields, only when set: an entry without them hashes as
	 * every entry did before, and one with them cannot serialise like one
	 * without (the serialisation is longer, each field length-prefixed). */
	if (e->artifact || e->actor.has_loginuid) {
		put_str(&h, e->artifact);
		put_i64(&h, e->actor.has_loginuid ? (int64_t)e->actor.loginuid : -1);
	}
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
	char login[24] = "-";

	pthread_once(&syslog_once, syslog_probe);
	if (!syslog_there)
		return;
	if (e->actor.has_loginuid)
		snprintf(login, sizeof(login), "%lu", (unsigned long)e->actor.loginuid);
	syslog(LOG_AUTHPRIV | LOG_INFO,
	       "audit seq=%lld uid=%ld user=%s loginuid=%s level=%s pid=%ld comm=%s action=%s object=%s%s%s "
	       "outcome=%s%s%s",
	       (long long)e->seq, (long)e->actor.uid, e->actor.user ? e->actor.user : "-", login,
	       e->actor.level ? e->actor.level : "-", (long)e->actor.pid, e->actor.comm ? e->actor.comm : "-",
	       e->action, e->object ? e->object : "-", e->artifact ? " artifact=" : "", e->artifact ? e->artifact : "",
	       e->outcome, e->reason ? " reason=" : "", e->reason ? e->reason : "");
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

	crypto_hex(hex, hash, CRYPTO_HASH_BYTES);
	v = xasprintf("%lld:%s", (long long)seq, hex);
	rc = catalog_set_meta(c, "audit_head", v);
	free(v);
	return rc;
}

/* The row that stores e (lent: it points into e and h). */
static void row_of(const struct audit_entry *e, const uint8_t h[CRYPTO_HASH_BYTES], struct cat_audit *row)
{
	*row = (struct cat_audit){
		.seq = e->seq, .time = e->time, .uid = (int64_t)e->actor.uid, .user = e->actor.user,
		.level = e->actor.level, .pid = (int64_t)e->actor.pid, .comm = e->actor.comm, .action = e->action,
		.object = e->object, .outcome = e->outcome, .reason = e->reason, .artifact = e->artifact,
		.loginuid = e->actor.has_loginuid ? (int64_t)e->actor.loginuid : -1, .hash = h,
		.hash_len = CRYPTO_HASH_BYTES,
	};
}

int audit_append(struct catalog *c, const struct audit_entry *e, size_t n)
{
	uint8_t prev[CRYPTO_HASH_BYTES];
	int64_t seq = 0;
	int own = !catalog_in_transaction(c), rc;

	if (n == 0)
		return 0;
	if (own) {
		rc = catalog_begin(c);
		if (rc)
			return rc;
	}
	rc = catalog_audit_last(c, &seq, prev);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct audit_entry x = e[i];
		struct cat_audit row;
		uint8_t h[CRYPTO_HASH_BYTES];

		x.seq = ++seq;
		if (!x.time)
			x.time = util_now();
		entry_hash(prev, &x, h);
		row_of(&x, h, &row);
		rc = catalog_audit_append(c, &row);
		if (rc)
			goto out;
		memcpy(prev, h, sizeof(prev));
		mirror_syslog(&x);
	}
	rc = set_head(c, seq, prev);
out:
	if (own) {
		if (rc == 0)
			rc = catalog_commit(c);
		if (rc)
			catalog_rollback(c);
	}
	return rc;
}

int audit_log_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
		       const char *artifact, const char *outcome, const char *reason)
{
	struct audit_entry e = {
		.actor = *a, .action = action, .object = recording, .outcome = outcome, .reason = reason,
		.artifact = artifact,
	};

	return audit_append(c, &e, 1);
}

int audit_log(struct catalog *c, const struct audit_actor *a, const char *action, const char *object,
	      const char *outcome, const char *reason)
{
	return audit_log_artifact(c, a, action, object, NULL, outcome, reason);
}

int audit_refuse_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
			  const char *artifact, int err, const char *why)
{
	if (audit_log_artifact(c, a, action, recording, artifact, "refused", why))
		meta_clear_error();
	return meta_fail(err, "%s refused: %s", action, why);
}

int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why)
{
	return audit_refuse_artifact(c, a, action, object, NULL, err, why);
}

/* The entry a row holds (lent: it points into row). */
static void entry_of(const struct cat_audit *row, struct audit_entry *e)
{
	*e = (struct audit_entry){
		.seq = row->seq, .time = row->time,
		.actor = { .uid = (uid_t)row->uid, .user = row->user, .level = row->level, .pid = (pid_t)row->pid,
			   .comm = row->comm, .has_loginuid = row->loginuid >= 0,
			   .loginuid = row->loginuid >= 0 ? (uid_t)row->loginuid : 0 },
		.action = row->action, .object = row->object, .outcome = row->outcome, .reason = row->reason,
		.artifact = row->artifact,
	};
}

struct each {
	int (*fn)(const struct audit_entry *, void *);
	void *ctx;
};

static int each_row(const struct cat_audit *row, void *ctx)
{
	struct each *w = ctx;
	struct audit_entry e;

	entry_of(row, &e);
	return w->fn(&e, w->ctx);
}

int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	struct each w = { fn, ctx };

	return catalog_each_audit(c, object, each_row, &w);
}

int audit_each_where(struct catalog *c, const struct cat_audit_filter *f,
		     int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	struct each w = { fn, ctx };

	return catalog_each_audit_where(c, f, each_row, &w);
}

/* Where audit_verify is in the chain. */
struct verify {
	uint8_t prev[CRYPTO_HASH_BYTES];
	int64_t expect;		/* the seq the next row must have */
	int64_t n;		/* rows that followed */
	int64_t bad;		/* the first that did not, once broken */
	int broken;
};

static int verify_row(const struct cat_audit *row, void *ctx)
{
	struct verify *v = ctx;
	struct audit_entry e;
	uint8_t h[CRYPTO_HASH_BYTES];

	entry_of(row, &e);
	if (e.seq != v->expect) {
		v->broken = 1;
		v->bad = v->expect;
		return meta_fail(-EBADMSG, "audit entry %lld is missing (the log jumps from %lld to %lld)",
				 (long long)v->expect, (long long)v->expect - 1, (long long)e.seq);
	}
	entry_hash(v->prev, &e, h);
	if (row->hash_len != CRYPTO_HASH_BYTES || !crypto_equal(h, row->hash, CRYPTO_HASH_BYTES)) {
		v->broken = 1;
		v->bad = e.seq;
		return meta_fail(-EBADMSG, "audit entry %lld was edited, removed or moved: its hash does not "
				 "follow from the entries before it", (long long)e.seq);
	}
	memcpy(v->prev, h, sizeof(v->prev));
	v->expect++;
	v->n++;
	return 0;
}

int audit_verify(struct catalog *c, int64_t *count, int64_t *bad)
{
	struct verify v = { .expect = 1 };
	int rc;

	/* Read in physical (rowid) order too: seq is the rowid, so a
	 * renumbered entry shows up as a gap or a chain break. */
	rc = catalog_each_audit(c, NULL, verify_row, &v);
	if (v.broken)
		*bad = v.bad;
	if (rc == 0) {
		char *head = NULL, hex[CRYPTO_HASH_BYTES * 2 + 1];
		long long hseq = 0;
		int hr = catalog_get_meta(c, "audit_head", &head);

		crypto_hex(hex, v.prev, CRYPTO_HASH_BYTES);
		if (hr == 0 && (sscanf(head, "%lld:", &hseq) != 1 || hseq != v.n ||
				(strchr(head, ':') && strcmp(strchr(head, ':') + 1, hex)))) {
			rc = meta_fail(-EBADMSG, "audit log was cut: it ends at entry %lld, but entry %lld was written",
				       (long long)v.n, hseq);
			*bad = v.n + 1;
		} else if (hr && hr != -ENOENT) {
			rc = hr;
		}
		free(head);
	}
	if (rc == 0)
		*count = v.n;
	return rc;
}
