#!/bin/bash
# An open waits for the mount's snapshot to hold what had committed when it
# came, up to 3 s; when the poller has not got there by then (a pass that
# builds the whole tree at a million recordings takes longer), the open is
# decided on the older snapshot.  The data key must then come from the
# seals in the catalog, not from the cache of unsealed keys: the cache is
# forgotten when a pass starts, and a key cached during a long pass
# outlived a restriction made meanwhile (atk66 F1: the open took 3 s and
# returned the audio of a call restricted a moment before).  The long pass
# is the test build's hook (RECFS_TEST_SWAP_DELAY_MS: each new snapshot
# waits before it goes in).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Aino Kieltaja", "phone": "+358401110001"}], "audio": "c1.opus"}'
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
RECFS_TEST_SWAP_DELAY_MS=10000 mount_all_levels "$MNT"
opus=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "the analyst sees the call" "$opus" '\.opus$'
assert_ok "subject find" "$RECCTL" subject find "+358401110001" -R "$REG" --keyring "$KEYS/ingest.keyring"
H=$(printf '%s\n' "$T_OUT" | awk '{print $1; exit}')

# Another call: the poller is in a pass of 10 s, which forgot the cached
# keys as it began.  The analyst's open waits 3 s for it, then reads,
# unsealing the key from the catalog (and, before, caching it).
ingest_json c2 '{"recorded_at": "2026-11-03T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Toinen Soittaja", "phone": "+358401110002"}], "audio": "c2.opus"}'
sleep 0.5
assert_eq "the analyst reads the call while the poller's pass runs" "OggS" \
	"$(as_user "$analyst" head -c 4 "$opus" 2>/dev/null)"
assert_ok "the subject objects to service-level: the call is restricted in the catalog" \
	"$RECCTL" subject object "$H" --purpose service-level -R "$REG"
start=$(now_ns)
out=$(as_user "$analyst" head -c 4 "$opus" 2>&1)
took=$((($(now_ns) - start) / 1000000))
# It waited for the pass (3 s) and was decided while the pass still ran:
# had the pass ended first, the restriction would be in the snapshot and
# the test would prove nothing.
[ "$took" -ge 2500 ] && [ "$took" -lt 9500 ] ||
	t_abort "timing" "the open took $took ms: not decided during the pass, the test proves nothing"
assert_not_contains "an open on the older snapshot does not read the call restricted since" "$out" "OggS"
assert_contains "it is refused, as the level's seal is gone" "$out" "Permission denied"
rid=$(q "SELECT id FROM recording WHERE recorded_at = $(date -u -d 2026-11-02T10:00:00Z +%s)")
wait_for 5 bash -c "\"$RECCTL\" audit show -R \"$REG\" --recording $rid --action open | grep -q refused"
assert_contains "the refusal is in the audit log" \
	"$("$RECCTL" audit show -R "$REG" --recording "$rid" --action open)" "refused"
t_done
