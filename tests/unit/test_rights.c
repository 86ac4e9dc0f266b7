/* Unit tests of meta/rights: erasure shreds (no seal byte survives in the
 * catalog or its WAL), holds and levels are enforced and logged,
 * restriction is enforced by keys, lift re-seals, retention stays within
 * the policy, rectification is sealed into the log and moves the blind
 * index, reasons of holds and restrictions are sealed (also those an
 * older recfs kept in the clear). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "export.h"
#include "ingest.h"
#include "request.h"
#include "rights.h"
#include "seal.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static int privacy, analysis, training;

static char *ingest_one(const char *name, const char *when, const char *extra)
{
	return t_ingest_one(dir, reg, secrets, &actor, name, when, extra);
}

static struct t_entry last_of(const char *object)
{
	return t_last_entry(reg, object);
}

static int file_has(const char *path, const void *needle, size_t n)
{
	uint8_t *buf = NULL;
	size_t len;
	int found;

	if (util_read_file(path, 1 << 28, &buf, &len))
		return 0;
	found = memmem(buf, len, needle, n) != NULL;
	free(buf);
	return found;
}

struct arts {
	char id[4][RECFS_ID_HEX];
	int n;
};

static int collect(const struct cat_artifact *a, void *ctx)
{
	struct arts *x = ctx;

	if (x->n < 4)
		snprintf(x->id[x->n++], RECFS_ID_HEX, "%s", a->id);
	return 0;
}

TEST(test_erase_removes_rows_seals_blobs_and_every_seal_byte)
{
	char *id = ingest_one("e1", "2026-03-01T10:00:00Z", "");
	char *db = xasprintf("%s/reg/catalog.db", dir), *wal = xasprintf("%s/reg/catalog.db-wal", dir);
	uint8_t seals[8][CRYPTO_SEAL_BYTES];
	struct arts x = { 0 };
	struct cat_recording rec;
	int ns = 0;

	if (!id)
		return;
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK_EQ(catalog_each_artifact(reg->cat, id, collect, &x), 0);
	CHECK_EQ(x.n, 2);
	for (int i = 0; i < x.n; i++)
		for (size_t l = 0; l < reg->policy->n_levels && ns < 8; l++)
			if (catalog_get_seal(reg->cat, x.id[i], reg->policy->levels[l].name, seals[ns]) == 0)
				ns++;
	CHECK(ns >= 2);
	CHECK(file_has(db, seals[0], CRYPTO_SEAL_BYTES) || file_has(wal, seals[0], CRYPTO_SEAL_BYTES));
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), -ENOENT);
	for (int i = 0; i < x.n; i++) {
		char *b = reg_blob_path(reg, x.id[i]);
		struct cat_artifact a;

		CHECK(access(b, F_OK) < 0);
		CHECK_EQ(catalog_get_artifact(reg->cat, x.id[i], &a), -ENOENT);
		free(b);
	}
	for (int i = 0; i < ns; i++) {
		CHECK(!file_has(db, seals[i], CRYPTO_SEAL_BYTES));
		CHECK(!file_has(wal, seals[i], CRYPTO_SEAL_BYTES));
	}
	CHECK_STR(last_of(id).action, "erase");
	CHECK_STR(last_of(id).outcome, "ok");
	cat_recording_clear(&rec);
	free(db);
	free(wal);
	free(id);
}

/*
 * A crash between an erasure's commit and its unlinks (here: the commit of
 * rights_erase_recording_tx without rights_shred) leaves the blobs listed
 * as pending; the next reg_open of the register unlinks them and empties
 * the list.
 */
TEST(test_blobs_an_erasure_left_at_a_crash_go_at_the_next_open)
{
	char *id = ingest_one("c1", "2026-03-02T10:00:00Z", ""), *p = xasprintf("%s/reg", dir);
	struct idlist arts = { 0 }, pending = { 0 };
	struct reg *again = NULL;

	if (!id)
		return;
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(rights_erase_recording_tx(reg, &actor, privacy, id, "rm", &arts, NULL), 0);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(arts.n, 2);
	CHECK_EQ(catalog_pending_unlinks(reg->cat, &pending), 0);
	CHECK_EQ(pending.n, 2);
	for (size_t i = 0; i < arts.n; i++) {
		char *b = reg_blob_path(reg, arts.id[i]);

		CHECK_EQ(access(b, F_OK), 0);	/* the crash left it */
		free(b);
	}
	CHECK_EQ(reg_open(p, &again), 0);
	for (size_t i = 0; i < arts.n; i++) {
		char *b = reg_blob_path(reg, arts.id[i]);

		CHECK(access(b, F_OK) < 0);
		free(b);
	}
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM pending_unlink"), 0);
	reg_close(again);
	idlist_free(&arts);
	idlist_free(&pending);
	free(p);
	free(id);
}

/* An erasure that completes leaves nothing listed. */
TEST(test_a_completed_erasure_leaves_no_pending_unlink)
{
	char *id = ingest_one("c2", "2026-03-02T11:00:00Z", "");

	if (!id)
		return;
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM pending_unlink"), 0);
	free(id);
}

/* The chat of a recording (ingest_one gives it one). */
static int chat_of(const struct cat_artifact *a, void *ctx)
{
	if (!strcmp(a->role, "chat"))
		snprintf(ctx, RECFS_ID_HEX, "%s", a->id);
	return 0;
}

TEST(test_erase_of_an_artifact_is_logged_under_the_recording_and_the_file)
{
	char *id = ingest_one("a1", "2026-03-01T11:00:00Z", "");
	char chat[RECFS_ID_HEX] = "";

	if (!id)
		return;
	CHECK_EQ(catalog_each_artifact(reg->cat, id, chat_of, chat), 0);
	CHECK_EQ(rights_erase_artifact(reg, &actor, analysis, chat), -EACCES);
	CHECK_STR(last_of(id).outcome, "refused");
	CHECK_STR(last_of(id).artifact, "chat");
	CHECK_EQ(rights_erase_artifact(reg, &actor, privacy, chat), 0);
	CHECK_STR(last_of(id).action, "erase");
	CHECK_STR(last_of(id).outcome, "ok");
	CHECK_STR(last_of(id).artifact, "chat");
	CHECK_STR(last_of(chat).action, "");	/* nothing under the artifact's own id */
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), 0);
	CHECK_STR(last_of(id).artifact, "");
	free(id);
}

TEST(test_hold_blocks_erase_with_eperm_and_logs_it)
{
	char *id = ingest_one("h1", "2026-03-02T10:01:00Z", "");
	struct cat_recording rec;

	if (!id)
		return;
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, "case 42"), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), -EPERM);
	CHECK_STR(last_of(id).outcome, "refused");
	CHECK_STR(last_of(id).reason, "legal hold");
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	cat_recording_clear(&rec);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, NULL), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), 0);
	free(id);
}

TEST(test_below_rights_level_is_refused_and_logged)
{
	char *id = ingest_one("b1", "2026-03-03T10:00:00Z", "");

	if (!id)
		return;
	CHECK_EQ(rights_erase_recording(reg, &actor, analysis, id, "rm"), -EACCES);
	CHECK_STR(last_of(id).action, "erase");
	CHECK_STR(last_of(id).outcome, "refused");
	CHECK_EQ(rights_erase_recording(reg, &actor, -1, id, "rm"), -EACCES);
	CHECK_EQ(rights_restrict(reg, &actor, training, id, "x"), -EPERM);
	CHECK_STR(last_of(id).action, "restrict");
	CHECK_STR(last_of(id).outcome, "refused");
	CHECK_EQ(rights_set_hold(reg, &actor, analysis, id, "x"), -EPERM);
	CHECK_EQ(rights_set_retention(reg, &actor, analysis, id, 0), -EPERM);
	free(id);
}

TEST(test_restrict_drops_lower_seals_and_lift_reseals)
{
	char *id = ingest_one("r1", "2026-03-04T10:00:00Z", "");
	struct crypto_key *dek = NULL;
	struct cat_recording rec;
	struct arts x = { 0 };

	if (!id)
		return;
	CHECK_EQ(catalog_each_artifact(reg->cat, id, collect, &x), 0);
	/* quality: the policy lets training read it. */
	CHECK_EQ(seal_unseal(reg, secrets, "training", x.id[0], &dek), 0);
	crypto_key_free(dek);
	dek = NULL;
	CHECK_EQ(rights_restrict(reg, &actor, privacy, id, "contested accuracy"), 0);
	CHECK_EQ(seal_unseal(reg, secrets, "training", x.id[0], &dek), -EACCES);
	CHECK_EQ(seal_unseal(reg, secrets, "analysis", x.id[0], &dek), -EACCES);
	CHECK_EQ(seal_unseal(reg, secrets, "privacy", x.id[0], &dek), 0);
	crypto_key_free(dek);
	dek = NULL;
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK(rec.restricted_since != 0);
	cat_recording_clear(&rec);
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, id), 0);
	CHECK_EQ(seal_unseal(reg, secrets, "training", x.id[0], &dek), 0);
	crypto_key_free(dek);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK_EQ(rec.restricted_since, 0);
	cat_recording_clear(&rec);
	CHECK_STR(last_of(id).action, "lift-restriction");
	free(id);
}

TEST(test_retention_beyond_max_retention_is_einval)
{
	char *id = ingest_one("t1", "2026-03-05T10:00:00Z", "");
	int64_t t0, ok, bad;

	if (!id)
		return;
	CHECK_EQ(util_parse_time("2026-03-05T10:00:00Z", &t0), 0);
	ok = util_add_months(t0, 24);		/* quality: max_retention 24m */
	bad = util_add_months(t0, 25);
	CHECK_EQ(rights_set_retention(reg, &actor, privacy, id, ok), 0);
	CHECK_EQ(rights_set_retention(reg, &actor, privacy, id, bad), -EINVAL);
	CHECK_STR(last_of(id).outcome, "refused");
	CHECK_STR(last_of(id).reason, "beyond max_retention (2028-03-05)");
	free(id);
}

TEST(test_retention_refusals_say_why)
{
	char *id = ingest_one("t2", "2026-03-05T10:01:00Z", "");

	if (!id)
		return;
	CHECK_EQ(rights_set_retention_text(reg, &actor, analysis, id, "30.06.2027"), -EPERM);
	CHECK_STR(last_of(id).reason, "below the rights level");
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "30.06.2027"), -EINVAL);
	CHECK_STR(last_of(id).reason, "not a date (YYYY-MM-DD)");
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2027-02-30"), -EINVAL);
	CHECK_STR(last_of(id).reason, "not a date (YYYY-MM-DD)");
	meta_clear_error();
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2026-02-01"), -EINVAL);
	CHECK_STR(last_of(id).reason, "before the recording");
	CHECK_STR(meta_strerror(-EINVAL), "retention refused: before the recording");
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2027-06-30"), 0);
	CHECK_STR(last_of(id).outcome, "ok");
	free(id);
}

/*
 * Retention is in days (catalog.h): the recording's own day is the first
 * allowed, even when it was recorded at midnight (the day before is not),
 * and the day its max_retention ends on the last; a date is stored as its
 * 00:00 UTC.
 */
