#!/bin/bash
# Promise tried: recctl(1) retention sweep erases every recording whose
# retention has ended, and refuses to run on a damaged catalog ("a damaged
# one may hide expired rows from the sweep"); recctl fsck says the catalog
# is damaged.
#
# Attack (root with write access to catalog.db, or a disk that damages
# one index page): the sweep finds the expired recordings through the
# index recording_retention.  Rebuild it without one of them (a partial
# index) and give it the full index's definition back with
# writable_schema: every page and record is still well formed, so sqlite's
# quick check finds nothing, and the sweep would erase the other expired
# recordings and report success while the one left out is kept past its
# retention.  Expected: the sweep refuses and erases nothing, its dry run
# warns, fsck says the catalog is damaged and names the index; on the
# intact copy the sweep erases all of them.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for d in 1 2 3; do
	customer_call "c$d" "2025-01-0${d}T10:00:00Z" "Asiakas $d" "+35840123456$d"
done
[ "$(q "SELECT count(*) FROM recording")" = 3 ] || t_abort "ingest" "not three recordings"
rid=$(id_at 2025-01-02T10:00:00Z)
[ -n "$rid" ] || t_abort "ingest" "no recording of 2 Jan 2025"
index_sql=$(q "SELECT sql FROM sqlite_schema WHERE name = 'recording_retention'")
[ "$index_sql" = "CREATE INDEX recording_retention ON recording(retention_until)" ] ||
	t_abort "schema" "the index is not the one this test knows: $index_sql"

X=$T_TMP/x
cp -a "$REG" "$X"
sqlite3 "$X/catalog.db" "DROP INDEX recording_retention;
	$index_sql WHERE id <> '$rid';
	PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = '$index_sql' WHERE name = 'recording_retention';
	PRAGMA writable_schema = OFF;" || t_abort "tampering" "sqlite3 failed"
assert_eq "the copy's index reads as the full one again" "$index_sql" \
	"$(sqlite3 "$X/catalog.db" "SELECT sql FROM sqlite_schema WHERE name = 'recording_retention'")"
assert_eq "sqlite's quick check of the copy finds nothing" "ok" "$(sqlite3 "$X/catalog.db" "PRAGMA quick_check")"
assert_eq "a query through the index leaves the recording out" 2 \
	"$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM recording WHERE retention_until < 9000000000")"

# By 2040 all three have expired under the shipped policy.
blobs=$(find "$X/blobs" -type f | wc -l)
assert_ok "the dry run of the copy runs" env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$X" --dry-run
assert_contains "... and warns of the damage" "$T_OUT" "fails sqlite's integrity check"
assert_exit "the sweep of the copy is refused" 1 env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$X"
assert_contains "... saying nothing was erased" "$T_OUT" "the sweep refused to run: nothing was erased"
assert_contains "... naming the index" "$T_OUT" "recording_retention"
# NOT INDEXED: sqlite counts rows with the smallest index, here the one
# tampered with.
assert_eq "no recording was erased" 3 "$(sqlite3 "$X/catalog.db" "SELECT count(*) FROM recording NOT INDEXED")"
assert_eq "no blob was erased" "$blobs" "$(find "$X/blobs" -type f | wc -l)"
assert_exit "fsck of the copy fails" 1 "$RECCTL" fsck -R "$X"
assert_contains "... saying the catalog is damaged" "$T_OUT" "the catalog is damaged"
assert_contains "... naming the index" "$T_OUT" "recording_retention"

# The intact register: every expired recording goes.
assert_ok "fsck of the intact register is clean" "$RECCTL" fsck -R "$REG"
assert_ok "the sweep of the intact register runs" env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$REG"
assert_eq "... and erases all three" 0 "$(q "SELECT count(*) FROM recording")"
t_done
