/* Unit tests of meta/util: times, dates, months, hex, ids, atomic files,
 * ownership inside a register, opening a file someone else writes, error
 * messages, errno names and the string builder. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "util.h"

TEST(test_util_parses_iso_times_with_zone_only)
{
	int64_t t = 0;

	CHECK_EQ(util_parse_time("2026-11-28T10:15:00Z", &t), 0);
	CHECK_EQ(t, 1795860900);
	CHECK_EQ(util_parse_time("2026-11-28T12:15:00.250+02:00", &t), 0);
	CHECK_EQ(t, 1795860900);
	CHECK_EQ(util_parse_time("2026-11-28T10:15:00", &t), -EINVAL);
	/* the shape right, no such time: ERANGE (ingest says which) */
	CHECK_EQ(util_parse_time("2026-02-30T10:15:00Z", &t), -ERANGE);
	CHECK_EQ(util_parse_time("2026-11-28T24:00:00Z", &t), -ERANGE);
	CHECK_EQ(util_parse_time("2026-13-45T10:00:00Z", &t), -ERANGE);
	CHECK_EQ(util_parse_time("1969-12-31T23:59:59Z", &t), -ERANGE);
	CHECK_EQ(util_parse_time("yesterday", &t), -EINVAL);
}

TEST(test_util_formats_times_dates_and_stamps_in_utc)
{
	char t[21], d[11], s[17];

	util_format_time(1795860900, t);
	util_format_date(1795860900, d);
	util_format_stamp(1795860900, s);
	CHECK_STR(t, "2026-11-28T10:15:00Z");
	CHECK_STR(d, "2026-11-28");
	CHECK_STR(s, "20261128T101500Z");
}

/* A time whose stamp would not fit in 16 characters (after year 9999,
 * before year 0: only a catalog written by hand holds one) still gives a
 * terminated stamp, its epoch seconds; strftime alone leaves the buffer
 * undefined then, and naming_stem read past it into file names. */
/* A day the controller names is that day in its time zone (bb16 F4):
 * the first instant of 5 December in Helsinki is 22:00 UTC the day
 * before, in the Azores 01:00 UTC; and it is given back as that day. */
TEST(test_util_a_local_date_is_the_first_instant_of_that_day_in_the_zone)
{
	int64_t t;
	char day[11];

	CHECK_EQ(util_parse_local_date("2026-12-05", "Europe/Helsinki", &t), 0);
	CHECK_EQ(t, 1796421600);	/* 2026-12-04T22:00:00Z */
	util_format_local_date(t, "Europe/Helsinki", day);
	CHECK_STR(day, "2026-12-05");
	CHECK_EQ(util_parse_local_date("2026-07-01", "Europe/Helsinki", &t), 0);
	CHECK_EQ(t, 1782853200);	/* 2026-06-30T21:00:00Z: summer time */
	CHECK_EQ(util_parse_local_date("2026-12-01", "Atlantic/Azores", &t), 0);
	CHECK_EQ(t, 1796086800);	/* 2026-12-01T01:00:00Z */
	util_format_local_date(t, "Atlantic/Azores", day);
	CHECK_STR(day, "2026-12-01");
	CHECK_EQ(util_parse_local_date("2026-12-01", NULL, &t), 0);
	CHECK_EQ(t, 1796083200);
	CHECK_EQ(util_parse_local_date("2026-02-30", "Europe/Helsinki", &t), -EINVAL);
	/* 01:30 in Helsinki on 5 December is on the day that began at 22:00 UTC */
	CHECK_EQ(util_local_day_start(1796427000, "Europe/Helsinki"), 1796421600);
	CHECK_EQ(util_local_day_start(1796427000, NULL), 1796342400);
	CHECK(getenv("TZ") == NULL || strcmp(getenv("TZ"), ":" UTIL_ZONEINFO "/Europe/Helsinki"));
}

TEST(test_util_stamp_of_a_time_past_year_9999_is_terminated)
{
	static const int64_t far[] = { 253402300800LL, 32503680000000LL, -32503680000000LL, -62135596801LL,
				       INT64_MAX, INT64_MIN };
	char s[17];

	for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		memset(s, 'X', sizeof(s));
		util_format_stamp(far[i], s);
		CHECK(memchr(s, '\0', sizeof(s)) != NULL);
	}
	util_format_stamp(253402300800LL, s);
	CHECK_STR(s, "253402300800");
	util_format_stamp(-32503680000000LL, s);
	CHECK_STR(s, "-32503680000000");
	util_format_stamp(253402300799LL, s);
	CHECK_STR(s, "99991231T235959Z");
}

TEST(test_util_adds_months_clamping_to_the_last_day)
{
	int64_t t, u;
	char d[11];

	CHECK_EQ(util_parse_date("2024-01-31", &t), 0);
	u = util_add_months(t, 1);
	util_format_date(u, d);
	CHECK_STR(d, "2024-02-29");
	u = util_add_months(t, 13);
	util_format_date(u, d);
	CHECK_STR(d, "2025-02-28");
	u = util_add_months(t, -2);
	util_format_date(u, d);
	CHECK_STR(d, "2023-11-30");
}

