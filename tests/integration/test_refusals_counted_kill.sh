#!/bin/bash
# Refusals past the 20 a second of one user are only counted in the
# daemon's memory and logged as one entry (action refusals) with the
# user's next refusal or at unmount (recfs(8)).  When the daemon is
# killed (SIGKILL) before either, that count must not be lost: every
# refused open is to be accounted for in the log, as every answered open
# is ("no open is missing from the log even when the daemon is killed").
# Seen on main: the count is gone with the daemon, and no later mount or
# recctl ever logs it (atk25).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 4 --seed 5 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
T_MOUNT_OPTS="max_handles_per_uid=4"
mount_all_levels "$MNT"
f=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the analysis level sees no recording"
seq0=$(q "SELECT max(seq) FROM audit")

# Four opens held (the cap), then 40 more in the same second: EMFILE each.
out=$(as_user "$analyst" /usr/bin/python3 -c '
import os, sys
fds, refused = [], 0
for i in range(44):
    try:
        fds.append(os.open(sys.argv[1], os.O_RDONLY))
    except OSError as e:
        if e.errno == 24:
            refused += 1
print(len(fds), refused)' "$f")
read -r held refused <<<"$out"
assert_eq "four opens held, forty refused with EMFILE" "4 40" "$held $refused"

# The daemon dies before the user's next refusal and before any unmount.
sleep 1.5	# the journal is moved into the log within a second
kill -9 "${T_MOUNT_PID[$MNT]}"
for _ in $(seq 1 100); do kill -0 "${T_MOUNT_PID[$MNT]}" 2>/dev/null || break; sleep 0.05; done
fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
unmount_recfs "$MNT"
# A new mount and a recctl command: whatever the journal held is in the log.
mount_all_levels "$MNT"
"$RECCTL" audit show -R "$REG" --action open >/dev/null 2>&1
unmount_recfs "$MNT"

one_by_one=$(q "SELECT count(*) FROM audit WHERE seq > $seq0 AND user = '$analyst'
		AND action = 'open' AND outcome = 'refused' AND reason = 'EMFILE'")
counted=$(q "SELECT coalesce(sum(CAST(reason AS INTEGER)), 0) FROM audit WHERE seq > $seq0
		AND user = '$analyst' AND action = 'refusals'")
echo "   refused opens: $refused; logged one by one: $one_by_one; counted in refusals entries: $counted"
assert_eq "every refused open is in the log, one by one or counted, after a kill -9" \
	"$refused" "$((one_by_one + counted))"
t_done
