/*
 * fuzz_opusfile.h - for the targets that run libopusfile (fuzz_opus,
 * fuzz_wav): ASan's slow unwinder, so that lsan.supp can name the known
 * leak of libopusfile 0.12 by its tag parser, opus_tags_parse (the library
 * has no frame pointers: the fast unwinder stops inside it).  About three
 * times slower; the other targets keep the fast one.
 */
#ifndef RECFS_FUZZ_OPUSFILE_H
#define RECFS_FUZZ_OPUSFILE_H

const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

#endif
