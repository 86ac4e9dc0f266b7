#!/bin/bash
# Root points one subject's row at another person's card: subject reindex
# stops, nothing changed, and says which subject, logged (atk58 F6: it
# stopped unlogged; before that check it indexed Liisa's number for
# Matti).
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
	"Liisa Korhonen" "+358401234568"
A=$h1 B=$h2 C=$h3
hers=$(q "SELECT card FROM subject WHERE handle = '$C'")
q "UPDATE subject SET card = '$hers' WHERE handle = '$A'" >/dev/null
n=$(q "SELECT count(*) FROM audit WHERE outcome = 'refused'")
assert_fails_with "the reindex stops, naming the subject" "subject-reindex refused: the subject's card record is another subject's" \
	"$RECCTL" subject reindex -R "$REG" --level-keyring "$PK"
assert_eq "the reindex's refusal of Matti's card is logged" $((n + 1)) \
	"$(q "SELECT count(*) FROM audit WHERE outcome = 'refused'")"
found=$("$RECCTL" subject find -R "$REG" "+358401234568" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_not_contains "Liisa's number does not find Matti" "$found" "$A"
t_done
