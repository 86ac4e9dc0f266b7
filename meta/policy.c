/*
 * policy.c - the register's policy: parse policy.conf and validate it (the
 * notice rendered from it is notice.c).
 *
 * inih does the grammar (sections, "key = value", " ;" inline comments,
 * indented continuation lines), but Debian builds it without line numbers
 * in the handler, so we feed it through our own line reader: the reader
 * counts lines, recognises section headers itself (also the empty ones,
 * which never reach a handler), and notices lines that inih drops without
 * a handler call.  Every error thus carries FILE:LINE.  Raw values are
 * collected per section first and checked only once the whole file is
 * read, so that references may point forward ([register] details_level
 * names a level defined below) and one run lists every error, by line.
 * Two liberties with inih's grammar: a line whose first non-blank is '['
 * is always a section header (inih would continue the previous value with
 * it when indented), and " ;" starts a comment on continuation lines too.
 *
 * A policy handed out holds these invariants, which the rest of libmeta
 * relies on: at least one level, purpose and source; exactly one level has
 * rights = yes and it is the highest; every index (details_level,
 * rights_level, min_level, purpose) is in range; a purpose's chat_level
 * and attachment_level are -1 or in range and not below its min_level;
 * every name matches [a-z0-9][a-z0-9_-]{0,31} and is unique within its kind
 * (names end up in paths and key file names); retention <= max_retention
 * from any start date; a recipient outside the EEA has a safeguard; a
 * purpose names special categories (special_categories) exactly when it
 * names their Art. 9(2) condition (special_condition), and explicit
 * consent only when every basis its recordings may have (legal_basis,
 * allowed_bases, a source's legal_basis) is consent.  Absent optional keys:
 * max_retention = retention, rights = no, no group, no users, the source's
 * legal basis is its purpose's, chat_level and attachment_level -1 (seal.c
 * seals chats and shared files from details_level, as the details), no
 * allowed_bases beside the purpose's legal_basis, quarantine_retention
 * 30 days, no phone_country_code (phone numbers are indexed as written),
 * the only language "en", recipient kind "recipient", no
 * supervisory_authority (policy_supervisory_authority says whom the notice
 * names instead), no special categories (special_condition -1).
 * A phone_country_code handed out is 1 to 3 digits, the first not 0.
 *
 * Languages: the texts a data subject reads (stypes[].texts) may be given
 * per language as KEY[LANG]; [register] languages lists the languages,
 * first language first.  KEY without a tag is the first language's text,
 * so a policy written before languages reads as it did (in English).  The
 * tagged values wait in the section until the languages are known; the
 * first language's is then folded into the key itself, so every check of
 * a required text stays what it was.  A text missing in one language is a
 * warning, not an error: the notice shows the first language's instead.
 * Two keys are labels rather than texts (stypes[].labels): a source's
 * data_source and a recipient's safeguard are recorded as written (on
 * every recording, in every disclosure's audit entry), so KEY stays the
 * label in whatever words the controller chose, and KEY[LANG], the first
 * language's included, only gives the notice its words for it; a language
 * without them shows the label.  KEY[LANG] without KEY is an error, since
 * the label is what the register records.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "export.h"
#include "keys.h"
#include "policy.h"

#define MAX_KEYS 20	/* more than the keys of the largest section type */

const char *const policy_legal_bases[] = {
	"consent", "contract", "legal_obligation", "vital_interests", "public_task",
	"legitimate_interests", NULL,
};

const char *const policy_special_categories[] = {
	"racial_or_ethnic_origin", "political_opinions", "religious_or_philosophical_beliefs", "trade_union_membership",
	"genetic", "biometric", "health", "sex_life_or_orientation", NULL,
};

const char *const policy_special_conditions[] = {
	"explicit_consent", "employment_social_security", "vital_interests", "not_for_profit_body", "made_public",
	"legal_claims", "substantial_public_interest", "health_or_social_care", "public_health",
	"archiving_research_statistics", NULL,
};

const char *const policy_languages[] = { "fi", "en", "sv", "de", "fr", NULL };

const char *const policy_recipient_kinds[] = {
	[POLICY_RECIPIENT_OTHER] = "recipient",
	[POLICY_RECIPIENT_AUTHORITY] = "authority",
	[POLICY_RECIPIENT_INTERNAL] = "internal-register",
	[POLICY_RECIPIENT_NKINDS] = NULL,
};

enum stype { S_REGISTER, S_LEVEL, S_PURPOSE, S_SOURCE, S_RECIPIENT, S_NTYPES };

static const struct stype_def {
	const char *word;
	int named;
	const char *keys[MAX_KEYS + 1];
	unsigned required;	/* bit i: keys[i] must be present */
	unsigned texts;		/* bit i: keys[i] is a text, given per language as keys[i][LANG] */
	unsigned labels;	/* bit i: keys[i] is a label, kept as written; keys[i][LANG] its words */
} stypes[S_NTYPES] = {
	[S_REGISTER] = { "register", 0,
			 { "name", "controller", "contact", "privacy_contact", "details_level",
			   "quarantine_retention", "audit_retention", "phone_country_code", "languages", "requests_how",
			   "retention_note", "sources", "transfers", "disclosures", "access_terms",
			   "request_retention", "supervisory_authority", "time_zone" },
			 0x1f, 0x17e0f, 0 },
	[S_LEVEL] = { "level", 1, { "group", "users", "rights" }, 0, 0, 0 },
	[S_PURPOSE] = { "purpose", 1,
			{ "description", "legal_basis", "min_level", "retention", "max_retention", "chat_level",
			  "attachment_level", "allowed_bases", "special_categories", "special_condition" },
			0x0f, 0x01, 0 },
	[S_SOURCE] = { "source", 1, { "kind", "purpose", "legal_basis", "data_source", "recorded" }, 0x0b, 0x10,
		       0x08 },
	[S_RECIPIENT] = { "recipient", 1, { "name", "eea", "safeguard", "kind" }, 0x03, 0x01, 0x04 },
};

/* Key indices, per section type, as in stypes[].keys. */
enum { R_NAME, R_CONTROLLER, R_CONTACT, R_PRIVACY, R_DETAILS, R_QUARANTINE, R_AUDIT, R_PHONE_CC, R_LANGUAGES,
       R_REQUESTS_HOW, R_RETENTION_NOTE, R_SOURCES, R_TRANSFERS, R_DISCLOSURES, R_ACCESS_TERMS, R_REQUEST,
       R_AUTHORITY, R_TIME_ZONE };
enum { L_GROUP, L_USERS, L_RIGHTS };
enum { P_DESC, P_BASIS, P_MIN_LEVEL, P_RETENTION, P_MAX_RETENTION, P_CHAT_LEVEL, P_ATTACHMENT_LEVEL, P_ALLOWED_BASES,
       P_SPECIAL_CATEGORIES, P_SPECIAL_CONDITION };
enum { SRC_KIND, SRC_PURPOSE, SRC_BASIS, SRC_DATA_SOURCE, SRC_RECORDED };
enum { RCP_NAME, RCP_EEA, RCP_SAFEGUARD, RCP_KIND };

/* A text key given for one language ("description[en] = ..."). */
struct tval {
	int k;				/* key index */
	char lang[POLICY_LANG_BYTES];
	char *val;
	int line;
};

/* One section of the file as read, before validation. */
struct sect {
	enum stype type;
	char *name;		/* NULL for [register] */
	int line;
	int idx;		/* index into the policy's array of its type */
	int key_line[MAX_KEYS];	/* 0: key absent */
	unsigned refused;	/* bit k: keys[k] was on a line refused unread */
	char *val[MAX_KEYS];
	struct tval *tv;	/* the text keys given with a [LANG] */
	size_t n_tv;
};

struct pol_err {
	int line;
	size_t seq;
	char *msg;
};

struct parser {
	const char *path;
	const char *buf;
	size_t len, pos;
	int line;		/* the line last handed to inih */
	int indented;		/* it starts with white space */
	int content;		/* it must reach the handler (not blank, comment, header) */
	int handled;		/* it did */
	int in_section;		/* a section header has been read */
	int cur;		/* index into sects; -1: keys here are ignored */
	int prev_key;		/* inih's prev_name is set: indented lines continue it */
	int last_k;		/* key index that continuations extend; -1: none */
	int last_tv;		/* or index into the section's tv; -1: none */
	struct sect *sects;
	size_t n_sects;
	struct pol_err *errs;
	size_t n_errs;
	struct pol_err *warns;
	size_t n_warns;
};

