/* Unit tests of fs/subuid, whose limits a uid counts against: the owner
 * libsubid gives for it (the smallest of several), or its own (atk41 F1,
 * F2).  The lookup is a fake here (fake_owners, subid_get_uid_owners's
 * contract), so that the cache is tested apart from the machine's
 * /etc/subuid: answers kept, a failed lookup counted as the uid and
 * logged once, the bound, emptied when the file changes and every
 * SUBUID_TTL seconds.  One test asks the real libsubid about the
 * machine's /etc/subuid; the integration tests (test_subuid_*.sh) test
 * the mount with it. */
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <sys/stat.h>

#include "subuid.h"
#include "t.h"

/* The fake database: 100000..165535 is 1000's, 200000..200009 is both
 * 3001's and 3000's, 300000..300009 fails (a name no user has); version 1
 * adds 400000..400009 for 4000. */
static int fake_version;
static unsigned fake_calls;

static int fake_owners(uid_t uid, uid_t **owners)
{
	uid_t o[2];
	int n = 0;

	__atomic_add_fetch(&fake_calls, 1, __ATOMIC_RELAXED);
	*owners = NULL;
	if (uid >= 300000 && uid < 300010)
		return -1;
	if (uid >= 100000 && uid < 165536)
		o[n++] = 1000;
	if (uid >= 200000 && uid < 200010) {
		o[n++] = 3001;
		o[n++] = 3000;
	}
	if (fake_version >= 1 && uid >= 400000 && uid < 400010)
		o[n++] = 4000;
	if (n == 0)
		return 0;
	*owners = malloc((size_t)n * sizeof(uid_t));
	if (!*owners)
		return -1;
	memcpy(*owners, o, (size_t)n * sizeof(uid_t));
	return n;
}

static int logged;

__attribute__((format(printf, 2, 3))) static void count_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
	logged++;
}

static struct subuid_watch *fake_watch(const char *path)
{
	struct subuid_watch *w = NULL;

	fake_version = 0;
	fake_calls = 0;
	logged = 0;
	CHECK_EQ(subuid_watch_new(path, fake_owners, count_log, &w), 0);
	return w;
}

static void stats(struct subuid_watch *w, size_t *cached, uint64_t *lookups)
{
	subuid_watch_stats(w, cached, lookups);
}

TEST(test_subuid_owner_smallest_or_itself_and_kept)
{
	struct subuid_watch *w = fake_watch("/nonexistent/subuid");
	size_t cached;
	uint64_t lookups;

	CHECK_EQ(subuid_watch_key(w, 100000), 1000);
	CHECK_EQ(subuid_watch_key(w, 165535), 1000);
	CHECK_EQ(subuid_watch_key(w, 165536), 165536);	/* past the range */
	CHECK_EQ(subuid_watch_key(w, 1000), 1000);		/* the owner itself */
	CHECK_EQ(subuid_watch_key(w, 200005), 3000);		/* two owners: the smallest */
	CHECK_EQ(fake_calls, 5);
	stats(w, &cached, &lookups);
	CHECK_EQ(cached, 5);
	CHECK_EQ(lookups, 5);
	/* asked again: from the cache */
	CHECK_EQ(subuid_watch_key(w, 100000), 1000);
	CHECK_EQ(subuid_watch_key(w, 165536), 165536);
	CHECK_EQ(subuid_watch_key(w, 200005), 3000);
	CHECK_EQ(fake_calls, 5);
	CHECK_EQ(logged, 0);
	subuid_watch_free(w);
	subuid_watch_free(NULL);
	CHECK_EQ(subuid_watch_key(NULL, 5), 5);
}

TEST(test_subuid_failed_lookup_counts_as_itself_logged_once)
{
	struct subuid_watch *w = fake_watch("/nonexistent/subuid");

	CHECK_EQ(subuid_watch_key(w, 300001), 300001);
	CHECK_EQ(subuid_watch_key(w, 300002), 300002);
	CHECK_EQ(logged, 1);
	/* kept: not asked again, so a flood of it reads nothing */
	CHECK_EQ(subuid_watch_key(w, 300001), 300001);
	CHECK_EQ(fake_calls, 2);
	CHECK_EQ(subuid_watch_key(w, 100001), 1000);	/* the others are answered */
	/* tried again after SUBUID_TTL, not logged again while the file
	 * does not change */
	CHECK_EQ(subuid_watch_look(w, 0), 0);
	CHECK_EQ(subuid_watch_look(w, SUBUID_TTL), 1);
	CHECK_EQ(subuid_watch_key(w, 300001), 300001);
	CHECK_EQ(fake_calls, 4);
	CHECK_EQ(logged, 1);
	subuid_watch_free(w);
}

