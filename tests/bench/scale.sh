#!/bin/bash
# tests/bench/scale.sh - how recfs grows with the register (issue 14, "Scale").
#
#   tests/bench/scale.sh [--sizes N,N,...] [--keep DIR] [--rebuild] [--runs N]
#                        [--live N] [--jobs N]
#
# As root, from a built tree (build/recfs, build/recctl; not run by make
# bench or make check).  For each size it builds a register of that many
# recordings through the real ingest (`recctl ingest` of manifests naming
# one tiny Opus file, 500 manifests a call, --jobs calls at once; 10,000
# calls a day, ending yesterday; 1 % already past their retention), mounts
# it with the analysis keyring and measures, as a user of the analysis
# level: the start-up (recfs started until a stat of README.txt on the
# mount answers), VmRSS after it and after `ls -lR` of the whole mount, `ls`
# and `ls -l` of one day folder (`ls -l` by its path and from inside it) and
# `find by-subject -maxdepth 1` on a fresh mount with the page cache dropped
# (and `ls` and `ls -l` of as many empty files in a tmpfs: what ls itself
# costs),
# the time from each unmount of those mounts until the daemon had exited
# (lib.sh's unmount_recfs kills it at 15 s and reports a failure), the
# delay until a recording ingested while
# RATE=10 recordings a second are ingested is visible on the mount, what
# each change costs the mount (fs/tree.c: the patch, tree_apply, and any
# whole rebuild, tree_build; timed with perf uprobes when perf can place
# them; a recfs older than the change log has no tree_apply and rebuilds on
# every change), and `recctl retention sweep` of the expired 1 %.  Prints
# a table of sizes and the growth factor from one size to the next.
# Asserts no timing; the exit status says whether it could run.
#
#   --sizes N,...  register sizes (default 10000,100000)
#   --keep DIR     keep the registers in DIR/N and reuse them (default: a
#                  temporary directory under /var/tmp, removed at exit); a
#                  kept register is swept once only (then the sweep row is
#                  empty: --rebuild), and gains the live recordings
#   --rebuild      build the kept registers again
#   --runs N       repetitions of the cold measurements (default 3, median)
#   --live N       recordings ingested at 10/s while the mount runs (200)
#   --jobs N       recctl ingest calls at once while building (default 4)
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/tests/bench
SIZES=10000,100000
DATA=""
REBUILD=0
RUNS=3
LIVE=200
RATE=10
JOBS=4
BATCH=500
while [ $# -gt 0 ]; do
	case "$1" in
	--sizes) SIZES=${2:?--sizes needs a list}; shift ;;
	--keep) DATA=${2:?--keep needs a directory}; shift ;;
	--rebuild) REBUILD=1 ;;
	--runs) RUNS=${2:?--runs needs a number}; shift ;;
	--live) LIVE=${2:?--live needs a number}; shift ;;
	--jobs) JOBS=${2:?--jobs needs a number}; shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "scale.sh: run as root (mounts, useradd, drop_caches)" >&2; exit 1; }
[ -x "$ROOT/build/recfs" ] && [ -x "$ROOT/build/recctl" ] ||
	{ echo "scale.sh: build first (make)" >&2; exit 1; }
for t in sox opusenc fusermount3; do
	command -v "$t" >/dev/null || { echo "scale.sh: $t is missing (sox, opus-tools, fuse3)" >&2; exit 1; }
done

# The real binaries (not the test build's cheap Argon2id), copied by lib.sh
# into its temporary directory: one build for the whole run.
RECFS=$ROOT/build/recfs RECCTL=$ROOT/build/recctl
export RECFS RECCTL
. "$ROOT/tests/integration/lib.sh"
cp "$ROOT/build/recfs" "$ROOT/build/recctl" "$T_TMP/bin/" || t_abort scale "cannot copy the binaries"
RECFS=$T_TMP/bin/recfs RECCTL=$T_TMP/bin/recctl
USER_PY=/usr/bin/python3
[ -x "$USER_PY" ] || USER_PY=$(command -v python3)

if [ -n "$DATA" ]; then
	KEEP=1
	mkdir -p "$DATA" || t_abort scale "cannot create $DATA"
else
	KEEP=0
	DATA=$(mktemp -d /var/tmp/recfs-scale.XXXXXX) || t_abort scale "mktemp failed"
