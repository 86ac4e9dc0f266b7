/*
 * util.c - shared helpers of libmeta.  Durable writes follow the usual
 * pattern (write temp, fsync, rename, fsync directory) so that a crash
 * leaves either the old or the new file, never a torn one.
 *
 * A register may belong to a user other than root (recctl init --owner), the
 * one its mounts run as.  What root creates inside it must then be that
 * user's too, or a mount could not read a recording ingested after it
 * started, nor unlink an erased blob: the *_adopt helpers give what they
 * create the owner and group of the folder it is created in, so ownership
 * flows down from the register's folder with no list of owners to keep.
 * Modes stay owner-only.  Outside a register (keyrings, exports) nothing
 * adopts: those files stay their creator's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testhook.h"
#include "util.h"

static _Thread_local char errmsg[512];

int meta_fail(int err, const char *fmt, ...)
{
	char buf[sizeof(errmsg)];
	va_list ap;

	/* Format aside first: callers may pass meta_errmsg() itself as an
	 * argument ("audio: %s"), which must not be overwritten while read. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(errmsg, buf, sizeof(errmsg));
	return err;
}

const char *meta_errmsg(void)
{
	return errmsg;
}

void meta_clear_error(void)
{
	errmsg[0] = '\0';
}

const char *meta_strerror(int rc)
{
	return errmsg[0] ? errmsg : strerror(rc < 0 ? -rc : rc);
}

const char *meta_errname(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "ok";
	case ENOTSUP:
		/* Same value as EOPNOTSUPP; file systems speak of ENOTSUP. */
		return "ENOTSUP";
	default:
		s = strerrorname_np(err);
		return s ? s : "error";
	}
}

size_t util_hex_len(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return s[n] ? 0 : n;
}

int util_is_id(const char *s)
{
	return util_hex_len(s) == RECFS_ID_BYTES * 2;
}

/* Digits a name echoed may hold: more may be a person's number (a
 * personal identity number, a phone number, a date of birth) put where a
 * policy name goes (bb7 F7), and reasons reach the logs. */
#define SAFE_NAME_DIGITS 5

const char *util_safe_name(const char *s)
{
	size_t n = 0, digits = 0;

	if (!s)
		return "(none)";
	for (const char *p = s; *p; p++, n++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
			return "(not a valid name)";
		digits += isdigit((unsigned char)*p) != 0;
	}
	if (digits > SAFE_NAME_DIGITS)
		return "(not shown: it holds a number)";
	return n && n <= 32 ? s : "(not a valid name)";
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), its code
 * point in *cp; 0 when none starts there (no overlong forms, no surrogates,
 * nothing past U+10FFFF).
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t j = 1; j < len; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[j] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

int util_utf8_valid(const void *text, size_t n)
{
	const unsigned char *s = text;
	uint32_t cp;

	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_seq(s + i, n - i, &cp)))
			return 0;
	return 1;
}

/* Code points a terminal or a log viewer may act on: C1 controls, line
 * and paragraph separators, bidirectional overrides and isolates. */
static int is_control_point(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The invisible marks that reorder what is around them (LRM, RLM, ALM)
 * and a byte order mark inside a text: UTIL_CTRL_MARKS. */
static int is_mark_point(uint32_t cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0xfeff;
}

size_t util_find_control(const char *s, size_t n, unsigned flags, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = 0;

	for (size_t i = 0, len; i < n; i += len) {
		len = utf8_seq(u + i, n - i, &c);
		if (!len || (is_control_point(c) && !((flags & UTIL_CTRL_TAB) && c == '\t')) ||
		    ((flags & UTIL_CTRL_MARKS) && is_mark_point(c))) {
			if (cp)
				*cp = len ? c : u[i];
			return i;
		}
	}
	return n;
}

int util_is_log_safe(const char *s)
{
	size_t n = strlen(s);

	return util_find_control(s, n, 0, NULL) == n;
}

char *util_escape_for_log(const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "(null)");
	size_t n = strlen((const char *)u), o = 0;
	char *out = xcalloc(4 * n + 1, 1);
	uint32_t cp;

	for (size_t i = 0, len; i < n; i += len) {
		len = utf8_seq(u + i, n - i, &cp);
		if (u[i] == '\\' || u[i] == '\n' || u[i] == '\r' || u[i] == '\t') {
			out[o++] = '\\';
			out[o++] = u[i] == '\\' ? '\\' : u[i] == '\n' ? 'n' : u[i] == '\r' ? 'r' : 't';
		} else if (!len || is_control_point(cp)) {
			/* each byte of it, or the one byte that starts no character */
			len = len ? len : 1;
			for (size_t j = 0; j < len; j++)
				o += (size_t)sprintf(out + o, "\\x%02x", u[i + j]);
		} else {
			memcpy(out + o, u + i, len);
			o += len;
		}
	}
	out[o] = '\0';
	return out;
}

