/* Unit tests of meta/answer: the letter template filler fills values,
 * repeats blocks for lists, skips and inverts them on empty values, looks
 * keys up outwards, leaves no line for a tag alone on its line, and
 * refuses a key the model lacks and a block left open or closed twice;
 * the model of a request of nobody in the register says so; the letter
 * names the supervisory authority the policy gives, else the Finnish one
 * for a Finnish register only; the letter to an access request is as it
 * always was, and the letter to an erasure, a restriction or a
 * rectification says what was done for that request: what was erased
 * (whole recordings, and a chat or a shared file erased alone) and what
 * was kept and why, what was restricted, which fields were rectified; an
 * action on a call two people are in answers the requests of both, a
 * withdrawal of consent that erases it too. */
#include <stdlib.h>

#include "answer.h"
#include "request.h"
#include "retention.h"
#include "rights.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"

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
	static const char *const langs[] = { "fi", "en", "sv", "de", "fr" };
	static const char model[] =
		"{\"controller\": \"C Oy, Katu 1\", \"controller_name\": \"C Oy\", \"register\": \"R\","
		" \"privacy_contact\": \"dpo@c.fi\", \"date\": \"2026-06-10\", \"request\": 3, \"received\": \"2026-06-01\","
		" \"type\": \"access\", \"subject\": \"S-AAAAAA\", \"found\": %s, \"has_card\": true, \"has_audio\": true,"
		" \"export_dir\": null, \"purposes\": [{\"purpose\": \"quality\", \"description\": \"Q\","
		" \"legal_basis\": \"contract\"}], \"recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"zone\": \"UTC\","
		" \"kind\": \"call\", \"source\": \"cs\", \"purpose\": \"quality\", \"legal_basis\": \"contract\","
		" \"retention_until\": \"2027-05-01\", \"restricted\": true, \"on_hold\": false}],"
		" \"recipients\": [{\"name\": \"G\", \"recipient\": \"g\", \"outside_eea\": true, \"safeguard\": \"SCC\","
		" \"dates\": \"2026-06-02\"}], \"sources\": [{\"text\": \"telephony\"}]}";

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
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
	CHECK_EQ(answer_model(&r, &q, lang, NULL, NULL, NULL, &m), 0);
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
	" \"export_dir\": \"/srv/answers/S-AAAAAA\", \"export_has_recordings\": true,"
	" \"purposes\": [{\"purpose\": \"quality\", \"description\": \"Q\", \"legal_basis\": \"contract\","
	" \"basis_contract\": true}, {\"purpose\": \"tax\", \"description\": \"T\", \"legal_basis\":"
	" \"legal_obligation\", \"basis_legal_obligation\": true}],"
	" \"recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"zone\": \"UTC\", \"kind\": \"call\", \"kind_call\": true,"
	" \"source\": \"cs\", \"purpose\": \"quality\", \"legal_basis\": \"contract\", \"basis_contract\": true,"
	" \"retention_until\": \"2027-05-01\", \"restricted\": true, \"on_hold\": false, \"exempt\": false},"
	" {\"date\": \"2026-05-02\", \"time\": \"11:00\", \"zone\": \"UTC\", \"kind\": \"meeting\", \"kind_meeting\": true,"
	" \"source\": \"cm\", \"purpose\": \"tax\", \"legal_basis\": \"legal_obligation\","
	" \"basis_legal_obligation\": true, \"retention_until\": \"2032-05-02\", \"restricted\": false,"
	" \"on_hold\": true, \"exempt\": true}],"
	" \"recipients\": [{\"name\": \"G\", \"recipient\": \"g\", \"outside_eea\": true, \"safeguard\": \"SCC\","
	" \"dates\": \"2026-06-02\"}, {\"name\": \"H\", \"recipient\": \"h\", \"outside_eea\": false,"
	" \"safeguard\": null, \"dates\": \"2026-06-03, 2026-06-04\"}], \"sources\": [{\"text\": \"telephony\"}],"
	" \"erased\": [{\"kind\": \"call\", \"kind_call\": true, \"erased_on\": \"2026-06-05\"}],"
	" \"erased_count\": 1, \"card_erased\": false, \"kept\": true, \"ground\": \"Art. 17(3)(b)\","
	" \"restricted_recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"zone\": \"UTC\", \"kind\": \"call\","
	" \"kind_call\": true, \"since\": \"2026-06-05\", \"still\": true}],"
	" \"rectified\": [{\"field\": \"phone\", \"field_phone\": true, \"on\": \"2026-06-05\"}],"
	" \"objected\": [], \"has_objected\": false, \"acted\": true,"
	" \"supervisory_authority\": null, \"supervisory_authority_finland\": true,"
	" \"supervisory_authority_unnamed\": false}";

/* A recording the export withheld (bb12 F8: a protected one) is listed in
 * section 6 as not in the copy, by its date and time, in every language;
 * the others are not, and without one the paragraph is not there. */
TEST(test_answer_lists_a_recording_withheld_from_the_copy)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };
	static const char *const lines[] = { "   - 2026-05-02 at 11:00 UTC\n", "   - 2026-05-02 klo 11:00 UTC\n",
					     "   - 2026-05-02 kl. 11:00 UTC\n", "   - 2026-05-02 um 11:00 UTC\n",
					     "   - 2026-05-02 à 11:00 UTC\n" };
	static const char *const audio[] = { "the audio recordings", "äänitallenteet", "ljudinspelningarna",
					     "Audioaufzeichnungen", "enregistrements audio" };

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = slurp(tpl_path);
		json_t *m = json_loads(access_model, 0, NULL);
		char *out = NULL, *six;

		CHECK(tpl && m);
		if (tpl && m) {
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			six = out ? strstr(out, "\n6. ") : NULL;
			CHECK(six && !strstr(six, "   - 2026-05-0"));
			free(out);
			out = NULL;
			json_object_set_new(m, "export_withheld", json_true());
			json_object_set_new(json_array_get(json_object_get(m, "recordings"), 1), "not_in_copy",
					    json_true());
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			six = out ? strstr(out, "\n6. ") : NULL;
			CHECK(six && strstr(six, lines[i]) && !strstr(six, "   - 2026-05-01"));
			CHECK(six && strstr(six, audio[i]));
			/* Both withheld: the copy holds no recording, and the
			 * letter does not say it holds their audio (atk39 F5). */
			free(out);
			out = NULL;
			json_object_set_new(m, "export_has_recordings", json_false());
			json_object_set_new(json_array_get(json_object_get(m, "recordings"), 0), "not_in_copy",
					    json_true());
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			six = out ? strstr(out, "\n6. ") : NULL;
			CHECK(six && strstr(six, "   - 2026-05-01") && !strstr(six, audio[i]) && !strstr(six, "{{"));
		}
		free(out);
		json_decref(m);
		free(tpl);
		free(tpl_path);
	}
}

/* A card that holds a reference (has_ref): the categories name it, in
 * the words of each language's rectification part, after the contact
 * details. */
