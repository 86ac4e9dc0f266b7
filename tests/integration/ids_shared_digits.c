/*
 * ids_shared_digits.c - an LD_PRELOAD shim for a test: while RECFS_TEST_ID_PREFIX
 * holds 8 hex digits, every 16-byte random value (a recording, artifact or
 * record id) begins with those 4 bytes; the rest stays random.  Two
 * recordings of a register then share the 8 hex digits of their file
 * names, as about one pair in a register of 100,000 recordings does.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void randombytes_buf(void *buf, size_t size)
{
	static void (*real)(void *, size_t);
	const char *p = getenv("RECFS_TEST_ID_PREFIX");
	unsigned b[4];

	if (!real)
		real = (void (*)(void *, size_t))dlsym(RTLD_NEXT, "randombytes_buf");
	real(buf, size);
	if (size == 16 && p && sscanf(p, "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]) == 4)
		for (int i = 0; i < 4; i++)
			((uint8_t *)buf)[i] = (uint8_t)b[i];
}
