#!/bin/bash
# Promise tried: a subject's export lists no other person's call nor its
# opens (test_merged_handles_sealed.sh).  A card an older recfs made has
# no sealed list of merged handles, so its export follows the log's
# merge-subject entries, skipping one that names a subject the catalog
# still holds ("a merge erases the merged card").
#
# Attack (root with write access to catalog.db, no level key): the card of
# an erased person is gone too (the officer erased her only call, on her
# erasure request).  Root appends merge-subject "from=<her handle>" on H,
# whose card an older recfs made: the entry names a subject the catalog no
# longer holds, so it is followed, and H's export lists her erased call
# and every open of it.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
# H's card as an older recfs made it (no list)
"$T_BUILD/test/put_card" "$REG" "$PK" "$handle" merged_from || t_abort "put_card" "failed"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt2
mount_all_levels "$MNT"
f2=$(as_user "$dpo" find "$MNT/by-date" -name "*_${rid2:0:8}.opus")
[ -n "$f2" ] || t_abort "mount" "the officer does not see the other call"
assert_ok "the officer erases the other person's only call" as_user "$dpo" rm "$f2"
unmount_recfs "$MNT"
assert_eq "control: her card went with it" 0 "$(q "SELECT count(*) FROM subject WHERE handle = '$other'")"

"$T_BUILD/test/put_audit" "$REG" merge-subject "$handle" ok "from=$other recordings=1 restricted=0" ||
	t_abort "put_audit" "failed"
assert_ok "audit verify --verify-key says the log is intact" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
acc=$(open_accesses "$REG")
echo "$acc" | sed 's/^/   export accesses (open): /'
assert_not_contains "the export runs" "$acc" "export failed"
assert_contains "the subject's export lists the opens of its own call" "$acc" "$rid"
assert_not_contains "... not those of the erased person's call" "$acc" "$rid2"
assert_ok "audit show --subject" "$RECCTL" audit show -R "$REG" --subject "$handle"
assert_not_contains "... lists no entry of the erased person's call" "$T_OUT" "$rid2"
t_done
