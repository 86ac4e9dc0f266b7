#!/bin/bash
# A German recorder's word for "no value" in a reference field (black-box
# report bb15).  German CRM and telephony systems fill an empty field with
# "k. A." or "k.A." (keine Angabe, "not stated") or the words "keine
# Angabe"; recfs-manifest(5) and README say that a reference that is a word
# for none, in de among other languages, is left off the card so that it
# links no two strangers' calls, and recfs(8) that rectification refuses it.
# "unbekannt" and "keine" alone are refused; "k. A.", "k.A." and "keine
# Angabe" were taken as a reference: two nameless callers who each gave
# "k. A." became one subject, whose access copy held the other's call.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-de-bank.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

n=0
# two_callers VALUE: two nameless hotline calls, each giving VALUE as its
# reference; checks that they are two subjects and that VALUE is on no card.
two_callers()
{
	local a b ha hb
	n=$((n + 1))
	a=$(printf '2026-11-%02dT09:00:00Z' "$n")
	b=$(printf '2026-11-%02dT15:00:00Z' "$n")
	ingest_json "a$n" "{\"recorded_at\": \"$a\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"ref\": \"$1\"}], \"audio\": \"a$n.opus\"}"
	ingest_json "b$n" "{\"recorded_at\": \"$b\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"ref\": \"$1\"}], \"audio\": \"b$n.opus\"}"
	two_rec_subjects "two strangers who each gave the reference '$1' are two subjects" \
		"$(id_at "$a")" "$(id_at "$b")"
	ha=$(handle_of "$(id_at "$a")")
	"$RECCTL" subject show -R "$REG" "$ha" --level-keyring "$KEYS/datenschutz.keyring" >"$T_TMP/show.out" 2>&1
	assert_not_contains "'$1' is left off the card as a word for none" "$(cat "$T_TMP/show.out")" "$1"
}

two_callers "unbekannt"	# refused on main too: the control
two_callers "k. A."
two_callers "k.A."
two_callers "keine Angabe"

t_done
