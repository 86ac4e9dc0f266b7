#!/bin/bash
# A recorder's file over 4 GiB, refused, is kept (atk30 F3).
# recfs-manifest(5): a file larger than 4 GiB is refused and its manifest
# quarantined; a refused manifest is "moved with the files it names".  On
# a spool of its own file system (what recctl(1) advises when recorders are
# not trusted), ingest used to remove such a file from the spool without
# keeping it anywhere ("not kept"): the recorder's only copy of a long
# meeting was gone, while the same file in a spool on the register's file
# system was moved into quarantine whole.  Now a file too large to copy
# (over the quarantine's budget of 4 GiB and 1 MiB) stays in the spool, the
# recorder's, and error.txt says so, naming it by what it is to the
# manifest ("the audio"), never by its name.  The file is sparse here only
# to keep the test small: the size check comes before anything reads it.
# (A file of 4 GiB and a byte fits the budget, and is copied.)
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
chmod 0755 "$T_TMP/a"
rec=$(make_plain_user rec)
SP=$T_TMP/spool
t_tmpfs "$SP" 16m 0700
chown "$rec" "$SP"

# big DIR NAME: as the recorder, NAME.opus of 5 GiB (the
# fixture's bytes first) and its manifest NAME.json, written last.
big()
{
	as_user "$rec" sh -c "cp '$FIX/mono.opus' '$1/$2.opus' && truncate -s 5368709120 '$1/$2.opus' &&
		printf '{\"recorded_at\":\"2026-11-0%sT10:00:00Z\",\"source\":\"customer-service\",\"audio\":\"$2.opus\"}' '$3' >'$1/.$2' &&
		mv '$1/.$2' '$1/$2.json'" || t_abort "recorder" "cannot write $1/$2"
}

# 1. a spool on a file system of its own
big "$SP" long 1
assert_exit "a manifest of audio over 4 GiB is refused" 1 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/long.json"
Q=$(quarantine_of long.json) || t_abort "quarantine" "long.json is in no quarantine folder: $T_OUT"
assert_contains "the reason says why" "$(cat "$Q/error.txt")" "larger than 4 GiB"
if [ -e "$SP/long.opus" ] || [ -e "$Q/long.opus" ]; then
	pass "the recorder's audio is kept, in the spool or in quarantine"
else
	fail "the recorder's audio is kept, in the spool or in quarantine" \
		"neither $SP nor $Q holds it: $(ls "$SP" "$Q" | tr '\n' ' '); error.txt: $(cat "$Q/error.txt")"
fi
assert_not_contains "error.txt does not say the audio was not kept" "$(cat "$Q/error.txt")" "not kept"
assert_file "the audio too large to copy stays in the spool" "$SP/long.opus"
assert_contains "error.txt says the audio was left in the spool" "$(cat "$Q/error.txt")" \
	"left in the spool: the audio)"
assert_not_contains "error.txt does not name the file" "$(cat "$Q/error.txt")" "long.opus"

# 2. the same in a spool on the register's file system: moved whole
SP2=$T_TMP/a/spool2
mkdir -p "$SP2" && chown "$rec" "$SP2" && chmod 0700 "$SP2"
big "$SP2" long2 2
assert_exit "on the register's file system it is refused too" 1 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP2/long2.json"
Q2=$(quarantine_of long2.json) || t_abort "quarantine" "long2.json is in no quarantine folder"
if [ -e "$SP2/long2.opus" ] || [ -e "$Q2/long2.opus" ]; then
	pass "on the register's file system the audio is kept"
else
	fail "on the register's file system the audio is kept" "$(ls "$SP2" "$Q2" | tr '\n' ' ')"
fi

# 3. files of under 4 GiB each, over it together (a meeting's two videos):
# the second one copied is past the quarantine's budget
as_user "$rec" sh -c "cp '$FIX/mono.opus' '$SP/meet.opus' && truncate -s 2684354560 '$SP/meet-a.mp4' '$SP/meet-b.mp4' &&
	printf '{\"recorded_at\":\"2026-11-03T10:00:00Z\",\"source\":\"customer-service\",\"audio\":\"meet.opus\",\"attachments\":[{\"file\":\"meet-a.mp4\"},{\"file\":\"meet-b.mp4\"}]}' >'$SP/.meet' &&
	mv '$SP/.meet' '$SP/meet.json'" || t_abort "recorder" "cannot write meet"
assert_exit "a manifest of files over 4 GiB together is refused" 1 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/meet.json"
Q3=$(quarantine_of meet.json) || t_abort "quarantine" "meet.json is in no quarantine folder: $T_OUT"
for f in meet-a.mp4 meet-b.mp4; do
	if [ -e "$SP/$f" ] || [ -e "$Q3/$f" ]; then
		pass "the recorder's $f is kept, in the spool or in quarantine"
	else
		fail "the recorder's $f is kept, in the spool or in quarantine" "$(ls "$SP" "$Q3" | tr '\n' ' '); error.txt: $(cat "$Q3/error.txt")"
	fi
done
rm -rf "$T_TMP/a/reg/quarantine"/q-*	# 8 GiB of holes: gone before the cleanup walks them
t_done