TEST(test_util_now_follows_recfs_now_for_tests)
{
	setenv("RECFS_NOW", "2030-01-01T00:00:00Z", 1);
	CHECK_EQ(util_now(), 1893456000);
	setenv("RECFS_NOW", "2030-01-01", 1);
	CHECK_EQ(util_now(), 1893456000);
	unsetenv("RECFS_NOW");
	CHECK(util_now() > 1700000000);
}

TEST(test_util_is_id_accepts_32_lower_case_hex_digits_only)
{
	CHECK(util_is_id("0123456789abcdef0123456789abcdef"));
	CHECK(!util_is_id("DEADBEEFDEADBEEFDEADBEEFDEADBEEF"));
	CHECK(!util_is_id("0123456789abcdef0123456789abcdef0"));
	CHECK(!util_is_id("0123456789abcdef0123456789abcdeg"));
	CHECK(!util_is_id("abc"));
}

/* An audit object's q-/m- tag, recctl's 8 digits of a file name and a
 * recording named to split are taken by it: nothing else may pass. */
TEST(test_util_hex_len_counts_lower_case_hex_digits_alone)
{
	CHECK_EQ(util_hex_len("0123abcd"), 8);
	CHECK_EQ(util_hex_len("0123456789abcdef0123456789abcdef"), 32);
	CHECK_EQ(util_hex_len(""), 0);
	CHECK_EQ(util_hex_len("0123ABCD"), 0);
	CHECK_EQ(util_hex_len("0123abcd "), 0);
	CHECK_EQ(util_hex_len("Aino"), 0);
	CHECK_EQ(util_hex_len("abc\n"), 0);
}

TEST(test_util_atomic_write_replaces_whole_file_with_its_mode)
{
	char *dir = t_mkdtemp("util"), *p;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat st;

	CHECK(dir != NULL);
	if (!dir)
		return;
	p = xasprintf("%s/f", dir);
	CHECK_EQ(util_write_file_atomic(p, "first", 5, 0600), 0);
	CHECK_EQ(util_write_file_atomic(p, "second", 6, 0640), 0);
	CHECK_EQ(util_read_file(p, 100, &buf, &len), 0);
	CHECK_EQ(len, 6);
	CHECK(buf && !memcmp(buf, "second", 6));
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(util_read_file(p, 3, &buf, &len), -EFBIG);
	free(buf);
	free(p);
	util_remove_tree(dir);
	free(dir);
}

/* Owner of path, or -1. */
static long owner_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? -1 : (long)st.st_uid;
}

TEST(test_util_adopt_gives_what_root_creates_the_owner_of_its_folder)
{
	char *dir = t_mkdtemp("adopt"), *sub = NULL, *f = NULL, *plain = NULL, *later = NULL;
	const uid_t other = 65534;	/* nobody: any user but root */
	struct stat st;
	int fd;

	CHECK(dir != NULL);
	if (!dir)
		return;
	if (geteuid() != 0) {
		fprintf(stderr, "  (not root: only that nothing changes is checked)\n");
		sub = xasprintf("%s/sub", dir);
		CHECK_EQ(util_mkdir_adopt(sub, 0700), 0);
		CHECK_EQ(owner_of(sub), (long)geteuid());
		goto out;
	}
	CHECK_EQ(chown(dir, other, other), 0);
	sub = xasprintf("%s/sub", dir);
	CHECK_EQ(util_mkdir_adopt(sub, 0700), 0);
	CHECK_EQ(util_mkdir_adopt(sub, 0700), -EEXIST);
	CHECK_EQ(stat(sub, &st), 0);
	CHECK_EQ(st.st_uid, other);
	CHECK_EQ(st.st_gid, other);
	CHECK_EQ(st.st_mode & 07777, 0700);
	f = xasprintf("%s/policy.conf", sub);
	CHECK_EQ(util_write_file_adopt(f, "x", 1, 0600), 0);
	CHECK_EQ(stat(f, &st), 0);
	CHECK_EQ(st.st_uid, other);
	CHECK_EQ(st.st_gid, other);
	CHECK_EQ(st.st_mode & 07777, 0600);
	/* Outside a register (keyrings, exports) files stay root's. */
	plain = xasprintf("%s/plain", dir);
	CHECK_EQ(util_write_file_atomic(plain, "x", 1, 0600), 0);
	CHECK_EQ(owner_of(plain), 0);
	/* By descriptor, and by path when there is none. */
	later = xasprintf("%s/blob", sub);
	fd = open(later, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	CHECK(fd >= 0);
	CHECK_EQ(util_adopt_owner(fd, later), 0);
	if (fd >= 0)
		close(fd);
	CHECK_EQ(owner_of(later), other);
	CHECK_EQ(util_adopt_owner(-1, plain), 0);
	CHECK_EQ(owner_of(plain), other);
	CHECK_EQ(util_adopt_owner(-1, later), 0);
	CHECK_EQ(owner_of(later), other);
out:
	util_remove_tree(dir);
	free(sub);
	free(f);
	free(plain);
	free(later);
	free(dir);
}

/* A FIFO opens without a writer and is refused, a symbolic link is not
 * followed, a regular file comes back blocking. */
TEST(test_util_open_regular_refuses_fifos_and_links_without_waiting)
{
	char *dir = t_mkdtemp("util"), *fifo, *link, *reg;
	struct stat st;
	int fd;

	CHECK(dir != NULL);
	if (!dir)
		return;
	fifo = xasprintf("%s/fifo", dir);
	link = xasprintf("%s/link", dir);
	reg = xasprintf("%s/file", dir);
	CHECK_EQ(mkfifo(fifo, 0600), 0);
	CHECK_EQ(util_write_file_atomic(reg, "abc", 3, 0600), 0);
	CHECK_EQ(symlink(reg, link), 0);
	CHECK_EQ(util_open_regular(fifo, NULL), -EINVAL);
	CHECK_EQ(util_open_regular(link, NULL), -ELOOP);
	CHECK_EQ(util_open_regular(dir, NULL), -EINVAL);
	/* A device is not even opened: the controlling terminal's node
	 * (5,0), whose open fails with ENXIO where there is none (a CI run),
	 * is -EINVAL by its name.  Only root may make it. */
	{
		char *tty = xasprintf("%s/tty", dir);

		if (mknod(tty, S_IFCHR | 0600, makedev(5, 0)) == 0)
			CHECK_EQ(util_open_regular(tty, NULL), -EINVAL);
		unlink(tty);
		free(tty);
	}
	fd = util_open_regular(reg, &st);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_EQ(st.st_size, 3);
		CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
		close(fd);
	}
	CHECK_EQ(util_copy_file(fifo, reg, 0600), -EINVAL);
	CHECK_EQ(util_read_file(fifo, 100, &(uint8_t *){ NULL }, &(size_t){ 0 }), -EINVAL);
	CHECK_EQ(util_prefetch(fifo), -EINVAL);
	CHECK_EQ(util_prefetch(link), -ELOOP);
	free(fifo);
	free(link);
	free(reg);
	util_remove_tree(dir);
	free(dir);
}

