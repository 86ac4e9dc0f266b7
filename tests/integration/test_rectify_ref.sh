#!/bin/bash
# A subject card's reference (a customer or policy number, "ref" in the
# manifest) is a card field like the others: by-subject/H shows it as
# user.recfs.ref to the levels that see the card (details_level and up),
# and the rights level rectifies it with setfattr (GDPR Art. 16).  The
# rectified reference moves in the blind index as an e-mail does, so
# `recctl subject find` finds the subject by the new one and no one by
# the old, and a later call with the old number is not linked to it; the
# old and new value are sealed in the rectification history, the audit
# entry names the field and the sealed record, never the value.  A
# reference may be shared (a company's customer number, as at ingest):
# another subject's is taken and both hold it.  Below the rights level a
# setfattr or setfattr -x of a card field is EPERM, logged as a refused
# rectification.  The rights level's setfattr -x clears the field as
# setfattr -v "" does: the card keeps no value and the index no entry.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
cat >"$SPOOL/r.json" <<'JSON'
{"recorded_at": "2026-05-04T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Viivi Viite", "phone": "+358 40 123 0071",
               "email": "viivi.viite@example.fi", "organisation": "Apteekki Viite",
               "ref": "CRM-4711"}], "audio": "a.opus"}
JSON
cat >"$SPOOL/o.json" <<'JSON'
{"recorded_at": "2026-05-05T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Oskari Yritys", "phone": "+358 50 765 0072",
               "email": "oskari@yritys.example", "ref": "CRM-9000"}], "audio": "a.opus"}
JSON
make_register "$T_TMP/a"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/r.json" "$SPOOL/o.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
handles() { jq -r '.[].handle' 2>/dev/null | sort | paste -sd' '; }
H=$(by_index "viivi.viite@example.fi" | handles)
H2=$(by_index "oskari@yritys.example" | handles)
[ -n "$H" ] && [ -n "$H2" ] && [ "$H" != "$H2" ] || t_abort "data" "two subjects expected, got '$H' '$H2'"
S=$MNT/by-subject/$H
field() { as_user "$1" getfattr --absolute-names --only-values -n "user.recfs.$2" "$S" 2>&1; }
last_rectify() {
	q "SELECT coalesce(user, '') || ' ' || outcome || ' ' || coalesce(reason, '') FROM audit
	   WHERE action = 'rectify' AND object = '$H' ORDER BY seq DESC LIMIT 1"
}
n_rectify() { q "SELECT count(*) FROM audit WHERE action = 'rectify' AND object = '$H'"; }

# --- shown as the card's other fields are ----------------------------------------
assert_ok "subject find 'CRM-4711' after ingest" by_index "CRM-4711"
assert_eq "finds the subject" "$H" "$(printf '%s' "$T_OUT" | handles)"
assert_eq "analysis: user.recfs.ref shows the reference" "CRM-4711" "$(field "$analyst" ref)"
assert_eq "privacy: user.recfs.ref shows the reference" "CRM-4711" "$(field "$dpo" ref)"
assert_match "analysis: getfattr -d lists user.recfs.ref" \
	"$(as_user "$analyst" getfattr --absolute-names -d -m '^user\.recfs\.' "$S" 2>&1)" 'user\.recfs\.ref="CRM-4711"'
assert_eq "analysis: the phone is shown beside it" "+358 40 123 0071" "$(field "$analyst" phone)"
assert_fails_with "training: no user.recfs.phone (below details_level)" "No such attribute" \
	as_user "$trainer" getfattr --absolute-names --only-values -n user.recfs.phone "$S"
assert_fails_with "training: no user.recfs.ref either" "No such attribute" \
	as_user "$trainer" getfattr --absolute-names --only-values -n user.recfs.ref "$S"
assert_not_contains "training: getfattr -d lists no user.recfs.ref" \
	"$(as_user "$trainer" getfattr --absolute-names -d -m '^user\.recfs\.' "$S" 2>&1)" "user.recfs.ref"
ref_read_logged() {
	[ "$(q "SELECT count(*) FROM audit WHERE action = 'card' AND object = '$H' AND user = '$analyst'
		AND reason LIKE '%user.recfs.ref%'")" -gt 0 ]
}
poll_since "$(now_ns)" 5000 ref_read_logged &&
	pass "the read of the reference is logged as a card read" ||
	fail "the read of the reference is logged as a card read" "no entry in ${T_MS} ms"

# --- below the rights level: EPERM, logged -----------------------------------------
n0=$(n_rectify)
assert_fails_with "analysis: setfattr user.recfs.ref is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -n user.recfs.ref -v "CRM-4712" "$S"
assert_eq "the refusal is logged as a rectification refused" "$analyst refused below the rights level" \
	"$(last_rectify)"
