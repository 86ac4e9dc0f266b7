#!/bin/bash
# Promise tried: DESIGN.md "cat, cp, any read ... refused (errno), always
# logged"; recfs(8): "Every open, allowed or refused, is written to the
# register's audit log"; on a mount of one level (-o level=) "a caller of
# a lower level ... gets EACCES for everything in it: ... a path the kernel
# still holds for the level, an open".
#
# Attack: on a mount of the analysis level, a process whose working
# directory is a day folder of the mount (entered by an analyst; here a
# shell that cd'd there as root, then became the trainer, as su or a
# setuid helper would) opens a call by its relative name: no walk through
# the root, so the open itself reaches the mount as the trainer's.
# Expected: EACCES, and the refused open in the audit log with the
# trainer's uid and the recording, like any other refused open.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Matti Meikäläinen" "+358401234567"
rid=$(q "SELECT id FROM recording LIMIT 1")
analyst=$(make_level_user analysis)
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
T_MOUNT_OPTS=level=analysis mount_all_levels "$MNT"
day=$MNT/by-date/2026/11/02
f=$(as_user "$analyst" ls "$day" | grep '\.opus$')
[ -n "$f" ] || t_abort "mount" "the analyst sees no call in $day"
as_user "$analyst" cat "$day/$f" >/dev/null || t_abort "cat" "the analyst cannot read it"
before=$(q "SELECT max(seq) FROM audit")
# One process: the analyst's uid (saved uid root) enters the day folder,
# then the process becomes the trainer there.
out=$(/usr/bin/python3 -c '
import os, pwd, sys
a, t = pwd.getpwnam(sys.argv[1]), pwd.getpwnam(sys.argv[2])
os.setgroups(os.getgrouplist(a.pw_name, a.pw_gid)); os.setresgid(a.pw_gid, a.pw_gid, 0)
os.setresuid(a.pw_uid, a.pw_uid, 0)
os.chdir(sys.argv[3])
os.setresuid(0, 0, 0)
os.setgroups(os.getgrouplist(t.pw_name, t.pw_gid)); os.setresgid(t.pw_gid, t.pw_gid, t.pw_gid)
os.setresuid(t.pw_uid, t.pw_uid, t.pw_uid)
try:
    fd = os.open(sys.argv[4], os.O_RDONLY)
    print("opened", len(os.read(fd, 4096)))
except OSError as e:
    print("refused", e.errno)' "$analyst" "$trainer" "$day" "$f" 2>&1)
echo "   the trainer's open: $out"
assert_eq "the trainer's open by a relative name is refused with EACCES" "refused 13" "$out"
sleep 1.5
uid=$(id -u "$trainer")
logged=$(q "SELECT count(*) FROM audit WHERE seq > $before AND uid = $uid AND outcome != 'ok'")
echo "   entries of the trainer since: $(q "SELECT action || ' ' || coalesce(object, '-') || ' ' || outcome || ' ' ||
	coalesce(reason, '-') FROM audit WHERE seq > $before AND uid = $uid" | tr '\n' ';')"
[ "$logged" -gt 0 ] && pass "the refused open is in the audit log" ||
	fail "the refused open is in the audit log" "no entry of uid $uid after entry $before"
report=$("$RECCTL" audit show -R "$REG" --recording "$rid" --user "$trainer" 2>&1)
assert_contains "audit show --recording --user lists the trainer's refused open" "$report" "$trainer("

t_done
