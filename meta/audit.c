/*
 * audit.c - the hash-chained, sealed audit log.
 *
 * Entry n's hash is BLAKE2b-256 over entry n-1's hash and every field of
 * entry n, each field prefixed by its length so no two entries serialise
 * alike.  The first entry chains from 32 zero bytes.  Appending reads the
 * last hash inside the writer's transaction (BEGIN IMMEDIATE), so two
 * processes appending at once still form one chain.
 *
 * Sealing.  Epoch i runs from start + i * interval for interval seconds;
 * the verification key holds a random seed S, K(0) = crypto_key_evolve(S)
 * and K(i+1) = crypto_key_evolve(K(i)), so not even epoch 0's key state is
 * the verification key.  The catalog holds one key state (epoch e, K(e))
 * and the closing seals of epochs 0..e-1, with
 *   seal(i) = keyed BLAKE2b-256 under K(i) of
 *             SEAL_DOMAIN || le64 i || le64 seq || hash of entry seq
 * where seq is the last entry when epoch i was closed (0 and zero bytes
 * for an empty log).  Whoever appends first after epochs have ended closes
 * every one of them in order, evolving as it goes, in the transaction of
 * its entries: seals, key and entries commit together or not at all, so
 * the seals stay contiguous whatever crashes, and two writers cannot both
 * close an epoch.  The key lives in the catalog for that atomicity (a file
 * beside it could hold a key whose seals were never committed, or lose
 * seals whose key was already gone); the price is the WAL: the page that
 * held the old key stays in WAL frames (and the database file holds the
 * version of the last checkpoint) until a checkpoint, which is tried,
 * without waiting, after each evolution in a transaction of our own.
 * Invariant: key epoch == number of seals, and seal seqs never decrease.
 *
 * Retention.  audit_expire drops the oldest entries, 1..F-1, in one
 * transaction with a checkpoint (F, the hash of entry F-1, the limit they
 * were all written before, a MAC under the current key) from which the
 * chain goes on, and with an entry saying so.  Seals are never dropped:
 * they name no one, keep the epochs contiguous, and each still says that
 * the entries after it were written after its epoch ended.  So F never
 * passes the first seal of an epoch that ended after the limit, and
 * verification holds a checkpoint to that.  Invariant: the log holds
 * entries F..last without a gap, at least one of them.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "subject.h"

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

int audit_loginuid_fd(int fd, struct audit_actor *a)
{
	char buf[16];
	unsigned long v;
	ssize_t n;

	a->has_loginuid = 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	buf[n] = '\0';
	/* (uid_t)-1 is "never logged in" (daemons, early boot). */
	if (sscanf(buf, "%lu", &v) == 1 && v < (unsigned long)(uid_t)-1) {
		a->loginuid = (uid_t)v;
		a->has_loginuid = 1;
	}
	return 0;
}

void audit_loginuid(pid_t pid, struct audit_actor *a)
{
	char path[64];
	int fd;

	a->has_loginuid = 0;
	snprintf(path, sizeof(path), "/proc/%ld/loginuid", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)audit_loginuid_fd(fd, a);
	close(fd);
}

void audit_self(struct audit_actor *a, const char *level)
{
	static char user[LOGIN_NAME_MAX], comm[32];
	struct passwd pw, *res = NULL;
	char buf[4096];

	memset(a, 0, sizeof(*a));
	a->uid = getuid();
	a->pid = getpid();
	if (getpwuid_r(a->uid, &pw, buf, sizeof(buf), &res) == 0 && res && strlen(res->pw_name) < sizeof(user))
		memcpy(user, res->pw_name, strlen(res->pw_name) + 1);
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
	if (e->artifact || e->actor.has_loginuid || e->time_us) {
		put_str(&h, e->artifact);
		put_i64(&h, e->actor.has_loginuid ? (int64_t)e->actor.loginuid : -1);
	}
	/* Schema 27's, likewise: after schema 2's, which it always brings. */
	if (e->time_us)
		put_i64(&h, e->time_us);
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

int audit_syslog_mirrored(void)
{
	pthread_once(&syslog_once, syslog_probe);
	return syslog_there;
}

char *audit_mirror_line(const struct audit_entry *e)
{
	char login[24] = "-", *line;
	/* Chosen by the caller (its process name, a reason's text) or by an
	 * administrator: each one field, a space in it no field separator. */
	char *user = util_escape_field(e->actor.user), *level = util_escape_field(e->actor.level);
	char *comm = util_escape_field(e->actor.comm), *object = util_escape_field(e->object);
	char *artifact = util_escape_field(e->artifact), *reason = util_escape_for_log(e->reason ? e->reason : "");

	if (e->actor.has_loginuid)
		snprintf(login, sizeof(login), "%lu", (unsigned long)e->actor.loginuid);
	line = xasprintf("audit seq=%lld uid=%ld user=%s loginuid=%s level=%s pid=%ld comm=%s action=%s object=%s%s%s "
			 "outcome=%s%s%s",
			 (long long)e->seq, (long)e->actor.uid, user, login, level, (long)e->actor.pid, comm, e->action,
			 object, e->artifact ? " artifact=" : "", e->artifact ? artifact : "", e->outcome,
			 e->reason ? " reason=" : "", e->reason ? reason : "");
	free(user);
	free(level);
	free(comm);
	free(object);
	free(artifact);
	free(reason);
	return line;
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
		.artifact = row->artifact, .time_us = row->time_us,
	};
}

static int mirror_row(const struct cat_audit *row, void *ctx)
{
	struct audit_entry e;
	char *line;

	(void)ctx;
	entry_of(row, &e);
	line = audit_mirror_line(&e);
	syslog(LOG_AUTHPRIV | LOG_INFO, "%s", line);
	free(line);
	return 0;
}

/*
 * The syslog mirror: the entries first..last as c committed them, read
 * back after the commit (catalog_on_audit_commit).  An entry whose
 * transaction was rolled back (a full disk, a refused erasure) was never
 * in the log and is not mirrored; its copy that the audit queue writes
 * later is mirrored then, once.
 */
static void mirror_committed(struct catalog *c, int64_t first, int64_t last)
{
	struct cat_audit_filter f = { .seq_from = first, .seq_to = last };

	if (catalog_each_audit_where(c, &f, mirror_row, NULL)) {
		syslog(LOG_AUTHPRIV | LOG_WARNING, "audit entries %lld to %lld are in the log but not mirrored here: %s",
		       (long long)first, (long long)last, meta_errmsg());
		meta_clear_error();
	}
}

void audit_mirror_range(struct catalog *c, int64_t first, int64_t last)
{
	if (audit_syslog_mirrored())
		mirror_committed(c, first, last);
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
		.loginuid = e->actor.has_loginuid ? (int64_t)e->actor.loginuid : -1, .time_us = e->time_us, .hash = h,
		.hash_len = CRYPTO_HASH_BYTES,
	};
}

/* How long after an epoch ends audit_verify lets it be unsealed: the
 * seal timer runs within a minute of each end. */
#define SEAL_GRACE 60

/* Domain of the sealed bytes; the version is that of the seal format. */
static const char SEAL_DOMAIN[] = "recfs audit seal 1";

/* v as 8 bytes, least significant first, at *p, which moves past them. */
static void put_le64(uint8_t **p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		*(*p)++ = (uint8_t)((uint64_t)v >> (8 * i));
}

/* seal(epoch) under key over the log's entries 1..seq whose last hash is head. */
static void seal_mac(const struct crypto_key *key, int64_t epoch, int64_t seq, const uint8_t head[CRYPTO_HASH_BYTES],
		     uint8_t mac[CRYPTO_MAC_BYTES])
{
	uint8_t buf[sizeof(SEAL_DOMAIN) + 16 + CRYPTO_HASH_BYTES], *p = buf;

	memcpy(p, SEAL_DOMAIN, sizeof(SEAL_DOMAIN));
	p += sizeof(SEAL_DOMAIN);
	put_le64(&p, epoch);
	put_le64(&p, seq);
	memcpy(p, head, CRYPTO_HASH_BYTES);
	crypto_keyed_hash(key, buf, sizeof(buf), mac);
}

/*
 * The retention checkpoint, kept in the meta table (key audit_checkpoint)
 * once audit_expire has dropped the start of the log.  The chain restarts
 * from it: entry `first` chains from `prev`, the hash entry first-1 had.
 * Every entry dropped was written before `before`; the checkpoint was
 * made at `made`, when the key was at `epoch` (-1: the log was not sealed,
 * no MAC), and
 *   mac = keyed BLAKE2b-256 under K(epoch) of CKPT_DOMAIN || le64 epoch ||
 *         le64 first || prev || le64 before || le64 made
 * so that once that epoch has ended nobody can make or change one for it.
 * Stored as text: "1 FIRST PREVHEX BEFORE MADE EPOCH MACHEX|-".
 */
struct checkpoint {
	int64_t first, before, made, epoch;
	uint8_t prev[CRYPTO_HASH_BYTES];
	uint8_t mac[CRYPTO_MAC_BYTES];
};

#define CKPT_KEY "audit_checkpoint"
#define CKPT_VERSION 1
static const char CKPT_DOMAIN[] = "recfs audit checkpoint 1";

static void ckpt_mac(const struct crypto_key *key, const struct checkpoint *ck, uint8_t mac[CRYPTO_MAC_BYTES])
{
	uint8_t buf[sizeof(CKPT_DOMAIN) + 32 + CRYPTO_HASH_BYTES], *p = buf;

	memcpy(p, CKPT_DOMAIN, sizeof(CKPT_DOMAIN));
	p += sizeof(CKPT_DOMAIN);
	put_le64(&p, ck->epoch);
	put_le64(&p, ck->first);
	memcpy(p, ck->prev, CRYPTO_HASH_BYTES);
	p += CRYPTO_HASH_BYTES;
	put_le64(&p, ck->before);
	put_le64(&p, ck->made);
	crypto_keyed_hash(key, buf, sizeof(buf), mac);
}

static int ckpt_save(struct catalog *c, const struct checkpoint *ck)
{
	char prev[CRYPTO_HASH_BYTES * 2 + 1], mac[CRYPTO_MAC_BYTES * 2 + 1] = "-", *v;
	int rc;

	crypto_hex(prev, ck->prev, CRYPTO_HASH_BYTES);
	if (ck->epoch >= 0)
		crypto_hex(mac, ck->mac, CRYPTO_MAC_BYTES);
	v = xasprintf("%d %lld %s %lld %lld %lld %s", CKPT_VERSION, (long long)ck->first, prev, (long long)ck->before,
		      (long long)ck->made, (long long)ck->epoch, mac);
	rc = catalog_set_meta(c, CKPT_KEY, v);
	free(v);
	return rc;
}

/* The checkpoint into *ck: 0, -ENOENT when there is none (nothing was
 * ever dropped), -EBADMSG when it is not one, or a catalog error. */
static int ckpt_load(struct catalog *c, struct checkpoint *ck)
{
	char *v = NULL, prev[CRYPTO_HASH_BYTES * 2 + 2], mac[CRYPTO_MAC_BYTES * 2 + 2];
	long long first, before, made, epoch;
	int version, end = 0, rc;

	rc = catalog_get_meta(c, CKPT_KEY, &v);
	if (rc)
		return rc;
	rc = -EBADMSG;
	if (sscanf(v, "%d %lld %65s %lld %lld %lld %65s%n", &version, &first, prev, &before, &made, &epoch, mac,
		   &end) != 7 || v[end] || version != CKPT_VERSION || first < 2 || epoch < -1 || before > made)
		goto out;
	*ck = (struct checkpoint){ .first = first, .before = before, .made = made, .epoch = epoch };
	if (strlen(prev) != CRYPTO_HASH_BYTES * 2 || crypto_unhex(ck->prev, CRYPTO_HASH_BYTES, prev))
		goto out;
	if (epoch >= 0 ? strlen(mac) != CRYPTO_MAC_BYTES * 2 || crypto_unhex(ck->mac, CRYPTO_MAC_BYTES, mac)
		       : strcmp(mac, "-"))
		goto out;
	rc = 0;
out:
	if (rc == -EBADMSG)
		rc = meta_fail(-EBADMSG, "the retention checkpoint of the audit log was altered: it does not read "
					 "as one");
	free(v);
	return rc;
}

/* The epoch that holds time t; -1 before the clock's start. */
static int64_t epoch_at(int64_t start, int64_t interval, int64_t t)
{
	return t < start ? -1 : (t - start) / interval;
}

