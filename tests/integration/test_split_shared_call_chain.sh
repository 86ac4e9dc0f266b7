#!/bin/bash
# A call of two people through a chain of wrong merges: Maija merged into
# Matti, then Matti into Liisa, who was never in the meeting.  Each
# entry in the meeting's sealed details keeps the handle of its first
# merge, so the split of Liisa naming Matti's old handle gives Matti the
# meeting again (Liisa keeps it for Maija's entry, merged into her still);
# and a split naming Maija's handle and the meeting moves it from Liisa,
# whose person was never in it, to Maija (one not naming it leaves it and
# says so): then the meeting is Matti's and Maija's, as it was.
. "$(dirname "$0")/lib.sh"

three_people
call_of_two c5 2026-11-06T10:00:00Z "Matti Meikäläinen" +358401234567 "Maija Virtanen" +358401234568
m5=$(id_at 2026-11-06T10:00:00Z)
merge() {
	"$RECCTL" subject merge -R "$REG" "$1" "$2" --level-keyring "$PK" >"$T_TMP/merge.out" 2>&1 ||
		t_abort "merge" "$(cat "$T_TMP/merge.out")"
}
merge "$A" "$D"
merge "$C" "$A"
[ "$(linked "$m5")" = "$C" ] || t_abort "merge" "the meeting is not Liisa's alone: $(linked "$m5")"

assert_ok "the officer splits Matti's call off Liisa, naming his old handle" \
	"$RECCTL" subject split -R "$REG" "$C" "$r1" --level-keyring "$PK" --name "Matti Meikäläinen" --merged "$A"
M=$(handle_of "$r1")
[ -n "$M" ] && [ "$M" != "$C" ] || t_abort "split" "no new subject"
assert_eq "Matti's entry kept his handle: the meeting is his again, Liisa's for Maija's entry" "$(handles "$C" "$M")" \
	"$(linked "$m5")"
assert_contains "... and the split says so" "$T_OUT" "1 call of both $C and $M"
assert_eq "his role in it" "customer" "$(q "SELECT role FROM link WHERE recording = '$m5' AND handle = '$M'")"
assert_contains "his export holds it" "$(export_ids "$M" "$T_TMP/x1")" "$m5"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
cp -a "$REG" "$T_TMP/copy"
assert_ok "on a copy, a split of Maija's call alone off Liisa, naming her old handle" \
	"$RECCTL" subject split -R "$T_TMP/copy" "$C" "$r3" --level-keyring "$PK" --name "Maija Virtanen" --merged "$D"
assert_contains "... leaves the meeting, which names no party of Liisa's, and says so" "$T_OUT" \
	"recording $m5 stays $C's, though its details name no party of $C's"
assert_ok "the officer splits Maija's call and the meeting off Liisa, naming her old handle" \
	"$RECCTL" subject split -R "$REG" "$C" "$r3" "$m5" --level-keyring "$PK" --name "Maija Virtanen" --merged "$D"
N=$(handle_of "$r3")
[ -n "$N" ] && [ "$N" != "$C" ] && [ "$N" != "$M" ] || t_abort "split" "no new subject for Maija"
assert_eq "the meeting is Matti's and Maija's, not Liisa's" "$(handles "$M" "$N")" "$(linked "$m5")"
assert_contains "Maija's export holds it" "$(export_ids "$N" "$T_TMP/x2")" "$m5"
assert_not_contains "Liisa's does not" "$(export_ids "$C" "$T_TMP/x3")" "$m5"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
