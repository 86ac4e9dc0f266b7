#!/bin/bash
# Promise tried (Goal D): recctl fsck with the rights keyring finishes in
# time on a register root has tampered with: the log it reads is bounded
# ("a bound on a log edited by hand", audit_handles_before; commit
# 434307d).
#
# Attack (root with write access to catalog.db, no level key): many "ok"
# merge-subject entries on subject H (atk51 used 200,000), each "from=" a
# different handle, appended with recfs's own audit_log() (put_audit, no
# keyring), and one link of the other person's call to H.  On the build
# before, audit_handles_before bounded the handles it walked (256), not
# those it collected, and checked each new one against the whole list:
# with 200,000, fsck took 0.35 s before the link, about 74 s after it, and
# as long again for each further recording so linked; the export's own
# walk of merges (its accesses) over 300 s.  Now past 1024 handles both
# stop and say so; and the export takes the subject's merges from its
# sealed card (SUBJECT_CARD_MERGED), so only a card an older recfs made
# (none listed) walks the log's.  The test appends 5,000, enough to pass
# the bound (200,000 took over 30 s under ASan); its timeouts only guard
# against a hang.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
"$T_BUILD/test/put_audit" "$REG" merge-subject "$handle" ok "from=S-%06X recordings=1 restricted=0" 5000 ||
	t_abort "put_audit" "failed"
s=$(date +%s)
assert_ok "fsck with the rights keyring before the link" timeout 120 "$RECCTL" fsck -R "$REG" --keyring "$PK"
echo "fsck before the link: $(($(date +%s) - s)) s"
mkdir -p "$T_TMP/e" "$T_TMP/e2"
assert_ok "the export of the subject ends within 120 s, its card listing no merge" \
	timeout 120 "$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/e" --level-keyring "$PK"
"$T_BUILD/test/put_card" "$REG" "$PK" "$handle" merged_from || t_abort "put_card" "failed"
assert_exit "with an older card, the export ends within 120 s (exit 1, not 124: its accesses walk the merges)" 1 \
	timeout 120 "$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/e2" --level-keyring "$PK"
assert_contains "... saying the log ties too many subjects to it" "$T_OUT" "ties more than 1024 subjects to $handle"
assert_eq "... and logging the refused export" 1 "$(q "SELECT count(*) FROM audit WHERE action = 'export'
	AND object = '$handle' AND outcome = 'refused' AND reason LIKE '%more than 1024 subjects%'")"
sqlite3 "$REG/catalog.db" "INSERT INTO link (recording, handle, role) VALUES ('$rid2', '$handle', 'customer')" ||
	t_abort "tampering" "sqlite3 failed"
s=$(date +%s)
assert_exit "fsck with the rights keyring names the link within 120 s (exit 1, not 124: timeout)" 1 \
	timeout 120 "$RECCTL" fsck -R "$REG" --keyring "$PK"
echo "fsck after the link: $(($(date +%s) - s)) s"
assert_contains "... naming it" "$T_OUT" \
	"recording $rid2 is linked to subject $handle, which its sealed details do not name"
t_done
