#!/bin/bash
# Directory offsets count only what the caller sees (issue 10): the d_off
# values getdents64 gives the training level are 1..N with no gap, in
# folders where recordings of other levels or restricted ones lie between
# two visible names, also when the listing is read a few entries at a
# time (each getdents64 resumes from the offset of the last one).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 60 --seed 31 --meetings 0.5
ingest_spool "$spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# offsets.py DIR BUFSIZE: "d_off name" per entry of DIR, read with
# getdents64 into a buffer of BUFSIZE bytes.
cat >"$T_TMP/offsets.py" <<'EOF'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_getdents64 = {"x86_64": 217, "aarch64": 61}[os.uname().machine]
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
buf = ctypes.create_string_buffer(int(sys.argv[2]))
while True:
    n = libc.syscall(SYS_getdents64, fd, buf, len(buf))
    if n < 0:
        sys.exit("getdents64: " + os.strerror(ctypes.get_errno()))
    if n == 0:
        break
    pos = 0
    while pos < n:
        ino, off, reclen = struct.unpack_from("<QqH", buf.raw, pos)
        name = buf.raw[pos + 19:pos + reclen].split(b"\0")[0].decode()
        print(off, name)
        pos += reclen
EOF
chmod 0644 "$T_TMP/offsets.py"

# consecutive DIR BUFSIZE: 0 when the training level's offsets of DIR are
# 1..N and the names those of ls -a; else says what is wrong.
consecutive()
{
	local out want
	out=$(as_user "$trainer" /usr/bin/python3 "$T_TMP/offsets.py" "$1" "$2") || { echo "$out"; return 1; }
	want=$(seq 1 "$(printf '%s\n' "$out" | wc -l)")
	if [ "$(printf '%s\n' "$out" | cut -d' ' -f1)" != "$want" ]; then
		echo "offsets of $1: $(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')"
		return 1
	fi
	if [ "$(printf '%s\n' "$out" | cut -d' ' -f2- | sort)" != "$(as_user "$trainer" ls -a "$1" | sort)" ]; then
		echo "names of $1 differ from ls -a"
		return 1
	fi
}

# Folders where the training level sees fewer names than the privacy level:
# something lies hidden between visible names.
mixed=()
while read -r d; do
	[ "$(as_user "$trainer" ls "$d" | wc -l)" -lt "$(as_user "$dpo" ls "$d" | wc -l)" ] && mixed+=("$d")
done < <(as_user "$trainer" find "$MNT/by-date" "$MNT/by-source" -mindepth 1 -type d | sort)
[ "${#mixed[@]}" -ge 1 ] || t_abort "data" "no folder where training sees only part"

bad=""
for d in "${mixed[@]}" "$MNT/by-date" "$MNT"; do
	why=$(consecutive "$d" 32768) || bad="$bad; $why"
done
[ -z "$bad" ] && pass "training: offsets are 1..N in ${#mixed[@]} folders with hidden names" ||
	fail "training: offsets are 1..N in folders with hidden names" "${bad#; }"

# A restriction before the last call of a folder the training level reads:
# its two names leave a hole before the names that follow.
d=""
while read -r m; do
	[ "$(as_user "$trainer" ls "$m" | grep -c '\.opus$')" -ge 2 ] && { d=$m; break; }
done < <(as_user "$trainer" find "$MNT/by-date" "$MNT/by-subject" -mindepth 1 -type d | sort)
[ -n "$d" ] || t_abort "data" "no folder with two calls the training level sees"
mid=$(as_user "$trainer" ls "$d" | grep '\.opus$' | head -n 1)
assert_ok "privacy: chmod 0 of the first call" as_user "$dpo" chmod 0 "$d/$mid"
hidden()
{
	! as_user "$trainer" ls "$d" | grep -qF "$mid"
}
poll_since "$(now_ns)" 3000 hidden || fail "the restricted call leaves the training view" "still listed"
T_OUT=$(consecutive "$d" 32768)
assert_eq "training: offsets are 1..N after a restriction" "" "$T_OUT"
# A small buffer: every getdents64 resumes at the offset the last one ended.
T_OUT=$(consecutive "$d" 200)
assert_eq "training: offsets are 1..N read a few entries at a time" "" "$T_OUT"
T_OUT=$(consecutive "$MNT/by-date" 100)
assert_eq "training: by-date read one entry at a time" "" "$T_OUT"

unmount_recfs "$MNT"
t_done
