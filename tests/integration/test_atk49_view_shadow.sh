#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --recording X --action
# open" (who listened), "audit show --user U" and subject export's
# accesses tell who opened a recording, and verify exits 1 whenever the
# log was changed so that these reports lie.
#
# Attack (root with write access to catalog.db, no key): leave every row
# as it is, rename the table audit to audit_r (ALTER TABLE, which moves
# its index with it), rebuild the index by recording on audit_r as a
# partial index without the analyst's open and put the full index's
# definition back with writable_schema (as test_audit_verify_index.sh
# does), then CREATE VIEW audit AS SELECT * FROM audit_r, with an INSTEAD
# OF INSERT trigger that writes new entries to audit_r (so that recctl and
# the mounts go on appending, sealing and exporting as before).  Every query
# recfs makes of "audit" now reads the view: verify reads every row
# through it in seq order (the chain, the head, the seals all match),
# while the reports by recording are flattened onto audit_r and read its
# tampered index.  verify's index check is PRAGMA integrity_check(audit),
# and "audit" is now a view: sqlite checks nothing and says "ok".
# Expected: verify, with the key or without, exits 1.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("
assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"

X=$T_TMP/x
cp -a "$REG" "$X"
partial=${index_sql/ ON audit(/ ON audit_r(}
sqlite3 "$X/catalog.db" "DROP INDEX audit_block_object;
	ALTER TABLE audit RENAME TO audit_r;
	$partial WHERE seq <> $seq;
	PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = '${index_sql/ ON audit(/ ON audit_r(}' WHERE name = 'audit_block_object';
	PRAGMA writable_schema = OFF;
	$AUDIT_VIEW_SQL" || fail "the tampering itself" "sqlite3 failed"
assert_eq "sqlite's quick check of the copy finds nothing" "ok" "$(sqlite3 "$X/catalog.db" "PRAGMA quick_check")"

# The attack works: the reports leave the open out, the listing has it.
reports_leave_out_the_open ""
listing_as_before ""
assert_contains "the other call's who-listened report still names the analyst" \
	"$("$RECCTL" audit show -R "$X" --recording "$rid2" --action open 2>&1)" "$analyst("

# verify must tell.
verify_finds_tampering ""

t_done
