#!/bin/sh
# Run every unit-test binary given; print one total line; fail if any failed
# or printed a sanitizer report.
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
	# UBSan reports and goes on: under SANITIZE= a report is a failure
	# even when every check passed.
	if printf '%s\n' "$out" | grep -Eq 'runtime error:|ERROR: [A-Za-z]+Sanitizer'; then
		echo "${t##*/}: sanitizer report: $(printf '%s\n' "$out" | grep -E -m 1 'runtime error:|ERROR: [A-Za-z]+Sanitizer')"
		failed=$((failed + 1)); status=1
	fi
done
echo "unit: $passed passed, $failed failed"
exit $status
