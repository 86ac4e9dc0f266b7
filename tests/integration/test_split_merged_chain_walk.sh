#!/bin/bash
# A chain of merges, then a split that undoes part of it (atk54 F2): the
# officer merges Liisa (C) into a second handle of Matti's (B) by mistake,
# then B into Matti (A), rightly; A's card lists B and C.  The log's walks
# (audit show --subject, the letters; no key) agree with the cards on
# what stays the kept subject's: a split naming C takes C's history out of
# A's walk, one naming B only takes B's and keeps C's (reached through
# B's merge, as A's card keeps C).  The new subject's walk is given
# nothing by the split's entries (root could append them, atk54): its
# export (the sealed card) tells the history it took.
. "$(dirname "$0")/lib.sh"

three_subjects "Matti Meikäläinen" "+358401234567" "Matti Meikäläinen" "+358409999999" \
	"Liisa Korhonen" "+358401234569"
A=$h1 B=$h2 C=$h3
for i in 1 2; do
	"$RECCTL" subject show -R "$REG" "$B" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "subject show" "of B"
done
"$RECCTL" subject show -R "$REG" "$C" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "subject show" "of C"
"$RECCTL" subject merge -R "$REG" "$B" "$C" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge C into B" "failed"
"$RECCTL" subject merge -R "$REG" "$A" "$B" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge B into A" "failed"
R2=$T_TMP/r2
cp -a "$REG" "$R2"

assert_ok "control: audit show --subject of Matti" "$RECCTL" audit show -R "$REG" --subject "$A"
assert_contains "... lists the read of Liisa's card (merged into his, through B)" "$T_OUT" "subject-show $C"
assert_contains "... and the read of B's card" "$T_OUT" "subject-show $B"

# reads REG HANDLE: how many card reads HANDLE's export lists (B's card
# was read twice, C's once), then whether its audit show --subject lists
# the reads of B's and of C's card ("yes"/"no" each)
reads()
{
	local d=$T_TMP/x-$2 acc walk
	export_of "$1" "$2" "$d"
	acc=$(jq '[.accesses[] | select(.action == "subject-show")] | length' "$d/$2/export.json")
	walk=$("$RECCTL" audit show -R "$1" --subject "$2" 2>&1) || t_abort "audit show" "of $2: $walk"
	echo -n "$acc "
	for h in "$B" "$C"; do case "$walk" in *"subject-show $h"*) echo -n "yes " ;; *) echo -n "no " ;; esac; done
}

# 1. the split names C: A keeps B
assert_ok "the officer splits Liisa's call off, naming C" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --level-keyring "$PK" --name "Liisa Korhonen" --merged "$C"
N=$(handle_of "$r3")
[ -n "$N" ] && [ "$N" != "$A" ] || t_abort "split" "the call was not split off"
assert_eq "Matti's export and walk: B's card reads, not C's" "2 yes no " "$(reads "$REG" "$A")"
assert_eq "the new subject's export tells C's card read, its walk nothing" "1 no no " "$(reads "$REG" "$N")"

# 2. the split names B only: the card moves B and keeps C (a split moves
# only the handles named), and so does the walk
REG=$R2
assert_ok "a split naming B only" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --level-keyring "$PK" --name "Liisa Korhonen" --merged "$B"
N=$(handle_of "$r3")
assert_eq "Matti's export and walk: C's card read, not B's" "1 no yes " "$(reads "$REG" "$A")"
assert_eq "the new subject's export tells B's card reads, its walk nothing" "2 no no " "$(reads "$REG" "$N")"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
