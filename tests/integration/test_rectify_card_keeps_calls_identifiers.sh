#!/bin/bash
# A subject's first call made its card (a phone number); a later call
# gave a work e-mail, kept in that call's details and in the blind index,
# by which the register finds the subject and links its next call.  The
# privacy officer sets the card's e-mail to her home address, then
# rectifies it (setfattr on the mount).
# Expected: the card's old e-mail goes, the new one comes, and the work
# e-mail the later call gave is the subject's still: `subject find` by it
# finds the subject, after `subject reindex` too, and a call giving it
# alone (with the name) is linked to the subject.  Seen before: the
# rectification dropped every e-mail entry of the subject (move_index),
# so the work e-mail found no one and its next call was a new subject
# (bld22's observation).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_call c1 "2026-11-20T10:00:00Z" \
	'{"role": "customer", "name": "Kaisa Kotiposti", "phone": "+358 40 333 1001"}'
ingest_call c2 "2026-11-21T10:00:00Z" \
	'{"role": "customer", "name": "Kaisa Kotiposti", "phone": "+358 40 333 1001", "email": "kaisa.k@tyo.example"}'
find_h() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | cut -f1; }
H=$(find_h "+358 40 333 1001")
[ -n "$H" ] && [ "$(find_h kaisa.k@tyo.example)" = "$H" ] || t_abort "data" "the second call is not the subject's"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "privacy: the card's e-mail set on the mount" \
	as_user "$dpo" setfattr -n user.recfs.email -v "kaisa@koti.example" "$MNT/by-subject/$H"
assert_eq "subject find by the card's e-mail finds the subject" "$H" "$(find_h kaisa@koti.example)"
assert_eq "subject find by the work e-mail still finds the subject" "$H" "$(find_h kaisa.k@tyo.example)"
assert_ok "privacy: the card's e-mail rectified on the mount" \
	as_user "$dpo" setfattr -n user.recfs.email -v "kaisa@uusi.example" "$MNT/by-subject/$H"
unmount_recfs "$MNT"
assert_eq "subject find by the new e-mail finds the subject" "$H" "$(find_h kaisa@uusi.example)"
assert_eq "subject find by the card's old e-mail finds no one" "" "$(find_h kaisa@koti.example)"
assert_eq "subject find by the work e-mail the later call gave still finds the subject" "$H" \
	"$(find_h kaisa.k@tyo.example)"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring" \
	--keyring "$KEYS/ingest.keyring"
assert_eq "... after which the work e-mail finds the subject" "$H" "$(find_h kaisa.k@tyo.example)"
assert_eq "... and the old one no one" "" "$(find_h kaisa@koti.example)"
ingest_call c3 "2026-11-22T10:00:00Z" '{"role": "customer", "name": "Kaisa Kotiposti", "email": "kaisa.k@tyo.example"}'
assert_eq "her next call giving the work e-mail alone is hers" "$H" "$(handle_of "$(id_at 2026-11-22T10:00:00Z)")"
t_done
