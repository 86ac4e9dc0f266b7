#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --user U" tells what a
# user did (by the name the entries recorded, once the account is gone),
# and verify exits 1 whenever the log was changed so that the report lies.
#
# Attack (root with write access to catalog.db, no key): every row of the
# table and its index stay as they are.  Add a partial index on audit
# WHERE user IS NOT NULL, led by seq and holding every column AUDIT_COLS
# reads, user under COLLATE RTRIM: built first with an expression in
# user's place that stores the analyst's name with a trailing space for
# their open, then given the plain column's definition with
# writable_schema.  sqlite's integrity check looks each row up under the
# index's collation, finds the two names equal, and says ok.  "user = ?"
# implies the index's WHERE, so the report by user (a former user's name:
# no uid to match) scans this covering index in seq order, reads the name
# from it, compares under BINARY and leaves the open out; verify's
# unfiltered read cannot use a partial index and reads the table.
# Expected: verify, with the key or without, exits 1.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"
# The analyst leaves: their account is removed, their entries stay.
userdel "$analyst" 2>/dev/null
getent passwd "$analyst" >/dev/null && t_abort "userdel" "$analyst is still a user"
byuser() { "$RECCTL" audit show -R "$1" --user "$analyst" 2>&1; }
assert_contains "--user NAME of the former user lists the open" "$(byuser "$REG")" " $rid/"

COLS="time, uid, level, pid, comm, action, object, outcome, reason, hash, artifact, loginuid, time_us"
X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "CREATE INDEX audit_by_user ON audit(seq,
		(CASE WHEN seq = $seq THEN '$analyst ' ELSE user END), $COLS) WHERE user IS NOT NULL;
	PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = 'CREATE INDEX audit_by_user ON audit(seq, user COLLATE RTRIM, $COLS)'
		|| ' WHERE user IS NOT NULL' WHERE name = 'audit_by_user';
	PRAGMA writable_schema = OFF;" || fail "the tampering itself" "sqlite3 failed"
assert_eq "the copy's audit_block_object is the genuine one" "$index_sql" \
	"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'audit_block_object'")"
assert_eq "sqlite's integrity check of the copy's log finds nothing" "ok" \
	"$(sqlite3 "$X/catalog.db" "PRAGMA integrity_check(audit)")"

# The attack works: the report by user leaves the open out, the listing
# and the report by recording have it.
out=$(byuser "$X")
assert_not_contains "--user NAME leaves the open out" "$out" " $rid/"
assert_contains "--user NAME still lists the other open" "$out" " $rid2/"
listing_as_before ""

# verify must tell.
verify_finds_tampering ""

t_done
