#!/bin/bash
# Mounts of one level (issue 13, "levels alternating on one mount"):
# `recfs -o level=NAME` serves NAME's view alone, so the kernel may keep it
# and a walk of another level (on its own mount) takes nothing from it.
# Two level mounts of one register side by side: each level sees exactly
# what it sees on a mount of every level; a lower level (and a caller with
# no level, root included) gets EACCES at the root, even for paths the
# kernel holds; a higher level acts as the mount's level; only that level's
# key is kept; getcwd in a top folder survives another level's walks (on
# the shared mount it does not, as recfs(8) says); new and erased
# recordings reach both mounts within a second; the helper of fstab passes
# the option on.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 60 --seed 13 --meetings 0.4
ingest_spool "$spool"

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
nobody=$(make_plain_user nolevel)
PY=/usr/bin/python3

# --- refusals at start -------------------------------------------------------
MNT_X=$T_TMP/mnt-refused
mkdir -p "$MNT_X"
assert_exit "a level the policy lacks: recfs exits 1" 1 \
	timeout 30 "$RECFS" -f -o "level=auditors,keyring=$KEYS/analysis.keyring" "$REG" "$MNT_X"
assert_contains "and says which levels there are" "$T_OUT" "level=auditors is not a level of the register's policy; its levels are: training analysis privacy"
assert_exit "a keyring without the level's key: recfs exits 1" 1 \
	timeout 30 "$RECFS" -f -o "level=analysis,keyring=$KEYS/training.keyring" "$REG" "$MNT_X"
assert_contains "and says whose key is missing" "$T_OUT" "no keyring given holds the analysis level's key"
assert_eq "neither mounted anything" no "$(mountpoint -q "$MNT_X" && echo yes || echo no)"

# --- two level mounts and a shared one ---------------------------------------
MNT_A=$T_TMP/mnt-analysis
MNT_T=$T_TMP/mnt-training
MNT_S=$T_TMP/mnt-shared
T_MOUNT_OPTS="level=analysis"
mount_recfs "$REG" "$MNT_A" "$KEYS/training.keyring" "$KEYS/analysis.keyring" "$KEYS/privacy.keyring" ||
	t_abort "mount" "cannot mount the analysis level"
T_MOUNT_OPTS="level=training"
mount_recfs "$REG" "$MNT_T" "$KEYS/training.keyring" || t_abort "mount" "cannot mount the training level"
T_MOUNT_OPTS=""
mount_all_levels "$MNT_S"
assert_contains "the analysis mount keeps only its level's key" "$(cat "$MNT_A.err")" \
	"level=analysis: not keeping the privacy level's key"

assert_eq "the root of a level mount: 0750, the level's group" "750 recfs-analysis" "$(stat -c '%a %G' "$MNT_A")"
assert_eq "the root of the training mount: 0750 recfs-training" "750 recfs-training" "$(stat -c '%a %G' "$MNT_T")"
# chown(-1, -1) changes nothing but is a SETATTR, whose reply the kernel
# caches as the root's attributes.
as_user "$analyst" "$PY" -c 'import os, sys; os.chown(sys.argv[1], -1, -1)' "$MNT_A" 2>/dev/null
assert_eq "the root keeps 0750 and the level's group after a SETATTR" "750 recfs-analysis" \
	"$(stat -c '%a %G' "$MNT_A")"

# files USER DIR: the files USER finds under DIR, as paths relative to DIR, sorted.
files()
{
	as_user "$1" find "$2" -type f -printf '%P %s\n' 2>&1 | LC_ALL=C sort
}

all_a=$(files "$analyst" "$MNT_S")
all_t=$(files "$trainer" "$MNT_S")
[ "$all_a" != "$all_t" ] && [ -n "$all_t" ] || t_abort "data" "the analysis and training views do not differ"
assert_eq "analysis sees on its mount exactly its view of the shared mount" "$all_a" "$(files "$analyst" "$MNT_A")"
assert_eq "training sees on its mount exactly its view of the shared mount" "$all_t" "$(files "$trainer" "$MNT_T")"
# Higher levels act as the mount's level (recfs(8)): the privacy officer
# sees what trainers see, and reads with the training key.
assert_eq "privacy on the training mount sees training's view" "$all_t" "$(files "$dpo" "$MNT_T")"
assert_eq "privacy on the analysis mount sees analysis's view" "$all_a" "$(files "$dpo" "$MNT_A")"

# A file only analysis sees, in the kernel's caches of the analysis mount.
only_a=$(comm -23 <(printf '%s\n' "$all_a" | cut -d' ' -f1) <(printf '%s\n' "$all_t" | cut -d' ' -f1) |
	grep '^by-date/.*\.opus$' | head -n 1)
