#!/bin/bash
# policy apply with a max_retention (and retention) shortened to 1 month,
# on a restricted recording of 2026-10-01 whose retention_until is
# 2027-10-01.  The apply brings it down to 2026-11-01, a day already over.
# What it says must be so:
# - "1 of them is past it: the next retention sweep erases it": the sweep
#   does not erase a restricted recording (it skips it, "restricted"), so
#   the line must not promise the erasure of a restricted one;
# - "retention of quality shortened from 12m to 1m: ... 1 existing
#   recording keeps the retention it was given": the recording it has just
#   brought down keeps nothing; the count is of the scan made before the
#   apply.
. "$(dirname "$0")/lib.sh"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
customer_call c1 "2026-10-01T10:00:00Z" "Åsa Lindström" "+46 70 123 45 67"
rid=$(id_at "2026-10-01T10:00:00Z")
[ -n "$rid" ] || t_abort "data" "no recording"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | head -1)
as_user "$dpo" chmod 0 "$f" || t_abort "chmod 0" "cannot restrict"
unmount_recfs "$MNT"
sed -e 's/^max_retention = .*$/max_retention = 1m/' -e 's/^retention = .*$/retention = 1m/' "$POLICY_EXAMPLE" >"$T_TMP/short.conf"
RECFS_NOW=$(date -u -d 2026-12-03T12:00:00Z +%s) "$RECCTL" policy apply "$T_TMP/short.conf" -R "$REG" \
	--keyring "$KEYS/privacy.keyring" >"$T_TMP/apply.out" 2>&1 || t_abort "policy apply" "$(tail -n 3 "$T_TMP/apply.out")"
assert_eq "control: brought down to 2026-11-01" "2026-11-01" \
	"$(date -u -d "@$(q "SELECT retention_until FROM recording WHERE id = '$rid'")" +%F)"
RECFS_NOW=$(date -u -d 2026-12-04T12:00:00Z +%s) "$RECCTL" retention sweep -R "$REG" >"$T_TMP/sweep.out" 2>&1
assert_eq "control: the sweep keeps the restricted recording" 1 "$(q "SELECT count(*) FROM recording WHERE id = '$rid'")"
assert_not_contains "apply does not say the next sweep erases a restricted recording" "$(cat "$T_TMP/apply.out")" \
	"1 of them is past it: the next retention sweep erases it"
assert_not_contains "apply does not count the recording it brought down as one that keeps its retention" \
	"$(grep '^retention of quality' "$T_TMP/apply.out")" "1 existing recording keeps the retention it was given"
assert_contains "and says that none is kept longer, not that 0 keep theirs (bb12 F6)" \
	"$(grep '^retention of quality' "$T_TMP/apply.out")" "no existing recording is kept longer than that"
t_done
