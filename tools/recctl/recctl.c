/*
 * recctl.c - helpers the subcommands share: reporting errors in one line,
 * usage texts, defaults taken from the environment, and keyring loading.
 *
 * Passphrases only ever sit in guarded memory (struct crypto_key) and are
 * freed, wiped, on every path; a passphrase asked once is reused for every
 * keyring one command opens, so an operator types it once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ingest.h"
#include "naming.h"
#include "passphrase.h"
#include "recctl.h"
#include "subject.h"

int error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("recctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("recctl: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warning_once(const char *msg)
{
	static struct strlist said;

	for (size_t i = 0; i < said.n; i++)
		if (!strcmp(said.v[i], msg))
			return;
	strlist_add(&said, msg);
	warning("%s", msg);
}

void ctl_warn_passfile(const char *passfile)
{
	char *w = passfile ? passphrase_file_warning(passfile) : NULL;

	if (w)
		warning_once(w);
	free(w);
}

int ctl_passfiles_resolve(struct reg *r, const char *usage, const struct strlist *l, struct ctl_passfiles *pf)
{
	pf->id = xcalloc(l->n ? l->n : 1, sizeof(*pf->id));
	pf->file = xcalloc(l->n ? l->n : 1, sizeof(*pf->file));
	for (size_t i = 0; i < l->n; i++) {
		const char *eq = strchr(l->v[i], '=');
		char prefix[RECFS_ID_HEX];
		size_t n = eq ? (size_t)(eq - l->v[i]) : 0;
		int rc;

		if (!eq || n < 8 || n >= sizeof(prefix) || strspn(l->v[i], "0123456789abcdef") != n || !eq[1])
			return usage_error(usage, "--passphrase-file takes RECORDING=FILE, RECORDING its id "
					   "or the 8 hex digits of its file name");
		memcpy(prefix, l->v[i], n);
		prefix[n] = '\0';
		rc = catalog_find_recording(r->cat, prefix, pf->id[pf->n]);
		if (rc)
			return error("--passphrase-file: %s: %s", prefix,
				     rc == -ENOENT ? "no such recording" : rc == -EEXIST ? "names more than one recording"
										 : meta_strerror(rc));
		/* Not found later, where a missing file would read as no
		 * passphrase given and withhold the recording (atk34 F2). */
		if (access(eq + 1, R_OK) < 0)
			return error("--passphrase-file: cannot read %s: %s", eq + 1, strerror(errno));
		pf->file[pf->n++] = eq + 1;
	}
	return 0;
}

int ctl_passfile_of(void *ctx, const char *recording, struct crypto_key **pass)
{
	const struct ctl_passfiles *pf = ctx;
	int rc;

	for (size_t i = 0; i < pf->n; i++) {
		if (strcmp(pf->id[i], recording))
			continue;
		rc = passphrase_get(pf->file[i], NULL, NULL, pass);
		if (rc == 0)
			ctl_warn_passfile(pf->file[i]);
		/* Not -ENOENT, which the export takes for "none given". */
		return rc ? meta_fail(rc == -ENOENT ? -EIO : rc, "cannot read the passphrase of %s from %s: %s",
				      recording, pf->file[i], strerror(-rc)) : 0;
	}
	return -ENOENT;
}

void ctl_passfiles_free(struct ctl_passfiles *pf)
{
	free(pf->id);
	free(pf->file);
	*pf = (struct ctl_passfiles){ 0 };
}

static const char *usage_word;	/* the subcommand being run (ctl_getopt's argv[0]) */

void usage_subcommand(const char *word)
{
	usage_word = word;
}

/* The line of usage that starts the synopsis of "recctl CMD WORD" (a group's
 * subcommand), or its first line: start and length in *line, *len. */
static void synopsis(const char *usage, size_t cmd, const char **line, int *len)
{
	const char *p = usage, *nl;
	char *want;

	*line = usage;
	nl = strchr(usage, '\n');
	*len = nl ? (int)(nl - usage) : (int)strlen(usage);
	if (!cmd || !usage_word)
		return;
	want = xasprintf("recctl %.*s %s", (int)cmd, usage + sizeof("usage: recctl ") - 1, usage_word);
	for (; p && *p; p = nl ? nl + 1 : NULL) {
		const char *s = p + strspn(p, " ");

		nl = strchr(p, '\n');
		if (!strncmp(s, "usage: ", 7))
			s += 7;
		if (!strncmp(s, want, strlen(want)) && strchr(" \n", s[strlen(want)])) {
			*line = s;
			*len = nl ? (int)(nl - s) : (int)strlen(s);
			break;
		}
	}
	free(want);
}

