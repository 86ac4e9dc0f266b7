#!/bin/bash
# Black-box report bb10 (finding 5): a statutory health insurer records
# hotline calls and case conferences that hold health data, a special
# category of personal data (GDPR Art. 9(1)).  Processing it needs, beside
# a legal basis of Art. 6(1), a condition of Art. 9(2), and the register
# notice and the answer letters must name both.  The policy says so with
# special_categories and special_condition on a purpose (recfs-policy(5)):
# `recctl policy check` refuses the one without the other, an unknown
# word, and explicit consent (Art. 9(2)(a)) on a purpose one of whose
# bases is not consent, each at its line; `recctl policy apply` adds them
# to a register with recordings and reseals nothing, and refuses explicit
# consent for a purpose with a recording on another basis; the notice on the
# mount names the categories and the condition in each of the policy's
# five languages, under the purpose's legal basis and for that purpose
# only; the access letter names them beside the legal basis of the
# purposes of the requester's recordings and lists the special categories
# among the categories of data (Art. 15(1)(b)), in each of the five
# languages a letter is shipped in.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

# The policy; $1 is what the hotline purpose says beyond its basis, $2
# what the case conferences say.
policy()
{
	cat <<EOF
[register]
languages = de, en, fi, sv, fr
name = Aufzeichnungen der Service-Hotline und der Fachkonferenzen
name[en] = Recordings of the service hotline and of case conferences
controller = Beispiel-Krankenkasse KdöR, Hauptstraße 1, 10115 Berlin
contact = +49 30 000 000
privacy_contact = datenschutz@kk.example.de
details_level = datenschutz
phone_country_code = 49
supervisory_authority = Der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit, Bonn

[level sachbearbeitung]
group = recfs-sachbearbeitung

[level datenschutz]
group = recfs-datenschutz
rights = yes

[purpose hotline]
description = Beratung der Versicherten an der Service-Hotline
description[en] = Advising the insured on the service hotline
legal_basis = consent
min_level = sachbearbeitung
retention = 12m
$1
[purpose begutachtung]
description = Fachkonferenzen mit dem Medizinischen Dienst
description[en] = Case conferences with the medical service
legal_basis = legal_obligation
allowed_bases = consent
min_level = sachbearbeitung
retention = 3y
$2
[purpose quality]
description = Qualitätssicherung der Service-Hotline
description[en] = Quality assurance of the service hotline
legal_basis = legitimate_interests
min_level = sachbearbeitung
retention = 6m

[source hotline]
kind = call
purpose = hotline
data_source = Service-Hotline
data_source[en] = service hotline
EOF
}
HOT=$'special_categories = health\nspecial_condition = explicit_consent'
MD=$'special_categories = health, genetic\nspecial_condition = health_or_social_care'
policy "" "" >"$T_TMP/p0.conf"
policy "$HOT" "$MD" >"$T_TMP/p1.conf"
# What $1 says starts at line 25; with two lines there, the conferences'
# legal_basis is at line 30, their allowed_bases at 31 and what $2 says
# starts at 34.

# --- what policy check refuses ---------------------------------------------
# check_refused NAME FILE MESSAGE: exit status 1, and MESSAGE on stderr.
check_refused()
{
	local rc
	"$RECCTL" policy check "$2" >"$T_TMP/check.out" 2>"$T_TMP/check.err"
	rc=$?
	assert_eq "$1: exit status" 1 "$rc"
	assert_contains "$1: the message" "$(cat "$T_TMP/check.err")" "$3"
}
policy $'special_categories = health' "" >"$T_TMP/bad1.conf"
check_refused "special categories without a condition" "$T_TMP/bad1.conf" \
	"bad1.conf:25: [purpose hotline] names special_categories but no special_condition"
policy $'special_condition = explicit_consent' "" >"$T_TMP/bad2.conf"
check_refused "a condition without special categories" "$T_TMP/bad2.conf" \
	"bad2.conf:25: [purpose hotline] gives special_condition but no special_categories"
policy $'special_categories = health, medical\nspecial_condition = consent' "" >"$T_TMP/bad3.conf"
check_refused "an unknown category" "$T_TMP/bad3.conf" \
	"bad3.conf:25: special_categories: 'medical' is not one of racial_or_ethnic_origin, political_opinions,"
check_refused "an unknown condition" "$T_TMP/bad3.conf" \
	"bad3.conf:26: special_condition 'consent' is not one of explicit_consent, employment_social_security,"