char *util_escape_json_controls(const char *json)
{
	const unsigned char *u = (const unsigned char *)json;
	size_t n = strlen(json), o = 0;
	char *out = xcalloc(6 * n + 1, 1);	/* DEL, one byte, takes six */
	uint32_t cp;

	for (size_t i = 0, len; i < n; i += len) {
		/* Below DEL: the writer escaped C0 in strings, and a raw one
		 * outside strings is its own whitespace.  All of the set from DEL
		 * up lies in the BMP: one \uXXXX each. */
		len = utf8_seq(u + i, n - i, &cp);
		if (len && cp >= 0x7f && is_control_point(cp)) {
			o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
		} else {
			len = len ? len : 1;
			memcpy(out + o, u + i, len);
			o += len;
		}
	}
	out[o] = '\0';
	return out;
}

/* Code points that read as a space or as nothing at all (Unicode spaces,
 * invisible format characters, marks): in a field, a reader or a tool that
 * splits on Unicode whitespace sees two fields where there is one. */
static int is_field_break(uint32_t cp)
{
	return cp == 0xa0 || cp == 0x61c || cp == 0x1680 || cp == 0x180e || (cp >= 0x2000 && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff;
}

char *util_escape_field(const char *s)
{
	const unsigned char *u;
	char *e, *out;
	size_t n, o = 0;
	uint32_t cp;

	if (!s || !*s)
		return xstrdup("-");
	/* Well-formed UTF-8 from here on: every character has its length. */
	e = util_escape_for_log(s);
	u = (const unsigned char *)e;
	n = strlen(e);
	out = xcalloc(4 * n + 1, 1);
	for (size_t i = 0, len; i < n; i += len) {
		if (!(len = utf8_seq(u + i, n - i, &cp)))
			cp = u[i], len = 1;
		if (cp == ' ' || is_field_break(cp)) {
			for (size_t j = 0; j < len; j++)
				o += (size_t)sprintf(out + o, "\\x%02x", u[i + j]);
		} else {
			memcpy(out + o, u + i, len);
			o += len;
		}
	}
	out[o] = '\0';
	free(e);
	return out;
}

void idlist_add(struct idlist *l, const char *id)
{
	l->id = xrealloc(l->id, (l->n + 1) * sizeof(*l->id));
	snprintf(l->id[l->n++], RECFS_ID_HEX, "%s", id);
}

int idlist_has(const struct idlist *l, size_t from, const char *id)
{
	for (size_t i = from; i < l->n; i++)
		if (!strcmp(l->id[i], id))
			return 1;
	return 0;
}

void idlist_free(struct idlist *l)
{
	free(l->id);
	l->id = NULL;
	l->n = 0;
}

void strlist_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

void strlist_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int parse_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

static int check_ymd(int y, int mo, int d)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	return 0;
}

static int64_t ymd_epoch(int y, int mo, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d };

	return (int64_t)timegm(&tm);
}

int util_parse_date(const char *s, int64_t *out)
{
	int y, mo, d;
	const char *p = s;

	if (parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) || *p++ != '-' ||
	    parse_digits(&p, 2, &d) || *p)
		return -EINVAL;
	if (check_ymd(y, mo, d))
		return -EINVAL;
	*out = ymd_epoch(y, mo, d);
	return 0;
}

