#!/bin/bash
# An access request of one whose account number and mobile another
# subject holds too (black-box report bb11): "Robert McAllister" and
# "Bob McAllister" on account DC-000456 and one mobile are two subjects
# (recfs-manifest(5): two whole first names of other initials).  The
# officer who answers Robert's request from `subject show` and `request
# answer` must be told that the card's reference and phone number are
# also another subject's (as `subject find` marks them shared=), or the
# letter silently leaves out the calls under the other handle.  subject
# show now lists what others hold too, and request answer and subject
# export say so on stderr.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-uk-collections.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

ingest_json c1 '{"recorded_at": "2026-11-01T10:00:00Z", "source": "collections-line",
 "subjects": [{"role": "customer", "name": "Robert McAllister", "phone": "07700 900456", "ref": "DC-000456"}], "audio": "c1.opus"}'
ingest_json c2 '{"recorded_at": "2026-11-02T10:00:00Z", "source": "collections-line",
 "subjects": [{"role": "customer", "name": "Bob McAllister", "phone": "+44 7700 900456", "ref": "DC 000 456"}], "audio": "c2.opus"}'
rob=$(handle_of "$(id_at 2026-11-01T10:00:00Z)")
bob=$(handle_of "$(id_at 2026-11-02T10:00:00Z)")
[ -n "$rob" ] && [ -n "$bob" ] || t_abort "ingest" "no handles"
if [ "$rob" = "$bob" ]; then
	pass "Robert and Bob on one account are one subject (nothing to warn of)"
	t_done
fi
found=$(printf 'DC-000456' | "$RECCTL" subject find - -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_contains "subject find marks the account number shared" "$found" 'shared=["ref"]'

show=$("$RECCTL" subject show "$rob" -R "$REG" --level-keyring "$KEYS/dpo.keyring" 2>&1)
assert_contains "subject show of Robert says his reference is another subject's too" "$show" "$bob"
assert_contains "subject show: the reference" "$show" "shared        ref also held by $bob"
assert_contains "subject show: the phone number" "$show" "shared        phone also held by $bob"
assert_eq "subject show --json: shared by kind" "$bob $bob" "$("$RECCTL" subject show "$rob" -R "$REG" \
	--level-keyring "$KEYS/dpo.keyring" --json | python3 -c 'import json, sys; s = json.load(sys.stdin)["shared"]; print(s["phone"][0], s["ref"][0])')"
ingest_json c3 '{"recorded_at": "2026-11-03T10:00:00Z", "source": "collections-line",
 "subjects": [{"role": "customer", "name": "Amy Khan", "phone": "07700 900999", "ref": "DC-000999"}], "audio": "c3.opus"}'
amy=$(handle_of "$(id_at 2026-11-03T10:00:00Z)")
assert_not_contains "subject show of one who shares nothing has no shared line" \
	"$("$RECCTL" subject show "$amy" -R "$REG" --level-keyring "$KEYS/dpo.keyring" 2>&1)" "shared"

"$RECCTL" request new -R "$REG" --type access --subject "$rob" --received 2026-12-01 --channel post \
	>/dev/null 2>&1 || t_abort "request new" "failed"
"$RECCTL" request answer 1 -R "$REG" --templates "$T_ROOT/packaging/templates" --out "$T_TMP/letter.txt" \
	>"$T_TMP/answer.out" 2>&1
assert_contains "request answer warns that the subject's reference or number is shared with $bob" \
	"$(cat "$T_TMP/answer.out")" "$bob"
assert_contains "and says what to do" "$(cat "$T_TMP/answer.out")" "recctl subject merge"
"$RECCTL" request new -R "$REG" --type access --subject "$amy" --received 2026-12-01 --channel post \
	>/dev/null 2>&1 || t_abort "request new" "failed"
"$RECCTL" request answer 2 -R "$REG" --templates "$T_ROOT/packaging/templates" --out "$T_TMP/letter2.txt" \
	>"$T_TMP/answer2.out" 2>&1
assert_not_contains "no note for one who shares nothing" "$(cat "$T_TMP/answer2.out")" "shares identifiers"

t_done
