#!/bin/bash
# A rectified phone number or e-mail must be one (DESIGN.md: "Bad values:
# EINVAL"): by-subject's setfattr refuses a phone number without a digit
# and an e-mail that is not one '@' with text on both sides, by the rule
# the blind index matches by, with EINVAL; the refusal is logged with its
# reason, the card keeps its value and `recctl subject find` still finds
# the subject by it.  An empty value still clears the field.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
cat >"$SPOOL/r.json" <<'JSON'
{"recorded_at": "2026-05-04T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Rauha Oikaisu", "phone": "+358 40 123 0042",
               "email": "Rauha.Oikaisu@example.fi"}], "audio": "a.opus"}
JSON
make_register "$T_TMP/a"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/r.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
H=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
[ -n "$H" ] || t_abort "data" "no subject"
S=$MNT/by-subject/$H

by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
handle() { jq -r '.[0].handle // empty' 2>/dev/null; }
card() { as_user "$dpo" getfattr --absolute-names --only-values -n "user.recfs.$1" "$S" 2>&1; }
last_rectify() {
	q "SELECT outcome || ' ' || coalesce(reason, '') FROM audit WHERE action = 'rectify' AND object = '$H'
	   ORDER BY seq DESC LIMIT 1"
}

assert_fails_with "privacy: a phone number 'abc' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "abc" "$S"
assert_eq "the refusal is logged with its reason" "refused not a phone number (no digit)" "$(last_rectify)"
assert_fails_with "privacy: an e-mail 'not an email' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.email -v "not an email" "$S"
assert_eq "the refusal is logged with its reason" \
	"refused not an e-mail address (one '@' with text on both sides)" "$(last_rectify)"
assert_fails_with "privacy: an e-mail '@example.fi' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.email -v "@example.fi" "$S"
assert_eq "the card keeps its phone number" "+358 40 123 0042" "$(card phone)"
assert_eq "the card keeps its e-mail" "Rauha.Oikaisu@example.fi" "$(card email)"
for text in "+358401230042" "rauha.oikaisu@example.fi"; do
	assert_ok "subject find '$text' after the refusals" by_index "$text"
	assert_eq "finds the subject" "$H" "$(printf '%s' "$T_OUT" | handle)"
done
assert_exit "subject find 'abc' finds no one" 1 by_index "abc"
assert_exit "subject find 'not an email' finds no one" 1 by_index "not an email"

# What is a phone number or an e-mail is still taken.
assert_ok "privacy: a phone number '(040) 765-4321'" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "(040) 765-4321" "$S"
assert_ok "subject find '040 765 4321'" by_index "040 765 4321"
assert_eq "finds the subject" "$H" "$(printf '%s' "$T_OUT" | handle)"
assert_ok "privacy: an empty e-mail clears it" as_user "$dpo" setfattr -n user.recfs.email -v "" "$S"
assert_exit "subject find of the old e-mail finds no one" 1 by_index "rauha.oikaisu@example.fi"
assert_ok "privacy: a name is any text" as_user "$dpo" setfattr -n user.recfs.name -v "abc" "$S"

unmount_recfs "$MNT"
t_done
