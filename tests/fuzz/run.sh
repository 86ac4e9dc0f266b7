#!/bin/sh
# Run each fuzz target given (make fuzz): first its regression inputs,
# tests/fuzz/regress/NAME/, each once (a crash fixed stays fixed), then
# libFuzzer for SECONDS from the seeds of tests/fuzz/corpus/NAME/ (read
# only: what it adds goes to build-fuzz/corpus/NAME/, crashes to
# build-fuzz/crashes/).  One line per target; fails when any target failed.
#   tests/fuzz/run.sh SECONDS build-fuzz/fuzz_NAME...
# The targets' files go to $FUZZ_TMPDIR, else /dev/shm, else $TMPDIR.
set -u
cd "$(dirname "$0")/../.."
secs=$1
shift
out=build-fuzz
mkdir -p "$out/corpus" "$out/crashes" "$out/logs"
if [ -n "${FUZZ_TMPDIR:-}" ]; then
	TMPDIR=$FUZZ_TMPDIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
fi
export TMPDIR
# Leaks are failures; the suppressions file says which are not ours and why.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1"
status=0
printf '%-10s %12s %8s %6s %7s  %s\n' target executions exec/s cov corpus result
for bin in "$@"; do
	name=${bin##*/fuzz_}
	log=$out/logs/$name.log
	seeds=tests/fuzz/corpus/$name
	regress=tests/fuzz/regress/$name
	dict=tests/fuzz/$name.dict
	mkdir -p "$out/corpus/$name"
	: >"$log"
	result=ok
	set --
	[ -d "$regress" ] && set -- $(find "$regress" -type f | sort)
	if [ $# -gt 0 ] && ! "$bin" -rss_limit_mb=2048 -timeout=30 "$@" >>"$log" 2>&1; then
		result="FAILED on a regression input"
	fi
	if [ "$result" = ok ]; then
		set -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
			-artifact_prefix="$out/crashes/$name-"
		[ -f "$dict" ] && set -- "$@" -dict="$dict"
		"$bin" "$@" "$out/corpus/$name" "$seeds" >>"$log" 2>&1 || result="FAILED (crash, leak or timeout)"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	done_line=$(grep 'DONE ' "$log" | tail -n 1)
	cov=$(printf '%s\n' "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$done_line" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	printf '%-10s %12s %8s %6s %7s  %s\n' "$name" "${execs:--}" "${rate:--}" "${cov:--}" "${corp:--}" "$result"
	if [ "$result" != ok ]; then
		status=1
		echo "--- last lines of $log:"
		tail -n 40 "$log"
	fi
done
exit $status