/*
 * Close every epoch that ended before now, inside the caller's write
 * transaction: a seal each over the log as it stands, then the key evolves.
 * *closed = epochs closed.  Nothing to do (0) on an unsealed log.
 */
static int close_epochs(struct catalog *c, int64_t now, int64_t *closed)
{
	struct cat_audit_key ks = { 0 };
	uint8_t head[CRYPTO_HASH_BYTES], mac[CRYPTO_MAC_BYTES];
	int64_t seq = 0, cur, first;
	int rc;

	*closed = 0;
	rc = catalog_audit_key_get(c, &ks);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	cur = epoch_at(ks.start, ks.interval, now);
	first = ks.epoch;
	if (cur <= ks.epoch)
		goto out;
	if ((rc = catalog_audit_last(c, &seq, head)))
		goto out;
	while (ks.epoch < cur) {
		struct cat_audit_seal sl = { .epoch = ks.epoch, .seq = seq, .mac = mac, .mac_len = sizeof(mac) };

		seal_mac(ks.key, ks.epoch, seq, head, mac);
		if ((rc = catalog_audit_seal_append(c, &sl)) || (rc = crypto_key_evolve(ks.key)))
			goto out;
		ks.epoch++;
	}
	if ((rc = catalog_audit_key_put(c, &ks)))
		goto out;
	*closed = ks.epoch - first;
out:
	crypto_memzero(mac, sizeof(mac));
	crypto_key_free(ks.key);
	return rc;
}

/*
 * End a write that began its own transaction (own) or joined the caller's:
 * commit or roll back ours.  A write that evolved the key has the old
 * key's pages taken out of the WAL by the commit that makes it durable,
 * ours or the caller's (catalog_audit_key_put: catalog_checkpoint_due),
 * or, while a reader is in the way, by a commit after it.  Returns rc, or
 * the commit's error.
 */
static int finish(struct catalog *c, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0)
		rc = catalog_commit(c);
	if (rc)
		catalog_rollback(c);
	return rc;
}

int audit_append(struct catalog *c, const struct audit_entry *e, size_t n)
{
	uint8_t prev[CRYPTO_HASH_BYTES];
	int64_t seq = 0, closed = 0;
	int own = !catalog_in_transaction(c), rc;

	if (n == 0)
		return 0;
	if (audit_syslog_mirrored())
		catalog_on_audit_commit(c, mirror_committed);
	if (own) {
		rc = catalog_begin(c);
		if (rc)
			return rc;
	}
	rc = close_epochs(c, util_now(), &closed);
	if (rc == 0)
		rc = catalog_audit_last(c, &seq, prev);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct audit_entry x = e[i];
		struct cat_audit row;
		uint8_t h[CRYPTO_HASH_BYTES];

		x.seq = ++seq;
		/* One reading of the clock for both; an entry whose second
		 * was given (the journal of a mount before schema 28) keeps
		 * time_us unknown. */
		if (!x.time && !x.time_us)
			x.time_us = util_now_us();
		if (!x.time)
			x.time = util_floor_div(x.time_us, 1000000);
		entry_hash(prev, &x, h);
		row_of(&x, h, &row);
		rc = catalog_audit_append(c, &row);
		if (rc)
			goto out;
		memcpy(prev, h, sizeof(prev));
	}
	rc = set_head(c, seq, prev);
out:
	return finish(c, own, rc);
}

int audit_seal(struct catalog *c, int64_t *closed)
{
	struct cat_audit_key ks = { 0 };
	int64_t n = 0;
	int own = !catalog_in_transaction(c), rc;

	if (own && (rc = catalog_begin(c)))
		return rc;
	rc = catalog_audit_key_get(c, &ks);
	crypto_key_free(ks.key);
	if (rc == -ENOENT)
		rc = meta_fail(-ENOENT, "the audit log has no sealing key state: either none was issued "
				       "(recctl audit setup-keys) or it was removed (recctl audit verify --verify-key "
				       "FILE, with the key kept off the host, tells)");
	else if (rc == 0)
		rc = close_epochs(c, util_now(), &n);
	/* The timer's seal takes the WAL's old keys out even when a mount
	 * closed the epochs and a reader kept its checkpoint from them. */
	if (rc == 0)
		catalog_checkpoint_due(c);
	rc = finish(c, own, rc);
	if (rc == 0)
		*closed = n;
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

static void (*unlogged_fn)(const struct audit_entry *e, void *ctx);
static void *unlogged_ctx;

void audit_set_unlogged(void (*fn)(const struct audit_entry *e, void *ctx), void *ctx)
{
	unlogged_fn = fn;
	unlogged_ctx = ctx;
}

/* audit_refusals_counted: this thread's refusals are counted by the
 * caller, not logged. */
static __thread int counted;

void audit_refusals_counted(int on)
{
	counted = on;
}

/* While this thread watches (audit_refusal_watch), the last refusal it
 * logged inside a transaction, copied: its entry goes if the transaction
 * does (audit_refusal_rolled_back). */
static __thread int watching;
static __thread struct held {
	struct audit_entry e;
	char *s[8];
} *held;

static void drop_held(void)
{
	if (!held)
		return;
	for (size_t i = 0; i < sizeof(held->s) / sizeof(*held->s); i++)
		free(held->s[i]);
	free(held);
	held = NULL;
}

void audit_refusal_watch(void)
{
	drop_held();
	watching = 1;
}

void audit_refusal_forget(void)
{
	drop_held();
	watching = 0;
}

static const char *hold_str(const char *s, size_t i)
{
	return s ? (held->s[i] = xstrdup(s)) : NULL;
}

static void hold_refusal(const struct audit_entry *e)
{
	drop_held();
	held = xcalloc(1, sizeof(*held));
	held->e = *e;
	held->e.actor.user = hold_str(e->actor.user, 0);
	held->e.actor.level = hold_str(e->actor.level, 1);
	held->e.actor.comm = hold_str(e->actor.comm, 2);
	held->e.action = hold_str(e->action, 3);
	held->e.object = hold_str(e->object, 4);
	held->e.artifact = hold_str(e->artifact, 5);
	held->e.outcome = hold_str(e->outcome, 6);
	held->e.reason = hold_str(e->reason, 7);
}

/* e, which c could not take, to audit_set_unlogged's function. */
static void unlogged(const struct audit_entry *e)
{
	meta_clear_error();
	if (unlogged_fn)
		unlogged_fn(e, unlogged_ctx);
}

void audit_refusal_rolled_back(struct catalog *c)
{
	if (!held)
		return;
	if (audit_append(c, &held->e, 1))
		unlogged(&held->e);
	drop_held();
}

/*
 * Whether o has a form recfs gives an entry's object: an id, a handle, a
 * quarantined or deferred manifest's tag ("q-" or "m-" and hex digits),
 * or "-".  A refusal names the object as the caller typed it, and an
 * officer types a person's name or personal identity number where a
 * handle goes, with something else wrong in the same command (bb16 F1):
 * such a text is not written, and the entry has no object.
 */
static int object_form(const char *o)
{
	if (!o || !strcmp(o, "-") || util_is_id(o) || subject_handle_form(o))
		return 1;
	return (o[0] == 'q' || o[0] == 'm') && o[1] == '-' && util_hex_len(o + 2);
}

int audit_refuse_artifact(struct catalog *c, const struct audit_actor *a, const char *action, const char *recording,
			  const char *artifact, int err, const char *why)
{
	struct audit_entry e = {
		.actor = *a, .action = action, .object = object_form(recording) ? recording : NULL,
		.outcome = "refused", .reason = why, .artifact = artifact,
	};

	int rc;

	if (counted)
		;	/* the caller counts it (a flood: audit_refusals_counted) */
	else if ((rc = audit_append(c, &e, 1)) == -ESTALE)
		;	/* its transaction's begin check refused it (the mount's
			 * policy is stale): the caller logs that refusal instead */
	else if (rc)
		unlogged(&e);
	else if (watching && catalog_in_transaction(c))
		hold_refusal(&e);
	return meta_fail(err, "%s refused: %s", action, why);
}

int audit_refuse(struct catalog *c, const struct audit_actor *a, const char *action, const char *object, int err,
		 const char *why)
{
	return audit_refuse_artifact(c, a, action, object, NULL, err, why);
}


/* Every action an entry of recfs may have, sorted (bsearch). */
static const char *const actions[] = {
	"audit", "audit-expire", "audit-setup-keys", "card", "checkpoint", "chmod", "chown", "create", "details",
	"erase", "erase-subject", "export", "fsck-repair", "hold", "ingest", "init", "keys-check", "keys-export",
	"lift-objection", "lift-restriction", "link", "lock", "merge-subject", "mkdir", "mknod", "object", "open",
	"opendir", "policy-apply", "policy-reload", "protect", "quarantine", "quarantine-erase", "read", "rectify",
	"refusals", "release-hold", "removexattr", "rename", "request-answer", "request-close", "request-extend",
	"request-link", "request-new", "request-show", "request-state", "reseal", "restrict", "retention",
	"retention-skip", "retention-sweep", "rmdir", "seal-reasons", "setattr", "setxattr", "split-subject", "subject-find",
	"subject-reindex", "subject-show", "symlink", "truncate", "unlink", "unlock", "utimes", "watch",
	"withdraw-consent", "write",
};

static int cmp_action(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int audit_reason_value(const char *reason, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);

	for (const char *w = reason; w && *w;) {
		size_t len;

		w += strspn(w, " ");
		len = strcspn(w, " ");
		if (len > klen && !strncmp(w, key, klen) && w[klen] == '=') {
			snprintf(out, n, "%.*s", (int)(len - klen - 1), w + klen + 1);
			return 1;
		}
		w += len;
	}
	return 0;
}

int audit_entry_issued_key(const struct audit_entry *e)
{
	char v[32];

	if (!e->action || !e->outcome || strcmp(e->outcome, "ok"))
		return 0;
	return !strcmp(e->action, "audit-setup-keys") ||
	       (!strcmp(e->action, "init") && audit_reason_value(e->reason, AUDIT_INIT_EPOCH, v, sizeof(v)));
}

int audit_action_known(const char *action)
{
	return bsearch(&action, actions, sizeof(actions) / sizeof(actions[0]), sizeof(actions[0]), cmp_action) != NULL;
}

/*
 * Entries audit_each_where reads in one statement.  Between two pages it
 * holds no read snapshot, so a caller that blocks in fn (recctl audit show
 * writing into a pager's full pipe, for as long as the officer looks) keeps
 * no checkpoint from copying into catalog.db the pages that secure_delete
 * zeroed over an erasure's or a restriction's seals: the old pages would
 * stay in the file, for a backup to copy (atk26 F1).
 */
#define AUDIT_PAGE_ROWS 256
#define PAGE_FULL 0x7fffffff	/* page_row's own stop: no fn returns it */

struct page {
	struct audit_entry e[AUDIT_PAGE_ROWS];
	char *text[AUDIT_PAGE_ROWS];	/* each entry's strings, one allocation */
	size_t n;
	/* A page after the first: at its first row, while the page's read
	 * snapshot is held, whether entries from `from` on were dropped. */
	struct catalog *c;
	struct audit_gap *gap;
	int64_t from;
	int check;
};

/* s copied to *p (which moves past its NUL); NULL stays NULL. */
static const char *put_text(char **p, const char *s)
{
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	memcpy(*p, s, len);
	*p += len;
	return *p - len;
}

static int note_gap(struct catalog *c, int64_t from, struct audit_gap *gap);

static int page_row(const struct cat_audit *row, void *ctx)
{
	struct page *pg = ctx;
	const char *strs[] = { row->user, row->level, row->comm, row->action, row->object, row->outcome, row->reason,
			       row->artifact };
	struct audit_entry *e = &pg->e[pg->n];
	size_t len = 0;
	char *p;
	int rc;

	if (pg->check) {
		pg->check = 0;
		if ((rc = note_gap(pg->c, pg->from, pg->gap)))
			return rc;
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		len += strs[i] ? strlen(strs[i]) + 1 : 0;
	p = pg->text[pg->n] = xcalloc(1, len ? len : 1);
	entry_of(row, e);
	e->actor.user = put_text(&p, row->user);
	e->actor.level = put_text(&p, row->level);
	e->actor.comm = put_text(&p, row->comm);
	e->action = put_text(&p, row->action);
	e->object = put_text(&p, row->object);
	e->outcome = put_text(&p, row->outcome);
	e->reason = put_text(&p, row->reason);
	e->artifact = put_text(&p, row->artifact);
	return ++pg->n == AUDIT_PAGE_ROWS ? PAGE_FULL : 0;
}

/* The log's first entry, F, into *gap when it is past from (the entries
 * from..F-1 were dropped since the walk passed from-1). */
static int note_gap(struct catalog *c, int64_t from, struct audit_gap *gap)
{
	int64_t first;
	int rc = catalog_audit_first_since(c, INT64_MIN, &first);

	if (rc == -ENOENT)
		return 0;
	if (rc == 0 && first > from) {
		if (gap->n < AUDIT_GAP_RANGES) {
			gap->from[gap->n] = from;
			gap->to[gap->n] = first - 1;
		}
		gap->n++;
	}
	return rc;
}

/* The pages' ends: the seq of every AUDIT_PAGE_ROWS-th row a walk selects. */
struct page_ends {
	int64_t *seq;
	size_t n, cap, rows;
};

static int add_page_end(int64_t seq, void *ctx)
{
	struct page_ends *pe = ctx;

	if (++pe->rows % AUDIT_PAGE_ROWS)
		return 0;
	if (pe->n == pe->cap) {
		pe->cap = pe->cap ? 2 * pe->cap : 64;
		pe->seq = xrealloc(pe->seq, pe->cap * sizeof(*pe->seq));
	}
	pe->seq[pe->n++] = seq;
	return 0;
}

/*
 * A page asks for the rows from its first seq on, in seq order, and stops
 * at the page's last.  For rows of more than one object (a recording and
 * its artifacts, a subject's recordings) sqlite finds every row from that
 * seq on in each object's index and sorts them all before the first: each
 * page's cost grew with the rows still to come, the walk's with their
 * square (an open loop of 125,000 entries: 33 s, atk40 F1).  So once a
 * first page is full, one statement (one sort) reads the seqs of all the
 * rows still to come and keeps every AUDIT_PAGE_ROWS-th: each page after
 * that asks for the rows up to its own last seq only.  Rows appended
 * after that statement are read past the last end, as before.
 */
int audit_each_noting(struct catalog *c, const struct cat_audit_filter *f,
		      int (*fn)(const struct audit_entry *, void *), void *ctx, struct audit_gap *gap)
{
	struct cat_audit_filter pf = *f;
	struct page *pg = xcalloc(1, sizeof(*pg));
	struct page_ends ends = { 0 };
	size_t at = 0;			/* the page's end: ends.seq[at], when at < ends.n */
	int rc, full, more = 0;

	*gap = (struct audit_gap){ 0 };
	pg->c = c;
	pg->gap = gap;
	do {
		int bounded = at < ends.n;

		pg->n = 0;
		pg->from = pf.seq_from;
		pg->check = more;
		pf.seq_to = bounded ? ends.seq[at] : f->seq_to;
		rc = catalog_each_audit_where(c, &pf, page_row, pg);
		/* A page of no rows: what was dropped was not reached. */
		if (rc == 0 && pg->check)
			rc = note_gap(c, pf.seq_from, gap);
		full = rc == PAGE_FULL;
		if (full)
			rc = 0;
		if (full)
			pf.seq_from = pg->e[pg->n - 1].seq + 1;
		else if (bounded)
			pf.seq_from = ends.seq[at] + 1;
		if (bounded && pf.seq_from > ends.seq[at])
			at++;
		for (size_t i = 0; i < pg->n; i++) {
			if (rc == 0)
				rc = fn(&pg->e[i], ctx);
			free(pg->text[i]);
		}
		more = 1;
		/* A full page past the ends known: the ends of the rest. */
		if (rc == 0 && full && at >= ends.n) {
			struct cat_audit_filter rest = pf;

			rest.seq_to = f->seq_to;
			ends.n = ends.rows = 0;
			at = 0;
			rc = catalog_each_audit_seq_where(c, &rest, add_page_end, &ends);
		}
	} while (rc == 0 && (full || at < ends.n));
	free(ends.seq);
	free(pg);
	return rc;
}

int audit_each_where(struct catalog *c, const struct cat_audit_filter *f,
		     int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	struct audit_gap gap;

	return audit_each_noting(c, f, fn, ctx, &gap);
}

int audit_each(struct catalog *c, const char *object, int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	struct cat_audit_filter f = { .objects = &object, .n_objects = object != NULL };

	return audit_each_where(c, &f, fn, ctx);
}

int audit_recording_objects(struct catalog *c, const char *recording, struct idlist *out)
{
	int rc;

	idlist_add(out, recording);
	rc = catalog_recording_artifacts(c, recording, out);
	return rc == -ENOENT ? 0 : rc;
}

/*
 * How deep audit_subject_objects follows merges (a subject merged into one
 * merged into another, ...): far beyond any real chain, a bound on a log
 * edited by hand all the same.
 */
#define AUDIT_MERGED_DEPTH 32
/* How many handles such a walk takes in all: a real person is merged from a
 * few; a log with entries forged by the thousand (root can append entries
 * that chain, audit verify --verify-key tells them unsealed) must not make
 * an export or fsck take hours (atk51). */
#define AUDIT_HANDLES_MAX 1024

static int too_many_merged(const char *handle)
{
	return meta_fail(-E2BIG, "the audit log ties more than %d subjects to %s by merges and splits: a log edited "
			 "by hand? (recctl audit verify)", AUDIT_HANDLES_MAX, handle);
}

static int listed(const struct idlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->id[i], id, sizeof(l->id[i])))
			return 1;
	return 0;
}

