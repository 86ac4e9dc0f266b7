#!/bin/bash
# A merge entry root appends on a call before the officer's merge does not
# count (atk61 F2).  The erasure names the persons a call was of by the
# merges' entries on it, each taken when the log confirms it: the merged
# card erased once, by that merge, after the entry.  An entry root
# appended before the merge passed that test, so Matti's own call, erased
# while Maija's wrong merge into him stood, named Maija (beside him with
# "shared=1", instead of him without), and after the split undoing the
# merge her export listed who opened Matti's call.  The merge writes its
# entries on the calls just before the card's erasure, in one transaction,
# and says how many on the kept subject ("recordings=N"): an entry before
# that run is root's.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
maija_second_call
for why in "from=$other into=$handle shared=1" "from=$other into=$handle"; do
	x=$T_TMP/r-${#why}
	cp -a "$REG" "$x"
	"$T_BUILD/test/put_audit" "$x" merge-subject "$rid" ok "$why" || t_abort "put_audit" "failed"
	"$RECCTL" subject merge -R "$x" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 ||
		t_abort "subject merge" "failed"
	REG=$x sweep_one "$rid"
	er=$(sqlite3 "$x/catalog.db" "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid' AND outcome = 'ok'")
	assert_not_contains "\"$why\" appended before the merge: the erasure of Matti's own call does not name Maija" \
		"$er" "subject=$other"
	assert_contains "... it names Matti" "$er" "subject=$handle"
	"$RECCTL" subject split -R "$x" "$handle" "$rid4" --level-keyring "$PK" --name "Maija Virtanen" --merged "$other" \
		>"$T_TMP/split.out" 2>&1 || t_abort "split" "$(cat "$T_TMP/split.out")"
	N=$(REG=$x handle_of "$rid4")
	export_of "$x" "$N" "$T_TMP/e1"
	assert_not_contains "... after the split, Maija's export does not list the opens of Matti's call" \
		"$(accessed "$T_TMP/e1" "$N")" "open $rid"
	export_of "$x" "$handle" "$T_TMP/e2"
	assert_contains "... Matti's export lists them" "$(accessed "$T_TMP/e2" "$handle")" "open $rid"
done
# control: the merge's own entry still counts (her call erased while merged)
"$RECCTL" subject merge -R "$REG" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "subject merge" "failed"
sweep_one "$rid4"
assert_contains "control: Maija's call erased while merged names her, by the merge's own entry" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid4' AND outcome = 'ok'")" "subject=$other"
t_done
