/*
 * notice.c - the register notice (GDPR Art. 13 and 14), rendered from the
 * policy in force: README.txt (and README.<lang>.txt) at the top of the
 * mount and the text of `recctl register`.
 *
 * The text says only what the policy makes true, and says it in the words
 * a data subject reads, not the policy's keys: legal bases spelled out
 * with their articles, periods in days, months or years, the levels with
 * what each may see.  It is built from a validated policy, so every index
 * in it (details_level, rights_level, a source's purpose) is in range.
 *
 * The fixed phrases are in one table per language (phrases[], one entry
 * for each of policy_languages); the policy's own texts come in the
 * notice's language where the policy gives them (policy_text), and its
 * labels (a source's data_source, a recipient's safeguard) in the words
 * the policy gives for that language, else as written (policy_label).  What
 * only the controller can say (how requests are made, the retention
 * principle, the sources, the transfers, the disclosures, the terms of
 * access) is printed where the policy gives it and left out otherwise, so
 * that a policy without those keys reads as it always did.  The
 * supervisory authority a complaint may go to is the policy's where it
 * names one; else policy_supervisory_authority decides, for the notice and
 * the answer letter alike, between the Finnish Ombudsman of every earlier
 * release and no name at all.  The English
 * phrases of a policy without languages are those of every earlier
 * release, byte for byte (tests/fixtures/notice-four-levels.txt), but
 * for what a level is shown: since the French release a level lists the
 * users its users = names, and one below details_level is said not to be
 * shown the names recorded about people, which the audio it hears may
 * still say (it was said to see no names at all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"
#include "seal.h"

/* The fixed phrases of the notice in one language. */
struct phrases {
	const char *lang;
	const char *basis[6];		/* in the order of policy_legal_bases */
	const char *day, *days, *month, *months, *year, *years;
	const char *title;
	const char *l_register, *l_controller, *l_contact, *l_privacy;
	const char *h_purposes, *purpose, *basis_l, *or_basis, *kept, *kept_max;
	/* A purpose's special categories of data (%s: their list) and the
	 * condition of Art. 9(2) they are processed on (%s), in the order of
	 * policy_special_categories and policy_special_conditions. */
	const char *special_l, *condition_l, *special[8], *condition[10];
	const char *periods_chosen;
	const char *erased;
	const char *h_sources, *content, *calls, *meetings, *data_source, *recorded, *purpose_of;
	const char *h_recipients, *no_recipients, *kind_title[POLICY_RECIPIENT_NKINDS];
	const char *within_eea, *outside_eea, *safeguard, *no_transfer;
	const char *h_access, *access_intro, *group, *recordings_of, *chats_files_of, *chats_of, *files_of, *none;
	/* How many user accounts a level's users = names (%zu): with a
	 * group, and without one. */
	const char *users_also, *users_only;
	const char *sees_details, *sees_chat_names, *sees_no_names, *handles_rights, *details_from, *log_kept;
	/* Below details_level, for a level that opens no recording at all. */
	const char *sees_nothing;
	const char *h_rights, *access_right, *access_free, *access_end, *rights, *portability, *objection, *withdrawal;
	const char *concerned, *no_purposes;
	/* The right to complain, up to where the authority is named; then
	 * whom policy_supervisory_authority says: the Finnish one, the
	 * policy's (%s), or none (the sentence just ends). */
	const char *complaint, *complaint_finland, *complaint_named;
	const char *h_exercise, *send_to, *answered, *free, *other_questions;
};

