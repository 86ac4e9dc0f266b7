/* Unit tests of meta/export: the package holds the card, a vCon-shaped
 * document per recording and the decrypted media byte for byte; recipients
 * are checked against the policy; keys decide what can be exported; every
 * export and refusal is logged. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <ogg/ogg.h>

#include "export.h"
#include "ingest.h"
#include "opus.h"
#include "request.h"
#include "rights.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets, *analysis_kr, *training_kr;
static struct audit_actor actor;
static char handle[CATALOG_HANDLE_MAX], rec_id[RECFS_ID_HEX];

/* 1 when the file at a holds the stored form of the Opus file at b (opus.h). */
static int same_as_stored(const char *a, const char *b)
{
	struct opus_strip *s = NULL;
	uint8_t *x = NULL, *y = NULL;
	size_t nx = 0, ny;
	int same = 0;

	if (opus_strip_open(b, &s))
		return 0;
	ny = (size_t)opus_strip_size(s);
	y = xcalloc(1, ny + 1);
	if (opus_strip_read(s, y, ny) == 0 && util_read_file(a, 1 << 26, &x, &nx) == 0)
		same = nx == ny && !memcmp(x, y, nx);
	opus_strip_close(s);
	free(x);
	free(y);
	return same;
}

/* The name the recording's audio carries in a comment tag, which ingest
 * seals (opus.h). */
#define TITLE_TAG "TITLE=Puhelu Matti Meik\xc3\xa4l\xc3\xa4inen"

