#!/bin/bash
# Hostile load (issue 12): what one user holds open never grows the
# daemon's memory without bound, never takes the files or the level of
# another user, and the daemon cannot be read or dumped.
#
# - Handle flood: three rounds in which four training-level users each try
#   to hold 200 .wav handles (reading 64 KiB of each, so decoders run) and
#   600 .opus handles (max_handles_per_uid=512), then close them: the refused opens get
#   EMFILE, the daemon's VmRSS stays under the bound recfs(8) states for
#   what they were allowed to hold, and falls back once they are closed.
# - Per-uid cap: while a flooder holds all it may (EMFILE beyond), an
#   analyst opens, reads (same checksum as before) and lists its files; the
#   refusals are logged once per uid.
# - Descriptor flood: the daemon started with 1,024 descriptors (systemd's
#   soft limit) and a hard limit of 4,096; one training user opens 400
#   files from each of four processes (its cap here is 960), for longer than the caller cache
#   keeps a level: the analyst still sees, opens and reads everything (its
#   level lookups still work), the flooder is refused with EMFILE.
# - The daemon is not dumpable: its /proc files belong to root, not to its
#   own group, and another user cannot read its memory.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
command -v prlimit >/dev/null || t_abort "prlimit" "util-linux prlimit is missing"

make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 8 --seed 41 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
flooders=()
make_group recfs-training
for i in 1 2 3 4; do
	u=$(make_plain_user "flood$i")
	usermod -a -G recfs-training "$u" || t_abort "usermod" "cannot add $u to recfs-training"
	flooders+=("$u")
done
ST=$T_TMP/state	# where the floods, as their users, write
mkdir -p "$ST" && chmod 1777 "$ST"

# flood.py LIST COUNT READ STATE GO: open the paths of LIST in turn until
# COUNT are open (errors counted by name), read READ bytes of each, write
# a JSON summary to STATE, and close them all once GO exists.
cat >"$T_TMP/flood.py" <<'PY'
import errno, json, os, resource, sys, time
lst, count, nread, state, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
paths = [l.rstrip("\n") for l in open(lst) if l.strip()]
fds, errs = [], {}
for i in range(count):
    try:
        fds.append(os.open(paths[i % len(paths)], os.O_RDONLY))
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        errs[name] = errs.get(name, 0) + 1
bad = 0
for fd in fds:
    try:
        os.read(fd, nread)
    except OSError:
        bad += 1
tmp = state + ".tmp"
json.dump({"opened": len(fds), "errors": errs, "read_errors": bad}, open(tmp, "w"))
os.rename(tmp, state)
while not os.path.exists(go):
    time.sleep(0.05)
for fd in fds:
    os.close(fd)
PY

MNT=$T_TMP/mnt
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# flood_start TAG USER LIST COUNT READ: a flood.py in the background.
flood_start()
{
	rm -f "$ST/$1.state" "$ST/$1.go"
	as_user "$2" /usr/bin/python3 "$T_TMP/flood.py" "$3" "$4" "$5" "$ST/$1.state" "$ST/$1.go" &
	FLOOD_PIDS+=("$!")
	FLOOD_PID[$1]=$!
}
# flood_wait TAG...: until each has written its state (60 s at most).
flood_wait()
{
	local t i
	for t in "$@"; do
		for i in $(seq 1 1200); do
			[ -e "$ST/$t.state" ] && break
			kill -0 "${FLOOD_PID[$t]}" 2>/dev/null || t_abort "flood $t" "flood.py ended without its summary"
			sleep 0.05
		done
	done
}
# flood_end TAG...: let them close, and wait for them.
flood_end()
{
	local t p
	for t in "$@"; do touch "$ST/$t.go"; done
	for p in "${FLOOD_PIDS[@]}"; do wait "$p"; done
	FLOOD_PIDS=()
}
# state TAG KEY: a number from a flood's summary (errors.NAME for errors).
state()
{
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=sys.argv[2]
v = d["errors"].get(k[7:], 0) if k.startswith("errors.") else d[k]
print(v)' "$ST/$1.state" "$2"
}
FLOOD_PIDS=()
declare -A FLOOD_PID

