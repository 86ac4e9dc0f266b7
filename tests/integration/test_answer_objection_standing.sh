#!/bin/bash
# The answer to an objection request names the objections that stand,
# whether the officer recorded the objection before logging the request
# (`subject object` first, `request new --type objection` later: no audit
# entry names the request then; black-box report bb8 LOW 11) or on it.
# A lifted objection is not named.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_json c1 '{"recorded_at": "2026-11-20T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Fatima el Amrani", "phone": "+358 40 123 4567"}], "audio": "c1.opus"}'
H=$("$RECCTL" subject find "+358 40 123 4567" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] || t_abort "data" "no subject by the phone number"
rc() { "$RECCTL" "$@" -R "$REG"; }

assert_ok "the objection to service-level is recorded first" rc subject object "$H" --purpose service-level
assert_ok "and to training" rc subject object "$H" --purpose training
assert_ok "training's is lifted" rc subject object "$H" --lift --purpose training
assert_ok "the request is logged after it" \
	rc request new --type objection --subject "$H" --received "$(date -u -d yesterday +%F)" --channel email
n=$(sed -n 's/^request \([0-9]*\).*/\1/p' <<<"$T_OUT" | head -n 1)
[ -n "$n" ] || n=1
TPL=$T_ROOT/packaging/templates
assert_ok "request answer" rc request answer "$n" --lang en --templates "$TPL" --out "$T_TMP/letter.en"
letter=$(cat "$T_TMP/letter.en")
assert_contains_text "the letter says the objection is recorded" "$letter" \
	"Your objection to the processing (Art. 21) is recorded for these purposes:"
# The list under it, up to its blank line.
objected=$(sed -n '/recorded for these/,/^$/p' "$T_TMP/letter.en")
assert_contains "and names the standing one" "$objected" "(service-level)"
assert_not_contains "not the lifted one" "$objected" "(training)"
t_done
