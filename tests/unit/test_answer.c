/* Unit tests of meta/answer: the letter template filler fills values,
 * repeats blocks for lists, skips and inverts them on empty values, looks
 * keys up outwards, leaves no line for a tag alone on its line, and
 * refuses a key the model lacks and a block left open or closed twice;
 * the model of a request of nobody in the register says so; the letter
 * names the supervisory authority the policy gives, else the Finnish one
 * for a Finnish register only. */
#include <stdlib.h>

#include "answer.h"
#include "t.h"

/* The letter tpl fills from the JSON text model, or NULL (rc in *rc). */
static char *fill(const char *tpl, const char *model, int *rc)
{
	json_t *m = json_loads(model, 0, NULL);
	char *out = NULL;

	CHECK(m != NULL);
	*rc = answer_render(tpl, strlen(tpl), m, &out);
	json_decref(m);
	return out;
}

static void check_fill(const char *tpl, const char *model, const char *want)
{
	int rc;
	char *out = fill(tpl, model, &rc);

	CHECK_EQ(rc, 0);
	if (out)
		CHECK_STR(out, want);
	free(out);
}

TEST(test_answer_fills_values_and_numbers)
{
	check_fill("Dear {{who}}, no. {{n}}.", "{\"who\": \"Matti\", \"n\": 7}", "Dear Matti, no. 7.");
	check_fill("no tags at all\n", "{}", "no tags at all\n");
	check_fill("", "{}", "");
}

TEST(test_answer_repeats_a_block_per_element_and_looks_keys_up_outwards)
{
	check_fill("{{#rs}}[{{d}} to {{who}}]{{/rs}}", "{\"who\": \"X\", \"rs\": [{\"d\": \"1\"}, {\"d\": \"2\", \"who\": \"Y\"}]}",
		   "[1 to X][2 to Y]");
	check_fill("{{#rs}}{{#ds}}{{.x}}{{/ds}}{{/rs}}", "{\"rs\": []}", "");
}

TEST(test_answer_skips_empty_values_and_inverts_them)
{
	static const char tpl[] = "{{#a}}A{{/a}}{{^a}}not A{{/a}}";

	check_fill(tpl, "{\"a\": true}", "A");
	check_fill(tpl, "{\"a\": false}", "not A");
	check_fill(tpl, "{\"a\": []}", "not A");
	check_fill(tpl, "{\"a\": \"\"}", "not A");
	check_fill(tpl, "{\"a\": null}", "not A");
	check_fill(tpl, "{}", "not A");
	check_fill("{{#dir}}in {{dir}}{{/dir}}", "{\"dir\": \"/x\"}", "in /x");
}

TEST(test_answer_a_tag_alone_on_its_line_leaves_no_line)
{
	check_fill("Recordings:\n  {{#rs}}\n   - {{d}}\n  {{/rs}}\n{{^rs}}\nnone\n{{/rs}}\nend\n",
		   "{\"rs\": [{\"d\": \"1\"}, {\"d\": \"2\"}]}", "Recordings:\n   - 1\n   - 2\nend\n");
	check_fill("a {{#x}}b{{/x}}\nc\n", "{\"x\": true}", "a b\nc\n");
}