static void add_err(struct parser *ps, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void add_warn(struct parser *ps, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void add_msg(struct pol_err **list, size_t *n, int line, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg)
		msg = xstrdup("out of memory");
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n].line = line > 0 ? line : 1;
	(*list)[*n].seq = *n;
	(*list)[*n].msg = msg;
	(*n)++;
}

static void add_err(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(&ps->errs, &ps->n_errs, line, fmt, ap);
	va_end(ap);
}

static void add_warn(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(&ps->warns, &ps->n_warns, line, fmt, ap);
	va_end(ap);
}

static int err_cmp(const void *a, const void *b)
{
	const struct pol_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Names of levels, purposes, sources and recipients: they end up in paths. */
static int valid_name(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 1; s[i]; i++) {
		if (i >= 32)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	}
	return 1;
}

/*
 * Unix user and group names as useradd/groupadd accept them (loosely), and
 * as directory services give them through NSS: sssd's fully qualified
 * names (user@domain) and winbind's without its default domain
 * (DOMAIN\user), up to LOGIN_NAME_MAX - 1 bytes.
 */
static int valid_unix_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) && c < 0x80)
			continue;
		if (c == '_' || c == '-' || c == '.' || c == '@' || c == '\\')
			continue;
		if (c == '$' && i == n - 1)
			continue;
		return 0;
	}
	return 1;
}

static int key_index(const struct stype_def *def, const char *name)
{
	for (int k = 0; def->keys[k]; k++)
		if (!strcmp(def->keys[k], name))
			return k;
	return -1;
}

/* "[level training]" for messages; points into buf. */
static const char *label(const struct sect *sc, char *buf, size_t size)
{
	if (sc->name)
		snprintf(buf, size, "[%s %s]", stypes[sc->type].word, sc->name);
	else
		snprintf(buf, size, "[%s]", stypes[sc->type].word);
	return buf;
}

/*
 * A section header line (p at its '[').  Mirrors inih: the header ends at
 * the first ']' unless an inline comment (" ;") comes first.
 */
static void section_header(struct parser *ps, const char *p)
{
	const char *end = NULL, *q;
	char *inner = NULL, *type, *name, *e;
	int t = -1;

	for (q = p + 1; *q; q++) {
		if (*q == ']') {
			end = q;
			break;
		}
		if (*q == ';' && isspace((unsigned char)q[-1]))
			break;
	}
	ps->in_section = 1;
	ps->cur = -1;
	if (!end) {
		add_err(ps, ps->line, "section header without ']'");
		return;
	}
	/* inih drops whatever follows the ']': "[level agents] group = x"
	 * would leave the level without its group, and say nothing.  A
	 * comment may follow, ';' or '#', right after it too (inih took
	 * those, and policies were written so). */
	for (q = end + 1; isspace((unsigned char)*q); q++)
		;
	if (*q && *q != ';' && *q != '#') {
		size_t n = strcspn(q, "\r\n"), cut = n;

		if (cut > 40)	/* not inside a character */
			for (cut = 40; cut > 0 && ((unsigned char)q[cut] & 0xc0) == 0x80; cut--)
				;
		add_err(ps, ps->line, "text after the section header: '%.*s%s' (a key goes on a line of its own)",
			(int)cut, q, cut < n ? "..." : "");
	}
	ps->prev_key = 0;
	ps->last_k = -1;
	ps->last_tv = -1;
	inner = xasprintf("%.*s", (int)(end - p - 1), p + 1);
	type = inner;
	while (isspace((unsigned char)*type))
		type++;
	name = type;
	while (*name && !isspace((unsigned char)*name))
		name++;
	if (*name)
		*name++ = '\0';
	while (isspace((unsigned char)*name))
		name++;
	e = name + strlen(name);
	while (e > name && isspace((unsigned char)e[-1]))
		*--e = '\0';
	for (int i = 0; i < S_NTYPES; i++)
		if (!strcmp(stypes[i].word, type))
			t = i;
	if (t < 0) {
		add_err(ps, ps->line,
			"unknown section type '%s' (expected register, level, purpose, source or recipient)",
			type);
		goto out;
	}
	if (stypes[t].named && !*name) {
		add_err(ps, ps->line, "[%s] needs a name, as in [%s NAME]", type, type);
		goto out;
	}
	if (!stypes[t].named && *name) {
		add_err(ps, ps->line, "[%s] takes no name", type);
		goto out;
	}
	if (*name && !valid_name(name))
		add_err(ps, ps->line,
			"bad %s name '%s': use 1 to 32 of a-z, 0-9, '_' and '-', starting with a letter or digit",
			type, name);
	else if (t == S_LEVEL && !strcmp(name, KEYS_INDEX_NAME))
		add_err(ps, ps->line, "a level may not be called '%s' (that is the ingest keyring's name)", name);
	else if (t == S_RECIPIENT && (!strcmp(name, EXPORT_TO_SUBJECT) || !strcmp(name, EXPORT_TO_PARTICIPANT)))
		add_err(ps, ps->line, "a recipient may not be called '%s': the answers use that name for %s", name,
			strcmp(name, EXPORT_TO_SUBJECT) ? "a copy given to another participant of a recording"
							: "a data subject's own copy");
	for (size_t i = 0; i < ps->n_sects; i++) {
		struct sect *o = &ps->sects[i];

		if ((int)o->type == t && (!o->name ? !*name : !strcmp(o->name, name))) {
			add_err(ps, ps->line, "duplicate section [%s%s%s] (first at line %d)", type,
				*name ? " " : "", name, o->line);
			goto out;
		}
	}
	ps->sects = xrealloc(ps->sects, (ps->n_sects + 1) * sizeof(*ps->sects));
	memset(&ps->sects[ps->n_sects], 0, sizeof(*ps->sects));
	ps->sects[ps->n_sects].type = (enum stype)t;
	ps->sects[ps->n_sects].name = *name ? xstrdup(name) : NULL;
	ps->sects[ps->n_sects].line = ps->line;
	ps->sects[ps->n_sects].idx = -1;
	ps->cur = (int)ps->n_sects++;
out:
	free(inner);
}

/* The line just handed to inih is over: did inih drop a content line? */
static void finish_line(struct parser *ps)
{
	if (ps->line > 0 && ps->content && !ps->handled)
		add_err(ps, ps->line, "expected 'key = value'");
	ps->content = 0;
}

/*
 * Line s (n bytes) is refused before inih sees it (a NUL byte, not UTF-8,
 * too long), its error already given.  When it held a key of the current
 * section, that key is not reported missing as well: note it.  A
 * continuation line holds no key, and one whose key cannot be read
 * hides nothing.
 */
static void note_refused(struct parser *ps, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *k, *ke;
	struct sect *sc;
	char *name;
	int i;

	if (ps->cur < 0)
		return;
	sc = &ps->sects[ps->cur];
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p > s && ps->prev_key)
		return;
	k = p;
	while (p < end && *p != '=' && *p != ':' && *p != '\n')
		p++;
	if (p == end || *p == '\n')
		return;
	ke = p;
	while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
		ke--;
	if (memchr(k, '\0', (size_t)(ke - k)))
		return;
	name = xasprintf("%.*s", (int)(ke - k), k);
	i = key_index(&stypes[sc->type], name);
	if (i >= 0)
		sc->refused |= 1u << i;
	free(name);
}

