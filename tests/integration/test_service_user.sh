#!/bin/bash
# The daemon as a service user (issue 12): a register made with
# `recctl init --owner SVC` is mounted by recfs running as SVC, not root,
# while root keeps using recctl on it.  What root creates in the register
# later (a new recording's blobs and blobs/xx/ folders, policy.conf after
# `recctl policy apply`, the catalog's -wal and -shm) must be SVC's, so
# that the daemon reads the new recording for a level user, unlinks the
# blob of an erased one, and starts again after the policy apply.  The
# daemon runs with SVC's uid and is not dumpable.
#
# An unprivileged mount needs /dev/fuse open to all (Debian's default,
# 0666) and user_allow_other in /etc/fuse.conf (recfs always mounts with
# allow_other); fusermount3, set-uid root, does the mount.  Neither may be
# changed on the host for a test, so the test runs in a mount namespace of
# its own (unshare) with a 0666 /dev/fuse and a fuse.conf saying
# user_allow_other bound over the real ones; every mount it makes is gone
# with the namespace.
if [ -z "${RECFS_SVC_NS:-}" ]; then
	RECFS_SVC_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

# --- the namespace: /dev/fuse 0666 and user_allow_other ---------------------
mkdir -p "$T_TMP/dev"
mount -t tmpfs -o mode=0755 recfs-it-dev "$T_TMP/dev" || t_abort "private dev" "cannot mount a tmpfs"
mknod -m 0666 "$T_TMP/dev/fuse" c 10 229 || t_abort "private dev" "mknod failed"
mount --bind "$T_TMP/dev/fuse" /dev/fuse || t_abort "private dev" "cannot bind /dev/fuse"
printf 'user_allow_other\n' >"$T_TMP/fuse.conf"
mount --bind "$T_TMP/fuse.conf" /etc/fuse.conf || t_abort "private fuse.conf" "cannot bind /etc/fuse.conf"
# The tmpfs must go before lib.sh removes $T_TMP.
trap 'umount /dev/fuse /etc/fuse.conf "$T_TMP/dev" 2>/dev/null; t_cleanup' EXIT

# read_as USER FILE: USER reads all of FILE (the bytes go nowhere).
read_as()
{
	as_user "$1" cat "$2" >/dev/null
}

SVC=$(make_plain_user svc)
SVC_UID=$(id -u "$SVC")
ANALYST=$(make_level_user analysis)
DPO=$(make_level_user privacy)

# --- a register that belongs to SVC ------------------------------------------
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
assert_ok "recctl init --owner gives the register to the service user" \
	"$RECCTL" init "$REG" --owner "$SVC" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase
assert_eq "the register's folder is the service user's" "$SVC" "$(stat -c %U "$REG")"
assert_eq "the keyrings stay root's" "root" "$(stat -c %U "$KEYS/analysis.keyring")"

# manifest NAME DAY: NAME.json with the stereo fixture as audio and a chat,
# recorded on 2026-03-DAY, in the test's spool.
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
manifest()
{
	cp "$T_ROOT/tests/fixtures/stereo.opus" "$SPOOL/$1.opus"
	printf 'hei %s\n' "$1" >"$SPOOL/$1-chat.txt"
	printf '{"recorded_at": "2026-03-%sT10:15:00Z", "source": "customer-service", "audio": "%s.opus",
 "attachments": [{"file": "%s-chat.txt", "kind": "chat"}]}\n' "$2" "$1" "$1" >"$SPOOL/$1.json"
}
ingest_one()
{
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$1.json" >"$T_TMP/ingest.out" 2>&1
}
manifest first 02
assert_ok "root ingests a recording before the mount" ingest_one first

# The daemon's keyrings: readable by the service user alone (0400, its own).
install -d -o "$SVC" -m 0700 "$T_TMP/svc"
for l in training analysis privacy; do
	install -o "$SVC" -m 0400 "$KEYS/$l.keyring" "$T_TMP/svc/$l.keyring"
done

