#!/bin/bash
# The WAV view is libopusfile's continuous decode (issue 15): op_read_float()
# from the first sample, rounded half away from zero to 16 bits, no dither.
# The reference is tests/tools/wav_ref.c (build/test/wav_ref), which decodes
# the .opus read through the mount in one pass, with libopusfile alone.
#
# Four generated recordings over 60 s long (many 10 s stretches, where the
# view used to start decoding afresh): speech mono and stereo (espeak-ng;
# stereo is two voices talking at once, encoded at 16 kbit/s: SILK, whose
# decoder takes longest to converge after a seek) and music mono and stereo
# (plucked chords and noise hits, opusenc's default rate: CELT).  For each,
# as a level user on the mount:
# - 50 reads at random offsets (a third just before a multiple of 10 s), of
#   random lengths, each after dropping the file's cached pages so that the
#   daemon serves it and seeks: every sample within 1 LSB of the reference
#   (the figures are printed: the largest difference, how many differ);
# - then `cat` of the whole view: the header and then the reference, byte
#   for byte (a reader in order never makes the view seek).
. "$(dirname "$0")/lib.sh"

for tool in espeak-ng opusenc sox python3 cmp; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
WAV_REF=$T_BUILD/test/wav_ref
[ -x "$WAV_REF" ] || t_abort "needs $WAV_REF" "build it with make"
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
spool=$T_TMP/spool
gen=$T_TMP/gen
ref=$T_TMP/ref
mkdir -p "$spool" "$gen" "$ref"
chmod 0755 "$ref"

# --- the recordings ----------------------------------------------------------
LEN=64	# seconds
text="Customer service, good morning, how can I help you today? I am calling about my invoice \
number four five seven two, which seems to be charged twice. Let me check that for you, one \
moment please. Thank you for waiting, the second charge was a mistake and it is refunded now."
espeak-ng -s 160 -w "$gen/a.wav" "$text $text $text $text" &&
	espeak-ng -s 150 -v en+f3 -w "$gen/b.wav" "Hello, this is the other party. $text $text $text $text" &&
	sox -q "$gen/a.wav" -r 48000 -b 16 "$gen/speech-mono.wav" trim 0 "$LEN" &&
	sox -q -M "$gen/a.wav" "$gen/b.wav" -r 48000 -b 16 "$gen/speech-stereo.wav" trim 0 "$LEN" ||
	t_abort "espeak-ng" "cannot make the speech"
notes=(C3 D3 E3 F3 G3 A3 B3 C4 D4 E4 F4 G4 A4)
for i in $(seq 0 11); do
	sox -q -n -r 48000 -b 16 -c 2 "$gen/p$i.wav" synth "0.$((4 + i % 6))" \
		pluck "${notes[$((i * 7 % 13))]}" pluck "${notes[$((i * 5 % 13))]}" pluck "${notes[$((i * 3 % 13))]}" \
		remix 1,2 2,3 vol 0.4 || t_abort "sox" "cannot make a chord"
done
sox -q -n -r 48000 -b 16 -c 2 "$gen/hit.wav" synth 0.06 whitenoise vol 0.5 fade 0 0.06 0.05 ||
	t_abort "sox" "cannot make a noise hit"
parts=()
for i in $(seq 0 139); do
	parts+=("$gen/p$((i * 7 % 12)).wav")
	[ $((i % 3)) -eq 0 ] && parts+=("$gen/hit.wav")
done
sox -q "${parts[@]}" -b 16 "$gen/music-stereo.wav" trim 0 "$LEN" &&
	sox -q "$gen/music-stereo.wav" -c 1 "$gen/music-mono.wav" ||
	t_abort "sox" "cannot make the music"
opusenc --quiet --bitrate 16 "$gen/speech-mono.wav" "$gen/speech-mono.opus" &&
	opusenc --quiet --bitrate 16 "$gen/speech-stereo.wav" "$gen/speech-stereo.opus" &&
	opusenc --quiet "$gen/music-mono.wav" "$gen/music-mono.opus" &&
	opusenc --quiet "$gen/music-stereo.wav" "$gen/music-stereo.opus" ||
	t_abort "opusenc" "cannot encode"

