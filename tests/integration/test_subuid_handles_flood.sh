#!/bin/bash
# Hostile load through subordinate uids: the caps on open files and folders
# are per uid, and the mount-wide caps are what is left for everyone.  Every
# user useradd makes on Debian gets 65,536 subordinate uids (/etc/subuid);
# with newuidmap (package uidmap) that user, with no level at all, runs
# processes as any of them (unshare --map-auto), each a uid of its own to
# recfs, each allowed max_handles_per_uid files (the notice, README.txt)
# and max_dirs_per_uid folders (the empty top folders).
#
# - A user with no level, through 5 of its subordinate uids, holds
#   README.txt and the top folder by-date open as often as recfs lets it
#   (mount caps max_handles=16,max_handles_per_uid=4,max_dirs=8,
#   max_dirs_per_uid=4: 4 uids fill each).
# - Meanwhile a user of the training level opens a recording and lists
#   by-date, and the privacy officer reads README.txt: recfs(8) says the
#   caps are there so that no user can take the daemon's descriptors from
#   the others; a user with no level took them all (ENFILE for everyone).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
need_subuid_tools

make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 3 --seed 41 --meetings 0
ingest_spool "$T_TMP/spool"
reader=$(make_level_user training)
dpo=$(make_level_user privacy)
flooder=$(make_plain_user subflood)
if ! grep -q "^$flooder:" /etc/subuid; then
	echo "skipped: useradd gave $flooder no subordinate uids (/etc/subuid, SUB_UID_COUNT)"
	t_done
	exit
fi
ST=$T_TMP/state
mkdir -p "$ST" && chmod 1777 "$ST"

# hold.py MNT STATE STOP: open README.txt and the folder by-date until
# each is refused (at most 50 of each), write "files folders" to STATE,
# and keep them open until STOP exists.
cat >"$T_TMP/hold.py" <<'PY'
import os, sys, time
mnt, state, stop = sys.argv[1:4]
files, dirs = [], []
for path, flags, held in ((mnt + "/README.txt", os.O_RDONLY, files),
			  (mnt + "/by-date", os.O_RDONLY | os.O_DIRECTORY, dirs)):
    for _ in range(50):
        try:
            held.append(os.open(path, flags))
        except OSError:
            break
open(state + ".tmp", "w").write("%d %d\n" % (len(files), len(dirs)))
os.rename(state + ".tmp", state)
t0 = time.time()
while not os.path.exists(stop) and time.time() - t0 < 30:
    time.sleep(0.05)
PY
chmod 0644 "$T_TMP/hold.py"

MNT=$T_TMP/mnt
T_MOUNT_OPTS="max_handles=16,max_handles_per_uid=4,max_dirs=8,max_dirs_per_uid=4"
mount_all_levels "$MNT"
T_MOUNT_OPTS=""
rec=$(as_user "$reader" find "$MNT/by-date" -name '*.opus' | head -n 1)
[ -n "$rec" ] || t_abort "mount" "the training user sees no recording"

# The flooder: root in a user namespace of its own, mapped onto its
# subordinate uids, runs hold.py as uids 1 to 5 of that namespace, one
# after the other, so that each finds what the ones before left.
as_user "$flooder" unshare --user --map-auto --map-root-user sh -c '
	for u in 1 2 3 4 5; do
		setpriv --reuid=$u --regid=$u --clear-groups -- python3 "$1" "$2" "$3/s$u" "$3/stop" &
		i=0
		while [ ! -e "$3/s$u" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	done
	wait' sh "$T_TMP/hold.py" "$MNT" "$ST" >"$T_TMP/flood.out" 2>&1 &
fpid=$!
wait_for 15 test -e "$ST/s5"
[ -e "$ST/s5" ] || t_abort "flood" "the subordinate uids did not all start: $(cat "$T_TMP/flood.out")"
held_files=$(cat "$ST"/s? | awk '{ f += $1 } END { print f }')
held_dirs=$(cat "$ST"/s? | awk '{ d += $2 } END { print d }')
echo "# the user with no level holds $held_files files and $held_dirs folders through 5 subordinate uids"

assert_ok "a training user opens a recording while a user with no level floods" \
	as_user "$reader" head -c 16 "$rec"
assert_ok "a training user lists by-date while a user with no level floods" \
	as_user "$reader" ls "$MNT/by-date"
assert_ok "the privacy officer reads README.txt while a user with no level floods" \
	as_user "$dpo" head -c 16 "$MNT/README.txt"

touch "$ST/stop"
wait "$fpid"
unmount_recfs "$MNT"
t_done
