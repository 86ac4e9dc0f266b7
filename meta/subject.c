/*
 * subject.c - handles, cards and the blind index.  A handle carries no
 * information about the person; a card is a sealed record; an index entry
 * is a keyed BLAKE2b of a normalised identifier, so matching needs the
 * ingest keyring's index key and the catalog alone reveals nothing.
 *
 * A name is no identifier and is never looked up: its name form (the
 * initial and the family name) and, when written whole, its given name
 * and family name are in the index only to tell apart people who share a
 * number (subject_resolve).  Name search opens the cards and compares
 * folded forms (subject_fold_name), with libunistring's case folding and
 * decomposition, so that what a user types on any keyboard, in any locale
 * (CI runs with LANG unset), finds the name as the manifest spelled it.
 * Every folded copy is wiped before it is freed.  E-mails and references
 * are put in lower case for the index by the same library
 * (subject_normalise) and keep their marks: "Öystilä" and "oystila" are
 * two addresses, "ÖYSTILÄ" and "öystilä" one, and so are "faß" and "fass"
 * two (full case folding would make them one).  A reference is read by
 * its letters, digits and symbols (ref_separator): "19121212-1212" and
 * "191212121212" are one.
 *
 * An objection is a row naming a handle and a purpose (catalog.h); which
 * bases it reaches is decided here and nowhere else.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "jsonmem.h"
#include "seal.h"
#include "subject.h"

/* An e-mail address by its shape alone: one '@' with text on both sides
 * and no white space.  Which domains exist is not ours to know. */
static int is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\n\v\f\r");
}

/*
 * An e-mail or reference from p (leading white space skipped) into out:
 * in lower case (Unicode's mapping, canonical composition, no locale),
 * trailing white space trimmed; -EINVAL when that does not fit in out.
 * v1 is the rule of registers before Unicode lower case: ASCII letters
 * lowered, every other byte kept, cut to what out holds (as that rule
 * cut), no shape checked.  For ASCII text the two agree byte for byte.
 * The lowered copy is wiped.
 */
static int normalise_text(const char *kind, const char *p, int v1, char *out, size_t outlen)
{
	size_t n = strlen(p), flen = 0, k = 0;
	uint8_t *folded = NULL;
	int rc = 0;

	if (v1) {
		for (; *p && k + 1 < outlen; p++)
			out[k++] = (char)tolower((unsigned char)*p);
	} else {
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (!util_utf8_valid(p, n))
			return -EINVAL;
		if (n) {
			folded = u8_tolower((const uint8_t *)p, n, NULL, UNINORM_NFC, NULL, &flen);
			if (!folded)
				return errno == ENOMEM ? -ENOMEM : -EINVAL;
		}
		if (flen > outlen - 1) {
			crypto_freezero(folded, flen);
			crypto_memzero(out, outlen);
			return -EINVAL;	/* never cut: see subject.h */
		}
		k = flen;
		if (k)
			memcpy(out, folded, k);
	}
	while (k && isspace((unsigned char)out[k - 1]))
		k--;
	out[k] = '\0';
	crypto_freezero(folded, flen);
	if (!k || (!v1 && !strcmp(kind, "email") && !is_email(out)))
		rc = -EINVAL;
	if (rc)
		crypto_memzero(out, outlen);
	return rc;
}

/* p past the URI scheme prefix (any case) it starts with, else NULL. */
static const char *past_prefix(const char *p, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(p, prefix, n) ? NULL : p + n;
}

/*
 * The parameters of a tel: URI (from p to end, each after a ';') or of a
 * SIP user part that tell two people behind one number apart, into
 * *suffix (malloc'd, NULL when none): ";ext=DIGITS", ";isub=TEXT" and,
 * for a local number (local), ";ctx=CONTEXT" (a global number's '+' and
 * digits, or a domain in lower case), in that order whatever order they
 * were written in.  A suffix is no digit string: no plain number, nor
 * another number with the extension's digits after it ("tel:+358-9-1234;
 * ext=5678" is not +358 9 1234 5678), can have the form it ends.
 * -ENOMEM.
 */
static int person_params(const char *p, const char *end, int local, char **suffix)
{
	static const char *const names[] = { "ext", "isub", "phone-context" };
	static const char *const tags[] = { ";ext=", ";isub=", ";ctx=" };
	struct strbuf b = { 0 };

	*suffix = NULL;
	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++) {
		for (const char *q = p; q < end; q++) {
			size_t n = strlen(names[k]), len;
			const char *v;

			if (*q != ';' || (size_t)(end - q - 1) <= n || strncasecmp(q + 1, names[k], n) || q[1 + n] != '=')
				continue;
			if (k == 2 && !local)
				break;	/* a global number's context names no one */
			v = q + 2 + n;
			len = strcspn(v, ";");
			if (v + len > end)
				len = (size_t)(end - v);
			strbuf_addf(&b, "%s", tags[k]);
			for (size_t i = 0; i < len; i++) {
				unsigned char ch = (unsigned char)v[i];

				if (k == 0 && !isdigit(ch))
					continue;	/* visual separators of its digits */
				if (k == 2 && *v == '+' && i && !isdigit(ch))
					continue;
				strbuf_addchars(&b, (char)tolower(ch), 1);
			}
			break;
		}
	}
	*suffix = b.s;
	return 0;
}

/*
 * 1 when the international number begun in c (n bytes, after its + or
 * 00) is of a country whose national numbers begin with 0 (Italy, San
 * Marino, the Vatican: 0331 234 5678 is +39 0331 234 5678): "+39 (0)331"
 * writes that 0, a digit of the number, not a trunk prefix.
 */
static int zero_is_a_digit(const char *c, size_t n)
{
	static const char *const keep[] = { "39", "378", "379" };
	char d[4];
	size_t k = 0, i = c[0] == '+' ? 1 : 2;

	for (; i < n && k < sizeof(d) - 1; i++)
		if (isdigit((unsigned char)c[i]))
			d[k++] = c[i];
		else if (c[i] != ' ' && c[i] != '-' && c[i] != '.')
			return 0;
	d[k] = '\0';
	for (size_t j = 0; j < sizeof(keep) / sizeof(*keep); j++)
		if (!strcmp(d, keep[j]))
			return 1;
	return 0;
}

/* What a phone number's text holds: its decimal digits of any script
 * (Arabic-Indic "٠٤٠", fullwidth "０４０": strip_forms reads them as
 * 0-9), how many of them are not 0, and whether a letter is among them. */
struct phone_text {
	size_t digits, nonzero;
	int letters;
};

static void phone_text(const char *text, struct phone_text *t)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t left = strlen(text);

	*t = (struct phone_text){ 0 };
	while (left) {
		ucs4_t c;
		int n = u8_mbtouc(&c, p, left), v = uc_decimal_value(c);

		t->letters |= uc_is_alpha(c) != 0;
		t->digits += v >= 0;
		t->nonzero += v > 0;
		p += n;
		left -= (size_t)n;
	}
}

int subject_may_be_phone(const char *text)
{
	struct phone_text t;

	if (past_prefix(text, "tel:") || past_prefix(text, "sip:") || past_prefix(text, "sips:"))
		return 1;
	phone_text(text, &t);
	return t.letters ? t.digits >= SUBJECT_PHONE_WORDED_DIGITS : t.digits > 0;
}

/*
 * Whether c is what separates the parts of a reference, not one of them:
 * white space (the no-break spaces too), punctuation (Unicode's general
 * category P: '-' and every dash, '.', '/', '_', '#', brackets, quotes),
 * the minus sign a word processor may give for '-', and what writes no
 * character (a soft hyphen, a zero-width space, a control).  Letters,
 * digits and symbols stay: '+' is a part of a personal identity number
 * (the century of 121212+1212 in Sweden, of 131052+308T in Finland), so
 * "121212+1212" is not "121212-1212".  Not NFKC: a full-width digit is
 * another character, as in e-mails (a word for none is compared in its
 * NFKC form, text_refusal).
 */
static int ref_separator(ucs4_t c)
{
	return c == 0x2212 || uc_is_general_category_withtable(c, UC_CATEGORY_MASK_Z | UC_CATEGORY_MASK_P |
								    UC_CATEGORY_MASK_Cc | UC_CATEGORY_MASK_Cf);
}

/*
 * A reference's letters, digits and symbols, in the order written, into
 * *copy (malloc'd; the caller wipes and frees it): ref_separator's
 * characters go, and so does a combining mark written on one of them.
 * *copy NULL when in is not well-formed UTF-8 (normalise_text refuses it
 * then).  -ENOMEM.
 */
static int ref_letters(const char *in, char **copy)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t left = strlen(in), n = 0;
	int dropped = 0;
	char *c;

	*copy = NULL;
	if (u8_check(p, left))
		return 0;
	if (!(c = malloc(left + 1)))
		return -ENOMEM;
	while (left) {
		ucs4_t u;
		int k = u8_mbtouc(&u, p, left);

		/* a mark goes with the character it is written on */
		if (!uc_is_general_category_withtable(u, UC_CATEGORY_MASK_M))
			dropped = ref_separator(u);
		if (!dropped) {
			memcpy(c + n, p, (size_t)k);
			n += (size_t)k;
		}
		p += k;
		left -= (size_t)k;
	}
	c[n] = '\0';
	*copy = c;
	return 0;
}

/*
 * The written forms of one identifier that are not its text, as
 * subject_normalise's comment lists them, into a copy: *copy is what the
 * rule goes on from (malloc'd, the caller wipes and frees it), or NULL
 * when in is used as it is; *suffix what tells two people behind that
 * number apart (person_params), or NULL.  -ENOMEM.
 */
static int strip_forms(const char *kind, const char *in, char **copy, char **suffix)
{
	const char *p, *end;
	char *c;
	size_t n;

	*copy = NULL;
	*suffix = NULL;
	if (!strcmp(kind, "phone")) {
		int sip = 0;

		if ((p = past_prefix(in, "tel:")) || (sip = 1, p = past_prefix(in, "sips:")) ||
		    (p = past_prefix(in, "sip:"))) {
			/* The parameters of a tel: URI, or of a SIP user part
			 * (sip:+358-9-1234;ext=101@pbx;user=phone, RFC 3261
			 * 19.1.6), up to the host. */
			const char *params_end = sip ? p + strcspn(p, "@") : p + strlen(p);

			end = p + strcspn(p, sip ? "@;" : ";");
			if (sip && *p != '+')
				return -EINVAL;	/* sip:101@pbx-a: a line of one PBX, no number */
			/* Only what names no one else goes: an extension, a
			 * subaddress or a local number's context tells two
			 * people behind one switchboard apart, and is kept
			 * (person_params). */
			if (person_params(end, params_end, *p != '+', suffix))
				return -ENOMEM;
		} else {
			p = in, end = in + strlen(in);
		}
		if (!(c = malloc((size_t)(end - p) + 1))) {
			free(*suffix);
			*suffix = NULL;
			return -ENOMEM;
		}
		/* "+46 (0)8 ...": the trunk prefix written beside the
		 * international form, dropped when the number is international */
		n = 0;
		for (const char *q = p; q < end; q++) {
			const char *z = q + 1;

			if ((unsigned char)*q >= 0x80) {
				/* a digit of another script is its 0-9 (shorter
				 * than its UTF-8); any other character as it is */
				ucs4_t u;
				int k = u8_mbtouc(&u, (const uint8_t *)q, (size_t)(end - q)), v = uc_decimal_value(u);

				if (v >= 0) {
					c[n++] = (char)('0' + v);
				} else if (u == 0xff0b) {	/* the fullwidth plus (atk46 F6) */
					c[n++] = '+';
				} else {
					memcpy(c + n, q, (size_t)k);
					n += (size_t)k;
				}
				q += k - 1;
				continue;
			}
			if (*q == '(' && n && (c[0] == '+' || (c[0] == '0' && n > 1 && c[1] == '0')) &&
			    !zero_is_a_digit(c, n)) {
				z += strspn(z, " ");
				if (*z == '0') {
					z += 1 + strspn(z + 1, " ");
					if (*z == ')') {
						q = z;
						continue;
					}
				}
			}
			if (!isspace((unsigned char)*q) || n)
				c[n++] = *q;
		}
		c[n] = '\0';
		*copy = c;
		return 0;
	}
	if (!strcmp(kind, "ref"))
		return ref_letters(in, copy);
	if (strcmp(kind, "email"))
		return 0;
	if ((p = past_prefix(in, "mailto:")))
		n = strcspn(p, "?");	/* "?subject=...": the URI's, not the address's */
	else
		p = in, n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= 2 && p[0] == '<' && p[n - 1] == '>')
		p++, n -= 2;
	/* the domain's root: "kyla.fi." is "kyla.fi" */
	if (n >= 2 && p[n - 1] == '.' && memchr(p, '@', n) && p[n - 2] != '@' && p[n - 2] != '.')
		n--;
	if (!(c = malloc(n + 1)))
		return -ENOMEM;
	memcpy(c, p, n);
	c[n] = '\0';
	*copy = c;
	return 0;
}

/*
 * How a national number is written in the country of calling code cc:
 * the trunk prefix dialled before it inside the country and dropped from
 * its international form.  Most countries' is 0 (040 264 2312 is
 * +358 40 264 2312), and those are not listed.  Where there is none, a
 * national number is its international form without the country code
 * (Denmark: 33 12 34 56 is +45 33 12 34 56; Italy keeps its 0: 06 1234
 * 5678 is +39 06 1234 5678); so it is read only when it has at least
 * NATIONAL_MIN_DIGITS digits, which no extension of a switchboard has.
 * North America's is 1, and a national number there is also written
 * without it (ten digits, the first 2 to 9); its international prefix is
 * 011.  Hungary's is 06.  From the ITU-T's national numbering plans.
 */
#define NATIONAL_MIN_DIGITS 6
static const struct trunk {
	const char *cc, *trunk;
} trunks[] = {
	{ "1", "1" },	  { "30", "" },	  { "34", "" },	  { "36", "06" },  { "39", "" },   { "45", "" },
	{ "47", "" },	  { "48", "" },	  { "298", "" },  { "299", "" },   { "350", "" },  { "351", "" },
	{ "352", "" },	  { "354", "" },  { "356", "" },  { "357", "" },   { "371", "" },  { "372", "" },
	{ "376", "" },	  { "377", "" },  { "378", "" },  { "379", "" },   { "420", "" },
};

static const char *trunk_of(const char *cc)
{
	for (size_t i = 0; i < sizeof(trunks) / sizeof(trunks[0]); i++)
		if (!strcmp(trunks[i].cc, cc))
			return trunks[i].trunk;
	return "0";
}

/*
 * A number written without + or 00 in the country of calling code cc:
 * how many of its first digits to drop and whether cc goes before the
 * rest (*national), or *skip digits of an international prefix (then
 * the rest is international).  0 when it is neither: it stays as written.
 * zero_trunk: every country's trunk prefix taken for 0, as the rule
 * before this table did (prev_mac).
 */
static int read_national(const char *p, const char *cc, int zero_trunk, size_t *skip, int *national)
{
	const char *trunk = zero_trunk ? "0" : trunk_of(cc);
	char first[4] = "";
	size_t nd = 0, k = 0;

	for (; *p; p++)
		if (isdigit((unsigned char)*p) && nd++ < 3)
			first[k++] = *p;
	first[k] = '\0';
	*national = 0;
	if (nd >= 2 && !strncmp(first, "00", 2))
		return *skip = 2, 1;		/* 0 0 46 ...: international */
	if (!zero_trunk && !strcmp(cc, "1") && nd > 3 && !strcmp(first, "011"))
		return *skip = 3, 1;
	*national = 1;
	*skip = 0;
	if (!*trunk)
		return nd >= NATIONAL_MIN_DIGITS;
	if (!zero_trunk && !strcmp(cc, "1")) {
		/* the ten digits, or 1 and the ten digits: anything else (an
		 * extension 101 or 1234, a local 555-0100) stays as written */
		if (nd == 10 && first[0] >= '2')
			return 1;
		if (nd != 11 || first[0] != '1')
			return 0;
		*skip = 1;
		return 1;
	}
	*skip = strlen(trunk);
	if (nd > *skip && !strncmp(first, trunk, *skip))
		return 1;
	*skip = 0;
	return 0;
}

/* subject_normalise of in once strip_forms has read its written form
 * (zero_trunk: read_national's). */
