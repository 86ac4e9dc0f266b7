#!/bin/bash
# A recorder that delivers many long calls at once must not make `recctl
# ingest` hold all their audio.  A call's stored form is kept in memory
# from the walk that plans it until its blob is written, then wiped and
# freed (recctl(1)); the manifests of a group wait for their commit
# holding none, so a group's peak memory grows by about one call, not by
# one call per manifest.  Measured as the largest resident set of the
# command (getrusage of a waited-for child: recctl, or its judge child if
# that was larger): six calls of about 6 MiB in one group against one.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
one=$T_TMP/one
six=$T_TMP/six
mkdir -p "$one" "$six"
audio=$T_TMP/long.opus
# About 6 MiB: 196 s of hard-CBR 256 kbit/s stereo noise.
sox -q -n -r 48000 -b 16 -c 2 -t wav - synth 196 pinknoise vol 0.3 |
	opusenc --quiet --bitrate 256 --hard-cbr --comp 0 - "$audio" 2>/dev/null ||
	t_abort "opusenc" "cannot encode the long call"
size_kb=$(($(stat -c %s "$audio") / 1024))
[ "$size_kb" -gt 4096 ] || t_abort "opusenc" "the long call is $size_kb KiB, not about 6 MiB"

# call DIR N: a manifest of the long call, recorded on day N (each its own
# recording: not a resend of another).
call()
{
	cp "$audio" "$1/c$2.opus" &&
		printf '{"recorded_at":"2026-11-%02dT10:00:00Z","source":"customer-service","audio":"c%s.opus"}' \
			"$2" "$2" >"$1/c$2.json" || t_abort "spool" "cannot write call $2"
}
call "$one" 1
for i in 2 3 4 5 6 7; do call "$six" "$i"; done

# peak_kb DIR: the largest resident set (KiB) of one `recctl ingest` of
# DIR's manifests (one group: at most INGEST_GROUP_MAX), or "failed".
# Under ASan, freed memory is not held in its quarantine (which would keep
# every freed call resident whatever recctl does).
peak_kb()
{
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else "failed")
' "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$1"/*.json
}

p1=$(peak_kb "$one")
p6=$(peak_kb "$six")
assert_eq "the six calls and the one are ingested" "7" "$(q "SELECT count(*) FROM recording")"
case "$p1$p6" in
*failed*) t_abort "ingest" "recctl ingest failed (one: $p1, six: $p6)" ;;
esac
# Holding every call's audio until the commit would add five calls more.
if [ $((p6 - p1)) -lt $((2 * size_kb)) ]; then
	pass "six calls of $size_kb KiB in one group peak within two calls of one call's peak ($p6 KiB, one: $p1 KiB)"
else
	fail "six calls of $size_kb KiB in one group peak within two calls of one call's peak" \
		"one call: $p1 KiB, six: $p6 KiB"
fi
t_done
