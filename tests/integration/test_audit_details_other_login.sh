#!/bin/bash
# "Who read the names": a read of sealed attributes (details, card) is
# logged once per caller, recording and ten minutes (recfs(8) EXTENDED
# ATTRIBUTES), and `recctl audit show --user NAME` lists what a person did
# through su/sudo after logging in, by the login uid (recctl(1) audit
# show).  Two people who log in and reach the same service account with a
# level (sudo -u) are two callers: the second one's read of the same
# recording's subject names within the ten minutes must be in the log
# under their login uid, as their opens are.  The login uid is set here as
# pam_loginuid sets it at login (root may write /proc/self/loginuid once
# while it is unset); setpriv stands for sudo, which keeps it.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
need_unset_loginuid
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 2 --seed 3 --meetings 2
ingest_spool "$T_TMP/spool"
svc=$(make_level_user analysis)
pa=$(make_plain_user pa)
pb=$(make_plain_user pb)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$svc" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the service account sees no recording"
h=$(as_user "$svc" ls "$MNT/by-subject" | head -n 1)

# as_login USER CMD...: CMD as the service account, logged in as USER.
as_login()
{
	local u=$1
	shift
	(echo "$(id -u "$u")" >/proc/self/loginuid && as_user "$svc" "$@") ||
		t_abort "loginuid" "cannot set the login uid"
}
as_login "$pa" getfattr -n user.recfs.subject_names "$f" >/dev/null 2>&1
as_login "$pa" getfattr -n user.recfs.name "$MNT/by-subject/$h" >/dev/null 2>&1
as_login "$pa" cat "$f" >/dev/null
sleep 1
as_login "$pb" getfattr -n user.recfs.subject_names "$f" >/dev/null 2>&1
as_login "$pb" getfattr -n user.recfs.name "$MNT/by-subject/$h" >/dev/null 2>&1
as_login "$pb" cat "$f" >/dev/null
unmount_recfs "$MNT"

"$RECCTL" audit show -R "$REG" --user "$svc" | sed 's/^/   /'
a=$("$RECCTL" audit show -R "$REG" --user "$pa")
b=$("$RECCTL" audit show -R "$REG" --user "$pb")
assert_contains "control: the first person's details read is listed under them" "$a" " details "
assert_contains "control: the first person's card read is listed under them" "$a" " card "
assert_contains "control: the second person's open is listed under them" "$b" " open "
assert_contains "the second person's read of the same subject names is listed under them" "$b" " details "
assert_contains "the second person's read of the same card is listed under them" "$b" " card "
t_done