static int normalise_one(const char *kind, const char *in, const char *country_code, int zero_trunk, char *out,
			 size_t outlen)
{
	size_t n = 0, skip = 0;
	const char *p = in, *cc = NULL;

	if (country_code && (strlen(country_code) < 1 || strlen(country_code) > 3 ||
			     strspn(country_code, "0123456789") != strlen(country_code)))
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (!strcmp(kind, "phone")) {
		int national;

		if (p[0] == '0' && p[1] == '0') {
			out[n++] = '+';
			p += 2;
		} else if (*p == '+') {
			out[n++] = '+';
			p++;
		} else if (country_code && read_national(p, country_code, zero_trunk, &skip, &national)) {
			/* international by its digits, or national */
			out[n++] = '+';
			if (national)
				cc = country_code;
		}
		for (; cc && *cc; cc++) {
			if (n + 1 >= outlen)
				goto too_long;
			out[n++] = *cc;
		}
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				continue;
			if (skip) {
				skip--;
				continue;
			}
			if (n + 1 >= outlen)
				goto too_long;
			out[n++] = *p;
		}
		out[n] = '\0';
		return (n == 0 || (n == 1 && out[0] == '+')) ? -EINVAL : 0;
too_long:
		crypto_memzero(out, outlen);
		return -EINVAL;	/* never cut: see subject.h */
	}
	return normalise_text(kind, p, 0, out, outlen);
}

/*
 * Whether a given name (folded, len bytes) is written whole: not
 * abbreviated (dot 0: no '.' right after it) and each of its parts that
 * '-' joins at least two letters long ("anna-liisa"; "a-l", "anna-l" and
 * "m" are initials).  Letters are UTF-8 characters: the folded "ä" is one.
 */
static int whole_given(const char *w, size_t len, int dot)
{
	size_t chars = 0;

	if (dot)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || w[i] == '-') {
			if (chars < 2)
				return 0;
			chars = 0;
		} else if ((w[i] & 0xc0) != 0x80) {
			chars++;
		}
	}
	return 1;
}

/* Whether the len bytes at w are one of the n words of list. */
static int word_in(const char *const *list, size_t n, const char *w, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !memcmp(list[i], w, len))
			return 1;
	return 0;
}
#define WORD_IN(list, w, len) word_in((list), sizeof(list) / sizeof((list)[0]), (w), (len))

/*
 * Whether the folded word w (len bytes) is a form of address written
 * before a name ("Mr", "Mrs", "Dr.", "Herra", "Frau", "Mw.", "Mej.", ...)
 * or a Dutch degree written as one ("drs.", "ir.", "bc."): not the
 * person's given name, which is the word after it.  Letters past a
 * trailing '.' are not looked at: the caller passes the word without it.
 */
static int is_title(const char *w, size_t len)
{
	static const char *const titles[] = {
		"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev",
		"herr", "frau", "hr", "fr", "fru", "frk", "froken", "herra", "rouva", "neiti", "tri",
		"hra", "rva", "nti",	/* herra, rouva, neiti written short (bb16 F2) */
		"mme", "mlle", "mevr", "mw", "mej", "dhr", "sr", "sra", "srta", "dott",
		"monsieur", "madame", "mademoiselle", "meneer", "mevrouw", "mejuffrouw", "senor", "senora", "senorita",
		/* Dutch degrees, written before the name as Dr. is, with or
		 * without their full stop: "drs. S. de Vries", "ir J. Berg" */
		"drs", "ir", "bc",
		"signor", "signora", "signorina", "heer",
	};

	return WORD_IN(titles, w, len);
}

/*
 * The one form of a form of address that several languages write (folded
 * w, len bytes): "mr" for Monsieur, Herr, Herra, Meneer, Señor, ...;
 * "mrs" for Madame, Mme, Frau, Rouva, ...; "miss" for Mademoiselle, Mlle,
 * Fröken, Neiti, ...; NULL for the others, which stay as written.  So
 * "Madame Morel" is "Mme Morel", and "Monsieur Leroy" "Herr Leroy".
 */
static const char *title_canon(const char *w, size_t len)
{
	static const char *const forms[][2] = {
		{ "mr", "mr" }, { "herr", "mr" }, { "hr", "mr" }, { "herra", "mr" }, { "hra", "mr" }, { "monsieur", "mr" },
		{ "meneer", "mr" }, { "heer", "mr" }, { "dhr", "mr" }, { "sr", "mr" }, { "senor", "mr" }, { "signor", "mr" },
		{ "mrs", "mrs" }, { "frau", "mrs" }, { "fru", "mrs" }, { "rouva", "mrs" }, { "rva", "mrs" }, { "madame", "mrs" },
		{ "mme", "mrs" }, { "mevrouw", "mrs" }, { "mevr", "mrs" }, { "mw", "mrs" }, { "sra", "mrs" },
		{ "senora", "mrs" },
		{ "signora", "mrs" },
		{ "miss", "miss" }, { "frk", "miss" }, { "froken", "miss" }, { "neiti", "miss" }, { "nti", "miss" },
		{ "mademoiselle", "miss" }, { "mlle", "miss" }, { "srta", "miss" }, { "senorita", "miss" },
		{ "signorina", "miss" }, { "mej", "miss" }, { "mejuffrouw", "miss" },
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strlen(forms[i][0]) == len && !memcmp(forms[i][0], w, len))
			return forms[i][1];
	return NULL;
}

/*
 * Whether the folded word w (len bytes, its full stop not in it) is a part
 * of an academic degree written before a name, cut short ("Dr. med.",
 * "Dr. rer. nat.", "Dipl.-Ing.", "Dr.-Ing.", "Mag."): not the person's
 * given name.  A list, not every word cut short: "Jos.", "Chr." and "Wm."
 * are given names written short.
 */
static int is_degree(const char *w, size_t len)
{
	static const char *const degrees[] = {
		"med", "rer", "nat", "pol", "oec", "phil", "jur", "dent", "vet", "theol", "habil", "mult",
		"techn", "sc", "agr", "dipl", "ing", "-ing", "mag", "lic", "univ",
	};

	return WORD_IN(degrees, w, len);
}

/*
 * Whether the folded word w (len bytes) is a particle of a family name, a
 * word written before it ("van der Berg", "'t Hart", "von Bülow", "de la
 * Tour", "el Amrani", "af Klint"), never a given name: a form of address
 * before one is not read past to it ("Mw. el Amrani" is "mrs amrani", not
 * the "e amrani" of Ella), and the words before a comma may be particles
 * and the family name ("Van der Berg, Jan").  Words that are given names
 * too ("Al", "Ben", "Des", "Del") are not in the list: "Mr Des Smith" is
 * "d smith".
 */
/*
 * The one form of "Saint" before a family name (folded w, len bytes, its
 * full stop not in it): "st" for "St", "St." and "Saint", "ste" for "Ste"
 * and "Sainte" (Saint and Sainte are two names: "Sainte-Beuve" is no
 * "Saint-Beuve"); NULL for other words.  British, Irish and French family
 * names are written with it three ways ("St John", "St. John", "Saint
 * John"; "Saint-Exupéry", "St-Exupéry"): a particle (is_particle), one
 * form wherever a name is compared.
 */
static const char *saint_canon(const char *w, size_t len)
{
	if ((len == 2 && !memcmp(w, "st", 2)) || (len == 5 && !memcmp(w, "saint", 5)))
		return "st";
	if ((len == 3 && !memcmp(w, "ste", 3)) || (len == 6 && !memcmp(w, "sainte", 6)))
		return "ste";
	return NULL;
}

static int is_particle(const char *w, size_t len)
{
	static const char *const particles[] = {
		"van", "vd", "der", "den", "de", "het", "'t", "ter", "ten", "te", "in", "op", "von", "vom",
		"zu", "zum", "zur", "du", "la", "le", "di", "da", "della", "dos", "das",
		"af", "av", "el",
	};

	/* "Olivia St John", "St John, Olivia" (bb11 F2): Saint before a
	 * family word is of the family name, never the given name after a
	 * form of address ("Mr St John" is "mr john"); the first word of a
	 * name stays its given name ("St John Smith", rare in Britain, is "s
	 * smith", as before). */
	return WORD_IN(particles, w, len) || saint_canon(w, len) != NULL;
}

/*
 * Whether the last k folded words (each of len[i] bytes at p[i], dotted[i]
 * when a '.' follows it) are a degree written after the name: "MSc",
 * "BSc", "PhD", "LLM", "LLB", "MPhil" as one word, or any of those and
 * "M.A.", "B.A.", "M.B.A." in letters each with its full stop ("Ph.D.",
 * "M.Sc.": no family name ends in a full stop).  "MA", "BA", "MBA" and
 * "RA" written as a word are family names too (Ma, Ba, Mba, Ra): they stay
 * the last word, and so do "Jr." and "Sr." (John Smith Jr. is not John
 * Smith).
 */
static int is_postnominal(const char *const *p, const size_t *len, const int *dotted, size_t k)
{
	static const char *const word[] = { "msc", "bsc", "phd", "llm", "llb", "mphil" };
	static const char *const letters[] = { "msc", "bsc", "phd", "llm", "llb", "mphil", "ma", "ba", "mba" };
	char joined[16];
	size_t n = 0;

	if (k == 1 && !dotted[0] && WORD_IN(word, p[0], len[0]))
		return 1;
	for (size_t i = 0; i < k; i++) {
		if (!dotted[i] || n + len[i] >= sizeof(joined))
			return 0;
		memcpy(joined + n, p[i], len[i]);
		n += len[i];
	}
	return WORD_IN(letters, joined, n);
}

/*
 * How many words a name in the original case (in, UTF-8) begins with that
 * are written in capitals, when a word with a capital and small letters
 * follows them: "DUPONT Jean", "DE LA TOUR Marie", the family name first as French and
 * administrative forms write it; else 0 ("Jean DUPONT", "ANNA BERG",
 * "M. Dupont", "AL Lehto", "A-L Lehto", "MAIJA berg").  A word in capitals has no small
 * letter and no part ('-' joins them) of one letter, and the last of them
 * has three letters or more: initials are not a family name.  Words are
 * cut as normalise_name cuts the folded name, which has `words` of them:
 * 0 when this gives another count (a character whose fold is a separator,
 * a word of no letter).  The first skip words (forms of address: "Mme
 * DUPONT Marie") are passed over, and not counted in what it returns.
 */
static size_t capitals_first(const char *in, size_t words, size_t skip)
{
	static const char sep[] = " \t\n\r\f\v.,";
	size_t n = 0, run = 0, depth = 0, last = 0;
	int open = 1, next_given = 0;

	for (const char *p = in; *p;) {
		size_t len = strcspn(p, sep), letters = 0, small = 0, part = 0, shortest = SIZE_MAX;
		int comma, capital = 0;

		if (len == 0) {
			p++;
			continue;
		}
		for (size_t i = 0; i <= len;) {
			ucs4_t c = 0;
			int k = i < len ? u8_mbtouc(&c, (const uint8_t *)p + i, len - i) : 1;

			/* what stands in parentheses is no part of the name */
			depth += c == '(';
			if (!depth && uc_is_alpha(c)) {
				capital |= !letters && uc_is_upper(c);
				letters++;
				part++;
				small += uc_is_lower(c);
			} else if (!depth && (c == '-' || i == len)) {
				shortest = part < shortest ? part : shortest;
				part = 0;
			}
			depth -= depth && c == ')';
			i += (size_t)k;
		}
		p += len;
		comma = p[strspn(p, " \t\n\r\f\v")] == ',';
		if (!letters)
			continue;	/* "(Acme)" */
		n++;
		if (n <= skip)
			continue;
		if (open && !small && shortest >= 2) {
			run++;
			last = letters;
		} else {
			next_given |= open && small && capital;
			open = 0;
		}
		if (comma && n >= 2)
			break;
	}
	return run && last >= 3 && next_given && n == words ? run : 0;
}

/*
 * Whether the folded word w (len bytes, its apostrophes not counted) is an
 * Irish or Scottish particle that a family name is written with, apart or
 * joined: "O" (Ó), "Mac", "Mc", "Ní", "Nic", "Ua", "Uí".  Written apart
 * before the family name ("O Brien", "Ó Súilleabháin", "Mac Donald", "Ní
 * Bhriain"), and not the given name, it is a part of it (read_name).
 */
static int is_irish_particle(const char *w, size_t len)
{
	static const char *const particles[] = { "o", "mac", "mc", "ni", "nic", "ua", "ui" };
	char b[3];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (w[i] == '\'')
			continue;
		if (n == sizeof(b))
			return 0;
		b[n++] = w[i];
	}
	return WORD_IN(particles, b, n);
}

/* Copy the len bytes at p to o, without apostrophes (o <= p: in place);
 * how many it wrote. */
static size_t copy_unquoted(char *o, const char *p, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		if (p[i] != '\'')
			o[k++] = p[i];
	return k;
}

/* A name read into words (read_name): f is the folded name the words
 * point into (crypto_free_string); given and family index w. */
enum { NAME_MAX_WORDS = 16 };
struct name_read {
	char *f;
	struct name_word {
		const char *p;
		size_t len;
		int dot, comma, abbr, stop;
	} w[NAME_MAX_WORDS];
	size_t words, given, family;
	int addr;
};

/*
 * A name rewritten into b (any: some of it was): handed over in *out, or
 * NULL when nothing was rewritten and b is wiped and freed.  0, or
 * -ENOMEM when b could not grow.
 */
static int rewritten(struct strbuf *b, int any, char **out)
{
	if (any && !b->s)
		return -ENOMEM;
	if (any)
		*out = strbuf_detach(b);
	else if (b->s)
		crypto_free_string(strbuf_detach(b));
	return 0;
}

/* The bytes that may stand before and after a word spanish_short_forms
 * rewrites. */
#define SPANISH_WORD_END " \t\n\r\f\v,()"

/*
 * The length of the Spanish form of address Doña at p, written with its ñ
 * ("Doña", "Dña", either with a full stop, in any case) or with the
 * ordinal sign ª ("Dª", "D.ª"), as a word of its own, else 0.  Written without them ("Dona", "Da") it is
 * also an English given name and a particle, and stays one (atk35 F3).
 */
static size_t dona_at(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = 0;

	if (*u != 'D' && *u != 'd')
		return 0;
	n = 1;
	if (u[n] == '.' && u[n + 1] == 0xc2 && u[n + 2] == 0xaa) {	/* D.ª */
		n += 3;
	} else if (u[n] == 0xc2 && u[n + 1] == 0xaa) {		/* Dª */
		n += 2;
	} else {
		if (u[n] == 'o' || u[n] == 'O')
			n++;
		if (u[n] != 0xc3 || (u[n + 1] != 0xb1 && u[n + 1] != 0x91))	/* ñ, Ñ */
			return 0;
		n += 2;
		if (u[n] != 'a' && u[n] != 'A')
			return 0;
		n++;
	}
	n += u[n] == '.';
	return !u[n] || strchr(SPANISH_WORD_END, u[n]) ? n : 0;
}

/*
 * in with the Spanish forms written short or with ñ written as recfs reads
 * them: "Mª" and "M.ª" (María) as "María", Doña in any of dona_at's
 * writings as "Sra." (Señora, a form of address it knows: "Dña. María
 * García López" is María, never her brother David on the family line,
 * bb12 F10); into *out (malloc'd, to crypto_free_string), NULL when in has
 * none.  Only as a word of its own: folded, ª is "a", and "Ma" is a name
 * of its own.  0 or -ENOMEM.
 */
static int spanish_short_forms(const char *in, char **out)
{
	struct strbuf b = { 0 };
	int any = 0;

	*out = NULL;
	/* Most names have neither ª nor ñ: not copied (a name is read
	 * once for each of its forms and spellings). */
	if (!strstr(in, "\xc2\xaa") && !strstr(in, "\xc3\xb1") && !strstr(in, "\xc3\x91"))
		return 0;
	for (const char *p = in; *p;) {
		const char *q = p + 1;
		size_t n;

		if (p == in || (p[-1] != ')' && strchr(SPANISH_WORD_END, p[-1]))) {
			if ((n = dona_at(p))) {
				strbuf_addf(&b, "Sra.");
				p += n;
				any = 1;
				continue;
			}
			/* Mª, M.ª */
			q += *q == '.';
			if ((*p == 'M' || *p == 'm') && (unsigned char)q[0] == 0xc2 && (unsigned char)q[1] == 0xaa &&
			    (!q[2 + (q[2] == '.')] || strchr(SPANISH_WORD_END, q[2 + (q[2] == '.')]))) {
				strbuf_addf(&b, "María");
				p = q + 2 + (q[2] == '.');
				any = 1;
				continue;
			}
		}
		strbuf_addf(&b, "%c", *p);
		p++;
	}
	return rewritten(&b, any, out);
}

/*
 * in read as normalise_name says into nr (nr->f to be freed with
 * crypto_free_string, also on an error).  0 when it has a given name and
 * a family name; -EINVAL when it has no form (one word, not UTF-8);
 * -ENOMEM.
 */
/* Each open in f and what follows it up to its close (or the end), the
 * close too, written over with spaces; of a name all in quotes but white
 * space ("\"Anna Berg\"") the open and the close alone. */
