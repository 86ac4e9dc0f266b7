#!/bin/bash
# Entries root appends to the log (catalog, no key) do not change whom an
# erasure names (atk59 F1): a merge's entry on a recording counts only
# when it was written before the merged card's erasure, as a merge writes
# it.  (1) A later "merge-subject RID ok from=S-ZZZZZZ into=MATTI" on
# Maija's call merged into Matti does not hide the real entry: her erased
# call goes with her when the split undoes the merge.  (2) One saying
# Matti's own call came from Maija (who really was merged into him) is
# not taken: its history stays his.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
maija_second_call
"$RECCTL" subject merge -R "$REG" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 ||
	t_abort "subject merge" "failed"
B=$T_TMP/b C=$T_TMP/c
cp -a "$REG" "$B"
cp -a "$REG" "$C"

# (1) a bogus later entry on Maija's call
"$T_BUILD/test/put_audit" "$REG" merge-subject "$rid2" ok "from=S-ZZZZZZ into=$handle" || t_abort "put_audit" "failed"
sweep_one "$rid2"
assert_contains "(1) the erasure of Maija's call still names her handle" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid2' AND outcome = 'ok'")" "subject=$other"
"$RECCTL" subject split -R "$REG" "$handle" "$rid4" --level-keyring "$PK" --name "Maija Virtanen" --merged "$other" \
	>"$T_TMP/split.out" 2>&1 || t_abort "split" "$(cat "$T_TMP/split.out")"
N=$(handle_of "$rid4")
export_of "$REG" "$handle" "$T_TMP/e1"
assert_not_contains "(1) Matti's export does not list the opens of her erased call" "$(accessed "$T_TMP/e1" "$handle")" "open $rid2"
export_of "$REG" "$N" "$T_TMP/e2"
assert_contains "(1) hers does" "$(accessed "$T_TMP/e2" "$N")" "open $rid2"
"$RECCTL" audit show -R "$REG" --subject "$handle" >"$T_TMP/w1" 2>&1
assert_not_contains "(1) Matti's walk of the log does not list her erased call" "$(cat "$T_TMP/w1")" "$rid2"

# (2) on the copy: Matti's own call said to be Maija's
REG=$B
"$T_BUILD/test/put_audit" "$REG" merge-subject "$rid" ok "from=$other into=$handle" || t_abort "put_audit" "failed"
sweep_one "$rid"
assert_contains "(2) the erasure of Matti's own call names him" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid' AND outcome = 'ok'")" "subject=$handle"
"$RECCTL" subject split -R "$REG" "$handle" "$rid4" --level-keyring "$PK" --name "Maija Virtanen" --merged "$other" \
	>"$T_TMP/split.out" 2>&1 || t_abort "split" "$(cat "$T_TMP/split.out")"
N=$(handle_of "$rid4")
export_of "$REG" "$N" "$T_TMP/e3"
assert_not_contains "(2) the export of the subject split off does not list the opens of Matti's call" \
	"$(accessed "$T_TMP/e3" "$N")" "open $rid"
export_of "$REG" "$handle" "$T_TMP/e4"
assert_contains "(2) Matti's export lists them" "$(accessed "$T_TMP/e4" "$handle")" "open $rid"
"$RECCTL" audit show -R "$REG" --subject "$handle" >"$T_TMP/w2" 2>&1
assert_contains "(2) and so does his walk of the log" "$(cat "$T_TMP/w2")" "$rid"

# (3) on another copy: 1,100 forged entries on Maija's call do not block
# its erasure, nor change whom it names (the merge's own entry is among
# the first read)
REG=$C
"$T_BUILD/test/put_audit" "$REG" merge-subject "$rid2" ok "from=S-F%05u into=$handle" 1100 ||
	t_abort "put_audit" "failed"
sweep_one "$rid2"
assert_contains "(3) 1,100 forged entries: the sweep erases her call, naming her handle" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid2' AND outcome = 'ok'")" "subject=$other"
t_done
