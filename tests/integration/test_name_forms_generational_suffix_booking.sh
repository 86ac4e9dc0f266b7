#!/bin/bash
# A guard kept from a rule tried and not merged (Spanish names, bb12 F1 and
# F2, built as "bld12x"; atk35 broke it as below): it holds on main.
# atk35 F1: a father "John Smith" and his son "John Smith III" (or "II",
# "Junior", "IV"), each on his own mobile, on one family booking or one
# family mailbox, become one subject on bld12x: the son's three-word
# name gets the new "first family name" form (bb12 F2) "j smith" ("Smith"
# is the word before the last, "III"), which agrees with the father's
# "John Smith" by the shared reference or e-mail.  Only "Jr"/"Sr" are
# kept out of that form.  Then the father's access export holds the
# son's calls (and an erasure erases them).  Before bb12 F2 the two were
# two subjects ("j smith" and "j iii").
# Expected (what these checks assert): two subjects for each pair.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# one family booking, each on his own mobile
subject_call '{"role": "customer", "name": "John Smith", "phone": "+358401710001", "ref": "FAM-7Q2K"}'; f1=$R
subject_call '{"role": "customer", "name": "John Smith III", "phone": "+358401710002", "ref": "FAM-7Q2K"}'; s1=$R
two_rec_subjects "'John Smith' and 'John Smith III' (own mobiles, one booking) are two subjects" "$f1" "$s1"
hf=$(handle_of "$f1")
assert_eq "the export of 'John Smith' holds his own call alone" "$f1" "$(export_ids "$hf" "$T_TMP/x1")"

subject_call '{"role": "customer", "name": "John Smith", "phone": "+358401710003", "ref": "FAM-8R3L"}'; f2=$R
subject_call '{"role": "customer", "name": "John Smith II", "phone": "+358401710004", "ref": "FAM-8R3L"}'; s2=$R
two_rec_subjects "'John Smith' and 'John Smith II' (own mobiles, one booking) are two subjects" "$f2" "$s2"

subject_call '{"role": "customer", "name": "John Smith", "phone": "+358401710005", "ref": "FAM-9S4M"}'; f3=$R
subject_call '{"role": "customer", "name": "John Smith Junior", "phone": "+358401710006", "ref": "FAM-9S4M"}'; s3=$R
two_rec_subjects "'John Smith' and 'John Smith Junior' (own mobiles, one booking) are two subjects" "$f3" "$s3"

# one family mailbox, each on his own mobile
subject_call '{"role": "customer", "name": "Robert Brown", "phone": "+358401710007", "email": "browns@example.com"}'; f4=$R
subject_call '{"role": "customer", "name": "Robert Brown IV", "phone": "+358401710008", "email": "browns@example.com"}'; s4=$R
two_rec_subjects "'Robert Brown' and 'Robert Brown IV' (own mobiles, one mailbox) are two subjects" "$f4" "$s4"

# the son first, then the father
subject_call '{"role": "customer", "name": "John Smith III", "phone": "+358401710010", "ref": "FAM-1T5N"}'; s5=$R
subject_call '{"role": "customer", "name": "John Smith", "phone": "+358401710009", "ref": "FAM-1T5N"}'; f5=$R
two_rec_subjects "'John Smith III' then 'John Smith' (own mobiles, one booking) are two subjects" "$s5" "$f5"
# the same by a family mailbox: "Wei Jun" and "Wei Jun Ma" (two people on
# one line in test_name_forms_dutch.sh); a German "junior" / "jun."
subject_call '{"role": "customer", "name": "Wei Jun", "phone": "+358401710011", "email": "family.ma@example.com"}'; a=$R
subject_call '{"role": "customer", "name": "Wei Jun Ma", "phone": "+358401710012", "email": "family.ma@example.com"}'; b=$R
two_rec_subjects "'Wei Jun' and 'Wei Jun Ma' (own mobiles, one family mailbox) are two subjects" "$a" "$b"
subject_call '{"role": "customer", "name": "Hans Müller", "phone": "+358401710013", "ref": "DE-3X9P"}'; a=$R
subject_call '{"role": "customer", "name": "Hans Müller jun.", "phone": "+358401710014", "ref": "DE-3X9P"}'; b=$R
two_rec_subjects "'Hans Müller' and 'Hans Müller jun.' (own mobiles, one booking) are two subjects" "$a" "$b"
# both already subjects of their own (a household line tells them
# apart), then the son books a flight: the father's next call with his
# line and that booking goes to the son's subject (found by the booking
# first), though the father's own subject holds his line
subject_call '{"role": "customer", "name": "Peter Jones", "phone": "+358401710021"}'; f6=$R
subject_call '{"role": "customer", "name": "Peter Jones III", "phone": "+358401710021"}'; s6=$R
two_rec_subjects "'Peter Jones' and 'Peter Jones III' on one household line are two subjects (control)" "$f6" "$s6"
subject_call '{"role": "customer", "name": "Peter Jones III", "phone": "+358401710021", "ref": "FAM-2U6P"}'; s7=$R
subject_call '{"role": "customer", "name": "Peter Jones", "phone": "+358401710021", "ref": "FAM-2U6P"}'; f7=$R
assert_eq "the father's call with the line and the son's booking goes to the father's own subject" \
	"$(handle_of "$f6")" "$(handle_of "$f7")"
subject_call '{"role": "customer", "name": "John Smith", "phone": "+358401710015", "ref": "FAM-5W8R"}'; a=$R
subject_call '{"role": "customer", "name": "John Smith Jnr", "phone": "+358401710016", "ref": "FAM-5W8R"}'; b=$R
two_rec_subjects "'John Smith' and 'John Smith Jnr' (own mobiles, one booking) are two subjects" "$a" "$b"
t_done
