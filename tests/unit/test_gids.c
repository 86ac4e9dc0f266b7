/* Unit tests of fs/gids: a level's gid moves on its files only once two
 * looks running found the same new gid. */
#include "gids.h"
#include "t.h"

#define ALL 0x7u

/* One look of three levels finding a, b and c, all known; the moves. */
static uint32_t look(struct gids_settle *g, gid_t *shown, gid_t a, gid_t b, gid_t c, uint32_t known)
{
	gid_t found[3] = { a, b, c };
	uint32_t moves = gids_settle(g, shown, found, known, 3);

	for (int i = 0; i < 3; i++)
		if (moves & (1u << i))
			shown[i] = found[i];
	return moves;
}

TEST(test_gids_a_group_made_moves_at_the_second_look)
{
	struct gids_settle g = { 0 };
	gid_t shown[3] = { 100, 0, 300 };

	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 200, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 200, 300, ALL), 0x2);
	CHECK_EQ(shown[1], 200);
	CHECK_EQ(look(&g, shown, 100, 200, 300, ALL), 0);
}

TEST(test_gids_a_group_gone_for_one_look_does_not_move)
{
	struct gids_settle g = { 0 };
	gid_t shown[3] = { 100, 200, 300 };

	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL), 0);	/* sssd restarting */
	CHECK_EQ(look(&g, shown, 100, 200, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 200, 300, ALL), 0);
	CHECK_EQ(shown[1], 200);
	/* gone for two looks running: it moves */
	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL), 0x2);
	CHECK_EQ(shown[1], 0);
}

TEST(test_gids_two_different_new_gids_running_do_not_move)
{
	struct gids_settle g = { 0 };
	gid_t shown[3] = { 100, 200, 300 };

	CHECK_EQ(look(&g, shown, 101, 200, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 102, 200, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 102, 200, 300, ALL), 0x1);
	CHECK_EQ(shown[0], 102);
}

TEST(test_gids_a_lookup_that_cannot_say_leaves_the_level_as_it_was)
{
	struct gids_settle g = { 0 };
	gid_t shown[3] = { 100, 200, 300 };

	CHECK_EQ(look(&g, shown, 100, 201, 300, ALL), 0);
	CHECK_EQ(look(&g, shown, 100, 0, 300, ALL & ~0x2u), 0);	/* level 1 unknown */
	CHECK_EQ(shown[1], 200);
	CHECK_EQ(look(&g, shown, 100, 201, 300, ALL), 0x2);
	CHECK_EQ(shown[1], 201);
	/* several levels at once */
	CHECK_EQ(look(&g, shown, 1, 2, 3, ALL), 0);
	CHECK_EQ(look(&g, shown, 1, 2, 3, ALL), ALL);
}

int main(void)
{
	RUN(test_gids_a_group_made_moves_at_the_second_look);
	RUN(test_gids_a_group_gone_for_one_look_does_not_move);
	RUN(test_gids_two_different_new_gids_running_do_not_move);
	RUN(test_gids_a_lookup_that_cannot_say_leaves_the_level_as_it_was);
	T_DONE();
}
