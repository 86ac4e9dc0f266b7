#!/bin/bash
# atk38 F8: `recctl subject split --name` of a name longer than a card
# value may be (256 bytes) is refused saying it is too long, as a
# rectification of the same name is (a first version said it held a
# control character or was not UTF-8).
. "$(dirname "$0")/lib.sh"

split_register
call "José Luis Martínez Soto"; L1=$R
call "José Martínez Soto"; M1=$R
H=$(handle_of "$L1")
long="José $(printf 'Martínez %.0s' $(seq 1 30))Soto"
assert_exit "a 300-byte --name is refused" 1 rc subject split "$H" "$M1" --level-keyring "$PK" --name "$long"
assert_contains "it says the name is too long" "$T_OUT" "longer than 256 bytes"
assert_not_contains "not that it holds a control character" "$T_OUT" "control character"
t_done