/* fgets-like reader for ini_parse_stream(), one physical line per call. */
static char *policy_reader(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	const char *s, *nl, *p;
	size_t n;

	finish_line(ps);
	if (ps->pos >= ps->len || num < 2)
		return NULL;
	s = ps->buf + ps->pos;
	nl = memchr(s, '\n', ps->len - ps->pos);
	n = nl ? (size_t)(nl - s) + 1 : ps->len - ps->pos;
	ps->pos += n;
	ps->line++;
	ps->handled = 0;
	ps->indented = 0;
	if (memchr(s, '\0', n)) {
		add_err(ps, ps->line, "NUL byte in line");
		goto blank;
	}
	if (!util_utf8_valid(s, n)) {
		add_err(ps, ps->line, "not valid UTF-8");
		goto blank;
	}
	if (n > (size_t)num - 1) {
		add_err(ps, ps->line,
			"line too long (at most %d bytes; continue a long value on indented lines)",
			num - 2);
		goto blank;
	}
	/* Its texts go into the notice and the answer letters as they are:
	 * a control character there would act on a reader's terminal or
	 * forge a line.  The line's end may be CR LF. */
	{
		size_t text = n - (nl ? 1 : 0), at;
		uint32_t cp;

		if (text && s[text - 1] == '\r')
			text--;
		/* and the invisible marks that reorder what is around them or
		 * hide in a text */
		at = util_find_control(s, text, UTIL_CTRL_TAB | UTIL_CTRL_MARKS, &cp);
		if (at < text) {
			add_err(ps, ps->line,
				"control character U+%04X at byte %zu: a policy is text, with tabs as its only "
				"control character",
				(unsigned)cp, at + 1);
			goto blank;
		}
	}
	memcpy(str, s, n);
	str[n] = '\0';
	for (p = str; isspace((unsigned char)*p); p++)
		;
	ps->indented = p > str;
	if (!*p || *p == ';' || *p == '#')
		return str;
	if (*p == '[') {
		/* inih would take an indented header for a continuation line */
		memmove(str, p, strlen(p) + 1);
		section_header(ps, str);
		return str;
	}
	ps->content = 1;
	return str;
blank:
	note_refused(ps, s, n);
	strcpy(str, "\n");
	return str;
}

/*
 * Length of value without an inline comment and the white space before it:
 * inih 55 leaves " ; comment" on continuation lines.
 */
static int inline_comment(const char *value)
{
	size_t n = 0;

	while (value[n] && !(value[n] == ';' && n > 0 && isspace((unsigned char)value[n - 1])))
		n++;
	while (n > 0 && isspace((unsigned char)value[n - 1]))
		n--;
	return (int)n;
}

/* A language tag as the policy may write it: two or three of a-z. */
static int valid_lang(const char *s, size_t n)
{
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* "key[LANG] = value": kept aside until the languages are known. */
static int text_key(struct parser *ps, struct sect *sc, const char *name, const char *value)
{
	const char *open = strchr(name, '['), *close = strchr(open, ']');
	char *key = xasprintf("%.*s", (int)(open - name), name), lb[80];
	int k = key_index(&stypes[sc->type], key);
	size_t n = close ? (size_t)(close - open - 1) : 0;

	if (k < 0) {
		add_err(ps, ps->line, "unknown key '%s' in %s", name, label(sc, lb, sizeof(lb)));
		goto out;
	}
	if (!((stypes[sc->type].texts | stypes[sc->type].labels) & (1u << k))) {
		add_err(ps, ps->line, "'%s' in %s is not a text: it takes no [LANG]", key, label(sc, lb, sizeof(lb)));
		goto out;
	}
	if (!close || close[1] || !valid_lang(open + 1, n)) {
		add_err(ps, ps->line, "bad language tag in '%s': write %s[LANG] with LANG two or three of a-z, as %s[fi]",
			name, key, key);
		goto out;
	}
	for (size_t i = 0; i < sc->n_tv; i++) {
		if (sc->tv[i].k == k && !strncmp(sc->tv[i].lang, open + 1, n) && !sc->tv[i].lang[n]) {
			add_err(ps, ps->line, "duplicate key '%s' in %s (first at line %d)", name,
				label(sc, lb, sizeof(lb)), sc->tv[i].line);
			goto out;
		}
	}
	sc->tv = xrealloc(sc->tv, (sc->n_tv + 1) * sizeof(*sc->tv));
	memset(&sc->tv[sc->n_tv], 0, sizeof(*sc->tv));
	sc->tv[sc->n_tv].k = k;
	memcpy(sc->tv[sc->n_tv].lang, open + 1, n);
	sc->tv[sc->n_tv].val = xstrdup(value);
	sc->tv[sc->n_tv].line = ps->line;
	ps->last_tv = (int)sc->n_tv++;
out:
	free(key);
	return 1;
}

static int policy_handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *ps = user;
	struct sect *sc;
	char lb[80];
	int k;

	(void)section; /* we track sections ourselves, with their lines */
	ps->handled = 1;
	if (ps->indented && ps->prev_key) {
		/* a continuation line: inih hands it in under the previous key */
		if (ps->cur >= 0 && (ps->last_k >= 0 || ps->last_tv >= 0)) {
			struct sect *cs = &ps->sects[ps->cur];
			char **v = ps->last_tv >= 0 ? &cs->tv[ps->last_tv].val : &cs->val[ps->last_k];
			int n = inline_comment(value);
			char *j = xasprintf("%s%s%.*s", *v, **v && n ? " " : "", n, value);

			free(*v);
			*v = j;
		}
		return 1;
	}
	ps->prev_key = 1;
	ps->last_k = -1;
	ps->last_tv = -1;
	if (!ps->in_section) {
		add_err(ps, ps->line, "'%s' outside any section", name);
		return 1;
	}
	if (ps->cur < 0)
		return 1; /* a bad section header, already reported */
	sc = &ps->sects[ps->cur];
	if (strchr(name, '['))
		return text_key(ps, sc, name, value);
	k = key_index(&stypes[sc->type], name);
	if (k < 0) {
		add_err(ps, ps->line, "unknown key '%s' in %s", name, label(sc, lb, sizeof(lb)));
	} else if (sc->key_line[k]) {
		add_err(ps, ps->line, "duplicate key '%s' in %s (first at line %d)", name,
			label(sc, lb, sizeof(lb)), sc->key_line[k]);
	} else {
		sc->key_line[k] = ps->line;
		sc->val[k] = xstrdup(value);
		ps->last_k = k;
	}
	return 1;
}

/* Index of s in policy_legal_bases; -1 when it is none of them. */
static int basis_index(const char *s)
{
	for (int i = 0; s && policy_legal_bases[i]; i++)
		if (!strcmp(policy_legal_bases[i], s))
			return i;
	return -1;
}

int policy_is_legal_basis(const char *s)
{
	return basis_index(s) >= 0;
}

int policy_basis_allowed(const struct policy *p, int purpose, int source, const char *basis)
{
	const struct policy_purpose *pu;
	int i = basis_index(basis);

	if (i < 0 || purpose < 0 || (size_t)purpose >= p->n_purposes)
		return 0;
	pu = &p->purposes[purpose];
	if (!strcmp(pu->legal_basis, basis) || (pu->allowed_bases & (1u << i)))
		return 1;
	return source >= 0 && (size_t)source < p->n_sources && p->sources[source].purpose == purpose &&
	       p->sources[source].legal_basis && !strcmp(p->sources[source].legal_basis, basis);
}

int policy_purpose_may_be_on(const struct policy *p, int purpose, const char *basis)
{
	for (int s = -1; s < (int)p->n_sources; s++)
		if (policy_basis_allowed(p, purpose, s, basis))
			return 1;
	return 0;
}

/* 0, or -EINVAL (syntax) / -ERANGE (zero or over a hundred years: 36525
 * days of 365.25, 1200 months or 100 years, as recfs-policy(5) says). */
static int parse_period(const char *s, struct policy_period *out)
{
	long n = 0;
	const char *p = s;
	char unit;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > 1000000)
			return -ERANGE;
		p++;
	}
	unit = *p++;
	if ((unit != 'd' && unit != 'm' && unit != 'y') || *p)
		return -EINVAL;
	if (n <= 0 || (unit == 'd' && n > 36525) || (unit == 'm' && n > 1200) ||
	    (unit == 'y' && n > 100))
		return -ERANGE;
	out->n = (int)n;
	out->unit = unit;
	return 0;
}

int64_t policy_period_add(int64_t from, struct policy_period per)
{
	switch (per.unit) {
	case 'd':
		return from + (int64_t)per.n * 86400;
	case 'm':
		return util_add_months(from, per.n);
	case 'y':
		return util_add_months(from, per.n * 12);
	default:
		return from;
	}
}

