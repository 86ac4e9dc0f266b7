#!/bin/bash
# A level whose group has hundreds of members (a contact centre's agents):
# its entry in the group database is larger than the 4 KiB a first
# getgrnam_r is given, which then says ERANGE.  Its members must still
# have their level on the mount and see its files, with the level's group
# as their group, and `recctl policy check` must know the group.  Before
# (atk65 F1), the lookup failed: every member, and every user of a lower
# level, saw only README.txt, the files showed gid 0, and policy check
# warned that it could not look the group up, nor any group after it in
# /etc/group (the files database reads each line whole into the buffer).
. "$(dirname "$0")/lib.sh"

big="${T_USER_PREFIX}agents"
make_group "$big"
sed "s/^group = recfs-analysis\$/group = $big/" "$POLICY_EXAMPLE" >"$T_TMP/big.conf"
grep -q "^group = $big\$" "$T_TMP/big.conf" || t_abort "policy" "the example policy has no 'group = recfs-analysis'"
agent=$(make_plain_user agent)
usermod -a -G "$big" "$agent" || t_abort "usermod" "cannot add $agent to $big"
# 400 members more, of 24 bytes each: an entry of about 10 KiB.  The
# files database takes members that have no passwd entry.
members=$(for i in $(seq 1 400); do printf ',absent-agent-%011d' "$i"; done)
with_pwd_lock sed -i "/^$big:/ s/\$/$members/" /etc/group || t_abort "group" "cannot edit /etc/group"
len=$(getent group "$big" | wc -c)
[ "$len" -gt 8192 ] || t_abort "group" "the group entry is $len bytes, not over 8 KiB"
getent group "$big" | grep -q "$agent" || t_abort "group" "$agent is no longer in $big"

assert_ok "policy check of a policy whose analysis group has 401 members" "$RECCTL" policy check "$T_TMP/big.conf"
assert_not_contains "it can look the group up" "$T_OUT" "cannot look up group"
assert_not_contains "and knows it exists" "$T_OUT" "group '$big' does not exist"

make_register "$T_TMP/a" "$T_TMP/big.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Aino Agentti" "+358401110001"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
gid=$(getent group "$big" | cut -d: -f3)

opus=$(as_user "$agent" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "a member of the level's group sees the call" "$opus" '\.opus$'
assert_ok "and reads it" as_user "$agent" head -c 4 "$opus"
assert_eq "it begins as an Ogg file" "OggS" "$(as_user "$agent" head -c 4 "$opus")"
assert_eq "its group is the level's group" "$gid" "$(as_user "$agent" stat -c %g "$opus" 2>/dev/null)"
t_done
