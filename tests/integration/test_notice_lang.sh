#!/bin/bash
# test_notice_lang.sh - the register notice in the policy's languages
# (issue 16): README.txt in the first language and README.<lang>.txt for
# each other on a real mount, with the data sources and safeguards in the
# notice's language, `recctl register --lang` and `recctl request answer
# --lang` (only in a language the policy has), a policy without languages
# unchanged byte for byte, and what `recctl policy check` and `recctl policy
# apply` say of texts and language tags.  A German-first policy with Swedish
# (languages = de sv): README.txt in German and README.sv.txt in Swedish on a
# mount, as `recctl register` prints them, and the answer letter to a
# subject in German and in Swedish with every field filled; a language the
# policy does not have, or the notice cannot be written in, is refused.
# A French-first policy with English (languages = fr, en) naming the CNIL as
# its supervisory authority: README.txt in French and README.en.txt, the
# users = of a level named, and the letters in French and English.
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
assert_contains_text "README.txt gives the safeguard in Finnish" "$fi_text" "suojatoimi: EU-komission mallilausekkeet"
assert_not_contains "README.txt has no English safeguard" "$fi_text" "Commission standard contractual clauses"
assert_contains "README.en.txt gives the data source in English" "$en_text" "Data source:  customer-service telephony"
assert_contains_text "README.en.txt gives the safeguard in English" "$en_text" \
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
	"languages: the notice cannot be written in 'xx' (it knows fi, en, sv, de, fr)" "$RECCTL" policy check "$T_TMP/xx.conf"

# --- a German-first policy with Swedish: languages = de sv -------------------
# The four-level fixture's texts are the German ones (its plain keys); a
# few are given in Swedish, and a data source in both.
awk '/^\[register\]$/ { print; print "languages = de sv"; print "name[sv] = Helpdeskens inspelningar"; next }
	/^description = Helpdesk call quality$/ { print; print "description[sv] = Kvaliteten på helpdesksamtal"; next }
	/^data_source = helpdesk telephony$/ {
		print; print "data_source[de] = Telefonie des Helpdesks"; print "data_source[sv] = helpdeskens telefoni"; next }
	{ print }' "$T_ROOT/tests/fixtures/policy-four-levels.conf" >"$T_TMP/de-sv.conf"
assert_ok "policy check of a policy with languages = de sv passes" "$RECCTL" policy check "$T_TMP/de-sv.conf"
make_register "$T_TMP/d" "$T_TMP/de-sv.conf"
MNT3=$T_TMP/mnt3
mount_recfs "$REG" "$MNT3" "$KEYS/dpo.keyring" || t_abort "mount" "cannot mount the German and Swedish register"
assert_eq "its root holds README.sv.txt and README.txt" "README.sv.txt README.txt" \
	"$(as_user "$nobody" find "$MNT3" -maxdepth 1 -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"
de_text=$(as_user "$nobody" cat "$MNT3/README.txt")
sv_text=$(as_user "$nobody" cat "$MNT3/README.sv.txt")
assert_eq "README.txt is the German notice" "DATENSCHUTZHINWEISE" "$(printf '%s\n' "$de_text" | head -n 1)"
assert_contains_text "README.txt gives a legal basis as the DSGVO words it" "$de_text" \
	"    Rechtsgrundlage:  Einwilligung der betroffenen Person (Art. 6 Abs. 1 lit. a DSGVO)"
assert_contains "README.txt gives periods in German" "$de_text" "    Speicherdauer:    90 Tage ab der Aufzeichnung"
assert_contains "README.txt gives the data source in German" "$de_text" "    Datenquelle:      Telefonie des Helpdesks"
assert_contains "README.txt names the rights in German" "$de_text" "Ihre Rechte"
assert_contains "README.txt names the Finnish authority in German" "$de_text" \
	"Datenschutzbeauftragte, tietosuojavaltuutettu)."
assert_not_contains "README.txt has no English heading" "$de_text" "Your rights"
assert_eq "README.sv.txt is the Swedish notice" "DATASKYDDSBESKRIVNING" "$(printf '%s\n' "$sv_text" | head -n 1)"
assert_contains "README.sv.txt gives the register's name in Swedish" "$sv_text" \
	"Register:                Helpdeskens inspelningar"
assert_contains "README.sv.txt gives a purpose in Swedish" "$sv_text" "    Ändamål:         Kvaliteten på helpdesksamtal"
assert_contains_text "README.sv.txt gives a legal basis as dataskyddsförordningen words it" "$sv_text" \
	"    Rättslig grund:  den registrerades samtycke (artikel 6.1 a i dataskyddsförordningen)"
