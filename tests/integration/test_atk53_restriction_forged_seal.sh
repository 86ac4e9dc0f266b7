#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient, is
# kept past its retention, and no level below the rights level hears it
# again until the officer lifts the restriction
# (test_restriction_cleared.sh).
#
# Attack (root with write access to catalog.db, no level key):
# a first version of the check (not landed) took any seal row below the
# rights level, on
# any object of the recording, for a lift; it looks only whether the row
# is there, and a row needs no key (the seal table has no MAC; a box copied
# from another object fits).  Root clears restricted_since and copies the
# analysis seal of the other call's details record onto the restricted
# call's details record.  Then the recording looks lifted: the export to a
# recipient carries it, fsck says nothing, the retention sweep erases it,
# and the officer's next policy apply (the same policy) seals its audio
# for the levels below again, so a training user hears it on the mount.
. "$(dirname "$0")/lib.sh"

two_calls_one_subject "$T_TMP/a"
dpo=$(make_level_user privacy)
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
tf=$(as_user "$dpo" find "$MNT/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
[ -n "$tf" ] || t_abort "mount" "the officer does not see the call"
assert_ok "control: training hears the call before the restriction" as_user "$trainer" sh -c 'cat "$1" >/dev/null' sh "$tf"
unmount_recfs "$MNT"
restrict_first_call "$MNT"
assert_eq "control: the restricted call has no seal below the rights level" 0 \
	"$(q "SELECT count(*) FROM seal WHERE level <> 'privacy' AND (object IN (SELECT id FROM artifact
	     WHERE recording = '$rid') OR object = (SELECT details_id FROM recording WHERE id = '$rid'))")"


# root: the column cleared, one seal row copied
d1=$(q "SELECT details_id FROM recording WHERE id = '$rid'")
d2=$(q "SELECT details_id FROM recording WHERE id = '$rid2'")
[ -n "$d1" ] && [ -n "$d2" ] || t_abort "setup" "no details records"
sqlite3 "$REG/catalog.db" "UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid';
	INSERT INTO seal (object, level, box) SELECT '$d1', level, box FROM seal
	WHERE object = '$d2' AND level = 'analysis'" || t_abort "tampering" "sqlite3 failed"
B=$T_TMP/b
cp -a "$REG" "$B"

assert_ok "the export to a recipient after the tampering" to_recipient "$REG" "$T_TMP/r1"
assert_not_contains "... carries no restricted call" "$(exported "$T_TMP/r1")" "$rid"
assert_contains "... carries the other call" "$(exported "$T_TMP/r1")" "$rid2"

"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
sed 's/^/   fsck: /' "$T_TMP/fsck.out" | tail -n 5
assert_match "fsck with the rights keyring names the call as restricted" "$(cat "$T_TMP/fsck.out")" "recording $rid.*restrict"

# the sweep, on a copy, a day when both calls' retention has ended
RECFS_NOW=$(date -u -d 2028-06-01T00:00:00Z +%s) "$RECCTL" retention sweep -R "$B" >"$T_TMP/sweep.out" 2>&1
assert_eq "the retention sweep keeps the restricted call" 1 \
	"$(sqlite3 "$B/catalog.db" "SELECT count(*) FROM recording WHERE id = '$rid'")"

# the officer applies the policy (the same one, e.g. after a recipient was
# added), with the rights keyring
cp "$REG/policy.conf" "$T_TMP/same.conf"
"$RECCTL" policy apply "$T_TMP/same.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/apply.out" 2>&1
echo "   policy apply exit $?: $(tail -n 2 "$T_TMP/apply.out" | tr '\n' ' ')"
assert_eq "policy apply seals the restricted call's audio for no level below the rights level" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid'
	     AND s.level <> 'privacy'")"
unheard "$MNT" "$trainer" "training does not hear the restricted call on the mount"
t_done
