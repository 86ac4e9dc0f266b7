#!/bin/bash
# Åsa objects to the training purpose (Art. 21, legitimate interests); the
# objection restricts her training call.  While her objection request is
# open, an officer erases her contract call (purpose quality) with rm on
# the mount, for a reason of his own.  Art. 21 does not reach a contract
# call: the objection's letter must not tell, under "What was done on your
# request", that a recording was erased on it, as bb13 F7 was for a
# consent withdrawal.  Likewise Bo's rectification letter, for an rm of
# his call while his rectification request is open (atk39).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
rc() { "$RECCTL" "$@" -R "$REG"; }
reqno() { printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p'; }
ASA='{"role": "customer", "name": "Åsa Öberg", "phone": "+358 40 123 4567"}'
BO='{"role": "customer", "name": "Bo Ek", "phone": "+358 40 765 4321"}'
subject_call "$ASA" '"source": "customer-service", "purpose": "quality"'
A1=$R
subject_call "$ASA" '"source": "customer-service", "purpose": "training"'
subject_call "$BO" '"source": "customer-service", "purpose": "quality"'
B1=$R
subject_call "$BO" '"source": "customer-service", "purpose": "quality"'
A=$(handle_of "$A1")
B=$(handle_of "$B1")
[ "$(q "SELECT legal_basis FROM recording WHERE id = '$A1'")" = contract ] || t_abort "basis" "quality is not contract"

assert_ok "Åsa objects" rc request new --type objection --subject "$A"
OBJ=$(reqno)
assert_ok "the objection to training is recorded" rc subject object "$A" --purpose training
assert_ok "Bo asks for rectification" rc request new --type rectification --subject "$B"
REC=$(reqno)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${A1:0:8}.opus" | head -n 1)
assert_ok "the officer erases Åsa's contract call" as_user "$dpo" rm "$f"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${B1:0:8}.opus" | head -n 1)
assert_ok "the officer erases one of Bo's calls" as_user "$dpo" rm "$f"

assert_ok "the answer to the objection" rc request answer "$OBJ" --lang en --templates "$TPL" --out "$T_TMP/o.txt"
done_part=$(sed -n '/^What was done on your request/,/^1\./p' "$T_TMP/o.txt")
assert_contains "the letter tells the objection recorded" "$done_part" "Training of customer-service staff"
assert_not_contains "it does not tell the contract call as erased on the objection" "$done_part" "Recordings erased"
A2=$(q "SELECT id FROM recording r JOIN link l ON l.recording = r.id WHERE l.handle = '$A' AND r.purpose = 'training'")
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${A2:0:8}.opus" | head -n 1)
assert_ok "the officer erases Åsa's training call, which she objected to" as_user "$dpo" rm "$f"
assert_ok "the answer to the objection again" rc request answer "$OBJ" --lang en --templates "$TPL" --out "$T_TMP/o2.txt"
done_part=$(sed -n '/^What was done on your request/,/^1\./p' "$T_TMP/o2.txt")
assert_contains "it tells the erasure of the training call, and it alone" "$done_part" "Recordings erased: 1"
assert_ok "the answer to the rectification" rc request answer "$REC" --lang en --templates "$TPL" --out "$T_TMP/r.txt"
done_part=$(sed -n '/^What was done on your request/,/^1\./p' "$T_TMP/r.txt")
assert_not_contains "Bo's rectification letter does not tell the rm as done on his request" "$done_part" \
	"Recordings erased"

t_done
