#!/bin/bash
# The answer to a refused request (black-box report bb11).  GDPR (and UK
# GDPR) Art. 12(4): a controller that does not act on a request tells the
# data subject the reasons, and "the possibility of lodging a complaint
# with a supervisory authority and seeking a judicial remedy" (Art. 79).
# The letter of `request answer` for a request closed as refused (and as
# partly granted, with a ground) gave the ground and the complaint, but
# said nothing of going to court; every letter now says it, in the five
# languages.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-uk-collections.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-01T10:00:00Z", "source": "collections-line",
 "subjects": [{"role": "customer", "name": "Aisha Khan", "phone": "07700 900002", "ref": "DC-000002"}], "audio": "c1.opus"}'
h=$(handle_of "$(id_at 2026-11-01T10:00:00Z)")
[ -n "$h" ] || t_abort "ingest" "no handle"

"$RECCTL" request new -R "$REG" --type erasure --subject "$h" --received 2026-12-01 --channel post \
	>/dev/null 2>&1 || t_abort "request new" "failed"
assert_ok "the officer refuses the erasure (Art. 17(3)(b))" "$RECCTL" request close 1 -R "$REG" \
	--outcome refused --ground "Art. 17(3)(b): the FCA requires collection calls to be kept for 5 years"
"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" \
	--out "$T_TMP/letter.txt" >/dev/null 2>&1 || t_abort "request answer" "failed"
letter=$(cat "$T_TMP/letter.txt")
assert_contains "the refusal letter gives the ground" "$letter" "FCA requires"
assert_contains "the refusal letter names the supervisory authority" "$letter" "Information Commissioner"
if grep -Eqi 'judicial|court' "$T_TMP/letter.txt"; then
	pass "the refusal letter tells of seeking a judicial remedy (Art. 12(4), Art. 79)"
else
	fail "the refusal letter tells of seeking a judicial remedy (Art. 12(4), Art. 79)" "no word of a court or a judicial remedy"
fi

t_done