assert_contains "README.sv.txt gives the data source in Swedish" "$sv_text" "    Datakälla:       helpdeskens telefoni"
assert_contains "README.sv.txt names the rights in Swedish" "$sv_text" "Dina rättigheter"
assert_contains "README.sv.txt names the Finnish authority in Swedish" "$sv_text" \
	"dataombudsmannen, tietosuojavaltuutettu)."
assert_not_contains "README.sv.txt has no English heading" "$sv_text" "Your rights"
assert_not_contains "README.sv.txt has no German" "$sv_text" "Ihre Rechte"
assert_eq "README.txt is what recctl register prints" "$de_text" "$("$RECCTL" register -R "$REG")"
assert_eq "README.sv.txt is what recctl register --lang sv prints" "$sv_text" \
	"$("$RECCTL" register -R "$REG" --lang sv)"
assert_eq "recctl register --lang de is the first language's" "$de_text" "$("$RECCTL" register -R "$REG" --lang de)"
assert_eq "README.sv.txt's size is its length" "$(printf '%s\n' "$sv_text" | wc -c)" "$(stat -c %s "$MNT3/README.sv.txt")"
unmount_recfs "$MNT3"
assert_fails_with "recctl register --lang en names the languages there are" \
	"has no language 'en' (it has de, sv)" "$RECCTL" register -R "$REG" --lang en
assert_fails_with "recctl register --lang xx says recfs has no texts in it, and which it has" \
	"recfs has no notice or letters in 'xx': they are written in fi, en, sv, de, fr only" \
	"$RECCTL" register -R "$REG" --lang xx
assert_fails_with "... and the policy's languages" "has de, sv" "$RECCTL" register -R "$REG" --lang xx

# The letters to a subject of the register, in German and in Swedish.
export RECFS_NOW=2026-06-10T09:00:00Z
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
cat >"$SPOOL/m.json" <<JSON
{"recorded_at": "2026-06-01T10:15:00Z", "source": "helpdesk",
 "subjects": [{"role": "customer", "name": "Erika Mustermann", "phone": "+49 30 1234567"}], "audio": "a.opus"}
JSON
assert_ok "ingest a call of one subject" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/m.json"
H=$("$RECCTL" subject find "+49301234567" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_match "the subject has a handle" "$H" '^S-[0-9A-Z]{6}$'
assert_ok "an access request of the subject" "$RECCTL" request new -R "$REG" --type access --subject "$H" \
	--received 2026-06-05 --channel email
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
TPL=$T_ROOT/packaging/templates
assert_ok "its letter in German is written" "$RECCTL" request answer "$N" -R "$REG" --lang de --templates "$TPL" \
	--out "$T_TMP/answer.de.txt"
de_letter=$(cat "$T_TMP/answer.de.txt")
assert_contains "de: the request" "$de_letter" "Antwort auf Ihren Antrag Nr. $N, eingegangen am 2026-06-05"
assert_contains "de: its type in German" "$de_letter" "(Auskunft über Ihre Daten)"
assert_contains "de: the controller's privacy contact" "$de_letter" "Datenschutzbeauftragter: dpo@example.fi"
assert_contains "de: the purpose and its basis" "$de_letter" \
	"   - Helpdesk call quality (helpdesk);
     Rechtsgrundlage: Vertrag (Art. 6 Abs. 1 lit. b)"
assert_contains "de: the recording, its kind in German" "$de_letter" \
	"   - 2026-06-01 um 10:15 UTC: Anruf (helpdesk), Zweck helpdesk;"
assert_contains "de: the data source in German" "$de_letter" "5. Herkunft der Daten

   - Telefonie des Helpdesks"
assert_contains "de: the Finnish authority with its address" "$de_letter" \
	"Büro des Datenschutzbeauftragten (Tietosuojavaltuutetun toimisto)"
assert_not_contains "de: no placeholder left unfilled" "$de_letter" "{{"
assert_not_contains "de: no placeholder end left" "$de_letter" "}}"
assert_not_contains "de: nothing in English" "$de_letter" "Your rights"
assert_ok "its letter in Swedish is written" "$RECCTL" request answer "$N" -R "$REG" --lang sv --templates "$TPL"
assert_contains "sv: the request" "$T_OUT" "Svar på din begäran nr $N, mottagen 2026-06-05"
assert_contains "sv: the recording, its kind in Swedish" "$T_OUT" "   - 2026-06-01 kl. 10:15 UTC: samtal (helpdesk), ändamål helpdesk;"
assert_contains "sv: the purpose in Swedish" "$T_OUT" "   - Kvaliteten på helpdesksamtal (helpdesk);"
assert_contains "sv: the data source in Swedish" "$T_OUT" "   - helpdeskens telefoni"
assert_not_contains "sv: no placeholder left unfilled" "$T_OUT" "{{"
assert_fails_with "a letter in English is refused: the policy has German and Swedish" \
	"has no language 'en' (it has de, sv)" \
	"$RECCTL" request answer "$N" -R "$REG" --lang en --templates "$TPL"
assert_fails_with "a letter in a language recfs has no texts in is refused, naming those it has" \
	"recfs has no notice or letters in 'xx': they are written in fi, en, sv, de, fr only" \
	"$RECCTL" request answer "$N" -R "$REG" --lang xx --templates "$TPL"
unset RECFS_NOW

# --- a French-first policy with English: languages = fr, en ------------------
# The plain keys are the French texts; English is given for some.  A French
# register: phone_country_code 33 and the CNIL as its authority.
awk '/^\[register\]$/ { print; print "languages = fr, en"; print "name[en] = Helpdesk recordings"
		print "phone_country_code = 33"
		print "supervisory_authority = Commission nationale de l'"'"'informatique et des libertés (CNIL), 3 place de Fontenoy, 75007 Paris"
		print "supervisory_authority[en] = the French data protection authority (CNIL), 3 place de Fontenoy, 75007 Paris, France"
		next }
	/^name = Test helpdesk recordings$/ { print "name = Enregistrements du support"; next }
	/^description = Helpdesk call quality$/ { print "description = Qualité des appels au support"
		print "description[en] = Helpdesk call quality"; next }
	/^data_source = helpdesk telephony$/ {
		print; print "data_source[fr] = téléphonie du support"; next }
	{ print }' "$T_ROOT/tests/fixtures/policy-four-levels.conf" >"$T_TMP/fr-en.conf"
