#!/bin/bash
# The daemon stopped (SIGTERM, SIGINT, fusermount3 -u, umount -l) while
# readers open recordings in a loop and the catalog moves (the officer
# restricts one recording after another on a second mount), so that opens
# wait for the poller's pass (snapshot_behind): the daemon ends within a
# few seconds without a crash, no open that started after a restriction
# returned reads the restricted recording, every open that read is in the
# audit log, and the log verifies.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 40 --seed 34 --meetings 0
ingest_spool "$T_TMP/spool"
# more calls, ingested one by one during each round: the catalog moves on
for r in sigterm sigint fusermount lazy; do gen_manifests "$T_TMP/more.$r" 20 --seed $((40 + ${#r})) --meetings 0 --now 2026-06-01T00:00:00Z; done
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT2=$T_TMP/mnt2
mount_recfs "$REG" "$MNT2" "$KEYS/privacy.keyring" || t_abort "mount" "cannot mount"

cat >"$T_TMP/loop.py" <<'PY'
import errno, os, sys, time
paths, end = sys.argv[3:], time.monotonic() + float(sys.argv[1])
i = int(sys.argv[2])
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
    print(t0, time.time_ns(), k, p, flush=True)
PY
chmod 0644 "$T_TMP/loop.py"

# one round: mount, readers, restrictions, STOP-CMD after 1.5 s
round()
{
	local name=$1 mnt=$T_TMP/mnt.$1 pids=() k f t0 t1 pid n st out=$T_TMP/r.$1
	shift
	mount_all_levels "$mnt"
	pid=${T_MOUNT_PID[$mnt]}
	mapfile -t files < <(as_user "$trainer" find "$mnt/by-date" -name '*.opus' | sort)
	[ "${#files[@]}" -ge 8 ] || t_abort "$name" "training sees fewer than 8 calls"
	for k in $(seq 1 8); do
		as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" 4 "$k" "${files[@]}" >"$out.read.$k" 2>&1 &
		pids+=("$!")
	done
	# the officer restricts on the second mount, one a 50 ms, and logs when each returned
	(for f in "${files[@]:0:30}"; do
		as_user "$dpo" chmod 0 "${f/#$mnt/$MNT2}" 2>/dev/null && echo "$(date +%s%N) $f"
		sleep 0.05
	done) >"$out.restricted" &
	pids+=("$!")
	(for m in "$T_TMP/more.$name"/*.json; do
		"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$m" >/dev/null 2>&1 && echo "$m"
	done) >"$out.ingested" &
	pids+=("$!")
	sleep 1.5
	t0=$(now_ns)
	"$@" "$mnt" "$pid"
	for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.025; done
	t1=$(now_ns)
	if kill -0 "$pid" 2>/dev/null; then
		fail "$name: recfs exits" "still running after 10 s"
		kill -9 "$pid"
	else
		pass "$name: recfs exits ($(((t1 - t0) / 1000000)) ms)"
	fi
	wait "$pid"; st=$?
	[ -n "${KEEP:-}" ] && cp "$mnt.err" "$KEEP/$name.err"
	unset "T_MOUNT_PID[$mnt]"
	assert_eq "$name: exit status 0 (no crash)" 0 "$st"
	sanitizer_report "$mnt.err" && fail "$name: sanitizer" "$(sanitizer_excerpt "$mnt.err")"
	wait "${pids[@]}"
	mountpoint -q "$mnt" && { fusermount3 -uz "$mnt" 2>/dev/null || umount -l "$mnt"; }
	cat "$out".read.* >"$out.read"
	# opens that started after the restriction of their file had returned, and read
	n=$(awk 'NR == FNR { r[$2] = $1; next } ($4 in r) && $1 > r[$4] && $3 == "ok"' "$out.restricted" "$out.read" | wc -l)
	echo "# $name: $(wc -l <"$out.restricted") restricted; $(wc -l <"$out.read") opens: $(awk '{print $3}' "$out.read" | sort | uniq -c | tr '\n' ' ')"
	assert_eq "$name: no open after a restriction returned reads it" 0 "$n"
	[ "$n" -gt 0 ] && awk 'NR == FNR { r[$2] = $1; next } ($4 in r) && $1 > r[$4] && $3 == "ok" { print "#  ", $1 - r[$4], $4 }' "$out.restricted" "$out.read" | head -n 5
	ok=$(grep -c ' ok ' "$out.read")
	logged=$(q "SELECT count(*) FROM audit WHERE action = 'open' AND outcome = 'ok' AND uid = $(id -u "$trainer")")
	echo "# $name: $(wc -l <"$out.ingested") calls ingested during the round"
	echo "# $name: $ok opens read, $logged open entries of the trainer in the log so far"
	OKS=$((OKS + ok))
	[ "$logged" -ge "$OKS" ] && pass "$name: every open that read is logged" || fail "$name: every open that read is logged" "$OKS read, $logged logged"
	# lift them again for the next round
	for f in "${files[@]:0:30}"; do as_user "$dpo" chmod 0440 "${f/#$mnt/$MNT2}" 2>/dev/null; done
}
OKS=0
# A background job of a script ignores SIGINT; the daemon gets it as from a terminal.
T_MOUNT_WRAP=(env --default-signal=INT)
sigterm() { kill -TERM "$2"; }
sigint() { kill -INT "$2"; }
# as recfs@.service stops it: ExecStop=fusermount3 -u, then SIGTERM
fusermount() { fusermount3 -u "$1" 2>&1 | sed 's/^/# /' | head -n 2; sleep 0.5; kill -0 "$2" 2>/dev/null && kill -TERM "$2"; }
lazy() { umount -l "$1"; }
for r in ${ROUNDS:-sigterm sigint fusermount lazy}; do round $r $r; done
unmount_recfs "$MNT2"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