/* "a/b", freed by the next pj_free(). */
static char *pj_pool[64];
static size_t pj_n;

static char *pj(const char *a, const char *b)
{
	char *p = xasprintf("%s/%s", a, b);

	if (pj_n < sizeof(pj_pool) / sizeof(pj_pool[0]))
		pj_pool[pj_n++] = p;
	return p;
}

static void pj_free(void)
{
	while (pj_n)
		free(pj_pool[--pj_n]);
}

/* rm -rf of a test's own folder, by GNU rm (not the code under test). */
static void rm_rf(const char *path)
{
	char *cmd = xasprintf("rm -rf -- '%s'", path);

	(void)!system(cmd);
	free(cmd);
}

/* path/name holding text. */
static void put(const char *path, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", path, name);

	CHECK_EQ(util_write_file_atomic(p, text, strlen(text), 0600), 0);
	free(p);
}

static int exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	int yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/* rm -rf: files, folders, a symbolic link to a folder outside (unlinked,
 * what it names kept), one to a file outside; a tree deeper than one pass
 * enters (atk15 F2: a recorder's folder 300 deep; here 1000, links to
 * outside 600 down) is removed whole, what the links name kept; a path
 * that is no folder is unlinked; a missing one is no error. */
TEST(test_util_remove_tree_removes_links_never_what_they_name)
{
	char *top = t_mkdtemp("rmtree"), *t, *out, *deep;

	CHECK(top != NULL);
	if (!top)
		return;
	t = xasprintf("%s/t", top);
	out = xasprintf("%s/outside", top);
	CHECK_EQ(mkdir(t, 0700), 0);
	CHECK_EQ(mkdir(out, 0700), 0);
	put(out, "keep.txt", "root's");
	CHECK_EQ(mkdir(pj(t, "a"), 0700), 0);
	CHECK_EQ(mkdir(pj(t, "a/b"), 0700), 0);
	put(t, "a/b/f", "x");
	put(t, "g", "y");
	CHECK_EQ(symlink(out, pj(t, "a/dirlink")), 0);
	CHECK_EQ(symlink(pj(out, "keep.txt"), pj(t, "filelink")), 0);
	CHECK_EQ(mkfifo(pj(t, "a/fifo"), 0600), 0);
	CHECK_EQ(util_remove_tree(t), 0);
	CHECK(!exists(top, "t"));
	CHECK(exists(out, "keep.txt"));
	/* deeper than 256 folders: refused below that, the rest removed */
	deep = xasprintf("%s/deep", top);
	CHECK_EQ(mkdir(deep, 0700), 0);
	{
		int fd = open(deep, O_RDONLY | O_DIRECTORY);

		for (int i = 0; fd >= 0 && i < 1000; i++) {
			int next;

			if (i == 600) {
				CHECK_EQ(symlinkat(out, fd, "l"), 0);
				CHECK_EQ(symlinkat(pj(out, "keep.txt"), fd, "fl"), 0);
			}
			CHECK_EQ(mkdirat(fd, "d", 0700), 0);
			next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
			close(fd);
			fd = next;
		}
		if (fd >= 0) {
			CHECK_EQ(mkdirat(fd, "bottom", 0700), 0);
			close(fd);
		}
	}
	put(deep, "f", "z");
	CHECK_EQ(util_remove_tree(deep), 0);
	CHECK(!exists(top, "deep"));
	CHECK(exists(out, "keep.txt"));
	/* a file, a link to a folder, and nothing */
	put(top, "file", "w");
	CHECK_EQ(util_remove_tree(pj(top, "file")), 0);
	CHECK(!exists(top, "file"));
	CHECK_EQ(symlink(out, pj(top, "link")), 0);
	CHECK_EQ(util_remove_tree(pj(top, "link")), 0);
	CHECK(!exists(top, "link"));
	CHECK(exists(out, "keep.txt"));
	CHECK_EQ(util_remove_tree(pj(top, "nothing")), 0);
	free(t);
	free(out);
	free(deep);
	pj_free();
	rm_rf(top);
	pj_free();
	free(top);
}

