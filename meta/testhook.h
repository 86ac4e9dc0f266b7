/*
 * testhook.h - delays that only the test build has.
 *
 * The Makefile compiles the few files that use these again for
 * build/test/ with -DRECFS_TEST_HOOKS; the installed binaries are built
 * without it, where test_hook_ms is 0 and no variable is read.  A test
 * asks for a delay to put a kill or an unmount at a chosen moment.
 */
#ifndef RECFS_TESTHOOK_H
#define RECFS_TESTHOOK_H

#include <stdlib.h>

/* Milliseconds the variable var asks for in the test build, else 0. */
static inline int test_hook_ms(const char *var)
{
#ifdef RECFS_TEST_HOOKS
	const char *v = getenv(var);
	int ms = v ? atoi(v) : 0;

	return ms > 0 && ms <= 60000 ? ms : 0;
#else
	(void)var;
	return 0;
#endif
}

#endif
