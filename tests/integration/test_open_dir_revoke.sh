#!/bin/bash
# A folder handle opened before a restriction or an erasure lists what
# its caller may see now, not what it saw when it opened: the training
# level holds a folder open, the privacy level restricts one call
# in it (chmod 0) and erases another (rm of its .wav), and once the mount
# has taken the change the held handle, rewound and read again, no longer
# names either, nor stats them; a folder opened afresh agrees with it.
# Then the change log is pruned past the mount's snapshot (rows written
# with sqlite3, as a long run of changes would leave it): the mount must
# build its snapshot anew, so the next restriction still leaves the
# training view.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 60 --seed 31 --meetings 0.5
ingest_spool "$spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# A folder with at least three calls the training level sees.
d=""
while read -r m; do
	[ "$(as_user "$trainer" ls "$m" | grep -c '\.opus$')" -ge 3 ] && { d=$m; break; }
done < <(as_user "$trainer" find "$MNT/by-subject" "$MNT/by-date" -mindepth 1 -type d | sort)
[ -n "$d" ] || t_abort "data" "no folder with three calls the training level sees"
restricted=$(as_user "$trainer" ls "$d" | grep '\.opus$' | sed -n 1p)
erased=$(as_user "$trainer" ls "$d" | grep '\.opus$' | sed -n 2p)
third=$(as_user "$trainer" ls "$d" | grep '\.opus$' | sed -n 3p)

# held.py DIR GO OUT: open DIR, list it into OUT.before, wait for the file
# GO, then rewind the same handle and list it again into OUT.after; stat
# each name of the first listing through the handle into OUT.stat.
cat >"$T_TMP/held.py" <<'EOF'
import os, sys, time
d, go, out = sys.argv[1:4]
fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
before = sorted(os.listdir(fd))
open(out + ".before", "w").write("\n".join(before) + "\n")
for _ in range(600):
    if os.path.exists(go):
        break
    time.sleep(0.05)
after = sorted(os.listdir(fd))   # dup, fdopendir, rewinddir: the same handle
open(out + ".after", "w").write("\n".join(after) + "\n")
st = []
for n in before:
    try:
        os.stat(n, dir_fd=fd)
        st.append(n + " ok")
    except OSError as e:
        st.append(n + " " + os.strerror(e.errno))
open(out + ".stat", "w").write("\n".join(st) + "\n")
EOF
chmod 0644 "$T_TMP/held.py"
mkdir -m 0777 "$T_TMP/held"
as_user "$trainer" /usr/bin/python3 "$T_TMP/held.py" "$d" "$T_TMP/held/go" "$T_TMP/held/out" &
held=$!
poll_since "$(now_ns)" 10000 test -s "$T_TMP/held/out.before" || t_abort "held" "the held listing did not start"
assert_contains "training: the held handle lists the call to restrict" "$(cat "$T_TMP/held/out.before")" "$restricted"

assert_ok "privacy: chmod 0 of a call" as_user "$dpo" chmod 0 "$d/$restricted"
assert_ok "privacy: rm of another call's .wav erases it" as_user "$dpo" rm -f "$d/${erased%.opus}.wav"
gone()
{
	! as_user "$trainer" ls "$d" | grep -qF -e "$restricted" -e "$erased"
}
poll_since "$(now_ns)" 5000 gone || fail "a fresh listing drops both calls" "still listed"
touch "$T_TMP/held/go"
wait "$held"

after=$(cat "$T_TMP/held/out.after")
assert_not_contains "training: the held handle no longer lists the restricted call" "$after" "$restricted"
assert_not_contains "training: the held handle no longer lists the erased call" "$after" "$erased"
assert_eq "training: the held handle lists what a fresh one does" \
	"$(as_user "$trainer" ls -A "$d" | LC_ALL=C sort)" "$after"
stats=$(cat "$T_TMP/held/out.stat")
assert_contains "training: the restricted call does not stat through the held handle" "$stats" \
	"$restricted No such file or directory"
assert_contains "training: the erased call does not stat through the held handle" "$stats" \
	"$erased No such file or directory"

# KEEP + 2048 rows naming no recording of the register (the triggers
# prune as the writers' rows do), in one transaction: the rows the mount
# would patch from are gone.
seq=$(q "SELECT max(seq) FROM change")
q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 67584)
   INSERT INTO change (recording) SELECT printf('%032x', i) FROM n" ||
	t_abort "sqlite3" "cannot write the change log"
[ "$(q "SELECT min(seq) FROM change")" -gt $((seq + 1)) ] ||
	t_abort "sqlite3" "the change log was not pruned past the mount's snapshot"
assert_ok "privacy: chmod 0 of a third call" as_user "$dpo" chmod 0 "$d/$third"
third_gone()
{
	case $(as_user "$trainer" stat "$d/$third" 2>&1) in
	*"No such file or directory"*) ! as_user "$trainer" ls "$d" 2>/dev/null | grep -qF "$third" ;;
	*) return 1 ;;
	esac
}
if poll_since "$(now_ns)" 10000 third_gone && [ "$T_MS" -le 3000 ]; then
	pass "training: a restriction after the log was pruned leaves its view ($T_MS ms)"
else
	fail "training: a restriction after the log was pruned leaves its view" "still there after $T_MS ms"
fi
assert_not_contains "the daemon read the catalog again without an error" "$(cat "$MNT.err")" "cannot reread"

unmount_recfs "$MNT"
t_done
