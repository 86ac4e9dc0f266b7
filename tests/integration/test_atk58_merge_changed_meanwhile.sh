#!/bin/bash
# A merge whose subject was merged into another (or the same merge made
# by another officer) between its checks and its transaction is refused,
# ENOENT, logged, nothing changed (atk58 F5: it failed on a catalog
# constraint's words, "FOREIGN KEY constraint failed", unlogged).  gdb
# holds the merge at its transaction's begin (held_at).
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
fourth_subject
D=$h4

refused() { q "SELECT count(*) FROM audit WHERE action = 'merge-subject' AND outcome = 'refused'"; }
mc="$RECCTL subject merge -R $REG"

n=$(refused)
held_at rights_merge_subjects "$mc $C $B --level-keyring $PK" -- subject merge "$A" "$B"
assert_contains "a merge whose OTHER was merged into another meanwhile is refused" \
	"$(cat "$T_TMP/held.out")" "merge-subject refused: the subject was merged into another or erased meanwhile"
assert_eq "... its refusal logged" $((n + 1)) "$(refused)"

n=$(refused)
held_at rights_merge_subjects "$mc $D $A --level-keyring $PK" -- subject merge "$A" "$C"
assert_contains "a merge whose HANDLE was merged into another meanwhile is refused" \
	"$(cat "$T_TMP/held.out")" "merged into another or erased meanwhile"
assert_eq "... its refusal logged" $((n + 1)) "$(refused)"

n=$(refused)
held_at rights_merge_subjects "$mc $D $C --level-keyring $PK" -- subject merge "$D" "$C"
assert_contains "the same merge made meanwhile by another officer is refused" \
	"$(cat "$T_TMP/held.out")" "merged into another or erased meanwhile"
assert_eq "... its refusal logged" $((n + 1)) "$(refused)"
assert_ok "fsck finds nothing wrong" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
