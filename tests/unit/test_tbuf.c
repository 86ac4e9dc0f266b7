/* Unit tests of meta/tbuf: a thread's buffer is its own, reused, aligned
 * for O_DIRECT and huge pages, bounded, and gone when the thread ends. */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "t.h"
#include "tbuf.h"

/* 1 when [p, p + len) is mapped in this process. */
static int mapped(void *p, size_t len)
{
	return msync(p, len, MS_ASYNC) == 0;
}

TEST(test_tbuf_reuses_one_aligned_buffer_per_slot)
{
	uint8_t *a = tbuf_get(TBUF_CIPHER, 4096), *b, *c;

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK_EQ((uintptr_t)a % TBUF_MAX, 0);
	memset(a, 0x5a, TBUF_MAX);	/* all of it is usable */
	b = tbuf_get(TBUF_CIPHER, TBUF_MAX);
	CHECK(b == a);
	CHECK_EQ(b[TBUF_MAX - 1], 0x5a);	/* the same memory, not a copy */
	c = tbuf_get(TBUF_PLAIN, 1);
	CHECK(c != NULL && c != a);
	tbuf_release();
}

TEST(test_tbuf_refuses_what_does_not_fit)
{
	CHECK(tbuf_get(TBUF_PLAIN, 0) == NULL);
	CHECK(tbuf_get(TBUF_PLAIN, TBUF_MAX + 1) == NULL);
	CHECK(tbuf_get(TBUF_SLOTS, 1) == NULL);
	tbuf_release();
}

TEST(test_tbuf_release_unmaps_and_the_next_get_maps_anew)
{
	uint8_t *a = tbuf_get(TBUF_PLAIN, 100);

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(mapped(a, TBUF_MAX));
	tbuf_release();
	CHECK(!mapped(a, TBUF_MAX));
	a = tbuf_get(TBUF_PLAIN, 100);
	CHECK(a != NULL && mapped(a, TBUF_MAX));
	tbuf_release();
}

struct other {
	uint8_t *cipher, *plain;
};

static void *other_thread(void *arg)
{
	struct other *o = arg;

	o->cipher = tbuf_get(TBUF_CIPHER, TBUF_MAX);
	o->plain = tbuf_get(TBUF_PLAIN, TBUF_MAX);
	if (o->plain)
		memset(o->plain, 0x33, TBUF_MAX);	/* "personal data" */
	return NULL;
}

TEST(test_tbuf_gives_each_thread_its_own_and_unmaps_it_at_exit)
{
	uint8_t *mine = tbuf_get(TBUF_PLAIN, 10);
	struct other o = { 0 };
	pthread_t th;

	CHECK(mine != NULL);
	CHECK_EQ(pthread_create(&th, NULL, other_thread, &o), 0);
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK(o.cipher != NULL && o.plain != NULL);
	CHECK(o.plain != mine && o.cipher != mine);
	/* The thread's exit took both away (after wiping them). */
	if (o.plain)
		CHECK(!mapped(o.plain, TBUF_MAX));
	if (o.cipher)
		CHECK(!mapped(o.cipher, TBUF_MAX));
	CHECK(mapped(mine, TBUF_MAX));
	tbuf_release();
}

int main(void)
{
	RUN(test_tbuf_reuses_one_aligned_buffer_per_slot);
	RUN(test_tbuf_refuses_what_does_not_fit);
	RUN(test_tbuf_release_unmaps_and_the_next_get_maps_anew);
	RUN(test_tbuf_gives_each_thread_its_own_and_unmaps_it_at_exit);
	T_DONE();
}
