#!/bin/bash
# `recctl policy apply` of a policy that takes a purpose from a level (its
# min_level raised) while a reader of that level opens recordings of the
# purpose in a loop on a running mount: once apply has returned, no open
# that starts after it may read (README: restriction, erasure and policy
# reach the mount; recfs(8): a reader the new policy takes out stops
# reading within a second; an open is decided on what has committed).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 12 --seed 33 --meetings 0
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

cat >"$T_TMP/loop.py" <<'PY'
import errno, os, sys, time
paths, end = sys.argv[2:], time.monotonic() + float(sys.argv[1])
i = 0
while time.monotonic() < end:
    p = paths[i % len(paths)]; i += 1
    t0 = time.time_ns()
    try:
        fd = os.open(p, os.O_RDONLY)
        try:
            n = len(os.read(fd, 4096))
            k = "ok" if n > 0 else "empty"
        finally:
            os.close(fd)
    except OSError as e:
        k = errno.errorcode.get(e.errno, str(e.errno))
    print(t0, k, flush=True)
    time.sleep(0.002)
PY
chmod 0644 "$T_TMP/loop.py"

mapfile -t files < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort)
[ "${#files[@]}" -ge 4 ] || t_abort "data" "training sees fewer than 4 calls"
purpose=$(q "SELECT purpose FROM recording WHERE id = '$(rid_of "${files[0]}")'")
awk -v p="[purpose $purpose]" '$0 == p { s = 1; print; next } /^\[/ { s = 0 }
	s && /^min_level *=/ { print "min_level = analysis"; next } { print }' "$POLICY_EXAMPLE" >"$T_TMP/new.conf"
mine=()
for f in "${files[@]}"; do
	[ "$(q "SELECT purpose FROM recording WHERE id = '$(rid_of "$f")'")" = "$purpose" ] && mine+=("$f")
done
echo "# ${#mine[@]} recordings of purpose $purpose"

out=$T_TMP/loop.out
pids=()
for k in 1 2 3 4; do
	as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" 3 "${mine[@]}" >"$out.$k" 2>&1 &
	pids+=("$!")
done
sleep 1
"$RECCTL" policy apply "$T_TMP/new.conf" -R "$REG" --keyrings "$KEYS" >"$T_TMP/apply.out" 2>&1 ||
	t_abort "apply" "$(cat "$T_TMP/apply.out")"
t_ret=$(now_ns)
wait "${pids[@]}"
cat "$out".* >"$out"
grep -q ' ok$' "$out" || t_abort "reader" "the reader never read: $(head -n 3 "$out")"
n=$(awk -v t="$t_ret" '$1 > t && $2 == "ok"' "$out" | wc -l)
last=$(awk -v t="$t_ret" '$1 > t && $2 == "ok" { d = ($1 - t) / 1e6 } END { printf "%d", d }' "$out")
echo "# after apply returned: $n of $(awk -v t="$t_ret" '$1 > t' "$out" | wc -l) opens read; the last $last ms after"
echo "# outcomes after: $(awk -v t="$t_ret" '$1 > t { print $2 }' "$out" | sort | uniq -c | tr '\n' ' ')"
assert_eq "policy apply took the purpose from training: no open that starts after it returned reads" 0 "$n"
unmount_recfs "$MNT"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
