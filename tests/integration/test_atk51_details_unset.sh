#!/bin/bash
# Promise tried (Goal B): a subject's export holds every recording of the
# subject and the opens of them among its accesses, or fsck with the
# rights keyring / audit verify names the change (recctl(1) fsck, subject
# export; commit 434307d: "a subject the details name without a link ...
# --repair makes the links what the details say").
#
# Attack (root with write access to catalog.db, no key): check_links only
# reads a recording whose details_id is set, and the orphan check spares a
# record with an owner.  The subject's call has its details_id emptied (as
# a recording without details, which the schema allows), its details
# record given the recording as owner, and its link deleted.  The subject
# keeps a second call, so its card is not "without a recording".
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
second_call_setting

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "
	UPDATE record SET owner = '$rid' WHERE id = (SELECT details_id FROM recording WHERE id = '$rid');
	UPDATE recording SET details_id = '' WHERE id = '$rid';
	DELETE FROM link WHERE recording = '$rid';" || t_abort "tampering" "sqlite3 failed"

copy_checked
# fsck names it (on the build before it said 0 problems while the export
# left the call and its open out)
assert_eq "fsck with the rights keyring exits 1" 1 "$fsck_rc"
assert_contains "... naming the recording without details" "$(cat "$T_TMP/fsck.out")" "recording $rid has no details record"
t_done
