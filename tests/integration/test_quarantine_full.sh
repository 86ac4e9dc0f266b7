#!/bin/bash
# A quarantine that cannot be written (the register's disk is full) moves
# nothing: the manifest and its files stay in the spool, no folder is left
# behind without its error.txt, and `recctl watch` tries again, logging
# each try, until there is room; then the quarantine is whole (error.txt,
# manifest-name.txt, the manifest and its audio) and audited.
#  1. the disk quite full: error.txt cannot be written;
#  2. room for error.txt and manifest-name.txt but not the audio: the copy
#     fails half-way and what was moved is moved back;
#  3. quite full again, with the spool on the register's file system, where
#     quarantine renames (which needs no room) rather than copies.
# The register is on a small tmpfs filled up with a filler file; the spool
# of 1 and 2 on a tmpfs of its own (the quarantine copies across them).
# Across file systems the quarantine keeps the register a reserve (atk30
# F2, test_spool_own_fs_fills_register.sh), which the test build drops
# here ($RECFS_TEST_NO_QUARANTINE_RESERVE) to reach a full disk, as another
# writer filling it while a copy runs would.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
t_tmpfs "$T_TMP/a" 16m
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool	# case 3 moves it onto the register's file system
LOG=$T_TMP/watch.log
FILLER=$T_TMP/a/filler
t_tmpfs "$T_TMP/spool" 16m 0700
log_has() { grep -q -- "$1" "$LOG" 2>/dev/null; }
# wait_log SECONDS PATTERN: 0 once the daemon's log has a matching line.
wait_log()
{
	local i
	for i in $(seq 1 $(($1 * 10))); do
		log_has "$2" && return 0
		sleep 0.1
	done
	return 1
}
# bad NAME: NAME.opus and then NAME.json, renamed into place, naming a
# source the policy does not have: the input's fault, to be quarantined.
# NAME is no hex, so that no pseudonym in the log contains it.
bad()
{
	cp "$FIX/mono.opus" "$SPOOL/$1.opus"
	printf '{"recorded_at":"2026-11-01T10:00:00Z","source":"nosuch","audio":"%s.opus"}\n' "$1" >"$SPOOL/.$1.json"
	mv "$SPOOL/.$1.json" "$SPOOL/$1.json"
}
# fill [KEEP_KB]: the filler takes all the register's room but KEEP_KB.
fill()
{
	rm -f "$FILLER"
	dd if=/dev/zero of="$FILLER" bs=64k 2>/dev/null
	[ "${1:-0}" -gt 0 ] && truncate -s "-${1}K" "$FILLER"
	sync
}
# no_half_quarantine: no folder in quarantine/ lacks its error.txt.
no_half_quarantine()
{
	local d
	for d in "$REG"/quarantine/*/; do
		[ -d "$d" ] || continue
		[ -f "${d}error.txt" ] && [ -f "${d}manifest-name.txt" ] || { echo "${d%/}"; return 1; }
	done
	return 0
}
qdirs() { find "$REG/quarantine" -mindepth 1 -maxdepth 1 | wc -l; }
# tries TAG N: the log has at least N lines of failed quarantines of TAG.
tries() { [ "$(grep -c "^cannot quarantine $1 " "$LOG")" -ge "$2" ]; }
QBASE=0

RECFS_TEST_NO_QUARANTINE_RESERVE=1 start_watch "$REG" "$LOG" "$SPOOL" || t_abort "watch" "the daemon does not start: $(cat "$LOG")"

# check_full NAME PATTERN: while full, the quarantine of NAME fails with
# PATTERN in the log, twice (the retry is logged), and nothing moves.
check_full()
{
	local name=$1 pat=$2 tag
	wait_log 20 "^cannot quarantine m-[0-9a-f]\{8\} (unknown source" &&
		pass "$name: the quarantine on a full disk fails" ||
		fail "$name: the quarantine on a full disk fails" "$(tail -n 3 "$LOG")"
	assert_contains "$name: because $pat" "$(grep '^cannot quarantine' "$LOG" | head -n 1)" "$pat"
	assert_match "$name: and says when it retries" "$(grep '^cannot quarantine' "$LOG" | head -n 1)" \
		'; will retry in [0-9]+s$'
	tag=$(grep -o '^cannot quarantine m-[0-9a-f]\{8\}' "$LOG" | head -n 1 | cut -d' ' -f3)
	assert_file "$name: the manifest is still in the spool" "$SPOOL/$name.json"
	assert_file "$name: and its audio" "$SPOOL/$name.opus"
	assert_eq "$name: the audio is whole" "$(md5sum <"$FIX/mono.opus")" "$(md5sum <"$SPOOL/$name.opus" 2>&1)"
	assert_eq "$name: no folder is left in quarantine" "$QBASE" "$(qdirs)"
	poll_since "$(now_ns)" 20000 tries "$tag" 2 &&
		pass "$name: the retry comes, and is logged" ||
		fail "$name: the retry comes, and is logged" "$(tail -n 3 "$LOG")"
	assert_ok "$name: still no folder without its error.txt" no_half_quarantine
	assert_file "$name: still in the spool after the retry" "$SPOOL/$name.json"
}

# check_freed NAME: once the filler is gone, NAME is quarantined whole.
check_freed()
{
	local name=$1 q
	rm -f "$FILLER"
	wait_log 90 "^quarantined q-[0-9a-f]\{8\}: unknown source" &&
		pass "$name: with room again, the retry quarantines it" ||
		fail "$name: with room again, the retry quarantines it" "$(tail -n 3 "$LOG")"
	q=$(quarantine_of "$name.json")
	assert_eq "$name: its folder is the one the log names" \
		"quarantined ${q##*/}: unknown source" "$(grep -o "^quarantined ${q##*/}: unknown source" "$LOG")"
	assert_contains "$name: error.txt gives the reason" "$(cat "$q/error.txt" 2>&1)" "unknown source"
	assert_eq "$name: manifest-name.txt keeps its name" "$name.json" "$(cat "$q/manifest-name.txt" 2>&1)"
	assert_eq "$name: the audio is there, whole" "$(md5sum <"$FIX/mono.opus")" "$(md5sum <"$q/$name.opus" 2>&1)"
	assert_no_file "$name: the spool is empty of it" "$SPOOL/$name.json"
	assert_no_file "$name: and of its audio" "$SPOOL/$name.opus"
	QBASE=$((QBASE + 1))
	assert_eq "$name: one more folder in quarantine" "$QBASE" "$(qdirs)"
	assert_eq "$name: the quarantine is audited" 1 \
		"$("$RECCTL" audit show -R "$REG" | grep -c " quarantine ${q##*/} refused ")"
	assert_eq "$name: the log never names its file" 0 "$(grep -c "$name" "$LOG")"
	# The next case reads a log of its own (watch appends to it).
	cp "$LOG" "$LOG.$name"
	: >"$LOG"
}