TEST(test_answer_categories_name_the_reference_of_a_card_that_has_one)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };
	static const char *const words[] = { "   - your customer or reference number (",
					     "   - asiakas- tai viitenumeronne (", "   - ditt kund- eller referensnummer (",
					     "   - Ihre Kunden- oder Referenznummer (",
					     "   - votre numéro de client ou de référence (" };

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = slurp(tpl_path);
		json_t *m = json_loads(access_model, 0, NULL);
		char *out = NULL, *cats, *end;

		CHECK(tpl && m);
		if (tpl && m) {
			json_object_set_new(m, "has_ref", json_true());
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			cats = out ? strstr(out, "\n2. ") : NULL;
			end = cats ? strstr(cats, "\n3. ") : NULL;
			CHECK(cats && end);
			if (cats && end) {
				*end = 0;
				CHECK(strstr(cats, words[i]) != NULL);
			}
		}
		free(out);
		json_decref(m);
		free(tpl);
		free(tpl_path);
	}
}

TEST(test_answer_to_an_access_request_is_the_letter_it_always_was)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
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

/*
 * A purpose with special categories of data: each letter names them and
 * their Art. 9(2) condition after the purpose's legal basis, with the
 * article's point in the language's form for each of the ten conditions,
 * and lists them among the categories of data (Art. 15(1)(b)).  A model
 * that says a purpose has none (special false, special_data empty) is the
 * letter it always was.
 */
TEST(test_answer_names_special_categories_and_their_condition_beside_the_basis)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };
	static const char *const cite[] = { "(Art. 9(2)(%c))", "(9 artiklan 2 kohdan %c alakohta)", "(artikel 9.2 %c)",
					    "(Art. 9 Abs. 2 lit. %c)", "(article 9, paragraphe 2, point %c))" };
	static const char *const health[] = { "health data", "terveystiedot", "hälsouppgifter", "Gesundheitsdaten",
					      "données de santé" };

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = slurp(tpl_path);
		char *want_path = xasprintf("tests/fixtures/answer-access.%s.txt", langs[i]), *want = slurp(want_path);
		json_t *m = json_loads(access_model, 0, NULL), *pu, *cats, *v;
		char *out = NULL;
		size_t k;

		CHECK(tpl && want && m);
		if (!tpl || !want || !m)
			goto next;
		json_array_foreach(json_object_get(m, "purposes"), k, v) {
			json_object_set_new(v, "special", json_false());
			json_object_set_new(v, "special_categories", json_array());
		}
		json_object_set_new(m, "special_data", json_array());
		CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
		if (out)
			CHECK_STR(out, want);
		free(out);
		out = NULL;
		pu = json_array_get(json_object_get(m, "purposes"), 0);
		cats = json_loads("[{\"cat_genetic\": true, \"more\": true}, {\"cat_health\": true, \"more\": false}]", 0,
				  NULL);
		json_object_set_new(pu, "special", json_true());
		json_object_set_new(pu, "special_categories", cats);
		json_object_set_new(m, "special_data", json_loads("[{\"cat_genetic\": true}, {\"cat_health\": true}]", 0, NULL));
		for (int c = 0; policy_special_conditions[c]; c++) {
			char *flag = xasprintf("condition_%s", policy_special_conditions[c]);
			char *want_cite = xasprintf(cite[i], 'a' + c), *first, *second, *cat2, *end;

			/* one condition at a time */
			for (int o = 0; policy_special_conditions[o]; o++) {
				char *other = xasprintf("condition_%s", policy_special_conditions[o]);

				json_object_del(pu, other);
				free(other);
			}
			json_object_set_new(pu, flag, json_true());
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			/* in the first purpose's item, not the second's */
			first = out ? strstr(out, "(quality)") : NULL;
			second = first ? strstr(first, "(tax)") : NULL;
			CHECK(first && second);
			if (first && second) {
				*second = '\0';
				CHECK(strstr(first, want_cite) != NULL);
				CHECK(strstr(first, health[i]) != NULL);
				*second = '(';
				cat2 = strstr(second, "\n2. ");
				end = cat2 ? strstr(cat2, "\n3. ") : NULL;
				CHECK(!strstr(second, want_cite) && cat2 && end);
				if (cat2 && end) {
					*end = '\0';
					CHECK(strstr(cat2, health[i]) != NULL);
				}
			}
			if (c == 0 && i == 0 && first)
				CHECK(strstr(out, "   - Q (quality);\n     legal basis: contract (Art. 6(1)(b));\n"
						  "     special categories of personal data (Art. 9(1)): genetic data, "
						  "health data;\n     condition for processing them: explicit consent "
						  "(Art. 9(2)(a))\n   - T (tax);\n") != NULL);
			free(out);
			out = NULL;
			free(want_cite);
			free(flag);
		}
next:
		json_decref(m);
		free(want);
		free(want_path);
		free(tpl);
		free(tpl_path);
	}
}

/* The lines of s that start with prefix, counted. */
static int lines_starting(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += !strncmp(l, prefix, strlen(prefix));
	return n;
}

/*
 * Every block of the Swedish, German and French templates fills: the access model
 * turned into an erasure, a consent withdrawal and an objection request
 * that did everything a letter reports (erasures with and without a kind,
 * a chat and a file erased, the card, a lifted restriction, each field
 * rectified, an objection, a ground, recipients told), under each kind of
 * supervisory authority.  No tag is left, the letter has as many list items
 * as the English one, and it words them in its own language.
 */
/*
 * An erasure letter gives the why of a public-task recording it kept
 * (Art. 17(3)(b), as for a legal obligation), in every language, where it
 * said only "not erased" (bb7 F6).
 */
TEST(test_answer_erasure_letter_says_why_a_public_task_recording_was_kept)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };
	static const char *const why[] = { "public\n     interest", "yleisen edun", "allmänt\n     intresse",
					   "im öffentlichen Interesse", "mission d'intérêt public" };
	/* the words of a recording kept with no why, on its own line */
	static const char *const not_erased[] = { "     not erased", "     ei poistettu", "     inte raderat",
						  "     nicht gelöscht", "     enregistrement non effacé" };
	static const char kept[] =
		"{\"type_access\": false, \"type_erasure\": true, \"reports_actions\": true, \"acted\": true,"
		" \"kept\": true, \"recordings\": [{\"date\": \"2026-05-02\", \"time\": \"11:00\", \"zone\": \"UTC\", \"kind\":"
		" \"meeting\", \"kind_meeting\": true, \"source\": \"cm\", \"purpose\": \"care\", \"legal_basis\":"
		" \"public_task\", \"basis_public_task\": true, \"retention_until\": \"2032-05-02\","
		" \"restricted\": false, \"on_hold\": false, \"exempt\": true}]}";

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]), *tpl = slurp(tpl_path);
		json_t *m = json_loads(access_model, 0, NULL), *extra = json_loads(kept, 0, NULL);
		char *out = NULL;

		CHECK(tpl && m && extra);
		if (tpl && m && extra) {
			json_object_update(m, extra);
			CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
			CHECK(out && strstr(out, why[i]));
			CHECK(out && strstr(out, "17"));
			CHECK(out && !strstr(out, not_erased[i]));
			if (out && (!strstr(out, why[i]) || strstr(out, not_erased[i])))
				fprintf(stderr, "  %s: the letter:\n%s\n", langs[i], out);
		}
		free(out);
		json_decref(m);
		json_decref(extra);
		free(tpl);
		free(tpl_path);
	}
}