/* The OTHER of an "ok" merge-subject entry ("from=OTHER recordings=..."),
 * added to the list ctx. */
static int add_merged_from(const struct audit_entry *e, void *ctx)
{
	const char *p = e->reason;
	char from[CATALOG_HANDLE_MAX];
	size_t len;

	if (!e->outcome || strcmp(e->outcome, "ok") || !p)
		return 0;
	for (; *p; p += strcspn(p, " "), p += strspn(p, " "))
		if (!strncmp(p, "from=", 5)) {
			p += 5;
			len = strcspn(p, " ");
			if (len == 0 || len >= sizeof(from))
				return 0;
			memcpy(from, p, len);
			from[len] = '\0';
			idlist_add(ctx, from);
			return 0;
		}
	return 0;
}

/* The "ok" entries of an action on an object as a whole (no artifact):
 * how many, and the reason of the last (ok_entries). */
struct ok_entries {
	int n;
	char *last;
	int64_t last_seq;
};

static int add_ok_entry(const struct audit_entry *e, void *ctx)
{
	struct ok_entries *x = ctx;

	if (!e->outcome || strcmp(e->outcome, "ok") || e->artifact)
		return 0;
	x->n++;
	free(x->last);
	x->last = e->reason ? xstrdup(e->reason) : NULL;
	x->last_seq = e->seq;
	return 0;
}

/* How many "ok" entries of action the log holds on object as a whole, in
 * x (x->last to free). */
static int ok_entries(struct catalog *c, const char *object, const char *action, struct ok_entries *x)
{
	const char *objects[1] = { object };
	struct cat_audit_filter f = { .objects = objects, .n_objects = 1, .action = action };

	return audit_each_where(c, &f, add_ok_entry, x);
}

/* The recordings the log says were erased while linked to handle
 * (AUDIT_ERASED_SUBJECT): their ids alone (their artifacts went with
 * them), added to out.  One the catalog still holds was not erased: an
 * entry root appended names another person's call; its links and its
 * sealed details, not the log, say whose it is.  A recording is erased
 * once: one whose erasure the log holds twice has an entry root appended
 * (before its erasure or after), and which names the person the log
 * cannot tell; it is left out (atk53). */
static int erased_for(struct catalog *c, const char *handle, struct idlist *out)
{
	struct idlist erased = { 0 };
	int rc = catalog_audit_erased_for(c, handle, AUDIT_ERASED_SUBJECT, &erased);

	for (size_t i = 0; rc == 0 && i < erased.n; i++) {
		struct cat_recording rec;
		struct ok_entries x = { 0, NULL, 0 };

		rc = catalog_get_recording(c, erased.id[i], &rec);
		if (rc == 0)
			cat_recording_clear(&rec);
		if (rc == -ENOENT && (rc = ok_entries(c, erased.id[i], "erase", &x)) == 0 && x.n == 1)
			idlist_add(out, erased.id[i]);
		free(x.last);
	}
	idlist_free(&erased);
	return rc;
}

/* handle's own objects: the handle, the objects of each recording linked
 * to it when linked (audit_recording_objects), the recordings erased while
 * linked to it; handle added to selves too. */
static int own_objects(struct catalog *c, const char *handle, int linked, struct idlist *out, struct idlist *selves,
		       size_t *handles)
{
	struct idlist recs = { 0 };
	int rc = 0;

	if (++*handles > AUDIT_HANDLES_MAX)
		return too_many_merged(handle);
	idlist_add(out, handle);
	if (selves)
		idlist_add(selves, handle);
	if (linked)
		rc = catalog_subject_recordings(c, handle, &recs);
	if (rc == -ENOENT)
		rc = 0;
	for (size_t i = 0; rc == 0 && i < recs.n; i++)
		rc = audit_recording_objects(c, recs.id[i], out);
	idlist_free(&recs);
	return rc ? rc : erased_for(c, handle, out);
}

/* Whether the log says from's card was erased once, by its merge into into
 * (erase_card's "merged-into=INTO"): 1 or 0, and the seq of that entry in
 * *at (may be NULL).  A merge entry naming a subject erased otherwise
 * (with its last call, on request) was appended by hand (atk53 F7). */
static int merged_into(struct catalog *c, const char *from, const char *into, int64_t *at)
{
	struct ok_entries x = { 0, NULL, 0 };
	char by[CATALOG_HANDLE_MAX];
	int rc = ok_entries(c, from, "erase-subject", &x);

	if (rc == 0)
		rc = x.n == 1 && x.last && audit_reason_value(x.last, "merged-into", by, sizeof(by)) && !strcmp(by, into);
	if (rc == 1 && at)
		*at = x.last_seq;
	free(x.last);
	return rc;
}

/* Handles a split took off the subjects walked (AUDIT_SPLIT_MERGED) and
 * moved back to one (AUDIT_SPLIT_RECEIVED): for each, the seq of the last
 * entry of either kind; off while the last taking off is the later. */
struct split_marks {
	struct split_mark {
		char handle[CATALOG_HANDLE_MAX];
		int64_t off, back;
	} *v;
	size_t n;
};

static struct split_mark *split_mark(struct split_marks *m, const char *handle, int add)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].handle, handle))
			return &m->v[i];
	if (!add)
		return NULL;
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	snprintf(m->v[m->n].handle, sizeof(m->v[m->n].handle), "%s", handle);
	return &m->v[m->n++];
}

/* Whether handle is split off by m: 1 or 0. */
static int split_off(struct split_marks *m, const char *handle)
{
	const struct split_mark *k = split_mark(m, handle, 0);

	return k && k->off > k->back;
}

/* An "ok" split-subject entry naming a handle taken off ("into=NEW
 * merged-handle=H") or received ("from=OTHER received-handle=H"), marked
 * in the split_marks ctx with its seq: the walk meets the subjects'
 * entries subject by subject, not in the order they were written. */
static int add_split_off(const struct audit_entry *e, void *ctx)
{
	struct split_mark *k;
	char h[CATALOG_HANDLE_MAX];
	int off;

	if (!e->outcome || strcmp(e->outcome, "ok"))
		return 0;
	if ((off = audit_reason_value(e->reason, AUDIT_SPLIT_MERGED, h, sizeof(h))) ||
	    audit_reason_value(e->reason, AUDIT_SPLIT_RECEIVED, h, sizeof(h))) {
		/* more than the walk takes: entries forged by the thousand,
		 * stopped before the search grows with their square */
		if (((struct split_marks *)ctx)->n > AUDIT_HANDLES_MAX)
			return -E2BIG;
		k = split_mark(ctx, h, 1);
		if (off && e->seq > k->off)
			k->off = e->seq;
		else if (!off && e->seq > k->back)
			k->back = e->seq;
	}
	return 0;
}