policy "$HOT" $'special_categories = health\nspecial_condition = explicit_consent' >"$T_TMP/bad4.conf"
check_refused "explicit consent on a purpose on a legal obligation" "$T_TMP/bad4.conf" \
	"bad4.conf:35: special_condition explicit_consent in [purpose begutachtung] needs legal_basis consent (line 30), not legal_obligation"
policy "$HOT"$'\nallowed_bases = contract' "" >"$T_TMP/bad5.conf"
check_refused "explicit consent on a purpose that allows a contract" "$T_TMP/bad5.conf" \
	"bad5.conf:26: special_condition explicit_consent in [purpose hotline] allows no basis but consent: allowed_bases (line 27) names contract"
assert_ok "the insurer's policy passes" "$RECCTL" policy check "$T_TMP/p1.conf"

# --- a register with recordings, then the keys --------------------------------
make_register "$T_TMP/a" "$T_TMP/p0.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ANNA='{"role": "customer", "name": "Anna Schäfer", "phone": "+49 171 2345678"}'
ingest_json c1 "{\"recorded_at\": \"2026-11-20T09:00:00Z\", \"source\": \"hotline\", \"subjects\": [$ANNA], \"audio\": \"c1.opus\"}"
ingest_json c2 "{\"recorded_at\": \"2026-11-21T09:00:00Z\", \"source\": \"hotline\", \"purpose\": \"begutachtung\",
 \"subjects\": [$ANNA], \"audio\": \"c2.opus\"}"
ingest_json c3 "{\"recorded_at\": \"2026-11-22T09:00:00Z\", \"source\": \"hotline\", \"purpose\": \"quality\",
 \"subjects\": [$ANNA], \"audio\": \"c3.opus\"}"
H=$(handle_of "$(id_at 2026-11-20T09:00:00Z)")
[ -n "$H" ] || t_abort "data" "no subject for the first call"
assert_ok "the keys are applied to a register with recordings" "$RECCTL" policy apply "$T_TMP/p1.conf" -R "$REG" \
	--keyring "$KEYS/datenschutz.keyring" --keyrings "$KEYS" --no-passphrase
assert_contains "... and reseal nothing" "$T_OUT" "0 recordings and subject cards resealed (seals +0 -0)"
# The case conferences put on explicit consent alone: their recording on
# a legal obligation would be said to rest on a consent.
policy "$HOT" $'special_categories = health\nspecial_condition = explicit_consent' |
	sed -e '30s/^legal_basis = legal_obligation$/legal_basis = consent/' -e '31{/^allowed_bases = consent$/d}' \
		>"$T_TMP/p2.conf"
assert_ok "explicit consent with consent as the only basis passes check" "$RECCTL" policy check "$T_TMP/p2.conf"
assert_fails_with "... but apply refuses it while a recording rests on a legal obligation" \
	"purpose begutachtung has special_condition explicit_consent, but recording $(id_at 2026-11-21T09:00:00Z) of it rests on legal_obligation" \
	"$RECCTL" policy apply "$T_TMP/p2.conf" -R "$REG" --keyring "$KEYS/datenschutz.keyring" --keyrings "$KEYS" \
	--no-passphrase

# --- the notice on the mount, in each language ----------------------------------
nobody=$(make_plain_user nolevel)
MNT=$T_TMP/mnt
mount_recfs "$REG" "$MNT" "$KEYS/sachbearbeitung.keyring" "$KEYS/datenschutz.keyring" ||
	t_abort "mount" "cannot mount"
# --- the attributes of each recording -----------------------------------------
# Any level that sees a recording sees its purpose's special categories
# and their condition beside its legal basis, as the policy words them;
# a purpose that names none has neither; neither is a caller's to set.
clerk=$(make_level_user sachbearbeitung)
# rec_path DATE: the .opus of the recording made at DATE, on the mount.
rec_path() { as_user "$clerk" find "$MNT/by-date" -name "*_$(id_at "$1" | cut -c1-8).opus" | head -n 1; }
c1=$(rec_path 2026-11-20T09:00:00Z)
c2=$(rec_path 2026-11-21T09:00:00Z)
c3=$(rec_path 2026-11-22T09:00:00Z)
[ -n "$c1" ] && [ -n "$c2" ] && [ -n "$c3" ] || t_abort "mount" "the three calls are not all on the mount"
# xa USER PATH NAME: the attribute's value, as getfattr gives it.
xa() { as_user "$1" getfattr --absolute-names --only-values -n "$3" "$2" 2>&1; }
assert_eq "the hotline's call: its special categories" "health" "$(xa "$clerk" "$c1" user.gdpr.special_categories)"
assert_eq "... and their condition" "explicit_consent" "$(xa "$clerk" "$c1" user.gdpr.special_condition)"
assert_eq "a conference: two categories, in the policy's order" "genetic,health" \
	"$(xa "$clerk" "$c2" user.gdpr.special_categories)"
