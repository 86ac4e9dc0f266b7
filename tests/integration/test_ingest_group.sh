#!/bin/bash
# `recctl ingest` of many manifests works in groups (ingest_manifests):
# the blobs of a group are made durable together and its recordings are
# committed in one catalog transaction, one savepoint each.  This checks
# what must still hold of each recording:
#  1. a group of 9 with a bad manifest in the middle: the 8 others are
#     ingested, each with its own audit entry; the bad one is quarantined
#     with its error; the same manifest twice in the group is ingested
#     once, the second a duplicate of the first;
#  2. the catalog's commit is paid once a group, not once a recording: a
#     call of 10 manifests syncs the catalog's WAL at most twice (strace);
#     the audio keys are hashed on one thread a group (macpipe.h), and a
#     group that writes no audio (the same 10 again) starts none;
#  3. recctl killed (SIGKILL, by strace at its Nth fdatasync or fsync) at
#     points through a group's flushes, its commit and the checkpoint after
#     it: the group's
#     recordings are all in the register or none are, every one in it has
#     its blob, fsck --repair --grace 0 leaves fsck clean, and ingesting the
#     same manifests again completes the register;
#  4. the same manifest twice and the group's commit failing (strace
#     injects ENOSPC): neither is taken for a duplicate of the undone
#     recording, every input stays for the next run;
#  5. a careless recorder's group (two manifests naming one audio file, a
#     manifest that is a symbolic link, one whose audio has vanished):
#     each recording is wholly in or quarantined with its own error and
#     audit entry, and the others keep what they need.
# Parts 2 to 4 need strace; without it they are skipped.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
trap t_cleanup EXIT

# manifests DIR N [BAD]: N good manifests DIR/mNN.json with the mono
# fixture as audio; manifest number BAD (when given) names a source that
# the policy lacks.  The title makes each one new.
manifests()
{
	mkdir -p "$1"
	python3 - "$1" "$2" "${3:-0}" "$FIX/mono.opus" <<'PY' || t_abort "manifests" "cannot write manifests"
import json, os, shutil, sys
out, n, bad, audio = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for i in range(1, n + 1):
    stem = "m%02d" % i
    shutil.copyfile(audio, os.path.join(out, stem + ".opus"))
    m = {"recorded_at": "2026-03-%02dT10:%02d:00Z" % (1 + i % 27, i % 60),
         "source": "no-such-source" if i == bad else "customer-service",
         "title": "Group test %s %d" % (os.path.basename(out), i),
         "subjects": [{"role": "customer", "name": "Group Person %d" % i}], "audio": stem + ".opus"}
    json.dump(m, open(os.path.join(out, stem + ".json"), "w"))
PY
}
n_rec() { q "SELECT count(*) FROM recording"; }

# --- 1. a bad manifest in the middle of a group -----------------------------
make_register "$T_TMP/a"
manifests "$T_TMP/s1" 8 5
# The same bytes as m02 under another name: a duplicate inside the group.
cp "$T_TMP/s1/m02.json" "$T_TMP/s1/m09.json"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --json "$T_TMP"/s1/m0*.json >"$T_TMP/g1.json" 2>"$T_TMP/g1.err"
assert_eq "1: exit status 1 (one quarantined)" 1 "$?"
summary=$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
st = {m["manifest"]: m["status"] for m in o["manifests"]}
rec = {m["manifest"]: m.get("recording") for m in o["manifests"]}
print(o["ingested"], o["duplicate"], o["quarantined"], o["failed"], st["m05.json"], st["m09.json"],
      rec["m09.json"] == rec["m02.json"])' "$T_TMP/g1.json")
assert_eq "1: 7 ingested, 1 duplicate, 1 quarantined; m05 quarantined, m09 a duplicate of m02" \
	"7 1 1 0 quarantined duplicate True" "$summary"
assert_eq "1: 7 recordings in the catalog" 7 "$(n_rec)"
assert_eq "1: one audit entry per recording" 7 "$(q "SELECT count(*) FROM audit WHERE action='ingest' AND outcome='ok'")"
assert_eq "1: the quarantine is audited" 1 "$(q "SELECT count(*) FROM audit WHERE action='quarantine'")"
qd=$(quarantine_of m05.json)
assert_ok "1: m05 is in quarantine" test -n "$qd"
assert_contains "1: its error.txt names the problem" "$(cat "$qd/error.txt" 2>/dev/null)" "unknown source"
assert_ok "1: fsck is clean" "$RECCTL" fsck -R "$REG" --grace 0