static void blank_between(char *f, const char *open, const char *close)
{
	static const char ws[] = " \t\n\r\f\v";

	for (char *o = strstr(f, open); o; o = strstr(o, open)) {
		char *c = strstr(o + strlen(open), close);
		size_t k = c ? (size_t)(c - o) + strlen(close) : strlen(o);

		if (c && o == f + strspn(f, ws) && !o[k + strspn(o + k, ws)]) {
			memset(o, ' ', strlen(open));
			memset(c, ' ', strlen(close));
		} else {
			memset(o, ' ', k);
		}
		o += k;
	}
}

/*
 * Whether the folded word at p (n bytes; the rest of the name follows)
 * says that the name at birth comes after it: Finnish "o.s." (omaa
 * sukua), "née", German "geb." and "geborene", Swedish "född".  What
 * follows is not the name in use.  Only with a word after it: "John Nee"
 * is a family name.
 */
static int birth_name_mark(const char *p, size_t n)
{
	static const char *const marks[] = { "nee", "geb", "geborene", "fodd" };
	static const char sep[] = " \t\n\r\f\v.,";
	const char *rest = p + n;

	if (n == 1 && p[0] == 'o' && p[1] == '.' && p[2] == 's' && (p[3] == '.' || p[3] == ' '))
		rest = p + 3;
	else if (!WORD_IN(marks, p, n))
		return 0;
	return rest[strspn(rest, sep)] != '\0';
}

static int read_name(const char *in, struct name_read *nr)
{
	static const char sep[] = " \t\n\r\f\v.,";
	struct name_word *w = nr->w;
	const char *p;
	size_t n, words = 0, lead, first, given, family, start, fc = SIZE_MAX;
	const char *canon;
	char *sp = NULL;	/* in, "Mª" written out (spanish_short_forms) */
	int addr, particles = 1, rc;

	memset(nr, 0, sizeof(*nr));
	if ((rc = spanish_short_forms(in, &sp)))
		return rc;
	rc = subject_fold_name(sp ? sp : in, &nr->f);
	if (sp)
		in = sp;	/* capitals_first reads it too */
	if (rc) {
		crypto_free_string(sp);
		return rc;
	}
	/* What stands in parentheses or quotes is no part of the name
	 * ("Anna Berg (Acme)", a nickname: "John \"Jack\" Smith", "John
	 * “Jack” Smith"): blanked. */
	blank_between(nr->f, "(", ")");
	blank_between(nr->f, "\"", "\"");
	blank_between(nr->f, "\xe2\x80\x9c", "\xe2\x80\x9d");	/* “ ” */
	blank_between(nr->f, "\xe2\x80\x9e", "\xe2\x80\x9c");	/* „ “ */
	blank_between(nr->f, "\xc2\xab", "\xc2\xbb");	/* « » */
	for (p = nr->f; *(p += strspn(p, sep));) {
		struct name_word *x = &w[words < NAME_MAX_WORDS ? words : NAME_MAX_WORDS - 1];
		size_t chars = 0;

		n = strcspn(p, sep);
		/* The name at birth after it is not the name in use: "Aino
		 * Äijälä o.s. Virtanen" is Aino Äijälä (bb16 F2) */
		if (words >= 2 && birth_name_mark(p, n))
			break;
		for (size_t i = 0; i < n; i++)
			chars += (p[i] & 0xc0) != 0x80;
		x->p = p, x->len = n;
		x->comma = p[n + strspn(p + n, " \t\n\r\f\v")] == ',';
		x->stop = p[n] == '.';
		/* "M.", not "Anna.Berg" */
		x->dot = p[n] == '.' && (chars < 2 || !p[n + 1] || strchr(sep, p[n + 1]));
		/* "med.", "Dipl.-Ing.": a word cut short (is_degree) */
		x->abbr = p[n] == '.' && chars >= 2 && (!p[n + 1] || strchr(sep, p[n + 1]) || p[n + 1] == '-');
		if (words < NAME_MAX_WORDS)
			words++;
		p += n;
		/* "Berg, Anna", "Van der Berg, Jan": the family name first,
		 * with its particles before it, then a comma */
		if (x->comma && fc == SIZE_MAX && particles && !is_particle(x->p, x->len)) {
			fc = words - 1;
			continue;
		}
		/* Past the name, a comma puts what is not the name: a company,
		 * a title ("Anna Berg, Acme Oy" is "Anna Berg"). */
		if (x->comma && words >= 2)
			break;
		/* ... or an Irish one ("O Brien, Siobhan") */
		particles &= is_particle(x->p, x->len) || is_irish_particle(x->p, x->len);
	}
	/* "Berg, Anna": the family name first, a comma after it; "BERG Anna",
	 * "DE LA TOUR Marie": the family name first in capitals, its last
	 * word in capitals the family name */
	for (lead = 0; lead + 1 < words && is_title(w[lead].p, w[lead].len);)
		lead++;
	first = words < 2 ? 0 : fc != SIZE_MAX ? fc + 1 : w[0].comma ? 1 : capitals_first(in, words, lead);
	first += first && fc == SIZE_MAX && !w[0].comma ? lead : 0;
	/* a degree after the name is no family name: "J. van der Berg MSc" */
	for (size_t k = 1; !first && k <= 3 && k + 2 <= words; k++) {
		const char *wp[3];
		size_t wl[3];
		int wd[3];

		for (size_t i = 0; i < k; i++) {
			wp[i] = w[words - k + i].p;
			wl[i] = w[words - k + i].len;
			wd[i] = w[words - k + i].stop;
		}
		if (is_postnominal(wp, wl, wd, k)) {
			words -= k;
			break;
		}
	}
	family = first ? first - 1 : words - 1;
	given = first;
	/* The family name's apostrophes are no letters: "O'Brien", "O’Brien"
	 * and "OBrien" are one, "D'Arcy" and "Darcy" too.  An Irish particle
	 * written apart right before it, no full stop after it, and not the
	 * given name, is a part of it: "Siobhan O Brien" is "Siobhan
	 * O'Brien", "Ó Súilleabháin" "O'Suilleabhain".  ("D Arcy" is not
	 * joined: D is an initial too.) */
	if (words >= 2) {
		size_t lo = family > given ? given + 1 : 0, pi = family - 1;
		char *o = nr->f + (w[family].p - nr->f);

		if (family >= 1 && pi >= lo && pi != given && !w[pi].stop && !w[pi].comma &&
		    is_irish_particle(w[pi].p, w[pi].len)) {
			size_t k;

			o = nr->f + (w[pi].p - nr->f);
			k = copy_unquoted(o, w[pi].p, w[pi].len);
			k += copy_unquoted(o + k, w[family].p, w[family].len);
			w[family].p = o;
			w[family].len = k;
			w[pi] = w[family];
			memmove(&w[family], &w[family + 1], (words - family - 1) * sizeof(w[0]));
			words--;
			given -= given > family;
			first -= first > family;
			family = pi;
		} else {
			w[family].len = copy_unquoted(o, w[family].p, w[family].len);
		}
	}
	/* "Saint-Exupéry", "St-Exupéry": Saint written before the hyphen of
	 * a family name is in one form ("st-exupery"), as apart (is_particle) */
	if (words >= 2) {
		const char *h = memchr(w[family].p, '-', w[family].len), *c;

		if (h && (c = saint_canon(w[family].p, (size_t)(h - w[family].p)))) {
			char *o = nr->f + (w[family].p - nr->f);
			size_t k = strlen(c), at = (size_t)(h - w[family].p);

			memmove(o + k, o + at, w[family].len - at);
			memcpy(o, c, k);
			w[family].len = k + w[family].len - at;
		}
	}
	/* the particles before the family name ("Mw. el Amrani") */
	for (start = family; words >= 2 && family > given && start > given &&
			     is_particle(w[start - 1].p, w[start - 1].len);)
		start--;
	/* "De heer J. Jansen": the Dutch Mr is two words (and "De Heer"
	 * with a comma after it, or in capitals, a family name) */
	if (!first && words >= 3 && w[0].len == 2 && !memcmp(w[0].p, "de", 2) && !w[0].comma &&
	    w[1].len == 4 && !memcmp(w[1].p, "heer", 4))
		given = 1;
	/* past forms of address and degrees while a given name is left after
	 * them: "Mr Berg" keeps its one, and so does "Mw. el Amrani" */
	if (words >= 2)
		while (given + 1 < (family > given ? start : words) &&
		       (is_title(w[given].p, w[given].len) || (w[given].abbr && is_degree(w[given].p, w[given].len))))
			given++;
	/* A form of address left as the first word is written whole, full
	 * stop or not, in the name's form too, whose family name tells it
	 * apart: "Mr. Berg" is "mr berg", no "M. Berg" (of Maija Berg's
	 * initial), "Mme Morel" no "M. Morel" (Monsieur), nor is "Dr. med.
	 * Berg" an "M. Berg". */
	addr = given < words && (is_title(w[given].p, w[given].len) ||
				 (given > first && w[given].abbr && is_degree(w[given].p, w[given].len)));
	if (addr)
		w[given].dot = 0;
	/* ... in one form for the languages: "Madame Morel" is "Mme Morel" */
	if (addr && (canon = title_canon(w[given].p, w[given].len))) {
		w[given].p = canon;
		w[given].len = strlen(canon);
	}
	nr->words = words, nr->given = given, nr->family = family, nr->addr = addr;
	crypto_free_string(sp);
	return words >= 2 && given < words && given != family ? 0 : -EINVAL;
}

/*
 * subject_normalise of a name.  whole 0, kind "name": the initial of its
 * given name and its last word, folded ("Matti Meikäläinen" and
 * "M. MEIKÄLÄINEN" are both "m meikalainen"), or -EINVAL for a name of one
 * word, which tells no one apart.  whole 1, kind "given": the whole given
 * name and the last word ("maija meikalainen"), or -EINVAL as well when
 * the given name is not written whole (whole_given: "M. Meikäläinen").
 * Words are what white space, '.' and ',' leave; a '.' right after a word
 * of two letters or more and before a letter joins two words and abridges
 * nothing ("Anna.Berg" is "Anna Berg").  The given name is the first word;
 * a comma right after the first word puts the family name first
 * ("Meikäläinen, Matti" is "Matti Meikäläinen"): the given name is then
 * the second word, the family name the first.  Forms of address before
 * the given name are not it ("Mr Matti Berg", "Dr. Anna Berg", "Berg,
 * Mrs Anna": is_title), nor are the parts of a degree cut short by a '.'
 * ("Dr. med. Hans Groß", "Dipl.-Ing. Anna Berg", "Prof. Dr. rer. nat.
 * Anna Berg": is_degree), while a word is left for it: "Mr Berg" keeps
 * "Mr", and is "mr berg", told apart from "Anna Berg" and from "Lund" by
 * its family name; written whole even with a full stop ("Mr. Berg" is not
 * the "M. Berg" that "Maija Berg" is).  A given name written short stays
 * one ("Jos. Maria Berg" is "J. Berg"), and the last word is the family
 * name ("John Smith Jr." is not "John Smith") unless it is a degree
 * (is_postnominal: "J. van der Berg MSc" is "j berg").  A form of address
 * is not read past to a particle of the family name (is_particle: "Mw. el
 * Amrani" is "mrs amrani", no "e amrani"), and a comma after a word with
 * only particles before it puts the family name first ("Van der Berg,
 * Jan" is "j berg").  A comma after a later word ends the name: what
 * follows is a company or a title ("Anna Berg, Acme Oy" is "Anna Berg");
 * so does what stands in parentheses ("Anna Berg (Acme)").
 */
/* How many words with umlauts umlauts_spelt spells apart (bits of its
 * mask): the last bit spells that word and every one after it. */
enum { UMLAUT_WORD_BITS = 5 };

/* Whether c, a byte of a name, ends a word for umlauts_spelt: ASCII that
 * is no letter or digit ("Hans-Jürgen" is two words). */
static int umlaut_word_end(unsigned char c)
{
	return c < 0x80 && !isalnum(c);
}

/*
 * name with the umlauts of some of its words written as German writes
 * them without the letters: ä, ö, ü (and Ä, Ö, Ü, or a, o, u and a
 * combining diaeresis) as ae, oe, ue, "Jürgen Müller" as "Juergen
 * Mueller" (malloc'd, the caller wipes and frees it), or NULL when name
 * has none.  Words are what ASCII other than letters and digits leaves
 * ("Hans-Jürgen" is two); of the words with umlauts, the i-th is spelt
 * when bit i of mask is set (bit UMLAUT_WORD_BITS - 1 for it and every
 * later one), the others keep their umlauts: with mask 1 "Jürgen
 * Müller" is "Juergen Müller".  *words (when not NULL): how many words
 * have umlauts, at most UMLAUT_WORD_BITS.  -ENOMEM.
 */
static int umlauts_spelt(const char *name, unsigned mask, char **out, int *words)
{
	struct strbuf b = { 0 };
	int any = 0, word = -1, has = 0;

	*out = NULL;
	if (words)
		*words = 0;
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)p[0], d = (unsigned char)p[1];
		int u = 0;

		if (umlaut_word_end(c))
			has = 0;
		if (c == 0xc3 && (d == 0xa4 || d == 0xb6 || d == 0xbc || d == 0x84 || d == 0x96 || d == 0x9c))
			u = 1;
		else if (c && strchr("aouAOU", c) && d == 0xcc && (unsigned char)p[2] == 0x88)
			u = 2;
		if (u && !has) {
			has = 1;
			word += word + 1 < UMLAUT_WORD_BITS;
			if (words)
				*words = word + 1;
		}
		if (!u || !(mask & (1u << word))) {
			strbuf_addf(&b, "%c", c);
			continue;
		}
		/* in the letter's case: "KÖHLER" is "KOEHLER", a word in
		 * capitals still (read_name reads capitals) */
		if (u == 1 && (d == 0xa4 || d == 0xb6 || d == 0xbc))
			strbuf_addf(&b, "%ce", d == 0xa4 ? 'a' : d == 0xb6 ? 'o' : 'u');
		else if (u == 1)
			strbuf_addf(&b, "%cE", d == 0x84 ? 'A' : d == 0x96 ? 'O' : 'U');
		else
			strbuf_addf(&b, "%c%c", c, c & 0x20 ? 'e' : 'E');
		p += u;
		any = 1;
	}
	return rewritten(&b, any, out);
}

/*
 * The word that a name's second form joins to its family name (read by
 * read_name into nr), or NULL when it has none: the word right before the
 * family name, when the name has three words or more and that word is
 * not the given name, an initial ("J."; "St." is Saint), a form of address, a particle
 * other than Saint ("van der Berg" is "berg" alone) or an Irish one, and
 * has two letters or more.  "Sarah Bowes Lyon": "Bowes"; "Olivia St
 * John" and "St John, Olivia": "St".
 */
static const struct name_word *joined_before(const struct name_read *nr)
{
	const struct name_word *x;
	size_t chars = 0;

	if (nr->family == 0 || nr->words < 3 || nr->family - 1 == nr->given)
		return NULL;
	x = &nr->w[nr->family - 1];
	if ((x->dot && !saint_canon(x->p, x->len)) || x->comma || is_title(x->p, x->len) ||
	    is_irish_particle(x->p, x->len) ||
	    (is_particle(x->p, x->len) && !saint_canon(x->p, x->len)))
		return NULL;
	for (size_t i = 0; i < x->len; i++)
		chars += (x->p[i] & 0xc0) != 0x80;
	return chars >= 2 ? x : NULL;
}

/* Whether the len bytes at w are a company's form ("Anna Berg, Acme Oy"
 * is no "Acme Oy Berg"). */
static int is_company(const char *w, size_t len)
{
	static const char *const forms[] = {
		"oy", "oyj", "ab", "ltd", "plc", "llc", "llp", "inc", "corp", "co", "gmbh", "ag", "kg", "se",
		"sa", "sl", "slu", "sas", "sarl", "srl", "spa", "bv", "nv", "as", "asa", "aps", "ky", "tmi",
	};

	return WORD_IN(forms, w, len);
}

/*
 * "Bowes Lyon, Sarah", "Bowes Lyon, Mrs S.", "Martínez Soto, José Luis":
 * two words, a comma, then one to three given names (forms of address
 * before them), as a British letter or a Spanish form writes a family
 * name of two words first.  read_name reads it as "Bowes Lyon" and a
 * company or title after the comma ("Anna Berg, Acme" is Anna Berg); its
 * other reading, folded, with the two words joined by '-' ("mrs s.
 * bowes-lyon", "jose luis martinez-soto"), into *alt (malloc'd, to
 * crypto_free_string), NULL when in is not of that shape: the two words
 * hold no '.' or '(', the first is no particle (but Saint), form of
 * address or Irish particle ("Van Berg, Jan" and "O Brien, Siobhan" read
 * the family name first already), and no word after the comma is a
 * company's form (is_company).  0, -EINVAL (not UTF-8), -ENOMEM.
 */