TEST(test_retention_days_run_from_the_recording_day_to_the_day_max_retention_ends)
{
	char *id = ingest_one("t3", "2026-03-07T00:00:00Z", "");
	struct cat_recording rec;
	int64_t d;

	if (!id)
		return;
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2026-03-06"), -EINVAL);
	CHECK_STR(last_of(id).reason, "before the recording");
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2026-03-07"), 0);
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2028-03-07"), 0);	/* 24m */
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2028-03-08"), -EINVAL);
	CHECK_STR(last_of(id).reason, "beyond max_retention (2028-03-07)");
	CHECK_EQ(util_parse_time("2027-01-02T15:30:00Z", &d), 0);
	CHECK_EQ(rights_set_retention(reg, &actor, privacy, id, d), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK_EQ(rec.retention_until, d - 15 * 3600 - 30 * 60);
	cat_recording_clear(&rec);
	free(id);
}

/*
 * A policy with a shorter max_retention (rights_fit_retention, what
 * seal_apply_policy calls for each recording): one kept beyond it comes
 * down to its last day, logged as retention set logs; one within it and
 * one on legal hold stay as they are, unlogged.
 */
TEST(test_fit_retention_brings_a_recording_down_to_a_shorter_max_retention_but_not_a_held_one)
{
	char *id = ingest_one("t4", "2026-03-08T10:20:00Z", "");
	char *held = ingest_one("t5", "2026-03-08T10:21:00Z", "");
	struct policy p = *reg->policy;	/* shallow: the purposes are copied below */
	struct policy_purpose *pu = xcalloc(p.n_purposes, sizeof(*pu));
	struct cat_recording rec;
	int64_t last = 0, want;

	memcpy(pu, p.purposes, p.n_purposes * sizeof(*pu));
	p.purposes = pu;
	pu[policy_purpose_index(&p, "quality")].max_retention = (struct policy_period){ 12, 'm' };
	if (!id || !held)
		goto out;
	CHECK_EQ(util_parse_date("2027-03-08", &want), 0);
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, id, "2028-03-08"), 0);
	CHECK_EQ(rights_set_retention_text(reg, &actor, privacy, held, "2028-03-08"), 0);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, held, "claim 7"), 0);
	CHECK_EQ(catalog_begin(reg->cat), 0);
	CHECK_EQ(rights_fit_retention(reg, &actor, &p, id, "policy-apply", &last), RIGHTS_FIT_LOWERED);
	CHECK_EQ(last, want);
	CHECK_EQ(rights_fit_retention(reg, &actor, &p, id, "policy-apply", NULL), RIGHTS_FIT_WITHIN);
	CHECK_EQ(rights_fit_retention(reg, &actor, &p, held, "policy-apply", &last), RIGHTS_FIT_HELD);
	CHECK_EQ(catalog_commit(reg->cat), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK_EQ(rec.retention_until, want);
	cat_recording_clear(&rec);
	CHECK_STR(last_of(id).action, "retention");
	CHECK_STR(last_of(id).outcome, "ok");
	CHECK_STR(last_of(id).reason, "until 2027-03-08 policy-apply: max_retention of quality is 12m");
	CHECK_EQ(catalog_get_recording(reg->cat, held, &rec), 0);
	CHECK_EQ(util_day_start(rec.retention_until), want + (int64_t)366 * 86400);
	cat_recording_clear(&rec);
	CHECK_STR(last_of(held).action, "hold");
	/* The same rule refuses the old day now. */
	CHECK_EQ(rights_retention_last_day(&p, &(struct cat_recording){ .purpose = (char *)"quality",
		 .recorded_at = want }, &last), 0);
	CHECK_EQ(rights_retention_last_day(&p, &(struct cat_recording){ .purpose = (char *)"none" }, &last), -ENOENT);
out:
	free(pu);
	free(id);
	free(held);
}

/* Whether handle holds the blind-index entry of a name's form. */
static int name_indexed(const char *handle, const char *form)
{
	uint8_t mac[CRYPTO_MAC_BYTES];

	crypto_blind_index(keyring_index_key(secrets), "name", form, mac);
	return catalog_index_holds(reg->cat, mac, handle);
}

TEST(test_rectify_changes_the_card_and_seals_old_and_new_in_the_log)
{
	char *id = ingest_one("c1", "2026-03-06T10:00:00Z", "");
	char handle[CATALOG_HANDLE_MAX], phone[32], *json = NULL, *sealed;
	struct t_entry l;
	size_t len;

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("c1"));
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", phone, handle), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, analysis, handle, "name", "X"), -EPERM);
	CHECK_EQ(name_indexed(handle, "m c1"), 1);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "name", "Matti Korjattu"), 0);
	/* the name's entry moves too: it tells the subject from others who
	 * share its number (subject_resolve) */
	CHECK_EQ(name_indexed(handle, "m korjattu"), 1);
	CHECK_EQ(name_indexed(handle, "m c1"), 0);
	CHECK_EQ(subject_read_card(reg, secrets, "analysis", handle, &json, &len), 0);
	CHECK(json && strstr(json, "Matti Korjattu") && !strstr(json, "Matti c1"));
	free(json);
	json = NULL;
	l = last_of(handle);
	CHECK_STR(l.action, "rectify");
	CHECK(!strstr(l.reason, "Matti"));
	sealed = strstr(l.reason, "sealed=");
	CHECK(sealed != NULL);
	if (sealed) {
		sealed += strlen("sealed=");
		CHECK_EQ(seal_read_record(reg, secrets, "analysis", sealed, &json, &len), -EACCES);
		CHECK_EQ(seal_read_record(reg, secrets, "privacy", sealed, &json, &len), 0);
		CHECK(json && strstr(json, "Matti c1") && strstr(json, "Matti Korjattu"));
		free(json);
	}
	free(id);
}

TEST(test_value_checks_refuse_what_the_rights_refuse)
{
	char reason[514], value[258], handle[CATALOG_HANDLE_MAX], phone[32];
	char *id = ingest_one("v1", "2026-03-07T10:00:00Z", "");

	memset(reason, 'r', 512);
	reason[512] = '\0';
	memset(value, 'v', 256);
	value[250] = '@';	/* 256 bytes of an e-mail address */
	value[253] = '.';
	value[256] = '\0';
	CHECK_EQ(rights_check_hold_reason("complaint 12"), 0);
	CHECK_EQ(rights_check_hold_reason(reason), 0);
	CHECK_EQ(rights_check_hold_reason(""), -EINVAL);
	/* Text: not UTF-8 (subject show left such a recording out of its
	 * list, jansson refusing the string), no line or escape. */
	CHECK_EQ(rights_check_hold_reason("bad \xff reason"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("two\nlines"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("\x1b]0;title\x07"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("valitus \xc3\xa4"), 0);
	/* What getfattr shows of the attribute, written back by a restore
	 * of a dump, is no reason: "no" restricted a recording shown
	 * unrestricted (atk68 L1).  A reason that only begins so is one. */
	CHECK_EQ(rights_check_restrict_reason("no"), -EINVAL);
	CHECK_EQ(rights_check_restrict_reason("No"), -EINVAL);
	CHECK_EQ(rights_check_restrict_reason("yes"), -EINVAL);
	CHECK_EQ(rights_check_restrict_reason("yes since=2026-11-02 reason=chmod"), -EINVAL);
	CHECK_EQ(rights_check_restrict_reason(""), -EINVAL);
	CHECK_EQ(rights_check_restrict_reason("not yet contested"), 0);
	CHECK_EQ(rights_check_restrict_reason("no consent for training"), 0);
	CHECK_EQ(rights_check_hold_reason("yes since=2026-11-02 reason=claim 9"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("yes reason=claim 9"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("no"), -EINVAL);
	CHECK_EQ(rights_check_hold_reason("yesterday's claim"), 0);
	CHECK_EQ(rights_check_card_value("name", "\xc3\x84ij\xc3\xb6 Virtanen"), 0);
	CHECK_EQ(rights_check_card_value("phone", ""), 0);
	CHECK_EQ(rights_check_card_value("email", ""), 0);
	CHECK_EQ(rights_check_card_value("email", value), 0);
	/* A phone number or e-mail is what ingest would match by, or empty. */
	CHECK_EQ(rights_check_card_value("phone", "(040) 264-2312"), 0);
	CHECK_EQ(rights_check_card_value("phone", "abc"), -EINVAL);
	CHECK_EQ(rights_check_card_value("phone", "+"), -EINVAL);
	CHECK_EQ(rights_check_card_value("email", "\u00dclla.\u00d6@Esimerkki.fi"), 0);
	CHECK_EQ(rights_check_card_value("email", "not an email"), -EINVAL);
	CHECK_EQ(rights_check_card_value("email", "a@b@c"), -EINVAL);
	CHECK_EQ(rights_check_card_value("name", "abc"), 0);
	CHECK_EQ(rights_check_card_value("organisation", "not an email"), 0);
	CHECK_EQ(rights_check_card_value("title", "x"), -ENOTSUP);
	CHECK_EQ(rights_check_card_value("name", "line\nbreak"), -EINVAL);
	/* A right-to-left override or a C1 control reorders what a viewer shows. */
	CHECK_EQ(rights_check_card_value("name", "Anna \xe2\x80\xaegnirT"), -EINVAL);
	CHECK_EQ(rights_check_card_value("name", "Anna\xc2\x85"), -EINVAL);
	CHECK_EQ(rights_check_card_value("name", "del\x7f"), -EINVAL);
	CHECK_EQ(rights_check_card_value("name", "\xc3"), -EINVAL);		/* cut short */
	CHECK_EQ(rights_check_card_value("name", "\xed\xa0\x80"), -EINVAL);	/* a surrogate */
	strcat(reason, "r");
	strcat(value, "v");
	CHECK_EQ(rights_check_hold_reason(reason), -EINVAL);
	CHECK_EQ(rights_check_card_value("email", value), -EINVAL);

	/* The rights refuse the same values with the same errno. */
	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("v1"));
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", phone, handle), 0);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, ""), -EINVAL);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, reason), -EINVAL);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "name", "\xed\xa0\x80"), -EINVAL);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", value), -EINVAL);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "title", "x"), -ENOTSUP);
	free(id);
}

/* Ingest recording name of the customer whose phone is phone and whose
 * name is who (NULL: none given). */
static char *ingest_named(const char *name, const char *when, const char *phone, const char *who)
{
	char *opus = xasprintf("%s/spool/%s.opus", dir, name), *json = xasprintf("%s/spool/%s.json", dir, name);
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\","
			       " \"subjects\": [{\"role\": \"customer\", \"phone\": \"%s\"%s%s%s}], \"audio\": \"%s.opus\"}",
			       when, phone, who ? ", \"name\": \"" : "", who ? who : "", who ? "\"" : "", name);
	struct ingest_result res;
	char *id = NULL;

	CHECK_EQ(util_copy_file("tests/fixtures/mono.opus", opus, 0600), 0);
	CHECK_EQ(util_write_file_atomic(json, text, strlen(text), 0600), 0);
	if (ingest_manifest(reg, keyring_index_key(secrets), &actor, json, &res) == 0)
		id = xstrdup(res.recording);
	else
		fprintf(stderr, "  ingest %s: %s\n", name, meta_errmsg());
	free(opus);
	free(json);
	free(text);
	return id;
}