int util_parse_time(const char *s, int64_t *out)
{
	int64_t us;

	return util_parse_time_us(s, out, &us);
}

int util_parse_time_us(const char *s, int64_t *out, int64_t *us)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;

	if (parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) || *p++ != '-' ||
	    parse_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return -EINVAL;
	p++;
	if (parse_digits(&p, 2, &h) || *p++ != ':' || parse_digits(&p, 2, &mi) || *p++ != ':' ||
	    parse_digits(&p, 2, &sec))
		return -EINVAL;
	*us = -1;
	if (*p == '.' || *p == ',') {
		int64_t scale = 100000;

		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		/* the first six digits: microseconds; the rest cut off */
		for (*us = 0; *p >= '0' && *p <= '9'; p++, scale /= 10)
			*us += scale ? (*p - '0') * scale : 0;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (parse_digits(&p, 2, &oh) || *p++ != ':' || parse_digits(&p, 2, &om))
			return -EINVAL;
	} else {
		return -EINVAL; /* a time without zone is ambiguous */
	}
	if (*p)
		return -EINVAL;
	if (check_ymd(y, mo, d) || h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -ERANGE;	/* the shape is right: no such time */
	*out = ymd_epoch(y, mo, d) + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
}

void util_format_time(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t util_day_start(int64_t t)
{
	int64_t r = t % 86400;

	return t - (r < 0 ? r + 86400 : r);	/* UTC has no leap seconds in epochs */
}

void util_format_date(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Set TZ to the zone tz of the tz database (read from UTIL_ZONEINFO);
 * what it was before, for zone_leave. */
static char *zone_enter(const char *tz)
{
	char *was = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL, *path = xasprintf(":" UTIL_ZONEINFO "/%s", tz);

	setenv("TZ", path, 1);
	free(path);
	tzset();
	return was;
}

static void zone_leave(char *was)
{
	if (was)
		setenv("TZ", was, 1);
	else
		unsetenv("TZ");
	tzset();
	free(was);
}

static int is_utc(const char *tz)
{
	return !tz || !strcmp(tz, "UTC");
}

void util_format_local(int64_t t, const char *tz, char day[11], char hm[6], char zone[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (is_utc(tz)) {
		gmtime_r(&tt, &tm);
		snprintf(zone, 16, "UTC");
	} else {
		char *was = zone_enter(tz);

		localtime_r(&tt, &tm);
		if (!strftime(zone, 16, "%Z", &tm))
			snprintf(zone, 16, "%s", tz);
		zone_leave(was);
	}
	strftime(day, 11, "%Y-%m-%d", &tm);
	strftime(hm, 6, "%H:%M", &tm);
}

void util_format_local_date(int64_t t, const char *tz, char day[11])
{
	char hm[6], zone[16];

	util_format_local(t, tz, day, hm, zone);
}

int util_parse_local_date(const char *s, const char *tz, int64_t *out)
{
	int64_t utc;
	time_t tt;
	struct tm tm;
	char *was;

	if (util_parse_date(s, &utc))
		return -EINVAL;
	if (is_utc(tz)) {
		*out = utc;
		return 0;
	}
	tt = (time_t)utc;
	gmtime_r(&tt, &tm);
	tm.tm_isdst = -1;	/* whichever the zone has that day; a midnight
				 * a clock change skips is the hour after */
	was = zone_enter(tz);
	tt = mktime(&tm);
	zone_leave(was);
	if (tt == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)tt;
	return 0;
}

int64_t util_local_day_start(int64_t t, const char *tz)
{
	char day[11];
	int64_t start;

	util_format_local_date(t, tz, day);
	return util_parse_local_date(day, tz, &start) ? util_day_start(t) : start;
}

void util_format_stamp(int64_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* After year 9999 or before year 0 the stamp does not fit, and
	 * strftime then leaves out undefined (unterminated). */
	if (!gmtime_r(&tt, &tm) || !strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm))
		snprintf(out, 17, "%lld", (long long)t);
}

int64_t util_add_months(int64_t t, int n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int y, m, dim;

	gmtime_r(&tt, &tm);
	m = tm.tm_mon + n;
	y = tm.tm_year + 1900 + (m >= 0 ? m / 12 : (m - 11) / 12);
	m = ((m % 12) + 12) % 12;
	dim = days_in_month(y, m + 1);
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	return (int64_t)timegm(&tm);
}

int64_t util_now(void)
{
#ifdef RECFS_TEST_HOOKS
	/* The test build alone (testhook.h): a clock moved by $RECFS_NOW.
	 * An installed recctl that honoured it would let whoever runs it
	 * erase recordings before their day, date audit entries at will and
	 * prune the audit log early (test_installed_build.sh). */
	const char *e = getenv("RECFS_NOW");
	int64_t t;
	char *end;

	if (e && *e) {
		if (util_parse_time(e, &t) == 0 || util_parse_date(e, &t) == 0)
			return t;
		t = strtoll(e, &end, 10);
		if (!*end)
			return t;
	}
#endif
	return (int64_t)time(NULL);
}

int64_t util_now_us(void)
{
	struct timespec ts;

#ifdef RECFS_TEST_HOOKS
	const char *e = getenv("RECFS_NOW");

	if (e && *e)
		return util_now() * 1000000;
#endif
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t util_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void util_deadline_ms(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += ms % 1000 * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int64_t util_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int util_open_regular(const char *path, struct stat *st)
{
	struct stat sb;
	int fd, flags, rc;

	/* A device's open has effects of its own (a tape rewinds): what is
	 * no regular file by its name is not opened at all.  The check on the
	 * descriptor below stays, for a file swapped in meanwhile. */
	if (lstat(path, &sb) < 0)
		return -errno;
	if (S_ISLNK(sb.st_mode))
		return -ELOOP;
	if (!S_ISREG(sb.st_mode))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = -EINVAL;
		goto fail;
	}
	/* Reads of a regular file never wait on O_NONBLOCK's account, but the
	 * descriptor goes to code that need not know where it came from. */
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		rc = -errno;
		goto fail;
	}
	if (st)
		*st = sb;
	return fd;
fail:
	close(fd);
	return rc;
}

int util_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	int fd, rc = 0;
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;

	fd = util_open_regular(path, &st);
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_pread_all(int fd, void *buf, size_t len, off_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The most POSIX_FADV_WILLNEED reads in one call is the device's
 * read-ahead (128 KiB by default), whatever the length asked for. */
#define PREFETCH_WINDOW (128 * 1024)

int64_t util_prefetch(const char *path)
{
	struct stat st;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	off_t off;
	int fd = util_open_regular(path, &st);

	if (fd < 0)
		return fd;
	if (pages > 0 && page > 0 && (uint64_t)st.st_size > (uint64_t)pages * (uint64_t)page / 4) {
		close(fd);
		return 0;
	}
	for (off = 0; off < st.st_size; off += PREFETCH_WINDOW)
		if (posix_fadvise(fd, off, PREFETCH_WINDOW, POSIX_FADV_WILLNEED) != 0)
			break;
	close(fd);
	return off < st.st_size ? off : st.st_size;
}

int util_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int util_nss_not_found(int rc)
{
	return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
}

#define GROUP_BUF_MAX ((size_t)64 << 20)

int util_group_gid(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	size_t len = 4096;
	char *buf = NULL;
	int rc;

	if (!name)
		return -ENOENT;
	for (;;) {
		buf = xrealloc(buf, len);
		rc = getgrnam_r(name, &gr, buf, len, &res);
		if (rc != ERANGE || len >= GROUP_BUF_MAX)
			break;
		len *= 2;
	}
	if (res)
		*gid = res->gr_gid;
	free(buf);
	if (!res)
		return util_nss_not_found(rc) ? -ENOENT : -rc;
	return 0;
}

int util_adopt_owner(int fd, const char *path)
{
	char *dircopy = NULL;
	struct stat dir, st;
	int own = -1, rc = 0;

	if (geteuid() != 0)
		return 0;
	dircopy = xstrdup(path);
	if (stat(dirname(dircopy), &dir) < 0) {
		rc = -errno;
		goto out;
	}
	if (fd < 0) {
		own = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (own < 0) {
			rc = -errno;
			goto out;
		}
		fd = own;
	}
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if ((st.st_uid != dir.st_uid || st.st_gid != dir.st_gid) && fchown(fd, dir.st_uid, dir.st_gid) < 0)
		rc = -errno;
out:
	if (own >= 0)
		close(own);
	free(dircopy);
	return rc;
}

int util_mkdir_adopt(const char *path, mode_t mode)
{
	int rc;

	if (mkdir(path, mode) < 0)
		return -errno;
	rc = util_adopt_owner(-1, path);
	if (rc)
		rmdir(path);
	return rc;
}

static int open_tmpfile_for(const char *path, mode_t mode);
static int link_tmpfile(int fd, const char *path);

/* Name the unnamed file fd (open_tmpfile_for) path.tmp.XXXXXXXX, a name
 * not taken, which *tmp gets (malloc'd): 0 or -errno. */
static int link_tmpfile_beside(int fd, const char *path, char **tmp)
{
	for (int i = 0; i < 100; i++) {
		uint32_t r;
		int rc;

		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)i;
		*tmp = xasprintf("%s.tmp.%08x", path, r);
		rc = link_tmpfile(fd, *tmp);
		if (rc != -EEXIST)
			return rc;
		free(*tmp);
		*tmp = NULL;
	}
	return -EEXIST;
}

static int write_atomic(const char *path, const void *buf, size_t len, mode_t mode, int adopt)
{
	/* Written without a name where the file system has O_TMPFILE, and
	 * named only once whole and durable: a kill part-way, even in the
	 * fsync, leaves no copy beside path (atk26 F2: a whole keyring of
	 * `recctl keys export` stayed in FILE.tmp.XXXXXX).  A path that does
	 * not exist yet gets the file at once (linkat); one that does is
	 * replaced through a temp name renamed straight after.  Without
	 * O_TMPFILE: mkostemp, which creates the temp file exclusively with
	 * mode 0600, so no reader can open it before fchmod gives it its
	 * final mode, nor before it has its final owner. */
	char *tmp = NULL;
	char *dircopy = xstrdup(path);
	int fd, rc, unnamed = 0, named = 0;

	fd = open_tmpfile_for(path, 0600);
	if (fd >= 0) {
		unnamed = 1;
	} else {
		tmp = xasprintf("%s.tmp.XXXXXX", path);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			free(tmp);
			tmp = NULL;
			goto out;
		}
	}
	rc = util_write_all(fd, buf, len);
	if (rc == 0 && adopt)
		rc = util_adopt_owner(fd, path);
	if (rc == 0 && fchmod(fd, mode) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (rc == 0 && unnamed) {
		rc = link_tmpfile(fd, path);
		if (rc == 0)
			named = 1;
		else if (rc == -EEXIST)
			rc = link_tmpfile_beside(fd, path, &tmp);
	}
	close(fd);
	if (rc == 0 && !named && rename(tmp, path) < 0)
		rc = -errno;
	if (rc == 0)
		rc = util_fsync_dir(dirname(dircopy));
	if (rc && tmp)
		unlink(tmp);
out:
	free(tmp);
	free(dircopy);
	return rc;
}

int util_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	return write_atomic(path, buf, len, mode, 0);
}

int util_write_file_adopt(const char *path, const void *buf, size_t len, mode_t mode)
{
	return write_atomic(path, buf, len, mode, 1);
}

int util_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = -errno;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int util_copy_file(const char *from, const char *to, mode_t mode)
{
	return util_copy_file_max(from, to, mode, UINT64_MAX, NULL);
}

/* A file of mode without a name, on the file system of path's folder, open
 * for writing; -errno (-EOPNOTSUPP where the file system has no O_TMPFILE). */
static int open_tmpfile_for(const char *path, mode_t mode)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);

	free(copy);
	return fd < 0 ? -errno : fd;
}

