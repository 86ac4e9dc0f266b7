#!/bin/bash
# A genuine audit anchor dated after the clock of the host that runs
# `recctl audit verify --verify-key` is skipped as "an anchor whose MAC
# does not check under the verification key: not one this register made"
# (atk28).  Its MAC was never checked: audit_anchors_authentic skips an
# anchor whose epoch is past now's without deriving the key.  recctl(1)
# names three reasons to skip (a MAC that does not check, an epoch its own
# time had not reached, no MAC); this is none of them.  So root who puts
# the register back from a copy and the clock back before the last anchor's
# epoch gets "anchors: 1 checked, the log holds what each saw; 1 skipped:
# not made by this register" and exit 0: the roll-back that the genuine
# anchor shows goes unreported, under the warning the officer is told to
# expect from lines planted with logger(1).  The MAC of an anchor of an
# epoch after the clock's is now checked all the same (up to 2^20 epochs
# ahead), and such an anchor is kept, with a warning that the clock is
# behind.
. "$(dirname "$0")/lib.sh"

T0=1798761600		# 2027-01-01T00:00:00Z, on a quarter hour
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
RECFS_NOW=$T0 "$RECCTL" init "$REG" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/init.out" 2>&1 || t_abort "init" "$(cat "$T_TMP/init.out")"
VKEY=$KEYS/audit-verify.key
logat() { RECFS_NOW=$((T0 + $2)) "$RECCTL" subject find "+358 41 $2" -R "$1" --keyring "$KEYS/ingest.keyring" >/dev/null 2>&1; }

for t in 100 110 120; do logat "$REG" $t; done
assert_ok "audit seal in epoch 1" env RECFS_NOW=$((T0 + 1000)) "$RECCTL" audit seal -R "$REG"
grep '^recfs-audit-anchor ' <<<"$T_OUT" >"$T_TMP/anchors"
cp -a "$REG" "$T_TMP/copy"		# a backup
for t in 1100 1200 2000 2900; do logat "$REG" $t; done
assert_ok "audit seal in epoch 3" env RECFS_NOW=$((T0 + 3000)) "$RECCTL" audit seal -R "$REG"
grep '^recfs-audit-anchor ' <<<"$T_OUT" >>"$T_TMP/anchors"
assert_eq "two anchors kept off the host" 2 "$(grep -c '^recfs-audit-anchor 2 ' "$T_TMP/anchors")"

# Root puts the copy back and sets the clock to epoch 2, before the second
# anchor's; the log is written and sealed on from the copy's key.
ROLL=$T_TMP/rolled
cp -a "$T_TMP/copy" "$ROLL"
for t in 2100 2200 2300 2400 2500; do logat "$ROLL" $t; done
assert_exit "with the clock put back too, verify still says the log went back" 1 \
	env RECFS_NOW=$((T0 + 2600)) "$RECCTL" audit verify -R "$ROLL" --verify-key "$VKEY" --anchors "$T_TMP/anchors"
assert_not_contains "and does not call the register's own anchor one whose MAC does not check" "$T_OUT" \
	"MAC does not check"
assert_contains "but that the clock is behind" "$T_OUT" "after this host's clock: the clock is behind"
# With the clock right, the roll-back shows.
assert_exit "(with the clock right it shows)" 1 \
	env RECFS_NOW=$((T0 + 3100)) "$RECCTL" audit verify -R "$ROLL" --verify-key "$VKEY" --anchors "$T_TMP/anchors"
t_done
