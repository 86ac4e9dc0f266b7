/*
 * t.h - the unit-test harness: each tests/unit/test_<module>.c defines
 * tests with TEST(name) and lists them in main() with RUN(name).  A failed
 * CHECK prints file, line and the expression and marks the test failed;
 * the binary prints "N passed, N failed" and exits non-zero on failure.
 * t_mkdtemp gives a test its private directory under $TMPDIR; t_in_child
 * runs what might crash.
 */
#ifndef RECFS_T_H
#define RECFS_T_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int t_failed_checks;
static int t_passed, t_failed;

#define TEST(name) static void name(void)
#define CHECK(expr)                                                                          \
	do {                                                                                 \
		if (!(expr)) {                                                               \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
			t_failed_checks++;                                                   \
		}                                                                            \
	} while (0)
#define CHECK_EQ(a, b)                                                                        \
	do {                                                                                  \
		long long t_a = (long long)(a), t_b = (long long)(b);                         \
		if (t_a != t_b) {                                                             \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, t_a, #b, t_b);                                  \
			t_failed_checks++;                                                    \
		}                                                                             \
	} while (0)
#define CHECK_STR(a, b)                                                                      \
	do {                                                                                 \
		const char *t_a = (a), *t_b = (b);                                           \
		if (!t_a || !t_b || strcmp(t_a, t_b)) {                                      \
			fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,   \
				__LINE__, #a, t_a ? t_a : "(null)", t_b ? t_b : "(null)");   \
			t_failed_checks++;                                                   \
		}                                                                            \
	} while (0)
#define RUN(name)                                                                  \
	do {                                                                       \
		int t_before = t_failed_checks;                                    \
		name();                                                            \
		if (t_failed_checks == t_before) {                                 \
			t_passed++;                                                \
			printf("ok   %s\n", #name);                                \
		} else {                                                           \
			t_failed++;                                                \
			printf("FAIL %s\n", #name);                                \
		}                                                                  \
	} while (0)
/*
 * A new private directory $TMPDIR/recfs-test-NAME-XXXXXX (/tmp when TMPDIR
 * is unset or empty).  Its path, malloc'd (the caller frees it), or NULL
 * with the reason on stderr.
 */
static inline char *t_mkdtemp(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&dir, "%s/recfs-test-%s-XXXXXX", tmp, name) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		fprintf(stderr, "mkdtemp %s: %s\n", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * Run fn in a child process, so that a crash there fails the calling test
 * (CHECK(t_in_child(fn))) instead of ending the whole binary: 1 when fn
 * returned, 0 when the child crashed or could not be made.
 */
static inline int t_in_child(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#define T_DONE()                                                            \
	do {                                                                \
		printf("%d passed, %d failed\n", t_passed, t_failed);       \
		return t_failed ? 1 : 0;                                    \
	} while (0)

#endif