/*
 * own_objects of handle (its links when linked) and, by the log's
 * merge-subject entries, of the subjects merged into it, and of theirs,
 * AUDIT_MERGED_DEPTH deep; but not the own objects of one a split took off
 * handle or a subject walked before it (its split-subject entries naming
 * it, AUDIT_SPLIT_MERGED: gathered in off), unless a later entry of one
 * of them received it back (AUDIT_SPLIT_RECEIVED): that merge was undone,
 * its history is another person's (recctl subject split --merged).  The
 * subjects merged into one split off are still walked: a split moves only
 * the handles it names, as it does on the card.  The new subject's walk
 * does not take the handle: an entry giving it one is root's to append
 * (atk54), so only its export (the sealed card) tells that history.
 */
struct subject_walk {
	struct idlist *out, *selves;
	struct split_marks off;		/* handles a split took off, or moved back */
	struct idlist passed;		/* of those, the ones walked through */
	size_t handles;
	int gather;			/* the first pass: the marks alone */
};

static int subject_objects(struct catalog *c, const char *handle, int linked, int own, struct subject_walk *w,
			   int depth)
{
	const char *objects[1] = { handle };
	struct cat_audit_filter f = { .objects = objects, .n_objects = 1, .action = "split-subject" };
	struct idlist merged = { 0 };
	char card[RECFS_ID_HEX];
	int rc;

	/* reached already, through another merge (or an entry root copied) */
	if (listed(w->out, handle) || listed(&w->passed, handle))
		return 0;
	if (own && !w->gather) {
		rc = own_objects(c, handle, linked, w->out, w->selves, &w->handles);
	} else {
		idlist_add(&w->passed, handle);
		rc = ++w->handles > AUDIT_HANDLES_MAX ? too_many_merged(handle) : 0;
	}
	if (rc == 0)
		rc = audit_each_where(c, &f, add_split_off, &w->off);
	if (rc == -E2BIG || (rc == 0 && w->off.n > AUDIT_HANDLES_MAX))
		rc = too_many_merged(handle);
	/* The subjects merged into this one: the same person, whose history
	 * (their card's reads, their erased recordings) is the person's. */
	f.action = "merge-subject";
	if (rc == 0 && depth < AUDIT_MERGED_DEPTH)
		rc = audit_each_where(c, &f, add_merged_from, &merged);
	if (rc == 0 && merged.n > AUDIT_HANDLES_MAX)
		rc = too_many_merged(handle);
	for (size_t i = 0; rc == 0 && i < merged.n; i++) {
		/* A merge erases the merged subject's card, logged as so,
		 * and moves its links: a subject the catalog holds, or whose
		 * card went otherwise, was never merged (an entry root
		 * appended names another person), and one merged has no
		 * recording of its own left. */
		rc = catalog_get_subject(c, merged.id[i], card);
		if (rc == -ENOENT && (rc = merged_into(c, merged.id[i], handle, NULL)) == 1)
			rc = subject_objects(c, merged.id[i], 0, !split_off(&w->off, merged.id[i]), w, depth + 1);
	}
	idlist_free(&merged);
	return rc;
}

/* subject_objects of handle, from the start, into out (selves: may be
 * NULL).  Twice: first for the marks of every subject the walk reaches,
 * so that whether a handle is split off does not hang on the order the
 * subjects are met in (atk59 F3: a received-handle= entry of a subject
 * merged in later, met after the handle), then for the objects. */
static int walk_subject(struct catalog *c, const char *handle, struct idlist *out, struct idlist *selves)
{
	struct subject_walk w = { .out = out, .selves = selves, .gather = 1 };
	int rc = subject_objects(c, handle, 1, 1, &w, 0);

	idlist_free(&w.passed);
	w.handles = 0;
	w.gather = 0;
	if (rc == 0)
		rc = subject_objects(c, handle, 1, 1, &w, 0);
	free(w.off.v);
	idlist_free(&w.passed);
	return rc;
}

int audit_subject_objects(struct catalog *c, const char *handle, struct idlist *out)
{
	return walk_subject(c, handle, out, NULL);
}

/* The "ok" split-subject entries of one recording: each from= and into=. */
struct splits {
	struct idlist from, into;
};

static int add_split(const struct audit_entry *e, void *ctx)
{
	struct splits *s = ctx;
	char from[CATALOG_HANDLE_MAX], into[CATALOG_HANDLE_MAX];

	if (e->outcome && !strcmp(e->outcome, "ok") && audit_reason_value(e->reason, "from", from, sizeof(from)) &&
	    audit_reason_value(e->reason, "into", into, sizeof(into))) {
		idlist_add(&s->from, from);
		idlist_add(&s->into, into);
	}
	return 0;
}

int audit_handles_before(struct catalog *c, const char *recording, const char *handle, struct idlist *out)
{
	const char *objects[1] = { recording };
	struct cat_audit_filter f = { .objects = objects, .n_objects = 1, .action = "split-subject" };
	struct splits s = { { 0 }, { 0 } };
	size_t first = out->n;
	int rc = audit_each_where(c, &f, add_split, &s);

	if (!listed(out, handle))
		idlist_add(out, handle);
	/* breadth first, AUDIT_HANDLES_MAX handles at most */
	for (size_t i = first; rc == 0 && i < out->n; i++) {
		struct idlist merged = { 0 };
		char h[RECFS_ID_HEX];

		memcpy(h, out->id[i], sizeof(h));
		objects[0] = h;
		f.action = "merge-subject";
		rc = audit_each_where(c, &f, add_merged_from, &merged);
		for (size_t k = 0; k < s.into.n; k++)
			if (!strcmp(s.into.id[k], h))
				idlist_add(&merged, s.from.id[k]);
		for (size_t k = 0; rc == 0 && k < merged.n; k++)
			if (listed(out, merged.id[k]))
				continue;
			else if (out->n - first >= AUDIT_HANDLES_MAX)
				rc = too_many_merged(handle);
			else
				idlist_add(out, merged.id[k]);
		idlist_free(&merged);
	}
	idlist_free(&s.from);
	idlist_free(&s.into);
	return rc;
}

/* The "ok" merge-subject entries of one recording ("from=OTHER
 * into=HANDLE", a merge's), with their seqs, in the order written: in
 * m[0] those of a recording that became HANDLE's, in m[1] those of one
 * both were in (AUDIT_MERGE_SHARED). */
struct merges_of {
	struct idlist from, into;
	int64_t *seq;
};

static int add_merge_of(const struct audit_entry *e, void *ctx)
{
	struct merges_of *m = ctx;
	char from[CATALOG_HANDLE_MAX], into[CATALOG_HANDLE_MAX], shared[4];

	if (!e->outcome || strcmp(e->outcome, "ok") || !audit_reason_value(e->reason, "from", from, sizeof(from)) ||
	    !audit_reason_value(e->reason, "into", into, sizeof(into)))
		return 0;
	/* The first AUDIT_HANDLES_MAX alone: a merge's own entries come
	 * before any root appends after it, and the erasure is never
	 * refused for entries forged by the thousand. */
	if (m[0].from.n + m[1].from.n >= AUDIT_HANDLES_MAX)
		return 1;
	m += audit_reason_value(e->reason, AUDIT_MERGE_SHARED, shared, sizeof(shared)) != 0;
	m->seq = xrealloc(m->seq, (m->from.n + 1) * sizeof(*m->seq));
	m->seq[m->from.n] = e->seq;
	idlist_add(&m->from, from);
	idlist_add(&m->into, into);
	return 0;
}

static void merges_free(struct merges_of m[2])
{
	for (int i = 0; i < 2; i++) {
		free(m[i].seq);
		idlist_free(&m[i].from);
		idlist_free(&m[i].into);
	}
}

/* The N of the merge's own entry on into ("from=FROM recordings=N ..."),
 * the first such after from's card's erasure (seq after), which the merge
 * writes in the same transaction; -1 when the log holds none (in ctx). */
struct merge_count {
	const char *from;
	int64_t after, n;
};

static int add_merge_count(const struct audit_entry *e, void *ctx)
{
	struct merge_count *x = ctx;
	char from[CATALOG_HANDLE_MAX], n[24];

	if (e->seq <= x->after || !e->outcome || strcmp(e->outcome, "ok") ||
	    !audit_reason_value(e->reason, "from", from, sizeof(from)) || strcmp(from, x->from))
		return 0;
	if (audit_reason_value(e->reason, "recordings", n, sizeof(n)) && n[0] && strspn(n, "0123456789") == strlen(n))
		x->n = strtoll(n, NULL, 10);
	return 1;
}

/* Whether entry k of m, a merge of OTHER into HANDLE, is one the log
 * confirms: OTHER's card erased once, by that merge, after the entry (a
 * merge logs on its recordings before it erases the card; one appended
 * later, or naming no merge, is root's), and within the merge's own run:
 * the merge writes its N entries on OTHER's recordings just before the
 * card's erasure, in one transaction, so one written before them was
 * appended before the merge (atk61 F2).  A merge whose own entry on
 * HANDLE the log lacks is taken by the erasure's seq alone.  1, 0 or
 * -errno. */
static int merge_confirmed(struct catalog *c, const struct merges_of *m, size_t k)
{
	const char *objects[1] = { m->into.id[k] };
	struct cat_audit_filter f = { .objects = objects, .n_objects = 1, .action = "merge-subject" };
	struct merge_count x = { m->from.id[k], 0, -1 };
	int64_t erased = 0;
	int rc = merged_into(c, m->from.id[k], m->into.id[k], &erased);

	if (rc != 1 || m->seq[k] >= erased)
		return rc == 1 ? 0 : rc;
	x.after = erased;
	if ((rc = audit_each_where(c, &f, add_merge_count, &x)) < 0)
		return rc;
	return x.n < 0 || m->seq[k] >= erased - x.n;
}

/* Whose the recording was before merges made it handle's (audit_recording_named), in
 * out, by its merge entries (m). */
static int origin_of(struct catalog *c, const struct merges_of *m, const char *handle, char out[CATALOG_HANDLE_MAX])
{
	struct cat_audit_filter f = { .n_objects = 1, .action = "split-subject" };
	struct split_marks marks = { NULL, 0 };
	const char *objects[1];
	int rc = 0;

	f.objects = objects;
	snprintf(out, CATALOG_HANDLE_MAX, "%s", handle);
	for (int depth = 0; rc == 0 && depth < AUDIT_MERGED_DEPTH; depth++) {
		const char *was = NULL;

		/* the latest merge into out that the log confirms */
		for (size_t k = m->into.n; !was && rc == 0 && k-- > 0;)
			if (!strcmp(m->into.id[k], out) && (rc = merge_confirmed(c, m, k)) == 1)
				was = m->from.id[k];
		rc = rc < 0 ? rc : 0;
		if (!was)
			break;
		/* the splits that took handles off out since (the recording
		 * stays out's when its subject before was split off): read
		 * only when a merge is found, not on every erasure */
		objects[0] = out;
		if ((rc = audit_each_where(c, &f, add_split_off, &marks)) || split_off(&marks, was))
			break;
		snprintf(out, CATALOG_HANDLE_MAX, "%s", was);
	}
	if (rc == -E2BIG)	/* split entries forged by the thousand: the handle stays */
		rc = 0;
	free(marks.v);
	return rc;
}

/* The recording's "ok" merge-subject entries, the first AUDIT_HANDLES_MAX. */
static int merges_of_recording(struct catalog *c, const char *recording, struct merges_of m[2])
{
	const char *objects[1] = { recording };
	struct cat_audit_filter f = { .objects = objects, .n_objects = 1, .action = "merge-subject" };
	int rc = audit_each_where(c, &f, add_merge_of, m);

	return rc == 1 ? 0 : rc;
}

int audit_recording_named(struct catalog *c, const char *recording, const struct idlist *linked,
			  struct idlist *named)
{
	struct merges_of m[2] = { { { 0 }, { 0 }, NULL }, { { 0 }, { 0 }, NULL } };
	struct cat_audit_filter f = { .n_objects = 1, .action = "split-subject" };
	const char *objects[1];
	int rc = merges_of_recording(c, recording, m);

