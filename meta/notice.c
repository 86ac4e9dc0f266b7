/*
 * notice.c - the register notice (GDPR Art. 13 and 14), rendered from the
 * policy in force: README.txt at the top of the mount and the text of
 * `recctl register`.
 *
 * The text says only what the policy makes true, and says it in the words
 * a data subject reads, not the policy's keys: legal bases spelled out
 * with their articles, periods in days, months or years, the levels with
 * what each may see.  It is built from a validated policy, so every index
 * in it (details_level, rights_level, a source's purpose) is in range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"
#include "seal.h"

/* In words for the notice, in the order of policy_legal_bases. */
static const char *const basis_words[] = {
	"consent of the data subject (GDPR Art. 6(1)(a))",
	"performance of a contract with the data subject, or steps taken at their request "
	"before entering into one (GDPR Art. 6(1)(b))",
	"compliance with a legal obligation of the controller (GDPR Art. 6(1)(c))",
	"protection of the vital interests of a person (GDPR Art. 6(1)(d))",
	"a task carried out in the public interest or in the exercise of official authority "
	"(GDPR Art. 6(1)(e))",
	"legitimate interests pursued by the controller (GDPR Art. 6(1)(f))",
};

static const char *basis_in_words(const char *s)
{
	for (int i = 0; policy_legal_bases[i]; i++)
		if (!strcmp(policy_legal_bases[i], s))
			return basis_words[i];
	return s;
}

/* The title, underlined with dashes, after an empty line. */
static void heading(struct strbuf *b, const char *title)
{
	strbuf_addf(b, "\n%s\n", title);
	strbuf_addchars(b, '-', strlen(title));
	strbuf_addf(b, "\n");
}

static void period_words(struct policy_period per, char *buf, size_t size)
{
	const char *unit = per.unit == 'd' ? "day" : per.unit == 'm' ? "month" : "year";

	snprintf(buf, size, "%d %s%s", per.n, unit, per.n == 1 ? "" : "s");
}

/* The names of the purposes that may be based on b1 or b2 (may be NULL),
 * into b. */
static void purposes_on(struct strbuf *b, const struct policy *p, const char *b1, const char *b2)
{
	int n = 0;

	for (size_t i = 0; i < p->n_purposes; i++) {
		if (!policy_basis_allowed(p, (int)i, -1, b1) && (!b2 || !policy_basis_allowed(p, (int)i, -1, b2)))
			continue;
		strbuf_addf(b, "%s%s", n ? ", " : "", p->purposes[i].name);
		n++;
	}
	if (!n)
		strbuf_addf(b, "none in this register");
}

/*
 * The names of the purposes whose objects of kind level `level` reads
 * (seal_level_for decides), and a newline, into b; how many there are.
 */
static int purposes_seen(struct strbuf *b, const struct policy *p, int level, enum seal_kind kind)
{
	int n = 0;

	for (size_t j = 0; j < p->n_purposes; j++) {
		if (seal_level_for(p, p->purposes[j].name, kind) > level)
			continue;
		strbuf_addf(b, "%s%s", n ? ", " : "", p->purposes[j].name);
		n++;
	}
	strbuf_addf(b, "%s\n", n ? "" : "none");
	return n;
}

/* 1 when level reads objects of kinds k1 and k2 of the same purposes. */
static int same_purposes_seen(const struct policy *p, int level, enum seal_kind k1, enum seal_kind k2)
{
	for (size_t j = 0; j < p->n_purposes; j++)
		if ((seal_level_for(p, p->purposes[j].name, k1) <= level) !=
		    (seal_level_for(p, p->purposes[j].name, k2) <= level))
			return 0;
	return 1;
}

