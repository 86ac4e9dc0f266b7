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

split_register
split_household jl.martinez@example.es
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
call "Sr. José Luis Martínez Soto"
assert_eq "before the split: his call as \"Sr. José Luis Martínez Soto\" is his subject's" "$H" "$(handle_of "$R")"
assert_eq "and restricted by his objection" "1" "$(restricted "$R")"

split_off
call "Don José Martínez Soto"
for nm in "Dr. José Luis Martínez Soto" "José L. Martínez Soto"; do
	call "$nm"
	assert_eq "after the split: José Luis's call as \"$nm\" is his subject's" "$H" "$(handle_of "$R")"
	assert_eq "and restricted by his objection" "1" "$(restricted "$R")"
done
t_done