# --- 5. a careless recorder's group ---------------------------------------------
# In one group: m01 and m02 name the same audio file (m01.opus); m03 is a
# symbolic link to m04, a good manifest; m05's audio has vanished.  Each
# recording is wholly in or out: m01, m02 and m04 are ingested, each with
# its audit entry; m03 and m05 are quarantined, each with its own error and
# its own audit entry; the quarantine takes nothing the others need.
make_register "$T_TMP/e"
manifests "$T_TMP/s5" 5
python3 - "$T_TMP/s5" <<'PY' || t_abort "5" "cannot edit manifests"
import json, os, sys
d = sys.argv[1]
def edit(stem, audio):
    p = os.path.join(d, stem + ".json")
    m = json.load(open(p))
    m["audio"] = audio
    json.dump(m, open(p, "w"))
edit("m02", "m01.opus")
PY
rm "$T_TMP/s5/m02.opus" "$T_TMP/s5/m05.opus" "$T_TMP/s5/m03.json" "$T_TMP/s5/m03.opus"
ln -s m04.json "$T_TMP/s5/m03.json"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --json "$T_TMP"/s5/m0*.json >"$T_TMP/g5.json" 2>"$T_TMP/g5.err"
assert_eq "5: exit status 1 (two quarantined)" 1 "$?"
assert_eq "5: m01 m02 m04 ingested, m03 and m05 quarantined" \
	"m01.json:ingested m02.json:ingested m03.json:quarantined m04.json:ingested m05.json:quarantined" \
	"$(python3 -c '
import json, sys
print(" ".join("%s:%s" % (m["manifest"], m["status"]) for m in json.load(open(sys.argv[1]))["manifests"]))' \
	"$T_TMP/g5.json")"
assert_eq "5: 3 recordings, each with its audio" "3 3" \
	"$(n_rec) $(q "SELECT count(*) FROM artifact WHERE role='audio'")"
assert_eq "5: one audit entry per recording" 3 "$(q "SELECT count(*) FROM audit WHERE action='ingest' AND outcome='ok'")"
assert_eq "5: one audit entry per quarantined manifest" 2 \
	"$(q "SELECT count(DISTINCT object) FROM audit WHERE action='quarantine' AND outcome='refused'")"
