#!/bin/bash
# The short form ("María García" of "María García López") on a shared
# reference (atk42 F1).  A company's customer number, or a family's
# booking, is held by several people; the register holds only the one
# who called first.  A colleague "Carlos Sánchez" (no second family name
# given) calling on the company number that "Carlos Sánchez Vidal"
# holds, "David James" (family name James) on the number "David James
# Smith" holds, a son "José Martínez" (José Martínez Ruiz) on his
# father José Martínez Soto's family booking, a father "José Martínez"
# on his son José Luis Martínez Ruiz's: each is another person,
# and must not land in the other's access export, nor be restricted by
# the other's objection.  On main each is a subject of its own.
. "$(dirname "$0")/lib.sh"
es_line_register
# --- two colleagues on one company customer number -----------------------------
es_call '{"role": "customer", "name": "Carlos Sánchez Vidal", "email": "c.sanchez.vidal@acme.example", "ref": "ACME-000417"}'; a1=$R
es_call '{"role": "customer", "name": "Carlos Sánchez", "phone": "+34 600 111 222", "ref": "ACME-000417"}'; b1=$R
two_rec_subjects "'Carlos Sánchez' on the company's number is not Carlos Sánchez Vidal" "$a1" "$b1"
ha=$(handle_of "$a1")
assert_not_contains "Carlos Sánchez Vidal's access export does not hold his colleague's call" \
	"$(es_ids "$ha" "$T_TMP/exp-a")" "$b1"
assert_ok "Carlos Sánchez Vidal objects to complaints" "$RECCTL" subject object "$ha" --purpose complaints -R "$REG"
es_call '{"role": "customer", "name": "Carlos Sánchez", "phone": "+34 600 111 222", "ref": "ACME-000417"}'; b2=$R
assert_eq "his objection does not restrict his colleague's later call" \
	"0" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$b2'")"

# --- no Spanish names at all: "David James" and "David James Smith" ---------------
es_call '{"role": "customer", "name": "David James Smith", "ref": "ACME-000418"}'; a2=$R
es_call '{"role": "customer", "name": "David James", "ref": "ACME-000418"}'; b3=$R
two_rec_subjects "'David James' on the company's number is not David James Smith" "$a2" "$b3"

# --- a father and his son on the family's booking ----------------------------------
es_call '{"role": "customer", "name": "José Martínez Soto", "ref": "FAM7QX"}'; f1=$R
es_call '{"role": "customer", "name": "José Martínez", "phone": "+34 611 222 333", "ref": "FAM7QX"}'; s1=$R
two_rec_subjects "the son 'José Martínez' on the family's booking is not his father José Martínez Soto" "$f1" "$s1"
hf=$(handle_of "$f1")
assert_not_contains "the father's access export does not hold his son's call" \
	"$(es_ids "$hf" "$T_TMP/exp-f")" "$s1"
# a son with a compound given name on the booking, his father "José
# Martínez" (given name José alone) calling on it
es_call '{"role": "customer", "name": "José Luis Martínez Ruiz", "ref": "FAM8RY"}'; j1=$R
es_call '{"role": "customer", "name": "José Martínez", "ref": "FAM8RY"}'; j2=$R
two_rec_subjects "the father 'José Martínez' on the family's booking is not his son José Luis Martínez Ruiz" "$j1" "$j2"

t_done
