#!/bin/bash
# Hostile load, open folders: a user who opens folders by the thousand and
# keeps them open while recordings are ingested pins one old snapshot per
# change (a folder handle keeps the snapshot it was opened in), unless
# folders are capped.
#
# - Folder flood: a training user opens folders of its view in a loop
#   (os.open O_DIRECTORY) and keeps trying while 20 recordings are
#   ingested one by one: it holds max_dirs_per_uid (32) folders and every
#   further open is EMFILE; the daemon's VmRSS stays under the bound
#   recfs(8) states for 32 pinned snapshots; the refusals are logged once
#   and audited.
# - Meanwhile another training user lists the tree and reads every .opus:
#   the same names and bytes as once the flood is over.
# - Once the flooder has closed everything its count is 0 again: it opens
#   exactly 32 folders once more.
# - The mount's cap (max_dirs=8, max_dirs_per_uid=4): two users hold 4
#   each, a third gets ENFILE.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"

make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 8 --seed 43 --meetings 0
ingest_spool "$T_TMP/spool"
gen_manifests "$T_TMP/more" 20 --seed 44 --meetings 0
[ "$(ls "$T_TMP/more"/*.json | wc -l)" -eq 20 ] || t_abort "data" "not 20 more manifests"
reader=$(make_level_user training)
flooder=$(make_plain_user dflood)
usermod -a -G recfs-training "$flooder" || t_abort "usermod" "cannot add $flooder to recfs-training"
ST=$T_TMP/state	# where the floods, as their users, write
mkdir -p "$ST" && chmod 1777 "$ST"

# dirflood.py LIST MAX STATE STOP: open the folders of LIST in turn, one
# every 5 ms, at most MAX in all, until STOP exists (errors counted by
# name; after an error it waits 20 ms and tries again), keep a JSON
# summary in STATE (at most 0.1 s old), then close them all.  With STOP
# "-": stop at the first error or at MAX.
cat >"$T_TMP/dirflood.py" <<'PY'
import errno, json, os, resource, sys, time
lst, most, state, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
paths = [l.rstrip("\n") for l in open(lst) if l.strip()]
fds, errs, i, saved = [], {}, 0, 0.0
def save():
    global saved
    tmp = state + ".tmp"
    json.dump({"opened": len(fds), "errors": errs}, open(tmp, "w"))
    os.rename(tmp, state)
    saved = time.monotonic()
while True:
    if time.monotonic() - saved > 0.1:
        save()
    if stop != "-" and os.path.exists(stop):
        break
    if len(fds) >= most:
        if stop == "-":
            break
        time.sleep(0.02)
        continue
    try:
        fds.append(os.open(paths[i % len(paths)], os.O_RDONLY | os.O_DIRECTORY))
        i += 1
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        errs[name] = errs.get(name, 0) + 1
        if stop == "-":
            break
        time.sleep(0.02)
        continue
    if stop != "-":
        time.sleep(0.005)
save()
for fd in fds:
    os.close(fd)
