/*
 * notice.h - the register notice: what the controller tells a data subject
 * about the register (GDPR Art. 13 and 14), generated from the policy.  The
 * mount serves it as README.txt and `recctl register` prints it.
 */
#ifndef RECFS_NOTICE_H
#define RECFS_NOTICE_H

#include "policy.h"

/*
 * The notice of policy p as text, in language lang (a tag of p->langs):
 * controller and contacts, the purposes with their legal bases (in words,
 * with the article) and retention, the sources, the recipients (grouped
 * by kind) and transfers, the levels and what each sees, the data
 * subject's rights and how to exercise them.  The fixed phrases are in
 * lang; the policy's texts in lang where it gives them, else in its first
 * language.  p must be a policy policy_load() handed out.  NULL when p is
 * NULL or lang is not one of p's languages.  The text is malloc'd and the
 * caller's to free; p is only read (any number of threads may render from
 * one policy).
 */
char *notice_render_in(const struct policy *p, const char *lang);

/* notice_render_in() in p's first language (README.txt); NULL for NULL. */
char *notice_render(const struct policy *p);

#endif
