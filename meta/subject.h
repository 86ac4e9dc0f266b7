/*
 * subject.h - data subjects: pseudonymous handles, sealed cards, and the
 * keyed blind index that matches a new recording's customer to a known one
 * without the catalog holding any phone number or e-mail in the clear.
 */
#ifndef RECFS_SUBJECT_H
#define RECFS_SUBJECT_H

#include <jansson.h>

#include "catalog.h"
#include "crypto.h"
#include "register.h"
#include "util.h"

/* The card fields; any may be NULL. */
struct subject_card {
	const char *name, *phone, *email, *organisation, *ref;
};

/*
 * Normalise an identifier for the blind index, and wherever identifiers
 * are compared (ingest, rectification, find, export): every caller passes
 * its policy's phone_country_code as country_code, so that one rule holds.
 *
 * phone -> '+' and digits, or digits alone: white space first is skipped;
 * a leading "00" or "+" gives '+' (international); every other character
 * than a digit is dropped.  With country_code (the digits of a country
 * calling code, "358"; NULL when the policy has none) a number that is not
 * international is read by its digits: "00" first gives '+', and a single
 * 0 first with more digits after it (a national number: "040 264 2312",
 * "(040) 2642312") is '+', country_code and the digits after that 0
 * ("+358402642312"); other numbers stay digits.  Without country_code a
 * national number stays its digits ("0402642312"), as before the policy
 * had the key.  First the written forms of one number go: "tel:" (and its
 * ";parameters"), "sip:"/"sips:" (and all from '@' or ';': the user part
 * is the number; a user that is no '+' number is -EINVAL), and a "(0)" after an international prefix and at least
 * one digit ("+46 (0)8 123", the trunk 0 written beside the
 * international form; a register from before this rule indexed it as
 * "+4608123": `recctl subject reindex` indexes the card by this one).
 * But the parameters of a tel: URI or a SIP user part that tell people
 * behind one number apart are kept, after the number's form, in a fixed
 * order whatever order they came in: ";ext=DIGITS", ";isub=TEXT" and, for
 * a local number, ";ctx=" its phone-context ('+' and digits, or a domain
 * in lower case): "tel:+358-9-1234;ext=5678" is "+35891234;ext=5678", and
 * so neither +358 9 1234 5678 nor ext=5679.
 * email, ref -> white space trimmed at both ends; an e-mail's written
 * forms go ("mailto:" and any "?headers", one pair of angle brackets
 * around it, the domain's root dot "example.fi."), and so do a
 * reference's separators, wherever they stand: white space (no-break
 * spaces too), punctuation ('-' and every Unicode dash, '.', '/', '_',
 * '#', brackets, quotes), the minus sign, and what writes no character (a
 * soft hyphen, a zero-width space); its letters, digits and symbols stay.
 * So "19121212-1212", "191212121212" and "19121212 1212" are one
 * reference, "123.456.782" is "123456782", and "AB-12/2024" and "ab 12
 * 2024" are "ab122024" (a customer or identity number is read by what it
 * is made of, as a phone number by its digits); but '+' is a symbol and
 * stays: "121212+1212" (in Sweden a person of 100 years, in Finland's
 * "131052+308T" the 1800s) is not "121212-1212".  A reference of no
 * letter, digit or symbol ("--", "/") is -EINVAL: no identifier.  Then
 * in lower case: Unicode's lower-case mapping (no locale) and canonical
 * composition (NFC), the same in every locale, so "ÖYSTILÄ@KYLÄ.FI" and
 * "öystilä@Kylä.fi" are one ("öystilä@kylä.fi"), "ÅSA-1" is "åsa1" and
 * "STRAẞE" is "straße".  Not full case folding: that makes "ß" "ss" (and
 * a ligature its letters), so two addresses a mail server keeps apart,
 * "faß.de" and "fass.de", would be one person.
 * For an ASCII e-mail this is the lower case the rule gave before it
 * lowered other letters, so index entries written then are still found.
 * A reference's entry written before its separators went (before
 * catalog schema 18: the text trimmed and in lower case,
 * "19121212-1212"; for ASCII text also the entry of the rule before
 * Unicode lower case) is found by the same written form (prev_mac, the
 * form of subject_normalise_before raw 1) and replaced by `recctl subject
 * reindex`.  An e-mail must have
 * one '@', text on both sides and no white space.
 *
 * name -> the initial of its first word and its last word, folded
 *   (subject_fold_name): "Matti Meikäläinen" and "M. MEIKÄLÄINEN" are
 *   "m meikalainen"; -EINVAL for one word.  Never looked up to find a
 *   subject, only to tell apart people who share a number
 *   (subject_resolve): "Anna Berg" is not "Bertil Berg".
 * given (SUBJECT_GIVEN_KIND) -> of a name whose first word is a whole
 *   given name, that word and the last word, folded as name's:
 *   "Mäija Meikäläinen" is "maija meikalainen", "Anna-Liisa von Berg"
 *   "anna-liisa berg".  A first word with '.' right after it, or with a
 *   part of one letter ("M.", "M", "A-L", "Anna-L."), is an initial:
 *   -EINVAL, as for one word.  Never looked up either: it tells apart the
 *   people of one name form ("Maija" is not "Matti").
 * For a name, words are what white space, '.' and ',' leave; a comma
 * right after the first word puts the family name first ("Berg, Anna" is
 * "Anna Berg"): the given name is then the second word; so does a comma
 * after a word that only particles of the family name come before ("Van
 * der Berg, Jan" and "De Vries-Bakker, S." are "j berg" and "s
 * vries-bakker").  Forms of address ("Mr", "Mw.", "Mej.", "Dhr.", ...) and
 * degrees ("Dr. med.", "prof. dr. ir.", "drs.") before the given name are
 * not it, and a form of address is not read past to a particle ("Mw. el
 * Amrani" is "mrs amrani").  Spanish Doña written with its ñ or ª
 * ("Doña", "Dña.", "Dª", "D.ª") is a form of address (Mrs); "Dona", "Don"
 * and "D." are the English given names and an initial they also are;
 * "Mª" and "M.ª" written as a word are María (bb12 F10).  A degree after the name is no family name
 * ("J. van der Berg MSc" is "j berg": MSc, BSc, PhD, LLM, LLB, MPhil, and
 * with full stops "M.A.", "B.A.", "M.B.A." too), while "MA", "BA", "MBA"
 * and "RA" without them, which are family names too, and "Jr." stay the
 * family name.  The family name's apostrophes are no letters ("O'Brien",
 * "O’Brien" and "OBrien" are "obrien", "D'Arcy" and "Darcy" "darcy"), and
 * an Irish particle (O, Ó, Mac, Mc, Ní, Nic, Ua, Uí) written apart right
 * before it, without a full stop and not the given name, is a part of it:
 * "Siobhan O Brien" is "s obrien", "Ó Súilleabháin" "osuilleabhain", "Ian
 * Mac Donald" "ian macdonald" (and "Mc Donald" "mcdonald": Mac and Mc
 * stay two); "D Arcy" is not joined (D is an initial too).  Saint ("St",
 * "St.", "Saint"; "Ste", "Sainte": two) before a family word is a
 * particle (bb11): "St John, Olivia" is "o john" as "Olivia St John" is,
 * and a family name written with a hyphen after it has it in one form
 * ("Saint-Exupéry" is "st-exupery"); the first word is the given name
 * still ("St John Smith" is "s smith", given "st smith"; "Mr St John" is
 * "mr john").  A name has other forms besides this one
 * (subject_name_entries: "Sarah Bowes Lyon" is "s lyon" and "s
 * bowes-lyon", "Bowes Lyon, Sarah" "b lyon" and "s bowes-lyon"; a name
 * with ä, ö or ü has one for each spelling of its words with them, a
 * word spelt ae, oe, ue or folded: "Jürgen Müller" is "j muller" and "j
 * mueller", whole "jurgen muller", "juergen muller", "jurgen mueller"
 * and "juergen mueller", "Juergen Mueller" "j mueller" alone), which
 * subject_normalise does not give.  A hyphen in a
 * given name stays ("Mary-Kate" is not "Mary", and "Mary Kate" reads as
 * "Mary").  The rules are normalise_name's (subject.c); a register
 * indexed by older rules is marked for `recctl subject reindex` by the
 * catalog's upgrade (catalog.c, schema 14, 15, 16, 19, 20, 21, 23, 24, 25).
 *
 * out has outlen bytes (SUBJECT_NORM_MAX holds the form of any value of
 * up to RIGHTS_CARD_VALUE_MAX bytes).  A form that does not fit is
 * refused, never cut: two values that differ only past the cut would be
 * one person.  Returns 0; -EINVAL when nothing is left (a phone number
 * without a digit), an e-mail is not of that shape, the text is not
 * well-formed UTF-8, the form does not fit in out, or country_code is not
 * 1 to 3 digits (out is then wiped); -ENOMEM.  A value that names no one
 * is refused too (atk43 F1): a phone number of fewer than
 * SUBJECT_PHONE_MIN_DIGITS digits, of only zeros, or with a word beside
 * fewer than SUBJECT_PHONE_WORDED_DIGITS digits ("diabetes type 2"), an
 * e-mail at anonymous.invalid (SIP's withheld caller), a
 * reference that is a word for none ("n/a", "unknown").  A digit of any
 * script is its 0-9 in a phone number.  This is the one rule of what an
 * identifier is: rectification refuses a phone number or e-mail it
 * refuses (rights_check_card_value), and ingest indexes only what it
 * takes.  subject_refusal says why it refuses a value (the words
 * rectification logs and ingest's note gives), NULL when it takes it.
 */