TEST(test_answer_swedish_and_german_letters_fill_every_block)
{
	static const char *const types[] = { "erasure", "consent_withdrawal", "objection" };
	static const char *const langs[] = { "en", "sv", "de", "fr" };
	static const char *const words[][3] = {
		{ "   - call, erased on 2026-06-05", "   - the chat of a meeting, erased on 2026-06-07",
		  "   - your customer or reference number, on 2026-06-05" },
		{ "   - samtal, raderat den 2026-06-05", "   - chatten i ett möte, raderad den 2026-06-07",
		  "   - ditt kund- eller referensnummer, den 2026-06-05" },
		{ "   - Anruf, gelöscht am 2026-06-05", "   - der Chat einer Besprechung, gelöscht am 2026-06-07",
		  "   - Ihre Kunden- oder Referenznummer, am 2026-06-05" },
		{ "   - appel, effacé le 2026-06-05", "   - le chat d'une réunion, effacé le 2026-06-07",
		  "   - votre numéro de client ou de référence, le 2026-06-05" },
	};
	/* English a French letter must not hold */
	static const char *const english[] = { "Your ", "erased", "recording", "legal basis", " kept",
					       "restricted", "UTC:", " on 20", NULL };
	static const char acts[] =
		"{\"type_access\": false, \"reports_actions\": true, \"has_erased\": true, \"erased_count\": 2,"
		" \"erased\": [{\"kind\": \"call\", \"kind_call\": true, \"erased_on\": \"2026-06-05\"},"
		" {\"kind\": null, \"erased_on\": \"2026-06-06\"}], \"has_erased_attachments\": true,"
		" \"erased_attachments\": [{\"attachment\": \"chat\", \"attachment_chat\": true, \"kind\": \"meeting\","
		" \"kind_meeting\": true, \"erased_on\": \"2026-06-07\"}, {\"attachment\": \"file\","
		" \"attachment_file\": true, \"kind\": null, \"erased_on\": \"2026-06-08\"}], \"card_erased\": true,"
		" \"has_restricted\": true, \"restricted_recordings\": [{\"date\": \"2026-05-01\", \"time\": \"10:15\", \"zone\": \"UTC\","
		" \"kind\": \"call\", \"kind_call\": true, \"since\": \"2026-06-05\", \"still\": false}],"
		" \"has_rectified\": true, \"rectified\": [{\"field\": \"name\", \"field_name\": true, \"on\": \"2026-06-05\"},"
		" {\"field\": \"phone\", \"field_phone\": true, \"on\": \"2026-06-05\"}, {\"field\": \"email\","
		" \"field_email\": true, \"on\": \"2026-06-05\"}, {\"field\": \"organisation\", \"field_organisation\": true,"
		" \"on\": \"2026-06-05\"}, {\"field\": \"ref\", \"field_ref\": true, \"on\": \"2026-06-05\"}],"
		" \"has_objected\": true, \"objected\": [{\"purpose\": \"quality\", \"description\": \"Q\"}],"
		" \"changed\": true, \"acted\": true, \"notify_recipients\": true, \"export_dir\": null}";
	json_t *base = json_loads(access_model, 0, NULL), *extra = json_loads(acts, 0, NULL);

	CHECK(base && extra);
	if (!base || !extra)
		goto out;
	json_object_update(base, extra);
	for (size_t t = 0; t < sizeof(types) / sizeof(*types); t++) {
		for (int a = 0; a < 3; a++) {
			int items = -1;

			for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
				char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", langs[i]);
				char *tpl = slurp(tpl_path), *key = xasprintf("type_%s", types[t]), *out = NULL;
				json_t *m = json_deep_copy(base);

				json_object_set_new(m, key, json_true());
				json_object_set_new(m, "supervisory_authority",
						    a == 0 ? json_string("IMY, Box 8114, 104 20 Stockholm") : json_null());
				json_object_set_new(m, "supervisory_authority_finland", json_boolean(a == 1));
				json_object_set_new(m, "supervisory_authority_unnamed", json_boolean(a == 2));
				CHECK(tpl != NULL);
				if (tpl)
					CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
				CHECK(out && strstr(out, "{{") == NULL && strstr(out, "}}") == NULL);
				for (int w = 0; out && w < 3; w++)
					CHECK(strstr(out, words[i][w]) != NULL);
				if (out && items < 0)
					items = lines_starting(out, "   - ");
				else if (out)
					CHECK_EQ(lines_starting(out, "   - "), items);
				CHECK(!out || a != 0 || strstr(out, "   IMY, Box 8114, 104 20 Stockholm\n"));
				CHECK(!out || a != 1 || strstr(out, "tietosuoja@om.fi"));
				CHECK(!out || a == 1 || !strstr(out, "tietosuoja@om.fi"));
				for (int e = 0; out && !strcmp(langs[i], "fr") && english[e]; e++)
					if (strstr(out, english[e])) {
						fprintf(stderr, "  English in the French letter: '%s'\n", english[e]);
						CHECK(0);
					}
				CHECK(!out || strcmp(langs[i], "fr") || a != 2 ||
				      strstr(out, "   l'autorité de contrôle de l'État membre de l'UE/EEE"));
				CHECK(!out || strcmp(langs[i], "fr") || a != 1 || strstr(out, "Finlande\n"));
				free(out);
				json_decref(m);
				free(key);
				free(tpl);
				free(tpl_path);
			}
		}
	}
out:
	json_decref(base);
	json_decref(extra);
}

/* A register of its own for the tests of what was done (made once). */
static char *rdir;
static struct reg *rreg;
static struct keyring *rsecrets;
static struct audit_actor ractor;
static int rprivacy;

static int reg_up(void)
{
	if (rreg)
		return 0;
	if (!(rdir = t_mkdtemp("answer-acts")) || t_register(rdir, &rsecrets, &rreg))
		return -1;
	rprivacy = rreg->policy->rights_level;
	audit_self(&ractor, "privacy");
	return 0;
}

/* Ingest a call of the subject with phone number phone, recorded at when;
 * its id (malloc'd) or NULL. */
static char *call_of(const char *name, const char *phone, const char *when)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\", \"subjects\": [{\"role\":"
			       " \"customer\", \"name\": \"Matti Meikäläinen\", \"phone\": \"%s\"}], \"audio\":"
			       " \"%s.opus\"}", when, phone, name);
	struct ingest_result res;
	char *id = NULL;

	if (t_ingest_text(rdir, rreg, rsecrets, &ractor, name, text, &res) == 0)
		id = xstrdup(res.recording);
	free(text);
	return id;
}

static int copy_handle(const char *recording, const char *handle, const char *role, void *ctx)
{
	(void)recording;
	(void)role;
	snprintf(ctx, CATALOG_HANDLE_MAX, "%s", handle);
	return 1;
}

/* The letter in lang to request id, and its model in *model (may be NULL). */
static char *letter_to(int64_t id, const char *lang, json_t **model)
{
	char *tpl_path = xasprintf("packaging/templates/answer.%s.txt", lang), *tpl = slurp(tpl_path), *out = NULL;
	struct cat_request q = { 0 };
	json_t *m = NULL;

	CHECK(tpl != NULL);
	CHECK_EQ(request_get(rreg, id, &q), 0);
	CHECK_EQ(answer_model(rreg, &q, lang, NULL, NULL, NULL, &m), 0);
	if (tpl && m)
		CHECK_EQ(answer_render(tpl, strlen(tpl), m, &out), 0);
	if (model)
		*model = json_incref(m);
	json_decref(m);
	cat_request_clear(&q);
	free(tpl);
	free(tpl_path);
	return out ? out : xstrdup("");
}

