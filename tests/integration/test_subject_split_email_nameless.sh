#!/bin/bash
# After `subject split` the subject split off holds the e-mail its calls
# gave (4fff725), but the old subject keeps that e-mail's entry though
# none of its calls gives it (all calls here were ingested with details
# that keep e-mails).  The father's next call that gives his own e-mail and
# no name (a callback form, a withheld number) goes to the old subject,
# his son's: it is in the son's access copy; `subject reindex` keeps
# the son's entry.
# Expected: a call giving only the father's e-mail is the father's
# subject's (or a new one), never the son's (recctl(1): "his next call
# giving it is his").
. "$(dirname "$0")/lib.sh"

split_register
split_household "" jose.padre@example.es
[ "$(handle_of "$M1")" = "$H" ] && [ "$(handle_of "$L2")" = "$H" ] || t_abort "data" "the register did not take the three calls for one subject"
split_off
found=$(rc subject find jose.padre@example.es --keyring "$KEYS/ingest.keyring" | cut -f1 | sort | paste -sd' ')
assert_not_contains "subject find by the father's e-mail does not find the son's subject" "$found" "$H"
assert_ok "subject reindex" rc subject reindex --level-keyring "$PK"
found=$(rc subject find jose.padre@example.es --keyring "$KEYS/ingest.keyring" | cut -f1 | sort | paste -sd' ')
assert_not_contains "... nor after subject reindex" "$found" "$H"
subject_call '{"role": "customer", "email": "jose.padre@example.es"}' "$FIELDS"
P1=$R
assert_not_contains "the father's nameless call giving his e-mail is not the son's" "$(handle_of "$P1")" "$H"
ids=$(export_ids "$H" "$T_TMP/eh" "$PK")
assert_not_contains "... and not in the son's access copy" "$ids" "$P1"
t_done
