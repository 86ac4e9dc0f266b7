#!/bin/bash
# A careless recorder's placeholder in a phone, e-mail or reference field
# names no one, but ingest still takes some as identifiers, and a
# stranger's nameless call that gave the same placeholder is linked to the
# named subject of an earlier call that gave it: the stranger's call is in
# that subject's access copy (Art. 15).  Placeholders tried: a country code
# and a zero ("+49 0", "0049 0"), e-mails whose two sides are no name
# ("-@-", "none@none", "n/a@n/a"), and references that are words or marks
# for none the rule of 8c097be does not list ("o.A.", "ohne Angabe",
# "N.N.", "xxx", "000000", "s/n", "none given").
# Expected: no two calls are linked by such a value (atk46).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
n=0
pair()	# LABEL FIELD VALUE-OF-NAMED VALUE-OF-STRANGER
{
	local d1 d2 h1 h2
	n=$((n + 1))
	d1=$(printf '2026-10-%02dT10:00:00Z' $((2 * n - 1)))
	d2=$(printf '2026-10-%02dT10:00:00Z' $((2 * n)))
	ingest_call "n$n" "$d1" "{\"role\": \"customer\", \"name\": \"Named Person$n Aalto\", \"$2\": \"$3\"}"
	ingest_call "s$n" "$d2" "{\"role\": \"customer\", \"$2\": \"$4\"}"
	h1=$(handle_of "$(id_at "$d1")")
	h2=$(handle_of "$(id_at "$d2")")
	[ -n "$h1" ] || t_abort "data" "call $d1 missing"
	if [ -n "$h2" ] && [ "$h2" = "$h1" ]; then
		fail "$1" "the stranger's call is linked to the named subject $h1"
	else
		pass "$1"
	fi
}
pair "phone '+49 0' (a country code and a zero) links no stranger" phone "+49 0" "0049 0"
pair "phone '+358 0' links no stranger" phone "+358 0" "+358 0"
pair "e-mail '-@-' links no stranger" email "-@-" "-@-"
pair "e-mail 'none@none' links no stranger" email "none@none" "None@None"
pair "e-mail 'n/a@n/a' links no stranger" email "n/a@n/a" "N/A@N/A"
pair "ref 'o.A.' (ohne Angabe) links no stranger" ref "o.A." "o. A."
pair "ref 'ohne Angabe' links no stranger" ref "ohne Angabe" "Ohne Angabe"
pair "ref 'N.N.' links no stranger" ref "N.N." "NN"
pair "ref 'xxx' links no stranger" ref "xxx" "XXX"
pair "ref '000000' links no stranger" ref "000000" "000000"
pair "ref 's/n' (sin número) links no stranger" ref "s/n" "S/N"
pair "ref 'none given' links no stranger" ref "none given" "None given"
# The first pair's named subject's access copy holds its own call alone.
H=$(handle_of "$(id_at 2026-10-01T10:00:00Z)")
"$RECCTL" subject export "$H" "$T_TMP/e1" -R "$REG" --level-keyring "$KEYS/privacy.keyring" >"$T_TMP/e1.out" 2>&1 ||
	t_abort "export" "$(cat "$T_TMP/e1.out")"
assert_eq "the named subject of '+49 0' has its own call alone in its access copy" "1" \
	"$(ls "$T_TMP/e1/$H" | grep -c '\.vcon\.json$')"
t_done
