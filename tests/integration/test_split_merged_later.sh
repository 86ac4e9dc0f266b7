#!/bin/bash
# A merged subject that a split did not name can be split off later
# (recctl subject split HANDLE --merged OTHER --into SUBJECT), atk55 F2.
# Maija's handle D was merged into her C, and C into Matti (A) by
# mistake; the officer split her call off naming C alone (as recctl(1)
# said then): A's card still lists D, so the read of Maija's card under D
# stays in Matti's export and walk.  The later split moves D from A's card
# to her new subject's (which keeps C), with the history: Matti's export
# and walk lose it, hers gains it in the export (the walk of the log gives
# nothing to a subject, item 1 of the stop before).  Refused, logged,
# nothing moved: a handle A's card does not list, SUBJECT = A, an unknown
# SUBJECT, a SUBJECT whose card an older recfs made, and the usage errors.
. "$(dirname "$0")/lib.sh"

merged_chain
assert_ok "the officer splits Maija's call off naming C alone" \
	"$RECCTL" subject split -R "$REG" "$A" "$r2" --level-keyring "$PK" --name "Maija Virtanen" --merged "$C"
assert_contains "... and is told A's card still lists one" "$T_OUT" "$A's card lists 1 subject merged into it before"
N=$(handle_of "$r2")
[ -n "$N" ] && [ "$N" != "$A" ] || t_abort "split" "the call was not split off"

assert_eq "control: Matti's card lists D" "[\"$D\"]" "$(card_of "$A" '.merged_from')"
assert_eq "control: Matti's export and walk tell the read of D's card" "1 walk" "$(reads_of "$A")"
assert_eq "control: Maija's tell nothing of it" "0" "$(reads_of "$N")"

# refusals first: each logged, nothing moved
B=$T_TMP/before
cp -a "$REG" "$B"
split_into() { "$RECCTL" subject split -R "$REG" "$A" --level-keyring "$PK" "$@"; }
refused() { sqlite3 "$REG/catalog.db" "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused'"; }
n0=$(refused)
assert_fails_with "a handle A's card does not list is refused" "is not among the subjects merged" \
	split_into --merged "$C" --into "$N"
assert_fails_with "into A itself is refused" "is no other subject" split_into --merged "$D" --into "$A"
assert_fails_with "into an unknown subject is refused" "is no other subject" split_into --merged "$D" --into S-ZZZZZZ
assert_fails_with "... and a name typed for one" "is no other subject" split_into --merged "$D" --into "Maija Virtanen"
assert_eq "each logged" $((n0 + 4)) "$(refused)"
assert_eq "... the log holds no name" 0 "$(sqlite3 "$REG/catalog.db" "SELECT count(*) FROM audit WHERE reason LIKE '%Virtanen%'")"
assert_fails_with "--into with a RECORDING is a usage error" "no RECORDING" split_into "$r1" --merged "$D" --into "$N"
assert_fails_with "--into without --merged is a usage error" "needs --merged" split_into --into "$N"
assert_fails_with "--into with --name is a usage error" "needs --merged" \
	split_into --merged "$D" --into "$N" --name "Maija Virtanen"
assert_fails_with "--merged for another command is a usage error" "are for subject split" \
	"$RECCTL" subject merge -R "$REG" "$A" "$N" --level-keyring "$PK" --merged "$D"
assert_eq "nothing moved" "[\"$D\"]" "$(card_of "$A" '.merged_from')"
X=$T_TMP/older
cp -a "$B" "$X"
"$T_BUILD/test/put_card" "$X" "$PK" "$N" merged_from || t_abort "put_card" "failed"
assert_fails_with "into a card an older recfs made is refused" "made by an older recfs" \
	"$RECCTL" subject split -R "$X" "$A" --level-keyring "$PK" --merged "$D" --into "$N"

# the later split
assert_ok "the officer splits D off A into Maija's subject" split_into --merged "$D" --into "$N"
assert_contains "... and is told it went with her" "$T_OUT" "1 subject merged into $A before went with $N"
assert_eq "Matti's card lists none" "[]" "$(card_of "$A" '.merged_from')"
assert_eq "Maija's lists C and D" "[\"$C\",\"$D\"]" "$(card_of "$N" '.merged_from')"
assert_eq "Matti's export and walk no longer tell the read of D's card" "0" "$(reads_of "$A")"
assert_eq "Maija's export tells it (her walk is given nothing by the log)" "1" "$(reads_of "$N")"
assert_eq "logged on A, naming D, and on her subject" "into=$N merged-handle=$D|from=$A recordings=0 merged=1 shared=0" \
	"$(sqlite3 "$REG/catalog.db" "SELECT group_concat(reason, '|') FROM (SELECT reason FROM audit WHERE action = 'split-subject' AND outcome = 'ok' AND (reason LIKE '%recordings=0 merged=%' OR reason = 'into=$N merged-handle=$D') ORDER BY seq)")"
assert_eq "... and on her subject, which received D" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND object = '$N' AND reason = 'from=$A received-handle=$D'")"

# moved back, by mistake, and away again (atk57): the walk follows each
assert_ok "the officer moves D back to Matti" \
	"$RECCTL" subject split -R "$REG" "$N" --level-keyring "$PK" --merged "$D" --into "$A"
assert_eq "Matti's card lists D again" "[\"$D\"]" "$(card_of "$A" '.merged_from')"
assert_eq "Matti's export and walk tell the read of D's card again" "1 walk" "$(reads_of "$A")"
assert_eq "Maija's tell nothing of it" "0" "$(reads_of "$N")"
assert_ok "... and away again" split_into --merged "$D" --into "$N"
assert_eq "Matti's export and walk no longer tell it" "0" "$(reads_of "$A")"
assert_eq "Maija's export tells it" "1" "$(reads_of "$N")"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
assert_ok "audit verify" "$RECCTL" audit verify -R "$REG"
t_done