fi
chmod 0755 "$DATA"
PROBES=""
PERF_PID=""
scale_cleanup()
{
	[ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null && wait "$PERF_PID" 2>/dev/null
	[ -n "$PROBES" ] && perf probe -q -d "$PROBES:*" >/dev/null 2>&1
	mountpoint -q "$T_TMP/floor" && umount "$T_TMP/floor"
	t_cleanup
	[ "$KEEP" = 0 ] && rm -rf "$DATA"
}
trap scale_cleanup EXIT

say() { printf '== %s\n' "$*" >&2; }
die() { echo "scale.sh: $*" >&2; exit 1; }
secs() { python3 -c "import sys; print('%.6f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$1" "$2"; }
median() { python3 -c "import sys, statistics; print('%.6f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# cpu_s PID: user + system CPU seconds of the process so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }

AUSER=$(make_level_user analysis)
as_user "$AUSER" "$USER_PY" -c pass || die "$AUSER cannot run $USER_PY"
as_user "$AUSER" test -r "$BENCH/scale.py" || die "$AUSER cannot read $BENCH/scale.py (copy the tree somewhere readable)"

# The tiny recording every manifest names: 0.1 s of a tone, ~2 KB.
AUDIO=$DATA/tiny.opus
if [ ! -s "$AUDIO" ]; then
	sox -q -n -r 48000 -b 16 -e signed-integer -c 1 "$T_TMP/tiny.wav" synth 0.1 sine 440 vol 0.5 &&
		opusenc --quiet "$T_TMP/tiny.wav" "$AUDIO" || die "cannot make the tiny Opus file"
fi

# perf uprobes on tree_build and tree_apply (entry and return) of this
# run's recfs: each pair is one build, or one patch, of the snapshot.
# Uprobes belong to the binary file, so other recfs daemons on the machine
# do not count.
PERF_EVENTS=()
if command -v perf >/dev/null &&
   perf probe -q -x "$RECFS" "recfsscale$$:tb_in=tree_build" >/dev/null 2>&1 &&
   perf probe -q -x "$RECFS" "recfsscale$$:tb_out=tree_build%return" >/dev/null 2>&1; then
	PROBES=recfsscale$$
	PERF_EVENTS=(-e "$PROBES:tb_in" -e "$PROBES:tb_out__return")
	if perf probe -q -x "$RECFS" "recfsscale$$:ta_in=tree_apply" >/dev/null 2>&1 &&
	   perf probe -q -x "$RECFS" "recfsscale$$:ta_out=tree_apply%return" >/dev/null 2>&1; then
		PERF_EVENTS+=(-e "$PROBES:ta_in" -e "$PROBES:ta_out__return")
	else
		say "no tree_apply in this recfs: it rebuilds on every change"
	fi
else
	perf probe -q -d "recfsscale$$:*" >/dev/null 2>&1
	say "no perf uprobe on tree_build: the rebuild rows stay empty"
fi
perf_start()
{
	[ -n "$PROBES" ] || return 0
	perf record -q -a "${PERF_EVENTS[@]}" -o "$1" >/dev/null 2>&1 &
	PERF_PID=$!
	sleep 1
}
# perf_stop FILE: sets TB to the durations (s) of the builds recorded, TA
# to those of the patches.
perf_stop()
{
	TB=() TA=()
	[ -n "$PERF_PID" ] || return 0
	kill -INT "$PERF_PID" 2>/dev/null
	wait "$PERF_PID" 2>/dev/null
	PERF_PID=""
	perf script -i "$1" -F tid,time,event 2>/dev/null | python3 -c '
import sys
start = {}
for line in sys.stdin:
    f = line.split()
    if len(f) < 3:
        continue
    tid, t, ev = f[0], float(f[1].rstrip(":")), f[2]
    for k in ("tb", "ta"):
        if ev.endswith(k + "_in:"):
            start[tid, k] = t
        elif ev.endswith(k + "_out__return:") and (tid, k) in start:
            print("%s %.6f" % (k, t - start.pop((tid, k))))' >"$1.txt"
	mapfile -t TB < <(sed -n 's/^tb //p' "$1.txt")
	mapfile -t TA < <(sed -n 's/^ta //p' "$1.txt")
}

# start_mount REG KEYS MNT: start recfs and wait until a stat of README.txt
# on it answers as the level user; sets UP_S to the seconds from the start.
# (Not in $(...): the daemon must be a child of this shell, for cleanup.)
start_mount()
{
	local reg=$1 keys=$2 mnt=$3 t0 t1
	mkdir -p "$mnt"
	rm -f "$T_TMP/up"
	as_user "$AUSER" "$USER_PY" -c '
import os, sys, time
p = sys.argv[1] + "/README.txt"
while True:
    try:
        os.stat(p)
        break
    except OSError:
        time.sleep(0.002)
print(time.time_ns())' "$mnt" >"$T_TMP/up" &
	local wpid=$!
	sleep 0.3
	t0=$(now_ns)
	"$RECFS" -f -o "allow_other,keyring=$keys/analysis.keyring" "$reg" "$mnt" 2>"$mnt.err" &
	T_DAEMONS+=("$!")
	T_MOUNTS+=("$mnt")
	T_MOUNT_PID[$mnt]=$!
	while kill -0 "$wpid" 2>/dev/null; do
		kill -0 "${T_MOUNT_PID[$mnt]}" 2>/dev/null || { kill "$wpid"; die "recfs did not start: $(tail -n 3 "$mnt.err")"; }
		sleep 0.01
	done
	wait "$wpid"
	t1=$(cat "$T_TMP/up")
	UP_S=$(secs "$t0" "$t1")
}

# stop_mount MNT: unmount_recfs, and append to STOP_T the seconds from the
# unmount until the daemon had exited (polled every 50 ms).
stop_mount()
{
	local t0
	t0=$(now_ns)
	unmount_recfs "$1"
	STOP_T+=("$(secs "$t0" "$(now_ns)")")
}

# cold_lines MNT REG KEYS CMD...: mount MNT afresh (stop_mount, start_mount),
# drop the page cache and run CMD as the level user; sets COLD_S to its
# seconds and COLD_LINES to the lines it printed.
cold_lines()
{
	local mnt=$1 reg=$2 keys=$3 t0
	shift 3
	stop_mount "$mnt"
	start_mount "$reg" "$keys" "$mnt"
	drop_caches
	t0=$(now_ns)
	COLD_LINES=$(as_user "$AUSER" "$@" | wc -l)
	COLD_S=$(secs "$t0" "$(now_ns)")
}

# ls_floor DIR: what `ls` and `ls -l` cost without recfs: DIR's names as
# empty files (mode 0440) in a tmpfs, listed by the level user, `ls` by
# the folder's path and `ls -l` from inside it (median of RUNS, after one
# listing to warm ls itself); sets the two floor rows.
ls_floor()
{
	local fl=$T_TMP/floor t0 ft=() nt=()
	mkdir -p "$fl" && mount -t tmpfs -o mode=0755 recfs-floor "$fl" || { echo "scale.sh: no tmpfs for the ls floor" >&2; return; }
	(cd "$fl" && as_user "$AUSER" ls "$1" | xargs -d '\n' touch -- && find . -type f -exec chmod 0440 {} +) ||
		echo "scale.sh: cannot make the ls floor" >&2
	as_user "$AUSER" sh -c 'cd "$1" && ls -l' sh "$fl" >/dev/null
	for _ in $(seq 1 "$RUNS"); do
		t0=$(now_ns)
		as_user "$AUSER" ls "$fl" >/dev/null
		nt+=("$(secs "$t0" "$(now_ns)")")
		t0=$(now_ns)
		as_user "$AUSER" sh -c 'cd "$1" && ls -l' sh "$fl" >/dev/null
		ft+=("$(secs "$t0" "$(now_ns)")")
	done
	umount "$fl"
	rec ls_names_floor "$n" "$(median "${nt[@]}")"
	rec ls_floor "$n" "$(median "${ft[@]}")"
}

RESULTS=$T_TMP/results		# row key, size, value (tab-separated)
rec() { printf '%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
: >"$RESULTS"

# build SIZE DIR: the register of SIZE recordings in DIR/reg (keys in DIR/keys).
build()
{
	local n=$1 dir=$2 t0 t1 t2
	if [ "$REBUILD" = 1 ] || [ ! -e "$dir/ok" ]; then
		rm -rf "$dir"
		mkdir -p "$dir" && chmod 0755 "$dir"
		"$RECCTL" init "$dir/reg" --policy "$POLICY_EXAMPLE" --keyrings "$dir/keys" --no-passphrase \
			>"$dir/init.out" 2>&1 || die "recctl init failed: $(cat "$dir/init.out")"
		say "$n: writing $n manifests"
		t0=$(now_ns)
		python3 "$BENCH/scale.py" spool "$dir/spool" "$AUDIO" "$n" >"$dir/gen.out" || die "scale.py spool failed"
		t1=$(now_ns)
		say "$n: ingesting ($BATCH manifests a call, $JOBS calls at once)"
		find "$dir/spool" -name '*.json' -print0 |
			xargs -0 -r -n "$BATCH" -P "$JOBS" "$RECCTL" ingest -R "$dir/reg" --keyring "$dir/keys/ingest.keyring" \
			>"$dir/ingest.log" 2>&1 || die "recctl ingest failed: $(tail -n 3 "$dir/ingest.log")"
		t2=$(now_ns)
		compgen -G "$dir/reg/quarantine/*" >/dev/null && die "manifests were quarantined: $(ls "$dir/reg/quarantine" | head -n 3)"
		rm -rf "$dir/spool"
		printf '%s %s %s\n' "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(uptime | sed 's/.*load average: //')" >"$dir/build.txt"
		touch "$dir/ok"
	fi
	read -r gen_s ing_s load <"$dir/build.txt"
	rec gen "$n" "$gen_s"
	rec ingest "$n" "$(python3 -c "print('%.1f' % ($n / $ing_s))")"
	rec build "$n" "$ing_s"
	rec build_load "$n" "${load%%,*}"
}

IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for n in "${SIZE_LIST[@]}"; do
	dir=$DATA/$n
	mnt=$T_TMP/mnt-$n
	build "$n" "$dir"
	reg=$dir/reg keys=$dir/keys
	days=$(((n + 9999) / 10000))
	day=$(date -u -d "today - $((days - days / 2)) days" +%Y/%m/%d)

	say "$n: start-up ($RUNS runs, page cache dropped before each)"
	perf_start "$T_TMP/perf-start-$n"
	st=() rs=() cs=()
	for i in $(seq 1 "$RUNS"); do
		unmount_recfs "$mnt" 2>/dev/null
		drop_caches
		start_mount "$reg" "$keys" "$mnt"
		st+=("$UP_S")
		rs+=("$(rss_kib "${T_MOUNT_PID[$mnt]}")")
		cs+=("$(cpu_s "${T_MOUNT_PID[$mnt]}")")
	done
	perf_stop "$T_TMP/perf-start-$n"
	tb=("${TB[@]}")
	rec start "$n" "$(median "${st[@]}")"
	rec start_runs "$n" "${st[*]}"
	rec rss_start "$n" "$(median "${rs[@]}")"
	rec cpu_start "$n" "$(median "${cs[@]}")"
	[ ${#tb[@]} -gt 0 ] && rec build_start "$n" "$(median "${tb[@]}")"

	say "$n: ls -lR of the whole mount"
	t0=$(now_ns)
	entries=$(as_user "$AUSER" ls -lR "$mnt" 2>/dev/null | grep -vc -e '^$' -e ':$' -e '^total ')
	t1=$(now_ns)
	rec walk "$n" "$(secs "$t0" "$t1")"
	rec walk_entries "$n" "$entries"
	rec rss_walk "$n" "$(rss_kib "${T_MOUNT_PID[$mnt]}")"
	rec recordings "$n" "$(as_user "$AUSER" find "$mnt/by-date" -name '*.opus' | wc -l)"

	say "$n: ls and ls -l of by-date/$day, find by-subject -maxdepth 1 (cold, $RUNS runs)"
	ln_t=() ls_t=() in_t=() fs_t=() STOP_T=()
	for _ in $(seq 1 "$RUNS"); do
		cold_lines "$mnt" "$reg" "$keys" ls "$mnt/by-date/$day"
		ln_t+=("$COLD_S")
		names=$COLD_LINES
		cold_lines "$mnt" "$reg" "$keys" ls -l "$mnt/by-date/$day"
		ls_t+=("$COLD_S")
		lines=$COLD_LINES
		cold_lines "$mnt" "$reg" "$keys" sh -c 'cd "$1" && ls -l' sh "$mnt/by-date/$day"
		in_t+=("$COLD_S")
		in_lines=$COLD_LINES
		cold_lines "$mnt" "$reg" "$keys" find "$mnt/by-subject" -maxdepth 1
		fs_t+=("$COLD_S")
		subj=$COLD_LINES
	done
	rec ls_names "$n" "$(median "${ln_t[@]}")"
	rec ls_day "$n" "$(median "${ls_t[@]}")"
	rec ls_day_in "$n" "$(median "${in_t[@]}")"
	rec stop "$n" "$(median "${STOP_T[@]}")"
	rec ls_day_entries "$n" "$((lines - 1))"
	[ "$in_lines" = "$lines" ] || echo "scale.sh: ls -l from inside the day printed $in_lines lines, by its path $lines" >&2
	[ "$names" = "$((lines - 1))" ] || echo "scale.sh: ls of the day printed $names names, ls -l $lines lines" >&2
	ls_floor "$mnt/by-date/$day"
	rec find_subj "$n" "$(median "${fs_t[@]}")"
	rec find_subj_count "$n" "$subj"

	say "$n: $LIVE recordings ingested at $RATE/s while mounted"
	perf_start "$T_TMP/perf-live-$n"
	c0=$(cpu_s "${T_MOUNT_PID[$mnt]}") t0=$(now_ns)
	python3 "$BENCH/scale.py" live "$T_TMP/live-$n" "$AUDIO" "$LIVE" "$RATE" "$mnt" \
		-- "$RECCTL" ingest -R "$reg" --keyring "$keys/ingest.keyring" \
		-- setpriv --reuid="$AUSER" --regid="$(id -g "$AUSER")" --init-groups -- "$USER_PY" "$BENCH/scale.py" watch \
		>"$T_TMP/live-$n.out" || die "the live ingest failed: $(tail -n 3 "$T_TMP/live-$n.out")"
	c1=$(cpu_s "${T_MOUNT_PID[$mnt]}") t1=$(now_ns)
	rec cpu_live "$n" "$(python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1e9 / (int(sys.argv[4]) - int(sys.argv[3]))))" "$c0" "$c1" "$t0" "$t1")"
	perf_stop "$T_TMP/perf-live-$n"
	tb=("${TB[@]}") ta=("${TA[@]}")
	rec rss_live "$n" "$(rss_kib "${T_MOUNT_PID[$mnt]}")"
	rec hwm_live "$n" "$(hwm_kib "${T_MOUNT_PID[$mnt]}")"
	rm -rf "$T_TMP/live-$n"
	cp "$T_TMP/live-$n.out" "$DATA/live-$n.out"
	# shellcheck disable=SC2046 # the summary line's words
	set -- $(tail -n 1 "$T_TMP/live-$n.out")
	rec vis_median "$n" "$4"
	rec vis_max "$n" "$6"
	rec vis_lost "$n" "${14}"
	rec live_ingest_median "$n" "${10}"
	if [ -n "$PROBES" ]; then
		rec patches "$n" "${#ta[@]}"
		[ ${#ta[@]} -gt 0 ] && rec apply_live_median "$n" "$(median "${ta[@]}")"
		[ ${#ta[@]} -gt 0 ] && rec apply_live_max "$n" "$(printf '%s\n' "${ta[@]}" | sort -g | tail -n 1)"
	fi
	if [ ${#tb[@]} -gt 0 ] || [ -n "$PROBES" ]; then
		rec rebuilds "$n" "${#tb[@]}"
	fi
	if [ ${#tb[@]} -gt 0 ]; then
		rec build_live_median "$n" "$(median "${tb[@]}")"
		rec build_live_max "$n" "$(printf '%s\n' "${tb[@]}" | sort -g | tail -n 1)"
	fi

	if [ -e "$dir/swept" ]; then
		say "$n: already swept (a kept register; --rebuild to sweep again)"
	else
		say "$n: recctl retention sweep (mount up)"
		t0=$(now_ns)
		"$RECCTL" retention sweep -R "$reg" --json >"$T_TMP/sweep-$n.json" 2>"$T_TMP/sweep-$n.err" ||
			die "retention sweep failed: $(tail -n 3 "$T_TMP/sweep-$n.err")"
		t1=$(now_ns)
		touch "$dir/swept"
		rec sweep "$n" "$(secs "$t0" "$t1")"
		rec sweep_erased "$n" "$(python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(d.get('erased', d.get('expired', '?')))" "$T_TMP/sweep-$n.json")"
	fi
	rec load "$n" "$(uptime | sed 's/.*load average: //; s/,.*//')"
	unmount_recfs "$mnt"
done

{
python3 - "$RESULTS" "$RUNS" "$LIVE" "$RATE" <<'EOF'
import sys
res, runs, live, rate = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
v = {}
sizes = []
for line in open(res):
    key, n, val = line.rstrip("\n").split("\t")
    n = int(n)
    if n not in sizes:
        sizes.append(n)
    v[key, n] = val
ROWS = [
    ("build", "build: recctl ingest of the register [s]", "%.0f"),
    ("ingest", "build: ingest rate [rec/s]", "%.0f"),
    ("build_load", "  load average (1 min) after the build", "%.1f"),
    ("start", "mount start-up, cold, median of %s [s]" % runs, "%.3f"),
    ("build_start", "  of it tree_build [s]", "%.3f"),
    ("cpu_start", "  CPU time of the daemon by then [s]", "%.2f"),
    ("rss_start", "VmRSS after start [MiB]", "%.1f"),
    ("stop", "unmount until the daemon exited, median of %d [s]" % (3 * int(runs)), "%.3f"),
    ("walk", "ls -lR of the whole mount [s]", "%.1f"),
    ("walk_entries", "  entries listed", "%.0f"),
    ("rss_walk", "VmRSS after ls -lR [MiB]", "%.1f"),
    ("ls_names", "ls of one day (its names), cold [s]", "%.3f"),
    ("ls_names_floor", "  ls of as many empty files in a tmpfs [s]", "%.3f"),
    ("ls_day", "ls -l of one day, cold [s]", "%.3f"),
    ("ls_day_entries", "  entries in the day", "%.0f"),
    ("ls_day_in", "  the same from inside it (cd there; ls -l) [s]", "%.3f"),
    ("ls_floor", "  ls -l of as many empty files in a tmpfs [s]", "%.3f"),
    ("find_subj", "find by-subject -maxdepth 1, cold [s]", "%.3f"),
    ("find_subj_count", "  | wc -l", "%.0f"),
    ("rss_live", "VmRSS after the live ingest [MiB]", "%.1f"),
    ("hwm_live", "VmHWM (peak) of that mount [MiB]", "%.1f"),
    ("vis_median", "new recording visible, median [s]", "%.3f"),
    ("vis_max", "new recording visible, max [s]", "%.3f"),
    ("vis_lost", "  not visible within 30 s", "%.0f"),
    ("live_ingest_median", "  recctl ingest call, median [s]", "%.3f"),
    ("cpu_live", "daemon CPU during the live ingest [cores]", "%.2f"),
    ("patches", "snapshot patches (tree_apply) during the live ingest", "%.0f"),
    ("apply_live_median", "tree_apply under ingest, median [s]", "%.4f"),
    ("apply_live_max", "tree_apply under ingest, max [s]", "%.4f"),
    ("rebuilds", "snapshot rebuilds (tree_build) during the live ingest", "%.0f"),
    ("build_live_median", "tree_build under ingest, median [s]", "%.3f"),
    ("build_live_max", "tree_build under ingest, max [s]", "%.3f"),
    ("sweep", "retention sweep of 1 % [s]", "%.2f"),
    ("sweep_erased", "  recordings erased", "%.0f"),
    ("load", "load average (1 min) at the end", "%.1f"),
]
def num(key, n):
    x = v.get((key, n))
    if x is None:
        return None
    try:
        f = float(x)
    except ValueError:
        return None
    return f / 1024 if key.startswith(("rss", "hwm")) else f
w = 44
head = "%-*s" % (w, "recordings") + "".join("%12s" % format(n, ",") for n in sizes)
head += "".join("%10s" % ("x%d/%d" % (i + 2, i + 1)) for i in range(len(sizes) - 1))
print()
print(head)
print("-" * len(head))
for key, label, fmt in ROWS:
    vals = [num(key, n) for n in sizes]
    if all(x is None for x in vals):
        continue
    line = "%-*s" % (w, label) + "".join("%12s" % (fmt % x if x is not None else "-") for x in vals)
    for a, b in zip(vals, vals[1:]):
        line += "%10s" % ("%.2f" % (b / a) if a and b is not None else "-")
    print(line)
print()
print("x2/1, x3/2, ...: growth factor from one size to the next (value at the larger size / at the smaller).")
print("Visibility: %s recordings, one recctl ingest call each, %s a second; delay from the call's return" % (live, rate))
print("to the first successful stat(2) of the new file on the mount (polled every 5 ms as the level user).")
for n in sizes:
    if ("start_runs", n) in v:
        print("start-up runs at %s: %s s" % (format(n, ","), v["start_runs", n]))
EOF
printf 'machine: %s CPUs, kernel %s, %s FUSE mounts up at the end; load average %s\n' "$(nproc)" "$(uname -r)" \
	"$(grep -c ' fuse' /proc/mounts)" "$(uptime | sed 's/.*load average: //')"
} | if [ "$KEEP" = 1 ]; then tee "$DATA/last-run.txt"; else cat; fi
