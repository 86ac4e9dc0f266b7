#!/bin/bash
# An erasure request: the officer erases the customer's only recording
# (rm on the mount) while the request is open, so the subject's card (name,
# phone, reference) is kept for the request (README: a subject goes with
# its last recording "unless a request of theirs is open").  The answer
# letter must not tell the person that nothing of them is held any more
# while the card is still in the register (it says in section 2 that their
# name and contact details are processed): it must say the card is erased,
# or that it is still held and until when (bb13).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
subject_call '{"role": "customer", "name": "Åsa Öberg", "phone": "+358 40 123 4567", "ref": "KND-100234"}'
H=$(handle_of "$R")
R1=$R
subject_call '{"role": "customer", "name": "Pia Berg", "phone": "+358 40 765 4321"}' '"source": "customer-service", "purpose": "training"'
H2=$(handle_of "$R")
R2=$R
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
rc() { "$RECCTL" "$@" -R "$REG"; }

assert_ok "an erasure request" rc request new --type erasure --subject "$H"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the officer erases the recording" as_user "$dpo" rm "$MNT/by-date/2026/11/01/20261101T100000Z_customer-service_${R1:0:8}.opus"
assert_ok "the answer" rc request answer "$N" --lang en --templates "$TPL" --out "$T_TMP/answer.txt"
letter=$(cat "$T_TMP/answer.txt")
card=$(rc subject show "$H" --level-keyring "$KEYS/privacy.keyring" 2>&1)
if printf '%s' "$card" | grep -q "Åsa Öberg"; then
	assert_not_contains "the card is still held: the letter does not say nothing of the person is held" \
		"$letter" "Nothing of you is held any more"
	assert_contains_text "the card is still held: the letter says until when" "$letter" \
		"Your name and contact details are still kept while a request of yours is open, and are then erased"
else
	assert_contains "the card is gone: the letter says so" "$letter" "Your name and contact details have been erased"
fi

# Once the request is closed, the next retention sweep erases the card, as
# the letter says.
assert_ok "the request is closed" rc request close "$N" --outcome granted
assert_ok "the retention sweep" rc retention sweep
assert_match "the card is gone after the sweep" \
	"$(rc subject show "$H" --level-keyring "$KEYS/privacy.keyring" 2>&1)" "no subject|[Nn]o such"

# A customer who objected to training: the card stays while the objection
# stands too, and the letter says so.
assert_ok "she objects to training" rc subject object "$H2" --purpose training --level-keyring "$KEYS/privacy.keyring"
assert_ok "an erasure request of hers" rc request new --type erasure --subject "$H2"
N2=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
F2=$(as_user "$dpo" find "$MNT/by-date" -name "*_${R2:0:8}.opus" | head -n 1)
assert_ok "the officer erases her recording" as_user "$dpo" rm "$F2"
assert_ok "the answer to her" rc request answer "$N2" --lang en --templates "$TPL" --out "$T_TMP/answer2.txt"
letter2=$(cat "$T_TMP/answer2.txt")
assert_not_contains "her letter does not say nothing is held" "$letter2" "Nothing of you is held any more"
assert_contains_text "her letter says the card is kept while her objection stands" "$letter2" \
	"is open, and while your objection to the processing stands, so that later recordings of you are recognised"

t_done
