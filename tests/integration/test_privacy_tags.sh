#!/bin/bash
# Opus comment tags (issue 10): a recorder's `opusenc --title ... --artist
# ... --comment PHONE=...` names the caller inside the audio file.  At
# ingest such tags move into the recording's sealed details: the training
# level's opusinfo, strings and getfattr show none of them, the analysis
# level (details_level) reads them as user.recfs.opus_tags, nothing under
# the register holds them in the clear, and the audio decodes as before.
# opusenc's own vendor string, ENCODER and ENCODER_OPTIONS stay, so a
# file straight out of opusenc reads back byte for byte; an ENCODER or
# ENCODER_OPTIONS not of opusenc's form is free text and goes, and so does
# a vendor string not of libopus's or opusenc's form: it is replaced by
# "recfs" and sealed as VENDOR=<original>.  A file whose only tags are the
# integer loudness gains is stored byte for byte too.  A sealed
# detail longer than one attribute holds (300 staff names) reads cut to
# 64 KiB, ending in "...", as the tags do; a title longer than ingest takes
# is quarantined.
. "$(dirname "$0")/lib.sh"

for tool in opusenc opusdec opusinfo sox getfattr strings python3; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
spool=$T_TMP/spool
orig=$T_TMP/orig
mkdir -p "$spool" "$orig"

MARK_NAME="Jöns Åkerlund"
MARK_PHONE=358401111111
MARK_NOTE=Kvittokoll
# What a recorder may put in its vendor string, ENCODER and ENCODER_OPTIONS.
MARK_VENDOR="VENDORSECRET Pirkko +358402222222"
MARK_ENCODER="ENCSECRET Kalle +358403333333"
MARK_OPTIONS="--bitrate 16 ENCOPTSECRET kalle@example.fi"

sox -q -n -r 48000 -b 16 -c 1 "$T_TMP/tone.wav" synth 3 sine 300-900 vol 0.3 ||
	t_abort "sox" "cannot make a test tone"
opusenc --quiet --bitrate 24 --title "Call with $MARK_NAME +$MARK_PHONE" --artist "$MARK_NAME" \
	--comment "PHONE=+$MARK_PHONE" --comment "NOTE=$MARK_NOTE 1"$'\n'"$MARK_NOTE 2" \
	--comment "ENCODER=$MARK_ENCODER" --comment "ENCODER_OPTIONS=$MARK_OPTIONS" \
	"$T_TMP/tone.wav" "$T_TMP/tagged.opus" || t_abort "opusenc" "cannot encode"
opus_retag "$T_TMP/tagged.opus" "$orig/tagged.opus" "$MARK_VENDOR" keep || t_abort "opus_retag" "cannot retag"
# Straight out of opusenc: its vendor string, ENCODER and ENCODER_OPTIONS.
opusenc --quiet --bitrate 24 "$T_TMP/tone.wav" "$orig/encoded.opus" || t_abort "opusenc" "cannot encode"
# Nothing to remove: a gain and libopus's vendor string only.
opus_retag "$orig/encoded.opus" "$orig/plain.opus" "libopus 1.3.1" set "R128_TRACK_GAIN=-256" ||
	t_abort "opus_retag" "cannot retag"
assert_contains "the recorder's file carries the tags" "$(opusinfo "$orig/tagged.opus")" "$MARK_PHONE"
assert_contains "the recorder's file carries the vendor string" "$(opusinfo "$orig/tagged.opus")" "$MARK_VENDOR"
assert_contains "opusenc's file carries ENCODER" "$(opusinfo "$orig/encoded.opus")" "ENCODER=opusenc"