	f.objects = objects;
	/* each linked subject as whose it was before a merge made it theirs */
	for (size_t i = 0; rc == 0 && i < linked->n; i++) {
		char was[CATALOG_HANDLE_MAX];

		if ((rc = origin_of(c, &m[0], linked->id[i], was)) == 0 && !listed(named, was))
			idlist_add(named, was);
	}
	/* breadth first: one merged into a subject named, then into it */
	for (size_t i = 0; rc == 0 && m[1].from.n && i < named->n && named->n < AUDIT_HANDLES_MAX; i++) {
		struct split_marks marks = { NULL, 0 };
		char h[CATALOG_HANDLE_MAX], was[CATALOG_HANDLE_MAX];
		int read = 0;

		snprintf(h, sizeof(h), "%s", named->id[i]);
		for (size_t k = 0; rc == 0 && k < m[1].into.n; k++) {
			if (strcmp(m[1].into.id[k], h) || (rc = merge_confirmed(c, &m[1], k)) != 1) {
				rc = rc < 0 ? rc : 0;
				continue;
			}
			/* not one a split took off h since: the split gave
			 * the call to its new subject, linked now */
			objects[0] = h;
			if (!read++)
				rc = audit_each_where(c, &f, add_split_off, &marks);
			if (rc == 0 && !split_off(&marks, m[1].from.id[k]))
				rc = origin_of(c, &m[0], m[1].from.id[k], was);
			else
				continue;
			if (rc == 0 && !listed(named, was))
				idlist_add(named, was);
		}
		free(marks.v);
	}
	if (rc == -E2BIG)
		rc = 0;
	merges_free(m);
	return rc;
}

/* audit_each_about_subject's walk: fn with the person's handles. */
struct about {
	const struct idlist *selves;
	int (*fn)(const struct audit_entry *, const struct idlist *, void *);
	void *ctx;
};

static int about_row(const struct audit_entry *e, void *ctx)
{
	const struct about *ab = ctx;

	return ab->fn(e, ab->selves, ab->ctx);
}

int audit_each_about_subject(struct catalog *c, const char *handle, const struct idlist *merged, const char *action,
			     int (*fn)(const struct audit_entry *, const struct idlist *, void *), void *ctx)
{
	struct idlist objs = { 0 }, selves = { 0 };
	struct cat_audit_filter f = { .action = action };
	struct about ab = { &selves, fn, ctx };
	const char **list = NULL;
	size_t handles = 0;
	int rc;

	if (!merged) {
		rc = walk_subject(c, handle, &objs, &selves);
	} else {
		/* the card's word: the merged subjects' links went to handle
		 * with the merge, so only their handles and their erased
		 * recordings are theirs still */
		rc = own_objects(c, handle, 1, &objs, &selves, &handles);
		for (size_t i = 0; rc == 0 && i < merged->n; i++)
			if (!listed(&selves, merged->id[i]))
				rc = own_objects(c, merged->id[i], 0, &objs, &selves, &handles);
	}

	if (rc == 0) {
		list = xcalloc(objs.n ? objs.n : 1, sizeof(*list));
		for (size_t i = 0; i < objs.n; i++)
			list[i] = objs.id[i];
	}
	/* at most CATALOG_AUDIT_OBJECTS_MAX objects a walk: one agent's
	 * years of calls, each with its files, are more (atk39 F1) */
	for (size_t at = 0; rc == 0; at += CATALOG_AUDIT_OBJECTS_MAX) {
		f.objects = list + at;
		f.n_objects = objs.n - at < CATALOG_AUDIT_OBJECTS_MAX ? objs.n - at : CATALOG_AUDIT_OBJECTS_MAX;
		rc = audit_each_where(c, &f, about_row, &ab);
		if (at + CATALOG_AUDIT_OBJECTS_MAX >= objs.n)
			break;
	}
	free(list);
	idlist_free(&objs);
	idlist_free(&selves);
	return rc;
}

int audit_restricted_by_log(struct catalog *c, const struct cat_recording *rec)
{
	struct idlist l = { 0 };
	int rc = rec->restricted_since ? 0 : catalog_audit_restricted(c, rec->id, &l);

	rc = rc ? rc : l.n > 0;
	idlist_free(&l);
	return rc;
}

int audit_restricted_unsaid(struct catalog *c, struct idlist *out)
{
	struct idlist l = { 0 };
	int rc = catalog_audit_restricted(c, NULL, &l);

	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct cat_recording rec;

		rc = catalog_get_recording(c, l.id[i], &rec);
		if (rc == 0 && !rec.restricted_since)
			idlist_add(out, l.id[i]);
		if (rc == 0)
			cat_recording_clear(&rec);
		rc = rc == -ENOENT ? 0 : rc;	/* erased */
	}
	idlist_free(&l);
	return rc;
}

int audit_entry_of_another_subject(const struct audit_entry *e, const char *handle)
{
	return e->object && !strncmp(e->object, "S-", 2) && strlen(e->object) < CATALOG_HANDLE_MAX &&
	       strcmp(e->object, handle);
}

/* Count seals, stopping at the first: does the log have any? */
static int seal_found(const struct cat_audit_seal *sl, void *ctx)
{
	(void)sl;
	*(int *)ctx = 1;
	return 1;
}

int audit_setup_keys(struct catalog *c, int64_t interval, const char *vkey_path)
{
	struct cat_audit_key ks = { 0 };
	struct audit_vkey *vk = NULL;
	uint8_t head[CRYPTO_HASH_BYTES];
	char *id = NULL;
	int64_t now = util_now(), seq = 0;
	int any = 0, saved = 0, rc;

	if (interval < 1 || interval > AUDIT_EPOCH_MAX)
		return meta_fail(-EINVAL, "an audit epoch is 1 to %d seconds, not %lld", AUDIT_EPOCH_MAX,
				 (long long)interval);
	if (catalog_in_transaction(c))
		return meta_fail(-EINVAL, "audit keys are set up in a transaction of their own");
	if ((rc = catalog_begin(c)))
		return rc;
	rc = catalog_audit_key_get(c, &ks);
	crypto_key_free(ks.key);
	ks.key = NULL;
	if (rc == 0) {
		rc = meta_fail(-EEXIST, "the audit log is sealed already; its verification key was issued then");
		goto out;
	}
	if (rc != -ENOENT)
		goto out;
	rc = catalog_each_audit_seal(c, seal_found, &any);
	if (rc < 0)
		goto out;
	if (any) {
		rc = meta_fail(-EEXIST, "the audit log has seals but no sealing key: the key state was removed "
				       "(keep the catalog as it is, and verify it with the verification key)");
		goto out;
	}
	if ((rc = catalog_audit_last(c, &seq, head)))
		goto out;
	vk = xcalloc(1, sizeof(*vk));
	vk->key = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 1);
	if (!vk->key) {
		rc = -ENOMEM;
		goto out;
	}
	/* Epochs start on multiples of the interval (on the quarter hour by
	 * default), so a timer can seal just after each one ends. */
	vk->start = now - now % interval;
	vk->interval = interval;
	vk->first_seq = seq;
	if (catalog_get_meta(c, "register_id", &id) == 0 && util_is_id(id))
		memcpy(vk->register_id, id, RECFS_ID_HEX);
	ks = (struct cat_audit_key){ .start = vk->start, .interval = interval, .epoch = 0 };
	if (!(ks.key = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0))) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(ks.key->bytes, vk->key->bytes, CRYPTO_EVOLVE_KEY_BYTES);
	if ((rc = crypto_key_evolve(ks.key)) || (rc = catalog_audit_key_put(c, &ks)))
		goto out;
	/* The file first: a key state whose verification key was never
	 * written would seal a log that nobody can check. */
	if ((rc = audit_vkey_save(vk, vkey_path)))
		goto out;
	saved = 1;
	rc = catalog_commit(c);
out:
	if (rc) {
		catalog_rollback(c);
		if (saved)
			unlink(vkey_path);
	}
	audit_vkey_free(vk);
	crypto_key_free(ks.key);
	free(id);
	return rc;
}

void audit_vkey_free(struct audit_vkey *vk)
{
	if (!vk)
		return;
	crypto_key_free(vk->key);
	free(vk);
}

#define VKEY_MAGIC "recfs-audit-verify-key"
#define VKEY_VERSION 1
#define VKEY_MAX 4096

