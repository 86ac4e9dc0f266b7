#!/bin/bash
# Below details_level no name or number of the recorded person is shown,
# in the audio file either (atk23).  Ingest keeps an ENCODER_OPTIONS tag in
# the stored .opus when it has "opusenc's form" (meta/opus.c options_ok):
# tokens --[a-z][a-z0-9-]* or a value that starts with a digit.  opusenc
# writes only its own options there, but the rule takes any lower-case
# word as an option and any number as a value, so a recorder that writes
# its call data the same way (ENCODER_OPTIONS=--bitrate 16 --caller-jons-
# akerlund --caller 358401111111) leaves the caller's name and number in
# the .opus that the training level reads (opusinfo, strings), where
# TITLE=, ARTIST= and any free text are moved into the sealed details.  So
# does a "version" in ENCODER= (ENCODER=opusenc from opus-tools
# 0.2~kalle.kontio+358403333333: version_ok takes [0-9A-Za-z.+~-] after a
# digit).  (A vendor string "libopus 1.3~name+number" is replaced by
# "recfs", as it should be.)
. "$(dirname "$0")/lib.sh"

for tool in opusenc opusinfo sox strings; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
spool=$T_TMP/spool
mkdir -p "$spool"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)

OPTS="--bitrate 16 --caller-jons-akerlund --caller 358401111111"
sox -q -n -r 48000 -b 16 -c 1 "$T_TMP/tone.wav" synth 2 sine 300-900 vol 0.3 ||
	t_abort "sox" "cannot make a test tone"
# The same in a version: [0-9A-Za-z.+~-] after a digit (version_ok).
ENC="opusenc from opus-tools 0.2~kalle.kontio+358403333333"
opusenc --quiet --bitrate 16 --comment "ENCODER_OPTIONS=$OPTS" --comment "ENCODER=$ENC" "$T_TMP/tone.wav" "$spool/call.opus" ||
	t_abort "opusenc" "cannot encode"
assert_contains "the recorder's file carries the options tag" "$(opusinfo "$spool/call.opus")" "jons-akerlund"
printf '{"recorded_at": "%s", "source": "customer-service", "audio": "call.opus",
	 "subjects": [{"role": "customer", "name": "Jöns Åkerlund", "phone": "+358401111111"}]}\n' \
	"$(date -u -d '-2 days' +%Y-%m-%dT10:00:00Z)" >"$spool/call.json"
ingest_spool "$spool"

MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | head -n 1)
[ -n "$f" ] || t_abort "setup" "the trainer sees no recording"
seen=$(as_user "$trainer" strings -n 4 "$f" | grep -a -i -e encoder -e jons -e 3584 -e kalle | head -n 5)
assert_not_contains "the training level does not read the caller's name in the .opus" "$seen" "jons-akerlund"
assert_not_contains "nor the caller's number" "$seen" "358401111111"
assert_not_contains "nor a name and number in ENCODER's version" "$seen" "kalle.kontio"
# Where such text belongs: the sealed details, from details_level.
tags=$(as_user "$analyst" getfattr -n user.recfs.opus_tags --only-values "$f" 2>&1)
assert_contains "the analysis level reads the recorder's options in user.recfs.opus_tags" "$tags" "jons-akerlund"
t_done