/* Give the unnamed file fd (open_tmpfile_for) the name path, which must not
 * be taken (-EEXIST).  Through /proc/self/fd: AT_EMPTY_PATH would need
 * CAP_DAC_READ_SEARCH. */
static int link_tmpfile(int fd, const char *path)
{
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT || linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int util_copy_file_max(const char *from, const char *to, mode_t mode, uint64_t max, uint64_t *copied)
{
	int in = -1, out = -1, rc = 0, unnamed = 0;
	uint64_t total = 0;
	char buf[65536];

	in = util_open_regular(from, NULL);
	if (in < 0)
		return in;
	/* Written without a name, and named once whole (link_tmpfile): a
	 * crash part-way leaves nothing at to, not a partial copy (atk20 F5:
	 * a recording cut short in quarantine).  A file system without
	 * O_TMPFILE: written at to itself, as before. */
	out = open_tmpfile_for(to, mode);
	if (out >= 0) {
		unnamed = 1;
	} else {
		out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (out < 0) {
			rc = -errno;
			goto out;
		}
	}
	/* Its data, hole by hole (SEEK_DATA): a sparse file stays sparse,
	 * and max counts what is written, not the holes. */
	for (off_t pos = 0, hole = 0;;) {
		ssize_t n;

		if (pos == hole) {
			off_t data = lseek(in, pos, SEEK_DATA);

			if (data < 0 && errno == ENXIO)
				break;	/* only a hole is left, or nothing */
			if (data < 0 || (hole = lseek(in, data, SEEK_HOLE)) < 0) {
				rc = -errno;
				break;
			}
			pos = data;
			if (lseek(in, pos, SEEK_SET) < 0 || lseek(out, pos, SEEK_SET) < 0) {
				rc = -errno;
				break;
			}
		}
		n = read(in, buf, (size_t)(hole - pos) < sizeof(buf) ? (size_t)(hole - pos) : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > max - total) {
			rc = -EFBIG;
			break;
		}
		total += (uint64_t)n;
		pos += n;
		rc = util_write_all(out, buf, (size_t)n);
		if (rc)
			break;
		/* The test build's delay (testhook.h): a kill lands with the
		 * copy part-way. */
		if (total == (uint64_t)n && test_hook_ms("RECFS_TEST_COPY_DELAY_MS"))
			usleep((useconds_t)test_hook_ms("RECFS_TEST_COPY_DELAY_MS") * 1000);
	}
	/* The holes at its end, as long as it is now */
	if (rc == 0) {
		off_t end = lseek(in, 0, SEEK_END);

		if (end < 0 || ftruncate(out, end) < 0)
			rc = -errno;
	}
	if (rc == 0 && fsync(out) < 0)
		rc = -errno;
	if (rc == 0 && unnamed)
		rc = link_tmpfile(out, to);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc && out >= 0 && !unnamed)
		unlink(to);
	if (copied)
		*copied = rc ? 0 : total;
	return rc;
}

