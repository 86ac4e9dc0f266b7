#!/bin/bash
# Spanish family names (black-box report bb12): a Spanish or
# Latin-American passenger has two family names, and the first (the
# father's) is the one used alone: "María García López" says "María
# García" on the phone, "Juan Carlos Pérez de la Rosa" says "Juan Carlos
# Pérez", "Begoña Muñoz Ibáñez" says "Begoña Muñoz".  Such a call that
# carries her own e-mail (no one else's) is hers: her access export must hold it,
# and her objection to complaints must restrict it, also when it
# arrives after the objection.  Her daughter "María García Ruiz" on
# the family's landline and booking stays another person (both are
# "María García" for short; their second family names differ).
# Before the short form was kept (catalog schema 27) each short form
# was a new subject: the "is her" checks, the export check and the
# objection check failed.  The short form must not take what is not
# hers: the family's booking alone (her daughter's too), a booking and
# a phone without an e-mail, her e-mail with a booking she does not
# hold; and it gives her subject no name entries, before `subject
# reindex` and after.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-aerlinte-es-line.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

N=0
# call SUBJECT-JSON: the next call (one a day from 2026-11-01); its id in $R.
call()
{
	N=$((N + 1))
	local when
	when=$(call_day "$N")
	ingest_json "c$N" "{\"recorded_at\": \"$when\", \"source\": \"es-line\",
 \"subjects\": [$1], \"audio\": \"c$N.opus\"}"
	R=$(id_at "$when")
	[ -n "$R" ] || t_abort "call $N" "not ingested"
}
same() # LABEL RID1 RID2
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}
two() # LABEL RID1 RID2
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$1"; else fail "$1" "one subject: $a and $b"; fi
}
ids_of() # HANDLE DIR: the recording ids of HANDLE's export
{
	"$RECCTL" subject export -R "$REG" "$1" "$2" --level-keyring "$KEYS/dpo.keyring" >/dev/null 2>&1
	jq -r '.recordings[].id' "$2/$1/export.json" 2>/dev/null | sort | paste -sd' '
}

# --- the mother, her daughter on the family line and booking ------------------
call '{"role": "customer", "name": "María García López", "phone": "+34 912 345 678", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
call '{"role": "customer", "name": "María García Ruiz", "phone": "0034 912 34 56 78", "ref": "X7K2QP"}'; d1=$R
two "the daughter 'María García Ruiz' on the family line and booking is not her mother" "$m1" "$d1"
call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m2=$R
same "'María García' with María García López's own e-mail is her" "$m1" "$m2"
call '{"role": "customer", "name": "Maria Garcia Lopez", "email": "maria.garcia.lopez@example.es"}'; m3=$R
same "'Maria Garcia Lopez' (no accents) with her e-mail is her" "$m1" "$m3"
hm=$(handle_of "$m1")
ids=$(ids_of "$hm" "$T_TMP/exp-m")
for r in "$m1" "$m2" "$m3"; do
	assert_contains "her access export holds call ${r:0:8}" "$ids" "$r"
done
assert_not_contains "her access export does not hold her daughter's call" "$ids" "$d1"

# --- her objection follows her later calls -------------------------------------
assert_ok "she objects to complaints" "$RECCTL" subject object "$hm" --purpose complaints -R "$REG"
call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m4=$R
assert_eq "a later complaint 'María García' with her e-mail, landline and booking arrives restricted" \
	"1" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$m4'")"
assert_eq "her daughter's call stays unrestricted" \
	"0" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$d1'")"

# --- Begoña Muñoz Ibáñez, Juan Carlos Pérez de la Rosa ---------------------------
call '{"role": "customer", "name": "Begoña Muñoz Ibáñez", "phone": "087 123 4567", "ref": "B3GNQ7"}'; b1=$R
call '{"role": "customer", "name": "Begona Munoz Ibanez", "phone": "+353 87 123 4567", "ref": "b3gnq7"}'; b2=$R
same "'Begona Munoz Ibanez' (no ñ, no accents) is Begoña Muñoz Ibáñez" "$b1" "$b2"
# without an e-mail the short form finds no one: a booking or a
# customer number may be a family's or a company's (atk42 F1)
call '{"role": "customer", "name": "Begoña Muñoz", "phone": "+353871234567", "ref": "B3GNQ7"}'; b3=$R
two "'Begoña Muñoz' on her mobile and booking alone (no e-mail) is a subject of her own" "$b1" "$b3"
call '{"role": "customer", "name": "Juan Carlos Pérez de la Rosa", "phone": "+34 699 000 111", "email": "jc.perez@example.es", "ref": "FF-ES-77889900"}'; j1=$R
call '{"role": "customer", "name": "Juan Carlos Pérez", "phone": "+34 699 000 111", "email": "JC.Perez@example.es", "ref": "FFES77889900"}'; j2=$R
same "'Juan Carlos Pérez' with his e-mail and frequent-flyer number is Juan Carlos Pérez de la Rosa" "$j1" "$j2"

# --- what the short form must not take -------------------------------------------
# the daughter's short form on the family's booking and landline alone:
# both she and her mother are "María García" for short
call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d2=$R
two "'María García' on the family's booking alone is not the mother" "$m1" "$d2"
two "... nor her daughter 'María García Ruiz' (either may be her)" "$d1" "$d2"
# the short form on a shared line alone (no e-mail, no reference)
call '{"role": "customer", "name": "Begoña Muñoz", "phone": "+353871234567"}'; b4=$R
two "'Begoña Muñoz' on the phone alone is not Begoña Muñoz Ibáñez" "$b1" "$b4"
# a short form gives no name entries: after it, her daughter written
# in full on the family line is still the daughter
call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d3=$R
same "'María García Ruiz' on the family line is still the daughter" "$d1" "$d3"
# the index made again: the short form still finds her, and the
# mother's subject took no entry of "María García" from her short calls
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/dpo.keyring"
call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "phone": "+34 612 345 678"}'; m6=$R
same "after reindex, 'María García' with her e-mail and mobile is her" "$m1" "$m6"
call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d4=$R
two "after reindex, 'María García' on the family's booking alone is not the mother" "$m1" "$d4"
# her e-mail, but another booking than any of hers (last: the new
# subject holds her e-mail and the name "María García")
call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "ref": "QQ9ZZZ"}'; m5=$R
two "'María García' with her e-mail and a booking she does not hold is not her" "$m1" "$m5"

t_done
