#!/bin/bash
# The walk of the log (audit show --subject, the access letters) tells a
# merged subject's history as its card does after the subject has moved
# between cards more than once (recctl subject split --merged --into):
# each move is logged on the card it leaves (merged-handle=) and on the
# one it reaches (received-handle=), and the walk takes the later of the
# two, by the order they were written, not by the order it meets the
# subjects.  Maija's D, merged into B, moved to N and back to B; B merged
# into Matti's A; then D moved from A to N: A's walk meets A's entry
# taking D off before B's older entry receiving it, and must leave D's
# history out.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Liisa Korhonen" "+358409999998" \
	"Maija Virtanen" "+358401234568"
A=$h1 B=$h2 D=$h3
fourth_subject
N=$h4
run() { "$RECCTL" "$@" -R "$REG" --level-keyring "$PK" >"$T_TMP/run.out" 2>&1 || t_abort "$*" "$(cat "$T_TMP/run.out")"; }
run subject show "$D"
run subject merge "$B" "$D"

assert_eq "control: B's export and walk tell the read of D's card" "1 walk" "$(reads_of "$B")"
run subject split "$B" --merged "$D" --into "$N"
assert_eq "D moved to N: B's tell nothing of it" "0" "$(reads_of "$B")"
run subject split "$N" --merged "$D" --into "$B"
assert_eq "D moved back to B: B's tell it again" "1 walk" "$(reads_of "$B")"
run subject merge "$A" "$B"
assert_eq "B merged into Matti: his tell it" "1 walk" "$(reads_of "$A")"
run subject split "$A" --merged "$D" --into "$N"
export_of "$REG" "$A" "$T_TMP/e2"
assert_eq "D moved from Matti to N: his card no longer lists it" "[\"$B\"]" \
	"$(jq -c '.merged_from' "$T_TMP/e2/$A/subject.json")"
assert_eq "... and his export and walk no longer tell it" "0" "$(reads_of "$A")"
assert_eq "N's export tells it" "1" "$(reads_of "$N")"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
