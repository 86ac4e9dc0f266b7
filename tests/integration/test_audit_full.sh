#!/bin/bash
# The register's disk full: an open whose audit entry cannot be journalled
# is refused with ENOSPC (not EIO, which says a blob was tampered with),
# and what waits for the log in the daemon's memory is bounded: past
# 65,536 entries opens are refused and the rest only counted, and once
# space comes back the log gets every entry that was queued and one entry
# that counts the others, so that together they account for every open.
# The register is on a tmpfs of its own, filled with a file.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
DISK=$T_TMP/disk
t_tmpfs "$DISK" 48m

make_register "$DISK/a"
gen_manifests "$T_TMP/spool" 4 --seed 7 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the analysis level sees no recording"
assert_ok "the analyst reads a recording" as_user "$analyst" cat "$f"
pid=${T_MOUNT_PID[$MNT]}
rss_before=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
seq0=$(q "SELECT max(seq) FROM audit")

g=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort | sed -n 2p)
g_id=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.id "$g" 2>/dev/null)
h=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort | sed -n 3p)
h_id=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.id "$h" 2>/dev/null)
[ -n "$g_id" ] && [ -n "$h_id" ] || t_abort "ids" "no user.recfs.id on the recordings"

dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null
assert_eq "the register's disk is full" 0 "$(df --output=avail -B1 "$DISK" | tail -n 1 | awk '{ print ($1 > 65536) }')"

# The officer's rights while the disk is full: refused with ENOSPC,
# nothing half done, and every refusal, the officer's and another level's,
# is in the log once there is room again (the audit queue holds them).
out=$(as_user "$dpo" rm "$g" 2>&1)
rm_rc=$?
echo "   the officer's rm with the disk full: rc $rm_rc: $out"
if [ "$rm_rc" -eq 0 ]; then
	# sqlite found room in its own files: a true erasure, checked in the
	# log below
	assert_fails_with "the officer's rm found room: the recording is gone" "No such file" \
		as_user "$dpo" stat "$g"
else
	assert_contains "the officer's rm says the disk is full" "$out" "No space left on device"
	assert_ok "and the recording is still there" as_user "$dpo" test -e "$g"
fi
out=$(as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "claim 7" "$h" 2>&1)
hold_rc=$?
echo "   the officer's legal hold with the disk full: rc $hold_rc: $out"
assert_fails_with "the analyst's rm is refused as ever (EACCES), disk full or not" "Permission denied" \
	as_user "$analyst" rm "$h"

# Opens until the journal's last page is full, then the flood (an open
# whose entry still fits is answered).  Every
# refusal the reader met must be in the log at the end, one by one or
# counted.
tries=70000
counts=$(as_user "$analyst" /usr/bin/python3 -c '
import collections, errno, os, sys
seen = collections.Counter()
for i in range(int(sys.argv[2])):
    try:
        os.close(os.open(sys.argv[1], os.O_RDONLY))
        seen["ok" if not seen else "ok-after-a-refusal"] += 1
    except OSError as e:
        seen[errno.errorcode.get(e.errno, str(e.errno))] += 1
print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))' "$f" "$tries")
echo "   $tries opens with the disk full: $counts"
assert_eq "an open either has its entry journalled or is ENOSPC: no EIO, no other errno" "" \
	"$(printf '%s\n' $counts | grep -v -e '^ok=' -e '^ok-after-a-refusal=' -e '^ENOSPC=')"
refused=$(printf '%s\n' "$counts" | grep -o 'ENOSPC=[0-9]*' | cut -d= -f2)
# An open answered has its entry in the journal's reserve (1 MiB, entries
# of some 190 bytes here): until half the reserve is used (some 2,800
# opens), the rest of it holding refusals; in any case fewer than the
# whole reserve holds.
assert_eq "nearly all of them (all but fewer than the journal's reserve holds)" 1 "$(( refused > tries - 6000 ))"
out=$(as_user "$analyst" cat "$f" 2>&1 >/dev/null)
assert_contains "cat says why" "$out" "No space left on device"
# The daemon says it cannot journal once a minute, not once a refused open
# (any user could flood the system log with refused opens meanwhile).
said=$(grep -c "cannot write the audit journal" "$MNT.err")
assert_eq "the daemon said it cannot journal at most once a started minute ($said lines)" 1 \
	"$(( said >= 1 && said <= SECONDS / 60 + 1 ))"
rss_full=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
echo "   daemon VmRSS: $rss_before KiB before, $rss_full KiB with the queue full"
# A sanitizer build's redzones and quarantine make the heap several times
# larger: the bound is checked on the plain build (as test_load.sh does).
if ldd "$RECFS" 2>/dev/null | grep -q libasan; then
	echo "   VmRSS bound not checked: a sanitizer build"
else
	assert_eq "the queue's memory stays bounded (under 96 MiB more)" 1 "$(( rss_full - rss_before < 96 * 1024 ))"
fi

rm -f "$DISK/filler"
ok=
for _ in $(seq 1 100); do
	as_user "$analyst" cat "$f" >/dev/null 2>&1 && { ok=1; break; }
	refused=$((refused + 1))	# the queue is still being written
	sleep 0.1
done
assert_eq "with space again, the analyst reads" 1 "${ok:-0}"
unmount_recfs "$MNT"
"$RECCTL" audit show -R "$REG" --json >"$T_TMP/all.json"
summary=$(python3 -c '
import json, re, sys
es = [e for e in json.load(open(sys.argv[1])) if e["seq"] > int(sys.argv[2])]
full = sum(1 for e in es if e["action"] == "open" and e["outcome"] == "refused" and e["reason"] == "ENOSPC")
counted = [int(re.match(r"(\d+) entries were not logged", e["reason"]).group(1))
           for e in es if e["action"] == "audit" and e["user"] == "recfs"]
ok = sum(1 for e in es if e["action"] == "open" and e["outcome"] == "ok")
print(full, len(counted), full + sum(counted), ok)' "$T_TMP/all.json" "$seq0")
read -r full n_counted total ok_opens <<<"$summary"
echo "   in the log: $full refused opens one by one, $n_counted entries counting $((total - full)) more, $ok_opens opens"
assert_eq "the queue held at most 65,536" 1 "$(( full <= 65536 ))"
assert_eq "one entry counts the rest" 1 "$n_counted"
rights=$("$RECCTL" audit show -R "$REG" --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["seq"] > int(sys.argv[1]) and e["action"] in ("erase", "hold"):
        print(e["user"], e["action"], e["object"], e["outcome"], e["reason"])' "$seq0")
echo "$rights" | sed 's/^/   /'
if [ "$rm_rc" -ne 0 ]; then
	assert_eq "the officer's refused rm is in the log" 1 \
		"$(grep -cxF "$dpo erase $g_id refused ENOSPC" <<<"$rights")"
else
	assert_eq "the officer's rm is in the log" 1 "$(grep -c "^$dpo erase $g_id ok" <<<"$rights")"
fi
if [ "$hold_rc" -ne 0 ]; then
	assert_eq "the officer's refused hold is in the log" 1 \
		"$(grep -cxF "$dpo hold $h_id refused ENOSPC" <<<"$rights")"
else
	assert_eq "the officer's hold is in the log" 1 "$(grep -c "^$dpo hold $h_id ok" <<<"$rights")"
fi
assert_eq "the analyst's refused rm is in the log, with its reason" 1 \
	"$(grep -cxF "$analyst erase $h_id refused below the rights level" <<<"$rights")"
assert_eq "together they account for every refused open" "$((refused + 1))" "$total"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
