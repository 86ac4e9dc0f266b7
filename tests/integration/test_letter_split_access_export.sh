#!/bin/bash
# While his father's call M1 was wrongly in José Luis's subject H, H's
# access answer with --export gave M1 to José Luis (an export entry to the
# data subject, subject=H).  After `subject split H M1` the father's new
# subject N has M1: his export.json must not say M1 went to him (he asked
# for nothing before), and his letter must not say his data went to no
# one while his export.json lists it: it went to another participant
# (atk39 F3).  Neither names H.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
split_register
split_household
TPL=$T_ROOT/packaging/templates
reqno() { printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p'; }
assert_ok "José Luis asks for access" rc request new --type access --subject "$H"
assert_ok "his answer, with the copy that holds M1 too" rc request answer "$(reqno)" --lang en \
	--templates "$TPL" --export "$T_TMP/x" --level-keyring "$PK" --out "$T_TMP/h.txt"
split_off
[ -n "$N" ] && [ "$N" != "$H" ] || t_abort "split" "no new subject: '$N'"
assert_ok "the father asks for access" rc request new --type access --subject "$N"
assert_ok "his answer with his copy" rc request answer "$(reqno)" --lang en --templates "$TPL" \
	--export "$T_TMP/y" --level-keyring "$PK" --out "$T_TMP/n.txt"
J=$T_TMP/y/$N/export.json
assert_eq "his export.json does not say M1 went to him" "0" \
	"$(jq '[.disclosures[]? | select(.recipient == "data-subject")] | length' "$J")"
assert_eq "it says M1 went to another participant" "1" \
	"$(jq --arg m "$M1" '[.disclosures[]? | select(.recipient == "another-participant" and .recording == $m)] | length' "$J")"
recipients=$(sed -n '/^4\./,/^5\./p' "$T_TMP/n.txt")
assert_not_contains "his letter does not say his data went to no one" "$recipients" "has not been disclosed to anyone"
assert_contains_text "it lists the copy as given to another participant" "$recipients" \
	"another participant of a recording you are in, in the copy of their own data they asked for"
assert_not_contains "his letter does not name H" "$(cat "$T_TMP/n.txt")" "$H"
assert_not_contains "his export.json does not name H" "$(cat "$J")" "$H"

t_done
