#!/bin/bash
# Promise tried (Goal A): a subject's export refuses a recording linked to
# the subject whose sealed details do not name it (recctl(1) subject
# export; commit 21d42f6), and fsck with the rights keyring names such a
# link (commit 434307d).
#
# Attack (root with write access to catalog.db, no key): the export reads
# the details with open_record and, when they do not open for lack of a
# seal (-EACCES), goes on without them and without check_named; fsck's
# verify_record is silent on the same error and skips check_links.  The
# other person's call gets a link to the subject and its details record
# loses every seal (its audio keeps its own).
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"

sqlite3 "$REG/catalog.db" "
	DELETE FROM seal WHERE object = (SELECT details_id FROM recording WHERE id = '$rid2');
	INSERT INTO link (recording, handle, role) VALUES ('$rid2', '$handle', 'customer');" ||
	t_abort "tampering" "sqlite3 failed"

assert_ok "audit verify says intact (the log is as it was)" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_exit "fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK"
echo "fsck: $T_OUT"
mkdir -p "$T_TMP/e"
assert_fails_with "the subject's export refuses the other person's call" "$rid2" \
	"$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/e" --level-keyring "$PK"
echo "export: $T_OUT"
assert_not_contains "... and does not carry it" \
	"$(jq -r '.recordings[].id' "$T_TMP/e/$handle/export.json" 2>/dev/null | tr '\n' ' ')" "$rid2"
assert_eq "... nor any audio: it refuses whole" 0 "$(find "$T_TMP/e" -name '*.opus' 2>/dev/null | wc -l)"
rm -rf "$T_TMP/r"
mkdir -p "$T_TMP/r"
assert_fails_with "the export to a recipient refuses the other person's call too" "$rid2" \
	"$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/r" --level-keyring "$PK" --recipient tamro-group
assert_not_contains "... and does not carry it" \
	"$(jq -r '.recordings[].id' "$T_TMP/r"/*/export.json 2>/dev/null | tr '\n' ' ')" "$rid2"
t_done