# manifest NAME AUDIO RECORDED_AT: one customer with a phone number of
# their own (no marker), for the export.
manifest()
{
	printf '{"recorded_at": "%s", "source": "customer-service", "audio": "%s",
		 "subjects": [{"role": "customer", "phone": "+35850555%04d"}]}\n' "$3" "$2" "$RANDOM" \
		>"$spool/$1.json"
	cp "$orig/$2" "$spool/$2"
}
t1=$(date -u -d '-2 days' +%Y-%m-%dT10:00:00Z)
t2=$(date -u -d '-2 days' +%Y-%m-%dT11:00:00Z)
manifest tagged tagged.opus "$t1"
manifest plain plain.opus "$t2"
t4=$(date -u -d '-2 days' +%Y-%m-%dT13:00:00Z)
manifest encoded encoded.opus "$t4"
# A meeting of 256 staff (ingest takes 256), each name 256 bytes (as long
# as ingest takes): their names together are more than one attribute
# holds (64 KiB).
t3=$(date -u -d '-2 days' +%Y-%m-%dT12:00:00Z)
python3 - "$spool/crowd.json" "$t3" <<'EOF'
import json, sys
staff = [{"name": "%03d " % i + "\u00c4" * 126} for i in range(256)]
json.dump({"recorded_at": sys.argv[2], "source": "customer-service", "audio": "crowd.opus",
           "title": "T" * 1024, "staff": staff}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
cp "$orig/plain.opus" "$spool/crowd.opus"
ingest_spool "$spool"

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

stamp() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }
tagged=$(as_user "$trainer" find "$MNT/by-date" -name "$(stamp "$t1")_*.opus")
plain=$(as_user "$trainer" find "$MNT/by-date" -name "$(stamp "$t2")_*.opus")
encoded=$(as_user "$trainer" find "$MNT/by-date" -name "$(stamp "$t4")_*.opus")
[ -n "$tagged" ] && [ -n "$plain" ] && [ -n "$encoded" ] || t_abort "find" "training does not see the recordings"

# --- what the training level sees ------------------------------------------
info=$(as_user "$trainer" opusinfo "$tagged" 2>&1)
for m in "$MARK_PHONE" "Åkerlund" "$MARK_NOTE" "title=" "artist=" "PHONE=" "Pirkko" "Kalle" "kalle" "SECRET"; do
	assert_not_contains "training's opusinfo shows no '$m'" "$info" "$m"
done
assert_contains "opusinfo still reads the audio" "$info" "Playback length"
assert_contains "opusinfo still shows opusenc's ENCODER" "$info" "ENCODER=opusenc from opus-tools"
assert_contains "and its ENCODER_OPTIONS" "$info" "ENCODER_OPTIONS=--bitrate 24"
assert_contains "opusinfo shows the vendor string recfs put in" "$info" "Encoded with recfs"
assert_not_contains "opusinfo finds the stored pages sound" "$info" "WARNING"
info=$(as_user "$trainer" opusinfo "$encoded" 2>&1)
assert_contains "opusinfo reads opusenc's audio" "$info" "Playback length"
assert_contains "and shows its ENCODER" "$info" "ENCODER=opusenc"
assert_contains "and its vendor string" "$info" "Encoded with libopus 1.3.1, libopusenc 0.2.1"
assert_not_contains "opusinfo finds its stored pages sound" "$info" "WARNING"
for m in "VENDORSECRET" "Pirkko" "358402222222" "ENCSECRET" "Kalle" "358403333333" "ENCOPTSECRET" \
	"kalle@example.fi"; do
	assert_eq "grep -a of the .opus as training: no '$m'" 0 \
		"$(as_user "$trainer" cat "$tagged" | grep -a -c -F -- "$m")"
done
assert_eq "a file straight out of opusenc reads back byte for byte as training" "" \
	"$(as_user "$trainer" cat "$encoded" | cmp - "$orig/encoded.opus" 2>&1)"
for m in "$MARK_PHONE" "Åkerlund" "Jöns" "$MARK_NOTE"; do
	assert_eq "strings of the .opus as training: no '$m'" 0 \
		"$(as_user "$trainer" strings -n 4 "$tagged" | grep -c -F -- "$m")"
	assert_eq "grep -a of the .opus as training: no '$m'" 0 \
		"$(as_user "$trainer" cat "$tagged" | grep -a -c -F -- "$m")"
	assert_eq "grep -a of the .wav as training: no '$m'" 0 \
		"$(as_user "$trainer" cat "${tagged%.opus}.wav" | grep -a -c -F -- "$m")"
done
x=$(as_user "$trainer" getfattr -d "$tagged" 2>&1)
assert_not_contains "training's getfattr -d has no user.recfs.opus_tags" "$x" "opus_tags"
assert_not_contains "training's getfattr -d shows no phone number" "$x" "$MARK_PHONE"
assert_fails_with "training: getfattr -n user.recfs.opus_tags is ENODATA" "No such attribute" \
	as_user "$trainer" getfattr -n user.recfs.opus_tags "$tagged"

