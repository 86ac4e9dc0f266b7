#!/bin/bash
# recctl(1) fsck, subject export: the sealed details of a register an
# older recfs wrote.  They hold neither the recording's id nor its files'
# (fsck names that; --repair seals them in, logged), and where that recfs
# merged subjects they still name the subject merged away.  The export of
# the subject kept refuses such a recording (it does not take the log's
# word: root can append entries that chain); fsck names the link, says the
# log's merge ties the two handles, and --repair leaves it to the officer
# rather than move links on details that merges did not rewrite.  With the
# log's entry gone (the sweep, after audit_retention) the same holds.
# put_details_handle writes details as such a recfs left them.
. "$(dirname "$0")/lib.sh"

three_subjects "Kaisa Lehto" "+358401110001" "Kaisa Lehto-Niemi" "+358401110002" "Pekka Virta" "+358401110009"
k2=$r2 k3=$r3 H=$h1 O=$h2 P=$h3
"$RECCTL" subject merge -R "$REG" "$H" "$O" --level-keyring "$PK" >"$T_TMP/merge.out" 2>&1 ||
	t_abort "merge" "$(cat "$T_TMP/merge.out")"
assert_ok "fsck with the rights keyring finds nothing after the merge" "$RECCTL" fsck -R "$REG" --keyring "$PK"

# export_ids REGISTER HANDLE: the ids of the recordings in its export, or its failure
export_ids()
{
	rm -rf "$T_TMP/exp"
	mkdir -p "$T_TMP/exp"
	"$RECCTL" subject export -R "$1" "$2" "$T_TMP/exp" --level-keyring "$PK" >"$T_TMP/exp.out" 2>&1 ||
		{ echo "export failed: $(cat "$T_TMP/exp.out")"; return; }
	jq -r '.recordings[].id' "$T_TMP/exp/$2/export.json" | sort | tr '\n' ' '
}

# the third person's details as an older recfs wrote them: no ids
"$T_BUILD/test/put_details_handle" "$REG" "$PK" "$k3" "$P" "$P" || t_abort "put_details_handle" "failed"
assert_exit "details without their ids: fsck exits 1" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_contains "... saying an older recfs wrote them" "$T_OUT" \
	"recording $k3: its details do not name it and its files (an older recfs wrote them)"
assert_eq "... the export takes the call all the same" "$k3 " "$(export_ids "$REG" "$P")"
assert_ok "fsck --repair seals the ids in" "$RECCTL" fsck -R "$REG" --keyring "$PK" --repair
assert_contains "... saying so" "$T_OUT" "its id written into its details"
assert_eq "... logged" 1 "$(q "SELECT count(*) FROM audit WHERE action = 'fsck-repair' AND object = '$k3'
	AND reason = 'details name their recording'")"
assert_ok "fsck then finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"

# the merged call's details as an older recfs left them: naming O
"$T_BUILD/test/put_details_handle" "$REG" "$PK" "$k2" "$H" "$O" || t_abort "put_details_handle" "failed"
X=$T_TMP/x
cp -a "$REG" "$X"
assert_contains "the export refuses the call whose details name the subject merged" "$(export_ids "$REG" "$H")" \
	"recording $k2 is linked to the subject, but its sealed details do not name it"
assert_exit "fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_contains "... naming the link, or an older recfs's merge" "$T_OUT" \
	"recording $k2 is linked to subject $H, which its sealed details do not name (a link made outside recfs, or a merge or split by an older recfs)"
assert_contains "... and what the log says of it" "$T_OUT" "the log says $O became $H"
assert_exit "fsck --repair exits 1" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK" --repair
assert_contains "... leaving it to the officer" "$T_OUT" "left: details an older recfs wrote; the officer decides"
assert_eq "... so the call is still the subject's" "$H" "$(q "SELECT group_concat(handle) FROM link WHERE recording = '$k2'")"

# the copy, its merge entry gone (a log edited by hand, which audit verify
# names; or, once audit_retention has passed, the sweep)
sqlite3 "$X/catalog.db" "PRAGMA foreign_keys = OFF; DELETE FROM audit WHERE action = 'merge-subject'" ||
	t_abort "tampering" "sqlite3 failed"
assert_exit "without the log's entry fsck exits 1" 1 "$RECCTL" fsck -R "$X" --keyring "$PK" --repair
assert_not_contains "... with nothing from the log" "$T_OUT" "the log says"
assert_contains "... leaving it to the officer" "$T_OUT" "left: details an older recfs wrote; the officer decides"
assert_eq "... the call still the subject's" "$H" \
	"$(sqlite3 "$X/catalog.db" "SELECT group_concat(handle) FROM link WHERE recording = '$k2'")"

t_done