[ -n "$only_a" ] || t_abort "data" "no recording only analysis sees"
as_user "$analyst" stat "$MNT_A/$only_a" >/dev/null
as_user "$analyst" ls -lR "$MNT_A" >/dev/null
assert_fails_with "training: ls of the analysis mount's root is EACCES" "Permission denied" \
	as_user "$trainer" ls "$MNT_A"
assert_fails_with "training: a top folder of the analysis mount is EACCES" "Permission denied" \
	as_user "$trainer" ls "$MNT_A/by-date"
assert_fails_with "training: a stat of a file the kernel holds for analysis is EACCES" "Permission denied" \
	as_user "$trainer" stat "$MNT_A/$only_a"
assert_fails_with "training: its own files are EACCES on the analysis mount too" "Permission denied" \
	as_user "$trainer" cat "$MNT_A/README.txt"
assert_fails_with "training cannot chdir into the analysis mount" "Permission denied" \
	as_user "$trainer" "$PY" -c 'import os, sys; os.chdir(sys.argv[1])' "$MNT_A"
assert_fails_with "a caller with no level: EACCES at the root" "Permission denied" \
	as_user "$nobody" ls "$MNT_T"
assert_fails_with "root, which has no level: EACCES at the root" "Permission denied" ls "$MNT_T"
# A folder handle opened by the mount's level and handed to a refused
# caller (inherited, or passed over a socket) lists nothing for it.
assert_fails_with "training: a folder handle analysis opened lists nothing" "Permission denied" \
	"$PY" -c 'import os, sys
a, t = int(sys.argv[2]), int(sys.argv[3])
os.setegid(int(sys.argv[4])); os.seteuid(a)
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
os.seteuid(0); os.setegid(int(sys.argv[5])); os.seteuid(t)
print(os.listdir(fd))' "$MNT_A/by-date" "$(id -u "$analyst")" "$(id -u "$trainer")" \
	"$(getent group recfs-analysis | cut -d: -f3)" "$(getent group recfs-training | cut -d: -f3)"
uid_t=$(id -u "$trainer")
assert_eq "the refusals of one uid are logged once" 1 \
	"$(grep -c "uid $uid_t refused: this mount serves one level" "$MNT_A.err")"

# Reads and rights as the mount's level.
assert_ok "analysis reads on its mount" as_user "$analyst" sh -c "cat '$MNT_A/$only_a' >/dev/null"
t_file=$(printf '%s\n' "$all_t" | cut -d' ' -f1 | grep '^by-date/.*\.opus$' | head -n 1)
assert_ok "privacy reads a training file on the training mount" as_user "$dpo" sh -c "cat '$MNT_T/$t_file' >/dev/null"
assert_fails_with "privacy on the training mount has training's rights: rm is EACCES" "Permission denied" \
	as_user "$dpo" rm "$MNT_T/$t_file"

# --- getcwd while another level walks ---------------------------------------
# cwd_probe USER DIR OUT: a process of USER in DIR that prints getcwd every
# 50 ms until OUT.stop appears (its pid in CWD_PID).
cwd_probe()
{
	: >"$3"
	chmod 0666 "$3"	# written by USER, who may not write in $T_TMP
	rm -f "$3.stop"
	as_user "$1" "$PY" -c '
import os, sys, time
os.chdir(sys.argv[1])
out, stop = sys.argv[2], sys.argv[2] + ".stop"
with open(out, "w", buffering=1) as f:
    while not os.path.exists(stop):
        try:
            f.write("ok %s\n" % os.getcwd())
        except OSError as e:
            f.write("error %s\n" % os.strerror(e.errno))
        time.sleep(0.05)
' "$2" "$3" &
	CWD_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$3" ] && return 0
		sleep 0.05
	done
}

cwd_stop()
{
	: >"$1.stop"
	wait "$CWD_PID"
}

probe=$T_TMP/cwd
# The worst case: the working directory is a top folder itself.
cwd_probe "$analyst" "$MNT_A/by-date" "$probe"
for _ in 1 2 3; do
	as_user "$trainer" find "$MNT_T" -type f >/dev/null
	as_user "$dpo" find "$MNT_T" -type f >/dev/null
	sleep 0.2
done
cwd_stop "$probe"
assert_eq "level mounts: getcwd in analysis's by-date works while training walks its mount" \
	"0 errors, cwd $MNT_A/by-date" \
	"$(grep -c '^error' "$probe") errors, cwd $(grep -m1 '^ok' "$probe" | cut -d' ' -f2-)"