static char *ingest_of(const char *name, const char *when, const char *phone)
{
	return ingest_named(name, when, phone, NULL);
}

/* Rows of the catalog that name handle or hold its card or its histories. */
static int rows_of_subject(const char *handle, const char *card, const char *history)
{
	char *sql = xasprintf("SELECT (SELECT count(*) FROM subject WHERE handle = '%s')"
			      " + (SELECT count(*) FROM subject_index WHERE handle = '%s')"
			      " + (SELECT count(*) FROM record WHERE id IN ('%s', '%s') OR owner = '%s')"
			      " + (SELECT count(*) FROM seal WHERE object IN ('%s', '%s'))",
			      handle, handle, card, history, handle, card, history);
	int n = t_count(reg, sql);

	free(sql);
	return n;
}

TEST(test_erasing_the_last_recording_erases_the_subject_its_index_and_histories)
{
	char *a = ingest_of("last1", "2026-03-08T10:00:00Z", "+358401110001");
	char *b = ingest_of("last2", "2026-03-08T11:00:00Z", "+358401110001");
	char handle[CATALOG_HANDLE_MAX], other[CATALOG_HANDLE_MAX], card[RECFS_ID_HEX], history[RECFS_ID_HEX] = "";
	struct t_entry l;
	char *sealed;

	if (!a || !b)
		return;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110001", handle), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "name", "Lasse Viimeinen"), 0);
	sealed = strstr(last_of(handle).reason, "sealed=");
	CHECK(sealed != NULL);
	if (sealed)
		snprintf(history, sizeof(history), "%.32s", sealed + strlen("sealed="));
	CHECK(rows_of_subject(handle, card, history) >= 4);
	/* One recording left: the subject stays. */
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, a, "rm"), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110001", other), 0);
	/* The last one takes card, index entries and history with it. */
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, b, "rm"), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), -ENOENT);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110001", other), -ENOENT);
	CHECK_EQ(rows_of_subject(handle, card, history), 0);
	l = last_of(handle);
	CHECK_STR(l.action, "erase-subject");
	CHECK_STR(l.outcome, "ok");
	CHECK_STR(l.reason, "last recording erased");
	free(a);
	free(b);
}

TEST(test_a_subject_with_an_open_request_stays_until_it_is_closed)
{
	char *a = ingest_of("req1", "2026-03-09T10:00:00Z", "+358401110002");
	char handle[CATALOG_HANDLE_MAX], card[RECFS_ID_HEX];
	size_t n = 99;
	int64_t req;

	if (!a)
		return;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110002", handle), 0);
	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport", &req), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, a, "rm"), 0);
	/* The access request is answered about the subject: kept. */
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	CHECK_EQ(rights_erase_unlinked_subjects(reg, &actor, analysis, "test", &n), -EACCES);
	CHECK_EQ(rights_erase_unlinked_subjects(reg, &actor, privacy, "test", &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	CHECK_EQ(request_close(reg, &actor, req, "answered: no recording left"), 0);
	CHECK_EQ(rights_erase_unlinked_subjects(reg, &actor, privacy, "no recording left", &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), -ENOENT);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110002", card), -ENOENT);
	CHECK_STR(last_of(handle).reason, "no recording left");
	free(a);
}

TEST(test_erasing_a_subject_logs_its_erasure_once)
{
	char *a = ingest_of("subj1", "2026-03-10T10:00:00Z", "+358401110003");
	char *b = ingest_of("subj2", "2026-03-10T11:00:00Z", "+358401110003");
	char handle[CATALOG_HANDLE_MAX], *sql;

	if (!a || !b)
		return;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110003", handle), 0);
	CHECK_EQ(rights_erase_subject(reg, &actor, privacy, handle), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, (char[RECFS_ID_HEX]){ 0 }), -ENOENT);
	sql = xasprintf("SELECT count(*) FROM audit WHERE action = 'erase-subject' AND object = '%s'", handle);
	CHECK_EQ(t_count(reg, sql), 1);
	free(sql);
	CHECK_STR(last_of(handle).reason, "");
	free(a);
	free(b);
}

/* The details record of recording id as level: malloc'd, or NULL with
 * *rc the error. */
static char *details_as(const char *id, const char *level, int *rc)
{
	struct cat_recording rec;
	char *json = NULL;
	size_t len;

	*rc = catalog_get_recording(reg->cat, id, &rec);
	if (*rc == 0)
		*rc = seal_read_record(reg, secrets, level, rec.details_id, &json, &len);
	cat_recording_clear(&rec);
	return json;
}

TEST(test_rectifying_a_name_rewrites_it_in_the_details_of_each_recording)
{
	char *a = ingest_named("rn1", "2026-03-11T10:00:00Z", "+358401110004", "Rauni Vanhanimi");
	char *b = ingest_named("rn2", "2026-03-11T11:00:00Z", "+358401110004", NULL);
	char *c = ingest_named("rn3", "2026-03-11T12:00:00Z", "+358401110005", "Toinen Henkilo");
	char handle[CATALOG_HANDLE_MAX], *json;
	int rc;

	if (!a || !b || !c)
		return;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358401110004", handle), 0);
	CHECK_EQ(rights_restrict(reg, &actor, privacy, b, "contested"), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "phone", "+358401110006"), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "name", "Rauni Uusinimi"), 0);
	/* What analysis reads as user.recfs.subject_names. */
	json = details_as(a, "analysis", &rc);
	CHECK_EQ(rc, 0);
	CHECK(json && strstr(json, "Rauni Uusinimi") && !strstr(json, "Vanhanimi"));
	free(json);
	/* The restricted recording's details stay the rights level's alone. */
	json = details_as(b, "analysis", &rc);
	CHECK_EQ(rc, -EACCES);
	free(json);
	json = details_as(b, "privacy", &rc);
	CHECK_EQ(rc, 0);
	CHECK(json && strstr(json, "Rauni Uusinimi"));
	free(json);
	/* Another subject's recording is left as it was. */
	json = details_as(c, "analysis", &rc);
	CHECK(json && strstr(json, "Toinen Henkilo") && !strstr(json, "Rauni"));
	free(json);
	free(a);
	free(b);
	free(c);
}

/* Run sql on the catalog through a connection of its own, as an older
 * recfs (or a hand) would write it.  0 or -1. */
static int raw_exec(const char *sql)
{
	char *path = xasprintf("%s/reg/catalog.db", dir);
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;

	if (rc)
		fprintf(stderr, "  raw_exec: %s: %s\n", sql, db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_close(db);
	free(path);
	return rc;
}

/* 1 when catalog.db or its WAL holds the bytes of text. */
static int catalog_has(const char *text)
{
	char *db = xasprintf("%s/reg/catalog.db", dir), *wal = xasprintf("%s/reg/catalog.db-wal", dir);
	int found = file_has(db, text, strlen(text)) || file_has(wal, text, strlen(text));

	free(db);
	free(wal);
	return found;
}

/* The text of a reason of rec as the rights level reads it ("" when it does not open). */
static char reason_text[600];
static const char *reason_of(const char *ref)
{
	char *text = NULL;

	reason_text[0] = '\0';
	if (rights_read_reason(reg, secrets, ref, &text) == 0)
		snprintf(reason_text, sizeof(reason_text), "%s", text);
	free(text);
	return reason_text;
}

TEST(test_hold_and_restriction_reasons_are_sealed_for_the_rights_level_only)
{
	static const char hold[] = "Holdmarker Jöns Åkerlund v. Tamro", restr[] = "Restrictmarker Åsa contests it";
	char *id = ingest_one("s1", "2026-03-07T10:01:00Z", ""), *json = NULL, ref[RECFS_ID_HEX] = "";
	struct cat_recording rec;
	int64_t since;
	size_t len;

	if (!id)
		return;
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, hold), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK(rec.legal_hold && util_is_id(rec.legal_hold));
	CHECK(rec.hold_since != 0);
	since = rec.hold_since;
	snprintf(ref, sizeof(ref), "%s", rec.legal_hold ? rec.legal_hold : "");
	cat_recording_clear(&rec);
	CHECK_STR(reason_of(ref), hold);
	CHECK_EQ(seal_read_record(reg, secrets, "analysis", ref, &json, &len), -EACCES);
	CHECK_STR(last_of(id).action, "hold");
	CHECK(!strncmp(last_of(id).reason, "sealed=", 7) && !strcmp(last_of(id).reason + 7, ref));
	CHECK(!catalog_has("Holdmarker"));
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), -EPERM);

	/* A new reason replaces the record and keeps the day the hold began. */
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, "Holdmarker second"), 0);
	CHECK_EQ(catalog_get_record(reg->cat, ref, &(uint8_t *){ NULL }, &len), -ENOENT);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK_EQ(rec.hold_since, since);
	CHECK_STR(reason_of(rec.legal_hold), "Holdmarker second");
	snprintf(ref, sizeof(ref), "%s", rec.legal_hold ? rec.legal_hold : "");
	cat_recording_clear(&rec);
	CHECK_EQ(rights_set_hold(reg, &actor, privacy, id, NULL), 0);
	CHECK_EQ(catalog_get_record(reg->cat, ref, &(uint8_t *){ NULL }, &len), -ENOENT);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK(rec.legal_hold == NULL);
	CHECK_EQ(rec.hold_since, 0);
	cat_recording_clear(&rec);

	CHECK_EQ(rights_restrict(reg, &actor, privacy, id, restr), 0);
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK(rec.restricted_reason && util_is_id(rec.restricted_reason));
	CHECK_STR(reason_of(rec.restricted_reason), restr);
	snprintf(ref, sizeof(ref), "%s", rec.restricted_reason ? rec.restricted_reason : "");
	cat_recording_clear(&rec);
	CHECK(!strncmp(last_of(id).reason, "sealed=", 7));
	CHECK(!catalog_has("Restrictmarker"));
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, id), 0);
	CHECK_EQ(catalog_get_record(reg->cat, ref, &(uint8_t *){ NULL }, &len), -ENOENT);

	/* Erased with the recording. */
	CHECK_EQ(rights_restrict(reg, &actor, privacy, id, restr), 0);
	{
		char *own = xasprintf("SELECT count(*) FROM record WHERE owner = '%s'", id);

		CHECK_EQ(t_count(reg, own), 1);
		CHECK_EQ(rights_erase_recording(reg, &actor, privacy, id, "rm"), 0);
		CHECK_EQ(t_count(reg, own), 0);
		free(own);
	}
	free(id);
}

