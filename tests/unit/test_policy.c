/*
 * test_policy.c - policy.conf parsing, validation with line numbers and
 * period arithmetic (the notice made from a policy: test_notice.c).  Small policies are written from
 * strings into a temporary directory; the shipped example and the
 * four-level fixture are read relative to the repository root, where
 * `make check` runs the tests.
 */
#include <grp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "policy.h"

#include "t.h"

#define EXAMPLE "packaging/examples/tamro.conf"
#define FOUR_LEVELS "tests/fixtures/policy-four-levels.conf"

/* A minimal valid policy of 19 lines; tests append sections from line 20. */
#define BASE                        \
	"[register]\n"              \
	"name = R\n"                \
	"controller = C\n"          \
	"contact = K\n"             \
	"privacy_contact = P\n"     \
	"details_level = top\n"     \
	"[level low]\n"             \
	"group = g-low\n"           \
	"[level top]\n"             \
	"rights = yes\n"            \
	"[purpose p1]\n"            \
	"description = D\n"         \
	"legal_basis = contract\n"  \
	"min_level = low\n"         \
	"retention = 12m\n"         \
	"[source s1]\n"             \
	"kind = call\n"             \
	"purpose = p1\n"            \
	"data_source = tel\n"

static char *tmpdir;
static int n_files;

/* Write the n bytes at text (NUL bytes too) to a fresh file in tmpdir;
 * the caller frees the path. */
static char *write_policy_n(const char *text, size_t n)
{
	char *path = xasprintf("%s/policy-%d.conf", tmpdir, ++n_files);
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(2);
	}
	fwrite(text, 1, n, f);
	fclose(f);
	return path;
}

static char *write_policy(const char *text)
{
	return write_policy_n(text, strlen(text));
}

/* Load the n bytes at text, which must fail; returns the error text
 * (caller frees) and its path in *pathp (caller frees). */
static char *errors_of_n(const char *text, size_t n, char **pathp)
{
	char *path = write_policy_n(text, n), *errs = NULL;
	struct policy *p = NULL;
	int rc = policy_load(path, &p, &errs);

	CHECK_EQ(rc, -EINVAL);
	CHECK(p == NULL);
	CHECK(errs != NULL);
	policy_free(p);
	*pathp = path;
	return errs ? errs : xstrdup("");
}

static char *errors_of(const char *text, char **pathp)
{
	return errors_of_n(text, strlen(text), pathp);
}

/* 1 when errs has a line "PATH:LINE: ..." containing what. */
static int has_error(const char *errs, const char *path, int line, const char *what)
{
	char *prefix = xasprintf("%s:%d: ", path, line);
	const char *s = errs;
	int found = 0;

	while (*s && !found) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *l = xasprintf("%.*s", (int)n, s);

		found = !strncmp(l, prefix, strlen(prefix)) && strstr(l + strlen(prefix), what);
		free(l);
		s += n + (nl ? 1 : 0);
	}
	if (!found)
		fprintf(stderr, "  no \"%s%s\" in:\n%s", prefix, what, errs);
	free(prefix);
	return found;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Text that must load; NULL when it does not (errors printed). */
static struct policy *load_text(const char *text)
{
	char *path = write_policy(text), *errs = NULL;
	struct policy *p = NULL;
	int rc = policy_load(path, &p, &errs);

	if (rc)
		fprintf(stderr, "  policy_load: %d\n%s", rc, errs ? errs : "");
	free(errs);
	free(path);
	return rc ? NULL : p;
}

TEST(test_example_policy_loads_with_levels_training_analysis_privacy)
{
	struct policy *p = NULL;
	char *errs = NULL;
	int rc = policy_load(EXAMPLE, &p, &errs);

	CHECK_EQ(rc, 0);
	if (errs)
		fprintf(stderr, "%s", errs);
	CHECK(errs == NULL);
	if (rc)
		return;
	CHECK_EQ(p->n_levels, 3);
	CHECK_STR(p->levels[0].name, "training");
	CHECK_STR(p->levels[1].name, "analysis");
	CHECK_STR(p->levels[2].name, "privacy");
	CHECK_STR(p->levels[0].group, "recfs-training");
	CHECK_STR(p->levels[1].group, "recfs-analysis");
	CHECK_STR(p->levels[2].group, "recfs-privacy");
	CHECK_EQ(p->levels[2].n_users, 0);
	CHECK_EQ(p->rights_level, 2);
	CHECK_EQ(p->levels[2].rights, 1);
	CHECK_EQ(p->levels[0].rights, 0);
	CHECK_EQ(p->details_level, 1);
	CHECK_EQ(policy_level_index(p, "analysis"), 1);
	CHECK_STR(p->path, EXAMPLE);
	CHECK_STR(p->reg_name, "Tamron puhelu- ja kokoustallennerekisteri");
	CHECK_STR(p->controller, "Tamro Oyj (0533965-2), Rajatorpantie 41 B, 01640 Vantaa");
	CHECK_STR(p->privacy_contact, "asiakaspalvelu@tamro.com");
	policy_free(p);
}

TEST(test_example_policy_has_the_purposes_sources_and_recipients_of_the_notice)
{
	static const char *const purposes[] = {
		"quality", "training", "service-level", "guidelines", "customer-meetings",
		"internal-meetings", "internal-briefings", "consent",
	};
	struct policy *p = NULL;
	int q, s, r;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	for (size_t i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++)
		CHECK(policy_purpose_index(p, purposes[i]) >= 0);
	q = policy_purpose_index(p, "quality");
	CHECK_STR(p->purposes[q].legal_basis, "contract");
	CHECK_EQ(p->purposes[q].retention.n, 12);
	CHECK_EQ(p->purposes[q].retention.unit, 'm');
	CHECK_EQ(p->purposes[policy_purpose_index(p, "training")].min_level, 0);
	CHECK_EQ(p->purposes[policy_purpose_index(p, "internal-briefings")].min_level, 1);
	CHECK_STR(p->purposes[policy_purpose_index(p, "consent")].legal_basis, "consent");
	CHECK_STR(p->purposes[policy_purpose_index(p, "internal-meetings")].legal_basis,
		  "legitimate_interests");
	s = policy_source_index(p, "customer-service");
	CHECK(s >= 0);
	if (s >= 0) {
		CHECK_STR(p->sources[s].kind, "call");
		CHECK_EQ(p->sources[s].purpose, q);
		CHECK(p->sources[s].legal_basis == NULL);
		CHECK_STR(p->sources[s].data_source, "customer-service telephony");
	}
	s = policy_source_index(p, "customer-meetings");
	CHECK(s >= 0 && !strcmp(p->sources[s].kind, "meeting"));
	CHECK(policy_source_index(p, "internal-meetings") >= 0);
	CHECK(policy_source_index(p, "internal-briefings") >= 0);
	r = policy_recipient_index(p, "tamro-group");
	CHECK(r >= 0 && p->recipients[r].eea == 1);
	r = policy_recipient_index(p, "it-provider");
	CHECK(r >= 0);
	if (r >= 0) {
		CHECK_EQ(p->recipients[r].eea, 0);
		CHECK(p->recipients[r].safeguard && strstr(p->recipients[r].safeguard, "EU SCCs 2021/914"));
	}
	CHECK_EQ(policy_recipient_index(p, "nobody"), -1);
	CHECK_EQ(policy_source_index(p, "nobody"), -1);
	CHECK_EQ(policy_level_index(p, "root"), -1);
	policy_free(p);
}

TEST(test_four_level_fixture_loads_with_dpo_as_rights_level)
{
	struct policy *p = NULL;
	char *errs = NULL;

	CHECK_EQ(policy_load(FOUR_LEVELS, &p, &errs), 0);
	if (errs)
		fprintf(stderr, "%s", errs);
	free(errs);
	if (!p)
		return;
	CHECK_EQ(p->n_levels, 4);
	CHECK_STR(p->levels[0].name, "public");
	CHECK_STR(p->levels[1].name, "staff");
	CHECK_STR(p->levels[2].name, "supervisor");
	CHECK_STR(p->levels[3].name, "dpo");
	CHECK_EQ(p->rights_level, 3);
	CHECK_EQ(p->details_level, 2);
	CHECK_EQ(p->levels[1].n_users, 2);
	CHECK_STR(p->levels[1].users[0], "alice");
	CHECK_STR(p->levels[1].users[1], "bob");
	CHECK_EQ(p->n_purposes, 4);
	CHECK_EQ(p->n_sources, 3);
	CHECK_EQ(p->n_recipients, 2);
	CHECK_STR(p->sources[2].legal_basis, "legal_obligation");
	policy_free(p);
}

TEST(test_minimal_policy_takes_the_defaults)
{
	struct policy *p = load_text(BASE);

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->purposes[0].max_retention.n, 12);
	CHECK_EQ(p->purposes[0].max_retention.unit, 'm');
	CHECK(p->levels[1].group == NULL);
	CHECK_EQ(p->levels[0].rights, 0);
	CHECK_EQ(p->n_recipients, 0);
	CHECK(p->sources[0].legal_basis == NULL);
	CHECK_EQ(p->levels[0].line, 7);
	CHECK_EQ(p->purposes[0].line, 11);
	policy_free(p);
}