assert_ok "policy check of a policy with languages = fr, en passes" "$RECCTL" policy check "$T_TMP/fr-en.conf"
make_register "$T_TMP/f" "$T_TMP/fr-en.conf"
MNT4=$T_TMP/mnt4
mount_recfs "$REG" "$MNT4" "$KEYS/dpo.keyring" || t_abort "mount" "cannot mount the French and English register"
assert_eq "its root holds README.en.txt and README.txt" "README.en.txt README.txt" \
	"$(as_user "$nobody" find "$MNT4" -maxdepth 1 -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"
fr_text=$(as_user "$nobody" cat "$MNT4/README.txt")
en4_text=$(as_user "$nobody" cat "$MNT4/README.en.txt")
assert_eq "README.txt is the French notice" "INFORMATION SUR LA PROTECTION DES DONNÉES" \
	"$(printf '%s\n' "$fr_text" | head -n 1)"
assert_contains "README.txt gives the register's name in French" "$fr_text" \
	"Registre :                   Enregistrements du support"
assert_contains "README.txt names the controller as the RGPD does" "$fr_text" "Responsable du traitement :  Example Oy"
assert_contains "README.txt gives a purpose in French" "$fr_text" "    Finalité :            Qualité des appels au support"
assert_contains_text "README.txt gives a legal basis as the RGPD words it" "$fr_text" \
	"    Base légale :         consentement de la personne concernée (article 6, paragraphe 1, point a) du RGPD)"
assert_contains "README.txt gives periods in French" "$fr_text" "    Conservation :        90 jours à compter de l'enregistrement"
assert_contains "README.txt gives the data source in French" "$fr_text" "    Source des données :  téléphonie du support"
assert_contains "README.txt counts a level's users" "$fr_text" "staff (groupe recfs-staff)
    Enregistrements des finalités : helpdesk, coaching, survey
    Chats et fichiers partagés des finalités : aucune
    Ainsi que des comptes d'utilisateur individuels : 2"
assert_contains "README.txt says the audio may name people" "$fr_text" "l'audio qu'il
    écoute peut toutefois en contenir."
assert_contains "README.txt names the rights as the RGPD does" "$fr_text" "- Droit à l'effacement (article 17) : "
assert_contains "README.txt names the CNIL the policy gives" "$(printf '%s' "$fr_text" | tr '\n' ' ' | tr -s ' ')" \
	"(l'autorité de contrôle du responsable du traitement : Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, 75007 Paris)."
