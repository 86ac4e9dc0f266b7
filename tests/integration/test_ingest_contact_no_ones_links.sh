#!/bin/bash
# Ingest keeps a phone, e-mail or reference of no such shape off the card
# (rectification's rule), but the rule takes any text with one digit as a
# phone number and the SIP privacy address as an e-mail.  A recorder's
# free text with a digit ("call back after 2", "diabetes type 2") is a
# phone whose blind index key is "2", and "anonymous@anonymous.invalid"
# (what a withheld SIP caller ID gives) is an e-mail every withheld caller
# shares.  A nameless call with such a value is linked to the named
# subject of an earlier call that had it, and that subject's access copy
# (Art. 15) holds the stranger's call.
# Expected: a value that names no one links no two calls (the stranger's
# nameless call is a subject of its own, or of none), and the named
# subject's export holds its own calls only.  The same goes for a number
# of zeros (what a switch gives for a withheld number) and a reference
# that is a word for none ("n/a"); ingest says which value it left out,
# in the words rectification gives, never the value.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_call b1 "2026-11-23T10:00:00Z" '{"role": "customer", "name": "Carl Cedar", "phone": "call back after 2"}'
ingest_call b2 "2026-11-24T10:00:00Z" '{"role": "customer", "phone": "diabetes type 2"}'
ingest_call a1 "2026-11-20T10:00:00Z" '{"role": "customer", "name": "Alice Aalto", "email": "anonymous@anonymous.invalid"}'
ingest_call a3 "2026-11-22T10:00:00Z" '{"role": "customer", "email": "anonymous@anonymous.invalid"}'
assert_contains "ingest says the SIP privacy address is left out, and why" "$(cat "$T_TMP/ingest.out")" \
	"email is not an e-mail address (anonymous.invalid: SIP's withheld caller, no one's)"
ingest_call d1 "2026-11-25T10:00:00Z" '{"role": "customer", "name": "Dora Dahl", "ref": "N/A", "phone": "0000000000"}'
out=$(cat "$T_TMP/ingest.out")
assert_contains "ingest says the number of zeros is left out, and why" "$out" \
	"phone is not a phone number (no digit but 0)"
assert_not_contains "... without the value" "$out" "0000000000"
ingest_call d2 "2026-11-26T10:00:00Z" '{"role": "customer", "ref": "n/a"}'
assert_contains "ingest says the reference \"n/a\" is left out, and why" "$(cat "$T_TMP/ingest.out")" \
	"ref is not a reference (a word for none, as n/a or unknown)"
ingest_call d3 "2026-11-27T10:00:00Z" '{"role": "customer", "phone": "000 000 0000"}'
b1=$(id_at 2026-11-23T10:00:00Z)
b2=$(id_at 2026-11-24T10:00:00Z)
a1=$(id_at 2026-11-20T10:00:00Z)
a3=$(id_at 2026-11-22T10:00:00Z)
[ -n "$b1" ] && [ -n "$b2" ] && [ -n "$a1" ] && [ -n "$a3" ] || t_abort "data" "a call is missing"
C=$(handle_of "$b1")
A=$(handle_of "$a1")
assert_not_contains "a stranger's call with a free-text phone of one digit is not linked to Carl" \
	"$(handle_of "$b2")" "$C"
assert_not_contains "a withheld caller's call is not linked to Alice by the SIP privacy address" \
	"$(handle_of "$a3")" "$A"
D=$(handle_of "$(id_at 2026-11-25T10:00:00Z)")
for when in 2026-11-26T10:00:00Z 2026-11-27T10:00:00Z; do
	assert_not_contains "a stranger's call of $when (n/a, zeros) is not linked to Dora" \
		"$(handle_of "$(id_at "$when")")" "$D"
done
show=$("$RECCTL" subject show "$C" -R "$REG" --level-keyring "$KEYS/privacy.keyring" 2>&1)
assert_contains "Carl's card holds his name" "$show" "Carl Cedar"
assert_not_contains "... and not the free text written as his phone" "$show" "call back"
H=$("$RECCTL" subject find "2" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | cut -f1)
assert_eq "no subject is found by the phone \"2\"" "" "$H"
"$RECCTL" subject export "$C" "$T_TMP/ec" -R "$REG" --level-keyring "$KEYS/privacy.keyring" >"$T_TMP/ec.out" 2>&1 ||
	t_abort "export" "$(cat "$T_TMP/ec.out")"
assert_eq "Carl's access copy holds his own call alone" "1" "$(ls "$T_TMP/ec/$C" | grep -c '\.vcon\.json$')"
"$RECCTL" subject export "$A" "$T_TMP/ea" -R "$REG" --level-keyring "$KEYS/privacy.keyring" >"$T_TMP/ea.out" 2>&1 ||
	t_abort "export" "$(cat "$T_TMP/ea.out")"
assert_eq "Alice's access copy holds her own call alone" "1" "$(ls "$T_TMP/ea/$A" | grep -c '\.vcon\.json$')"
t_done
