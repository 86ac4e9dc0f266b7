/*
 * fuzz_manifest.c - ingest of a manifest (ingest_manifest), validation and
 * commit, into a register made once in the target's folder from the
 * example policy (raw keys, t_register) with a clock fixed at
 * 2026-12-01.  The input is the manifest, written as spool/m.json next to
 * the files it may name: call.opus (mono), meeting.opus (stereo),
 * call-chat.txt, meeting-chat.txt, meeting-slides.pdf, notes.txt.
 *
 * The register is healthy, so every failure must be the input's
 * (ingest_is_input_error): anything else tells recctl watch to leave the
 * manifest in the spool and retry it for ever.  A manifest ingested must
 * have made its recording, which must then erase cleanly (that keeps the
 * register small, and exercises erasure of whatever ingest accepted).
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "t.h"
#include "t_reg.h"

#include "rights.h"

static char *dir, *manifest;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;

static void spool_file(const char *name, const char *from, const char *text)
{
	char *to = xasprintf("%s/spool/%s", dir, name);

	if (from)
		FUZZ_ASSERT(util_copy_file(from, to, 0600) == 0);
	else
		FUZZ_ASSERT(util_write_file_atomic(to, text, strlen(text), 0600) == 0);
	free(to);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("RECFS_NOW", "2026-12-01T00:00:00Z", 1);
	dir = xstrdup(fuzz_dir());
	if (t_register(dir, &secrets, &reg))
		abort();
	audit_self(&actor, "privacy");
	spool_file("call.opus", "tests/fuzz/corpus/opus/tiny-mono.opus", NULL);
	spool_file("meeting.opus", "tests/fuzz/corpus/opus/tiny-stereo.opus", NULL);
	spool_file("call-chat.txt", NULL, "Asiakas: hei\nAgentti: hei, kuinka voin auttaa?\n");
	spool_file("meeting-chat.txt", NULL, "10:01 Maija: dia 3\n");
	spool_file("meeting-slides.pdf", NULL, "%PDF-1.4\n%%EOF\n");
	spool_file("notes.txt", NULL, "");
	manifest = xasprintf("%s/spool/m.json", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_result res;
	struct cat_recording rec;
	int rc;

	fuzz_write(manifest, data, size);
	rc = ingest_manifest(reg, keyring_index_key(secrets), &actor, manifest, &res);
	if (rc) {
		FUZZ_ASSERT(ingest_is_input_error(rc));
		FUZZ_ASSERT(*meta_errmsg());
		return 0;
	}
	if (res.duplicate)
		return 0;
	FUZZ_ASSERT(res.n_artifacts >= 1);
	FUZZ_ASSERT(catalog_get_recording(reg->cat, res.recording, &rec) == 0);
	cat_recording_clear(&rec);
	rc = rights_erase_recording(reg, &actor, reg->policy->rights_level, res.recording, "fuzz");
	FUZZ_ASSERT(rc == 0);
	return 0;
}
