#!/bin/bash
# `recctl policy apply` of a policy that takes a level from a user (the
# level's group changed to one the user is not in) while that user opens
# recordings in a loop on a running mount.  recfs(8): "A user taken out of
# a level ... stops reading at once", and an open that starts after a
# change committed never reads; README: "within a second".  Counts the
# opens that started after apply returned and still read, and how long
# after: on a mount of all levels and on a level= mount.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
trainer=$(make_level_user training)
make_group "${T_USER_PREFIX}other"

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

# case NAME [MOUNT-OPTS]: a register of its own, mounted, the loop, apply
case_()
{
	local name=$1 mnt=$T_TMP/mnt.$1 out=$T_TMP/loop.$1 pids=() n last
	make_register "$T_TMP/$name"
	gen_manifests "$T_TMP/spool.$name" 12 --seed 33 --meetings 0
	ingest_spool "$T_TMP/spool.$name"
	if [ -n "${2:-}" ]; then
		T_MOUNT_OPTS=$2 mount_recfs "$REG" "$mnt" "$KEYS/training.keyring" || t_abort "mount" "$name"
	else
		mount_all_levels "$mnt"
	fi
	awk -v g="${T_USER_PREFIX}other" '$0 == "[level training]" { s = 1; print; next } /^\[/ { s = 0 }
		s && /^group *=/ { print "group = " g; next } { print }' "$POLICY_EXAMPLE" >"$T_TMP/new.conf"
	grep -q "^group = ${T_USER_PREFIX}other" "$T_TMP/new.conf" || t_abort "policy" "the new policy was not made"
	mapfile -t files < <(as_user "$trainer" find "$mnt/by-date" -name '*.opus' | sort)
	[ "${#files[@]}" -ge 4 ] || t_abort "data" "training sees fewer than 4 calls"
	for k in 1 2 3 4; do
		as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" 3 "${files[@]}" >"$out.$k" 2>&1 &
		pids+=("$!")
	done
	sleep 1
	"$RECCTL" policy apply "$T_TMP/new.conf" -R "$REG" --keyrings "$KEYS" >"$T_TMP/apply.out" 2>&1 ||
		t_abort "apply" "$(cat "$T_TMP/apply.out")"
	local t_ret
	t_ret=$(now_ns)
	wait "${pids[@]}"
	cat "$out".* >"$out"
	grep -q ' ok$' "$out" || t_abort "reader" "the reader never read: $(head -n 3 "$out")"
	n=$(awk -v t="$t_ret" '$1 > t && $2 == "ok"' "$out" | wc -l)
	last=$(awk -v t="$t_ret" '$1 > t && $2 == "ok" { d = ($1 - t) / 1e6 } END { printf "%d", d }' "$out")
	echo "# $name: after apply returned: $n of $(awk -v t="$t_ret" '$1 > t' "$out" | wc -l) opens read; the last $last ms after"
	echo "# $name: outcomes after: $(awk -v t="$t_ret" '$1 > t { print $2 }' "$out" | sort | uniq -c | tr '\n' ' ')"
	assert_eq "$name: policy apply took training from the user: no open that starts after it returned reads" 0 "$n"
	unmount_recfs "$mnt"
	assert_ok "$name: the audit log verifies" "$RECCTL" audit verify -R "$REG"
}
case_ all-levels
case_ level-mount level=training
t_done
