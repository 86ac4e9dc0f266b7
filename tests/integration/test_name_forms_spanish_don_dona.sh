#!/bin/bash
# Spanish Doña (black-box report bb12): Spanish letters, claims and CRM
# records put "Dña." or "Dª" (Doña) before a name: "Dña. María García
# López".  It is a form of address, as Sra. is, not an initial.  On a
# family's shared line and booking, where María García López and her
# brother David García López both call, "Dña. María García López" is
# María, never David.  On main "Dña." is read as the initial D: María's
# call goes to David's subject (his access export holds it, her erasure
# misses it), and "Doña" written out makes a new subject.  (Don and "D."
# are also an English given name and an initial, and are read as written:
# not here.)  "Mª" (María written
# short with the ordinal sign, as Spanish writes it) is María too: "Mª
# José García López" is María José García López; on main a new subject.
. "$(dirname "$0")/lib.sh"

es_line_register

# --- María and her brother David on the family line and booking -------------
es_call '{"role": "customer", "name": "María García López", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m1=$R
es_call '{"role": "customer", "name": "David García López", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; d1=$R
two_rec_subjects "David García López is not María García López" "$m1" "$d1"
es_call '{"role": "customer", "name": "Dña. María García López", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m2=$R
same_rec_subject "'Dña. María García López' is María" "$m1" "$m2"
two_rec_subjects "'Dña. María García López' is not her brother David" "$d1" "$m2"
es_call '{"role": "customer", "name": "Doña María García López", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m3=$R
same_rec_subject "'Doña María García López' is María" "$m1" "$m3"
es_call '{"role": "customer", "name": "Dª María García López", "phone": "+34 912 345 678", "ref": "X7K2QP"}'; m4=$R
same_rec_subject "'Dª María García López' is María" "$m1" "$m4"
hd=$(handle_of "$d1")
ids=$(es_ids "$hd" "$T_TMP/exp-d")
assert_not_contains "David's access export holds none of María's calls" "$ids" "$m2"

# --- Mª for María ----------------------------------------------------------------
es_call '{"role": "customer", "name": "María José Ruiz Gómez", "phone": "+34 955 222 333", "ref": "ZX4B7N"}'; x1=$R
es_call '{"role": "customer", "name": "Mª José Ruiz Gómez", "phone": "+34 955 222 333", "ref": "ZX4B7N"}'; x2=$R
same_rec_subject "'Mª José Ruiz Gómez' is María José Ruiz Gómez" "$x1" "$x2"

t_done
