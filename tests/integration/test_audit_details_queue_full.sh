#!/bin/bash
# A read of sealed attributes (user.recfs.title, .subject_names, a card's
# phone: personal data) is answered only once its audit entry is
# journalled, as an open is (atk17 F1).  While the audit queue is full (the
# register's disk full and 65,536 entries waiting, which a level user can
# bring about with refused opens) such reads are refused with ENOSPC, not
# answered with an entry only counted; and their quiet window (fs/quiet.c)
# names nothing, so that the same read once the log can be written again
# is logged, not silent for QUIET_WINDOW.  Here a file fills the disk.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
DISK=$T_TMP/disk
t_tmpfs "$DISK" 48m

make_register "$DISK/a"
gen_manifests "$T_TMP/spool" 4 --seed 7 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
mapfile -t files < <(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ "${#files[@]}" -ge 3 ] || t_abort "data" "the analysis level sees fewer than 3 recordings"
f=${files[0]} g=${files[1]} h=${files[2]}
g_id=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$g" 2>/dev/null)
h_id=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$h" 2>/dev/null)
[ -n "$g_id" ] && [ -n "$h_id" ] || t_abort "ids" "no user.recfs.id"

# Control: with room on the disk a details read is logged.
v=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$g" 2>/dev/null)
[ -n "$v" ] || t_abort "details" "the analyst reads no subject_names of $g"

dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null
as_user "$analyst" /usr/bin/python3 -c '
import os, sys
for i in range(70000):
    try:
        os.close(os.open(sys.argv[1], os.O_RDONLY))
    except OSError:
        pass' "$f"
out=$(as_user "$analyst" cat "$f" 2>&1 >/dev/null)
assert_contains "the queue is full: an open is ENOSPC" "$out" "No space left on device"

# The reads under test.
title=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.title "$h" 2>&1)
names=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$h" 2>&1)
echo "   read with the queue full: title='$title' subject_names='$names'"
handle=$(as_user "$analyst" ls "$MNT/by-subject" 2>/dev/null | head -n 1)
phone=
[ -n "$handle" ] && phone=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.phone \
	"$MNT/by-subject/$handle" 2>&1)
echo "   card read with the queue full: $handle phone='$phone'"
leaked=0
[ -n "$names" ] && ! grep -q "No space" <<<"$names" && leaked=1

rm -f "$DISK/filler"
for _ in $(seq 1 100); do
	as_user "$analyst" cat "$f" >/dev/null 2>&1 && break
	sleep 0.1
done
sleep 2
# The same read again, with the log writable: within the quiet window.
again=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$h" 2>&1)
echo "   read again with room: subject_names='$again'"
unmount_recfs "$MNT"

show_g=$("$RECCTL" audit show -R "$REG" --recording "$g_id" --action details)
echo "$show_g" | sed 's/^/   g: /'
assert_eq "control: the details read of g with room is logged" 1 \
	"$(grep -c " $analyst(.*details $g_id ok" <<<"$show_g")"
show_h=$("$RECCTL" audit show -R "$REG" --recording "$h_id")
echo "$show_h" | sed 's/^/   h: /'
assert_eq "the subject names read with the queue full are refused, not answered" 0 "$leaked"
assert_contains "with ENOSPC" "$names" "No space left on device"
assert_contains "so is the title" "$title" "No space left on device"
assert_eq "the read again with room (same window) is logged" 1 \
	"$(( $(grep -c " $analyst(.*details $h_id ok" <<<"$show_h") >= 1 ))"
[ -n "$handle" ] && assert_contains "so is the card's phone" "$phone" "No space left on device"
by_user=$("$RECCTL" audit show -R "$REG" --user "$analyst" --action details)
assert_contains "what did the analyst read: h is among it" "$by_user" "$h_id"
t_done
