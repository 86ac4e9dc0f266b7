#!/bin/bash
# A split, a merge and a rectification change calls by what their sealed
# details say, and give calls to subjects by it (a call of both people,
# test_split_gives_shared_call.sh): details that are another recording's
# (root, who holds no key, pointed a row at them), that are damaged or do
# not open, or that the call does not point at, are refused, EIO, logged
# on the recording, nothing changed (atk60 F1, F2, atk61 F3).  On the
# build before, root's swap of the details of Matti's own call and of his
# meeting with Maija made the split undoing her wrong merge link Matti's
# own call to her new subject, logged by recfs as a call of both, while
# the meeting stayed his alone; a split --into stopped on a damaged
# details record with no entry logged.
. "$(dirname "$0")/lib.sh"

three_people
call_of_two m5 2026-11-06T10:00:00Z "Matti Meikäläinen" +358401234567 "Maija Virtanen" +358401234568
m5=$(id_at 2026-11-06T10:00:00Z)
cp -a "$REG" "$T_TMP/premerge"
"$RECCTL" subject merge -R "$REG" "$A" "$D" --level-keyring "$PK" >"$T_TMP/m.out" 2>&1 || t_abort "merge" "$(cat "$T_TMP/m.out")"
links() { q "SELECT recording || ' ' || handle || ' ' || role FROM link ORDER BY 1"; }
refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused' AND reason LIKE '%$3%'"; }
cp -a "$REG" "$T_TMP/copy"

# 1. root swaps the details of Matti's own call (r1) and of the meeting
d1=$(q "SELECT details_id FROM recording WHERE id = '$r1'") d5=$(q "SELECT details_id FROM recording WHERE id = '$m5'")
q "UPDATE recording SET details_id = '$d5' WHERE id = '$r1'; UPDATE recording SET details_id = '$d1' WHERE id = '$m5'"
before=$(links)
assert_fails_with "the split undoing Maija's merge is refused" "are another recording's" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --merged "$D" --name "Maija Virtanen" --level-keyring "$PK"
assert_eq "... nothing linked or moved" "$before" "$(links)"
assert_eq "... no subject made" 2 "$(q "SELECT count(*) FROM subject")"
assert_eq "... no call given, by recfs's word in the log" 0 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'ok'")"
assert_eq "... the refusal logged on the call whose details are another's" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused' AND object IN ('$r1', '$m5') AND reason LIKE '%another recording''s%'")"
assert_fails_with "a rectification of Matti's name is refused too (it would write into the meeting's details)" \
	"are another recording's" \
	"$RECCTL" subject rectify -R "$REG" "$A" name "Matti Juhani Meikäläinen" --level-keyring "$PK"
assert_eq "... logged" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'rectify' AND outcome = 'refused' AND object IN ('$r1', '$m5') AND reason LIKE '%another recording''s%'")"
assert_fails_with "a merge of Liisa into Matti is refused too" "are another recording's" \
	"$RECCTL" subject merge -R "$REG" "$C" "$A" --level-keyring "$PK"
assert_eq "... logged" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'merge-subject' AND outcome = 'refused' AND object IN ('$r1', '$m5') AND reason LIKE '%another recording''s%'")"
assert_eq "... nothing changed" "$before" "$(links)"
# put back, the split goes through
q "UPDATE recording SET details_id = '$d1' WHERE id = '$r1'; UPDATE recording SET details_id = '$d5' WHERE id = '$m5'"
assert_ok "control: with the details put back, the split goes through" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --merged "$D" --name "Maija Virtanen" --level-keyring "$PK"
N=$(handle_of "$r3")
assert_eq "... Matti's own call stays his alone" "$A" "$(handle_of "$r1")"

# 2. a details record that does not open: split --into refused, logged
REG=$T_TMP/copy
q "UPDATE record SET ct = (SELECT ct FROM record WHERE id = (SELECT details_id FROM recording WHERE id = '$r3')) WHERE id = (SELECT details_id FROM recording WHERE id = '$r1')"
before=$(links)
assert_fails_with "split --into of Maija's old handle is refused on a details record that does not open" \
	"do not open" \
	"$RECCTL" subject split -R "$REG" "$A" --merged "$D" --into "$C" --level-keyring "$PK"
assert_eq "... logged on the call" 1 "$(refused split-subject "$r1" "do not open")"
assert_eq "... nothing changed" "$before" "$(links)"
assert_not_contains "... Maija's old handle is Matti's still" \
	"$("$RECCTL" subject show -R "$REG" "$C" --level-keyring "$PK" 2>&1)" "$D"

# 3. the meeting pointing at no details (atk61 F3): the merge, which
# would mark nothing in them (and a split give nothing back), is refused
REG=$T_TMP/premerge
q "UPDATE recording SET details_id = '' WHERE id = '$m5'"
before=$(links)
assert_fails_with "the merge of Maija into Matti is refused on a call that points at no details" "are missing" \
	"$RECCTL" subject merge -R "$REG" "$A" "$D" --level-keyring "$PK"
assert_eq "... logged on the call" 1 "$(refused merge-subject "$m5" "are missing")"
assert_eq "... nothing changed" "$before" "$(links)"
t_done
