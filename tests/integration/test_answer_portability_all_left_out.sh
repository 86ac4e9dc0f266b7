#!/bin/bash
# Åsa asks for data portability (Art. 20).  Both her calls are on
# legitimate interests, so the portable copy holds no recording at all
# (LEFT_OUT.txt names both, no .opus in the folder).  The letter lists
# both as left out (bb13 F2), but must not also say that the copy holds
# "the audio recordings" (atk39).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
PK=$KEYS/privacy.keyring
rc() { "$RECCTL" "$@" -R "$REG"; }
ASA='{"role": "customer", "name": "Åsa Öberg", "phone": "+358 40 123 4567"}'
subject_call "$ASA" '"source": "customer-service", "purpose": "training"'
A1=$R
subject_call "$ASA" '"source": "customer-service", "purpose": "service-level"'
A=$(handle_of "$A1")
assert_ok "Åsa asks for portability" rc request new --type portability --subject "$A"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer with the portable copy" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/x" --level-keyring "$PK" --out "$T_TMP/p.txt"
assert_eq "the copy holds no audio" "0" "$(find "$T_TMP/x/$A" -name '*.opus' | wc -l)"
assert_eq "LEFT_OUT.txt names both calls" "2" "$(grep -c 'not portable' "$T_TMP/x/$A/LEFT_OUT.txt")"
copy=$(sed -n '/^6\./,/^Your rights/p' "$T_TMP/p.txt")
assert_contains "the letter lists the calls left out" "$copy" "are not in this copy"
assert_not_contains_text() { assert_not_contains "$1" "$(printf '%s' "$2" | tr -s ' \n' '  ')" "$3"; }
assert_not_contains_text "the letter does not say the copy holds the audio recordings" "$copy" \
	"(JSON files and the audio recordings)"
assert_contains "it says the copy is in JSON files" "$(printf '%s' "$copy" | tr -s ' \n' '  ')" \
	"in a machine-readable form (JSON files), has been prepared"

t_done
