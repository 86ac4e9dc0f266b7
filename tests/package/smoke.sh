#!/bin/bash
# tests/package/smoke.sh - the Debian package as an admin gets it (issue 15),
# run by .ci/run as root on a machine where recfs is not installed:
#   1. build the .deb from a copy of this tree (dpkg-buildpackage -b);
#   2. lintian: no error, and every warning listed in packaging/README.md;
#   3. install it; the installed units verify (systemd-analyze, man pages
#      included) and the installed pages open;
#   4. with the installed binaries only: recctl init with the installed
#      example policy, ingest a recording, mount it as fstab does
#      (mount --fstab with a fuse.recfs line holding nofail), read it as a
#      user of the training level, unmount, fsck and audit verify;
#   5. purge the package: nothing of it is left, and the mount type is gone.
# Prints "ok NAME" / "FAIL NAME: why" and "N passed, N failed"; a minute or
# so, most of it the package build and lintian.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "smoke.sh needs root (it installs the package, mounts and adds users)" >&2
	exit 1
fi
if dpkg -s recfs >/dev/null 2>&1; then
	echo "smoke.sh: the recfs package is installed already; purge it first (dpkg --purge recfs)" >&2
	exit 1
fi
# The installed binaries, not the build tree's: lib.sh takes these.
export RECCTL=/usr/bin/recctl RECFS=/usr/bin/recfs
. "$ROOT/tests/integration/lib.sh"

INSTALLED=0
smoke_cleanup()
{
	t_cleanup_mounts
	if [ "$INSTALLED" = 1 ] && dpkg -s recfs >/dev/null 2>&1; then
		dpkg --purge recfs >/dev/null 2>&1
	fi
	t_cleanup
}
# lib.sh's cleanup unmounts with fusermount3; do it first, while the
# package's binaries (the daemons) are still there to exit cleanly.
t_cleanup_mounts()
{
	local m
	for m in "${T_MOUNTS[@]}"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m" 2>/dev/null
	done
	return 0
}
trap smoke_cleanup EXIT

# --- 1. build ----------------------------------------------------------------
SRC=$T_TMP/pkg/recfs
mkdir -p "$SRC"
if [ -d "$ROOT/.git" ] || [ -f "$ROOT/.git" ]; then
	(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$SRC"
else
	(cd "$ROOT" && tar --exclude=./build --exclude=./build-fuzz -cf - .) | tar -xf - -C "$SRC"
fi
ln -s packaging/debian "$SRC/debian"
start=$SECONDS
if (cd "$SRC" && dpkg-buildpackage -b -us -uc) >"$T_TMP/build.log" 2>&1; then
	pass "dpkg-buildpackage -b builds the package ($((SECONDS - start)) s)"
else
	fail "dpkg-buildpackage -b builds the package" "$(tail -n 15 "$T_TMP/build.log")"
	t_done
	exit 1
fi
DEB=$(ls "$T_TMP"/pkg/recfs_*_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || t_abort "the .deb is there" "no recfs_*.deb in $T_TMP/pkg"

# --- 2. lintian --------------------------------------------------------------
if command -v lintian >/dev/null; then
	lintian --pedantic -I -E "$DEB" >"$T_TMP/lintian.out" 2>&1
	grep -v 'running with root privileges' "$T_TMP/lintian.out" | sed 's/^/  lintian: /'
	assert_eq "lintian reports no error" "" "$(grep '^E:' "$T_TMP/lintian.out")"
	for tag in $(sed -n 's/^W: recfs[^:]*: \([a-z0-9-]*\).*/\1/p' "$T_TMP/lintian.out" | sort -u); do
		if grep -q "^| \`$tag\`" "$ROOT/packaging/README.md"; then
			pass "lintian warning $tag is listed with its reason in packaging/README.md"
		else
			fail "lintian warning $tag is listed with its reason in packaging/README.md" "it is not"
		fi
	done
else
	fail "lintian is installed" "not found (packaging/deps.txt lists it)"
fi

# --- 3. install --------------------------------------------------------------
if dpkg -i "$DEB" >"$T_TMP/install.log" 2>&1; then
	INSTALLED=1
	pass "dpkg -i installs it"
else
	INSTALLED=1
	fail "dpkg -i installs it" "$(tail -n 10 "$T_TMP/install.log")"
	t_done
	exit 1
fi
for f in /usr/bin/recfs /usr/bin/recctl /sbin/mount.fuse.recfs /usr/share/doc/recfs/examples/tamro.conf /usr/share/doc/recfs/examples/smb.conf \
	/usr/share/bash-completion/completions/recctl /lib/systemd/system/recfs-retention@.timer; do
	assert_file "the package installs $f" "$f"
done
for page in recfs.8 recctl.1 recfs-policy.5 recfs-manifest.5 recfs-smb.7 mount.fuse.recfs.8; do
	assert_ok "man finds the installed page ${page%.*}(${page##*.})" man -w "${page##*.}" "${page%.*}"
done
units=$(ls /lib/systemd/system/recfs*)
out=$(cd / && systemd-analyze verify $units 2>&1)
assert_eq "systemd-analyze verify is silent on the installed units (binaries and man pages found)" "" "$out"

# --- 4. use it -----------------------------------------------------------------
make_register "$T_TMP/a" /usr/share/doc/recfs/examples/tamro.conf
assert_contains "recctl init took the installed example policy" "$(cat "$REG/policy.conf")" "Tamro Oyj"
spool=$T_TMP/spool
mkdir -p "$spool"
cp "$ROOT/tests/fixtures/mono.opus" "$spool/call1.opus"
cat >"$spool/call1.json" <<'JSON'
{"recorded_at": "2026-11-28T10:15:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Testi Asiakas", "phone": "+358400000001"}],
 "audio": "call1.opus"}