# --- handle flood and per-uid cap ------------------------------------------
# Half the default handle cap per user (fewer opens to wait for), the
# default .wav caps.
T_MOUNT_OPTS="max_handles_per_uid=512"
mount_all_levels "$MNT"
T_MOUNT_OPTS=""
pid=${T_MOUNT_PID[$MNT]}
as_user "${flooders[0]}" find "$MNT/by-date" -name '*.wav' | sort >"$T_TMP/wav.list"
as_user "${flooders[0]}" find "$MNT/by-date" -name '*.opus' | sort >"$T_TMP/opus.list"
[ "$(wc -l <"$T_TMP/wav.list")" -ge 4 ] || t_abort "data" "fewer than 4 .wav files for training"
as_user "$analyst" find "$MNT" | sort >"$T_TMP/analyst.before"
as_user "$analyst" sh -c 'find "$1/by-date" -type f -name "*.opus" | sort | xargs md5sum' sh "$MNT" >"$T_TMP/analyst.md5"
# One WAV read through, so that the baseline has decoded once.
as_user "$analyst" cat "$(head -n 1 "$T_TMP/wav.list")" >/dev/null
sleep 1
base=$(rss_kb "$pid")
echo "# ${SECONDS} s: VmRSS after mount and one read: $((base / 1024)) MiB"

# The bound recfs(8) states: 256 MiB + 16 KiB per open file + 3 MiB per open
# .wav, for what the caps let four users hold (the mount's own caps are
# larger than four users' share).
handles_cap=512 decoders_cap=8
bound=$((256 * 1024 + 4 * handles_cap * 16 + 4 * decoders_cap * 3 * 1024))
peak=0 after=0 emfile_ok=1 opened_ok=1 flood_t0=$SECONDS
for round in 1 2 3; do
	tags=()
	for i in 0 1 2 3; do
		flood_start "w$i" "${flooders[$i]}" "$T_TMP/wav.list" 200 65536
		tags+=("w$i")
	done
	flood_wait "${tags[@]}"
	for i in 0 1 2 3; do
		flood_start "o$i" "${flooders[$i]}" "$T_TMP/opus.list" 600 4096
		tags+=("o$i")
	done
	flood_wait "${tags[@]}"
	r=$(rss_kb "$pid")
	[ "$r" -gt "$peak" ] && peak=$r
	for i in 0 1 2 3; do
		w=$(state "w$i" opened) o=$(state "o$i" opened)
		[ "$w" -le "$decoders_cap" ] && [ $((w + o)) -le "$handles_cap" ] || opened_ok=0
		[ "$(state "w$i" errors.EMFILE)" -eq $((200 - decoders_cap)) ] || emfile_ok=0
		[ "$(state "o$i" errors.EMFILE)" -gt 0 ] || emfile_ok=0
	done
	echo "# ${SECONDS} s: round $round: flooder 1 holds $(state w0 opened) .wav + $(state o0 opened) .opus;" \
		"errors $(tr -d '\n' <"$ST/w0.state"); VmRSS $((r / 1024)) MiB"
	if [ "$round" -eq 3 ]; then
		# The per-uid cap, while all four hold what they may.
		out=$(as_user "$analyst" sh -c 'find "$1" | sort' sh "$MNT")
		assert_eq "the analyst lists the same tree while the flooders hold their caps" \
			"$(cat "$T_TMP/analyst.before")" "$out"
		out=$(as_user "$analyst" sh -c 'find "$1/by-date" -type f -name "*.opus" | sort | xargs md5sum' sh "$MNT")
		assert_eq "the analyst reads the same bytes while the flooders hold their caps" \
			"$(cat "$T_TMP/analyst.md5")" "$out"
		w=$(head -n 1 "$T_TMP/wav.list")
		assert_ok "the analyst opens and reads a .wav while the flooders hold their caps" \
			as_user "$analyst" sh -c 'head -c 100000 "$1" | wc -c | grep -qx 100000' sh "$w"
		assert_fails_with "a flooder at its cap opens nothing more (EMFILE)" "Too many open files" \
			as_user "${flooders[0]}" cat "$(head -n 1 "$T_TMP/opus.list")"
	fi
	flood_end "${tags[@]}"
	sleep 2.5	# the housekeeping tick (2 s) trims what was released
	after=$(rss_kb "$pid")
	echo "# ${SECONDS} s: round $round: after close VmRSS $((after / 1024)) MiB"