int subject_normalise(const char *kind, const char *in, const char *country_code, char *out,
		      size_t outlen) MUST_CHECK;
const char *subject_refusal(const char *kind, const char *in);
/* Room for subject_normalise's form of a value of up to 256 bytes (the
 * card's limit): lower case makes a UTF-8 character at most 1.5 times as
 * long ("İ", 2 bytes, is "i" and a combining dot, 3), and the country
 * code adds 4 bytes to a phone number. */
#define SUBJECT_NORM_MAX 1024

/* Digits a search text with a letter in it needs to be tried as a phone
 * number too: a phone number's least, more than a short reference's; and
 * a phone number's least with no word beside it (subject.c:
 * phone_refusal). */
#define SUBJECT_PHONE_WORDED_DIGITS 7
#define SUBJECT_PHONE_MIN_DIGITS 3
/*
 * 1 when text, as typed for a search, may be a phone number: a tel:, sip:
 * or sips: URI, or digits written with anything but letters between them
 * ("040/264 2312", an en dash), or, with words beside them ("puh.
 * 040-264 2312", "040 264 2312 (työ)"), SUBJECT_PHONE_WORDED_DIGITS digits
 * at least: subject_normalise reads it by its digits, as ingest does (bb7
 * F4, atk24).  A text with a letter and fewer digits ("ABC-123") is a
 * reference or a name.
 */
