#!/bin/bash
# Hostile load through subordinate uids: the limit on refusals logged one
# by one (20 a second per user, the rest counted in one entry; recfs(8),
# README) is kept per uid.  Every user useradd makes on Debian gets 65,536
# subordinate uids (/etc/subuid); with newuidmap (package uidmap) that
# user, with no level at all, runs processes as any of them (unshare
# --map-auto), each a uid of its own to recfs with 20 entries a second of
# its own.
#
# - A user with no level, through 40 of its subordinate uids, opens
#   README.txt for writing (EROFS, logged) in a loop for 2 seconds.
# - What the audit log holds of that user is at most what recfs(8)
#   promises for one user: 20 entries a second and one counting entry a
#   second (the flood's 2 s may touch 4 seconds: at most 84 entries).
# - The entries that count the rest name the user, not its subordinate
#   uids.
. "$(dirname "$0")/lib.sh"

need_subuid_tools

make_register "$T_TMP/a"
flooder=$(make_plain_user subrefuse)
sub=$(awk -F: -v u="$flooder" '$1 == u { print $2, $3 }' /etc/subuid)
if [ -z "$sub" ]; then
	echo "skipped: useradd gave $flooder no subordinate uids (/etc/subuid, SUB_UID_COUNT)"
	t_done
	exit
fi
read -r lo count <<<"$sub"
hi=$((lo + count - 1))
fuid=$(id -u "$flooder")

# refuse.py MNT SECONDS FIRST LAST: one process per uid FIRST..LAST, each
# opening MNT/README.txt for writing in a loop for SECONDS.
cat >"$T_TMP/refuse.py" <<'PY'
import os, sys, time
mnt, secs, first, last = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
kids = []
end = time.time() + secs
for u in range(first, last + 1):
    pid = os.fork()
    if pid == 0:
        os.setgroups([])
        os.setgid(u)
        os.setuid(u)
        while time.time() < end:
            try:
                os.close(os.open(mnt + "/README.txt", os.O_WRONLY))
            except OSError:
                pass
        os._exit(0)
    kids.append(pid)
for k in kids:
    os.waitpid(k, 0)
PY
chmod 0644 "$T_TMP/refuse.py"

MNT=$T_TMP/mnt
mount_recfs "$REG" "$MNT" "$KEYS/training.keyring" || t_abort "mount" "cannot mount"
n_of() { q "SELECT count(*) FROM audit WHERE uid = $fuid OR uid BETWEEN $lo AND $hi"; }
before=$(n_of)
as_user "$flooder" nice unshare --user --map-auto --map-root-user \
	python3 "$T_TMP/refuse.py" "$MNT" 2 1 40 >"$T_TMP/flood.out" 2>&1 ||
	t_abort "flood" "the subordinate uids did not run: $(head -c 400 "$T_TMP/flood.out")"
# The counting entries follow within a fifth of a second of each second.
sleep 1.5
n=$(($(n_of) - before))
uids=$(q "SELECT count(DISTINCT uid) FROM audit WHERE uid BETWEEN $lo AND $hi")
echo "# $n audit entries of the user with no level (from $uids of its subordinate uids) in 2 s"
if [ "$n" -gt 0 ] && [ "$n" -le 84 ]; then
	pass "a user with no level flooding refusals through its subordinate uids gets at most 20 entries a second and a count ($n)"
else
	fail "a user with no level flooding refusals through its subordinate uids gets at most 20 entries a second and a count" \
		"$n audit entries in 2 s, from $uids uids"
fi
# The rest of each second is counted against the user, not a uid of it:
# the counting entries name the user (its uid), not a subordinate uid
# only /etc/subuid would tell the owner of.
counting=$(q "SELECT count(*) FROM audit WHERE action = 'refusals' AND uid = $fuid")
assert_ok "the flood's counting entries name the user ($counting)" test "$counting" -ge 1
assert_eq "no counting entry names a subordinate uid" 0 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'refusals' AND uid BETWEEN $lo AND $hi")"
assert_match "its refusals are audited (EROFS)" \
	"$(q "SELECT action || ' ' || outcome || ' ' || reason FROM audit WHERE uid BETWEEN $lo AND $hi LIMIT 3")" 'refused EROFS'
unmount_recfs "$MNT"
t_done