int util_move_file(const char *from, const char *to)
{
	return util_move_file_max(from, to, UINT64_MAX, NULL);
}

int util_move_file_max(const char *from, const char *to, uint64_t max, uint64_t *copied)
{
	struct stat st;
	int rc;

	if (copied)
		*copied = 0;
	if (rename(from, to) == 0)
		return 0;
	if (errno != EXDEV)
		return -errno;
	if (lstat(from, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;	/* without reading it */
	rc = util_copy_file_max(from, to, st.st_mode & 07777, max, copied);
	if (rc)
		return rc;
	return unlink(from) < 0 ? -errno : 0;
}

/* Folders below the top that one pass of util_remove_tree descends into
 * (an open descriptor each); a folder found that deep is moved up to the
 * top and removed by a later pass, so a tree of any depth goes with at
 * most this many descriptors open. */
#define REMOVE_TREE_DEPTH 256
/* Passes over the top before giving up: 4096 of them take a tree about a
 * million folders deep.  A tree its writer deepens while it is removed
 * could otherwise keep the walk going for good. */
#define REMOVE_TREE_PASSES 4096

struct remove_walk {
	int top;		/* the tree's top folder, held for all passes */
	dev_t dev;		/* its file system: no other is entered */
	unsigned long seq;	/* for the names of folders moved up */
	unsigned moved;		/* folders moved up during this pass */
};

/*
 * Move the folder name of dfd, met REMOVE_TREE_DEPTH folders down, up to
 * the top under a name of its own (never replacing one: RENAME_NOREPLACE),
 * for the next pass.  A rename moves the name alone: what it names now (a
 * symbolic link swapped in meanwhile) is moved as it is, never followed.
 */
static int remove_move_up(int dfd, const char *name, struct remove_walk *w)
{
	for (int i = 0; i < 100; i++) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), ".recfs-rm-%lu", w->seq++);
		if (renameat2(dfd, name, w->top, tmp, RENAME_NOREPLACE) == 0) {
			w->moved++;
			return 0;
		}
		if (errno == ENOENT)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * Remove what the folder dfd holds (dfd is closed), by names relative to
 * it alone: a name that is a symbolic link is unlinked, never followed,
 * also when it is swapped in for a folder meanwhile (O_NOFOLLOW), and a
 * folder of another file system than w->dev is not entered.  0, or the
 * last error met (the rest is still removed).
 */
static int remove_below(int dfd, struct remove_walk *w, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	while ((errno = 0, e = readdir(d))) {
		struct stat st;
		int sub, r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR) {
			rc = -errno;
			continue;
		}
		if (depth >= REMOVE_TREE_DEPTH) {
			if ((r = remove_move_up(dirfd(d), e->d_name, w)))
				rc = r;
			continue;
		}
		sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			rc = errno == ENOENT ? rc : -errno;
			continue;
		}
		if (fstat(sub, &st) < 0 || st.st_dev != w->dev) {
			rc = -EXDEV;
			close(sub);
			continue;
		}
		if ((r = remove_below(sub, w, depth + 1)))
			rc = r;
		/* not empty: for what was said already */
		if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && !r)
			rc = -errno;
	}
	if (errno)
		rc = -errno;
	closedir(d);
	return rc;
}