struct swapper {
	int dfd;
	volatile int stop;
	long swaps;
};

/* Swap the folder x and the symbolic link s in dfd until told to stop. */
static void *swap_loop(void *arg)
{
	struct swapper *w = arg;

	while (!w->stop)
		if (renameat2(w->dfd, "x", w->dfd, "s", RENAME_EXCHANGE) == 0)
			w->swaps++;
	return NULL;
}

/*
 * A spool writer's folder in the quarantine, walked by the sweep while
 * its writer swaps a folder of it for a symbolic link to a folder outside
 * (atk13 F1: nftw opened the link's target and unlinked by paths through
 * it).  Whatever the timing, nothing outside is removed.  16 tries, each
 * with 300 files before the swapped pair so that the walk meets it while
 * the swapping runs (nftw lost in every run of 16 tried).
 */
TEST(test_util_remove_tree_follows_no_link_swapped_in_while_it_walks)
{
	char *top = t_mkdtemp("rmrace"), *out;
	long swaps = 0;

	CHECK(top != NULL);
	if (!top)
		return;
	out = xasprintf("%s/outside", top);
	CHECK_EQ(mkdir(out, 0700), 0);
	CHECK_EQ(mkdir(pj(out, "sub"), 0700), 0);
	put(out, "secret.txt", "root's");
	put(out, "sub/inner.txt", "root's other");
	for (int i = 0; i < 16; i++) {
		char *t = xasprintf("%s/t%d", top, i), *a = xasprintf("%s/a", t);
		struct swapper w = { .stop = 0 };
		pthread_t th;

		CHECK_EQ(mkdir(t, 0700), 0);
		CHECK_EQ(mkdir(a, 0700), 0);
		for (int k = 0, fd; k < 300; k++) {
			char *pad = xasprintf("%s/pad%03d", a, k);

			fd = open(pad, O_WRONLY | O_CREAT | O_EXCL, 0600);
			CHECK(fd >= 0);
			if (fd >= 0)
				close(fd);
			free(pad);
		}
		CHECK_EQ(mkdir(pj(a, "x"), 0700), 0);
		CHECK_EQ(mkdir(pj(a, "x/sub"), 0700), 0);
		put(a, "x/secret.txt", "decoy");
		put(a, "x/sub/inner.txt", "decoy");
		CHECK_EQ(symlink(out, pj(a, "s")), 0);
		w.dfd = open(a, O_RDONLY | O_DIRECTORY);
		CHECK(w.dfd >= 0);
		CHECK_EQ(pthread_create(&th, NULL, swap_loop, &w), 0);
		(void)util_remove_tree(t);
		w.stop = 1;
		pthread_join(th, NULL);
		close(w.dfd);
		swaps += w.swaps;
		rm_rf(t);
		pj_free();
		free(a);
		free(t);
	}
	CHECK(swaps > 0);
	CHECK(exists(out, "secret.txt"));
	CHECK(exists(out, "sub/inner.txt"));
	CHECK(exists(out, "sub"));
	rm_rf(top);
	pj_free();
	free(out);
	free(top);
}

/* A sparse file's copy is as sparse: a recorder's file of GiBs of holes
 * in the spool is not written out whole in quarantine, and the bound
 * counts its data. */
