#!/bin/bash
# An erasure leaves every view within a second (issue 10), the eraser's
# own included: after `rm X.wav` by the rights level, a stat of X.opus or
# X.chat.txt says ENOENT to every level, while `rm -r` of a subject still
# unlinks each name it listed (the other names of an erased recording).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 80 --seed 11 --meetings 0.4
ingest_spool "$spool"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# In a subject's folder, which keeps other recordings: a folder that
# empties goes away itself, which hides what a name alone would show.
# A meeting (with a chat) and a call the training level sees, from
# folders of at least two recordings.
pick()
{
	local d
	for d in $(as_user "$dpo" find "$MNT/by-subject" -mindepth 1 -maxdepth 1 -type d | sort); do
		[ "$(as_user "$dpo" ls "$d" | grep -c '\.opus$')" -ge 2 ] || continue
		as_user "$1" find "$d" -name "$2" | sort | head -n 1
	done | head -n 1
}
m=$(pick "$dpo" '*.chat.txt')
m=${m%.chat.txt}
c=$(pick "$trainer" '*_customer-service_*.opus')
c=${c%.opus}
[ -n "$m" ] && [ -n "$c" ] || t_abort "data" "no subject with two recordings, one of them a meeting"

# gone USER PATH: 0 when a stat of PATH by USER says ENOENT.  (A statx
# that asks for no attribute at all, such as stat -c %n, is answered from
# the kernel's entry alone: a plain stat asks for the attributes.)
gone()
{
	case $(as_user "$1" stat "$2" 2>&1) in
	*"No such file or directory"*) return 0 ;;
	*) return 1 ;;
	esac
}

# erased_within NAME USER PATH START: PATH is gone for USER within a second
# of START (polled up to 15 s, so that a failure says how long it took).
erased_within()
{
	if poll_since "$4" 15000 gone "$2" "$3" && [ "$T_MS" -le 1000 ]; then
		pass "$1 ($T_MS ms)"
	else
		fail "$1" "still there after $T_MS ms"
	fi
}

# Every view has the names in its caches: listed and looked at.
for u in "$trainer" "$analyst" "$dpo"; do
	as_user "$u" ls -lR "$MNT" >/dev/null 2>&1
done
as_user "$dpo" stat "$m.opus" "$m.chat.txt" "$c.opus" "$c.wav" >/dev/null ||
	t_abort "setup" "the privacy level does not see the recordings"
as_user "$analyst" stat "$m.opus" >/dev/null || t_abort "setup" "the analysis level does not see the meeting"

t0=$(now_ns)
assert_ok "privacy: rm of a meeting's WAV view erases it" as_user "$dpo" rm "$m.wav"
erased_within "analysis: the .opus is ENOENT within 1 s" "$analyst" "$m.opus" "$t0"
erased_within "the eraser's stat of the .opus is ENOENT within 1 s" "$dpo" "$m.opus" "$t0"
erased_within "the eraser's stat of the .chat.txt is ENOENT within 1 s" "$dpo" "$m.chat.txt" "$t0"

t0=$(now_ns)
assert_ok "privacy: rm of a call's audio erases it" as_user "$dpo" rm "$c.opus"
erased_within "training: the .opus is ENOENT within 1 s" "$trainer" "$c.opus" "$t0"
erased_within "the eraser's stat of the .wav is ENOENT within 1 s" "$dpo" "$c.wav" "$t0"
assert_fails_with "the eraser's cat of the .wav is ENOENT" "No such file or directory" as_user "$dpo" cat "$c.wav"

# rm -r lists a subject's folder, then unlinks each name: the second name
# of each recording is already erased and still unlinks cleanly.
h=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
assert_ok "privacy: rm -r of a subject's folder" as_user "$dpo" rm -r "$MNT/by-subject/$h"
assert_fails_with "the subject's folder is gone" "No such file or directory" as_user "$dpo" ls "$MNT/by-subject/$h"

unmount_recfs "$MNT"
t_done