int64_t policy_period_sub(int64_t from, struct policy_period per)
{
	switch (per.unit) {
	case 'd':
		return from - (int64_t)per.n * 86400;
	case 'm':
		return util_add_months(from, -per.n);
	case 'y':
		return util_add_months(from, -per.n * 12);
	default:
		return from;
	}
}

void policy_period_format(struct policy_period per, char buf[16])
{
	snprintf(buf, 16, "%d%c", per.n, per.unit);
}

/* Days against months are compared from every day of a four-year cycle,
 * so that "31d <= 1m" fails (February). */
int policy_period_le(struct policy_period a, struct policy_period b)
{
	const int64_t base = 1704067200; /* 2024-01-01, a leap year */

	if (a.unit == b.unit)
		return a.n <= b.n;
	if (a.unit != 'd' && b.unit != 'd')
		return (a.unit == 'y' ? a.n * 12 : a.n) <= (b.unit == 'y' ? b.n * 12 : b.n);
	for (int i = 0; i < 4 * 366; i++) {
		int64_t t = base + (int64_t)i * 86400;

		if (policy_period_add(t, a) > policy_period_add(t, b))
			return 0;
	}
	return 1;
}

static int parse_yesno(const char *s, int *out)
{
	if (!strcmp(s, "yes"))
		*out = 1;
	else if (!strcmp(s, "no"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

int policy_level_index(const struct policy *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->n_levels; i++)
		if (p->levels[i].name && !strcmp(p->levels[i].name, name))
			return (int)i;
	return -1;
}

int policy_purpose_index(const struct policy *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->n_purposes; i++)
		if (p->purposes[i].name && !strcmp(p->purposes[i].name, name))
			return (int)i;
	return -1;
}

int policy_source_index(const struct policy *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->n_sources; i++)
		if (p->sources[i].name && !strcmp(p->sources[i].name, name))
			return (int)i;
	return -1;
}

int policy_recipient_index(const struct policy *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->n_recipients; i++)
		if (p->recipients[i].name && !strcmp(p->recipients[i].name, name))
			return (int)i;
	return -1;
}

void policy_transfer_basis(const struct policy_recipient *r, char *buf, size_t size)
{
	const char *kind = policy_recipient_kinds[r->kind];

	if (r->eea)
		snprintf(buf, size, " kind=%s transfer=EEA", kind);
	else
		snprintf(buf, size, " kind=%s transfer=outside-EEA safeguard=%.*s", kind, POLICY_BASIS_SAFEGUARD_MAX,
			 r->safeguard ? r->safeguard : "none");
}

int policy_lang_index(const struct policy *p, const char *lang)
{
	for (size_t i = 0; p && lang && i < p->n_langs; i++)
		if (!strcmp(p->langs[i], lang))
			return (int)i;
	return -1;
}

const char *policy_text(const struct policy *p, const struct policy_text *t, int lang)
{
	if (lang >= 0 && (size_t)lang < p->n_langs && t->in[lang])
		return t->in[lang];
	for (size_t i = 0; i < p->n_langs; i++)
		if (t->in[i])
			return t->in[i];
	return NULL;
}

/*
 * The one place that decides whom the notice and the answer letter name
 * for a complaint.  Without the key, a register whose numbers are Finnish,
 * or that says nothing of its country (every policy before the key was
 * there, the shipped one among them), keeps the Finnish Ombudsman that
 * every earlier notice and letter named; any other country's register
 * names none rather than the wrong one.
 */
enum policy_authority policy_supervisory_authority(const struct policy *p, int lang, const char **text)
{
	const char *t = policy_text(p, &p->supervisory_authority, lang);

	*text = t;
	if (t)
		return POLICY_AUTHORITY_GIVEN;
	if (!p->phone_country_code || !strcmp(p->phone_country_code, "358"))
		return POLICY_AUTHORITY_FINLAND;
	return POLICY_AUTHORITY_UNNAMED;
}

const char *policy_label(const struct policy *p, const char *plain, const struct policy_text *t, int lang)
{
	if (lang >= 0 && (size_t)lang < p->n_langs && t->in[lang])
		return t->in[lang];
	return plain;
}

static void text_free(struct policy_text *t)
{
	for (int i = 0; i < POLICY_MAX_LANGS; i++)
		free(t->in[i]);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_levels; i++) {
		free(p->levels[i].name);
		free(p->levels[i].group);
		for (size_t j = 0; j < p->levels[i].n_users; j++)
			free(p->levels[i].users[j]);
		free(p->levels[i].users);
	}
	for (size_t i = 0; i < p->n_purposes; i++) {
		free(p->purposes[i].name);
		free(p->purposes[i].description);
		text_free(&p->purposes[i].description_t);
		free(p->purposes[i].legal_basis);
	}
	for (size_t i = 0; i < p->n_sources; i++) {
		free(p->sources[i].name);
		free(p->sources[i].kind);
		free(p->sources[i].legal_basis);
		free(p->sources[i].data_source);
		text_free(&p->sources[i].data_source_t);
		text_free(&p->sources[i].recorded);
	}
	for (size_t i = 0; i < p->n_recipients; i++) {
		free(p->recipients[i].name);
		free(p->recipients[i].display);
		text_free(&p->recipients[i].display_t);
		free(p->recipients[i].safeguard);
		text_free(&p->recipients[i].safeguard_t);
	}
	free(p->levels);
	free(p->purposes);
	free(p->sources);
	free(p->recipients);
	free(p->path);
	free(p->reg_name);
	free(p->controller);
	free(p->contact);
	free(p->privacy_contact);
	free(p->phone_country_code);
	free(p->time_zone);
	free(p->time_zone_missing);
	text_free(&p->reg_name_t);
	text_free(&p->controller_t);
	text_free(&p->contact_t);
	text_free(&p->privacy_contact_t);
	text_free(&p->requests_how);
	text_free(&p->retention_note);
	text_free(&p->sources_note);
	text_free(&p->transfers);
	text_free(&p->disclosures);
	text_free(&p->access_terms);
	text_free(&p->supervisory_authority);
	free(p->warnings);
	free(p);
}

/* A required text value: NULL (reported) when empty. */
static char *text_value(struct parser *ps, const struct sect *sc, int k)
{
	char lb[80];

	if (!sc->val[k])
		return NULL;
	if (!*sc->val[k]) {
		add_err(ps, sc->key_line[k], "'%s' in %s must not be empty",
			stypes[sc->type].keys[k], label(sc, lb, sizeof(lb)));
		return NULL;
	}
	return xstrdup(sc->val[k]);
}

/*
 * Text key k of sc in every language into t: the first language's is
 * sc->val[k] (validate folded key[FIRST] into it), the others the key's
 * [LANG] values.  A text given in some language but not in another is
 * warned about: the notice in that language shows the first one's.  For a
 * label (stypes[].labels) t gets only the [LANG] values, the first
 * language's too, and sc->val[k] stays the label: a language is warned
 * about only when the label has words in another one, and [LANG] without
 * the label itself is an error.
 */
static void lang_texts(struct parser *ps, const struct policy *p, const struct sect *sc, int k,
		       struct policy_text *t)
{
	const char *key = stypes[sc->type].keys[k];
	int is_label = (stypes[sc->type].labels >> k) & 1, line = sc->key_line[k], given = 0;
	char lb[80];

	if (!is_label && sc->val[k] && *sc->val[k])
		t->in[0] = xstrdup(sc->val[k]);
	for (size_t i = 0; i < sc->n_tv; i++) {
		const struct tval *v = &sc->tv[i];
		int li = policy_lang_index(p, v->lang);

		if (v->k != k || li < (is_label ? 0 : 1))
			continue;
		if (!line)
			line = v->line;
		given++;
		if (!*v->val)
			add_err(ps, v->line, "'%s[%s]' in %s must not be empty", key, v->lang, label(sc, lb, sizeof(lb)));
		else
			t->in[li] = xstrdup(v->val);
	}
	if (is_label && given && (!sc->val[k] || !*sc->val[k]) && !(stypes[sc->type].required & (1u << k)))
		add_err(ps, line, "'%s[LANG]' in %s without '%s': give the %s itself too, as the register records it",
			key, label(sc, lb, sizeof(lb)), key, key);
	if (!line || (is_label && !given))
		return;
	if (!is_label && sc->val[k] && !*sc->val[k]) {
		/* text_value has said it of a required key */
		if (!(stypes[sc->type].required & (1u << k)))
			add_err(ps, sc->key_line[k], "'%s' in %s is empty: give its text, or leave the key out", key,
				label(sc, lb, sizeof(lb)));
		return;
	}
	for (size_t i = 0; i < p->n_langs; i++)
		if (!t->in[i])
			add_warn(ps, line, "%s has no '%s' text in language %s%s", label(sc, lb, sizeof(lb)), key,
				 p->langs[i],
				 is_label ? ": its notice shows the label as written"
				 : i	  ? ": its notice shows the first language's"
					  : "");
}