TEST(test_util_copy_file_keeps_holes)
{
	char *dir = mkdtemp(xstrdup("/tmp/recfs-copyhole.XXXXXX"));
	char *from, *to, a[4096], b[4096];
	const off_t mid = 64 << 20, size = 256 << 20;
	uint64_t copied = 0;
	struct stat st;
	int fd, same = 1;

	CHECK(dir != NULL);
	if (!dir)
		return;
	from = xasprintf("%s/from", dir);
	to = xasprintf("%s/to", dir);
	fd = open(from, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "head", 4, 0), 4);
	CHECK_EQ(pwrite(fd, "middle", 6, mid), 6);
	CHECK_EQ(ftruncate(fd, size), 0);
	close(fd);
	CHECK_EQ(util_copy_file_max(from, to, 0600, 1 << 20, &copied), 0);
	CHECK(copied > 0 && copied <= 1 << 20);
	CHECK_EQ(stat(to, &st), 0);
	CHECK_EQ(st.st_size, size);
	CHECK((uint64_t)st.st_blocks * 512 < 1 << 20);
	/* and it reads the same */
	{
		int f1 = open(from, O_RDONLY), f2 = open(to, O_RDONLY);

		for (off_t off = 0; f1 >= 0 && f2 >= 0 && off < size; off += mid / 4) {
			same &= pread(f1, a, sizeof(a), off) == (ssize_t)sizeof(a);
			same &= pread(f2, b, sizeof(b), off) == (ssize_t)sizeof(b);
			same &= !memcmp(a, b, sizeof(a));
		}
		same &= pread(f2, b, 6, mid) == 6 && !memcmp(b, "middle", 6);
		close(f1);
		close(f2);
	}
	CHECK(same);
	unlink(to);
	unlink(from);
	rmdir(dir);
	free(to);
	free(from);
	free(dir);
}

/* A copy stops at its bound, however large the file is by then (it may
 * grow after a check of its size): the copy is removed, the source kept. */
TEST(test_util_copy_file_max_stops_at_its_bound)
{
	char *dir = mkdtemp(xstrdup("/tmp/recfs-copymax.XXXXXX"));
	char *from, *to;
	uint64_t copied = 7;
	struct stat st;
	char buf[100000];

	CHECK(dir != NULL);
	if (!dir)
		return;
	from = xasprintf("%s/from", dir);
	to = xasprintf("%s/to", dir);
	memset(buf, 'a', sizeof(buf));
	CHECK_EQ(util_write_file_atomic(from, buf, sizeof(buf), 0600), 0);
	CHECK_EQ(util_copy_file_max(from, to, 0600, sizeof(buf) - 1, &copied), -EFBIG);
	CHECK_EQ(copied, 0);
	CHECK_EQ(lstat(to, &st), -1);
	CHECK_EQ(util_copy_file_max(from, to, 0600, sizeof(buf), &copied), 0);
	CHECK_EQ(copied, sizeof(buf));
	CHECK_EQ(lstat(to, &st), 0);
	CHECK_EQ(st.st_size, (off_t)sizeof(buf));
	CHECK_EQ(unlink(to), 0);
	/* Across file systems (a tmpfs in /dev/shm, when there is one),
	 * util_move_file_max refuses a file over its bound and leaves it. */
	if (stat("/dev/shm", &st) == 0) {
		char *shm = xasprintf("/dev/shm/recfs-copymax.%d", (int)getpid());

		CHECK_EQ(util_write_file_atomic(shm, buf, sizeof(buf), 0600), 0);
		CHECK_EQ(util_move_file_max(shm, to, 1000, &copied), -EFBIG);
		CHECK_EQ(copied, 0);
		CHECK_EQ(lstat(to, &st), -1);
		CHECK_EQ(lstat(shm, &st), 0);
		CHECK_EQ(util_move_file_max(shm, to, sizeof(buf), &copied), 0);
		CHECK_EQ(copied, sizeof(buf));
		CHECK_EQ(lstat(shm, &st), -1);
		free(shm);
	}
	free(from);
	free(to);
	util_remove_tree(dir);
	free(dir);
}

TEST(test_meta_fail_may_quote_its_own_last_message)
{
	meta_fail(-EINVAL, "inner %d", 1);
	CHECK_EQ(meta_fail(-EIO, "outer: %s", meta_errmsg()), -EIO);
	CHECK_STR(meta_errmsg(), "outer: inner 1");
}

TEST(test_meta_strerror_prefers_the_last_message_to_strerror)
{
	meta_clear_error();
	CHECK_STR(meta_strerror(-ENOENT), strerror(ENOENT));
	meta_fail(-EINVAL, "policy.conf:3: unknown key");
	CHECK_STR(meta_strerror(-EINVAL), "policy.conf:3: unknown key");
	CHECK_STR(meta_strerror(-ENOENT), "policy.conf:3: unknown key");
	meta_clear_error();
	CHECK_STR(meta_strerror(-EACCES), strerror(EACCES));
}

TEST(test_meta_errname_names_errnos_of_either_sign)
{
	CHECK_STR(meta_errname(-EACCES), "EACCES");
	CHECK_STR(meta_errname(EACCES), "EACCES");
	CHECK_STR(meta_errname(-EPERM), "EPERM");
	CHECK_STR(meta_errname(-ENOKEY), "ENOKEY");
	CHECK_STR(meta_errname(-EKEYREJECTED), "EKEYREJECTED");
	CHECK_STR(meta_errname(-EBADMSG), "EBADMSG");
	CHECK_STR(meta_errname(-ENOTSUP), "ENOTSUP");
	CHECK_STR(meta_errname(0), "ok");
	CHECK_STR(meta_errname(-4095), "error");
}

/* util_escape_for_log(in) is want. */
static int escapes_to(const char *in, const char *want)
{
	char *got = util_escape_for_log(in);
	int same = !strcmp(got, want);

	if (!same)
		fprintf(stderr, "  escape gave \"%s\", expected \"%s\"\n", got, want);
	free(got);
	return same;
}

