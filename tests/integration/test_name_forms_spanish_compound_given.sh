#!/bin/bash
# Spanish compound given names (black-box report bb12): an airline's
# customer service in Dublin, Spanish passengers.  Two brothers, "José
# Luis Martínez Soto" and "José Manuel Martínez Soto", call from the
# family's landline about the family's booking (one PNR): they share
# both family names, the phone and the booking reference.  "José Luis"
# and "José Manuel" are two whole given names (in Spanish the second
# part of a compound given name is no middle name): two people, two
# subjects.  So are the sisters "María José" and "María Pilar Fernández
# Gil".  One brother's access export must not hold the other's call,
# and erasing one brother's recordings (rm -r of his subject folder)
# must leave the other's.  "José Luis Martínez Soto" written again
# (or without accents, or family names first: "Martínez Soto, José
# Luis") on the line stays José Luis; one brother written family names
# first is not the other written given names first (atk35 F2), and the
# booking's form ("MARTINEZ SOTO/JOSE LUIS MR") tells them apart too.
# (Both written "Martínez Soto, José ..." agree as written still: see
# recfs-manifest(5).)  A name that leaves the second
# given name out ("María García López" of "María Pilar García López") or
# writes "del" ("María del Carmen") is still the one person.
# Before the middle words were compared (catalog schema 26) both pairs
# were one subject (the first word alone was read as the first name).
. "$(dirname "$0")/lib.sh"

es_line_register

# --- the brothers, one landline, one booking --------------------------------
es_call '{"role": "customer", "name": "José Luis Martínez Soto", "phone": "+34 954 000 000", "ref": "QZ8M4T"}'; jl=$R
es_call '{"role": "customer", "name": "José Manuel Martínez Soto", "phone": "+34 954 000 000", "ref": "QZ8M4T"}'; jm=$R
two_rec_subjects "'José Manuel Martínez Soto' on his brother José Luis's line and booking is another subject" "$jl" "$jm"
es_call '{"role": "customer", "name": "Jose Luis Martinez Soto", "phone": "+34 954 000 000", "ref": "QZ8M4T"}'; jl2=$R
same_rec_subject "'Jose Luis Martinez Soto' (no accents) on the line is José Luis" "$jl" "$jl2"
two_rec_subjects "'Jose Luis Martinez Soto' is not José Manuel" "$jm" "$jl2"

hl=$(handle_of "$jl")
hm=$(handle_of "$jm")
ids=$(es_ids "$hm" "$T_TMP/exp-m")
assert_contains "José Manuel's access export holds his call" "$ids" "$jm"
assert_not_contains "José Manuel's access export does not hold José Luis's call" "$ids" "$jl"
if [ -f "$T_TMP/exp-m/$hm/subject.json" ]; then
	assert_eq "José Manuel's export does not name José Luis" "0" \
		"$(cat "$T_TMP/exp-m/$hm"/*.json | grep -c "José Luis")"
else
	fail "José Manuel's export does not name José Luis" "no export"
fi

# --- the sisters --------------------------------------------------------------
es_call '{"role": "customer", "name": "María José Fernández Gil", "phone": "+34 933 000 000", "ref": "H4R7WZ"}'; mj=$R
es_call '{"role": "customer", "name": "María Pilar Fernández Gil", "phone": "+34 933 000 000", "ref": "H4R7WZ"}'; mp=$R
two_rec_subjects "'María Pilar Fernández Gil' on her sister María José's line and booking is another subject" "$mj" "$mp"

# --- a name that leaves a middle word out is either ------------------------------
es_call '{"role": "customer", "name": "María García López", "phone": "+34 955 000 000", "email": "mgl@correo.example"}'; mg=$R
es_call '{"role": "customer", "name": "María Pilar García López", "phone": "+34 955 000 000", "email": "mgl@correo.example"}'; mpg=$R
same_rec_subject "'María Pilar García López' on her own line and e-mail is 'María García López'" "$mg" "$mpg"
es_call '{"role": "customer", "name": "María del Carmen Ruiz Gómez", "phone": "+34 956 000 000"}'; mc=$R
es_call '{"role": "customer", "name": "María Carmen Ruiz Gómez", "phone": "+34 956 000 000"}'; mc2=$R
same_rec_subject "'María Carmen Ruiz Gómez' on her own line is 'María del Carmen Ruiz Gómez'" "$mc" "$mc2"

# --- family names first (atk35 F2) ----------------------------------------------
es_call '{"role": "customer", "name": "Martínez Soto, José Luis", "phone": "+34 954 000 000", "ref": "QZ8M4T"}'; jl3=$R
same_rec_subject "'Martínez Soto, José Luis' on the line is José Luis" "$jl" "$jl3"
es_call '{"role": "customer", "name": "Martínez Soto, José Manuel", "phone": "+34 957 000 000", "ref": "MS8L3R"}'; fm=$R
es_call '{"role": "customer", "name": "José Luis Martínez Soto", "phone": "+34 957 000 000", "ref": "MS8L3R"}'; fl=$R
two_rec_subjects "'José Luis Martínez Soto' is not 'Martínez Soto, José Manuel' on one line and booking" "$fm" "$fl"
es_call '{"role": "customer", "name": "MARTINEZ SOTO/JOSE LUIS MR", "phone": "+34 958 000 000", "ref": "MS9M4S"}'; bl=$R
es_call '{"role": "customer", "name": "MARTINEZ SOTO/JOSE MANUEL MR", "phone": "+34 958 000 000", "ref": "MS9M4S"}'; bm=$R
two_rec_subjects "'MARTINEZ SOTO/JOSE LUIS MR' and 'MARTINEZ SOTO/JOSE MANUEL MR' on one line and booking are two" "$bl" "$bm"

# --- erasing José Luis leaves José Manuel's call -------------------------------
MNT=$T_TMP/mnt
mkdir -p "$MNT"
dpo=$(make_level_user dpo)
mount_recfs "$REG" "$MNT" "$KEYS/frontline.keyring" "$KEYS/supervisor.keyring" "$KEYS/dpo.keyring"
as_user "$dpo" rm -r "$MNT/by-subject/$hl" >/dev/null 2>&1
assert_eq "rm -r of José Luis's folder erases his calls" "0" \
	"$(q "SELECT count(*) FROM recording WHERE id IN ('$jl', '$jl2')")"
assert_eq "rm -r of José Luis's folder leaves José Manuel's call" "1" \
	"$(q "SELECT count(*) FROM recording WHERE id = '$jm'")"

t_done
