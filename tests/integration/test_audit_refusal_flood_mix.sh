#!/bin/bash
# Promise tried: recfs(8): refusals are logged one by one up to 20 a second
# per user and the rest counted (action refusals) so that a flood cannot
# fill the register's disk; a refused open of a recording is still named
# when it is the first of that action on that recording in the second;
# the daemon's memory is bounded by its caps; the daemon survives.
#
# Attack: a trainer floods the mount with 100,000 refused requests of
# several kinds on the calls it sees (open for writing, unlink, chmod,
# setxattr of a rights attribute, open of a protected call that is not
# unlocked), from one process.  Expected: the daemon lives, its resident
# size grows by less than 16 MiB, the log grows by at most about 20 + the
# named recordings' entries a second, and the counting entries account for
# every refusal (named + counted = made).
. "$(dirname "$0")/lib.sh"

N=${ATK47_FLOOD:-100000}
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for i in 1 2 3 4 5 6; do customer_call "c$i" "2026-11-0${i}T10:00:00Z" "Asiakas $i" "+35840123456$i"; done
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
files=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort)
[ "$(printf '%s\n' "$files" | grep -c .)" = 6 ] || t_abort "data" "the trainer sees: $files"
prot=$(printf '%s\n' "$files" | head -n 1)
printf '%s\n' kissa-koira-hevonen-1 >"$T_TMP/pass"
chmod 0644 "$T_TMP/pass"
as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$prot" >"$T_TMP/protect.out" 2>&1 ||
	t_abort "protect" "$(tail -n 2 "$T_TMP/protect.out")"
as_user "$trainer" cat "$prot" >/dev/null 2>&1 && t_abort "protect" "the trainer still reads $prot"
pid=${T_MOUNT_PID[$MNT]}
rss0=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
sleep 1.5
before=$(q "SELECT max(seq) FROM audit")
cat >"$T_TMP/flood.py" <<'EOF'
import os, sys
n, files = int(sys.argv[1]), sys.argv[2:]
made = 0
for i in range(n):
    f = files[i % len(files)]
    k = i % 5
    try:
        if k == 0:
            os.close(os.open(f, os.O_WRONLY))
        elif k == 1:
            os.unlink(f)
        elif k == 2:
            os.chmod(f, 0)
        elif k == 3:
            os.setxattr(f, "user.gdpr.legal_hold", b"x")
        else:
            os.close(os.open(files[0], os.O_RDONLY))
    except OSError:
        made += 1
print(made)
EOF
t0=$(date +%s)
made=$(as_user "$trainer" /usr/bin/python3 "$T_TMP/flood.py" "$N" $files)
t1=$(date +%s)
secs=$((t1 - t0 + 1))
echo "   $made refusals in about $secs s"
sleep 2
kill -0 "$pid" 2>/dev/null && pass "the daemon lives" || fail "the daemon lives" "gone"
rss1=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
echo "   VmRSS $rss0 kB -> $rss1 kB"
if ldd "$RECCTL" | grep -q -e libasan -e libubsan; then
	# ASan keeps what is freed in its quarantine (256 MiB): no bound to see.
	pass "(a sanitizer build: the resident size is not bounded here)"
elif [ $((rss1 - rss0)) -lt 16384 ]; then
	pass "its resident size grew by less than 16 MiB"
else
	fail "its resident size grew by less than 16 MiB" "$rss0 kB -> $rss1 kB"
fi
after=$(q "SELECT max(seq) FROM audit")
grew=$((after - before))
uid=$(id -u "$trainer")
named=$(q "SELECT count(*) FROM audit WHERE seq > $before AND uid = $uid AND outcome != 'ok' AND action != 'refusals'")
counted=$(q "SELECT coalesce(sum(CAST(reason AS INTEGER)), 0) FROM audit
	WHERE seq > $before AND action = 'refusals'")
echo "   log grew by $grew entries: $named named refusals; refusals entries count $counted"
q "SELECT reason FROM audit WHERE seq > $before AND action = 'refusals' LIMIT 3" | sed 's/^/   e.g. /'
[ "$grew" -le $(( (20 + 6 * 5 + 2) * secs + 50)) ] && pass "the log grew by at most ~ (20 + named) a second" ||
	fail "the log grew by at most ~ (20 + named) a second" "$grew entries in $secs s"
assert_eq "named and counted refusals account for every one made" "$made" "$((named + counted))"
t_done