/* A field of a log line: escaped as for a log, a space as \x20, "-" for
 * nothing. */
TEST(test_escape_field_keeps_one_field)
{
	char *f = util_escape_field("x action=erase\nuser=root");

	CHECK_STR(f, "x\\x20action=erase\\nuser=root");
	free(f);
	f = util_escape_field(NULL);
	CHECK_STR(f, "-");
	free(f);
	f = util_escape_field("");
	CHECK_STR(f, "-");
	free(f);
	f = util_escape_field("k\xc3\xa4ytt\xc3\xa4j\xc3\xa4");
	CHECK_STR(f, "k\xc3\xa4ytt\xc3\xa4j\xc3\xa4");
	free(f);
}

/* A Unicode space or an invisible format character splits a field for a
 * reader (or a SIEM that splits on Unicode whitespace) as a space does. */
TEST(test_escape_field_escapes_unicode_spaces_and_format_characters)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "x\xc2\xa0outcome=ok", "x\\xc2\\xa0outcome=ok" },		/* U+00A0 no-break space */
		{ "a\xd8\x9c" "b", "a\\xd8\\x9c" "b" },				/* U+061C arabic letter mark */
		{ "a\xe1\x9a\x80" "b", "a\\xe1\\x9a\\x80" "b" },			/* U+1680 ogham space */
		{ "a\xe1\xa0\x8e" "b", "a\\xe1\\xa0\\x8e" "b" },			/* U+180E mongolian vowel separator */
		{ "a\xe2\x80\x80" "b", "a\\xe2\\x80\\x80" "b" },			/* U+2000 en quad */
		{ "a\xe2\x80\x8b" "b", "a\\xe2\\x80\\x8b" "b" },			/* U+200B zero width space */
		{ "a\xe2\x80\x8e" "b", "a\\xe2\\x80\\x8e" "b" },			/* U+200E left-to-right mark */
		{ "a\xe2\x80\x8f" "b", "a\\xe2\\x80\\x8f" "b" },			/* U+200F right-to-left mark */
		{ "a\xe2\x80\xaf" "b", "a\\xe2\\x80\\xaf" "b" },			/* U+202F narrow no-break space */
		{ "a\xe2\x81\x9f" "b", "a\\xe2\\x81\\x9f" "b" },			/* U+205F medium math space */
		{ "a\xe2\x81\xa0" "b", "a\\xe2\\x81\\xa0" "b" },			/* U+2060 word joiner */
		{ "a\xe2\x81\xaf" "b", "a\\xe2\\x81\\xaf" "b" },			/* U+206F */
		{ "a\xe3\x80\x80" "b", "a\\xe3\\x80\\x80" "b" },			/* U+3000 ideographic space */
		{ "a\xef\xbb\xbf" "b", "a\\xef\\xbb\\xbf" "b" },			/* U+FEFF byte order mark */
		/* their neighbours are text */
		{ "\xc2\xa1\xe2\x80\x90\xe2\x81\x9e\xe2\x81\xb0\xe3\x80\x81",
		  "\xc2\xa1\xe2\x80\x90\xe2\x81\x9e\xe2\x81\xb0\xe3\x80\x81" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *f = util_escape_field(cases[i].in);

		CHECK_STR(f, cases[i].out);
		free(f);
	}
}

TEST(test_is_log_safe_takes_text_and_refuses_what_escape_for_log_escapes)
{
	CHECK_EQ(util_is_log_safe(""), 1);
	CHECK_EQ(util_is_log_safe("J\xc3\xb6ns \xc3\x85kerlund \\x0a q-1f"), 1);
	CHECK_EQ(util_is_log_safe("two\nlines"), 0);
	CHECK_EQ(util_is_log_safe("tab\there"), 0);
	CHECK_EQ(util_is_log_safe("rtl \xe2\x80\xae"), 0);
	CHECK_EQ(util_is_log_safe("c1 \xc2\x85"), 0);
	CHECK_EQ(util_is_log_safe("bad \xff utf-8"), 0);
}

TEST(test_find_control_gives_the_offset_and_code_point_and_may_take_tabs)
{
	static const char text[] = "a\tb \xc3\xa4 \xe2\x80\xae";
	uint32_t cp = 0;

	CHECK_EQ(util_find_control(text, 1, 0, &cp), 1);
	CHECK_EQ(util_find_control(text, sizeof(text) - 1, 0, &cp), 1);
	CHECK_EQ(cp, '\t');
	CHECK_EQ(util_find_control(text, sizeof(text) - 1, UTIL_CTRL_TAB, &cp), 7);
	CHECK_EQ(cp, 0x202e);
	/* a cut character is a byte that starts none */
	CHECK_EQ(util_find_control(text, 5, UTIL_CTRL_TAB, &cp), 4);
	CHECK_EQ(cp, 0xc3);
	CHECK_EQ(util_find_control("ok", 2, 0, NULL), 2);
	/* the invisible marks only when asked for */
	CHECK_EQ(util_find_control("a\u200fb", 5, UTIL_CTRL_TAB, &cp), 5);
	CHECK_EQ(util_find_control("a\u200fb", 5, UTIL_CTRL_TAB | UTIL_CTRL_MARKS, &cp), 1);
	CHECK_EQ(cp, 0x200f);
	CHECK_EQ(util_find_control("\ufeff", 3, UTIL_CTRL_MARKS, &cp), 0);
	CHECK_EQ(cp, 0xfeff);
}