# --- 1. full: error.txt cannot be written ------------------------------------------
fill
bad bad3-call
check_full bad3-call "cannot write error.txt: No space left on device"
check_freed bad3-call

# --- 2. room for the folder's own files, not for the audio -------------------------
fill 12
bad bad4-call
check_full bad4-call "cannot move an input file to quarantine: No space left on device"
check_freed bad4-call

# --- 3. the spool on the register's file system: quarantine renames ---------------
# As the tester found it: the inputs are in place before the disk fills up
# (the manifest renamed in afterwards, which takes no room), and a rename
# needs none either.
stop_watch
SPOOL=$T_TMP/a/spool
LOG=$T_TMP/watch-same-fs.log
mkdir -p "$SPOOL"
start_watch "$REG" "$LOG" "$SPOOL" || t_abort "watch" "the daemon does not start: $(cat "$LOG")"
cp "$FIX/mono.opus" "$SPOOL/bad5-call.opus"
printf '{"recorded_at":"2026-11-01T10:00:00Z","source":"nosuch","audio":"bad5-call.opus"}\n' >"$SPOOL/.bad5-call.json"
fill
mv "$SPOOL/.bad5-call.json" "$SPOOL/bad5-call.json"
check_full bad5-call "cannot write error.txt: No space left on device"
check_freed bad5-call

stop_watch
assert_ok "fsck finds no problem" "$RECCTL" fsck -R "$REG"
assert_contains "fsck: 0 problems" "$T_OUT" "; 0 problems"
t_done