static int comma_alt(const char *in, char **alt)
{
	static const char ws[] = " \t\n\r\f\v";
	const char *t[2] = { NULL, NULL }, *a = NULL, *c, *p;
	size_t tl[2] = { 0, 0 }, nt = 0, na = 0, al = 0;
	char *f = NULL, *o, *sp = NULL;
	int rc = spanish_short_forms(in, &sp);

	*alt = NULL;
	if (rc == 0)
		rc = subject_fold_name(sp ? sp : in, &f);
	crypto_free_string(sp);
	if (rc)
		return rc;
	c = strchr(f, ',');
	if (!c || strchr(c + 1, ','))
		goto out;
	for (p = f; p < c;) {
		size_t n = strcspn(p, ws);

		if (n > (size_t)(c - p))
			n = (size_t)(c - p);
		if (n) {
			if (nt == 2 || memchr(p, '.', n) || memchr(p, '(', n) || memchr(p, ')', n))
				goto out;
			t[nt] = p, tl[nt++] = n;
		}
		p += n + (p + n < c);
	}
	if (nt != 2 || is_title(t[0], tl[0]) || is_irish_particle(t[0], tl[0]) ||
	    (is_particle(t[0], tl[0]) && !saint_canon(t[0], tl[0])))
		goto out;
	for (p = c + 1; *p;) {
		size_t n = strcspn(p, ws), k = n;

		while (k && p[k - 1] == '.')
			k--;
		if (n && (memchr(p, '(', n) || !k || is_company(p, k)))
			goto out;	/* "Anna Berg, Acme Oy" */
		if (n && !(na == 0 && is_title(p, k))) {
			if (na++ == 3)
				goto out;
		}
		if (n && !a)
			a = p;
		if (n)
			al = (size_t)(p + n - a);
		p += n + (p[n] != '\0');
	}
	if (!na)
		goto out;
	if (!(o = malloc(al + tl[0] + tl[1] + 3))) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(o, a, al);
	o[al] = ' ';
	memcpy(o + al + 1, t[0], tl[0]);
	o[al + 1 + tl[0]] = '-';
	memcpy(o + al + 2 + tl[0], t[1], tl[1]);
	o[al + 2 + tl[0] + tl[1]] = '\0';
	*alt = o;
out:
	crypto_free_string(f);
	return rc;
}

/*
 * normalise_name's name form number form (0 to NAME_SHAPES - 1), of the
 * name as written (its umlauts' spellings are subject_name_entries'):
 * 0 the given name and the family name's last word; 1 the same with the
 * word before it joined by '-' (joined_before: "s bowes-lyon" of "Sarah
 * Bowes Lyon", as "Sarah Bowes-Lyon" is "s bowes-lyon"); 2 of the other
 * reading of "Bowes Lyon, Sarah" (comma_alt).  -EINVAL when the name has
 * no such form.
 */
enum { NAME_SHAPES = 3 };
static int normalise_name(const char *in, int whole, int form, char *out, size_t outlen)
{
	struct name_read nr;
	const struct name_word *g, *fam, *pre = NULL;
	const char *pc = NULL;
	char *alt = NULL;
	size_t n, pl = 0, at;
	int rc;

	if (form == 2) {
		rc = comma_alt(in, &alt);
		if (rc == 0)
			rc = alt ? normalise_name(alt, whole, 0, out, outlen) : -EINVAL;
		crypto_free_string(alt);
		if (rc)
			crypto_memzero(out, outlen);
		return rc == -ENOMEM ? rc : rc ? -EINVAL : 0;
	}
	rc = read_name(in, &nr);
	if (rc == 0 && form == 1 && !(pre = joined_before(&nr)))
		rc = -EINVAL;
	if (pre) {
		pc = saint_canon(pre->p, pre->len);
		pl = pc ? strlen(pc) : pre->len;
	}
	if (rc == 0) {
		g = &nr.w[nr.given], fam = &nr.w[nr.family];
		rc = -EINVAL;
		if (!whole || whole_given(g->p, g->len, g->dot)) {
			/* the first letter, one UTF-8 character, or the whole word */
			for (n = 1; !whole && n < g->len && (g->p[n] & 0xc0) == 0x80; n++)
				;
			if (whole || nr.addr)
				n = g->len;
			if (n + 1 + (pre ? pl + 1 : 0) + fam->len < outlen) {
				memcpy(out, g->p, n);
				out[n] = ' ';
				at = n + 1;
				if (pre && pc)
					memcpy(out + at, pc, pl);
				else if (pre)
					pl = copy_unquoted(out + at, pre->p, pre->len);
				if (pre) {
					at += pl;
					out[at++] = '-';
				}
				memcpy(out + at, fam->p, fam->len);
				out[at + fam->len] = '\0';
				rc = 0;
			}
		}
	}
	crypto_free_string(nr.f);
	if (rc && rc != -ENOMEM)
		rc = -EINVAL;
	if (rc)
		crypto_memzero(out, outlen);
	return rc;
}

/* Words a name's middle words leave out beside the particles: Spanish
 * "María del Carmen", "de los Ángeles", "Ortega y Gasset", Portuguese
 * "Maria do Carmo", Arabic "bin Salman". */
static int middle_filler(const char *w, size_t len)
{
	static const char *const fillers[] = { "del", "los", "las", "y", "i", "e", "do", "bin", "ibn", "bint", "al" };

	return is_particle(w, len) || WORD_IN(fillers, w, len);
}

/*
 * The middle words of name form form of in (normalise_name's forms), when
 * its given name is written whole: the words between the given name and
 * the family name's last word (of a name written family name first,
 * "Berg, Anna Lena" or "GARCÍA LÓPEZ María José", the given names after
 * the first, then the family words before the last), but particles
 * (middle_filler), forms of address and initials, and form 1's word
 * joined to the family name; the first SUBJECT_MIDDLE_WORDS of them,
 * folded, each into m (pointing into *f, to crypto_free_string), their
 * number into *n.  "José Luis Martínez Soto" has "luis martinez", "María
 * del Carmen Ruiz Gómez" "carmen ruiz", "Anna Berg" none.  ends, when not
 * NULL, takes the whole given name and the family name's last word
 * ("jose", "soto"), and *more whether middle words were left out past the
 * first SUBJECT_MIDDLE_WORDS.  0, -EINVAL (no such form, or no whole
 * given name), -ENOMEM.
 */
static int name_middle(const char *in, int form, struct name_word m[SUBJECT_MIDDLE_WORDS], int *n, char **f,
		       struct name_word ends[2], int *more)
{
	struct name_read nr;
	const struct name_word *pre = NULL;
	char *alt = NULL;
	size_t hi, idx[NAME_MAX_WORDS], ni = 0;
	int rc;

	*n = 0;
	*f = NULL;
	if (form == 2) {
		rc = comma_alt(in, &alt);
		if (rc == 0)
			rc = alt ? name_middle(alt, 0, m, n, f, ends, more) : -EINVAL;
		crypto_free_string(alt);
		return rc;
	}
	rc = read_name(in, &nr);
	if (rc == 0 && form == 1 && !(pre = joined_before(&nr)))
		rc = -EINVAL;
	if (rc == 0 && !whole_given(nr.w[nr.given].p, nr.w[nr.given].len, nr.w[nr.given].dot))
		rc = -EINVAL;
	if (rc) {
		crypto_free_string(nr.f);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	/* the words in order: after the given name, up to the family name's
	 * last word or the name's end; then, family name first, the words
	 * before its last */
	hi = nr.family > nr.given ? nr.family : nr.words;
	for (size_t i = nr.given + 1; i < hi; i++)
		idx[ni++] = i;
	for (size_t i = 0; nr.family < nr.given && i < nr.family && ni < NAME_MAX_WORDS; i++)
		idx[ni++] = i;
	if (more)
		*more = 0;
	for (size_t j = 0; j < ni; j++) {
		const struct name_word *x = &nr.w[idx[j]];

		if (x == pre || x->dot || x->len < 2 || middle_filler(x->p, x->len) || is_title(x->p, x->len) ||
		    !whole_given(x->p, x->len, 0))
			continue;
		if (*n == SUBJECT_MIDDLE_WORDS) {
			if (more)
				*more = 1;
			break;
		}
		m[(*n)++] = *x;
	}
	if (ends) {
		ends[0] = nr.w[nr.given];
		ends[1] = nr.w[nr.family];
	}
	*f = nr.f;
	return 0;
}

/*
 * A name whose given name and the word after it are written whole and
 * apart, with the two joined by '-', folded, into *out (malloc'd, to
 * crypto_free_string), NULL when in is of no such shape: "Per Olof
 * Ängström" is "per-olof angstrom", "Ängström, Per Olof" "angstrom,
 * per-olof", "Herr Hans Jürgen Müller" "herr hans-jurgen muller".  The
 * word after must be no particle, form of address nor the family name's
 * last word, and only spaces stand between the two; a name read family
 * name first other than by its comma ("ÄNGSTRÖM Per Olof") has none.  0,
 * -EINVAL (not UTF-8), -ENOMEM.
 */
static int joined_given(const char *in, char **out)
{
	struct name_read nr;
	const struct name_word *g, *x;
	struct strbuf b = { 0 };
	size_t end;
	int rc = read_name(in, &nr);

	*out = NULL;
	if (rc) {
		crypto_free_string(nr.f);
		return rc == -ENOMEM ? rc : 0;
	}
	g = &nr.w[nr.given];
	x = &nr.w[nr.given + 1];
	end = nr.family > nr.given ? nr.family : nr.words;
	if (nr.given + 1 >= end || (nr.family < nr.given && !nr.w[nr.family].comma) ||
	    !whole_given(g->p, g->len, g->dot) || g->comma || g->stop || x->dot || x->stop ||
	    !whole_given(x->p, x->len, 0) || middle_filler(x->p, x->len) || is_title(x->p, x->len) ||
	    strspn(g->p + g->len, " \t") != (size_t)(x->p - (g->p + g->len))) {
		crypto_free_string(nr.f);
		return 0;
	}
	for (size_t i = 0; i < nr.words; i++) {
		const struct name_word *w = &nr.w[i];

		strbuf_addf(&b, "%.*s%s", (int)w->len, w->p,
			    i == nr.given ? "-" : i + 1 == nr.words ? "" : w->comma ? ", " : w->stop ? ". " : " ");
	}
	crypto_free_string(nr.f);
	return rewritten(&b, 1, out);
}

/*
 * Why the number a phone value writes (num: its text once strip_forms
 * has read its URI, parameters and trunk) is no one's, or NULL when it
 * may be someone's: it needs a digit, SUBJECT_PHONE_MIN_DIGITS of them
 * (no number anyone dials is shorter: 112, 911, an extension 101),
 * SUBJECT_PHONE_WORDED_DIGITS when a word is written beside them ("puh.
 * 040-264 2312", "040 264 2312 (työ)", as a search reads them; free text
 * with a digit, "diabetes type 2", "call back after 2", is no number),
 * and one digit that is not 0 ("000", "0000000000": what a switch gives
 * for a withheld number).  A careless recorder's note put in the phone
 * field would otherwise link every call that gave the same note (atk43
 * F1).
 */
static const char *phone_refusal(const char *num)
{
	struct phone_text t;

	phone_text(num, &t);
	if (!t.digits)
		return "not a phone number (no digit)";
	if (t.letters && t.digits < SUBJECT_PHONE_WORDED_DIGITS)
		return "not a phone number (words and fewer than 7 digits)";
	if (t.digits < SUBJECT_PHONE_MIN_DIGITS)
		return "not a phone number (fewer than 3 digits)";
	if (!t.nonzero)
		return "not a phone number (no digit but 0)";
	/* an international number is a country code (1 to 3 digits) and a
	 * national number: a digit not 0 past its first three ("+49 0" and
	 * "+49 10" are a country code and zeros: atk46 F2) */
	num += strspn(num, " \t");
	if (num[0] == '+' || (num[0] == '0' && num[1] == '0')) {
		size_t seen = 0;
		int past = 0;

		for (const char *c = num + (num[0] == '+' ? 1 : 2); *c; c++)
			if (isdigit((unsigned char)*c) && seen++ >= 3)
				past |= *c != '0';
		if (!past)
			return "not a phone number (a country code and no number after it)";
	}
	return NULL;
}

/* One character, written once or repeated ("xxx", "000000", "ääää"). */
static int one_character(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t left = strlen(s);
	ucs4_t first, u;
	int k = u8_mbtouc(&first, p, left);

	for (; left; p += k, left -= (size_t)k)
		if ((k = u8_mbtouc(&u, p, left)) <= 0 || u != first)
			return 0;
	return 1;
}

/*
 * Why an e-mail or reference that normalise_text took (out, its form) is
 * no one's, or NULL: an address at anonymous.invalid, the host SIP gives
 * a withheld caller (RFC 3261 8.1.1.3, RFC 3323:
 * "anonymous@anonymous.invalid"), and a reference that is a word for
 * none ("n/a", "N.A.", "none", "unknown" and their words in the
 * languages of the letters): the same text in two strangers' calls would
 * make them one subject (atk43 F1).  Other domains under .invalid, as
 * .example and .test, are kept: test and demo data use them.  So is an
 * address whose domain is one word or no word ("x@x", "none@none",
 * "-@-": no mailbox anyone reads) or whose mailbox is a word for none
 * ("noreply@", "no@email.com"), and a reference of one character,
 * repeated or not ("xxx", "000000", "0": atk46 F2).  out is in its
 * compatibility form here (text_refusal).
 */
static const char *text_refusal_folded(const char *kind, const char *out)
{
	/* folded and without separators, as normalise_text leaves them:
	 * "N/A" and "n. a." are "na", "k. A." "ka", "keine Angabe"
	 * "keineangabe" (what a CRM writes in an empty field, bb15 F1) */
	static const char *const none[] = {
		"na", "none", "null", "nil", "unknown", "tbd", "tba", "notknown", "notgiven", "notapplicable",
		"noref", "noreference",
		"ei", "eitiedossa", "eiole", "tuntematon", "puuttuu",
		"ingen", "okänd", "saknas", "uppgiftsaknas",
		"ka", "keineangabe", "keine", "kein", "unbekannt", "entfällt", "nichtangegeben",
		"aucun", "aucune", "inconnu", "inconnue", "nonrenseigné", "nc",
		"geen", "onbekend", "nvt",
		"ninguno", "ninguna", "desconocido", "nd", "sindatos",
		"oa", "ohneangabe", "nn", "sn", "nonegiven", "nv", "nan", "undefined", "<none>", "tbc", "leer", "empty",
		"dummy", "néant", "ingenuppgift", "sinreferencia",
	};
	/* and a mailbox that is one, or a word for a mailbox no one reads
	 * ("mail@" is a family's or a firm's: mail@nachname.de) */
	static const char *const nobox[] = { "noreply", "donotreply", "dontreply", "noemail", "nomail", "no",
					     "email", "keinemail", "eisahkopostia" };
	size_t n = strlen(out);

	if (!strcmp(kind, "email")) {
		const char *at = strrchr(out, '@'), *dom = at ? at + 1 : "";
		char box[64];
		size_t k = 0;

		if (at && !strcmp(dom, "anonymous.invalid"))
			return "not an e-mail address (anonymous.invalid: SIP's withheld caller, no one's)";
		if (!at || !strchr(dom, '.') || strspn(dom, ".-") == strlen(dom))
			return "not an e-mail address (its domain is no name of a mail server)";
		for (const char *c = out; c < at && k + 1 < sizeof(box); c++)
			if (!ispunct((unsigned char)*c))
				box[k++] = *c;
		box[k] = '\0';
		if (!k || WORD_IN(none, box, k) || WORD_IN(nobox, box, k))
			return "not an e-mail address (a word for none, as noreply)";
	} else if (!strcmp(kind, "ref") && WORD_IN(none, out, n)) {
		return "not a reference (a word for none, as n/a or unknown)";
	} else if (!strcmp(kind, "ref") && one_character(out)) {
		return "not a reference (one character, or one repeated)";
	}
	return NULL;
}

/*
 * text_refusal on out's compatibility form (NFKC), in lower case again: a
 * word for none written in full-width letters ("Ｎ／Ａ", from an East Asian
 * input method) or with ligatures is the word (atk46 F6).  The value's
 * index key is not made of that form: see ref_separator.
 */
static const char *text_refusal(const char *kind, const char *out)
{
	size_t flen = 0;
	uint8_t *f = u8_tolower((const uint8_t *)out, strlen(out), NULL, UNINORM_NFKC, NULL, &flen);
	char buf[SUBJECT_NORM_MAX];
	const char *why;

	if (!f || flen >= sizeof(buf)) {	/* no memory, or longer than any value: as written */
		crypto_freezero(f, flen);
		return text_refusal_folded(kind, out);
	}
	memcpy(buf, f, flen);
	buf[flen] = '\0';
	crypto_freezero(f, flen);
	why = text_refusal_folded(kind, buf);
	crypto_memzero(buf, sizeof(buf));
	return why;
}

/* subject_normalise, the trunk prefix read as zero_trunk says
 * (read_national); strict: a value of no one (phone_refusal,
 * text_refusal) is refused, as today's rule does and the rules before
 * it, whose entries subject_normalise_before gives to be dropped, did not. */
static int normalise_with(const char *kind, const char *in, const char *country_code, int zero_trunk, int strict,
			  char *out, size_t outlen)
{
	char *copy, *suffix;
	int rc;

	if (!in || outlen < 2)
		return -EINVAL;
	if (!strcmp(kind, "name") || !strcmp(kind, SUBJECT_GIVEN_KIND))
		return normalise_name(in, strcmp(kind, "name") != 0, 0, out, outlen);
	while (isspace((unsigned char)*in))
		in++;
	if ((rc = strip_forms(kind, in, &copy, &suffix)))
		return rc;
	if (strict && !strcmp(kind, "phone") && phone_refusal(copy ? copy : in))
		rc = -EINVAL;
	else
		rc = normalise_one(kind, copy ? copy : in, country_code, zero_trunk, out, outlen);
	if (rc == 0 && strict && text_refusal(kind, out)) {
		crypto_memzero(out, outlen);
		rc = -EINVAL;
	}
	if (rc == 0 && suffix) {
		size_t n = strlen(out), k = strlen(suffix);

		if (n + k + 1 > outlen) {
			crypto_memzero(out, outlen);
			rc = -EINVAL;	/* never cut */
		} else {
			memcpy(out + n, suffix, k + 1);
		}
	}
	crypto_free_string(copy);
	crypto_free_string(suffix);
	return rc;
}

int subject_normalise(const char *kind, const char *in, const char *country_code, char *out, size_t outlen)
{
	return normalise_with(kind, in, country_code, 0, 1, out, outlen);
}

const char *subject_refusal(const char *kind, const char *in)
{
	char out[SUBJECT_NORM_MAX], *copy = NULL, *suffix = NULL;
	const char *why = NULL;
	int rc = subject_normalise(kind, in, NULL, out, sizeof(out));

	if (rc != -EINVAL)
		return NULL;
	while (isspace((unsigned char)*in))
		in++;
	if (!strcmp(kind, "phone")) {
		rc = strip_forms(kind, in, &copy, &suffix);
		if (rc == -EINVAL)	/* the one refusal of strip_forms */
			why = "not a phone number (a sip: URI's user is a + number)";
		else if (rc == 0)
			why = phone_refusal(copy);
		if (!why && rc == 0)
			why = "not a phone number (too long)";
	} else if (!strcmp(kind, "email") || !strcmp(kind, "ref")) {
		if (strip_forms(kind, in, &copy, &suffix) == 0 &&
		    normalise_one(kind, copy ? copy : in, NULL, 0, out, sizeof(out)) == 0)
			why = text_refusal(kind, out);
		if (!why)
			why = !strcmp(kind, "ref") ? "not a reference (no letter or digit, only separators)"
						   : "not an e-mail address (one '@' with text on both sides)";
	}
	crypto_memzero(out, sizeof(out));
	crypto_free_string(copy);
	crypto_free_string(suffix);
	return why;
}

int subject_normalise_before(const char *kind, const char *in, const char *country_code, int raw, char *out,
			     size_t outlen)
{
	const char *p = in;

	if (!in || outlen < 2)
		return -EINVAL;
	if (!raw)
		return normalise_with(kind, in, country_code, 1, 0, out, outlen);
	while (isspace((unsigned char)*p))
		p++;
	return normalise_one(kind, p, country_code, 1, out, outlen);
}

int subject_normalise_v1(const char *kind, const char *in, char *out, size_t outlen)
{
	if (!in || outlen < 2 || !strcmp(kind, "phone"))
		return -EINVAL;
	while (isspace((unsigned char)*in))
		in++;
	return normalise_text(kind, in, 1, out, outlen);
}

/* What a letter without a decomposition folds to (after case folding),
 * or NULL when it stays as it is, and the apostrophes a keyboard or a
 * word processor writes for ': see subject.h. */
static const char *fold_base_letter(ucs4_t c)
{
	switch (c) {
	case 0x00f8: return "o";	/* ø */
	case 0x0111: return "d";	/* đ */
	case 0x00f0: return "d";	/* ð */
	case 0x0142: return "l";	/* ł */
	case 0x0127: return "h";	/* ħ */
	case 0x0167: return "t";	/* ŧ */
	case 0x0131: return "i";	/* dotless ı */
	case 0x00e6: return "ae";	/* æ */
	case 0x0153: return "oe";	/* œ */
	case 0x00fe: return "th";	/* þ */
	case 0x2019:			/* ’ right single quotation mark */
	case 0x2018:			/* ‘ */
	case 0x02bc:			/* ʼ modifier letter apostrophe */
	case 0x201b:			/* ‛ */
	case 0x0060:			/* ` grave accent typed for it */
	case 0x02b9:			/* ʹ modifier letter prime */
	case 0x02bb:			/* ʻ */
	case 0x02bd:			/* ʽ */
	case 0x02ca:			/* ˊ modifier letter acute */
	case 0x2032:			/* ′ prime */
		return "'";		/* "d’Arbois" is "d'arbois" */
	default: return NULL;
	}
}

int subject_fold_name(const char *in, char **out)
{
	size_t n = strlen(in), flen = 0, k = 0;
	uint8_t *folded = NULL;
	char *res = NULL, *acute = NULL;
	int rc = 0;

	if (!util_utf8_valid(in, n))
		return -EINVAL;
	/* ´ (acute accent) typed for an apostrophe ("D´Arcy"): ' before
	 * NFKD, which would make it a space and a mark */
	if (strstr(in, "\xc2\xb4")) {
		char *o;

		if (!(acute = malloc(n + 1)))
			return -ENOMEM;
		o = acute;
		for (const char *i = in; *i; i++) {
			if (i[0] == '\xc2' && i[1] == '\xb4') {
				*o++ = '\'';
				i++;
			} else {
				*o++ = *i;
			}
		}
		*o = '\0';
		in = acute;
		n = strlen(in);
	}
	folded = u8_casefold((const uint8_t *)in, n, NULL, UNINORM_NFKD, NULL, &flen);
	if (!folded) {
		rc = errno == EILSEQ ? -EINVAL : -ENOMEM;
		goto out;
	}
	/* Nothing below makes the text longer than the case-folded form:
	 * a mark goes, a replacement is no longer than its letter's UTF-8. */
	res = malloc(flen + 1);
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < flen;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, folded + i, flen - i);
		const char *base = fold_base_letter(c);

