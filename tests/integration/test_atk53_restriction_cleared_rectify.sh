#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient and
# no level below the rights level reads it until the officer lifts the
# restriction; restricted_since cleared by root is told (export
# withholds, fsck names, policy apply refuses).  Tried against a first
# version of the check, which took the seals' word (not landed).
#
# Attack (root with write access to catalog.db, no level key) and a
# careless officer: root clears restricted_since.  The officer then
# rectifies the subject's name (Art. 16; subject merge and split do the
# same to the calls they move): rectify_details_of re-seals each of the
# subject's details records "for the levels seal_level_of gives the
# recording as it stands", which the catalog's column decides, so the
# restricted call's details are sealed for analysis again.  That seal
# below the rights level was a lift to that check: the export
# to a recipient carries the call, fsck says nothing, and the next policy
# apply seals its audio for training, who hears it on the mount.
. "$(dirname "$0")/lib.sh"

two_calls_one_subject "$T_TMP/a"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
restrict_first_call "$MNT"
below() # RID [REGISTER]: seals below privacy on its objects
{
	sqlite3 "${2:-$REG}/catalog.db" "SELECT count(*) FROM seal WHERE level <> 'privacy' AND (object IN (SELECT id FROM artifact
	     WHERE recording = '$1') OR object = (SELECT details_id FROM recording WHERE id = '$1'))"
}
assert_eq "control: the restricted call has no seal below privacy" 0 "$(below "$rid")"

# root: one UPDATE
sqlite3 "$REG/catalog.db" "UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
C=$T_TMP/c
cp -a "$REG" "$C"
assert_exit "control: before any officer's command, fsck names the call" 1 "$RECCTL" fsck -R "$C" --keyring "$PK"
assert_match "control: ... as restricted by the audit log" "$T_OUT" "recording $rid is restricted by the audit log"

# the officer: the subject asks for the spelling of the name to be corrected
assert_ok "the officer rectifies the subject's name" \
	"$RECCTL" subject rectify -R "$REG" "$H" name "Matti Meikäläinen-Korhonen" --level-keyring "$PK"
assert_eq "the restricted call still has no seal below privacy" 0 "$(below "$rid")"

assert_ok "the export to a recipient" to_recipient "$REG" "$T_TMP/r1"
ids=$(exported "$T_TMP/r1")
assert_not_contains "... carries no restricted call" "$ids" "$rid"
assert_contains "... carries the other call" "$ids" "$rid2"
"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
echo "   fsck exit $?: $(tail -n 1 "$T_TMP/fsck.out")"
assert_match "fsck names the call as restricted" "$(cat "$T_TMP/fsck.out")" "recording $rid.*restrict"


cp "$REG/policy.conf" "$T_TMP/same.conf"
"$RECCTL" policy apply "$T_TMP/same.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/apply.out" 2>&1
echo "   policy apply exit $?: $(tail -n 2 "$T_TMP/apply.out" | tr '\n' ' ')"
assert_eq "policy apply seals the restricted call's audio for no level below privacy" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid'
	     AND s.level <> 'privacy'")"
mount_all_levels "$MNT"
tf=$(as_user "$dpo" find "$MNT/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
if [ -n "$tf" ] && as_user "$trainer" cat "$tf" >/dev/null 2>&1; then
	fail "training does not hear the restricted call on the mount" "it reads $tf"
else
	pass "training does not hear the restricted call on the mount"
fi
unmount_recfs "$MNT"

# the same by a split (on the copy made after the UPDATE): the restricted
# call split off to a subject of its own
assert_ok "the officer splits the restricted call off" \
	"$RECCTL" subject split -R "$C" "$H" "$rid" --level-keyring "$PK" --name "Matti Meikäläinen"
assert_eq "... which still has no seal below privacy" 0 "$(below "$rid" "$C")"
t_done
