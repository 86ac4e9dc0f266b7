/*
 * journal.c - the audit journal (journal.h).
 *
 * A record is written with one pwrite(2) at the end of the last whole
 * record, under the writer's lock, so records never interleave and one
 * that fails part way is cut off again (the file is truncated back to
 * where it was).  Not O_APPEND: the header at the start of the file is
 * overwritten in place, which pwrite on an O_APPEND file cannot (Linux
 * appends it).  Reading stops at the first record that does not fit in
 * the file or whose hash does not match: what a crash of the machine cut
 * short.
 *
 * The header is a record of its own, first in the file, of a fixed size:
 * an amendment ('A') of ticket 0 whose reason is HEADER_PAYLOAD bytes,
 * HEADER_MAGIC then the fields of struct journal_lost and the writer's pid
 * and uid.  An older recfs passes it as an amendment of no entry; this one
 * reads the count from it, and passes it, its count unknown, when a crash
 * of the machine cut its overwrite short (the hash does not match).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "crypto.h"
#include "journal.h"

#define JOURNAL_PREFIX "audit-journal-"
#define JOURNAL_RECORD_MAX (1u << 20)	/* bytes; entries are a few hundred */
#define NO_STRING 0xffffffffu
#define HEADER_MAGIC "RCFSLOST"
#define HEADER_PAYLOAD (8 + 6 * 8)
#define HEADER_BODY (1 + 8 + 4 + HEADER_PAYLOAD)
#define HEADER_SIZE (4 + HEADER_BODY + CRYPTO_HASH_BYTES)
/* The position of a journal whose count is in the log too: nothing of it
 * is committed again. */
#define ALL_COMMITTED UINT64_MAX

struct journal {
	int fd;
	off_t size;		/* what has been appended: the end of the last whole record */
	int has_header;		/* the file starts with its header */
	int reserve_err;	/* 0, or the -errno of the fallocate of its reserve */
	off_t reserved;		/* the reserve's bytes (0: none) */
	struct journal_lost lost;	/* what its header counts */
	char *path;
	char key[sizeof(JOURNAL_PREFIX) + RECFS_ID_HEX];	/* the file's name, and its meta key */
};

/* A growing byte buffer for one record. */
struct rec {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct rec *r, const void *p, size_t n)
{
	if (!n)
		return;	/* p may be NULL (an empty or absent string), and memcpy's may not */
	if (r->n + n > r->cap) {
		r->cap = (r->n + n) * 2;
		r->p = xrealloc(r->p, r->cap);
	}
	memcpy(r->p + r->n, p, n);
	r->n += n;
}

static void put_u32(struct rec *r, uint32_t v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(r, b, 4);
}

static void put_u64(struct rec *r, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(r, b, 8);
}

