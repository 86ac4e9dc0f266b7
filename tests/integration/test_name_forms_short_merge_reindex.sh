#!/bin/bash
# A merge undone by reindex (atk42 F5).  recfs-manifest(5): a subject
# made by the short form "María García" is not found by the full name
# later: two subjects, which `recctl subject merge` makes one.  After the
# merge, "María García" on her own mobile is hers (the merged subject
# holds that name).  `recctl subject reindex` (which schema 27 asks
# every register with subjects to run) makes the names again from the
# card and the calls, and now takes no entries of a call's short form
# when the subject holds it as a short form: the merged name is lost,
# and her next "María García" on her mobile is a new subject, which her
# objection does not reach.  On main the reindex keeps it.
. "$(dirname "$0")/lib.sh"
es_line_register
es_call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678", "email": "maria.garcia.lopez@example.es"}'; n1=$R
es_call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
two_rec_subjects "the full name after the short form is a subject of its own (as documented)" "$n1" "$m1"
hm=$(handle_of "$m1")
assert_ok "the officer merges them" \
	"$RECCTL" subject merge "$hm" "$(handle_of "$n1")" -R "$REG" --level-keyring "$KEYS/dpo.keyring"
same_rec_subject "one subject" "$n1" "$m1"
es_call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678"}'; a=$R
same_rec_subject "'María García' on her mobile is her" "$m1" "$a"
assert_ok "she objects to complaints" "$RECCTL" subject object "$hm" --purpose complaints -R "$REG"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/dpo.keyring"
es_call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678"}'; b=$R
same_rec_subject "after the reindex, 'María García' on her mobile is still her" "$m1" "$b"
assert_eq "... and arrives restricted by her objection" \
	"1" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$b'")"

t_done
