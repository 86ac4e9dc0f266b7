/*
 * test_notice.c - the register notice rendered from a policy: what it
 * must say (controller, purposes, bases in words, retention, recipients,
 * levels, rights) for the shipped example and the four-level fixture;
 * the four-level fixture's notice byte for byte as before languages.
 * The policies are read relative to the repository root, where `make
 * check` runs the tests.
 */
#include <stdlib.h>

#include "notice.h"
#include "t.h"

#define EXAMPLE "packaging/examples/tamro.conf"
#define FOUR_LEVELS "tests/fixtures/policy-four-levels.conf"
#define FOUR_LEVELS_NOTICE "tests/fixtures/notice-four-levels.txt"

TEST(test_notice_names_the_controller_every_purpose_and_the_rights)
{
	struct policy *p = NULL;
	char *n;

	int en;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	/* the English notice, whatever the example's first language */
	en = policy_lang_index(p, "en");
	n = notice_render_in(p, "en");
	CHECK(n != NULL);
	if (!n) {
		policy_free(p);
		return;
	}
	CHECK(strstr(n, "Tamro Oyj (0533965-2), Rajatorpantie 41 B, 01640 Vantaa"));
	CHECK(strstr(n, "Tamron puhelu- ja kokoustallennerekisteri"));
	CHECK(strstr(n, "asiakaspalvelu@tamro.com"));
	for (size_t i = 0; i < p->n_purposes; i++) {
		CHECK(strstr(n, p->purposes[i].name));
		CHECK(strstr(n, policy_text(p, &p->purposes[i].description_t, en)));
	}
	for (size_t i = 0; i < p->n_sources; i++)
		CHECK(strstr(n, p->sources[i].data_source));
	for (size_t i = 0; i < p->n_recipients; i++)
		CHECK(strstr(n, policy_text(p, &p->recipients[i].display_t, en)));
	CHECK(strstr(n, "Art. 6(1)(b)"));
	CHECK(strstr(n, "Art. 6(1)(f)"));
	CHECK(strstr(n, "Art. 6(1)(a)"));
	CHECK(strstr(n, "12 months"));
	CHECK(strstr(n, "EU SCCs 2021/914"));
	CHECK(strstr(n, "from level analysis up"));
	CHECK(strstr(n, "Access (Art. 15)"));
	CHECK(strstr(n, "Rectification (Art. 16)"));
	CHECK(strstr(n, "Erasure (Art. 17)"));
	CHECK(strstr(n, "Restriction (Art. 18)"));
	CHECK(strstr(n, "Portability (Art. 20)"));
	CHECK(strstr(n, "Objection (Art. 21)"));
	CHECK(strstr(n, "supervisory authority"));
	CHECK(strstr(n, "withdraw"));
	CHECK(strstr(n, "one month"));
	CHECK(strstr(n, "Art. 12(3)"));
	if (getenv("RECFS_TEST_SHOW_NOTICE"))
		fputs(n, stdout);
	free(n);
	policy_free(p);
}

TEST(test_notice_says_which_levels_read_chats_and_shared_files)
{
	struct policy *p = NULL;
	char *n;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	n = notice_render_in(p, "en");
	CHECK(n && strstr(n, "training (group recfs-training)\n"
			     "    Recordings of: quality, training\n"
			     "    Chats and shared files of: none\n"
			     "    Sees no names or contact details.\n"));
	free(n);
	/* A policy that lets training read the chats of quality says so. */
	p->purposes[policy_purpose_index(p, "quality")].chat_level = 0;
	n = notice_render_in(p, "en");
	CHECK(n && strstr(n, "training (group recfs-training)\n"
			     "    Recordings of: quality, training\n"
			     "    Chats of: quality\n"
			     "    Shared files of: none\n"
			     "    Sees no names or contact details, except where the chats or\n"));
	free(n);
	policy_free(p);
}

TEST(test_notice_names_the_allowed_bases_and_their_rights)
{
	struct policy *p = NULL;
	char *n, *training, *end;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	n = notice_render_in(p, "en");
	training = n ? strstr(n, "\ntraining\n") : NULL;
	end = training ? strstr(training + 1, "\n\n") : NULL;
	CHECK(training && end);
	if (training && end) {
		*end = '\0';
		CHECK(strstr(training, "or, where the recording says so: consent of the data subject"));
		*end = '\n';
	}
	CHECK(n && strstr(n, "  are then erased.  This does not affect processing before withdrawal.\n"
			     "  Purposes concerned: training, consent.\n"));
	free(n);
	policy_free(p);
}

