#!/bin/bash
# The daughter "Anna-Lena Berg" is a subject of the household line, her
# personnummer on her card.  Her mother, Anna Berg with the middle name
# Lena (recfs-manifest(5)'s own example: "the line's Anna Berg may be
# Anna Lena Berg"), calls for the first time and the agent writes "Anna
# Lena Berg" with the mother's own personnummer.  The name's own reading
# (Anna) is no subject's; read joined, as "Anna-Lena Berg", it is the
# daughter's, but the daughter's subject does not hold that personnummer:
# the call is a new subject, or `recctl subject find` by the mother's
# personnummer would find the daughter, the daughter's access export would
# hold the mother's call, and a later call by the personnummer alone would
# go to the daughter (atk37 F2).  So with the mother's own e-mail address.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }

subject_call '{"role": "customer", "name": "Anna-Lena Berg", "phone": "+46 70 555 0606", "ref": "19900101-1234"}'
RD=$R
D=$(handle_of "$RD")
subject_call '{"role": "customer", "name": "Anna Lena Berg", "phone": "+46 70 555 0606", "ref": "19650505-5678"}'
RM=$R
two_rec_subjects "Anna Lena Berg with another personnummer is not Anna-Lena Berg" "$RD" "$RM"
found=$(rc subject find "19650505-5678" --keyring "$KEYS/ingest.keyring" 2>&1)
case "$found" in
*"$D"*) fail "subject find by the mother's personnummer does not find the daughter" "it does: $found" ;;
*) pass "subject find by the mother's personnummer does not find the daughter" ;;
esac
ids=$(export_ids "$D" "$T_TMP/export")
case " $ids " in
*" $RM "*) fail "the daughter's access export does not hold the mother's call" "it does: $ids" ;;
*) pass "the daughter's access export does not hold the mother's call" ;;
esac
subject_call '{"role": "customer", "phone": "+46 70 555 0606", "ref": "19650505-5678"}'
two_rec_subjects "a later call by the mother's personnummer alone is not the daughter's" "$RD" "$R"

# The same with the mother's own e-mail address (the daughter's card has
# none): the daughter's subject takes it.
subject_call '{"role": "customer", "name": "Anna-Lena Berg", "phone": "+46 70 555 0607"}'
RD2=$R
D2=$(handle_of "$RD2")
subject_call '{"role": "customer", "name": "Anna Lena Berg", "phone": "+46 70 555 0607", "email": "anna.berg@example.se"}'
two_rec_subjects "Anna Lena Berg with her own e-mail is not Anna-Lena Berg" "$RD2" "$R"
found=$(rc subject find "anna.berg@example.se" --keyring "$KEYS/ingest.keyring" 2>&1)
case "$found" in
*"$D2"*) fail "subject find by the mother's e-mail does not find the daughter" "it does: $found" ;;
*) pass "subject find by the mother's e-mail does not find the daughter" ;;
esac
t_done
