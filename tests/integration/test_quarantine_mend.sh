#!/bin/bash
# A manifest mended in its quarantine folder (recfs-manifest(5): "Correct
# it there and ingest it again") leaves no plaintext behind:
#  1. ingested from there without --remove-inputs, its manifest and audio
#     are removed and the folder erased (quarantine-erase ... ok ingested),
#     so that erasing the recording on the mount leaves nothing of it in
#     the clear, and fsck no longer lists it;
#  2. refused again, it stays in its own folder with the new reason (no
#     second folder, no husk of the first), and error.txt keeps the time
#     quarantine_retention counts from; mended once more, it goes;
#  3. files in the folder that the manifest does not name stay, and
#     recctl says so;
#  4. a folder an older recfs left with a manifest it ingested from there
#     is a problem to fsck with the blind-index key (the rights keyring),
#     and ingesting it again (a duplicate) erases it.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
trap t_cleanup EXIT

# manifest DIR STEM SOURCE: DIR/STEM.json with the mono fixture as its
# audio DIR/STEM.opus and a subject named "Mend STEM Person", each on a
# day of its own (the same audio, time and source would be a duplicate).
DAY=0
manifest()
{
	mkdir -p "$1"
	cp "$FIX/mono.opus" "$1/$2.opus"
	DAY=$((DAY + 1))
	printf '{"recorded_at": "2026-04-%02dT09:30:00Z", "source": "%s", "title": "Mend %s",
 "subjects": [{"role": "customer", "name": "Mend %s Person"}], "audio": "%s.opus"}\n' \
		"$DAY" "$3" "$2" "$2" "$2" >"$1/$2.json"
}
ingest() { "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$@"; }
n_folders() { find "$REG/quarantine" -mindepth 1 -maxdepth 1 | wc -l; }

make_register "$T_TMP/a"
SP=$T_TMP/spool

