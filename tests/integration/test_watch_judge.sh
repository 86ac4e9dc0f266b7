#!/bin/bash
# tests/integration/test_watch_judge.sh - the audio probe's judge child (one
# long-lived libopusfile process, meta/opus.c) under corrupt input and an
# administrator's signals, through `recctl ingest` and `recctl watch`.
#
#  1. Seven kinds of bad audio (truncated, not Ogg, a chain whose later link
#     changes the channel count, a chain whose later link's first audio
#     page does not decode, an OpusTags header of 1.5 MiB, an empty file, a
#     FIFO named .opus), each ingested alone first: its reason.
#  2. One `recctl ingest` of good and bad manifests taken in turn: every
#     good one is in, every bad one is quarantined with its own reason
#     (the one it has alone), never another file's.
#  3. The same as a flood into the spool of `recctl watch`: the same, and
#     then the daemon has no zombie child, at most one judge, which holds
#     no descriptor but 0-3 (no spool file, catalog or lock), and whose
#     RSS stays under 64 MiB.
#  4. The judge killed (SIGKILL, as an administrator would) in the middle
#     of a good file's verdict (stopped first, so that the request is in
#     hand, and past the spool's settling time): the file is not
#     quarantined and is ingested.
#  5. The judge killed while idle: recctl watch reaps it at once (no
#     zombie until the next file comes).
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
MK=$T_TMP/kinds.py
KINDS=(truncated notogg chained-channels chained-badlink hugetags empty fifo)

cat >"$MK" <<'EOF'
# kinds OUT FIXDIR: the corrupt audio kinds, OUT/<kind>.opus (no FIFO).
import os, struct, sys

from oggpages import fix, pages

def page(serial, seq, granule, flags, segs, body):
    h = b"OggS\0" + bytes([flags]) + struct.pack("<qII", granule, serial, seq) + b"\0\0\0\0"
    return fix(bytearray(h + bytes([len(segs)]) + bytes(segs) + body))

