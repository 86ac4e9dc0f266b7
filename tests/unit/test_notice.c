/*
 * test_notice.c - the register notice rendered from a policy: what it
 * must say (controller, purposes, bases in words, retention, recipients,
 * levels, rights) for the shipped example and the four-level fixture, in
 * each language of the policy; the Finnish notice of the example side by
 * side with the privacy notice it was written from (fixtures/notice-seed);
 * the four-level fixture's notice byte for byte as before languages; the
 * supervisory authority a complaint goes to: the policy's, else the Finnish
 * one for a Finnish register only.
 * The policies are read relative to the repository root, where `make
 * check` runs the tests.
 */
#include <ctype.h>
#include <stdlib.h>

#include "notice.h"
#include "t.h"

#define EXAMPLE "packaging/examples/tamro.conf"

/* Every run of spaces and newlines in s as one space, in place. */
static char *squeeze(char *s)
{
	for (char *t = s, *u = s;; u++) {
		if (*u == ' ' || *u == '\n') {
			if (t == s || t[-1] != ' ')
				*t++ = ' ';
		} else if (!(*t++ = *u)) {
			break;
		}
	}
	return s;
}

/* 1 when n holds s, each squeezed: the notice wraps a long line where it
 * falls (wrap_long_lines). */
static int has(const char *n, const char *s)
{
	char *a, *b;
	int found;

	if (!n || !s)
		return 0;
	a = squeeze(xstrdup(n));
	b = squeeze(xstrdup(s));
	found = strstr(a, b) != NULL;
	free(a);
	free(b);
	return found;
}
#define FOUR_LEVELS "tests/fixtures/policy-four-levels.conf"
#define FOUR_LEVELS_NOTICE "tests/fixtures/notice-four-levels.txt"
#define SEED "tests/fixtures/notice-seed/seed-fi.txt"
#define SEED_MAP "tests/fixtures/notice-seed/map.txt"

TEST(test_notice_names_the_controller_every_purpose_and_the_rights)
{
	struct policy *p = NULL;
	char *n;

	int en;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	/* the English notice: the example is Finnish first */
	en = policy_lang_index(p, "en");
	n = notice_render_in(p, "en");
	CHECK(n != NULL);
	if (!n) {
		policy_free(p);
		return;
	}
	CHECK(strstr(n, "Tamro Oyj (0533965-2), Rajatorpantie 41 B, 01640 Vantaa"));
	CHECK(has(n, "Tamron puhelu- ja kokoustallennerekisteri"));
	CHECK(strstr(n, "asiakaspalvelu@tamro.com"));
	for (size_t i = 0; i < p->n_purposes; i++) {
		CHECK(strstr(n, p->purposes[i].name));
		CHECK(has(n, policy_text(p, &p->purposes[i].description_t, en)));
	}
	for (size_t i = 0; i < p->n_sources; i++)
		CHECK(strstr(n, p->sources[i].data_source));
	for (size_t i = 0; i < p->n_recipients; i++)
		CHECK(strstr(n, policy_text(p, &p->recipients[i].display_t, en)));
	CHECK(has(n, "Art. 6(1)(b)"));
	CHECK(has(n, "Art. 6(1)(f)"));
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
			     "    Is not shown the names or contact details recorded about the people\n"
			     "    (file names, attributes, cards); the audio it hears may still\n"
			     "    contain them.\n"));
	free(n);
	/* A policy that lets training read the chats of quality says so. */
	p->purposes[policy_purpose_index(p, "quality")].chat_level = 0;
	n = notice_render_in(p, "en");
	CHECK(n && strstr(n, "training (group recfs-training)\n"
			     "    Recordings of: quality, training\n"
			     "    Chats of: quality\n"
			     "    Shared files of: none\n"
			     "    Is not shown the names or contact details recorded about the people\n"
			     "    (file names, attributes, cards); the audio, chats and shared files\n"
			     "    it opens may still contain them.\n"));
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
		CHECK(has(n, "compliance with a legal obligation of the controller (GDPR Art. 6(1)(c))"));
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
			"    Is not shown the names or contact details recorded about the people\n");
	staff = strstr(n, "\nstaff (group recfs-staff)\n"
			  "    Recordings of: helpdesk, coaching, survey\n"
			  "    Chats and shared files of: none\n"
			  "    Also individual user accounts: 2\n"
			  "    Is not shown the names or contact details recorded about the people\n");
	sup = strstr(n, "\nsupervisor (group recfs-supervisor)\n"
			"    Recordings of: helpdesk, coaching, complaints, survey\n"
			"    Chats and shared files of: helpdesk, coaching, complaints, survey\n"
			"    Also sees names, contact details, staff names and titles.\n");
	dpo = strstr(n, "\ndpo (group recfs-dpo)\n");
	CHECK(pub && staff && sup && dpo);
	CHECK(pub < staff && staff < sup && sup < dpo);
	CHECK(dpo && strstr(dpo, "Handles the data subjects' requests"));
	CHECK(strstr(n, "from level supervisor up"));
	/* the audio counts among what may name people; no level below
	 * details_level is said to see no names at all */
	CHECK(strstr(n, "The audio, chat transcripts and shared files,\nwhich may name people"));
	CHECK(!strstr(n, "Sees no names"));
	/* the users = line names staff accounts; a level without users = or
	 * with an empty one names none */
	CHECK(!strstr(n, "\nsupervisor (group recfs-supervisor)\n    Also individual user accounts"));
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

/* s with every run of white space folded into one space, malloc'd. */
static char *fold(const char *s)
{
	struct strbuf b = { 0 };
	int space = 0;

	strbuf_addf(&b, "%s", "");
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (space)
			strbuf_addf(&b, " ");
		space = 0;
		strbuf_addf(&b, "%c", *s);
	}
	return strbuf_detach(&b);
}

/*
 * The section of notice n titled title (a line underlined with dashes),
 * or the block above the first heading for "-": from its title to the
 * next heading, malloc'd; NULL when n has no such section.
 */
static char *notice_section(const char *n, const char *title)
{
	const char *start = NULL, *line = n;

	if (!strcmp(title, "-"))
		start = n;
	while (*line) {
		const char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : line + strlen(line);
		size_t len = (size_t)(next - line) - (nl ? 1 : 0);
		int underlined = nl && *next == '-' && strspn(next, "-") == strcspn(next, "\n");

		if (underlined && len) {
			if (start)
				return xasprintf("%.*s", (int)(line - start), start);
			if (len == strlen(title) && !strncmp(line, title, len))
				start = line;
		}
		line = next;
	}
	return start ? xstrdup(start) : NULL;
}