static const char *str_at(const json_t *m, const char *list, size_t i, const char *key)
{
	const char *v = json_string_value(json_object_get(json_array_get(json_object_get(m, list), i), key));

	return v ? v : "(none)";
}

TEST(test_answer_to_an_erasure_names_what_was_erased_and_what_was_kept_and_why)
{
	char handle[CATALOG_HANDLE_MAX] = "";
	char *r1, *r2, *r3, *en, *fi, *acc_letter, *obj_letter;
	int64_t acc = 0, era = 0, obj = 0;
	json_t *m = NULL, *am = NULL, *om = NULL;

	if (reg_up())
		return;
	r1 = call_of("er1", "+358401110001", "2026-05-01T10:15:00Z");
	r2 = call_of("er2", "+358401110001", "2026-05-02T11:30:00Z");
	r3 = call_of("er3", "+358401110001", "2026-05-03T09:00:00Z");
	CHECK(r1 && r2 && r3);
	if (!r1 || !r2 || !r3)
		goto out;
	CHECK_EQ(catalog_each_link(rreg->cat, r1, copy_handle, handle), 1);
	/* An access request and an objection of the same subject are open,
	 * and older: the erasures are the erasure request's all the same
	 * (an erasure may answer an objection, but an erasure request
	 * first). */
	CHECK_EQ(request_new(rreg, &ractor, "access", handle, "passport", &acc), 0);
	CHECK_EQ(request_new(rreg, &ractor, "objection", handle, "passport", &obj), 0);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", handle, "passport", &era), 0);
	CHECK_EQ(rights_set_hold(rreg, &ractor, rprivacy, r3, "tax audit 2026"), 0);
	CHECK_EQ(rights_erase_recording(rreg, &ractor, rprivacy, r1, "rm"), 0);
	CHECK_EQ(rights_erase_recording(rreg, &ractor, rprivacy, r2, "rm"), 0);
	CHECK_EQ(rights_erase_recording(rreg, &ractor, rprivacy, r3, "rm"), -EPERM);

	en = letter_to(era, "en", &m);
	CHECK_EQ(json_integer_value(json_object_get(m, "erased_count")), 2);
	CHECK(!json_object_get(json_array_get(json_object_get(m, "erased"), 0), "date"));
	CHECK_STR(str_at(m, "erased", 1, "kind"), "call");
	CHECK_STR(str_at(m, "erased", 1, "erased_on"), "2026-06-10");
	CHECK(json_is_true(json_object_get(json_array_get(json_object_get(m, "recordings"), 0), "on_hold")));
	CHECK(json_is_true(json_object_get(json_array_get(json_object_get(m, "recordings"), 0), "exempt")));
	CHECK(strstr(en, "What was done on your request\n\n   Recordings erased: 2\n"
			 "   - call, erased on 2026-06-10\n"
			 "   - call, erased on 2026-06-10\n") != NULL);
	CHECK(strstr(en, "   Recordings that were not erased, and why:\n"
			 "   - 2026-05-03 at 09:00 UTC: call;\n"
			 "     kept under a legal hold: it is needed for the establishment,\n"
			 "     exercise or defence of legal claims (Art. 17(3)(e))\n") != NULL);
	CHECK(strstr(en, "tax audit") == NULL);	/* the hold's reason is sealed, not the letter's */
	CHECK(strstr(en, "{{") == NULL);
	fi = letter_to(era, "fi", NULL);
	CHECK(strstr(fi, "   Poistettuja tallenteita: 2\n   - puhelu, poistettu 2026-06-10\n") != NULL);
	CHECK(strstr(fi, "   - 2026-05-03 klo 09:00 UTC: puhelu;\n     säilytetään oikeudellisen pidon vuoksi") != NULL);
	/* The access request was not what the erasures answered. */
	acc_letter = letter_to(acc, "en", &am);
	CHECK_EQ(json_integer_value(json_object_get(am, "erased_count")), 0);
	CHECK(strstr(acc_letter, "Recordings erased") == NULL);
	CHECK(strstr(acc_letter, "What was done") == NULL);
	free(acc_letter);
	/* Nor the objection: it has no erasure, and no objection recorded
	 * (no heading over an empty list). */
	obj_letter = letter_to(obj, "en", &om);
	CHECK_EQ(json_integer_value(json_object_get(om, "erased_count")), 0);
	CHECK(strstr(obj_letter, "Recordings erased") == NULL);
	CHECK(strstr(obj_letter, "is recorded for these") == NULL);
	CHECK(strstr(obj_letter, "records no erasure, restriction or rectification") != NULL);
	free(obj_letter);
	free(fi);
	free(en);
out:
	json_decref(om);
	json_decref(am);
	json_decref(m);
	free(r1);
	free(r2);
	free(r3);
}

/* The letter to an erasure that took every recording and the card: no
 * purpose, no source and no card category are left, and the letter says
 * so rather than leaving empty headings or naming the card. */
TEST(test_answer_to_an_erasure_of_everything_names_no_card_and_no_empty_heading)
{
	char handle[CATALOG_HANDLE_MAX] = "";
	char *r1, *en = NULL, *fi = NULL;
	int64_t era = 0;
	json_t *m = NULL;

	if (reg_up())
		return;
	r1 = call_of("all1", "+358401110077", "2026-05-04T10:14:00Z");
	CHECK(r1 != NULL);
	if (!r1)
		return;
	CHECK_EQ(catalog_each_link(rreg->cat, r1, copy_handle, handle), 1);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", handle, "passport", &era), 0);
	en = letter_to(era, "en", &m);
	CHECK(json_is_true(json_object_get(m, "has_card")));
	CHECK(json_is_false(json_object_get(m, "has_ref")));	/* a card of name and phone */
	CHECK(strstr(en, "   - your name and contact details (telephone, e-mail, organisation)") != NULL);
	CHECK(strstr(en, "reference number") == NULL);
	free(en);
	json_decref(m);
	m = NULL;
	CHECK_EQ(rights_erase_subject(rreg, &ractor, rprivacy, handle), 0);
	en = letter_to(era, "en", &m);
	CHECK(json_is_true(json_object_get(m, "card_erased")));
	CHECK(!json_is_true(json_object_get(m, "has_card")));
	CHECK(strstr(en, "Your name and contact details have been erased as well.") != NULL);
	CHECK(strstr(en, "your name and contact details (telephone") == NULL);
	CHECK(strstr(en, "1. Purposes of the processing and their legal bases\n\n"
			 "   None any more: no recording of you is processed.\n") != NULL);
	CHECK(strstr(en, "5. Where the data comes from\n\n   Nothing of you is held any more.\n") != NULL);
	fi = letter_to(era, "fi", NULL);
	CHECK(strstr(fi, "   Ei enää yhtään: teitä koskevia tallenteita ei käsitellä.\n") != NULL);
	CHECK(strstr(fi, "   Teistä ei enää säilytetä mitään.\n") != NULL);
	free(fi);
	free(en);
	json_decref(m);
	free(r1);
}

