#!/bin/bash
# Promise tried: a restricted recording (Art. 18) goes to no recipient
# and is named by fsck until the officer lifts the restriction.  (A first
# version of the check, not landed, took the seals' word: a restriction
# deletes those below the rights level, "which only a key makes again".)
#
# Attack (root with write access to catalog.db, no level key): a
# restriction deletes the seals below the rights level, but keeps the
# recording's data keys, so the seal boxes the catalog held before (any
# copy root took: a backup, a `sqlite3 .dump seal` the day before) still
# open, for those levels, the same keys.  Root puts them back and clears
# restricted_since: a check of the seals sees a lifted recording (the
# boxes are genuine).  The audit log still holds it restricted, never
# lifted: the export and fsck take its word.  The mount reads by the seals
# alone, so a training user hears the call there: not closed (the note of
# the stop), and not asserted here.
. "$(dirname "$0")/lib.sh"

two_calls_one_subject "$T_TMP/a"

# root's copy, before the restriction
sqlite3 "$REG/catalog.db" ".backup '$T_TMP/old.db'" || t_abort "backup" "sqlite3 failed"

MNT=$T_TMP/mnt
restrict_first_call "$MNT"

# root: the old seals back, the column cleared
sqlite3 "$REG/catalog.db" "ATTACH '$T_TMP/old.db' AS old;
	INSERT OR IGNORE INTO seal (object, level, box) SELECT object, level, box FROM old.seal
	WHERE object IN (SELECT id FROM artifact WHERE recording = '$rid')
	   OR object = (SELECT details_id FROM recording WHERE id = '$rid');
	UPDATE recording SET restricted_since = 0, restricted_reason = NULL WHERE id = '$rid';" ||
	t_abort "tampering" "sqlite3 failed"

"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
echo "   fsck exit $?: $(tail -n 1 "$T_TMP/fsck.out")"
assert_match "fsck with the rights keyring names the call as restricted" "$(cat "$T_TMP/fsck.out")" "recording $rid.*restrict"
rm -rf "$T_TMP/r1"
"$RECCTL" subject export -R "$REG" "$H" "$T_TMP/r1" --level-keyring "$PK" --recipient tamro-group \
	>"$T_TMP/export.out" 2>&1 || t_abort "export" "$(cat "$T_TMP/export.out")"
assert_not_contains "the export to a recipient carries no restricted call" \
	"$(jq -r '[.recordings[].id] | join(" ")' "$T_TMP/r1/$H/export.json")" "$rid"

t_done
