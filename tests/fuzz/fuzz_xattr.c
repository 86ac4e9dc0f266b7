/*
 * fuzz_xattr.c - the values setfattr gives the mount (fs/xattr.c), parsed
 * and committed as the mount does, without FUSE: the retention date
 * (util_parse_date, then rights_set_retention), the legal hold's reason
 * (rights_check_hold_reason, rights_set_hold), the restriction's reason
 * (rights_restrict, then rights_lift), and a subject card's fields
 * (rights_check_card_value, rights_rectify), by the privacy level on a
 * register made once (t_register) with one recording and its subject.
 *
 * Input: u8 attribute (x % 8: user.gdpr.retention_until,
 * user.gdpr.legal_hold, user.gdpr.restricted, user.recfs.name, .phone,
 * .email, .organisation, .ref), then the value's bytes.  The mount refuses a
 * value holding a NUL before anything (EINVAL), so such inputs stop there.
 *
 * Promises checked: a date that parses formats back to the same text; the
 * checks say yes exactly when the right is done; what was done reads back
 * from the catalog, the sealed reason or the sealed card as it was given; a restriction lifts
 * again; a refusal is -EINVAL.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "t.h"
#include "t_reg.h"

#include "rights.h"
#include "subject.h"

static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int rights;
static char *rec, handle[CATALOG_HANDLE_MAX];

static int first_handle(const char *recording, const char *h, const char *role, void *ctx)
{
	(void)recording, (void)role, (void)ctx;
	snprintf(handle, sizeof(handle), "%s", h);
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("RECFS_NOW", "2026-12-01T00:00:00Z", 1);
	if (t_register(fuzz_dir(), &secrets, &reg))
		abort();
	audit_self(&actor, "privacy");
	rights = reg->policy->rights_level;
	rec = t_ingest_one(fuzz_dir(), reg, secrets, &actor, "x", "2026-11-28T10:15:00Z", "");
	FUZZ_ASSERT(rec != NULL);
	FUZZ_ASSERT(catalog_each_link(reg->cat, rec, first_handle, NULL) == 1 && handle[0]);
	return 0;
}

static void retention(const char *v)
{
	struct cat_recording r;
	char back[11];
	int64_t until;
	int rc;

	if (util_parse_date(v, &until))
		return;
	util_format_date(until, back);
	FUZZ_ASSERT(!strcmp(back, v));
	rc = rights_set_retention(reg, &actor, rights, rec, until);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	FUZZ_ASSERT(catalog_get_recording(reg->cat, rec, &r) == 0);
	FUZZ_ASSERT(rc || r.retention_until == until);
	cat_recording_clear(&r);
}

/* 1 when the sealed reason ref reads back, with the rights level's key, as v. */
static int reason_is(const char *ref, const char *v)
{
	char *text = NULL;
	int same = rights_read_reason(reg, secrets, ref, &text) == 0 && !strcmp(text, v);

	free(text);
	return same;
}

static void hold(const char *v)
{
	struct cat_recording r;
	int ok = rights_check_hold_reason(v) == 0, rc = rights_set_hold(reg, &actor, rights, rec, v);

	FUZZ_ASSERT(ok ? rc == 0 : rc == -EINVAL);
	if (!ok)
		return;
	FUZZ_ASSERT(catalog_get_recording(reg->cat, rec, &r) == 0);
	FUZZ_ASSERT(r.legal_hold && reason_is(r.legal_hold, v));
	cat_recording_clear(&r);
	FUZZ_ASSERT(rights_set_hold(reg, &actor, rights, rec, NULL) == 0);
}

static void restrict_(const char *v)
{
	struct cat_recording r;
	int ok = rights_check_restrict_reason(v) == 0, rc = rights_restrict(reg, &actor, rights, rec, v);

	FUZZ_ASSERT(ok ? rc == 0 : rc == -EINVAL);
	if (!ok)
		return;
	FUZZ_ASSERT(catalog_get_recording(reg->cat, rec, &r) == 0);
	FUZZ_ASSERT(r.restricted_since && r.restricted_reason);
	FUZZ_ASSERT(reason_is(r.restricted_reason, v));
	cat_recording_clear(&r);
	FUZZ_ASSERT(rights_lift(reg, secrets, &actor, rights, rec) == 0);
	FUZZ_ASSERT(catalog_get_recording(reg->cat, rec, &r) == 0);
	FUZZ_ASSERT(!r.restricted_since && !r.restricted_reason);
	cat_recording_clear(&r);
}

static void card(const char *field, const char *v)
{
	const char *level = reg->policy->levels[rights].name;
	char *text = NULL;
	int ok = rights_check_card_value(field, v) == 0;
	int rc = rights_rectify(reg, secrets, &actor, rights, handle, field, v);
	size_t len = 0;
	json_t *j;

	FUZZ_ASSERT(ok ? rc == 0 : rc == -EINVAL);
	if (!ok)
		return;
	FUZZ_ASSERT(subject_read_card(reg, secrets, level, handle, &text, &len) == 0);
	j = json_loadb(text, len, 0, NULL);
	FUZZ_ASSERT(json_is_string(json_object_get(j, field)));
	FUZZ_ASSERT(!strcmp(json_string_value(json_object_get(j, field)), v));
	json_decref(j);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "name", "phone", "email", "organisation", "ref" };
	char *v;

	if (!size || memchr(data + 1, '\0', size - 1))
		return 0;
	v = xcalloc(1, size);
	memcpy(v, data + 1, size - 1);
	switch (data[0] % 8) {
	case 0:
		retention(v);
		break;
	case 1:
		hold(v);
		break;
	case 2:
		restrict_(v);
		break;
	default:
		card(fields[data[0] % 8 - 3], v);
		break;
	}
	free(v);
	return 0;
}
