#!/bin/bash
# Promise tried: a subject's export holds that subject's recordings, the
# opens of them among its accesses, and no other person's call (recctl(1)
# subject export, fsck).
#
# Attack (root with write access to catalog.db, no key): the link table,
# which says whose a recording is, is the catalog's, not the log's; the
# sealed details of each recording name its subjects too, and nobody
# without the keys can forge them.
#  1. a link row deleted (atk50): the export's accesses leave the analyst's
#     open out while audit verify says intact; fsck with the rights keyring
#     names the recording its details tie to the subject, --repair links
#     it again (before it would erase the card as having no recording);
#  2. a link row added: another person's call linked to the subject; its
#     export refuses, writes nothing and logs the refusal; fsck names the
#     link, --repair removes it;
#  3. a recording pointed at another's details record, its links made to
#     agree with them: fsck, even without keys, names the shared record.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
link=$(q "SELECT handle || ' ' || role FROM link WHERE recording = '$rid'")

assert_ok "fsck with the rights keyring finds nothing on the genuine register" "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"

# 1. a link removed
X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "DELETE FROM link WHERE recording = '$rid'" || t_abort "tampering" "sqlite3 failed"
assert_not_contains "1: the export's accesses of the copy leave the open out (the attack)" \
	"$(open_accesses "$X")" "$rid"
assert_ok "1: audit verify says intact (the log is as it was)" "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
assert_exit "1: fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK"
assert_contains "1: ... naming the recording and the subject its details name" "$T_OUT" \
	"recording $rid: its sealed details name subject $handle, which it is not linked to"
assert_ok "1: fsck --repair with the rights keyring" "$RECCTL" fsck -R "$X" --keyring "$PK" --repair
assert_contains "1: ... links it again" "$T_OUT" "linked again, as the details say"
assert_not_contains "1: ... and does not call the subject unlinked" "$T_OUT" "subject $handle has no recording"
assert_eq "1: the link is back, with its role" "$link" \
	"$(sqlite3 "$X/catalog.db" "SELECT handle || ' ' || role FROM link WHERE recording = '$rid'")"
assert_eq "1: the subject's card is kept" 1 \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM subject WHERE handle = '$handle'")"
assert_eq "1: the repair is in the audit log" 1 \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM audit WHERE action = 'fsck-repair' AND object = '$rid'
		AND reason = 'link restored from the sealed details'")"
assert_contains "1: the export's accesses list the open again" "$(open_accesses "$X")" "$rid"
assert_ok "1: fsck of the repaired copy finds nothing" "$RECCTL" fsck -R "$X" --keyring "$PK"
assert_ok "1: audit verify of the repaired copy" "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"

# 2. a link added: the other person's call given to the subject
Y=$T_TMP/y
cp -a "$REG" "$Y"
sqlite3 "$Y/catalog.db" "INSERT INTO link (recording, handle, role) VALUES ('$rid2', '$handle', 'customer')" ||
	t_abort "tampering" "sqlite3 failed"
mkdir -p "$T_TMP/ey"
exports=$(sqlite3 "$Y/catalog.db" "SELECT count(*) FROM audit WHERE action = 'export' AND outcome = 'ok'")
assert_fails_with "2: the subject's export refuses" "sealed details do not name it" \
	"$RECCTL" subject export -R "$Y" "$handle" "$T_TMP/ey" --level-keyring "$PK"
assert_contains "2: ... naming the other call" "$T_OUT" "$rid2"
assert_eq "2: ... and writes nothing" "" "$(ls -A "$T_TMP/ey")"
assert_eq "2: the refusal is in the audit log" 1 \
	"$(sqlite3 "$Y/catalog.db" "SELECT count(*) FROM audit WHERE action = 'export' AND object = '$handle'
		AND outcome = 'refused' AND reason LIKE '%$rid2%'")"
assert_eq "2: no export is logged as done" "$exports" \
	"$(sqlite3 "$Y/catalog.db" "SELECT count(*) FROM audit WHERE action = 'export' AND outcome = 'ok'")"
assert_exit "2: fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$Y" --keyring "$PK"
assert_contains "2: ... naming the link the details do not name" "$T_OUT" \
	"recording $rid2 is linked to subject $handle, which its sealed details do not name"
assert_ok "2: fsck --repair with the rights keyring" "$RECCTL" fsck -R "$Y" --keyring "$PK" --repair
assert_contains "2: ... removes the link" "$T_OUT" "link removed"
assert_eq "2: the other call is the other person's alone again" "$other" \
	"$(sqlite3 "$Y/catalog.db" "SELECT group_concat(handle) FROM link WHERE recording = '$rid2'")"
assert_ok "2: the subject's export runs" "$RECCTL" subject export -R "$Y" "$handle" "$T_TMP/ey" --level-keyring "$PK"
assert_eq "2: ... with the subject's call alone" "$rid" \
	"$(jq -r '.recordings[].id' "$T_TMP/ey/$handle/export.json" 2>&1)"

# 3. the subject's call pointed at the other call's details, its links
# made to agree with them: the details now say it is the other person's
Z=$T_TMP/z
cp -a "$REG" "$Z"
sqlite3 "$Z/catalog.db" "UPDATE recording SET details_id = (SELECT details_id FROM recording WHERE id = '$rid2')
	WHERE id = '$rid'; UPDATE link SET handle = '$other' WHERE recording = '$rid'" ||
	t_abort "tampering" "sqlite3 failed"
assert_exit "3: fsck without keys exits 1" 1 "$RECCTL" fsck -R "$Z"
assert_contains "3: ... naming the shared details record" "$T_OUT" "is named by more than one recording"

t_done