TEST(test_answer_refuses_unknown_keys_and_broken_blocks)
{
	int rc;

	CHECK(fill("Dear {{whom}}", "{\"who\": \"M\"}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
	CHECK(strstr(meta_errmsg(), "{{whom}}") != NULL);
	CHECK(fill("{{#a}}open", "{\"a\": true}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
	CHECK(fill("{{/a}}", "{\"a\": true}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
	CHECK(fill("{{a", "{\"a\": \"x\"}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
	CHECK(fill("{{}}", "{}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
	CHECK(fill("{{#rs}}{{d}}{{/rs}}", "{\"rs\": [{\"e\": \"1\"}]}", &rc) == NULL);
	CHECK_EQ(rc, -EINVAL);
}

TEST(test_answer_nests_blocks_of_the_same_name)
{
	check_fill("{{#a}}<{{#a}}in{{/a}}>{{/a}}", "{\"a\": true}", "<in>");
}

TEST(test_answer_the_shipped_templates_fill_for_someone_in_and_not_in_the_register)
{
	static const char *const langs[] = { "fi", "en" };
	static const char model[] =
		"{\"controller\": \"C Oy, Katu 1\", \"controller_name\": \"C Oy\", \"register\": \"R\","
		" \"privacy_contact\": \"dpo@c.fi\", \"date\": \"2026-06-10\", \"request\": 3, \"received\": \"2026-06-01\","
		" \"type\": \"access\", \"subject\": \"S-AAAAAA\", \"found\": %s, \"has_card\": true, \"has_audio\": true,"
		" \"export_dir\": null, \"purposes\": [{\"purpose\": \"quality\", \"description\": \"Q\","
		" \"legal_basis\": \"contract\"}], \"recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\","
		" \"kind\": \"call\", \"source\": \"cs\", \"purpose\": \"quality\", \"legal_basis\": \"contract\","
		" \"retention_until\": \"2027-05-01\", \"restricted\": true, \"on_hold\": false}],"
		" \"recipients\": [{\"name\": \"G\", \"recipient\": \"g\", \"outside_eea\": true, \"safeguard\": \"SCC\","
		" \"dates\": \"2026-06-02\"}], \"sources\": [{\"text\": \"telephony\"}]}";

	for (size_t i = 0; i < 2; i++) {
		char *path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = NULL;
		uint8_t *buf = NULL;
		size_t len = 0;
		int rc;

		CHECK_EQ(util_read_file(path, ANSWER_TEMPLATE_MAX, &buf, &len), 0);
		tpl = (char *)buf;
		for (int found = 1; tpl && found >= 0; found--) {
			char *m = xasprintf(model, found ? "true" : "false");
			char *out = fill(tpl, m, &rc);

			CHECK_EQ(rc, 0);
			CHECK(out && (strstr(out, "2026-05-01") != NULL) == found);
			CHECK(out && (strstr(out, "SCC") != NULL) == found);
			CHECK(out && strstr(out, "{{") == NULL);
			free(out);
			free(m);
		}
		free(tpl);
		free(path);
	}
}

/* The file at path, NUL-terminated, malloc'd; NULL (reported) when unreadable. */
static char *slurp(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *s;

	if (util_read_file(path, ANSWER_TEMPLATE_MAX, &buf, &len)) {
		fprintf(stderr, "  cannot read %s\n", path);
		return NULL;
	}
	s = xasprintf("%.*s", (int)len, (const char *)buf);
	free(buf);
	return s;
}

/*
 * The letter in lang (the shipped template of that language) to request 1,
 * of nobody in the register, under the shipped policy with its
 * phone_country_code line replaced by lines (as it is when lines is NULL);
 * NULL (reported) on failure.  The model only reads the policy here, so the
 * register is a policy alone.
 */
static char *letter_under(const char *lines, const char *lang)
{
	static const char cc[] = "phone_country_code = 358\n";
	char *dir = t_mkdtemp("answer"), *text = slurp("packaging/examples/tamro.conf"), *at, *path = NULL,
	     *tpl_path = xasprintf("packaging/templates/answer.%s.txt", lang), *tpl = slurp(tpl_path), *out = NULL;
	struct cat_request q = { .id = 1, .type = (char *)"access", .received = 1780000000 };
	struct reg r = { 0 };
	json_t *m = NULL;
	FILE *f;

	at = text ? strstr(text, cc) : NULL;
	CHECK(dir && at && tpl);
	if (!dir || !at || !tpl)
		goto out;
	path = xasprintf("%s/policy.conf", dir);
	if (!(f = fopen(path, "w")))
		goto out;
	fprintf(f, "%.*s%s%s", (int)(at - text), text, lines ? lines : cc, at + strlen(cc));
	fclose(f);
	CHECK_EQ(policy_load(path, &r.policy, NULL), 0);
	if (!r.policy)
		goto out;
	CHECK_EQ(answer_model(&r, &q, lang, NULL, &m), 0);
	if (m)
		CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
out:
	json_decref(m);
	policy_free(r.policy);
	if (dir)
		util_remove_tree(dir);
	free(dir);
	free(path);
	free(text);
	free(tpl);
	free(tpl_path);
	return out;
}

/*
 * A full access request's model: two recordings, both kinds of recipient,
 * an export.  It also holds what a register did for another type of
 * request (erased, kept, restricted, rectified), which an access letter
 * must not show.
 */
static const char access_model[] =
	"{\"controller\": \"C Oy (1234567-8), Katu 1, 00100 Helsinki\", \"controller_name\": \"C Oy\","
	" \"register\": \"R\", \"privacy_contact\": \"dpo@c.fi\", \"date\": \"2026-06-10\", \"request\": 3,"
	" \"received\": \"2026-06-01\", \"type\": \"access\", \"type_access\": true, \"subject\": \"S-AAAAAA\","
	" \"found\": true, \"has_card\": true, \"has_audio\": true, \"has_chat\": true, \"has_files\": true,"
	" \"export_dir\": \"/srv/answers/S-AAAAAA\","
	" \"purposes\": [{\"purpose\": \"quality\", \"description\": \"Q\", \"legal_basis\": \"contract\","
	" \"basis_contract\": true}, {\"purpose\": \"tax\", \"description\": \"T\", \"legal_basis\":"
	" \"legal_obligation\", \"basis_legal_obligation\": true}],"
	" \"recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"kind\": \"call\", \"kind_call\": true,"
	" \"source\": \"cs\", \"purpose\": \"quality\", \"legal_basis\": \"contract\", \"basis_contract\": true,"
	" \"retention_until\": \"2027-05-01\", \"restricted\": true, \"on_hold\": false, \"exempt\": false},"
	" {\"date\": \"2026-05-02\", \"time\": \"11:00\", \"kind\": \"meeting\", \"kind_meeting\": true,"
	" \"source\": \"cm\", \"purpose\": \"tax\", \"legal_basis\": \"legal_obligation\","
	" \"basis_legal_obligation\": true, \"retention_until\": \"2032-05-02\", \"restricted\": false,"
	" \"on_hold\": true, \"exempt\": true}],"
	" \"recipients\": [{\"name\": \"G\", \"recipient\": \"g\", \"outside_eea\": true, \"safeguard\": \"SCC\","
	" \"dates\": \"2026-06-02\"}, {\"name\": \"H\", \"recipient\": \"h\", \"outside_eea\": false,"
	" \"safeguard\": null, \"dates\": \"2026-06-03, 2026-06-04\"}], \"sources\": [{\"text\": \"telephony\"}],"
	" \"erased\": [{\"date\": \"2026-04-01\", \"kind\": \"call\", \"kind_call\": true, \"erased_on\": \"2026-06-05\"}],"
	" \"erased_count\": 1, \"card_erased\": false, \"kept\": true, \"ground\": \"Art. 17(3)(b)\","
	" \"restricted_recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"kind\": \"call\","
	" \"kind_call\": true, \"since\": \"2026-06-05\", \"still\": true}],"
	" \"rectified\": [{\"field\": \"phone\", \"field_phone\": true, \"on\": \"2026-06-05\"}],"
	" \"objected\": [], \"acted\": true,"
	" \"supervisory_authority\": null, \"supervisory_authority_finland\": true,"
	" \"supervisory_authority_unnamed\": false}";

TEST(test_answer_to_an_access_request_is_the_letter_it_always_was)
{
	static const char *const langs[] = { "en", "fi" };

	for (size_t i = 0; i < 2; i++) {
		char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = slurp(tpl_path);
		char *want_path = xasprintf("tests/fixtures/answer-access.%s.txt", langs[i]), *want = slurp(want_path);
		json_t *m = json_loads(access_model, 0, NULL);
		char *out = NULL;

		CHECK(tpl && want && m);
		if (tpl && want && m) {
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			if (out)
				CHECK_STR(out, want);
		}
		free(out);
		json_decref(m);
		free(want);
		free(want_path);
		free(tpl);
		free(tpl_path);
	}
}

TEST(test_answer_of_a_finnish_register_names_the_ombudsman_as_before)
{
	/* the letters' last lines as the templates wrote them before the
	 * authority came from the policy */
	char *en = letter_under(NULL, "en"), *fi = letter_under(NULL, "fi");

	CHECK(en && strstr(en, "with the supervisory\nauthority:\n\n"
			       "   Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)\n"
			       "   P.O. Box 800, FI-00531 Helsinki, Finland\n"
			       "   tietosuoja@om.fi, https://tietosuoja.fi\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "teillä on oikeus tehdä valitus\nvalvontaviranomaiselle:\n\n"
			       "   Tietosuojavaltuutetun toimisto\n"
			       "   PL 800, 00531 Helsinki\n"
			       "   tietosuoja@om.fi, https://tietosuoja.fi\n\nTamro Oyj\n"));
	free(en);
	free(fi);
}

TEST(test_answer_names_the_supervisory_authority_the_policy_gives)
{
	char *en = letter_under("phone_country_code = 46\n"
				"supervisory_authority = Integritetsskyddsmyndigheten (IMY), Tukholma\n"
				"supervisory_authority[en] = Integritetsskyddsmyndigheten (IMY), Stockholm\n",
				"en"),
	     *fi = letter_under("phone_country_code = 46\n"
				"supervisory_authority = Integritetsskyddsmyndigheten (IMY), Tukholma\n"
				"supervisory_authority[en] = Integritetsskyddsmyndigheten (IMY), Stockholm\n",
				"fi");

	CHECK(en && strstr(en, "authority:\n\n   Integritetsskyddsmyndigheten (IMY), Stockholm\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "valvontaviranomaiselle:\n\n   Integritetsskyddsmyndigheten (IMY), Tukholma\n\nTamro"));
	CHECK(en && !strstr(en, "Ombudsman") && !strstr(en, "Helsinki") && !strstr(en, "member state"));
	CHECK(fi && !strstr(fi, "Tietosuojavaltuutet") && !strstr(fi, "Helsinki") && !strstr(fi, "ETA-valtion"));
	free(en);
	free(fi);
}

TEST(test_answer_of_another_country_s_register_names_no_finnish_authority)
{
	char *en = letter_under("phone_country_code = 46\n", "en"), *fi = letter_under("phone_country_code = 46\n", "fi");

	CHECK(en && strstr(en, "authority:\n\n   the supervisory authority of the EU/EEA member state where you live or\n"
			       "   work, or where the infringement took place\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "valvontaviranomaiselle:\n\n   sen EU- tai ETA-valtion valvontaviranomainen, jossa "
			       "asutte tai\n   työskentelette tai jossa väitetty rikkominen on tapahtunut\n\nTamro"));
	CHECK(en && !strstr(en, "Ombudsman") && !strstr(en, "Helsinki"));
	CHECK(fi && !strstr(fi, "Tietosuojavaltuutet") && !strstr(fi, "Helsinki"));
	free(en);
	free(fi);
}

int main(void)
{
	RUN(test_answer_fills_values_and_numbers);
	RUN(test_answer_repeats_a_block_per_element_and_looks_keys_up_outwards);
	RUN(test_answer_skips_empty_values_and_inverts_them);
	RUN(test_answer_a_tag_alone_on_its_line_leaves_no_line);
	RUN(test_answer_refuses_unknown_keys_and_broken_blocks);
	RUN(test_answer_nests_blocks_of_the_same_name);
	RUN(test_answer_the_shipped_templates_fill_for_someone_in_and_not_in_the_register);
	RUN(test_answer_to_an_access_request_is_the_letter_it_always_was);
	RUN(test_answer_of_a_finnish_register_names_the_ombudsman_as_before);
	RUN(test_answer_names_the_supervisory_authority_the_policy_gives);
	RUN(test_answer_of_another_country_s_register_names_no_finnish_authority);
	T_DONE();
}