int subject_may_be_phone(const char *text);

/*
 * A phone number, e-mail or reference by the rules before today's that a
 * register may still hold entries of: with every trunk prefix taken for 0
 * (before the countries' trunk prefixes were read), its written forms
 * read (raw 0) or, before that, not (raw 1: catalog schema 9; a
 * reference's separators kept, as before catalog schema 18).  Only to
 * drop the entries those rules wrote (recctl subject reindex): an entry
 * left would be another number's today (Italy's 0331 234 5678 was
 * +39 331 234 5678, a mobile's number now).  Errors as subject_normalise.
 */
int subject_normalise_before(const char *kind, const char *in, const char *country_code, int raw, char *out,
			     size_t outlen) MUST_CHECK;

/*
 * An e-mail or reference by the rule before subject_normalise folded
 * Unicode case: white space trimmed, ASCII letters lowered, every other
 * byte as it is, no shape checked.  Only to drop the entries that rule
 * wrote (recctl subject reindex): nothing is indexed or looked up by it.
 * -EINVAL for a phone number (whose rule did not change) and when nothing
 * is left.
 */
int subject_normalise_v1(const char *kind, const char *in, char *out, size_t outlen) MUST_CHECK;
/* 1 when text has a handle's form ("S-" and six of Crockford's letters
 * and digits), whether or not a subject has it; else 0 (NULL too). */
int subject_handle_form(const char *text);

