#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient, is
# kept past its retention, and no level below the rights level hears it
# until the officer lifts the restriction (test_restriction_cleared.sh).
#
# Attack (root with write access to catalog.db, no level key): a purpose
# whose min_level is the rights level (bronze-silver-gold's "secret",
# board meetings) has no seal below the rights level restricted or not, so
# a check of the seals (a first version, not landed) told nothing, and
# restricted_since cleared by one UPDATE was a lift again: the export to a
# recipient carried the restricted meeting, fsck said nothing, the sweep
# erased it; and when the officer later lowered the purpose's min_level (a
# legitimate policy change), policy apply sealed the restricted meeting
# for silver.  The audit log's word holds for any purpose: policy apply
# refuses until fsck --repair restricts the meeting again, then seals the
# other meeting for silver and the restricted one for none below gold.
. "$(dirname "$0")/lib.sh"

bsg_register "$T_TMP/a"
meeting()
{
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/$1.opus"
	cat >"$SPOOL/$1.json" <<JSON
{"recorded_at": "$2", "source": "boardroom", "title": "Board",
 "subjects": [{"role": "customer", "name": "Gina Goldonly", "phone": "+46701119999"}], "audio": "$1.opus"}
JSON
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$1.json" >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest $1" "$(tail -n 3 "$T_TMP/ingest.out")"
}
meeting m1 2026-11-02T10:00:00Z
meeting m2 2026-11-03T10:00:00Z
rid=$(id_at 2026-11-02T10:00:00Z)
rid2=$(id_at 2026-11-03T10:00:00Z)
H=$(handle_of "$rid")
[ -n "$H" ] && [ "$(handle_of "$rid2")" = "$H" ] || t_abort "setup" "the two meetings are not one subject's"
gold=$(make_level_user gold)
silver=$(make_level_user silver)
mount_keys() { mount_recfs "$REG" "$1" "$KEYS/bronze.keyring" "$KEYS/silver.keyring" "$KEYS/gold.keyring" ||
	t_abort "mount" "cannot mount"; }
MNT=$T_TMP/mnt
mount_keys "$MNT"
tf=$(as_user "$gold" find "$MNT/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
[ -n "$tf" ] || t_abort "mount" "gold does not see the meeting"
assert_ok "gold: chmod 0 restricts the first meeting" as_user "$gold" chmod 0 "$tf"
unmount_recfs "$MNT"

assert_ok "control: an export to a recipient" to_recipient "$REG" "$T_TMP/r0" group
assert_eq "control: ... withholds the restricted meeting" "restricted (Art. 18(2))" "$(withheld_why "$T_TMP/r0" "$rid")"

# root: one UPDATE
sqlite3 "$REG/catalog.db" "UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
B=$T_TMP/b
cp -a "$REG" "$B"

assert_ok "the export to a recipient after the column was cleared" to_recipient "$REG" "$T_TMP/r1" group
assert_not_contains "... carries no restricted meeting" "$(exported "$T_TMP/r1")" "$rid"
assert_contains "... carries the other meeting" "$(exported "$T_TMP/r1")" "$rid2"
"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
assert_match "fsck names the meeting as restricted" "$(cat "$T_TMP/fsck.out")" "recording $rid.*restrict"
RECFS_NOW=$(date -u -d 2028-06-01T00:00:00Z +%s) "$RECCTL" retention sweep -R "$B" >"$T_TMP/sweep.out" 2>&1
assert_eq "the retention sweep keeps the restricted meeting" 1 \
	"$(sqlite3 "$B/catalog.db" "SELECT count(*) FROM recording WHERE id = '$rid'")"

# the officer lowers the purpose to silver, with the rights keyring
awk '/^\[purpose secret\]/ { s = 1 } /^\[/ && !/secret/ { s = 0 }
	s && /^min_level/ { print "min_level = silver"; next } { print }' "$pol" >"$T_TMP/lower.conf"
grep -q "min_level = silver" "$T_TMP/lower.conf" || t_abort "policy" "no lowered purpose"
assert_fails_with "policy apply refuses while the log holds the meeting restricted" \
	"recording $rid is restricted by the audit log" \
	"$RECCTL" policy apply "$T_TMP/lower.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase
assert_ok "fsck --repair restricts it again" "$RECCTL" fsck -R "$REG" --keyring "$PK" --repair
assert_ok "then the policy applies" \
	"$RECCTL" policy apply "$T_TMP/lower.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase
assert_eq "control: the unrestricted meeting is sealed for silver now" 1 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid2'
	     AND a.role = 'audio' AND s.level = 'silver'")"
assert_eq "the restricted meeting's audio is sealed for no level below gold" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid'
	     AND s.level <> 'gold'")"
mount_keys "$MNT"
tf=$(as_user "$gold" find "$MNT/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
[ -n "$tf" ] || t_abort "mount" "gold does not see the meeting"
if as_user "$silver" cat "$tf" >/dev/null 2>&1; then
	fail "silver does not hear the restricted meeting on the mount" "it reads $tf"
else
	pass "silver does not hear the restricted meeting on the mount"
fi
unmount_recfs "$MNT"
t_done