/*
 * After a usage error, the synopsis of the subcommand that was run (or the
 * command's first line) and where the rest is, not the whole usage: the
 * line that says what was wrong stays in sight (bb6 F3).
 */
static void usage_hint(const char *usage)
{
	static const char head[] = "usage: recctl ";
	const char *line;
	size_t cmd = 0;
	int len;

	if (!strncmp(usage, head, sizeof(head) - 1) && usage[sizeof(head) - 1] != '[')
		cmd = strcspn(usage + sizeof(head) - 1, " \n");
	synopsis(usage, cmd, &line, &len);
	fprintf(stderr, "%s%.*s\n", line == usage ? "" : "usage: ", len, line);
	fprintf(stderr, "Try 'recctl %.*s%s--help' for more.\n", (int)cmd, usage + sizeof(head) - 1, cmd ? " " : "");
}

int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (fmt) {
		fputs("recctl: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	usage_hint(usage);
	return -2;
}

int usage_show(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

const char *ctl_register_default(void)
{
	const char *s = getenv("RECFS_REGISTER");

	return s && *s ? s : REGISTER_DEFAULT;
}

const char *ctl_keyring_default(void)
{
	const char *s = getenv("RECFS_KEYRING");

	return s && *s ? s : CTL_KEYRING_DIR "/ingest.keyring";
}

const char *ctl_passfile_default(void)
{
	const char *s = getenv("RECFS_PASSFILE");

	return s && *s ? s : NULL;
}

int ctl_audit_epoch(const char *usage, const char *arg, int64_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > AUDIT_EPOCH_MAX)
		return usage_error(usage, "--audit-epoch takes 1 to %d seconds, not '%s'", AUDIT_EPOCH_MAX, arg);
	*out = v;
	return 0;
}

static int count_quarantined(const struct ingest_quarantined *q, void *ctx)
{
	(void)q;
	(*(size_t *)ctx)++;
	return 0;
}

void ctl_note_quarantine(struct reg *r)
{
	size_t n = 0;

	if (ingest_each_quarantined(r, count_quarantined, &n) || !n)
		return;
	fprintf(stderr,
		"recctl: note: %zu manifest%s in quarantine %s not searched: a refused manifest and its files are kept "
		"there as the recorder sent them, and may hold this person's data; recctl fsck lists them "
		"(REGISTER/quarantine)\n", n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
}

const char *ctl_take_arg(struct strlist *keep, char *arg)
{
	strlist_add(keep, arg);
	crypto_memzero(arg, strlen(arg));
	return keep->v[keep->n - 1];
}

/* catalog_index_sharers: kind -> [other handles] into ctx (a json object). */
static int add_sharer(const char *kind, const char *other, void *ctx)
{
	json_t *by = ctx, *list;
	const char *k = kind ? kind : "identifier";

	if (!(list = json_object_get(by, k)))
		json_object_set_new(by, k, list = json_array());
	json_array_append_new(list, json_string(other));
	return 0;
}

int ctl_shared_identifiers(struct reg *r, const char *handle, json_t **out)
{
	json_t *by = json_object();
	int rc = catalog_index_sharers(r->cat, handle, add_sharer, by);

	if (rc)
		json_decref(by);
	*out = rc ? NULL : by;
	return rc;
}

void ctl_note_shared(struct reg *r, const char *handle)
{
	static const struct {
		const char *kind, *words;
	} words[] = { { "ref", "reference" }, { "phone", "phone number" }, { "email", "e-mail" },
		      { "identifier", "identifier" } };
	json_t *by = NULL, *list, *v;
	size_t i, k;

	if (ctl_shared_identifiers(r, handle, &by) || !json_object_size(by)) {
		json_decref(by);
		return;
	}
	fprintf(stderr, "recctl: note: %s shares identifiers with other subjects:", handle);
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		if (!(list = json_object_get(by, words[k].kind)))
			continue;
		fprintf(stderr, " its %s with", words[k].words);
		json_array_foreach(list, i, v)
			fprintf(stderr, "%s %s", i ? "," : "", json_string_value(v));
		fprintf(stderr, ";");
	}
	fprintf(stderr, " what is given covers %s's recordings alone: if one of them is the same person, "
		"`recctl subject merge` first (recctl subject find by the identifier lists them all)\n", handle);
	json_decref(by);
}

void ctl_drop_args(struct strlist *keep)
{
	for (size_t i = 0; i < keep->n; i++)
		crypto_memzero(keep->v[i], strlen(keep->v[i]));
	strlist_clear(keep);
}

void ctl_print_verify_key_note(const char *path)
{
	printf("wrote %s (the audit verification key, mode 0400)\n"
	       "  Copy it off this host now (print it, or give it to the privacy officer) and delete it here:\n"
	       "  `recctl audit verify --verify-key FILE` checks the sealed log with it, and whoever holds it\n"
	       "  could also forge the seals.  It is shown once and never stored in the register.\n",
	       path);
}

int ctl_open_register(const char *dir, struct reg **out)
{
	int rc;

	meta_clear_error();
	rc = reg_open(dir, out);
	if (rc == 0)
		return 0;
	return error("cannot open register %s: %s", dir, meta_strerror(rc));
}

int ctl_check_keyring(struct ctl *ctl, const struct keyring *kr)
{
	int rc;

	meta_clear_error();
	rc = reg_check_keyring(ctl->reg, kr);
	if (rc)
		return error("%s", meta_strerror(rc));
	ctl->trusted = kr;
	return 0;
}

const char *ctl_keyring_level(const struct reg *r, const struct keyring *kr)
{
	uint8_t pk[CRYPTO_PK_BYTES];

	/* By the key, not the name alone: another register's keyring of a
	 * level of the same name opens nothing here. */
	for (size_t i = r->policy->n_levels; i-- > 0;)
		if (keyring_level(kr, r->policy->levels[i].name, pk) && crypto_equal(pk, r->pk[i], CRYPTO_PK_BYTES))
			return r->policy->levels[i].name;
	return NULL;
}

/* Each line of text (meta's warnings: one a line, NULL for none) once
 * (warning_once); text is freed. */
static void warn_lines(char *text)
{
	for (char *w = text, *nl; w && (nl = strchr(w, '\n')); w = nl + 1) {
		*nl = '\0';
		warning_once(w);
	}
	free(text);
}

void ctl_warn_modes(const struct reg *r)
{
	warn_lines(reg_mode_warnings(r));
}

void ctl_warn_reindex(struct reg *r)
{
	char *why = NULL;
	int rc = subject_reindex_advised(r, &why);

	if (rc == 1)
		warning("the blind index of this register was made by an earlier rule (%s): run "
			"`recctl subject reindex` once, so that every subject is found by its phone numbers, "
			"e-mails and references, and told apart by its names, as they are compared now", why);
	else if (rc < 0)
		meta_clear_error();
	free(why);
}

int ctl_recording_id(struct catalog *cat, const char *what, const char *x, char id[RECFS_ID_HEX], int *is_prefix)
{
	char buf[256], *dot, *us;
	const char *name = strrchr(x, '/') ? strrchr(x, '/') + 1 : x;
	ssize_t n;
	int rc;

	*is_prefix = 0;
	n = getxattr(x, "user.recfs.id", buf, sizeof(buf) - 1);
	if (n == RECFS_ID_HEX - 1) {
		buf[n] = '\0';
		if (util_is_id(buf)) {
			memcpy(id, buf, RECFS_ID_HEX);
			return 0;
		}
	}
	if (util_is_id(x)) {
		memcpy(id, x, RECFS_ID_HEX);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", name);
	if ((dot = strchr(buf, '.')))
		*dot = '\0';
	us = strrchr(buf, '_');
	us = us ? us + 1 : buf;
	if (util_hex_len(us) != 8) {
		error("%s %s: give a recording id, its 8 hex digits, a file name or a path on a mount", what, x);
		return -EINVAL;
	}
	rc = catalog_find_recording(cat, us, id);
	if (rc == 0 && us != buf) {
		/* A file name or stem: the recording with those digits is
		 * another when its time or source differ.  The 8 digits are
		 * 32 bits of a random id: one pair in a register of 100,000
		 * shares them, an erased one's with a live one's (atk47 F2). */
		struct cat_recording rec;
		char stem[NAMING_STEM_MAX];

		if ((rc = catalog_get_recording(cat, id, &rec)))
			return error("%s %s: %s", what, x, meta_strerror(rc));
		naming_stem(stem, &rec);
		cat_recording_clear(&rec);
		if (strcmp(stem, buf)) {
			memcpy(id, us, 9);
			*is_prefix = CTL_PREFIX_SHARED;
			return 0;
		}
	}
	if (rc == 0 && us == buf)
		*is_prefix = CTL_ID_DIGITS;
	if (rc == -ENOENT) {
		memcpy(id, us, 9);
		*is_prefix = 1;
		return 0;
	}
	if (rc == -EEXIST)
		return error("%s %s: more than one recording has the digits %s: give the full id", what, x, us);
	if (rc)
		return error("%s %s: %s", what, x, meta_strerror(rc));
	return 0;
}

int ctl_check_lang(const struct policy *p, const char *dir, const char *lang)
{
	struct strbuf langs = { 0 };
	int rc;

	struct strbuf known = { 0 };
	int texts = 0;

	if (policy_lang_index(p, lang) >= 0)
		return 0;
	for (size_t i = 0; i < p->n_langs; i++)
		strbuf_addf(&langs, "%s%s", i ? ", " : "", p->langs[i]);
	for (int i = 0; policy_languages[i]; i++) {
		strbuf_addf(&known, "%s%s", i ? ", " : "", policy_languages[i]);
		texts |= !strcmp(policy_languages[i], lang);
	}
	/* A language recfs has no notice or letters in cannot be added to
	 * the policy (policy check refuses it): say which there are (bb14 F5). */
	if (!texts)
		rc = error("recfs has no notice or letters in '%s': they are written in %s only; "
			   "the policy of register %s has %s", lang, known.s, dir, langs.s);
	else
		rc = error("the policy of register %s has no language '%s' (it has %s)", dir, lang, langs.s);
	strbuf_release(&langs);
	strbuf_release(&known);
	return rc;
}

int ctl_new_passphrase(const char *passfile, struct crypto_key **out)
{
	struct crypto_key *a = NULL, *b = NULL;
	int rc;

	if (!passfile)
		passfile = ctl_passfile_default();
	meta_clear_error();
	rc = passphrase_get(passfile, NULL, "New keyring passphrase: ", &a);
	if (rc) {
		rc = error("cannot get a passphrase: %s", meta_strerror(rc));
		goto out;
	}
	ctl_warn_passfile(passfile);
	if (!passfile) {
		rc = passphrase_get(NULL, NULL, "Repeat the passphrase: ", &b);
		if (rc) {
			rc = error("cannot get a passphrase: %s", meta_strerror(rc));
			goto out;
		}
		if (a->len != b->len || !crypto_equal(a->bytes, b->bytes, a->len)) {
			rc = error("the passphrases differ; nothing was written");
			goto out;
		}
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	crypto_key_free(a);
	crypto_key_free(b);
	return rc;
}

int ctl_load_keyrings(char *const *paths, size_t n, const char *passfile, struct keyring **out)
{
	const char *failed = NULL;
	char *warnings = NULL;
	int rc;

	meta_clear_error();
	rc = keyring_load_all(paths, n, passfile ? passfile : ctl_passfile_default(), NULL, out, &failed,
			      &warnings);
	warn_lines(warnings);
	switch (rc) {
	case 0:
		return 0;
	case -ENOENT:
		return error("keyring %s does not exist; name one with --keyring", failed);
	case -ENOTTY:
		return error("keyring %s needs a passphrase: no terminal to ask (use --passfile)", failed);
	case -EIO:
		return error("cannot load keyring %s: %s", failed, *meta_errmsg() ? meta_errmsg() : keyring_strerror(rc));
	default:
		return error("keyring %s: %s", failed, keyring_strerror(rc));
	}
}