static void put_str(struct rec *r, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_u32(r, s ? (uint32_t)n : NO_STRING);
	put(r, s, n);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Body (type, ticket, fields) framed as a record into *r. */
static void frame(const struct rec *body, struct rec *r)
{
	uint8_t h[CRYPTO_HASH_BYTES];
	const void *part = body->p;
	size_t n = body->n;

	crypto_hash_parts(h, 1, &part, &n);
	put_u32(r, (uint32_t)(body->n + sizeof(h)));
	put(r, body->p, body->n);
	put(r, h, sizeof(h));
}

/* The smallest reserve worth having: some 300 entries. */
#define RESERVE_MIN (64 * 1024)

/* Preallocate j's reserve (its end stays where it is): JOURNAL_RESERVE,
 * or where the disk has not that much room, the largest half, quarter,
 * ... of it down to RESERVE_MIN that it has. */
static void reserve(struct journal *j)
{
	off_t n = JOURNAL_RESERVE;

	while (fallocate(j->fd, FALLOC_FL_KEEP_SIZE, 0, n) < 0) {
		j->reserve_err = -errno;
		j->reserved = 0;
		if (errno != ENOSPC || n / 2 < RESERVE_MIN)
			return;
		n /= 2;
	}
	j->reserve_err = 0;
	j->reserved = n;
}

/* (Over)write j's header with j->lost at the start of the file, which
 * holds no record or has the header.  0 or -errno. */
static int write_header(struct journal *j)
{
	struct rec b = { 0 }, r = { 0 };
	ssize_t w;
	int rc = 0;

	put(&b, "A", 1);
	put_u64(&b, 0);
	put_u32(&b, HEADER_PAYLOAD);
	put(&b, HEADER_MAGIC, 8);
	put_u64(&b, j->lost.lost);
	put_u64(&b, j->lost.part);
	put_u64(&b, j->lost.cut);
	put_u64(&b, (uint64_t)j->lost.time);
	put_u64(&b, (uint64_t)getpid());
	put_u64(&b, (uint64_t)getuid());
	frame(&b, &r);
	w = pwrite(j->fd, r.p, r.n, 0);
	if (w != (ssize_t)r.n) {
		rc = w < 0 ? -errno : -ENOSPC;
		/* A header cut short on a file that had none: no header. */
		if (!j->has_header && ftruncate(j->fd, 0) < 0)
			rc = -EIO;
	} else if (!j->has_header) {
		j->has_header = 1;
		j->size = (off_t)r.n;
	}
	free(b.p);
	free(r.p);
	return rc;
}

int journal_open(const char *dir, struct journal **out)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	char id[RECFS_ID_HEX], *tmp;
	int rc;

	crypto_new_id(id);
	snprintf(j->key, sizeof(j->key), JOURNAL_PREFIX "%s", id);
	j->path = xasprintf("%s/%s", dir, j->key);
	/* Locked under a name recovery ignores, then named: no recovery
	 * ever finds it unlocked while its writer lives. */
	tmp = xasprintf("%s/.%s", dir, j->key);
	j->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (j->fd < 0) {
		rc = meta_fail(-errno, "cannot create the audit journal %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if ((rc = util_adopt_owner(j->fd, tmp))) {
		rc = meta_fail(rc, "cannot give the audit journal %s the owner of its folder: %s", tmp, strerror(-rc));
		goto fail;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0 || rename(tmp, j->path) < 0) {
		rc = meta_fail(-errno, "cannot set up the audit journal %s: %s", j->path, strerror(errno));
		goto fail;
	}
	/* Its reserve, then its header in it; a disk too full for either
	 * leaves a journal as an older recfs made them (journal.h). */
	reserve(j);
	(void)write_header(j);
	/* The name must outlive a crash as much as what is written in it. */
	if ((rc = util_fsync_dir(dir)))
		goto fail;
	free(tmp);
	*out = j;
	return 0;
fail:
	if (j->fd >= 0) {
		close(j->fd);
		unlink(tmp);
		unlink(j->path);
	}
	free(tmp);
	free(j->path);
	free(j);
	return rc;
}

void journal_close(struct journal *j, struct catalog *c, int remove)
{
	if (!j)
		return;
	if (remove && unlink(j->path) == 0 && c && catalog_delete_meta(c, j->key))
		meta_clear_error();	/* a stale position of a journal that is gone harms nothing */
	close(j->fd);
	free(j->path);
	free(j);
}

/* Frame body (type, ticket, fields) as a record and append it. */
static int append(struct journal *j, struct rec *body)
{
	struct rec r = { 0 };
	ssize_t w;
	int rc = 0;

	frame(body, &r);
	w = pwrite(j->fd, r.p, r.n, j->size);
	if (w != (ssize_t)r.n) {
		/* A short write to a regular file: its disk is full. */
		rc = w < 0 ? -errno : -ENOSPC;
		/* No half record stays to end the journal early. */
		if (w > 0 && ftruncate(j->fd, j->size) < 0)
			rc = -EIO;
		rc = meta_fail(rc, "cannot write the audit journal %s: %s", j->path, strerror(-rc));
	} else {
		j->size += (off_t)r.n;
	}
	free(r.p);
	return rc;
}

int journal_append(struct journal *j, uint64_t ticket, const struct audit_entry *e)
{
	struct rec b = { 0 };
	int rc;

	put(&b, "E", 1);
	put_u64(&b, ticket);
	put_u64(&b, (uint64_t)e->time);
	put_u64(&b, (uint64_t)e->actor.uid);
	put_u64(&b, (uint64_t)e->actor.pid);
	put_u64(&b, e->actor.has_loginuid ? (uint64_t)e->actor.loginuid : UINT64_MAX);
	put_str(&b, e->actor.user);
	put_str(&b, e->actor.level);
	put_str(&b, e->actor.comm);
	put_str(&b, e->action);
	put_str(&b, e->object);
	put_str(&b, e->outcome);
	put_str(&b, e->reason);
	put_str(&b, e->artifact);
	/* Since schema 28: the event's microseconds, after the strings, so a
	 * record of an older mount (which ends with them) still reads. */
	put_u64(&b, (uint64_t)e->time_us);
	rc = append(j, &b);
	free(b.p);
	return rc;
}

int journal_amend(struct journal *j, uint64_t ticket, const char *reason)
{
	struct rec b = { 0 };
	int rc;

	put(&b, "A", 1);
	put_u64(&b, ticket);
	put_str(&b, reason);
	rc = append(j, &b);
	free(b.p);
	return rc;
}

int journal_sync(struct journal *j)
{
	if (fdatasync(j->fd) < 0)
		return meta_fail(-errno, "cannot sync the audit journal %s: %s", j->path, strerror(errno));
	return 0;
}

int journal_truncate(struct journal *j)
{
	if (ftruncate(j->fd, 0) < 0)
		return meta_fail(-errno, "cannot empty the audit journal %s: %s", j->path, strerror(errno));
	j->size = 0;
	j->has_header = 0;
	/* ftruncate gave back the reserve's blocks too. */
	reserve(j);
	(void)write_header(j);
	return 0;
}

int journal_reserve_error(const struct journal *j)
{
	return j->reserve_err;
}

int journal_half_used(const struct journal *j)
{
	return j->reserved && j->size > j->reserved / 2;
}

int journal_disk_low(const struct journal *j)
{
	struct statvfs st;
	uint64_t room;

	if (fstatvfs(j->fd, &st) < 0)
		return 0;
	/* root writes into the blocks kept for root too (ext4's 5%). */
	room = (uint64_t)(geteuid() == 0 ? st.f_bfree : st.f_bavail) * st.f_frsize;
	return room < JOURNAL_RESERVE;
}

int journal_set_lost(struct journal *j, const struct journal_lost *l)
{
	j->lost = *l;
	if (!j->has_header && j->size > 0)
		return -ENOSPC;	/* records where it would be */
	return write_header(j);
}

/*
 * Commit n entries and set the journal key's position to last, in one
 * transaction (or in the caller's).  The position is "TICKET FIRST LAST":
 * the last ticket committed, then the seqs of the transaction's audit
 * entries (catalog_audit_pending), which the writer mirrors to syslog
 * after the commit; a writer killed before it has, leaves them to
 * journal_recover (atk47 F3).  An older recfs reads the ticket alone.
 */
static int commit(struct catalog *c, const char *key, const struct audit_entry *e, size_t n, uint64_t last)
{
	char pos[72];
	int64_t first = 0, end = 0;
	int own = !catalog_in_transaction(c), rc;

	if (own && (rc = catalog_begin(c)))
		return rc;
	rc = audit_append(c, e, n);
	/* what the commit's mirror gets (catalog_on_audit_commit) */
	catalog_audit_pending(c, &first, &end);
	snprintf(pos, sizeof(pos), "%" PRIu64 " %lld %lld", last, (long long)first, (long long)end);
	if (rc == 0)
		rc = catalog_set_meta(c, key, pos);
	if (own) {
		if (rc == 0)
			rc = catalog_commit(c);
		if (rc)
			catalog_rollback(c);
	}
	return rc;
}

int journal_commit(struct catalog *c, struct journal *j, const struct audit_entry *e, size_t n, uint64_t last)
{
	return n ? commit(c, j->key, e, n, last) : 0;
}

/* The entries of one journal file as read back; strings are malloc'd. */
struct parsed {
	struct audit_entry *e;
	uint64_t *ticket;
	size_t n;
	int header;		/* 1: a header, its count in lost; -1: one cut short */
	struct journal_lost lost;
	uint64_t pid, uid;	/* the writer's, from the header */
};

static void parsed_free_entries(struct parsed *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct audit_entry *e = &p->e[i];

		free((char *)e->actor.user);
		free((char *)e->actor.level);
		free((char *)e->actor.comm);
		free((char *)e->action);
		free((char *)e->object);
		free((char *)e->outcome);
		free((char *)e->reason);
		free((char *)e->artifact);
	}
}

