/*
 * gids.h - when a level's group, as a mount shows it on the level's files,
 * moves: the mount looks the levels' groups up every few seconds
 * (snapshot.c), and a gid moves only once two looks running found the
 * same new one, so that a directory service that answers "no such group"
 * for a moment (a restart of sssd) or gives and takes a group by turns
 * does not make every file of the level change its group, and the kernel
 * drop what it cached of them, at each look.
 */
#ifndef RECFS_FS_GIDS_H
#define RECFS_FS_GIDS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* What the looks before found that differs from what is shown. */
struct gids_settle {
	uint32_t pending;		/* bit i: level i's last look found seen[i], not shown[i] */
	gid_t seen[POLICY_MAX_LEVELS];
};

/*
 * One look: found[i] is what it found for level i (0: no such group),
 * when bit i of known is set (else the lookup could not say, and level
 * i's state is left as it was).  Returns the levels whose gid moves now
 * (bit i: shown[i] is to become found[i]): those whose last two looks
 * found the same gid other than shown[i].  n: the policy's levels (at most
 * POLICY_MAX_LEVELS).
 */
uint32_t gids_settle(struct gids_settle *g, const gid_t *shown, const gid_t *found, uint32_t known, size_t n);

#endif