/*
 * The form of a name that name search compares (subject_name_matches):
 * case-folded (Unicode full case folding: "VÄISÄNEN" and "väisänen" are
 * one, "ß" is "ss"), decomposed (NFKD: compatibility forms such as the
 * "ﬁ" ligature or full-width letters become their plain letters), and
 * stripped of every nonspacing mark (general category Mn), so that
 * "Väisänen", "Åström" and "Müller" fold to "vaisanen", "astrom" and
 * "muller".  Letters that Unicode does not decompose but that an ASCII
 * keyboard writes as a base letter fold to it too: ø to o ("Øster" is
 * "oster"), đ and ð to d, ł to l, ħ to h, ŧ to t, dotless ı to i, æ to
 * ae, œ to oe, þ to th; and the apostrophes ’, ‘, ‛, ʼ, ʻ, ʽ, and what a
 * keyboard types for one (` ´ ˊ ʹ ′), to ' ("d’Arbois" and "D´Arcy" are
 * "d'arbois" and "d'arcy").  Other scripts keep their letters (folded and
 * without nonspacing marks).  The rule does not depend on the locale.
 *
 * in is NUL-terminated.  On success *out is the folded text, malloc'd and
 * NUL-terminated; it is personal data: the caller wipes it
 * (crypto_memzero) before free(3).  libunistring's own temporaries are
 * freed without a wipe.  Returns 0, -EINVAL when in is not well-formed
 * UTF-8 (*out untouched), -ENOMEM.  No locking: it touches nothing shared.
 */
int subject_fold_name(const char *in, char **out) MUST_CHECK;

/*
 * 1 when the folded text (subject_fold_name) occurs in the folded name, 0
 * when it does not or when text folds to nothing (an empty search term
 * matches no one).  Failing that, both are compared with "ae", "oe" and
 * "ue" read as "a", "o" and "u", as German writes ä, ö and ü without
 * them: "Mueller" finds "Müller", "Oezdemir" "Özdemir".  Failing that,
 * both are compared without apostrophes and with an Irish particle
 * written apart joined to the word after it (O, Mac, Mc, Ní, Nic, Ua, Uí):
 * "OBrien", "O Brien" and "obrien" find "O'Brien", "MacGiolla Phadraig"
 * "Mac Giolla Phádraig", "Darcy" "D'Arcy".  Failing that,
 * 1 when text, read as a name the way subject_normalise reads one (forms
 * of address, degrees, the family name first before a comma), is a form
 * of name: the same family name, its words joined by '-' or a space
 * ("de Vries Bakker" is "de Vries-Bakker", "El-Amrani" "el Amrani"), of
 * the same particles ("van der"; "v.d." and "vd" are any); the same
 * initial, and the same given name when both write it whole.  More given
 * names before the family name's particles are not compared ("Jan Pieter
 * van der Berg" is found by "J. van der Berg").  So "Berg, Jan van der",
 * "J. van der Berg" and "Jan v.d. Berg" find "Jan van der Berg", and
 * neither "Bert van der Berg", "Jan van den Berg" (but "Jan v.d. Berg"
 * finds him too) nor "Jan Berg" does; a text whose given name is a form
 * of address ("Mw. el Amrani") is compared by the family name alone, as a
 * search of "el Amrani" is.  Saint is one particle however written
 * ("Hugo Saint John" finds "St John, Hugo"), and two words, a comma and
 * one given name are read both ways, the family name first too ("Sarah
 * Bowes Lyon" finds "Bowes Lyon, Sarah"; comma_alt in subject.c).
 * -EINVAL when name or text is not well-formed UTF-8,
 * -ENOMEM.  Both are lent; the folded copies are wiped before they are
 * freed.
 */
int subject_name_matches(const char *name, const char *text) MUST_CHECK;
/*
 * subject_name_matches for one text and any number of names (recctl
 * subject find opens every card): the text is folded and read once, in
 * subject_name_search_new (0, -EINVAL when it is not well-formed UTF-8,
 * -ENOMEM; *out to subject_name_search_free, which wipes it), and each
 * name compared with subject_name_search_match (1, 0, or as
 * subject_name_matches).
 */
struct subject_name_search;
int subject_name_search_new(const char *text, struct subject_name_search **out) MUST_CHECK;
int subject_name_search_match(const struct subject_name_search *s, const char *name) MUST_CHECK;
void subject_name_search_free(struct subject_name_search *s);

/* The kind of the blind-index entries of whole given names. */
#define SUBJECT_GIVEN_KIND "given"
/* The kind of a whole given name's middle words' entries
 * (subject_name_entries' mid_mark, mid_all and mid_sub). */
#define SUBJECT_MIDDLE_KIND "middle"