static void le32_put(uint8_t *p, size_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t le32_get(const uint8_t *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/*
 * Copy the Opus file src to dst with the comment tag added to its OpusTags
 * header (and its padding left out), which must fill the second page alone
 * as opusenc writes it.  0 or -1.
 */
static int copy_with_tag(const char *src, const char *dst, const char *tag)
{
	uint8_t *in = NULL, *out = NULL, *h, *b;
	size_t n = 0, p1, hlen, blen = 0, off, count, i, clen, nb, tlen = strlen(tag), at;
	ogg_page og;
	int rc = -1;

	if (util_read_file(src, 1 << 24, &in, &n))
		return -1;
	/* the first page (OpusHead), then the second */
	if (n < 27 || memcmp(in, "OggS", 4) || n < 27 + (size_t)in[26])
		goto out;
	p1 = 27 + in[26];
	for (i = 0; i < in[26]; i++)
		p1 += in[27 + i];
	h = in + p1;
	if (n < p1 + 27 || memcmp(h, "OggS", 4) || n < p1 + 27 + (size_t)h[26])
		goto out;
	hlen = 27 + (size_t)h[26];
	for (i = 0; i < h[26]; i++)
		blen += h[27 + i];
	b = h + hlen;
	if (n < p1 + hlen + blen || blen < 16 || memcmp(b, "OpusTags", 8) || h[hlen - 1] == 255)
		goto out;
	off = 12 + le32_get(b + 8);
	if (off + 4 > blen)
		goto out;
	count = le32_get(b + off);
	off += 4;
	for (i = 0; i < count; i++) {
		if (off + 4 > blen || (clen = le32_get(b + off)) > blen - off - 4)
			goto out;
		off += 4 + clen;
	}
	nb = off + 4 + tlen;
	if (nb / 255 + 1 > 255)
		goto out;
	out = xcalloc(1, n + 27 + 255 + nb);
	memcpy(out, in, p1 + 26);
	at = p1 + 26;
	out[at++] = (uint8_t)(nb / 255 + 1);
	for (i = 0; i < nb / 255; i++)
		out[at++] = 255;
	out[at++] = (uint8_t)(nb % 255);
	og.header = out + p1;
	og.header_len = (long)(at - p1);
	memcpy(out + at, b, off);
	le32_put(out + at + 12 + le32_get(b + 8), count + 1);
	le32_put(out + at + off, tlen);
	memcpy(out + at + off + 4, tag, tlen);
	og.body = out + at;
	og.body_len = (long)nb;
	ogg_page_checksum_set(&og);
	at += nb;
	memcpy(out + at, b + blen, n - (p1 + hlen + blen));
	at += n - (p1 + hlen + blen);
	rc = util_write_file_atomic(dst, out, at, 0600) ? -1 : 0;
out:
	free(in);
	free(out);
	return rc;
}

/* 1 when the file at path holds needle. */
static int file_holds(const char *path, const char *needle)
{
	uint8_t *x = NULL;
	size_t n = 0, k = strlen(needle);
	int found = 0;

	if (util_read_file(path, 1 << 26, &x, &n) == 0)
		for (size_t i = 0; !found && k <= n && i <= n - k; i++)
			found = !memcmp(x + i, needle, k);
	free(x);
	return found;
}

static char *out_path(const char *name)
{
	return xasprintf("%s/out/%s/%s", dir, handle, name);
}

/* The path of the first vcon.json in the folder at sub/, NULL when none. */
static char *find_vcon_in(const char *sub)
{
	char *cmd = xasprintf("ls %s/%s/ | grep vcon.json | head -n 1", dir, sub), line[256] = "";
	FILE *f = popen(cmd, "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		pclose(f);
	}
	free(cmd);
	line[strcspn(line, "\n")] = '\0';
	return *line ? xasprintf("%s/%s/%s", dir, sub, line) : NULL;
}

static char *find_vcon(void)
{
	char *sub = xasprintf("out/%s", handle), *v = find_vcon_in(sub);

	free(sub);
	return v;
}

TEST(test_export_writes_card_vcon_and_decrypted_media)
{
	struct export_result res = { 0 };
	char *o = xasprintf("%s/out", dir), *p = NULL, *v = NULL;
	json_t *j = NULL, *party;
	int64_t req;

	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport", &req), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 1);
	CHECK_EQ(res.files, 3);
	CHECK_EQ(res.withheld, 0);
	p = out_path("subject.json");
	j = json_load_file(p, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(j, "name")), "Matti Meikäläinen");
	CHECK_STR(json_string_value(json_object_get(j, "handle")), handle);
	json_decref(j);
	v = find_vcon();
	CHECK(v != NULL);
	j = v ? json_load_file(v, 0, NULL) : NULL;
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "uuid")), rec_id);
	CHECK(json_is_string(json_object_get(j, "vcon")));
	CHECK_STR(json_string_value(json_object_get(j, "subject")), "Tilaus 1234");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "dialog"), 0), "type")), "recording");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "dialog"), 0), "mimetype")),
		  "audio/ogg");
	/* The chat and the slides, the PDF by its extension (bb6 F9). */
	for (size_t i = 0; i < json_array_size(json_object_get(j, "attachments")); i++) {
		json_t *att = json_array_get(json_object_get(j, "attachments"), i);
		const char *type = json_string_value(json_object_get(att, "type"));

		CHECK_STR(json_string_value(json_object_get(att, "mimetype")),
			  type && !strcmp(type, "chat") ? "text/plain" : "application/pdf");
	}
	CHECK_EQ(json_array_size(json_object_get(j, "attachments")), 2);
	party = json_array_get(json_object_get(j, "parties"), 0);
	CHECK_STR(json_string_value(json_object_get(party, "handle")), handle);
	CHECK_STR(json_string_value(json_object_get(party, "tel")), "+358401234567");
	CHECK_STR(json_string_value(json_object_get(party, "mailto")), "matti@example.fi");
	/* Staff appear by role only. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "parties"), 1), "role")), "staff");
	CHECK(json_object_get(json_array_get(json_object_get(j, "parties"), 1), "name") == NULL);
	CHECK_EQ(json_array_size(json_object_get(j, "attachments")), 2);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "recfs"), "legal_basis")), "contract");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "recfs"), "purpose")), "quality");
	if (j) {
		char *media = out_path(json_string_value(json_object_get(json_array_get(json_object_get(j, "dialog"), 0),
									  "filename")));
		char *src = xasprintf("%s/spool/a.opus", dir);
		json_t *tags = json_object_get(json_object_get(j, "recfs"), "opus_tags");

		/* The audio as stored: without its TITLE, which the vCon lists,
		 * with opusenc's vendor string, ENCODER and ENCODER_OPTIONS. */
		CHECK(same_as_stored(media, src));
		CHECK(file_holds(src, "Matti") && !file_holds(media, "Matti") && !file_holds(media, "TITLE"));
		CHECK(file_holds(media, "libopus 1.3.1, libopusenc 0.2.1"));
		CHECK(file_holds(media, "ENCODER=opusenc from opus-tools 0.2"));
		CHECK(file_holds(media, "ENCODER_OPTIONS=--serial 2 --bitrate 40"));
		CHECK_EQ(json_array_size(tags), 1);
		CHECK_STR(json_string_value(json_array_get(tags, 0)), TITLE_TAG);
		free(media);
		free(src);
	}
	json_decref(j);
	{
		char *sql = xasprintf("SELECT count(*) FROM audit WHERE action='export' AND object='%s' AND outcome='ok'"
				      " AND reason LIKE 'recipient=data-subject request=%lld%%'", handle, (long long)req);
		CHECK_EQ(t_count(reg, sql), 1);
		free(sql);
		sql = xasprintf("SELECT count(*) FROM audit WHERE action='export' AND object='%s'", rec_id);
		CHECK_EQ(t_count(reg, sql), 1);
		free(sql);
	}
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, NULL, &res), -EEXIST);
	free(v);
	free(p);
	free(o);
	free(res.dir);
}