static int level_ref(struct parser *ps, const struct policy *p, const struct sect *sc, int k)
{
	int i;

	if (!sc->val[k])
		return -1;
	i = policy_level_index(p, sc->val[k]);
	if (i < 0)
		add_err(ps, sc->key_line[k], "%s: no level named '%s'", stypes[sc->type].keys[k],
			sc->val[k]);
	return i;
}

/* A purpose's chat_level or attachment_level: -1 when absent; never below
 * its min_level (a level that may not hear the call must not read its chat). */
static int kind_level_ref(struct parser *ps, const struct policy *p, const struct sect *sc, int k, int min_level)
{
	char lb[80];
	int i = level_ref(ps, p, sc, k);

	if (i >= 0 && min_level >= 0 && i < min_level) {
		add_err(ps, sc->key_line[k], "%s %s in %s is below its min_level %s (line %d)",
			stypes[sc->type].keys[k], sc->val[k], label(sc, lb, sizeof(lb)), p->levels[min_level].name,
			sc->key_line[P_MIN_LEVEL]);
		return -1;
	}
	return i;
}

static char *basis_value(struct parser *ps, const struct sect *sc, int k)
{
	if (!sc->val[k] || (!*sc->val[k] && sc->type == S_SOURCE))
		return NULL;
	if (!policy_is_legal_basis(sc->val[k])) {
		add_err(ps, sc->key_line[k],
			"legal_basis '%s' is not one of consent, contract, legal_obligation, "
			"vital_interests, public_task, legitimate_interests",
			sc->val[k]);
		return NULL;
	}
	return xstrdup(sc->val[k]);
}

/* The next word of a list ("a, b c") at *v, malloc'd, and *v past it;
 * NULL at the list's end (also when *v is NULL). */
static char *next_word(const char **v)
{
	size_t n;
	char *w;

	while (*v && (**v == ' ' || **v == '\t' || **v == ','))
		(*v)++;
	if (!*v || !**v)
		return NULL;
	n = strcspn(*v, " \t,");
	w = xasprintf("%.*s", (int)n, *v);
	*v += n;
	return w;
}

/* A list of legal bases ("consent, contract"), as a bit set of their
 * indices in policy_legal_bases; each one that is none is reported. */
static unsigned bases_value(struct parser *ps, const struct sect *sc, int k)
{
	const char *v = sc->val[k];
	unsigned set = 0;
	char *b;

	while ((b = next_word(&v))) {
		int i = basis_index(b);

		if (i < 0)
			add_err(ps, sc->key_line[k],
				"allowed_bases: '%s' is not one of consent, contract, legal_obligation, "
				"vital_interests, public_task, legitimate_interests",
				b);
		else
			set |= 1u << i;
		free(b);
	}
	return set;
}

static int period_value(struct parser *ps, const struct sect *sc, int k, struct policy_period *out)
{
	int rc;

	if (!sc->val[k])
		return -ENOENT;
	rc = parse_period(sc->val[k], out);
	if (rc == -ERANGE)
		add_err(ps, sc->key_line[k], "%s '%s' must be more than zero and at most 100 years",
			stypes[sc->type].keys[k], sc->val[k]);
	else if (rc)
		add_err(ps, sc->key_line[k], "bad %s '%s' (use e.g. 90d, 12m or 2y)",
			stypes[sc->type].keys[k], sc->val[k]);
	return rc;
}

static int yesno_value(struct parser *ps, const struct sect *sc, int k, int *out)
{
	if (!sc->val[k])
		return -ENOENT;
	if (parse_yesno(sc->val[k], out)) {
		add_err(ps, sc->key_line[k], "%s must be yes or no, not '%s'",
			stypes[sc->type].keys[k], sc->val[k]);
		return -EINVAL;
	}
	return 0;
}

/*
 * A level's group must be its own: one group for two levels gives its
 * members the higher one, whatever the lower was meant for; and root's
 * group (gid 0) would give a level to every process that runs with gid 0,
 * while root itself is an operator with no level.  Groups are looked up
 * when a caller's level is (fs/caller.c), not here, and a policy may be
 * checked on a host that lacks them, so a group unknown on this host is
 * no error (recctl policy check warns of it); gid 0 is refused when the
 * group is known, a duplicate by name always.  The levels before sc are
 * checked already.
 */
static void check_level_group(struct parser *ps, const struct policy *p, const struct sect *sc)
{
	const char *g = p->levels[sc->idx].group;
	gid_t gid = 1;

	for (int i = 0; i < sc->idx; i++) {
		if (p->levels[i].group && !strcmp(p->levels[i].group, g)) {
			add_err(ps, sc->key_line[L_GROUP],
				"group '%s' is also the group of [level %s]: each level needs a group of its own", g,
				p->levels[i].name);
			return;
		}
	}
	if (util_group_gid(g, &gid) == 0 && gid == 0)
		add_err(ps, sc->key_line[L_GROUP],
			"group '%s' is gid 0, root's group: a level needs a group of its own (groupadd)", g);
}

static void check_level(struct parser *ps, struct policy *p, const struct sect *sc)
{
	struct policy_level *l = &p->levels[sc->idx];
	const char *v = sc->val[L_USERS];
	char *u;

	l->group_line = sc->key_line[L_GROUP];
	l->users_line = sc->key_line[L_USERS];
	if (sc->val[L_GROUP] && *sc->val[L_GROUP]) {
		if (valid_unix_name(sc->val[L_GROUP]))
			l->group = xstrdup(sc->val[L_GROUP]);
		else
			add_err(ps, sc->key_line[L_GROUP], "bad group name '%s'", sc->val[L_GROUP]);
	}
	if (l->group)
		check_level_group(ps, p, sc);
	while ((u = next_word(&v))) {
		if (!valid_unix_name(u)) {
			add_err(ps, sc->key_line[L_USERS], "bad user name '%s'", u);
			free(u);
			continue;
		}
		l->users = xrealloc(l->users, (l->n_users + 1) * sizeof(*l->users));
		l->users[l->n_users++] = u;
	}
	if (yesno_value(ps, sc, L_RIGHTS, &l->rights))
		l->rights = 0;
}

/* Index of s in the NULL-terminated list t; -1 when it is none of them. */
static int word_index(const char *const *t, const char *s)
{
	for (int i = 0; s && t[i]; i++)
		if (!strcmp(t[i], s))
			return i;
	return -1;
}

/* The words of the NULL-terminated list t, as "a, b, c"; malloc'd. */
static char *words_of(const char *const *t)
{
	struct strbuf b = { 0 };

	for (int i = 0; t[i]; i++)
		strbuf_addf(&b, "%s%s", i ? ", " : "", t[i]);
	return strbuf_detach(&b);
}

/* [purpose] special_categories ("health, genetic"), as a bit set of their
 * indices in policy_special_categories; each word that is none is
 * reported, and so is a list without a word. */
static unsigned categories_value(struct parser *ps, const struct sect *sc, int k)
{
	const char *v = sc->val[k];
	unsigned set = 0;
	char *w, lb[80];
	int n = 0;

	while ((w = next_word(&v))) {
		int i = word_index(policy_special_categories, w);

		n++;
		if (i < 0) {
			char *all = words_of(policy_special_categories);

			add_err(ps, sc->key_line[k], "special_categories: '%s' is not one of %s (GDPR Art. 9(1))", w,
				all);
			free(all);
		} else {
			set |= 1u << i;
		}
		free(w);
	}
	if (sc->key_line[k] && !n)
		add_err(ps, sc->key_line[k],
			"special_categories in %s names no category: name them, as special_categories = health, "
			"or leave the key out",
			label(sc, lb, sizeof(lb)));
	return set;
}

