#!/bin/bash
# The short form in a meeting of two people (atk42 F2).  María García
# López (her e-mail, the family's booking) meets the airline with her
# daughter, who is written "María García" with the family's booking;
# the manifest lists the daughter first.  The daughter's entry must not
# take the mother's subject, and the mother's own entry, her full name
# and her own e-mail, must stay hers; afterwards the daughter's short
# calls on the booking go with her meeting entry, and the mother's
# "María García" with her own e-mail is still the mother's.  With the
# mother listed first all this holds; listed second, the daughter's
# entry takes the mother's subject (the short form on the booking) and
# the mother's own entry, her subject taken, makes a second subject of
# her, holding her e-mail and full name.
. "$(dirname "$0")/lib.sh"
es_line_register
subjects_of() { q "SELECT handle FROM link WHERE recording = '$1' ORDER BY handle" | paste -sd' '; }

es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
hm=$(handle_of "$m1")
# the meeting: the daughter listed first
es_call '{"role": "customer", "name": "María García", "ref": "X7K2QP"}, {"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"}'; mt=$R
other=$(subjects_of "$mt" | tr ' ' '\n' | grep -vx "$hm")
assert_contains "the meeting is the mother's" "$(subjects_of "$mt")" "$hm"
assert_eq "the meeting has one other subject" "1" "$(printf '%s\n' "$other" | grep -c .)"
# the mother, later, in full with her e-mail alone
es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"}'; m2=$R
same_rec_subject "'María García López' with her e-mail is still her" "$m1" "$m2"
# the daughter, later, short on the booking alone: the meeting's other one
es_call '{"role": "customer", "name": "María García", "ref": "X7K2QP"}'; d2=$R
two_rec_subjects "'María García' on the family's booking alone is not the mother" "$m1" "$d2"
assert_eq "'María García' on the family's booking is the meeting's other subject" "$other" "$(handle_of "$d2")"
# no subject but the mother's holds her full name and her own e-mail
assert_eq "the meeting's other subject does not hold the mother's e-mail" "" \
	"$("$RECCTL" subject find maria.garcia.lopez@example.es -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | grep -o "$other")"
# last (it makes a subject of "María García" with her e-mail where it
# fails): her short form with her own e-mail is still hers (on main,
# which has no short form, it is not)
es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es"}'; m3=$R
same_rec_subject "'María García' with her own e-mail after the meeting is her" "$m1" "$m3"

t_done
