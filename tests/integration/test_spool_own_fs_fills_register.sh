#!/bin/bash
# A recorder confined to a spool on a file system of its own must not fill
# the register's file system through the quarantine (atk30 F2).  README and
# recctl(1): a recorder that fills the default spool leaves the mounts no
# room for their audit entries; "where recorders are not trusted that far,
# give SPOOL a file system of its own".  But every refused manifest's files
# were copied from that file system into REGISTER/quarantine/, kept there
# for quarantine_retention (30 days), and the spool emptied for the next: a
# recorder that sent refused manifests (here not Opus at all) filled the
# register's disk to its last blocks (0 KiB free) while its own spool
# stayed nearly empty, and another recorder's good call was then not
# ingested.  Now the quarantine never copies the register's file system
# below a reserve (the larger of 64 MiB and 5 %, at most half of it: 4 MiB
# of this 8 MiB one); a manifest that would is left in the spool, said once
# in watch's log and the audit log ("deferred"), and tried again with the
# back-off.  So, with the register on 8 MiB and the spool on 32 MiB:
#  1. the quarantine leaves the register's file system its reserve;
#  2. a manifest left in the spool for it is logged and audited once, not
#     at each try;
#  3. another recorder's good manifest sent after them is ingested.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
t_tmpfs "$T_TMP/a" 8m 0755
make_register "$T_TMP/a"
rec=$(make_plain_user rec)
rec2=$(make_plain_user rec2)
SP=$T_TMP/spool
t_tmpfs "$SP" 32m 0777
chmod 1777 "$SP"
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the daemon does not start: $(cat "$LOG")"

# The recorder: refused manifests of 2.5 MB; one that stays in the spool for
# 4 s (no room in the quarantine) is taken back and sent again half as
# large, down to 2 KB; at most about 50 s.
as_user "$rec" /usr/bin/python3 - "$SP" <<'PY' || t_abort "recorder" "cannot write the spool"
import json, os, sys, time
sp = sys.argv[1]
def send(i, size):
    open(os.path.join(sp, "junk%d.opus" % i), "wb").write(os.urandom(size))
    json.dump({"recorded_at": "2026-11-01T10:%02d:%02dZ" % (i // 60, i % 60), "source": "customer-service",
               "audio": "junk%d.opus" % i}, open(os.path.join(sp, ".m"), "w"))
    os.rename(os.path.join(sp, ".m"), os.path.join(sp, "junk%d.json" % i))
end = time.time() + 50
size, i = 2500000, 0
while size >= 2000 and time.time() < end:
    send(i, size)
    t = time.time() + 4
    while os.path.exists(os.path.join(sp, "junk%d.json" % i)) and time.time() < t:
        time.sleep(0.05)
    if os.path.exists(os.path.join(sp, "junk%d.json" % i)):	# no room for it: take it back, send less
        os.unlink(os.path.join(sp, "junk%d.json" % i))
        os.unlink(os.path.join(sp, "junk%d.opus" % i))
        size //= 2
    i += 1
PY
free_kb=$(df -k --output=avail "$T_TMP/a" | tail -n 1 | tr -d ' ')
if [ "$free_kb" -ge 3968 ]; then
	pass "a recorder's refused manifests leave the register's file system room ($free_kb KiB free)"
else
	fail "a recorder's refused manifests leave the register's file system room" \
		"$free_kb KiB free of 8 MiB, its reserve 4096 KiB; the quarantine holds $(ls "$REG/quarantine" | wc -l) folders, the recorder's spool $(du -sk "$SP" | cut -f1) KiB"
fi

assert_contains "the log says a manifest was left in the spool for the reserve" "$(cat "$LOG")" \
	"left in the spool, tried again as room comes"
assert_contains "... naming the reserve" "$(cat "$LOG")" "less than its reserve of 4 MiB free"
assert_contains "the audit log says so" "$("$RECCTL" audit show -R "$REG" --action quarantine 2>&1)" "deferred"

# One more, left in the spool: tried again, but logged once.
before=$(grep -c "tried again as room comes" "$LOG")
as_user "$rec" sh -c "head -c 3000000 /dev/urandom >'$SP/last.opus' &&
	printf '{\"recorded_at\": \"2026-11-02T10:00:00Z\", \"source\": \"customer-service\", \"audio\": \"last.opus\"}' >'$SP/.l' &&
	mv '$SP/.l' '$SP/last.json'" || t_abort "recorder" "cannot write the spool"
sleep 10
assert_file "a manifest the quarantine has no room for stays in the spool" "$SP/last.json"
assert_file "... with its audio" "$SP/last.opus"
assert_eq "it is logged once in 10 s of tries" $((before + 1)) "$(grep -c "tried again as room comes" "$LOG")"
rm -f "$SP/last.json" "$SP/last.opus"

# Another recorder's good call.
as_user "$rec2" sh -c "cp '$FIX/mono.opus' '$SP/good.opus' &&
	printf '{\"recorded_at\": \"2026-11-28T10:15:00Z\", \"source\": \"customer-service\", \"audio\": \"good.opus\"}' >'$SP/.g' &&
	mv '$SP/.g' '$SP/good.json'" || t_abort "recorder 2" "cannot write the spool"
for _ in $(seq 1 100); do [ -e "$SP/good.json" ] || break; sleep 0.1; done
assert_eq "another recorder's good call is ingested" 1 "$(q "SELECT count(*) FROM recording")"
t_done
