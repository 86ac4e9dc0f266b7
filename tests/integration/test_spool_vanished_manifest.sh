#!/bin/bash
# atk16 F2: writers_file (e3ed6a8) is skipped by ingest_quarantine when its
# lstat of the manifest fails (mst_ok 0).  A recorder whose refused
# manifest X.json is removed right after watch has looked at it (inotify:
# the manifest is opened by the ingest's read, then by unsettled_ms) has
# every X.* of any owner taken: another recorder's X.opus is moved into
# the quarantine folder, chowned to the register's owner and made 0600;
# the manifest is then missing, the quarantine is undone and that file
# moved back into the spool, now root's.  The other recorder's own
# manifest is refused for it ("belongs to another user than the manifest")
# and quarantined: recfs-manifest(5) says a refusal "leaves that file in
# the spool for its own manifest".
# Expected (what these checks assert): the other recorder's audio keeps
# its owner and its recording is ingested.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
T_USER_PREFIX=a16$$
make_group a16rec$$
for r in 1 2; do
	useradd -M -N -d / -s /bin/sh -g a16rec$$ "a16r$r$$" || t_abort "useradd" "recorder $r"
	T_USERS+=("a16r$r$$")
	printf '%s\n' "a16r$r$$" >>"$T_USER_LIST"
done
rec1=a16r1$$ rec2=a16r2$$
S=$REG/spool
chgrp a16rec$$ "$S" && chmod 3770 "$S"	# sticky: no recorder renames or removes another's file
chmod 0755 "$T_TMP/a" "$REG"
TOOL=$T_TMP/unlink_on_open
cc -O2 -o "$TOOL" "$T_ROOT/tests/integration/spool_unlink_on_open.c" || t_abort "cc" "unlink_on_open"
chmod 0755 "$TOOL" "$T_TMP"
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" >"$T_TMP/watch.log" 2>&1 &
T_DAEMONS+=("$!")
if [ -n "${ATK16_STRACE:-}" ]; then strace -f -tt -e trace=openat,newfstatat,lstat,rename,renameat2,read -p "$!" -o "${ATK16_STRACE:-}" & sleep 0.5; fi
clip=$T_TMP/clip.opus
cp "$T_ROOT/tests/fixtures/mono.opus" "$clip"
chmod 0644 "$clip"
H1=$(date -u +%Y-%m-%dT%H:%M:%SZ -d '-2 hour')
drop() { as_user "$1" sh -c 'umask 077; cat >"$2.tmp" && mv "$2.tmp" "$2"' sh "$1" "$2"; }

# The other recorder's audio, in the spool before its manifest.
as_user "$rec2" sh -c "umask 077; cp '$clip' '$S/meet-1.opus'"
owner0=$(stat -c %U "$S/meet-1.opus")
# The attacker's refused manifest of the same stem, removed at its K-th open.
# (large: its parse in unsettled_ms takes long enough for the unlink to land)
pad=$(head -c 700000 /dev/zero | tr '\0' a)
printf '{"recorded_at":"%s","source":"no-such-source","audio":"x.opus","title":"%s"}' "$H1" "$pad" |
	drop "$rec1" "$S/meet-1.json"
# watch tries it at once (refused, not settled: tried again 2 s later);
# the second try opens it to read it, then unsettled_ms opens it: then the
# unlink, 30 ms before ingest_quarantine's lstat.
sleep 1.2
as_user "$rec1" "$TOOL" "$S/meet-1.json" "${ATK16_K:-2}" 2>"$T_TMP/tool.err" &
tool=$!
for _ in $(seq 1 100); do kill -0 "$tool" 2>/dev/null || break; sleep 0.1; done
kill "$tool" 2>/dev/null
sleep 1
cat "$T_TMP/tool.err" >&2
cat "$T_TMP/watch.log" >&2
assert_eq "the other recorder's audio stays in the spool with its owner" "$owner0" \
	"$(stat -c %U "$S/meet-1.opus" 2>/dev/null || echo gone)"
# Its own manifest now.
printf '{"recorded_at":"%s","source":"customer-service","audio":"meet-1.opus"}' "$H1" | drop "$rec2" "$S/meet-1.json"
for _ in $(seq 1 100); do [ -e "$S/meet-1.json" ] || break; sleep 0.1; done
sleep 1
cat "$T_TMP/watch.log" >&2
assert_eq "the other recorder's recording is ingested" 1 "$(q "SELECT count(*) FROM recording")"
t_done
