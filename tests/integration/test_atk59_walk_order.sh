#!/bin/bash
# The keyless walk reads every subject's split entries before it decides
# whether a merged handle was split off (atk59 F3): Maija's D merged into
# Matti's A by mistake; the split of her call names D (A: merged-handle=D,
# the new N: received-handle=D); the officer finds N was Matti's after all
# and merges N into A.  A's card lists D again, and the later entry about
# D is N's: A's walk (audit show --subject, the letters) tells D's
# history as his export does, and not only when D came back by split
# --into.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Liisa Korhonen" "+358409999998" \
	"Maija Virtanen" "+358401234568"
A=$h1 D=$h3
customer_call c4 2026-11-05T10:00:00Z "Maija Virtanen" "+358401234568"
r4=$(id_at 2026-11-05T10:00:00Z)
[ "$(handle_of "$r4")" = "$D" ] || t_abort "setup" "c4 is not D's"
run() { "$RECCTL" "$@" -R "$REG" --level-keyring "$PK" >"$T_TMP/run.out" 2>&1 || t_abort "$*" "$(cat "$T_TMP/run.out")"; }
run subject show "$D"
run subject merge "$A" "$D"
assert_eq "control: merged, A's export and walk tell the read of D's card" "1 walk" "$(reads_of "$A")"
run subject split "$A" "$r4" --merged "$D" --name "Maija Virtanen"
N=$(handle_of "$r4")
[ -n "$N" ] && [ "$N" != "$A" ] || t_abort "split" "no new subject"
assert_eq "control: split off, A's tell nothing of it" "0" "$(reads_of "$A")"
cp -a "$REG" "$T_TMP/copy"
run subject merge "$A" "$N"
assert_eq "N merged back into A: his card lists D again" "true" "$(card_of "$A" "[.merged_from[] == \"$D\"] | any")"
assert_eq "... his export and his walk both tell the read of D's card" "1 walk" "$(reads_of "$A")"
# control on the copy: the move back by split --into is told
REG=$T_TMP/copy
run subject split "$N" --merged "$D" --into "$A"
assert_eq "control: moved back by split --into instead, both tell it" "1 walk" "$(reads_of "$A")"
t_done
