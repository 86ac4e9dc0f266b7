#!/bin/bash
# A call the persons split off were in and the kept subject's person was
# not, by its sealed details, stays the kept subject's and the split names
# it for the officer to check (atk60 F4, atk61 F1): the merged person may
# have been the kept one for some calls (a party taken for another at
# ingest), and the details cannot tell.  A call of Maija and Liisa, both
# merged into Matti by mistake: the split undoing Maija's merge gives it
# to her (Liisa's entry keeps it Matti's); the split undoing Liisa's finds
# no party of Matti's left in it, leaves it and names it, as it names
# Maija's second call left unnamed.  The officer then moves it as the
# message says: a split of it off Matti, and a merge of that into Liisa's.
. "$(dirname "$0")/lib.sh"

three_people
L=$C
fourth_subject
call_of_two y 2026-11-06T10:00:00Z "Liisa Korhonen" +358409999998 "Maija Virtanen" +358401234568
customer_call c7 2026-11-07T10:00:00Z "Maija Virtanen" "+358401234568"
y=$(id_at 2026-11-06T10:00:00Z) r7=$(id_at 2026-11-07T10:00:00Z)
[ "$(handle_of "$r7")" = "$D" ] || t_abort "setup" "Maija's second call is not hers: $(handle_of "$r7")"
for x in "$D" "$L"; do
	"$RECCTL" subject merge -R "$REG" "$A" "$x" --level-keyring "$PK" >"$T_TMP/m.out" 2>&1 || t_abort "merge" "$(cat "$T_TMP/m.out")"
done
[ "$(linked "$y")" = "$A" ] || t_abort "merge" "the call is not Matti's alone: $(linked "$y")"
cp -a "$REG" "$T_TMP/copy"

assert_ok "the officer undoes Maija's merge, naming her first call" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --merged "$D" --name "Maija Virtanen" --level-keyring "$PK"
N=$(handle_of "$r3")
assert_contains "... told the call of both is hers again" "$T_OUT" "1 call of both $A and $N"
assert_contains "... and that her second call, not named, stays Matti's, to check" "$T_OUT" \
	"recording $r7 stays $A's, though its details name no party of $A's but the person split off"
assert_eq "the call is Maija's and Matti's (for Liisa's entry)" "$(handles "$A" "$N")" "$(linked "$y")"
assert_eq "her second call stays Matti's" "$A" "$(linked "$r7")"
assert_ok "the officer undoes Liisa's merge" \
	"$RECCTL" subject split -R "$REG" "$A" "$r2" --merged "$L" --name "Liisa Korhonen" --level-keyring "$PK"
L2=$(handle_of "$r2")
assert_contains "... told the call, which names no party of Matti's, stays his, to check" "$T_OUT" "recording $y stays $A's"
assert_eq "it stays" "$(handles "$A" "$N")" "$(linked "$y")"
assert_ok "the officer splits it off Matti, as the message says" \
	"$RECCTL" subject split -R "$REG" "$A" "$y" --name "Liisa Korhonen" --level-keyring "$PK"
T=$(q "SELECT handle FROM link WHERE recording = '$y' AND handle NOT IN ('$A', '$N')")
[ -n "$T" ] || t_abort "split" "the call was not split off: $(linked "$y")"
assert_ok "... and merges that into Liisa's subject" "$RECCTL" subject merge -R "$REG" "$L2" "$T" --level-keyring "$PK"
assert_eq "the call is Maija's and Liisa's, not Matti's" "$(handles "$N" "$L2")" "$(linked "$y")"
assert_not_contains "Matti's export does not hold it" "$(export_ids "$A" "$T_TMP/xa")" "$y"
assert_contains "Liisa's does" "$(export_ids "$L2" "$T_TMP/xl")" "$y"
assert_contains "Maija's does" "$(export_ids "$N" "$T_TMP/xn")" "$y"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"

# --into: the same, Maija's old handle going to an existing subject
REG=$T_TMP/copy
assert_ok "on a copy, the officer undoes Liisa's merge first" \
	"$RECCTL" subject split -R "$REG" "$A" "$r2" --merged "$L" --name "Liisa Korhonen" --level-keyring "$PK"
L2=$(handle_of "$r2")
assert_eq "... the call is Liisa's and Matti's (for Maija's entry)" "$(handles "$A" "$L2")" "$(linked "$y")"
assert_ok "then moves Maija's old handle to another subject" \
	"$RECCTL" subject split -R "$REG" "$A" --merged "$D" --into "$h4" --level-keyring "$PK"
assert_contains "... told the call stays Matti's, to check" "$T_OUT" "recording $y stays $A's"
assert_contains "... and so does her second call" "$T_OUT" "recording $r7 stays $A's"
assert_eq "the call stays Liisa's and Matti's" "$(handles "$A" "$L2")" "$(linked "$y")"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