/*
 * A purpose's special categories (Art. 9(1)) and the condition of Art.
 * 9(2) they are processed on come together: such data without a
 * condition may not be processed at all, and a condition without a
 * category is a condition for nothing.  Explicit consent (Art. 9(2)(a)) is
 * a consent, which the data subject may withdraw (Art. 7(3)); withdrawing
 * it erases the recordings based on consent only (rights.h), so a purpose
 * on explicit consent must give its recordings no basis but consent
 * (Art. 6(1)(a)), or one on a contract would keep the special categories
 * after the consent to them is gone.  A source's legal_basis is checked
 * by special_sources, once every purpose is read.
 */
static void check_special(struct parser *ps, struct policy_purpose *pu, const struct sect *sc)
{
	const char *v = sc->val[P_SPECIAL_CONDITION];
	char lb[80];

	pu->special_condition = -1;
	pu->special_categories = categories_value(ps, sc, P_SPECIAL_CATEGORIES);
	if (v) {
		pu->special_condition = word_index(policy_special_conditions, v);
		if (pu->special_condition < 0) {
			char *all = words_of(policy_special_conditions);

			add_err(ps, sc->key_line[P_SPECIAL_CONDITION],
				"special_condition '%s' is not one of %s (GDPR Art. 9(2)(a) to (j))", v, all);
			free(all);
		}
	}
	if (sc->key_line[P_SPECIAL_CATEGORIES] && !v)
		add_err(ps, sc->key_line[P_SPECIAL_CATEGORIES],
			"%s names special_categories but no special_condition: give the condition of GDPR Art. 9(2) "
			"they are processed on, as special_condition = explicit_consent",
			label(sc, lb, sizeof(lb)));
	if (v && !sc->key_line[P_SPECIAL_CATEGORIES])
		add_err(ps, sc->key_line[P_SPECIAL_CONDITION],
			"%s gives special_condition but no special_categories: name the special categories of data "
			"(GDPR Art. 9(1)) it is the condition for, or leave it out",
			label(sc, lb, sizeof(lb)));
	if (pu->special_condition != POLICY_EXPLICIT_CONSENT)
		return;
	if (pu->legal_basis && strcmp(pu->legal_basis, "consent"))
		add_err(ps, sc->key_line[P_SPECIAL_CONDITION],
			"special_condition explicit_consent in %s needs legal_basis consent (line %d), not %s: explicit "
			"consent (GDPR Art. 9(2)(a)) is a consent, and a recording on another basis would outlive its "
			"withdrawal",
			label(sc, lb, sizeof(lb)), sc->key_line[P_BASIS], pu->legal_basis);
	for (int i = 0; policy_legal_bases[i]; i++)
		if ((pu->allowed_bases & (1u << i)) && strcmp(policy_legal_bases[i], "consent"))
			add_err(ps, sc->key_line[P_SPECIAL_CONDITION],
				"special_condition explicit_consent in %s allows no basis but consent: allowed_bases "
				"(line %d) names %s",
				label(sc, lb, sizeof(lb)), sc->key_line[P_ALLOWED_BASES], policy_legal_bases[i]);
}

/* A source that gives recordings of a purpose on explicit consent another
 * legal_basis than consent (check_special says why not). */
static void special_sources(struct parser *ps, const struct policy *p)
{
	char lb[80];

	for (size_t i = 0; i < ps->n_sects; i++) {
		const struct sect *sc = &ps->sects[i];
		const struct policy_source *s = sc->type == S_SOURCE ? &p->sources[sc->idx] : NULL;

		if (!s || s->purpose < 0 || !s->legal_basis || !strcmp(s->legal_basis, "consent") ||
		    p->purposes[s->purpose].special_condition != POLICY_EXPLICIT_CONSENT)
			continue;
		for (size_t j = 0; j < ps->n_sects; j++)
			if (ps->sects[j].type == S_PURPOSE && ps->sects[j].idx == s->purpose)
				add_err(ps, sc->key_line[SRC_BASIS],
					"legal_basis %s in %s: its purpose %s has special_condition explicit_consent "
					"(line %d), which allows no basis but consent",
					s->legal_basis, label(sc, lb, sizeof(lb)), p->purposes[s->purpose].name,
					ps->sects[j].key_line[P_SPECIAL_CONDITION]);
	}
}

static void check_purpose(struct parser *ps, struct policy *p, const struct sect *sc)
{
	struct policy_purpose *pu = &p->purposes[sc->idx];
	int r1, r2;
	char a[16], b[16];

	pu->description = text_value(ps, sc, P_DESC);
	lang_texts(ps, p, sc, P_DESC, &pu->description_t);
	pu->legal_basis = basis_value(ps, sc, P_BASIS);
	pu->allowed_bases = bases_value(ps, sc, P_ALLOWED_BASES);
	check_special(ps, pu, sc);
	pu->min_level = level_ref(ps, p, sc, P_MIN_LEVEL);
	pu->chat_level = kind_level_ref(ps, p, sc, P_CHAT_LEVEL, pu->min_level);
	pu->attachment_level = kind_level_ref(ps, p, sc, P_ATTACHMENT_LEVEL, pu->min_level);
	r1 = period_value(ps, sc, P_RETENTION, &pu->retention);
	r2 = period_value(ps, sc, P_MAX_RETENTION, &pu->max_retention);
	if (r2 == -ENOENT && r1 == 0)
		pu->max_retention = pu->retention;
	else if (r1 == 0 && r2 == 0 && !policy_period_le(pu->retention, pu->max_retention)) {
		policy_period_format(pu->retention, a);
		policy_period_format(pu->max_retention, b);
		add_err(ps, sc->key_line[P_RETENTION],
			"retention %s is longer than max_retention %s (line %d)", a, b,
			sc->key_line[P_MAX_RETENTION]);
	}
}

static void check_source(struct parser *ps, struct policy *p, const struct sect *sc)
{
	struct policy_source *s = &p->sources[sc->idx];
	const char *v;

	s->purpose = -1;
	v = sc->val[SRC_KIND];
	if (v && (!strcmp(v, "call") || !strcmp(v, "meeting")))
		s->kind = xstrdup(v);
	else if (v)
		add_err(ps, sc->key_line[SRC_KIND], "kind must be call or meeting, not '%s'", v);
	v = sc->val[SRC_PURPOSE];
	if (v) {
		s->purpose = policy_purpose_index(p, v);
		if (s->purpose < 0)
			add_err(ps, sc->key_line[SRC_PURPOSE], "purpose: no purpose named '%s'", v);
	}
	s->legal_basis = basis_value(ps, sc, SRC_BASIS);
	s->data_source = text_value(ps, sc, SRC_DATA_SOURCE);
	lang_texts(ps, p, sc, SRC_DATA_SOURCE, &s->data_source_t);
	lang_texts(ps, p, sc, SRC_RECORDED, &s->recorded);
}

static void check_recipient(struct parser *ps, struct policy *p, const struct sect *sc)
{
	struct policy_recipient *r = &p->recipients[sc->idx];
	char lb[80];

	r->display = text_value(ps, sc, RCP_NAME);
	lang_texts(ps, p, sc, RCP_NAME, &r->display_t);
	r->kind = POLICY_RECIPIENT_OTHER;
	if (sc->val[RCP_KIND]) {
		int i = 0;

		while (policy_recipient_kinds[i] && strcmp(policy_recipient_kinds[i], sc->val[RCP_KIND]))
			i++;
		if (policy_recipient_kinds[i])
			r->kind = (enum policy_recipient_kind)i;
		else
			add_err(ps, sc->key_line[RCP_KIND],
				"kind must be recipient, authority or internal-register, not '%s'", sc->val[RCP_KIND]);
	}
	if (sc->val[RCP_SAFEGUARD] && *sc->val[RCP_SAFEGUARD])
		r->safeguard = xstrdup(sc->val[RCP_SAFEGUARD]);
	lang_texts(ps, p, sc, RCP_SAFEGUARD, &r->safeguard_t);
	r->eea = 1;
	if (yesno_value(ps, sc, RCP_EEA, &r->eea) == 0 && !r->eea && !r->safeguard)
		add_err(ps, sc->key_line[RCP_EEA],
			"%s is outside the EEA and needs a 'safeguard' (e.g. EU SCCs 2021/914)",
			label(sc, lb, sizeof(lb)));
}

