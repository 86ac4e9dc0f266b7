#!/bin/bash
# Promise tried: a file's node in the mount's snapshot is shorter than a
# folder's (tree.h: no kids, no subject's handle), and nothing a caller
# does through the mount makes the daemon read a folder's field of it.
# Under AddressSanitizer (CI's second stage) such a read is a
# heap-buffer-overflow and the daemon's report fails unmount_recfs.
#
# Attack, as users of two levels and as the privacy officer, on a call's
# .opus and .wav inside a subject's folder: treat the file as a folder
# (list it, walk into it, open it as a directory, read its entries through
# a descriptor, make and remove folders in it, remove it as a folder), and
# treat it as the subject's folder it sits in (the card's rectification
# attributes set and removed on the file, which on the folder would change
# the subject's card).  Expected: each is refused with its errno (ENOTDIR
# from the kernel, EPERM or ENOTSUP from the daemon for the card's
# attributes, logged with the recording and the errno), the card is not
# changed, and the daemon goes on serving.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 6 --seed 11
ingest_spool "$spool"
analyst=$(make_level_user analysis)
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# A subject with a call the training level sees too, so that all three
# levels try it (handles are random: the first in a listing may be one
# whose calls training is not shown, and its checks would be skipped).
h= opus= wav=
for s in $(as_user "$analyst" ls "$MNT/by-subject"); do
	o=$(as_user "$dpo" find "$MNT/by-subject/$s" -name '*.opus' | head -n 1)
	w=$(as_user "$dpo" find "$MNT/by-subject/$s" -name '*.wav' | head -n 1)
	[ -n "$o" ] && [ -n "$w" ] || continue
	[ -z "$h" ] && h=$s opus=$o wav=$w
	if as_user "$trainer" test -e "$o" && as_user "$trainer" test -e "$w"; then
		h=$s opus=$o wav=$w
		break
	fi
done
[ -n "$h" ] || t_abort "data" "no subject with an .opus and a .wav in its folder"
assert_ok "the training level sees the call tried (so all three levels try it)" as_user "$trainer" test -e "$opus"
rid=$(basename "$opus" .opus | grep -o '[0-9a-f]\{8\}$')
card() { as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.name "$MNT/by-subject/$h" 2>&1; }
name_before=$(card)
[ -n "$name_before" ] || t_abort "data" "the subject's card has no name"

for f in "$opus" "$wav"; do
	k=${f##*.}
	for who in "$analyst" "$trainer" "$dpo"; do
		# The training level may not see this call: then ENOENT, as for any
		# name it is not shown, before any question of folders.
		as_user "$who" test -e "$f" || continue
		assert_fails_with "$k, $who: ls of the file as a folder" "Not a directory" as_user "$who" ls "$f/"
		assert_fails_with "$k, $who: a name inside the file" "Not a directory" as_user "$who" stat "$f/x"
		assert_fails_with "$k, $who: mkdir inside the file" "Not a directory" as_user "$who" mkdir "$f/x"
		assert_fails_with "$k, $who: rmdir of the file" "Not a directory" as_user "$who" rmdir "$f"
		assert_fails_with "$k, $who: open(O_DIRECTORY) of the file" "NotADirectoryError" \
			as_user "$who" /usr/bin/python3 -c 'import os, sys; os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)' "$f"
		assert_fails_with "$k, $who: getdents on a descriptor of the file" "NotADirectoryError" \
			as_user "$who" /usr/bin/python3 -c 'import os, sys; os.listdir(os.open(sys.argv[1], os.O_RDONLY))' "$f"
	done
	# The card's attributes set on the file, by the one level that may
	# rectify a card: not a rectification of the subject.
	assert_fails_with "$k: the officer's user.recfs.name set on the file is refused" "Operation not" \
		as_user "$dpo" setfattr -n user.recfs.name -v "Mallory Example" "$f"
	# Removed: EPERM where the file shows the attribute (the call's own
	# details), ENODATA where it does not (the .wav).
	assert_exit "$k: ... and removed" 1 as_user "$dpo" setfattr -x user.recfs.name "$f"
	assert_match "$k: ... with Operation not permitted or No such attribute" "$T_OUT" \
		"(Operation not permitted|No such attribute)"
	assert_eq "$k: the subject's card keeps its name" "$name_before" "$(card)"
done
assert_ok "the daemon still lists the subject's folder" as_user "$analyst" ls "$MNT/by-subject/$h"
assert_ok "... and reads the call" as_user "$analyst" sh -c 'cat "$1" >/dev/null' sh "$opus"
unmount_recfs "$MNT"

# Each refused change is logged by the officer's name, on the recording
# (not the subject's handle), with its errno; no rectification was made.
log=$("$RECCTL" audit show -R "$REG" --user "$dpo" --json 2>/dev/null)
refused=$(printf '%s' "$log" | jq -r '.[] | select(.outcome == "refused") | .action + " " + (.object // "") + " " + (.reason // "")')
assert_match "the refused setxattr is logged on the recording with its errno" "$refused" \
	"setxattr [0-9a-f]*$rid[0-9a-f]* E(PERM|NOTSUP)"
assert_match "... and the refused removexattr" "$refused" "removexattr [0-9a-f]*$rid[0-9a-f]* E(PERM|NOTSUP|NODATA)"
assert_eq "no rectification is logged" "" "$(printf '%s' "$log" | jq -r '.[] | select(.action == "rectify") | .action')"
t_done
