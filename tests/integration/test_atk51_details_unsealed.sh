#!/bin/bash
# Promise tried (Goal B): a subject's export holds every recording of the
# subject and the opens of them among its accesses, or fsck with the
# rights keyring / audit verify names the change (recctl(1) fsck: "with
# keyrings ... each recording's links against the subjects its sealed
# details name"; commit 434307d).
#
# Attack (root with write access to catalog.db, no key): fsck reads a
# recording's details with verify_record, which says nothing when the
# record does not open for lack of a seal (-ENOKEY/-EACCES), and then
# skips check_links; no check asks that a details record keep a seal of
# the rights level (artifacts must).  The subject's call has every seal of
# its details record deleted and its link deleted; the subject keeps a
# second call, so its card is not "without a recording".
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
second_call_setting

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "
	DELETE FROM seal WHERE object = (SELECT details_id FROM recording WHERE id = '$rid');
	DELETE FROM link WHERE recording = '$rid';" || t_abort "tampering" "sqlite3 failed"

copy_checked
# fsck names it (on the build before it said 0 problems while the export
# left the call and its open out)
assert_eq "fsck with the rights keyring exits 1" 1 "$fsck_rc"
assert_contains "... naming the details record without its rights seal" "$(cat "$T_TMP/fsck.out")" "has no seal of the rights level"
t_done
