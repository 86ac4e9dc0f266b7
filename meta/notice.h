/*
 * notice.h - the register notice: what the controller tells a data subject
 * about the register (GDPR Art. 13 and 14), generated from the policy.  The
 * mount serves it as README.txt and `recctl register` prints it.
 */
#ifndef RECFS_NOTICE_H
#define RECFS_NOTICE_H

#include "policy.h"

/*
 * The notice of policy p as text: controller and contacts, the purposes
 * with their legal bases (in words, with the article) and retention, the
 * sources, the recipients and transfers, the levels and what each sees,
 * the data subject's rights and how to exercise them.  p must be a policy
 * policy_load() handed out; NULL gives NULL.  The text is malloc'd and the
 * caller's to free; p is only read (any number of threads may render from
 * one policy).
 */
char *notice_render(const struct policy *p);

#endif
