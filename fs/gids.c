/*
 * gids.c - when a level's group moves on its files (gids.h).
 */
#include "gids.h"

uint32_t gids_settle(struct gids_settle *g, const gid_t *shown, const gid_t *found, uint32_t known, size_t n)
{
	uint32_t moves = 0;

	for (size_t i = 0; i < n && i < POLICY_MAX_LEVELS; i++) {
		uint32_t bit = 1u << i;

		if (!(known & bit))
			continue;
		if (found[i] == shown[i]) {
			g->pending &= ~bit;
		} else if ((g->pending & bit) && g->seen[i] == found[i]) {
			moves |= bit;
			g->pending &= ~bit;
		} else {
			g->pending |= bit;
			g->seen[i] = found[i];
		}
	}
	return moves;
}
