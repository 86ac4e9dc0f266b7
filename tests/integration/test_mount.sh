#!/bin/bash
# The mount (issue 3): real users of each level, real commands, exact
# errnos, live updates, and a policy with other level names.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 40 --seed 3
ingest_spool "$spool"

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
nobody=$(make_plain_user nolevel)

MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# The mount's kernel read-ahead, raised by the daemon once INIT is done.
ra=/sys/class/bdi/$(mountpoint -d "$MNT")/read_ahead_kb
for _ in $(seq 1 20); do
	[ "$(cat "$ra" 2>/dev/null)" = 1024 ] && break
	sleep 0.05
done
assert_eq "recfs raises the mount's read-ahead to 1 MiB" 1024 "$(cat "$ra" 2>/dev/null)"

sealed_audio() {
	q "SELECT count(*) FROM artifact a JOIN seal s ON s.object = a.id WHERE a.role = 'audio' AND s.level = '$1'"
}

# --- the tree --------------------------------------------------------------
assert_file "README.txt at the root" "$MNT/README.txt"
assert_contains "README.txt is the register notice" "$(cat "$MNT/README.txt")" "Tamro Oyj"
for u in "$trainer" "$analyst" "$dpo"; do
	assert_ok "ls -lR as $u" as_user "$u" ls -lR "$MNT"
done
n_all=$(q "SELECT count(*) FROM recording")
assert_eq "privacy sees every recording in by-date" "$n_all" \
	"$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l)"
assert_eq "analysis sees the recordings its level holds seals on" "$(sealed_audio analysis)" \
	"$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | wc -l)"
n_train=$(sealed_audio training)
assert_eq "training sees the recordings its level holds seals on" "$n_train" \
	"$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | wc -l)"
if [ "$n_train" -ge "$n_all" ] || [ "$n_train" -eq 0 ]; then
	fail "the generated data has recordings training may not see" "training $n_train of $n_all"
fi
assert_eq "by-source shows the same recordings" "$n_all" \
	"$(as_user "$dpo" find "$MNT/by-source" -name '*.opus' | wc -l)"
# The notice in each language of the policy (Finnish, then English).
assert_eq "a caller with no level sees only README.txt and README.en.txt" "README.en.txt README.txt" \
	"$(as_user "$nobody" find "$MNT" -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"
assert_eq "a caller with no level sees no subject folders" "0" \
	"$(as_user "$nobody" ls "$MNT/by-subject" 2>/dev/null | wc -l)"
assert_match "stems are <time>_<source>_<8 hex>" \
	"$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' -printf '%f\n' | head -n 1)" \
	'^[0-9]{8}T[0-9]{6}Z_[a-z0-9-]+_[0-9a-f]{8}\.opus$'
assert_match "by-date is YYYY/MM/DD" "$(as_user "$dpo" find "$MNT/by-date" -mindepth 3 -maxdepth 3 -type d | head -n 1)" \
	'/by-date/[0-9]{4}/[0-9]{2}/[0-9]{2}$'
meeting_chat=$(as_user "$dpo" find "$MNT/by-date" -name '*.chat.txt' | head -n 1)
[ -n "$meeting_chat" ] && pass "meetings show their chat transcript" || fail "meetings show their chat transcript" "no .chat.txt"
shared=$(as_user "$dpo" find "$MNT/by-date" -name '*.1.pdf' | head -n 1)
[ -n "$shared" ] && pass "shared files are <stem>.<n>.<ext>" || fail "shared files are <stem>.<n>.<ext>" "no .1.pdf"