assert_fails_with "analysis: setfattr -x user.recfs.ref is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -x user.recfs.ref "$S"
assert_eq "that refusal is logged as a rectification refused too" "$analyst refused below the rights level" \
	"$(last_rectify)"
assert_fails_with "analysis: setfattr -x user.recfs.phone is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -x user.recfs.phone "$S"
assert_eq "two refusals and this one logged" "$((n0 + 3))" "$(n_rectify)"
assert_eq "the card keeps its reference" "CRM-4711" "$(field "$dpo" ref)"
assert_eq "the card keeps its phone" "+358 40 123 0071" "$(field "$dpo" phone)"

# --- the rights level rectifies it --------------------------------------------------
assert_ok "privacy: setfattr user.recfs.ref rectifies it" \
	as_user "$dpo" setfattr -n user.recfs.ref -v "CRM-4712" "$S"
assert_eq "analysis: the card shows the new reference" "CRM-4712" "$(field "$analyst" ref)"
assert_match "the rectification is logged, the field named" "$(last_rectify)" "^$dpo ok field=ref sealed=[0-9a-f]+$"
assert_eq "no audit entry holds either value" "0" \
	"$(q "SELECT count(*) FROM audit WHERE reason LIKE '%CRM-471%' OR object LIKE '%CRM-471%'")"
sealed=$(last_rectify | sed -n 's/.*sealed=\([0-9a-f]*\).*/\1/p')
assert_eq "the history is a sealed record the subject owns" "1" \
	"$(q "SELECT count(*) FROM record WHERE id = '$sealed' AND owner = '$H'")"
assert_ok "subject find 'crm-4712' (another case)" by_index "crm-4712"
assert_eq "finds the subject by the new reference" "$H" "$(printf '%s' "$T_OUT" | handles)"
assert_exit "subject find of the old reference finds no one" 1 by_index "CRM-4711"
# A later call with the old number is no longer linked to this subject.
cat >"$SPOOL/l.json" <<'JSON'
{"recorded_at": "2026-05-06T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "ref": "CRM-4711"}], "audio": "a.opus"}
JSON
assert_ok "ingest a later call that gives the old reference alone" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/l.json"
recordings_of() {
	"$RECCTL" subject show "$1" -R "$REG" --level-keyring "$KEYS/privacy.keyring" --json |
		jq -r '.recordings | length'
}
assert_eq "the subject still has its one recording" "1" "$(recordings_of "$H")"

# --- shared, as at ingest -----------------------------------------------------------
assert_ok "privacy: another subject's reference is taken (a company's number)" \
	as_user "$dpo" setfattr -n user.recfs.ref -v "crm-9000" "$S"
assert_ok "subject find 'CRM-9000'" by_index "CRM-9000"
assert_eq "finds both subjects that hold it" "$(printf '%s\n' "$H" "$H2" | sort | paste -sd' ')" \
	"$(printf '%s' "$T_OUT" | handles)"
assert_exit "subject find of the reference before finds no one" 1 by_index "CRM-4712"

# --- setfattr -x by the rights level clears the field, as -v "" does ---------------
assert_ok "privacy: setfattr -x user.recfs.ref clears it" as_user "$dpo" setfattr -x user.recfs.ref "$S"
assert_eq "the card shows no reference" "" "$(field "$analyst" ref)"
assert_match "the clearing is logged as a rectification" "$(last_rectify)" "^$dpo ok field=ref sealed="
assert_ok "subject find 'CRM-9000'" by_index "CRM-9000"
assert_eq "finds the other subject alone" "$H2" "$(printf '%s' "$T_OUT" | handles)"
assert_ok "privacy: setfattr -x user.recfs.phone clears it" as_user "$dpo" setfattr -x user.recfs.phone "$S"
assert_eq "the card shows no phone" "" "$(field "$analyst" phone)"
assert_exit "subject find of the old phone finds no one" 1 by_index "+358401230071"
assert_ok "privacy: setfattr -v '' user.recfs.organisation clears it" \
	as_user "$dpo" setfattr -n user.recfs.organisation -v "" "$S"
assert_eq "the card shows no organisation" "" "$(field "$analyst" organisation)"
assert_fails_with "privacy: setfattr -x of no card field is ENODATA" "No such attribute" \
	as_user "$dpo" setfattr -x user.recfs.title "$S"
assert_ok "subject find by the e-mail still finds it" by_index "viivi.viite@example.fi"
assert_eq "finds the subject" "$H" "$(printf '%s' "$T_OUT" | handles)"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"

unmount_recfs "$MNT"
t_done