TEST(test_export_checks_the_recipient_against_the_policy)
{
	struct export_result res = { 0 };
	char *o = xasprintf("%s/out-r", dir);
	int it = policy_recipient_index(reg->policy, "it-provider");
	char *safeguard;

	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, "nsa", &res), -EINVAL);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND outcome='refused'"), 1);
	CHECK(it >= 0);
	if (it < 0)
		goto out;
	safeguard = reg->policy->recipients[it].safeguard;
	reg->policy->recipients[it].safeguard = NULL;
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, "it-provider", &res), -EPERM);
	reg->policy->recipients[it].safeguard = safeguard;
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND outcome='refused'"), 2);
	CHECK(access(o, F_OK) < 0 || rmdir(o) == 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, "it-provider", &res), 0);
	CHECK_EQ(res.recordings, 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='export' AND reason LIKE 'recipient=it-provider%'"), 3);
out:
	free(res.dir);
	free(o);
}

TEST(test_export_needs_a_key_from_the_details_level_up)
{
	struct export_result res = { 0 };
	char *o = xasprintf("%s/out-k", dir), *d = xasprintf("%s/out-k/%s", dir, handle);

	CHECK_EQ(export_subject(reg, training_kr, &actor, handle, o, NULL, &res), -ENOKEY);
	CHECK(access(d, F_OK) < 0);
	CHECK_EQ(export_subject(reg, analysis_kr, &actor, handle, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 1);
	free(res.dir);
	free(o);
	free(d);
}

TEST(test_export_withholds_restricted_recordings)
{
	struct export_result res = { 0 };
	char *o1 = xasprintf("%s/out-x1", dir), *o2 = xasprintf("%s/out-x2", dir), *o3 = xasprintf("%s/out-x3", dir);
	int privacy = policy_level_index(reg->policy, "privacy");

	CHECK_EQ(rights_restrict(reg, &actor, privacy, rec_id, "contested"), 0);
	/* its one recording restricted: nothing goes to a recipient, the
	 * card alone neither (bb15 L6), and the refusal is logged */
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o1, "tamro-group", &res), -EPERM);
	CHECK(meta_errmsg() && strstr(meta_errmsg(), "the card is not disclosed alone"));
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND outcome='refused' AND reason "
			 "LIKE 'every recording of the subject is withheld from a recipient%'"), 1);
	CHECK(access(o1, F_OK) < 0 || rmdir(o1) == 0);	/* no package, no hidden folder */
	CHECK_EQ(export_subject(reg, analysis_kr, &actor, handle, o2, NULL, &res), 0);
	CHECK_EQ(res.recordings, 0);
	CHECK_EQ(res.withheld, 1);
	free(res.dir);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o3, NULL, &res), 0);
	CHECK_EQ(res.recordings, 1);
	CHECK_EQ(res.withheld, 0);
	free(res.dir);
	/* lifted, it goes to the recipient, and the card with it */
	CHECK_EQ(rights_lift(reg, secrets, &actor, privacy, rec_id), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o1, "tamro-group", &res), 0);
	CHECK_EQ(res.recordings, 1);
	CHECK_EQ(res.withheld, 0);
	free(res.dir);
	free(o1);
	free(o2);
	free(o3);
}

