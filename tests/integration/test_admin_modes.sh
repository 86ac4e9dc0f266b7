#!/bin/bash
# test_admin_modes.sh - what a careless administrator leaves open is said,
# not silently used: keyrings and passphrase files that others may read or
# that someone else owns are warned of, once each, by recctl and by recfs
# before it leaves the terminal.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
MNT=$T_TMP/mnt
mkdir -p "$MNT"

# --- keyrings and passphrase files ------------------------------------------
pf=$T_TMP/pass
printf 'correct horse\n' >"$pf"
chmod 640 "$pf"
assert_ok "keys export writes a protected keyring with a group-readable passfile" \
	"$RECCTL" keys export training -R "$REG" --keyring "$KEYS/training.keyring" --passfile "$pf" -o "$T_TMP/ws.keyring"
assert_contains "and warns of the passfile" "$T_OUT" \
	"recctl: warning: passphrase file $pf is mode 0640, readable by its group; chmod 600 it"
chmod 644 "$T_TMP/ws.keyring"
assert_ok "a protected keyring that others may read still loads" \
	"$RECCTL" fsck -R "$REG" --keyring "$T_TMP/ws.keyring" --keyring "$T_TMP/ws.keyring" --passfile "$pf"
assert_contains "warned of" "$T_OUT" \
	"recctl: warning: keyring $T_TMP/ws.keyring is mode 0644, readable by others, who can try passphrases on it offline; chmod 600 it"
assert_eq "once, though named twice" 1 "$(grep -c "warning: keyring $T_TMP/ws.keyring is mode" <<<"$T_OUT")"
assert_eq "the passfile once" 1 "$(grep -c "warning: passphrase file $pf" <<<"$T_OUT")"

# recfs says it on the terminal, before it becomes a daemon.
"$RECFS" -o "allow_other,keyring=$T_TMP/ws.keyring,passfile=$pf" "$REG" "$MNT" 2>"$T_TMP/bg.err"
T_MOUNTS+=("$MNT")
assert_ok "recfs mounts in the background" mountpoint -q "$MNT"
err=$(cat "$T_TMP/bg.err")
assert_contains "recfs warns of the keyring before it forks" "$err" \
	"recfs: warning: keyring $T_TMP/ws.keyring is mode 0644, readable by others"
assert_contains "and of the passfile" "$err" "recfs: warning: passphrase file $pf is mode 0640, readable by its group"
fusermount3 -u "$MNT"

chown 4242:4242 "$KEYS/training.keyring"
assert_ok "a raw keyring someone else owns still loads" \
	"$RECCTL" keys export training -R "$REG" --keyring "$KEYS/training.keyring" --no-passphrase -o "$T_TMP/ws2.keyring"
assert_contains "warned of, with its owner" "$T_OUT" \
	"recctl: warning: keyring $KEYS/training.keyring is owned by uid 4242, neither this user (uid 0) nor root"
chown 0:0 "$KEYS/training.keyring"
chmod 600 "$pf" "$T_TMP/ws.keyring"
assert_ok "with modes and owners as they should be" \
	"$RECCTL" fsck -R "$REG" --keyring "$T_TMP/ws.keyring" --keyring "$KEYS/training.keyring" --passfile "$pf"
assert_not_contains "nothing is warned of" "$T_OUT" "warning"

# --- one group per level, and not root's --------------------------------------
sed "s/^group = recfs-analysis\$/group = recfs-training/" "$POLICY_EXAMPLE" >"$T_TMP/twice.conf"
line=$(grep -n "^group = recfs-training\$" "$T_TMP/twice.conf" | sed -n 2p | cut -d: -f1)
[ -n "$line" ] || t_abort "policy" "no analysis group line to change"
assert_fails_with "policy check refuses one group for two levels, with the line" \
	"$T_TMP/twice.conf:$line: group 'recfs-training' is also the group of [level training]" \
	"$RECCTL" policy check "$T_TMP/twice.conf"
