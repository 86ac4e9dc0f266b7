/* Unit tests of meta/answer: the letter template filler fills values,
 * repeats blocks for lists, skips and inverts them on empty values, looks
 * keys up outwards, leaves no line for a tag alone on its line, and
 * refuses a key the model lacks and a block left open or closed twice;
 * the model of a request of nobody in the register says so. */
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

int main(void)
{
	RUN(test_answer_fills_values_and_numbers);
	RUN(test_answer_repeats_a_block_per_element_and_looks_keys_up_outwards);
	RUN(test_answer_skips_empty_values_and_inverts_them);
	RUN(test_answer_a_tag_alone_on_its_line_leaves_no_line);
	RUN(test_answer_refuses_unknown_keys_and_broken_blocks);
	RUN(test_answer_nests_blocks_of_the_same_name);
	RUN(test_answer_the_shipped_templates_fill_for_someone_in_and_not_in_the_register);
	T_DONE();
}