# The shared mount: one entry per name in the root, so a walk of training
# through the root unlinks analysis's by-date (recfs(8), "one mount per
# level on a host shared by several levels").
cwd_probe "$analyst" "$MNT_S/by-date" "$probe.shared"
as_user "$trainer" find "$MNT_S" -type f >/dev/null
sleep 0.3
cwd_stop "$probe.shared"
assert_contains "shared mount: getcwd in by-date fails while training walks (as documented)" \
	"$(sort -u "$probe.shared")" "error No such file or directory"

# --- changes reach both mounts -------------------------------------------------
sealed_audio()
{
	q "SELECT count(*) FROM artifact a JOIN seal s ON s.object = a.id WHERE a.role = 'audio' AND s.level = '$1'"
}
opus_on() { as_user "$1" find "$2/by-date" -name '*.opus' | wc -l; }
both_are() { [ "$(opus_on "$analyst" "$MNT_A")" -eq "$1" ] && [ "$(opus_on "$trainer" "$MNT_T")" -eq "$2" ]; }
before_t=$(sealed_audio training)
spool2=$T_TMP/spool2
gen_manifests "$spool2" 8 --seed 131
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool2"/*.json >/dev/null 2>&1 ||
	fail "ingest while mounted" "recctl ingest failed"
want_a=$(sealed_audio analysis)
want_t=$(sealed_audio training)
[ "$want_t" -gt "$before_t" ] || t_abort "data" "none of the new recordings is training's"
poll_since "$(now_ns)" 5000 both_are "$want_a" "$want_t"
seen=$?
[ "$seen" -eq 0 ] && [ "$T_MS" -le 1000 ] &&
	pass "new recordings appear in both level mounts within a second ($T_MS ms)" ||
	fail "new recordings appear in both level mounts within a second" \
		"analysis $(opus_on "$analyst" "$MNT_A") of $want_a, training $(opus_on "$trainer" "$MNT_T") of $want_t after $T_MS ms"

# An erasure through the shared mount: a file analysis holds in the
# kernel's caches of its mount is gone for it within a second.
as_user "$analyst" stat "$MNT_A/$only_a" >/dev/null
assert_ok "privacy erases a recording on the shared mount" as_user "$dpo" rm "$MNT_S/$only_a"
stat_fails() { ! as_user "$analyst" stat "$MNT_A/$only_a" >/dev/null 2>&1; }
poll_since "$(now_ns)" 5000 stat_fails
gone=$?
[ "$gone" -eq 0 ] && [ "$T_MS" -le 1000 ] &&
	pass "the erased file is gone from the analysis mount within a second ($T_MS ms)" ||
	fail "the erased file is gone from the analysis mount within a second" "still there after $T_MS ms"

# --- the fstab helper passes level= on ---------------------------------------
HELPER=$T_TMP/bin/mount.fuse.recfs
sed "s#@RECFS@#$RECFS#" "$T_ROOT/packaging/mount.fuse.recfs.in" >"$HELPER"
chmod 0755 "$HELPER"
MNT_H=$T_TMP/mnt-helper
mkdir -p "$MNT_H"
T_MOUNTS+=("$MNT_H")
if env -i PATH=/usr/bin:/bin "$HELPER" "$REG" "$MNT_H" -o "nofail,level=analysis,keyring=$KEYS/analysis.keyring" \
	>"$T_TMP/helper.out" 2>&1; then
	assert_eq "mount.fuse.recfs -o level=analysis mounts the analysis level" "750 recfs-analysis" \
		"$(stat -c '%a %G' "$MNT_H")"
	assert_eq "and serves analysis's view" "$(files "$analyst" "$MNT_A")" "$(files "$analyst" "$MNT_H")"
	fusermount3 -u "$MNT_H"
else
	fail "mount.fuse.recfs -o level=analysis mounts the analysis level" "$(cat "$T_TMP/helper.out")"
fi

unmount_recfs "$MNT_A"
unmount_recfs "$MNT_T"
unmount_recfs "$MNT_S"

# --- the audit log names reads as before ------------------------------------------
log=$("$RECCTL" audit show -R "$REG")
assert_match "an analyst's read on the analysis mount is logged with user and level" "$log" \
	"$analyst.*analysis.*cat.*open"
assert_match "privacy's read on the training mount is logged with its user, at the training level" "$log" \
	"$dpo.*training.*cat.*open"
assert_match "privacy's rm on the training mount is logged as refused" "$log" "$dpo.*training.*refused"
t_done