/*
 * The two blind-index entries, of kind SUBJECT_GIVEN_KIND, that a name
 * whose first word is a whole given name gives its subject besides its
 * name form's (kind "name"): in given, the key of its whole form
 * (subject_normalise SUBJECT_GIVEN_KIND, "maija meikalainen"); in mark,
 * the key of its name form ("m meikalainen") under a domain of its own,
 * the same for every whole given name of that form: a subject that holds
 * mark has been given a whole name of the form, and its given entries say
 * which.  So "holds whole given names of the same form, and not this one"
 * is two lookups of keys; the catalog holds no name, and says no more than
 * the name form's entries said already: which subjects share a name form.
 * index_key is lent.  1 with both set; 0 when name has no whole given
 * name (NULL, one word, an initial, not UTF-8: both wiped); -ENOMEM.  No
 * catalog; the normalised forms are wiped.
 */
int subject_given_index(const struct crypto_key *index_key, const char *name, uint8_t given[CRYPTO_MAC_BYTES],
			uint8_t mark[CRYPTO_MAC_BYTES]) MUST_CHECK;

/*
 * Every blind-index entry of a name (subject_resolve and rectification
 * put them, the same for both): of each of its name forms (up to
 * SUBJECT_NAME_FORMS, normalise_name in subject.c), the form's entry
 * (kind "name") and, when its first word is a whole given name, the two
 * of subject_given_index for that form (kind SUBJECT_GIVEN_KIND) and
 * those of its middle words (kind SUBJECT_MIDDLE_KIND: mid_mark, mid_all
 * of all its words and each mid_sub; mid_all's others are only looked
 * up).  Form
 * 0 is subject_normalise "name"'s; form 1, of a name of three words or
 * more, joins the word before the family name to it with '-' ("Sarah
 * Bowes Lyon" is also "s bowes-lyon", as "Sarah Bowes-Lyon" is); form 2
 * is of "Bowes Lyon, Sarah" read as Sarah Bowes-Lyon ("Martínez Soto,
 * José Luis" as José Luis Martínez-Soto).  Each of them
 * comes in every spelling of the name's words written with ä, ö or ü
 * (umlauts_spelt), each such word folded ("muller") or spelt ae, oe, ue
 * ("mueller") whatever the others are (bb10, atk F3: "Jürgen Müller" is
 * "Juergen Mueller", "Jurgen Mueller" and "Juergen Muller"; atk31: two
 * words that write no umlaut are compared as written, "Joey" is not
 * "Joy", "Juergen" not "Jurgen"); of a name of more than
 * UMLAUT_WORD_BITS (5) words with umlauts the fifth and later are spelt
 * together.  The name as written and all spelt come first, of every
 * form, then the mixed spellings, till SUBJECT_NAME_FORMS; entries two
 * spellings share are held once.  Two names are one
 * person's when one form of each agrees (someone_else): so a word
 * written with an umlaut agrees with the word folded and spelt, and two
 * words without one as written.  Returns how many
 * entries (0: none, NULL, one word), or -ENOMEM (e wiped).  The caller
 * wipes e (crypto_memzero).  subject_put_name_entries and
 * subject_drop_name_entries put or drop them for handle, inside the
 * caller's transaction.
 */
#define SUBJECT_NAME_FORMS 40	/* entries: forms and their spellings */
#define SUBJECT_MIDDLE_WORDS 3	/* of a whole given name's middle words, the first */
struct subject_name_entries {
	uint8_t name[SUBJECT_NAME_FORMS][CRYPTO_MAC_BYTES];
	uint8_t given[SUBJECT_NAME_FORMS][CRYPTO_MAC_BYTES];
	uint8_t mark[SUBJECT_NAME_FORMS][CRYPTO_MAC_BYTES];
	int has_name[SUBJECT_NAME_FORMS], has_given[SUBJECT_NAME_FORMS];
	/* Of a form with a whole given name (has_given), its middle words
	 * (the words between the given name and the family name's last
	 * word, but particles and initials: "José Luis Martínez Soto" has
	 * "luis martinez"), n_middle of them (-1: none read): mid_mark that
	 * the form's whole given name was indexed with its middle words;
	 * mid_all[m] the words of the bits of m, in order (m 0: none; all
	 * bits: the name's own); mid_sub[m] the same in a domain of its
	 * own, m > 0. */
	uint8_t mid_mark[SUBJECT_NAME_FORMS][CRYPTO_MAC_BYTES];
	uint8_t mid_all[SUBJECT_NAME_FORMS][1 << SUBJECT_MIDDLE_WORDS][CRYPTO_MAC_BYTES];
	uint8_t mid_sub[SUBJECT_NAME_FORMS][1 << SUBJECT_MIDDLE_WORDS][CRYPTO_MAC_BYTES];
	int n_middle[SUBJECT_NAME_FORMS];
	int n;
	/* The whole name's entries (SUBJECT_WHOLE_KIND), see below. */
	uint8_t whole[CRYPTO_MAC_BYTES];
	int has_whole;
	/* The short form's (kind SUBJECT_MIDDLE_KIND, see subject_resolve):
	 * short_key the card's, of its whole given name, its middle words
	 * and its family name's last word ("maria|garcia" of "María
	 * García"); short_sub[i] of n_short the subject's, of its whole
	 * given name and each choice of its middle words that ends with the
	 * last ("maria|garcia" of "María García López", and
	 * "maria|garcia", "maria|pilar garcia" of "María Pilar García
	 * López"). */
	uint8_t short_key[CRYPTO_MAC_BYTES];
	int has_short_key;
	uint8_t short_sub[1 << (SUBJECT_MIDDLE_WORDS - 1)][CRYPTO_MAC_BYTES];
	int n_short;
};
int subject_name_entries(const struct crypto_key *index_key, const char *name,
			 struct subject_name_entries *e) MUST_CHECK;
