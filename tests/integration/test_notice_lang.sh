#!/bin/bash
# test_notice_lang.sh - the register notice in the policy's languages
# (issue 16): README.txt in the first language and README.<lang>.txt for
# each other on a real mount, with the data sources and safeguards in the
# notice's language, `recctl register --lang` and `recctl request answer
# --lang` (only in a language the policy has), a policy without languages
# unchanged byte for byte, and what `recctl policy check` and `recctl policy
# apply` say of texts and language tags.
. "$(dirname "$0")/lib.sh"

GOLDEN=$T_ROOT/tests/fixtures/notice-four-levels.txt

# --- the shipped policy: Finnish first, English second ----------------------
make_register "$T_TMP/a"
nobody=$(make_plain_user nolevel)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

assert_eq "the root holds README.en.txt and README.txt" "README.en.txt README.txt" \
	"$(as_user "$nobody" find "$MNT" -maxdepth 1 -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"
fi_text=$(as_user "$nobody" cat "$MNT/README.txt")
en_text=$(as_user "$nobody" cat "$MNT/README.en.txt")
assert_eq "README.txt is the Finnish notice" "TIETOSUOJASELOSTE" "$(printf '%s\n' "$fi_text" | head -n 1)"
assert_contains "README.txt names the rights in Finnish" "$fi_text" "Rekisteröidyn oikeudet"
assert_contains "README.txt says access is free as a rule" "$fi_text" "lähtökohtaisesti maksutonta"
assert_not_contains "README.txt has no English heading" "$fi_text" "Your rights"
assert_eq "README.en.txt is the English notice" "REGISTER NOTICE" "$(printf '%s\n' "$en_text" | head -n 1)"
assert_contains "README.en.txt gives the purposes in English" "$en_text" \
	"Purpose:      Assuring and developing the quality of customer service"
assert_contains "README.en.txt lists the authorities by kind" "$en_text" "Authorities (disclosures required by law):"
assert_not_contains "README.en.txt has no Finnish heading" "$en_text" "Rekisteröidyn oikeudet"
assert_contains "README.txt gives the data source in Finnish" "$fi_text" "Tietolähde:   asiakaspalveluun soitettu puhelu"
assert_not_contains "README.txt has no English data source" "$fi_text" "customer-service telephony"
assert_contains "README.txt gives the safeguard in Finnish" "$fi_text" "suojatoimi: EU-komission mallilausekkeet"
assert_not_contains "README.txt has no English safeguard" "$fi_text" "Commission standard contractual clauses"
assert_contains "README.en.txt gives the data source in English" "$en_text" "Data source:  customer-service telephony"
assert_contains "README.en.txt gives the safeguard in English" "$en_text" \
	"safeguard: EU SCCs 2021/914 (Commission standard contractual clauses)"
assert_eq "README.txt is what recctl register prints" "$fi_text" "$("$RECCTL" register -R "$REG")"
assert_eq "README.en.txt is what recctl register --lang en prints" "$en_text" \
	"$("$RECCTL" register -R "$REG" --lang en)"
assert_eq "recctl register --lang fi is the first language's" "$fi_text" "$("$RECCTL" register -R "$REG" --lang fi)"
assert_eq "README.en.txt's size is its length" "$(printf '%s\n' "$en_text" | wc -c)" "$(stat -c %s "$MNT/README.en.txt")"
assert_mode "README.en.txt is read-only for everyone" 444 "$MNT/README.en.txt"
assert_fails_with "README.en.txt cannot be removed" "Read-only file system" rm -f "$MNT/README.en.txt"
assert_fails_with "README.en.txt cannot be written" "Read-only file system" sh -c "echo x >>'$MNT/README.en.txt'"
assert_fails_with "recctl register --lang sv names the languages there are" \
	"has no language 'sv' (it has fi, en)" "$RECCTL" register -R "$REG" --lang sv
unmount_recfs "$MNT"

# --- a policy without languages: as before, byte for byte ---------------------
make_register "$T_TMP/b" "$T_ROOT/tests/fixtures/policy-four-levels.conf"
"$RECCTL" register -R "$REG" >"$T_TMP/four.txt"
if cmp -s "$GOLDEN" "$T_TMP/four.txt"; then
	pass "recctl register of a policy without languages is unchanged"
