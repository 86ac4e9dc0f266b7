#!/bin/bash
# atk38 F7: `recctl subject reindex` after a split keeps the whole entries
# the split put (a first version dropped them with the card name's other
# entries): the father's next call goes to his own subject, not to his
# son's (restricted by the son's objection).  recctl asks for a reindex
# after an upgrade.
. "$(dirname "$0")/lib.sh"

unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }
wholes() { q "SELECT count(*) FROM subject_index WHERE handle = '$1' AND kind = 'whole'"; }
FIELDS='"source": "customer-service", "purpose": "service-level"'
LINE='"phone": "+34 912 345 678", "ref": "BK-4471"'
PK=$KEYS/privacy.keyring
call() { subject_call "{\"role\": \"customer\", \"name\": \"$1\", $LINE}" "$FIELDS"; }

subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", \"email\": \"jl.martinez@example.es\", $LINE}" "$FIELDS"; L1=$R
call "José Martínez Soto"; M1=$R
call "José Luis Martínez Soto"
H=$(handle_of "$L1")
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
assert_ok "the officer splits the father's call off" rc subject split "$H" "$M1" --level-keyring "$PK"
N=$(handle_of "$M1")
W_H=$(wholes "$H") W_N=$(wholes "$N")
assert_ok "recctl subject reindex" rc subject reindex --level-keyring "$PK"
assert_eq "José Luis's subject keeps its whole entries" "$W_H" "$(wholes "$H")"
assert_eq "the father's keeps his" "$W_N" "$(wholes "$N")"
call "José Martínez Soto"
assert_eq "the father's next call goes to his subject" "$N" "$(handle_of "$R")"
assert_eq "and is not restricted by his son's objection" "0" "$(restricted "$R")"
call "José Luis Martínez Soto"
assert_eq "José Luis's next call goes to his" "$H" "$(handle_of "$R")"
t_done
