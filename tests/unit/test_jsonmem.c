/* Unit tests of meta/jsonmem: jansson's allocator that wipes what it
 * frees.  Installed once, as main() of recctl and recfs do, after the
 * tests that look at jansson before it. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jsonmem.h"
#include "t.h"

static json_malloc_t default_malloc;
static json_free_t default_free;

/* Build and print a record as ingest does; 1 when it round-trips. */
static int round_trip(void)
{
	json_t *j = json_pack("{s:s, s:s, s:[s, s]}", "name", "Matti Meikäläinen", "phone", "+358401234567", "staff",
			      "Maija", "Pekka");
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_t *back = text ? json_loads(text, 0, NULL) : NULL;
	int same = back && json_equal(j, back);

	jsonmem_free(text);
	json_decref(back);
	json_decref(j);
	return same;
}

TEST(test_jsonmem_free_frees_with_janssons_own_allocator_before_setup)
{
	json_get_alloc_funcs(&default_malloc, &default_free);
	CHECK(round_trip());
	jsonmem_free(NULL);
}

/* A dump of personal data, wiped and freed by the allocator jansson uses
 * now: before jsonmem_setup here, after it below. */
static void dump_and_free_text(void)
{
	json_t *j = json_pack("{s:s}", "name", "Matti Meik\xc3\xa4l\xc3\xa4inen");
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	CHECK(text != NULL);
	jsonmem_free_text(text);
	jsonmem_free_text(NULL);
	json_decref(j);
}

TEST(test_jsonmem_free_text_frees_a_dump_before_setup)
{
	dump_and_free_text();
}

TEST(test_jsonmem_free_text_frees_a_dump_after_setup)
{
	dump_and_free_text();
}

TEST(test_jsonmem_setup_installs_its_allocator_once)
{
	json_malloc_t m = NULL, m2 = NULL;
	json_free_t f = NULL, f2 = NULL;

	CHECK_EQ(jsonmem_setup(), 0);
	json_get_alloc_funcs(&m, &f);
	CHECK(m && m != default_malloc);
	CHECK(f && f != default_free);
	CHECK_EQ(jsonmem_setup(), 0);
	json_get_alloc_funcs(&m2, &f2);
	CHECK(m2 == m && f2 == f);
}

TEST(test_janssons_blocks_are_aligned_sized_and_freed_whole)
{
	json_malloc_t m = NULL;
	json_free_t f = NULL;
	unsigned char *p;

	json_get_alloc_funcs(&m, &f);
	for (size_t n = 0; n < 300; n += 37) {
		p = m(n);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_EQ((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xa5, n);	/* all n bytes are there (ASan would say) */
		f(p);
	}
	CHECK(m(SIZE_MAX) == NULL);
	CHECK(m(SIZE_MAX - 8) == NULL);
	f(NULL);
}

TEST(test_jansson_works_through_the_wiping_allocator)
{
	json_error_t err;
	json_t *big = json_array();
	char *text;

	CHECK(round_trip());
	for (int i = 0; i < 2000; i++)
		json_array_append_new(big, json_sprintf("subject %d of a long manifest", i));
	text = json_dumps(big, 0);
	CHECK(text && strlen(text) > 50000);
	json_decref(big);
	big = text ? json_loads(text, 0, &err) : NULL;
	CHECK(big && json_array_size(big) == 2000);
	json_decref(big);
	jsonmem_free(text);
}

int main(void)
{
	RUN(test_jsonmem_free_frees_with_janssons_own_allocator_before_setup);
	RUN(test_jsonmem_free_text_frees_a_dump_before_setup);
	RUN(test_jsonmem_setup_installs_its_allocator_once);
	RUN(test_jsonmem_free_text_frees_a_dump_after_setup);
	RUN(test_janssons_blocks_are_aligned_sized_and_freed_whole);
	RUN(test_jansson_works_through_the_wiping_allocator);
	T_DONE();
}