		if (base) {
			memcpy(res + k, base, strlen(base));
			k += strlen(base);
		} else if (!uc_is_general_category(c, UC_CATEGORY_Mn)) {
			memcpy(res + k, folded + i, (size_t)len);
			k += (size_t)len;
		}
		i += (size_t)len;
	}
	res[k] = '\0';
	*out = res;
	res = NULL;
out:
	crypto_freezero(folded, flen);
	free(res);
	if (acute)
		crypto_free_string(acute);
	return rc;
}

/*
 * A name as name search compares it with another (name_keys_match): of
 * read_name's words, the given name (its first letter; whole when
 * whole_given), and of the family name's words after the given name (the
 * words before the comma in "Van der Berg, Jan"), from its first particle
 * on when it has one (what comes before it are more given names: "Jan
 * Pieter van der Berg"): the particles, in order ("van der"), and the
 * other words of two letters or more, '-' read as a space ("vries
 * bakker" of "de Vries-Bakker" and "de Vries Bakker"), into core.  "vd"
 * and "v. d." are particles cut short (abbrev).  addr: the given name is
 * a form of address ("Mw. el Amrani").  The strings are of the folded
 * name: wiped before they are freed (name_key_free).
 */
struct name_key {
	char *buf, *given, *core, *particles;
	size_t given_len, size;
	int abbrev, addr, whole;
};

static void name_key_free(struct name_key *k)
{
	crypto_freezero(k->buf, k->size);
	memset(k, 0, sizeof(*k));
}

/* Append the len bytes at p to the words of s, a space between them. */
static void add_word(char *s, const char *p, size_t len)
{
	size_t n = strlen(s);

	if (n)
		s[n++] = ' ';
	memcpy(s + n, p, len);
	s[n + len] = '\0';
}

/* A particle appended to the words of s (add_word), Saint in its one
 * form (saint_canon: "Saint John" and "St. John" are "st john"). */
static void add_particle(char *s, const char *p, size_t len)
{
	const char *c = saint_canon(p, len);

	add_word(s, c ? c : p, c ? strlen(c) : len);
}

/* 0 with k filled, -EINVAL when in has no name form, -ENOMEM. */
static int name_key(const char *in, struct name_key *k)
{
	struct name_read nr;
	const struct name_word *w = nr.w;
	size_t lo, hi, q, flen;
	int rc = read_name(in, &nr);

	memset(k, 0, sizeof(*k));
	if (rc)
		goto out;
	flen = strlen(nr.f) + 1;
	k->size = 3 * flen;
	if (!(k->buf = calloc(3, flen))) {
		rc = -ENOMEM;
		goto out;
	}
	k->core = k->buf, k->particles = k->buf + flen, k->given = k->buf + 2 * flen;
	memcpy(k->given, w[nr.given].p, w[nr.given].len);
	k->given_len = w[nr.given].len;
	k->addr = nr.addr;
	k->whole = !nr.addr && whole_given(w[nr.given].p, w[nr.given].len, w[nr.given].dot);
	lo = nr.family > nr.given ? nr.given + 1 : 0;
	hi = nr.family;
	for (q = lo; q <= hi; q++)
		if (is_particle(w[q].p, w[q].len) ||
		    (q < hi && w[q].len == 1 && w[q].p[0] == 'v' && w[q + 1].len == 1 && w[q + 1].p[0] == 'd'))
			break;
	for (size_t i = q <= hi ? q : lo; i <= hi; i++) {
		const char *p = w[i].p, *end = w[i].p + w[i].len;

		if (w[i].len == 2 && !memcmp(p, "vd", 2)) {
			k->abbrev = 1;
			continue;
		}
		if (i < hi && w[i].len == 1 && p[0] == 'v' && w[i + 1].len == 1 && w[i + 1].p[0] == 'd') {
			k->abbrev = 1;
			i++;
			continue;
		}
		while (p < end) {
			size_t len = strcspn(p, "-"), chars = 0;

			if (len > (size_t)(end - p))
				len = (size_t)(end - p);
			for (size_t j = 0; j < len; j++)
				chars += (p[j] & 0xc0) != 0x80;
			if (is_particle(p, len))
				add_particle(k->particles, p, len);
			else if (chars >= 2)
				add_word(k->core, p, len);
			p += len + 1;
		}
	}
	/* "Berg, Jan van der": the particles after the given name */
	for (size_t i = nr.given + 1; nr.family < nr.given && i < nr.words; i++) {
		if (w[i].len == 2 && !memcmp(w[i].p, "vd", 2))
			k->abbrev = 1;
		else if (is_particle(w[i].p, w[i].len))
			add_particle(k->particles, w[i].p, w[i].len);
	}
	rc = k->core[0] ? 0 : -EINVAL;
out:
	crypto_free_string(nr.f);
	if (rc)
		name_key_free(k);
	return rc;
}

/*
 * 1 when the name and the text read as one person's name: the same
 * family name (core) with the same particles, or either's written short
 * ("v.d.") and the other's with particles ("Jan v.d. Berg" is not "Jan
 * Berg"); and, unless either begins with a form of address, the same
 * initial, and the same given name when both write it whole.  0 when not
 * or either has no key; -ENOMEM.
 */
static int name_keys_match(const struct name_key *a, const struct name_key *b)
{
	int same;

	/* "v.d." is "van der" or "van den", no name without particles */
	if (a->abbrev || b->abbrev)
		same = (!a->abbrev || b->abbrev || b->particles[0]) && (!b->abbrev || a->abbrev || a->particles[0]);
	else
		same = !strcmp(a->particles, b->particles);
	same = same && !strcmp(a->core, b->core);
	if (same && a->addr && b->addr)
		same = a->given_len == b->given_len && !memcmp(a->given, b->given, a->given_len);
	else if (same && !a->addr && !b->addr) {
		size_t n = 1;

		while (n < a->given_len && (a->given[n] & 0xc0) == 0x80)
			n++;
		same = b->given_len >= n && !memcmp(a->given, b->given, n) &&
		       (!a->whole || !b->whole ||
			(a->given_len == b->given_len && !memcmp(a->given, b->given, a->given_len)));
	}
	return same;
}

/* A folded name without apostrophes, and an Irish particle written
 * apart joined to the word after it ("o brien", "o'brien" and "obrien"
 * are "obrien"; "mac giolla" is "macgiolla"), in place: as read_name
 * reads a family name. */
static void join_irish(char *s)
{
	static const char sep[] = " \t\n\r\f\v.,";
	char *o = s;
	const char *i;

	o += copy_unquoted(s, s, strlen(s));
	*o = '\0';
	for (o = s, i = s; *i;) {
		size_t n = strcspn(i, sep), sp;

		if (!n) {
			*o++ = *i++;
			continue;
		}
		memmove(o, i, n);
		o += n;
		i += n;
		sp = strspn(i, " ");
		if (sp && i[sp] && !strchr(sep, i[sp]) && is_irish_particle(o - n, n))
			i += sp;
	}
	*o = '\0';
}

/* A folded name with "ae", "oe" and "ue" written as "a", "o" and "u", in
 * place: the German way to write ä, ö and ü without them ("Mueller"). */
static void drop_umlaut_e(char *s)
{
	char *o = s;

	for (const char *i = s; *i; i++) {
		*o++ = *i;
		if ((*i == 'a' || *i == 'o' || *i == 'u') && i[1] == 'e')
			i++;
	}
	*o = '\0';
}

/* A search text read once for any number of names: folded (ft), then
 * with "ae", "oe", "ue" as a, o, u (fu), then also without apostrophes
 * and with Irish particles joined (fi), and its name key when it has one;
 * each string is wiped before it is freed. */
struct subject_name_search {
	char *ft, *fu, *fi;
	struct name_key key, alt;
	int has_key, has_alt;
};

/* The name key of in's other reading, "Bowes Lyon, Sarah" read as Sarah
 * Bowes-Lyon (comma_alt): 1 with k filled, 0 when it has none, -ENOMEM. */
static int name_key_alt(const char *in, struct name_key *k)
{
	char *alt = NULL;
	int rc = comma_alt(in, &alt);

	memset(k, 0, sizeof(*k));
	if (rc == 0 && alt)
		rc = name_key(alt, k) == 0 ? 1 : 0;
	crypto_free_string(alt);
	return rc == -ENOMEM ? rc : rc < 0 ? 0 : rc;
}

void subject_name_search_free(struct subject_name_search *s)
{
	if (!s)
		return;
	crypto_free_string(s->ft);
	crypto_free_string(s->fu);
	crypto_free_string(s->fi);
	name_key_free(&s->key);
	name_key_free(&s->alt);
	free(s);
}

int subject_name_search_new(const char *text, struct subject_name_search **out)
{
	struct subject_name_search *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	rc = subject_fold_name(text, &s->ft);
	if (rc == 0 && (!(s->fu = strdup(s->ft)) || !(s->fi = strdup(s->ft))))
		rc = -ENOMEM;
	if (rc == 0) {
		drop_umlaut_e(s->fu);
		drop_umlaut_e(s->fi);
		join_irish(s->fi);
		rc = name_key(text, &s->key);
		s->has_key = rc == 0;
		rc = rc == -ENOMEM ? rc : 0;
	}
	if (rc == 0) {
		rc = name_key_alt(text, &s->alt);
		s->has_alt = rc == 1;
		rc = rc < 0 ? rc : 0;
	}
	if (rc)
		subject_name_search_free(s);
	else
		*out = s;
	return rc;
}

