#!/bin/bash
# A manifest that cannot be read takes no file of the recorder's next
# recording into its quarantine (atk30 F4).  recfs-manifest(5) promised
# "refusing one manifest takes no other recording with it", but a manifest
# that could not be read used to take the files beside it named STEM-*
# and STEM.*.*: a recorder names two calls of one minute 20261128T1015 and
# 20261128T1015-2 and writes each recording's audio before its manifest;
# the first manifest is cut short (not JSON), and when it was refused the
# second manifest was not there yet, so its audio 20261128T1015-2.opus went
# into the first one's quarantine, and the second manifest, good, was then
# refused for its missing audio.  Now any manifest takes the files it names
# and its stem with one extension (STEM.opus) only.  So:
#  1. the broken manifest is quarantined, with its own STEM.opus;
#  2. the second recording's audio stays in the spool, and its manifest,
#     written next, is ingested, not quarantined.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
chmod 0755 "$T_TMP/a"
rec=$(make_plain_user rec)
SP=$T_TMP/spool
mkdir -p "$SP" && chown "$rec" "$SP" && chmod 0700 "$SP"
rc() { as_user "$rec" sh -c "$1" || t_abort "recorder" "cannot: $1"; }

rc "cp '$FIX/mono.opus' '$SP/20261128T1015.opus' && cp '$FIX/stereo.opus' '$SP/20261128T1015-2.opus' &&
	printf '{\"recorded_at\": \"2026-11-28T10:15:00Z\", \"source\": \"custo' >'$SP/.a' && mv '$SP/.a' '$SP/20261128T1015.json'"
assert_exit "a manifest cut short is refused" 1 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/20261128T1015.json"
Q=$(quarantine_of 20261128T1015.json) || t_abort "quarantine" "not quarantined: $T_OUT"
assert_contains "the reason says it is not JSON" "$(cat "$Q/error.txt")" "not valid JSON"
assert_file "the broken manifest's own audio is in its quarantine" "$Q/20261128T1015.opus"
assert_file "the next recording's audio stays in the spool" "$SP/20261128T1015-2.opus"
assert_no_file "the next recording's audio is not in the refused one's quarantine" "$Q/20261128T1015-2.opus"

rc "printf '{\"recorded_at\": \"2026-11-28T10:15:40Z\", \"source\": \"customer-service\", \"audio\": \"20261128T1015-2.opus\"}' >'$SP/.b' &&
	mv '$SP/.b' '$SP/20261128T1015-2.json'"
assert_ok "the next recording, whose manifest came after, is ingested" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/20261128T1015-2.json"
assert_eq "one recording in the register" 1 "$(q 'SELECT count(*) FROM recording')"
t_done
