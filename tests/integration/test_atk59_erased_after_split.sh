#!/bin/bash
# A call a split left with the kept subject stays that subject's when it is
# erased (atk59 F2): Maija's rid2 and rid4 came to Matti with her merge;
# the officer splits rid4 off naming her handle and leaves rid2 with
# Matti.  The sweep's erasure of rid2 names Matti, as its link did (the
# split took her handle off his since the merge), so its opens stay in
# his export and walk, not in the split-off subject's.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
maija_second_call
"$RECCTL" subject merge -R "$REG" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge" "failed"
"$RECCTL" subject split -R "$REG" "$handle" "$rid4" --level-keyring "$PK" --name "Maija Virtanen" --merged "$other" \
	>"$T_TMP/split.out" 2>&1 || t_abort "split" "$(cat "$T_TMP/split.out")"
N=$(handle_of "$rid4")
[ "$(handle_of "$rid2")" = "$handle" ] || t_abort "setup" "rid2 is not Matti's after the split"
export_of "$REG" "$handle" "$T_TMP/e0"
assert_contains "control: before its erasure, Matti's export lists the opens of rid2, his call" \
	"$(accessed "$T_TMP/e0" "$handle")" "open $rid2"
export_of "$REG" "$N" "$T_TMP/e0n"
assert_not_contains "control: ... and the split-off subject's does not" "$(accessed "$T_TMP/e0n" "$N")" "open $rid2"

sweep_one "$rid2"
assert_contains "the sweep's erasure of rid2 names Matti, whose call it was" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid2' AND outcome = 'ok'")" "subject=$handle"
export_of "$REG" "$handle" "$T_TMP/e1"
assert_contains "after the erasure, Matti's export still lists the opens of rid2" "$(accessed "$T_TMP/e1" "$handle")" "open $rid2"
export_of "$REG" "$N" "$T_TMP/e1n"
assert_not_contains "... and the split-off subject's does not" "$(accessed "$T_TMP/e1n" "$N")" "open $rid2"
"$RECCTL" audit show -R "$REG" --subject "$handle" >"$T_TMP/w" 2>&1
assert_contains "... and Matti's walk of the log still lists rid2's open" "$(cat "$T_TMP/w")" "open $rid2"
t_done
