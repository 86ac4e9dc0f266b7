#!/bin/bash
# Root, who holds no key, points Matti's call at the sealed details of
# Liisa's call and hers at his (two catalog rows).  Through the mount, an
# analyst's getfattr of the subject names, the title and the staff of his
# call is refused, EIO, and logged on the call, as the rights commands
# refuse such details (test_atk60_split_by_another_details.sh): on the
# build before, it gave Liisa's name as a party of Matti's call, and the
# log said the analyst had read the details of his.  The card's refusal
# (test_atk58_mount_card_of_another.sh) is logged now too.
. "$(dirname "$0")/lib.sh"

three_people
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused' AND reason LIKE '%$3%'"; }
d1=$(q "SELECT details_id FROM recording WHERE id = '$r1'") d2=$(q "SELECT details_id FROM recording WHERE id = '$r2'")
[ -n "$d1" ] && [ -n "$d2" ] || t_abort "details" "no details ids"
q "UPDATE recording SET details_id = '$d2' WHERE id = '$r1'; UPDATE recording SET details_id = '$d1' WHERE id = '$r2'"
mine=$(q "SELECT card FROM subject WHERE handle = '$A'") hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null

MNT=$T_TMP/mnt
mount_all_levels "$MNT"
file_of() { as_user "$analyst" find "$MNT/by-date" -name "*_${1:0:8}.opus"; }
f1=$(file_of "$r1") f2=$(file_of "$r2") f3=$(file_of "$r3")
[ -n "$f1" ] && [ -n "$f2" ] && [ -n "$f3" ] || t_abort "files" "calls not found on the mount"

out=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$f1" 2>&1)
assert_contains "the subject names of Matti's call are refused: its details are Liisa's call's" "$out" \
	"Input/output error"
assert_not_contains "... Liisa is not named a party of his call" "$out" "Liisa"
out=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.staff "$f1" 2>&1)
assert_contains "... and so are the staff of his call" "$out" "Input/output error"
out=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$f2" 2>&1)
assert_contains "Liisa's call, pointed at Matti's details, is refused too" "$out" "Input/output error"
assert_not_contains "... Matti is not named a party of hers" "$out" "Matti"
out=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$f3" 2>&1)
assert_contains "control: Maija's call, untouched, shows her name" "$out" "Maija Virtanen"
out=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.name "$MNT/by-subject/$A" 2>&1)
assert_contains "Matti's card attributes, his row pointed at Liisa's card, are refused" "$out" "Input/output error"
assert_not_contains "... her name not shown" "$out" "Liisa"
unmount_recfs "$MNT"
# the mount's entries are in the log once it has ended
assert_eq "the refusals on Matti's call are logged, each" 2 "$(refused details "$r1" "another recording")"
assert_eq "... and the one on Liisa's" 1 "$(refused details "$r2" "another recording")"
assert_eq "no read of the details of either call is logged as done" 0 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'details' AND object IN ('$r1', '$r2') AND outcome = 'ok'")"
assert_eq "control: the read of Maija's call is logged as done" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'details' AND object = '$r3' AND outcome = 'ok'")"
assert_eq "the refusal of Matti's card attributes is logged on his handle" 1 "$(refused card "$A" "another subject")"

# put back: his call names him again
q "UPDATE recording SET details_id = '$d1' WHERE id = '$r1'; UPDATE recording SET details_id = '$d2' WHERE id = '$r2'"
q "UPDATE subject SET card = '$mine' WHERE handle = '$A'" >/dev/null
mount_all_levels "$MNT"
out=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$(file_of "$r1")" 2>&1)
assert_contains "control: with the rows put back, Matti's call names him" "$out" "Matti Meikäläinen"
assert_not_contains "... and not Liisa" "$out" "Liisa"
unmount_recfs "$MNT"
assert_eq "the log names no one" 0 \
	"$(q "SELECT count(*) FROM audit WHERE reason LIKE '%Korhonen%' OR reason LIKE '%Meikäläinen%' OR reason LIKE '%Virtanen%'")"
t_done
