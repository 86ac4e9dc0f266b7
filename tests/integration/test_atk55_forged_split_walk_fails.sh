#!/bin/bash
# atk55: root (catalog.db, no level key) against the keyless walks
# (audit show --subject, the letters, an older card's export) with the
# split's entry "merged-handle=".  Setting: Maija's handles D and C (D
# merged into C), C merged into Matti (A) by mistake, then split off
# naming C and D (an honest undo: both are off A's walk).
#  1. 1100 forged "split-subject A ok into=X merged-handle=S-Fnnnnn": the
#     walk fails, E2BIG, said, quickly; so does the letter, saying why.
#  2. duplicates: 40 forged copies of A's merge entry "from=C" and 40 of
#     C's "from=D" (80 entries, each naming a subject really merged).  A
#     handle split off is walked once, as any other: the walk answers
#     (a first version walked D 40 x 40 times, past the bound of 1024
#     handles, and failed).  The letter of his access request too.
#  3. the keyed export (the sealed card) is untouched by either.
. "$(dirname "$0")/lib.sh"

merged_chain
"$RECCTL" subject split -R "$REG" "$A" "$r2" --level-keyring "$PK" --name "Maija Virtanen" --merged "$C" --merged "$D" \
	>/dev/null 2>&1 || t_abort "split" "failed"
assert_ok "control: audit show --subject of Matti after the honest undo" "$RECCTL" audit show -R "$REG" --subject "$A"
assert_not_contains "control: ... without Maija's card read (under D)" "$T_OUT" "subject-show $D"
assert_ok "control: fsck" "$RECCTL" fsck -R "$REG" --keyring "$PK"
X=$T_TMP/x Y=$T_TMP/y
cp -a "$REG" "$X"
cp -a "$REG" "$Y"

# 1. many forged split entries
"$T_BUILD/test/put_audit" "$X" split-subject "$A" ok "into=S-ZZZZZZ merged-handle=S-F%05u" 1100 || t_abort "put_audit" "failed"
t0=$(now_ns)
assert_fails_with "1100 forged merged-handle entries: the walk fails, said" "more than 1024 subjects" \
	"$RECCTL" audit show -R "$X" --subject "$A"
assert_contains "... naming the log edited by hand" "$T_OUT" "edited by hand"
assert_eq "... within 10 s" 1 "$(( ($(now_ns) - t0) / 1000000 < 10000 ))"

"$RECCTL" request new -R "$X" --type access --subject "$A" --channel post >/dev/null 2>&1 || t_abort "request new" "x"
assert_fails_with "... and the letter of his access request says why" "more than 1024 subjects" \
	"$RECCTL" request answer 1 -R "$X" --lang en --templates "$T_ROOT/packaging/templates" --out "$T_TMP/answer.txt"

# 1b. the same with entries receiving handles back (received-handle=, a
# move back by split --into): each is a mark the walk keeps, bounded alike
Z=$T_TMP/z
cp -a "$Y" "$Z"
"$T_BUILD/test/put_audit" "$Z" split-subject "$A" ok "from=S-ZZZZZZ received-handle=S-F%05u" 1100 ||
	t_abort "put_audit" "failed"
t0=$(now_ns)
assert_fails_with "1100 forged received-handle entries: the walk fails, said" "more than 1024 subjects" \
	"$RECCTL" audit show -R "$Z" --subject "$A"
assert_eq "... within 10 s" 1 "$(( ($(now_ns) - t0) / 1000000 < 10000 ))"

# 2. a few duplicates of genuine merge entries
"$T_BUILD/test/put_audit" "$Y" merge-subject "$A" ok "from=$C recordings=1 restricted=0 #%u" 40 || t_abort "put_audit" "failed"
"$T_BUILD/test/put_audit" "$Y" merge-subject "$C" ok "from=$D recordings=1 restricted=0 #%u" 40 || t_abort "put_audit" "failed"
t0=$(now_ns)
assert_ok "80 duplicated merge entries (3 subjects): audit show --subject of Matti still answers" \
	"$RECCTL" audit show -R "$Y" --subject "$A"
assert_eq "... within 10 s" 1 "$(( ($(now_ns) - t0) / 1000000 < 10000 ))"
"$RECCTL" request new -R "$Y" --type access --subject "$A" --channel post >/dev/null 2>&1 || t_abort "request new" "failed"
assert_ok "... and his access request is answered (the letter walks the log for its disclosures)" \
	"$RECCTL" request answer 1 -R "$Y" --lang en --templates "$T_ROOT/packaging/templates" --out "$T_TMP/answer.txt"

# 3. the keyed export reads the card
for R in "$X" "$Y"; do
	rm -rf "$T_TMP/e"
	assert_ok "the keyed export of Matti is made ($(basename "$R"))" \
		"$RECCTL" subject export -R "$R" "$A" "$T_TMP/e" --level-keyring "$PK"
	assert_ok "fsck with the rights keyring runs ($(basename "$R"))" "$RECCTL" fsck -R "$R" --keyring "$PK"
done
t_done
