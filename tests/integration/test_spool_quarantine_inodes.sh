#!/bin/bash
# A recorder confined to a spool on a file system of its own must not
# exhaust the register's file system through the quarantine: README and
# recctl(1) say the quarantine never takes that file system below a
# reserve (the larger of 64 MiB and 5 %, at most half of it), so that the
# mounts keep room for their audit entries and other recorders' calls get
# in.  The reserve is counted in bytes alone (statvfs f_bavail), while
# each refused manifest, however small, costs the register's file system
# four inodes for quarantine_retention (30 days): its folder, error.txt,
# manifest-name.txt and the copied manifest.  On ext4 (one inode per
# 16 KiB) a recorder's two-byte manifests ("{}") use up the inodes when a
# quarter of the blocks is used, far above any reserve.
#
# Here the register is on a tmpfs of 64 MiB with 400 inodes (reserve:
# 32 MiB), the spool on a tmpfs of its own:
#  1. a recorder sends 200 refused manifests of two bytes each;
#  2. the register's file system keeps free inodes;
#  3. another recorder's good call sent after them is ingested;
#  4. the register still mounts (with no inode left, sqlite cannot make
#     the catalog's -wal and -shm files: no mount starts, and no recctl
#     command opens the register, the retention sweep that would empty
#     the quarantine included).
# Fixed: the quarantine keeps a reserve of inodes too (5 % of them, at
# least 4096, at most half: 200 here); a manifest that would take the
# file system below it stays in the spool, logged and audited once
# (deferred).  A command that cannot open the catalog for want of inodes
# says so.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
t_tmpfs "$T_TMP/a" "64m,nr_inodes=400" 0755
make_register "$T_TMP/a"
rec=$(make_plain_user rec)
rec2=$(make_plain_user rec2)
SP=$T_TMP/spool
t_tmpfs "$SP" 16m 0777
chmod 1777 "$SP"
gen_manifests "$T_TMP/good" 1 --seed 45 --meetings 0
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the daemon does not start: $(cat "$LOG")"
ifree() { df --output=iavail "$T_TMP/a" | tail -n 1 | tr -d ' '; }
echo "# the register's file system: $(ifree) inodes free after init"

as_user "$rec" /usr/bin/python3 - "$SP" <<'PY' || t_abort "recorder" "cannot write the spool"
import os, sys
sp = sys.argv[1]
for i in range(200):
    open(os.path.join(sp, ".m"), "w").write("{}")
    os.rename(os.path.join(sp, ".m"), os.path.join(sp, "junk%03d.json" % i))
PY
spool_empty() { ! compgen -G "$SP/junk*.json" >/dev/null; }
settled() { spool_empty || grep -q "tried again as room comes" "$LOG"; }
wait_for 8 settled
free=$(ifree)
echo "# the quarantine holds $(ls "$REG/quarantine" | wc -l) folders; $free inodes free; $(df -k --output=avail "$T_TMP/a" | tail -n 1 | tr -d ' ') KiB free"
if [ "$free" -gt 0 ]; then
	pass "a recorder's refused manifests leave the register's file system free inodes ($free)"
else
	fail "a recorder's refused manifests leave the register's file system free inodes" \
		"0 inodes free; the quarantine holds $(ls "$REG/quarantine" | wc -l) folders"
fi

assert_contains "the log says a manifest was left in the spool for the inode reserve" "$(cat "$LOG")" \
	"fewer than its reserve of 200 free inodes"
assert_contains "the audit log says so" "$("$RECCTL" audit show -R "$REG" --action quarantine 2>&1)" "deferred"
left=$(compgen -G "$SP/junk*.json" | wc -l)
if [ "$left" -gt 0 ]; then
	pass "the manifests the quarantine has no room for stay in the spool ($left)"
else
	fail "the manifests the quarantine has no room for stay in the spool" "none left"
fi

# Another recorder's good call.
for f in "$T_TMP/good"/*; do
	case "$f" in *.json) ;; *) install -o "$rec2" -m 0644 "$f" "$SP/" ;; esac
done
for f in "$T_TMP/good"/*.json; do
	install -o "$rec2" -m 0644 "$f" "$SP/.g" && mv "$SP/.g" "$SP/$(basename "$f")"
done
ingested() { [ "$(q 'SELECT count(*) FROM recording')" = 1 ]; }
wait_for 10 ingested
assert_eq "another recorder's good call sent after them is ingested" 1 "$(q 'SELECT count(*) FROM recording')"
echo "# watch said: $(grep -v quarantined "$LOG" | sort | uniq -c | sort -rn | head -n 4 | cut -c1-200)"
stop_watch
# A mount started now (its audit journal is a new file of the register).
MNT=$T_TMP/mnt
if mount_recfs "$REG" "$MNT" "$KEYS/training.keyring"; then
	pass "the register still mounts"
	unmount_recfs "$MNT"
else
	echo "# recfs said: $(tail -n 2 "$MNT.err")"
fi

# Inodes used up otherwise (files of the owner's): a command that cannot
# open the catalog says why.
i=0
while touch "$T_TMP/a/fill$i" 2>/dev/null; do i=$((i + 1)); done
assert_fails_with "with no inode left, recctl says the register's file system has none" \
	"has no free inode left" "$RECCTL" fsck -R "$REG"
rm -f "$T_TMP/a"/fill*
t_done
