#!/bin/bash
# An access request (Art. 15(3)) gets a copy of the personal data the
# register processes.  A member first calls with a phone number only (the
# card is made from that call), then calls again giving an e-mail and a
# reference (a Belgian national register number, "85.07.30-033.61").  The
# second call is linked to the same subject, and the register finds him by
# that e-mail and that reference (recctl subject find): it processes both.
# Expected: the subject's export (subject.json, or the vCon of the call
# that gave them) holds the e-mail and the reference, as the letter's
# categories say ("your customer or reference number").  Seen on main:
# subject.json says "email": null, "ref": null and no vCon names them.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_call c1 "2026-11-20T10:00:00Z" \
	'{"role": "customer", "name": "Jan Van den Broeck", "phone": "+358 40 111 2222"}'
ingest_call c2 "2026-11-21T10:00:00Z" \
	'{"role": "customer", "name": "Jan Van den Broeck", "phone": "+358 40 111 2222", "email": "jan.vandenbroeck@example.be", "ref": "85.07.30-033.61"}'
H=$("$RECCTL" subject find "+358 40 111 2222" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] || t_abort "data" "no subject by the phone number"
HR=$("$RECCTL" subject find 85073003361 -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
HE=$("$RECCTL" subject find jan.vandenbroeck@example.be -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ "$HR" = "$H" ] && [ "$HE" = "$H" ] || t_abort "data" "the second call is not the same subject ($H, $HR, $HE)"

"$RECCTL" request new -R "$REG" --type access --subject "$H" --channel email >"$T_TMP/new.out" 2>&1 ||
	t_abort "request new" "$(cat "$T_TMP/new.out")"
"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" \
	--out "$T_TMP/answer.txt" --export "$T_TMP/exp" --level-keyring "$KEYS/privacy.keyring" \
	>"$T_TMP/answer.out" 2>&1 || t_abort "answer" "$(cat "$T_TMP/answer.out")"
[ -f "$T_TMP/exp/$H/subject.json" ] || t_abort "export" "no subject.json: $(ls -R "$T_TMP/exp")"
all=$(cat "$T_TMP/exp/$H"/*.json)
assert_match "the letter's categories name a reference number" \
	"$(sed -n '/^2\. /,/^3\. /p' "$T_TMP/answer.txt")" "[Rr]eference"
assert_contains "the export holds the e-mail the register finds the subject by" "$all" "jan.vandenbroeck@example.be"
assert_match "the export holds the reference the register finds the subject by" "$all" "85\.?07\.?30-?033\.?61"
assert_contains "subject.json holds the e-mail" "$(cat "$T_TMP/exp/$H/subject.json")" "jan.vandenbroeck@example.be"
# Said as what it is: identifiers calls gave, not the card's own (a number
# only a later call gave is on no card), and the call that gave them.
assert_eq "the card's own e-mail stays empty" "null" \
	"$(jq -r '.email' "$T_TMP/exp/$H/subject.json")"
assert_eq "subject.json lists the reference the calls gave" "85.07.30-033.61" \
	"$(jq -r '.identifiers_calls_gave.ref | join(",")' "$T_TMP/exp/$H/subject.json")"
assert_eq "subject.json does not list the card's own phone again" "null" \
	"$(jq -r '.identifiers_calls_gave.phone' "$T_TMP/exp/$H/subject.json")"
given=$(jq -r --arg h "$H" '.parties[] | select(.handle == $h) | .given | "\(.email // "-") \(.ref // "-")"' "$T_TMP/exp/$H"/*.vcon.json)
assert_contains "the second call's vCon says what that call gave" "$given" "jan.vandenbroeck@example.be 85.07.30-033.61"
assert_contains "the first call's vCon gave neither" "$given" "- -"

# A rectification reaches the copies: the card's phone, which both calls
# gave, is the new one in each call's vCon too; the reference only the
# later call gave stays what that call said.
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
as_user "$dpo" setfattr -n user.recfs.phone -v "+358 40 999 8888" "$MNT/by-subject/$H" >"$T_TMP/set.out" 2>&1 ||
	t_abort "rectify" "$(cat "$T_TMP/set.out")"
"$RECCTL" subject export "$H" "$T_TMP/exp2" -R "$REG" --level-keyring "$KEYS/privacy.keyring" \
	>"$T_TMP/exp2.out" 2>&1 || t_abort "export" "$(cat "$T_TMP/exp2.out")"
phones=$(jq -r --arg h "$H" '.parties[] | select(.handle == $h) | .given.phone // "-"' "$T_TMP/exp2/$H"/*.vcon.json |
	sort -u | paste -sd' ')
assert_eq "each call's vCon holds the rectified phone" "+358 40 999 8888" "$phones"
assert_eq "the later call's reference is kept" "85.07.30-033.61" \
	"$(jq -r '.identifiers_calls_gave.ref | join(",")' "$T_TMP/exp2/$H/subject.json")"
t_done
