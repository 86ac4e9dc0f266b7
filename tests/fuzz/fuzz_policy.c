/*
 * fuzz_policy.c - the policy file (REGISTER/policy.conf, `recctl policy
 * check`): the input is the file.  A policy that loads must keep the
 * promises of policy.h that the rest of recfs relies on without checking
 * again: every index points into its array, every name finds itself,
 * exactly one level exercises rights and it is the highest, and the notice
 * can be written, as text with no control character but a tab (nor an
 * invisible bidirectional mark).  One that does not load must say why.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "notice.h"
#include "policy.h"

static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	path = fuzz_path("policy.conf");
	return 0;
}

/* The notice is text: lines of UTF-8 with no control character but a
 * tab, whatever the policy's texts held. */
static int is_text(const char *s)
{
	for (const char *nl; *s; s = nl + 1) {
		size_t n = (nl = strchr(s, '\n')) ? (size_t)(nl - s) : strlen(s);

		if (util_find_control(s, n, UTIL_CTRL_TAB | UTIL_CTRL_MARKS, NULL) != n)
			return 0;
		if (!nl)
			break;
	}
	return 1;
}

static void check(const struct policy *p)
{
	const int64_t t = 1764324900; /* 2025-11-28T10:15:00Z */
	char buf[16], *notice;
	int rights = 0;

	FUZZ_ASSERT(p->n_levels >= 1 && p->n_levels <= POLICY_MAX_LEVELS);
	FUZZ_ASSERT(p->details_level >= 0 && (size_t)p->details_level < p->n_levels);
	FUZZ_ASSERT(p->rights_level >= 0 && (size_t)p->rights_level < p->n_levels);
	for (size_t i = 0; i < p->n_levels; i++) {
		FUZZ_ASSERT(policy_level_index(p, p->levels[i].name) == (int)i);
		rights += p->levels[i].rights;
	}
	FUZZ_ASSERT(rights == 1 && p->levels[p->rights_level].rights);
	FUZZ_ASSERT((size_t)p->rights_level == p->n_levels - 1);
	FUZZ_ASSERT(p->n_purposes >= 1 && p->n_sources >= 1);
	for (size_t i = 0; i < p->n_purposes; i++) {
		const struct policy_purpose *u = &p->purposes[i];

		FUZZ_ASSERT(policy_purpose_index(p, u->name) == (int)i);
		FUZZ_ASSERT(u->min_level >= 0 && (size_t)u->min_level < p->n_levels);
		FUZZ_ASSERT(u->chat_level == -1 || (u->chat_level >= u->min_level && (size_t)u->chat_level < p->n_levels));
		FUZZ_ASSERT(u->attachment_level == -1 ||
			    (u->attachment_level >= u->min_level && (size_t)u->attachment_level < p->n_levels));
		FUZZ_ASSERT(policy_is_legal_basis(u->legal_basis));
		FUZZ_ASSERT(u->allowed_bases < 1u << 6 && policy_basis_allowed(p, (int)i, -1, u->legal_basis));
		FUZZ_ASSERT(u->special_categories < 1u << 8 && u->special_condition < 10 &&
			    (u->special_categories == 0) == (u->special_condition == -1));
		FUZZ_ASSERT(u->special_condition != POLICY_EXPLICIT_CONSENT ||
			    (!strcmp(u->legal_basis, "consent") && !(u->allowed_bases & ~1u)));
		FUZZ_ASSERT(policy_period_add(t, u->retention) > t);
		FUZZ_ASSERT(policy_period_add(t, u->max_retention) >= policy_period_add(t, u->retention));
		policy_period_format(u->max_retention, buf);
	}
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct policy_source *s = &p->sources[i];

		FUZZ_ASSERT(policy_source_index(p, s->name) == (int)i);
		FUZZ_ASSERT(s->purpose >= 0 && (size_t)s->purpose < p->n_purposes);
		FUZZ_ASSERT(!s->legal_basis || policy_is_legal_basis(s->legal_basis));
		FUZZ_ASSERT(s->kind && (!strcmp(s->kind, "call") || !strcmp(s->kind, "meeting")));
	}
	for (size_t i = 0; i < p->n_recipients; i++)
		FUZZ_ASSERT(policy_recipient_index(p, p->recipients[i].name) == (int)i);
	notice = notice_render(p);
	FUZZ_ASSERT(notice != NULL && is_text(notice));
	free(notice);
	/* the notice renders in every language the policy names, first first */
	FUZZ_ASSERT(p->n_langs >= 1 && p->n_langs <= POLICY_MAX_LANGS);
	for (size_t i = 0; i < p->n_langs; i++) {
		FUZZ_ASSERT(policy_lang_index(p, p->langs[i]) == (int)i);
		FUZZ_ASSERT(policy_text(p, &p->reg_name_t, (int)i) != NULL);
		notice = notice_render_in(p, p->langs[i]);
		FUZZ_ASSERT(notice != NULL && is_text(notice));
		free(notice);
	}
	for (size_t i = 0; i < p->n_recipients; i++)
		FUZZ_ASSERT(p->recipients[i].kind < POLICY_RECIPIENT_NKINDS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = NULL;
	char *errs = NULL;
	int rc;

	fuzz_write(path, data, size);
	rc = policy_load(path, &p, &errs);
	if (rc == 0) {
		FUZZ_ASSERT(errs == NULL);
		check(p);
		policy_free(p);
	} else {
		FUZZ_ASSERT(rc == -EINVAL || rc == -EFBIG);
		FUZZ_ASSERT(errs && *errs && *meta_errmsg());
		free(errs);
	}
	return 0;
}
