#!/bin/bash
# Promise tried: a subject's export (Art. 15(1)(c): who accessed the
# person's recordings) lists no other person's call, nor its opens
# (test_merged_handles_sealed.sh, atk52 F5).
#
# Attack (root with write access to catalog.db, no level key): the
# export takes "the recordings erased while linked to the subject" from
# the log's erase entries that name "subject=H" (erased_for), and skips
# only one naming a recording the catalog still holds.  The chain is
# unkeyed, so root appends, with recfs's own audit_log (put_audit),
#   1. before the other person's call is erased (it is skipped while the
#      call is there), an erase entry naming subject=H on it: once the
#      officer erases that call (an erasure request, rm on the mount), the
#      planted entry counts;
#   2. after another person's call was erased, an erase entry naming
#      subject=H on it.
# Either way H's export lists the other people's erased calls and every
# open of them (when, which pseudonymised account, at which level).
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
# a third person's call, also listened to by the analyst
customer_call c4 2026-11-05T10:00:00Z "Pekka Korhonen" "+358401234569"
rid4=$(id_at 2026-11-05T10:00:00Z)
third=$(handle_of "$rid4")
[ -n "$rid4" ] && [ -n "$third" ] && [ "$third" != "$handle" ] || t_abort "setup" "no third person's call"

# 1. planted while the other person's call is still there
"$T_BUILD/test/put_audit" "$REG" erase "$rid2" ok "rm kind=call subject=$handle" || t_abort "put_audit" "failed"
assert_not_contains "control: while the call is there, the planted entry is not followed" \
	"$(open_accesses "$REG")" "$rid2"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt2
mount_all_levels "$MNT"
f4=$(as_user "$analyst" find "$MNT/by-date" -name "*_${rid4:0:8}.opus")
f2=$(as_user "$dpo" find "$MNT/by-date" -name "*_${rid2:0:8}.opus")
[ -n "$f4" ] && [ -n "$f2" ] || t_abort "mount" "the calls are not seen"
as_user "$analyst" cat "$f4" >/dev/null || t_abort "cat" "the analyst cannot read the third call"
sleep 1
assert_ok "the officer erases the other person's call (her erasure request)" as_user "$dpo" rm "$f2"
assert_ok "the officer erases the third person's call" as_user "$dpo" rm "$f4"
unmount_recfs "$MNT"
assert_eq "control: both calls are gone from the catalog" 0 \
	"$(q "SELECT count(*) FROM recording WHERE id IN ('$rid2', '$rid4')")"
assert_eq "control: the genuine erasure names the other person" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'erase' AND object = '$rid2' AND outcome = 'ok'
	     AND reason LIKE '%subject=$other%'")"

# 2. appended after the third person's call was erased
"$T_BUILD/test/put_audit" "$REG" erase "$rid4" ok "rm kind=call subject=$handle" || t_abort "put_audit" "failed"
assert_ok "audit verify --verify-key says the log is intact" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"

acc=$(open_accesses "$REG")
echo "$acc" | sed 's/^/   export accesses (open): /'
assert_not_contains "the export runs" "$acc" "export failed"
assert_contains "the subject's export lists the opens of its own call" "$acc" "$rid"
assert_not_contains "... not those of the other person's erased call (entry planted before the erasure)" \
	"$acc" "$rid2"
assert_not_contains "... nor those of the third person's erased call (entry appended after it)" "$acc" "$rid4"
t_done
