#!/bin/bash
# Two recctl watch on one spool took each other's manifests, and the one
# that lost a race logged "cannot quarantine m-... : cannot move the
# manifest to quarantine: No such file or directory; will retry" for a
# manifest the other had quarantined (atk41, an old watch still running).
# watch now holds a lock on the spool (in REGISTER/watch.lock) while it
# runs: a second watch on the same spool, by any path to it, is refused
# with exit status 3 and says so; a watch on another spool starts; once
# the first is gone (even killed), a new one starts.
# A watch of another register on the spool was not refused, and every call
# was then stored in both registers (atk45): it is refused the same way,
# naming the register whose watch runs; a recorder cannot take that lock.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/b"
REG_B=$REG KEYS_B=$KEYS
make_register "$T_TMP/a"
SP=$T_TMP/spool
SP2=$T_TMP/spool2
mkdir -p "$SP" "$SP2"
LOG=$T_TMP/watch.log
start_watch "$REG" "$LOG" "$SP" || t_abort "watch" "the first watch does not start: $(cat "$LOG")"
first=$WATCH_PID

assert_exit "a second watch on the same spool is refused: exit 3" 3 \
	timeout 10 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP"
assert_contains "... and says the spool is watched already" "$T_OUT" "spool $SP is watched already"
assert_not_contains "... and watches nothing" "$T_OUT" "watching "
assert_exit "so is one on another path to it" 3 \
	timeout 10 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/./spool/"
assert_match "the refusal is in the register's audit log" \
	"$("$RECCTL" audit show -R "$REG" --action watch 2>&1)" "watch.*refused.*another watch of this register"

# Another register's watch on the same spool.
assert_exit "a watch of another register on the spool is refused: exit 3" 3 \
	timeout 10 "$RECCTL" watch -R "$REG_B" --keyring "$KEYS_B/ingest.keyring" "$SP"
assert_contains "... and names the register whose watch runs on it" "$T_OUT" "the watch of register $REG runs on it"
assert_match "... and is in that other register's audit log" \
	"$("$RECCTL" audit show -R "$REG_B" --action watch 2>&1)" "watch.*refused.*by the watch of register"
assert_not_contains "... and watches nothing" "$T_OUT" "watching "
# A recorder who may write the spool cannot keep the watches off it.
rec=$(make_plain_user rec)
chown "$rec" "$SP2"
as_user "$rec" /usr/bin/python3 -c '
import fcntl, os, sys
for p in (sys.argv[1] + "/.lock", "/run/recfs/x.lock"):
    try:
        fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("made", p)
    except OSError as e:
        print("refused", p, e.errno)
' "$SP2" >"$T_TMP/rec.out" 2>&1
assert_contains "a recorder may not make files where the locks are" "$(cat "$T_TMP/rec.out")" "refused /run/recfs/x.lock"
if read -r owner mode < <(stat -c '%u %a' /run/recfs 2>/dev/null) && [ -n "$mode" ]; then
	assert_eq "the locks' folder is root's, written by no one else" "0 0" "$owner $((8#$mode & 8#022))"
else
	fail "the locks' folder is root's, written by no one else" "no /run/recfs"
fi

# Another spool of the same register has a watch of its own.
LOG2=$T_TMP/watch2.log
if start_watch "$REG" "$LOG2" "$SP2"; then
	pass "a watch on another spool of the register starts"
	stop_watch
else
	fail "a watch on another spool of the register starts" "exit $WATCH_RC: $(cat "$LOG2")"
fi

# The first one still ingests.
gen_manifests "$T_TMP/good" 1 --seed 46 --meetings 0
for f in "$T_TMP/good"/*; do case "$f" in *.json) ;; *) cp "$f" "$SP/" ;; esac; done
for f in "$T_TMP/good"/*.json; do cp "$f" "$SP/.g" && mv "$SP/.g" "$SP/$(basename "$f")"; done
ingested() { [ "$(q 'SELECT count(*) FROM recording')" = 1 ]; }
wait_for 10 ingested
assert_eq "the first watch ingests the spool's call" 1 "$(q 'SELECT count(*) FROM recording')"

# Killed, it leaves no lock behind.
kill -KILL "$first"
wait "$first" 2>/dev/null
WATCH_PID=
LOG3=$T_TMP/watch3.log
if start_watch "$REG" "$LOG3" "$SP"; then
	pass "once the first watch is killed, a new one starts on the spool"
	stop_watch
	assert_eq "... and stops with exit 0" 0 "$WATCH_RC"
else
	fail "once the first watch is killed, a new one starts on the spool" "exit $WATCH_RC: $(cat "$LOG3")"
fi
LOG4=$T_TMP/watch4.log
if start_watch "$REG_B" "$LOG4" --keyring "$KEYS_B/ingest.keyring" "$SP"; then
	pass "then another register's watch starts on it"
	stop_watch
else
	fail "then another register's watch starts on it" "exit $WATCH_RC: $(cat "$LOG4")"
fi
t_done