names=(speech-mono speech-stereo music-mono music-stereo)
declare -A at
h=8
for n in "${names[@]}"; do
	at[$n]=$(date -u -d "-3 days" +%Y-%m-%d)T$(printf %02d "$h"):00:00Z
	h=$((h + 1))
	printf '{"recorded_at": "%s", "source": "customer-service", "audio": "%s.opus",
		 "subjects": [{"role": "customer", "phone": "+35850555%04d"}]}\n' "${at[$n]}" "$n" "$h" \
		>"$spool/$n.json"
	cp "$gen/$n.opus" "$spool/"
done
ingest_spool "$spool"

trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# --- reads through the mount, against the reference --------------------------
# compare.py WAV REF: 50 reads at random offsets (seeded), the cached pages
# dropped before each; prints "reads samples max_diff n_diff" and fails
# when a read comes back short.
cat >"$T_TMP/compare.py" <<'PY'
import array, os, random, sys
wav, ref_path = sys.argv[1], sys.argv[2]
ref = open(ref_path, "rb").read()
fd = os.open(wav, os.O_RDONLY)
chans = int.from_bytes(os.pread(fd, 2, 22), "little")
fb = 2 * chans
seg = 480000 * fb			# 10 s of frames
rng = random.Random(15)
samples = worst = ndiff = 0
for i in range(50):
    if i % 3 == 0:
        off = rng.randrange(1, len(ref) // seg + 1) * seg - rng.randrange(0, 4800) * fb
    else:
        off = rng.randrange(0, len(ref) // 2) * 2
    length = rng.randrange(1, 131072) * 2
    off = max(0, min(off, len(ref) - 2))
    length = min(length, len(ref) - off)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    got = os.pread(fd, length, 44 + off)
    if len(got) != length:
        sys.exit("read %d at %d: %d of %d bytes" % (i, off, len(got), length))
    want = ref[off:off + length]
    samples += length // 2
    if got != want:
        a, b = array.array("h", got), array.array("h", want)
        for x, y in zip(a, b):
            if x != y:
                ndiff += 1
                worst = max(worst, abs(x - y))
os.close(fd)
print(50, samples, worst, ndiff)
PY

stamp() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }
for n in "${names[@]}"; do
	opus=$(as_user "$trainer" find "$MNT/by-date" -name "$(stamp "${at[$n]}")_*.opus")
	[ -n "$opus" ] || { fail "$n: training sees the recording" "not found"; continue; }
	wav=${opus%.opus}.wav
	as_user "$trainer" cat "$opus" >"$gen/$n.stored.opus"
	if ! "$WAV_REF" "$gen/$n.stored.opus" >"$ref/$n.s16"; then
		fail "$n: the reference decodes" "wav_ref failed"
		continue
	fi
	chmod 0644 "$ref/$n.s16"
	assert_eq "$n: the view is its header and the reference's samples in size" \
		"$((44 + $(stat -c %s "$ref/$n.s16")))" "$(as_user "$trainer" stat -c %s "$wav")"
	if out=$(as_user "$trainer" /usr/bin/python3 "$T_TMP/compare.py" "$wav" "$ref/$n.s16" 2>&1); then
		read -r reads samples worst ndiff <<<"$out"
		echo "# $n: $reads random reads, $samples samples: max |diff| $worst LSB, $ndiff samples differ"
		[ "${worst:-99}" -le 1 ] && pass "$n: 50 random reads are within 1 LSB of the continuous decode" ||
			fail "$n: 50 random reads are within 1 LSB of the continuous decode" \
				"max |diff| $worst LSB, $ndiff of $samples samples differ"
	else
		fail "$n: 50 random reads of the view" "$out"
	fi
	as_user "$trainer" /usr/bin/python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$wav"
	as_user "$trainer" cat "$wav" | tail -c +45 >"$gen/$n.cat.s16"
	if cmp -s "$gen/$n.cat.s16" "$ref/$n.s16"; then
		pass "$n: cat of the view is the continuous decode, byte for byte"
	else
		fail "$n: cat of the view is the continuous decode, byte for byte" \
			"$(cmp "$gen/$n.cat.s16" "$ref/$n.s16" 2>&1 | head -n 1)"
	fi
done
unmount_recfs "$MNT"
t_done