else
	fail "recctl register of a policy without languages is unchanged" "$(diff "$GOLDEN" "$T_TMP/four.txt" | head -n 20)"
fi
MNT2=$T_TMP/mnt2
mount_recfs "$REG" "$MNT2" "$KEYS/dpo.keyring" || t_abort "mount" "cannot mount the four-level register"
assert_eq "its root holds README.txt only" "README.txt" \
	"$(as_user "$nobody" find "$MNT2" -maxdepth 1 -type f -printf '%f\n')"
if as_user "$nobody" cat "$MNT2/README.txt" | cmp -s "$GOLDEN" -; then
	pass "its README.txt is unchanged"
else
	fail "its README.txt is unchanged" "$(as_user "$nobody" cat "$MNT2/README.txt" | diff "$GOLDEN" - | head -n 20)"
fi
unmount_recfs "$MNT2"
# A letter quotes the policy's texts: none in a language it has not.
echo "Jane Doe, jane@example.org" >"$T_TMP/requester.txt"
assert_ok "a request in the register without languages" "$RECCTL" request new -R "$REG" --type access \
	--requester-file "$T_TMP/requester.txt"
assert_fails_with "its letter in Finnish is refused: the policy has English only" \
	"has no language 'fi' (it has en)" \
	"$RECCTL" request answer 1 -R "$REG" --lang fi --templates "$T_ROOT/packaging/templates"
assert_ok "its letter in English is written" "$RECCTL" request answer 1 -R "$REG" --lang en \
	--templates "$T_ROOT/packaging/templates"
assert_contains "in English" "$T_OUT" "Answer to your request no. 1"

# --- policy check: missing texts warn, bad tags are errors --------------------
awk '/^description\[en\] = Training of customer-service staff/ { next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/warn.conf"
line=$(awk '/^\[purpose training\]/ { s = 1 } s && /^description = / { print NR; exit }' "$T_TMP/warn.conf")
assert_ok "policy check of a policy with a text missing in English passes" "$RECCTL" policy check "$T_TMP/warn.conf"
assert_contains "and warns at the text's line" "$T_OUT" \
	"warning: $T_TMP/warn.conf:$line: [purpose training] has no 'description' text in language en"
assert_ok "policy check of the shipped policy" "$RECCTL" policy check "$POLICY_EXAMPLE"
assert_not_contains "warns of no missing text" "$T_OUT" "text in language"
make_register "$T_TMP/c"
assert_ok "policy apply of a policy with a text missing in English passes" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/warn.conf" --keyrings "$KEYS"
assert_contains "and warns at the text's line, as policy check does" "$T_OUT" \
	"warning: $T_TMP/warn.conf:$line: [purpose training] has no 'description' text in language en"
assert_contains "the English notice then shows the Finnish text" "$("$RECCTL" register -R "$REG" --lang en)" \
	"Purpose:      Asiakaspalveluhenkilöstön koulutus"
assert_ok "policy apply of the shipped policy" "$RECCTL" policy apply -R "$REG" "$POLICY_EXAMPLE" --keyrings "$KEYS"
assert_not_contains "warns of no missing text" "$T_OUT" "text in language"

awk '/^\[purpose training\]/ { print; print "description[sv] = Utbildning"; print "description[EN] = x"; next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/bad.conf"
line=$(grep -n '^description\[sv\]' "$T_TMP/bad.conf" | cut -d: -f1)
assert_fails_with "policy check: a language the policy does not name is an error at its line" \
	"bad.conf:$line: 'description[sv]': language 'sv' is not in [register] languages (fi, en)" \
	"$RECCTL" policy check "$T_TMP/bad.conf"
assert_contains "policy check: a malformed tag is an error at its line" "$T_OUT" \
	"bad.conf:$((line + 1)): bad language tag in 'description[EN]'"
sed 's/^languages = fi, en$/languages = fi, xx/' "$POLICY_EXAMPLE" >"$T_TMP/xx.conf"
assert_fails_with "policy check: a language the notice cannot be written in is an error naming those it can" \
	"languages: the notice cannot be written in 'xx' (it knows fi, en, sv, de)" "$RECCTL" policy check "$T_TMP/xx.conf"

t_done
