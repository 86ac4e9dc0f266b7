#!/bin/bash
# A municipality's register (black-box report bb8): its recordings rest on
# a public task (Art. 6(1)(e)), and Art. 21(1) gives the data subject the
# right to object to processing based on Art. 6(1)(e) or (f).  The
# register notice says so ("Objection (Art. 21): to object to processing
# based on legitimate interests or a public task"), and recctl subject
# object takes an objection to a public-task purpose.  The answer
# letter's "Your rights" part must say the same, in every language a
# letter is shipped in; it named legitimate interests alone, so a citizen
# whose calls all rest on a public task was told of an objection right
# that does not reach them, and not of the one that does.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
# The shipped policy, its customer-service calls on a public task, with
# every language a letter template is shipped in.
sed -e 's/^languages = fi, en$/languages = fi, en, sv, de, fr/' \
	-e '184s/^legal_basis = contract$/legal_basis = public_task/' "$POLICY_EXAMPLE" >"$T_TMP/policy.conf"
grep -q '^legal_basis = public_task$' "$T_TMP/policy.conf" || t_abort "policy" "no basis to change"
make_register "$T_TMP/a" "$T_TMP/policy.conf"
ingest_call c1 "2026-11-20T10:00:00Z" \
	'{"role": "customer", "name": "Jan van der Berg", "phone": "+31 6 12345678"}'
H=$("$RECCTL" subject find "+31 6 12345678" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] || t_abort "data" "no subject by the phone number"

# The notice already says it.
assert_contains_text "the notice names the objection to a public task" \
	"$("$RECCTL" register -R "$REG" --lang en 2>&1)" "legitimate interests or a public task"
"$RECCTL" subject object "$H" --purpose quality -R "$REG" >"$T_TMP/object.out" 2>&1
assert_contains "an objection to the public-task purpose is taken" "$(cat "$T_TMP/object.out")" "objection recorded"

"$RECCTL" request new -R "$REG" --type access --subject "$H" --channel post >"$T_TMP/new.out" 2>&1 ||
	t_abort "request new" "$(cat "$T_TMP/new.out")"
TPL=$T_ROOT/packaging/templates
# The words each shipped letter uses for a public task in its list of
# purposes (Art. 6(1)(e)), looked for in its part on the data subject's
# rights: the paragraph after its heading (the next one is on the complaint).
declare -A RIGHTS=([en]="Your rights" [de]="Ihre Rechte" [sv]="Dina rättigheter" [fi]="Oikeutenne" [fr]="Vos droits")
declare -A PUBLIC=([en]="public task" [de]="öffentlich" [sv]="allmänt intresse" [fi]="yleisen edun" [fr]="intérêt public")
for lang in en de sv fi fr; do
	"$RECCTL" request answer 1 -R "$REG" --lang "$lang" --templates "$TPL" --out "$T_TMP/letter.$lang" \
		>"$T_TMP/answer.$lang.out" 2>&1 || { fail "letter $lang" "$(cat "$T_TMP/answer.$lang.out")"; continue; }
	part=$(awk -v h="${RIGHTS[$lang]}" 'index($0, h) == 1 { on = 1 } on && /^$/ && ++blank == 2 { exit } on' \
		"$T_TMP/letter.$lang" | tr '\n' ' ')
	[ -n "$part" ] || { fail "letter $lang" "no rights part headed '${RIGHTS[$lang]}'"; continue; }
	assert_contains_text "the $lang letter's rights part names the objection to a public task" \
		"$part" "${PUBLIC[$lang]}"
done

t_done
