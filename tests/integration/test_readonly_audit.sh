#!/bin/bash
# Every refusal is logged (DESIGN, the rights rules), the read-only ones
# too: create, mkdir, mknod, symlink, link, rename, truncate and utimes are
# EROFS and each is an audit entry with its action, outcome "refused" and
# reason EROFS; the object is the recording of the file named when the
# caller sees one, and the name the caller asked for (which may name a
# person) is never in the log.  rm of the notice (EROFS) and rmdir of a
# folder of the tree (ENOTEMPTY) are logged too.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 6 --seed 43
ingest_spool "$spool"
analyst=$(make_level_user analysis)
make_group recfs-training
make_group recfs-privacy
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

f=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the analyst sees no recording"
dir=${f%/*}
stem=${f##*/}
rid=$(q "SELECT id FROM recording WHERE id LIKE '$(printf '%s' "${stem%.opus}" | sed 's/.*_//')%'")
[ -n "$rid" ] || t_abort "data" "no id for $stem"
uid=$(id -u "$analyst")
who="Matti Meikäläinen 0401234567"

# refused ACTION OBJECT [N [ERRNO]]: the analyst's entries of ACTION
# (refused, ERRNO: EROFS by default) whose object is OBJECT ("" for none),
# once there are N (default 1) or 3 s have passed (the mount writes its
# entries every 250 ms).
refused()
{
	local obj="object IS NULL"
	[ -n "$2" ] && obj="object = '$2'"
	local sql="SELECT count(*) FROM audit WHERE action = '$1' AND outcome = 'refused' AND reason = '${4:-EROFS}'
		AND uid = $uid AND $obj"
	for _ in $(seq 1 30); do
		[ "$(q "$sql")" -ge "${3:-1}" ] && break
		sleep 0.1
	done
	q "$sql"
}

assert_fails_with "create is EROFS" "Read-only file system" as_user "$analyst" touch "$dir/$who"
assert_eq "the create is logged, with no object" "1" "$(refused create "")"
assert_fails_with "mkdir is EROFS" "Read-only file system" as_user "$analyst" mkdir "$dir/$who"
assert_eq "the mkdir is logged" "1" "$(refused mkdir "")"
assert_fails_with "mknod (a FIFO) is EROFS" "Read-only file system" as_user "$analyst" mkfifo "$dir/$who"
assert_eq "the mknod is logged" "1" "$(refused mknod "")"
assert_fails_with "symlink is EROFS" "Read-only file system" as_user "$analyst" ln -s "$who" "$dir/$who.lnk"
assert_eq "the symlink is logged" "1" "$(refused symlink "")"
assert_fails_with "link is EROFS" "Read-only file system" as_user "$analyst" ln "$f" "$dir/$who.opus"
assert_eq "the link is logged against the recording" "1" "$(refused link "$rid")"
assert_fails_with "rename is EROFS" "Read-only file system" as_user "$analyst" mv "$f" "$dir/$who.opus"
assert_eq "the rename is logged against the recording" "1" "$(refused rename "$rid")"
assert_fails_with "truncate(2) is EROFS" "Read-only file system" \
	as_user "$analyst" /usr/bin/python3 -c 'import os, sys; os.truncate(sys.argv[1], 0)' "$f"
assert_eq "the truncate is logged against the recording" "1" "$(refused truncate "$rid")"
assert_fails_with "utimes is EROFS" "Read-only file system" as_user "$analyst" touch -c -d 2020-01-01 "$f"
assert_eq "the utimes is logged against the recording" "1" "$(refused utimes "$rid")"
# A name in a folder the caller does not see: refused and logged, with no
# object (not even the folder's).
assert_fails_with "mkdir in the root is EROFS" "Read-only file system" as_user "$analyst" mkdir "$MNT/$who"
assert_eq "and logged" "2" "$(refused mkdir "" 2)"

# Removals that are no erasure: the notice, a folder of the tree.
assert_fails_with "rm of README.txt is EROFS" "Read-only file system" as_user "$analyst" rm -f "$MNT/README.txt"
assert_eq "and logged as a refused erasure of nothing" "1" "$(refused erase "")"
day=${dir#"$MNT"/}
assert_fails_with "rmdir of a day folder is ENOTEMPTY" "Directory not empty" as_user "$analyst" rmdir "$dir"
assert_eq "and logged" "1" "$(refused rmdir "" 1 ENOTEMPTY)"
echo "   (rmdir of $day)"

log=$("$RECCTL" audit show -R "$REG" 2>&1)
assert_not_contains "the names asked for are not in the log" "$log" "Matti"
assert_not_contains "nor the number" "$log" "0401234567"
assert_eq "nor in the catalog's audit table" "0" \
	"$(q "SELECT count(*) FROM audit WHERE object LIKE '%Matti%' OR artifact LIKE '%Matti%' OR reason LIKE '%Matti%'")"
assert_eq "the file is still there, unchanged" "$(q "SELECT count(*) FROM recording WHERE id = '$rid'")" "1"

unmount_recfs "$MNT"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
