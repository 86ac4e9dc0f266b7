#!/bin/bash
# atk38 F6: after `recctl subject split`, José Luis has his name rectified
# to the spelling he uses, "José Luis Martínez-Soto" (setfattr on his
# subject folder).  His subject must keep the whole entries his calls
# gave: the father's next call, "José Martínez Soto" exactly as in his
# split-off call, goes to the father's subject, not to José Luis's
# (restricted by his objection), as a first version of the split sent it.
. "$(dirname "$0")/lib.sh"

split_register
split_household jl.martinez@example.es
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
split_off
call "José Martínez Soto"
assert_eq "control: the father's next call goes to his subject" "$N" "$(handle_of "$R")"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "privacy: José Luis's name rectified to \"José Luis Martínez-Soto\"" \
	as_user "$dpo" setfattr -n user.recfs.name -v "José Luis Martínez-Soto" "$MNT/by-subject/$H"
assert_contains "his card has it" "$(rc subject show "$H" --level-keyring "$PK")" "José Luis Martínez-Soto"
call "José Martínez Soto"
assert_eq "the father's next call still goes to his subject" "$N" "$(handle_of "$R")"
assert_eq "and is not restricted by his son's objection" "0" "$(restricted "$R")"
call "José Luis Martínez-Soto"
assert_eq "José Luis as rectified goes to his subject" "$H" "$(handle_of "$R")"
t_done