/* A handle of recording whose card has phone (the one of the two linked). */
struct handle_by_phone {
	const char *phone;
	char handle[CATALOG_HANDLE_MAX];
};

static int handle_of_phone(const char *recording, const char *handle, const char *role, void *ctx)
{
	struct handle_by_phone *h = ctx;
	struct idlist found = { 0 };
	int mine;

	(void)recording;
	(void)role;
	mine = subject_find_all(rreg, keyring_index_key(rsecrets), "phone", h->phone, &found) == 0 && found.n &&
	       !strcmp(found.id[0], handle);
	idlist_free(&found);
	if (mine)
		snprintf(h->handle, sizeof(h->handle), "%s", handle);
	return 0;
}

/* A call two people are in: its erasure answers the erasure request of
 * one before the other's objection, whichever the links give first. */
TEST(test_answer_an_erasure_of_a_shared_call_is_the_erasure_request_s)
{
	static const char text[] =
		"{\"recorded_at\": \"2026-05-06T09:00:00Z\", \"source\": \"customer-service\", \"subjects\": ["
		"{\"role\": \"customer\", \"name\": \"Olli Objector\", \"phone\": \"+358401110031\"},"
		"{\"role\": \"customer\", \"name\": \"Eeva Eraser\", \"phone\": \"+358401110032\"}],"
		" \"audio\": \"shared1.opus\"}";
	struct handle_by_phone o = { "+358401110031", "" }, e = { "+358401110032", "" };
	struct ingest_result res;
	char *rec = NULL, *letter = NULL;
	int64_t obj = 0, era = 0;
	json_t *om = NULL, *em = NULL;

	if (reg_up())
		return;
	CHECK_EQ(t_ingest_text(rdir, rreg, rsecrets, &ractor, "shared1", text, &res), 0);
	rec = xstrdup(res.recording);
	CHECK_EQ(catalog_each_link(rreg->cat, rec, handle_of_phone, &o), 0);
	CHECK_EQ(catalog_each_link(rreg->cat, rec, handle_of_phone, &e), 0);
	CHECK(o.handle[0] && e.handle[0] && strcmp(o.handle, e.handle));
	if (!o.handle[0] || !e.handle[0])
		goto out;
	CHECK_EQ(request_new(rreg, &ractor, "objection", o.handle, "passport", &obj), 0);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", e.handle, "passport", &era), 0);
	CHECK_EQ(rights_erase_recording(rreg, &ractor, rprivacy, rec, "rm"), 0);
	letter = letter_to(era, "en", &em);
	CHECK_EQ(json_integer_value(json_object_get(em, "erased_count")), 1);
	CHECK(strstr(letter, "Recordings erased: 1") != NULL);
	free(letter);
	letter = letter_to(obj, "en", &om);
	CHECK_EQ(json_integer_value(json_object_get(om, "erased_count")), 0);
	CHECK(strstr(letter, "Recordings erased") == NULL);
out:
	free(letter);
	json_decref(om);
	json_decref(em);
	free(rec);
}

/* A call of purpose (NULL: the source's) that the people with phones p1
 * and p2 are in, recorded at when; its id (malloc'd) or NULL, their
 * handles in h1 and h2. */
static char *shared_call(const char *name, const char *when, const char *purpose, struct handle_by_phone *h1,
			 struct handle_by_phone *h2)
{
	char *text = xasprintf("{\"recorded_at\": \"%s\", \"source\": \"customer-service\", %s%s%s\"subjects\": ["
			       "{\"role\": \"customer\", \"name\": \"First Person\", \"phone\": \"%s\"},"
			       "{\"role\": \"customer\", \"name\": \"Second Person\", \"phone\": \"%s\"}],"
			       " \"audio\": \"%s.opus\"}", when, purpose ? "\"purpose\": \"" : "",
			       purpose ? purpose : "", purpose ? "\", " : "", h1->phone, h2->phone, name);
	struct ingest_result res;
	char *rec = NULL;

	if (t_ingest_text(rdir, rreg, rsecrets, &ractor, name, text, &res) == 0)
		rec = xstrdup(res.recording);
	free(text);
	CHECK(rec != NULL);
	if (rec) {
		CHECK_EQ(catalog_each_link(rreg->cat, rec, handle_of_phone, h1), 0);
		CHECK_EQ(catalog_each_link(rreg->cat, rec, handle_of_phone, h2), 0);
		CHECK(h1->handle[0] && h2->handle[0] && strcmp(h1->handle, h2->handle));
	}
	if (rec && (!h1->handle[0] || !h2->handle[0])) {
		free(rec);
		rec = NULL;
	}
	return rec;
}

/* The reason of the last entry of action on object. */
struct last_reason {
	const char *action;
	char reason[256];
};

static int copy_reason(const struct audit_entry *e, void *ctx)
{
	struct last_reason *l = ctx;

	if (!strcmp(e->action, l->action))
		snprintf(l->reason, sizeof(l->reason), "%s", e->reason ? e->reason : "");
	return 0;
}

/* Two people in one call, each with an open erasure request: the rm of
 * the call answers both, and each one's letter lists it; the same for a
 * restriction and two restriction requests. */
TEST(test_answer_an_erasure_of_a_shared_call_answers_every_subject_s_request)
{
	struct handle_by_phone a = { "+358401110041", "" }, b = { "+358401110042", "" };
	struct handle_by_phone c = { "+358401110043", "" }, d = { "+358401110044", "" };
	struct last_reason lr = { "erase", "" };
	char *rec = NULL, *rec2 = NULL, *letter = NULL, *want = NULL;
	int64_t ea = 0, eb = 0, rc_ = 0, rd = 0;
	json_t *m = NULL;

	if (reg_up())
		return;
	rec = shared_call("both1", "2026-05-07T09:00:00Z", NULL, &a, &b);
	rec2 = shared_call("both2", "2026-05-08T10:30:00Z", NULL, &c, &d);
	if (!rec || !rec2)
		goto out;
	CHECK_EQ(request_new(rreg, &ractor, "erasure", a.handle, "passport", &ea), 0);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", b.handle, "passport", &eb), 0);
	CHECK_EQ(rights_erase_recording(rreg, &ractor, rprivacy, rec, "rm"), 0);
	CHECK_EQ(audit_each(rreg->cat, rec, copy_reason, &lr), 0);
	/* and, last, the subjects linked to the call (sorted), whose
	 * accesses keep it once it is erased (audit_subject_objects) */
	want = xasprintf("rm request=%lld,%lld kind=call basis=contract purpose=quality subject=%s subject=%s", (long long)ea, (long long)eb,
			 strcmp(a.handle, b.handle) < 0 ? a.handle : b.handle,
			 strcmp(a.handle, b.handle) < 0 ? b.handle : a.handle);
	CHECK_STR(lr.reason, want);
	for (int i = 0; i < 2; i++) {
		letter = letter_to(i ? eb : ea, "en", &m);
		CHECK_EQ(json_integer_value(json_object_get(m, "erased_count")), 1);
		CHECK(strstr(letter, "   Recordings erased: 1\n   - call, erased on 2026-06-10\n") != NULL);
		CHECK(strstr(letter, "records no erasure") == NULL);
		free(letter);
		json_decref(m);
		m = NULL;
		letter = letter_to(i ? eb : ea, "fi", NULL);
		CHECK(strstr(letter, "   Poistettuja tallenteita: 1\n   - puhelu, poistettu 2026-06-10\n") != NULL);
		free(letter);
		letter = NULL;
	}
	CHECK_EQ(request_new(rreg, &ractor, "restriction", c.handle, "passport", &rc_), 0);
	CHECK_EQ(request_new(rreg, &ractor, "restriction", d.handle, "passport", &rd), 0);
	CHECK_EQ(rights_restrict(rreg, &ractor, rprivacy, rec2, NULL), 0);
	for (int i = 0; i < 2; i++) {
		letter = letter_to(i ? rd : rc_, "en", &m);
		CHECK_EQ(json_array_size(json_object_get(m, "restricted_recordings")), 1);
		CHECK(strstr(letter, "   - 2026-05-08 at 10:30 UTC: call, restricted since 2026-06-10\n") != NULL);
		free(letter);
		letter = NULL;
		json_decref(m);
		m = NULL;
	}
out:
	free(want);
	free(letter);
	json_decref(m);
	free(rec);
	free(rec2);
}