TEST(test_export_lists_disclosures_and_pseudonymised_accesses)
{
	struct export_result res = { 0 };
	struct audit_actor a1 = actor, a2 = actor;
	char *o = xasprintf("%s/out-a", dir), *p = NULL, *text = NULL;
	json_t *j = NULL, *acc, *dis, *x;
	size_t i, n_open = 0;
	int seen_it = 0;

	a1.uid = 1001;
	a1.user = "maija.virtanen";
	a1.level = "analysis";
	a2.uid = 1002;
	a2.user = "pekka.ojala";
	a2.level = "privacy";
	CHECK_EQ(audit_log_artifact(reg->cat, &a1, "open", rec_id, "opus", "ok", NULL), 0);
	CHECK_EQ(audit_log_artifact(reg->cat, &a2, "open", rec_id, "wav", "ok", NULL), 0);
	CHECK_EQ(audit_log_artifact(reg->cat, &a1, "open", rec_id, "chat", "ok", NULL), 0);
	CHECK_EQ(audit_log_artifact(reg->cat, &a2, "open", rec_id, "opus", "refused", "EACCES"), 0);
	CHECK_EQ(audit_log(reg->cat, &a1, "details", rec_id, "ok", "user.recfs.title"), 0);
	CHECK_EQ(audit_log(reg->cat, &a2, "open", "0123456789abcdef0123456789abcdef", "ok", NULL), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, NULL, &res), 0);
	p = xasprintf("%s/export.json", res.dir);
	j = json_load_file(p, 0, NULL);
	CHECK(j != NULL);
	acc = json_object_get(j, "accesses");
	dis = json_object_get(j, "disclosures");
	CHECK(json_is_array(acc));
	CHECK(json_is_array(dis));
	json_array_foreach(acc, i, x) {
		const char *act = json_string_value(json_object_get(x, "action"));

		CHECK_STR(json_string_value(json_object_get(x, "recording")), rec_id);
		if (act && !strcmp(act, "open")) {
			/* In the order logged: user-1 is a1, user-2 a2. */
			static const char *const who[] = { "user-1", "user-2", "user-1" };
			static const char *const art[] = { "opus", "wav", "chat" };
			static const char *const lvl[] = { "analysis", "privacy", "analysis" };

			if (n_open < 3) {
				CHECK_STR(json_string_value(json_object_get(x, "user")), who[n_open]);
				CHECK_STR(json_string_value(json_object_get(x, "artifact")), art[n_open]);
				CHECK_STR(json_string_value(json_object_get(x, "level")), lvl[n_open]);
			}
			n_open++;
		}
	}
	CHECK_EQ(n_open, 3);	/* not the refusal, not another recording */
	json_array_foreach(dis, i, x)
		seen_it |= json_is_string(json_object_get(x, "recipient")) &&
			   !strcmp(json_string_value(json_object_get(x, "recipient")), "it-provider");
	CHECK(seen_it);
	/* Nobody is named or numbered as the system knows them. */
	text = json_dumps(j, 0);
	CHECK(text && !strstr(text, "maija.virtanen") && !strstr(text, "pekka.ojala") && !strstr(text, "\"uid\""));
	free(text);
	json_decref(j);
	free(p);
	free(o);
	free(res.dir);
	/* A recipient gets the data, not who else had it (bb4 LOW-8). */
	o = xasprintf("%s/out-a-rcpt", dir);
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, "tamro-group", &res), 0);
	p = xasprintf("%s/export.json", res.dir);
	j = json_load_file(p, 0, NULL);
	CHECK(j != NULL);
	CHECK(json_object_get(j, "accesses") == NULL);
	CHECK(json_object_get(j, "disclosures") == NULL);
	CHECK(json_is_array(json_object_get(j, "recordings")));
	json_decref(j);
	free(p);
	free(o);
	free(res.dir);
}

static struct keyring *one_level(const char *level)
{
	struct keyring *kr = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];

	if (keyring_new(&kr) || keyring_add_level(kr, level, keyring_level(secrets, level, pk)))
		return NULL;
	return kr;
}

TEST(test_export_portability_takes_consent_and_contract_and_says_what_it_left_out)
{
	struct export_opts o = { .portability = 1 };
	struct export_result res = { 0 };
	char *out = xasprintf("%s/out-port", dir), *left = NULL;

	CHECK(export_basis_portable("consent"));
	CHECK(export_basis_portable("contract"));
	CHECK(!export_basis_portable("legitimate_interests"));
	CHECK(!export_basis_portable("public_task"));
	CHECK(!export_basis_portable(NULL));
	/* The one recording is on contract: in, and LEFT_OUT.txt says none is out. */
	CHECK_EQ(export_subject_with(reg, secrets, &actor, handle, out, &o, &res), 0);
	CHECK_EQ(res.recordings, 1);
	CHECK_EQ(res.left_out, 0);
	CHECK(res.left_out_text && !strncmp(res.left_out_text, "none:", 5));
	left = xasprintf("%s/%s/LEFT_OUT.txt", out, handle);
	CHECK(access(left, F_OK) == 0);
	CHECK(strstr(t_last_entry(reg, handle).reason, "portability=yes left_out=0") != NULL);
	free(res.dir);
	free(res.left_out_text);
	free(left);
	free(out);
}