int audit_vkey_save(const struct audit_vkey *vk, const char *path)
{
	char hex[CRYPTO_EVOLVE_KEY_BYTES * 2 + 1];
	const char *id = *vk->register_id ? vk->register_id : "-";
	char *text;
	int rc;

	if (!vk->key || vk->key->len != CRYPTO_EVOLVE_KEY_BYTES)
		return -EINVAL;
	if (access(path, F_OK) == 0)
		return meta_fail(-EEXIST, "%s exists; move it away or name another file", path);
	crypto_hex(hex, vk->key->bytes, vk->key->len);
	text = xasprintf("# recfs audit verification key of register %s.\n"
			 "# Keep it off the register's host: it checks the seals of the audit log\n"
			 "# (recctl audit verify --verify-key FILE), and whoever holds it can make them.\n"
			 "%s %d %s %lld %lld %lld %s\n",
			 id, VKEY_MAGIC, VKEY_VERSION, id, (long long)vk->start, (long long)vk->interval,
			 (long long)vk->first_seq, hex);
	rc = util_write_file_atomic(path, text, strlen(text), 0400);
	if (rc)
		rc = meta_fail(rc, "cannot write %s: %s", path, strerror(-rc));
	crypto_memzero(hex, sizeof(hex));
	crypto_free_string(text);
	return rc;
}

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int audit_vkey_load(const char *path, struct audit_vkey **out)
{
	struct audit_vkey *vk = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *line, *save = NULL, *f[8];
	int n = 0, rc;

	rc = util_read_file(path, VKEY_MAX, &buf, &len);
	if (rc)
		return meta_fail(rc, "cannot read %s: %s", path, strerror(-rc));
	for (line = strtok_r((char *)buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			break;
	if (line) {
		char *fs = NULL;

		for (char *t = strtok_r(line, " \t", &fs); t && n < 8; t = strtok_r(NULL, " \t", &fs))
			f[n++] = t;
	}
	rc = -EINVAL;
	if (n != 7 || strcmp(f[0], VKEY_MAGIC) || parse_i64(f[1], VKEY_VERSION, VKEY_VERSION, &(int64_t){ 0 }))
		goto bad;
	vk = xcalloc(1, sizeof(*vk));
	if (strcmp(f[2], "-")) {
		if (!util_is_id(f[2]))
			goto bad;
		memcpy(vk->register_id, f[2], RECFS_ID_HEX);
	}
	if (parse_i64(f[3], 0, INT64_MAX / 2, &vk->start) || parse_i64(f[4], 1, AUDIT_EPOCH_MAX, &vk->interval) ||
	    parse_i64(f[5], 0, INT64_MAX / 2, &vk->first_seq))
		goto bad;
	vk->key = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0);
	if (!vk->key) {
		rc = -ENOMEM;
		goto out;
	}
	if (crypto_unhex(vk->key->bytes, vk->key->len, f[6]))
		goto bad;
	rc = 0;
	goto out;
bad:
	rc = meta_fail(-EINVAL, "%s is not a recfs audit verification key", path);
out:
	crypto_freezero(buf, len);
	if (rc)
		audit_vkey_free(vk);
	else
		*out = vk;
	return rc;
}

/* A closing seal as read, for audit_verify. */
struct seal_copy {
	int64_t epoch, seq;
	uint8_t mac[CRYPTO_MAC_BYTES];
};

/* Where audit_verify is in the chain and in the seals. */
struct verify {
	uint8_t prev[CRYPTO_HASH_BYTES];
	int64_t expect;			/* the seq the next row must have */
	int64_t n;			/* rows that followed */
	struct audit_report *rep;
	struct seal_copy *seals;	/* in epoch order, checked as read */
	size_t nseals, cap;
	size_t next;			/* the first seal not yet matched with the chain */
	const struct audit_vkey *vk;	/* NULL: seals not checked */
	struct crypto_key *k;		/* K(k_epoch), from vk's seed (epoch -1) */
	int64_t k_epoch;
	const struct checkpoint *ck;	/* NULL: nothing was dropped */
	int64_t start, interval;	/* the clock (vk's, else the key state's); interval 0: none */
	int64_t issued;			/* the first entry saying a verification key was issued; 0: none */
};

/* Gather the seals, checking their order: epochs 0, 1, 2, ... and seqs
 * that never go down. */
static int collect_seal(const struct cat_audit_seal *sl, void *ctx)
{
	struct verify *v = ctx;
	int64_t want = (int64_t)v->nseals;
	struct seal_copy *sc;

	if (sl->epoch != want)
		return meta_fail(-EBADMSG, "the seal%s of epoch %lld %s missing: the seals jump from epoch %lld to %lld",
				 sl->epoch > want + 1 ? "s" : "", (long long)want,
				 sl->epoch > want + 1 ? "and after are" : "is", (long long)want - 1,
				 (long long)sl->epoch);
	if (sl->mac_len != CRYPTO_MAC_BYTES)
		return meta_fail(-EBADMSG, "the seal of epoch %lld was altered (a MAC of %zu bytes)", (long long)sl->epoch,
				 sl->mac_len);
	if (sl->seq < (v->nseals ? v->seals[v->nseals - 1].seq : 0))
		return meta_fail(-EBADMSG, "the seal of epoch %lld covers fewer entries (%lld) than the one before it",
				 (long long)sl->epoch, (long long)sl->seq);
	if (v->nseals == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		v->seals = xrealloc(v->seals, v->cap * sizeof(*v->seals));
	}
	sc = &v->seals[v->nseals++];
	sc->epoch = sl->epoch;
	sc->seq = sl->seq;
	memcpy(sc->mac, sl->mac, CRYPTO_MAC_BYTES);
	return 0;
}

/* Bring v->k forward to K(epoch); epochs only grow during a verification. */
static int key_at(struct verify *v, int64_t epoch)
{
	int rc = 0;

	while (rc == 0 && v->k_epoch < epoch) {
		rc = crypto_key_evolve(v->k);
		v->k_epoch++;
	}
	return rc;
}

/* The end of epoch e, as a time to print. */
static int64_t epoch_end(int64_t start, int64_t interval, int64_t e)
{
	return start + (e + 1) * interval;
}

/* Check the seals made when the log ended at entry seq (hash head). */
static int check_seals_at(struct verify *v, int64_t seq, const uint8_t head[CRYPTO_HASH_BYTES])
{
	for (; v->next < v->nseals && v->seals[v->next].seq == seq; v->next++) {
		const struct seal_copy *sc = &v->seals[v->next];
		int64_t from = v->rep->sealed_seq + 1;
		uint8_t mac[CRYPTO_MAC_BYTES];
		int ok, rc;

		if (v->vk) {
			if ((rc = key_at(v, sc->epoch)))
				return rc;
			seal_mac(v->k, sc->epoch, seq, head, mac);
			ok = crypto_equal(mac, sc->mac, sizeof(mac));
			crypto_memzero(mac, sizeof(mac));
			if (!ok && v->ck && seq == v->ck->first - 1) {
				v->rep->bad = 0;
				return meta_fail(-EBADMSG, "the seal of epoch %lld does not match the retention checkpoint "
						 "(the log starts at entry %lld): the checkpoint or the seal was altered",
						 (long long)sc->epoch, (long long)v->ck->first);
			}
			if (!ok && from > seq) {
				v->rep->bad = 0;
				return meta_fail(-EBADMSG, "the seal of epoch %lld was altered or replaced",
						 (long long)sc->epoch);
			}
			if (!ok) {
				char t[21];

				util_format_time(epoch_end(v->vk->start, v->vk->interval, sc->epoch), t);
				v->rep->bad = from;
				return meta_fail(-EBADMSG, "the seal of epoch %lld (ended %s) does not match the log: "
						 "one of entries %lld..%lld was edited, inserted, removed or moved, "
						 "and the chain recomputed", (long long)sc->epoch, t, (long long)from,
						 (long long)seq);
			}
		}
		v->rep->sealed_seq = seq;
	}
	return 0;
}

static int verify_row(const struct cat_audit *row, void *ctx)
{
	struct verify *v = ctx;
	struct audit_entry e;
	uint8_t h[CRYPTO_HASH_BYTES];

	entry_of(row, &e);
	if (e.seq != v->expect) {
		v->rep->bad = v->expect;
		return meta_fail(-EBADMSG, "audit entry %lld is missing (the log jumps from %lld to %lld)",
				 (long long)v->expect, (long long)v->expect - 1, (long long)e.seq);
	}
	if (row->malformed) {
		v->rep->bad = e.seq;
		return meta_fail(-EBADMSG, "audit entry %lld was edited: a field of it is not stored as the log "
				 "writes it (a number as text, text as bytes or with a NUL in it)", (long long)e.seq);
	}
	entry_hash(v->prev, &e, h);
	if (row->hash_len != CRYPTO_HASH_BYTES || !crypto_equal(h, row->hash, CRYPTO_HASH_BYTES)) {
		v->rep->bad = e.seq;
		return meta_fail(-EBADMSG, "audit entry %lld was edited, removed or moved: its hash does not "
				 "follow from the entries before it", (long long)e.seq);
	}
	memcpy(v->prev, h, sizeof(v->prev));
	v->expect++;
	v->n++;
	if (!v->issued && audit_entry_issued_key(&e))
		v->issued = e.seq;
	return check_seals_at(v, e.seq, h);
}

/* The head kept in the meta table matches the chain's end. */
static int check_head(struct catalog *c, struct verify *v)
{
	char *head = NULL, hex[CRYPTO_HASH_BYTES * 2 + 1];
	long long hseq = 0;
	int rc = catalog_get_meta(c, "audit_head", &head);

	crypto_hex(hex, v->prev, CRYPTO_HASH_BYTES);
	if (rc == 0 && (sscanf(head, "%lld:", &hseq) != 1 || hseq != v->expect - 1 ||
			(strchr(head, ':') && strcmp(strchr(head, ':') + 1, hex)))) {
		v->rep->bad = v->expect;
		rc = meta_fail(-EBADMSG, "audit log was cut: it ends at entry %lld, but entry %lld was written",
			       (long long)v->expect - 1, hseq);
	} else if (rc == -ENOENT) {
		rc = 0;
	}
	free(head);
	return rc;
}

/*
 * The seals against the key state (and, with a verification key, the key
 * state against the key and the clock).  rc_key is catalog_audit_key_get's
 * result.
 */
static int check_key_state(struct verify *v, int rc_key, const struct cat_audit_key *ks, int64_t now)
{
	const struct audit_vkey *vk = v->vk;
	struct audit_report *rep = v->rep;
	int64_t ns = (int64_t)v->nseals, cur, need;
	char t[21];
	int rc;

	if (v->next < v->nseals) {
		rep->bad = v->expect;
		return meta_fail(-EBADMSG, "audit log was cut: the seal of epoch %lld covers entries up to %lld, "
				 "but the log ends at %lld", (long long)v->seals[v->next].epoch,
				 (long long)v->seals[v->next].seq, (long long)v->expect - 1);
	}
	if (rc_key == -ENOENT) {
		if (ns)
			return meta_fail(-EBADMSG, "the sealing key state was removed (the seals end at epoch %lld)",
					 (long long)ns - 1);
		if (vk) {
			util_format_time(vk->start, t);
			return meta_fail(-EBADMSG, "the log is not sealed, but the verification key says it was from "
					 "%s: the sealing key state was removed", t);
		}
		/* No seals and no key state: never sealed, or both removed.
		 * The log itself may say which. */
		if (v->issued) {
			rep->issued = v->issued;
			return meta_fail(-EBADMSG, "the log is not sealed, but entry %lld says a verification key was "
					 "issued: the seals and the sealing key state were removed",
					 (long long)v->issued);
		}
		return 0;
	}
	if (rc_key)
		return rc_key;
	rep->sealed = 1;
	rep->key_epoch = ks->epoch;
	if (ks->epoch != ns) {
		rep->bad = ks->epoch > ns ? rep->sealed_seq + 1 : 0;
		if (ks->epoch > ns)
			return meta_fail(-EBADMSG, "the seals of epochs %lld..%lld were removed (the key is at epoch "
					 "%lld): the log was cut after entry %lld", (long long)ns,
					 (long long)ks->epoch - 1, (long long)ks->epoch, (long long)rep->sealed_seq);
		return meta_fail(-EBADMSG, "the sealing key state was replaced: it is at epoch %lld, but epoch %lld "
				 "is sealed", (long long)ks->epoch, (long long)ns - 1);
	}
	if (!vk)
		return 0;
	if (ks->start != vk->start || ks->interval != vk->interval)
		return meta_fail(-EBADMSG, "the sealing key state's clock was changed (start %lld, %lld s epochs; "
				 "the verification key says %lld, %lld s)", (long long)ks->start,
				 (long long)ks->interval, (long long)vk->start, (long long)vk->interval);
	if ((rc = key_at(v, ks->epoch)))
		return rc;
	if (!crypto_equal(v->k->bytes, ks->key->bytes, CRYPTO_EVOLVE_KEY_BYTES))
		return meta_fail(-EBADMSG, "the sealing key state was replaced: it is not the key of epoch %lld",
				 (long long)ks->epoch);
	if (v->nseals && v->seals[0].seq < vk->first_seq) {
		rep->bad = v->seals[0].seq + 1;
		return meta_fail(-EBADMSG, "entries were removed from before sealing began: the log had %lld then, "
				 "the first seal covers %lld", (long long)vk->first_seq, (long long)v->seals[0].seq);
	}
	if (!v->nseals && v->expect - 1 < vk->first_seq) {
		rep->bad = v->expect;
		return meta_fail(-EBADMSG, "audit log was cut: it had %lld entries when sealing began, now %lld",
				 (long long)vk->first_seq, (long long)v->expect - 1);
	}
	/* Sealing goes on: every epoch but the current one is closed (the one
	 * before may still be open for SEAL_GRACE seconds into the current
	 * one, or all of it if epochs are shorter, until a writer or the timer
	 * comes).  A cut tail with its seals, or a catalog put back from a
	 * copy, shows here as sealing that stopped. */
	cur = epoch_at(vk->start, vk->interval, now);
	if (ks->epoch > cur)
		return meta_fail(-EBADMSG, "the sealing key is at epoch %lld, ahead of the clock (epoch %lld): it "
				 "was moved forward", (long long)ks->epoch, (long long)cur);
	need = cur;
	if (now - (vk->start + cur * vk->interval) < (vk->interval < SEAL_GRACE ? vk->interval : SEAL_GRACE))
		need = cur - 1;
	if (ks->epoch < need) {
		util_format_time(vk->start + ks->epoch * vk->interval, t);
		rep->bad = rep->sealed_seq < v->expect - 1 ? rep->sealed_seq + 1 : 0;
		return meta_fail(-ETIME, "no seal since %s: epochs %lld..%lld have ended without one, so entries "
				 "after %lld are not protected; either nothing has written to the log since "
				 "(`recctl audit seal` on its host closes them), or its tail was cut, or the catalog "
				 "was put back from a copy", t, (long long)ks->epoch, (long long)cur - 1,
				 (long long)rep->sealed_seq);
	}
	return 0;
}

/* K(epoch) derived afresh from vk's seed, into *out (crypto_key_free). */
static int key_of_epoch(const struct audit_vkey *vk, int64_t epoch, struct crypto_key **out)
{
	struct crypto_key *k = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0);
	int rc = 0;

	if (!k)
		return -ENOMEM;
	memcpy(k->bytes, vk->key->bytes, CRYPTO_EVOLVE_KEY_BYTES);
	for (int64_t e = -1; rc == 0 && e < epoch; e++)
		rc = crypto_key_evolve(k);
	if (rc)
		crypto_key_free(k);
	else
		*out = k;
	return rc;
}

/*
 * The retention checkpoint against the seals and the key state, and with
 * a verification key its MAC.  A checkpoint without a MAC was made before
 * the log was sealed, so it drops nothing that a seal covers.
 */
static int check_checkpoint(struct verify *v, int rc_key, const struct cat_audit_key *ks)
{
	const struct checkpoint *ck = v->ck;
	struct crypto_key *k = NULL;
	uint8_t mac[CRYPTO_MAC_BYTES];
	char t[21];
	int ok, rc;

	util_format_time(ck->made, t);
	if (ck->epoch < 0) {
		if ((v->nseals && ck->first - 1 >= v->seals[0].seq) || (v->vk && ck->first - 1 >= v->vk->first_seq))
			return meta_fail(-EBADMSG, "the retention checkpoint of the audit log (made %s) has no MAC, but "
					 "it drops sealed entries: it was altered or replaced", t);
		return 0;
	}
	if (rc_key == 0 && ck->epoch > ks->epoch)
		return meta_fail(-EBADMSG, "the retention checkpoint of the audit log is of epoch %lld, after the "
				 "sealing key's (%lld): it was altered", (long long)ck->epoch, (long long)ks->epoch);
	if (v->interval && ck->made >= epoch_end(v->start, v->interval, ck->epoch))
		return meta_fail(-EBADMSG, "the retention checkpoint of the audit log says it was made %s, after its "
				 "epoch %lld had ended: it was altered", t, (long long)ck->epoch);
	if (!v->vk)
		return 0;
	if ((rc = key_of_epoch(v->vk, ck->epoch, &k)))
		return rc;
	ckpt_mac(k, ck, mac);
	ok = crypto_equal(mac, ck->mac, sizeof(mac));
	crypto_memzero(mac, sizeof(mac));
	crypto_key_free(k);
	if (!ok)
		return meta_fail(-EBADMSG, "the retention checkpoint of the audit log (made %s, the log starting at "
				 "entry %lld) was altered or replaced: its MAC under the key of epoch %lld does not "
				 "match", t, (long long)ck->first, (long long)ck->epoch);
	return 0;
}

