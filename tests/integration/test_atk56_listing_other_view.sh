#!/bin/bash
# atk56: a folder held open (a descriptor kept across a change of uid, as
# su or a setuid program does, or passed) is of the copy of the tree of
# the level that opened it (views, fs/ops.c), and a listing of it by a
# caller of another level is ENOENT, as every other request on another
# copy's node id.  It was listed in the caller's level, and readdirplus
# planted the caller's entries under the other copy's folder in the
# kernel's cache, shared by every process for an hour:
#  1. upward: a trainer's folders listed by the analyst gave every
#     training user the day folders (by-date, by-source) and the subject
#     folder of calls only analysis may hear (3 of 8 checks failed);
#  2. downward: an analyst's folder listed by a trainer took the day's
#     folder away from every analyst (ENOENT; 4 of 5 checks failed).
# (readdir(3) takes ENOENT from getdents for a folder removed: the
# listing is empty.)
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
# one training call on the 2nd; analysis-only calls on the 2nd and the 3rd
customer_call c1 2026-11-02T10:00:00Z "Matti Meikäläinen" "+358401234567"
ingest_json h1 '{"recorded_at": "2026-11-02T15:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Matti Meikäläinen", "phone": "+358401234567"}], "audio": "h1.opus"}'
ingest_json h2 '{"recorded_at": "2026-11-03T15:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Liisa Salainen", "phone": "+358409999999"}], "audio": "h2.opus"}'
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
D=$MNT/by-date/2026/11
S=$MNT/by-source/customer-service/2026/11
hid=$(as_user "$analyst" ls "$D/02" | grep '^20261102T150000Z_.*\.opus$')
[ -n "$hid" ] || t_abort "data" "the analyst does not see the service-level call"
hsub=$(as_user "$analyst" ls "$MNT/by-subject" | grep -vx "$(as_user "$trainer" ls "$MNT/by-subject")")

tstat() { as_user "$trainer" stat -c '%s %Y' "$1" 2>&1; }
assert_contains "before: the training level has no folder for the 3rd" "$(tstat "$D/03")" "No such file"
assert_contains "before: ... nor a hidden name on the 2nd" "$(tstat "$D/02/$hid")" "No such file"

# A trainer's process inside the tree becomes the analyst (as su does) and
# lists the folders it holds open.
out=$(listed_by "$trainer" "$analyst" "$D" "$D/02" "$S" "$MNT/by-subject" 2>&1 | awk '{ print NF }')
assert_eq "the analyst's listings of the trainer's folders give no name (ENOENT, which readdir(3) takes for a folder gone)" \
	"0 0 0 0" "$(printf '%s' "$out" | tr '\n' ' ' | sed 's/ $//')"

# Fresh training processes, plain path walks from the mount point.
assert_contains "after: the 3rd's folder is still absent for training" "$(tstat "$D/03")" "No such file"
assert_contains "after: ... in by-source too" "$(tstat "$S/03")" "No such file"
assert_contains "after: the hidden call's name is still ENOENT for training" "$(tstat "$D/02/$hid")" "No such file"
assert_contains "after: ... and its .wav" "$(tstat "$D/02/${hid%.opus}.wav")" "No such file"
if [ -n "$hsub" ]; then
	assert_contains "after: the hidden subject's folder is still absent" "$(tstat "$MNT/by-subject/$hsub")" "No such file"
fi
assert_fails_with "after: opening the hidden call is refused as a missing name" "No such file" \
	as_user "$trainer" head -c 1 "$D/02/$hid"

# 2. downward, on the same mount
assert_eq "before: the analyst lists the 2nd (2 calls, .opus and .wav)" 4 "$(as_user "$analyst" ls "$D/02" | wc -l)"
out=$(listed_by "$analyst" "$trainer" "$D" 2>&1)
assert_eq "listing the analysis copy's folder as a trainer gives no name" "" "$out"

sleep 1
assert_eq "after: the analyst still lists the 2nd" 4 "$(as_user "$analyst" ls "$D/02" 2>/dev/null | wc -l)"
assert_ok "after: the analyst can stat the 2nd's folder" as_user "$analyst" stat "$D/02"
sleep 3
assert_ok "after 4 s: the analyst can stat the 2nd's folder" as_user "$analyst" stat "$D/02"
t_done