TEST(test_reasons_an_older_recfs_kept_in_the_clear_are_sealed_at_open)
{
	char *id = ingest_one("s2", "2026-03-08T10:01:00Z", ""), *sql, *path = xasprintf("%s/reg", dir);
	struct cat_recording rec;
	size_t n = 99;

	if (!id)
		goto out;
	sql = xasprintf("UPDATE recording SET legal_hold = 'Plainholdmarker Ybbe', restricted_since = 1,"
			" restricted_reason = 'Plainrestrmarker Wuo' WHERE id = '%s'", id);
	CHECK_EQ(raw_exec(sql), 0);
	free(sql);
	CHECK(catalog_has("Plainholdmarker"));
	reg_close(reg);
	reg = NULL;
	CHECK_EQ(reg_open(path, &reg), 0);
	if (!reg)
		goto out;
	CHECK_EQ(catalog_get_recording(reg->cat, id, &rec), 0);
	CHECK(rec.legal_hold && util_is_id(rec.legal_hold));
	CHECK_STR(reason_of(rec.legal_hold), "Plainholdmarker Ybbe");
	CHECK_STR(reason_of(rec.restricted_reason), "Plainrestrmarker Wuo");
	cat_recording_clear(&rec);
	CHECK(!catalog_has("Plainholdmarker"));
	CHECK(!catalog_has("Plainrestrmarker"));
	CHECK_STR(last_of(id).action, "seal-reasons");
	CHECK(strstr(last_of(id).reason, "hold sealed=") && strstr(last_of(id).reason, "restriction sealed="));
	/* Nothing left to do: the next call finds none. */
	CHECK_EQ(rights_seal_reasons(reg, &actor, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &(struct audit_report){ 0 }), 0);
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, id), 0);
out:
	free(path);
	free(id);
}

TEST(test_rectify_moves_the_blind_index_and_refuses_without_its_key)
{
	char *id = ingest_one("x1", "2026-03-09T10:01:00Z", "");
	const struct crypto_key *ik = keyring_index_key(secrets);
	char handle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], phone[32];
	struct keyring *old = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("x1"));
	CHECK_EQ(subject_find(reg, ik, "phone", phone, handle), 0);
	/* A rights keyring made before it carried the index key. */
	CHECK_EQ(keyring_new(&old), 0);
	CHECK_EQ(keyring_add_level(old, "privacy", keyring_level(secrets, "privacy", pk)), 0);
	CHECK_EQ(rights_rectify(reg, old, &actor, privacy, handle, "phone", "+358 50 123 4567"), -ENOKEY);
	CHECK_STR(last_of(handle).action, "rectify");
	CHECK_STR(last_of(handle).outcome, "refused");
	CHECK_EQ(subject_find(reg, ik, "phone", phone, h), 0);
	CHECK_EQ(rights_rectify(reg, old, &actor, privacy, handle, "name", "Matti Uusi"), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "phone", "+358 50 123 4567"), 0);
	CHECK_EQ(subject_find(reg, ik, "phone", "+358501234567", h), 0);
	CHECK_STR(h, handle);
	CHECK_EQ(subject_find(reg, ik, "phone", phone, h), -ENOENT);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "Uusi@Example.org"), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "uusi@example.org", h), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "toinen@example.org"), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "uusi@example.org", h), -ENOENT);
	CHECK_EQ(subject_find(reg, ik, "email", "toinen@example.org", h), 0);
	CHECK_EQ(rights_erase_subject(reg, &actor, privacy, handle), 0);
	CHECK_EQ(subject_find(reg, ik, "phone", "+358501234567", h), -ENOENT);
	CHECK_EQ(subject_find(reg, ik, "email", "toinen@example.org", h), -ENOENT);
	keyring_free(old);
	free(id);
}

/* Ingest recording name of one customer who gives phone and email. */
static void ingest_contact(const char *name, const char *when, const char *phone, const char *email)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\","
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"%s\", \"phone\": \"%s\","
			       " \"email\": \"%s\"}], \"audio\": \"%s.opus\"}",
			       when, name, phone, email, name);
	struct ingest_result res;

	CHECK_EQ(t_ingest_text(dir, reg, secrets, &actor, name, text, &res), 0);
	free(text);
}

/* How many subjects hold value, an identifier of kind (the first of them
 * first, when given): -1 on an error. */
static int holders_of(const char *kind, const char *value, const char *first)
{
	struct idlist l = { 0 };
	int rc = subject_find_all(reg, keyring_index_key(secrets), kind, value, &l), n = (int)l.n;

	if (rc == 0 && first)
		CHECK_STR(l.id[0], first);
	idlist_free(&l);
	return rc == 0 || rc == -ENOENT ? n : -1;
}

TEST(test_rectifying_one_holder_of_a_shared_phone_keeps_the_others_found)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char first[CATALOG_HANDLE_MAX] = "", second[CATALOG_HANDLE_MAX] = "", h[CATALOG_HANDLE_MAX];
	size_t n = 0;

	/* A household's line, given in two calls by two people. */
	ingest_contact("sh1", "2026-03-20T10:00:00Z", "+358 40 555 0101", "liisa@koti.example");
	ingest_contact("sh2", "2026-03-21T10:00:00Z", "040 555 0101", "pekka@koti.example");
	CHECK_EQ(subject_find(reg, ik, "email", "liisa@koti.example", first), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "pekka@koti.example", second), 0);
	CHECK(strcmp(first, second) != 0);
	CHECK_EQ(holders_of("phone", "+358405550101", first), 2);
	/* The first holder's number is rectified away: the second is still
	 * found by it, with no reindex. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, first, "phone", "+358 40 555 0202"), 0);
	CHECK_EQ(holders_of("phone", "+358405550101", second), 1);
	CHECK_EQ(holders_of("phone", "+358405550202", first), 1);
	/* The second takes the first's new number: both hold it. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, second, "phone", "0405550202"), 0);
	CHECK_EQ(holders_of("phone", "+358405550202", first), 2);
	CHECK_EQ(holders_of("phone", "+358405550101", NULL), 0);
	/* Reindex rebuilds the same: a holder's entry lost is put back, and
	 * no other holder's is dropped. */
	CHECK_EQ(catalog_drop_index_kind(reg->cat, second, "phone"), 0);
	CHECK_EQ(holders_of("phone", "+358405550202", first), 1);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(holders_of("phone", "+358405550202", first), 2);
	CHECK_EQ(holders_of("phone", "+358405550101", NULL), 0);
	/* Erasing one holder erases its entries alone. */
	CHECK_EQ(rights_erase_subject(reg, &actor, privacy, first), 0);
	CHECK_EQ(holders_of("phone", "+358405550202", second), 1);
	CHECK_EQ(subject_find(reg, ik, "email", "pekka@koti.example", h), 0);
	CHECK_STR(h, second);
	CHECK_EQ(subject_find(reg, ik, "email", "liisa@koti.example", h), -ENOENT);
}

TEST(test_reindex_drops_what_rectifications_replaced_and_indexes_the_cards)
{
	char *id = ingest_one("x2", "2026-03-10T10:01:00Z", "");
	const struct crypto_key *ik = keyring_index_key(secrets);
	char handle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], phone[32], norm[64];
	uint8_t mac[CRYPTO_MAC_BYTES];
	struct keyring *low = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	size_t n = 0;

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("x2"));
	CHECK_EQ(subject_find(reg, ik, "phone", phone, handle), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "phone", "+358 50 765 4321"), 0);
	/* As a rectification before it moved the index left it: the old
	 * value's entry (of no kind) still there, the new one missing. */
	CHECK_EQ(subject_normalise("phone", phone, reg->policy->phone_country_code, norm, sizeof(norm)), 0);
	crypto_blind_index(ik, "phone", norm, mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, handle, NULL), 0);
	CHECK_EQ(catalog_drop_index_kind(reg->cat, handle, "phone"), 0);
	CHECK_EQ(subject_find(reg, ik, "phone", phone, h), 0);
	CHECK_EQ(subject_find(reg, ik, "phone", "+358507654321", h), -ENOENT);
	/* Without the rights level's key: refused, logged, nothing changed. */
	CHECK_EQ(keyring_new(&low), 0);
	CHECK_EQ(keyring_add_level(low, "analysis", keyring_level(secrets, "analysis", pk)), 0);
	CHECK_EQ(keyring_set_index_key(low, ik), 0);
	CHECK_EQ(rights_reindex(reg, low, &actor, &n, NULL), -ENOKEY);
	CHECK_STR(last_of(NULL).action, "subject-reindex");
	CHECK_STR(last_of(NULL).outcome, "refused");
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK(n >= 1);
	CHECK_EQ(subject_find(reg, ik, "phone", phone, h), -ENOENT);
	CHECK_EQ(subject_find(reg, ik, "phone", "+358507654321", h), 0);
	CHECK_STR(h, handle);
	CHECK_STR(last_of(NULL).action, "subject-reindex");
	CHECK_STR(last_of(NULL).outcome, "ok");
	keyring_free(low);
	free(id);
}

/* Whether handle holds the entries of person's whole given name
 * (subject_given_index): 2 both, 0 neither, -1 on an error or when person
 * has no whole given name. */
static int given_indexed(const char *handle, const char *person)
{
	uint8_t g[CRYPTO_MAC_BYTES], m[CRYPTO_MAC_BYTES];
	int a, b;

	if (subject_given_index(keyring_index_key(secrets), person, g, m) != 1)
		return -1;
	a = catalog_index_holds(reg->cat, g, handle);
	b = catalog_index_holds(reg->cat, m, handle);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* Ingest recording file of one customer, person, who gives phone. */
static void ingest_person(const char *file, const char *when, const char *person, const char *phone)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\","
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"%s\", \"phone\": \"%s\"}],"
			       " \"audio\": \"%s.opus\"}",
			       when, person, phone, file);
	struct ingest_result res;

	CHECK_EQ(t_ingest_text(dir, reg, secrets, &actor, file, text, &res), 0);
	free(text);
}

/* A whole given name is in the index beside the name form: a later call's
 * too (the card keeps the first call's "M. Meikäläinen"), which reindex
 * writes from the recordings' details; a rectified name moves it, and a
 * name rectified to an initial leaves none. */
TEST(test_whole_given_names_move_with_rectification_and_reindex_writes_them)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char h[CATALOG_HANDLE_MAX], again[CATALOG_HANDLE_MAX];
	size_t n = 0;

	ingest_person("gv1", "2026-03-22T10:00:00Z", "M. Meikäläinen", "+358 40 555 0303");
	CHECK_EQ(subject_find(reg, ik, "phone", "+358405550303", h), 0);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 0);
	/* the initial's subject takes the first whole name it is given */
	ingest_person("gv2", "2026-03-23T10:00:00Z", "Matti Meikäläinen", "040 555 0303");
	CHECK_EQ(holders_of("phone", "+358405550303", h), 1);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 2);
	CHECK_EQ(given_indexed(h, "Maija Meikäläinen"), 1);	/* the form's mark alone */
	/* as a register from before schema 13 holds it: reindex writes it from
	 * the details of the call that gave it */
	CHECK_EQ(catalog_drop_index_kind(reg->cat, h, "given"), 0);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 0);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 2);
	/* a rectified name moves it: the old whole name goes, the new comes */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "name", "Maija Meikäläinen"), 0);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 1);
	CHECK_EQ(given_indexed(h, "Maija Meikäläinen"), 2);
	CHECK_EQ(name_indexed(h, "m meikalainen"), 1);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(given_indexed(h, "Matti Meikäläinen"), 1);
	CHECK_EQ(given_indexed(h, "Maija Meikäläinen"), 2);
	/* and the subject is told from a Matti on its line now */
	ingest_person("gv3", "2026-03-24T10:00:00Z", "Matti Meikäläinen", "+358 40 555 0303");
	CHECK_EQ(holders_of("phone", "+358405550303", h), 2);
	/* rectified to an initial: no whole name is left, after reindex too */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "name", "M. Meikäläinen"), 0);
	CHECK_EQ(given_indexed(h, "Maija Meikäläinen"), 0);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(given_indexed(h, "Maija Meikäläinen"), 0);
	CHECK_EQ(subject_find(reg, ik, "phone", "+358405550303", again), 0);
	CHECK_STR(again, h);
	/* cleared, or cut to one word: the name tells no one apart, and the
	 * entries of the form stay (atk12), so the next caller of the line
	 * is not taken as a subject given no name yet */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "name", ""), 0);
	CHECK_EQ(name_indexed(h, "m meikalainen"), 1);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "name", "Maija"), 0);
	CHECK_EQ(name_indexed(h, "m meikalainen"), 1);
	ingest_person("gv4", "2026-03-25T10:00:00Z", "Carl Nyberg", "+358 40 555 0303");
	CHECK_EQ(holders_of("phone", "+358405550303", h), 3);
}