static void parsed_free(struct parsed *p)
{
	parsed_free_entries(p);
	free(p->e);
	free(p->ticket);
}

/* A string field at *p (of end), malloc'd into *out; -1 when it does not fit. */
static int take_str(const uint8_t **p, const uint8_t *end, const char **out)
{
	uint32_t n;

	if (end - *p < 4)
		return -1;
	n = get_u32(*p);
	*p += 4;
	if (n == NO_STRING) {
		*out = NULL;
		return 0;
	}
	if ((size_t)(end - *p) < n)
		return -1;
	*out = strndup((const char *)*p, n);
	if (!*out)
		return -1;
	*p += n;
	return 0;
}

/* The microseconds a record of schema 28 ends with into *us (0 and
 * nothing taken when the record ends with its strings); -1 when what is
 * left is not 8 bytes. */
static int take_time_us(const uint8_t **q, const uint8_t *end, int64_t *us)
{
	*us = 0;
	if (*q == end)
		return 0;
	if (end - *q != 8)
		return -1;
	*us = (int64_t)get_u64(*q);
	*q += 8;
	return 0;
}

/* One record's body (type, ticket, fields) into p; -1 when malformed. */
static int parse_body(const uint8_t *b, size_t n, struct parsed *p)
{
	const uint8_t *end = b + n, *q = b + 9;
	struct audit_entry e;
	uint64_t ticket, login;
	const char *reason;

	if (n < 9)
		return -1;
	ticket = get_u64(b + 1);
	if (b[0] == 'A') {
		size_t i = p->n;

		if (take_str(&q, end, &reason))
			return -1;
		while (i > 0 && p->ticket[i - 1] != ticket)
			i--;
		if (i == 0) {
			free((char *)reason);
			return 0;	/* its entry was cut off before: nothing to amend */
		}
		free((char *)p->e[i - 1].reason);
		p->e[i - 1].reason = reason;
		return 0;
	}
	if (b[0] != 'E' || end - q < 32)
		return -1;
	memset(&e, 0, sizeof(e));
	e.time = (int64_t)get_u64(q);
	e.actor.uid = (uid_t)get_u64(q + 8);
	e.actor.pid = (pid_t)get_u64(q + 16);
	login = get_u64(q + 24);
	e.actor.has_loginuid = login != UINT64_MAX;
	e.actor.loginuid = e.actor.has_loginuid ? (uid_t)login : 0;
	q += 32;
	p->e = xrealloc(p->e, (p->n + 1) * sizeof(*p->e));
	p->ticket = xrealloc(p->ticket, (p->n + 1) * sizeof(*p->ticket));
	p->e[p->n] = e;
	p->ticket[p->n] = ticket;
	p->n++;
	/* Filled in place, so that what was read is freed on any error. */
	if (take_str(&q, end, &p->e[p->n - 1].actor.user) || take_str(&q, end, &p->e[p->n - 1].actor.level) ||
	    take_str(&q, end, &p->e[p->n - 1].actor.comm) || take_str(&q, end, &p->e[p->n - 1].action) ||
	    take_str(&q, end, &p->e[p->n - 1].object) || take_str(&q, end, &p->e[p->n - 1].outcome) ||
	    take_str(&q, end, &p->e[p->n - 1].reason) || take_str(&q, end, &p->e[p->n - 1].artifact) ||
	    take_time_us(&q, end, &p->e[p->n - 1].time_us) || q != end || !p->e[p->n - 1].action ||
	    !p->e[p->n - 1].outcome) {
		/* Not an entry (the log's table would refuse it): drop it. */
		struct parsed last = { .e = p->e + p->n - 1, .n = 1 };

		parsed_free_entries(&last);
		p->n--;
		return -1;
	}
	return 0;
}