# --- 1. mended and ingested without --remove-inputs -------------------------
manifest "$SP" x15 no-such-source
assert_exit "1: a manifest naming an unknown source is quarantined" 1 ingest "$SP/x15.json"
QX=$(quarantine_of x15.json) || t_abort "1" "x15.json is not in quarantine"
qx=${QX##*/}
assert_file "1: with its audio" "$QX/x15.opus"
sed -i 's/no-such-source/customer-service/' "$QX/x15.json"
assert_ok "1: the mended manifest is ingested from its folder" ingest -v "$QX/x15.json"
rid=$(printf '%s\n' "$T_OUT" | sed -n 's/^x15.json: ingested \([0-9a-f]*\)$/\1/p')
assert_contains "1: which says its folder is erased" "$T_OUT" "x15.json: ingested from quarantine; its folder $qx is erased"
assert_no_file "1: the manifest is gone" "$QX/x15.json"
assert_no_file "1: the audio is gone" "$QX/x15.opus"
assert_no_file "1: the folder is gone" "$QX"
assert_eq "1: the quarantine is empty" 0 "$(n_folders)"
assert_match "1: the erasure is audited" "$("$RECCTL" audit show -R "$REG")" " quarantine-erase $qx ok ingested"
assert_ok "1: fsck" "$RECCTL" fsck -R "$REG"
assert_not_contains "1: fsck no longer lists it" "$T_OUT" "$qx"
# The recording erased on the mount: nothing of it is left in the clear.
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_recfs "$REG" "$MNT" "$KEYS/privacy.keyring" || t_abort "mount" "cannot mount"
f=$(as_user "$dpo" find "$MNT" -name "*_${rid:0:8}.opus" | head -n 1)
[ -n "$f" ] || t_abort "1" "recording ${rid:0:8} not found on the mount"
assert_ok "1: the recording is erased on the mount" as_user "$dpo" rm "$f"
unmount_recfs "$MNT"
assert_eq "1: no file of the register names its subject" "" "$(grep -rl 'Mend x15 Person' "$REG" 2>/dev/null)"

# --- 2. refused again: it stays in its folder -------------------------------
manifest "$SP" y16 no-such-source
assert_exit "2: quarantined" 1 ingest "$SP/y16.json"
QY=$(quarantine_of y16.json) || t_abort "2" "y16.json is not in quarantine"
qy=${QY##*/}
touch -d "3 days ago" "$QY/error.txt"
# "Mended" into another mistake: a role no manifest may give.
sed -i 's/no-such-source/customer-service/; s/"customer"/"boss"/' "$QY/y16.json"
assert_exit "2: refused again" 1 ingest "$QY/y16.json"
assert_match "2: still quarantined in its folder" "$T_OUT" "y16.json: still quarantined in .*/$qy: "
assert_eq "2: one folder in quarantine" 1 "$(n_folders)"
assert_file "2: the manifest is still in it" "$QY/y16.json"
assert_file "2: and its audio" "$QY/y16.opus"
assert_contains "2: error.txt has the new reason" "$(cat "$QY/error.txt" 2>&1)" "role"
assert_not_contains "2: not the old one" "$(cat "$QY/error.txt" 2>&1)" "no-such-source"
assert_eq "2: manifest-name.txt names it" "y16.json" "$(cat "$QY/manifest-name.txt" 2>&1)"
assert_ok "2: fsck" "$RECCTL" fsck -R "$REG"
assert_contains "2: lists it once, as old as its first refusal" "$T_OUT" "quarantined: $qy (y16.json), 3 days old"
assert_eq "2: and nothing else in quarantine" 1 "$(printf '%s\n' "$T_OUT" | grep -c '^quarantined: ')"
assert_eq "2: both refusals are audited under its id" 2 \
	"$("$RECCTL" audit show -R "$REG" | grep -c " quarantine $qy refused")"
sed -i 's/"boss"/"customer"/' "$QY/y16.json"
assert_ok "2: mended at last, it is ingested" ingest "$QY/y16.json"
assert_no_file "2: and its folder erased" "$QY"
assert_eq "2: the quarantine is empty" 0 "$(n_folders)"

# --- 3. a file it does not name stays, and recctl says so --------------------
manifest "$SP" z17 no-such-source
assert_exit "3: quarantined" 1 ingest "$SP/z17.json"
QZ=$(quarantine_of z17.json) || t_abort "3" "z17.json is not in quarantine"
qz=${QZ##*/}
echo "operator's notes" >"$QZ/notes.txt"
sed -i 's/no-such-source/customer-service/' "$QZ/z17.json"
assert_ok "3: ingested from its folder" ingest "$QZ/z17.json"
assert_contains "3: with a word of the files left" "$T_OUT" \
	"z17.json: ingested from quarantine, but its folder $qz keeps files the manifest does not name"
assert_no_file "3: its manifest is gone" "$QZ/z17.json"
assert_no_file "3: its audio is gone" "$QZ/z17.opus"
assert_file "3: the other file stays" "$QZ/notes.txt"
rm -r "$QZ"

# --- 4. what an older recfs left: an ingested manifest in its folder ---------
manifest "$SP" w18 no-such-source
assert_exit "4: quarantined" 1 ingest "$SP/w18.json"
QW=$(quarantine_of w18.json) || t_abort "4" "w18.json is not in quarantine"
qw=${QW##*/}
sed -i 's/no-such-source/customer-service/' "$QW/w18.json"
cp -a "$QW" "$T_TMP/w18.kept"
assert_ok "4: ingested from its folder" ingest "$QW/w18.json"
# As recfs before this left it: the folder whole.
cp -a "$T_TMP/w18.kept" "$QW"
assert_ok "4: fsck without the blind-index key cannot tell" "$RECCTL" fsck -R "$REG"
assert_exit "4: fsck with it finds a problem" 1 "$RECCTL" fsck -R "$REG" --keyring "$KEYS/privacy.keyring"
assert_match "4: the folder holds an ingested manifest" "$T_OUT" \
	"quarantined $qw \(w18.json\) holds the manifest of recording [0-9a-f]{8}, already ingested"
assert_ok "4: ingested again, a duplicate" ingest -v "$QW/w18.json"
assert_contains "4: which erases the folder" "$T_OUT" "w18.json: ingested from quarantine; its folder $qw is erased"
assert_no_file "4: the folder is gone" "$QW"
assert_ok "4: fsck with the key is clean" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/privacy.keyring"

t_done
