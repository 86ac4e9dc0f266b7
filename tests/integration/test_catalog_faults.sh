#!/bin/bash
# A damaged catalog and a full disk say what they are (issue 12):
#  1. one page of catalog.db overwritten (the audit log's): `audit verify`
#     says the catalog is damaged and quotes sqlite's "malformed", not
#     "Input/output error"; `fsck` stops on sqlite's integrity check; a real
#     `retention sweep` refuses before it erases anything, a dry run counts
#     and warns;
#  2. the register on a full file system: commands say "No space left on
#     device", not "disk I/O error".
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
FULL=$T_TMP/full

# ingest_n REG KEYS N: N recordings of 2025 (expired under the policy by 2040).
ingest_n()
{
	local reg=$1 keys=$2 n=$3 i spool=$T_TMP/in
	mkdir -p "$spool"
	for i in $(seq 1 "$n"); do
		cp "$FIX/mono.opus" "$spool/r$i.opus"
		printf '{"recorded_at": "2025-01-%02dT10:00:00Z", "source": "customer-service", "audio": "r%d.opus"}' \
			"$i" "$i" >"$spool/r$i.json"
	done
	"$RECCTL" ingest -R "$reg" --keyring "$keys/ingest.keyring" "$spool"/r*.json >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
	rm -rf "$spool"
}

# --- 1. a damaged page ------------------------------------------------------
make_register "$T_TMP/a"
ingest_n "$REG" "$KEYS" 5
assert_ok "fsck of the intact catalog is clean" "$RECCTL" fsck -R "$REG"
blobs_before=$(find "$REG/blobs" -type f | wc -l)
# Overwrite the root page of the audit table; the schema (page 1) stays.
/usr/bin/python3 - "$REG/catalog.db" <<'PY' || t_abort "damage" "cannot damage the catalog"
import sqlite3, sys
path = sys.argv[1]
db = sqlite3.connect(path)
root, = db.execute("SELECT rootpage FROM sqlite_master WHERE name='audit'").fetchone()
size, = db.execute("PRAGMA page_size").fetchone()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
with open(path, "r+b") as f:
    f.seek((root - 1) * size)
    f.write(bytes((i * 7 + 3) & 0xff for i in range(size)))
PY

assert_exit "audit verify of a damaged catalog fails" 1 "$RECCTL" audit verify -R "$REG"
assert_contains "it says the catalog is damaged" "$T_OUT" "the catalog is damaged"
assert_contains "it quotes sqlite's malformed" "$T_OUT" "malformed"
assert_not_contains "not Input/output error" "$T_OUT" "Input/output error"

assert_exit "fsck of a damaged catalog fails" 1 "$RECCTL" fsck -R "$REG"
assert_contains "fsck names the damage and stops" "$T_OUT" "nothing else was checked or repaired"

assert_exit "a retention sweep of a damaged catalog is refused" 1 \
	env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$REG"
assert_contains "the sweep says it refused" "$T_OUT" "the sweep refused to run: nothing was erased"
assert_eq "no blob was erased" "$blobs_before" "$(find "$REG/blobs" -type f | wc -l)"

assert_ok "a dry run of the damaged catalog still counts" \
	env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$REG" --dry-run
assert_contains "the dry run warns" "$T_OUT" "fails sqlite's integrity check"
assert_contains "the dry run counts the expired recordings" "$T_OUT" "expired 5, would erase 5"
assert_ok "the dry run in JSON" env RECFS_NOW=2040-01-01 "$RECCTL" retention sweep -R "$REG" --dry-run --json
assert_eq "its JSON says catalog_damaged" "true" "$(printf '%s' "$T_OUT" | sed -n '/^{/,$p' | jq .catalog_damaged)"

# --- 2. a full disk ---------------------------------------------------------
t_tmpfs "$FULL" 4m
make_register "$FULL/b"
ingest_n "$REG" "$KEYS" 1
head -c 64M /dev/zero >"$FULL/fill" 2>/dev/null
assert_eq "the file system is full" 0 "$(df --output=avail -B1 "$FULL" | tail -n 1 | tr -d ' ')"
assert_exit "a command on the full disk fails" 1 "$RECCTL" request list -R "$REG"
assert_contains "it says No space left on device" "$T_OUT" "No space left on device"
assert_not_contains "not disk I/O error" "$T_OUT" "disk I/O error"
assert_exit "audit verify on the full disk fails" 1 "$RECCTL" audit verify -R "$REG"
assert_contains "audit verify says No space left on device" "$T_OUT" "No space left on device"
rm -f "$FULL/fill"
assert_ok "with room again the register opens" "$RECCTL" fsck -R "$REG"
t_done