int subject_put_name_entries(struct catalog *c, const struct subject_name_entries *e,
			     const char *handle) MUST_CHECK;
int subject_drop_name_entries(struct catalog *c, const struct subject_name_entries *e,
			      const char *handle) MUST_CHECK;

/*
 * Whether the names of entries x and y (subject_name_entries) share a name
 * form and are two people by today's rules all the same: of every form
 * they share, their whole given names or their middle words disagree
 * ("José Luis" and "José Manuel Martínez Soto", one subject by the rules
 * before catalog schema 26).  1 or 0.
 */
int subject_entries_parted(const struct subject_name_entries *x, const struct subject_name_entries *y);
/* Whether the names of x and y are one person's by their entries alone:
 * a name form of each agrees, and of that form their whole given names
 * and middle words when both write them (as subject_resolve compares a
 * card with a subject that holds one name).  1 or 0. */
int subject_entries_agree(const struct subject_name_entries *x, const struct subject_name_entries *y);

/*
 * Put the entries of name, one a call of subject handle gave, as
 * subject_resolve took them (recctl subject reindex): those of the name's
 * own reading, or, when by those the subject would be someone else and
 * the name read with its given name and the word after it joined is one of
 * its whole given names ("Per Olof Ängström" of "Per-Olof Ängström"'s
 * subject), those of the joined reading alone.  Inside the caller's
 * transaction.  0, -ENOMEM, catalog errors.
 */
int subject_put_call_name(struct reg *r, const struct crypto_key *index_key, const char *name,
			  const char *handle) MUST_CHECK;

/*
 * The whole name (kind SUBJECT_WHOLE_KIND): what tells apart two people a
 * split showed to be two (rights_split_subject) whose name forms and whole
 * given names are one, whose middle words agree ("José Luis Martínez
 * Soto" and his father "José Martínez Soto" are both "j soto" and "jose
 * soto").  subject_name_entries sets, of a name that has a whole given
 * name, e->whole: the key of every word of the name folded
 * (subject_fold_name), in order, one space between them ("jose luis
 * martinez soto"; e->has_whole 1).  Put for a subject by
 * subject_put_whole_entries alone (a split puts them for both subjects,
 * a rectification of a split subject's name puts the new name's; ingest
 * never does), and never dropped but with the subject or by the next
 * split.  Of the subjects that may be a card's (subject_resolve), one
 * that holds the card's whole name weighs two more: a later call written
 * word for word as one of the two goes to that one's subject, while one
 * written otherwise ("José M. Martínez Soto", "Dr. José Luis Martínez
 * Soto") is weighed as before the split (of equals, the subject created
 * first).  Inside the caller's transaction.
 */
#define SUBJECT_WHOLE_KIND "whole"
int subject_put_whole_entries(struct catalog *c, const struct subject_name_entries *e,
			      const char *handle) MUST_CHECK;

/*
 * A new subject with card (sealed from level details_from up, as
 * subject_resolve seals a new card), under a fresh handle (never one a
 * subject had, nor one the audit log names) written to handle.  No index
 * entries: the caller puts those.  Inside the caller's transaction.  0,
 * -EEXIST (no free handle found), -ENOMEM, catalog and sealing errors.
 */
