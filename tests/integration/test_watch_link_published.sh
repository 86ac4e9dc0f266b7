#!/bin/bash
# A running `recctl watch` ingests a manifest published with link(2), the
# other atomic way to put a file in place (no clobbering): its inotify
# mask had only a close after writing and a move into the spool, so such a
# manifest sat in the spool until the next start, days on a stable host
# (atk69 F2).  A manifest written in place by a slow writer is still taken
# whole, once its writer is done; a symbolic link as a manifest is skipped
# while running as at a start.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SP=$T_TMP/spool
mkdir -p "$SP"
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the watch does not start: $(cat "$LOG")"
calls() { q "SELECT count(*) FROM recording"; }

cp "$T_ROOT/tests/fixtures/mono.opus" "$SP/linked.opus"
printf '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service", "audio": "linked.opus"}\n' >"$T_TMP/linked.json"
ln "$T_TMP/linked.json" "$SP/linked.json"
wait_for 15 sh -c "[ \"\$(sqlite3 '$REG/catalog.db' 'SELECT count(*) FROM recording')\" = 1 ]"
assert_eq "a manifest linked into the spool is ingested by the running watch" 1 "$(calls)"
wait_for 10 sh -c "[ -z \"\$(ls '$SP')\" ]"
assert_eq "and taken from the spool" "" "$(ls "$SP")"

# Slow writers: a manifest created, then written in two pieces 1 s apart;
# another created and left empty for 3.5 s, longer than the watch's 2 s
# of settling, then written whole (a generator's `> X.json`): seen at
# once (IN_CREATE), each must wait for its writer, not be quarantined
# half-written (atk70 W1).
cp "$T_ROOT/tests/fixtures/mono.opus" "$SP/slow.opus"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SP/late.opus"
exec 7>"$SP/slow.json"
printf '{"recorded_at": "2026-11-03T10:00:00Z", ' >&7
sleep 1
printf '"source": "customer-service", "audio": "slow.opus"}\n' >&7
exec 7>&-
{ sleep 3.5; printf '{"recorded_at": "2026-11-04T10:00:00Z", "source": "customer-service", "audio": "late.opus"}\n'; } >"$SP/late.json"
wait_for 20 sh -c "[ \"\$(sqlite3 '$REG/catalog.db' 'SELECT count(*) FROM recording')\" = 3 ]"
assert_eq "manifests written in place slowly are ingested whole" 3 "$(calls)"
assert_eq "nothing quarantined" 0 "$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"

ln -s "$T_TMP/linked.json" "$SP/sym.json"
wait_for 10 grep -q "not a regular file" "$LOG"
assert_contains "a symbolic link as a manifest is skipped while running, saying why" "$(cat "$LOG")" "not a regular file"
stop_watch
t_done