/* One call of person on the household line hh_phone with booking
 * hh_ref; its id. */
static const char *hh_phone = "+34 912 000 111", *hh_ref = "BK-7001";

static char *household_call(const char *file, const char *when, const char *person)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\", \"purpose\": \"service-level\","
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"%s\", \"phone\": \"%s\","
			       " \"ref\": \"%s\"}], \"audio\": \"%s.opus\"}", when, person, hh_phone, hh_ref, file);
	struct ingest_result res;
	char *id = NULL;

	CHECK_EQ(t_ingest_text(dir, reg, secrets, &actor, file, text, &res), 0);
	if (res.recording[0])
		id = xstrdup(res.recording);
	free(text);
	return id;
}

/* The one subject linked to recording, into h ("" when not one). */
static void subject_of(const char *recording, char h[CATALOG_HANDLE_MAX])
{
	struct idlist l = { 0 };
	char *sql = xasprintf("SELECT count(*) FROM link WHERE recording = '%s'", recording);

	h[0] = '\0';
	if (t_count(reg, sql) == 1) {
		struct idlist recs = { 0 };

		/* by the phone's holders: the one this recording is linked to */
		if (subject_find_all(reg, keyring_index_key(secrets), "phone", hh_phone, &l) == 0)
			for (size_t i = 0; i < l.n && !h[0]; i++) {
				idlist_free(&recs);
				if (catalog_subject_recordings(reg->cat, l.id[i], &recs) == 0)
					for (size_t k = 0; k < recs.n; k++)
						if (!strcmp(recs.id[k], recording))
							snprintf(h, CATALOG_HANDLE_MAX, "%s", l.id[i]);
			}
		idlist_free(&recs);
	}
	idlist_free(&l);
	free(sql);
}

static int links_of(const char *handle)
{
	char *sql = xasprintf("SELECT count(*) FROM link WHERE handle = '%s'", handle);
	int n = t_count(reg, sql);

	free(sql);
	return n;
}

/* rights_split_subject: a son and his father on one line and booking, taken for one
 * person, split; each refusal says so, is logged and changes nothing; the
 * two are told apart on later calls, after a rectification of a name too. */
TEST(test_split_moves_another_persons_calls_to_a_new_subject_and_tells_the_two_apart)
{
	char *l1 = household_call("spl1", "2026-04-01T10:00:00Z", "José Luis Martínez Soto");
	char *m1 = household_call("spl2", "2026-04-02T10:00:00Z", "José Martínez Soto");
	char *l2 = household_call("spl3", "2026-04-03T10:00:00Z", "José Luis Martínez Soto");
	char *m2 = NULL, *l3 = NULL, *m3 = NULL, *other = NULL;
	char h[CATALOG_HANDLE_MAX], x[CATALOG_HANDLE_MAX], *sql = NULL;
	const char *all[3], *one[1], *bad[1];
	struct rights_split res = { 0 };
	struct t_entry e;
	int subjects;

	CHECK(l1 && m1 && l2);
	if (!l1 || !m1 || !l2)
		goto out;
	subject_of(l1, h);
	subject_of(m1, x);
	CHECK_STR(x, h);	/* the mistake */
	CHECK_EQ(links_of(h), 3);
	other = ingest_one("spl-other", "2026-04-04T10:00:00Z", "");
	all[0] = l1, all[1] = m1, all[2] = l2;
	one[0] = m1;
	bad[0] = other;
	subjects = t_count(reg, "SELECT count(*) FROM subject");
	/* refusals */
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, analysis, h, one, 1, NULL, NULL, 0, &res), -EPERM);
	e = last_of(h);
	CHECK_STR(e.action, "split-subject");
	CHECK_STR(e.outcome, "refused");
	CHECK_EQ(rights_split_subject(reg, NULL, &actor, privacy, h, one, 1, NULL, NULL, 0, &res), -ENOKEY);
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, bad, 1, NULL, NULL, 0, &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "not linked") != NULL);
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, all, 3, NULL, NULL, 0, &res), -EINVAL);
	CHECK(strstr(meta_errmsg(), "nothing would be left") != NULL);
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, one, 0, NULL, NULL, 0, &res), -EINVAL);
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, "S-ZZZZZZ", one, 1, NULL, NULL, 0, &res), -ENOENT);
	CHECK(strstr(meta_errmsg(), "no subject S-ZZZZZZ") != NULL);
	e = last_of("S-ZZZZZZ");
	CHECK_STR(e.outcome, "refused");
	/* a name typed for the handle: refused, logged without it */
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, "Aino Äijälä", one, 1, NULL, NULL, 0, &res), -ENOENT);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused'"
			      " AND (object IS NULL OR object = '-') AND reason LIKE 'no subject by that handle (not a handle%'"),
		 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE instr(coalesce(object, '') || coalesce(reason, ''),"
			      " 'Äijälä') > 0"),
		 0);
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, one, 1, "José\nManuel", NULL, 0, &res), -EINVAL);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused'"), 8);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM subject"), subjects);
	CHECK_EQ(links_of(h), 3);
	/* the split */
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, one, 1, NULL, NULL, 0, &res), 0);
	CHECK_EQ(res.moved, 1);
	CHECK_EQ(res.card_named, 0);
	CHECK(strcmp(res.handle, h) != 0 && !strncmp(res.handle, "S-", 2));
	CHECK_EQ(links_of(h), 2);
	CHECK_EQ(links_of(res.handle), 1);
	subject_of(m1, x);
	CHECK_STR(x, res.handle);
	CHECK_EQ(holders_of("phone", "+34912000111", h), 2);
	CHECK_EQ(holders_of("ref", "BK-7001", h), 2);
	/* the new card: the call's name, the line and the booking */
	{
		char *json = NULL;
		size_t len = 0;

		CHECK_EQ(subject_read_card(reg, secrets, NULL, res.handle, &json, &len), 0);
		CHECK(json && strstr(json, "\"name\":\"José Martínez Soto\"") != NULL);
		CHECK(json && strstr(json, "\"phone\":\"+34 912 000 111\"") != NULL);
		CHECK(json && strstr(json, "\"ref\":\"BK-7001\"") != NULL);
		crypto_freezero(json, len);
	}
	e = last_of(h);
	CHECK_STR(e.action, "split-subject");
	CHECK_STR(e.outcome, "ok");
	sql = xasprintf("into=%s recordings=1 restricted=0", res.handle);
	CHECK(strstr(e.reason, sql) != NULL);
	/* later calls go to each one's own subject */
	m2 = household_call("spl4", "2026-04-05T10:00:00Z", "José Martínez Soto");
	l3 = household_call("spl5", "2026-04-06T10:00:00Z", "José Luis Martínez Soto");
	CHECK(m2 && l3);
	if (!m2 || !l3)
		goto out;
	subject_of(m2, x);
	CHECK_STR(x, res.handle);
	subject_of(l3, x);
	CHECK_STR(x, h);
	/* a rectified name tells its subject apart still */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "name", "José Lucas Martínez Soto"), 0);
	m3 = household_call("spl6", "2026-04-07T10:00:00Z", "José Martínez Soto");
	CHECK(m3 != NULL);
	if (m3) {
		subject_of(m3, x);
		CHECK_STR(x, res.handle);
	}
out:
	free(sql);
	free(l1);
	free(m1);
	free(l2);
	free(m2);
	free(l3);
	free(m3);
	free(other);
}

/* The card was made by the call split off (the father called first): the
 * split says so, and his name is not the old subject's in the index. */
TEST(test_split_of_the_call_that_made_the_card_says_to_rectify_it)
{
	char *m1, *l1, *l2, *m2 = NULL, *l3 = NULL;
	char h[CATALOG_HANDLE_MAX], x[CATALOG_HANDLE_MAX];
	const char *one[1];
	struct rights_split res = { 0 };

	hh_phone = "+34 913 000 222";
	hh_ref = "BK-8002";
	m1 = household_call("spc1", "2026-04-11T10:00:00Z", "José Martínez Soto");
	l1 = household_call("spc2", "2026-04-12T10:00:00Z", "José Luis Martínez Soto");
	l2 = household_call("spc3", "2026-04-13T10:00:00Z", "José Luis Martínez Soto");
	CHECK(m1 && l1 && l2);
	if (!m1 || !l1 || !l2)
		goto out;
	subject_of(l1, h);
	subject_of(m1, x);
	CHECK_STR(x, h);
	one[0] = m1;
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, h, one, 1, "José Martínez Soto", NULL, 0, &res), 0);
	CHECK_EQ(res.card_named, 1);
	m2 = household_call("spc4", "2026-04-14T10:00:00Z", "José Martínez Soto");
	l3 = household_call("spc5", "2026-04-15T10:00:00Z", "José Luis Martínez Soto");
	CHECK(m2 && l3);
	if (m2 && l3) {
		subject_of(m2, x);
		CHECK_STR(x, res.handle);
		subject_of(l3, x);
		CHECK_STR(x, h);
	}
out:
	hh_phone = "+34 912 000 111";
	hh_ref = "BK-7001";
	free(m1);
	free(l1);
	free(l2);
	free(m2);
	free(l3);
}

/* A name's entries an older rule wrote go with reindex: "Mme Morel" was
 * "m morel" before schema 16, the form of her husband's "M. Morel", which
 * joined his later calls to her subject; reindex writes "mrs morel" from
 * her card and calls, and drops "m morel". */
TEST(test_reindex_drops_the_name_forms_of_an_older_rule)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char h[CATALOG_HANDLE_MAX];
	uint8_t mac[CRYPTO_MAC_BYTES];
	size_t n = 0;

	ingest_person("mo1", "2026-03-26T10:00:00Z", "Mme Morel", "+358 40 555 0404");
	CHECK_EQ(subject_find(reg, ik, "phone", "+358405550404", h), 0);
	CHECK_EQ(name_indexed(h, "mrs morel"), 1);
	CHECK_EQ(name_indexed(h, "m morel"), 0);
	/* as schema 15 left it */
	crypto_blind_index(ik, "name", "m morel", mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, h, "name"), 0);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(name_indexed(h, "m morel"), 0);
	CHECK_EQ(name_indexed(h, "mrs morel"), 1);
	/* so her husband's call is his own subject */
	ingest_person("mo2", "2026-03-27T10:00:00Z", "M. Morel", "+358 40 555 0404");
	CHECK_EQ(holders_of("phone", "+358405550404", h), 2);
}

