#!/bin/bash
# `recctl watch` as recfs-watch@.service runs it: root with the unit's
# CapabilityBoundingSet only (atk20), and a recorder of a user of its own.
# 1. A file still being written after its manifest (recctl(1) watch: "not
#    read yet ... until the writer has closed it"): the read lease that
#    tells needs CAP_LEASE for another user's file.  The unit lacked it,
#    F_SETLEASE gave EACCES and the file was read as it was: 20 of 620
#    bytes of a chat stored, the file removed while its writer still
#    wrote.  The unit has CAP_LEASE now, and without it a file of another
#    user changed in the last 2 s waits; both are tried.
# 2. The audio judge runs as nobody, and without CAP_KILL root may not
#    signal it: judge_retire() killed it and waited for ever, so one
#    truncated Opus from a recorder, or simply the 256th file (a judge is
#    replaced after 256), stopped all ingest, and SIGTERM did not end the
#    daemon.  The judge now ends when its socket closes, or by its own
#    alarm.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
rec=$(make_plain_user rec)
chmod 0711 "$T_TMP/a" "$REG"
chown "$rec" "$REG/spool"
S=$REG/spool
cp "$FIX/mono.opus" "$T_TMP/mono.opus"
head -c 3000 "$FIX/mono.opus" >"$T_TMP/bad.opus"
chmod 0644 "$T_TMP/mono.opus" "$T_TMP/bad.opus"
CAPS=$(unit_caps recfs-watch@.service)
assert_contains "the unit gives CAP_LEASE" "$CAPS" "+lease"

# watch_as LOG [CAP...]: recctl watch with the unit's capabilities, less
# the CAPs named, in the background (WPID).
watch_as()
{
	local log=$1
	shift
	setpriv --bounding-set="$(unit_caps recfs-watch@.service "$@")" --inh-caps=-all -- \
		"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" >"$log" 2>&1 &
	WPID=$!
	sleep 1
}
watch_stops()
{
	kill "$WPID"
	for _ in $(seq 1 50); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$WPID" 2>/dev/null; then
		fail "$1" "still running, in $(cat "/proc/$WPID/wchan" 2>/dev/null)"
		pkill -KILL -P "$WPID"
		kill -9 "$WPID"
	else
		pass "$1"
	fi
	wait "$WPID" 2>/dev/null
}

# --- 1: a chat still written after its manifest ----------------------------
cat >"$T_TMP/slow.py" <<'PY'
import json, os, shutil, sys, time
spool, opus, stem, when = sys.argv[1:5]
shutil.copyfile(opus, os.path.join(spool, stem + ".opus"))
f = open(os.path.join(spool, stem + "-chat.txt"), "w")
f.write("10:00 agent: line 0\n"); f.flush()
m = {"recorded_at": when, "source": "customer-service", "title": "Still written",
     "audio": stem + ".opus", "attachments": [{"file": stem + "-chat.txt", "kind": "chat"}]}
json.dump(m, open(os.path.join(spool, "." + stem + ".json"), "w"))
os.rename(os.path.join(spool, "." + stem + ".json"), os.path.join(spool, stem + ".json"))
for i in range(1, 30):
    time.sleep(0.1)
    f.write("10:00 agent: line %d\n" % i); f.flush()
