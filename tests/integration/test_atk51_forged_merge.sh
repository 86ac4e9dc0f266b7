#!/bin/bash
# Promise tried: a subject's export holds no other person's call: a link
# the recording's sealed details do not back is refused, unless the
# audit log's merge-subject / split-subject entries tie a handle the
# details name to the subject (recctl(1) subject export; commit 21d42f6);
# audit verify names a log changed outside recfs.
#
# Attack (root with write access to catalog.db, no level key): the log is
# a plain BLAKE2b chain whose current epoch's sealing key lies in the
# catalog (audit_key), so root appends a well-chained "ok" merge-subject
# entry on subject H saying "from=O" with recfs's own audit_log()
# (put_audit; no keyring is loaded), and links the other person O's call
# to H.  On the build before, the export of H took it (the log tied O to
# H), audit verify said intact, and fsck --repair then rewrote O's sealed
# details to name H and erased O's card, so the call was H's for good.
# Now neither the export nor fsck --repair takes the log's word.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"

assert_ok "audit verify of the genuine register" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
"$T_BUILD/test/put_audit" "$REG" merge-subject "$handle" ok "from=$other recordings=1 restricted=0" ||
	t_abort "put_audit" "failed"
sqlite3 "$REG/catalog.db" "INSERT INTO link (recording, handle, role) VALUES ('$rid2', '$handle', 'customer')" ||
	t_abort "tampering" "sqlite3 failed"

assert_ok "audit verify says intact (the entry chains and is sealed)" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
mkdir -p "$T_TMP/e"
assert_fails_with "the subject's export refuses the other person's call" "sealed details do not name it" \
	"$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/e" --level-keyring "$PK"
echo "export said: $T_OUT"
assert_not_contains "... and does not carry it" \
	"$(jq -r '.recordings[].id' "$T_TMP/e/$handle/export.json" 2>/dev/null | tr '\n' ' ')" "$rid2"
# the same forged entry, the call's link moved from O to H: fsck names the
# link and what the log says; the details, written with the recording's id
# (so not an older recfs's), are the register's word: --repair gives the
# call back to O and keeps O's card
Y=$T_TMP/y
cp -a "$REG" "$Y"
sqlite3 "$Y/catalog.db" "DELETE FROM link WHERE recording = '$rid2' AND handle = '$handle';
	UPDATE link SET handle = '$handle' WHERE recording = '$rid2'" || t_abort "tampering" "sqlite3 failed"
assert_exit "fsck with the rights keyring names the moved link" 1 "$RECCTL" fsck -R "$Y" --keyring "$PK"
assert_contains "... as a link made outside recfs" "$T_OUT" \
	"recording $rid2 is linked to subject $handle, which its sealed details do not name (a link made outside recfs)"
assert_contains "... and what the log says" "$T_OUT" "the log says $other became $handle"
assert_ok "fsck --repair" "$RECCTL" fsck -R "$Y" --keyring "$PK" --repair
assert_eq "... gives the call back to the other person" "$other" \
	"$(sqlite3 "$Y/catalog.db" "SELECT group_concat(handle) FROM link WHERE recording = '$rid2'")"
assert_eq "... and keeps the other person's card" 1 \
	"$(sqlite3 "$Y/catalog.db" "SELECT count(*) FROM subject WHERE handle = '$other'")"
rm -rf "$T_TMP/e"; mkdir -p "$T_TMP/e"
assert_ok "the export of the subject then runs" "$RECCTL" subject export -R "$Y" "$handle" "$T_TMP/e" --level-keyring "$PK"
assert_not_contains "... without the other person's call" \
	"$(jq -r '.recordings[].id' "$T_TMP/e/$handle/export.json" 2>/dev/null | tr '\n' ' ')" "$rid2"
t_done
