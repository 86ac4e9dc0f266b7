#!/bin/bash
# A household's line: José Luis Martínez Soto's calls and his father José
# Martínez Soto's, who gave his own e-mail on his call, were taken for one
# subject (lib.sh split_household).  The officer splits the father's call
# off (recctl subject split).
# Expected: the new subject holds the e-mail the father's call gave:
# `subject find` by it finds him, his next call giving it with his name is
# his, and José Luis's next call with his own name on the line stays José
# Luis's.  Seen before: the e-mail's entry stayed with the old subject
# alone, so the father was found only as José Luis.
. "$(dirname "$0")/lib.sh"

split_register
split_household "" jose.padre@example.es
[ "$(handle_of "$M1")" = "$H" ] && [ "$(handle_of "$L2")" = "$H" ] || t_abort "data" "the register did not take the three calls for one subject"
split_off
found=$(rc subject find jose.padre@example.es --keyring "$KEYS/ingest.keyring" | cut -f1 | sort | paste -sd' ')
assert_contains "subject find by the father's e-mail finds the subject split off" "$found" "$N"
subject_call '{"role": "customer", "name": "José Martínez Soto", "email": "jose.padre@example.es"}' "$FIELDS"
assert_eq "the father's next call, giving his e-mail, is his" "$N" "$(handle_of "$R")"
call "José Luis Martínez Soto"
assert_eq "José Luis's next call on the line is his" "$H" "$(handle_of "$R")"
t_done