TEST(test_export_logs_the_recipients_kind_and_transfer_basis_as_they_stood)
{
	struct export_result res = { 0 };
	char *o = xasprintf("%s/out-basis", dir), *o2 = xasprintf("%s/out-basis2", dir);
	int it = policy_recipient_index(reg->policy, "it-provider");
	int auth = policy_recipient_index(reg->policy, "authorities");
	char *safeguard;

	CHECK(it >= 0 && auth >= 0);
	if (it < 0 || auth < 0)
		goto out;
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o, "authorities", &res), 0);
	free(res.dir);
	res.dir = NULL;
	/* one entry on the handle, one on each recording exported */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND outcome='ok' AND "
			      "reason LIKE 'recipient=authorities %' AND reason LIKE '% kind=authority transfer=EEA'"),
		 1 + (long long)res.recordings);
	/* the basis as it stood: a later policy's safeguard does not rewrite it */
	safeguard = reg->policy->recipients[it].safeguard;
	reg->policy->recipients[it].safeguard = (char *)"Binding corporate rules";
	CHECK_EQ(export_subject(reg, secrets, &actor, handle, o2, "it-provider", &res), 0);
	reg->policy->recipients[it].safeguard = safeguard;
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND reason LIKE "
			      "'recipient=it-provider %kind=recipient transfer=outside-EEA safeguard=Binding corporate rules'"),
		 1 + (long long)res.recordings);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND reason LIKE "
			      "'recipient=it-provider %kind=recipient transfer=outside-EEA safeguard=EU SCCs 2021/914%'"),
		 2);
	/* the subject's own export names no recipient basis */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='export' AND "
			      "reason LIKE 'recipient=data-subject%' AND reason LIKE '%transfer=%'"),
		 0);
out:
	free(res.dir);
	free(o);
	free(o2);
}

/* Comment tags a recorder chose, with what a terminal acts on: a C1 CSI,
 * a right-to-left override, an ESC, a line separator and a DEL. */
#define CSI_TAG "NOTE=a\xc2\x9b" "31mRED"
#define RLO_TAG "RLO=\xe2\x80\xae" "gnp.exe"
#define ESC_TAG "ESC=\x1b[31mx"
#define LS_TAG "LS=a\xe2\x80\xa8" "b\x7f" "c\xe2\x81\xa6" "d"

TEST(test_export_writes_the_control_points_of_a_recorders_tags_as_json_escapes)
{
	static const char manifest[] =
		"{\"recorded_at\": \"2026-03-03T10:15:00Z\", \"source\": \"customer-service\", \"title\": \"Tilaus 5678\","
		" \"subjects\": [{\"role\": \"customer\", \"name\": \"Liisa J\xc3\xa4rvinen\", \"phone\": \"+358 40 765 4321\"}],"
		" \"audio\": \"b.opus\"}";
	static const char *const tags[] = { CSI_TAG, RLO_TAG, ESC_TAG, LS_TAG };
	static const char *const raw[] = { "\xc2\x9b", "\xe2\x80\xae", "\x1b", "\xe2\x80\xa8", "\x7f", "\xe2\x81\xa6" };
	static const char *const escaped[] = { "a\\u009B31mRED", "\\u202Egnp.exe", "\\u001B[31mx", "a\\u2028b\\u007Fc\\u2066d" };
	struct export_result res = { 0 };
	struct ingest_result ir;
	char h2[CATALOG_HANDLE_MAX], *a = xasprintf("%s/spool/b0.opus", dir), *b = xasprintf("%s/spool/b1.opus", dir);
	char *c = xasprintf("%s/spool/b2.opus", dir), *p = xasprintf("%s/spool/b.opus", dir);
	char *m = xasprintf("%s/spool/b.json", dir), *o = xasprintf("%s/out-ctl", dir), *sub = NULL, *v = NULL;
	json_t *j = NULL, *got;

	CHECK_EQ(copy_with_tag("tests/fixtures/stereo.opus", a, tags[0]), 0);
	CHECK_EQ(copy_with_tag(a, b, tags[1]), 0);
	CHECK_EQ(copy_with_tag(b, c, tags[2]), 0);
	CHECK_EQ(copy_with_tag(c, p, tags[3]), 0);
	unlink(a);
	unlink(b);
	unlink(c);
	CHECK_EQ(util_write_file_atomic(m, manifest, strlen(manifest), 0600), 0);
	CHECK_EQ(ingest_manifest(reg, keyring_index_key(secrets), &actor, m, &ir), 0);
	CHECK_EQ(subject_find(reg, keyring_index_key(secrets), "phone", "+358407654321", h2), 0);
	CHECK_EQ(export_subject(reg, secrets, &actor, h2, o, NULL, &res), 0);
	CHECK_EQ(res.recordings, 1);
	sub = xasprintf("out-ctl/%s", h2);
	v = find_vcon_in(sub);
	CHECK(v != NULL);
	if (!v)
		goto out;
	/* none of them raw in the file; each as a \uXXXX escape */
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		CHECK(!file_holds(v, raw[i]));
	for (size_t i = 0; i < sizeof(escaped) / sizeof(escaped[0]); i++)
		CHECK(file_holds(v, escaped[i]));
	/* a name's letters stay as they are */
	CHECK(file_holds(v, "Liisa J\xc3\xa4rvinen"));
	/* and the file reads back to the tags as they were */
	j = json_load_file(v, 0, NULL);
	CHECK(j != NULL);
	got = json_object_get(json_object_get(j, "recfs"), "opus_tags");
	CHECK_EQ(json_array_size(got), 4);
	for (size_t i = 0; i < 4 && i < json_array_size(got); i++)
		CHECK_STR(json_string_value(json_array_get(got, i)), tags[i]);
out:
	json_decref(j);
	free(res.dir);
	free(a);
	free(b);
	free(c);
	free(p);
	free(m);
	free(o);
	free(sub);
	free(v);
}

