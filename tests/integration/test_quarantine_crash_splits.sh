#!/bin/bash
# A crash during a quarantine across file systems must not split a
# recording between two quarantine folders (atk30 F5).  It used to: each
# file was copied and its spool name removed at once (util_move_file_max),
# the manifest last, so a run killed while it copied the second file had
# already removed the first from the spool; the next run found the manifest
# without it and quarantined it into a second folder for "... named in the
# manifest is missing" (not its own reason), and a manifest mended there
# could not be ingested.  (atk30 saw it with kill -9 of recctl watch: 100
# refused manifests gave 105 quarantine folders.)  Now every file is copied
# first and the spool names go only once the manifest is in the folder: a
# crash leaves the spool whole, and the folder cut short a mere copy, which
# fsck reports as such.  Here the
# audio and the chat are 8 MB each (the manifest is refused for its source,
# so the audio is not read); the run is killed as soon as the first copy is
# named in the quarantine, while the second is copied.  So:
#  1. after the kill, the spool still has the audio, the chat and the
#     manifest;
#  2. the next run quarantines the manifest for its own reason, with its
#     audio and chat beside it in one folder, and leaves the spool empty;
#  3. the folder cut short holds no file that is not also in that one.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
t_tmpfs "$SPOOL" 40m 0700

head -c 8000000 /dev/urandom >"$SPOOL/callx.opus"
head -c 8000000 /dev/urandom >"$SPOOL/callx-chat.txt"
printf '{"recorded_at":"2026-11-01T10:00:00Z","source":"nosuch","audio":"callx.opus","attachments":[{"file":"callx-chat.txt","kind":"chat"}]}\n' >"$SPOOL/callx.json"

won=0
for try in 1 2 3 4 5; do
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/callx.json" >"$T_TMP/ingest1.out" 2>&1 &
	PID=$!
	while kill -0 "$PID" 2>/dev/null && ! compgen -G "$REG/quarantine/*/callx*" >/dev/null; do :; done
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	if [ -e "$SPOOL/callx.json" ]; then
		won=1
		break
	fi
	# the run ended first: put the files back and try again
	Q0=$(quarantine_of callx.json) || t_abort "quarantine" "$(cat "$T_TMP/ingest1.out")"
	mv "$Q0"/callx* "$SPOOL"/ && rm -rf "$Q0"
done
[ "$won" -eq 1 ] || t_abort "race" "no run was killed before it moved the manifest"
echo "killed on try $try"
assert_file "after the kill the spool still has the audio" "$SPOOL/callx.opus"
assert_file "... and the chat" "$SPOOL/callx-chat.txt"
assert_file "... and the manifest" "$SPOOL/callx.json"

"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/callx.json" >"$T_TMP/ingest2.out" 2>&1
Q=$(quarantine_of callx.json) || t_abort "quarantine" "callx.json is in no quarantine folder: $(cat "$T_TMP/ingest2.out")"
assert_contains "the next run gives the manifest's own reason" "$(cat "$Q/error.txt")" "source"
assert_file "the audio is in the manifest's quarantine folder" "$Q/callx.opus"
assert_file "the chat is in the manifest's quarantine folder" "$Q/callx-chat.txt"
assert_eq "the spool is empty after it" "" "$(ls -A "$SPOOL" | grep -v '^lost+found$')"
for d in "$REG"/quarantine/*/; do
	d=${d%/}
	[ "$d" = "$Q" ] && continue
	for f in "$d"/callx*; do
		[ -e "$f" ] || continue
		assert_file "what the folder cut short holds, $(basename "$f"), is in the manifest's folder too" "$Q/$(basename "$f")"
	done
done
t_done
