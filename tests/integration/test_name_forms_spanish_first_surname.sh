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

es_line_register
# --- the mother, her daughter on the family line and booking ------------------
es_call '{"role": "customer", "name": "María García López", "phone": "+34 912 345 678", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
es_call '{"role": "customer", "name": "María García Ruiz", "phone": "0034 912 34 56 78", "ref": "X7K2QP"}'; d1=$R
two_rec_subjects "the daughter 'María García Ruiz' on the family line and booking is not her mother" "$m1" "$d1"
es_call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m2=$R
same_rec_subject "'María García' with María García López's own e-mail is her" "$m1" "$m2"
es_call '{"role": "customer", "name": "Maria Garcia Lopez", "email": "maria.garcia.lopez@example.es"}'; m3=$R
same_rec_subject "'Maria Garcia Lopez' (no accents) with her e-mail is her" "$m1" "$m3"
hm=$(handle_of "$m1")
ids=$(es_ids "$hm" "$T_TMP/exp-m")
for r in "$m1" "$m2" "$m3"; do
	assert_contains "her access export holds call ${r:0:8}" "$ids" "$r"
done
assert_not_contains "her access export does not hold her daughter's call" "$ids" "$d1"

# --- her objection follows her later calls -------------------------------------
assert_ok "she objects to complaints" "$RECCTL" subject object "$hm" --purpose complaints -R "$REG"
es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m4=$R
assert_eq "a later complaint 'María García' with her e-mail, landline and booking arrives restricted" \
	"1" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$m4'")"
assert_eq "her daughter's call stays unrestricted" \
	"0" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$d1'")"

# --- Begoña Muñoz Ibáñez, Juan Carlos Pérez de la Rosa ---------------------------
es_call '{"role": "customer", "name": "Begoña Muñoz Ibáñez", "phone": "087 123 4567", "ref": "B3GNQ7"}'; b1=$R
es_call '{"role": "customer", "name": "Begona Munoz Ibanez", "phone": "+353 87 123 4567", "ref": "b3gnq7"}'; b2=$R
same_rec_subject "'Begona Munoz Ibanez' (no ñ, no accents) is Begoña Muñoz Ibáñez" "$b1" "$b2"
# without an e-mail the short form finds no one: a booking or a
# customer number may be a family's or a company's (atk42 F1)
es_call '{"role": "customer", "name": "Begoña Muñoz", "phone": "+353871234567", "ref": "B3GNQ7"}'; b3=$R
two_rec_subjects "'Begoña Muñoz' on her mobile and booking alone (no e-mail) is a subject of her own" "$b1" "$b3"
es_call '{"role": "customer", "name": "Juan Carlos Pérez de la Rosa", "phone": "+34 699 000 111", "email": "jc.perez@example.es", "ref": "FF-ES-77889900"}'; j1=$R
es_call '{"role": "customer", "name": "Juan Carlos Pérez", "phone": "+34 699 000 111", "email": "JC.Perez@example.es", "ref": "FFES77889900"}'; j2=$R
same_rec_subject "'Juan Carlos Pérez' with his e-mail and frequent-flyer number is Juan Carlos Pérez de la Rosa" "$j1" "$j2"

# --- what the short form must not take -------------------------------------------
# the daughter's short form on the family's booking and landline alone:
# both she and her mother are "María García" for short
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d2=$R
two_rec_subjects "'María García' on the family's booking alone is not the mother" "$m1" "$d2"
two_rec_subjects "... nor her daughter 'María García Ruiz' (either may be her)" "$d1" "$d2"
# the short form on a shared line alone (no e-mail, no reference)
es_call '{"role": "customer", "name": "Begoña Muñoz", "phone": "+353871234567"}'; b4=$R
two_rec_subjects "'Begoña Muñoz' on the phone alone is not Begoña Muñoz Ibáñez" "$b1" "$b4"
# a short form gives no name entries: after it, her daughter written
# in full on the family line is still the daughter
es_call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d3=$R
same_rec_subject "'María García Ruiz' on the family line is still the daughter" "$d1" "$d3"
# the index made again: the short form still finds her, and the
# mother's subject took no entry of "María García" from her short calls
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/dpo.keyring"
es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "phone": "+34 612 345 678"}'; m6=$R
same_rec_subject "after reindex, 'María García' with her e-mail and mobile is her" "$m1" "$m6"
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d4=$R
two_rec_subjects "after reindex, 'María García' on the family's booking alone is not the mother" "$m1" "$d4"
# her e-mail, but another booking than any of hers (last: the new
# subject holds her e-mail and the name "María García")
es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "ref": "QQ9ZZZ"}'; m5=$R
two_rec_subjects "'María García' with her e-mail and a booking she does not hold is not her" "$m1" "$m5"

t_done
