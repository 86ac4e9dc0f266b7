#!/bin/bash
# What only the test build may do, tried on the installed build as an
# operator with a grudge would: move the clock with $RECFS_NOW to erase a
# recording years before its day and prune the audit log that says who
# heard it, and set the test build's delay variables.  The installed
# recctl and recfs (build/, not build/test/) must ignore all of them; the
# test build, given the same variables, shows they would have worked.
. "$(dirname "$0")/lib.sh"

[ -x "$T_REAL_RECFS" ] && [ -x "$T_REAL_RECCTL" ] || t_abort "build" "no installed build in $T_BUILD"
make_register "$T_TMP/a"
spool=$T_TMP/spool
mkdir -p "$spool"
cp "$T_ROOT/tests/fixtures/mono.opus" "$spool/a.opus"
# manifest NAME: a call recorded an hour and NAME seconds before the test
# began (one audio for all: at one time and source, the same audio is the
# same recording, so each has a time of its own, whenever it is written).
BEGAN=$(date +%s)
manifest()
{
	cat >"$spool/$1.json" <<EOF2
{ "recorded_at": "$(date -u -d "@$((BEGAN - 3600 - $1))" +%Y-%m-%dT%H:%M:%SZ)", "source": "customer-service",
  "purpose": "quality", "subjects": [{"role": "customer", "name": "Clocktestperson", "phone": "+358402220$1"}],
  "audio": "a.opus" }
EOF2
}
manifest 11
manifest 12
assert_ok "ingest of two calls made an hour ago" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/11.json" "$spool/12.json"
FUTURE=2100-01-01T00:00:00Z
recs() { q "SELECT count(*) FROM recording"; }
first_seq() { q "SELECT min(seq) FROM audit"; }
seq0=$(first_seq)

# --- the clock ---------------------------------------------------------------
assert_ok "the test build, clock moved to $FUTURE, would erase both (--dry-run)" \
	env RECFS_NOW=$FUTURE "$RECCTL" retention sweep -R "$REG" --dry-run --json
assert_match "(it counts them expired)" "$T_OUT" '"expired": *2'
assert_ok "the installed recctl, same clock, sweeps" env RECFS_NOW=$FUTURE "$T_REAL_RECCTL" retention sweep -R "$REG" --json
assert_match "it finds nothing expired" "$T_OUT" '"expired": *0'
assert_eq "both calls are still in the register" 2 "$(recs)"
assert_eq "the audit log still starts where it did" "$seq0" "$(first_seq)"
now=$(date -u +%s)
assert_eq "no audit entry is dated after now" 0 "$(q "SELECT count(*) FROM audit WHERE time > $now + 60")"
assert_match "the sweep's own entry is there, dated now" \
	"$(q "SELECT time FROM audit WHERE action = 'retention-sweep' ORDER BY seq DESC LIMIT 1")" '^[0-9]+$'
sweep_time=$(q "SELECT time FROM audit WHERE action = 'retention-sweep' ORDER BY seq DESC LIMIT 1")
if [ "$sweep_time" -le $((now + 60)) ] && [ "$sweep_time" -ge $((now - 600)) ]; then
	pass "(its time is the machine's, not $FUTURE)"
else
	fail "(its time is the machine's, not $FUTURE)" "$sweep_time against now $now"
fi
assert_ok "the audit chain verifies" "$T_REAL_RECCTL" audit verify -R "$REG"

# --- the delays ----------------------------------------------------------------
dpo=$(make_level_user privacy)
calls() { as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l; }
MNT=$T_TMP/mnt
RECFS=$T_REAL_RECFS RECFS_TEST_SWAP_DELAY_MS=5000 mount_all_levels "$MNT"
manifest 13
assert_ok "ingest while the installed recfs is mounted" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/13.json"
three() { [ "$(calls)" = 3 ]; }
if poll_since "$(now_ns)" 10000 three; then
	pass "the installed recfs shows the new call ($T_MS ms)"
else
	fail "the installed recfs shows the new call" "$(calls) calls after $T_MS ms"
fi
assert_not_contains "it never took RECFS_TEST_SWAP_DELAY_MS" "$(cat "$MNT.err")" "test hook"
unmount_recfs "$MNT"
for b in "$T_REAL_RECFS" "$T_REAL_RECCTL"; do
	assert_eq "$(basename "$b"): no test variable named in the installed binary" 0 \
		"$(strings "$b" | grep -cE 'RECFS_TEST_|RECFS_NOW')"
done
t_done
