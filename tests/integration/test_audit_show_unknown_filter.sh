#!/bin/bash
# `recctl audit show --recording X --action open` is the "who listened"
# report (recctl(1)).  A filter that can match nothing because it names no
# action the log has, or no user this host or the log knows, must not answer
# with an empty report and exit status 0, which reads as "nobody listened":
# it is refused with one line on stderr, as a malformed --since is.  A
# user name whose uid made entries under another name (a renamed user, or
# a uid given to a new user) gets them with a note saying so (bb6 F13).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 4 --seed 3
ingest_spool "$spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "no recording the analyst sees"
as_user "$analyst" cat "$f" >/dev/null || t_abort "read" "the analyst cannot read $f"
unmount_recfs "$MNT"
rid=$(rid_of "$f")

assert_ok "the who-listened report lists the analyst" "$RECCTL" audit show -R "$REG" --recording "$rid" --action open
assert_contains "(the entry)" "$T_OUT" "$analyst"

out=$("$RECCTL" audit show -R "$REG" --recording "$rid" --action listen 2>&1)
rc=$?
if [ $rc -ne 0 ]; then pass "--action of no action the log has is refused"; else
	fail "--action of no action the log has is refused" "exit 0, output '$out'"; fi

out=$("$RECCTL" audit show -R "$REG" --user "${T_USER_PREFIX}nosuchuser" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then pass "--user of a name nobody has is not a silent empty answer"; else
	fail "--user of a name nobody has is not a silent empty answer" "exit 0 and no output"; fi
assert_ok "an action recfs writes that the log has no entry of yet (no erasure) is an empty answer (atk21)" \
	"$RECCTL" audit show -R "$REG" --action erase
assert_eq "(nothing printed)" "" "$T_OUT"
assert_eq "... and [] as JSON" "[]" "$("$RECCTL" audit show -R "$REG" --action erase --json | tr -d ' \n')"
assert_ok "an action the log has, with nothing to show for the recording, is an empty answer" \
	"$RECCTL" audit show -R "$REG" --recording "$rid" --action ingest --until 2000-01-01
assert_eq "(nothing printed)" "" "$T_OUT"

renamed="${analyst}r"
usermod -l "$renamed" "$analyst" || t_abort "usermod" "cannot rename $analyst"
T_USERS+=("$renamed")
printf '%s\n' "$renamed" >>"$T_USER_LIST"
note=$("$RECCTL" audit show -R "$REG" --user "$renamed" 2>&1 >/dev/null)
assert_contains "--user of a renamed user says its uid's entries name another user" "$note" \
	"recorded under another user name by uid"
assert_match "... and shows them" "$("$RECCTL" audit show -R "$REG" --user "$renamed" 2>/dev/null)" \
	" $analyst\\([0-9]+\\) .* open $rid"
# The name given to a new user with another uid: the former holder's
# entries are listed under it, with a note saying another uid made them
# (atk21).
old_uid=$(id -u "$renamed")
userdel "$renamed" || t_abort "userdel" "cannot delete $renamed"
useradd -M -N -d / -s /bin/sh -u $((old_uid + 7)) -g recfs-analysis "$analyst" || t_abort "useradd" "cannot re-create $analyst"
note=$("$RECCTL" audit show -R "$REG" --user "$analyst" 2>&1 >/dev/null)
assert_contains "--user of a name a new uid holds says the entries listed were made by another uid" "$note" \
	"made under the name $analyst by another uid"
t_done