int main(void)
{
	static const char manifest[] =
		"{\"recorded_at\": \"2026-03-02T10:15:00Z\", \"source\": \"customer-service\", \"title\": \"Tilaus 1234\","
		" \"staff\": [{\"name\": \"Maija Virtanen\", \"id\": \"mvirtanen\"}],"
		" \"subjects\": [{\"role\": \"customer\", \"name\": \"Matti Meikäläinen\", \"phone\": \"+358 40 123 4567\","
		" \"email\": \"matti@example.fi\"}], \"audio\": \"a.opus\","
		" \"attachments\": [{\"file\": \"a-chat.txt\", \"kind\": \"chat\"}, {\"file\": \"a.pdf\", \"kind\": \"presentation\"}]}";
	struct ingest_result res;
	char *p, *m, *c, *f;

	setenv("RECFS_NOW", "2026-06-01T00:00:00Z", 1);
	if (!(dir = t_mkdtemp("export")) || t_register(dir, &secrets, &reg))
		return 2;
	audit_self(&actor, "privacy");
	p = xasprintf("%s/spool/a.opus", dir);
	m = xasprintf("%s/spool/a.json", dir);
	c = xasprintf("%s/spool/a-chat.txt", dir);
	f = xasprintf("%s/spool/a.pdf", dir);
	if (copy_with_tag("tests/fixtures/stereo.opus", p, TITLE_TAG) || util_write_file_atomic(c, "hei\n", 4, 0600) ||
	    util_write_file_atomic(f, "%PDF-1.4\n", 9, 0600) ||
	    util_write_file_atomic(m, manifest, strlen(manifest), 0600) ||
	    ingest_manifest(reg, keyring_index_key(secrets), &actor, m, &res) ||
	    subject_find(reg, keyring_index_key(secrets), "phone", "+358401234567", handle)) {
		fprintf(stderr, "cannot ingest: %s\n", meta_errmsg());
		return 2;
	}
	memcpy(rec_id, res.recording, RECFS_ID_HEX);
	analysis_kr = one_level("analysis");
	training_kr = one_level("training");
	free(p);
	free(m);
	free(c);
	free(f);
	RUN(test_export_writes_card_vcon_and_decrypted_media);
	RUN(test_export_checks_the_recipient_against_the_policy);
	RUN(test_export_needs_a_key_from_the_details_level_up);
	RUN(test_export_withholds_restricted_recordings);
	RUN(test_export_lists_disclosures_and_pseudonymised_accesses);
	RUN(test_export_portability_takes_consent_and_contract_and_says_what_it_left_out);
	RUN(test_export_logs_the_recipients_kind_and_transfer_basis_as_they_stood);
	RUN(test_export_writes_the_control_points_of_a_recorders_tags_as_json_escapes);
	reg_close(reg);
	keyring_free(secrets);
	keyring_free(analysis_kr);
	keyring_free(training_kr);
	util_remove_tree(dir);
	T_DONE();
}
