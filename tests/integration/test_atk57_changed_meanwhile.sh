#!/bin/bash
# A command that changes a subject's card changes it as it stands in its
# own transaction (atk57).  A rectification read the card before its
# transaction and wrote back, in it, the copy it had read: a merge, a
# split or another rectification that committed between was undone (the
# merged subject's handle on no card, or on two; a field rectified a
# moment before set back), and the card of a subject merged away
# meanwhile was written again, its rectification logged as done.  And a
# split --into whose SUBJECT was merged away meanwhile failed unlogged.
# gdb stops the command at its transaction's begin and the other command
# runs there: the window is small in real use (a setfattr beside a
# recctl); gdb only makes it certain.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || t_abort "gdb" "gdb is needed to stop the rectification at its transaction"
three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3

# held FUNCTION OTHER -- ARGS...: recctl ARGS (with -R and the rights
# keyring), stopped by gdb at its transaction's begin (the first after
# FUNCTION is entered) while the shell command OTHER runs (its output in
# $T_TMP/other.out, its exit status in $T_TMP/other.rc); recctl's output
# in $T_TMP/held.out.
held()
{
	local fn=$1 other=$2
	shift 3
	rm -f "$T_TMP/other.rc"
	cat >"$T_TMP/gdb.cmds" <<G
set pagination off
break $fn
run
break catalog_begin
continue
shell $other >"$T_TMP/other.out" 2>&1; echo \$? >"$T_TMP/other.rc"
delete
continue
G
	gdb -q -batch -x "$T_TMP/gdb.cmds" --args "$RECCTL" "$@" -R "$REG" --level-keyring "$PK" \
		>"$T_TMP/held.out" 2>&1 </dev/null
	[ "$(cat "$T_TMP/other.rc" 2>/dev/null)" = 0 ] ||
		t_abort "held" "the command beside $fn failed or did not run: $(cat "$T_TMP/other.out" 2>/dev/null; tail -n 5 "$T_TMP/held.out")"
}
card_of() { export_of "$REG" "$1" "$T_TMP/e-$1"; jq -c "$2" "$T_TMP/e-$1/$1/subject.json"; }
rc="$RECCTL subject rectify -R $REG"
mc="$RECCTL subject merge -R $REG"

held rights_rectify "$rc $A email matti@example.fi --level-keyring $PK" -- subject rectify "$A" name "Matti Meikäläinen-Korhonen"
assert_eq "a rectification beside another of the same card keeps both fields" \
	'["Matti Meikäläinen-Korhonen","matti@example.fi"]' "$(card_of "$A" '[.name, .email]')"

held rights_rectify "$mc $A $B --level-keyring $PK" -- subject rectify "$A" name "Matti Korhonen"
assert_eq "a rectification beside a merge keeps the merged subject on the card" \
	"[\"Matti Korhonen\",[\"$B\"]]" "$(card_of "$A" '[.name, .merged_from]')"

held rights_rectify "$RECCTL subject split -R $REG $A --merged $B --into $C --level-keyring $PK" -- subject rectify "$A" name "Matti Meikäläinen"
assert_eq "a rectification beside a split moving the merged subject leaves it moved" \
	"[\"Matti Meikäläinen\",[]]" "$(card_of "$A" '[.name, .merged_from]')"
assert_eq "... onto the other card alone" "[\"$B\"]" "$(card_of "$C" '.merged_from')"

card_id=$(q "SELECT card FROM subject WHERE handle = '$C'")
[ -n "$card_id" ] || t_abort "card" "no card for $C"
refused() { q "SELECT count(*) FROM audit WHERE action = 'rectify' AND object = '$C' AND outcome = '$1'"; }
ok0=$(refused ok) no0=$(refused refused)
held rights_rectify "$mc $A $C --level-keyring $PK" -- subject rectify "$C" name "Liisa Virtanen"
assert_contains "a rectification of a subject merged away meanwhile is refused" "$(cat "$T_TMP/held.out")" \
	"merged into another or erased meanwhile"
assert_eq "... its card not written again" 0 "$(q "SELECT count(*) FROM record WHERE id = '$card_id'")"
assert_eq "... logged as refused, not as done" "$((no0 + 1)) $ok0" "$(refused refused) $(refused ok)"
assert_eq "... and the card it went into lists it" "[\"Matti Meikäläinen\",[\"$C\",\"$B\"]]" \
	"$(card_of "$A" '[.name, .merged_from]')"
customer_call c4 2026-11-05T10:00:00Z "Pekka Virtanen" "+358401234599"
D=$(handle_of "$(id_at 2026-11-05T10:00:00Z)")
[ -n "$D" ] && [ "$D" != "$A" ] || t_abort "setup" "no fourth subject: $D"
no0=$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND object = '$A' AND outcome = 'refused'")
held rights_split_merged "$mc $A $D --level-keyring $PK" -- subject split "$A" --merged "$B" --into "$D"
assert_contains "a split --into a subject merged away meanwhile is refused" "$(cat "$T_TMP/held.out")" \
	"changed meanwhile"
assert_eq "... logged" $((no0 + 1)) \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND object = '$A' AND outcome = 'refused'")"
assert_eq "... nothing moved" "[\"$C\",\"$B\",\"$D\"]" "$(card_of "$A" '.merged_from')"
assert_ok "fsck finds nothing wrong" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
