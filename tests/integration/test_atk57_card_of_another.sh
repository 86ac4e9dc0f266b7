#!/bin/bash
# A subject's row pointed at another person's card (root, with the
# catalog and no key: atk57) is refused by every command that writes a
# card, as the export and fsck refuse it: each said, logged, and the other
# person's card left as it was.  Before, a rectification of Matti wrote
# his new name into Liisa's card, a split moved her merged subject
# within her own card, and a merge read her card as Matti's and erased
# it with his.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
"$RECCTL" subject merge -R "$REG" "$C" "$B" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge" "$C $B"
mine=$(q "SELECT card FROM subject WHERE handle = '$A'")
hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
[ -n "$mine" ] && [ -n "$hers" ] || t_abort "cards" "no card ids"
assert_eq "control: Liisa's card" "[\"Liisa Korhonen\",[\"$B\"]]" "$(card_of "$C" '[.name, .merged_from]')"
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null

refused() { q "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2' AND outcome = 'refused'"; }
theirs="card record is another subject's"
n=$(refused rectify "$A")
assert_fails_with "a rectification of Matti through Liisa's card is refused" "$theirs" \
	"$RECCTL" subject rectify -R "$REG" "$A" name "Matti Korhonen" --level-keyring "$PK"
assert_eq "... logged" $((n + 1)) "$(refused rectify "$A")"
n=$(refused split-subject "$A")
assert_fails_with "a split of Matti's merged subjects through her card is refused" "$theirs" \
	"$RECCTL" subject split -R "$REG" "$A" --merged "$B" --into "$C" --level-keyring "$PK"
assert_eq "... logged" $((n + 1)) "$(refused split-subject "$A")"
n=$(( $(refused merge-subject "$A") + $(refused merge-subject "$C") ))
assert_fails_with "a merge into Matti through her card is refused" "$theirs" \
	"$RECCTL" subject merge -R "$REG" "$A" "$C" --level-keyring "$PK"
assert_fails_with "... and of Matti into Liisa" "$theirs" \
	"$RECCTL" subject merge -R "$REG" "$C" "$A" --level-keyring "$PK"
assert_eq "... both logged (on the handle whose card was read first)" $((n + 2)) \
	"$(( $(refused merge-subject "$A") + $(refused merge-subject "$C") ))"
assert_eq "the log names no one" 0 "$(q "SELECT count(*) FROM audit WHERE reason LIKE '%Korhonen%' OR reason LIKE '%Matti%'")"
assert_eq "both subjects are still there" 2 "$(q "SELECT count(*) FROM subject WHERE handle IN ('$A', '$C')")"
assert_eq "Liisa's card is as it was" "[\"Liisa Korhonen\",[\"$B\"]]" "$(card_of "$C" '[.name, .merged_from]')"
q "UPDATE subject SET card = '$mine' WHERE handle = '$A'" >/dev/null
assert_eq "Matti's, his row set back, too" "[\"Matti Meikäläinen\",[]]" "$(card_of "$A" '[.name, .merged_from]')"
assert_ok "fsck finds nothing wrong then" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