/* Every whole record of buf, in order, into p; stops at the first that is
 * cut short or does not match its hash. */
static void parse(const uint8_t *buf, size_t len, struct parsed *p)
{
	size_t off = 0;

	if (len >= HEADER_SIZE && get_u32(buf) == HEADER_BODY + CRYPTO_HASH_BYTES && buf[4] == 'A' &&
	    get_u64(buf + 5) == 0 && get_u32(buf + 13) == HEADER_PAYLOAD && !memcmp(buf + 17, HEADER_MAGIC, 8)) {
		const uint8_t *f = buf + 25;
		uint8_t h[CRYPTO_HASH_BYTES];
		const void *part = buf + 4;
		size_t blen = HEADER_BODY;

		crypto_hash_parts(h, 1, &part, &blen);
		p->header = crypto_equal(h, buf + 4 + HEADER_BODY, CRYPTO_HASH_BYTES) ? 1 : -1;
		if (p->header == 1) {
			p->lost.lost = get_u64(f);
			p->lost.part = get_u64(f + 8);
			p->lost.cut = get_u64(f + 16);
			p->lost.time = (int64_t)get_u64(f + 24);
			p->pid = get_u64(f + 32);
			p->uid = get_u64(f + 40);
		}
		off = HEADER_SIZE;
	}

	while (len - off >= 4) {
		uint32_t n = get_u32(buf + off);
		const uint8_t *body = buf + off + 4;
		uint8_t h[CRYPTO_HASH_BYTES];
		const void *part = body;
		size_t blen;

		if (n < CRYPTO_HASH_BYTES || n > JOURNAL_RECORD_MAX || len - off - 4 < n)
			break;
		blen = n - CRYPTO_HASH_BYTES;
		crypto_hash_parts(h, 1, &part, &blen);
		if (!crypto_equal(h, body + blen, CRYPTO_HASH_BYTES) || parse_body(body, blen, p))
			break;
		off += 4 + n;
	}
}