assert_eq "... and their condition" "health_or_social_care" "$(xa "$clerk" "$c2" user.gdpr.special_condition)"
x=$(as_user "$clerk" getfattr -d --absolute-names "$c3" 2>&1)
assert_contains "quality assurance: its other attributes are listed" "$x" 'user.gdpr.legal_basis="legitimate_interests"'
assert_not_contains "... and no special categories" "$x" "special_"
assert_contains "... asked for them: no such attribute" "$(xa "$clerk" "$c3" user.gdpr.special_categories)" \
	"No such attribute"
x=$(as_user "$clerk" getfattr -d --absolute-names "$c1" 2>&1)
assert_contains "getfattr -d lists the categories" "$x" 'user.gdpr.special_categories="health"'
assert_contains "... and the condition" "$x" 'user.gdpr.special_condition="explicit_consent"'
dpo=$(make_level_user datenschutz)
for who in "$clerk:the clerk" "$dpo:the privacy officer"; do
	u=${who%%:*}
	assert_contains "${who#*:}'s setfattr of the categories is refused" \
		"$(as_user "$u" setfattr -n user.gdpr.special_categories -v none "$c1" 2>&1)" "Operation not permitted"
	assert_contains "${who#*:}'s removal of the condition is refused" \
		"$(as_user "$u" setfattr -x user.gdpr.special_condition "$c1" 2>&1)" "Operation not permitted"
done
assert_eq "... and the categories are as they were" "health" "$(xa "$clerk" "$c1" user.gdpr.special_categories)"
assert_contains "a user of no level sees no recording at all" "$(as_user "$nobody" getfattr -n user.gdpr.purpose \
	"$c1" 2>&1)" "No such file"

declare -A FILE=([de]=README.txt [en]=README.en.txt [fi]=README.fi.txt [sv]=README.sv.txt [fr]=README.fr.txt)
declare -A HEALTH=([de]="Gesundheitsdaten (besondere Kategorien personenbezogener Daten, Art. 9 Abs. 1 DSGVO)"
	[en]="health data (special categories of personal data, GDPR Art. 9(1))"
	[fi]="terveystiedot (erityiset henkilötietoryhmät, tietosuoja-asetuksen 9 artiklan 1 kohta)"
	[sv]="hälsouppgifter (särskilda kategorier av personuppgifter, artikel 9.1 i dataskyddsförordningen)"
	[fr]="données de santé (catégories particulières de données à caractère personnel, article 9, paragraphe 1, du RGPD)")
declare -A GENETIC=([de]="genetische Daten, Gesundheitsdaten" [en]="genetic data, health data"
	[fi]="geneettiset tiedot, terveystiedot" [sv]="genetiska uppgifter, hälsouppgifter"
	[fr]="données génétiques, données de santé")
declare -A EXPLICIT=([de]="ausdrückliche Einwilligung der betroffenen Person (Art. 9 Abs. 2 lit. a DSGVO)"
	[en]="explicit consent of the data subject (GDPR Art. 9(2)(a))"
	[fi]="rekisteröidyn nimenomainen suostumus (tietosuoja-asetuksen 9 artiklan 2 kohdan a alakohta)"
	[sv]="den registrerades uttryckliga samtycke (artikel 9.2 a i dataskyddsförordningen)"
	[fr]="consentement explicite de la personne concernée (article 9, paragraphe 2, point a) du RGPD)")
declare -A CARE=([de]="(Art. 9 Abs. 2 lit. h DSGVO)" [en]="(GDPR Art. 9(2)(h))"
	[fi]="(tietosuoja-asetuksen 9 artiklan 2 kohdan h alakohta)" [sv]="(artikel 9.2 h i dataskyddsförordningen)"
	[fr]="(article 9, paragraphe 2, point h) du RGPD)")
for lang in de en fi sv fr; do
	text=$(as_user "$nobody" cat "$MNT/${FILE[$lang]}" 2>&1)
	# A purpose's part of the notice: from its name to the empty line.
	part() { printf '%s\n' "$text" | awk -v p="$1" '$0 == p { on = 1 } on && /^$/ { exit } on'; }
	assert_contains_text "${FILE[$lang]}: the hotline names health data" "$(part hotline)" "${HEALTH[$lang]}"
	assert_contains_text "${FILE[$lang]}: ... and explicit consent" "$(part hotline)" "${EXPLICIT[$lang]}"
	assert_contains_text "${FILE[$lang]}: the conferences name genetic and health data" "$(part begutachtung)" \
		"${GENETIC[$lang]}"
	assert_contains_text "${FILE[$lang]}: ... and health or social care" "$(part begutachtung)" "${CARE[$lang]}"
	assert_not_contains "${FILE[$lang]}: quality assurance cites no Art. 9" "$(part quality | tr '\n' ' ')" "9"