# --- what the analysis level (details_level) sees --------------------------
want="VENDOR=$MARK_VENDOR
title=Call with $MARK_NAME +$MARK_PHONE
artist=$MARK_NAME
PHONE=+$MARK_PHONE
NOTE=$MARK_NOTE 1\\n$MARK_NOTE 2
ENCODER=$MARK_ENCODER
ENCODER_OPTIONS=$MARK_OPTIONS"
assert_eq "analysis reads the removed tags, one per line, the vendor string first, as user.recfs.opus_tags" \
	"$want" "$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.opus_tags "$tagged" 2>&1)"
assert_eq "user.recfs.opus_tags is empty on a file straight out of opusenc" "" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.opus_tags "$encoded" 2>&1)"
assert_contains "analysis's getfattr -d lists user.recfs.opus_tags" \
	"$(as_user "$analyst" getfattr -d "$tagged" 2>&1)" "user.recfs.opus_tags="
# listxattr decrypts nothing (issue 11), so it cannot tell an empty record
# from a full one: the attribute is there and empty.
assert_eq "user.recfs.opus_tags is empty on a file that had nothing to remove" "" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.opus_tags "$plain" 2>&1)"

# --- a detail longer than one attribute holds ------------------------------
crowd=$(as_user "$analyst" find "$MNT/by-date" -name "$(stamp "$t3")_*.opus")
staff=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.staff "$crowd" 2>&1)
n=$(printf '%s' "$staff" | wc -c)
[ "$n" -le 65536 ] && [ "$n" -gt 65530 ] && pass "256 staff names read cut to 64 KiB" ||
	fail "256 staff names read cut to 64 KiB" "$n bytes: ${staff:0:80}"
assert_eq "the cut value ends in ..." "..." "${staff: -3}"
assert_ok "the cut value is UTF-8 text" iconv -f UTF-8 -t UTF-8 <<<"$staff"
assert_contains "it starts with the first name" "${staff:0:20}" "000 ÄÄ"
assert_contains "analysis's getfattr -d lists user.recfs.staff" \
	"$(as_user "$analyst" getfattr -d "$crowd" 2>&1)" "user.recfs.staff="
assert_eq "a title of 1024 bytes reads whole" 1024 \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.title "$crowd" | wc -c)"

# --- the stored audio ------------------------------------------------------
as_user "$analyst" cat "$tagged" >"$T_TMP/stored.opus"
opusdec --quiet --no-dither --rate 48000 "$orig/tagged.opus" "$T_TMP/orig.raw" 2>/dev/null
opusdec --quiet --no-dither --rate 48000 "$T_TMP/stored.opus" "$T_TMP/stored.raw" 2>/dev/null
if [ -s "$T_TMP/orig.raw" ] && cmp -s "$T_TMP/orig.raw" "$T_TMP/stored.raw"; then
	pass "opusdec decodes the stored audio to the same samples as the recorder's file"
else
	fail "opusdec decodes the stored audio to the same samples as the recorder's file" "the PCM differs"
fi
orig_size=$(stat -c %s "$orig/tagged.opus")
stored_size=$(stat -c %s "$T_TMP/stored.opus")
[ "$stored_size" -lt "$orig_size" ] && pass "the stored audio is smaller by its removed tags" ||
	fail "the stored audio is smaller by its removed tags" "$stored_size of $orig_size bytes"
rid=$(q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$t1" +%s)")
assert_eq "the catalog records the stored size" "$stored_size" \
	"$(q "SELECT size FROM artifact WHERE recording = '$rid' AND role = 'audio'")"
assert_eq "the mount shows the stored size" "$stored_size" "$(as_user "$trainer" stat -c %s "$tagged")"
assert_eq "a file with a gain and libopus's vendor string only is stored byte for byte" \
	"$(sha256sum <"$orig/plain.opus")" "$(as_user "$trainer" cat "$plain" | sha256sum)"

