#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient, is
# kept past its retention, and no level below the rights level hears it
# until the officer lifts the restriction (test_restriction_cleared.sh).
#
# Attack (root with write access to catalog.db and the register's files,
# no level key): a first version of the check (not landed) weighed the
# seals against the
# register's policy.conf, which nothing authenticates.  Root clears
# restricted_since and edits the installed policy.conf so that the call's
# purpose (quality) is sealed from the rights level: "a purpose sealed from
# the rights level alone tells nothing".  The export to a recipient then
# carries the restricted call, fsck says nothing, the sweep erases it; and
# when the officer next applies her policy (her own copy, as shipped),
# policy apply checks the recordings against the edited policy, passes,
# and seals the call for training again: a training user hears it.
. "$(dirname "$0")/lib.sh"

two_calls_one_subject "$T_TMP/a"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
restrict_first_call "$MNT"

# root: the column cleared, the installed policy's quality sealed from privacy
sqlite3 "$REG/catalog.db" "UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
awk '/^\[/ { s = ($0 == "[purpose quality]") }
	s && /^(min_level|chat_level|attachment_level)[ =]/ { sub(/=.*/, "= privacy") } { print }' \
	"$REG/policy.conf" >"$T_TMP/edited.conf" && cat "$T_TMP/edited.conf" >"$REG/policy.conf" ||
	t_abort "tampering" "cannot edit policy.conf"
grep -q "^min_level = privacy" "$REG/policy.conf" || t_abort "tampering" "policy.conf not edited"
B=$T_TMP/b
cp -a "$REG" "$B"

assert_ok "the export to a recipient after the tampering" to_recipient "$REG" "$T_TMP/r1"
ids=$(exported "$T_TMP/r1")
assert_not_contains "... carries no restricted call" "$ids" "$rid"
assert_contains "... carries the other call" "$ids" "$rid2"
"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
echo "   fsck exit $?: $(tail -n 1 "$T_TMP/fsck.out")"
assert_match "fsck names the call as restricted" "$(cat "$T_TMP/fsck.out")" "recording $rid.*restrict"
RECFS_NOW=$(date -u -d 2028-06-01T00:00:00Z +%s) "$RECCTL" retention sweep -R "$B" >"$T_TMP/sweep.out" 2>&1
assert_eq "the retention sweep keeps the restricted call" 1 \
	"$(sqlite3 "$B/catalog.db" "SELECT count(*) FROM recording WHERE id = '$rid'")"

# the officer applies her policy, as shipped, with the rights keyring
"$RECCTL" policy apply "$POLICY_EXAMPLE" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/apply.out" 2>&1
echo "   policy apply exit $?: $(tail -n 2 "$T_TMP/apply.out" | tr '\n' ' ')"
assert_eq "the restricted call's audio is sealed for no level below privacy" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid'
	     AND s.level <> 'privacy'")"
unheard "$MNT" "$trainer" "training does not hear the restricted call on the mount"
t_done
