# tests/bench/turns.sh - two levels walking a mount by turns (issues 13, 14).
#
# Sourced, not run: levels.sh (its own register, two kinds of mount) and
# run.sh (the row "levels alternating" on the benchmark's mount) measure
# the same thing, and this is the one place that says how.  A user of one
# level and a user of another walk the tree N times in all, first each
# alone (N/2 walks of one, then N/2 of the other), then by turns (one, the
# other, ...): both series hold the same walks, so their ratio by turns /
# alone is what switching between levels costs (issue 13 bounds it to 1.5).
#
# The sourcing script provides `as_user USER CMD...` (tests/integration/
# lib.sh has it; run.sh defines its own) and may set TURNS_LS=1 to walk
# with `ls -lR` (which stats every entry) instead of `find -type f`.
# Nothing here mounts, makes users, or asserts a timing.

TURNS_LS=${TURNS_LS:-0}

# turns_walk USER DIR: one walk of every file under DIR as USER.  Its exit
# status is ignored, as a level may be refused part of a mount; the caller
# says how many files each user sees.
turns_walk()
{
	if [ "$TURNS_LS" = 1 ]; then
		as_user "$1" ls -lR "$2" >/dev/null 2>&1
	else
		as_user "$1" find "$2" -type f >/dev/null 2>&1
	fi
	return 0
}

# turns_series MODE N USER_A DIR_A USER_B DIR_B: prints the seconds of N
# walks (N even), alone (MODE alone) or by turns (MODE turns).
turns_series()
{
	local mode=$1 half=$(($2 / 2)) ua=$3 da=$4 ub=$5 db=$6 i t0
	t0=$(date +%s%N)
	if [ "$mode" = alone ]; then
		for i in $(seq 1 "$half"); do turns_walk "$ua" "$da"; done
		for i in $(seq 1 "$half"); do turns_walk "$ub" "$db"; done
	else
		for i in $(seq 1 "$half"); do turns_walk "$ua" "$da"; turns_walk "$ub" "$db"; done
	fi
	python3 -c "import sys; print('%.3f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$t0" "$(date +%s%N)"
}

# turns_run N USER_A DIR_A USER_B DIR_B: one warm-up walk by each user, then
# both series; prints "ALONE TURNS RATIO" (seconds, seconds, TURNS / ALONE).
turns_run()
{
	local alone turns
	turns_walk "$2" "$3"
	turns_walk "$4" "$5"
	alone=$(turns_series alone "$@")
	turns=$(turns_series turns "$@")
	python3 -c "import sys; print('%s %s %.2f' % (sys.argv[1], sys.argv[2], float(sys.argv[2]) / float(sys.argv[1])))" \
		"$alone" "$turns"
}
