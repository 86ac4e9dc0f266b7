#!/bin/bash
# recfs(8) / README: `setfattr -x user.recfs.name` (or -v "") clears the
# field of a subject's card, and "a new name replaces the old one in the
# recordings' user.recfs.subject_names too".  A cleared name must not leave
# a stray " (S-...)" (an empty name and a space) in subject_names.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 7
ingest_spool "$spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

h=$(as_user "$analyst" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "data" "no subject"
f=$(as_user "$analyst" find "$MNT/by-subject/$h" -name '*.opus' | head -n 1)
[ -n "$f" ] || t_abort "data" "no recording of $h"
names()
{
	as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$1"
}
assert_contains "the recording names the subject" "$(names "$f")" "($h)"
assert_ok "privacy: clear the subject's name" as_user "$dpo" setfattr -x user.recfs.name "$MNT/by-subject/$h"
assert_eq "the card's name is empty" "" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.name "$MNT/by-subject/$h")"
n=$(names "$f")
assert_contains "subject_names still lists the handle" "$n" "$h"
assert_not_contains "no empty name between two entries" "$n" ",  "
case "$n" in
" "*) fail "subject_names does not start with a space" "got '$n'" ;;
*) pass "subject_names does not start with a space" ;;
esac

unmount_recfs "$MNT"
t_done
