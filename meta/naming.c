/*
 * naming.c - a recording's file names and the extension rule (naming.h).
 *
 * Names are derived from the catalog alone and on every build of the
 * mount's tree, so they must come out the same from the same row, and no
 * row may make one that leaves its directory: the stem's source and every
 * extension pass through the same filters here whoever asks.
 */
#include <stdio.h>
#include <string.h>

#include "naming.h"

void naming_component(char *out, size_t size, const char *s)
{
	snprintf(out, size, "%s", s && *s ? s : "_");
	for (char *p = out; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	if (!strcmp(out, ".") || !strcmp(out, ".."))
		snprintf(out, size, "_");
}

static int is_alnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void naming_ext(char out[NAMING_EXT_MAX], const char *ext)
{
	size_t n = ext ? strlen(ext) : 0, digits = 0;

	if (n == 0 || n > NAMING_EXT_LEN)
		goto bin;
	for (size_t i = 0; i < n; i++) {
		if (!is_alnum_ascii(ext[i]))
			goto bin;
		digits += ext[i] >= '0' && ext[i] <= '9';
		out[i] = ext[i] >= 'A' && ext[i] <= 'Z' ? (char)(ext[i] - 'A' + 'a') : ext[i];
	}
	/* A file type has a letter, and few digits (mp3, h264, 7z): more is a
	 * number the recorder put in the name (anteckning.19700707, a date of
	 * birth; bb7 F1), which would reach the mount's names and the audit
	 * log. */
	if (digits == n || digits > NAMING_EXT_DIGITS)
		goto bin;
	out[n] = '\0';
	return;
bin:
	memcpy(out, "bin", 4);
}

void naming_ext_of_file(char out[NAMING_EXT_MAX], const char *name)
{
	const char *dot = strrchr(name, '.');

	naming_ext(out, dot && dot != name ? dot + 1 : NULL);
}

void naming_stem(char out[NAMING_STEM_MAX], const struct cat_recording *r)
{
	char stamp[17], src[NAMING_STEM_SOURCE_LEN + 1];

	util_format_stamp(r->recorded_at, stamp);
	naming_component(src, sizeof(src), r->source);
	snprintf(out, NAMING_STEM_MAX, "%s_%s_%.8s", stamp, src, r->id);
}

void naming_label(char out[NAMING_LABEL_MAX], const char *role, int n, const char *ext)
{
	char e[NAMING_EXT_MAX];

	if (role && !strcmp(role, "audio")) {
		snprintf(out, NAMING_LABEL_MAX, "opus");
	} else if (role && !strcmp(role, "chat")) {
		snprintf(out, NAMING_LABEL_MAX, "chat");
	} else {
		naming_ext(e, ext);
		snprintf(out, NAMING_LABEL_MAX, "%d.%s", n, e);
	}
}

void naming_artifact(char out[NAMING_NAME_MAX], const char *stem, const char *role, int n, const char *ext)
{
	char label[NAMING_LABEL_MAX];

	naming_label(label, role, n, ext);
	snprintf(out, NAMING_NAME_MAX, "%s.%s%s", stem, label, role && !strcmp(role, "chat") ? ".txt" : "");
}

void naming_wav(char out[NAMING_NAME_MAX], const char *stem)
{
	snprintf(out, NAMING_NAME_MAX, "%s." NAMING_LABEL_WAV, stem);
}