/* A restriction an objection makes answers the objector's objection, not
 * that of another person in the call who objects too. */
TEST(test_answer_a_restriction_by_one_s_objection_is_not_another_s)
{
	static const char *const training[] = { "training" };
	struct handle_by_phone a = { "+358401110045", "" }, b = { "+358401110046", "" };
	char *rec = NULL;
	int64_t oa = 0, ob = 0;
	json_t *ma = NULL, *mb = NULL;
	char *la = NULL, *lb = NULL;
	size_t n = 0;

	if (reg_up())
		return;
	rec = shared_call("obj2", "2026-05-09T12:00:00Z", "training", &a, &b);
	if (!rec)
		return;
	/* The second person's request is the older one. */
	CHECK_EQ(request_new(rreg, &ractor, "objection", b.handle, "passport", &ob), 0);
	CHECK_EQ(request_new(rreg, &ractor, "objection", a.handle, "passport", &oa), 0);
	CHECK_EQ(rights_object(rreg, &ractor, rprivacy, a.handle, training, 1, &n, NULL), 0);
	CHECK_EQ(n, 1);
	la = letter_to(oa, "en", &ma);
	lb = letter_to(ob, "en", &mb);
	CHECK_EQ(json_array_size(json_object_get(ma, "restricted_recordings")), 1);
	CHECK_EQ(json_array_size(json_object_get(mb, "restricted_recordings")), 0);
	CHECK(strstr(lb, "records no erasure, restriction or rectification") != NULL);
	free(la);
	free(lb);
	json_decref(ma);
	json_decref(mb);
	free(rec);
}

/*
 * A withdrawal of consent erases a call another person is in: the erasure
 * answers the withdrawer's consent-withdrawal request and the other's
 * erasure request both.  Each letter lists the erasures of its own
 * person's calls: the withdrawer's both calls, the other's the call they
 * were in, never the withdrawer's call of their own.
 */
TEST(test_answer_a_withdrawal_of_consent_answers_the_erasure_request_of_another_in_the_call)
{
	struct handle_by_phone a = { "+358401110047", "" }, b = { "+358401110048", "" };
	struct handle_by_phone a2 = { "+358401110047", "" }, c = { "+358401110049", "" };
	struct last_reason lr = { "erase", "" };
	char *both = NULL, *own = NULL, *want = NULL, *la = NULL, *lb = NULL;
	struct consent_summary s;
	int64_t wa = 0, eb = 0;
	json_t *ma = NULL, *mb = NULL;

	if (reg_up())
		return;
	both = shared_call("wd1", "2026-05-13T08:00:00Z", "consent", &a, &b);
	own = shared_call("wd2", "2026-05-14T08:30:00Z", "consent", &a2, &c);
	if (!both || !own)
		goto out;
	CHECK_STR(a2.handle, a.handle);
	CHECK_EQ(request_new(rreg, &ractor, "consent-withdrawal", a.handle, "passport", &wa), 0);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", b.handle, "passport", &eb), 0);
	CHECK_EQ(retention_withdraw_consent(rreg, &ractor, a.handle, &s), 0);
	CHECK_EQ(s.erased, 2);
	CHECK_EQ(audit_each(rreg->cat, both, copy_reason, &lr), 0);
	want = xasprintf("withdraw-consent request=%lld,%lld kind=call basis=consent purpose=consent subject=%s subject=%s", (long long)wa,
			 (long long)eb, strcmp(a.handle, b.handle) < 0 ? a.handle : b.handle,
			 strcmp(a.handle, b.handle) < 0 ? b.handle : a.handle);
	CHECK_STR(lr.reason, want);
	free(want);
	/* The third person has no request: the call of the withdrawer's own
	 * names the withdrawal alone. */
	CHECK_EQ(audit_each(rreg->cat, own, copy_reason, &lr), 0);
	want = xasprintf("withdraw-consent request=%lld kind=call basis=consent purpose=consent subject=%s subject=%s", (long long)wa,
			 strcmp(a2.handle, c.handle) < 0 ? a2.handle : c.handle,
			 strcmp(a2.handle, c.handle) < 0 ? c.handle : a2.handle);
	CHECK_STR(lr.reason, want);
	la = letter_to(wa, "en", &ma);
	CHECK_EQ(json_integer_value(json_object_get(ma, "erased_count")), 2);
	CHECK(strstr(la, "Your consent is withdrawn") != NULL);
	CHECK(strstr(la, "   Recordings erased: 2\n") != NULL);
	lb = letter_to(eb, "en", &mb);
	CHECK_EQ(json_integer_value(json_object_get(mb, "erased_count")), 1);
	CHECK(strstr(lb, "   Recordings erased: 1\n   - call, erased on 2026-06-10\n") != NULL);
	CHECK(strstr(lb, "Your consent is withdrawn") == NULL);
	CHECK(strstr(lb, "records no erasure") == NULL);
out:
	json_decref(ma);
	json_decref(mb);
	free(la);
	free(lb);
	free(want);
	free(both);
	free(own);
}

/* The ids of a recording's chat and first shared file. */
struct parts {
	char chat[RECFS_ID_HEX], file[RECFS_ID_HEX];
};

static int copy_part(const struct cat_artifact *art, void *ctx)
{
	struct parts *p = ctx;

	if (!strcmp(art->role, "chat"))
		memcpy(p->chat, art->id, sizeof(p->chat));
	else if (!strcmp(art->role, "file") && art->n == 1)
		memcpy(p->file, art->id, sizeof(p->file));
	return 0;
}

/* The rm of a call's chat or shared file alone is in the erasure letter:
 * what it was and the kind of the recording, the day it was erased, never
 * the day the call was recorded; an entry that does not name the kind (an
 * older recfs's) takes it from the catalog. */