TEST(test_subuid_cache_is_bounded)
{
	struct subuid_watch *w = fake_watch("/nonexistent/subuid");
	size_t cached;
	uint64_t lookups;
	int wrong = 0;

	/* a user's 65,536 subordinate uids, each once, and two other users
	 * between them */
	for (uid_t u = 100000; u < 165536; u++) {
		if (subuid_watch_key(w, u) != 1000)
			wrong++;
		if (u % 1000 == 0 && (subuid_watch_key(w, 7) != 7 || subuid_watch_key(w, 200001) != 3000))
			wrong++;
		stats(w, &cached, &lookups);
		if (cached > SUBUID_CACHE_MAX)
			wrong++;
	}
	CHECK_EQ(wrong, 0);
	stats(w, &cached, &lookups);
	CHECK(cached > 0 && cached <= SUBUID_CACHE_MAX);
	CHECK(lookups >= 65536);
	/* the last one is kept */
	CHECK_EQ(subuid_watch_key(w, 165535), 1000);
	CHECK_EQ(fake_calls, lookups);
	subuid_watch_free(w);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

TEST(test_subuid_cache_emptied_when_the_file_changes)
{
	char *dir = t_mkdtemp("subuid");
	char path[4096], tmp[4096];
	struct subuid_watch *w;

	CHECK(dir != NULL);
	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/subuid", dir);
	snprintf(tmp, sizeof(tmp), "%s/subuid+", dir);
	/* no file */
	w = fake_watch(path);
	CHECK_EQ(subuid_watch_key(w, 400001), 400001);
	CHECK_EQ(subuid_watch_look(w, 10), 0);
	/* written (useradd): emptied at the next look, not within a second */
	write_file(path, "4000:400000:10\n");
	fake_version = 1;
	CHECK_EQ(subuid_watch_key(w, 400001), 400001);	/* still the cache's */
	CHECK_EQ(subuid_watch_look(w, 10), 0);
	CHECK_EQ(subuid_watch_look(w, 11), 1);
	CHECK_EQ(subuid_watch_key(w, 400001), 4000);
	CHECK_EQ(subuid_watch_look(w, 11), 0);
	/* unchanged: kept */
	CHECK_EQ(subuid_watch_look(w, 12), 0);
	CHECK_EQ(subuid_watch_key(w, 400001), 4000);
	CHECK_EQ(fake_calls, 2);
	/* replaced as useradd does (a new file renamed over it) */
	write_file(tmp, "4000:400000:10\n4001:500000:10\n");
	CHECK_EQ(rename(tmp, path), 0);
	fake_version = 0;
	CHECK_EQ(subuid_watch_look(w, 13), 1);
	CHECK_EQ(subuid_watch_key(w, 400001), 400001);
	/* removed */
	fake_version = 1;
	CHECK_EQ(unlink(path), 0);
	CHECK_EQ(subuid_watch_look(w, 14), 1);
	CHECK_EQ(subuid_watch_key(w, 400001), 4000);
	CHECK_EQ(subuid_watch_look(w, 15), 0);
	/* and every SUBUID_TTL seconds anyway (an NSS module's changes) */
	fake_version = 0;
	CHECK_EQ(subuid_watch_look(w, 14 + SUBUID_TTL - 1), 0);
	CHECK_EQ(subuid_watch_key(w, 400001), 4000);
	CHECK_EQ(subuid_watch_look(w, 14 + SUBUID_TTL), 1);
	CHECK_EQ(subuid_watch_key(w, 400001), 400001);
	subuid_watch_free(w);
	CHECK_EQ(rmdir(dir), 0);
	free(dir);
}

struct racer {
	struct subuid_watch *w;
	int wrong;
	int id;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 20000; i++) {
		uid_t u = 100000 + (uid_t)((i * 7 + r->id * 13) % 65536);

		if (subuid_watch_key(r->w, u) != 1000 || subuid_watch_key(r->w, 42) != 42)
			r->wrong++;
		if (r->id == 0 && i % 500 == 0)
			(void)subuid_watch_look(r->w, (int64_t)i / 500 * SUBUID_TTL);
	}
	return NULL;
}

TEST(test_subuid_threads)
{
	struct subuid_watch *w = fake_watch("/nonexistent/subuid");
	struct racer r[4];
	pthread_t t[4];

	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ .w = w, .id = i };
		CHECK_EQ(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(r[i].wrong, 0);
	}
	subuid_watch_free(w);
}

/* The real libsubid on the machine's /etc/subuid: the first range whose
 * owner is a user is that user's (no such range: nothing to check). */
TEST(test_subuid_libsubid_agrees_with_the_file)
{
	FILE *f = fopen(SUBUID_PATH, "r");
	char line[1024], name[256];
	unsigned long start, count;

	(void)subuid_lib_init("test_subuid");
	if (!f) {
		printf("     (no %s: nothing to check)\n", SUBUID_PATH);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct passwd pw, *found = NULL;
		char buf[4096];
		uid_t *owners = NULL;
		int n, has = 0;

		if (sscanf(line, "%255[^:]:%lu:%lu", name, &start, &count) != 3 || count == 0 ||
		    start > 4000000000ul)
			continue;
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &found) != 0 || !found)
			continue;
		n = subuid_lib_owners((uid_t)start, &owners);
		CHECK(n >= 1);
		for (int i = 0; i < n; i++)
			has |= owners[i] == pw.pw_uid;
		CHECK(has);
		free(owners);
		/* a uid no range holds (the owner's own, below 65536) */
		if (pw.pw_uid < 65536 && pw.pw_uid != 0) {
			n = subuid_lib_owners(pw.pw_uid, &owners);
			CHECK(n >= 0);
			free(owners);
		}
		break;
	}
	fclose(f);
}

int main(void)
{
	RUN(test_subuid_owner_smallest_or_itself_and_kept);
	RUN(test_subuid_failed_lookup_counts_as_itself_logged_once);
	RUN(test_subuid_cache_is_bounded);
	RUN(test_subuid_cache_emptied_when_the_file_changes);
	RUN(test_subuid_threads);
	RUN(test_subuid_libsubid_agrees_with_the_file);
	T_DONE();
}
