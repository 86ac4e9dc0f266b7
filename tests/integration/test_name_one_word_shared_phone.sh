#!/bin/bash
# A relative's phone, two people: the family name alone must not link a
# call to the relative who does not bear it.  At a Finnish sote helpline a
# daughter, Sirkka-Liisa Mäkinen-Öhman, calls for her mother Aino Äijälä
# from her own phone (040 123 4567); later the mother calls herself from
# that phone.  Both subjects then hold the number (recfs-manifest(5): a
# shared number is indexed for every subject that gave it).  A third call
# from that phone is written down by the nurse with the family name alone:
# "Äijälä".  On main it is linked to Sirkka-Liisa Mäkinen-Öhman (the
# number's first holder: "a name of one word compares with none"), whose
# name has no word Äijälä, while Aino Äijälä holds the number too: the
# daughter's access copy then holds a health call that is not hers, and
# the mother's misses it.  The same on a landline the other way round: a
# father Pentti Äijälä (first holder) and his son Jussi Mäkinen; a call
# written "Mäkinen" goes to the father.
# Expected: a one-word name that is the family name of exactly one of the
# number's holders, and no word of the other's name, is not linked to the
# other (it is that holder's, or a new subject); a one-word name of the
# first holder's own family name stays the first holder's (control).
# Black-box customer bb16.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# The daughter calls for her mother: two subjects, one phone.
subject_call '{"role": "customer", "name": "Sirkka-Liisa Mäkinen-Öhman", "phone": "040 123 4567"},
	{"role": "participant", "name": "Aino Äijälä", "ref": "131052-308T"}'
R1=$R
DAUGHTER=$(q "SELECT handle FROM link WHERE recording = '$R1' AND role = 'customer'")
MOTHER=$(q "SELECT handle FROM link WHERE recording = '$R1' AND role = 'participant'")
[ -n "$DAUGHTER" ] && [ -n "$MOTHER" ] && [ "$DAUGHTER" != "$MOTHER" ] || t_abort "data" "not two subjects"
# The mother calls herself from the daughter's phone.
subject_call '{"role": "customer", "name": "Aino Äijälä", "phone": "+358 40 123 4567", "ref": "131052-308T"}'
assert_eq "control: the mother's own call is hers" "$MOTHER" "$(handle_of "$R")"

# "Mäkinen-Öhman" alone from the phone: the daughter's (control).
subject_call '{"role": "customer", "name": "Mäkinen-Öhman", "phone": "040 123 4567"}'
assert_eq "control: a call of Mäkinen-Öhman from the phone is the daughter's" "$DAUGHTER" "$(handle_of "$R")"

# "Äijälä" alone from the phone: not the daughter's.
subject_call '{"role": "customer", "name": "Äijälä", "phone": "040 123 4567"}'
h=$(handle_of "$R")
[ -n "$h" ] || t_abort "data" "call not linked"
if [ "$h" != "$DAUGHTER" ]; then pass "a call of Äijälä from the phone is not Sirkka-Liisa Mäkinen-Öhman's"
else fail "a call of Äijälä from the phone is not Sirkka-Liisa Mäkinen-Öhman's" "linked to $h, the daughter"; fi

# A landline: the father first, then his son of another family name.
subject_call '{"role": "customer", "name": "Pentti Äijälä", "phone": "09 876 5432"}'
FATHER=$(handle_of "$R")
subject_call '{"role": "customer", "name": "Jussi Mäkinen", "phone": "09 876 5432"}'
SON=$(handle_of "$R")
[ -n "$SON" ] && [ "$SON" != "$FATHER" ] || t_abort "data" "father and son are one subject"
subject_call '{"role": "customer", "name": "Mäkinen", "phone": "+358 9 876 5432"}'
h=$(handle_of "$R")
if [ "$h" != "$FATHER" ]; then pass "a call of Mäkinen from the landline is not Pentti Äijälä's"
else fail "a call of Mäkinen from the landline is not Pentti Äijälä's" "linked to $h, the father"; fi
t_done