PY
# state FILE KEY: a number from a summary (errors.NAME for errors).
state()
{
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=sys.argv[2]
v = d["errors"].get(k[7:], 0) if k.startswith("errors.") else d[k]
print(v)' "$1" "$2"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
listing() { as_user "$reader" sh -c 'find "$1" | sort' sh "$MNT"; }
sums() { as_user "$reader" sh -c 'find "$1/by-date" -type f -name "*.opus" | sort | xargs md5sum' sh "$MNT"; }

# --- folder flood while recordings are ingested ------------------------------
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
pid=${T_MOUNT_PID[$MNT]}
as_user "$flooder" find "$MNT" -type d | sort >"$T_TMP/dirs.list"
[ "$(wc -l <"$T_TMP/dirs.list")" -ge 8 ] || t_abort "data" "fewer than 8 folders for training"
sleep 1
base=$(rss_kb "$pid")
echo "# ${SECONDS} s: VmRSS at rest: $((base / 1024)) MiB, $(wc -l <"$T_TMP/dirs.list") folders"

# At most 3,000 opens, so that a daemon without the cap is not taken to
# the machine's descriptor limit by the test itself; one every 5 ms, so
# that without the cap the flooder opens folders in each new snapshot.
flood_t0=$SECONDS
as_user "$flooder" /usr/bin/python3 "$T_TMP/dirflood.py" "$T_TMP/dirs.list" 3000 "$ST/f.state" "$ST/f.stop" &
fpid=$!
for _ in $(seq 1 600); do
	[ -e "$ST/f.state" ] && [ "$(state "$ST/f.state" opened)" -ge 32 ] && break
	kill -0 "$fpid" 2>/dev/null || t_abort "flood" "dirflood.py ended early"
	sleep 0.05
done
peak=$(rss_kb "$pid")
seen0=$(as_user "$reader" find "$MNT/by-date" -name '*.opus' | wc -l)
for m in "$T_TMP/more"/*.json; do
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$m" >"$T_TMP/ingest1.out" 2>&1 ||
		t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest1.out")"
	# The poller (every 200 ms) takes the new snapshot; the flooder
	# tries to open folders in it.
	sleep 0.5
	r=$(rss_kb "$pid")
	[ "$r" -gt "$peak" ] && peak=$r
done
assert_eq "the catalog holds the 20 recordings ingested during the flood" 28 "$(q 'SELECT count(*) FROM recording')"
seen=$(as_user "$reader" find "$MNT/by-date" -name '*.opus' | wc -l)
assert_eq "the training level sees some of them" 1 "$([ "$seen" -gt "$seen0" ] && echo 1 || echo 0)"
held=$(state "$ST/f.state" opened)
echo "# ${SECONDS} s: flooder holds $held folders; errors $(cat "$ST/f.state"); VmRSS peak $((peak / 1024)) MiB"
assert_eq "the flooder holds max_dirs_per_uid folders (32)" 32 "$held"
assert_eq "the folder opens beyond the cap fail with EMFILE, only with it" "EMFILE" \
	"$(python3 -c 'import json,sys; print(",".join(sorted(json.load(open(sys.argv[1]))["errors"])))' "$ST/f.state")"
# While it holds its cap: another user of the level lists and reads.
during_list=$(listing)
during_sums=$(sums)
assert_fails_with "a flooder at its cap lists nothing more (EMFILE)" "Too many open files" \
	as_user "$flooder" ls "$MNT/by-date"

touch "$ST/f.stop"
wait "$fpid"
sleep 2.5	# the housekeeping tick (2 s) trims what was released
after=$(rss_kb "$pid")
echo "# ${SECONDS} s: after close VmRSS $((after / 1024)) MiB"
assert_eq "the other training user lists the same tree during the flood" "$(listing)" "$during_list"
assert_eq "the other training user reads the same bytes during the flood" "$(sums)" "$during_sums"
assert_eq "the other training user read every .opus it sees" "$seen" "$(printf '%s\n' "$during_sums" | grep -c '\.opus$')"

# The count is 0 again: exactly the cap once more (releasedir is sent by
# the kernel after close returns: a few tries).
again=0
for _ in $(seq 1 20); do
	rm -f "$ST/g.state"
	as_user "$flooder" /usr/bin/python3 "$T_TMP/dirflood.py" "$T_TMP/dirs.list" 3000 "$ST/g.state" -
	again=$(state "$ST/g.state" opened)
	[ "$again" -eq 32 ] && break
	sleep 0.2
done
assert_eq "after closing everything the flooder opens its 32 folders again, then EMFILE" "32 1" \
	"$again $(state "$ST/g.state" errors.EMFILE)"

# The bound recfs(8) states for open folders: each pins at most one
# snapshot, 3 KiB per recording (28 here); the flooder's 32 folders and
# the reader's few, on top of the mount at rest; 16 MiB for what the
# ingests grew (the catalog's page cache, the audit queue).
bound=$((base + (32 + 8) * 28 * 3 + 16 * 1024))
if ldd "$RECFS" 2>/dev/null | grep -q 'libasan'; then
	echo "# VmRSS bound not checked: a sanitizer build (peak $((peak / 1024)) MiB)"
elif [ "$peak" -le "$bound" ]; then
	pass "VmRSS during the folder flood ($((peak / 1024)) MiB) stays under the stated bound ($((bound / 1024)) MiB)"
else
	fail "VmRSS during the folder flood stays under the stated bound" "$((peak / 1024)) MiB > $((bound / 1024)) MiB"
fi
uid=$(id -u "$flooder")
n=$(grep -c "uid $uid refused an open (EMFILE): 32 held, max_dirs_per_uid=32" "$MNT.err")
most=$(((SECONDS - flood_t0) / 60 + 1))
if [ "$n" -ge 1 ] && [ "$n" -le "$most" ]; then
	pass "the flooder's refusals are logged once a minute ($n lines in $((SECONDS - flood_t0)) s)"
else
	fail "the flooder's refusals are logged once a minute" "$n lines in $((SECONDS - flood_t0)) s"
fi
log=""
for _ in $(seq 1 30); do
	log=$("$RECCTL" audit show -R "$REG" 2>&1 | grep 'opendir')
	[ -n "$log" ] && break
	sleep 0.1
done
assert_match "a refused folder open is an audit entry" "$log" 'opendir.*refused.*EMFILE'
unmount_recfs "$MNT"

# --- the mount's cap ----------------------------------------------------------
other=$(make_plain_user dflood2)
usermod -a -G recfs-training "$other" || t_abort "usermod" "cannot add $other to recfs-training"
T_MOUNT_OPTS="max_dirs=8,max_dirs_per_uid=4"
mount_all_levels "$MNT"
T_MOUNT_OPTS=""
as_user "$flooder" /usr/bin/python3 "$T_TMP/dirflood.py" "$T_TMP/dirs.list" 3000 "$ST/m1.state" "$ST/m.stop" &
p1=$!
as_user "$other" /usr/bin/python3 "$T_TMP/dirflood.py" "$T_TMP/dirs.list" 3000 "$ST/m2.state" "$ST/m.stop" &
p2=$!
for _ in $(seq 1 200); do
	[ -e "$ST/m1.state" ] && [ -e "$ST/m2.state" ] &&
		[ "$(state "$ST/m1.state" errors.EMFILE)" -gt 0 ] && [ "$(state "$ST/m2.state" errors.EMFILE)" -gt 0 ] && break
	sleep 0.05
done
assert_eq "two users hold max_dirs_per_uid (4) folders each" "4 4" \
	"$(state "$ST/m1.state" opened) $(state "$ST/m2.state" opened)"
assert_fails_with "a third user of the level gets ENFILE at the mount's cap (max_dirs=8)" \
	"Too many open files in system" as_user "$reader" ls "$MNT/by-date"
touch "$ST/m.stop"
wait "$p1" "$p2"
poll_since "$(now_ns)" 3000 as_user "$reader" ls "$MNT/by-date" >/dev/null
assert_eq "once they closed theirs, the third user lists" 0 "$?"
unmount_recfs "$MNT"

t_done
