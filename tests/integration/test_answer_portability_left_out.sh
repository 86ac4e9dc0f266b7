#!/bin/bash
# A portability request (Art. 20) answered with its export: the export
# holds only the recordings based on consent or contract, and lists the
# others in LEFT_OUT.txt.  The letter that goes with it lists every
# recording in section 3 and then says "A copy of the personal data
# concerning you ... has been prepared" — it must also say which of the
# recordings it listed are not in that copy (and why), as it does for a
# withheld one, or the person reads the copy as whole (bb13).
. "$(dirname "$0")/lib.sh"

# The shipped policy in all five languages of the templates (the texts it
# gives in fi and en only are read in fi for the others).
sed 's/^languages = fi, en$/languages = fi, en, sv, de, fr/' "$POLICY_EXAMPLE" >"$T_TMP/policy.conf"
grep -q '^languages = fi, en, sv, de, fr$' "$T_TMP/policy.conf" || t_abort "policy" "no languages line to widen"
make_register "$T_TMP" "$T_TMP/policy.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
# One call under contract (quality), one under legitimate interests (training).
ingest_json c1 '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Åsa Öberg", "phone": "+46 70 123 45 67"}], "audio": "c1.opus"}'
ingest_json c2 '{"recorded_at": "2026-11-05T13:30:00Z", "source": "customer-service", "purpose": "training",
 "subjects": [{"role": "customer", "name": "Åsa Öberg", "phone": "+46 70 123 45 67"}], "audio": "c2.opus"}'
H=$(q "SELECT group_concat(DISTINCT handle) FROM link")
assert_match "both calls are one subject's" "$H" '^S-[A-Z0-9]+$'

rc() { "$RECCTL" "$@" -R "$REG"; }
assert_ok "a portability request" rc request new --type portability --subject "$H"
P=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')

for lang in en fi sv de fr; do
	rm -rf "$T_TMP/x-$lang"
	assert_ok "$lang: the portability answer with its export" rc request answer "$P" --lang "$lang" \
		--templates "$TPL" --export "$T_TMP/x-$lang" --level-keyring "$KEYS/privacy.keyring" \
		--out "$T_TMP/answer.$lang.txt"
	assert_eq "$lang: the export holds the contract call alone" "1" \
		"$(jq '.recordings | length' "$T_TMP/x-$lang/$H/export.json")"
	assert_contains "$lang: LEFT_OUT.txt names the training call" \
		"$(cat "$T_TMP/x-$lang/$H/LEFT_OUT.txt")" "2026-11-05T13:30:00Z"
	letter=$(cat "$T_TMP/answer.$lang.txt")
	assert_match "$lang: the letter names Art. 20, the right asked for" "$letter" "(Art\. 20|20 artikla|artikel 20|article 20)\)? ?:"
	assert_contains "$lang: the letter lists the training call" "$letter" "2026-11-05"
	# What the letter says after it names the copy: the training call,
	# listed above it, is not in the copy.
	copy_part=$(printf '%s\n' "$letter" | sed -n '/^6\./,$p')
	assert_contains "$lang: the letter's copy section names the call left out of the copy" \
		"$copy_part" "2026-11-05"
	case $lang in
	en) basis="legitimate interests" ;;
	fi) basis="oikeutettu etu" ;;
	sv) basis="berättigat intresse" ;;
	de) basis="berechtigte Interessen" ;;
	fr) basis="intérêts légitimes" ;;
	esac
	assert_match "$lang: and its legal basis, legitimate interests" "$copy_part" "2026-11-05 .*: .*$basis"
	assert_not_contains "$lang: the contract call is not listed as left out" "$copy_part" "2026-11-02"
done
# The English line in full: the call's day, time and legal basis.
assert_contains "en: the left-out line" "$(cat "$T_TMP/answer.en.txt")" \
	"- 2026-11-05 at 13:30 UTC: legal basis legitimate interests (Art. 6(1)(f))"
# The copy holds the contract call: the letter says its audio is in it.
assert_contains "en: the letter says the copy holds the audio recordings" \
	"$(tr -s ' \n' '  ' <"$T_TMP/answer.en.txt")" "(JSON files and the audio recordings)"

# A controller's own template from before the list still renders, and
# recctl warns that the letter does not say which calls the copy leaves out.
mkdir -p "$T_TMP/tpl"
cp "$TPL"/* "$T_TMP/tpl/"
sed -i '/{{#export_left_out}}/,/{{\/export_left_out}}/d' "$T_TMP/tpl/answer.en.txt"
grep -q export_left_out "$T_TMP/tpl/answer.en.txt" && t_abort "template" "the block is still there"
rm -rf "$T_TMP/x-old"
assert_ok "an old template without the list still renders" rc request answer "$P" --lang en \
	--templates "$T_TMP/tpl" --export "$T_TMP/x-old" --level-keyring "$KEYS/privacy.keyring" \
	--out "$T_TMP/answer.old.txt"
assert_contains "recctl warns that the letter does not list the left-out call" "$T_OUT" \
	"no {{#export_left_out}} list"
assert_file "the old template's letter is written" "$T_TMP/answer.old.txt"

t_done