# The WAV view: a 44-byte header (RIFF, fmt, data) and samples, no LIST/INFO.
wav=${tagged%.opus}.wav
# wav_bytes OFFSET COUNT: bytes of the view's header, as training reads it.
wav_bytes() { as_user "$trainer" head -c 44 "$wav" | tail -c +$(($1 + 1)) | head -c "$2"; }
assert_eq "the WAV view's header is RIFF/WAVE/fmt/data" "RIFF WAVEfmt  data" \
	"$(wav_bytes 0 4) $(wav_bytes 8 8) $(wav_bytes 36 4)"
assert_eq "the WAV view holds no LIST or INFO chunk" 0 \
	"$(as_user "$trainer" cat "$wav" | grep -a -c -e LIST -e INFO)"
assert_eq "the WAV view is its header and the samples, no more" \
	"$((44 + $(stat -c %s "$T_TMP/orig.raw")))" "$(as_user "$trainer" stat -c %s "$wav")"

# --- the subject's own copy (Art. 15) keeps the tags, sealed no more -------
unmount_recfs "$MNT"
H=$(q "SELECT handle FROM link WHERE recording = '$rid'")
assert_ok "recctl subject export of the caller" "$RECCTL" subject export "$H" "$T_TMP/export" -R "$REG" \
	--level-keyring "$KEYS/privacy.keyring"
v=$(find "$T_TMP/export/$H" -name '*.vcon.json' | head -n 1)
assert_eq "the export's vCon lists the tags taken out of the audio" "$want" \
	"$(jq -r '.recfs.opus_tags | map(gsub("\n"; "\\n")) | .[]' "$v" 2>&1)"
assert_ok "the exported audio is the stored one" cmp "$T_TMP/stored.opus" \
	"$(find "$T_TMP/export/$H" -name '*.opus' | head -n 1)"
rm -rf "$T_TMP/export"

# --- nothing in the clear under the register -------------------------------
for m in "$MARK_PHONE" "Åkerlund" "Jöns" "$MARK_NOTE" "Pirkko" "Kalle" "kalle@example.fi"; do
	assert_eq "grep -a of every file under the register: no '$m'" "" \
		"$(grep -a -r -l -F -- "$m" "$REG")"
done

# --- a malformed OpusTags header is quarantined ----------------------------
# plain.opus with its OpusTags packet replaced by one whose comment is not
# UTF-8 text; every page kept whole, the CRC set again.
opus_retag "$orig/plain.opus" "$spool/bad.opus" libopus set $'TITLE=\xff\xfe' || t_abort "opus_retag" "cannot retag"
printf '{"recorded_at": "%s", "source": "customer-service", "audio": "bad.opus"}\n' "$t1" >"$spool/bad.json"
assert_exit "recctl ingest of a file with a malformed OpusTags header exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/bad.json"
assert_file "the manifest is quarantined" "$(quarantine_of bad.json)/bad.json"
assert_contains "error.txt says what is wrong with the OpusTags header" \
	"$(cat "$(quarantine_of bad.json)/error.txt" 2>/dev/null)" "OpusTags header holds a comment that is not UTF-8 text"
# The same for a vendor string that is not UTF-8 text.
opus_retag "$orig/plain.opus" "$spool/badv.opus" $'Pirkko \xff' keep || t_abort "opus_retag" "cannot retag"
printf '{"recorded_at": "%s", "source": "customer-service", "audio": "badv.opus"}\n' "$t1" >"$spool/badv.json"
assert_exit "recctl ingest of a file whose vendor string is not UTF-8 text exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/badv.json"
assert_contains "error.txt says what is wrong with the vendor string" \
	"$(cat "$(quarantine_of badv.json)/error.txt" 2>/dev/null)" "OpusTags header has a vendor string that is not UTF-8 text"

# --- a title longer than ingest takes is quarantined -------------------------
python3 - "$spool/long.json" "$t1" <<'EOF'
import json, sys
json.dump({"recorded_at": sys.argv[2], "source": "customer-service", "audio": "long.opus",
           "title": "\u00c4" * 150000}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
cp "$orig/plain.opus" "$spool/long.opus"
assert_exit "recctl ingest of a title of 300,000 bytes exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/long.json"
assert_contains "error.txt names the title and its limit" \
	"$(cat "$(quarantine_of long.json)/error.txt" 2>/dev/null)" "title is longer than 1024 bytes"

t_done