TEST(test_answer_to_an_erasure_lists_a_chat_and_a_file_erased_alone)
{
	static const char text[] =
		"{\"recorded_at\": \"2026-05-11T13:45:00Z\", \"source\": \"customer-service\", \"subjects\": ["
		"{\"role\": \"customer\", \"name\": \"Liisa Liite\", \"phone\": \"+358401110051\"}],"
		" \"audio\": \"parts1.opus\", \"attachments\": [{\"file\": \"parts1-chat.txt\", \"kind\": \"chat\"},"
		" {\"file\": \"parts1-slides.pdf\", \"kind\": \"presentation\"}]}";
	char handle[CATALOG_HANDLE_MAX] = "", *slides = NULL, *rec = NULL, *en = NULL, *fi = NULL, *old = NULL;
	struct parts p = { "", "" };
	struct ingest_result res;
	struct t_entry last;
	int64_t era = 0;
	json_t *m = NULL;

	if (reg_up())
		return;
	slides = xasprintf("%s/spool/parts1-slides.pdf", rdir);
	CHECK_EQ(util_write_file_atomic(slides, "%PDF-1.4\n", 9, 0600), 0);
	CHECK_EQ(t_ingest_text(rdir, rreg, rsecrets, &ractor, "parts1", text, &res), 0);
	rec = xstrdup(res.recording);
	CHECK_EQ(catalog_each_link(rreg->cat, rec, copy_handle, handle), 1);
	CHECK_EQ(catalog_each_artifact(rreg->cat, rec, copy_part, &p), 0);
	CHECK(p.chat[0] && p.file[0]);
	if (!p.chat[0] || !p.file[0])
		goto out;
	CHECK_EQ(request_new(rreg, &ractor, "erasure", handle, "passport", &era), 0);
	CHECK_EQ(rights_erase_artifact(rreg, &ractor, rprivacy, p.chat), 0);
	last = t_last_entry(rreg, rec);
	old = xasprintf("rm request=%lld kind=call basis=contract purpose=quality", (long long)era);
	CHECK_STR(last.action, "erase");
	CHECK_STR(last.artifact, "chat");
	CHECK_STR(last.reason, old);
	CHECK_EQ(rights_erase_artifact(rreg, &ractor, rprivacy, p.file), 0);
	free(old);
	/* As an older recfs logged a shared file's erasure: no kind. */
	old = xasprintf("rm request=%lld", (long long)era);
	CHECK_EQ(audit_log_artifact(rreg->cat, &ractor, "erase", rec, "2.pdf", "ok", old), 0);
	en = letter_to(era, "en", &m);
	CHECK_EQ(json_array_size(json_object_get(m, "erased_attachments")), 3);
	CHECK_STR(str_at(m, "erased_attachments", 2, "kind"), "call");
	CHECK_EQ(json_integer_value(json_object_get(m, "erased_count")), 0);
	CHECK(json_is_true(json_object_get(m, "changed")));
	CHECK(strstr(en, "What was done on your request\n\n   Files erased from your recordings:\n"
			 "   - the chat of a call, erased on 2026-06-10\n"
			 "   - a shared file of a call, erased on 2026-06-10\n"
			 "   - a shared file of a call, erased on 2026-06-10\n"
			 "   Erased files cannot be restored.\n") != NULL);
	CHECK(strstr(en, "Recordings erased") == NULL);
	CHECK(strstr(en, "records no erasure") == NULL);
	CHECK(strstr(en, "{{") == NULL);
	fi = letter_to(era, "fi", NULL);
	CHECK(strstr(fi, "   Tallenteistanne poistetut tiedostot:\n"
			 "   - puhelun chat-keskustelu, poistettu 2026-06-10\n"
			 "   - puhelun jaettu tiedosto, poistettu 2026-06-10\n") != NULL);
	CHECK(strstr(fi, "Rekisteriin ei ole kirjattu") == NULL);
	CHECK(strstr(fi, "{{") == NULL);
	/* Never the day the call was recorded, in the log or in the list. */
	CHECK_EQ(t_count(rreg, "SELECT count(*) FROM audit WHERE reason LIKE '%2026-05-11%'"), 0);
out:
	json_decref(m);
	free(en);
	free(fi);
	free(old);
	free(rec);
	free(slides);
}

/* An erasure of a recording many people are in names many requests: the
 * letter reads the whole list, however long, and a number only whole. */
TEST(test_answer_reads_a_long_list_of_requests_whole)
{
	char handle[CATALOG_HANDLE_MAX] = "", *r1 = NULL;
	struct strbuf why = { 0 };
	int64_t era = 0;
	json_t *m = NULL;
	char *letter;

	if (reg_up())
		return;
	r1 = call_of("many1", "+358401110061", "2026-05-12T10:00:00Z");
	CHECK(r1 != NULL);
	if (!r1)
		return;
	CHECK_EQ(catalog_each_link(rreg->cat, r1, copy_handle, handle), 1);
	CHECK_EQ(request_new(rreg, &ractor, "erasure", handle, "passport", &era), 0);
	strbuf_addf(&why, "rm request=");
	for (int i = 0; i < 60; i++)
		strbuf_addf(&why, "%d%lld,", 100000 + i, (long long)era);	/* numbers that end in era's */
	strbuf_addf(&why, "%lld kind=call", (long long)era);
	CHECK_EQ(audit_log(rreg->cat, &ractor, "erase", "0123456789abcdef0123456789abcdef", "ok", why.s), 0);
	letter = letter_to(era, "en", &m);
	CHECK_EQ(json_integer_value(json_object_get(m, "erased_count")), 1);
	free(letter);
	json_decref(m);
	strbuf_release(&why);
	free(r1);
}

TEST(test_answer_to_a_restriction_lists_the_restricted_recordings)
{
	char handle[CATALOG_HANDLE_MAX] = "";
	char *r1, *r2, *en = NULL, *fi = NULL;
	int64_t id = 0;
	json_t *m = NULL;

	if (reg_up())
		return;
	r1 = call_of("rs1", "+358401110002", "2026-05-04T10:15:00Z");
	r2 = call_of("rs2", "+358401110002", "2026-05-05T08:00:00Z");
	CHECK(r1 && r2);
	if (!r1 || !r2)
		goto out;
	CHECK_EQ(catalog_each_link(rreg->cat, r1, copy_handle, handle), 1);
	CHECK_EQ(request_new(rreg, &ractor, "restriction", handle, "passport", &id), 0);
	CHECK_EQ(rights_restrict(rreg, &ractor, rprivacy, r1, "contested accuracy"), 0);
	en = letter_to(id, "en", &m);
	CHECK_EQ(json_array_size(json_object_get(m, "restricted_recordings")), 1);
	CHECK(strstr(en, "   Recordings whose processing has been restricted (Art. 18):\n"
			 "   - 2026-05-04 at 10:15 UTC: call, restricted since 2026-06-10\n") != NULL);
	CHECK(strstr(en, "2026-05-05 at 08:00 UTC: call, restricted") == NULL);
	CHECK(strstr(en, "contested") == NULL);
	fi = letter_to(id, "fi", NULL);
	CHECK(strstr(fi, "   Tallenteet, joiden käsittelyä on rajoitettu (18 artikla):\n"
			 "   - 2026-05-04 klo 10:15 UTC: puhelu, rajoitettu 2026-06-10 alkaen\n") != NULL);
out:
	json_decref(m);
	free(en);
	free(fi);
	free(r1);
	free(r2);
}

