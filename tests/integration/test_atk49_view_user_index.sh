#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --user U" (what a user
# did, by name or by uid), "audit show --recording X --action open" (who
# listened) and subject export's accesses tell who opened a recording, and
# verify exits 1 whenever the log was changed so that these reports lie.
#
# Attack (root with write access to catalog.db, no key): every row stays
# as it is.  Rename the table audit to audit_r and put a view named audit
# over it (SELECT * FROM audit_r, an INSTEAD OF INSERT trigger writing
# through), so that verify's PRAGMA integrity_check(audit) checks a view,
# that is nothing.  Then add indexes on audit_r(user), (uid) and
# (loginuid), each built as a partial index without the analyst's open,
# their WHERE cut from their definitions with writable_schema, and
# sqlite_stat1 rows saying each is selective: the report by user
# ("user = ? OR uid = ? OR loginuid = ?") is then planned as a
# MULTI-INDEX OR over them and leaves the open out, while verify reads
# every row of the table through the view in seq order.  (The index by
# recording is left whole here: test_atk49_view_shadow.sh tampers with it.)
# Expected: verify, with the key or without, exits 1.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
uid=$(id -u "$analyst")

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("
assert_contains "--user NAME lists the open" "$("$RECCTL" audit show -R "$REG" --user "$analyst" 2>&1)" " $rid/"
assert_contains "--user UID lists the open" "$("$RECCTL" audit show -R "$REG" --user "$uid" 2>&1)" " $rid/"
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "ALTER TABLE audit RENAME TO audit_r;
	CREATE INDEX audit_user ON audit_r(user) WHERE seq <> $seq;
	CREATE INDEX audit_uid ON audit_r(uid) WHERE seq <> $seq;
	CREATE INDEX audit_loginuid ON audit_r(loginuid) WHERE seq <> $seq;
	PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = substr(sql, 1, instr(sql, ' WHERE ') - 1)
		WHERE name IN ('audit_user', 'audit_uid', 'audit_loginuid');
	PRAGMA writable_schema = OFF;
	$AUDIT_VIEW_SQL
	ANALYZE;
	DELETE FROM sqlite_stat1 WHERE tbl = 'audit_r';
	INSERT INTO sqlite_stat1 VALUES ('audit_r', 'audit_block_object', '1000000 100000 1'),
		('audit_r', 'audit_user', '1000000 1'), ('audit_r', 'audit_uid', '1000000 1'),
		('audit_r', 'audit_loginuid', '1000000 1');" \
	|| fail "the tampering itself" "sqlite3 failed"
assert_eq "the definitions read as full indexes" "0" \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '% WHERE %' AND tbl_name = 'audit_r'")"
assert_eq "sqlite's quick check of the copy finds nothing" "ok" "$(sqlite3 "$X/catalog.db" "PRAGMA quick_check")"

# The attack works: the reports leave the open out, the listing has it.
assert_not_contains "--user NAME leaves the open out" "$("$RECCTL" audit show -R "$X" --user "$analyst" 2>&1)" " $rid/"
assert_not_contains "--user UID leaves the open out" "$("$RECCTL" audit show -R "$X" --user "$uid" 2>&1)" " $rid/"
assert_contains "--user UID still lists the other open" "$("$RECCTL" audit show -R "$X" --user "$uid" 2>&1)" " $rid2/"
listing_as_before ""

# verify must tell.
verify_finds_tampering ""

t_done