/* The text of a JSON document with what a terminal acts on escaped: C1,
 * DEL, line separators, bidirectional overrides and isolates; a writer's
 * own escapes, its newlines between values and a name's letters stay. */
TEST(test_escape_json_controls_escapes_what_escape_for_log_escapes_from_del_up)
{
	static const char in[] = "{\n  \"a\": \"J\xc3\xa4rvinen \\u001B \xc2\x9b \x7f \xe2\x80\xa8\xe2\x80\xa9"
				 " \xe2\x80\xaa\xe2\x80\xae \xe2\x81\xa6\xe2\x81\xa9 \xe2\x80\x8f\"\n}";
	char *out = util_escape_json_controls(in);

	CHECK_STR(out, "{\n  \"a\": \"J\xc3\xa4rvinen \\u001B \\u009B \\u007F \\u2028\\u2029"
		       " \\u202A\\u202E \\u2066\\u2069 \xe2\x80\x8f\"\n}");
	free(out);
	out = util_escape_json_controls("");
	CHECK_STR(out, "");
	free(out);
}

TEST(test_escape_for_log_keeps_text_and_escapes_what_starts_a_line)
{
	CHECK(escapes_to("rec000001.json", "rec000001.json"));
	CHECK(escapes_to("Jöns Åkerlund 😀.json", "Jöns Åkerlund 😀.json"));
	CHECK(escapes_to("x\ningested forged.json", "x\\ningested forged.json"));
	CHECK(escapes_to("a\rb\tc", "a\\rb\\tc"));
	CHECK(escapes_to("back\\slash\\n", "back\\\\slash\\\\n"));
	CHECK(escapes_to("\x1b[2J\x07\x7f", "\\x1b[2J\\x07\\x7f"));
	CHECK(escapes_to("bad \xff\xfe utf-8 \xc3", "bad \\xff\\xfe utf-8 \\xc3"));
	CHECK(escapes_to("over\xc0\xaflong", "over\\xc0\\xaflong"));
	CHECK(escapes_to("c1 \xc2\x9b" "31m", "c1 \\xc2\\x9b31m"));
	CHECK(escapes_to("line\xe2\x80\xa8sep \xe2\x80\xaertl", "line\\xe2\\x80\\xa8sep \\xe2\\x80\\xaertl"));
	CHECK(escapes_to("", ""));
	CHECK(escapes_to(NULL, "(null)"));
}

TEST(test_escape_for_log_gives_utf8_without_control_characters_for_any_byte)
{
	char in[3] = { 0 }, *out;

	for (int b = 1; b < 256; b++) {
		in[0] = (char)b;
		in[1] = (char)(b ^ 0x80 ? b ^ 0x80 : 1);
		out = util_escape_for_log(in);
		CHECK(util_utf8_valid(out, strlen(out)));
		for (const char *p = out; *p; p++)
			CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		CHECK(!strstr(out, "\xc2\x80") && !strstr(out, "\xc2\x9f"));
		free(out);
	}
}

TEST(test_strbuf_appends_grows_and_hands_over_its_string)
{
	struct strbuf b = { 0 };
	char *s;

	s = strbuf_detach(&b);
	CHECK_STR(s, "");
	free(s);
	strbuf_addf(&b, "%s:%d:", "policy.conf", 12);
	strbuf_addchars(&b, '-', 3);
	CHECK_STR(b.s, "policy.conf:12:---");
	CHECK_EQ(b.len, 18);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&b, "%04d", i);
	CHECK_EQ(b.len, 18 + 4000);
	CHECK(b.s && !strncmp(b.s + b.len - 8, "09980999", 8));
	s = strbuf_detach(&b);
	CHECK(b.s == NULL && b.len == 0 && b.cap == 0);
	CHECK_EQ(strlen(s), 18 + 4000);
	free(s);
	strbuf_addchars(&b, 'x', 0);
	CHECK_STR(b.s, "");
	strbuf_release(&b);
	CHECK(b.s == NULL && b.len == 0);
	strbuf_release(NULL);
}

/* Pages of fd's first len bytes in the page cache. */
static size_t resident_pages(int fd, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (len + page - 1) / page, in = 0;
	unsigned char *vec = xcalloc(n, 1);
	void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED || mincore(m, len, vec) < 0) {
		fprintf(stderr, "mmap/mincore: %s\n", strerror(errno));
		n = 0;
	}
	for (size_t i = 0; i < n; i++)
		in += vec[i] & 1;
	if (m != MAP_FAILED)
		munmap(m, len);
	free(vec);
	return in;
}

