#!/bin/bash
# A policy apply that shortens max_retention leaves a recording on legal
# hold at its retention_until, beyond the new maximum (the hold keeps it).
# When the hold is released, nothing keeps it beyond max_retention any
# more: recfs-policy(5) says no recording is kept past its purpose's
# max_retention, and fsck calls such a recording a problem.  Expected: the
# release brings it within the new max_retention (as the apply would have
# done without the hold), or at least the release says so; seen: it keeps
# its old day silently, and the next retention sweep keeps it too.
# Also: a mount running since before the apply (old policy) may not set a
# retention beyond the new max_retention.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
customer_call c1 "2026-11-20T10:00:00Z" "Åsa Lindström" "+46 70 123 45 67"
customer_call c2 "2026-11-21T10:00:00Z" "Örjan Ödmark" "+46 70 765 43 21"
held=$(id_at "2026-11-20T10:00:00Z")
other=$(id_at "2026-11-21T10:00:00Z")
[ -n "$held" ] && [ -n "$other" ] || t_abort "data" "no recordings"
day_of() { date -u -d "@$(q "SELECT retention_until FROM recording WHERE id = '$1'")" +%F 2>/dev/null; }
"$RECCTL" retention set -R "$REG" "$held" 2028-11-20 >/dev/null 2>&1 || t_abort "retention set" "c1"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | while read -r p; do
	[ "$(rid_of "$p")" = "$held" ] && echo "$p"; done)
g=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | while read -r p; do
	[ "$(rid_of "$p")" = "$other" ] && echo "$p"; done)
[ -n "$f" ] && [ -n "$g" ] || t_abort "data" "recordings not found on the mount"
assert_ok "privacy: set a legal hold" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "claim 7" "$f"

sed 's/^max_retention = 24m$/max_retention = 12m/' "$POLICY_EXAMPLE" >"$T_TMP/short.conf"
"$RECCTL" policy apply "$T_TMP/short.conf" -R "$REG" --keyring "$KEYS/privacy.keyring" >"$T_TMP/apply.out" 2>&1 ||
	t_abort "policy apply" "$(tail -n 3 "$T_TMP/apply.out")"
assert_eq "control: the held recording keeps its day through the apply" "2028-11-20" "$(day_of "$held")"

# The mount that runs with the old policy (max 24m): a day beyond the new 12m.
as_user "$dpo" setfattr -n user.gdpr.retention_until -v 2028-11-21 "$g" 2>"$T_TMP/stale.err"
if [ "$(day_of "$other")" \> "2027-11-21" ]; then
	fail "a mount of the old policy sets no retention beyond the new max_retention" "now $(day_of "$other")"
else
	pass "a mount of the old policy sets no retention beyond the new max_retention"
fi

unmount_recfs "$MNT"
mount_all_levels "$MNT"
assert_ok "privacy: release the hold" as_user "$dpo" setfattr -x user.gdpr.legal_hold "$f"
d=$(day_of "$held")
if [ "$d" \> "2027-11-20" ]; then
	fail "a released hold leaves no recording beyond the new max_retention (2027-11-20)" "retention_until $d"
else
	pass "a released hold leaves no recording beyond the new max_retention (2027-11-20)"
fi
unmount_recfs "$MNT"
"$RECCTL" fsck -R "$REG" >"$T_TMP/fsck.out" 2>&1
assert_not_contains "fsck: no recording beyond its max_retention after the release" "$(cat "$T_TMP/fsck.out")" \
	"beyond its purpose's max_retention"
t_done
