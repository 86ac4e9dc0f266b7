#!/bin/bash
# The answer letter in a policy's second language names the controller and
# the privacy contact in that language.  `controller` and
# `privacy_contact` are texts (recfs-policy(5): "controller (required,
# text)"), given per language as controller[sv] = ...; the register notice
# in Swedish (README.sv.txt, `recctl register --lang sv`) prints
# controller[sv].  A Finnish municipality must answer a Swedish-speaking
# resident in Swedish; its Swedish letter (`recctl request answer --lang
# sv`) must say "Järvelä kommun", its Swedish name, and the Swedish
# contact, not the Finnish "Järvelän kunta" (a Finnish genitive in a
# Swedish sentence: "som Järvelän kunta behandlar").
# Expected: the Swedish letter holds the [sv] texts of controller and
# privacy_contact, and not the Finnish ones; the Finnish letter the
# Finnish ones.  Black-box customer bb16 (a municipality's sote helpline).
. "$(dirname "$0")/lib.sh"

POL=$T_ROOT/tests/fixtures/policy-fi-sote-neuvonta.conf
make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T08:00:00Z", "source": "neuvontapuhelin",
 "subjects": [{"role": "customer", "name": "Ulla-Britt Åkerlund", "phone": "+358 40 765 4321"}],
 "audio": "c1.opus"}'
H=$(q "SELECT handle FROM link LIMIT 1")
[ -n "$H" ] || t_abort "data" "no subject"

# The notice in Swedish takes the Swedish name: the policy is read as meant.
assert_ok "the Swedish notice" "$RECCTL" register --lang sv -R "$REG"
assert_contains_text "... names the controller in Swedish" "$T_OUT" "Järvelä kommun (0123456-7)"

assert_ok "an access request" "$RECCTL" request new --type access --subject "$H" -R "$REG"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "its answer in Swedish" "$RECCTL" request answer "$N" --lang sv \
	--templates "$T_ROOT/packaging/templates" --out "$T_TMP/sv.txt" -R "$REG"
sv=$(cat "$T_TMP/sv.txt")
assert_contains "the Swedish letter's head names the controller in Swedish" "$(head -n 1 "$T_TMP/sv.txt")" \
	"Järvelä kommun (0123456-7), social- och hälsovårdstjänster"
assert_contains "the Swedish letter's text names the controller in Swedish" "$sv" "som Järvelä kommun behandlar"
assert_contains "the Swedish letter is signed in Swedish" "$(tail -n 1 "$T_TMP/sv.txt")" "Järvelä kommun"
assert_not_contains "the Swedish letter holds no Finnish name of the controller" "$sv" "Järvelän kunta"
assert_contains "the Swedish letter gives the Swedish privacy contact" "$sv" "dataskydd@jarvela.fi"

assert_ok "its answer in Finnish" "$RECCTL" request answer "$N" --lang fi \
	--templates "$T_ROOT/packaging/templates" --out "$T_TMP/fi.txt" -R "$REG"
fi=$(cat "$T_TMP/fi.txt")
assert_contains "the Finnish letter names the controller in Finnish" "$fi" "Järvelän kunta (0123456-7)"
assert_not_contains "the Finnish letter holds no Swedish name of the controller" "$fi" "Järvelä kommun"
t_done