/*
 * Pass the seals that cover dropped entries only (seq < first - 1): there
 * is nothing left to check them against.  Each must be of an epoch that
 * ended by the checkpoint's `before`: the entries after such a seal were
 * written after its epoch ended, so a later epoch means entries younger
 * than the retention were dropped.
 */
static int pass_dropped_seals(struct verify *v)
{
	const struct checkpoint *ck = v->ck;

	for (; v->next < v->nseals && v->seals[v->next].seq < ck->first - 1; v->next++) {
		const struct seal_copy *sc = &v->seals[v->next];
		char t[21], b[21];

		if (v->interval && epoch_end(v->start, v->interval, sc->epoch) > ck->before) {
			util_format_time(epoch_end(v->start, v->interval, sc->epoch), t);
			util_format_time(ck->before, b);
			return meta_fail(-EBADMSG, "entries written after %s were dropped from the audit log, which "
					 "keeps everything written since %s: the seal of epoch %lld covers entries up "
					 "to %lld, but the log starts at entry %lld", t, b, (long long)sc->epoch,
					 (long long)sc->seq, (long long)ck->first);
		}
		v->rep->seals_dropped++;
	}
	return 0;
}

/* vk was issued for this register (when both name one). */
static int check_register(struct catalog *c, const struct audit_vkey *vk)
{
	char *id = NULL;
	int rc = catalog_get_meta(c, "register_id", &id);

	if (rc == -ENOENT || (rc == 0 && (!*vk->register_id || !strcmp(id, vk->register_id))))
		rc = 0;
	else if (rc == 0)
		rc = meta_fail(-EKEYREJECTED, "the verification key is for register %s, this is register %s",
			       vk->register_id, id);
	free(id);
	return rc;
}

int audit_verify(struct catalog *c, const struct audit_vkey *vk, int64_t now, struct audit_report *rep)
{
	struct verify v = { .expect = 1, .rep = rep, .vk = vk, .k_epoch = -1 };
	struct cat_audit_key ks = { 0 };
	struct checkpoint ck;
	int rc, rc_key = -ENOENT;

	*rep = (struct audit_report){ .key_epoch = -1, .keyed = vk != NULL, .first_seq = vk ? vk->first_seq : 0,
				      .first = 1 };
	if (vk && (!vk->key || vk->key->len != CRYPTO_EVOLVE_KEY_BYTES))
		return -EINVAL;
	if (vk) {
		v.k = crypto_key_new(CRYPTO_EVOLVE_KEY_BYTES, 0);
		if (!v.k)
			return -ENOMEM;
		memcpy(v.k->bytes, vk->key->bytes, CRYPTO_EVOLVE_KEY_BYTES);
	}
	/* One snapshot: the mount may append while we read. */
	if ((rc = catalog_begin_read(c)))
		goto out;
	rc = vk ? check_register(c, vk) : 0;
	if (rc == 0) {
		rc = ckpt_load(c, &ck);
		if (rc == 0)
			v.ck = &ck;
		else if (rc == -ENOENT)
			rc = 0;
	}
	/* The key state's errors are for check_key_state, after the chain. */
	if (rc == 0)
		rc_key = catalog_audit_key_get(c, &ks);
	if (vk) {
		v.start = vk->start;
		v.interval = vk->interval;
	} else if (rc_key == 0) {
		v.start = ks.start;
		v.interval = ks.interval;
	}
	if (rc == 0)
		rc = catalog_each_audit_seal(c, collect_seal, &v);
	rep->seals = (int64_t)v.nseals;
	if (rc == 0 && v.ck) {
		rep->first = ck.first;
		rep->dropped_before = ck.before;
		rep->dropped_at = ck.made;
		/* The chain restarts from the checkpoint. */
		v.expect = ck.first;
		memcpy(v.prev, ck.prev, CRYPTO_HASH_BYTES);
		rep->sealed_seq = ck.first - 1;
		rc = check_checkpoint(&v, rc_key, &ks);
		if (rc == 0)
			rc = pass_dropped_seals(&v);
	}
	/* A seal made on an empty log covers entry 0 (or, after a checkpoint,
	 * made when the log ended where the kept part begins). */
	if (rc == 0)
		rc = check_seals_at(&v, v.expect - 1, v.prev);
	/* Read in physical (rowid) order too: seq is the rowid, so a
	 * renumbered entry shows up as a gap or a chain break. */
	if (rc == 0)
		rc = catalog_each_audit_checked(c, verify_row, &v);
	rep->entries = v.n;
	if (rc == 0)
		rc = check_head(c, &v);
	/* The chain vouches for the rows; the reports by recording read them
	 * through the index, so it must hold them and nothing else serve. */
	if (rc == 0)
		rc = catalog_audit_storage_check(c);
	if (rc == 0)
		rc = check_key_state(&v, rc_key, &ks, now);
	catalog_end_read(c);
	if (v.nseals) {
		int64_t start = vk ? vk->start : ks.start, interval = vk ? vk->interval : ks.interval;

		rep->sealed_until = interval ? epoch_end(start, interval, (int64_t)v.nseals - 1) : 0;
	}
out:
	crypto_key_free(ks.key);
	crypto_key_free(v.k);
	free(v.seals);
	return rc;
}

#define ANCHOR_VERSION 2
static const char ANCHOR_DOMAIN[] = "recfs audit anchor 2";

/* The register's id into id ("" when the catalog names none, or not as an
 * id). */
static int register_id_of(struct catalog *c, char id[RECFS_ID_HEX])
{
	char *v = NULL;
	int rc = catalog_get_meta(c, "register_id", &v);

	*id = '\0';
	if (rc == 0 && util_is_id(v))
		memcpy(id, v, RECFS_ID_HEX);
	free(v);
	return rc == -ENOENT ? 0 : rc;
}

/*
 * a's MAC under key (K(a->epoch)): the first AUDIT_ANCHOR_MAC_BYTES of
 * keyed BLAKE2b-256 over ANCHOR_DOMAIN || the register id (RECFS_ID_HEX
 * bytes, zeros after it) || le64 seq || hash || le64 at || le64 epoch.
 * Its domain keeps it from ever being a seal's or a checkpoint's MAC.
 */
static void anchor_mac(const struct crypto_key *key, const struct audit_anchor *a,
		       uint8_t mac[AUDIT_ANCHOR_MAC_BYTES])
{
	uint8_t buf[sizeof(ANCHOR_DOMAIN) + RECFS_ID_HEX + 24 + CRYPTO_HASH_BYTES], *p = buf;
	uint8_t full[CRYPTO_MAC_BYTES];

	memset(buf, 0, sizeof(buf));
	memcpy(p, ANCHOR_DOMAIN, sizeof(ANCHOR_DOMAIN));
	p += sizeof(ANCHOR_DOMAIN);
	memcpy(p, a->register_id, strnlen(a->register_id, RECFS_ID_HEX));
	p += RECFS_ID_HEX;
	put_le64(&p, a->seq);
	memcpy(p, a->hash, CRYPTO_HASH_BYTES);
	p += CRYPTO_HASH_BYTES;
	put_le64(&p, a->at);
	put_le64(&p, a->epoch);
	crypto_keyed_hash(key, buf, sizeof(buf), full);
	memcpy(mac, full, AUDIT_ANCHOR_MAC_BYTES);
	crypto_memzero(full, sizeof(full));
}

int audit_anchor_get(struct catalog *c, int64_t now, struct audit_anchor *a)
{
	struct cat_audit_key ks = { 0 };
	int rc;

	*a = (struct audit_anchor){ .at = now, .epoch = -1 };
	if ((rc = catalog_begin_read(c)))
		return rc;
	rc = register_id_of(c, a->register_id);
	if (rc == 0)
		rc = catalog_audit_last(c, &a->seq, a->hash);
	if (rc == 0) {
		rc = catalog_audit_key_get(c, &ks);
		if (rc == 0) {
			a->epoch = ks.epoch;
			anchor_mac(ks.key, a, a->mac);
		} else if (rc == -ENOENT) {
			rc = 0;
		}
		crypto_key_free(ks.key);
	}
	catalog_end_read(c);
	return rc;
}

void audit_anchor_format(const struct audit_anchor *a, char out[AUDIT_ANCHOR_MAX])
{
	char hex[CRYPTO_HASH_BYTES * 2 + 1], mac[AUDIT_ANCHOR_MAC_BYTES * 2 + 1] = "-", epoch[21] = "-", t[21];

	crypto_hex(hex, a->hash, CRYPTO_HASH_BYTES);
	util_format_time(a->at, t);
	if (a->epoch >= 0) {
		crypto_hex(mac, a->mac, AUDIT_ANCHOR_MAC_BYTES);
		snprintf(epoch, sizeof(epoch), "%lld", (long long)a->epoch);
	}
	snprintf(out, AUDIT_ANCHOR_MAX, AUDIT_ANCHOR_TAG " %d register=%s seq=%lld hash=%s at=%s epoch=%s mac=%s",
		 ANCHOR_VERSION, *a->register_id ? a->register_id : "-", (long long)a->seq, hex, t, epoch, mac);
}

/* A number of an anchor's: digits alone (no sign, no leading zero but
 * "0" itself), at most max; 0 or -EINVAL. */
static int anchor_number(const char *s, int64_t max, int64_t *out)
{
	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]) || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	return parse_i64(s, 0, max, out);
}

/* The MAC part of a version 2 anchor, "epoch=E mac=HEX" or "epoch=- mac=-",
 * into a; 0 or -EINVAL. */
static int anchor_parse_mac(const char *epoch, const char *mac, struct audit_anchor *a)
{
	if (!strcmp(epoch, "-") && !strcmp(mac, "-"))
		return 0;
	if (anchor_number(epoch, INT64_MAX, &a->epoch) || strlen(mac) != AUDIT_ANCHOR_MAC_BYTES * 2 ||
	    crypto_unhex(a->mac, AUDIT_ANCHOR_MAC_BYTES, mac)) {
		a->epoch = -1;
		return -EINVAL;
	}
	return 0;
}

int audit_anchor_parse(const char *line, struct audit_anchor *a)
{
	const char *p = strstr(line, AUDIT_ANCHOR_TAG " ");
	char id[RECFS_ID_HEX + 1], hex[CRYPTO_HASH_BYTES * 2 + 2], t[22], epoch[22], mac[AUDIT_ANCHOR_MAC_BYTES * 2 + 2];
	char ver[12], seq[22];
	int64_t version = 0;
	int end = 0, n;

	if (!p)
		return -ENOENT;
	*a = (struct audit_anchor){ .epoch = -1 };
	if (sscanf(p, AUDIT_ANCHOR_TAG " %11s", ver) != 1 || anchor_number(ver, INT32_MAX, &version))
		version = 0;
	if (version == 1)
		n = sscanf(p, AUDIT_ANCHOR_TAG " %*s register=%33s seq=%21s hash=%65s at=%21s%n", id, seq, hex, t,
			   &end) == 4;
	else
		n = sscanf(p, AUDIT_ANCHOR_TAG " %*s register=%33s seq=%21s hash=%65s at=%21s epoch=%21s mac=%33s%n",
			   id, seq, hex, t, epoch, mac, &end) == 6;
	if (version > ANCHOR_VERSION)
		return meta_fail(-EINVAL, "an audit anchor of version %lld: this recctl reads versions 1 to %d",
				 (long long)version, ANCHOR_VERSION);
	if (version < 1)
		n = 0;
	if (!n || (p[end] && p[end] != '\n' && p[end] != '\r'))
		return meta_fail(-EINVAL, "not an audit anchor: it reads \"" AUDIT_ANCHOR_TAG " %d register=ID seq=N "
				 "hash=HEX at=TIME%s\"", version == 1 ? 1 : ANCHOR_VERSION,
				 version == 1 ? "" : " epoch=E mac=HEX");
	if (anchor_number(seq, INT64_MAX, &a->seq) || strlen(hex) != CRYPTO_HASH_BYTES * 2 ||
	    crypto_unhex(a->hash, CRYPTO_HASH_BYTES, hex) || util_parse_time(t, &a->at) ||
	    (strcmp(id, "-") && !util_is_id(id)) || (version > 1 && anchor_parse_mac(epoch, mac, a)))
		return meta_fail(-EINVAL, "an audit anchor with a field that does not read (seq, hash, time, "
				 "register, epoch or MAC)");
	if (strcmp(id, "-"))
		memcpy(a->register_id, id, RECFS_ID_HEX);
	return 0;
}

