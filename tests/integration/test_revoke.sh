#!/bin/bash
# A restriction or erasure takes effect at once (issue 10), on descriptors
# already open too: a reader that opened a recording before it was
# restricted (chmod 0) or erased (rm, recctl) fails its next read with EIO
# within a second, whoever made the change (this mount, another mount,
# recctl), also through pages it had mapped with mmap; the rights level's
# own descriptor keeps reading a recording it restricted.  The refused
# read is in the audit log, once per descriptor.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 40 --seed 23 --meetings 0.3
ingest_spool "$spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
# A second mount of the same register, for changes made elsewhere.
MNT2=$T_TMP/mnt2
mount_recfs "$REG" "$MNT2" "$KEYS/privacy.keyring" || t_abort "mount" "cannot mount a second time"

# The reader: holds one file open (4 KiB read at start) and answers one
# line per command on its stdin:
#   read            "ok N" or "err ERRNO" (4 KiB at offset 0, a pread)
#   poll MS         pread every 50 ms until one fails or MS pass:
#                   "ERRNO T" with T the wall clock (ns) of the failure,
#                   or "ok T"
#   mmap            map the file and read its first byte: "ok B"
#   touch           read the mapped first byte again: "ok B" (a page that
#                   cannot be read kills the reader with SIGBUS)
#   quit            exit (the pipes of one reader are inherited by the
#                   readers started after it: EOF would not come)
cat >"$T_TMP/reader.py" <<'EOF'
import errno, mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
os.pread(fd, 4096, 0)
m = None
print("open", flush=True)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "read":
        try:
            print("ok", len(os.pread(fd, 4096, 0)), flush=True)
        except OSError as e:
            print("err", errno.errorcode[e.errno], flush=True)
    elif cmd[0] == "poll":
        end = time.monotonic() + int(cmd[1]) / 1000
        while True:
            try:
                os.pread(fd, 4096, 0)
                r = "ok"
            except OSError as e:
                r = errno.errorcode[e.errno]
            if r != "ok" or time.monotonic() >= end:
                print(r, time.time_ns(), flush=True)
                break
            time.sleep(0.05)
    elif cmd[0] == "mmap":
        m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
        print("ok", m[0], flush=True)
    elif cmd[0] == "touch":
        print("ok", m[0], flush=True)
    elif cmd[0] == "quit":
        break
EOF
chmod 0644 "$T_TMP/reader.py"

# eio_within NAME READER START_NS: the reader's reads fail with EIO within
# a second of START_NS (polled for 10 s, so a failure says how long).
eio_within()
{
	local ms
	ask "$2" "poll 10000"
	ms=$(((${T_ANS#* } - $3) / 1000000))
	if [ "${T_ANS%% *}" = EIO ] && [ "$ms" -le 1000 ]; then
		pass "$1 ($ms ms)"
	else
		fail "$1" "after $ms ms: $T_ANS"
	fi
}

# Calls the training level sees, one per case.
mapfile -t calls < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | sed 's/\.opus$//')
[ "${#calls[@]}" -ge 4 ] || t_abort "data" "the training level sees fewer than 4 calls"
one=${calls[0]} two=${calls[1]} three=${calls[2]}
# For the sweep: the call that expires first of the others, so that a
# sweep on the day after its retention erases few.
four=$(for c in "${calls[@]:3}"; do
	printf '%s %s\n' "$(as_user "$trainer" getfattr --only-values -n user.gdpr.retention_until "$c.opus" 2>/dev/null)" "$c"
done | sort | head -n 1)
four_until=${four%% *}
four=${four#* }
two_id=$(as_user "$dpo" getfattr --only-values -n user.recfs.id "$two.opus" 2>/dev/null)
four_id=$(as_user "$dpo" getfattr --only-values -n user.recfs.id "$four.opus" 2>/dev/null)

# --- 1. chmod 0 on this mount -------------------------------------------
start_reader t1 "$trainer" "$one.opus"
start_reader t1map "$trainer" "$one.opus"
start_reader p1 "$dpo" "$one.opus"
ask t1map mmap
assert_match "training: mapped the audio" "$T_ANS" '^ok [0-9]+$'
ask t1 read
assert_eq "training: its descriptor reads before the restriction" "ok 4096" "$T_ANS"
t0=$(now_ns)
assert_ok "privacy: chmod 0 restricts" as_user "$dpo" chmod 0 "$one.opus"
eio_within "training: the open descriptor reads EIO within 1 s of chmod 0" t1 "$t0"
ask t1 read
assert_eq "training: and goes on reading EIO" "err EIO" "$T_ANS"
ask t1map touch
stop_reader t1map
assert_eq "training: the mapped page is gone (SIGBUS)" "(none) 135" "$T_ANS $T_RC"
ask p1 read
assert_eq "privacy: its own descriptor still reads the restricted recording" "ok 4096" "$T_ANS"
assert_fails_with "training: a new open is refused" "No such file or directory" as_user "$trainer" cat "$one.opus"
stop_reader t1
stop_reader p1
one_id=$(as_user "$dpo" getfattr --only-values -n user.recfs.id "$one.opus" 2>/dev/null)
# The audit log has the refused read once, whatever the reads that followed.
poll_since "$(now_ns)" 3000 refused_reads_are "$one_id" 2
# Two descriptors (the reader's, the mapper's), many refused reads.
assert_eq "the refused read is logged once per descriptor" 2 "$(refused_reads "$one_id")"

# --- 2. rm of the WAV view on this mount ----------------------------------
start_reader t2 "$trainer" "$two.opus"
start_reader p2 "$dpo" "$two.wav"
t0=$(now_ns)
assert_ok "privacy: rm of the WAV view erases the recording" as_user "$dpo" rm "$two.wav"
eio_within "training: the open .opus reads EIO within 1 s of rm" t2 "$t0"
eio_within "privacy: its own open .wav reads EIO after the erasure" p2 "$t0"
stop_reader t2
stop_reader p2
[ -z "$(find "$REG/blobs" -name "$two_id*" 2>/dev/null)" ] && pass "the erased recording's blobs are gone" ||
	fail "the erased recording's blobs are gone" "$(find "$REG/blobs" -name "$two_id*")"

# --- 3. chmod 0 on another mount of the register --------------------------
t3=${three/#$MNT/$MNT2}
start_reader t3 "$trainer" "$three.wav"
ask t3 read
assert_eq "training: the WAV view reads" "ok 4096" "$T_ANS"
t0=$(now_ns)
assert_ok "privacy: chmod 0 on the other mount" as_user "$dpo" chmod 0 "$t3.opus"
eio_within "training: the open .wav reads EIO within 1 s of a restriction on another mount" t3 "$t0"
stop_reader t3

# --- 4. recctl erases (retention sweep, another process) --------------------
start_reader t4 "$trainer" "$four.opus"
assert_ok "recctl retention sweep erases what has expired" \
	env RECFS_NOW="$(date -u -d "$four_until + 1 day" +%Y-%m-%dT12:00:00Z)" "$RECCTL" retention sweep -R "$REG"
# From the sweep's end: it commits each erasure as it goes.
eio_within "training: the open .opus reads EIO within 1 s of the sweep" t4 "$(now_ns)"
stop_reader t4
n=$(q "SELECT count(*) FROM recording WHERE id = '$four_id'")
assert_eq "the swept recording is erased" 0 "$n"

unmount_recfs "$MNT2"
unmount_recfs "$MNT"
t_done