char *notice_render(const struct policy *p)
{
	struct strbuf b = { 0 };
	char w1[32], w2[32];
	const char *pc;

	if (!p)
		return NULL;
	pc = p->privacy_contact;
	strbuf_addf(&b, "REGISTER NOTICE\n");
	strbuf_addf(&b, "Information on the processing of personal data (GDPR Art. 13 and 14)\n\n");
	strbuf_addf(&b, "Register:           %s\n", p->reg_name);
	strbuf_addf(&b, "Controller:         %s\n", p->controller);
	strbuf_addf(&b, "Contact:            %s\n", p->contact);
	strbuf_addf(&b, "Privacy contact:    %s\n", pc);

	heading(&b, "Purposes and legal bases of the processing");
	for (size_t i = 0; i < p->n_purposes; i++) {
		const struct policy_purpose *pu = &p->purposes[i];

		period_words(pu->retention, w1, sizeof(w1));
		period_words(pu->max_retention, w2, sizeof(w2));
		strbuf_addf(&b, "\n%s\n", pu->name);
		strbuf_addf(&b, "    Purpose:      %s\n", pu->description);
		strbuf_addf(&b, "    Legal basis:  %s\n", basis_in_words(pu->legal_basis));
		for (int k = 0; policy_legal_bases[k]; k++)
			if ((pu->allowed_bases & (1u << k)) && strcmp(policy_legal_bases[k], pu->legal_basis))
				strbuf_addf(&b, "    or, where the recording says so: %s\n", basis_words[k]);
		if (policy_period_le(pu->max_retention, pu->retention))
			strbuf_addf(&b, "    Kept for:     %s after the recording\n", w1);
		else
			strbuf_addf(&b, "    Kept for:     %s after the recording; at most %s "
				        "where a longer period is needed\n", w1, w2);
	}
	period_words(p->quarantine_retention, w1, sizeof(w1));
	strbuf_addf(&b, "\nRecordings are erased automatically when their retention period ends,\n"
		        "unless their processing is restricted or they are under a legal hold.\n"
		        "A recording that cannot be taken into the register (its description is\n"
		        "incomplete or does not fit this notice) is set aside for correction\n"
		        "for at most %s, and then erased.\n", w1);

	heading(&b, "Recordings and where the data comes from");
	strbuf_addf(&b, "A recording holds the whole conversation (audio), and where present the\n"
		        "chat and the files shared during it, with its date, its data source, the\n"
		        "names of the staff taking part and the contact details of the other\n"
		        "participants as far as they became known during the call or meeting.\n");
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct policy_source *s = &p->sources[i];
		const struct policy_purpose *pu = &p->purposes[s->purpose];

		strbuf_addf(&b, "\n%s (%s)\n", s->name,
			    !strcmp(s->kind, "call") ? "phone calls" : "meetings");
		strbuf_addf(&b, "    Data source:  %s\n", s->data_source);
		strbuf_addf(&b, "    Purpose:      %s (%s)\n", pu->name, pu->description);
		if (s->legal_basis && strcmp(s->legal_basis, pu->legal_basis))
			strbuf_addf(&b, "    Legal basis:  %s\n", basis_in_words(s->legal_basis));
	}

	heading(&b, "Recipients and transfers outside the EU/EEA");
	if (!p->n_recipients)
		strbuf_addf(&b, "The data is not disclosed to anyone outside the controller.\n");
	for (size_t i = 0; i < p->n_recipients; i++) {
		const struct policy_recipient *r = &p->recipients[i];

		strbuf_addf(&b, "\n%s (%s)\n", r->display, r->name);
		if (r->eea)
			strbuf_addf(&b, "    Within the EU/EEA.\n");
		else
			strbuf_addf(&b, "    Outside the EU/EEA; safeguard: %s.\n", r->safeguard);
		if (r->eea && r->safeguard)
			strbuf_addf(&b, "    Safeguard:    %s.\n", r->safeguard);
	}
	strbuf_addf(&b, "\nNo data is transferred outside the EU/EEA without a safeguard\n"
		        "(GDPR Chapter V); every disclosure is logged.\n");

	heading(&b, "Who can access the recordings");
	strbuf_addf(&b, "Access needs a personal user ID and is tiered; each user gets the\n"
		        "lowest level the task needs.  Recordings are encrypted, and a\n"
		        "level can decrypt only what its purposes allow.  Levels, lowest first;\n"
		        "each level also sees what the levels below it see:\n");
	for (size_t i = 0; i < p->n_levels; i++) {
		const struct policy_level *l = &p->levels[i];
		int chats, files;

		strbuf_addf(&b, "\n%s", l->name);
		if (l->group)
			strbuf_addf(&b, " (group %s)", l->group);
		strbuf_addf(&b, "\n    Recordings of: ");
		purposes_seen(&b, p, (int)i, SEAL_AUDIO);
		if (same_purposes_seen(p, (int)i, SEAL_CHAT, SEAL_FILE)) {
			strbuf_addf(&b, "    Chats and shared files of: ");
			chats = files = purposes_seen(&b, p, (int)i, SEAL_CHAT);
		} else {
			strbuf_addf(&b, "    Chats of: ");
			chats = purposes_seen(&b, p, (int)i, SEAL_CHAT);
			strbuf_addf(&b, "    Shared files of: ");
			files = purposes_seen(&b, p, (int)i, SEAL_FILE);
		}
		if ((int)i >= p->details_level)
			strbuf_addf(&b, "    Also sees names, contact details, staff names and titles.\n");
		else if (chats || files)
			strbuf_addf(&b, "    Sees no names or contact details, except where the chats or\n"
				        "    shared files it reads contain them.\n");
		else
			strbuf_addf(&b, "    Sees no names or contact details.\n");
		if ((int)i == p->rights_level)
			strbuf_addf(&b, "    Handles the data subjects' requests (erasure, restriction,\n"
				        "    rectification, export) and reads the audit log.\n");
	}
	strbuf_addf(&b, "\nNames, contact details, staff names and meeting titles are visible\n"
		        "from level %s up.  Chat transcripts and shared files, which may\n"
		        "name people, are visible from the levels shown above.  Every access\n"
		        "and every refusal is logged.\n",
		    p->levels[p->details_level].name);
	period_words(p->audit_retention, w1, sizeof(w1));
	strbuf_addf(&b, "The log names users and recordings, never the people in them, and\n"
		        "tells who accessed your recordings.  Its entries are kept for %s,\n"
		        "longer while a request for access to your data is being answered,\n"
		        "and then erased.\n", w1);

	heading(&b, "Your rights");
	strbuf_addf(&b, "- Access (Art. 15): to know whether recordings of you are kept and to get\n"
		        "  a copy of them, free of charge.\n");
	strbuf_addf(&b, "- Rectification (Art. 16): to have inaccurate details about you corrected.\n");
	strbuf_addf(&b, "- Erasure (Art. 17): to have recordings of you erased when they are no\n"
		        "  longer needed or were processed without a basis.\n");
	strbuf_addf(&b, "- Restriction (Art. 18): to have the processing restricted, for example\n"
		        "  while a request for rectification or erasure is being handled.\n");
	strbuf_addf(&b, "- Portability (Art. 20): to receive the data you provided, processed on\n"
		        "  consent or contract, in a machine-readable form, and to have it moved\n"
		        "  to another controller.");
	strbuf_addf(&b, "\n  Purposes concerned: ");
	purposes_on(&b, p, "consent", "contract");
	strbuf_addf(&b, ".\n");
	strbuf_addf(&b, "- Objection (Art. 21): to object to processing based on legitimate\n"
		        "  interests or a public task, on grounds relating to your situation,\n"
		        "  and at any time to direct marketing.");
	strbuf_addf(&b, "\n  Purposes concerned: ");
	purposes_on(&b, p, "legitimate_interests", "public_task");
	strbuf_addf(&b, ".\n");
	strbuf_addf(&b, "- Withdrawal of consent (Art. 7(3)): where processing is based on your\n"
		        "  consent, to withdraw it at any time; recordings made on that consent\n"
		        "  are then erased.  This does not affect processing before withdrawal.\n"
		        "  Purposes concerned: ");
	purposes_on(&b, p, "consent", NULL);
	strbuf_addf(&b, ".\n");
	strbuf_addf(&b, "- Complaint (Art. 77): to lodge a complaint with a supervisory authority,\n"
		        "  in particular in the member state of your residence or work or of the\n"
		        "  alleged infringement (in Finland: the Data Protection Ombudsman,\n"
		        "  tietosuojavaltuutettu).\n");

	heading(&b, "How to exercise your rights");
	strbuf_addf(&b, "Send your request to %s.\n", pc);
	strbuf_addf(&b, "We may ask you to specify the request in writing and verify your\n"
		        "identity before acting on it.  Requests are answered without undue delay\n"
		        "and within one month of receipt (GDPR Art. 12(3)); where necessary that\n"
		        "period may be extended by two further months, and you will be told why\n"
		        "within the first month.  Exercising your rights is free of charge.\n");
	strbuf_addf(&b, "Other questions about this register: %s.\n", p->contact);
	return strbuf_detach(&b);
}
