#!/bin/bash
# What the officer types where a subject's handle goes never enters the
# audit log.  An officer in a hurry types the person's name and
# henkilötunnus (Finnish personal identity code) where recctl wants the
# handle (S-XXXXXX).  DESIGN.md: an audit entry names "recording id or
# subject handle - never names or contacts"; recctl(1): subject rectify
# "An unknown handle is refused (ENOENT, not logged)", subject merge and
# split log "an unknown handle ... without a text that is no handle (e.g.
# a name)".  On main, when the same command has a second thing wrong (a
# value a rectification refuses, a field that is no card field, a purpose
# or recipient not in the policy), the refusal is logged with the typed
# text as the entry's object: "rectify 131052-308T refused ...", "object
# Aino Äijälä 131052-308T refused ...", "export Aino Äijälä 131052-308T
# refused ...".  The audit log is kept for audit_retention (5 years in
# this policy), mirrored to syslog, and read by everyone of the rights
# level.
# Expected: after each such command, no audit entry holds the name or the
# henkilötunnus (the refusal is not logged, or logged without the text,
# as split logs it: object "-").
# Black-box customer bb16 (a municipality's sote helpline).
. "$(dirname "$0")/lib.sh"

POL=$T_ROOT/tests/fixtures/policy-fi-sote-neuvonta.conf
make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T08:00:00Z", "source": "neuvontapuhelin",
 "subjects": [{"role": "customer", "name": "Aino Äijälä", "phone": "040 123 4567", "ref": "131052-308T"}],
 "audio": "c1.opus"}'
H=$(q "SELECT handle FROM link LIMIT 1")
[ -n "$H" ] || t_abort "data" "no subject"
K=$KEYS/tietosuoja.keyring
TYPED="Aino Äijälä 131052-308T"

# audit_clean LABEL: no entry written since the last audit_clean holds the
# name or the code.
SEEN=0
audit_clean()
{
	local log
	log=$("$RECCTL" audit show --json -R "$REG" |
		python3 -c 'import json,sys; print(json.dumps([e for e in json.load(sys.stdin) if e["seq"] > int(sys.argv[1])], ensure_ascii=False))' "$SEEN")
	SEEN=$("$RECCTL" audit show --json -R "$REG" | python3 -c 'import json,sys; print(max(e["seq"] for e in json.load(sys.stdin)))')
	assert_not_contains "$1: the henkilötunnus is not in the audit log" "$log" "131052"
	assert_not_contains "$1: the name is not in the audit log" "$log" "ijälä"
}

# Controls: the unknown handle alone is refused, and not logged with the text.
assert_fails_with "control: rectify of an unknown handle" "no subject" \
	"$RECCTL" subject rectify "$TYPED" ref 131052-308T --level-keyring "$K" -R "$REG"
assert_fails_with "control: merge of an unknown handle" "no subject" \
	"$RECCTL" subject merge "$H" "$TYPED" --level-keyring "$K" -R "$REG"
audit_clean "control"

# The typed text with a value a rectification refuses.
assert_fails_with "rectify of the typed text with a value of one repeated character" "rectify refused" \
	"$RECCTL" subject rectify "131052-308T" ref x --level-keyring "$K" -R "$REG"
audit_clean "rectify, value refused"
assert_fails_with "rectify of the typed text with a field that is no card field" "not a card field" \
	"$RECCTL" subject rectify "$TYPED" hetu 131052-308T --level-keyring "$K" -R "$REG"
audit_clean "rectify, field refused"

# An objection to a purpose not in the policy.
assert_fails_with "objection of the typed text to a purpose not in the policy" "not in the policy" \
	"$RECCTL" subject object "$TYPED" --purpose neuvontaa --level-keyring "$K" -R "$REG"
audit_clean "object"

# An export to a recipient not in the policy.
assert_fails_with "export of the typed text to a recipient not in the policy" "not in the policy" \
	"$RECCTL" subject export "$TYPED" "$T_TMP/out" --recipient kela --level-keyring "$K" -R "$REG"
audit_clean "export"
t_done
