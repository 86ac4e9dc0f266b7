#!/bin/sh
# Run every unit-test binary given; print one total line; fail if any failed.
passed=0 failed=0 status=0
for t in "$@"; do
	echo "== ${t##*/}"
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
	line=$(printf '%s\n' "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -n 1)
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	if [ -z "$line" ]; then
		echo "${t##*/}: crashed or printed no summary (exit $rc)"; failed=$((failed + 1)); status=1
		continue
	fi
	passed=$((passed + p)); failed=$((failed + f))
	[ "$rc" -eq 0 ] || status=1
done
echo "unit: $passed passed, $failed failed"
exit $status