static const struct phrases phrases[] = {
	{
		.lang = "en",
		.basis = {
			"consent of the data subject (GDPR Art. 6(1)(a))",
			"performance of a contract with the data subject, or steps taken at their request "
			"before entering into one (GDPR Art. 6(1)(b))",
			"compliance with a legal obligation of the controller (GDPR Art. 6(1)(c))",
			"protection of the vital interests of a person (GDPR Art. 6(1)(d))",
			"a task carried out in the public interest or in the exercise of official authority "
			"(GDPR Art. 6(1)(e))",
			"legitimate interests pursued by the controller (GDPR Art. 6(1)(f))",
		},
		.day = "day", .days = "days", .month = "month", .months = "months", .year = "year", .years = "years",
		.title = "REGISTER NOTICE\n"
			 "Information on the processing of personal data (GDPR Art. 13 and 14)\n\n",
		.l_register = "Register:           %s\n",
		.l_controller = "Controller:         %s\n",
		.l_contact = "Contact:            %s\n",
		.l_privacy = "Privacy contact:    %s\n",
		.h_purposes = "Purposes and legal bases of the processing",
		.purpose = "    Purpose:      %s\n",
		.basis_l = "    Legal basis:  %s\n",
		.or_basis = "    or, where the recording says so: %s\n",
		.special_l = "    Special data: %s (special categories of personal data, GDPR Art. 9(1))\n",
		.condition_l = "    Condition:    %s\n",
		.special = {
			"data revealing racial or ethnic origin",
			"data revealing political opinions",
			"data revealing religious or philosophical beliefs",
			"data revealing trade union membership",
			"genetic data",
			"biometric data for uniquely identifying a person",
			"health data",
			"data concerning sex life or sexual orientation",
		},
		.condition = {
			"explicit consent of the data subject (GDPR Art. 9(2)(a))",
			"obligations and rights in employment, social security and social protection law (GDPR "
			"Art. 9(2)(b))",
			"protection of the vital interests of a person who cannot give consent (GDPR Art. 9(2)(c))",
			"legitimate activities of a not-for-profit body, about its members or regular contacts "
			"(GDPR Art. 9(2)(d))",
			"data manifestly made public by the data subject (GDPR Art. 9(2)(e))",
			"establishment, exercise or defence of legal claims (GDPR Art. 9(2)(f))",
			"reasons of substantial public interest, on the basis of law (GDPR Art. 9(2)(g))",
			"preventive or occupational medicine, medical diagnosis, health or social care or "
			"treatment, or the management of health or social care systems and services (GDPR Art. 9(2)(h))",
			"reasons of public interest in the area of public health (GDPR Art. 9(2)(i))",
			"archiving in the public interest, scientific or historical research or statistics (GDPR "
			"Art. 9(2)(j))",
		},
		.kept = "    Kept for:     %s after the recording\n",
		.kept_max = "    Kept for:     %s after the recording; at most %s where a longer period is needed\n",
		.periods_chosen = "The periods given above for each purpose are the controller's own\n"
				  "choice within that rule.\n",
		.erased = "Recordings are erased automatically when their retention period ends,\n"
			  "unless their processing is restricted or they are under a legal hold.\n"
			  "A recording that cannot be taken into the register (its description is\n"
			  "incomplete or does not fit this notice) is set aside for correction\n"
			  "for at most %s, and then erased.\n",
		.h_sources = "Recordings and where the data comes from",
		.content = "A recording holds the whole conversation (audio), and where present the\n"
			   "chat and the files shared during it, with its date, its data source, the\n"
			   "names of the staff taking part and the contact details of the other\n"
			   "participants as far as they became known during the call or meeting.\n",
		.calls = "phone calls", .meetings = "meetings",
		.data_source = "    Data source:  %s\n",
		.recorded = "    Recorded:     ",
		.purpose_of = "    Purpose:      %s (%s)\n",
		.h_recipients = "Recipients and transfers outside the EU/EEA",
		.no_recipients = "The data is not disclosed to anyone outside the controller.\n",
		.kind_title = { "Recipients:", "Authorities (disclosures required by law):",
				"Other registers of the controller:" },
		.within_eea = "    Within the EU/EEA.\n",
		.outside_eea = "    Outside the EU/EEA; safeguard: %s.\n",
		.safeguard = "    Safeguard:    %s.\n",
		.no_transfer = "No data is transferred outside the EU/EEA without a safeguard\n"
			       "(GDPR Chapter V); every disclosure is logged.\n",
		.h_access = "Who can access the recordings",
		.access_intro = "Access needs a personal user ID and is tiered; each user gets the\n"
				"lowest level the task needs.  Recordings are encrypted, and a\n"
				"level can decrypt only what its purposes allow.  Levels, lowest first;\n"
				"each level also sees what the levels below it see:\n",
		.group = " (group %s)",
		.users_also = "    Also individual user accounts: %zu\n",
		.users_only = "    Individual user accounts: %zu\n",
		.recordings_of = "\n    Recordings of: ",
		.chats_files_of = "    Chats and shared files of: ",
		.chats_of = "    Chats of: ",
		.files_of = "    Shared files of: ",
		.none = "none",
		.sees_details = "    Also sees names, contact details, staff names and titles.\n",
		.sees_chat_names = "    Is not shown the names or contact details recorded about the people\n"
				   "    (file names, attributes, cards); the audio, chats and shared files\n"
				   "    it opens may still contain them.\n",
		.sees_nothing = "    Is not shown the names or contact details recorded about the people.\n",
		.sees_no_names = "    Is not shown the names or contact details recorded about the people\n"
				 "    (file names, attributes, cards); the audio it hears may still\n"
				 "    contain them.\n",
		.handles_rights = "    Handles the data subjects' requests (erasure, restriction,\n"
				  "    rectification, export) and reads the audit log.\n",
		.details_from = "\nNames, contact details, staff names and meeting titles are visible\n"
				"from level %s up.  The audio, chat transcripts and shared files,\n"
				"which may name people, are visible from the levels shown above.\n"
				"Every access is logged, and so is every refused access to a file the\n"
				"user's level shows.  A recording above a user's level is not shown to\n"
				"them at all, and an attempt to open it by its name is not logged.\n",
		.log_kept = "The log names users and recordings, never the people in them, and\n"
			    "tells who accessed your recordings.  Its entries are kept for %s,\n"
			    "longer while a request for access to your data is being answered,\n"
			    "and then erased.\n",
		.h_rights = "Your rights",
		.access_right = "- Access (Art. 15): to know whether recordings of you are kept and to get\n"
				"  a copy of them",
		.access_free = ", free of charge.\n",
		.access_end = ".\n",
		.rights = "- Rectification (Art. 16): to have inaccurate details about you corrected.\n"
			  "- Erasure (Art. 17): to have recordings of you erased when they are no\n"
			  "  longer needed or were processed without a basis.\n"
			  "- Restriction (Art. 18): to have the processing restricted, for example\n"
			  "  while a request for rectification or erasure is being handled.\n",
		.portability = "- Portability (Art. 20): to receive the data you provided, processed on\n"
			       "  consent or contract, in a machine-readable form, and to have it moved\n"
			       "  to another controller.",
		.objection = "- Objection (Art. 21): to object to processing based on legitimate\n"
			     "  interests or a public task, on grounds relating to your situation,\n"
			     "  and at any time to direct marketing.",
		.withdrawal = "- Withdrawal of consent (Art. 7(3)): where processing is based on your\n"
			      "  consent, to withdraw it at any time; recordings made on that consent\n"
			      "  are then erased.  This does not affect processing before withdrawal.\n"
			      "  Purposes concerned: ",
		.concerned = "\n  Purposes concerned: ",
		.no_purposes = "none in this register",
		.complaint = "- Complaint (Art. 77): to lodge a complaint with a supervisory authority,\n"
			     "  in particular in the member state of your residence or work or of the\n"
			     "  alleged infringement",
		.complaint_finland = "(in Finland: the Data Protection Ombudsman, tietosuojavaltuutettu).",
		.complaint_named = "(the supervisory authority of the controller: %s).",
		.h_exercise = "How to exercise your rights",
		.send_to = "Send your request to %s.\n",
		.answered = "We may ask you to specify the request in writing and verify your\n"
			    "identity before acting on it.  Requests are answered without undue delay\n"
			    "and within one month of receipt (GDPR Art. 12(3)); where necessary that\n"
			    "period may be extended by two further months, and you will be told why\n"
			    "within the first month.",
		.free = "  Exercising your rights is free of charge.\n",
		.other_questions = "Other questions about this register: %s.",
	},
	{
		.lang = "fi",
		.basis = {
			"rekisteröidyn suostumus (tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta)",
			"sopimuksen täytäntöönpano, jossa rekisteröity on osapuolena, tai sopimusta edeltävät "
			"toimenpiteet rekisteröidyn pyynnöstä (tietosuoja-asetuksen 6 artiklan 1 kohdan b alakohta)",
			"rekisterinpitäjän lakisääteisen velvoitteen noudattaminen (tietosuoja-asetuksen 6 artiklan "
			"1 kohdan c alakohta)",
			"rekisteröidyn tai toisen luonnollisen henkilön elintärkeiden etujen suojaaminen "
			"(tietosuoja-asetuksen 6 artiklan 1 kohdan d alakohta)",
			"yleisen edun mukainen tehtävä tai julkisen vallan käyttäminen (tietosuoja-asetuksen "
			"6 artiklan 1 kohdan e alakohta)",
			"rekisterinpitäjän oikeutettu etu (tietosuoja-asetuksen 6 artiklan 1 kohdan f alakohta)",
		},
		.day = "päivä", .days = "päivää", .month = "kuukausi", .months = "kuukautta", .year = "vuosi",
		.years = "vuotta",
		.title = "TIETOSUOJASELOSTE\n"
			 "Tietoa henkilötietojen käsittelystä (tietosuoja-asetuksen 13 ja 14 artikla)\n\n",
		.l_register = "Rekisteri:          %s\n",
		.l_controller = "Rekisterinpitäjä:   %s\n",
		.l_contact = "Yhteyshenkilö:      %s\n",
		.l_privacy = "Tietosuoja-asiat:   %s\n",
		.h_purposes = "Henkilötietojen käsittelyn tarkoitukset ja perusteet",
		.purpose = "    Tarkoitus:    %s\n",
		.basis_l = "    Peruste:      %s\n",
		.or_basis = "    tai, kun tallenteeseen on merkitty niin: %s\n",
		.special_l = "    Erityiset tiedot: %s (erityiset henkilötietoryhmät, tietosuoja-asetuksen 9 artiklan 1 kohta)\n",
		.condition_l = "    Edellytys:    %s\n",
		.special = {
			"rotua tai etnistä alkuperää koskevat tiedot",
			"poliittisia mielipiteitä koskevat tiedot",
			"uskonnollista tai filosofista vakaumusta koskevat tiedot",
			"ammattiliiton jäsenyyttä koskevat tiedot",
			"geneettiset tiedot",
			"biometriset tiedot henkilön yksiselitteistä tunnistamista varten",
			"terveystiedot",
			"seksuaalista käyttäytymistä tai suuntautumista koskevat tiedot",
		},
		.condition = {
			"rekisteröidyn nimenomainen suostumus (tietosuoja-asetuksen 9 artiklan 2 kohdan a alakohta)",
			"työoikeuden, sosiaaliturvan ja sosiaalisen suojelun alaan kuuluvat velvollisuudet ja "
			"oikeudet (tietosuoja-asetuksen 9 artiklan 2 kohdan b alakohta)",
			"sellaisen henkilön elintärkeiden etujen suojaaminen, joka ei pysty antamaan suostumustaan "
			"(tietosuoja-asetuksen 9 artiklan 2 kohdan c alakohta)",
			"voittoa tavoittelemattoman yhteisön oikeutettu toiminta sen jäsenten tai sen kanssa "
			"säännöllisesti yhteydessä olevien henkilöiden osalta (tietosuoja-asetuksen 9 artiklan 2 "
			"kohdan d alakohta)",
			"rekisteröidyn itse julkisiksi saattamat tiedot (tietosuoja-asetuksen 9 artiklan 2 kohdan "
			"e alakohta)",
			"oikeusvaateen laatiminen, esittäminen tai puolustaminen (tietosuoja-asetuksen 9 artiklan "
			"2 kohdan f alakohta)",
			"laissa säädetty tärkeä yleinen etu (tietosuoja-asetuksen 9 artiklan 2 kohdan g alakohta)",
			"ennaltaehkäisevä työterveyshuolto tai muu terveydenhuolto, lääketieteellinen diagnoosi, "
			"terveydenhuollon tai sosiaalihuollon hoito tai käsittely taikka niiden järjestelmien ja "
			"palvelujen hallinnointi (tietosuoja-asetuksen 9 artiklan 2 kohdan h alakohta)",
			"kansanterveyteen liittyvä yleinen etu (tietosuoja-asetuksen 9 artiklan 2 kohdan i alakohta)",
			"yleisen edun mukainen arkistointi, tieteellinen tai historiallinen tutkimus tai "
			"tilastointi (tietosuoja-asetuksen 9 artiklan 2 kohdan j alakohta)",
		},
		.kept = "    Säilytetään:  %s tallennuksesta\n",
		.kept_max = "    Säilytetään:  %s tallennuksesta; enintään %s, jos pidempi aika on tarpeen\n",
		.periods_chosen = "Edellä kullekin tarkoitukselle annetut säilytysajat ovat\n"
				  "rekisterinpitäjän oma valinta tämän periaatteen puitteissa.\n",
		.erased = "Tallenteet poistetaan automaattisesti säilytysajan päättyessä, ellei\n"
			  "niiden käsittelyä ole rajoitettu tai niitä ole määrätty säilytettäviksi.\n"
			  "Tallenne, jota ei voida ottaa rekisteriin (sen kuvaus on puutteellinen\n"
			  "tai ei vastaa tätä selostetta), säilytetään korjattavana enintään\n"
			  "%s ja poistetaan sen jälkeen.\n",
		.h_sources = "Rekisterin tietosisältö ja tietolähteet",
		.content = "Tallenteessa on koko keskustelu (ääni) ja, jos niitä on, sen aikana\n"
			   "käyty chat-keskustelu ja jaetut tiedostot sekä tallennuspäivä,\n"
			   "tietolähde, keskusteluun osallistuneen henkilöstön nimet ja muiden\n"
			   "osallistujien yhteystiedot, sikäli kuin ne ovat tulleet tietoon puhelun\n"
			   "tai kokouksen yhteydessä.\n",
		.calls = "puhelut", .meetings = "kokoukset",
		.data_source = "    Tietolähde:   %s\n",
		.recorded = "    Tallennetaan: ",
		.purpose_of = "    Tarkoitus:    %s (%s)\n",
		.h_recipients = "Tietojen luovutukset ja siirrot EU:n tai ETA-alueen ulkopuolelle",
		.no_recipients = "Tietoja ei luovuteta rekisterinpitäjän ulkopuolelle.\n",
		.kind_title = { "Vastaanottajat:", "Viranomaiset (lakiin perustuvat luovutukset):",
				"Rekisterinpitäjän muut rekisterit:" },
		.within_eea = "    EU:n tai ETA-alueen sisällä.\n",
		.outside_eea = "    EU:n tai ETA-alueen ulkopuolella; suojatoimi: %s.\n",
		.safeguard = "    Suojatoimi:   %s.\n",
		.no_transfer = "Tietoja ei siirretä EU:n tai ETA-alueen ulkopuolelle ilman suojatoimia\n"
			       "(tietosuoja-asetuksen V luku); jokainen luovutus kirjataan lokiin.\n",
		.h_access = "Rekisterin suojaus: kuka pääsee tallenteisiin",
		.access_intro = "Pääsy edellyttää henkilökohtaista käyttäjätunnusta, ja käyttöoikeudet\n"
				"ovat eritasoisia; kukin käyttäjä saa tehtävänsä kannalta riittävän\n"
				"mutta mahdollisimman suppean tason.  Tallenteet on salattu, ja kukin\n"
				"taso voi purkaa vain sen, mitä sen tarkoitukset sallivat.  Tasot\n"
				"alimmasta alkaen; kukin taso näkee myös sen, minkä alemmat näkevät:\n",
		.group = " (ryhmä %s)",
		.users_also = "    Lisäksi yksittäisiä käyttäjätunnuksia: %zu\n",
		.users_only = "    Yksittäisiä käyttäjätunnuksia: %zu\n",
		.recordings_of = "\n    Tallenteet tarkoituksista: ",
		.chats_files_of = "    Chatit ja jaetut tiedostot tarkoituksista: ",
		.chats_of = "    Chatit tarkoituksista: ",
		.files_of = "    Jaetut tiedostot tarkoituksista: ",
		.none = "ei mistään",
		.sees_details = "    Näkee myös nimet, yhteystiedot, henkilöstön nimet ja otsikot.\n",
		.sees_chat_names = "    Ei näe henkilöistä kirjattuja nimiä eikä yhteystietoja (tiedostonimet,\n"
				   "    attribuutit, yhteystietokortit); sen avaamat äänitallenteet, chatit\n"
				   "    ja jaetut tiedostot voivat kuitenkin sisältää niitä.\n",
		.sees_nothing = "    Ei näe henkilöistä kirjattuja nimiä eikä yhteystietoja.\n",
		.sees_no_names = "    Ei näe henkilöistä kirjattuja nimiä eikä yhteystietoja (tiedostonimet,\n"
				 "    attribuutit, yhteystietokortit); sen kuuntelemat äänitallenteet\n"
				 "    voivat kuitenkin sisältää niitä.\n",
		.handles_rights = "    Käsittelee rekisteröityjen pyynnöt (poisto, rajoittaminen,\n"
				  "    oikaisu, tietojen luovutus) ja lukee tarkastuslokia.\n",
		.details_from = "\nNimet, yhteystiedot, henkilöstön nimet ja kokousten otsikot näkyvät\n"
				"tasolta %s alkaen.  Äänitallenteet, chat-keskustelut ja jaetut\n"
				"tiedostot, joissa voi olla nimiä, näkyvät edellä mainituille tasoille.\n"
				"Jokainen pääsy kirjataan lokiin, samoin jokainen evätty yritys avata\n"
				"tiedosto, jonka käyttäjän taso näyttää.  Käyttäjän tasoa ylemmän\n"
				"tason tallennetta ei näytetä hänelle lainkaan, eikä yritystä avata\n"
				"sitä nimeltä kirjata lokiin.\n",
		.log_kept = "Loki nimeää käyttäjät ja tallenteet, ei koskaan niissä esiintyviä\n"
			    "henkilöitä, ja kertoo, kuka on käsitellyt tallenteitasi.  Sen merkinnät\n"
			    "säilytetään %s, pidempään, kun tietojesi tarkastuspyyntöön\n"
			    "vastataan, ja poistetaan sen jälkeen.\n",
		.h_rights = "Rekisteröidyn oikeudet",
		.access_right = "- Tarkastusoikeus (15 artikla): oikeus tietää, säilytetäänkö sinusta\n"
				"  tallenteita, ja saada niistä jäljennös",
		.access_free = " maksutta.\n",
		.access_end = ".\n",
		.rights = "- Oikaisu (16 artikla): oikeus saada virheelliset tietosi oikaistuiksi.\n"
			  "- Poistaminen (17 artikla): oikeus saada sinua koskevat tallenteet\n"
			  "  poistetuiksi, kun niitä ei enää tarvita tai niitä on käsitelty ilman\n"
			  "  perustetta.\n"
			  "- Käsittelyn rajoittaminen (18 artikla): oikeus vaatia käsittelyn\n"
			  "  rajoittamista esimerkiksi silloin, kun odotat vastausta tietojesi\n"
			  "  oikaisemista tai poistamista koskevaan pyyntöön.\n",
		.portability = "- Siirto-oikeus (20 artikla): oikeus saada itse toimittamasi tiedot,\n"
			       "  joita käsitellään suostumuksen tai sopimuksen nojalla, koneluettavassa\n"
			       "  muodossa ja siirtää ne toiselle rekisterinpitäjälle.",
		.objection = "- Vastustamisoikeus (21 artikla): oikeus henkilökohtaiseen tilanteeseesi\n"
			     "  liittyvällä perusteella vastustaa käsittelyä, joka perustuu oikeutettuun\n"
			     "  etuun tai yleisen edun mukaiseen tehtävään, ja oikeus milloin tahansa\n"
			     "  kieltää suoramarkkinointi.",
		.withdrawal = "- Suostumuksen peruuttaminen (7 artiklan 3 kohta): kun käsittely perustuu\n"
			      "  suostumukseesi, voit peruuttaa sen milloin tahansa; sen nojalla tehdyt\n"
			      "  tallenteet poistetaan.  Peruuttaminen ei vaikuta sitä ennen tehtyyn\n"
			      "  käsittelyyn.\n"
			      "  Koskee tarkoituksia: ",
		.concerned = "\n  Koskee tarkoituksia: ",
		.no_purposes = "ei yhtään tässä rekisterissä",
		.complaint = "- Valitus (77 artikla): oikeus tehdä valitus valvontaviranomaiselle,\n"
			     "  erityisesti asuin- tai työpaikkasi tai väitetyn rikkomisen\n"
			     "  jäsenvaltiossa",
		.complaint_finland = "(Suomessa: tietosuojavaltuutetun toimisto).",
		.complaint_named = "(rekisterinpitäjän valvontaviranomainen: %s).",
		.h_exercise = "Yhteydenotot ja oikeuksien käyttäminen",
		.send_to = "Lähetä pyyntösi osoitteeseen %s.\n",
		.answered = "Rekisterinpitäjä voi pyytää täsmentämään pyyntöä kirjallisesti ja\n"
			    "varmentaa henkilöllisyytesi ennen muihin toimenpiteisiin ryhtymistä.\n"
			    "Pyyntöihin vastataan ilman aiheetonta viivytystä ja viimeistään\n"
			    "kuukauden kuluessa niiden vastaanottamisesta (tietosuoja-asetuksen\n"
			    "12 artiklan 3 kohta); tarvittaessa määräaikaa voidaan jatkaa kahdella\n"
			    "kuukaudella, ja syy kerrotaan\n"
			    "ensimmäisen kuukauden aikana.",
		.free = "  Oikeuksien käyttäminen on maksutonta.\n",
		.other_questions = "Muut tätä rekisteriä koskevat kysymykset: %s.",
	},
	{
		.lang = "sv",
		.basis = {
			"den registrerades samtycke (artikel 6.1 a i dataskyddsförordningen)",
			"fullgörande av ett avtal i vilket den registrerade är part, eller åtgärder som vidtas "
			"på begäran av den registrerade innan ett sådant avtal ingås (artikel 6.1 b i "
			"dataskyddsförordningen)",
			"fullgörande av en rättslig förpliktelse som åvilar den personuppgiftsansvarige "
			"(artikel 6.1 c i dataskyddsförordningen)",
			"skydd av en persons grundläggande intressen (artikel 6.1 d i dataskyddsförordningen)",
			"utförande av en uppgift av allmänt intresse eller som ett led i myndighetsutövning "
			"(artikel 6.1 e i dataskyddsförordningen)",
			"den personuppgiftsansvariges berättigade intressen (artikel 6.1 f i "
			"dataskyddsförordningen)",
		},
		.day = "dag", .days = "dagar", .month = "månad", .months = "månader", .year = "år", .years = "år",
		.title = "DATASKYDDSBESKRIVNING\n"
			 "Information om behandlingen av personuppgifter\n"
			 "(artiklarna 13 och 14 i dataskyddsförordningen)\n\n",
		.l_register = "Register:                %s\n",
		.l_controller = "Personuppgiftsansvarig:  %s\n",
		.l_contact = "Kontaktperson:           %s\n",
		.l_privacy = "Dataskyddskontakt:       %s\n",
		.h_purposes = "Ändamålen med behandlingen och de rättsliga grunderna",
		.purpose = "    Ändamål:         %s\n",
		.basis_l = "    Rättslig grund:  %s\n",
		.or_basis = "    eller, när inspelningen anger det: %s\n",
		.special_l = "    Känsliga uppgifter: %s (särskilda kategorier av personuppgifter, artikel 9.1 i dataskyddsförordningen)\n",
		.condition_l = "    Villkor:         %s\n",
		.special = {
			"uppgifter om ras eller etniskt ursprung",
			"uppgifter om politiska åsikter",
			"uppgifter om religiös eller filosofisk övertygelse",
			"uppgifter om medlemskap i fackförening",
			"genetiska uppgifter",
			"biometriska uppgifter för att entydigt identifiera en person",
			"hälsouppgifter",
			"uppgifter om sexualliv eller sexuell läggning",
		},
		.condition = {
			"den registrerades uttryckliga samtycke (artikel 9.2 a i dataskyddsförordningen)",
			"skyldigheter och rättigheter inom arbetsrätten och på områdena social trygghet och "
			"socialt skydd (artikel 9.2 b i dataskyddsförordningen)",
			"skydd av grundläggande intressen för en person som inte kan ge sitt samtycke (artikel 9.2 "
			"c i dataskyddsförordningen)",
			"berättigad verksamhet hos en ideell organisation, om dess medlemmar eller personer i "
			"regelbunden kontakt med den (artikel 9.2 d i dataskyddsförordningen)",
			"uppgifter som på ett tydligt sätt har offentliggjorts av den registrerade (artikel 9.2 e "
			"i dataskyddsförordningen)",
			"fastställande, utövande eller försvar av rättsliga anspråk (artikel 9.2 f i "
			"dataskyddsförordningen)",
			"ett viktigt allmänt intresse, på grundval av lag (artikel 9.2 g i dataskyddsförordningen)",
			"förebyggande hälso- och sjukvård och yrkesmedicin, medicinska diagnoser, vård eller "
			"behandling inom hälso- och sjukvården eller socialvården eller förvaltning av deras "
			"system och tjänster (artikel 9.2 h i dataskyddsförordningen)",
			"ett allmänt intresse på folkhälsoområdet (artikel 9.2 i i dataskyddsförordningen)",
			"arkivändamål av allmänt intresse, vetenskapliga eller historiska forskningsändamål eller "
			"statistiska ändamål (artikel 9.2 j i dataskyddsförordningen)",
		},
		.kept = "    Bevaras:         %s från inspelningen\n",
		.kept_max = "    Bevaras:         %s från inspelningen; högst %s om en längre tid behövs\n",
		.periods_chosen = "De tider som anges ovan för varje ändamål är den personuppgiftsansvariges\n"
				  "eget val inom ramen för den principen.\n",
		.erased = "Inspelningar raderas automatiskt när deras lagringstid löper ut, om inte\n"
			  "behandlingen av dem har begränsats eller de omfattas av ett rättsligt\n"
			  "bevarandekrav (legal hold).\n"
			  "En inspelning som inte kan tas in i registret (uppgifterna om den är\n"
			  "ofullständiga eller stämmer inte med denna beskrivning) ställs åt sidan\n"
			  "för rättelse i högst %s och raderas sedan.\n",
		.h_sources = "Inspelningar och varifrån uppgifterna kommer",
		.content = "En inspelning innehåller hela samtalet (ljud) och, i förekommande fall,\n"
			   "chatten och de filer som delades under det, med datum, datakälla, namnen\n"
			   "på den personal som deltog och de övriga deltagarnas kontaktuppgifter i\n"
			   "den mån de blev kända under samtalet eller mötet.\n",
		.calls = "telefonsamtal", .meetings = "möten",
		.data_source = "    Datakälla:       %s\n",
		.recorded = "    Inspelas:        ",
		.purpose_of = "    Ändamål:         %s (%s)\n",
		.h_recipients = "Mottagare och överföringar utanför EU/EES",
		.no_recipients = "Uppgifterna lämnas inte ut till någon utanför den personuppgiftsansvarige.\n",
		.kind_title = { "Mottagare:", "Myndigheter (utlämnanden som krävs enligt lag):",
				"Den personuppgiftsansvariges andra register:" },
		.within_eea = "    Inom EU/EES.\n",
		.outside_eea = "    Utanför EU/EES; skyddsåtgärd: %s.\n",
		.safeguard = "    Skyddsåtgärd:    %s.\n",
		.no_transfer = "Inga uppgifter överförs utanför EU/EES utan skyddsåtgärder (kapitel V i\n"
			       "dataskyddsförordningen); varje utlämnande loggas.\n",
		.h_access = "Vem som har tillgång till inspelningarna",
		.access_intro = "Åtkomst kräver ett personligt användar-ID och är indelad i nivåer; varje\n"
				"användare får den lägsta nivå som uppgiften kräver.  Inspelningarna är\n"
				"krypterade, och en nivå kan dekryptera endast det som dess ändamål\n"
				"tillåter.  Nivåerna, lägsta först; varje nivå ser också det som\n"
				"nivåerna under den ser:\n",
		.group = " (grupp %s)",
		.users_also = "    Dessutom enskilda användarkonton: %zu\n",
		.users_only = "    Enskilda användarkonton: %zu\n",
		.recordings_of = "\n    Inspelningar för ändamålen: ",
		.chats_files_of = "    Chattar och delade filer för ändamålen: ",
		.chats_of = "    Chattar för ändamålen: ",
		.files_of = "    Delade filer för ändamålen: ",
		.none = "inga",
		.sees_details = "    Ser också namn, kontaktuppgifter, personalens namn och rubriker.\n",
		.sees_chat_names = "    Ser inte de namn eller kontaktuppgifter som registrerats om\n"
				   "    personerna (filnamn, attribut, kontaktkort); ljudet, chattarna och\n"
				   "    de delade filer som nivån öppnar kan ändå innehålla sådana.\n",
		.sees_nothing = "    Ser inte de namn eller kontaktuppgifter som registrerats om personerna.\n",
		.sees_no_names = "    Ser inte de namn eller kontaktuppgifter som registrerats om\n"
				 "    personerna (filnamn, attribut, kontaktkort); ljudet som nivån\n"
				 "    lyssnar på kan ändå innehålla sådana.\n",
		.handles_rights = "    Handlägger de registrerades begäranden (radering, begränsning,\n"
				  "    rättelse, export) och läser granskningsloggen.\n",
		.details_from = "\nNamn, kontaktuppgifter, personalens namn och mötesrubriker syns från\n"
				"nivån %s och uppåt.  Ljudet, chattutskrifter och delade filer, som\n"
				"kan nämna personer, syns för de nivåer som anges ovan.  Varje åtkomst\n"
				"loggas, liksom varje nekad åtkomst till en fil som användarens nivå\n"
				"visar.  En inspelning över användarens nivå visas inte alls för\n"
				"användaren, och ett försök att öppna den med dess namn loggas inte.\n",
		.log_kept = "Loggen namnger användare och inspelningar, aldrig personerna i dem, och\n"
			    "visar vem som har haft åtkomst till dina inspelningar.  Dess poster\n"
			    "bevaras i %s, längre medan en begäran om tillgång till dina\n"
			    "uppgifter besvaras, och raderas sedan.\n",
		.h_rights = "Dina rättigheter",
		.access_right = "- Tillgång (artikel 15): att få veta om inspelningar av dig bevaras och\n"
				"  att få en kopia av dem",
		.access_free = ", kostnadsfritt.\n",
		.access_end = ".\n",
		.rights = "- Rättelse (artikel 16): att få felaktiga uppgifter om dig rättade.\n"
			  "- Radering (artikel 17): att få inspelningar av dig raderade när de inte\n"
			  "  längre behövs eller har behandlats utan rättslig grund.\n"
			  "- Begränsning (artikel 18): att få behandlingen begränsad, till exempel\n"
			  "  medan en begäran om rättelse eller radering handläggs.\n",
		.portability = "- Dataportabilitet (artikel 20): att få de uppgifter du har lämnat, som\n"
			       "  behandlas på grund av samtycke eller avtal, i ett maskinläsbart format\n"
			       "  och få dem överförda till en annan personuppgiftsansvarig.",
		.objection = "- Invändning (artikel 21): att av skäl som rör din situation invända mot\n"
			     "  behandling som grundar sig på berättigat intresse eller en uppgift av\n"
			     "  allmänt intresse, och när som helst mot direktmarknadsföring.",
		.withdrawal = "- Återkallande av samtycke (artikel 7.3): när behandlingen grundar sig\n"
			      "  på ditt samtycke, att när som helst återkalla det; inspelningar som\n"
			      "  gjorts med stöd av samtycket raderas då.  Detta påverkar inte\n"
			      "  behandling före återkallandet.\n"
			      "  Berörda ändamål: ",
		.concerned = "\n  Berörda ändamål: ",
		.no_purposes = "inga i detta register",
		.complaint = "- Klagomål (artikel 77): att lämna in ett klagomål till en\n"
			     "  tillsynsmyndighet, särskilt i den medlemsstat där du har din hemvist\n"
			     "  eller arbetsplats eller där den påstådda överträdelsen begicks",
		.complaint_finland = "(i Finland: dataombudsmannen, tietosuojavaltuutettu).",
		.complaint_named = "(den personuppgiftsansvariges tillsynsmyndighet: %s).",
		.h_exercise = "Så här utövar du dina rättigheter",
		.send_to = "Skicka din begäran till %s.\n",
		.answered = "Vi kan be dig att precisera begäran skriftligt och kontrollera din\n"
			    "identitet innan vi vidtar åtgärder.  Begäranden besvaras utan onödigt\n"
			    "dröjsmål och inom en månad från mottagandet (artikel 12.3 i\n"
			    "dataskyddsförordningen); vid behov kan tiden förlängas med\n"
			    "ytterligare två månader, och du får veta varför inom den\n"
			    "första månaden.",
		.free = "  Att utöva dina rättigheter är kostnadsfritt.\n",
		.other_questions = "Övriga frågor om detta register: %s.",
	},
	{
		.lang = "de",
		.basis = {
			"Einwilligung der betroffenen Person (Art. 6 Abs. 1 lit. a DSGVO)",
			"Erfüllung eines Vertrags, dessen Vertragspartei die betroffene Person ist, oder "
			"Durchführung vorvertraglicher Maßnahmen auf ihre Anfrage (Art. 6 Abs. 1 lit. b DSGVO)",
			"Erfüllung einer rechtlichen Verpflichtung des Verantwortlichen (Art. 6 Abs. 1 lit. c DSGVO)",
			"Schutz lebenswichtiger Interessen einer Person (Art. 6 Abs. 1 lit. d DSGVO)",
			"Wahrnehmung einer Aufgabe, die im öffentlichen Interesse liegt oder in Ausübung "
			"öffentlicher Gewalt erfolgt (Art. 6 Abs. 1 lit. e DSGVO)",
			"berechtigte Interessen des Verantwortlichen (Art. 6 Abs. 1 lit. f DSGVO)",
		},
		.day = "Tag", .days = "Tage", .month = "Monat", .months = "Monate", .year = "Jahr", .years = "Jahre",
		.title = "DATENSCHUTZHINWEISE\n"
			 "Information zur Verarbeitung personenbezogener Daten (Art. 13 und 14 DSGVO)\n\n",
		.l_register = "Register:           %s\n",
		.l_controller = "Verantwortlicher:   %s\n",
		.l_contact = "Kontakt:            %s\n",
		.l_privacy = "Datenschutzkontakt: %s\n",
		.h_purposes = "Zwecke und Rechtsgrundlagen der Verarbeitung",
		.purpose = "    Zweck:            %s\n",
		.basis_l = "    Rechtsgrundlage:  %s\n",
		.or_basis = "    oder, wo die Aufzeichnung es angibt: %s\n",
		.special_l = "    Besondere Daten:  %s (besondere Kategorien personenbezogener Daten, Art. 9 Abs. 1 DSGVO)\n",
		.condition_l = "    Erlaubnisgrund:   %s\n",
		.special = {
			"Angaben zur rassischen oder ethnischen Herkunft",
			"Angaben zu politischen Meinungen",
			"Angaben zu religiösen oder weltanschaulichen Überzeugungen",
			"Angaben zur Gewerkschaftszugehörigkeit",
			"genetische Daten",
			"biometrische Daten zur eindeutigen Identifizierung einer Person",
			"Gesundheitsdaten",
			"Daten zum Sexualleben oder zur sexuellen Orientierung",
		},
		.condition = {
			"ausdrückliche Einwilligung der betroffenen Person (Art. 9 Abs. 2 lit. a DSGVO)",
			"Rechte und Pflichten aus dem Arbeitsrecht und dem Recht der sozialen Sicherheit und des "
			"Sozialschutzes (Art. 9 Abs. 2 lit. b DSGVO)",
			"Schutz lebenswichtiger Interessen einer Person, die ihre Einwilligung nicht geben kann "
			"(Art. 9 Abs. 2 lit. c DSGVO)",
			"Tätigkeit einer Organisation ohne Gewinnerzielungsabsicht, über ihre Mitglieder oder "
			"Personen in regelmäßigem Kontakt mit ihr (Art. 9 Abs. 2 lit. d DSGVO)",
			"von der betroffenen Person offensichtlich öffentlich gemachte Daten (Art. 9 Abs. 2 lit. e "
			"DSGVO)",
			"Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen (Art. 9 Abs. 2 lit. f DSGVO)",
			"erhebliches öffentliches Interesse, auf gesetzlicher Grundlage (Art. 9 Abs. 2 lit. g DSGVO)",
			"Gesundheitsvorsorge, Arbeitsmedizin, medizinische Diagnostik, Versorgung oder Behandlung "
			"im Gesundheits- oder Sozialbereich oder Verwaltung von Systemen und Diensten in diesem "
			"Bereich (Art. 9 Abs. 2 lit. h DSGVO)",
			"öffentliches Interesse im Bereich der öffentlichen Gesundheit (Art. 9 Abs. 2 lit. i DSGVO)",
			"im öffentlichen Interesse liegende Archivzwecke, wissenschaftliche oder historische "
			"Forschungszwecke oder statistische Zwecke (Art. 9 Abs. 2 lit. j DSGVO)",
		},
		.kept = "    Speicherdauer:    %s ab der Aufzeichnung\n",
		.kept_max = "    Speicherdauer:    %s ab der Aufzeichnung; höchstens %s, wo ein längerer Zeitraum "
			    "erforderlich ist\n",
		.periods_chosen = "Die oben für jeden Zweck angegebenen Fristen hat der Verantwortliche\n"
				  "innerhalb dieses Grundsatzes selbst gewählt.\n",
		.erased = "Aufzeichnungen werden automatisch gelöscht, wenn ihre Speicherdauer endet,\n"
			  "es sei denn, ihre Verarbeitung ist eingeschränkt oder sie unterliegen\n"
			  "einer Aufbewahrungsanordnung (Legal Hold).\n"
			  "Eine Aufzeichnung, die nicht in das Register aufgenommen werden kann (ihre\n"
			  "Beschreibung ist unvollständig oder passt nicht zu diesen Hinweisen), wird\n"
			  "höchstens %s lang zur Berichtigung zurückgestellt und dann gelöscht.\n",
		.h_sources = "Aufzeichnungen und Herkunft der Daten",
		.content = "Eine Aufzeichnung enthält das gesamte Gespräch (Audio) und, soweit\n"
			   "vorhanden, den Chat und die dabei geteilten Dateien, mit Datum,\n"
			   "Datenquelle, den Namen der beteiligten Beschäftigten und den Kontaktdaten\n"
			   "der anderen Teilnehmenden, soweit sie während des Anrufs oder der\n"
			   "Besprechung bekannt wurden.\n",
		.calls = "Anrufe", .meetings = "Besprechungen",
		.data_source = "    Datenquelle:      %s\n",
		.recorded = "    Aufgezeichnet:    ",
		.purpose_of = "    Zweck:            %s (%s)\n",
		.h_recipients = "Empfänger und Übermittlungen außerhalb der EU/des EWR",
		.no_recipients = "Die Daten werden niemandem außerhalb des Verantwortlichen offengelegt.\n",
		.kind_title = { "Empfänger:", "Behörden (gesetzlich vorgeschriebene Offenlegungen):",
				"Andere Register des Verantwortlichen:" },
		.within_eea = "    Innerhalb der EU/des EWR.\n",
		.outside_eea = "    Außerhalb der EU/des EWR; Garantie: %s.\n",
		.safeguard = "    Garantie:         %s.\n",
		.no_transfer = "Ohne geeignete Garantien (Kapitel V DSGVO) werden keine Daten außerhalb\n"
			       "der EU/des EWR übermittelt; jede Offenlegung wird protokolliert.\n",
		.h_access = "Wer auf die Aufzeichnungen zugreifen kann",
		.access_intro = "Der Zugriff erfordert eine persönliche Benutzerkennung und ist gestuft;\n"
				"jeder Benutzer erhält die niedrigste Stufe, die seine Aufgabe erfordert.\n"
				"Die Aufzeichnungen sind verschlüsselt, und eine Stufe kann nur das\n"
				"entschlüsseln, was ihre Zwecke erlauben.  Die Stufen, die niedrigste\n"
				"zuerst; jede Stufe sieht auch, was die Stufen unter ihr sehen:\n",
		.group = " (Gruppe %s)",
		.users_also = "    Außerdem einzelne Benutzerkonten: %zu\n",
		.users_only = "    Einzelne Benutzerkonten: %zu\n",
		.recordings_of = "\n    Aufzeichnungen zu den Zwecken: ",
		.chats_files_of = "    Chats und geteilte Dateien zu den Zwecken: ",
		.chats_of = "    Chats zu den Zwecken: ",
		.files_of = "    Geteilte Dateien zu den Zwecken: ",
		.none = "keine",
		.sees_details = "    Sieht auch Namen, Kontaktdaten, Namen der Beschäftigten und Titel.\n",
		.sees_chat_names = "    Sieht nicht die über die Personen erfassten Namen oder Kontaktdaten\n"
				   "    (Dateinamen, Attribute, Kontaktkarten); Audio, Chats und geteilte\n"
				   "    Dateien, die sie öffnet, können sie jedoch enthalten.\n",
		.sees_nothing = "    Sieht nicht die über die Personen erfassten Namen oder Kontaktdaten.\n",
		.sees_no_names = "    Sieht nicht die über die Personen erfassten Namen oder Kontaktdaten\n"
				 "    (Dateinamen, Attribute, Kontaktkarten); das Audio, das sie anhört,\n"
				 "    kann sie jedoch enthalten.\n",
		.handles_rights = "    Bearbeitet die Anträge der betroffenen Personen (Löschung,\n"
				  "    Einschränkung, Berichtigung, Export) und liest das Prüfprotokoll.\n",
		.details_from = "\nNamen, Kontaktdaten, Namen der Beschäftigten und Besprechungstitel sind\n"
				"ab der Stufe %s sichtbar.  Audio, Chatverläufe und geteilte Dateien,\n"
				"die Personen nennen können, sind für die oben genannten Stufen sichtbar.\n"
				"Jeder Zugriff wird protokolliert, ebenso jeder verweigerte Zugriff auf\n"
				"eine Datei, die die Stufe des Benutzers anzeigt.  Eine Aufnahme\n"
				"oberhalb der Stufe eines Benutzers wird ihm gar nicht angezeigt, und\n"
				"ein Versuch, sie über ihren Namen zu öffnen, wird nicht protokolliert.\n",
		.log_kept = "Das Protokoll nennt Benutzer und Aufzeichnungen, nie die Personen darin,\n"
			    "und zeigt, wer auf Ihre Aufzeichnungen zugegriffen hat.  Seine Einträge\n"
			    "werden %s lang aufbewahrt, länger, solange ein Antrag auf Auskunft\n"
			    "über Ihre Daten beantwortet wird, und dann gelöscht.\n",
		.h_rights = "Ihre Rechte",
		.access_right = "- Auskunft (Art. 15): zu erfahren, ob Aufzeichnungen von Ihnen gespeichert\n"
				"  werden, und eine Kopie davon zu erhalten",
		.access_free = ", unentgeltlich.\n",
		.access_end = ".\n",
		.rights = "- Berichtigung (Art. 16): unrichtige Daten über Sie berichtigen zu lassen.\n"
			  "- Löschung (Art. 17): Aufzeichnungen von Ihnen löschen zu lassen, wenn sie\n"
			  "  nicht mehr benötigt werden oder ohne Rechtsgrundlage verarbeitet wurden.\n"
			  "- Einschränkung (Art. 18): die Verarbeitung einschränken zu lassen, etwa\n"
			  "  solange ein Antrag auf Berichtigung oder Löschung bearbeitet wird.\n",
		.portability = "- Datenübertragbarkeit (Art. 20): die von Ihnen bereitgestellten Daten,\n"
			       "  die aufgrund einer Einwilligung oder eines Vertrags verarbeitet werden,\n"
			       "  in einem maschinenlesbaren Format zu erhalten und sie einem anderen\n"
			       "  Verantwortlichen übermitteln zu lassen.",
		.objection = "- Widerspruch (Art. 21): aus Gründen, die sich aus Ihrer besonderen\n"
			     "  Situation ergeben, der Verarbeitung aufgrund berechtigter Interessen\n"
			     "  oder einer öffentlichen Aufgabe zu widersprechen, und jederzeit der\n"
			     "  Direktwerbung.",
		.withdrawal = "- Widerruf der Einwilligung (Art. 7 Abs. 3): wenn die Verarbeitung auf\n"
			      "  Ihrer Einwilligung beruht, diese jederzeit zu widerrufen; die darauf\n"
			      "  beruhenden Aufzeichnungen werden dann gelöscht.  Die Rechtmäßigkeit\n"
			      "  der Verarbeitung vor dem Widerruf bleibt unberührt.\n"
			      "  Betroffene Zwecke: ",
		.concerned = "\n  Betroffene Zwecke: ",
		.no_purposes = "keine in diesem Register",
		.complaint = "- Beschwerde (Art. 77): bei einer Aufsichtsbehörde Beschwerde einzulegen,\n"
			     "  insbesondere in dem Mitgliedstaat Ihres Aufenthaltsorts, Ihres\n"
			     "  Arbeitsplatzes oder des Orts des mutmaßlichen Verstoßes",
		.complaint_finland = "(in Finnland: der Datenschutzbeauftragte, tietosuojavaltuutettu).",
		.complaint_named = "(die Aufsichtsbehörde des Verantwortlichen: %s).",
		.h_exercise = "So üben Sie Ihre Rechte aus",
		.send_to = "Senden Sie Ihren Antrag an %s.\n",
		.answered = "Wir können Sie bitten, den Antrag schriftlich zu präzisieren, und Ihre\n"
			    "Identität prüfen, bevor wir tätig werden.  Anträge werden unverzüglich,\n"
			    "spätestens innerhalb eines Monats nach Eingang beantwortet (Art. 12 Abs. 3\n"
			    "DSGVO); wo nötig, kann diese Frist um weitere zwei Monate verlängert\n"
			    "werden, und Sie erfahren die Gründe innerhalb des ersten\n"
			    "Monats.",
		.free = "  Die Ausübung Ihrer Rechte ist unentgeltlich.\n",
		.other_questions = "Andere Fragen zu diesem Register: %s.",
	},
	{
		.lang = "fr",
		.basis = {
			"consentement de la personne concernée (article 6, paragraphe 1, point a) du RGPD)",
			"exécution d'un contrat auquel la personne concernée est partie ou exécution de mesures "
			"précontractuelles prises à la demande de celle-ci (article 6, paragraphe 1, point b) du RGPD)",
			"respect d'une obligation légale à laquelle le responsable du traitement est soumis "
			"(article 6, paragraphe 1, point c) du RGPD)",
			"sauvegarde des intérêts vitaux d'une personne (article 6, paragraphe 1, point d) du RGPD)",
			"exécution d'une mission d'intérêt public ou relevant de l'exercice de l'autorité publique "
			"(article 6, paragraphe 1, point e) du RGPD)",
			"intérêts légitimes poursuivis par le responsable du traitement (article 6, paragraphe 1, "
			"point f) du RGPD)",
		},
		.day = "jour", .days = "jours", .month = "mois", .months = "mois", .year = "an", .years = "ans",
		.title = "INFORMATION SUR LA PROTECTION DES DONNÉES\n"
			 "Informations relatives au traitement des données à caractère personnel\n"
			 "(articles 13 et 14 du RGPD)\n\n",
		.l_register = "Registre :                   %s\n",
		.l_controller = "Responsable du traitement :  %s\n",
		.l_contact = "Contact :                    %s\n",
		.l_privacy = "Protection des données :     %s\n",
		.h_purposes = "Finalités et bases légales du traitement",
		.purpose = "    Finalité :            %s\n",
		.basis_l = "    Base légale :         %s\n",
		.or_basis = "    ou, lorsque l'enregistrement l'indique : %s\n",
		.special_l = "    Données sensibles :   %s (catégories particulières de données à caractère personnel, article 9, paragraphe 1, du RGPD)\n",
		.condition_l = "    Condition :           %s\n",
		.special = {
			"données révélant l'origine raciale ou ethnique",
			"données révélant les opinions politiques",
			"données révélant les convictions religieuses ou philosophiques",
			"données révélant l'appartenance syndicale",
			"données génétiques",
			"données biométriques aux fins d'identifier une personne de manière unique",
			"données de santé",
			"données concernant la vie sexuelle ou l'orientation sexuelle",
		},
		.condition = {
			"consentement explicite de la personne concernée (article 9, paragraphe 2, point a) du RGPD)",
			"obligations et droits en matière de droit du travail, de la sécurité sociale et de la "
			"protection sociale (article 9, paragraphe 2, point b) du RGPD)",
			"sauvegarde des intérêts vitaux d'une personne dans l'incapacité de donner son "
			"consentement (article 9, paragraphe 2, point c) du RGPD)",
			"activités légitimes d'un organisme à but non lucratif, concernant ses membres ou les "
			"personnes en contact régulier avec lui (article 9, paragraphe 2, point d) du RGPD)",
			"données manifestement rendues publiques par la personne concernée (article 9, paragraphe "
			"2, point e) du RGPD)",
			"constatation, exercice ou défense de droits en justice (article 9, paragraphe 2, point f) "
			"du RGPD)",
			"motifs d'intérêt public important, sur la base du droit (article 9, paragraphe 2, point "
			"g) du RGPD)",
			"médecine préventive ou médecine du travail, diagnostics médicaux, prise en charge "
			"sanitaire ou sociale, ou gestion des systèmes et des services de soins de santé ou de "
			"protection sociale (article 9, paragraphe 2, point h) du RGPD)",
			"motifs d'intérêt public dans le domaine de la santé publique (article 9, paragraphe 2, "
			"point i) du RGPD)",
			"fins archivistiques dans l'intérêt public, fins de recherche scientifique ou historique "
			"ou fins statistiques (article 9, paragraphe 2, point j) du RGPD)",
		},
		.kept = "    Conservation :        %s à compter de l'enregistrement\n",
		.kept_max = "    Conservation :        %s à compter de l'enregistrement ; au plus %s lorsqu'une durée "
			    "plus longue est nécessaire\n",
		.periods_chosen = "Les durées indiquées ci-dessus pour chaque finalité sont fixées par le\n"
				  "responsable du traitement dans le cadre de ce principe.\n",
		.erased = "Les enregistrements sont effacés automatiquement à l'expiration de leur\n"
			  "durée de conservation, sauf si leur traitement est limité ou s'ils font\n"
			  "l'objet d'une mesure de conservation à des fins contentieuses (legal hold).\n"
			  "Un enregistrement qui ne peut pas être intégré au registre (sa description\n"
			  "est incomplète ou ne correspond pas à la présente notice) est mis de côté\n"
			  "pour correction pendant %s au plus, puis effacé.\n",
		.h_sources = "Enregistrements et origine des données",
		.content = "Un enregistrement contient l'intégralité de la conversation (audio) et,\n"
			   "le cas échéant, la messagerie instantanée (chat) et les fichiers partagés\n"
			   "pendant celle-ci, avec sa date, sa source, les noms des membres du\n"
			   "personnel qui y participent et les coordonnées des autres participants,\n"
			   "dans la mesure où elles ont été connues au cours de l'appel ou de la\n"
			   "réunion.\n",
		.calls = "appels téléphoniques", .meetings = "réunions",
		.data_source = "    Source des données :  %s\n",
		.recorded = "    Enregistrement :      ",
		.purpose_of = "    Finalité :            %s (%s)\n",
		.h_recipients = "Destinataires et transferts hors de l'UE/EEE",
		.no_recipients = "Les données ne sont communiquées à personne en dehors du responsable du\n"
				 "traitement.\n",
		.kind_title = { "Destinataires :", "Autorités (communications imposées par la loi) :",
				"Autres registres du responsable du traitement :" },
		.within_eea = "    Dans l'UE/EEE.\n",
		.outside_eea = "    Hors de l'UE/EEE ; garantie : %s.\n",
		.safeguard = "    Garantie :            %s.\n",
		.no_transfer = "Aucune donnée n'est transférée hors de l'UE/EEE sans garanties appropriées\n"
			       "(chapitre V du RGPD) ; chaque communication est journalisée.\n",
		.h_access = "Qui peut accéder aux enregistrements",
		.access_intro = "L'accès nécessite un identifiant personnel et est organisé en niveaux ;\n"
				"chaque utilisateur reçoit le niveau le plus bas que sa mission exige.\n"
				"Les enregistrements sont chiffrés, et un niveau ne peut déchiffrer que\n"
				"ce que ses finalités permettent.  Les niveaux, du plus bas au plus\n"
				"élevé ; chaque niveau voit aussi ce que voient les niveaux inférieurs :\n",
		.group = " (groupe %s)",
		.users_also = "    Ainsi que des comptes d'utilisateur individuels : %zu\n",
		.users_only = "    Comptes d'utilisateur individuels : %zu\n",
		.recordings_of = "\n    Enregistrements des finalités : ",
		.chats_files_of = "    Chats et fichiers partagés des finalités : ",
		.chats_of = "    Chats des finalités : ",
		.files_of = "    Fichiers partagés des finalités : ",
		.none = "aucune",
		.sees_details = "    Voit aussi les noms, les coordonnées, les noms du personnel et les\n"
				"    titres.\n",
		.sees_chat_names = "    Ne voit pas les noms ni les coordonnées enregistrés au sujet des\n"
				   "    personnes (noms de fichiers, attributs, fiches) ; l'audio, les chats\n"
				   "    et les fichiers partagés qu'il ouvre peuvent toutefois en contenir.\n",
		.sees_nothing = "    Ne voit pas les noms ni les coordonnées enregistrés au sujet des\n"
				"    personnes.\n",
		.sees_no_names = "    Ne voit pas les noms ni les coordonnées enregistrés au sujet des\n"
				 "    personnes (noms de fichiers, attributs, fiches) ; l'audio qu'il\n"
				 "    écoute peut toutefois en contenir.\n",
		.handles_rights = "    Traite les demandes des personnes concernées (effacement, limitation,\n"
				  "    rectification, export) et consulte le journal d'audit.\n",
		.details_from = "\nLes noms, les coordonnées, les noms du personnel et les titres des\n"
				"réunions sont visibles à partir du niveau %s.  L'audio, les\n"
				"transcriptions de chat et les fichiers partagés, qui peuvent nommer des\n"
				"personnes, sont visibles aux niveaux indiqués ci-dessus.  Chaque accès\n"
				"est journalisé, de même que chaque refus d'accès à un fichier que le\n"
				"niveau de l'utilisateur affiche.  Un enregistrement d'un niveau\n"
				"supérieur à celui d'un utilisateur ne lui est pas affiché du tout, et\n"
				"une tentative de l'ouvrir par son nom n'est pas journalisée.\n",
		.log_kept = "Le journal nomme les utilisateurs et les enregistrements, jamais les\n"
			    "personnes qui y figurent, et indique qui a accédé à vos enregistrements.\n"
			    "Ses entrées sont conservées pendant %s, plus longtemps tant qu'une\n"
			    "demande d'accès à vos données est en cours de traitement, puis effacées.\n",
		.h_rights = "Vos droits",
		.access_right = "- Droit d'accès (article 15) : savoir si des enregistrements vous\n"
				"  concernant sont conservés et en obtenir une copie",
		.access_free = ", gratuitement.\n",
		.access_end = ".\n",
		.rights = "- Droit de rectification (article 16) : faire corriger les données\n"
			  "  inexactes vous concernant.\n"
			  "- Droit à l'effacement (article 17) : faire effacer les enregistrements\n"
			  "  vous concernant lorsqu'ils ne sont plus nécessaires ou ont été traités\n"
			  "  sans base légale.\n"
			  "- Droit à la limitation du traitement (article 18) : obtenir la limitation\n"
			  "  du traitement, par exemple pendant l'examen d'une demande de\n"
			  "  rectification ou d'effacement.\n",
		.portability = "- Droit à la portabilité des données (article 20) : recevoir les données\n"
			       "  que vous avez fournies, traitées sur la base du consentement ou d'un\n"
			       "  contrat, dans un format lisible par machine, et les faire transmettre\n"
			       "  à un autre responsable du traitement.",
		.objection = "- Droit d'opposition (article 21) : vous opposer, pour des raisons\n"
			     "  tenant à votre situation particulière, au traitement fondé sur les\n"
			     "  intérêts légitimes ou sur une mission d'intérêt public, et à tout\n"
			     "  moment à la prospection.",
		.withdrawal = "- Retrait du consentement (article 7, paragraphe 3) : lorsque le\n"
			      "  traitement est fondé sur votre consentement, le retirer à tout moment ;\n"
			      "  les enregistrements réalisés sur cette base sont alors effacés.  Le\n"
			      "  retrait ne compromet pas la licéité du traitement effectué avant\n"
			      "  celui-ci.\n"
			      "  Finalités concernées : ",
		.concerned = "\n  Finalités concernées : ",
		.no_purposes = "aucune dans ce registre",
		.complaint = "- Réclamation (article 77) : introduire une réclamation auprès d'une\n"
			     "  autorité de contrôle, en particulier dans l'État membre de votre\n"
			     "  résidence habituelle, de votre lieu de travail ou du lieu où la\n"
			     "  violation aurait été commise",
		.complaint_finland = "(en Finlande : le Médiateur de la protection des données, "
				     "tietosuojavaltuutettu).",
		.complaint_named = "(l'autorité de contrôle du responsable du traitement : %s).",
		.h_exercise = "Comment exercer vos droits",
		.send_to = "Adressez votre demande à %s.\n",
		.answered = "Nous pouvons vous demander de préciser votre demande par écrit et\n"
			    "vérifier votre identité avant d'y donner suite.  Les demandes reçoivent\n"
			    "une réponse dans les meilleurs délais et au plus tard dans un délai d'un\n"
			    "mois à compter de leur réception (article 12, paragraphe 3, du RGPD) ;\n"
			    "au besoin, ce délai peut être prolongé de deux mois, et les motifs de\n"
			    "cette prolongation vous sont communiqués dans le mois suivant la\n"
			    "réception.",
		.free = "  L'exercice de vos droits est gratuit.\n",
		.other_questions = "Autres questions sur ce registre : %s.",
	},
};

