#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient and
# stays past its retention until the officer lifts the restriction.
#
# Attack (root with write access to catalog.db, no level key; atk52's
# reading): the restriction is a column, restricted_since, which one
# UPDATE clears.  On the build before, an export to a recipient made with
# the rights keyring then carried the restricted call, audio and all, fsck
# said 0 problems, the retention sweep would erase it, and a policy
# applied with the rights keyring would seal it for the lower levels
# again.  Only a lift clears a restriction, and it is logged: the audit
# log, which audit verify guards, still holds the recording restricted,
# never lifted.  The export withholds it, the sweep keeps it, policy apply
# refuses, fsck names it and --repair restricts it again.
. "$(dirname "$0")/lib.sh"

two_calls_one_subject "$T_TMP/a"
restrict_first_call "$T_TMP/mnt"


assert_ok "control: an export to a recipient" to_recipient "$REG" "$T_TMP/r0"
assert_eq "control: ... withholds the restricted call" "restricted (Art. 18(2))" "$(withheld_why "$T_TMP/r0" "$rid")"
assert_ok "control: fsck" "$RECCTL" fsck -R "$REG"

sqlite3 "$REG/catalog.db" "UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
B=$T_TMP/b
cp -a "$REG" "$B"

assert_ok "the export to a recipient after the column was cleared" to_recipient "$REG" "$T_TMP/r1"
assert_not_contains "... carries no restricted call" "$(exported "$T_TMP/r1")" "$rid"
assert_contains "... withheld, by the audit log" "$(withheld_why "$T_TMP/r1" "$rid")" "restricted by the audit log"
assert_contains "... and carries the other call" "$(exported "$T_TMP/r1")" "$rid2"
assert_eq "no file of the restricted call is in the package" "" "$(ls "$T_TMP/r1/$H" | grep "${rid:0:8}")"
assert_ok "the subject's own export" "$RECCTL" subject export -R "$REG" "$H" "$T_TMP/s1" --level-keyring "$PK"
assert_contains "... holds the restricted call, as it would restricted" "$(exported "$T_TMP/s1")" "$rid"
assert_contains "... and the other" "$(exported "$T_TMP/s1")" "$rid2"

cp "$REG/policy.conf" "$T_TMP/same.conf"
assert_fails_with "policy apply with the rights keyring refuses" "recording $rid is restricted by the audit log" \
	"$RECCTL" policy apply "$T_TMP/same.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase
assert_eq "... and seals nothing below the rights level" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid'
	     AND s.level <> 'privacy'")"

assert_exit "fsck exits 1" 1 "$RECCTL" fsck -R "$REG"
assert_contains "... naming the call" "$T_OUT" \
	"recording $rid is restricted by the audit log (restricted, never lifted), but not in the catalog"

# the sweep, on a copy whose call's retention has ended too
sqlite3 "$B/catalog.db" "UPDATE recording SET retention_until = 86400 WHERE id = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
assert_ok "the retention sweep" "$RECCTL" retention sweep -R "$B"
assert_eq "... keeps the call" 1 "$(sqlite3 "$B/catalog.db" "SELECT count(*) FROM recording WHERE id = '$rid'")"
assert_eq "... saying why in the log" 1 "$(sqlite3 "$B/catalog.db" "SELECT count(*) FROM audit WHERE
	action = 'retention-skip' AND object = '$rid' AND reason = 'restricted by the audit log, not in the catalog'")"

assert_ok "fsck --repair" "$RECCTL" fsck -R "$REG" --repair
assert_contains "... restricts the call again" "$T_OUT" "restricted 1 recording again"
assert_eq "... in the catalog" 1 "$(q "SELECT restricted_since > 0 FROM recording WHERE id = '$rid'")"
assert_eq "... logged" 1 "$(q "SELECT count(*) FROM audit WHERE action = 'restrict' AND object = '$rid'
	AND outcome = 'ok' AND comm = 'recctl' AND seq > (SELECT max(seq) FROM audit WHERE action = 'export')")"
assert_ok "fsck after" "$RECCTL" fsck -R "$REG"
assert_ok "the export to a recipient after the repair" to_recipient "$REG" "$T_TMP/r2"
assert_eq "... withholds the call as restricted" "restricted (Art. 18(2))" "$(withheld_why "$T_TMP/r2" "$rid")"
t_done
