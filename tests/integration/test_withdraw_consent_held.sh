#!/bin/bash
# Withdrawal of consent (Art. 7(3)) of a recording on legal hold (black-box
# report bb10, a German health insurer's hotline whose calls are recorded
# with explicit consent, Art. 9(2)(a)).  recctl subject withdraw-consent
# erases the subject's consent-based recordings and keeps those on legal
# hold; the answer letter says the kept one is kept for legal claims
# (Art. 17(3)(e)).  But after the withdrawal nothing may be done with it
# on the withdrawn consent: it may be kept for the claim only, not heard by
# the quality team any more (storage only, as a restriction does, Art.
# 18(2)).  It used to stay readable at every level its purpose allows, as
# if the consent stood; withdraw-consent now restricts it, and the letter
# says so.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
consent_call()
{
	ingest_json "$1" "{\"recorded_at\": \"$2\", \"source\": \"customer-service\",
 \"purpose\": \"consent\", \"legal_basis\": \"consent\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"ref\": \"A123456789\"}], \"audio\": \"$1.opus\"}"
}
consent_call held 2026-11-02T10:00:00Z
consent_call other 2026-11-03T10:00:00Z
held=$(id_at 2026-11-02T10:00:00Z)
h=$(handle_of "$held")
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" sh -c "ls $MNT/by-subject/$h/*${held:0:8}.opus")
[ -n "$f" ] || t_abort "data" "the held call is not on the mount"
assert_ok "privacy: legal hold on the call" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "Klage SG Berlin" "$f"
assert_ok "analysis hears the call before the withdrawal" as_user "$analyst" dd if="$f" of=/dev/null status=none

assert_ok "the consent withdrawal request is logged" "$RECCTL" request new -R "$REG" --type consent-withdrawal \
	--subject "$h" --received "$(date -u +%F)" --channel email
"$RECCTL" subject withdraw-consent -R "$REG" "$h" >"$T_TMP/wd.out" 2>&1
assert_contains "withdraw-consent says the held call is kept" "$(cat "$T_TMP/wd.out")" "on legal hold 1"
assert_eq "the call not on hold is erased" "" "$(id_at 2026-11-03T10:00:00Z)"
assert_eq "the held call is kept" "$held" "$(id_at 2026-11-02T10:00:00Z)"
sleep 1
if as_user "$analyst" cat "$f" >/dev/null 2>&1; then
	fail "after the withdrawal, analysis no longer hears the held consent-based call" "cat $f succeeds"
else
	pass "after the withdrawal, analysis no longer hears the held consent-based call"
fi
assert_match "the held call is restricted after the withdrawal" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.restricted "$f" 2>&1)" '^yes'
assert_ok "privacy still reads the kept call" as_user "$dpo" dd if="$f" of=/dev/null status=none
assert_match "the restriction is logged with its reason" \
	"$("$RECCTL" audit show -R "$REG" --action restrict --object "$held" 2>&1)" 'restrict.*ok'
assert_ok "request answer" "$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" \
	--out "$T_TMP/letter.en"
assert_contains_text "the letter says the kept call is restricted" "$(cat "$T_TMP/letter.en")" \
	"kept under a legal hold: it is needed for the establishment, exercise or defence of legal claims (Art. 17(3)(e)); it is restricted: stored only, and processed for no other purpose (Art. 18(2))"
"$RECCTL" subject withdraw-consent -R "$REG" "$h" >"$T_TMP/wd2.out" 2>&1
assert_contains "a second withdrawal restricts nothing more" "$(cat "$T_TMP/wd2.out")" "(restricted now 0)"
assert_eq "one restriction entry for the call" "1" \
	"$("$RECCTL" audit show -R "$REG" --action restrict --object "$held" 2>/dev/null | grep -c ' ok')"
t_done