int subject_new_card(struct reg *r, const struct subject_card *card, int details_from,
		     char handle[CATALOG_HANDLE_MAX]) MUST_CHECK;

/*
 * Find the subject one of card's identifiers already names, or create a new
 * one (handle "S-" + 6 Crockford base32 characters, card sealed for levels
 * from details_from up, index entries for every identifier).  New
 * identifiers of a known subject are added to the index, and so are a new
 * subject's: a phone number, e-mail or reference that other subjects hold
 * is held by this one too (catalog_put_index), so that a person who
 * shares one is found by it again.  Must run inside the caller's catalog
 * transaction.
 *
 * Which subject: the one the e-mail names, else the reference, else the
 * phone number.  A reference or a phone number may be shared (a company's
 * customer number, a household's or a switchboard's line), and so may an
 * e-mail (a family's mailbox), but an e-mail is first taken for one
 * person's: a subject found by a reference or a phone
 * number is not this card's when the card has an e-mail and that subject
 * has another one (a new subject then, so that no right of one acts on
 * the other's data).  A subject found by any of them (an e-mail too: a
 * family's mailbox) is not this card's when the card has a name and that subject was
 * given names and none of this name's forms (subject_name_entries:
 * "Bertil Berg" is not "Anna Berg"; "Sarah Bowes Lyon" is "Sarah
 * Bowes-Lyon" by its second form); nor when, of every form of the card
 * that subject holds, the card's first word is a whole given name and
 * that subject was given whole names of that form and not this one
 * (subject_given_index: "Maija Meikäläinen" is not "Matti
 * Meikäläinen"), or holds it and names of it with middle words, and
 * neither the card's middle words are some of one of those's, in order,
 * nor one of those's some of the card's (subject_name_entries' mid_*:
 * "José Manuel Martínez Soto" is not "José Luis Martínez Soto", while
 * "José Martínez Soto" is either, and a subject indexed before catalog
 * schema 26 holds no middle words and agrees with any).  A card of an
 * initial alone ("M. Meikäläinen") is
 * told apart from no subject of its form: when two may be it (Matti and
 * Maija on one line), the weighing below takes the one holding more of
 * the card's identifiers, and of equals the one created first.  A
 * subject of the form given no whole name yet (all its calls said "M.
 * Meikäläinen") takes the first whole name a card of it gives.  A subject in taken (the n_taken handles the same
 * manifest gave its other people) is never this card's either.  Every
 * holder of the identifier is weighed, not only the first: of those that
 * may be this card's, the one holding most of the card's other
 * identifiers (a whole name a split gave it, SUBJECT_WHOLE_KIND, the
 * card's word for word, weighs two: "José Martínez Soto" split from his
 * son "José Luis Martínez Soto" goes to his own subject), and of equals
 * the one created first
 * (catalog_index_holders' order), so the same register and card give the
 * same subject every time.  When none may be by its name, the card's
 * short form (subject_name_entries' short_key: "María García") finds the
 * one subject, not in taken, that holds it among its short_sub, the
 * card's e-mail (a card without one finds none so) and its reference, if
 * it gives one; none when two do.  The subject takes the card's
 * entries: its identifiers, its name form, its whole given name (both
 * entries of subject_given_index) and its middle words; found by the
 * short form (*short_form 1, when short_form is not NULL), its
 * identifiers alone.
 */
/* The key a recording's details give a subject entry that subject_resolve
 * found by the short form alone (true): its name is none of the subject's
 * (rights.c's reindex and split put no entries of it), until a merge or
 * a split moves the recording to another subject. */
#define SUBJECT_SHORT_FORM_KEY "short"
/* The key a merge gives a subject entry of a recording's details that it
 * made the kept subject's: the handle the entry had (the first merge's,
 * kept through later ones).  A split that undoes the merge (--merged)
 * finds by it the person's entry in a call both were in, whose link the
 * merge dropped, and links the call to the person again; a split that
 * names the recording drops it. */
#define SUBJECT_MERGED_FROM_KEY "merged_from"
int subject_resolve(struct reg *r, const struct crypto_key *index_key, const struct subject_card *card,
		    int details_from, const char (*taken)[CATALOG_HANDLE_MAX], size_t n_taken,
		    char handle[CATALOG_HANDLE_MAX], int *created, int *short_form) MUST_CHECK;

