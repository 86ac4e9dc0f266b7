/*
 * naming.c - a recording's file names and the extension rule (naming.h).
 *
 * Names are derived from the catalog alone and on every build of the
 * mount's tree, so they must come out the same from the same row, and no
 * row may make one that leaves its directory: the stem's source and every
 * extension pass through the same filters here whoever asks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "naming.h"
#include "util.h"

/* An extension of MIME_TYPES and its media type; index: its place in the
 * file, so that the first line that names an extension gives its type. */
struct mime {
	char *ext, *type;
	size_t index;
};

/* MIME_TYPES as read once, sorted by extension. */
static struct {
	struct mime *v;
	size_t n;
} mimes;
static pthread_once_t mimes_once = PTHREAD_ONCE_INIT;

static int cmp_mime(const void *a, const void *b)
{
	const struct mime *x = a, *y = b;
	int c = strcmp(x->ext, y->ext);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Every "type ext ext..." line of MIME_TYPES, each extension in lower case
 * (a file that is not there gives none). */
static void load_mimes(void)
{
	FILE *f = fopen(MIME_TYPES, "re");
	char *line = NULL;
	size_t cap = 0, size = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char *save = NULL, *type = strtok_r(line, " \t\r\n", &save), *w;

		if (!type || *type == '#' || !strchr(type, '/'))
			continue;
		while ((w = strtok_r(NULL, " \t\r\n", &save))) {
			if (mimes.n == size) {
				size = size ? 2 * size : 2048;
				mimes.v = xrealloc(mimes.v, size * sizeof(*mimes.v));
			}
			for (char *c = w; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			mimes.v[mimes.n] = (struct mime){ xstrdup(w), xstrdup(type), mimes.n };
			mimes.n++;
		}
	}
	free(line);
	if (f)
		fclose(f);
	if (mimes.n)
		qsort(mimes.v, mimes.n, sizeof(*mimes.v), cmp_mime);
}

const char *naming_media_type(const char *ext)
{
	size_t lo = 0, hi;

	pthread_once(&mimes_once, load_mimes);
	/* The first entry of ext: the one of the earliest line. */
	for (hi = mimes.n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(mimes.v[mid].ext, ext) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mimes.n && !strcmp(mimes.v[lo].ext, ext) ? mimes.v[lo].type : NULL;
}

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
	size_t n = ext ? strlen(ext) : 0;

	if (n == 0 || n > NAMING_EXT_LEN)
		goto bin;
	for (size_t i = 0; i < n; i++) {
		if (!is_alnum_ascii(ext[i]))
			goto bin;
		out[i] = ext[i] >= 'A' && ext[i] <= 'Z' ? (char)(ext[i] - 'A' + 'a') : ext[i];
	}
	out[n] = '\0';
	/* A file type, one the system knows: anything else is a word the
	 * recorder put in the name, a date of birth (anteckning.19700707,
	 * bb7 F1) or a surname (muistio.virtanen, atk24), which would reach
	 * the mount's names and the audit log. */
	if (naming_media_type(out))
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
