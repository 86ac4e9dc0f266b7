/*
 * policy.h - the register's policy (REGISTER/policy.conf, INI, parsed with
 * inih).  Sections: [register], [level NAME] (in file order, lowest first),
 * [purpose NAME], [source NAME], [recipient NAME].  See
 * packaging/examples/tamro.conf.
 *
 * Every error found is reported with file and line ("policy.conf:12: ...");
 * parsing goes on after an error so that one check lists them all.  The
 * register notice made from a policy is in notice.h.
 */
#ifndef RECFS_POLICY_H
#define RECFS_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* The largest policy file read (recfs-policy(5): at most 1 MiB). */
#define POLICY_MAX_BYTES (1024 * 1024)

#define POLICY_MAX_LEVELS 32
/* Languages a policy may give its texts in ([register] languages). */
#define POLICY_MAX_LANGS 5
/* A language tag and its NUL: "fi", "en". */
#define POLICY_LANG_BYTES 4

/*
 * A free text of the policy in each of the policy's languages: in[i] is
 * the text in p->langs[i], NULL where the policy gives none in that
 * language.  policy_text() picks one for the notice (policy_label() for
 * the translations of a label).
 */
struct policy_text {
	char *in[POLICY_MAX_LANGS];
};

/* A retention period: n units of 'd'ays, 'm'onths or 'y'ears. */
struct policy_period {
	int n;
	char unit;
};

struct policy_level {
	char *name;
	char *group;	/* Unix group, may be NULL */
	char **users;	/* extra user names */
	size_t n_users;
	int rights;	/* 1 for the level that exercises rights */
	int line;
	/* The lines of its group and users keys (0: not given), for what
	 * recctl policy check says of them. */
	int group_line, users_line;
};

struct policy_purpose {
	char *name;
	char *description;	/* in the first language, as description_t.in[0] */
	struct policy_text description_t;
	char *legal_basis;	/* one of policy_legal_bases */
	/* Bases a recording of this purpose may have besides legal_basis
	 * (allowed_bases =): bit i stands for policy_legal_bases[i]. */
	unsigned allowed_bases;
	int min_level;		/* index into levels */
	/* Levels of the chat transcript and of shared files (indices into
	 * levels, never below min_level), or -1 when the policy does not say:
	 * seal_level_for (seal.h) turns them into the level they are sealed
	 * from, and nothing else reads them for that. */
	int chat_level;
	int attachment_level;
	struct policy_period retention;
	struct policy_period max_retention;
	/* The special categories of personal data its recordings hold
	 * (special_categories =, GDPR Art. 9(1)): bit i stands for
	 * policy_special_categories[i]; 0 when it names none. */
	unsigned special_categories;
	/* The condition of Art. 9(2) they are processed on
	 * (special_condition =): an index into policy_special_conditions;
	 * -1 exactly when special_categories is 0.  Explicit consent only
	 * where every basis of the purpose's recordings is consent. */
	int special_condition;
	int line;
};

struct policy_source {
	char *name;
	char *kind;		/* "call" or "meeting" */
	int purpose;		/* index into purposes */
	char *legal_basis;	/* NULL: the purpose's */
	/* The label the recordings carry (data_source =): stored on every
	 * recording as written and shown in its xattrs; never translated. */
	char *data_source;
	/* The notice's words for that label in each language
	 * (data_source[LANG], the first language's too): in[i] NULL where the
	 * policy gives none; policy_label picks, falling back to the label. */
	struct policy_text data_source_t;
	/* Which calls or meetings of the source are recorded (recorded =), in
	 * words; all in[] NULL when the policy does not say. */
	struct policy_text recorded;
	int line;
};

/*
 * What a recipient is (kind =), in the order the notice lists them:
 * someone the data is disclosed to by contract or consent (the default),
 * an authority the law requires disclosing to, another register of the
 * controller.  Each is a disclosure, logged alike (export.h).
 */
enum policy_recipient_kind {
	POLICY_RECIPIENT_OTHER,
	POLICY_RECIPIENT_AUTHORITY,
	POLICY_RECIPIENT_INTERNAL,
	POLICY_RECIPIENT_NKINDS,
};

/* The kind = words, indexed by enum policy_recipient_kind. */
extern const char *const policy_recipient_kinds[];

struct policy_recipient {
	char *name;		/* section name, used on the command line */
	char *display;		/* name =, in the first language (display_t.in[0]) */
	struct policy_text display_t;
	enum policy_recipient_kind kind;
	int eea;
	/* The safeguard of a transfer (safeguard =), as written: NULL when
	 * none.  What a disclosure's audit entry records (policy_transfer_basis). */
	char *safeguard;
	/* Its words in each language (safeguard[LANG]), as data_source_t. */
	struct policy_text safeguard_t;
	int line;
};

