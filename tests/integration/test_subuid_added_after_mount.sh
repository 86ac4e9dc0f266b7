#!/bin/bash
# A user's subordinate uids (/etc/subuid) count against that user's caps
# (recfs(8), max_dirs): the mount reads the file again when it changes, so
# a user added after the mount (useradd writes its range then) is counted
# as one user within a second or two, not as a uid per subordinate uid.
#
# - The mount's caps: max_handles=8,max_handles_per_uid=4.
# - A user with no level is added after the mount; two seconds later,
#   through 4 of its subordinate uids, it holds README.txt open as often
#   as recfs lets it: 4 in all (its one cap), where each uid had 4 and
#   the mount's 8 went to two of them.
# - The privacy officer still reads README.txt.
. "$(dirname "$0")/lib.sh"

need_subuid_tools

make_register "$T_TMP/a"
dpo=$(make_level_user privacy)
ST=$T_TMP/state
mkdir -p "$ST" && chmod 1777 "$ST"

# hold.py MNT STATE STOP: open README.txt until refused (at most 20), write
# the count to STATE, keep them open until STOP exists.
cat >"$T_TMP/hold.py" <<'PY'
import os, sys, time
mnt, state, stop = sys.argv[1:4]
held = []
for _ in range(20):
    try:
        held.append(os.open(mnt + "/README.txt", os.O_RDONLY))
    except OSError:
        break
open(state + ".tmp", "w").write("%d\n" % len(held))
os.rename(state + ".tmp", state)
t0 = time.time()
while not os.path.exists(stop) and time.time() - t0 < 30:
    time.sleep(0.05)
PY
chmod 0644 "$T_TMP/hold.py"

MNT=$T_TMP/mnt
T_MOUNT_OPTS="max_handles=8,max_handles_per_uid=4"
mount_all_levels "$MNT"
T_MOUNT_OPTS=""
flooder=$(make_plain_user sublate)
if ! grep -q "^$flooder:" /etc/subuid; then
	echo "skipped: useradd gave $flooder no subordinate uids (/etc/subuid, SUB_UID_COUNT)"
	unmount_recfs "$MNT"
	t_done
	exit
fi
# the poller looks at /etc/subuid once a second
sleep 2.5

as_user "$flooder" unshare --user --map-auto --map-root-user sh -c '
	for u in 1 2 3 4; do
		setpriv --reuid=$u --regid=$u --clear-groups -- python3 "$1" "$2" "$3/s$u" "$3/stop" &
		i=0
		while [ ! -e "$3/s$u" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	done
	wait' sh "$T_TMP/hold.py" "$MNT" "$ST" >"$T_TMP/flood.out" 2>&1 &
fpid=$!
wait_for 15 test -e "$ST/s4"
[ -e "$ST/s4" ] || t_abort "flood" "the subordinate uids did not all start: $(cat "$T_TMP/flood.out")"
held=$(cat "$ST"/s? | awk '{ f += $1 } END { print f }')
assert_eq "a user added after the mount holds 4 files through 4 subordinate uids, its one cap" 4 "$held"
assert_ok "the privacy officer reads README.txt while that user holds its cap" \
	as_user "$dpo" head -c 16 "$MNT/README.txt"

touch "$ST/stop"
wait "$fpid"
unmount_recfs "$MNT"
t_done
