#!/bin/bash
# A careless recorder writes free text where the manifest wants a phone
# number and an e-mail ("onbekend, diabetes", "lien wuyts at gmail").  The
# privacy officer's rectification refuses such values (EINVAL: "a phone
# number without a digit, an e-mail that is not one @ with text on both
# sides", README), but ingest takes them onto the card and into the blind
# index: free text (here health data) in a contact field, and every call
# with phone "onbekend" found by `subject find onbekend`.
# Expected: ingest applies the rectification's checks: the value is
# left off the card and out of the recording's details, and said so
# without the value; the call itself is ingested (a withheld caller ID
# written "withheld" or "anonymous" is no reason to hold a call back).
# Seen before: ingested, the card showed phone "onbekend, diabetes" and
# e-mail "lien wuyts at gmail".
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/c1.opus"
printf '%s\n' '{"recorded_at": "2026-11-20T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Lien Wuyts", "phone": "onbekend, diabetes",
 "email": "lien wuyts at gmail"}], "audio": "c1.opus"}' >"$SPOOL/c1.json"
assert_ok "a manifest with a phone and an e-mail of no such shape is ingested" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/c1.json"
out=$T_OUT
assert_contains "it says a contact detail was left out, in the rectification's words" "$out" \
	"ingested without 2 contact details of no such shape (subject 1: phone is not a phone number (no digit), ...): left off the card"
assert_not_contains "it does not repeat the value" "$out" "diabetes"
assert_eq "the call is in the register" "1" "$(q "SELECT count(*) FROM recording")"
H=$("$RECCTL" subject find "onbekend, diabetes" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | cut -f1)
assert_eq "no subject is found by a phone number without a digit" "" "$H"
H=$("$RECCTL" subject find "lien wuyts at gmail" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | cut -f1)
assert_eq "no subject is found by an e-mail without an @" "" "$H"
H=$(q "SELECT handle FROM subject LIMIT 1")
show=$("$RECCTL" subject show "$H" -R "$REG" --level-keyring "$KEYS/privacy.keyring" 2>&1)
assert_contains "the card holds the name" "$show" "Lien Wuyts"
assert_not_contains "the card holds no phone without a digit" "$show" "onbekend"
assert_not_contains "the card holds no e-mail without an @" "$show" "at gmail"
"$RECCTL" subject export -R "$REG" "$H" "$T_TMP/x" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>&1
assert_not_contains "nor does the subject's copy (the call's details)" "$(cat "$T_TMP/x/$H"/* 2>/dev/null)" "diabetes"

# The e-mail alone: left out by the same rule, the phone beside it kept.
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/c2.opus"
printf '%s\n' '{"recorded_at": "2026-11-21T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Lien Wuyts", "phone": "+32 475 12 34 56",
 "email": "lien wuyts at gmail"}], "audio": "c2.opus"}' >"$SPOOL/c2.json"
assert_ok "a manifest with a good phone and a bad e-mail is ingested" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/c2.json"
assert_contains "its e-mail is left out, said so" "$T_OUT" \
	"subject 1: email is not an e-mail address (one '@' with text on both sides)"
H=$("$RECCTL" subject find "+32 475 12 34 56" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | cut -f1)
assert_match "its subject is found by the good phone" "$H" "^S-"
# An extension's SIP URI is no phone number either (it matches no one):
# the note says what the rule wants, not "no digit".
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/c4.opus"
printf '%s\n' '{"recorded_at": "2026-11-23T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Lien Wuyts", "phone": "sip:101@pbx-a"}], "audio": "c4.opus"}' >"$SPOOL/c4.json"
assert_ok "a manifest with an extension's SIP URI is ingested" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/c4.json"
assert_contains "its phone is left out, said so" "$T_OUT" \
	"subject 1: phone is not a phone number (a sip: URI's user is a + number)"
t_done
