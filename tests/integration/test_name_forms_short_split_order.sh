#!/bin/bash
# A split after short-form calls (atk42 F3).  "María García" with María
# García López's own e-mail and the family's booking is hers (it takes
# no name entries); her daughter "María García Ruiz" holds the booking
# too, so "María García" on the booking alone is neither's.  When the
# officer splits some other call off the mother's subject, recctl makes
# her name entries again from the names of the calls she keeps, in the
# order of their recording ids: when her short call comes first, it is
# taken as a name of her own ("María García"), and from then on
# "María García" on the family's booking alone is the mother's (the
# daughter's calls in her export).  The ids are random: the test makes
# registers until the short call's id sorts before the full one's.
# The same without chance: when retention has erased her full-name call,
# the calls she keeps give only "María García", and her card's name comes
# after them.
. "$(dirname "$0")/lib.sh"
RN=0
for try in $(seq 1 16); do
	RN=$((RN + 1))
	es_line_register "$T_TMP/r$RN"
	es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
	es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m2=$R
	[[ "$m2" < "$m1" ]] && break
done
[[ "$m2" < "$m1" ]] || t_abort "recording ids" "no short call sorted first in 16 registers"
# a call taken for hers by her e-mail, which the officer splits off
es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"}'; x=$R
es_call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d1=$R
two_rec_subjects "the daughter 'María García Ruiz' is not her mother" "$m1" "$d1"
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d2=$R
two_rec_subjects "before the split, 'María García' on the family's booking alone is not the mother" "$m1" "$d2"
hm=$(handle_of "$m1")
assert_ok "the officer splits a call off the mother's subject" \
	"$RECCTL" subject split "$hm" "$x" -R "$REG" --level-keyring "$KEYS/dpo.keyring"
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d3=$R
two_rec_subjects "after the split, 'María García' on the family's booking alone is not the mother" "$m1" "$d3"
assert_eq "after the split, it goes where it went before" "$(handle_of "$d2")" "$(handle_of "$d3")"

# --- her full-name call erased by retention ---------------------------------------
RN=$((RN + 1))
es_line_register "$T_TMP/r$RN"
ingest_json old "{\"recorded_at\": \"2025-10-01T10:00:00Z\", \"source\": \"es-line\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"María García López\", \"email\": \"maria.garcia.lopez@example.es\", \"ref\": \"X7K2QP\"}], \"audio\": \"old.opus\"}"
m1=$(id_at 2025-10-01T10:00:00Z)
hm=$(handle_of "$m1")
es_call '{"role": "customer", "name": "María García", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m2=$R
es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"}'; x=$R
es_call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d1=$R
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d2=$R
assert_ok "retention erases her call of 2025" "$RECCTL" retention sweep -R "$REG"
assert_eq "her call of 2025 is gone" "0" "$(q "SELECT count(*) FROM recording WHERE id = '$m1'")"
# (on main, which did not take the short call for hers, the subject
# keeps nothing else and the split is refused)
"$RECCTL" subject split "$hm" "$x" -R "$REG" --level-keyring "$KEYS/dpo.keyring" >"$T_TMP/split.out" 2>&1
es_call '{"role": "customer", "name": "María García", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d3=$R
assert_eq "after retention and a split, 'María García' on the family's booking alone goes where it went before" \
	"$(handle_of "$d2")" "$(handle_of "$d3")"
if [ "$(handle_of "$d3")" != "$hm" ]; then
	pass "... not to the mother"
else
	fail "... not to the mother" "$hm"
fi

t_done