int util_remove_tree(const char *path)
{
	struct remove_walk w = { .top = -1 };
	struct stat st;
	int rc = 0;

	w.top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w.top < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -errno;
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	}
	if (fstat(w.top, &st) < 0) {
		rc = -errno;
		goto out;
	}
	w.dev = st.st_dev;
	/* Again while a pass moved folders up: the top's listing may not
	 * show what was added to it during the pass that added it. */
	for (unsigned pass = 0;; pass++) {
		int fd = pass < REMOVE_TREE_PASSES ? dup(w.top) : -1;

		if (fd < 0) {
			rc = pass < REMOVE_TREE_PASSES ? -errno : -ELOOP;
			break;
		}
		/* rewound: fdopendir reads from the descriptor's offset,
		 * which the dup shares with the top (and the last pass) */
		if (lseek(fd, 0, SEEK_SET) < 0) {
			rc = -errno;
			close(fd);
			break;
		}
		w.moved = 0;
		rc = remove_below(fd, &w, 0);
		if (!w.moved)
			break;
	}
	if (rmdir(path) < 0 && errno != ENOENT && !rc)
		rc = -errno;
out:
	close(w.top);
	return rc;
}

static void oom(void)
{
	fputs("recfs: out of memory\n", stderr);
	abort();
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

/* Room for n more bytes and the NUL in b. */
static void strbuf_grow(struct strbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = (b->len + n + 1) * 2;
	b->s = xrealloc(b->s, b->cap);
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	strbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void strbuf_addchars(struct strbuf *b, char c, size_t n)
{
	strbuf_grow(b, n);
	memset(b->s + b->len, c, n);
	b->len += n;
	b->s[b->len] = '\0';
}

char *strbuf_detach(struct strbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	*b = (struct strbuf){ 0 };
	return s;
}

void strbuf_release(struct strbuf *b)
{
	if (!b)
		return;
	free(b->s);
	*b = (struct strbuf){ 0 };
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		oom();
	return d;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		oom();
	return q;
}

int util_no_core(void)
{
	const struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		return -errno;
	return 0;
}
