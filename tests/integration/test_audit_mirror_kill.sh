#!/bin/bash
# Promise tried: recfs(8): "Each entry is also mirrored to syslog (facility
# authpriv) once the log has taken it"; recctl(1) AUDIT LOG SEALING: "The
# syslog mirror (facility authpriv) is the copy outside the host", the one
# thing that tells entries of the current epoch that root rewrote.
#
# Attack: the daemon killed (SIGKILL: the OOM killer, a crash, or root)
# while it mirrors a batch.  A mount moves its journal into the log in
# batches (one transaction) and mirrors a batch after its commit, reading
# it back; killed between the two, the batch is in the log and no writer
# ever mirrors it (the next mount mirrors only what it commits itself).
# Here syslog is a catcher that takes a message every 2 ms (a busy
# journald), an analyst opens calls 2,000 times, and the daemon is killed
# as soon as the first open of the burst reaches syslog; the register is
# then mounted and unmounted again.  The same happened with an ordinary
# catcher in a loop of 50 kills at random moments (2,122 of 109,762
# entries never mirrored).  Expected: every entry of the log reaches
# syslog.
if [ -z "${RECFS_MIRROR_NS:-}" ]; then
	command -v unshare >/dev/null || { echo "FAIL needs unshare: not installed"; echo "0 passed, 1 failed"; exit 1; }
	RECFS_MIRROR_NS=1 exec unshare --mount --propagation private bash "$(readlink -f "$0")" "$@"
fi
. "$(dirname "$0")/lib.sh"

SYSLOG=$T_TMP/syslog.out
syslog_catcher "$SYSLOG" 0.002	# a message every 2 ms: a busy journald
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for i in 1 2 3 4; do customer_call "c$i" "2026-11-0${i}T10:00:00Z" "Asiakas $i" "+35840123456$i"; done
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
files=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ "$(printf '%s\n' "$files" | grep -c .)" = 4 ] || t_abort "data" "the analyst sees: $files"
sleep 1.5
as_user "$analyst" /usr/bin/python3 -c '
import os, sys
for i in range(500):
    for f in sys.argv[1:]:
        os.close(os.open(f, os.O_RDONLY))' $files || fail "the analyst's 2,000 opens" "failed"
for _ in $(seq 1 400); do grep -aq 'action=open' "$SYSLOG" && break; sleep 0.01; done
pid=${T_MOUNT_PID[$MNT]}
kill -9 "$pid"
wait "$pid" 2>/dev/null
true
unset "T_MOUNT_PID[$MNT]"
fusermount3 -uz "$MNT" 2>/dev/null || umount -l "$MNT"
mount_all_levels "$MNT"
sleep 1.5
unmount_recfs "$MNT"
assert_ok "audit verify: intact" "$RECCTL" audit verify -R "$REG"
opens=$(q "SELECT count(*) FROM audit WHERE action = 'open' AND outcome = 'ok'")
assert_eq "the log holds the 2,000 opens" 2000 "$opens"
total=$(q "SELECT max(seq) FROM audit")
# Wait for the catcher to take what was sent (2 ms a message).
last=-1
for _ in $(seq 1 60); do
	now=$(grep -a -c 'audit seq=' "$SYSLOG")
	[ "$now" -ge "$total" ] || [ "$now" = "$last" ] && break
	last=$now
	sleep 1
done
missing=$(grep -a -o 'audit seq=[0-9]*' "$SYSLOG" | sed 's/.*=//' | sort -un | /usr/bin/python3 -c '
import sys
seen = set(int(l) for l in sys.stdin if l.strip())
miss = [s for s in range(1, int(sys.argv[1]) + 1) if s not in seen]
runs, start = [], None
for s in miss:
    if start is None: start = prev = s
    elif s != prev + 1: runs.append((start, prev)); start = s
    prev = s
if start is not None: runs.append((start, prev))
print(len(miss), " ".join("%d-%d" % r for r in runs[:8]))' "$total")
echo "   the log holds $total entries; not mirrored: $missing"
[ "${missing%% *}" = 0 ] && pass "every entry of the log reached syslog" ||
	fail "every entry of the log reached syslog" "${missing%% *} of $total never mirrored (entries ${missing#* })"

t_done