/* Indexes into the anchors (ctx) in the order of their epochs. */
static int anchor_by_epoch(const void *x, const void *y, void *ctx)
{
	const struct audit_anchor *a = ctx;
	int64_t ex = a[*(const size_t *)x].epoch, ey = a[*(const size_t *)y].epoch;

	return (ex > ey) - (ex < ey);
}

int audit_anchors_authentic(const struct audit_vkey *vk, const struct audit_anchor *a, size_t n, int64_t now,
			    enum audit_anchor_mac *why)
{
	uint8_t mac[AUDIT_ANCHOR_MAC_BYTES];
	struct crypto_key *k = NULL;
	int64_t k_epoch = -1, last = epoch_at(vk->start, vk->interval, now);
	size_t *ix;
	int rc = 0;

	if (n == 0)
		return 0;
	ix = xcalloc(n, sizeof(*ix));
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof(*ix), anchor_by_epoch, (void *)a);
	for (size_t j = 0; j < n && rc == 0; j++) {
		const struct audit_anchor *x = &a[ix[j]];
		enum audit_anchor_mac *w = &why[ix[j]];

		if (x->epoch < 0) {
			*w = AUDIT_ANCHOR_NO_MAC;
			continue;
		}
		/* A key is made when its epoch begins: an anchor names no
		 * later one than its own time's. */
		if (x->epoch > epoch_at(vk->start, vk->interval, x->at)) {
			*w = AUDIT_ANCHOR_EARLY;
			continue;
		}
		if (x->epoch > last && x->epoch - last > AUDIT_ANCHOR_AHEAD_MAX) {
			*w = AUDIT_ANCHOR_TOO_FAR;
			continue;
		}
		if (!k) {
			if ((rc = key_of_epoch(vk, x->epoch, &k)))
				break;
			k_epoch = x->epoch;
		}
		while (rc == 0 && k_epoch < x->epoch) {
			rc = crypto_key_evolve(k);
			k_epoch++;
		}
		if (rc)
			break;
		anchor_mac(k, x, mac);
		*w = !crypto_equal(mac, x->mac, sizeof(mac)) ? AUDIT_ANCHOR_FORGED
		     : x->epoch > last			   ? AUDIT_ANCHOR_AHEAD
							   : AUDIT_ANCHOR_OK;
	}
	crypto_memzero(mac, sizeof(mac));
	crypto_key_free(k);
	free(ix);
	return rc;
}

int audit_anchor_check(struct catalog *c, const struct audit_anchor *a)
{
	uint8_t hash[CRYPTO_HASH_BYTES], head[CRYPTO_HASH_BYTES];
	char id[RECFS_ID_HEX], t[21];
	struct checkpoint ck;
	int64_t last = 0;
	int rc;

	util_format_time(a->at, t);
	if ((rc = catalog_begin_read(c)))
		return rc;
	if ((rc = register_id_of(c, id)))
		goto out;
	if (*a->register_id && *id && strcmp(id, a->register_id)) {
		rc = meta_fail(-EKEYREJECTED, "the anchor of %s is of register %s, this is register %s", t,
			       a->register_id, id);
		goto out;
	}
	if ((rc = catalog_audit_last(c, &last, head)))
		goto out;
	rc = ckpt_load(c, &ck);
	if (rc == -ENOENT)
		ck.first = 1;
	else if (rc)
		goto out;
	if (a->seq > last) {
		rc = meta_fail(-EBADMSG, "the log ends at entry %lld, but on %s it went up to entry %lld (anchor): "
			       "entries were removed, or the register was put back from an older copy",
			       (long long)last, t, (long long)a->seq);
		goto out;
	}
	if (a->seq < ck.first - 1 || a->seq == 0) {
		rc = a->seq == 0 ? 0 : 1;
		goto out;
	}
	if (a->seq == ck.first - 1)
		memcpy(hash, ck.prev, CRYPTO_HASH_BYTES);
	else if ((rc = catalog_audit_hash_of(c, a->seq, hash)))
		goto out;
	if (memcmp(hash, a->hash, CRYPTO_HASH_BYTES))
		rc = meta_fail(-EBADMSG, "entry %lld is not the one the log held on %s (anchor): the log was "
			       "rewritten up to it, or the register was put back from another copy",
			       (long long)a->seq, t);
out:
	catalog_end_read(c);
	return rc;
}

/* Anchors by time, then seq (an order for the same second), then hash. */
static int anchor_by_time(const void *x, const void *y)
{
	const struct audit_anchor *a = *(const struct audit_anchor *const *)x;
	const struct audit_anchor *b = *(const struct audit_anchor *const *)y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return memcmp(a->hash, b->hash, CRYPTO_HASH_BYTES);
}

/* Anchors by seq, then hash, then time. */
static int anchor_by_seq(const void *x, const void *y)
{
	const struct audit_anchor *a = *(const struct audit_anchor *const *)x;
	const struct audit_anchor *b = *(const struct audit_anchor *const *)y;
	int d;

	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if ((d = memcmp(a->hash, b->hash, CRYPTO_HASH_BYTES)))
		return d;
	return a->at < b->at ? -1 : a->at > b->at;
}

/*
 * The anchors against each other (s: pointers to them, sorted here).  The
 * log's seq only grows and an entry's chain hash never changes, retention
 * sweeps included: an anchor below one taken earlier, or another hash for
 * the same entry, is a log that went back.  Anchors of the same second are
 * not ordered against each other.
 */
static int anchors_agree(const struct audit_anchor **s, size_t n)
{
	const struct audit_anchor *hi = NULL;
	char t1[21], t2[21];

	qsort(s, n, sizeof(*s), anchor_by_time);
	for (size_t i = 0; i < n; i++) {
		/* hi: the highest seq of the times before s[i]'s (the last of
		 * each time is its highest) */
		if (i > 0 && s[i]->at != s[i - 1]->at && (!hi || s[i - 1]->seq > hi->seq))
			hi = s[i - 1];
		if (hi && s[i]->seq < hi->seq) {
			util_format_time(hi->at, t1);
			util_format_time(s[i]->at, t2);
			return meta_fail(-EBADMSG, "on %s the log went up to entry %lld (anchor), on %s, later, only to "
					 "entry %lld (anchor): the log went back, the register was put back from an "
					 "older copy", t1, (long long)hi->seq, t2, (long long)s[i]->seq);
		}
	}
	qsort(s, n, sizeof(*s), anchor_by_seq);
	for (size_t i = 1; i < n; i++) {
		if (s[i]->seq != s[i - 1]->seq || !memcmp(s[i]->hash, s[i - 1]->hash, CRYPTO_HASH_BYTES))
			continue;
		util_format_time(s[i - 1]->at < s[i]->at ? s[i - 1]->at : s[i]->at, t1);
		util_format_time(s[i - 1]->at < s[i]->at ? s[i]->at : s[i - 1]->at, t2);
		return meta_fail(-EBADMSG, "the anchors of %s and %s name two different entries %lld: the log was "
				 "rewritten, or the register was put back from another copy", t1, t2,
				 (long long)s[i]->seq);
	}
	return 0;
}

int audit_anchors_check(struct catalog *c, const struct audit_anchor *a, size_t n,
			struct audit_anchors_report *rep)
{
	struct audit_anchors_report r = { 0 };
	const struct audit_anchor **s = NULL;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if ((rc = audit_anchor_check(c, &a[i])) < 0)
			return rc;
		if (rc == 1)
			r.dropped++;
		else
			r.held++;
	}
	if (n > 1) {
		s = xcalloc(n, sizeof(*s));
		for (size_t i = 0; i < n; i++)
			s[i] = &a[i];
		rc = anchors_agree(s, n);
		free(s);
		if (rc)
			return rc;
	}
	*rep = r;
	return 0;
}

/* Where audit_expire would cut: *first, the first entry to keep (never
 * below the previous checkpoint's, never past the last entry), inside the
 * caller's transaction.  ks is the key state (NULL: the log is unsealed). */
static int expire_from(struct catalog *c, const struct cat_audit_key *ks, int64_t before, int64_t floor,
		       int64_t *first)
{
	uint8_t head[CRYPTO_HASH_BYTES];
	int64_t last = 0, f = 0, k, s;
	int rc;

	if ((rc = catalog_audit_last(c, &last, head)))
		return rc;
	rc = catalog_audit_first_since(c, before, &f);
	if (rc == -ENOENT)
		f = last;	/* everything is older: keep the last one */
	else if (rc)
		return rc;
	if (f > last)
		f = last;
	/* Seal k is the first whose epoch ended after `before`: entries after
	 * it were written after `before`, whatever their time says. */
	k = ks ? epoch_at(ks->start, ks->interval, before) : -1;
	if (ks && k < 0)
		k = 0;
	if (ks && k < ks->epoch) {
		rc = catalog_audit_seal_seq(c, k, &s);
		if (rc == 0 && f > s + 1)
			f = s + 1;
		else if (rc && rc != -ENOENT)
			return rc;
	}
	*first = f > floor ? f : floor;
	return 0;
}

int audit_expire(struct catalog *c, const struct audit_actor *a, int64_t before, int dry_run, int64_t *dropped,
		 int64_t *first)
{
	struct cat_audit_key ks = { 0 };
	struct checkpoint old = { .first = 1 }, ck = { 0 };
	struct audit_report rep;
	struct audit_entry e;
	int64_t now = util_now(), closed = 0, f = 0, n = 0;
	char b[21], *why = NULL;
	int sealed = 0, had = 0, rc;

	if (catalog_in_transaction(c))
		return meta_fail(-EINVAL, "audit entries are dropped in a transaction of their own");
	if (before > now)
		before = now;
	rc = audit_verify(c, NULL, now, &rep);
	if (rc == -EBADMSG) {
		why = xstrdup(meta_errmsg());
		rc = meta_fail(-EBADMSG, "the audit log does not verify (%s); nothing was dropped from it: keep the "
				 "catalog as it is, as evidence", why);
		free(why);
		return rc;
	}
	if (rc)
		return rc;
	rc = dry_run ? catalog_begin_read(c) : catalog_begin(c);
	if (rc)
		return rc;
	if (!dry_run && (rc = close_epochs(c, now, &closed)))
		goto out;
	rc = ckpt_load(c, &old);
	had = rc == 0;
	if (rc == -ENOENT)
		rc = 0;
	if (rc)
		goto out;
	rc = catalog_audit_key_get(c, &ks);
	sealed = rc == 0;
	if (rc == -ENOENT)
		rc = 0;
	if (rc || (rc = expire_from(c, sealed ? &ks : NULL, before, old.first, &f)))
		goto out;
	n = f - old.first;
	if (dry_run || n == 0)
		goto out;
	ck = (struct checkpoint){
		.first = f, .before = had && old.before > before ? old.before : before, .made = now,
		.epoch = sealed ? ks.epoch : -1,
	};
	if ((rc = catalog_audit_hash_of(c, f - 1, ck.prev)))
		goto out;
	if (sealed)
		ckpt_mac(ks.key, &ck, ck.mac);
	if ((rc = catalog_audit_drop_before(c, f, &n)) || (rc = ckpt_save(c, &ck)))
		goto out;
	util_format_time(ck.before, b);
	why = xasprintf("dropped=%lld first=%lld before=%s", (long long)n, (long long)f, b);
	e = (struct audit_entry){ .actor = *a, .action = "audit-expire", .outcome = "ok", .reason = why };
	rc = audit_append(c, &e, 1);
out:
	crypto_key_free(ks.key);
	crypto_memzero(&ck, sizeof(ck));
	free(why);
	if (dry_run) {
		catalog_end_read(c);
	} else if (rc == 0) {
		/* The dropped rows out of the WAL with the commit (a closed
		 * epoch's key asks for it itself). */
		if (n)
			catalog_checkpoint_due(c);
		rc = catalog_commit(c);
	}
	if (rc && !dry_run)
		catalog_rollback(c);
	if (rc == 0) {
		*dropped = n;
		*first = f;
	}
	return rc;
}
