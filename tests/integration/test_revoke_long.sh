#!/bin/bash
# A long read (requests of 512 KiB or more) decrypts through the worker
# thread's own buffers (meta/tbuf.h), not through a buffer of its own
# request.  The promises of the short reads hold there too: the bytes are
# the recording's, a restriction (chmod 0) stops a descriptor already open
# at its next long read with EIO within a second, the refused read is in
# the audit log once, and a higher level's long reads of the same file go
# on reading its own bytes.  The reader uses O_DIRECT, so that each pread
# of 1 MiB is one request of 1 MiB to the daemon, not pages of the cache.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 2 --seed 41 --big-mb 3
ingest_spool "$spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# The reader: holds the file open with O_DIRECT and answers one line per
# command on its stdin:
#   read OFF        "ok N SHA256" of a 1 MiB pread at OFF, or "err ERRNO"
#   poll OFF MS     that pread every 50 ms until it fails or MS pass:
#                   "ERRNO T" with T the wall clock (ns) of the failure, or
#                   "ok T"
#   quit            exit
cat >"$T_TMP/reader.py" <<'EOF'
import errno, hashlib, mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 1 << 20)	# page aligned, as O_DIRECT wants
def pread(off):
    n = os.preadv(fd, [buf], off)
    return n, hashlib.sha256(buf[:n]).hexdigest()
print("open", flush=True)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "read":
        try:
            print("ok %d %s" % pread(int(cmd[1])), flush=True)
        except OSError as e:
            print("err", errno.errorcode[e.errno], flush=True)
    elif cmd[0] == "poll":
        end = time.monotonic() + int(cmd[2]) / 1000
        while True:
            try:
                pread(int(cmd[1]))
                r = "ok"
            except OSError as e:
                r = errno.errorcode[e.errno]
            if r != "ok" or time.monotonic() >= end:
                print(r, time.time_ns(), flush=True)
                break
            time.sleep(0.05)
    elif cmd[0] == "quit":
        break
EOF
chmod 0644 "$T_TMP/reader.py"

# sha_at FILE OFF: the sha256 of the 1 MiB of FILE at OFF (what a read
# there must give).
sha_at()
{
	dd if="$1" bs=1M skip=$(($2 >> 20)) count=1 status=none | sha256sum | cut -d' ' -f1
}

MiB=1048576
big=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' -size +2M | head -n 1)
[ -n "$big" ] || t_abort "data" "the analysis level sees no recording over 2 MiB"
src=$spool/big.opus
[ "$(stat -c %s "$src")" -ge $((3 * MiB)) ] || t_abort "data" "the long recording is under 3 MiB"
want0=$(sha_at "$src" 0)
want1=$(sha_at "$src" $MiB)
want2=$(sha_at "$src" $((2 * MiB)))

start_reader a "$analyst" "$big"
start_reader p "$dpo" "$big"
ask a "read 0"
assert_eq "analysis: a long read gives the recording's first MiB" "ok $MiB $want0" "$T_ANS"
ask p "read $MiB"
assert_eq "privacy: a long read gives the recording's second MiB" "ok $MiB $want1" "$T_ANS"
ask a "read $MiB"
assert_eq "analysis: the next long read gives its own bytes, not the last one's" "ok $MiB $want1" "$T_ANS"

t0=$(now_ns)
assert_ok "privacy: chmod 0 restricts the recording" as_user "$dpo" chmod 0 "$big"
ask a "poll $((2 * MiB)) 10000"
ms=$(((${T_ANS#* } - t0) / 1000000))
if [ "${T_ANS%% *}" = EIO ] && [ "$ms" -le 1000 ]; then
	pass "analysis: the open descriptor's long read is EIO within 1 s of chmod 0 ($ms ms)"
else
	fail "analysis: the open descriptor's long read is EIO within 1 s of chmod 0" "after $ms ms: $T_ANS"
fi
ask a "read 0"
assert_eq "analysis: and a long read of what it read before is EIO too" "err EIO" "$T_ANS"
ask p "read $((2 * MiB))"
assert_eq "privacy: its own descriptor's long reads go on with its own bytes" "ok $MiB $want2" "$T_ANS"
stop_reader a
stop_reader p

id=$(as_user "$dpo" getfattr --only-values -n user.recfs.id "$big" 2>/dev/null)
poll_since "$(now_ns)" 3000 refused_reads_are "$id" 1
assert_eq "the refused long read is logged once for the descriptor" 1 "$(refused_reads "$id")"

unmount_recfs "$MNT"
t_done
