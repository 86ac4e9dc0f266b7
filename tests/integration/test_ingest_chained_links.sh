#!/bin/bash
# A recording may chain a few Ogg Opus streams one after another (paused
# and resumed, a call put through): stored, and its .wav view plays all of
# them.  A recorder's file of thousands of tiny links cost the mount a scan
# and memory for each link at every open of its .wav view (a million: 600
# MiB and 10 s of CPU per open, atk69 F1): more than 256 links are refused
# at ingest, with why, and nothing of the file is stored.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
sox -n -r 48000 -c 1 -b 16 "$T_TMP/tiny.wav" synth 0.06 sine 300 2>/dev/null &&
	opusenc --quiet --padding 0 --bitrate 6 --framesize 60 "$T_TMP/tiny.wav" "$T_TMP/tiny.opus" ||
	t_abort "tools" "cannot make a tiny Opus file"
# chain IN N OUT: N copies of IN one after another, each its own stream.
chain() {
	PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 - "$@" <<'PY'
import sys, oggpages
src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ps = oggpages.pages(open(src, "rb").read())
with open(dst, "wb") as f:
    for i in range(n):
        for p in ps:
            f.write(bytes(oggpages.fix(bytearray(p), serial=0x5000 + i)))
PY
}
chain "$T_ROOT/tests/fixtures/mono.opus" 3 "$SPOOL/three.opus" || t_abort "chain" "cannot chain"
chain "$T_TMP/tiny.opus" 2000 "$SPOOL/many.opus" || t_abort "chain" "cannot chain"
assert_eq "the recorder's file of 2,000 links decodes" 0 "$(opusdec --quiet "$SPOOL/many.opus" - >/dev/null 2>&1; echo $?)"

printf '{"recorded_at": "2026-11-02T10:00:00Z", "source": "customer-service", "audio": "three.opus"}\n' >"$SPOOL/three.json"
printf '{"recorded_at": "2026-11-03T10:00:00Z", "source": "customer-service", "audio": "many.opus"}\n' >"$SPOOL/many.json"
assert_ok "a call of three links is stored" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/three.json"
out=$("$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/many.json" 2>&1)
assert_eq "a file of 2,000 links is refused" 1 "$(q "SELECT count(*) FROM recording")"
assert_contains "saying why" "$out" "audio chains more than 256 streams"
assert_eq "no blob of it was left" 1 "$(q "SELECT count(*) FROM artifact")"

analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
wav=$(as_user "$analyst" find "$MNT/by-date" -name '*.wav' | head -n 1)
assert_match "the call of three links has its .wav view" "$wav" '\.wav$'
as_user "$analyst" cat "$wav" >"$T_TMP/three.wav" 2>/dev/null
opusdec --quiet "$SPOOL/three.opus" "$T_TMP/ref.wav" 2>/dev/null
assert_eq "which plays all three links" "$(soxi -s "$T_TMP/ref.wav")" "$(soxi -s "$T_TMP/three.wav" 2>/dev/null)"
unmount_recfs "$MNT"
t_done
