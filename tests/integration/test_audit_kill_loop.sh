#!/bin/bash
# Promise tried: recfs(8): "An open is answered only once its entry is
# safe ... so no open is missing from the log even when the daemon is
# killed (SIGKILL) the moment it answers"; the journal of a killed mount is
# moved into the log by the next mount or recctl command; and recctl(1)
# audit verify says "intact" for a log that nobody edited.
#
# Attack: two users of two levels (an analyst and a trainer) open the
# calls of a register in a loop, each open that returns noted by the
# reader itself, while the daemon is killed with SIGKILL at random moments
# and the register mounted again, many times.  Expected: for each user and
# each call, the log holds at least as many successful opens as the
# readers saw return; audit verify (with the key) says intact: a crash is
# not tampering.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ATK47_ROUNDS:-25}
# Epochs of one second, so that kills also land while the log is sealed.
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
"$RECCTL" init "$REG" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase --audit-epoch 1 \
	>"$T_TMP/init.out" 2>&1 || t_abort "init --audit-epoch 1" "$(cat "$T_TMP/init.out")"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for i in 1 2 3 4; do customer_call "c$i" "2026-11-0${i}T10:00:00Z" "Asiakas $i" "+35840123456$i"; done
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
files=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ "$(printf '%s\n' "$files" | grep -c .)" = 4 ] || t_abort "data" "the analyst sees: $files"
# The reader: opens each file in turn; prints the path's stem as soon as
# open() returned a descriptor, then reads it; errors (the mount killed)
# are skipped.  Stops when the stop file exists.
cat >"$T_TMP/loop.py" <<'EOF'
import os, sys
stop, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "a", buffering=1) as log:
    while not os.path.exists(stop):
        for f in files:
            try:
                fd = os.open(f, os.O_RDONLY)
            except OSError:
                continue
            log.write(os.path.basename(f).split("_")[-1].split(".")[0] + "\n")
            try:
                os.read(fd, 65536)
            except OSError:
                pass
            os.close(fd)
EOF
touch "$T_TMP/an.log" "$T_TMP/tr.log"
chmod 0666 "$T_TMP/an.log" "$T_TMP/tr.log"
rm -f "$T_TMP/stop"
as_user "$analyst" /usr/bin/python3 "$T_TMP/loop.py" "$T_TMP/stop" "$T_TMP/an.log" $files &
A=$!
as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" "$T_TMP/stop" "$T_TMP/tr.log" $files &
B=$!

killed=0
for r in $(seq 1 "$ROUNDS"); do
	sleep "0.$((RANDOM % 6 + 2))"
	pid=${T_MOUNT_PID[$MNT]}
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
	unset "T_MOUNT_PID[$MNT]"
	fusermount3 -uz "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	mount_all_levels "$MNT"
done
sleep 0.5
touch "$T_TMP/stop"
wait "$A" "$B"
unmount_recfs "$MNT"
pass "the daemon was killed $killed times while two users read"

assert_ok "audit seal after the kills" "$RECCTL" audit seal -R "$REG"
assert_ok "audit verify with the key after the kills: intact" \
	"$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
echo "$T_OUT" | sed 's/^/   /'

# For each user and call: opens seen by the reader <= ok open entries.
short=""
for u in "$analyst:an" "$trainer:tr"; do
	name=${u%%:*}
	uid=$(id -u "$name")
	for id8 in $(sort -u "$T_TMP/${u##*:}.log"); do
		seen=$(grep -cx "$id8" "$T_TMP/${u##*:}.log")
		logged=$(q "SELECT count(*) FROM audit WHERE action = 'open' AND outcome = 'ok' AND uid = $uid
			AND substr(object, 1, 8) = '$id8'")
		echo "   $name $id8: $seen opens returned, $logged logged"
		[ "$logged" -ge "$seen" ] || short="$short $name/$id8:$seen>$logged"
	done
done
total=$(cat "$T_TMP/an.log" "$T_TMP/tr.log" | grep -c .)
[ "$total" -gt 100 ] && pass "the readers opened $total times" || fail "the readers opened" "only $total"
[ -z "$short" ] && pass "every open that returned is in the log" || fail "every open that returned is in the log" "$short"
left=$(find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)
assert_eq "no journal is left behind once recctl ran" 0 "$left"

t_done
