#!/bin/bash
# A guard kept from a rule tried and not merged (Spanish names, bb12 F1 and
# F2, built as "bld12x"; atk35 broke it as below): it holds on main.
# atk35 F4: the daughter calls first and gives her name short, "María
# García" (her own mobile, the family's booking).  Her mother "María
# García López" then calls from HER own mobile with that booking: bld12x
# puts the mother's call into the daughter's subject (the mother's
# "first family name" form "m garcia" agrees with the daughter's short
# name by the shared booking).  The daughter's next call, written whole
# "María García Ruiz" from the same mobile as her first, then goes to a
# new subject: the daughter's first call is in a subject with her
# mother's call (one's access answer holds the other's call), and the
# daughter is split.  On main the mother is a subject of her own.
# Second part: both are subjects already (see below).
# Expected (what these checks assert): the mother's call is not in the
# subject of the daughter's first call.
. "$(dirname "$0")/lib.sh"

unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

subject_call '{"role": "customer", "name": "María García", "phone": "+34 600 111 222", "ref": "GL7K2Q"}'; d1=$R
subject_call '{"role": "customer", "name": "María García López", "phone": "+34 600 333 444", "ref": "GL7K2Q"}'; m1=$R
two_rec_subjects "the mother 'María García López' on her own mobile is not the daughter's earlier 'María García' on hers" "$d1" "$m1"
subject_call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 600 111 222", "ref": "GL7K2Q"}'; d2=$R
two_rec_subjects "the daughter's 'María García Ruiz' is not in her mother's subject" "$m1" "$d2"
# both already subjects, told apart on the household line; the daughter
# (who gives her name short) books; her mother's next call with the
# household line and that booking goes to the daughter's subject, though
# the mother's own subject holds the line and her whole name
subject_call '{"role": "customer", "name": "María García López", "phone": "+34 912 345 000"}'; m3=$R
subject_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 000"}'; d3=$R
two_rec_subjects "'María García López' and 'María García' on one household line are two subjects (control)" "$m3" "$d3"
subject_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 000", "ref": "GL8M3R"}'; d4=$R
subject_call '{"role": "customer", "name": "María García López", "phone": "+34 912 345 000", "ref": "GL8M3R"}'; m4=$R
assert_eq "the mother's call with the line and her daughter's booking goes to her own subject" \
	"$(handle_of "$m3")" "$(handle_of "$m4")"
t_done
