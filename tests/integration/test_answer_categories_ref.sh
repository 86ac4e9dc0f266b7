#!/bin/bash
# The answer letter to an access request (Art. 15(1)(b)) lists the
# categories of personal data processed.  A subject card holds a reference
# besides name and contact details (the manifest's "ref": a customer or case
# number; for a Swedish health-advice line, the caller's personal identity
# number 19121212-1212), and the export shows it (subject.json "ref").
# Expected: when the card holds a reference, the letter's categories name
# it, in every language (en "reference number", sv "referensnummer", fi
# "viitenumero", de "Referenznummer", fr "référence"), and only then, as
# the rectification part of the same letters already does ("your customer
# or reference number", "ditt kund- eller referensnummer").
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
# The shipped policy with every language a letter template is shipped in
# (its texts then show the Finnish ones: a warning only).
sed 's/^languages = fi, en$/languages = fi, en, sv, de, fr/' "$POLICY_EXAMPLE" >"$T_TMP/policy.conf"
grep -q '^languages = fi, en, sv, de, fr$' "$T_TMP/policy.conf" || t_abort "policy" "no languages line to extend"
make_register "$T_TMP/a" "$T_TMP/policy.conf"
ingest_call c1 "2026-11-20T10:00:00Z" \
	'{"role": "customer", "name": "Åsa Lindström", "phone": "+46 70 123 45 67", "ref": "19121212-1212"}'
# And one whose card holds no reference: its letter names none.
ingest_call c2 "2026-11-21T10:00:00Z" \
	'{"role": "customer", "name": "Örjan Ödmark", "phone": "+46 70 765 43 21"}'
H=$("$RECCTL" subject find 19121212-1212 -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] || t_abort "data" "no subject by the reference"
H2=$("$RECCTL" subject find "+46 70 765 43 21" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H2" ] && [ "$H2" != "$H" ] || t_abort "data" "no second subject"
"$RECCTL" request new -R "$REG" --type access --subject "$H" --channel post >"$T_TMP/new.out" 2>&1 ||
	t_abort "request new" "$(cat "$T_TMP/new.out")"
"$RECCTL" request new -R "$REG" --type access --subject "$H2" --channel post >"$T_TMP/new2.out" 2>&1 ||
	t_abort "request new" "$(cat "$T_TMP/new2.out")"
TPL=$T_ROOT/packaging/templates
"$RECCTL" subject export "$H" "$T_TMP/exp" -R "$REG" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>&1
assert_contains "the export holds the reference" "$(cat "$T_TMP/exp/$H/subject.json" 2>&1)" "19121212-1212"

for req in 1 2; do
	for lang in en sv fi de fr; do
		"$RECCTL" request answer $req -R "$REG" --lang "$lang" --templates "$TPL" \
			--out "$T_TMP/answer.$lang.$req.txt" >"$T_TMP/answer.out" 2>&1 ||
			t_abort "answer $lang" "$(cat "$T_TMP/answer.out")"
		# The categories: from the heading "2." to the heading "3.".
		sed -n '/^2\. /,/^3\. /p' "$T_TMP/answer.$lang.$req.txt" >"$T_TMP/cat.$lang.$req"
		[ -s "$T_TMP/cat.$lang.$req" ] ||
			t_abort "answer $lang" "no categories section in: $(head -c 600 "$T_TMP/answer.$lang.$req.txt")"
	done
done
# The words of each template's rectification part ("your customer or
# reference number").
assert_match "en: the categories name the reference number" "$(cat "$T_TMP/cat.en.1")" "[Rr]eference"
assert_match "sv: the categories name the reference number" "$(cat "$T_TMP/cat.sv.1")" "[Rr]eferensnummer"
assert_match "fi: the categories name the reference number" "$(cat "$T_TMP/cat.fi.1")" "[Vv]iitenumero"
assert_match "de: the categories name the reference number" "$(cat "$T_TMP/cat.de.1")" "Referenznummer"
assert_match "fr: the categories name the reference number" "$(cat "$T_TMP/cat.fr.1")" "référence"
for lang in en sv fi de fr; do
	if grep -Eq "[Rr]eferen|[Vv]iitenumero|référence" "$T_TMP/cat.$lang.2"; then
		fail "$lang: no reference number in the categories of a card without one" "$(cat "$T_TMP/cat.$lang.2")"
	else
		pass "$lang: no reference number in the categories of a card without one"
	fi
	assert_match "$lang: ... which still lists the name and contact details" "$(cat "$T_TMP/cat.$lang.2")" \
		"(telephone|telefon|puhelin|Telefon|téléphone)"
done
# The reference itself is never in the letter (its categories only).
assert_not_contains "the letter does not quote the reference" "$(cat "$T_TMP"/answer.*.txt)" "19121212"
t_done
