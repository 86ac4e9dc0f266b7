#!/bin/bash
# Promise tried: recctl(1) audit verify: "audit show --user U" tells what U
# did, and verify exits 1 whenever the log was changed so that a report
# lies.  Its storage check refuses a collation on a column the index
# audit_block_object inherits (object), not on the others.
#
# Attack (root with write access to catalog.db, no key): a second user
# whose name is the analyst's in capitals (useradd --badname) opens a call;
# the log is sealed.  Then, with writable_schema, the table's CREATE TABLE
# text declares user TEXT COLLATE NOCASE.  No row changes, the index is the
# genuine one, sqlite's integrity check says ok; "user = ?" now compares
# without case, so "--user <analyst>" lists the other user's open as well,
# and "--user <ANALYST>" lists the analyst's.
# Expected: verify, with the key or without, and with the anchor, exits 1.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"

upper=${analyst^^}
useradd --badname -M -N -d / -s /bin/sh -g recfs-analysis "$upper" || t_abort "useradd" "$upper"
T_USERS+=("$upper")
printf '%s\n' "$upper" >>"$T_USER_LIST"
mount_all_levels "$T_TMP/a/mnt2"
f=$(as_user "$upper" find "$T_TMP/a/mnt2/by-date" -name '*.opus' | head -1)
as_user "$upper" cat "$f" >/dev/null || t_abort "cat" "$upper cannot read $f"
unmount_recfs "$T_TMP/a/mnt2"
sleep 1.5
"$RECCTL" audit seal -R "$REG" >/dev/null 2>&1 || t_abort "audit seal" "failed"
anchor=$("$RECCTL" audit head -R "$REG" 2>/dev/null | grep '^recfs-audit-anchor ')

assert_ok "the genuine log verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"
out=$("$RECCTL" audit show -R "$REG" --user "$analyst" --action open 2>&1)
assert_contains "--user $analyst lists the analyst's opens" "$out" "$analyst("
assert_not_contains "... and not $upper's" "$out" "$upper("
out=$("$RECCTL" audit show -R "$REG" --user "$upper" --action open 2>&1)
assert_contains "--user $upper lists $upper's open" "$out" "$upper("
assert_not_contains "... and not the analyst's" "$out" "$analyst("

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = replace(sql, 'user TEXT,', 'user TEXT COLLATE NOCASE,')
		WHERE type = 'table' AND name = 'audit';
	PRAGMA writable_schema = OFF;" || fail "the tampering itself" "sqlite3 failed"
assert_contains "the copy's table declares user under NOCASE" \
	"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'audit'")" "user TEXT COLLATE NOCASE"
assert_eq "the copy's index is the genuine one" "$index_sql" \
	"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'audit_block_object'")"
assert_eq "sqlite's integrity check of the copy's log finds nothing" "ok" \
	"$(sqlite3 "$X/catalog.db" "PRAGMA integrity_check(audit)")"

out=$("$RECCTL" audit show -R "$X" --user "$analyst" --action open 2>&1)
assert_contains "--user $analyst on the copy lists $upper's open as the analyst's" "$out" "$upper("
out=$("$RECCTL" audit show -R "$X" --user "$upper" --action open 2>&1)
assert_contains "--user $upper on the copy lists the analyst's opens" "$out" "$analyst("
listing_as_before ""
verify_finds_tampering ""

t_done
