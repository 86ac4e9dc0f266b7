#!/bin/bash
# Withdrawal of consent (Art. 7(3)) of a recording on legal hold, then the
# hold is released.  withdraw-consent keeps the held recording and, since
# 790f273, restricts it (reason "withdraw-consent") with the officer's
# restriction (rights_restrict: restricted_by_objection 0).  When the claim
# is over and the officer releases the hold, nothing keeps the recording
# any more: its consent is withdrawn (Art. 17(1)(b)) and its retention
# has run out.  But the retention sweep skips it as "restricted", as it
# skips an officer's restriction made for the person's own legal claim,
# and every later sweep does too: a recording whose consent was withdrawn
# is kept forever.  Before 790f273 the sweep erased it once the hold was
# released.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
# recorded in January 2025: past the consent purpose's retention (6 months)
ingest_json held "{\"recorded_at\": \"2025-01-06T10:00:00Z\", \"source\": \"customer-service\",
 \"purpose\": \"consent\", \"legal_basis\": \"consent\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Wanda Withdrawn\", \"phone\": \"+358401130001\"}], \"audio\": \"held.opus\"}"
held=$(id_at 2025-01-06T10:00:00Z)
h=$(handle_of "$held")
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${held:0:8}.opus" | head -n 1)
[ -n "$f" ] || t_abort "mount" "the held call is not on the mount"
assert_ok "privacy: legal hold on the call" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "dispute" "$f"
"$RECCTL" subject withdraw-consent -R "$REG" "$h" >"$T_TMP/wd.out" 2>&1
assert_contains "withdraw-consent keeps the held call" "$(cat "$T_TMP/wd.out")" "on legal hold 1"
assert_eq "... and restricts it" "1" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$held'")"
assert_ok "privacy: the claim is over, the hold released" as_user "$dpo" setfattr -x user.gdpr.legal_hold "$f"
assert_ok "retention sweep" rc retention sweep --json
assert_eq "the sweep erases the expired call whose consent was withdrawn, once no hold keeps it" "0" \
	"$(q "SELECT count(*) FROM recording WHERE id = '$held'")"
assert_not_contains "its skip is not logged as restricted" "$(rc audit show --object "$held")" "skipped restricted"
unmount_recfs "$MNT"
t_done
