#!/bin/bash
# "What did user Y do" (`recctl audit show --user Y`) includes what Y did
# through su/sudo: an entry records Y then only as the login uid
# (login=UID), and --user matches it too (recctl(1) audit show: "The uid
# also matches the login uid").  An analyst who can `sudo -u` a service
# account with a level listens under that account; an officer runs recctl
# with sudo (its entries are root's): both are listed by --user NAME and
# --user UID, and the service account's own --user still lists its open.
# The login uid is set here as pam_loginuid sets it at login (root may
# write /proc/self/loginuid once while it is unset); setpriv stands for
# su/sudo, which keep it.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
need_unset_loginuid
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 3 --seed 11 --meetings 0
ingest_spool "$T_TMP/spool"
svc=$(make_level_user analysis)
person=$(make_plain_user person)
puid=$(id -u "$person")
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$svc" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the service account sees no recording"
h=$(q "SELECT handle FROM subject LIMIT 1")
(
	echo "$puid" >/proc/self/loginuid || exit 1
	as_user "$svc" cat "$f" >/dev/null
	"$RECCTL" subject show -R "$REG" "$h" --level-keyring "$KEYS/privacy.keyring" >/dev/null
) || t_abort "loginuid" "cannot set the login uid"
unmount_recfs "$MNT"

all=$("$RECCTL" audit show -R "$REG")
echo "$all" | grep "login=$puid" | sed 's/^/   /'
assert_eq "control: the open and the subject show carry the person's login uid" 2 \
	"$(grep -c "login=$puid " <<<"$all")"
by=$("$RECCTL" audit show -R "$REG" --user "$person")
assert_contains "--user NAME lists the person's open (as the service account)" "$by" " open "
assert_contains "--user NAME lists the person's subject show (through sudo)" "$by" "subject-show"
by=$("$RECCTL" audit show -R "$REG" --user "$puid")
assert_contains "--user UID lists the person's open" "$by" " open "
assert_contains "--user UID lists the person's subject show" "$by" "subject-show"
by=$("$RECCTL" audit show -R "$REG" --user "$svc" --action open)
assert_contains "--user of the service account still lists its open" "$by" " open "
other=$(make_plain_user other)
assert_eq "--user of another user lists none of it" "" "$("$RECCTL" audit show -R "$REG" --user "$other")"
t_done
