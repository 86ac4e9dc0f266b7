#!/bin/bash
# A level's group made after the mount started (atk65 F4): its members
# had the level at once (the caller cache looks groups up every few
# seconds), but the files went on showing gid 0 or another level's group,
# and a level mount's root root:root, until a remount; Samba, which builds
# its ACL from those bits, refused the share.  The mount now looks the
# levels' groups up again every few seconds, and the files show the new
# group, also to a user whose kernel had cached them; a group removed
# goes the same way.  (That a group missing for one look does not move is
# test_gids's, a unit test: a look's timing is not a test's to hold.)
. "$(dirname "$0")/lib.sh"

grp="${T_USER_PREFIX}qa"
early=$(make_plain_user early)	# has the level by users =, before the group exists
sed "s/^group = recfs-analysis\$/group = $grp\nusers = $early/" "$POLICY_EXAMPLE" >"$T_TMP/p.conf"
grep -q "^group = $grp\$" "$T_TMP/p.conf" || t_abort "policy" "the example policy has no 'group = recfs-analysis'"
getent group "$grp" >/dev/null && t_abort "group" "$grp exists already"
make_register "$T_TMP/a" "$T_TMP/p.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Aino Ryhmaton" "+358401110001"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
LMNT=$T_TMP/lmnt
T_MOUNT_OPTS=level=analysis mount_recfs "$REG" "$LMNT" "$KEYS/analysis.keyring" || t_abort "mount" "level mount"

opus=$(as_user "$early" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "the user of users = sees the call" "$opus" '\.opus$'
before=$(as_user "$early" stat -c %g "$opus")
assert_match "its kernel has the file's attributes cached now" "$before" '^[0-9]+$'
assert_eq "the level mount's root is root's group" "0" "$(stat -c %g "$LMNT")"

make_group "$grp"
gid=$(getent group "$grp" | cut -d: -f3)
member=$(make_plain_user member)
usermod -a -G "$grp" "$member" || t_abort "usermod" "cannot add $member to $grp"
shows() { [ "$(as_user "$1" stat -c %g "$2" 2>/dev/null)" = "$3" ]; }
if wait_for 20 shows "$early" "$opus" "$gid"; then
	pass "within seconds the file shows the new group's gid, also where the kernel had cached it"
else
	fail "within seconds the file shows the new group's gid, also where the kernel had cached it" \
		"it shows $(as_user "$early" stat -c %g "$opus"), not $gid"
fi
assert_eq "so it does to a member of the group" "$gid" "$(as_user "$member" stat -c %g "$opus" 2>/dev/null)"
assert_eq "and the member reads it" "OggS" "$(as_user "$member" head -c 4 "$opus" 2>/dev/null)"
root_shows() { [ "$(stat -c %g "$LMNT")" = "$1" ]; }
if wait_for 10 root_shows "$gid"; then
	pass "the level mount's root shows the group"
else
	fail "the level mount's root shows the group" "it shows $(stat -c %g "$LMNT")"
fi
assert_match "the mount says so in its log" "$(cat "$MNT.err")" "level analysis's group $grp is gid $gid now"

groupdel "$grp" || t_abort "groupdel" "cannot remove $grp"
if wait_for 20 shows "$early" "$opus" "$before"; then
	pass "once the group is removed, the file shows what it showed before"
else
	fail "once the group is removed, the file shows what it showed before" \
		"it shows $(as_user "$early" stat -c %g "$opus"), not $before"
fi
assert_match "and the log says the group is gone" "$(cat "$MNT.err")" "level analysis's group $grp is gone"
t_done
