#!/bin/bash
# Promise tried (Goal B): a subject's export holds every recording of the
# subject and the opens of them among its accesses, or fsck with the
# rights keyring / audit verify names the change (recctl(1) fsck, subject
# export; commit 434307d: "a subject the details name without a link ...
# --repair makes the links what the details say").
#
# Attack (root with write access to catalog.db, no key): check_links only
# reads a recording whose details_id is set, and the orphan check spares a
# record with an owner.  The subject's call has its details_id emptied (as
# a recording without details, which the schema allows), its details
# record given the recording as owner, and its link deleted.  The subject
# keeps a second call, so its card is not "without a recording".
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
customer_call c3 2026-11-04T10:00:00Z "Matti Meikäläinen" "+358401234567"
rid3=$(id_at 2026-11-04T10:00:00Z)
[ "$(handle_of "$rid3")" = "$handle" ] || t_abort "setup" "the third call is not the subject's: $(handle_of "$rid3")"
assert_ok "fsck with the rights keyring finds nothing on the genuine register" "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "
	UPDATE record SET owner = '$rid' WHERE id = (SELECT details_id FROM recording WHERE id = '$rid');
	UPDATE recording SET details_id = '' WHERE id = '$rid';
	DELETE FROM link WHERE recording = '$rid';" || t_abort "tampering" "sqlite3 failed"

assert_ok "audit verify says intact (the log is as it was)" "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
"$RECCTL" fsck -R "$X" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
fsck_rc=$?
echo "fsck rc=$fsck_rc: $(cat "$T_TMP/fsck.out")"
mkdir -p "$T_TMP/e"
"$RECCTL" subject export -R "$X" "$handle" "$T_TMP/e" --level-keyring "$PK" >"$T_TMP/exp.out" 2>&1 ||
	t_abort "export" "$(cat "$T_TMP/exp.out")"
ids=$(jq -r '.recordings[].id' "$T_TMP/e/$handle/export.json" | tr '\n' ' ')
opens=$(jq -r '.accesses[] | select(.action == "open") | .recording' "$T_TMP/e/$handle/export.json" | tr '\n' ' ')
echo "export recordings: $ids; opens: $opens"
# fsck names it (on the build before it said 0 problems while the export
# left the call and its open out)
assert_eq "fsck with the rights keyring exits 1" 1 "$fsck_rc"
assert_contains "... naming the recording without details" "$(cat "$T_TMP/fsck.out")" "recording $rid has no details record"
t_done
