#!/bin/bash
# Run every tests/integration/test_*.sh (or the ones named), print each
# test's results, and one total line "N passed, N failed" counting
# assertions.  A test file that ends without its summary line counts as one
# failure.  Exit status 1 when anything failed.  Needs root (mounts,
# useradd); build first (make).
cd "$(dirname "$0")" || exit 1
passed=0 failed=0 status=0
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (they mount and add users)" >&2
	exit 1
fi
build=${RECFS_BUILD:-../../build}
[ -x "$build/recctl" ] || { echo "$build/recctl is missing; run make first" >&2; exit 1; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_*.sh)
for t in "${tests[@]}"; do
	t=${t##*/}
	echo "== $t"
	start=$SECONDS
	out=$(bash "./$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
	line=$(printf '%s\n' "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "$t: ended without a summary (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	echo "-- $t: $line ($((SECONDS - start)) s)"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -eq 0 ] && [ "$f" -eq 0 ] || status=1
done
echo "$passed passed, $failed failed"
exit $status
