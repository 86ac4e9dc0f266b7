#!/bin/bash
# A quarantine across file systems copies each file; a crash part-way
# through a copy leaves no partial copy in the quarantine folder (atk20 F5):
# the file is written without a name and named once whole.  The spool keeps
# the manifest and its files, and the next run quarantines them whole.
# The test build waits $RECFS_TEST_COPY_DELAY_MS after the first 64 KiB of a
# copy (meta/util.c), and the run is killed then.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
t_tmpfs "$SPOOL" 16m 0700

# The recording's audio: 512 KiB, more than one chunk of the copy.
head -c 524288 /dev/urandom >"$T_TMP/audio.bin"
cp "$T_TMP/audio.bin" "$SPOOL/callx.opus"
printf '{"recorded_at":"2026-11-01T10:00:00Z","source":"nosuch","audio":"callx.opus"}\n' >"$SPOOL/callx.json"
cp "$SPOOL/callx.json" "$T_TMP/manifest.json"

# qfiles: the files of every quarantine folder but its own two.
qfiles() { find "$REG/quarantine" -mindepth 2 -type f ! -name error.txt ! -name manifest-name.txt | sort; }

RECFS_TEST_COPY_DELAY_MS=20000 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/callx.json" \
	>"$T_TMP/ingest1.out" 2>&1 &
PID=$!
# The copy has begun once the folder's error.txt is there and the copy
# has had a moment.
for _ in $(seq 1 100); do
	ls "$REG"/quarantine/*/error.txt >/dev/null 2>&1 && break
	sleep 0.1
done
sleep 1
kill -9 "$PID"
wait "$PID" 2>/dev/null
assert_eq "the run was killed with its quarantine folder made" 1 \
	"$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 -type d | wc -l)"
assert_eq "no partial copy in the quarantine folder" "" "$(qfiles)"
assert_ok "the spool still has the audio, whole" cmp "$T_TMP/audio.bin" "$SPOOL/callx.opus"
assert_ok "... and the manifest" cmp "$T_TMP/manifest.json" "$SPOOL/callx.json"

# The next run quarantines them whole.
assert_exit "the next run quarantines the manifest" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/callx.json"
assert_no_file "the spool gave up the audio" "$SPOOL/callx.opus"
assert_no_file "... and the manifest" "$SPOOL/callx.json"
Q=$(dirname "$(find "$REG/quarantine" -mindepth 2 -name callx.json | head -n 1)")
assert_ok "the quarantined audio is whole" cmp "$T_TMP/audio.bin" "$Q/callx.opus"
assert_ok "the quarantined manifest is whole" cmp "$T_TMP/manifest.json" "$Q/callx.json"
assert_eq "the quarantined audio is mode 0600" 600 "$(stat -c %a "$Q/callx.opus")"
assert_ok "fsck of the register" "$RECCTL" fsck -R "$REG"
assert_contains "fsck: 0 problems" "$T_OUT" "; 0 problems"
t_done
