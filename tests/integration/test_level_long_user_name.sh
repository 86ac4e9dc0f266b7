#!/bin/bash
# Directory services give long user names ("first.last-external@
# subsidiary.example-corporation.com", over 64 bytes): such a user must
# have the level of its groups, or of a `users =` line that names it, and
# the audit log must name it whole.  Before (atk65 F3), the mount cut the
# name to 63 bytes before it looked up its groups: the user had no level,
# and an account named the cut name decided it.  The long names are
# written into /etc/passwd and /etc/group by hand, as useradd refuses
# names over 32 bytes; the EXIT trap removes them.
. "$(dirname "$0")/lib.sh"

# long_user NAME GID: a passwd entry for NAME, primary group GID, with a
# uid no passwd or group entry has, written by hand (under the lock
# useradd takes); its uid in LONG_UID.  Not in $(...): its t_abort must
# stop the test.
long_user()
{
	local i
	LONG_UID=
	for i in $(seq 47000 48999); do
		getent passwd "$i" >/dev/null || getent group "$i" >/dev/null || { LONG_UID=$i; break; }
	done
	[ -n "$LONG_UID" ] || t_abort "long_user" "no free id in 47000-48999"
	printf '%s\n' "$1" >>"$T_USER_LIST"
	with_pwd_lock sh -c 'printf "%s:x:%s:%s::/:/bin/sh\n" "$1" "$2" "$3" >>/etc/passwd' sh "$1" "$LONG_UID" "$2" ||
		t_abort "long_user" "cannot write /etc/passwd"
	getent passwd "$LONG_UID" >/dev/null || t_abort "long_user" "no passwd entry for uid $LONG_UID"
}

tail=".lastname-external@subsidiary.example-corporation-group.com"
by_group="${T_USER_PREFIX}g$tail"	# a member of recfs-analysis by /etc/group
by_users="${T_USER_PREFIX}u$tail"	# named by a users = line
cut_victim="${T_USER_PREFIX}v$tail.x"	# its first 63 bytes are another account's
[ "${#by_group}" -gt 64 ] && [ "${#cut_victim}" -gt 64 ] || t_abort "names" "the names are not over 64 bytes"
cut_name=${cut_victim:0:63}

make_group recfs-analysis
make_group "${T_USER_PREFIX}none"
none_gid=$(getent group "${T_USER_PREFIX}none" | cut -d: -f3)
long_user "$by_group" "$none_gid"; uid_g=$LONG_UID
long_user "$by_users" "$none_gid"; uid_u=$LONG_UID
long_user "$cut_victim" "$none_gid"; uid_v=$LONG_UID
long_user "$cut_name" "$none_gid"; uid_c=$LONG_UID
# the first and the cut name are members of the analysis group
with_pwd_lock sed -i "/^recfs-analysis:/ { s/\$/,$by_group,$cut_name/; s/:,/:/ }" /etc/group ||
	t_abort "group" "cannot edit /etc/group"
getent group recfs-analysis | grep -q "$by_group" || t_abort "group" "$by_group is not in recfs-analysis"

sed "/^\[level privacy\]\$/ i users = $by_users\n" "$POLICY_EXAMPLE" >"$T_TMP/p.conf"
awk '/^\[level analysis\]$/{a=1} a&&/^\[level privacy\]$/{exit} a' "$T_TMP/p.conf" | grep -qx "users = $by_users" ||
	t_abort "policy" "the users = line is not in [level analysis]"
make_register "$T_TMP/a" "$T_TMP/p.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Aino Pitkanimi" "+358401110001"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
# as_uid UID CMD...: as that user, with the groups /etc/group gives it.
as_uid() { local u=$1; shift; setpriv --reuid="$u" --regid="$none_gid" --init-groups -- "$@"; }

opus=$(as_uid "$uid_g" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "a user of a long name in the level's group sees the call" "$opus" '\.opus$'
assert_eq "and reads it" "OggS" "$(as_uid "$uid_g" head -c 4 "$opus" 2>/dev/null)"
opus_u=$(as_uid "$uid_u" find "$MNT/by-date" -name '*.opus' 2>/dev/null | head -n 1)
assert_match "a user of a long name named by users = sees the call" "$opus_u" '\.opus$'
assert_eq "and reads it" "OggS" "$(as_uid "$uid_u" head -c 4 "$opus_u" 2>/dev/null)"
assert_eq "the account named the long name's first 63 bytes has the level" "OggS" \
	"$(as_uid "$uid_c" head -c 4 "$opus" 2>/dev/null)"
assert_eq "the long name itself, in no level's group, sees the mount (README.txt)" "$MNT/README.txt" \
	"$(as_uid "$uid_v" find "$MNT" -maxdepth 1 -name README.txt 2>/dev/null)"
assert_eq "but no recording" "" "$(as_uid "$uid_v" find "$MNT/by-date" -name '*.opus' 2>/dev/null)"

rid=$(q "SELECT id FROM recording LIMIT 1")
wait_for 5 bash -c "\"$RECCTL\" audit show -R \"$REG\" --recording $rid --action open | grep -q -- '$by_users'"
log=$(who_listened "$REG")
assert_contains "the who-listened report names the user of the group whole" "$log" "$by_group($uid_g)"
assert_contains "and the one of users =" "$log" "$by_users($uid_u)"
t_done
