#!/bin/bash
# The audio judge (recctl(1): libopusfile runs in a child process of its
# own) holds no personal data of any manifest.  It is started lazily,
# while the manifest of the first audio it judges is parsed in memory, and
# then judges up to 256 more files, from any recorder: a mere fork kept
# that manifest's name, phone number, e-mail and title (atk26 F3), which a
# file that takes libopusfile over in the child (the threat the child is
# there for) could read.  The child is now a fresh image of recctl.  Root
# reads the child's memory through /proc/PID/mem, as
# tests/integration/memscan.py does for the keys.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -m 0700 "$SPOOL"
LOG=$T_TMP/watch.log
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL" >>"$LOG" 2>&1 &
WATCH=$!
T_DAEMONS+=("$WATCH")
for _ in $(seq 1 100); do grep -q "^watching" "$LOG" && break; sleep 0.1; done
grep -q "^watching" "$LOG" || t_abort "watch" "did not start: $(cat "$LOG")"

# drop STEM NAME PHONE EMAIL: a call of one customer, audio then manifest.
drop()
{
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/$1.opus"
	printf '{"recorded_at": "%s", "source": "customer-service", "audio": "%s.opus",
 "title": "Qz%s title", "subjects": [{"role": "customer", "name": "%s", "phone": "%s", "email": "%s"}]}\n' \
		"$5" "$1" "$1" "$2" "$3" "$4" >"$SPOOL/$1.json.part"
	mv "$SPOOL/$1.json.part" "$SPOOL/$1.json"
}
ingested() { [ "$(grep -c '^ingested ' "$LOG")" -ge "$1" ]; }

drop alpha "Qzjudge Alphaperson" "+358401239871" "qzjudge.alpha@example.fi" 2026-11-10T10:00:00Z
for _ in $(seq 1 100); do ingested 1 && break; sleep 0.1; done
ingested 1 || t_abort "ingest" "the first call was not ingested: $(tail -n 3 "$LOG")"
judge=$(pgrep -P "$WATCH" -x recctl | head -1)
[ -n "$judge" ] || t_abort "judge" "no judge child of recctl watch (pid $WATCH)"

# A second recorder's call: judged by the same child.
drop bravo "Qzjudge Bravoperson" "+358401239872" "qzjudge.bravo@example.fi" 2026-11-11T10:00:00Z
for _ in $(seq 1 100); do ingested 2 && break; sleep 0.1; done
ingested 2 || t_abort "ingest" "the second call was not ingested: $(tail -n 3 "$LOG")"
assert_eq "the child that judged the first audio judged the second too" "$judge" \
	"$(pgrep -P "$WATCH" -x recctl | head -1)"

scan()
{
	python3 "$T_ROOT/tests/integration/memscan.py" "$1" --keyring "$KEYS/privacy.keyring" \
		--text "name=Qzjudge Alphaperson" --text "phone=358401239871" \
		--text "email=qzjudge.alpha@example.fi" --text "title=Qzalpha title"
}
in_watch=$(scan "$WATCH") || t_abort "search" "cannot read the memory of recctl watch"
in_judge=$(scan "$judge") || t_abort "search" "cannot read the memory of the judge"
# Controls: the process that parsed the manifest wiped it (jsonmem), and
# the child holds no key (the watch holds the blind-index key; the child
# wiped its copy).
for what in name phone email title; do
	assert_contains "recctl watch keeps no $what of the first call" "$in_watch" "$what absent"
done
assert_contains "the judge holds no blind-index key" "$in_judge" "index absent"
for what in name phone email title; do
	assert_contains "the judge holds no $what of the first call's manifest" "$in_judge" "$what absent"
done
kill "$WATCH"
wait "$WATCH" 2>/dev/null
t_done
