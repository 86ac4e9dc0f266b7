/* Unit tests of fs/ghost, the names a mount just erased: a ghost answers
 * only the uid that erased it, until it expires or is unlinked, and a full
 * table lets the oldest go. */
#include <sys/stat.h>

#include "ghost.h"
#include "t.h"

#define TTL 60

static struct stat attr(uint64_t ino, off_t size)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_ino = ino;
	st.st_size = size;
	st.st_mode = S_IFREG | 0440;
	return st;
}

TEST(test_ghost_answers_the_uid_that_erased_it_with_its_attributes)
{
	struct ghosts *g = NULL;
	struct stat st = attr(42, 1234), got;

	CHECK_EQ(ghosts_new(TTL, &g), 0);
	ghosts_add(g, 1000, &st);
	memset(&got, 0, sizeof(got));
	CHECK_EQ(ghosts_find(g, 42, 1000, &got), 1);
	CHECK_EQ(got.st_ino, 42);
	CHECK_EQ(got.st_size, 1234);
	CHECK_EQ(ghosts_find(g, 42, 1000, NULL), 1);	/* find leaves it */
	ghosts_free(g);
}

TEST(test_ghost_is_not_seen_by_another_uid_or_under_another_ino)
{
	struct ghosts *g = NULL;
	struct stat st = attr(42, 1);

	CHECK_EQ(ghosts_new(TTL, &g), 0);
	ghosts_add(g, 1000, &st);
	CHECK_EQ(ghosts_find(g, 42, 1001, NULL), 0);
	CHECK_EQ(ghosts_find(g, 43, 1000, NULL), 0);
	CHECK_EQ(ghosts_take(g, 42, 1001), 0);
	CHECK_EQ(ghosts_find(g, 42, 1000, NULL), 1);
	ghosts_free(g);
}

TEST(test_ghost_unlinked_once_is_gone)
{
	struct ghosts *g = NULL;
	struct stat st = attr(42, 1);

	CHECK_EQ(ghosts_new(TTL, &g), 0);
	ghosts_add(g, 1000, &st);
	CHECK_EQ(ghosts_take(g, 42, 1000), 1);
	CHECK_EQ(ghosts_take(g, 42, 1000), 0);
	CHECK_EQ(ghosts_find(g, 42, 1000, NULL), 0);
	ghosts_free(g);
}

/* A table whose ghosts last 0 s: each has expired as soon as it is made. */
TEST(test_ghost_expired_answers_nobody)
{
	struct ghosts *g = NULL;
	struct stat st = attr(42, 1);

	CHECK_EQ(ghosts_new(0, &g), 0);
	ghosts_add(g, 1000, &st);
	CHECK_EQ(ghosts_find(g, 42, 1000, NULL), 0);
	CHECK_EQ(ghosts_take(g, 42, 1000), 0);
	ghosts_free(g);
}

TEST(test_ghost_table_full_lets_the_oldest_go_and_keeps_the_newest)
{
	struct ghosts *g = NULL;
	struct stat st;
	uint64_t ino;

	CHECK_EQ(ghosts_new(TTL, &g), 0);
	for (ino = 1; ino <= 1000; ino++) {
		st = attr(ino, 1);
		ghosts_add(g, 1000, &st);
	}
	CHECK_EQ(ghosts_find(g, 1, 1000, NULL), 0);
	CHECK_EQ(ghosts_find(g, 1000, 1000, NULL), 1);
	CHECK_EQ(ghosts_find(g, 1000 - 255, 1000, NULL), 1);	/* 256 kept */
	CHECK_EQ(ghosts_find(g, 1000 - 256, 1000, NULL), 0);
	ghosts_free(g);
}

int main(void)
{
	RUN(test_ghost_answers_the_uid_that_erased_it_with_its_attributes);
	RUN(test_ghost_is_not_seen_by_another_uid_or_under_another_ino);
	RUN(test_ghost_unlinked_once_is_gone);
	RUN(test_ghost_expired_answers_nobody);
	RUN(test_ghost_table_full_lets_the_oldest_go_and_keeps_the_newest);
	T_DONE();
}