/* Reindex writes the name forms of today's rule for Dutch names too
 * (bb8): "Mw. F. el Amrani" was "m amrani" before schema 18, the initial
 * of "Mw."; reindex writes "f amrani" from her call and drops "m amrani",
 * so her later "Fatima el Amrani" is found on her number. */
TEST(test_reindex_writes_the_dutch_name_forms_of_today)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char h[CATALOG_HANDLE_MAX];
	uint8_t mac[CRYPTO_MAC_BYTES];
	size_t n = 0;

	ingest_person("nl1", "2026-03-28T10:00:00Z", "Mw. F. el Amrani", "+358 40 555 0505");
	CHECK_EQ(subject_find(reg, ik, "phone", "+358405550505", h), 0);
	CHECK_EQ(name_indexed(h, "f amrani"), 1);
	/* as schema 17 left it */
	CHECK_EQ(catalog_drop_index_kind(reg->cat, h, "name"), 0);
	crypto_blind_index(ik, "name", "m amrani", mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, h, "name"), 0);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(name_indexed(h, "m amrani"), 0);
	CHECK_EQ(name_indexed(h, "f amrani"), 1);
	ingest_person("nl2", "2026-03-29T10:00:00Z", "Fatima el Amrani", "+358 40 555 0505");
	CHECK_EQ(holders_of("phone", "+358405550505", h), 1);
}

/* 1 when the subject's card (as the rights level) holds text. */
static int card_has(const char *handle, const char *text)
{
	char *json = NULL;
	size_t len = 0;
	int has = 0;

	if (subject_read_card(reg, secrets, NULL, handle, &json, &len) == 0)
		has = memmem(json, len, text, strlen(text)) != NULL;
	free(json);
	return has;
}

/* Ingest recording name of one customer who gives an e-mail and a reference. */
static void ingest_ref(const char *name, const char *when, const char *email, const char *ref)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\","
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"%s\", \"email\": \"%s\","
			       " \"ref\": \"%s\"}], \"audio\": \"%s.opus\"}",
			       when, name, email, ref, name);
	struct ingest_result res;

	CHECK_EQ(t_ingest_text(dir, reg, secrets, &actor, name, text, &res), 0);
	free(text);
}

TEST(test_rectifying_a_reference_moves_it_in_the_blind_index_and_shares_it)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char first[CATALOG_HANDLE_MAX] = "", second[CATALOG_HANDLE_MAX] = "", *json = NULL, *sealed, norm[64];
	uint8_t mac[CRYPTO_MAC_BYTES];
	struct keyring *old = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	struct t_entry l;
	size_t len = 0, n = 0;

	ingest_ref("rf1", "2026-03-22T10:01:00Z", "aino@yritys.example", "CRM-100");
	ingest_ref("rf2", "2026-03-23T10:01:00Z", "eero@yritys.example", "CRM-200");
	CHECK_EQ(subject_find(reg, ik, "email", "aino@yritys.example", first), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "eero@yritys.example", second), 0);
	CHECK(strcmp(first, second) != 0);
	CHECK_EQ(holders_of("ref", "crm-100", first), 1);
	/* Below the rights level, and without the index key: refused, logged. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, analysis, first, "ref", "CRM-101"), -EPERM);
	CHECK_STR(last_of(first).outcome, "refused");
	CHECK_EQ(keyring_new(&old), 0);
	CHECK_EQ(keyring_add_level(old, "privacy", keyring_level(secrets, "privacy", pk)), 0);
	CHECK_EQ(rights_rectify(reg, old, &actor, privacy, first, "ref", "CRM-101"), -ENOKEY);
	CHECK_STR(last_of(first).outcome, "refused");
	CHECK(card_has(first, "CRM-100"));
	/* Rectified: the card, the index (old out, new in), the sealed history. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, first, "ref", " CRM-101 "), 0);
	CHECK(card_has(first, "CRM-101") && !card_has(first, "CRM-100"));
	CHECK_EQ(holders_of("ref", "CRM-101", first), 1);
	CHECK_EQ(holders_of("ref", "CRM-100", NULL), 0);
	l = last_of(first);
	CHECK_STR(l.action, "rectify");
	CHECK(strstr(l.reason, "field=ref") && !strstr(l.reason, "CRM"));
	sealed = strstr(l.reason, "sealed=");
	CHECK(sealed != NULL);
	if (sealed) {
		CHECK_EQ(seal_read_record(reg, secrets, "privacy", sealed + strlen("sealed="), &json, &len), 0);
		CHECK(json && memmem(json, len, "CRM-100", 7) && memmem(json, len, "CRM-101", 7));
		free(json);
	}
	/* A reference may be shared (a company's customer number), as at
	 * ingest: another subject's is taken, and both hold it. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, first, "ref", "crm-200"), 0);
	CHECK_EQ(holders_of("ref", "CRM-200", NULL), 2);
	CHECK_EQ(holders_of("ref", "CRM-101", NULL), 0);
	/* Emptied: the card keeps none, the index no entry of it. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, second, "ref", ""), 0);
	CHECK_EQ(holders_of("ref", "CRM-200", first), 1);
	/* Reindex drops what the histories rectified away (here an entry of
	 * the old reference as a rectification that did not move the index
	 * left it) and keeps the rest. */
	CHECK_EQ(subject_normalise("ref", "CRM-100", NULL, norm, sizeof(norm)), 0);
	crypto_blind_index(ik, "ref", norm, mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, first, NULL), 0);
	CHECK_EQ(holders_of("ref", "CRM-100", first), 1);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(holders_of("ref", "CRM-100", NULL), 0);
	CHECK_EQ(holders_of("ref", "CRM-101", NULL), 0);
	CHECK_EQ(holders_of("ref", "CRM-200", first), 1);
	keyring_free(old);
}

/*
 * A rectified reference is found however it is written (bb7 F8), and one
 * of separators alone is none: refused, as a phone number without a digit.
 * A card's reference indexed with its separators (before catalog schema
 * 18) is found by that written form, by the others once reindexed, and
 * reindex drops its old entry.
 */
TEST(test_rectify_and_reindex_read_a_reference_without_its_separators)
{
	const struct crypto_key *ik = keyring_index_key(secrets);
	char h1[CATALOG_HANDLE_MAX] = "", norm[64], *sql;
	uint8_t mac[CRYPTO_MAC_BYTES];

	ingest_ref("rs1", "2026-03-24T10:01:00Z", "saga@yritys.example", "CRM-300");
	CHECK_EQ(subject_find(reg, ik, "email", "saga@yritys.example", h1), 0);
	CHECK_EQ(holders_of("ref", "crm 300", h1), 1);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h1, "ref", "19121212-1212"), 0);
	CHECK_EQ(holders_of("ref", "191212121212", h1), 1);
	CHECK_EQ(holders_of("ref", "19121212 1212", h1), 1);
	CHECK_EQ(holders_of("ref", "CRM300", NULL), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h1, "ref", "- / -"), -EINVAL);
	CHECK_STR(last_of(h1).outcome, "refused");
	CHECK_STR(last_of(h1).reason, "not a reference (no letter or digit, only separators)");
	CHECK(card_has(h1, "19121212-1212"));
	CHECK_EQ(holders_of("ref", "191212121212", h1), 1);
	/* as a register before schema 18 indexed it */
	CHECK_EQ(catalog_drop_index_kind(reg->cat, h1, "ref"), 0);
	CHECK_EQ(subject_normalise_before("ref", "19121212-1212", NULL, 1, norm, sizeof(norm)), 0);
	crypto_blind_index(ik, "ref", norm, mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, h1, "ref"), 0);
	CHECK_EQ(holders_of("ref", " 19121212-1212", h1), 1);
	CHECK_EQ(holders_of("ref", "191212121212", NULL), 0);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, NULL, NULL), 0);
	CHECK_EQ(holders_of("ref", "191212121212", h1), 1);
	CHECK_EQ(holders_of("ref", "19121212-1212", h1), 1);
	sql = xasprintf("SELECT count(*) FROM subject_index WHERE handle = '%s' AND kind = 'ref'", h1);
	CHECK_EQ(t_count(reg, sql), 1);
	free(sql);
}

TEST(test_rectify_refuses_a_phone_or_email_that_is_none_and_keeps_the_card)
{
	char *id = ingest_one("x5", "2026-03-11T10:01:00Z", "");
	const struct crypto_key *ik = keyring_index_key(secrets);
	char handle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], phone[32];

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("x5"));
	CHECK_EQ(subject_find(reg, ik, "phone", phone, handle), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "Vanha@Example.org"), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "phone", "abc"), -EINVAL);
	CHECK_STR(last_of(handle).action, "rectify");
	CHECK_STR(last_of(handle).outcome, "refused");
	CHECK_STR(last_of(handle).reason, "not a phone number (no digit)");
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "not an email"), -EINVAL);
	CHECK_STR(last_of(handle).outcome, "refused");
	CHECK_STR(last_of(handle).reason, "not an e-mail address (one '@' with text on both sides)");
	/* The card and the index are as they were. */
	CHECK_EQ(subject_find(reg, ik, "phone", phone, h), 0);
	CHECK_STR(h, handle);
	CHECK_EQ(subject_find(reg, ik, "email", "vanha@example.org", h), 0);
	CHECK_STR(h, handle);
	CHECK(card_has(handle, "Vanha@Example.org"));
	CHECK(!card_has(handle, "abc"));
	CHECK(!card_has(handle, "not an email"));
	free(id);
}

/* A rectified e-mail is found however its letters are cased. */
TEST(test_rectify_indexes_a_non_ascii_email_by_its_folded_case)
{
	char *id = ingest_one("x6", "2026-03-12T10:00:00Z", "");
	const struct crypto_key *ik = keyring_index_key(secrets);
	char handle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], phone[32];

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("x6"));
	CHECK_EQ(subject_find(reg, ik, "phone", phone, handle), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "\u00dclla.\u00d6@Esimerkki.fi"), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "\u00fclla.\u00f6@esimerkki.fi", h), 0);
	CHECK_STR(h, handle);
	CHECK_EQ(subject_find(reg, ik, "email", "\u00dcLLA.\u00d6@ESIMERKKI.FI", h), 0);
	CHECK_STR(h, handle);
	free(id);
}

/* An entry the ASCII-only rule wrote for a non-ASCII e-mail goes at a
 * reindex, and the folded one comes. */