# --- sizes, modes, owners, times -------------------------------------------
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | head -n 1)
stem=${f%.opus}
id8=${stem##*_}
rid=$(q "SELECT id FROM recording WHERE id LIKE '$id8%'")
size=$(q "SELECT size FROM artifact WHERE recording = '$rid' AND role = 'audio'")
# Root has no level: it sees nothing but README.txt, so look as a level user.
st() { as_user "$trainer" stat -c "$1" "$2"; }
assert_eq "file size is the exact plaintext size" "$size" "$(st %s "$f")"
assert_eq "files are mode 0440, owner root" "440 0" "$(st '%a %u' "$f")"
assert_eq "gid is the group of the lowest level that may read it" "recfs-training" "$(st %G "$f")"
assert_eq "mtime is recorded_at" "$(q "SELECT recorded_at FROM recording WHERE id = '$rid'")" "$(st %Y "$f")"
assert_eq "directories are 0555" "555" "$(st %a "$(dirname "$f")")"

# --- content ---------------------------------------------------------------
sort_sums() { sha256sum "$@" | cut -d' ' -f1 | sort; }
expect=$(cd "$spool" && sha256sum $(python3 -c '
import json,sys,glob
for m in sorted(glob.glob("*.json")):
    try: print(json.load(open(m))["audio"])
    except Exception: pass') | cut -d' ' -f1 | sort)
got=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' -exec sha256sum {} + | cut -d' ' -f1 | sort)
assert_eq "the bytes read equal the ingested Opus files" "$expect" "$got"
out=$(mktemp -d "$T_TMP/out.XXXXXX")
chmod 0777 "$out"
assert_ok "cp as the trainer" as_user "$trainer" cp "$f" "$out/copy.opus"
assert_eq "cp copies the exact bytes" "$(as_user "$trainer" sha256sum "$f" | cut -d" " -f1)" \
	"$(sha256sum <"$out/copy.opus" | cut -d' ' -f1)"
assert_ok "opusinfo reads a recording on the mount" as_user "$analyst" opusinfo "$f"
assert_contains "opusinfo sees an Opus stream" "$T_OUT" "Opus"
wav=$stem.wav
pcm=$(q "SELECT pcm_samples * channels * 2 + 44 FROM recording WHERE id = '$rid'")
assert_eq "the WAV view's size is exact" "$pcm" "$(as_user "$analyst" stat -c %s "$wav")"
assert_ok "sox decodes the WAV view" as_user "$analyst" sox "$wav" -n stat
assert_eq "reading the whole WAV view gives its size" "$pcm" "$(as_user "$analyst" cat "$wav" | wc -c)"
assert_eq "a 4 KiB read from the middle of a file" "4096" \
	"$(as_user "$analyst" dd if="$f" bs=4096 skip=1 count=1 status=none | wc -c)"

# --- extended attributes ------------------------------------------------------
x=$(as_user "$analyst" getfattr -d "$f" 2>&1)
for name in user.gdpr.legal_basis user.gdpr.purpose user.gdpr.retention_until user.gdpr.restricted \
	user.gdpr.controller user.gdpr.data_source user.recfs.id user.recfs.source user.recfs.kind \
	user.recfs.recorded_at user.recfs.duration_ms user.recfs.channels user.recfs.staff; do
	assert_contains "getfattr -d shows $name to analysis" "$x" "$name="
done
assert_contains "user.recfs.id is the recording id" "$x" "user.recfs.id=\"$rid\""
x=$(as_user "$trainer" getfattr -d "$f" 2>&1)
assert_contains "training sees the legal basis" "$x" "user.gdpr.legal_basis="
assert_not_contains "training does not see staff names" "$x" "user.recfs.staff"
assert_fails_with "training gets ENODATA for a details attribute" "No such attribute" \
	as_user "$trainer" getfattr -n user.recfs.staff "$f"
assert_fails_with "an unknown attribute is ENODATA" "No such attribute" \
	as_user "$analyst" getfattr -n user.recfs.nonsense "$f"
h=$(as_user "$analyst" ls "$MNT/by-subject" | head -n 1)
if [ -n "$h" ]; then
	assert_contains "a subject card shows the name to analysis" \
		"$(as_user "$analyst" getfattr -d "$MNT/by-subject/$h" 2>&1)" "user.recfs.name="
	assert_match "subject folders are pseudonymous handles" "$h" '^S-[0-9A-Z]{6}$'
else
	fail "analysis sees subject folders" "by-subject is empty"
fi

# --- refusals and their errnos ------------------------------------------------
only_analysis=$(comm -13 <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort) \
	<(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort) | head -n 1)
assert_fails_with "training: a recording it may not see is ENOENT" "No such file or directory" \
	as_user "$trainer" cat "$only_analysis"
assert_fails_with "training: stat of it is ENOENT too" "No such file or directory" \
	as_user "$trainer" stat "$only_analysis"
assert_fails_with "create is EROFS" "Read-only file system" as_user "$dpo" touch "$MNT/by-date/new"
assert_fails_with "mkdir is EROFS" "Read-only file system" as_user "$dpo" mkdir "$MNT/by-date/new"
assert_fails_with "write is EROFS" "Read-only file system" as_user "$dpo" sh -c "echo x >> '$f'"
assert_fails_with "rename is EROFS" "Read-only file system" as_user "$dpo" mv "$f" "$MNT/by-date/x.opus"
assert_fails_with "ln is EROFS" "Read-only file system" as_user "$dpo" ln "$f" "$MNT/by-date/x.opus"
assert_fails_with "symlink is EROFS" "Read-only file system" as_user "$dpo" ln -s "$f" "$MNT/by-date/x.opus"
assert_fails_with "truncate is EROFS" "Read-only file system" as_user "$dpo" truncate -s 0 "$f"
assert_fails_with "chmod +w is EPERM" "Operation not permitted" as_user "$dpo" chmod u+w "$f"
assert_fails_with "chown is EPERM" "Operation not permitted" as_user "$dpo" chown "$dpo" "$f"
assert_fails_with "root has no level: the file is absent for it" "No such file or directory" stat "$f"

# A folder one caller just looked up is not thereby shown to another (the
# kernel's caches are shared; each level has its own copy of the tree).
hidden=$(comm -13 <(as_user "$trainer" ls "$MNT/by-source" | sort) <(as_user "$analyst" ls "$MNT/by-source" | sort) | head -n 1)
if [ -n "$hidden" ]; then
	as_user "$analyst" stat "$MNT/by-source/$hidden" >/dev/null
	assert_fails_with "a source folder analysis just opened stays ENOENT for training" "No such file or directory" \
		as_user "$trainer" stat "$MNT/by-source/$hidden"
else
	fail "the data has a source only analysis sees" "none found"
fi

# --- a mount without the level's key: ENOKEY ------------------------------------
MNT2=$T_TMP/mnt-training-only
mount_recfs "$REG" "$MNT2" "$KEYS/training.keyring" || t_abort "mount2" "cannot mount"
g=$MNT2/${f#"$MNT"/}
assert_fails_with "analysis on a mount without its key: ENOKEY" "Required key not available" \
	as_user "$analyst" cat "$g"
assert_ok "training reads on the same mount" as_user "$trainer" sh -c "cat '$g' >/dev/null"
unmount_recfs "$MNT2"

# --- views: what analysis's walks cached is not training's ----------------------
# The same day folder, listed with ls -l by analysis (readdirplus fills the
# kernel's caches) and then by training: training gets its own count.
day=$(dirname "$only_analysis")
as_user "$analyst" ls -l "$day" >/dev/null
assert_eq "after analysis listed a day, training lists its own files there" \
	"$(as_user "$trainer" find "$day" -maxdepth 1 -type f 2>/dev/null | wc -l)" \
	"$(as_user "$trainer" find "$MNT/by-date" -path "$day/*" -type f | wc -l)"
assert_fails_with "and still cannot stat the file analysis just listed" "No such file or directory" \
	as_user "$trainer" stat "$only_analysis"
# A process that enters analysis's folder and then changes its uid to
# training's: the daemon answers it in training's view, so the folder it
# stands in (analysis's copy) is ENOENT and nothing opens there.
x=$(python3 - "$(id -u "$analyst")" "$(id -u "$trainer")" "$day" "$(basename "$only_analysis")" <<'PY' 2>&1
import os, sys
a, t, day, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
os.setresuid(a, a, 0)
os.chdir(day)
os.setresuid(0, 0, 0)
os.setresuid(t, t, 0)
for what, f in (("list", lambda: os.listdir(".")), ("open", lambda: open(name, "rb").read(1))):
    try:
        f()
        print(what, "allowed")
    except OSError as e:
        print(what, os.strerror(e.errno))
PY
)
assert_contains "a uid change inside analysis's folder: listing refused" "$x" "list No such file or directory"
assert_not_contains "a uid change inside analysis's folder: nothing opens" "$x" "open allowed"

# --- tampering: EIO -----------------------------------------------------------
aid=$(q "SELECT id FROM artifact WHERE recording = '$rid' AND role = 'audio'")
blob=$REG/blobs/${aid:0:2}/$aid
chmod u+w "$blob"
printf '\xff' | dd of="$blob" bs=1 seek=200 conv=notrunc status=none
assert_fails_with "a tampered blob reads as EIO" "Input/output error" as_user "$analyst" cat "$f"
# The log says who met the bad blob: a read refused EIO (or the open, when
# the damage is in what the open reads), once a descriptor.
eio_logged() { "$RECCTL" audit show -R "$REG" --object "$rid" 2>/dev/null | grep -Eq "$analyst.* (read|open) $rid.* refused EIO"; }
poll_since "$(now_ns)" 3000 eio_logged
assert_match "the refused read of the tampered blob is in the audit log" \
	"$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1)" "$analyst.* (read|open) $rid.* refused EIO"
# Read again and again, it is one line in the daemon's log a period, not
# one a descriptor (anyone who reads it could fill the log).
for _ in 1 2 3 4 5; do as_user "$analyst" cat "$f" >/dev/null 2>&1; done
assert_eq "the daemon's log says it once, not once a read" 1 \
	"$(grep -c 'a read failed with EIO' "$MNT.err")"

# --- live updates ---------------------------------------------------------------
spool2=$T_TMP/spool2
gen_manifests "$spool2" 1 --seed 99
before=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l)
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool2"/*.json >/dev/null 2>&1
opus_count() { as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l; }
opus_count_is() { [ "$(opus_count)" -eq "$1" ]; }
poll_since "$(now_ns)" 5000 opus_count_is $((before + 1))
seen=$?
echo "   (new recording visible after $T_MS ms)"
[ "$seen" -eq 0 ] && [ "$T_MS" -le 1000 ] && pass "an ingested recording appears in the running mount within a second" ||
	fail "an ingested recording appears in the running mount within a second" \
		"$(opus_count) of $((before + 1)) files after $T_MS ms"

# --- erasure by another process: gone from the running mount within a second ---------
before=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | wc -l)
# A file and its folders in the kernel's caches (analysis's view; another
# level's walk through the root would replace that view's top folder).
cached=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | head -n 1)
as_user "$analyst" stat "$cached" >/dev/null
# The opens are read from the log below: a sweep in 2099 would drop them
# with the shipped audit_retention of two years, so keep the log longer.
sed -i 's/^audit_retention = .*/audit_retention = 100y/' "$REG/policy.conf"
RECFS_NOW=2099-01-01 "$RECCTL" retention sweep -R "$REG" >"$T_TMP/sweep.out" 2>&1 ||
	fail "a retention sweep from recctl" "$(cat "$T_TMP/sweep.out")"
start=$(now_ns)
stat_fails() { ! as_user "$analyst" stat "$1" >/dev/null 2>&1; }
poll_since "$start" 5000 stat_fails "$cached"
gone=$?
echo "   (a stat'ed file gone for its level after $T_MS ms)"
[ "$gone" -eq 0 ] && [ "$T_MS" -le 1000 ] && pass "a file analysis had stat'ed is gone for it within a second" ||
	fail "a file analysis had stat'ed is gone for it within a second" \
		"$([ "$gone" -eq 0 ] && echo gone || echo still there) after $T_MS ms"
assert_fails_with "and so is its folder" "No such file or directory" as_user "$analyst" stat "$(dirname "$cached")"
poll_since "$start" 5000 opus_count_is 0
echo "   (erased recordings gone from the mount after $T_MS ms)"
n=$(opus_count)
[ "$before" -gt 0 ] && [ "$n" -eq 0 ] && [ "$T_MS" -le 1000 ] &&
	pass "recordings erased by another process vanish from the running mount within a second" ||
	fail "recordings erased by another process vanish from the running mount within a second" \
		"$n of $before left after $T_MS ms"

# --- audit of opens -------------------------------------------------------------
unmount_recfs "$MNT"
log=$("$RECCTL" audit show -R "$REG")
assert_match "opens are logged with user, level and process" "$log" "$analyst.*analysis.*(cat|sha256sum|opusinfo).*open"
assert_match "refused opens are logged" "$log" "open.*refused"
assert_ok "the audit chain verifies after the mount's batched writes" "$RECCTL" audit verify -R "$REG"

# --- the mount helper protocol of fstab and mount -t fuse.recfs: mount(8) runs
# mount.fuse3, which runs "recfs REGISTER MOUNTPOINT -o OPTIONS" from PATH
# (mount(8) itself resets PATH, so the helper is called directly here).
MNT5=$T_TMP/mnt-fstab
mkdir -p "$MNT5"
if PATH="$T_TMP/bin:$PATH" mount.fuse3 "$REG" "$MNT5" -t recfs -o "keyring=$KEYS/analysis.keyring" \
	2>"$T_TMP/mount.err"; then
	T_MOUNTS+=("$MNT5")
	assert_contains "mount.fuse3 -t recfs mounts the register" "$(cat "$MNT5/README.txt" 2>&1)" "Tamro Oyj"
	assert_contains "it is listed as fuse.recfs" "$(grep " $MNT5 " /proc/mounts)" "fuse.recfs"
	umount "$MNT5"
else
	fail "mount.fuse3 -t recfs mounts the register" "$(cat "$T_TMP/mount.err")"
fi

# --- another policy: four levels with other names --------------------------------
make_register "$T_TMP/b" "$T_ROOT/tests/fixtures/policy-four-levels.conf"
sp=$T_TMP/spool-b
mkdir -p "$sp"
i=0
for src in helpdesk team-meetings complaint-calls; do
	i=$((i + 1))
	cp "$T_ROOT/tests/fixtures/mono.opus" "$sp/r$i.opus"
	cat >"$sp/r$i.json" <<JSON
{"recorded_at": "2026-0$i-10T09:00:00Z", "source": "$src", "title": "Case $i",
 "subjects": [{"role": "customer", "name": "Åke Ström $i", "phone": "+35850000000$i"}], "audio": "r$i.opus"}
JSON
done
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$sp"/*.json >/dev/null 2>&1 ||
	fail "ingest into the four-level register" "recctl ingest failed"
pub=$(make_level_user public)
staff=$(make_level_user staff)
sup=$(make_level_user supervisor)
dpo2=$(make_level_user dpo)
MNT3=$T_TMP/mnt-four
mount_recfs "$REG" "$MNT3" "$KEYS/public.keyring" "$KEYS/staff.keyring" "$KEYS/supervisor.keyring" \
	"$KEYS/dpo.keyring" || t_abort "mount3" "cannot mount"
cnt() { as_user "$1" find "$MNT3/by-date" -name '*.opus' | wc -l; }
assert_eq "four levels: public sees helpdesk only" "1" "$(cnt "$pub")"
assert_eq "four levels: staff sees helpdesk and coaching" "2" "$(cnt "$staff")"
assert_eq "four levels: supervisor sees all three" "3" "$(cnt "$sup")"
assert_eq "four levels: dpo sees all three" "3" "$(cnt "$dpo2")"
fp=$(as_user "$pub" find "$MNT3/by-date" -name '*.opus' | head -n 1)
assert_eq "four levels: gid is the lowest level's group" "recfs-public" "$(as_user "$pub" stat -c %G "$fp")"
assert_fails_with "four levels: staff sees no names (details_level supervisor)" "No such attribute" \
	as_user "$staff" getfattr -n user.recfs.title "$fp"
assert_contains "four levels: supervisor sees the title" \
	"$(as_user "$sup" getfattr -n user.recfs.title "$fp" 2>&1)" "Case"
unmount_recfs "$MNT3"

# --- SIGTERM while files and folders are open -------------------------------------
# libfuse sends no release for what the kernel still holds open when the
# session ends: the daemon closes those itself (no decoder, descriptor or
# key left, and, under SANITIZE=, nothing for LeakSanitizer to report).
MNT4=$T_TMP/mnt-term
mount_recfs "$REG" "$MNT4" "$KEYS/dpo.keyring" || t_abort "mount4" "cannot mount"
pid=${T_MOUNT_PID[$MNT4]}
held=$T_TMP/held
: >"$held"
chmod 0666 "$held"
as_user "$dpo2" /usr/bin/python3 - "$MNT4" "$held" <<'PY' &
import os, sys, time
fds = []
wavs = 0
for root, dirs, files in os.walk(sys.argv[1]):
    fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY))
    for f in files:
        if f.endswith(".wav"):
            if wavs == 6:	# under max_decoders_per_uid (8 by default)
                continue
            wavs += 1
        fd = os.open(os.path.join(root, f), os.O_RDONLY)
        os.read(fd, 4096)
        fds.append(fd)
open(sys.argv[2], "w").write("%d\n" % len(fds))
time.sleep(60)
PY
holder=$!
for _ in $(seq 1 100); do
	[ -s "$held" ] && break
	sleep 0.05
done
n=$(cat "$held")
[ "${n:-0}" -ge 10 ] && pass "a reader holds files (.opus and .wav) and folders open ($n)" ||
	fail "a reader holds files (.opus and .wav) and folders open" "${n:-none}"
kill -TERM "$pid"
for _ in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$pid" 2>/dev/null && fail "SIGTERM with files open: recfs stops within 5 s" "still running" ||
	pass "SIGTERM with files open: recfs stops within 5 s"
wait "$pid" 2>/dev/null
unset "T_MOUNT_PID[$MNT4]"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
mountpoint -q "$MNT4" && fail "SIGTERM with files open: recfs unmounted" "still mounted" ||
	pass "SIGTERM with files open: recfs unmounted"
if sanitizer_report "$MNT4.err"; then
	fail "SIGTERM with files open: no sanitizer report" "$(sanitizer_excerpt "$MNT4.err")"
else
	pass "SIGTERM with files open: no sanitizer report"
fi

t_done
