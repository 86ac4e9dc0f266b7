#!/bin/bash
# A recording may chain a few Ogg Opus streams one after another (paused
# and resumed, a call put through): stored, and its .wav view plays all of
# them.  A recorder's file of thousands of tiny links cost the mount a scan
# and memory for each link at every open of its .wav view (a million: 600
# MiB and 10 s of CPU per open, atk69 F1): more than 1,024 links are refused
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
assert_contains "saying why" "$out" "audio chains more than 1024 streams"
assert_eq "no blob of it was left" 1 "$(q "SELECT count(*) FROM artifact")"

# The judge's scan of a chain holds about 600 bytes a link: a 4 GiB file
# of tiny links asked the ingest host for gigabytes until its 60 s ran
# out.  Its address space is capped; the test build lowers the cap to
# 4 MiB past its start, which 20,000 links (6.7 MB) pass and one link
# does not.
chain "$T_TMP/tiny.opus" 20000 "$SPOOL/huge.opus" || t_abort "chain" "cannot chain"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/one.opus"
printf '{"recorded_at": "2026-11-04T10:00:00Z", "source": "customer-service", "audio": "huge.opus"}\n' >"$SPOOL/huge.json"
printf '{"recorded_at": "2026-11-05T10:00:00Z", "source": "customer-service", "audio": "one.opus"}\n' >"$SPOOL/one.json"
# Under AddressSanitizer, whose shadow memory takes terabytes of address
# space, the judge has no cap (meta/opus.c: judge_cap_memory).
if ldd "$RECCTL" | grep -q libasan; then
	echo "   (AddressSanitizer build: the judge has no cap of memory to test)"
else
	out=$(RECFS_TEST_JUDGE_AS_MB=4 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/huge.json" 2>&1)
	assert_contains "a file whose scan outgrows the judge's memory is refused as the file's fault" "$out" \
		"audio needs more memory to be examined than a recording does"
	assert_not_contains "not retried as the machine's" "$out" "retry"
fi
assert_ok "under the same cap, a call of one link is stored" \
	env RECFS_TEST_JUDGE_AS_MB=4 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/one.json"
assert_eq "two calls in the register" 2 "$(q "SELECT count(*) FROM recording")"

analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
wav=$(as_user "$analyst" find "$MNT/by-date/2026/11/02" -name '*.wav' | head -n 1)
assert_match "the call of three links has its .wav view" "$wav" '\.wav$'
as_user "$analyst" cat "$wav" >"$T_TMP/three.wav" 2>/dev/null
opusdec --quiet "$SPOOL/three.opus" "$T_TMP/ref.wav" 2>/dev/null
assert_eq "which plays all three links" "$(soxi -s "$T_TMP/ref.wav")" "$(soxi -s "$T_TMP/three.wav" 2>/dev/null)"
unmount_recfs "$MNT"
t_done