done
unmount_recfs "$MNT"
# Each refused change of the two attributes is in the audit log, with the
# user, the recording and its errno (read once the mount has exited).
ID1=$(id_at 2026-11-20T09:00:00Z)
refusals()
{
	"$RECCTL" audit show -R "$REG" --user "$1" --json 2>/dev/null |
		jq -r --arg id "$ID1" '.[] | select(.object == $id and .outcome == "refused") | .action + " " + (.reason // "")'
}
for who in "$clerk:the clerk" "$dpo:the privacy officer"; do
	r=$(refusals "${who%%:*}")
	assert_contains "${who#*:}'s refused setfattr is logged with EPERM" "$r" "setxattr EPERM"
	assert_contains "... and the refused removal" "$r" "removexattr EPERM"
done

# --- the access letter -------------------------------------------------------
assert_ok "her access request" "$RECCTL" request new -R "$REG" --type access --subject "$H" --channel post
TPL=$T_ROOT/packaging/templates
for lang in en de fi sv fr; do
	assert_ok "the $lang letter" "$RECCTL" request answer 1 -R "$REG" --lang "$lang" --templates "$TPL" \
		--out "$T_TMP/letter.$lang"
done
en=$(cat "$T_TMP/letter.en" 2>/dev/null)
de=$(cat "$T_TMP/letter.de" 2>/dev/null)
assert_contains "en: the hotline's basis and its condition" "$en" \
	"(hotline);
     legal basis: consent (Art. 6(1)(a));
     special categories of personal data (Art. 9(1)): health data;
     condition for processing them: explicit consent (Art. 9(2)(a))"
assert_contains "en: the conferences' basis and theirs" "$en" \
	"(begutachtung);
     legal basis: legal obligation (Art. 6(1)(c));
     special categories of personal data (Art. 9(1)): genetic data, health data;
     condition for processing them: health or social care (Art. 9(2)(h))"
assert_contains "en: quality assurance names none" "$en" \
	"(quality);
     legal basis: legitimate interests (Art. 6(1)(f))
"
assert_contains "en: health data among the categories of data" "$en" \
	"   - health data (a special category of personal data, Art. 9(1))"
assert_contains "en: ... and genetic data" "$en" \
	"   - genetic data (a special category of personal data, Art. 9(1))"
assert_contains "de: the hotline's basis and its condition" "$de" \
	"(hotline);
     Rechtsgrundlage: Einwilligung (Art. 6 Abs. 1 lit. a);
     besondere Kategorien personenbezogener Daten (Art. 9 Abs. 1): Gesundheitsdaten;
     Erlaubnisgrund für ihre Verarbeitung: ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a)"
assert_contains "de: the conferences' condition" "$de" \
	"Erlaubnisgrund für ihre Verarbeitung: Gesundheits- oder Sozialversorgung (Art. 9 Abs. 2 lit. h)"
assert_contains "de: Gesundheitsdaten among the categories of data" "$de" \
	"   - Gesundheitsdaten (eine besondere Kategorie personenbezogener Daten, Art. 9 Abs. 1)"
# The other three letters: health data among the categories, and the
# hotline's condition.
declare -A CATEGORY=([fi]="   - terveystiedot (erityinen henkilötietoryhmä, 9 artiklan 1 kohta)"
	[sv]="   - hälsouppgifter (en särskild kategori av personuppgifter, artikel 9.1)"
	[fr]="   - données de santé (catégorie particulière de données à caractère personnel, article 9, paragraphe 1)")
declare -A CONSENT=([fi]="nimenomainen suostumus (9 artiklan 2 kohdan a alakohta)"
	[sv]="uttryckligt samtycke (artikel 9.2 a)" [fr]="consentement explicite (article 9, paragraphe 2, point a))")
for lang in fi sv fr; do
	letter=$(cat "$T_TMP/letter.$lang" 2>/dev/null)
	assert_contains "$lang: health data among the categories of data" "$letter" "${CATEGORY[$lang]}"
	assert_contains "$lang: the hotline's condition" "$letter" "${CONSENT[$lang]}"
done

t_done
