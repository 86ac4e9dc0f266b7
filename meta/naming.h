/*
 * naming.h - the file names of a recording, on the mount (fs/tree.c) and
 * in a subject's export (meta/export.c), and the extension rule ingest
 * stores by: one rule, in one place.
 *
 *   <stem>            20261128T101500Z_customer-service_1f3a9c2e: the UTC
 *                     time recorded, the source, the first 8 hex digits of
 *                     the recording's id
 *   <stem>.opus       the audio artifact
 *   <stem>.wav        its WAV view (the mount only)
 *   <stem>.chat.txt   the chat transcript
 *   <stem>.<n>.<ext>  shared file no. n
 *
 * Catalog text is never trusted to be a file name: a name component from it
 * holds no '/' and no control character (C0 or DEL) and is never "", "."
 * or ".."; an extension is 1 to 8 ASCII
 * letters or digits in lower case, anything else becomes "bin".  Every
 * function here writes a NUL-terminated string into the caller's buffer,
 * cutting it to the buffer's size, and cannot fail.
 */
#ifndef RECFS_NAMING_H
#define RECFS_NAMING_H

#include <stddef.h>

#include "catalog.h"

/* Longest extension kept (longer ones become "bin"), and its buffer. */
#define NAMING_EXT_LEN 8
#define NAMING_EXT_MAX (NAMING_EXT_LEN + 1)
/* The source in a stem is cut to this many bytes (policy names have 32). */
#define NAMING_STEM_SOURCE_LEN 63
/* A stem: stamp, '_', source, '_', 8 hex digits, NUL. */
#define NAMING_STEM_MAX (16 + 1 + NAMING_STEM_SOURCE_LEN + 1 + 8 + 1)
/* An artifact's name: stem, ".", n, ".", extension (or ".chat.txt"), NUL. */
#define NAMING_NAME_MAX (NAMING_STEM_MAX + 12 + NAMING_EXT_MAX + 1)

/*
 * s as one path component, into out (size bytes, at least 2): each '/'
 * and each control character (bytes 0x01 to 0x1f and 0x7f: tab, newline,
 * ...) becomes '_', and NULL, "", "." and ".." become "_".  For sources
 * and subject handles taken from the catalog.
 */
void naming_component(char *out, size_t size, const char *s);

/* The system's table of media types by extension (Debian's media-types). */
#define MIME_TYPES "/etc/mime.types"

/*
 * The extension recfs uses for ext (without its dot): ext in lower case
 * when it is 1 to NAMING_EXT_LEN ASCII letters or digits and an extension
 * MIME_TYPES names (pdf, pptx, csv), else "bin" (ext NULL too).  Ingest
 * stores what this gives; the mount and the export show it again, so a
 * catalog edited by hand names no odd file, and one ingested before names
 * no word the recorder put there.
 */
void naming_ext(char out[NAMING_EXT_MAX], const char *ext);
/* The media type MIME_TYPES gives the extension ext (lower case, without
 * its dot), from the first line that names it; NULL when none does, or the
 * file is not there.  Read once per process.  Thread-safe. */
const char *naming_media_type(const char *ext);

/*
 * naming_ext() of the part of file name after its last '.'; "bin" when
 * there is none, or the name starts with its only dot (".profile").
 */
void naming_ext_of_file(char out[NAMING_EXT_MAX], const char *name);

/* The stem of recording r (its recorded_at, source and id). */
void naming_stem(char out[NAMING_STEM_MAX], const struct cat_recording *r);

/*
 * The name of an artifact of the recording with stem: <stem>.opus for role
 * "audio", <stem>.chat.txt for "chat", <stem>.<n>.<naming_ext(ext)> for
 * any other role (shared files); <stem>.<naming_label> but for the chat's
 * ".txt".
 */
void naming_artifact(char out[NAMING_NAME_MAX], const char *stem, const char *role, int n, const char *ext);

/* <stem>.wav, the WAV view of the audio artifact on the mount. */
void naming_wav(char out[NAMING_NAME_MAX], const char *stem);

/* An artifact's label: "opus", "chat", "<n>.<ext>", or "wav". */
#define NAMING_LABEL_MAX (12 + NAMING_EXT_MAX + 1)
#define NAMING_LABEL_WAV "wav"
/*
 * How the audit log names an artifact of a recording beside the
 * recording's id: its name on the mount without the stem and the dot,
 * "chat" for the chat transcript (<stem>.chat.txt).  So "opus", "chat",
 * "<n>.<naming_ext(ext)>", and NAMING_LABEL_WAV for the WAV view.
 */
void naming_label(char out[NAMING_LABEL_MAX], const char *role, int n, const char *ext);

#endif