int subject_name_search_match(const struct subject_name_search *s, const char *name)
{
	struct name_key k;
	char *fn = NULL;
	int rc = subject_fold_name(name, &fn);

	if (rc)
		return rc;
	rc = s->ft[0] && strstr(fn, s->ft) != NULL;
	/* "Mueller" finds "Müller" (and "Muller"), and "Müller" "Mueller" */
	if (rc == 0 && s->ft[0]) {
		drop_umlaut_e(fn);
		rc = s->fu[0] && strstr(fn, s->fu) != NULL;
	}
	/* "OBrien" and "O Brien" find "O'Brien", "MacGiolla" "Mac Giolla" */
	if (rc == 0 && s->ft[0]) {
		join_irish(fn);
		rc = s->fi[0] && strstr(fn, s->fi) != NULL;
	}
	crypto_free_string(fn);	/* folded names: personal data */
	/* "J. van der Berg", "Berg, Jan van der" find "Jan van der Berg";
	 * and each name read the other way too ("Bowes Lyon, Sarah" as
	 * Sarah Bowes-Lyon: comma_alt) */
	for (int alt = 0; rc == 0 && (s->has_key || s->has_alt) && alt < 2; alt++) {
		rc = alt ? name_key_alt(name, &k) : name_key(name, &k) == 0 ? 1 : 0;
		if (rc == 0)
			continue;
		if (rc < 0 && rc != -ENOMEM)
			rc = 0;
		if (rc < 0)
			break;
		rc = (s->has_key && name_keys_match(&k, &s->key)) || (s->has_alt && name_keys_match(&k, &s->alt));
		name_key_free(&k);
	}
	return rc;
}

int subject_name_matches(const char *name, const char *text)
{
	struct subject_name_search *s;
	int rc = subject_name_search_new(text, &s);

	if (rc == 0) {
		rc = subject_name_search_match(s, name);
		subject_name_search_free(s);
	}
	return rc;
}

/* catalog_each_audit: one entry is enough. */
static int logged_once(const struct cat_audit *row, void *ctx)
{
	(void)row;
	*(int *)ctx = 1;
	return 1;
}

/*
 * 1 when handle is free: no subject has it, and the audit log names none
 * by it (an erased subject's handle: its card reads, its requests and the
 * erasures of its recordings stay in the log under it, and answer that
 * subject's access request, never a newcomer's).  0 when taken, or an
 * errno.
 */
static int handle_free(struct reg *r, const char *handle, char card_id[RECFS_ID_HEX])
{
	int rc = catalog_get_subject(r->cat, handle, card_id), seen = 0;

	if (rc != -ENOENT)
		return rc < 0 ? rc : 0;
	meta_clear_error();
	/* By the index on the object: a subject whose recordings' erasures
	 * name it (AUDIT_ERASED_SUBJECT) was erased with an "erase-subject"
	 * entry of its own, later than theirs, so dropped no earlier. */
	rc = catalog_each_audit(r->cat, handle, logged_once, &seen);
	if (rc < 0)
		return rc;
	return !seen;
}

static const char handle_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";	/* Crockford's */

static void new_handle(char out[CATALOG_HANDLE_MAX])
{
	uint8_t b[6];

	crypto_random(b, sizeof(b));
	out[0] = 'S';
	out[1] = '-';
	for (int i = 0; i < 6; i++)
		out[2 + i] = handle_alphabet[b[i] & 31];
	out[8] = '\0';
}

int subject_handle_form(const char *text)
{
	return text && !strncmp(text, "S-", 2) && strlen(text) == 8 && strspn(text + 2, handle_alphabet) == 6;
}

/* The identifiers of a card subject_resolve weighs: ref, email, phone
 * (looked up), its name form (NAME_ID) and whole given name (GIVEN_ID),
 * never looked up; and GIVEN_MARK, the mark of GIVEN_ID's name form
 * (subject_given_index), never looked up nor weighed. */
#define N_IDS 3

/* The domain of a GIVEN_MARK's key: not a kind of entry (its entries are
 * SUBJECT_GIVEN_KIND's), only what keeps it from any kind's key of the
 * same text. */
#define GIVEN_MARK_DOMAIN "given-of"

struct ident {
	const char *kind;
	const char *value;
	uint8_t mac[CRYPTO_MAC_BYTES];
	uint8_t mac_prev[CRYPTO_MAC_BYTES];	/* prev_mac's, when prev */
	int ok, prev;
	int others;	/* held, but only by someone else (the e-mail of a
			 * family's mailbox): it says nothing of this card */
};

/* A card's name entries (subject_name_entries): its own, and those of
 * the name with its given name and the word after it joined by '-'
 * (joined_given: "Per Olof Ängström" as "Per-Olof Ängström"), joined.n 0
 * when it has no such reading. */
struct card_names {
	struct subject_name_entries own, joined, reversed;
	/* A name of one word (one_word_forms): its name form with each
	 * initial A to Z, n_word of them. */
	uint8_t word[26][CRYPTO_MAC_BYTES];
	int n_word;
};

/*
 * A name of one word ("Äijälä", what a nurse writes of a relative's
 * caller) has no name form and compares with none, but it may be the
 * family name of one of the subjects who share the number: cn->word gets
 * its name form with each initial, for pick_holder to weigh (bb16 F3).
 */
static int one_word_forms(const struct crypto_key *index_key, const char *name, struct card_names *cn)
{
	static const char ws[] = " \t\n\r\f\v";
	const char *p = name + strspn(name, ws);
	size_t n = strcspn(p, ws);
	char norm[SUBJECT_NORM_MAX], form[SUBJECT_NORM_MAX];
	int rc = 0;

	if (!n || p[n + strspn(p + n, ws)] || strpbrk(p, ".,") || n + 4 > sizeof(form))
		return 0;
	/* "A. Äijälä" to "Z. Äijälä", built by hand as every copy of a
	 * name: glibc's vasprintf frees a first buffer of what it formats
	 * unwiped (test_privacy_ingest.sh's free() hook). */
	memcpy(form, "A. ", 3);
	memcpy(form + 3, p, n);
	form[n + 3] = '\0';
	for (char c = 'A'; rc != -ENOMEM && c <= 'Z'; c++) {
		form[0] = c;
		rc = normalise_name(form, 0, 0, norm, sizeof(norm));
		if (rc == 0)
			crypto_blind_index(index_key, "name", norm, cn->word[cn->n_word++]);
		crypto_memzero(norm, sizeof(norm));
	}
	crypto_memzero(form, sizeof(form));
	return rc == -ENOMEM ? rc : 0;
}

/* Wipe and free cn (NULL too). */
static void card_names_free(struct card_names *cn)
{
	if (cn)
		crypto_memzero(cn, sizeof(*cn));
	free(cn);
}

/*
 * name read with its first word as the family name, into *out ("Äijälä,
 * Aino Maria" of "Äijälä Aino Maria", as the Finnish population register
 * and patient systems print a name, and Hungarian and East Asian names
 * are written; bb16 F2), or NULL: for a name of two to four words, none
 * cut short ('.'), no comma, not starting with a form of address or a
 * particle.  0 or -ENOMEM.
 */
static int family_first(const char *name, char **out)
{
	static const char ws[] = " \t\n\r\f\v";
	const char *p = name + strspn(name, ws), *rest, *first;
	size_t n = strcspn(p, ws), words = 0;
	char *f = NULL;
	int rc;

	*out = NULL;
	if (strchr(name, ',') || strchr(name, '.') || !n)
		return 0;
	for (const char *q = p; *(q += strspn(q, ws)); q += strcspn(q, ws))
		words++;
	if (words < 2 || words > 4)
		return 0;
	if ((rc = subject_fold_name(name, &f)))
		return rc == -ENOMEM ? rc : 0;
	first = f + strspn(f, ws);
	rc = is_title(first, strcspn(first, ws)) || is_particle(first, strcspn(first, ws));
	crypto_free_string(f);
	if (rc)
		return 0;
	rest = p + n;
	rest += strspn(rest, ws);
	/* By hand: glibc's vasprintf frees a first buffer unwiped */
	if (!(*out = malloc(n + 2 + strlen(rest) + 1)))
		return -ENOMEM;
	memcpy(*out, p, n);
	memcpy(*out + n, ", ", 2);
	memcpy(*out + n + 2, rest, strlen(rest) + 1);
	return 0;
}

/* The card_names of name into *out (card_names_free): 0 or -ENOMEM. */
static int card_names_of(const struct crypto_key *index_key, const char *name, struct card_names **out)
{
	struct card_names *cn = calloc(1, sizeof(*cn));
	char *joined_name = NULL, *rev = NULL;
	int rc = cn ? subject_name_entries(index_key, name, &cn->own) : -ENOMEM;

	if (rc > 0 && (rc = joined_given(name, &joined_name)) == 0 && joined_name)
		rc = subject_name_entries(index_key, joined_name, &cn->joined);
	if (rc >= 0 && cn->own.n && (rc = family_first(name, &rev)) == 0 && rev)
		rc = subject_name_entries(index_key, rev, &cn->reversed);
	if (rc == 0 && name && !cn->own.n)
		rc = one_word_forms(index_key, name, cn);
	crypto_free_string(rev);
	crypto_free_string(joined_name);
	if (rc < 0) {
		card_names_free(cn);
		cn = NULL;
	}
	*out = cn;
	return rc < 0 ? rc : 0;
}

/*
 * The blind-index key of value (of kind) by the rule before the written
 * forms were read (strip_forms: a register of catalog schema 9 indexed
 * "<a@b.fi>" and "+46 (0)8 123" so, one of schema 17 a reference with
 * its separators, "19121212-1212") and before the trunk prefixes other
 * than 0 (a register of Denmark indexed "33 12 34 56" as 33123456), into
 * mac: 1 when that form differs from norm (today's), else 0.  Looked up beside today's until `recctl
 * subject reindex` indexes every card by today's rule: a caller whose
 * number a recorder writes so is not made a second subject meanwhile, and
 * the subject found takes today's entry too (subject_resolve).
 */
static int prev_mac(const struct crypto_key *ik, const char *kind, const char *value, const char *cc,
		    const char *norm, uint8_t mac[CRYPTO_MAC_BYTES])
{
	char prev[SUBJECT_NORM_MAX];
	int differs = 0;

	while (isspace((unsigned char)*value))
		value++;
	/* The rule just before the trunk table (written forms read, every
	 * trunk prefix 0): "tel:33123456" was 33123456 in Denmark. */
	if (!strcmp(kind, "phone") && !normalise_with(kind, value, cc, 1, 0, prev, sizeof(prev)))
		differs = strcmp(prev, norm) != 0;
	if (!differs) {
		if (normalise_one(kind, value, cc, 1, prev, sizeof(prev)))
			return 0;
		differs = strcmp(prev, norm) != 0;
		/* A URI by that rule was all its digits, without the '+' its
		 * scheme hid: the same number, or the number and an extension's or
		 * a host's digits glued together (sip:+35840123456@pbx7 was
		 * 358401234567), another person's number.  Only the first is the
		 * same caller. */
		if (differs && !strcmp(kind, "phone") &&
		    (past_prefix(value, "tel:") || past_prefix(value, "sip:") || past_prefix(value, "sips:")))
			differs = norm[0] == '+' && !strcmp(prev, norm + 1);
	}
	/* In a country without a trunk prefix that rule's + form is today's
	 * form of another number: it read the 0 of a number as the prefix
	 * (Italy's 0331 234 5678, or +39 (0)331 234 5678, was
	 * +39 331 234 5678, a mobile's number now).  Not looked up: the
	 * caller is found again after `recctl subject reindex`. */
	if (differs && !strcmp(kind, "phone") && cc && !*trunk_of(cc) && prev[0] == '+')
		differs = 0;
	if (differs)
		crypto_blind_index(ik, kind, prev, mac);
	crypto_memzero(prev, sizeof(prev));
	return differs;
}

/* The holders of mac, then those of mac_prev (when prev) not among them. */
static int holders_of(struct catalog *c, const uint8_t *mac, const uint8_t *mac_prev, struct idlist *out)
{
	struct idlist more = { 0 };
	size_t n = out->n;
	int rc = catalog_index_holders(c, mac, out);

	if (rc == 0 && mac_prev)
		rc = catalog_index_holders(c, mac_prev, &more);
	for (size_t i = 0; rc == 0 && i < more.n; i++)
		if (!idlist_has(out, n, more.id[i]))
			idlist_add(out, more.id[i]);
	idlist_free(&more);
	return rc;
}

/*
 * Whether the middle words of the card's name form f (ne->n_middle[f])
 * agree with one name of found's of that whole given name: the words of
 * one are some of the other's, in order ("José Martínez Soto" and "José
 * Luis Martínez Soto" agree, as "Anna Berg" and "Anna Lena Berg" do,
 * "María García López" and "María Pilar García López", "John Paul Smith"
 * and "John Paul George Smith"; "José Luis" and "José Manuel Martínez
 * Soto" do not, nor do "Hans Peter" and "Hans Jürgen Müller").  A card
 * without middle words agrees with any, and so does a subject indexed
 * before the rule (no mid_mark).  1, 0 or -EIO.
 */
static int middle_agrees(struct reg *r, const struct subject_name_entries *ne, int f, const char *found)
{
	unsigned all;
	int rc;

	if (ne->n_middle[f] <= 0 || (rc = catalog_index_holds(r->cat, ne->mid_mark[f], found)) == 0)
		return 1;
	all = (1u << ne->n_middle[f]) - 1;
	/* the card's words are some of a name's of found */
	if (rc < 0 || (rc = catalog_index_holds(r->cat, ne->mid_sub[f][all], found)) != 0)
		return rc;
	/* a name's of found are some of the card's (none too) */
	for (unsigned mask = 0; rc == 0 && mask < all; mask++)
		rc = catalog_index_holds(r->cat, ne->mid_all[f][mask], found);
	return rc;
}

/*
 * Whether found, a subject given names, holds none of ne's name forms, or
 * of every one it holds a whole given name of the form and not ne's, or
 * ne's and middle words that disagree (middle_agrees): 1, 0, or -EIO.
 */
