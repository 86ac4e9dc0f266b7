#!/bin/bash
# Names on the mount made from catalog text (naming.h): a source that holds
# a tab and a newline gives a by-source folder and a stem with '_' in their
# place, names that ls, find and scripts take as they are.  Ingest stores
# only the policy's source names, so the odd one is written into the
# catalog by hand, as an older writer or an edit could have left it.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 2 --seed 5
ingest_spool "$T_TMP/spool"
id=$(q "SELECT id FROM recording ORDER BY id LIMIT 1")
[ -n "$id" ] || t_abort "ingest" "no recording"
q "UPDATE recording SET source = 'Desk' || char(9) || 'A' || char(10) || 'B' WHERE id = '$id'"
assert_eq "the catalog holds the source with its tab and newline" "$(printf 'Desk\tA\nB')" \
	"$(q "SELECT source FROM recording WHERE id = '$id'")"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

assert_contains "ls by-source shows Desk_A_B" "$(as_user "$dpo" ls "$MNT/by-source")" "Desk_A_B"
n=$(as_user "$dpo" find "$MNT" -print0 | LC_ALL=C grep -zc '[[:cntrl:]]')
assert_eq "no name on the mount holds a control character" 0 "$n"
n=$(as_user "$dpo" find "$MNT/by-source/Desk_A_B" "$MNT/by-date" -name "*_Desk_A_B_${id:0:8}.opus" -print0 |
	tr -cd '\0' | wc -c)
assert_eq "the recording's stem has Desk_A_B, in by-source and in by-date" 2 "$n"

unmount_recfs "$MNT"
t_done