# The link is not moved into the register (no name that is not a regular
# file is): its folder is the one whose manifest-name.txt names it.
q3=$(for d in "$REG"/quarantine/*/; do grep -qx 'm03.json' "${d}manifest-name.txt" 2>/dev/null && echo "${d%/}"; done)
assert_eq "5: the link is neither in its quarantine folder nor in the spool" "no no" \
	"$([ -L "$q3/m03.json" ] && echo yes || echo no) $([ -L "$T_TMP/s5/m03.json" ] && echo yes || echo no)"
q5=$(quarantine_of m05.json)
assert_contains "5: the link's error.txt says it is a link" "$(cat "$q3/error.txt" 2>/dev/null)" "symbolic link"
assert_contains "5: m05's error.txt names its missing audio" "$(cat "$q5/error.txt" 2>/dev/null)" "audio"
assert_ok "5: the link and m05 each have a folder of their own" test -n "$q3" -a -n "$q5" -a "$q3" != "$q5"
assert_ok "5: the shared audio and m04 stay in the spool" test -f "$T_TMP/s5/m01.opus" -a -f "$T_TMP/s5/m04.json"
assert_ok "5: fsck is clean" "$RECCTL" fsck -R "$REG" --grace 0

if ! command -v strace >/dev/null; then
	echo "# strace is missing: parts 2 to 4 skipped"
	t_done
	exit
fi
# traced STRACE-ARGS... COMMAND...: strace -f -qq.  LeakSanitizer cannot run
# under ptrace: in a sanitizer build its fatal error would end the command
# with status 1 and its standard output unflushed, so it is off here.
traced()
{
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq "$@"
}

# --- 2. the WAL is synced once a group ----------------------------------------
make_register "$T_TMP/b"
manifests "$T_TMP/s2" 10
traced -y -e trace=fsync,fdatasync,clone,clone3 -o "$T_TMP/s2.trace" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP"/s2/*.json >/dev/null 2>&1
assert_eq "2: all 10 ingested" 10 "$(n_rec)"
assert_eq "2: one thread hashes the audio keys of the group of 10" 1 "$(grep -c 'CLONE_THREAD' "$T_TMP/s2.trace")"
traced -e trace=clone,clone3 -o "$T_TMP/s2-again.trace" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP"/s2/*.json >/dev/null 2>&1
assert_eq "2: the same 10 again are duplicates" 10 "$(n_rec)"
assert_eq "2: a group that writes no audio starts no thread" 0 "$(grep -c 'CLONE_THREAD' "$T_TMP/s2-again.trace")"
# One sync for the group's commit, two for the checkpoint when recctl closes
# the catalog; one commit a recording made that 12 or more.
wal=$(grep -c 'catalog.db-wal>' "$T_TMP/s2.trace")
echo "# WAL syncs for 10 manifests: $wal"
assert_ok "2: the catalog's WAL synced at most 4 times for 10 manifests (was once per recording)" \
	test "$wal" -le 4

# --- 3. recctl killed in the middle of a group ----------------------------------
# killed_at NAME STRACE-ARGS...: recctl ingest of a fresh group of 10,
# killed by strace where STRACE-ARGS say; then the checks.
killed_at()
{
	local name=$1 n
	shift
	make_register "$T_TMP/c-$name"
	rm -rf "$T_TMP/s3" && manifests "$T_TMP/s3" 10
	traced -o /dev/null "$@" \
		"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP"/s3/*.json >/dev/null 2>&1
	n=$(n_rec)
	echo "# killed at $name: $n recordings committed"
	assert_ok "3 $name: the group is wholly in the register or not at all ($n of 10)" \
		test "$n" -eq 0 -o "$n" -eq 10
	assert_eq "3 $name: every committed recording has its blob" 0 \
		"$(q "SELECT id FROM artifact" | while read -r id; do
			[ -e "$REG/blobs/${id:0:2}/$id" ] || echo "$id"; done | wc -l)"
	assert_ok "3 $name: fsck --repair --grace 0" "$RECCTL" fsck -R "$REG" --repair --grace 0
	assert_ok "3 $name: fsck is clean after the repair" "$RECCTL" fsck -R "$REG" --grace 0
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP"/s3/*.json >/dev/null 2>&1
	assert_eq "3 $name: ingesting again completes the register" 10 "$(n_rec)"
	assert_ok "3 $name: fsck is clean at the end" "$RECCTL" fsck -R "$REG" --grace 0
}
# The group's syncs: its 10 blobs (fdatasync), then their folders (fsync),
# then the catalog's commit (fdatasync of the WAL).
for k in 1 5 10; do
	killed_at "blob sync $k" -e trace=fdatasync -e inject=fdatasync:signal=KILL:when="$k"
done
killed_at "folder sync 3" -e trace=fsync -e inject=fsync:signal=KILL:when=3
killed_at "the first WAL sync" -P "$T_TMP/c-the first WAL sync/reg/catalog.db-wal" -e trace=fdatasync \
	-e inject=fdatasync:signal=KILL:when=1
# After the commit: at the checkpoint's sync of catalog.db, as recctl closes.
killed_at "the checkpoint" -P "$T_TMP/c-the checkpoint/reg/catalog.db" -e trace=fdatasync \
	-e inject=fdatasync:signal=KILL:when=1

# --- 4. the same manifest twice, and the group's commit fails -------------------
# m02.json and m09.json are the same bytes, so they name the same files.
# The commit's first write to the WAL fails (ENOSPC, injected by strace):
# no recording is in the register, so neither manifest may be reported a
# duplicate (a duplicate's inputs are removed, here m01.opus with them);
# both are left in place, and the next run ingests the recording once.
make_register "$T_TMP/d"
manifests "$T_TMP/s4" 2
cp "$T_TMP/s4/m02.json" "$T_TMP/s4/m09.json"
traced -o /dev/null -P "$T_TMP/d/reg/catalog.db-wal" -e trace=pwrite64 \
	-e inject=pwrite64:error=ENOSPC:when=1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --remove-inputs --json \
	"$T_TMP"/s4/m0*.json >"$T_TMP/g4.json" 2>"$T_TMP/g4.err"
assert_eq "4: exit status 1 (the commit failed)" 1 "$?"
assert_eq "4: no recording committed" 0 "$(n_rec)"
assert_eq "4: every manifest failed, none a duplicate of what is not there" "failed failed failed" \
	"$(python3 -c '
import json, sys
print(" ".join(m["status"] for m in json.load(open(sys.argv[1]))["manifests"]))' "$T_TMP/g4.json")"
assert_eq "4: every input is left in place" "m01.json m01.opus m02.json m02.opus m09.json" \
	"$(ls -A "$T_TMP/s4" | xargs)"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --remove-inputs "$T_TMP"/s4/m0*.json >/dev/null 2>&1
assert_eq "4: the next run ingests the two recordings" 2 "$(n_rec)"
assert_eq "4: and removes every input" "" "$(ls -A "$T_TMP/s4" | xargs)"
assert_ok "4: fsck is clean" "$RECCTL" fsck -R "$REG" --grace 0

t_done
