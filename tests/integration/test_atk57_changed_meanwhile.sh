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
# runs there (held_at, lib.sh).
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3

rc="$RECCTL subject rectify -R $REG"
mc="$RECCTL subject merge -R $REG"

held_at rights_rectify "$rc $A email matti@example.fi --level-keyring $PK" -- subject rectify "$A" name "Matti Meikäläinen-Korhonen"
assert_eq "a rectification beside another of the same card keeps both fields" \
	'["Matti Meikäläinen-Korhonen","matti@example.fi"]' "$(card_of "$A" '[.name, .email]')"

held_at rights_rectify "$mc $A $B --level-keyring $PK" -- subject rectify "$A" name "Matti Korhonen"
assert_eq "a rectification beside a merge keeps the merged subject on the card" \
	"[\"Matti Korhonen\",[\"$B\"]]" "$(card_of "$A" '[.name, .merged_from]')"

held_at rights_rectify "$RECCTL subject split -R $REG $A --merged $B --into $C --level-keyring $PK" -- subject rectify "$A" name "Matti Meikäläinen"
assert_eq "a rectification beside a split moving the merged subject leaves it moved" \
	"[\"Matti Meikäläinen\",[]]" "$(card_of "$A" '[.name, .merged_from]')"
assert_eq "... onto the other card alone" "[\"$B\"]" "$(card_of "$C" '.merged_from')"

card_id=$(q "SELECT card FROM subject WHERE handle = '$C'")
[ -n "$card_id" ] || t_abort "card" "no card for $C"
refused() { q "SELECT count(*) FROM audit WHERE action = 'rectify' AND object = '$C' AND outcome = '$1'"; }
ok0=$(refused ok) no0=$(refused refused)
held_at rights_rectify "$mc $A $C --level-keyring $PK" -- subject rectify "$C" name "Liisa Virtanen"
assert_contains "a rectification of a subject merged away meanwhile is refused" "$(cat "$T_TMP/held.out")" \
	"merged into another or erased meanwhile"
assert_eq "... its card not written again" 0 "$(q "SELECT count(*) FROM record WHERE id = '$card_id'")"
assert_eq "... logged as refused, not as done" "$((no0 + 1)) $ok0" "$(refused refused) $(refused ok)"
assert_eq "... and the card it went into lists it" "[\"Matti Meikäläinen\",[\"$C\",\"$B\"]]" \
	"$(card_of "$A" '[.name, .merged_from]')"
fourth_subject
D=$h4
no0=$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND object = '$A' AND outcome = 'refused'")
held_at rights_split_merged "$mc $A $D --level-keyring $PK" -- subject split "$A" --merged "$B" --into "$D"
assert_contains "a split --into a subject merged away meanwhile is refused" "$(cat "$T_TMP/held.out")" \
	"changed meanwhile"
assert_eq "... logged" $((no0 + 1)) \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND object = '$A' AND outcome = 'refused'")"
assert_eq "... nothing moved" "[\"$C\",\"$B\",\"$D\"]" "$(card_of "$A" '.merged_from')"
assert_ok "fsck finds nothing wrong" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
