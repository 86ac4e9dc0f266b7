#!/bin/bash
# The answer to a refused erasure of a call kept under a legal obligation
# and put on legal hold (black-box report bb15).  A bank must keep an order
# call five years (WpHG § 83, MiFID II); README says to put such a recording
# on legal hold so that rm is refused.  The letter of `request answer` then
# gave, for that call, only the hold's ground, legal claims (Art. 17(3)(e)),
# and not the ground it is kept on, the legal obligation (Art. 17(3)(b)):
# the bank's letter told the customer a wrong ground.  A held recording of
# a legal obligation should give lit. b (beside or instead of lit. e).
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-de-bank.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json o1 '{"recorded_at": "2026-12-01T09:30:00Z", "source": "orderdesk",
 "subjects": [{"role": "customer", "name": "Dr. Hans-Peter Schmidt-Rüdiger", "phone": "+49 (0)30 1234567"}], "audio": "o1.opus"}'
rid=$(id_at 2026-12-01T09:30:00Z)
h=$(handle_of "$rid")
[ -n "$h" ] || t_abort "ingest" "no handle"

dpo=$(make_level_user datenschutz)
MNT=$T_TMP/mnt
mount_recfs "$REG" "$MNT" "$KEYS/compliance.keyring" "$KEYS/datenschutz.keyring" || t_abort "mount" "cannot mount"
f=$(as_user "$dpo" sh -c "ls $MNT/by-subject/$h/*.opus" 2>/dev/null | head -n 1)
[ -n "$f" ] || t_abort "mount" "the officer does not see the call"

"$RECCTL" request new -R "$REG" --type erasure --subject "$h" --received 2026-12-02 --channel post \
	>/dev/null 2>&1 || t_abort "request new" "failed"
assert_ok "the officer puts the order call on legal hold" as_user "$dpo" \
	setfattr -n user.gdpr.legal_hold -v "WpHG 83 Aufbewahrung" "$f"
assert_fails_with "rm of the held order call is refused" "Operation not permitted" as_user "$dpo" rm "$f"
"$RECCTL" request close 1 -R "$REG" --outcome refused --ground "Art. 17 Abs. 3 lit. b DSGVO, § 83 Abs. 8 WpHG" \
	>/dev/null 2>&1 || t_abort "request close" "failed"
for lang in de en; do
	"$RECCTL" request answer 1 -R "$REG" --lang "$lang" --templates "$T_ROOT/packaging/templates" \
		--out "$T_TMP/letter.$lang" >/dev/null 2>&1 || t_abort "request answer $lang" "failed"
	# The "not erased, and why" part, without the officer's ground line.
	why=$(sed -n '/^   Aufzeichnungen, die nicht gelöscht wurden\|^   Recordings that were not erased/,/^$/p' "$T_TMP/letter.$lang")
	[ -n "$why" ] || t_abort "letter $lang" "no list of recordings not erased: $(head -c 600 "$T_TMP/letter.$lang")"
	case $lang in
	de) assert_contains_text "de: the held order call is kept for the legal obligation (Art. 17 Abs. 3 lit. b)" "$why" "Art. 17 Abs. 3 lit. b" ;;
	en) assert_contains_text "en: the held order call is kept for the legal obligation (Art. 17(3)(b))" "$why" "Art. 17(3)(b)" ;;
	esac
done

t_done