/*
 * [register] phone_country_code: an ITU-T E.164 country calling code, 1 to
 * 3 digits not starting with 0, with or without a leading '+'; kept as its
 * digits.  NULL when absent (reported when malformed).
 */
static char *country_code_value(struct parser *ps, const struct sect *sc, int k)
{
	const char *v = sc->val[k], *d;
	size_t n;

	if (!v)
		return NULL;
	d = v[0] == '+' ? v + 1 : v;
	n = strspn(d, "0123456789");
	if (n >= 1 && n <= 3 && !d[n] && d[0] != '0')
		return xstrdup(d);
	add_err(ps, sc->key_line[k],
		"phone_country_code '%s' is not a country calling code: give its 1 to 3 digits, "
		"as 358 (Finland) or +46 (Sweden)",
		v);
	return NULL;
}

int policy_time_zone_named(const char *name)
{
	/* not a path out of the database, nor a name that is no place's
	 * civil time: right/ counts leap seconds (a letter 27 s early),
	 * localtime is the machine's own zone, posixrules and Factory are
	 * the database's plumbing (atk46 F7) */
	return name[0] && name[0] != '/' && !strstr(name, "..") && strlen(name) < 200 &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") == strlen(name) &&
	       strncmp(name, "right/", 6) && strcmp(name, "localtime") && strcmp(name, "posixrules") &&
	       strcmp(name, "Factory");
}