TEST(test_reindex_replaces_entries_of_the_rule_before_unicode_folding)
{
	char *id = ingest_one("x7", "2026-03-13T10:00:00Z", "");
	const struct crypto_key *ik = keyring_index_key(secrets);
	char handle[CATALOG_HANDLE_MAX], h[CATALOG_HANDLE_MAX], phone[32], norm[64];
	uint8_t mac[CRYPTO_MAC_BYTES];
	char *sql;

	if (!id)
		return;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("x7"));
	CHECK_EQ(subject_find(reg, ik, "phone", phone, handle), 0);
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, handle, "email", "\u00d6YSTIL\u00c4@KYL\u00c4.FI"), 0);
	/* As an older recfs indexed it: "\u00d6ystil\u00c4@kyl\u00c4.fi". */
	CHECK_EQ(catalog_drop_index_kind(reg->cat, handle, "email"), 0);
	CHECK_EQ(subject_normalise_v1("email", "\u00d6YSTIL\u00c4@KYL\u00c4.FI", norm, sizeof(norm)), 0);
	crypto_blind_index(ik, "email", norm, mac);
	CHECK_EQ(catalog_put_index(reg->cat, mac, handle, "email"), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "\u00f6ystil\u00e4@kyl\u00e4.fi", h), -ENOENT);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, NULL, NULL), 0);
	CHECK_EQ(subject_find(reg, ik, "email", "\u00f6ystil\u00e4@kyl\u00e4.fi", h), 0);
	CHECK_STR(h, handle);
	sql = xasprintf("SELECT count(*) FROM subject_index WHERE handle = '%s' AND kind = 'email'", handle);
	CHECK_EQ(t_count(reg, sql), 1);
	free(sql);
	free(id);
}

/* Ingest recording name of one customer who gives a phone number, an
 * e-mail and (when not NULL) a reference: its id (malloc'd) or NULL. */
static char *ingest_given(const char *name, const char *when, const char *email, const char *ref)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\","
			       " \"subjects\": [{\"role\": \"customer\", \"name\": \"Jaana Virhe\","
			       " \"phone\": \"+358 40 555 0909\"%s%s%s%s%s%s}], \"audio\": \"%s.opus\"}",
			       when, email ? ", \"email\": \"" : "", email ? email : "", email ? "\"" : "",
			       ref ? ", \"ref\": \"" : "", ref ? ref : "", ref ? "\"" : "", name);
	struct ingest_result res;
	char *id = NULL;

	CHECK_EQ(t_ingest_text(dir, reg, secrets, &actor, name, text, &res), 0);
	if (!res.duplicate)
		id = xstrdup(res.recording);
	free(text);
	return id;
}

/* 1 when the details of recording id (as the rights level) hold text. */
static int details_have(const char *id, const char *text)
{
	int rc, has;
	char *json = details_as(id, "privacy", &rc);

	has = rc == 0 && json && strstr(json, text) != NULL;
	free(json);
	return has;
}

TEST(test_rectifying_a_value_a_later_call_gave_rewrites_its_details_and_moves_its_entry)
{
	char *a = ingest_given("gv1", "2026-03-30T10:00:00Z", NULL, NULL);
	char *b = ingest_given("gv2", "2026-03-31T10:00:00Z", "vieras@toinen.example", "VIERAS-1");
	char h[CATALOG_HANDLE_MAX] = "", *json = NULL, *sealed;
	struct keyring *noindex = NULL, *low = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	struct t_entry l;
	size_t n = 9, len = 0;

	if (!a || !b)
		goto out;
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358405550909", h), 0);
	/* The later call's e-mail and reference are the subject's in the
	 * index and its details: someone else's, typed by the recorder. */
	CHECK_EQ(holders_of("email", "vieras@toinen.example", h), 1);
	CHECK_EQ(holders_of("ref", "VIERAS-1", h), 1);
	CHECK(details_have(b, "vieras@toinen.example") && details_have(b, "VIERAS-1"));
	CHECK(!card_has(h, "vieras") && !card_has(h, "VIERAS"));

	/* Refusals: each logged, nothing changed. */
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, analysis, h, "email", "vieras@toinen.example",
				      "jaana@koti.example", &n), -EPERM);
	CHECK_EQ(n, 0);
	CHECK_STR(last_of(h).action, "rectify");
	CHECK_STR(last_of(h).outcome, "refused");
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "name", "Jaana Virhe", "Jaana Oikea", NULL),
		 -ENOTSUP);
	CHECK_STR(last_of(h).outcome, "refused");
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "organisation", "x", "y", NULL), -ENOTSUP);
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "email", "vieras@toinen.example",
				      "not an e-mail", NULL), -EINVAL);
	CHECK_STR(last_of(h).outcome, "refused");
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "email", "", "jaana@koti.example", NULL),
		 -EINVAL);
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "email", "nobody@toinen.example",
				      "jaana@koti.example", NULL), -ENOENT);
	l = last_of(h);
	CHECK_STR(l.outcome, "refused");
	CHECK(!strstr(l.reason, "nobody") && !strstr(l.reason, "jaana"));
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, "S-NOSUCH", "email", "vieras@toinen.example",
				      "jaana@koti.example", NULL), -ENOENT);
	/* A rights keyring without the index key; a keyring of the index
	 * key and a level below the rights level's. */
	CHECK_EQ(keyring_new(&noindex), 0);
	CHECK_EQ(keyring_add_level(noindex, "privacy", keyring_level(secrets, "privacy", pk)), 0);
	CHECK_EQ(rights_rectify_given(reg, noindex, &actor, privacy, h, "email", "vieras@toinen.example",
				      "jaana@koti.example", NULL), -ENOKEY);
	CHECK_STR(last_of(h).outcome, "refused");
	CHECK_EQ(keyring_new(&low), 0);
	CHECK_EQ(keyring_add_level(low, "analysis", keyring_level(secrets, "analysis", pk)), 0);
	CHECK_EQ(keyring_set_index_key(low, keyring_index_key(secrets)), 0);
	CHECK_EQ(rights_rectify_given(reg, low, &actor, privacy, h, "email", "vieras@toinen.example",
				      "jaana@koti.example", NULL), -ENOKEY);
	CHECK_EQ(holders_of("email", "vieras@toinen.example", h), 1);
	CHECK(details_have(b, "vieras@toinen.example"));

	/* Corrected (compared as the index compares: case aside): the later
	 * call gives the new value, the index finds the subject by it and not
	 * by the old, the card is left as it is (it holds no e-mail). */
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "email", "VIERAS@Toinen.example",
				      "jaana.uusi@koti.example", &n), 0);
	CHECK_EQ(n, 1);
	CHECK(!details_have(b, "vieras@toinen.example") && details_have(b, "jaana.uusi@koti.example"));
	CHECK_EQ(holders_of("email", "vieras@toinen.example", NULL), 0);
	CHECK_EQ(holders_of("email", "jaana.uusi@koti.example", h), 1);
	CHECK(!card_has(h, "jaana.uusi"));
	/* Logged as a rectification, no value in it; both sealed. */
	l = last_of(h);
	CHECK_STR(l.action, "rectify");
	CHECK_STR(l.outcome, "ok");
	CHECK(strstr(l.reason, "field=email") && strstr(l.reason, "given=1") && !strstr(l.reason, "@"));
	sealed = strstr(l.reason, "sealed=");
	CHECK(sealed != NULL);
	if (sealed) {
		CHECK_EQ(seal_read_record(reg, secrets, "privacy", sealed + strlen("sealed="), &json, &len), 0);
		CHECK(json && memmem(json, len, "VIERAS@Toinen.example", 21) && memmem(json, len, "jaana.uusi", 10));
		free(json);
	}

	/* Cleared: the call gives no reference, the index holds none of it. */
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "ref", "vieras 1", "", &n), 0);
	CHECK_EQ(n, 1);
	CHECK(!details_have(b, "VIERAS") && !details_have(b, "\"ref\""));
	CHECK_EQ(holders_of("ref", "VIERAS-1", NULL), 0);
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "ref", "VIERAS-1", "", NULL), -ENOENT);

	/* A value the card gives too keeps its entry: the card takes the
	 * e-mail, which the call's is then corrected away from; the card
	 * still finds the subject by it.  A reindex keeps the card's and the
	 * calls' and brings back none of what was rectified away. */
	CHECK_EQ(rights_rectify(reg, secrets, &actor, privacy, h, "email", "jaana.uusi@koti.example"), 0);
	CHECK_EQ(rights_rectify_given(reg, secrets, &actor, privacy, h, "email", "jaana.uusi@koti.example",
				      "jaana@koti.example", &n), 0);
	CHECK_EQ(n, 1);
	CHECK(!details_have(b, "jaana.uusi") && details_have(b, "jaana@koti.example"));
	CHECK(card_has(h, "jaana.uusi@koti.example"));
	CHECK_EQ(holders_of("email", "jaana.uusi@koti.example", h), 1);
	CHECK_EQ(holders_of("email", "jaana@koti.example", h), 1);
	CHECK_EQ(rights_reindex(reg, secrets, &actor, &n, NULL), 0);
	CHECK_EQ(holders_of("email", "jaana.uusi@koti.example", h), 1);
	CHECK_EQ(holders_of("email", "jaana@koti.example", h), 1);
	CHECK_EQ(holders_of("email", "vieras@toinen.example", NULL), 0);
	CHECK_EQ(holders_of("ref", "VIERAS-1", NULL), 0);
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &(struct audit_report){ 0 }), 0);
out:
	keyring_free(noindex);
	keyring_free(low);
	free(a);
	free(b);
}

static int64_t restricted_since(const char *id)
{
	struct cat_recording rec;
	int64_t since = -1;

	if (catalog_get_recording(reg->cat, id, &rec) == 0) {
		since = rec.restricted_since;
		cat_recording_clear(&rec);
	}
	return since;
}

/* id's restricted_by_objection, -1 when it is gone. */
static int by_objection(const char *id)
{
	struct cat_recording rec;
	int mark = -1;

	if (catalog_get_recording(reg->cat, id, &rec) == 0) {
		mark = rec.restricted_by_objection;
		cat_recording_clear(&rec);
	}
	return mark;
}