/*
 * util_prefetch brings a whole file into the page cache, not the 128 KiB
 * that one POSIX_FADV_WILLNEED reads, and refuses what is not a regular
 * file.  The file is on a disk (/var/tmp), so that its pages can be
 * dropped first; where they cannot (a tmpfs) only the refusals are tried.
 */
TEST(test_util_prefetch_reads_the_whole_file_into_the_page_cache)
{
	char dir[] = "/var/tmp/recfs-prefetch.XXXXXX", *path;
	size_t len = 8u << 20, page = (size_t)sysconf(_SC_PAGESIZE), in = 0;
	uint8_t *buf = xcalloc(1, len);
	int fd, i;

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/catalog.db", dir);
	for (size_t k = 0; k < len; k++)
		buf[k] = (uint8_t)(k * 7);
	CHECK_EQ(util_write_file_atomic(path, buf, len, 0600), 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(fdatasync(fd), 0);
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	if (resident_pages(fd, len) > len / page / 8) {
		fprintf(stderr, "  (%s keeps its pages: the page cache part is not tried)\n", dir);
	} else {
		CHECK_EQ(util_prefetch(path), (int64_t)len);
		/* WILLNEED is a hint the kernel may drop a part of while the
		 * disk is busy (the CI run saw 2,004 of 2,048 pages after the
		 * remove_tree race test): asked again every 100 ms, the whole
		 * file is in within 5 s; a util_prefetch that reads nothing
		 * still fails */
		for (i = 0; i < 500 && (in = resident_pages(fd, len)) < len / page; i++) {
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
			if (i % 10 == 9)
				CHECK_EQ(util_prefetch(path), (int64_t)len);
		}
		CHECK_EQ(in, len / page);
	}
	close(fd);
	CHECK_EQ(util_prefetch(dir), -EINVAL);
	unlink(path);
	CHECK_EQ(util_prefetch(path), -ENOENT);
	rmdir(dir);
	free(path);
	free(buf);
}

/* A time's fraction, as `audit show` prints it, to the microsecond. */
TEST(test_util_parse_time_us_reads_the_fraction)
{
	int64_t t, us;

	CHECK_EQ(util_parse_time_us("2026-12-04T03:16:25.118791Z", &t, &us), 0);
	CHECK_EQ(t, 1796354185);
	CHECK_EQ(us, 118791);
	CHECK_EQ(util_parse_time_us("2026-12-04T03:16:25.5Z", &t, &us), 0);
	CHECK_EQ(us, 500000);
	CHECK_EQ(util_parse_time_us("2026-12-04T03:16:25.1234567Z", &t, &us), 0);
	CHECK_EQ(us, 123456);
	CHECK_EQ(util_parse_time_us("2026-12-04T03:16:25Z", &t, &us), 0);
	CHECK_EQ(us, -1);
	CHECK_EQ(util_parse_time_us("2026-12-04T03:16:25.Z", &t, &us), -EINVAL);
}

int main(void)
{
	RUN(test_util_parses_iso_times_with_zone_only);
	RUN(test_util_formats_times_dates_and_stamps_in_utc);
	RUN(test_util_a_local_date_is_the_first_instant_of_that_day_in_the_zone);
	RUN(test_util_stamp_of_a_time_past_year_9999_is_terminated);
	RUN(test_util_adds_months_clamping_to_the_last_day);
	RUN(test_util_now_follows_recfs_now_for_tests);
	RUN(test_util_is_id_accepts_32_lower_case_hex_digits_only);
	RUN(test_util_hex_len_counts_lower_case_hex_digits_alone);
	RUN(test_util_atomic_write_replaces_whole_file_with_its_mode);
	RUN(test_util_adopt_gives_what_root_creates_the_owner_of_its_folder);
	RUN(test_util_open_regular_refuses_fifos_and_links_without_waiting);
	RUN(test_util_remove_tree_removes_links_never_what_they_name);
	RUN(test_util_remove_tree_follows_no_link_swapped_in_while_it_walks);
	RUN(test_util_copy_file_keeps_holes);
	RUN(test_util_copy_file_max_stops_at_its_bound);
	RUN(test_meta_fail_may_quote_its_own_last_message);
	RUN(test_meta_strerror_prefers_the_last_message_to_strerror);
	RUN(test_meta_errname_names_errnos_of_either_sign);
	RUN(test_is_log_safe_takes_text_and_refuses_what_escape_for_log_escapes);
	RUN(test_find_control_gives_the_offset_and_code_point_and_may_take_tabs);
	RUN(test_escape_json_controls_escapes_what_escape_for_log_escapes_from_del_up);
	RUN(test_escape_field_keeps_one_field);
	RUN(test_escape_field_escapes_unicode_spaces_and_format_characters);
	RUN(test_escape_for_log_keeps_text_and_escapes_what_starts_a_line);
	RUN(test_escape_for_log_gives_utf8_without_control_characters_for_any_byte);
	RUN(test_strbuf_appends_grows_and_hands_over_its_string);
	RUN(test_util_prefetch_reads_the_whole_file_into_the_page_cache);
	RUN(test_util_parse_time_us_reads_the_fraction);
	T_DONE();
}