assert_not_contains "README.txt names no Finnish authority" "$fr_text" "Finlande"
assert_not_contains "README.txt has no English heading" "$fr_text" "Your rights"
assert_not_contains "README.txt has no English level words" "$fr_text" "Recordings of"
assert_not_contains "README.txt has no (null)" "$fr_text" "(null)"
assert_eq "README.en.txt is the English notice" "REGISTER NOTICE" "$(printf '%s\n' "$en4_text" | head -n 1)"
assert_contains "README.en.txt gives the purpose in English" "$en4_text" "    Purpose:      Helpdesk call quality"
assert_contains "README.en.txt counts a level's users" "$en4_text" "    Also individual user accounts: 2"
assert_contains "README.en.txt names the CNIL in English" "$(printf '%s' "$en4_text" | tr '\n' ' ' | tr -s ' ')" \
	"the French data protection authority (CNIL), 3 place de Fontenoy, 75007 Paris, France)."
assert_not_contains "README.en.txt has no French heading" "$en4_text" "Vos droits"
assert_eq "README.txt is what recctl register prints" "$fr_text" "$("$RECCTL" register -R "$REG")"
assert_eq "README.en.txt is what recctl register --lang en prints" "$en4_text" \
	"$("$RECCTL" register -R "$REG" --lang en)"
assert_eq "README.txt's size is its length" "$(printf '%s\n' "$fr_text" | wc -c)" "$(stat -c %s "$MNT4/README.txt")"
unmount_recfs "$MNT4"
assert_fails_with "recctl register --lang de names the languages there are" \
	"has no language 'de' (it has fr, en)" "$RECCTL" register -R "$REG" --lang de

export RECFS_NOW=2026-06-10T09:00:00Z
cat >"$SPOOL/f.json" <<JSON
{"recorded_at": "2026-06-01T10:15:00Z", "source": "helpdesk",
 "subjects": [{"role": "customer", "name": "Marie Dupont", "phone": "01 23 45 67 89"}], "audio": "f.opus"}
JSON
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/f.opus"
assert_ok "ingest a call of one French subject" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/f.json"
H=$("$RECCTL" subject find "+33123456789" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_match "the French subject has a handle" "$H" '^S-[0-9A-Z]{6}$'
assert_ok "an access request of the French subject" "$RECCTL" request new -R "$REG" --type access --subject "$H" \
	--received 2026-06-05 --channel email
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "its letter in French is written" "$RECCTL" request answer "$N" -R "$REG" --lang fr --templates "$TPL" \
	--out "$T_TMP/answer.fr.txt"
fr_letter=$(cat "$T_TMP/answer.fr.txt")
assert_contains "fr: the request" "$fr_letter" "Réponse à votre demande n° $N reçue le 2026-06-05"
assert_contains "fr: its type in French" "$fr_letter" "(accès à vos données)"
assert_contains "fr: the data protection officer" "$fr_letter" "Délégué à la protection des données : dpo@example.fi"
assert_contains "fr: the purpose and its basis" "$fr_letter" \
	"   - Qualité des appels au support (helpdesk) ;
     base légale : contrat (article 6, paragraphe 1, point b))"
assert_contains "fr: the recording, its kind in French" "$fr_letter" \
	"   - 2026-06-01 à 10:15 UTC : appel (helpdesk), finalité helpdesk ;"
assert_contains "fr: the data source in French" "$fr_letter" "5. Origine des données

   - téléphonie du support"
assert_contains "fr: the CNIL the policy names" "$fr_letter" \
	"   Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, 75007 Paris"
assert_not_contains "fr: no Finnish authority" "$fr_letter" "tietosuoja"
assert_not_contains "fr: no placeholder left unfilled" "$fr_letter" "{{"
assert_not_contains "fr: no placeholder end left" "$fr_letter" "}}"
assert_not_contains "fr: nothing in English" "$fr_letter" "Your rights"
assert_not_contains "fr: no (null)" "$fr_letter" "(null)"
assert_ok "its letter in English is written" "$RECCTL" request answer "$N" -R "$REG" --lang en --templates "$TPL"
assert_contains "en: the purpose in English" "$T_OUT" "   - Helpdesk call quality (helpdesk);"
assert_contains "en: the CNIL in English" "$T_OUT" "   the French data protection authority (CNIL)"
assert_fails_with "a letter in Swedish is refused: the policy has French and English" \
	"has no language 'sv' (it has fr, en)" \
	"$RECCTL" request answer "$N" -R "$REG" --lang sv --templates "$TPL"
unset RECFS_NOW

t_done