MNT=$T_TMP/mnt
install -d -o "$SVC" -m 0755 "$MNT"
# mount_as_svc: recfs as the service user, in the foreground, until the
# mount is up; sets PID.
mount_as_svc()
{
	local i opts=allow_other
	for l in training analysis privacy; do opts="$opts,keyring=$T_TMP/svc/$l.keyring"; done
	# setpriv execs recfs: $! is the daemon itself.
	setpriv --reuid="$SVC" --regid="$(id -g "$SVC")" --init-groups -- \
		"$RECFS" -f -o "$opts" "$REG" "$MNT" 2>"$MNT.err" &
	PID=$!
	T_DAEMONS+=("$PID")
	T_MOUNTS+=("$MNT")
	T_MOUNT_PID[$MNT]=$PID
	for i in $(seq 1 100); do
		mountpoint -q "$MNT" && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

if mount_as_svc; then
	pass "recfs mounts as the service user"
else
	t_abort "recfs mounts as the service user" "$(head -c 800 "$MNT.err")"
fi
assert_match "the daemon runs with the service user's uid (real, effective, saved, fs)" \
	"$(grep '^Uid:' "/proc/$PID/status")" "^Uid:[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID$"
# A process that is not dumpable has the files in /proc/PID owned by root, so
# its own user can neither read its environment nor its memory.
assert_eq "the daemon is not dumpable (its /proc/PID files belong to root)" 0 "$(stat -c %u "/proc/$PID/environ")"
assert_fails_with "the service user cannot read the daemon's memory" "Permission denied" \
	as_user "$SVC" head -c 1 "/proc/$PID/environ"
# Its watchdog child (recfs(8)) runs with the same uid and must not be a
# way round that (test_watchdog_keys.sh: it holds no key either).
WD=$(watchdog_of "$PID")
assert_match "the service user's daemon has its watchdog child" "$WD" '^[0-9]+$'
assert_eq "the watchdog is not dumpable (its /proc/PID files belong to root)" 0 "$(stat -c %u "/proc/$WD/environ")"
assert_fails_with "the service user cannot read the watchdog's memory" "Permission denied" \
	as_user "$SVC" head -c 1 "/proc/$WD/mem"

# find_as USER GLOB: the first file of the mount matching GLOB that USER sees.
find_as()
{
	as_user "$1" find "$MNT/by-date" -name "$2" 2>/dev/null | head -n 1
}
OLD=$(find_as "$ANALYST" '20260302T*.opus')
assert_ok "the analyst reads a recording made before the mount" read_as "$ANALYST" "$OLD"

# --- root ingests while the service user's daemon is mounted ----------------
manifest second 03
assert_ok "root ingests a new recording into the mounted register" ingest_one second
assert_eq "nothing in the register belongs to anyone but the service user" "" \
	"$(find "$REG" ! -user "$SVC" -printf '%P ' ; find "$REG" ! -group "$(id -gn "$SVC")" -printf '%P ')"
start=$(now_ns)
poll_since "$start" 5000 test -n "$(find_as "$ANALYST" '20260303T*.opus')"
NEW=$(find_as "$ANALYST" '20260303T*.opus')
if [ -n "$NEW" ]; then
	pass "the new recording shows in the mount"
	want=$(as_user "$ANALYST" stat -c %s "$NEW")
	assert_ok "the analyst reads the new recording through the service user's daemon" \
		read_as "$ANALYST" "$NEW"
	assert_eq "all of it" "$want" "$(as_user "$ANALYST" cat "$NEW" 2>/dev/null | wc -c)"
	assert_ok "and its chat" read_as "$ANALYST" "${NEW%.opus}.chat.txt"
else
	fail "the new recording shows in the mount" "not listed after 5 s"
fi

# --- erasure through the mount: the daemon unlinks root's blobs --------------
ID=$(q "SELECT id FROM recording WHERE recorded_at = (SELECT max(recorded_at) FROM recording)")
BLOBS=$(q "SELECT id FROM artifact WHERE recording = '$ID'")
assert_eq "the new recording has two blobs" 2 "$(printf '%s\n' "$BLOBS" | grep -c .)"
assert_ok "the privacy officer erases the new recording" as_user "$DPO" rm "$NEW"
gone=0
for b in $BLOBS; do
	[ -e "$REG/blobs/${b:0:2}/$b" ] || gone=$((gone + 1))
done
assert_eq "the daemon, as the service user, unlinked both of root's blobs" 2 "$gone"
assert_eq "no unlink is left pending" 0 "$(q "SELECT count(*) FROM pending_unlink")"

# --- policy apply by root, then a restart of the daemon ----------------------
sed 's/^name = .*/name = Tamron rekisteri (service user)/' "$REG/policy.conf" >"$T_TMP/new.conf"
assert_ok "root applies a new policy" \
	"$RECCTL" policy apply -R "$REG" --keyring "$KEYS/privacy.keyring" "$T_TMP/new.conf"
assert_eq "the new policy.conf is the service user's" "$SVC" "$(stat -c %U "$REG/policy.conf")"
unmount_recfs "$MNT"
if mount_as_svc; then
	pass "the daemon starts again as the service user after the policy apply"
	assert_contains "and serves the new policy's notice" "$(as_user "$ANALYST" cat "$MNT/README.txt" 2>&1)" \
		"service user"
	assert_ok "the analyst still reads the first recording" read_as "$ANALYST" "$OLD"
	unmount_recfs "$MNT"
else
	fail "the daemon starts again as the service user after the policy apply" "$(head -c 800 "$MNT.err")"
fi

assert_eq "after root's ingest, erasure and policy apply, nothing in the register is root's" "" \
	"$(find "$REG" ! -user "$SVC" -printf '%P ')"

# --- fsck names what the owner could not use, and --repair gives it back ----
assert_ok "fsck finds the register clean" "$RECCTL" fsck -R "$REG"
BLOB=$(find "$REG/blobs" -type f | head -n 1)
chown root:root "$BLOB" "$REG/policy.conf"
touch -d '1 hour ago' "$BLOB"
assert_exit "fsck fails on files the owner does not own" 1 "$RECCTL" fsck -R "$REG"
assert_contains "and names the blob" "$T_OUT" "${BLOB#"$REG"/} belongs to 0:0, not to the register's owner"
assert_contains "and policy.conf" "$T_OUT" "policy.conf belongs to 0:0"
assert_ok "fsck --repair gives them back" "$RECCTL" fsck -R "$REG" --repair
assert_eq "the blob is the owner's again" "$SVC" "$(stat -c %U "$BLOB")"
assert_ok "fsck finds the register clean again" "$RECCTL" fsck -R "$REG"
t_done
