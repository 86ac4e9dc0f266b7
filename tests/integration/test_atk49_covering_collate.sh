#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --recording X --action
# open" (who listened) and subject export's accesses tell who opened a
# recording, and verify exits 1 whenever the log was changed so that these
# reports lie; its index check (PRAGMA integrity_check(audit)) is there for
# indexes rebuilt by hand.
#
# Attack (root with write access to catalog.db, no key): every row of the
# table stays as it is, and so does the index audit_block_object.  Add one
# more index on audit that holds every column AUDIT_COLS reads, led by
# ((seq >> 16), object) like audit_block_object, with action under a
# collation other than the column's (RTRIM, or NOCASE): built first with an
# expression in action's place that stores "open " (or "oPEN") for the
# analyst's open, then given the plain column's definition with
# writable_schema.  sqlite's integrity check looks each row up in the index
# under the index's collation, finds "open " equal to "open" and says ok;
# the report by recording is a covering-index search of it, reads action
# from the index and compares it with "open" under the column's BINARY
# collation, and leaves the entry out.  verify reads the table.
# The same with user under NOCASE, the name stored in capitals: the report
# by recording then names another user (user names are case-sensitive).
# Expected: verify, with the key or without, exits 1.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"

COLS="seq, time, uid, user, level, pid, comm, outcome, reason, hash, artifact, loginuid, time_us"

# tamper NAME COLLATION VALUE: a copy of the register ($X) with the
# covering index, action under COLLATION, VALUE stored for the open.
tamper()
{
	X=$T_TMP/$1
	rm -rf "$X"
	cp -a "$REG" "$X"
	sqlite3 "$X/catalog.db" "CREATE INDEX audit_cover ON audit((seq >> 16), object,
			(CASE WHEN seq = $seq THEN '$3' ELSE action END), $COLS);
		PRAGMA writable_schema = ON;
		UPDATE sqlite_schema SET sql = 'CREATE INDEX audit_cover ON audit((seq >> 16), object, action COLLATE $2, $COLS)'
			WHERE name = 'audit_cover';
		PRAGMA writable_schema = OFF;" || fail "$1: the tampering itself" "sqlite3 failed"
	assert_eq "$1: the copy's audit_block_object is the genuine one" "$index_sql" \
		"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'audit_block_object'")"
	assert_eq "$1: sqlite's integrity check of the copy's log finds nothing" "ok" \
		"$(sqlite3 "$X/catalog.db" "PRAGMA integrity_check(audit)")"
}

# check NAME: the attack works (the report leaves the open out, the
# listing has it), and verify tells.
check()
{
	reports_leave_out_the_open "$1: "
	listing_as_before "$1: "
	assert_contains "$1: the other call's who-listened report still names the analyst" \
		"$("$RECCTL" audit show -R "$X" --recording "$rid2" --action open 2>&1)" "$analyst("
	verify_finds_tampering "$1: "
}

tamper rtrim RTRIM "open "
check "action under RTRIM"

tamper nocase NOCASE "oPEN"
check "action under NOCASE"

# Misnamed: user under NOCASE in the covering index, stored in capitals.
X=$T_TMP/misname
cp -a "$REG" "$X"
C1="seq, time, uid"
C2="level, pid, comm, outcome, reason, hash, artifact, loginuid, time_us"
sqlite3 "$X/catalog.db" "CREATE INDEX audit_cover ON audit((seq >> 16), object, action, $C1,
		(CASE WHEN seq = $seq THEN '${analyst^^}' ELSE user END), $C2);
	PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = 'CREATE INDEX audit_cover ON audit((seq >> 16), object, action, $C1,'
		|| ' user COLLATE NOCASE, $C2)' WHERE name = 'audit_cover';
	PRAGMA writable_schema = OFF;" || fail "misname: the tampering itself" "sqlite3 failed"
assert_eq "misname: sqlite's integrity check of the copy's log finds nothing" "ok" \
	"$(sqlite3 "$X/catalog.db" "PRAGMA integrity_check(audit)")"
out=$(who_listened "$X")
assert_contains "misname: the who-listened report names ${analyst^^}" "$out" "${analyst^^}("
assert_not_contains "misname: ... and not the analyst" "$out" "$analyst("
assert_exit "misname: audit verify of the copy exits 1" 1 "$RECCTL" audit verify -R "$X"
assert_exit "misname: audit verify --verify-key of the copy exits 1" 1 \
	"$RECCTL" audit verify -R "$X" --verify-key "$VKEY"

t_done
