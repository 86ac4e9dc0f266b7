/*
 * jsonmem.h - the memory jansson works in.  Manifests, subject cards and
 * details records are parsed and built with jansson, so its blocks hold
 * names, phone numbers and titles in the clear; by default it frees them
 * as they are.  jsonmem_setup makes every block jansson frees wiped first
 * (crypto_memzero over the size it was allocated with, kept in a small
 * header before the block).
 *
 * jansson takes one allocator for the whole process, and a block must be
 * freed by the allocator that made it: jsonmem_setup must come before any
 * other jansson call, first thing in main() (recctl and recfs do so), and
 * what jansson hands out to be freed by its caller (json_dumps) is freed
 * with jsonmem_free, never free(3).
 *
 * Thread safety: after jsonmem_setup, as malloc's.
 */
#ifndef RECFS_JSONMEM_H
#define RECFS_JSONMEM_H

#include "util.h"

/*
 * Route jansson's allocator through one that wipes every block before it
 * frees it.  Call it once, first thing in main(), before any thread and
 * any jansson call; a second call changes nothing.  Always 0 (it cannot
 * fail); MUST_CHECK so that a future failure is not ignored.
 */
int jsonmem_setup(void) MUST_CHECK;

/*
 * Free p (NULL is fine), a block jansson handed out to be freed by its
 * caller (the text of json_dumps), with the allocator jansson uses now:
 * wiped first after jsonmem_setup, plain free(3) before it (unit tests
 * and fuzzers, which do not call jsonmem_setup).
 */
void jsonmem_free(void *p);

/*
 * Free text (NULL is fine), a string jansson handed out (the text of
 * json_dumps), wiped first over its strlen, then jsonmem_free: for a dump
 * of a card, of details or of anything else that holds personal data,
 * which jsonmem_free alone wipes only after jsonmem_setup.
 */
void jsonmem_free_text(char *text);

#endif
