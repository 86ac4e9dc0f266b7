#!/bin/bash
# test_readme.sh - the commands of README.md's tour work when pasted after
# tests/demo.sh.  The tour's commands are the lines of its ```sh blocks
# (from "## A short tour" to the next "## " heading; comment lines are
# output shown to the reader).  They run as root in bash from the top of
# the tree, against a register built by the demo's own demo_register (the
# test sources tests/demo.sh for it), mounted with the keyrings of all
# three levels; the demo's paths and users are swapped for this test's.
# Each must exit 0 and print something.
. "$(dirname "$0")/lib.sh"
. "$T_ROOT/tests/demo.sh"

# readme_tour FILE: the tour's command lines, one a line.
readme_tour()
{
	awk '
		/^## / { tour = ($0 == "## A short tour") }
		tour && /^```sh$/ { inblock = 1; next }
		inblock && /^```/ { inblock = 0; next }
		inblock && !/^[ \t]*(#|$)/ { print }
	' "$1"
}

mapfile -t cmds < <(readme_tour "$T_ROOT/README.md")
# Losing the blocks' `sh` tag would lose the test; the tour has 13 today.
[ "${#cmds[@]}" -ge 8 ] || t_abort "readme tour" "only ${#cmds[@]} commands found in README.md's tour"
pass "README.md's tour has ${#cmds[@]} commands"

# The demo's users, as this test's users of the same levels.
declare -A user_of
for u in $DEMO_USERS; do
	user_of[${u%%:*}]=$(make_level_user "${u#*:}")
done

clips=${RECFS_TEST_CLIPS:-$T_ROOT/build/test-clips}
compgen -G "$clips/pool-*" >/dev/null || clips=$T_TMP/clips
REG=$T_TMP/reg
KEYS=$T_TMP/keys
demo_register "$RECCTL" "$REG" "$KEYS" 60 "$clips" >"$T_TMP/demo.out" 2>&1 ||
	t_abort "demo_register" "$(tail -n 5 "$T_TMP/demo.out")"
pass "demo_register builds the demo's register"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

for c in "${cmds[@]}"; do
	run=${c//"$DEMO_MOUNT"/$MNT}
	run=${run//"$DEMO_REGISTER"/$REG}
	run=${run//"$DEMO_KEYS"/$KEYS}
	run=${run//build\/recctl/$RECCTL}
	for u in "${!user_of[@]}"; do
		run=${run//"$u"/${user_of[$u]}}
	done
	out=$(cd "$T_ROOT" && bash -c "$run" 2>&1)
	rc=$?
	name="README: ${c:0:110}"
	if [ "$rc" -ne 0 ]; then
		fail "$name" "exit $rc: $(printf '%s' "$out" | head -c 600)"
	elif [ -z "$out" ]; then
		fail "$name" "printed nothing"
	else
		pass "$name"
	fi
done

unmount_recfs "$MNT"
t_done
