#!/bin/bash
# atk57 F5: the listing check of atk56 (list_dir: ENOENT when the
# folder's node id is of another view) let a node id of view 0 through,
# taking it for a shared node (the root); but view 0 is also the copy of
# the tree of a caller of no level (tree_view(-1)), whose by-date,
# by-source and by-subject are folders of their own, not shared.  A
# process of no level (a plain user) that opened by-date on a mount of
# every level, became the analyst (as su does) and listed it, got the
# analyst's names, and readdirplus planted them under the no-level copy's
# folder in the kernel's cache: every plain user then stat'ed the year
# folder and the source folder of calls only analysis may hear (4 of 10
# checks failed).  The check now asks whether the folder is shared.  Root
# (of no level on this mount) with its working folder in by-subject,
# running ls there as the analyst, is refused the same way.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
analyst=$(make_level_user analysis)
plain=$(make_plain_user plain)
plain2=$(make_plain_user plain2)
ingest_json h1 '{"recorded_at": "2026-11-02T15:00:00Z", "source": "customer-service", "purpose": "service-level",
 "subjects": [{"role": "customer", "name": "Matti Meikäläinen", "phone": "+358401234567"}], "audio": "h1.opus"}'
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_eq "control: the analyst sees the year 2026 in by-date" "2026" "$(as_user "$analyst" ls "$MNT/by-date")"
pls() { as_user "$plain2" ls "$MNT/by-date" 2>&1 | tr '\n' ' '; }
pstat() { as_user "$plain2" stat -c '%F' "$1" 2>&1; }
assert_eq "before: a plain user lists no name in by-date" "" "$(pls)"
assert_contains "before: ... and stats no 2026" "$(pstat "$MNT/by-date/2026")" "No such file"

out=$(listed_by "$plain" "$analyst" "$MNT/by-date" "$MNT/by-source" 2>&1 | awk '{ print NF }')
assert_eq "the analyst's listings of a plain user's folders give no name (ENOENT, as for another level's)" \
	"0 0" "$(printf '%s' "$out" | tr '\n' ' ' | sed 's/ $//')"
assert_contains "after: another plain user stats no 2026 in by-date" "$(pstat "$MNT/by-date/2026")" "No such file"
assert_contains "after: ... nor its month" "$(pstat "$MNT/by-date/2026/11")" "No such file"
assert_contains "after: ... nor by-source's customer-service" "$(pstat "$MNT/by-source/customer-service")" \
	"No such file"

# The same by a common flow: root, whose cwd is by-subject (root is of no
# level on this mount), runs ls there as the analyst.
h=$(as_user "$analyst" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "data" "the analyst sees no subject folder"
assert_contains "before: a plain user stats no subject folder" "$(pstat "$MNT/by-subject/$h")" "No such file"
out=$(cd "$MNT/by-subject" && as_user "$analyst" ls 2>&1); echo "   ls said: $out"; out=$(printf "%s" "$out" | grep -c "^S-")
assert_eq "the analyst's ls in root's cwd lists nothing (another copy's folder)" 0 "$out"
assert_contains "after: a plain user stats no subject folder" "$(pstat "$MNT/by-subject/$h")" "No such file"
t_done
