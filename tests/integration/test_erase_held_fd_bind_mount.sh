#!/bin/bash
# Several mounts of one register, and a bind mount of one of them: the
# officer erases (rm) or restricts (chmod 0) a recording on their own
# mount.  recfs(8), "Open files": within a second every descriptor of a
# level that may no longer read it reads EIO (a mapped page SIGBUS), its
# cached pages dropped; a new open is refused.  Checked through the bind
# mount, through the mount it binds and through a level= mount.
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
[ "${#files[@]}" -ge 4 ] || t_abort "data" "training sees fewer than 4 calls"

# case NAME CMD FILE: holders on B, M1, M3; CMD on M2; then read and open again
case_()
{
	local name=$1 cmd=$2 f=$3 want=$4 go=$T_TMP/go.$RANDOM out line
	out=$T_TMP/hold.$RANDOM
	as_user "$trainer" /usr/bin/python3 "$T_TMP/hold.py" "$go" "$B/$f" "$M1/$f" "$M3/$f" >"$out" 2>&1 &
	local h=$!
	for _ in $(seq 100); do grep -q held "$out" && break; sleep 0.05; done
	grep -q held "$out" || t_abort "$name" "holder: $(cat "$out")"
	assert_ok "$name: the officer's $cmd on the other mount" as_user "$dpo" $cmd "$M2/$f"
	for m in "$B" "$M1" "$M3"; do
		assert_fails_with "$name: a new open through ${m##*/} after it returned" "$want" \
			as_user "$trainer" head -c 16 "$m/$f"
	done
	sleep 1.5
	touch "$go"
	wait "$h"
	for m in "$B" "$M1" "$M3"; do
		line=$(grep -F "$m/$f " "$out")
		assert_eq "$name: the descriptor held through ${m##*/} reads EIO, its mapping SIGBUS" "$m/$f EIO sigbus" "$line"
	done
}
case_ erase "rm" "${files[0]}" "No such file"
case_ restrict "chmod 0" "${files[1]}" "cannot open"	# EACCES or ENOENT
umount "$B"
unmount_recfs "$M3"
unmount_recfs "$M2"
unmount_recfs "$M1"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
