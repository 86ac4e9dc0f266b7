#!/bin/bash
# Every refusal is a clear errno and a log entry, never lost (atk25 F1):
# with the register's disk full, the mount's audit journal could not be
# appended to, so the entries of refused opens waited in the daemon's
# memory only, and a daemon killed (SIGKILL, the OOM killer) while the disk
# was still full took them with it: the log no longer showed every
# refusal.  Here: fill the register's disk, flood opens, kill -9 the
# daemon with the disk still full, free space, and let recctl open the
# register; three times: 4,000 opens (their entries fit in the journal's
# 1 MiB reserve), 72,000 (past the reserve and past the queue's 65,536),
# and 3,000 on a mount made with 600 KiB free (a smaller reserve).
# Expected: every open answered is in the log, every refused open is in
# it (one by one within the reserve; past it one by one or counted, in an
# entry by recfs, action audit), the killed mount's journal is gone into
# the log, and the log verifies.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
DISK=$T_TMP/disk
t_tmpfs "$DISK" 48m

make_register "$DISK/a"
gen_manifests "$T_TMP/spool" 2 --seed 7 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
# flood TRIES [LEAVE]: on a fresh mount (made with LEAVE KiB free on the
# disk), fill the disk, TRIES opens, kill -9, free the disk, recctl; then
# ok and refused are what the reader met, and log_ok, log_one, n_counted,
# log_counted, log_unknown what the log shows.
flood() {
	local tries=$1 leave=${2:-} pid seq0 counts summary avail
	if [ -n "$leave" ]; then
		avail=$(df --output=avail -B1 "$DISK" | tail -n 1)
		dd if=/dev/zero of="$DISK/filler0" bs=4k count=$(( (avail - leave * 1024) / 4096 )) status=none
		echo "   mounting with $(df --output=avail -B1 "$DISK" | tail -n 1) bytes free"
	fi
	mount_all_levels "$MNT"
	f=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
	[ -n "$f" ] || t_abort "data" "the analysis level sees no recording"
	pid=${T_MOUNT_PID[$MNT]}
	sleep 1
	seq0=$(q "SELECT max(seq) FROM audit")
	dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null
	assert_eq "control: the register's disk is full" 0 \
		"$(df --output=avail -B1 "$DISK" | tail -n 1 | awk '{ print ($1 > 65536) }')"
	counts=$(as_user "$analyst" /usr/bin/python3 -c '
import collections, errno, os, sys
seen = collections.Counter()
for i in range(int(sys.argv[2])):
    try:
        os.close(os.open(sys.argv[1], os.O_RDONLY))
        seen["ok"] += 1
    except OSError as e:
        seen[errno.errorcode.get(e.errno, str(e.errno))] += 1
print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))' "$f" "$tries")
	echo "   $tries opens with the disk full: $counts"
	ok=$(printf '%s\n' $counts | grep '^ok=' | cut -d= -f2)
	refused=$(printf '%s\n' $counts | grep '^ENOSPC=' | cut -d= -f2)
	ok=${ok:-0} refused=${refused:-0}
	assert_eq "an open is answered or refused with ENOSPC: no other errno" "$tries" "$((ok + refused))"
	grep -E "reserve|cannot write|wait for a log" "$MNT.err" | sort | uniq -c | sed 's/^/   daemon: /'
	kill -9 "$pid"
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	unmount_recfs "$MNT"
	assert_eq "the killed mount left its audit journal" 1 \
		"$(find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)"
	ls -ls "$REG"/audit-journal-* 2>/dev/null | sed 's/^/   /'
	rm -f "$DISK/filler" "$DISK/filler0"
	"$RECCTL" audit show -R "$REG" --json >"$T_TMP/all.json" || fail "audit show" "recctl audit show failed"
	assert_eq "recctl moved the journal into the log" 0 "$(find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)"
	summary=$(python3 -c '
import json, re, sys
es = [e for e in json.load(open(sys.argv[1])) if e["seq"] > int(sys.argv[2])]
mine = [e for e in es if e["action"] == "open" and e["user"] == sys.argv[3]]
ok = sum(1 for e in mine if e["outcome"] == "ok")
one = sum(1 for e in mine if e["outcome"] == "refused" and e["reason"] == "ENOSPC")
counts = [e for e in es if e["action"] == "audit" and e["user"] == "recfs"]
known = [int(re.match(r"(\d+) entries were not logged", e["reason"] or "").group(1))
         for e in counts if re.match(r"\d+ entries were not logged", e["reason"] or "")]
print(ok, one, len(known), sum(known), len(counts) - len(known))' "$T_TMP/all.json" "$seq0" "$analyst")
	read -r log_ok log_one n_counted log_counted log_unknown <<<"$summary"
	echo "   in the log: $log_ok opens answered, $log_one refused one by one, $n_counted entries counting $log_counted more"
}

# Within the reserve: every entry is journalled, one by one.
flood 4000
assert_eq "control: opens are refused (the log cannot be written)" 1 "$(( refused > 0 ))"
assert_eq "every open answered is in the log" "$ok" "$log_ok"
assert_eq "every refused open is in the log, one by one" "$refused" "$log_one"
assert_eq "nothing needed counting" 0 "$((n_counted + log_unknown))"
assert_contains "the daemon says opens are refused to keep the journal's room for refusals" "$(cat "$MNT.err")" \
	"opens are refused (ENOSPC) until the log can be written"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"

# Past the reserve and past the queue: counted.
flood "${T_TRIES:-72000}"
assert_eq "control: opens are refused (the journal and the queue are full)" 1 "$(( refused > 60000 ))"
assert_eq "every open answered is in the log" "$ok" "$log_ok"
assert_eq "every refused open is in the log, one by one or counted" "$refused" "$((log_one + log_counted))"
assert_eq "no count is unknown" 0 "$log_unknown"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"

# A mount made with less room than the reserve: a smaller one, whose
# second half still takes refusals one by one; the rest counted.
flood 3000 600
grep -E "reserve" "$MNT.err" | sed 's/^/   daemon: /'
assert_eq "control: opens are refused" 1 "$(( refused > 0 ))"
assert_eq "every open answered is in the log" "$ok" "$log_ok"
assert_eq "refusals are in the log one by one (the smaller reserve's second half)" 1 "$(( log_one > 0 ))"
assert_eq "every refused open is in the log, one by one or counted" "$refused" "$((log_one + log_counted))"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
