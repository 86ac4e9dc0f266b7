#!/bin/bash
# atk38 F9: the split is logged on the old handle ("into=NEW"), on the new
# one ("from=OLD") and on each moved recording, so `recctl audit show
# --subject NEW`, `--object NEW` and `--recording` of a moved call say
# where the new subject came from (a first version logged it on the old
# handle alone).
. "$(dirname "$0")/lib.sh"

unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
FIELDS='"source": "customer-service", "purpose": "service-level"'
LINE='"phone": "+34 912 345 678", "ref": "BK-4471"'
call() { subject_call "{\"role\": \"customer\", \"name\": \"$1\", $LINE}" "$FIELDS"; }
call "José Luis Martínez Soto"; L1=$R
call "José Martínez Soto"; M1=$R
call "José Luis Martínez Soto"
H=$(handle_of "$L1")
assert_ok "split" rc subject split "$H" "$M1" --level-keyring "$KEYS/privacy.keyring"
N=$(handle_of "$M1")
assert_contains "audit show --subject NEW names the split" "$(rc audit show --subject "$N")" "split-subject"
assert_contains "audit show --object NEW names the split" "$(rc audit show --object "$N")" "split-subject"
assert_contains "audit show --recording of the moved call names the split" "$(rc audit show --recording "$M1")" "split-subject"
t_done