/* [register] quarantine_retention when the policy does not say. */
#define POLICY_QUARANTINE_RETENTION ((struct policy_period){ 30, 'd' })
/* [register] audit_retention when the policy does not say: the who-listened
 * report of a call kept for its longest usual retention (24 months in the
 * shipped policy) stays complete for as long as the call is kept. */
#define POLICY_AUDIT_RETENTION ((struct policy_period){ 2, 'y' })
/* [register] request_retention when the policy does not say: how a request
 * was answered is the controller's evidence (Art. 5(2)) for as long as a
 * claim about it may come; the length is the controller's choice. */
#define POLICY_REQUEST_RETENTION ((struct policy_period){ 5, 'y' })

struct policy {
	char *path;
	/* The register's texts in the first language (as *_t.in[0]). */
	char *reg_name, *controller, *contact, *privacy_contact;
	struct policy_text reg_name_t, controller_t, contact_t, privacy_contact_t;
	/*
	 * The notice's texts that only the controller can write ([register]
	 * requests_how, retention_note, sources, transfers, disclosures,
	 * access_terms): all in[] NULL when the policy does not give them, and
	 * the notice then says what it always said in their place (or
	 * nothing).  See recfs-policy(5).
	 */
	struct policy_text requests_how, retention_note, sources_note, transfers, disclosures, access_terms;
	/*
	 * [register] supervisory_authority: the supervisory authority (GDPR
	 * Art. 77) the notice and the answer letter name for a complaint, its
	 * name and how to reach it, in the controller's words; all in[] NULL
	 * when the policy does not give it, and policy_supervisory_authority
	 * then chooses what they say in its place.
	 */
	struct policy_text supervisory_authority;
	/* [register] languages: langs[0] is the first language (README.txt),
	 * "en" when the policy names none; n_langs >= 1. */
	char langs[POLICY_MAX_LANGS][POLICY_LANG_BYTES];
	size_t n_langs;
	/* "FILE:LINE: message\n" for each warning (a text missing in one of
	 * the languages), malloc'd; NULL when there is none. */
	char *warnings;
	int details_level;	/* index into levels */
	int rights_level;	/* index into levels */
	/* How long a quarantined manifest and its files are kept (ingest.h),
	 * from the day they were quarantined; then retention_sweep erases them. */
	struct policy_period quarantine_retention;
	/* How long an audit entry is kept, from when it was written; then
	 * retention_sweep drops it (audit_expire).  The log is personal data
	 * itself: who opened which recording, when. */
	struct policy_period audit_retention;
	/* [register] phone_country_code: the digits of the country calling
	 * code ("358") that a national phone number (one leading 0, not 00)
	 * gets in place of its 0 wherever numbers are compared
	 * (subject_normalise); NULL when the policy has none, and numbers
	 * are compared as written. */
	char *phone_country_code;
	/* [register] time_zone: the IANA name of the zone a letter gives its
	 * times in (util_format_local); NULL: UTC, as before the key. */
	char *time_zone;
	/* the time_zone the policy names when this machine's tz database
	 * lacks it (time_zone is then NULL: letters in UTC), else NULL */
	char *time_zone_missing;
	/* The line of the [register] header (0: none), for what recctl
	 * policy check says of a key missing there. */
	int register_line;
	/* How long a closed rights request (request.h) is kept, from the day
	 * it was closed; then retention_sweep drops it with its requester. */
	struct policy_period request_retention;
	struct policy_level *levels;
	size_t n_levels;
	struct policy_purpose *purposes;
	size_t n_purposes;
	struct policy_source *sources;
	size_t n_sources;
	struct policy_recipient *recipients;
	size_t n_recipients;
};

/* NULL-terminated list of the accepted legal_basis values (Art. 6(1) a-f). */
extern const char *const policy_legal_bases[];
/* NULL-terminated list of the special_categories words (GDPR Art. 9(1)),
 * in the order the notice and the letters list them. */
extern const char *const policy_special_categories[];
/* NULL-terminated list of the special_condition words: GDPR Art. 9(2)
 * (a) to (j), in that order (index 0 is (a), explicit consent). */
extern const char *const policy_special_conditions[];
#define POLICY_EXPLICIT_CONSENT 0
/* NULL-terminated list of the languages a policy may name: those the
 * notice has its fixed phrases in (notice.c). */
extern const char *const policy_languages[];

/*
 * Parse and validate the policy at path.  On success *out is the policy
 * (policy_free), with its warnings in (*out)->warnings.  On failure returns
 * -EINVAL when the policy has errors and, when errs is not NULL, *errs is a
 * malloc'd text with one line per error, each "FILE:LINE: message"; the
 * caller frees it.  A file that cannot be read (-errno, -EFBIG) or memory
 * (-ENOMEM) is no error of the policy: *errs stays NULL, meta_errmsg()
 * says what ("FILE: cannot read the policy: ...").
 */