TEST(test_unknown_section_type_is_reported_at_its_line)
{
	char *path, *errs = errors_of(BASE "[retention x]\nfoo = bar\n", &path);

	CHECK(has_error(errs, path, 20, "unknown section type 'retention'"));
	CHECK_EQ(count_lines(errs), 1); /* its keys are not reported again */
	free(errs);
	free(path);
}

TEST(test_unknown_key_is_reported_at_its_line)
{
	char *path, *errs = errors_of(BASE "[recipient r]\nname = R\neea = yes\ncolour = red\n", &path);

	CHECK(has_error(errs, path, 23, "unknown key 'colour' in [recipient r]"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_duplicate_section_and_key_name_the_first_line)
{
	char *path, *errs = errors_of(BASE "[level low]\ngroup = x\n[source s2]\nkind = call\n"
					   "kind = meeting\npurpose = p1\ndata_source = x\n", &path);

	CHECK(has_error(errs, path, 20, "duplicate section [level low] (first at line 7)"));
	CHECK(has_error(errs, path, 24, "duplicate key 'kind' in [source s2] (first at line 23)"));
	CHECK_EQ(count_lines(errs), 2);
	free(errs);
	free(path);
}

/* BASE with a middle level and a group for each of mid (line 10) and
 * top (line 12). */
static char *groups_policy(const char *mid, const char *top)
{
	return xasprintf("[register]\nname = R\ncontroller = C\ncontact = K\nprivacy_contact = P\n"
			 "details_level = top\n[level low]\ngroup = g-low\n[level mid]\ngroup = %s\n"
			 "[level top]\ngroup = %s\nrights = yes\n[purpose p1]\ndescription = D\n"
			 "legal_basis = contract\nmin_level = low\nretention = 12m\n[source s1]\nkind = call\n"
			 "purpose = p1\ndata_source = tel\n", mid, top);
}

TEST(test_a_group_for_two_levels_or_root_s_group_is_refused)
{
	struct group *g0 = getgrgid(0);
	char *root_group = xstrdup(g0 ? g0->gr_name : "root");
	char *text, *path, *errs;
	struct policy *p;

	/* By name, whether or not this host knows the group. */
	text = groups_policy("g-low", "g-top");
	errs = errors_of(text, &path);
	CHECK(has_error(errs, path, 10, "group 'g-low' is also the group of [level low]: each level needs a "
			"group of its own"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
	free(text);
	text = groups_policy(root_group, "g-top");
	errs = errors_of(text, &path);
	CHECK(strstr(errs ? errs : "", "is gid 0, root's group: a level needs a group of its own") != NULL);
	CHECK(has_error(errs, path, 10, "is gid 0"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
	free(text);
	/* A group this host does not know cannot be told from its name:
	 * it is looked up when a caller's level is. */
	text = groups_policy("g-mid", "recfs-no-such-group-here");
	p = load_text(text);
	CHECK(p != NULL);
	policy_free(p);
	free(text);
	free(root_group);
}

TEST(test_missing_required_key_is_reported_at_the_section_header)
{
	char *path, *errs = errors_of(BASE "\n[purpose p2]\ndescription = D\nmin_level = low\n"
					   "[recipient r]\n", &path);

	CHECK(has_error(errs, path, 21, "[purpose p2] lacks the required key 'legal_basis'"));
	CHECK(has_error(errs, path, 21, "[purpose p2] lacks the required key 'retention'"));
	CHECK(has_error(errs, path, 24, "[recipient r] lacks the required key 'name'"));
	CHECK(has_error(errs, path, 24, "[recipient r] lacks the required key 'eea'"));
	CHECK_EQ(count_lines(errs), 4);
	free(errs);
	free(path);
}

TEST(test_bad_values_are_reported_at_their_lines)
{
	char *path, *errs = errors_of(BASE "[purpose p2]\n"
					   "description = D\n"
					   "legal_basis = because\n"
					   "min_level = low\n"
					   "retention = 12w\n"
					   "max_retention = 0d\n"
					   "[source s2]\n"
					   "kind = video\n"
					   "purpose = p1\n"
					   "legal_basis = legitimate interest\n"
					   "data_source =\n"
					   "[recipient r]\n"
					   "name = R\n"
					   "eea = maybe\n"
					   "[level x]\n"
					   "rights = true\n",
				      &path);

	CHECK(has_error(errs, path, 22, "legal_basis 'because' is not one of consent, contract"));
	CHECK(has_error(errs, path, 24, "bad retention '12w' (use e.g. 90d, 12m or 2y)"));
	CHECK(has_error(errs, path, 25, "max_retention '0d' must be more than zero"));
	CHECK(has_error(errs, path, 27, "kind must be call or meeting, not 'video'"));
	CHECK(has_error(errs, path, 29, "legal_basis 'legitimate interest' is not one of"));
	CHECK(has_error(errs, path, 30, "'data_source' in [source s2] must not be empty"));
	CHECK(has_error(errs, path, 33, "eea must be yes or no, not 'maybe'"));
	CHECK(has_error(errs, path, 35, "rights must be yes or no, not 'true'"));
	CHECK(has_error(errs, path, 10, "must be the highest level (it is below [level x])"));
	CHECK_EQ(count_lines(errs), 9);
	free(errs);
	free(path);
}

TEST(test_retention_may_not_exceed_max_retention_from_any_date)
{
	char *path, *errs = errors_of(BASE "[purpose p2]\ndescription = D\nlegal_basis = consent\n"
					   "min_level = low\nretention = 31d\nmax_retention = 1m\n"
					   "[purpose p3]\ndescription = D\nlegal_basis = consent\n"
					   "min_level = low\nretention = 13m\nmax_retention = 1y\n"
					   "[purpose p4]\ndescription = D\nlegal_basis = consent\n"
					   "min_level = low\nretention = 366d\nmax_retention = 1y\n",
				      &path);
	struct policy *p;

	CHECK(has_error(errs, path, 24, "retention 31d is longer than max_retention 1m (line 25)"));
	CHECK(has_error(errs, path, 30, "retention 13m is longer than max_retention 1y"));
	CHECK(has_error(errs, path, 36, "retention 366d is longer than max_retention 1y"));
	CHECK_EQ(count_lines(errs), 3);
	free(errs);
	free(path);

	/* equal lengths whatever the start date are fine */
	p = load_text(BASE "[purpose p2]\ndescription = D\nlegal_basis = consent\n"
			   "min_level = low\nretention = 28d\nmax_retention = 1m\n"
			   "[purpose p3]\ndescription = D\nlegal_basis = consent\n"
			   "min_level = low\nretention = 12m\nmax_retention = 1y\n"
			   "[purpose p4]\ndescription = D\nlegal_basis = consent\n"
			   "min_level = low\nretention = 365d\nmax_retention = 1y\n");
	CHECK(p != NULL);
	policy_free(p);
}

TEST(test_references_to_unknown_levels_and_purposes_are_reported)
{
	char *path, *errs = errors_of("[register]\nname = R\ncontroller = C\ncontact = K\n"
				      "privacy_contact = P\ndetails_level = middle\n"
				      "[level top]\nrights = yes\n"
				      "[purpose p1]\ndescription = D\nlegal_basis = contract\n"
				      "min_level = bottom\nretention = 1y\n"
				      "[source s1]\nkind = call\npurpose = p9\ndata_source = tel\n",
				      &path);

	CHECK(has_error(errs, path, 6, "details_level: no level named 'middle'"));
	CHECK(has_error(errs, path, 12, "min_level: no level named 'bottom'"));
	CHECK(has_error(errs, path, 16, "purpose: no purpose named 'p9'"));
	CHECK_EQ(count_lines(errs), 3);
	free(errs);
	free(path);
}

TEST(test_exactly_one_level_exercises_rights_and_it_is_the_highest)
{
	char *path, *errs;

	/* BASE with rights on the low level too */
	errs = errors_of("[register]\nname = R\ncontroller = C\ncontact = K\n"
			 "privacy_contact = P\ndetails_level = top\n"
			 "[level low]\nrights = yes\n[level top]\nrights = yes\n"
			 "[purpose p1]\ndescription = D\nlegal_basis = contract\n"
			 "min_level = low\nretention = 12m\n"
			 "[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
			 &path);
	CHECK(has_error(errs, path, 10, "rights = yes also in [level low] (line 8)"));
	CHECK(has_error(errs, path, 8, "must be the highest level (it is below [level top])"));
	CHECK_EQ(count_lines(errs), 2);
	free(errs);
	free(path);

	/* none at all: reported at the last level */
	errs = errors_of("[register]\nname = R\ncontroller = C\ncontact = K\n"
			 "privacy_contact = P\ndetails_level = top\n"
			 "[level low]\n[level top]\nrights = no\n"
			 "[purpose p1]\ndescription = D\nlegal_basis = contract\n"
			 "min_level = low\nretention = 12m\n"
			 "[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
			 &path);
	CHECK(has_error(errs, path, 8, "no level has rights = yes"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_recipient_outside_the_eea_needs_a_safeguard)
{
	char *path, *errs = errors_of(BASE "[recipient us]\nname = US hosting\neea = no\n"
					   "safeguard =\n", &path);

	CHECK(has_error(errs, path, 22, "[recipient us] is outside the EEA and needs a 'safeguard'"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_names_that_could_not_be_paths_are_refused)
{
	char *path, *errs = errors_of(BASE "[source ../etc]\nkind = call\npurpose = p1\n"
					   "data_source = x\n"
					   "[level Upper]\n"
					   "[level -dash]\n"
					   "[level a2345678901234567890123456789012]\n"
					   "[level a23456789012345678901234567890123]\n"
					   "[level]\n"
					   "[register x]\n"
					   "[level ok]\ngroup = bad group!\nusers = ann, b!d  carl\n"
					   "[level ingest]\n",
				      &path);
	struct policy *p;

	CHECK(has_error(errs, path, 20, "bad source name '../etc'"));
	CHECK(has_error(errs, path, 24, "bad level name 'Upper'"));
	CHECK(has_error(errs, path, 25, "bad level name '-dash'"));
	CHECK(has_error(errs, path, 27, "bad level name 'a23456789012345678901234567890123'"));
	CHECK(has_error(errs, path, 28, "[level] needs a name"));
	CHECK(has_error(errs, path, 29, "[register] takes no name"));
	CHECK(has_error(errs, path, 31, "bad group name 'bad group!'"));
	CHECK(has_error(errs, path, 32, "bad user name 'b!d'"));
	/* the ingest keyring's name, refused by check as by init and apply */
	CHECK(has_error(errs, path, 33, "a level may not be called 'ingest'"));
	/* the levels after top also make it not the highest */
	CHECK(has_error(errs, path, 10, "must be the highest level"));
	CHECK_EQ(count_lines(errs), 10);
	free(errs);
	free(path);

	p = load_text(BASE "[recipient a_b-9]\nname = R\neea = yes\n");
	CHECK(p != NULL);
	policy_free(p);
}

/*
 * The names directory services give through NSS: sssd's fully qualified
 * names (user@domain), winbind's without its default domain
 * (DOMAIN\group), and long ones.  Recipient names the
 * answers give to a subject's own copy and to another participant's are
 * not a recipient's.
 */
TEST(test_directory_names_are_taken_and_the_answers_names_are_not_recipients)
{
	char *long_name = xcalloc(1, 151), *text, *path, *errs;
	struct policy *p;

	/* (A line holds at most 198 bytes, so a name at most 190.) */
	memset(long_name, 'g', 150);
	text = xasprintf(BASE "[level dir]\ngroup = recfs-analysts@corp.example.com\n"
			      "users = anna.virtanen@corp.example.com CORP\\matti\n"
			      "[level win]\ngroup = CORP\\recfs-dpo\n[level long]\ngroup = %s\n",
			 long_name);
	errs = errors_of(text, &path);
	/* Only that the levels after BASE's rights level make it not the
	 * highest: the names themselves are taken. */
	CHECK(has_error(errs, path, 10, "must be the highest level"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
	free(text);
	free(long_name);

	errs = errors_of(BASE "[recipient data-subject]\nname = The subject's lawyer\neea = yes\n"
			      "[recipient another-participant]\nname = X\neea = yes\n",
			 &path);
	CHECK(has_error(errs, path, 20, "a recipient may not be called 'data-subject': the answers use that name "
			"for a data subject's own copy"));
	CHECK(has_error(errs, path, 23, "a recipient may not be called 'another-participant'"));
	CHECK_EQ(count_lines(errs), 2);
	free(errs);
	free(path);
	p = load_text(BASE "[recipient data-subjects]\nname = R\neea = yes\n");
	CHECK(p != NULL);
	policy_free(p);
}

TEST(test_every_error_is_listed_in_line_order)
{
	char *path, *errs = errors_of("; nothing but mistakes\n"
				      "stray = 1\n"
				      "[register]\n"
				      "name = R\n"
				      "[level a]\n"
				      "group = g\n"
				      "group = h\n"
				      "[purpose p]\n"
				      "legal_basis = nope\n"
				      "this line has no equals sign\n"
				      "[source s]\n"
				      "kind = fax\n",
				      &path);
	const char *a, *b;

	CHECK(has_error(errs, path, 2, "'stray' outside any section"));
	CHECK(has_error(errs, path, 3, "lacks the required key 'controller'"));
	CHECK(has_error(errs, path, 3, "lacks the required key 'contact'"));
	CHECK(has_error(errs, path, 3, "lacks the required key 'privacy_contact'"));
	CHECK(has_error(errs, path, 3, "lacks the required key 'details_level'"));
	CHECK(has_error(errs, path, 5, "no level has rights = yes"));
	CHECK(has_error(errs, path, 7, "duplicate key 'group'"));
	CHECK(has_error(errs, path, 8, "lacks the required key 'description'"));
	CHECK(has_error(errs, path, 8, "lacks the required key 'min_level'"));
	CHECK(has_error(errs, path, 8, "lacks the required key 'retention'"));
	CHECK(has_error(errs, path, 9, "legal_basis 'nope'"));
	CHECK(has_error(errs, path, 10, "expected 'key = value'"));
	CHECK(has_error(errs, path, 11, "lacks the required key 'purpose'"));
	CHECK(has_error(errs, path, 11, "lacks the required key 'data_source'"));
	CHECK(has_error(errs, path, 12, "kind must be call or meeting, not 'fax'"));
	CHECK_EQ(count_lines(errs), 15);
	/* sorted by line */
	a = strstr(errs, ":2: ");
	b = strstr(errs, ":12: ");
	CHECK(a && b && a < b);
	free(errs);
	free(path);
}

TEST(test_empty_file_lists_what_is_missing)
{
	char *path, *errs = errors_of("", &path);

	CHECK(has_error(errs, path, 1, "no [register] section"));
	CHECK(has_error(errs, path, 1, "at least one level is needed"));
	CHECK(has_error(errs, path, 1, "at least one purpose is needed"));
	CHECK(has_error(errs, path, 1, "at least one source is needed"));
	CHECK_EQ(count_lines(errs), 4);
	free(errs);
	free(path);
}

TEST(test_continuation_lines_extend_a_value_and_keep_line_numbers)
{
	char *path, *errs;
	struct policy *p = load_text(BASE "[recipient r]\nname = First part\n"
					  "    second part ; comment\n"
					  "\tthird part\n"
					  "eea = yes\n");

	CHECK(p != NULL);
	if (p)
		CHECK_STR(p->recipients[0].display, "First part second part third part");
	policy_free(p);

	errs = errors_of(BASE "[recipient r]\nname = R\n  more\neea = perhaps\n", &path);
	CHECK(has_error(errs, path, 23, "eea must be yes or no, not 'perhaps'"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_comments_and_whitespace_are_not_part_of_values)
{
	struct policy *p = load_text("\xef\xbb\xbf# a BOM, comments and CRLF\r\n"
				     "[register]\r\n"
				     "name = R;S   ; ';' without a space before it stays\r\n"
				     "controller =   C  \r\n"
				     "contact = K\r\n"
				     "privacy_contact = P\r\n"
				     "details_level = top\r\n"
				     "  [level top]   ; indented header\r\n"
				     "rights = yes\r\n"
				     "users = ann,bob  carl ,\tdave\r\n"
				     "[purpose p1]\n"
				     "description = Käsittely ; Finnish is fine\n"
				     "legal_basis = contract\n"
				     "min_level = top\n"
				     "retention = 90d\n"
				     "[source s1]\n"
				     "kind: meeting\n"
				     "purpose = p1\n"
				     "data_source = x\n");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(p->reg_name, "R;S");
	CHECK_STR(p->controller, "C");
	CHECK_STR(p->purposes[0].description, "Käsittely");
	CHECK_STR(p->sources[0].kind, "meeting");
	CHECK_EQ(p->levels[0].n_users, 4);
	if (p->levels[0].n_users == 4) {
		CHECK_STR(p->levels[0].users[0], "ann");
		CHECK_STR(p->levels[0].users[2], "carl");
		CHECK_STR(p->levels[0].users[3], "dave");
	}
	CHECK_EQ(p->levels[0].line, 8);
	policy_free(p);
}

TEST(test_overlong_and_invalid_lines_are_reported)
{
	char *long_line = xcalloc(1, 400), *text, *path, *errs;

	memset(long_line, 'x', 300);
	text = xasprintf(BASE "[recipient r]\nname = %s\neea = yes\n"
			      "safeguard = \xff\xfe\n"
			      "[level unclosed\n",
			 long_line);
	errs = errors_of(text, &path);
	CHECK(has_error(errs, path, 21, "line too long"));
	/* The long line is the name: not reported missing as well. */
	CHECK(!strstr(errs, "lacks the required key"));
	CHECK(has_error(errs, path, 23, "not valid UTF-8"));
	CHECK(has_error(errs, path, 24, "section header without ']'"));
	CHECK_EQ(count_lines(errs), 3);
	free(errs);
	free(path);
	free(text);
	free(long_line);
}

TEST(test_text_after_a_section_header_is_an_error)
{
	char *path, *errs;

	errs = errors_of(BASE "[level agents] group = cc-agents\n"
			      "[level mid]   ; a comment is fine\n"
			      "group = g-mid\n"
			      "[recipient r] ;\n"
			      "name = N\n"
			      "eea = yes\n"
			      "[recipient q];right after it, as inih took it\n"
			      "name = Q\n"
			      "eea = yes\n"
			      "[recipient s]# and this one\n"
			      "name = S\n"
			      "eea = yes\n"
			      "[recipient t] x\n"
			      "name = T\n"
			      "eea = yes\n",
			 &path);
	CHECK(has_error(errs, path, 20, "text after the section header: 'group = cc-agents'"));
	CHECK(has_error(errs, path, 32, "text after the section header: 'x'"));
	/* and the levels after the rights level are that level's error */
	CHECK(has_error(errs, path, 10, "must be the highest level"));
	CHECK_EQ(count_lines(errs), 3);
	free(errs);
	free(path);
}

TEST(test_a_key_on_a_refused_line_is_not_reported_missing_too)
{
	/* BASE with its line 2, "name = R", replaced. */
	static const struct {
		const char *line;
		size_t n;
		const char *error;
	} bad[] = {
#define LINE(s) s, sizeof(s) - 1
		{ LINE("name = R\0x\n"), "NUL byte in line" },
		{ LINE("name = R\xff\n"), "not valid UTF-8" },
		{ LINE("name\t= R\xc3\n"), "not valid UTF-8" },
		/* what would act on the terminal of whoever reads the notice */
		{ LINE("name = \x1b[2J\x1b[HR\n"), "control character U+001B at byte 8" },
		{ LINE("name = R\rforged\r\n"), "control character U+000D at byte 9" },
		{ LINE("name = R\x7f\n"), "control character U+007F" },
		{ LINE("name = R\xc2\x85\n"), "control character U+0085" },
		{ LINE("name = \xe2\x80\xaeR\n"), "control character U+202E" },
		{ LINE("name = R\xe2\x81\xa6x\n"), "control character U+2066" },
		{ LINE("name = R\xe2\x80\x8f.fi\n"), "control character U+200F" },
		{ LINE("name = \xd8\x9c" "R\n"), "control character U+061C" },
		{ LINE("name = R\xef\xbb\xbf\n"), "control character U+FEFF" },
#undef LINE
	};
	const char *rest = strstr(BASE, "controller =");

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		size_t n = strlen("[register]\n") + bad[i].n + strlen(rest);
		char *text = xcalloc(n, 1), *path, *errs;

		memcpy(text, "[register]\n", strlen("[register]\n"));
		memcpy(text + strlen("[register]\n"), bad[i].line, bad[i].n);
		memcpy(text + n - strlen(rest), rest, strlen(rest));
		errs = errors_of_n(text, n, &path);
		CHECK(has_error(errs, path, 2, bad[i].error));
		CHECK(!strstr(errs, "lacks the required key"));
		CHECK_EQ(count_lines(errs), 1);
		free(errs);
		free(path);
		free(text);
	}
}

TEST(test_tabs_and_crlf_line_ends_are_text)
{
	struct policy *p = load_text("[register]\r\nname\t=\tR\r\ncontroller = C\r\n"
				     "contact = K\nprivacy_contact = P\ndetails_level = top\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = D\n\tand more\r\nlegal_basis = contract\n"
				     "min_level = low\nretention = 12m\n[source s1]\nkind = call\npurpose = p1\n"
				     "data_source = tel\n");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(p->reg_name, "R");
	CHECK_STR(p->controller, "C");
	CHECK_STR(p->purposes[0].description, "D and more");
	policy_free(p);
}

TEST(test_an_empty_optional_text_is_an_error_at_its_line)
{
	char *path, *errs;
	/* the optional texts of [register], once each */
	static const char *const keys[] = { "requests_how", "retention_note", "sources", "transfers",
					    "disclosures", "access_terms", "supervisory_authority" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		char *line = xasprintf("%s =\n", keys[i]), *text, *want;

		text = xasprintf("[register]\nlanguages = fi, en\n%s%s", line, strstr(BASE, "name ="));
		errs = errors_of(text, &path);
		want = xasprintf("'%s' in [register] is empty: give its text, or leave the key out", keys[i]);
		CHECK(has_error(errs, path, 3, want));
		/* not also "has no text in language ..." */
		CHECK_EQ(count_lines(errs), 1);
		free(want);
		free(errs);
		free(path);
		free(text);
		free(line);
	}
	/* a required one says so once, as before */
	errs = errors_of("[register]\nname =\ncontroller = C\ncontact = K\nprivacy_contact = P\n"
			 "details_level = top\n[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
			 "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
			 "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
			 &path);
	CHECK(has_error(errs, path, 2, "'name' in [register] must not be empty"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_a_refused_line_hides_only_its_own_key)
{
	/* The controller's line is refused; the name is missing indeed. */
	char *path, *errs = errors_of("[register]\ncontroller = C\xff\n" "contact = K\n"
				      "privacy_contact = P\ndetails_level = top\n" "[level low]\n"
				      "group = g-low\n" "[level top]\nrights = yes\n" "[purpose p1]\n"
				      "description = D\nlegal_basis = contract\nmin_level = low\n"
				      "retention = 12m\n" "[source s1]\nkind = call\npurpose = p1\n"
				      "data_source = tel\n",
				      &path);

	CHECK(has_error(errs, path, 2, "not valid UTF-8"));
	CHECK(has_error(errs, path, 1, "[register] lacks the required key 'name'"));
	CHECK(!strstr(errs, "'controller'"));
	CHECK_EQ(count_lines(errs), 2);
	free(errs);
	free(path);
}

TEST(test_missing_file_is_an_io_error_with_a_message)
{
	struct policy *p = NULL;
	char *errs = NULL;
	char *path = xasprintf("%s/absent.conf", tmpdir);

	CHECK_EQ(policy_load(path, &p, &errs), -ENOENT);
	CHECK(p == NULL);
	/* No error of the policy: errs is for those (bb8 LOW 12: "the policy
	 * has errors" after "cannot read"). */
	CHECK(errs == NULL);
	CHECK(strstr(meta_errmsg(), path) && strstr(meta_errmsg(), "No such file"));
	CHECK(strstr(meta_errmsg(), "cannot read the policy") != NULL);
	free(errs);
	free(path);
}

TEST(test_periods_are_at_most_100_years_in_each_unit)
{
	/* recfs-policy(5): at most 100 years, which is 36525 days (of 365.25),
	 * 1200 months or 100 years. */
	static const char *const ok[] = { "36525d", "1200m", "100y" };
	static const char *const over[] = { "36526d", "1201m", "101y" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		char *text = xasprintf(BASE "[purpose p2]\ndescription = D\nlegal_basis = consent\n"
					    "min_level = low\nretention = %s\n", ok[i]);
		struct policy *p = load_text(text);

		CHECK(p != NULL);
		policy_free(p);
		free(text);
	}
	for (size_t i = 0; i < sizeof(over) / sizeof(*over); i++) {
		char *text = xasprintf(BASE "[purpose p2]\ndescription = D\nlegal_basis = consent\n"
					    "min_level = low\nretention = %s\n", over[i]);
		char *want = xasprintf("retention '%s' must be more than zero and at most 100 years", over[i]);
		char *path, *errs = errors_of(text, &path);

		CHECK(has_error(errs, path, 24, want));
		CHECK_EQ(count_lines(errs), 1);
		free(errs);
		free(path);
		free(want);
		free(text);
	}
}

TEST(test_period_add_is_calendar_arithmetic)
{
	int64_t t, want;
	struct policy_period m12 = { 12, 'm' }, y1 = { 1, 'y' }, m1 = { 1, 'm' };
	struct policy_period d90 = { 90, 'd' }, y4 = { 4, 'y' };

	CHECK_EQ(util_parse_date("2024-02-29", &t), 0);
	CHECK_EQ(util_parse_date("2025-02-28", &want), 0);
	CHECK_EQ(policy_period_add(t, m12), want);
	CHECK_EQ(policy_period_add(t, y1), want);
	CHECK_EQ(util_parse_date("2028-02-29", &want), 0);
	CHECK_EQ(policy_period_add(t, y4), want);
	CHECK_EQ(util_parse_date("2024-05-29", &want), 0);
	CHECK_EQ(policy_period_add(t, d90), want);
	CHECK_EQ(util_parse_date("2024-01-31", &t), 0);
	CHECK_EQ(util_parse_date("2024-02-29", &want), 0);
	CHECK_EQ(policy_period_add(t, m1), want);
	CHECK_EQ(util_parse_time("2023-12-15T10:15:00Z", &t), 0);
	CHECK_EQ(util_parse_time("2024-12-15T10:15:00Z", &want), 0);
	CHECK_EQ(policy_period_add(t, m12), want);
}

TEST(test_period_format_gives_back_the_policy_form)
{
	char buf[16];

	policy_period_format((struct policy_period){ 90, 'd' }, buf);
	CHECK_STR(buf, "90d");
	policy_period_format((struct policy_period){ 12, 'm' }, buf);
	CHECK_STR(buf, "12m");
	policy_period_format((struct policy_period){ 2, 'y' }, buf);
	CHECK_STR(buf, "2y");
}

TEST(test_period_le_holds_from_every_start_date)
{
	struct policy_period d28 = { 28, 'd' }, d31 = { 31, 'd' }, m1 = { 1, 'm' }, m12 = { 12, 'm' };
	struct policy_period y1 = { 1, 'y' }, m13 = { 13, 'm' }, d365 = { 365, 'd' }, d366 = { 366, 'd' };

	CHECK(policy_period_le(m12, y1));
	CHECK(policy_period_le(y1, m12));
	CHECK(policy_period_le(y1, m13));
	CHECK(!policy_period_le(m13, y1));
	CHECK(policy_period_le(d28, m1));
	CHECK(!policy_period_le(d31, m1));	/* from 1 February */
	CHECK(policy_period_le(d365, y1));
	CHECK(!policy_period_le(d366, y1));	/* a year of 365 days */
	CHECK(policy_period_le(y1, d366));
}

TEST(test_legal_bases_are_the_six_of_article_6)
{
	int n = 0;

	while (policy_legal_bases[n])
		n++;
	CHECK_EQ(n, 6);
	CHECK(policy_is_legal_basis("legitimate_interests"));
	CHECK(policy_is_legal_basis("consent"));
	CHECK(!policy_is_legal_basis("Consent"));
	CHECK(!policy_is_legal_basis(""));
}

TEST(test_chat_and_attachment_levels_are_unset_unless_given)
{
	struct policy *p = load_text(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\nmin_level = low\n"
					  "retention = 6m\nchat_level = low\nattachment_level = top\n");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->purposes[0].chat_level, -1);
	CHECK_EQ(p->purposes[0].attachment_level, -1);
	CHECK_EQ(p->purposes[1].chat_level, 0);
	CHECK_EQ(p->purposes[1].attachment_level, 1);
	policy_free(p);
}

TEST(test_chat_and_attachment_levels_below_min_level_are_reported_at_their_lines)
{
	char *path, *errs = errors_of(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\n"
					   "min_level = top\nretention = 6m\nchat_level = low\n"
					   "attachment_level = nosuch\n",
				      &path);

	CHECK(has_error(errs, path, 25, "chat_level low in [purpose p2] is below its min_level top (line 23)"));
	CHECK(has_error(errs, path, 26, "attachment_level: no level named 'nosuch'"));
	CHECK_EQ(count_lines(errs), 2);
	free(errs);
	free(path);
}

TEST(test_allowed_bases_are_read_as_a_set_and_checked_by_line)
{
	struct policy *p = load_text(BASE "[purpose p2]\ndescription = D2\nlegal_basis = legitimate_interests\n"
					  "min_level = low\nretention = 6m\nallowed_bases = consent,contract  consent\n");
	char *path, *errs;

	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->purposes[0].allowed_bases, 0);
		CHECK_EQ(p->purposes[1].allowed_bases, 3);	/* consent, contract */
		policy_free(p);
	}
	errs = errors_of(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\nmin_level = low\n"
			      "retention = 6m\nallowed_bases = contract, because\n",
			 &path);
	CHECK(has_error(errs, path, 25, "allowed_bases: 'because' is not one of consent, contract"));
	CHECK_EQ(count_lines(errs), 1);
	free(errs);
	free(path);
}

TEST(test_a_recording_may_have_its_purposes_basis_an_allowed_one_or_its_sources)
{
	struct policy *p = load_text(BASE "[purpose p2]\ndescription = D2\nlegal_basis = legitimate_interests\n"
					  "min_level = low\nretention = 6m\nallowed_bases = consent\n"
					  "[source s2]\nkind = meeting\npurpose = p1\nlegal_basis = legal_obligation\n"
					  "data_source = m\n");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(policy_basis_allowed(p, 0, -1, "contract"));
	CHECK(!policy_basis_allowed(p, 0, -1, "consent"));
	CHECK(!policy_basis_allowed(p, 0, 0, "legal_obligation"));
	CHECK(policy_basis_allowed(p, 0, 1, "legal_obligation"));	/* s2 says so for p1 */
	CHECK(!policy_basis_allowed(p, 1, 1, "legal_obligation"));	/* but not for p2 */
	CHECK(policy_basis_allowed(p, 1, 0, "legitimate_interests"));
	CHECK(policy_basis_allowed(p, 1, 0, "consent"));
	CHECK(!policy_basis_allowed(p, 1, 0, "contract"));
	CHECK(!policy_basis_allowed(p, 1, 0, "Consent"));
	CHECK(!policy_basis_allowed(p, 1, 0, NULL));
	CHECK(!policy_basis_allowed(p, 2, -1, "contract"));
	CHECK(!policy_basis_allowed(p, -1, -1, "contract"));
	policy_free(p);
}

TEST(test_special_categories_and_their_condition_are_read_as_words)
{
	struct policy *p = load_text(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\nmin_level = low\n"
					  "retention = 6m\nspecial_categories = health, genetic  health\n"
					  "special_condition = explicit_consent\n"
					  "[purpose p3]\ndescription = D3\nlegal_basis = legal_obligation\n"
					  "allowed_bases = consent\nmin_level = low\nretention = 6m\n"
					  "special_categories = sex_life_or_orientation\n"
					  "special_condition = health_or_social_care\n");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->purposes[0].special_categories, 0);
	CHECK_EQ(p->purposes[0].special_condition, -1);
	CHECK_EQ(p->purposes[1].special_categories, (1u << 4) | (1u << 6));	/* genetic, health */
	CHECK_EQ(p->purposes[1].special_condition, POLICY_EXPLICIT_CONSENT);
	CHECK_STR(policy_special_conditions[p->purposes[1].special_condition], "explicit_consent");
	CHECK_EQ(p->purposes[2].special_categories, 1u << 7);
	CHECK_STR(policy_special_conditions[p->purposes[2].special_condition], "health_or_social_care");
	/* Art. 9(1)'s eight categories and Art. 9(2)'s ten conditions, (a) first */
	CHECK_STR(policy_special_categories[6], "health");
	CHECK(policy_special_categories[8] == NULL);
	CHECK_STR(policy_special_conditions[9], "archiving_research_statistics");
	CHECK(policy_special_conditions[10] == NULL);
	policy_free(p);
}

TEST(test_special_categories_and_their_condition_come_together_and_are_checked_by_line)
{
	char *path, *errs = errors_of(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\nmin_level = low\n"
					   "retention = 6m\nspecial_categories = health\n"
					   "[purpose p3]\ndescription = D3\nlegal_basis = consent\nmin_level = low\n"
					   "retention = 6m\nspecial_condition = public_health\n"
					   "[purpose p4]\ndescription = D4\nlegal_basis = consent\nmin_level = low\n"
					   "retention = 6m\nspecial_categories = health, medical\n"
					   "special_condition = consent\n"
					   "[purpose p5]\ndescription = D5\nlegal_basis = consent\nmin_level = low\n"
					   "retention = 6m\nspecial_categories =\nspecial_condition = legal_claims\n",
				      &path);

	CHECK(has_error(errs, path, 25, "[purpose p2] names special_categories but no special_condition"));
	CHECK(has_error(errs, path, 31, "[purpose p3] gives special_condition but no special_categories"));
	CHECK(has_error(errs, path, 37, "special_categories: 'medical' is not one of racial_or_ethnic_origin, "));
	CHECK(has_error(errs, path, 38, "special_condition 'consent' is not one of explicit_consent, "));
	CHECK(has_error(errs, path, 44, "special_categories in [purpose p5] names no category"));
	CHECK_EQ(count_lines(errs), 5);
	free(errs);
	free(path);
}

TEST(test_explicit_consent_needs_consent_as_every_basis_of_the_purpose)
{
	char *path, *errs = errors_of(BASE "[purpose p2]\ndescription = D2\nlegal_basis = contract\nmin_level = low\n"
					   "retention = 6m\nspecial_categories = health\n"
					   "special_condition = explicit_consent\n"
					   "[purpose p3]\ndescription = D3\nlegal_basis = consent\n"
					   "allowed_bases = consent, legal_obligation\nmin_level = low\nretention = 6m\n"
					   "special_categories = biometric\nspecial_condition = explicit_consent\n"
					   "[source s2]\nkind = call\npurpose = p4\nlegal_basis = contract\n"
					   "data_source = t2\n"
					   "[purpose p4]\ndescription = D4\nlegal_basis = consent\nmin_level = low\n"
					   "retention = 6m\nspecial_condition = explicit_consent\n"
					   "special_categories = health\n",
				      &path);
	struct policy *p;

	CHECK(has_error(errs, path, 26,
			"special_condition explicit_consent in [purpose p2] needs legal_basis consent (line 22), "
			"not contract"));
	CHECK(has_error(errs, path, 34,
			"special_condition explicit_consent in [purpose p3] allows no basis but consent: "
			"allowed_bases (line 30) names legal_obligation"));
	CHECK(has_error(errs, path, 38,
			"legal_basis contract in [source s2]: its purpose p4 has special_condition explicit_consent "
			"(line 45)"));
	CHECK_EQ(count_lines(errs), 3);
	free(errs);
	free(path);
	/* consent everywhere, a source's too, is explicit consent's basis */
	p = load_text(BASE "[purpose p2]\ndescription = D2\nlegal_basis = consent\nallowed_bases = consent\n"
			   "min_level = low\nretention = 6m\nspecial_categories = health\n"
			   "special_condition = explicit_consent\n"
			   "[source s2]\nkind = call\npurpose = p2\nlegal_basis = consent\ndata_source = t2\n");
	CHECK(p != NULL);
	policy_free(p);
}

TEST(test_quarantine_retention_is_30_days_unless_given)
{
	struct policy *p = load_text(BASE);
	char *path, *errs, *text;

	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->quarantine_retention.n, 30);
		CHECK_EQ(p->quarantine_retention.unit, 'd');
		policy_free(p);
	}
	/* BASE's [register] ends at line 6: the key goes to line 7. */
	text = xasprintf("%.*squarantine_retention = 2m\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	p = load_text(text);
	CHECK(p && p->quarantine_retention.n == 2 && p->quarantine_retention.unit == 'm');
	policy_free(p);
	free(text);
	text = xasprintf("%.*squarantine_retention = soon\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	errs = errors_of(text, &path);
	CHECK(has_error(errs, path, 7, "bad quarantine_retention 'soon'"));
	free(errs);
	free(path);
	free(text);
}

TEST(test_request_retention_is_5_years_unless_given)
{
	struct policy *p = load_text(BASE);
	char *path, *errs, *text;

	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->request_retention.n, 5);
		CHECK_EQ(p->request_retention.unit, 'y');
		policy_free(p);
	}
	text = xasprintf("%.*srequest_retention = 3y\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	p = load_text(text);
	CHECK(p && p->request_retention.n == 3 && p->request_retention.unit == 'y');
	policy_free(p);
	free(text);
	text = xasprintf("%.*srequest_retention = forever\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	errs = errors_of(text, &path);
	CHECK(has_error(errs, path, 7, "bad request_retention 'forever'"));
	free(errs);
	free(path);
	free(text);
}

TEST(test_audit_retention_is_2_years_unless_given)
{
	struct policy *p = load_text(BASE);
	char *path, *errs, *text;
	int64_t t = 1805241600; /* 2027-03-17 */

	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->audit_retention.n, 2);
		CHECK_EQ(p->audit_retention.unit, 'y');
		policy_free(p);
	}
	text = xasprintf("%.*saudit_retention = 6m\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	p = load_text(text);
	CHECK(p && p->audit_retention.n == 6 && p->audit_retention.unit == 'm');
	policy_free(p);
	free(text);
	text = xasprintf("%.*saudit_retention = 0d\n%s", (int)(strstr(BASE, "[level") - BASE), BASE,
			 strstr(BASE, "[level"));
	errs = errors_of(text, &path);
	CHECK(has_error(errs, path, 7, "audit_retention '0d' must be more than zero"));
	free(errs);
	free(path);
	free(text);
	/* Back from a date by a period: the inverse of policy_period_add,
	 * but for the clamp to a month's last day. */
	CHECK_EQ(policy_period_sub(t, (struct policy_period){ 2, 'y' }), t - 730 * 86400);
	CHECK_EQ(policy_period_sub(t, (struct policy_period){ 10, 'd' }), t - 10 * 86400);
	CHECK_EQ(policy_period_sub(t, (struct policy_period){ 1, 'm' }), t - 28 * 86400);
	CHECK_EQ(policy_period_sub(1806451200 /* 2027-03-31 */, (struct policy_period){ 1, 'm' }), 1803772800 /* 2027-02-28 */);
}

/* BASE with line 7 (in [register]) "phone_country_code = value". */
static char *with_country_code(const char *value)
{
	return xasprintf("%.*sphone_country_code = %s\n%s", (int)(strstr(BASE, "[level") - BASE), BASE, value,
			 strstr(BASE, "[level"));
}

TEST(test_phone_country_code_is_kept_as_digits_and_none_unless_given)
{
	static const char *const bad[] = { "0358", "3581", "35a", "+", "++358", "+0", "3 58", "" };
	static const char *const good[][2] = { { "358", "358" }, { "+46", "46" }, { "1   ; NANP", "1" } };
	struct policy *p = load_text(BASE);
	char *path, *errs, *text;

	CHECK(p && p->phone_country_code == NULL);
	policy_free(p);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = with_country_code(good[i][0]);
		p = load_text(text);
		CHECK_STR(p ? p->phone_country_code : NULL, good[i][1]);
		policy_free(p);
		free(text);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *want = xasprintf("phone_country_code '%s' is not a country calling code", bad[i]);

		text = with_country_code(bad[i]);
		errs = errors_of(text, &path);
		CHECK(has_error(errs, path, 7, want));
		CHECK(has_error(errs, path, 7, "as 358 (Finland)"));
		free(errs);
		free(path);
		free(text);
		free(want);
	}
	/* the shipped policy is a Finnish register's */
	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	CHECK_STR(p ? p->phone_country_code : NULL, "358");
	policy_free(p);
}

TEST(test_texts_are_read_per_language_and_a_key_without_one_is_the_first)
{
	struct policy *p = load_text("[register]\nlanguages = fi, en\nname = Rekisteri\nname[en] = Register\n"
				     "controller = C\ncontact = K\nprivacy_contact = P\n"
				     "requests_how[fi] = Sähköpostitse\nrequests_how[en] = By e-mail\n"
				     "  or by post\ndetails_level = top\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
				     "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	int en;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->n_langs, 2);
	CHECK_STR(p->langs[0], "fi");
	CHECK_STR(p->langs[1], "en");
	en = policy_lang_index(p, "en");
	CHECK_EQ(en, 1);
	CHECK_EQ(policy_lang_index(p, "de"), -1);
	CHECK_STR(p->reg_name, "Rekisteri");
	CHECK_STR(policy_text(p, &p->reg_name_t, 0), "Rekisteri");
	CHECK_STR(policy_text(p, &p->reg_name_t, en), "Register");
	CHECK_STR(policy_text(p, &p->requests_how, 0), "Sähköpostitse");
	CHECK_STR(policy_text(p, &p->requests_how, en), "By e-mail or by post");
	/* a text given only in the first language falls back to it */
	CHECK_STR(policy_text(p, &p->controller_t, en), "C");
	CHECK(policy_text(p, &p->transfers, en) == NULL);
	policy_free(p);
}

TEST(test_swedish_and_german_may_be_named_in_any_order)
{
	struct policy *p = load_text("[register]\nlanguages = de sv\nname = Register\nname[sv] = Registret\n"
				     "controller = C\ncontact = K\nprivacy_contact = P\ndetails_level = top\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = Qualität\ndescription[sv] = Kvalitet\n"
				     "legal_basis = contract\nmin_level = low\n"
				     "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	int sv;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->n_langs, 2);
	CHECK_STR(p->langs[0], "de");
	CHECK_STR(p->langs[1], "sv");
	sv = policy_lang_index(p, "sv");
	CHECK_EQ(sv, 1);
	CHECK_EQ(policy_lang_index(p, "en"), -1);
	CHECK_EQ(policy_lang_index(p, "fi"), -1);
	CHECK_STR(policy_text(p, &p->reg_name_t, 0), "Register");
	CHECK_STR(policy_text(p, &p->reg_name_t, sv), "Registret");
	CHECK_STR(policy_text(p, &p->purposes[0].description_t, sv), "Kvalitet");
	CHECK_STR(policy_text(p, &p->purposes[0].description_t, 0), "Qualität");
	policy_free(p);

	/* all four at once: as many as POLICY_MAX_LANGS */
	p = load_text("[register]\nlanguages = fi, en, sv, de\nname = R\ncontroller = C\ncontact = K\n"
		      "privacy_contact = P\ndetails_level = top\n"
		      "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
		      "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
		      "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	CHECK(p != NULL);
	CHECK_EQ(p ? p->n_langs : 0, 4);
	CHECK_EQ(policy_lang_index(p, "de"), 3);
	policy_free(p);
}

TEST(test_french_may_be_named_first_and_all_five_at_once)
{
	struct policy *p = load_text("[register]\nlanguages = fr, en\nname = Registre\nname[en] = Register\n"
				     "controller = C\ncontact = K\nprivacy_contact = P\ndetails_level = top\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = Qualité\ndescription[en] = Quality\n"
				     "legal_basis = contract\nmin_level = low\n"
				     "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	char *path, *errs;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->n_langs, 2);
	CHECK_STR(p->langs[0], "fr");
	CHECK_STR(p->langs[1], "en");
	CHECK_EQ(policy_lang_index(p, "fr"), 0);
	CHECK_EQ(policy_lang_index(p, "en"), 1);
	CHECK_STR(policy_text(p, &p->reg_name_t, 0), "Registre");
	CHECK_STR(policy_text(p, &p->reg_name_t, 1), "Register");
	CHECK_STR(policy_text(p, &p->purposes[0].description_t, 0), "Qualité");
	policy_free(p);

	/* all five at once: as many as POLICY_MAX_LANGS, and the tag fits */
	CHECK_EQ(POLICY_MAX_LANGS, 5);
	p = load_text("[register]\nlanguages = fi, en, sv, de, fr\nname = R\ncontroller = C\ncontact = K\n"
		      "privacy_contact = P\ndetails_level = top\n"
		      "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
		      "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
		      "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	CHECK(p != NULL);
	CHECK_EQ(p ? p->n_langs : 0, 5);
	CHECK_EQ(policy_lang_index(p, "fr"), 4);
	CHECK_STR(p ? p->langs[4] : "", "fr");
	policy_free(p);

	/* a sixth name can only be a repeat: refused as named twice */
	errs = errors_of("[register]\nlanguages = fi, en, sv, de, fr, fr\nname = R\ncontroller = C\n"
			 "contact = K\nprivacy_contact = P\ndetails_level = top\n"
			 "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
			 "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
			 "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
			 &path);
	CHECK(has_error(errs, path, 2, "languages: 'fr' is named twice"));
	free(errs);
	free(path);
}

/* A Finnish-first register of country code cc (none when NULL) with
 * the given [register] lines (line 8 on). */
static struct policy *authority_policy(const char *cc, const char *lines)
{
	char *text = xasprintf("[register]\nlanguages = fi, en\nname = R\ncontroller = C\ncontact = K\n"
			       "privacy_contact = P\ndetails_level = top\n%s%s%s%s"
			       "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
			       "[purpose p1]\ndescription = D\nlegal_basis = contract\nmin_level = low\n"
			       "retention = 12m\n[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
			       lines, cc ? "phone_country_code = " : "", cc ? cc : "", cc ? "\n" : "");
	struct policy *p = load_text(text);

	free(text);
	return p;
}

TEST(test_supervisory_authority_is_read_per_language)
{
	struct policy *p = authority_policy("46", "supervisory_authority = Tietosuojaviranomainen IMY\n"
						  "supervisory_authority[en] = the Swedish Authority for\n"
						  "  Privacy Protection (IMY), imy@imy.se\n");
	const char *t = NULL;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(policy_text(p, &p->supervisory_authority, 0), "Tietosuojaviranomainen IMY");
	CHECK_STR(policy_text(p, &p->supervisory_authority, 1),
		  "the Swedish Authority for Privacy Protection (IMY), imy@imy.se");
	CHECK(!p->warnings || !strstr(p->warnings, "supervisory_authority"));
	CHECK_EQ(policy_supervisory_authority(p, 1, &t), POLICY_AUTHORITY_GIVEN);
	CHECK_STR(t, "the Swedish Authority for Privacy Protection (IMY), imy@imy.se");
	CHECK_EQ(policy_supervisory_authority(p, 0, &t), POLICY_AUTHORITY_GIVEN);
	CHECK_STR(t, "Tietosuojaviranomainen IMY");
	policy_free(p);
	/* given in one language only: a warning, and the other language's text */
	p = authority_policy(NULL, "supervisory_authority[en] = IMY\n");
	CHECK(p && p->warnings && strstr(p->warnings, ":8: [register] has no 'supervisory_authority' text in "
						       "language fi"));
	CHECK(p && policy_supervisory_authority(p, 0, &t) == POLICY_AUTHORITY_GIVEN);
	CHECK_STR(t, "IMY");
	policy_free(p);
}

TEST(test_without_supervisory_authority_only_a_finnish_register_names_the_ombudsman)
{
	static const struct {
		const char *cc;
		enum policy_authority want;
	} cases[] = {
		{ NULL, POLICY_AUTHORITY_FINLAND },
		{ "358", POLICY_AUTHORITY_FINLAND },
		{ "+358", POLICY_AUTHORITY_FINLAND },
		{ "46", POLICY_AUTHORITY_UNNAMED },
		{ "35", POLICY_AUTHORITY_UNNAMED },
	};
	struct policy *p;
	const char *t = "unset";

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = authority_policy(cases[i].cc, "");
		CHECK(p != NULL);
		if (!p)
			continue;
		for (int lang = 0; lang < 2; lang++) {
			t = "unset";
			CHECK_EQ(policy_supervisory_authority(p, lang, &t), cases[i].want);
			CHECK(t == NULL);
		}
		policy_free(p);
	}
	/* the shipped policy is a Finnish register's, and names none itself */
	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	CHECK(p && policy_text(p, &p->supervisory_authority, 0) == NULL);
	CHECK(p && policy_supervisory_authority(p, 1, &t) == POLICY_AUTHORITY_FINLAND);
	policy_free(p);
}

TEST(test_a_policy_without_languages_is_in_english)
{
	struct policy *p = load_text(BASE);

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->n_langs, 1);
	CHECK_STR(p->langs[0], "en");
	CHECK_STR(policy_text(p, &p->purposes[0].description_t, 0), "D");
	CHECK(p->warnings == NULL);
	policy_free(p);
}

TEST(test_bad_and_unknown_language_tags_are_errors_at_their_lines)
{
	char *path, *errs = errors_of("[register]\nlanguages = fi, xx, EN\n"
				      "name = R\ncontroller = C\ncontact = K\nprivacy_contact = P\n"
				      "details_level = top\n"
				      "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				      "[purpose p1]\ndescription = D\ndescription[sv] = S\n"
				      "description[e] = X\ndescription[en = Y\nlegal_basis[en] = contract\n"
				      "legal_basis = contract\nmin_level = low\nretention = 12m\n"
				      "description[fi] = again\n"
				      "[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n",
				      &path);

	CHECK(has_error(errs, path, 2, "the notice cannot be written in 'xx' (it knows fi, en, sv, de, fr)"));
	CHECK(has_error(errs, path, 2, "bad language tag 'EN'"));
	CHECK(has_error(errs, path, 14, "'description[sv]': language 'sv' is not in [register] languages (fi)"));
	CHECK(has_error(errs, path, 15, "bad language tag in 'description[e]'"));
	CHECK(has_error(errs, path, 16, "bad language tag in 'description[en'"));
	CHECK(has_error(errs, path, 17, "'legal_basis' in [purpose p1] is not a text"));
	CHECK(has_error(errs, path, 21, "'description[fi]' and 'description' (line 13) in [purpose p1] both give"));
	free(errs);
	free(path);
}

TEST(test_a_text_missing_in_a_language_is_a_warning_by_line)
{
	struct policy *p = load_text("[register]\nlanguages = fi, en\nname = R\ncontroller = C\ncontact = K\n"
				     "privacy_contact = P\ndetails_level = top\ntransfers[en] = Not outside the EEA\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = D\ndescription[en] = E\nlegal_basis = contract\n"
				     "min_level = low\nretention = 12m\n"
				     "[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n");
	const char *w;

	CHECK(p != NULL);
	if (!p)
		return;
	w = p->warnings ? p->warnings : "";
	CHECK(strstr(w, ":3: [register] has no 'name' text in language en: its notice shows the first language's\n"));
	CHECK(strstr(w, ":4: [register] has no 'controller' text in language en"));
	CHECK(strstr(w, ":8: [register] has no 'transfers' text in language fi\n"));
	CHECK(!strstr(w, "description"));
	CHECK(strstr(w, ":3:") < strstr(w, ":8:"));
	/* the first language falls back to the one given */
	CHECK_STR(policy_text(p, &p->transfers, 0), "Not outside the EEA");
	policy_free(p);
}

TEST(test_recipient_kinds_default_to_recipient_and_are_checked)
{
	char *path, *errs;
	struct policy *p = load_text(BASE "[recipient police]\nname = Police\neea = yes\nkind = authority\n"
				     "[recipient crm]\nname = CRM\neea = yes\nkind = internal-register\n"
				     "[recipient group]\nname = Group\neea = yes\n");

	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->recipients[0].kind, POLICY_RECIPIENT_AUTHORITY);
		CHECK_EQ(p->recipients[1].kind, POLICY_RECIPIENT_INTERNAL);
		CHECK_EQ(p->recipients[2].kind, POLICY_RECIPIENT_OTHER);
		CHECK_EQ(p->recipients[0].eea, 1);
		CHECK_STR(policy_recipient_kinds[p->recipients[1].kind], "internal-register");
	}
	policy_free(p);
	errs = errors_of(BASE "[recipient x]\nname = X\neea = yes\nkind = police\n", &path);
	CHECK(has_error(errs, path, 23, "kind must be recipient, authority or internal-register, not 'police'"));
	free(errs);
	free(path);
}

TEST(test_example_policy_is_finnish_first_with_english_texts_and_no_warnings)
{
	struct policy *p = NULL;
	int en;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	CHECK_EQ(p->n_langs, 2);
	CHECK_STR(p->langs[0], "fi");
	en = policy_lang_index(p, "en");
	CHECK(p->warnings == NULL);
	if (p->warnings)
		fputs(p->warnings, stderr);
	for (size_t i = 0; i < p->n_purposes; i++)
		CHECK(p->purposes[i].description_t.in[en] != NULL);
	CHECK(policy_text(p, &p->requests_how, 0) && strstr(policy_text(p, &p->requests_how, 0), "postitse"));
	CHECK(policy_text(p, &p->transfers, en) != NULL);
	CHECK_EQ(p->recipients[policy_recipient_index(p, "authorities")].kind, POLICY_RECIPIENT_AUTHORITY);
	CHECK_EQ(p->recipients[policy_recipient_index(p, "tamro-registers")].kind, POLICY_RECIPIENT_INTERNAL);
	policy_free(p);
}

TEST(test_a_label_stays_as_written_and_has_its_words_per_language)
{
	struct policy *p = load_text("[register]\nlanguages = fi, en\nname = R\ncontroller = C\ncontact = K\n"
				     "privacy_contact = P\ndetails_level = top\n"
				     "[level low]\ngroup = g-low\n[level top]\nrights = yes\n"
				     "[purpose p1]\ndescription = D\ndescription[en] = D\nlegal_basis = contract\n"
				     "min_level = low\nretention = 12m\n"
				     "[source s1]\nkind = call\npurpose = p1\ndata_source = tel\n"
				     "data_source[fi] = puhelin\ndata_source[en] = telephone\n"
				     "[source s2]\nkind = call\npurpose = p1\ndata_source = line 2\n"
				     "data_source[fi] = linja 2\n"
				     "[source s3]\nkind = call\npurpose = p1\ndata_source = line 3\n"
				     "[recipient it]\nname = IT\nname[en] = IT\neea = no\nsafeguard = SCC\n"
				     "safeguard[fi] = mallilausekkeet\nsafeguard[en] = SCCs\n");
	const struct policy_source *s1, *s2, *s3;
	const struct policy_recipient *r;
	char basis[256];
	const char *w;
	int en;

	CHECK(p != NULL);
	if (!p)
		return;
	en = policy_lang_index(p, "en");
	s1 = &p->sources[0];
	s2 = &p->sources[1];
	s3 = &p->sources[2];
	r = &p->recipients[0];
	/* the label itself is what the policy writes: data_source[fi] does not
	 * replace it, though fi is the first language */
	CHECK_STR(s1->data_source, "tel");
	CHECK_STR(policy_label(p, s1->data_source, &s1->data_source_t, 0), "puhelin");
	CHECK_STR(policy_label(p, s1->data_source, &s1->data_source_t, en), "telephone");
	/* a language without its words shows the label, not another language's */
	CHECK_STR(policy_label(p, s2->data_source, &s2->data_source_t, en), "line 2");
	CHECK_STR(policy_label(p, s3->data_source, &s3->data_source_t, 0), "line 3");
	CHECK_STR(policy_label(p, s3->data_source, &s3->data_source_t, -1), "line 3");
	CHECK_STR(r->safeguard, "SCC");
	CHECK_STR(policy_label(p, r->safeguard, &r->safeguard_t, 0), "mallilausekkeet");
	CHECK_STR(policy_label(p, r->safeguard, &r->safeguard_t, en), "SCCs");
	/* a disclosure's audit entry keeps the safeguard as written */
	policy_transfer_basis(r, basis, sizeof(basis));
	CHECK_STR(basis, " kind=recipient transfer=outside-EEA safeguard=SCC");
	/* words in some language but not in all: a warning at the label's line */
	w = p->warnings ? p->warnings : "";
	CHECK(strstr(w, ":27: [source s2] has no 'data_source' text in language en: its notice shows the label "
			"as written\n"));
	CHECK(!strstr(w, "[source s1]") && !strstr(w, "[source s3]") && !strstr(w, "safeguard"));
	policy_free(p);
}

TEST(test_a_label_in_a_language_without_the_label_is_an_error)
{
	char *path, *errs = errors_of(BASE "[recipient x]\nname = X\neea = yes\nsafeguard[en] = S\n"
				      "[source s2]\nkind = call\npurpose = p1\ndata_source[en] = tel\n"
				      "data_source[sv] = tel\n",
				      &path);

	CHECK(has_error(errs, path, 23, "'safeguard[LANG]' in [recipient x] without 'safeguard'"));
	CHECK(has_error(errs, path, 24, "[source s2] lacks the required key 'data_source'"));
	CHECK(has_error(errs, path, 28, "'data_source[sv]': language 'sv' is not in [register] languages (en)"));
	free(errs);
	free(path);
}

static void free_null(void)
{
	policy_free(NULL);
}

TEST(test_policy_free_accepts_null)
{
	CHECK(t_in_child(free_null));
}

int main(void)
{
	tmpdir = t_mkdtemp("policy");
	if (!tmpdir)
		return 2;
	RUN(test_example_policy_loads_with_levels_training_analysis_privacy);
	RUN(test_example_policy_has_the_purposes_sources_and_recipients_of_the_notice);
	RUN(test_four_level_fixture_loads_with_dpo_as_rights_level);
	RUN(test_minimal_policy_takes_the_defaults);
	RUN(test_unknown_section_type_is_reported_at_its_line);
	RUN(test_unknown_key_is_reported_at_its_line);
	RUN(test_duplicate_section_and_key_name_the_first_line);
	RUN(test_a_group_for_two_levels_or_root_s_group_is_refused);
	RUN(test_missing_required_key_is_reported_at_the_section_header);
	RUN(test_bad_values_are_reported_at_their_lines);
	RUN(test_retention_may_not_exceed_max_retention_from_any_date);
	RUN(test_references_to_unknown_levels_and_purposes_are_reported);
	RUN(test_exactly_one_level_exercises_rights_and_it_is_the_highest);
	RUN(test_recipient_outside_the_eea_needs_a_safeguard);
	RUN(test_names_that_could_not_be_paths_are_refused);
	RUN(test_directory_names_are_taken_and_the_answers_names_are_not_recipients);
	RUN(test_every_error_is_listed_in_line_order);
	RUN(test_empty_file_lists_what_is_missing);
	RUN(test_continuation_lines_extend_a_value_and_keep_line_numbers);
	RUN(test_comments_and_whitespace_are_not_part_of_values);
	RUN(test_overlong_and_invalid_lines_are_reported);
	RUN(test_text_after_a_section_header_is_an_error);
	RUN(test_a_key_on_a_refused_line_is_not_reported_missing_too);
	RUN(test_a_refused_line_hides_only_its_own_key);
	RUN(test_tabs_and_crlf_line_ends_are_text);
	RUN(test_an_empty_optional_text_is_an_error_at_its_line);
	RUN(test_missing_file_is_an_io_error_with_a_message);
	RUN(test_periods_are_at_most_100_years_in_each_unit);
	RUN(test_period_add_is_calendar_arithmetic);
	RUN(test_period_format_gives_back_the_policy_form);
	RUN(test_period_le_holds_from_every_start_date);
	RUN(test_legal_bases_are_the_six_of_article_6);
	RUN(test_chat_and_attachment_levels_are_unset_unless_given);
	RUN(test_chat_and_attachment_levels_below_min_level_are_reported_at_their_lines);
	RUN(test_allowed_bases_are_read_as_a_set_and_checked_by_line);
	RUN(test_a_recording_may_have_its_purposes_basis_an_allowed_one_or_its_sources);
	RUN(test_special_categories_and_their_condition_are_read_as_words);
	RUN(test_special_categories_and_their_condition_come_together_and_are_checked_by_line);
	RUN(test_explicit_consent_needs_consent_as_every_basis_of_the_purpose);
	RUN(test_quarantine_retention_is_30_days_unless_given);
	RUN(test_audit_retention_is_2_years_unless_given);
	RUN(test_phone_country_code_is_kept_as_digits_and_none_unless_given);
	RUN(test_texts_are_read_per_language_and_a_key_without_one_is_the_first);
	RUN(test_swedish_and_german_may_be_named_in_any_order);
	RUN(test_french_may_be_named_first_and_all_five_at_once);
	RUN(test_supervisory_authority_is_read_per_language);
	RUN(test_without_supervisory_authority_only_a_finnish_register_names_the_ombudsman);
	RUN(test_a_policy_without_languages_is_in_english);
	RUN(test_bad_and_unknown_language_tags_are_errors_at_their_lines);
	RUN(test_a_text_missing_in_a_language_is_a_warning_by_line);
	RUN(test_recipient_kinds_default_to_recipient_and_are_checked);
	RUN(test_example_policy_is_finnish_first_with_english_texts_and_no_warnings);
	RUN(test_request_retention_is_5_years_unless_given);
	RUN(test_a_label_stays_as_written_and_has_its_words_per_language);
	RUN(test_a_label_in_a_language_without_the_label_is_an_error);
	RUN(test_policy_free_accepts_null);
	util_remove_tree(tmpdir);
	T_DONE();
}