def packet_pages(serial, seq, pkt):
    out, off, first = [], 0, True
    while True:
        chunk = pkt[off : off + 255 * 255]
        segs = [255] * (len(chunk) // 255)
        last = off + len(chunk) == len(pkt) and len(chunk) < 255 * 255
        if last:
            segs.append(len(chunk) % 255)
        out.append(page(serial, seq, 0 if last else -1, 0 if first else 1, segs, chunk))
        seq, first, off = seq + 1, False, off + len(chunk)
        if last:
            return out, seq

out, fixdir = sys.argv[1], sys.argv[2]
mono = open(os.path.join(fixdir, "mono.opus"), "rb").read()
stereo = open(os.path.join(fixdir, "stereo.opus"), "rb").read()
mp = pages(mono)
serial = struct.unpack("<I", mp[0][14:18])[0]
kinds = {"truncated": mono[: len(mono) // 3],
         "notogg": bytes((i * 7919 + 13) & 0xFF for i in range(6000)),
         "chained-channels": mono + stereo,
         "empty": b""}
link = [fix(bytearray(p), serial=serial + 1) for p in mp]
at = 27 + link[2][26]
link[2][at:] = bytes(x ^ 0x5A for x in link[2][at:])
kinds["chained-badlink"] = mono + b"".join(bytes(fix(p)) for p in link)
tags = b"OpusTags" + struct.pack("<I", 6) + b"attack" + struct.pack("<I", 1)
comment = b"TITLE=" + b"a" * (1536 * 1024)
tp, seq = packet_pages(serial, 1, tags + struct.pack("<I", len(comment)) + comment)
rest = [fix(bytearray(p), seq=seq + i) for i, p in enumerate(mp[2:])]
kinds["hugetags"] = bytes(mp[0]) + b"".join(map(bytes, tp)) + b"".join(map(bytes, rest))
for k, v in kinds.items():
    with open(os.path.join(out, k + ".opus"), "wb") as f:
        f.write(v)
EOF

# manifest DIR STEM AUDIO N: DIR/STEM.json naming AUDIO, recorded at minute N.
manifest()
{
	printf '{"recorded_at": "2026-04-01T%02d:%02d:00Z", "source": "customer-service", "title": "judge %s", "audio": "%s"}\n' \
		$(($4 / 60 % 24)) $(($4 % 60)) "$1" "$3" >"$1/$2.json"
}

# bad_audio DIR KIND NAME: the audio of KIND as DIR/NAME.
bad_audio()
{
	if [ "$2" = fifo ]; then mkfifo "$1/$3"; else cp "$T_TMP/kinds/$2.opus" "$1/$3"; fi
}

catalog_count()
{
	sqlite3 "$1/catalog.db" "PRAGMA busy_timeout=5000; select count(*) from recording" 2>/dev/null | tail -n 1
}

spool_count()
{
	find "$1" -mindepth 1 -maxdepth 1 | wc -l
}

# reason MANIFEST REGISTER: the error.txt of MANIFEST's quarantine folder.
reason()
{
	local d
	d=$(quarantine_of "$1" "$2") && cat "$d/error.txt"
}

# check_reasons LABEL REGISTER STEM...: each bad STEM (named KIND-N) is
# quarantined with the reason its kind has alone.
check_reasons()
{
	local label=$1 reg=$2 stem kind got bad=0 first=
	shift 2
	for stem in "$@"; do
		kind=${stem%-*}
		got=$(reason "$stem.json" "$reg")
		if [ "$got" != "${WHY[$kind]}" ]; then
			bad=$((bad + 1))
			[ -n "$first" ] || first="$stem: '$got', alone '${WHY[$kind]}'"
		fi
	done
	assert_eq "$label: every bad manifest is quarantined with its own reason${first:+ ($first)}" 0 "$bad"
}

mkdir -p "$T_TMP/kinds"
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 "$MK" "$T_TMP/kinds" "$FIX" || t_abort "kinds" "cannot make the corrupt audio"

# --- 1. each kind alone -----------------------------------------------------------

declare -A WHY
make_register "$T_TMP/solo"
mkdir -p "$T_TMP/solo/in"
n=0
for k in "${KINDS[@]}"; do
	bad_audio "$T_TMP/solo/in" "$k" "$k-0.opus"
	manifest "$T_TMP/solo/in" "$k-0" "$k-0.opus" $((n++))
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/solo/in/$k-0.json" >/dev/null 2>&1
	WHY[$k]=$(reason "$k-0.json" "$REG")
	if [ -z "${WHY[$k]}" ]; then fail "$k alone is quarantined" "no error.txt"; fi
done
assert_eq "a FIFO is refused without being read, and not kept (no FIFO enters the register)" \
	"audio file named in the manifest is not a regular file (1 files were not regular files: not kept)" \
	"${WHY[fifo]}"

# --- 2. recctl ingest, good and bad in turn ---------------------------------------

make_register "$T_TMP/cli"
IN=$T_TMP/cli/in
mkdir -p "$IN"
files=() bads=() n=0
for round in 0 1 2; do
	for k in "${KINDS[@]}"; do
		cp "$FIX/mono.opus" "$IN/good-$n.opus"
		manifest "$IN" "good-$n" "good-$n.opus" $((1000 + n))
		files+=("$IN/good-$n.json")
		n=$((n + 1))
		bad_audio "$IN" "$k" "$k-$round.opus"
		manifest "$IN" "$k-$round" "$k-$round.opus" $((2000 + n))
		files+=("$IN/$k-$round.json")
		bads+=("$k-$round")
	done
done
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "${files[@]}" >"$T_TMP/cli.out" 2>&1
assert_eq "recctl ingest: every good manifest after a bad one is in" "$n" "$(catalog_count "$REG")"
check_reasons "recctl ingest" "$REG" "${bads[@]}"
good_q=0
for ((i = 0; i < n; i++)); do quarantine_of "good-$i.json" "$REG" >/dev/null && good_q=$((good_q + 1)); done
assert_eq "recctl ingest: no good manifest is quarantined" 0 "$good_q"

# --- 3. recctl watch, a flood ----------------------------------------------------------

make_register "$T_TMP/w"
REG_W=$REG
LOG=$T_TMP/watch.log
start_watch "$REG_W" "$LOG" || t_abort "watch starts" "$(cat "$LOG")"
SPOOL=$REG_W/spool
bads=() n=0
for round in 0 1 2 3 4 5; do
	for k in "${KINDS[@]}"; do
		for g in 0 1 2; do
			cp "$FIX/mono.opus" "$SPOOL/.good-$n.opus" && mv "$SPOOL/.good-$n.opus" "$SPOOL/good-$n.opus"
			manifest "$SPOOL" "good-$n" "good-$n.opus" $((3000 + n))
			n=$((n + 1))
		done
		bad_audio "$SPOOL" "$k" "$k-$round.opus"
		manifest "$SPOOL" "$k-$round" "$k-$round.opus" $((5000 + n))
		bads+=("$k-$round")
	done
done
done_w() { [ "$(spool_count "$SPOOL")" -eq 0 ] && [ "$(catalog_count "$REG_W")" = "$n" ]; }
wait_for 120 done_w
assert_eq "recctl watch: every good manifest is in" "$n" "$(catalog_count "$REG_W")"
assert_eq "recctl watch: the spool ends empty" 0 "$(spool_count "$SPOOL")"
check_reasons "recctl watch" "$REG_W" "${bads[@]}"
good_q=0
for ((i = 0; i < n; i++)); do quarantine_of "good-$i.json" "$REG_W" >/dev/null && good_q=$((good_q + 1)); done
assert_eq "recctl watch: no good manifest is quarantined" 0 "$good_q"
kill -0 "$WATCH_PID" 2>/dev/null || t_abort "watch runs" "$(tail -n 5 "$LOG")"
assert_eq "recctl watch: no zombie child" "" "$(ps --ppid "$WATCH_PID" -o stat= | grep Z)"
kids=$(ps --ppid "$WATCH_PID" -o pid= | wc -l)
[ "$kids" -le 1 ] && pass "recctl watch: at most one judge child ($kids)" ||
	fail "recctl watch: at most one judge child" "$(ps --ppid "$WATCH_PID" -o pid,stat,args)"

# judge_after_good NAME NUM: one good file more for watch, NAME.opus and
# its manifest (number NUM), and the judge it leaves in JUDGE (a good file
# starts one if the last refusal retired it); "" and a failure when watch
# has no child.
judge_after_good()
{
	cp "$FIX/mono.opus" "$SPOOL/$1.opus"
	manifest "$SPOOL" "$1" "$1.opus" "$2"
	n=$((n + 1))
	wait_for 30 done_w
	JUDGE=$(ps --ppid "$WATCH_PID" -o pid= | tr -d ' ' | head -n 1)
	[ -n "$JUDGE" ] || fail "recctl watch: a judge after a good file" "none"
}

judge_after_good last 7000
if [ -n "$JUDGE" ]; then
	fds=$(ls "/proc/$JUDGE/fd" | sort -n | tr '\n' ' ')
	assert_eq "the judge holds no descriptor but 0-3" "0 1 2 3 " "$fds"
	# What the judge wrote itself after the 168 files: its private
	# pages.  Its resident size would also count the pages it shares
	# with watch, which it inherited at the fork (in a sanitizer build,
	# the parent's quarantine and shadow memory: 180 MB).
	priv=$(awk '/^Private_(Clean|Dirty):/ { kb += $2 } END { print kb + 0 }' "/proc/$JUDGE/smaps_rollup")
	[ "$priv" -lt 65536 ] && pass "the judge's own memory is bounded ($priv kB private)" ||
		fail "the judge's own memory is bounded" "$priv kB private"
fi

# --- 4. the judge killed mid-verdict -----------------------------------------------------

if [ -n "$JUDGE" ]; then
	kill -STOP "$JUDGE"
	cp "$FIX/mono.opus" "$SPOOL/killed.opus"
	manifest "$SPOOL" killed killed.opus 7001
	n=$((n + 1))
	# The request is in the stopped judge's socket once watch has
	# opened the audio file (it then waits up to 60 s for the verdict).
	asked() { ls -l "/proc/$WATCH_PID/fd" 2>/dev/null | grep -q killed.opus; }
	wait_for 20 asked || fail "watch asks the stopped judge" "$(tail -n 3 "$LOG")"
	# Past SETTLE_MS (2 s): a failure now is final, not put down to a
	# writer still at work.
	sleep 3
	kill -KILL "$JUDGE"
	wait_for 60 done_w
	q=$(quarantine_of killed.json "$REG_W")
	assert_eq "a judge killed mid-verdict does not quarantine the good file${q:+ ($(cat "$q/error.txt"))}" "" "$q"
	assert_eq "a judge killed mid-verdict: the good file is ingested" "$n" "$(catalog_count "$REG_W")"
	assert_eq "recctl watch: no zombie child after the kill" "" "$(ps --ppid "$WATCH_PID" -o stat= | grep Z)"
fi

# --- 5. the judge killed while idle ------------------------------------------------------

judge_after_good idle 7002
if [ -n "$JUDGE" ]; then
	kill -KILL "$JUDGE"
	no_zombie() { [ -z "$(ps --ppid "$WATCH_PID" -o stat= | grep Z)" ]; }
	wait_for 5 no_zombie
	assert_eq "a judge killed while idle is reaped at once, not at the next file" "" \
		"$(ps --ppid "$WATCH_PID" -o pid=,stat= | grep Z)"
fi

kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
assert_eq "recctl watch exits 0 on SIGTERM" 0 "$?"
t_done
