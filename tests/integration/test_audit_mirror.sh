#!/bin/bash
# The syslog mirror of the audit log says what the log holds, no more: an
# entry whose transaction was rolled back is not mirrored, and one that
# the audit queue writes later is mirrored once, then.  The register's
# disk is filled (a tmpfs of its own) while an officer erases and puts a
# legal hold and an analyst tries the same: those transactions fail, their
# refusals wait in the mount's audit queue, and once there is room the
# log gets them.  At the end every entry of the log, and nothing else,
# has reached syslog exactly once, with its own seq, action, object and
# outcome.
#
# syslog: the test runs in a mount namespace of its own whose /dev/log is
# a catcher (lib.sh: syslog_catcher); every recctl and the mount run in it.
if [ -z "${RECFS_MIRROR_NS:-}" ]; then
	command -v unshare >/dev/null || { echo "FAIL needs unshare: not installed"; echo "0 passed, 1 failed"; exit 1; }
	RECFS_MIRROR_NS=1 exec unshare --mount --propagation private bash "$(readlink -f "$0")" "$@"
fi
. "$(dirname "$0")/lib.sh"

for tool in python3 logger getfattr setfattr; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
SYSLOG=$T_TMP/syslog.out
syslog_catcher "$SYSLOG"

DISK=$T_TMP/disk
t_tmpfs "$DISK" 48m

make_register "$DISK/a"
gen_manifests "$T_TMP/spool" 4 --seed 11 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
mapfile -t recs < <(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort)
[ "${#recs[@]}" -ge 3 ] || t_abort "data" "fewer than 3 recordings on the mount"
f=${recs[0]} g=${recs[1]} h=${recs[2]}
g_id=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.id "$g" 2>/dev/null)
h_id=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.id "$h" 2>/dev/null)
[ -n "$g_id" ] && [ -n "$h_id" ] || t_abort "ids" "no user.recfs.id on the recordings"
assert_ok "the analyst reads a recording" as_user "$analyst" cat "$f"

# The mirror lines so far: what a plain day looks like.
for _ in $(seq 1 100); do grep -q 'audit seq=.* action=open .*outcome=ok' "$SYSLOG" && break; sleep 0.05; done
assert_match "an open reached syslog with its seq" "$(cat "$SYSLOG")" 'audit seq=[0-9]+ uid=[0-9]+ .* action=open '

dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null
assert_eq "the register's disk is full" 0 "$(df --output=avail -B1 "$DISK" | tail -n 1 | awk '{ print ($1 > 65536) }')"
out=$(as_user "$dpo" rm "$g" 2>&1)
rm_rc=$?
echo "   the officer's rm with the disk full: rc $rm_rc: $out"
out=$(as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "claim 7" "$h" 2>&1)
echo "   the officer's legal hold with the disk full: rc $?: $out"
assert_fails_with "the analyst's rm is refused (EACCES), disk full or not" "Permission denied" \
	as_user "$analyst" rm "$h"
assert_fails_with "the analyst's chmod is refused (EPERM)" "Operation not permitted" \
	as_user "$analyst" chmod 0 "$h"
rm -f "$DISK/filler"

# The queue writes what waited once there is room; the analyst's refused
# rm is the last of them.
for _ in $(seq 1 100); do
	[ "$(q "SELECT count(*) FROM audit WHERE action='erase' AND object='$h_id' AND outcome='refused'")" -ge 1 ] &&
		break
	as_user "$analyst" cat "$f" >/dev/null 2>&1
	sleep 0.1
done
assert_eq "the analyst's refused rm is in the log" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action='erase' AND object='$h_id' AND outcome='refused'")"
unmount_recfs "$MNT"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
if [ "$rm_rc" -ne 0 ]; then
	assert_eq "the officer's refused erasure did not happen" 0 \
		"$(q "SELECT count(*) FROM audit WHERE action='erase' AND object='$g_id' AND outcome='ok'")"
	assert_not_contains "and syslog does not say it did" "$(grep -a "action=erase object=$g_id " "$SYSLOG")" \
		"outcome=ok"
fi

# The log and its mirror, entry by entry: "seq action object outcome".
sleep 0.2	# the last datagrams of recctl's own entries
q "SELECT seq || ' ' || action || ' ' || coalesce(object, '-') || ' ' || outcome FROM audit ORDER BY seq" \
	>"$T_TMP/log.txt"
grep -a -o 'audit seq=[0-9]* .*' "$SYSLOG" | python3 -c '
import re, sys
for line in sys.stdin:
    f = dict(m.groups() for m in re.finditer(r"(\w+)=(\S*)", line))
    print(f["seq"], f["action"], f["object"], f["outcome"])' | sort -n -s -k1,1 >"$T_TMP/mirror.txt"
echo "   the log: $(wc -l <"$T_TMP/log.txt") entries; syslog: $(wc -l <"$T_TMP/mirror.txt") audit lines"
assert_eq "no seq reached syslog twice" "" "$(cut -d' ' -f1 "$T_TMP/mirror.txt" | uniq -d | head -n 5 | tr '\n' ' ')"
assert_eq "syslog holds every entry of the log and nothing else, each as the log has it" "" \
	"$(diff "$T_TMP/log.txt" "$T_TMP/mirror.txt" | grep '^[<>]' | head -n 10)"
t_done