/*
 * Look up the subjects holding one identifier of the given kind ("phone",
 * "email", "ref"): their handles are appended to out (idlist_free), the
 * first holder first (catalog_index_holders); more than one when the
 * identifier is shared.  0; -ENOENT when none (out unchanged); -EINVAL when
 * value is no identifier of kind (subject_normalise); catalog errors.
 */
int subject_find_all(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		     struct idlist *out) MUST_CHECK;
/*
 * The catalog's mark that its blind index was made by an earlier rule or
 * country code: set by the catalog's upgrade to schema 11 and by `recctl
 * policy apply` of a new phone_country_code, dropped by rights_reindex.
 * Lookups meanwhile also try the forms of the rule before (prev_mac), but
 * a card's identifiers are found by today's rule only once reindexed.
 * subject_reindex_advised: 1 and *why (malloc'd) when the mark is set,
 * 0 when not, or a catalog error.
 */
#define SUBJECT_REINDEX_META "subject_reindex"
int subject_reindex_advised(struct reg *r, char **why) MUST_CHECK;

/* subject_find_all's first holder alone: the subject created first of
 * those holding the identifier; -ENOENT when none. */
int subject_find(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		 char handle[CATALOG_HANDLE_MAX]) MUST_CHECK;

/*
 * A card holds its subject's handle under this key, sealed with it (cards
 * an older recfs made do not): the subject row's card column is root's to
 * change, so an export reading another subject's card is told
 * (subject_card_of).
 */
#define SUBJECT_CARD_HANDLE "handle"
/* 1 when card (its JSON) is handle's, 0 when another's, -1 when it names
 * none. */
int subject_card_of(const json_t *card, const char *handle);
/*
 * Whether card (the record card_id, parsed; NULL: not read) is another
 * subject's than handle's: 1 when it names another handle; when it names
 * none (a card an older recfs made) or was not read, 1 when another
 * subject's row points at the record too (root pointed a row there: fsck
 * names both); else 0.  Catalog errors.  The commands that change or show
 * a card and the export refuse such a card (EIO).  The row check reads
 * every subject row (no index on the card column).
 */
int subject_card_theirs(struct reg *r, const char *handle, const char *card_id, const json_t *card) MUST_CHECK;
/*
 * A card holds, sealed under this key, the handles of the subjects merged
 * into its own (rights_merge_subjects: from, and those merged into from
 * before), each once; a new card an empty list.  The subject's export
 * takes the person's earlier handles from it, not from the audit log's
 * merge-subject entries, which root can append (atk52 F5).  A card an
 * older recfs made has no list.
 */
#define SUBJECT_CARD_MERGED "merged_from"
/* The handles card (its JSON) lists as merged into its subject, added to
 * out: 1; 0 when the card has no list (an older recfs's); -EIO, said, when
 * the list is not one of handles. */
int subject_card_merged(const json_t *card, struct idlist *out) MUST_CHECK;

/* Card JSON of a subject as level, or as the highest level of kr that has
 * a seal on it when level is NULL (see seal_read_record); -EIO, said, when
 * the card record is another subject's (it names another handle, or
 * another subject's row points at it too: changed by hand, atk58 F4). */
int subject_read_card(struct reg *r, const struct keyring *kr, const char *level, const char *handle,
		      char **json, size_t *len) MUST_CHECK;

/*
 * Objection (Art. 21).  An objection applies to processing based on
 * legitimate interests (Art. 6(1)(f)) or a public task (6(1)(e)); a
 * recording on another basis is not touched by one (consent is withdrawn
 * instead, retention.h).  What an objection does to recordings is
 * rights.h's (rights_object); these are the rule and the lookup.
 *
 * subject_basis_objectable: 1 when a recording of legal basis `basis` is
 * one an objection applies to, else 0 (also for NULL).
 * subject_purpose_objectable: 1 when a recording of purpose (an index into
 * p->purposes) may have such a basis (its legal_basis, one of its
 * allowed_bases, or that of a source of it), else 0 (also out of
 * range).  (no catalog)
 */
int subject_basis_objectable(const char *basis);
int subject_purpose_objectable(const struct policy *p, int purpose);
/*
 * 1 when subject handle has a standing objection to purpose (a purpose's
 * name), 0 when not; catalog errors (catalog_get_objection).  (catalog,
 * read: the caller serialises it as any catalog call.)
 */
int subject_objects_to(struct reg *r, const char *handle, const char *purpose) MUST_CHECK;

#endif
