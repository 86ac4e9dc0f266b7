#!/bin/bash
# A mount lazily unmounted (umount -l) while a reader holds a file open
# keeps serving that descriptor; the officer then erases the recording on
# another mount: the detached mount's descriptor must be revoked as any
# other (recfs(8), "Open files": EIO, a mapped page SIGBUS), and the daemon
# ends once the descriptor is closed.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 8 --seed 35 --meetings 0
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
M1=$T_TMP/m1
mount_all_levels "$M1"
M2=$T_TMP/m2
mount_recfs "$REG" "$M2" "$KEYS/privacy.keyring" || t_abort "mount" "m2"
M3=$T_TMP/m3
T_MOUNT_OPTS=level=training mount_recfs "$REG" "$M3" "$KEYS/training.keyring" || t_abort "mount" "m3"
B=$T_TMP/bind
mkdir -p "$B"
mount --bind "$M1" "$B" || t_abort "bind" "mount --bind failed"

cat >"$T_TMP/hold.py" <<'PY'
import errno, mmap, os, signal, sys, time
go = sys.argv[1]
fds = []
for p in sys.argv[2:]:
    fd = os.open(p, os.O_RDONLY)
    whole = b""
    while True:
        b = os.read(fd, 1 << 20)
        if not b: break
        whole += b
    m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
    m[0]
    fds.append((p, fd, m, len(whole)))
print("held", flush=True)
while not os.path.exists(go): time.sleep(0.05)
for p, fd, m, n in fds:
    try:
        r = "read %d" % len(os.pread(fd, 4096, 0))
    except OSError as e:
        r = errno.errorcode[e.errno]
    pid = os.fork()
    if pid == 0:
        m[n // 2]; m[0]
        os._exit(0)
    _, st = os.waitpid(pid, 0)
    mm = "sigbus" if os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGBUS else "mapped-read"
    print(p, r, mm, flush=True)
PY
chmod 0644 "$T_TMP/hold.py"

mapfile -t files < <(as_user "$trainer" find "$M1/by-date" -name '*.opus' | sort | sed "s|^$M1/||")
f=${files[0]}
go=$T_TMP/go out=$T_TMP/hold.out
as_user "$trainer" /usr/bin/python3 "$T_TMP/hold.py" "$go" "$M1/$f" "$M3/$f" >"$out" 2>&1 &
h=$!
for _ in $(seq 100); do grep -q held "$out" && break; sleep 0.05; done
grep -q held "$out" || t_abort "holder" "$(cat "$out")"
umount "$B"
umount -l "$M1" || t_abort "umount -l" "failed"
umount -l "$M3" || t_abort "umount -l" "failed"
p1=${T_MOUNT_PID[$M1]} p3=${T_MOUNT_PID[$M3]}
sleep 0.5
kill -0 "$p1" && kill -0 "$p3" && pass "the detached mounts' daemons serve the open descriptors" || fail "detached daemons" "gone"
assert_ok "the officer erases it on another mount" as_user "$dpo" rm "$M2/$f"
sleep 1.5
touch "$go"
wait "$h"
assert_eq "the descriptor held on the detached all-levels mount reads EIO, its mapping SIGBUS" "$M1/$f EIO sigbus" "$(grep -F "$M1/$f " "$out")"
assert_eq "the descriptor held on the detached level mount reads EIO, its mapping SIGBUS" "$M3/$f EIO sigbus" "$(grep -F "$M3/$f " "$out")"
for p in "$p1" "$p3"; do
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$p" 2>/dev/null && fail "the detached daemon ends once its last descriptor is closed" "still running" ||
		pass "the detached daemon ends once its last descriptor is closed"
done
wait "$p1"; assert_eq "exit status of the detached all-levels daemon" 0 "$?"
wait "$p3"; assert_eq "exit status of the detached level daemon" 0 "$?"
unset "T_MOUNT_PID[$M1]" "T_MOUNT_PID[$M3]"
unmount_recfs "$M2"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
q "SELECT action, outcome, reason, count(*) FROM audit WHERE action IN ('read', 'erase') GROUP BY 1, 2, 3" | sed 's/^/# /'
t_done