static int names_disagree(struct reg *r, const struct subject_name_entries *ne, const char *found)
{
	int rc;

	/* One of the card's name forms that the subject holds (a name has
	 * up to SUBJECT_NAME_FORMS: "Sarah Bowes Lyon" is "s lyon" and "s
	 * bowes-lyon"), and of that form the whole given names tell apart,
	 * once the subject has one of the form: not someone else. */
	for (int f = 0; f < SUBJECT_NAME_FORMS; f++) {
		if (!ne->has_name[f])
			continue;
		if ((rc = catalog_index_holds(r->cat, ne->name[f], found)) <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (!ne->has_given[f] || (rc = catalog_index_holds(r->cat, ne->mark[f], found)) == 0)
			return 0;
		if (rc < 0 || (rc = catalog_index_holds(r->cat, ne->given[f], found)) < 0)
			return rc;
		if (rc && (rc = middle_agrees(r, ne, f, found)) != 0)
			return rc < 0 ? rc : 0;
	}
	return 1;
}

/* Whether found holds one of nj's whole given names, and of that form
 * middle words that agree (nj: the card's name, its first two given
 * words joined, joined_given): 1, 0 or -EIO. */
static int joined_agrees(struct reg *r, const struct subject_name_entries *nj, const char *found)
{
	int rc = 0;

	for (int f = 0; rc == 0 && f < SUBJECT_NAME_FORMS; f++) {
		if (!nj->has_given[f])
			continue;
		rc = catalog_index_holds(r->cat, nj->given[f], found);
		if (rc > 0)
			rc = middle_agrees(r, nj, f, found);
	}
	return rc;
}

/*
 * Whether the subject found for card by ids[by] (an e-mail, a reference or
 * a phone number) is someone else: 1 when it was not found by the e-mail,
 * card has an e-mail (ids[1]: had it named a subject that may be this
 * card's, that one was found by it) not held by others alone (not
 * ids[1].others) and the subject has another; when
 * card has a name (ids[NAME_ID]) and the subject
 * has names and not that one (a household's line, a company's customer
 * number: two people who gave one number in two calls are two subjects,
 * and neither's answer lists the other's calls); when card has a whole
 * given name (ids[GIVEN_ID]) and the subject holds whole given names of
 * the same name form (ids[GIVEN_MARK]) and not that one ("Maija
 * Meikäläinen" is not "Matti Meikäläinen", though both are "m
 * meikalainen"); or when the same manifest gave it to another person.  A
 * card of an initial alone ("M. Meikäläinen") is any of the form's whole
 * names; a subject of the form that holds no whole name yet takes the
 * card's.  The names weigh for a subject found by an e-mail too: a
 * family's or a team's mailbox is given by two people ("James Bennett"
 * writing from Olivia Bennett's address is not Olivia), while the one
 * whose address it is is found by it whatever the name's spelling of the
 * same form ("O. Bennett").  A card that says someone else by its own
 * name is not when its given name joined to the word after it is one of
 * the subject's whole given names (cn->joined, joined_agrees: "Per Olof
 * Ängström" is the subject of "Per-Olof Ängström") and the subject holds
 * the card's reference and e-mail, if it gives them: *joined 1 then.  0,
 * 1, or -EIO.
 */
static int someone_else(struct reg *r, const struct ident *ids, const struct card_names *cn, int by,
			const char *found, const char (*taken)[CATALOG_HANDLE_MAX], size_t n_taken, int *joined)
{
	int rc = 0;

	*joined = 0;
	for (size_t i = 0; i < n_taken; i++)
		if (!strcmp(taken[i], found))
			return 1;
	if (by != 1 && ids[1].ok && !ids[1].others && (rc = catalog_index_has_kind(r->cat, found, "email")))
		return rc;
	if (!cn->own.n)
		return 0;
	/* a subject given no name yet takes the card's */
	if ((rc = catalog_index_has_kind(r->cat, found, "name")) <= 0)
		return rc;
	rc = names_disagree(r, &cn->own, found);
	/* "Äijälä Aino Maria", the family name first without a comma, is
	 * the subject's "Aino Äijälä" (family_first) */
	if (rc == 1 && cn->reversed.n && (rc = names_disagree(r, &cn->reversed, found)) != 1)
		return rc;
	if (rc != 1 || !cn->joined.n)
		return rc;
	/* "Per Olof Ängström" is a subject's "Per-Olof Ängström", but only
	 * when it holds the card's reference and e-mail, if it gives them
	 * (not "Anna Lena Berg" with her own number or address on her
	 * daughter Anna-Lena's line) */
	rc = joined_agrees(r, &cn->joined, found);
	for (int i = 0; rc > 0 && i < 2; i++)
		if (ids[i].ok)
			rc = catalog_index_holds(r->cat, ids[i].mac, found);
	if (rc < 0)
		return rc;
	*joined = rc;
	return !rc;
}

/* Whether found holds one of the card's name forms (names 1) or whole
 * given names (names 0): 1, 0 or -EIO. */
static int holds_name(struct reg *r, const struct subject_name_entries *ne, int names, const char *found)
{
	int rc = 0;

	for (int f = 0; rc == 0 && f < SUBJECT_NAME_FORMS; f++)
		if (names ? ne->has_name[f] : ne->has_given[f])
			rc = catalog_index_holds(r->cat, names ? ne->name[f] : ne->given[f], found);
	return rc;
}

/*
 * Of the subjects holding ids[by], the one card names, into found ('\0'
 * when none may be): not someone_else, then the most of the card's other
 * identifiers held, then the first in catalog_index_holders' order.
 * *held: whether any subject holds ids[by].  0 or a negative errno.
 */
static int pick_holder(struct reg *r, const struct ident *ids, const struct card_names *cn, int by,
		       const char (*taken)[CATALOG_HANDLE_MAX], size_t n_taken, char found[CATALOG_HANDLE_MAX],
		       int *held, int *joined)
{
	struct idlist holders = { 0 };
	const struct subject_name_entries *ne = &cn->own;
	int rc = holders_of(r->cat, ids[by].mac, ids[by].prev ? ids[by].mac_prev : NULL, &holders), best = -1;

	found[0] = '\0';
	*held = holders.n > 0;
	*joined = 0;
	for (size_t h = 0; rc == 0 && h < holders.n; h++) {
		int score = 0, by_joined;

		rc = someone_else(r, ids, cn, by, holders.id[h], taken, n_taken, &by_joined);
		if (rc) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		for (int j = 0; rc >= 0 && j < N_IDS; j++) {
			if (j == by || !ids[j].ok)
				continue;
			rc = catalog_index_holds(r->cat, ids[j].mac, holders.id[h]);
			score += rc > 0;
		}
		/* the name form and the whole given name weigh one each, and
		 * the whole name a split gave (the card's word for word) two */
		for (int names = 1; rc >= 0 && names >= 0; names--) {
			rc = holds_name(r, ne, names, holders.id[h]);
			score += rc > 0;
		}
		if (rc >= 0 && ne->has_whole && (rc = catalog_index_holds(r->cat, ne->whole, holders.id[h])) > 0)
			score += 2;
		/* a name of one word: the holder whose family name it is */
		for (int i = 0; rc >= 0 && i < cn->n_word; i++)
			if ((rc = catalog_index_holds(r->cat, cn->word[i], holders.id[h])) > 0) {
				score++;
				break;
			}
		if (rc < 0)
			break;
		rc = 0;
		if (score > best) {
			best = score;
			*joined = by_joined;
			snprintf(found, CATALOG_HANDLE_MAX, "%s", holders.id[h]);
		}
	}
	idlist_free(&holders);
	if (rc)
		found[0] = '\0';
	return rc;
}

/*
 * The one subject, not in taken, that holds the card's short form key
 * (cn->own.short_key: "María García" of "María García López"), the
 * card's e-mail and its reference, if it gives one, into found ('\0'
 * when none is, or more than one).  A card without an e-mail finds none:
 * a reference or a phone may be a family's or a company's ("Carlos
 * Sánchez" on his employer's customer number is not "Carlos Sánchez
 * Vidal", nor the daughter on her mother's booking: atk42 F1).  0 or a
 * negative errno.
 */
static int short_holder(struct reg *r, const struct ident *ids, const struct card_names *cn,
			const char (*taken)[CATALOG_HANDLE_MAX], size_t n_taken, char found[CATALOG_HANDLE_MAX])
{
	struct idlist holders = { 0 };
	size_t n_found = 0;
	int rc = 0;

	found[0] = '\0';
	if (!cn->own.has_short_key || !ids[1].ok)
		return 0;
	rc = catalog_index_holders(r->cat, cn->own.short_key, &holders);
	for (size_t h = 0; rc == 0 && h < holders.n; h++) {
		int holds = 1;

		for (size_t i = 0; holds && i < n_taken; i++)
			holds = strcmp(taken[i], holders.id[h]) != 0;
		for (int i = 0; holds > 0 && i < 2; i++) {
			if (!ids[i].ok)
				continue;
			/* today's form, or the one an older rule indexed */
			holds = catalog_index_holds(r->cat, ids[i].mac, holders.id[h]);
			if (holds == 0 && ids[i].prev)
				holds = catalog_index_holds(r->cat, ids[i].mac_prev, holders.id[h]);
		}
		if (holds < 0)
			rc = holds;
		else if (holds && n_found++ == 0)
			snprintf(found, CATALOG_HANDLE_MAX, "%s", holders.id[h]);
	}
	idlist_free(&holders);
	if (rc || n_found != 1)
		found[0] = '\0';
	return rc;
}

static int given_index_form(const struct crypto_key *index_key, const char *name, int form,
			    uint8_t given[CRYPTO_MAC_BYTES], uint8_t mark[CRYPTO_MAC_BYTES]);

int subject_given_index(const struct crypto_key *index_key, const char *name, uint8_t given[CRYPTO_MAC_BYTES],
			uint8_t mark[CRYPTO_MAC_BYTES])
{
	crypto_memzero(given, CRYPTO_MAC_BYTES);
	crypto_memzero(mark, CRYPTO_MAC_BYTES);
	if (!name)
		return 0;
	return given_index_form(index_key, name, 0, given, mark);
}

/* subject_given_index of name form form (normalise_name). */
static int given_index_form(const struct crypto_key *index_key, const char *name, int form,
			    uint8_t given[CRYPTO_MAC_BYTES], uint8_t mark[CRYPTO_MAC_BYTES])
{
	char norm[SUBJECT_NORM_MAX];
	int rc;

	crypto_memzero(given, CRYPTO_MAC_BYTES);
	crypto_memzero(mark, CRYPTO_MAC_BYTES);
	rc = normalise_name(name, 1, form, norm, sizeof(norm));
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	crypto_blind_index(index_key, SUBJECT_GIVEN_KIND, norm, given);
	rc = normalise_name(name, 0, form, norm, sizeof(norm));
	if (rc == 0)	/* a whole given name has a name form */
		crypto_blind_index(index_key, GIVEN_MARK_DOMAIN, norm, mark);
	crypto_memzero(norm, sizeof(norm));
	if (rc)
		crypto_memzero(given, CRYPTO_MAC_BYTES);
	return rc == 0 ? 1 : rc == -ENOMEM ? rc : 0;
}

/* The blind-index domains of a whole given name's middle words
 * (subject_name_entries' mid_mark, mid_all, mid_sub): no kind's. */
#define MIDDLE_MARK_DOMAIN "middle-of"
#define MIDDLE_ALL_DOMAIN "middle"
#define MIDDLE_SUB_DOMAIN "middle-sub"

/*
 * Into e's form f, the entries of the middle words of name form form of
 * name (name_middle), whose whole given name has the form norm ("jose
 * soto"): of each choice of its words, in order ("luis martinez", "luis",
 * "martinez", none), keyed with norm.  0 (e->n_middle[f] -1 when the form
 * has none), -ENOMEM.
 */
static int add_middle(const struct crypto_key *index_key, const char *name, int form, const char *norm,
		      struct subject_name_entries *e, int f)
{
	struct name_word m[SUBJECT_MIDDLE_WORDS];
	struct strbuf b = { 0 };
	char *folded;
	int k, rc = name_middle(name, form, m, &k, &folded, NULL, NULL);

	e->n_middle[f] = -1;
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	crypto_blind_index(index_key, MIDDLE_MARK_DOMAIN, norm, e->mid_mark[f]);
	for (unsigned mask = 0; mask < 1u << k; mask++) {
		/* "jose soto|luis martinez", "jose soto|luis", ... "jose soto|" */
		strbuf_addf(&b, "%s|", norm);
		for (int j = 0; j < k; j++)
			if (mask & 1u << j)
				strbuf_addf(&b, "%s%.*s", b.s[b.len - 1] == '|' ? "" : " ", (int)m[j].len, m[j].p);
		crypto_blind_index(index_key, MIDDLE_ALL_DOMAIN, b.s, e->mid_all[f][mask]);
		if (mask)
			crypto_blind_index(index_key, MIDDLE_SUB_DOMAIN, b.s, e->mid_sub[f][mask]);
		crypto_memzero(b.s, b.len);
		b.len = 0;
		b.s[0] = '\0';
	}
	crypto_free_string(strbuf_detach(&b));
	crypto_free_string(folded);
	crypto_memzero(m, sizeof(m));
	e->n_middle[f] = k;
	return 0;
}

/*
 * Into e (after its e->n entries), unless it holds them already, the
 * entries of name form form of name (one spelling of the card's name,
 * umlauts_spelt): 0 (none, or e full), 1 (added), -ENOMEM.
 */
static int add_name_form(const struct crypto_key *index_key, const char *name, int form,
			 struct subject_name_entries *e)
{
	char norm[SUBJECT_NORM_MAX];
	uint8_t mac[CRYPTO_MAC_BYTES], given[CRYPTO_MAC_BYTES], mark[CRYPTO_MAC_BYTES];
	int rc = normalise_name(name, 0, form, norm, sizeof(norm)), has_given, f = e->n;

	if (rc)
		return rc == -ENOMEM ? rc : 0;
	crypto_blind_index(index_key, "name", norm, mac);
	crypto_memzero(norm, sizeof(norm));
	rc = given_index_form(index_key, name, form, given, mark);
	if (rc < 0)
		goto out;
	has_given = rc > 0;
	rc = 0;
	if (f == SUBJECT_NAME_FORMS)
		goto out;
	/* the middle words in e's next place, then whether e holds it */
	e->n_middle[f] = -1;
	if (has_given && (rc = normalise_name(name, 1, form, norm, sizeof(norm))) == 0)
		rc = add_middle(index_key, name, form, norm, e, f);
	crypto_memzero(norm, sizeof(norm));
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < e->n; i++)
		if (!memcmp(e->name[i], mac, sizeof(mac)) && e->has_given[i] == has_given &&
		    (!has_given || !memcmp(e->given[i], given, sizeof(given))) &&
		    e->n_middle[i] == e->n_middle[f] &&
		    (e->n_middle[f] < 0 || !memcmp(e->mid_all[i][(1u << e->n_middle[f]) - 1],
						   e->mid_all[f][(1u << e->n_middle[f]) - 1], CRYPTO_MAC_BYTES)))
			goto out;	/* held already */
	memcpy(e->name[f], mac, sizeof(mac));
	e->has_name[f] = 1;
	if ((e->has_given[f] = has_given)) {
		memcpy(e->given[f], given, sizeof(given));
		memcpy(e->mark[f], mark, sizeof(mark));
	}
	e->n++;
	rc = 1;
out:
	if (rc != 1 && f < SUBJECT_NAME_FORMS) {
		/* nothing added: e's next place as it was */
		crypto_memzero(e->mid_mark[f], sizeof(e->mid_mark[f]));
		crypto_memzero(e->mid_all[f], sizeof(e->mid_all[f]));
		crypto_memzero(e->mid_sub[f], sizeof(e->mid_sub[f]));
		e->n_middle[f] = 0;
	}
	crypto_memzero(mac, sizeof(mac));
	crypto_memzero(given, sizeof(given));
	crypto_memzero(mark, sizeof(mark));
	return rc;
}

/* The blind-index domain of the short form's entries (short_entries). */
#define SHORT_DOMAIN "short-of"

/* Whether the folded word p (len bytes) tells a generation ("John Smith
 * III", "Robert Brown Jr"): no family name, and the word before it no
 * first family name of two (atk35 F1). */
static int generational(const char *p, size_t len)
{
	static const char *const words[] = { "jr", "sr", "jun", "sen", "junior", "senior", "ii", "iii", "iv",
					      "vi", "vii", "viii", "ix", "filho", "neto", "sobrinho" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && !memcmp(words[i], p, len))
			return 1;
	return 0;
}

/*
 * e's short form entries of name (subject_name_entries' short_key,
 * short_sub), of a name with a whole given name and at most
 * SUBJECT_MIDDLE_WORDS middle words (name_middle, form 0): the card's key
 * (of at most SUBJECT_MIDDLE_WORDS - 1: the family name's last word is
 * one more), and of a name with middle words the subject's.  Each is
 * "given|words" folded.  0 (set, or none), -ENOMEM.
 */
static int short_entries(const struct crypto_key *index_key, const char *name, struct subject_name_entries *e)
{
	struct name_word m[SUBJECT_MIDDLE_WORDS], ends[2];
	struct strbuf b = { 0 };
	char *folded = NULL;
	int k, more, rc = name_middle(name, 0, m, &k, &folded, ends, &more);

	if (rc || more || generational(ends[1].p, ends[1].len)) {
		crypto_free_string(folded);
		return rc == -ENOMEM ? rc : 0;
	}
	/* the card's: "maria|garcia", "juan|carlos perez" */
	if (k < SUBJECT_MIDDLE_WORDS) {
		strbuf_addf(&b, "%.*s|", (int)ends[0].len, ends[0].p);
		for (int j = 0; j < k; j++)
			strbuf_addf(&b, "%.*s ", (int)m[j].len, m[j].p);
		strbuf_addf(&b, "%.*s", (int)ends[1].len, ends[1].p);
		crypto_blind_index(index_key, SHORT_DOMAIN, b.s, e->short_key);
		e->has_short_key = 1;
		crypto_memzero(b.s, b.len);
		b.len = 0;
	}
	/* the subject's: each choice of the middle words with the last */
	for (unsigned mask = 0; k > 0 && mask < 1u << (k - 1); mask++) {
		strbuf_addf(&b, "%.*s|", (int)ends[0].len, ends[0].p);
		for (int j = 0; j < k - 1; j++)
			if (mask & 1u << j)
				strbuf_addf(&b, "%.*s ", (int)m[j].len, m[j].p);
		strbuf_addf(&b, "%.*s", (int)m[k - 1].len, m[k - 1].p);
		crypto_blind_index(index_key, SHORT_DOMAIN, b.s, e->short_sub[e->n_short++]);
		crypto_memzero(b.s, b.len);
		b.len = 0;
	}
	if (b.s)
		crypto_free_string(strbuf_detach(&b));
	crypto_free_string(folded);
	crypto_memzero(m, sizeof(m));
	crypto_memzero(ends, sizeof(ends));
	return 0;
}

/*
 * The spellings of a name's umlauts: of each name form (NAME_SHAPES),
 * first the name as written and with every umlaut spelt, then each
 * spelling of its words with umlauts, one spelt and another not
 * (umlauts_spelt's mask), till e is full; entries that two spellings
 * share are held once.
 */
/*
 * e->whole of name (subject.h): of a name with a whole given name only;
 * its words folded and joined by one space.  0 (set, or no whole given
 * name: has_whole 0), -ENOMEM.
 */
static int whole_entries(const struct crypto_key *index_key, const char *name, struct subject_name_entries *e)
{
	uint8_t given[CRYPTO_MAC_BYTES], mark[CRYPTO_MAC_BYTES];
	char *folded = NULL, *w, *out = NULL;
	size_t k = 0;
	int rc = given_index_form(index_key, name, 0, given, mark);

	crypto_memzero(given, sizeof(given));
	crypto_memzero(mark, sizeof(mark));
	if (rc <= 0)
		return rc;
	rc = subject_fold_name(name, &folded);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	out = calloc(1, strlen(folded) + 1);
	if (!out) {
		crypto_free_string(folded);
		return -ENOMEM;
	}
	for (w = folded; *w;) {
		size_t n;

		w += strspn(w, " \t\n\r\v\f.,");
		n = strcspn(w, " \t\n\r\v\f.,");
		if (!n)
			break;
		if (k)
			out[k++] = ' ';
		memcpy(out + k, w, n);
		k += n;
		w += n;
	}
	out[k] = '\0';
	if (k) {
		crypto_blind_index(index_key, SUBJECT_WHOLE_KIND, out, e->whole);
		e->has_whole = 1;
	}
	crypto_free_string(folded);
	crypto_free_string(out);
	return 0;
}