sed "s/^group = recfs-privacy\$/group = $(getent group 0 | cut -d: -f1)/" "$POLICY_EXAMPLE" >"$T_TMP/root.conf"
line=$(grep -n "^group = $(getent group 0 | cut -d: -f1)\$" "$T_TMP/root.conf" | cut -d: -f1)
assert_fails_with "and root's group" "$T_TMP/root.conf:$line: group '$(getent group 0 | cut -d: -f1)' is gid 0, root's group" \
	"$RECCTL" policy check "$T_TMP/root.conf"
cp "$T_TMP/twice.conf" "$REG/policy.conf"
assert_fails_with "a register with such a policy does not open" "is also the group of [level training]" \
	"$RECCTL" fsck -R "$REG"
cp "$POLICY_EXAMPLE" "$REG/policy.conf"

# --- register folders that group or others may write ------------------------
chmod 0770 "$REG"
chmod 0702 "$REG/blobs"
chmod 0720 "$REG/keys"
assert_exit "fsck counts them as problems" 1 "$RECCTL" fsck -R "$REG"
assert_contains "the register's folder" "$T_OUT" \
	"problem: $REG is mode 0770, writable by its group: whoever may write it can replace keys/, blobs/ or the catalog; chmod go-w $REG"
assert_contains "keys/" "$T_OUT" \
	"problem: $REG/keys is mode 0720, writable by its group: whoever may write it can replace a level's public key; chmod go-w $REG/keys"
assert_contains "blobs/" "$T_OUT" "problem: $REG/blobs is mode 0702, writable by others:"
assert_contains "three problems" "$T_OUT" "3 problems"
gen_manifests "$T_TMP/spool" 1 --seed 5
assert_ok "ingest still ingests" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool"/*.json
assert_contains "and warns" "$T_OUT" "recctl: warning: $REG/keys is mode 0720, writable by its group"
assert_eq "once each" 3 "$(grep -c "recctl: warning: $REG.* is mode" <<<"$T_OUT")"
# The spool is below the register's folder: one its group may write lets
# them point the spool elsewhere, and watch refuses to start (atk30 F1).
out=$(timeout 3 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_contains "watch refuses a spool below a register folder its group may write" "$out" \
	"the folder $REG above it may be written by others (mode 0770)"
chmod 0700 "$REG"
out=$(timeout 3 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_contains "watch warns at start" "$out" "recctl: warning: $REG/blobs is mode 0702, writable by others"
chmod 0770 "$REG"
mount_recfs "$REG" "$MNT" "$KEYS/training.keyring" && pass "recfs still mounts"
unmount_recfs "$MNT"
assert_contains "and warns" "$(cat "$MNT.err")" "recfs: warning: $REG is mode 0770, writable by its group"
chmod 0700 "$REG" "$REG/blobs" "$REG/keys"
assert_ok "folders owner-only: fsck is content" "$RECCTL" fsck -R "$REG"
assert_ok "ingest warns of nothing" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool"/*.json
assert_not_contains "nothing" "$T_OUT" "warning"

# --- a register this user cannot reach ---------------------------------------
plain=$(make_plain_user plain)
assert_mode "the register is root's, 0700" 700 "$REG"
assert_fails_with "recctl as another user is told Permission denied, not 'no register'" \
	"recctl: cannot open register $REG: $REG/catalog.db: Permission denied; run this as the register's owner or root" \
	as_user "$plain" "$RECCTL" fsck -R "$REG"
assert_fails_with "so is audit show" \
	"recctl: cannot open $REG/catalog.db: Permission denied; run this as the register's owner or root" \
	as_user "$plain" "$RECCTL" audit show -R "$REG"
assert_fails_with "a folder that is no register is still said to be none" \
	"$T_TMP is not a recfs register (no catalog.db)" as_user "$plain" "$RECCTL" fsck -R "$T_TMP"
assert_fails_with "by audit show too" \
	"$T_TMP is not a recfs register (no catalog.db)" as_user "$plain" "$RECCTL" audit show -R "$T_TMP"

t_done
