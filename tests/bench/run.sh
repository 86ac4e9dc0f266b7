#!/bin/bash
# tests/bench/run.sh - recfs against gocryptfs on the same data, side by side.
#
#   tests/bench/run.sh [--quick] [--keep DIR | --no-keep] [--rebuild] [--runs N]
#                      [--turns N] [--no-audit-fsync]
#
# Run by `make bench` (never by `make check`); as root (mounts, useradd,
# drop_caches).  Prints one table of recfs, what it is compared with
# (gocryptfs; libfuse's passthrough_ll over the big recording's blob; recfs
# itself for levels by turns), the ratio and issue 14's target for each
# measurement, then the same rows with recfs mounted -o audit_fsync.
# Nothing here asserts a timing: the exit status says only whether the
# benchmark could run.  See README.md.
#
#   --quick      2,000 recordings, a 32 MiB recording, 50 x 1 MB ingest set
#   --keep DIR   keep the generated registers and gocryptfs volume in DIR and
#                reuse them next time (default: /var/tmp/recfs-bench)
#   --no-keep    build everything in a temporary directory, removed at exit
#   --rebuild    throw away what DIR holds for this size and build it again
#   --runs N     repetitions of each measurement (default 3; the median is
#                reported)
#   --turns N    walks of each series of the levels row (default 10)
#   --no-audit-fsync  leave out the rows of recfs mounted -o audit_fsync
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/tests/bench
RECCTL=${RECCTL:-$ROOT/build/recctl}
RECFS=${RECFS:-$ROOT/build/recfs}
GEN=$ROOT/tests/gen/gen_register.py
POLICY=$ROOT/packaging/examples/tamro.conf
# The I/O loops run as the level user: a python3 that user may execute
# (root's may be a pyenv shim under /root).
USER_PY=/usr/bin/python3
[ -x "$USER_PY" ] || USER_PY=$(command -v python3)
IO="$USER_PY $BENCH/bench_io.py"

MODE=full
DATA=/var/tmp/recfs-bench
KEEP=1
REBUILD=0
RUNS=3
TURNS=10
AUDIT=1
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) MODE=quick ;;
	--keep) DATA=${2:?--keep needs a directory}; KEEP=1; shift ;;
	--keep=*) DATA=${1#--keep=}; KEEP=1 ;;
	--no-keep) KEEP=0 ;;
	--rebuild) REBUILD=1 ;;
	--runs) RUNS=${2:?--runs needs a number}; shift ;;
	--turns) TURNS=${2:?--turns needs a number}; shift ;;
	--no-audit-fsync) AUDIT=0 ;;
	-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ "$MODE" = quick ]; then
	COUNT=2000 BIG_MB=32 ING_N=50
else
	COUNT=20000 BIG_MB=256 ING_N=200
fi
RAND_N=2000
ING_MB=1
BATCH=500

