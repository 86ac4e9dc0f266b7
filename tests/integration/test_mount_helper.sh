#!/bin/bash
# mount -t fuse.recfs and fstab (issue 15): the installed helper
# mount.fuse.recfs hands the mount to mount.fuse3 with recfs named by its
# installed path, so fstab's own options (nofail, _netdev, noauto) never
# reach recfs and no PATH is needed; without recfs installed it says what to
# install.  And a mount point that is already a recfs mount is refused,
# not stacked.  (tests/package/smoke.sh runs the real mount(8) against the
# installed package.)
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"

# The helper as make install writes it, naming this test's recfs.
HELPER=$T_TMP/bin/mount.fuse.recfs
sed "s#@RECFS@#$RECFS#" "$T_ROOT/packaging/mount.fuse.recfs.in" >"$HELPER"
chmod 0755 "$HELPER"

# recfs_mounts DIR: how many recfs mounts are on DIR.
recfs_mounts()
{
	awk -v d="$1" '$2 == d && $3 == "fuse.recfs"' /proc/mounts | wc -l
}

# umount_all DIR: unmount whatever is mounted on DIR, the top mount first.
umount_all()
{
	local i
	for i in 1 2 3; do
		mountpoint -q "$1" || return 0
		umount "$1" 2>/dev/null || fusermount3 -u "$1" 2>/dev/null
	done
}

# --- the helper, called as mount(8) calls it ---------------------------------
MNT=$T_TMP/mnt-helper
mkdir -p "$MNT"
T_MOUNTS+=("$MNT")
# mount(8) passes the fstab options whole, its own ones included.
if env -i PATH=/usr/bin:/bin "$HELPER" "$REG" "$MNT" -o "rw,nofail,_netdev,keyring=$KEYS/analysis.keyring" \
	>"$T_TMP/helper.out" 2>&1; then
	pass "mount.fuse.recfs mounts with fstab's nofail and _netdev, without recfs in PATH"
	assert_contains "the mount serves the register" "$(cat "$MNT/README.txt" 2>&1)" "Tamro Oyj"
	assert_eq "it is one fuse.recfs mount" 1 "$(recfs_mounts "$MNT")"
else
	fail "mount.fuse.recfs mounts with fstab's nofail and _netdev, without recfs in PATH" \
		"$(cat "$T_TMP/helper.out")"
fi

# --- a second mount on a recfs mount is refused ------------------------------
assert_fails_with "recfs refuses a mount point that is already a recfs mount" \
	"$MNT is already a recfs mount; unmount it first" \
	"$RECFS" -o "keyring=$KEYS/analysis.keyring" "$REG" "$MNT"
assert_eq "nothing was stacked on it" 1 "$(recfs_mounts "$MNT")"
assert_fails_with "so does the helper" "already a recfs mount" \
	"$HELPER" "$REG" "$MNT" -o "keyring=$KEYS/analysis.keyring"
assert_eq "still one mount" 1 "$(recfs_mounts "$MNT")"
# Named another way (a symbolic link to it, a trailing slash).
ln -s "$MNT" "$T_TMP/link"
assert_fails_with "a symbolic link to the mount point is the same mount point" "already a recfs mount" \
	"$RECFS" -o "keyring=$KEYS/analysis.keyring" "$REG" "$T_TMP/link/"
assert_eq "still one mount after the link" 1 "$(recfs_mounts "$MNT")"
umount_all "$MNT"
assert_eq "unmounted" 0 "$(recfs_mounts "$MNT")"

# --- a mount point whose name /proc/self/mountinfo escapes --------------------
MNT2="$T_TMP/mnt with space"
mkdir -p "$MNT2"
T_MOUNTS+=("$MNT2")
if "$RECFS" -o "keyring=$KEYS/analysis.keyring" "$REG" "$MNT2" 2>"$T_TMP/m2.err"; then
	assert_fails_with "the refusal reads escaped mount points (a space)" "already a recfs mount" \
		"$RECFS" -o "keyring=$KEYS/analysis.keyring" "$REG" "$MNT2"
	assert_eq "one mount on the spaced name" 1 \
		"$(awk '$3 == "fuse.recfs"' /proc/mounts | grep -c 'mnt\\040with\\040space')"
else
	fail "mount on a name with a space" "$(cat "$T_TMP/m2.err")"
fi
umount_all "$MNT2"

# --- mounting over another file system is still allowed ----------------------
MNT3=$T_TMP/mnt-tmpfs
mkdir -p "$MNT3"
T_MOUNTS+=("$MNT3")
mount -t tmpfs -o size=1m recfs-it "$MNT3"
if "$RECFS" -o "keyring=$KEYS/analysis.keyring" "$REG" "$MNT3" 2>"$T_TMP/m3.err"; then
	pass "recfs mounts on a tmpfs mount point"
else
	fail "recfs mounts on a tmpfs mount point" "$(cat "$T_TMP/m3.err")"
fi
umount_all "$MNT3"

# --- without recfs installed the helper says what to install ------------------
sed "s#@RECFS@#$T_TMP/nowhere/recfs#" "$T_ROOT/packaging/mount.fuse.recfs.in" >"$T_TMP/bin/mount.fuse.recfs-missing"
chmod 0755 "$T_TMP/bin/mount.fuse.recfs-missing"
assert_fails_with "the helper names what to install when recfs is missing" \
	"$T_TMP/nowhere/recfs is not installed: install the recfs package (or run make install" \
	"$T_TMP/bin/mount.fuse.recfs-missing" "$REG" "$MNT" -o "keyring=$KEYS/analysis.keyring"
assert_exit "and exits 1, not 127" 1 "$T_TMP/bin/mount.fuse.recfs-missing" "$REG" "$MNT"

t_done
