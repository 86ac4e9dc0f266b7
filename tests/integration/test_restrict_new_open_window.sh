#!/bin/bash
# A restriction made elsewhere (another mount of the register, or recctl)
# must refuse every open that starts after it committed: recfs(8) says an
# open that raced with the change is refused, and README that a restricted
# recording is read by the rights level alone.  The mount keeps the data
# keys it unsealed (the key cache) until its next look at the catalog
# (every 200 ms), so a reader of the level that opens the recording in a
# loop goes on opening and reading it, whole, after `chmod 0` on the other
# mount (or `recctl subject object`) has returned.  The test counts the
# opens that started after the restriction returned and still read; the
# same for `recctl protect` (an open without an unlock).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 16 --seed 29
ingest_spool "$spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
# The privacy officer's own mount (one level a mount, as recfs(8) advises).
MNT2=$T_TMP/mnt2
mount_recfs "$REG" "$MNT2" "$KEYS/privacy.keyring" || t_abort "mount" "cannot mount a second time"


# The reader: opens FILE, reads 4 KiB, closes, every 5 ms, for SECONDS;
# one line per open: "START_NS ok" or "START_NS ERRNAME".
cat >"$T_TMP/loop.py" <<'PY'
import errno, os, sys, time
path, end = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    t0 = time.time_ns()
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            n = len(os.read(fd, 4096))
            k = "ok" if n > 0 else "empty"
        finally:
            os.close(fd)
    except OSError as e:
        k = errno.errorcode.get(e.errno, str(e.errno))
    print(t0, k, flush=True)
    time.sleep(0.005)
PY
chmod 0644 "$T_TMP/loop.py"

# after NAME FILE RESTRICT-CMD...: the trainer's loop on FILE while
# RESTRICT-CMD runs; adds to $AFTER the opens that started after it
# returned and read.  The window lasts until the mount's next look at the
# catalog, from 0 to 200 ms, so each case below is tried on two calls.
AFTER=0
after()
{
	local name=$1 file=$2 out=$T_TMP/loop.$RANDOM t_done n
	shift 2
	as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" "$file" 2 >"$out" 2>&1 &
	local reader=$!
	sleep 1
	"$@" >"$out.cmd" 2>&1 || fail "$name: the restriction" "$(cat "$out.cmd")"
	t_done=$(now_ns)
	wait "$reader"
	grep -q ' ok$' "$out" || t_abort "$name" "the reader never read: $(head -n 3 "$out")"
	n=$(awk -v t="$t_done" '$1 > t && $2 == "ok"' "$out" | wc -l)
	echo "# $name: $n of $(awk -v t="$t_done" '$1 > t' "$out" | wc -l) opens after it read"
	AFTER=$((AFTER + n))
}

mapfile -t calls < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | sed 's/\.opus$//')
[ "${#calls[@]}" -ge 6 ] || t_abort "data" "the training level sees fewer than 6 calls"
other() { printf '%s' "${1/#$MNT/$MNT2}"; }

AFTER=0
for c in "${calls[0]}" "${calls[1]}"; do
	after "chmod 0 on another mount" "$c.opus" as_user "$dpo" chmod 0 "$(other "$c").opus"
done
assert_eq "chmod 0 on another mount: no .opus open that starts after it reads" 0 "$AFTER"

AFTER=0
for c in "${calls[2]}" "${calls[3]}"; do
	after "chmod 0 on another mount, the .wav view" "$c.wav" as_user "$dpo" chmod 0 "$(other "$c").opus"
done
assert_eq "chmod 0 on another mount: no .wav open that starts after it reads" 0 "$AFTER"

# The same key cache lets a reader without an unlock open a recording the
# officer has just protected (README: readers then need recctl unlock).
printf 'a passphrase for atk29\n' >"$T_TMP/pass"
chmod 0600 "$T_TMP/pass"
chown "$dpo" "$T_TMP/pass"
AFTER=0
for c in "${calls[4]}" "${calls[5]}"; do
	after "recctl protect on another mount" "$c.opus" \
		as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$(other "$c").opus"
done
assert_eq "recctl protect on another mount: no open without an unlock after it reads" 0 "$AFTER"

unmount_recfs "$MNT2"
unmount_recfs "$MNT"
t_done
