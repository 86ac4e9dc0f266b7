#!/bin/bash
# Root points Matti's row at Liisa's card record (catalog, no key); the
# privacy officer works through a mount and with recctl.  Nothing shows
# her card as his, and erasing him leaves her card (atk58 F4: getfattr of
# his folder and subject show gave her name and number; rm -r of his
# folder deleted her card record, her export failed after).  The
# rectification through setfattr is refused, EIO, logged.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
mine=$(q "SELECT card FROM subject WHERE handle = '$A'")
hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
[ -n "$mine" ] && [ -n "$hers" ] || t_abort "cards" "no card ids"
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null
shown=$("$RECCTL" subject show -R "$REG" "$A" --level-keyring "$PK" 2>&1)
assert_not_contains "recctl subject show of Matti does not show Liisa's name" "$shown" "Liisa"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused'"; }
n=$(refused rectify "$A")
assert_fails_with "setfattr of Matti's name through Liisa's card is refused" "Input/output error" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Matti Korhonen" "$MNT/by-subject/$A"
assert_eq "... logged" $((n + 1)) "$(refused rectify "$A")"
shown=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.name "$MNT/by-subject/$A" 2>&1)
assert_not_contains "getfattr of Matti's folder does not show Liisa's name" "$shown" "Liisa"
shown=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.phone "$MNT/by-subject/$A" 2>&1)
assert_not_contains "... nor her number" "$shown" "1234568"
as_user "$dpo" rm -r "$MNT/by-subject/$A" >/dev/null 2>&1
unmount_recfs "$MNT"
assert_eq "control: Matti's subject was erased" 0 "$(q "SELECT count(*) FROM subject WHERE handle = '$A'")"
assert_eq "Liisa's card record is still there" 1 "$(q "SELECT count(*) FROM record WHERE id = '$hers'")"
assert_contains "... and the erasure's entry says it was kept" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase-subject' AND object = '$A' AND outcome = 'ok'")" "card=kept-shared"
assert_ok "Liisa's export runs" "$RECCTL" subject export -R "$REG" "$C" "$T_TMP/e-$C" --level-keyring "$PK"
assert_eq "the log names no one" 0 "$(q "SELECT count(*) FROM audit WHERE reason LIKE '%Korhonen%' OR reason LIKE '%Matti%'")"
t_done
