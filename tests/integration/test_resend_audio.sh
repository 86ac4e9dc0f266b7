#!/bin/bash
# A recorder that sends a manifest again under another audio file name (a
# retry under a new temporary name: the same audio bytes, recorded_at and
# source) must not bring a restricted or an erased call back: the manifest
# is a duplicate of the recording it holds, by `recctl ingest` and through
# the spool (`recctl watch`), and the level below the restriction reads no
# copy of it.  A real mount, real users of two levels, real Opus.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 23 --meetings 0
"$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool"/*.json >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

recs() { q "SELECT count(*) FROM recording"; }
# manifest_of RID: the spool's manifest that became recording RID.
manifest_of() { printf '%s/%s\n' "$spool" "$(sed -n "s/^\(.*\.json\): ingested $1\$/\1/p" "$T_TMP/ingest.out")"; }
# resend MANIFEST DIR NAME: MANIFEST again as DIR/NAME.json, its audio
# copied (the same bytes) to DIR/NAME.opus and named so; its attachments
# copied under their own names.  Written as a recorder does: the files
# first, the manifest renamed into place last.
resend()
{
	local m=$1 dir=$2 name=$3
	python3 - "$m" "$dir" "$name" <<'EOF'
import json, os, shutil, sys
m, d, name = sys.argv[1:4]
src = os.path.dirname(m)
j = json.load(open(m, encoding="utf-8"))
shutil.copyfile(os.path.join(src, j["audio"]), os.path.join(d, name + ".opus"))
j["audio"] = name + ".opus"
for a in j.get("attachments") or []:
    shutil.copyfile(os.path.join(src, a["file"]), os.path.join(d, a["file"]))
with open(os.path.join(d, "." + name + ".tmp"), "w", encoding="utf-8") as f:
    json.dump(j, f, ensure_ascii=False)
os.rename(os.path.join(d, "." + name + ".tmp"), os.path.join(d, name + ".json"))
EOF
}
# readable_copies USER STEM: how many files of the mount named STEM_* (a
# recording's time and source) USER can read.
readable_copies()
{
	local n=0 f
	while IFS= read -r f; do
		as_user "$1" cat "$f" >/dev/null 2>&1 && n=$((n + 1))
	done < <(as_user "$dpo" find "$MNT/by-date" -name "$2_*.opus")
	echo "$n"
}

# The trainer's calls (purpose quality: every level holds seals).
mapfile -t calls < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort)
[ ${#calls[@]} -ge 4 ] || t_abort "data" "too few recordings the training level reads"
f=${calls[0]}
rid=$(rid_of "$f")
m=$(manifest_of "$rid")
[ -n "$rid" ] && [ -f "$m" ] || t_abort "data" "no manifest for $f"
stem=$(basename "$f" .opus)
stem=${stem%_*}
assert_eq "the training level reads the call before" 1 "$(readable_copies "$trainer" "$stem")"

# --- restricted (Art. 18) by chmod 0, then sent again ---------------------------
assert_ok "privacy: restrict the call by chmod 0" as_user "$dpo" chmod 0 "$f"
assert_eq "the training level reads it no more" 0 "$(readable_copies "$trainer" "$stem")"
before=$(recs)
mkdir -p "$T_TMP/retry"
resend "$m" "$T_TMP/retry" "tmp-4711"
out=$("$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/tmp-4711.json" 2>&1)
assert_match "recctl ingest: the same audio under another name is a duplicate of the call" "$out" \
	"tmp-4711.json: duplicate of $rid \\(the same audio, recorded_at and source\\)"
assert_match "counted as a duplicate" "$out" "^ingested 0, duplicate 1, quarantined 0"
assert_eq "no new recording" "$before" "$(recs)"
assert_eq "the training level reads no copy of the restricted call" 0 "$(readable_copies "$trainer" "$stem")"
assert_eq "one recording of that time on the mount" 1 \
	"$(as_user "$dpo" find "$MNT/by-date" -name "${stem}_*.opus" | wc -l)"
json=$("$RECCTL" ingest --json -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/tmp-4711.json" 2>&1)
assert_eq "--json says duplicate, of the call, and why" \
	"duplicate $rid the same audio, recorded_at and source" \
	"$(printf '%s' "$json" | python3 -c 'import json, sys
m = json.load(sys.stdin)["manifests"][0]
print(m["status"], m["recording"], m["reason"])')"

# --- through the spool ------------------------------------------------------------
WLOG=$T_TMP/watch.log
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" 2>>"$WLOG" &
T_DAEMONS+=("$!")
for _ in $(seq 1 100); do grep -q "watching" "$WLOG" 2>/dev/null && break; sleep 0.1; done
resend "$m" "$REG/spool" "dup2"
for _ in $(seq 1 150); do [ ! -e "$REG/spool/dup2.json" ] && break; sleep 0.1; done
assert_match "watch: a duplicate of the call, by its audio" "$(cat "$WLOG")" \
	"duplicate m-[0-9a-f]{8} -> $rid \\(the same audio, recorded_at and source\\)"
assert_eq "watch: the spool is emptied (the re-sent inputs removed)" 0 \
	"$(find "$REG/spool" -mindepth 1 -maxdepth 1 -name 'dup2*' | wc -l)"
assert_eq "watch: no new recording" "$before" "$(recs)"
assert_eq "watch: the training level still reads no copy" 0 "$(readable_copies "$trainer" "$stem")"

# --- erased, then sent again ------------------------------------------------------
g=${calls[1]}
rid2=$(rid_of "$g")
m2=$(manifest_of "$rid2")
stem2=$(basename "$g" .opus)
stem2=${stem2%_*}
[ -f "$m2" ] || t_abort "data" "no manifest for $g"
assert_ok "privacy: erase another call (rm)" as_user "$dpo" rm "$g"
assert_eq "erased" "" "$(q "SELECT id FROM recording WHERE id = '$rid2'")"
before=$(recs)
resend "$m2" "$T_TMP/retry" "tmp-4712"
out=$("$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/tmp-4712.json" 2>&1)
assert_match "an erased call sent again under another name is a duplicate, not a new recording" "$out" \
	"tmp-4712.json: duplicate of $rid2"
assert_eq "no recording comes back" "$before" "$(recs)"
assert_eq "no copy of the erased call on the mount" 0 \
	"$(as_user "$dpo" find "$MNT/by-date" -name "${stem2}_*.opus" | wc -l)"

# --- under a legal hold, then sent again --------------------------------------------
h=${calls[2]}
rid3=$(rid_of "$h")
m3=$(manifest_of "$rid3")
[ -f "$m3" ] || t_abort "data" "no manifest for $h"
assert_ok "privacy: a legal hold on a third call" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "case 9" "$h"
before=$(recs)
resend "$m3" "$T_TMP/retry" "tmp-4713"
out=$("$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/tmp-4713.json" 2>&1)
assert_match "a held call sent again under another name is a duplicate of it" "$out" \
	"tmp-4713.json: duplicate of $rid3 \\(the same audio"
assert_eq "no copy free of the hold" "$before" "$(recs)"

# --- a call an older recfs ingested: no audio key until fsck --repair -----------------
# An older recfs kept no audio key (its ingest keys were the manifest's bytes
# and content): the call's keys are dropped here to make one.  Sent again
# under another name, it would be a new recording, free
# of the restriction; `recctl fsck` with the rights keyring (which holds the
# index key) finds it, and --repair keys its audio.
k=${calls[3]}
rid4=$(rid_of "$k")
m4=$(manifest_of "$rid4")
stem4=$(basename "$k" .opus)
stem4=${stem4%_*}
[ -f "$m4" ] || t_abort "data" "no manifest for $k"
assert_ok "privacy: restrict a fourth call by chmod 0" as_user "$dpo" chmod 0 "$k"
q "DELETE FROM ingest_key WHERE recording = '$rid4'"
assert_eq "the call has no ingest key left" 0 "$(q "SELECT count(*) FROM ingest_key WHERE recording = '$rid4'")"
out=$("$RECCTL" fsck -R "$REG" --keyring "$KEYS/privacy.keyring" 2>&1)
st=$?
assert_match "fsck names the recording without an audio key" "$out" \
	"problem: recording $rid4 has no audio key \\(an older recfs ingested it\\)"
assert_eq "fsck names no other recording" 1 "$(printf '%s\n' "$out" | grep -c 'has no audio key')"
assert_eq "fsck exits 1 on it" 1 "$st"
out=$("$RECCTL" fsck --repair -R "$REG" --keyring "$KEYS/privacy.keyring" 2>&1)
assert_match "fsck --repair counts it repaired" "$out" "[1-9][0-9]* repaired"
assert_eq "its audio key is added" 1 "$(q "SELECT count(*) FROM ingest_key WHERE recording = '$rid4'")"
assert_match "logged as one fsck-repair" "$("$RECCTL" audit show -R "$REG" 2>&1)" "fsck-repair.*audio-keys=1"
out=$("$RECCTL" fsck -R "$REG" --keyring "$KEYS/privacy.keyring" 2>&1)
assert_not_contains "fsck finds no recording without an audio key after it" "$out" "has no audio key"
before=$(recs)
python3 - "$m4" "$T_TMP/retry/retitled.json" <<'EOF'
import json, os, shutil, sys
m, out = sys.argv[1:3]
j = json.load(open(m, encoding="utf-8"))
d = os.path.dirname(out)
shutil.copyfile(os.path.join(os.path.dirname(m), j["audio"]), os.path.join(d, "tmp-4714.opus"))
j["audio"] = "tmp-4714.opus"
j.pop("attachments", None)
json.dump(j, open(out, "w", encoding="utf-8"))
EOF
out=$("$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/retitled.json" 2>&1)
assert_match "after the repair, the old call sent again is a duplicate of it" "$out" \
	"retitled.json: duplicate of $rid4 \\(the same audio"
assert_eq "no copy free of the restriction" "$before" "$(recs)"

# --- another call's audio is still another recording ------------------------------
# The same audio at another time is another recording (a recorder that
# reuses a file is its business): taken, as before.
python3 - "$m" "$T_TMP/retry/later.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
t = j["recorded_at"]
j["recorded_at"] = t[:17] + ("%02d" % ((int(t[17:19]) + 1) % 60)) + t[19:]
j["audio"] = "tmp-4711.opus"
j.pop("attachments", None)
json.dump(j, open(sys.argv[2], "w", encoding="utf-8"))
EOF
out=$("$RECCTL" ingest -v -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/retry/later.json" 2>&1)
assert_match "the same audio a second later is ingested" "$out" "later.json: ingested [0-9a-f]{32}"
# Once the mount shows every recording (the one just ingested too), it
# would show a copy of the restricted fourth call as well.
for _ in $(seq 1 100); do
	[ "$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l)" -eq "$(recs)" ] && break
	sleep 0.1
done
assert_eq "the mount shows every recording" "$(recs)" "$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l)"
assert_eq "the training level reads no copy of the restricted fourth call" 0 "$(readable_copies "$trainer" "$stem4")"

t_done
