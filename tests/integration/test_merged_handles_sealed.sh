#!/bin/bash
# Promise tried: a subject's export (Art. 15(1)(c): who accessed the
# person's recordings) lists no other person's call.  The person's earlier
# handles, whose history is theirs, come from the sealed card, which
# `recctl subject merge` writes (SUBJECT_CARD_MERGED), not from the audit
# log; a recording the log says was erased while linked to the subject
# counts only when the catalog no longer holds it.
#
# Attack (root with write access to catalog.db, no level key; atk52 F5):
# the log is a chain root extends with recfs's own audit_log (put_audit),
# and audit verify --verify-key says intact.  Appended on subject H: a
# merge-subject "from=O" (O another person with a call of their own), or
# an erase naming subject=H on O's call, which is still there.  On the
# build before, H's export listed O's call and every open of it.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
other=$(handle_of "$rid2")
[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"

# accessed DIR HANDLE: the recordings export.json lists accesses of
accessed() { jq -r '[.accesses[].recording // empty] | unique | join(" ")' "$1/$2/export.json"; }
# card_reads DIR HANDLE: how many reads of a card (subject show) it lists
card_reads() { jq '[.accesses[] | select(.action == "subject-show")] | length' "$1/$2/export.json"; }

export_of "$REG" "$handle" "$T_TMP/e0"
assert_contains "control: the subject's export lists the opens of its call" "$(accessed "$T_TMP/e0" "$handle")" "$rid"
assert_not_contains "control: ... and not the other person's call" "$(accessed "$T_TMP/e0" "$handle")" "$rid2"
assert_eq "a new card lists no merged subject" "[]" "$(jq -c '.merged_from' "$T_TMP/e0/$handle/subject.json")"

# 1. a merge entry appended by root
X=$T_TMP/x
cp -a "$REG" "$X"
"$T_BUILD/test/put_audit" "$X" merge-subject "$handle" ok "from=$other recordings=1 restricted=0" ||
	t_abort "put_audit" "failed"
assert_ok "audit verify --verify-key says the log with the entry is intact" \
	"$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
export_of "$X" "$handle" "$T_TMP/e1"
assert_not_contains "a forged merge entry brings no other person's call into the accesses" \
	"$(accessed "$T_TMP/e1" "$handle")" "$rid2"
assert_contains "... which keep the subject's own" "$(accessed "$T_TMP/e1" "$handle")" "$rid"
# without keys (audit show, the letters) and for a card an older recfs
# made: a merge erased the merged subject's card, so an entry naming a
# subject the catalog holds is not followed
assert_ok "audit show --subject" "$RECCTL" audit show -R "$X" --subject "$handle"
assert_contains "... lists the subject's call" "$T_OUT" "$rid"
assert_not_contains "... and not the other person's, whose card is there" "$T_OUT" "$rid2"
"$T_BUILD/test/put_card" "$X" "$PK" "$handle" merged_from || t_abort "put_card" "failed"
export_of "$X" "$handle" "$T_TMP/e1b"
assert_not_contains "an older card's export does not follow the entry either" \
	"$(accessed "$T_TMP/e1b" "$handle")" "$rid2"

# 2. an erasure entry appended by root, naming the subject on the other
# person's call, which the catalog still holds
Y=$T_TMP/y
cp -a "$REG" "$Y"
"$T_BUILD/test/put_audit" "$Y" erase "$rid2" ok "rm kind=call subject=$handle" || t_abort "put_audit" "failed"
export_of "$Y" "$handle" "$T_TMP/e2"
assert_not_contains "a forged erasure of a call still there brings it into no one's accesses" \
	"$(accessed "$T_TMP/e2" "$handle")" "$rid2"

# 3. a genuine merge: the card lists the merged subject, whose call and
# whose card's read are the person's
Z=$T_TMP/z
cp -a "$REG" "$Z"
assert_ok "subject show of the other subject (a read of its card)" \
	"$RECCTL" subject show -R "$Z" "$other" --level-keyring "$PK"
assert_ok "recctl subject merge" "$RECCTL" subject merge -R "$Z" "$handle" "$other" --level-keyring "$PK"
export_of "$Z" "$handle" "$T_TMP/e3"
assert_eq "the kept subject's card lists the merged one" "[\"$other\"]" \
	"$(jq -c '.merged_from' "$T_TMP/e3/$handle/subject.json")"
assert_contains "its export lists the opens of the merged subject's call" "$(accessed "$T_TMP/e3" "$handle")" "$rid2"
assert_eq "... and the read of the merged subject's card" 1 "$(card_reads "$T_TMP/e3" "$handle")"

# 4. cards an older recfs made (no list): the merge keeps none, and the
# export follows the log's merge entry, as before
W=$T_TMP/w
cp -a "$REG" "$W"
for h in "$handle" "$other"; do
	"$T_BUILD/test/put_card" "$W" "$PK" "$h" merged_from || t_abort "put_card" "failed"
done
assert_ok "subject show of the other subject (older cards)" \
	"$RECCTL" subject show -R "$W" "$other" --level-keyring "$PK"
assert_ok "recctl subject merge of older cards" "$RECCTL" subject merge -R "$W" "$handle" "$other" --level-keyring "$PK"
export_of "$W" "$handle" "$T_TMP/e4"
assert_eq "the kept older card has no list still" false "$(jq 'has("merged_from")' "$T_TMP/e4/$handle/subject.json")"
assert_eq "its export finds the merged card's read by the log" 1 "$(card_reads "$T_TMP/e4" "$handle")"

# 5. a new card merged with an older one: the kept card drops its list
# (the older one's merges are known to the log alone)
V=$T_TMP/v
cp -a "$REG" "$V"
"$T_BUILD/test/put_card" "$V" "$PK" "$other" merged_from || t_abort "put_card" "failed"
assert_ok "recctl subject merge of an older card into a new one" \
	"$RECCTL" subject merge -R "$V" "$handle" "$other" --level-keyring "$PK"
export_of "$V" "$handle" "$T_TMP/e5"
assert_eq "the kept card has no list then" false "$(jq 'has("merged_from")' "$T_TMP/e5/$handle/subject.json")"

# 6. a list that is not one (only a holder of the rights key can seal it):
# the export refuses, logged, and fsck names it
U=$T_TMP/u
cp -a "$REG" "$U"
"$T_BUILD/test/put_card" "$U" "$PK" "$handle" merged_from "$other" || t_abort "put_card" "failed"
assert_fails_with "the export refuses a card whose list is damaged" "list of merged subjects is not a list" \
	"$RECCTL" subject export -R "$U" "$handle" "$T_TMP/e6" --level-keyring "$PK"
assert_eq "... logged" 1 "$(sqlite3 "$U/catalog.db" "SELECT count(*) FROM audit WHERE action = 'export'
	AND object = '$handle' AND outcome = 'refused'")"
assert_exit "fsck with the rights keyring exits 1" 1 "$RECCTL" fsck -R "$U" --keyring "$PK"
assert_contains "... naming the card" "$T_OUT" "subject $handle: its card's list of merged subjects is damaged"
t_done
