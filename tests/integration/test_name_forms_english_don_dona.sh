#!/bin/bash
# atk35 F3: "Don" and "Dona" are English given names.  On bld12x "Dona"
# is read as the Spanish "Doña" (folding drops the tilde), always a form
# of address, and "Don" before a whole given name and a family name too:
# "Dona Karen Smith" (given name Dona, middle name Karen) is read as
# "Karen Smith", and "Don Michael Johnson" as "Michael Johnson".  On one
# household line or booking, each then joins the subject of a sibling
# "Karen Smith" / "Michael Johnson": one's access export holds the
# other's calls.  On main they are two subjects.
# Expected (what these checks assert): two subjects for each pair.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

subject_call '{"role": "customer", "name": "Karen Smith", "phone": "+358401720001"}'; a=$R
subject_call '{"role": "customer", "name": "Dona Karen Smith", "phone": "+358401720001"}'; b=$R
two_rec_subjects "'Karen Smith' and 'Dona Karen Smith' on one household line are two subjects" "$a" "$b"
ha=$(handle_of "$a")
assert_eq "the export of 'Karen Smith' holds her own call alone" "$a" "$(export_ids "$ha" "$T_TMP/x1")"

subject_call '{"role": "customer", "name": "Karen Smith", "phone": "+358401720002", "ref": "SM-4K7Q"}'; a=$R
subject_call '{"role": "customer", "name": "Dona Karen Smith", "phone": "+358401720003", "ref": "SM-4K7Q"}'; b=$R
two_rec_subjects "'Karen Smith' and 'Dona Karen Smith' (own mobiles, one booking) are two subjects" "$a" "$b"

subject_call '{"role": "customer", "name": "Michael Johnson", "phone": "+358401720004"}'; a=$R
subject_call '{"role": "customer", "name": "Don Michael Johnson", "phone": "+358401720004"}'; b=$R
two_rec_subjects "'Michael Johnson' and 'Don Michael Johnson' on one household line are two subjects" "$a" "$b"
t_done
