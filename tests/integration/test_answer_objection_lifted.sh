#!/bin/bash
# An objection recorded on an open objection request and lifted before the
# answer is made must not be named in the letter as recorded: recctl(1),
# request answer, lists "for an objection request, every objection of the
# subject that stands when the letter is made ...; not one lifted".  The
# letter took the purposes of the request's "object" entries from the
# audit log and never looked at their "lift-objection" entries (atk28).
# Another subject's standing objection is not named either.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_json c1 '{"recorded_at": "2026-11-20T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Fatima el Amrani", "phone": "+358 40 123 4567"}], "audio": "c1.opus"}'
ingest_json c2 '{"recorded_at": "2026-11-21T10:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Jussi Muu", "phone": "+358 40 765 4321"}], "audio": "c2.opus"}'
H=$("$RECCTL" subject find "+358 40 123 4567" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
H2=$("$RECCTL" subject find "+358 40 765 4321" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] && [ -n "$H2" ] || t_abort "data" "no subject by the phone numbers"
rc() { "$RECCTL" "$@" -R "$REG"; }

assert_ok "the objection request is logged first" \
	rc request new --type objection --subject "$H" --received "$(date -u -d yesterday +%F)" --channel email
assert_ok "an objection to training is recorded on it" rc subject object "$H" --purpose training
assert_ok "and one to service-level" rc subject object "$H" --purpose service-level
assert_ok "another subject objects to guidelines" rc subject object "$H2" --purpose guidelines
assert_ok "training's objection is lifted, the request still open" rc subject object "$H" --lift --purpose training
TPL=$T_ROOT/packaging/templates
for lang in en fi; do
	assert_ok "request answer ($lang)" rc request answer 1 --lang "$lang" --templates "$TPL" --out "$T_TMP/letter.$lang"
done
objected=$(sed -n '/recorded for these/,/^$/p' "$T_TMP/letter.en")
assert_contains "the letter names the standing objection" "$objected" "(service-level)"
assert_not_contains "not the one lifted before the letter was made" "$objected" "(training)"
assert_not_contains "nor another subject's" "$objected" "(guidelines)"
assert_not_contains "the Finnish letter does not name the lifted one either" "$(cat "$T_TMP/letter.fi")" "(training)"
t_done