int policy_load(const char *path, struct policy **out, char **errs) MUST_CHECK;
void policy_free(struct policy *p);

/*
 * The text t in language lang (an index into p->langs): its own, or the
 * first language's when the policy gives none in lang, or any language's
 * when even that is missing (an optional text given in another language
 * only); NULL when t is given in no language.  Points into p.
 */
const char *policy_text(const struct policy *p, const struct policy_text *t, int lang);
/*
 * A label of the policy (a source's data_source, a recipient's safeguard)
 * in language lang (an index into p->langs): t's text in lang where the
 * policy gives one (KEY[LANG]), else plain, the label as written (KEY =),
 * which may be NULL.  Never another language's text: the plain label is
 * what the register records.  Points into p (or is plain).
 */
const char *policy_label(const struct policy *p, const char *plain, const struct policy_text *t, int lang);
/*
 * Whom the notice and the answer letter name for a complaint (GDPR Art.
 * 77), in language lang (an index into p->langs).  The same rule for both,
 * so that they never name different authorities.
 */
enum policy_authority {
	/* The policy's supervisory_authority: *text is it, in lang or as
	 * policy_text falls back. */
	POLICY_AUTHORITY_GIVEN,
	/* No supervisory_authority, and phone_country_code is 358 or unset:
	 * the Finnish Data Protection Ombudsman, in the fixed words of every
	 * earlier release (the notice's phrases, the letter templates). */
	POLICY_AUTHORITY_FINLAND,
	/* No supervisory_authority, and another country's register: no
	 * authority is named, only the right to complain to one. */
	POLICY_AUTHORITY_UNNAMED,
};
/* Which of the three applies to p in lang; *text is the policy's text for
 * POLICY_AUTHORITY_GIVEN (pointing into p), NULL otherwise.  p must be a
 * policy policy_load() handed out. */
enum policy_authority policy_supervisory_authority(const struct policy *p, int lang, const char **text);
/* The index of language tag lang in p->langs; -1 when p has no such
 * language (also for lang NULL). */
int policy_lang_index(const struct policy *p, const char *lang);

/*
 * What a disclosure to r rests on, for its audit entry, into buf (size
 * bytes, truncated to fit): " kind=KIND transfer=EEA", or " kind=KIND
 * transfer=outside-EEA safeguard=TEXT" with the safeguard the policy names
 * (at most POLICY_BASIS_SAFEGUARD_MAX bytes of it).  Only the policy's
 * words: nothing personal.
 */
#define POLICY_BASIS_SAFEGUARD_MAX 120
void policy_transfer_basis(const struct policy_recipient *r, char *buf, size_t size);

/* Lookups by name; -1 when absent. */
int policy_level_index(const struct policy *p, const char *name);
int policy_purpose_index(const struct policy *p, const char *name);
int policy_source_index(const struct policy *p, const char *name);
int policy_recipient_index(const struct policy *p, const char *name);
/* 1 when s is a valid legal basis. */
int policy_is_legal_basis(const char *s);
/*
 * 1 when a recording of purpose (an index into p->purposes) from source (an
 * index into p->sources, or -1) may have legal basis `basis`: the purpose's
 * legal_basis, one of its allowed_bases, or the source's legal_basis when
 * the source is for this purpose.  0 otherwise (also for a basis that is
 * none of Art. 6(1), and for an index out of range).
 */
int policy_basis_allowed(const struct policy *p, int purpose, int source, const char *basis);
/* 1 when some recording of purpose may have legal basis `basis`: the
 * purpose's own, or that of one of the purpose's sources. */
int policy_purpose_may_be_on(const struct policy *p, int purpose, const char *basis);

/* from + period (calendar arithmetic, UTC). */
int64_t policy_period_add(int64_t from, struct policy_period per);
/* from - period (calendar arithmetic, UTC; months clamped to the month's
 * last day as in policy_period_add: 2027-03-31 less 1m is 2027-02-28). */
int64_t policy_period_sub(int64_t from, struct policy_period per);
/* "12m" etc. into buf (16 bytes). */
void policy_period_format(struct policy_period per, char buf[16]);
/* 1 when period a ends no later than b from every start date ("1y" and
 * "12m" are equal; "31d" is not within "1m"), else 0. */
int policy_period_le(struct policy_period a, struct policy_period b);

/* Whether name is a zone name a policy may give (no path, right/,
 * localtime, posixrules nor Factory), and whether it is one this
 * machine's tz database holds ("UTC", or a file of UTIL_ZONEINFO that is
 * one: "Europe/Helsinki"). */
int policy_time_zone_named(const char *name);
int policy_time_zone_ok(const char *name);

#endif
