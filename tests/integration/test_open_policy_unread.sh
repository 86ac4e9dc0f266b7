#!/bin/bash
# An open that starts after `recctl policy apply` returned waits for the
# mount to read the new policy, up to 3 s; a caller keeps only a level both
# policies give them.  When the poller is in a long pass (a whole build of
# the tree at a million recordings takes about 10 s), its next look at
# policy.conf comes after the wait: the open was decided with the level the
# old policy gave, and a user taken out of a level read on (atk67 G3: no
# seal moves with a users = line, so the seal read from the catalog did
# not stop it).  Such an open is refused with EAGAIN and logged.  The long
# pass is the test build's hook (RECFS_TEST_SWAP_DELAY_MS).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Aino Asiakas", "phone": "+358401110001"}], "audio": "c1.opus"}'
guest=$(make_plain_user guest)
# policy_with USERS: the example policy with [level analysis] naming USERS
policy_with() {
	awk -v u="$1" '/^\[/ { s = ($0 == "[level analysis]") } s && /^users *=/ { next }
		{ print } $0 == "[level analysis]" && u != "" { print "users = " u }' "$POLICY_EXAMPLE"
}
policy_with "$guest" >"$T_TMP/guest.conf"
grep -qx "users = $guest" "$T_TMP/guest.conf" || t_abort "policy" "the users = line is not in the policy"
policy_with "" >"$T_TMP/none.conf"
assert_ok "policy apply: the guest named in the analysis level" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/guest.conf" --keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"
MNT=$T_TMP/mnt
RECFS_TEST_SWAP_DELAY_MS=12000 mount_all_levels "$MNT"
opus=$(as_user "$guest" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "the guest sees the call" "$opus" '\.opus$'
assert_eq "and reads it" "OggS" "$(as_user "$guest" head -c 4 "$opus" 2>/dev/null)"

# Another call: the poller looks at policy.conf (unchanged), then its pass
# holds 12 s.  The guest is taken out of the level meanwhile.
ingest_json c2 '{"recorded_at": "2026-11-03T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Toinen Soittaja", "phone": "+358401110002"}], "audio": "c2.opus"}'
sleep 0.5
assert_ok "policy apply: the guest in no level, the poller's pass still running" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/none.conf" --keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"
start=$(now_ns)
out=$(as_user "$guest" head -c 4 "$opus" 2>&1)
took=$((($(now_ns) - start) / 1000000))
# Decided while the pass still ran, after the 3 s wait: had the poller read
# the policy first, the test would prove nothing.
[ "$took" -ge 2500 ] && ! grep -q "policy changed (recctl policy apply)" "$MNT.err" ||
	t_abort "timing" "the open took $took ms or the mount read the policy first: the test proves nothing"
assert_not_contains "the guest taken out of the level does not read the call" "$out" "OggS"
assert_contains "the open is refused with EAGAIN" "$out" "Resource temporarily unavailable"
rid=$(q "SELECT id FROM recording WHERE recorded_at = $(date -u -d 2026-11-02T10:00:00Z +%s)")
wait_for 5 bash -c "\"$RECCTL\" audit show -R \"$REG\" --recording $rid --action open | grep -q 'not read it yet'"
assert_match "the refusal is in the audit log, with why" \
	"$("$RECCTL" audit show -R "$REG" --recording "$rid" --action open)" \
	"refused the register's policy changed and this mount has not read it yet"

# Once the mount has read it, the guest has no level: refused as ever.
wait_for 20 grep -q "policy changed (recctl policy apply)" "$MNT.err"
assert_contains "the mount read the new policy" "$(cat "$MNT.err")" "policy changed (recctl policy apply)"
out=$(as_user "$guest" head -c 4 "$opus" 2>&1)
assert_not_contains "then the guest's open still reads nothing" "$out" "OggS"
assert_not_contains "and is no longer EAGAIN" "$out" "Resource temporarily unavailable"
unmount_recfs "$MNT"
t_done
