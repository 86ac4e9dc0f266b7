#!/bin/bash
# A rectified phone number or e-mail must be one (DESIGN.md: "Bad values:
# EINVAL"): by-subject's setfattr refuses a phone number without a digit
# and an e-mail that is not one '@' with text on both sides, by the rule
# the blind index matches by, with EINVAL; the refusal is logged with its
# reason, the card keeps its value and `recctl subject find` still finds
# the subject by it.  An empty value still clears the field.  A phone
# number or an e-mail that another subject holds may be shared (a
# household's line, a family's mailbox): the card takes it and both
# subjects hold its entry (as at ingest), so `recctl subject find` by it
# finds both, marked shared, and the refusal of nothing names the other
# subject in this one's history; when the other subject's number is
# rectified away, this one is still found by it, with no `recctl subject
# reindex`.
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
cat >"$SPOOL/o.json" <<'JSON'
{"recorded_at": "2026-05-05T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Toinen Henkilö", "phone": "+358 50 765 0099",
               "email": "toinen@example.fi"}], "audio": "a.opus"}
JSON
make_register "$T_TMP/a"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/r.json" "$SPOOL/o.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
handle() { jq -r '.[0].handle // empty' 2>/dev/null; }
H=$(by_index "+358401230042" | handle)
H2=$(by_index "toinen@example.fi" | handle)
[ -n "$H" ] && [ -n "$H2" ] && [ "$H" != "$H2" ] || t_abort "data" "two subjects expected, got '$H' '$H2'"
S=$MNT/by-subject/$H
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
# A value that names no one, by the rule ingest keeps such values off a
# card by (atk43 F1): free text with a digit, SIP's anonymous.invalid, "n/a".
assert_fails_with "privacy: a phone number 'diabetes type 2' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "diabetes type 2" "$S"
assert_eq "the refusal is logged with its reason" \
	"refused not a phone number (words and fewer than 7 digits)" "$(last_rectify)"
assert_fails_with "privacy: an e-mail 'anonymous@anonymous.invalid' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.email -v "anonymous@anonymous.invalid" "$S"
assert_eq "the refusal is logged with its reason" \
	"refused not an e-mail address (anonymous.invalid: SIP's withheld caller, no one's)" "$(last_rectify)"
assert_fails_with "privacy: a reference 'n/a' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.ref -v "n/a" "$S"
assert_eq "the refusal is logged with its reason" \
	"refused not a reference (a word for none, as n/a or unknown)" "$(last_rectify)"
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

# Another subject's e-mail, in another case: a family's mailbox, shared.
assert_ok "privacy: an e-mail of its own again" as_user "$dpo" setfattr -n user.recfs.email -v "rauha@example.fi" "$S"
assert_ok "privacy: another subject's e-mail (other case) is taken (a shared mailbox)" \
	as_user "$dpo" setfattr -n user.recfs.email -v "TOINEN@example.fi" "$S"
assert_match "the rectification is logged, naming no other subject" "$(last_rectify)" '^ok field=email sealed=[0-9a-f]+$'
assert_eq "the card shows it" "TOINEN@example.fi" "$(card email)"
assert_exit "subject find of its old e-mail finds no one" 1 by_index "rauha@example.fi"
assert_ok "subject find of the shared e-mail" by_index "toinen@example.fi"
assert_eq "finds both subjects that hold it" "$(printf '%s\n' "$H" "$H2" | sort | paste -sd' ')" \
	"$(printf '%s' "$T_OUT" | jq -r '.[].handle' | sort | paste -sd' ')"
assert_eq "each marked as found by a shared e-mail" 'email email' \
	"$(printf '%s' "$T_OUT" | jq -r '.[].shared[]?' | paste -sd' ')"
assert_ok "privacy: an e-mail of its own again" as_user "$dpo" setfattr -n user.recfs.email -v "rauha@example.fi" "$S"
assert_ok "subject find of the other's e-mail" by_index "toinen@example.fi"
assert_eq "finds the other subject alone" "$H2" "$(printf '%s' "$T_OUT" | jq -r '.[].handle' | paste -sd' ')"
# Another subject's phone number (in its national form): a shared line.
assert_ok "privacy: another subject's phone number is taken (a shared line)" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "050 765 0099" "$S"
assert_eq "the card shows it" "050 765 0099" "$(card phone)"
assert_ok "subject find '+358507650099'" by_index "+358507650099"
assert_eq "finds both subjects that hold it" "$(printf '%s\n' "$H" "$H2" | sort | paste -sd' ')" \
	"$(printf '%s' "$T_OUT" | jq -r '.[].handle' | sort | paste -sd' ')"
assert_eq "each marked as found by a shared phone number" 'phone phone' \
	"$(printf '%s' "$T_OUT" | jq -r '.[].shared[]?' | paste -sd' ')"
S2=$MNT/by-subject/$H2
assert_ok "privacy: the other subject's number is rectified away" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 50 765 0100" "$S2"
assert_ok "subject find '+358507650099' with no reindex" by_index "+358507650099"
assert_eq "finds the subject that holds it still, alone" "$H 0" \
	"$(printf '%s' "$T_OUT" | jq -r '(.[0].handle // "none") + " " + (length - 1 | tostring)')"
assert_eq "no longer shared" "" "$(printf '%s' "$T_OUT" | jq -r '.[].shared[]?')"
assert_ok "subject find '+358507650100'" by_index "+358507650100"
assert_eq "finds the other subject by its new number" "$H2" "$(printf '%s' "$T_OUT" | handle)"
assert_ok "privacy: the subject's own number again" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 40 765 4321" "$S"
assert_ok "subject find '040 765 4321'" by_index "040 765 4321"
assert_eq "finds the subject" "$H" "$(printf '%s' "$T_OUT" | handle)"

# The value kept out of the process list (atk23 F2): setfattr --restore
# reads it from standard input, as recfs(8) says.
as_user "$dpo" setfattr --restore=- <<EOF || fail "privacy: setfattr --restore of the name" "setfattr"
# file: $S
user.recfs.name="Rauha Palautus"
EOF
assert_eq "the name set by setfattr --restore" "Rauha Palautus" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.name "$S")"

# A terminal's control characters (an escape sequence, a C1 control, a tab,
# a right-to-left override), as ingest refuses them (recfs-manifest(5)):
# EINVAL, logged with a reason that names no value; the card keeps its own.
as_user "$dpo" setfattr -n user.recfs.name -v "Rauha Oikaisu" "$S" || fail "privacy: the name again" "setfattr"
for v in $'Rauha\e]0;pwned\a' $'Rauha\xc2\x9b31m' $'Rauha\tOikaisu' $'Rauha \xe2\x80\xaeusiakiO'; do
	for f in name organisation ref; do
		assert_fails_with "privacy: a $f $(printf '%q' "$v") is EINVAL" "Invalid argument" \
			as_user "$dpo" setfattr -n "user.recfs.$f" -v "$v" "$S"
		assert_eq "the refusal is logged with its reason, no value" \
			"refused value holds a control character or bytes that are not UTF-8" "$(last_rectify)"
	done
done
assert_eq "the card keeps its name" "Rauha Oikaisu" "$(card name)"
assert_fails_with "privacy: a name longer than 256 bytes is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.name -v "$(printf 'n%.0s' {1..257})" "$S"
assert_eq "the refusal says so" "refused value is longer than 256 bytes" "$(last_rectify)"

unmount_recfs "$MNT"
t_done
