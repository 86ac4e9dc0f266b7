#!/bin/bash
# A card an older recfs made names no handle, so a subject's row pointed
# at it by root is told by the other row that points at it too: rectify
# and merge refuse it (EIO, logged), writing nothing (atk58 F1: they took
# it as Matti's, and wrote Liisa's card with his name and e-mail, and a
# merge erased Maija's card into it).  put_card takes "handle" out of
# Liisa's card, as an older recfs's lacks it.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
# Liisa's card as an older recfs made it: no handle in it
"$T_BUILD/test/put_card" "$REG" "$PK" "$C" handle || t_abort "put_card" "failed"
mine=$(q "SELECT card FROM subject WHERE handle = '$A'")
hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
[ -n "$mine" ] && [ -n "$hers" ] || t_abort "cards" "no card ids"
assert_eq "control: Liisa's card" '"Liisa Korhonen"' "$(card_of "$C" '.name')"
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null
assert_exit "fsck names the two subjects on one card record" 1 "$RECCTL" fsck -R "$REG" --keyring "$PK"

refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused'"; }
n=$(refused rectify "$A")
assert_exit "a rectification of Matti through Liisa's card is refused" 1 \
	"$RECCTL" subject rectify -R "$REG" "$A" name "Matti Korhonen" --level-keyring "$PK"
assert_eq "... logged" $((n + 1)) "$(refused rectify "$A")"
assert_exit "a rectification of Matti's e-mail through Liisa's card is refused" 1 \
	"$RECCTL" subject rectify -R "$REG" "$A" email "matti@example.fi" --level-keyring "$PK"
q "UPDATE subject SET card = '$mine' WHERE handle = '$A'" >/dev/null
assert_eq "Liisa's card is as it was" '["Liisa Korhonen",null]' "$(card_of "$C" '[.name, .email]')"
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null
assert_exit "a merge of Maija into Matti through Liisa's card is refused" 1 \
	"$RECCTL" subject merge -R "$REG" "$A" "$B" --level-keyring "$PK"
q "UPDATE subject SET card = '$mine' WHERE handle = '$A'" >/dev/null
assert_eq "both other subjects are still there" 2 "$(q "SELECT count(*) FROM subject WHERE handle IN ('$B', '$C')")"
assert_eq "the log names no one" 0 "$(q "SELECT count(*) FROM audit WHERE reason LIKE '%Korhonen%' OR reason LIKE '%Matti%'")"
t_done
