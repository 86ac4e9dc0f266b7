#!/bin/bash
# A change a level cannot see must not reach that level's copy of the tree
# (atk23).  Folders carry the mount's start time ("a newest-recording time
# would tell a caller about recordings it cannot see", fs/tree.c), size 0
# and nlink 1, so nothing a lower level stats of a folder changes when a
# higher level's recording comes or goes.  The poller invalidated the
# kernel's cached attributes of every folder whose kids changed, in every
# view that sees the folder (tree_diff: n_kids differs), also in the views
# of levels that see none of the kids that changed; now only a node whose
# shown attributes changed is invalidated.  The next stat of that
# folder by the lower level is then a round trip to the daemon (tens of
# microseconds instead of one): a trainer who keeps a descriptor of a
# person's by-subject folder, or of a day's folder, and fstats it in a
# loop learns the moment that person gets (or loses) a recording above
# the trainer's level.  The test watches the daemon's FUSE debug output
# (-d) for the GETATTR that the kernel sends after such an invalidation.
#
# Policy: bronze < silver < gold, cs calls (bronze), boardroom meetings
# (gold only).
. "$(dirname "$0")/lib.sh"

pol=$T_TMP/policy.conf
cp "$T_ROOT/tests/fixtures/policy-bronze-silver-gold.conf" "$pol"
bronze=$(make_level_user bronze)
gold=$(make_level_user gold)
make_group recfs-silver
make_register "$T_TMP/a" "$pol"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json low '{"recorded_at": "2026-11-20T09:00:00Z", "source": "cs", "title": "Routine call",
 "subjects": [{"role": "customer", "name": "Anna Lowe", "phone": "+46701110001"}], "audio": "low.opus"}'

# The daemon with FUSE debug output (every request on its stderr).
MNT=$T_TMP/mnt
mkdir -p "$MNT"
"$RECFS" -d -o "allow_other,keyring=$KEYS/bronze.keyring,keyring=$KEYS/silver.keyring,keyring=$KEYS/gold.keyring" \
	"$REG" "$MNT" 2>"$MNT.err" &
T_DAEMONS+=("$!")
T_MOUNTS+=("$MNT")
T_MOUNT_PID[$MNT]=$!
for _ in $(seq 1 100); do mountpoint -q "$MNT" && break; sleep 0.05; done
mountpoint -q "$MNT" || t_abort "mount" "recfs -d did not mount: $(head -c 800 "$MNT.err")"

h=$(as_user "$bronze" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "setup" "bronze sees no subject"
DAY=$MNT/by-date/2026/11/20
SUBJ=$MNT/by-subject/$h

# A bronze process that holds both folders and its call open and fstats
# them when told.
LOWF=$(as_user "$bronze" find "$SUBJ" -name '*.opus' | head -n 1)
[ -n "$LOWF" ] || t_abort "setup" "bronze sees no call of the person"
cat >"$T_TMP/reader.py" <<'EOF'
import os, sys
fds = [os.open(p, os.O_RDONLY) for p in sys.argv[1].split(":")]
for fd in fds:
    os.fstat(fd)
print("open", flush=True)
for line in sys.stdin:
    if line.strip() == "quit":
        break
    for fd in fds:
        os.fstat(fd)
    print("ok", flush=True)
EOF
start_reader watcher "$bronze" "$DAY:$SUBJ:$LOWF"

# The node ids the kernel holds for bronze's copies of the two folders:
# view 1 (bronze is the policy's first level) above the path's ino.
nodeid() { echo $(( (1 << 58) | $(as_user "$bronze" stat -c %i "$1") )); }
day_id=$(nodeid "$DAY")
subj_id=$(nodeid "$SUBJ")
call_id=$(nodeid "$LOWF")
# getattrs_since LINE ID: GETATTRs of node id ID in the debug output after LINE.
getattrs_since() { tail -n +"$(($1 + 1))" "$MNT.err" | grep -c "opcode: GETATTR (3), nodeid: $2,"; }
# after CMD...: run CMD, give the poller time (it applies a change within a
# second), let the watcher fstat both folders; sets MARK to where the
# debug output stood before CMD.
after()
{
	ask watcher stat
	sleep 0.5
	MARK=$(wc -l <"$MNT.err")
	"$@"
	sleep 2.5
	ask watcher stat
	sleep 0.5
}

# --- a gold-only meeting of the same person, on the same day ---------------
after ingest_json sec '{"recorded_at": "2026-11-20T12:00:00Z", "source": "boardroom", "title": "Whistleblower interview",
 "subjects": [{"role": "customer", "name": "Anna Lowe", "phone": "+46701110001"}], "audio": "sec.opus"}'
assert_eq "bronze does not see the gold meeting" "1" "$(as_user "$bronze" ls "$SUBJ" | grep -c '\.opus$')"
assert_eq "a gold-only meeting does not drop bronze's cached attributes of the day's folder" "0" \
	"$(getattrs_since "$MARK" "$day_id")"
assert_eq "nor of the person's by-subject folder (bronze learns that the person was recorded above its level)" "0" \
	"$(getattrs_since "$MARK" "$subj_id")"

# --- its erasure by gold -----------------------------------------------------
after as_user "$gold" sh -c "rm $DAY/*_boardroom_*.opus"
assert_eq "the gold meeting is erased" "0" "$(q "SELECT count(*) FROM recording WHERE source = 'boardroom'")"
assert_eq "its erasure does not drop bronze's cached attributes of the day's folder" "0" \
	"$(getattrs_since "$MARK" "$day_id")"
assert_eq "nor of the person's by-subject folder" "0" "$(getattrs_since "$MARK" "$subj_id")"

# --- a call bronze sees, on the same day ------------------------------------
# Its own name is new to bronze; the folders' attributes stay those of any
# folder, and nothing of them is invalidated.
after ingest_json low2 '{"recorded_at": "2026-11-20T15:00:00Z", "source": "cs", "title": "Routine call 2",
 "subjects": [{"role": "customer", "name": "Anna Lowe", "phone": "+46701110001"}], "audio": "low2.opus"}'
assert_eq "bronze sees its new call" "2" "$(as_user "$bronze" ls "$SUBJ" | grep -c '\.opus$')"

# --- control: the watcher does see an invalidation of what bronze sees -----
# (proves the checks above can fail): gold restricts bronze's first call,
# whose attributes bronze is shown change (mode 0000), and bronze's next
# fstat of it asks the daemon.
after as_user "$gold" chmod 0 "$(as_user "$gold" find "$MNT/by-date" -name "$(basename "$LOWF")")"
n=$(getattrs_since "$MARK" "$call_id")
if [ "$n" -ge 1 ]; then pass "control: a change bronze is shown is seen through the debug output"; else
	fail "control: a change bronze is shown is seen through the debug output" "no GETATTR of $call_id"; fi
stop_reader watcher
t_done