die() { echo "run.sh: $*" >&2; exit 1; }
say() { printf '== %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (mounts, useradd, drop_caches)"
[ -c /dev/fuse ] || die "/dev/fuse is missing"
[ -x "$RECFS" ] && [ -x "$RECCTL" ] || die "build first (make): $RECFS, $RECCTL"

# --- tools -------------------------------------------------------------------
need_pkgs=()
command -v gocryptfs >/dev/null || need_pkgs+=(gocryptfs)
command -v fusermount3 >/dev/null || need_pkgs+=(fuse3)
command -v espeak-ng >/dev/null || need_pkgs+=(espeak-ng)
command -v sox >/dev/null || need_pkgs+=(sox)
command -v opusenc >/dev/null || need_pkgs+=(opus-tools)
command -v sqlite3 >/dev/null || need_pkgs+=(sqlite3)
command -v cc >/dev/null || need_pkgs+=(gcc)
command -v pkg-config >/dev/null || need_pkgs+=(pkg-config)
# libfuse's own example, built below as the FUSE baseline (never copied
# into the tree).
PT_SRC=/usr/share/doc/libfuse3-dev/examples
[ -e "$PT_SRC/passthrough_ll.c" ] || need_pkgs+=(libfuse3-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	say "installing ${need_pkgs[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null ||
		die "apt-get install ${need_pkgs[*]} failed"
fi

# --- state and cleanup -------------------------------------------------------
if [ "$KEEP" = 1 ]; then
	mkdir -p "$DATA" || die "cannot create $DATA"
else
	DATA=$(mktemp -d /var/tmp/recfs-bench.XXXXXX) || die "mktemp failed"
fi
chmod 0755 "$DATA"
D=$DATA/$MODE			# registers, volume, mount points of this size
CLIPS=$DATA/clips		# speech pool and the big recordings (shared)
WORK=$(mktemp -d "$DATA/run.XXXXXX")	# this run only
chmod 0755 "$WORK"
mkdir -p "$D" && chmod 0755 "$D"
# One build for the whole run, even when build/ is remade meanwhile.
mkdir -p "$WORK/bin"
cp "$RECFS" "$RECCTL" "$WORK/bin/" || die "cannot copy the binaries"
RECFS=$WORK/bin/recfs
RECCTL=$WORK/bin/recctl
PT=$WORK/bin/passthrough_ll
cc -O2 -Wall -I"$PT_SRC" "$PT_SRC/passthrough_ll.c" $(pkg-config --cflags --libs fuse3) -o "$PT" \
	>"$WORK/pt-build.log" 2>&1 || die "building libfuse's passthrough_ll failed: $(tail -n 3 "$WORK/pt-build.log")"

declare -A MPID			# mount point -> daemon pid
BUSER=""			# the analysis reader
TUSER=""			# the training walker of the levels row
GROUPS_MADE=()

cleanup()
{
	local m
	for m in "${!MPID[@]}"; do
		umount_one "$m"
	done
	[ -n "$BUSER" ] && userdel "$BUSER" 2>/dev/null
	[ -n "$TUSER" ] && userdel "$TUSER" 2>/dev/null
	for m in "${GROUPS_MADE[@]}"; do
		groupdel "$m" 2>/dev/null
	done
	rm -rf "$WORK"
	if [ "$KEEP" = 0 ]; then
		rm -rf "$DATA"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- mounts ------------------------------------------------------------------
# wait_mount MNT PID: until MNT is a mount point served by PID.
wait_mount()
{
	local i
	for i in $(seq 1 600); do
		mountpoint -q "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# mount_recfs REG MNT KEYRING [soft]: recfs in the foreground of a
# background job, with the options of RECFS_OPTS added (cold audit sets
# audit_fsync).  soft: return 1 instead of dying when it does not come up.
RECFS_OPTS=""
mount_recfs()
{
	mkdir -p "$2"
	: >"$2.err"
	"$RECFS" -f -o "allow_other,keyring=$3${RECFS_OPTS:+,$RECFS_OPTS}" "$1" "$2" >/dev/null 2>>"$2.err" &
	MPID[$2]=$!
	# The snapshot is built after the mount appears: wait until it answers.
	if wait_mount "$2" "$!" && stat "$2/README.txt" >/dev/null 2>&1; then
		return 0
	fi
	[ "${4:-}" = soft ] && return 1
	die "recfs did not mount on $2: $(tail -n 3 "$2.err")"
}

# mount_gc CIPHER MNT
mount_gc()
{
	mkdir -p "$2"
	gocryptfs -fg -q -allow_other -extpass 'echo benchpass' "$1" "$2" >/dev/null 2>>"$2.err" &
	MPID[$2]=$!
	wait_mount "$2" "$!" || die "gocryptfs did not mount on $2: $(tail -n 3 "$2.err")"
	stat "$2" >/dev/null
}

# mount_pt SRC MNT: libfuse's passthrough_ll of the directory SRC, with
# its defaults (cache=auto: page cache kept while attributes are valid,
# timeout 1 s; no writeback; multi-threaded) and allow_other for the reader.
mount_pt()
{
	mkdir -p "$2"
	: >"$2.err"
	"$PT" -f -o "allow_other,source=$1" "$2" >/dev/null 2>>"$2.err" &
	MPID[$2]=$!
	wait_mount "$2" "$!" || die "passthrough_ll did not mount on $2: $(tail -n 3 "$2.err")"
}

umount_one()
{
	local m=$1 pid=${MPID[$1]:-} i
	if mountpoint -q "$m" 2>/dev/null; then
		fusermount3 -u "$m" 2>/dev/null || { sleep 0.5; fusermount3 -u "$m" 2>/dev/null; } ||
			fusermount3 -uz "$m" 2>/dev/null
	fi
	if [ -n "$pid" ]; then
		for i in $(seq 1 200); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	unset "MPID[$m]"
}

drop_caches()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# --- the level users -----------------------------------------------------------
# level_user LEVEL NAME: a user NAME whose primary group is recfs-LEVEL (the
# group is made when missing, and removed at exit).
declare -A UGID			# user -> its primary gid
level_user()
{
	if ! getent group "recfs-$1" >/dev/null; then
		groupadd "recfs-$1" || die "groupadd recfs-$1 failed"
		GROUPS_MADE+=("recfs-$1")
	fi
	useradd -M -N -d / -s /usr/sbin/nologin -g "recfs-$1" "$2" || die "useradd $2 failed"
	UGID[$2]=$(getent group "recfs-$1" | cut -d: -f3)
}
# as_user USER CMD...: CMD as USER, with USER's groups (the signature of
# tests/integration/lib.sh's, which turns.sh calls).
as_user()
{
	local u=$1
	shift
	setpriv --reuid="$u" --regid="${UGID[$u]}" --init-groups -- "$@"
}
level_user analysis "rbench$$"
BUSER="rbench$$"
# The other level of the levels row: it only walks, so needs no keyring.
level_user training "rbencht$$"
TUSER="rbencht$$"
as_u() { as_user "$BUSER" "$@"; }
. "$BENCH/turns.sh"
as_u "$USER_PY" -c pass || die "$BUSER cannot run $USER_PY"
as_u test -r "$BENCH/bench_io.py" || die "$BUSER cannot read $BENCH/bench_io.py (copy the tree somewhere readable)"

# --- timing helpers ------------------------------------------------------------
now_ns() { date +%s%N; }
# secs T0 T1: nanoseconds to seconds.
secs() { python3 -c "import sys; print('%.6f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$1" "$2"; }
median() { python3 -c "import sys, statistics; print('%.6f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
fmt_list() { python3 -c "import sys; print(' '.join('%.4g' % float(x) for x in sys.argv[1:]))" "$@"; }

# --- data ----------------------------------------------------------------------
SMALL=$D/small			# register of COUNT recordings: $SMALL/reg, $SMALL/keys
BIG=$D/big			# register of the one big recording
GC=$D/gc			# gocryptfs: $GC/cipher; plaintext by-date/ and big/
M_SMALL=$D/mnt/recfs-small
M_BIG=$D/mnt/recfs-big
M_GC=$D/mnt/gocryptfs
M_PT=$D/mnt/passthrough
mkdir -p "$D/mnt" && chmod 0755 "$D/mnt"
PARAMS="count=$COUNT big_mb=$BIG_MB"

clips_ready()
{
	if [ ! -e "$CLIPS/pool-1" ] && compgen -G "$ROOT/build/test-clips/pool-*" >/dev/null; then
		mkdir -p "$CLIPS" && cp -r "$ROOT/build/test-clips/." "$CLIPS/"
	fi
}
clips_ready

# ingest_spool REG KEYS SPOOL: every manifest of SPOOL, BATCH per recctl call;
# prints the seconds it took.
ingest_spool()
{
	local reg=$1 keys=$2 spool=$3 t0 t1 rc
	t0=$(now_ns)
	find "$spool" -maxdepth 1 -name '*.json' -print0 | sort -z |
		xargs -0 -n "$BATCH" "$RECCTL" ingest -R "$reg" --keyring "$keys/ingest.keyring" >>"$WORK/ingest.log" 2>&1
	rc=$?
	t1=$(now_ns)
	[ "$rc" -eq 0 ] || die "recctl ingest failed (exit $rc): $(tail -n 3 "$WORK/ingest.log")"
	if compgen -G "$reg/quarantine/*" >/dev/null; then
		die "recctl ingest quarantined manifests: $(ls "$reg/quarantine" | head -n 3)"
	fi
	secs "$t0" "$t1"
}

new_register()
{
	rm -rf "$1"
	mkdir -p "$1" && chmod 0755 "$1"
	"$RECCTL" init "$1/reg" --policy "$POLICY" --keyrings "$1/keys" --no-passphrase >"$1/init.out" 2>&1 ||
		die "recctl init $1/reg failed: $(cat "$1/init.out")"
}

build_registers()
{
	local s
	if [ "$REBUILD" = 1 ] || [ "$(cat "$D/params" 2>/dev/null)" != "$PARAMS" ]; then
		rm -rf "$SMALL" "$BIG" "$GC" "$D/small.ingest" "$D/params"
	fi
	if [ ! -e "$SMALL/ok" ]; then
		say "generating $COUNT recordings"
		new_register "$SMALL"
		python3 "$GEN" "$WORK/spool-small" --count "$COUNT" --clips "$CLIPS" --seed 7 >"$WORK/gen.out" 2>&1 ||
			die "gen_register.py failed: $(tail -n 3 "$WORK/gen.out")"
		say "ingesting $COUNT recordings ($BATCH manifests per recctl ingest)"
		s=$(ingest_spool "$SMALL/reg" "$SMALL/keys" "$WORK/spool-small") || exit 1
		echo "$s" >"$D/small.ingest"
		touch "$WORK/fresh-small"
		rm -rf "$WORK/spool-small"
		touch "$SMALL/ok"
	fi
	if [ ! -e "$BIG/ok" ]; then
		say "generating one recording of ~$BIG_MB MiB"
		new_register "$BIG"
		python3 "$GEN" "$WORK/spool-big" --count 0 --big-mb "$BIG_MB" --clips "$CLIPS" >"$WORK/gen.out" 2>&1 ||
			die "gen_register.py --big-mb failed: $(tail -n 3 "$WORK/gen.out")"
		ingest_spool "$BIG/reg" "$BIG/keys" "$WORK/spool-big" >/dev/null || exit 1
		rm -rf "$WORK/spool-big"
		touch "$BIG/ok"
	fi
	echo "$PARAMS" >"$D/params"
}

build_registers
# Registers kept from an older build may not open with this one (the
# catalog schema moves during development): then build them again, once.
if ! mount_recfs "$SMALL/reg" "$M_SMALL" "$SMALL/keys/analysis.keyring" soft ||
   ! mount_recfs "$BIG/reg" "$M_BIG" "$BIG/keys/analysis.keyring" soft; then
	[ -e "$WORK/fresh-small" ] && die "recfs does not mount a register it just built: $(tail -n 3 "$M_SMALL.err" "$M_BIG.err")"
	say "the kept registers do not mount with this build; building them again"
	umount_one "$M_SMALL"
	umount_one "$M_BIG"
	REBUILD=1
	build_registers
	mount_recfs "$SMALL/reg" "$M_SMALL" "$SMALL/keys/analysis.keyring"
	mount_recfs "$BIG/reg" "$M_BIG" "$BIG/keys/analysis.keyring"
fi

if [ ! -e "$GC/ok" ]; then
	say "building the gocryptfs volume from the recfs mounts (same names, same bytes)"
	umount_one "$M_GC"
	rm -rf "$GC"
	mkdir -p "$GC/cipher"
	gocryptfs -q -init -extpass 'echo benchpass' -scryptn 10 "$GC/cipher" >/dev/null 2>"$WORK/gc-init.err" ||
		die "gocryptfs -init failed: $(cat "$WORK/gc-init.err")"
	mount_gc "$GC/cipher" "$M_GC"
	mkdir -p "$M_GC/by-date" "$M_GC/big"
	# Read as the level user through recfs, written by root into gocryptfs.
	as_u sh -c 'cd "$1/by-date" && find . -name "*.opus" -print0 | tar --null -T - -cf -' _ "$M_SMALL" |
		tar -C "$M_GC/by-date" -xf - || die "copying the recordings into gocryptfs failed"
	as_u sh -c 'cd "$1/by-date" && find . -name "*.opus" -print0 | xargs -0 tar -cf -' _ "$M_BIG" |
		tar -C "$M_GC/big" --transform='s,.*/,,' -xf - || die "copying the big recording into gocryptfs failed"
	chmod -R a+rX "$M_GC"
	sync
	touch "$GC/ok"
else
	mount_gc "$GC/cipher" "$M_GC"
fi

# What is measured: the file lists (made once, outside the timings).
as_u find "$M_SMALL/by-date" -name '*.opus' | sort >"$WORK/list-recfs"
as_u find "$M_GC/by-date" -name '*.opus' | sort >"$WORK/list-gc"
BIG_R=$(as_u find "$M_BIG/by-date" -name '*.opus' | head -n 1)
BIG_G=$(find "$M_GC/big" -name '*.opus' | head -n 1)
chmod 0644 "$WORK"/list-*
n_r=$(wc -l <"$WORK/list-recfs")
n_g=$(wc -l <"$WORK/list-gc")
[ "$n_r" -eq "$COUNT" ] || die "recfs shows $n_r recordings, expected $COUNT"
[ "$n_g" -eq "$COUNT" ] || die "gocryptfs holds $n_g recordings, expected $COUNT"
[ -n "$BIG_R" ] && [ -n "$BIG_G" ] || die "the big recording is missing"
BIG_BYTES=$(as_u stat -c %s "$BIG_R")
[ "$BIG_BYTES" = "$(stat -c %s "$BIG_G")" ] || die "the big recording differs in size"
ENTRIES_R=$(as_u ls -R "$M_SMALL/by-date" | grep -vc -e '^$' -e ':$')
ENTRIES_G=$(ls -R "$M_GC/by-date" | grep -vc -e '^$' -e ':$')

# The FUSE baseline: passthrough_ll of the blob store's folder that holds
# the big recording's ciphertext, the file recfs decrypts for BIG_R.
BLOB_ID=$(sqlite3 -readonly "$BIG/reg/catalog.db" \
	"SELECT id FROM artifact WHERE role = 'audio' ORDER BY size DESC LIMIT 1") ||
	die "cannot read the big register's catalog"
[ -n "$BLOB_ID" ] && [ -f "$BIG/reg/blobs/${BLOB_ID:0:2}/$BLOB_ID" ] ||
	die "the big recording's blob is not in $BIG/reg/blobs"
PT_DIR=$BIG/reg/blobs/${BLOB_ID:0:2}
BIG_P=$M_PT/$BLOB_ID
mount_pt "$PT_DIR" "$M_PT"
BLOB_BYTES=$(as_u stat -c %s "$BIG_P") || die "the level user cannot stat the blob through passthrough_ll"
PMIB=$(python3 -c "print($BLOB_BYTES / 1048576)")

# The levels row: what each user sees on the mount it walks.
FILES_A=$(as_user "$BUSER" find "$M_SMALL" -type f 2>/dev/null | wc -l)
FILES_T=$(as_user "$TUSER" find "$M_SMALL" -type f 2>/dev/null | wc -l)

# cold [audit]: before each measurement every file system is unmounted and
# mounted again (recfs with -o audit_fsync when asked), then the page cache
# is dropped.
cold()
{
	umount_one "$M_SMALL"
	umount_one "$M_BIG"
	umount_one "$M_GC"
	umount_one "$M_PT"
	if [ "${1:-}" = audit ]; then RECFS_OPTS=audit_fsync; else RECFS_OPTS=""; fi
	mount_recfs "$SMALL/reg" "$M_SMALL" "$SMALL/keys/analysis.keyring"
	mount_recfs "$BIG/reg" "$M_BIG" "$BIG/keys/analysis.keyring"
	RECFS_OPTS=""
	mount_gc "$GC/cipher" "$M_GC"
	mount_pt "$PT_DIR" "$M_PT"
	drop_caches
}

# time_user CMD...: seconds of CMD run as the level user (call cold() first,
# outside the command substitution: the daemons must be children of this
# shell, not of a subshell whose output is being read).
time_user()
{
	local t0 t1
	t0=$(now_ns)
	as_u "$@" || die "failed: $*"
	t1=$(now_ns)
	secs "$t0" "$t1"
}

RESULTS=$WORK/results	# key, label, unit, better, target, compared with, recfs runs, its runs (tab-separated)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# run_one CONV CMD...: one run of CMD as the level user; prints the value.
# CONV "py": CMD is bench_io.py's arguments, which prints "<seconds>
# <value>"; else a python expression of s, the seconds CMD took.
run_one()
{
	local conv=$1 s out
	shift
	if [ "$conv" = py ]; then
		out=$(as_u $IO "$@") || die "bench_io $* failed"
		echo "${out#* }"
	else
		s=$(time_user "$@") || exit 1
		python3 -c "s=$s; print('%.6f' % ($conv))"
	fi
}

# measure KEY LABEL UNIT BETTER TARGET OTHER CONV_R CONV_O -- recfs command
#   -- OTHER's command
# RUNS times, each cold: recfs, OTHER (gocryptfs, passthrough_ll), and with
# AUDIT recfs mounted -o audit_fsync, whose row (KEY+af) is compared with
# the same runs of OTHER.
measure()
{
	local key=$1 label=$2 unit=$3 better=$4 target=$5 other=$6 conv_r=$7 conv_o=$8 i v r=() o=() a=()
	shift 8
	local -a rc=() oc=()
	[ "$1" = -- ] && shift
	while [ "$1" != -- ]; do rc+=("$1"); shift; done
	shift
	oc=("$@")
	say "$label: recfs, $other$([ "$AUDIT" = 1 ] && echo ', recfs -o audit_fsync') ($RUNS runs each, cold)"
	for i in $(seq 1 "$RUNS"); do
		cold
		v=$(run_one "$conv_r" "${rc[@]}") || exit 1
		r+=("$v")
		cold
		v=$(run_one "$conv_o" "${oc[@]}") || exit 1
		o+=("$v")
		if [ "$AUDIT" = 1 ]; then
			cold audit
			v=$(run_one "$conv_r" "${rc[@]}") || exit 1
			a+=("$v")
		fi
	done
	record "$key" "$label" "$unit" "$better" "$target" "$other" "${r[*]}" "${o[*]}"
	[ "$AUDIT" = 1 ] && record "$key+af" "$label" "$unit" "$better" "$target" "$other" "${a[*]}" "${o[*]}"
	return 0
}

# measure_levels KEY LABEL: the analysis and the training user walk the
# small register's mount by turns and each alone (turns.sh), RUNS times,
# the mount fresh and the page cache dropped before each (the walks
# themselves start warm: turns_run walks once per user first).  recfs is
# compared with itself: by turns against alone.
measure_levels()
{
	local key=$1 label=$2 i alone turns ratio r=() o=() ar=() ao=()
	say "$label: by turns and alone$([ "$AUDIT" = 1 ] && echo ', also -o audit_fsync') ($RUNS runs)"
	for i in $(seq 1 "$RUNS"); do
		cold
		read -r alone turns ratio < <(turns_run "$TURNS" "$BUSER" "$M_SMALL" "$TUSER" "$M_SMALL")
		[ -n "$ratio" ] || die "the levels walks failed"
		r+=("$turns") o+=("$alone")
		if [ "$AUDIT" = 1 ]; then
			cold audit
			read -r alone turns ratio < <(turns_run "$TURNS" "$BUSER" "$M_SMALL" "$TUSER" "$M_SMALL")
			[ -n "$ratio" ] || die "the levels walks failed"
			ar+=("$turns") ao+=("$alone")
		fi
	done
	record "$key" "$label" s lower 1.5 "one level alone" "${r[*]}" "${o[*]}"
	[ "$AUDIT" = 1 ] && record "$key+af" "$label" s lower 1.5 "one level alone" "${ar[*]}" "${ao[*]}"
	return 0
}

MIB=$(python3 -c "print($BIG_BYTES / 1048576)")
SEQ_LABEL=$(printf 'sequential read %.0f MiB (cat)' "$MIB")

measure seq "$SEQ_LABEL" "MiB/s" higher 1.3 gocryptfs "$MIB / s" "$MIB / s" \
	-- sh -c 'cat "$1" >/dev/null' _ "$BIG_R" \
	-- sh -c 'cat "$1" >/dev/null' _ "$BIG_G"
# Each side's throughput of the bytes it delivers: the plaintext through
# recfs, the ciphertext (slightly longer) through passthrough_ll.
measure seqpt "$SEQ_LABEL" "MiB/s" higher 0.7 passthrough_ll "$MIB / s" "$PMIB / s" \
	-- sh -c 'cat "$1" >/dev/null' _ "$BIG_R" \
	-- sh -c 'cat "$1" >/dev/null' _ "$BIG_P"
measure rand "4 KiB random pread x$RAND_N" "reads/s" higher 1.2 gocryptfs py py \
	-- randread "$BIG_R" "$RAND_N" 1 \
	-- randread "$BIG_G" "$RAND_N" 1
measure ls "ls -lR by-date ($COUNT rec.)" "s" lower 0.25 gocryptfs s s \
	-- sh -c 'ls -lR "$1" >/dev/null' _ "$M_SMALL/by-date" \
	-- sh -c 'ls -lR "$1" >/dev/null' _ "$M_GC/by-date"
measure readall "read all $COUNT .opus (find + cat)" "s" lower 0.5 gocryptfs s s \
	-- sh -c 'find "$1" -name "*.opus" -exec cat {} + >/dev/null' _ "$M_SMALL/by-date" \
	-- sh -c 'find "$1" -type f -exec cat {} + >/dev/null' _ "$M_GC/by-date"
measure ttfb "open+read 4 KiB+close x$COUNT" "us/file" lower 0.7 gocryptfs py py \
	-- ttfb "$WORK/list-recfs" \
	-- ttfb "$WORK/list-gc"
measure_levels levels "levels by turns: find -type f x$TURNS"

# --- ingest throughput: ~1 MB recordings, durable ------------------------------
say "ingest: $ING_N recordings of ~$ING_MB MB ($RUNS runs each)"
python3 "$GEN" "$WORK/gen-1mb" --count 0 --big-mb "$ING_MB" --clips "$CLIPS" >"$WORK/gen.out" 2>&1 ||
	die "gen_register.py --big-mb $ING_MB failed: $(tail -n 3 "$WORK/gen.out")"
$IO manifests "$WORK/spool-ing" "$CLIPS/big-${ING_MB}mb.opus" "$ING_N" || die "writing the ingest set failed"
ING_BYTES=$(stat -c %s "$CLIPS/big-${ING_MB}mb.opus")
r=() g=()
for i in $(seq 1 "$RUNS"); do
	new_register "$WORK/ingreg"
	drop_caches
	s=$(ingest_spool "$WORK/ingreg/reg" "$WORK/ingreg/keys" "$WORK/spool-ing") || exit 1
	r+=("$(python3 -c "print('%.6f' % ($ING_N / $s))")")
	rm -rf "$WORK/ingreg"
	mkdir -p "$M_GC/ingest"
	drop_caches
	t0=$(now_ns)
	cp "$WORK"/spool-ing/*.opus "$M_GC/ingest/" && sync || die "cp into gocryptfs failed"
	t1=$(now_ns)
	s=$(secs "$t0" "$t1")
	g+=("$(python3 -c "print('%.6f' % ($ING_N / $s))")")
	rm -rf "$M_GC/ingest"
	sync
done
record ingest "ingest $ING_N x $(python3 -c "print('%.2f' % ($ING_BYTES / 1e6))") MB (durable)" "rec/s" higher 1.0 \
	gocryptfs "${r[*]}" "${g[*]}"

# --- the table -----------------------------------------------------------------
SMALL_INGEST=$(cat "$D/small.ingest" 2>/dev/null || echo "")
{
python3 - "$RESULTS" "$RUNS" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
plain = [x for x in rows if not x[0].endswith("+af")]
audited = [x for x in rows if x[0].endswith("+af")]
W = 108


def num(v):
    return ("%10.1f" if v >= 100 else "%10.3f") % v


def line(key, label, unit, better, target, other, rr, oo):
    r = statistics.median(float(x) for x in rr.split())
    o = statistics.median(float(x) for x in oo.split())
    ratio = r / o if o else float("inf")
    t = float(target)
    tgt = "%s%sx" % (">=" if better == "higher" else "<=", ("%.2f" % t).rstrip("0").rstrip(".") if t % 1 else "%.1f" % t)
    ok = "yes" if (ratio >= t if better == "higher" else ratio <= t) else "NO"
    print("%-44s %s  %-15s %s %7.2fx %7s %5s" % (label + " [" + unit + "]", num(r), other, num(o), ratio, tgt, ok))


print()
print("%-44s %10s  %-15s %10s %8s %7s %5s" % ("measurement (median of %s)" % sys.argv[2], "recfs",
                                             "compared with", "its value", "ratio", "target", "meets"))
print("-" * W)
for x in plain:
    line(*x)
if audited:
    print("-- recfs mounted -o audit_fsync (every open durably audited), same runs of the others:")
    for x in audited:
        line(*x)
print()
print("ratio = recfs / what it is compared with, in the unit shown: for MiB/s, reads/s and")
print("rec/s higher is better for recfs; for seconds and us/file lower is better.  The")
print("levels row compares recfs with itself: the walks by turns against the same walks")
print("one level alone.  All runs:")
for key, label, unit, better, target, other, rr, oo in rows:
    print("  %-10s recfs %-34s %s %s" % (key, " ".join("%.4g" % float(x) for x in rr.split()), other,
                                        " ".join("%.4g" % float(x) for x in oo.split())))
EOF
echo
printf 'listing sizes: recfs by-date %s entries (dirs + .opus, .wav, .chat.txt, .pdf), gocryptfs by-date %s entries (dirs + .opus)\n' \
	"$ENTRIES_R" "$ENTRIES_G"
printf 'levels row: the analysis user walks %s files, the training user %s, on the mount of the %s recordings\n' \
	"$FILES_A" "$FILES_T" "$COUNT"
printf 'passthrough_ll row: the blob %s bytes, the recording %s bytes\n' "$BLOB_BYTES" "$BIG_BYTES"
if [ -n "$SMALL_INGEST" ]; then
	python3 -c "import sys; n=int(sys.argv[1]); s=float(sys.argv[2]); print('building the register: recctl ingest of %d recordings (%d per call) took %.1f s = %.1f recordings/s%s' % (n, int(sys.argv[3]), s, n / s, sys.argv[4]))" \
		"$COUNT" "$SMALL_INGEST" "$BATCH" "$( [ -e "$WORK/fresh-small" ] && echo '' || echo ' (when it was built; cached data reused)')"
fi
others=$(awk '$3 == "fuse" || $3 ~ /^fuse\./' /proc/mounts | wc -l)
printf 'machine: %s CPUs, kernel %s, %s; %s FUSE mounts were up at the end (%s of them this run)\n' \
	"$(nproc)" "$(uname -r)" "$(gocryptfs -version 2>/dev/null | cut -d';' -f1)" "$others" "${#MPID[@]}"
} | tee "$D/last-run.txt"
