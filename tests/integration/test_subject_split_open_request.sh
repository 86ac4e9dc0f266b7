#!/bin/bash
# atk38 F10: the father asks for access; the officer finds the subject
# (his son's too), opens the request on it, sees it holds two people and
# splits the father's calls off.  The request stays the subject's it was
# opened on (recfs cannot know whose it is), so the split names it and
# says what its answer takes.
. "$(dirname "$0")/lib.sh"

split_register
split_household
assert_ok "the father's access request, on the subject found" rc request new --type access --subject "$H" --verified-by "father's ID card"
assert_ok "proceed" rc request proceed 1
split_off
assert_contains "the split tells him request 1 is open on the subject split" "$T_OUT" "request 1"
assert_contains "and what its answer takes" "$T_OUT" "its answer takes $H's recordings, none of $N's"
t_done
