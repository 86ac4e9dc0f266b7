#!/bin/bash
# atk38 F9: the split is logged on the old handle ("into=NEW"), on the new
# one ("from=OLD") and on each moved recording, so `recctl audit show
# --subject NEW`, `--object NEW` and `--recording` of a moved call say
# where the new subject came from (a first version logged it on the old
# handle alone).
. "$(dirname "$0")/lib.sh"

split_register
split_household
split_off "split"
assert_contains "audit show --subject NEW names the split" "$(rc audit show --subject "$N")" "split-subject"
assert_contains "audit show --object NEW names the split" "$(rc audit show --object "$N")" "split-subject"
assert_contains "audit show --recording of the moved call names the split" "$(rc audit show --recording "$M1")" "split-subject"
t_done
