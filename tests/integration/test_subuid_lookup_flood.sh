#!/bin/bash
# A user with no level slows every user of the mount through the libsubid
# lookups of its subordinate uids.  recfs tells a caller's limit key by
# asking libsubid (which reads the whole of /etc/subuid) on a cache miss,
# one lookup at a time (a lock), in the FUSE worker thread of the request.
# A user with 65,536 subordinate uids (useradd, newuidmap) makes every
# request a miss: 32 threads, each of a new subordinate uid per open, keep
# the daemon's worker threads waiting on that lock, and a training user's
# opens wait behind them.  On a host whose /etc/subuid has 20,000 lines
# (a user each) a lookup takes milliseconds: seen on main, ten opens of
# README.txt by a training user take about 1.3 s while the flood runs,
# against about 40 ms under the same flood through 32 subordinate uids
# (cached).  Expected: a flood of distinct uids costs others no more than
# one through a few (the caps are there so no user takes the daemon from
# the others, recfs(8)): an owner's ranges are looked up once.
# The large /etc/subuid is a bind mount in a mount namespace of the test's
# own; the host's file is not changed.
if [ -z "${T_SUBUID_NS:-}" ]; then
	T_SUBUID_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

need_subuid_tools
make_register "$T_TMP/a"
reader=$(make_level_user training)
flooder=$(make_plain_user subflood)
grep -q "^$flooder:" /etc/subuid || t_abort "useradd" "$flooder has no subordinate uids"
# The host's lines and 20,000 more, of ranges no uid here falls in.
cp /etc/subuid "$T_TMP/subuid"
python3 -c "import sys
for i in range(20000): print('${T_USER_PREFIX}g%d:%d:10' % (i, 900000000 + i * 10))" >>"$T_TMP/subuid"
mount --bind "$T_TMP/subuid" /etc/subuid || t_abort "bind" "cannot bind-mount /etc/subuid"
trap 'umount /etc/subuid 2>/dev/null; t_cleanup' EXIT

cat >"$T_TMP/flood.py" <<'PY'
import ctypes, os, sys, time, threading
libc = ctypes.CDLL(None, use_errno=True)
mnt, dur, T, M = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def run(k):
    t0, u = time.time(), 1 + k
    while time.time() - t0 < dur:
        libc.syscall(117, -1, u, -1)	# setresuid of this thread: its fsuid
        try: os.close(os.open(mnt + "/README.txt", os.O_RDONLY))
        except OSError: pass
        libc.syscall(117, -1, 0, -1)
        u += T
        if u > M: u = 1 + k
ts = [threading.Thread(target=run, args=(k,)) for k in range(T)]
[t.start() for t in ts]; [t.join() for t in ts]
PY
chmod 0644 "$T_TMP/flood.py"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
# ms for ten opens of README.txt by the training user, while the flooder
# runs 32 threads over its subordinate uids 1..MAX for 5 s.
under_flood() {
	as_user "$flooder" unshare --user --map-auto --map-root-user python3 "$T_TMP/flood.py" "$MNT" 5 32 "$1" &
	local fp=$! s e
	sleep 1.5
	s=$(now_ns)
	as_user "$reader" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do head -c 10 "$1/README.txt"; done' sh "$MNT" >/dev/null
	e=$(now_ns)
	wait "$fp"
	echo $(((e - s) / 1000000))
}
few=$(under_flood 32)
many=$(under_flood 65535)
# The times are printed, not asserted (no timing in make check): what is
# asserted is their cause, the lookups libsubid made, which the daemon
# counts at its exit (a flood of thousands of distinct uids: one lookup
# for the owner's ranges, a few more for the threads that raced it).
echo "   ten opens by a training user: ${few} ms under a flood through 32 subordinate uids, ${many} ms through all"
unmount_recfs "$MNT"
n=$(sed -n 's/^recfs: \([0-9]*\) lookups of callers.*/\1/p' "$MNT.err" | tail -n 1)
echo "   lookups of callers' uids in /etc/subuid: ${n:-none logged}"
assert_ok "a flood through 65,535 subordinate uids is a few lookups of /etc/subuid, not one a uid (at most 200)" \
	test "${n:-999999}" -le 200
umount /etc/subuid
t_done
