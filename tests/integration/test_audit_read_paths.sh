#!/bin/bash
# Promise tried: recfs(8) "Every open, allowed or refused, is written to
# the register's audit log, with the recording id, the file, the caller's
# user, level, login uid and program"; recctl(1) `audit show --recording X
# --action open` is the who-listened report.
#
# Attack: an analyst reads one call each through ways other than plain
# cat: a bind mount of the mount, tar, find -exec, cp --reflink=auto
# (copy_file_range), dd iflag=direct, an O_PATH descriptor reopened through
# /proc/self/fd, and python's os.sendfile into a pipe.  Expected: after
# each, the who-listened report of that call has one more open of the
# analyst (its uid and user), with the right file.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for i in 1 2 3 4 5 6 7 8; do customer_call "c$i" "2026-11-0${i}T10:00:00Z" "Asiakas $i" "+35840123456$i"; done
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
BIND=$T_TMP/bind
mkdir -p "$BIND"
mount --bind "$MNT" "$BIND" || t_abort "bind" "mount --bind failed"
mapfile -t files < <(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ "${#files[@]}" = 8 ] || t_abort "data" "the analyst sees ${#files[@]} calls"
mkdir -p "$T_TMP/out"
chmod 0777 "$T_TMP/out"

opens() # FILE: the analyst's ok opens of FILE's call (its opus)
{
	local rid
	rid=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$1")
	"$RECCTL" audit show -R "$REG" --recording "$rid" --action open --user "$analyst" 2>/dev/null |
		grep -c " $rid/opus ok"
}

# way N NAME CMD...: run CMD as the analyst on file N, then check the log.
way()
{
	local n=$1 name=$2 f=${files[$1]} b a
	shift 2
	b=$(opens "$f")
	as_user "$analyst" "$@" >/dev/null 2>"$T_TMP/way.err" || echo "   ($name: $(head -c 300 "$T_TMP/way.err"))"
	sleep 1.3
	a=$(opens "$f")
	[ "$a" -gt "$b" ] && pass "$name: the open is in the who-listened report" ||
		fail "$name: the open is in the who-listened report" "$b before, $a after"
}

rel=${files[0]#"$MNT"/}
way 0 "cat through a bind mount" cat "$BIND/$rel"
way 1 "tar" tar -cf "$T_TMP/out/t.tar" -C / "${files[1]#/}"
way 2 "find -exec cat" find "$(dirname "${files[2]}")" -name "$(basename "${files[2]}")" -exec cat {} +
way 3 "cp --reflink=auto" cp --reflink=auto "${files[3]}" "$T_TMP/out/c.opus"
way 4 "dd iflag=direct" dd if="${files[4]}" of=/dev/null iflag=direct bs=4096
way 5 "O_PATH reopened through /proc/self/fd" /usr/bin/python3 -c '
import os, sys
p = os.open(sys.argv[1], os.O_PATH)
fd = os.open("/proc/self/fd/%d" % p, os.O_RDONLY)
assert os.read(fd, 4) == b"OggS"' "${files[5]}"
way 6 "sendfile into a pipe" /usr/bin/python3 -c '
import os, sys
r, w = os.pipe()
fd = os.open(sys.argv[1], os.O_RDONLY)
assert os.sendfile(w, fd, 0, 4096) > 0' "${files[6]}"
way 7 "splice through xargs and head" sh -c 'printf "%s\n" "$1" | xargs head -c 100' sh "${files[7]}"

umount "$BIND"
t_done
