#!/bin/bash
# atk38 F10: the father asks for access; the officer finds the subject
# (his son's too), opens the request on it, sees it holds two people and
# splits the father's calls off.  The request stays the subject's it was
# opened on (recfs cannot know whose it is), so the split names it and
# says what its answer takes.
. "$(dirname "$0")/lib.sh"

unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
FIELDS='"source": "customer-service", "purpose": "service-level"'
LINE='"phone": "+34 912 345 678", "ref": "BK-4471"'
PK=$KEYS/privacy.keyring
call() { subject_call "{\"role\": \"customer\", \"name\": \"$1\", $LINE}" "$FIELDS"; }
call "José Luis Martínez Soto"; L1=$R
call "José Martínez Soto"; M1=$R
call "José Luis Martínez Soto"; L2=$R
H=$(handle_of "$L1")
assert_ok "the father's access request, on the subject found" rc request new --type access --subject "$H" --verified-by "father's ID card"
assert_ok "proceed" rc request proceed 1
assert_ok "the officer splits the father's call off" rc subject split "$H" "$M1" --level-keyring "$PK"
N=$(handle_of "$M1")
assert_contains "the split tells him request 1 is open on the subject split" "$T_OUT" "request 1"
assert_contains "and what its answer takes" "$T_OUT" "its answer takes $H's recordings, none of $N's"
t_done