#define NOTICE_WIDTH 76
/* The indent of a list item's second line, under the text after "- ". */
#define ITEM_INDENT 2

static const struct phrases *phrases_for(const char *lang)
{
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (!strcmp(phrases[i].lang, lang))
			return &phrases[i];
	return NULL;
}

static const char *basis_in_words(const struct phrases *ph, const char *s)
{
	for (int i = 0; policy_legal_bases[i]; i++)
		if (!strcmp(policy_legal_bases[i], s))
			return ph->basis[i];
	return s;
}

/* The special categories of data of purpose pu (GDPR Art. 9(1)) and the
 * condition of Art. 9(2) they are processed on: nothing for a purpose that
 * names none, so that its notice reads as it did. */
static void special_data(struct strbuf *b, const struct phrases *ph, const struct policy_purpose *pu)
{
	struct strbuf list = { 0 };
	int n = 0;

	if (pu->special_condition < 0)
		return;
	for (int k = 0; policy_special_categories[k]; k++)
		if (pu->special_categories & (1u << k))
			strbuf_addf(&list, "%s%s", n++ ? ", " : "", ph->special[k]);
	strbuf_addf(b, ph->special_l, list.s ? list.s : "");
	strbuf_addf(b, ph->condition_l, ph->condition[pu->special_condition]);
	strbuf_release(&list);
}