TEST(test_an_objection_restricts_its_purpose_now_and_at_ingest_and_keeps_the_subject)
{
	static const char sl[] = "\"purpose\": \"service-level\",";
	const char *const objected[] = { "service-level" }, *const consent[] = { "consent" };
	char *a = ingest_one("obj1", "2026-03-10T10:02:00Z", sl), *b = ingest_one("obj1", "2026-03-10T11:01:00Z", "");
	char *c = NULL, *sql = NULL, handle[CATALOG_HANDLE_MAX], phone[32], card[RECFS_ID_HEX];
	size_t n = 99;

	if (!a || !b)
		goto out;
	snprintf(phone, sizeof(phone), "+35840%u", t_phone_of("obj1"));
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", phone, handle), 0);
	CHECK_EQ(rights_object(reg, &actor, analysis, handle, objected, 1, &n, NULL), -EPERM);
	CHECK_EQ(rights_object(reg, &actor, privacy, handle, consent, 1, &n, NULL), -EINVAL);
	CHECK_STR(last_of(handle).outcome, "refused");
	CHECK_EQ(restricted_since(a), 0);
	CHECK_EQ(rights_object(reg, &actor, privacy, handle, objected, 1, &n, NULL), 0);
	CHECK_EQ(n, 1);
	CHECK(restricted_since(a) > 0);
	CHECK_EQ(by_objection(a), 1);
	CHECK_EQ(restricted_since(b), 0);	/* quality, on contract */
	CHECK_EQ(by_objection(b), 0);
	sql = xasprintf("SELECT count(*) FROM seal WHERE level <> 'privacy' AND object IN"
			" (SELECT id FROM artifact WHERE recording = '%s')", a);
	CHECK_EQ(t_count(reg, sql), 0);
	CHECK_STR(last_of(handle).reason, "purposes=service-level new=1 restricted=1");
	/* The same person's next call under that purpose arrives restricted. */
	c = ingest_one("obj1", "2026-03-11T10:02:00Z", sl);
	if (!c)
		goto out;
	CHECK(restricted_since(c) > 0);
	CHECK_EQ(by_objection(c), 1);
	CHECK_STR(last_of(c).action, "restrict");
	CHECK(strstr(last_of(c).reason, "objection=S-") != NULL);
	/* The officer's restriction wins: the mark goes, and stays gone
	 * when the objection restricts again after a lift. */
	CHECK_EQ(rights_restrict(reg, &actor, privacy, c, "legal claim"), 0);
	CHECK_EQ(by_objection(c), 0);
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, a), 0);
	CHECK_EQ(by_objection(a), 0);
	CHECK_EQ(rights_object(reg, &actor, privacy, handle, objected, 1, &n, NULL), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(by_objection(a), 1);
	CHECK_EQ(by_objection(c), 0);
	/* While it stands, the subject outlives its last recording. */
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, a, "rm"), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, b, "rm"), 0);
	CHECK_EQ(rights_erase_recording(reg, &actor, privacy, c, "rm"), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), 0);
	CHECK_EQ(rights_lift_objection(reg, &actor, privacy, handle, "service-level", &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(rights_lift_objection(reg, &actor, privacy, handle, "service-level", &n), -ENOENT);
	CHECK_EQ(rights_erase_unlinked_subjects(reg, &actor, privacy, "no recording left", &n), 0);
	CHECK_EQ(catalog_get_subject(reg->cat, handle, card), -ENOENT);
out:
	free(sql);
	free(a);
	free(b);
	free(c);
}

static int first_link(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	snprintf(ctx, CATALOG_HANDLE_MAX, "%s", handle);
	return 1;
}

/* Write the details of recording id as a recfs before merge and split
 * rewrote them did: naming handle where they name now. */
static int details_name_again(const char *id, const char *now, const char *handle)
{
	struct cat_recording rec;
	char *json = NULL, *was = xasprintf("\"handle\":\"%s\"", now), *p;
	size_t len = 0;
	int rc = catalog_get_recording(reg->cat, id, &rec);

	if (rc == 0)
		rc = seal_read_record(reg, secrets, "privacy", rec.details_id, &json, &len);
	if (rc == 0 && !(p = strstr(json, was)))
		rc = -ENOENT;
	if (rc == 0) {
		memcpy(p + strlen("\"handle\":\""), handle, strlen(handle));	/* same length: S-XXXXXX */
		rc = seal_write_record(reg, rec.details_id, json, len, seal_level_of(reg->policy, &rec, SEAL_DETAILS));
	}
	crypto_freezero(json, len);
	cat_recording_clear(&rec);
	free(was);
	return rc;
}

/* A subject's export holds only the recordings whose sealed details name
 * it and are their own; the log's merges and splits, which root can append
 * to, do not stand in for them (audit_handles_before tells fsck of details
 * an older recfs left naming the handle a merge took the recording from);
 * a link added by hand, a recording pointed at another's details, or
 * another recording's file moved under it, is refused. */
TEST(test_export_takes_a_recording_its_own_details_tie_to_the_subject)
{
	char *a = ingest_named("xl1", "2026-05-01T10:00:00Z", "+358401110031", "Eeva Ensimmäinen");
	char *b = ingest_named("xl2", "2026-05-02T10:00:00Z", "+358401110032", "Toivo Toinen");
	char *c = ingest_named("xl3", "2026-05-03T10:00:00Z", "+358401110033", "Kalle Kolmas");
	char ha[CATALOG_HANDLE_MAX] = "", hb[CATALOG_HANDLE_MAX] = "", hc[CATALOG_HANDLE_MAX] = "";
	char *o = xasprintf("%s/xl-out", dir), *sql = NULL;
	struct export_result res = { 0 };
	struct rights_split sp = { 0 };
	struct idlist before = { 0 };
	const char *one[1];
	size_t n;

	CHECK(a && b && c);
	if (!a || !b || !c)
		goto out;
	CHECK_EQ(catalog_each_link(reg->cat, a, first_link, ha), 1);
	CHECK_EQ(catalog_each_link(reg->cat, b, first_link, hb), 1);
	CHECK_EQ(catalog_each_link(reg->cat, c, first_link, hc), 1);
	/* b's person is a's: merged, and b's details left naming b's old
	 * handle, as an older recfs left them */
	CHECK_EQ(rights_merge_subjects(reg, secrets, &actor, privacy, ha, hb, &n, NULL), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, ha, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 2);
	free(res.dir);
	util_remove_tree(o);
	CHECK_EQ(details_name_again(b, ha, hb), 0);
	CHECK_EQ(audit_handles_before(reg->cat, b, ha, &before), 0);
	CHECK(idlist_has(&before, 0, ha) && idlist_has(&before, 0, hb));
	CHECK(!idlist_has(&before, 0, hc));
	idlist_free(&before);
	memset(&res, 0, sizeof(res));
	CHECK_EQ(export_subject(reg, secrets, &actor, ha, o, NULL, &res), -EIO);
	CHECK(strstr(meta_errmsg(), b) && strstr(meta_errmsg(), "sealed details do not name it"));
	CHECK_EQ(details_name_again(b, hb, ha), 0);
	CHECK_EQ(details_name_again(b, hb, ha), -ENOENT);
	CHECK_EQ(export_subject(reg, secrets, &actor, ha, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 2);
	free(res.dir);
	util_remove_tree(o);
	/* split off again: the split rewrites b's details, and the log ties
	 * the new subject back to both */
	one[0] = b;
	CHECK_EQ(rights_split_subject(reg, secrets, &actor, privacy, ha, one, 1, NULL, NULL, 0, &sp), 0);
	CHECK_EQ(audit_handles_before(reg->cat, b, sp.handle, &before), 0);
	CHECK(idlist_has(&before, 0, sp.handle) && idlist_has(&before, 0, ha) && idlist_has(&before, 0, hb));
	idlist_free(&before);
	memset(&res, 0, sizeof(res));
	CHECK_EQ(export_subject(reg, secrets, &actor, sp.handle, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 1);
	free(res.dir);
	util_remove_tree(o);
	/* c, another person's call, linked to a by hand: refused, logged,
	 * nothing written */
	sql = xasprintf("INSERT INTO link (recording, handle, role) VALUES ('%s', '%s', 'customer')", c, ha);
	CHECK_EQ(raw_exec(sql), 0);
	memset(&res, 0, sizeof(res));
	CHECK_EQ(export_subject(reg, secrets, &actor, ha, o, NULL, &res), -EIO);
	CHECK(strstr(meta_errmsg(), c) && strstr(meta_errmsg(), "sealed details do not name it"));
	CHECK_STR(last_of(ha).action, "export");
	CHECK_STR(last_of(ha).outcome, "refused");
	CHECK(access(o, F_OK) != 0 || rmdir(o) == 0);	/* nothing in it */
	free(sql);
	/* and pointed at a's details, which name ha: another recording's */
	sql = xasprintf("UPDATE recording SET details_id = (SELECT details_id FROM recording WHERE id = '%s')"
			" WHERE id = '%s'", a, c);
	CHECK_EQ(raw_exec(sql), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, ha, o, NULL, &res), -EIO);
	CHECK(strstr(meta_errmsg(), c) && strstr(meta_errmsg(), "are another recording's"));
	CHECK(access(o, F_OK) != 0 || rmdir(o) == 0);
	free(sql);
	sql = xasprintf("DELETE FROM link WHERE recording = '%s' AND handle = '%s'", c, ha);
	CHECK_EQ(raw_exec(sql), 0);
out:
	free(sql);
	free(o);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("rights")) || t_register(dir, &secrets, &reg))
		return 2;
	privacy = policy_level_index(reg->policy, "privacy");
	analysis = policy_level_index(reg->policy, "analysis");
	training = policy_level_index(reg->policy, "training");
	audit_self(&actor, "privacy");
	RUN(test_erase_removes_rows_seals_blobs_and_every_seal_byte);
	RUN(test_erase_of_an_artifact_is_logged_under_the_recording_and_the_file);
	RUN(test_blobs_an_erasure_left_at_a_crash_go_at_the_next_open);
	RUN(test_a_completed_erasure_leaves_no_pending_unlink);
	RUN(test_hold_blocks_erase_with_eperm_and_logs_it);
	RUN(test_below_rights_level_is_refused_and_logged);
	RUN(test_restrict_drops_lower_seals_and_lift_reseals);
	RUN(test_retention_beyond_max_retention_is_einval);
	RUN(test_retention_refusals_say_why);
	RUN(test_retention_days_run_from_the_recording_day_to_the_day_max_retention_ends);
	RUN(test_fit_retention_brings_a_recording_down_to_a_shorter_max_retention_but_not_a_held_one);
	RUN(test_rectify_changes_the_card_and_seals_old_and_new_in_the_log);
	RUN(test_value_checks_refuse_what_the_rights_refuse);
	RUN(test_erasing_the_last_recording_erases_the_subject_its_index_and_histories);
	RUN(test_a_subject_with_an_open_request_stays_until_it_is_closed);
	RUN(test_erasing_a_subject_logs_its_erasure_once);
	RUN(test_rectifying_a_name_rewrites_it_in_the_details_of_each_recording);
	RUN(test_hold_and_restriction_reasons_are_sealed_for_the_rights_level_only);
	RUN(test_rectify_moves_the_blind_index_and_refuses_without_its_key);
	RUN(test_reindex_drops_what_rectifications_replaced_and_indexes_the_cards);
	RUN(test_whole_given_names_move_with_rectification_and_reindex_writes_them);
	RUN(test_split_moves_another_persons_calls_to_a_new_subject_and_tells_the_two_apart);
	RUN(test_split_of_the_call_that_made_the_card_says_to_rectify_it);
	RUN(test_reindex_drops_the_name_forms_of_an_older_rule);
	RUN(test_reindex_writes_the_dutch_name_forms_of_today);
	RUN(test_rectifying_one_holder_of_a_shared_phone_keeps_the_others_found);
	RUN(test_rectify_and_reindex_read_a_reference_without_its_separators);
	RUN(test_rectify_refuses_a_phone_or_email_that_is_none_and_keeps_the_card);
	RUN(test_rectify_indexes_a_non_ascii_email_by_its_folded_case);
	RUN(test_rectifying_a_reference_moves_it_in_the_blind_index_and_shares_it);
	RUN(test_rectifying_a_value_a_later_call_gave_rewrites_its_details_and_moves_its_entry);
	RUN(test_reindex_replaces_entries_of_the_rule_before_unicode_folding);
	RUN(test_reasons_an_older_recfs_kept_in_the_clear_are_sealed_at_open);
	RUN(test_an_objection_restricts_its_purpose_now_and_at_ingest_and_keeps_the_subject);
	RUN(test_export_takes_a_recording_its_own_details_tie_to_the_subject);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