int policy_time_zone_ok(const char *name)
{
	char path[256], magic[4];
	int fd, ok;

	if (!strcmp(name, "UTC"))
		return 1;
	if (!policy_time_zone_named(name) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", UTIL_ZONEINFO, name) >= sizeof(path))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ok = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "TZif", 4);
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * [register] time_zone: a zone name (policy_time_zone_named, else an
 * error), NULL when absent.  One this machine's tz database lacks is a
 * warning and leaves p->time_zone NULL (letters in UTC) with the name in
 * p->time_zone_missing: a tzdata upgrade that drops an old name (Debian
 * moved US/Eastern and others to tzdata-legacy) must not keep the
 * register from opening, mounting, ingesting or sweeping (atk46 F1);
 * `policy check`, `policy apply` and `init` refuse it (recctl).
 */
static char *time_zone_value(struct parser *ps, struct policy *p, const struct sect *sc, int k)
{
	const char *v = sc->val[k];

	if (!v)
		return NULL;
	if (!policy_time_zone_named(v)) {
		add_err(ps, sc->key_line[k],
			"time_zone '%s' is no zone name of the tz database: give one, as Europe/Helsinki or UTC "
			"(not a path, right/..., localtime, posixrules or Factory)",
			v);
		return NULL;
	}
	if (policy_time_zone_ok(v))
		return xstrdup(v);
	p->time_zone_missing = xstrdup(v);
	add_warn(ps, sc->key_line[k],
		 "time_zone '%s' is not in this machine's tz database (" UTIL_ZONEINFO ", Debian's tzdata or "
		 "tzdata-legacy): letters give UTC times until it is",
		 v);
	return NULL;
}

static void check_register(struct parser *ps, struct policy *p, const struct sect *sc)
{
	p->reg_name = text_value(ps, sc, R_NAME);
	p->controller = text_value(ps, sc, R_CONTROLLER);
	p->contact = text_value(ps, sc, R_CONTACT);
	p->privacy_contact = text_value(ps, sc, R_PRIVACY);
	lang_texts(ps, p, sc, R_NAME, &p->reg_name_t);
	lang_texts(ps, p, sc, R_CONTROLLER, &p->controller_t);
	lang_texts(ps, p, sc, R_CONTACT, &p->contact_t);
	lang_texts(ps, p, sc, R_PRIVACY, &p->privacy_contact_t);
	lang_texts(ps, p, sc, R_REQUESTS_HOW, &p->requests_how);
	lang_texts(ps, p, sc, R_RETENTION_NOTE, &p->retention_note);
	lang_texts(ps, p, sc, R_SOURCES, &p->sources_note);
	lang_texts(ps, p, sc, R_TRANSFERS, &p->transfers);
	lang_texts(ps, p, sc, R_DISCLOSURES, &p->disclosures);
	lang_texts(ps, p, sc, R_ACCESS_TERMS, &p->access_terms);
	lang_texts(ps, p, sc, R_AUTHORITY, &p->supervisory_authority);
	p->details_level = level_ref(ps, p, sc, R_DETAILS);
	if (period_value(ps, sc, R_QUARANTINE, &p->quarantine_retention))
		p->quarantine_retention = POLICY_QUARANTINE_RETENTION;
	if (period_value(ps, sc, R_AUDIT, &p->audit_retention))
		p->audit_retention = POLICY_AUDIT_RETENTION;
	p->phone_country_code = country_code_value(ps, sc, R_PHONE_CC);
	p->time_zone = time_zone_value(ps, p, sc, R_TIME_ZONE);
	if (period_value(ps, sc, R_REQUEST, &p->request_retention))
		p->request_retention = POLICY_REQUEST_RETENTION;
}

/* A language the notice has no phrases in: an error that names those it
 * has (policy_languages). */
static void unknown_lang(struct parser *ps, int line, const char *w)
{
	struct strbuf b = { 0 };

	for (int i = 0; policy_languages[i]; i++)
		strbuf_addf(&b, "%s%s", i ? ", " : "", policy_languages[i]);
	add_err(ps, line, "languages: the notice cannot be written in '%s' (it knows %s)", w, b.s);
	strbuf_release(&b);
}

/* [register] languages into p->langs; "en" when the policy names none. */
static void languages(struct parser *ps, struct policy *p, const struct sect *reg)
{
	const char *v = reg ? reg->val[R_LANGUAGES] : NULL;
	int line = reg ? reg->key_line[R_LANGUAGES] : 0;
	char *w;
	int named = 0;

	while ((w = next_word(&v))) {
		int known = 0;

		named++;

		for (int i = 0; policy_languages[i]; i++)
			known |= !strcmp(policy_languages[i], w);
		if (!valid_lang(w, strlen(w)))
			add_err(ps, line, "languages: bad language tag '%s' (two or three of a-z, as fi or en)", w);
		else if (!known)
			unknown_lang(ps, line, w);
		else if (policy_lang_index(p, w) >= 0)
			add_err(ps, line, "languages: '%s' is named twice", w);
		else if (p->n_langs == POLICY_MAX_LANGS)
			add_err(ps, line, "languages: at most %d languages", POLICY_MAX_LANGS);
		else
			snprintf(p->langs[p->n_langs++], POLICY_LANG_BYTES, "%s", w);
		free(w);
	}
	if (line && !named)
		add_err(ps, line, "languages: name at least one language, as languages = fi, en");
	if (!p->n_langs)
		snprintf(p->langs[p->n_langs++], POLICY_LANG_BYTES, "en");
}

/*
 * key[FIRST] is the key itself: move it to sc->val so that the checks of
 * the first language's text stay those of a key without [LANG] (not for a
 * label, whose key stays the label).  A tag the policy does not name is an
 * error here.
 */
static void fold_first_language(struct parser *ps, const struct policy *p, struct sect *sc)
{
	char lb[80];

	for (size_t i = 0; i < sc->n_tv; i++) {
		struct tval *v = &sc->tv[i];
		const char *key = stypes[sc->type].keys[v->k];
		int li = policy_lang_index(p, v->lang);

		if (li < 0) {
			add_err(ps, v->line, "'%s[%s]': language '%s' is not in [register] languages (%s%s%s%s)", key,
				v->lang, v->lang, p->langs[0], p->n_langs > 1 ? ", " : "",
				p->n_langs > 1 ? p->langs[1] : "", p->n_langs > 2 ? ", ..." : "");
		} else if ((stypes[sc->type].labels >> v->k) & 1) {
			continue; /* a label's words: lang_texts takes them all */
		} else if (li == 0 && sc->val[v->k]) {
			add_err(ps, v->line, "'%s[%s]' and '%s' (line %d) in %s both give the text in %s", key, v->lang,
				key, sc->key_line[v->k], label(sc, lb, sizeof(lb)), v->lang);
		} else if (li == 0) {
			sc->val[v->k] = v->val;
			sc->key_line[v->k] = v->line;
			v->val = NULL;
		}
	}
}

/* Build the policy's arrays from the sections, then check every value. */
static struct policy *validate(struct parser *ps)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	const struct sect *reg = NULL, *rights = NULL;
	size_t counts[S_NTYPES] = { 0 };
	int eof = ps->line > 0 ? ps->line : 1;
	char lb[80];

	p->path = xstrdup(ps->path);
	p->details_level = p->rights_level = -1;
	p->quarantine_retention = POLICY_QUARANTINE_RETENTION;
	p->audit_retention = POLICY_AUDIT_RETENTION;
	p->request_retention = POLICY_REQUEST_RETENTION;
	for (size_t i = 0; i < ps->n_sects; i++)
		counts[ps->sects[i].type]++;
	p->levels = xcalloc(counts[S_LEVEL], sizeof(*p->levels));
	p->purposes = xcalloc(counts[S_PURPOSE], sizeof(*p->purposes));
	p->sources = xcalloc(counts[S_SOURCE], sizeof(*p->sources));
	p->recipients = xcalloc(counts[S_RECIPIENT], sizeof(*p->recipients));

	/* first the names, so that references may point forward */
	for (size_t i = 0; i < ps->n_sects; i++) {
		struct sect *sc = &ps->sects[i];

		switch (sc->type) {
		case S_REGISTER:
			reg = sc;
			p->register_line = sc->line;
			break;
		case S_LEVEL:
			sc->idx = (int)p->n_levels;
			p->levels[p->n_levels].name = xstrdup(sc->name);
			p->levels[p->n_levels++].line = sc->line;
			if (p->n_levels == POLICY_MAX_LEVELS + 1)
				add_err(ps, sc->line, "too many levels (at most %d)", POLICY_MAX_LEVELS);
			break;
		case S_PURPOSE:
			sc->idx = (int)p->n_purposes;
			p->purposes[p->n_purposes].name = xstrdup(sc->name);
			p->purposes[p->n_purposes++].line = sc->line;
			break;
		case S_SOURCE:
			sc->idx = (int)p->n_sources;
			p->sources[p->n_sources].name = xstrdup(sc->name);
			p->sources[p->n_sources++].line = sc->line;
			break;
		case S_RECIPIENT:
			sc->idx = (int)p->n_recipients;
			p->recipients[p->n_recipients].name = xstrdup(sc->name);
			p->recipients[p->n_recipients++].line = sc->line;
			break;
		case S_NTYPES:
			break;
		}
	}

	languages(ps, p, reg);
	for (size_t i = 0; i < ps->n_sects; i++)
		fold_first_language(ps, p, &ps->sects[i]);

	for (size_t i = 0; i < ps->n_sects; i++) {
		const struct sect *sc = &ps->sects[i];
		const struct stype_def *def = &stypes[sc->type];

		for (int k = 0; def->keys[k]; k++)
			if ((def->required & (1u << k)) && !sc->key_line[k] && !(sc->refused & (1u << k)))
				add_err(ps, sc->line, "%s lacks the required key '%s'",
					label(sc, lb, sizeof(lb)), def->keys[k]);
		switch (sc->type) {
		case S_REGISTER:
			check_register(ps, p, sc);
			break;
		case S_LEVEL:
			check_level(ps, p, sc);
			if (!p->levels[sc->idx].rights)
				break;
			if (rights)
				add_err(ps, sc->key_line[L_RIGHTS],
					"rights = yes also in [level %s] (line %d): exactly one level exercises rights",
					rights->name, rights->key_line[L_RIGHTS]);
			else
				rights = sc;
			break;
		case S_PURPOSE:
			check_purpose(ps, p, sc);
			break;
		case S_SOURCE:
			check_source(ps, p, sc);
			break;
		case S_RECIPIENT:
			check_recipient(ps, p, sc);
			break;
		case S_NTYPES:
			break;
		}
	}

	special_sources(ps, p);
	if (!reg)
		add_err(ps, eof, "no [register] section");
	if (!p->n_levels)
		add_err(ps, eof, "no [level NAME] section: at least one level is needed");
	if (!p->n_purposes)
		add_err(ps, eof, "no [purpose NAME] section: at least one purpose is needed");
	if (!p->n_sources)
		add_err(ps, eof, "no [source NAME] section: at least one source is needed");
	if (rights) {
		p->rights_level = rights->idx;
		/* restriction keeps only the seals from the rights level up */
		if ((size_t)rights->idx != p->n_levels - 1)
			add_err(ps, rights->key_line[L_RIGHTS],
				"the level with rights = yes must be the highest level (it is below [level %s])",
				p->levels[p->n_levels - 1].name);
	} else if (p->n_levels) {
		add_err(ps, p->levels[p->n_levels - 1].line,
			"no level has rights = yes: exactly one level (the highest) exercises rights");
	}
	return p;
}

int policy_load(const char *path, struct policy **out, char **errs)
{
	struct parser ps = { .path = path, .cur = -1, .last_k = -1, .last_tv = -1 };
	struct policy *p = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (errs)
		*errs = NULL;
	rc = util_read_file(path, POLICY_MAX_BYTES, &buf, &len);
	if (rc) {
		rc = meta_fail(rc, "%s: cannot read the policy: %s", path,
			       rc == -EFBIG    ? "larger than 1 MiB"
			       : rc == -EINVAL ? "not a regular file"
			       : rc == -ELOOP  ? "a symbolic link"
					       : strerror(-rc));
		goto out;
	}
	ps.buf = (const char *)buf;
	ps.len = len;
	/* a UTF-8 byte order mark is not part of the first line */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		ps.pos = 3;
	rc = ini_parse_stream(policy_reader, &ps, policy_handler, &ps);
	finish_line(&ps);
	if (rc < 0) {
		rc = meta_fail(-ENOMEM, "%s: out of memory parsing the policy", path);
		goto out;
	}
	rc = 0;
	p = validate(&ps);
	if (ps.n_errs) {
		qsort(ps.errs, ps.n_errs, sizeof(*ps.errs), err_cmp);
		rc = meta_fail(-EINVAL, "%s:%d: %s%s", path, ps.errs[0].line, ps.errs[0].msg,
			       ps.n_errs > 1 ? " (and more errors)" : "");
		if (errs) {
			struct strbuf b = { 0 };

			for (size_t i = 0; i < ps.n_errs; i++)
				strbuf_addf(&b, "%s:%d: %s\n", path, ps.errs[i].line, ps.errs[i].msg);
			*errs = strbuf_detach(&b);
		}
		goto out;
	}
	if (ps.n_warns) {
		struct strbuf b = { 0 };

		qsort(ps.warns, ps.n_warns, sizeof(*ps.warns), err_cmp);
		for (size_t i = 0; i < ps.n_warns; i++)
			strbuf_addf(&b, "%s:%d: %s\n", path, ps.warns[i].line, ps.warns[i].msg);
		p->warnings = strbuf_detach(&b);
	}
	*out = p;
	p = NULL;
out:
	policy_free(p);
	for (size_t i = 0; i < ps.n_sects; i++) {
		free(ps.sects[i].name);
		for (int k = 0; k < MAX_KEYS; k++)
			free(ps.sects[i].val[k]);
		for (size_t j = 0; j < ps.sects[i].n_tv; j++)
			free(ps.sects[i].tv[j].val);
		free(ps.sects[i].tv);
	}
	free(ps.sects);
	for (size_t i = 0; i < ps.n_errs; i++)
		free(ps.errs[i].msg);
	free(ps.errs);
	for (size_t i = 0; i < ps.n_warns; i++)
		free(ps.warns[i].msg);
	free(ps.warns);
	free(buf);
	return rc;
}