/* Trimmed field i (0-based) of "a | b | c" into a malloc'd string. */
static char *field(const char *line, int i)
{
	const char *s = line, *end = line + strcspn(line, "\n"), *e;

	while (i-- > 0 && s && (s = memchr(s, '|', (size_t)(end - s))))
		s++;
	if (!s)
		return NULL;
	e = memchr(s, '|', (size_t)(end - s));
	if (!e)
		e = end;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xasprintf("%.*s", (int)(e - s), s);
}

TEST(test_notice_has_a_counterpart_for_every_section_of_the_seed)
{
	struct policy *p = NULL;
	char *n = NULL, *seed = slurp(SEED), *map = slurp(SEED_MAP);
	int sections = 0, rows = 0;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (p)
		n = notice_render(p);	/* the first language: Finnish */
	CHECK(n && seed && map);
	if (!n || !seed || !map)
		goto out;
	/* every numbered heading of the seed ("4. HEADING") has a row */
	for (const char *l = seed; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		char num[8], *heading, *key;
		int found = 0;
		size_t d = strspn(l, "0123456789");

		if (!d || d > 3 || l[d] != '.' || l[d + 1] != ' ')
			continue;
		snprintf(num, sizeof(num), "%.*s", (int)d, l);
		heading = xasprintf("%.*s", (int)strcspn(l + d + 2, "\r\n"), l + d + 2);
		key = xasprintf("%s | %s |", num, heading);
		for (const char *m = map; (m = strstr(m, key)); m++)
			if (m == map || m[-1] == '\n')
				found = 1;
		if (!found)
			fprintf(stderr, "  seed section %s %s has no row in %s\n", num, heading, SEED_MAP);
		CHECK(found);
		sections++;
		free(heading);
		free(key);
	}
	CHECK_EQ(sections, 11);
	/* every row: its seed heading is the seed's, its phrase in its section */
	for (const char *l = map; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		char *num, *heading, *title, *phrase, *in_seed, *sec, *fs = NULL, *fp = NULL;

		if (*l == '#' || *l == '\n')
			continue;
		num = field(l, 0);
		heading = field(l, 1);
		title = field(l, 2);
		phrase = field(l, 3);
		CHECK(num && heading && title && phrase);
		if (!num || !heading || !title || !phrase)
			goto next;
		in_seed = xasprintf("\n%s. %s\n", num, heading);
		if (!strstr(seed, in_seed))
			fprintf(stderr, "  %s: no section \"%s. %s\" in the seed\n", SEED_MAP, num, heading);
		CHECK(strstr(seed, in_seed));
		free(in_seed);
		sec = notice_section(n, title);
		if (!sec)
			fprintf(stderr, "  seed section %s: the notice has no section \"%s\"\n", num, title);
		CHECK(sec != NULL);
		if (sec) {
			fs = fold(sec);
			fp = fold(phrase);
			if (!strstr(fs, fp))
				fprintf(stderr, "  seed section %s: no \"%s\" in the notice's section \"%s\"\n", num,
					phrase, title);
			CHECK(strstr(fs, fp));
		}
		rows++;
		free(sec);
		free(fs);
		free(fp);
next:
		free(num);
		free(heading);
		free(title);
		free(phrase);
	}
	CHECK(rows >= 11);
out:
	free(n);
	free(seed);
	free(map);
	policy_free(p);
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

TEST(test_notice_is_written_in_each_language_of_the_policy)
{
	struct policy *p = NULL;
	char *fi = NULL, *en = NULL, *first = NULL;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	fi = notice_render_in(p, "fi");
	en = notice_render_in(p, "en");
	first = notice_render(p);
	CHECK(fi && en && first);
	if (!fi || !en || !first)
		goto out;
	CHECK(!strcmp(first, fi));
	CHECK(notice_render_in(p, "sv") == NULL);
	CHECK(notice_render_in(p, NULL) == NULL);
	CHECK(!strncmp(fi, "TIETOSUOJASELOSTE\n", 18));
	CHECK(!strncmp(en, "REGISTER NOTICE\n", 16));
	CHECK(strstr(fi, "Rekisteröidyn oikeudet\n----------------------\n"));
	CHECK(strstr(fi, "    Tarkoitus:    Asiakaspalvelun laadun varmistaminen"));
	CHECK(strstr(fi, "Säilytetään:  12 kuukautta tallennuksesta; enintään 24 kuukautta"));
	CHECK(has(fi, "rekisterinpitäjän oikeutettu etu (tietosuoja-asetuksen 6 artiklan 1 kohdan f alakohta)"));
	CHECK(!strstr(fi, "Your rights") && !strstr(fi, "Legal basis"));
	CHECK(strstr(en, "    Purpose:      Assuring and developing the quality of customer service\n"));
	CHECK(strstr(en, "Register:           Tamro's register of recorded calls and meetings"));
	CHECK(!strstr(en, "Tarkastusoikeus") && !strstr(en, "Asiakaspalvelun laadun"));
out:
	free(fi);
	free(en);
	free(first);
	policy_free(p);
}

TEST(test_notice_says_what_the_seed_says_of_requests_access_and_transfers)
{
	struct policy *p = NULL;
	char *n = NULL, *f = NULL;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (p)
		n = notice_render_in(p, "en");
	CHECK(n != NULL);
	if (!n)
		goto out;
	f = fold(n);
	CHECK(strstr(f, "contact Tamro by e-mail at asiakaspalvelu@tamro.com, in person at a Tamro office, "
			"or by post to Tamro Oyj / Tietosuojavastaava (privacy officer)"));
	CHECK(strstr(f, "Exercising the right of access is, as a rule, free of charge."));
	CHECK(strstr(f, "Access may be refused on grounds laid down by law."));
	CHECK(!strstr(f, "Exercising your rights is free of charge"));
	CHECK(strstr(n, "- Access (Art. 15): to know whether recordings of you are kept and to get\n"
			"  a copy of them.\n"));
	CHECK(strstr(f, "The data is not regularly transferred outside the EU or the EEA."));
	CHECK(strstr(f, "by the European Commission's standard contractual clauses"));
	CHECK(!strstr(f, "Privacy Shield"));
	CHECK(strstr(f, "The data is obtained from the customer or the participant in the call themselves"));
	CHECK(strstr(f, "Recorded: only those Skype calls and meetings whose invitation says they are recorded"));
	CHECK(strstr(f, "Tamro keeps the data only as long as is necessary to fulfil the purpose for which it "
			"was collected. The periods given above for each purpose are the controller's own choice"));
out:
	free(f);
	free(n);
	policy_free(p);
}

TEST(test_notice_lists_recipients_grouped_by_kind)
{
	struct policy *p = NULL;
	char *n = NULL;
	const char *t1, *r1, *r2, *t2, *r3, *t3, *r4;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (p)
		n = notice_render_in(p, "fi");
	CHECK(n != NULL);
	if (!n)
		goto out;
	t1 = strstr(n, "\nVastaanottajat:\n");
	r1 = strstr(n, "(tamro-group)\n");
	r2 = strstr(n, "(it-provider)\n");
	t2 = strstr(n, "\nViranomaiset (lakiin perustuvat luovutukset):\n");
	r3 = strstr(n, "(authorities)\n");
	t3 = strstr(n, "\nRekisterinpitäjän muut rekisterit:\n");
	r4 = strstr(n, "(tamro-registers)\n");
	CHECK(t1 && r1 && r2 && t2 && r3 && t3 && r4);
	CHECK(t1 < r1 && r1 < r2 && r2 < t2 && t2 < r3 && r3 < t3 && t3 < r4);
	free(n);
	n = notice_render_in(p, "en");
	CHECK(n && strstr(n, "\nAuthorities (disclosures required by law):\n\n"
			     "Authorities to which the law requires disclosing the data (authorities)\n"
			     "    Within the EU/EEA.\n"));
	CHECK(n && strstr(n, "\nOther registers of the controller:\n"));
out:
	free(n);
	policy_free(p);
}

TEST(test_notice_gives_the_data_sources_and_safeguards_in_its_language)
{
	struct policy *p = NULL;
	char *fi = NULL, *en = NULL, basis[256];
	int it;

	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	if (!p)
		return;
	fi = notice_render_in(p, "fi");
	en = notice_render_in(p, "en");
	CHECK(fi && en);
	if (!fi || !en)
		goto out;
	CHECK(strstr(fi, "customer-service (puhelut)\n"
			 "    Tallennetaan: kaikki asiakaspalveluun soitetut puhelut\n"
			 "    Tietolähde:   asiakaspalveluun soitettu puhelu\n"));
	CHECK(strstr(fi, "    Tietolähde:   Tamron ja asiakkaan välinen Skype/Teams-tapaaminen\n"));
	CHECK(has(fi, "    EU:n tai ETA-alueen ulkopuolella; suojatoimi: EU-komission mallilausekkeet"));
	for (size_t i = 0; i < p->n_sources; i++)
		CHECK(!strstr(fi, p->sources[i].data_source));
	CHECK(!strstr(fi, "EU SCCs") && !strstr(fi, "Commission standard contractual clauses"));
	CHECK(strstr(en, "    Data source:  customer-service telephony\n"));
	CHECK(has(en, "    Outside the EU/EEA; safeguard: EU SCCs 2021/914 (Commission standard contractual "
			 "clauses).\n"));
	CHECK(!strstr(en, "Tietolähde") && !strstr(en, "mallilausekkeet"));
	/* what the recordings carry and the disclosures record stays as written */
	CHECK_STR(p->sources[policy_source_index(p, "customer-service")].data_source, "customer-service telephony");
	it = policy_recipient_index(p, "it-provider");
	CHECK(it >= 0);
	if (it >= 0) {
		policy_transfer_basis(&p->recipients[it], basis, sizeof(basis));
		CHECK(strstr(basis, "safeguard=EU SCCs 2021/914 (Commission standard contractual clauses)"));
	}
out:
	free(fi);
	free(en);
	policy_free(p);
}

/*
 * The shipped policy with its phone_country_code line replaced by lines,
 * loaded from a file of its own in a new directory (*dirp, the caller
 * removes it); NULL (reported) when it does not load.
 */
static struct policy *example_with(const char *lines, char **dirp)
{
	char *text = slurp(EXAMPLE), *at, *path = NULL, *errs = NULL;
	struct policy *p = NULL;
	FILE *f;

	*dirp = t_mkdtemp("notice");
	at = text ? strstr(text, "phone_country_code = 358\n") : NULL;
	CHECK(at != NULL && *dirp != NULL);
	if (!at || !*dirp)
		goto out;
	path = xasprintf("%s/policy.conf", *dirp);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		goto out;
	fprintf(f, "%.*s%s%s", (int)(at - text), text, lines, at + strlen("phone_country_code = 358\n"));
	fclose(f);
	if (policy_load(path, &p, &errs))
		fprintf(stderr, "  %s", errs ? errs : "policy_load failed\n");
	CHECK(p != NULL);
out:
	free(errs);
	free(path);
	free(text);
	return p;
}

/* The list item of n that starts with item, up to its end (the next line
 * that does not continue it), malloc'd; NULL when n has none. */
static char *item_of(const char *n, const char *item)
{
	const char *s = n ? strstr(n, item) : NULL, *e;

	if (!s)
		return NULL;
	for (e = strchr(s, '\n'); e && e[1] == ' '; e = strchr(e + 1, '\n'))
		;
	return xasprintf("%.*s", (int)(e ? e + 1 - s : (ptrdiff_t)strlen(s)), s);
}

TEST(test_notice_names_the_supervisory_authority_the_policy_gives)
{
	static const char *const ccs[] = { "phone_country_code = 46\n", "phone_country_code = 358\n" };
	char *dir = NULL, *fi = NULL, *en = NULL, *cfi = NULL, *cen = NULL, *ffi = NULL, *fen = NULL;

	for (size_t i = 0; i < 2; i++) {
		char *lines = xasprintf("%ssupervisory_authority = Integritetsskyddsmyndigheten (IMY), PL 8114, "
					"104 20 Tukholma\nsupervisory_authority[en] = the Swedish Authority for "
					"Privacy Protection\n  (Integritetsskyddsmyndigheten, IMY), Box 8114, 104 20 "
					"Stockholm, Sweden, imy@imy.se\n",
					ccs[i]);
		struct policy *p = example_with(lines, &dir);

		if (p) {
			fi = notice_render_in(p, "fi");
			en = notice_render_in(p, "en");
		}
		cfi = item_of(fi, "- Valitus (77 artikla)");
		cen = item_of(en, "- Complaint (Art. 77)");
		CHECK(cfi && cen);
		ffi = cfi ? fold(cfi) : NULL;
		fen = cen ? fold(cen) : NULL;
		CHECK(ffi && strstr(ffi, "väitetyn rikkomisen jäsenvaltiossa (rekisterinpitäjän valvontaviranomainen: "
					 "Integritetsskyddsmyndigheten (IMY), PL 8114, 104 20 Tukholma)."));
		CHECK(fen && strstr(fen, "of the alleged infringement (the supervisory authority of the controller: the "
					 "Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten, IMY), "
					 "Box 8114, 104 20 Stockholm, Sweden, imy@imy.se)."));
		CHECK(fi && !strstr(fi, "Suomessa") && !strstr(fi, "tietosuojavaltuutet"));
		CHECK(en && !strstr(en, "Ombudsman") && !strstr(en, "tietosuojavaltuutet"));
		CHECK(cen && !strstr(cen, "Finland"));
		/* wrapped as the rest of the notice */
		for (const char *l = cen, *nl; l && *l; l = (nl = strchr(l, '\n')) ? nl + 1 : NULL)
			CHECK(strcspn(l, "\n") <= 76);
		free(ffi);
		free(fen);
		free(cfi);
		free(cen);
		free(fi);
		free(en);
		fi = en = cfi = cen = ffi = fen = NULL;
		policy_free(p);
		if (dir)
			util_remove_tree(dir);
		free(dir);
		free(lines);
	}
}

TEST(test_notice_of_another_country_s_register_names_no_finnish_authority)
{
	char *dir = NULL;
	struct policy *p = example_with("phone_country_code = 46\n", &dir);
	char *fi = p ? notice_render_in(p, "fi") : NULL, *en = p ? notice_render_in(p, "en") : NULL;

	CHECK(fi && strstr(fi, "- Valitus (77 artikla): oikeus tehdä valitus valvontaviranomaiselle,\n"
			       "  erityisesti asuin- tai työpaikkasi tai väitetyn rikkomisen\n"
			       "  jäsenvaltiossa.\n"));
	CHECK(en && strstr(en, "- Complaint (Art. 77): to lodge a complaint with a supervisory authority,\n"
			       "  in particular in the member state of your residence or work or of the\n"
			       "  alleged infringement.\n"));
	CHECK(fi && !strstr(fi, "Suomessa") && !strstr(fi, "tietosuojavaltuutet"));
	CHECK(en && !strstr(en, "in Finland") && !strstr(en, "Ombudsman") && !strstr(en, "tietosuojavaltuutet"));
	free(fi);
	free(en);
	policy_free(p);
	if (dir)
		util_remove_tree(dir);
	free(dir);
}

TEST(test_notice_of_a_finnish_register_without_the_key_names_the_ombudsman_as_before)
{
	static const char fi_item[] = "- Valitus (77 artikla): oikeus tehdä valitus valvontaviranomaiselle,\n"
				      "  erityisesti asuin- tai työpaikkasi tai väitetyn rikkomisen\n"
				      "  jäsenvaltiossa (Suomessa: tietosuojavaltuutetun toimisto).\n";
	static const char en_item[] = "- Complaint (Art. 77): to lodge a complaint with a supervisory authority,\n"
				      "  in particular in the member state of your residence or work or of the\n"
				      "  alleged infringement (in Finland: the Data Protection Ombudsman,\n"
				      "  tietosuojavaltuutettu).\n";
	struct policy *p = NULL;
	char *n;

	/* phone_country_code = 358 */
	CHECK_EQ(policy_load(EXAMPLE, &p, NULL), 0);
	n = p ? notice_render_in(p, "fi") : NULL;
	CHECK(n && strstr(n, fi_item));
	free(n);
	n = p ? notice_render_in(p, "en") : NULL;
	CHECK(n && strstr(n, en_item));
	free(n);
	policy_free(p);
	p = NULL;
	/* no phone_country_code (and byte for byte: the fixture test) */
	CHECK_EQ(policy_load(FOUR_LEVELS, &p, NULL), 0);
	CHECK(p && p->phone_country_code == NULL);
	n = p ? notice_render(p) : NULL;
	CHECK(n && strstr(n, en_item));
	free(n);
	policy_free(p);
}

/*
 * The policy at path with the first `from` replaced by `to`, loaded from a
 * file in a directory of its own (*dirp, malloc'd); NULL (reported) when it
 * does not load.
 */
static struct policy *policy_edited(const char *path, const char *from, const char *to, char **dirp)
{
	char *text = slurp(path), *at, *file = NULL, *errs = NULL;
	struct policy *p = NULL;
	FILE *f;

	*dirp = t_mkdtemp("notice-lang");
	at = text ? strstr(text, from) : NULL;
	CHECK(at != NULL && *dirp != NULL);
	if (!at || !*dirp)
		goto out;
	file = xasprintf("%s/policy.conf", *dirp);
	f = fopen(file, "w");
	CHECK(f != NULL);
	if (!f)
		goto out;
	fprintf(f, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	fclose(f);
	if (policy_load(file, &p, &errs))
		fprintf(stderr, "  %s", errs ? errs : "policy_load failed\n");
	CHECK(p != NULL);
out:
	free(errs);
	free(file);
	free(text);
	return p;
}

static void drop_dir(char *dir)
{
	if (dir)
		util_remove_tree(dir);
	free(dir);
}

/* The headings of notice n (the lines above a line of dashes), counted. */
static int headings(const char *n)
{
	int count = 0;

	for (const char *l = strstr(n, "\n-"); l; l = strstr(l + 1, "\n-"))
		count += l[-1] != '\n' && l[2] == '-';
	return count;
}

TEST(test_notice_is_written_in_swedish_and_german)
{
	char *dir = NULL, *en = NULL;
	struct policy *p = policy_edited(FOUR_LEVELS, "[register]\n", "[register]\nlanguages = de sv\n", &dir);
	char *de = p ? notice_render(p) : NULL, *sv = p ? notice_render_in(p, "sv") : NULL;
	struct policy *four = NULL;

	CHECK(de && sv);
	CHECK(p && notice_render_in(p, "en") == NULL && notice_render_in(p, "fi") == NULL);
	CHECK_EQ(policy_load(FOUR_LEVELS, &four, NULL), 0);
	en = four ? notice_render(four) : NULL;
	if (!de || !sv || !en)
		goto out;
	CHECK(!strncmp(de, "DATENSCHUTZHINWEISE\n"
			   "Information zur Verarbeitung personenbezogener Daten (Art. 13 und 14 DSGVO)\n\n", 96));
	CHECK(!strncmp(sv, "DATASKYDDSBESKRIVNING\nInformation om behandlingen av personuppgifter\n"
			   "(artiklarna 13 och 14 i dataskyddsförordningen)\n\n", 118));
	CHECK(strstr(de, "Verantwortlicher:   Example Oy (1234567-8)"));
	CHECK(strstr(sv, "Personuppgiftsansvarig:  Example Oy (1234567-8)"));
	/* the legal bases in the words of the regulation's own versions */
	CHECK(has(de, "    Rechtsgrundlage:  Einwilligung der betroffenen Person (Art. 6 Abs. 1 lit. a DSGVO)\n"));
	CHECK(has(de, "berechtigte Interessen des Verantwortlichen (Art. 6 Abs. 1 lit. f DSGVO)"));
	CHECK(has(sv, "    Rättslig grund:  den registrerades samtycke (artikel 6.1 a i dataskyddsförordningen)\n"));
	CHECK(has(sv, "den personuppgiftsansvariges berättigade intressen (artikel 6.1 f i dataskyddsförordningen)"));
	/* periods in the language's words */
	CHECK(strstr(de, "    Speicherdauer:    90 Tage ab der Aufzeichnung; höchstens 6 Monate,"));
	CHECK(strstr(de, "    Speicherdauer:    12 Monate ab der Aufzeichnung; höchstens 2 Jahre,"));
	CHECK(strstr(sv, "    Bevaras:         90 dagar från inspelningen; högst 6 månader "));
	CHECK(strstr(sv, "    Bevaras:         2 år från inspelningen; högst 3 år "));
	CHECK(strstr(de, "Ihre Rechte\n-----------\n- Auskunft (Art. 15): "));
	CHECK(strstr(sv, "Dina rättigheter\n----------------\n- Tillgång (artikel 15): "));
	CHECK(strstr(de, "ab der Stufe supervisor sichtbar."));
	CHECK(strstr(sv, "nivån supervisor och uppåt."));
	/* no phone_country_code: the Finnish authority, in the language's words */
	CHECK(strstr(de, "(in Finnland: der\n  Datenschutzbeauftragte, tietosuojavaltuutettu).\n"));
	CHECK(strstr(sv, "(i Finland:\n  dataombudsmannen, tietosuojavaltuutettu).\n"));
	CHECK(strstr(de, "Senden Sie Ihren Antrag an dpo@example.fi.\n"));
	CHECK(strstr(sv, "Skicka din begäran till dpo@example.fi.\n"));
	/* every section the English one has, and nothing of the English */
	CHECK_EQ(headings(de), headings(en));
	CHECK_EQ(headings(sv), headings(en));
	CHECK(!strstr(de, "Your rights") && !strstr(de, "Legal basis") && !strstr(de, "GDPR"));
	CHECK(!strstr(sv, "Your rights") && !strstr(sv, "Legal basis") && !strstr(sv, "GDPR"));
	CHECK(!strstr(de, "artikel") && !strstr(sv, "DSGVO"));
out:
	free(de);
	free(sv);
	free(en);
	policy_free(p);
	policy_free(four);
	drop_dir(dir);
}

TEST(test_swedish_and_german_notices_of_the_example_leave_no_phrase_out)
{
	static const char *const langs[] = { "sv", "de" };
	char *dir = NULL;
	struct policy *p = policy_edited(EXAMPLE, "languages = fi, en\n", "languages = fi, en, sv, de\n", &dir);

	/* The example says every optional text (the retention principle,
	 * sources, disclosures, transfers, terms of access, how to make a
	 * request) and has recipients of each kind: every phrase is used. */
	for (size_t i = 0; p && i < 2; i++) {
		char *n = notice_render_in(p, langs[i]);

		CHECK(n != NULL);
		CHECK(n && !strstr(n, "(null)") && !strstr(n, "%s") && !strstr(n, "{{"));
		CHECK(n && !strstr(n, "Your rights") && !strstr(n, "Rekisteröidyn oikeudet"));
		CHECK(n && strstr(n, i ? "Behörden (gesetzlich vorgeschriebene Offenlegungen):"
				       : "Myndigheter (utlämnanden som krävs enligt lag):"));
		CHECK(n && strstr(n, i ? "    Aufgezeichnet:    " : "    Inspelas:        "));
		free(n);
	}
	policy_free(p);
	drop_dir(dir);
}

TEST(test_swedish_and_german_notices_name_the_authority_policy_supervisory_authority_says)
{
	char *dir = NULL, *sv = NULL, *de = NULL;
	struct policy *p = policy_edited(FOUR_LEVELS, "[register]\n",
					 "[register]\nlanguages = sv, de\nphone_country_code = 46\n", &dir);

	sv = p ? notice_render_in(p, "sv") : NULL;
	de = p ? notice_render_in(p, "de") : NULL;
	CHECK(sv && strstr(sv, "  eller arbetsplats eller där den påstådda överträdelsen begicks.\n"));
	CHECK(de && strstr(de, "  Arbeitsplatzes oder des Orts des mutmaßlichen Verstoßes.\n"));
	CHECK(sv && !strstr(sv, "Finland") && de && !strstr(de, "Finnland"));
	free(sv);
	free(de);
	policy_free(p);
	drop_dir(dir);

	p = policy_edited(FOUR_LEVELS, "[register]\n",
			  "[register]\nlanguages = sv, de\nsupervisory_authority = Integritetsskyddsmyndigheten (IMY)\n"
			  "supervisory_authority[de] = die schwedische Datenschutzbehörde (IMY)\n",
			  &dir);
	sv = p ? notice_render_in(p, "sv") : NULL;
	de = p ? notice_render_in(p, "de") : NULL;
	CHECK(sv && strstr(sv, "(den\n  personuppgiftsansvariges tillsynsmyndighet: Integritetsskyddsmyndigheten\n  (IMY)).\n"));
	CHECK(de && strstr(de, "(die\n  Aufsichtsbehörde des Verantwortlichen: die schwedische Datenschutzbehörde\n  (IMY)).\n"));
	free(sv);
	free(de);
	policy_free(p);
	drop_dir(dir);
}

/* A source may have a basis of its own: its purpose is then in the rights'
 * lists of that basis too (the recordings from it can be objected to, or
 * their consent withdrawn, whatever the purpose's own basis). */
TEST(test_notice_lists_a_purpose_under_the_basis_of_one_of_its_sources)
{
	char *dir = NULL, *n = NULL, *portability, *objection, *withdrawal;
	struct policy *p = policy_edited(FOUR_LEVELS,
					 "legal_basis = legal_obligation\n"
					 "data_source = complaints line\n",
					 "legal_basis = public_task\n"
					 "data_source = complaints line\n"
					 "\n[source survey-line]\n"
					 "kind = call\n"
					 "purpose = helpdesk\n"
					 "legal_basis = consent\n"
					 "data_source = survey line\n",
					 &dir);

	if (p)
		n = notice_render_in(p, "en");
	portability = n ? strstr(n, "- Portability (Art. 20)") : NULL;
	objection = n ? strstr(n, "- Objection (Art. 21)") : NULL;
	withdrawal = n ? strstr(n, "- Withdrawal of consent (Art. 7(3))") : NULL;
	CHECK(portability && objection && withdrawal);
	if (portability && objection && withdrawal) {
		char *po = item_of(portability, "- Portability"), *ob = item_of(objection, "- Objection"),
		     *wi = item_of(withdrawal, "- Withdrawal");

		CHECK(po && strstr(po, "Purposes concerned: helpdesk, survey.\n"));
		CHECK(ob && strstr(ob, "Purposes concerned: coaching, complaints.\n"));
		CHECK(wi && strstr(wi, "Purposes concerned: helpdesk, survey.\n"));
		free(po);
		free(ob);
		free(wi);
	}
	free(n);
	policy_free(p);
	drop_dir(dir);
}

TEST(test_notice_counts_the_users_of_a_level_and_names_none)
{
	char *dir = NULL, *n;
	struct policy *p = policy_edited(FOUR_LEVELS, "[level public]\ngroup = recfs-public\n",
					 "[level public]\nusers = kiosk1 kiosk2, kiosk3\n", &dir);

	n = p ? notice_render(p) : NULL;
	CHECK(n && strstr(n, "\npublic\n    Recordings of: helpdesk\n    Chats and shared files of: none\n"
			     "    Individual user accounts: 3\n"));
	CHECK(n && strstr(n, "    Also individual user accounts: 2\n"));
	/* staff user IDs are the staff's personal data: a public notice
	 * counts them and names none */
	CHECK(n && !strstr(n, "kiosk1") && !strstr(n, "alice") && !strstr(n, "bob"));
	free(n);
	/* and in French: the policy's texts fall back to its first language */
	if (p) {
		snprintf(p->langs[p->n_langs++], POLICY_LANG_BYTES, "fr");
		n = notice_render_in(p, "fr");
		CHECK(n && strstr(n, "\npublic\n    Enregistrements des finalités : helpdesk\n"
				     "    Chats et fichiers partagés des finalités : aucune\n"
				     "    Comptes d'utilisateur individuels : 3\n"));
		CHECK(n && strstr(n, "    Ainsi que des comptes d'utilisateur individuels : 2\n"));
		free(n);
	}
	policy_free(p);
	drop_dir(dir);
}

/* Words of the English notice that no French one may hold. */
static const char *const english_words[] = {
	"Your rights", "Legal basis", "GDPR", "Purpose:", "Kept for", "Recordings of", "Chats and shared",
	"Also sees", "Is not shown", "user accounts", "Handles the", "Send your request", "Other questions",
	"Within the EU", "Outside the EU", "Safeguard", "Data source", "Recorded:", "Recipients:",
	"Authorities (", "Purposes concerned", "none in this register", "(group ", " days", " months",
	" years", "Complaint (", "the Data Protection Ombudsman", "free of charge", NULL,
};

static int has_english(const char *n)
{
	for (int i = 0; english_words[i]; i++)
		if (strstr(n, english_words[i])) {
			fprintf(stderr, "  English left: '%s'\n", english_words[i]);
			return 1;
		}
	return 0;
}

TEST(test_notice_is_written_in_french)
{
	char *dir = NULL, *en = NULL, *fr, *en2;
	struct policy *p = policy_edited(FOUR_LEVELS, "[register]\n", "[register]\nlanguages = fr, en\n", &dir);
	struct policy *four = NULL;

	fr = p ? notice_render(p) : NULL;
	en2 = p ? notice_render_in(p, "en") : NULL;
	CHECK(fr && en2);
	CHECK(p && notice_render_in(p, "fi") == NULL && notice_render_in(p, "de") == NULL);
	CHECK_EQ(policy_load(FOUR_LEVELS, &four, NULL), 0);
	en = four ? notice_render(four) : NULL;
	if (!fr || !en || !en2)
		goto out;
	/* the English of a fr, en register is the English of an English one */
	CHECK_STR(en2, en);
	CHECK(!strncmp(fr, "INFORMATION SUR LA PROTECTION DES DONNÉES\n"
			   "Informations relatives au traitement des données à caractère personnel\n"
			   "(articles 13 et 14 du RGPD)\n\n", strlen("INFORMATION SUR LA PROTECTION DES DONNÉES\n"
			   "Informations relatives au traitement des données à caractère personnel\n"
			   "(articles 13 et 14 du RGPD)\n\n")));
	CHECK(strstr(fr, "Responsable du traitement :  Example Oy (1234567-8)"));
	CHECK(strstr(fr, "Protection des données :     dpo@example.fi\n"));
	/* the legal bases in the words of the regulation's French version */
	CHECK(has(fr, "    Base légale :         consentement de la personne concernée (article 6, "
			 "paragraphe 1, point a) du RGPD)\n"));
	CHECK(has(fr, "intérêts légitimes poursuivis par le responsable du traitement (article 6, "
			 "paragraphe 1, point f) du RGPD)\n"));
	CHECK(has(fr, "respect d'une obligation légale à laquelle le responsable du traitement est soumis"));
	CHECK(has(fr, "exécution d'un contrat auquel la personne concernée est partie"));
	/* periods in French words */
	CHECK(has(fr, "    Conservation :        90 jours à compter de l'enregistrement ; au plus 6 mois "));
	CHECK(has(fr, "    Conservation :        2 ans à compter de l'enregistrement ; au plus 3 ans "));
	CHECK(strstr(fr, "    Conservation :        30 jours à compter de l'enregistrement\n"));
	/* the rights by the names the French text of the GDPR gives them */
	CHECK(strstr(fr, "Vos droits\n----------\n- Droit d'accès (article 15) : "));
	CHECK(strstr(fr, "- Droit de rectification (article 16) : "));
	CHECK(strstr(fr, "- Droit à l'effacement (article 17) : "));
	CHECK(strstr(fr, "- Droit à la limitation du traitement (article 18) : "));
	CHECK(strstr(fr, "- Droit à la portabilité des données (article 20) : "));
	CHECK(strstr(fr, "- Droit d'opposition (article 21) : "));
	CHECK(strstr(fr, "  Finalités concernées : survey.\n- Réclamation (article 77) : "));
	/* the levels: groups, the users = names, what a level below
	 * details_level is not shown */
	CHECK(strstr(fr, "\nstaff (groupe recfs-staff)\n"
			 "    Enregistrements des finalités : helpdesk, coaching, survey\n"
			 "    Chats et fichiers partagés des finalités : aucune\n"
			 "    Ainsi que des comptes d'utilisateur individuels : 2\n"
			 "    Ne voit pas les noms ni les coordonnées enregistrés au sujet des\n"
			 "    personnes (noms de fichiers, attributs, fiches) ; l'audio qu'il\n"
			 "    écoute peut toutefois en contenir.\n"));
	CHECK(strstr(fr, "visibles à partir du niveau supervisor."));
	CHECK(strstr(fr, "Traite les demandes des personnes concernées"));
	/* no phone_country_code: the Finnish authority, in French; never the
	 * CNIL unless the policy names it */
	CHECK(strstr(fr, "(en Finlande : le Médiateur de la protection\n  des données, tietosuojavaltuutettu).\n"));
	CHECK(!strstr(fr, "CNIL"));
	CHECK(strstr(fr, "Adressez votre demande à dpo@example.fi.\n"));
	CHECK(strstr(fr, "réception.  L'exercice de vos droits est gratuit.\n"));
	/* every section the English one has, and nothing of the English */
	CHECK_EQ(headings(fr), headings(en));
	CHECK(!has_english(fr));
	CHECK(!strstr(fr, "(null)") && !strstr(fr, "%s"));
out:
	free(fr);
	free(en);
	free(en2);
	policy_free(p);
	policy_free(four);
	drop_dir(dir);
}

/*
 * The lines of notice n (in lang) longer than 76 columns, printed: every
 * line is wrapped, a policy text or a legal basis after a label too (atk24),
 * but for one word longer than a line.
 */
static int long_lines(const char *n, const char *lang)
{
	int found = 0;

	for (const char *l = n; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l), cols = 0, lead = strspn(l, " ");

		for (size_t k = 0; k < len; k++)
			cols += ((unsigned char)l[k] & 0xc0) != 0x80;
		if (cols > 76 && memchr(l + lead, ' ', len - lead)) {
			fprintf(stderr, "  long line (%s, %zu columns): %.*s\n", lang, cols, (int)len, l);
			found++;
		}
		l = e ? e + 1 : l + len;
	}
	return found;
}

/*
 * The example in all five languages, its purpose "consent" naming every
 * special category and condition `cond`; NULL (reported) when it does not
 * load.  *dirp as for policy_edited.
 */
static struct policy *example_special(const char *cond, char **dirp)
{
	char *text = slurp(EXAMPLE), *at, *lang, *file = NULL, *errs = NULL;
	struct policy *p = NULL;
	FILE *f;

	*dirp = t_mkdtemp("notice-special");
	lang = text ? strstr(text, "languages = fi, en\n") : NULL;
	at = text ? strstr(text, "legal_basis = consent\n") : NULL;
	CHECK(lang && at && lang < at && *dirp);
	if (!lang || !at || lang > at || !*dirp)
		goto out;
	file = xasprintf("%s/policy.conf", *dirp);
	f = fopen(file, "w");
	CHECK(f != NULL);
	if (!f)
		goto out;
	fprintf(f, "%.*slanguages = fi, en, sv, de, fr\n%.*slegal_basis = consent\n"
		   "special_categories = sex_life_or_orientation, biometric, genetic, trade_union_membership,\n"
		   "  religious_or_philosophical_beliefs, political_opinions, racial_or_ethnic_origin, health\n"
		   "special_condition = %s\n%s",
		(int)(lang - text), text, (int)(at - lang - strlen("languages = fi, en\n")),
		lang + strlen("languages = fi, en\n"), cond, at + strlen("legal_basis = consent\n"));
	fclose(f);
	if (policy_load(file, &p, &errs))
		fprintf(stderr, "  %s", errs ? errs : "policy_load failed\n");
	CHECK(p != NULL);
out:
	free(errs);
	free(file);
	free(text);
	return p;
}

TEST(test_notice_names_a_purpose_s_special_categories_and_their_condition_in_each_language)
{
	/* Art. 9(2)'s letter of each condition, as each language cites it */
	static const char *const cite[] = { "(GDPR Art. 9(2)(%c))", "(Art. 9 Abs. 2 lit. %c DSGVO)",
					    "(tietosuoja-asetuksen 9 artiklan 2 kohdan %c alakohta)",
					    "(artikel 9.2 %c i dataskyddsförordningen)",
					    "(article 9, paragraphe 2, point %c) du RGPD)" };
	static const char *const langs[] = { "en", "de", "fi", "sv", "fr" };
	static const char *const health[] = { "health data, data concerning sex life",
					       "Gesundheitsdaten, Daten zum Sexualleben",
					       "terveystiedot, seksuaalista käyttäytymistä",
					       "hälsouppgifter, uppgifter om sexualliv",
					       "données de santé, données concernant la vie sexuelle" };
	static const char *const art9_1[] = { "(special categories of personal data, GDPR Art. 9(1))",
					      "(besondere Kategorien personenbezogener Daten, Art. 9 Abs. 1 DSGVO)",
					      "(erityiset henkilötietoryhmät, tietosuoja-asetuksen 9 artiklan 1 kohta)",
					      "(särskilda kategorier av personuppgifter, artikel 9.1 i "
					      "dataskyddsförordningen)",
					      "(catégories particulières de données à caractère personnel, article 9, "
					      "paragraphe 1, du RGPD)" };

	for (int c = 0; policy_special_conditions[c]; c++) {
		char *dir = NULL;
		struct policy *p = example_special(policy_special_conditions[c], &dir);

		for (size_t l = 0; p && l < sizeof(langs) / sizeof(*langs); l++) {
			char *n = notice_render_in(p, langs[l]), *want = xasprintf(cite[l], 'a' + c);
			char *consent = n ? strstr(n, "\nconsent\n") : NULL, *end = consent ? strstr(consent, "\n\n") : NULL;

			CHECK(consent && end);
			if (consent && end) {
				*end = '\0';
				/* under the purpose's legal basis, the categories
				 * in the order of Art. 9(1), then the condition */
				CHECK(has(consent, want));
				CHECK(has(consent, health[l]));
				CHECK(has(consent, art9_1[l]));
				*end = '\n';
			}
			/* the other purposes name none */
			CHECK(n && !strstr(end ? end : n, want));
			CHECK_EQ(long_lines(n, langs[l]), 0);
			if (c == 0 && l == 0)
				CHECK(has(n, "Legal basis: consent of the data subject (GDPR Art. 6(1)(a)) Special "
					     "data: data revealing racial or ethnic origin, data revealing political "
					     "opinions, data revealing religious or philosophical beliefs, data "
					     "revealing trade union membership, genetic data, biometric data for "
					     "uniquely identifying a person, health data, data concerning sex life or "
					     "sexual orientation (special categories of personal data, GDPR "
					     "Art. 9(1)) Condition: explicit consent of the data subject (GDPR "
					     "Art. 9(2)(a)) Kept for:"));
			free(want);
			free(n);
		}
		policy_free(p);
		drop_dir(dir);
	}
}

TEST(test_french_notice_of_the_example_leaves_no_phrase_out)
{
	char *dir = NULL, *n;
	struct policy *p = policy_edited(EXAMPLE, "languages = fi, en\n", "languages = fi, en, sv, de, fr\n", &dir);

	/* The example says every optional text and has recipients of each
	 * kind, so every phrase is used; with all five languages at once. */
	n = p ? notice_render_in(p, "fr") : NULL;
	CHECK(n != NULL);
	CHECK(n && !strstr(n, "(null)") && !strstr(n, "%s") && !strstr(n, "{{"));
	CHECK(n && !has_english(n) && !strstr(n, "Rekisteröidyn oikeudet"));
	CHECK(n && strstr(n, "Autorités (communications imposées par la loi) :"));
	CHECK(n && strstr(n, "Autres registres du responsable du traitement :"));
	CHECK(n && strstr(n, "    Enregistrement :      "));
	CHECK(n && strstr(n, "    Source des données :  "));
	for (size_t k = 0; p && k < p->n_langs; k++) {
		char *o = notice_render_in(p, p->langs[k]);

		CHECK(o != NULL);
		CHECK_EQ(long_lines(o, p->langs[k]), 0);
		free(o);
	}
	free(n);
	policy_free(p);
	drop_dir(dir);
}

TEST(test_french_notice_names_the_authority_policy_supervisory_authority_says)
{
	char *dir = NULL, *fr = NULL;
	struct policy *p = policy_edited(FOUR_LEVELS, "[register]\n",
					 "[register]\nlanguages = fr\nphone_country_code = 33\n", &dir);

	fr = p ? notice_render(p) : NULL;
	CHECK(fr && strstr(fr, "  violation aurait été commise.\n"));
	CHECK(fr && !strstr(fr, "Finlande") && !strstr(fr, "CNIL"));
	free(fr);
	policy_free(p);
	drop_dir(dir);

	p = policy_edited(FOUR_LEVELS, "[register]\n",
			  "[register]\nlanguages = fr, en\nphone_country_code = 33\n"
			  "supervisory_authority = Commission nationale de l'informatique et des libertés (CNIL)\n"
			  "supervisory_authority[en] = the French data protection authority (CNIL)\n",
			  &dir);
	fr = p ? notice_render(p) : NULL;
	CHECK(fr && strstr(fr, "commise (l'autorité de contrôle du responsable du\n"
			       "  traitement : Commission nationale de l'informatique et des libertés\n"
			       "  (CNIL)).\n"));
	CHECK(fr && !strstr(fr, "Finlande"));
	free(fr);
	policy_free(p);
	drop_dir(dir);
}

TEST(test_notice_of_a_level_that_opens_no_recording_says_only_what_it_is_not_shown)
{
	static const char *const langs[] = { "en", "fi", "sv", "de", "fr" };
	static const char *const want[] = {
		("\npublic (group recfs-public)\n    Recordings of: none\n    Chats and shared files of: none\n"
		 "    Is not shown the names or contact details recorded about the people.\n\n"),
		"    Ei näe henkilöistä kirjattuja nimiä eikä yhteystietoja.\n\n",
		"    Ser inte de namn eller kontaktuppgifter som registrerats om personerna.\n\n",
		"    Sieht nicht die über die Personen erfassten Namen oder Kontaktdaten.\n\n",
		"    Ne voit pas les noms ni les coordonnées enregistrés au sujet des\n    personnes.\n\n",
	};
	char *dir = NULL;
	struct policy *p = policy_edited(FOUR_LEVELS, "[register]\n", "[register]\nlanguages = en, fi, sv, de, fr\n",
					 &dir);

	/* helpdesk from staff up: public opens no recording at all */
	if (p)
		p->purposes[policy_purpose_index(p, "helpdesk")].min_level = 1;
	for (size_t i = 0; p && i < sizeof(langs) / sizeof(*langs); i++) {
		char *n = notice_render_in(p, langs[i]);

		CHECK(n && strstr(n, want[i]));
		/* the level above it still hears audio that may name people */
		CHECK(n && strstr(n, i == 0 ? "the audio it hears may still" : i == 4 ? "l'audio qu'il" : "    "));
		free(n);
	}
	policy_free(p);
	drop_dir(dir);
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
	RUN(test_notice_has_a_counterpart_for_every_section_of_the_seed);
	RUN(test_notice_of_a_policy_without_languages_is_the_same_byte_for_byte);
	RUN(test_notice_is_written_in_each_language_of_the_policy);
	RUN(test_notice_is_written_in_swedish_and_german);
	RUN(test_swedish_and_german_notices_of_the_example_leave_no_phrase_out);
	RUN(test_swedish_and_german_notices_name_the_authority_policy_supervisory_authority_says);
	RUN(test_notice_says_what_the_seed_says_of_requests_access_and_transfers);
	RUN(test_notice_lists_recipients_grouped_by_kind);
	RUN(test_notice_gives_the_data_sources_and_safeguards_in_its_language);
	RUN(test_notice_names_the_supervisory_authority_the_policy_gives);
	RUN(test_notice_of_another_country_s_register_names_no_finnish_authority);
	RUN(test_notice_of_a_finnish_register_without_the_key_names_the_ombudsman_as_before);
	RUN(test_notice_lists_a_purpose_under_the_basis_of_one_of_its_sources);
	RUN(test_notice_counts_the_users_of_a_level_and_names_none);
	RUN(test_notice_is_written_in_french);
	RUN(test_french_notice_of_the_example_leaves_no_phrase_out);
	RUN(test_french_notice_names_the_authority_policy_supervisory_authority_says);
	RUN(test_notice_of_a_level_that_opens_no_recording_says_only_what_it_is_not_shown);
	RUN(test_notice_names_a_purpose_s_special_categories_and_their_condition_in_each_language);
	RUN(test_notice_of_no_policy_is_null);
	T_DONE();
}
