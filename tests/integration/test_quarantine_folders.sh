#!/bin/bash
# A spool writer's folders never enter the register (atk13 F1, F2).  A
# recorder that leaves a folder beside a refused manifest, in a spool on
# the register's file system (the default REGISTER/spool), had it moved
# into REGISTER/quarantine/q-*/ still its own: through a descriptor it
# kept it wrote into the register after the move, the sweep's walk of it
# could be raced into a symbolic link (tests/unit/test_util.c has that
# race), and a folder deeper than PATH_MAX made every later sweep fail.
# Only regular files are moved now; a folder stays in the spool, and the
# error.txt counts it among what was not kept.  A hard link is copied, not
# moved: the move's chown and chmod would change the file its other name
# is.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
rec=$(make_plain_user rec)
SP=$REG/spool
chmod 0711 "$REG"	# the recorder reaches its spool
chown "$rec" "$SP"
chmod 0700 "$SP"
CLIP=$(compgen -G "${RECFS_TEST_CLIPS:-$T_ROOT/build/test-clips}/pool-*/*.opus" | head -n 1)
if [ -z "$CLIP" ]; then
	gen_manifests "$T_TMP/gen" 1 --seed 1
	CLIP=$(ls "$T_TMP"/gen/*.opus | head -n 1)
fi
[ -f "$CLIP" ] || t_abort "clip" "no Opus clip"
cp "$CLIP" "$T_TMP/clip.opus"
chmod 0644 "$T_TMP/clip.opus"
chmod 0755 "$T_TMP"
LATER=$(($(date +%s) + 40 * 86400))	# past quarantine_retention (30 days)

# bad_manifest NAME: as the recorder, NAME.opus and a refused NAME.json (unknown source).
bad_manifest()
{
	as_user "$rec" cp "$T_TMP/clip.opus" "$SP/$1.opus"
	as_user "$rec" sh -c "printf '%s' '{\"recorded_at\": \"2026-10-26T11:07:01Z\", \"source\": \"nosuch\", \"audio\": \"$1.opus\"}' >'$SP/.t' && mv '$SP/.t' '$SP/$1.json'"
}

# --- a folder of the recorder's, and a descriptor of it kept -----------------
cat >"$T_TMP/hold.py" <<'EOF'
import os, sys
sp = sys.argv[1]
os.mkdir(sp + "/hold.dir")
d = os.open(sp + "/hold.dir", os.O_RDONLY | os.O_DIRECTORY)
print("ready", flush=True)
sys.stdin.readline()
fd = os.open("planted.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=d)
os.write(fd, b"written after the quarantine\n")
os.close(fd)
print("done", flush=True)
EOF
mkfifo "$T_TMP/hold.in"
as_user "$rec" /usr/bin/python3 "$T_TMP/hold.py" "$SP" <"$T_TMP/hold.in" >"$T_TMP/hold.out" 2>&1 &
hold_pid=$!
exec {hold_fd}>"$T_TMP/hold.in"
for _ in $(seq 1 100); do grep -q ready "$T_TMP/hold.out" && break; sleep 0.05; done
bad_manifest hold
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/hold.json" >/dev/null 2>&1
q=$(quarantine_of hold.json)
[ -n "$q" ] || t_abort "quarantine" "hold.json was not quarantined"
printf 'go\n' >&"$hold_fd"
exec {hold_fd}>&-
wait "$hold_pid"
assert_file "the manifest is quarantined" "$q/hold.json"
assert_file "with its audio" "$q/hold.opus"
assert_no_file "a folder of the recorder's is not moved into the register's quarantine" "$q/hold.dir"
assert_eq "nothing in the register is the recorder's" "" "$(find "$REG" -user "$rec" ! -path "$SP" ! -path "$SP/*")"
assert_file "the folder stays in the spool, where the recorder wrote" "$SP/hold.dir/planted.txt"
assert_contains "error.txt counts what was not kept" "$(cat "$q/error.txt")" "were not regular files"

# --- a hard link to a file elsewhere ------------------------------------------
# Moving a name of it would have made the register's owner own, and mode
# 0600, the file its other name is (here the recorder's own, outside the
# spool; with fs.protected_hardlinks = 0 anyone's).
mkdir -m 0755 "$T_TMP/elsewhere"
chown "$rec" "$T_TMP/elsewhere"
as_user "$rec" sh -c "echo 'a file of its own' >'$T_TMP/elsewhere/own.txt' && chmod 0644 '$T_TMP/elsewhere/own.txt'"
bad_manifest link
as_user "$rec" ln "$T_TMP/elsewhere/own.txt" "$SP/link.txt"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/link.json" >/dev/null 2>&1
q=$(quarantine_of link.json)
[ -n "$q" ] || t_abort "quarantine" "link.json was not quarantined"
assert_eq "a hard link is copied into the quarantine, the register owner's" "root 600 1" \
	"$(stat -c '%U %a %h' "$q/link.txt" 2>&1)"
assert_no_file "its name in the spool is gone" "$SP/link.txt"
assert_eq "the file its other name is keeps its owner, mode and text" "$rec 644 a file of its own" \
	"$(stat -c '%U %a' "$T_TMP/elsewhere/own.txt") $(cat "$T_TMP/elsewhere/own.txt")"

# --- a folder deeper than PATH_MAX ---------------------------------------------
as_user "$rec" /usr/bin/python3 -c '
import os, sys
os.chdir(sys.argv[1]); os.mkdir("deep.dir"); os.chdir("deep.dir")
for i in range(400):
    os.mkdir("a" * 20); os.chdir("a" * 20)
open("leaf", "w").write("x")' "$SP"
bad_manifest deep
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/deep.json" >/dev/null 2>&1
assert_ok "the deep folder's manifest is quarantined" quarantine_of deep.json
assert_ok "retention sweep past quarantine_retention" env RECFS_NOW=$LATER "$RECCTL" retention sweep -R "$REG"
assert_eq "erases the quarantined manifests whole" "" "$(ls "$REG/quarantine")"
assert_ok "and the next sweep succeeds too" env RECFS_NOW=$((LATER + 86400)) "$RECCTL" retention sweep -R "$REG"
t_done
