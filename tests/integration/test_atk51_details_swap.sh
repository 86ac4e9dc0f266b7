#!/bin/bash
# Promise tried: a subject's export holds that subject's recordings (and
# the opens of them among its accesses) and no other person's call; fsck
# with the rights keyring names a link the sealed details do not back
# (recctl(1) subject export, fsck; commits 21d42f6, 434307d).
#
# Attack (root with write access to catalog.db, no key): the sealed details
# record is bound to its own record id, not to the recording that names it
# in recording.details_id.  Two recordings of two people swap their
# details_id and their links: each recording's links agree with the
# details it now points at, no details record is named twice, the log is
# untouched.  On the build before, fsck said 0 problems, the subject's
# export carried the other person's call (its audio) and left its own
# call and the analyst's open of it out.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
assert_ok "fsck with the rights keyring finds nothing on the genuine register" "$RECCTL" fsck -R "$REG" --keyring "$PK"

X=$T_TMP/x
cp -a "$REG" "$X"
d1=$(q "SELECT details_id FROM recording WHERE id = '$rid'")
d2=$(q "SELECT details_id FROM recording WHERE id = '$rid2'")
sqlite3 "$X/catalog.db" "
	UPDATE recording SET details_id = CASE id WHEN '$rid' THEN '$d2' ELSE '$d1' END WHERE id IN ('$rid', '$rid2');
	UPDATE link SET handle = CASE recording WHEN '$rid' THEN '$other' ELSE '$handle' END
		WHERE recording IN ('$rid', '$rid2');" || t_abort "tampering" "sqlite3 failed"

assert_ok "audit verify says intact (the log is as it was)" "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
"$RECCTL" fsck -R "$X" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
fsck_rc=$?
mkdir -p "$T_TMP/e"
"$RECCTL" subject export -R "$X" "$handle" "$T_TMP/e" --level-keyring "$PK" >"$T_TMP/exp.out" 2>&1
exp_rc=$?
ids=$(jq -r '.recordings[].id' "$T_TMP/e/$handle/export.json" 2>/dev/null | tr '\n' ' ')
opens=$(jq -r '.accesses[] | select(.action == "open") | .recording' "$T_TMP/e/$handle/export.json" 2>/dev/null | tr '\n' ' ')
echo "fsck rc=$fsck_rc: $(cat "$T_TMP/fsck.out")"
echo "export rc=$exp_rc: $(cat "$T_TMP/exp.out"); recordings: $ids; opens: $opens"

# the promise: details are sealed with their recording's id (ingest), so
# fsck names the swap and the export refuses, carrying nothing
assert_eq "fsck with the rights keyring exits 1" 1 "$fsck_rc"
assert_contains "... naming a recording pointed at another's details" "$(cat "$T_TMP/fsck.out")" \
	"recording $rid points at details record $d2, which is another recording's"
assert_not_contains "the export does not carry the other person's call" "$ids" "$rid2"
assert_contains "... it refuses" "$(cat "$T_TMP/exp.out")" "its sealed details are another recording's"
t_done
