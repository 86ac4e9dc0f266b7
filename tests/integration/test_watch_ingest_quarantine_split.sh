#!/bin/bash
# atk45: a one-off `recctl ingest` of a refused manifest in the spool a
# `recctl watch` serves (an administrator's run beside the daemon) and the
# watch quarantine the same manifest at once.  ingest_quarantine moves the
# manifest's files first and the manifest last; the second quarantine
# lists the spool after the first has taken the audio, and takes the
# manifest alone.  The first then finds its manifest gone, undoes its
# quarantine and puts the audio back into the spool: the audio (plaintext,
# the recorder's) is left in the spool with no manifest, which nothing
# will ingest or remove, and the quarantine folder holds a manifest
# without its audio, which cannot be mended and ingested from there.
# gdb holds the one-off ingest between its move of the audio and its move
# of the manifest (the window is short in real use; a slow ingest widens
# it) while the watch quarantines.
# Expected: the refused manifest and its audio end up together (in one
# quarantine folder, or both left in the spool); no file of it is left
# alone in the spool.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || t_abort "gdb" "gdb is needed to hold the ingest between its two moves"
make_register "$T_TMP/a"
SP=$T_TMP/spool
mkdir -p "$SP"
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the watch does not start: $(cat "$LOG")"
# The watch busy for a moment (as with a burst): it sees the manifest later.
kill -STOP "$WATCH_PID"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SP/call-1.opus"
printf '{"recorded_at": "2026-11-02T10:00:00Z", "source": "no-such-source", "audio": "call-1.opus"}\n' \
	>"$SP/call-1.json"

# The one-off ingest refuses it and quarantines it; at its second move
# (the manifest's, after the audio's) the watch goes on and has 6 s.
cat >"$T_TMP/gdb.cmds" <<G
set pagination off
break take_input
run
continue
shell kill -CONT $WATCH_PID; sleep 6
delete
continue
G
timeout 120 gdb -q -batch -x "$T_TMP/gdb.cmds" --args "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" \
	"$SP/call-1.json" >"$T_TMP/gdb.log" 2>&1 </dev/null
kill -CONT "$WATCH_PID" 2>/dev/null
# gdb writes 'Thread 1 "recctl" hit Breakpoint 1, ...' once the program
# has had a second thread (ingest's hashing thread, macpipe.h).
hits=$(grep -cE '(^|hit )Breakpoint 1, take_input' "$T_TMP/gdb.log")
[ "$hits" = 2 ] || t_abort "gdb" "the ingest did not stop at its two moves ($hits): $(tail -n 5 "$T_TMP/gdb.log")"
# Nothing is due any more: the watch is idle.
sleep 3
stop_watch
cat "$LOG" "$T_TMP/gdb.log" | grep -v '^\[' >&2

q_json=
for d in "$REG"/quarantine/*/; do
	[ -e "${d}call-1.json" ] && q_json=$d
done
assert_ok "the refused manifest is in a quarantine folder" test -n "$q_json"
assert_ok "... with its audio" test -e "${q_json}call-1.opus"
assert_no_file "no audio of it is left in the spool without its manifest" "$SP/call-1.opus"
left=$(ls -A "$SP" | paste -sd' ')
assert_eq "the spool is empty" "" "$left"
assert_eq "the recording is not in the register" 0 "$(q 'SELECT count(*) FROM recording')"
t_done