/* The title, underlined with dashes, after an empty line. */
static void heading(struct strbuf *b, const char *title)
{
	size_t cols = 0;

	for (const char *c = title; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	strbuf_addf(b, "\n%s\n", title);
	strbuf_addchars(b, '-', cols);
	strbuf_addf(b, "\n");
}

/* The columns (code points) of s after its last newline. */
static size_t last_line_cols(const char *s)
{
	const char *nl = strrchr(s, '\n');
	size_t cols = 0;

	for (const char *c = nl ? nl + 1 : s; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	return cols;
}

/*
 * The words of text after what b holds, whose last line is col columns
 * long, word-wrapped to NOTICE_WIDTH columns (code points), each new line
 * indented by indent columns; a space before each word but one that
 * starts a line.  Adds no newline at the end.
 */
static void wrap_on(struct strbuf *b, size_t indent, size_t col, const char *text)
{
	const char *w = text;

	while (*w) {
		size_t n = 0, cols = 0;

		while (*w == ' ' || *w == '\t')
			w++;
		if (!*w)
			break;
		while (w[n] && w[n] != ' ' && w[n] != '\t') {
			cols += ((unsigned char)w[n] & 0xc0) != 0x80;
			n++;
		}
		if (col > indent && col + 1 + cols > NOTICE_WIDTH) {
			strbuf_addf(b, "\n");
			strbuf_addchars(b, ' ', indent);
			col = indent;
		}
		if (col > indent) {
			strbuf_addf(b, " ");
			col++;
		}
		strbuf_addf(b, "%.*s", (int)n, w);
		col += cols;
		w += n;
	}
}

/*
 * A free text of the policy, word-wrapped to NOTICE_WIDTH columns: the
 * first line after prefix, the others indented as deep as prefix is long.
 * Ends with a newline.
 */
static void wrapped(struct strbuf *b, const char *prefix, const char *text)
{
	size_t indent = last_line_cols(prefix);

	strbuf_addf(b, "%s", prefix);
	wrap_on(b, indent, indent, text);
	strbuf_addf(b, "\n");
}

/* The right to complain (Art. 77), naming whom policy_supervisory_authority
 * says; the policy's text wrapped into the paragraph. */
static void complaint(struct strbuf *b, const struct phrases *ph, const struct policy *p, int lang)
{
	const char *text;
	char *named;

	strbuf_addf(b, "%s", ph->complaint);
	switch (policy_supervisory_authority(p, lang, &text)) {
	case POLICY_AUTHORITY_GIVEN:
		named = xasprintf(ph->complaint_named, text);
		wrap_on(b, ITEM_INDENT, last_line_cols(ph->complaint), named);
		free(named);
		break;
	case POLICY_AUTHORITY_FINLAND:
		wrap_on(b, ITEM_INDENT, last_line_cols(ph->complaint), ph->complaint_finland);
		break;
	case POLICY_AUTHORITY_UNNAMED:
		strbuf_addf(b, ".");
		break;
	}
	strbuf_addf(b, "\n");
}

static void period_words(const struct phrases *ph, struct policy_period per, char *buf, size_t size)
{
	const char *unit = per.unit == 'd' ? (per.n == 1 ? ph->day : ph->days)
			   : per.unit == 'm' ? (per.n == 1 ? ph->month : ph->months)
					     : (per.n == 1 ? ph->year : ph->years);

	snprintf(buf, size, "%d %s", per.n, unit);
}

/* The names of the purposes that may be based on b1 or b2 (may be NULL),
 * by the purpose or by one of its sources, and a full stop, into b:
 * word-wrapped after its last line, each new line indented as an item's (a
 * policy of many purposes made lines of 100 columns), and a newline. */
static void purposes_on(struct strbuf *b, const struct phrases *ph, const struct policy *p, const char *b1,
			const char *b2)
{
	struct strbuf list = { 0 };
	int n = 0;

	for (size_t i = 0; i < p->n_purposes; i++) {
		if (!policy_purpose_may_be_on(p, (int)i, b1) && (!b2 || !policy_purpose_may_be_on(p, (int)i, b2)))
			continue;
		strbuf_addf(&list, "%s%s", n ? ", " : "", p->purposes[i].name);
		n++;
	}
	if (!n)
		strbuf_addf(&list, "%s", ph->no_purposes);
	strbuf_addf(&list, ".");
	/* The label's space ("Purposes concerned: ") is the one wrap_on puts
	 * before the first word. */
	if (b->len && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	wrap_on(b, ITEM_INDENT, last_line_cols(b->s ? b->s : ""), list.s);
	strbuf_addf(b, "\n");
	free(list.s);
}

/*
 * The names of the purposes whose objects of kind level `level` reads
 * (seal_level_for decides), and a newline, into b; how many there are.
 */
static int purposes_seen(struct strbuf *b, const struct phrases *ph, const struct policy *p, int level,
			 enum seal_kind kind)
{
	int n = 0;

	for (size_t j = 0; j < p->n_purposes; j++) {
		if (seal_level_for(p, p->purposes[j].name, kind) > level)
			continue;
		strbuf_addf(b, "%s%s", n ? ", " : "", p->purposes[j].name);
		n++;
	}
	strbuf_addf(b, "%s\n", n ? "" : ph->none);
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

/*
 * How many user accounts a level's users = names besides its group:
 * counted, not named.  The notice is public (every user of the mount, and
 * every data subject it is sent to, reads it), and a staff member's user
 * ID is personal data of theirs; the policy names them for the
 * administrators.  Nothing when it names none.
 */
static void users_of(struct strbuf *b, const struct phrases *ph, const struct policy_level *l)
{
	if (l->n_users)
		strbuf_addf(b, l->group ? ph->users_also : ph->users_only, l->n_users);
}

/* The recipients, grouped by kind; a group's title only when some
 * recipient is of another kind than the default. */
static void recipients(struct strbuf *b, const struct phrases *ph, const struct policy *p, int lang)
{
	int titles = 0;

	for (size_t i = 0; i < p->n_recipients; i++)
		titles |= p->recipients[i].kind != POLICY_RECIPIENT_OTHER;
	for (int k = 0; k < POLICY_RECIPIENT_NKINDS; k++) {
		int first = 1;

		for (size_t i = 0; i < p->n_recipients; i++) {
			const struct policy_recipient *r = &p->recipients[i];
			const char *sg = policy_label(p, r->safeguard, &r->safeguard_t, lang);

			if ((int)r->kind != k)
				continue;
			if (titles && first)
				strbuf_addf(b, "\n%s\n", ph->kind_title[k]);
			first = 0;
			strbuf_addf(b, "\n%s (%s)\n", policy_text(p, &r->display_t, lang), r->name);
			if (r->eea)
				strbuf_addf(b, "%s", ph->within_eea);
			else
				strbuf_addf(b, ph->outside_eea, sg);
			if (r->eea && sg)
				strbuf_addf(b, ph->safeguard, sg);
		}
	}
}

/* The policy's text t in the notice's language, wrapped, when it gives
 * one; after an empty line when gap. */
static void note(struct strbuf *b, const struct policy *p, const struct policy_text *t, int lang, int gap)
{
	const char *s = policy_text(p, t, lang);

	if (!s)
		return;
	if (gap)
		strbuf_addf(b, "\n");
	wrapped(b, "", s);
}

char *notice_render(const struct policy *p)
{
	return p ? notice_render_in(p, p->langs[0]) : NULL;
}

/* Columns (code points) of the n bytes at s. */
static size_t cols_of(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

/*
 * Where a line of a label and its value ("    Legal basis:  ...",
 * "Register:           ...", "    Recordings of: ...") goes on when it is
 * wrapped: the column its value starts at, after the label's colon and its
 * spaces; for a line without such a label, its own indent.  A colon after
 * a comma or a full stop is a sentence's, not a label's.
 */
static size_t wrap_indent(const char *l, size_t len)
{
	size_t lead = strspn(l, " "), i;

	for (i = lead; i < len && l[i] != ':' && l[i] != ',' && l[i] != '.'; i++)
		;
	if (i >= len || l[i] != ':' || i + 1 >= len || l[i + 1] != ' ' || cols_of(l, i) > 40)
		return lead;
	for (i++; i < len && l[i] == ' '; i++)
		;
	return cols_of(l, i) > 48 ? lead + 4 : cols_of(l, i);
}

/*
 * The notice with every line longer than NOTICE_WIDTH columns word-wrapped,
 * each line it goes on in indented as wrap_indent says: a policy text or a
 * legal basis carried after a label, a list of purposes (atk24: lines of up
 * to 200 columns).  A word longer than a line stays whole.  Frees text.
 */
static char *wrap_long_lines(char *text)
{
	struct strbuf b = { 0 };

	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l), indent, col = 0;
		const char *w = l, *end = l + len;

		if (cols_of(l, len) <= NOTICE_WIDTH) {
			strbuf_addf(&b, "%.*s%s", (int)len, l, e ? "\n" : "");
			l = e ? e + 1 : end;
			continue;
		}
		indent = wrap_indent(l, len);
		/* The indent and label as they are, then word by word. */
		while (w < end && *w == ' ')
			w++;
		strbuf_addf(&b, "%.*s", (int)(w - l), l);
		col = cols_of(l, (size_t)(w - l));
		while (w < end) {
			const char *we = w, *sp;
			size_t wc;

			while (we < end && *we != ' ')
				we++;
			/* "Art. 6(1)(f)", "17.3 b": an abbreviation stays
			 * with the number after it. */
			if (we - w <= 4 && we[-1] == '.' && we + 1 < end && we[0] == ' ' && we[1] >= '0' && we[1] <= '9')
				for (we++; we < end && *we != ' ';)
					we++;
			wc = cols_of(w, (size_t)(we - w));
			if (col > indent && col + 1 + wc > NOTICE_WIDTH) {
				strbuf_addf(&b, "\n");
				strbuf_addchars(&b, ' ', indent);
				col = indent;
			} else if (w > l && w[-1] == ' ' && col > 0 && b.s[b.len - 1] != ' ') {
				strbuf_addf(&b, " ");
				col++;
			}
			strbuf_addf(&b, "%.*s", (int)(we - w), w);
			col += wc;
			/* The spaces after it: kept where they align a value. */
			for (sp = we; sp < end && *sp == ' '; sp++)
				;
			if (sp - we > 1 && sp < end && col + (size_t)(sp - we) <= NOTICE_WIDTH) {
				strbuf_addf(&b, "%.*s", (int)(sp - we), we);
				col += (size_t)(sp - we);
			}
			w = sp;
		}
		strbuf_addf(&b, "%s", e ? "\n" : "");
		l = e ? e + 1 : end;
	}
	free(text);
	return strbuf_detach(&b);
}

char *notice_render_in(const struct policy *p, const char *lang_tag)
{
	struct strbuf b = { 0 };
	const struct phrases *ph;
	char w1[48], w2[48], *other;
	const char *pc, *terms;
	int lang;

	if (!p || (lang = policy_lang_index(p, lang_tag)) < 0 || !(ph = phrases_for(lang_tag)))
		return NULL;
	pc = policy_text(p, &p->privacy_contact_t, lang);
	strbuf_addf(&b, "%s", ph->title);
	strbuf_addf(&b, ph->l_register, policy_text(p, &p->reg_name_t, lang));
	strbuf_addf(&b, ph->l_controller, policy_text(p, &p->controller_t, lang));
	strbuf_addf(&b, ph->l_contact, policy_text(p, &p->contact_t, lang));
	strbuf_addf(&b, ph->l_privacy, pc);

	heading(&b, ph->h_purposes);
	for (size_t i = 0; i < p->n_purposes; i++) {
		const struct policy_purpose *pu = &p->purposes[i];

		period_words(ph, pu->retention, w1, sizeof(w1));
		period_words(ph, pu->max_retention, w2, sizeof(w2));
		strbuf_addf(&b, "\n%s\n", pu->name);
		strbuf_addf(&b, ph->purpose, policy_text(p, &pu->description_t, lang));
		strbuf_addf(&b, ph->basis_l, basis_in_words(ph, pu->legal_basis));
		for (int k = 0; policy_legal_bases[k]; k++)
			if ((pu->allowed_bases & (1u << k)) && strcmp(policy_legal_bases[k], pu->legal_basis))
				strbuf_addf(&b, ph->or_basis, ph->basis[k]);
		special_data(&b, ph, pu);
		if (policy_period_le(pu->max_retention, pu->retention))
			strbuf_addf(&b, ph->kept, w1);
		else
			strbuf_addf(&b, ph->kept_max, w1, w2);
	}
	if (policy_text(p, &p->retention_note, lang)) {
		note(&b, p, &p->retention_note, lang, 1);
		strbuf_addf(&b, "%s", ph->periods_chosen);
	}
	period_words(ph, p->quarantine_retention, w1, sizeof(w1));
	strbuf_addf(&b, "\n");
	strbuf_addf(&b, ph->erased, w1);

	heading(&b, ph->h_sources);
	strbuf_addf(&b, "%s", ph->content);
	note(&b, p, &p->sources_note, lang, 0);
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct policy_source *s = &p->sources[i];
		const struct policy_purpose *pu = &p->purposes[s->purpose];
		const char *rec = policy_text(p, &s->recorded, lang);

		strbuf_addf(&b, "\n%s (%s)\n", s->name, !strcmp(s->kind, "call") ? ph->calls : ph->meetings);
		if (rec)
			wrapped(&b, ph->recorded, rec);
		strbuf_addf(&b, ph->data_source, policy_label(p, s->data_source, &s->data_source_t, lang));
		strbuf_addf(&b, ph->purpose_of, pu->name, policy_text(p, &pu->description_t, lang));
		if (s->legal_basis && strcmp(s->legal_basis, pu->legal_basis))
			strbuf_addf(&b, ph->basis_l, basis_in_words(ph, s->legal_basis));
	}

	heading(&b, ph->h_recipients);
	note(&b, p, &p->disclosures, lang, 0);
	if (!p->n_recipients)
		strbuf_addf(&b, "%s", ph->no_recipients);
	recipients(&b, ph, p, lang);
	note(&b, p, &p->transfers, lang, 1);
	strbuf_addf(&b, "\n%s", ph->no_transfer);

	heading(&b, ph->h_access);
	strbuf_addf(&b, "%s", ph->access_intro);
	for (size_t i = 0; i < p->n_levels; i++) {
		const struct policy_level *l = &p->levels[i];
		int audio, chats, files;

		strbuf_addf(&b, "\n%s", l->name);
		if (l->group)
			strbuf_addf(&b, ph->group, l->group);
		strbuf_addf(&b, "%s", ph->recordings_of);
		audio = purposes_seen(&b, ph, p, (int)i, SEAL_AUDIO);
		if (same_purposes_seen(p, (int)i, SEAL_CHAT, SEAL_FILE)) {
			strbuf_addf(&b, "%s", ph->chats_files_of);
			chats = files = purposes_seen(&b, ph, p, (int)i, SEAL_CHAT);
		} else {
			strbuf_addf(&b, "%s", ph->chats_of);
			chats = purposes_seen(&b, ph, p, (int)i, SEAL_CHAT);
			strbuf_addf(&b, "%s", ph->files_of);
			files = purposes_seen(&b, ph, p, (int)i, SEAL_FILE);
		}
		users_of(&b, ph, l);
		if ((int)i >= p->details_level)
			strbuf_addf(&b, "%s", ph->sees_details);
		else if (chats || files)
			strbuf_addf(&b, "%s", ph->sees_chat_names);
		else
			strbuf_addf(&b, "%s", audio ? ph->sees_no_names : ph->sees_nothing);
		if ((int)i == p->rights_level)
			strbuf_addf(&b, "%s", ph->handles_rights);
	}
	strbuf_addf(&b, ph->details_from, p->levels[p->details_level].name);
	period_words(ph, p->audit_retention, w1, sizeof(w1));
	strbuf_addf(&b, ph->log_kept, w1);

	terms = policy_text(p, &p->access_terms, lang);
	heading(&b, ph->h_rights);
	strbuf_addf(&b, "%s%s", ph->access_right, terms ? ph->access_end : ph->access_free);
	strbuf_addf(&b, "%s", ph->rights);
	strbuf_addf(&b, "%s%s", ph->portability, ph->concerned);
	purposes_on(&b, ph, p, "consent", "contract");
	strbuf_addf(&b, "%s%s", ph->objection, ph->concerned);
	purposes_on(&b, ph, p, "legitimate_interests", "public_task");
	strbuf_addf(&b, "%s", ph->withdrawal);
	purposes_on(&b, ph, p, "consent", NULL);
	complaint(&b, ph, p, lang);

	heading(&b, ph->h_exercise);
	if (policy_text(p, &p->requests_how, lang))
		note(&b, p, &p->requests_how, lang, 0);
	else
		strbuf_addf(&b, ph->send_to, pc);
	strbuf_addf(&b, "%s", ph->answered);
	if (terms) {
		strbuf_addf(&b, "\n");
		wrapped(&b, "", terms);
	} else {
		strbuf_addf(&b, "%s", ph->free);
	}
	other = xasprintf(ph->other_questions, policy_text(p, &p->contact_t, lang));
	wrapped(&b, "", other);
	free(other);
	return wrap_long_lines(strbuf_detach(&b));
}
