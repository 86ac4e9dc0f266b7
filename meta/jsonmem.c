/*
 * jsonmem.c - jansson's allocator, wiping every block before it is freed.
 *
 * Each block is malloc'd with a header of HDR bytes in front of what
 * jansson gets, holding the size jansson asked for; the free function reads
 * it back, wipes that many bytes with crypto_memzero and frees the whole.
 * HDR is a multiple of max_align_t's alignment, so what jansson gets is as
 * aligned as malloc's own blocks.  Invariant: a block given out by
 * wiping_malloc is freed only by wiping_free, which jansson ensures once
 * jsonmem_setup ran before its first allocation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "jsonmem.h"

#define HDR ((sizeof(size_t) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t))

static void *wiping_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - HDR)
		return NULL;
	p = malloc(HDR + n);
	if (!p)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

static void wiping_free(void *block)
{
	unsigned char *p;
	size_t n;

	if (!block)
		return;
	p = (unsigned char *)block - HDR;
	memcpy(&n, p, sizeof(n));
	crypto_memzero(block, n);
	free(p);
}

int jsonmem_setup(void)
{
	json_malloc_t m = NULL;

	json_get_alloc_funcs(&m, NULL);
	if (m != wiping_malloc)
		json_set_alloc_funcs(wiping_malloc, wiping_free);
	return 0;
}

void jsonmem_free(void *p)
{
	json_free_t f = NULL;

	json_get_alloc_funcs(NULL, &f);
	if (f)
		f(p);
	else
		free(p);
}

void jsonmem_free_text(char *text)
{
	if (text)
		crypto_memzero(text, strlen(text));
	jsonmem_free(text);
}
