#!/bin/bash
# Pedro's data goes to the authorities (his own export, --recipient
# authorities).  An officer then wrongly merges Pedro's subject into José
# Luis's, and repairs it with `recctl subject split`, which moves Pedro's
# call to a new subject.  José Luis's access letter (Art. 15(1)(c)) must
# not say that his data went to the authorities: none of his recordings
# ever did, only Pedro's call, in Pedro's export.  Nor may his export.json
# list that disclosure or name Pedro's old handle (atk39).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
split_register
TPL=$T_ROOT/packaging/templates
subject_call '{"role": "customer", "name": "José Luis Martínez Soto", "phone": "+34 912 345 678"}' "$FIELDS"
L1=$R
subject_call '{"role": "customer", "name": "Pedro Gómez Ruiz", "phone": "+34 600 111 222"}' "$FIELDS"
P1=$R
H=$(handle_of "$L1")
X=$(handle_of "$P1")
[ -n "$H" ] && [ -n "$X" ] && [ "$H" != "$X" ] || t_abort "subjects" "two subjects expected: '$H' '$X'"

assert_ok "Pedro's data goes to the authorities" rc subject export "$X" "$T_TMP/to-auth" --recipient authorities \
	--level-keyring "$PK"
assert_ok "an officer wrongly merges Pedro into José Luis" rc subject merge "$H" "$X" --level-keyring "$PK"
assert_ok "and splits Pedro's call off again" rc subject split "$H" "$P1" --level-keyring "$PK" \
	--name "Pedro Gómez Ruiz"
F=$(handle_of "$P1")
assert_match "Pedro's call is a subject of its own" "$F" "^S-"

assert_ok "José Luis asks for access" rc request new --type access --subject "$H"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer with its export" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/x" --level-keyring "$PK" --out "$T_TMP/answer.txt"
recipients=$(sed -n '/^4\./,/^5\./p' "$T_TMP/answer.txt")
assert_not_contains "José Luis's letter does not name the authorities Pedro's call went to" "$recipients" \
	"Authorities to which the law requires"
assert_contains "it says his data went to no one" "$recipients" "has not been disclosed"
assert_eq "his export.json lists no disclosure to the authorities" "0" \
	"$(jq '[.disclosures[]? | select(.recipient == "authorities")] | length' "$T_TMP/x/$H/export.json")"
assert_not_contains "his export.json does not name Pedro's old handle" "$(cat "$T_TMP/x/$H/export.json")" "$X"
assert_ok "Pedro asks for access" rc request new --type access --subject "$F"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer to Pedro" rc request answer "$N" --lang en --templates "$TPL" --out "$T_TMP/p.txt"
assert_contains "Pedro's letter names the authorities" "$(sed -n '/^4\./,/^5\./p' "$T_TMP/p.txt")" \
	"Authorities to which the law requires"

t_done