done
assert_eq "each flooder holds at most its caps (8 .wav, 512 in all)" 1 "$opened_ok"
assert_eq "the opens beyond a flooder's caps fail with EMFILE" 1 "$emfile_ok"
# AddressSanitizer keeps freed memory in quarantine and adds its shadow:
# the bound is the release build's.
asan=0
ldd "$RECFS" 2>/dev/null | grep -q 'libasan' && asan=1
if [ "$asan" -eq 1 ]; then
	echo "# VmRSS bound not checked: a sanitizer build (peak $((peak / 1024)) MiB, after $((after / 1024)) MiB)"
elif [ "$peak" -le "$bound" ]; then
	pass "VmRSS under the flood ($((peak / 1024)) MiB) stays under the stated bound ($((bound / 1024)) MiB)"
else
	fail "VmRSS under the flood stays under the stated bound" "$((peak / 1024)) MiB > $((bound / 1024)) MiB"
fi
if [ "$asan" -eq 1 ]; then
	:
elif [ "$after" -le $((base + 64 * 1024)) ]; then
	pass "VmRSS after three rounds ($((after / 1024)) MiB) is within 64 MiB of before ($((base / 1024)) MiB)"
else
	fail "VmRSS after three rounds is within 64 MiB of before" "$((after / 1024)) MiB, before $((base / 1024)) MiB"
fi
# Hundreds of refusals per round; one line per started minute at most.
n=$(grep -c "uid $(id -u "${flooders[0]}") refused an open" "$MNT.err")
most=$(((SECONDS - flood_t0) / 60 + 1))
if [ "$n" -ge 1 ] && [ "$n" -le "$most" ]; then
	pass "a flooder's refusals are logged once a minute ($n lines in $((SECONDS - flood_t0)) s)"
else
	fail "a flooder's refusals are logged once a minute" "$n lines in $((SECONDS - flood_t0)) s"
fi
unmount_recfs "$MNT"

# --- descriptor flood, not dumpable ----------------------------------------
make_group "${T_USER_PREFIX}daemon"
dgid=$(getent group "${T_USER_PREFIX}daemon" | cut -d: -f3)
# The daemon's group other than root's, so that /proc shows whose its
# files are: a dumpable process's are its own, a non-dumpable one's root's.
T_MOUNT_WRAP=(prlimit --nofile=1024:4096 setpriv --regid="$dgid" --clear-groups)
mount_all_levels "$MNT"
T_MOUNT_WRAP=()
pid=${T_MOUNT_PID[$MNT]}
assert_eq "the daemon runs with group $dgid" "$dgid" "$(awk '/^Gid:/ { print $3 }' "/proc/$pid/status")"
assert_eq "the daemon is not dumpable: its /proc files are root's" "0:0" "$(stat -c '%u:%g' "/proc/$pid/status")"
assert_fails_with "another user cannot read the daemon's memory" "denied" \
	as_user "$analyst" dd if="/proc/$pid/mem" bs=1 count=1 skip=4096 status=none
assert_match "the daemon raised its descriptor limit to the hard one" \
	"$(grep 'Max open files' "/proc/$pid/limits")" 'Max open files +4096 +4096'
tags=()
for i in 0 1 2 3; do
	flood_start "d$i" "${flooders[0]}" "$T_TMP/opus.list" 400 1
	tags+=("d$i")
done
flood_wait "${tags[@]}"
opened=0 emfile=0
for t in "${tags[@]}"; do
	opened=$((opened + $(state "$t" opened)))
	emfile=$((emfile + $(state "$t" errors.EMFILE)))
done
echo "# ${SECONDS} s: descriptor flood: $opened opened, $emfile EMFILE, daemon fds $(ls "/proc/$pid/fd" | wc -l)"
sleep 6	# longer than the caller cache keeps a level: lookups run again now
out=$(as_user "$analyst" sh -c 'find "$1" | sort' sh "$MNT")
assert_eq "the analyst sees the same tree during the descriptor flood" "$(cat "$T_TMP/analyst.before")" "$out"
out=$(as_user "$analyst" sh -c 'find "$1/by-date" -type f -name "*.opus" | sort | xargs md5sum' sh "$MNT")
assert_eq "the analyst reads the same bytes during the descriptor flood" "$(cat "$T_TMP/analyst.md5")" "$out"
assert_eq "the flooder got EMFILE, not the daemon's whole table" 1 "$([ "$emfile" -gt 0 ] && echo 1 || echo 0)"
flood_end "${tags[@]}"
unmount_recfs "$MNT"

t_done
