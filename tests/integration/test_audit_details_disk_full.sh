#!/bin/bash
# With the register's disk full (the audit queue far from full), a read of
# a sealed attribute whose entry cannot be journalled is refused (ENOSPC),
# as an open is (atk17 F1): it was answered, and its entry, held in the
# daemon's memory alone, was lost when the mount then ended with the disk
# still full, while the daemon said the entries "stay in the audit
# journal".  It now says how many could not be journalled.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
DISK=$T_TMP/disk
t_tmpfs "$DISK" 48m
make_register "$DISK/a"
gen_manifests "$T_TMP/spool" 3 --seed 7 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
h=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
hid=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$h" 2>/dev/null)
[ -n "$hid" ] || t_abort "ids" "no user.recfs.id"
dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null
# The journal's reserve (journal.h) takes the entries of opens until the
# log is found not writable and half the reserve is used: open until one
# is refused.
n=$(as_user "$analyst" /usr/bin/python3 -c '
import os, sys
for i in range(30000):
    try:
        os.close(os.open(sys.argv[1], os.O_RDONLY))
    except OSError:
        break
print(i)' "$h")
echo "   opens answered with the disk full, their entries in the journal's reserve: $n"
out=$(as_user "$analyst" cat "$h" 2>&1 >/dev/null)
assert_contains "control: an open with the disk full is refused" "$out" "No space left on device"
names=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$h" 2>&1)
echo "   subject_names read with the disk full: '$names'"
sleep 1
unmount_recfs "$MNT"
grep "stay in the audit journal\|^recfs: audit " "$MNT.err" | sed 's/^/   daemon: /'
rm -f "$DISK/filler"
show=$("$RECCTL" audit show -R "$REG" --recording "$hid")
echo "$show" | sed 's/^/   /'
assert_contains "the subject names read with the disk full are refused" "$names" "No space left on device"
assert_not_contains "the daemon does not say every unwritten entry stays in the journal" "$(cat "$MNT.err")" \
	"could not be written at unmount; they stay in the audit journal"
t_done