TEST(test_answer_to_a_rectification_names_the_fields_never_the_values)
{
	char handle[CATALOG_HANDLE_MAX] = "";
	char *r1, *en = NULL, *fi = NULL;
	int64_t id = 0;

	if (reg_up())
		return;
	r1 = call_of("rc1", "+358401110003", "2026-05-06T10:15:00Z");
	CHECK(r1 != NULL);
	if (!r1)
		return;
	CHECK_EQ(catalog_each_link(rreg->cat, r1, copy_handle, handle), 1);
	CHECK_EQ(request_new(rreg, &ractor, "rectification", handle, "passport", &id), 0);
	CHECK_EQ(rights_rectify(rreg, rsecrets, &ractor, rprivacy, handle, "name", "Maija Oikaistu"), 0);
	CHECK_EQ(rights_rectify(rreg, rsecrets, &ractor, rprivacy, handle, "ref", "CRM-7788"), 0);
	en = letter_to(id, "en", NULL);
	CHECK(strstr(en, "   Your details that have been rectified (Art. 16):\n   - your name, on 2026-06-10\n"
			 "   - your customer or reference number, on 2026-06-10\n") != NULL);
	CHECK(strstr(en, "Oikaistu") == NULL && strstr(en, "Meikäläinen") == NULL && strstr(en, "CRM-7788") == NULL);
	fi = letter_to(id, "fi", NULL);
	CHECK(strstr(fi, "   Oikaistut tietonne (16 artikla):\n   - nimenne, oikaistu 2026-06-10\n"
			 "   - asiakas- tai viitenumeronne, oikaistu 2026-06-10\n") != NULL);
	CHECK(strstr(fi, "CRM-7788") == NULL);
	free(en);
	free(fi);
	free(r1);
}

TEST(test_answer_of_a_finnish_register_names_the_ombudsman_as_before)
{
	/* the letters' last lines as the templates wrote them before the
	 * authority came from the policy */
	char *en = letter_under(NULL, "en"), *fi = letter_under(NULL, "fi");

	CHECK(en && strstr(en, "with the supervisory\nauthority:\n\n"
			       "   Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)\n"
			       "   P.O. Box 800, FI-00531 Helsinki, Finland\n"
			       "   tietosuoja@om.fi, https://tietosuoja.fi\n\n"
			       "You may also take the matter to court: you have the right to an\neffective judicial remedy against the controller (Art. 79).\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "teillä on oikeus tehdä valitus\nvalvontaviranomaiselle:\n\n"
			       "   Tietosuojavaltuutetun toimisto\n"
			       "   PL 800, 00531 Helsinki\n"
			       "   tietosuoja@om.fi, https://tietosuoja.fi\n\n"
			       "Voitte myös saattaa asian tuomioistuimen käsiteltäväksi: teillä on\noikeus tehokkaaseen oikeussuojakeinoon rekisterinpitäjää vastaan\n(79 artikla).\n\nTamro Oyj\n"));
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

	CHECK(en && strstr(en, "authority:\n\n   Integritetsskyddsmyndigheten (IMY), Stockholm\n\n"
			       "You may also take the matter to court: you have the right to an\neffective judicial remedy against the controller (Art. 79).\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "valvontaviranomaiselle:\n\n   Integritetsskyddsmyndigheten (IMY), Tukholma\n\n"
			       "Voitte myös saattaa asian tuomioistuimen käsiteltäväksi: teillä on\noikeus tehokkaaseen oikeussuojakeinoon rekisterinpitäjää vastaan\n(79 artikla).\n\nTamro"));
	CHECK(en && !strstr(en, "Ombudsman") && !strstr(en, "Helsinki") && !strstr(en, "member state"));
	CHECK(fi && !strstr(fi, "Tietosuojavaltuutet") && !strstr(fi, "Helsinki") && !strstr(fi, "ETA-valtion"));
	free(en);
	free(fi);
}

TEST(test_answer_of_another_country_s_register_names_no_finnish_authority)
{
	char *en = letter_under("phone_country_code = 46\n", "en"), *fi = letter_under("phone_country_code = 46\n", "fi");

	CHECK(en && strstr(en, "authority:\n\n   the supervisory authority of the EU/EEA member state where you live or\n"
			       "   work, or where the infringement took place\n\n"
			       "You may also take the matter to court: you have the right to an\neffective judicial remedy against the controller (Art. 79).\n\nTamro Oyj\n"));
	CHECK(fi && strstr(fi, "valvontaviranomaiselle:\n\n   sen EU- tai ETA-valtion valvontaviranomainen, jossa "
			       "asutte tai\n   työskentelette tai jossa väitetty rikkominen on tapahtunut\n\n"
			       "Voitte myös saattaa asian tuomioistuimen käsiteltäväksi: teillä on\noikeus tehokkaaseen oikeussuojakeinoon rekisterinpitäjää vastaan\n(79 artikla).\n\nTamro"));
	CHECK(en && !strstr(en, "Ombudsman") && !strstr(en, "Helsinki"));
	CHECK(fi && !strstr(fi, "Tietosuojavaltuutet") && !strstr(fi, "Helsinki"));
	free(en);
	free(fi);
}

int main(void)
{
	setenv("RECFS_NOW", "2026-06-10T09:00:00Z", 1);
	RUN(test_answer_fills_values_and_numbers);
	RUN(test_answer_repeats_a_block_per_element_and_looks_keys_up_outwards);
	RUN(test_answer_skips_empty_values_and_inverts_them);
	RUN(test_answer_a_tag_alone_on_its_line_leaves_no_line);
	RUN(test_answer_refuses_unknown_keys_and_broken_blocks);
	RUN(test_answer_nests_blocks_of_the_same_name);
	RUN(test_answer_the_shipped_templates_fill_for_someone_in_and_not_in_the_register);
	RUN(test_answer_to_an_access_request_is_the_letter_it_always_was);
	RUN(test_answer_names_special_categories_and_their_condition_beside_the_basis);
	RUN(test_answer_erasure_letter_says_why_a_public_task_recording_was_kept);
	RUN(test_answer_lists_a_recording_withheld_from_the_copy);
	RUN(test_answer_categories_name_the_reference_of_a_card_that_has_one);
	RUN(test_answer_swedish_and_german_letters_fill_every_block);
	RUN(test_answer_of_a_finnish_register_names_the_ombudsman_as_before);
	RUN(test_answer_names_the_supervisory_authority_the_policy_gives);
	RUN(test_answer_of_another_country_s_register_names_no_finnish_authority);
	RUN(test_answer_to_an_erasure_names_what_was_erased_and_what_was_kept_and_why);
	RUN(test_answer_to_an_erasure_of_everything_names_no_card_and_no_empty_heading);
	RUN(test_answer_an_erasure_of_a_shared_call_is_the_erasure_request_s);
	RUN(test_answer_an_erasure_of_a_shared_call_answers_every_subject_s_request);
	RUN(test_answer_a_restriction_by_one_s_objection_is_not_another_s);
	RUN(test_answer_a_withdrawal_of_consent_answers_the_erasure_request_of_another_in_the_call);
	RUN(test_answer_to_an_erasure_lists_a_chat_and_a_file_erased_alone);
	RUN(test_answer_reads_a_long_list_of_requests_whole);
	RUN(test_answer_to_a_restriction_lists_the_restricted_recordings);
	RUN(test_answer_to_a_rectification_names_the_fields_never_the_values);
	if (rreg)
		reg_close(rreg);
	keyring_free(rsecrets);
	if (rdir)
		util_remove_tree(rdir);
	free(rdir);
	T_DONE();
}
