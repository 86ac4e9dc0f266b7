#!/bin/bash
# atk38 F7: `recctl subject reindex` after a split keeps the whole entries
# the split put (a first version dropped them with the card name's other
# entries): the father's next call goes to his own subject, not to his
# son's (restricted by the son's objection).  recctl asks for a reindex
# after an upgrade.
. "$(dirname "$0")/lib.sh"

split_register
wholes() { q "SELECT count(*) FROM subject_index WHERE handle = '$1' AND kind = 'whole'"; }
split_household jl.martinez@example.es
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
split_off
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
