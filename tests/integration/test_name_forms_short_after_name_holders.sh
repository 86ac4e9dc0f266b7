#!/bin/bash
# The short form is tried before the reference and the phone are
# looked up by name (atk42 F4).  recfs-manifest(5): the short form
# finds a subject for "an entry whose own name no subject holding its
# identifiers may be".  A family writes its bookings with one e-mail,
# garcia.familia@example.es, which only the mother, María García López,
# has given so far; her daughter is "María García Ruiz" on the booking,
# and "María García" on the booking and the daughter's mobile is a
# subject of its own ("neither's").  Then "María García" with the
# family e-mail, the booking and that mobile: a subject holding its
# mobile and booking is named "María García" exactly, so it is that
# subject's, not the mother's (the short form is not asked).
. "$(dirname "$0")/lib.sh"
es_line_register
es_call '{"role": "customer", "name": "María García López", "email": "garcia.familia@example.es", "ref": "X7K2QP"}'; m1=$R
es_call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d1=$R
two_rec_subjects "the daughter 'María García Ruiz' is not her mother" "$m1" "$d1"
es_call '{"role": "customer", "name": "María García", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d2=$R
two_rec_subjects "'María García' on the booking and the daughter's mobile is not the mother" "$m1" "$d2"
es_call '{"role": "customer", "name": "María García", "email": "garcia.familia@example.es", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d3=$R
same_rec_subject "'María García' with the family e-mail, the booking and that mobile is the subject 'María García' holding them" "$d2" "$d3"
two_rec_subjects "... not the mother" "$m1" "$d3"
es_call '{"role": "customer", "name": "María García", "email": "garcia.familia@example.es", "ref": "X7K2QP"}'; d4=$R
same_rec_subject "'María García' with the family e-mail and the booking is the subject 'María García' holding the booking" "$d2" "$d4"

t_done
