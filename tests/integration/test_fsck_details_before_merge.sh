#!/bin/bash
# recctl(1) fsck, subject export: a register from before merge and split
# rewrote a recording's sealed details holds details naming the subject a
# merge took the recording from.  The export of the subject kept refuses
# the recording (it does not take the log's word: root can append entries
# that chain); fsck with the rights keyring says the log ties the two
# handles, and --repair rewrites the details, logged, since the subject
# merged has no card (a merge erased it), after which the export takes the
# recording.  With a card still there (a merge entry root appended), fsck
# names it and --repair leaves it to the officer.  put_details_handle
# writes the details as such a recfs left them.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
PK=$KEYS/privacy.keyring
customer_call k1 2026-11-02T10:00:00Z "Kaisa Lehto" "+358401110001"
customer_call k2 2026-11-03T10:00:00Z "Kaisa Lehto-Niemi" "+358401110002"
k1=$(id_at 2026-11-02T10:00:00Z) k2=$(id_at 2026-11-03T10:00:00Z)
H=$(handle_of "$k1") O=$(handle_of "$k2")
[ -n "$H" ] && [ -n "$O" ] && [ "$H" != "$O" ] || t_abort "setup" "two subjects expected: '$H' '$O'"
"$RECCTL" subject merge -R "$REG" "$H" "$O" --level-keyring "$PK" >"$T_TMP/merge.out" 2>&1 ||
	t_abort "merge" "$(cat "$T_TMP/merge.out")"
assert_ok "fsck with the rights keyring finds nothing after the merge" "$RECCTL" fsck -R "$REG" --keyring "$PK"
"$T_BUILD/test/put_details_handle" "$REG" "$PK" "$k2" "$H" "$O" || t_abort "put_details_handle" "failed"

# export HANDLE: the ids of the recordings in its export, or its failure
export_ids()
{
	rm -rf "$T_TMP/exp"
	mkdir -p "$T_TMP/exp"
	"$RECCTL" subject export -R "$1" "$H" "$T_TMP/exp" --level-keyring "$PK" >"$T_TMP/exp.out" 2>&1 ||
		{ echo "export failed: $(cat "$T_TMP/exp.out")"; return; }
	jq -r '.recordings[].id' "$T_TMP/exp/$H/export.json" | sort | tr '\n' ' '
}
both=$(printf '%s\n' "$k1" "$k2" | sort | tr '\n' ' ')

X=$T_TMP/x
cp -a "$REG" "$X"
assert_contains "the export refuses the call whose details name the subject merged" "$(export_ids "$REG")" \
	"recording $k2 is linked to the subject, but its sealed details do not name it"
assert_exit "fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_contains "... saying the log ties the details' handle to the link's" "$T_OUT" \
	"recording $k2: its sealed details name subject $O, which the log says became $H, its link"
assert_not_contains "... and not that a link was made outside recfs" "$T_OUT" "made outside recfs"
assert_ok "fsck --repair rewrites the details" "$RECCTL" fsck -R "$REG" --keyring "$PK" --repair
assert_contains "... saying so" "$T_OUT" "details rewritten to name $H"
assert_eq "... logged" 1 "$(q "SELECT count(*) FROM audit WHERE action = 'fsck-repair' AND object = '$k2'
	AND reason = 'details name the subject its link does'")"
assert_ok "fsck then finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_eq "the export takes both calls" "$both" "$(export_ids "$REG")"

# the copy before the repair, its merge entry gone (a log edited by hand,
# which audit verify names; or, once audit_retention has passed, the sweep)
Y=$T_TMP/y
cp -a "$X" "$Y"
sqlite3 "$X/catalog.db" "PRAGMA foreign_keys = OFF; DELETE FROM audit WHERE action = 'merge-subject'" ||
	t_abort "tampering" "sqlite3 failed"
assert_exit "without the log's entry fsck exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK"
assert_contains "... naming the link" "$T_OUT" "recording $k2 is linked to subject $H, which its sealed details do not name"
assert_exit "... and fsck --repair exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK" --repair
assert_contains "... leaving the link, whose details name no subject with a card" "$T_OUT" \
	"left: its details name no subject that has a card"
assert_eq "... so the call is still the subject's" "$H" \
	"$(sqlite3 "$X/catalog.db" "SELECT group_concat(handle) FROM link WHERE recording = '$k2'")"

# the other copy with a card for the merged subject again (as after a
# merge entry root appended, the subject never merged): --repair leaves it
card=$(q "SELECT card FROM subject WHERE handle = '$H'")
sqlite3 "$Y/catalog.db" "INSERT INTO subject (handle, card) VALUES ('$O', '$card')" ||
	t_abort "tampering" "sqlite3 failed"
assert_exit "with a card of the merged subject, fsck --repair exits 1" 1 \
	"$RECCTL" fsck -R "$Y" --keyring "$PK" --repair
assert_contains "... leaving it to the officer" "$T_OUT" "left: subject $O has a card"
assert_contains "... and the export still refuses" "$(export_ids "$Y")" "sealed details do not name it"

t_done
