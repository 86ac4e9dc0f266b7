#!/bin/bash
# Promise tried: a subject's export carries nothing of another person, and
# fsck with the rights keyring names the change that would make it, and
# its --repair erases nothing that is evidence or someone's (recctl(1)
# subject export, fsck).  Found by reading (atk52) after atk51's fixes.
#
# Attack (root with write access to catalog.db, no key), each on a copy:
#  1. another person's audio moved under the subject's call
#     (artifact.recording): the file is not one the call's sealed details
#     list, so the export refuses and fsck names it;
#  2. the two subjects' card pointers swapped (subject.card): each card
#     holds its handle, sealed, so the export refuses and fsck names both;
#  3. the subject's details record unsealed and its link deleted: fsck
#     --repair erases no subject while a recording's details cannot be
#     read as its own (it would have erased the card as unlinked);
#  4. the other call pointed at the subject's details record: fsck
#     --repair erases no orphaned sealed record (the other call's own
#     details, the way back) while a details record is shared.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
mkdir -p "$T_TMP/e"
# export_of REGISTER HANDLE: its output (refused or not)
export_of()
{
	rm -rf "$T_TMP/e"
	mkdir -p "$T_TMP/e"
	"$RECCTL" subject export -R "$1" "$2" "$T_TMP/e" --level-keyring "$PK" 2>&1
}

# 1. another person's audio moved under the subject's call
X=$T_TMP/x1
cp -a "$REG" "$X"
art=$(sqlite3 "$X/catalog.db" "SELECT id FROM artifact WHERE recording = '$rid2' AND role = 'audio'")
sqlite3 "$X/catalog.db" "UPDATE artifact SET recording = '$rid', n = 9 WHERE id = '$art'" ||
	t_abort "tampering" "sqlite3 failed"
assert_contains "1: the subject's export refuses" "$(export_of "$X" "$handle")" \
	"file $art of recording $rid is not one its sealed details list"
assert_eq "1: ... and writes nothing" "" "$(ls -A "$T_TMP/e")"
assert_eq "1: ... logged as a refused export" 1 "$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM audit
	WHERE action = 'export' AND object = '$handle' AND outcome = 'refused' AND reason LIKE '%file $art%'")"
assert_exit "1: fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK"
assert_contains "1: ... naming the file" "$T_OUT" "recording $rid: file $art is not one its sealed details list"

# 2. the card pointers swapped
X=$T_TMP/x2
cp -a "$REG" "$X"
c1=$(sqlite3 "$X/catalog.db" "SELECT card FROM subject WHERE handle = '$handle'")
c2=$(sqlite3 "$X/catalog.db" "SELECT card FROM subject WHERE handle = '$other'")
sqlite3 "$X/catalog.db" "UPDATE subject SET card = '$c2' WHERE handle = '$handle';
	UPDATE subject SET card = '$c1' WHERE handle = '$other'" || t_abort "tampering" "sqlite3 failed"
assert_contains "2: the subject's export refuses" "$(export_of "$X" "$handle")" \
	"the subject's card record is another subject's"
assert_eq "2: ... and writes nothing" "" "$(ls -A "$T_TMP/e")"
assert_eq "2: ... logged as a refused export" 1 "$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM audit
	WHERE action = 'export' AND object = '$handle' AND outcome = 'refused' AND reason LIKE '%card record%'")"
assert_exit "2: fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK"
assert_contains "2: ... naming the subject" "$T_OUT" "subject $handle points at card record"
assert_contains "2: ... and the other" "$T_OUT" "subject $other points at card record"

# 3. the subject's details unsealed, its link deleted
X=$T_TMP/x3
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "DELETE FROM seal WHERE object = (SELECT details_id FROM recording WHERE id = '$rid');
	DELETE FROM link WHERE recording = '$rid'" || t_abort "tampering" "sqlite3 failed"
assert_exit "3: fsck --repair with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK" --repair
assert_contains "3: ... erasing no subject" "$T_OUT" "left: no subject is erased while a recording's details"
assert_eq "3: the subject's card is kept" 1 \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM subject WHERE handle = '$handle'")"

# 4. the other call pointed at the subject's details
X=$T_TMP/x4
cp -a "$REG" "$X"
d2=$(sqlite3 "$X/catalog.db" "SELECT details_id FROM recording WHERE id = '$rid2'")
sqlite3 "$X/catalog.db" "UPDATE recording SET details_id = (SELECT details_id FROM recording WHERE id = '$rid')
	WHERE id = '$rid2'" || t_abort "tampering" "sqlite3 failed"
assert_exit "4: fsck --repair exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK" --repair
assert_contains "4: ... naming the shared record" "$T_OUT" "is named by more than one recording"
assert_contains "4: ... erasing no orphaned record" "$T_OUT" "left: nothing is erased while a recording"
assert_eq "4: the other call's own details record is kept" 1 \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM record WHERE id = '$d2'")"
assert_contains "4: the other person's export refuses" "$(export_of "$X" "$other")" "are another recording's"

t_done
