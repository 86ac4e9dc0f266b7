#!/bin/bash
# A user taken out of a level by `recctl policy apply` loses it on a
# running mount at once, even while the mount's poller is in a long pass
# (a whole build of the tree takes about 10 s at a million recordings).
# The poller read policy.conf only between passes: an open waited 3 s for
# it, then was decided with the level the old policy gave, and the user
# read on (atk67 G3: no seal moves with a users = line); listings and the
# subjects' names were served the same way for the whole pass (atk70 P3).
# The mount now looks at policy.conf on a thread of its own every 100 ms,
# and an open that finds it changed reads it first.  A policy.conf
# touched or linked (a backup by hard links) is read, found the same, and
# changes nothing (atk70 P1).  The long pass is the test build's hook
# (RECFS_TEST_SWAP_DELAY_MS).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Aino Asiakas", "phone": "+358401110001"}], "audio": "c1.opus"}'
guest=$(make_plain_user guest)
analyst=$(make_level_user analysis)
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
assert_match "and lists the subjects" "$(as_user "$guest" ls "$MNT/by-subject" 2>&1)" '^S-'

# Another call: the poller looks at the catalog, then its pass holds 12 s.
# During it, policy.conf is linked and touched (no change of text), then
# the guest is taken out of the level.
ingest_json c2 '{"recorded_at": "2026-11-03T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Toinen Soittaja", "phone": "+358401110002"}], "audio": "c2.opus"}'
sleep 0.5
start=$(now_ns)
mkdir -p "$T_TMP/backup"
ln "$REG/policy.conf" "$T_TMP/backup/policy.conf" && touch "$REG/policy.conf"
sleep 0.5
assert_eq "policy.conf linked and touched: the analyst still reads" "OggS" \
	"$(as_user "$analyst" head -c 4 "$opus" 2>&1)"
assert_not_contains "and the mount says no policy changed" "$(cat "$MNT.err")" "policy changed (recctl policy apply)"
assert_ok "policy apply: the guest in no level, the poller's pass still running" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/none.conf" --keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"
out=$(as_user "$guest" head -c 4 "$opus" 2>&1)
ls_out=$(as_user "$guest" ls "$MNT/by-subject" 2>&1)
took=$((($(now_ns) - start) / 1000000))
# All of it within the pass: had the pass ended first, the test would
# prove nothing.
[ "$took" -lt 10000 ] || t_abort "timing" "it took $took ms: not within the poller's pass, the test proves nothing"
assert_not_contains "the guest taken out of the level does not read the call" "$out" "OggS"
assert_match "the open is refused as for one of no level" "$out" "Permission denied|No such file or directory"
assert_not_contains "nor lists the subjects" "$ls_out" "S-"
assert_contains "the mount read the new policy during the pass" "$(cat "$MNT.err")" "policy changed (recctl policy apply)"
assert_eq "the analyst, in both policies, still reads" "OggS" "$(as_user "$analyst" head -c 4 "$opus" 2>&1)"
rid=$(q "SELECT id FROM recording WHERE recorded_at = $(date -u -d 2026-11-02T10:00:00Z +%s)")
unmount_recfs "$MNT"
# Where the policy thread read the new policy before the guest's path
# walk, the walk itself fails (no open reaches the mount, nothing to log
# as an open); else the open is refused and logged.  Either way the
# guest's one open logged ok is the one before the apply.
assert_eq "the guest's only open logged ok is the one before the apply" 1 \
	"$("$RECCTL" audit show -R "$REG" --recording "$rid" --action open | grep -c "${guest}(.* ok")"
t_done
