/*
 * wipefree.c - free(3) and realloc(3) of the daemon, which wipe what is
 * freed while opus_wav_* runs libopusfile (opus_wipe_frees, opus.h).
 *
 * libopusfile and libogg allocate with plain malloc and have no allocator
 * hook; their sync buffer and stream bodies hold the decrypted Opus pages
 * last read, which op_free would leave in the freed heap after a .wav view
 * is closed (atk26 F4).  These replace glibc's free and realloc for the
 * whole program and call glibc's own (__libc_free, __libc_realloc), so
 * every block, whoever allocated it, goes back to the same allocator; the
 * wipe costs only while the flag is set.  Not in a sanitizer build, whose
 * runtime replaces them itself.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "opus.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RECFS_NO_WIPEFREE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define RECFS_NO_WIPEFREE 1
#endif
#endif

#ifndef RECFS_NO_WIPEFREE
extern void __libc_free(void *p);
extern void *__libc_malloc(size_t n);
extern void *__libc_realloc(void *p, size_t n);

void free(void *p)
{
	if (p && opus_wipe_frees)
		explicit_bzero(p, malloc_usable_size(p));
	__libc_free(p);
}

void *realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p || !opus_wipe_frees)
		return __libc_realloc(p, n);
	old = malloc_usable_size(p);
	if (n == 0) {
		explicit_bzero(p, old);
		__libc_free(p);
		return NULL;
	}
	if (n <= old) {
		/* Shrunk in place; the tail glibc may split off is wiped. */
		explicit_bzero((char *)p + n, old - n);
		return __libc_realloc(p, n);
	}
	/* Grown: moved by hand, so the old block is wiped before it is
	 * freed (glibc's realloc would free it as it is). */
	q = __libc_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	explicit_bzero(p, old);
	__libc_free(p);
	return q;
}
#endif
