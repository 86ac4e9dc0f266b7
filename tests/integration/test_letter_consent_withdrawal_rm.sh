#!/bin/bash
# A consent withdrawal (Art. 7(3)) erases the recordings on consent; the
# officer then erases the person's contract call with rm on the mount, for
# another reason.  That rm is not part of the withdrawal: its audit entry
# must not name the withdrawal when another request it may answer is open
# (here an access request: the oldest open one), and the withdrawal's
# letter must not count the contract call as erased by it.  When the
# withdrawal is the only open request, the entry names it (every action on
# a subject with an open request does), and the letter says that call was
# not based on consent and not erased because of the withdrawal (bb13 F7).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
call()	# NAME TIME PURPOSE BASIS REF
{
	ingest_json "$1" "{\"recorded_at\": \"$2\", \"source\": \"customer-service\",
 \"purpose\": \"$3\", \"legal_basis\": \"$4\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Åsa Öberg $5\", \"ref\": \"$5\"}], \"audio\": \"$1.opus\"}"
}
call a1 2026-11-02T10:00:00Z consent consent KND-1001
call a2 2026-11-03T10:00:00Z quality contract KND-1001
call b1 2026-11-04T10:00:00Z consent consent KND-2002
call b2 2026-11-05T10:00:00Z quality contract KND-2002
A2=$(id_at 2026-11-03T10:00:00Z)
B2=$(id_at 2026-11-05T10:00:00Z)
A=$(handle_of "$A2")
B=$(handle_of "$B2")
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] || t_abort "subjects" "two customers expected: '$A' '$B'"
[ "$(handle_of "$(id_at 2026-11-02T10:00:00Z)")" = "$A" ] || t_abort "subjects" "A's calls are not one subject"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
rc() { "$RECCTL" "$@" -R "$REG"; }
reqno() { printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p'; }

# A: an access request and a withdrawal open.
assert_ok "A asks for access" rc request new --type access --subject "$A"
ACC=$(reqno)
assert_ok "A withdraws consent" rc request new --type consent-withdrawal --subject "$A"
CW=$(reqno)
assert_ok "the withdrawal is carried out" rc subject withdraw-consent "$A"
assert_eq "A's consent call is erased" "" "$(id_at 2026-11-02T10:00:00Z)"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${A2:0:8}.opus" | head -n 1)
assert_ok "the officer erases A's contract call" as_user "$dpo" rm "$f"
reason=$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$A2' AND outcome = 'ok'")
assert_not_contains "the rm of the contract call does not name the withdrawal" "$reason" "request=$CW"
assert_contains "it names the access request, the oldest open one" "$reason" "request=$ACC"
assert_ok "the answer to the withdrawal" rc request answer "$CW" --lang en --templates "$TPL" --out "$T_TMP/a.txt"
assert_contains "A's letter counts one recording erased" "$(cat "$T_TMP/a.txt")" "Recordings erased: 1"

# B: the withdrawal is the only open request.
assert_ok "B withdraws consent" rc request new --type consent-withdrawal --subject "$B"
CWB=$(reqno)
assert_ok "B's withdrawal is carried out" rc subject withdraw-consent "$B"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${B2:0:8}.opus" | head -n 1)
assert_ok "the officer erases B's contract call" as_user "$dpo" rm "$f"
assert_ok "the answer to B's withdrawal" rc request answer "$CWB" --lang en --templates "$TPL" --out "$T_TMP/b.txt"
letter=$(cat "$T_TMP/b.txt")
assert_contains_text "B's letter says the contract call was not erased because of the withdrawal" "$letter" \
	"not based on your consent: not erased because of your withdrawal"
assert_eq "and says it of that call alone" "1" "$(grep -c "not based on your consent" "$T_TMP/b.txt")"
for lang in fi; do
	assert_ok "$lang: the answer" rc request answer "$CWB" --lang "$lang" --templates "$TPL" --out "$T_TMP/b.$lang.txt"
	assert_contains "$lang: the letter says so" "$(cat "$T_TMP/b.$lang.txt")" "ei perustunut suostumukseenne"
done

t_done
