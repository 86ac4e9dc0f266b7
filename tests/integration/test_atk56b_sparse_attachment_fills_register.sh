#!/bin/bash
# atk56b: a recorder confined to a spool on a file system of its own
# (README: "Where recorders are not trusted that far, give the spool a
# file system of its own") put a shared file made with `truncate -s 1G`
# (no block of its 32 MiB spool) beside a good call.  Ingest refused a
# hole in the audio only: the attachment was encrypted into the register's
# 256 MiB file system until it was full (ENOSPC, every open on a mount
# refused then), taken for the register's failure, left in the spool and
# tried again with the back-off, forever (4 of 7 checks failed).  A file
# with a hole is now refused as the audio is, and quarantined with the
# reason: the register keeps its room.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
t_tmpfs "$T_TMP/a" 256m 0755
make_register "$T_TMP/a"
SP=$T_TMP/spool
t_tmpfs "$SP" 32m 0755
LOG=$T_TMP/watch.log

cp "$FIX/mono.opus" "$SP/s.opus"
truncate -s 1G "$SP/s.pdf"
printf '{"recorded_at": "2026-03-01T10:00:00Z", "source": "customer-service", "audio": "s.opus",
 "subjects": [{"role": "customer", "name": "Sanna Sparse", "phone": "+358401110056"}],
 "attachments": [{"file": "s.pdf", "kind": "presentation"}]}\n' >"$SP/.s" && mv "$SP/.s" "$SP/s.json"
assert_eq "the sparse attachment takes no room in the spool" 0 "$(stat -c %b "$SP/s.pdf")"

start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "did not start: $(cat "$LOG")"
# Look at the register's free room every millisecond for 8 s (the first
# tries come after 0, 1, 2 and 4 s of back-off).
min=$(python3 -c '
import os, sys, time
m, end = 1 << 62, time.time() + 8
while time.time() < end:
    v = os.statvfs(sys.argv[1]); m = min(m, v.f_bavail * v.f_frsize // 1024); time.sleep(0.001)
print(m)' "$T_TMP/a")
assert_eq "watch is still running" 0 "$(kill -0 "$WATCH_PID" 2>/dev/null; echo $?)"
stop_watch
if [ "$min" -gt 0 ]; then pass "the register's file system kept room (least free: $min KiB)"
else fail "the register's file system kept room" "it had 0 KiB free while watch wrote the 1 GiB sparse attachment"; fi
assert_not_contains "the log does not blame the register for the recorder's file" "$(cat "$LOG")" "No space left on device"
assert_match "the manifest is quarantined, naming the hole" "$(cat "$LOG")" '^quarantined q-[0-9a-f]{8}: .*a hole at byte 0 of 1073741824'
assert_no_file "the manifest is not left in the spool to be tried again" "$SP/s.json"
assert_ok "fsck is clean" "$RECCTL" fsck -R "$REG"
t_done