JSON
assert_ok "the installed recctl ingests a recording" \
	/usr/bin/recctl ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/call1.json"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mkdir -p "$MNT"
T_MOUNTS+=("$MNT")
printf '%s %s fuse.recfs nofail,_netdev,keyring=%s 0 0\n' "$REG" "$MNT" "$KEYS/training.keyring" >"$T_TMP/fstab"
if mount --fstab "$T_TMP/fstab" "$MNT" 2>"$T_TMP/mount.err"; then
	pass "mount with a fuse.recfs fstab line (nofail, _netdev) mounts the register"
	assert_contains "it is a fuse.recfs mount" "$(awk -v d="$MNT" '$2 == d' /proc/mounts)" "fuse.recfs"
	assert_contains "served by the installed recfs" "$(pgrep -a -x recfs)" "/usr/bin/recfs"
	opus=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
	assert_match "the training user sees the recording" "$opus" '/by-date/2026/11/28/20261128T101500Z_customer-service_[0-9a-f]{8}\.opus$'
	if [ -n "$opus" ]; then
		assert_eq "and reads its audio, Ogg Opus" "OggS" "$(as_user "$trainer" head -c 4 "$opus" 2>&1)"
		assert_eq "and its WAV view" "RIFF" "$(as_user "$trainer" head -c 4 "${opus%.opus}.wav" 2>&1)"
		size=$(as_user "$trainer" stat -c %s "${opus%.opus}.wav")
		assert_eq "the whole WAV view reads" "$size" "$(as_user "$trainer" cat "${opus%.opus}.wav" | wc -c)"
	fi
	nobody=$(make_plain_user nolevel)
	assert_eq "a user without a level sees no recording" "" \
		"$(as_user "$nobody" find "$MNT/by-date" -name '*.opus' 2>/dev/null)"
	assert_ok "umount unmounts it" umount "$MNT"
	for _ in $(seq 1 100); do
		pgrep -a -x recfs | grep -qF "$MNT" || break
		sleep 0.05
	done
	assert_eq "the daemon has exited" "" "$(pgrep -a -x recfs | grep -F "$MNT")"
else
	fail "mount with a fuse.recfs fstab line (nofail, _netdev) mounts the register" "$(cat "$T_TMP/mount.err")"
fi
assert_ok "recctl fsck is clean" /usr/bin/recctl fsck -R "$REG" --grace 0
assert_ok "recctl audit verify passes" /usr/bin/recctl audit verify -R "$REG"
assert_match "the read is in the audit log" "$(/usr/bin/recctl audit show -R "$REG" --action open)" \
	"$trainer.*training.*open.*ok"
assert_ok "a retention sweep runs" /usr/bin/recctl retention sweep -R "$REG" --dry-run

# --- 5. purge ----------------------------------------------------------------
assert_ok "dpkg --purge removes it" dpkg --purge recfs
INSTALLED=0
assert_eq "the package is gone" "" "$(dpkg-query -W -f '${Status}' recfs 2>/dev/null | grep -w installed)"
for f in /usr/bin/recfs /usr/bin/recctl /sbin/mount.fuse.recfs /lib/systemd/system/recfs-retention@.timer \
	/usr/share/doc/recfs; do
	assert_no_file "purge leaves no $f" "$f"
done
mkdir -p "$T_TMP/mnt2"
assert_fails_with "mount -t fuse.recfs then fails as uninstalled" "not found" \
	mount -t fuse.recfs "$REG" "$T_TMP/mnt2" -o "keyring=$KEYS/training.keyring"
assert_ok "the register is left in place" test -f "$REG/catalog.db"

t_done