f.close()
PY
chmod 0644 "$T_TMP/slow.py"
full=$(for i in $(seq 0 29); do printf '10:00 agent: line %d\n' "$i"; done | wc -c)
# slow_chat STEM WHEN LABEL
slow_chat()
{
	local stored
	as_user "$rec" /usr/bin/python3 "$T_TMP/slow.py" "$S" "$T_TMP/mono.opus" "$1" "$2"
	for _ in $(seq 1 100); do [ -e "$S/$1.json" ] || break; sleep 0.1; done
	stored=$(q "SELECT a.size FROM artifact a JOIN recording r ON r.id = a.recording
		WHERE a.role = 'chat' AND r.recorded_at = $(date -u -d "$2" +%s)")
	assert_eq "$3" "$full" "${stored:-none}"
}
watch_as "$T_TMP/watch1.log"
slow_chat open-1 2026-04-01T10:00:00Z "with the unit's capabilities, a chat still written is stored whole"
assert_contains "(the log says it waited for the writer)" "$(cat "$T_TMP/watch1.log")" "still open for writing"
watch_stops "SIGTERM ends watch"
watch_as "$T_TMP/watch2.log" lease
slow_chat open-2 2026-04-01T11:00:00Z "without CAP_LEASE, a chat still written is stored whole too"
assert_contains "(the log says it waited for the file to settle)" "$(cat "$T_TMP/watch2.log")" "may still be written"
# A finished file stamped an hour ahead (touch -d) is not waited for until
# the clock gets there (atk21).
as_user "$rec" sh -c "cp '$T_TMP/mono.opus' '$S/.fut.opus' && touch -d '+1 hour' '$S/.fut.opus' &&
	mv '$S/.fut.opus' '$S/fut.opus' &&
	printf '{\"recorded_at\":\"2026-04-02T09:00:00Z\",\"source\":\"customer-service\",\"audio\":\"fut.opus\"}' >'$S/.fut' &&
	mv '$S/.fut' '$S/fut.json'"
for _ in $(seq 1 200); do [ -e "$S/fut.json" ] || break; sleep 0.1; done
assert_no_file "without CAP_LEASE, a finished file stamped an hour ahead is ingested" "$S/fut.json"
watch_stops "SIGTERM ends watch"

# --- 2: a truncated Opus, then a good one ----------------------------------
drop() # STEM AUDIO WHEN
{
	as_user "$rec" sh -c "cp '$2' '$S/$1.opus' && printf '{\"recorded_at\":\"%s\",\"source\":\"customer-service\",\"audio\":\"%s.opus\"}' '$3' '$1' >'$S/.$1' && mv '$S/.$1' '$S/$1.json'"
}
watch_as "$T_TMP/watch3.log"
before=$(q "SELECT count(*) FROM recording")
drop b1 "$T_TMP/bad.opus" 2026-04-02T10:00:00Z
sleep 4
drop g1 "$T_TMP/mono.opus" 2026-04-02T11:00:00Z
for _ in $(seq 1 100); do [ -e "$S/g1.json" ] || break; sleep 0.1; done
assert_eq "the truncated Opus is quarantined" 1 "$(ls "$REG"/quarantine | wc -l)"
assert_eq "the next good manifest is ingested" 1 "$(($(q "SELECT count(*) FROM recording") - before))"
watch_stops "SIGTERM ends watch after a refused file"

# --- 3: no hostile file: the judge is replaced after 256 files --------------
rm -rf "$REG"/quarantine/* "${S:?}"/*
watch_as "$T_TMP/watch4.log"
before=$(q "SELECT count(*) FROM recording")
cat >"$T_TMP/many.py" <<'PY'
import json, os, shutil, sys, time
spool, opus, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    st = "m%04d" % i
    shutil.copyfile(opus, os.path.join(spool, st + ".opus"))
    m = {"recorded_at": "2026-06-%02dT%02d:%02d:00Z" % (1 + i // 600 % 28, (i // 60) % 10, i % 60),
         "source": "customer-service", "title": "many %d" % i, "audio": st + ".opus"}
    json.dump(m, open(os.path.join(spool, "." + st), "w"))
    os.rename(os.path.join(spool, "." + st), os.path.join(spool, st + ".json"))
    if i % 20 == 19: time.sleep(0.3)
PY
chmod 0644 "$T_TMP/many.py"
as_user "$rec" /usr/bin/python3 "$T_TMP/many.py" "$S" "$T_TMP/mono.opus" 300
for _ in $(seq 1 300); do [ "$(ls "$S" | wc -l)" = 0 ] && break; sleep 0.1; done
assert_eq "300 manifests are all ingested (the judge is replaced past 256)" 300 \
	"$(($(q "SELECT count(*) FROM recording") - before))"
watch_stops "SIGTERM ends watch after 300"
t_done
