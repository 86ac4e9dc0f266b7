#!/bin/bash
# A card record that becomes another subject's while a command stands
# between its checks and its transaction (root points the subject's row
# at another person's card: gdb holds the command, held_at) is refused
# inside the transaction and the refusal logged after the rollback: a
# rectification, one with --given, a split --into and a merge (atk58 F3:
# they were refused, EIO, but nothing was logged).
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
"$RECCTL" subject merge -R "$REG" "$A" "$B" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge" "$A $B"
mine=$(q "SELECT card FROM subject WHERE handle = '$A'")
hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
printf 'sqlite3 %q "UPDATE subject SET card = '"'"'%s'"'"' WHERE handle = '"'"'%s'"'"'"\n' \
	"$REG/catalog.db" "$hers" "$A" >"$T_TMP/swap.sh"
back() { q "UPDATE subject SET card = '$mine' WHERE handle = '$A'" >/dev/null; }

refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused'"; }
theirs="card record is another subject's"

n=$(refused rectify "$A")
held_at rights_rectify "bash $T_TMP/swap.sh" -- subject rectify "$A" name "Matti Korhonen"
assert_contains "a rectification whose card became another's meanwhile is refused" "$(cat "$T_TMP/held.out")" "$theirs"
assert_eq "... logged" $((n + 1)) "$(refused rectify "$A")"
back

n=$(refused rectify "$A")
held_at rights_rectify_given "bash $T_TMP/swap.sh" -- subject rectify "$A" phone +358401111111 --given +358401234567
assert_contains "a rectification --given whose card became another's meanwhile is refused" "$(cat "$T_TMP/held.out")" "$theirs"
assert_eq "... logged" $((n + 1)) "$(refused rectify "$A")"
back

n=$(refused split-subject "$A")
held_at rights_split_merged "bash $T_TMP/swap.sh" -- subject split "$A" --merged "$B" --into "$C"
assert_contains "a split --into whose card became another's meanwhile is refused" "$(cat "$T_TMP/held.out")" "$theirs"
assert_eq "... logged" $((n + 1)) "$(refused split-subject "$A")"
back

n=$(refused merge-subject "$A")
held_at rights_merge_subjects "bash $T_TMP/swap.sh" -- subject merge "$A" "$C"
assert_contains "a merge whose card became another's meanwhile is refused" "$(cat "$T_TMP/held.out")" "$theirs"
assert_eq "... logged" $((n + 1)) "$(refused merge-subject "$A")"
back
assert_eq "the log names no one" 0 "$(q "SELECT count(*) FROM audit WHERE reason LIKE '%Korhonen%' OR reason LIKE '%Matti%'")"
t_done