int subject_name_entries(const struct crypto_key *index_key, const char *name, struct subject_name_entries *e)
{
	int rc = 0, words = 0;
	char *alt = NULL;

	crypto_memzero(e, sizeof(*e));
	if (name && (rc = umlauts_spelt(name, 0, &alt, &words)) == 0)
		crypto_free_string(alt);
	/* pass 0: masks 0 and all; pass 1: the others */
	for (int pass = 0; name && rc >= 0 && pass < 2; pass++) {
		unsigned all = (1u << words) - 1;

		for (int form = 0; rc >= 0 && form < NAME_SHAPES; form++) {
			for (unsigned m = pass ? 1 : 0; rc >= 0 && m <= all; m += pass ? 1 : all ? all : 1) {
				if (pass && m == all)
					break;
				alt = NULL;
				if (m && (rc = umlauts_spelt(name, m, &alt, NULL)))
					break;
				rc = add_name_form(index_key, alt ? alt : name, form, e);
				crypto_free_string(alt);
			}
		}
	}
	if (name && rc >= 0)
		rc = whole_entries(index_key, name, e);
	if (name && rc >= 0)
		rc = short_entries(index_key, name, e);
	if (rc < 0)
		crypto_memzero(e, sizeof(*e));
	return rc < 0 ? rc : e->n;
}

int subject_put_name_entries(struct catalog *c, const struct subject_name_entries *e, const char *handle)
{
	int rc = 0;

	for (int f = 0; rc == 0 && f < SUBJECT_NAME_FORMS; f++) {
		if (e->has_name[f])
			rc = catalog_put_index(c, e->name[f], handle, "name");
		if (rc == 0 && e->has_given[f])
			rc = catalog_put_index(c, e->given[f], handle, SUBJECT_GIVEN_KIND);
		if (rc == 0 && e->has_given[f])
			rc = catalog_put_index(c, e->mark[f], handle, SUBJECT_GIVEN_KIND);
		if (rc == 0 && e->has_given[f] && e->n_middle[f] >= 0)
			rc = catalog_put_index(c, e->mid_mark[f], handle, SUBJECT_MIDDLE_KIND);
		if (rc == 0 && e->has_given[f] && e->n_middle[f] >= 0)
			rc = catalog_put_index(c, e->mid_all[f][(1u << e->n_middle[f]) - 1], handle,
					       SUBJECT_MIDDLE_KIND);
		for (unsigned m = 1; rc == 0 && e->has_given[f] && e->n_middle[f] > 0 && m < 1u << e->n_middle[f]; m++)
			rc = catalog_put_index(c, e->mid_sub[f][m], handle, SUBJECT_MIDDLE_KIND);
	}
	for (int i = 0; rc == 0 && i < e->n_short; i++)
		rc = catalog_put_index(c, e->short_sub[i], handle, SUBJECT_MIDDLE_KIND);
	return rc;
}

int subject_put_whole_entries(struct catalog *c, const struct subject_name_entries *e, const char *handle)
{
	int rc = 0;

	if (e->has_whole)
		rc = catalog_put_index(c, e->whole, handle, SUBJECT_WHOLE_KIND);
	return rc;
}

int subject_drop_name_entries(struct catalog *c, const struct subject_name_entries *e, const char *handle)
{
	int rc = 0;

	for (int f = 0; rc == 0 && f < SUBJECT_NAME_FORMS; f++) {
		if (e->has_name[f])
			rc = catalog_drop_index_entry(c, e->name[f], handle);
		if (rc == 0 && e->has_given[f])
			rc = catalog_drop_index_entry(c, e->given[f], handle);
		if (rc == 0 && e->has_given[f])
			rc = catalog_drop_index_entry(c, e->mark[f], handle);
		if (rc == 0 && e->has_given[f] && e->n_middle[f] >= 0)
			rc = catalog_drop_index_entry(c, e->mid_mark[f], handle);
		if (rc == 0 && e->has_given[f] && e->n_middle[f] >= 0)
			rc = catalog_drop_index_entry(c, e->mid_all[f][(1u << e->n_middle[f]) - 1], handle);
		for (unsigned m = 1; rc == 0 && e->has_given[f] && e->n_middle[f] > 0 && m < 1u << e->n_middle[f]; m++)
			rc = catalog_drop_index_entry(c, e->mid_sub[f][m], handle);
	}
	for (int i = 0; rc == 0 && i < e->n_short; i++)
		rc = catalog_drop_index_entry(c, e->short_sub[i], handle);
	return rc;
}

/* Whether entry j of y holds middle words that agree with those of entry
 * i of x (middle_agrees, of two names' entries alone). */
static int entries_middles_agree(const struct subject_name_entries *x, int i, const struct subject_name_entries *y,
				 int j)
{
	unsigned xall, yall;

	if (x->n_middle[i] <= 0 || y->n_middle[j] <= 0)
		return 1;
	xall = (1u << x->n_middle[i]) - 1;
	yall = (1u << y->n_middle[j]) - 1;
	for (unsigned m = 1; m <= yall; m++)
		if (!memcmp(x->mid_sub[i][xall], y->mid_sub[j][m], CRYPTO_MAC_BYTES))
			return 1;
	for (unsigned m = 0; m <= xall; m++)
		if (!memcmp(x->mid_all[i][m], y->mid_all[j][yall], CRYPTO_MAC_BYTES))
			return 1;
	return 0;
}

int subject_entries_agree(const struct subject_name_entries *x, const struct subject_name_entries *y)
{
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++)
			if (!memcmp(x->name[i], y->name[j], CRYPTO_MAC_BYTES) &&
			    (!x->has_given[i] || !y->has_given[j] ||
			     (!memcmp(x->given[i], y->given[j], CRYPTO_MAC_BYTES) && entries_middles_agree(x, i, y, j))))
				return 1;
	return 0;
}

int subject_entries_parted(const struct subject_name_entries *x, const struct subject_name_entries *y)
{
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++)
			if (!memcmp(x->name[i], y->name[j], CRYPTO_MAC_BYTES))
				return !subject_entries_agree(x, y);
	return 0;
}

int subject_put_call_name(struct reg *r, const struct crypto_key *index_key, const char *name, const char *handle)
{
	struct card_names *cn;
	int rc = card_names_of(index_key, name, &cn), joined = 0, reversed = 0;

	if (rc == 0 && (cn->joined.n || cn->reversed.n) && (rc = catalog_index_has_kind(r->cat, handle, "name")) > 0 &&
	    (rc = names_disagree(r, &cn->own, handle)) > 0) {
		/* the reading that agrees with the subject's names is the one
		 * put: the family name first (family_first), or the given
		 * name joined (joined_agrees) */
		if (cn->reversed.n && (rc = names_disagree(r, &cn->reversed, handle)) == 0)
			reversed = 1;
		else if (rc >= 0 && cn->joined.n)
			rc = joined = joined_agrees(r, &cn->joined, handle);
	}
	if (rc >= 0 && cn->own.n)
		rc = subject_put_name_entries(r->cat, reversed ? &cn->reversed : joined ? &cn->joined : &cn->own,
					      handle);
	card_names_free(cn);
	return rc < 0 ? rc : 0;
}

int subject_new_card(struct reg *r, const struct subject_card *card, int details_from,
		     char handle[CATALOG_HANDLE_MAX])
{
	char found[CATALOG_HANDLE_MAX], card_id[RECFS_ID_HEX];
	json_t *j = NULL;
	char *text = NULL;
	int rc;

	/* A fresh handle; retry on the (unlikely) collision. */
	for (int tries = 0;; tries++) {
		new_handle(found);
		rc = handle_free(r, found, card_id);
		if (rc == 1)
			break;
		if (rc)
			return rc;
		if (tries > 100)
			return meta_fail(-EEXIST, "cannot allocate a subject handle");
	}
	/* with its handle, sealed: a subject's row pointed at another's card
	 * is told (SUBJECT_CARD_HANDLE) */
	j = json_pack("{s:s, s:[], s:s?, s:s?, s:s?, s:s?, s:s?}", SUBJECT_CARD_HANDLE, found, SUBJECT_CARD_MERGED,
		      "name", card->name, "phone", card->phone, "email", card->email, "organisation", card->organisation,
		      "ref", card->ref);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (!text) {
		rc = -ENOMEM;
		goto out;
	}
	crypto_new_id(card_id);
	rc = seal_write_record(r, card_id, text, strlen(text), details_from);
	if (rc == 0)
		rc = catalog_put_subject(r->cat, found, card_id);
	/* a card above the details level keeps its level */
	if (rc == 0 && details_from > r->policy->details_level)
		rc = catalog_set_subject_level(r->cat, found, r->policy->levels[details_from].name);
	if (rc == 0)
		snprintf(handle, CATALOG_HANDLE_MAX, "%s", found);
out:
	jsonmem_free_text(text);
	json_decref(j);
	return rc;
}

int subject_resolve(struct reg *r, const struct crypto_key *index_key, const struct subject_card *card,
		    int details_from, const char (*taken)[CATALOG_HANDLE_MAX], size_t n_taken,
		    char handle[CATALOG_HANDLE_MAX], int *created, int *short_form)
{
	/* In the order they are looked up in: see subject.h.  The name is
	 * never looked up (NAME_ID, GIVEN_ID, GIVEN_MARK): it tells people
	 * apart (someone_else). */
	struct ident ids[N_IDS] = {
		{ .kind = "ref", .value = card->ref },
		{ .kind = "email", .value = card->email },
		{ .kind = "phone", .value = card->phone },
	};
	struct card_names *cn;
	static const int order[3] = { 1, 0, 2 };	/* e-mail, reference, phone */
	char found[CATALOG_HANDLE_MAX] = "", norm[SUBJECT_NORM_MAX];
	int rc = 0, joined = 0, by_short = 0;

	for (int i = 0; i < N_IDS; i++) {
		if (!ids[i].value)
			continue;
		/* A value that is no identifier (no digit, no e-mail) matches
		 * nothing and is not indexed.  Ingest leaves such a value off
		 * the card (rights_check_card_value); a card of an older recfs
		 * keeps one. */
		rc = subject_normalise(ids[i].kind, ids[i].value, r->policy->phone_country_code, norm, sizeof(norm));
		if (rc == -ENOMEM)
			return rc;
		if (rc) {
			rc = 0;
			continue;
		}
		crypto_blind_index(index_key, ids[i].kind, norm, ids[i].mac);
		ids[i].prev = prev_mac(index_key, ids[i].kind, ids[i].value, r->policy->phone_country_code, norm,
				       ids[i].mac_prev);
		crypto_memzero(norm, sizeof(norm));
		ids[i].ok = 1;
	}
	if ((rc = card_names_of(index_key, card->name, &cn)))
		return rc;
	for (int k = 0; k < 3 && !found[0]; k++) {
		int i = order[k], held = 0;

		if (ids[i].ok && (rc = pick_holder(r, ids, cn, i, taken, n_taken, found, &held, &joined)))
			goto out;
		/* an e-mail held, by none that may be this card's: by others */
		ids[i].others = held && !found[0];
	}
	/* The short form, the given name and the first family name alone,
	 * when no subject holding the card's identifiers may be it by its
	 * name: "María García" on María García López's own e-mail (bb12
	 * F2).  It takes no name entries of it, which her daughter "María
	 * García Ruiz" would agree with, and the call's details say so
	 * (*short_form: reindex and split put no names of it). */
	if (!found[0]) {
		if ((rc = short_holder(r, ids, cn, taken, n_taken, found)))
			goto out;
		by_short = found[0] != '\0';
	}
	if (short_form)
		*short_form = by_short;
	*created = !found[0];
	if (!found[0]) {
		if ((rc = subject_new_card(r, card, details_from, found)))
			goto out;
	}
	for (int i = 0; i < N_IDS; i++) {
		if (ids[i].ok && (rc = catalog_put_index(r->cat, ids[i].mac, found, ids[i].kind)))
			goto out;
	}
	/* found by the joined reading, the subject's own spelling: it takes
	 * that reading's entries, never "Per Olof"'s whole given name "Per"
	 * (another person's: Per Ängström's) */
	if (!by_short)
		rc = subject_put_name_entries(r->cat, joined ? &cn->joined : &cn->own, found);
	if (rc == 0)
		snprintf(handle, CATALOG_HANDLE_MAX, "%s", found);
out:
	card_names_free(cn);
	return rc;
}

int subject_find_all(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		     struct idlist *out)
{
	uint8_t mac[CRYPTO_MAC_BYTES], mac_prev[CRYPTO_MAC_BYTES];
	char norm[SUBJECT_NORM_MAX];
	size_t n = out->n;
	int rc, prev;

	rc = subject_normalise(kind, value, r->policy->phone_country_code, norm, sizeof(norm));
	if (rc)
		return rc;
	crypto_blind_index(index_key, kind, norm, mac);
	prev = prev_mac(index_key, kind, value, r->policy->phone_country_code, norm, mac_prev);
	crypto_memzero(norm, sizeof(norm));
	rc = holders_of(r->cat, mac, prev ? mac_prev : NULL, out);
	return rc ? rc : out->n > n ? 0 : -ENOENT;
}

int subject_find(struct reg *r, const struct crypto_key *index_key, const char *kind, const char *value,
		 char handle[CATALOG_HANDLE_MAX])
{
	struct idlist all = { 0 };
	int rc = subject_find_all(r, index_key, kind, value, &all);

	if (rc == 0)
		snprintf(handle, CATALOG_HANDLE_MAX, "%s", all.id[0]);
	idlist_free(&all);
	return rc;
}

int subject_card_of(const json_t *card, const char *handle)
{
	const char *h = json_string_value(json_object_get(card, SUBJECT_CARD_HANDLE));

	return !h ? -1 : !strcmp(h, handle);
}

int subject_card_theirs(struct reg *r, const char *handle, const char *card_id, const json_t *card)
{
	int of = card ? subject_card_of(card, handle) : -1;

	return of >= 0 ? !of : catalog_card_shared(r->cat, handle, card_id);
}

int subject_card_merged(const json_t *card, struct idlist *out)
{
	const json_t *list = json_object_get(card, SUBJECT_CARD_MERGED), *v;
	size_t i;

	if (!list)
		return 0;
	if (!json_is_array(list))
		return meta_fail(-EIO, "a subject's card: its list of merged subjects is not a list");
	json_array_foreach(list, i, v) {
		const char *h = json_string_value(v);

		if (!subject_handle_form(h))
			return meta_fail(-EIO, "a subject's card: its list of merged subjects holds no handle at %zu", i);
		idlist_add(out, h);
	}
	return 1;
}

int subject_read_card(struct reg *r, const struct keyring *kr, const char *level, const char *handle,
		      char **json, size_t *len)
{
	char card_id[RECFS_ID_HEX];
	json_t *j;
	int rc = catalog_get_subject(r->cat, handle, card_id), theirs;

	if (rc)
		return rc;
	if ((rc = seal_read_record(r, kr, level, card_id, json, len)))
		return rc;
	j = json_loadb(*json, *len, 0, NULL);
	theirs = subject_card_theirs(r, handle, card_id, j);
	json_decref(j);
	if (theirs == 0)
		return 0;
	crypto_freezero(*json, *len);
	*json = NULL;
	*len = 0;
	return theirs < 0 ? theirs
			  : meta_fail(-EIO, "the card record of %s is another subject's: changed outside recfs "
					    "(recctl fsck)", handle);
}

int subject_basis_objectable(const char *basis)
{
	return basis && (!strcmp(basis, "legitimate_interests") || !strcmp(basis, "public_task"));
}

int subject_purpose_objectable(const struct policy *p, int purpose)
{
	return policy_purpose_may_be_on(p, purpose, "legitimate_interests") ||
	       policy_purpose_may_be_on(p, purpose, "public_task");
}

int subject_objects_to(struct reg *r, const char *handle, const char *purpose)
{
	int64_t since;
	int rc = catalog_get_objection(r->cat, handle, purpose, &since);

	if (rc == -ENOENT)
		return 0;
	return rc ? rc : 1;
}

int subject_reindex_advised(struct reg *r, char **why)
{
	int rc = catalog_get_meta(r->cat, SUBJECT_REINDEX_META, why);

	if (rc == -ENOENT) {
		meta_clear_error();
		*why = NULL;
		return 0;
	}
	return rc ? rc : 1;
}
