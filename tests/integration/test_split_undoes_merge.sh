#!/bin/bash
# A split that undoes a wrong merge takes the merged person's history with
# it (recctl subject split --merged OTHER).  The officer merges Maija into
# Matti by mistake, then splits Maija's call back off.  Matti's card lists
# Maija's old handle, sealed (merged_from): the export tells Matti of the
# opens of Maija's call erased before the merge and of the read of her
# card, an Art. 15 answer holding another person's data, while Maija's
# export, the new subject's, lacks them.  Named with --merged, her old
# handle moves with the split to the new subject's card, and the log's
# walks of Matti leave her history out; not named, it stays, and the
# split says so.  A handle the card does not list, or a
# card an older recfs made (no list), is refused, logged, nothing split.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
# Maija's second call is heard and erased, and her card read, before the merge.
merged_with_history

split_of() { "$RECCTL" subject split -R "$1" "$handle" "$rid2" --level-keyring "$PK" --name "Maija Virtanen" "${@:2}"; }
entries() { sqlite3 "$1/catalog.db" "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = '$2'"; }

B=$T_TMP/b C=$T_TMP/c D=$T_TMP/d E=$T_TMP/e
for x in "$B" "$C" "$D" "$E"; do cp -a "$REG" "$x"; done

# 1. --merged OTHER: her history goes with her
assert_ok "the officer splits Maija's call off, naming her old handle (twice: it moves once)" \
	split_of "$REG" --merged "$other" --merged "$other"
assert_contains "... and is told it went with the new subject" "$T_OUT" "1 subject merged into $handle before went with"
N=$(handle_of "$rid2")
[ -n "$N" ] && [ "$N" != "$handle" ] || t_abort "split" "the call was not split off"
export_of "$REG" "$handle" "$T_TMP/e1"
acc=$(accessed "$T_TMP/e1" "$handle")
assert_contains "control: Matti's export lists the opens of his call" "$acc" "open $rid"
assert_not_contains "Matti's export lists no open of Maija's erased call" "$acc" "$rid4"
assert_not_contains "... nor the read of Maija's card" "$acc" "subject-show"
assert_eq "Matti's card lists no merged subject" "[]" "$(jq -c '.merged_from' "$T_TMP/e1/$handle/subject.json")"
export_of "$REG" "$N" "$T_TMP/e2"
acc=$(accessed "$T_TMP/e2" "$N")
assert_contains "Maija's export lists the opens of her erased call" "$acc" "open $rid4"
assert_contains "... and the read of her card" "$acc" "subject-show"
assert_contains "... and the opens of her call split off" "$acc" "open $rid2"
assert_eq "Maija's card lists her old handle" "[\"$other\"]" "$(jq -c '.merged_from' "$T_TMP/e2/$N/subject.json")"
assert_contains "the split's entry counts the handle moved" \
	"$(sqlite3 "$REG/catalog.db" "SELECT reason FROM audit WHERE action = 'split-subject' AND object = '$handle' AND outcome = 'ok'")" \
	"merged=1"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
# The log's walks (no key: audit show --subject, the letters) follow the
# split's entry on the kept subject: Maija's history is no longer Matti's.
# They cannot give it to the new subject (an entry giving history is
# root's to append, atk54): her export alone tells it.
assert_eq "the split logs the handle it moved on the kept subject" "into=$N merged-handle=$other" \
	"$(sqlite3 "$REG/catalog.db" "SELECT reason FROM audit WHERE action = 'split-subject' AND object = '$handle' AND reason LIKE '%merged-handle=%'")"
assert_ok "audit show --subject of Matti" "$RECCTL" audit show -R "$REG" --subject "$handle"
assert_contains "control: ... lists the opens of his call" "$T_OUT" "$rid "
assert_not_contains "... but no open of Maija's erased call" "$T_OUT" "$rid4"
assert_not_contains "... nor the read of Maija's card" "$T_OUT" "subject-show $other"

# 2. not named: it stays the kept subject's, and the split says so.
# subject show names it (on a copy: a card's read is in the export).
assert_ok "subject show of Matti" "$RECCTL" subject show -R "$B" "$handle" --level-keyring "$PK"
assert_match "... names Maija's old handle as merged into his" "$T_OUT" "^  merged from +$other\$"
assert_ok "a split not naming it" split_of "$B"
assert_contains "... says the kept card still lists a merged subject" "$T_OUT" \
	"$handle's card lists 1 subject merged into it before"
export_of "$B" "$handle" "$T_TMP/e3"
assert_eq "... which the kept card lists still" "[\"$other\"]" "$(jq -c '.merged_from' "$T_TMP/e3/$handle/subject.json")"
assert_ok "audit show --subject of Matti" "$RECCTL" audit show -R "$B" --subject "$handle"
assert_contains "... lists the opens of Maija's erased call still, as his export" "$T_OUT" "$rid4"
assert_contains "... and the read of her card" "$T_OUT" "subject-show $other"

# 3. a handle the card does not list, or a text for one: refused, logged, nothing split
before=$(entries "$C" refused)
assert_fails_with "a handle not merged into the subject is refused" "is not among the subjects merged into the subject" \
	split_of "$C" --merged "$handle"
assert_fails_with "a name typed for a handle is refused" "(not a handle)" split_of "$C" --merged "Maija Virtanen"
assert_eq "... both logged" $((before + 2)) "$(entries "$C" refused)"
assert_eq "... the log holds no name" 0 "$(sqlite3 "$C/catalog.db" "SELECT count(*) FROM audit WHERE reason LIKE '%Virtanen%'")"
assert_eq "... nothing was split" "$handle" "$(REG=$C handle_of "$rid2")"

# 4. a card an older recfs made lists none: refused
"$T_BUILD/test/put_card" "$D" "$PK" "$handle" merged_from || t_abort "put_card" "failed"
assert_fails_with "with an older card, --merged is refused" "made by an older recfs" split_of "$D" --merged "$other"
assert_eq "... and nothing was split" "0 $handle" "$(entries "$D" ok) $(REG=$D handle_of "$rid2")"

# 5. a damaged list (only a holder of the rights key seals one): --merged
# is refused; a split naming none leaves the list as it is
"$T_BUILD/test/put_card" "$E" "$PK" "$handle" merged_from "$other" || t_abort "put_card" "failed"
assert_fails_with "with a damaged list, --merged is refused" "list of merged subjects is damaged" \
	split_of "$E" --merged "$other"
assert_ok "a split naming none is made" split_of "$E"
assert_exit "fsck still names the damaged list" 1 "$RECCTL" fsck -R "$E" --keyring "$PK"
assert_contains "... naming the card" "$T_OUT" "subject $handle: its card's list of merged subjects is damaged"
t_done
