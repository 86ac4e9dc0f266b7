#!/bin/bash
# A consent-based call recorded before the subject withdrew consent but
# ingested, or linked to them, after it (black-box report bb15).  `recctl
# subject withdraw-consent` erases the subject's recordings based on
# consent as they stand at that moment, and keeps nothing of the
# withdrawal: a hotline call recorded the day before, that the recorder
# delivered late (a spool backlog) or that a merge later linked to the
# subject (her name written another way), stayed in the register, heard
# by the training level, though its consent was withdrawn (Art. 7(3),
# Art. 17(1)(b)).  An objection stands and restricts what arrives later;
# a withdrawal of consent should likewise reach a consent-based recording
# of the subject recorded before it.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-de-bank.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

yesterday=$(date -u -d 'yesterday 10:00' +%Y-%m-%dT%H:%M:%SZ)
earlier=$(date -u -d '3 days ago 10:00' +%Y-%m-%dT%H:%M:%SZ)
ingest_json c1 "{\"recorded_at\": \"$earlier\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"phone\": \"0171 2345678\"}], \"audio\": \"c1.opus\"}"
r1=$(id_at "$earlier")
h=$(handle_of "$r1")
[ -n "$h" ] || t_abort "ingest" "no handle"
# His request is open while it is answered, so his card stays (README).
"$RECCTL" request new -R "$REG" --type consent-withdrawal --subject "$h" --channel phone >/dev/null 2>&1 ||
	t_abort "request new" "failed"
assert_ok "Jürgen Müller withdraws his consent" "$RECCTL" subject withdraw-consent -R "$REG" "$h"
assert_eq "his consent-based call is erased" 0 "$(q "SELECT count(*) FROM recording WHERE id = '$r1'")"

# The recorder delivers yesterday's call, which he consented to then, late.
ingest_json c2 "{\"recorded_at\": \"$yesterday\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"phone\": \"+49 171 2345678\"}], \"audio\": \"c2.opus\"}"
r2=$(id_at "$yesterday")
[ -n "$r2" ] || t_abort "ingest" "the late call was not ingested"
assert_eq "the late call is his" "$h" "$(handle_of "$r2")"
# Erased, or at least restricted (no level below the rights level reads it).
kept=$(q "SELECT count(*) FROM recording WHERE id = '$r2' AND (restricted_since IS NULL OR restricted_since = 0)")
if [ "$kept" = 0 ]; then
	pass "a consent-based call recorded before the withdrawal is not kept for training"
else
	fail "a consent-based call recorded before the withdrawal is not kept for training" \
		"kept unrestricted: $("$RECCTL" subject show -R "$REG" "$h" --level-keyring "$KEYS/datenschutz.keyring" 2>&1 | tail -n 3)"
fi
assert_contains "its restriction is logged as the withdrawal's" \
	"$(q "SELECT reason FROM audit WHERE action = 'restrict' AND object = '$r2'")" "withdraw-consent=$h"

# A call he consents to after the withdrawal (a new consent) is not touched.
later=$(date -u -d '1 minute' +%Y-%m-%dT%H:%M:%SZ)
ingest_json c3 "{\"recorded_at\": \"$later\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"phone\": \"+49 171 2345678\"}], \"audio\": \"c3.opus\"}"
r3=$(id_at "$later")
assert_eq "a call recorded after the withdrawal is his" "$h" "$(handle_of "$r3")"
assert_eq "... and is not restricted" 0 "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$r3'")"

# A call of his written another way, a subject of its own until the officer
# merges it into his: the merge reaches it too.
twodays=$(date -u -d '2 days ago 10:00' +%Y-%m-%dT%H:%M:%SZ)
ingest_json c4 "{\"recorded_at\": \"$twodays\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"J. Mueller\", \"email\": \"jm@example.de\"}], \"audio\": \"c4.opus\"}"
r4=$(id_at "$twodays")
h4=$(handle_of "$r4")
[ -n "$h4" ] && [ "$h4" != "$h" ] || t_abort "data" "the call written otherwise is not a subject of its own ($h4)"
assert_eq "the call written otherwise is not restricted before the merge" 0 \
	"$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$r4'")"
assert_ok "the officer merges it into his subject" "$RECCTL" subject merge -R "$REG" "$h" "$h4" \
	--level-keyring "$KEYS/datenschutz.keyring"
assert_eq "the merged consent-based call made before the withdrawal is restricted" 1 \
	"$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$r4'")"
assert_eq "the call made after the withdrawal still is not" 0 \
	"$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$r3'")"

t_done
