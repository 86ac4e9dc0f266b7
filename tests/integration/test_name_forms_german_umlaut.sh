#!/bin/bash
# A German health insurer's hotline (black-box report bb10): one insured
# person whose name one call writes with umlauts and another, as German
# keyboards, forms and CRMs without umlauts do, with ae, oe and ue
# ("Jürgen Müller" / "Juergen Mueller"), gives the same
# Krankenversichertennummer (A123456789, also written "A 123 456 789") or
# the same phone number.  recfs-manifest(5) says a known subject found by
# its reference or phone is not this one only when the names differ
# "compared by the initial of the first word and the last word, folded",
# and recctl(1) says names fold ae, oe and ue to a, o and u ("Mueller
# finds Müller").  Before schema 21 ingest folded ü to u but not ue:
# "Mueller" was another family name, the person was split in two, and a
# right exercised on the first handle missed the other's calls (the
# consent withdrawal below left a consent-based call of the person in the
# register).  "Jurgen Muller" and "Weiss" for "Weiß" were one person
# already (controls); an 'e' that ends a given name is no umlaut's.
# numbered_call counts days of November: 30 calls at most.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# ref_call NAME REF: the next numbered call, giving a reference (the KVNR).
ref_call()
{
	NCALL=$((NCALL + 1))
	ingest_call "c$NCALL" "$(call_day "$NCALL")" "{\"role\": \"customer\", \"name\": \"$1\", \"ref\": \"$2\"}"
}

# Controls: what recfs already reads as one person.
ref_call "Jürgen Müller" "A100000001"
ref_call "Jurgen Muller" "A 100 000 001"
same_subject "Jürgen Müller and Jurgen Muller with one KVNR are one subject"
ref_call "Sabine Weiß" "B100000002"
ref_call "Sabine Weiss" "B 100 000 002"
same_subject "Sabine Weiß and Sabine Weiss with one KVNR are one subject"
ref_call "Hans-Jürgen von der Heide" "C100000003"
ref_call "von der Heide, Hans-Jürgen" "C100000003"
same_subject "Hans-Jürgen von der Heide and von der Heide, Hans-Jürgen are one subject"

# ue, oe, ae for ü, ö, ä: the same person.
ref_call "Jürgen Müller" "A200000001"
ref_call "Juergen Mueller" "A 200 000 001"
same_subject "Jürgen Müller and Juergen Mueller with one KVNR are one subject"
numbered_call "Jürgen Müller" "+358401300002"
numbered_call "Jürgen Mueller" "+358401300002"
same_subject "Jürgen Müller and Jürgen Mueller on one line are one subject"
ref_call "Dr. med. Hans-Jürgen von der Heide" "C200000003"
ref_call "Hans-Juergen von der Heide" "C 200 000 003"
same_subject "Dr. med. Hans-Jürgen von der Heide and Hans-Juergen von der Heide with one KVNR are one subject"
ref_call "Ute Köhler" "D200000004"
ref_call "Ute Koehler" "D200000004"
same_subject "Ute Köhler and Ute Koehler with one KVNR are one subject"
ref_call "Bärbel Jäger" "E200000005"
ref_call "Baerbel Jaeger" "E200000005"
same_subject "Bärbel Jäger and Baerbel Jaeger with one KVNR are one subject"

# Two people stay two: another given name of one family on one KVNR line.
ref_call "Klaus Schmidt" "F200000006"
ref_call "Karin Schmidt" "F200000006"
two_subjects "Klaus Schmidt and Karin Schmidt are two subjects"
# An 'e' that ends a given name, or its "el", is no umlaut's.
ref_call "Michael Berg" "F200000007"
ref_call "Michał Berg" "F200000007"
two_subjects "Michael Berg and Michał Berg are two subjects"
ref_call "Joel Berg" "F200000008"
ref_call "Jol Berg" "F200000008"
two_subjects "Joel Berg and Jol Berg are two subjects"

# What the split costs: the withdrawal of consent (Art. 7(3)) by the
# subject found first must reach the call written without umlauts.
consent_call()
{
	NCALL=$((NCALL + 1))
	ingest_json "c$NCALL" "{\"recorded_at\": \"$(call_day "$NCALL")\", \"source\": \"customer-service\",
 \"purpose\": \"consent\", \"legal_basis\": \"consent\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"$1\", \"ref\": \"$2\"}], \"audio\": \"c$NCALL.opus\"}"
}
consent_call "Jürgen Müller" "A300000001"
first=$(id_at "$(call_day "$NCALL")")
consent_call "Juergen Mueller" "A 300 000 001"
second=$(id_at "$(call_day "$NCALL")")
h=$(handle_of "$first")
"$RECCTL" subject withdraw-consent -R "$REG" "$h" >"$T_TMP/wd.out" 2>&1
assert_eq "withdraw-consent erased the first call" "" "$(q "SELECT id FROM recording WHERE id = '$first'")"
assert_eq "withdraw-consent of Jürgen Müller erased the call of Juergen Mueller with his KVNR" "" \
	"$(q "SELECT id FROM recording WHERE id = '$second'")"

t_done