TEST(test_notice_gives_retention_in_words_with_its_maximum)
{
	struct policy *p = NULL;
	char *n = NULL;

	CHECK_EQ(policy_load(FOUR_LEVELS, &p, NULL), 0);
	if (p)
		n = notice_render(p);
	CHECK(n != NULL);
	if (n) {
		CHECK(strstr(n, "Kept for:     90 days after the recording; at most 6 months where"));
		CHECK(strstr(n, "Kept for:     30 days after the recording\n"));
		CHECK(strstr(n, "Kept for:     12 months after the recording; at most 2 years where"));
		CHECK(strstr(n, "compliance with a legal obligation of the controller (GDPR Art. 6(1)(c))"));
		CHECK(strstr(n, "Its entries are kept for 2 years,\nlonger while a request for access"));
	}
	free(n);
	policy_free(p);
}

TEST(test_notice_lists_levels_lowest_first_with_what_each_sees)
{
	struct policy *p = NULL;
	char *n = NULL, *pub, *staff, *sup, *dpo;

	CHECK_EQ(policy_load(FOUR_LEVELS, &p, NULL), 0);
	if (p)
		n = notice_render(p);
	CHECK(n != NULL);
	if (!n) {
		policy_free(p);
		return;
	}
	pub = strstr(n, "\npublic (group recfs-public)\n"
			"    Recordings of: helpdesk\n"
			"    Chats and shared files of: none\n"
			"    Sees no names or contact details.\n");
	staff = strstr(n, "\nstaff (group recfs-staff)\n"
			  "    Recordings of: helpdesk, coaching, survey\n");
	sup = strstr(n, "\nsupervisor (group recfs-supervisor)\n"
			"    Recordings of: helpdesk, coaching, complaints, survey\n"
			"    Chats and shared files of: helpdesk, coaching, complaints, survey\n"
			"    Also sees names, contact details, staff names and titles.\n");
	dpo = strstr(n, "\ndpo (group recfs-dpo)\n");
	CHECK(pub && staff && sup && dpo);
	CHECK(pub < staff && staff < sup && sup < dpo);
	CHECK(dpo && strstr(dpo, "Handles the data subjects' requests"));
	CHECK(strstr(n, "from level supervisor up"));
	CHECK(strstr(n, "Withdrawal of consent (Art. 7(3))"));
	CHECK(strstr(n, "are then erased.  This does not affect processing before withdrawal.\n"
			"  Purposes concerned: survey.\n"));
	CHECK(strstr(n, "Send your request to dpo@example.fi.\n"));
	free(n);
	policy_free(p);
}

/* The file at path, NUL-terminated, malloc'd; NULL (reported) when unreadable. */
static char *slurp(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *s;

	if (util_read_file(path, 1 << 20, &buf, &len)) {
		fprintf(stderr, "  cannot read %s\n", path);
		return NULL;
	}
	s = xasprintf("%.*s", (int)len, (const char *)buf);
	free(buf);
	return s;
}

TEST(test_notice_of_a_policy_without_languages_is_the_same_byte_for_byte)
{
	struct policy *p = NULL;
	char *n = NULL, *want = slurp(FOUR_LEVELS_NOTICE);

	CHECK_EQ(policy_load(FOUR_LEVELS, &p, NULL), 0);
	if (p)
		n = notice_render(p);
	CHECK(n && want);
	if (n && want && strcmp(n, want)) {
		size_t i = 0;

		while (n[i] == want[i])
			i++;
		fprintf(stderr, "  differs from %s at byte %zu: \"%.40s\"\n", FOUR_LEVELS_NOTICE, i, n + i);
		CHECK(!strcmp(n, want));
	}
	/* "en" is its language, the only one */
	free(n);
	n = p ? notice_render_in(p, "en") : NULL;
	CHECK(n && want && !strcmp(n, want));
	CHECK(p && notice_render_in(p, "fi") == NULL);
	free(n);
	free(want);
	policy_free(p);
}

TEST(test_notice_of_no_policy_is_null)
{
	CHECK(notice_render(NULL) == NULL);
	CHECK(notice_render_in(NULL, "en") == NULL);
}

int main(void)
{
	RUN(test_notice_names_the_controller_every_purpose_and_the_rights);
	RUN(test_notice_says_which_levels_read_chats_and_shared_files);
	RUN(test_notice_names_the_allowed_bases_and_their_rights);
	RUN(test_notice_gives_retention_in_words_with_its_maximum);
	RUN(test_notice_lists_levels_lowest_first_with_what_each_sees);
	RUN(test_notice_of_a_policy_without_languages_is_the_same_byte_for_byte);
	RUN(test_notice_of_no_policy_is_null);
	T_DONE();
}
