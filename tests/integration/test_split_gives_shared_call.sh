#!/bin/bash
# A call of two people survives a wrong merge of one into the other and
# the split that undoes it (atk59 F4).  A meeting of Matti and Maija is
# linked to both; the officer merges Maija into Matti by mistake: the
# meeting was Matti's already, so the merge drops her link.  The split
# that undoes the merge (--merged her old handle) does not name the
# meeting (naming it would take Matti out of it), and left it Matti's
# alone: her export (Art. 15) lost a call she is in, and its erasure
# named Matti only.  Now the merge marks her entry in the meeting's
# sealed details with her handle, and the split naming that handle links
# the meeting to her new subject again, or, with --into, to the subject
# that takes her handle.  A call of another person merged into Matti
# (Liisa) goes to nobody else.
. "$(dirname "$0")/lib.sh"

three_people
fourth_subject
call_of_two c5 2026-11-06T10:00:00Z "Matti Meikäläinen" +358401234567 "Maija Virtanen" +358401234568
call_of_two c6 2026-11-07T10:00:00Z "Matti Meikäläinen" +358401234567 "Liisa Korhonen" +358409999998
m5=$(id_at 2026-11-06T10:00:00Z) m6=$(id_at 2026-11-07T10:00:00Z)
[ "$(linked "$m5")" = "$(handles "$A" "$D")" ] && [ "$(linked "$m6")" = "$(handles "$A" "$C")" ] ||
	t_abort "setup" "the meetings are not of two each: $(linked "$m5") / $(linked "$m6")"
assert_contains "control: before the merge, Maija's export holds the meeting" "$(export_ids "$D" "$T_TMP/x0")" "$m5"

# Both merged into Matti by mistake: each meeting is his alone.
for x in "$D" "$C"; do
	"$RECCTL" subject merge -R "$REG" "$A" "$x" --level-keyring "$PK" >"$T_TMP/merge.out" 2>&1 ||
		t_abort "merge" "$(cat "$T_TMP/merge.out")"
done
[ "$(linked "$m5")" = "$A" ] && [ "$(linked "$m6")" = "$A" ] ||
	t_abort "merge" "a meeting is not Matti's alone: $(linked "$m5") / $(linked "$m6")"

# 1. The split undoing Maija's merge gives her the meeting again.
assert_ok "the officer splits Maija's call off, naming her old handle" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --level-keyring "$PK" --name "Maija Virtanen" --merged "$D"
assert_contains "... and is told the meeting is hers again" "$T_OUT" "1 call of both $A and"
N=$(handle_of "$r3")
[ -n "$N" ] && [ "$N" != "$A" ] || t_abort "split" "no new subject"
assert_eq "the meeting is linked to Matti and to Maija's new subject" "$(handles "$A" "$N")" "$(linked "$m5")"
assert_eq "... with the role she had in it" "participant" \
	"$(q "SELECT role FROM link WHERE recording = '$m5' AND handle = '$N'")"
assert_eq "Liisa's meeting is not given to Maija (Matti's alone still)" "$A" "$(linked "$m6")"
assert_eq "Maija's export holds her call and the meeting, not Liisa's" "$(printf '%s\n' "$r3" "$m5" | sort | paste -sd' ')" \
	"$(export_ids "$N" "$T_TMP/x1")"
assert_eq "... the meeting's party of hers gives her number" "+358401234568" \
	"$(jq -r --arg h "$N" '.parties[] | select(.handle == $h) | .given.phone' "$T_TMP/x1/$N"/*"${m5:0:8}"*.vcon.json)"
assert_contains "Matti's export keeps the meeting" "$(export_ids "$A" "$T_TMP/x2")" "$m5"
assert_eq "the split logs it on the meeting" "from=$A into=$N shared=1" \
	"$(q "SELECT reason FROM audit WHERE action = 'split-subject' AND object = '$m5' AND outcome = 'ok'")"
assert_contains "... and counts it on Matti" \
	"$(q "SELECT reason FROM audit WHERE action = 'split-subject' AND object = '$A' AND reason LIKE 'into=$N recordings=%'")" \
	"merged=1 shared=1"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
customer_call c8 2026-11-08T10:00:00Z "Maija Virtanen" "+358401234568"
assert_eq "a new call of Maija goes to her new subject (her name is not Matti's from the meeting)" "$N" \
	"$(handle_of "$(id_at 2026-11-08T10:00:00Z)")"

# 2. Liisa's old handle moved to another subject (--into): her meeting
# goes with it, Maija's does not.
assert_ok "the officer moves Liisa's old handle to another subject" \
	"$RECCTL" subject split -R "$REG" "$A" --merged "$C" --into "$h4" --level-keyring "$PK"
assert_eq "Liisa's meeting is linked to Matti and to that subject" "$(handles "$A" "$h4")" "$(linked "$m6")"
assert_eq "Maija's meeting is not" "$(handles "$A" "$N")" "$(linked "$m5")"
assert_contains "that subject's export holds the meeting" "$(export_ids "$h4" "$T_TMP/x3")" "$m6"
assert_contains "the split's entry on it counts it" \
	"$(q "SELECT reason FROM audit WHERE action = 'split-subject' AND object = '$h4' AND outcome = 'ok'")" \
	"from=$A recordings=0 merged=1 shared=1"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"

# 3. A split naming Maija's handle again finds nothing more to give.
assert_fails_with "her handle is Matti's no more: a split naming it again is refused" \
	"is not among the subjects merged into the subject" \
	"$RECCTL" subject split -R "$REG" "$A" "$r1" --level-keyring "$PK" --merged "$D"

# 4. The meeting's erasure names both people.
sweep_one "$m5"
er=$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$m5' AND outcome = 'ok'")
assert_contains "the meeting's erasure names Maija's subject" "$er" "subject=$N"
assert_contains "... and Matti" "$er" "subject=$A"
t_done
