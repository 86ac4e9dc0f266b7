#!/bin/bash
# A meeting of three customers.  Märta asks for a copy of her own data
# (recctl subject export, no --recipient: to the data subject), which
# holds the meeting, Per-Olof's voice too.  Per-Olof never asked for
# anything.  His export.json must not say that the meeting was exported
# to "data-subject" (to him) at the time of Märta's export, and his access
# letter, which reads the same entries (audit_each_about_subject), must
# not say his data went to no one outside the controller while his
# export.json lists a disclosure of the meeting.  Neither may name Märta
# (atk39).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
# The shipped policy in all five languages of the templates.
sed 's/^languages = fi, en$/languages = fi, en, sv, de, fr/' "$POLICY_EXAMPLE" >"$T_TMP/policy.conf"
grep -q '^languages = fi, en, sv, de, fr$' "$T_TMP/policy.conf" || t_abort "policy" "no languages line to widen"
make_register "$T_TMP" "$T_TMP/policy.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
PK=$KEYS/privacy.keyring
ingest_json m1 '{"recorded_at": "2026-11-24T14:00:00Z", "source": "customer-meetings",
 "title": "Vindpark Ängsö", "subjects": [
  {"role": "participant", "name": "Per-Olof Ängström", "phone": "+358 40 555 0101"},
  {"role": "participant", "name": "Märta Lindqvist", "phone": "+358 40 555 0202"},
  {"role": "participant", "name": "Kalle Virtanen", "phone": "+358 40 555 0303"}],
 "audio": "m1.opus"}'
RID=$(q "SELECT id FROM recording")
rc() { "$RECCTL" "$@" -R "$REG"; }
who() { rc subject find "$1" --level-keyring "$PK" 2>/dev/null | grep -o 'S-[0-9A-Z]*' | head -n 1; }
A=$(who "Per-Olof Ängström")
B=$(who "Märta Lindqvist")
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] || t_abort "subjects" "two subjects expected: '$A' '$B'"

assert_ok "Märta gets a copy of her own data" rc subject export "$B" "$T_TMP/to-b" --level-keyring "$PK"
assert_ok "Per-Olof asks for access" rc request new --type access --subject "$A"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer with its export" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/x" --level-keyring "$PK" --out "$T_TMP/answer.txt"
J=$T_TMP/x/$A/export.json
assert_eq "his export.json does not say the meeting went to him (he asked for nothing before)" "0" \
	"$(jq '[.disclosures[]? | select(.recipient == "data-subject")] | length' "$J")"
n=$(jq '.disclosures | length' "$J")
recipients=$(sed -n '/^4\./,/^5\./p' "$T_TMP/answer.txt")
if [ "$n" != 0 ]; then
	assert_not_contains "his letter does not say his data went to no one while export.json lists $n disclosure(s)" \
		"$recipients" "has not been disclosed to anyone"
fi
assert_eq "his export.json says the meeting went to another participant" "1" \
	"$(jq '[.disclosures[]? | select(.recipient == "another-participant")] | length' "$J")"
assert_contains_text "his letter lists it as a disclosure to another participant, with the day" "$recipients" \
	"another participant of a recording you are in, in the copy of their own data they asked for: $(date -u +%F)"
assert_not_contains "his letter does not name Märta's handle" "$(cat "$T_TMP/answer.txt")" "$B"
assert_not_contains "his export.json does not name Märta's handle" "$(cat "$J")" "$B"
for lang in fi sv de fr; do
	assert_ok "$lang: the letter is written" rc request answer "$N" --lang "$lang" --templates "$TPL" \
		--out "$T_TMP/answer.$lang.txt"
	assert_not_contains "$lang: it does not name Märta's handle" "$(cat "$T_TMP/answer.$lang.txt")" "$B"
	assert_contains "$lang: it gives the day of the disclosure" "$(cat "$T_TMP/answer.$lang.txt")" "$(date -u +%F)"
done

t_done
