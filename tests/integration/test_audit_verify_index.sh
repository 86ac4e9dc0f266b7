#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --recording X --action
# open" is the "who listened" report, and verify tells when the log was
# changed.
#
# Attack (root with write access to catalog.db, as recctl(1) describes the
# attacker, no key needed): leave every row of the log as it is, so that
# the chain, the head, the seals and the anchors all still match, and
# rebuild the index the reports by recording read without the analyst's
# open: drop it, make it again as a partial index that leaves that entry
# out (or as an index of an expression that files it under another
# object), then put the full index's definition back into sqlite_schema
# with writable_schema.  sqlite then reads the index as the full one, and every
# report by recording (who listened, the export's accesses) leaves the
# open out, while the plain listing (read in seq order from the table)
# still prints it and sqlite's quick check finds nothing.
# Expected: verify, with the key or without, exits 1 and says that the
# table and its index do not agree, and recctl fsck (sqlite's integrity
# check) says the catalog is damaged; the genuine log verifies.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG"
assert_ok "... and with the key" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
assert_ok "fsck of the genuine register is clean" "$RECCTL" fsck -R "$REG"
assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("

# tamper NAME INDEX: a copy of the register ($X) whose index is INDEX
# (SQL) under the full index's definition.
tamper()
{
	X=$T_TMP/$1
	rm -rf "$X"
	cp -a "$REG" "$X"
	sqlite3 "$X/catalog.db" "DROP INDEX audit_block_object; $2;
		PRAGMA writable_schema = ON;
		UPDATE sqlite_schema SET sql = '$index_sql' WHERE name = 'audit_block_object';
		PRAGMA writable_schema = OFF;" || fail "$1: the tampering itself" "sqlite3 failed"
	assert_eq "$1: the copy's index reads as the full one again" "$index_sql" \
		"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'audit_block_object'")"
	assert_eq "$1: sqlite's quick check of the copy finds nothing" "ok" \
		"$(sqlite3 "$X/catalog.db" "PRAGMA quick_check")"
}

# check NAME: the attack works (the report leaves the open out, the
# listing has it), and verify tells.
check()
{
	assert_not_contains "$1: the who-listened report leaves the analyst out" "$(who_listened "$X")" "$analyst("
	listing_as_before "$1: "
	assert_contains "$1: the other call's who-listened report still names the analyst" \
		"$("$RECCTL" audit show -R "$X" --recording "$rid2" --action open 2>&1)" "$analyst("
	verify_finds_tampering "$1: " "do not agree (sqlite: row $seq missing from index audit_block_object)"
	assert_exit "$1: fsck of the copy exits 1" 1 "$RECCTL" fsck -R "$X"
	assert_contains "$1: ... naming the index" "$T_OUT" "audit_block_object"
}

# The index built without the entry (a partial index).
tamper partial "$index_sql WHERE seq <> $seq"
check "index without the entry"

# The index built with the entry under another object (an expression).
tamper expression "${index_sql%object)}CASE WHEN seq = $seq THEN 'x' ELSE object END)"
check "index with the entry under another object"

t_done
