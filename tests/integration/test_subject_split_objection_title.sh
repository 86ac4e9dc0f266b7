#!/bin/bash
# atk38 F2: after `recctl subject split`, the person who stays (José Luis,
# who objected) is still found by his name written otherwise: his call as
# "Dr. José Luis Martínez Soto" or "José L. Martínez Soto" on his line and
# booking goes to his subject and is restricted by his objection, as
# before the split (checked on "Sr. ..."); a first version of the split
# made each a new subject his objection did not restrict.  (A father's
# call as "Don José Martínez Soto" reads Don as a given name: see
# recfs-manifest(5).)
. "$(dirname "$0")/lib.sh"

unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }
FIELDS='"source": "customer-service", "purpose": "service-level"'
LINE='"phone": "+34 912 345 678", "ref": "BK-4471"'
PK=$KEYS/privacy.keyring
call() { subject_call "{\"role\": \"customer\", \"name\": \"$1\", $LINE}" "$FIELDS"; }

subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", \"email\": \"jl.martinez@example.es\", $LINE}" "$FIELDS"; L1=$R
call "José Martínez Soto"; M1=$R
call "José Luis Martínez Soto"
H=$(handle_of "$L1")
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
call "Sr. José Luis Martínez Soto"
assert_eq "before the split: his call as \"Sr. José Luis Martínez Soto\" is his subject's" "$H" "$(handle_of "$R")"
assert_eq "and restricted by his objection" "1" "$(restricted "$R")"

assert_ok "the officer splits the father's call off" rc subject split "$H" "$M1" --level-keyring "$PK"
N=$(handle_of "$M1")
call "Don José Martínez Soto"
for nm in "Dr. José Luis Martínez Soto" "José L. Martínez Soto"; do
	call "$nm"
	assert_eq "after the split: José Luis's call as \"$nm\" is his subject's" "$H" "$(handle_of "$R")"
	assert_eq "and restricted by his objection" "1" "$(restricted "$R")"
done
t_done
