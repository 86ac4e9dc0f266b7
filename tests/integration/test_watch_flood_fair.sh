#!/bin/bash
# One recorder's flood of broken manifests does not hold back another's
# calls.  The watch took the manifests due in queue order, 32 a group,
# and quarantines a broken one (copies, fsyncs) at some hundreds a second
# at best: 20,000 from one recorder kept every other recorder's calls out
# of the register for 7 to 13 minutes (atk69 F3).  It now takes them by
# turns of their owners: the other recorder's calls go in the next group.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SP=$T_TMP/spool
mkdir -p "$SP" && chmod 1777 "$SP"
flooder=$(make_plain_user flood)
rec=$(make_plain_user rec)
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the watch does not start: $(cat "$LOG")"
N=2000
flood_left() { find "$SP" -name 'a*.json' | wc -l; }
as_user "$flooder" sh -c 'for i in $(seq -w 1 '"$N"'); do echo "{\"x\":" >"$1/a$i.json"; done' sh "$SP" ||
	t_abort "flood" "the flooder cannot write the spool"
# Once the watch has begun to quarantine the flood, the other recorder's
# three calls arrive behind it.  The flooder first makes the name of the
# first one, waits for the watch to queue it as the flooder's, and removes
# it: the call that comes by that name is the other recorder's all the
# same (atk70 W2: its turn was the flooder's, behind the whole flood).
wait_for 60 sh -c "[ \$(find '$SP' -name 'a*.json' | wc -l) -lt $N ]"
as_user "$flooder" sh -c 'echo "{\"x\":" >"$1/z1.json"; sleep 1.5; rm -f "$1/z1.json"' sh "$SP"
for i in 1 2 3; do
	as_user "$rec" cp "$T_ROOT/tests/fixtures/mono.opus" "$SP/z$i.opus"
	as_user "$rec" sh -c "printf '%s\n' '{\"recorded_at\": \"2026-11-0${i}T10:00:00Z\", \"source\": \"customer-service\", \"audio\": \"z$i.opus\"}' >\"$SP/.z$i\" && mv \"$SP/.z$i\" \"$SP/z$i.json\""
done
at=$(flood_left)
wait_for 120 sh -c "[ \"\$(sqlite3 '$REG/catalog.db' 'SELECT count(*) FROM recording')\" = 3 ]"
left=$(flood_left)
assert_eq "the other recorder's three calls are ingested" 3 "$(q "SELECT count(*) FROM recording")"
echo "   broken manifests waiting: $at when the calls came, $left when they were in"
[ "$left" -ge $((at / 2)) ] && pass "before the flood is through: they were not queued behind it" ||
	fail "before the flood is through: they were not queued behind it" "$left of $at broken manifests were left"
wait_for 120 sh -c "[ -z \"\$(find '$SP' -name 'a*.json')\" ]"
assert_eq "the flood is quarantined in the end" "$N" "$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 -type d | wc -l)"
stop_watch
t_done
