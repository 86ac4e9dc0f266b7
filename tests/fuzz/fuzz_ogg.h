/*
 * fuzz_ogg.h - for the Opus targets: every Ogg page of a mutated input
 * gets its right checksum again (libogg's ogg_page_checksum_set), so that
 * a mutation reaches the Opus parsers instead of only libogg's CRC check.
 */
#ifndef RECFS_FUZZ_OGG_H
#define RECFS_FUZZ_OGG_H

#include <stdint.h>
#include <string.h>

#include <ogg/ogg.h>

/* Fix the CRC of each whole page in p[0..n) (27-byte header, lacing
 * values, body); bytes that are not a whole page stay as they are. */
static inline void fuzz_ogg_fix_crc(uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i + 27 <= n) {
		size_t segs, body = 0;
		ogg_page og;

		if (memcmp(p + i, "OggS", 4)) {
			i++;
			continue;
		}
		segs = p[i + 26];
		if (i + 27 + segs > n)
			return;
		for (size_t k = 0; k < segs; k++)
			body += p[i + 27 + k];
		if (i + 27 + segs + body > n) {
			i++;
			continue;
		}
		og.header = p + i;
		og.header_len = (long)(27 + segs);
		og.body = p + i + 27 + segs;
		og.body_len = (long)body;
		ogg_page_checksum_set(&og);
		i += 27 + segs + body;
	}
}

#endif
