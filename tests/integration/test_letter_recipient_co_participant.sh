#!/bin/bash
# A meeting of two customers is disclosed to an authority as part of one
# participant's export (recctl subject export B --recipient authorities):
# the audio, the title and the other participant's handle go to the
# authority.  The other participant's access letter (Art. 15(1)(c)) must
# name that recipient, and their export's disclosures too; it must not say
# their data was disclosed to no one (bb13).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
make_register "$T_TMP"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
ingest_json m1 '{"recorded_at": "2026-11-24T14:00:00Z", "source": "customer-meetings",
 "title": "Vindpark Ängsö", "subjects": [
  {"role": "participant", "name": "Per-Olof Ängström", "phone": "+358 40 555 0101"},
  {"role": "participant", "name": "Märta Lindqvist", "phone": "+358 40 555 0202"}],
 "audio": "m1.opus"}'
RID=$(q "SELECT id FROM recording")
A=$(q "SELECT handle FROM link WHERE recording = '$RID' ORDER BY handle LIMIT 1")
B=$(q "SELECT handle FROM link WHERE recording = '$RID' AND handle != '$A'")
[ -n "$A" ] && [ -n "$B" ] || t_abort "subjects" "the meeting does not name two subjects"

rc() { "$RECCTL" "$@" -R "$REG"; }
assert_ok "B's data goes to the authorities" rc subject export "$B" "$T_TMP/to-auth" --recipient authorities \
	--level-keyring "$KEYS/privacy.keyring"
assert_file "the meeting's audio is in what the authorities got" \
	"$(ls "$T_TMP"/to-auth/"$B"/*.opus 2>/dev/null | head -n 1)"

assert_ok "A asks for access" rc request new --type access --subject "$A"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer with its export" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/x" --level-keyring "$KEYS/privacy.keyring" --out "$T_TMP/answer.txt"
recipients=$(sed -n '/^4\./,/^5\./p' "$T_TMP/answer.txt")
assert_not_contains "A's letter does not say A's data went to no one" "$recipients" "has not been disclosed"
assert_contains "A's letter names the authorities as a recipient" "$recipients" \
	"Authorities to which the law requires"
assert_not_contains "A's letter does not name the other participant" "$(cat "$T_TMP/answer.txt")" "$B"
assert_not_contains "A's letter does not name the other participant's name" "$(cat "$T_TMP/answer.txt")" "Lindqvist"
assert_eq "A's export lists the disclosure" "1" \
	"$(jq '[.disclosures[]? | select(.recipient == "authorities")] | length' "$T_TMP/x/$A/export.json")"

t_done