/* The entry that counts the lost entries of a journal's header (none
 * known when it was cut short) into *e, its reason malloc'd in *reason.
 * The wording of the mount's own count (auditq.c, push_dropped). */
static void lost_entry(struct audit_entry *e, const struct parsed *p, uint64_t lost, char **reason)
{
	memset(e, 0, sizeof(*e));
	if (p->header == 1)
		*reason = xasprintf("%llu entries were not logged one by one: the audit log could not be written, "
				    "nor the mount's audit journal, and the mount was stopped before they were "
				    "(opens were refused meanwhile)", (unsigned long long)lost);
	else
		*reason = xstrdup("entries may not have been logged one by one: the audit log could not be written, "
				  "nor the mount's audit journal, and the journal's count of them was cut short");
	e->time = p->header == 1 && p->lost.time ? p->lost.time : util_now();
	e->actor.uid = (uid_t)p->uid;
	e->actor.pid = (pid_t)p->pid;
	e->actor.user = "recfs";
	e->actor.comm = "recfs";
	e->action = "audit";
	e->outcome = "refused";
	e->reason = *reason;
}

/* Recover the journal at path (named key), unless its writer still runs. */
static int recover_one(struct catalog *c, const char *path, const char *key, size_t *count)
{
	struct parsed p = { 0 };
	struct stat st;
	uint8_t *buf = NULL;
	char *pos = NULL, *reason = NULL;
	uint64_t done = 0, lost = 0;
	long long mfirst = 0, mlast = 0;
	size_t first;
	int fd, rc = 0;

	/* Not a FIFO or a link someone put there in its name: that open
	 * would wait, or read what the link names. */
	fd = util_open_regular(path, NULL);
	if (fd == -ENOENT || fd == -EINVAL || fd == -ELOOP)
		return 0;
	if (fd < 0)
		return meta_fail(fd, "cannot open %s: %s", path, strerror(-fd));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? 0 : meta_fail(-errno, "cannot lock %s: %s", path, strerror(errno));
		goto out;
	}
	/* Another recovery may have finished it while we waited. */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0 || !S_ISREG(st.st_mode))
		goto out;
	if (st.st_size > 0) {
		buf = xcalloc(1, (size_t)st.st_size);
		if ((rc = util_pread_all(fd, buf, (size_t)st.st_size, 0)))
			goto out;
		parse(buf, (size_t)st.st_size, &p);
	}
	rc = catalog_get_meta(c, key, &pos);
	if (rc == 0 && sscanf(pos, "%" SCNu64 " %lld %lld", &done, &mfirst, &mlast) < 3)
		mfirst = mlast = 0;	/* an older recfs's position, the ticket alone */
	else if (rc != 0 && rc != -ENOENT)
		goto out;
	for (first = 0; first < p.n && p.ticket[first] <= done; first++)
		;
	/* What the header counts, less a batch that reached the log. */
	if (done != ALL_COMMITTED && p.header == 1)
		lost = p.lost.lost - (done >= p.lost.cut && p.lost.part <= p.lost.lost ? p.lost.part : 0);
	if (lost || (done != ALL_COMMITTED && p.header == -1)) {
		struct audit_entry *es = xcalloc(p.n - first + 1, sizeof(*es));

		if (p.n > first)
			memcpy(es, p.e + first, (p.n - first) * sizeof(*es));
		lost_entry(&es[p.n - first], &p, lost, &reason);
		/* The count is in the log: nothing of the journal again. */
		rc = commit(c, key, es, p.n - first + 1, ALL_COMMITTED);
		free(es);
		if (rc == 0 && count)
			(*count)++;
	} else {
		rc = first < p.n ? commit(c, key, p.e + first, p.n - first, p.ticket[p.n - 1]) : 0;
	}
	if (rc)
		goto out;
	if (count)
		*count += p.n - first;
	if (unlink(path) < 0 && errno != ENOENT) {
		rc = meta_fail(-errno, "cannot remove %s: %s", path, strerror(errno));
		goto out;
	}
	/* The writer's last batch, which it may have been killed before it
	 * mirrored: at least once, the lines of what it did mirror twice. */
	if (mfirst > 0 && mlast >= mfirst)
		audit_mirror_range(c, mfirst, mlast);
	if (catalog_delete_meta(c, key))
		meta_clear_error();
out:
	parsed_free(&p);
	free(buf);
	free(pos);
	free(reason);
	close(fd);
	return rc;
}

int journal_recover(struct catalog *c, const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (count)
		*count = 0;
	if (!d)
		return meta_fail(-errno, "cannot read %s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		char *path;

		if (strncmp(de->d_name, JOURNAL_PREFIX, sizeof(JOURNAL_PREFIX) - 1))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		rc = recover_one(c, path, de->d_name, count);
		free(path);
	}
	closedir(d);
	return rc;
}
